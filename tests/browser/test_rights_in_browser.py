"""A subject access request in a real browser: the data protection lead finds the record by
name and date of birth, records the request, pauses and restarts the clock, prepares the copy
and completes the request. Every page passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DPO = "dpo@example.org"


def _checked(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name
    assert page.problems.items == [], name


def test_the_lead_runs_a_subject_access_request(page, demo):
    from django.utils import timezone

    from petal.people.tests.factories import PersonFactory
    from petal.rights.models import RightsCase

    person = PersonFactory(
        full_name="Jordan Ellis",
        date_of_birth=dt.date(1985, 3, 27),
        search_names="|jordan ellis|",
    )
    sign_in(page, DPO)
    page.get_by_role("link", name="Data-protection requests").first.click()
    expect(page.get_by_role("heading", name="Data-protection requests")).to_be_visible()
    _checked(page, "rights list empty")

    page.get_by_role("link", name="Record a new request").click()
    expect(page.get_by_role("heading", name="Find the record the request is about")).to_be_visible()
    page.get_by_label("Full name").fill("Jordan Ellis")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1985")
    page.get_by_role("button", name="Find the record").click()
    expect(page.get_by_role("heading", name="Matching record")).to_be_visible()
    _checked(page, "rights find")

    page.get_by_role("link", name=f"Record a request about P-{person.pk:06d}").click()
    expect(page.get_by_role("heading", name="Record a data-protection request")).to_be_visible()
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    _checked(page, "rights new with errors")

    today = timezone.localdate()
    page.get_by_label("Subject access").check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("By letter").check()
    page.get_by_label("No, not yet").check()
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_role("heading", name="Subject access request DP-")).to_be_visible()
    _checked(page, "rights case")

    page.get_by_role("link", name="Pause the clock").click()
    expect(page.get_by_role("heading", name="Pause the clock")).to_be_visible()
    page.get_by_label("Why are you pausing the clock?").fill("Waiting for proof of identity")
    page.get_by_role("button", name="Pause the clock").click()
    expect(page.get_by_text("The clock is paused since")).to_be_visible()
    page.get_by_role("button", name="Restart the clock").click()
    expect(page.get_by_text("Clock restarted", exact=True)).to_be_visible()

    page.get_by_role("button", name="Prepare the copy").click()
    expect(page.get_by_role("link", name="PDF").first).to_be_visible()
    _checked(page, "rights case with copy")

    page.get_by_role("link", name="Close the request").click()
    expect(page.get_by_role("heading", name="Close the request")).to_be_visible()
    page.get_by_label("Completed").check()
    page.get_by_role("button", name="Close the request").click()
    case = RightsCase.objects.get()
    expect(page.get_by_text(f"Request {case.reference} closed")).to_be_visible()
    _checked(page, "rights case closed")
    case.refresh_from_db()
    assert case.status == "completed"
    assert case.pauses.count() == 1
