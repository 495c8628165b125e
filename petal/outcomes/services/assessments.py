"""Recording a person's assessments and their service use by quarter. Only the person's current
trusted person records either; everything else answers as if the person did not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from petal.audit.services import audit_record
from petal.core.errors import ValidationFailed, clean_text
from petal.outcomes import scoring
from petal.outcomes.models import SERVICE_USE_MEASURES, Assessment, AssessmentAnswer, ServiceUse
from petal.outcomes.selectors.assessments import (
    EARLIEST_YEAR,
    days_in_quarter,
    quarter_label,
    quarter_start,
    tool_by_slug,
)
from petal.people.selectors import person_get_for

EARLIEST = dt.date(EARLIEST_YEAR, 1, 1)
NOTE_LIMIT = 2000
SERVICE_NOTE_LIMIT = 500
# The most a quarter can sensibly hold for each count that is not a number of nights (nights
# are limited by the days in the quarter: 90 to 92).
SERVICE_USE_LIMITS = {
    "evictions": 10,
    "arrests": 92,
    "ae_attendances": 92,
    "crisis_contacts": 200,
    "drug_alcohol_contacts": 200,
}
NIGHTS = ("rough_sleeping_nights", "prison_nights")


def _person_to_change(actor, person_id: int):
    """The person, if the actor is their current trusted person (else not found). Nothing is
    read here, so nothing is recorded as read."""
    return person_get_for(
        actor, person_id, categories=(), purpose="record", require_change=True
    ).person


def _date_errors(person, assessed_on, errors: dict) -> None:
    today = timezone.localdate()
    if not isinstance(assessed_on, dt.date):
        errors["assessed_on"] = ["Enter the date of the assessment"]
    elif assessed_on > today:
        errors["assessed_on"] = ["The date of the assessment must be today or in the past"]
    elif person.date_of_birth and assessed_on < person.date_of_birth:
        errors["assessed_on"] = [
            "The date of the assessment must be after their date of birth "
            f"({person.date_of_birth:%-d %B %Y})"
        ]
    elif assessed_on < EARLIEST:
        errors["assessed_on"] = [f"The date of the assessment must be in {EARLIEST_YEAR} or later"]


@transaction.atomic
def assessment_record(
    *,
    actor,
    person_id: int,
    tool_slug: str,
    assessed_on: dt.date,
    scores: Mapping[str, int],
    note: str = "",
) -> Assessment:
    """Record a completed assessment of a person with one tool: every question answered with
    one of the scores it allows, on a date that is not in the future (nor before they were
    born), and not a second one with the same tool on the same day. Only their current trusted
    person may record it. The total is kept when the tool has one."""
    person = _person_to_change(actor, person_id)
    tool = tool_by_slug(tool_slug)
    items = list(tool.items.all())
    errors: dict[str, list[str]] = {}
    _date_errors(person, assessed_on, errors)
    try:
        scored = scoring.score(tool, items, scores)
    except ValidationFailed as failed:
        errors.update(failed.field_errors)
        scored = None
    try:
        note = clean_text(note, field="note", label="the note", limit=NOTE_LIMIT)
    except ValidationFailed as failed:
        errors.update(failed.field_errors)
    if (
        "assessed_on" not in errors
        and Assessment.objects.filter(person=person, tool=tool, assessed_on=assessed_on).exists()
    ):
        errors["assessed_on"] = [
            f"The {tool.short_name} assessment for {assessed_on:%-d %B %Y} is already recorded"
        ]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, field_errors=errors)
    assessment = Assessment.objects.create(
        programme_area_id=person.programme_area_id,
        person=person,
        tool=tool,
        assessed_on=assessed_on,
        total=scored.total,
        note=note,
        recorded_by=actor,
    )
    by_code = {item.code: item for item in items}
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(assessment=assessment, item=by_code[a.code], score=a.score)
        for a in scored.answers
    )
    audit_record(
        actor=actor,
        action="person.assessment_recorded",
        obj=person,
        categories=sorted(str(c) for c in tool.categories),
        data={
            "assessment": assessment.pk,
            "tool": tool.slug,
            "assessed_on": assessed_on.isoformat(),
            "total": scored.total,
        },
    )
    return assessment


# --- service use ---------------------------------------------------------------------------------

MEASURE_LABELS = {name: label for name, label, _ in SERVICE_USE_MEASURES}


def _lower_first(label: str) -> str:
    return label if label.startswith("A&E") else label[:1].lower() + label[1:]


def _measure_errors(values: Mapping[str, object], start: dt.date) -> tuple[dict, dict]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, int | None] = {}
    for name in values:
        if name not in MEASURE_LABELS:
            errors[str(name)] = [f"“{name}” is not a measure of service use"]
    days = days_in_quarter(start)
    for name, label, _ in SERVICE_USE_MEASURES:
        value = values.get(name)
        words = _lower_first(label)
        if value is None or value == "":
            clean[name] = None  # not known, which is not the same as none
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = [f"Enter the number of {words} as a whole number, like 3"]
            continue
        limit = days if name in NIGHTS else SERVICE_USE_LIMITS[name]
        if value < 0:
            errors[name] = [f"The number of {words} must be 0 or more"]
        elif value > limit:
            errors[name] = [
                f"The number of {words} must be {limit} or fewer"
                + (f" (there are {days} nights in the quarter)" if name in NIGHTS else "")
            ]
        else:
            clean[name] = value
    nights = [clean.get(n) for n in NIGHTS]
    if not any(n in errors for n in NIGHTS) and all(v is not None for v in nights):
        if sum(nights) > days:
            errors["prison_nights"] = [
                "Nights sleeping rough and nights in prison add up to more than the "
                f"{days} nights in the quarter"
            ]
    return clean, errors


@transaction.atomic
def service_use_record(
    *,
    actor,
    person_id: int,
    year: int,
    quarter: int,
    values: Mapping[str, int | None],
    note: str = "",
) -> ServiceUse:
    """Record (or change) a person's service use for one quarter, given as a year and a
    quarter number (1 is January to March). Each measure is a whole number from 0, or blank
    when it is not known; nights are limited by the nights in the quarter, which must not be
    in the future. Only their current trusted person may record it."""
    person = _person_to_change(actor, person_id)
    errors: dict[str, list[str]] = {}
    start = None
    today = timezone.localdate()
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        errors["year"] = ["Enter the year as 4 digits, like 2025"]
    elif year < EARLIEST_YEAR:
        errors["year"] = [f"The year must be {EARLIEST_YEAR} or later"]
    if isinstance(quarter, bool) or quarter not in (1, 2, 3, 4):
        errors["quarter"] = ["Choose the quarter"]
    if not errors:
        start = quarter_start(year, quarter)
        if start > today:
            errors["quarter"] = [f"{quarter_label(start)} has not started yet"]
    clean, measure_errors = _measure_errors(values, start or quarter_start(today.year, 1))
    errors.update(measure_errors)
    try:
        note = clean_text(note, field="note", label="the note", limit=SERVICE_NOTE_LIMIT)
    except ValidationFailed as failed:
        errors.update(failed.field_errors)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, field_errors=errors)
    use = ServiceUse.objects.select_for_update().filter(person=person, quarter=start).first()
    created = use is None
    if created:
        use = ServiceUse(
            programme_area_id=person.programme_area_id,
            person=person,
            quarter=start,
            recorded_by=actor,
        )
    before = {name: getattr(use, name) for name in clean}
    for name, value in clean.items():
        setattr(use, name, value)
    use.note = note
    use.programme_area_id = person.programme_area_id
    if not created:
        use.recorded_by = actor
        use.recorded_at = timezone.now()
    use.save()
    categories = {c for name, _, c in SERVICE_USE_MEASURES}
    audit_record(
        actor=actor,
        action="person.service_use_recorded",
        obj=person,
        categories=sorted(categories),
        data={
            "service_use": use.pk,
            "quarter": start.isoformat(),
            "created": created,
            "changed": sorted(n for n, v in clean.items() if before[n] != v) if not created else [],
        },
    )
    return use
