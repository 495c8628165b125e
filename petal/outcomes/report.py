"""The quarterly report for the Public Service Board, as a PDF (WeasyPrint).

It is every dashboard, built for the quarter by the reader, printed one after another: each
dashboard's caption and its tables. It holds no figure of its own — every count comes out of a
dashboard's ``Table`` (``text_rows()`` / ``body()``), so the PDF shows exactly the suppressed
figures the pages show ("fewer than 5", never a count from 1 to 4).

A dashboard is built with the quarter as its parameters (``quarter_params``):
``quarter=2026-Q2``, ``from=2026-04-01``, ``to=2026-06-30`` and ``on=2026-06-30`` (the cohort
on the last day of the quarter); a dashboard reads those it understands.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from petal.core.errors import fail
from petal.outcomes.tables import Table

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_CODE = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int  # 1 to 4: January to March is 1

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        first, last = MONTHS[3 * self.number - 3], MONTHS[3 * self.number - 1]
        return f"{first} to {last} {self.year}"

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def __str__(self) -> str:
        return self.label


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def recent_quarters(today: dt.date | None = None, count: int = 8) -> list[Quarter]:
    """The quarter so far and the ones before it, newest first."""
    quarter = quarter_of(today or timezone.localdate())
    out = []
    for _ in range(count):
        out.append(quarter)
        quarter = quarter.previous()
    return out


def last_complete_quarter(today: dt.date | None = None) -> Quarter:
    return quarter_of(today or timezone.localdate()).previous()


def parse_quarter(code: str, *, field_name: str = "quarter") -> Quarter:
    """A quarter from its code ("2026-Q2"); refused with a clear message when it is not one
    or has not started yet."""
    match = _CODE.match((code or "").strip())
    if not match:
        fail(field_name, "Choose a quarter")
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    if quarter.start > timezone.localdate():
        fail(field_name, "Choose a quarter that has started")
    if quarter.year < 2000:
        fail(field_name, "Choose a quarter from the list")
    return quarter


def quarter_params(quarter: Quarter) -> QueryDict:
    params = QueryDict(mutable=True)
    params.update(
        {
            "quarter": quarter.code,
            "from": quarter.start.isoformat(),
            "to": quarter.end.isoformat(),
            "on": min(quarter.end, timezone.localdate()).isoformat(),
        }
    )
    return params


@dataclass
class ReportSection:
    slug: str
    title: str
    summary: str
    caption: str
    tables: list[Table]


@dataclass
class QuarterlyReport:
    quarter: Quarter
    sections: list[ReportSection] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def filename(self) -> str:
        return f"quarterly-report-{self.quarter.code}.pdf"

    @property
    def any_hidden(self) -> bool:
        return any(t.any_hidden for s in self.sections for t in s.tables)


def dashboards_for_report() -> list:
    from petal.outcomes.dashboards import all_dashboards

    return all_dashboards()


def gather(
    actor, quarter: Quarter, *, progress: Callable[[int, int], None] | None = None
) -> QuarterlyReport:
    """Every dashboard, built for the quarter as ``actor`` would see it on the pages."""
    dashboards = dashboards_for_report()
    report = QuarterlyReport(quarter=quarter)
    if progress:
        progress(0, len(dashboards) + 1)
    for i, dashboard in enumerate(dashboards, start=1):
        built = dashboard.build(actor, quarter_params(quarter))
        report.sections.append(
            ReportSection(
                slug=dashboard.slug,
                title=dashboard.title,
                summary=dashboard.summary,
                caption=built.caption,
                tables=list(built.tables),
            )
        )
        if progress:
            progress(i, len(dashboards) + 1)
    return report


def report_html(report: QuarterlyReport) -> str:
    """The HTML the PDF is printed from."""
    return render_to_string(
        "outcomes/report/quarterly.html",
        {"report": report, "quarter": report.quarter, "base_url": settings.PETAL_BASE_URL},
    )


def report_pdf(report: QuarterlyReport) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(report), base_url=settings.PETAL_BASE_URL).write_pdf()
