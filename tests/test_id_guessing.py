"""Cross-organisation ID guessing fails for every detail page, export, download and API operation.

Organisation A has a trusted person, a person whose every field is a canary (tests/worlds.py)
and everything with an id of its own about them. Organisation B has a user in every role, and a
person's own sign-in. Every URL pattern with a parameter (walked from the resolver, as
tests/test_access_matrix.py does) and every API operation with a path parameter (from the
OpenAPI schema) is called by every one of B's users with A's ids (private records by GET and
by POST; programme-wide records linked to A by GET):

- nothing of A's ever comes back: no canary in any body or header, whatever the status;
- a private record (a person, their consents, referrals, meetings, assessments, imports,
  exports, handovers, break-glass…) answers exactly as an id that does not exist: 404; or the
  same 4xx as for an id that does not exist; or 403 from the role gate, which the access
  middleware applies before the view runs (so before any id is looked at); never 2xx;
- ids next to one the reader may see answer exactly like an id that does not exist, body and
  all.

``BY_DESIGN`` lists the few places a role sees another organisation's record on purpose (the
data protection lead's oversight, a safeguarding lead's break-glass, the programme team's view
of every self-assessment).

``PARAMETERS`` says, per URL namespace and parameter name, what each parameter names. A new URL
whose parameter is not listed fails ``test_every_id_parameter_is_known`` until someone decides.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from config.api import api
from tests.worlds import canaries_in, org_a_world, org_b_users

PRIVATE = "private"  # A's record: answers as if it did not exist
SHARED = "shared"  # programme-wide by design: may open, must carry no canary
FIXED = "fixed"  # not an id (a step, a section, a tool, a token): a fixed value

GHOST_INT = 987654321

# (URL namespace, parameter) → (kind, key in the ids, or a literal value). Keys are A's world
# (tests/worlds.py) and the access matrix's ids (tests/test_access_matrix.py _directory_ids).
PARAMETERS: dict[tuple[str, str], tuple[str, str]] = {
    # People and everything under a person's record.
    ("people", "person_id"): (PRIVATE, "person"),
    ("people", "episode_id"): (PRIVATE, "episode"),
    ("people", "handover_id"): (PRIVATE, "handover"),
    ("people", "request_id"): (PRIVATE, "connection_request"),
    ("people", "section"): (FIXED, "story"),
    ("people", "step"): (FIXED, "identity"),
    ("consent", "person_id"): (PRIVATE, "person"),
    ("consent", "consent_id"): (PRIVATE, "consent"),
    ("consent", "glass_id"): (PRIVATE, "glass"),
    ("assessments", "person_id"): (PRIVATE, "person"),
    ("assessments", "assessment_id"): (PRIVATE, "assessment"),
    ("assessments", "tool"): (FIXED, "ndt"),
    ("assessments", "year"): (FIXED, "year"),
    ("assessments", "quarter"): (FIXED, "quarter"),
    ("imports", "batch_id"): (PRIVATE, "batch"),
    ("exports", "job_id"): (PRIVATE, "export"),
    ("exports", "slug"): (SHARED, "export_dashboard"),
    ("exports", "table"): (SHARED, "export_table"),
    ("exports", "fmt"): (FIXED, "csv"),
    ("outcomes", "slug"): (SHARED, "export_dashboard"),
    ("referrals", "referral_id"): (PRIVATE, "referral"),
    ("referrals", "service_id"): (SHARED, "service"),
    ("referrals", "code"): (FIXED, "cambridge"),
    ("referrals", "slug"): (FIXED, "cambridgeshire"),
    ("meetings", "meeting_id"): (PRIVATE, "meeting"),
    ("meetings", "action_id"): (PRIVATE, "action"),
    ("meetings", "invitation_id"): (PRIVATE, "invitation"),
    # Accounts: another user's API token is theirs alone; users are the administrators'.
    ("accounts", "token_id"): (PRIVATE, "token"),
    ("accounts", "user_id"): (SHARED, "tp_user"),
    ("accounts", "membership_id"): (SHARED, "tp_membership"),
    ("accounts", "uidb64"): (FIXED, "MQ"),
    ("accounts", "token"): (FIXED, "not-a-token"),
    # A support connection between two other users; another organisation's self-assessment.
    ("champions", "connection_id"): (PRIVATE, "connection"),
    ("assessment", "slug"): (PRIVATE, "sa_organisation"),
    ("assessment", "assessment_id"): (PRIVATE, "sa_assessment"),
    # The JSON API.
    ("api", "person_id"): (PRIVATE, "person"),
    ("api", "consent_id"): (PRIVATE, "consent"),
    ("api", "referral_id"): (PRIVATE, "referral"),
    ("api", "meeting_id"): (PRIVATE, "meeting"),
    ("api", "action_id"): (PRIVATE, "action"),
    ("api", "champion_id"): (SHARED, "champion"),
    ("api", "question_id"): (SHARED, "question"),
    ("api", "event_id"): (SHARED, "event"),
    ("api", "barrier_id"): (SHARED, "barrier"),
    ("api", "slug"): (FIXED, "tell-it-once"),
    # Data-protection rights cases and their copies (the data protection lead's alone, for
    # everyone in the programme area); what each retention run did.
    ("rights", "person_id"): (PRIVATE, "person"),
    ("rights", "case_id"): (PRIVATE, "rights_case"),
    ("rights", "export_id"): (PRIVATE, "rights_export"),
    ("rights", "fmt"): (FIXED, "json"),
    ("retention", "run_id"): (SHARED, "retention_run"),
    # Programme-wide by design: the directory, the network, barriers and governance, the
    # programme team's records.
    ("site", "slug"): (SHARED, "page"),
    ("directory", "service_id"): (SHARED, "service"),
    ("directory", "slug"): (SHARED, "organisation"),
    ("openreferral", "service_id"): (SHARED, "service"),
    ("openreferral", "taxonomy_id"): (SHARED, "taxonomy"),
    ("openreferral", "term_id"): (SHARED, "term"),
    ("openreferral", "sal_id"): (SHARED, "service_at_location"),
    ("champions", "token"): (FIXED, "not-a-token"),
    ("champions", "champion_id"): (SHARED, "champion"),
    ("champions", "topic_id"): (SHARED, "topic"),
    ("network", "question_id"): (SHARED, "question"),
    ("network", "answer_id"): (SHARED, "answer"),
    ("network", "story_id"): (SHARED, "story"),
    ("events", "event_id"): (SHARED, "event"),
    ("stories", "story_id"): (SHARED, "featured_story"),
    ("barriers", "barrier_id"): (SHARED, "barrier"),
    ("barriers", "entry_id"): (SHARED, "learning"),
    ("governance", "slug"): (SHARED, "group"),
    ("governance", "member_id"): (SHARED, "group_member"),
    ("governance", "meeting_id"): (SHARED, "governance_meeting"),
    ("governance", "item_id"): (SHARED, "agenda_item"),
    ("learning", "entry_id"): (SHARED, "published_learning"),
    ("partners", "partner_id"): (SHARED, "programme_partner"),
    ("partners", "contribution_id"): (SHARED, "programme_contribution"),
    ("partners", "milestone_id"): (SHARED, "programme_milestone"),
    ("newsletters", "newsletter_id"): (SHARED, "newsletter_published"),
    ("newsletters", "token"): (FIXED, "not-a-token"),
    ("newsletters", "name"): (SHARED, "newsletter_image_name"),
    ("library", "item_id"): (SHARED, "case_study"),
    ("library", "consent_id"): (SHARED, "case_study_consent"),
    ("coproduction", "feedback_id"): (SHARED, "feedback"),
    ("coproduction", "contributor_id"): (SHARED, "contributor"),
    ("contact", "message_id"): (SHARED, "contact_message"),
}

# Where a role sees another organisation's record by design, and answers differently for it
# than for an id that does not exist: (role, URL name or "METHOD /api path") → why.
BY_DESIGN: dict[tuple[str, str], str] = {
    # The data protection lead reviews every break-glass in the programme area.
    ("data_protection_lead", "consent:break-glass-review"): "oversight of every break-glass",
    # A safeguarding lead may open any record without consent: recorded, time-limited, and
    # the data protection lead and trusted person are told.
    ("safeguarding_lead", "POST /api/v1/people/{person_id}/break-glass"): "break-glass",
    # The programme team sees every organisation's self-assessment.
    ("programme_team", "assessment:organisation"): "sees every organisation's",
    ("programme_team", "assessment:training-new"): "sees every organisation's",
    ("programme_team", "assessment:assessment"): "sees every organisation's",
    ("programme_team", "assessment:submit"): "fills in any organisation's (may_assess)",
}
# The data protection lead handles every rights request in the programme area: a copy of
# everything held is theirs to make and check.
BY_DESIGN.update(
    {
        ("data_protection_lead", f"rights:{name}"): "handles every rights request"
        for name in (
            "new",
            "case",
            "pause",
            "resume",
            "extend",
            "close",
            "export-new",
            "export",
            "restrict",
            "lift",
            "record",
            "tell",
            "decide",
        )
    }
)
# Canary values a by-design reader is meant to see: the reason a break-glass was opened; a
# rights case is about the whole record ("*": any).
BY_DESIGN_CANARIES = {
    "consent:break-glass-review": ("BREAKGLASS-7Q3Z",),
    **{name: ("*",) for _, name in BY_DESIGN if name.startswith("rights:")},
}

ROLES = [
    "trusted_person",
    "service_staff",
    "champion",
    "partnership_coordinator",
    "governance_member",
    "safeguarding_lead",
    "programme_team",
    "data_protection_lead",
    "administrator",
    "individual",
]


# --- what there is to guess ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    namespace: str
    route: str  # e.g. "people/<int:person_id>/consents/<int:consent_id>/receipt"
    params: tuple[str, ...]
    permission: str = ""  # the role gate (requires(...)) the access middleware applies

    def gate_refuses(self, user) -> bool:
        """Whether the access middleware refuses this user before the view runs (so before
        any id is looked at): the view needs a permission none of their roles carries."""
        from petal.access.policy import can

        return bool(self.permission) and not can(user, self.permission)

    @property
    def kinds(self) -> set[str]:
        """PRIVATE, SHARED and FIXED as its parameters are; empty when one is unknown (which
        test_every_id_parameter_is_known reports)."""
        try:
            return {PARAMETERS[(self.namespace, p)][0] for p in self.params}
        except KeyError:
            return set()


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
            if params:
                rule = getattr(pattern.callback, "petal_access", None)
                permission = getattr(rule, "permission", "") or ""
                yield Route(
                    f"{namespace}:{pattern.name}", namespace or "", route, params, permission
                )


def _routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns))


def _api_operations() -> list[tuple[str, str, tuple[str, ...]]]:
    schema = api.get_openapi_schema()
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            params = tuple(p["name"] for p in operation.get("parameters", []) if p["in"] == "path")
            if params:
                found.append((method, path, params))
    return found


def test_every_id_parameter_is_known():
    """A URL or API operation with a parameter nobody has classified fails here: add it to
    PARAMETERS (and its record to the worlds) once you know who may reach it."""
    unknown = {
        (r.name, p) for r in _routes() for p in r.params if (r.namespace, p) not in PARAMETERS
    }
    unknown |= {
        (f"{m.upper()} {path}", p)
        for m, path, params in _api_operations()
        for p in params
        if ("api", p) not in PARAMETERS
    }
    assert unknown == set(), "parameters with no entry in PARAMETERS"


def test_parameter_table_has_no_stale_rows():
    used = {(r.namespace, p) for r in _routes() for p in r.params}
    used |= {("api", p) for _, _, params in _api_operations() for p in params}
    assert set(PARAMETERS) - used == set()


# --- the two worlds, built once for the module -------------------------------------------------


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    """A's world and B's users, built once inside a transaction that is rolled back at the end;
    each test runs inside it (in a savepoint) and may change things freely."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build():
    from petal.accounts.services import token_create
    from petal.champions.tests.factories import EventFactory
    from petal.consent.models import Consent
    from petal.people.tests.factories import person_of
    from petal.referrals.tests.factories import ReferralFactory
    from tests.test_access_matrix import _directory_ids
    from tests.worlds import CANARY

    a = org_a_world()
    matrix = _directory_ids(a.person)
    token, _ = token_create(actor=a.tp, name="A's integration")
    ids = {
        **matrix,
        "person": a.person.pk,
        "episode": a.episode.pk,
        "handover": a.handover.pk,
        "connection_request": a.connection.pk,
        "consent": a.consent.pk,
        "glass": a.glass.pk,
        "assessment": a.assessment.pk,
        "year": a.year,
        "quarter": a.quarter,
        "batch": a.batch.pk,
        "export": a.export.pk,
        "referral": a.referral.pk,
        "meeting": a.meeting.pk,
        "action": a.action.pk,
        "invitation": a.invitation.pk,
        "token": token.pk,
        "tp_user": a.tp.pk,
        "tp_membership": a.tp.memberships.get().pk,
        "service": a.service.pk,
        "organisation": a.org.slug,
        "event": EventFactory().pk,
        "page": "about",
        "newsletter_image_name": f"{matrix['newsletter_image']}.png",
        **_rights_ids(a),
    }
    # B, sandwiched between two of A's for each kind B can see, so that B's ids have A's on
    # either side.
    a2_person = person_of(a.tp, full_name="Second Canary-A2-7Q3Z")
    b = org_b_users()
    a3_person = person_of(a.tp, full_name="Third Canary-A3-7Q3Z")
    b_tp = b.users["trusted_person"]
    sandwich = {}

    def consent_of(person, organisation, by):
        return Consent.objects.create(
            programme_area=person.programme_area,
            person=person,
            grantee_organisation=organisation,
            category_bits=a.consent.category_bits,
            purposes=["referral"],
            starts_on=a.consent.starts_on,
            ends_on=a.consent.ends_on,
            given_how="verbal",
            conditions=CANARY["consent_conditions"] if by == a.tp else "",
            recorded_by=by,
        )

    from petal.directory.tests.factories import ServiceFactory

    b_service = ServiceFactory(organisation=b.org)
    for kind, make_a, make_b in (
        (
            "consent",
            lambda: consent_of(a.person, a.org, a.tp),
            lambda: consent_of(b.person, b.org, b_tp),
        ),
        (
            "referral",
            lambda: ReferralFactory(
                person=a.person, service=a.service, reason=CANARY["referral_reason"]
            ),
            lambda: ReferralFactory(person=b.person, service=b_service),
        ),
        (
            "meeting",
            lambda: _meeting(a.tp, a.person, CANARY["meeting_purpose"]),
            lambda: _meeting(b_tp, b.person, "Agree the plan"),
        ),
    ):
        before, mine, after = make_a(), make_b(), make_a()
        sandwich[kind] = (mine.pk, before.pk, after.pk)
    sandwich["person"] = (b.person.pk, a2_person.pk, a3_person.pk)
    return {"a": a, "b": b, "ids": ids, "sandwich": sandwich}


