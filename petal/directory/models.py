"""The service directory: what partner organisations offer, where, for whom, and how to refer.

Nothing here is about the people Petal supports, so the directory is public (pages and the
Open Referral UK API) and only its editing is controlled. The shapes follow Open Referral UK
version 3: services belong to organisations, are delivered at locations (service at location)
and are classified by taxonomy terms. The five areas of disadvantage and the ways a service
reaches people are taxonomy terms too, so filtering by need and the Open Referral
``taxonomy_term_id`` filter are one mechanism.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from petal.access.categories import Category

# Petal's own taxonomies (loaded by migration; their terms' ids are stable).
AREAS_TAXONOMY = "petal-areas-of-disadvantage"
REACH_TAXONOMY = "petal-reach"


class Taxonomy(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "taxonomies"

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    taxonomy = models.ForeignKey(Taxonomy, on_delete=models.CASCADE, related_name="terms")
    code = models.CharField(max_length=120)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    # A term of Petal's areas taxonomy stands for one of the five areas of disadvantage.
    area = models.OneToOneField(
        "reference.AreaOfDisadvantage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="taxonomy_term",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["taxonomy", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "code"], name="term_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceStatus(models.TextChoices):
    # Open Referral UK's values, spelled as the profile spells them.
    ACTIVE = "active", "Open"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"
    INACTIVE = "inactive", "Not running"
    DEFUNCT = "defunct", "Closed for good"


class Service(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme_area = models.ForeignKey(
        "reference.ProgrammeArea", on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=300, blank=True, help_text="One sentence, shown in search results"
    )
    description = models.TextField()
    who_for = models.TextField("Who it is for", blank=True)
    eligibility = models.TextField(blank=True)
    how_to_refer = models.TextField(blank=True)
    opening_times = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    url = models.URLField("Website", blank=True)
    districts = models.ManyToManyField("reference.District", blank=True, related_name="services")
    taxonomy_terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    # Which categories of a person's record the service needs with a referral (identity is
    # always needed), as bits of petal.consent.models.CATEGORY_BIT.
    needs_category_bits = models.PositiveIntegerField(default=1)
    accepts_referrals = models.BooleanField(default=True)
    # How long the service aims to take to acknowledge a referral; after it, a reminder.
    response_days = models.PositiveSmallIntegerField(default=5)
    status = models.CharField(
        max_length=30, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    # Where the service came from, when it was imported from another directory.
    source = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["organisation", "name"]),
            models.Index(fields=["status", "name"]),
            models.Index(fields=["updated_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def needs_categories(self) -> list[Category]:
        from petal.consent.models import categories_in

        return categories_in(self.needs_category_bits | 1)


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "A place people can visit"
    POSTAL = "postal", "A postal address"
    VIRTUAL = "virtual", "Online"


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="locations",
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    location_type = models.CharField(
        max_length=20, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    address_1 = models.CharField("Address", max_length=200, blank=True)
    city = models.CharField("Town or city", max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    district = models.ForeignKey(
        "reference.District",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="locations",
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def one_line(self) -> str:
        return ", ".join(p for p in (self.address_1, self.city, self.postcode) if p)


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["service", "location__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"], name="service_at_location_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.location}"
