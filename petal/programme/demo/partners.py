"""Demo contributions for the seed's partners (fictional amounts; safe to run more than once).

The seed says "Contributions total £377K, with a potential further £180K (subject to formal
agreement)": the financial contributions below add up to exactly that for 2022/23, so the public
partners page and /api/v1/contributions/summary show the seed's figures. Staff time and other
support carry no value in pounds, so they leave the totals as they are. The seed's three
milestones keep their documents missing: the seed only promises them ("to be added").
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

YEAR = 2022

# (organisation, amount)
COMMITTED = [
    ("Cambridgeshire County Council", 100_000),
    ("Peterborough City Council", 75_000),
    ("Cambridgeshire & Peterborough Combined Authority", 60_000),
    ("Cambridgeshire & Peterborough Public Health", 50_000),
    ("Office of the Police and Crime Commissioner (Cambridgeshire & Peterborough)", 40_000),
    ("Cambridge City Council", 20_000),
    ("Huntingdonshire District Council", 10_000),
    ("South Cambridgeshire District Council", 10_000),
    ("East Cambridgeshire District Council", 6_000),
    ("Fenland District Council", 6_000),
]
POTENTIAL = [
    ("Cambridgeshire & Peterborough Combined Authority", 80_000),
    ("Cambridgeshire & Peterborough Public Health", 50_000),
    ("Cambridgeshire County Council", 50_000),
]
# (organisation, status, role, fte, hours a week, start, end)
STAFFING = [
    (
        "Probation Service",
        "committed",
        "Trusted Person coordinator",
        "0.5",
        None,
        dt.date(2022, 4, 1),
        dt.date(2023, 3, 31),
    ),
    (
        "Cambridgeshire County Council",
        "committed",
        "Programme officer",
        None,
        "15",
        dt.date(2022, 6, 1),
        None,
    ),
    (
        "CGL (Change-Grow-Live)",
        "potential",
        "Trusted Person champion lead",
        None,
        "7.5",
        dt.date(2022, 10, 1),
        dt.date(2023, 3, 31),
    ),
]
# (organisation, status, description)
OTHER = [
    (
        "Housing Board for Cambridgeshire, Peterborough & West Suffolk",
        "committed",
        "Meeting rooms for the operational partnership sessions",
    ),
    (
        "SUN network",
        "committed",
        "Supports people with lived experience to take part in the Tactical Group",
    ),
    ("It Takes a City", "potential", "Hosts co-design sessions with people with lived experience"),
]


def _partner(name):
    from petal.programme.models import Partner

    return Partner.objects.filter(organisation__name=name).first()


def _add(name, **fields) -> bool:
    from petal.programme.models import Contribution

    partner = _partner(name)
    if partner is None:
        return False
    amount = fields.pop("amount", None)
    _, created = Contribution.objects.get_or_create(
        partner=partner,
        financial_year=YEAR,
        **fields,
        defaults={"amount": amount},
    )
    return created


@transaction.atomic
def load() -> str:
    from petal.programme.models import Partner

    added = 0
    for name, amount in COMMITTED:
        added += _add(name, kind="financial", status="committed", amount=amount, description="")
    for name, amount in POTENTIAL:
        added += _add(name, kind="financial", status="potential", amount=amount, description="")
    for name, status, role, fte, hours, start, end in STAFFING:
        added += _add(
            name,
            kind="staffing",
            status=status,
            role=role,
            fte=fte,
            hours_per_week=hours,
            period_start=start,
            period_end=end,
        )
    for name, status, description in OTHER:
        added += _add(name, kind="other", status=status, description=description)
    Partner.objects.filter(organisation__name="Probation Service", summary="").update(
        summary="Seconds a Trusted Person coordinator"
    )
    from petal.programme.selectors.partners import contribution_totals, pounds

    money = contribution_totals(financial_year=YEAR)["financial"]
    return (
        f"Partners' contributions for 2022/23 ({added} new): {pounds(money['committed'])} "
        f"committed and {pounds(money['potential'])} potential, with staff time and other support."
    )
