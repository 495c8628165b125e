"""Demo trauma-informed self-assessments and staff training (fictional; safe to run twice).

Four partner organisations have assessed themselves: the Ferry Project (Wisbech) and CGL twice,
a year apart, improving; CPSL Mind once; the Peterborough Light Project has one in progress.
Each has staff training recorded (counts, never names). The checklist itself is seeded by
migration. Nothing is added for an organisation that already has an assessment."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from petal.accounts.models import Organisation, User
from petal.programme.models import (
    ChecklistItem,
    SelfAssessment,
    SelfAssessmentAnswer,
    TrainingRecord,
)

EVIDENCE = {
    "buildings": "We asked people who use the centre how the reception and rooms felt to them.",
    "practice": "Staff read what a person's trusted person has shared before meeting them.",
    "training": "Training attendance is tracked by the team leader each quarter.",
}
ACTION = {
    "buildings": "Make the waiting area quieter and add a private room by the spring.",
    "practice": "Review our first-appointment letter with people with lived experience.",
    "training": "Book the next trauma-informed session for new starters.",
}

# slug → (who started it, [(days ago submitted or None for in progress, base rating, step)])
# The rating of item n is base + (n + step) % 2, capped at 4: a little variety, improving.
ROUNDS = {
    "ferry-project-wisbech": ("trusted.person@example.org", [(400, 1, 0), (35, 2, 1)]),
    "cgl-change-grow-live": ("service.staff@example.org", [(390, 2, 1), (28, 3, 0)]),
    "cpsl-mind": ("champion@example.org", [(60, 2, 0)]),
    "peterborough-light-project": ("trusted.person2@example.org", [(None, 2, 1)]),
}

TRAINING = {
    "ferry-project-wisbech": [
        ("trauma_informed", "", 420, 12, "Cambridgeshire County Council workforce development"),
        ("trusted_person", "", 200, 6, "Changing Futures programme team"),
    ],
    "cgl-change-grow-live": [
        ("trauma_informed", "", 380, 20, "CGL learning and development"),
        ("trusted_person", "", 90, 8, "Changing Futures programme team"),
    ],
    "cpsl-mind": [("trauma_informed", "", 150, 9, "CPSL Mind training team")],
    "peterborough-light-project": [
        ("other", "Psychologically informed environments", 45, 5, "An external trainer")
    ],
}


def _rating(position: int, base: int, step: int) -> int:
    return min(4, base + (position + step) % 2)


@transaction.atomic
def load() -> str:
    items = list(ChecklistItem.objects.filter(active=True).order_by("order", "id"))
    organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=list(ROUNDS))}
    now = timezone.now()
    for slug, (email, rounds) in ROUNDS.items():
        organisation = organisations.get(slug)
        if organisation is None:
            continue
        if not SelfAssessment.objects.filter(organisation=organisation).exists():
            user = User.objects.filter(email=email).first()
            for days_ago, base, step in rounds:
                when = now - dt.timedelta(days=days_ago if days_ago is not None else 3)
                assessment = SelfAssessment.objects.create(
                    organisation=organisation,
                    started_by=user,
                    started_at=when - dt.timedelta(days=14),
                    submitted_at=when if days_ago is not None else None,
                    submitted_by=user if days_ago is not None else None,
                )
                SelfAssessmentAnswer.objects.bulk_create(
                    SelfAssessmentAnswer(
                        assessment=assessment,
                        item=item,
                        # One in progress is rated part-way.
                        rating=(
                            _rating(n, base, step)
                            if days_ago is not None or n < len(items) // 2
                            else None
                        ),
                        evidence=EVIDENCE[item.section] if n % 3 == 0 else "",
                        action=ACTION[item.section] if n % 4 == 0 else "",
                    )
                    for n, item in enumerate(items)
                )
        if not TrainingRecord.objects.filter(organisation=organisation).exists():
            for course, title, days_ago, staff, provider in TRAINING[slug]:
                TrainingRecord.objects.create(
                    organisation=organisation,
                    course=course,
                    title=title,
                    completed_on=timezone.localdate() - dt.timedelta(days=days_ago),
                    staff_trained=staff,
                    provider=provider,
                )
    demo = list(organisations.values())
    return (
        f"Self-assessment: {SelfAssessment.objects.filter(organisation__in=demo).count()} "
        f"trauma-informed self-assessments for {len(demo)} partner organisations (two rounds, a "
        f"year apart, for two of them) and "
        f"{TrainingRecord.objects.filter(organisation__in=demo).count()} staff training records."
    )
