"""The retention schedule, the list of runs and one run; a dry run on request. Thin: call a
selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from petal.core.views import or_404
from petal.retention import selectors, services


def schedule(request):
    schedules = or_404(selectors.retention_schedules, request.user)
    return render(request, "retention/schedule.html", {"schedules": schedules})


def runs(request):
    found = or_404(selectors.retention_runs, request.user, page=request.GET.get("page", 1))
    return render(request, "retention/runs.html", {"page": found})


def run(request, run_id: int):
    found = or_404(selectors.retention_run_get, request.user, run_id)
    return render(request, "retention/run.html", {"run": found})


@require_POST
def dry_run(request):
    or_404(services.retention_dry_run_request, actor=request.user)
    messages.success(
        request,
        "A dry run has been asked for. It changes nothing; it appears below when it has "
        "finished (refresh the page).",
    )
    return redirect("retention:runs")
