"""Champions and the network, by month: champions approved, questions and answers in the
Champion Network, events held and who came — and requests for a champion's support.

Network activity is public or system activity (a question, an answer, an event), read by
every champion, so it is not suppressed. A request for support may be about a person, so its
counts are a separate, suppressed table.
"""

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
    next_month,
    single,
    today,
)
from petal.outcomes.tables import Column, Row, Table

SLUG = "champions"


def _monthly(queryset, field: str, since: dt.date, until: dt.date, **counts) -> dict:
    """{month: {name: count}} for a queryset grouped by the month of ``field``."""
    counts = counts or {"n": Count("pk")}
    out: dict[dt.date, dict[str, int]] = {}
    rows = (
        queryset.filter(**{f"{field}__date__gte": since, f"{field}__date__lt": until})
        .order_by()
        .annotate(month=TruncMonth(field))
        .values("month")
        .annotate(**counts)
    )
    for row in rows:
        found = out.setdefault(as_month(row["month"]), {})
        for name in counts:
            found[name] = found.get(name, 0) + (row[name] or 0)
    return out


def network_table(day: dt.date) -> Table:
    from petal.champions.models import (
        Answer,
        Champion,
        ChampionStatus,
        Event,
        EventStatus,
        PostStatus,
        Question,
        Registration,
    )

    months = month_starts(day, 12)
    since, until = months[0], next_month(months[-1])
    approved = _monthly(
        Champion.objects.filter(status=ChampionStatus.APPROVED, decided_at__isnull=False),
        "decided_at",
        since,
        until,
    )
    questions = _monthly(
        Question.objects.filter(status=PostStatus.VISIBLE), "created_at", since, until
    )
    answers = _monthly(Answer.objects.filter(status=PostStatus.VISIBLE), "created_at", since, until)
    events = _monthly(Event.objects.filter(status=EventStatus.PUBLISHED), "starts_at", since, until)
    came = _monthly(
        Registration.objects.filter(event__status=EventStatus.PUBLISHED, cancelled_at__isnull=True),
        "event__starts_at",
        since,
        until,
        booked=Count("pk"),
        attended=Count("pk", filter=Q(attended=True)),
    )
    rows = []
    for m in months:
        rows.append(
            Row(
                f"{m:%B %Y}",
                [
                    approved.get(m, {}).get("n", 0),
                    questions.get(m, {}).get("n", 0),
                    answers.get(m, {}).get("n", 0),
                    events.get(m, {}).get("n", 0),
                    came.get(m, {}).get("booked", 0),
                    came.get(m, {}).get("attended", 0),
                ],
                key=m.isoformat(),
            )
        )
    return Table(
        slug="network-by-month",
        title="Champions and network activity, by month",
        row_header="Month",
        columns=[
            Column("Champions approved"),
            Column("Network questions"),
            Column("Answers"),
            Column("Events held"),
            Column("Places booked"),
            Column("Attended"),
        ],
        rows=rows,
        # Public and system activity, seen by every champion: see the module's docstring.
        suppressed=False,
        note=(
            "Questions, answers and events are seen by every champion, so small numbers are "
            "shown. Attendance counts only where the organiser recorded it."
        ),
    )


def requests_table(day: dt.date) -> Table:
    from petal.champions.models import ConnectionKind, SupportConnection

    months = month_starts(day, 12)
    since, until = months[0], next_month(months[-1])
    kinds = list(ConnectionKind)
    found = _monthly(
        SupportConnection.objects.all(),
        "created_at",
        since,
        until,
        **{kind.value: Count("pk", filter=Q(kind=kind.value)) for kind in kinds},
    )
    return Table(
        slug="support-requests-by-month",
        title="Requests to champions, by month",
        row_header="Month",
        columns=[Column(kind.label) for kind in kinds],
        rows=[
            Row(f"{m:%B %Y}", [found.get(m, {}).get(k.value, 0) for k in kinds], key=m.isoformat())
            for m in months
        ],
        totals_column=True,
        note="A request may be about a person, so these counts are suppressed.",
    )


def build(actor, params) -> Built:
    day = today()
    network = network_table(day)
    requests = requests_table(day)
    return Built(
        tables=[network, requests],
        charts={
            network.slug: charts.line_from_table(
                network, title="Network questions each month", unit="questions", column=1
            )
        },
        params={MESSAGES: []},
        caption="Champions and the Champion Network, last 12 months",
    )


def headline(actor) -> Table:
    from petal.champions.models import Champion, ChampionStatus

    n = Champion.objects.filter(status=ChampionStatus.APPROVED, withdrawn_at__isnull=True).count()
    return single("headline", "Champions", "champions approved and active now", n, suppressed=False)


register(
    Dashboard(
        slug=SLUG,
        title="Champions and network",
        summary=(
            "Champions approved, questions and answers in the network, events and attendance, "
            "and requests for a champion's support."
        ),
        build=build,
        order=50,
    )
)
HEADLINES[SLUG] = headline
