"""Reading the governance structure: the groups at each level of the ladder with the barriers
sitting there, their members, meetings, agendas and attendance, and the report on decisions and
lived-experience voices.

Everyone with ``barriers.view`` reads all of it: it holds no personal details of the people
Petal supports. Whether a group's member has lived experience is theirs to share, so it is
shown — the marker by each name, and any count of it — only to the group's runners and members
(``petal.access.barriers.may_see_lived_experience``); everyone else sees the members and who
came, with no lived-experience figure (next to the names, a count would give it away).

Governance meetings sit above the operational level, where the person a barrier links to is
never shown: barrier text on a meeting's page and reasons in the report go through
``petal.barriers.redaction.withhold_names`` with the linked person's names (``linked_names``).

Counts are worked out in the database (annotations, subqueries and grouped aggregates), so a
page asks the same number of queries however many barriers, members or meetings there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from petal.access.barriers import (
    OPERATIONAL_RANK,
    barrier_visibility,
    groups_run_by,
    may_run,
    may_see_lived_experience,
)
from petal.access.meetings import coordinated_partnerships, meeting_visibility
from petal.access.policy import can
from petal.barriers.models import (
    DECIDABLE,
    AgendaItem,
    Attendance,
    Barrier,
    Decision,
    GroupMember,
    Outcome,
    Status,
    VoiceKind,
)
from petal.barriers.redaction import linked_names, withhold_names
from petal.core.errors import NotFound
from petal.meetings.models import Action, Kind, Meeting, MeetingStatus
from petal.reference.models import GovernanceGroup, GovernanceLevel

PAST_MEETINGS_SHOWN = 10
UPCOMING_MEETINGS_SHOWN = 5
BARRIERS_SHOWN = 100
REASONS_SHOWN = 25


def _current_members(on: dt.date | None = None) -> Q:
    """Members in force on a day (today by default): started, and not yet ended."""
    on = on or timezone.localdate()
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def _count_of(queryset: QuerySet, key: str) -> Coalesce:
    """The number of rows of a correlated queryset, as a subquery (0 when there are none)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(key).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def _not_cancelled() -> Q:
    return ~Q(status=MeetingStatus.CANCELLED)


def shown_status(meeting: Meeting) -> tuple[str, str]:
    """(status, label) as readers should see it: a meeting that has taken place was held,
    even if no one has recorded attendance or minutes yet."""
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.INVITED) and meeting.is_past:
        return MeetingStatus.HELD.value, MeetingStatus.HELD.label
    return meeting.status, meeting.get_status_display()


# What a decision did, in the past tense, for histories and minutes ("Resolve it here" is the
# choice a runner makes; "Resolved here" is what readers see afterwards).
DONE = {
    Outcome.RESOLVE.value: "Resolved here",
    Outcome.ESCALATE.value: "Escalated",
    Outcome.CLOSE.value: "Closed",
}


def outcome_done(outcome: str, escalated_to: str = "") -> str:
    """ "Resolved here", "Escalated to the Strategic Group" or "Closed"."""
    if outcome == Outcome.ESCALATE and escalated_to:
        return f"Escalated to the {escalated_to}"
    return DONE.get(outcome, outcome)


# --- names withheld ----------------------------------------------------------------------------


def withheld(text: str, person_id: int | None, names: dict[int, set[str]]) -> str:
    """The text with the names of the person its barrier links to withheld."""
    return withhold_names(text or "", names.get(person_id, set()) if person_id else set())


# --- the structure -----------------------------------------------------------------------------


@dataclass
class GroupSummary:
    group: GovernanceGroup
    level: GovernanceLevel
    open_count: int
    being_resolved_count: int
    member_count: int
    next_meeting: Meeting | None
    # Whether the reader runs this group (keeps its members, meetings and agendas).
    runs: bool = False

    @property
    def waiting_count(self) -> int:
        return self.open_count + self.being_resolved_count

    @property
    def is_operational(self) -> bool:
        return self.level.rank == OPERATIONAL_RANK


