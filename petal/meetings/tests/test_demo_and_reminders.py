"""The meetings demo (deterministic, honest, safe to load twice) and the action reminders
command (once per action, only for open ones)."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from petal.access.categories import Category
from petal.access.meetings import coordinated_partnerships, invitee_categories, meeting_visibility
from petal.access.roles import Role
from petal.accounts.models import Membership, User
from petal.audit.selectors import audit_chain_verify
from petal.meetings.demo import COORDINATORS, load_demo
from petal.meetings.models import (
    Action,
    ActionStatus,
    Invitation,
    Kind,
    Meeting,
    MeetingCase,
    MeetingStatus,
    Reply,
    Retold,
    Voice,
)
from petal.meetings.services import action_reminders, names_in, partnership_consent
from petal.meetings.tests.factories import ActionFactory
from petal.reference.models import Partnership

pytestmark = pytest.mark.django_db

PASSWORD = "a demo passphrase"


@pytest.fixture
def demo():
    """What the meetings demo needs (sign-ins, people, consents), then the meetings."""
    from petal.accounts.demo import load_demo as load_accounts
    from petal.consent.demo import load_consents
    from petal.people.demo import load_people

    load_accounts(password=PASSWORD)
    load_people()
    load_consents(password=PASSWORD)
    return load_demo(password=PASSWORD)


def _snapshot() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Meeting, MeetingCase, Invitation, Action, User, Membership)
    }


def test_the_demo_command_loads_the_meetings_once_and_lists_the_new_coordinators(client):
    out = StringIO()
    call_command("demo", "--password", PASSWORD, stdout=out)
    first = _snapshot()
    assert first["Meeting"] >= 8
    assert first["Action"] >= 12
    call_command("demo", "--password", PASSWORD, stdout=StringIO())
    assert _snapshot() == first
    printed = out.getvalue()
    assert f"Meetings: {first['Meeting']} " in printed
    assert f"{first['Action']} actions" in printed
    for coordinator in COORDINATORS:
        assert coordinator.email in printed
        response = client.post("/sign-in", {"email": coordinator.email, "password": PASSWORD})
        assert response.status_code == 302, coordinator.email
        client.post("/sign-out")
    assert audit_chain_verify().ok


def test_loading_the_meetings_twice_adds_nothing(demo):
    first = _snapshot()
    again = load_demo(password=PASSWORD)
    assert _snapshot() == first
    assert (again.meetings, again.actions) == (demo.meetings, demo.actions)
    assert demo.meetings == first["Meeting"]


def test_every_kind_status_and_action_state_appears(demo):
    now = timezone.now()
    today = timezone.localdate()
    meetings = Meeting.objects.all()
    # Governance meetings are the barriers demo's (petal/barriers/tests/test_demo.py).
    for kind in (Kind.PROFESSIONALS, Kind.PARTNERSHIP):
        assert meetings.filter(kind=kind, ends_at__lte=now, status=MeetingStatus.HELD).exists()
        assert meetings.filter(kind=kind, starts_at__gt=now, status=MeetingStatus.INVITED).exists()
    assert set(meetings.values_list("status", flat=True)) == set(MeetingStatus.values)
    # Held means past, with minutes; nothing upcoming is held.
    for meeting in meetings.filter(status=MeetingStatus.HELD):
        assert meeting.is_past and meeting.minutes and meeting.minutes_at >= meeting.ends_at
        assert meeting.invitations_sent_at < meeting.starts_at
        assert all(i.sent_at < meeting.starts_at for i in meeting.invitations.all())
        assert all(i.attended is not None for i in meeting.invitations.all())
    assert not meetings.filter(ends_at__gt=now, status=MeetingStatus.HELD).exists()
    assert not meetings.filter(status=MeetingStatus.DRAFT, invitations_sent_at__isnull=False)

    actions = Action.objects.select_related("meeting", "owner_user", "owner_organisation")
    assert set(actions.values_list("status", flat=True)) == set(ActionStatus.values)
    open_ = actions.filter(status=ActionStatus.OPEN)
    assert open_.filter(due_on__lt=today).exists(), "some open actions are overdue"
    assert open_.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=7)).exists()
    for action in actions:
        assert action.meeting.status == MeetingStatus.HELD
        assert action.created_at >= action.meeting.ends_at
        if action.status == ActionStatus.DONE:
            assert action.meeting.ends_at < action.completed_at <= timezone.now()
        else:
            assert action.completed_at is None
        if action.status == ActionStatus.CANCELLED:
            assert action.status_note
        # Overdue ones were reminded on the morning they fell due; none before it.
        if action.is_overdue:
            assert action.reminded_at is not None
        if action.reminded_at:
            assert timezone.localtime(action.reminded_at).date() == action.due_on
    owners = {a.owner_user.email for a in actions if a.owner_user_id}
    assert {"services@example.org", "trusted.person@example.org"} <= owners
    assert "trusted.person2@example.org" in owners
    assert actions.filter(owner_organisation__slug="cgl-change-grow-live").exists()


def test_professionals_meetings_hear_the_person_and_respect_their_consent(demo):
    professionals = Meeting.objects.filter(kind=Kind.PROFESSIONALS)
    conveners = set(professionals.values_list("convened_by__email", flat=True))
    assert conveners == {"trusted.person@example.org", "trusted.person2@example.org"}
    held = MeetingCase.objects.filter(meeting__in=professionals.filter(status=MeetingStatus.HELD))
    assert held.filter(voice=Voice.ATTENDED).exists()
    sent = held.filter(voice=Voice.SENT_VIEWS)
    assert sent.exists() and all(case.views for case in sent)
    assert {Retold.NO, Retold.YES} <= set(held.values_list("retold", flat=True))

    invitations = Invitation.objects.filter(meeting__in=professionals).select_related(
        "meeting", "organisation", "user"
    )
    assert invitations.filter(user__isnull=False).exists()
    assert {Reply.ATTENDING, Reply.NOT_ATTENDING} <= set(
        invitations.values_list("reply", flat=True)
    )
    # Upcoming: sent; one invitee without consent, invited without the person's details; the
    # others may see who it is about, so their pack holds something.
    upcoming = invitations.filter(meeting__status=MeetingStatus.INVITED)
    assert upcoming.exists() and not upcoming.filter(sent_at__isnull=True).exists()
    without = upcoming.filter(without_details=True)
    assert without.exists()
    for invitation in upcoming:
        person = invitation.meeting.cases.get().person_id
        sees = Category.IDENTITY in invitee_categories(invitation, [person])[person]
        assert sees != invitation.without_details, invitation
    assert upcoming.filter(without_details=False, organisation__isnull=False).exists()

    # CGL is invited, so its staff see meetings.
    services_user = User.objects.get(email="services@example.org")
    assert Meeting.objects.filter(meeting_visibility(services_user)).exists()


def test_each_partnership_has_sessions_run_by_its_coordinator(demo):
    now = timezone.now()
    for partnership in Partnership.objects.all():
        sessions = Meeting.objects.filter(kind=Kind.PARTNERSHIP, partnership=partnership)
        assert sessions.filter(ends_at__lte=now, status=MeetingStatus.HELD).exists(), partnership
        assert sessions.filter(starts_at__gt=now).exists(), partnership
        for session in sessions:
            convener = User.objects.get(pk=session.convened_by_id)
            assert partnership.pk in coordinated_partnerships(convener)
            cases = list(session.cases.select_related("person"))
            assert cases and all(case.question for case in cases)
            for case in cases:
                assert partnership_consent(case.person, partnership.pk)
            assert session.invitations.exists()
            if session.status == MeetingStatus.HELD:
                assert session.barriers.exists()
                assert session.invitations.filter(attended=True).exists()
    for coordinator in COORDINATORS:
        user = User.objects.get(email=coordinator.email)
        assert user.memberships.filter(
            role=Role.PARTNERSHIP_COORDINATOR, partnership__slug=coordinator.partnership
        ).exists()


def test_nothing_others_read_names_the_people_discussed(demo):
    checked = 0
    for meeting in Meeting.objects.prefetch_related(
        "cases__person__aliases", "actions", "barriers"
    ):
        people = [case.person for case in meeting.cases.all()]
        assert people
        # The check can fail: the first word of a name is found.
        assert names_in(f"About {people[0].full_name.split()[0]}", people)
        texts = [meeting.purpose, meeting.agenda, meeting.cancelled_reason]
        if meeting.kind == Kind.PARTNERSHIP:
            texts.append(meeting.minutes)
        texts += [f"{a.description} {a.status_note}" for a in meeting.actions.all()]
        texts += [f"{b.summary} {b.detail}" for b in meeting.barriers.all()]
        for text in texts:
            assert not names_in(text, people), (meeting.reference, text)
            checked += 1
    assert checked > 50


# --- the reminders command ---------------------------------------------------------------------


def _remind() -> str:
    out = StringIO()
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("action_reminders", stdout=out)
    return out.getvalue()


def test_the_command_reminds_the_owner_of_an_overdue_action_once(make_user):
    owner = make_user(Role.SERVICE_STAFF)
    other = make_user(Role.SERVICE_STAFF)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    action = ActionFactory(owner_user=owner, due_on=yesterday)
    ActionFactory(owner_user=other, due_on=yesterday, status=ActionStatus.DONE)
    ActionFactory(owner_user=other, due_on=yesterday, status=ActionStatus.CANCELLED)
    ActionFactory(owner_user=other, due_on=timezone.localdate() + dt.timedelta(days=1))

    assert "Sent 1 action reminder(s)." in _remind()
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert action.reference in mail.outbox[0].body
    assert "Book a housing assessment" not in mail.outbox[0].body
    action.refresh_from_db()
    assert action.reminded_at is not None

    assert "Sent 0 action reminder(s)." in _remind()
    assert len(mail.outbox) == 1


def test_after_the_demo_only_actions_due_today_are_still_to_remind(demo):
    today = timezone.localdate()
    waiting = Action.objects.filter(
        status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS], reminded_at__isnull=True
    )
    due_today = set(waiting.filter(due_on=today).values_list("pk", flat=True))
    assert due_today
    assert not waiting.filter(due_on__lt=today).exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert action_reminders() == len(due_today)
    assert mail.outbox
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert action_reminders() == 0
