"""NDT distance travelled: for the people with at least two NDT assessments, their first and
latest totals, the change, and how many improved, stayed the same or got worse — by
partnership (as their district is covered today), and item by item.

A lower NDT score means less need or risk, so a fall is an improvement (each item says which
way is better: ``lower_is_better``). Averages have the number of people behind them as their
base: from fewer than 5 people an average is not shown.
"""

from __future__ import annotations

from petal.outcomes import charts
from petal.outcomes.dashboards import Built, Dashboard, register
from petal.outcomes.dashboards.common import HEADLINES, MESSAGES, single, today
from petal.outcomes.tables import MEASURE, Column, Row, Table

SLUG = "ndt"
TOOL = "ndt"
NONE = "No partnership recorded"
ALL = "All partnerships"
AVERAGE = "{:,.1f}"
CHANGE = "{:+,.1f}"


# Each person's first and latest NDT assessment, picked by a window over the assessments in
# one pass, counted in the database by (district, first total, latest total) and by (item,
# first score, latest score): a few thousand rows at 100,000 people, never a row per person.
PAIRS = """
WITH ranked AS (
  SELECT a.id, a.person_id, a.total,
         ROW_NUMBER() OVER (PARTITION BY a.person_id
                            ORDER BY a.assessed_on, a.recorded_at, a.id) AS first_rank,
         ROW_NUMBER() OVER (PARTITION BY a.person_id
                            ORDER BY a.assessed_on DESC, a.recorded_at DESC, a.id DESC) AS latest_rank,
         COUNT(*) OVER (PARTITION BY a.person_id) AS n
  FROM {assessment} a
  WHERE a.tool_id = %s AND a.total IS NOT NULL
), pairs AS (
  SELECT f.person_id, f.id AS first_id, f.total AS first_total,
         l.id AS latest_id, l.total AS latest_total
  FROM ranked f JOIN ranked l ON l.person_id = f.person_id AND l.latest_rank = 1
  WHERE f.first_rank = 1 AND f.n >= 2
)
"""
BY_DISTRICT = (
    PAIRS  # nosec B608 - table names are quoted model tables; values are %s parameters
    + """
SELECT p.district_id, pairs.first_total, pairs.latest_total, COUNT(*)
FROM pairs JOIN {person} p ON p.id = pairs.person_id
GROUP BY p.district_id, pairs.first_total, pairs.latest_total
"""
)
BY_ITEM = (
    PAIRS  # nosec B608 - table names are quoted model tables; values are %s parameters
    + """
SELECT f.item_id, f.score, l.score, COUNT(*)
FROM pairs
JOIN {answer} f ON f.assessment_id = pairs.first_id
JOIN {answer} l ON l.assessment_id = pairs.latest_id AND l.item_id = f.item_id
GROUP BY f.item_id, f.score, l.score
"""
)


def _read(sql: str) -> list[tuple]:
    from django.db import connection

    from petal.outcomes.models import Assessment, AssessmentAnswer, AssessmentTool
    from petal.people.models import Person

    tool = AssessmentTool.objects.filter(slug="ndt").values_list("pk", flat=True).first()
    if tool is None:
        return []
    names = {
        "assessment": connection.ops.quote_name(Assessment._meta.db_table),
        "answer": connection.ops.quote_name(AssessmentAnswer._meta.db_table),
        "person": connection.ops.quote_name(Person._meta.db_table),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**names), [tool])  # fixed names, never user input
        return cursor.fetchall()


def pairs_by_district() -> list[tuple]:
    """(district id, first total, latest total, people) for the people with two or more."""
    return _read(BY_DISTRICT)


def pairs_by_item() -> list[tuple]:
    """(item id, first score, latest score, people)."""
    return _read(BY_ITEM)


def _figures(pairs, lower_is_better: bool = True) -> list:
    """[people, average first, average latest, average change, improved, same, worse] from
    (first, latest, how many) triples."""
    n = sum(k for _, _, k in pairs)
    if not n:
        return [0, None, None, None, 0, 0, 0]
    first = sum(a * k for a, _, k in pairs) / n
    latest = sum(b * k for _, b, k in pairs) / n
    better = sum(k for a, b, k in pairs if (b < a if lower_is_better else b > a))
    same = sum(k for a, b, k in pairs if a == b)
    return [
        n,
        round(first, 1),
        round(latest, 1),
        round(latest - first, 1),
        better,
        same,
        n - better - same,
    ]


