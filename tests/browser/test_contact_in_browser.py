"""A visitor sends the contact form in Chromium and the programme team triages it; every page
checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from petal.programme.models import ContactMessage
from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_violations(page, name):
    screenshot(page, name)
    assert axe_violations(page) == [], name


def test_visitor_sends_the_contact_form_and_the_team_triages_it(page, demo):
    cache.clear()
    page.goto("/get-involved")
    _no_violations(page, "get-involved")
    page.get_by_role("link", name="Tell us you would like to share your lived experience").click()
    expect(page.get_by_label("Sharing my lived experience")).to_be_checked()
    expect(page.get_by_text("Share only what you are comfortable with.")).to_be_visible()
    page.get_by_role("button", name="Send message").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your name")
    _no_violations(page, "contact-errors")
    page.get_by_label("Your name").fill("Robin Visitor")
    page.get_by_label("Your email address").fill("robin@example.org")
    page.get_by_label("Your message").fill("I would like to help with the design sessions.")
    page.wait_for_timeout(3200)  # a person takes a moment; a bot does not
    page.get_by_role("button", name="Send message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Message sent")
    _no_violations(page, "contact-sent")
    received = ContactMessage.objects.get()
    assert (received.name, received.topic) == ("Robin Visitor", "lived_experience")

    sign_in(page, "programme@example.org")
    page.goto("/programme/contact/")
    _no_violations(page, "contact-inbox")
    page.get_by_role("link", name=received.reference).click()
    expect(page.get_by_text("I would like to help with the design sessions.")).to_be_visible()
    _no_violations(page, "contact-message")
    page.get_by_label("Being dealt with").check()
    page.get_by_label("Add a triage note (optional)").fill("Invite to the next session")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{received.reference} updated.")).to_be_visible()
    received.refresh_from_db()
    assert received.status == "in_progress"
    assert page.problems.items == []
