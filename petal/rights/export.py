"""The copy of everything Petal holds about one person, for a subject access request
(UK GDPR article 15): every category of their record and its history, consents and their
withdrawals, safeguarding access without consent, referrals, meetings, assessments, service
use, imports, their data-protection requests, and the access log — every audit event that
names their record: who did or read what, when and why.

``gather`` returns plain JSON-ready data with stable keys (``FORMAT`` names the version).
Every row carries ``record_type`` (the model) and ``id``, so the test that walks Petal's models
(``petal/rights/tests/test_export_coverage.py``) can prove that each kind of record linked to a
person is in the copy: ``COVERED`` says where each one goes, and ``NOT_PERSONAL`` lists, with the
reason, the few links that are not information about the person. A new model that links to a
person fails that test until it is added to one or the other.

Rows are serialised field by field from the model, so a field added later is in the copy
without anyone remembering to add it; only ``LEFT_OUT`` fields (internal search keys, secrets,
derived figures) are left out. Other people's details are never copied: people listed beside
this one in an audit event are not named, and a problem-solving session's minutes (about other
people too) are left out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils import timezone

from petal.consent.services import reference as person_reference

FORMAT = "petal-subject-access/1"

# Where each kind of record linked to a person is in the copy (top-level key).
COVERED: dict[str, str] = {
    "people.Person": "record",
    "people.Alias": "aliases",
    "people.Story": "story",
    "people.NeedEpisode": "needs",
    "people.TrustedRelationship": "trusted_persons",
    "people.ContactRecord": "contacts",
    "people.RecordVersion": "record_history",
    "people.Handover": "handovers",
    "people.ConnectionRequest": "connection_requests",
    "consent.Consent": "consents",
    "consent.BreakGlass": "break_glass",
    "consent.StoryReuse": "story_reads",
    "consent.OwnAccess": "own_sign_in",
    "referrals.Referral": "referrals",
    "referrals.ReferralEvent": "referrals",
    "meetings.MeetingCase": "meetings",
    "meetings.Meeting": "meetings",
    "meetings.Decision": "meetings",
    "meetings.Action": "meetings",
    "champions.SupportConnection": "champion_support",
    "barriers.Barrier": "barriers",
    "outcomes.Assessment": "assessments",
    "outcomes.AssessmentAnswer": "assessments",
    "outcomes.ServiceUse": "service_use",
    "outcomes.ImportedRecord": "imports",
    "rights.RightsCase": "rights_requests",
    "rights.ClockPause": "rights_requests",
    "audit.AuditEvent": "access_log",
}

# Links to a person that are not information about them, and why.
NOT_PERSONAL: dict[str, str] = {
    # A barrier is about the system, never a person: the link from a barrier to the person is
    # in the copy ("barriers"); what others said or decided about the barrier is not about them.
    "barriers.MeToo": "another worker met the same barrier: about the system",
    "barriers.Decision": "a governance group's decision on a barrier: about the system",
    "barriers.AgendaItem": "a barrier on a governance meeting's agenda: about the system",
    "barriers.LearningEntry": "anonymised learning from a resolved barrier: about the system",
    # The copies made for subject access requests: the copy itself, not more information.
    "rights.SubjectAccessExport": "a copy of this export, kept as the record of what was given",
}

# Fields never copied: internal search keys, secrets, figures derived from other fields.
LEFT_OUT = {
    "search_names",
    "code_hash",
    "programme_area",
    "sent_month",
    "wait_acknowledged",
    "wait_first_contact",
    "wait_started",
    "json_content",
    "pdf_content",
}

SECTIONS: list[tuple[str, str]] = [
    ("record", "Your record"),
    ("aliases", "Other names"),
    ("story", "Your story, in your own words"),
    ("needs", "What you need help with (areas over time)"),
    ("trusted_persons", "Your trusted persons"),
    ("contacts", "Times you were in touch"),
    ("record_history", "Changes made to your record"),
    ("handovers", "Handovers between trusted persons"),
    ("connection_requests", "Requests to connect about your record"),
    ("consents", "Your consents to share"),
    ("break_glass", "Access without your consent (safeguarding)"),
    ("story_reads", "Times your story was read instead of asked again"),
    ("own_sign_in", "Your own sign-in"),
    ("referrals", "Referrals to services"),
    ("meetings", "Meetings about you"),
    ("champion_support", "Support asked from champions"),
    ("barriers", "Barriers linked to you"),
    ("assessments", "Assessments"),
    ("service_use", "Services used, by quarter"),
    ("imports", "Spreadsheet imports that included you"),
    ("rights_requests", "Your data-protection requests"),
    ("access_log", "Who saw or changed your record (access log)"),
]


# --- serialising ---------------------------------------------------------------------------------


class _Names:
    """Staff named in the copy, as "name (organisation)": looked up once per copy."""

    def __init__(self):
        self.cache: dict[int, str] = {}

    def load(self, ids: Iterable[int]) -> None:
        from petal.accounts.models import Membership, User

        wanted = {i for i in ids if i and i not in self.cache}
        if not wanted:
            return
        orgs: dict[int, str] = {}
        for user_id, name in (
            Membership.objects.filter(user_id__in=wanted, organisation__isnull=False)
            .order_by("started_at")
            .values_list("user_id", "organisation__name")
        ):
            orgs.setdefault(user_id, name)
        for user in User.objects.filter(pk__in=wanted):
            label = user.display_name
            self.cache[user.pk] = f"{label} ({orgs[user.pk]})" if user.pk in orgs else label

    def __call__(self, user_id) -> str | None:
        if not user_id:
            return None
        self.load([user_id])
        return self.cache.get(user_id, f"Sign-in {user_id}")


def _plain(value):
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    return value


def _row(obj, names: _Names, **extra) -> dict:
    """One record, field by field (every concrete field but LEFT_OUT), with plain-words
    labels for choices and names for the staff it mentions."""
    from petal.people.models import Person

    user_model = settings.AUTH_USER_MODEL.lower()
    row = {"record_type": obj._meta.label, "id": _plain(obj.pk)}
    for field in obj._meta.concrete_fields:
        if field.name in LEFT_OUT or field.primary_key:
            continue
        if field.is_relation:
            related_id = getattr(obj, field.attname)
            related = field.related_model
            if related_id is None:
                row[field.name] = None
            elif related._meta.label_lower == user_model:
                row[field.name] = names(related_id)
            elif related is Person:
                row[field.name] = person_reference(related_id)
            elif field.is_cached(obj):
                row[field.name] = str(getattr(obj, field.name))
            else:
                row[field.name] = str(related_id)
            continue
        value = getattr(obj, field.attname)
        row[field.name] = _plain(value)
        if field.choices and value not in (None, ""):
            row[f"{field.name}_label"] = str(dict(field.flatchoices).get(value, value))
    row.update(extra)
    return row


def _related_names(model) -> list[str]:
    """The foreign keys worth following for their plain name (not users, not the person)."""
    from petal.people.models import Person

    user_model = settings.AUTH_USER_MODEL.lower()
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation
        and f.name not in LEFT_OUT
        and f.related_model is not Person
        and f.related_model._meta.label_lower != user_model
        and f.related_model is not model
    ]


def _rows(queryset, names: _Names, **extra) -> list[dict]:
    return [row for _, row in _keyed_rows(queryset, names, **extra)]


def _grouped(queryset, names: _Names, attname: str) -> dict[int, list[dict]]:
    """Rows grouped by a foreign key's value (the parent they are listed under)."""
    grouped: dict[int, list[dict]] = {}
    for obj, row in _keyed_rows(queryset, names):
        grouped.setdefault(getattr(obj, attname), []).append(row)
    return grouped