def _rights_ids(a) -> dict:
    """A subject access case about A's person, with a copy made, and a retention run."""
    from django.utils import timezone

    from petal.retention.models import RetentionRun
    from petal.rights.models import RightsCase, SubjectAccessExport

    case = RightsCase.objects.create(
        programme_area=a.person.programme_area,
        kind="access",
        person=a.person,
        person_reference=f"P-{a.person.pk:06d}",
        received_on=timezone.localdate(),
        received_how="trusted_person",
        notes="Asked through the trusted person RIGHTS-7Q3Z",
    )
    copy = SubjectAccessExport.objects.create(
        case=case,
        json_content=b'{"full_name": "Canarywyn Quillfeather-7Q3Z"}',
        pdf_content=b"%PDF-1.4",
        sha256="0" * 64,
    )
    return {
        "rights_case": case.pk,
        "rights_export": copy.pk,
        "retention_run": RetentionRun.objects.create().pk,
    }


def _meeting(tp, person, purpose):
    import datetime as dt

    from django.utils import timezone

    from petal.meetings import services as meetings

    starts = timezone.now() + dt.timedelta(days=3)
    return meetings.meeting_convene(
        actor=tp,
        person=person,
        purpose=purpose,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        place="Room 2",
    )


def _value(namespace, param, ids, *, ghost=False):
    kind, key = PARAMETERS[(namespace, param)]
    if kind == FIXED:
        return ids.get(key, key)
    value = ids[key]
    if ghost and kind == PRIVATE:
        if isinstance(value, uuid.UUID):
            return uuid.UUID(int=value.int ^ (1 << 64))
        if isinstance(value, int):
            return GHOST_INT
        return f"{value}-not-here"
    return value


