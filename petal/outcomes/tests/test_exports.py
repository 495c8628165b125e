"""Dashboard tables as CSV and XLSX, and background exports: the same suppressed figures as the
page ("fewer than 5", never a count from 1 to 4), formulas neutralised, a job's life from queued
to done (or failed, with a clear message), only the requester downloading, and the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.core.errors import ValidationFailed
from petal.outcomes import exports as writers
from petal.outcomes.dashboards import REGISTRY, Built, Dashboard, register
from petal.outcomes.models import ExportJob, ExportStatus
from petal.outcomes.services import exports as services
from petal.outcomes.tables import Column, Row, Table

pytestmark = pytest.mark.django_db

SLUG = "exports-test"
FORMULA = '=HYPERLINK("http://example.org","click")'


def sample_tables(on: str = "") -> list[Table]:
    people = Table(
        slug="by-district",
        title="People by district",
        row_header="District",
        columns=[Column("People"), Column("Referrals")],
        rows=[
            Row("Cambridge", [120, 40]),
            Row("Huntingdonshire", [3, 12]),  # 3 is hidden, and so is one other cell
            Row("Fenland", [50, 7]),
            Row(FORMULA, [1200, 30]),
        ],
        caption=f"On {on}" if on else "",
        note="Districts as recorded on each person's record.",
    )
    waits = Table(
        slug="waits",
        title="Days to access: by service [all]",
        row_header="Service",
        columns=[Column("Referrals"), Column("Average days", kind="measure", base=0, fmt="{:.1f}")],
        rows=[Row("+Housing", [40, 12.5]), Row("Mental health", [4, 30.0])],
    )
    return [people, waits]


def build_sample(actor, params):
    on = params.get("on", "") if params else ""
    return Built(tables=sample_tables(on), params={"on": on}, caption=f"Figures on {on}")


@pytest.fixture
def board():
    dashboard = register(
        Dashboard(
            slug=SLUG,
            title="Exports test",
            summary="A dashboard for the export tests.",
            build=build_sample,
            order=999,
        )
    )
    yield dashboard
    REGISTRY.pop(SLUG, None)


@pytest.fixture
def programme(make_user):
    return make_user(Role.PROGRAMME_TEAM)


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def _sheet_rows(content: bytes, title: str) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    sheet = book[title]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


# --- the writers --------------------------------------------------------------------------------


def test_csv_cells_are_the_tables_text_rows_with_a_3_shown_as_fewer_than_5():
    table = sample_tables()[0]
    rows = _csv_rows(writers.table_csv(table))
    assert rows == [[writers.safe(cell) for cell in row] for row in table.text_rows()]
    huntingdonshire = next(r for r in rows if r[0] == "Huntingdonshire")
    assert huntingdonshire[1] == "fewer than 5"
    # No count from 1 to 4 anywhere: not the 3, and not one the totals would give away.
    assert not any(cell in {"1", "2", "3", "4"} for row in rows for cell in row)
    assert "not shown" in {cell for row in rows for cell in row}
    # The column total is shown, so a second cell of the column is hidden: the 3 cannot be
    # worked out by subtraction.
    people = [r[1] for r in rows[1:-1]]
    assert people.count("fewer than 5") + people.count("not shown") >= 2


def test_csv_neutralises_a_formula_and_keeps_the_text():
    table = sample_tables()[0]
    rows = _csv_rows(writers.table_csv(table))
    assert f"'{FORMULA}" in [r[0] for r in rows]
    assert FORMULA not in [r[0] for r in rows]
    assert writers.safe("+Housing") == "'+Housing"
    assert writers.safe("-3 days") == "'-3 days"
    assert writers.safe("@x") == "'@x"
    assert writers.safe("Cambridge") == "Cambridge"


def test_xlsx_has_a_sheet_per_table_whose_cells_are_its_text_rows():
    from openpyxl import load_workbook

    tables = sample_tables("2026-05-01")
    content = writers.tables_xlsx(tables, title="Exports test", caption="Figures on 1 May")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["People by district", "Days to access  by service  all", "About"]
    for table, name in zip(tables, book.sheetnames, strict=False):
        assert _sheet_rows(content, name) == table.text_rows()
    cells = [c for row in _sheet_rows(content, "People by district") for c in row]
    assert "fewer than 5" in cells
    assert not any(c in {"1", "2", "3", "4", 1, 2, 3, 4} for c in cells)
    about = [c for row in _sheet_rows(content, "About") for c in row]
    assert "Exports test" in about
    assert "Districts as recorded on each person's record." in about


def test_xlsx_writes_formula_like_text_as_text_never_a_formula():
    from openpyxl import load_workbook

    content = writers.tables_xlsx(sample_tables())
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in archive.read(name)
    book = load_workbook(io.BytesIO(content))
    sheet = book["People by district"]
    cell = next(c for c in sheet["A"] if c.value == FORMULA)
    assert cell.data_type == "s"
    assert cell.quotePrefix
    service = next(c for c in book.worksheets[1]["A"] if c.value == "+Housing")
    assert service.data_type == "s"
    assert service.quotePrefix


def test_sheet_titles_are_ones_excel_accepts_and_unique():
    taken: set[str] = set()
    first = writers.sheet_title("A very long title: with [brackets] and / slashes too", taken)
    second = writers.sheet_title("A very long title: with [brackets] and / slashes too", taken)
    assert len(first) <= 31
    assert len(second) <= 31
    assert first != second
    assert not set("[]:*?/\\") & set(first + second)


# --- a dashboard table, downloaded --------------------------------------------------------------


def test_a_table_downloads_as_csv_with_the_dashboards_query_and_is_audited(
    client, board, programme
):
    client.force_login(programme)
    response = client.get(f"/outcomes/{SLUG}/tables/by-district.csv?on=2026-05-01")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{SLUG}-by-district-' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    table = sample_tables("2026-05-01")[0]
    assert _csv_rows(response.content) == [
        [writers.safe(c) for c in row] for row in table.text_rows()
    ]
    event = AuditEvent.objects.get(action="export.downloaded")
    assert event.actor_id == programme.pk
    assert event.data["dashboard"] == SLUG
    assert event.data["table"] == "by-district"
    assert event.data["format"] == "csv"
    assert event.data["params"] == {"on": "2026-05-01"}


def test_a_table_downloads_as_xlsx(client, board, programme):
    client.force_login(programme)
    response = client.get(f"/outcomes/{SLUG}/tables/waits.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == writers.XLSX_TYPE
    table = sample_tables()[1]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    rows = _sheet_rows(response.content, book.sheetnames[0])
    assert rows == table.text_rows()
    # Four referrals behind an average: the average is not shown either.
    assert ["Mental health", "fewer than 5", "not shown"] in rows


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        (Role.TRUSTED_PERSON, f"/outcomes/{SLUG}/tables/by-district.csv", 403),
        (Role.GOVERNANCE_MEMBER, f"/outcomes/{SLUG}/tables/by-district.csv", 200),
        (Role.PARTNERSHIP_COORDINATOR, f"/outcomes/{SLUG}/tables/by-district.xlsx", 200),
        (Role.PROGRAMME_TEAM, f"/outcomes/{SLUG}/tables/no-such-table.csv", 404),
        (Role.PROGRAMME_TEAM, "/outcomes/no-such-dashboard/tables/by-district.csv", 404),
        (Role.PROGRAMME_TEAM, f"/outcomes/{SLUG}/tables/by-district.pdf", 404),
    ],
)
def test_table_downloads_answer_each_reader_as_they_should(
    client, board, make_user, role, path, status
):
    client.force_login(make_user(role))
    assert client.get(path).status_code == status
    if status != 200:
        assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_a_table_download_with_a_bad_choice_says_so_and_is_not_a_500(client, board, programme):
    def refuse(actor, params):
        raise ValidationFailed("Enter the day as year-month-day, for example 2026-05-01")

    REGISTRY[SLUG] = Dashboard(SLUG, "Exports test", "", refuse, 999)
    client.force_login(programme)
    response = client.get(f"/outcomes/{SLUG}/tables/by-district.csv?on=nonsense")
    assert response.status_code == 400
    assert "Enter the day as year-month-day" in response.content.decode()


# --- background exports: asking, preparing, downloading ----------------------------------------


def _post_new(client, callbacks, data):
    with callbacks(execute=True):
        return client.post("/outcomes/exports/new", data)


def test_a_dashboard_export_goes_from_queued_to_done_with_progress_and_is_audited(
    client, board, programme, django_capture_on_commit_callbacks, monkeypatch
):
    seen = []
    real = services._progress

    def spy(job_id, done, total):
        seen.append((ExportJob.objects.get(pk=job_id).status, done, total))
        real(job_id, done, total)

    monkeypatch.setattr(services, "_progress", spy)
    client.force_login(programme)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/outcomes/exports/new",
            {"kind": "dashboard", "format": "xlsx", "dashboard": SLUG, "query": "on=2026-05-01"},
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/outcomes/exports/{job.pk}"
    # Asked for, not yet prepared: the task is queued for when the transaction commits.
    assert job.status == ExportStatus.QUEUED
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert seen[0] == (ExportStatus.RUNNING, 0, 2)
    assert seen[-1] == (ExportStatus.RUNNING, 2, 2)
    assert [done for _, done, _ in seen] == [0, 1, 2]
    assert job.rows_done == job.rows_total == 2
    assert job.percent == 100
    assert job.filename.startswith(f"{SLUG}-") and job.filename.endswith(".xlsx")
    assert job.params == {"dashboard": SLUG, "query": "on=2026-05-01"}
    # The workbook holds the dashboard's tables built with the page's query.
    content = bytes(job.content)
    for table in sample_tables("2026-05-01"):
        from openpyxl import load_workbook

        names = load_workbook(io.BytesIO(content)).sheetnames
        assert any(_sheet_rows(content, n) == table.text_rows() for n in names)
    actions = list(
        AuditEvent.objects.filter(object_id=str(job.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["export.requested", "export.finished"]

    page = client.get(f"/outcomes/exports/{job.pk}").content.decode()
    assert f"/outcomes/exports/{job.pk}/download" in page
    assert "hx-trigger" not in page


def test_a_queued_or_running_job_polls_and_stops_polling_when_done(client, board, programme):
    client.force_login(programme)
    job = ExportJob.objects.create(
        requested_by=programme,
        kind="dashboard",
        format="xlsx",
        params={"dashboard": SLUG, "query": ""},
    )
    page = client.get(f"/outcomes/exports/{job.pk}").content.decode()
    assert f'hx-get="/outcomes/exports/{job.pk}/progress?seen=queued-0"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "Waiting to start" in page

    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, rows_done=123, rows_total=1000
    )
    page = client.get(f"/outcomes/exports/{job.pk}").content.decode()
    assert "123 of 1,000 tables" in page
    assert 'aria-valuenow="12"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "/download" not in page

    # Polling with nothing new: nothing to swap.
    progress = f"/outcomes/exports/{job.pk}/progress"
    unchanged = client.get(progress, {"seen": "running-123"}, headers={"HX-Request": "true"})
    assert unchanged.status_code == 204
    moved = client.get(progress, {"seen": "running-100"}, headers={"HX-Request": "true"})
    assert moved.status_code == 200
    assert "123 of 1,000 tables" in moved.content.decode()

    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        rows_done=1000,
        content=b"x",
        filename="a.xlsx",
        content_type=writers.XLSX_TYPE,
        finished_at=timezone.now(),
    )
    done = client.get(progress, {"seen": "running-123"}, headers={"HX-Request": "true"})
    body = done.content.decode()
    assert f"/outcomes/exports/{job.pk}/download" in body
    assert "hx-trigger" not in body
    assert "hx-get" not in body


def test_a_failure_is_recorded_with_a_clear_message_not_an_error_page(
    client, programme, django_capture_on_commit_callbacks
):
    def broken(actor, params):
        raise RuntimeError("database went away")

    REGISTRY[SLUG] = Dashboard(SLUG, "Broken", "", broken, 999)
    try:
        client.force_login(programme)
        response = _post_new(
            client, django_capture_on_commit_callbacks, {"kind": "dashboard", "dashboard": SLUG}
        )
        job = ExportJob.objects.get()
        assert job.status == ExportStatus.FAILED
        assert job.error == services.GENERIC_FAILURE
        assert "database went away" not in job.error
        assert job.content is None
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "This export could not be prepared" in page.content.decode()
        assert "Start it again" in page.content.decode()
        assert client.get(f"/outcomes/exports/{job.pk}/download").status_code == 302
        assert not AuditEvent.objects.filter(action="export.finished").exists()
    finally:
        REGISTRY.pop(SLUG, None)


def test_a_refusal_while_preparing_keeps_its_own_message(programme):
    def refuse(actor, params):
        raise ValidationFailed("There are no figures before 2020")

    REGISTRY[SLUG] = Dashboard(SLUG, "Refusing", "", refuse, 999)
    try:
        job = ExportJob.objects.create(
            requested_by=programme, kind="dashboard", format="xlsx", params={"dashboard": SLUG}
        )
        assert services.export_run(job_id=job.pk) == ExportStatus.FAILED
        job.refresh_from_db()
        assert job.error == "There are no figures before 2020."
    finally:
        REGISTRY.pop(SLUG, None)


def test_someone_who_lost_their_role_before_it_ran_gets_nothing(board, programme):
    job = ExportJob.objects.create(
        requested_by=programme, kind="dashboard", format="xlsx", params={"dashboard": SLUG}
    )
    programme.memberships.all().delete()
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == services.LOST_ACCESS
    assert job.content is None


def test_running_a_job_twice_prepares_it_once(board, programme):
    job = ExportJob.objects.create(
        requested_by=programme, kind="dashboard", format="xlsx", params={"dashboard": SLUG}
    )
    assert services.export_run(job_id=job.pk) == ExportStatus.DONE
    assert services.export_run(job_id=job.pk) == ExportStatus.DONE
    assert AuditEvent.objects.filter(action="export.finished").count() == 1


def test_only_the_requester_sees_and_downloads_an_export(client, board, programme, make_user):
    job = ExportJob.objects.create(
        requested_by=programme, kind="dashboard", format="xlsx", params={"dashboard": SLUG}
    )
    services.export_run(job_id=job.pk)
    job.refresh_from_db()
    colleague = make_user(Role.PROGRAMME_TEAM)
    client.force_login(colleague)
    for suffix in ("", "/progress", "/download"):
        assert client.get(f"/outcomes/exports/{job.pk}{suffix}").status_code == 404
    assert 'data-testid="exports"' not in client.get("/outcomes/exports/").content.decode()
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()

    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get(f"/outcomes/exports/{job.pk}/download").status_code == 403

    client.force_login(programme)
    response = client.get(f"/outcomes/exports/{job.pk}/download")
    assert response.status_code == 200
    assert response["Content-Type"] == writers.XLSX_TYPE
    assert response.content.startswith(b"PK")
    assert response["Content-Disposition"] == f'attachment; filename="{job.filename}"'
    event = AuditEvent.objects.get(action="export.downloaded")
    assert event.actor_id == programme.pk
    assert event.object_id == str(job.pk)
    job.refresh_from_db()
    assert job.downloaded_at is not None


def test_a_job_not_ready_yet_sends_the_reader_to_its_page(client, board, programme):
    job = ExportJob.objects.create(
        requested_by=programme, kind="dashboard", format="xlsx", params={"dashboard": SLUG}
    )
    client.force_login(programme)
    response = client.get(f"/outcomes/exports/{job.pk}/download")
    assert response.status_code == 302
    assert response["Location"] == f"/outcomes/exports/{job.pk}"


# --- bad input, and kinds a role may not ask for -----------------------------------------------


def test_asking_without_choosing_a_dashboard_says_so_on_the_form(client, board, programme):
    client.force_login(programme)
    response = client.post("/outcomes/exports/new", {"kind": "dashboard"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "Choose a dashboard" in html
    assert not ExportJob.objects.exists()


def test_a_format_the_kind_does_not_have_is_refused(client, board, programme):
    client.force_login(programme)
    response = client.post(
        "/outcomes/exports/new", {"kind": "dashboard", "dashboard": SLUG, "format": "pdf"}
    )
    assert response.status_code == 200
    assert "This export can be downloaded as XLSX only" in response.content.decode()
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (("31", "2", "2026"), "Day must be a real date"),
        (("", "", ""), "Enter the day"),
        (("1", "1", "2999"), "The day must be today or in the past"),
    ],
)
def test_a_bad_day_for_the_cohort_export_is_refused_and_kept(client, make_user, day, message):
    client.force_login(make_user(Role.TRUSTED_PERSON))
    response = client.post(
        "/outcomes/exports/new",
        {"kind": "cohort-people", "format": "csv", "on_0": day[0], "on_1": day[1], "on_2": day[2]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<title>Error: " in html
    if day[2]:
        assert f'value="{day[2]}"' in html
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize(
    ("role", "data"),
    [
        (Role.TRUSTED_PERSON, {"kind": "dashboard", "dashboard": SLUG}),
        (Role.TRUSTED_PERSON, {"kind": "quarterly-report", "quarter": "2026-Q1"}),
        (Role.PROGRAMME_TEAM, {"kind": "cohort-people", "on_0": "1", "on_1": "1", "on_2": "2026"}),
        (
            Role.GOVERNANCE_MEMBER,
            {"kind": "cohort-people", "on_0": "1", "on_1": "1", "on_2": "2026"},
        ),
    ],
)
def test_a_kind_the_role_does_not_have_is_forbidden(client, board, make_user, role, data):
    client.force_login(make_user(role))
    assert client.post("/outcomes/exports/new", data).status_code == 403
    assert not ExportJob.objects.exists()


def test_an_unknown_kind_is_not_found(client, programme):
    client.force_login(programme)
    assert client.post("/outcomes/exports/new", {"kind": "everything"}).status_code == 404


def test_the_service_refuses_a_kind_it_does_not_know(programme):
    with pytest.raises(ValidationFailed) as error:
        services.export_request(actor=programme, kind="everything")
    assert error.value.field_errors == {"kind": ["Choose what to export"]}


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_the_readers_own_exports_newest_first(client, board, programme, make_user):
    other = make_user(Role.PROGRAMME_TEAM)
    now = timezone.now()
    for i in range(3):
        ExportJob.objects.create(
            requested_by=programme,
            kind="quarterly-report",
            format="pdf",
            params={"quarter": f"2025-Q{i + 1}"},
            created_at=now - dt.timedelta(hours=3 - i),
        )
    ExportJob.objects.create(
        requested_by=other, kind="quarterly-report", format="pdf", params={"quarter": "2024-Q4"}
    )
    client.force_login(programme)
    html = client.get("/outcomes/exports/").content.decode()
    positions = [
        html.index(f"Quarterly report, {months} 2025")
        for months in ("July to September", "April to June", "January to March")
    ]
    assert positions == sorted(positions)
    assert "2024" not in html.split("Your exports")[1].split("Figures")[0]


def test_the_list_does_not_query_per_row(client, board, programme):
    client.force_login(programme)
    for _ in range(3):
        ExportJob.objects.create(
            requested_by=programme, kind="dashboard", format="xlsx", params={"dashboard": SLUG}
        )
    client.get("/outcomes/exports/")
    with CaptureQueriesContext(connection) as few:
        client.get("/outcomes/exports/")
    for i in range(20):
        ExportJob.objects.create(
            requested_by=programme,
            kind="cohort-people" if i % 2 else "dashboard",
            format="csv",
            params={"on": "2026-01-01"} if i % 2 else {"dashboard": SLUG},
            content=b"x" * 1000,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/outcomes/exports/")
    assert response.status_code == 200
    assert len(many) == len(few)
    # The files themselves are not read for the list.
    job_queries = [q["sql"] for q in many.captured_queries if "outcomes_exportjob" in q["sql"]]
    assert job_queries
    assert all('"content"' not in sql for sql in job_queries)


def test_each_role_is_offered_the_exports_it_may_ask_for(client, board, make_user):
    client.force_login(make_user(Role.TRUSTED_PERSON))
    html = client.get("/outcomes/exports/").content.decode()
    assert 'data-testid="cohort-export"' in html
    assert 'data-testid="dashboard-export"' not in html
    client.force_login(make_user(Role.GOVERNANCE_MEMBER))
    html = client.get("/outcomes/exports/").content.decode()
    assert 'data-testid="cohort-export"' not in html
    assert 'data-testid="dashboard-export"' in html
    assert "/outcomes/reports/quarterly" in html
    client.force_login(make_user(Role.PARTNERSHIP_COORDINATOR))
    html = client.get("/outcomes/exports/").content.decode()
    assert 'data-testid="cohort-export"' in html
    assert 'data-testid="dashboard-export"' in html
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get("/outcomes/exports/").status_code == 403


# --- tidying up ---------------------------------------------------------------------------------


def test_purge_deletes_exports_older_than_7_days_and_fails_stopped_ones(programme):
    from django.core.management import call_command

    now = timezone.now()

    def job(age: dt.timedelta, status=ExportStatus.DONE):
        return ExportJob.objects.create(
            requested_by=programme,
            kind="quarterly-report",
            format="pdf",
            status=status,
            params={"quarter": "2025-Q1"},
            created_at=now - age,
        )

    old = job(dt.timedelta(days=8))
    recent = job(dt.timedelta(days=6))
    stuck = job(dt.timedelta(hours=7), ExportStatus.RUNNING)
    fresh = job(dt.timedelta(minutes=5), ExportStatus.RUNNING)
    out = io.StringIO()
    call_command("exports_purge", stdout=out)
    assert "Deleted 1 export(s); marked 1" in out.getvalue()
    assert not ExportJob.objects.filter(pk=old.pk).exists()
    assert ExportJob.objects.filter(pk=recent.pk).exists()
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == ExportStatus.FAILED
    assert stuck.error == services.STOPPED
    assert fresh.status == ExportStatus.RUNNING
    assert services.export_purge() == {"deleted": 0, "stopped": 0}


def test_every_table_of_the_real_dashboards_downloads_as_shown(client, programme):
    """The dashboards the app registers: every table, as CSV, is its text rows; and all of them
    make one workbook."""
    from petal.outcomes.dashboards import all_dashboards

    real = [d for d in all_dashboards() if d.slug != SLUG]
    if not real:
        pytest.skip("no dashboards are registered yet")
    client.force_login(programme)
    for dashboard in real:
        built = dashboard.build(programme, {})
        for table in built.tables:
            response = client.get(f"/outcomes/{dashboard.slug}/tables/{table.slug}.csv")
            assert response.status_code == 200, (dashboard.slug, table.slug)
            assert _csv_rows(response.content) == [
                [writers.safe(c) for c in row] for row in table.text_rows()
            ]
        job = ExportJob.objects.create(
            requested_by=programme,
            kind="dashboard",
            format="xlsx",
            params={"dashboard": dashboard.slug, "query": ""},
        )
        assert services.export_run(job_id=job.pk) == ExportStatus.DONE
