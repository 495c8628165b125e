"""Forms for partners and contributions. They check the shape of what was typed (an amount in
whole pounds, a date, a number); the services decide the rules (what each kind needs)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError

from petal.accounts.models import OrganisationKind
from petal.core.forms import GovukDateField
from petal.programme.models import ContributionKind, ContributionStatus, PartnerTier
from petal.programme.selectors.partners import (
    current_financial_year,
    financial_year_choices,
    financial_year_label,
    organisations_without_partner,
)

AMOUNT = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
NUMBER = re.compile(r"^\d+(\.\d+)?$")


def parse_pounds(value: str) -> int | None:
    """ "25,000" or "25000" → 25000. Refuses "£", pence and anything else with a message saying
    what to type."""
    value = (value or "").strip()
    if not value:
        return None
    if "£" in value:
        raise ValidationError("Enter the amount without the £ sign, like 25000 or 25,000")
    if re.fullmatch(r"[\d,]*\.\d*", value):
        raise ValidationError("Enter the amount in whole pounds, without pence, like 25000")
    if not AMOUNT.match(value):
        raise ValidationError("Enter the amount as a whole number of pounds, like 25000 or 25,000")
    return int(value.replace(",", ""))


def parse_number(value: str, label: str):
    value = (value or "").strip()
    if not value:
        return None
    if not NUMBER.match(value):
        raise ValidationError(f"{label} must be a number, like 7.5")
    return value


class PartnerForm(forms.Form):
    tier = forms.ChoiceField(
        label="Which list are they on?",
        choices=PartnerTier.choices,
        error_messages={"required": "Choose which list the partner is on"},
    )
    listed = forms.BooleanField(
        label="Show them on the public partners page", required=False, initial=True
    )
    joined_on = GovukDateField(
        label="Date they joined (optional)", required=False, help_text="For example, 27 3 2022"
    )
    summary = forms.CharField(
        label="How they take part (optional)",
        required=False,
        max_length=300,
        help_text="One line for the programme team, for example ‘Hosts the Fenland operational "
        "partnership’",
        error_messages={"max_length": "How they take part must be 300 characters or fewer"},
    )


class PartnerNewForm(PartnerForm):
    organisation = forms.ChoiceField(
        label="Choose an organisation already in Petal", required=False
    )
    new_name = forms.CharField(
        label="Or name a new organisation",
        required=False,
        max_length=200,
        help_text="It is added to Petal's organisations too",
        error_messages={"max_length": "The organisation's name must be 200 characters or fewer"},
    )
    new_kind = forms.ChoiceField(
        label="What kind of organisation is the new one?",
        choices=OrganisationKind.choices,
        initial=OrganisationKind.OTHER,
        required=False,
    )

    field_order = ["organisation", "new_name", "new_kind", "tier", "listed", "joined_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [
            ("", "Choose an organisation"),
            *organisations_without_partner(),
        ]

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not (data.get("new_name") or "").strip():
            self.add_error("organisation", "Choose the organisation, or name a new one")
        return data


class ContributionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of contribution is it?",
        choices=ContributionKind.choices,
        error_messages={"required": "Choose the kind of contribution"},
    )
    status = forms.ChoiceField(
        label="Is it committed?",
        choices=ContributionStatus.choices,
        error_messages={"required": "Choose whether the contribution is committed or potential"},
    )
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        help_text="1 April to 31 March",
        error_messages={"required": "Choose the financial year"},
    )
    amount = forms.CharField(
        label="Amount in pounds",
        required=False,
        max_length=20,
        help_text="Whole pounds, like 25000 or 25,000. Required for a financial contribution; "
        "for staff time or other support, what it is worth, if the partner has said",
    )
    role = forms.CharField(
        label="Role (staffing)",
        required=False,
        max_length=200,
        help_text="For example, ‘Trusted Person coordinator’",
        error_messages={"max_length": "The role must be 200 characters or fewer"},
    )
    hours_per_week = forms.CharField(
        label="Hours a week (staffing)",
        required=False,
        max_length=10,
        help_text="Or give the full-time equivalent below, not both",
    )
    fte = forms.CharField(
        label="Full-time equivalent, FTE (staffing)",
        required=False,
        max_length=10,
        help_text="For example, 0.5 for half-time",
    )
    period_start = GovukDateField(
        label="Start of the period (staffing)", required=False, help_text="For example, 1 4 2022"
    )
    period_end = GovukDateField(
        label="End of the period (staffing, optional)",
        required=False,
        help_text="For example, 31 3 2023. Leave empty if it carries on",
    )
    description = forms.CharField(
        label="What it is",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for other support, for example ‘Meeting rooms for the operational "
        "partnership’",
        error_messages={"max_length": "What it is must be 2,000 characters or fewer"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For the programme team only: never shown publicly or downloaded",
        error_messages={"max_length": "The notes must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = financial_year_choices(year)
        if not self.is_bound and not self.initial.get("financial_year"):
            self.initial["financial_year"] = current_financial_year()
        self.fields["status"].choices = [
            (ContributionStatus.COMMITTED.value, "Committed"),
            (ContributionStatus.POTENTIAL.value, "Potential: subject to formal agreement"),
        ]

    def clean_amount(self):
        return parse_pounds(self.cleaned_data.get("amount"))

    def clean_hours_per_week(self):
        return parse_number(self.cleaned_data.get("hours_per_week"), "Hours a week")

    def clean_fte(self):
        return parse_number(self.cleaned_data.get("fte"), "Full-time equivalent")

    def data_for_service(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is it withdrawn? (optional)",
        required=False,
        max_length=500,
        error_messages={"max_length": "Why it is withdrawn must be 500 characters or fewer"},
    )


class TotalsFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [
            ("", "Every year"),
            *((y, financial_year_label(y)) for y in years),
        ]

    def chosen_year(self) -> int | None:
        """The year asked for; anything not understood is every year."""
        if not self.is_valid():
            return None
        return self.cleaned_data.get("year") or None


def initial_for(contribution) -> dict:
    def number(value):
        return "" if value is None else f"{value.normalize():f}"

    return {
        "kind": contribution.kind,
        "status": contribution.status,
        "financial_year": contribution.financial_year,
        "amount": "" if contribution.amount is None else f"{contribution.amount:,}",
        "role": contribution.role,
        "hours_per_week": number(contribution.hours_per_week),
        "fte": number(contribution.fte),
        "period_start": contribution.period_start,
        "period_end": contribution.period_end,
        "description": contribution.description,
        "notes": contribution.notes,
    }