def _keyed_rows(queryset, names: _Names, **extra) -> list[tuple[models.Model, dict]]:
    queryset = queryset.select_related(*_related_names(queryset.model))
    objects = list(queryset)
    user_model = settings.AUTH_USER_MODEL.lower()
    user_fields = [
        f.attname
        for f in queryset.model._meta.concrete_fields
        if f.is_relation and f.related_model._meta.label_lower == user_model
    ]
    names.load(getattr(o, a) for o in objects for a in user_fields)
    return [(o, _row(o, names, **extra)) for o in objects]


# --- the access log ------------------------------------------------------------------------------


def _names_in_list(person_id: int) -> Q:
    """Audit events whose data lists this person among others (``data["people"]``)."""
    from petal.audit.models import AuditEvent

    if connection.vendor == "postgresql":
        return Q(data__people__contains=[person_id])
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    # The table name is Django's own, quoted; the person's id is a query parameter.
    return Q(
        pk__in=RawSQL(  # noqa: S611  # nosec B611
            f"SELECT e.id FROM {table} e, json_each(e.data, '$.people') j "  # noqa: S608  # nosec B608
            "WHERE json_type(e.data, '$.people') = 'array' AND j.value = %s",
            [person_id],
        )
    )


def access_events_about(person_id: int, linked: dict[str, Iterable]) -> models.QuerySet:
    """Every audit event that names this record: about it, about a record linked to it
    (``linked``: object type → ids), or naming it in its data (alone or among others)."""
    from petal.audit.models import AuditEvent

    about = Q(object_type="people.person", object_id=str(person_id)) | Q(data__person=person_id)
    for object_type, ids in linked.items():
        ids = [str(i) for i in ids]
        if ids:
            about |= Q(object_type=object_type, object_id__in=ids)
    about |= _names_in_list(person_id)
    return AuditEvent.objects.filter(about).order_by("sequence")


