"""Every read of partners and their contributions: the programme team's list and partner pages,
the totals, the export and the API.

Partners and their pledges are not personal data. The public sees which listed partners support
the programme, and how (financially, with staff, in other ways), and the totals of listed
partners' pledges (a partner not announced yet never moves a public figure); the programme
team's totals count every partner. Each partner's pledges, pledge by pledge, are for ``contributions.view`` (the programme team and governance
members). A withdrawn contribution is kept for the record but leaves every total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.utils import timezone

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import NotFound
from petal.programme.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Partner,
    PartnerTier,
    financial_year_of,
)

KINDS = [k.value for k in ContributionKind]
STATUSES = [s.value for s in ContributionStatus]
# The financial years offered in forms, around the current one.
YEARS_BACK = 8
YEARS_AHEAD = 3


def parse_id(value) -> int | None:
    """A record id from a URL or form, or None when it cannot be one."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def current_financial_year() -> int:
    return financial_year_of(timezone.localdate())


def financial_year_label(year: int) -> str:
    """2022 → "2022/23" (the financial year 1 April 2022 to 31 March 2023)."""
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year_choices(*also: int | None) -> list[tuple[int, str]]:
    """The financial years a form offers, newest first, with any year already recorded."""
    now = current_financial_year()
    years = set(range(now - YEARS_BACK, now + YEARS_AHEAD + 1))
    years.update(y for y in also if y)
    return [(y, financial_year_label(y)) for y in sorted(years, reverse=True)]


def money(amount: int | None) -> str:
    """Whole pounds the way the public page writes them: £377K for round thousands, otherwise
    £377,250 (never rounded: the page must say what the rows add up to)."""
    amount = int(amount or 0)
    if amount >= 1000 and amount % 1000 == 0:
        return f"£{amount // 1000:,}K"
    return f"£{amount:,}"


def pounds(amount: int | None) -> str:
    """Whole pounds in full: £377,000."""
    return f"£{int(amount or 0):,}"


# --- totals ------------------------------------------------------------------------------------


def _live() -> QuerySet[Contribution]:
    return Contribution.objects.filter(withdrawn_at__isnull=True)


def _empty() -> dict:
    return {status: 0 for status in STATUSES}


def contribution_totals(*, financial_year: int | None = None, public: bool = False) -> dict:
    """What partners have pledged, in whole pounds, by kind and status, and in total, over
    every contribution not withdrawn (one financial year, or all of them): one grouped query.

    ``public=True`` gives the public figures (the public partners page, the API summary): only
    listed partners' contributions count, so a partner not yet announced never moves them.
    Otherwise (the programme team's pages) every partner's count, and ``"unlisted"`` says how
    much of that is from partners not listed publicly yet.

    ``{"financial": {"committed": 377000, "potential": 180000}, "staffing": {…}, "other": {…},
    "total": {…}, "staffing_fte": {…}, "staffing_hours": {…}, "unlisted": {"committed": 0,
    "potential": 0, "contributions": 0}}``. Staffing and other contributions count in pounds
    only where a value was given; staff time is added up as full-time equivalents and as hours
    a week."""
    rows = _live()
    if public:
        rows = rows.filter(partner__listed=True)
    if financial_year is not None:
        rows = rows.filter(financial_year=financial_year)
    grouped = (
        rows.order_by()
        .values("kind", "status", "partner__listed")
        .annotate(
            amount=Sum("amount"), fte=Sum("fte"), hours=Sum("hours_per_week"), count=Count("id")
        )
    )
    totals: dict = {kind: _empty() for kind in KINDS}
    totals["total"] = _empty()
    totals["staffing_fte"] = {s: Decimal("0") for s in STATUSES}
    totals["staffing_hours"] = {s: Decimal("0") for s in STATUSES}
    totals["unlisted"] = {**_empty(), "contributions": 0}
    for row in grouped:
        kind, status = row["kind"], row["status"]
        if kind not in KINDS or status not in STATUSES:
            continue
        amount = int(row["amount"] or 0)
        totals[kind][status] += amount
        totals["total"][status] += amount
        if kind == ContributionKind.STAFFING:
            totals["staffing_fte"][status] += Decimal(row["fte"] or 0)
            totals["staffing_hours"][status] += Decimal(row["hours"] or 0)
        if not row["partner__listed"]:
            totals["unlisted"][status] += amount
            totals["unlisted"]["contributions"] += row["count"]
    return totals


