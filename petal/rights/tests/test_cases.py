"""Subject access requests as tracked cases: finding the record without browsing, the clock
(paused, extended), closing, the list, and who may do any of it — through the real pages."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import NotFound, ValidationFailed
from petal.rights import selectors, services
from petal.rights.models import ClockPause, RightsCase, Status
from petal.rights.tests.factories import RightsCaseFactory

pytestmark = pytest.mark.django_db

MARCH_15 = dt.datetime(2026, 3, 15, 10, 0, tzinfo=dt.UTC)


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def _date(prefix, day: dt.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _record(client, person, **overrides):
    data = {
        "kind": "access",
        **_date("received_on", timezone.localdate()),
        "received_how": "letter",
        "identity_checked": "no",
        "notes": "",
        "what_is_wrong": "",
        "what_should_be": "",
        **overrides,
    }
    return client.post(f"/rights/new/{person.pk}", data)


# --- finding the record ---------------------------------------------------------------------


def test_lead_finds_a_record_by_number_and_the_search_is_recorded(client, dpo, person):
    client.force_login(dpo)
    response = client.post("/rights/new", {"reference": f"P-{person.pk:06d}"})
    assert response.status_code == 200
    assert "Robin Canary-Hart" in response.content.decode()
    (event,) = _events("rights.person_searched")
    assert event.actor_id == dpo.pk
    assert event.data == {"by": "reference", "matches": 1, "people": [person.pk]}
    # The search terms are not kept in the trail: a name there would be personal data.
    assert "Canary" not in str(event.data)


def test_name_search_finds_only_exact_name_and_date_of_birth(client, dpo, person):
    client.force_login(dpo)
    born = person.date_of_birth
    exact = client.post(
        "/rights/new",
        {"reference": "", "full_name": "robin canary hart", **_date("date_of_birth", born)},
    )
    assert f"P-{person.pk:06d}" in exact.content.decode()
    partial = client.post(
        "/rights/new", {"reference": "", "full_name": "Robin", **_date("date_of_birth", born)}
    )
    assert "No record matches" in partial.content.decode()
    assert "Canary" not in partial.content.decode()
    wrong_birthday = client.post(
        "/rights/new",
        {
            "reference": "",
            "full_name": "Robin Canary-Hart",
            **_date("date_of_birth", born + dt.timedelta(days=1)),
        },
    )
    assert "No record matches" in wrong_birthday.content.decode()
    assert [e.data["matches"] for e in _events("rights.person_searched")] == [1, 0, 0]


def test_name_without_date_of_birth_is_refused_with_a_message(client, dpo, person):
    client.force_login(dpo)
    response = client.post("/rights/new", {"reference": "", "full_name": "Robin Canary-Hart"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter the person&#x27;s date of birth" in page
    assert "<title>Error:" in page
    assert 'value="Robin Canary-Hart"' in page
    assert not _events("rights.person_searched")


@pytest.mark.parametrize(
    "role",
    [Role.TRUSTED_PERSON, Role.ADMINISTRATOR, Role.SAFEGUARDING_LEAD, Role.PROGRAMME_TEAM],
)
def test_only_the_data_protection_lead_may_find_records_or_record_requests(
    client, make_user, person, role
):
    client.force_login(make_user(role))
    assert client.post("/rights/new", {"reference": str(person.pk)}).status_code == 403
    assert _record(client, person).status_code == 403
    with pytest.raises(NotFound):
        selectors.person_find(make_user(role), reference=str(person.pk))
    assert not RightsCase.objects.exists()


def test_the_lead_still_cannot_read_the_record_itself(client, dpo, person):
    client.force_login(dpo)
    assert client.get(f"/people/{person.pk}").status_code == 403
    assert client.get("/people/").status_code == 403


# --- recording and the clock ------------------------------------------------------------------


@time_machine.travel(MARCH_15, tick=False)
def test_recording_a_request_starts_a_one_month_clock(client, dpo, person):
    client.force_login(dpo)
    response = _record(client, person, notes="Letter asks for everything")
    case = RightsCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rights/{case.pk}"
    assert (case.kind, case.status, case.person_id) == ("access", Status.OPEN, person.pk)
    assert case.person_reference == f"P-{person.pk:06d}"
    assert case.due_on() == dt.date(2026, 4, 15)
    (event,) = _events("rights.case_recorded")
    assert (event.object_type, event.object_id) == ("rights.rightscase", str(case.pk))
    assert event.data["person"] == person.pk
    page = client.get(f"/rights/{case.pk}").content.decode()
    assert "15 April 2026" in page
    assert "31 days left" in page
    assert "Data-protection request recorded" in page  # the timeline


def test_a_request_received_in_the_future_is_refused_and_what_was_typed_kept(client, dpo, person):
    client.force_login(dpo)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _record(client, person, notes="Kept note", **_date("received_on", tomorrow))
    page = response.content.decode()
    assert response.status_code == 200
    assert "must be in the past" in page
    assert "Kept note" in page
    assert not RightsCase.objects.exists()


def test_pausing_moves_the_due_date_by_the_days_paused_and_keeps_the_history(dpo, person):
    with time_machine.travel(MARCH_15, tick=False):
        case = services.case_record(
            actor=dpo,
            kind="access",
            person_id=person.pk,
            received_on=timezone.localdate(),
            received_how="email",
            identity_checked=False,
        )
        services.clock_pause(actor=dpo, case_id=case.pk, reason="Waiting for proof of identity")
    with time_machine.travel(MARCH_15 + dt.timedelta(days=6), tick=False):
        case.refresh_from_db()
        assert case.status == Status.PAUSED
        # While paused, the due date keeps moving and the case is never overdue.
        assert case.due_on() == dt.date(2026, 4, 21)
        services.clock_resume(actor=dpo, case_id=case.pk)
    with time_machine.travel(MARCH_15 + dt.timedelta(days=10), tick=False):
        services.clock_pause(actor=dpo, case_id=case.pk, reason="Asked which records")
    with time_machine.travel(MARCH_15 + dt.timedelta(days=12), tick=False):
        services.clock_resume(actor=dpo, case_id=case.pk)
        case.refresh_from_db()
        assert (case.status, case.paused_days, case.paused_since) == (Status.OPEN, 8, None)
        assert case.due_on() == dt.date(2026, 4, 23)
    pauses = list(ClockPause.objects.filter(case=case).values_list("paused_on", "resumed_on"))
    assert pauses == [
        (dt.date(2026, 3, 15), dt.date(2026, 3, 21)),
        (dt.date(2026, 3, 25), dt.date(2026, 3, 27)),
    ]
    assert len(_events("rights.clock_paused")) == 2
    assert [e.data["days"] for e in _events("rights.clock_resumed")] == [6, 2]


def test_extension_once_by_at_most_two_months_with_a_reason(client, dpo):
    with time_machine.travel(MARCH_15, tick=False):
        case = RightsCaseFactory(received_on=dt.date(2026, 3, 15))
        client.force_login(dpo)
        missing = client.post(f"/rights/{case.pk}/extend", {"months": "2", "reason": ""})
        assert "Enter why more time is needed" in missing.content.decode()
        too_long = client.post(f"/rights/{case.pk}/extend", {"months": "3", "reason": "Many"})
        assert too_long.status_code == 200
        assert "Select a valid choice" in too_long.content.decode()
        done = client.post(
            f"/rights/{case.pk}/extend", {"months": "2", "reason": "Records from four services"}
        )
        assert done.status_code == 302
        case.refresh_from_db()
        assert case.due_on() == dt.date(2026, 6, 15)
        with pytest.raises(ValidationFailed, match="extended once"):
            services.clock_extend(actor=dpo, case_id=case.pk, months=1, reason="Again")
    assert len(_events("rights.clock_extended")) == 1


def test_access_request_completes_only_with_a_copy_and_refusal_needs_a_reason(client, dpo):
    case = RightsCaseFactory()
    client.force_login(dpo)
    no_copy = client.post(f"/rights/{case.pk}/close", {"outcome": "completed", "note": ""})
    assert "Prepare the copy" in no_copy.content.decode()
    no_reason = client.post(f"/rights/{case.pk}/close", {"outcome": "refused", "note": ""})
    assert "Enter the reason for refusing" in no_reason.content.decode()
    refused = client.post(
        f"/rights/{case.pk}/close", {"outcome": "refused", "note": "Manifestly unfounded"}
    )
    assert refused.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.outcome_note) == (Status.REFUSED, "Manifestly unfounded")
    assert len(_events("rights.case_refused")) == 1
    with pytest.raises(ValidationFailed, match="closed"):
        services.clock_pause(actor=dpo, case_id=case.pk, reason="Too late")


# --- the list --------------------------------------------------------------------------------


def _queries(client, path) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_list_puts_overdue_first_highlighted_in_a_fixed_number_of_queries(client, dpo):
    today = timezone.localdate()
    overdue = RightsCaseFactory(received_on=today - dt.timedelta(days=40))
    RightsCaseFactory(received_on=today - dt.timedelta(days=2))
    paused = RightsCaseFactory(received_on=today - dt.timedelta(days=45), paused_since=today)
    RightsCaseFactory(status=Status.COMPLETED, closed_at=timezone.now())
    client.force_login(dpo)
    client.get("/rights/")  # the session and its caches
    few = _queries(client, "/rights/")
    for _ in range(8):
        RightsCaseFactory(received_on=today - dt.timedelta(days=10))
        RightsCaseFactory(status=Status.REFUSED, closed_at=timezone.now())
    assert _queries(client, "/rights/") == few
    page = client.get("/rights/").content.decode()
    assert page.index(overdue.reference) < page.index(paused.reference)
    assert "govuk-tag--red" in page
    late = (today - overdue.due_on(today)).days
    assert late > 0
    assert f"Overdue by {late} day" in page
    assert "Clock paused" in page
    # Records are named by number only on the list.
    assert "Test Person" not in page
    event = AuditEvent.objects.filter(action="rights.cases_listed").order_by("-sequence").first()
    assert len(event.data["cases"]) == 20


def test_the_list_and_a_case_are_not_found_for_anyone_else(client, make_user):
    case = RightsCaseFactory()
    for role in (Role.ADMINISTRATOR, Role.TRUSTED_PERSON):
        client.force_login(make_user(role))
        assert client.get("/rights/").status_code == 403
        assert client.get(f"/rights/{case.pk}").status_code == 403
        with pytest.raises(NotFound):
            selectors.case_get(make_user(role), case.pk)


def test_an_outcome_of_another_kind_of_request_is_refused(dpo):
    case = RightsCaseFactory()
    with pytest.raises(ValidationFailed, match="Select the outcome"):
        services.case_close(actor=dpo, case_id=case.pk, outcome="corrected")
    case.refresh_from_db()
    assert case.status == Status.OPEN


def test_a_name_in_the_query_string_is_never_searched(client, dpo, person):
    """Names and dates of birth are posted, never put in a URL (logs, browser history)."""
    client.force_login(dpo)
    born = person.date_of_birth
    response = client.get(
        "/rights/new", {"full_name": "Robin Canary-Hart", **_date("date_of_birth", born)}
    )
    assert response.status_code == 200
    assert "Canary-Hart" not in response.content.decode()
    assert not _events("rights.person_searched")
    page = client.post(
        "/rights/new",
        {"reference": "", "full_name": "Robin Canary-Hart", **_date("date_of_birth", born)},
    ).content.decode()
    assert f'href="/rights/new/{person.pk}"' in page
