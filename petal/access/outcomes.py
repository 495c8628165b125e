"""Who may import a caseload, and which trusted persons an import may name.

A caseload spreadsheet names, on each row, the trusted person who supports that person: the
import makes them the person's lead trusted person. So who may be named is the question:

- a trusted person imports their own people only: a row names them, or names nobody (an empty
  "trusted person email" cell means the importer themselves);
- a partnership coordinator imports for their partnership's Counting Every Adult team: a row
  may name anyone who holds a trusted-person role in that partnership now (a membership in
  force whose partnership is one the coordinator coordinates), and nobody else.

Nobody else imports (``people.import``, petal.access.policy). A name that is refused is refused
the same way whether or not the email address has a sign-in, so the import does not tell
anyone who uses Petal.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from petal.access.policy import can, has_role, memberships_of
from petal.access.roles import Role


def may_import(actor) -> bool:
    """Trusted persons and partnership coordinators import caseload spreadsheets."""
    return can(actor, "people.import")


def coordinated_partnerships(actor) -> list[int]:
    """The partnerships the actor coordinates now (through memberships in force)."""
    if not may_import(actor):
        return []
    return sorted(
        {p for role, _org, p in memberships_of(actor) if role == Role.PARTNERSHIP_COORDINATOR and p}
    )


def imports_for_self(actor) -> bool:
    """Whether the actor may name themselves (they hold a trusted-person role now): an empty
    trusted-person cell then means them."""
    return may_import(actor) and has_role(actor, Role.TRUSTED_PERSON)


def trusted_person_memberships(actor) -> QuerySet:
    """The trusted-person memberships in force that make their holder nameable by the actor
    (the queryset twin of ``may_name_trusted_person``, over memberships): the actor's own, and
    for a coordinator every one in the partnerships they coordinate."""
    from petal.accounts.models import Membership

    if not may_import(actor):
        return Membership.objects.none()
    q = Q()
    if imports_for_self(actor):
        q |= Q(user=actor)
    partnerships = coordinated_partnerships(actor)
    if partnerships:
        q |= Q(partnership_id__in=partnerships)
    if not q:
        return Membership.objects.none()
    return Membership.objects.filter(
        q,
        Q(ended_at__isnull=True) | Q(ended_at__gt=timezone.now()),
        role=Role.TRUSTED_PERSON,
        user__is_active=True,
        user__is_individual=False,
    )


def trusted_persons_nameable_by(actor) -> QuerySet:
    """The users an import by the actor may name as a person's trusted person (a queryset)."""
    from petal.accounts.models import User

    return User.objects.filter(pk__in=trusted_person_memberships(actor).values("user_id"))


def may_name_trusted_person(actor, user) -> bool:
    """Whether an import by the actor may make ``user`` a person's trusted person: a trusted
    person names only themselves; a coordinator names the trusted persons of their
    partnership (see the module's docstring)."""
    if user is None or getattr(user, "pk", None) is None:
        return False
    return trusted_persons_nameable_by(actor).filter(pk=user.pk).exists()
