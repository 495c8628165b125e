"""Every read of the Champion Network goes through here, filtered in the query by
``petal.access.champions.post_visibility``: a hidden post is seen only by its author (with the
reason) and by the programme team, and is answered as missing to everyone else.

Full-text search is ``question_search``, the one place that knows the database: SQLite's FTS5
table ``champions_question_fts`` (Porter stemming, bm25 ranking) or PostgreSQL's generated
``search_vector`` column (``websearch_to_tsquery``, ``ts_rank``). What a reader types is never
handed to FTS5 as syntax: it becomes a list of quoted word tokens.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from petal.access.champions import post_visibility
from petal.access.policy import can
from petal.champions.models import (
    Answer,
    Helped,
    Moderation,
    PostStatus,
    Question,
    Report,
    TagFollow,
    Topic,
)
from petal.core.errors import NotFound
from petal.reference.models import AreaOfDisadvantage

PAGE_SIZE = 20
# Enough words for any real question; more only slows the search down.
MAX_TOKENS = 16
MAX_QUERY = 200

# A word is a run of letters or digits in any script: everything else (quotes, "*", "-",
# ":", brackets, "^") separates words, so nothing typed can become FTS5 syntax.
_TOKEN = re.compile(r"[^\W_]+")


# --- tags ----------------------------------------------------------------------------------------


def areas() -> QuerySet[AreaOfDisadvantage]:
    """The five areas, in their order: tags every question may carry."""
    return AreaOfDisadvantage.objects.order_by("order", "pk")


def topics() -> QuerySet[Topic]:
    """The topics the programme team keeps: the other tags."""
    return Topic.objects.order_by("order", "name")


def followed_tags(actor) -> tuple[set[str], set[str]]:
    """The area codes and topic slugs the reader follows."""
    follows = TagFollow.objects.filter(user=actor).select_related("area", "topic")
    area_codes = {f.area.code for f in follows if f.area_id}
    topic_slugs = {f.topic.slug for f in follows if f.topic_id}
    return area_codes, topic_slugs


# --- search --------------------------------------------------------------------------------------


def search_tokens(q: str) -> list[str]:
    """The words of what was typed, at most ``MAX_TOKENS`` of them."""
    return _TOKEN.findall((q or "")[:MAX_QUERY])[:MAX_TOKENS]


def fts5_query(q: str) -> str:
    """An FTS5 query that matches rows containing every word typed (after stemming). Each word
    is a quoted string, so FTS5 keywords (AND, OR, NOT, NEAR) and operators are just words."""
    return " ".join(f'"{token}"' for token in search_tokens(q))


def _base() -> QuerySet[Question]:
    return Question.objects.select_related("author").prefetch_related(
        Prefetch("areas", queryset=AreaOfDisadvantage.objects.order_by("order")),
        Prefetch("topics", queryset=Topic.objects.order_by("order", "name")),
    )


def questions_visible_to(actor) -> QuerySet[Question]:
    """The questions the reader may see: visible ones, their own hidden ones, and every one
    for the programme team."""
    return _base().filter(post_visibility(actor))


def _matching(questions: QuerySet[Question], q: str) -> QuerySet[Question]:
    """Only the questions matching ``q``, best match first (title above body above answers)."""
    if connection.vendor == "postgresql":
        text = (q or "")[:MAX_QUERY].replace("\x00", " ")
        return (
            questions.filter(
                id__in=RawSQL(
                    "SELECT id FROM champions_question "
                    "WHERE search_vector @@ websearch_to_tsquery('english', %s)",
                    (text,),
                )
            )
            .annotate(
                search_rank=RawSQL(
                    "ts_rank(champions_question.search_vector, "
                    "websearch_to_tsquery('english', %s))",
                    (text,),
                    output_field=FloatField(),
                )
            )
            .order_by(F("search_rank").desc(nulls_last=True), "-last_activity_at", "-id")
        )
    match = fts5_query(q)
    if not match:
        return questions.none()
    # bm25 is lower for a better match; the title counts most, then the body, then answers.
    # Joined, not a correlated subquery: FTS5 runs the match once (a subquery per row ran it
    # again for each of thousands of matches: 977x the floor at 20,000 questions, see
    # benchmarks/champions.py). The match is a bound parameter built from word tokens only.
    return questions.extra(
        tables=["champions_question_fts"],
        where=[
            "champions_question_fts.rowid = champions_question.id",
            "champions_question_fts MATCH %s",
        ],
        params=[match],
        select={"search_rank": "bm25(champions_question_fts, 10.0, 3.0, 1.0)"},
    ).order_by("search_rank", "-last_activity_at", "-id")


def question_search(
    actor,
    *,
    q: str = "",
    area: str | None = None,
    topic: str | None = None,
    unanswered: bool = False,
    following: bool = False,
) -> QuerySet[Question]:
    """The questions the reader may see, narrowed by the words typed (title, body and the
    text of visible answers), an area code, a topic slug, having no visible answer yet, or
    carrying a tag the reader follows. Ordered by relevance when words are given, otherwise by
    latest activity."""
    questions = questions_visible_to(actor)
    if area:
        questions = questions.filter(areas__code=area)
    if topic:
        questions = questions.filter(topics__slug=topic)
    if unanswered:
        questions = questions.filter(answer_count=0)
    if following:
        follows = TagFollow.objects.filter(user=actor)
        questions = questions.filter(
            Q(areas__in=follows.filter(area__isnull=False).values("area_id"))
            | Q(topics__in=follows.filter(topic__isnull=False).values("topic_id"))
        )
    if area or topic or following:
        # Joins through tags can repeat a question; keep each once without DISTINCT (which
        # would clash with ordering by the search rank).
        questions = _base().filter(post_visibility(actor), pk__in=questions.values("pk"))
    if (q or "").strip():
        return _matching(questions, q)
    return questions.order_by("-last_activity_at", "-id")


def question_page(actor, *, page=1, **filters) -> Page:
    """One page of ``question_search`` (20 a page)."""
    return Paginator(question_search(actor, **filters), PAGE_SIZE).get_page(page)


# --- one question --------------------------------------------------------------------------------


@dataclass
class QuestionView:
    question: Question
    answers: list[Answer]
    helped_question: bool
    helped_answers: set[int]
    is_author: bool
    moderator: bool
    # The latest reason each hidden post was hidden, for its author and the programme team.
    hidden_reason: str = ""
    open_reports: list[Report] = field(default_factory=list)

    @property
    def accepted(self) -> Answer | None:
        return next((a for a in self.answers if a.pk == self.question.accepted_answer_id), None)


def _hidden_reasons(*, question_ids=(), answer_ids=()) -> tuple[dict[int, str], dict[int, str]]:
    by_question: dict[int, str] = {}
    by_answer: dict[int, str] = {}
    rows = Moderation.objects.filter(
        Q(question_id__in=list(question_ids)) | Q(answer_id__in=list(answer_ids)),
        action="hide",
    ).order_by("-at", "-id")
    for row in rows:
        if row.question_id:
            by_question.setdefault(row.question_id, row.reason)
        if row.answer_id:
            by_answer.setdefault(row.answer_id, row.reason)
    return by_question, by_answer


def _question(actor, question_id) -> Question:
    try:
        question_id = int(question_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such question") from exc
    question = questions_visible_to(actor).filter(pk=question_id).first()
    if question is None:
        raise NotFound("No such question")
    return question


def question_get_for(actor, question_id) -> QuestionView:
    """One question with the answers the reader may see (the accepted one first), what they
    have marked as helpful and, for the author and the programme team, why a post was hidden.
    Missing and not visible are answered alike."""
    question = _question(actor, question_id)
    answers = list(
        Answer.objects.filter(post_visibility(actor), question=question)
        .select_related("author")
        .annotate(
            is_accepted=Case(
                When(pk=question.accepted_answer_id or 0, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-is_accepted", "created_at", "id")
    )
    helped = Helped.objects.filter(user=actor).filter(
        Q(question=question) | Q(answer__in=[a.pk for a in answers])
    )
    helped_question = any(h.question_id == question.pk for h in helped)
    helped_answers = {h.answer_id for h in helped if h.answer_id}
    moderator = can(actor, "network.moderate")
    hidden_answers = [a.pk for a in answers if a.status == PostStatus.HIDDEN]
    reasons_q, reasons_a = _hidden_reasons(
        question_ids=[question.pk] if question.status == PostStatus.HIDDEN else [],
        answer_ids=hidden_answers,
    )
    for a in answers:
        a.hidden_reason = reasons_a.get(a.pk, "")
    open_reports = []
    if moderator:
        open_reports = list(
            Report.objects.filter(resolved_at__isnull=True)
            .filter(Q(question=question) | Q(answer__question=question))
            .select_related("reporter")
        )
    return QuestionView(
        question=question,
        answers=answers,
        helped_question=helped_question,
        helped_answers=helped_answers,
        is_author=question.author_id == actor.pk,
        moderator=moderator,
        hidden_reason=reasons_q.get(question.pk, ""),
        open_reports=open_reports,
    )


def answer_get_for(actor, answer_id) -> Answer:
    """One answer the reader may see, on a question they may see."""
    try:
        answer_id = int(answer_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such answer") from exc
    answer = (
        Answer.objects.filter(post_visibility(actor), pk=answer_id)
        .filter(question__in=Question.objects.filter(post_visibility(actor)))
        .select_related("question", "author")
        .first()
    )
    if answer is None:
        raise NotFound("No such answer")
    return answer


# --- moderation ----------------------------------------------------------------------------------


@dataclass
class ModerationQueue:
    reports: list[Report]
    hidden_questions: list[Question]
    hidden_answers: list[Answer]


RECENT = dt.timedelta(days=90)


def moderation_queue(actor) -> ModerationQueue:
    """For the programme team: reports not yet dealt with, each with its post, and the posts
    hidden in the last 90 days with why."""
    from django.utils import timezone

    if not can(actor, "network.moderate"):
        raise NotFound("No such page")
    reports = list(
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("reporter", "question", "answer", "answer__question")
        .order_by("created_at", "id")
    )
    since = timezone.now() - RECENT
    hidden_questions = list(
        Question.objects.filter(status=PostStatus.HIDDEN, moderations__at__gte=since)
        .distinct()
        .order_by("-last_activity_at", "-id")[:50]
    )
    hidden_answers = list(
        Answer.objects.filter(status=PostStatus.HIDDEN, moderations__at__gte=since)
        .select_related("question")
        .distinct()
        .order_by("-created_at", "-id")[:50]
    )
    by_q, by_a = _hidden_reasons(
        question_ids=[q.pk for q in hidden_questions], answer_ids=[a.pk for a in hidden_answers]
    )
    for q in hidden_questions:
        q.hidden_reason = by_q.get(q.pk, "")
    for a in hidden_answers:
        a.hidden_reason = by_a.get(a.pk, "")
    return ModerationQueue(
        reports=reports, hidden_questions=hidden_questions, hidden_answers=hidden_answers
    )


def question_for_moderation(actor, question_id) -> Question:
    if not can(actor, "network.moderate"):
        raise NotFound("No such question")
    return _question(actor, question_id)


def answer_for_moderation(actor, answer_id) -> Answer:
    if not can(actor, "network.moderate"):
        raise NotFound("No such answer")
    return answer_get_for(actor, answer_id)
