"""Factories for assessments and service use, shared by the outcomes tests.

``AssessmentFactory(person=..., scores={...})`` records a valid assessment (the NDT assessment
unless ``tool`` says otherwise) straight into the database: answers for every question (those
not given score 0, or the lowest allowed), checked against the tool's definition, with the total
kept. ``scores`` may also be a list in question order. It does not go through the service, so
it writes no audit event and checks no access: tests of those call the service.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from petal.outcomes import scoring
from petal.outcomes.models import Assessment, AssessmentAnswer, AssessmentTool, ServiceUse
from petal.people.tests.factories import PersonFactory, _area

NDT_CODES = [
    "engagement",
    "intentional-self-harm",
    "unintentional-self-harm",
    "risk-to-others",
    "risk-from-others",
    "stress-anxiety",
    "social-effectiveness",
    "alcohol-drugs",
    "impulse-control",
    "housing",
]
RISK_CODES = {"risk-to-others", "risk-from-others"}


def ndt_tool() -> AssessmentTool:
    return AssessmentTool.objects.get(slug="ndt")


def full_scores(tool: AssessmentTool, scores=None) -> dict[str, int]:
    """Every question of the tool answered: ``scores`` (a dict by code, or a list in question
    order) over the lowest allowed score of each question."""
    items = list(tool.items.order_by("order"))
    if isinstance(scores, list | tuple):
        scores = dict(zip([i.code for i in items], scores, strict=True))
    given = dict(scores or {})
    return {item.code: given.get(item.code, scoring.allowed_scores(item)[0]) for item in items}


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    programme_area = factory.LazyFunction(_area)
    person = factory.SubFactory(PersonFactory)
    tool = factory.LazyFunction(ndt_tool)
    assessed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    total = None

    @classmethod
    def _create(cls, model_class, *args, scores=None, **kwargs):
        tool = kwargs["tool"]
        if isinstance(tool, str):
            tool = kwargs["tool"] = AssessmentTool.objects.get(slug=tool)
        items = list(tool.items.order_by("order"))
        scored = scoring.score(tool, items, full_scores(tool, scores))
        kwargs["total"] = scored.total
        assessment = super()._create(model_class, *args, **kwargs)
        by_code = {item.code: item for item in items}
        AssessmentAnswer.objects.bulk_create(
            AssessmentAnswer(assessment=assessment, item=by_code[a.code], score=a.score)
            for a in scored.answers
        )
        return assessment


def _previous_quarter_start() -> dt.date:
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return dt.date(year, 3 * (quarter - 1) + 1, 1)


class ServiceUseFactory(DjangoModelFactory):
    """A quarter's service use (last quarter unless ``quarter`` is given); measures not given
    are not known (None)."""

    class Meta:
        model = ServiceUse

    programme_area = factory.LazyFunction(_area)
    person = factory.SubFactory(PersonFactory)
    quarter = factory.LazyFunction(_previous_quarter_start)
