"""Reads of caseload imports. A batch holds the rows of its uploader's own spreadsheet, so only
its uploader sees it: anyone else is answered as if it did not exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from petal.access.outcomes import may_import
from petal.core.errors import NotFound
from petal.outcomes.models import ImportBatch

ROWS_PER_PAGE = 100


def batches_for(actor) -> QuerySet[ImportBatch]:
    """The actor's own imports, newest first, without their files and rows (one query)."""
    if not may_import(actor):
        return ImportBatch.objects.none()
    return (
        ImportBatch.objects.filter(uploaded_by=actor)
        .defer("content", "rows", "problems")
        .order_by("-created_at", "-id")
    )


def batch_get_for(actor, batch_id) -> ImportBatch:
    """The actor's own batch, or NotFound (someone else's is as if it did not exist)."""
    if not may_import(actor) or not str(batch_id).isdigit():
        raise NotFound("No such import")
    batch = ImportBatch.objects.defer("content").filter(pk=batch_id, uploaded_by=actor).first()
    if batch is None:
        raise NotFound("No such import")
    return batch


@dataclass
class AreaLine:
    name: str
    starts_on: dt.date
    ends_on: dt.date | None
    new: bool


@dataclass
class PreviewRow:
    number: int
    action: str
    full_name: str
    preferred_name: str
    date_of_birth: dt.date | None
    date_of_birth_text: str
    district_name: str
    trusted_person_name: str
    trusted_person_email: str
    relationship: str
    areas: list[AreaLine] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)

    @property
    def adds(self) -> int:
        return sum(1 for a in self.areas if a.new)


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def _preview_row(data: dict) -> PreviewRow:
    return PreviewRow(
        number=data["number"],
        action=data["action"],
        full_name=data["full_name"],
        preferred_name=data["preferred_name"],
        date_of_birth=_date(data["date_of_birth"]),
        date_of_birth_text=data.get("date_of_birth_text", ""),
        district_name=data["district_name"],
        trusted_person_name=data["trusted_person_name"],
        trusted_person_email=data["trusted_person_email"],
        relationship=data["relationship"],
        areas=[
            AreaLine(a["name"], _date(a["starts_on"]), _date(a["ends_on"]), a["new"])
            for a in data["areas"]
        ],
        problems=data["problems"],
    )


def batch_rows_page(batch: ImportBatch, *, page=1, only_problems: bool = False) -> Page:
    """A page of the batch's rows, for the preview (no queries: the rows are in the batch)."""
    rows = batch.rows
    if only_problems:
        rows = [r for r in rows if r["action"] == "problem"]
    result = Paginator(rows, ROWS_PER_PAGE).get_page(page)
    result.object_list = [_preview_row(r) for r in result.object_list]
    return result
