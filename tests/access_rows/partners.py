"""Access-matrix rows for partners and contributions, and milestones.

The public partners and milestones pages are for everyone. Each partner's contributions (the
list, a partner's page, the downloads) are for the programme team and governance members;
changing anything is the programme team's. Through the API, every worker reads partners, the
totals and milestones; contributions pledge by pledge need ``contributions.view``."""

from __future__ import annotations

from tests.access_rows.common import (  # noqa: F401
    ANON,
    EVERY_ROLE,
    EVERYONE,
    INDIVIDUAL,
    NO_ROLE,
    PRINCIPALS,
    SIGNED_IN,
    R,
    allow,
)

CONTRIBUTIONS = {R.PROGRAMME_TEAM, R.GOVERNANCE_MEMBER}
TEAM = {R.PROGRAMME_TEAM}

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "partners:public": ("/partners", allow(EVERYONE)),
    "partners:timeline": ("/milestones", allow(EVERYONE)),
    "partners:list": ("/programme/partners/", allow(CONTRIBUTIONS)),
    "partners:partner": ("/programme/partners/{programme_partner}", allow(CONTRIBUTIONS)),
    "partners:export-csv": ("/programme/contributions.csv", allow(CONTRIBUTIONS)),
    "partners:export-xlsx": ("/programme/contributions.xlsx", allow(CONTRIBUTIONS)),
    "partners:new": ("/programme/partners/new", allow(TEAM)),
    "partners:edit": ("/programme/partners/{programme_partner}/edit", allow(TEAM)),
    "partners:contribution-new": (
        "/programme/partners/{programme_partner}/contributions/new",
        allow(TEAM),
    ),
    "partners:contribution-edit": (
        "/programme/contributions/{programme_contribution}/edit",
        allow(TEAM),
    ),
    # POST only: a GET is refused once the role check has passed.
    "partners:contribution-withdraw": (
        "/programme/contributions/{programme_contribution}/withdraw",
        allow(TEAM, ok_status=405),
    ),
    "partners:milestones": ("/programme/milestones/", allow(TEAM)),
    "partners:milestone-new": ("/programme/milestones/new", allow(TEAM)),
    "partners:milestone-edit": (
        "/programme/milestones/{programme_milestone}/edit",
        allow(TEAM),
    ),
    # The API through a signed-in session (each operation is checked below with a token).
    "api:partners_list": ("/api/v1/partners", allow(EVERY_ROLE, anon=401)),
    "api:contributions_list": ("/api/v1/contributions", allow(CONTRIBUTIONS, anon=401)),
    "api:contributions_summary": ("/api/v1/contributions/summary", allow(EVERY_ROLE, anon=401)),
    "api:milestones_list": ("/api/v1/milestones", allow(EVERY_ROLE, anon=401)),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {
    ("get", "/api/v1/partners"): ("/api/v1/partners", None, allow(EVERY_ROLE, anon=401)),
    ("get", "/api/v1/contributions"): (
        "/api/v1/contributions",
        None,
        allow(CONTRIBUTIONS, anon=401),
    ),
    ("get", "/api/v1/contributions/summary"): (
        "/api/v1/contributions/summary",
        None,
        allow(EVERY_ROLE, anon=401),
    ),
    ("get", "/api/v1/milestones"): ("/api/v1/milestones", None, allow(EVERY_ROLE, anon=401)),
}


def ids() -> dict:
    from petal.programme.tests.factories import ContributionFactory, MilestoneFactory

    contribution = ContributionFactory()
    return {
        "programme_partner": contribution.partner_id,
        "programme_contribution": contribution.pk,
        "programme_milestone": MilestoneFactory().pk,
    }
