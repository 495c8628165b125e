"""Every write about events: one transaction each, with its audit event and its emails.

The programme team publishes events (workshops such as the trauma-informed systems workshop,
network meetings), changes and cancels them and records who came; every worker registers and
cancels their own place.

Emails follow ``petal.core.notify``'s rule: a fixed sentence, a reference such as ``E-000123``
and a link to the event's page, never text the programme team typed (the title, the
cancellation reason), which the reader sees in Petal after signing in. An event is about the
programme, never about a person Petal supports, so the calendar file that goes with the email
(``petal.core.ics``) carries its title, time and place. Its UID stays the same for the event's
life and its SEQUENCE goes up whenever a file is sent that replaces an earlier one: the time or
place changed, the event was cancelled, or someone gave up their place or took it back. Each
bump is made under the event's row lock, so two files never share a SEQUENCE by accident.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.champions.models import Event, EventKind, EventStatus, Registration
from petal.champions.selectors.events import event_reference, event_visibility
from petal.core import ics
from petal.core.errors import Forbidden, NotFound, clean_text, fail
from petal.core.notify import deliverable, notify

MAX_DESCRIPTION = 10_000
MAX_HOURS = 12
MAX_CAPACITY = 10_000


# --- what an event's emails and calendar files say -------------------------------------------


def event_link(event: Event) -> str:
    return reverse("events:event", kwargs={"event_id": event.pk})


def when_text(event: Event) -> str:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{start:%A %-d %B %Y}, {start:%H:%M} to {end:%H:%M}"
    return f"{start:%A %-d %B %Y} {start:%H:%M} to {end:%A %-d %B %Y} {end:%H:%M}"


def calendar_filename(event: Event) -> str:
    return f"event-{event_reference(event).lower()}.ics"


def event_ics(event: Event, *, cancelled: bool | None = None) -> str:
    """The event as a calendar file; a cancellation when the event (or, with ``cancelled``,
    one person's place at it) is cancelled."""
    link = f"{settings.PETAL_BASE_URL}{event_link(event)}"
    if cancelled is None:
        cancelled = event.status == EventStatus.CANCELLED
    return ics.calendar_file(
        uid=f"event-{event.uid}@petal",
        sequence=event.sequence,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        summary=event.title,
        location=", ".join(part for part in (event.place, event.online_link) if part),
        url=link,
        description=f"Details and your registration in Petal: {link}",
        cancelled=cancelled,
    )


def calendar_attachment(event: Event, *, cancelled: bool | None = None) -> dict:
    return ics.attachment(calendar_filename(event), event_ics(event, cancelled=cancelled))


# The emails' fixed sentences: nothing typed by staff goes into an email.
REGISTERED = (
    "You are registered for an event. The calendar file is attached: sign in to Petal for the "
    "details."
)
UNREGISTERED = (
    "You are no longer registered for an event. The attached file takes it out of your "
    "calendar: sign in to Petal for the details."
)
CHANGED = (
    "The time or place of an event you registered for has changed. The updated calendar file "
    "is attached: sign in to Petal for the details."
)
CANCELLED = "An event you registered for has been cancelled. Sign in to Petal to see why."


def _tell(event: Event, to: Iterable[str], *, subject: str, message: str, cancelled=None):
    """Email each address, with the calendar file, once the transaction commits."""
    to = deliverable(to)
    if not to:
        return
    attachment = calendar_attachment(event, cancelled=cancelled)
    reference, link = event_reference(event), event_link(event)
    transaction.on_commit(
        lambda: notify(
            to=to,
            subject=subject,
            message=message,
            reference=reference,
            link=link,
            attachments=[attachment],
        )
    )


def _supersede(event: Event) -> None:
    """Raise the event's SEQUENCE before sending a file that replaces one sent earlier: many
    calendars ignore a file whose SEQUENCE is not higher than the copy they hold. The caller
    holds the event's row lock."""
    event.sequence += 1
    event.save(update_fields=["sequence"])


def _registered_addresses(event: Event) -> list[str]:
    return list(
        event.registrations.filter(cancelled_at__isnull=True, user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


# --- publishing, changing, cancelling --------------------------------------------------------


def _manager(actor) -> None:
    if not can(actor, "events.manage"):
        raise Forbidden("Only the programme team can publish and change events")


def _locked(actor, event_id) -> Event:
    try:
        event_id = int(event_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such event") from exc
    event = Event.objects.select_for_update().filter(event_visibility(actor), pk=event_id).first()
    if event is None:
        raise NotFound("No such event")
    return event


def _details(
    *,
    title: str,
    kind: str,
    summary: str,
    description: str,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str,
    online_link: str,
    capacity: int | None,
) -> dict:
    title = clean_text(title, field="title", label="the event's title", required=True, limit=200)
    if kind not in EventKind.values:
        fail("kind", "Choose what kind of event it is")
    summary = clean_text(summary, field="summary", label="the summary", limit=300)
    description = clean_text(
        description, field="description", label="the description", limit=MAX_DESCRIPTION
    )
    if starts_at is None:
        fail("starts_at", "Enter when the event starts")
    if ends_at is None or ends_at <= starts_at:
        fail("ends_at", "The event must end after it starts")
    if ends_at - starts_at > dt.timedelta(hours=MAX_HOURS):
        fail("ends_at", f"An event can last at most {MAX_HOURS} hours")
    place = clean_text(place, field="place", label="the place", limit=300)
    online_link = (online_link or "").strip()
    if online_link and not re.fullmatch(r"https://[^\s\"'<>]+", online_link):
        fail("online_link", "Enter the online link as a web address starting https://")
    if len(online_link) > 200:
        fail("online_link", "The online link must be 200 characters or fewer")
    if not place and not online_link:
        fail("place", "Enter where the event is, or a link to join it online")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        fail("capacity", f"The number of places must be between 1 and {MAX_CAPACITY:,}")
    return {
        "title": title,
        "kind": kind,
        "summary": summary,
        "description": description,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": place,
        "online_link": online_link,
        "capacity": capacity,
    }


@transaction.atomic
def event_create(
    *,
    actor,
    title: str,
    kind: str,
    summary: str = "",
    description: str = "",
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    online_link: str = "",
    capacity: int | None = None,
    publish: bool = False,
) -> Event:
    """The programme team sets up an event, published at once or kept as a draft only the
    programme team sees. It must start in the future."""
    _manager(actor)
    fields = _details(
        title=title,
        kind=kind,
        summary=summary,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        capacity=capacity,
    )
    if fields["starts_at"] <= timezone.now():
        fail("starts_at", "The event must start in the future")
    event = Event.objects.create(created_by=actor, status=EventStatus.DRAFT, **fields)
    if publish:
        event.status, event.published_at = EventStatus.PUBLISHED, timezone.now()
        event.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="event.published", obj=event, data={"new": True})
    else:
        audit_record(actor=actor, action="event.drafted", obj=event)
    return event


@transaction.atomic
def event_change(
    *,
    actor,
    event_id: int,
    title: str,
    kind: str,
    summary: str = "",
    description: str = "",
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place: str = "",
    online_link: str = "",
    capacity: int | None = None,
    publish: bool = False,
) -> Event:
    """Change an event (and publish a draft, with ``publish``). When the time or place of a
    published event changes, its SEQUENCE goes up and everyone registered is sent the new
    calendar file, which replaces the old one in their calendar."""
    _manager(actor)
    event = _locked(actor, event_id)
    if event.status == EventStatus.CANCELLED:
        fail("title", "This event has been cancelled: it cannot be changed")
    fields = _details(
        title=title,
        kind=kind,
        summary=summary,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        online_link=online_link,
        capacity=capacity,
    )
    moved = (event.starts_at, event.ends_at, event.place, event.online_link) != (
        fields["starts_at"],
        fields["ends_at"],
        fields["place"],
        fields["online_link"],
    )
    if moved and fields["starts_at"] <= timezone.now():
        fail("starts_at", "The event must start in the future")
    registered = event.registrations.filter(cancelled_at__isnull=True).count()
    if fields["capacity"] is not None and fields["capacity"] < registered:
        fail(
            "capacity",
            f"{registered} people are registered already: the number of places cannot be "
            "fewer than that",
        )
    changed = sorted(name for name, value in fields.items() if getattr(event, name) != value)
    for name, value in fields.items():
        setattr(event, name, value)
    published_now = publish and event.status == EventStatus.DRAFT
    if published_now:
        event.status, event.published_at = EventStatus.PUBLISHED, timezone.now()
    resend = moved and event.status == EventStatus.PUBLISHED and not published_now
    if resend:
        event.sequence += 1
    event.save()
    audit_record(
        actor=actor, action="event.changed", obj=event, data={"changed": changed, "moved": moved}
    )
    if published_now:
        audit_record(actor=actor, action="event.published", obj=event)
    if resend:
        _tell(
            event,
            _registered_addresses(event),
            subject="An event you registered for has changed",
            message=CHANGED,
        )
    return event


@transaction.atomic
def event_cancel(*, actor, event_id: int, reason: str) -> Event:
    """Cancel an event: everyone registered is emailed that it is cancelled (a fixed sentence,
    not the reason) with a cancellation for their calendar. The reason is kept on the event,
    where they read it after signing in, and with the audit event."""
    _manager(actor)
    event = _locked(actor, event_id)
    if event.status == EventStatus.CANCELLED:
        fail("reason", "This event is already cancelled")
    if event.ends_at <= timezone.now():
        fail("reason", "This event is over: it cannot be cancelled")
    reason = clean_text(
        reason, field="reason", label="why it is cancelled", required=True, limit=150
    )
    was_published = event.status == EventStatus.PUBLISHED
    event.status = EventStatus.CANCELLED
    event.cancelled_at, event.cancellation_reason = timezone.now(), reason
    event.sequence += 1
    event.save(update_fields=["status", "sequence", "cancelled_at", "cancellation_reason"])
    audit_record(actor=actor, action="event.cancelled", obj=event, reason=reason)
    if was_published:
        _tell(
            event,
            _registered_addresses(event),
            subject="An event you registered for is cancelled",
            message=CANCELLED,
        )
    return event


# --- registering ----------------------------------------------------------------------------


def _bookable(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        fail("register", "This event has been cancelled")
    if event.status != EventStatus.PUBLISHED:
        fail("register", "This event is not published yet")
    if event.starts_at <= timezone.now():
        fail("register", "This event has already started: registration is closed")


@transaction.atomic
def event_register(*, actor, event_id: int) -> Registration:
    """Take a place at a published event that has not started and has places left. A person
    who cancelled and registers again gets their place back (the same row). Registering twice
    changes nothing. The confirmation email carries the calendar file."""
    if not can(actor, "events.view"):
        raise Forbidden("Your role does not allow this")
    event = _locked(actor, event_id)  # locked: two people cannot take the last place
    _bookable(event)
    registration = Registration.objects.filter(event=event, user=actor).first()
    if registration is not None and registration.cancelled_at is None:
        return registration
    if event.capacity is not None:
        taken = event.registrations.filter(cancelled_at__isnull=True).count()
        if taken >= event.capacity:
            fail("register", "This event is full: there are no places left")
    if registration is None:
        registration = Registration.objects.create(event=event, user=actor)
    else:
        _supersede(event)  # their calendar holds the cancellation sent when they gave it up
        registration.cancelled_at, registration.attended = None, None
        registration.registered_at = timezone.now()
        registration.save(update_fields=["cancelled_at", "attended", "registered_at"])
    audit_record(actor=actor, action="event.registered", obj=event)
    _tell(
        event,
        [actor.email],
        subject="You are registered for an event",
        message=REGISTERED,
    )
    return registration


@transaction.atomic
def event_unregister(*, actor, event_id: int) -> Registration:
    """Give up one's place before the event starts. The email takes it out of their calendar."""
    event = _locked(actor, event_id)
    registration = Registration.objects.filter(
        event=event, user=actor, cancelled_at__isnull=True
    ).first()
    if registration is None:
        fail("register", "You are not registered for this event")
    if event.starts_at <= timezone.now():
        fail("register", "This event has already started: your registration cannot be cancelled")
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["cancelled_at"])
    audit_record(actor=actor, action="event.registration_cancelled", obj=event)
    if event.status == EventStatus.PUBLISHED:
        _supersede(event)  # the cancellation replaces the invitation in their calendar
        _tell(
            event,
            [actor.email],
            subject="Your place at an event is cancelled",
            message=UNREGISTERED,
            cancelled=True,
        )
    return registration


# --- attendance -------------------------------------------------------------------------------


@transaction.atomic
def attendance_record(*, actor, event_id: int, attended: Iterable[int]) -> dict[str, int]:
    """The programme team records who came, once the event has started: each registration is
    marked attended or not. Returns the counts."""
    _manager(actor)
    event = _locked(actor, event_id)
    if event.status != EventStatus.PUBLISHED:
        fail("attended", "Attendance can only be recorded for a published event")
    if event.starts_at > timezone.now():
        fail("attended", "Attendance can be recorded once the event has started")
    came = {int(pk) for pk in attended}
    registrations = list(event.registrations.filter(cancelled_at__isnull=True))
    unknown = came - {r.pk for r in registrations}
    if unknown:
        fail("attended", "Choose from the people registered for this event")
    for registration in registrations:
        registration.attended = registration.pk in came
    Registration.objects.bulk_update(registrations, ["attended"])
    counts = {"attended": len(came), "absent": len(registrations) - len(came)}
    audit_record(actor=actor, action="event.attendance_recorded", obj=event, data=counts)
    return counts
