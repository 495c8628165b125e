"""Pages as people meet them: in Chromium, by keyboard, checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from petal.accounts.demo import DEMO_USERS
from tests.browser.conftest import DEMO_PASSWORD, axe_violations, screenshot, sign_in

# Transactional: the browser talks to a live server thread (conftest adds serialized rollback).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _public_paths():
    from petal.site.models import Page

    paths = ["/"] + [
        f"/{slug}" for slug in Page.objects.exclude(slug="home").values_list("slug", flat=True)
    ]
    return paths + ["/sign-in", "/password-reset", "/password-reset/sent"]


def test_every_public_page_has_no_axe_violations(page):
    failures = {}
    for path in _public_paths():
        page.goto(path)
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
        screenshot(page, f"public{path.replace('/', '-') or '-home'}")
    assert failures == {}
    assert page.problems.items == []
    # The not-found page: its own 404 is the one console error expected.
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert axe_violations(page) == []


def test_pages_run_under_the_enforced_csp_without_errors(strict_page, demo):
    strict_page.goto("/")
    # GOV.UK Frontend's module script ran (it marks the body), so CSP allowed our own scripts.
    assert "govuk-frontend-supported" in strict_page.evaluate("document.body.className")
    sign_in(strict_page, "programme@example.org")
    strict_page.goto("/pages/about/edit")
    assert strict_page.problems_list == []


def test_keyboard_only_sign_in(page, demo):
    page.goto("/sign-in")
    # From the top of the page: the skip link comes first, then the header's links.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == "id_email":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_email"
    page.keyboard.type("trusted.person@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Hello")


def test_sign_in_errors_are_summarised_and_accessible(page, demo):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert page.get_by_label("Email address").input_value() == "not an email"
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    expect(summary).to_be_focused()
    assert axe_violations(page) == []
    screenshot(page, "sign-in-errors")


@pytest.mark.parametrize("demo_user", DEMO_USERS, ids=[u.email.split("@")[0] for u in DEMO_USERS])
def test_each_role_signs_in_navigates_and_signs_out(page, demo, demo_user):
    sign_in(page, demo_user.email)
    nav_links = page.locator(".govuk-service-navigation__link")
    targets = [nav_links.nth(i).get_attribute("href") for i in range(nav_links.count())]
    assert "/dashboard" in targets
    # Pages reached from those pages rather than from the navigation.
    targets.append("/account/tokens/new")
    if "/pages" in targets:
        targets.append("/pages/about/edit")
    if "/audit/" in targets:
        targets.append("/audit/verify")
    if "/users" in targets:
        from petal.accounts.models import User

        targets.append(f"/users/{User.objects.get(email='trusted.person@example.org').pk}")
    failures = {}
    for href in targets:
        page.goto(href)
        assert page.locator("h1").count() == 1, href
        violations = axe_violations(page)
        if violations:
            failures[href] = violations
        screenshot(page, f"{demo_user.email.split('@')[0]}{href.replace('/', '-')}")
    assert failures == {}
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    page.goto("/dashboard")
    assert "/sign-in" in page.url
    assert page.problems.items == []


def test_api_docs_load_under_the_csp(strict_page):
    strict_page.goto("/api/v1/docs")
    strict_page.get_by_text("/api/v1/me").first.wait_for()
    assert strict_page.problems_list == []


def test_token_is_created_and_revoked_in_the_browser(page, demo):
    sign_in(page, "champion@example.org")
    page.goto("/account/tokens/new")
    page.get_by_label("What is this token for?").fill("My report")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_test_id("token").inner_text()
    assert token.startswith("petal_")
    assert axe_violations(page) == []
    screenshot(page, "token-created")
    page.get_by_role("link", name="Back to your account").click()
    page.get_by_role("button", name="Revoke My report").click()
    expect(page.get_by_text("has been revoked")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "token-revoked")


def test_administrator_gives_a_sign_in_in_the_browser(page, demo):
    sign_in(page, "admin@example.org")
    page.goto("/users")
    page.get_by_role("link", name="Give someone a sign-in").click()
    page.get_by_label("Full name").fill("Jordan Ellis")
    page.get_by_label("Email address").fill("jordan.ellis@example.org")
    page.get_by_label("Role").select_option(label="Partnership coordinator")
    page.get_by_role("button", name="Give sign-in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "admin-user-new-errors")
    page.get_by_label("Operational partnership").select_option(label="Peterborough")
    page.get_by_role("button", name="Give sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Ellis")
    expect(page.get_by_text("Partnership coordinator, Peterborough partnership")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "admin-user-detail")
