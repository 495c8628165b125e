"""Adding a person, their needs, contacts and story, as a trusted person does it."""

import datetime as dt

import pytest

from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.people.models import NeedEpisode, Person, RecordVersion
from petal.people.services import EditConflict, person_update
from petal.people.tests.factories import person_of
from petal.reference.models import AreaOfDisadvantage, District

pytestmark = pytest.mark.django_db


@pytest.fixture
def tp_client(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    client.force_login(tp)
    client.tp = tp
    return client


def _identity(**overrides):
    return {
        "full_name": "Casey Marsh",
        "preferred_name": "Case",
        "pronouns": "they/them",
        "date_of_birth_0": "4",
        "date_of_birth_1": "11",
        "date_of_birth_2": "1988",
        "aliases": "C. Marsh\nKC",
        "communication_needs": "",
        "languages": "English",
        **overrides,
    }


def test_add_a_person_step_by_step_then_check_answers(tp_client):
    c = tp_client
    assert c.get("/people/new?start=1").status_code == 200
    assert c.post("/people/new", _identity())["Location"] == "/people/new/contact"
    peterborough = District.objects.get(code="peterborough")
    response = c.post(
        "/people/new/contact",
        {
            "district": peterborough.pk,
            "no_fixed_abode": "on",
            "address": "",
            "phone": "",
            "safe_contact": "Text only",
        },
    )
    assert response["Location"] == "/people/new/relationship"
    response = c.post(
        "/people/new/relationship", {"relationship_kind": "voluntary", "organisation": ""}
    )
    assert response["Location"] == "/people/new/check"
    check = c.get("/people/new/check").content.decode()
    assert "Casey Marsh" in check
    assert "4 November 1988" in check
    assert "No fixed abode" in check
    assert Person.objects.count() == 0  # nothing saved before the check
    response = c.post("/people/new/check")
    person = Person.objects.get()
    assert response["Location"] == f"/people/{person.pk}"
    assert person.date_of_birth == dt.date(1988, 11, 4)
    assert sorted(a.name for a in person.aliases.all()) == ["C. Marsh", "KC"]
    lead = person.relationships.get()
    assert (lead.trusted_person, lead.kind, lead.is_lead) == (c.tp, "voluntary", True)
    assert AuditEvent.objects.filter(action="person.created", object_id=str(person.pk)).exists()
    # The draft is gone: starting again starts empty.
    assert 'value="Casey Marsh"' not in c.get("/people/new").content.decode()


def test_a_mistake_keeps_what_was_typed(tp_client):
    response = tp_client.post(
        "/people/new", _identity(full_name="", date_of_birth_1="13", preferred_name="Kept")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "Enter their full name" in html
    assert "Date of birth must be a real date" in html
    assert 'value="Kept"' in html
    assert 'value="13"' in html
    assert 'href="#id_date_of_birth_0"' in html


def test_date_of_birth_in_the_future_is_refused(tp_client):
    response = tp_client.post("/people/new", _identity(date_of_birth_2="2999"))
    assert "Date of birth must be in the past" in response.content.decode()


def test_check_page_without_answers_goes_back_to_the_first_question(tp_client):
    response = tp_client.get("/people/new/check")
    assert response["Location"] == "/people/new/identity"


def test_add_end_and_see_episodes_on_the_timeline(tp_client):
    person = person_of(tp_client.tp)
    areas = list(AreaOfDisadvantage.objects.order_by("order"))
    for area in areas[:3]:
        response = tp_client.post(
            f"/people/{person.pk}/episodes/new",
            {
                "area": area.pk,
                "starts_on_0": "1",
                "starts_on_1": "2",
                "starts_on_2": "2026",
                "note": "",
            },
        )
        assert response.status_code == 302
    html = tp_client.get(f"/people/{person.pk}").content.decode()
    assert "Meets the three-of-five rule today" in html
    episode = NeedEpisode.objects.filter(person=person).first()
    response = tp_client.post(
        f"/people/{person.pk}/episodes/{episode.pk}/end",
        {"ends_on_0": "1", "ends_on_1": "3", "ends_on_2": "2026"},
    )
    assert response.status_code == 302
    html = tp_client.get(f"/people/{person.pk}").content.decode()
    assert "Meets the three-of-five rule today" not in html
    assert RecordVersion.objects.filter(person=person, category="needs").count() == 4


def test_episode_end_before_start_is_refused_and_kept(tp_client):
    person = person_of(tp_client.tp)
    area = AreaOfDisadvantage.objects.get(code="homelessness")
    response = tp_client.post(
        f"/people/{person.pk}/episodes/new",
        {
            "area": area.pk,
            "starts_on_0": "10",
            "starts_on_1": "5",
            "starts_on_2": "2026",
            "ends_on_0": "1",
            "ends_on_1": "5",
            "ends_on_2": "2026",
            "note": "kept note",
        },
    )
    html = response.content.decode()
    assert "The end date must be the same as or after the start date" in html
    assert 'value="kept note"' in html
    assert not NeedEpisode.objects.exists()


def test_record_a_contact_sets_the_next_planned_one(tp_client):
    person = person_of(tp_client.tp)
    today = dt.date.today()  # noqa: DTZ011 - a calendar date for the form
    soon = today + dt.timedelta(days=7)
    response = tp_client.post(
        f"/people/{person.pk}/contacts/new",
        {
            "happened_on_0": today.day,
            "happened_on_1": today.month,
            "happened_on_2": today.year,
            "method": "outreach",
            "note": "Met at the day centre",
            "next_contact_on_0": soon.day,
            "next_contact_on_1": soon.month,
            "next_contact_on_2": soon.year,
        },
    )
    assert response.status_code == 302
    assert person.relationships.get().next_contact_on == soon
    html = tp_client.get("/people/").content.decode()
    assert soon.strftime("%-d %b %Y") in html


def test_story_is_kept_verbatim_with_a_version(tp_client):
    person = person_of(tp_client.tp)
    words = "  I don't want to go back to the hostel.\nNot after what happened.  "
    response = tp_client.post(
        f"/people/{person.pk}/edit/story",
        {
            "version": person.version,
            "what_happened": words,
            "what_matters": "",
            "what_helps": "",
            "what_does_not_help": "",
            "never_ask_again": "",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.story.what_happened == words
    version = RecordVersion.objects.get(person=person, category="story")
    assert version.changes["what_happened"] == ["", words]
    assert version.changed_by == tp_client.tp
    page = tp_client.get(f"/people/{person.pk}").content.decode()
    assert "Changes to this record" in page
    assert "Not after what happened." in page.split("Changes to this record")[1]


def test_second_of_two_overlapping_edits_is_refused_and_nothing_is_lost(tp_client):
    person = person_of(tp_client.tp, full_name="First Name")
    opened = person.version
    # Someone else saves first.
    person_update(
        actor=tp_client.tp,
        person=person,
        category="identity",
        values={"full_name": "Saved First"},
        expected_version=opened,
    )
    response = tp_client.post(
        f"/people/{person.pk}/edit/identity",
        {
            "version": opened,
            "full_name": "Typed Second",
            "preferred_name": "",
            "pronouns": "",
            "aliases": "",
            "communication_needs": "",
            "languages": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved changes to this record" in html
    assert 'value="Typed Second"' in html  # what they typed is still there
    assert "Saved First" in html  # and what the record says now
    person.refresh_from_db()
    assert person.full_name == "Saved First"


def test_service_refuses_a_stale_version(make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp)
    with pytest.raises(EditConflict):
        person_update(
            actor=tp,
            person=person,
            category="risk",
            values={"risk_notes": "x"},
            expected_version=person.version + 5,
        )


def test_unknown_section_is_404(tp_client):
    person = person_of(tp_client.tp)
    assert tp_client.get(f"/people/{person.pk}/edit/everything").status_code == 404


def test_caseload_filters_by_area_now_and_by_the_rule(tp_client):
    from petal.people.tests.factories import EpisodeFactory

    areas = list(AreaOfDisadvantage.objects.order_by("order"))
    three = person_of(tp_client.tp, full_name="Three Areas")
    one = person_of(tp_client.tp, full_name="One Area")
    ended = person_of(tp_client.tp, full_name="Ended Area")
    for area in areas[:3]:
        EpisodeFactory(person=three, area=area, starts_on=dt.date(2024, 1, 1))
    EpisodeFactory(person=one, area=areas[3], starts_on=dt.date(2024, 1, 1))
    EpisodeFactory(
        person=ended, area=areas[3], starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 6, 1)
    )
    html = tp_client.get(f"/people/?area={areas[3].code}").content.decode()
    assert "One Area" in html
    assert "Three Areas" not in html
    assert "Ended Area" not in html
    html = tp_client.get("/people/?three=1").content.decode()
    assert "Three Areas" in html
    assert "One Area" not in html
    # Paging and sorting links keep the filters.
    assert "three=1" in tp_client.get("/people/?three=1&sort=-name").content.decode()


def test_person_page_answers_the_rule_for_another_date(tp_client):
    from petal.people.tests.factories import EpisodeFactory

    person = person_of(tp_client.tp)
    for area in AreaOfDisadvantage.objects.order_by("order")[:3]:
        EpisodeFactory(
            person=person, area=area, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 12, 31)
        )
    today = tp_client.get(f"/people/{person.pk}").content.decode()
    assert "0 of 5 areas now" in today
    then = tp_client.get(f"/people/{person.pk}?on_0=1&on_1=6&on_2=2024").content.decode()
    assert "On 1 June 2024: 3 of 5 areas." in then
    assert "Met the three-of-five rule that day." in then
    bad = tp_client.get(f"/people/{person.pk}?on_0=31&on_1=2&on_2=2024").content.decode()
    assert "Check another date must be a real date" in bad


def test_home_page_shows_contacts_due_and_counts_for_a_trusted_person(tp_client):
    from petal.people.tests.factories import EpisodeFactory

    soon = person_of(tp_client.tp, full_name="Due Soon")
    later = person_of(tp_client.tp, full_name="Due Later")
    today = dt.date.today()  # noqa: DTZ011
    soon.relationships.update(next_contact_on=today + dt.timedelta(days=2))
    later.relationships.update(next_contact_on=today + dt.timedelta(days=30))
    for area in AreaOfDisadvantage.objects.order_by("order")[:3]:
        EpisodeFactory(person=soon, area=area, starts_on=dt.date(2024, 1, 1))
    html = tp_client.get("/dashboard").content.decode()
    assert "2 people" in html
    assert ">1 of them</a> meet the three-of-five rule" in html
    assert "Due Soon" in html
    assert "Due Later" not in html
    event = AuditEvent.objects.filter(action="people.listed").latest("sequence")
    assert event.data["people"] == [soon.pk]
