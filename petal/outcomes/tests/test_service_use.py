"""Service use by quarter: recorded by the trusted person where known (blank is not known, 0 is
none), whole numbers within what a quarter can hold, never for a quarter still to come; read
measure by measure, by the categories the reader may see."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from petal.access.categories import Category
from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.consent.models import bits_for
from petal.consent.tests.factories import ConsentFactory
from petal.core.errors import NotFound, ValidationFailed
from petal.outcomes.models import ServiceUse
from petal.outcomes.selectors.assessments import (
    days_in_quarter,
    quarter_label,
    quarter_of,
    quarter_start,
)
from petal.outcomes.services.assessments import service_use_record
from petal.people.tests.factories import person_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_YEAR, THIS_QUARTER = quarter_of(TODAY)
LAST = (THIS_YEAR, THIS_QUARTER - 1) if THIS_QUARTER > 1 else (THIS_YEAR - 1, 4)
NEXT = (THIS_YEAR, THIS_QUARTER + 1) if THIS_QUARTER < 4 else (THIS_YEAR + 1, 1)


@pytest.fixture
def tp(make_user):
    return make_user(Role.TRUSTED_PERSON)


@pytest.fixture
def person(tp):
    return person_of(tp, full_name="Jordan Pike")


def _record(actor, person, values, *, quarter=LAST, note=""):
    return service_use_record(
        actor=actor,
        person_id=person.pk,
        year=quarter[0],
        quarter=quarter[1],
        values=values,
        note=note,
    )


def test_quarters_are_named_and_sized_as_the_calendar_says():
    assert quarter_start(2025, 2) == dt.date(2025, 4, 1)
    assert quarter_of(dt.date(2025, 12, 31)) == (2025, 4)
    assert quarter_label(dt.date(2025, 7, 1)) == "July to September 2025"
    assert days_in_quarter(dt.date(2024, 1, 1)) == 91  # a leap year
    assert days_in_quarter(dt.date(2025, 1, 1)) == 90
    assert days_in_quarter(dt.date(2025, 10, 1)) == 92


def test_recording_keeps_blank_as_not_known_and_zero_as_none(tp, person):
    use = _record(tp, person, {"rough_sleeping_nights": 12, "arrests": 0}, note="From the hostel")
    use.refresh_from_db()
    assert use.quarter == quarter_start(*LAST)
    assert (use.rough_sleeping_nights, use.arrests, use.evictions) == (12, 0, None)
    assert use.programme_area_id == person.programme_area_id
    assert use.recorded_by == tp and use.note == "From the hostel"
    event = AuditEvent.objects.get(action="person.service_use_recorded")
    assert (event.object_type, event.object_id) == ("people.person", str(person.pk))
    assert event.categories == ["health", "justice", "needs"]
    assert event.data["created"] is True


def test_recording_the_same_quarter_again_changes_it(tp, person):
    first = _record(tp, person, {"rough_sleeping_nights": 12, "arrests": 2})
    again = _record(tp, person, {"rough_sleeping_nights": 3})
    assert again.pk == first.pk and ServiceUse.objects.count() == 1
    again.refresh_from_db()
    assert (again.rough_sleeping_nights, again.arrests) == (3, None)
    latest = (
        AuditEvent.objects.filter(action="person.service_use_recorded").order_by("sequence").last()
    )
    assert latest.data["created"] is False
    assert latest.data["changed"] == ["arrests", "rough_sleeping_nights"]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"arrests": -1}, "arrests", "must be 0 or more"),
        ({"rough_sleeping_nights": 93}, "rough_sleeping_nights", "or fewer"),
        ({"prison_nights": 2.5}, "prison_nights", "whole number"),
        ({"evictions": "2"}, "evictions", "whole number"),
        ({"evictions": True}, "evictions", "whole number"),
        ({"evictions": 11}, "evictions", "must be 10 or fewer"),
        ({"rough_sleeping_nights": 60, "prison_nights": 40}, "prison_nights", "add up to more"),
        ({"sofa_nights": 3}, "sofa_nights", "is not a measure"),
    ],
)
def test_impossible_figures_are_refused(tp, person, values, field, message):
    with pytest.raises(ValidationFailed) as refused:
        _record(tp, person, values)
    assert message in refused.value.field_errors[field][0]
    assert not ServiceUse.objects.exists()


def test_a_quarter_still_to_come_is_refused(tp, person):
    with pytest.raises(ValidationFailed) as refused:
        _record(tp, person, {"arrests": 0}, quarter=NEXT)
    assert "has not started yet" in refused.value.field_errors["quarter"][0]
    with pytest.raises(ValidationFailed) as refused:
        _record(tp, person, {"arrests": 0}, quarter=(THIS_YEAR, 5))
    assert refused.value.field_errors["quarter"] == ["Choose the quarter"]
    # This quarter has started, so it may be recorded so far.
    assert _record(tp, person, {"arrests": 0}, quarter=(THIS_YEAR, THIS_QUARTER))


def test_only_the_current_trusted_person_records_service_use(tp, person, make_user):
    other = make_user(Role.TRUSTED_PERSON)
    reader = make_user(Role.SERVICE_STAFF)
    ConsentFactory(person=person, grantee_user=reader, category_bits=bits_for(list(Category)))
    for actor in (other, reader):
        with pytest.raises(NotFound):
            _record(actor, person, {"arrests": 1})
    assert not ServiceUse.objects.exists()


def test_the_form_records_a_quarter_and_keeps_what_was_typed_on_error(client, tp, person):
    client.force_login(tp)
    path = f"/people/{person.pk}/service-use/new"
    bad = client.post(
        path,
        {
            "year": str(LAST[0]),
            "quarter": str(LAST[1]),
            "rough_sleeping_nights": "200",
            "arrests": "two",
            "evictions": "-1",
            "ae_attendances": "4",
        },
    )
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "<title>Error:" in page
    assert "Enter the number of arrests as a whole number, like 3" in page
    assert "The number of evictions must be 0 or more" in page
    assert "nights sleeping rough must be" in page
    assert 'value="two"' in page and 'value="4"' in page
    assert not ServiceUse.objects.exists()
    good = client.post(
        path,
        {
            "year": str(LAST[0]),
            "quarter": str(LAST[1]),
            "rough_sleeping_nights": "9",
            "arrests": "0",
        },
    )
    assert good["Location"] == f"/people/{person.pk}/assessments/"
    use = ServiceUse.objects.get()
    assert (use.rough_sleeping_nights, use.arrests, use.evictions) == (9, 0, None)
    listing = client.get(good["Location"]).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", listing))
    assert quarter_label(quarter_start(*LAST)) in text
    assert "Not known" in text


def test_the_form_refuses_a_future_quarter_and_a_missing_one(client, tp, person):
    client.force_login(tp)
    path = f"/people/{person.pk}/service-use/new"
    page = client.post(path, {"year": str(NEXT[0]), "quarter": str(NEXT[1])}).content.decode()
    assert "has not started yet" in page
    page = client.post(path, {"arrests": "1"}).content.decode()
    assert "Enter the year, like 2025" in page and "Choose the quarter" in page
    assert not ServiceUse.objects.exists()


def test_changing_a_quarter_starts_from_what_is_recorded(client, tp, person):
    _record(tp, person, {"rough_sleeping_nights": 12, "crisis_contacts": 1})
    client.force_login(tp)
    path = f"/people/{person.pk}/service-use/{LAST[0]}/q{LAST[1]}"
    page = client.get(path).content.decode()
    assert 'value="12"' in page and 'name="year"' not in page
    assert AuditEvent.objects.filter(action="person.service_use_read").exists()
    response = client.post(path, {"rough_sleeping_nights": "4", "crisis_contacts": ""})
    assert response.status_code == 302
    use = ServiceUse.objects.get()
    assert (use.rough_sleeping_nights, use.crisis_contacts) == (4, None)
    assert client.get(f"/people/{person.pk}/service-use/{LAST[0]}/q5").status_code == 404
    assert client.get(f"/people/{person.pk}/service-use/1999/q1").status_code == 404


def test_someone_elses_person_has_no_service_use_pages(client, person, make_user):
    other = make_user(Role.TRUSTED_PERSON)
    client.force_login(other)
    assert client.get(f"/people/{person.pk}/service-use/new").status_code == 404
    assert client.get(f"/people/{person.pk}/service-use/{LAST[0]}/q{LAST[1]}").status_code == 404
    response = client.post(
        f"/people/{person.pk}/service-use/new",
        {"year": str(LAST[0]), "quarter": str(LAST[1]), "arrests": "1"},
    )
    assert response.status_code == 404
    assert not ServiceUse.objects.exists()


def test_readers_see_only_the_measures_of_categories_they_may_read(client, tp, person, make_user):
    _record(tp, person, {"rough_sleeping_nights": 31, "arrests": 7, "ae_attendances": 5})
    reader = make_user(Role.SERVICE_STAFF)
    ConsentFactory(person=person, grantee_user=reader, category_bits=bits_for([Category.JUSTICE]))
    client.force_login(reader)
    page = client.get(f"/people/{person.pk}/assessments/").content.decode()
    assert "Arrests" in page and "Nights in prison" in page
    assert "Nights sleeping rough" not in page and "A&amp;E" not in page
    assert ">31<" not in page and ">5<" not in page and ">7<" in page
    # No tool describes justice alone: no assessments are shown.
    assert "New Directions Team" not in page and "wellbeing" not in page.lower()
    read = AuditEvent.objects.get(action="person.service_use_read")
    assert read.categories == ["justice"]
    assert not AuditEvent.objects.filter(action="person.assessments_read").exists()
