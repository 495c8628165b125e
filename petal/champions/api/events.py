"""The events API, mounted at /api/v1/events: the same selectors and services as the pages, so
the same rules. Drafts are the programme team's: to anyone else a draft is answered as
missing. Registering and cancelling a place send the same emails as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema

from petal.access.api import require
from petal.champions.models import EventKind, EventStatus
from petal.champions.selectors import events as selectors
from petal.champions.services import events as services

router = Router(tags=["events"])

KindFilter = Literal[tuple([*EventKind.values, ""])]  # type: ignore[valid-type]
StatusFilter = Literal[tuple([*EventStatus.values, ""])]  # type: ignore[valid-type]


class EventOut(Schema):
    id: int
    reference: str
    title: str
    kind: str
    summary: str
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    online_link: str
    capacity: int | None
    places_left: int | None = Field(..., description="Null when there is no limit")
    registered_count: int
    registered: bool = Field(..., description="Whether you are registered")


class EventDetail(EventOut):
    description: str = Field(..., description="Markdown")
    cancelled_reason: str
    attended_count: int | None = Field(..., description="For the programme team; else null")


class EventList(Schema):
    count: int
    page: int
    page_size: int
    items: list[EventOut]


class EventQuery(Schema):
    from_date: dt.date | None = Field(
        None, description="Events starting on or after this date; by default those not yet over"
    )
    kind: KindFilter = ""  # type: ignore[valid-type]
    status: StatusFilter = Field(  # type: ignore[valid-type]
        "", description="By default published events; drafts only for the programme team"
    )
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def _fields(row) -> dict:
    e = row.event
    return {
        "id": e.pk,
        "reference": row.reference,
        "title": e.title,
        "kind": e.kind,
        "summary": e.summary,
        "status": e.status,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "place": e.place,
        "online_link": e.online_link,
        "capacity": e.capacity,
        "places_left": row.places_left,
        "registered_count": row.registered_count,
        "registered": row.registered,
    }


def _detail(user, event_id: int) -> EventDetail:
    view = selectors.event_get_for(user, event_id)
    return EventDetail(
        **_fields(view.row),
        description=view.event.description,
        cancelled_reason=view.cancelled_reason,
        attended_count=view.row.attended_count if view.manage else None,
    )


@router.get("", response=EventList, summary="Events: by default published ones not yet over")
def events_list(request, query: Query[EventQuery]):
    user = require(request, "events.view")
    found = selectors.events_for_api(
        user, from_date=query.from_date, kind=query.kind, status=query.status
    )
    page = Paginator(found, query.page_size).get_page(query.page)
    return EventList(
        count=page.paginator.count,
        page=page.number,
        page_size=query.page_size,
        items=[EventOut(**_fields(row)) for row in selectors.rows_for(page.object_list)],
    )


@router.get("/{event_id}", response=EventDetail, summary="One event")
def event_get(request, event_id: int):
    user = require(request, "events.view")
    return _detail(user, event_id)


@router.post(
    "/{event_id}/registration",
    response=EventDetail,
    summary="Register for an event (emails you a calendar file)",
)
def event_registration_create(request, event_id: int):
    user = require(request, "events.view")
    services.event_register(actor=user, event_id=event_id)
    return _detail(user, event_id)


@router.delete("/{event_id}/registration", response=EventDetail, summary="Cancel your registration")
def event_registration_delete(request, event_id: int):
    user = require(request, "events.view")
    services.event_unregister(actor=user, event_id=event_id)
    return _detail(user, event_id)
