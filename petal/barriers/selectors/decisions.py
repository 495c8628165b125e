"""Reads for recording a decision on a barrier: the meetings of the group it sits with, the
group above it on the ladder, and the organisations an action can be given to. None of it is
personal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from petal.access.barriers import may_run
from petal.access.meetings import coordinated_partnerships
from petal.accounts.models import Organisation
from petal.barriers.models import Barrier
from petal.meetings.models import Kind, Meeting, MeetingStatus
from petal.reference.models import GovernanceGroup

# The meetings offered when recording a decision: the latest of the group's.
MAX_MEETINGS = 20


def meetings_of_group(group: GovernanceGroup) -> QuerySet[Meeting]:
    """A group's meetings: an operational partnership meets at its problem-solving sessions;
    a group above it at its governance meetings."""
    if group.partnership_id:
        return Meeting.objects.filter(kind=Kind.PARTNERSHIP, partnership_id=group.partnership_id)
    return Meeting.objects.filter(kind=Kind.GOVERNANCE, group=group)


def reached_on(barrier: Barrier) -> dt.date:
    """The day (local) the barrier reached the group it sits with: a meeting held before that
    day cannot have decided it there."""
    return timezone.localdate(barrier.level_since)


def decidable_meetings(barrier: Barrier, *, limit: int = MAX_MEETINGS) -> list[Meeting]:
    """The meetings of the group the barrier sits with that a decision can be recorded at:
    started, not cancelled, held on or after the day it reached the group; newest first (the
    latest ``limit``)."""
    since = timezone.make_aware(dt.datetime.combine(reached_on(barrier), dt.time.min))
    return list(
        meetings_of_group(barrier.group)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(starts_at__gte=since, starts_at__lte=timezone.now())
        .select_related("partnership", "group")
        .order_by("-starts_at", "-id")[:limit]
    )


def next_group(group: GovernanceGroup) -> GovernanceGroup | None:
    """The group a barrier escalated from this one goes to: the group at the next level up
    (None at the top of the ladder)."""
    return (
        GovernanceGroup.objects.select_related("level")
        .filter(level__rank__gt=group.level.rank)
        .order_by("level__rank", "name", "pk")
        .first()
    )


def owner_organisations() -> QuerySet[Organisation]:
    """The organisations an action to resolve a barrier can be given to."""
    return Organisation.objects.order_by("name")


@dataclass
class DecideView:
    barrier: Barrier
    meetings: list[Meeting]
    # Where an escalation would send it (None at the top of the ladder).
    escalates_to: GovernanceGroup | None
    organisations: QuerySet[Organisation] = field(default=None)
    # The reader may plan a meeting of the group (a partnership's sessions are planned by its
    # coordinators only; a group above by whoever runs it).
    may_plan: bool = False


def decide_view(actor, barrier: Barrier) -> DecideView:
    """What the form to record a decision on the barrier offers the reader."""
    group = barrier.group
    return DecideView(
        barrier=barrier,
        meetings=decidable_meetings(barrier),
        escalates_to=next_group(group),
        organisations=owner_organisations(),
        may_plan=(
            group.partnership_id in coordinated_partnerships(actor)
            if group.partnership_id
            else may_run(actor, group)
        ),
    )
