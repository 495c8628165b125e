"""The board pack for a governance meeting: the agenda, the barriers for decision with their
history and the lived-experience voices heard at every level, figures about barriers and
meetings, and the previous meeting's actions.

It holds **no personal details**, whatever a barrier links to, so everyone with
``barriers.view`` may download it. To make that hold by construction, the pack is built from
plain values picked field by field — never from model objects that could reach a barrier's
linked person, its raiser, the people who said "me too", or members' lived experience:

- a barrier: its reference, summary, detail, effect, services, areas, how often, me-too count;
- a decision: level, group, date, outcome, reason, the voice heard (or why not), and for a
  resolution the owner as an organisation (a user's organisation, else "a person in Petal")
  and due date;
- attendance only as counts; action owners as organisations.

Text a runner typed can still hold a name the runner could not know was the linked person's
(a voice heard above the operational level: "Zebedee told us …"). So every free-text value of
a barrier in the pack — summary, detail, effect, services, each decision's reason and voice,
the notes of its agenda item and the actions its resolutions created — goes through
``petal.barriers.redaction.withhold_names`` with the words of the linked person's names. Those
names are the one thing read from the people tables (``petal.barriers.redaction.linked_names``);
they are never printed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.barriers.models import (
    AgendaItem,
    Attendance,
    Barrier,
    Decision,
    HowOften,
    Status,
    VoiceKind,
)
from petal.barriers.redaction import linked_names, withhold_names
from petal.barriers.selectors.governance import (
    DONE,
    governance_meeting_get,
    governance_report,
    level_counts,
    meetings_held_by_group,
    shown_status,
    withheld,
)
from petal.core.errors import NotFound
from petal.meetings.models import Action, ActionStatus, Kind, Meeting, MeetingStatus
from petal.reference.models import GovernanceGroup

# A user-owned action whose owner has no organisation: they are never named.
A_PERSON = "A person in Petal"
# The outcomes counted in the figures, in the past tense.
COUNTED = {"resolve": "Resolved at their level", "escalate": "Escalated", "close": "Closed"}


@dataclass
class PackDecision:
    sequence: int
    level: str
    level_rank: int
    group: str
    decided_on: dt.date
    outcome: str
    outcome_label: str
    reason: str
    voice_kind: str
    voice_label: str
    voice_said: str
    escalated_to: str = ""
    owner: str = ""
    due_on: dt.date | None = None

    @property
    def voice_heard(self) -> bool:
        return self.voice_kind != VoiceKind.NOT_HEARD


@dataclass
class PackBarrier:
    pk: int
    reference: str
    summary: str
    detail: str
    effect: str
    services: str
    areas: list[str]
    how_often: str
    me_too_count: int
    status: str
    waiting_since: dt.date | None
    history: list[PackDecision] = field(default_factory=list)


@dataclass
class PackAgendaItem:
    number: int
    title: str
    notes: str
    barrier: PackBarrier | None = None


@dataclass
class PackAction:
    reference: str
    description: str
    owner: str
    due_on: dt.date
    status: str
    status_label: str
    overdue: bool


@dataclass
class GroupFigures:
    name: str
    level: str
    held: int
    attended: int
    recorded: int

    @property
    def attendance_rate(self) -> int | None:
        return round(100 * self.attended / self.recorded) if self.recorded else None


@dataclass
class Figures:
    year: int
    statuses: list[tuple[str, str]]
    level_counts: list[tuple[str, list[int]]]
    totals: list[int]
    outcomes: list[tuple[str, int]]
    heard: int
    not_heard: int
    waits: list[tuple[str, float | None, int | None]]
    groups: list[GroupFigures]

    @property
    def heard_percent(self) -> int | None:
        total = self.heard + self.not_heard
        return round(100 * self.heard / total) if total else None


@dataclass
class BoardPack:
    meeting: Meeting
    group: str
    level: str
    status_label: str
    agenda: list[PackAgendaItem]
    barriers: list[PackBarrier]
    figures: Figures
    previous: Meeting | None
    previous_actions: list[PackAction]
    generated_at: dt.datetime
    attended: int = 0
    members: int = 0
    attendance_recorded: bool = False

    @property
    def filename(self) -> str:
        day = timezone.localtime(self.meeting.starts_at).date()
        return f"board-pack-{self.meeting.group.slug}-{day:%Y-%m-%d}.pdf"


# --- organisations, never people -----------------------------------------------------------------


def _organisations_of(user_ids: set[int]) -> dict[int, str]:
    """The organisation each user works for now (the first by name), by user id: how a
    user-owned action or resolution is shown in the pack."""
    from petal.accounts.models import Membership

    if not user_ids:
        return {}
    now = timezone.now()
    found: dict[int, str] = {}
    for user_id, name in (
        Membership.objects.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=now),
            user_id__in=sorted(user_ids),
            organisation__isnull=False,
        )
        .order_by("user_id", "organisation__name")
        .values_list("user_id", "organisation__name")
    ):
        found.setdefault(user_id, name)
    return found


def _owner(owner_user_id, owner_organisation_name, organisations: dict[int, str]) -> str:
    if owner_organisation_name:
        return owner_organisation_name
    if owner_user_id:
        return organisations.get(owner_user_id, A_PERSON)
    return ""


# --- the barriers for decision -------------------------------------------------------------------


BARRIER_FIELDS = (
    "pk",
    "person_id",
    "summary",
    "detail",
    "effect",
    "services",
    "how_often",
    "me_too_count",
    "status",
    "level_since",
)

DECISION_FIELDS = (
    "barrier_id",
    "sequence",
    "level__name",
    "level__rank",
    "group__name",
    "decided_on",
    "outcome",
    "reason",
    "voice_kind",
    "voice_said",
    "escalated_to__name",
    "action__owner_user_id",
    "action__owner_organisation__name",
    "action__due_on",
)


def _barriers(ids: list[int]) -> tuple[dict[int, PackBarrier], dict[int, set[str]]]:
    """The barriers, field by field, with their areas and full history, the linked person's
    names withheld from their text; and the words of those names by barrier (to withhold them
    from the barrier's agenda notes too; never shown). Six queries."""
    if not ids:
        return {}, {}
    how_often = dict(HowOften.choices)
    statuses = dict(Status.choices)
    rows = list(Barrier.objects.filter(pk__in=ids).values(*BARRIER_FIELDS))
    person_of = {row["pk"]: row["person_id"] for row in rows}
    names = linked_names(person_of.values())

    def clean(text: str, barrier_id: int) -> str:
        return withheld(text, person_of.get(barrier_id), names)

    barriers = {
        row["pk"]: PackBarrier(
            pk=row["pk"],
            reference=f"B-{row['pk']:06d}",
            summary=clean(row["summary"], row["pk"]),
            detail=clean(row["detail"], row["pk"]),
            effect=clean(row["effect"], row["pk"]),
            services=clean(row["services"], row["pk"]),
            areas=[],
            how_often=how_often.get(row["how_often"], ""),
            me_too_count=row["me_too_count"],
            status=statuses.get(row["status"], row["status"]),
            waiting_since=timezone.localtime(row["level_since"]).date()
            if row["level_since"]
            else None,
        )
        for row in rows
    }
    for barrier_id, area in (
        Barrier.areas.through.objects.filter(barrier_id__in=ids)
        .order_by("barrier_id", "areaofdisadvantage__name")
        .values_list("barrier_id", "areaofdisadvantage__name")
    ):
        barriers[barrier_id].areas.append(area)
    decisions = list(
        Decision.objects.filter(barrier_id__in=ids)
        .order_by("barrier_id", "sequence")
        .values(*DECISION_FIELDS)
    )
    organisations = _organisations_of(
        {r["action__owner_user_id"] for r in decisions if r["action__owner_user_id"]}
    )
    voices = dict(VoiceKind.choices)
    for r in decisions:
        barriers[r["barrier_id"]].history.append(
            PackDecision(
                sequence=r["sequence"],
                level=r["level__name"],
                level_rank=r["level__rank"],
                group=r["group__name"],
                decided_on=r["decided_on"],
                outcome=r["outcome"],
                outcome_label=DONE.get(r["outcome"], r["outcome"]),
                reason=clean(r["reason"], r["barrier_id"]),
                voice_kind=r["voice_kind"],
                voice_label=voices.get(r["voice_kind"], r["voice_kind"]),
                voice_said=clean(r["voice_said"], r["barrier_id"]),
                escalated_to=r["escalated_to__name"] or "",
                owner=_owner(
                    r["action__owner_user_id"],
                    r["action__owner_organisation__name"],
                    organisations,
                ),
                due_on=r["action__due_on"],
            )
        )
    return barriers, {pk: names.get(person_id, set()) for pk, person_id in person_of.items()}


def _agenda(meeting: Meeting) -> tuple[list[PackAgendaItem], list[PackBarrier]]:
    items = list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("order", "id")
        .values("barrier_id", "title", "notes")
    )
    barriers, words = _barriers([i["barrier_id"] for i in items if i["barrier_id"]])
    agenda = []
    for number, item in enumerate(items, start=1):
        barrier = barriers.get(item["barrier_id"]) if item["barrier_id"] else None
        withhold = words.get(item["barrier_id"], set()) if barrier else set()
        agenda.append(
            PackAgendaItem(
                number=number,
                title=withhold_names(item["title"], withhold)
                or (barrier.summary if barrier else ""),
                notes=withhold_names(item["notes"], withhold),
                barrier=barrier,
            )
        )
    return agenda, [a.barrier for a in agenda if a.barrier is not None]


