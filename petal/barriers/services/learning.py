"""Shared learning: a barrier being resolved becomes a learning entry (what the problem was,
what changed, who to contact); the programme team publishes entries on the public "You said,
we did" page; the Champion Network links questions to them.

A learning entry is written for the public. Its text must not name anyone on the writer's own
caseload, nor the person the barrier links to when the writer may see who that is: Petal
refuses such text with a message saying why (never whose name), and keeps what was typed. The
linked person's name is not looked for when the writer may not see them: a refusal would let
them guess it word by word. "Who to contact" is an organisation, a team or a role with its
contact route, never a person's private details.

Writing the entry marks the barrier resolved, and tells the people who raised or met it (the
raiser, the trusted person it was raised for, everyone who met it too) with a fixed sentence
and a link to the barrier's page, once, when it first becomes resolved. A new or changed entry
is never public until the programme team publishes it (having confirmed it names no one, and
Petal having checked it for the linked person's name again), so text no one has checked never
reaches the public page; and the public page withholds the linked person's names whatever the
text says (``petal.barriers.redaction``).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from petal.access.barriers import barrier_visibility
from petal.access.champions import post_visibility
from petal.access.policy import can
from petal.audit.services import audit_record
from petal.barriers.models import Barrier, LearningEntry, LearningLink, Status
from petal.barriers.redaction import linked_person
from petal.barriers.selectors.barriers import parse_id
from petal.barriers.selectors.learning import (
    linkable_entries,
    may_link,
    may_write,
    writable,
)
from petal.barriers.services.barriers import people_to_check, refuse_names, tell
from petal.barriers.services.decisions import feedback_recipients
from petal.core.errors import Forbidden, NotFound, ValidationFailed, clean_text, fail
from petal.meetings.services import names_in
from petal.reference.models import AreaOfDisadvantage

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_CONTACT = 300

NOT_READY = "Only a barrier being resolved can become learning: a group decides to resolve it first"
# The email to those who raised or met a barrier when its learning resolves it: fixed text,
# the barrier's reference and a link to its page, never what the learning says.
RESOLVED_SUBJECT = "A barrier you raised or met has been resolved"
RESOLVED_MESSAGE = "Read what changed."


def _id(value, what: str) -> int:
    found = parse_id(value)
    if found is None:
        raise NotFound(f"No such {what}")
    return found


def _areas(codes) -> list[AreaOfDisadvantage]:
    codes = {str(c) for c in (codes or []) if c}
    if any("\x00" in c for c in codes):  # PostgreSQL cannot even look such a code up
        fail("areas", "Choose areas from the list")
    rows = list(AreaOfDisadvantage.objects.filter(code__in=codes))
    if len(rows) != len(codes):
        fail("areas", "Choose areas from the list")
    return rows


def _locked_barrier(actor, barrier_id) -> Barrier:
    barrier_id = _id(barrier_id, "barrier")
    barrier = (
        Barrier.objects.select_for_update(of=("self",))
        .select_related("group", "person")
        .filter(barrier_visibility(actor), pk=barrier_id)
        .first()
    )
    if barrier is None:
        raise NotFound("No such barrier")
    return barrier


@transaction.atomic
def learning_write(
    *, actor, barrier_id, title: str, problem: str, change: str, contact: str, areas=()
) -> LearningEntry:
    """Write (or change) the learning a barrier being resolved becomes: a title, what the
    problem was, what changed and who to contact, tagged with areas. Only whoever runs the
    barrier's group writes it. The text must not name anyone on the writer's caseload, nor the
    person the barrier links to when the writer may see them. The barrier is marked resolved
    and, the first time, the people who raised or met it are told (once the change is kept);
    the entry is not public until the programme team publishes it (a change takes a published
    entry off the public page)."""
    barrier = _locked_barrier(actor, barrier_id)
    if not may_write(actor, barrier):
        raise Forbidden("Only whoever runs the group this barrier sits with writes its learning")
    entry = LearningEntry.objects.select_for_update().filter(barrier=barrier).first()
    if not writable(barrier):
        raise ValidationFailed(NOT_READY)
    title = clean_text(title, field="title", label="a title", required=True, limit=MAX_TITLE)
    problem = clean_text(
        problem, field="problem", label="what the problem was", required=True, limit=MAX_TEXT
    )
    change = clean_text(change, field="change", label="what changed", required=True, limit=MAX_TEXT)
    contact = clean_text(
        contact, field="contact", label="who to contact", required=True, limit=MAX_CONTACT
    )
    area_rows = _areas(areas)
    refuse_names(
        {"title": title, "problem": problem, "change": change, "contact": contact},
        people_to_check(actor, linked_person(barrier)),
    )

    now = timezone.now()
    created = entry is None
    was_published = bool(entry and entry.published_at)
    if created:
        entry = LearningEntry(barrier=barrier, created_by=actor, created_at=now)
    entry.title, entry.problem, entry.change, entry.contact = title, problem, change, contact
    entry.published_at = None
    entry.save()
    entry.areas.set(area_rows)

    newly_resolved = barrier.status != Status.RESOLVED
    if newly_resolved:
        barrier.status = Status.RESOLVED
        barrier.resolved_at = now
        barrier.save(update_fields=["status", "resolved_at", "updated_at"])
    if was_published:
        audit_record(actor=actor, action="learning.unpublished", obj=entry, data={"why": "changed"})
    audit_record(
        actor=actor,
        action="barrier.learning_written",
        obj=barrier,
        data={
            "entry": entry.pk,
            "new": created,
            "unpublished": was_published,
            "areas": sorted(a.code for a in area_rows),
        },
    )
    if newly_resolved:
        # Not the writer, who knows.
        tell(
            [user for user, _why in feedback_recipients(barrier, actor) if user.pk != actor.pk],
            subject=RESOLVED_SUBJECT,
            message=RESOLVED_MESSAGE,
            barrier=barrier,
        )
    return entry


def _locked_entry(entry_id) -> LearningEntry:
    entry_id = _id(entry_id, "learning entry")
    entry = (
        LearningEntry.objects.select_for_update(of=("self",))
        .select_related("barrier__person")
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFound("No such learning entry")
    return entry


@transaction.atomic
def learning_publish(
    *, actor, entry_id, publish: bool = True, confirmed: bool = False
) -> LearningEntry:
    """The programme team publishes a learning entry on the public "You said, we did" page,
    having confirmed it names no one and can be public, or takes it off. The entry is checked
    again for the name of the person its barrier links to (names change, and its writer may not
    have been able to see who that is); the public page still withholds those names, as the
    last line."""
    if not can(actor, "learning.publish"):
        raise Forbidden("Only the programme team publishes learning")
    entry = _locked_entry(entry_id)
    if publish:
        if entry.published_at:
            return entry
        if not confirmed:
            fail("confirm", "Confirm you have checked this learning names no one and can be public")
        barrier = entry.barrier
        if barrier is not None and barrier.person_id and linked_person(barrier) is not None:
            text = "\n".join([entry.title, entry.problem, entry.change, entry.contact])
            if names_in(text, [linked_person(barrier)]):
                fail(
                    "confirm",
                    "This learning appears to name the person its barrier is about: change it "
                    "before it is published",
                )
        entry.published_at = timezone.now()
    else:
        if not entry.published_at:
            return entry
        entry.published_at = None
    entry.save(update_fields=["published_at", "updated_at"])
    audit_record(
        actor=actor,
        action="learning.published" if publish else "learning.unpublished",
        obj=entry,
    )
    return entry


@transaction.atomic
def learning_link(*, actor, entry_id, question_id) -> LearningLink:
    """Link a learning entry to a Champion Network question, so those reading it find what
    partners already changed. The question's author or the programme team links; the entry
    must be one the actor may link (published, or any for readers of barriers)."""
    question_id = _id(question_id, "question")
    from petal.champions.models import Question

    question = (
        Question.objects.select_for_update(of=("self",))
        .filter(post_visibility(actor), pk=question_id)
        .first()
    )
    if question is None or not can(actor, "network.use"):
        raise NotFound("No such question")
    if not may_link(actor, question):
        raise Forbidden("Only the question's author or the programme team links learning to it")
    entry = linkable_entries(actor).filter(pk=_id(entry_id, "learning entry")).first()
    if entry is None:
        fail("entry", "Choose published learning from the list")
    if LearningLink.objects.filter(entry=entry, question=question).exists():
        fail("entry", "This question already links to that learning")
    try:
        with transaction.atomic():
            link = LearningLink.objects.create(entry=entry, question=question, linked_by=actor)
    except IntegrityError:
        fail("entry", "This question already links to that learning")
    audit_record(
        actor=actor,
        action="learning.linked",
        obj=entry,
        data={"question": question.pk},
    )
    return link
