"""In a real browser: the learning library, the co-production register and the "You said, we
did" page with feedback, each with zero axe violations (WCAG 2.2 AA); the programme team
records an agreement to a case study, publishes it, then withdraws the agreement and it is
gone from the public library."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, axe_violations, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded(demo):
    from petal.programme.demo import coproduction, library

    library.load()
    coproduction.load()
    return demo


def test_public_library_pages_have_no_axe_violations(page, loaded):
    from petal.programme.models import LibraryItem

    briefing = LibraryItem.objects.get(kind="briefing_note")
    for url in (
        "/library/",
        "/library/?q=trusted&kind=briefing_note",
        f"/library/{briefing.pk}",
        "/you-said-we-did/",
    ):
        page.goto(url)
        assert axe_violations(page) == [], url
        assert page.problems.items == [], url


def test_the_team_publishes_a_case_study_then_a_withdrawal_hides_it(page, loaded):
    sign_in(page, "programme@example.org", DEMO_PASSWORD)
    page.goto("/programme/library/new")
    page.get_by_label("Case study").check()
    page.get_by_label("Title").fill("Browser case study")
    page.get_by_label("The document").fill("## What happened\n\nIt worked.")
    page.get_by_label("Tags").fill("browser, case study")
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("button", name="Publish in the learning library").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert "agreed to its use" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Record an agreement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Record an agreement to use this case study"
    )
    assert axe_violations(page) == []
    page.get_by_label("Who agreed").fill("The person the story is about")
    page.get_by_label("Day").fill("2")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("How they agreed").fill("Signed with their trusted person")
    page.get_by_role("button", name="Record the agreement").click()
    page.get_by_role("button", name="Publish in the learning library").click()
    expect(page.locator(".govuk-summary-list").first).not_to_contain_text("Not published")
    assert axe_violations(page) == []
    page.goto("/library/?q=browser")
    assert "Browser case study" in page.content()
    page.goto("/programme/library/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Browser case study").click()
    page.get_by_label("How they withdrew").fill("Phoned the team")
    page.get_by_role("button", name="Withdraw this agreement").click()
    expect(page.get_by_text("no longer on the public site").first).to_be_visible()
    page.goto("/library/?q=browser")
    assert "Browser case study" not in page.content()


def test_co_production_pages_have_no_axe_violations(page, loaded):
    from petal.programme.models import Contributor, Feedback

    sign_in(page, "programme@example.org", DEMO_PASSWORD)
    person = Contributor.objects.get(named_as="Jay R.")
    feedback = Feedback.objects.filter(published_at__isnull=False).first()
    for url in (
        "/programme/co-production/",
        f"/programme/co-production/{person.pk}",
        f"/programme/co-production/{person.pk}/edit",
        f"/programme/co-production/{person.pk}/taking-part/new",
        f"/programme/co-production/{person.pk}/recognition/new",
        "/programme/co-production/feedback/",
        "/programme/co-production/feedback/new",
        f"/programme/co-production/feedback/{feedback.pk}",
    ):
        page.goto(url)
        assert axe_violations(page) == [], url
    page.goto("/programme/co-production/new")
    page.get_by_label("How do they want to be named?").fill("Robin")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Email address").fill("robin@example.org")
    page.get_by_role("button", name="Save").click()
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []
