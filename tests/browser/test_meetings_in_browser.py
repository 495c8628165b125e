"""Meetings in a real browser: a trusted person convenes a professionals meeting, sees the
consent check per invitee, records consent on the way for one and invites another without the
person's details, sends the invitations; after the meeting records the minutes and an action;
the owning organisation marks it done from its actions page. Every page passes axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_directory(demo_people):
    from petal.directory.demo import load_services

    load_services()


def _person():
    from petal.accounts.models import User
    from petal.consent.demo import _people_of

    return _people_of(User.objects.get(email="trusted.person@example.org"))[0]


def _sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/")


def _move_into_the_past(reference: str) -> None:
    """The meeting has taken place (the test cannot wait a week)."""
    from django.utils import timezone

    from petal.meetings.models import Meeting

    meeting = Meeting.objects.get(pk=int(reference.split("-")[1]))
    starts_at = timezone.now() - dt.timedelta(days=2)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=starts_at, ends_at=starts_at + (meeting.ends_at - meeting.starts_at)
    )


def test_convene_check_consent_minute_and_complete_an_action(page, demo_directory):
    person = _person()
    year = dt.datetime.now(dt.UTC).year + 1
    sign_in(page, "trusted.person@example.org")
    page.goto(f"/people/{person.pk}")
    page.get_by_role("link", name=re.compile("Convene a professionals meeting")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Convene a professionals meeting")
    assert axe_violations(page) == []
    page.get_by_label("What is the meeting for?").fill(
        f"Talk about {person.full_name.split()[0]} and housing"
    )
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill(str(year))
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("End time").fill("11:30")
    page.get_by_label("Where").fill("Wisbech Hub, room 2")
    page.get_by_role("button", name="Continue").click()
    # The purpose names the person: refused, with everything typed kept.
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write this without the name")
    expect(page.get_by_label("Where")).to_have_value("Wisbech Hub, room 2")
    assert axe_violations(page) == []
    screenshot(page, "meeting-purpose-refused")
    page.get_by_label("What is the meeting for?").fill("Agree who will help with housing")
    page.get_by_role("button", name="Continue").click()

    # Invitees, and the consent check for each.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Who to invite")
    page.get_by_label("An organisation").select_option(label="CGL (Change-Grow-Live)")
    page.get_by_role("button", name="Add to the invitations").click()
    page.get_by_label("An organisation").select_option(label="Probation Service")
    page.get_by_role("button", name="Add to the invitations").click()
    expect(page.locator(".govuk-tag", has_text="No consent")).to_have_count(2)
    assert axe_violations(page) == []
    screenshot(page, "meeting-consent-check")
    page.get_by_role("button", name=re.compile("Send 2 invitations")).click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Decide first for")

    # CGL: the person agrees to share; record it on the way and come back.
    page.get_by_role("link", name=re.compile("consent to share with CGL")).click()
    expect(page.get_by_label("An organisation")).to_be_checked()
    expect(page.get_by_label("Professionals meeting")).to_be_checked()
    page.get_by_label("Said out loud (verbal)").check()
    page.get_by_role("button", name="Record consent").click()
    page.get_by_role("link", name="carry on where you were").click()
    expect(page.locator(".govuk-tag", has_text="No consent")).to_have_count(1)
    expect(
        page.get_by_role("link", name=re.compile("Preview their information pack"))
    ).to_be_visible()
    # Probation: invited without the person's details.
    page.get_by_role("button", name=re.compile("Invite without their details")).click()
    expect(page.get_by_text(re.compile("Invited without .* details"))).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "meeting-invitees-decided")
    page.get_by_role("link", name=re.compile("Preview their information pack")).click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(person.full_name)
    assert axe_violations(page) == []
    screenshot(page, "meeting-pack-preview")
    page.go_back()
    page.get_by_role("button", name=re.compile("Send 2 invitations")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("2 invitations sent")
    reference = page.locator(".govuk-caption-l").first.inner_text()
    assert axe_violations(page) == []
    screenshot(page, "meeting-page")

    # After the meeting: minutes, the person's voice, and an action for CGL.
    _move_into_the_past(reference)
    page.get_by_role("link", name="Record the minutes").click()
    page.get_by_label("Probation Service").check()
    page.get_by_label("CGL (Change-Grow-Live)").check()
    page.get_by_label("Minutes").fill("Agreed a referral for a supported housing place.")
    page.get_by_label("They sent their views").check()
    page.get_by_label("Their views, in their own words").fill("I want somewhere quiet.")
    page.get_by_label("No: they did not have to tell their story again").check()
    assert axe_violations(page) == []
    screenshot(page, "meeting-minutes")
    page.get_by_role("button", name="Save the minutes").click()
    screenshot(page, "meeting-minutes-saved")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Minutes recorded")
    expect(page.get_by_text("I want somewhere quiet.")).to_be_visible()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_label("What needs doing?").fill("Book a drug and alcohol assessment")
    page.get_by_label("An organisation").check()
    page.get_by_label("Organisation", exact=True).select_option(label="CGL (Change-Grow-Live)")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill(str(year))
    assert axe_violations(page) == []
    screenshot(page, "meeting-action-form")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("given to CGL")
    expect(page.get_by_text("Book a drug and alcohol assessment")).to_be_visible()
    assert axe_violations(page) == []
    _sign_out(page)

    # CGL's service staff: the action is on their actions page; they mark it done.
    sign_in(page, "services@example.org")
    page.get_by_role("link", name="Your actions").click()
    row = page.locator("tr", has_text="Book a drug and alcohol assessment")
    expect(row).to_contain_text(person.full_name)
    assert axe_violations(page) == []
    screenshot(page, "actions-mine")
    row.get_by_role("button", name=re.compile("Mark done")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(": done.")
    page.get_by_role("link", name=re.compile("Done or cancelled")).click()
    expect(page.locator("tr", has_text="Book a drug and alcohol assessment")).to_contain_text(
        "Done"
    )
    assert axe_violations(page) == []
    # Probation's view of the same meeting has no name (checked fully in the unit tests).
    assert page.problems.items == []
