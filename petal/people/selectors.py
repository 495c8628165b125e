"""Every read of a person's information: filtered by the access policy in the query, and
recorded in the audit trail with the categories read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.utils import timezone

from petal.access.categories import Category
from petal.access.people import (
    Access,
    break_glass_active,
    consents_covering,
    current_relationships,
    listed_contact_visibility,
    person_access,
    person_visibility,
)
from petal.access.rls import unrestricted
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


def people_visible_to(actor, category: Category | None = Category.IDENTITY) -> QuerySet[Person]:
    """Everyone whose ``category`` the actor may read (no audit: callers that show data do
    that). Lists and search show names, so they ask for identity, the default."""
    return Person.objects.filter(person_visibility(actor, category))


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


@dataclass
class RowAccess:
    """Per row of a list: which parts the reader may see there, and how they come to see it."""

    needs: bool = False
    involvement: bool = False
    contact: bool = False
    trusted: bool = False
    shared_until: dt.date | None = None
    urgent_until: dt.datetime | None = None


def row_access(actor, ids: list[int]) -> dict[int, RowAccess]:
    """For a page of people: what of each row the reader may see in a list — a fixed handful of
    queries whatever the number of rows."""
    if not ids:
        return {}
    today = timezone.localdate()
    rows = {pk: RowAccess() for pk in ids}
    for pk in (
        current_relationships(actor, on=today)
        .filter(person_id__in=ids)
        .values_list("person_id", flat=True)
    ):
        rows[pk].trusted = rows[pk].needs = rows[pk].involvement = True
    for glass in (
        break_glass_active(actor).filter(person_id__in=ids).values("person_id", "expires_at")
    ):
        row = rows[glass["person_id"]]
        row.needs = row.involvement = True
        row.urgent_until = max(filter(None, [row.urgent_until, glass["expires_at"]]))
    from petal.consent.models import CATEGORY_BIT

    for consent in (
        consents_covering(actor, on=today)
        .filter(person_id__in=ids)
        .values("person_id", "category_bits", "ends_on")
    ):
        row = rows[consent["person_id"]]
        bits = consent["category_bits"]
        row.needs |= bool(bits & CATEGORY_BIT[Category.NEEDS])
        row.involvement |= bool(bits & CATEGORY_BIT[Category.INVOLVEMENT])
        row.shared_until = max(filter(None, [row.shared_until, consent["ends_on"]]))
    for pk in (
        Person.objects.filter(pk__in=ids)
        .filter(listed_contact_visibility(actor, on=today, among=ids))
        .values_list("pk", flat=True)
    ):
        rows[pk].contact = True
    return rows


def caseload_rows(actor, ids: list[int]) -> dict[int, Person]:
    """The people with these ids, with current areas, last contact and the actor's next
    planned contact, and ``row_access`` saying which of those the reader may see — a fixed
    number of queries, whatever the number of ids. What the reader may not see is blanked."""
    today = timezone.localdate()
    qs = (
        people_visible_to(actor)
        .filter(pk__in=ids)
        .select_related("district")
        .annotate(last_contact_on=_last_contact(), next_contact_on=_next_contact(actor, today))
    )
    access = row_access(actor, ids)
    people = {}
    for person in with_areas_on(qs, today):
        row = access[person.pk]
        person.row_access = row
        if not row.needs:
            person.areas_mask, person.areas_on = 0, 0
        if not row.involvement:
            person.last_contact_on = None
        if not row.contact:
            person.district = None
            person.address = person.phone = person.safe_contact = ""
        people[person.pk] = person
    return people


def _caseload_keys(actor, *, search: str, sort: str, area: str, three_or_more: bool):
    """The people the actor may see in a list, filtered and sorted in the database."""
    today = timezone.localdate()
    keys = people_visible_to(actor).filter(search_filter(search))
    if area or three_or_more:
        # Filtering by needs tells the reader about needs: only people whose needs they may see.
        keys = keys.filter(person_visibility(actor, Category.NEEDS))
    if area:
        keys = keys.filter(
            pk__in=NeedEpisode.objects.filter(covering(today), area__code=area).values("person_id")
        )
    if three_or_more:
        keys = multiply_disadvantaged_on(keys, today)
    order = SORTS.get(sort, SORTS["name"])
    if any("last_contact_on" in key for key in order):
        # Sorting by last contact is only by what the reader may see of involvement.
        keys = keys.annotate(
            last_contact_on=Case(
                When(person_visibility(actor, Category.INVOLVEMENT), then=_last_contact()),
                default=None,
            )
        )
    if any("next_contact_on" in key for key in order):
        keys = keys.annotate(next_contact_on=_next_contact(actor, today))
    return keys.order_by(*order).values_list("pk", flat=True)


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
    keys = _caseload_keys(actor, search=search, sort=sort, area=area, three_or_more=three_or_more)
    paginator = Paginator(keys, page_size)
    result = paginator.get_page(page)
    ids = list(result.object_list)
    rows = caseload_rows(actor, ids)
    result.object_list = [rows[pk] for pk in ids if pk in rows]
    audit_record(
        actor=actor,
        action="people.listed",
        categories=LIST_CATEGORIES,
        # Whether a search narrowed the list, never what was typed (often a name): the trail
        # is append-only, so a name written here could never be corrected or erased.
        data={"people": ids, **({"searched": True} if search else {})},
    )
    return result


EXPORT_LIMIT = 5000


def caseload_export(
    actor, *, search: str = "", sort: str = "name", area: str = "", three_or_more: bool = False
) -> list[Person]:
    """Every person in the actor's list (up to EXPORT_LIMIT), for a spreadsheet, with the same
    rules as the list: what the reader may not see is blank, and domestic-abuse contact details
    appear only with consent for contact. Read in chunks, a fixed number of queries each."""
    keys = list(
        _caseload_keys(actor, search=search, sort=sort, area=area, three_or_more=three_or_more)[
            :EXPORT_LIMIT
        ]
    )
    people: list[Person] = []
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = caseload_rows(actor, chunk)
        people.extend(rows[pk] for pk in chunk if pk in rows)
    audit_record(
        actor=actor,
        action="people.exported",
        categories=[*LIST_CATEGORIES, Category.CONTACT],
        data={"people": keys, **({"searched": True} if search else {})},
    )
    return people


@dataclass
class PersonView:
    """A person's record as one reader may see it: only the categories they may read."""

    person: Person
    categories: frozenset[Category]
    can_change: bool
    access: Access | None = None

    def can(self, category: str) -> bool:
        return Category(category) in self.categories

    @property
    def hidden(self) -> list[Category]:
        """The categories not shared with this reader, in the usual order."""
        return [c for c in Category if c not in self.categories]


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

    Records one read event naming the categories read, and how the reader came to see them
    (trusted person, consent or break-glass, with its reason) — none when nothing was read. A
    story read under consent by someone other than a trusted person counts once a day as
    "read instead of re-told"."""
    person = person_base_queryset().filter(person_visibility(actor, None), pk=person_id).first()
    if person is None:
        raise NotFound("No such person")
    access = person_access(actor, person)
    if require_change and not access.can_change:
        raise NotFound("No such person")
    allowed = access.categories
    read = allowed if categories is None else allowed & {Category(c) for c in categories}
    if read:
        data = {"purpose": purpose, "basis": _basis(access)}
        reason = ""
        if access.consents and not access.trusted:
            data["consents"] = [c.pk for c in access.consents]
        if access.break_glass is not None and not access.trusted:
            data["break_glass"] = access.break_glass.pk
            reason = access.break_glass.get_reason_display()  # never the free-text details
        audit_record(
            actor=actor,
            action="person.read",
            obj=person,
            categories=sorted(str(c) for c in read),
            data=data,
            reason=reason,
        )
        if Category.STORY in read and access.by_consent_only:
            from petal.consent.services import story_reuse_record

            story_reuse_record(actor=actor, person=person, consents=access.consents)
    return PersonView(
        person=person, categories=frozenset(read), can_change=access.can_change, access=access
    )


def _basis(access: Access) -> str:
    if access.trusted:
        return "trusted person"
    if access.break_glass is not None:
        return "break-glass"
    return "consent"


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
    if hidden is None:
        return []
    with unrestricted():  # counted across everyone on purpose, never shown
        return list(hidden.values_list("pk", flat=True)[:5])


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
    with unrestricted():  # only counted, never named: past row-level security on purpose
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
