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
