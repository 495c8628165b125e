"""Every write to partners and their contributions: the programme team's alone, one
transaction each, with its audit event.

A partner is an organisation in Petal: the programme team chooses one already there, or names a
new one (added to the organisations through the directory's own service). A contribution is
what a partner pledges for one financial year:

- financial: an amount in whole pounds (required);
- staffing: a role, and hours a week or a full-time equivalent (one of the two), over a period
  that starts on a day (and may end; the end is never before the start); a value in pounds if
  the partner gave one;
- other: what it is (required); a value in pounds if given.

Each is committed, or potential (subject to formal agreement). Withdrawing one keeps it for the
record and takes it out of every total; a withdrawn contribution is not changed again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from petal.access.policy import can
from petal.audit.services import audit_record
from petal.core.errors import Forbidden, NotFound, ValidationFailed, clean_text, fail
from petal.programme.models import (
    Contribution,
    ContributionKind,
    ContributionStatus,
    Partner,
    PartnerTier,
)
from petal.programme.selectors.partners import parse_id

MAX_SUMMARY = 300
MAX_ROLE = 200
MAX_DESCRIPTION = 2000
MAX_NOTES = 5000
# PositiveIntegerField holds up to 2,147,483,647; no pledge comes near £100 million.
MAX_AMOUNT = 100_000_000
MAX_HOURS = Decimal("168")
MAX_FTE = Decimal("100")
FIRST_YEAR = 2000
LAST_YEAR = 2100

PARTNER_FIELDS = ("tier", "listed", "joined_on", "summary")
CONTRIBUTION_FIELDS = (
    "kind",
    "status",
    "financial_year",
    "amount",
    "role",
    "hours_per_week",
    "fte",
    "period_start",
    "period_end",
    "description",
    "notes",
)


def _require_team(actor) -> None:
    if not can(actor, "programme.manage"):
        raise Forbidden("Only the programme team changes partners and contributions")


def _tier(value) -> str:
    if value not in PartnerTier.values:
        fail("tier", "Choose which list the partner is on")
    return value


def _date(value, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        fail(field, f"{label} must be a real date")


@transaction.atomic
def partner_add(
    *,
    actor,
    organisation_id=None,
    new_name: str = "",
    new_kind: str = "other",
    tier: str,
    listed: bool = True,
    joined_on: dt.date | None = None,
    summary: str = "",
) -> Partner:
    """Add a partner: an organisation already in Petal that is not yet a partner, or a new
    organisation named here (added to Petal's organisations, and audited there as well)."""
    _require_team(actor)
    from petal.accounts.models import Organisation

    tier = _tier(tier)
    summary = clean_text(summary, field="summary", label="how they take part", limit=MAX_SUMMARY)
    joined_on = _date(joined_on, "joined_on", "The date they joined")
    new_name = clean_text(new_name, field="new_name", label="the organisation's name", limit=200)
    if organisation_id not in (None, "") and new_name:
        fail("new_name", "Choose an organisation from the list or name a new one, not both")
    if new_name:
        from petal.directory.services import organisation_save

        try:
            organisation = organisation_save(
                actor=actor, data={"name": new_name, "kind": new_kind or "other"}
            )
        except ValidationFailed as error:
            # The directory names the field "name"; this form calls it "new_name".
            fail("new_name", error.message)
    else:
        org_id = parse_id(organisation_id)
        organisation = (
            Organisation.objects.select_for_update().filter(pk=org_id).first() if org_id else None
        )
        if organisation is None:
            fail("organisation", "Choose the organisation, or name a new one")
    if Partner.objects.filter(organisation=organisation).exists():
        fail("organisation", f"{organisation.name} is already a partner")
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                organisation=organisation,
                tier=tier,
                listed=bool(listed),
                joined_on=joined_on,
                summary=summary,
            )
    except IntegrityError:  # added by someone else a moment ago
        fail("organisation", f"{organisation.name} is already a partner")
    audit_record(
        actor=actor,
        action="partner.added",
        obj=partner,
        data={"organisation": organisation.pk, "tier": tier, "listed": partner.listed},
    )
    return partner


@transaction.atomic
def partner_change(
    *,
    actor,
    partner_id,
    tier: str,
    listed: bool,
    joined_on: dt.date | None = None,
    summary: str = "",
) -> Partner:
    """Change which list a partner is on, whether it is shown publicly, when it joined and how
    it takes part."""
    _require_team(actor)
    partner = Partner.objects.select_for_update().filter(pk=parse_id(partner_id) or 0).first()
    if partner is None:
        raise NotFound("No such partner")
    before = {f: getattr(partner, f) for f in PARTNER_FIELDS}
    partner.tier = _tier(tier)
    partner.listed = bool(listed)
    partner.joined_on = _date(joined_on, "joined_on", "The date they joined")
    partner.summary = clean_text(
        summary, field="summary", label="how they take part", limit=MAX_SUMMARY
    )
    changed = sorted(f for f in PARTNER_FIELDS if before[f] != getattr(partner, f))
    if changed:
        partner.save()
        audit_record(actor=actor, action="partner.changed", obj=partner, data={"fields": changed})
    return partner


def _decimal(value, field: str, label: str, *, limit: Decimal) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        fail(field, f"{label} must be a number, like 7.5")
    if not number.is_finite() or number <= 0:
        fail(field, f"{label} must be more than 0")
    if number > limit:
        fail(field, f"{label} must be {limit} or less")
    if number != number.quantize(Decimal("0.01")):
        fail(field, f"{label} can have at most 2 decimal places")
    return number.quantize(Decimal("0.01"))


