"""Every write about accounts: sign-in and out, users, memberships, tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.utils import timezone

from petal.access.roles import Role
from petal.accounts.models import Membership, Organisation, PersonalAccessToken, User
from petal.accounts.selectors import hash_secret
from petal.audit.services import audit_record
from petal.core.errors import NotFound


class SignInFailed(Exception):
    def __init__(self, *, locked: bool = False):
        super().__init__("locked" if locked else "failed")
        self.locked = locked


def _client(request) -> dict:
    return {
        "ip": request.META.get("REMOTE_ADDR", ""),
        "agent": request.headers.get("User-Agent", "")[:200],
    }


def session_sign_in(*, request, email: str, password: str) -> User:
    """Check the email and password; on success start a fresh session.

    django-axes counts failures per account-and-address pair and locks that pair only.
    Success, failure and lock-out each leave an audit event (never the password).
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
    with transaction.atomic():
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        audit_record(actor=user, action="account.signed_in", obj=user, data=_client(request))
    return user


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
        audit_record(
            actor=actor,
            action="account.user_enabled" if active else "account.user_disabled",
            obj=user,
        )
    return user
