"""The directory and referrals API: the same selectors and services as the pages, so the
same rules — a referral shows only what its consent allows, at every request."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema, Status

from petal.access.api import require
from petal.access.categories import Category
from petal.access.rls import unrestricted
from petal.core.errors import NotFound
from petal.directory import selectors as directory
from petal.people.schemas import InSchema
from petal.referrals import selectors, services
from petal.referrals.models import Status as ReferralStatus

router = Router(tags=["directory and referrals"])

CategoryCode = Literal[tuple(c.value for c in Category)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(ReferralStatus.values)]  # type: ignore[valid-type]


class ServiceOut(Schema):
    id: uuid.UUID
    name: str
    organisation: str
    organisation_slug: str
    summary: str
    description: str
    who_for: str
    eligibility: str
    areas: list[str]
    reach: list[str]
    districts: list[str]
    how_to_refer: str
    opening_times: str
    email: str
    phone: str
    url: str
    status: str
    accepts_referrals: bool
    referral_needs: list[str]
    response_days: int
    updated_at: dt.datetime


class ServiceList(Schema):
    count: int
    page: int
    page_size: int
    items: list[ServiceOut]


class ServiceQuery(Schema):
    search: str = Field("", max_length=100)
    area: str = Field("", max_length=50, description="An area code, like homelessness")
    district: str = Field("", max_length=50, description="A district code, like fenland")
    reach: str = Field("", max_length=50, description="outreach, home-visits, online, phone")
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


def service_out(s) -> ServiceOut:
    terms = directory.terms_of(s)
    return ServiceOut(
        id=s.pk,
        name=s.name,
        organisation=s.organisation.name,
        organisation_slug=s.organisation.slug,
        summary=s.summary,
        description=s.description,
        who_for=s.who_for,
        eligibility=s.eligibility,
        areas=[t.code for t in terms.areas],
        reach=[t.code for t in terms.reach],
        districts=[d.code for d in s.districts.all()],
        how_to_refer=s.how_to_refer,
        opening_times=s.opening_times,
        email=s.email,
        phone=s.phone,
        url=s.url,
        status=s.status,
        accepts_referrals=s.accepts_referrals,
        referral_needs=[str(c) for c in s.needs_categories],
        response_days=s.response_days,
        updated_at=s.updated_at,
    )


@router.get("/services", response=ServiceList, summary="Search the service directory")
def services_list(request, query: Query[ServiceQuery]):
    require(request, "organisations.view")
    found = directory.service_search(
        q=query.search, area=query.area, district=query.district, reach=query.reach
    )
    page = Paginator(found, query.page_size).get_page(query.page)
    return ServiceList(
        count=page.paginator.count,
        page=page.number,
        page_size=query.page_size,
        items=[service_out(s) for s in page.object_list],
    )


class PersonShared(Schema):
    id: int
    full_name: str
    preferred_name: str


class ReferralEventOut(Schema):
    kind: str
    status: str
    body: str
    side: str
    by: str | None
    at: dt.datetime


class ReferralOut(Schema):
    id: int
    reference: str
    service_id: uuid.UUID
    service: str
    organisation: str
    side: Literal["referrer", "receiver"]
    status: str
    categories: list[str] = Field(
        ..., description="What you see of the person: empty when consent no longer covers it"
    )
    person: PersonShared | None
    reason: str | None
    referred_by: str | None
    sent_at: dt.datetime
    acknowledged_at: dt.datetime | None
    first_contact_at: dt.datetime | None
    started_at: dt.datetime | None
    closed_at: dt.datetime | None
    response_due_at: dt.datetime


class ReferralDetail(ReferralOut):
    events: list[ReferralEventOut]


class ReferralList(Schema):
    count: int
    page: int
    page_size: int
    items: list[ReferralOut]


class ReferralQuery(Schema):
    side: Literal["referrer", "receiver", ""] = ""
    status: str = Field("", max_length=20)
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


class ReferralIn(InSchema):
    person_id: int
    service_id: uuid.UUID
    categories: list[CategoryCode] = []
    reason: str = Field(..., min_length=1, max_length=5000)


class MoveIn(InSchema):
    status: StatusCode
    note: str = Field("", max_length=2000)


class NoteIn(InSchema):
    body: str = Field(..., min_length=1, max_length=2000)


def referral_out(row, *, cls=ReferralOut, events=None):
    r = row.referral
    sees = Category.IDENTITY in row.categories
    data = {
        "id": r.pk,
        "reference": r.reference,
        "service_id": r.service_id,
        "service": r.service.name,
        "organisation": r.organisation.name,
        "side": row.side,
        "status": r.status,
        "categories": sorted(str(c) for c in row.categories),
        "person": PersonShared(
            id=r.person_id,
            full_name=r.person.full_name,
            preferred_name=r.person.preferred_name,
        )
        if sees
        else None,
        "reason": r.reason if sees else None,
        "referred_by": r.referred_by.display_name if r.referred_by_id else None,
        "sent_at": r.sent_at,
        "acknowledged_at": r.acknowledged_at,
        "first_contact_at": r.first_contact_at,
        "started_at": r.started_at,
        "closed_at": r.closed_at,
        "response_due_at": r.response_due_at,
    }
    if events is not None:
        data["events"] = [
            ReferralEventOut(
                kind=e.kind,
                status=e.status,
                body=e.body,
                side=e.side,
                by=e.actor.display_name if e.actor_id else None,
                at=e.at,
            )
            for e in events
        ]
    return cls(**data)


@router.get("/referrals", response=ReferralList, summary="Referrals you sent or received")
def referrals_list(request, query: Query[ReferralQuery]):
    user = require(request, "referrals.view")
    found = selectors.referrals_for_api(user, side=query.side or None, status=query.status)
    with unrestricted():  # every referral; rows_for decides what shows of each person
        page = Paginator(found, query.page_size).get_page(query.page)
        listed = list(page.object_list)
    rows = selectors.rows_for(user, listed)
    selectors.audit_api_list(user, rows)
    return ReferralList(
        count=page.paginator.count,
        page=page.number,
        page_size=query.page_size,
        items=[referral_out(row) for row in rows],
    )


def _detail(user, referral_id):
    view = selectors.referral_get_for(user, referral_id, purpose="api")
    row = selectors.Row(view.referral, view.categories, view.access.side)
    return referral_out(row, cls=ReferralDetail, events=view.events)


@router.get("/referrals/{referral_id}", response=ReferralDetail, summary="One referral")
def referral_get(request, referral_id: int):
    user = require(request, "referrals.view")
    return _detail(user, referral_id)


@router.post("/referrals", response={201: ReferralDetail}, summary="Refer a person you support")
def referral_create(request, payload: ReferralIn):
    user = require(request, "referrals.make")
    person = selectors.person_for_referral(user, payload.person_id).person
    service = directory.referrable_services().filter(pk=payload.service_id).first()
    if service is None:
        raise NotFound("No such service taking referrals")
    referral = services.referral_send(
        actor=user,
        person=person,
        service=service,
        categories=payload.categories,
        reason=payload.reason,
    )
    return Status(201, _detail(user, referral.pk))


@router.post(
    "/referrals/{referral_id}/status",
    response=ReferralDetail,
    summary="Move a referral on (receiver) or withdraw it (referrer)",
)
def referral_status(request, referral_id: int, payload: MoveIn):
    user = require(request, "referrals.view")
    services.referral_move(
        actor=user, referral_id=referral_id, status=payload.status, note=payload.note
    )
    return _detail(user, referral_id)


@router.post(
    "/referrals/{referral_id}/notes",
    response={201: ReferralDetail},
    summary="Add a note the other side sees",
)
def referral_add_note(request, referral_id: int, payload: NoteIn):
    user = require(request, "referrals.view")
    services.referral_note(actor=user, referral_id=referral_id, body=payload.body)
    return Status(201, _detail(user, referral_id))
