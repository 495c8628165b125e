"""The outcomes dashboards in a real browser, as the programme team, a partnership coordinator
and a governance member (board member): every dashboard opens from the index, shows its charts
beside their tables, says what "fewer than 5" means, and passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = {
    "cohort": "Multiple-disadvantage cohort",
    "referrals": "Referrals and time to access",
    "tell-it-once": "Tell it once",
    "barriers": "Barriers and governance",
    "champions": "Champions and network",
    "ndt": "NDT distance travelled",
    "service-use": "Service use",
    "contributions": "Contributions",
}


@pytest.fixture
def world(demo_people):
    """The demo, as scripts/run loads it: people, consents, services, referrals, meetings,
    champions, barriers and the programme."""
    from petal.barriers.demo import load_demo as load_barriers
    from petal.champions.demo import load_demo as load_champions
    from petal.consent.demo import load_consents
    from petal.directory.demo import load_services
    from petal.meetings.demo import load_demo as load_meetings
    from petal.programme.demo import load_demo as load_programme
    from petal.referrals.demo import load_referrals
    from tests.browser.conftest import DEMO_PASSWORD

    load_consents(password=DEMO_PASSWORD)
    load_services()
    load_referrals()
    load_meetings(password=DEMO_PASSWORD)
    load_champions(password=DEMO_PASSWORD)
    load_barriers()
    load_programme()
    return demo_people


def _checked(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name


@pytest.mark.parametrize(
    "email",
    ["programme@example.org", "coordinator@example.org", "board@example.org"],
)
def test_each_role_opens_every_dashboard(page, world, email):
    who = email.split("@")[0]
    sign_in(page, email)
    page.goto("/outcomes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes")
    _checked(page, f"outcomes-index-{who}")
    for slug, title in TITLES.items():
        page.goto("/outcomes/")
        page.get_by_test_id("dashboards").get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        assert page.locator("table.govuk-table").count() >= 1
        _checked(page, f"outcomes-{slug}-{who}")
    assert page.problems.items == []


def test_the_cohort_on_another_day_and_a_bad_day(page, world):
    sign_in(page, "programme@example.org")
    page.goto("/outcomes/cohort/")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES["cohort"])
    flower = page.get_by_test_id("chart-combinations").locator("svg")
    expect(flower).to_have_attribute("role", "img")
    page.get_by_label("On which day").fill("2023-03-31")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLES["cohort"])
    expect(page.locator(".govuk-caption-l")).to_contain_text("31 March 2023")
    page.get_by_label("On which day").fill("not a day")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("param-messages")).to_contain_text("year-month-day")
    expect(page.get_by_label("On which day")).to_have_value("not a day")
    _checked(page, "outcomes-cohort-bad-day")
