"""NDT distance travelled: for the people with at least two NDT assessments, their first and
latest totals, the change, and how many improved, stayed the same or got worse — by
partnership (as their district is covered today), and item by item.

A lower NDT score means less need or risk, so a fall is an improvement (each item says which
way is better: ``lower_is_better``). Averages have the number of people behind them as their
base: from fewer than 5 people an average is not shown.
"""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery

from petal.outcomes import charts
from petal.outcomes.dashboards import Built, Dashboard, register
from petal.outcomes.dashboards.common import HEADLINES, MESSAGES, single, today
from petal.outcomes.tables import MEASURE, Column, Row, Table
from petal.outcomes.tables import Table as _Table

SLUG = "ndt"
TOOL = "ndt"
NONE = "No partnership recorded"
ALL = "All partnerships"
AVERAGE = "{:,.1f}"
CHANGE = "{:+,.1f}"


def _assessments():
    from petal.outcomes.models import Assessment

    return Assessment.objects.order_by().filter(tool__slug=TOOL)


def people_with_two() -> list[tuple]:
    """(district id, first assessment id, first total, latest assessment id, latest total)
    for each person with at least two NDT assessments — one query, a row per such person."""
    return list(
        _with_two().values_list(
            "district_id", "first_id", "first_total", "latest_id", "latest_total"
        )
    )


def _with_two():
    from petal.people.models import Person

    mine = _assessments().filter(person=OuterRef("pk"), total__isnull=False)
    firsts = mine.order_by("assessed_on", "recorded_at", "pk")
    latests = mine.order_by("-assessed_on", "-recorded_at", "-pk")
    counted = (
        _assessments()
        .filter(person=OuterRef("pk"), total__isnull=False)
        .values("person")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Person.objects.order_by()
        .annotate(
            ndt_count=Subquery(counted[:1]),
            first_id=Subquery(firsts.values("pk")[:1]),
            first_total=Subquery(firsts.values("total")[:1]),
            latest_id=Subquery(latests.values("pk")[:1]),
            latest_total=Subquery(latests.values("total")[:1]),
        )
        .filter(ndt_count__gte=2)
    )


def _figures(pairs: list[tuple[int, int]], lower_is_better: bool = True) -> list:
    """[people, average first, average latest, average change, improved, same, worse]."""
    n = len(pairs)
    if not n:
        return [0, None, None, None, 0, 0, 0]
    first = sum(a for a, _ in pairs) / n
    latest = sum(b for _, b in pairs) / n
    better = sum(1 for a, b in pairs if (b < a if lower_is_better else b > a))
    same = sum(1 for a, b in pairs if a == b)
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
    groups: dict[object, list[tuple[int, int]]] = {}
    for district_id, _, first, _, latest in found:
        key = partnership_of.get(district_id)
        groups.setdefault(key, []).append((first, latest))
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
    return _Table(
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


def item_table(found: list[tuple]) -> Table:
    from petal.outcomes.models import AssessmentAnswer, AssessmentItem

    latest_of = {row[1]: row[3] for row in found}
    scores: dict[int, dict[int, int]] = {}
    # The answers of everyone's first and latest assessments, picked by subqueries (a list of
    # ids would grow with the people).
    people = _with_two()
    for assessment_id, item_id, score in (
        AssessmentAnswer.objects.filter(
            Q(assessment_id__in=people.values("first_id"))
            | Q(assessment_id__in=people.values("latest_id"))
        )
        .order_by()
        .values_list("assessment_id", "item_id", "score")
    ):
        scores.setdefault(assessment_id, {})[item_id] = score
    items = list(AssessmentItem.objects.filter(tool__slug=TOOL).order_by("order"))
    rows = []
    for item in items:
        pairs = [
            (scores[a][item.pk], scores[b][item.pk])
            for a, b in latest_of.items()
            if item.pk in scores.get(a, {}) and item.pk in scores.get(b, {})
        ]
        rows.append(Row(item.label, _figures(pairs, item.lower_is_better), key=item.code))
    return _Table(
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
    found = people_with_two()
    by_partnership = partnership_table(found)
    by_item = item_table(found)
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
    found = people_with_two()
    improved = sum(1 for _, _, first, _, latest in found if latest < first)
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