def groups_overview(actor) -> list[GroupSummary]:
    """Every governance group, lowest level first: how many barriers wait there for a decision
    and how many are being resolved, its current members, and its next meeting (a governance
    meeting; at the operational level the partnership's next problem-solving session). Two
    queries, however many groups."""
    now = timezone.now()
    sees_barriers = can(actor, "barriers.view")
    barriers = Barrier.objects.filter(barrier_visibility(actor), group=OuterRef("pk"))
    if sees_barriers:
        open_count = _count_of(barriers.filter(status=Status.OPEN), "group")
        being_resolved = _count_of(barriers.filter(status=Status.BEING_RESOLVED), "group")
    else:
        open_count = being_resolved = Value(0)
    upcoming = Meeting.objects.filter(_not_cancelled(), ends_at__gt=now).order_by("starts_at", "id")
    runs = groups_run_by(actor)
    groups = list(
        GovernanceGroup.objects.select_related("level", "partnership")
        .annotate(
            open_count=open_count,
            being_resolved_count=being_resolved,
            member_count=_count_of(
                GroupMember.objects.filter(_current_members(), group=OuterRef("pk")), "group"
            ),
            next_meeting_id=Coalesce(
                Subquery(
                    upcoming.filter(kind=Kind.GOVERNANCE, group=OuterRef("pk")).values("pk")[:1]
                ),
                Subquery(
                    upcoming.filter(
                        kind=Kind.PARTNERSHIP, partnership_id=OuterRef("partnership_id")
                    ).values("pk")[:1]
                ),
            ),
            runs=Exists(GovernanceGroup.objects.filter(runs, pk=OuterRef("pk"))),
        )
        .order_by("level__rank", "name")
    )
    ids = [g.next_meeting_id for g in groups if g.next_meeting_id]
    meetings = (
        {m.pk: m for m in Meeting.objects.filter(pk__in=ids).select_related("group", "partnership")}
        if ids
        else {}
    )
    return [
        GroupSummary(
            group=g,
            level=g.level,
            open_count=g.open_count,
            being_resolved_count=g.being_resolved_count,
            member_count=g.member_count,
            next_meeting=meetings.get(g.next_meeting_id),
            runs=bool(g.runs),
        )
        for g in groups
    ]


def level_counts() -> list[tuple[GovernanceLevel, dict[str, int]]]:
    """Every level, lowest first, with how many barriers sit there in each state (every
    ``Status`` value is present, 0 when there are none). Two queries."""
    levels = list(GovernanceLevel.objects.order_by("rank"))
    found: dict[tuple[int, str], int] = {
        (level_id, status): n
        for level_id, status, n in Barrier.objects.order_by()
        .values("group__level_id", "status")
        .annotate(n=Count("pk"))
        .values_list("group__level_id", "status", "n")
    }
    return [
        (level, {status: found.get((level.pk, status), 0) for status in Status.values})
        for level in levels
    ]


@dataclass
class LevelRung:
    """One rung of the ladder for the structure page."""

    level: GovernanceLevel
    counts: dict[str, int]
    groups: list[GroupSummary]
    # The level barriers come up from (None at the bottom).
    below: GovernanceLevel | None = None

    @property
    def open_count(self) -> int:
        return self.counts[Status.OPEN]

    @property
    def being_resolved_count(self) -> int:
        return self.counts[Status.BEING_RESOLVED]

    @property
    def resolved_count(self) -> int:
        return self.counts[Status.RESOLVED]

    @property
    def closed_count(self) -> int:
        return self.counts[Status.CLOSED]

    @property
    def is_operational(self) -> bool:
        return self.level.rank == OPERATIONAL_RANK


@dataclass
class Structure:
    rungs: list[LevelRung]  # lowest level first
    totals: dict[str, int]

    @property
    def top_down(self) -> list[LevelRung]:
        return list(reversed(self.rungs))


def structure(actor) -> Structure:
    """The ladder: each level with its groups and how many barriers sit there in each state,
    and the totals. Four queries."""
    groups = groups_overview(actor)
    counts = level_counts() if can(actor, "barriers.view") else []
    rungs = [
        LevelRung(level, by_status, [g for g in groups if g.level.pk == level.pk])
        for level, by_status in counts
    ]
    for lower, upper in zip(rungs, rungs[1:], strict=False):
        upper.below = lower.level
    totals = {status: sum(r.counts[status] for r in rungs) for status in Status.values}
    return Structure(rungs=rungs, totals=totals)


# --- a group -----------------------------------------------------------------------------------


