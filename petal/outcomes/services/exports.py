"""Background exports: asked for on a page, prepared by the task worker with its progress
recorded as it goes, and downloaded only by the person who asked.

- ``export_request`` checks the kind, the format and the parameters, keeps a queued job and
  queues ``run_export`` once the transaction commits (``export.requested``).
- ``export_run`` (the worker) marks the job running, prepares the file — recording
  ``rows_done`` of ``rows_total`` as it goes, so the page can show a progress bar — and keeps it
  (``export.finished``; for the people in the cohort, ``people.exported`` with the count and who
  was in it). Anything that goes wrong is recorded on the job as a clear message; the page shows
  it, never an error page. The requester's access is checked again when it runs: someone who
  lost their role in between gets nothing.
- ``export_download`` gives the file to the requester only (anyone else: not found) and
  records ``export.downloaded``.
- ``export_purge`` deletes jobs older than 7 days (``manage.py exports_purge``), and marks jobs
  that stopped without finishing as failed.

Kinds: "dashboard" (every table of one dashboard as one XLSX workbook, a sheet per table),
"quarterly-report" (the PDF for the Public Service Board) — both counts only, for
``outcomes.dashboards`` — and "cohort-people" (a CSV of the people in the multiple-disadvantage
cohort on a day that the reader may see, for ``people.use``; see
``petal.outcomes.selectors.exports.cohort_people_export``).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from petal.access.categories import Category
from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, PetalError, fail
from petal.outcomes import exports as writers
from petal.outcomes.models import ExportJob, ExportStatus
from petal.outcomes.selectors.exports import (
    COHORT_PEOPLE,
    DASHBOARD,
    KINDS,
    QUARTERLY_REPORT,
    cohort_people_export,
    may_export,
)

logger = logging.getLogger(__name__)

KEEP_DAYS = 7
# A job still queued or running this long after it was asked for has stopped (a worker that
# was restarted mid-way): it is marked failed so the page says so instead of waiting forever.
STALE_HOURS = 6
# People read and written per chunk of the cohort export (and a progress update after each).
CHUNK = 2000
QUERY_LIMIT = 2000
GENERIC_FAILURE = (
    "Something went wrong while preparing this export. Start it again; if it fails again, "
    "tell the programme team."
)
STOPPED = "This export stopped before it was finished. Start it again."
LOST_ACCESS = "You no longer have access to this kind of export, so it was not prepared."


# --- asking for an export ---------------------------------------------------------------------


def _clean_dashboard(params: dict) -> dict:
    from petal.outcomes.dashboards import all_dashboards

    slug = str(params.get("dashboard") or "").strip()
    if slug not in {d.slug for d in all_dashboards()}:
        fail("dashboard", "Choose a dashboard")
    query = params.get("query") or ""
    if not isinstance(query, str):
        query = urlencode(query, doseq=True)
    query = query.strip().lstrip("?")
    if len(query) > QUERY_LIMIT:
        fail(
            "dashboard",
            "The dashboard's choices are too long: go back to the dashboard and try again",
        )
    return {"dashboard": slug, "query": query}


def _clean_quarter(params: dict) -> dict:
    from petal.outcomes.report import parse_quarter

    return {"quarter": parse_quarter(str(params.get("quarter") or "")).code}


def _clean_cohort(params: dict) -> dict:
    day = params.get("on")
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            fail("on", "The day must be a real date")
    if day is None or day == "":
        fail("on", "Enter the day")
    if not isinstance(day, dt.date):
        fail("on", "The day must be a real date")
    if day > timezone.localdate():
        fail("on", "The day must be today or in the past")
    if day.year < 2000:
        fail("on", "The day must be in the year 2000 or later")
    return {"on": day.isoformat()}


CLEANERS = {
    DASHBOARD: _clean_dashboard,
    QUARTERLY_REPORT: _clean_quarter,
    COHORT_PEOPLE: _clean_cohort,
}


@transaction.atomic
def export_request(*, actor, kind: str, format: str = "", params: dict | None = None) -> ExportJob:  # noqa: A002
    """Ask for an export: kept as a queued job and prepared by the task worker once this
    transaction commits. Refused with a clear message when the kind, format or parameters are
    not right; a kind the actor's roles do not allow is forbidden."""
    found = KINDS.get(kind)
    if found is None:
        fail("kind", "Choose what to export")
    if not can(actor, found.permission):
        raise Forbidden("You do not have access to this kind of export")
    format = (format or found.formats[0]).lower()  # noqa: A001
    if format not in found.formats:
        allowed = " or ".join(f.upper() for f in found.formats)
        fail("format", f"This export can be downloaded as {allowed} only")
    cleaned = CLEANERS[kind](dict(params or {}))
    job = ExportJob.objects.create(
        requested_by=actor, kind=kind, format=format, params=cleaned, status=ExportStatus.QUEUED
    )
    audit_record(
        actor=actor,
        action="export.requested",
        obj=job,
        data={"kind": kind, "format": format, "params": cleaned},
    )
    from petal.outcomes.tasks import run_export

    job_id = str(job.pk)
    transaction.on_commit(lambda: run_export.enqueue(job_id=job_id))
    return job


