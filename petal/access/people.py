"""Who may see and change a person's record, category by category.

For now (before consent): a person's current trusted persons see and change every category
of their record. Nobody else sees any category: not colleagues in the same organisation, not
the data protection lead, not administrators. Records outside a reader's scope are answered as
if they did not exist. The next issue adds consent and break-glass to these same functions, so
every page, list, search, count and API call follows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from petal.access.categories import ALL_CATEGORIES, Category


def _today() -> dt.date:
    return timezone.localdate()


def _is_active_user(actor) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False) and actor.is_active)


def current_relationships(actor, *, on: dt.date | None = None):
    """The actor's trusted relationships in force on a date (a queryset)."""
    from petal.people.models import TrustedRelationship

    on = on or _today()
    # A relationship's ends_on is the day it ended: no access on or after it.
    return TrustedRelationship.objects.filter(trusted_person=actor, starts_on__lte=on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    )


def person_visibility(actor, *, on: dt.date | None = None) -> Q:
    """A filter over Person: the records the actor may open. Used by every list, search and
    count, so they are scoped in the database query by the same rule as the person page."""
    if not _is_active_user(actor):
        return Q(pk__in=[])
    # A semi-join driven from the reader's own relationships (indexed by trusted person), so
    # the database starts from the few people the reader supports, not from everyone.
    return Q(pk__in=current_relationships(actor, on=on).values("person_id"))


def person_access(actor, person, *, on: dt.date | None = None) -> tuple[frozenset[Category], bool]:
    """What the actor may read of this person, and whether they may change the record — one
    question to the database for the both of them. Only a current trusted person changes a
    record."""
    if not _is_active_user(actor):
        return frozenset(), False
    trusted = current_relationships(actor, on=on).filter(person=person).exists()
    return (ALL_CATEGORIES if trusted else frozenset()), trusted


def readable_categories(actor, person, *, on: dt.date | None = None) -> frozenset[Category]:
    """The categories of this person's record the actor may read now."""
    return person_access(actor, person, on=on)[0]


def can_change_person(actor, person, *, on: dt.date | None = None) -> bool:
    """Whether the actor may change this person's record now."""
    return person_access(actor, person, on=on)[1]
