"""Synthetic barriers for benchmarks: ``synth_barriers(n)`` raises ``n`` barriers over the past
two years in the three operational partnerships and takes them up the ladder as the services
would, at meetings of each group in turn, so every level holds barriers in every state.

- **Meetings**: each operational partnership gets problem-solving sessions, and each group
  above it governance meetings, spread over the two years (more of them the more barriers
  there are, so an agenda stays a plausible length), two upcoming for each group. Past ones
  are held, with minutes; the governance groups have named members and attendance.
- **Barriers**: raised by anyone with a role, about one to three of the five areas. Each climbs
  one level at a time: at the first meeting of its group after it arrived (or one or two
  later) it is escalated, until it reaches the level it stops at; there it is resolved (an
  action with an owner and a due date; some since resolved, with a learning entry, most of
  those published), closed, or still waiting. About one in forty of the first level's waiting
  ones is merged into another barrier. Every decision records a lived-experience voice (one in
  eight "not heard", with why). Decided barriers are on their meetings' agendas, and the
  upcoming meetings' agendas hold barriers waiting at that level.
- **"I have met this too"**: none to eight others per barrier (never the raiser), with an
  example; ``me_too_count`` kept in step. Every decision is sent back to the raiser and those
  who had met it too (``DecisionNotice``).

Bulk inserts in batches, no per-row queries, no audit events (nothing here happened).
Deterministic for a seed, except meetings' calendar ``uid``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.models import Membership
from petal.barriers.models import (
    AgendaItem,
    Attendance,
    Barrier,
    Decision,
    DecisionNotice,
    GroupMember,
    HowOften,
    LearningEntry,
    MemberRole,
    MeToo,
    Outcome,
    RaisedAs,
    Status,
    VoiceKind,
)
from petal.meetings.models import Action, ActionStatus, Kind, Meeting, MeetingStatus
from petal.reference.models import AreaOfDisadvantage, GovernanceGroup, ProgrammeArea

BATCH = 2000
SPAN_DAYS = 730
# Where barriers stop, lowest level first (the share of barriers ending at each rank).
LEVEL_WEIGHTS = [0.45, 0.25, 0.18, 0.12]
# What happens where a barrier stops: still waiting, being resolved, resolved, closed.
OUTCOME_WEIGHTS = {"open": 0.35, "being_resolved": 0.25, "resolved": 0.2, "closed": 0.2}
MERGED_SHARE = 0.025
NOT_HEARD_SHARE = 0.125
PUBLISHED_SHARE = 0.7
MEMBERS_PER_GROUP = 8
ME_TOOS = [0, 0, 0, 1, 1, 1, 2, 2, 3, 5, 8]

# About the system, never a named person.
SUMMARIES = [
    "Housing applications need a fixed address",
    "GP practices ask for photo ID before registering someone",
    "Mental health services will not assess people who use drugs or alcohol",
    "Appointment letters go to people who have no postal address",
    "Benefit sanctions for appointments missed while in hospital",
    "Released from prison on a Friday with no housing appointment until Monday",
    "Refuges will not take women who use drugs or alcohol",
    "Prescriptions stop when someone moves into temporary accommodation in another district",
    "Discharged from hospital with nowhere to go, and the housing team not told",
    "A bank account needs photo ID, and a benefit claim needs a bank account",
    "Services can only be reached by phone",
    "Three missed appointments and the service discharges you",
    "Old rent arrears stop a housing application",
    "Hostels refuse anyone with a violence marker on their record",
    "Local connection rules turn away people who fled abuse",
    "Interpreters are not booked for housing and benefit appointments",
    "Every service asks for the whole story again",
    "Probation appointments clash with prescription pick-up times",
    "No dentist takes new patients without an address",
    "Food bank vouchers only from agencies closed at weekends",
]
SERVICES = [
    "Housing options",
    "GP surgeries",
    "Community mental health team",
    "Jobcentre Plus",
    "Probation Service",
    "Refuges",
    "Drug and alcohol service",
    "Hospital discharge team",
    "Hostels",
    "Food banks",
]
EFFECTS = [
    "Someone slept rough for three more weeks while the form went back and forth.",
    "A person missed their first appointment and had to start again.",
    "Someone went without their medication for four days.",
    "A person lost their place on the waiting list after moving.",
    "Someone was left with no money for five weeks.",
]
EXAMPLES = [
    "The same happened to someone I support last month.",
    "We see this every few weeks at the day centre.",
    "Someone I work with gave up after the third try.",
    "It took us a month to sort out for one person.",
    "",
]
REASONS = {
    Outcome.ESCALATE: [
        "Needs a change of policy across partners, which this group cannot make.",
        "Partners here have tried; it needs someone who can change how services commission.",
        "Seen in every district: it needs a decision above this level.",
    ],
    Outcome.RESOLVE: [
        "The service agreed to change how it does this, and will report back.",
        "A named contact will handle these cases while the process is rewritten.",
        "Partners agreed a shared way of working; the owner will write it up.",
    ],
    Outcome.CLOSE: [
        "Already fixed by a change elsewhere; nothing left for this group to do.",
        "A national rule: partners will use the exceptions that exist and keep watching.",
        "Not seen again since it was raised; closed, to be raised again if it returns.",
    ],
}
VOICES = {
    VoiceKind.MEMBER: "A member with lived experience said this matches what they went through.",
    VoiceKind.SUPPORTER: "In their own words, brought by their trusted person: it made them give up.",
    VoiceKind.SURVEY: "In the quarterly survey, most who had met this said it stopped them.",
    VoiceKind.NOT_HEARD: "Not heard, because the member with lived experience sent apologies.",
}
ACTION_TEXTS = [
    "Rewrite the process and share it with partners",
    "Name a contact for trusted persons",
    "Report back on how many people this affected",
    "Change the form so an address is not needed",
]


def _when(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class _Maker:
    def __init__(self, rng: random.Random, count: int):
        self.rng = rng
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.area = ProgrammeArea.objects.order_by("pk").values_list("pk", flat=True).first()
        self.areas = list(AreaOfDisadvantage.objects.order_by("pk").values_list("pk", flat=True))
        groups = list(GovernanceGroup.objects.select_related("level").order_by("level__rank"))
        self.operational = [g for g in groups if g.partnership_id]
        ranks = sorted({g.level.rank for g in groups if not g.partnership_id})
        # The one group at each level above the first, by rank.
        self.above = {r: next(g for g in groups if g.level.rank == r) for r in ranks}
        self.top = max([1, *ranks])
        # Who works in the system now: raisers, "me too", owners of actions.
        self.organisation_of: dict[int, int | None] = {}
        coordinators: dict[int, list[int]] = defaultdict(list)
        programme = []
        for user_id, role, organisation_id, partnership_id in (
            Membership.objects.filter(
                ended_at__isnull=True, user__is_active=True, user__is_individual=False
            )
            .order_by("user_id", "id")
            .values_list("user_id", "role", "organisation_id", "partnership_id")
        ):
            self.organisation_of.setdefault(user_id, organisation_id)
            if role == Role.PARTNERSHIP_COORDINATOR and partnership_id:
                coordinators[partnership_id].append(user_id)
            if role == Role.PROGRAMME_TEAM:
                programme.append(user_id)
        self.users = sorted(self.organisation_of)
        self.coordinators = coordinators
        self.programme = programme[0] if programme else None
        self.organisations = sorted({o for o in self.organisation_of.values() if o})
        self.meetings_per_group = max(12, count // 40)

    # --- meetings ---------------------------------------------------------------------------

    def meetings(self) -> dict[int, list[Meeting]]:
        """Past and upcoming meetings of every group, by group id, in time order."""
        made: dict[int, list[Meeting]] = {}
        step = SPAN_DAYS / self.meetings_per_group
        for group in [*self.operational, *self.above.values()]:
            rows = []
            days = [
                -SPAN_DAYS + int(i * step) + self.rng.randrange(0, max(int(step), 1))
                for i in range(self.meetings_per_group)
            ]
            days += [self.rng.randrange(3, 30), self.rng.randrange(31, 60)]
            for day in sorted(set(d for d in days if d != 0)):
                starts = _when(self.today + dt.timedelta(days=day), self.rng.choice((10, 14)))
                ends = starts + dt.timedelta(hours=2)
                held = ends <= self.now
                convener = (
                    self.rng.choice(self.coordinators[group.partnership_id])
                    if group.partnership_id and self.coordinators.get(group.partnership_id)
                    else self.programme
                )
                meeting = Meeting(
                    programme_area_id=self.area,
                    kind=Kind.PARTNERSHIP if group.partnership_id else Kind.GOVERNANCE,
                    partnership_id=group.partnership_id,
                    group_id=None if group.partnership_id else group.pk,
                    purpose=(
                        "Synthetic problem-solving session"
                        if group.partnership_id
                        else f"Synthetic {group.name} meeting"
                    ),
                    agenda="1. Actions from last time\n2. Barriers for decision\n3. Other items",
                    starts_at=starts,
                    ends_at=ends,
                    place="Synthetic meeting room",
                    status=MeetingStatus.HELD if held else MeetingStatus.DRAFT,
                    convened_by_id=convener,
                    created_at=starts - dt.timedelta(days=21),
                )
                if held:
                    meeting.minutes = "Synthetic minutes: barriers decided, actions agreed."
                    meeting.minutes_by_id = convener
                    meeting.minutes_at = ends + dt.timedelta(hours=3)
                rows.append(meeting)
            made[group.pk] = rows
        Meeting.objects.bulk_create([m for rows in made.values() for m in rows], batch_size=BATCH)
        return made

    def members(self) -> dict[int, list[int]]:
        """Named members of every group above the first level (some with lived experience),
        made once; their ids by group."""
        existing: dict[int, list[int]] = defaultdict(list)
        for member_id, group_id in GroupMember.objects.filter(
            group__in=list(self.above.values()), ended_on__isnull=True
        ).values_list("pk", "group_id"):
            existing[group_id].append(member_id)
        rows = []
        for group in self.above.values():
            for i in range(len(existing[group.pk]), MEMBERS_PER_GROUP):
                rows.append(
                    GroupMember(
                        group=group,
                        name=f"Synthetic member {group.level.rank}-{i + 1:02d}",
                        organisation_id=self.rng.choice(self.organisations)
                        if self.organisations
                        else None,
                        role=MemberRole.CHAIR if i == 0 else MemberRole.MEMBER,
                        lived_experience=i in (1, 2),
                        started_on=self.today - dt.timedelta(days=SPAN_DAYS + 30),
                    )
                )
        GroupMember.objects.bulk_create(rows, batch_size=BATCH)
        for member in rows:
            existing[member.group_id].append(member.pk)
        return existing


def synth_barriers(count: int, *, seed: int = 2026) -> tuple[int, int, int]:
    """Add ``count`` barriers with their decisions, "me too"s, agendas and learning. Needs
    users with roles (``synth`` or the demo). Returns (barriers, decisions, "me too"s)."""
    rng = random.Random(seed + 9)  # noqa: S311 - synthetic data
    maker = _Maker(rng, count)
    if count <= 0 or len(maker.users) < 2 or not maker.operational:
        return 0, 0, 0
    with transaction.atomic():
        meetings = maker.meetings()
        starts = {g: [m.starts_at for m in rows] for g, rows in meetings.items()}
        members = maker.members()

        def next_meeting(group_id: int, after: dt.datetime) -> Meeting | None:
            """A held meeting of the group after ``after``: the first, or one or two later."""
            rows = meetings[group_id]
            i = bisect.bisect_right(starts[group_id], after) + rng.choice((0, 0, 0, 1, 2))
            if i < len(rows) and rows[i].ends_at <= maker.now:
                return rows[i]
            return None

        barriers: list[Barrier] = []
        plans: list[list[tuple[Meeting, str, GovernanceGroup, GovernanceGroup | None]]] = []
        for _ in range(count):
            group = rng.choice(maker.operational)
            raised_at = maker.now - dt.timedelta(
                days=rng.randrange(1, SPAN_DAYS), hours=rng.randrange(0, 9)
            )
            stop = rng.choices(range(1, maker.top + 1), LEVEL_WEIGHTS[: maker.top])[0]
            ending = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
            steps = []
            at, since, rank = group, raised_at, 1
            while True:
                last = rank == stop
                if last and ending == "open":
                    break
                meeting = next_meeting(at.pk, since)
                if meeting is None:
                    break
                if not last and rank < maker.top:
                    target = maker.above[rank + 1]
                    steps.append((meeting, Outcome.ESCALATE, at, target))
                    at, since, rank = target, meeting.ends_at, rank + 1
                    continue
                outcome = Outcome.CLOSE if ending == "closed" else Outcome.RESOLVE
                steps.append((meeting, outcome, at, None))
                since = meeting.ends_at
                break
            status = Status.OPEN
            if steps and steps[-1][1] == Outcome.CLOSE:
                status = Status.CLOSED
            elif steps and steps[-1][1] == Outcome.RESOLVE:
                status = Status.RESOLVED if ending == "resolved" else Status.BEING_RESOLVED
            raiser = rng.choice(maker.users)
            last_meeting = steps[-1][0] if steps else None
            barrier = Barrier(
                programme_area_id=maker.area,
                summary=rng.choice(SUMMARIES),
                detail="Synthetic detail: where it gets in the way, and how often.",
                effect=rng.choice(EFFECTS),
                services=rng.choice(SERVICES),
                how_often=rng.choice(HowOften.values),
                raised_as=rng.choice(
                    [RaisedAs.OWN_WORK, RaisedAs.OWN_WORK, RaisedAs.AT_SESSION, RaisedAs.FOR_PERSON]
                ),
                raised_by_id=raiser,
                raised_by_organisation_id=maker.organisation_of.get(raiser),
                partnership_id=group.partnership_id,
                group=at,
                level_since=next(
                    (m.ends_at for m, o, *_ in reversed(steps) if o == Outcome.ESCALATE),
                    raised_at,
                ),
                status=status,
                raised_at=raised_at,
                resolved_at=(
                    min(last_meeting.ends_at + dt.timedelta(days=rng.randrange(7, 60)), maker.now)
                    if status == Status.RESOLVED
                    else None
                ),
                closed_at=last_meeting.ends_at if status == Status.CLOSED else None,
            )
            barriers.append(barrier)
            plans.append(steps)
        Barrier.objects.bulk_create(barriers, batch_size=BATCH)

        # Areas, "me too"s (counts kept in step) and merges.
        through = Barrier.areas.through
        through.objects.bulk_create(
            [
                through(barrier_id=b.pk, areaofdisadvantage_id=a)
                for b in barriers
                for a in rng.sample(maker.areas, rng.randrange(1, 4))
            ],
            batch_size=BATCH,
        )
        me_toos: list[MeToo] = []
        met_by: dict[int, list[int]] = {}
        for barrier in barriers:
            others = rng.sample(maker.users, min(9, len(maker.users)))
            users = [u for u in others if u != barrier.raised_by_id][: rng.choice(ME_TOOS)]
            met_by[barrier.pk] = users
            barrier.me_too_count = len(users)
            span = max(int((maker.now - barrier.raised_at).total_seconds()), 60)
            me_toos.extend(
                MeToo(
                    barrier_id=barrier.pk,
                    user_id=u,
                    organisation_id=maker.organisation_of.get(u),
                    example=rng.choice(EXAMPLES),
                    created_at=barrier.raised_at + dt.timedelta(seconds=rng.randrange(span)),
                )
                for u in users
            )
        MeToo.objects.bulk_create(me_toos, batch_size=BATCH)
        waiting = [b for b in barriers if b.status == Status.OPEN and b.group.partnership_id]
        merged = []
        chosen = rng.sample(waiting, int(len(waiting) * MERGED_SHARE))
        targets = [b for b in barriers if b not in set(chosen)]
        for barrier in chosen:
            into = rng.choice(targets)
            barrier.status = Status.MERGED
            barrier.merged_into_id = into.pk
            barrier.merged_at = min(
                max(barrier.raised_at, into.raised_at) + dt.timedelta(days=3), maker.now
            )
            barrier.merged_by_id = maker.programme
            merged.append(barrier)
        Barrier.objects.bulk_update(barriers, ["me_too_count"], batch_size=BATCH)
        Barrier.objects.bulk_update(
            merged, ["status", "merged_into", "merged_at", "merged_by"], batch_size=BATCH
        )

        # Decisions, with the actions "resolve" creates, and who was told.
        decisions: list[Decision] = []
        actions: list[Action] = []
        for barrier, steps in zip(barriers, plans, strict=True):
            for sequence, (meeting, outcome, group, target) in enumerate(steps, start=1):
                kind = (
                    VoiceKind.NOT_HEARD
                    if rng.random() < NOT_HEARD_SHARE
                    else rng.choice([VoiceKind.MEMBER, VoiceKind.SUPPORTER, VoiceKind.SURVEY])
                )
                decision = Decision(
                    barrier_id=barrier.pk,
                    sequence=sequence,
                    group=group,
                    level_id=group.level_id,
                    meeting=meeting,
                    outcome=outcome,
                    reason=rng.choice(REASONS[outcome]),
                    voice_kind=kind,
                    voice_said=VOICES[kind],
                    escalated_to=target,
                    decided_on=timezone.localdate(meeting.starts_at),
                    recorded_by_id=meeting.convened_by_id,
                    recorded_at=meeting.ends_at - dt.timedelta(minutes=10),
                )
                if outcome == Outcome.RESOLVE:
                    due = timezone.localdate(meeting.ends_at) + dt.timedelta(
                        days=rng.randrange(14, 90)
                    )
                    done = barrier.status == Status.RESOLVED
                    action = Action(
                        programme_area_id=maker.area,
                        meeting=meeting,
                        description=rng.choice(ACTION_TEXTS),
                        owner_organisation_id=rng.choice(maker.organisations)
                        if maker.organisations
                        else None,
                        owner_user_id=None
                        if maker.organisations
                        else (meeting.convened_by_id or barrier.raised_by_id),
                        due_on=due,
                        status=ActionStatus.DONE if done else ActionStatus.OPEN,
                        completed_at=barrier.resolved_at if done else None,
                        created_by_id=meeting.convened_by_id,
                        created_at=meeting.ends_at + dt.timedelta(hours=1),
                    )
                    actions.append(action)
                    decision.action = action
                decisions.append(decision)
        Action.objects.bulk_create(actions, batch_size=BATCH)
        for decision in decisions:
            if decision.action is not None:
                decision.action_id = decision.action.pk
        Decision.objects.bulk_create(decisions, batch_size=BATCH)
        raiser = {b.pk: b.raised_by_id for b in barriers}
        notices = []
        for decision in decisions:
            told = {raiser[decision.barrier_id]: DecisionNotice.Why.RAISED}
            for user in met_by[decision.barrier_id]:
                told.setdefault(user, DecisionNotice.Why.ME_TOO)
            notices.extend(
                DecisionNotice(
                    decision_id=decision.pk, user_id=u, why=why, sent_at=decision.recorded_at
                )
                for u, why in told.items()
                if u
            )
        DecisionNotice.objects.bulk_create(notices, batch_size=BATCH)

        # Agendas: what each governance meeting decided, and what waits for the next one.
        agenda: dict[int, list[int]] = defaultdict(list)
        for decision in decisions:
            if decision.meeting.kind == Kind.GOVERNANCE:
                agenda[decision.meeting_id].append(decision.barrier_id)
        for group in maker.above.values():
            upcoming = [m for m in meetings[group.pk] if m.ends_at > maker.now]
            waiting = [b.pk for b in barriers if b.group_id == group.pk and b.is_decidable]
            for meeting in upcoming[:1]:
                agenda[meeting.pk].extend(waiting[:20])
        items = []
        for group in maker.above.values():
            for meeting in meetings[group.pk]:
                ids = list(dict.fromkeys(agenda.get(meeting.pk, [])))
                items.extend(
                    AgendaItem(
                        meeting_id=meeting.pk,
                        order=i,
                        barrier_id=b,
                        added_by_id=maker.programme,
                        added_at=meeting.created_at,
                    )
                    for i, b in enumerate(ids, start=1)
                )
                items.append(
                    AgendaItem(
                        meeting_id=meeting.pk,
                        order=len(ids) + 1,
                        title="Update from the programme team",
                        added_by_id=maker.programme,
                        added_at=meeting.created_at,
                    )
                )
        AgendaItem.objects.bulk_create(items, batch_size=BATCH)
        attendance = [
            Attendance(
                meeting_id=meeting.pk,
                member_id=member,
                attended=rng.random() < 0.8,
                recorded_by_id=maker.programme,
                recorded_at=meeting.ends_at,
            )
            for group in maker.above.values()
            for meeting in meetings[group.pk]
            if meeting.status == MeetingStatus.HELD
            for member in members[group.pk]
        ]
        Attendance.objects.bulk_create(attendance, batch_size=BATCH)

        # Learning from the resolved ones, most of it published.
        entries = [
            LearningEntry(
                barrier_id=b.pk,
                title=f"What changed: {b.summary.lower()}",
                problem=b.detail,
                change="Synthetic change: the service now works another way.",
                contact="The programme team",
                published_at=b.resolved_at if rng.random() < PUBLISHED_SHARE else None,
                created_by_id=maker.programme,
                created_at=b.resolved_at,
            )
            for b in barriers
            if b.status == Status.RESOLVED
        ]
        LearningEntry.objects.bulk_create(entries, batch_size=BATCH)
    return len(barriers), len(decisions), len(me_toos)
