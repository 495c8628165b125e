"""Reading events: what each reader may see of them, with counts worked out in the query.

Every worker sees published and cancelled events; drafts are the programme team's alone, and
to anyone else a draft is answered as missing, exactly as one that does not exist. Lists carry
the number registered and whether the reader is registered as annotations, so a page asks the
database the same number of times however many events it shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from petal.access.policy import can
from petal.champions.models import Event, EventStatus, Registration
from petal.core.errors import NotFound

PAGE_SIZE = 25
PAST_SHOWN = 10

ACTIVE = Q(registrations__cancelled_at__isnull=True)


def may_manage(actor) -> bool:
    return can(actor, "events.manage")


def event_reference(event: Event) -> str:
    """How an event is named in emails: "E-000012" (petal.core.notify's reference shape)."""
    return f"E-{event.pk:06d}"


def event_visibility(actor) -> Q:
    """A filter over Event: the programme team sees every event; others all but drafts."""
    if may_manage(actor):
        return Q()
    if not can(actor, "events.view"):
        return Q(pk__in=[])
    return ~Q(status=EventStatus.DRAFT)


def _with_counts(events: QuerySet[Event], actor) -> QuerySet[Event]:
    mine = Registration.objects.filter(
        event=OuterRef("pk"), user_id=getattr(actor, "pk", None), cancelled_at__isnull=True
    )
    return events.annotate(
        registered_count=Count("registrations", filter=ACTIVE, distinct=True),
        attended_count=Count(
            "registrations", filter=ACTIVE & Q(registrations__attended=True), distinct=True
        ),
        is_registered=Exists(mine),
    )


@dataclass
class EventRow:
    event: Event
    registered_count: int
    attended_count: int
    registered: bool

    @property
    def places_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(self.event.capacity - self.registered_count, 0)

    @property
    def full(self) -> bool:
        return self.places_left == 0

    @property
    def reference(self) -> str:
        return event_reference(self.event)


def _row(event: Event) -> EventRow:
    return EventRow(
        event=event,
        registered_count=event.registered_count,
        attended_count=event.attended_count,
        registered=event.is_registered,
    )


def rows_for(events) -> list[EventRow]:
    return [_row(event) for event in events]


def events_visible_to(actor) -> QuerySet[Event]:
    return _with_counts(Event.objects.filter(event_visibility(actor)), actor)


@dataclass
class EventList:
    upcoming: Page
    rows: list[EventRow]
    past: list[EventRow]
    more_past: bool


def event_list(actor, *, page=1, now: dt.datetime | None = None) -> EventList:
    """Events not yet over, soonest first (paged), and the most recent past ones."""
    now = now or timezone.now()
    visible = events_visible_to(actor)
    upcoming = Paginator(visible.filter(ends_at__gt=now).order_by("starts_at", "id"), PAGE_SIZE)
    current = upcoming.get_page(page)
    # One more than is shown says whether there are more, without a second query.
    past = list(visible.filter(ends_at__lte=now).order_by("-starts_at", "-id")[: PAST_SHOWN + 1])
    return EventList(
        upcoming=current,
        rows=rows_for(current.object_list),
        past=rows_for(past[:PAST_SHOWN]),
        more_past=len(past) > PAST_SHOWN,
    )


def events_for_api(
    actor,
    *,
    from_date: dt.date | None = None,
    kind: str = "",
    status: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Event]:
    """Events from a date (by default those not yet over), published ones unless another
    status is asked for; drafts only for the programme team."""
    found = events_visible_to(actor).filter(status=status or EventStatus.PUBLISHED)
    if from_date is not None:
        start = timezone.make_aware(dt.datetime.combine(from_date, dt.time.min))
        found = found.filter(starts_at__gte=start)
    else:
        found = found.filter(ends_at__gt=now or timezone.now())
    if kind:
        found = found.filter(kind=kind)
    return found.order_by("starts_at", "id")


@dataclass
class EventView:
    row: EventRow
    manage: bool
    cancelled_reason: str

    @property
    def event(self) -> Event:
        return self.row.event


def _get(actor, event_id) -> Event:
    try:
        event_id = int(event_id)
    except (TypeError, ValueError) as exc:
        raise NotFound("No such event") from exc
    event = events_visible_to(actor).filter(pk=event_id).first()
    if event is None:
        raise NotFound("No such event")
    return event


def _cancelled_reason(event: Event) -> str:
    return event.cancellation_reason if event.status == EventStatus.CANCELLED else ""


def event_get_for(actor, event_id) -> EventView:
    """One event with its counts and whether the reader is registered; NotFound for a draft
    the reader may not see, or one that does not exist."""
    event = _get(actor, event_id)
    return EventView(
        row=_row(event), manage=may_manage(actor), cancelled_reason=_cancelled_reason(event)
    )


def event_for_calendar(actor, event_id) -> Event:
    return _get(actor, event_id)


def event_for_manager(actor, event_id) -> Event:
    if not may_manage(actor):
        raise NotFound("No such event")
    return _get(actor, event_id)


def registrations_of(actor, event_id) -> tuple[Event, list[Registration]]:
    """The programme team's list of who is registered (not those who cancelled), by name."""
    event = event_for_manager(actor, event_id)
    registrations = list(
        Registration.objects.filter(event=event, cancelled_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name", "id")
    )
    return event, registrations
