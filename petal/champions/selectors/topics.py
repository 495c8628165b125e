"""Reads for the programme team's list of topics (a champion's skills and the network's tags),
each with how many champions in the directory offer it and how many visible questions carry
it: counted in the same query, so the list is one query however long it grows."""

from __future__ import annotations

from django.db.models import F, Func, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from petal.access.champions import directory_filter
from petal.champions.models import Champion, PostStatus, Question, Topic
from petal.core.errors import NotFound


def _count(queryset) -> Coalesce:
    """COUNT(*) of a correlated subquery, as a column (0 when nothing matches)."""
    counted = queryset.order_by().annotate(
        n=Func(F("pk"), function="COUNT", output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("n")[:1]), Value(0), output_field=IntegerField())


def _with_counts(queryset: QuerySet[Topic]) -> QuerySet[Topic]:
    return queryset.annotate(
        champion_count=_count(
            Champion.objects.filter(directory_filter()).filter(skills=OuterRef("pk"))
        ),
        question_count=_count(
            Question.objects.filter(status=PostStatus.VISIBLE, topics=OuterRef("pk"))
        ),
    )


def topics_with_counts() -> QuerySet[Topic]:
    """Every topic in the order the forms list them, with ``champion_count`` (champions in the
    directory offering it as a skill) and ``question_count`` (visible questions tagged with it)."""
    return _with_counts(Topic.objects.order_by("order", "name"))


def topic_get(topic_id) -> Topic:
    """One topic with its counts, or NotFound."""
    topic = _with_counts(Topic.objects.filter(pk=topic_id)).first()
    if topic is None:
        raise NotFound("No such topic")
    return topic
