"""Work the task worker does for the outcomes app."""

from __future__ import annotations

from django_tasks import task


@task()
def run_export(job_id: str) -> str:
    """Prepare a background export (see ``petal.outcomes.services.exports.export_run``): its
    progress is recorded as it goes, and a failure is kept on the job as a clear message.
    Running it again for a job already taken does nothing."""
    from petal.outcomes.services.exports import export_run

    return str(export_run(job_id=job_id))
