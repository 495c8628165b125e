"""A worker fills in their organisation's self-assessment in Chromium: starts it, saves part-way,
is told which items are still to rate, submits, and sees progress; the programme team sees
every organisation side by side. Every page is checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from petal.programme.models import ChecklistItem, SelfAssessment
from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_violations(page, name):
    screenshot(page, name)
    assert axe_violations(page) == [], name


def test_worker_fills_in_and_submits_a_self_assessment(page, demo):
    sign_in(page, "service.staff@example.org")
    page.goto("/self-assessment/")
    _no_violations(page, "assessment-home")
    page.get_by_role("button", name="Start an assessment of CGL").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trauma-informed self-assessment")
    _no_violations(page, "assessment-form")

    items = list(ChecklistItem.objects.filter(active=True).order_by("order", "id"))
    groups = page.get_by_role("group")
    # Rate all but the last item, and give evidence for the first.
    for item in items[:-1]:
        page.get_by_role("group", name=item.text).get_by_label("Developing").check()
    page.locator(f"#id_item-{items[0].pk}-evidence").fill("People told us the reception is calm")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Your answers have been saved.")).to_be_visible()
    assert groups.count() >= len(items)

    page.get_by_role("button", name="Save and submit").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("1 item still to rate")
    expect(page.locator(".govuk-error-summary")).to_contain_text(items[-1].text)
    assert page.title().startswith("Error: ")
    _no_violations(page, "assessment-submit-refused")

    page.get_by_role("group", name=items[-1].text).get_by_label("Embedded").check()
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_text("Self-assessment submitted.")).to_be_visible()
    assert page.locator("input[type=radio]").count() == 0
    _no_violations(page, "assessment-submitted")
    assessment = SelfAssessment.objects.get(organisation__slug="cgl-change-grow-live")
    assert assessment.submitted_at is not None
    assert assessment.answers.get(item=items[0]).evidence == "People told us the reception is calm"

    page.get_by_role("link", name="progress over time").click()
    expect(page.locator("[data-testid=section-averages]")).to_contain_text("Practice")
    _no_violations(page, "assessment-organisation")
    page.get_by_role("link", name="Record training").click()
    page.get_by_label("Trauma-informed practice").check()
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("Number of staff trained").fill("11")
    _no_violations(page, "training-new")
    page.get_by_role("button", name="Record training").click()
    expect(page.locator("[data-testid=training-totals]")).to_contain_text("11")
    assert page.problems.items == []


def test_programme_team_sees_every_organisation_side_by_side(page, demo):
    from petal.programme.demo import assessment

    assessment.load()
    sign_in(page, "programme@example.org")
    page.goto("/self-assessment/")
    _no_violations(page, "assessment-home-team")
    page.get_by_role("link", name="See every organisation side by side").click()
    expect(page.locator("[data-testid=compare-sections]")).to_contain_text("Ferry Project")
    _no_violations(page, "assessment-compare")
    assert page.problems.items == []
