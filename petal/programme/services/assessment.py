"""Trauma-informed self-assessment and staff training records.

An organisation assesses itself against the checklist (buildings and facilities, practice,
training): each item rated, with evidence and an action. Its own workers and the programme
team start, fill in and submit it (``petal.access.programme.may_assess``); anyone else is
answered as if it did not exist. Answers may be saved part-way; submitting needs every item
rated, and a submitted assessment is never changed again: progress shows by starting a new
one, which begins from the last submitted answers so only what moved needs changing.

Training records are counts of staff trained (never names), per course.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from petal.access.programme import may_assess
from petal.accounts.models import Organisation
from petal.audit.services import audit_record
from petal.core.errors import NotFound, ValidationFailed, clean_text, fail
from petal.programme.models import (
    ChecklistItem,
    Rating,
    SelfAssessment,
    SelfAssessmentAnswer,
    TrainingCourse,
    TrainingRecord,
)

MAX_TEXT = 5000
MAX_TITLE = 200
MAX_PROVIDER = 200
MAX_STAFF = 100_000
SUBMITTED = "This self-assessment has been submitted and can no longer be changed"


def _id(value, what: str) -> int:
    try:
        found = int(str(value))
    except (TypeError, ValueError):
        raise NotFound(f"No such {what}") from None
    if found < 1 or found > 2**31 - 1:
        raise NotFound(f"No such {what}")
    return found


def _organisation(actor, organisation_id) -> Organisation:
    organisation = Organisation.objects.filter(pk=_id(organisation_id, "organisation")).first()
    if organisation is None or not may_assess(actor, organisation.pk):
        raise NotFound("No such organisation")
    return organisation


def _locked(actor, assessment_id) -> SelfAssessment:
    assessment = (
        SelfAssessment.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(pk=_id(assessment_id, "self-assessment"))
        .first()
    )
    if assessment is None or not may_assess(actor, assessment.organisation_id):
        raise NotFound("No such self-assessment")
    return assessment


def _active_items() -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(active=True).order_by("order", "id"))


@transaction.atomic
def assessment_start(*, actor, organisation_id) -> tuple[SelfAssessment, bool]:
    """Start a self-assessment for an organisation the actor may assess, or, when one is in
    progress (started, not submitted), return that one instead: an organisation has one
    assessment open at a time. A new one begins with the ratings, evidence and actions of the
    organisation's last submitted assessment. Returns (assessment, created)."""
    organisation = _organisation(actor, organisation_id)
    # Lock the organisation's row so two people starting at once open one assessment.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    open_one = (
        SelfAssessment.objects.filter(organisation=organisation, submitted_at__isnull=True)
        .order_by("-started_at", "-id")
        .first()
    )
    if open_one is not None:
        return open_one, False
    previous = (
        SelfAssessment.objects.filter(organisation=organisation, submitted_at__isnull=False)
        .order_by("-submitted_at", "-id")
        .first()
    )
    earlier = (
        {a.item_id: a for a in SelfAssessmentAnswer.objects.filter(assessment=previous)}
        if previous
        else {}
    )
    assessment = SelfAssessment.objects.create(organisation=organisation, started_by=actor)
    answers = []
    for item in _active_items():
        before = earlier.get(item.pk)
        answers.append(
            SelfAssessmentAnswer(
                assessment=assessment,
                item=item,
                rating=before.rating if before else None,
                evidence=before.evidence if before else "",
                action=before.action if before else "",
            )
        )
    SelfAssessmentAnswer.objects.bulk_create(answers)
    audit_record(
        actor=actor,
        action="assessment.started",
        obj=assessment,
        data={"organisation": organisation.pk, "from": previous.pk if previous else None},
    )
    return assessment, True


def _rating(value, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        rating = int(str(value))
    except (TypeError, ValueError):
        rating = None
    if rating not in Rating.values:
        fail(field, "Choose a rating from the list")
    return rating


@transaction.atomic
def assessment_answer(*, actor, assessment_id, answers: dict) -> SelfAssessment:
    """Save answers to an assessment in progress: ``answers`` maps a checklist item's id to
    ``{"rating": 1-4 or None, "evidence": str, "action": str}``. Items not given are left as
    they are; a rating may be left empty (saving part-way is fine). A submitted assessment is
    not changed."""
    assessment = _locked(actor, assessment_id)
    if assessment.submitted_at:
        raise ValidationFailed(SUBMITTED)
    items = {item.pk: item for item in _active_items()}
    existing = {a.item_id: a for a in SelfAssessmentAnswer.objects.filter(assessment=assessment)}
    errors: dict[str, list[str]] = {}
    cleaned = {}
    for raw_id, given in (answers or {}).items():
        item_id = _id(raw_id, "checklist item") if str(raw_id).isdigit() else None
        if item_id not in items:
            raise ValidationFailed("Answer only the items on the checklist")
        prefix = f"item-{item_id}"
        try:
            cleaned[item_id] = {
                "rating": _rating(given.get("rating"), f"{prefix}-rating"),
                "evidence": clean_text(
                    given.get("evidence"),
                    field=f"{prefix}-evidence",
                    label="the evidence",
                    limit=MAX_TEXT,
                ),
                "action": clean_text(
                    given.get("action"),
                    field=f"{prefix}-action",
                    label="the action",
                    limit=MAX_TEXT,
                ),
            }
        except ValidationFailed as error:
            for field, messages in error.field_errors.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationFailed("Check the answers", field_errors=errors)

    changed = []
    for item_id, values in cleaned.items():
        answer = existing.get(item_id)
        if answer is None:
            SelfAssessmentAnswer.objects.create(assessment=assessment, item_id=item_id, **values)
            changed.append(item_id)
            continue
        if any(getattr(answer, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(answer, k, v)
            answer.save(update_fields=["rating", "evidence", "action", "updated_at"])
            changed.append(item_id)
    if changed:
        audit_record(
            actor=actor,
            action="assessment.answered",
            obj=assessment,
            data={"organisation": assessment.organisation_id, "items": sorted(changed)},
        )
    return assessment


@transaction.atomic
def assessment_submit(*, actor, assessment_id) -> SelfAssessment:
    """Submit an assessment once every active item on the checklist is rated. Refused with the
    items still to rate named; a submitted assessment is read-only from then on."""
    assessment = _locked(actor, assessment_id)
    if assessment.submitted_at:
        raise ValidationFailed(SUBMITTED)
    rated = set(
        SelfAssessmentAnswer.objects.filter(
            assessment=assessment, rating__isnull=False
        ).values_list("item_id", flat=True)
    )
    unrated = [item for item in _active_items() if item.pk not in rated]
    if unrated:
        listing = "; ".join(f"‘{item.text}’" for item in unrated)
        noun = "1 item" if len(unrated) == 1 else f"{len(unrated)} items"
        raise ValidationFailed(
            f"Rate every item before you submit. Still to rate ({noun}): {listing}",
            field_errors={
                "__all__": [f"Rate every item before you submit: {noun} still to rate"],
                **{f"item-{item.pk}-rating": [f"Rate ‘{item.text}’"] for item in unrated},
            },
        )
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        action="assessment.submitted",
        obj=assessment,
        data={"organisation": assessment.organisation_id},
    )
    return assessment


@transaction.atomic
def training_record(
    *,
    actor,
    organisation_id,
    course: str,
    completed_on: dt.date | None,
    staff_trained,
    title: str = "",
    provider: str = "",
    notes: str = "",
) -> TrainingRecord:
    """Record training an organisation's staff took: the course, when, how many staff (a
    count, never names), who gave it. Its own workers and the programme team record it."""
    organisation = _organisation(actor, organisation_id)
    if course not in TrainingCourse.values:
        fail("course", "Choose the course from the list")
    title = clean_text(title, field="title", label="the title", limit=MAX_TITLE)
    if course == TrainingCourse.OTHER and not title:
        fail("title", "Enter the title of the course")
    if completed_on is None:
        fail("completed_on", "Enter the date the training was completed")
    if completed_on > timezone.localdate():
        fail("completed_on", "The date the training was completed must be today or in the past")
    try:
        staff = int(staff_trained)
    except (TypeError, ValueError):
        fail("staff_trained", "Enter the number of staff trained, as a number")
    if staff < 1 or staff > MAX_STAFF:
        fail("staff_trained", f"The number of staff trained must be between 1 and {MAX_STAFF:,}")
    record = TrainingRecord.objects.create(
        organisation=organisation,
        course=course,
        title=title,
        completed_on=completed_on,
        staff_trained=staff,
        provider=clean_text(provider, field="provider", label="the provider", limit=MAX_PROVIDER),
        notes=clean_text(notes, field="notes", label="the notes", limit=MAX_TEXT),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="training.recorded",
        obj=record,
        data={"organisation": organisation.pk, "course": course, "staff_trained": staff},
    )
    return record
