"""Every write about accounts: sign-in and out, users, memberships, tokens."""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.models import Membership, Organisation, PersonalAccessToken, User
from petal.accounts.selectors import hash_secret
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, ValidationFailed


class SignInFailed(Exception):
    def __init__(self, *, locked: bool = False):
        super().__init__("locked" if locked else "failed")
        self.locked = locked


def _client(request) -> dict:
    from petal.core.spam import client_address

    return {
        "ip": client_address(request),
        "agent": request.headers.get("User-Agent", "")[:200],
    }


# Session keys Petal keeps about the sign-in itself.
AUTHENTICATED_AT = "_petal_auth_at"  # when the session was signed in (the absolute timeout)
CONFIRMED_AT = "_petal_confirmed_at"  # when the password was last given (re-authentication)
SECOND_STEP = "_petal_mfa"  # the sign-in passed two-step sign-in
PENDING = "_petal_pending_sign_in"  # the password was right; the code is still to come
PENDING_SECONDS = 5 * 60
PENDING_TRIES = 5


class SecondStepFailed(Exception):
    """The code was wrong (``restart`` False) or the sign-in must start again (True)."""

    def __init__(self, message: str, *, restart: bool = False):
        super().__init__(message)
        self.message = message
        self.restart = restart


def password_check(*, request, email: str, password: str) -> User:
    """Check the email and password, without signing in.

    django-axes counts failures per account-and-address pair and locks that pair only.
    Failure and lock-out each leave an audit event (never the password).
    """
    email = (email or "").strip().lower()
    user = authenticate(request=request, email=email, password=password)
    if user is None:
        locked = bool(getattr(request, "axes_locked_out", False))
        with transaction.atomic():
            audit_record(
                actor=None,
                action="account.sign_in_locked" if locked else "account.sign_in_failed",
                data={"email": email, **_client(request)},
            )
        raise SignInFailed(locked=locked)
    return user


def session_start(*, request, user: User, method: str = "password") -> None:
    """Sign in: a fresh session key (Django's login cycles it), the times the absolute timeout
    and re-authentication count from, and an audit event saying how."""
    with transaction.atomic():
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SECOND_STEP] = method != "password"
        audit_record(
            actor=user,
            action="account.signed_in",
            obj=user,
            data={**_client(request), "method": method},
        )


def session_sign_in(*, request, email: str, password: str) -> User:
    """Email and password, then sign in (for someone with no second step to take)."""
    user = password_check(request=request, email=email, password=password)
    session_start(request=request, user=user)
    return user


def pending_begin(*, request, user: User) -> None:
    """The password was right and a code is needed: remember who, briefly, in a new session
    key. Nothing is signed in yet."""
    request.session.cycle_key()
    request.session[PENDING] = {"user": user.pk, "at": int(time.time()), "tries": 0}


