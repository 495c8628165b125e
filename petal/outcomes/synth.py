"""Synthetic assessments and service use, for benchmarks: bulk inserts, no per-row queries.

- ``synth_assessments(people)``: that many people (picked at random among those without an NDT
  assessment yet) get 2–4 NDT assessments each over the past two years, recorded by their
  trusted person. Every score is one the item allows (read from the seeded tool, so the
  definition stays data) and ``total`` is the sum of the answers. Scores drift down over time
  for most people (distance travelled), up for some.
- ``synth_service_use(people)``: that many people get a row for each of the four quarters
  before the current one, each measure known (a small count) or not known (empty).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from petal.outcomes.models import (
    SERVICE_USE_MEASURES,
    Assessment,
    AssessmentAnswer,
    AssessmentItem,
    AssessmentTool,
    ServiceUse,
)
from petal.people.models import Person, TrustedRelationship

NDT = "ndt"
BATCH = 5000
# Rough upper bounds of each measure in one quarter (most quarters are well below them).
SERVICE_USE_HIGH = {
    "rough_sleeping_nights": 90,
    "evictions": 2,
    "arrests": 5,
    "prison_nights": 90,
    "ae_attendances": 8,
    "crisis_contacts": 6,
    "drug_alcohol_contacts": 12,
}
UNKNOWN = 0.15  # the share of measures not known for a quarter


def _people(rng: random.Random, count: int, exclude) -> list[tuple[int, int, int | None]]:
    """(person id, programme area id, lead trusted person id) for ``count`` people picked at
    random, skipping the ids in the ``exclude`` subquery."""
    candidates = list(
        Person.objects.exclude(pk__in=exclude).order_by("pk").values_list("pk", "programme_area_id")
    )
    chosen = rng.sample(candidates, min(count, len(candidates)))
    chosen.sort()
    wanted = {pk for pk, _ in chosen}
    tp: dict[int, int] = {}
    # Every current relationship (one row a person at most a few): cheaper than naming 30,000
    # ids as parameters, and SQLite allows 32,766 parameters at most.
    for person_id, user_id in (
        TrustedRelationship.objects.filter(ends_on__isnull=True)
        .order_by("person_id", "-is_lead", "pk")
        .values_list("person_id", "trusted_person_id")
    ):
        if person_id in wanted:
            tp.setdefault(person_id, user_id)
    return [(pk, area, tp.get(pk)) for pk, area in chosen]


def _dates(rng: random.Random, today: dt.date, n: int) -> list[dt.date]:
    days = sorted(rng.sample(range(0, 730), n), reverse=True)
    return [today - dt.timedelta(days=d) for d in days]


def synth_assessments(count: int, *, seed: int = 2026) -> tuple[int, int]:
    """Give ``count`` people 2–4 NDT assessments each. Returns (assessments, answers) made."""
    rng = random.Random(seed + 11)  # noqa: S311 - synthetic data
    tool = AssessmentTool.objects.get(slug=NDT)
    items = [(item.pk, item.allowed) for item in AssessmentItem.objects.filter(tool=tool)]
    if not items:
        raise ValueError("The NDT assessment has no items: run the migrations first")
    assessed = Assessment.objects.filter(tool=tool).values("person_id")
    people = _people(rng, count, assessed)
    today = timezone.localdate()
    now = timezone.now()
    made = answers_made = 0
    for start in range(0, len(people), BATCH):
        assessments: list[Assessment] = []
        scores: list[list[tuple[int, int]]] = []
        for person_id, area_id, tp_id in people[start : start + BATCH]:
            # A level from 0 (no need) to 1 (the highest need on every item), moving by
            # ``drift`` between assessments: most people improve, some get worse.
            level = rng.uniform(0.3, 0.9)
            drift = rng.gauss(-0.08, 0.08)
            for n, day in enumerate(_dates(rng, today, rng.randint(2, 4))):
                here = min(1.0, max(0.0, level + n * drift))
                answers = []
                for item_id, allowed in items:
                    position = round(here * (len(allowed) - 1) + rng.gauss(0, 0.7))
                    answers.append((item_id, allowed[min(len(allowed) - 1, max(0, position))]))
                assessments.append(
                    Assessment(
                        programme_area_id=area_id,
                        person_id=person_id,
                        tool=tool,
                        assessed_on=day,
                        total=sum(score for _, score in answers),
                        recorded_by_id=tp_id,
                        recorded_at=now - dt.timedelta(days=(today - day).days),
                    )
                )
                scores.append(answers)
        with transaction.atomic():
            assessments = Assessment.objects.bulk_create(assessments, batch_size=2000)
            AssessmentAnswer.objects.bulk_create(
                [
                    AssessmentAnswer(assessment_id=assessment.pk, item_id=item_id, score=score)
                    for assessment, answers in zip(assessments, scores, strict=True)
                    for item_id, score in answers
                ],
                batch_size=5000,
            )
        made += len(assessments)
        answers_made += sum(len(a) for a in scores)
    return made, answers_made


def last_quarters(today: dt.date, n: int = 4) -> list[dt.date]:
    """The first days of the ``n`` quarters before the one ``today`` is in, oldest first."""
    year, month = today.year, 3 * ((today.month - 1) // 3) + 1
    out = []
    for _ in range(n):
        month -= 3
        if month <= 0:
            year, month = year - 1, month + 12
        out.append(dt.date(year, month, 1))
    return list(reversed(out))


def synth_service_use(count: int, *, seed: int = 2026) -> int:
    """Give ``count`` people (without service use yet) a row for each of the last four
    quarters. Returns the rows made."""
    rng = random.Random(seed + 12)  # noqa: S311 - synthetic data
    recorded = ServiceUse.objects.values("person_id")
    people = _people(rng, count, recorded)
    today = timezone.localdate()
    quarters = last_quarters(today)
    now = timezone.now()
    made = 0
    for start in range(0, len(people), BATCH):
        rows = []
        for person_id, area_id, tp_id in people[start : start + BATCH]:
            for quarter in quarters:
                measures = {}
                for field, _, _ in SERVICE_USE_MEASURES:
                    if rng.random() < UNKNOWN:
                        measures[field] = None
                    elif rng.random() < 0.5:
                        measures[field] = 0
                    else:
                        high = SERVICE_USE_HIGH[field]
                        measures[field] = min(high, int(rng.expovariate(3 / high)) + 1)
                rows.append(
                    ServiceUse(
                        programme_area_id=area_id,
                        person_id=person_id,
                        quarter=quarter,
                        recorded_by_id=tp_id,
                        recorded_at=now,
                        **measures,
                    )
                )
        with transaction.atomic():
            ServiceUse.objects.bulk_create(rows, batch_size=2000)
        made += len(rows)
    return made
