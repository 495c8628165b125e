"""Raising barriers, "I have met this too" and merging similar barriers: one transaction each,
with its audit event.

A barrier is about the system, never a named person. Its text (what gets in the way, the
detail, its effect on people, the services, a "me too" example) is refused when it contains
the name of anyone on the writer's own caseload (the people they are a current trusted person
for), or of the person the barrier links to when the writer may see who that is. The refusal
never says whose name it found. Names of people the writer may not see are not looked for: a
refusal would tell them that a word they typed is the name of someone Petal holds.

A barrier may link to one person: only when it is raised, only someone the raiser is a current
trusted person for, and only with an active consent that shares who they are with the
partnership the barrier starts in. Who sees that link is ``petal.access.barriers``' rule.

Merging tells the people who raised or met the merged barrier (fixed sentences, the reference
and a link only; never the barrier's text).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from petal.access.barriers import OPERATIONAL_RANK, may_run, partnerships_of
from petal.access.categories import Category
from petal.access.champions import caseload_people
from petal.access.meetings import member_organisations, readers_categories
from petal.access.people import can_change_person
from petal.access.policy import can, has_role
from petal.access.roles import Role
from petal.audit.services import audit_record
from petal.barriers.models import (
    DECIDABLE,
    Barrier,
    HowOften,
    MeToo,
    RaisedAs,
    Status,
)
from petal.barriers.redaction import linked_person
from petal.barriers.selectors.barriers import parse_id
from petal.core.errors import Forbidden, NotFound, clean_text, fail
from petal.core.notify import deliverable, notify
from petal.reference.models import (
    AreaOfDisadvantage,
    GovernanceGroup,
    GovernanceLevel,
    Partnership,
)

MAX_SUMMARY = 300
MAX_SERVICES = 300
MAX_TEXT = 5000
MAX_EXAMPLE = 2000

# The refusal of text that names someone (never saying whom): learning and governance use it too.
NAMED = "A barrier is about the system, never a named person: write it without anyone's name"


# --- helpers -------------------------------------------------------------------------------------


def link(barrier: Barrier) -> str:
    return reverse("barriers:barrier", kwargs={"barrier_id": barrier.pk})


def tell(users, *, subject: str, message: str, barrier: Barrier) -> None:
    """Email the users (active, with a deliverable address) once the change is kept: a fixed
    sentence, the barrier's reference and a link to its page, never its text."""
    to = deliverable(u.email for u in users if u is not None and u.is_active)
    if to:
        reference, where = barrier.reference, link(barrier)
        transaction.on_commit(
            lambda: notify(to=to, subject=subject, message=message, reference=reference, link=where)
        )


def people_to_check(actor, person=None) -> list:
    """Whose names a barrier's text may not contain: the writer's own caseload, and the person
    the barrier links to when the writer may see who they are."""
    people = list(caseload_people(actor))
    if person is not None and person.pk not in {p.pk for p in people}:
        seen = readers_categories(actor, [person.pk]).get(person.pk, frozenset())
        if Category.IDENTITY in seen:
            people.append(person)
    return people


def refuse_names(texts: dict[str, str], people) -> None:
    """Refuse the first field whose text names any of the people (without saying whom)."""
    from petal.meetings.services import names_in

    if not people:
        return
    for field, text in texts.items():
        if text and names_in(text, people):
            fail(field, NAMED)


def _require(actor, permission: str) -> None:
    if not can(actor, permission):
        raise Forbidden("Your role does not allow this")


def _areas(values) -> list[AreaOfDisadvantage]:
    """Areas given as rows, ids or codes. Anything else (a number too long to be an id, digits
    that are not ASCII) is refused as not from the list."""
    ids, codes = set(), set()
    for value in values or ():
        if isinstance(value, AreaOfDisadvantage):
            ids.add(value.pk)
        elif isinstance(value, int) or (isinstance(value, str) and value.strip().isdecimal()):
            pk = parse_id(value)
            if pk is None:
                fail("areas", "Choose areas from the list")
            ids.add(pk)
        elif value:
            codes.add(str(value))
    rows = list(AreaOfDisadvantage.objects.filter(pk__in=ids)) if ids else []
    rows += list(AreaOfDisadvantage.objects.filter(code__in=codes)) if codes else []
    if len({r.pk for r in rows}) != len(ids) + len(codes):
        fail("areas", "Choose areas from the list")
    return rows