# --- preparing it (the task worker) -----------------------------------------------------------


@dataclass
class Prepared:
    content: bytes
    filename: str
    content_type: str
    # Further audit events to record with export.finished: (action, categories, data).
    events: list[tuple[str, list[str], dict]] = field(default_factory=list)


def _progress(job_id, done: int, total: int | None) -> None:
    """Record how far a job has got, at once (outside any transaction: the page polls it)."""
    ExportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total)


def _prepare_dashboard(job: ExportJob, actor) -> Prepared:
    from petal.outcomes.dashboards import get

    dashboard = get(job.params["dashboard"])
    built = dashboard.build(actor, QueryDict(job.params.get("query", "")))
    tables = list(built.tables)
    _progress(job.pk, 0, len(tables))
    content = writers.tables_xlsx(
        tables,
        title=dashboard.title,
        caption=built.caption,
        progress=lambda done: _progress(job.pk, done, len(tables)),
    )
    return Prepared(
        content=content,
        filename=f"{dashboard.slug}-{timezone.localdate():%Y-%m-%d}.xlsx",
        content_type=writers.XLSX_TYPE,
    )


def _prepare_report(job: ExportJob, actor) -> Prepared:
    from petal.outcomes import report as quarterly

    quarter = quarterly.parse_quarter(job.params.get("quarter", ""))
    found = quarterly.gather(
        actor, quarter, progress=lambda done, total: _progress(job.pk, done, total)
    )
    content = quarterly.report_pdf(found)
    parts = len(found.sections) + 1
    _progress(job.pk, parts, parts)
    return Prepared(content=content, filename=found.filename, content_type=writers.PDF_TYPE)


def _prepare_cohort(job: ExportJob, actor) -> Prepared:
    day = dt.date.fromisoformat(job.params["on"])
    export = cohort_people_export(actor, day)
    total = export.count()
    _progress(job.pk, 0, total)
    buffer = io.BytesIO()
    # Rows go straight into the bytes as they are read, a chunk at a time.
    text = io.TextIOWrapper(buffer, encoding="utf-8", newline="", write_through=True)
    writers.write_csv_rows(text, [export.header])
    done, ids = 0, []
    for chunk_ids, rows in export.chunks(CHUNK):
        writers.write_csv_rows(text, rows)
        done += len(rows)
        ids.extend(chunk_ids)
        _progress(job.pk, done, max(total, done))
    text.flush()
    content = buffer.getvalue()
    text.detach()
    categories = sorted(str(c) for c in {Category.NEEDS, *export.shown})
    return Prepared(
        content=content,
        filename=f"cohort-people-{day:%Y-%m-%d}.csv",
        content_type=writers.CSV_TYPE,
        events=[
            (
                "people.exported",
                categories,
                {"export": str(job.pk), "on": day.isoformat(), "count": len(ids), "people": ids},
            )
        ],
    )