def pending_user(request) -> User | None:
    """Whose password was just checked, if it was within the last five minutes."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("user"), is_active=True).first()


def pending_end(request) -> None:
    request.session.pop(PENDING, None)


def second_step(*, request, code: str) -> tuple[User, str]:
    """Finish a sign-in with a code from the app or a recovery code. Five wrong codes and the
    sign-in starts again from the password."""
    from petal.accounts import mfa

    user = pending_user(request)
    if user is None:
        pending_end(request)
        raise SecondStepFailed("Sign in again: that took too long", restart=True)
    device = mfa.device_for(user)
    if device is not None and mfa.check_app_code(device, code):
        method = "app"
    elif mfa.use_recovery_code(user, code):
        method = "recovery_code"
    else:
        pending = request.session[PENDING]
        pending["tries"] = pending.get("tries", 0) + 1
        request.session[PENDING] = pending
        with transaction.atomic():
            audit_record(
                actor=user, action="account.second_step_failed", obj=user, data=_client(request)
            )
        if pending["tries"] >= PENDING_TRIES:
            pending_end(request)
            raise SecondStepFailed("Sign in again: too many wrong codes", restart=True)
        raise SecondStepFailed(
            "Enter the 6-digit code from your authenticator app, or a recovery code"
        )
    pending_end(request)
    session_start(request=request, user=user, method=method)
    if method == "recovery_code":
        with transaction.atomic():
            audit_record(
                actor=user,
                action="account.recovery_code_used",
                obj=user,
                data={"left": mfa.unused_recovery_codes(user)},
            )
    return user, method


def mfa_device_new(*, user: User):
    """An unconfirmed authenticator-app key for the user to scan. Any earlier unconfirmed key
    is replaced; a confirmed one keeps working until the new one is confirmed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def mfa_confirm(*, actor: User, device, code: str) -> list[str]:
    """Confirm the app with a code it shows; it replaces any earlier app. Returns a fresh set
    of recovery codes (shown once, stored hashed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from petal.accounts import mfa

    if device is None or device.user_id != actor.pk or device.confirmed:
        raise ValidationFailed(
            "Start setting up again", field_errors={"code": ["Start setting up again"]}
        )
    if not mfa.check_app_code(device, code):
        message = "Enter the 6-digit code your authenticator app shows now"
        raise ValidationFailed(message, field_errors={"code": [message]})
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=actor, action="account.mfa_enabled", obj=actor)
    return recovery_codes_create(actor=actor)


@transaction.atomic
def recovery_codes_create(*, actor: User) -> list[str]:
    """Ten new recovery codes; the earlier ones stop working."""
    from petal.accounts import mfa
    from petal.accounts.models import RecoveryCode

    RecoveryCode.objects.filter(user=actor).delete()
    codes = mfa.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=actor, code_hash=mfa.recovery_hash(code)) for code in codes
    )
    audit_record(actor=actor, action="account.recovery_codes_created", obj=actor)
    return codes


@transaction.atomic
def mfa_remove(*, actor: User, user: User) -> None:
    """Turn two-step sign-in off: the user's own choice where it is not required, or an
    administrator's reset for a lost phone (the user sets it up again at their next sign-in,
    and every session they have open ends)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from petal.accounts import mfa
    from petal.accounts.models import RecoveryCode

    if actor.pk == user.pk and mfa.required_for(user):
        raise Forbidden("Your role needs two-step sign-in, so it cannot be turned off")
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if actor.pk != user.pk:
        _end_sessions(user)
    audit_record(
        actor=actor,
        action="account.mfa_removed" if actor.pk == user.pk else "account.mfa_reset",
        obj=user,
    )


def _end_sessions(user: User) -> None:
    User.objects.filter(pk=user.pk).update(sessions_epoch=F("sessions_epoch") + 1)
    user.refresh_from_db(fields=["sessions_epoch"])


@transaction.atomic
def sessions_end(*, actor: User, user: User, request=None) -> None:
    """End every session the user has open, at their next request. Given the actor's own
    request (signing out everywhere else), that one session carries on."""
    _end_sessions(user)
    if request is not None and request.user.pk == user.pk:
        update_session_auth_hash(request, user)
    audit_record(
        actor=actor,
        action="account.sessions_ended",
        obj=user,
        data={"kept_this_one": request is not None and request.user.pk == user.pk},
    )


def reauthenticate(*, request, password: str, code: str = "") -> None:
    """Confirm it is still the signed-in person before a sensitive action: their password,
    and a code when they use two-step sign-in."""
    from petal.accounts import mfa

    user = request.user
    errors = {}
    if not user.check_password(password or ""):
        errors["password"] = ["Enter your password correctly"]
    device = mfa.device_for(user)
    if device is not None and not errors:
        if not (mfa.check_app_code(device, code) or mfa.use_recovery_code(user, code)):
            errors["code"] = [
                "Enter the 6-digit code from your authenticator app, or a recovery code"
            ]
    if errors:
        with transaction.atomic():
            audit_record(
                actor=user, action="account.confirm_failed", obj=user, data=_client(request)
            )
        raise ValidationFailed(next(iter(errors.values()))[0], field_errors=errors)
    # A new session key on every step up in trust, as at sign-in.
    request.session.cycle_key()
    request.session[CONFIRMED_AT] = int(time.time())
    with transaction.atomic():
        audit_record(actor=user, action="account.confirmed", obj=user, data=_client(request))