def _decimal_text(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return "0" if text in ("", "-0") else text


@dataclass
class TotalsRow:
    label: str
    committed: str
    potential: str


def totals_table(totals: dict) -> list[TotalsRow]:
    """The totals as the programme team's table shows them: pounds by kind, the total, and
    staff time (full-time equivalents and hours a week)."""
    table = [
        TotalsRow(
            label,
            pounds(totals[key]["committed"]),
            pounds(totals[key]["potential"]),
        )
        for key, label in (
            ("financial", "Financial"),
            ("staffing", "Staffing (where valued)"),
            ("other", "Other support (where valued)"),
            ("total", "Total"),
        )
    ]
    table.append(
        TotalsRow(
            "Staff time, full-time equivalent",
            f"{_decimal_text(totals['staffing_fte']['committed'])} FTE",
            f"{_decimal_text(totals['staffing_fte']['potential'])} FTE",
        )
    )
    table.append(
        TotalsRow(
            "Staff time, hours a week",
            f"{_decimal_text(totals['staffing_hours']['committed'])} hours",
            f"{_decimal_text(totals['staffing_hours']['potential'])} hours",
        )
    )
    return table


def contribution_years() -> list[int]:
    """The financial years with contributions recorded (withdrawn or not), newest first."""
    return list(
        Contribution.objects.order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .distinct()
    )


# --- the programme team's pages -----------------------------------------------------------------


def _annotated(partners: QuerySet[Partner], financial_year: int | None) -> QuerySet[Partner]:
    """Each partner with its committed and potential pounds and which kinds of support it gives
    (contributions not withdrawn; one financial year or all), in the same query."""
    live = Q(contributions__withdrawn_at__isnull=True)
    if financial_year is not None:
        live &= Q(contributions__financial_year=financial_year)
    committed = live & Q(contributions__status=ContributionStatus.COMMITTED)
    potential = live & Q(contributions__status=ContributionStatus.POTENTIAL)
    return partners.annotate(
        committed=Sum("contributions__amount", filter=committed, default=0),
        potential=Sum("contributions__amount", filter=potential, default=0),
        contribution_count=Count("contributions", filter=live),
        financial_count=Count(
            "contributions", filter=live & Q(contributions__kind=ContributionKind.FINANCIAL)
        ),
        staffing_count=Count(
            "contributions", filter=live & Q(contributions__kind=ContributionKind.STAFFING)
        ),
        other_count=Count(
            "contributions", filter=live & Q(contributions__kind=ContributionKind.OTHER)
        ),
    )


KIND_LABELS = {
    ContributionKind.FINANCIAL.value: "Financial",
    ContributionKind.STAFFING.value: "Staffing",
    ContributionKind.OTHER.value: "Other support",
}


def kinds_of_support(partner: Partner) -> list[str]:
    """ "Financial", "Staffing", "Other support": the kinds of support an annotated partner
    gives."""
    return [
        label
        for count, label in (
            (partner.financial_count, KIND_LABELS["financial"]),
            (partner.staffing_count, KIND_LABELS["staffing"]),
            (partner.other_count, KIND_LABELS["other"]),
        )
        if count
    ]


@dataclass
class PartnerRow:
    """One partner in a list: plain values, not a model (lists run to thousands of rows)."""

    id: int
    name: str
    tier: str
    listed: bool
    joined_on: dt.date | None
    summary: str
    committed: int = 0
    potential: int = 0
    support: list[str] = field(default_factory=list)  # kinds: "financial", "staffing", "other"

    @property
    def kinds(self) -> list[str]:
        return [KIND_LABELS[k] for k in KINDS if k in self.support]

    @property
    def support_text(self) -> str:
        """ "Financial, staffing, other support", or "" when none is recorded."""
        return ", ".join(self.kinds).capitalize()

    @property
    def committed_label(self) -> str:
        return pounds(self.committed)

    @property
    def potential_label(self) -> str:
        return pounds(self.potential)

    @property
    def tier_label(self) -> str:
        return PartnerTier(self.tier).label if self.tier in PartnerTier.values else self.tier


def partner_rows(*, listed_only: bool, financial_year: int | None = None) -> list[PartnerRow]:
    """Partners by name, each with its committed and potential pounds and the kinds of support
    it gives (contributions not withdrawn; one financial year or every one): two queries,
    however many partners. Model instances are not made: at thousands of partners they cost
    more than the queries."""
    partners = Partner.objects.all()
    if listed_only:
        partners = partners.filter(listed=True)
    rows = {
        pk: PartnerRow(pk, name, tier, listed, joined_on, summary)
        for pk, name, tier, listed, joined_on, summary in partners.order_by(
            Lower("organisation__name"), "pk"
        ).values_list("pk", "organisation__name", "tier", "listed", "joined_on", "summary")
    }
    live = _live()
    if listed_only:
        live = live.filter(partner__listed=True)
    if financial_year is not None:
        live = live.filter(financial_year=financial_year)
    committed = Q(status=ContributionStatus.COMMITTED)
    potential = Q(status=ContributionStatus.POTENTIAL)
    sums = (
        live.order_by()
        .values("partner_id")
        .annotate(
            committed=Sum("amount", filter=committed, default=0),
            potential=Sum("amount", filter=potential, default=0),
            **{kind: Count("id", filter=Q(kind=kind)) for kind in KINDS},
        )
    )
    for row in sums:
        partner = rows.get(row["partner_id"])
        if partner is None:
            continue
        partner.committed = int(row["committed"])
        partner.potential = int(row["potential"])
        partner.support = [kind for kind in KINDS if row[kind]]
    return list(rows.values())


@dataclass
class TierGroup:
    tier: str
    label: str
    partners: list = field(default_factory=list)


def _grouped(partners) -> list[TierGroup]:
    groups = {tier.value: TierGroup(tier.value, tier.label) for tier in PartnerTier}
    for partner in partners:
        groups.setdefault(partner.tier, TierGroup(partner.tier, partner.tier)).partners.append(
            partner
        )
    return list(groups.values())


@dataclass
class PartnersOverview:
    totals: dict
    groups: list[TierGroup]
    financial_year: int | None
    years: list[int]
    may_manage: bool

    @property
    def table(self) -> list[TotalsRow]:
        return totals_table(self.totals)

    @property
    def unlisted(self) -> dict:
        """How much of the totals is from partners not listed publicly yet (the public page
        leaves it out)."""
        return self.totals["unlisted"]

    @property
    def unlisted_committed(self) -> str:
        return pounds(self.unlisted["committed"])

    @property
    def unlisted_potential(self) -> str:
        return pounds(self.unlisted["potential"])


def partners_overview(
    actor, *, financial_year: int | None = None, years: list[int] | None = None
) -> PartnersOverview:
    """The programme team's list: the totals by kind and status, and every partner by tier with
    what it has committed and may give (a fixed number of queries, however many partners)."""
    if not can(actor, "contributions.view"):
        raise NotFound("No such page")
    partners = partner_rows(listed_only=False, financial_year=financial_year)
    return PartnersOverview(
        totals=contribution_totals(financial_year=financial_year),
        groups=_grouped(partners),
        financial_year=financial_year,
        years=contribution_years() if years is None else years,
        may_manage=can(actor, "programme.manage"),
    )


@dataclass
class PartnerView:
    partner: Partner
    contributions: list[Contribution]
    may_manage: bool


def partner_get_for(actor, partner_id) -> PartnerView:
    """One partner with every contribution (withdrawn ones too, marked), newest year first;
    missing, or a reader without ``contributions.view``: NotFound."""
    partner_id = parse_id(partner_id)
    if partner_id is None or not can(actor, "contributions.view"):
        raise NotFound("No such partner")
    partner = (
        _annotated(Partner.objects.select_related("organisation"), None)
        .filter(pk=partner_id)
        .first()
    )
    if partner is None:
        raise NotFound("No such partner")
    partner.kinds = kinds_of_support(partner)
    contributions = list(
        Contribution.objects.filter(partner=partner).order_by(
            "withdrawn_at", "-financial_year", "kind", "id"
        )
    )
    return PartnerView(
        partner=partner, contributions=contributions, may_manage=can(actor, "programme.manage")
    )


def partner_for_edit(actor, partner_id) -> Partner:
    """A partner the programme team is changing (or adding a contribution to)."""
    partner_id = parse_id(partner_id)
    if partner_id is None or not can(actor, "programme.manage"):
        raise NotFound("No such partner")
    partner = Partner.objects.select_related("organisation").filter(pk=partner_id).first()
    if partner is None:
        raise NotFound("No such partner")
    return partner


def contribution_for_edit(actor, contribution_id) -> Contribution:
    contribution_id = parse_id(contribution_id)
    if contribution_id is None or not can(actor, "programme.manage"):
        raise NotFound("No such contribution")
    contribution = (
        Contribution.objects.select_related("partner__organisation")
        .filter(pk=contribution_id)
        .first()
    )
    if contribution is None:
        raise NotFound("No such contribution")
    return contribution


def organisations_without_partner() -> list[tuple[int, str]]:
    """Organisations in Petal that are not yet partners, by name (for the "add a partner"
    form's choice)."""
    from petal.accounts.models import Organisation

    return list(
        Organisation.objects.filter(partner__isnull=True).order_by("name").values_list("pk", "name")
    )


# --- the public page ----------------------------------------------------------------------------


@dataclass
class PublicPartners:
    totals: dict
    groups: list[TierGroup]

    @property
    def committed(self) -> int:
        return self.totals["total"]["committed"]

    @property
    def potential(self) -> int:
        return self.totals["total"]["potential"]


def public_partners() -> PublicPartners:
    """The public partners page: the totals of listed partners' contributions (committed and
    potential, every year) and the listed partners by tier with the kinds of support they
    give, never what each gives."""
    partners = partner_rows(listed_only=True)
    return PublicPartners(totals=contribution_totals(public=True), groups=_grouped(partners))


# --- the API ------------------------------------------------------------------------------------


def partners_for_api(actor) -> list[PartnerRow]:
    """Listed partners for every reader of ``programme.view``; every partner for the programme
    team. Each carries the kinds of support it gives."""
    return partner_rows(listed_only=not can(actor, "programme.manage"))


def contributions_for(
    actor,
    *,
    financial_year: int | None = None,
    kind: str = "",
    status: str = "",
    withdrawn: bool = False,
) -> QuerySet[Contribution]:
    """Contributions pledge by pledge for readers of ``contributions.view`` (none for anyone
    else), filtered; withdrawn ones only when asked for."""
    if not can(actor, "contributions.view"):
        return Contribution.objects.none()
    rows = Contribution.objects.select_related("partner__organisation")
    if not withdrawn:
        rows = rows.filter(withdrawn_at__isnull=True)
    if financial_year is not None:
        rows = rows.filter(financial_year=financial_year)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-financial_year", "partner__organisation__name", "kind", "id")


def contributions_export(actor, *, file_format: str) -> list[Contribution]:
    """Every contribution (withdrawn ones too, marked) for a spreadsheet; the download is
    recorded in the audit trail."""
    if not can(actor, "contributions.view"):
        raise NotFound("No such page")
    rows = list(contributions_for(actor, withdrawn=True))
    audit_record(
        actor=actor,
        action="contributions.exported",
        data={"format": file_format, "rows": len(rows)},
    )
    return rows


def period_label(start: dt.date | None, end: dt.date | None) -> str:
    """ "April 2022 to March 2023", "From April 2022", or ""."""
    if start and end:
        return f"{start:%B %Y} to {end:%B %Y}"
    if start:
        return f"From {start:%B %Y}"
    if end:
        return f"Until {end:%B %Y}"
    return ""
