"""/api/v1/barriers: the same selectors and services as the pages, so the same rules.

A barrier is about the system, never a named person. The API never carries the person a
barrier may link to, nor who raised it or who met it too: a barrier's me-too examples come as
text only. Every text it returns (summary, detail, effect, services, decision reasons, what
the lived-experience voice said, me-too examples) has the words of the linked person's names
withheld ("[name withheld]"): a writer who may not see that person is not refused their name.
Raising a barrier, or saying "I have met this too", is checked exactly as on the pages (text
naming someone the caller supports answers 422 with the field's error).

Slugs, area codes and ids are letters, digits and hyphens only: anything else (a NUL, "²")
answers 422, never a 500."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from petal.access.api import require
from petal.barriers.models import RaisedAs
from petal.barriers.models import Status as BarrierStatus
from petal.barriers.redaction import withhold_names
from petal.barriers.selectors.api_reads import barrier_detail_for, barrier_name_words
from petal.barriers.selectors.barriers import PAGE_SIZE, barrier_page
from petal.barriers.services.barriers import MAX_EXAMPLE, barrier_raise, me_too_add
from petal.core.errors import fail
from petal.reference.selectors import partnership_by_slug

router = Router(tags=["barriers"])

StatusFilter = Literal[tuple([*BarrierStatus.values, ""])]  # type: ignore[valid-type]
# Raised through the API: in the caller's own work, for a person in their words, or (a
# champion) for a trusted person who asked them. At a session: from the session's page.
RaisedAsIn = Literal[  # type: ignore[valid-type]
    RaisedAs.OWN_WORK.value, RaisedAs.FOR_PERSON.value, RaisedAs.FOR_TRUSTED_PERSON.value
]
# A slug or an area code: lower-case letters, digits and hyphens (empty: not given).
SLUG = r"^[a-z0-9-]*$"
# An area when raising: its code or its id.
AreaIn = Annotated[str, Field(pattern=r"^[a-z0-9-]{1,50}$", max_length=50)]


# --- schemas -------------------------------------------------------------------------------------


class BarrierQuery(Schema):
    q: str = Field("", max_length=200, description="Words to find in summaries, details, services")
    level: str = Field(
        "", max_length=80, pattern=SLUG, description="A governance level, e.g. tactical-group"
    )
    status: StatusFilter = Field(  # type: ignore[valid-type]
        "", description="A status; none given means every status but merged"
    )
    area: str = Field(
        "", max_length=50, pattern=SLUG, description="An area code, e.g. homelessness"
    )
    partnership: str = Field(
        "",
        max_length=80,
        pattern=SLUG,
        description="The partnership it started in, e.g. peterborough",
    )
    page: int = Field(1, ge=1)


class BarrierOut(Schema):
    id: int
    reference: str
    summary: str
    services: str
    areas: list[str] = Field(..., description="Area codes")
    how_often: str
    status: str
    level: str = Field(..., description="The governance level it sits at now (slug)")
    group: str = Field(..., description="The group it sits with now (slug)")
    me_too_count: int
    raised_at: dt.datetime
    updated_at: dt.datetime


class BarrierList(Schema):
    count: int
    page: int
    page_size: int
    items: list[BarrierOut]


class DecisionOut(Schema):
    sequence: int
    level: str
    group: str
    meeting_date: dt.date
    outcome: str
    reason: str
    voice_kind: str = Field(..., description="member, supporter, survey or not_heard")
    voice_said: str = Field(..., description="What they said; or, not heard, why not")
    escalated_to: str | None = Field(..., description="The group it went to (slug)")
    due_on: dt.date | None = Field(..., description="Resolve: when it is due")
    owner_organisation: str | None = Field(
        ..., description="Resolve: the organisation that owns it (null when a person does)"
    )
    decided_on: dt.date


class BarrierDetail(BarrierOut):
    detail: str
    effect: str = Field(..., description="Its effect on people, anonymised")
    partnership: str = Field(..., description="The partnership it started in (slug)")
    merged_into: str | None = Field(..., description="The reference of the barrier it joined")
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    decisions: list[DecisionOut]
    me_too_examples: list[str] = Field(
        ..., description="Examples from those who met it too: text only, never who"
    )


class BarrierIn(Schema):
    summary: str = Field(..., max_length=300, description="What gets in the way")
    detail: str = Field("", max_length=5000)
    effect: str = Field("", max_length=5000, description="Its effect on people: no names")
    services: str = Field("", max_length=300)
    areas: list[AreaIn] = Field(default_factory=list, max_length=5, description="Area codes")
    how_often: str = Field("", description="once, now_and_then, often or every_time")
    raised_as: RaisedAsIn = RaisedAs.OWN_WORK.value  # type: ignore[valid-type]
    partnership: str = Field(
        "",
        max_length=80,
        pattern=SLUG,
        description="Where it was met (slug); defaults to your partnership",
    )
    on_behalf_of: int | None = Field(
        None, description="for_trusted_person: the user id of the trusted person (champions)"
    )


class MeTooIn(Schema):
    example: str = Field("", max_length=MAX_EXAMPLE, description="Your own example, with no names")


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


# --- shaping -------------------------------------------------------------------------------------


def _fields(b, withheld: set[str]) -> dict:
    return {
        "id": b.pk,
        "reference": b.reference,
        "summary": withhold_names(b.summary, withheld),
        "services": withhold_names(b.services, withheld),
        "areas": [a.code for a in b.areas.all()],
        "how_often": b.how_often,
        "status": b.status,
        "level": b.group.level.slug,
        "group": b.group.slug,
        "me_too_count": b.me_too_count,
        "raised_at": b.raised_at,
        "updated_at": b.updated_at,
    }


def _decision(d, text) -> DecisionOut:
    action = d.action
    owner = action.owner_organisation if action and action.owner_organisation_id else None
    return DecisionOut(
        sequence=d.sequence,
        level=d.level.slug,
        group=d.group.slug,
        meeting_date=timezone.localdate(d.meeting.starts_at),
        outcome=d.outcome,
        reason=text(d.reason),
        voice_kind=d.voice_kind,
        voice_said=text(d.voice_said),
        escalated_to=d.escalated_to.slug if d.escalated_to_id else None,
        due_on=action.due_on if action else None,
        owner_organisation=owner.name if owner else None,
        decided_on=d.decided_on,
    )


def _detail(view) -> BarrierDetail:
    b, text = view.barrier, view.text
    return BarrierDetail(
        **_fields(b, view.withheld),
        detail=text(b.detail),
        effect=text(b.effect),
        partnership=b.partnership.slug,
        merged_into=b.merged_into.reference if b.merged_into_id else None,
        resolved_at=b.resolved_at,
        closed_at=b.closed_at,
        decisions=[_decision(d, text) for d in view.decisions],
        me_too_examples=view.me_too_examples,
    )


# --- operations ----------------------------------------------------------------------------------


@router.get("", response=BarrierList, summary="Barriers, newest first")
def barriers_list(request, query: Query[BarrierQuery]):
    user = require(request, "barriers.view")
    page = barrier_page(
        user,
        q=query.q,
        level=query.level,
        status=query.status,
        area=query.area,
        partnership=query.partnership,
        page=query.page,
    )
    barriers = list(page.object_list)
    # The linked people's name words for the whole page: one query.
    withheld = barrier_name_words(barriers)
    return BarrierList(
        count=page.paginator.count,
        page=page.number,
        page_size=PAGE_SIZE,
        items=[BarrierOut(**_fields(b, withheld.get(b.pk, set()))) for b in barriers],
    )


@router.get(
    "/{barrier_id}",
    response=BarrierDetail,
    summary="One barrier with its decisions up the ladder and the examples of those who met it",
)
def barrier_get(request, barrier_id: int):
    user = require(request, "barriers.view")
    return _detail(barrier_detail_for(user, barrier_id))


@router.post(
    "",
    response={201: BarrierDetail, 422: ErrorOut},
    summary="Raise a barrier (422 with field errors, as on the page)",
)
def barrier_create(request, payload: BarrierIn):
    user = require(request, "barriers.raise")
    partnership_id = None
    if payload.partnership:
        partnership = partnership_by_slug(payload.partnership)
        if partnership is None:
            fail("partnership", "Choose a partnership from the list")
        partnership_id = partnership.pk
    barrier = barrier_raise(
        actor=user,
        summary=payload.summary,
        detail=payload.detail,
        effect=payload.effect,
        services=payload.services,
        areas=payload.areas,
        how_often=payload.how_often,
        raised_as=payload.raised_as,
        partnership_id=partnership_id,
        on_behalf_of=payload.on_behalf_of,
    )
    return Status(201, _detail(barrier_detail_for(user, barrier.pk)))


@router.post(
    "/{barrier_id}/me-too",
    response={201: BarrierDetail, 422: ErrorOut},
    summary='Say "I have met this too", with an optional example (no names)',
)
def barrier_me_too(request, barrier_id: int, payload: MeTooIn):
    user = require(request, "barriers.raise")
    me_too_add(actor=user, barrier_id=barrier_id, example=payload.example)
    return Status(201, _detail(barrier_detail_for(user, barrier_id)))
