"""Consent to share a person's information, the agreements it relies on, safeguarding
access without consent ("break-glass"), and the person's own sign-in.

A consent follows the shape of the FHIR Consent resource (DESIGN.md): subject, status, grantee,
purposes, categories, period, how it was given and by whom it was recorded, and the
information-sharing agreement it relies on. Lawful bases other than consent (safeguarding, a
legal duty) are never consents: they are break-glass records.

Reads go through ``petal.consent.selectors`` and ``petal.access.people``; writes through
``petal.consent.services``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from petal.access.categories import Category

# Each information category is one bit of ``Consent.category_bits``, so the policy can ask
# "does an active consent cover this reader for this category?" inside one database query.
CATEGORY_ORDER: tuple[Category, ...] = tuple(Category)
CATEGORY_BIT: dict[Category, int] = {c: 1 << i for i, c in enumerate(CATEGORY_ORDER)}
ALL_BITS = sum(CATEGORY_BIT.values())


def bits_for(categories) -> int:
    return sum(CATEGORY_BIT[Category(c)] for c in set(categories))


def categories_in(bits: int) -> list[Category]:
    return [c for c in CATEGORY_ORDER if bits & CATEGORY_BIT[c]]


class Purpose(models.TextChoices):
    REFERRAL = "referral", "Referral to a service"
    PROFESSIONALS_MEETING = "professionals_meeting", "Professionals meeting"
    CARE_COORDINATION = "care_coordination", "Coordinating their care and support"


class GivenHow(models.TextChoices):
    VERBAL = "verbal", "Said out loud (verbal)"
    WRITTEN = "written", "In writing"
    EASY_READ = "easy_read", "On an easy-read form"
    IN_PETAL = "in_petal", "Signed in Petal themselves"


class WithdrawnHow(models.TextChoices):
    VERBAL = "verbal", "Told someone"
    WRITTEN = "written", "In writing"
    IN_PETAL = "in_petal", "In Petal, themselves"


class SharingAgreement(models.Model):
    """An information-sharing agreement between organisations, that consents rely on."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    parties = models.ManyToManyField("accounts.Organisation", related_name="sharing_agreements")
    starts_on = models.DateField()
    review_on = models.DateField()
    reference = models.CharField(
        max_length=300, blank=True, help_text="Where the signed agreement is kept"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Consent(models.Model):
    """A person's agreement that some categories of their record be shared with a grantee (one
    person, one organisation or one operational partnership), for purposes, for a period."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="consents")
    # The grantee: exactly one of these three.
    grantee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_held",
    )
    grantee_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_held",
    )
    grantee_partnership = models.ForeignKey(
        "reference.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_held",
    )
    category_bits = models.PositiveIntegerField()
    purposes = models.JSONField(default=list)
    purpose_text = models.TextField(blank=True)
    starts_on = models.DateField()
    # The last day the consent covers (inclusive): "until 31 March".
    ends_on = models.DateField()
    given_how = models.CharField(max_length=20, choices=GivenHow.choices)
    conditions = models.TextField(blank=True, help_text="The person's own words, if any")
    agreement = models.ForeignKey(
        SharingAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    renewal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_how = models.CharField(max_length=20, choices=WithdrawnHow.choices, blank=True)
    withdrawn_note = models.CharField(max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["grantee_user", "ends_on"], name="consent_user_idx"),
            models.Index(fields=["grantee_organisation", "ends_on"], name="consent_org_idx"),
            models.Index(fields=["grantee_partnership", "ends_on"], name="consent_partner_idx"),
            models.Index(fields=["person", "ends_on"], name="consent_person_idx"),
            models.Index(fields=["ends_on"], name="consent_ends_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        grantee_user__isnull=False,
                        grantee_organisation__isnull=True,
                        grantee_partnership__isnull=True,
                    )
                    | Q(
                        grantee_user__isnull=True,
                        grantee_organisation__isnull=False,
                        grantee_partnership__isnull=True,
                    )
                    | Q(
                        grantee_user__isnull=True,
                        grantee_organisation__isnull=True,
                        grantee_partnership__isnull=False,
                    )
                ),
                name="consent_has_one_grantee",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="consent_ends_after_it_starts"
            ),
            models.CheckConstraint(condition=Q(category_bits__gt=0), name="consent_shares_some"),
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk}"

    @property
    def categories(self) -> list[Category]:
        return categories_in(self.category_bits)

    @property
    def plain_categories(self) -> list[str]:
        return [CATEGORY_PLAIN[c] for c in self.categories]

    @property
    def reference(self) -> str:
        return f"C-{self.pk:06d}"

    @property
    def grantee(self):
        return self.grantee_user or self.grantee_organisation or self.grantee_partnership

    @property
    def grantee_label(self) -> str:
        if self.grantee_user_id:
            return self.grantee_user.display_name
        if self.grantee_organisation_id:
            return self.grantee_organisation.name
        return f"{self.grantee_partnership.name} operational partnership"

    @property
    def purpose_labels(self) -> list[str]:
        labels = dict(Purpose.choices)
        return [labels.get(p, p) for p in self.purposes]

    def status_on(self, day: dt.date) -> str:
        if self.withdrawn_at is not None:
            return "withdrawn"
        if day < self.starts_on:
            return "not started"
        if day > self.ends_on:
            return "expired"
        return "active"

    @property
    def status(self) -> str:
        return self.status_on(timezone.localdate())


class LawfulBasis(models.TextChoices):
    SAFEGUARDING = "safeguarding", "Safeguarding (risk of harm)"
    LEGAL_DUTY = "legal_duty", "A legal duty (for example a court order)"
    VITAL_INTERESTS = "vital_interests", "To protect someone's life"


class BreakGlassReason(models.TextChoices):
    RISK_TO_PERSON = "risk_to_person", "Serious risk of harm to the person"
    RISK_TO_OTHERS = "risk_to_others", "Serious risk of harm to someone else"
    CHILD_AT_RISK = "child_at_risk", "A child may be at risk"
    MISSING = "missing", "The person is missing"
    COURT_OR_POLICE = "court_or_police", "A court or police request with a legal basis"


class Review(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    UPHELD = "upheld", "Upheld: the access was justified"
    MISUSED = "misused", "Misused: the access was not justified"


class BreakGlass(models.Model):
    """Access to a record without consent, on another lawful basis: reasoned, time-limited,
    told at once to the data protection lead and the person's trusted persons, and reviewed."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="break_glasses"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glasses"
    )
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    reason = models.CharField(max_length=30, choices=BreakGlassReason.choices)
    details = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    review = models.CharField(max_length=20, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["opened_by", "expires_at"], name="breakglass_user_idx"),
            models.Index(fields=["review", "opened_at"], name="breakglass_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("opened_at")), name="breakglass_expires_after_opening"
            )
        ]

    def __str__(self) -> str:
        return f"Break-glass {self.pk}"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.closed_at is None and self.opened_at <= now < self.expires_at


class StoryReuse(models.Model):
    """A time another service read a person's story under consent instead of asking them to
    tell it again: the programme's "tell it once" measure. Counted once per reader, person and
    day, so reloading a page does not inflate it."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(Consent, null=True, on_delete=models.SET_NULL, related_name="+")
    read_on = models.DateField()
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-read_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "reader", "read_on"], name="one_reuse_per_reader_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"Story reuse {self.pk}"


class OwnAccess(models.Model):
    """A person's own sign-in to see their consents and who read their record. Invited by
    their trusted person, by email or with a one-time code printed on their receipt."""

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="own")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="own_access"
    )
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Own access {self.pk}"


# How a receipt and the person's own pages name each category: plain words, second person.
CATEGORY_PLAIN = {
    Category.IDENTITY: "Your name, date of birth and any other names",
    Category.CONTACT: "Where you live and how to reach you safely",
    Category.STORY: "Your story, in your own words",
    Category.NEEDS: "What you need help with",
    Category.RISK: "Notes about keeping you safe",
    Category.HEALTH: "Notes about your health",
    Category.JUSTICE: "Notes about police, courts or probation",
    Category.INVOLVEMENT: "Who is helping you",
}
