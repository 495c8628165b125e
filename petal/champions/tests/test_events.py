"""Events: only the programme team publishes, changes and cancels them and records attendance;
drafts are theirs alone; every worker registers, and is refused clearly when the event is full,
cancelled or has started; the emails carry a calendar file whose UID stays the same and whose
SEQUENCE goes up when the time or place changes, and a cancellation when it is called off."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.champions.models import Event, EventStatus, Registration
from petal.champions.selectors import events as selectors
from petal.champions.services import events as services
from petal.champions.tests.factories import EventFactory, RegistrationFactory, champion_user
from petal.core import ics
from petal.core.errors import Forbidden, NotFound, ValidationFailed

pytestmark = pytest.mark.django_db


def _next_week(hour=10, hours=2):
    day = timezone.localdate() + dt.timedelta(days=7)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return start, start + dt.timedelta(hours=hours)


@pytest.fixture
def team(make_user):
    return make_user(Role.PROGRAMME_TEAM)


@pytest.fixture
def tp(make_user):
    return make_user(Role.TRUSTED_PERSON)


def _details(**changes):
    starts_at, ends_at = _next_week()
    fields = {
        "title": "Trauma-informed systems workshop",
        "kind": "workshop",
        "summary": "A morning on trauma-informed systems.",
        "description": "## What to expect\n\n* Talks\n* Discussion",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": "Huntingdon Town Hall",
        "online_link": "",
        "capacity": None,
    }
    fields.update(changes)
    return fields


def _register(user, event):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.event_register(actor=user, event_id=event.pk)


def _calendar(message):
    (filename, content, mimetype) = message.attachments[0]
    assert mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    return filename, calendar, calendar.walk("VEVENT")[0]


def _actions(event) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="champions.event", object_id=str(event.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


# --- the shared calendar-file builder ---------------------------------------------------------


def test_calendar_file_holds_what_a_calendar_needs_in_utc():
    start = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
    content = ics.calendar_file(
        uid="abc@petal",
        sequence=3,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        summary="Network meeting",
        location="Ely",
        url="https://petal.example/events/1",
    )
    calendar = Calendar.from_ical(content)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "PRODID" in calendar and str(calendar["VERSION"]) == "2.0"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == "abc@petal"
    assert int(event["SEQUENCE"]) == 3
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert "DTSTAMP" in event and str(event["STATUS"]) == "CONFIRMED"
    cancelled = Calendar.from_ical(
        ics.calendar_file(
            uid="abc@petal",
            sequence=4,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            summary="Network meeting",
            cancelled=True,
        )
    )
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert ics.attachment("event-e-000001.ics", content) == {
        "filename": "event-e-000001.ics",
        "content": content,
        "mimetype": "text/calendar",
    }


# --- who may publish, change and cancel -------------------------------------------------------


def test_only_the_programme_team_publishes_changes_and_cancels(client, team, tp, make_user):
    event = EventFactory()
    champion = champion_user()
    for user in (tp, champion):
        client.force_login(user)
        for name in ("events:new",):
            assert client.get(reverse(name)).status_code == 403
        for name in ("events:change", "events:cancel", "events:attendance"):
            assert client.get(reverse(name, args=[event.pk])).status_code == 403
        response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": "No"})
        assert response.status_code == 403
        with pytest.raises(Forbidden):
            services.event_create(actor=user, **_details())
        with pytest.raises(Forbidden):
            services.event_cancel(actor=user, event_id=event.pk, reason="No")
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
    # A signed-in user with no role sees no events at all.
    client.force_login(make_user())
    assert client.get(reverse("events:list")).status_code == 403
    client.force_login(team)
    for name in ("events:change", "events:cancel", "events:attendance"):
        assert client.get(reverse(name, args=[event.pk])).status_code == 200
    assert client.get(reverse("events:new")).status_code == 200


def test_programme_team_publishes_through_the_form(client, team, tp):
    client.force_login(team)
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        reverse("events:new"),
        {
            "title": "Champion Network meeting",
            "kind": "network_meeting",
            "summary": "Share what is working.",
            "description": "Bring a **tricky question**.",
            "on_0": day.day,
            "on_1": day.month,
            "on_2": day.year,
            "starts": "2pm",
            "ends": "15:30",
            "place": "",
            "online_link": "https://teams.example.org/meet/1",
            "capacity": "12",
            "publish": "publish",
        },
    )
    event = Event.objects.get(title="Champion Network meeting")
    assert response.status_code == 302
    assert response["Location"] == reverse("events:event", args=[event.pk])
    assert event.status == EventStatus.PUBLISHED and event.published_at is not None
    assert timezone.localtime(event.starts_at).time() == dt.time(14, 0)
    assert timezone.localtime(event.ends_at).time() == dt.time(15, 30)
    assert event.capacity == 12 and event.created_by == team
    assert _actions(event) == ["event.published"]
    client.force_login(tp)
    page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert "<strong>tricky question</strong>" in page  # the description's Markdown, rendered
    assert "12 left" in page


def test_bad_input_is_refused_on_the_form_keeping_what_was_typed(client, team):
    client.force_login(team)
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        reverse("events:new"),
        {
            "title": "Workshop",
            "kind": "workshop",
            "on_0": day.day,
            "on_1": day.month,
            "on_2": day.year,
            "starts": "2pm",
            "ends": "1pm",
            "place": "",
            "online_link": "http://insecure.example.org",
            "capacity": "lots",
            "publish": "publish",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page
    assert "Enter the number of places as a whole number" in page
    assert 'value="http://insecure.example.org"' in page
    assert not Event.objects.exists()
    response = client.post(
        reverse("events:new"),
        {
            "title": "Workshop",
            "kind": "workshop",
            "on_0": day.day,
            "on_1": day.month,
            "on_2": day.year,
            "starts": "2pm",
            "ends": "1pm",
            "place": "Ely",
            "publish": "draft",
        },
    )
    assert "The event must end after it starts" in response.content.decode()
    with pytest.raises(ValidationFailed) as error:
        services.event_create(actor=team, **_details(place="", online_link=""))
    assert "place" in error.value.field_errors
    with pytest.raises(ValidationFailed) as error:
        services.event_create(actor=team, **_details(online_link="javascript:alert(1)"))
    assert "online_link" in error.value.field_errors
    yesterday = timezone.now() - dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as error:
        services.event_create(
            actor=team,
            **_details(starts_at=yesterday, ends_at=yesterday + dt.timedelta(hours=1)),
        )
    assert "starts_at" in error.value.field_errors
    assert not Event.objects.exists()


def test_drafts_are_seen_only_by_the_programme_team(client, team, tp):
    draft = services.event_create(actor=team, **_details(title="Secret plans"))
    assert draft.status == EventStatus.DRAFT
    published = EventFactory(title="Open workshop")
    client.force_login(tp)
    listing = client.get(reverse("events:list")).content.decode()
    assert "Open workshop" in listing and "Secret plans" not in listing
    for name in ("events:event", "events:calendar"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    response = client.post(reverse("events:register", args=[draft.pk]), {"action": "register"})
    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.event_register(actor=tp, event_id=draft.pk)
    with pytest.raises(NotFound):
        selectors.event_get_for(tp, draft.pk)
    client.force_login(team)
    listing = client.get(reverse("events:list")).content.decode()
    assert "Secret plans" in listing and "Draft" in listing
    assert client.get(reverse("events:event", args=[draft.pk])).status_code == 200
    assert published.pk != draft.pk


def test_a_draft_is_published_from_the_change_form(client, team, tp):
    draft = services.event_create(actor=team, **_details(title="Later"))
    client.force_login(team)
    start = timezone.localtime(draft.starts_at)
    response = client.post(
        reverse("events:change", args=[draft.pk]),
        {
            "title": "Later, now open",
            "kind": "learning",
            "on_0": start.day,
            "on_1": start.month,
            "on_2": start.year,
            "starts": "10:00",
            "ends": "12:00",
            "place": "Ely",
            "publish": "publish",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == EventStatus.PUBLISHED and draft.title == "Later, now open"
    assert _actions(draft) == ["event.drafted", "event.changed", "event.published"]
    assert selectors.event_get_for(tp, draft.pk).event.pk == draft.pk


# --- registering ------------------------------------------------------------------------------


def test_registering_emails_a_calendar_file_with_title_time_and_place(tp):
    event = EventFactory(title="Trauma-informed systems workshop", place="Ely Library")
    mail.outbox.clear()
    registration = _register(tp, event)
    assert registration.cancelled_at is None
    assert [m.to for m in mail.outbox] == [[tp.email]]
    message = mail.outbox[0]
    # The email is a fixed sentence, the reference and the link: nothing the team typed.
    assert services.REGISTERED in message.body
    assert f"E-{event.pk:06d}" in message.body and f"E-{event.pk:06d}" in message.subject
    assert reverse("events:event", args=[event.pk]) in message.body
    for typed in ("Trauma-informed", "Ely Library"):
        assert typed not in message.body and typed not in message.subject
    # The calendar file carries the title, time and place.
    filename, calendar, vevent = _calendar(message)
    assert filename == f"event-e-{event.pk:06d}.ics"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(vevent["UID"]) == f"event-{event.uid}@petal"
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent.decoded("DTSTART") == event.starts_at
    assert "Ely Library" in str(vevent["LOCATION"])
    assert _actions(event) == ["event.registered"]
    # Registering again changes nothing and sends nothing.
    mail.outbox.clear()
    _register(tp, event)
    assert mail.outbox == []
    assert Registration.objects.filter(event=event).count() == 1


def test_a_full_event_refuses_the_next_person(client, tp, make_user):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, cancelled_at=timezone.now())  # gave up their place
    _register(make_user(Role.SERVICE_STAFF), event)
    with pytest.raises(ValidationFailed) as error:
        services.event_register(actor=tp, event_id=event.pk)
    assert "full" in error.value.message
    client.force_login(tp)
    response = client.post(reverse("events:register", args=[event.pk]), {"action": "register"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in page and "This event is full" in page
    assert not Registration.objects.filter(event=event, user=tp).exists()
    assert _actions(event).count("event.registered") == 1


def test_registration_is_refused_once_started_past_or_cancelled(client, tp):
    now = timezone.now()
    started = EventFactory(
        starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1)
    )
    past = EventFactory(
        starts_at=now - dt.timedelta(days=3), ends_at=now - dt.timedelta(days=3, hours=-2)
    )
    cancelled = EventFactory(status=EventStatus.CANCELLED)
    for event, words in ((started, "started"), (past, "started"), (cancelled, "cancelled")):
        with pytest.raises(ValidationFailed) as error:
            services.event_register(actor=tp, event_id=event.pk)
        assert words in error.value.message
    client.force_login(tp)
    page = client.get(reverse("events:event", args=[cancelled.pk])).content.decode()
    assert "This event is cancelled" in page and "Register for this event" not in page
    page = client.get(reverse("events:event", args=[past.pk])).content.decode()
    assert "registration is closed" in page and "Register for this event" not in page
    response = client.post(reverse("events:register", args=[past.pk]), {"action": "register"})
    assert "This event has already started" in response.content.decode()
    assert not Registration.objects.filter(user=tp).exists()


def test_cancelling_and_registering_again_reuses_the_row(client, tp):
    event = EventFactory(capacity=1)
    client.force_login(tp)
    response = client.post(reverse("events:register", args=[event.pk]), {"action": "register"})
    assert response.status_code == 302
    page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert "You are registered" in page and "Cancel my registration" in page
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("events:register", args=[event.pk]), {"action": "cancel"})
    registration = Registration.objects.get(event=event, user=tp)
    assert registration.cancelled_at is not None
    # The email takes it out of their calendar.
    _, calendar, _ = _calendar(mail.outbox[0])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert services.UNREGISTERED in mail.outbox[0].body
    # The place is free again, and re-registering takes the same row.
    assert selectors.event_get_for(tp, event.pk).row.places_left == 1
    client.post(reverse("events:register", args=[event.pk]), {"action": "register"})
    assert list(Registration.objects.filter(event=event, user=tp).values_list("pk", flat=True)) == [
        registration.pk
    ]
    registration.refresh_from_db()
    assert registration.cancelled_at is None
    assert _actions(event) == [
        "event.registered",
        "event.registration_cancelled",
        "event.registered",
    ]
    with pytest.raises(ValidationFailed):
        services.event_unregister(actor=champion_user(), event_id=event.pk)


def test_each_calendar_file_that_replaces_an_earlier_one_has_a_higher_sequence(team, tp):
    """Calendars ignore a file whose SEQUENCE is not above the copy they hold: registering,
    giving the place up, taking it back and a change of time must each go up."""
    event = services.event_create(actor=team, publish=True, **_details())
    mail.outbox.clear()
    _register(tp, event)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.event_unregister(actor=tp, event_id=event.pk)
    _register(tp, event)
    starts_at, ends_at = _next_week(hour=15)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.event_change(
            actor=team, event_id=event.pk, **_details(starts_at=starts_at, ends_at=ends_at)
        )
    files = [_calendar(message) for message in mail.outbox]
    assert [str(calendar["METHOD"]) for _, calendar, _ in files] == [
        "PUBLISH",
        "CANCEL",
        "PUBLISH",
        "PUBLISH",
    ]
    assert len({str(vevent["UID"]) for _, _, vevent in files}) == 1
    sequences = [int(vevent["SEQUENCE"]) for _, _, vevent in files]
    assert sequences == sorted(set(sequences)), sequences  # strictly rising
    event.refresh_from_db()
    assert event.sequence == sequences[-1]
    # The file offered on the event's page is the latest one.
    assert f"SEQUENCE:{event.sequence}" in services.event_ics(event)


def test_calendar_download_is_an_ics_attachment(client, tp):
    event = EventFactory()
    client.force_login(tp)
    response = client.get(reverse("events:calendar", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="event-e-{event.pk:06d}.ics"'
    vevent = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(vevent["UID"]) == f"event-{event.uid}@petal"


# --- changing and cancelling ------------------------------------------------------------------


def test_changing_the_time_resends_the_calendar_file_with_the_same_uid_and_next_sequence(
    team, tp, make_user
):
    event = services.event_create(actor=team, publish=True, **_details())
    other = make_user(Role.CHAMPION)
    _register(tp, event)
    _register(other, event)
    first_uid = str(_calendar(mail.outbox[-1])[2]["UID"])
    mail.outbox.clear()
    # A change that does not move it sends nothing.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.event_change(actor=team, event_id=event.pk, **_details(summary="New summary"))
    assert mail.outbox == []
    event.refresh_from_db()
    assert event.sequence == 0
    starts_at, ends_at = _next_week(hour=14)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.event_change(
            actor=team, event_id=event.pk, **_details(starts_at=starts_at, ends_at=ends_at)
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([tp.email, other.email])
    _, calendar, vevent = _calendar(mail.outbox[0])
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(vevent["UID"]) == first_uid
    assert int(vevent["SEQUENCE"]) == 1
    assert vevent.decoded("DTSTART") == starts_at
    assert services.CHANGED in mail.outbox[0].body
    assert "workshop" not in mail.outbox[0].body.lower()
    assert _actions(event)[-1] == "event.changed"


def test_capacity_cannot_fall_below_those_registered(team, tp, make_user):
    event = services.event_create(actor=team, publish=True, **_details())
    _register(tp, event)
    _register(make_user(Role.SERVICE_STAFF), event)
    with pytest.raises(ValidationFailed) as error:
        services.event_change(actor=team, event_id=event.pk, **_details(capacity=1))
    assert "capacity" in error.value.field_errors


def test_cancelling_tells_everyone_registered_with_a_cancellation(client, team, tp):
    event = services.event_create(actor=team, publish=True, **_details())
    _register(tp, event)
    gone = RegistrationFactory(event=event, cancelled_at=timezone.now())
    mail.outbox.clear()
    client.force_login(team)
    response = client.post(reverse("events:cancel", args=[event.pk]), {"reason": ""})
    assert "Enter why it is cancelled" in response.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("events:cancel", args=[event.pk]), {"reason": "The speaker is unwell"}
        )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED and event.sequence == 1
    assert [m.to for m in mail.outbox] == [[tp.email]]  # not the person who had cancelled
    assert gone.user.email not in str([m.to for m in mail.outbox])
    message = mail.outbox[0]
    # The reason is not emailed: the reader sees it on the event's page after signing in.
    assert services.CANCELLED in message.body
    assert f"E-{event.pk:06d}" in message.body
    assert "unwell" not in message.body and "unwell" not in message.subject
    assert "workshop" not in message.body.lower() and "workshop" not in message.subject.lower()
    assert event.cancellation_reason == "The speaker is unwell"
    _, calendar, vevent = _calendar(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["UID"]) == f"event-{event.uid}@petal"
    assert int(vevent["SEQUENCE"]) == 1
    audit = AuditEvent.objects.get(action="event.cancelled", object_id=str(event.pk))
    assert audit.reason == "The speaker is unwell"
    client.force_login(tp)
    page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert "The speaker is unwell" in page
    with pytest.raises(ValidationFailed):
        services.event_change(actor=team, event_id=event.pk, **_details())


# --- attendance -------------------------------------------------------------------------------


def test_attendance_is_recorded_once_the_event_has_started(client, team, tp, make_user):
    event = EventFactory()
    came = RegistrationFactory(event=event, user=tp)
    absent = RegistrationFactory(event=event, user=make_user(Role.CHAMPION))
    RegistrationFactory(event=event, cancelled_at=timezone.now())
    with pytest.raises(ValidationFailed) as error:
        services.attendance_record(actor=team, event_id=event.pk, attended=[came.pk])
    assert "once the event has started" in error.value.message
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - dt.timedelta(hours=2), ends_at=now - dt.timedelta(hours=1)
    )
    client.force_login(team)
    page = client.get(reverse("events:attendance", args=[event.pk])).content.decode()
    assert tp.email in page
    response = client.post(
        reverse("events:attendance", args=[event.pk]), {"attended": [str(came.pk)]}
    )
    assert response.status_code == 302
    came.refresh_from_db()
    absent.refresh_from_db()
    assert came.attended is True and absent.attended is False
    audit = AuditEvent.objects.get(action="event.attendance_recorded", object_id=str(event.pk))
    assert audit.data == {"attended": 1, "absent": 1}
    page = client.get(reverse("events:event", args=[event.pk])).content.decode()
    assert selectors.event_get_for(team, event.pk).row.attended_count == 1
    assert "Attended" in page
    with pytest.raises(Forbidden):
        services.attendance_record(actor=tp, event_id=event.pk, attended=[])


# --- lists ------------------------------------------------------------------------------------


def test_list_shows_upcoming_and_past_with_places_and_your_registrations(client, tp):
    now = timezone.now()
    mine = EventFactory(title="Mine", capacity=10)
    RegistrationFactory(event=mine, user=tp)
    RegistrationFactory(event=mine)
    EventFactory(
        title="Last month",
        starts_at=now - dt.timedelta(days=30),
        ends_at=now - dt.timedelta(days=30) + dt.timedelta(hours=2),
    )
    client.force_login(tp)
    page = client.get(reverse("events:list")).content.decode()
    upcoming, past = page.split("Past events", 1)
    assert "Mine" in upcoming and "8 places left" in upcoming and "You are registered" in upcoming
    assert "Last month" in past and "Last month" not in upcoming


def _list_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("events:list"))  # the session's first request does more
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("events:list"))
    assert response.status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_the_number_of_events(client, team, tp):
    for _ in range(2):
        RegistrationFactory(event=EventFactory(capacity=5), user=tp)
    few = _list_queries(client, tp)
    few_team = _list_queries(client, team)
    now = timezone.now()
    for i in range(15):
        event = EventFactory(capacity=5 if i % 2 else None)
        RegistrationFactory(event=event, user=tp)
        RegistrationFactory(event=event)
        EventFactory(
            starts_at=now - dt.timedelta(days=i + 1),
            ends_at=now - dt.timedelta(days=i + 1) + dt.timedelta(hours=1),
        )
        services.event_create(actor=team, **_details(title=f"Draft {i}"))
    assert _list_queries(client, tp) == few
    assert _list_queries(client, team) == few_team


def test_long_titles_and_places_stay_out_of_the_email_and_whole_in_the_calendar_file(tp):
    event = EventFactory(
        title="W" * 200, place="P" * 300, online_link="https://x.example/" + "a" * 150
    )
    mail.outbox.clear()
    _register(tp, event)
    (message,) = mail.outbox
    assert "WWWW" not in message.body and "PPPP" not in message.body
    assert services.REGISTERED in message.body
    # The calendar file carries them in full.
    _, _, vevent = _calendar(message)
    assert str(vevent["SUMMARY"]) == "W" * 200
    assert "P" * 300 in str(vevent["LOCATION"])
