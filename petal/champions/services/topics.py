"""The topics the programme team keeps: each is a champion's skill and a network tag at once.

A topic is added with a name; its slug (the part of a link that names it, in the network's
filters and in followed tags) is made from the name once and then kept, so renaming a topic
never breaks a link or a follow. Topics are never deleted here: champions and questions point
at them, and a tag that vanished would silently drop out of every follow and filter.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.champions.models import Topic
from petal.core.errors import Forbidden, NotFound, fail

MAX_NAME = 100
MAX_SLUG = 80
MAX_ORDER = 999


def _require(actor) -> None:
    if not can(actor, "champions.approve"):
        raise Forbidden("Your role does not allow this")


def _name(value) -> str:
    name = " ".join(str(value or "").split())
    if not name:
        fail("name", "Enter the topic's name")
    if len(name) > MAX_NAME:
        fail("name", f"The topic's name must be {MAX_NAME} characters or fewer")
    if not slugify(name):
        fail("name", "The topic's name must include at least one letter or number")
    return name


def _duplicate(name: str):
    fail("name", f"There is already a topic called ‘{name}’: choose another name")


def _check_unique(name: str, *, other_than: int | None = None) -> None:
    others = Topic.objects.filter(name__iexact=name)
    if other_than is not None:
        others = others.exclude(pk=other_than)
    same = others.values_list("name", flat=True).first()
    if same is not None:
        _duplicate(same)


def _order(value) -> int:
    if value is None or value == "":
        fail("order", "Enter the topic's place in the list, as a number")
    try:
        order = int(value)
    except (TypeError, ValueError):
        fail("order", "The topic's place in the list must be a whole number")
    if not 0 <= order <= MAX_ORDER:
        fail("order", f"The topic's place in the list must be between 0 and {MAX_ORDER}")
    return order


def _free_slug(name: str) -> str:
    """A slug from the name, unique: "-2", "-3" … when another topic already has it (two names
    may differ only in punctuation, "Benefits" and "Benefits!")."""
    base = slugify(name)[:MAX_SLUG].strip("-")
    taken = set(Topic.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        suffix = f"-{n}"
        slug = base[: MAX_SLUG - len(suffix)].strip("-") + suffix
    return slug


@transaction.atomic
def topic_create(*, actor, name: str, order=100) -> Topic:
    """Add a topic: from now on champions can offer it as a skill and questions can carry it."""
    _require(actor)
    name = _name(name)
    order = _order(order)
    _check_unique(name)
    try:
        with transaction.atomic():
            topic = Topic.objects.create(name=name, slug=_free_slug(name), order=order)
    except IntegrityError:
        # Added by someone else at the same moment: the database keeps names unique.
        _duplicate(name)
    audit_record(
        actor=actor,
        action="topic.created",
        obj=topic,
        data={"name": topic.name, "slug": topic.slug, "order": topic.order},
    )
    return topic


@transaction.atomic
def topic_change(*, actor, topic_id, name: str, order) -> Topic:
    """Rename a topic or move it in the list. Its slug stays as it is, so links and follows
    keep working. Saving it unchanged changes nothing and records nothing."""
    _require(actor)
    topic = Topic.objects.select_for_update().filter(pk=topic_id).first()
    if topic is None:
        raise NotFound("No such topic")
    name = _name(name)
    order = _order(order)
    _check_unique(name, other_than=topic.pk)
    changes = {}
    if name != topic.name:
        changes["name"] = [topic.name, name]
    if order != topic.order:
        changes["order"] = [topic.order, order]
    if not changes:
        return topic
    topic.name, topic.order = name, order
    try:
        with transaction.atomic():
            topic.save(update_fields=["name", "order"])
    except IntegrityError:
        _duplicate(name)
    audit_record(actor=actor, action="topic.changed", obj=topic, data=changes)
    return topic