PREPARERS = {
    DASHBOARD: _prepare_dashboard,
    QUARTERLY_REPORT: _prepare_report,
    COHORT_PEOPLE: _prepare_cohort,
}


def _fail(job_id, message: str) -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.FAILED, error=message[:500], finished_at=timezone.now()
    )


@transaction.atomic
def _finish(job: ExportJob, prepared: Prepared) -> None:
    actor = job.requested_by
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        content=prepared.content,
        filename=prepared.filename,
        content_type=prepared.content_type,
        finished_at=timezone.now(),
        error="",
    )
    for action, categories, data in prepared.events:
        audit_record(actor=actor, action=action, categories=categories, data=data)
    audit_record(
        actor=actor,
        action="export.finished",
        obj=job,
        data={"kind": job.kind, "format": job.format, "bytes": len(prepared.content)},
    )


def export_run(*, job_id) -> str:
    """Prepare a queued export (the task worker calls this). Returns the job's status. A job
    already taken by another run is left alone, so running it twice prepares it once."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, rows_done=0
    )
    if not claimed:
        status = ExportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return status or "missing"
    job = ExportJob.objects.select_related("requested_by").defer("content").get(pk=job_id)
    actor = job.requested_by
    kind = KINDS.get(job.kind)
    try:
        if kind is None:
            raise NotFound("This kind of export is no longer available.")
        if not actor.is_active or not can(actor, kind.permission):
            raise Forbidden(LOST_ACCESS)
        prepared = PREPARERS[job.kind](job, actor)
    except PetalError as error:
        logger.info("export %s refused: %s", job_id, error.message)
        _fail(job.pk, _message(error))
        return ExportStatus.FAILED
    except Exception:
        logger.exception("export %s failed", job_id)
        _fail(job.pk, GENERIC_FAILURE)
        return ExportStatus.FAILED
    _finish(job, prepared)
    return ExportStatus.DONE


def _message(error: PetalError) -> str:
    text = error.message or GENERIC_FAILURE
    if isinstance(error, Forbidden) and text != LOST_ACCESS:
        return LOST_ACCESS
    if isinstance(error, NotFound) and text == "No such dashboard":
        return "That dashboard is no longer available, so the export was not prepared."
    if not text.endswith("."):
        text += "."
    return text


# --- downloading it ---------------------------------------------------------------------------


@transaction.atomic
def export_download(*, actor, job_id) -> ExportJob:
    """The prepared file, for the person who asked for it only (anyone else: not found; a job
    not ready yet: not found). Someone who has since lost the role it needs may not have it."""
    if not may_export(actor):
        raise Forbidden("You do not have access to exports")
    job = (
        ExportJob.objects.select_for_update()
        .filter(pk=job_id, requested_by=actor, status=ExportStatus.DONE)
        .first()
    )
    if job is None or job.content is None:
        raise NotFound("No such export")
    kind = KINDS.get(job.kind)
    if kind is None or not can(actor, kind.permission):
        raise Forbidden(LOST_ACCESS)
    job.downloaded_at = timezone.now()
    job.save(update_fields=["downloaded_at"])
    audit_record(
        actor=actor,
        action="export.downloaded",
        obj=job,
        data={"kind": job.kind, "format": job.format, "filename": job.filename},
    )
    return job


# --- tidying up -------------------------------------------------------------------------------


@transaction.atomic
def export_purge(*, days: int = KEEP_DAYS, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete exports asked for more than ``days`` ago (their files with them), and mark as
    failed those that stopped without finishing. Returns how many of each."""
    now = now or timezone.now()
    stopped = ExportJob.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING],
        created_at__lt=now - dt.timedelta(hours=STALE_HOURS),
    ).update(status=ExportStatus.FAILED, error=STOPPED, finished_at=now)
    deleted, _ = ExportJob.objects.filter(created_at__lt=now - dt.timedelta(days=days)).delete()
    return {"deleted": deleted, "stopped": stopped}
