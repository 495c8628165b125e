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


class IdleTimeoutMiddleware:
    """Keep a signed-in session alive while it is used; let it lapse when idle.

    Django sets the session's expiry when the session is saved. Saving on every request would
    make every page a database write, so the session is marked changed only when it was last
    renewed over PETAL_SESSION_RENEW_SECONDS ago: the idle timeout is exact to within that.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            import time

            from django.conf import settings

            now = int(time.time())
            renewed = request.session.get("_petal_renewed", 0)
            if now - renewed >= settings.PETAL_SESSION_RENEW_SECONDS:
                request.session["_petal_renewed"] = now
        return self.get_response(request)
