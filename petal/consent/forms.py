from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from petal.access.categories import Category
from petal.consent.models import (
    BreakGlassReason,
    GivenHow,
    LawfulBasis,
    Purpose,
    Review,
    WithdrawnHow,
)
from petal.core.forms import GovukDateField

GRANTEE_KINDS = [
    ("organisation", "An organisation"),
    ("partnership", "An operational partnership"),
    ("person", "A named person"),
]


class ConsentForm(forms.Form):
    grantee_kind = forms.ChoiceField(
        label="Who will the information be shared with?",
        choices=GRANTEE_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the information will be shared with"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=None, required=False, empty_label="Choose an organisation"
    )
    partnership = forms.ModelChoiceField(
        label="Operational partnership",
        queryset=None,
        required=False,
        empty_label="Choose a partnership",
    )
    email = forms.EmailField(
        label="The person's email address in Petal",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    categories = forms.MultipleChoiceField(
        label="What information did they agree to share?",
        choices=Category.choices,
        help_text="‘Who they are’ is always included, so the service knows whose information it is",
        error_messages={"required": "Select what information they agreed to share"},
    )
    purposes = forms.MultipleChoiceField(
        label="What is it for?", choices=Purpose.choices, required=False
    )
    purpose_text = forms.CharField(
        label="In your words, what is it for? (optional if you selected a purpose)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    starts_on = GovukDateField(label="From", help_text="For example, 24 11 2026")
    ends_on = GovukDateField(label="Until", help_text="The last day it covers. At most 3 years")
    given_how = forms.ChoiceField(
        label="How did they give their consent?",
        choices=GivenHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they gave their consent"},
    )
    conditions = forms.CharField(
        label="Anything they asked for, in their words (optional)",
        help_text="For example ‘Only my housing worker, not the whole team’",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreement = forms.ModelChoiceField(
        label="Information-sharing agreement it relies on (optional)",
        queryset=None,
        required=False,
        empty_label="None",
    )

    def __init__(self, *args, **kwargs):
        from petal.accounts.models import Organisation
        from petal.consent.models import SharingAgreement
        from petal.reference.models import Partnership

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["partnership"].queryset = Partnership.objects.order_by("name")
        self.fields["agreement"].queryset = SharingAgreement.objects.order_by("title")
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("categories", [Category.IDENTITY.value])
            self.initial.setdefault("starts_on", today)
            self.initial.setdefault(
                "ends_on", today.replace(year=today.year + 1) - dt.timedelta(days=1)
            )

    def clean(self):
        data = super().clean()
        kind = data.get("grantee_kind")
        needed = {"organisation": "organisation", "partnership": "partnership", "person": "email"}
        messages = {
            "organisation": "Choose the organisation",
            "partnership": "Choose the partnership",
            "email": "Enter the person's email address",
        }
        if kind in needed and not data.get(needed[kind]) and needed[kind] not in self.errors:
            self.add_error(needed[kind], messages[needed[kind]])
        return data


class RenewForm(forms.Form):
    ends_on = GovukDateField(label="Until", help_text="The new last day it covers")
    given_how = forms.ChoiceField(
        label="How did they agree again?",
        choices=GivenHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they agreed again"},
    )


class WithdrawForm(forms.Form):
    how = forms.ChoiceField(
        label="How did they withdraw it?",
        choices=[c for c in WithdrawnHow.choices if c[0] != WithdrawnHow.IN_PETAL],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they withdrew their consent"},
    )
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class OwnWithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, stop sharing this",
        error_messages={"required": "Tick the box to stop sharing"},
    )


class OwnAccessForm(forms.Form):
    email = forms.EmailField(
        label="Their email address (optional)",
        help_text="Leave it out if they have no email: Petal prints a one-time code on their receipt instead",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )


class RedeemForm(forms.Form):
    code = forms.CharField(
        label="The code on your receipt",
        help_text="12 letters and numbers, like ABCD-EFGH-JKMN",
        max_length=20,
        error_messages={"required": "Enter the code from your receipt"},
    )
    password = forms.CharField(
        label="Choose a password",
        help_text="At least 12 characters. A few words you will remember works well",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password"},
    )


class BreakGlassForm(forms.Form):
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis"},
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason"},
    )
    details = forms.CharField(
        label="What is happening, and why you need the record now",
        help_text="The data protection lead reads this when they review your access",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe why you need to open the record"},
    )
    hours = forms.IntegerField(
        label="For how many hours?",
        min_value=1,
        error_messages={
            "required": "Enter how many hours you need",
            "invalid": "Enter the number of hours as a whole number, like 24",
            "min_value": "Access must last at least 1 hour",
            "max_value": "Access can last at most %(limit_value)s hours",
        },
    )

    def __init__(self, *args, max_hours: int = 72, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours"].max_value = max_hours
        self.fields["hours"].validators.append(MaxValueValidator(max_hours))
        self.fields["hours"].help_text = f"At most {max_hours}. Access ends by itself"
        self.initial.setdefault("hours", max_hours)


class FindForBreakGlassForm(BreakGlassForm):
    reference = forms.CharField(
        label="Record number (if you know it)",
        help_text="Like P-000123",
        max_length=20,
        required=False,
    )
    full_name = forms.CharField(label="Full name", max_length=200, required=False)
    date_of_birth = GovukDateField(label="Date of birth", required=False, past_only=True)

    def clean(self):
        data = super().clean()
        if not data.get("reference", "").strip() and not (
            data.get("full_name", "").strip() and data.get("date_of_birth")
        ):
            self.add_error(
                "reference", "Enter the record number, or their full name and date of birth"
            )
        return data


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Was the access justified?",
        choices=[(Review.UPHELD, Review.UPHELD.label), (Review.MISUSED, Review.MISUSED.label)],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the access was justified"},
    )
    note = forms.CharField(
        label="Note",
        help_text="Required when the access was not justified",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AgreementForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    purpose = forms.CharField(
        label="What it allows to be shared, and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the purpose of the agreement"},
    )
    parties = forms.ModelMultipleChoiceField(
        label="Organisations that signed it",
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"required": "Select the organisations that signed it"},
    )
    starts_on = GovukDateField(label="Started on")
    review_on = GovukDateField(label="Review by")
    reference = forms.CharField(
        label="Where the signed agreement is kept (optional)", max_length=300, required=False
    )

    def __init__(self, *args, **kwargs):
        from petal.accounts.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["parties"].queryset = Organisation.objects.order_by("name")


class AccessReportForm(forms.Form):
    reference = forms.CharField(
        label="Record number",
        help_text="Like P-000123",
        max_length=20,
        error_messages={"required": "Enter the record number"},
    )
