"""Administrators give people sign-ins and roles, and disable sign-ins."""

import pytest

from petal.access.roles import Role
from petal.accounts.models import Membership, User
from petal.accounts.services import user_invite
from petal.audit.models import AuditEvent
from petal.core.errors import ValidationFailed
from petal.reference.models import Partnership

pytestmark = pytest.mark.django_db


def _invite(client, **overrides):
    data = {
        "full_name": "Sam Rivers",
        "email": "sam.rivers@example.org",
        "role": "trusted_person",
        "organisation": "",
        "partnership": "",
        "governance_level": "",
        **overrides,
    }
    return client.post("/users/new", data)


def test_administrator_gives_a_sign_in_and_an_invitation_is_emailed(client, make_user, mailoutbox):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = _invite(client)
    user = User.objects.get(email="sam.rivers@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/users/{user.pk}"
    assert not user.has_usable_password()
    membership = user.memberships.get()
    assert membership.role == Role.TRUSTED_PERSON
    assert membership.organisation is None  # a voluntary trusted person
    assert [m.to for m in mailoutbox] == [["sam.rivers@example.org"]]
    assert "/password-reset/" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="account.user_created", object_id=str(user.pk)).exists()


def test_invited_person_sets_a_password_from_the_emailed_link_and_signs_in(
    client, make_user, mailoutbox
):
    client.force_login(make_user(Role.ADMINISTRATOR))
    _invite(client)
    client.post("/sign-out")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    response = client.get("/" + link.split("/", 3)[3], follow=True)
    client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "river stones and reeds", "new_password2": "river stones and reeds"},
    )
    signed_in = client.post(
        "/sign-in", {"email": "sam.rivers@example.org", "password": "river stones and reeds"}
    )
    assert signed_in.status_code == 302


def test_coordinator_needs_a_partnership_and_the_form_keeps_what_was_typed(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = _invite(client, role="partnership_coordinator")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select the partnership this person coordinates" in html
    assert 'value="Sam Rivers"' in html
    assert 'value="sam.rivers@example.org"' in html
    assert not User.objects.filter(email="sam.rivers@example.org").exists()


def test_email_already_in_use_is_a_field_error(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    response = _invite(client, email=admin.email.upper())
    assert (
        "Someone already has a Petal sign-in with this email address" in response.content.decode()
    )


def test_invite_service_checks_what_the_role_needs(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    with pytest.raises(ValidationFailed) as caught:
        user_invite(actor=admin, email="x@example.org", full_name="X", role=Role.SERVICE_STAFF)
    assert "organisation" in caught.value.field_errors
    user = user_invite(
        actor=admin,
        email="y@example.org",
        full_name="Y",
        role=Role.PARTNERSHIP_COORDINATOR,
        partnership=Partnership.objects.get(slug="peterborough"),
    )
    assert user.memberships.get().partnership.slug == "peterborough"


def test_give_and_end_a_role(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    person = make_user(Role.TRUSTED_PERSON)
    response = client.post(
        f"/users/{person.pk}/roles/new",
        {"role": "champion", "organisation": "", "partnership": "", "governance_level": ""},
    )
    assert response.status_code == 302
    champion = Membership.objects.get(user=person, role=Role.CHAMPION)
    client.post(f"/users/{person.pk}/roles/{champion.pk}/end")
    champion.refresh_from_db()
    assert champion.ended_at is not None
    detail = client.get(f"/users/{person.pk}").content.decode()
    assert "Trusted Person Champion" in detail  # the history stays
    assert AuditEvent.objects.filter(action="account.role_ended").exists()


def test_ending_a_role_of_another_user_through_the_wrong_url_is_404(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    a = make_user(Role.TRUSTED_PERSON)
    b = make_user(Role.TRUSTED_PERSON)
    response = client.post(f"/users/{a.pk}/roles/{b.memberships.get().pk}/end")
    assert response.status_code == 404
    assert b.memberships.get().ended_at is None


def test_disabled_user_is_signed_out_at_once_and_can_be_enabled_again(client, make_user):
    from django.test import Client

    person = make_user(Role.TRUSTED_PERSON)
    their_browser = Client()
    their_browser.force_login(person)
    assert their_browser.get("/dashboard").status_code == 200
    client.force_login(make_user(Role.ADMINISTRATOR))
    client.post(f"/users/{person.pk}/active", {"active": "false"})
    assert their_browser.get("/dashboard").status_code == 302
    client.post(f"/users/{person.pk}/active", {"active": "true"})
    person.refresh_from_db()
    assert person.is_active
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"account.user_disabled", "account.user_enabled"} <= actions


def test_administrator_cannot_disable_themselves(client, make_user):
    admin = make_user(Role.ADMINISTRATOR)
    client.force_login(admin)
    response = client.post(f"/users/{admin.pk}/active", {"active": "false"}, follow=True)
    assert "You cannot disable your own sign-in" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_data_protection_lead_sees_a_sign_in_but_cannot_change_it(client, make_user):
    person = make_user(Role.TRUSTED_PERSON)
    client.force_login(make_user(Role.DATA_PROTECTION_LEAD))
    html = client.get(f"/users/{person.pk}").content.decode()
    assert person.email in html
    assert "Disable sign-in" not in html
    assert client.post(f"/users/{person.pk}/active", {"active": "false"}).status_code == 403


def test_unknown_user_is_404(client, make_user):
    client.force_login(make_user(Role.ADMINISTRATOR))
    assert client.get("/users/999999").status_code == 404


def test_the_sign_ins_search_keeps_a_typed_name_out_of_addresses_and_the_trail(client, make_user):
    from petal.accounts.tests.factories import UserFactory
    from petal.audit.models import AuditEvent

    admin = make_user(Role.ADMINISTRATOR)
    UserFactory(full_name="Zebedee Searchable", email="zebedee@example.org")
    UserFactory(full_name="Another Person", email="another@example.org")
    client.force_login(admin)
    posted = client.post("/users", {"q": "Zebedee"})
    assert posted.status_code == 302 and posted["Location"] == "/users"
    page = client.get("/users").content.decode()
    assert "Zebedee Searchable" in page and "Another Person" not in page
    assert "?q=" not in page and 'method="post"' in page
    # An old link with the name in its address is moved out of it.
    moved = client.get("/users?q=Zebedee")
    assert moved["Location"] == "/users"
    event = AuditEvent.objects.filter(action="account.users_listed").latest("sequence")
    assert event.data == {"searched": True}
    assert "Another Person" in client.get("/users?clear=1", follow=True).content.decode()
