"""Every write about success stories: sharing, featuring on the public pages, hiding and
restoring. One transaction each, with its audit event.

A story may go public, so it must name no one: a story that contains the name of anyone on the
author's own caseload is refused outright (there is no "publish anyway", unlike a network
post), and the programme team confirms a story names no one before featuring it. A hidden
story is never featured.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from petal.access.champions import caseload_people, post_visibility
from petal.access.policy import can
from petal.audit.services import audit_record
from petal.champions.models import Moderation, ModerationAction, PostStatus, Story
from petal.champions.services.network import MAX_BODY, MAX_REASON, MAX_TITLE, _tags, _tell
from petal.core.errors import Forbidden, NotFound, clean_text, fail
from petal.meetings.services import names_in


def reference(story: Story) -> str:
    return f"S-{story.pk:06d}"


def _link(story: Story) -> str:
    return reverse("network:story", kwargs={"story_id": story.pk})


def story_share(*, actor, title: str, body: str, areas=()) -> Story:
    """Share what worked, anonymised. Refused, with a message saying why, if it names anyone
    on the author's caseload: a story may be featured on the public pages."""
    if not can(actor, "stories.share"):
        raise Forbidden("Your role does not allow this")
    title = clean_text(
        title, field="title", label="a title for your story", limit=MAX_TITLE, required=True
    )
    body = clean_text(body, field="body", label="your story", limit=MAX_BODY, required=True)
    area_rows, _ = _tags(areas, ())
    matched = names_in(f"{title}\n{body}", caseload_people(actor))
    if matched:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="network.name_warning",
                data={"post": "story", "people": sorted(p.pk for p in matched)},
            )
        field = "title" if names_in(title, matched) else "body"
        fail(
            field,
            "Your story appears to name someone you support ("
            + ", ".join(p.full_name for p in matched)
            + "). Stories may be shared on Petal's public pages, so take every name out and "
            "change any detail that could identify them.",
        )
    with transaction.atomic():
        story = Story.objects.create(author=actor, title=title, body=body)
        story.areas.set(area_rows)
        audit_record(
            actor=actor,
            action="story.shared",
            obj=story,
            data={"areas": sorted(a.code for a in area_rows)},
        )
    return story


def _locked(actor, story_id) -> Story:
    try:
        story_id = int(story_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such story") from exc
    story = (
        Story.objects.select_for_update(of=("self",))
        .select_related("author")
        .filter(post_visibility(actor), pk=story_id)
        .first()
    )
    if story is None:
        raise NotFound("No such story")
    return story


@transaction.atomic
def story_feature(*, actor, story_id, feature: bool, confirmed: bool = False) -> Story:
    """The programme team features a visible story on the public pages, having confirmed it
    names no one and can be public, or stops featuring it."""
    if not can(actor, "stories.feature"):
        raise NotFound("No such story")
    story = _locked(actor, story_id)
    if feature:
        if story.status != PostStatus.VISIBLE:
            fail("confirm", "A hidden story cannot be featured: restore it first")
        if not confirmed:
            fail("confirm", "Confirm you have checked the story names no one and can be public")
        if story.featured_at:
            return story
        story.featured_at, story.featured_by = timezone.now(), actor
    else:
        if not story.featured_at:
            return story
        story.featured_at, story.featured_by = None, None
    story.save(update_fields=["featured_at", "featured_by"])
    audit_record(actor=actor, action="story.featured" if feature else "story.unfeatured", obj=story)
    return story


@transaction.atomic
def story_moderate(*, actor, story_id, action: str, reason: str) -> Moderation:
    """The programme team hides a story (which also stops featuring it) or restores it, saying
    why. The author is told and sees the reason on the story's page."""
    if not can(actor, "network.moderate"):
        raise NotFound("No such story")
    if action not in ModerationAction.values:
        fail("action", "Choose whether to hide or restore the story")
    reason = clean_text(reason, field="reason", label="the reason", limit=MAX_REASON, required=True)
    story = _locked(actor, story_id)
    hide = action == ModerationAction.HIDE
    wanted = PostStatus.HIDDEN if hide else PostStatus.VISIBLE
    if story.status == wanted:
        fail("action", "This story is already hidden" if hide else "This story is not hidden")
    was_featured = bool(story.featured_at)
    story.status = wanted
    if hide:
        story.featured_at, story.featured_by = None, None
    story.save(update_fields=["status", "featured_at", "featured_by"])
    moderation = Moderation.objects.create(story=story, action=action, reason=reason, by=actor)
    audit_record(
        actor=actor,
        action="story.hidden" if hide else "story.restored",
        obj=story,
        data={"moderation": moderation.pk, "was_featured": was_featured and hide},
    )
    if story.author_id and story.author_id != actor.pk:
        _tell(
            [story.author],
            subject="Your story was hidden" if hide else "Your story is back",
            message=(
                "The programme team hid a success story of yours. Sign in to read why."
                if hide
                else "The programme team restored a success story of yours."
            ),
            ref=reference(story),
            link=_link(story),
        )
    return moderation
