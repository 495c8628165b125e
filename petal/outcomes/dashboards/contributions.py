"""Contributions: what partners have pledged, committed and potential, by kind — the public
figures (listed partners only, as on the public partners page), from
petal.programme.selectors.partners.contribution_totals. Money and staff time, not people: not
suppressed."""

from __future__ import annotations

from decimal import Decimal

from petal.outcomes import charts
from petal.outcomes.dashboards import Built, Dashboard, register
from petal.outcomes.dashboards.common import HEADLINES, MESSAGES, choice_param, single
from petal.outcomes.tables import MEASURE, TEXT, Column, Row, Table
from petal.programme.selectors.partners import (
    contribution_totals,
    contribution_years,
    financial_year_label,
)

SLUG = "contributions"
POUNDS = "£{:,}"
KIND_ROWS = [
    ("financial", "Financial"),
    ("staffing", "Staffing (where valued)"),
    ("other", "Other support (where valued)"),
    ("total", "Total"),
]


def _number(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("", "-0") else text


def tables(year: int | None) -> list[Table]:
    totals = contribution_totals(financial_year=year, public=True)
    when = financial_year_label(year) if year else "all years"
    money = Table(
        slug="contributions-by-kind",
        title=f"Partners' contributions, {when}",
        row_header="Kind",
        columns=[
            Column("Committed", kind=MEASURE, fmt=POUNDS),
            Column("Potential", kind=MEASURE, fmt=POUNDS),
        ],
        rows=[
            Row(label, [totals[key]["committed"], totals[key]["potential"]], key=key)
            for key, label in KIND_ROWS
        ],
        totals_row=False,
        # Public figures about money, not people.
        suppressed=False,
        caption="Pledges from partners listed publicly; withdrawn pledges are left out.",
    )
    staff = Table(
        slug="staff-time",
        title=f"Staff time pledged, {when}",
        row_header="Measure",
        columns=[Column("Committed", kind=TEXT), Column("Potential", kind=TEXT)],
        rows=[
            Row(
                "Full-time equivalent",
                [_number(totals["staffing_fte"][s]) for s in ("committed", "potential")],
                key="fte",
            ),
            Row(
                "Hours a week",
                [_number(totals["staffing_hours"][s]) for s in ("committed", "potential")],
                key="hours",
            ),
        ],
        totals_row=False,
        suppressed=False,
    )
    return [money, staff]


def build(actor, params) -> Built:
    messages: list[str] = []
    years = {str(y): y for y in contribution_years()}
    chosen = choice_param(params, "year", years, "", messages, label="financial year")
    year = years.get(chosen)
    money, staff = tables(year)
    return Built(
        tables=[money, staff],
        charts={
            money.slug: charts.bars_from_table(
                money,
                title="Committed contributions by kind, in pounds",
                unit="pounds",
                rows={0, 1, 2},
            )
        },
        params={
            "year": chosen,
            "year_choices": [(key, financial_year_label(y)) for key, y in years.items()],
            MESSAGES: messages,
        },
        caption="Contributions from partners",
    )


def headline(actor) -> Table:
    committed = contribution_totals(public=True)["total"]["committed"]
    return single(
        "headline",
        "Committed",
        "committed by partners listed publicly",
        committed,
        suppressed=False,
        fmt=POUNDS,
    )


register(
    Dashboard(
        slug=SLUG,
        title="Contributions",
        summary="What partners have pledged to the programme: money, staff time and other support.",
        build=build,
        order=80,
    )
)
HEADLINES[SLUG] = headline
