"""The dashboards' pages: who may open them, what is recorded, bad parameters, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.outcomes import dashboards
from petal.outcomes.tests.factories import NDT_CODES, AssessmentFactory
from petal.people.tests.factories import EpisodeFactory, PersonFactory
from petal.reference.models import AreaOfDisadvantage, District

SLUGS = [
    "cohort",
    "referrals",
    "tell-it-once",
    "barriers",
    "champions",
    "ndt",
    "service-use",
    "contributions",
]
ALLOWED = [Role.PROGRAMME_TEAM, Role.PARTNERSHIP_COORDINATOR, Role.GOVERNANCE_MEMBER]
REFUSED = [Role.TRUSTED_PERSON, Role.SERVICE_STAFF, Role.CHAMPION, Role.SAFEGUARDING_LEAD]


def _cohort_people(n: int, district_code: str = "cambridge"):
    district = District.objects.get(code=district_code)
    areas = list(AreaOfDisadvantage.objects.order_by("order"))
    for _ in range(n):
        person = PersonFactory(district=district)
        for area in areas[:3]:
            EpisodeFactory(person=person, area=area, starts_on=dt.date(2024, 1, 1))


def test_every_dashboard_is_registered():
    assert [d.slug for d in dashboards.all_dashboards()] == SLUGS


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALLOWED)
def test_each_dashboard_opens_for_the_roles_that_read_counts(client, make_user, role):
    _cohort_people(6)
    client.force_login(make_user(role))
    index = client.get(reverse("outcomes:dashboards"))
    assert index.status_code == 200
    for slug in SLUGS:
        assert reverse("outcomes:dashboard", args=[slug]) in index.content.decode()
        response = client.get(reverse("outcomes:dashboard", args=[slug]))
        assert response.status_code == 200, slug
        assert "Test Person" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", REFUSED)
def test_people_roles_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("outcomes:dashboards")).status_code == 403
    assert client.get(reverse("outcomes:dashboard", args=["cohort"])).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("outcomes:dashboard", args=["cohort"]))
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


@pytest.mark.django_db
def test_an_unknown_dashboard_is_not_found(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    assert client.get("/outcomes/no-such-thing/").status_code == 404


@pytest.mark.django_db
def test_viewing_is_audited_with_the_slug_and_parameters(client, make_user):
    user = make_user(Role.GOVERNANCE_MEMBER)
    client.force_login(user)
    client.get(reverse("outcomes:dashboard", args=["cohort"]), {"on": "2025-06-01"})
    event = AuditEvent.objects.filter(action="dashboard.viewed", actor_id=user.pk).latest(
        "sequence"
    )
    assert event.data == {"slug": "cohort", "params": {"on": "2025-06-01"}}


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "1066-10-14", "2025-02-30"])
def test_a_bad_day_falls_back_to_today_with_a_message_and_keeps_what_was_typed(
    client, make_user, bad
):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    response = client.get(reverse("outcomes:dashboard", args=["cohort"]), {"on": bad})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="param-messages"' in html
    assert "year-month-day" in html or "between" in html
    assert f'value="{bad}"' in html
    assert response.context["built"].params["on"] == timezone.localdate().isoformat()


@pytest.mark.django_db
def test_a_bad_measure_or_year_falls_back_with_a_message(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    response = client.get(reverse("outcomes:dashboard", args=["referrals"]), {"measure": "x"})
    assert response.status_code == 200
    assert response.context["built"].params["measure"] == "started"
    assert response.context["messages_about_params"]
    response = client.get(reverse("outcomes:dashboard", args=["contributions"]), {"year": "z"})
    assert response.status_code == 200
    assert response.context["messages_about_params"]


@pytest.mark.django_db
def test_the_cohort_page_shows_the_flower_beside_its_table(client, make_user):
    _cohort_people(7)
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    html = client.get(reverse("outcomes:dashboard", args=["cohort"])).content.decode()
    assert 'data-testid="chart-combinations"' in html
    assert 'role="img"' in html
    assert '<title id="chart-combinations-title">' in html
    assert '<desc id="chart-combinations-desc">' in html
    assert 'data-testid="table-combinations"' in html
    assert "Homelessness: 7" in html


def _queries(client, url, params=None) -> int:
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", SLUGS)
def test_query_counts_do_not_grow_with_the_data(client, make_user, slug):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    url = reverse("outcomes:dashboard", args=[slug])
    before = _queries(client, url)
    for code in ("cambridge", "fenland", "peterborough", "huntingdonshire"):
        _cohort_people(3, code)
    for person in PersonFactory.create_batch(3):
        AssessmentFactory(person=person, assessed_on=dt.date(2025, 1, 1))
        AssessmentFactory(person=person, scores={NDT_CODES[0]: 2})
    after = _queries(client, url)
    assert after == before, (slug, before, after)


@pytest.mark.django_db
def test_the_cohort_page_asks_a_fixed_number_of_queries(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    for code in ("cambridge", "fenland", "peterborough"):
        _cohort_people(6, code)
    # Session, user and roles (3); the figures (6): areas, the cohort by district, coverage,
    # districts, by combination, and twelve days in one query; the audit event (4, and one
    # more on PostgreSQL, which locks the chain).
    assert _queries(client, reverse("outcomes:dashboard", args=["cohort"])) <= 14


@pytest.mark.django_db
def test_the_index_shows_a_suppressed_headline_for_each_dashboard(client, make_user):
    _cohort_people(3)
    client.force_login(make_user(Role.PARTNERSHIP_COORDINATOR))
    html = client.get(reverse("outcomes:dashboards")).content.decode()
    assert "fewer than 5" in html
    assert ">3<" not in html
    assert html.count('class="govuk-!-font-weight-bold govuk-!-font-size-24"') == len(SLUGS)


@pytest.mark.django_db
def test_each_table_links_to_its_downloads_with_the_pages_query(client, make_user):
    client.force_login(make_user(Role.PROGRAMME_TEAM))
    html = client.get(reverse("outcomes:dashboard", args=["cohort"]), {"on": "2025-06-01"})
    html = html.content.decode()
    for table in ("by-partnership", "combinations", "over-time"):
        for fmt in ("csv", "xlsx"):
            assert f"/outcomes/cohort/tables/{table}.{fmt}?on=2025-06-01" in html
