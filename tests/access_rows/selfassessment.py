"""Access-matrix rows for this part of the programme app."""

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

# Another organisation's assessment pages: as if they did not exist, except to the programme
# team, who see every organisation's.
OTHER_ORGANISATION = {**allow(EVERY_ROLE, ok_status=404), R.PROGRAMME_TEAM: 200}

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "assessment:home": ("/self-assessment/", allow(EVERY_ROLE)),
    # POST only: a GET is refused once the role check has passed.
    "assessment:start": ("/self-assessment/start", allow(EVERY_ROLE, ok_status=405)),
    "assessment:compare": ("/self-assessment/compare", allow({R.PROGRAMME_TEAM})),
    "assessment:organisation": (
        "/self-assessment/organisations/{sa_organisation}",
        OTHER_ORGANISATION,
    ),
    "assessment:training-new": (
        "/self-assessment/organisations/{sa_organisation}/training/new",
        OTHER_ORGANISATION,
    ),
    "assessment:assessment": ("/self-assessment/{sa_assessment}", OTHER_ORGANISATION),
    "assessment:submit": (
        "/self-assessment/{sa_assessment}/submit",
        allow(EVERY_ROLE, ok_status=405),
    ),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {}


def ids() -> dict:
    """An organisation no principal holds a role in, with a self-assessment in progress."""
    from petal.programme.tests.factories import SelfAssessmentFactory

    assessment = SelfAssessmentFactory()
    return {"sa_organisation": assessment.organisation.slug, "sa_assessment": assessment.pk}
