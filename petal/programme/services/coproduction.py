"""The co-production register: people with lived experience who take part in shaping the work,
where they took part, the recognition they were given, and their feedback with our response.

Contact details are kept only while someone agrees to be contacted: details given without that
agreement are refused, and turning the agreement off clears them. ``named_as`` is how they want
to be named, anywhere ("Anonymous" if not at all). Feedback joins the public "You said, we did"
page only once it has a response and the programme team publishes it.

The audit trail records what changed (field names), never the personal details themselves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, ValidationFailed, clean_text, fail
from petal.programme.models import (
    Contributor,
    Feedback,
    Participation,
    ParticipationKind,
    Recognition,
    RecognitionKind,
)

MAX_NAME = 100
MAX_HOW = 300
MAX_EMAIL = 254
MAX_PHONE = 40
MAX_NOTES = 5000
MAX_DESCRIPTION = 300
MAX_WHERE = 200
MAX_TEXT = 5000
MAX_AMOUNT = Decimal("99999.99")

CONTACT_WITHOUT_CONSENT = (
    "Only keep contact details for someone who agreed to be contacted: remove them, or record "
    "that they agreed"
)
NO_RESPONSE = "Record what we did in response before publishing it"
CONTACT_FIELDS = ("how_to_contact", "email", "phone")


def _require_team(actor) -> None:
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team keeps the co-production register")


def _id(value, what: str) -> int:
    try:
        found = int(str(value))
    except (TypeError, ValueError) as exc:
        raise NotFound(f"No such {what}") from exc
    if found < 1 or found > 2**31 - 1:
        raise NotFound(f"No such {what}")
    return found


def _day(value, *, field: str, label: str, required: bool = True, past: bool = True):
    if value is None:
        if required:
            fail(field, f"Enter the {label}")
        return None
    if not isinstance(value, dt.date):
        fail(field, f"The {label} must be a real date")
    if past and value > timezone.localdate():
        fail(field, f"The {label} must be today or in the past")
    return value


def _contributor(contributor_id, *, lock: bool = False) -> Contributor:
    qs = Contributor.objects.select_for_update() if lock else Contributor.objects
    contributor = qs.filter(pk=_id(contributor_id, "person")).first()
    if contributor is None:
        raise NotFound("No such person in the register")
    return contributor


def _details(
    *, named_as, consent_to_contact, consent_recorded_on, how_to_contact, email, phone, notes
) -> dict:
    named_as = clean_text(
        named_as, field="named_as", label="how they want to be named", required=True, limit=MAX_NAME
    )
    how_to_contact = clean_text(
        how_to_contact, field="how_to_contact", label="how to contact them", limit=MAX_HOW
    )
    email = clean_text(email, field="email", label="an email address", limit=MAX_EMAIL)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fail("email", "Enter an email address in the correct format, like name@example.org")
    phone = clean_text(phone, field="phone", label="a phone number", limit=MAX_PHONE)
    notes = clean_text(notes, field="notes", label="notes", limit=MAX_NOTES)
    consent = bool(consent_to_contact)
    recorded_on = _day(
        consent_recorded_on,
        field="consent_recorded_on",
        label="date their answer was recorded",
        required=consent,
    )
    return {
        "named_as": named_as,
        "consent_to_contact": consent,
        "consent_recorded_on": recorded_on,
        "how_to_contact": how_to_contact,
        "email": email,
        "phone": phone,
        "notes": notes,
    }


@transaction.atomic
def contributor_add(
    *,
    actor,
    named_as: str,
    consent_to_contact: bool,
    consent_recorded_on=None,
    how_to_contact: str = "",
    email: str = "",
    phone: str = "",
    notes: str = "",
) -> Contributor:
    """Add someone to the register. Contact details only with their agreement to be
    contacted."""
    _require_team(actor)
    data = _details(
        named_as=named_as,
        consent_to_contact=consent_to_contact,
        consent_recorded_on=consent_recorded_on,
        how_to_contact=how_to_contact,
        email=email,
        phone=phone,
        notes=notes,
    )
    if not data["consent_to_contact"] and any(data[f] for f in CONTACT_FIELDS):
        fail("consent_to_contact", CONTACT_WITHOUT_CONSENT)
    contributor = Contributor.objects.create(created_by=actor, **data)
    audit_record(
        actor=actor,
        action="coproduction.contributor_added",
        obj=contributor,
        data={"consent_to_contact": contributor.consent_to_contact},
    )
    return contributor


@transaction.atomic
def contributor_change(
    *,
    actor,
    contributor_id,
    named_as: str,
    consent_to_contact: bool,
    consent_recorded_on=None,
    how_to_contact: str = "",
    email: str = "",
    phone: str = "",
    notes: str = "",
    active: bool = True,
) -> Contributor:
    """Change a register entry. Turning their agreement to be contacted off clears their
    contact details (what the form still showed of them is not kept); details typed for
    someone who has not agreed are refused."""
    _require_team(actor)
    contributor = _contributor(contributor_id, lock=True)
    data = _details(
        named_as=named_as,
        consent_to_contact=consent_to_contact,
        consent_recorded_on=consent_recorded_on,
        how_to_contact=how_to_contact,
        email=email,
        phone=phone,
        notes=notes,
    )
    data["active"] = bool(active)
    cleared = False
    if not data["consent_to_contact"]:
        if contributor.consent_to_contact:
            cleared = any(getattr(contributor, f) for f in CONTACT_FIELDS) or any(
                data[f] for f in CONTACT_FIELDS
            )
            for name in CONTACT_FIELDS:
                data[name] = ""
        elif any(data[f] for f in CONTACT_FIELDS):
            fail("consent_to_contact", CONTACT_WITHOUT_CONSENT)
    changed = sorted(name for name, value in data.items() if getattr(contributor, name) != value)
    for name, value in data.items():
        setattr(contributor, name, value)
    contributor.save()
    audit_record(
        actor=actor,
        action="coproduction.contributor_changed",
        obj=contributor,
        data={"fields": changed, "contact_details_cleared": cleared},
    )
    return contributor


@transaction.atomic
def participation_record(
    *, actor, contributor_id, kind: str, took_part_on, description: str = ""
) -> Participation:
    """Record that someone took part: where (design session, Tactical Group, …), when, what."""
    _require_team(actor)
    contributor = _contributor(contributor_id, lock=True)
    if kind not in ParticipationKind.values:
        fail("kind", "Choose where they took part")
    took_part_on = _day(took_part_on, field="took_part_on", label="date they took part")
    description = clean_text(
        description, field="description", label="a description", limit=MAX_DESCRIPTION
    )
    participation = Participation.objects.create(
        contributor=contributor,
        kind=kind,
        took_part_on=took_part_on,
        description=description,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="coproduction.participation_recorded",
        obj=participation,
        data={"contributor": contributor.pk, "kind": kind},
    )
    return participation


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip().lstrip("£").replace(",", ""))
    except (InvalidOperation, ValueError):
        fail("amount", "Enter the amount in pounds, like 25 or 12.50")
    if not amount.is_finite() or amount <= 0:
        fail("amount", "The amount must be more than £0")
    if amount > MAX_AMOUNT:
        fail("amount", "The amount must be £99,999.99 or less")
    if amount != amount.quantize(Decimal("0.01")):
        fail("amount", "Enter the amount in pounds and pence, like 12.50")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def recognition_record(
    *, actor, contributor_id, kind: str, amount, given_on, participation_id=None, note: str = ""
) -> Recognition:
    """Record recognition given (a voucher, a payment, expenses), optionally for one time
    they took part."""
    _require_team(actor)
    contributor = _contributor(contributor_id, lock=True)
    if kind not in RecognitionKind.values:
        fail("kind", "Choose what was given")
    amount = _amount(amount)
    given_on = _day(given_on, field="given_on", label="date it was given")
    participation = None
    if participation_id not in (None, ""):
        participation = Participation.objects.filter(
            contributor=contributor, pk=_id(participation_id, "participation")
        ).first()
        if participation is None:
            fail("participation", "Choose a time they took part from the list")
    note = clean_text(note, field="note", label="a note", limit=MAX_DESCRIPTION)
    recognition = Recognition.objects.create(
        contributor=contributor,
        participation=participation,
        kind=kind,
        amount=amount,
        given_on=given_on,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="coproduction.recognition_recorded",
        obj=recognition,
        data={"contributor": contributor.pk, "kind": kind, "amount": str(amount)},
    )
    return recognition


# --- feedback ------------------------------------------------------------------------------------


@transaction.atomic
def feedback_record(
    *, actor, contributor_id=None, received_on, where: str = "", said: str
) -> Feedback:
    """Record feedback: from someone in the register or anonymous, when and where, and what
    was said."""
    _require_team(actor)
    contributor = None
    if contributor_id not in (None, ""):
        contributor = Contributor.objects.filter(
            pk=_id(contributor_id, "person"), active=True
        ).first()
        if contributor is None:
            fail("contributor", "Choose who it is from from the list, or ‘Anonymous’")
    received_on = _day(received_on, field="received_on", label="date it was received")
    where = clean_text(where, field="where", label="where it was said", limit=MAX_WHERE)
    said = clean_text(said, field="said", label="what was said", required=True, limit=MAX_TEXT)
    feedback = Feedback.objects.create(
        contributor=contributor, received_on=received_on, where=where, said=said, recorded_by=actor
    )
    audit_record(
        actor=actor,
        action="feedback.recorded",
        obj=feedback,
        data={"contributor": contributor.pk if contributor else None},
    )
    return feedback


def _feedback(feedback_id) -> Feedback:
    feedback = Feedback.objects.select_for_update().filter(pk=_id(feedback_id, "feedback")).first()
    if feedback is None:
        raise NotFound("No such feedback")
    return feedback


@transaction.atomic
def feedback_respond(*, actor, feedback_id, response: str, responded_on) -> Feedback:
    """Record what we did in response, and when. Published feedback shows the new response."""
    _require_team(actor)
    feedback = _feedback(feedback_id)
    feedback.response = clean_text(
        response, field="response", label="what we did", required=True, limit=MAX_TEXT
    )
    feedback.responded_on = _day(responded_on, field="responded_on", label="date we responded")
    if feedback.responded_on < feedback.received_on:
        fail("responded_on", "The date we responded must be on or after the date it was received")
    feedback.save(update_fields=["response", "responded_on"])
    audit_record(
        actor=actor,
        action="feedback.responded",
        obj=feedback,
        data={"published": feedback.published_at is not None},
    )
    return feedback


@transaction.atomic
def feedback_publish(*, actor, feedback_id, publish: bool) -> Feedback:
    """Put feedback and its response on the public "You said, we did" page, or take it off.
    Publishing needs a response."""
    _require_team(actor)
    feedback = _feedback(feedback_id)
    if publish:
        if not feedback.response:
            raise ValidationFailed(NO_RESPONSE)
        if feedback.published_at is None:
            feedback.published_at = timezone.now()
            feedback.save(update_fields=["published_at"])
            audit_record(actor=actor, action="feedback.published", obj=feedback)
    elif feedback.published_at is not None:
        feedback.published_at = None
        feedback.save(update_fields=["published_at"])
        audit_record(actor=actor, action="feedback.unpublished", obj=feedback)
    return feedback
