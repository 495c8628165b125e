"""Exports in a real browser: the programme team prepares every table of a dashboard as one
spreadsheet and the quarterly report as a PDF, watches a running export's progress bar update by
itself (HTMX polling) until the download link appears, and a trusted person exports the people
in the cohort. Every page passes axe."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _checked(page, name: str) -> None:
    screenshot(page, name)
    assert axe_violations(page) == [], name


def _user(email):
    from petal.accounts.models import User

    return User.objects.get(email=email)


def test_the_programme_team_prepares_a_dashboard_workbook_and_the_quarterly_report(page, demo):
    from petal.outcomes.dashboards import all_dashboards
    from petal.outcomes.models import ExportJob, ExportStatus

    dashboards = all_dashboards()
    assert dashboards, "the outcomes app registers its dashboards"
    sign_in(page, "programme@example.org")
    page.goto("/outcomes/exports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports")
    expect(page.get_by_text("You have no exports from the last 7 days.")).to_be_visible()
    _checked(page, "exports-list-empty")

    page.get_by_role("button", name="Prepare the spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a dashboard")
    assert page.title().startswith("Error: ")
    _checked(page, "exports-list-error")

    first = dashboards[0]
    page.get_by_label(first.title, exact=True).check()
    page.get_by_role("button", name="Prepare the spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Every table of {first.title}")
    # The test's task backend runs the export at once: it is ready.
    link = page.get_by_test_id("download")
    expect(link).to_be_visible()
    expect(page.locator("[hx-trigger]")).to_have_count(0)
    _checked(page, "exports-dashboard-done")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith(f"{first.slug}-")
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as f:
        assert f.read(2) == b"PK"

    page.goto("/outcomes/reports/quarterly")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quarterly report")
    _checked(page, "exports-quarterly-choose")
    page.get_by_role("button", name="Prepare the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quarterly report, ")
    link = page.get_by_test_id("download")
    expect(link).to_be_visible()
    _checked(page, "exports-quarterly-done")
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), "rb") as f:
        assert f.read(4) == b"%PDF"

    page.get_by_role("link", name="Back to your exports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports")
    expect(page.get_by_test_id("exports").get_by_role("row")).to_have_count(3)
    _checked(page, "exports-list")

    # An export still being prepared: the bar and its words, polled every 2 seconds.
    programme = _user("programme@example.org")
    job = ExportJob.objects.create(
        requested_by=programme,
        kind="dashboard",
        format="xlsx",
        params={"dashboard": first.slug, "query": ""},
        status=ExportStatus.RUNNING,
        rows_done=123,
        rows_total=1000,
    )
    page.goto(f"/outcomes/exports/{job.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Every table of {first.title}")
    bar = page.get_by_role("progressbar", name="How far it has got")
    expect(bar).to_have_attribute("aria-valuenow", "12")
    expect(bar).to_have_attribute("value", "12")
    expect(page.get_by_test_id("export-count")).to_have_text("123 of 1,000 tables")
    progress = page.get_by_test_id("export-progress")
    expect(progress).to_have_attribute("hx-trigger", "every 2s")
    expect(progress).to_have_attribute(
        "hx-get", re.compile(rf"/outcomes/exports/{job.pk}/progress\?seen=running-123$")
    )
    expect(page.get_by_test_id("download")).to_have_count(0)
    _checked(page, "exports-running")

    ExportJob.objects.filter(pk=job.pk).update(rows_done=600)
    expect(page.get_by_test_id("export-count")).to_have_text("600 of 1,000 tables", timeout=8000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "60")

    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        rows_done=1000,
        content=b"PK",
        filename="figures.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        finished_at=timezone.now(),
    )
    expect(page.get_by_test_id("download")).to_be_visible(timeout=8000)
    expect(page.get_by_test_id("download")).to_have_text("Download figures.xlsx")
    # Polling has stopped.
    expect(page.locator("[hx-trigger]")).to_have_count(0)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    _checked(page, "exports-running-then-done")


def test_a_failed_export_says_so_calmly(page, demo):
    from petal.outcomes.models import ExportJob, ExportStatus
    from petal.outcomes.services.exports import GENERIC_FAILURE

    job = ExportJob.objects.create(
        requested_by=_user("programme@example.org"),
        kind="quarterly-report",
        format="pdf",
        params={"quarter": "2025-Q4"},
        status=ExportStatus.FAILED,
        error=GENERIC_FAILURE,
    )
    sign_in(page, "programme@example.org")
    page.goto(f"/outcomes/exports/{job.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Quarterly report, October to December 2025"
    )
    expect(page.get_by_text("This export could not be prepared.")).to_be_visible()
    expect(page.get_by_role("link", name="Start it again")).to_have_attribute(
        "href", "/outcomes/reports/quarterly"
    )
    _checked(page, "exports-failed")


def test_a_trusted_person_exports_the_people_in_the_cohort(page, demo_people):
    sign_in(page, "trusted.person@example.org")
    page.goto("/outcomes/exports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Exports")
    expect(page.get_by_test_id("dashboard-export")).to_have_count(0)
    _checked(page, "exports-list-trusted-person")
    form = page.get_by_test_id("cohort-export")
    form.get_by_role("button", name="Prepare the spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("People in the cohort on ")
    link = page.get_by_test_id("download")
    expect(link).to_be_visible()
    _checked(page, "exports-cohort-done")
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), encoding="utf-8") as f:
        header = f.readline().strip()
    assert header.startswith("Record,Name,District,Partnership,Areas on the day")
