"""Users (signed in by email), organisations, the roles people hold, and API tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from petal.access.roles import Role

# A person Petal supports who has no email address signs in with a name printed on their
# receipt, like "petal-4821-3390"; it is kept as an address at this reserved, undeliverable
# domain, so every sign-in still has one unique email-shaped identifier.
INDIVIDUAL_DOMAIN = "people.petal.invalid"


def sign_in_email(name: str) -> str:
    """The identifier for what someone typed at sign-in: an email address, or a sign-in name."""
    name = name.strip().lower()
    return name if "@" in name else f"{name}@{INDIVIDUAL_DOMAIN}"


def sign_in_name(email: str) -> str:
    """What to tell someone to type at sign-in."""
    suffix = "@" + INDIVIDUAL_DOMAIN
    return email[: -len(suffix)] if email.endswith(suffix) else email


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    """Someone who signs in to Petal. Roles come from memberships, not from flags here."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    # A person Petal supports, signed in to see their own consents and who read their record.
    # Such a sign-in never holds a staff role (petal.access.policy.can refuses them all).
    is_individual = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised to end every session the user has open (an administrator's "end sessions", or the
    # user's own "sign out everywhere else"): it is part of the session's auth hash, so each
    # session signed in before the change is flushed on its next request.
    sessions_epoch = models.PositiveIntegerField(default=0)
    # A new email address asked for and not yet confirmed from its inbox (kept here so the
    # emailed link carries no address).
    email_pending = models.EmailField(blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def _get_session_auth_hash(self, secret=None):
        # Django's own hash covers the password only; the epoch lets Petal end sessions
        # without changing the password.
        return salted_hmac(
            "petal.accounts.User.session_auth_hash",
            f"{self.password}|{self.sessions_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", "Council"
    COMBINED_AUTHORITY = "combined_authority", "Combined authority"
    PUBLIC_HEALTH = "public_health", "Public health"
    POLICE = "police", "Police and crime"
    PROBATION = "probation", "Probation"
    HEALTH = "health", "Health"
    CHARITY = "charity", "Charity or voluntary organisation"
    PARTNERSHIP_BODY = "partnership_body", "Partnership or network"
    GOVERNMENT = "government", "Government department"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """An organisation taking part: services hang off it, and, when it is a programme partner,
    its contributions (petal.programme.Partner)."""

    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    website = models.URLField(blank=True)
    # For the service directory and Open Referral UK, which names organisations by UUID.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    description = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="organisations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A role a user holds, in an organisation, a partnership or a governance group.

    A trusted person may hold the role with no organisation: the seed allows social and
    voluntary relationships as well as professional ones.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    partnership = models.ForeignKey(
        "reference.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    governance_level = models.ForeignKey(
        "reference.GovernanceLevel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "role"]
        indexes = [models.Index(fields=["user", "ended_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role=Role.PARTNERSHIP_COORDINATOR)
                | models.Q(partnership__isnull=False),
                name="coordinator_has_partnership",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.SERVICE_STAFF) | models.Q(organisation__isnull=False),
                name="service_staff_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        where = [
            str(part)
            for part in (
                self.organisation,
                f"{self.partnership} partnership" if self.partnership else None,
                self.governance_level,
            )
            if part
        ]
        return (
            f"{self.get_role_display()}, {', '.join(where)}" if where else self.get_role_display()
        )

    @property
    def is_active(self) -> bool:
        return self.ended_at is None or self.ended_at > timezone.now()


class PersonalAccessToken(models.Model):
    """A token for the JSON API. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RecoveryCode(models.Model):
    """A one-time code for two-step sign-in when the authenticator app is lost.

    Only a keyed hash is stored (HMAC-SHA256 with the secret key): each code carries about 50
    random bits, so the hash cannot be reversed by guessing, and a database copy alone reveals none.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self) -> str:
        return f"Recovery code {self.pk} for user {self.user_id}"
