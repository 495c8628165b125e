"""Tell it once: how often a service read a person's story (under consent) instead of asking
them to tell it again, and — from professionals meetings — how often a person did not have to
re-tell it, or did. By month, over the last 12 months; counts about people, so suppressed."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from petal.outcomes import charts
from petal.outcomes.dashboards import Built, Dashboard, register
from petal.outcomes.dashboards.common import (
    HEADLINES,
    MESSAGES,
    as_month,
    month_starts,
    single,
    today,
)
from petal.outcomes.tables import Column, Row, Table

SLUG = "tell-it-once"


def story_reads_by_month(since: dt.date) -> dict[dt.date, int]:
    # Counts only (the same rows petal.consent.selectors.story_reuse_total counts), by month.
    from petal.consent.models import StoryReuse

    return {
        as_month(month): n
        for month, n in StoryReuse.objects.filter(read_on__gte=since)
        .order_by()
        .annotate(month=TruncMonth("read_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    }


def retelling_by_month(since: dt.date) -> dict[dt.date, tuple[int, int]]:
    """(not re-told, re-told) by month of the meeting — as petal.meetings.selectors
    .retelling_counts counts them, split by month."""
    from petal.meetings.models import MeetingCase, Retold

    found: dict[dt.date, list[int]] = {}
    for month, no, yes in (
        MeetingCase.objects.exclude(retold="")
        .filter(meeting__starts_at__date__gte=since)
        .order_by()
        .annotate(month=TruncMonth("meeting__starts_at"))
        .values("month")
        .annotate(
            no=Count("pk", filter=Q(retold=Retold.NO)), yes=Count("pk", filter=Q(retold=Retold.YES))
        )
        .values_list("month", "no", "yes")
    ):
        counts = found.setdefault(as_month(month), [0, 0])
        counts[0] += no
        counts[1] += yes
    return {month: (no, yes) for month, (no, yes) in found.items()}


def table(day: dt.date) -> Table:
    months = month_starts(day, 12)
    reads = story_reads_by_month(months[0])
    retelling = retelling_by_month(months[0])
    return Table(
        slug="tell-it-once-by-month",
        title="Stories read instead of re-told, and re-telling in meetings, by month",
        row_header="Month",
        columns=[
            Column("Stories read instead of re-told"),
            Column("Not re-told in a meeting"),
            Column("Re-told in a meeting"),
        ],
        rows=[
            Row(
                f"{m:%B %Y}",
                [reads.get(m, 0), *retelling.get(m, (0, 0))],
                key=m.isoformat(),
            )
            for m in months
        ],
        caption="A story read counts once per reader, person and day.",
        note=(
            "‘Not re-told’ and ‘re-told’ are recorded for each person discussed at a "
            "professionals meeting."
        ),
    )


def build(actor, params) -> Built:
    t = table(today())
    return Built(
        tables=[t],
        charts={
            t.slug: charts.line_from_table(
                t, title="Stories read instead of re-told, by month", unit="stories"
            )
        },
        params={MESSAGES: []},
        caption="Tell it once, last 12 months",
    )


def headline(actor) -> Table:
    since = month_starts(today(), 12)[0]
    return single(
        "headline",
        "Stories read",
        "stories read instead of re-told in the last 12 months",
        sum(story_reads_by_month(since).values()),
    )


register(
    Dashboard(
        slug=SLUG,
        title="Tell it once",
        summary=(
            "How often people did not have to tell their story again: stories read under "
            "consent, and what professionals meetings recorded."
        ),
        build=build,
        order=30,
    )
)
HEADLINES[SLUG] = headline
