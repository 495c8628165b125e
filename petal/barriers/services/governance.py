"""Every write about governance groups and their meetings: members, planning, changing or
cancelling a meeting, the agenda, attendance, minutes and the actions agreed. One transaction each, with its audit event.

Only the group's runners do these (``petal.access.barriers.may_run``): the programme team for
every group, a partnership's coordinators for its operational group, governance members for
the groups at their level. Everyone else who may read the group (``barriers.view``) is refused
with Forbidden; anyone who may not read it is answered as if it did not exist.

A governance meeting is about the system, never a named person: what runners type (agenda
items, minutes, actions) is refused if it names anyone on their own caseload, as a barrier is.
Whether a member has lived experience is theirs to share, so it never goes into the audit data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from petal.access.barriers import OPERATIONAL_RANK, may_run
from petal.access.champions import caseload_people
from petal.access.meetings import member_organisations
from petal.access.policy import can
from petal.accounts.models import Organisation
from petal.accounts.selectors import worker_by_email
from petal.audit.services import audit_record
from petal.barriers.models import (
    AgendaItem,
    Attendance,
    Decision,
    GroupMember,
    MemberRole,
)
from petal.barriers.selectors.governance import in_force_on, waiting_barriers
from petal.core.errors import Forbidden, NotFound, clean_text, fail
from petal.meetings.models import Action, Kind, Meeting, MeetingStatus
from petal.meetings.services import names_in
from petal.reference.models import GovernanceGroup, ProgrammeArea

MAX_HOURS = 12
MAX_MINUTES = 20_000
NAMED = (
    "A governance meeting is about the system, never a named person: write it without anyone's name"
)


# --- finding and authorising ---------------------------------------------------------------------


def _group(actor, group_slug) -> GovernanceGroup:
    """The group, if the actor runs it: missing (or unreadable) is not found; readable but not
    run by the actor is forbidden."""
    if not can(actor, "barriers.view"):
        raise NotFound("No such group")
    group = (
        GovernanceGroup.objects.select_for_update(of=("self",))
        .select_related("level", "partnership")
        .filter(slug=str(group_slug or ""))
        .first()
    )
    if group is None:
        raise NotFound("No such group")
    if not may_run(actor, group):
        raise Forbidden("Only the people who run this group can change it")
    return group


def _meeting(actor, meeting_id) -> Meeting:
    """A governance meeting whose group the actor runs, locked for the change."""
    if not can(actor, "barriers.view"):
        raise NotFound("No such meeting")
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such meeting") from exc
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("group__level")
        .filter(pk=meeting_id, kind=Kind.GOVERNANCE)
        .first()
    )
    if meeting is None:
        raise NotFound("No such meeting")
    if not may_run(actor, meeting.group):
        raise Forbidden("Only the people who run this group can change its meetings")
    return meeting


def _open(meeting: Meeting, field: str) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        fail(field, "This meeting was cancelled")


def _started(meeting: Meeting, field: str, what: str) -> None:
    if meeting.starts_at > timezone.now():
        fail(field, f"{what} can be recorded once the meeting has started")


def _unnamed(actor, text: str, field: str) -> None:
    if text and names_in(text, caseload_people(actor)):
        fail(field, NAMED)


# --- members -------------------------------------------------------------------------------------


def _organisation_of(user) -> int | None:
    """The organisation a user works for, as barriers are raised (the same rule)."""
    return next(iter(member_organisations(user)), None)


@transaction.atomic
def member_add(
    *,
    actor,
    group_slug: str,
    email: str = "",
    name: str = "",
    organisation: Organisation | None = None,
    role: str = MemberRole.MEMBER,
    lived_experience: bool = False,
    started_on: dt.date | None = None,
) -> GroupMember:
    """Add a member to a group: a Petal user (by their email address) or someone named who has
    no sign-in, with their organisation, their role (chair, member, secretary), whether they
    bring lived experience, and since when they have been a member (today unless given: an
    earlier day counts them at the meetings since)."""
    group = _group(actor, group_slug)
    started_on = started_on or timezone.localdate()
    email = (email or "").strip()
    name = clean_text(name, field="name", label="their name", limit=200)
    user = None
    if email:
        user = worker_by_email(email)
        if user is None:
            fail(
                "email",
                "There is no one with that email address in Petal. Check it, or give their "
                "name instead",
            )
        if GroupMember.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=timezone.localdate()),
            group=group,
            user=user,
        ).exists():
            fail("email", f"{user.display_name} is already a member of the {group.name}")
        name = ""
    elif not name:
        fail("name", "Enter their name, or the email address they sign in to Petal with")
    if role not in MemberRole.values:
        fail("role", "Choose their role in the group")
    organisation_id = organisation.pk if organisation is not None else None
    if organisation_id is None and user is not None:
        organisation_id = _organisation_of(user)
    member = GroupMember.objects.create(
        group=group,
        user=user,
        name=name,
        organisation_id=organisation_id,
        role=role,
        lived_experience=bool(lived_experience),
        started_on=started_on,
    )
    audit_record(
        actor=actor,
        action="governance.member_added",
        obj=member,
        data={"group": group.slug, "user": getattr(user, "pk", None), "role": role},
    )
    return member


@transaction.atomic
def member_end(*, actor, group_slug: str, member_id) -> GroupMember:
    """End a membership today: the member no longer counts as one of the group."""
    group = _group(actor, group_slug)
    member = (
        GroupMember.objects.select_for_update()
        .filter(group=group, pk=int(member_id) if str(member_id).isdigit() else 0)
        .first()
    )
    if member is None:
        raise NotFound("No such member")
    if not member.is_current:
        fail("member", "Their membership has already ended")
    today = timezone.localdate()
    # A membership planned to start later ends before it starts: keep the start no later.
    member.ended_on = today
    if member.started_on > today:
        member.started_on = today
    member.save(update_fields=["ended_on", "started_on"])
    audit_record(
        actor=actor,
        action="governance.member_ended",
        obj=member,
        data={"group": group.slug},
    )
    return member


# --- meetings ------------------------------------------------------------------------------------


def _programme_area_id() -> int:
    """Governance groups span the whole programme area (Cambridgeshire & Peterborough)."""
    area = ProgrammeArea.objects.order_by("pk").values_list("pk", flat=True).first()
    if area is None:
        raise NotFound("No programme area")
    return area


def _when(starts_at: dt.datetime | None, ends_at: dt.datetime | None) -> None:
    if starts_at is None:
        fail("starts_at", "Enter the date and time the meeting starts")
    if ends_at is None or ends_at <= starts_at:
        fail("ends_at", "The meeting must end after it starts")
    if ends_at - starts_at > dt.timedelta(hours=MAX_HOURS):
        fail("ends_at", f"A meeting can last at most {MAX_HOURS} hours")


def _where(place: str, online_link: str) -> tuple[str, str]:
    place = clean_text(place, field="place", label="the place", limit=300)
    online_link = (online_link or "").strip()
    if online_link and not re.fullmatch(r"https://[^\s\"'<>]+", online_link):
        fail("online_link", "Enter the online link as a web address starting https://")
    if len(online_link) > 500:
        fail("online_link", "The online link must be 500 characters or fewer")
    if not place and not online_link:
        fail("place", "Enter where the meeting is, or a link to join it online")
    return place, online_link


@transaction.atomic
def governance_meeting_plan(
    *,
    actor,
    group_slug: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    online_link: str = "",
) -> Meeting:
    """Plan a meeting of a group above the operational level (a partnership's group meets at
    its problem-solving sessions, planned in Meetings)."""
    group = _group(actor, group_slug)
    if group.level.rank == OPERATIONAL_RANK:
        raise NotFound("An operational partnership meets at its problem-solving sessions")
    _when(starts_at, ends_at)
    place, online_link = _where(place, online_link)
    meeting = Meeting.objects.create(
        programme_area_id=_programme_area_id(),
        kind=Kind.GOVERNANCE,
        group=group,
        purpose=f"{group.name} meeting",
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        convened_by=actor,
        convener_organisation_id=_organisation_of(actor),
        status=MeetingStatus.HELD if ends_at <= timezone.now() else MeetingStatus.DRAFT,
    )
    audit_record(
        actor=actor,
        action="governance.meeting_planned",
        obj=meeting,
        data={"group": group.slug},
    )
    return meeting


def _recorded_at(meeting: Meeting) -> bool:
    """Whether anything has been recorded at the meeting (decisions, attendance, minutes):
    then it took place when it did, and its time cannot move."""
    return bool(
        meeting.minutes_at
        or Decision.objects.filter(meeting=meeting).exists()
        or Attendance.objects.filter(meeting=meeting).exists()
    )


@transaction.atomic
def governance_meeting_change(
    *,
    actor,
    meeting_id,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    online_link: str = "",
) -> Meeting:
    """Change when and where a governance meeting is. Its time is fixed once decisions,
    attendance or minutes have been recorded at it (the place and link can still change)."""
    meeting = _meeting(actor, meeting_id)
    _open(meeting, "starts_at")
    _when(starts_at, ends_at)
    place, online_link = _where(place, online_link)
    retimed = (meeting.starts_at, meeting.ends_at) != (starts_at, ends_at)
    if retimed and _recorded_at(meeting):
        fail(
            "starts_at",
            "Decisions, attendance or minutes have been recorded at this meeting, so its date "
            "and time cannot change",
        )
    moved = retimed or (meeting.place, meeting.online_link) != (place, online_link)
    if not moved:
        fail("starts_at", "Nothing has changed: change the date, time, place or link")
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place, meeting.online_link = place, online_link
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.HELD) and not meeting.minutes_at:
        meeting.status = MeetingStatus.HELD if ends_at <= timezone.now() else MeetingStatus.DRAFT
    meeting.sequence += 1
    meeting.save()
    audit_record(
        actor=actor,
        action="governance.meeting_changed",
        obj=meeting,
        data={"group": meeting.group.slug, "retimed": retimed},
    )
    return meeting


@transaction.atomic
def governance_meeting_cancel(*, actor, meeting_id, reason: str) -> Meeting:
    """Cancel a governance meeting that has not taken place, saying why (everyone who reads the
    meeting sees the reason: no names)."""
    meeting = _meeting(actor, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        fail("reason", "This meeting is already cancelled")
    if _recorded_at(meeting):
        fail(
            "reason",
            "Decisions, attendance or minutes have been recorded at this meeting: it took "
            "place, so it cannot be cancelled",
        )
    reason = clean_text(
        reason, field="reason", label="why it is cancelled", required=True, limit=500
    )
    _unnamed(actor, reason, "reason")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_reason = reason
    meeting.sequence += 1
    meeting.save()
    audit_record(
        actor=actor,
        action="governance.meeting_changed",
        obj=meeting,
        data={"group": meeting.group.slug, "cancelled": True},
    )
    return meeting


# --- the agenda ----------------------------------------------------------------------------------


def _next_order(meeting: Meeting) -> int:
    current = AgendaItem.objects.filter(meeting=meeting).aggregate(top=Max("order"))["top"]
    return (current or 0) + 1


@transaction.atomic
def agenda_add_waiting(*, actor, meeting_id) -> list[AgendaItem]:
    """Put every barrier waiting at the meeting's group (for a decision, or being resolved)
    on the agenda, longest waiting first, unless it is already there."""
    meeting = _meeting(actor, meeting_id)
    _open(meeting, "agenda")
    already = AgendaItem.objects.filter(meeting=meeting, barrier__isnull=False).values("barrier_id")
    waiting = list(
        waiting_barriers(meeting.group).exclude(pk__in=already).values_list("pk", flat=True)
    )
    if not waiting:
        fail("agenda", "Every barrier waiting at this level is already on the agenda")
    start = _next_order(meeting)
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, barrier_id=pk, order=start + i, added_by=actor)
            for i, pk in enumerate(waiting)
        ]
    )
    audit_record(
        actor=actor,
        action="governance.agenda_changed",
        obj=meeting,
        data={"added_barriers": waiting},
    )
    return items


@transaction.atomic
def agenda_item_add(*, actor, meeting_id, title: str, notes: str = "") -> AgendaItem:
    """Another item on the agenda (an update, a presentation), with notes."""
    meeting = _meeting(actor, meeting_id)
    _open(meeting, "title")
    title = clean_text(title, field="title", label="the item's title", required=True, limit=300)
    notes = clean_text(notes, field="notes", label="the notes")
    _unnamed(actor, title, "title")
    _unnamed(actor, notes, "notes")
    item = AgendaItem.objects.create(
        meeting=meeting, order=_next_order(meeting), title=title, notes=notes, added_by=actor
    )
    audit_record(
        actor=actor,
        action="governance.agenda_changed",
        obj=meeting,
        data={"added_item": item.pk},
    )
    return item


@transaction.atomic
def agenda_item_remove(*, actor, meeting_id, item_id) -> int:
    """Take an item off the agenda (a barrier taken off is still waiting at its level)."""
    meeting = _meeting(actor, meeting_id)
    _open(meeting, "agenda")
    item = AgendaItem.objects.filter(
        meeting=meeting, pk=int(item_id) if str(item_id).isdigit() else 0
    ).first()
    if item is None:
        raise NotFound("No such agenda item")
    barrier_id = item.barrier_id
    item.delete()
    audit_record(
        actor=actor,
        action="governance.agenda_changed",
        obj=meeting,
        data={"removed_item": int(item_id), "barrier": barrier_id},
    )
    return int(item_id)


# --- attendance and minutes -----------------------------------------------------------------------


def _meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.starts_at).date()


def _members_on(meeting: Meeting) -> dict[int, GroupMember]:
    """Who may be ticked as attending: the members in force on the meeting's day, anyone
    already recorded, and the current members who joined since (added after the fact)."""
    day, today = _meeting_day(meeting), timezone.localdate()
    in_force = Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=day))
    joined_since = Q(started_on__gt=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))
    recorded = Q(pk__in=Attendance.objects.filter(meeting=meeting).values("member_id"))
    return {
        m.pk: m
        for m in GroupMember.objects.filter(in_force | joined_since | recorded, group=meeting.group)
    }


@transaction.atomic
def attendance_record(*, actor, meeting_id, attended: Iterable) -> tuple[int, int]:
    """Record which members came: every member in force on the meeting's day counts (came or
    not); someone who joined the group since counts only if ticked (they came before being
    added). The meeting counts as held. Returns (how many came, how many members)."""
    meeting = _meeting(actor, meeting_id)
    _open(meeting, "attended")
    _started(meeting, "attended", "Attendance")
    members = _members_on(meeting)
    came = set()
    for value in attended:
        if not str(value).isdigit() or int(value) not in members:
            fail("attended", "Choose only members of the group")
        came.add(int(value))
    day = _meeting_day(meeting)
    now = timezone.now()
    existing = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    counted = 0
    for member_id, member in members.items():
        was_there = member_id in came
        row = existing.get(member_id)
        if not was_there and not in_force_on(member, day):
            # Joined since and not ticked: not one of this meeting's members.
            if row is not None:
                row.delete()
            continue
        counted += 1
        if row is None:
            Attendance.objects.create(
                meeting=meeting,
                member_id=member_id,
                attended=was_there,
                recorded_by=actor,
                recorded_at=now,
            )
        elif row.attended != was_there:
            row.attended, row.recorded_by, row.recorded_at = was_there, actor, now
            row.save(update_fields=["attended", "recorded_by", "recorded_at"])
    if meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="governance.attendance_recorded",
        obj=meeting,
        data={"attended": len(came), "members": counted},
    )
    return len(came), counted


@transaction.atomic
def minutes_record(*, actor, meeting_id, minutes: str) -> Meeting:
    """The minutes, as plain text. The meeting counts as held."""
    meeting = _meeting(actor, meeting_id)
    _open(meeting, "minutes")
    _started(meeting, "minutes", "Minutes")
    minutes = clean_text(minutes, field="minutes", label="the minutes", limit=MAX_MINUTES)
    _unnamed(actor, minutes, "minutes")
    meeting.minutes = minutes
    meeting.minutes_by = actor
    meeting.minutes_at = timezone.now()
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["minutes", "minutes_by", "minutes_at", "status", "updated_at"])
    audit_record(actor=actor, action="governance.minutes_recorded", obj=meeting)
    return meeting


# --- actions -------------------------------------------------------------------------------------


@transaction.atomic
def governance_action_add(
    *,
    actor,
    meeting_id,
    description: str,
    due_on: dt.date | None,
    owner_email: str = "",
    owner_organisation: Organisation | None = None,
) -> Action:
    """An action agreed at a governance meeting: owned by a Petal user or an organisation, due
    on a day. It is one of the Meetings app's actions, so its owner finds it under "Your
    actions", is told by email and reminded on the day it is due."""
    from petal.meetings.services import action_create

    meeting = _meeting(actor, meeting_id)
    _open(meeting, "description")
    description = clean_text(
        description, field="description", label="what needs doing", required=True, limit=1000
    )
    _unnamed(actor, description, "description")
    owner_email = (owner_email or "").strip()
    owner_user = None
    if owner_email:
        owner_user = worker_by_email(owner_email)
        if owner_user is None:
            fail("owner_email", "There is no one with that email address in Petal")
        owner_organisation = None
    elif owner_organisation is None:
        fail("owner_kind", "Choose who will do it: a person or an organisation")
    if due_on is None:
        fail("due_on", "Enter when it is due")
    return action_create(
        actor=actor,
        meeting=meeting,
        description=description,
        owner_user=owner_user,
        owner_organisation=owner_organisation,
        due_on=due_on,
        audit_action="governance.action_added",
    )
