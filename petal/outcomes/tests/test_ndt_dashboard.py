"""NDT distance travelled: the dashboard's figures equal a plain Python reference."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from petal.outcomes.dashboards import ndt
from petal.outcomes.models import Assessment, AssessmentItem
from petal.outcomes.tests.factories import NDT_CODES, RISK_CODES, AssessmentFactory
from petal.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _reference():
    """[people, first, latest, change, improved, same, worse] for everyone, and per item."""
    by_person: dict[int, list[Assessment]] = {}
    for a in Assessment.objects.filter(tool__slug="ndt").prefetch_related("answers"):
        by_person.setdefault(a.person_id, []).append(a)
    pairs = []
    for found in by_person.values():
        if len(found) < 2:
            continue
        found.sort(key=lambda a: (a.assessed_on, a.recorded_at, a.pk))
        pairs.append((found[0], found[-1]))
    n = len(pairs)
    first = sum(a.total for a, _ in pairs) / n
    latest = sum(b.total for _, b in pairs) / n
    improved = sum(1 for a, b in pairs if b.total < a.total)
    same = sum(1 for a, b in pairs if b.total == a.total)
    overall = [n, round(first, 1), round(latest, 1), round(latest - first, 1), improved, same]
    items = {}
    for item in AssessmentItem.objects.filter(tool__slug="ndt"):
        scores = [
            (
                next(x.score for x in a.answers.all() if x.item_id == item.pk),
                next(x.score for x in b.answers.all() if x.item_id == item.pk),
            )
            for a, b in pairs
        ]
        items[item.label] = [
            n,
            round(sum(f for f, _ in scores) / n, 1),
            round(sum(s for _, s in scores) / n, 1),
            sum(1 for f, s in scores if s < f),
            sum(1 for f, s in scores if s == f),
        ]
    return overall, items


def test_distance_travelled_equals_a_python_reference():
    rng = random.Random(11)
    start = dt.date(2025, 1, 1)
    for _ in range(40):
        person = PersonFactory()
        for k in range(rng.randint(1, 4)):
            scores = {
                code: rng.choice([0, 2, 4, 6, 8] if code in RISK_CODES else [0, 1, 2, 3, 4])
                for code in NDT_CODES
            }
            AssessmentFactory(
                person=person, assessed_on=start + dt.timedelta(days=40 * k), scores=scores
            )
    overall, items = _reference()
    table = ndt.partnership_table(ndt.pairs_by_district())
    every = next(row for row in table.rows if row.key == "all").values
    assert every[:6] == overall
    assert every[6] == overall[0] - overall[4] - overall[5]
    for row in ndt.item_table().rows:
        expected = items[row.label]
        assert [row.values[0], row.values[1], row.values[2], row.values[4], row.values[5]] == (
            expected
        ), row.label
