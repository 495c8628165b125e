"""Access-matrix rows for the learning library: the list, each published document and its PDF
are public; the programme team's pages are theirs alone. {library_item} is a published
briefing note; {case_study} a case study with an agreement recorded (unpublished), and
{case_study_consent} that agreement."""

from __future__ import annotations

from tests.access_rows.common import EVERYONE, R, allow

TEAM = {R.PROGRAMME_TEAM}

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "library:list": ("/library/", allow(EVERYONE)),
    "library:item": ("/library/{library_item}", allow(EVERYONE)),
    "library:pdf": ("/library/{library_item}.pdf", allow(EVERYONE)),
    "library:manage": ("/programme/library/", allow(TEAM)),
    "library:new": ("/programme/library/new", allow(TEAM)),
    "library:manage-item": ("/programme/library/{case_study}", allow(TEAM)),
    "library:edit": ("/programme/library/{case_study}/edit", allow(TEAM)),
    # POST only: a GET is refused once the role check has passed.
    "library:publish": ("/programme/library/{case_study}/publish", allow(TEAM, ok_status=405)),
    "library:consent-new": ("/programme/library/{case_study}/agreements/new", allow(TEAM)),
    "library:consent-withdraw": (
        "/programme/library/{case_study}/agreements/{case_study_consent}/withdraw",
        allow(TEAM, ok_status=405),
    ),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {}


def ids() -> dict:
    from django.utils import timezone

    from petal.programme.tests.factories import CaseStudyConsentFactory, LibraryItemFactory

    consent = CaseStudyConsentFactory()
    return {
        "library_item": LibraryItemFactory(published_at=timezone.now()).pk,
        "case_study": consent.item_id,
        "case_study_consent": consent.pk,
    }
