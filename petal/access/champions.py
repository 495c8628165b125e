"""Who sees what of the champions' work.

- The champions directory lists approved champions whose sign-in is active, and nobody else: a
  pledge waiting for approval, declined or withdrawn is not in it, from the next request on.
- A support connection is seen by the trusted person who asked and by the champion asked
  (through their sign-in), nobody else: 404 for everyone else.
- The person a connection points at is shown to the champion only while the access policy for
  people (``petal.access.people.person_visibility``) lets them see that person: a withdrawn
  consent hides the name at once.
- Network posts and stories are seen by every network user while visible; a hidden post by
  its author (with the reason) and by the programme team.
- A trusted person's caseload, for the warning that a post appears to name someone, is the
  people they are a current trusted person for: never anyone else's name.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from petal.access.people import _is_active_user, current_relationships
from petal.access.policy import can
from petal.access.roles import Role


def directory_filter() -> Q:
    """A filter over Champion: those shown in the directory: approved, with an active sign-in
    that holds the champion role now (an administrator ending the role takes them out too)."""
    from petal.accounts.models import Membership

    now = timezone.now()
    role_in_force = Membership.objects.filter(
        user=OuterRef("user"), role=Role.CHAMPION, started_at__lte=now
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))
    return Q(status="approved", user__isnull=False, user__is_active=True) & Q(Exists(role_in_force))


def connection_visibility(actor) -> Q:
    """A filter over SupportConnection: those the actor is a side of."""
    if not _is_active_user(actor):
        return Q(pk__in=[])
    return Q(requested_by=actor) | Q(champion__user=actor)


def post_visibility(actor, *, author_field: str = "author") -> Q:
    """A filter over Question, Answer or Story: what the actor may read."""
    if not _is_active_user(actor) or not can(actor, "network.use"):
        return Q(pk__in=[])
    if can(actor, "network.moderate"):
        return Q()
    return Q(status="visible") | Q(**{author_field: actor})


def caseload_people(actor):
    """The people the actor is a current trusted person for (a Person queryset)."""
    from petal.people.models import Person

    if not _is_active_user(actor):
        return Person.objects.none()
    return Person.objects.filter(
        pk__in=current_relationships(actor).order_by().values("person_id")
    ).prefetch_related("aliases")