def _organisation_of(actor) -> int | None:
    return next(iter(member_organisations(actor)), None)


def group_for_partnership(partnership: Partnership) -> GovernanceGroup:
    """The operational group of a partnership: where its barriers start (made if a partnership
    added after the ladder was seeded has none yet)."""
    group = GovernanceGroup.objects.select_related("level").filter(partnership=partnership).first()
    if group is not None:
        return group
    level = GovernanceLevel.objects.get(rank=OPERATIONAL_RANK)
    group, _ = GovernanceGroup.objects.get_or_create(
        partnership=partnership,
        defaults={
            "slug": f"partnership-{partnership.slug}",
            "name": f"{partnership.name} operational partnership",
            "level": level,
        },
    )
    return group


def _partnership(actor, partnership_id) -> Partnership:
    if partnership_id in (None, ""):
        mine = partnerships_of(actor)
        if not mine:
            fail("partnership", "Choose the partnership where this barrier was met")
        partnership_id = mine[0]
    partnership_id = parse_id(partnership_id)
    if partnership_id is None:
        fail("partnership", "Choose a partnership from the list")
    partnership = Partnership.objects.filter(pk=partnership_id).first()
    if partnership is None:
        fail("partnership", "Choose a partnership from the list")
    return partnership


def _on_behalf_of(actor, on_behalf_of):
    from petal.champions.selectors.champions import requesters_of

    if not has_role(actor, Role.CHAMPION):
        fail("raised_as", "Only a Trusted Person Champion raises a barrier for a trusted person")
    pk = parse_id(getattr(on_behalf_of, "pk", on_behalf_of))
    user = requesters_of(actor).filter(pk=pk).first() if pk else None
    if user is None:
        fail("on_behalf_of", "Choose a trusted person who asked you for support")
    return user


def _person(actor, person_id, partnership: Partnership):
    from petal.meetings.services import partnership_consent
    from petal.people.models import Person

    person_id = parse_id(person_id)
    if person_id is None:
        fail("person", "Choose someone you support, or no one")
    person = Person.objects.filter(pk=person_id).prefetch_related("aliases").first()
    # Missing and not theirs are answered alike.
    if person is None or not can_change_person(actor, person):
        fail("person", "Choose someone you support, or no one")
    if not partnership_consent(person, partnership.pk):
        fail(
            "person",
            f"{person.name} has not agreed to share who they are with the "
            f"{partnership.name} partnership: record their consent first, or link no one",
        )
    return person


# --- raising -------------------------------------------------------------------------------------


