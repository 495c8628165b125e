"""Access-matrix rows for the co-production register and feedback: personal details of people
with lived experience, the programme team's alone. {contributor} is in the register and
{feedback} is their feedback. (Published feedback is public on "You said, we did",
``learning:list``, whose row is in tests/test_access_matrix.py.)"""

from __future__ import annotations

from tests.access_rows.common import R, allow

TEAM = {R.PROGRAMME_TEAM}
BASE = "/programme/co-production/"

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "coproduction:register": (BASE, allow(TEAM)),
    "coproduction:new": (f"{BASE}new", allow(TEAM)),
    "coproduction:contributor": (f"{BASE}{{contributor}}", allow(TEAM)),
    "coproduction:edit": (f"{BASE}{{contributor}}/edit", allow(TEAM)),
    "coproduction:participation-new": (f"{BASE}{{contributor}}/taking-part/new", allow(TEAM)),
    "coproduction:recognition-new": (f"{BASE}{{contributor}}/recognition/new", allow(TEAM)),
    "coproduction:feedback": (f"{BASE}feedback/", allow(TEAM)),
    "coproduction:feedback-new": (f"{BASE}feedback/new", allow(TEAM)),
    "coproduction:feedback-item": (f"{BASE}feedback/{{feedback}}", allow(TEAM)),
    # POST only: a GET is refused once the role check has passed.
    "coproduction:feedback-publish": (
        f"{BASE}feedback/{{feedback}}/publish",
        allow(TEAM, ok_status=405),
    ),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {}


def ids() -> dict:
    from petal.programme.tests.factories import ContributorFactory, FeedbackFactory

    contributor = ContributorFactory()
    return {"contributor": contributor.pk, "feedback": FeedbackFactory(contributor=contributor).pk}