# --- the previous meeting's actions --------------------------------------------------------------


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The group's last meeting before this one (not cancelled)."""
    return (
        Meeting.objects.filter(kind=Kind.GOVERNANCE, group_id=meeting.group_id)
        .exclude(status=MeetingStatus.CANCELLED)
        .filter(
            Q(starts_at__lt=meeting.starts_at) | Q(starts_at=meeting.starts_at, pk__lt=meeting.pk)
        )
        .order_by("-starts_at", "-id")
        .first()
    )


def _actions(meeting: Meeting | None) -> list[PackAction]:
    if meeting is None:
        return []
    rows = list(
        Action.objects.filter(meeting=meeting)
        .order_by("due_on", "id")
        .values(
            "pk", "description", "owner_user_id", "owner_organisation__name", "due_on", "status"
        )
    )
    organisations = _organisations_of({r["owner_user_id"] for r in rows if r["owner_user_id"]})
    # An action a resolution created says what will be done in the decision's words: withhold
    # the name of the person that barrier links to.
    person_of = (
        dict(
            Decision.objects.filter(
                action_id__in=[r["pk"] for r in rows], barrier__person_id__isnull=False
            ).values_list("action_id", "barrier__person_id")
        )
        if rows
        else {}
    )
    names = linked_names(person_of.values())
    labels, today = dict(ActionStatus.choices), timezone.localdate()
    open_statuses = {ActionStatus.OPEN, ActionStatus.IN_PROGRESS}
    return [
        PackAction(
            reference=f"A-{r['pk']:06d}",
            description=withheld(r["description"], person_of.get(r["pk"]), names),
            owner=_owner(r["owner_user_id"], r["owner_organisation__name"], organisations),
            due_on=r["due_on"],
            status=r["status"],
            status_label=labels.get(r["status"], r["status"]),
            overdue=r["status"] in open_statuses and r["due_on"] < today,
        )
        for r in rows
    ]


