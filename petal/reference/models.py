"""Reference data from the seeds: areas of disadvantage, districts, partnerships, governance."""

from __future__ import annotations

from django.db import models


class ProgrammeArea(models.Model):
    """A Changing Futures programme area. Every table with personal data will carry one, so
    that sharding by area later needs no reshaping (DESIGN.md, scale path)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class AreaOfDisadvantage(models.Model):
    """One of the five petals: homelessness, substance misuse, mental health, domestic abuse,
    criminal justice."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    colour = models.CharField(max_length=7, default="#1d70b8")

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    programme_area = models.ForeignKey(ProgrammeArea, on_delete=models.PROTECT)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partnership(models.Model):
    """An operational partnership, where people meet for problem-solving sessions."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    programme_area = models.ForeignKey(ProgrammeArea, on_delete=models.PROTECT)
    starts_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnershipCoverage(models.Model):
    """A district belongs to a partnership between two dates (either end may be open)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="coverage")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="coverage")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["district__name", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="coverage_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} → {self.partnership}"


class GovernanceLevel(models.Model):
    """A rung on the ladder barriers climb, lowest first."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    rank = models.PositiveSmallIntegerField(unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class GovernanceGroup(models.Model):
    """A group that meets at one level of the ladder: each operational partnership at the
    first level, and one Tactical Group, one Strategic Group and the Public Service Board
    above it. Barriers climb from group to group (petal.barriers)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    level = models.ForeignKey(GovernanceLevel, on_delete=models.PROTECT, related_name="groups")
    # The operational partnership this group is (first level only).
    partnership = models.OneToOneField(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="governance_group",
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["level__rank", "name"]

    def __str__(self) -> str:
        return self.name
