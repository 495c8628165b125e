"""Retention schedules, as data, and what each run of them did.

A ``RetentionSchedule`` says, for one kind of record, how long Petal keeps it, from which
moment, what happens then (deleted, or anonymised: kept for counting with its personal details
removed for good) and why (the plain-words description and the legal basis). The code that
carries it out is a handler registered for the same ``record_type``
(``petal.retention.registry``); the data migration seeds Petal's defaults. A
``RetentionRun`` records each run: when, whether it was a dry run, and per record type how
many records it deleted or anonymised, or the error that stopped that type.

Audit events are never on a schedule: the trail is append-only and is where erasures leave
their tombstone (see the schedule page).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class Unit(models.TextChoices):
    DAYS = "days", "days"
    MONTHS = "months", "months"
    YEARS = "years", "years"


class Outcome(models.TextChoices):
    DELETE = "delete", "Deleted"
    ANONYMISE = "anonymise", "Anonymised"


def _months_back(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_before(day: dt.date, amount: int, unit: str) -> dt.date:
    """The day ``amount`` days, months or years before ``day`` (29 February, a year on, is
    28 February; 31 March, a month back, is 28 or 29 February)."""
    if unit == Unit.DAYS:
        return day - dt.timedelta(days=amount)
    if unit == Unit.MONTHS:
        return _months_back(day, amount)
    return _months_back(day, 12 * amount)


class RetentionSchedule(models.Model):
    """How long one kind of record is kept, from when, and what happens to it then."""

    record_type = models.SlugField(max_length=60, unique=True)
    # Plain words, plural: "Messages sent through the contact form".
    name = models.CharField(max_length=200)
    keep_for = models.PositiveSmallIntegerField()
    unit = models.CharField(max_length=10, choices=Unit.choices)
    # Completes "Kept for 6 years …": "after the person's last trusted relationship ended".
    starts_from = models.CharField(max_length=300)
    action = models.CharField(max_length=20, choices=Outcome.choices)
    # What happens, in plain words, and why anonymising (not deleting) where it is chosen.
    description = models.TextField()
    legal_basis = models.TextField()
    # Which app carries it out, for readers: "Petal" or the app that registers the handler.
    owner = models.CharField(max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def period(self) -> str:
        unit = self.get_unit_display()
        if self.keep_for == 1:
            unit = unit.rstrip("s")
        return f"{self.keep_for} {unit}"

    def cutoff(self, now: dt.datetime | None = None) -> dt.datetime:
        """The start (local midnight) of the first day still kept: a record whose starting
        moment is before it has passed its time. Whole days, so a run at any hour of a day
        keeps and removes the same records."""
        today = timezone.localdate(now or timezone.now())
        day = period_before(today, self.keep_for, self.unit)
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class Trigger(models.TextChoices):
    COMMAND = "command", "manage.py retention_run"
    TASK = "task", "Scheduled task"
    PAGE = "page", "Asked for on the retention page"


class RetentionRun(models.Model):
    """One run of every active schedule. ``results`` holds one entry per record type, in
    schedule order: the schedule as it was then (name, period, action), the cutoff day, and
    either how many records it deleted or anonymised (would have, in a dry run) or the error
    that stopped it (its other types still ran)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    trigger = models.CharField(max_length=20, choices=Trigger.choices, default=Trigger.COMMAND)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    results = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    error_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"RR-{self.pk:06d}"

    @property
    def counts(self) -> dict[str, int]:
        return {r["record_type"]: r["count"] for r in self.results if r.get("count") is not None}

    @property
    def errors(self) -> dict[str, str]:
        return {r["record_type"]: r["error"] for r in self.results if r.get("error")}

    @property
    def rows(self) -> list[dict]:
        """``results`` with each cutoff as a date, for the page."""
        return [
            {**r, "cutoff_day": dt.date.fromisoformat(r["cutoff"]) if r.get("cutoff") else None}
            for r in self.results
        ]

    @property
    def status(self) -> str:
        if self.finished_at is None:
            return "Running, or stopped before it finished"
        if self.error_count:
            return "Finished with errors"
        return "Finished"
