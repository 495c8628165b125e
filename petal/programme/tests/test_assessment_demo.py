"""The demo self-assessments, training records and contact messages: fictional, improving over
a year for two organisations, and safe to load twice."""

from __future__ import annotations

import pytest

from petal.programme.demo import assessment, contact
from petal.programme.models import ContactMessage, SelfAssessment, TrainingRecord
from petal.programme.selectors.assessment import average

pytestmark = pytest.mark.django_db


def test_demo_assessments_show_progress_and_load_twice_without_duplicates():
    first = assessment.load()
    counts = (SelfAssessment.objects.count(), TrainingRecord.objects.count())
    assert assessment.load() == first
    assert (SelfAssessment.objects.count(), TrainingRecord.objects.count()) == counts
    organisations = SelfAssessment.objects.values_list("organisation", flat=True).distinct()
    assert 3 <= len(set(organisations)) <= 4
    twice = [
        org
        for org in set(organisations)
        if SelfAssessment.objects.filter(organisation=org, submitted_at__isnull=False).count() == 2
    ]
    assert len(twice) == 2
    for org in twice:
        older, newer = SelfAssessment.objects.filter(organisation=org).order_by("submitted_at")
        assert (newer.submitted_at - older.submitted_at).days >= 330
        assert average(a.rating for a in newer.answers.all()) > average(
            a.rating for a in older.answers.all()
        )
    assert TrainingRecord.objects.filter(course="trauma_informed").exists()
    assert TrainingRecord.objects.filter(course="trusted_person").exists()


def test_demo_contact_messages_are_fictional_in_three_statuses_and_load_twice():
    contact.load()
    contact.load()
    messages = list(ContactMessage.objects.all())
    assert len(messages) == 3
    assert {m.status for m in messages} == {"new", "in_progress", "closed"}
    assert all(m.email.endswith("@example.org") for m in messages)
