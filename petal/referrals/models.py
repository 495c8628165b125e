"""Referrals: a trusted person refers a person to a service, sharing only what the person
agreed to share with the receiving organisation; the service moves it through its steps, and
the time each step took is the programme's measure of time to access services.

Reads go through ``petal.referrals.selectors`` (which asks ``petal.access`` what each reader
may see, at every request); writes through ``petal.referrals.services``.
"""

from __future__ import annotations

import datetime as dt

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


WAIT_FIELDS = {
    "acknowledged_at": "wait_acknowledged",
    "first_contact_at": "wait_first_contact",
    "started_at": "wait_started",
}


def _microseconds(delta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


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
    # For the time-to-access measures, kept with the row so the database ranks plain numbers
    # (no per-row date arithmetic): the month it was sent (local time) and the wait to each
    # step in microseconds. Filled in by save() (and by fill_measures() before a bulk insert).
    sent_month = models.DateField(null=True, editable=False)
    wait_acknowledged = models.BigIntegerField(null=True, editable=False)
    wait_first_contact = models.BigIntegerField(null=True, editable=False)
    wait_started = models.BigIntegerField(null=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["sent_month", "wait_acknowledged"]),
            models.Index(fields=["sent_month", "wait_first_contact"]),
            models.Index(fields=["sent_month", "wait_started"]),
            # Comparing partnerships and districts: ranked in index order, without a sort.
            *[
                models.Index(fields=[group, wait, "sent_month"], name=f"referral_{short}_{code}")
                for group, short in (("partnership", "pship"), ("district", "dist"))
                for wait, code in (
                    ("wait_acknowledged", "ack"),
                    ("wait_first_contact", "contact"),
                    ("wait_started", "started"),
                )
            ],
            models.Index(fields=["organisation", "status", "sent_at"]),
            # The inbox's "closed" view: newest first across three statuses, a page at a time.
            models.Index(fields=["organisation", "sent_at", "id"], name="referral_inbox_newest"),
            models.Index(fields=["person", "sent_at"]),
            models.Index(fields=["referred_by", "sent_at"]),
            models.Index(fields=["service", "sent_at"]),
            models.Index(fields=["district", "sent_at"]),
            models.Index(fields=["partnership", "sent_at"]),
            models.Index(fields=["status", "response_due_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        self.fill_measures()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "sent_month", *WAIT_FIELDS.values()}
        super().save(*args, **kwargs)

    def fill_measures(self) -> None:
        """Work out sent_month and the waits from the step times."""
        from django.utils import timezone

        self.sent_month = timezone.localtime(self.sent_at).date().replace(day=1)
        # In UTC: Python subtracts two times in the same zone by the clock on the wall, so a
        # wait across a change to or from summer time would be an hour out.
        sent = self.sent_at.astimezone(dt.UTC)
        for step_field, wait_field in WAIT_FIELDS.items():
            at = getattr(self, step_field)
            wait = None if at is None else _microseconds(at.astimezone(dt.UTC) - sent)
            setattr(self, wait_field, wait)

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
