"""Every write about meetings and actions: one transaction each, with its audit event and its
notifications. A notification names a meeting or an action by its reference ("M-000123",
"A-000045") and links to it; an invitation carries a calendar file with the time and place.
Never a person's details.

Text that every invitee reads (a meeting's purpose and agenda) and text an action's owner reads
(its description) must not name the person discussed: not every invitee or owner may have their
consent, and consent can be withdrawn after the text is written. Petal refuses such text with a
message saying why, and keeps what was typed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend, task

from petal.access.categories import Category
from petal.access.meetings import (
    coordinated_partnerships,
    invitees_categories,
    may_manage,
    member_organisations,
    readers_categories,
)
from petal.access.people import can_change_person
from petal.access.policy import organisations_with_role
from petal.access.roles import Role
from petal.accounts.models import Organisation, User
from petal.accounts.selectors import users_with_role, worker_by_email
from petal.audit.services import audit_record
from petal.consent.models import CATEGORY_BIT
from petal.core.errors import NotFound, clean_text, fail
from petal.core.notify import deliverable, notify
from petal.meetings import ics
from petal.meetings.models import (
    ACTION_OPEN,
    Action,
    ActionStatus,
    Decision,
    Invitation,
    Kind,
    Meeting,
    MeetingCase,
    MeetingStatus,
    RaisedBarrier,
    Reply,
    Retold,
    Voice,
)

logger = logging.getLogger(__name__)

MAX_TEXT = 5000
MAX_MINUTES = 20000


# --- names: text others read must not name the person -----------------------------------------


# Words are runs of letters: apostrophes and hyphens split them, so "Eamon's", "EAMON-led"
# and the "Mary" of "Mary-Jane" are all caught.
_WORD = re.compile(r"[^\W\d_]+")


def _name_words(person) -> set[str]:
    names = [person.full_name, person.preferred_name, *(a.name for a in person.aliases.all())]
    return {word.lower() for name in names for word in _WORD.findall(name or "") if len(word) >= 2}


def name_words(person) -> set[str]:
    """The words of a person's names (full, preferred, aliases), lower case."""
    return _name_words(person)


def names_in(text: str, people: Iterable) -> list:
    """The people whose names (any word of their name, preferred name or aliases) the text
    contains, as whole words, ignoring case."""
    words = {w.lower() for w in _WORD.findall(text or "")}
    return [person for person in people if _name_words(person) & words]


def _refuse_names(text: str, people, *, field: str, who_reads: str) -> None:
    if names_in(text, people):
        fail(
            field,
            f"Write this without the name of the person you are meeting about: {who_reads} "
            "reads it, and not everyone may have their consent to know who it is",
        )


# --- helpers -------------------------------------------------------------------------------------


def _meeting_link(meeting: Meeting) -> str:
    return reverse("meetings:meeting", kwargs={"meeting_id": meeting.pk})


def _action_link() -> str:
    return reverse("meetings:actions")


