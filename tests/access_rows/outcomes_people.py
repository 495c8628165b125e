"""Access-matrix rows for a person's assessments and service use (issue 11).

Every page and API operation is for roles that work with people's records, and then the people
access rule decides: ``{outcomes_person}`` is someone else's person (with an NDT assessment,
``{outcomes_assessment}``, and a quarter of service use), so every one of those roles gets 404,
exactly as for the person's own page. Everyone else is refused by role first (403, or sign-in)."""

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

HIDDEN = allow(PEOPLE, ok_status=404)
HIDDEN_API = allow(PEOPLE, ok_status=404, anon=401)

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "assessments:list": ("/people/{outcomes_person}/assessments/", HIDDEN),
    "assessments:new": ("/people/{outcomes_person}/assessments/new/ndt", HIDDEN),
    "assessments:detail": (
        "/people/{outcomes_person}/assessments/{outcomes_assessment}",
        HIDDEN,
    ),
    "assessments:service-use-new": ("/people/{outcomes_person}/service-use/new", HIDDEN),
    "assessments:service-use-edit": (
        "/people/{outcomes_person}/service-use/{outcomes_year}/q{outcomes_quarter}",
        HIDDEN,
    ),
    # The API through a signed-in session (each operation is checked below with a token).
    "api:person_assessments_list": ("/api/v1/people/{outcomes_person}/assessments", HIDDEN_API),
    "api:person_assessment_create": (
        "/api/v1/people/{outcomes_person}/assessments",
        HIDDEN_API,
    ),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {
    ("get", "/api/v1/people/{person_id}/assessments"): (
        "/api/v1/people/{outcomes_person}/assessments",
        None,
        HIDDEN_API,
    ),
    ("post", "/api/v1/people/{person_id}/assessments"): (
        "/api/v1/people/{outcomes_person}/assessments",
        {
            "tool": "ons4-wellbeing",
            "assessed_on": "2025-01-15",
            "scores": {"life-satisfaction": 5, "worthwhile": 5, "happiness": 5, "anxiety": 5},
        },
        HIDDEN_API,
    ),
}


def ids() -> dict:
    """Someone else's person, with an NDT assessment and last quarter's service use."""
    from petal.access.roles import Role
    from petal.accounts.tests.factories import MembershipFactory, UserFactory
    from petal.outcomes.selectors.assessments import quarter_of
    from petal.outcomes.tests.factories import AssessmentFactory, ServiceUseFactory
    from petal.people.tests.factories import person_of

    owner = UserFactory()
    MembershipFactory(user=owner, role=Role.TRUSTED_PERSON)
    person = person_of(owner)
    assessment = AssessmentFactory(person=person, scores={"housing": 3})
    use = ServiceUseFactory(person=person, arrests=1)
    year, quarter = quarter_of(use.quarter)
    return {
        "outcomes_person": person.pk,
        "outcomes_assessment": assessment.pk,
        "outcomes_year": year,
        "outcomes_quarter": quarter,
    }
