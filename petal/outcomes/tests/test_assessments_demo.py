"""The demo's assessments and service use: fictional people's NDT totals over time, loaded
through the services, safe to load twice, with distance travelled that shows."""

from __future__ import annotations

import pytest

from petal.accounts.demo import load_demo as load_users
from petal.outcomes.demo import load_demo
from petal.outcomes.models import Assessment, ServiceUse
from petal.outcomes.selectors.assessments import person_outcomes
from petal.people.demo import load_people

pytestmark = pytest.mark.django_db


def test_the_demo_loads_assessments_over_time_once():
    load_users(password="demo-test-passphrase")
    load_people()
    (sentence,) = load_demo()
    assert sentence.startswith("Outcomes:")
    counts = (Assessment.objects.count(), ServiceUse.objects.count())
    assert counts[0] > 60 and counts[1] > 60
    # Safe to run twice: nothing new.
    load_demo()
    assert (Assessment.objects.count(), ServiceUse.objects.count()) == counts
    # Most people's totals fell from their first NDT assessment to their latest.
    better = worse = 0
    for person_id in (
        Assessment.objects.filter(tool__slug="ndt").values_list("person_id", flat=True).distinct()
    ):
        person = Assessment.objects.filter(person_id=person_id).first().person
        tp = person.relationships.first().trusted_person
        history = person_outcomes(tp, person_id).histories[0]
        assert history.tool.slug == "ndt"
        if history.distance and history.distance.total.change < 0:
            better += 1
        elif history.distance and history.distance.total.change > 0:
            worse += 1
    assert better > worse > 0
