"""Every read of a person's information: filtered by the access policy in the query, and
recorded in the audit trail with the categories read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from petal.access.categories import Category
from petal.access.people import current_relationships, person_access, person_visibility
from petal.audit.services import audit_record
from petal.core.errors import NotFound
from petal.people.disadvantage import covering, multiply_disadvantaged_on, with_areas_on
from petal.people.models import (
    Alias,
    ContactRecord,
    Handover,
    NeedEpisode,
    Person,
    TrustedRelationship,
)

LIST_CATEGORIES = (Category.IDENTITY, Category.NEEDS, Category.INVOLVEMENT)
SORTS = {
    "name": ("full_name", "id"),
    "-name": ("-full_name", "-id"),
    "last-contact": ("last_contact_on", "full_name", "id"),
    "-last-contact": ("-last_contact_on", "full_name", "id"),
    "next-contact": ("next_contact_on", "full_name", "id"),
}
_DATE = re.compile(r"^\s*(\d{1,2})[/ .-](\d{1,2})[/ .-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


def people_visible_to(actor) -> QuerySet[Person]:
    """Everyone whose record the actor may open (no audit: callers that show data do that)."""
    return Person.objects.filter(person_visibility(actor))


def parse_search_date(text: str) -> dt.date | None:
    """A date of birth typed as 1/2/1980, 01-02-1980 or 1980-02-01, else None."""
    match = _DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        match = _ISO.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def search_filter(text: str) -> Q:
    """Name, preferred name or alias containing the words, or a date of birth."""
    text = text.strip()
    if not text:
        return Q()
    day = parse_search_date(text)
    if day is not None:
        return Q(date_of_birth=day)
    q = Q()
    for word in text.lower().split()[:5]:
        q &= Q(search_names__contains=word)
    return q


def _last_contact():
    return Subquery(
        ContactRecord.objects.filter(person=OuterRef("pk"))
        .order_by("-happened_on")
        .values("happened_on")[:1]
    )


def _next_contact(actor, today):
    mine = current_relationships(actor, on=today).filter(person=OuterRef("pk"))
    return Subquery(mine.values("next_contact_on")[:1])


def caseload_rows(actor, ids: list[int]) -> dict[int, Person]:
    """The people with these ids, with current areas, last contact and the actor's next
    planned contact — one query, whatever the number of ids."""
    today = timezone.localdate()
    qs = (
        people_visible_to(actor)
        .filter(pk__in=ids)
        .annotate(last_contact_on=_last_contact(), next_contact_on=_next_contact(actor, today))
    )
    return {person.pk: person for person in with_areas_on(qs, today)}


def caseload_page(
    actor,
    *,
    search: str = "",
    sort: str = "name",
    page: str | int = 1,
    page_size: int = 25,
    area: str = "",
    three_or_more: bool = False,
) -> Page:
    """One page of the people the actor may see; records one audit event naming them.

    Two steps keep it fast at any size: the page of ids is chosen first (filtered, sorted and
    counted in the database), and only those rows get their areas and contacts worked out.
    """
    today = timezone.localdate()
    keys = people_visible_to(actor).filter(search_filter(search))
    if area:
        keys = keys.filter(
            pk__in=NeedEpisode.objects.filter(covering(today), area__code=area).values("person_id")
        )
    if three_or_more:
        keys = multiply_disadvantaged_on(keys, today)
    order = SORTS.get(sort, SORTS["name"])
    if any("last_contact_on" in key for key in order):
        keys = keys.annotate(last_contact_on=_last_contact())
    if any("next_contact_on" in key for key in order):
        keys = keys.annotate(next_contact_on=_next_contact(actor, today))
    paginator = Paginator(keys.order_by(*order).values_list("pk", flat=True), page_size)
    result = paginator.get_page(page)
    ids = list(result.object_list)
    rows = caseload_rows(actor, ids)
    result.object_list = [rows[pk] for pk in ids if pk in rows]
    audit_record(
        actor=actor,
        action="people.listed",
        categories=LIST_CATEGORIES,
        data={"people": ids, **({"search": search} if search else {})},
    )
    return result


@dataclass
class PersonView:
    """A person's record as one reader may see it: only the categories they may read."""

    person: Person
    categories: frozenset[Category]
    can_change: bool

    def can(self, category: str) -> bool:
        return Category(category) in self.categories


def person_base_queryset() -> QuerySet[Person]:
    return Person.objects.select_related("district", "story").prefetch_related(
        Prefetch("aliases", queryset=Alias.objects.order_by("name")),
        Prefetch(
            "episodes",
            queryset=NeedEpisode.objects.select_related("area").order_by("starts_on", "id"),
        ),
        Prefetch(
            "relationships",
            queryset=TrustedRelationship.objects.select_related(
                "trusted_person", "organisation"
            ).order_by("-is_lead", "starts_on"),
        ),
        Prefetch("contacts", queryset=ContactRecord.objects.order_by("-happened_on", "-id")),
        Prefetch(
            "handovers",
            queryset=Handover.objects.filter(status="planned").select_related(
                "to_user", "from_user"
            ),
            to_attr="planned_handovers",
        ),
    )


