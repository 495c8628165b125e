"""/api/v1/reports/…: the dashboards' figures as JSON — the same tables, suppressed the same way
(``outcomes.dashboards``: the programme team, partnership coordinators and governance members).

Each table comes with its columns and its rows of values; a hidden value is ``null`` with
``shown`` saying why ("fewer than 5" or "not shown"). A parameter the page would quietly
replace (a date that is not a date) is refused here with 422, so a script never mistakes
today's figures for the day it asked about."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from petal.access.api import require
from petal.outcomes.dashboards.common import MESSAGES, PERMISSION, dashboard_read, parse_date
from petal.outcomes.tables import TOTAL

router = Router(tags=["reports"])

# The API's name for a dashboard, where it is not the dashboard's own slug.
ALIASES = {"time-to-access": "referrals"}


class ValueOut(Schema):
    value: int | float | str | None = Field(
        ..., description="The figure, or null when it is hidden (see shown)"
    )
    shown: str = Field(..., description='As the page shows it: "12", "fewer than 5", "not shown"')


class RowOut(Schema):
    label: str
    section: str = ""
    total: bool = Field(False, description="The totals row")
    in_total: bool = Field(True, description="Counted in the column totals")
    values: list[ValueOut]


class TableOut(Schema):
    slug: str
    title: str
    caption: str
    note: str
    suppressed: bool
    columns: list[str] = Field(..., description="The row header first, then each column")
    rows: list[RowOut]


class ReportOut(Schema):
    slug: str
    title: str
    caption: str
    params: dict
    tables: list[TableOut]


class CohortQuery(Schema):
    on: str | None = Field(None, description="The day, as YYYY-MM-DD (today when left out)")


class TimeQuery(Schema):
    measure: str | None = Field(
        None, description="acknowledged, first_contact or started (the default)"
    )


def _table(table) -> dict:
    rows = []
    for r, (row, cells) in enumerate(table.body()):
        columns = list(range(len(table.columns))) + (["total"] if table.totals_column else [])
        rows.append(
            {
                "label": row.label,
                "section": row.section,
                "in_total": row.in_total,
                "values": [
                    {"value": None if cell.hidden else table.value(r, c), "shown": cell.text}
                    for c, cell in zip(columns, cells, strict=True)
                ],
            }
        )
    footer = table.footer()
    if footer is not None:
        rows.append(
            {
                "label": TOTAL,
                "total": True,
                "values": [
                    {
                        "value": None if cell.hidden or cell.text == "" else cell.value,
                        "shown": cell.text,
                    }
                    for cell in footer
                ],
            }
        )
    return {
        "slug": table.slug,
        "title": table.title,
        "caption": table.caption,
        "note": table.note,
        "suppressed": table.suppressed,
        "columns": table.header(),
        "rows": rows,
    }


def _report(request, slug: str, params: dict) -> dict:
    user = require(request, PERMISSION)
    board, built = dashboard_read(actor=user, slug=slug, params=params, via="api", strict=True)
    return {
        "slug": board.slug,
        "title": board.title,
        "caption": built.caption,
        "params": {
            k: v for k, v in built.params.items() if k != MESSAGES and not k.endswith("_choices")
        },
        "tables": [_table(t) for t in built.tables],
    }


@router.get(
    "/reports/cohort",
    response=ReportOut,
    summary="The multiple-disadvantage cohort on a day, suppressed as on the dashboard",
)
def report_cohort(request, query: Query[CohortQuery]):
    require(request, PERMISSION)
    params = {}
    if query.on:
        parse_date(query.on)  # 422 with a clear message when it is not a date
        params["on"] = query.on
    return _report(request, "cohort", params)


@router.get(
    "/reports/time-to-access",
    response=ReportOut,
    summary="Referrals and time to access services, suppressed as on the dashboard",
)
def report_time_to_access(request, query: Query[TimeQuery]):
    params = {"measure": query.measure} if query.measure else {}
    return _report(request, ALIASES["time-to-access"], params)


@router.get(
    "/reports/{slug}",
    response=ReportOut,
    summary="Any other dashboard's tables (tell-it-once, barriers, champions, ndt, …)",
)
def report_other(request, slug: str):
    params = {k: v for k, v in request.GET.items()}
    return _report(request, ALIASES.get(slug, slug), params)
