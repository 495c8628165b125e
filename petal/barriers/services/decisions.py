"""Deciding a barrier at a meeting of the group it sits with: resolve it here (an owner and a
due date, as an action of that meeting), escalate it to the group at the next level (saying
why), or close it (saying why). Every decision records the lived-experience voice heard at the
meeting (a member with lived experience, a person's own words brought by a supporter, a survey)
or why none was: without it the decision is refused.

The meeting must be one the group held on or after the day the barrier reached it: a meeting
held before cannot have decided it there.

The decisions of a barrier, numbered 1, 2, 3…, are its history up the ladder. Each one is sent
back to the person who raised the barrier, the trusted person a champion raised it for and
everyone who said "I have met this too" (``feedback_recipients``): a ``DecisionNotice`` row
each — the record that they were told, kept for the one who recorded the decision too — and an
email (``feedback_send``; not to the one who recorded it, who knows) with a fixed sentence for
the outcome, the barrier's reference and a link (never the reason or the voice, which the
reader signs in to see).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from petal.access.barriers import may_run
from petal.access.policy import can
from petal.accounts.models import Organisation, User
from petal.accounts.selectors import worker_by_email
from petal.audit.services import audit_record
from petal.barriers.models import (
    Barrier,
    Decision,
    DecisionNotice,
    MeToo,
    Outcome,
    Status,
    VoiceKind,
)
from petal.barriers.redaction import linked_person
from petal.barriers.selectors.barriers import parse_id
from petal.barriers.selectors.decisions import meetings_of_group, next_group, reached_on
from petal.barriers.services.barriers import barrier_locked, people_to_check, refuse_names, tell
from petal.core.errors import Forbidden, ValidationFailed, clean_text
from petal.meetings.models import Meeting, MeetingStatus

MAX_TEXT = 5000

VOICE_MISSING = "Record the lived-experience voice heard at this meeting, or why none was"
TOP = "The Public Service Board is the top of the ladder: resolve or close the barrier here"

REASON_LABEL = {
    Outcome.RESOLVE: "what will be done to resolve it",
    Outcome.ESCALATE: "why it needs the next level",
    Outcome.CLOSE: "why it is closed",
}

# What the people who raised or met a barrier are told: a fixed sentence per outcome; the
# page says the rest (which group, why, the voice heard) to whoever signs in.
SUBJECT = "A decision on a barrier you raised or met"
MESSAGE = {
    Outcome.RESOLVE: "The group it sits with has decided to resolve it, with an owner and a due "
    "date. Sign in to read the decision.",
    Outcome.ESCALATE: "The group it sat with has escalated it to the next level of the "
    "governance ladder. Sign in to read why.",
    Outcome.CLOSE: "The group it sits with has closed it. Sign in to read why.",
}


class _Errors:
    """Field errors gathered so the form shows every problem at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def text(self, value, *, field: str, label: str, required: bool = False) -> str:
        try:
            return clean_text(value, field=field, label=label, required=required, limit=MAX_TEXT)
        except ValidationFailed as error:
            for name, messages in error.field_errors.items():
                for message in messages:
                    self.add(name, message)
            return ""

    def raise_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise ValidationFailed(first, field_errors=self.fields)


