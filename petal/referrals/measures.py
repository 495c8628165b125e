"""Time to access services: from a referral being sent to it being acknowledged, to first
contact, and to the service starting — the median and 90th percentile per month (or per
group), computed in the database.

Each referral keeps its month and its waits in columns (``Referral.fill_measures``), and the
database ranks the waits within each month (a window function, the same SQL on SQLite and
PostgreSQL) and returns only the two or three rows at the ranks that matter, so a
year of 200,000 referrals comes back as a few dozen rows:

- median: the mean of the waits ranked ⌊(n+1)/2⌋ and ⌊(n+2)/2⌋ (the usual median: the middle
  one when n is odd, the mean of the middle two when it is even);
- 90th percentile: the wait ranked ⌈0.9 n⌉ (the nearest-rank method).

Only referrals that reached the step count towards it (a referral still waiting has no time
yet; it shows in "still waiting" instead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from petal.referrals.models import STEP_FIELD, WAIT_FIELDS, Referral, Status

# The steps measured, by their status (the key in the page's ?measure=), with their labels.
MEASURES = {
    Status.ACKNOWLEDGED.value: "Sent to acknowledged",
    Status.FIRST_CONTACT.value: "Sent to first contact",
    Status.STARTED.value: "Sent to service started",
}


def _wait_field(measure: str) -> str:
    """The column holding each referral's wait to the step."""
    return WAIT_FIELDS[STEP_FIELD[Status(measure)]]


def wait_field(measure: str) -> str:
    """The column holding each referral's wait to the step (for counting by other groups)."""
    return _wait_field(measure)


DEFAULT_MEASURE = "started"
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Figure:
    key: object  # a month (date) or a group id
    count: int
    median: dt.timedelta | None
    p90: dt.timedelta | None

    @property
    def median_days(self) -> float | None:
        return None if self.median is None else round(self.median / DAY, 1)

    @property
    def p90_days(self) -> float | None:
        return None if self.p90 is None else round(self.p90 / DAY, 1)


def months_back(today: dt.date, months: int) -> list[dt.date]:
    """The first days of the last ``months`` months, oldest first, ending with this month."""
    first = today.replace(day=1)
    out = []
    year, month = first.year, first.month
    for _ in range(months):
        out.append(dt.date(year, month, 1))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(out))


def _ranked(scope: Q, measure: str, group, since: dt.date):
    # Each referral keeps its month and its waits (microseconds) in columns, filled when it is
    # saved, so the database ranks plain indexed numbers.
    field = _wait_field(measure)
    return (
        Referral.objects.filter(scope, sent_month__gte=since, **{f"{field}__isnull": False})
        # No default ordering: sorting every row by sent_at would cost more than the ranking.
        .order_by()
        .annotate(group=group, wait=F(field))
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("group")], order_by=[F("wait").asc()]),
            n=Window(Count("id"), partition_by=[F("group")]),
        )
    )


def _figures(scope: Q, measure: str, group, since: dt.date) -> dict[object, Figure]:
    ranked = _ranked(scope, measure, group, since)
    # Keep only the rows at the ranks the two statistics need (filtering on window
    # functions: Django wraps the ranked query in a subquery).
    picked = ranked.filter(
        Q(rank=(F("n") + 1) / 2) | Q(rank=(F("n") + 2) / 2) | Q(rank=(F("n") * 9 + 9) / 10)
    ).values_list("group", "rank", "n", "wait")
    by_group: dict[object, dict] = {}
    for key, rank, n, wait in picked:
        by_group.setdefault(key, {"n": n, "waits": {}})["waits"][rank] = wait
    return {key: _figure(key, found["n"], found["waits"]) for key, found in by_group.items()}


def _ranks(n: int) -> tuple[int, int, int]:
    """The ranks (from 1) of the two middle waits and of the 90th percentile's."""
    return (n + 1) // 2, (n + 2) // 2, (9 * n + 9) // 10


def _figure(key, n: int, waits: dict[int, int]) -> Figure:
    """The figure for n waits, from the waits (microseconds) at the ranks ``_ranks`` names."""
    low, high, p90 = _ranks(n)
    return Figure(
        key=key,
        count=n,
        median=dt.timedelta(microseconds=(waits[low] + waits[high]) / 2),
        p90=dt.timedelta(microseconds=waits[p90]),
    )


