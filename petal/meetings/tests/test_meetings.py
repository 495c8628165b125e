"""Meetings: an invitee sees of the person only what the person agreed to share with them, in
the page, the pack, the email and the calendar file, at every request; actions are each
owner's; session case lists need consent to share with the partnership."""

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

from petal.access.categories import Category
from petal.access.roles import Role
from petal.accounts.tests.factories import OrganisationFactory
from petal.audit.models import AuditEvent
from petal.consent.models import WithdrawnHow, bits_for
from petal.consent.services import consent_withdraw
from petal.consent.tests.factories import ConsentFactory
from petal.core.errors import NotFound, ValidationFailed
from petal.meetings import selectors, services
from petal.meetings.models import ActionStatus, Invitation, MeetingStatus, Retold, Voice
from petal.meetings.tests.factories import ActionFactory, MeetingCaseFactory, MeetingFactory
from petal.people.models import Story
from petal.people.tests.factories import person_of
from petal.reference.models import Partnership

pytestmark = pytest.mark.django_db

NAME = "Jordan Example"
STORY = "I lost my flat after my brother died and I have been sleeping in my car."


def _next_week(hour=10):
    day = timezone.localdate() + dt.timedelta(days=7)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))
    return start, start + dt.timedelta(hours=1)


@pytest.fixture
def world(make_user):
    """A trusted person and their person; an organisation the person agreed to share identity
    and story with, and one they did not; staff at each; a stranger."""
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp, full_name=NAME, preferred_name="Jo")
    Story.objects.create(person=person, what_happened=STORY)
    shared = OrganisationFactory(name="Somewhere Safe")
    unshared = OrganisationFactory(name="Probation Test")
    staff = make_user(Role.SERVICE_STAFF, organisation=shared)
    other_staff = make_user(Role.SERVICE_STAFF, organisation=unshared)
    stranger = make_user(Role.SERVICE_STAFF)
    consent = ConsentFactory(
        person=person,
        grantee_organisation=shared,
        category_bits=bits_for([Category.IDENTITY, Category.STORY]),
        recorded_by=tp,
    )
    return {
        "tp": tp,
        "person": person,
        "shared": shared,
        "unshared": unshared,
        "staff": staff,
        "other_staff": other_staff,
        "stranger": stranger,
        "consent": consent,
    }


def convene(world, **changes):
    starts_at, ends_at = _next_week()
    fields = {
        "purpose": "Agree who will help with housing",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": "Wisbech Hub, room 2",
    }
    fields.update(changes)
    return services.meeting_convene(actor=world["tp"], person=world["person"], **fields)


def invited(world):
    meeting = convene(world)
    services.invitation_add(actor=world["tp"], meeting_id=meeting.pk, organisation=world["shared"])
    services.invitation_add(
        actor=world["tp"], meeting_id=meeting.pk, organisation=world["unshared"]
    )
    return meeting