def _fill(route: str, namespace: str, ids, *, ghost=False, overrides=None) -> str:
    def one(match):
        param = match.group(1)
        if overrides and param in overrides:
            return str(overrides[param])
        return str(_value(namespace, param, ids, ghost=ghost))

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", one, route)


def _api_path(path: str, ids, *, ghost=False, overrides=None) -> str:
    def one(match):
        param = match.group(1)
        if overrides and param in overrides:
            return str(overrides[param])
        return str(_value("api", param, ids, ghost=ghost))

    return re.sub(r"{(\w+)}", one, path)


def _leaks(response) -> list[str]:
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    body = b"" if getattr(response, "streaming", False) else response.content
    return canaries_in(headers) + canaries_in(body)


# Programme-wide records that are A's or about A's people: the user page of A's trusted
# person, A's organisation and service in the directory (and their referral times), a barrier
# A's trusted person raised, the dashboards counting A's people, a retention run.
LINKED_TO_A = {
    "tp_user",
    "tp_membership",
    "organisation",
    "service",
    "barrier",
    "export_dashboard",
    "export_table",
    "retention_run",
}


def _linked_to_a(route: Route) -> bool:
    return any(PARAMETERS[(route.namespace, p)][1] in LINKED_TO_A for p in route.params)


# --- pages ----------------------------------------------------------------------------------