def _locked(actor, meeting_id, *, manage: bool = True) -> Meeting:
    from petal.access.meetings import meeting_visibility

    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such meeting") from exc
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .filter(meeting_visibility(actor), pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise NotFound("No such meeting")
    if manage and not may_manage(actor, meeting):
        raise NotFound("No such meeting")
    return meeting


def _people(meeting: Meeting) -> list:
    from petal.people.models import Person

    return list(Person.objects.filter(meeting_cases__meeting=meeting).prefetch_related("aliases"))


def _when(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> None:
    if starts_at is None:
        fail("starts_at", "Enter when the meeting starts")
    if ends_at is None or ends_at <= starts_at:
        fail("ends_at", "The meeting must end after it starts")
    if ends_at - starts_at > dt.timedelta(hours=12):
        fail("ends_at", "A meeting can last at most 12 hours")


def _where(place: str, online_link: str) -> tuple[str, str]:
    place = clean_text(place, field="place", label="the place", limit=300)
    online_link = (online_link or "").strip()
    if online_link and not re.match(r"https://[^\s]+$", online_link):
        fail("online_link", "Enter the online link as a web address starting https://")
    if not place and not online_link:
        fail("place", "Enter where the meeting is, or a link to join it online")
    return place, online_link


def _convener_organisation(actor, role: Role) -> int | None:
    return next(iter(organisations_with_role(actor, role)), None)


# --- convening -----------------------------------------------------------------------------------


@transaction.atomic
def meeting_convene(
    *,
    actor,
    person,
    purpose: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
) -> Meeting:
    """A trusted person convenes a professionals meeting about one person they support."""
    if not can_change_person(actor, person):
        raise NotFound("No such person")
    purpose = clean_text(purpose, field="purpose", label="what the meeting is for", required=True)
    agenda = clean_text(agenda, field="agenda", label="the agenda")
    people = [person]
    _refuse_names(purpose, people, field="purpose", who_reads="everyone invited")
    _refuse_names(agenda, people, field="agenda", who_reads="everyone invited")
    _when(starts_at, ends_at)
    place, online_link = _where(place, online_link)
    meeting = Meeting.objects.create(
        programme_area_id=person.programme_area_id,
        kind=Kind.PROFESSIONALS,
        purpose=purpose,
        agenda=agenda,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        convened_by=actor,
        convener_organisation_id=_convener_organisation(actor, Role.TRUSTED_PERSON),
    )
    MeetingCase.objects.create(meeting=meeting, person=person, brought_by=actor)
    audit_record(
        actor=actor,
        action="meeting.convened",
        obj=meeting,
        categories=[Category.INVOLVEMENT],
        data={"person": person.pk, "kind": meeting.kind},
    )
    return meeting


@transaction.atomic
def session_plan(
    *,
    actor,
    partnership,
    purpose: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
) -> Meeting:
    """A partnership's coordinator plans a problem-solving session."""
    if partnership is None or partnership.pk not in coordinated_partnerships(actor):
        fail("partnership", "Choose a partnership you coordinate")
    purpose = clean_text(purpose, field="purpose", label="what the session is for", required=True)
    agenda = clean_text(agenda, field="agenda", label="the agenda")
    _when(starts_at, ends_at)
    place, online_link = _where(place, online_link)
    meeting = Meeting.objects.create(
        programme_area_id=partnership.programme_area_id,
        kind=Kind.PARTNERSHIP,
        partnership=partnership,
        purpose=purpose,
        agenda=agenda,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        convened_by=actor,
        convener_organisation_id=_convener_organisation(actor, Role.PARTNERSHIP_COORDINATOR),
    )
    audit_record(actor=actor, action="meeting.convened", obj=meeting, data={"kind": meeting.kind})
    return meeting


@transaction.atomic
def meeting_change(
    *,
    actor,
    meeting_id: int,
    purpose: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    online_link: str = "",
    agenda: str = "",
) -> Meeting:
    """Change a meeting's details. Invitees already sent an invitation get the new time and
    place (an updated calendar file) when the time or place changes."""
    meeting = _locked(actor, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        fail("purpose", "This meeting has been cancelled")
    purpose = clean_text(purpose, field="purpose", label="what the meeting is for", required=True)
    agenda = clean_text(agenda, field="agenda", label="the agenda")
    people = _people(meeting)
    who = "everyone invited"
    _refuse_names(purpose, people, field="purpose", who_reads=who)
    _refuse_names(agenda, people, field="agenda", who_reads=who)
    _when(starts_at, ends_at)
    place, online_link = _where(place, online_link)
    moved = (meeting.starts_at, meeting.ends_at, meeting.place, meeting.online_link) != (
        starts_at,
        ends_at,
        place,
        online_link,
    )
    meeting.purpose, meeting.agenda = purpose, agenda
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.online_link = place, online_link
    if moved:
        meeting.sequence += 1
    meeting.save()
    audit_record(actor=actor, action="meeting.changed", obj=meeting, data={"moved": moved})
    if moved:
        sent = list(meeting.invitations.filter(sent_at__isnull=False).select_related("user"))
        _invite(
            meeting,
            sent,
            subject="Meeting changed",
            message=f"The time or place of a meeting you are invited to has changed. "
            f"It is now {_when_text(meeting)}.",
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting_id: int, reason: str) -> Meeting:
    meeting = _locked(actor, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        fail("reason", "This meeting is already cancelled")
    if meeting.status == MeetingStatus.HELD:
        fail("reason", "This meeting has been held: it cannot be cancelled")
    reason = clean_text(
        reason, field="reason", label="why it is cancelled", required=True, limit=500
    )
    _refuse_names(reason, _people(meeting), field="reason", who_reads="everyone invited")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_reason = reason
    meeting.sequence += 1
    meeting.save()
    audit_record(actor=actor, action="meeting.cancelled", obj=meeting)
    sent = list(meeting.invitations.filter(sent_at__isnull=False).select_related("user"))
    _invite(
        meeting,
        sent,
        subject="Meeting cancelled",
        message="A meeting you were invited to has been cancelled.",
    )
    return meeting


# --- invitations ---------------------------------------------------------------------------------


@transaction.atomic
def invitation_add(
    *, actor, meeting_id: int, email: str = "", organisation: Organisation | None = None
) -> Invitation:
    """Invite a Petal user (by their email address) or an organisation from the directory."""
    meeting = _locked(actor, meeting_id)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        fail("invitee", "Invitations can only be added before the meeting is held")
    email = (email or "").strip().lower()
    user = None
    if email:
        user = worker_by_email(email)
        if user is None:
            fail(
                "email",
                "There is no one with that email address in Petal. Check it, or invite their "
                "organisation",
            )
        if user.pk == meeting.convened_by_id:
            fail("email", "You are convening this meeting: you do not need an invitation")
    elif organisation is None:
        fail("invitee", "Choose an organisation or enter a person's email address")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                meeting=meeting, user=user, organisation=organisation, added_by=actor
            )
    except IntegrityError:
        fail("invitee", "They are already invited")
    audit_record(
        actor=actor,
        action="meeting.invitee_added",
        obj=meeting,
        data={"user": getattr(user, "pk", None), "organisation": getattr(organisation, "pk", None)},
    )
    return invitation


def _invitation(meeting: Meeting, invitation_id) -> Invitation:
    invitation = (
        meeting.invitations.select_related("user", "organisation")
        .filter(pk=int(invitation_id) if str(invitation_id).isdigit() else 0)
        .first()
    )
    if invitation is None:
        raise NotFound("No such invitation")
    return invitation


@transaction.atomic
def invitation_without_details(*, actor, meeting_id: int, invitation_id: int, on: bool) -> None:
    """The convener chooses to invite someone without the person's details (or undoes it)."""
    meeting = _locked(actor, meeting_id)
    invitation = _invitation(meeting, invitation_id)
    invitation.without_details = on
    invitation.save(update_fields=["without_details"])
    audit_record(
        actor=actor,
        action="meeting.invitee_without_details",
        obj=meeting,
        data={"invitation": invitation.pk, "without_details": on},
    )


@transaction.atomic
def invitation_remove(*, actor, meeting_id: int, invitation_id: int) -> None:
    meeting = _locked(actor, meeting_id)
    invitation = _invitation(meeting, invitation_id)
    if invitation.sent_at is not None:
        fail(
            "invitee",
            "Their invitation has been sent: it cannot be taken back. Tell them yourself if "
            "they are no longer needed",
        )
    invitation.delete()
    audit_record(
        actor=actor,
        action="meeting.invitee_removed",
        obj=meeting,
        data={"invitation": invitation_id},
    )


def unconsented(meeting: Meeting, invitations: list[Invitation]) -> list[Invitation]:
    """Invitees of a professionals meeting who may not see who it is about, and whom the
    convener has not yet chosen to invite without the person's details."""
    if meeting.kind != Kind.PROFESSIONALS:
        return []
    people = list(meeting.cases.values_list("person_id", flat=True))
    waiting = [i for i in invitations if not i.without_details]
    seen = invitees_categories(waiting, people)
    return [
        invitation
        for invitation in waiting
        if any(Category.IDENTITY not in seen[invitation.pk].get(pk, frozenset()) for pk in people)
    ]


def _recipients(invitation: Invitation) -> list[str]:
    if invitation.user_id:
        return deliverable([invitation.user.email] if invitation.user.is_active else [])
    staff = [
        u.email
        for u in users_with_role(Role.SERVICE_STAFF, organisation_id=invitation.organisation_id)
    ]
    if not staff and invitation.organisation.email:
        staff = [invitation.organisation.email]
    return deliverable(staff)


def _when_text(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    return f"{start:%-d %B %Y} at {start:%H:%M}"


def _invite(meeting: Meeting, invitations: list[Invitation], *, subject: str, message: str):
    to = sorted({address for invitation in invitations for address in _recipients(invitation)})
    if not to:
        return
    link = _meeting_link(meeting)
    calendar = ics.attachment(meeting)
    reference = meeting.reference
    transaction.on_commit(
        lambda: notify(
            to=to,
            subject=subject,
            message=message,
            reference=reference,
            link=link,
            attachments=[calendar],
        )
    )


@transaction.atomic
def invitations_send(*, actor, meeting_id: int) -> int:
    """Send the invitations not sent yet. Refused while an invitee of a professionals meeting
    may not see who it is about and the convener has not chosen to invite them without the
    person's details (or recorded the person's consent). Returns how many were sent."""
    meeting = _locked(actor, meeting_id)
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD):
        fail("invitations", "This meeting is no longer taking invitations")
    if meeting.starts_at <= timezone.now():
        fail("invitations", "This meeting has started: invitations can no longer be sent")
    invitations = list(meeting.invitations.select_related("user", "organisation"))
    if not invitations:
        fail("invitations", "Invite someone first")
    flagged = unconsented(meeting, invitations)
    if flagged:
        names = ", ".join(i.label for i in flagged)
        fail(
            "invitations",
            f"Decide first for {names}: record the person's consent to share with them, or "
            "invite them without the person's details",
        )
    waiting = [i for i in invitations if i.sent_at is None]
    if not waiting:
        fail("invitations", "Everyone invited has been sent their invitation")
    now = timezone.now()
    Invitation.objects.filter(pk__in=[i.pk for i in waiting]).update(sent_at=now)
    if meeting.status == MeetingStatus.DRAFT:
        meeting.status = MeetingStatus.INVITED
    meeting.invitations_sent_at = now
    meeting.save(update_fields=["status", "invitations_sent_at", "updated_at"])
    audit_record(
        actor=actor,
        action="meeting.invitations_sent",
        obj=meeting,
        data={"invitations": [i.pk for i in waiting]},
    )
    _invite(
        meeting,
        waiting,
        subject=f"Invitation: {meeting.title.lower()}"
        if meeting.kind == Kind.PROFESSIONALS
        else "Invitation: problem-solving session",
        message=f"You are invited to a meeting on {_when_text(meeting)}. Sign in to reply and "
        "to see the agenda and what has been shared with you.",
    )
    return len(waiting)


def _answers_for(actor, invitation: Invitation) -> bool:
    if invitation.user_id:
        return invitation.user_id == actor.pk
    return invitation.organisation_id in member_organisations(actor)


@transaction.atomic
def reply_record(*, actor, meeting_id: int, invitation_id: int, reply: str) -> Invitation:
    """An invitee replies (attending or not); the convener can record a reply given to them."""
    meeting = _locked(actor, meeting_id, manage=False)
    invitation = _invitation(meeting, invitation_id)
    if not (_answers_for(actor, invitation) or may_manage(actor, meeting)):
        raise NotFound("No such invitation")
    if reply not in (Reply.ATTENDING, Reply.NOT_ATTENDING):
        fail("reply", "Say whether you will attend")
    if meeting.status == MeetingStatus.CANCELLED:
        fail("reply", "This meeting has been cancelled")
    invitation.reply = reply
    invitation.replied_at = timezone.now()
    invitation.replied_by = actor
    invitation.save(update_fields=["reply", "replied_at", "replied_by"])
    audit_record(
        actor=actor,
        action="meeting.replied",
        obj=meeting,
        data={"invitation": invitation.pk, "reply": reply},
    )
    return invitation


# --- cases at a problem-solving session ----------------------------------------------------------


def partnership_consent(person, partnership_id: int) -> bool:
    """Whether an active consent lets the person's identity be shared with the partnership."""
    return partnership_id in partnerships_consented(person)


def partnerships_consented(person) -> set[int]:
    """The partnerships an active consent lets the person's identity be shared with (one
    query)."""
    from petal.access.people import active_consent_filter
    from petal.consent.models import Consent

    bit = CATEGORY_BIT[Category.IDENTITY]
    return {
        partnership_id
        for partnership_id, bits in Consent.objects.filter(
            active_consent_filter(), person=person, grantee_partnership__isnull=False
        ).values_list("grantee_partnership_id", "category_bits")
        if bits & bit
    }


@transaction.atomic
def case_add(*, actor, meeting_id: int, person, question: str) -> MeetingCase:
    """A trusted person brings someone they support to a problem-solving session: only with
    the person's consent to share with that partnership."""
    if not can_change_person(actor, person):
        raise NotFound("No such person")
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .filter(pk=meeting_id, kind=Kind.PARTNERSHIP)
        .first()
    )
    if meeting is None:
        raise NotFound("No such meeting")
    if meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.HELD) or meeting.is_past:
        fail("meeting", "This session has already taken place or been cancelled")
    if not partnership_consent(person, meeting.partnership_id):
        fail(
            "person",
            f"{person.name} has not agreed to share who they are with the "
            f"{meeting.partnership.name} partnership. Record their consent first",
        )
    question = clean_text(
        question, field="question", label="what you hope the session can help with", required=True
    )
    try:
        with transaction.atomic():
            case = MeetingCase.objects.create(
                meeting=meeting, person=person, brought_by=actor, question=question
            )
    except IntegrityError:
        fail("person", f"{person.name} is already on this session's case list")
    audit_record(
        actor=actor,
        action="meeting.case_added",
        obj=meeting,
        categories=[Category.INVOLVEMENT],
        data={"person": person.pk, "case": case.pk},
    )
    return case


# --- minutes, decisions, the person's voice --------------------------------------------------


@transaction.atomic
def minutes_record(
    *,
    actor,
    meeting_id: int,
    minutes: str,
    attended: Iterable[int] = (),
    cases: dict[int, dict] | None = None,
) -> Meeting:
    """Record what happened: minutes, who attended (by invitation), and for each person
    discussed their voice (came, sent views in their words, chose not to take part), whether
    they had to tell their story again, and the outcome."""
    meeting = _locked(actor, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        fail("minutes", "This meeting was cancelled")
    if meeting.starts_at > timezone.now():
        fail("minutes", "Minutes can be recorded once the meeting has started")
    minutes = clean_text(minutes, field="minutes", label="the minutes", limit=MAX_MINUTES)
    if meeting.kind == Kind.PARTNERSHIP:
        _refuse_names(
            minutes,
            _people(meeting),
            field="minutes",
            who_reads="everyone at the session",
        )
    attended = {int(pk) for pk in attended}
    for invitation in meeting.invitations.all():
        was_there = invitation.pk in attended
        if invitation.attended != was_there:
            invitation.attended = was_there
            invitation.save(update_fields=["attended"])
    # Only what the reader may see of each person is theirs to write: a case whose person
    # has since withdrawn their consent is left as it was.
    all_cases = list(meeting.cases.all())
    seen = readers_categories(actor, [c.person_id for c in all_cases])
    needed = Category.INVOLVEMENT if meeting.kind == Kind.PROFESSIONALS else Category.IDENTITY
    for case in all_cases:
        answers = (cases or {}).get(case.pk)
        if answers is None or needed not in seen.get(case.person_id, frozenset()):
            continue
        voice = answers.get("voice", "")
        if voice and voice not in Voice.values:
            fail(f"case_{case.pk}_voice", "Choose how they took part")
        views = clean_text(
            answers.get("views", ""), field=f"case_{case.pk}_views", label="their views"
        )
        if voice == Voice.SENT_VIEWS and not views:
            fail(f"case_{case.pk}_views", "Write down the views they sent, in their words")
        retold = answers.get("retold", "")
        if retold and retold not in Retold.values:
            fail(f"case_{case.pk}_retold", "Say whether they had to tell their story again")
        case.voice, case.views, case.retold = voice, views, retold
        case.outcome = clean_text(
            answers.get("outcome", ""), field=f"case_{case.pk}_outcome", label="the outcome"
        )
        case.save()
    meeting.minutes = minutes
    meeting.minutes_by = actor
    meeting.minutes_at = timezone.now()
    meeting.status = MeetingStatus.HELD
    meeting.save()
    audit_record(
        actor=actor,
        action="meeting.minutes_recorded",
        obj=meeting,
        categories=[Category.INVOLVEMENT] if meeting.kind == Kind.PROFESSIONALS else [],
        data={"attended": sorted(attended)},
    )
    return meeting


def _case(meeting: Meeting, case_id) -> MeetingCase | None:
    if case_id in (None, ""):
        return None
    case = meeting.cases.filter(pk=int(case_id) if str(case_id).isdigit() else 0).first()
    if case is None:
        fail("case", "Choose who it is about")
    return case


@transaction.atomic
def decision_add(*, actor, meeting_id: int, text: str, case_id=None) -> Decision:
    meeting = _locked(actor, meeting_id)
    case = _case(meeting, case_id)
    if meeting.kind == Kind.PROFESSIONALS and case is None:
        case = meeting.cases.first()
    text = clean_text(text, field="text", label="the decision", required=True)
    if case is None:
        _refuse_names(text, _people(meeting), field="text", who_reads="everyone at the session")
    decision = Decision.objects.create(meeting=meeting, case=case, text=text, recorded_by=actor)
    audit_record(actor=actor, action="meeting.decision_recorded", obj=meeting)
    return decision


# --- actions -------------------------------------------------------------------------------------


@transaction.atomic
def action_add(
    *,
    actor,
    meeting_id: int,
    description: str,
    due_on: dt.date | None,
    owner_email: str = "",
    owner_organisation: Organisation | None = None,
    case_id=None,
) -> Action:
    """An action from a meeting: owned by a Petal user or an organisation, due on a day."""
    meeting = _locked(actor, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        fail("description", "This meeting was cancelled")
    case = _case(meeting, case_id)
    if meeting.kind == Kind.PROFESSIONALS and case is None:
        case = meeting.cases.first()
    description = clean_text(
        description, field="description", label="what needs doing", required=True, limit=1000
    )
    _refuse_names(description, _people(meeting), field="description", who_reads="its owner")
    owner_email = (owner_email or "").strip()
    owner_user = None
    if owner_email:
        owner_user = worker_by_email(owner_email)
        if owner_user is None:
            fail("owner_email", "There is no one with that email address in Petal")
    elif owner_organisation is None:
        fail("owner", "Choose who will do it: a person or an organisation")
    if due_on is None:
        fail("due_on", "Enter when it is due")
    return action_create(
        actor=actor,
        meeting=meeting,
        case=case,
        description=description,
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        due_on=due_on,
    )


def action_create(
    *,
    actor,
    meeting: Meeting,
    description: str,
    owner_user=None,
    owner_organisation=None,
    due_on: dt.date,
    case=None,
    audit_action: str = "action.created",
    data: dict | None = None,
) -> Action:
    """Make an action of a meeting (the caller has checked who may, and the text), audit it,
    tell its owner and plan the reminder for the day it is due. Governance meetings and barrier
    decisions (petal.barriers) make theirs through this too."""
    action = Action.objects.create(
        programme_area_id=meeting.programme_area_id,
        meeting=meeting,
        case=case,
        description=description,
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        due_on=due_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=audit_action,
        obj=action,
        data={
            "meeting": meeting.pk,
            "owner_user": getattr(owner_user, "pk", None),
            "owner_organisation": getattr(owner_organisation, "pk", None),
            **(data or {}),
        },
    )
    action_tell_owner(action, subject="New action", message="An action has been given to you.")
    action_schedule_reminder(action)
    return action


def _owner_addresses(action: Action) -> list[str]:
    if action.owner_user_id:
        user = action.owner_user
        return deliverable([user.email] if user.is_active else [])
    members = User.objects.filter(
        is_active=True,
        memberships__organisation_id=action.owner_organisation_id,
        memberships__ended_at__isnull=True,
    ).distinct()
    emails = [u.email for u in members]
    if not emails and action.owner_organisation.email:
        emails = [action.owner_organisation.email]
    return deliverable(emails)


def action_tell_owner(action: Action, *, subject: str, message: str) -> None:
    to = [a for a in _owner_addresses(action) if a != getattr(action.created_by, "email", None)]
    if not to:
        return
    reference, link = action.reference, _action_link()
    transaction.on_commit(
        lambda: notify(to=to, subject=subject, message=message, reference=reference, link=link)
    )


def may_update_action(actor, action: Action) -> bool:
    if action.owner_user_id == actor.pk:
        return True
    if action.owner_organisation_id and action.owner_organisation_id in member_organisations(actor):
        return True
    return may_manage(actor, action.meeting)


@transaction.atomic
def action_set_status(*, actor, action_id: int, status: str, note: str = "") -> Action:
    """The owner (or whoever runs the meeting) moves an action on: in progress, done,
    cancelled, or back to do."""
    from petal.access.meetings import action_visibility, meeting_visibility

    try:
        action_id = int(action_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such action") from exc
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("meeting", "owner_user", "owner_organisation", "created_by")
        .filter(pk=action_id)
        .first()
    )
    if action is None:
        raise NotFound("No such action")
    visible = (
        Action.objects.filter(action_visibility(actor), pk=action.pk).exists()
        or Meeting.objects.filter(meeting_visibility(actor), pk=action.meeting_id).exists()
    )
    if not visible or not may_update_action(actor, action):
        raise NotFound("No such action")
    if status not in ActionStatus.values:
        fail("status", "Choose where the action has got to")
    note = clean_text(note, field="note", label="the note", limit=500)
    if status == ActionStatus.CANCELLED and not note:
        fail("note", "Say why it is no longer needed")
    _refuse_names(note, _people(action.meeting), field="note", who_reads="its owner")
    previous = action.status
    action.status = status
    action.status_note = note
    action.completed_at = timezone.now() if status == ActionStatus.DONE else None
    action.save()
    audit_record(
        actor=actor,
        action="action.status_changed",
        obj=action,
        data={"from": previous, "to": status},
    )
    return action


def _reminder_time(action: Action) -> dt.datetime:
    """Nine o'clock on the morning it is due."""
    return timezone.make_aware(dt.datetime.combine(action.due_on, dt.time(9, 0)))


def action_schedule_reminder(action: Action) -> None:
    """Queue the reminder for the morning the action is due, where the task backend can
    defer work; ``action_reminders`` sweeps for any that were missed."""
    if not getattr(default_task_backend, "supports_defer", False):
        return
    pk, when = action.pk, _reminder_time(action)
    transaction.on_commit(lambda: remind_action.using(run_after=when).enqueue(action_id=pk))


def _remind(action_id: int, *, now: dt.datetime) -> bool:
    with transaction.atomic():
        action = (
            Action.objects.select_for_update(of=("self",))
            .select_related("owner_user", "owner_organisation", "created_by")
            .filter(
                pk=action_id,
                status__in=list(ACTION_OPEN),
                reminded_at__isnull=True,
                due_on__lte=timezone.localdate(now),
            )
            .first()
        )
        if action is None:
            return False
        action.reminded_at = now
        action.save(update_fields=["reminded_at", "updated_at"])
        audit_record(actor=None, action="action.reminded", obj=action)
        to = _owner_addresses(action)
        if to:
            reference, link = action.reference, _action_link()
            transaction.on_commit(
                lambda: notify(
                    to=to,
                    subject="Action due",
                    message="An action you own is due today or overdue.",
                    reference=reference,
                    link=link,
                )
            )
    return True


@task()
def remind_action(*, action_id: int) -> bool:
    """Queued for the morning an action is due: remind its owner if it is still open."""
    return _remind(action_id, now=timezone.now())


def action_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind the owner of every open action due today or earlier, once per action."""
    now = now or timezone.now()
    due = (
        Action.objects.filter(
            status__in=list(ACTION_OPEN),
            reminded_at__isnull=True,
            due_on__lte=timezone.localdate(now),
        )
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in list(due) if _remind(pk, now=now))


# --- barriers raised at a session --------------------------------------------------------------


@transaction.atomic
def barrier_raise(
    *, actor, meeting_id: int, summary: str, detail: str = "", services: str = "", areas=()
) -> RaisedBarrier:
    """A barrier raised at a problem-solving session. It is about the system, never a named
    person. It is also raised as a barrier on the governance ladder (``petal.barriers``),
    starting with the session's partnership; ``barrier_ref`` holds its reference."""
    from petal.barriers.services.barriers import barrier_raise as ladder_raise

    meeting = _locked(actor, meeting_id)
    if meeting.kind != Kind.PARTNERSHIP:
        raise NotFound("No such meeting")
    summary = clean_text(
        summary, field="summary", label="what gets in the way", required=True, limit=300
    )
    detail = clean_text(detail, field="detail", label="the detail")
    services = clean_text(services, field="services", label="the services", limit=300)
    people = _people(meeting)
    for field, text in (("summary", summary), ("detail", detail), ("services", services)):
        _refuse_names(text, people, field=field, who_reads="everyone working on barriers")
    barrier = RaisedBarrier.objects.create(
        meeting=meeting, summary=summary, detail=detail, services=services, raised_by=actor
    )
    if areas:
        barrier.areas.set(list(areas))
    on_ladder = ladder_raise(
        actor=actor,
        summary=summary,
        detail=detail,
        services=services,
        areas=list(barrier.areas.all()),
        raised_as="at_session",
        session=meeting,
        partnership_id=meeting.partnership_id,
    )
    barrier.barrier_ref = on_ladder.reference
    barrier.save(update_fields=["barrier_ref"])
    audit_record(
        actor=actor,
        action="meeting.barrier_raised",
        obj=barrier,
        data={"meeting": meeting.pk, "barrier": on_ladder.pk},
    )
    return barrier


def consent_needed_for(meeting: Meeting, invitation: Invitation) -> bool:
    """True when the person has not agreed to share who they are with this invitee."""
    return invitation in unconsented(meeting, [invitation])
