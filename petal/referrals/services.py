"""Every write about referrals: one transaction each, with its audit event and its
notifications. A notification names a referral by its reference ("R-000123") and links to it:
never a person's details."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend, task

from petal.access.categories import Category
from petal.access.people import can_change_person
from petal.access.policy import organisations_with_role
from petal.access.referrals import RECEIVER, REFERRER, referral_access, shareable_bits
from petal.access.roles import Role
from petal.accounts.selectors import users_with_role
from petal.audit.services import audit_record
from petal.consent.models import bits_for, categories_in
from petal.core.errors import NotFound, fail
from petal.core.notify import deliverable as _deliverable
from petal.core.notify import notify
from petal.directory.models import Service, ServiceStatus
from petal.reference.selectors import partnership_for_district
from petal.referrals.models import (
    CLOSED,
    STEP_FIELD,
    STEPS,
    EventKind,
    Referral,
    ReferralEvent,
    Side,
    Status,
)

logger = logging.getLogger(__name__)

MAX_NOTE = 2000


def _receivers(referral: Referral) -> list[str]:
    staff = [
        u.email
        for u in users_with_role(Role.SERVICE_STAFF, organisation_id=referral.organisation_id)
    ]
    if not staff and referral.service.email:
        staff = [referral.service.email]
    return _deliverable(staff)


def _referrer(referral: Referral) -> list[str]:
    user = referral.referred_by
    return _deliverable([user.email] if user is not None and user.is_active else [])


def _tell(to: list[str], *, subject: str, message: str, referral: Referral) -> None:
    if not to:
        return
    link = reverse("referrals:referral", kwargs={"referral_id": referral.pk})
    transaction.on_commit(
        lambda: notify(
            to=to, subject=subject, message=message, reference=referral.reference, link=link
        )
    )


def missing_consent(person, service: Service, categories) -> list[Category]:
    """The categories asked for that no active consent to the service's organisation covers."""
    covered = shareable_bits(person.pk, service.organisation_id)
    return [c for c in categories_in(bits_for(categories)) if not covered & bits_for([c])]


@transaction.atomic
def referral_send(*, actor, person, service: Service, categories, reason: str) -> Referral:
    """A trusted person refers a person to a service, including only what the person agreed
    to share with the receiving organisation."""
    if not can_change_person(actor, person):
        raise NotFound("No such person")
    if service.status != ServiceStatus.ACTIVE or not service.accepts_referrals:
        fail("service", "This service is not taking referrals through Petal")
    categories = {Category(c) for c in categories} | {Category.IDENTITY}
    missing = missing_consent(person, service, categories)
    if missing:
        names = ", ".join(c.label.lower() for c in missing)
        fail(
            "categories",
            f"{person.name} has not agreed to share {names} with "
            f"{service.organisation.name}. Record their consent first, or leave it out.",
        )
    reason = (reason or "").strip()
    if not reason:
        fail("reason", "Say why you are referring them and what they hope for")
    if len(reason) > 5000:
        fail("reason", "Reason must be 5,000 characters or fewer")
    now = timezone.now()
    district = person.district
    partnership = (
        partnership_for_district(district, on=timezone.localdate(now)) if district else None
    )
    referrer_organisation = next(iter(organisations_with_role(actor, Role.TRUSTED_PERSON)), None)
    referral = Referral.objects.create(
        programme_area_id=person.programme_area_id,
        person=person,
        service=service,
        organisation_id=service.organisation_id,
        referred_by=actor,
        referrer_organisation_id=referrer_organisation,
        reason=reason,
        category_bits=bits_for(categories),
        status=Status.SENT,
        sent_at=now,
        response_due_at=now + dt.timedelta(days=service.response_days),
        district=district,
        partnership=partnership,
    )
    ReferralEvent.objects.create(
        referral=referral,
        kind=EventKind.STATUS,
        status=Status.SENT,
        side=Side.REFERRER,
        actor=actor,
        at=now,
    )
    audit_record(
        actor=actor,
        action="referral.sent",
        obj=referral,
        categories=sorted(str(c) for c in categories),
        data={
            "person": person.pk,
            "service": str(service.pk),
            "organisation": service.organisation_id,
        },
    )
    _tell(
        _receivers(referral),
        subject="New referral",
        message=f"A new referral has been sent to {service.name[:120]}.",
        referral=referral,
    )
    _schedule_reminder(referral)
    return referral


def _schedule_reminder(referral: Referral) -> None:
    """Queue the reminder to run when the response time has passed, where the task backend
    can defer work (the database backend in production). ``referral_reminders`` sweeps for any
    that were missed, so a cron run is the safety net."""
    if not getattr(default_task_backend, "supports_defer", False):
        return
    pk, due = referral.pk, referral.response_due_at
    transaction.on_commit(
        lambda: remind_if_unacknowledged.using(run_after=due).enqueue(referral_id=pk)
    )


# Who may move a referral to each status.
RECEIVER_MOVES = {Status.ACKNOWLEDGED, Status.FIRST_CONTACT, Status.STARTED, Status.DECLINED}
REFERRER_MOVES = {Status.WITHDRAWN}

STEP_MESSAGES = {
    Status.ACKNOWLEDGED: "The service has acknowledged your referral.",
    Status.FIRST_CONTACT: "The service has made first contact.",
    Status.STARTED: "The service has started.",
    Status.DECLINED: "The service has declined your referral. Sign in to see why.",
    Status.WITHDRAWN: "A referral to your service has been withdrawn.",
}


