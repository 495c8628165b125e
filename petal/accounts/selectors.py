"""Reads about users, organisations, memberships and tokens."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from petal.access.policy import can
from petal.accounts.models import Membership, Organisation, PersonalAccessToken, User


def _active_memberships() -> QuerySet[Membership]:
    now = timezone.now()
    return Membership.objects.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=now))


def active_memberships_for_user_id(user_id: int) -> list[tuple[str, int | None, int | None]]:
    """(role, organisation id, partnership id) for each membership in force now: one query
    that answers both "which roles?" and "through which organisations and partnerships?"."""
    return list(
        _active_memberships()
        .filter(user_id=user_id)
        .values_list("role", "organisation_id", "partnership_id")
    )


def active_roles_for_user_id(user_id: int) -> list[str]:
    """The distinct roles a user holds through memberships in force now."""
    return list(
        _active_memberships().filter(user_id=user_id).values_list("role", flat=True).distinct()
    )


def memberships_for(user) -> QuerySet[Membership]:
    return (
        _active_memberships()
        .filter(user=user)
        .select_related("organisation", "partnership", "governance_level")
        .order_by("role")
    )


def user_base_queryset() -> QuerySet[User]:
    return User.objects.prefetch_related(
        Prefetch(
            "memberships",
            queryset=_active_memberships().select_related(
                "organisation", "partnership", "governance_level"
            ),
            to_attr="active_memberships",
        )
    ).order_by("full_name", "email")


def users_visible_to(actor, *, search: str = "") -> QuerySet[User]:
    """People with sign-ins, for readers allowed to see who holds which role (recorded)."""
    from petal.audit.services import audit_record

    if not can(actor, "users.view"):
        return User.objects.none()
    audit_record(
        actor=actor, action="account.users_listed", data={"searched": True} if search else None
    )
    qs = user_base_queryset()
    if search:
        qs = qs.filter(Q(full_name__icontains=search) | Q(email__icontains=search))
    return qs


def organisations_visible_to(actor, *, search: str = "") -> QuerySet[Organisation]:
    if not can(actor, "organisations.view"):
        return Organisation.objects.none()
    qs = (
        Organisation.objects.annotate(
            member_count=Count(
                "memberships__user",
                filter=Q(memberships__ended_at__isnull=True),
                distinct=True,
            )
        )
        .select_related("partner")
        .order_by("name")
    )
    if search:
        qs = qs.filter(name__icontains=search)
    return qs


def tokens_for(user) -> QuerySet[PersonalAccessToken]:
    return PersonalAccessToken.objects.filter(user=user).order_by("-created_at")


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_user(raw: str):
    """The active user a usable token belongs to, or None. Compares hashes in constant time."""
    import hmac

    parts = raw.split("_")
    if len(parts) != 3 or parts[0] != "petal":
        return None
    _, prefix, secret = parts
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        return None
    # Touch last-used at most once a minute, so reads do not become writes on every call.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_get_for(actor, user_id: int) -> User:
    """One sign-in, with every role it has held; not found unless the reader may see sign-ins."""
    from petal.core.errors import NotFound

    if not can(actor, "users.view"):
        raise NotFound("No such user")
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound("No such user")
    return user


def membership_history(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "partnership", "governance_level")
        .order_by("ended_at", "role")
    )


def organisation_by_slug(slug: str) -> Organisation | None:
    """Organisations are not personal data: anyone signed in may name one."""
    return Organisation.objects.filter(slug=slug).first()


def users_with_role(role, *, organisation_id: int | None = None) -> QuerySet[User]:
    """Active users holding a role now, anywhere or in one organisation (for notifications)."""
    memberships = _active_memberships().filter(role=role)
    if organisation_id is not None:
        memberships = memberships.filter(organisation_id=organisation_id)
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).order_by("pk")


def worker_by_email(email: str) -> User | None:
    """The active worker (not a person's own sign-in) with this email address, or None: who
    can be invited to a meeting, own an action or join a governance group."""
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True, is_individual=False).first()
