from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from petal.access import decorators as rules
from petal.access.policy import can

logger = logging.getLogger(__name__)


class AccessPolicyMiddleware:
    """Applies each view's declared access rule before the view runs; fails closed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        rule = getattr(view_func, "petal_access", None)
        if rule is None:
            logger.error("View %s declares no access rule; refusing", request.resolver_match)
            raise PermissionDenied("This page has no access rule.")
        if rule.kind in (rules.PUBLIC, rules.API):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if settings.PETAL_MFA_REQUIRED and not _second_step_done(request):
            return _second_step_needed(request)
        if rule.kind == rules.SIGNED_IN:
            return None
        if rule.kind == rules.PERMISSION and can(user, rule.permission):
            return None
        raise PermissionDenied("You do not have a role that allows this.")


def _second_step_done(request) -> bool:
    from petal.accounts import mfa
    from petal.accounts.services import SECOND_STEP

    return bool(request.session.get(SECOND_STEP)) or not mfa.required_for(request.user)


def _second_step_needed(request):
    """A session signed in without two-step sign-in, for a user whose role now needs it (a
    role given since, or the setting turned on): sign out and start again, with the code."""
    from django.contrib import messages

    from petal.accounts.services import session_sign_out

    session_sign_out(request=request)
    messages.info(request, "Your role needs two-step sign-in. Sign in again to set it up.")
    return redirect_to_login(request.get_full_path() if request.method == "GET" else "/")
