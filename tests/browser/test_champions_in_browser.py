"""The champions pledge in a real browser: a new visitor reads and signs the pledge, then
confirms their email address with the link emailed to them; the programme team approves it
from the queue, confirming the organisation; the directory then lists
the new champion, and their page offers a trusted person the way to ask for support. Every page
passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/")


def test_a_visitor_signs_the_pledge_and_the_programme_team_approves_it(page, demo, mailoutbox):
    # A new visitor, not signed in.
    page.goto("/champions/pledge")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Trusted Person Champions pledge")
    expect(page.get_by_text("Work relationally.")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "champions-pledge")
    page.get_by_label("Full name").fill("Robin Ashdown")
    page.get_by_label("Email address").fill("Robin.Ashdown@example.org")
    page.get_by_label("Organisation", exact=True).select_option(
        label="My organisation is not listed"
    )
    page.get_by_label("If your organisation is not listed, its name").fill("CGL")
    page.get_by_label("Job title").fill("Recovery worker")
    page.get_by_label("District you mostly work in (optional)").select_option(label="Fenland")
    page.get_by_label("Homelessness").check()
    page.get_by_label("Drug and alcohol services").check()
    page.get_by_label("What can you help with?").fill("Getting into detox quickly")
    page.get_by_label("How to reach you").fill("Email me; I reply within two days")
    page.get_by_label("I sign the pledge").check()
    page.get_by_role("button", name="Sign the pledge").click()
    # The directory consent was not ticked: a message, with what was typed kept.
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Agree to be listed in the champions directory"
    )
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Job title")).to_have_value("Recovery worker")
    assert axe_violations(page) == []
    page.get_by_label(
        "I agree to be listed in the champions directory for signed-in Petal users"
    ).check()
    page.get_by_label("I sign the pledge").check()
    page.get_by_role("button", name="Sign the pledge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert axe_violations(page) == []
    screenshot(page, "champions-pledge-signed")

    # Not in the queue until the email address is confirmed, through the link emailed.
    email = next(m for m in mailoutbox if m.to == ["robin.ashdown@example.org"])
    assert email.subject == "Confirm your Trusted Person Champions pledge"
    link = re.search(r"https?://\S+(/champions/pledge/confirm/\S+)", email.body).group(1)
    page.goto("/champions/pledge/confirm/not-a-real-link")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your pledge could not be confirmed")
    expect(page.get_by_test_id("confirm-problem")).to_contain_text("This link is not valid")
    assert axe_violations(page) == []
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for signing the pledge")
    expect(page.locator(".govuk-panel__body")).to_contain_text("Your email address is confirmed")
    assert axe_violations(page) == []
    screenshot(page, "champions-pledge-confirmed")

    # The programme team approves it, confirming the organisation from Petal's list.
    sign_in(page, "programme@example.org")
    page.goto("/champions/pledges")
    expect(page.get_by_role("link", name="Robin Ashdown")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "champions-queue")
    page.get_by_role("link", name="Robin Ashdown").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Ashdown")
    assert axe_violations(page) == []
    page.get_by_label("Approve: list them in the directory").check()
    page.get_by_label("Their organisation in Petal").select_option(label="CGL (Change-Grow-Live)")
    screenshot(page, "champions-review")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Pledge approved")
    assert any("/password-reset/" in m.body for m in mailoutbox)

    # The directory now lists them.
    page.goto("/champions/")
    page.get_by_label("Search").fill("detox")
    page.get_by_role("button", name="Show champions").click()
    row = page.locator(".petal-result", has_text="Robin Ashdown")
    expect(row).to_contain_text("CGL (Change-Grow-Live)")
    expect(row).to_contain_text("Fenland")
    assert axe_violations(page) == []
    screenshot(page, "champions-directory")
    row.get_by_role("link", name="Robin Ashdown").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Robin Ashdown")
    expect(page.get_by_text("robin.ashdown@example.org")).to_be_visible()
    assert axe_violations(page) == []
    _sign_out(page)

    # A trusted person sees the way to ask them for support.
    sign_in(page, "trusted.person@example.org")
    page.goto("/champions/")
    page.get_by_role("link", name="Robin Ashdown").click()
    expect(page.get_by_role("link", name="Ask for support or raise a concern")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "champions-champion")
    assert page.problems.items == []
