"""Every read of shared learning: the internal list and entry pages (for readers of barriers:
published or not), the public "You said, we did" page (published only, and nothing about the
barrier behind an entry but what the entry itself says), and the learning a Champion Network
question links to.

Learning entries hold no personal details (they are written for the public and checked for
names), so reading them is not audited. As a last line, every page showing learning text — the
public page above all — withholds the words of the names of the person the entry's barrier
links to (``petal.barriers.redaction``): a writer who may not see that person is not refused
their name, so the check at writing alone cannot promise it is absent. The names are read (one
query per page, only the names) and never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, Q, QuerySet

from petal.access.barriers import barrier_visibility, may_run
from petal.access.policy import can
from petal.barriers.models import Barrier, LearningEntry, LearningLink, Status
from petal.barriers.redaction import withhold_names
from petal.barriers.selectors.api_reads import barrier_name_words, name_words_by
from petal.barriers.selectors.barriers import parse_id
from petal.core.errors import Forbidden, NotFound
from petal.reference.models import AreaOfDisadvantage

PAGE_SIZE = 20
PUBLIC_PAGE_SIZE = 10
MAX_QUERY = 200
# The select of learning to link on a question page: enough for years of published entries.
MAX_CHOICES = 500


def _id(value, what: str) -> int:
    found = parse_id(value)
    if found is None:
        raise NotFound(f"No such {what}")
    return found


# The learning text shown: each has the linked person's names withheld.
TEXT_FIELDS = ("title", "problem", "change", "contact")


def withheld(entries):
    """The entries (a list of LearningEntry) with the words of the names of the person each
    one's barrier links to withheld from their text, for showing only (never saved). One
    query for them all."""
    entries = list(entries)
    if not entries:
        return entries
    words = name_words_by(
        LearningEntry.objects.filter(pk__in=[e.pk for e in entries]), "barrier__person"
    )
    for entry in entries:
        _withhold(entry, words.get(entry.pk))
    return entries


def _withhold(entry: LearningEntry, words: set[str] | None) -> None:
    if not words:
        return
    deferred = entry.get_deferred_fields()
    for name in TEXT_FIELDS:
        if name not in deferred:
            setattr(entry, name, withhold_names(getattr(entry, name), words))
    # A barrier shown with its entry (the internal entry page) has its summary withheld too.
    if LearningEntry.barrier.is_cached(entry) and entry.barrier is not None:
        entry.barrier.summary = withhold_names(entry.barrier.summary, words)


def _withheld_page(page: Page) -> Page:
    page.object_list = withheld(page.object_list)
    return page


# A barrier in one of these states may have its learning written (or rewritten).
WRITABLE = frozenset({Status.BEING_RESOLVED, Status.RESOLVED})


def may_write(actor, barrier: Barrier) -> bool:
    """Who writes a barrier's learning: whoever runs the group it sits with (and may decide)."""
    return can(actor, "barriers.decide") and may_run(actor, barrier.group)


def writable(barrier: Barrier) -> bool:
    """A barrier being resolved becomes learning; a resolved one keeps its learning (the same
    form changes it), or gets it if it was resolved without (older records)."""
    return barrier.status in WRITABLE


def may_link(actor, question) -> bool:
    """Who links learning to a network question: its author and the programme team."""
    if not can(actor, "network.use"):
        return False
    return question.author_id == getattr(actor, "pk", None) or can(actor, "network.moderate")


def linkable_entries(actor):
    """The learning entries the actor may link to a question: every entry for a reader of
    barriers (``barriers.view``); published ones for anyone else."""
    entries = LearningEntry.objects.all()
    if not can(actor, "barriers.view"):
        entries = entries.filter(published_at__isnull=False)
    return entries


def _areas() -> Prefetch:
    return Prefetch("areas", queryset=AreaOfDisadvantage.objects.order_by("order", "pk"))


def base_queryset() -> QuerySet[LearningEntry]:
    return LearningEntry.objects.select_related("barrier").prefetch_related(_areas())


# --- inside Petal --------------------------------------------------------------------------------


def learning_visible_to(actor) -> QuerySet[LearningEntry]:
    """Every entry, published or not, for a reader of barriers; nothing for anyone else."""
    if not can(actor, "barriers.view"):
        return LearningEntry.objects.none()
    return base_queryset()


def learning_search(actor, *, q: str = "") -> QuerySet[LearningEntry]:
    """The entries whose title, problem, change or contact contain every word typed (newest
    first)."""
    entries = learning_visible_to(actor)
    for word in (q or "")[:MAX_QUERY].replace("\x00", " ").split()[:16]:
        entries = entries.filter(
            Q(title__icontains=word)
            | Q(problem__icontains=word)
            | Q(change__icontains=word)
            | Q(contact__icontains=word)
        )
    return entries.order_by(F("created_at").desc(), "-id")


def learning_page(actor, *, q: str = "", page=1) -> Page:
    """One page (20) of ``learning_search``, the linked people's names withheld."""
    return _withheld_page(Paginator(learning_search(actor, q=q), PAGE_SIZE).get_page(page))


@dataclass
class LearningView:
    entry: LearningEntry
    barrier: Barrier | None
    may_publish: bool
    may_edit: bool
    may_ask: bool
    questions: list = field(default_factory=list)