def _meeting(barrier: Barrier, meeting_id, errors: _Errors) -> Meeting | None:
    meeting_id = parse_id(meeting_id)
    if meeting_id is None:
        errors.add("meeting", "Choose the meeting where the group decided")
        return None
    meeting = (
        meetings_of_group(barrier.group)
        .select_related("partnership", "group")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        errors.add(
            "meeting",
            f"Choose a meeting of the {barrier.group.name}: the group this barrier sits with "
            "decides it",
        )
        return None
    if meeting.status == MeetingStatus.CANCELLED:
        errors.add("meeting", "That meeting was cancelled: choose the meeting where it was decided")
        return None
    if meeting.starts_at > timezone.now():
        errors.add("meeting", "That meeting has not started yet: record the decision once it has")
        return None
    if timezone.localdate(meeting.starts_at) < reached_on(barrier):
        errors.add(
            "meeting",
            f"That meeting was before this barrier reached the {barrier.group.name}: choose a "
            "later one",
        )
        return None
    return meeting


def _owner(owner_user_id, owner_email, owner_organisation_id, errors: _Errors):
    chosen_user = owner_user_id not in (None, "") or bool((owner_email or "").strip())
    if chosen_user and owner_organisation_id not in (None, ""):
        errors.add("owner", "Choose one owner: a person or an organisation")
        return None, None
    if chosen_user:
        if owner_user_id not in (None, ""):
            pk = parse_id(owner_user_id)
            user = (
                User.objects.filter(pk=pk, is_active=True, is_individual=False).first()
                if pk is not None
                else None
            )
        else:
            user = worker_by_email(owner_email)
        if user is None:
            errors.add("owner_email", "There is no one with that email address in Petal")
        return user, None
    if owner_organisation_id not in (None, ""):
        pk = parse_id(owner_organisation_id)
        organisation = Organisation.objects.filter(pk=pk).first() if pk is not None else None
        if organisation is None:
            errors.add("owner_organisation", "Choose an organisation from the list")
        return None, organisation
    errors.add("owner", "Choose who will resolve it: an organisation or a person in Petal")
    return None, None


def feedback_recipients(barrier: Barrier, actor) -> list[tuple[User, str]]:
    """Who news of a barrier goes back to, once each, with why (a ``DecisionNotice.Why``): the
    raiser, the trusted person it was raised for, everyone who met it too; active users only.
    The actor is kept when they are one of these (a coordinator deciding a barrier they raised):
    their notice is the record that they were told. ``feedback_send`` does not email them."""
    found: list[tuple[User, str]] = []
    seen: set[int] = set()
    candidates = [
        (barrier.raised_by, DecisionNotice.Why.RAISED),
        (barrier.on_behalf_of, DecisionNotice.Why.ON_BEHALF),
    ]
    candidates += [
        (m.user, DecisionNotice.Why.ME_TOO)
        for m in MeToo.objects.filter(barrier=barrier).select_related("user").order_by("id")
    ]
    for user, why in candidates:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        found.append((user, why))
    return found


def feedback_send(
    barrier: Barrier, actor, *, subject: str, message: str, recipients=None
) -> list[User]:
    """Email news of the barrier to its ``feedback_recipients`` (or the ``recipients`` given,
    as users or (user, why) pairs), except the actor, once the change is kept: the fixed
    ``subject`` and ``message``, the barrier's reference and a link to its page, never its
    text. Returns the users emailed (those with no deliverable address are skipped by
    ``notify``)."""
    if recipients is None:
        recipients = feedback_recipients(barrier, actor)
    users = [r[0] if isinstance(r, tuple) else r for r in recipients]
    users = [u for u in users if u is not None and u.pk != getattr(actor, "pk", None)]
    tell(users, subject=subject, message=message, barrier=barrier)
    return users


@transaction.atomic
def decision_record(
    *,
    actor,
    barrier_id,
    meeting_id,
    outcome: str,
    reason: str,
    voice_kind: str,
    voice_said: str,
    owner_user_id=None,
    owner_email: str = "",
    owner_organisation_id=None,
    due_on: dt.date | None = None,
) -> Decision:
    """Record what the group a barrier sits with decided at one of its meetings (started, not
    cancelled, held on or after the day the barrier reached the group), with the
    lived-experience voice heard there or why none was. Only whoever runs
    that group records it. Resolve makes an action of the meeting (owner, due date) and marks
    the barrier being resolved; escalate moves it to the group at the next level (not from the
    top); close closes it. The decision goes back to everyone who raised or met the barrier."""
    if not can(actor, "barriers.decide"):
        raise Forbidden("Your role does not allow this")
    barrier = barrier_locked(actor, barrier_id)
    if not may_run(actor, barrier.group):
        raise Forbidden("Only whoever runs the group a barrier sits with can decide it")
    errors = _Errors()
    if barrier.status == Status.MERGED:
        errors.add(
            "outcome",
            f"This barrier was merged into {barrier.merged_into.reference}: decide that one",
        )
    elif not barrier.is_decidable:
        errors.add(
            "outcome",
            f"This barrier is {barrier.get_status_display().lower()}: it cannot be decided again",
        )
    errors.raise_any()

    meeting = _meeting(barrier, meeting_id, errors)
    if outcome not in Outcome.values:
        errors.add("outcome", "Choose what the group decided")
    reason = errors.text(
        reason,
        field="reason",
        label=REASON_LABEL.get(outcome, "the reason"),
        required=outcome in Outcome.values,
    )
    voice_said = errors.text(voice_said, field="voice_said", label="what was said")
    if voice_kind not in VoiceKind.values:
        errors.add("voice_kind", VOICE_MISSING)
    elif not voice_said and "voice_said" not in errors.fields:
        errors.add(
            "voice_said",
            "Say why no lived-experience voice was heard at this meeting"
            if voice_kind == VoiceKind.NOT_HEARD
            else "Write what they said, in their words",
        )

    escalates_to = None
    owner_user = owner_organisation = None
    if outcome == Outcome.ESCALATE:
        escalates_to = next_group(barrier.group)
        if escalates_to is None:
            errors.add("outcome", TOP)
    elif outcome == Outcome.RESOLVE:
        owner_user, owner_organisation = _owner(
            owner_user_id, owner_email, owner_organisation_id, errors
        )
        if due_on is None:
            errors.add("due_on", "Enter when it is due")
        elif meeting is not None and due_on < timezone.localdate(meeting.starts_at):
            errors.add("due_on", "The due date must be on or after the meeting")
    errors.raise_any()

    # Text everyone working on barriers reads: never a named person.
    refuse_names(
        {"reason": reason, "voice_said": voice_said}, people_to_check(actor, linked_person(barrier))
    )

    now = timezone.now()
    last = barrier.decisions.aggregate(last=Max("sequence"))["last"] or 0
    group, level = barrier.group, barrier.group.level
    action = None
    if outcome == Outcome.RESOLVE:
        from petal.meetings.services import action_create

        action = action_create(
            actor=actor,
            meeting=meeting,
            description=f"Resolve barrier {barrier.reference}: {reason}",
            owner_user=owner_user,
            owner_organisation=owner_organisation,
            due_on=due_on,
            data={"barrier": barrier.pk},
        )
        barrier.status = Status.BEING_RESOLVED
    elif outcome == Outcome.ESCALATE:
        barrier.group = escalates_to
        barrier.level_since = now
        barrier.status = Status.OPEN
    else:
        barrier.status = Status.CLOSED
        barrier.closed_at = now
    barrier.save()

    decision = Decision.objects.create(
        barrier=barrier,
        sequence=last + 1,
        group=group,
        level=level,
        meeting=meeting,
        outcome=outcome,
        reason=reason,
        voice_kind=voice_kind,
        voice_said=voice_said,
        escalated_to=escalates_to,
        action=action,
        decided_on=timezone.localdate(meeting.starts_at),
        recorded_by=actor,
        recorded_at=now,
    )
    recipients = feedback_recipients(barrier, actor)
    DecisionNotice.objects.bulk_create(
        [
            DecisionNotice(decision=decision, user=user, why=why, sent_at=now)
            for user, why in recipients
        ]
    )
    audit_record(
        actor=actor,
        action="barrier.decided",
        obj=barrier,
        data={
            "decision": decision.pk,
            "sequence": decision.sequence,
            "outcome": outcome,
            "group": group.pk,
            "meeting": meeting.pk,
            "escalated_to": getattr(escalates_to, "pk", None),
            "action": getattr(action, "pk", None),
            "voice_kind": voice_kind,
            "told": sorted(user.pk for user, _ in recipients),
        },
    )
    feedback_send(barrier, actor, subject=SUBJECT, message=MESSAGE[outcome], recipients=recipients)
    return decision
