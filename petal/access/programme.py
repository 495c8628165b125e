"""Who may do what in running the programme.

Most of it is the programme team's (``programme.manage``). The trauma-informed self-assessment
and training records belong to organisations: a worker assesses and reads the organisations
they hold a role in now; the programme team reads every organisation's, to see them side by
side, and may record for any of them."""

from __future__ import annotations

from petal.access.policy import can, has_role, memberships_of
from petal.access.roles import Role


def own_organisations(actor) -> list[int]:
    """The organisations the actor holds a role in now (none for a person's own sign-in)."""
    if not can(actor, "selfassessment.use"):
        return []
    return sorted({org for _role, org, _p in memberships_of(actor) if org})


def sees_every_organisation(actor) -> bool:
    """The programme team sees every organisation's assessments and training, side by side."""
    return can(actor, "selfassessment.use") and has_role(actor, Role.PROGRAMME_TEAM)


def may_assess(actor, organisation_id: int) -> bool:
    """Starting, filling in and submitting an organisation's self-assessment, and recording its
    training: its own workers, and the programme team."""
    return sees_every_organisation(actor) or organisation_id in own_organisations(actor)


def may_see_assessments(actor, organisation_id: int) -> bool:
    """Reading an organisation's assessments and training records: the same people."""
    return may_assess(actor, organisation_id)


def organisations_filter(actor) -> dict | None:
    """The queryset filter for the organisations an actor may see here: {} for every one,
    ``{"pk__in": [...]}`` for their own, or None for none (the queryset twin of
    ``may_see_assessments``)."""
    if sees_every_organisation(actor):
        return {}
    own = own_organisations(actor)
    return {"pk__in": own} if own else None
