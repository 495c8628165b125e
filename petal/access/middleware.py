from __future__ import annotations

import logging

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
        if rule.kind == rules.SIGNED_IN:
            return None
        if rule.kind == rules.PERMISSION and can(user, rule.permission):
            return None
        raise PermissionDenied("You do not have a role that allows this.")
