"""The audit trail: append-only, each event carrying the hash of the one before."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One thing that happened: who, when, what, to which record, which categories were read.

    Rows are never updated or deleted (database triggers refuse it). ``sequence`` numbers the
    chain without gaps and ``previous_hash`` links each event to the one before it, so an
    edited, removed or re-ordered event breaks the chain that ``audit_verify`` walks.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    # Kept as plain values, not a foreign key: the trail must outlive the account and must
    # never be rewritten by a cascade.
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=320, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    categories = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    programme_area = models.CharField(max_length=50, blank=True)
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"
