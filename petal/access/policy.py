"""Who may do what: the one place Petal decides it.

Permissions are declared here, once, as the set of roles that hold them. Views, API
operations and navigation all ask these functions; none decides by itself. Later issues add
the rules about people's information (categories, consent) to this package.
"""

from __future__ import annotations

from collections.abc import Iterable

from petal.access.roles import ALL_ROLES, Role

R = Role

# Marks a permission every signed-in, active user holds, whatever their roles (or none yet).
ANY_SIGNED_IN: frozenset = frozenset({"*"})

PERMISSIONS: dict[str, frozenset] = {
    "account.use": ANY_SIGNED_IN,
    # The organisations taking part: every signed-in worker needs to find partners.
    "organisations.view": frozenset(ALL_ROLES),
    # Public pages' content is the programme team's to keep up to date.
    "site.edit_pages": frozenset({R.PROGRAMME_TEAM, R.ADMINISTRATOR}),
    # The audit trail shows who read whose information: data protection and administration.
    "audit.view": frozenset({R.DATA_PROTECTION_LEAD, R.ADMINISTRATOR}),
    # Who has a sign-in and which roles they hold.
    "users.view": frozenset({R.ADMINISTRATOR, R.DATA_PROTECTION_LEAD, R.PROGRAMME_TEAM}),
    # Giving people sign-ins and roles, and disabling sign-ins.
    "users.manage": frozenset({R.ADMINISTRATOR}),
    # Supporting people as their trusted person: the caseload, adding people, their records.
    # Which people's records a reader sees is decided per person in petal.access.people.
    "people.use": frozenset({R.TRUSTED_PERSON}),
    # Reference data (areas, districts, partnerships, governance levels).
    "reference.view": frozenset(ALL_ROLES),
}


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds now through active memberships (none for anonymous or disabled).

    Cached on the user object for the request, so a page asks the database once.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_petal_roles", None)
    if cached is None:
        from petal.accounts.selectors import active_roles_for_user_id

        cached = frozenset(Role(r) for r in active_roles_for_user_id(user.pk))
        user._petal_roles = cached
    return cached


def has_role(user, *roles: Role) -> bool:
    """True when the user holds at least one of the roles."""
    return bool(roles_of(user) & set(roles))


def can(user, permission: str) -> bool:
    """True when the signed-in, active user holds a role that carries the permission."""
    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}: declare it in petal.access.policy")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    allowed = PERMISSIONS[permission]
    if allowed is ANY_SIGNED_IN:
        return True
    return bool(roles_of(user) & allowed)


def roles_with(permission: str) -> frozenset[Role]:
    allowed = PERMISSIONS[permission]
    return frozenset(ALL_ROLES) if allowed is ANY_SIGNED_IN else allowed


def permissions_of(user) -> list[str]:
    return sorted(p for p in PERMISSIONS if can(user, p))


def role_labels(roles: Iterable[Role]) -> list[str]:
    return [Role(r).label for r in sorted(roles)]
