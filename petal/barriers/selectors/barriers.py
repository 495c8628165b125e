"""Every read of barriers: the list (filtered in the query by
``petal.access.barriers.barrier_visibility``), one barrier's page with its history up the
ladder, the barriers a user raised or met, and what the raise and merge forms offer.

Barriers are about the system, never a named person, so reading them is not audited. The one
exception is the person a barrier may link to: ``barrier_get_for`` includes them only when
``petal.access.barriers.person_link_visible`` allows it (operational level only, readers who
may see who they are), and records every showing as ``barrier.person_read``. No list, and no
other reader, ever carries the person. A reader who may not see them reads the barrier's text
with every word of their names withheld (``petal.barriers.redaction``): text written by
someone who may not see the person is not refused for naming them, so it may.

The raise form lists the people the raiser supports, to choose whom a barrier links to: that
list of names is audited (``people.listed``), as every list of people is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet

from petal.access.barriers import (
    barrier_visibility,
    groups_run_by,
    may_decide,
    may_run,
    person_link_visible,
)
from petal.access.categories import Category
from petal.access.policy import can
from petal.audit.services import audit_record
from petal.barriers.models import DECIDABLE, Barrier, Decision, LearningEntry, MeToo, Status
from petal.barriers.redaction import linked_names, withhold_names
from petal.barriers.selectors.decisions import decidable_meetings
from petal.core.errors import NotFound
from petal.meetings.models import Meeting
from petal.reference.models import AreaOfDisadvantage, GovernanceGroup

PAGE_SIZE = 25
# Enough words for any real search; more only slows the query down.
MAX_WORDS = 8
MAX_QUERY = 200
# The "I have met this too" list on a barrier's page: the count says how many in all.
MAX_ME_TOOS = 100
# The barriers offered to merge into.
MAX_MERGE_CHOICES = 50

_WORD = re.compile(r"[^\W_]+")
# The most digits an id may have: more could overflow the database's integers.
MAX_ID_DIGITS = 9
_REFERENCE = re.compile(rf"\s*(?:[Bb]-?)?0*(\d{{1,{MAX_ID_DIGITS}}})\s*")


def parse_id(value) -> int | None:
    """The id in what was given (an int, or a string of ASCII digits, surrounding spaces
    ignored), or None when it is not one: "²", "١٢", "1e3", "-4", "" and numbers too long for
    the database are not ids."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**MAX_ID_DIGITS else None
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value.isascii() and value.isdecimal() and len(value) <= MAX_ID_DIGITS:
        return int(value)
    return None


def reference_id(value) -> int | None:
    """The id in a reference typed as "B-000123", "b123" or "123" (None if there is none)."""
    match = _REFERENCE.fullmatch(str(value or ""))
    return parse_id(match.group(1)) if match else None


def _areas() -> Prefetch:
    return Prefetch("areas", queryset=AreaOfDisadvantage.objects.order_by("order", "pk"))


def base_queryset() -> QuerySet[Barrier]:
    """Barriers with what every list and page shows of them: the group and level they sit
    with, the partnership they started in, who raised them and their areas."""
    return Barrier.objects.select_related(
        "group__level",
        "partnership",
        "raised_by",
        "raised_by_organisation",
        "merged_into",
    ).prefetch_related(_areas())


def barriers_visible_to(actor) -> QuerySet[Barrier]:
    return base_queryset().filter(barrier_visibility(actor))


# --- the list ------------------------------------------------------------------------------------


def search_words(q: str) -> list[str]:
    return _WORD.findall((q or "")[:MAX_QUERY])[:MAX_WORDS]


def barrier_search(
    actor,
    *,
    q: str = "",
    level: str = "",
    status: str = "",
    area: str = "",
    partnership: str = "",
) -> QuerySet[Barrier]:
    """The barriers the reader may see, narrowed by every word typed (found in the summary, the
    detail or the services), a governance level (slug), a status (a ``Status`` value; none
    given means every status but merged), an area (code) and the partnership a barrier started
    in (slug). Newest first."""
    barriers = barriers_visible_to(actor)
    for word in search_words(q):
        barriers = barriers.filter(
            Q(summary__icontains=word) | Q(detail__icontains=word) | Q(services__icontains=word)
        )
    if level:
        barriers = barriers.filter(group__level__slug=level)
    if status in Status.values:
        barriers = barriers.filter(status=status)
    else:
        barriers = barriers.exclude(status=Status.MERGED)
    if area:
        # A subquery, not a join: a barrier is listed once whatever its areas.
        tagged = Barrier.areas.through.objects.filter(areaofdisadvantage__code=area)
        barriers = barriers.filter(pk__in=tagged.values("barrier_id"))
    if partnership:
        barriers = barriers.filter(partnership__slug=partnership)
    return barriers.order_by("-raised_at", "-id")


def barrier_page(
    actor,
    *,
    q: str = "",
    level: str = "",
    status: str = "",
    area: str = "",
    partnership: str = "",
    page=1,
) -> Page:
    """One page (25) of ``barrier_search``: the group and its level, the partnership and the
    areas come with each barrier (a fixed number of queries whatever the page holds)."""
    found = barrier_search(
        actor,
        q=q,
        level=level,
        status=status,
        area=area,
        partnership=partnership,
    )
    return Paginator(found, PAGE_SIZE).get_page(page)


