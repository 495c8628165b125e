"""A person's data-protection rights as tracked cases: subject access, rectification,
restriction and erasure (UK GDPR articles 15 to 18).

Every case has the one-month clock of article 12(3): due a calendar month after the request was
received, paused while the data protection lead waits for something only the person can give
(proof of identity), and extendable once by up to two further months with a recorded reason.

A case outlives the record it is about: when a record is erased the case keeps its reference
(``person_reference``) and its dates, but loses the link and every free-text field that could
describe the person (``petal.rights.services.erasure_decide``). Only the data protection lead
reads or changes cases (``rights.manage``); every change is in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from petal.rights import clock

USER = settings.AUTH_USER_MODEL


class Kind(models.TextChoices):
    ACCESS = "access", "Subject access"
    RECTIFICATION = "rectification", "Rectification"
    RESTRICTION = "restriction", "Restriction"
    ERASURE = "erasure", "Erasure"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    PAUSED = "paused", "Clock paused"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"


OPEN_STATUSES = frozenset({Status.OPEN, Status.PAUSED})


class ReceivedHow(models.TextChoices):
    EMAIL = "email", "By email"
    LETTER = "letter", "By letter"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "On the phone"
    TRUSTED_PERSON = "trusted_person", "Through their trusted person"
    OTHER = "other", "Another way"


class ErasureDecision(models.TextChoices):
    APPROVED = "approved", "Erase the record"
    REFUSED = "refused", "Refuse: keep the record"


class ErasureGround(models.TextChoices):
    """Why erasure is due (UK GDPR article 17(1))."""

    NO_LONGER_NEEDED = "no_longer_needed", "No longer needed for the purpose it was collected for"
    CONSENT_WITHDRAWN = "consent_withdrawn", "They withdrew consent and no other basis applies"
    OBJECTION = "objection", "They objected and there is no overriding reason to keep it"
    UNLAWFUL = "unlawful", "It was processed unlawfully"
    LEGAL_DUTY_TO_ERASE = "legal_duty_to_erase", "The law requires us to erase it"


class ErasureRefusal(models.TextChoices):
    """Why erasure is refused where the law allows it (UK GDPR article 17(3))."""

    SAFEGUARDING = "safeguarding", "A safeguarding concern applies (to the person or others)"
    LEGAL_OBLIGATION = "legal_obligation", "A legal obligation requires us to keep it"
    PUBLIC_TASK = "public_task", "Needed for a task in the public interest"
    LEGAL_CLAIMS = "legal_claims", "Needed to establish, exercise or defend legal claims"


class RectificationOutcome(models.TextChoices):
    CORRECTED = "corrected", "Corrected"
    REFUSED = "refused", "Refused"


class RightsCase(models.Model):
    """One request from a person to exercise a data-protection right, and what was done."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Kept when the record is erased (the link is then cleared): the case still shows which
    # record it was about, by number, never by name.
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rights_cases",
    )
    person_reference = models.CharField(max_length=20)
    received_on = models.DateField()
    received_how = models.CharField(max_length=20, choices=ReceivedHow.choices)
    identity_checked = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # The clock (article 12(3)): whole days paused in finished pauses, the day the current
    # pause began (if paused), and the extension (once, up to two months, with a reason).
    paused_days = models.PositiveIntegerField(default=0)
    paused_since = models.DateField(null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extended_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Rectification: what the person says is wrong and what should be recorded instead; when
    # their trusted persons were told; the record versions that made the correction.
    what_is_wrong = models.TextField(blank=True)
    what_should_be = models.TextField(blank=True)
    trusted_told_at = models.DateTimeField(null=True, blank=True)
    versions = models.ManyToManyField("people.RecordVersion", blank=True, related_name="+")
    # Restriction (article 18): in force from restricted_at until lifted_at.
    restricted_at = models.DateTimeField(null=True, blank=True)
    restricted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restriction_reason = models.TextField(blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)
    # Erasure (article 17): the decision, its lawful ground or refusal basis, and what was erased.
    decision = models.CharField(max_length=20, choices=ErasureDecision.choices, blank=True)
    decision_basis = models.CharField(max_length=30, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_counts = models.JSONField(default=dict, blank=True)
    # Closing: completed (with an outcome) or refused (with the reason the person is given).
    outcome = models.CharField(max_length=20, blank=True)
    outcome_note = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "received_on"]),
            models.Index(fields=["person", "kind"]),
            # The restriction look-up every read of a person makes (petal.access.people):
            # only the few restrictions in force are in this index.
            models.Index(
                fields=["person"],
                condition=Q(
                    kind="restriction", restricted_at__isnull=False, lifted_at__isnull=True
                ),
                name="rights_restriction_in_force",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_months__lte=2), name="rights_extension_two_months_at_most"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"DP-{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    @property
    def restriction_in_force(self) -> bool:
        return (
            self.kind == Kind.RESTRICTION
            and self.restricted_at is not None
            and self.lifted_at is None
            and self.person_id is not None
        )

    def days_paused(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        running = (today - self.paused_since).days if self.paused_since else 0
        return self.paused_days + max(0, running)

    def due_on(self, today: dt.date | None = None) -> dt.date:
        """When the response is due (article 12(3)), moved by every day the clock was paused."""
        return clock.due_on(
            self.received_on,
            extension_months=self.extension_months,
            paused_days=self.days_paused(today),
        )

    def days_left(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        return (self.due_on(today) - today).days

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.is_open and not self.is_paused and self.days_left(today) < 0


class ClockPause(models.Model):
    """One time the clock stopped (for example while waiting for proof of identity)."""

    case = models.ForeignKey(RightsCase, on_delete=models.CASCADE, related_name="pauses")
    paused_on = models.DateField()
    reason = models.TextField()
    paused_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    resumed_on = models.DateField(null=True, blank=True)
    resumed_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["paused_on", "id"]

    def __str__(self) -> str:
        return f"Pause {self.pk}"

    @property
    def days(self) -> int | None:
        return None if self.resumed_on is None else (self.resumed_on - self.paused_on).days


class SubjectAccessExport(models.Model):
    """One copy of everything Petal held about a person, made for a subject access request: the
    JSON and the PDF sent to them, kept with the case as the record of what was given."""

    case = models.ForeignKey(RightsCase, on_delete=models.CASCADE, related_name="exports")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    json_content = models.BinaryField(editable=False)
    pdf_content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Subject access export {self.pk}"

    @property
    def filename(self) -> str:
        return f"subject-access-{self.case.person_reference}-{self.created_at:%Y%m%d-%H%M}"
