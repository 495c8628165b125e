"""Barriers at each governance level: how many sit there in each state, and how long each
level takes to decide — from petal.barriers.selectors.governance.

Not suppressed: a barrier is about the system, not a person (the person a barrier may link to
is never counted or named here), and every worker already reads every barrier and these same
figures on the governance pages (``barriers.view``), so hiding small numbers here would hide
nothing anyone cannot already see.
"""

from __future__ import annotations

from django.db.models import Count

from petal.barriers.selectors.governance import level_counts, waits_by_level
from petal.outcomes import charts
from petal.outcomes.dashboards import Built, Dashboard, register
from petal.outcomes.dashboards.common import HEADLINES, MESSAGES, single
from petal.outcomes.tables import MEASURE, Column, Row, Table

SLUG = "barriers"
NOTE = (
    "Barriers are about the system, not a person, and every worker can already read them, so "
    "small numbers are shown here."
)


def _decisions():
    from petal.barriers.models import Decision

    return Decision.objects.order_by()


def status_table() -> Table:
    from petal.barriers.models import Status

    levels = level_counts()
    statuses = [s for s in Status if s != Status.MERGED]
    return Table(
        slug="barriers-by-level",
        title="Barriers at each governance level",
        row_header="Level",
        columns=[Column(s.label) for s in statuses],
        rows=[
            Row(level.name, [counts.get(s.value, 0) for s in statuses], key=level.slug)
            for level, counts in levels
        ],
        totals_column=True,
        # Barriers are not people: see the module's docstring.
        suppressed=False,
        note=NOTE,
        caption="Where each barrier sits now, and its state. Merged barriers are left out.",
    )


def waits_table() -> Table:
    from petal.reference.selectors import governance_levels

    waits = waits_by_level(_decisions())
    decided = dict(
        _decisions().values("level_id").annotate(n=Count("pk")).values_list("level_id", "n")
    )
    rows = []
    for level in governance_levels():
        average, longest = waits.get(level.pk, (None, None))
        rows.append(
            Row(
                level.name,
                [
                    decided.get(level.pk, 0),
                    None if average is None else round(average, 1),
                    longest,
                ],
                key=level.slug,
            )
        )
    return Table(
        slug="barrier-waits",
        title="How long each level takes to decide",
        row_header="Level",
        columns=[
            Column("Decisions recorded"),
            Column("Average days to a first decision", kind=MEASURE, fmt="{:,.1f}"),
            Column("Longest wait, days", kind=MEASURE, fmt="{:,}"),
        ],
        rows=rows,
        totals_row=True,
        # Barriers are not people: see the module's docstring.
        suppressed=False,
        note=(
            "From the day a barrier reached the level (raised there, or escalated to it) to "
            "its first decision there. " + NOTE
        ),
    )


def build(actor, params) -> Built:
    status = status_table()
    waits = waits_table()
    return Built(
        tables=[status, waits],
        charts={
            status.slug: charts.bars_from_table(
                status, title="Barriers at each level", unit="barriers", column="total"
            ),
            waits.slug: charts.bars_from_table(
                waits, title="Average days to a first decision, by level", unit="days", column=1
            ),
        },
        params={MESSAGES: []},
        caption="Barriers and the governance ladder",
    )


def headline(actor) -> Table:
    from petal.barriers.models import Status

    open_now = sum(counts.get(Status.OPEN.value, 0) for _, counts in level_counts())
    return single(
        "headline", "Waiting", "barriers waiting for a decision", open_now, suppressed=False
    )


register(
    Dashboard(
        slug=SLUG,
        title="Barriers and governance",
        summary="Barriers at each governance level and how long each level takes to decide.",
        build=build,
        order=40,
    )
)
HEADLINES[SLUG] = headline
