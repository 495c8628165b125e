"""Two-step sign-in in Chromium, as production has it: a trusted person sets up an
authenticator app at their first sign-in, saves their recovery codes, and later confirms it is
them before a sensitive action. Every page checked with axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from petal.accounts.models import PersonalAccessToken
from tests.browser.conftest import DEMO_PASSWORD, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_violations(page, name):
    screenshot(page, name)
    assert axe_violations(page) == [], name


def _code(device: TOTPDevice, offset: int = 0) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def test_first_sign_in_sets_up_the_app_then_sensitive_actions_ask_again(page, demo, settings):
    settings.PETAL_MFA_REQUIRED = True
    from petal.accounts.models import User

    user = User.objects.get(email="trusted.person@example.org")

    page.goto("/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    _no_violations(page, "two-step-enrol")

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    _no_violations(page, "two-step-enrol-error")

    device = TOTPDevice.objects.get(user=user, confirmed=False)
    device.throttle_reset()
    page.get_by_label("Code").fill(_code(device))
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    expect(page.locator(".petal-recovery-codes li")).to_have_count(10)
    _no_violations(page, "recovery-codes")
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Save your recovery codes")

    page.goto("/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_text("10 recovery codes left")).to_be_visible()
    _no_violations(page, "account")

    # Twenty minutes on, a sensitive action asks for the password and a code again.
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20)):
        page.goto("/account/tokens/new")
        expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it’s you")
        _no_violations(page, "confirm-its-you")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        page.get_by_label("Code from your authenticator app").fill(_code(device, offset=1))
        page.get_by_role("button", name="Confirm and continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Create an API token")
    assert not PersonalAccessToken.objects.filter(user=user).exists()


def test_account_and_sign_in_pages_an_administrator_uses(page, demo):
    """The other pages this work touched: the sign-ins search (a form that posts), a person's
    sign-in security buttons, and changing one's own password and email."""
    from tests.browser.conftest import sign_in

    sign_in(page, "admin@example.org")
    page.goto("/users")
    page.get_by_label("Search by name or email").fill("Amara")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Clear search")).to_be_visible()
    assert "Amara" not in page.url
    _no_violations(page, "users-search")
    page.get_by_role("link", name=re.compile("Amara")).first.click()
    expect(page.get_by_role("heading", name="Sign-in security")).to_be_visible()
    _no_violations(page, "user-detail-security")
    for path, heading in (
        ("/account/password", "Change your password"),
        ("/account/email", "Change your email address"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        _no_violations(page, heading)
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your new email address")
    _no_violations(page, "email-change-error")
