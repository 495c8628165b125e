"""The JSON API: one NinjaAPI, one router per app, the same access policy and audit as pages.

Every operation requires a signed-in session (with CSRF for writes) or a personal access
token sent as ``Authorization: Bearer …``, unless it declares ``auth=None`` explicitly.
"""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer, django_auth

from petal.accounts.api import router as accounts_router
from petal.barriers.api import router as barriers_router
from petal.champions.api import router as champions_router
from petal.consent.api import router as consent_router
from petal.core.errors import PetalError
from petal.meetings.api import router as meetings_router
from petal.outcomes.api import router as outcomes_router
from petal.people.api import router as people_router
from petal.programme.api import router as programme_router
from petal.referrals.api import router as referrals_router


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from petal.accounts.selectors import token_user

        user = token_user(token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
    title="Petal API",
    version="1",
    description=(
        "The JSON API of Petal, the case-coordination platform for Changing Futures "
        "Cambridgeshire & Peterborough. Authenticate with a personal access token from your "
        "account page, sent as `Authorization: Bearer petal_…`."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(PetalError)
def petal_error(request, exc: PetalError):
    body = {"detail": exc.message or exc.__class__.__name__}
    if exc.field_errors:
        body["errors"] = exc.field_errors
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(request, {"detail": "Sign in or send a valid token"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="petal"'
    return response


@api.exception_handler(AuthorizationError)
def unauthorised(request, exc):
    return api.create_response(request, {"detail": "Not allowed"}, status=403)


api.add_router("", accounts_router)
api.add_router("", people_router)
api.add_router("", consent_router)
api.add_router("", referrals_router)
api.add_router("", meetings_router)
api.add_router("", champions_router)
api.add_router("", barriers_router)
api.add_router("", programme_router)
api.add_router("", outcomes_router)
