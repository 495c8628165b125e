"""Reading the retention schedules and the runs, for the data protection lead and
administrators (``retention.view``). Neither holds personal details: a schedule is policy, a
run is counts per record type."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

from petal.access.policy import can
from petal.core.errors import Forbidden, NotFound
from petal.retention.models import RetentionRun, RetentionSchedule
from petal.retention.registry import registered

PAGE_SIZE = 25


def _check(actor) -> None:
    if not can(actor, "retention.view"):
        raise Forbidden("Only the data protection lead and administrators see retention")


def retention_schedules(actor) -> list[RetentionSchedule]:
    """Every schedule, in order; each says whether anything carries it out (``handled``)."""
    _check(actor)
    handlers = registered()
    schedules = list(RetentionSchedule.objects.order_by("order", "name"))
    for schedule in schedules:
        schedule.handled = schedule.record_type in handlers
    return schedules


def retention_runs(actor, *, page=1) -> Page:
    """One page of runs, newest first (one query for the page, one for the count)."""
    _check(actor)
    runs = RetentionRun.objects.select_related("started_by").order_by("-started_at", "-id")
    found = Paginator(runs, PAGE_SIZE).get_page(page)
    found.object_list = list(found.object_list)
    return found


def retention_run_get(actor, run_id) -> RetentionRun:
    _check(actor)
    try:
        run_id = int(str(run_id))
    except (TypeError, ValueError):
        raise NotFound("No such run") from None
    run = (
        RetentionRun.objects.select_related("started_by").filter(pk=run_id).first()
        if 0 < run_id < 2**31
        else None
    )
    if run is None:
        raise NotFound("No such run")
    return run
