import datetime as dt

import pytest

from petal.reference.models import AreaOfDisadvantage, District, GovernanceLevel, Partnership
from petal.reference.selectors import partnership_for_district

pytestmark = pytest.mark.django_db


def test_the_five_areas_of_disadvantage_are_loaded_in_order():
    assert list(AreaOfDisadvantage.objects.values_list("name", flat=True)) == [
        "Homelessness",
        "Substance misuse",
        "Mental health",
        "Domestic abuse",
        "Criminal justice",
    ]


def test_the_six_districts_and_three_partnerships_are_loaded():
    assert District.objects.count() == 6
    assert set(Partnership.objects.values_list("name", flat=True)) == {
        "Cambridgeshire",
        "Peterborough",
        "Fenland & East Cambridgeshire",
    }


def test_governance_ladder_climbs_to_the_public_service_board():
    assert list(GovernanceLevel.objects.values_list("slug", flat=True)) == [
        "operational-partnership",
        "tactical-group",
        "strategic-group",
        "public-service-board",
    ]


@pytest.mark.parametrize(
    ("district", "on", "expected"),
    [
        ("cambridge", dt.date(2022, 1, 1), "cambridgeshire"),
        ("huntingdonshire", dt.date(2026, 1, 1), "cambridgeshire"),
        ("south-cambridgeshire", dt.date(2026, 1, 1), "cambridgeshire"),
        ("peterborough", dt.date(2022, 1, 1), "peterborough"),
        # Cambridgeshire covers Fenland and East Cambridgeshire until the new partnership starts.
        ("fenland", dt.date(2023, 3, 31), "cambridgeshire"),
        ("east-cambridgeshire", dt.date(2023, 3, 31), "cambridgeshire"),
        ("fenland", dt.date(2023, 4, 1), "fenland-east-cambridgeshire"),
        ("east-cambridgeshire", dt.date(2026, 11, 24), "fenland-east-cambridgeshire"),
    ],
)
def test_district_maps_to_its_partnership_on_a_date(district, on, expected):
    partnership = partnership_for_district(district, on=on)
    assert partnership is not None
    assert partnership.slug == expected


def test_each_district_has_exactly_one_partnership_on_every_day_of_the_change():
    for day in (dt.date(2023, 3, 30), dt.date(2023, 3, 31), dt.date(2023, 4, 1)):
        for district in District.objects.all():
            from petal.reference.selectors import coverage_on

            assert coverage_on(day).filter(district=district).count() == 1, (district, day)
