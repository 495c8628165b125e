"""A trusted person records an NDT assessment in a real browser: from the person's page to the
form (each score in plain words), a mistake named in the error summary with the answers kept,
then the saved assessment and the list with distance travelled. Every page passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The label of each NDT question, and the start of the answer chosen for it.
ANSWERS = [
    ("Engagement with frontline services", "2 – Engages now and then"),
    ("Intentional self-harm", "0 – No sign of self-harm"),
    ("Unintentional self-harm", "1 – Some neglect"),
    ("Risk to others", "2 – Some risk"),
    ("Risk from others", "4 – Moderate risk"),
    ("Stress and anxiety", "2 – Stress and anxiety get in the way of daily life at times"),
    ("Social effectiveness", "1 – Some difficulty"),
    ("Alcohol and drug misuse", "3 – Regular use"),
    ("Impulse control", "1 – Sometimes acts on impulse"),
    ("Housing", "3 – Temporary or insecure"),
]
TOTAL = 2 + 0 + 1 + 2 + 4 + 2 + 1 + 3 + 1 + 3  # 19


def _checked(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name


def test_trusted_person_records_an_ndt_assessment(page, demo):
    from petal.accounts.models import User
    from petal.outcomes.models import Assessment
    from petal.outcomes.tests.factories import AssessmentFactory
    from petal.people.tests.factories import person_of

    tp = User.objects.get(email="trusted.person@example.org")
    person = person_of(tp, full_name="Robin Fairweather", date_of_birth=dt.date(1979, 3, 2))
    # An earlier assessment, so the list shows distance travelled and a line of totals.
    AssessmentFactory(
        person=person,
        assessed_on=timezone.localdate() - dt.timedelta(days=120),
        scores=[3, 1, 2, 4, 6, 3, 2, 4, 2, 4],  # 31
        recorded_by=tp,
    )

    sign_in(page, "trusted.person@example.org")
    page.goto(f"/people/{person.pk}")
    page.get_by_role("link", name="Assessments and service use").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessments and service use")
    _checked(page, "assessments-list-before")

    page.get_by_role("link", name="Record a new NDT assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "New Directions Team (NDT) assessment"
    )
    _checked(page, "assessment-new")

    today = timezone.localdate()
    page.get_by_role("textbox", name="Day", exact=True).fill(str(today.day))
    page.get_by_role("textbox", name="Month", exact=True).fill(str(today.month))
    page.get_by_role("textbox", name="Year", exact=True).fill(str(today.year))
    for label, answer in ANSWERS[:-1]:  # housing forgotten
        page.get_by_role("group", name=label, exact=False).get_by_label(answer).check()
    page.get_by_role("button", name="Save assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose a score for housing")
    assert page.title().startswith("Error:")
    # What was chosen is still chosen.
    expect(
        page.get_by_role("group", name="Risk from others").get_by_label("4 – Moderate risk")
    ).to_be_checked()
    _checked(page, "assessment-new-error")
    summary.get_by_role("link", name="Choose a score for housing").click()

    housing_label, housing_answer = ANSWERS[-1]
    page.get_by_role("group", name=housing_label).get_by_label(housing_answer).check()
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("NDT assessment,")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("NDT assessment recorded")
    expect(page.get_by_text("Temporary or insecure: sofa-surfing, a hostel or a night shelter"))
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"{TOTAL} out of 48")
    _checked(page, "assessment-detail")
    saved = Assessment.objects.filter(person=person).order_by("-assessed_on").first()
    assert (saved.total, saved.recorded_by_id, saved.assessed_on) == (TOTAL, tp.pk, today)

    page.get_by_role("link", name="All assessments and service use").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assessments and service use")
    expect(page.locator(".govuk-inset-text").first).to_contain_text("12 points better")
    expect(page.get_by_role("img", name="NDT total at each assessment")).to_be_visible()
    _checked(page, "assessments-list-after")
