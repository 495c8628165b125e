"""The cohort dashboard counts what a plain Python reading of the rule counts, on random data,
on several days (including Fenland and East Cambridgeshire before and after their own
partnership starts), and its combinations add up."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from petal.outcomes.dashboards import cohort
from petal.outcomes.tables import Table
from petal.people.tests.factories import EpisodeFactory, PersonFactory
from petal.reference.models import AreaOfDisadvantage, District, PartnershipCoverage

FENLAND_EAST_STARTS = dt.date(2023, 4, 1)
DAYS = [
    dt.date(2023, 3, 31),
    FENLAND_EAST_STARTS,
    dt.date(2024, 2, 29),
    dt.date(2025, 7, 1),
    dt.date(2026, 1, 15),
]


def _random_people(seed: int, people: int = 70):
    rng = random.Random(seed)
    areas = list(AreaOfDisadvantage.objects.order_by("order"))
    districts = [*District.objects.order_by("code"), None]
    episodes = []
    for _ in range(people):
        person = PersonFactory(district=rng.choice(districts))
        for area in areas:
            for _ in range(rng.choice([0, 1, 1, 2])):
                start = dt.date(2022, 6, 1) + dt.timedelta(days=rng.randrange(0, 1400))
                end = (
                    None if rng.random() < 0.4 else start + dt.timedelta(days=rng.randrange(0, 500))
                )
                episodes.append(
                    EpisodeFactory(person=person, area=area, starts_on=start, ends_on=end)
                )
    return areas, episodes


def _reference(day: dt.date, areas, episodes):
    """The rule, read plainly: the areas with an episode covering the day, per person."""
    having: dict[int, set[int]] = {}
    district_of = {}
    for ep in episodes:
        district_of[ep.person_id] = ep.person.district_id
        if ep.starts_on <= day and (ep.ends_on is None or ep.ends_on >= day):
            having.setdefault(ep.person_id, set()).add(ep.area.order)
    in_cohort = {pid: orders for pid, orders in having.items() if len(orders) >= 3}
    by_district: dict = {}
    by_mask: dict = {}
    for pid, orders in in_cohort.items():
        by_district[district_of[pid]] = by_district.get(district_of[pid], 0) + 1
        mask = sum(2 ** (o - 1) for o in orders)
        by_mask[mask] = by_mask.get(mask, 0) + 1
    by_partnership: dict = {}
    for row in PartnershipCoverage.objects.select_related("partnership"):
        if (row.starts_on is None or row.starts_on <= day) and (
            row.ends_on is None or row.ends_on >= day
        ):
            by_partnership.setdefault(row.partnership.name, 0)
            by_partnership[row.partnership.name] += by_district.get(row.district_id, 0)
    return len(in_cohort), by_district, by_mask, by_partnership


def _raw(table: Table) -> dict:
    """The figures before suppression, by row label (the reference compares every one)."""
    return {row.label: row.values[0] for row in table.rows}


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_cohort_counts_equal_a_plain_python_reference(seed):
    areas, episodes = _random_people(seed)
    names = {d.pk: d.name for d in District.objects.all()}
    for day in DAYS:
        total, by_district, by_mask, by_partnership = _reference(day, areas, episodes)
        table = cohort.district_table(day)
        raw = _raw(table)
        for district_id, name in names.items():
            assert raw[name] == by_district.get(district_id, 0), (day, name)
        assert raw[cohort.NO_DISTRICT] == by_district.get(None, 0)
        for partnership, n in by_partnership.items():
            assert raw[f"All of {partnership}"] == n, (day, partnership)
        assert table._values[("total", 0)] == total
        combos = cohort.combination_table(day, cohort.area_rows())
        by_key = {row.key: row.values[0] for row in combos.rows}
        for mask, n in by_mask.items():
            assert by_key[mask] == n, (day, mask)
        assert combos._values[("total", 0)] == total
        assert cohort.on_days([day])[day] == total
        # The page's one-pass query gives the same figures as the reference too.
        one_pass = cohort.cohort_figures(day, [day, dt.date(2024, 1, 1)], cohort.area_rows())
        assert one_pass[0] == {k: v for k, v in by_district.items() if v}, day
        assert one_pass[1] == {k: v for k, v in by_mask.items() if v}, day
        assert one_pass[2][day] == total
        assert (
            one_pass[2][dt.date(2024, 1, 1)] == _reference(dt.date(2024, 1, 1), areas, episodes)[0]
        )


@pytest.mark.django_db
def test_fenland_counts_in_cambridgeshire_until_its_own_partnership_starts():
    fenland = District.objects.get(code="fenland")
    for _ in range(6):
        person = PersonFactory(district=fenland)
        for code in ("homelessness", "mental-health", "substance-misuse"):
            area = AreaOfDisadvantage.objects.get(code=code)
            EpisodeFactory(person=person, area=area, starts_on=dt.date(2022, 1, 1))
    before = _raw(cohort.district_table(FENLAND_EAST_STARTS - dt.timedelta(days=1)))
    after = _raw(cohort.district_table(FENLAND_EAST_STARTS))
    assert before["All of Cambridgeshire"] == 6
    assert "All of Fenland & East Cambridgeshire" not in before
    assert after["All of Fenland & East Cambridgeshire"] == 6
    assert after["All of Cambridgeshire"] == 0


@pytest.mark.django_db
def test_combinations_add_up_to_the_total_and_areas_to_their_combinations():
    areas, _ = _random_people(7, people=60)
    day = dt.date(2024, 6, 1)
    table = cohort.combination_table(day, cohort.area_rows())
    combos = [row for row in table.rows if row.in_total]
    assert len(combos) == 16
    total = table._values[("total", 0)]
    assert sum(row.values[0] for row in combos) == total > 0
    for row in table.rows:
        if not row.in_total:
            code = row.key.split(":")[1]
            bit = 2 ** (next(a.order for a in areas if a.code == code) - 1)
            assert row.values[0] == sum(c.values[0] for c in combos if c.key & bit)
    # Every person has at least three areas, so the area rows count each of them 3 to 5 times.
    area_sum = sum(row.values[0] for row in table.rows if not row.in_total)
    assert 3 * total <= area_sum <= 5 * total
