"""The multiple-disadvantage rule, in one place, answered in the database.

A person is multiply disadvantaged on a day when at least three of the five areas have an
episode covering that day: started on or before it, and not ended before it (an episode that
ends on the day still covers it; an open episode covers every day from its start).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

THRESHOLD = 3


def area_rows() -> list[dict]:
    """The five areas as plain rows (pk, code, name, order), for building expressions."""
    from petal.reference.models import AreaOfDisadvantage

    return list(AreaOfDisadvantage.objects.order_by("order").values("pk", "code", "name", "order"))


def covering(day: dt.date) -> Q:
    """Episodes that cover a day."""
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def with_areas_on(people: QuerySet, day: dt.date, areas=None) -> QuerySet:
    """Annotate each person with ``areas_on`` (how many of the five areas apply on the day)
    and ``areas_mask`` (which ones: bit ``2**(order-1)`` for each area)."""
    from petal.people.models import NeedEpisode

    areas = areas or area_rows()
    flags = {}
    for area in areas:
        flags[f"area_{area['order']}"] = Exists(
            NeedEpisode.objects.filter(covering(day), person=OuterRef("pk"), area_id=area["pk"])
        )
    people = people.annotate(**flags)
    count = Value(0, output_field=IntegerField())
    mask = Value(0, output_field=IntegerField())
    for area in areas:
        flag = f"area_{area['order']}"
        count = count + Case(When(**{flag: True}, then=Value(1)), default=Value(0))
        bit = 2 ** (area["order"] - 1)
        mask = mask + Case(When(**{flag: True}, then=Value(bit)), default=Value(0))
    return people.annotate(areas_on=count, areas_mask=mask)


def cohort_ids(day: dt.date) -> QuerySet:
    """The ids of everyone who meets the rule on the day: episodes covering the day, grouped
    by person, with at least THRESHOLD distinct areas (a subquery, never fetched)."""
    from petal.people.models import NeedEpisode

    return (
        NeedEpisode.objects.filter(covering(day))
        .values("person_id")
        .annotate(areas=Count("area_id", distinct=True))
        .filter(areas__gte=THRESHOLD)
        .values("person_id")
    )


def multiply_disadvantaged_on(people: QuerySet, day: dt.date) -> QuerySet:
    """The people (of those given) who meet the three-of-five rule on the day."""
    return people.filter(pk__in=cohort_ids(day))


def cohort_by_partnership(day: dt.date, people: QuerySet | None = None) -> dict[str, int]:
    """How many people meet the rule on the day, by the partnership covering their district
    on that day — one query."""
    from petal.people.models import Person
    from petal.reference.selectors import coverage_on

    base = people if people is not None else Person.objects.all()
    partnership = Subquery(
        coverage_on(day).filter(district_id=OuterRef("district_id")).values("partnership__name")[:1]
    )
    return {
        row["partnership"] or "No partnership recorded": row["n"]
        for row in multiply_disadvantaged_on(base.order_by(), day)
        .annotate(partnership=partnership)
        .values("partnership")
        .annotate(n=Count("pk"))
        .order_by()
    }


def areas_in_mask(mask: int, areas=None) -> list[str]:
    areas = areas or area_rows()
    return [a["name"] for a in areas if mask & 2 ** (a["order"] - 1)]


@dataclass
class Cohort:
    day: dt.date
    total: int
    by_partnership: dict[str, int] = field(default_factory=dict)
    by_district: dict[str, int] = field(default_factory=dict)
    combinations: dict[tuple[str, ...], int] = field(default_factory=dict)


def cohort_on(day: dt.date, people: QuerySet | None = None) -> Cohort:
    """How many people meet the rule on the day, by partnership and district (as districts
    mapped to partnerships on that day), and which combinations of areas — all counted in the
    database. ``people`` narrows the population (it must already be access-filtered)."""
    from petal.people.models import Person

    areas = area_rows()
    base = people if people is not None else Person.objects.all()
    cohort = multiply_disadvantaged_on(base.order_by(), day)
    by_district = {
        row["district__name"] or "No district recorded": row["n"]
        for row in cohort.values("district__name").annotate(n=Count("pk")).order_by()
    }
    combinations = {
        tuple(areas_in_mask(row["areas_mask"], areas)): row["n"]
        for row in with_areas_on(cohort, day, areas)
        .values("areas_mask")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return Cohort(
        day=day,
        total=sum(by_district.values()),
        by_partnership=cohort_by_partnership(day, base),
        by_district=by_district,
        combinations=combinations,
    )