@dataclass
class GroupPage:
    group: GovernanceGroup
    members: list[GroupMember]
    # How many members have lived experience: None unless the reader may see who has it (a
    # count next to the names would give it away).
    lived_experience_count: int | None
    sees_lived_experience: bool
    runs: bool
    upcoming: list[Meeting]
    past: list[Meeting]
    barriers: list[Barrier]
    barriers_total: int
    # A partnership's coordinator plans its problem-solving sessions (in Meetings).
    plans_sessions: bool = False

    @property
    def is_operational(self) -> bool:
        return self.group.level.rank == OPERATIONAL_RANK

    @property
    def plans_meetings(self) -> bool:
        """Governance meetings are planned here above the operational level; a partnership's
        group meets at its problem-solving sessions."""
        return self.runs and not self.is_operational


def group_get(actor, slug) -> GovernanceGroup:
    """A group by its slug, for a reader with ``barriers.view`` (else not found)."""
    if not can(actor, "barriers.view"):
        raise NotFound("No such group")
    group = (
        GovernanceGroup.objects.select_related("level", "partnership")
        .filter(slug=str(slug or ""))
        .first()
    )
    if group is None:
        raise NotFound("No such group")
    return group


def _group_meetings(group: GovernanceGroup) -> QuerySet[Meeting]:
    if group.level.rank == OPERATIONAL_RANK and group.partnership_id:
        return Meeting.objects.filter(kind=Kind.PARTNERSHIP, partnership_id=group.partnership_id)
    return Meeting.objects.filter(kind=Kind.GOVERNANCE, group=group)


def members_of(group: GovernanceGroup, *, on: dt.date | None = None) -> QuerySet[GroupMember]:
    """A group's members in force on a day (today by default), chairs first."""
    return (
        GroupMember.objects.filter(_current_members(on), group=group)
        .select_related("user", "organisation")
        .order_by("role", "name", "user__full_name", "id")
    )


def _role_order(members: list[GroupMember]) -> list[GroupMember]:
    rank = {"chair": 0, "secretary": 1, "member": 2}
    return sorted(members, key=lambda m: (rank.get(m.role, 3), m.label.lower(), m.pk))


def _mark_links(actor, meetings: list[Meeting]) -> None:
    """Each meeting's status as readers see it, and whether the reader may follow a link to it:
    a governance meeting, always; a partnership's problem-solving session, only if the
    Meetings app shows it to them (its coordinators, the partnership's members, invitees).
    One query for all the sessions."""
    sessions = [m.pk for m in meetings if m.kind != Kind.GOVERNANCE]
    seen = (
        set(
            Meeting.objects.filter(meeting_visibility(actor), pk__in=sessions).values_list(
                "pk", flat=True
            )
        )
        if sessions
        else set()
    )
    for m in meetings:
        m.shown_status, m.shown_label = shown_status(m)
        m.linked = m.kind == Kind.GOVERNANCE or m.pk in seen


def group_page(actor, slug) -> GroupPage:
    """The group's page: members (lived experience only for those who may see it), meetings
    past and upcoming, and the barriers waiting there now."""
    group = group_get(actor, slug)
    now = timezone.now()
    members = _role_order(list(members_of(group)))
    meetings = _group_meetings(group).select_related("group", "partnership")
    upcoming = list(
        meetings.filter(ends_at__gt=now).order_by("starts_at", "id")[:UPCOMING_MEETINGS_SHOWN]
    )
    past = list(
        meetings.filter(ends_at__lte=now).order_by("-starts_at", "-id")[:PAST_MEETINGS_SHOWN]
    )
    _mark_links(actor, [*upcoming, *past])
    waiting = (
        Barrier.objects.filter(barrier_visibility(actor), group=group, status__in=list(DECIDABLE))
        .select_related("group__level")
        .order_by("level_since", "id")
    )
    barriers = list(waiting[: BARRIERS_SHOWN + 1])
    total = len(barriers) if len(barriers) <= BARRIERS_SHOWN else waiting.count()
    sees_lived_experience = may_see_lived_experience(actor, group)
    return GroupPage(
        group=group,
        members=members,
        lived_experience_count=sum(1 for m in members if m.lived_experience)
        if sees_lived_experience
        else None,
        sees_lived_experience=sees_lived_experience,
        runs=may_run(actor, group),
        upcoming=upcoming,
        past=past,
        barriers=barriers[:BARRIERS_SHOWN],
        barriers_total=total,
        plans_sessions=bool(group.partnership_id)
        and group.partnership_id in coordinated_partnerships(actor),
    )