@transaction.atomic
def password_change(*, request, password: str) -> None:
    """A new password (already confirmed by re-authentication). Other sessions end, since
    the password is part of their auth hash; this one carries on. The user is told by email."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = request.user
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationFailed(
            error.messages[0], field_errors={"new_password1": list(error.messages)}
        ) from error
    user.set_password(password)
    user.save(update_fields=["password"])
    update_session_auth_hash(request, user)
    audit_record(actor=user, action="account.password_changed", obj=user)
    _send_notice(
        user.email, "Your Petal password was changed", "accounts/email/password_changed.txt", user
    )


EMAIL_CHANGE_SALT = "petal.accounts.email-change"
EMAIL_CHANGE_MAX_AGE = 24 * 60 * 60


@transaction.atomic
def email_change_request(*, actor: User, email: str) -> None:
    """Send a link to the new address; the email changes when it is followed. The old address
    is told, so a stolen session cannot quietly take over the account."""
    from django.core import signing
    from django.urls import reverse

    email = (email or "").strip().lower()
    if email == actor.email:
        message = "This is already your email address"
        raise ValidationFailed(message, field_errors={"email": [message]})
    if User.objects.filter(email__iexact=email).exists():
        message = "Someone already has a Petal sign-in with this email address"
        raise ValidationFailed(message, field_errors={"email": [message]})
    actor.email_pending = email
    actor.save(update_fields=["email_pending"])
    token = signing.dumps(
        {"user": actor.pk, "check": _email_check(actor)}, salt=EMAIL_CHANGE_SALT, compress=True
    )
    link = settings.PETAL_BASE_URL + reverse("accounts:email-confirm", kwargs={"token": token})
    _send_notice(
        email,
        "Confirm your new Petal email address",
        "accounts/email/email_confirm.txt",
        actor,
        link=link,
    )
    _send_notice(
        actor.email,
        "Your Petal email address is being changed",
        "accounts/email/email_changing.txt",
        actor,
    )
    audit_record(actor=actor, action="account.email_change_requested", obj=actor)


@transaction.atomic
def email_change_confirm(*, actor: User, token: str) -> User:
    """Follow the link: the signed-in user's address becomes the new one, if the link is
    theirs, unexpired, and their address has not changed since."""
    from django.core import signing

    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature as error:
        raise ValidationFailed(
            "This link has expired or is not right. Ask for a new one."
        ) from error
    user = User.objects.select_for_update().filter(pk=actor.pk).first()
    if (
        user is None
        or not user.email_pending
        or data.get("user") != user.pk
        or data.get("check") != _email_check(user)
    ):
        raise ValidationFailed("This link has expired or is not right. Ask for a new one.")
    if User.objects.filter(email__iexact=user.email_pending).exclude(pk=user.pk).exists():
        raise ValidationFailed("Someone already has a Petal sign-in with this email address")
    user.email, user.email_pending = user.email_pending, ""
    user.save(update_fields=["email", "email_pending"])
    audit_record(actor=user, action="account.email_changed", obj=user)
    return user


def _email_check(user: User) -> str:
    """Ties a link to this user's current and asked-for addresses without putting either in
    it: a later request, or a change since, makes older links stop working."""
    import hashlib

    return hashlib.sha256(f"{user.email}|{user.email_pending}".encode()).hexdigest()[:32]


def _send_notice(to: str, subject: str, template: str, user: User, **context) -> None:
    from django.template.loader import render_to_string

    from petal.core.tasks import email_enqueue

    body = render_to_string(
        template, {"user": user, "base_url": settings.PETAL_BASE_URL, **context}
    )
    email_enqueue(to=[to], subject=subject, body=body)


def session_sign_out(*, request) -> None:
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        if user is not None:
            audit_record(actor=user, action="account.signed_out", obj=user, data=_client(request))
        logout(request)


@transaction.atomic
def password_reset_recorded(*, user: User) -> None:
    """A new password was set through an emailed link (Django's view saved it)."""
    audit_record(actor=user, action="account.password_reset", obj=user)


@transaction.atomic
def user_create(*, actor, email: str, full_name: str, password: str | None = None) -> User:
    """Create a sign-in. Without a password the person sets one through password reset."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    audit_record(actor=actor, action="account.user_created", obj=user)
    return user


@transaction.atomic
def membership_add(
    *,
    actor,
    user: User,
    role: Role | str,
    organisation: Organisation | None = None,
    partnership=None,
    governance_level=None,
) -> Membership:
    """Give a user a role, in an organisation, partnership or governance group."""
    membership = Membership.objects.create(
        user=user,
        role=Role(role),
        organisation=organisation,
        partnership=partnership,
        governance_level=governance_level,
    )
    audit_record(
        actor=actor,
        action="account.role_granted",
        obj=user,
        data={
            "role": str(role),
            "organisation": organisation.slug if organisation else None,
            "partnership": partnership.slug if partnership else None,
        },
    )
    return membership


@transaction.atomic
def token_create(
    *, actor: User, name: str, days: int | None = None
) -> tuple[PersonalAccessToken, str]:
    """Make an API token for the actor. Returns the record and the token, shown once only."""
    days = days or settings.PETAL_TOKEN_DEFAULT_DAYS
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32).replace("_", "-")
    token = PersonalAccessToken.objects.create(
        user=actor,
        name=name.strip(),
        prefix=prefix,
        secret_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(actor=actor, action="account.token_created", obj=token, data={"name": token.name})
    return token, f"petal_{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, actor: User, token_id: int) -> PersonalAccessToken:
    """Revoke one of the actor's own tokens; it stops working at once."""
    token = PersonalAccessToken.objects.filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound("No such token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="account.token_revoked", obj=token)
    return token


ROLE_NEEDS = {
    Role.PARTNERSHIP_COORDINATOR: "partnership",
    Role.SERVICE_STAFF: "organisation",
    Role.GOVERNANCE_MEMBER: "governance_level",
}


def _check_membership(role, organisation, partnership, governance_level) -> None:
    from petal.core.errors import ValidationFailed

    need = ROLE_NEEDS.get(Role(role))
    given = {
        "organisation": organisation,
        "partnership": partnership,
        "governance_level": governance_level,
    }
    if need and given[need] is None:
        messages = {
            "partnership": "Select the partnership this person coordinates",
            "organisation": "Select the organisation whose services this person works for",
            "governance_level": "Select the governance group this person is a member of",
        }
        raise ValidationFailed(messages[need], field_errors={need: [messages[need]]})


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: Role | str,
    organisation: Organisation | None = None,
    partnership=None,
    governance_level=None,
) -> User:
    """Give someone a Petal sign-in with one role, and email them a link to set a password.

    The email carries no one's details but their own address: a link to sign in.
    """
    from petal.core.errors import ValidationFailed

    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        message = "Someone already has a Petal sign-in with this email address"
        raise ValidationFailed(message, field_errors={"email": [message]})
    _check_membership(role, organisation, partnership, governance_level)
    user = user_create(actor=actor, email=email, full_name=full_name.strip())
    membership_give(
        actor=actor,
        user=user,
        role=role,
        organisation=organisation,
        partnership=partnership,
        governance_level=governance_level,
    )
    # Queued in the same transaction: the worker only sees the task once the sign-in exists.
    _send_invitation(user)
    return user


def invitation_link(user: User) -> str:
    """A link that lets the user set their password (Django's password-reset token)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return settings.PETAL_BASE_URL + reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def _send_invitation(user: User) -> None:
    from django.template.loader import render_to_string

    from petal.core.tasks import email_enqueue

    link = invitation_link(user)
    body = render_to_string("accounts/email/invitation.txt", {"user": user, "link": link})
    email_enqueue(to=[user.email], subject="Your Petal sign-in", body=body)


@transaction.atomic
def membership_give(
    *,
    actor: User,
    user: User,
    role: Role | str,
    organisation: Organisation | None = None,
    partnership=None,
    governance_level=None,
) -> Membership:
    """Give an existing sign-in another role (checked for what that role needs)."""
    from petal.core.errors import ValidationFailed

    if user.is_individual:
        message = "This is a person's own sign-in to their record: it cannot hold a staff role"
        raise ValidationFailed(message, field_errors={"role": [message]})
    _check_membership(role, organisation, partnership, governance_level)
    return membership_add(
        actor=actor,
        user=user,
        role=role,
        organisation=organisation,
        partnership=partnership,
        governance_level=governance_level,
    )


@transaction.atomic
def membership_end(*, actor: User, user: User, membership_id: int) -> Membership:
    """End one of a user's roles from now on. The record of having held it stays."""
    membership = Membership.objects.filter(
        pk=membership_id, user=user, ended_at__isnull=True
    ).first()
    if membership is None:
        raise NotFound("No such role")
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    audit_record(actor=actor, action="account.role_ended", obj=user, data={"role": membership.role})
    return membership


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Disable or re-enable a sign-in. A disabled user is signed out at their next request:
    Django no longer loads an inactive user for a session, and tokens stop working."""
    from petal.core.errors import Forbidden

    if user.pk == actor.pk and not active:
        raise Forbidden("You cannot disable your own sign-in")
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            # Enabling the sign-in again must not bring its old sessions back.
            _end_sessions(user)
        audit_record(
            actor=actor,
            action="account.user_enabled" if active else "account.user_disabled",
            obj=user,
        )
    return user
