"""Events in a real browser: the programme team publishes a workshop (after a refusal that keeps
what was typed), a trusted person finds it from their dashboard and registers, and after it
has started the programme team records attendance. Every page passes axe."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Trauma-informed systems workshop"


def _sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/")


def _move_start_into_the_past(title: str) -> None:
    """The workshop has begun (the test cannot wait a fortnight)."""
    from django.utils import timezone

    from petal.champions.models import Event

    starts_at = timezone.now() - dt.timedelta(minutes=30)
    Event.objects.filter(title=title).update(
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=3)
    )


def test_publish_register_and_record_attendance(page, demo):
    from django.utils import timezone

    day = timezone.localdate() + dt.timedelta(days=14)
    sign_in(page, "programme@example.org")
    page.goto("/events/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Events")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Publish an event").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish an event")
    assert axe_violations(page) == []
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Workshop").check()
    page.get_by_label("Summary (optional)").fill("How systems can stop re-traumatising people.")
    page.get_by_label("Description (optional)").fill("## What to expect\n\n* Talks\n* Practice")
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Start time").fill("10am")
    page.get_by_label("End time").fill("9am")
    page.get_by_label("Where (optional if it is online)").fill("Huntingdon Town Hall")
    page.get_by_label("Number of places (optional)").fill("20")
    page.get_by_label(re.compile("Yes, publish it")).check()
    page.get_by_role("button", name="Save the event").click()
    # Ends before it starts: refused, with everything typed kept.
    expect(page.locator(".govuk-error-summary")).to_contain_text("must end after it starts")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_label("Where (optional if it is online)")).to_have_value(
        "Huntingdon Town Hall"
    )
    assert axe_violations(page) == []
    screenshot(page, "event-form-refused")
    page.get_by_label("End time").fill("1pm")
    page.get_by_role("button", name="Save the event").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Event published")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("heading", name="What to expect")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "event-page-programme-team")
    _sign_out(page)

    # A trusted person finds it and registers.
    sign_in(page, "trusted.person@example.org")
    page.get_by_role("link", name="Workshops and network meetings").click()
    expect(page.get_by_text("20 places left")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "events-list")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Register for this event").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You are registered")
    expect(page.get_by_role("button", name="Cancel my registration")).to_be_visible()
    expect(page.get_by_text("19 left")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "event-page-registered")
    page.goto("/events/")
    expect(page.locator("li", has_text=TITLE).get_by_text("You are registered")).to_be_visible()
    _sign_out(page)

    # Once it has started, the programme team records who came.
    _move_start_into_the_past(TITLE)
    sign_in(page, "programme@example.org")
    page.goto("/events/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Who is registered, and attendance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who is registered, and attendance")
    assert axe_violations(page) == []
    page.get_by_label(re.compile("trusted.person@example.org")).check()
    screenshot(page, "event-attendance")
    page.get_by_role("button", name="Save attendance").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 came, 0 did not")
    assert axe_violations(page) == []
    assert page.problems.items == []