def _figures_by_seeking(measure: str, since: dt.date) -> dict[object, Figure]:
    """The whole programme by month, without ranking every row: count each month's referrals
    (from the index), then ask the index for the wait at each rank that matters — one query
    of scalar subqueries ``ORDER BY wait LIMIT 1 OFFSET rank - 1`` over the (month, wait)
    index. Gives exactly what the ranking in ``_figures`` gives; several times faster when a
    year holds hundreds of thousands of referrals."""
    from django.db import connection

    field = _wait_field(measure)
    counts = dict(
        Referral.objects.filter(sent_month__gte=since, **{f"{field}__isnull": False})
        .order_by()
        .values_list("sent_month")
        .annotate(n=Count("id"))
    )
    if not counts:
        return {}
    table = Referral._meta.db_table
    column = Referral._meta.get_field(field).column  # from MEASURES: never user input
    parts, params = [], []
    for month, n in counts.items():
        for rank in sorted(set(_ranks(n))):
            parts.append(
                f"SELECT %s, %s, (SELECT {column} FROM {table} "  # noqa: S608 - fixed names  # nosec B608
                f"WHERE sent_month = %s AND {column} IS NOT NULL "
                f"ORDER BY {column} LIMIT 1 OFFSET %s)"
            )
            params += [month, rank, month, rank - 1]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = cursor.fetchall()
    waits: dict[dt.date, dict[int, int]] = {}
    for month, rank, wait in found:
        month = month if isinstance(month, dt.date) else dt.date.fromisoformat(str(month))
        waits.setdefault(month, {})[int(rank)] = int(wait)
    return {month: _figure(month, n, waits[month]) for month, n in counts.items()}


def _month_start(months: int, today: dt.date) -> dt.date:
    return months_back(today, months)[0]


def by_month(
    scope: Q, *, measure: str = DEFAULT_MEASURE, months: int = 12, today: dt.date | None = None
) -> list[Figure]:
    """One figure per month (by the month the referral was sent), oldest first, with empty
    months shown as such."""
    today = today or timezone.localdate()
    since = _month_start(months, today)
    if scope == Q():
        figures = _figures_by_seeking(measure, since)
    else:
        figures = _figures(scope, measure, F("sent_month"), since)
    return [
        figures.get(month) or Figure(key=month, count=0, median=None, p90=None)
        for month in months_back(today, months)
    ]


def by_group(
    scope: Q,
    group_field: str,
    *,
    measure: str = DEFAULT_MEASURE,
    months: int = 12,
    today: dt.date | None = None,
) -> dict[object, Figure]:
    """One figure per group (``partnership_id``, ``district_id``, ``service_id``) over the
    last ``months`` months."""
    today = today or timezone.localdate()
    return _figures(scope, measure, F(group_field), _month_start(months, today))


def still_waiting(scope: Q, *, measure: str = DEFAULT_MEASURE) -> int:
    """Open referrals that have not reached the step yet."""
    field = STEP_FIELD[Status(measure)]
    return (
        Referral.objects.filter(scope, **{f"{field}__isnull": True})
        .exclude(status__in=[Status.DECLINED, Status.WITHDRAWN])
        .count()
    )


def by_groups(
    group_fields: list[str],
    *,
    measure: str = DEFAULT_MEASURE,
    months: int = 12,
    today: dt.date | None = None,
) -> dict[str, dict[object, Figure]]:
    """``by_group(Q(), field)`` for several fields at once: {field: {group id: Figure}}. On
    PostgreSQL one scan of the year: percentile_cont(0.5) is the usual median (the mean of the
    middle two) and percentile_disc(0.9) the nearest-rank 90th percentile, as ``_figure``
    works them out."""
    today = today or timezone.localdate()
    since = _month_start(months, today)
    if connection.vendor != "postgresql":
        return {f: _figures(Q(), measure, F(f), since) for f in group_fields}
    table = Referral._meta.db_table
    column = Referral._meta.get_field(_wait_field(measure)).column
    columns = [Referral._meta.get_field(f).column for f in group_fields]
    sets = ", ".join(f"({c})" for c in columns)
    sql = (
        f"SELECT {', '.join(columns)}, GROUPING({', '.join(columns)}), COUNT(*), "  # noqa: S608  # nosec B608
        f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {column}), "
        f"percentile_disc(0.9) WITHIN GROUP (ORDER BY {column}) "
        f"FROM {table} WHERE sent_month >= %s AND {column} IS NOT NULL "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [since])
        rows = cursor.fetchall()
    width = len(columns)
    out: dict[str, dict[object, Figure]] = {f: {} for f in group_fields}
    for row in rows:
        keys, grouping, n, median, p90 = (
            row[:width],
            row[width],
            row[width + 1],
            row[width + 2],
            row[width + 3],
        )
        # The one field grouped by is the one whose GROUPING bit is 0 (the last field is bit 0).
        index = next(i for i in range(width) if not grouping & (1 << (width - 1 - i)))
        out[group_fields[index]][keys[index]] = Figure(
            key=keys[index],
            count=n,
            median=dt.timedelta(microseconds=median),
            p90=dt.timedelta(microseconds=int(p90)),
        )
    return out
