"""Every write to milestones: the programme team's alone, one transaction each, audited.

A milestone is dated as precisely as it is known: a year (2022), a month (July 2022) or a day
(7 July 2022); ``date`` holds the first day of the year or month when only that is known. Its
document is one of:

- ``url``: an address elsewhere, with a title;
- ``newsletter``: a published newsletter in the archive;
- ``library``: a document in the learning library the public may read;
- ``expected``: a document is expected but is not here yet (the programme team is shown it is
  missing, and the public timeline says it will be added);
- ``none``: no document.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, clean_text, fail
from petal.programme.models import DatePrecision, Milestone
from petal.programme.selectors.milestones import is_public_library_item, is_published_newsletter
from petal.programme.selectors.partners import parse_id

DOCUMENT_CHOICES = ("none", "url", "newsletter", "library", "expected")
FIRST_YEAR = 1990
LAST_YEAR = 2100
FIELDS = (
    "title",
    "date",
    "precision",
    "description",
    "document_title",
    "document_url",
    "newsletter_id",
    "library_item_id",
    "document_expected",
    "published",
)


def _int(value, field: str, message: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        fail(field, message)


def milestone_date(year, month=None, day=None) -> tuple[dt.date, str]:
    """The date and its precision from a year (required), a month and a day (optional)."""
    year = _int(year, "year", "Enter the year as 4 digits, like 2022")
    month = _int(month, "month", "Choose the month from the list")
    day = _int(day, "day", "Enter the day as a number, like 7")
    if year is None:
        fail("year", "Enter the year")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        fail("year", f"The year must be between {FIRST_YEAR} and {LAST_YEAR}")
    if month is not None and not 1 <= month <= 12:
        fail("month", "Choose the month from the list")
    if day is not None and month is None:
        fail("month", "Choose the month too, or leave the day empty")
    if day is None:
        if month is None:
            return dt.date(year, 1, 1), DatePrecision.YEAR
        return dt.date(year, month, 1), DatePrecision.MONTH
    try:
        return dt.date(year, month, day), DatePrecision.DAY
    except ValueError:
        fail("day", "The date must be a real date")


def _validated(data: dict, current: Milestone | None = None) -> dict:
    """The milestone's fields, checked. A newsletter or library document already linked may
    stay linked while it is not public (the timeline then says it is still to come)."""
    title = clean_text(data.get("title"), field="title", label="a title", required=True, limit=200)
    date, precision = milestone_date(data.get("year"), data.get("month"), data.get("day"))
    description = clean_text(
        data.get("description"), field="description", label="the description", limit=2000
    )
    document = data.get("document") or "none"
    if document not in DOCUMENT_CHOICES:
        fail("document", "Choose what the milestone links to")
    document_title = clean_text(
        data.get("document_title"),
        field="document_title",
        label="the document's title",
        required=document == "url",
        limit=200,
    )
    clean = {
        "title": title,
        "date": date,
        "precision": precision,
        "description": description,
        "document_title": document_title,
        "document_url": "",
        "newsletter_id": None,
        "library_item_id": None,
        "document_expected": document != "none",
        "published": bool(data.get("published")),
    }
    if document == "url":
        url = (data.get("document_url") or "").strip()
        if not url:
            fail("document_url", "Enter the document's address")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            fail("document_url", "Enter the document's full address, starting with https://")
        if len(url) > 500:
            fail("document_url", "The address must be 500 characters or fewer")
        clean["document_url"] = url
    elif document == "newsletter":
        kept = current is not None and parse_id(data.get("newsletter")) == current.newsletter_id
        if not kept and not is_published_newsletter(data.get("newsletter")):
            fail("newsletter", "Choose a published newsletter")
        clean["newsletter_id"] = parse_id(data.get("newsletter"))
    elif document == "library":
        kept = current is not None and parse_id(data.get("library_item")) == (
            current.library_item_id
        )
        if not kept and not is_public_library_item(data.get("library_item")):
            fail("library_item", "Choose a document the public can read in the learning library")
        clean["library_item_id"] = parse_id(data.get("library_item"))
    return clean


def _require_team(actor) -> None:
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team changes milestones")


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic
def milestone_add(*, actor, data: dict) -> Milestone:
    """Add a milestone (see the module's rules for its date and document)."""
    _require_team(actor)
    milestone = Milestone(created_by=actor, **_validated(data))
    milestone.save()
    audit_record(
        actor=actor,
        action="milestone.added",
        obj=milestone,
        data={
            "date": milestone.date.isoformat(),
            "precision": milestone.precision,
            "document": data.get("document") or "none",
            "published": milestone.published,
        },
    )
    return milestone


@transaction.atomic
def milestone_change(*, actor, milestone_id, data: dict) -> Milestone:
    """Change a milestone: its title, date, description, document or whether it is shown."""
    _require_team(actor)
    milestone = Milestone.objects.select_for_update().filter(pk=parse_id(milestone_id) or 0).first()
    if milestone is None:
        raise NotFound("No such milestone")
    clean = _validated(data, milestone)
    before = {f: getattr(milestone, f) for f in FIELDS}
    for name, value in clean.items():
        setattr(milestone, name, value)
    changed = {
        f: [_plain(before[f]), _plain(getattr(milestone, f))]
        for f in FIELDS
        if before[f] != getattr(milestone, f)
    }
    if changed:
        milestone.save()
        audit_record(
            actor=actor, action="milestone.changed", obj=milestone, data={"changes": changed}
        )
    return milestone


def document_choice(milestone: Milestone) -> str:
    """Which document choice a milestone's form starts on."""
    if milestone.document_url:
        return "url"
    if milestone.newsletter_id:
        return "newsletter"
    if milestone.library_item_id:
        return "library"
    return "expected" if milestone.document_expected else "none"
