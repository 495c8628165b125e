"""Referrals: a trusted person refers a person to a service, sharing only what the person
agreed to share with the receiving organisation; the service moves it through its steps, and
the time each step took is the programme's measure of time to access services.

Reads go through ``petal.referrals.selectors`` (which asks ``petal.access`` what each reader
may see, at every request); writes through ``petal.referrals.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from petal.consent.models import categories_in


class Status(models.TextChoices):
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    FIRST_CONTACT = "first_contact", "First contact made"
    STARTED = "started", "Service started"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


# The steps forward, in order, and the timestamp each sets.
STEPS: tuple[Status, ...] = (
    Status.SENT,
    Status.ACKNOWLEDGED,
    Status.FIRST_CONTACT,
    Status.STARTED,
)
STEP_FIELD: dict[Status, str] = {
    Status.SENT: "sent_at",
    Status.ACKNOWLEDGED: "acknowledged_at",
    Status.FIRST_CONTACT: "first_contact_at",
    Status.STARTED: "started_at",
}
OPEN = frozenset({Status.SENT, Status.ACKNOWLEDGED, Status.FIRST_CONTACT})
CLOSED = frozenset({Status.STARTED, Status.DECLINED, Status.WITHDRAWN})


class Side(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    RECEIVER = "receiver", "Receiving service"
    SYSTEM = "system", "Petal"


class Referral(models.Model):
    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="referrals")
    service = models.ForeignKey(
        "directory.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    # The receiving organisation (the service's, when sent): its inbox is filtered by this.
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="referrals_received"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
    )
    referrer_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_made",
    )
    # Why the referral, in the referrer's words: part of what is shared, so shown to the
    # receiving organisation only while it may see the person's identity.
    reason = models.TextField()
    # The categories the referrer chose to include (bits of consent.CATEGORY_BIT). What the
    # receiving organisation sees is these, narrowed at every request to what an active
    # consent to it still covers.
    category_bits = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    sent_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the service said it would have acknowledged it; a reminder goes after this.
    response_due_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Where the person lived when referred, and the partnership covering it then, so time to
    # access can be compared by district and partnership as they were at the time.
    district = models.ForeignKey(
        "reference.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    partnership = models.ForeignKey(
        "reference.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "sent_at"]),
            models.Index(fields=["person", "sent_at"]),
            models.Index(fields=["referred_by", "sent_at"]),
            models.Index(fields=["service", "sent_at"]),
            models.Index(fields=["district", "sent_at"]),
            models.Index(fields=["partnership", "sent_at"]),
            models.Index(fields=["status", "response_due_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"R-{self.pk:06d}"

    @property
    def categories(self):
        return categories_in(self.category_bits)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class EventKind(models.TextChoices):
    STATUS = "status", "Status change"
    NOTE = "note", "Note"
    REMINDER = "reminder", "Reminder"


class ReferralEvent(models.Model):
    """One step on a referral's timeline: a status change, a note or a reminder. Both sides see
    every event (notes are part of the referral, hidden with the person's details)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    body = models.TextField(blank=True)
    side = models.CharField(max_length=20, choices=Side.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"])]

    def __str__(self) -> str:
        return f"{self.referral} {self.kind} {self.status}"