def _locked(actor, referral_id: int):
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("service", "referred_by", "person")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        raise NotFound("No such referral")
    access = referral_access(actor, referral)
    if access is None:
        raise NotFound("No such referral")
    return referral, access


def allowed_moves(referral: Referral, side: str) -> list[Status]:
    """The statuses this side may move the referral to now."""
    if referral.status in CLOSED:
        return []
    if side == REFERRER:
        return [Status.WITHDRAWN]
    at = STEPS.index(Status(referral.status))
    return [*STEPS[at + 1 :], Status.DECLINED]


@transaction.atomic
def referral_move(*, actor, referral_id: int, status: str, note: str = "") -> Referral:
    """Move a referral on: the receiving side acknowledges, makes first contact, starts the
    service or declines (with a reason); the referring side withdraws (with a reason). A step
    skipped (first contact made before it was acknowledged) takes the later step's time."""
    referral, access = _locked(actor, referral_id)
    try:
        status = Status(status)
    except ValueError:
        fail("status", "Choose what has happened")
    if status not in allowed_moves(referral, access.side):
        if referral.status in CLOSED:
            fail("status", f"This referral is already {referral.get_status_display().lower()}")
        fail("status", "Choose what has happened")
    note = (note or "").strip()
    if status in (Status.DECLINED, Status.WITHDRAWN) and not note:
        fail("note", "Say why, so the other side knows what to do next")
    if len(note) > MAX_NOTE:
        fail("note", f"Note must be {MAX_NOTE:,} characters or fewer")
    now = timezone.now()
    if status in STEP_FIELD:
        for step in STEPS[1 : STEPS.index(status) + 1]:
            if getattr(referral, STEP_FIELD[step]) is None:
                setattr(referral, STEP_FIELD[step], now)
    if status in CLOSED:
        referral.closed_at = now
    previous = referral.status
    referral.status = status
    referral.save()
    side = Side.RECEIVER if access.side == RECEIVER else Side.REFERRER
    ReferralEvent.objects.create(
        referral=referral,
        kind=EventKind.STATUS,
        status=status,
        body=note,
        side=side,
        actor=actor,
        at=now,
    )
    audit_record(
        actor=actor,
        action="referral.status_changed",
        obj=referral,
        data={"from": previous, "to": status.value, "side": access.side},
    )
    if access.side == RECEIVER:
        _tell(
            _referrer(referral),
            subject="Referral update",
            message=STEP_MESSAGES[status],
            referral=referral,
        )
    else:
        _tell(
            _receivers(referral),
            subject="Referral withdrawn",
            message=STEP_MESSAGES[status],
            referral=referral,
        )
    return referral


@transaction.atomic
def referral_note(*, actor, referral_id: int, body: str) -> ReferralEvent:
    """A note either side adds, which the other side sees."""
    referral, access = _locked(actor, referral_id)
    if not access.sees_person:
        raise NotFound("No such referral")
    body = (body or "").strip()
    if not body:
        fail("body", "Write your note")
    if len(body) > MAX_NOTE:
        fail("body", f"Note must be {MAX_NOTE:,} characters or fewer")
    side = Side.RECEIVER if access.side == RECEIVER else Side.REFERRER
    event = ReferralEvent.objects.create(
        referral=referral,
        kind=EventKind.NOTE,
        body=body,
        side=side,
        actor=actor,
        at=timezone.now(),
    )
    audit_record(
        actor=actor, action="referral.note_added", obj=referral, data={"side": access.side}
    )
    other = _receivers(referral) if access.side == REFERRER else _referrer(referral)
    _tell(
        other,
        subject="New note on a referral",
        message="There is a new note on a referral.",
        referral=referral,
    )
    return event


def _remind(referral_id: int, *, now: dt.datetime) -> bool:
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("service")
            .filter(
                pk=referral_id,
                status=Status.SENT,
                reminded_at__isnull=True,
                response_due_at__lte=now,
            )
            .first()
        )
        if referral is None:
            return False
        referral.reminded_at = now
        referral.save(update_fields=["reminded_at", "updated_at"])
        ReferralEvent.objects.create(
            referral=referral,
            kind=EventKind.REMINDER,
            side=Side.SYSTEM,
            at=now,
            body=f"Not acknowledged within {referral.service.response_days} days: reminder sent.",
        )
        audit_record(actor=None, action="referral.reminded", obj=referral)
        _tell(
            _receivers(referral),
            subject="Referral waiting",
            message="A referral to your service is waiting to be acknowledged.",
            referral=referral,
        )
    return True


@task()
def remind_if_unacknowledged(*, referral_id: int) -> bool:
    """Queued with ``run_after`` the response time: remind the receiving organisation if the
    referral is still unacknowledged (does nothing otherwise)."""
    return _remind(referral_id, now=timezone.now())


def referral_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind every receiving organisation with a referral past its response time and not yet
    acknowledged (once per referral). Returns how many reminders were sent."""
    now = now or timezone.now()
    due = (
        Referral.objects.filter(
            status=Status.SENT, reminded_at__isnull=True, response_due_at__lte=now
        )
        .order_by("response_due_at")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in list(due) if _remind(pk, now=now))
