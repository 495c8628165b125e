"""Every read of milestones: the public timeline, the programme team's list (which flags every
milestone whose expected document is missing) and the API.

A milestone's document is an address elsewhere, a newsletter in the archive or a document in the
learning library. The public timeline links a newsletter or a library document only while the
public may read it (published; a case study with its agreements in force): otherwise it says the
document will be added when it is published, never a dead link. The programme team is shown
every milestone that expects a document the public cannot reach yet.

Milestones are public facts, not personal data: reads are not audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from petal.access.policy import can
from petal.core.errors import NotFound
from petal.programme.models import DatePrecision, Milestone, Newsletter, NewsletterStatus
from petal.programme.selectors.partners import parse_id

MISSING_TEXT = "The document will be added here when it is published"
MAX_CHOICES = 500


def date_label(day: dt.date, precision: str) -> str:
    """ "2022", "July 2022" or "7 July 2022": as precisely as the date is known."""
    if precision == DatePrecision.YEAR:
        return f"{day.year}"
    if precision == DatePrecision.MONTH:
        return f"{day:%B} {day.year}"
    return f"{day.day} {day:%B} {day.year}"


def public_url(name: str, pk: int) -> str:
    """The public page of a newsletter (``newsletters:newsletter``) or a library document
    (``library:item``)."""
    return reverse(name, args=[pk])


@dataclass
class Document:
    title: str
    url: str


@dataclass
class MilestoneRow:
    milestone: Milestone
    date_label: str
    document: Document | None
    document_missing: bool
    # For the programme team: why an expected document is missing ("" when it is not).
    missing_reason: str = ""


def _base() -> QuerySet[Milestone]:
    return Milestone.objects.select_related("newsletter", "library_item").order_by("date", "id")


def _rows(milestones) -> list[MilestoneRow]:
    """Each milestone with the document the public may follow (if any) and whether an expected
    document is missing. One query for the library documents the public may read."""
    from petal.programme.selectors.library import public_item_ids

    milestones = list(milestones)
    readable = public_item_ids(m.library_item_id for m in milestones)
    rows = []
    for m in milestones:
        document, reason = None, ""
        if m.document_url:
            document = Document(m.document_title or m.title, m.document_url)
        elif m.newsletter_id:
            if m.newsletter.status != NewsletterStatus.PUBLISHED:
                reason = "The linked newsletter is not published yet"
            else:
                url = public_url("newsletters:newsletter", m.newsletter_id)
                document = Document(m.document_title or m.newsletter.title, url)
        elif m.library_item_id:
            if m.library_item_id not in readable:
                reason = "The linked library document is not public"
            else:
                url = public_url("library:item", m.library_item_id)
                document = Document(m.document_title or m.library_item.title, url)
        elif m.document_expected:
            reason = "No document is linked"
        missing = document is None and (m.document_expected or bool(reason))
        rows.append(
            MilestoneRow(
                milestone=m,
                date_label=date_label(m.date, m.precision),
                document=document,
                document_missing=missing,
                missing_reason=reason if missing else "",
            )
        )
    return rows


def public_milestones() -> list[MilestoneRow]:
    """The public timeline: published milestones, oldest first (the story so far, in order)."""
    return _rows(_base().filter(published=True))


@dataclass
class TeamMilestones:
    rows: list[MilestoneRow]
    missing: list[MilestoneRow]


def milestones_for_team(actor) -> TeamMilestones:
    """Every milestone, published or not, oldest first, and those whose expected document is
    missing (listed first on the page)."""
    if not can(actor, "programme.manage"):
        raise NotFound("No such page")
    rows = _rows(_base())
    return TeamMilestones(rows=rows, missing=[r for r in rows if r.document_missing])


def milestone_for_edit(actor, milestone_id) -> Milestone:
    milestone_id = parse_id(milestone_id)
    if milestone_id is None or not can(actor, "programme.manage"):
        raise NotFound("No such milestone")
    milestone = _base().filter(pk=milestone_id).first()
    if milestone is None:
        raise NotFound("No such milestone")
    return milestone


def newsletter_choices(*also: int | None) -> list[tuple[int, str]]:
    """Published newsletters a milestone may link to, newest first (and one already linked)."""
    rows = Newsletter.objects.filter(status=NewsletterStatus.PUBLISHED)
    keep = [pk for pk in also if pk]
    if keep:
        rows = rows | Newsletter.objects.filter(pk__in=keep)
    return [
        (n.pk, f"{n.title}{'' if n.status == NewsletterStatus.PUBLISHED else ' (not published)'}")
        for n in rows.order_by("-issue_date", "-id").only("id", "title", "status")[:MAX_CHOICES]
    ]


def library_choices(*also: int | None) -> list[tuple[int, str]]:
    """Library documents the public may read, by title (and one already linked)."""
    from petal.programme.models import LibraryItem
    from petal.programme.selectors.library import public_items

    public = set(public_items().values_list("pk", flat=True))
    keep = [pk for pk in also if pk]
    rows = LibraryItem.objects.filter(pk__in=public | set(keep)).order_by("title", "id")
    return [
        (i.pk, f"{i.title}{'' if i.pk in public else ' (not public)'}")
        for i in rows.only("id", "title")[:MAX_CHOICES]
    ]


def is_published_newsletter(newsletter_id) -> bool:
    return Newsletter.objects.filter(
        pk=parse_id(newsletter_id) or 0, status=NewsletterStatus.PUBLISHED
    ).exists()


def is_public_library_item(item_id) -> bool:
    from petal.programme.selectors.library import public_item_ids

    item_id = parse_id(item_id)
    return bool(item_id) and item_id in public_item_ids([item_id])
