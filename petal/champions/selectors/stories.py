"""Reading success stories. Inside Petal, every network user reads visible stories; a hidden
story only its author (with the reason) and the programme team. On the public pages, only
stories the programme team has featured and that are still visible, and never their authors."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from petal.access.champions import post_visibility
from petal.access.policy import can
from petal.champions.models import Moderation, PostStatus, Story
from petal.core.errors import NotFound
from petal.reference.models import AreaOfDisadvantage

PAGE_SIZE = 20


def _base() -> QuerySet[Story]:
    return Story.objects.select_related("author").prefetch_related(
        Prefetch("areas", queryset=AreaOfDisadvantage.objects.order_by("order"))
    )


def stories_visible_to(actor) -> QuerySet[Story]:
    """Stories the reader may see, featured ones first, then newest."""
    return _base().filter(post_visibility(actor)).order_by("-featured_at", "-created_at", "-id")


def story_page(actor, *, page=1) -> Page:
    return Paginator(stories_visible_to(actor), PAGE_SIZE).get_page(page)


@dataclass
class StoryView:
    story: Story
    is_author: bool
    moderator: bool
    can_feature: bool
    hidden_reason: str = ""


def _id(story_id) -> int:
    try:
        return int(story_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such story") from exc


def story_get_for(actor, story_id) -> StoryView:
    """One story the reader may see; missing and not visible are answered alike."""
    story = stories_visible_to(actor).filter(pk=_id(story_id)).first()
    if story is None:
        raise NotFound("No such story")
    reason = ""
    if story.status == PostStatus.HIDDEN:
        latest = Moderation.objects.filter(story=story, action="hide").order_by("-at", "-id")
        reason = latest.values_list("reason", flat=True).first() or ""
    return StoryView(
        story=story,
        is_author=story.author_id == actor.pk,
        moderator=can(actor, "network.moderate"),
        can_feature=can(actor, "stories.feature"),
        hidden_reason=reason,
    )


def _featured() -> QuerySet[Story]:
    return (
        Story.objects.filter(status=PostStatus.VISIBLE, featured_at__isnull=False)
        .prefetch_related(Prefetch("areas", queryset=AreaOfDisadvantage.objects.order_by("order")))
        .order_by("-featured_at", "-id")
    )


def featured_stories(limit: int | None = 3) -> list[Story]:
    """The stories featured on the public pages, most recently featured first (for the home
    page: three)."""
    stories = _featured()
    return list(stories[:limit] if limit else stories)


def featured_story_get(story_id) -> Story:
    """A featured, visible story for the public pages; anything else is missing."""
    story = _featured().filter(pk=_id(story_id)).first()
    if story is None:
        raise NotFound("No such story")
    return story
