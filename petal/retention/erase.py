"""Erasing a person: their record and everything linked to them, leaving only a tombstone.

``person_erase`` is the one way a person's record leaves Petal — at their request (UK GDPR
article 17, through ``petal.rights``) or when their record has passed its retention period
(``petal.retention.handlers``). In one transaction it deletes:

- the person and every record that points at them, in every app, found by Django's deletion
  collector from the models' own foreign keys (so a model added later is covered as soon as it
  points at ``people.Person`` with ``CASCADE``): other names, story, areas, trusted
  relationships, contacts, record versions, handovers, requests to connect, consents (and so
  their receipts, which are drawn from them), break-glass records, "tell it once" reads, the
  person's own sign-in link, referrals and their timeline, meeting cases with their decisions
  and actions, assessments with their answers, service use;
- a professionals meeting about them alone, whole (its minutes, invitations, decisions and
  actions are about them). A problem-solving session that discussed others too keeps its other
  cases and its session-wide notes: only their case, and the decisions and actions recorded
  for it, go;
- the person's own sign-in (their email address and name). If the account cannot be deleted
  because something protects it, it is disabled and its name and email replaced instead;
- the records of the caseload imports that created or matched them: their row in each import
  is replaced by its row number, and the uploaded file (which also holds their row) is
  removed. A file checked but never imported that names them by id is deleted whole.

Records about the system that merely point at the person (a barrier, a champion support
connection) are kept and unlinked (their foreign keys are ``SET_NULL``).

The audit trail is append-only and is not touched: the tombstone (``person.erased``) records
who erased the record, when, why (a category, never free text) and how many records of each
kind went — never a name, date of birth or note.
"""

from __future__ import annotations

from collections import Counter

from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from petal.audit.services import audit_record
from petal.core.errors import NotFound

# Why a record was erased: the only words the tombstone keeps. Anything else is recorded as
# "other" — free text could name the person.
ERASURE_REASONS = {
    "erasure_request": "The person asked for their record to be erased (UK GDPR article 17)",
    "retention": "Its retention period ended",
    "created_in_error": "The record was made in error",
    "other": "Another reason, recorded with the data protection lead's case",
}

PERSON = "people.person"
# What the caseload import lists against a person (petal.outcomes.services.imports).
IMPORT_MODELS = {
    "people.person": "person",
    "people.story": "story",
    "people.needepisode": "episodes",
    "people.trustedrelationship": "relationships",
}


def reason_category(reason: str) -> str:
    reason = (reason or "").strip()
    return reason if reason in ERASURE_REASONS else "other"


def _person_relations():
    """Every foreign key or one-to-one from another model to Person, with its on_delete."""
    from petal.people.models import Person

    return [
        f
        for f in Person._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]


def _merge(counts: Counter, per_model: dict[str, int]) -> None:
    for label, n in per_model.items():
        if n:
            counts[label.lower()] += n


def _erase_meetings(person_id: int, counts: Counter) -> None:
    """A professionals meeting about this person alone goes whole; elsewhere only their case
    (with its decisions and actions) goes, with the person below."""
    from petal.meetings.models import Kind, Meeting, MeetingCase

    alone = (
        Meeting.objects.filter(kind=Kind.PROFESSIONALS, cases__person_id=person_id)
        .exclude(pk__in=MeetingCase.objects.exclude(person_id=person_id).values("meeting_id"))
        .order_by()
        .values_list("pk", flat=True)
    )
    for meeting_id in list(alone):
        try:
            with transaction.atomic():
                _, per_model = Meeting.objects.filter(pk=meeting_id).delete()
        except (ProtectedError, RestrictedError):
            # Something else (a governance decision) holds on to the meeting: keep it, but
            # not its minutes, which were about this person. Their case goes with them.
            blanked = Meeting.objects.filter(pk=meeting_id).exclude(minutes="").update(minutes="")
            if blanked:
                counts["meetings.meeting minutes removed"] += blanked
        else:
            _merge(counts, per_model)


