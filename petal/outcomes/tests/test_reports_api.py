"""/api/v1/reports/…: the same suppressed tables as the pages, for the same roles, audited."""

from __future__ import annotations

import datetime as dt

import pytest

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.outcomes import dashboards
from petal.outcomes.suppression import FEWER_THAN_5
from petal.people.tests.factories import EpisodeFactory, PersonFactory
from petal.reference.models import AreaOfDisadvantage, District


def _cohort(n: int, code: str, start=dt.date(2024, 1, 1)):
    district = District.objects.get(code=code)
    for _ in range(n):
        person = PersonFactory(district=district)
        for area in AreaOfDisadvantage.objects.order_by("order")[:3]:
            EpisodeFactory(person=person, area=area, starts_on=start)


@pytest.fixture
def programme(client, make_user):
    user = make_user(Role.PROGRAMME_TEAM)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_cohort_on_a_day_gives_the_pages_tables_with_hidden_values_as_null(client, programme):
    _cohort(8, "cambridge")
    _cohort(2, "peterborough")
    response = client.get("/api/v1/reports/cohort", {"on": "2025-05-01"})
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "cohort"
    assert body["params"] == {"on": "2025-05-01"}
    built = dashboards.get("cohort").build(programme, {"on": "2025-05-01"})
    assert [t["slug"] for t in body["tables"]] == [t.slug for t in built.tables]
    table = body["tables"][0]
    assert table["columns"] == ["District", "People in the cohort"]
    rows = {r["label"]: r for r in table["rows"]}
    assert rows["Peterborough"]["values"] == [{"value": None, "shown": FEWER_THAN_5}]
    assert rows["Cambridge"]["values"][0]["value"] is None  # secondary: would give it away
    assert rows["Cambridge"]["values"][0]["shown"] == "not shown"
    assert rows["Total"]["total"] is True
    assert rows["Total"]["values"] == [{"value": 10, "shown": "10"}]
    assert rows["All of Peterborough"]["in_total"] is False


@pytest.mark.django_db
def test_the_same_figures_as_the_page(client, programme):
    _cohort(9, "fenland", start=dt.date(2023, 1, 1))
    page = client.get("/outcomes/cohort/", {"on": "2023-03-01"}).context["built"]
    body = client.get("/api/v1/reports/cohort", {"on": "2023-03-01"}).json()
    for table, found in zip(page.tables, body["tables"], strict=True):
        shown = [[cell.text for cell in cells] for _, cells in table.body()]
        assert shown == [[v["shown"] for v in r["values"]] for r in found["rows"] if not r["total"]]
    # Before Fenland & East Cambridgeshire started, Fenland counted in Cambridgeshire.
    rows = {r["label"]: r["values"][0]["value"] for r in body["tables"][0]["rows"]}
    assert rows["All of Cambridgeshire"] == 9


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["tomorrow", "2025-02-30", "0001-01-01", "2025/05/01"])
def test_a_bad_date_is_refused_with_a_clear_message(client, programme, bad):
    response = client.get("/api/v1/reports/cohort", {"on": bad})
    assert response.status_code == 422
    assert "year-month-day" in response.json()["detail"] or "between" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action="report.api_read").exists()


@pytest.mark.django_db
def test_a_bad_measure_is_refused(client, programme):
    response = client.get("/api/v1/reports/time-to-access", {"measure": "never"})
    assert response.status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize(
    "slug",
    [
        "time-to-access",
        "tell-it-once",
        "barriers",
        "champions",
        "ndt",
        "service-use",
        "contributions",
        "referrals",
    ],
)
def test_every_other_report(client, programme, slug):
    response = client.get(f"/api/v1/reports/{slug}")
    assert response.status_code == 200, response.content
    assert response.json()["tables"]


@pytest.mark.django_db
def test_an_unknown_report_is_not_found(client, programme):
    assert client.get("/api/v1/reports/nothing-here").status_code == 404


@pytest.mark.django_db
def test_reading_is_audited(client, programme):
    client.get("/api/v1/reports/cohort", {"on": "2025-05-01"})
    event = AuditEvent.objects.get(action="report.api_read")
    assert event.actor_id == programme.pk
    assert event.data == {"slug": "cohort", "params": {"on": "2025-05-01"}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PROGRAMME_TEAM, 200),
        (Role.PARTNERSHIP_COORDINATOR, 200),
        (Role.GOVERNANCE_MEMBER, 200),
        (Role.TRUSTED_PERSON, 403),
        (Role.CHAMPION, 403),
        (Role.DATA_PROTECTION_LEAD, 403),
    ],
)
def test_who_may_read_reports(client, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get("/api/v1/reports/cohort").status_code == status
    assert client.get("/api/v1/reports/barriers").status_code == status


@pytest.mark.django_db
def test_anonymous_is_asked_to_sign_in(client):
    assert client.get("/api/v1/reports/cohort").status_code == 401


@pytest.mark.django_db
def test_a_token_reads_reports(client, make_user):
    from petal.accounts.services import token_create

    user = make_user(Role.GOVERNANCE_MEMBER)
    _, secret = token_create(actor=user, name="reports")
    response = client.get("/api/v1/reports/cohort", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