# --- figures -------------------------------------------------------------------------------------


def _figures(actor, year: int) -> Figures:
    statuses = [(s.value, s.label) for s in Status if s != Status.MERGED]
    counts = level_counts()
    report = governance_report(actor, year=year, with_reasons=False)
    held = meetings_held_by_group(year=year)
    attendance = {
        row["meeting__group_id"]: row
        for row in Attendance.objects.filter(
            meeting__kind=Kind.GOVERNANCE, meeting__starts_at__year=year
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .order_by()
        .values("meeting__group_id")
        .annotate(recorded=Count("pk"), came=Count("pk", filter=Q(attended=True)))
    }
    groups = [
        GroupFigures(
            name=name,
            level=level,
            held=held.get(pk, 0),
            attended=attendance.get(pk, {}).get("came", 0),
            recorded=attendance.get(pk, {}).get("recorded", 0),
        )
        for pk, name, level in GovernanceGroup.objects.order_by("level__rank", "name").values_list(
            "pk", "name", "level__name"
        )
    ]
    outcomes: dict[str, int] = {}
    for r in report.levels:
        for value, _, n in r.outcomes:
            label = COUNTED.get(value, value)
            outcomes[label] = outcomes.get(label, 0) + n
    return Figures(
        year=year,
        statuses=statuses,
        level_counts=[(level.name, [c[s] for s, _ in statuses]) for level, c in counts],
        totals=[sum(c[s] for _, c in counts) for s, _ in statuses],
        outcomes=list(outcomes.items()),
        heard=report.heard,
        not_heard=report.not_heard,
        waits=[(r.level.name, r.average_days, r.longest_days) for r in report.levels],
        groups=groups,
    )


# --- the pack ------------------------------------------------------------------------------------


def board_pack(actor, meeting_id) -> BoardPack:
    """Everything the board pack prints, for anyone with ``barriers.view``; a meeting that is
    not a governance meeting is not found. Records the download in the audit trail."""
    if not can(actor, "barriers.view"):
        raise NotFound("No such meeting")
    meeting = governance_meeting_get(actor, meeting_id)
    agenda, barriers = _agenda(meeting)
    previous = previous_meeting(meeting)
    attendance = Attendance.objects.filter(meeting=meeting).aggregate(
        recorded=Count("pk"), came=Count("pk", filter=Q(attended=True))
    )
    _, status_label = shown_status(meeting)
    pack = BoardPack(
        meeting=meeting,
        group=meeting.group.name,
        level=meeting.group.level.name,
        status_label=status_label,
        agenda=agenda,
        barriers=barriers,
        figures=_figures(actor, timezone.localtime(meeting.starts_at).year),
        previous=previous,
        previous_actions=_actions(previous),
        generated_at=timezone.now(),
        attended=attendance["came"],
        members=attendance["recorded"],
        attendance_recorded=bool(attendance["recorded"]),
    )
    audit_record(
        actor=actor,
        action="governance.pack_downloaded",
        obj=meeting,
        data={"group": meeting.group.slug, "barriers": [b.pk for b in barriers]},
    )
    return pack
