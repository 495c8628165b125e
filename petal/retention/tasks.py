"""Work the task worker does for retention."""

from __future__ import annotations

from django_tasks import task


@task()
def run_retention(*, dry_run: bool = False, actor_id: int | None = None, trigger: str = "task"):
    """Run every retention schedule (``petal.retention.services.retention_run``): delete or
    anonymise what has passed its time, record the run, and return its id and counts.
    Running it again finds nothing more to do."""
    from django.contrib.auth import get_user_model

    from petal.retention.services import retention_run

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = retention_run(actor=actor, dry_run=dry_run, trigger=trigger)
    return {"run": run.pk, "counts": run.counts, "errors": sorted(run.errors)}
