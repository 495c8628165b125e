"""A person's assessments through the API: the same selectors and services as the pages, so the
same rules (someone else's person, or a tool whose categories the reader may not read, is not
there)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from petal.access.api import require
from petal.outcomes.selectors import assessments as selectors
from petal.outcomes.services import assessments as services

router = Router(tags=["assessments"])


class AssessmentAnswerOut(Schema):
    item: str
    label: str
    score: int
    level: str


class AssessmentOut(Schema):
    id: int
    tool: str
    tool_name: str
    assessed_on: dt.date
    total: int | None
    note: str
    answers: list[AssessmentAnswerOut]


class PersonAssessments(Schema):
    person_id: int
    assessments: list[AssessmentOut]


class AssessmentIn(Schema):
    tool: str = Field(..., max_length=60, description='The tool\'s slug, such as "ndt"')
    assessed_on: dt.date
    scores: dict[str, int] = Field(..., description="A score for every question, by its code")
    note: str = Field("", max_length=2000)


def _out(tool, row) -> AssessmentOut:
    a = row.assessment
    return AssessmentOut(
        id=a.pk,
        tool=tool.slug,
        tool_name=tool.name,
        assessed_on=a.assessed_on,
        total=a.total,
        note=a.note,
        answers=[
            AssessmentAnswerOut(item=x.code, label=x.label, score=x.score, level=x.level)
            for x in row.answers
        ],
    )


@router.get(
    "/people/{person_id}/assessments",
    response=PersonAssessments,
    summary="A person's assessments over time",
)
def person_assessments_list(request, person_id: int):
    """Every assessment of the person with a tool whose categories you may read, oldest first
    within each tool, each answer with its level text. Not found when the person is not yours
    to see."""
    user = require(request, "people.use")
    outcomes = selectors.person_outcomes(user, person_id, service_use=False, purpose="api")
    return PersonAssessments(
        person_id=outcomes.person.pk,
        assessments=[_out(h.tool, row) for h in outcomes.histories for row in h.rows],
    )


@router.post(
    "/people/{person_id}/assessments",
    response={201: AssessmentOut},
    summary="Record an assessment of a person",
)
def person_assessment_create(request, person_id: int, payload: AssessmentIn):
    """Only the person's current trusted person may record one. Every question needs one of the
    scores it allows: anything else is refused with 422, naming the question."""
    user = require(request, "people.use")
    assessment = services.assessment_record(
        actor=user,
        person_id=person_id,
        tool_slug=payload.tool,
        assessed_on=payload.assessed_on,
        scores=payload.scores,
        note=payload.note.replace("\x00", ""),
    )
    one = selectors.assessment_get_for(user, person_id, assessment.pk)
    return Status(201, _out(one.tool, one.row))