def _send(world, meeting):
    flagged = Invitation.objects.get(meeting=meeting, organisation=world["unshared"])
    services.invitation_without_details(
        actor=world["tp"], meeting_id=meeting.pk, invitation_id=flagged.pk, on=True
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.invitations_send(actor=world["tp"], meeting_id=meeting.pk)


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- convening --------------------------------------------------------------------------------


def test_purpose_agenda_and_actions_may_not_name_the_person(world):
    for field, value in (
        ("purpose", "Help Jordan with housing"),
        ("agenda", "1. How jo is doing"),
        ("purpose", "Discuss Jordan's flat"),
        ("purpose", "An EXAMPLE-led plan"),
    ):
        with pytest.raises(ValidationFailed) as error:
            convene(world, **{field: value})
        assert field in error.value.field_errors
    meeting = convene(world)
    with pytest.raises(ValidationFailed) as error:
        services.action_add(
            actor=world["tp"],
            meeting_id=meeting.pk,
            description="Call Example about the flat",
            due_on=timezone.localdate(),
            owner_organisation=world["shared"],
        )
    assert "description" in error.value.field_errors
    # A word that merely contains a name is not a name.
    services.action_add(
        actor=world["tp"],
        meeting_id=meeting.pk,
        description="Book a joint assessment",
        due_on=timezone.localdate(),
        owner_organisation=world["shared"],
    )


def test_only_a_current_trusted_person_convenes(world):
    starts_at, ends_at = _next_week()
    with pytest.raises(NotFound):
        services.meeting_convene(
            actor=world["staff"],
            person=world["person"],
            purpose="Housing",
            starts_at=starts_at,
            ends_at=ends_at,
            place="Hub",
        )


def test_meeting_must_end_after_it_starts_and_have_a_place(world):
    starts_at, _ = _next_week()
    with pytest.raises(ValidationFailed) as error:
        convene(world, ends_at=starts_at)
    assert "ends_at" in error.value.field_errors
    with pytest.raises(ValidationFailed) as error:
        convene(world, place="", online_link="")
    assert "place" in error.value.field_errors
    with pytest.raises(ValidationFailed) as error:
        convene(world, online_link="javascript:alert(1)")
    assert "online_link" in error.value.field_errors


def test_the_form_keeps_what_was_typed_when_refused(client, world):
    client.force_login(world["tp"])
    url = reverse("meetings:new") + f"?person={world['person'].pk}"
    response = client.post(
        url,
        {
            "purpose": "Talk about Jordan and the flat",
            "on_0": "3",
            "on_1": "12",
            "on_2": str(timezone.localdate().year + 1),
            "starts": "10am",
            "ends": "11:30",
            "place": "Wisbech Hub",
            "agenda": "Introductions, then housing",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Write this without the name" in html
    assert "Talk about Jordan and the flat" in html
    assert "Introductions, then housing" in html


# --- consent check and what each invitee sees ---------------------------------------------------


def test_sending_is_refused_until_every_unconsented_invitee_is_decided(world):
    meeting = invited(world)
    flagged = services.unconsented(meeting, list(meeting.invitations.all()))
    assert [i.organisation for i in flagged] == [world["unshared"]]
    with pytest.raises(ValidationFailed) as error:
        services.invitations_send(actor=world["tp"], meeting_id=meeting.pk)
    assert "Probation Test" in error.value.message
    assert Invitation.objects.filter(meeting=meeting, sent_at__isnull=False).count() == 0
    assert _send(world, meeting) == 2
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.INVITED


def test_invitee_without_consent_never_receives_the_persons_details(client, world):
    meeting = invited(world)
    mail.outbox.clear()
    _send(world, meeting)
    # The email and its calendar file: to both organisations, with nothing about the person.
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted([world["staff"].email, world["other_staff"].email])
    for message in mail.outbox:
        assert NAME.split()[0] not in message.subject + message.body
        assert meeting.reference in message.subject
        (filename, content, mimetype) = message.attachments[0]
        assert mimetype == "text/calendar"
        assert filename == f"meeting-{meeting.reference.lower()}.ics"
        for word in ("Jordan", "Example", "housing", "Jo "):
            assert word not in content
        event = Calendar.from_ical(content).walk("VEVENT")[0]
        assert meeting.reference in str(event["SUMMARY"])
        assert event.decoded("DTSTART") == meeting.starts_at
    # The page, the pack and the calendar download, for the organisation without consent.
    for url in (
        reverse("meetings:meeting", args=[meeting.pk]),
        reverse("meetings:pack", args=[meeting.pk]),
        reverse("meetings:calendar", args=[meeting.pk]),
        reverse("meetings:list"),
    ):
        response = page(client, world["other_staff"], url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Jordan" not in html and STORY not in html, url
    # The organisation with consent sees the name, and the story in its pack.
    response = page(client, world["staff"], reverse("meetings:pack", args=[meeting.pk]))
    html = response.content.decode()
    assert NAME in html and STORY in html
    assert AuditEvent.objects.filter(
        action="person.read", actor_id=world["staff"].pk, object_id=str(world["person"].pk)
    ).exists()


def test_withdrawal_after_the_invitation_hides_the_person_at_once(client, world):
    meeting = invited(world)
    _send(world, meeting)
    pack_url = reverse("meetings:pack", args=[meeting.pk])
    meeting_url = reverse("meetings:meeting", args=[meeting.pk])
    assert STORY in page(client, world["staff"], pack_url).content.decode()
    consent_withdraw(
        actor=world["tp"], consent_id=world["consent"].pk, how=WithdrawnHow.VERBAL, note=""
    )
    for url in (pack_url, meeting_url, reverse("meetings:list")):
        html = page(client, world["staff"], url).content.decode()
        assert "Jordan" not in html and STORY not in html, url


def test_invited_without_details_means_the_preview_shows_nothing(client, world):
    meeting = invited(world)
    _send(world, meeting)
    unshared = Invitation.objects.get(meeting=meeting, organisation=world["unshared"])
    shared = Invitation.objects.get(meeting=meeting, organisation=world["shared"])
    client.force_login(world["tp"])
    preview = client.get(reverse("meetings:pack-preview", args=[meeting.pk, unshared.pk]))
    assert "Jordan" not in preview.content.decode().replace(world["tp"].display_name, "")
    preview = client.get(reverse("meetings:pack-preview", args=[meeting.pk, shared.pk]))
    assert STORY in preview.content.decode()
    # Only whoever runs the meeting previews another invitee's pack.
    client.force_login(world["staff"])
    response = client.get(reverse("meetings:pack-preview", args=[meeting.pk, unshared.pk]))
    assert response.status_code == 404


def test_a_stranger_finds_nothing(client, world):
    meeting = invited(world)
    _send(world, meeting)
    client.force_login(world["stranger"])
    for name in ("meeting", "pack", "calendar", "minutes", "invitees", "action-new"):
        response = client.get(reverse(f"meetings:{name}", args=[meeting.pk]))
        assert response.status_code == 404, name
    listed = client.get(reverse("meetings:list")).content.decode()
    assert meeting.reference not in listed
    with pytest.raises(NotFound):
        selectors.meeting_get_for(world["stranger"], meeting.pk)


def test_minutes_of_a_professionals_meeting_are_for_those_who_may_see_the_person(client, world):
    meeting = invited(world)
    _send(world, meeting)
    meeting.starts_at -= dt.timedelta(days=8)
    meeting.ends_at -= dt.timedelta(days=8)
    meeting.save()
    case = meeting.cases.get()
    attended = Invitation.objects.filter(meeting=meeting).values_list("pk", flat=True)
    services.minutes_record(
        actor=world["tp"],
        meeting_id=meeting.pk,
        minutes="Agreed the hostel place; the GP letter is on its way.",
        attended=list(attended),
        cases={
            case.pk: {
                "voice": Voice.SENT_VIEWS,
                "views": "I want somewhere quiet",
                "retold": Retold.NO,
                "outcome": "Hostel place",
            }
        },
    )
    # Who they are and their story are shared with the organisation, but not their
    # involvement with services, which the minutes are part of.
    url = reverse("meetings:meeting", args=[meeting.pk])
    assert "hostel place" not in page(client, world["staff"], url).content.decode()
    ConsentFactory(
        person=world["person"],
        grantee_organisation=world["shared"],
        category_bits=bits_for([Category.IDENTITY, Category.INVOLVEMENT]),
        recorded_by=world["tp"],
    )
    seen = page(client, world["staff"], url)
    assert "hostel place" in seen.content.decode()
    assert "I want somewhere quiet" in seen.content.decode()
    hidden = page(client, world["other_staff"], reverse("meetings:meeting", args=[meeting.pk]))
    assert "hostel place" not in hidden.content.decode()
    assert "I want somewhere quiet" not in hidden.content.decode()
    assert selectors.retelling_counts().not_retold == 1
    assert selectors.retelling_counts(person=world["person"]).recorded == 1


def test_views_sent_must_be_written_down(world):
    meeting = convene(world)
    meeting.starts_at -= dt.timedelta(days=8)
    meeting.ends_at -= dt.timedelta(days=8)
    meeting.save()
    case = meeting.cases.get()
    with pytest.raises(ValidationFailed) as error:
        services.minutes_record(
            actor=world["tp"],
            meeting_id=meeting.pk,
            minutes="",
            cases={case.pk: {"voice": Voice.SENT_VIEWS, "views": ""}},
        )
    assert f"case_{case.pk}_views" in error.value.field_errors


def test_replies_are_recorded_by_the_invitee_or_the_convener(world):
    meeting = invited(world)
    _send(world, meeting)
    invitation = Invitation.objects.get(meeting=meeting, organisation=world["shared"])
    services.reply_record(
        actor=world["staff"], meeting_id=meeting.pk, invitation_id=invitation.pk, reply="attending"
    )
    invitation.refresh_from_db()
    assert invitation.reply == "attending" and invitation.replied_by == world["staff"]
    other = Invitation.objects.get(meeting=meeting, organisation=world["unshared"])
    with pytest.raises(NotFound):
        services.reply_record(
            actor=world["staff"], meeting_id=meeting.pk, invitation_id=other.pk, reply="attending"
        )
    services.reply_record(
        actor=world["tp"], meeting_id=meeting.pk, invitation_id=other.pk, reply="not_attending"
    )
    other.refresh_from_db()
    assert other.reply == "not_attending"


def test_changing_the_time_sends_an_updated_calendar_file(world):
    meeting = invited(world)
    _send(world, meeting)
    mail.outbox.clear()
    starts_at, ends_at = _next_week(hour=14)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.meeting_change(
            actor=world["tp"],
            meeting_id=meeting.pk,
            purpose=meeting.purpose,
            starts_at=starts_at,
            ends_at=ends_at,
            place=meeting.place,
        )
    assert len(mail.outbox) == 2
    event = Calendar.from_ical(mail.outbox[0].attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == starts_at
    assert int(event["SEQUENCE"]) == 1


# --- actions ------------------------------------------------------------------------------------


def test_action_lists_show_exactly_your_own_and_your_organisations(client, world, make_user):
    meeting = MeetingFactory()
    MeetingCaseFactory(meeting=meeting, person=world["person"])
    mine = ActionFactory(meeting=meeting, owner_user=world["staff"])
    ours = ActionFactory(meeting=meeting, owner_organisation=world["shared"])
    ActionFactory(meeting=meeting, owner_user=world["other_staff"])
    ActionFactory(meeting=meeting, owner_organisation=world["unshared"])
    colleague = make_user(Role.SERVICE_STAFF, organisation=world["shared"])
    ActionFactory(meeting=meeting, owner_user=colleague)
    _, rows = selectors.my_actions(world["staff"], view="all")
    assert {row.action.pk for row in rows} == {mine.pk, ours.pk}
    _, rows = selectors.my_actions(world["stranger"], view="all")
    assert rows == []


def test_overdue_actions_come_first(world):
    today = timezone.localdate()
    meeting = MeetingFactory()
    later = ActionFactory(meeting=meeting, owner_user=world["staff"], due_on=today)
    done = ActionFactory(
        meeting=meeting,
        owner_user=world["staff"],
        due_on=today - dt.timedelta(days=30),
        status=ActionStatus.DONE,
    )
    overdue = ActionFactory(
        meeting=meeting, owner_user=world["staff"], due_on=today - dt.timedelta(days=3)
    )
    _, rows = selectors.my_actions(world["staff"], view="all")
    assert [row.action.pk for row in rows] == [overdue.pk, later.pk, done.pk]
    assert rows[0].action.is_overdue and not rows[1].action.is_overdue


def _action_page_queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("meetings:actions"))  # the session's first request does more
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meetings:actions"))
    assert response.status_code == 200
    return len(queries)


def test_action_list_queries_do_not_grow_with_the_number_of_actions(client, world):
    meeting = MeetingFactory()
    case = MeetingCaseFactory(meeting=meeting, person=world["person"])
    for _ in range(3):
        ActionFactory(meeting=meeting, case=case, owner_organisation=world["shared"])
    few = _action_page_queries(client, world["staff"])
    for _ in range(20):
        other = MeetingFactory()
        other_case = MeetingCaseFactory(meeting=other, person=person_of(world["tp"]))
        ActionFactory(meeting=other, case=other_case, owner_user=world["staff"])
    many = _action_page_queries(client, world["staff"])
    assert many == few
    # Whom an action is about is the person's involvement with services: not shared with the
    # organisation by a consent for identity and story, shared by one that adds involvement.
    assert NAME not in client.get(reverse("meetings:actions")).content.decode()
    ConsentFactory(
        person=world["person"],
        grantee_organisation=world["shared"],
        category_bits=bits_for([Category.IDENTITY, Category.INVOLVEMENT]),
        recorded_by=world["tp"],
    )
    assert NAME in client.get(reverse("meetings:actions")).content.decode()


def test_the_owner_marks_an_action_done_and_strangers_cannot(client, world):
    meeting = invited(world)
    action = services.action_add(
        actor=world["tp"],
        meeting_id=meeting.pk,
        description="Book a housing assessment",
        due_on=timezone.localdate(),
        owner_organisation=world["shared"],
    )
    with pytest.raises(NotFound):
        services.action_set_status(actor=world["stranger"], action_id=action.pk, status="done")
    with pytest.raises(ValidationFailed):
        services.action_set_status(actor=world["staff"], action_id=action.pk, status="cancelled")
    client.force_login(world["staff"])
    response = client.post(reverse("meetings:action-status", args=[action.pk]), {"status": "done"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.completed_at is not None
    # A refusal keeps the note typed.
    response = client.post(
        reverse("meetings:action-status", args=[action.pk]),
        {"status": "cancelled", "note": "Jordan moved away"},
    )
    assert response.status_code == 400
    assert "Jordan moved away" in response.content.decode()


def test_reminders_go_once_to_the_owner_of_an_open_action_due(world):
    today = timezone.localdate()
    meeting = MeetingFactory()
    due = ActionFactory(meeting=meeting, owner_user=world["staff"], due_on=today)
    ActionFactory(meeting=meeting, owner_user=world["staff"], due_on=today + dt.timedelta(days=1))
    ActionFactory(
        meeting=meeting, owner_user=world["staff"], due_on=today, status=ActionStatus.DONE
    )
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.action_reminders() == 1
    assert [m.to for m in mail.outbox] == [[world["staff"].email]]
    assert due.reference in mail.outbox[0].subject
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.action_reminders() == 0


# --- problem-solving sessions ----------------------------------------------------------------


@pytest.fixture
def session(world, make_user):
    partnership = Partnership.objects.get(slug="cambridgeshire")
    coordinator = make_user(Role.PARTNERSHIP_COORDINATOR, partnership=partnership)
    starts_at, ends_at = _next_week()
    meeting = services.session_plan(
        actor=coordinator,
        partnership=partnership,
        purpose="Monthly problem-solving",
        starts_at=starts_at,
        ends_at=ends_at,
        place="Shire Hall",
    )
    return {"meeting": meeting, "coordinator": coordinator, "partnership": partnership}


def test_only_a_coordinator_of_the_partnership_plans_its_sessions(world, session, make_user):
    starts_at, ends_at = _next_week()
    elsewhere = make_user(
        Role.PARTNERSHIP_COORDINATOR, partnership=Partnership.objects.get(slug="peterborough")
    )
    with pytest.raises(ValidationFailed):
        services.session_plan(
            actor=elsewhere,
            partnership=session["partnership"],
            purpose="x",
            starts_at=starts_at,
            ends_at=ends_at,
            place="Hub",
        )


def test_a_person_joins_the_case_list_only_with_consent_to_the_partnership(client, world, session):
    meeting = session["meeting"]
    with pytest.raises(ValidationFailed) as error:
        services.case_add(
            actor=world["tp"], meeting_id=meeting.pk, person=world["person"], question="Housing"
        )
    assert "person" in error.value.field_errors
    ConsentFactory(
        person=world["person"],
        grantee_partnership=session["partnership"],
        category_bits=bits_for([Category.IDENTITY]),
        recorded_by=world["tp"],
    )
    services.case_add(
        actor=world["tp"], meeting_id=meeting.pk, person=world["person"], question="Housing"
    )
    # The coordinator sees them through the consent to the partnership; an invited
    # organisation without it sees the case but not who it is.
    services.invitation_add(
        actor=session["coordinator"], meeting_id=meeting.pk, organisation=world["unshared"]
    )
    coordinator_view = selectors.meeting_get_for(session["coordinator"], meeting.pk)
    assert [c.sees_person for c in coordinator_view.cases] == [True]
    html = page(client, world["other_staff"], reverse("meetings:meeting", args=[meeting.pk]))
    assert html.status_code == 200
    assert "Jordan" not in html.content.decode()
    assert "not shared with you" in html.content.decode()


def test_session_minutes_and_barriers_may_not_name_anyone_on_the_case_list(world, session):
    meeting = session["meeting"]
    ConsentFactory(
        person=world["person"],
        grantee_partnership=session["partnership"],
        category_bits=bits_for([Category.IDENTITY]),
        recorded_by=world["tp"],
    )
    services.case_add(
        actor=world["tp"], meeting_id=meeting.pk, person=world["person"], question="Housing"
    )
    with pytest.raises(ValidationFailed) as error:
        services.barrier_raise(
            actor=session["coordinator"],
            meeting_id=meeting.pk,
            summary="Jordan cannot get a mental health assessment while drinking",
        )
    assert "summary" in error.value.field_errors
    barrier = services.barrier_raise(
        actor=session["coordinator"],
        meeting_id=meeting.pk,
        summary="No mental health assessment while someone is still drinking",
    )
    assert barrier.barrier_ref.startswith("B-")  # raised on the governance ladder too
    meeting.starts_at -= dt.timedelta(days=8)
    meeting.ends_at -= dt.timedelta(days=8)
    meeting.save()
    with pytest.raises(ValidationFailed):
        services.minutes_record(
            actor=session["coordinator"], meeting_id=meeting.pk, minutes="Discussed Jordan"
        )


# --- found in review: each of these once leaked or failed ---------------------------------


def _brought(world, session, categories=(Category.IDENTITY,)):
    consent = ConsentFactory(
        person=world["person"],
        grantee_partnership=session["partnership"],
        category_bits=bits_for(categories),
        recorded_by=world["tp"],
    )
    services.case_add(
        actor=world["tp"],
        meeting_id=session["meeting"].pk,
        person=world["person"],
        question="Housing",
    )
    return consent


def test_a_pack_preview_never_shows_more_than_the_reader_may_see(client, world, session):
    _brought(world, session)  # the partnership sees who they are, not their story
    invitation = services.invitation_add(
        actor=session["coordinator"], meeting_id=session["meeting"].pk, organisation=world["shared"]
    )
    client.force_login(session["coordinator"])
    response = client.get(
        reverse("meetings:pack-preview", args=[session["meeting"].pk, invitation.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert NAME in html and STORY not in html


def test_the_minutes_form_leaves_out_people_no_longer_shared(client, world, session):
    consent = _brought(world, session)
    meeting = session["meeting"]
    meeting.starts_at -= dt.timedelta(days=8)
    meeting.ends_at -= dt.timedelta(days=8)
    meeting.save()
    case = meeting.cases.get()
    case.views, case.outcome = "I want somewhere quiet", "A room at the hostel"
    case.save()
    consent_withdraw(actor=world["tp"], consent_id=consent.pk, how=WithdrawnHow.VERBAL, note="")
    client.force_login(session["coordinator"])
    url = reverse("meetings:minutes", args=[meeting.pk])
    html = client.get(url).content.decode()
    assert "I want somewhere quiet" not in html and "A room at the hostel" not in html
    response = client.post(
        url,
        {
            "minutes": "Two barriers raised",
            f"case_{case.pk}_views": "",
            f"case_{case.pk}_outcome": "",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.views == "I want somewhere quiet" and case.outcome == "A room at the hostel"


def test_a_former_trusted_person_no_longer_runs_the_meeting(client, world):
    meeting = invited(world)
    meeting.starts_at -= dt.timedelta(days=8)
    meeting.ends_at -= dt.timedelta(days=8)
    meeting.save()
    services.minutes_record(actor=world["tp"], meeting_id=meeting.pk, minutes="Hostel agreed")
    world["person"].relationships.update(ends_on=timezone.localdate())
    client.force_login(world["tp"])
    assert client.get(reverse("meetings:minutes", args=[meeting.pk])).status_code == 404
    html = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Hostel agreed" not in html and NAME not in html


def test_an_action_page_is_only_for_its_owner_or_whoever_runs_the_meeting(client, world):
    meeting = invited(world)
    _send(world, meeting)
    action = services.action_add(
        actor=world["tp"],
        meeting_id=meeting.pk,
        description="Book a housing assessment",
        due_on=timezone.localdate(),
        owner_organisation=world["shared"],
    )
    url = reverse("meetings:action-status", args=[action.pk])
    assert page(client, world["other_staff"], url).status_code == 404
    assert page(client, world["staff"], url).status_code == 200
    assert page(client, world["tp"], url).status_code == 200


def test_numbers_that_are_not_numbers_are_not_errors(client, world):
    client.force_login(world["tp"])
    assert client.get(reverse("meetings:new") + "?person=²").status_code == 200
    assert client.get(reverse("meetings:session-bring") + "?person=²").status_code == 404
    url = reverse("consent:new", args=[world["person"].pk])
    assert client.get(url + "?partnership=²&organisation=³").status_code == 200


def test_a_sent_invitation_cannot_be_quietly_removed(client, world):
    meeting = invited(world)
    _send(world, meeting)
    invitation = Invitation.objects.get(meeting=meeting, organisation=world["shared"])
    client.force_login(world["tp"])
    response = client.post(reverse("meetings:invitee-remove", args=[meeting.pk, invitation.pk]))
    assert response.status_code == 302
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def _invitees_page_queries(client, user, meeting) -> int:
    client.force_login(user)
    url = reverse("meetings:invitees", args=[meeting.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_consent_check_does_not_query_per_invitee(client, world, make_user):
    meeting = invited(world)
    for _ in range(2):
        services.invitation_add(
            actor=world["tp"],
            meeting_id=meeting.pk,
            email=make_user(Role.SERVICE_STAFF, organisation=world["shared"]).email,
        )
    few = _invitees_page_queries(client, world["tp"], meeting)
    for _ in range(6):
        services.invitation_add(
            actor=world["tp"],
            meeting_id=meeting.pk,
            email=make_user(Role.SERVICE_STAFF, organisation=OrganisationFactory()).email,
        )
        services.invitation_add(
            actor=world["tp"], meeting_id=meeting.pk, organisation=OrganisationFactory()
        )
    assert _invitees_page_queries(client, world["tp"], meeting) == few
