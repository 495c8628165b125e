"""Reads for the data protection lead's rights pages. Each one checks ``rights.manage`` (anyone
else: not found) and each that shows a person's information is recorded in the audit trail.

The data protection lead has no general read access to people's records. They find the record
a request is about only by its number or by an exact full name with the date of birth — never
by browsing or a partial search — and every look-up is recorded, whatever it finds. They read
a record only through a case: the copy for a subject access request, the changes made for a
rectification request, and a restricted record while the restriction is in force.

These reads are the lead's rights work, not a reader's view of their people: on PostgreSQL they
run inside ``petal.access.rls.unrestricted()`` (row-level security would otherwise hide every
record from the lead, who holds no relationship or consent), after ``rights.manage`` is checked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from petal.access.categories import ALL_CATEGORIES
from petal.access.rls import unrestricted
from petal.audit.services import audit_record
from petal.consent.services import reference as person_reference
from petal.core.errors import NotFound
from petal.rights.models import OPEN_STATUSES, Kind, RightsCase, SubjectAccessExport
from petal.rights.services import require_manager

_REFERENCE = re.compile(r"^\s*P?\s*-?\s*0*(\d{1,9})\s*$", re.IGNORECASE)
CASE_TYPE = "rights.rightscase"


def parse_reference(text: str) -> int | None:
    """A record number as P-000123, or a bare number."""
    match = _REFERENCE.match(text or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Match:
    """A record that exactly matches what the data protection lead typed."""

    id: int
    reference: str
    full_name: str
    date_of_birth: dt.date | None


def person_find(
    actor, *, reference: str = "", full_name: str = "", date_of_birth: dt.date | None = None
) -> list[Match]:
    """Exact matches only: the record with this number, or records whose full name, preferred
    name or other name is exactly this name (ignoring case and punctuation) with exactly this
    date of birth. At most five. Recorded, whatever it finds (how, and which records)."""
    from petal.people.models import Person
    from petal.people.selectors import normalise_name

    require_manager(actor)
    number = parse_reference(reference) if reference.strip() else None
    people = Person.objects.none()
    if number is not None:
        people = Person.objects.filter(pk=number)
    elif full_name.strip() and date_of_birth is not None:
        name = normalise_name(full_name)
        if name:
            people = Person.objects.filter(
                date_of_birth=date_of_birth, search_names__contains=f"|{name}|"
            )
    with unrestricted():
        found = [
            Match(p["pk"], person_reference(p["pk"]), p["full_name"], p["date_of_birth"])
            for p in people.order_by("pk").values("pk", "full_name", "date_of_birth")[:5]
        ]
    audit_record(
        actor=actor,
        action="rights.person_searched",
        categories=["identity"] if found else [],
        data={
            "by": "reference" if number is not None else "name and date of birth",
            "matches": len(found),
            "people": [m.id for m in found],
        },
    )
    return found


def person_for_case(actor, person_id: int) -> Match:
    """The record a new request is about, named so the lead can check it is the right one."""
    from petal.people.models import Person

    require_manager(actor)
    with unrestricted():
        row = Person.objects.filter(pk=person_id).values("pk", "full_name", "date_of_birth").first()
    if row is None:
        raise NotFound("No such record")
    audit_record(
        actor=actor,
        action="rights.person_searched",
        categories=["identity"],
        data={"by": "reference", "matches": 1, "people": [row["pk"]]},
    )
    return Match(row["pk"], person_reference(row["pk"]), row["full_name"], row["date_of_birth"])


@dataclass
class CaseList:
    open: list[RightsCase]
    closed: list[RightsCase]


def cases_list(actor, *, closed_limit: int = 50) -> CaseList:
    """Open requests, the soonest due first (overdue at the top), and the latest closed ones:
    two queries, however many. Records are named by number only."""
    require_manager(actor)
    today = timezone.localdate()
    open_cases = list(RightsCase.objects.filter(status__in=OPEN_STATUSES))
    for case in open_cases:
        case.due = case.due_on(today)
        case.left = (case.due - today).days
        case.overdue_by = -case.left if case.is_overdue(today) else 0
    open_cases.sort(key=lambda c: (c.is_paused, c.due, c.pk))
    closed = list(
        RightsCase.objects.exclude(status__in=OPEN_STATUSES).order_by("-closed_at", "-id")[
            :closed_limit
        ]
    )
    audit_record(
        actor=actor,
        action="rights.cases_listed",
        data={"cases": [c.pk for c in open_cases + closed]},
    )
    return CaseList(open_cases, closed)


def case_get(actor, case_id: int) -> RightsCase:
    """One request, with its pauses, copies and the staff involved (reading it is recorded)."""
    require_manager(actor)
    with unrestricted():  # the versions that corrected the record
        case = (
            RightsCase.objects.select_related(
                "created_by", "closed_by", "extended_by", "restricted_by", "lifted_by", "decided_by"
            )
            .prefetch_related("pauses__paused_by", "pauses__resumed_by", "versions")
            .filter(pk=case_id)
            .first()
        )
    if case is None:
        raise NotFound("No such request")
    audit_record(actor=actor, action="rights.case_read", obj=case, data={"person": case.person_id})
    return case


def case_exports(case: RightsCase) -> list[SubjectAccessExport]:
    """The copies made for a request (without their content), newest first."""
    return list(
        case.exports.select_related("created_by")
        .defer("json_content", "pdf_content")
        .order_by("-created_at", "-id")
    )


@dataclass
class TimelineEntry:
    when: dt.datetime
    who: str
    what: str


def case_timeline(case: RightsCase) -> list[TimelineEntry]:
    """What happened on a request, oldest first: its own audit events (who, when, what)."""
    from petal.audit.labels import action_label
    from petal.audit.models import AuditEvent
    from petal.consent.selectors import actor_names

    events = list(
        AuditEvent.objects.filter(object_type=CASE_TYPE, object_id=str(case.pk))
        .exclude(action="rights.case_read")
        .order_by("sequence")
    )
    names = actor_names(events)
    return [
        TimelineEntry(
            e.occurred_at,
            names.get(e.actor_id, e.actor_label or "Petal"),
            action_label(e.action),
        )
        for e in events
    ]


def export_download(actor, case_id: int, export_id: int, fmt: str) -> tuple[bytes, str, str]:
    """A copy made for a subject access request, as JSON or PDF: (content, filename, type).
    Downloading it is recorded."""
    require_manager(actor)
    if fmt not in ("json", "pdf"):
        raise NotFound("No such copy")
    item = (
        SubjectAccessExport.objects.select_related("case")
        .filter(pk=export_id, case_id=case_id)
        .first()
    )
    if item is None:
        raise NotFound("No such copy")
    audit_record(
        actor=actor,
        action="rights.export_downloaded",
        obj=item.case,
        categories=sorted(str(c) for c in ALL_CATEGORIES),
        data={"person": item.case.person_id, "export": item.pk, "format": fmt},
    )
    if fmt == "json":
        content, kind = bytes(item.json_content), "application/json"
    else:
        content, kind = bytes(item.pdf_content), "application/pdf"
    return content, f"{item.filename}.{fmt}", kind


def restricted_record(actor, case_id: int) -> tuple[RightsCase, dict]:
    """The whole of a restricted record, for the data protection lead only, while the
    restriction is in force (recorded as a read of every category)."""
    from petal.rights import export

    require_manager(actor)
    case = RightsCase.objects.filter(pk=case_id, kind=Kind.RESTRICTION).first()
    if case is None or not case.restriction_in_force:
        raise NotFound("No such restricted record")
    audit_record(
        actor=actor,
        action="rights.restricted_record_read",
        obj=case,
        categories=sorted(str(c) for c in ALL_CATEGORIES),
        data={"person": case.person_id, "purpose": "restricted record read"},
    )
    with unrestricted():
        return case, export.gather(case.person_id)


def versions_since(actor, case: RightsCase) -> list:
    """Changes made to the record since a rectification request was received: what the lead
    links to the request as the correction (reading them is recorded)."""
    from petal.people.models import RecordVersion

    require_manager(actor)
    if case.kind != Kind.RECTIFICATION or case.person_id is None:
        return []
    start = dt.datetime.combine(
        case.received_on, dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    with unrestricted():
        versions = list(
            RecordVersion.objects.filter(person_id=case.person_id, changed_at__gte=start)
            .select_related("changed_by")
            .order_by("changed_at", "id")
        )
    if versions:
        audit_record(
            actor=actor,
            action="rights.versions_read",
            obj=case,
            categories=sorted({v.category for v in versions}),
            data={"person": case.person_id, "versions": [v.pk for v in versions]},
        )
    return versions


def erasure_blockers(actor, case: RightsCase) -> list[str]:
    from petal.rights.services import erasure_blockers as blockers

    require_manager(actor)
    if case.kind != Kind.ERASURE or case.person_id is None or not case.is_open:
        return []
    return blockers(case.person_id)
