"""`manage.py synth --assessments N --service-use N`: synthetic NDT assessments and quarterly
service use for the outcomes benchmarks — every row one the app itself would accept."""

import datetime as dt
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from petal.accounts.demo import load_demo
from petal.outcomes.models import (
    SERVICE_USE_MEASURES,
    Assessment,
    AssessmentAnswer,
    AssessmentItem,
    ServiceUse,
)
from petal.outcomes.synth import SERVICE_USE_HIGH, last_quarters
from petal.people.models import TrustedRelationship

pytestmark = pytest.mark.django_db


def _synth(**options) -> str:
    out = StringIO()
    call_command(
        "synth",
        organisations=2,
        users=10,
        events=0,
        stdout=out,
        **options,
    )
    return out.getvalue()


def test_synth_assessments_are_valid_ndt_assessments():
    load_demo(password="a synthetic passphrase")
    out = _synth(people=80, assessments=30)

    items = {item.pk: item for item in AssessmentItem.objects.filter(tool__slug="ndt")}
    assert len(items) == 10
    assessments = list(Assessment.objects.select_related("tool"))
    per_person = Counter(a.person_id for a in assessments)
    assert len(per_person) == 30
    assert set(per_person.values()) <= {2, 3, 4}
    assert f"Made {len(assessments)} NDT assessments with {10 * len(assessments)} answers." in out

    today = timezone.localdate()
    answers: dict[int, dict[int, int]] = {}
    for a_id, item_id, score in AssessmentAnswer.objects.values_list(
        "assessment_id", "item_id", "score"
    ):
        answers.setdefault(a_id, {})[item_id] = score
    relationships = set(TrustedRelationship.objects.values_list("person_id", "trusted_person_id"))
    for assessment in assessments:
        assert assessment.tool.slug == "ndt"
        mine = answers[assessment.pk]
        # One answer for every item, each a score the item allows, and the total their sum.
        assert set(mine) == set(items)
        for item_id, score in mine.items():
            assert score in items[item_id].allowed, (items[item_id].code, score)
        assert assessment.total == sum(mine.values())
        assert 0 <= assessment.total <= 48
        assert today - dt.timedelta(days=730) <= assessment.assessed_on <= today
        assert (assessment.person_id, assessment.recorded_by_id) in relationships
    # The same check in the database, as a dashboard would add them up.
    sums = dict(
        AssessmentAnswer.objects.values("assessment_id")
        .annotate(s=Sum("score"))
        .values_list("assessment_id", "s")
    )
    assert sums == {a.pk: a.total for a in assessments}
    # The risk items use their own scale (0, 2, 4, 6, 8): some odd score would be a bug.
    risk = {pk for pk, item in items.items() if item.code.startswith("risk-")}
    assert risk and all(
        score % 2 == 0 for a in answers.values() for pk, score in a.items() if pk in risk
    )
    # Several people's totals change between their first and latest assessment.
    by_person: dict[int, list] = {}
    for assessment in sorted(assessments, key=lambda a: a.assessed_on):
        by_person.setdefault(assessment.person_id, []).append(assessment.total)
    assert any(totals[0] != totals[-1] for totals in by_person.values())

    # Running again assesses other people, never the same person twice over.
    _synth(assessments=20)
    again = Counter(Assessment.objects.values_list("person_id", flat=True))
    assert len(again) == 50
    assert set(again.values()) <= {2, 3, 4}


def test_synth_service_use_is_a_year_of_quarters():
    load_demo(password="a synthetic passphrase")
    out = _synth(people=60, service_use=25)

    rows = list(ServiceUse.objects.all())
    assert len(rows) == 100
    assert "Made 100 service use rows." in out
    quarters = last_quarters(timezone.localdate())
    assert len(quarters) == 4
    by_person = Counter(row.person_id for row in rows)
    assert len(by_person) == 25 and set(by_person.values()) == {4}
    known = 0
    for row in rows:
        assert row.quarter in quarters
        assert row.quarter.day == 1 and row.quarter.month in (1, 4, 7, 10)
        for field, _, _ in SERVICE_USE_MEASURES:
            value = getattr(row, field)
            if value is not None:
                known += 1
                assert 0 <= value <= SERVICE_USE_HIGH[field]
    # Most measures are known, some are not (not known is not the same as none).
    assert 0 < known < len(rows) * len(SERVICE_USE_MEASURES)

    _synth(service_use=10)
    assert ServiceUse.objects.values("person_id").distinct().count() == 35
    assert ServiceUse.objects.count() == 140


def test_last_quarters_are_the_four_before_this_one():
    assert last_quarters(dt.date(2026, 2, 14)) == [
        dt.date(2025, 1, 1),
        dt.date(2025, 4, 1),
        dt.date(2025, 7, 1),
        dt.date(2025, 10, 1),
    ]
    assert last_quarters(dt.date(2026, 12, 31))[-1] == dt.date(2026, 7, 1)
