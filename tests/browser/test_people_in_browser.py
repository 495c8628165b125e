"""A trusted person adds someone, by keyboard only, and builds their timeline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _type_into(page, element_id: str, text: str) -> None:
    """Move focus with Tab until the element has it, then type: no mouse."""
    for _ in range(40):
        if page.evaluate("document.activeElement.id") == element_id:
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == element_id
    page.keyboard.type(text)


def _submit_with_keyboard(page, name: str) -> None:
    for _ in range(40):
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def test_add_a_person_with_keyboard_only_and_build_their_timeline(page, demo):
    sign_in(page, "trusted.person@example.org")
    page.goto("/people/new?start=1")
    assert axe_violations(page) == []
    screenshot(page, "people-new-identity")
    # A mistake first: the form keeps what was typed and says what is wrong.
    _type_into(page, "id_preferred_name", "Jo")
    _type_into(page, "id_date_of_birth_0", "31")
    _type_into(page, "id_date_of_birth_1", "2")
    _type_into(page, "id_date_of_birth_2", "1990")
    _submit_with_keyboard(page, "Continue")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert page.get_by_label("What they like to be called (optional)").input_value() == "Jo"
    assert "Date of birth must be a real date" in page.content()
    assert axe_violations(page) == []
    screenshot(page, "people-new-identity-errors")
    page.keyboard.press("Tab")  # from the focused error summary into the page
    _type_into(page, "id_full_name", "Jordan Wilde")
    page.locator("#id_date_of_birth_0").fill("")
    _type_into(page, "id_date_of_birth_0", "28")
    _submit_with_keyboard(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Where do they live")
    assert axe_violations(page) == []
    _type_into(page, "id_phone", "07700 900123")
    _submit_with_keyboard(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text("How do you know them?")
    assert axe_violations(page) == []
    _type_into(page, "id_relationship_kind", " ")  # space selects the focused radio
    _submit_with_keyboard(page, "Continue")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the details before you add them"
    )
    assert axe_violations(page) == []
    screenshot(page, "people-new-check")
    _submit_with_keyboard(page, "Add this person")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Wilde")
    assert axe_violations(page) == []

    for area in ("Homelessness", "Substance misuse", "Mental health"):
        page.get_by_role("link", name="Add an area to the timeline").click()
        page.get_by_label(area).check()
        page.locator("#id_starts_on_0").fill("1")
        page.locator("#id_starts_on_1").fill("6")
        page.locator("#id_starts_on_2").fill("2026")
        page.get_by_role("button", name="Add to timeline").click()
        expect(page.get_by_text(f"{area} added to the timeline")).to_be_visible()
    expect(page.get_by_text("Meets the three-of-five rule today")).to_be_visible()
    assert page.locator(".petal-person-petals ellipse[fill='#ffffff']").count() == 2
    assert axe_violations(page) == []
    screenshot(page, "people-person")
    page.get_by_role("link", name="Add an area to the timeline").click()
    assert axe_violations(page) == []
    page.goto("/people/")
    expect(page.get_by_role("link", name="Jordan Wilde")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "people-caseload")
    assert page.problems.items == []


def test_person_edit_contact_and_episode_pages_are_accessible(page, demo_people):
    from petal.people.models import Person

    sign_in(page, "trusted.person2@example.org")
    person = Person.objects.filter(
        relationships__trusted_person__email="trusted.person2@example.org"
    ).first()
    episode = person.episodes.filter(ends_on__isnull=True).first()
    paths = [f"/people/{person.pk}/edit/{s}" for s in ("identity", "contact", "story", "risk")]
    paths += [f"/people/{person.pk}/contacts/new", f"/people/{person.pk}/episodes/new"]
    paths += [f"/people/{person.pk}/relationships/new", f"/people/{person.pk}/handover/new"]
    paths += ["/people/connections"]
    if episode:
        paths.append(f"/people/{person.pk}/episodes/{episode.pk}/end")
    failures = {}
    for path in paths:
        page.goto(path)
        violations = axe_violations(page)
        if violations:
            failures[path] = violations
        screenshot(page, "people" + path.replace("/", "-"))
    assert failures == {}
