"""The learning library: the programme team adds documents (briefing notes, case studies,
workshop outcomes, other material), tags them, publishes and unpublishes them, and records the
agreements of the people in a case study to its use — and their withdrawal.

A case study is public only while at least one agreement is recorded and none is withdrawn
(``petal.programme.selectors.library.public_items``): publishing one without an agreement is
refused, and withdrawing an agreement takes it off the public site at once, whatever else is
set. Every change is audited in its own transaction.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, ValidationFailed, clean_text, fail
from petal.programme.models import CaseStudyConsent, LibraryItem, LibraryKind, Tag
from petal.reference.models import AreaOfDisadvantage

MAX_TITLE = 200
MAX_SUMMARY = 300
MAX_BODY = 100_000
MAX_TAGS = 20
MAX_TAG = 80
MAX_WHO = 200
MAX_HOW = 200
MAX_NOTE = 300

NO_CONSENT = "Record that the people in this case study agreed to its use before publishing it"
CONSENT_WITHDRAWN = (
    "An agreement to use this case study was withdrawn, so it cannot be published. "
    "It stays off the public site."
)
NOT_A_CASE_STUDY = "Agreements to use a document are recorded for case studies only"
KIND_FIXED = (
    "Agreements to use this document are recorded, so its kind cannot be changed. Add it again "
    "as a new document of the kind you want"
)


def _require_team(actor) -> None:
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team runs the learning library")


def _id(value, what: str) -> int:
    try:
        found = int(str(value))
    except (TypeError, ValueError) as exc:
        raise NotFound(f"No such {what}") from exc
    if found < 1 or found > 2**31 - 1:
        raise NotFound(f"No such {what}")
    return found


def _locked(item_id) -> LibraryItem:
    item = LibraryItem.objects.select_for_update().filter(pk=_id(item_id, "document")).first()
    if item is None:
        raise NotFound("No such document")
    return item


def parse_tags(text: str) -> list[str]:
    """Tag names from comma-separated text: trimmed, blanks dropped, repeats (by their slug)
    kept once, in the order typed."""
    names, seen = [], set()
    for raw in (text or "").replace("\x00", "").split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > MAX_TAG:
            fail("tags", f"Each tag must be {MAX_TAG} characters or fewer")
        slug = slugify(name)[:MAX_TAG]
        if not slug:
            fail("tags", f"‘{name[:40]}’ cannot be a tag: use letters or numbers")
        if slug not in seen:
            seen.add(slug)
            names.append(name)
    if len(names) > MAX_TAGS:
        fail("tags", f"Give {MAX_TAGS} tags or fewer")
    return names


def _tags(names: list[str]) -> list[Tag]:
    """The Tag rows for these names, made when new (a tag keeps the name it was first given)."""
    tags = []
    for name in names:
        slug = slugify(name)[:MAX_TAG]
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(
                slug=slug, name=name
            )
        tags.append(tag)
    return tags


def _areas(codes) -> list[AreaOfDisadvantage]:
    codes = {str(c) for c in (codes or []) if c}
    if any("\x00" in c for c in codes):
        fail("areas", "Choose areas from the list")
    rows = list(AreaOfDisadvantage.objects.filter(code__in=codes))
    if len(rows) != len(codes):
        fail("areas", "Choose areas from the list")
    return rows


def _fields(*, kind, title, summary, body, tags, areas, issued_on) -> dict:
    if kind not in LibraryKind.values:
        fail("kind", "Choose what kind of document it is")
    if issued_on is not None and not isinstance(issued_on, dt.date):
        fail("issued_on", "Enter the date it was issued as a real date")
    return {
        "kind": kind,
        "title": clean_text(title, field="title", label="a title", required=True, limit=MAX_TITLE),
        "summary": clean_text(summary, field="summary", label="a summary", limit=MAX_SUMMARY),
        "body": clean_text(
            body, field="body", label="the document's text", required=True, limit=MAX_BODY
        ),
        "tags": _tags(parse_tags(tags) if isinstance(tags, str) else list(tags or [])),
        "areas": _areas(areas),
        "issued_on": issued_on,
    }


@transaction.atomic
def library_item_create(
    *, actor, kind, title, summary="", body, tags="", areas=(), issued_on=None
) -> LibraryItem:
    """Add a document to the library, as a draft: it is public once published."""
    _require_team(actor)
    data = _fields(
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        tags=tags,
        areas=areas,
        issued_on=issued_on,
    )
    tags_, areas_ = data.pop("tags"), data.pop("areas")
    item = LibraryItem.objects.create(created_by=actor, **data)
    item.tags.set(tags_)
    item.areas.set(areas_)
    audit_record(
        actor=actor,
        action="library.item_added",
        obj=item,
        data={"kind": item.kind, "tags": [t.slug for t in tags_]},
    )
    return item


@transaction.atomic
def library_item_change(
    *, actor, item_id, kind, title, summary="", body, tags="", areas=(), issued_on=None
) -> LibraryItem:
    """Change a document. A published one stays published (a case study stays public only
    while its agreements allow). The kind of a document with agreements recorded cannot be
    changed."""
    _require_team(actor)
    item = _locked(item_id)
    data = _fields(
        kind=kind,
        title=title,
        summary=summary,
        body=body,
        tags=tags,
        areas=areas,
        issued_on=issued_on,
    )
    if data["kind"] != item.kind and CaseStudyConsent.objects.filter(item=item).exists():
        # An agreement (or its withdrawal) belongs to the case study it was given for.
        fail("kind", KIND_FIXED)
    tags_, areas_ = data.pop("tags"), data.pop("areas")
    changed = sorted(name for name, value in data.items() if getattr(item, name) != value)
    for name, value in data.items():
        setattr(item, name, value)
    item.save()
    if {t.pk for t in tags_} != set(item.tags.values_list("pk", flat=True)):
        changed.append("tags")
    if {a.pk for a in areas_} != set(item.areas.values_list("pk", flat=True)):
        changed.append("areas")
    item.tags.set(tags_)
    item.areas.set(areas_)
    audit_record(actor=actor, action="library.item_changed", obj=item, data={"fields": changed})
    return item


@transaction.atomic
def library_item_publish(*, actor, item_id, publish: bool) -> LibraryItem:
    """Publish a document in the public library, or take it off. A case study is published
    only with at least one agreement to its use recorded and none withdrawn."""
    _require_team(actor)
    item = _locked(item_id)
    if publish:
        consents = CaseStudyConsent.objects.filter(item=item)
        # Whatever its kind now: a withdrawn agreement keeps it off the public site.
        if consents.filter(withdrawn_at__isnull=False).exists():
            raise ValidationFailed(CONSENT_WITHDRAWN)
        if item.kind == LibraryKind.CASE_STUDY and not consents.exists():
            raise ValidationFailed(NO_CONSENT)
        if item.published_at is None:
            item.published_at = timezone.now()
            item.save(update_fields=["published_at", "updated_at"])
            audit_record(actor=actor, action="library.item_published", obj=item)
    elif item.published_at is not None:
        item.published_at = None
        item.save(update_fields=["published_at", "updated_at"])
        audit_record(actor=actor, action="library.item_unpublished", obj=item)
    return item


@transaction.atomic
def consent_record(*, actor, item_id, who: str, agreed_on, how: str) -> CaseStudyConsent:
    """Record that someone in a case study agreed to its use: who (described, never named),
    on what day, and how they agreed."""
    _require_team(actor)
    item = _locked(item_id)
    if item.kind != LibraryKind.CASE_STUDY:
        raise ValidationFailed(NOT_A_CASE_STUDY)
    who = clean_text(who, field="who", label="who agreed", required=True, limit=MAX_WHO)
    how = clean_text(how, field="how", label="how they agreed", required=True, limit=MAX_HOW)
    if not isinstance(agreed_on, dt.date):
        fail("agreed_on", "Enter the date they agreed")
    if agreed_on > timezone.localdate():
        fail("agreed_on", "The date they agreed must be today or in the past")
    consent = CaseStudyConsent.objects.create(
        item=item, who=who, agreed_on=agreed_on, how=how, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="library.consent_recorded",
        obj=consent,
        data={"item": item.pk, "agreed_on": agreed_on.isoformat()},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, item_id, consent_id, note: str) -> CaseStudyConsent:
    """Withdraw an agreement to use a case study, with a note of how it was withdrawn. The
    case study leaves the public site at once (and cannot be published again)."""
    _require_team(actor)
    item = _locked(item_id)
    consent = (
        CaseStudyConsent.objects.select_for_update()
        .filter(item=item, pk=_id(consent_id, "agreement"))
        .first()
    )
    if consent is None:
        raise NotFound("No such agreement")
    note = clean_text(
        note, field="note", label="a note of how they withdrew", required=True, limit=MAX_NOTE
    )
    if consent.withdrawn_at is not None:
        raise ValidationFailed("This agreement is already withdrawn")
    consent.withdrawn_at = timezone.now()
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_at", "withdrawal_note"])
    audit_record(
        actor=actor,
        action="library.consent_withdrawn",
        obj=consent,
        data={"item": item.pk, "was_published": item.published_at is not None},
    )
    return consent
