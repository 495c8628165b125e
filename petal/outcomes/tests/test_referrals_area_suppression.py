"""Time to access by partnership and district: a small district cannot be worked out from its
partnership's figure, on the dashboard or on the time-to-access pages every worker reads."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from petal.outcomes.dashboards.referrals import area_table
from petal.outcomes.suppression import determined

pytestmark = pytest.mark.django_db


def _referrals(district_code: str, n: int, service):
    from petal.reference.models import District
    from petal.reference.selectors import coverage_on
    from petal.referrals.tests.factories import ReferralFactory

    district = District.objects.get(code=district_code)
    today = timezone.localdate()
    partnership = coverage_on(today).get(district=district).partnership
    sent = timezone.now() - dt.timedelta(days=20)
    for _ in range(n):
        ReferralFactory(
            service=service,
            district=district,
            partnership=partnership,
            sent_at=sent,
            acknowledged_at=sent + dt.timedelta(days=1),
            first_contact_at=sent + dt.timedelta(days=2),
            started_at=sent + dt.timedelta(days=6),
        )


@pytest.fixture
def cambridgeshire():
    from petal.directory.tests.factories import ServiceFactory

    service = ServiceFactory()
    _referrals("cambridge", 3, service)
    _referrals("huntingdonshire", 10, service)
    _referrals("south-cambridgeshire", 20, service)
    # Smaller than Huntingdonshire: the line rule on the districts alone would hide
    # Peterborough beside Cambridge, and Cambridgeshire's 33 would then give Cambridge away.
    _referrals("peterborough", 6, service)
    return service


def _known_sums(table):
    """What a reader knows without the table's help: Cambridgeshire's figure is the sum of
    Cambridge, Huntingdonshire and South Cambridgeshire (it covers those alone), and the
    partnerships, like the districts, add up to the total."""
    index = {row.label: r for r, row in enumerate(table.rows)}
    partnerships = [r for r, row in enumerate(table.rows) if row.section == "Partnerships"]
    districts = [r for r, row in enumerate(table.rows) if row.section == "Districts"]
    cambs = [index[n] for n in ("Cambridge", "Huntingdonshire", "South Cambridgeshire")]
    return [
        [(r, 0) for r in cambs] + [(index["Cambridgeshire"], 0)],
        [(index["Peterborough"], 0), (partnerships[-1], 0)],
        [(r, 0) for r in partnerships] + [("total", 0)],
        [(r, 0) for r in districts] + [("total", 0)],
    ]


def test_a_small_district_is_hidden_and_cannot_be_worked_out(cambridgeshire):
    table = area_table("started", timezone.localdate())
    values = dict(table._values)
    small = {k for k, v in values.items() if 1 <= v <= 4}
    assert small and small <= table.hidden
    assert not determined(values, _known_sums(table), table.hidden) & small
    shown = [row[1] for row in table.text_rows()[1:]]
    assert not [cell for cell in shown if re.fullmatch(r"[1-4]", cell)]


def test_the_time_to_access_page_shows_no_small_count(cambridgeshire, client, make_user):
    from petal.access.roles import Role

    client.force_login(make_user(Role.TRUSTED_PERSON))
    html = client.get("/referrals/times/").content.decode()
    assert "fewer than 5" in html
    cells = re.findall(r'govuk-table__cell--numeric">\s*([^<]*?)\s*<', html)
    assert cells and not [c for c in cells if c in {"1", "2", "3", "4"}]
