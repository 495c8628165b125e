from __future__ import annotations

from django import forms

from petal.core.forms import GovukDateField
from petal.people.models import AgreementMethod, ContactMethod, RelationshipKind


def _organisation_field():
    return forms.ModelChoiceField(
        label="Through which organisation? (optional)",
        queryset=None,
        required=False,
        empty_label="Not through an organisation",
    )


def _organisations_into(form) -> None:
    from petal.accounts.models import Organisation

    form.fields["organisation"].queryset = Organisation.objects.order_by("name")


class IdentityForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter their full name"}
    )
    preferred_name = forms.CharField(
        label="What they like to be called (optional)", max_length=100, required=False
    )
    pronouns = forms.CharField(label="Pronouns (optional)", max_length=50, required=False)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        past_only=True,
        help_text="For example, 27 3 1985. Leave it out if they would rather not say",
    )
    aliases = forms.CharField(
        label="Other names they are known by (optional)",
        help_text="One on each line",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    communication_needs = forms.CharField(
        label="Communication needs (optional)",
        help_text="For example: prefers text messages; needs an interpreter; easy-read",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    languages = forms.CharField(label="Languages (optional)", max_length=200, required=False)

    def clean_aliases(self):
        aliases = [
            line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()
        ]
        if any(len(alias) > 200 for alias in aliases):
            raise forms.ValidationError("Each other name must be 200 characters or fewer")
        return aliases


class ContactForm(forms.Form):
    district = forms.ModelChoiceField(
        label="Which district do they live in?",
        queryset=None,
        required=False,
        empty_label="Not known",
        help_text="This decides which operational partnership they belong to",
    )
    no_fixed_abode = forms.BooleanField(label="No fixed abode", required=False)
    address = forms.CharField(
        label="Address (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    safe_contact = forms.CharField(
        label="How to contact them safely (optional)",
        help_text="For example: do not leave messages; only call after 6pm",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        from petal.reference.models import District

        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("no_fixed_abode") and (data.get("address") or "").strip():
            self.add_error("address", "Leave the address empty, or untick ‘No fixed abode’")
        return data


class RelationshipForm(forms.Form):
    relationship_kind = forms.ChoiceField(
        label="How do you know them?",
        choices=RelationshipKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you know them"},
    )
    organisation = _organisation_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _organisations_into(self)


class StoryForm(forms.Form):
    what_happened = forms.CharField(
        label="What has happened",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
    )
    what_matters = forms.CharField(
        label="What matters to them",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=False,
    )
    what_helps = forms.CharField(
        label="What helps", required=False, widget=forms.Textarea(attrs={"rows": 4}), strip=False
    )
    what_does_not_help = forms.CharField(
        label="What does not help",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=False,
    )
    never_ask_again = forms.CharField(
        label="What they never want to be asked again",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=False,
    )


def notes_form(label: str, field: str):
    return type(
        f"{field.title().replace('_', '')}Form",
        (forms.Form,),
        {
            field: forms.CharField(
                label=label,
                help_text="Staff notes, kept apart from the person's own words",
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
            )
        },
    )


class EpisodeForm(forms.Form):
    area = forms.ModelChoiceField(
        label="Which area?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select which area"},
    )
    starts_on = GovukDateField(label="Start date", help_text="For example, 1 3 2026")
    ends_on = GovukDateField(
        label="End date (optional)",
        required=False,
        help_text="Leave it out if it is still going on",
    )
    note = forms.CharField(label="Short note (optional)", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        from petal.reference.models import AreaOfDisadvantage

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = AreaOfDisadvantage.objects.order_by("order")

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        return data


class EpisodeEndForm(forms.Form):
    ends_on = GovukDateField(label="End date", help_text="The last day it applied")


class ContactRecordForm(forms.Form):
    happened_on = GovukDateField(label="Date of the contact", past_only=True)
    method = forms.ChoiceField(
        label="How?",
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you were in touch"},
    )
    note = forms.CharField(
        label="Short note (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_contact_on = GovukDateField(label="Next planned contact (optional)", required=False)


class _TrustedPersonFields(forms.Form):
    email = forms.EmailField(
        label="Their email address in Petal",
        help_text="They need a trusted person sign-in",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    kind = forms.ChoiceField(
        label="How do they know the person?",
        choices=RelationshipKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they know the person"},
    )
    organisation = _organisation_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _organisations_into(self)


class RelationshipAddForm(_TrustedPersonFields):
    pass


class HandoverForm(_TrustedPersonFields):
    planned_for = GovukDateField(label="When should the handover happen?")
    agreed_how = forms.ChoiceField(
        label="How did they agree to the handover?",
        choices=AgreementMethod.choices,
        widget=forms.RadioSelect,
        help_text="A handover needs the person's agreement. If they have not agreed, talk to them first",
        error_messages={"required": "Select how they agreed to the handover"},
    )
    agreement_note = forms.CharField(
        label="Anything they asked for (optional)",
        help_text="In their words, for example ‘I want to meet her before you go’",
        max_length=500,
        required=False,
    )
    previous_stays = forms.ChoiceField(
        label="Will you stay involved after the handover?",
        choices=[("yes", "Yes, as one of their trusted persons"), ("no", "No, I will step back")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you will stay involved"},
    )


class OnDateForm(forms.Form):
    on = GovukDateField(label="Check another date", required=False)