# --- a governance meeting ----------------------------------------------------------------------


def governance_meeting_get(actor, meeting_id) -> Meeting:
    """A governance meeting, for a reader with ``barriers.view``; any other kind of meeting, or
    a missing one, is not found."""
    if not can(actor, "barriers.view"):
        raise NotFound("No such meeting")
    try:
        meeting_id = int(meeting_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such meeting") from exc
    meeting = (
        Meeting.objects.select_related("group__level", "convened_by", "minutes_by")
        .filter(pk=meeting_id, kind=Kind.GOVERNANCE)
        .first()
    )
    if meeting is None:
        raise NotFound("No such meeting")
    return meeting


@dataclass
class AttendanceRow:
    member: GroupMember
    attended: bool
    # Joined the group after the meeting (offered when recording attendance after the fact).
    later: bool = False


@dataclass
class DecisionRow:
    """A decision taken at the meeting, as its page shows it: text with the name of the person
    the barrier links to withheld (a governance meeting sits above the operational level)."""

    barrier_id: int
    reference: str
    summary: str
    done: str
    reason: str
    voice_heard: bool
    voice_label: str
    voice_said: str
    action: Action | None = None


@dataclass
class MeetingPage:
    meeting: Meeting
    agenda: list[AgendaItem]
    attendance: list[AttendanceRow]
    attendance_recorded: bool
    decisions: list[DecisionRow]
    actions: list[Action]
    runs: bool
    sees_lived_experience: bool
    waiting_not_on_agenda: int
    status: str = ""
    status_label: str = ""
    previous: Meeting | None = None
    next: Meeting | None = None

    @property
    def group(self) -> GovernanceGroup:
        return self.meeting.group

    @property
    def member_count(self) -> int:
        return len(self.attendance)

    @property
    def attended_count(self) -> int:
        return sum(1 for row in self.attendance if row.attended)

    @property
    def attended_lived_experience(self) -> int | None:
        """How many who came have lived experience: None unless the reader may see who has it
        (next to the names of those who came, a count gives it away)."""
        if not self.sees_lived_experience:
            return None
        return sum(1 for row in self.attendance if row.attended and row.member.lived_experience)

    @property
    def attended(self) -> list[GroupMember]:
        return [row.member for row in self.attendance if row.attended]

    @property
    def open(self) -> bool:
        return self.meeting.status != MeetingStatus.CANCELLED

    @property
    def started(self) -> bool:
        return self.meeting.starts_at <= timezone.now()

    @property
    def changeable(self) -> bool:
        """Whether its time can still move: nothing recorded at it yet."""
        return self.open and not (
            self.attendance_recorded or self.decisions or self.meeting.minutes_at
        )


def _meeting_day(meeting: Meeting) -> dt.date:
    return timezone.localtime(meeting.starts_at).date()


def in_force_on(member: GroupMember, day: dt.date) -> bool:
    """Whether a membership was in force on a day (started, not yet ended)."""
    return member.started_on <= day and (member.ended_on is None or member.ended_on > day)


def attendance_rows(
    meeting: Meeting, *, with_later: bool = False
) -> tuple[list[AttendanceRow], bool]:
    """The members in force on the meeting's day, plus anyone recorded at it, each with whether
    they came; and whether attendance has been recorded at all. ``with_later`` (the form that
    records it) adds the current members who joined after the meeting's day, so a runner who
    records attendance after the fact can tick someone added since. Two queries."""
    day = _meeting_day(meeting)
    recorded = {
        a.member_id: a
        for a in Attendance.objects.filter(meeting=meeting).select_related(
            "member__user", "member__organisation"
        )
    }
    in_force = _current_members(day)
    if with_later:
        today = timezone.localdate()
        in_force |= Q(started_on__gt=day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=today))
    members = {
        m.pk: m
        for m in GroupMember.objects.filter(in_force, group=meeting.group).select_related(
            "user", "organisation"
        )
    }
    for member_id, row in recorded.items():
        members.setdefault(member_id, row.member)
    rows = [
        AttendanceRow(
            m,
            bool(recorded.get(m.pk) and recorded[m.pk].attended),
            later=m.started_on > day,
        )
        for m in _role_order(list(members.values()))
    ]
    return rows, bool(recorded)


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("barrier__group")
        .order_by("order", "id")
    )


