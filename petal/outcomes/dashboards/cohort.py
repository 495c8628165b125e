"""The multiple-disadvantage cohort on any day: by partnership and district, by combination
of areas (the five-petal chart), and on the first of each of the last 12 months.

The rule and its expressions are petal.people.disadvantage's (three of five areas covering
the day); this module only groups and counts, in a fixed number of queries whatever the
number of partnerships, districts or days.
"""

from __future__ import annotations

import datetime as dt
from itertools import combinations

from django.db.models import Case, Count, F, IntegerField, Max, Q, Value, When

from petal.outcomes import charts
from petal.outcomes.dashboards import Built, Dashboard, register
from petal.outcomes.dashboards.common import (
    HEADLINES,
    MESSAGES,
    date_param,
    month_starts,
    single,
    today,
)
from petal.outcomes.tables import Column, Row, Table
from petal.people.disadvantage import THRESHOLD, area_rows, cohort_ids, covering, with_areas_on

SLUG = "cohort"
NO_DISTRICT = "No district recorded"
NO_PARTNERSHIP = "No partnership on this day"
COUNT_LABEL = "People in the cohort"


def _people():
    # Counts only: no person leaves this module, so every person counts (as on the programme's
    # own figures), and the tables suppress small numbers.
    from petal.people.models import Person

    return Person.objects.order_by()


def by_district(day: dt.date) -> dict[int | None, int]:
    """How many people meet the rule on the day, by their district (None: not recorded)."""
    return dict(
        _people()
        .filter(pk__in=cohort_ids(day))
        .values("district_id")
        .annotate(n=Count("pk"))
        .values_list("district_id", "n")
    )


def by_mask(day: dt.date, areas) -> dict[int, int]:
    """How many people meet the rule on the day, by which areas apply (a bit per area)."""
    cohort = _people().filter(pk__in=cohort_ids(day))
    return dict(
        with_areas_on(cohort, day, areas)
        .values("areas_mask")
        .annotate(n=Count("pk"))
        .values_list("areas_mask", "n")
    )


def on_days(days: list[dt.date]) -> dict[dt.date, int]:
    """The cohort's size on each day, in one query."""
    found = _people().aggregate(
        **{f"d{i}": Count("pk", filter=Q(pk__in=cohort_ids(day))) for i, day in enumerate(days)}
    )
    return {day: found[f"d{i}"] or 0 for i, day in enumerate(days)}


