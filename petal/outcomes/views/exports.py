"""Exports' pages: a dashboard table as CSV or XLSX (a direct download), the reader's own
background exports with their progress (HTMX polling, and a plain link without JavaScript),
starting one, downloading it, and the quarterly report. Thin: one selector or service each."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from petal.access.policy import can
from petal.core.errors import ValidationFailed
from petal.core.views import attempt, or_404
from petal.outcomes import exports as writers
from petal.outcomes.forms.exports import CohortExportForm, DashboardExportForm, QuarterForm
from petal.outcomes.models import ExportStatus
from petal.outcomes.report import last_complete_quarter, recent_quarters
from petal.outcomes.selectors import exports as selectors
from petal.outcomes.services import exports as services

FORMATS = {"csv": writers.CSV_TYPE, "xlsx": writers.XLSX_TYPE}


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _dashboard_url(slug: str) -> str:
    try:
        return reverse("outcomes:dashboard", args=[slug])
    except NoReverseMatch:
        return reverse("exports:list")


def table(request, slug, table, fmt):
    """One table of a dashboard, with the page's query string: the same suppressed figures."""
    if fmt not in FORMATS:
        raise Http404
    try:
        found = or_404(
            selectors.dashboard_table_download,
            request.user,
            slug=slug,
            table=table,
            fmt=fmt,
            params=request.GET,
        )
    except ValidationFailed as error:
        return render(
            request,
            "outcomes/exports/table_problem.html",
            {"message": error.message, "back": _dashboard_url(slug)},
            status=400,
        )
    if fmt == "csv":
        content = writers.table_csv(found.table)
    else:
        content = writers.table_xlsx(
            found.table,
            title=f"{found.dashboard.title}: {found.table.title}",
            caption=found.caption,
        )
    return _download(content, FORMATS[fmt], found.filename(fmt, timezone.localdate()))


def _forms(user, data=None, kind=None):
    """The forms for starting an export that the reader's roles allow (one of them bound)."""
    from petal.outcomes.dashboards import all_dashboards

    forms = {}
    if can(user, "outcomes.dashboards"):
        boards = all_dashboards()
        if boards:
            forms["dashboard"] = DashboardExportForm(
                data if kind == DashboardExportForm.kind else None, dashboards=boards
            )
    if can(user, "people.use"):
        forms["cohort"] = CohortExportForm(data if kind == CohortExportForm.kind else None)
    return forms


def _list(request, *, forms=None, form=None, status=200):
    jobs = or_404(selectors.export_jobs_for, request.user)
    rows = [(job, selectors.job_title(job)) for job in jobs]
    return render(
        request,
        "outcomes/exports/list.html",
        {
            "rows": rows,
            "forms": forms or _forms(request.user),
            "form": form,
            "may_report": can(request.user, "outcomes.dashboards"),
            "keep_days": services.KEEP_DAYS,
        },
        status=status,
    )


def export_list(request):
    return _list(request)


def export_new(request):
    """Start an export: the kind names the form; a problem is shown on the list page's form,
    with what was chosen kept."""
    if not selectors.may_export(request.user):
        raise PermissionDenied("You do not have access to exports")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    kind = request.POST.get("kind", "")
    forms = _forms(request.user, request.POST, kind)
    form = next((f for f in forms.values() if f.kind == kind), None)
    if form is None:
        if kind == selectors.QUARTERLY_REPORT:
            return quarterly(request)
        if kind in selectors.KINDS:
            # A kind this reader's roles do not allow.
            raise PermissionDenied("You do not have access to this kind of export")
        raise Http404
    if form.is_valid():
        job = attempt(
            form,
            services.export_request,
            actor=request.user,
            kind=kind,
            format=request.POST.get("format", ""),
            params=form.params(),
        )
        if job is not None:
            return redirect("exports:job", job_id=job.pk)
    return _list(request, forms=forms, form=form)


def _job_context(job, *, seen: str = "") -> dict:
    running = job.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
    return {
        "job": job,
        "title": selectors.job_title(job),
        "unit": selectors.job_unit(job),
        "polling": running,
        "state": f"{job.status}-{job.rows_done}",
        "keep_days": services.KEEP_DAYS,
    }


def export_job(request, job_id):
    job = or_404(selectors.export_job_for, request.user, job_id)
    return render(request, "outcomes/exports/job.html", _job_context(job))


def export_progress(request, job_id):
    """The progress part of the job page, for HTMX to poll every 2 seconds while the export is
    being prepared. Nothing changed since the last poll: 204, so nothing is swapped (and
    screen readers are not told the same thing again)."""
    job = or_404(selectors.export_job_for, request.user, job_id)
    context = _job_context(job)
    if request.headers.get("HX-Request") and request.GET.get("seen") == context["state"]:
        return HttpResponse(status=204)
    return render(request, "outcomes/exports/_progress.html", context)


def export_download(request, job_id):
    job = or_404(selectors.export_job_for, request.user, job_id)
    if job.status != ExportStatus.DONE:
        return redirect("exports:job", job_id=job.pk)
    job = or_404(services.export_download, actor=request.user, job_id=job_id)
    return _download(bytes(job.content), job.content_type, job.filename)


def quarterly(request):
    """Choose a quarter: the report is prepared in the background, then downloaded."""
    quarters = recent_quarters()
    if request.method == "POST":
        form = QuarterForm(request.POST, quarters=quarters)
        if form.is_valid():
            job = attempt(
                form,
                services.export_request,
                actor=request.user,
                kind=selectors.QUARTERLY_REPORT,
                format="pdf",
                params=form.params(),
            )
            if job is not None:
                return redirect("exports:job", job_id=job.pk)
    else:
        form = QuarterForm(initial={"quarter": last_complete_quarter().code}, quarters=quarters)
    return render(request, "outcomes/exports/quarterly.html", {"form": form})
