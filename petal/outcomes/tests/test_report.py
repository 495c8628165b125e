"""The quarterly report for the Public Service Board: quarters, the HTML it is printed from
(every figure out of a dashboard's Table: "fewer than 5", never a count from 1 to 4), the PDF
itself, and the page that starts it as a background export."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import ValidationFailed
from petal.outcomes import report as quarterly
from petal.outcomes.dashboards import all_dashboards
from petal.outcomes.models import ExportJob, ExportStatus
from petal.outcomes.report import Quarter, parse_quarter, quarter_of, recent_quarters
from petal.outcomes.tests.test_exports import SLUG, board  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

SMALL = re.compile(r"^[1-4]$")


def _cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    ]


def _pdf_text(tmp_path, pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: install Debian's poppler-utils (scripts/test does)"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
        [tool, "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return re.sub(r"\s+", " ", out)


@pytest.fixture
def only_the_test_board(board, monkeypatch):  # noqa: F811
    monkeypatch.setattr(quarterly, "dashboards_for_report", lambda: [board])
    return board


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


# --- quarters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "code", "start", "end", "label"),
    [
        (
            dt.date(2026, 1, 1),
            "2026-Q1",
            dt.date(2026, 1, 1),
            dt.date(2026, 3, 31),
            "January to March 2026",
        ),
        (
            dt.date(2026, 6, 30),
            "2026-Q2",
            dt.date(2026, 4, 1),
            dt.date(2026, 6, 30),
            "April to June 2026",
        ),
        (
            dt.date(2024, 8, 15),
            "2024-Q3",
            dt.date(2024, 7, 1),
            dt.date(2024, 9, 30),
            "July to September 2024",
        ),
        (
            dt.date(2025, 12, 31),
            "2025-Q4",
            dt.date(2025, 10, 1),
            dt.date(2025, 12, 31),
            "October to December 2025",
        ),
    ],
)
def test_quarters_start_end_and_are_named_in_plain_words(day, code, start, end, label):
    quarter = quarter_of(day)
    assert (quarter.code, quarter.start, quarter.end, quarter.label) == (code, start, end, label)
    assert parse_quarter(code) == quarter


def test_recent_quarters_run_back_across_years():
    quarters = recent_quarters(dt.date(2026, 2, 10), count=3)
    assert [q.code for q in quarters] == ["2026-Q1", "2025-Q4", "2025-Q3"]


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Choose a quarter"), ("2026-Q5", "Choose a quarter"), ("nonsense", "Choose a quarter")],
)
def test_a_quarter_that_is_not_one_is_refused(code, message):
    with pytest.raises(ValidationFailed) as error:
        parse_quarter(code)
    assert error.value.field_errors == {"quarter": [message]}


def test_a_quarter_that_has_not_started_is_refused():
    future = quarter_of(timezone.localdate() + dt.timedelta(days=120))
    with pytest.raises(ValidationFailed) as error:
        parse_quarter(future.code)
    assert error.value.field_errors == {"quarter": ["Choose a quarter that has started"]}


def test_each_dashboard_is_built_with_the_quarters_dates(programme, monkeypatch):
    seen = {}

    def build(actor, params):
        from petal.outcomes.dashboards import Built

        seen.update(params.dict())
        return Built(tables=[])

    from petal.outcomes.dashboards import Dashboard

    monkeypatch.setattr(
        quarterly, "dashboards_for_report", lambda: [Dashboard("x", "X", "", build)]
    )
    quarterly.gather(programme, Quarter(2025, 2))
    assert seen == {
        "quarter": "2025-Q2",
        "from": "2025-04-01",
        "to": "2025-06-30",
        "on": "2025-06-30",
    }


# --- what is printed ----------------------------------------------------------------------------


def test_the_html_shows_the_tables_suppressed_figures_and_no_count_from_1_to_4(
    only_the_test_board, programme
):
    found = quarterly.gather(programme, Quarter(2025, 4))
    html = quarterly.report_html(found)
    assert "Quarterly report for the Public Service Board" in html
    assert "October to December 2025" in html
    assert "Exports test" in html
    cells = _cells(html)
    assert "fewer than 5" in cells
    assert "not shown" in cells
    assert [c for c in cells if SMALL.match(c)] == []
    # Exactly the table's text, row by row.
    for table in found.sections[0].tables:
        for row in table.text_rows()[1:]:
            assert all(cell in cells for cell in row[1:])
    # The label a person typed is escaped, not markup.
    assert "=HYPERLINK(&quot;http://example.org&quot;" in html


def test_the_pdf_is_a_pdf_with_the_suppressed_figures(only_the_test_board, programme, tmp_path):
    found = quarterly.gather(programme, Quarter(2025, 4))
    pdf = quarterly.report_pdf(found)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(tmp_path, pdf)
    assert "October to December 2025" in text
    assert "Huntingdonshire fewer than 5" in text
    assert "Mental health fewer than 5 not shown" in text


def test_the_report_page_starts_a_pdf_export_that_the_requester_downloads(
    client, only_the_test_board, programme, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(programme)
    page = client.get("/outcomes/reports/quarterly")
    assert page.status_code == 200
    last = quarterly.last_complete_quarter()
    assert f'value="{last.code}" checked' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/outcomes/reports/quarterly", {"quarter": last.code})
    job = ExportJob.objects.get()
    assert response["Location"] == f"/outcomes/exports/{job.pk}"
    assert job.kind == "quarterly-report"
    assert job.status == ExportStatus.DONE
    assert job.rows_done == job.rows_total == 2
    download = client.get(f"/outcomes/exports/{job.pk}/download")
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    assert f'filename="quarterly-report-{last.code}.pdf"' in download["Content-Disposition"]
    assert "fewer than 5" in _pdf_text(tmp_path, download.content)
    assert list(
        AuditEvent.objects.filter(object_id=str(job.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["export.requested", "export.finished", "export.downloaded"]


def test_the_report_page_refuses_a_quarter_not_offered(client, programme):
    client.force_login(programme)
    response = client.post("/outcomes/reports/quarterly", {"quarter": "1999-Q1"})
    assert response.status_code == 200
    assert "Choose a quarter" in response.content.decode()
    assert "<title>Error: " in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.TRUSTED_PERSON, 403),
        (Role.GOVERNANCE_MEMBER, 200),
        (Role.PARTNERSHIP_COORDINATOR, 200),
    ],
)
def test_the_report_page_is_for_dashboard_readers(client, make_user, role, status):
    client.force_login(make_user(role))
    assert client.get("/outcomes/reports/quarterly").status_code == status


# --- the real dashboards ------------------------------------------------------------------------


def test_the_real_dashboards_print_no_count_from_1_to_4(programme, tmp_path):
    """Every dashboard registered by the app, built for a quarter with a handful of people in
    it: no table cell of the report is a count from 1 to 4."""
    real = [d for d in all_dashboards() if d.slug != SLUG]
    if not real:
        pytest.skip("no dashboards are registered yet")
    from petal.people.tests.factories import EpisodeFactory, PersonFactory
    from petal.reference.models import AreaOfDisadvantage

    areas = list(AreaOfDisadvantage.objects.order_by("order"))
    quarter = quarterly.last_complete_quarter()
    for i in range(7):
        person = PersonFactory()
        for area in areas[: 3 + i % 3]:
            EpisodeFactory(
                person=person, area=area, starts_on=quarter.start - dt.timedelta(days=30)
            )
    found = quarterly.gather(programme, quarter)
    assert [s.slug for s in found.sections] == [d.slug for d in all_dashboards()]
    html = quarterly.report_html(found)
    cells = _cells(html)
    assert cells
    assert [c for c in cells if SMALL.match(c)] == []
    assert quarterly.report_pdf(found).startswith(b"%PDF")