def learning_get_for(actor, entry_id) -> LearningView:
    """One entry with the barrier it came from, whether the reader may publish it or change
    it, and the network questions (that the reader may see) linking to it."""
    entry = (
        learning_visible_to(actor)
        .select_related("barrier__group__level")
        .filter(pk=_id(entry_id, "learning entry"))
        .first()
    )
    if entry is None:
        raise NotFound("No such learning entry")
    (entry,) = withheld([entry])
    barrier = entry.barrier
    questions = []
    if can(actor, "network.use"):
        from petal.champions.selectors.network import questions_visible_to

        questions = list(
            questions_visible_to(actor)
            .filter(learning_links__entry=entry)
            .order_by("-created_at", "-id")
        )
    return LearningView(
        entry=entry,
        barrier=barrier,
        may_publish=can(actor, "learning.publish"),
        may_edit=bool(barrier and may_write(actor, barrier) and writable(barrier)),
        may_ask=can(actor, "network.use"),
        questions=questions,
    )


@dataclass
class WriteView:
    barrier: Barrier
    entry: LearningEntry | None
    writable: bool


def learning_write_view(actor, barrier_id) -> WriteView:
    """What the learning form needs: the barrier (with its areas), its entry if one is
    written, and whether it may become learning now. Missing or unseen: NotFound; not run by
    the actor: Forbidden. The barrier's summary (which fills in "what the problem was") and
    the entry's text have the linked person's names withheld: the writer may be one who may
    not see who that is."""
    barrier = (
        Barrier.objects.select_related("group__level")
        .prefetch_related(_areas())
        .filter(barrier_visibility(actor), pk=_id(barrier_id, "barrier"))
        .first()
    )
    if barrier is None:
        raise NotFound("No such barrier")
    if not may_write(actor, barrier):
        raise Forbidden("Only whoever runs the group this barrier sits with writes its learning")
    entry = base_queryset().filter(barrier=barrier).first()
    words = barrier_name_words([barrier]).get(barrier.pk)
    if words:
        barrier.summary = withhold_names(barrier.summary, words)
        if entry is not None:
            _withhold(entry, words)
    return WriteView(barrier=barrier, entry=entry, writable=writable(barrier))


# --- the public "You said, we did" page ----------------------------------------------------------


def _published() -> QuerySet[LearningEntry]:
    # Only what the public page shows: never the barrier behind an entry.
    return (
        LearningEntry.objects.filter(published_at__isnull=False)
        .only("id", "title", "problem", "change", "contact", "published_at")
        .prefetch_related(_areas())
    )


def public_page(*, page=1) -> Page:
    """One page of published learning, newest first, the linked people's names withheld."""
    entries = _published().order_by("-published_at", "-id")
    return _withheld_page(Paginator(entries, PUBLIC_PAGE_SIZE).get_page(page))


def public_entry_get(entry_id) -> LearningEntry:
    """One published entry, the linked person's names withheld; unpublished or missing:
    NotFound."""
    entry = _published().filter(pk=_id(entry_id, "learning entry")).first()
    if entry is None:
        raise NotFound("No such learning")
    return withheld([entry])[0]


# --- the Champion Network ------------------------------------------------------------------------


def learning_for_question(question_id) -> list[LearningEntry]:
    """The learning a network question links to (the caller has already found the question
    through the network's own visibility rule), in the order it was linked, the linked
    people's names withheld."""
    links = (
        LearningLink.objects.filter(question_id=question_id)
        .select_related("entry")
        .order_by("linked_at", "id")
    )
    return withheld(link.entry for link in links)


def learning_to_ask_about(actor, entry_id) -> LearningEntry | None:
    """The entry a question is being asked about (``?learning=``), if the actor may link it;
    otherwise None (the question is asked without it)."""
    entry_id = parse_id(entry_id)
    if entry_id is None:
        return None
    entry = linkable_entries(actor).filter(pk=entry_id).first()
    return withheld([entry])[0] if entry is not None else None


def learning_link_choices(actor, question) -> list[tuple[int, str]]:
    """Published learning the actor may link to the question (none unless they may link),
    not already linked, by title."""
    if not may_link(actor, question):
        return []
    rows = (
        LearningEntry.objects.filter(published_at__isnull=False)
        .exclude(links__question=question)
        .order_by("title", "id")
        .only("id", "title")[:MAX_CHOICES]
    )
    return [(entry.pk, entry.title) for entry in withheld(rows)]


# --- the public learning library -----------------------------------------------------------------


def published_learning(*, q: str = "", area: str = "") -> QuerySet[LearningEntry]:
    """Published learning for the public learning library (``petal.programme``): every word
    typed must be in the title, the problem or the change, and the entry must be about the
    area when one is given. A word that is part of the name of the person the entry's barrier
    links to matches nothing in that entry, so a search cannot tell anyone that a name
    withheld on the page is in the text."""
    from petal.access.rls import unrestricted

    entries = LearningEntry.objects.filter(published_at__isnull=False)
    for word in (q or "")[:MAX_QUERY].replace("\x00", " ").split()[:16]:
        # The entries whose linked person's names hold the word, read past row-level security
        # (the names are only compared, never shown) and fixed now, so the search can be
        # evaluated anywhere later.
        with unrestricted():
            named = list(
                LearningEntry.objects.filter(
                    Q(barrier__person__full_name__icontains=word)
                    | Q(barrier__person__preferred_name__icontains=word)
                    | Q(barrier__person__aliases__name__icontains=word)
                ).values_list("pk", flat=True)
            )
        entries = entries.filter(
            Q(title__icontains=word) | Q(problem__icontains=word) | Q(change__icontains=word)
        ).exclude(pk__in=named)
    if area:
        entries = entries.filter(areas__code=area)
    return entries


def published_learning_in(entry_ids) -> list[LearningEntry]:
    """The published entries with these ids, with their areas, the linked people's names
    withheld (a fixed handful of queries however many)."""
    return withheld(_published().filter(pk__in=list(entry_ids)))
