"""Edges found in review: odd input never errors, nothing leaks, every read is recorded once."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from petal.access.roles import Role
from petal.accounts.services import token_create
from petal.audit.models import AuditEvent
from petal.people.models import Handover, TrustedRelationship
from petal.people.selectors import possible_duplicates
from petal.people.services import person_update
from petal.people.tests.factories import person_of

pytestmark = pytest.mark.django_db


def _api(client, user):
    _, raw = token_create(actor=user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def send(method, path, body=None):
        if body is None:
            return getattr(client, method)(path, **auth)
        return getattr(client, method)(
            path, data=json.dumps(body), content_type="application/json", **auth
        )

    return send


def test_stepping_back_on_the_day_the_relationship_began_ends_access_at_once(client, make_user):
    lead = make_user(Role.TRUSTED_PERSON)
    new = make_user(Role.TRUSTED_PERSON)
    person = person_of(lead)
    TrustedRelationship.objects.filter(person=person).update(starts_on=dt.date.today())  # noqa: DTZ011
    client.force_login(lead)
    client.post(
        f"/people/{person.pk}/handover/new",
        {
            "email": new.email,
            "kind": "professional",
            "organisation": "",
            "planned_for_0": "1",
            "planned_for_1": "1",
            "planned_for_2": "2027",
            "agreed_how": "phone",
            "agreement_note": "",
            "previous_stays": "no",
        },
    )
    handover = Handover.objects.get()
    client.post(f"/people/{person.pk}/handover/{handover.pk}/complete")
    assert client.get(f"/people/{person.pk}").status_code == 404
    again = client.post(
        f"/people/{person.pk}/relationships/new",
        {"email": lead.email, "kind": "professional", "organisation": ""},
    )
    assert again.status_code == 404
    assert not TrustedRelationship.objects.filter(
        person=person, trusted_person=lead, ends_on__isnull=True
    ).exists()


def test_cannot_add_yourself_as_another_trusted_person(client, make_user):
    lead = make_user(Role.TRUSTED_PERSON)
    person = person_of(lead)
    client.force_login(lead)
    response = client.post(
        f"/people/{person.pk}/relationships/new",
        {"email": lead.email, "kind": "professional", "organisation": ""},
    )
    assert "already one of this person" in response.content.decode()


def test_only_the_lead_or_the_planner_completes_a_handover(client, make_user):
    lead = make_user(Role.TRUSTED_PERSON)
    helper = make_user(Role.TRUSTED_PERSON)
    new = make_user(Role.TRUSTED_PERSON)
    person = person_of(lead)
    TrustedRelationship.objects.create(
        programme_area=person.programme_area,
        person=person,
        trusted_person=helper,
        kind="voluntary",
        starts_on=dt.date(2025, 1, 1),
    )
    handover = Handover.objects.create(
        programme_area=person.programme_area,
        person=person,
        from_user=lead,
        to_user=new,
        to_kind="professional",
        planned_for=dt.date(2027, 1, 1),
        agreed_how="phone",
    )
    client.force_login(helper)
    response = client.post(f"/people/{person.pk}/handover/{handover.pk}/complete")
    assert response.status_code == 403
    new.is_active = False
    new.save()
    client.force_login(lead)
    response = client.post(f"/people/{person.pk}/handover/{handover.pk}/complete")
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == "planned"


def test_a_name_alone_never_reveals_a_hidden_record(make_user):
    mine = make_user(Role.TRUSTED_PERSON)
    theirs = make_user(Role.TRUSTED_PERSON)
    person_of(
        theirs,
        full_name="Secret Person",
        search_names="|secret person|",
        date_of_birth=dt.date(1980, 1, 1),
    )
    assert (
        possible_duplicates(mine, full_name="Secret Person", date_of_birth=None).hidden_count == 0
    )
    assert (
        possible_duplicates(
            mine, full_name="Secret Person", date_of_birth=dt.date(1980, 1, 1)
        ).hidden_count
        == 1
    )


@pytest.mark.parametrize(
    "path",
    ["/people/?q=a%00b", "/people/?area=%00", "/users?q=%00", "/organisations?q=a%00"],
)
def test_nul_characters_in_search_are_a_miss_not_an_error(client, make_user, path):
    user = make_user(Role.TRUSTED_PERSON)
    from petal.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=user, role=Role.ADMINISTRATOR)
    client.force_login(user)
    assert client.get(path, follow=True).status_code == 200


def test_nul_in_audit_filter_is_not_an_error(client, make_user):
    client.force_login(make_user(Role.DATA_PROTECTION_LEAD))
    assert client.get("/audit/?who=a%00b&action=%00").status_code == 200


def test_api_refuses_nul_characters_long_aliases_blank_names_and_future_births(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    send = _api(client, tp)
    person = person_of(tp)
    assert send("get", "/api/v1/people?search=a%00b").status_code == 200
    cases = [
        ("patch", f"/api/v1/people/{person.pk}", {"version": 1, "risk_notes": "a\u0000b"}),
        ("post", "/api/v1/people", {"full_name": "A", "aliases": ["y" * 250]}),
        ("patch", f"/api/v1/people/{person.pk}", {"version": 1, "full_name": "   "}),
        ("post", "/api/v1/people", {"full_name": "A", "date_of_birth": "2999-01-01"}),
    ]
    for method, path, body in cases:
        assert send(method, path, body).status_code == 422, body
    person.refresh_from_db()
    assert person.full_name.strip()


def test_long_other_name_is_a_form_error_that_keeps_what_was_typed(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp)
    client.force_login(tp)
    response = client.post(
        f"/people/{person.pk}/edit/identity",
        {
            "version": person.version,
            "full_name": "Kept Name",
            "aliases": "x" * 250,
            "preferred_name": "",
            "pronouns": "",
            "communication_needs": "",
            "languages": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Each other name must be 200 characters or fewer" in html
    assert 'value="Kept Name"' in html


def test_action_pages_record_identity_as_read_too(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp)
    client.force_login(tp)
    client.get(f"/people/{person.pk}/contacts/new")
    (event,) = AuditEvent.objects.filter(action="person.read")
    assert set(event.categories) == {"identity", "involvement"}


def test_api_patch_records_exactly_one_read(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp)
    send = _api(client, tp)
    assert (
        send(
            "patch", f"/api/v1/people/{person.pk}", {"version": 1, "pronouns": "she/her"}
        ).status_code
        == 200
    )
    assert AuditEvent.objects.filter(action="person.read").count() == 1
    assert AuditEvent.objects.filter(action="person.updated").count() == 1


def test_requests_to_connect_page_records_the_names_it_shows(client, make_user):
    from petal.people.models import ConnectionRequest

    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp)
    ConnectionRequest.objects.create(
        programme_area=person.programme_area,
        requester=make_user(Role.TRUSTED_PERSON),
        person=person,
    )
    client.force_login(tp)
    client.get("/people/connections")
    event = AuditEvent.objects.get(action="people.listed")
    assert event.data["people"] == [person.pk]
    assert event.categories == ["identity"]


def test_api_list_queries_do_not_grow_with_rows(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    send = _api(client, tp)
    for _ in range(3):
        person_of(tp)
    send("get", "/api/v1/people")
    with CaptureQueriesContext(connection) as few:
        send("get", "/api/v1/people")
    for _ in range(20):
        person_of(tp)
    with CaptureQueriesContext(connection) as many:
        send("get", "/api/v1/people")
    assert len(many) == len(few)


def test_flash_messages_are_not_kept_in_a_cookie(client, make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp, full_name="Cookie Name")
    client.force_login(tp)
    response = client.post(
        f"/people/{person.pk}/edit/risk", {"version": person.version, "risk_notes": "note"}
    )
    assert response.status_code == 302
    assert "messages" not in response.cookies


def test_saving_without_changes_does_not_make_a_new_version(make_user):
    tp = make_user(Role.TRUSTED_PERSON)
    person = person_of(tp, full_name="Same Name")
    person_update(
        actor=tp,
        person=person,
        category="identity",
        values={"full_name": "Same Name"},
        expected_version=person.version,
    )
    person.refresh_from_db()
    assert person.version == 1
    assert not person.versions.exists()
