"""The consent API: the same selectors and services as the pages, so the same rules."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from petal.access.api import require
from petal.access.categories import Category
from petal.accounts.selectors import organisation_by_slug
from petal.consent import selectors, services
from petal.consent.models import BreakGlassReason, GivenHow, LawfulBasis, Purpose, WithdrawnHow
from petal.core.errors import NotFound, ValidationFailed
from petal.people.schemas import InSchema
from petal.people.selectors import person_get_for
from petal.reference.selectors import partnership_by_slug

router = Router(tags=["consent"])

CategoryCode = Literal[tuple(c.value for c in Category)]  # type: ignore[valid-type]
PurposeCode = Literal[tuple(Purpose.values)]  # type: ignore[valid-type]


class ConsentOut(Schema):
    id: int
    reference: str
    person_id: int
    grantee_type: Literal["person", "organisation", "partnership"]
    grantee: str
    categories: list[str]
    purposes: list[str]
    purpose_text: str
    starts_on: dt.date
    ends_on: dt.date
    given_how: str
    conditions: str
    agreement: str | None
    status: str
    recorded_by: str | None
    recorded_at: dt.datetime
    withdrawn_at: dt.datetime | None
    renewal_of: int | None


class ConsentIn(InSchema):
    grantee_email: str | None = Field(None, max_length=254)
    grantee_organisation: str | None = Field(None, max_length=120, description="Slug")
    grantee_partnership: str | None = Field(None, max_length=120, description="Slug")
    categories: list[CategoryCode] = Field(..., min_length=1)
    purposes: list[PurposeCode] = []
    purpose_text: str = Field("", max_length=1000)
    starts_on: dt.date | None = None
    ends_on: dt.date
    given_how: Literal[tuple(GivenHow.values)]  # type: ignore[valid-type]
    conditions: str = Field("", max_length=2000)


class WithdrawIn(InSchema):
    how: Literal[tuple(WithdrawnHow.values)]  # type: ignore[valid-type]
    note: str = Field("", max_length=500)


class BreakGlassIn(InSchema):
    lawful_basis: Literal[tuple(LawfulBasis.values)]  # type: ignore[valid-type]
    reason: Literal[tuple(BreakGlassReason.values)]  # type: ignore[valid-type]
    details: str = Field(..., min_length=10, max_length=2000)
    hours: int | None = Field(None, ge=1)


class BreakGlassOut(Schema):
    id: int
    person_id: int
    lawful_basis: str
    reason: str
    opened_at: dt.datetime
    expires_at: dt.datetime
    review: str


def consent_out(c) -> ConsentOut:
    if c.grantee_user_id:
        kind = "person"
    elif c.grantee_organisation_id:
        kind = "organisation"
    else:
        kind = "partnership"
    return ConsentOut(
        id=c.pk,
        reference=c.reference,
        person_id=c.person_id,
        grantee_type=kind,
        grantee=c.grantee_label,
        categories=[str(x) for x in c.categories],
        purposes=c.purposes,
        purpose_text=c.purpose_text,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
        given_how=c.given_how,
        conditions=c.conditions,
        agreement=c.agreement.title if c.agreement_id else None,
        status=c.status,
        recorded_by=c.recorded_by.display_name if c.recorded_by_id else None,
        recorded_at=c.recorded_at,
        withdrawn_at=c.withdrawn_at,
        renewal_of=c.renewal_of_id,
    )


@router.get(
    "/people/{person_id}/consents",
    response=list[ConsentOut],
    summary="A person's consents: all of them for their trusted person, else those covering you",
)
def consents_list(request, person_id: int):
    user = require(request, "people.use")
    view = person_get_for(user, person_id, categories=(Category.IDENTITY,), purpose="consents")
    return [consent_out(c) for c in selectors.consents_of_person(view)]


@router.post(
    "/people/{person_id}/consents",
    response={201: ConsentOut},
    summary="Record what a person agreed to share (their trusted person only)",
)
def consents_create(request, person_id: int, payload: ConsentIn):
    user = require(request, "people.use")
    view = person_get_for(
        user, person_id, categories=(), purpose="record consent", require_change=True
    )
    grantee_user = organisation = partnership = None
    if payload.grantee_email:
        grantee_user = services.grantee_by_email(payload.grantee_email, field="grantee_email")
    if payload.grantee_organisation:
        organisation = organisation_by_slug(payload.grantee_organisation)
        if organisation is None:
            message = "Unknown organisation"
            raise ValidationFailed(message, field_errors={"grantee_organisation": [message]})
    if payload.grantee_partnership:
        partnership = partnership_by_slug(payload.grantee_partnership)
        if partnership is None:
            message = "Unknown partnership"
            raise ValidationFailed(message, field_errors={"grantee_partnership": [message]})
    consent = services.consent_record(
        actor=user,
        person=view.person,
        categories=payload.categories,
        purposes=payload.purposes,
        purpose_text=payload.purpose_text,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        given_how=payload.given_how,
        conditions=payload.conditions,
        grantee_user=grantee_user,
        grantee_organisation=organisation,
        grantee_partnership=partnership,
    )
    consent = selectors.consent_base_queryset().get(pk=consent.pk)
    return Status(201, consent_out(consent))


@router.post(
    "/consents/{consent_id}/withdraw",
    response=ConsentOut,
    summary="Withdraw a consent, at once (the person's trusted person, or the person)",
)
def consents_withdraw(request, consent_id: int, payload: WithdrawIn):
    user = require(request, "people.use")
    consent = services.consent_withdraw(
        actor=user, consent_id=consent_id, how=payload.how, note=payload.note
    )
    return consent_out(selectors.consent_base_queryset().get(pk=consent.pk))


@router.post(
    "/people/{person_id}/break-glass",
    response={201: BreakGlassOut},
    summary="Open a record without consent, on a lawful basis (safeguarding leads)",
)
def break_glass_create(request, person_id: int, payload: BreakGlassIn):
    user = require(request, "people.break_glass")
    person = selectors.person_for_break_glass(user, reference=str(person_id))
    if not person:
        raise NotFound("No such person")
    glass = services.break_glass_open(
        actor=user,
        person=person[0],
        lawful_basis=payload.lawful_basis,
        reason=payload.reason,
        details=payload.details,
        hours=payload.hours,
    )
    return Status(
        201,
        BreakGlassOut(
            id=glass.pk,
            person_id=glass.person_id,
            lawful_basis=glass.lawful_basis,
            reason=glass.reason,
            opened_at=glass.opened_at,
            expires_at=glass.expires_at,
            review=glass.review,
        ),
    )
