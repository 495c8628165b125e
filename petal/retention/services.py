"""Running the retention schedules.

``retention_run`` runs every active schedule's handler, each in its own transaction, so one
that fails (recorded in the run as an error, with what kind of error it was) does not stop the
others or undo what they did. A dry run does all the same work and rolls each transaction
back, so its counts are exactly what a real run would do now. Every run is recorded as a
``RetentionRun`` and in the audit trail (``retention.run``). Running it again finds nothing
more to do: every handler is idempotent.

``manage.py retention_run [--dry-run]`` and the ``run_retention`` task both call it; the data
protection lead can ask for a dry run from the runs page (``retention_dry_run_request``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden
from petal.retention.models import RetentionRun, RetentionSchedule, Trigger
from petal.retention.registry import rule_for

logger = logging.getLogger(__name__)


class _DryRun(Exception):
    """Raised inside a handler's transaction to roll it back."""


def _run_one(schedule: RetentionSchedule, *, now: dt.datetime, dry_run: bool) -> dict:
    cutoff = schedule.cutoff(now)
    entry = {
        "record_type": schedule.record_type,
        "name": schedule.name,
        "action": schedule.action,
        "keep": f"{schedule.period} {schedule.starts_from}",
        "cutoff": cutoff.date().isoformat(),
        "count": None,
        "error": "",
    }
    rule = rule_for(schedule.record_type)
    if rule is None:
        entry["error"] = "Nothing carries out this schedule: no handler is registered for it."
        return entry
    try:
        with transaction.atomic():
            count = int(rule.handler(cutoff, now) or 0)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except Exception as exc:  # one type failing must not stop the others
        # Only the kind of error: a database error's message can quote the values it met.
        logger.error("Retention handler %s failed: %s", schedule.record_type, type(exc).__name__)
        entry["error"] = f"It stopped with an error ({type(exc).__name__}); nothing was changed."
        return entry
    entry["count"] = count
    return entry


def retention_run(**kwargs) -> RetentionRun:
    """Run every active schedule once (see ``_retention_run``), past row-level security: it
    is the system's own work, even when a dry run is asked for from a page."""
    from petal.access.rls import unrestricted

    with unrestricted():
        return _retention_run(**kwargs)


def _retention_run(
    *,
    actor=None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
    trigger: str = Trigger.COMMAND,
) -> RetentionRun:
    """Run every active schedule once (see the module docstring). Returns the run."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(
        started_at=now, dry_run=dry_run, trigger=trigger, started_by=actor
    )
    results = [
        _run_one(schedule, now=now, dry_run=dry_run)
        for schedule in RetentionSchedule.objects.filter(active=True).order_by("order", "pk")
    ]
    with transaction.atomic():
        run.results = results
        run.total = sum(r["count"] or 0 for r in results)
        run.error_count = sum(1 for r in results if r["error"])
        run.finished_at = timezone.now()
        run.save(update_fields=["results", "total", "error_count", "finished_at"])
        audit_record(
            actor=actor,
            action="retention.run",
            obj=run,
            data={
                "dry_run": dry_run,
                "counts": {r["record_type"]: r["count"] for r in results if r["count"]},
                "errors": sorted(r["record_type"] for r in results if r["error"]),
            },
        )
    return run


@transaction.atomic
def retention_dry_run_request(*, actor) -> None:
    """Ask the task worker for a dry run now (the data protection lead or an administrator).
    The run appears in the list of runs when it has finished."""
    if not can(actor, "retention.view"):
        raise Forbidden("Only the data protection lead and administrators run retention")
    from petal.retention.tasks import run_retention

    audit_record(actor=actor, action="retention.dry_run_requested")
    actor_id = actor.pk
    transaction.on_commit(
        lambda: run_retention.enqueue(dry_run=True, actor_id=actor_id, trigger=Trigger.PAGE)
    )
