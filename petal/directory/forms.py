from __future__ import annotations

from django import forms

from petal.access.categories import Category
from petal.accounts.models import OrganisationKind
from petal.directory.models import LocationType, ServiceStatus
from petal.reference.models import District

NEEDS_CHOICES = [(c.value, c.label) for c in Category if c != Category.IDENTITY]


class ServiceForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation that runs the service"},
    )
    name = forms.CharField(
        label="Name of the service",
        max_length=200,
        error_messages={"required": "Enter the name of the service"},
    )
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        required=False,
        help_text="One sentence, shown in search results",
    )
    description = forms.CharField(
        label="What the service does",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe what the service does"},
    )
    who_for = forms.CharField(
        label="Who it is for", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    eligibility = forms.CharField(
        label="Who can use it (eligibility)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    areas = forms.MultipleChoiceField(
        label="Which areas does it help with?",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    districts = forms.ModelMultipleChoiceField(
        label="Districts it serves",
        queryset=District.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reach = forms.MultipleChoiceField(
        label="Does it reach people where they are?",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Important for people in rural Fenland and East Cambridgeshire, who can be "
        "far from services in towns and cities",
    )
    locations = forms.MultipleChoiceField(
        label="Where it is delivered",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )
    how_to_refer = forms.CharField(
        label="How to refer", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opening_times = forms.CharField(
        label="Opening times", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    phone = forms.CharField(label="Phone", max_length=40, required=False)
    url = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.example.org"},
    )
    accepts_referrals = forms.BooleanField(label="Takes referrals through Petal", required=False)
    needs_categories = forms.MultipleChoiceField(
        label="What does a referral need to include?",
        choices=NEEDS_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="‘Who they are’ is always included. A referral can include only what the "
        "person has agreed to share with your organisation.",
    )
    response_days = forms.IntegerField(
        label="Days to acknowledge a referral",
        min_value=1,
        max_value=60,
        help_text="Petal reminds you when a referral has waited longer than this",
        error_messages={
            "required": "Enter how many days the service takes to acknowledge a referral",
            "invalid": "Enter a whole number of days, like 5",
            "min_value": "Enter at least 1 day",
            "max_value": "Enter 60 days or fewer",
        },
    )
    status = forms.ChoiceField(
        label="Is it running?", choices=ServiceStatus.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, organisations, area_terms, reach_terms, locations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["areas"].choices = [(str(t.pk), t.name) for t in area_terms]
        self.fields["reach"].choices = [(str(t.pk), t.name) for t in reach_terms]
        self.fields["locations"].choices = [
            (str(loc.pk), f"{loc.name}{' – ' + loc.one_line if loc.one_line else ''}")
            for loc in locations
        ]
        if not locations:
            del self.fields["locations"]


class LocationForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter a name for the location"}
    )
    location_type = forms.ChoiceField(
        label="What kind of location is it?",
        choices=LocationType.choices,
        widget=forms.RadioSelect,
        initial=LocationType.PHYSICAL,
    )
    address_1 = forms.CharField(label="Address", max_length=200, required=False)
    city = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    district = forms.ModelChoiceField(
        label="District",
        queryset=District.objects.order_by("name"),
        required=False,
        empty_label="Choose a district",
    )
    url = forms.URLField(
        label="Web address (for online locations)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.example.org"},
    )
    description = forms.CharField(
        label="Getting there and access", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Enter the organisation's name"}
    )
    kind = forms.ChoiceField(label="Kind of organisation", choices=OrganisationKind.choices)
    description = forms.CharField(
        label="What it does", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.example.org"},
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    phone = forms.CharField(label="Phone", max_length=40, required=False)
