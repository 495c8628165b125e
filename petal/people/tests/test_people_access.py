"""A trusted person sees their own people in full, and nobody else's: not on pages, in
search, in lists, in counts or in duplicate warnings. Every read leaves one audit event."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petal.access.categories import Category
from petal.access.people import readable_categories
from petal.access.roles import Role
from petal.audit.models import AuditEvent
from petal.people.models import Person, TrustedRelationship
from petal.people.selectors import possible_duplicates
from petal.people.tests.factories import EpisodeFactory, PersonFactory, person_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_trusted_persons(make_user):
    mine = make_user(Role.TRUSTED_PERSON)
    theirs = make_user(Role.TRUSTED_PERSON)
    return mine, theirs


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_own_person_is_read_in_full_with_one_audit_event(client, two_trusted_persons):
    mine, _ = two_trusted_persons
    person = person_of(mine, full_name="Robin Ashdown")
    client.force_login(mine)
    response = client.get(f"/people/{person.pk}")
    assert response.status_code == 200
    assert "Robin Ashdown" in response.content.decode()
    (event,) = _events("person.read")
    assert event.actor_id == mine.pk
    assert event.object_id == str(person.pk)
    assert set(event.categories) == {str(c) for c in Category}


def test_someone_elses_person_is_404_everywhere_and_leaves_no_read(client, two_trusted_persons):
    mine, theirs = two_trusted_persons
    hidden = person_of(theirs, full_name="Hidden Personname")
    EpisodeFactory(person=hidden)
    client.force_login(mine)
    for path in (
        f"/people/{hidden.pk}",
        f"/people/{hidden.pk}/edit/story",
        f"/people/{hidden.pk}/episodes/new",
        f"/people/{hidden.pk}/contacts/new",
    ):
        assert client.get(path).status_code == 404, path
    missing = Person.objects.order_by("-pk").first().pk + 1000
    assert client.get(f"/people/{missing}").status_code == 404
    assert _events("person.read") == []
    caseload = client.get("/people/?q=Hidden", follow=True).content.decode()
    assert "Hidden Personname" not in caseload
    assert "No one matches" in caseload


def test_lists_and_search_show_only_own_people(client, two_trusted_persons):
    mine, theirs = two_trusted_persons
    own = person_of(mine, full_name="Sam Own")
    person_of(theirs, full_name="Sam Other")
    client.force_login(mine)
    html = client.get("/people/?q=sam", follow=True).content.decode()
    assert "Sam Own" in html
    assert "Sam Other" not in html
    assert "1 person" in html
    (event,) = _events("people.listed")
    assert event.data["people"] == [own.pk]
    assert set(event.categories) == {"identity", "needs", "involvement"}


def test_search_by_alias_and_date_of_birth(client, make_user):
    from petal.people.models import Alias
    from petal.people.services import _search_names

    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp, full_name="Morgan Lee", date_of_birth=dt.date(1979, 3, 27))
    Alias.objects.create(person=person, name="Mo Stevens")
    person.search_names = _search_names(person, ["Mo Stevens"])
    person.save()
    client.force_login(tp)
    assert "Morgan Lee" in client.get("/people/?q=stevens", follow=True).content.decode()
    assert "Morgan Lee" in client.get("/people/?q=27/3/1979", follow=True).content.decode()
    assert "Morgan Lee" not in client.get("/people/?q=28/3/1979", follow=True).content.decode()


def test_ended_relationship_ends_access(client, two_trusted_persons):
    mine, _ = two_trusted_persons
    person = person_of(mine)
    TrustedRelationship.objects.filter(person=person).update(ends_on=dt.date(2025, 6, 1))
    client.force_login(mine)
    assert client.get(f"/people/{person.pk}").status_code == 404


@pytest.mark.parametrize(
    "role",
    [Role.DATA_PROTECTION_LEAD, Role.ADMINISTRATOR, Role.PROGRAMME_TEAM, Role.SERVICE_STAFF],
)
def test_other_roles_read_no_category(make_user, role):
    person = person_of(make_user(Role.TRUSTED_PERSON))
    assert readable_categories(make_user(role), person) == frozenset()


def test_colleague_in_the_same_organisation_sees_nothing(client, make_user):
    from petal.accounts.tests.factories import MembershipFactory, OrganisationFactory

    org = OrganisationFactory()
    mine = make_user(Role.TRUSTED_PERSON, organisation=org)
    colleague = make_user()
    MembershipFactory(user=colleague, role=Role.TRUSTED_PERSON, organisation=org)
    person = person_of(mine)
    client.force_login(colleague)
    assert client.get(f"/people/{person.pk}").status_code == 404
    assert client.get("/people/").content.decode().count("/people/") < 10


def test_duplicate_warning_names_only_visible_matches(two_trusted_persons):
    mine, theirs = two_trusted_persons
    dob = dt.date(1990, 1, 2)
    visible = person_of(mine, full_name="Alex Harper", date_of_birth=dob)
    person_of(theirs, full_name="Alexandra Harper", date_of_birth=dob)
    result = possible_duplicates(mine, full_name="Alex Harper", date_of_birth=dob)
    assert result.visible == [visible]
    assert result.hidden_count == 1
    nothing = possible_duplicates(mine, full_name="Nobody Similar", date_of_birth=None)
    assert (nothing.visible, nothing.hidden_count) == ([], 0)


def _bulk_people(tp, n):
    from petal.people.models import NeedEpisode
    from petal.reference.models import AreaOfDisadvantage, District, ProgrammeArea

    area = ProgrammeArea.objects.get()
    district = District.objects.get(code="peterborough")
    start = Person.objects.count()
    people = Person.objects.bulk_create(
        [
            Person(
                programme_area=area,
                full_name=f"Bulk Person {start + i}",
                search_names=f"|bulk person {start + i}|",
                district=district,
            )
            for i in range(n)
        ]
    )
    TrustedRelationship.objects.bulk_create(
        [
            TrustedRelationship(
                programme_area=area,
                person=p,
                trusted_person=tp,
                kind="professional",
                starts_on=dt.date(2025, 1, 1),
                is_lead=True,
            )
            for p in people
        ]
    )
    homeless = AreaOfDisadvantage.objects.get(code="homelessness")
    NeedEpisode.objects.bulk_create(
        [
            NeedEpisode(programme_area=area, person=p, area=homeless, starts_on=dt.date(2025, 1, 1))
            for p in people
        ]
    )


@pytest.mark.parametrize(
    "path", ["/people/", "/people/?q=bulk", "/people/?sort=-last-contact", "/dashboard"]
)
def test_caseload_and_search_queries_do_not_grow_with_people(client, make_user, path):
    tp = make_user(Role.TRUSTED_PERSON)
    client.force_login(tp)
    client.get("/dashboard")
    if "q=" in path:
        # A search is kept in the session (never in the address): set it, then count the page.
        client.get(path)
        path = "/people/"
    _bulk_people(tp, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    _bulk_people(tp, 495)
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few)


def test_person_page_queries_do_not_grow_with_episodes(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp)
    client.force_login(tp)
    client.get("/dashboard")
    EpisodeFactory(person=person)
    with CaptureQueriesContext(connection) as few:
        client.get(f"/people/{person.pk}")
    for _ in range(20):
        EpisodeFactory(person=person)
    with CaptureQueriesContext(connection) as many:
        client.get(f"/people/{person.pk}")
    assert len(many) == len(few)


def test_person_factory_people_without_relationships_are_invisible(client, make_user):
    PersonFactory()
    tp = make_user(Role.TRUSTED_PERSON)
    client.force_login(tp)
    assert "You have no people yet" in client.get("/people/").content.decode()


def test_asking_to_connect_tells_the_other_trusted_person_and_the_asker_nothing(
    client, two_trusted_persons, mailoutbox
):
    from petal.people.models import ConnectionRequest

    mine, theirs = two_trusted_persons
    dob = dt.date(1991, 7, 9)
    hidden = person_of(
        theirs, full_name="Quinn Hartley", date_of_birth=dob, search_names="|quinn hartley|"
    )
    client.force_login(mine)
    client.post(
        "/people/new",
        {
            "full_name": "Quinn Hartley",
            "preferred_name": "",
            "pronouns": "",
            "date_of_birth_0": "9",
            "date_of_birth_1": "7",
            "date_of_birth_2": "1991",
            "aliases": "",
            "communication_needs": "",
            "languages": "",
        },
    )
    client.post(
        "/people/new/contact", {"district": "", "address": "", "phone": "", "safe_contact": ""}
    )
    client.post(
        "/people/new/relationship", {"relationship_kind": "professional", "organisation": ""}
    )
    check = client.get("/people/new/check").content.decode()
    assert "A record that you cannot see may also be about this person" in check
    assert f"/people/{hidden.pk}" not in check
    response = client.post("/people/new/connect", follow=True)
    assert "We have asked their trusted person to get in touch" in response.content.decode()
    request = ConnectionRequest.objects.get()
    assert (request.requester, request.person) == (mine, hidden)
    (email,) = mailoutbox
    assert email.to == [theirs.email]
    assert "Quinn" not in email.body
    assert "Hartley" not in email.body
    assert mine.email in email.body
    # The recipient sees who asked, about which of their own people, and closes it.
    client.force_login(theirs)
    page = client.get("/people/connections").content.decode()
    assert mine.email in page
    assert "Quinn Hartley" in page
    assert client.post(f"/people/connections/{request.pk}/close").status_code == 302
    request.refresh_from_db()
    assert request.closed_at is not None
    # The asker cannot close or see it.
    client.force_login(mine)
    assert "Quinn Hartley" not in client.get("/people/connections").content.decode()
