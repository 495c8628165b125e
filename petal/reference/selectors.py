"""Reads of reference data (none of it is personal)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from petal.reference.models import (
    AreaOfDisadvantage,
    District,
    GovernanceLevel,
    Partnership,
    PartnershipCoverage,
    ProgrammeArea,
)

PROGRAMME_AREA = "cambridgeshire-peterborough"


def programme_area() -> ProgrammeArea:
    """The programme area new records belong to (the only one until the scale path adds more)."""
    return ProgrammeArea.objects.get(slug=PROGRAMME_AREA)


def areas_of_disadvantage() -> QuerySet[AreaOfDisadvantage]:
    return AreaOfDisadvantage.objects.order_by("order")


def governance_levels() -> QuerySet[GovernanceLevel]:
    return GovernanceLevel.objects.order_by("rank")


def coverage_on(on: dt.date) -> QuerySet[PartnershipCoverage]:
    """Coverage rows in force on a date."""
    return PartnershipCoverage.objects.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=on),
        Q(ends_on__isnull=True) | Q(ends_on__gte=on),
    ).select_related("partnership", "district")


def partnership_for_district(district: District | str, *, on: dt.date) -> Partnership | None:
    """Which operational partnership covers a district on a date (None if none does)."""
    code = district if isinstance(district, str) else district.code
    row = coverage_on(on).filter(district__code=code).first()
    return row.partnership if row else None


def partnerships_with_coverage() -> QuerySet[Partnership]:
    from django.db.models import Prefetch

    return Partnership.objects.prefetch_related(
        Prefetch(
            "coverage",
            queryset=PartnershipCoverage.objects.select_related("district").order_by(
                "district__name", "starts_on"
            ),
        )
    ).order_by("name")


def district_by_code(code: str) -> District | None:
    return District.objects.filter(code=code).first()


def area_by_code(code: str) -> AreaOfDisadvantage | None:
    return AreaOfDisadvantage.objects.filter(code=code).first()


def partnership_by_slug(slug: str) -> Partnership | None:
    return Partnership.objects.filter(slug=slug).first()


def districts() -> QuerySet[District]:
    return District.objects.order_by("name")


def partnerships() -> QuerySet[Partnership]:
    return Partnership.objects.order_by("name")
