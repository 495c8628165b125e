"""How an event's hash is made, in one place so writing and verifying agree."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

GENESIS_HASH = "0" * 64


def canonical(fields: dict) -> str:
    def default(value):
        if isinstance(value, datetime):
            return value.isoformat(timespec="microseconds")
        raise TypeError(f"Cannot put {type(value).__name__} in the audit trail")

    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=default)


def event_hash(*, previous_hash: str, fields: dict) -> str:
    payload = previous_hash + "|" + canonical(fields)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "categories",
    "reason",
    "request_id",
    "programme_area",
    "data",
)


def fields_of(event) -> dict:
    values = {name: getattr(event, name) for name in HASHED_FIELDS}
    # Normalise to UTC so SQLite and PostgreSQL round-trips hash the same.
    from datetime import UTC

    values["occurred_at"] = values["occurred_at"].astimezone(UTC)
    return values
