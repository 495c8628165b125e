"""Referrals in a real browser: a trusted person finds a service, records the consent it needs
on the way, and refers; the receiving organisation acknowledges it from its inbox; both see
the timeline. Every page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_directory(demo_people):
    from petal.accounts.demo import load_demo
    from petal.directory.demo import load_services

    load_services()
    return load_demo


def _person():
    from petal.accounts.models import User
    from petal.consent.demo import _people_of

    return _people_of(User.objects.get(email="trusted.person@example.org"))[0]


def _sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/")


def test_refer_with_consent_on_the_way_then_acknowledge_as_the_service(page, demo_directory):
    person = _person()
    sign_in(page, "trusted.person@example.org")

    page.get_by_role("link", name="Find a service").first.click()
    page.get_by_label("Helps with").select_option("substance-misuse")
    page.get_by_label("Serves").select_option("fenland")
    page.get_by_role("button", name="Show services").click()
    expect(page.get_by_role("status")).to_contain_text("match your search")
    assert axe_violations(page) == []
    screenshot(page, "directory-search")
    page.get_by_role("link", name="Drug and alcohol treatment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Drug and alcohol treatment")
    assert axe_violations(page) == []
    screenshot(page, "directory-service")

    page.get_by_role("link", name="Refer someone to this service").click()
    page.get_by_label("Who are you referring?").select_option(str(person.pk))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to Drug and alcohol treatment")
    assert axe_violations(page) == []
    screenshot(page, "referral-needs-consent")

    # Nothing is shared with CGL yet: record the consent on the way.
    page.get_by_role("link", name="Record consent to share with CGL (Change-Grow-Live)").click()
    expect(page.get_by_label("An organisation")).to_be_checked()
    expect(page.get_by_label("Their story, in their words")).to_be_checked()
    expect(page.get_by_label("Referral to a service")).to_be_checked()
    page.get_by_label("Said out loud (verbal)").check()
    page.get_by_role("button", name="Record consent").click()
    page.get_by_role("link", name="carry on where you were").click()

    expect(page.get_by_label("Their story, in their words")).to_be_checked()
    page.get_by_label("Why are you referring them, and what do they hope for?").fill(
        "Wants to stop drinking before Christmas and see their children again."
    )
    assert axe_violations(page) == []
    screenshot(page, "referral-form")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral R-")
    reference = page.locator(".govuk-caption-l").inner_text().replace("Referral ", "")
    assert axe_violations(page) == []
    screenshot(page, "referral-sent")
    _sign_out(page)

    # The receiving organisation's inbox.
    sign_in(page, "services@example.org")
    page.get_by_role("link", name="Referral inbox").click()
    expect(page.get_by_role("link", name=reference)).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "referral-inbox")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_text("Wants to stop drinking before Christmas")).to_be_visible()
    expect(page.get_by_role("heading", name="Their story, in their words")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("We have received it (acknowledged)").check()
    page.get_by_label("Note for the other side").fill("We will call on Thursday morning.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".petal-steps__item--done")).to_have_count(2)
    assert axe_violations(page) == []
    screenshot(page, "referral-acknowledged")
    _sign_out(page)

    # The referrer sees the step and the note on the timeline.
    sign_in(page, "trusted.person@example.org")
    page.get_by_role("link", name="Referrals", exact=True).click()
    page.get_by_role("link", name=reference).click()
    expect(page.locator(".petal-timeline")).to_contain_text("Acknowledged")
    expect(page.locator(".petal-timeline")).to_contain_text("We will call on Thursday morning.")
    assert page.problems.items == []


def test_time_to_access_pages_pass_axe(page, demo_directory):
    from petal.referrals.demo import load_referrals

    load_referrals()
    sign_in(page, "coordinator@example.org")
    page.goto("/referrals/times/")
    expect(page.get_by_role("img")).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, "time-to-access")
    page.get_by_role("link", name="Fenland & East Cambridgeshire").click()
    page.get_by_label("first contact").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Sent to first contact")
    assert axe_violations(page) == []
    screenshot(page, "time-to-access-partnership")


def test_a_long_inbox_pages_and_passes_axe(page, demo_directory):
    """The closed view of CGL's demo inbox runs to several pages: the pagination passes too."""
    from petal.referrals.demo import load_referrals

    load_referrals()
    sign_in(page, "services@example.org")
    page.goto("/referrals/inbox?view=closed")
    expect(page.get_by_role("navigation", name="Pagination")).to_contain_text("Page 1 of")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_role("navigation", name="Pagination")).to_contain_text("Page 2 of")
    assert axe_violations(page) == []
    screenshot(page, "referral-inbox-closed")