# --- one barrier ---------------------------------------------------------------------------------


def decisions_of(barrier_id: int) -> QuerySet[Decision]:
    """A barrier's history up the ladder: its decisions in order, with the group, level and
    meeting of each, where it went, and the action (owner and due date) a resolve created."""
    return (
        Decision.objects.filter(barrier_id=barrier_id)
        .select_related(
            "group__level",
            "level",
            "meeting__group",
            "meeting__partnership",
            "escalated_to",
            "action__owner_user",
            "action__owner_organisation",
            "recorded_by",
        )
        .order_by("sequence")
    )


@dataclass
class DecisionShown:
    """A decision as the page shows it: its reason and the voice heard, as the reader may read
    them."""

    decision: Decision
    reason: str
    voice_said: str


@dataclass
class MeTooShown:
    """A "me too" as the page shows it: its example, as the reader may read it."""

    me_too: MeToo
    example: str


@dataclass
class BarrierView:
    barrier: Barrier
    # Its text as the reader may read it: with every word of the linked person's names
    # withheld when the reader may not see who that is.
    summary: str
    detail: str
    effect: str
    services: str
    # Its history up the ladder, in order.
    decisions: list[DecisionShown]
    # Who else met it (the latest MAX_ME_TOOS; ``barrier.me_too_count`` says how many in all).
    me_toos: list[MeTooShown]
    # The person it links to: None unless the reader may see them here (and then audited).
    person: object | None
    may_decide: bool
    may_merge: bool
    may_me_too: bool
    # The reader already said they met it.
    met_too: bool = False
    # Whoever runs its group: may write the learning when it is being resolved.
    may_run: bool = False
    # The reader raised it.
    is_raiser: bool = False
    # It was raised for the reader (a champion raised it on their behalf).
    is_for_reader: bool = False
    decidable_meetings: list[Meeting] = field(default_factory=list)
    # The learning it became, once written (published or not).
    learning: LearningEntry | None = None


def _get(actor, barrier_id) -> Barrier:
    pk = parse_id(barrier_id)
    barrier = (
        barriers_visible_to(actor)
        .select_related("on_behalf_of", "session__partnership", "merged_by", "learning")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if barrier is None:
        raise NotFound("No such barrier")
    return barrier


def _learning_of(barrier: Barrier) -> LearningEntry | None:
    try:
        return barrier.learning
    except ObjectDoesNotExist:
        return None


def barrier_get_for(actor, barrier_id) -> BarrierView:
    """One barrier the reader may see, with its history, who else met it, what the reader may
    do with it and the learning it became. The person it links to is included only where
    ``person_link_visible`` allows (each showing audited as ``barrier.person_read``); any other
    reader gets the barrier's text, decisions and examples with every word of that person's
    names withheld (reading the names to withhold them shows no one, so it is not audited). A
    barrier the reader may not see, or that does not exist, raises NotFound."""
    barrier = _get(actor, barrier_id)
    decisions = list(decisions_of(barrier.pk))
    me_toos = list(
        MeToo.objects.filter(barrier=barrier)
        .select_related("user", "organisation")
        .order_by("-created_at", "-id")[:MAX_ME_TOOS]
    )
    me_toos.reverse()
    person = None
    withheld: set[str] = set()
    if barrier.person_id:
        if person_link_visible(actor, barrier):
            person = barrier.person
            audit_record(
                actor=actor,
                action="barrier.person_read",
                obj=person,
                categories=[Category.IDENTITY],
                data={"barrier": barrier.pk},
            )
        else:
            withheld = linked_names([barrier.person_id]).get(barrier.person_id, set())

    def shown(text: str) -> str:
        return withhold_names(text, withheld) if withheld else text

    decides = barrier.is_decidable and may_decide(actor, barrier)
    runs = can(actor, "barriers.decide") and may_run(actor, barrier.group)
    actor_id = getattr(actor, "pk", None)
    met_too = (
        actor_id is not None and MeToo.objects.filter(barrier=barrier, user_id=actor_id).exists()
    )
    is_raiser = actor_id is not None and actor_id == barrier.raised_by_id
    is_for_reader = actor_id is not None and actor_id == barrier.on_behalf_of_id
    return BarrierView(
        barrier=barrier,
        summary=shown(barrier.summary),
        detail=shown(barrier.detail),
        effect=shown(barrier.effect),
        services=shown(barrier.services),
        decisions=[
            DecisionShown(decision=d, reason=shown(d.reason), voice_said=shown(d.voice_said))
            for d in decisions
        ],
        me_toos=[MeTooShown(me_too=m, example=shown(m.example)) for m in me_toos],
        person=person,
        may_decide=decides,
        may_merge=decides,
        may_me_too=(
            barrier.is_decidable
            and can(actor, "barriers.raise")
            and not is_raiser
            and not is_for_reader
            and not met_too
        ),
        met_too=met_too,
        may_run=runs,
        is_raiser=is_raiser,
        is_for_reader=is_for_reader,
        decidable_meetings=decidable_meetings(barrier) if decides else [],
        learning=_learning_of(barrier),
    )


def barrier_for_decision(actor, barrier_id) -> Barrier:
    """The barrier a decision or merge form is about: NotFound when the reader may not see it
    (whether they may decide it is for the page and the service to say)."""
    return _get(actor, barrier_id)


def merge_choices(actor, barrier: Barrier, *, limit: int = MAX_MERGE_CHOICES) -> list[Barrier]:
    """The barriers the reader may merge this one into: still open or being resolved, in a
    group they run; those sitting with the same group first, then the newest."""
    candidates = (
        barriers_visible_to(actor)
        .filter(status__in=list(DECIDABLE))
        .filter(group__in=GovernanceGroup.objects.filter(groups_run_by(actor)))
        .exclude(pk=barrier.pk)
    )
    same = list(candidates.filter(group=barrier.group).order_by("-raised_at", "-id")[:limit])
    if len(same) >= limit:
        return same
    others = list(
        candidates.exclude(group=barrier.group).order_by("-raised_at", "-id")[: limit - len(same)]
    )
    return same + others


# --- the barriers a user raised or met -----------------------------------------------------------


@dataclass
class MineRow:
    barrier: Barrier
    why: str
    latest: Decision | None


def mine_search(actor) -> QuerySet[Barrier]:
    """The barriers the actor raised, that were raised for them, or that they met too (merged
    ones included: the page says where they went). Newest first."""
    actor_id = getattr(actor, "pk", None)
    if actor_id is None:
        return Barrier.objects.none()
    met = MeToo.objects.filter(user_id=actor_id).values("barrier_id")
    return (
        barriers_visible_to(actor)
        .filter(Q(raised_by_id=actor_id) | Q(on_behalf_of_id=actor_id) | Q(pk__in=met))
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("group", "escalated_to").order_by(
                    "-sequence"
                ),
                to_attr="history",
            ),
        )
        .order_by("-raised_at", "-id")
    )