def _page_wrong(c, role, route, ids, method, user=None) -> list[tuple]:
    """What is wrong with one page for one of B's users, by one method (empty lists: nothing)."""
    wrong = []
    if BY_DESIGN_CANARIES.get(route.name) == ("*",) and (role, route.name) in BY_DESIGN:
        return wrong  # the whole record is theirs to see: nothing to look for
    path = _fill(route.route, route.namespace, ids)
    response = getattr(c, method)(path)
    allowed = BY_DESIGN_CANARIES.get(route.name, ()) if (role, route.name) in BY_DESIGN else ()
    leaked = [
        x for x in _leaks(response) if "*" not in allowed and not any(a in x for a in allowed)
    ]
    if leaked:
        wrong.append((route.name, method, path, response.status_code, "canary", leaked))
    if PRIVATE not in route.kinds or (role, route.name) in BY_DESIGN:
        return wrong
    if response.status_code == 404:
        return wrong  # the answer for a missing id (a missing id answering otherwise is no leak)
    if response.status_code == 403 and user is not None and route.gate_refuses(user):
        return wrong  # refused by role before the view ran: no id was looked at
    ghost_path = _fill(route.route, route.namespace, ids, ghost=True)
    ghost = getattr(c, method)(ghost_path)
    if response.status_code != ghost.status_code or not 400 <= response.status_code < 500:
        wrong.append(
            (route.name, method, path, response.status_code, "not as missing", ghost.status_code)
        )
    return wrong


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_another_organisations_ids_open_nothing_on_any_page(role, worlds, client):
    ids = worlds["ids"]
    client.raise_request_exception = False
    user = worlds["b"].users[role]
    client.force_login(user)
    wrong = []
    for route in _routes():
        kinds = route.kinds
        if kinds <= {FIXED} or route.namespace == "api":
            continue  # nothing to guess; the API is called with tokens below
        if PRIVATE not in kinds and not _linked_to_a(route):
            continue  # programme-wide and nothing to do with A: the access matrix covers it
        methods = ("get", "post") if PRIVATE in kinds else ("get",)
        for method in methods:
            wrong += _page_wrong(client, role, route, ids, method, user)
    assert wrong == [], f"{role}: (url, method, path, status, what, detail)"


