"""The Champion Network in a real browser: a trusted person asks a question, is warned when it
names someone they support and takes the name out; a champion answers; the author accepts the
answer. Stories inside Petal and on the public pages. Every page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "How do I get a housing application moving without ID?"


def _person():
    from petal.accounts.models import User
    from petal.consent.demo import _people_of

    return _people_of(User.objects.get(email="trusted.person@example.org"))[0]


def _sign_out(page):
    page.get_by_test_id("sign-out").click()
    page.wait_for_url("**/")


def _featured_story() -> None:
    from petal.accounts.models import User
    from petal.champions.services.stories import story_feature, story_share

    story = story_share(
        actor=User.objects.get(email="champion@example.org"),
        title="A café, not an office",
        body="Meeting somewhere calm made the first conversation possible.",
        areas=["homelessness"],
    )
    story_feature(
        actor=User.objects.get(email="programme@example.org"),
        story_id=story.pk,
        feature=True,
        confirmed=True,
    )


def test_ask_with_a_name_warning_answer_and_accept(page, demo_people):
    person = _person()
    sign_in(page, "trusted.person@example.org")
    page.goto("/network/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Champion Network")
    assert axe_violations(page) == []
    screenshot(page, "network-questions")

    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Your question, in a sentence").fill(f"{person.full_name}: {TITLE}")
    page.get_by_label("More detail").fill("The council asks for photo ID we do not have.")
    page.get_by_label("Homelessness", exact=True).check()
    page.get_by_label("Housing applications").check()
    page.get_by_role("button", name="Publish your question").click()
    # Not published: the warning names the person, and everything typed is kept.
    warning = page.locator("#name-warning")
    expect(warning).to_contain_text(person.full_name)
    expect(warning).to_contain_text("not about cases")
    expect(page.get_by_label("This is not about them: publish anyway")).not_to_be_checked()
    expect(page.get_by_label("More detail")).to_have_value(
        "The council asks for photo ID we do not have."
    )
    expect(page.get_by_label("Housing applications")).to_be_checked()
    assert axe_violations(page) == []
    screenshot(page, "network-name-warning")
    page.get_by_label("Your question, in a sentence").fill(TITLE)
    page.get_by_role("button", name="Publish your question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("in the network")
    question_url = page.url
    assert axe_violations(page) == []
    _sign_out(page)

    # A champion finds it by searching, and answers.
    sign_in(page, "champion@example.org")
    page.goto("/network/")
    page.get_by_label("Search questions and answers").fill("housing application")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Your answer").fill(
        "Ask the housing team to accept a letter from the hostel as proof of identity."
    )
    page.get_by_role("button", name="Publish your answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your answer is published")
    assert axe_violations(page) == []
    screenshot(page, "network-answered")
    _sign_out(page)

    # The author accepts it.
    sign_in(page, "trusted.person@example.org")
    page.goto(question_url)
    page.get_by_role("button", name=re.compile("Accept this answer")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You accepted this answer")
    expect(page.locator(".govuk-tag", has_text="Accepted answer")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "network-accepted")
    page.goto("/network/")
    expect(page.locator(".petal-result", has_text=TITLE)).to_contain_text("Accepted answer")


def test_stories_inside_petal_and_on_the_public_pages(page, demo):
    _featured_story()
    sign_in(page, "trusted.person@example.org")
    page.goto("/network/stories/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Success stories")
    expect(page.locator(".govuk-tag", has_text="Featured")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Share a story").click()
    assert axe_violations(page) == []
    _sign_out(page)

    page.goto("/stories/")
    expect(page.get_by_role("link", name="A café, not an office")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "stories-public")
    page.get_by_role("link", name="A café, not an office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A café, not an office")
    assert axe_violations(page) == []