def waiting_barriers(group: GovernanceGroup) -> QuerySet[Barrier]:
    """The barriers a group can decide now: sitting with it, waiting or being resolved (never
    merged, resolved or closed), longest waiting first."""
    return Barrier.objects.filter(group=group, status__in=list(DECIDABLE)).order_by(
        "level_since", "id"
    )


def _decision_rows(decisions: list[Decision], names: dict[int, set[str]]) -> list[DecisionRow]:
    voices = dict(VoiceKind.choices)
    return [
        DecisionRow(
            barrier_id=d.barrier_id,
            reference=d.barrier.reference,
            summary=withheld(d.barrier.summary, d.barrier.person_id, names),
            done=outcome_done(d.outcome, d.escalated_to.name if d.escalated_to else ""),
            reason=withheld(d.reason, d.barrier.person_id, names),
            voice_heard=d.voice_heard,
            voice_label=voices.get(d.voice_kind, d.voice_kind),
            voice_said=withheld(d.voice_said, d.barrier.person_id, names),
            action=d.action,
        )
        for d in decisions
    ]


def meeting_page(actor, meeting_id) -> MeetingPage:
    """A governance meeting's page: the agenda, attendance, decisions taken there, actions
    agreed and the minutes. The name of a person a barrier links to is withheld from the
    barrier text shown (the meeting sits above the operational level). A fixed number of
    queries."""
    meeting = governance_meeting_get(actor, meeting_id)
    group = meeting.group
    agenda = _agenda(meeting)
    attendance, recorded = attendance_rows(meeting)
    decisions = list(
        Decision.objects.filter(meeting=meeting)
        .select_related(
            "barrier", "escalated_to", "action__owner_organisation", "action__owner_user"
        )
        .order_by("recorded_at", "id")
    )
    actions = list(
        Action.objects.filter(meeting=meeting)
        .select_related("owner_user", "owner_organisation")
        .order_by("due_on", "id")
    )
    names = linked_names(
        [item.barrier.person_id for item in agenda if item.barrier_id]
        + [d.barrier.person_id for d in decisions]
    )
    for item in agenda:
        if item.barrier_id:
            item.summary_shown = withheld(item.barrier.summary, item.barrier.person_id, names)
            item.notes_shown = withheld(item.notes, item.barrier.person_id, names)
        else:
            item.notes_shown = item.notes
    # An action a resolution created says what will be done in the decision's words.
    person_of_action = {d.action_id: d.barrier.person_id for d in decisions if d.action_id}
    for a in actions:
        person_id = person_of_action.get(a.pk)
        a.description_shown = withheld(a.description, person_id, names)
        a.status_note_shown = withheld(a.status_note, person_id, names)
    on_agenda = [item.barrier_id for item in agenda if item.barrier_id]
    runs = may_run(actor, group)
    waiting = waiting_barriers(group).exclude(pk__in=on_agenda).count() if runs else 0
    siblings = Meeting.objects.filter(_not_cancelled(), kind=Kind.GOVERNANCE, group=group)
    status, label = shown_status(meeting)
    return MeetingPage(
        meeting=meeting,
        agenda=agenda,
        attendance=attendance,
        attendance_recorded=recorded,
        decisions=_decision_rows(decisions, names),
        actions=actions,
        runs=runs,
        sees_lived_experience=may_see_lived_experience(actor, group),
        waiting_not_on_agenda=waiting,
        status=status,
        status_label=label,
        previous=siblings.filter(starts_at__lt=meeting.starts_at)
        .order_by("-starts_at", "-id")
        .first(),
        next=siblings.filter(starts_at__gt=meeting.starts_at).order_by("starts_at", "id").first(),
    )


def meeting_for_runner(actor, meeting_id) -> tuple[Meeting, bool]:
    """A governance meeting and whether the actor runs its group (for the runners' pages)."""
    meeting = governance_meeting_get(actor, meeting_id)
    return meeting, may_run(actor, meeting.group)


# --- the report ----------------------------------------------------------------------------------


