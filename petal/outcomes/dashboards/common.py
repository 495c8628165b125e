"""What every dashboard shares: reading its parameters (strings from a query string, a bad
value falls back to the default with a message), months and quarters, and the one place a
dashboard is read — checked, built and audited — for the pages and the reports API alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.utils import timezone

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import NotFound, ValidationFailed
from petal.outcomes import dashboards
from petal.outcomes.tables import Table

PERMISSION = "outcomes.dashboards"
EARLIEST = dt.date(2000, 1, 1)
LATEST_YEARS_AHEAD = 5
# Each dashboard's headline for the index page: slug → headline(actor) -> a one-figure Table.
HEADLINES: dict = {}
# How the messages about parameters travel with the figures (Built.params["messages"]).
MESSAGES = "messages"


def today() -> dt.date:
    return timezone.localdate()


def parse_date(raw: str | None, *, label: str = "date") -> dt.date:
    """A date typed as YYYY-MM-DD, within the years Petal can answer for; ValidationFailed
    with a plain message otherwise."""
    text = (raw or "").strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(
            f"Enter the {label} as year-month-day, for example 2026-05-01",
            field_errors={"on": [f"Enter the {label} as year-month-day, for example 2026-05-01"]},
        ) from exc
    latest = today().replace(year=today().year + LATEST_YEARS_AHEAD, day=1)
    if not EARLIEST <= day <= latest:
        message = f"Enter a {label} between {EARLIEST:%Y} and {latest:%Y}"
        raise ValidationFailed(message, field_errors={"on": [message]})
    return day


def date_param(params: Mapping[str, str], name: str, messages: list[str], *, label: str):
    """The date in ``params[name]``, or today with a message when it is missing or wrong."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return today()
    try:
        return parse_date(raw, label=label)
    except ValidationFailed as exc:
        messages.append(f"{exc.message}. Showing {today():%-d %B %Y} instead.")
        return today()


def choice_param(params, name: str, choices, default: str, messages: list[str], *, label: str):
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if raw in choices:
        return raw
    messages.append(f"There is no {label} called ‘{raw[:40]}’. Showing the usual one instead.")
    return default


def month_starts(last: dt.date, months: int = 12) -> list[dt.date]:
    """The first days of ``months`` months, oldest first, ending with ``last``'s month."""
    year, month = last.year, last.month
    out = []
    for _ in range(months):
        out.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_starts(last: dt.date, quarters: int = 8) -> list[dt.date]:
    first = quarter_start(last)
    out = []
    year, month = first.year, first.month
    for _ in range(quarters):
        out.append(dt.date(year, month, 1))
        month -= 3
        if month <= 0:
            year, month = year - 1, month + 12
    return list(reversed(out))


def quarter_label(day: dt.date) -> str:
    return f"{day:%b} to {dt.date(day.year, day.month + 2, 1):%b %Y}"


def as_month(value) -> dt.date | None:
    """A truncated month from the database (a date, a datetime or text on SQLite)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    return dt.date.fromisoformat(str(value)[:10]).replace(day=1)


# --- reading a dashboard ----------------------------------------------------------------------


def _clean_params(params: Mapping[str, str]) -> dict[str, str]:
    return {str(k)[:40]: str(v)[:100] for k, v in params.items() if k != "page"}


def dashboard_read(
    *, actor, slug: str, params: Mapping[str, str], via: str = "page", strict: bool = False
):
    """The figures of one dashboard for the actor, audited. Counts only, never a person: the
    programme team, partnership coordinators and governance members (``outcomes.dashboards``)
    read every dashboard, with small numbers suppressed; anyone else is told there is no such
    dashboard. The reading is recorded — which dashboard and with which parameters — as
    ``dashboard.viewed`` from a page, ``report.api_read`` from the API. ``strict`` refuses a
    parameter the page would have replaced by its default (ValidationFailed, for the API)."""
    if not can(actor, PERMISSION):
        raise NotFound("No such dashboard")
    dashboard = dashboards.get(slug)
    built = dashboard.build(actor, params)
    if strict and messages_of(built):
        problems = messages_of(built)
        raise ValidationFailed(problems[0], field_errors={"query": problems})
    audit_record(
        actor=actor,
        action="report.api_read" if via == "api" else "dashboard.viewed",
        data={"slug": slug, "params": _clean_params(params)},
    )
    return dashboard, built


def messages_of(built) -> list[str]:
    return list(built.params.get(MESSAGES, []))


def single(
    slug: str, title: str, label: str, value: int, *, suppressed: bool = True, fmt: str = ""
) -> Table:
    """A one-figure table (an index page's headline); ``fmt`` writes a figure that is not a
    count of anyone (money), never suppressed."""
    from petal.outcomes.tables import MEASURE, Column, Row

    return Table(
        slug=slug,
        title=title,
        row_header="Figure",
        columns=[Column("Number", kind=MEASURE, fmt=fmt) if fmt else Column("Number")],
        rows=[Row(label, [value])],
        totals_row=False,
        suppressed=suppressed,
    )


def headlines_for(actor, boards) -> list[tuple]:
    """Each dashboard with its headline figure (a one-cell Table, suppressed like the rest)."""
    if not can(actor, PERMISSION):
        raise NotFound("No such dashboard")
    audit_record(actor=actor, action="dashboard.viewed", data={"slug": "", "params": {}})
    rows = []
    for board in boards:
        make = HEADLINES.get(board.slug)
        table = make(actor) if make else None
        rows.append((board, table))
    return rows