@pytest.mark.django_db
def test_the_checks_see_a_leak_when_there_is_one(worlds, client):
    """The same checks, for A's own trusted person: their person's page opens, shows the
    canaries and answers unlike a missing id, so the checks above could fail."""
    client.force_login(worlds["a"].tp)
    route = next(r for r in _routes() if r.name == "people:person")
    wrong = _page_wrong(client, "trusted_person", route, worlds["ids"], "get")
    assert [w[4] for w in wrong] == ["canary", "not as missing"]
    assert "Quillfeather-7Q3Z" in wrong[0][5]


# --- the API ----------------------------------------------------------------------------------


def _api_body(method: str, path: str):
    from tests.test_access_matrix import API_OPERATIONS

    row = API_OPERATIONS.get((method, path))
    return row[1] if row else None


def _bearer(user) -> dict:
    from petal.accounts.services import token_create

    _, raw = token_create(actor=user, name="guessing")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _call(c, method, path, body, headers):
    if body is None:
        return getattr(c, method)(path, **headers)
    return getattr(c, method)(
        path, data=json.dumps(body), content_type="application/json", **headers
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_another_organisations_ids_open_nothing_through_the_api(role, worlds, client):
    ids = worlds["ids"]
    client.raise_request_exception = False
    headers = _bearer(worlds["b"].users[role])
    wrong = []
    # An operation open by design (a safeguarding lead's break-glass opens the record) goes
    # last, so it cannot open the record for the others.
    operations = sorted(
        _api_operations(), key=lambda op: (role, f"{op[0].upper()} {op[1]}") in BY_DESIGN
    )
    for method, path, params in operations:
        body = _api_body(method, path)
        name = f"{method.upper()} {path}"
        if any(("api", p) not in PARAMETERS for p in params):
            continue  # reported by test_every_id_parameter_is_known
        private = any(PARAMETERS[("api", p)][0] == PRIVATE for p in params)
        response = _call(client, method, _api_path(path, ids), body, headers)
        if leaked := _leaks(response):
            wrong.append((name, response.status_code, "canary", leaked))
        if not private or (role, name) in BY_DESIGN or response.status_code == 404:
            continue
        ghost = _call(client, method, _api_path(path, ids, ghost=True), body, headers)
        if response.status_code != ghost.status_code or not 400 <= response.status_code < 500:
            wrong.append((name, response.status_code, "not as missing", ghost.status_code))
    assert wrong == [], f"{role}: (operation, status, what, detail)"


# --- ids next to one the reader may see ------------------------------------------------------

# Each kind's own page, to show the reader sees their own record of that kind.
OWN_PAGE = {
    "person_id": "/people/{id}",
    "consent_id": "/people/{person}/consents/{id}/receipt",
    "referral_id": "/referrals/{id}",
    "meeting_id": "/meetings/{id}",
}
# Private parameters whose neighbours are guessed, and the sandwich each comes from.
NEIGHBOURS = {"person_id": "person", "consent_id": "consent", "referral_id": "referral"}
NEIGHBOURS_MEETING = {"meeting_id": "meeting"}


def _normal(html: bytes) -> str:
    """The body without what differs on every response (CSP nonces, CSRF tokens)."""
    text = html.decode("utf-8", "replace")
    text = re.sub(r'nonce="[^"]*"', 'nonce=""', text)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _guessable(role_user_can_see):
    """(route, parameter) pairs to guess: pages and API paths with one private id parameter of
    a kind in the sandwich, plus the person's id where it comes with a consent."""
    for route in _routes():
        if not route.kinds:
            continue
        private = [p for p in route.params if PARAMETERS[(route.namespace, p)][0] == PRIVATE]
        for param in private:
            if param in role_user_can_see and set(private) <= {param, "person_id"}:
                yield route.name, route.route, route.namespace, param
    for method, path, params in _api_operations():
        if method != "get":
            continue
        if len(params) == 1 and params[0] in role_user_can_see:
            yield f"GET {path}", path, "api", params[0]


def _fetch(client, headers, route, namespace, ids, overrides):
    if namespace == "api":
        return client.get(_api_path(route, ids, overrides=overrides), **headers)
    return client.get(_fill(route, namespace, ids, overrides=overrides))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["trusted_person", "service_staff"])
