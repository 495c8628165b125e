"""Service use by quarter: for each measure (nights sleeping rough, evictions, arrests …), how
many people have a record for the quarter and the total across them. A total from fewer than 5
people is not shown (its base is the people count)."""

from __future__ import annotations

from django.db.models import Count, Sum

from petal.outcomes import charts
from petal.outcomes.dashboards import Built, Dashboard, register
from petal.outcomes.dashboards.common import (
    HEADLINES,
    MESSAGES,
    quarter_label,
    quarter_starts,
    single,
    today,
)
from petal.outcomes.tables import MEASURE, Column, Row, Table

SLUG = "service-use"
QUARTERS = 8


def _service_use():
    from petal.outcomes.models import ServiceUse

    return ServiceUse.objects.order_by()


def measures():
    from petal.outcomes.models import SERVICE_USE_MEASURES

    return SERVICE_USE_MEASURES


def by_quarter(since) -> dict:
    """{quarter: {"<measure>_n": people with a record, "<measure>_sum": total}} — one query."""
    aggregates = {}
    for field, _, _ in measures():
        aggregates[f"{field}_n"] = Count(field)
        aggregates[f"{field}_sum"] = Sum(field)
    return {
        row["quarter"]: row
        for row in _service_use()
        .filter(quarter__gte=since)
        .values("quarter")
        .annotate(**aggregates)
    }


def table(day) -> Table:
    quarters = quarter_starts(day, QUARTERS)
    found = by_quarter(quarters[0])
    rows = []
    for field, label, _ in measures():
        for q in quarters:
            row = found.get(q, {})
            n = row.get(f"{field}_n") or 0
            total = row.get(f"{field}_sum")
            rows.append(
                Row(
                    quarter_label(q),
                    [
                        n,
                        total if n else None,
                        round(total / n, 1) if n and total is not None else None,
                    ],
                    section=label,
                    key=f"{field}:{q.isoformat()}",
                )
            )
    return Table(
        slug="service-use-by-quarter",
        title="Service use, by quarter",
        row_header="Quarter",
        columns=[
            Column("People with a record"),
            Column("Total", kind=MEASURE, base=0, fmt="{:,}"),
            Column("Average per person", kind=MEASURE, base=0, fmt="{:,.1f}"),
        ],
        rows=rows,
        totals_row=False,
        caption="Recorded by trusted persons each quarter, where known.",
        note="A total or average from fewer than 5 people is not shown.",
    )


def build(actor, params) -> Built:
    day = today()
    t = table(day)
    latest = quarter_starts(day, QUARTERS)[-2]  # the last whole quarter
    rows = {r for r, row in enumerate(t.rows) if row.key.endswith(latest.isoformat())}
    return Built(
        tables=[t],
        charts={
            t.slug: charts.bars_from_table(
                t,
                title=f"People with a record of each kind of service use, {quarter_label(latest)}",
                unit="people",
                rows=rows,
                labels=lambda row: row.section,
            )
        },
        params={MESSAGES: []},
        caption=f"Service use, last {QUARTERS} quarters",
    )


def headline(actor) -> Table:
    latest = quarter_starts(today(), 2)[0]
    n = _service_use().filter(quarter=latest).values("person").distinct().count()
    return single(
        "headline", "Recorded", f"people with service use recorded for {quarter_label(latest)}", n
    )


register(
    Dashboard(
        slug=SLUG,
        title="Service use",
        summary=(
            "Nights sleeping rough, evictions, arrests, nights in prison, A&E, crisis contacts "
            "and drug and alcohol contacts, quarter by quarter."
        ),
        build=build,
        order=70,
    )
)
HEADLINES[SLUG] = headline