def _access_log(person_id: int, linked: dict[str, Iterable], names: _Names) -> list[dict]:
    from petal.audit.labels import action_label, object_label

    events = list(access_events_about(person_id, linked))
    names.load(e.actor_id for e in events)
    log = []
    for event in events:
        data = event.data or {}
        log.append(
            {
                "record_type": "audit.AuditEvent",
                "id": event.pk,
                "sequence": event.sequence,
                "when": _plain(event.occurred_at),
                "who": names(event.actor_id) if event.actor_id else "Petal",
                "what": action_label(event.action),
                "action": event.action,
                "about": object_label(event.object_type, event.object_id),
                "categories": list(event.categories or []),
                "why": event.reason,
                "purpose": data.get("purpose", ""),
                "basis": data.get("basis", ""),
            }
        )
    return log


# --- gathering -----------------------------------------------------------------------------------


def gather(person_id: int) -> dict:
    """Everything Petal holds about one person, as JSON-ready data with stable keys."""
    from petal.barriers.models import Barrier
    from petal.champions.models import SupportConnection
    from petal.consent.models import BreakGlass, Consent, OwnAccess, StoryReuse
    from petal.meetings.models import Action, Decision, Kind, MeetingCase
    from petal.outcomes.models import Assessment, AssessmentAnswer, ImportedRecord, ServiceUse
    from petal.people.models import (
        Alias,
        ConnectionRequest,
        ContactRecord,
        Handover,
        NeedEpisode,
        Person,
        RecordVersion,
        Story,
        TrustedRelationship,
    )
    from petal.referrals.models import Referral, ReferralEvent
    from petal.rights.models import ClockPause, RightsCase

    names = _Names()
    person = Person.objects.select_related("district").get(pk=person_id)
    mine = {"person_id": person_id}
    data: dict = {
        "format": FORMAT,
        "generated_at": _plain(timezone.now()),
        "person_reference": person_reference(person_id),
        "record": _row(person, names),
        "aliases": _rows(Alias.objects.filter(**mine).order_by("id"), names),
        "story": _rows(Story.objects.filter(**mine), names),
        "needs": _rows(NeedEpisode.objects.filter(**mine).order_by("starts_on", "id"), names),
        "trusted_persons": _rows(
            TrustedRelationship.objects.filter(**mine).order_by("starts_on", "id"), names
        ),
        "contacts": _rows(
            ContactRecord.objects.filter(**mine).order_by("happened_on", "id"), names
        ),
        "record_history": _rows(
            RecordVersion.objects.filter(**mine).order_by("changed_at", "id"), names
        ),
        "handovers": _rows(Handover.objects.filter(**mine).order_by("planned_for", "id"), names),
        "connection_requests": _rows(
            ConnectionRequest.objects.filter(**mine).order_by("created_at", "id"), names
        ),
    }
    consents = list(
        Consent.objects.filter(**mine)
        .select_related(*_related_names(Consent), "grantee_user")
        .order_by("recorded_at", "id")
    )
    names.load(
        i for c in consents for i in (c.grantee_user_id, c.recorded_by_id, c.withdrawn_by_id)
    )
    data["consents"] = [
        _row(
            c,
            names,
            receipt_reference=c.reference,
            categories=[str(x) for x in c.categories],
            purposes_label=c.purpose_labels,
            grantee=c.grantee_label,
            status=c.status,
        )
        for c in consents
    ]
    data["break_glass"] = _rows(
        BreakGlass.objects.filter(**mine).order_by("opened_at", "id"), names
    )
    data["story_reads"] = _rows(StoryReuse.objects.filter(**mine).order_by("read_at", "id"), names)
    data["own_sign_in"] = _rows(OwnAccess.objects.filter(**mine), names)

    referrals = list(
        Referral.objects.filter(**mine)
        .select_related(*_related_names(Referral))
        .order_by("sent_at", "id")
    )
    events = _grouped(
        ReferralEvent.objects.filter(referral__in=referrals).order_by("at", "id"),
        names,
        "referral_id",
    )
    names.load(r.referred_by_id for r in referrals)
    data["referrals"] = [
        _row(
            r,
            names,
            reference=r.reference,
            categories=[str(x) for x in r.categories],
            events=events.get(r.pk, []),
        )
        for r in referrals
    ]

    cases = list(
        MeetingCase.objects.filter(**mine)
        .select_related(
            "meeting", "meeting__partnership", "meeting__group", "meeting__convener_organisation"
        )
        .order_by("meeting__starts_at", "id")
    )
    decisions = _grouped(
        Decision.objects.filter(case__in=cases).order_by("recorded_at", "id"), names, "case_id"
    )
    actions = _grouped(
        Action.objects.filter(case__in=cases).order_by("due_on", "id"), names, "case_id"
    )
    meetings = []
    names.load(i for c in cases for i in (c.meeting.convened_by_id, c.meeting.minutes_by_id))
    for case in cases:
        meeting = case.meeting
        about_them = meeting.kind == Kind.PROFESSIONALS
        meeting_row = _row(meeting, names, reference=meeting.reference, title=meeting.title)
        if not about_them:
            # A session's minutes are about the session and other people: not copied.
            meeting_row["minutes"] = None
        meetings.append(
            _row(
                case,
                names,
                meeting=meeting_row,
                decisions=decisions.get(case.pk, []),
                actions=actions.get(case.pk, []),
            )
        )
    data["meetings"] = meetings
    data["champion_support"] = _rows(
        SupportConnection.objects.filter(**mine).order_by("created_at", "id"), names
    )
    data["barriers"] = _rows(Barrier.objects.filter(**mine).order_by("raised_at", "id"), names)

    assessments = list(
        Assessment.objects.filter(**mine).select_related("tool").order_by("assessed_on", "id")
    )
    answers = _grouped(
        AssessmentAnswer.objects.filter(assessment__in=assessments).order_by(
            "assessment_id", "item__order"
        ),
        names,
        "assessment_id",
    )
    names.load(a.recorded_by_id for a in assessments)
    data["assessments"] = [
        _row(a, names, reference=a.reference, answers=answers.get(a.pk, [])) for a in assessments
    ]
    data["service_use"] = _rows(ServiceUse.objects.filter(**mine).order_by("quarter", "id"), names)

    episode_ids = [r["id"] for r in data["needs"]]
    relationship_ids = [r["id"] for r in data["trusted_persons"]]
    imported = (
        ImportedRecord.objects.filter(
            Q(model="people.person", object_id=person_id)
            | Q(model="people.needepisode", object_id__in=episode_ids)
            | Q(model="people.trustedrelationship", object_id__in=relationship_ids)
        )
        .select_related("batch")
        .order_by("id")
    )
    imported = list(imported)
    names.load(r.batch.uploaded_by_id for r in imported)
    data["imports"] = [
        _row(
            r,
            names,
            import_reference=r.batch.reference,
            file=r.batch.filename,
            uploaded_by=names(r.batch.uploaded_by_id),
            imported_at=_plain(r.batch.imported_at),
        )
        for r in imported
    ]

    rights = list(
        RightsCase.objects.filter(**mine).prefetch_related("versions").order_by("received_on", "id")
    )
    pauses = _grouped(
        ClockPause.objects.filter(case__in=rights).order_by("paused_on", "id"), names, "case_id"
    )
    data["rights_requests"] = [
        _row(
            c,
            names,
            reference=c.reference,
            due_on=_plain(c.due_on()),
            pauses=pauses.get(c.pk, []),
            corrected_by_versions=[v.pk for v in c.versions.all()],
        )
        for c in rights
    ]

    linked = {
        "referrals.referral": [r.pk for r in referrals],
        "consent.consent": [c.pk for c in consents],
        "outcomes.assessment": [a.pk for a in assessments],
        "outcomes.serviceuse": [r["id"] for r in data["service_use"]],
        "rights.rightscase": [c.pk for c in rights],
    }
    data["access_log"] = _access_log(person_id, linked, names)
    return data


