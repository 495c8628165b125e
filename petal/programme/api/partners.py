"""/api/v1/partners, /api/v1/contributions, /api/v1/contributions/summary and
/api/v1/milestones: the same selectors as the pages.

Every worker (``programme.view``) reads what the public site shows: listed partners and the
kinds of support they give, the totals (of listed partners' contributions only, as on the public
page), and published milestones. Contributions pledge by
pledge are for ``contributions.view`` (the programme team and governance members), without the
programme team's notes. The programme team also sees partners not listed publicly."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Query, Router, Schema

from petal.access.api import require
from petal.programme.selectors.milestones import public_milestones
from petal.programme.selectors.partners import (
    contribution_totals,
    contributions_for,
    partners_for_api,
)

router = Router(tags=["partners and milestones"])

Kind = Literal["financial", "staffing", "other"]
Status = Literal["committed", "potential"]


class PartnerOut(Schema):
    id: int
    name: str
    tier: Literal["supporting", "other"]
    tier_label: str
    listed: bool
    joined_on: dt.date | None
    summary: str
    support: list[Kind] = Field(
        ..., description="The kinds of support it gives (contributions not withdrawn)"
    )


@router.get("/partners", response=list[PartnerOut], summary="Partners of the programme")
def partners_list(request):
    user = require(request, "programme.view")
    return [
        PartnerOut(
            id=p.id,
            name=p.name,
            tier=p.tier,
            tier_label=p.tier_label,
            listed=p.listed,
            joined_on=p.joined_on,
            summary=p.summary,
            support=p.support,
        )
        for p in partners_for_api(user)
    ]


class PartnerRef(Schema):
    id: int
    name: str


class ContributionOut(Schema):
    id: int
    reference: str
    partner: PartnerRef
    kind: Kind
    status: Status
    financial_year: int = Field(..., description="The year it starts: 2022 is 2022/23")
    financial_year_label: str
    amount: int | None = Field(..., description="Whole pounds")
    role: str
    hours_per_week: float | None
    fte: float | None
    period_start: dt.date | None
    period_end: dt.date | None
    description: str
    withdrawn: bool
    withdrawn_at: dt.datetime | None


class ContributionFilters(Schema):
    financial_year: int | None = Field(None, ge=2000, le=2100)
    kind: Kind | None = None
    status: Status | None = None
    withdrawn: bool = Field(False, description="Include withdrawn contributions")


def _float(value):
    return None if value is None else float(value)


@router.get(
    "/contributions",
    response=list[ContributionOut],
    summary="Partners' contributions, pledge by pledge",
)
def contributions_list(request, filters: Query[ContributionFilters]):
    user = require(request, "contributions.view")
    rows = contributions_for(
        user,
        financial_year=filters.financial_year,
        kind=filters.kind or "",
        status=filters.status or "",
        withdrawn=filters.withdrawn,
    )
    return [
        ContributionOut(
            id=c.pk,
            reference=c.reference,
            partner=PartnerRef(id=c.partner_id, name=c.partner.organisation.name),
            kind=c.kind,
            status=c.status,
            financial_year=c.financial_year,
            financial_year_label=c.financial_year_label,
            amount=c.amount,
            role=c.role,
            hours_per_week=_float(c.hours_per_week),
            fte=_float(c.fte),
            period_start=c.period_start,
            period_end=c.period_end,
            description=c.description,
            withdrawn=c.withdrawn_at is not None,
            withdrawn_at=c.withdrawn_at,
        )
        for c in rows
    ]


class ByStatus(Schema):
    committed: int
    potential: int


class StaffTime(Schema):
    committed: float
    potential: float


class SummaryOut(Schema):
    financial_year: int | None = Field(..., description="null: every year")
    financial: ByStatus
    staffing: ByStatus = Field(..., description="Pounds, where a value was given")
    other: ByStatus = Field(..., description="Pounds, where a value was given")
    total: ByStatus
    staffing_fte: StaffTime
    staffing_hours: StaffTime = Field(..., description="Hours a week")


class SummaryQuery(Schema):
    financial_year: int | None = Field(None, ge=2000, le=2100)


@router.get(
    "/contributions/summary",
    response=SummaryOut,
    summary="Contribution totals in pounds by kind and status",
    description="The public figures: contributions not withdrawn of partners listed publicly.",
)
def contributions_summary(request, query: Query[SummaryQuery]):
    require(request, "programme.view")
    # The public figures, whoever asks: partners not listed yet are left out.
    totals = contribution_totals(financial_year=query.financial_year, public=True)
    return SummaryOut(
        financial_year=query.financial_year,
        **{key: ByStatus(**totals[key]) for key in ("financial", "staffing", "other", "total")},
        **{
            key: StaffTime(**{s: float(v) for s, v in totals[key].items()})
            for key in ("staffing_fte", "staffing_hours")
        },
    )


class DocumentOut(Schema):
    title: str
    url: str


class MilestoneOut(Schema):
    id: int
    title: str
    description: str
    date: dt.date = Field(..., description="The first day of the year or month if only that")
    precision: Literal["year", "month", "day"]
    date_label: str = Field(..., description="‘2022’, ‘July 2022’ or ‘7 July 2022’")
    document: DocumentOut | None
    document_missing: bool = Field(
        ..., description="A document is expected but the public cannot read it yet"
    )


@router.get(
    "/milestones", response=list[MilestoneOut], summary="Published milestones, oldest first"
)
def milestones_list(request):
    require(request, "programme.view")
    return [
        MilestoneOut(
            id=row.milestone.pk,
            title=row.milestone.title,
            description=row.milestone.description,
            date=row.milestone.date,
            precision=row.milestone.precision,
            date_label=row.date_label,
            document=DocumentOut(
                title=row.document.title, url=request.build_absolute_uri(row.document.url)
            )
            if row.document
            else None,
            document_missing=row.document_missing,
        )
        for row in public_milestones()
    ]