def cohort_figures(day: dt.date, days: list[dt.date], areas=None):
    """(by district, by mask, size on each day) — one query: per person, how many areas
    cover each day and which cover ``day``, then counted over people."""
    from petal.people.models import NeedEpisode
    from petal.reference.models import District

    areas = areas or area_rows()
    every = [day, *days]
    first, last = min(every), max(every)
    flags = {
        f"m{a['order']}": Max(
            Case(
                When(covering(day), area_id=a["pk"], then=Value(2 ** (a["order"] - 1))),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        for a in areas
    }
    per_person = (
        NeedEpisode.objects.filter(starts_on__lte=last)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
        .order_by()
        .values("person_id", "person__district_id")
        .annotate(
            **{
                f"a{i}": Count("area_id", distinct=True, filter=covering(d))
                for i, d in enumerate(every)
            },
            **flags,
        )
    )
    masks = [
        sum(2 ** (a["order"] - 1) for a in chosen)
        for size in range(THRESHOLD, len(areas) + 1)
        for chosen in combinations(areas, size)
    ]
    mask_expr = sum((F(f"m{a['order']}") for a in areas[1:]), F(f"m{areas[0]['order']}"))
    districts = list(District.objects.values_list("pk", flat=True)) + [None]
    per_person = per_person.annotate(mask=mask_expr)
    found = per_person.aggregate(
        **{
            f"d{i}": Count("person_id", filter=Q(**{f"a{i}__gte": THRESHOLD}))
            for i in range(len(every))
        },
        **{f"k{m}": Count("person_id", filter=Q(a0__gte=THRESHOLD, mask=m)) for m in masks},
        **{
            f"p{d or 0}": Count(
                "person_id",
                filter=Q(a0__gte=THRESHOLD)
                & (Q(person__district_id=d) if d else Q(person__district_id__isnull=True)),
            )
            for d in districts
        },
    )
    by_district = {d: found[f"p{d or 0}"] for d in districts if found[f"p{d or 0}"]}
    by_mask = {m: found[f"k{m}"] for m in masks if found[f"k{m}"]}
    sizes = {d: found[f"d{i + 1}"] for i, d in enumerate(days)}
    return by_district, by_mask, sizes


# --- tables -------------------------------------------------------------------------------------


def district_table(day: dt.date, counts: dict | None = None) -> Table:
    """Districts in sections by the partnership covering them on the day, each section with
    the partnership's own figure (an extra line, so a partnership's figure and its districts'
    figures are suppressed together and cannot be differenced)."""
    from petal.reference.selectors import coverage_on, districts

    counts = by_district(day) if counts is None else counts
    covered: dict[int, object] = {}
    for row in coverage_on(day).order_by("partnership__name", "district__name"):
        covered.setdefault(row.district_id, row.partnership)
    partnerships = {}
    for partnership in covered.values():
        partnerships.setdefault(partnership.pk, partnership)
    rows: list[Row] = []
    lines: list[list[tuple]] = []
    all_districts = list(districts())
    for partnership in sorted(partnerships.values(), key=lambda p: p.name):
        members = []
        for district in all_districts:
            partnership_of = covered.get(district.pk)
            if partnership_of is not None and partnership_of.pk == partnership.pk:
                members.append(len(rows))
                rows.append(
                    Row(
                        district.name,
                        [counts.get(district.pk, 0)],
                        section=partnership.name,
                        key=f"district:{district.code}",
                    )
                )
        subtotal = sum(rows[r].values[0] for r in members)
        lines.append([(r, 0) for r in members] + [(len(rows), 0)])
        rows.append(
            Row(
                f"All of {partnership.name}",
                [subtotal],
                in_total=False,
                section=partnership.name,
                key=f"partnership:{partnership.slug}",
            )
        )
    for district in all_districts:
        if district.pk not in covered:
            rows.append(
                Row(
                    district.name,
                    [counts.get(district.pk, 0)],
                    section=NO_PARTNERSHIP,
                    key=f"district:{district.code}",
                )
            )
    rows.append(Row(NO_DISTRICT, [counts.get(None, 0)], section="Not known", key="district:"))
    # The partnerships' own figures (with the districts no partnership covers and the people
    # with no district) add up to the total too: a line of its own, so that a partnership
    # hidden among them cannot be worked out from the total and the other partnerships.
    top_level = [line[-1] for line in lines] + [
        (r, 0) for r, row in enumerate(rows) if row.section in (NO_PARTNERSHIP, "Not known")
    ]
    lines.append([*top_level, ("total", 0)])
    return Table(
        slug="by-partnership",
        title=f"People in the cohort on {day:%-d %B %Y}, by partnership and district",
        row_header="District",
        columns=[Column(COUNT_LABEL)],
        rows=rows,
        extra_lines=lines,
        caption="Each district is counted in the partnership that covered it on the day.",
        note=(
            "Districts are where each person lives now. Fenland and East Cambridgeshire "
            "count in Cambridgeshire before the Fenland & East Cambridgeshire partnership "
            "starts."
        ),
    )


def _combinations(areas) -> list[tuple[int, list[dict]]]:
    """Every combination of three or more of the areas, as (mask, areas), fewest areas first."""
    out = []
    for size in range(THRESHOLD, len(areas) + 1):
        for chosen in combinations(areas, size):
            out.append((sum(2 ** (a["order"] - 1) for a in chosen), list(chosen)))
    return out


SIZE_WORDS = {3: "Three areas", 4: "Four areas", 5: "All five areas"}


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def combination_table(day: dt.date, areas, counts: dict | None = None) -> Table:
    """Which three, four or five areas apply, and — as rows outside the total — how many people
    have each area: each area's row is the sum of the combinations including it (extra lines),
    so no hidden combination can be recovered from it."""
    counts = by_mask(day, areas) if counts is None else counts
    rows: list[Row] = []
    for mask, chosen in _combinations(areas):
        names = [a["name"] for a in chosen]
        rows.append(
            Row(
                _and(names),
                [counts.get(mask, 0)],
                section=SIZE_WORDS.get(len(chosen), f"{len(chosen)} areas"),
                key=mask,
            )
        )
    combos = len(rows)
    lines = []
    for area in areas:
        bit = 2 ** (area["order"] - 1)
        members = [r for r in range(combos) if rows[r].key & bit]
        lines.append([(r, 0) for r in members] + [(len(rows), 0)])
        rows.append(
            Row(
                f"With {area['name'].lower()}",
                [sum(rows[r].values[0] for r in members)],
                in_total=False,
                section="People with each area (each person counts in every area they have)",
                key=f"area:{area['code']}",
            )
        )
    return Table(
        slug="combinations",
        title=f"Which areas apply, on {day:%-d %B %Y}",
        row_header="Areas",
        columns=[Column(COUNT_LABEL)],
        rows=rows,
        extra_lines=lines,
        caption="Each person is counted once, in the combination of areas that applies to them.",
    )


def trend_table(day: dt.date, sizes: dict | None = None) -> Table:
    days = month_starts(day, 12)
    sizes = on_days(days) if sizes is None else sizes
    return Table(
        slug="over-time",
        title="People in the cohort on the first of each month",
        row_header="Day",
        columns=[Column(COUNT_LABEL)],
        rows=[Row(f"{d:%-d %B %Y}", [sizes[d]], key=d.isoformat()) for d in days],
        totals_row=False,
    )


def build(actor, params) -> Built:
    messages: list[str] = []
    day = date_param(params, "on", messages, label="date")
    areas = area_rows()
    # Every figure from one pass over the episodes (the three-of-five rule per person for the
    # day and the first of each of the last 12 months, and which areas apply on the day).
    by_d, by_m, sizes = cohort_figures(day, month_starts(day, 12), areas)
    districts = district_table(day, by_d)
    combos = combination_table(day, areas, by_m)
    trend = trend_table(day, sizes)
    return Built(
        tables=[districts, combos, trend],
        charts={
            combos.slug: charts.flower_from_table(combos, areas),
            trend.slug: charts.line_from_table(
                trend,
                title="People in the cohort on the first of each month",
                unit="people",
            ),
        },
        params={"on": day.isoformat(), MESSAGES: messages},
        caption=f"People facing multiple disadvantage on {day:%-d %B %Y}",
    )


def headline(actor) -> Table:
    day = today()
    return single(
        "headline",
        "In the cohort today",
        f"people in the cohort on {day:%-d %B %Y}",
        on_days([day])[day],
    )


register(
    Dashboard(
        slug=SLUG,
        title="Multiple-disadvantage cohort",
        summary=(
            "How many people face three or more of the five areas on any day, by partnership "
            "and district, which areas, and how the number has changed."
        ),
        build=build,
        order=10,
    )
)
HEADLINES[SLUG] = headline
