"""The Champion Network's API at /api/v1/questions: the same selectors and services as the
pages, so the same rules. A hidden question (or answer) is missing to everyone but its author
and the programme team. Asking or answering with text that appears to name someone on the
caller's own caseload answers 422 with the names, unless ``publish_anyway`` is true."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema, Status

from petal.access.api import require
from petal.champions.selectors import network as selectors
from petal.champions.services import network as services

router = Router(tags=["network questions"])

EXCERPT = 300
MAX_TAGS = 10


class QuestionQuery(Schema):
    q: str = Field("", max_length=200, description="Words to find in titles, bodies, answers")
    area: str = Field("", max_length=50, description="An area code, e.g. homelessness")
    topic: str = Field("", max_length=80, description="A topic slug, e.g. benefits")
    unanswered: bool = False
    page: int = Field(1, ge=1)


class QuestionOut(Schema):
    id: int
    title: str
    excerpt: str = Field(..., description="The start of the question's body")
    status: str
    areas: list[str]
    topics: list[str]
    answer_count: int
    helped_count: int
    accepted_answer_id: int | None
    created_at: dt.datetime
    last_activity_at: dt.datetime


class QuestionList(Schema):
    count: int
    page: int
    page_size: int
    items: list[QuestionOut]


class AnswerOut(Schema):
    id: int
    body: str
    author: str | None
    status: str
    accepted: bool
    helped_count: int
    created_at: dt.datetime


class QuestionDetail(QuestionOut):
    body: str
    author: str | None
    answers: list[AnswerOut]


class QuestionIn(Schema):
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=10_000)
    areas: list[str] = Field(
        default_factory=list, max_length=MAX_TAGS, description="Area codes (at most 10)"
    )
    topics: list[str] = Field(
        default_factory=list, max_length=MAX_TAGS, description="Topic slugs (at most 10)"
    )
    publish_anyway: bool = Field(
        False, description="Publish although it appears to name someone you support"
    )


class AnswerIn(Schema):
    body: str = Field(..., max_length=10_000, description="At most 10,000 characters")
    publish_anyway: bool = False


class NameWarningOut(Schema):
    detail: str
    names: list[str] = Field(..., description="Only people you yourself support")
    errors: dict[str, list[str]]


def _excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


def _fields(q) -> dict:
    return {
        "id": q.pk,
        "title": q.title,
        "excerpt": _excerpt(q.body),
        "status": q.status,
        "areas": [a.code for a in q.areas.all()],
        "topics": [t.slug for t in q.topics.all()],
        "answer_count": q.answer_count,
        "helped_count": q.helped_count,
        "accepted_answer_id": q.accepted_answer_id,
        "created_at": q.created_at,
        "last_activity_at": q.last_activity_at,
    }


def _author(user) -> str | None:
    return user.display_name if user is not None else None


def _detail(view) -> QuestionDetail:
    q = view.question
    return QuestionDetail(
        **_fields(q),
        body=q.body,
        author=_author(q.author),
        answers=[
            AnswerOut(
                id=a.pk,
                body=a.body,
                author=_author(a.author),
                status=a.status,
                accepted=a.pk == q.accepted_answer_id,
                helped_count=a.helped_count,
                created_at=a.created_at,
            )
            for a in view.answers
        ],
    )


def _warning(warning: services.NameWarning):
    return Status(
        422, {"detail": warning.message, "names": warning.names, "errors": warning.field_errors}
    )


@router.get("", response=QuestionList, summary="Questions in the Champion Network")
def questions_list(request, query: Query[QuestionQuery]):
    user = require(request, "network.use")
    found = selectors.question_search(
        user,
        q=query.q,
        area=query.area or None,
        topic=query.topic or None,
        unanswered=query.unanswered,
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(query.page)
    return QuestionList(
        count=page.paginator.count,
        page=page.number,
        page_size=selectors.PAGE_SIZE,
        items=[QuestionOut(**_fields(q)) for q in page.object_list],
    )


@router.get("/{question_id}", response=QuestionDetail, summary="One question with its answers")
def question_get(request, question_id: int):
    user = require(request, "network.use")
    return _detail(selectors.question_get_for(user, question_id))


@router.post(
    "",
    response={201: QuestionDetail, 422: NameWarningOut},
    summary="Ask a question (422 if it appears to name someone you support)",
)
def question_ask(request, payload: QuestionIn):
    user = require(request, "network.use")
    try:
        question = services.question_ask(
            actor=user,
            title=payload.title,
            body=payload.body,
            areas=payload.areas,
            topics=payload.topics,
            publish_anyway=payload.publish_anyway,
        )
    except services.NameWarning as warning:
        return _warning(warning)
    return Status(201, _detail(selectors.question_get_for(user, question.pk)))


@router.post(
    "/{question_id}/answers",
    response={201: QuestionDetail, 422: NameWarningOut},
    summary="Answer a question (422 if it appears to name someone you support)",
)
def answer_add(request, question_id: int, payload: AnswerIn):
    user = require(request, "network.use")
    try:
        services.answer_add(
            actor=user,
            question_id=question_id,
            body=payload.body,
            publish_anyway=payload.publish_anyway,
        )
    except services.NameWarning as warning:
        return _warning(warning)
    return Status(201, _detail(selectors.question_get_for(user, question_id)))
