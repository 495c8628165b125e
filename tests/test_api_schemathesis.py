"""Schemathesis over the whole OpenAPI of /api/v1/ (config/api.py), in-process through the
Django WSGI handler: every middleware, the real database, no server.

1. Signed in with a token of a user holding every role (and records to find: a person they
   support, a consent, a referral to their organisation's service, a meeting, an action, …),
   no operation answers 5xx, and every response — status code, content type, headers and
   body — conforms to what the schema declares. The first example of each operation is a
   known-good request, the rest are generated, and each operation must answer 2xx at least
   once, so the run reaches past the look-ups rather than only into 404s and 422s.
2. Without credentials, or with a token that is not valid, every operation answers 401 with
   ``WWW-Authenticate``: none is reachable without authentication (PUBLIC_OPERATIONS is the
   deliberate list of exceptions, and it is empty).

Bounded and deterministic: a fixed seed, derandomised generation, no shrinking, few examples.
"""

from __future__ import annotations

import collections
import datetime as dt

import pytest
import schemathesis
from django.utils import timezone
from hypothesis import HealthCheck, settings
from ninja import Schema
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.api import api

OPENAPI = api.get_openapi_schema()
schema = schemathesis.openapi.from_dict(
    OPENAPI,
    config=schemathesis.Config.from_dict(
        {
            "seed": 2026,
            "generation": {
                "mode": "positive",
                "max-examples": 6,
                "no-shrink": True,
                "deterministic": True,
                "with-security-parameters": False,
                "database": "none",
            },
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)
# Not positive_data_acceptance: a schema cannot say "a district Petal knows" or "the version
# you read", and the API refuses those with 404/409/422 and a message, which is the contract.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Operations deliberately reachable without authentication: none. (The schema and its docs
# page, /api/v1/openapi.json and /api/v1/docs, are public and are not operations.)
PUBLIC_OPERATIONS: set[str] = set()
OPERATIONS = sorted(
    f"{method.upper()} {path}" for path, item in OPENAPI["paths"].items() for method in item
)
SETTINGS = settings(suppress_health_check=list(HealthCheck), deadline=None)


@pytest.fixture(scope="module")
def wsgi_app():
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()


@pytest.fixture
def in_process(db, wsgi_app):
    """The WSGI handler inside the test's transaction: like Django's test client, keep the
    request signals from closing the connection that holds it."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield wsgi_app
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


class World:
    """A user with every role, a token, and one record for every path parameter."""

    def __init__(self):
        from petal.access.categories import Category
        from petal.access.roles import Role
        from petal.accounts.services import token_create
        from petal.accounts.tests.factories import (
            MembershipFactory,
            OrganisationFactory,
            UserFactory,
        )
        from petal.barriers.tests.factories import BarrierFactory
        from petal.champions.tests.factories import (
            AnswerFactory,
            ChampionFactory,
            EventFactory,
            RegistrationFactory,
        )
        from petal.consent.models import bits_for
        from petal.consent.tests.factories import ConsentFactory
        from petal.directory.tests.factories import ServiceFactory
        from petal.meetings.tests.factories import (
            ActionFactory,
            MeetingCaseFactory,
            MeetingFactory,
        )
        from petal.outcomes.tests.factories import AssessmentFactory, full_scores, ndt_tool
        from petal.people.tests.factories import EpisodeFactory, person_of
        from petal.programme.tests.factories import (
            ContributionFactory,
            MilestoneFactory,
            NewsletterFactory,
        )
        from petal.referrals.tests.factories import ReferralFactory

        organisation = OrganisationFactory()
        self.user = UserFactory()
        for role in Role:
            MembershipFactory(
                user=self.user,
                role=role,
                organisation=None if role == Role.ADMINISTRATOR else organisation,
            )
        colleague = UserFactory()
        MembershipFactory(user=colleague, role=Role.TRUSTED_PERSON, organisation=organisation)
        self.person = person_of(self.user)
        EpisodeFactory(person=self.person)
        consent = ConsentFactory(person=self.person, grantee_user=self.user)
        service = ServiceFactory(organisation=organisation)
        ConsentFactory(
            person=self.person,
            grantee_organisation=organisation,
            category_bits=bits_for([Category.IDENTITY, Category.STORY, Category.NEEDS]),
        )
        referral = ReferralFactory(person=self.person, service=service)
        meeting = MeetingFactory(convened_by=self.user)
        case = MeetingCaseFactory(meeting=meeting, person=self.person)
        action = ActionFactory(meeting=meeting, case=case, owner_user=self.user)
        event = EventFactory()
        RegistrationFactory(event=event, user=self.user)
        AssessmentFactory(person=self.person)
        ContributionFactory()
        MilestoneFactory()
        NewsletterFactory()
        _, self.token = token_create(actor=self.user, name="schemathesis")
        self.ids = {
            "person_id": self.person.pk,
            "consent_id": consent.pk,
            "service_id": str(service.pk),
            "referral_id": referral.pk,
            "meeting_id": meeting.pk,
            "action_id": action.pk,
            "champion_id": ChampionFactory().pk,
            "question_id": AnswerFactory().question_id,
            "event_id": event.pk,
            "barrier_id": BarrierFactory().pk,
            "slug": "ndt",
        }
        # One known-good body per operation that takes one: the first example sends it.
        self.good_bodies = {
            "POST /api/v1/people": lambda: {"full_name": "Sam Example"},
            "PATCH /api/v1/people/{person_id}": lambda: {
                "version": self._version(),
                "preferred_name": "Sam",
            },
            "POST /api/v1/people/{person_id}/episodes": lambda: {
                "area": "homelessness",
                "starts_on": "2026-01-01",
            },
            "POST /api/v1/people/{person_id}/relationships": lambda: {
                "email": colleague.email,
                "kind": "social",
            },
            "POST /api/v1/people/{person_id}/consents": lambda: {
                "grantee_organisation": organisation.slug,
                "categories": ["identity"],
                "purposes": ["care_coordination"],
                "ends_on": (timezone.localdate() + dt.timedelta(days=365)).isoformat(),
                "given_how": "verbal",
            },
            "POST /api/v1/consents/{consent_id}/withdraw": lambda: {"how": "verbal"},
            "POST /api/v1/people/{person_id}/break-glass": lambda: {
                "lawful_basis": "safeguarding",
                "reason": "missing",
                "details": "Missing since Friday",
            },
            "POST /api/v1/referrals": lambda: {
                "person_id": self.person.pk,
                "service_id": str(service.pk),
                "reason": "Needs somewhere safe to stay",
            },
            "POST /api/v1/referrals/{referral_id}/status": lambda: {
                "status": "withdrawn",
                "note": "A place came up elsewhere",
            },
            "POST /api/v1/referrals/{referral_id}/notes": lambda: {"body": "Called back"},
            "POST /api/v1/actions/{action_id}/status": lambda: {"status": "done"},
            "POST /api/v1/questions": lambda: {
                "title": "Where do I start with a PIP claim?",
                "body": "What helps first?",
            },
            "POST /api/v1/questions/{question_id}/answers": lambda: {
                "body": "Start with the form, and ask for help with it."
            },
            "POST /api/v1/events/{event_id}/registration": lambda: {},
            "POST /api/v1/barriers": lambda: {
                "summary": "Letters go to an old address",
                "partnership": "cambridgeshire",
            },
            "POST /api/v1/barriers/{barrier_id}/me-too": lambda: {
                "example": "The same happened last week."
            },
            "POST /api/v1/people/{person_id}/assessments": lambda: {
                "tool": "ndt",
                "assessed_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
                "scores": full_scores(ndt_tool()),
            },
        }
        self.statuses = collections.Counter()
        self.first_answer = ""

    def _version(self):
        self.person.refresh_from_db()
        return self.person.version

    def prepare(self, case) -> None:
        """Point the case at records that exist; the first example is the known-good one."""
        label = case.operation.label
        if case.path_parameters:
            case.path_parameters = {k: self.ids.get(k, v) for k, v in case.path_parameters.items()}
        first = not self.statuses
        if first and label in self.good_bodies:
            case.body = self.good_bodies[label]()
        elif isinstance(case.body, dict):
            case.body = {
                k: self.ids.get(k, v) if k.endswith("_id") else v for k, v in case.body.items()
            }
        if first and case.query:
            case.query = {}


@pytest.fixture
def world(in_process, request):
    world = World()
    yield world
    # Reached past access and look-ups: at least one answer was a success.
    assert any(200 <= s < 300 for s in world.statuses), (
        f"{request.node.name}: no 2xx among {dict(world.statuses)}; "
        f"the known-good request got {world.first_answer}"
    )


@schema.parametrize()
@SETTINGS
def test_operation_conforms_to_its_schema_when_signed_in(case, world, in_process):
    world.prepare(case)
    response = case.call(app=in_process, headers={"Authorization": f"Bearer {world.token}"})
    if not world.statuses:
        world.first_answer = f"{response.status_code} {response.text[:300]}"
    world.statuses[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(SETTINGS, max_examples=2)
def test_operation_refuses_a_caller_without_valid_credentials(case, in_process):
    if case.path_parameters:
        case.path_parameters = {k: "ndt" if k == "slug" else 1 for k in case.path_parameters}
    assert case.operation.label not in PUBLIC_OPERATIONS
    for headers in (
        {},
        {"Authorization": "Bearer petal_000000000000_not-a-valid-token"},
        {"Cookie": "petal_session=not-a-session"},  # no CSRF 403 before the 401
    ):
        response = case.call(app=in_process, headers=headers)
        assert response.status_code == 401, (case.operation.label, headers, response.text)
        assert response.headers.get("www-authenticate") == ['Bearer realm="petal"']
        case.validate_response(response, checks=CHECKS)


NEGATIVE = schemathesis.openapi.from_dict(
    OPENAPI,
    config=schemathesis.Config.from_dict(
        {
            "seed": 2026,
            "generation": {
                "mode": "negative",
                "max-examples": 3,
                "no-shrink": True,
                "deterministic": True,
                "with-security-parameters": False,
                "database": "none",
            },
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)


@NEGATIVE.parametrize()
@SETTINGS
def test_operation_refuses_input_that_breaks_its_schema(case, in_process, make_user):
    """Input that breaks the schema never gets a 5xx, and whatever comes back (mostly 422)
    is documented and in its documented shape. (Not negative_data_rejection: pydantic's lax
    parsing accepts some schema-breaking values on purpose, such as a number for a date.)"""
    from petal.access.roles import Role
    from petal.accounts.services import token_create

    _, token = token_create(actor=make_user(Role.TRUSTED_PERSON), name="negative")
    response = case.call(app=in_process, headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=CHECKS)


def test_every_operation_requires_authentication_in_the_schema():
    """The schema says so too: every operation lists its security schemes, except the
    deliberate public ones."""
    open_ones = {
        f"{method.upper()} {path}"
        for path, item in OPENAPI["paths"].items()
        for method, operation in item.items()
        if not operation.get("security")
    }
    assert open_ones == PUBLIC_OPERATIONS
    assert len(OPERATIONS) >= 49


def test_schema_names_are_unique():
    """Two API schemas with one name share one entry in the OpenAPI document, so one of them
    is documented wrongly (found by this run: EventOut, AnswerOut, BarrierOut, DecisionOut)."""
    names = collections.defaultdict(set)
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("petal.") and cls.__name__ in OPENAPI["components"].get(
            "schemas", {}
        ):
            names[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in names.items() if len(where) > 1} == {}