def _amount(value, *, required: bool) -> int | None:
    if value in (None, ""):
        if required:
            fail("amount", "Enter the amount in pounds")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            fail("amount", "Enter the amount as a whole number of pounds, like 25000")
    if value < 0 or (required and value == 0):
        fail("amount", "The amount must be more than £0")
    if value > MAX_AMOUNT:
        fail("amount", f"The amount must be £{MAX_AMOUNT:,} or less")
    return value


def _validated(data: dict) -> dict:
    """The contribution's fields, checked against the rules for its kind; fields that do not
    belong to its kind are cleared (the form shows them all)."""
    kind = data.get("kind")
    if kind not in ContributionKind.values:
        fail("kind", "Choose the kind of contribution")
    status = data.get("status")
    if status not in ContributionStatus.values:
        fail("status", "Choose whether the contribution is committed or potential")
    try:
        year = int(data.get("financial_year"))
    except (TypeError, ValueError):
        fail("financial_year", "Choose the financial year")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        fail("financial_year", "Choose the financial year")
    clean = {
        "kind": kind,
        "status": status,
        "financial_year": year,
        "amount": _amount(data.get("amount"), required=kind == ContributionKind.FINANCIAL),
        "role": "",
        "hours_per_week": None,
        "fte": None,
        "period_start": None,
        "period_end": None,
        "description": clean_text(
            data.get("description"),
            field="description",
            label="what the contribution is",
            required=kind == ContributionKind.OTHER,
            limit=MAX_DESCRIPTION,
        ),
        "notes": clean_text(data.get("notes"), field="notes", label="the notes", limit=MAX_NOTES),
    }
    if kind == ContributionKind.STAFFING:
        clean["role"] = clean_text(
            data.get("role"), field="role", label="the role", required=True, limit=MAX_ROLE
        )
        hours = _decimal(
            data.get("hours_per_week"), "hours_per_week", "Hours a week", limit=MAX_HOURS
        )
        fte = _decimal(data.get("fte"), "fte", "Full-time equivalent", limit=MAX_FTE)
        if hours is None and fte is None:
            fail("hours_per_week", "Enter the hours a week or the full-time equivalent (FTE)")
        if hours is not None and fte is not None:
            fail("fte", "Enter the hours a week or the full-time equivalent (FTE), not both")
        start = _date(data.get("period_start"), "period_start", "The start of the period")
        end = _date(data.get("period_end"), "period_end", "The end of the period")
        if start is None:
            fail("period_start", "Enter when the staffing starts")
        if end is not None and end < start:
            fail("period_end", "The end of the period must be the same as or after its start")
        clean.update(hours_per_week=hours, fte=fte, period_start=start, period_end=end)
    return clean


def _partner(partner_id) -> Partner:
    partner = Partner.objects.select_for_update().filter(pk=parse_id(partner_id) or 0).first()
    if partner is None:
        raise NotFound("No such partner")
    return partner


@transaction.atomic
def contribution_record(*, actor, partner_id, data: dict) -> Contribution:
    """Record what a partner pledges for a financial year (see the module's rules)."""
    _require_team(actor)
    partner = _partner(partner_id)
    contribution = Contribution(partner=partner, created_by=actor, **_validated(data))
    contribution.save()
    audit_record(
        actor=actor,
        action="contribution.recorded",
        obj=contribution,
        data={
            "partner": partner.pk,
            "kind": contribution.kind,
            "status": contribution.status,
            "financial_year": contribution.financial_year,
            "amount": contribution.amount,
        },
    )
    return contribution


def _locked(contribution_id) -> Contribution:
    contribution = (
        Contribution.objects.select_for_update().filter(pk=parse_id(contribution_id) or 0).first()
    )
    if contribution is None:
        raise NotFound("No such contribution")
    return contribution


def _plain(value):
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


@transaction.atomic
def contribution_change(*, actor, contribution_id, data: dict) -> Contribution:
    """Change a contribution (not a withdrawn one: it is kept as it was)."""
    _require_team(actor)
    contribution = _locked(contribution_id)
    if contribution.withdrawn_at is not None:
        raise ValidationFailed("This contribution was withdrawn: it is kept as it was")
    clean = _validated(data)
    before = {f: getattr(contribution, f) for f in CONTRIBUTION_FIELDS}
    for name, value in clean.items():
        setattr(contribution, name, value)
    changed = {
        f: [_plain(before[f]), _plain(getattr(contribution, f))]
        for f in CONTRIBUTION_FIELDS
        if before[f] != getattr(contribution, f) and f != "notes"
    }
    notes_changed = before["notes"] != contribution.notes
    if changed or notes_changed:
        contribution.save()
        audit_record(
            actor=actor,
            action="contribution.changed",
            obj=contribution,
            data={"partner": contribution.partner_id, "changes": changed, "notes": notes_changed},
        )
    return contribution


@transaction.atomic
def contribution_withdraw(*, actor, contribution_id, reason: str = "") -> Contribution:
    """Withdraw a contribution: kept for the record, out of every total from now on."""
    _require_team(actor)
    contribution = _locked(contribution_id)
    if contribution.withdrawn_at is not None:
        return contribution
    reason = clean_text(reason, field="reason", label="why it was withdrawn", limit=500)
    contribution.withdrawn_at = timezone.now()
    if reason:
        stamp = f"Withdrawn {timezone.localdate():%-d %B %Y}: {reason}"
        contribution.notes = f"{contribution.notes}\n\n{stamp}".strip()
    contribution.save(update_fields=["withdrawn_at", "notes", "updated_at"])
    audit_record(
        actor=actor,
        action="contribution.withdrawn",
        obj=contribution,
        data={
            "partner": contribution.partner_id,
            "kind": contribution.kind,
            "status": contribution.status,
            "amount": contribution.amount,
            "reason": bool(reason),
        },
    )
    return contribution
