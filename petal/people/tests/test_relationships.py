"""More than one trusted person, and handing the lead over with the person's agreement."""

import pytest

from petal.access.roles import Role
from petal.people.models import Handover, TrustedRelationship
from petal.people.tests.factories import person_of

pytestmark = pytest.mark.django_db


def test_add_another_trusted_person_who_then_sees_the_record(client, make_user):
    lead = make_user(Role.TRUSTED_PERSON)
    volunteer = make_user(Role.TRUSTED_PERSON)
    person = person_of(lead)
    client.force_login(lead)
    response = client.post(
        f"/people/{person.pk}/relationships/new",
        {"email": volunteer.email, "kind": "voluntary", "organisation": ""},
    )
    assert response.status_code == 302
    added = TrustedRelationship.objects.get(person=person, trusted_person=volunteer)
    assert (added.kind, added.is_lead) == ("voluntary", False)
    client.force_login(volunteer)
    assert client.get(f"/people/{person.pk}").status_code == 200


def test_only_trusted_person_sign_ins_can_be_added(client, make_user):
    lead = make_user(Role.TRUSTED_PERSON)
    champion = make_user(Role.CHAMPION)
    person = person_of(lead)
    client.force_login(lead)
    response = client.post(
        f"/people/{person.pk}/relationships/new",
        {"email": champion.email, "kind": "professional", "organisation": ""},
    )
    html = response.content.decode()
    assert "someone with a trusted person sign-in" in html
    assert f'value="{champion.email}"' in html
    assert not TrustedRelationship.objects.filter(trusted_person=champion).exists()


def _plan(client, person, to, **overrides):
    data = {
        "email": to.email,
        "kind": "professional",
        "organisation": "",
        "planned_for_0": "1",
        "planned_for_1": "12",
        "planned_for_2": "2026",
        "agreed_how": "in_person",
        "agreement_note": "I want to meet her first",
        "previous_stays": "no",
        **overrides,
    }
    return client.post(f"/people/{person.pk}/handover/new", data)


def test_handover_needs_the_persons_agreement(client, make_user):
    lead = make_user(Role.TRUSTED_PERSON)
    new = make_user(Role.TRUSTED_PERSON)
    person = person_of(lead)
    client.force_login(lead)
    response = _plan(client, person, new, agreed_how="")
    assert "Select how they agreed to the handover" in response.content.decode()
    assert not Handover.objects.exists()


def test_planned_handover_completes_and_moves_the_lead(client, make_user):
    lead = make_user(Role.TRUSTED_PERSON)
    new = make_user(Role.TRUSTED_PERSON)
    person = person_of(lead)
    client.force_login(lead)
    assert _plan(client, person, new).status_code == 302
    handover = Handover.objects.get()
    page = client.get(f"/people/{person.pk}").content.decode()
    assert "Handover planned to" in page
    assert "I want to meet her first" in page
    # Before completion the new trusted person cannot see the record.
    client.force_login(new)
    assert client.get(f"/people/{person.pk}").status_code == 404
    client.force_login(lead)
    assert client.post(f"/people/{person.pk}/handover/{handover.pk}/complete").status_code == 302
    current_lead = TrustedRelationship.objects.get(
        person=person, is_lead=True, ends_on__isnull=True
    )
    assert current_lead.trusted_person == new
    # The previous trusted person chose to step back: their access ends with the handover.
    assert client.get(f"/people/{person.pk}").status_code == 404
    client.force_login(new)
    assert client.get(f"/people/{person.pk}").status_code == 200


def test_cannot_hand_over_to_yourself(client, make_user):
    lead = make_user(Role.TRUSTED_PERSON)
    person = person_of(lead)
    client.force_login(lead)
    response = _plan(client, person, lead)
    assert "you cannot hand over to yourself" in response.content.decode()
