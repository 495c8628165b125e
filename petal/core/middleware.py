"""Cross-cutting middleware: request ids and no-store caching for signed-in pages."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("petal_request_id", default="")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed one from a proxy) for the audit trail."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestGuardMiddleware:
    """Refuses what Petal never answers: TRACE and TRACK (which echo requests back), and, in
    production, the API over plain HTTP — refused rather than redirected, so a client that
    sent its token in clear is told."""

    REFUSED_METHODS = frozenset({"TRACE", "TRACK", "CONNECT"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import HttpResponseNotAllowed, JsonResponse

        if request.method in self.REFUSED_METHODS:
            return HttpResponseNotAllowed(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        if settings.PRODUCTION and request.path.startswith("/api/") and not request.is_secure():
            return JsonResponse(
                {"detail": "Use HTTPS: the API does not answer over HTTP."}, status=403
            )
        return self.get_response(request)


# Petal uses no camera, microphone, location, payment, USB or sensors: say so, so an injected
# frame or script cannot ask for them either.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """Every response turns off the browser features Petal never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreMiddleware:
    """Pages seen while signed in, and every API answer, must not be kept by browsers or proxies.

    A view serving the same public bytes to everyone (a newsletter image) marks its response
    ``petal_public = True`` and keeps its own caching headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user and user.is_authenticated)
        if getattr(response, "petal_public", False) and not request.path.startswith("/api/"):
            return response
        if signed_in or request.path.startswith("/api/"):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class SessionTimeoutMiddleware:
    """Keep a signed-in session alive while it is used; let it lapse when idle; end it a fixed
    time after sign-in however busy it is.

    Django sets the session's expiry when the session is saved. Saving on every request would
    make every page a database write, so the session is marked changed only when it was last
    renewed over PETAL_SESSION_RENEW_SECONDS ago: the idle timeout is exact to within that.
    The absolute timeout (PETAL_SESSION_ABSOLUTE_HOURS) counts from the sign-in time that
    petal.accounts.signals writes into every new session; a session without it is ended.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            import time

            from django.conf import settings

            from petal.accounts.services import AUTHENTICATED_AT

            now = int(time.time())
            signed_in_at = request.session.get(AUTHENTICATED_AT)
            limit = settings.PETAL_SESSION_ABSOLUTE_HOURS * 3600
            if not isinstance(signed_in_at, int) or now - signed_in_at >= limit:
                return self._expired(request)
            renewed = request.session.get("_petal_renewed", 0)
            if now - renewed >= settings.PETAL_SESSION_RENEW_SECONDS:
                request.session["_petal_renewed"] = now
        return self.get_response(request)

    def _expired(self, request):
        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.contrib.auth.views import redirect_to_login
        from django.db import transaction

        from petal.audit.services import audit_record

        user = request.user
        with transaction.atomic():
            audit_record(actor=user, action="account.session_expired", obj=user)
        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)
        messages.info(
            request,
            f"For your security, Petal signs you out {settings.PETAL_SESSION_ABSOLUTE_HOURS} "
            "hours after you sign in. Sign in again to carry on.",
        )
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect_to_login("/")