def mine_page(actor, *, page=1) -> Page:
    """One page (25) of ``mine_search``; each row says why it is the reader's (raised it,
    raised for them, met it too) and carries the latest decision. A fixed number of queries."""
    found = Paginator(mine_search(actor), PAGE_SIZE).get_page(page)
    actor_id = actor.pk
    rows = []
    for barrier in found.object_list:
        if barrier.raised_by_id == actor_id:
            why = "You raised it"
        elif barrier.on_behalf_of_id == actor_id:
            why = "A champion raised it for you"
        else:
            why = "You met it too"
        rows.append(
            MineRow(
                barrier=barrier, why=why, latest=barrier.history[0] if barrier.history else None
            )
        )
    found.object_list = rows
    return found


# --- what the raise form offers ------------------------------------------------------------------


@dataclass
class Linkable:
    """A person the raiser supports, and the partnerships they agreed to share who they are
    with (a barrier starting in one of these may link to them)."""

    person: object
    partnerships: list = field(default_factory=list)


def linkable_people(actor) -> tuple[list[Linkable], list]:
    """The people the actor is a current trusted person for, split into those a barrier may
    link to (an active consent shares who they are with at least one partnership, which
    partnerships) and those it may not (no such consent). Two queries. Not audited: the raise
    form checks a choice against it; ``linkable_people_listed`` records the showing."""
    from petal.access.champions import caseload_people
    from petal.access.people import active_consent_filter
    from petal.consent.models import CATEGORY_BIT, Consent
    from petal.reference.models import Partnership

    people = list(caseload_people(actor).order_by("full_name", "pk"))
    if not people:
        return [], []
    bit = CATEGORY_BIT[Category.IDENTITY]
    shared: dict[int, set[int]] = {}
    for person_id, partnership_id, bits in Consent.objects.filter(
        active_consent_filter(),
        person_id__in=[p.pk for p in people],
        grantee_partnership__isnull=False,
    ).values_list("person_id", "grantee_partnership_id", "category_bits"):
        if bits & bit:
            shared.setdefault(person_id, set()).add(partnership_id)
    partnerships = {
        p.pk: p for p in Partnership.objects.filter(pk__in=set().union(*shared.values()))
    }
    offered, not_offered = [], []
    for person in people:
        if person.pk in shared:
            names = sorted((partnerships[pk] for pk in shared[person.pk]), key=lambda p: p.name)
            offered.append(Linkable(person=person, partnerships=names))
        else:
            not_offered.append(person)
    return offered, not_offered


def linkable_people_listed(actor, offered: list[Linkable], not_offered: list) -> None:
    """Record that the raise form showed the reader these people's names (those a barrier may
    link to, and those it may not): a list of people, audited as every list of people is."""
    people = [item.person.pk for item in offered] + [person.pk for person in not_offered]
    if people:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="people.listed",
                object_type="people.person",
                categories=[Category.IDENTITY],
                data={"context": "barrier link", "people": people},
            )