COLUMNS = [
    Column("People assessed at least twice"),
    Column("Average first", kind=MEASURE, base=0, fmt=AVERAGE),
    Column("Average latest", kind=MEASURE, base=0, fmt=AVERAGE),
    Column("Average change", kind=MEASURE, base=0, fmt=CHANGE),
    Column("Improved"),
    Column("No change"),
    Column("Worse"),
]
COUNTS = (0, 4, 5, 6)


def _lines(part_rows: list[int], all_row: int | None, rows: int) -> list[list[tuple]]:
    """Improved + no change + worse = people, in every row; and the partnerships' rows add up
    to the row for all of them."""
    lines = [[(r, 4), (r, 5), (r, 6), (r, 0)] for r in range(rows)]
    if all_row is not None:
        for c in COUNTS:
            lines.append([(r, c) for r in part_rows] + [(all_row, c)])
    return lines


def partnership_table(found: list[tuple]) -> Table:
    from petal.reference.selectors import coverage_on, partnerships

    day = today()
    partnership_of = {row.district_id: row.partnership_id for row in coverage_on(day)}
    groups: dict[object, list[tuple[int, int, int]]] = {}
    for district_id, first, latest, people in found:
        key = partnership_of.get(district_id)
        groups.setdefault(key, []).append((first, latest, people))
    rows = [Row(p.name, _figures(groups.get(p.pk, [])), key=p.slug) for p in partnerships()]
    if groups.get(None):
        rows.append(Row(NONE, _figures(groups[None]), key=""))
    part_rows = list(range(len(rows)))
    rows.append(
        Row(
            ALL,
            _figures([pair for pairs in groups.values() for pair in pairs]),
            in_total=False,
            key="all",
        )
    )
    return Table(
        slug="ndt-by-partnership",
        title="NDT total score, first and latest, by partnership",
        row_header="Partnership",
        columns=list(COLUMNS),
        rows=rows,
        totals_row=False,
        extra_lines=_lines(part_rows, len(rows) - 1, len(rows)),
        caption="People with at least two NDT assessments; totals from 0 to 48, lower is better.",
        note="An average from fewer than 5 people is not shown.",
    )


def item_table() -> Table:
    from petal.outcomes.models import AssessmentItem

    by_item: dict[int, list[tuple[int, int, int]]] = {}
    for item_id, first, latest, people in pairs_by_item():
        by_item.setdefault(item_id, []).append((first, latest, people))
    items = list(AssessmentItem.objects.filter(tool__slug=TOOL).order_by("order"))
    rows = [
        Row(item.label, _figures(by_item.get(item.pk, []), item.lower_is_better), key=item.code)
        for item in items
    ]
    return Table(
        slug="ndt-by-item",
        title="NDT scores item by item, first and latest",
        row_header="Item",
        columns=[Column("People with both scores"), *COLUMNS[1:]],
        rows=rows,
        totals_row=False,
        extra_lines=_lines([], None, len(rows)),
        caption="Each item scored 0 to 4 (the two risk items 0 to 8); lower is better.",
        note="An average from fewer than 5 people is not shown.",
    )


def build(actor, params) -> Built:
    by_partnership = partnership_table(pairs_by_district())
    by_item = item_table()
    return Built(
        tables=[by_partnership, by_item],
        charts={
            by_item.slug: charts.bars_from_table(
                by_item, title="Average change in each NDT item", unit="points", column=3
            )
        },
        params={MESSAGES: []},
        caption="Distance travelled: the New Directions Team (NDT) assessment",
    )


def headline(actor) -> Table:
    improved = sum(people for _, first, latest, people in pairs_by_district() if latest < first)
    return single(
        "headline",
        "Improved",
        "people whose NDT total improved since their first assessment",
        improved,
    )


register(
    Dashboard(
        slug=SLUG,
        title="NDT distance travelled",
        summary=(
            "How people's New Directions Team (NDT) scores changed between their first and "
            "latest assessments."
        ),
        build=build,
        order=60,
    )
)
HEADLINES[SLUG] = headline
