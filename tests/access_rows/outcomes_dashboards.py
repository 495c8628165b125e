"""Access-matrix rows for the outcomes dashboards and the reports API (issue 11).

Counts only, never a person, with small numbers suppressed: the programme team, partnership
coordinators and governance members (``outcomes.dashboards``). Every other role is refused by
role (403; the API answers 401 to anyone not signed in)."""

from __future__ import annotations

from tests.access_rows.common import (  # noqa: F401
    ANON,
    EVERY_ROLE,
    EVERYONE,
    INDIVIDUAL,
    NO_ROLE,
    PEOPLE,
    PRINCIPALS,
    SIGNED_IN,
    R,
    allow,
)

READERS = {R.PROGRAMME_TEAM, R.PARTNERSHIP_COORDINATOR, R.GOVERNANCE_MEMBER}
PAGE = allow(READERS)
API = allow(READERS, anon=401)

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "outcomes:dashboards": ("/outcomes/", PAGE),
    "outcomes:dashboard": ("/outcomes/cohort/", PAGE),
    # The API through a signed-in session (each operation is checked below with a token).
    "api:report_cohort": ("/api/v1/reports/cohort", API),
    "api:report_time_to_access": ("/api/v1/reports/time-to-access", API),
    "api:report_other": ("/api/v1/reports/barriers", API),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {
    ("get", "/api/v1/reports/cohort"): ("/api/v1/reports/cohort?on=2025-05-01", None, API),
    ("get", "/api/v1/reports/time-to-access"): ("/api/v1/reports/time-to-access", None, API),
    ("get", "/api/v1/reports/{slug}"): ("/api/v1/reports/tell-it-once", None, API),
}


def ids() -> dict:
    return {}
