"""The handlers that carry out retention schedules, keyed by record type.

A schedule (``RetentionSchedule``, data) says how long; a handler (code) does the deleting or
anonymising. Any app registers a handler for its own records, typically from its
``AppConfig.ready``::

    from petal.retention.registry import register

    @register("rights-cases")
    def closed_rights_cases(cutoff, now) -> int:
        ...

and adds a ``RetentionSchedule`` row with the same ``record_type`` (in a data migration that
depends on ``retention.0002_seed_schedules``) unless Petal's seed already has it.

A handler receives ``cutoff`` (an aware datetime: local midnight at the start of the first day
still kept — records whose starting moment is before it have passed their time; for a date
field compare with ``cutoff.date()``) and ``now``. It deletes or anonymises what has passed its
time and returns how many records it dealt with. It must be idempotent (a second run finds
nothing more) and must not send anything: the run calls it inside its own transaction, and
rolls that transaction back for a dry run.

Two more hooks let an app take part in erasing a person (``petal.retention.erase``):

- ``before_erase(func)``: ``func(person_id) -> dict[str, int] | None`` runs inside the erasure's
  transaction before anything is deleted (for example to clear free text about the person from
  records that are kept, and delete copies made of their record); what it returns is added to
  the erasure's counts.
- ``erasure_hold(func)``: ``func(person_ids) -> set[int]`` names the people the retention run
  must not erase yet (for example while a request about them is open).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

Handler = Callable[[dt.datetime, dt.datetime], int]


@dataclass(frozen=True)
class RetentionRule:
    record_type: str
    handler: Handler


_RULES: dict[str, RetentionRule] = {}


def register(record_type: str):
    """Register the handler for a record type (one handler per type)."""

    def decorator(handler: Handler) -> Handler:
        existing = _RULES.get(record_type)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"A retention handler for {record_type!r} is already registered")
        _RULES[record_type] = RetentionRule(record_type=record_type, handler=handler)
        return handler

    return decorator


_BEFORE_ERASE: list[Callable[[int], dict[str, int] | None]] = []
_HOLDS: list[Callable[[list[int]], set[int]]] = []


def before_erase(func):
    """Register a function run by ``person_erase`` before it deletes anything (see above)."""
    if func not in _BEFORE_ERASE:
        _BEFORE_ERASE.append(func)
    return func


def erasure_hold(func):
    """Register a function naming people the retention run must not erase yet (see above)."""
    if func not in _HOLDS:
        _HOLDS.append(func)
    return func


def before_erase_hooks() -> list:
    return list(_BEFORE_ERASE)


def held(person_ids: list[int]) -> set[int]:
    """The people of ``person_ids`` that a registered hold keeps from erasure for now."""
    found: set[int] = set()
    for hold in _HOLDS:
        found |= set(hold(list(person_ids)) or ())
    return found


def rule_for(record_type: str) -> RetentionRule | None:
    return _RULES.get(record_type)


def registered() -> dict[str, RetentionRule]:
    return dict(_RULES)
