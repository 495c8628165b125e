"""The data protection lead reads the retention schedule, the runs and one run, and asks for a
dry run, in a real browser. Every page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DPO = "dpo@example.org"


def _checked(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name
    assert page.problems.items == [], name


def test_the_lead_reads_the_schedule_and_asks_for_a_dry_run(page, demo):
    from petal.retention.models import RetentionRun
    from petal.retention.services import retention_run

    run = retention_run()
    sign_in(page, DPO)
    page.get_by_role("link", name="Retention").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How long Petal keeps records")
    expect(page.get_by_role("heading", name="Kept for good: the audit trail")).to_be_visible()
    _checked(page, "retention-schedule")
    page.get_by_role("link", name="See what each run deleted or anonymised").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention runs")
    _checked(page, "retention-runs")
    page.get_by_role("link", name=run.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(run.reference)
    _checked(page, "retention-run")
    page.get_by_role("link", name="Retention runs").click()
    page.get_by_role("button", name="Do a dry run now").click()
    expect(page.get_by_text("A dry run has been asked for.")).to_be_visible()
    _checked(page, "retention-dry-run-asked")
    assert RetentionRun.objects.filter(dry_run=True).count() == 1
