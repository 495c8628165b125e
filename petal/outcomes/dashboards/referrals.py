"""Referrals and time to access: referrals sent by month and partnership, and how long they
took to reach a step (median and 90th percentile), by month, service, partnership and district
— from petal.referrals.measures. A median is shown with the referrals behind it as its base:
from fewer than 5 referrals it is not shown."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from petal.outcomes import charts
from petal.outcomes.dashboards import Built, Dashboard, register
from petal.outcomes.dashboards.common import (
    HEADLINES,
    MESSAGES,
    choice_param,
    month_starts,
    single,
    today,
)
from petal.outcomes.tables import MEASURE, Column, Row, Table
from petal.referrals import measures

SLUG = "referrals"
NONE = "No partnership recorded"
DAYS = "{:,.1f}"


def _referrals():
    # Counts and waits only; no referral or person leaves this module.
    from petal.referrals.models import Referral

    return Referral.objects.order_by()


def monthly_by_partnership(since: dt.date) -> dict[tuple[dt.date, int | None], int]:
    return {
        (month, partnership): n
        for month, partnership, n in _referrals()
        .filter(sent_month__gte=since)
        .values("sent_month", "partnership_id")
        .annotate(n=Count("pk"))
        .values_list("sent_month", "partnership_id", "n")
    }


def referrals_table(day: dt.date) -> Table:
    from petal.reference.selectors import partnerships

    months = month_starts(day, 12)
    counts = monthly_by_partnership(months[0])
    groups = [(p.pk, p.name) for p in partnerships()]
    if any(key[1] is None for key in counts):
        groups.append((None, NONE))
    return Table(
        slug="referrals-by-month",
        title="Referrals sent, by month and partnership",
        row_header="Month sent",
        columns=[Column(name) for _, name in groups],
        rows=[
            Row(f"{m:%B %Y}", [counts.get((m, pk), 0) for pk, _ in groups], key=m.isoformat())
            for m in months
        ],
        totals_column=True,
        caption="Referrals sent in each month, by the partnership where the person lived.",
    )


WAIT_COLUMNS = [
    Column("Referrals"),
    Column("Median days", kind=MEASURE, base=0, fmt=DAYS),
    Column("90th percentile days", kind=MEASURE, base=0, fmt=DAYS),
]


def _wait_row(label, figure, *, key=None, section="") -> Row:
    if figure is None:
        return Row(label, [0, None, None], key=key, section=section)
    return Row(label, [figure.count, figure.median_days, figure.p90_days], key=key, section=section)


def _waits_table(slug, title, row_header, rows, caption, **extra) -> Table:
    # A median does not add up, so totals only where the counts make a published sum (by
    # area: partnerships and districts each add up to every referral counted).
    return Table(
        slug=slug,
        title=title,
        row_header=row_header,
        columns=list(WAIT_COLUMNS),
        rows=rows,
        totals_row=extra.pop("totals_row", False),
        caption=caption,
        note="A median or 90th percentile from fewer than 5 referrals is not shown.",
        **extra,
    )


def by_month_table(measure: str, day: dt.date, scope: Q | None = None) -> Table:
    figures = measures.by_month(scope or Q(), measure=measure, months=12, today=day)
    return _waits_table(
        "time-to-access-by-month",
        f"Time to access: {measures.MEASURES[measure].lower()}, by month sent",
        "Month sent",
        [_wait_row(f"{f.key:%B %Y}", f, key=f.key.isoformat()) for f in figures],
        "Days from a referral being sent, for referrals that reached the step.",
    )


def _area_pairs(measure: str, day: dt.date) -> dict[tuple, int]:
    """How many referrals reached the step in the last 12 months, by (partnership, district)
    — to know which partnership figures are sums of which district figures."""
    since = month_starts(day, 12)[0]
    field = measures.wait_field(measure)
    return {
        (p, d): n
        for p, d, n in _referrals()
        .filter(sent_month__gte=since, **{f"{field}__isnull": False})
        .values("partnership_id", "district_id")
        .annotate(n=Count("pk"))
        .values_list("partnership_id", "district_id", "n")
    }


def area_table(measure: str, day: dt.date, groups: dict | None = None) -> Table:
    """Partnerships and districts in one table, with the sums that tie them together
    declared, so a hidden district cannot be worked out from its partnership's figure (or the
    other way round): every district adds up to the total, every partnership adds up to the
    total, and a partnership whose districts are its alone is the sum of those districts."""
    from petal.reference.selectors import districts, partnerships

    label = measures.MEASURES[measure].lower()
    groups = groups or _groups(measure, day)
    by_partnership, by_district = groups["partnership_id"], groups["district_id"]
    pairs = _area_pairs(measure, day)
    partnership_rows = [(p.pk, p.name, p.slug) for p in partnerships()]
    district_rows = [(d.pk, d.name, d.code) for d in districts()]
    if any(p is None for p, _ in pairs):
        partnership_rows.append((None, NONE, "none"))
    if any(d is None for _, d in pairs):
        district_rows.append((None, "No district recorded", "none"))
    rows = [
        _wait_row(name, by_partnership.get(pk), key=key, section="Partnerships")
        for pk, name, key in partnership_rows
    ]
    for row in rows:
        row.in_total = False
    first_district = len(rows)
    rows += [
        _wait_row(name, by_district.get(pk), key=key, section="Districts")
        for pk, name, key in district_rows
    ]
    lines = [[(i, 0) for i in range(first_district)] + [("total", 0)]]
    district_index = {pk: first_district + i for i, (pk, _, _) in enumerate(district_rows)}
    for index, (pk, _, _) in enumerate(partnership_rows):
        own = {d for (p, d), _ in pairs.items() if p == pk}
        shared = any(p != pk for (p, d), _ in pairs.items() if d in own)
        if own and not shared:
            lines.append([(district_index[d], 0) for d in sorted(own, key=repr)] + [(index, 0)])
    return _waits_table(
        "time-to-access-by-area",
        f"Time to access: {label}, by partnership and district, last 12 months",
        "Partnership or district",
        rows,
        "Where the person lived when referred.",
        totals_row=True,
        extra_lines=lines,
    )


def _groups(measure: str, day: dt.date) -> dict:
    """Figures by service, partnership and district over the last 12 months (one pass over
    the year on PostgreSQL)."""
    return measures.by_groups(
        ["service_id", "partnership_id", "district_id"], measure=measure, today=day
    )


def by_group_tables(measure: str, day: dt.date) -> list[Table]:
    from petal.directory.models import Service

    label = measures.MEASURES[measure].lower()
    groups = _groups(measure, day)
    by_service = groups["service_id"]
    names = dict(
        Service.objects.filter(pk__in=[k for k in by_service if k]).values_list("pk", "name")
    )
    services = sorted(by_service.items(), key=lambda kv: names.get(kv[0], "").lower())
    return [
        _waits_table(
            "time-to-access-by-service",
            f"Time to access: {label}, by service, last 12 months",
            "Service",
            [
                _wait_row(names.get(pk, "Service no longer listed"), f, key=str(pk))
                for pk, f in services
            ],
            "Services with referrals that reached the step in the last 12 months.",
        ),
        area_table(measure, day, groups),
    ]


def build(actor, params) -> Built:
    messages: list[str] = []
    measure = choice_param(
        params, "measure", measures.MEASURES, measures.DEFAULT_MEASURE, messages, label="step"
    )
    day = today()
    sent = referrals_table(day)
    monthly = by_month_table(measure, day)
    tables = [sent, monthly, *by_group_tables(measure, day)]
    return Built(
        tables=tables,
        charts={
            monthly.slug: charts.line_from_table(
                monthly,
                title=f"Median days, {measures.MEASURES[measure].lower()}, by month sent",
                unit="days",
                column=1,
            ),
            sent.slug: charts.line_from_table(
                sent, title="Referrals sent each month", unit="referrals", column="total"
            ),
        },
        params={
            "measure": measure,
            "measure_choices": list(measures.MEASURES.items()),
            MESSAGES: messages,
        },
        caption="Referrals and time to access services, last 12 months",
    )


def headline(actor) -> Table:
    since = month_starts(today(), 12)[0]
    n = _referrals().filter(sent_month__gte=since).count()
    return single("headline", "Referrals", "referrals sent in the last 12 months", n)


register(
    Dashboard(
        slug=SLUG,
        title="Referrals and time to access",
        summary=(
            "Referrals sent each month, and how long people waited for services: by month, "
            "service, partnership and district."
        ),
        build=build,
        order=20,
    )
)
HEADLINES[SLUG] = headline
