"""Access-matrix rows for exports: a dashboard table's download and the quarterly report are
for dashboard readers (outcomes.dashboards); the list of one's own exports is for anyone with a
kind of export (dashboard readers, and people roles for the cohort export); someone else's
export is as if it did not exist (404), whatever the role."""

from __future__ import annotations

from tests.access_rows.common import (  # noqa: F401
    ANON,
    EVERY_ROLE,
    EVERYONE,
    INDIVIDUAL,
    NO_ROLE,
    PEOPLE,
    PRINCIPALS,
    SIGNED_IN,
    R,
    allow,
)

DASHBOARDS = {R.PROGRAMME_TEAM, R.PARTNERSHIP_COORDINATOR, R.GOVERNANCE_MEMBER}
EXPORTERS = DASHBOARDS | PEOPLE

PAGES: dict[str, tuple[str, dict[str, int]]] = {
    "exports:table": (
        "/outcomes/{export_dashboard}/tables/{export_table}.csv",
        allow(DASHBOARDS),
    ),
    "exports:list": ("/outcomes/exports/", allow(EXPORTERS)),
    # POST only: a GET is refused once the role check has passed.
    "exports:new": ("/outcomes/exports/new", allow(EXPORTERS, ok_status=405)),
    # Another user's export: not found for everyone who has exports at all.
    "exports:job": ("/outcomes/exports/{export_job}", allow(EXPORTERS, ok_status=404)),
    "exports:progress": (
        "/outcomes/exports/{export_job}/progress",
        allow(EXPORTERS, ok_status=404),
    ),
    "exports:download": (
        "/outcomes/exports/{export_job}/download",
        allow(EXPORTERS, ok_status=404),
    ),
    "exports:report": ("/outcomes/reports/quarterly", allow(DASHBOARDS)),
}

API_OPERATIONS: dict[tuple[str, str], tuple[str, dict | None, dict[str, int]]] = {}


def _dashboard_and_table(user) -> tuple[str, str]:
    """A registered dashboard and one of its tables (a small one made for the matrix when the
    app registers none)."""
    from petal.outcomes.dashboards import Built, Dashboard, all_dashboards, register
    from petal.outcomes.tables import Column, Row, Table

    for dashboard in all_dashboards():
        built = dashboard.build(user, {})
        if built.tables:
            return dashboard.slug, built.tables[0].slug

    def build(actor, params):
        table = Table("figures", "Figures", "Figure", [Column("Number")], [Row("People", [12])])
        return Built(tables=[table])

    register(Dashboard("access-matrix", "Access matrix", "", build, 999))
    return "access-matrix", "figures"


def ids() -> dict:
    from petal.accounts.tests.factories import MembershipFactory, UserFactory
    from petal.outcomes.models import ExportJob, ExportStatus

    owner = UserFactory()
    MembershipFactory(user=owner, role=R.PROGRAMME_TEAM)
    slug, table = _dashboard_and_table(owner)
    job = ExportJob.objects.create(
        requested_by=owner,
        kind="dashboard",
        format="xlsx",
        params={"dashboard": slug, "query": ""},
        status=ExportStatus.DONE,
        content=b"PK",
        filename="figures.xlsx",
    )
    return {"export_dashboard": slug, "export_table": table, "export_job": job.pk}
