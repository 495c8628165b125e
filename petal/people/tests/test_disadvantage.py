"""The three-of-five rule, at the edges of episodes, and for a whole cohort in the database."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petal.people.disadvantage import cohort_on, multiply_disadvantaged_on, with_areas_on
from petal.people.models import NeedEpisode, Person
from petal.people.tests.factories import EpisodeFactory, PersonFactory
from petal.reference.models import AreaOfDisadvantage, District

pytestmark = pytest.mark.django_db

D = dt.date


def _areas():
    return list(AreaOfDisadvantage.objects.order_by("order"))


def _meets(person, day):
    return multiply_disadvantaged_on(Person.objects.filter(pk=person.pk), day).exists()


def test_three_areas_covering_the_day_meet_the_rule_two_do_not():
    person = PersonFactory()
    areas = _areas()
    EpisodeFactory(person=person, area=areas[0], starts_on=D(2026, 1, 1))
    EpisodeFactory(person=person, area=areas[1], starts_on=D(2026, 1, 1))
    assert not _meets(person, D(2026, 6, 1))
    EpisodeFactory(person=person, area=areas[2], starts_on=D(2026, 1, 1))
    assert _meets(person, D(2026, 6, 1))


def test_episode_covers_its_start_day_and_its_end_day_but_not_the_days_outside():
    person = PersonFactory()
    areas = _areas()
    EpisodeFactory(person=person, area=areas[0], starts_on=D(2025, 1, 1))
    EpisodeFactory(person=person, area=areas[1], starts_on=D(2025, 1, 1))
    EpisodeFactory(person=person, area=areas[2], starts_on=D(2026, 3, 10), ends_on=D(2026, 3, 20))
    assert not _meets(person, D(2026, 3, 9))
    assert _meets(person, D(2026, 3, 10))
    assert _meets(person, D(2026, 3, 20))
    assert not _meets(person, D(2026, 3, 21))


def test_open_ended_episodes_cover_every_later_day():
    person = PersonFactory()
    for area in _areas()[:3]:
        EpisodeFactory(person=person, area=area, starts_on=D(2020, 2, 29))
    assert _meets(person, D(2020, 2, 29))
    assert _meets(person, D(2040, 1, 1))
    assert not _meets(person, D(2020, 2, 28))


def test_two_episodes_of_the_same_area_count_once():
    person = PersonFactory()
    areas = _areas()
    EpisodeFactory(person=person, area=areas[0], starts_on=D(2026, 1, 1))
    EpisodeFactory(person=person, area=areas[0], starts_on=D(2026, 2, 1))
    EpisodeFactory(person=person, area=areas[1], starts_on=D(2026, 1, 1))
    row = with_areas_on(Person.objects.filter(pk=person.pk), D(2026, 3, 1)).get()
    assert row.areas_on == 2
    assert not _meets(person, D(2026, 3, 1))


def test_cohort_counts_by_partnership_district_and_combination_use_the_day():
    areas = _areas()
    fenland = District.objects.get(code="fenland")
    cambridge = District.objects.get(code="cambridge")
    a = PersonFactory(district=fenland)
    b = PersonFactory(district=cambridge)
    c = PersonFactory(district=cambridge)  # only two areas: not in the cohort
    for person in (a, b):
        for area in areas[:3]:
            EpisodeFactory(person=person, area=area, starts_on=D(2022, 1, 1))
    EpisodeFactory(person=b, area=areas[4], starts_on=D(2022, 1, 1))
    for area in areas[:2]:
        EpisodeFactory(person=c, area=area, starts_on=D(2022, 1, 1))

    before = cohort_on(D(2023, 3, 1))  # Fenland still with Cambridgeshire
    assert before.total == 2
    assert before.by_partnership == {"Cambridgeshire": 2}
    after = cohort_on(D(2023, 4, 1))
    assert after.by_partnership == {"Cambridgeshire": 1, "Fenland & East Cambridgeshire": 1}
    assert after.by_district == {"Fenland": 1, "Cambridge": 1}
    first_three = tuple(a.name for a in areas[:3])
    assert after.combinations == {
        first_three: 1,
        (*first_three, areas[4].name): 1,
    }


# --- property: the database agrees with a plain Python reading of the rule -------------

DAY0 = D(2024, 1, 1)
episode = st.tuples(
    st.integers(0, 4),  # area index
    st.integers(0, 60),  # start, in days after DAY0
    st.one_of(st.none(), st.integers(0, 30)),  # length in days, or open
)
population = st.lists(st.lists(episode, max_size=6), min_size=1, max_size=8)


def _python_count(people_episodes, day):
    count = 0
    for episodes in people_episodes:
        areas = set()
        for area, start, length in episodes:
            starts = DAY0 + dt.timedelta(days=start)
            ends = None if length is None else starts + dt.timedelta(days=length)
            if starts <= day and (ends is None or ends >= day):
                areas.add(area)
        count += len(areas) >= 3
    return count


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people_episodes=population, offset=st.integers(0, 90))
def test_database_cohort_count_matches_a_python_reference(people_episodes, offset):
    NeedEpisode.objects.all().delete()
    Person.objects.all().delete()
    areas = _areas()
    for episodes in people_episodes:
        person = PersonFactory()
        for area, start, length in episodes:
            starts = DAY0 + dt.timedelta(days=start)
            EpisodeFactory(
                person=person,
                area=areas[area],
                starts_on=starts,
                ends_on=None if length is None else starts + dt.timedelta(days=length),
            )
    day = DAY0 + dt.timedelta(days=offset)
    expected = _python_count(people_episodes, day)
    assert multiply_disadvantaged_on(Person.objects.all(), day).count() == expected
    assert cohort_on(day).total == expected
    # The per-person areas shown on pages agree with the rule.
    shown = with_areas_on(Person.objects.all(), day).filter(areas_on__gte=3).count()
    assert shown == expected