def _erase_import_traces(person_id: int, counts: Counter) -> None:
    """Take the person out of the caseload imports: the records that list them, their row in
    each batch, and the uploaded files that hold their row."""
    from petal.outcomes.models import ImportBatch, ImportedRecord, ImportStatus
    from petal.people.models import NeedEpisode, Story, TrustedRelationship

    ids = {
        "people.person": [person_id],
        "people.story": list(
            Story.objects.filter(person_id=person_id).values_list("pk", flat=True)
        ),
        "people.needepisode": list(
            NeedEpisode.objects.filter(person_id=person_id).values_list("pk", flat=True)
        ),
        "people.trustedrelationship": list(
            TrustedRelationship.objects.filter(person_id=person_id).values_list("pk", flat=True)
        ),
    }
    match = models.Q(pk__in=[])
    for model, object_ids in ids.items():
        if object_ids:
            match |= models.Q(model=model, object_id__in=object_ids)
    records = ImportedRecord.objects.filter(match)
    batch_ids = set(records.values_list("batch_id", flat=True))
    deleted, _ = records.delete()
    if deleted:
        counts["outcomes.importedrecord"] += deleted
    # A batch's rows name the person by id once checked against the records ("matched") or
    # once imported ("new"). JSON lookups differ between databases, so rows are read in Python:
    # imports are few and small.
    for batch in ImportBatch.objects.select_for_update().filter(
        models.Q(pk__in=batch_ids) | models.Q(rows__icontains=str(person_id))
    ):
        rows = batch.rows or []
        theirs = [r for r in rows if isinstance(r, dict) and r.get("person") == person_id]
        if not theirs and batch.pk not in batch_ids:
            continue
        if batch.status == ImportStatus.CHECKED:
            # Never imported: nothing depends on it, and its file holds their row.
            batch.delete()
            counts["outcomes.importbatch"] += 1
            continue
        batch.rows = [
            {"number": r.get("number"), "action": r.get("action"), "erased": True}
            if isinstance(r, dict) and r.get("person") == person_id
            else r
            for r in rows
        ]
        batch.content = b""
        batch.save(update_fields=["rows", "content"])
        counts["outcomes.importbatch scrubbed"] += 1


def _erase_own_sign_in(user_id: int | None, counts: Counter) -> None:
    """The person's own sign-in holds their name and email: deleted, or if something protects
    it, disabled with its name and email replaced."""
    if user_id is None:
        return
    from django.contrib.auth import get_user_model

    User = get_user_model()
    try:
        with transaction.atomic():
            _, per_model = User.objects.filter(pk=user_id).delete()
    except (ProtectedError, RestrictedError):
        user = User.objects.select_for_update().get(pk=user_id)
        user.email = f"erased-{user.pk}@erased.invalid"
        user.full_name = "Erased"
        user.is_active = False
        user.set_unusable_password()
        fields = ["email", "full_name", "is_active", "password"]
        if hasattr(user, "sessions_epoch"):
            # Any live session of theirs ends at once.
            user.sessions_epoch += 1
            fields.append("sessions_epoch")
        user.save(update_fields=fields)
        counts["accounts.user anonymised"] += 1
    else:
        _merge(counts, per_model)


def person_erase(*, person_id: int, actor, reason: str) -> dict[str, int]:
    """Erase a person (see ``_person_erase``), past row-level security: the data protection
    lead erasing on request, or the retention run, holds no relationship to the person."""
    from petal.access.rls import unrestricted

    with unrestricted():
        return _person_erase(person_id=person_id, actor=actor, reason=reason)


@transaction.atomic
def _person_erase(*, person_id: int, actor, reason: str) -> dict[str, int]:
    """Delete the person and every record linked to them, in every app, in one transaction,
    and leave an audit tombstone with the counts and the reason's category (never personal
    details). Returns how many records of each kind were deleted (keys are model labels such
    as "people.needepisode"; "… unlinked" counts records kept without the link to them,
    "… scrubbed"/"… anonymised" records kept with their details removed).

    ``reason`` is one of ``ERASURE_REASONS``; anything else is recorded as "other". A person
    who does not exist: NotFound. The caller decides whether erasure is allowed (the law's
    exceptions, the data protection lead's decision); this function only carries it out.
    """
    from petal.consent.models import Consent, OwnAccess
    from petal.people.models import Person

    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise NotFound("No such person") from None
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person")
    counts: Counter = Counter()

    from petal.retention.registry import before_erase_hooks

    for hook in before_erase_hooks():
        _merge(counts, hook(person_id) or {})
    _erase_meetings(person_id, counts)
    _erase_import_traces(person_id, counts)
    own_user = OwnAccess.objects.filter(person_id=person_id).values_list("user_id", flat=True)
    own_user_id = own_user.first()
    # A renewal protects the consent it renewed; both are the person's and both go.
    Consent.objects.filter(person_id=person_id, renewal_of__isnull=False).update(renewal_of=None)
    # Records kept but unlinked from them (SET_NULL): counted before the link goes.
    for relation in _person_relations():
        if relation.on_delete is models.SET_NULL:
            n = relation.related_model._default_manager.filter(
                **{relation.field.name: person_id}
            ).count()
            if n:
                counts[f"{relation.related_model._meta.label_lower} unlinked"] += n
    _, per_model = Person.objects.filter(pk=person_id).delete()
    _merge(counts, per_model)
    _erase_own_sign_in(own_user_id, counts)

    result = dict(sorted(counts.items()))
    audit_record(
        actor=actor,
        action="person.erased",
        object_type=PERSON,
        object_id=person_id,
        data={"reason": reason_category(reason), "counts": result},
    )
    return result
