"""Sessions and accounts (ASVS V7 and V6): the absolute timeout, ending a user's sessions,
re-authentication before sensitive actions, two-step sign-in with an authenticator app and
recovery codes, changing password and email."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from petal.access.roles import Role
from petal.accounts.models import RecoveryCode, User
from petal.accounts.tests.factories import PASSWORD
from petal.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _sign_in(client, user, password=PASSWORD):
    return client.post("/sign-in", {"email": user.email, "password": password})


def _code(device: TOTPDevice, *, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def _signed_in(client) -> bool:
    response = client.get("/dashboard")
    return response.status_code == 200


# --- the absolute timeout -----------------------------------------------------------------


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    with time_machine.travel(START, tick=False) as clock:
        assert _sign_in(client, user).status_code == 302
        # A request every 25 minutes keeps the 30-minute idle timeout from ever firing.
        for _ in range(28):  # 11 h 40 min
            clock.shift(dt.timedelta(minutes=25))
            assert client.get("/dashboard").status_code == 200
        clock.shift(dt.timedelta(minutes=25))  # 12 h 05 min after signing in
        response = client.get("/dashboard")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in?next=/dashboard")
    assert AuditEvent.objects.filter(action="account.session_expired", actor_id=user.pk).exists()
    assert not _signed_in(client)


def test_an_idle_session_lapses_after_thirty_minutes(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/dashboard").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        assert client.get("/dashboard").status_code == 302


@override_settings(PETAL_SESSION_ABSOLUTE_HOURS=2)
def test_the_absolute_timeout_is_a_setting(client, make_user):
    user = make_user(Role.CHAMPION)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        for _ in range(4):
            clock.shift(dt.timedelta(minutes=25))
            assert client.get("/dashboard").status_code == 200
        clock.shift(dt.timedelta(minutes=25))
        assert client.get("/dashboard").status_code == 302


# --- ending sessions -------------------------------------------------------------------------


def test_an_administrator_ends_every_session_a_user_has_open(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    worker = make_user(Role.TRUSTED_PERSON)
    phone, laptop, admin_client = Client(), Client(), Client()
    _sign_in(phone, worker)
    _sign_in(laptop, worker)
    _sign_in(admin_client, admin)
    assert _signed_in(phone) and _signed_in(laptop)

    response = admin_client.post(f"/users/{worker.pk}/sessions/end")
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    assert _signed_in(admin_client)
    event = AuditEvent.objects.get(action="account.sessions_ended")
    assert (event.actor_id, event.object_id) == (admin.pk, str(worker.pk))
    # Signing in again works as usual.
    _sign_in(phone, worker)
    assert _signed_in(phone)


def test_only_administrators_end_other_peoples_sessions(make_user):
    coordinator = make_user(Role.DATA_PROTECTION_LEAD)
    worker = make_user(Role.TRUSTED_PERSON)
    them, other = Client(), Client()
    _sign_in(them, worker)
    _sign_in(other, coordinator)
    assert other.post(f"/users/{worker.pk}/sessions/end").status_code == 403
    assert _signed_in(them)


def test_signing_out_everywhere_else_keeps_this_session(make_user):
    worker = make_user(Role.CHAMPION)
    here, elsewhere = Client(), Client()
    _sign_in(here, worker)
    _sign_in(elsewhere, worker)
    assert here.post("/account/sessions/end").status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)


def test_a_disabled_users_sessions_do_not_come_back_when_enabled_again(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    worker = make_user(Role.TRUSTED_PERSON)
    theirs, admins = Client(), Client()
    _sign_in(theirs, worker)
    _sign_in(admins, admin)
    admins.post(f"/users/{worker.pk}/active", {"active": "false"})
    assert not _signed_in(theirs)
    admins.post(f"/users/{worker.pk}/active", {"active": "true"})
    assert not _signed_in(theirs)
    assert User.objects.get(pk=worker.pk).is_active


# --- re-authentication ---------------------------------------------------------------------


def test_creating_a_token_long_after_signing_in_asks_for_the_password_again(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        assert "Confirm it’s you" not in client.get("/account/tokens/new").content.decode()
        clock.shift(dt.timedelta(minutes=16))
        page = client.get("/account/tokens/new").content.decode()
        assert "Confirm it’s you" in page
        assert "create an API token" in page

        wrong = client.post(
            "/account/tokens/new",
            {"_petal_confirm_password": "not it", "_petal_confirm_method": "GET"},
        )
        assert wrong.status_code == 200
        assert "Enter your password correctly" in wrong.content.decode()
        assert "not it" not in wrong.content.decode()
        assert AuditEvent.objects.filter(action="account.confirm_failed").count() == 1

        right = client.post(
            "/account/tokens/new",
            {"_petal_confirm_password": PASSWORD, "_petal_confirm_method": "GET"},
        )
        assert right.status_code == 302 and right["Location"] == "/account/tokens/new"
        assert "Confirm it’s you" not in client.get("/account/tokens/new").content.decode()
    assert AuditEvent.objects.filter(action="account.confirmed", actor_id=user.pk).exists()


def test_what_was_typed_is_kept_through_the_confirmation(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        clock.shift(dt.timedelta(minutes=20))
        # The form was filled in; the password is asked for when it is sent.
        page = client.post("/account/tokens/new", {"name": "Reporting sheet", "days": "30"})
        html = page.content.decode()
        assert "Confirm it’s you" in html
        assert 'name="name" value="Reporting sheet"' in html
        assert not user.tokens.exists()
        done = client.post(
            "/account/tokens/new",
            {
                "name": "Reporting sheet",
                "days": "30",
                "_petal_confirm_password": PASSWORD,
                "_petal_confirm_method": "POST",
            },
        )
    assert done.status_code == 200
    token = user.tokens.get()
    assert token.name == "Reporting sheet"
    assert "petal_" in done.content.decode()


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/account/password", None),
        ("get", "/account/email", None),
        ("get", "/account/two-step", None),
        ("post", "/account/sessions/end", {}),
        ("post", "/safeguarding/", {"reference": "P-1"}),
    ],
)
def test_sensitive_actions_ask_again(client, make_user, method, path, data):
    user = make_user(Role.SAFEGUARDING_LEAD)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        clock.shift(dt.timedelta(minutes=16))
        response = getattr(client, method)(path, data) if data is not None else client.get(path)
    assert response.status_code == 200
    assert "Confirm it’s you" in response.content.decode()


def test_administrators_confirm_before_changing_roles(make_user):
    admin = make_user(Role.ADMINISTRATOR)
    worker = make_user(Role.TRUSTED_PERSON)
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, admin)
        clock.shift(dt.timedelta(minutes=16))
        response = client.post(f"/users/{worker.pk}/active", {"active": "false"})
        assert "Confirm it’s you" in response.content.decode()
        assert User.objects.get(pk=worker.pk).is_active
        client.post(
            f"/users/{worker.pk}/active",
            {"active": "false", "_petal_confirm_password": PASSWORD},
        )
    assert not User.objects.get(pk=worker.pk).is_active


# --- two-step sign-in -------------------------------------------------------------------------


def _enrol(client, user) -> list[str]:
    """Sign in for the first time where two-step sign-in is required: set up the app."""
    response = _sign_in(client, user)
    assert response["Location"] == "/sign-in/code"
    page = client.get("/sign-in/code").content.decode()
    assert "Set up two-step sign-in" in page
    assert 'src="data:image/svg+xml;base64,' in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    key = re.search(r'class="petal-setup-key">([A-Z2-7 ]+)<', page).group(1)
    assert key.replace(" ", "") in device.config_url
    done = client.post("/sign-in/code", {"code": _code(device)})
    assert done["Location"] == "/account/recovery-codes"
    codes = re.findall(
        r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", client.get(done["Location"]).content.decode()
    )
    assert len(codes) == 10
    return codes


@override_settings(PETAL_MFA_REQUIRED=True)
def test_a_role_reading_personal_data_must_set_up_two_step_sign_in(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    response = _sign_in(client, user)
    assert response.status_code == 302 and response["Location"] == "/sign-in/code"
    # The password alone signs nobody in.
    assert client.get("/dashboard").status_code == 302
    codes = _enrol(client, user)
    assert _signed_in(client)
    # The codes are shown once; only keyed hashes are kept.
    assert client.get("/account/recovery-codes").status_code == 302
    stored = set(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not any(code in stored for code in codes)
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuditEvent.objects.filter(action="account.mfa_enabled", actor_id=user.pk).exists()
    event = AuditEvent.objects.filter(action="account.signed_in").latest("sequence")
    assert event.data["method"] == "app"


@override_settings(PETAL_MFA_REQUIRED=True)
def test_signing_in_asks_for_the_code_and_refuses_a_wrong_or_reused_one(make_user):
    user = make_user(Role.SERVICE_STAFF)
    first = Client()
    _enrol(first, user)
    device = TOTPDevice.objects.get(user=user)

    client = Client()
    _sign_in(client, user)
    page = client.get("/sign-in/code").content.decode()
    assert "Enter the code from your authenticator app" in page
    wrong = client.post(
        "/sign-in/code", {"code": "000000" if _code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "Enter the 6-digit code" in wrong.content.decode()
    assert not _signed_in(client)
    assert AuditEvent.objects.filter(action="account.second_step_failed").count() == 1
    # The code the set-up used cannot be used again (django-otp keeps the last time step).
    device.refresh_from_db()
    device.throttle_reset()
    replay = client.post("/sign-in/code", {"code": _code(device)})
    assert replay.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/sign-in/code", {"code": _code(device, offset=1)})
    assert ok.status_code == 302
    assert _signed_in(client)


@override_settings(PETAL_MFA_REQUIRED=True)
def test_five_wrong_codes_start_the_sign_in_again(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    _enrol(Client(), user)
    _sign_in(client, user)
    for _ in range(4):
        assert client.post("/sign-in/code", {"code": "12345a"}).status_code == 200
    last = client.post("/sign-in/code", {"code": "12345a"})
    assert last["Location"] == "/sign-in"
    assert client.get("/sign-in/code")["Location"] == "/sign-in"
    assert not _signed_in(client)


@override_settings(PETAL_MFA_REQUIRED=True)
def test_a_recovery_code_works_once(make_user):
    user = make_user(Role.TRUSTED_PERSON)
    codes = _enrol(Client(), user)
    client = Client()
    _sign_in(client, user)
    assert client.post("/sign-in/code", {"code": codes[3].upper()}).status_code == 302
    assert _signed_in(client)
    assert AuditEvent.objects.get(action="account.recovery_code_used").data == {"left": 9}
    again = Client()
    _sign_in(again, user)
    assert again.post("/sign-in/code", {"code": codes[3]}).status_code == 200
    assert not _signed_in(again)


@override_settings(PETAL_MFA_REQUIRED=True)
def test_the_code_step_expires_after_five_minutes(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    _enrol(Client(), user)
    device = TOTPDevice.objects.get(user=user)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        clock.shift(dt.timedelta(minutes=6))
        response = client.post("/sign-in/code", {"code": _code(device)})
    assert response["Location"] == "/sign-in"
    assert not _signed_in(client)


@override_settings(PETAL_MFA_REQUIRED=True)
def test_governance_members_keep_the_one_page_sign_in(client, make_user):
    user = make_user(Role.GOVERNANCE_MEMBER)
    assert _sign_in(client, user)["Location"] == "/dashboard"
    assert _signed_in(client)


@override_settings(PETAL_MFA_REQUIRED=True)
def test_a_session_without_the_second_step_is_ended_when_the_role_needs_it(client, make_user):
    user = make_user(Role.GOVERNANCE_MEMBER)
    _sign_in(client, user)
    assert _signed_in(client)
    # Given a role that reads personal data: the open session no longer passes.
    from petal.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=user, role=Role.TRUSTED_PERSON)
    response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in")
    assert not _signed_in(client)


def test_without_the_requirement_sign_in_is_one_page_but_a_chosen_app_is_asked_for(make_user):
    user = make_user(Role.TRUSTED_PERSON)
    client = Client()
    assert _sign_in(client, user)["Location"] == "/dashboard"
    page = client.get("/account/two-step").content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert "Set up two-step sign-in" in page
    done = client.post("/account/two-step", {"device": device.pk, "code": _code(device)})
    assert done["Location"] == "/account/recovery-codes"
    # From now on this user is asked for a code, even though their role does not need it.
    later = Client()
    assert _sign_in(later, user)["Location"] == "/sign-in/code"
    # And may turn it off again (after confirming).
    assert client.post("/account/two-step/off")["Location"] == "/account"
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()


@override_settings(PETAL_MFA_REQUIRED=True)
def test_a_required_user_cannot_turn_it_off_but_an_administrator_can_reset_it(make_user):
    user = make_user(Role.TRUSTED_PERSON)
    admin = make_user(Role.ADMINISTRATOR)
    theirs = Client()
    _enrol(theirs, user)
    theirs.post("/account/two-step/off")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    admins = Client()
    _enrol(admins, admin)
    assert admins.post(f"/users/{user.pk}/two-step/reset").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not _signed_in(theirs)
    assert AuditEvent.objects.filter(action="account.mfa_reset", object_id=str(user.pk)).exists()
    # Their next sign-in sets it up again.
    assert _sign_in(Client(), user)["Location"] == "/sign-in/code"


@override_settings(PETAL_MFA_REQUIRED=True)
def test_confirming_it_is_you_asks_for_the_code_too(make_user):
    user = make_user(Role.TRUSTED_PERSON)
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        _enrol(client, user)
        clock.shift(dt.timedelta(minutes=20))
        page = client.get("/account/tokens/new").content.decode()
        assert "Code from your authenticator app" in page
        missing = client.post(
            "/account/tokens/new",
            {"_petal_confirm_password": PASSWORD, "_petal_confirm_method": "GET"},
        )
        assert "Enter the 6-digit code" in missing.content.decode()
        device = TOTPDevice.objects.get(user=user)
        device.throttle_reset()
        ok = client.post(
            "/account/tokens/new",
            {
                "_petal_confirm_password": PASSWORD,
                "_petal_confirm_code": _code(device),
                "_petal_confirm_method": "GET",
            },
        )
    assert ok.status_code == 302


# --- password and email ----------------------------------------------------------------------


def test_changing_the_password_signs_out_other_sessions_and_tells_the_user(make_user):
    user = make_user(Role.CHAMPION)
    here, elsewhere = Client(), Client()
    _sign_in(here, user)
    _sign_in(elsewhere, user)
    short = here.post("/account/password", {"new_password1": "short", "new_password2": "short"})
    assert short.status_code == 200 and "govuk-error-summary" in short.content.decode()
    new = "a calm river of blue stones"
    done = here.post("/account/password", {"new_password1": new, "new_password2": new})
    assert done["Location"] == "/account"
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert User.objects.get(pk=user.pk).check_password(new)
    assert mail.outbox[-1].to == [user.email]
    assert "password" in mail.outbox[-1].subject.lower()


def test_changing_email_needs_the_link_sent_to_the_new_address(make_user):
    user = make_user(Role.CHAMPION)
    other = make_user(Role.CHAMPION)
    client = Client()
    _sign_in(client, user)
    taken = client.post("/account/email", {"email": other.email})
    assert "already has a Petal sign-in" in taken.content.decode()
    client.post("/account/email", {"email": "new.address@example.org"})
    assert User.objects.get(pk=user.pk).email == user.email
    to_new = next(m for m in mail.outbox if m.to == ["new.address@example.org"])
    assert any(m.to == [user.email] for m in mail.outbox)
    link = re.search(r"https?://\S+(/account/email/\S+)", to_new.body).group(1)
    # The link carries neither address.
    assert "new.address" not in link and user.email.split("@")[0] not in link
    # Someone else following the link changes nothing.
    stranger = Client()
    _sign_in(stranger, other)
    stranger.post(link)
    assert User.objects.get(pk=other.pk).email == other.email
    assert User.objects.get(pk=user.pk).email == user.email
    # The user does, once.
    assert client.get(link).status_code == 200
    client.post(link)
    assert User.objects.get(pk=user.pk).email == "new.address@example.org"
    assert AuditEvent.objects.filter(action="account.email_changed", actor_id=user.pk).exists()
    client.post(link)
    assert AuditEvent.objects.filter(action="account.email_changed").count() == 1


def test_recovery_codes_survive_a_secret_key_rotation(make_user, settings):
    # The settings fixture only: mixed with override_settings, its undoing would leak.
    settings.PETAL_MFA_REQUIRED = True
    user = make_user(Role.TRUSTED_PERSON)
    codes = _enrol(Client(), user)
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "k" * 40
    settings.SECRET_KEY_FALLBACKS = [old]
    client = Client()
    assert _sign_in(client, user)["Location"] == "/sign-in/code"
    response = client.post("/sign-in/code", {"code": codes[0]})
    assert response.status_code == 302, response.content.decode()[-3000:]
    # Without the old key in the fallbacks, the codes made with it no longer work.
    settings.SECRET_KEY_FALLBACKS = []
    again = Client()
    _sign_in(again, user)
    assert again.post("/sign-in/code", {"code": codes[1]}).status_code == 200


def test_confirming_it_is_you_starts_a_new_session_key(client, make_user):
    user = make_user(Role.TRUSTED_PERSON)
    with time_machine.travel(START, tick=False) as clock:
        _sign_in(client, user)
        before = client.session.session_key
        clock.shift(dt.timedelta(minutes=20))
        client.post(
            "/account/tokens/new",
            {"_petal_confirm_password": PASSWORD, "_petal_confirm_method": "GET"},
        )
        assert client.session.session_key != before
        assert _signed_in(client)


def test_behind_a_trusted_proxy_the_visitors_address_is_locked_and_recorded(
    client, make_user, settings
):
    settings.PETAL_TRUSTED_PROXIES = 1
    user = make_user(Role.TRUSTED_PERSON)
    proxy = "10.0.0.1"

    def attempt(visitor, password="wrong password"):  # noqa: S107
        return client.post(
            "/sign-in",
            {"email": user.email, "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=visitor,
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("203.0.113.9")
    failed = AuditEvent.objects.filter(action="account.sign_in_failed").first()
    assert failed.data["ip"] == "203.0.113.9"
    assert attempt("203.0.113.9", PASSWORD).status_code == 429
    # Another visitor behind the same proxy is not locked out of the same account.
    assert attempt("198.51.100.7", PASSWORD).status_code == 302
