"""Signing in and out: sessions, audit events, throttling by account and address."""

from datetime import timedelta

import pytest
from django.urls import reverse

from petal.access.roles import Role
from petal.accounts.tests.factories import PASSWORD
from petal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SIGN_IN = "/sign-in"


def _sign_in(client, email, password=PASSWORD, ip="10.0.0.1", **extra):
    return client.post(SIGN_IN, {"email": email, "password": password}, REMOTE_ADDR=ip, **extra)


def test_sign_in_redirects_with_a_session_cookie_and_is_audited(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    response = _sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert "petal_session" in response.cookies
    event = AuditEvent.objects.filter(action="account.signed_in").get()
    assert event.actor_id == user.pk
    assert event.request_id


def test_sign_in_is_case_insensitive_on_email(client, make_user):
    user = make_user(Role.CHAMPION)
    response = _sign_in(client, user.email.upper())
    assert response.status_code == 302


def test_sign_in_starts_a_new_session_key(client, make_user):
    user = make_user(Role.CHAMPION)
    client.get(SIGN_IN)
    client.session.save()
    before = client.session.session_key
    _sign_in(client, user.email)
    assert client.session.session_key != before


def test_wrong_password_shows_error_summary_keeps_email_and_is_audited(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    response = _sign_in(client, user.email, password="not the password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a correct email address and password" in html
    assert f'value="{user.email}"' in html
    assert "not the password" not in html
    event = AuditEvent.objects.get(action="account.sign_in_failed")
    assert event.data["email"] == user.email
    assert "password" not in event.data


def test_malformed_sign_in_form_keeps_what_was_typed(client):
    response = client.post(SIGN_IN, {"email": "not-an-email", "password": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert "Enter an email address in the correct format" in html
    assert "Enter your password" in html
    assert 'value="not-an-email"' in html
    assert 'href="#id_email"' in html


def test_next_parameter_is_followed_only_on_this_site(client, make_user):
    user = make_user(Role.PROGRAMME_TEAM)
    response = client.post(
        f"{SIGN_IN}?next=/pages",
        {"email": user.email, "password": PASSWORD, "next": "/pages"},
    )
    assert response["Location"] == "/pages"
    client.logout()
    response = client.post(
        SIGN_IN, {"email": user.email, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("accounts:home")


def test_sign_out_ends_the_session_and_is_audited(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    _sign_in(client, user.email)
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 302
    assert AuditEvent.objects.filter(action="account.signed_out", actor_id=user.pk).exists()


def test_sign_out_needs_post(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    client.force_login(user)
    assert client.get("/sign-out").status_code == 405
    assert client.get("/dashboard").status_code == 200


def test_repeated_failures_lock_the_account_and_address_pair_only(client, make_user, settings):
    victim = make_user(Role.TRUSTED_PERSON)
    colleague = make_user(Role.TRUSTED_PERSON)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, victim.email, password="guess", ip="10.0.0.5")
    # The right password from the same address is refused while locked.
    locked = _sign_in(client, victim.email, ip="10.0.0.5")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert AuditEvent.objects.filter(action="account.sign_in_locked").exists()
    # A colleague in the same office (same address) can still sign in.
    assert _sign_in(client, colleague.email, ip="10.0.0.5").status_code == 302
    client.post("/sign-out")
    # The same account from another address is not locked either.
    assert _sign_in(client, victim.email, ip="10.0.0.9").status_code == 302


def test_disabled_user_cannot_sign_in(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    user.is_active = False
    user.save()
    response = _sign_in(client, user.email)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.content.decode()


def test_idle_session_expires_and_sends_the_user_to_sign_in(client, make_user):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(make_user(Role.TRUSTED_PERSON))
    assert client.get("/dashboard").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in")


def test_activity_renews_the_session_at_most_once_a_minute(client, make_user, settings):
    from django.contrib.sessions.models import Session

    client.force_login(make_user(Role.TRUSTED_PERSON))
    client.get("/dashboard")
    first = Session.objects.get().expire_date
    client.get("/dashboard")
    assert Session.objects.get().expire_date == first  # no write within the minute
    session = client.session
    session["_petal_renewed"] = 0  # as if last renewed long ago
    session.save()
    client.get("/dashboard")
    assert Session.objects.get().expire_date > first
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_password_reset_sends_a_link_that_sets_a_new_password(client, make_user, mailoutbox):
    user = make_user(Role.TRUSTED_PERSON)
    response = client.post("/password-reset", {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    link = next(line for line in body.splitlines() if "/password-reset/" in line)
    assert link.startswith("http://127.0.0.1:8000/password-reset/")  # PETAL_BASE_URL, not Host
    path = "/" + link.split("/", 3)[3]
    response = client.get(path, follow=True)
    assert "Set a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )
    assert response.status_code == 302
    client.logout()
    assert _sign_in(client, user.email, password="a brand new passphrase").status_code == 302
    assert AuditEvent.objects.filter(action="account.password_reset").exists()


def test_password_reset_for_unknown_email_says_the_same(client, mailoutbox):
    response = client.post("/password-reset", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []


def test_password_reset_bad_email_shows_error(client):
    response = client.post("/password-reset", {"email": "nope"})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert 'value="nope"' in html