@transaction.atomic
def barrier_raise(
    *,
    actor,
    summary: str,
    detail: str = "",
    effect: str = "",
    services: str = "",
    areas=(),
    how_often: str = "",
    raised_as: str = RaisedAs.OWN_WORK,
    partnership_id: int | None = None,
    on_behalf_of=None,
    session=None,
    person_id: int | None = None,
) -> Barrier:
    """Raise a barrier: it starts with the operational group of a partnership (the one given,
    else the raiser's partnership, else it must be chosen), waiting for a decision.

    ``raised_as``: in the raiser's own work; for a person with lived experience, in their
    words; as a champion for a trusted person who asked them for support (``on_behalf_of``,
    champions only); at a problem-solving session (``session``, which sets the partnership).
    ``person_id`` links one person the raiser supports who agreed to share who they are with
    that partnership."""
    _require(actor, "barriers.raise")
    summary = clean_text(
        summary, field="summary", label="what gets in the way", required=True, limit=MAX_SUMMARY
    )
    detail = clean_text(detail, field="detail", label="the detail", limit=MAX_TEXT)
    effect = clean_text(effect, field="effect", label="its effect on people", limit=MAX_TEXT)
    services = clean_text(services, field="services", label="the services", limit=MAX_SERVICES)
    how_often = (how_often or "").strip()
    if how_often and how_often not in HowOften.values:
        fail("how_often", "Choose how often it is met")
    raised_as = raised_as or RaisedAs.OWN_WORK
    if raised_as not in RaisedAs.values:
        fail("raised_as", "Choose how you met this barrier")
    area_rows = _areas(areas)

    trusted_person = None
    if raised_as == RaisedAs.FOR_TRUSTED_PERSON:
        trusted_person = _on_behalf_of(actor, on_behalf_of)
    elif on_behalf_of:
        fail("on_behalf_of", "Only a barrier raised for a trusted person names one")

    if raised_as == RaisedAs.AT_SESSION:
        if session is None:
            fail("raised_as", "A barrier is raised at a session from the session's page")
        partnership = session.partnership
    else:
        if session is not None:
            fail("raised_as", "A barrier raised at a session is raised as at a session")
        partnership = _partnership(actor, partnership_id)
    group = group_for_partnership(partnership)

    person = None
    if person_id not in (None, ""):
        person = _person(actor, person_id, partnership)

    refuse_names(
        {"summary": summary, "detail": detail, "effect": effect, "services": services},
        people_to_check(actor, person),
    )
    now = timezone.now()
    barrier = Barrier.objects.create(
        programme_area_id=partnership.programme_area_id,
        summary=summary,
        detail=detail,
        effect=effect,
        services=services,
        how_often=how_often,
        raised_as=raised_as,
        raised_by=actor,
        raised_by_organisation_id=_organisation_of(actor),
        on_behalf_of=trusted_person,
        session=session,
        partnership=partnership,
        group=group,
        level_since=now,
        raised_at=now,
        person=person,
    )
    barrier.areas.set(area_rows)
    audit_record(
        actor=actor,
        action="barrier.raised",
        obj=barrier,
        categories=[Category.IDENTITY] if person else [],
        data={
            "raised_as": raised_as,
            "partnership": partnership.pk,
            "group": group.pk,
            "session": getattr(session, "pk", None),
            "on_behalf_of": getattr(trusted_person, "pk", None),
            "person": getattr(person, "pk", None),
            "areas": sorted(a.code for a in area_rows),
        },
    )
    return barrier


# --- "I have met this too" -----------------------------------------------------------------------


def barrier_locked(actor, barrier_id) -> Barrier:
    """The barrier, locked for the rest of the transaction (so two changes to it cannot both
    count from the same state), with what every change needs of it. NotFound when the reader
    may not see it, it does not exist or the id is not one."""
    from petal.access.barriers import barrier_visibility

    pk = parse_id(barrier_id)
    barrier = (
        Barrier.objects.select_for_update(of=("self",))
        .select_related("group__level", "person", "merged_into", "raised_by", "on_behalf_of")
        .filter(barrier_visibility(actor), pk=pk)
        .first()
        if pk is not None
        else None
    )
    if barrier is None:
        raise NotFound("No such barrier")
    return barrier


def _recount(*barriers: Barrier) -> None:
    for barrier in barriers:
        barrier.me_too_count = MeToo.objects.filter(barrier=barrier).count()
        barrier.save(update_fields=["me_too_count", "updated_at"])


@transaction.atomic
def me_too_add(*, actor, barrier_id, example: str = "") -> MeToo:
    """Say "I have met this too", with an optional example of your own (anonymised): once per
    barrier still waiting for a decision or being resolved, by anyone who raises barriers
    except the one who raised it and the trusted person it was raised for (it counts them
    already). The count on the barrier shows how widespread it is."""
    _require(actor, "barriers.raise")
    barrier = barrier_locked(actor, barrier_id)
    example = clean_text(example, field="example", label="your example", limit=MAX_EXAMPLE)
    if barrier.status == Status.MERGED:
        fail(
            "example",
            f"This barrier was merged into {barrier.merged_into.reference}: say you have met "
            "that one instead",
        )
    if barrier.status not in DECIDABLE:
        fail(
            "example",
            f"This barrier is {barrier.get_status_display().lower()}: it no longer counts who "
            "else has met it",
        )
    if barrier.raised_by_id == actor.pk:
        fail("example", "You raised this barrier, so it already counts you")
    if barrier.on_behalf_of_id == actor.pk:
        fail("example", "This barrier was raised for you, so it already counts you")
    refuse_names({"example": example}, people_to_check(actor, linked_person(barrier)))
    try:
        with transaction.atomic():
            me_too = MeToo.objects.create(
                barrier=barrier,
                user=actor,
                organisation_id=_organisation_of(actor),
                example=example,
            )
    except IntegrityError:
        fail("example", "You have already said you have met this barrier")
    _recount(barrier)
    audit_record(actor=actor, action="barrier.me_too", obj=barrier, data={"me_too": me_too.pk})
    return me_too


