"""URL patterns (exports), with full paths: a dashboard table as CSV or XLSX, the reader's own
background exports (their progress and download) and the quarterly report."""

from django.urls import path

from petal.access.decorators import requires
from petal.outcomes.views import exports

app_name = "exports"

DASHBOARDS = requires("outcomes.dashboards")
# Dashboard roles export counts, people roles their own people: the selectors and services
# decide, per kind, and a job is only ever its requester's.
ANY = requires("account.use")

urlpatterns = [
    path(
        "outcomes/<slug:slug>/tables/<slug:table>.<str:fmt>",
        DASHBOARDS(exports.table),
        name="table",
    ),
    path("outcomes/exports/", ANY(exports.export_list), name="list"),
    path("outcomes/exports/new", ANY(exports.export_new), name="new"),
    path("outcomes/exports/<uuid:job_id>", ANY(exports.export_job), name="job"),
    path("outcomes/exports/<uuid:job_id>/progress", ANY(exports.export_progress), name="progress"),
    path("outcomes/exports/<uuid:job_id>/download", ANY(exports.export_download), name="download"),
    path("outcomes/reports/quarterly", DASHBOARDS(exports.quarterly), name="report"),
]