def test_ids_next_to_a_visible_one_answer_as_if_they_did_not_exist(role, worlds, client):
    """B's own person, consent, referral and meeting have A's on either side: guessing one
    more or one less answers exactly as an id that does not exist, body and all."""
    sandwich = worlds["sandwich"]
    b = worlds["b"]
    client.raise_request_exception = False
    user = b.users[role]
    client.force_login(user)
    headers = _bearer(user)
    kinds = {**NEIGHBOURS, **NEIGHBOURS_MEETING}
    if role == "service_staff":
        kinds = {"referral_id": "referral"}
    # The reader really does see their own: the guesses are next to something visible.
    for param, kind in kinds.items():
        mine = sandwich[kind][0]
        own = client.get(OWN_PAGE[param].format(id=mine, person=b.person.pk))
        assert own.status_code == 200, (param, own.status_code)
    wrong = []
    for name, route, namespace, param in _guessable(kinds):
        next_to = sandwich[kinds[param]][1:]
        fixed = {"person_id": b.person.pk} if param != "person_id" else {}
        where = (client, headers, route, namespace, worlds["ids"])
        ghost = _fetch(*where, {**fixed, param: GHOST_INT})
        for value in next_to:
            guessed = _fetch(*where, {**fixed, param: value})
            if guessed.status_code != ghost.status_code or _normal(guessed.content) != _normal(
                ghost.content
            ):
                wrong.append((name, param, value, guessed.status_code, ghost.status_code))
            if leaked := _leaks(guessed):
                wrong.append((name, param, value, "canary", leaked))
    assert wrong == []
