"""Access-matrix rows for retention (petal.retention): the schedule, the runs and one run are
for the data protection lead and administrators (retention.view); a dry run is asked for by
POST only."""

from __future__ import annotations

from tests.access_rows.common import R, allow

RETENTION = {R.DATA_PROTECTION_LEAD, R.ADMINISTRATOR}

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "retention:schedule": ("/retention/", allow(RETENTION)),
    "retention:runs": ("/retention/runs/", allow(RETENTION)),
    # POST only: a GET is refused once the role check has passed.
    "retention:dry-run": ("/retention/runs/dry-run", allow(RETENTION, ok_status=405)),
    "retention:run": ("/retention/runs/{retention_run}", allow(RETENTION)),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {}


def ids() -> dict:
    from petal.retention.models import RetentionRun

    run = RetentionRun.objects.create(results=[], total=0)
    return {"retention_run": run.pk}
