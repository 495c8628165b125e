"""Anchors: the newest link of the audit chain, written outside the database.

The chain makes an edited, removed or re-ordered event detectable, but someone able to rewrite
the whole table could write a new, consistent chain. So ``manage.py audit_anchor`` (run from
cron, say hourly) appends the newest event's sequence and hash to a file kept outside the
database — one file per database — and ``manage.py audit_verify`` checks that every anchored
event is still there with the same hash. Put the folder (``PETAL_AUDIT_ANCHOR_DIR``) on other
storage than the database, or copy its files off the machine, for the anchor to be worth
having.

A line of the file is JSON: ``{"sequence": …, "hash": …, "written_at": …}``. The file is only
ever appended to.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from petal.audit.models import AuditEvent


def database_label() -> str:
    """Which database this is, in words (no password), for the anchor file and messages."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:{Path(str(s['NAME'])).resolve()}"
    return f"{connection.vendor}:{s.get('HOST') or 'local'}:{s.get('PORT') or ''}/{s['NAME']}"


def anchor_path() -> Path:
    """One anchor file per database, named from the database's label."""
    digest = hashlib.sha256(database_label().encode("utf-8")).hexdigest()[:16]
    return Path(settings.PETAL_AUDIT_ANCHOR_DIR) / f"audit-anchor-{digest}.jsonl"


@dataclass(frozen=True)
class Anchor:
    sequence: int
    hash: str
    written_at: str = ""


def write_anchor() -> Anchor | None:
    """Append the newest event's link to this database's anchor file (None: no events yet)."""
    newest = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    if newest is None:
        return None
    anchor = Anchor(newest["sequence"], newest["hash"], timezone.now().isoformat())
    path = anchor_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {
            "sequence": anchor.sequence,
            "hash": anchor.hash,
            "written_at": anchor.written_at,
            "database": database_label(),
        },
        sort_keys=True,
    )
    # Append only, readable by the owner alone; flushed to disk before we say it is written.
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return anchor


@dataclass(frozen=True)
class AnchorReport:
    found: bool  # whether this database has an anchor file at all
    checked: int = 0
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def read_anchors(path: Path) -> list[Anchor]:
    anchors = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            row = json.loads(text)
            anchors.append(
                Anchor(int(row["sequence"]), str(row["hash"]), row.get("written_at", ""))
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"line {number} of {path.name} cannot be read") from exc
    return anchors


def check_anchors() -> AnchorReport:
    """Every anchored event must still be in the trail with the hash it had."""
    path = anchor_path()
    if not path.exists():
        return AnchorReport(found=False)
    try:
        anchors = read_anchors(path)
    except ValueError as exc:
        return AnchorReport(found=True, problem=f"the anchor file is damaged: {exc}")
    wanted = {a.sequence for a in anchors}
    present = dict(AuditEvent.objects.filter(sequence__in=wanted).values_list("sequence", "hash"))
    for anchor in anchors:
        if anchor.sequence not in present:
            return AnchorReport(
                True,
                0,
                f"event #{anchor.sequence}, anchored on {anchor.written_at or 'an earlier day'}, "
                "is no longer in the trail",
            )
        if present[anchor.sequence] != anchor.hash:
            return AnchorReport(
                True,
                0,
                f"event #{anchor.sequence} is not the event anchored on "
                f"{anchor.written_at or 'an earlier day'}: the trail was rewritten",
            )
    return AnchorReport(found=True, checked=len(anchors))
