"""A person a trusted person supports, their needs over time, and who they trust.

Every field belongs to one information category (``petal.people.categories``), because the
category is the unit of consent and of access. Reads go through ``petal.people.selectors``;
writes through ``petal.people.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Person(models.Model):
    """Someone supported through the Trusted Person approach: not only people who meet the
    three-of-five rule today ("or other needs")."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    # identity
    full_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=50, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    communication_needs = models.TextField(blank=True)
    languages = models.CharField(max_length=200, blank=True)
    # Lower-cased names (full, preferred and aliases) for search and duplicate detection.
    search_names = models.TextField(blank=True, db_index=False)
    # contact
    district = models.ForeignKey(
        "reference.District", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.TextField(blank=True)
    no_fixed_abode = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    safe_contact = models.TextField(
        blank=True, help_text="For example: do not leave messages; only call after 6pm"
    )
    # risk, health, justice: staff notes, kept apart from the person's own words
    risk_notes = models.TextField(blank=True)
    health_notes = models.TextField(blank=True)
    justice_notes = models.TextField(blank=True)
    # Optimistic locking: every save through a service checks and bumps this.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name", "id"]
        indexes = [
            models.Index(fields=["programme_area", "full_name"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def name(self) -> str:
        return self.preferred_name or self.full_name


class Alias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"Alias {self.pk}"


class Story(models.Model):
    """The person's own words, verbatim. Never mixed with staff notes."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="story")
    what_happened = models.TextField(blank=True)
    what_matters = models.TextField(blank=True)
    what_helps = models.TextField(blank=True)
    what_does_not_help = models.TextField(blank=True)
    never_ask_again = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Story of person {self.person_id}"


class NeedEpisode(models.Model):
    """A time when one of the five areas applied to the person: from a date, until a date or
    still going on."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="episodes")
    area = models.ForeignKey(
        "reference.AreaOfDisadvantage", on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        indexes = [models.Index(fields=["person", "area", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="episode_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"Episode {self.pk}"


class RelationshipKind(models.TextChoices):
    PROFESSIONAL = "professional", "Professional"
    SOCIAL = "social", "Social"
    VOLUNTARY = "voluntary", "Voluntary"


class TrustedRelationship(models.Model):
    """A trusted person the person has chosen. One current relationship is the lead."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    trusted_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trusted_relationships"
    )
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    is_lead = models.BooleanField(default=False)
    next_contact_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-is_lead", "starts_on"]
        indexes = [
            models.Index(fields=["trusted_person", "ends_on"]),
            models.Index(fields=["person", "trusted_person"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="relationship_ends_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(is_lead=True, ends_on__isnull=True),
                name="one_current_lead_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Relationship {self.pk}"


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    OUTREACH = "outreach", "Outreach"
    ONLINE = "online", "Online"


class ContactRecord(models.Model):
    """A time the trusted person and the person were in touch."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    happened_on = models.DateField()
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    note = models.CharField(max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["person", "happened_on"])]

    def __str__(self) -> str:
        return f"Contact {self.pk}"


class RecordVersion(models.Model):
    """What an edit changed, who made it and when: kept for every change to a person's record,
    for readers allowed to see that category."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="versions")
    category = models.CharField(max_length=20)
    changes = models.JSONField(default=dict)  # {field: [before, after]}
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Version {self.pk}"


class HandoverStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class AgreementMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "On the phone"
    WRITING = "writing", "In writing"


class Handover(models.Model):
    """A planned move of the lead from one trusted person to another, with the person's
    agreement recorded before it can be planned."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="handovers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    to_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_for = models.DateField()
    agreed_how = models.CharField(max_length=20, choices=AgreementMethod.choices)
    agreement_note = models.CharField(max_length=500, blank=True)
    previous_stays = models.BooleanField(default=True)
    status = models.CharField(
        max_length=20, choices=HandoverStatus.choices, default=HandoverStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-planned_for", "-id"]

    def __str__(self) -> str:
        return f"Handover {self.pk}"


class ConnectionRequest(models.Model):
    """A trusted person asks the trusted person of a record they cannot see to get in touch,
    because it may be about someone they both support. The requester learns nothing about the
    record; the recipient sees who asked, and decides."""

    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="connection_requests")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Connection request {self.pk}"
