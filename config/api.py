"""The JSON API: one NinjaAPI, one router per app, the same access policy and audit as pages.

Every operation requires a signed-in session (with CSRF for writes) or a personal access
token sent as ``Authorization: Bearer …``, unless it declares ``auth=None`` explicitly.
"""

from __future__ import annotations

from django.http import Http404
from ninja import NinjaAPI, security
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer

from petal.access.rls import set_reader
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
        # Row-level security: the middleware saw nobody signed in; now the reader is known.
        set_reader(user)
        return user


# Every client error has one shape: {"detail": …} from the handlers below, with "errors" by
# field when input is refused; a request that does not match the schema gets ninja's list.
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "object"}}],
            "description": "What went wrong (one entry per problem when the request does not "
            "match this schema)",
        },
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Messages by field",
        },
    },
}


class PetalAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The schema, with the client errors every operation may answer (401 without a valid
        token, 403, 404, 409, 422) documented as 4XX, so clients and Schemathesis know them."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {
            "description": "Refused: not signed in (401), not allowed (403), not found or not "
            "yours to see (404), changed by someone else (409), or input refused (422)",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation["responses"]
                responses.setdefault("4XX", error)
                # An operation's own 422 (a name warning, field errors) can also be the
                # refusal of a request that does not match the schema: either shape.
                refusal = responses.get(422) or responses.get("422") or {}
                declared = refusal.get("content", {}).get("application/json")
                if declared and "schema" in declared:
                    declared["schema"] = {
                        "anyOf": [declared["schema"], {"$ref": "#/components/schemas/Error"}]
                    }
        return schema


class SessionAuth(security.SessionAuth):
    """The browser session (with CSRF for writes). A caller with no signed-in session is
    answered 401 at once, like a missing token, rather than 403 for a CSRF token that could
    not have mattered."""

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = PetalAPI(
    title="Petal API",
    version="1",
    description=(
        "The JSON API of Petal, the case-coordination platform for Changing Futures "
        "Cambridgeshire & Peterborough. Authenticate with a personal access token from your "
        "account page, sent as `Authorization: Bearer petal_…`."
    ),
    auth=[BearerToken(), SessionAuth()],
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