def counts(data: dict) -> dict[str, int]:
    """How many records each section of a copy holds."""
    return {
        key: (1 if isinstance(data.get(key), dict) else len(data.get(key) or []))
        for key, _ in SECTIONS
    }


# --- the readable copy (PDF) ---------------------------------------------------------------------

# In print: the record's own number is at the top; every row repeating it is noise.
_SKIP_IN_PRINT = {"record_type", "id", "person"}
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _printable(value):
    if value is None or value == "":
        return "—"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return [_printable_row(v) for v in value]
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, dict):
        return [_printable_row(value)]
    if isinstance(value, str) and _ISO_DATETIME.match(value):
        with contextlib.suppress(ValueError):
            return f"{dt.datetime.fromisoformat(value):%-d %B %Y %H:%M}"
    if isinstance(value, str) and _ISO_DATE.match(value):
        with contextlib.suppress(ValueError):
            return f"{dt.date.fromisoformat(value):%-d %B %Y}"
    return str(value)


def _printable_row(row: dict) -> list[tuple[str, object, bool]]:
    """A row as (label, value, nested) triples; a value ending in "_label" replaces its code."""
    items = []
    for key, value in row.items():
        if key in _SKIP_IN_PRINT or key.endswith("_label"):
            continue
        shown = row.get(f"{key}_label", value)
        printable = _printable(shown)
        items.append((_label(key), printable, isinstance(printable, list)))
    return items


def printable_sections(data: dict) -> list[dict]:
    """The copy as headed sections of label–value rows, for the PDF and the restricted-record
    page."""
    sections = []
    for key, title in SECTIONS:
        value = data.get(key)
        rows = [value] if isinstance(value, dict) else list(value or [])
        sections.append(
            {
                "key": key,
                "title": title,
                "rows": [_printable_row(r) for r in rows],
                "count": len(rows),
            }
        )
    return sections


def render_pdf(data: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "rights/export_pdf.html",
        {"data": data, "sections": printable_sections(data), "generated": timezone.localtime()},
    )
    return HTML(string=html, base_url=settings.PETAL_BASE_URL + "/").write_pdf()
