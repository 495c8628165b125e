"""Every write about data-protection rights cases: one transaction each, with its audit event.

Only the data protection lead (``rights.manage``) records and runs cases; anyone else is
answered as if there were no such case. Audit events about a case name the case and the record
by number (``data["person"]``), so the record's own access log shows them; never a name.

- Subject access (article 15): ``case_record`` → ``clock_pause`` / ``clock_resume`` /
  ``clock_extend`` → ``export_generate`` → ``case_close``.
- Restriction (article 18): ``restriction_apply`` and ``restriction_lift``; while in force the
  record is readable by no one but the data protection lead (``petal.access.people``).
- Rectification (article 16): ``rectification_tell`` asks the trusted persons to correct the
  record through the usual edit page (which keeps the history); ``case_close`` links the
  versions that made the correction.
- Erasure (article 17): ``erasure_decide`` records the decision with its lawful ground or
  refusal basis and, on approval, calls ``petal.retention.erase.person_erase``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from petal.access.categories import ALL_CATEGORIES
from petal.access.policy import can
from petal.access.rls import unrestricted
from petal.audit.services import audit_record
from petal.consent.services import reference as person_reference  # a number, never a name
from petal.core.errors import NotFound, ValidationFailed, clean_text, fail
from petal.rights.clock import MAX_EXTENSION_MONTHS
from petal.rights.models import (
    OPEN_STATUSES,
    ClockPause,
    ErasureDecision,
    ErasureGround,
    ErasureRefusal,
    Kind,
    ReceivedHow,
    RectificationOutcome,
    RightsCase,
    Status,
    SubjectAccessExport,
)


def require_manager(actor) -> None:
    """Only the data protection lead: anyone else finds nothing here."""
    if not can(actor, "rights.manage"):
        raise NotFound("Not found")


def _audit(actor, action: str, case: RightsCase, categories=(), **data) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=case,
        categories=categories,
        data={"person": case.person_id, "kind": case.kind, **data},
    )


def _case_for_change(actor, case_id: int, *, kinds=None) -> RightsCase:
    require_manager(actor)
    case = RightsCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None or (kinds is not None and case.kind not in kinds):
        raise NotFound("No such request")
    return case


def _require_open(case: RightsCase) -> None:
    if case.status not in OPEN_STATUSES:
        fail("__all__", "This request is closed: nothing more can be changed")


# --- recording a request ------------------------------------------------------------------


@transaction.atomic
def case_record(
    *,
    actor,
    kind: str,
    person_id: int,
    received_on: dt.date,
    received_how: str,
    identity_checked: bool,
    notes: str = "",
    what_is_wrong: str = "",
    what_should_be: str = "",
) -> RightsCase:
    """Record a request from a person about their record, found beforehand by number or by
    exact name and date of birth (``petal.rights.selectors.person_find``)."""
    from petal.people.models import Person

    require_manager(actor)
    if kind not in Kind.values:
        fail("kind", "Select which right the person is asking for")
    if received_how not in ReceivedHow.values:
        fail("received_how", "Select how the request came in")
    if received_on is None:
        fail("received_on", "Enter the date the request was received")
    if received_on > timezone.localdate():
        fail("received_on", "The date the request was received must be today or in the past")
    notes = clean_text(notes, field="notes", label="notes")
    if kind == Kind.RECTIFICATION:
        what_is_wrong = clean_text(
            what_is_wrong,
            field="what_is_wrong",
            label="what the person says is wrong",
            required=True,
        )
        what_should_be = clean_text(
            what_should_be,
            field="what_should_be",
            label="what the person says should be recorded",
            required=True,
        )
    else:
        what_is_wrong = what_should_be = ""
    with unrestricted():  # the lead holds no relationship or consent: rights work
        person = Person.objects.filter(pk=person_id).first()
    if person is None:
        fail("person", "No record has this number")
    case = RightsCase.objects.create(
        programme_area_id=person.programme_area_id,
        kind=kind,
        person=person,
        person_reference=person_reference(person.pk),
        received_on=received_on,
        received_how=received_how,
        identity_checked=bool(identity_checked),
        notes=notes,
        what_is_wrong=what_is_wrong,
        what_should_be=what_should_be,
        created_by=actor,
    )
    _audit(actor, "rights.case_recorded", case, received_on=received_on.isoformat())
    return case


# --- the clock ------------------------------------------------------------------------------


@transaction.atomic
def clock_pause(*, actor, case_id: int, reason: str) -> RightsCase:
    """Stop the clock, for example while waiting for proof of identity. The due date moves on
    by every day it stays stopped."""
    case = _case_for_change(actor, case_id)
    _require_open(case)
    if case.is_paused:
        fail("reason", "The clock is already paused")
    reason = clean_text(reason, field="reason", label="why the clock is paused", required=True)
    today = timezone.localdate()
    ClockPause.objects.create(case=case, paused_on=today, reason=reason, paused_by=actor)
    case.paused_since = today
    case.status = Status.PAUSED
    case.save(update_fields=["paused_since", "status"])
    _audit(actor, "rights.clock_paused", case, on=today.isoformat())
    return case


@transaction.atomic
def clock_resume(*, actor, case_id: int) -> RightsCase:
    """Start the clock again: the days it was stopped are added to the due date."""
    case = _case_for_change(actor, case_id)
    _require_open(case)
    if not case.is_paused:
        fail("__all__", "The clock is not paused")
    today = timezone.localdate()
    pause = case.pauses.filter(resumed_on__isnull=True).order_by("-paused_on", "-id").first()
    days = max(0, (today - case.paused_since).days)
    if pause is not None:
        pause.resumed_on = today
        pause.resumed_by = actor
        pause.save(update_fields=["resumed_on", "resumed_by"])
    case.paused_days += days
    case.paused_since = None
    case.status = Status.OPEN
    case.save(update_fields=["paused_days", "paused_since", "status"])
    _audit(actor, "rights.clock_resumed", case, days=days, due_on=case.due_on().isoformat())
    return case


@transaction.atomic
def clock_extend(*, actor, case_id: int, months: int, reason: str) -> RightsCase:
    """Extend the time to respond, once, by one or two further months, with the reason the
    person is told (article 12(3): complex or numerous requests)."""
    case = _case_for_change(actor, case_id)
    _require_open(case)
    if case.extension_months:
        fail("months", "The time to respond has already been extended: it can be extended once")
    if months not in range(1, MAX_EXTENSION_MONTHS + 1):
        fail("months", "Select an extension of one or two months")
    reason = clean_text(reason, field="reason", label="why more time is needed", required=True)
    case.extension_months = months
    case.extension_reason = reason
    case.extended_at = timezone.now()
    case.extended_by = actor
    case.save(update_fields=["extension_months", "extension_reason", "extended_at", "extended_by"])
    _audit(actor, "rights.clock_extended", case, months=months, due_on=case.due_on().isoformat())
    return case


# --- closing ----------------------------------------------------------------------------------


@transaction.atomic
def case_close(
    *,
    actor,
    case_id: int,
    outcome: str,
    note: str = "",
    version_ids: list[int] | None = None,
) -> RightsCase:
    """Close a request: completed, or refused with the reason the person is given.

    A subject access request completes only once a copy has been prepared. A rectification
    request completes as "corrected" only with the record versions that made the correction
    (made by a trusted person through the usual edit page), or is refused with a reason.
    Erasure requests close through ``erasure_decide``; restrictions when they are applied."""
    case = _case_for_change(actor, case_id)
    _require_open(case)
    if case.kind in (Kind.ERASURE, Kind.RESTRICTION):
        fail("outcome", "Record the decision on this request instead")
    allowed = (
        RectificationOutcome.values if case.kind == Kind.RECTIFICATION else ["completed", "refused"]
    )
    if outcome not in allowed:
        fail("outcome", "Select the outcome")
    refused = outcome == "refused"
    note = clean_text(
        note,
        field="note",
        label="the reason for refusing" if refused else "a note",
        required=refused,
    )
    if case.kind == Kind.ACCESS and not refused and not case.exports.exists():
        fail("outcome", "Prepare the copy of their information before completing the request")
    linked: list[int] = []
    if case.kind == Kind.RECTIFICATION and not refused:
        versions = _versions_of(case, version_ids or [])
        if not versions:
            fail("versions", "Select the changes that made the correction")
        case.versions.set(versions)
        linked = sorted(v.pk for v in versions)
        case.outcome = RectificationOutcome.CORRECTED
    else:
        case.outcome = "refused" if refused else "completed"
    _end_pause(case, actor)
    case.status = Status.REFUSED if refused else Status.COMPLETED
    case.outcome_note = note
    case.closed_at = timezone.now()
    case.closed_by = actor
    case.save()
    _audit(
        actor,
        "rights.case_refused" if refused else "rights.case_completed",
        case,
        outcome=case.outcome,
        versions=linked,
    )
    return case


def _versions_of(case: RightsCase, version_ids: list[int]):
    from petal.people.models import RecordVersion

    ids = {int(v) for v in version_ids}
    if not ids or case.person_id is None:
        return []
    with unrestricted():
        found = list(RecordVersion.objects.filter(person_id=case.person_id, pk__in=ids))
    if len(found) != len(ids):
        fail("versions", "Select changes made to this person's record")
    return found


def _end_pause(case: RightsCase, actor) -> None:
    if case.paused_since is None:
        return
    today = timezone.localdate()
    case.paused_days += max(0, (today - case.paused_since).days)
    case.paused_since = None
    case.pauses.filter(resumed_on__isnull=True).update(resumed_on=today, resumed_by=actor)


# --- subject access: the copy -----------------------------------------------------------------


@transaction.atomic
def export_generate(*, actor, case_id: int) -> SubjectAccessExport:
    """Gather everything Petal holds about the person (``petal.rights.export``) as JSON and as
    a PDF, and keep both with the case: what was given, and when."""
    from petal.rights import export

    case = _case_for_change(actor, case_id, kinds={Kind.ACCESS})
    _require_open(case)
    if case.person_id is None:
        fail("__all__", "The record no longer exists")
    # The copy's own event first, so the access log in the copy shows it being made.
    # A full copy reads every category of the record: the access log says so.
    _audit(
        actor, "rights.export_generated", case, categories=sorted(str(c) for c in ALL_CATEGORIES)
    )
    with unrestricted():
        data = export.gather(case.person_id)
    content = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode()
    item = SubjectAccessExport.objects.create(
        case=case,
        created_by=actor,
        json_content=content,
        pdf_content=export.render_pdf(data),
        sha256=hashlib.sha256(content).hexdigest(),
        counts=export.counts(data),
    )
    return item


# --- restriction ------------------------------------------------------------------------------


@transaction.atomic
def restriction_apply(*, actor, case_id: int, reason: str) -> RightsCase:
    """Restrict the record (article 18): from now until lifted, no one but the data protection
    lead reads it — not its trusted persons, not those a consent names, not a break-glass."""
    case = _case_for_change(actor, case_id, kinds={Kind.RESTRICTION})
    _require_open(case)
    if case.person_id is None:
        fail("__all__", "The record no longer exists")
    reason = clean_text(reason, field="reason", label="why the record is restricted", required=True)
    now = timezone.now()
    _end_pause(case, actor)
    case.restricted_at = now
    case.restricted_by = actor
    case.restriction_reason = reason
    case.status = Status.COMPLETED
    case.outcome = "restricted"
    case.closed_at = now
    case.closed_by = actor
    case.save()
    _audit(actor, "rights.record_restricted", case)
    return case


@transaction.atomic
def restriction_lift(*, actor, case_id: int, reason: str) -> RightsCase:
    """Lift a restriction: the record is read again as the access rules allow."""
    case = _case_for_change(actor, case_id, kinds={Kind.RESTRICTION})
    if not case.restriction_in_force:
        fail("reason", "This record is not restricted")
    reason = clean_text(
        reason, field="reason", label="why the restriction is lifted", required=True
    )
    case.lifted_at = timezone.now()
    case.lifted_by = actor
    case.lift_reason = reason
    case.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    _audit(actor, "rights.restriction_lifted", case)
    return case


# --- rectification ----------------------------------------------------------------------------


@transaction.atomic
def rectification_tell(*, actor, case_id: int) -> int:
    """Ask the person's current trusted persons to correct the record through the usual edit
    page (which keeps every change as a record version). The message carries the record's
    number and a link, never what is wrong. Returns how many were told."""
    from petal.access.people import relationships_in_force, restricted_people
    from petal.core.notify import deliverable, notify

    case = _case_for_change(actor, case_id, kinds={Kind.RECTIFICATION})
    _require_open(case)
    if case.person_id is None:
        fail("__all__", "The record no longer exists")
    if restricted_people().filter(person_id=case.person_id).exists():
        fail(
            "__all__",
            "The record is restricted: lift the restriction so its trusted persons can correct it",
        )
    trusted = (
        relationships_in_force()
        .filter(person_id=case.person_id, trusted_person__is_active=True)
        .select_related("trusted_person")
    )
    emails = deliverable(r.trusted_person.email for r in trusted)
    if not emails:
        fail("__all__", "This person has no current trusted person to tell")
    case.trusted_told_at = timezone.now()
    case.save(update_fields=["trusted_told_at"])
    _audit(actor, "rights.trusted_persons_told", case, told=len(emails))
    link = reverse("people:person", kwargs={"person_id": case.person_id})
    transaction.on_commit(
        lambda: notify(
            to=emails,
            subject="A person you support asked for their record to be corrected",
            message=(
                "The data protection lead has a request to correct a record you look after. "
                "Please contact them for the details, then make the correction in Petal."
            ),
            reference=case.person_reference,
            link=link,
        )
    )
    return len(emails)


# --- erasure ------------------------------------------------------------------------------------


def erasure_blockers(person_id: int) -> list[str]:
    """Reasons the law does not allow erasure now, that Petal can see: a safeguarding access
    without consent that is still open or not yet reviewed."""
    from petal.consent.models import BreakGlass, Review

    now = timezone.now()
    glass = BreakGlass.objects.filter(person_id=person_id)
    blockers = []
    if glass.filter(closed_at__isnull=True, expires_at__gt=now).exists():
        blockers.append("Someone has the record open without consent for safeguarding now")
    if glass.filter(review=Review.PENDING).exists():
        blockers.append("An access without consent for safeguarding is waiting for review")
    return blockers


@transaction.atomic
def erasure_decide(*, actor, case_id: int, decision: str, basis: str, reason: str) -> RightsCase:
    """Decide an erasure request. Refused on a lawful basis (article 17(3)) with the reason
    the person is told; or approved on a ground of article 17(1), which erases the record and
    everything linked to it at once (``petal.retention.erase.person_erase``), leaving only the
    audit tombstone. Approval is refused while a safeguarding access is open or unreviewed.

    The case itself is kept — its dates, its reference, the decision — but it loses its link
    to the record and every free-text field about the person, as do the person's other cases
    (their subject access copies are deleted)."""
    case = _case_for_change(actor, case_id, kinds={Kind.ERASURE})
    _require_open(case)
    if decision not in ErasureDecision.values:
        fail("decision", "Select whether to erase the record or refuse")
    allowed = ErasureGround if decision == ErasureDecision.APPROVED else ErasureRefusal
    if basis not in allowed.values:
        fail(
            "ground" if decision == ErasureDecision.APPROVED else "refusal",
            "Select the lawful reason for the decision",
        )
    reason = clean_text(reason, field="reason", label="the reason for the decision", required=True)
    if case.person_id is None:
        fail("__all__", "The record no longer exists")
    now = timezone.now()
    _end_pause(case, actor)
    case.decision = decision
    case.decision_basis = basis
    case.decided_at = now
    case.decided_by = actor
    case.outcome_note = reason
    case.closed_at = now
    case.closed_by = actor
    if decision == ErasureDecision.REFUSED:
        case.status = Status.REFUSED
        case.outcome = "refused"
        case.save()
        _audit(actor, "rights.erasure_decided", case, decision=decision, basis=basis)
        return case
    blockers = erasure_blockers(case.person_id)
    if blockers:
        raise ValidationFailed(blockers[0], field_errors={"decision": blockers})
    person_id = case.person_id
    case.status = Status.COMPLETED
    case.outcome = "erased"
    case.save()
    _audit(actor, "rights.erasure_decided", case, decision=decision, basis=basis)
    # person_erase runs petal.rights.retention's before-erase hook, which forgets the person
    # in every case (this one too) and counts what it cleared into the tombstone.
    from petal.retention.erase import person_erase

    with unrestricted():
        counts = person_erase(person_id=person_id, actor=actor, reason="erasure_request")
    RightsCase.objects.filter(pk=case.pk).update(erased_counts=counts or {})
    case.refresh_from_db()
    return case


def _forget(person_id: int) -> None:
    """Before erasure: the person's cases keep their dates and reference but lose the link
    and every free text that could describe the person; their subject access copies go."""
    cases = RightsCase.objects.filter(person_id=person_id)
    SubjectAccessExport.objects.filter(case__in=cases).delete()
    ClockPause.objects.filter(case__in=cases).update(reason="")
    RightsCase.versions.through.objects.filter(rightscase__in=cases).delete()
    cases.filter(kind=Kind.RESTRICTION, restricted_at__isnull=False, lifted_at__isnull=True).update(
        lifted_at=timezone.now()
    )
    cases.update(
        person=None,
        notes="",
        what_is_wrong="",
        what_should_be="",
        restriction_reason="",
        lift_reason="",
        extension_reason="",
    )
