"""Reading and checking the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from petal.audit.chain import GENESIS_HASH, event_hash, fields_of
from petal.audit.models import AuditEvent


def audit_events_visible_to(actor, *, action: str = "", who: str = "") -> QuerySet[AuditEvent]:
    """The trail as the reader may see it; looking at it is itself recorded (who watched)."""
    from petal.access.policy import can
    from petal.audit.services import audit_record

    if not can(actor, "audit.view"):
        return AuditEvent.objects.none()
    filters = {k: v for k, v in (("action", action), ("who", who)) if v}
    audit_record(actor=actor, action="audit.trail_viewed", data=filters or None)
    events = AuditEvent.objects.order_by("-sequence")
    if action:
        events = events.filter(action=action)
    if who:
        events = events.filter(actor_label__icontains=who)
    return events


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_chain_verify(batch_size: int = 5000) -> ChainReport:
    """Walk the whole chain in order; stop at the first event that does not fit.

    Detects an edited event (its hash no longer matches its content), a removed event (a gap
    in the sequence, or the next event's link pointing at a hash that is not there) and an
    event inserted or re-ordered (its link does not name the event before it).
    """
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    last_sequence = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(sequence__gt=last_sequence).order_by("sequence")[:batch_size]
        )
        if not batch:
            return ChainReport(checked=checked)
        for event in batch:
            if event.sequence != expected_sequence:
                return ChainReport(
                    checked, event.sequence, f"expected event #{expected_sequence} before it"
                )
            if event.previous_hash != previous_hash:
                return ChainReport(
                    checked, event.sequence, "its link does not name the event before it"
                )
            if event_hash(previous_hash=event.previous_hash, fields=fields_of(event)) != event.hash:
                return ChainReport(checked, event.sequence, "its content was changed")
            checked += 1
            previous_hash = event.hash
            expected_sequence += 1
            last_sequence = event.sequence
