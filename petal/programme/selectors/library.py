"""Every read of the learning library.

The public reads (the list, its search, an item's page and its PDF, and anything else on the
site linking to a document, such as the milestones) all start from ``public_items()``: a
published document with no agreement to its use withdrawn (whatever its kind: a case study's
kind cannot be changed once an agreement is recorded, and even if it were, the withdrawal still
holds) and, if it is a case study, at least one agreement recorded. The rule is in the database
query, so withdrawing an agreement takes a case study off every public page at once.

The public list mixes the library's documents with published learning from barriers
(``petal.barriers.selectors.learning``, read only through it): one list, newest first, which
links each learning entry to its own "You said, we did" page.

Documents hold no personal details (case studies are written so no one is named, and an
agreement's ``who`` describes a person without naming them), so reading them is not audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.urls import reverse

from petal.access.policy import can
from petal.barriers.selectors import learning as barrier_learning
from petal.core.errors import Forbidden, NotFound
from petal.programme.models import CaseStudyConsent, LibraryItem, LibraryKind, Tag
from petal.reference.models import AreaOfDisadvantage

PUBLIC_PAGE_SIZE = 10
MANAGE_PAGE_SIZE = 25
MAX_QUERY = 200
MAX_WORDS = 16
# The kind filter's value for published learning from barriers.
LEARNING = "learning"
LEARNING_LABEL = "Learning from barriers"
KIND_CHOICES = [*LibraryKind.choices, (LEARNING, LEARNING_LABEL)]


def _id(value) -> int:
    try:
        found = int(str(value))
    except (TypeError, ValueError) as exc:
        raise NotFound("No such document") from exc
    if found < 1 or found > 2**31 - 1:
        raise NotFound("No such document")
    return found


def _areas() -> Prefetch:
    return Prefetch("areas", queryset=AreaOfDisadvantage.objects.order_by("order", "pk"))


def _agreements():
    return CaseStudyConsent.objects.filter(item=OuterRef("pk"))


def public_items() -> QuerySet[LibraryItem]:
    """The documents the public may read: published, with no agreement to its use ever
    withdrawn (whatever its kind now: changing a withdrawn case study's kind must not bring it
    back), and — for a case study — at least one agreement recorded. Every public read starts
    here."""
    agreements = _agreements()
    return (
        LibraryItem.objects.filter(published_at__isnull=False)
        .filter(~Exists(agreements.filter(withdrawn_at__isnull=False)))
        .filter(~Q(kind=LibraryKind.CASE_STUDY) | Exists(agreements))
    )


def public_item_ids(item_ids) -> set[int]:
    """Of these document ids, the ones the public may read now (one query): for pages that
    link to documents, such as the milestones timeline."""
    ids = [i for i in item_ids if i]
    if not ids:
        return set()
    return set(public_items().filter(pk__in=ids).values_list("pk", flat=True))


def _words(q: str) -> list[str]:
    return (q or "")[:MAX_QUERY].replace("\x00", " ").split()[:MAX_WORDS]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    kind: str = ""
    tag: str = ""
    area: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q.strip() or self.kind or self.tag or self.area)


def _items(filters: Filters) -> QuerySet[LibraryItem]:
    items = public_items()
    for word in _words(filters.q):
        items = items.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    if filters.kind and filters.kind != LEARNING:
        items = items.filter(kind=filters.kind)
    # Tags and areas are many-to-many: filter through a subquery so no row is repeated.
    if filters.tag:
        items = items.filter(
            pk__in=LibraryItem.tags.through.objects.filter(tag__slug=filters.tag).values(
                "libraryitem_id"
            )
        )
    if filters.area:
        items = items.filter(
            pk__in=LibraryItem.areas.through.objects.filter(
                areaofdisadvantage__code=filters.area
            ).values("libraryitem_id")
        )
    return items


def _include_items(filters: Filters) -> bool:
    return filters.kind != LEARNING


def _include_learning(filters: Filters) -> bool:
    # Learning from barriers has no tags: a tag filter leaves it out.
    return filters.kind in ("", LEARNING) and not filters.tag


@dataclass
class LibraryRow:
    """One line of the public list: a library document or a learning entry."""

    source: str  # "library" or "learning"
    pk: int
    kind_label: str
    title: str
    summary: str
    url: str
    published_at: object
    issued_on: object = None
    tags: list = field(default_factory=list)
    areas: list = field(default_factory=list)


def _keys(qs, source: str):
    return (
        qs.order_by()
        .annotate(
            row_source=Value(source, output_field=CharField()),
            row_at=F("published_at"),
            row_id=F("pk"),
        )
        .values_list("row_source", "row_at", "row_id")
    )


def library_search(filters: Filters):
    """The keys (source, published at, id) of everything matching, newest first: one query
    over both kinds of row, for the paginator."""
    parts = []
    if _include_items(filters):
        parts.append(_keys(_items(filters), "library"))
    if _include_learning(filters):
        parts.append(
            _keys(barrier_learning.published_learning(q=filters.q, area=filters.area), LEARNING)
        )
    if not parts:
        return LibraryItem.objects.none().values_list("pk")
    if len(parts) == 1:
        return parts[0].order_by("-row_at", "-row_id")
    first, *others = parts
    return first.union(*others, all=True).order_by("-row_at", "-row_id")


def library_page(filters: Filters, *, page=1) -> Page:
    """One page (10) of the public library, newest first, each row with what the list shows:
    a fixed handful of queries whatever the page holds."""
    found = Paginator(library_search(filters), PUBLIC_PAGE_SIZE).get_page(page)
    keys = list(found.object_list)
    item_ids = [pk for source, _, pk in keys if source == "library"]
    entry_ids = [pk for source, _, pk in keys if source == LEARNING]
    items = {}
    if item_ids:
        items = {
            i.pk: i
            for i in public_items().filter(pk__in=item_ids).prefetch_related("tags", _areas())
        }
    entries = {}
    if entry_ids:
        entries = {e.pk: e for e in barrier_learning.published_learning_in(entry_ids)}
    rows = []
    for source, _, pk in keys:
        if source == "library" and pk in items:
            item = items[pk]
            rows.append(
                LibraryRow(
                    source=source,
                    pk=pk,
                    kind_label=item.get_kind_display(),
                    title=item.title,
                    summary=item.summary,
                    url=reverse("library:item", args=[pk]),
                    published_at=item.published_at,
                    issued_on=item.issued_on,
                    tags=list(item.tags.all()),
                    areas=list(item.areas.all()),
                )
            )
        elif source == LEARNING and pk in entries:
            entry = entries[pk]
            rows.append(
                LibraryRow(
                    source=source,
                    pk=pk,
                    kind_label=LEARNING_LABEL,
                    title=entry.title,
                    summary=entry.problem,
                    url=reverse("learning:entry", args=[pk]),
                    published_at=entry.published_at,
                    areas=list(entry.areas.all()),
                )
            )
    found.object_list = rows
    return found


def public_tags() -> list[Tag]:
    """The tags of documents the public may read, by name (for the tag filter)."""
    return list(Tag.objects.filter(items__in=public_items()).distinct().order_by("name"))


def areas() -> list[AreaOfDisadvantage]:
    return list(AreaOfDisadvantage.objects.order_by("order", "pk"))


def public_item_get(item_id) -> LibraryItem:
    """One document the public may read, with its tags and areas; a draft, a withheld case
    study or a missing one: NotFound."""
    item = (
        public_items()
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")), _areas())
        .filter(pk=_id(item_id))
        .first()
    )
    if item is None:
        raise NotFound("No such document")
    return item


# --- the programme team --------------------------------------------------------------------------


def _require_team(actor) -> None:
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team runs the learning library")


def _with_consent_counts(qs: QuerySet[LibraryItem]) -> QuerySet[LibraryItem]:
    return qs.annotate(
        consents_recorded=Count("consents", distinct=True),
        consents_withdrawn=Count(
            "consents", filter=Q(consents__withdrawn_at__isnull=False), distinct=True
        ),
    )


STATUS_DRAFT = "draft"
STATUS_PUBLIC = "public"
STATUS_WITHDRAWN = "withheld_withdrawn"
STATUS_NO_CONSENT = "withheld_no_consent"
STATUS_LABELS = {
    STATUS_DRAFT: "Draft",
    STATUS_PUBLIC: "Published",
    STATUS_WITHDRAWN: "Withheld: an agreement was withdrawn",
    STATUS_NO_CONSENT: "Withheld: no agreement recorded",
}


def status_of(item: LibraryItem) -> str:
    """Where a document stands, from its consent counts (``_with_consent_counts``): a withdrawn
    agreement withholds it whatever its kind (as ``public_items`` does)."""
    if item.consents_withdrawn:
        return STATUS_WITHDRAWN
    if item.kind == LibraryKind.CASE_STUDY and item.published_at and not item.consents_recorded:
        return STATUS_NO_CONSENT
    return STATUS_PUBLIC if item.published_at else STATUS_DRAFT


def items_for_team(actor, *, page=1) -> Page:
    """Every document, drafts first then newest, each with its status (a withheld case study
    flagged): one page of 25, a fixed handful of queries."""
    _require_team(actor)
    qs = _with_consent_counts(
        LibraryItem.objects.prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name"))
        )
    ).order_by(F("published_at").desc(nulls_first=True), "-created_at", "-id")
    found = Paginator(qs, MANAGE_PAGE_SIZE).get_page(page)
    found.object_list = list(found.object_list)
    for item in found.object_list:
        item.status = status_of(item)
        item.status_label = STATUS_LABELS[item.status]
    return found


@dataclass
class ManagedItem:
    item: LibraryItem
    consents: list[CaseStudyConsent]
    status: str
    status_label: str
    is_public: bool


def item_for_team(actor, item_id) -> ManagedItem:
    """One document with its agreements and where it stands, for the programme team."""
    _require_team(actor)
    item = (
        _with_consent_counts(LibraryItem.objects.all())
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")), _areas())
        .filter(pk=_id(item_id))
        .first()
    )
    if item is None:
        raise NotFound("No such document")
    status = status_of(item)
    consents = list(item.consents.select_related("recorded_by").order_by("agreed_on", "id"))
    return ManagedItem(
        item=item,
        consents=consents,
        status=status,
        status_label=STATUS_LABELS[status],
        is_public=public_items().filter(pk=item.pk).exists(),
    )