@dataclass
class LevelReport:
    level: GovernanceLevel
    outcomes: list[tuple[str, str, int]]  # (value, label, count)
    voices: list[tuple[str, str, int]]  # heard, by kind
    not_heard: int
    not_heard_reasons: list[tuple[str, int]]  # (reason, how many decisions gave it)
    not_heard_reasons_more: int
    average_days: float | None
    longest_days: int | None
    waiting_now: int
    waiting_longest_days: int | None
    meetings_held: int

    @property
    def decisions(self) -> int:
        return sum(n for _, _, n in self.outcomes)

    @property
    def heard(self) -> int:
        return sum(n for _, _, n in self.voices)

    @property
    def heard_percent(self) -> int | None:
        total = self.heard + self.not_heard
        return round(100 * self.heard / total) if total else None


@dataclass
class Report:
    levels: list[LevelReport]
    year: int | None
    years: list[int] = field(default_factory=list)

    @property
    def decisions(self) -> int:
        return sum(r.decisions for r in self.levels)

    @property
    def heard(self) -> int:
        return sum(r.heard for r in self.levels)

    @property
    def not_heard(self) -> int:
        return sum(r.not_heard for r in self.levels)


def _days(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return float(value)


def waits_by_level(decisions: QuerySet[Decision]) -> dict[int, tuple[float | None, int | None]]:
    """How long barriers waited at each level before its first decision there: from the day
    they arrived (raised, or escalated from the level below) to the day of that decision.
    Average and longest, in days, by level id; one query. A negative wait (a decision dated
    before the barrier reached the level) is bad data: it is shown as it is, not hidden."""
    earlier_here = Decision.objects.filter(
        barrier=OuterRef("barrier"), level=OuterRef("level"), sequence__lt=OuterRef("sequence")
    )
    escalated_here = (
        Decision.objects.filter(
            barrier=OuterRef("barrier"),
            sequence__lt=OuterRef("sequence"),
            outcome=Outcome.ESCALATE,
        )
        .order_by("-sequence")
        .values("decided_on")[:1]
    )
    firsts = (
        decisions.order_by()
        .annotate(_earlier=Exists(earlier_here))
        .filter(_earlier=False)
        .annotate(
            _arrived=Coalesce(
                Subquery(escalated_here, output_field=DateField()),
                TruncDate("barrier__raised_at"),
                output_field=DateField(),
            )
        )
        .annotate(
            _waited=ExpressionWrapper(F("decided_on") - F("_arrived"), output_field=DurationField())
        )
    )
    result = {}
    for row in firsts.values("level_id").annotate(avg=Avg("_waited"), longest=Max("_waited")):
        average, longest = _days(row["avg"]), _days(row["longest"])
        result[row["level_id"]] = (average, round(longest) if longest is not None else None)
    return result


def meetings_held_by_group(*, year: int | None = None) -> dict[int, int]:
    """How many meetings each group has held (not cancelled, already started): its governance
    meetings, or at the operational level its partnership's problem-solving sessions. Two
    queries."""
    now = timezone.now()
    held = Meeting.objects.filter(_not_cancelled(), starts_at__lte=now)
    if year:
        held = held.filter(starts_at__year=year)
    counts: dict[int, int] = {}
    for group_id, n in (
        held.filter(kind=Kind.GOVERNANCE)
        .order_by()
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    ):
        counts[group_id] = counts.get(group_id, 0) + n
    for group_id, n in (
        held.filter(kind=Kind.PARTNERSHIP, partnership__governance_group__isnull=False)
        .order_by()
        .values("partnership__governance_group")
        .annotate(n=Count("pk"))
        .values_list("partnership__governance_group", "n")
    ):
        counts[group_id] = counts.get(group_id, 0) + n
    return counts


def decision_years() -> list[int]:
    """The years in which decisions were recorded, newest first (for the report's filter)."""
    return sorted(
        {
            d.year
            for d in Decision.objects.order_by().values_list("decided_on", flat=True).distinct()
        },
        reverse=True,
    )


def _not_heard_reasons(decisions: QuerySet[Decision]) -> dict[int, list[tuple[str, int]]]:
    """Why the voice was not heard, by level: each reason with how many decisions gave it, most
    often first (then most recent). The name of the person a barrier links to is withheld from
    its reasons (the report is read by everyone). Three queries."""
    rows = list(
        decisions.filter(voice_kind=VoiceKind.NOT_HEARD)
        .order_by()
        .values("level_id", "voice_said", "barrier__person_id")
        .annotate(n=Count("pk"), latest=Max("decided_on"))
        .values_list("level_id", "voice_said", "barrier__person_id", "n", "latest")
    )
    names = linked_names(person_id for _, _, person_id, _, _ in rows)
    merged: dict[tuple[int, str], list] = {}
    for level_id, reason, person_id, n, latest in rows:
        key = (level_id, withheld(reason, person_id, names))
        found = merged.setdefault(key, [0, latest])
        found[0] += n
        found[1] = max(found[1], latest)
    reasons: dict[int, list[tuple[str, int]]] = {}
    for (level_id, reason), (n, _) in sorted(
        merged.items(), key=lambda kv: (kv[0][0], -kv[1][0], -kv[1][1].toordinal(), kv[0][1])
    ):
        reasons.setdefault(level_id, []).append((reason, n))
    return reasons


def governance_report(actor, *, year: int | None = None, with_reasons: bool = True) -> Report:
    """For each level: decisions recorded by outcome; the lived-experience voice heard, by
    kind; how often it was not heard, with the reasons given; how long barriers waited there
    for a decision; barriers waiting now; meetings held. Counts only, no personal details.
    ``year`` limits decisions and meetings to one calendar year; ``with_reasons=False`` leaves out
    the reasons given for not hearing the voice (for figures that only count)."""
    if not can(actor, "barriers.view"):
        raise NotFound("No such report")
    levels = list(GovernanceLevel.objects.order_by("rank"))
    decisions = Decision.objects.filter(
        barrier__in=Barrier.objects.filter(barrier_visibility(actor))
    )
    if year:
        decisions = decisions.filter(decided_on__year=year)
    outcomes: dict[tuple[int, str], int] = {}
    voices: dict[tuple[int, str], int] = {}
    for level_id, outcome, voice_kind, n in (
        decisions.order_by()
        .values("level_id", "outcome", "voice_kind")
        .annotate(n=Count("pk"))
        .values_list("level_id", "outcome", "voice_kind", "n")
    ):
        outcomes[(level_id, outcome)] = outcomes.get((level_id, outcome), 0) + n
        voices[(level_id, voice_kind)] = voices.get((level_id, voice_kind), 0) + n
    reasons = _not_heard_reasons(decisions) if with_reasons else {}
    waits = waits_by_level(decisions)
    today = timezone.localdate()
    waiting = {
        row["group__level_id"]: row
        for row in Barrier.objects.filter(barrier_visibility(actor), status=Status.OPEN)
        .order_by()
        .values("group__level_id")
        .annotate(n=Count("pk"), since=Min("level_since"))
    }
    held_by_group = meetings_held_by_group(year=year)
    level_of_group = dict(GovernanceGroup.objects.values_list("pk", "level_id"))
    held: dict[int, int] = {}
    for group_id, n in held_by_group.items():
        level_id = level_of_group.get(group_id)
        held[level_id] = held.get(level_id, 0) + n
    heard_kinds = [k for k in VoiceKind if k != VoiceKind.NOT_HEARD]
    rows = []
    for level in levels:
        level_reasons = reasons.get(level.pk, [])
        average, longest = waits.get(level.pk, (None, None))
        wait_now = waiting.get(level.pk)
        rows.append(
            LevelReport(
                level=level,
                outcomes=[
                    (o.value, o.label, outcomes.get((level.pk, o.value), 0)) for o in Outcome
                ],
                voices=[
                    (k.value, k.label, voices.get((level.pk, k.value), 0)) for k in heard_kinds
                ],
                not_heard=voices.get((level.pk, VoiceKind.NOT_HEARD.value), 0),
                not_heard_reasons=level_reasons[:REASONS_SHOWN],
                not_heard_reasons_more=max(len(level_reasons) - REASONS_SHOWN, 0),
                average_days=average,
                longest_days=longest,
                waiting_now=wait_now["n"] if wait_now else 0,
                waiting_longest_days=(today - timezone.localtime(wait_now["since"]).date()).days
                if wait_now and wait_now["since"]
                else None,
                meetings_held=held.get(level.pk, 0),
            )
        )
    return Report(levels=rows, year=year, years=decision_years())
