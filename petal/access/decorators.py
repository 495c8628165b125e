"""Every view declares who may reach it. A view that declares nothing is refused.

The declaration is an attribute on the view function that AccessPolicyMiddleware reads, so
access control does not depend on remembering a mixin: forgetting is a 403 for everyone,
and the access-matrix test names the URL.
"""

from __future__ import annotations

from dataclasses import dataclass

PUBLIC = "public"
SIGNED_IN = "signed_in"
PERMISSION = "permission"
API = "api"


@dataclass(frozen=True)
class AccessRule:
    kind: str
    permission: str = ""


def _mark(view, rule: AccessRule):
    view.petal_access = rule
    return view


def public(view):
    """Anyone, signed in or not."""
    return _mark(view, AccessRule(PUBLIC))


def signed_in(view):
    """Anyone signed in with an active account."""
    return _mark(view, AccessRule(SIGNED_IN))


def requires(permission: str):
    """Signed in, holding a role that carries the permission (see petal.access.policy)."""
    from petal.access.policy import PERMISSIONS

    if permission not in PERMISSIONS:
        raise KeyError(f"Unknown permission {permission!r}")

    def decorator(view):
        return _mark(view, AccessRule(PERMISSION, permission))

    return decorator


def api(view):
    """The JSON API authenticates and authorises every operation itself (see config.api)."""
    return _mark(view, AccessRule(API))


def mark_api_urls(urls):
    """Mark every URL the NinjaAPI generates as API-authorised (see config.api)."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        callback = getattr(pattern, "callback", None)
        if callback is not None:
            api(callback)
    return patterns, app_name, namespace
