"""Fictional assessments over time and service use by quarter for the demo people
(petal/people/demo.py), recorded by their trusted persons through the services.

Deterministic (a fixed seed) and safe to run twice: a person who already has an NDT assessment
is left alone. Most people's NDT totals fall over a year or so (some stay level, a few rise), so
distance travelled shows on the person's page and across the cohort.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from petal.outcomes.models import Assessment, AssessmentTool, ServiceUse
from petal.outcomes.selectors.assessments import quarter_of
from petal.outcomes.services.assessments import assessment_record, service_use_record
from petal.people.demo import FIRST, LAST
from petal.people.models import Person, TrustedRelationship

NOTES = [
    "Done together over a coffee; they chose the scores with me.",
    "Scored with their hostel key worker present, at their request.",
    "",
    "",
]


def _trusted_person(person):
    rel = (
        TrustedRelationship.objects.filter(person=person, ends_on__isnull=True)
        .select_related("trusted_person")
        .order_by("-is_lead", "starts_on")
        .first()
    )
    return rel.trusted_person if rel else None


def _step(score: int, allowed: list[int], towards: int, rng) -> int:
    """Move a score one level up or down its scale (towards -1 for better, +1 for worse)."""
    index = allowed.index(score) + towards
    if 0 <= index < len(allowed) and rng.random() < 0.55:
        return allowed[index]
    return score


def _ndt_series(items, count: int, trend: int, rng) -> list[dict[str, int]]:
    start = {}
    for item in items:
        allowed = sorted(int(v) for v, _ in item.scores)
        start[item.code] = allowed[rng.randrange(2, len(allowed))]
    series = [start]
    for _ in range(count - 1):
        towards = trend if trend else rng.choice([-1, 1])
        series.append(
            {
                item.code: _step(
                    series[-1][item.code],
                    sorted(int(v) for v, _ in item.scores),
                    towards,
                    rng,
                )
                for item in items
            }
        )
    return series


def _wellbeing_series(items, count: int, trend: int, rng) -> list[dict[str, int]]:
    series = []
    for n in range(count):
        scores = {}
        for item in items:
            base = 3 + rng.randrange(3)
            # Better is up for the first three questions and down for anxiety.
            move = -trend * n * (-1 if item.lower_is_better else 1)
            scores[item.code] = max(0, min(10, base + move + rng.choice([-1, 0, 0, 1])))
        series.append(scores)
    return series


def _quarters_back(today: dt.date, count: int) -> list[tuple[int, int]]:
    year, quarter = quarter_of(today)
    found = []
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        found.append((year, quarter))
    return list(reversed(found))


@transaction.atomic
def load() -> str:
    ndt = AssessmentTool.objects.filter(slug="ndt").first()
    wellbeing = AssessmentTool.objects.filter(slug="ons4-wellbeing").first()
    if ndt is None:
        return ""
    ndt_items = list(ndt.items.order_by("order"))
    wellbeing_items = list(wellbeing.items.order_by("order")) if wellbeing else []
    rng = random.Random(1148)  # noqa: S311 - fictional data
    today = timezone.localdate()
    people = 0
    for index, (first, last) in enumerate(zip(FIRST, LAST, strict=True)):
        # The same draws for a person whether or not earlier people were loaded before.
        rng.seed(1148 + index)
        person = Person.objects.filter(full_name=f"{first} {last}").first()
        if person is None or index % 8 == 7:
            continue  # some people have no assessment yet
        actor = _trusted_person(person)
        if actor is None:
            continue
        people += 1
        if Assessment.objects.filter(person=person, tool=ndt).exists():
            continue
        # Seven in ten improve, two stay about level, one gets worse.
        trend = [-1, -1, -1, -1, -1, -1, -1, 0, 0, 1][index % 10]
        count = 2 + index % 5
        days = [
            today - dt.timedelta(days=7 + 91 * (count - 1 - n) + rng.randrange(10))
            for n in range(count)
        ]
        for day, scores in zip(days, _ndt_series(ndt_items, count, trend, rng), strict=True):
            assessment_record(
                actor=actor,
                person_id=person.pk,
                tool_slug=ndt.slug,
                assessed_on=day,
                scores=scores,
                note=rng.choice(NOTES),
            )
        if wellbeing_items and index % 2 == 0:
            for day, scores in zip(
                days[-3:],
                _wellbeing_series(wellbeing_items, len(days[-3:]), trend, rng),
                strict=True,
            ):
                assessment_record(
                    actor=actor,
                    person_id=person.pk,
                    tool_slug=wellbeing.slug,
                    assessed_on=day,
                    scores=scores,
                )
        nights = rng.randrange(20, 80) if index % 3 == 0 else rng.randrange(0, 15)
        for n, (year, quarter) in enumerate(_quarters_back(today, 4)):
            shrink = max(0.0, 1 + trend * 0.3 * n)
            rough = min(90, round(nights * shrink))
            service_use_record(
                actor=actor,
                person_id=person.pk,
                year=year,
                quarter=quarter,
                values={
                    "rough_sleeping_nights": rough,
                    "evictions": 1 if rng.random() < 0.1 else 0,
                    "arrests": round(rng.randrange(0, 4) * shrink),
                    "prison_nights": 0
                    if rough > 60
                    else min(90 - rough, rng.choice([0, 0, 0, 14])),
                    "ae_attendances": round(rng.randrange(0, 5) * shrink),
                    "crisis_contacts": None
                    if rng.random() < 0.25
                    else round(rng.randrange(0, 6) * shrink),
                    "drug_alcohol_contacts": rng.randrange(0, 12),
                },
                note="From their own account and the hostel's records." if n == 0 else "",
            )
    if not people:
        return ""
    return (
        f"Outcomes: {Assessment.objects.filter(tool=ndt).count()} NDT and "
        f"{Assessment.objects.exclude(tool=ndt).count()} wellbeing assessments over time for "
        f"{people} people, and {ServiceUse.objects.count()} quarters of service use."
    )
