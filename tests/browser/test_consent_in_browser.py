"""Consent in a real browser: a trusted person records it and prints the receipt (its PDF's
first page rendered to an image), the person withdraws it from their own sign-in, and every
new page passes axe."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, SCREENSHOTS, axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_consents(demo_people):
    from petal.consent.demo import load_consents

    load_consents(password=DEMO_PASSWORD)
    return demo_people


def _person(name_index=0):
    from petal.accounts.models import User
    from petal.consent.demo import _people_of

    return _people_of(User.objects.get(email="trusted.person@example.org"))[name_index]


def test_record_consent_print_the_receipt_and_withdraw_it_as_the_person(
    page, demo_consents, tmp_path
):
    person = _person(0)
    sign_in(page, "trusted.person@example.org")
    page.goto(f"/people/{person.pk}")
    page.get_by_role("link", name="Consent and sharing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent and sharing")
    assert axe_violations(page) == []
    screenshot(page, "consent-person")

    page.get_by_role("link", name="Record consent to share").click()
    page.get_by_role("button", name="Record consent").click()  # nothing chosen yet
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "consent-new-errors")
    page.get_by_label("A named person").check()
    page.get_by_label("The person's email address in Petal").fill("service.staff@example.org")
    page.get_by_label("Their story, in their words").check()
    page.get_by_label("Needs", exact=True).check()
    page.get_by_label("Referral to a service").check()
    page.get_by_label("Said out loud (verbal)").check()
    page.get_by_label("Anything they asked for, in their words (optional)").fill(
        "Only Bethany, please"
    )
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Receipt: your consent to share information"
    )
    expect(page.locator(".petal-receipt")).to_contain_text("Bethany Cole")
    expect(page.locator(".petal-receipt")).to_contain_text("Only Bethany, please")
    assert axe_violations(page) == []
    screenshot(page, "consent-receipt")
    page.get_by_role("link", name="Easy-read version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You said yes to sharing")
    assert axe_violations(page) == []
    screenshot(page, "consent-receipt-easy-read")

    # The PDF: downloaded through the browser's session, first page rendered to an image.
    url = page.url.split("?")[0] + ".pdf"
    pdf = page.request.get(url)
    assert pdf.headers["content-type"] == "application/pdf"
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf.body())
    assert path.read_bytes().startswith(b"%PDF")
    # Debian's poppler-utils (scripts/test installs it) renders the first page.
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")],
        check=True,
    )
    image = next(tmp_path.glob("p*.png"))
    assert image.stat().st_size > 5000
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        shutil.copy(image, Path(SCREENSHOTS) / "consent-receipt-pdf-page-1.png")
    page.get_by_role("button", name="Sign out").click()

    # The person withdraws it from their own sign-in.
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("individual@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/your-record/")
    expect(page.get_by_role("heading", name="What you share")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "own-record")
    page.get_by_role("link", name="Stop sharing with Bethany Cole").click()
    page.get_by_role("button", name="Stop sharing").click()  # the box is not ticked yet
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Yes, stop sharing this").check()
    page.get_by_role("button", name="Stop sharing").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("can no longer see")
    assert axe_violations(page) == []
    screenshot(page, "own-record-withdrawn")

    from petal.consent.models import Consent

    consent = Consent.objects.get(person=person, grantee_user__email="service.staff@example.org")
    assert consent.withdrawn_how == "in_petal"


def test_shared_record_oversight_and_safeguarding_pages_pass_axe(page, demo_consents):
    shared = _person(0)
    sign_in(page, "trusted.person2@example.org")
    page.goto(f"/people/{shared.pk}")
    expect(page.locator(".petal-not-shared").first).to_contain_text("Not shared with you")
    assert axe_violations(page) == []
    screenshot(page, "person-shared-by-consent")
    page.goto("/people/")
    expect(page.get_by_text("Shared with you until").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "caseload-with-shared")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "safeguarding@example.org")
    page.goto("/safeguarding/")
    assert axe_violations(page) == []
    screenshot(page, "safeguarding")
    page.goto(f"/people/{_person(5).pk}")
    expect(page.get_by_text("Safeguarding access", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "person-break-glass")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "dpo@example.org")
    for path, name in [
        ("/consent/", "consent-oversight"),
        ("/consent/expiring", "consent-expiring"),
        ("/consent/break-glass", "break-glass-queue"),
        ("/consent/agreements", "agreements"),
        ("/consent/agreements/new", "agreement-new"),
        (f"/consent/access-report?reference=P-{shared.pk:06d}", "access-report"),
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path
        screenshot(page, name)
    page.goto("/consent/break-glass")
    page.get_by_role("link", name="Review").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review access without consent")
    assert axe_violations(page) == []
    screenshot(page, "break-glass-review")
    page.get_by_label("Upheld: the access was justified").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Review recorded")

    page.goto("/your-record/start")
    assert axe_violations(page) == []
