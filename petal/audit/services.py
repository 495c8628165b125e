"""Writing to the audit trail. Every service calls ``audit_record`` inside its own transaction."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from petal.audit.chain import GENESIS_HASH, event_hash, fields_of
from petal.audit.models import AuditEvent
from petal.core.middleware import current_request_id

# A fixed key for PostgreSQL's transaction-level advisory lock that serialises chain writers.
_CHAIN_LOCK_KEY = zlib.crc32(b"petal.audit.chain")


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: Petal opens every transaction with BEGIN IMMEDIATE (settings), which takes the
    # database's single write lock, so writers are already serialised.


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str | int = "",
    categories: Iterable[str] = (),
    reason: str = "",
    data: dict | None = None,
    programme_area: str = "",
) -> AuditEvent:
    """Append one event to the trail, chained to the one before it.

    ``actor`` is a user or None (anonymous or the system). Call it inside the transaction of
    the change it describes, so both are kept or neither is.
    """
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    actor_label = getattr(actor, "email", "") if actor is not None else ""
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        event = AuditEvent(
            sequence=(last["sequence"] + 1) if last else 1,
            occurred_at=timezone.now(),
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            categories=sorted(set(categories)),
            reason=reason,
            request_id=current_request_id(),
            programme_area=programme_area,
            data=data or {},
            previous_hash=last["hash"] if last else GENESIS_HASH,
        )
        event.hash = event_hash(previous_hash=event.previous_hash, fields=fields_of(event))
        event.save(force_insert=True)
    return event


def audit_bulk_append(rows: Iterable[dict], *, batch_size: int = 2000) -> int:
    """Append many events at once, still chained (for synthetic benchmark data and imports).

    Each row holds the keyword arguments of ``audit_record`` that are plain values
    (actor_id, actor_label, action, object_type, object_id, categories, data, occurred_at).
    """
    written = 0
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
        sequence = last["sequence"] if last else 0
        previous = last["hash"] if last else GENESIS_HASH
        batch: list[AuditEvent] = []
        for row in rows:
            sequence += 1
            event = AuditEvent(
                sequence=sequence,
                occurred_at=row.get("occurred_at") or timezone.now(),
                actor_id=row.get("actor_id"),
                actor_label=row.get("actor_label", ""),
                action=row["action"],
                object_type=row.get("object_type", ""),
                object_id=str(row.get("object_id", "")),
                categories=sorted(set(row.get("categories", ()))),
                reason=row.get("reason", ""),
                request_id=row.get("request_id", ""),
                programme_area=row.get("programme_area", ""),
                data=row.get("data", {}),
                previous_hash=previous,
            )
            event.hash = event_hash(previous_hash=previous, fields=fields_of(event))
            previous = event.hash
            batch.append(event)
            if len(batch) >= batch_size:
                AuditEvent.objects.bulk_create(batch)
                written += len(batch)
                batch = []
        if batch:
            AuditEvent.objects.bulk_create(batch)
            written += len(batch)
    return written