# --- merging -------------------------------------------------------------------------------------


@transaction.atomic
def barrier_merge(*, actor, barrier_id, into_id) -> Barrier:
    """Merge a barrier into a similar one, both still open or being resolved, by someone who
    runs the groups of both. The merged barrier keeps its history and says where it went; the
    people who met it now count on the other (unless they are already there or raised it), its
    raiser (and the trusted person it was raised for) too, with its effect as their example.
    Everyone who raised or met the merged barrier is told. Returns the merged barrier."""
    _require(actor, "barriers.decide")
    barrier_id = parse_id(barrier_id)
    if barrier_id is None:
        raise NotFound("No such barrier")
    into_id = parse_id(into_id)
    if into_id is None:
        fail("into", "Choose the barrier to merge it into")
    if into_id == barrier_id:
        fail("into", "Choose another barrier: a barrier cannot be merged into itself")
    # Locked in id order, so two merges of the same pair cannot wait on each other.
    first, second = sorted([barrier_id, into_id])
    locked = {}
    for pk in (first, second):
        try:
            locked[pk] = barrier_locked(actor, pk)
        except NotFound:
            if pk == barrier_id:
                raise
            fail("into", "There is no barrier with that reference")
    barrier, target = locked[barrier_id], locked[into_id]
    if not may_run(actor, barrier.group):
        raise Forbidden("Only whoever runs the group a barrier sits with can merge it")
    if barrier.status not in DECIDABLE:
        fail(
            "into",
            f"This barrier is {barrier.get_status_display().lower()}: only a barrier waiting "
            "for a decision or being resolved can be merged",
        )
    if target.status not in DECIDABLE:
        fail("into", "Choose a barrier that is still waiting for a decision or being resolved")
    if not may_run(actor, target.group):
        fail("into", "Choose a barrier that sits with a group you run")

    told = [barrier.raised_by, barrier.on_behalf_of]
    told += [m.user for m in MeToo.objects.filter(barrier=barrier).select_related("user")]

    already = set(MeToo.objects.filter(barrier=target).values_list("user_id", flat=True))
    # The target counts its raiser and the trusted person it was raised for already.
    already |= {target.raised_by_id, target.on_behalf_of_id} - {None}
    moving = MeToo.objects.filter(barrier=barrier).exclude(user_id__in=already)
    moved = moving.count()
    moving.update(barrier=target)
    already |= set(MeToo.objects.filter(barrier=target).values_list("user_id", flat=True))
    now = timezone.now()
    added = []
    for user, example in (
        (barrier.raised_by, barrier.effect or barrier.summary),
        (barrier.on_behalf_of, ""),
    ):
        if user is None or user.pk in already:
            continue
        MeToo.objects.create(
            barrier=target,
            user=user,
            organisation_id=barrier.raised_by_organisation_id
            if user == barrier.raised_by
            else None,
            example=example,
            created_at=now,
        )
        already.add(user.pk)
        added.append(user.pk)

    barrier.status = Status.MERGED
    barrier.merged_into = target
    barrier.merged_at = now
    barrier.merged_by = actor
    barrier.save(update_fields=["status", "merged_into", "merged_at", "merged_by", "updated_at"])
    _recount(barrier, target)
    audit_record(
        actor=actor,
        action="barrier.merged",
        obj=barrier,
        data={"into": target.pk, "moved": moved, "added": sorted(added)},
    )
    seen = set()
    people = []
    for user in told:
        if user is not None and user.pk != actor.pk and user.pk not in seen:
            seen.add(user.pk)
            people.append(user)
    tell(
        people,
        subject="A barrier you raised or met was merged",
        message="It was merged into a similar barrier, which now counts you. Follow the link to "
        "see where it is on the governance ladder.",
        barrier=target,
    )
    return barrier
