"""The time-to-access figures on the pages equal a plain Python computation over the same
rows (median, and the nearest-rank 90th percentile), whichever database computes them."""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import statistics
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from petal.access.roles import Role
from petal.reference.models import District, Partnership
from petal.referrals.measures import by_month, months_back
from petal.referrals.models import Referral, Status
from petal.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


class _Table(HTMLParser):
    """The rows of the by-month table (data-testid="table-time-to-access-by-month"), as lists
    of cell texts."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("data-testid", "table-time-to-access-by-month") in attrs:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_of(html: str) -> dict[str, tuple[str, str, str]]:
    """Month ("November 2026") → (count, median, 90th percentile) as shown. An empty figure
    reads "–" (with "no figure" for screen readers)."""
    parser = _Table()
    parser.feed(html)
    return {
        row[0]: tuple("–" if "no figure" in cell else cell for cell in row[1:4])
        for row in parser.rows[1:]
    }


def count_shown(count: int) -> str:
    """How a count of referrals is written for readers who cannot see the people behind it."""
    return "fewer than 5" if 1 <= count <= 4 else str(count)


def python_figures(waits: list[dt.timedelta]) -> tuple[float, float]:
    days = sorted(w / dt.timedelta(days=1) for w in waits)
    median = statistics.median(days)
    p90 = days[math.ceil(0.9 * len(days)) - 1]
    return round(median, 1), round(p90, 1)


@pytest.fixture
def referrals():
    """Referrals over the last year in two districts, with random waits to each step; some
    months empty, some with one referral, odd and even counts; some never started."""
    rng = random.Random(20261124)  # fixed: the same rows on every run and database
    today = timezone.localdate()
    fenland = District.objects.get(code="fenland")
    cambridge = District.objects.get(code="cambridge")
    fen = Partnership.objects.get(slug="fenland-east-cambridgeshire")
    cambs = Partnership.objects.get(slug="cambridgeshire")
    made = []
    for index, month in enumerate(months_back(today, 12)):
        count = [0, 1, 2, 5, 8, 3, 0, 7, 4, 6, 9, 2][index]
        for _ in range(count):
            day = rng.randint(1, 26 if month.month != today.month else max(1, today.day - 1))
            sent = timezone.make_aware(
                dt.datetime.combine(month.replace(day=day), dt.time(rng.randint(8, 17)))
            )
            ack = sent + dt.timedelta(hours=rng.randint(1, 200))
            contact = ack + dt.timedelta(hours=rng.randint(1, 300))
            started = contact + dt.timedelta(hours=rng.randint(1, 500))
            open_ = rng.random() < 0.2
            rural = rng.random() < 0.5
            made.append(
                ReferralFactory(
                    sent_at=sent,
                    acknowledged_at=ack,
                    first_contact_at=contact,
                    started_at=None if open_ else started,
                    status=Status.FIRST_CONTACT if open_ else Status.STARTED,
                    district=fenland if rural else cambridge,
                    partnership=fen if rural else cambs,
                )
            )
    return made


def expected(rows, field: str, month: dt.date):
    waits = [
        getattr(r, field) - r.sent_at
        for r in rows
        if getattr(r, field) is not None
        and timezone.localtime(r.sent_at).date().replace(day=1) == month
    ]
    return len(waits), waits


@pytest.mark.parametrize(
    ("measure", "field"),
    [
        ("acknowledged", "acknowledged_at"),
        ("first_contact", "first_contact_at"),
        ("started", "started_at"),
    ],
)
def test_programme_page_equals_python(client, make_user, referrals, measure, field):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    html = client.get(reverse("referrals:times"), {"measure": measure}).content.decode()
    table = table_of(html)
    assert len(table) == 12
    rows = list(Referral.objects.all())
    checked = 0
    for month in months_back(timezone.localdate(), 12):
        count, waits = expected(rows, field, month)
        shown = table[f"{month:%B %Y}"]
        assert shown[0] == count_shown(count)
        if count >= 5:
            median, p90 = python_figures(waits)
            assert float(shown[1]) == median, (month, waits)
            assert float(shown[2]) == p90, (month, waits)
            checked += 1
        elif count:
            # From fewer than 5 referrals a median would describe someone's own wait.
            assert shown[1:] == ("not shown", "not shown")
        else:
            assert shown[1:] == ("–", "–")
    assert checked >= 4


def test_partnership_and_district_pages_equal_python(client, make_user, referrals):
    client.force_login(make_user(Role.PARTNERSHIP_COORDINATOR))
    fen = Partnership.objects.get(slug="fenland-east-cambridgeshire")
    html = client.get(reverse("referrals:times-partnership", args=[fen.slug])).content.decode()
    table = table_of(html)
    rows = [r for r in Referral.objects.all() if r.partnership_id == fen.pk]
    for month in months_back(timezone.localdate(), 12):
        count, waits = expected(rows, "started_at", month)
        assert table[f"{month:%B %Y}"][0] == count_shown(count)
        if count >= 5:
            assert float(table[f"{month:%B %Y}"][1]) == python_figures(waits)[0]
    html = client.get(reverse("referrals:times-district", args=["cambridge"])).content.decode()
    rows = [r for r in Referral.objects.all() if r.district.code == "cambridge"]
    table = table_of(html)
    for month in months_back(timezone.localdate(), 12):
        assert table[f"{month:%B %Y}"][0] == count_shown(expected(rows, "started_at", month)[0])


def test_service_page_and_overview_comparison(client, make_user, referrals):
    client.force_login(make_user(Role.TRUSTED_PERSON))
    service = referrals[0].service
    html = client.get(reverse("referrals:times-service", args=[service.pk])).content.decode()
    table = table_of(html)
    started = [r for r in referrals if r.service_id == service.pk and r.started_at]
    by_month = {}
    for r in started:
        month = timezone.localtime(r.sent_at).date().replace(day=1)
        by_month[month] = by_month.get(month, 0) + 1
    for month in months_back(timezone.localdate(), 12):
        assert table[f"{month:%B %Y}"][0] == count_shown(by_month.get(month, 0))
    overview = client.get(reverse("referrals:times")).content.decode()
    fen_rows = [
        r.started_at - r.sent_at
        for r in Referral.objects.filter(partnership__slug="fenland-east-cambridgeshire")
        if r.started_at
    ]
    median, p90 = python_figures(fen_rows)
    row = re.search(r"Fenland &amp; East Cambridgeshire</th>(.*?)</tr>", overview, re.S)
    cells = re.findall(r"numeric\">([^<]*)<", row.group(1))
    assert len(fen_rows) >= 5
    assert int(cells[0]) == len(fen_rows)
    assert float(cells[1]) == median
    assert float(cells[2]) == p90


def test_chart_has_a_text_description_and_the_table(client, make_user, referrals):
    client.force_login(make_user(Role.GOVERNANCE_MEMBER))
    html = client.get(reverse("referrals:times")).content.decode()
    assert 'role="img"' in html
    assert re.search(r"<desc id=\"chart-desc\">\d+ referrals reached this step", html)
    assert "<polyline" in html


def test_by_month_with_no_referrals_is_empty_not_an_error():
    from django.db.models import Q

    figures = by_month(Q(), measure="started")
    assert len(figures) == 12
    assert all(f.count == 0 and f.median is None for f in figures)


def test_a_wait_across_the_clocks_changing_is_real_time_not_wall_clock():
    """29 March 2026: the clocks go forward. Noon Saturday to noon Monday is 47 hours."""
    london = timezone.get_current_timezone()
    sent = dt.datetime(2026, 3, 28, 12, tzinfo=london)
    started = dt.datetime(2026, 3, 30, 12, tzinfo=london)
    referral = ReferralFactory(sent_at=sent, started_at=started, status=Status.STARTED)
    referral.refresh_from_db()
    assert referral.wait_started == 47 * 3600 * 1_000_000
    assert referral.sent_month == dt.date(2026, 3, 1)


def test_seeking_the_index_and_ranking_every_row_agree(referrals):
    """The whole programme's months are found by seeking the (month, wait) index; any scoped
    page ranks its rows. Both must give the same figures."""
    from django.db.models import Q

    for measure in ("acknowledged", "first_contact", "started"):
        whole = by_month(Q(), measure=measure)
        ranked = by_month(Q(pk__gt=0), measure=measure)
        assert whole == ranked
        assert sum(f.count for f in whole) > 0


@pytest.mark.parametrize("measure", ["acknowledged", "first_contact", "started"])
def test_figures_for_several_groups_at_once_equal_one_group_at_a_time(referrals, measure):
    """measures.by_groups (one pass on PostgreSQL) gives exactly what by_group gives."""
    from django.db.models import Q

    from petal.referrals.measures import by_group, by_groups

    fields = ["service_id", "partnership_id", "district_id"]
    together = by_groups(fields, measure=measure)
    for field in fields:
        assert together[field] == by_group(Q(), field, measure=measure), field
    assert together["district_id"]