def person_get_for(
    actor,
    person_id: int,
    *,
    categories: tuple[str, ...] | None = None,
    purpose: str = "viewed",
    require_change: bool = False,
) -> PersonView:
    """Fetch and authorise in one step: a person the actor may not see (or, with
    ``require_change``, may not change) is answered exactly as one that does not exist.

    Records one read event naming the categories read — none when nothing was read."""
    person = person_base_queryset().filter(person_visibility(actor), pk=person_id).first()
    if person is None:
        raise NotFound("No such person")
    allowed, can_change = person_access(actor, person)
    if require_change and not can_change:
        raise NotFound("No such person")
    read = allowed if categories is None else allowed & {Category(c) for c in categories}
    if read:
        audit_record(
            actor=actor,
            action="person.read",
            obj=person,
            categories=[str(c) for c in read],
            data={"purpose": purpose},
        )
    return PersonView(person=person, categories=frozenset(read), can_change=can_change)


def person_versions(view: PersonView):
    """Earlier versions of the categories the reader may see."""
    return (
        view.person.versions.filter(category__in=[str(c) for c in view.categories])
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )


@dataclass
class PossibleDuplicate:
    visible: list[Person]
    hidden_count: int


def normalise_name(name: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", name.lower()).split())


def _duplicate_candidates(full_name: str, date_of_birth, aliases) -> QuerySet[Person] | None:
    """Records across the whole system that may be this person: the same full name or alias,
    or the same date of birth with a shared name part."""
    names = {normalise_name(n) for n in [full_name, *aliases] if n.strip()}
    parts = {part for name in names for part in name.split() if len(part) >= 3}
    q = Q()
    for name in names:
        q |= Q(search_names__contains=f"|{name}|")
    if date_of_birth is not None and parts:
        part_q = Q()
        for part in parts:
            part_q |= Q(search_names__contains=part)
        q |= Q(date_of_birth=date_of_birth) & part_q
    if not q:
        return None
    return Person.objects.filter(q)


def _hidden_candidates(actor, full_name, date_of_birth, aliases):
    """Matches the actor may not see count only with the same date of birth: a name alone
    must never tell anyone that a record exists."""
    if date_of_birth is None:
        return None
    candidates = _duplicate_candidates(full_name, date_of_birth, aliases)
    if candidates is None:
        return None
    return candidates.filter(date_of_birth=date_of_birth).exclude(person_visibility(actor))


def hidden_duplicate_ids(actor, *, full_name: str, date_of_birth, aliases=()) -> list[int]:
    """Possible matches the actor may not see (for connection requests; never shown)."""
    hidden = _hidden_candidates(actor, full_name, date_of_birth, aliases)
    return [] if hidden is None else list(hidden.values_list("pk", flat=True)[:5])


def connection_requests_for(actor) -> list:
    """Open requests about the actor's own people (their names are read: one audit event)."""
    from petal.people.models import ConnectionRequest

    requests = list(
        ConnectionRequest.objects.filter(
            closed_at__isnull=True, person__in=Person.objects.filter(person_visibility(actor))
        )
        .select_related("requester", "person")
        .order_by("-created_at")
    )
    if requests:
        audit_record(
            actor=actor,
            action="people.listed",
            categories=[Category.IDENTITY],
            data={"people": [r.person_id for r in requests], "purpose": "requests to connect"},
        )
    return requests


def possible_duplicates(
    actor, *, full_name: str, date_of_birth: dt.date | None, aliases: list[str] = ()
) -> PossibleDuplicate:
    """Possible matches: those the actor may see are named; the rest are only counted —
    never named or described."""
    candidates = _duplicate_candidates(full_name, date_of_birth, aliases)
    if candidates is None:
        return PossibleDuplicate([], 0)
    visible = list(candidates.filter(person_visibility(actor)).order_by("full_name")[:5])
    hidden_qs = _hidden_candidates(actor, full_name, date_of_birth, aliases)
    hidden = 0 if hidden_qs is None else hidden_qs.count()
    if visible:
        audit_record(
            actor=actor,
            action="people.duplicates_shown",
            categories=[Category.IDENTITY],
            data={"people": [p.pk for p in visible]},
        )
    return PossibleDuplicate(visible, hidden)


def areas_on(person: Person, day: dt.date) -> dict:
    """How many of the five areas apply to an (already authorised) person on a day, and which."""
    return (
        with_areas_on(Person.objects.filter(pk=person.pk), day)
        .values("areas_on", "areas_mask")
        .get()
    )


@dataclass
class CaseloadSummary:
    total: int
    meeting_rule: int
    due: list
    open_requests: int


def caseload_summary(actor, *, days: int = 7) -> CaseloadSummary:
    """For the trusted person's home page: how many people, how many meet the rule today, and
    whose next planned contact is due within ``days`` (names shown: one audit event)."""
    from petal.people.models import ConnectionRequest

    today = timezone.localdate()
    visible = people_visible_to(actor)
    due_ids = list(
        current_relationships(actor, on=today)
        .filter(next_contact_on__isnull=False, next_contact_on__lte=today + dt.timedelta(days=days))
        .order_by("next_contact_on", "person_id")
        .values_list("person_id", flat=True)[:5]
    )
    rows = caseload_rows(actor, due_ids)
    due = [rows[pk] for pk in due_ids if pk in rows]
    if due:
        audit_record(
            actor=actor,
            action="people.listed",
            categories=[Category.IDENTITY, Category.INVOLVEMENT],
            data={"people": [p.pk for p in due], "purpose": "contacts due"},
        )
    return CaseloadSummary(
        total=visible.count(),
        meeting_rule=multiply_disadvantaged_on(visible, today).count(),
        due=due,
        open_requests=ConnectionRequest.objects.filter(
            closed_at__isnull=True, person__in=visible
        ).count(),
    )
