"""Forms for the co-production register and feedback. They check the shape of what was typed;
the services decide the rules (contact details only with agreement, a response before
publishing)."""

from __future__ import annotations

from django import forms

from petal.core.forms import GovukDateField
from petal.programme.models import ParticipationKind, RecognitionKind

YES_NO = [("yes", "Yes"), ("no", "No")]


class ContributorForm(forms.Form):
    named_as = forms.CharField(
        label="How do they want to be named?",
        max_length=100,
        help_text="A first name, initials or a chosen name, exactly as they want it shown. "
        "Write ‘Anonymous’ if they do not want to be named anywhere.",
        error_messages={"required": "Enter how they want to be named"},
    )
    consent_to_contact = forms.ChoiceField(
        label="Have they agreed to be contacted?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="If not, no contact details are kept. Changing this to ‘No’ deletes the "
        "contact details below.",
        error_messages={"required": "Choose whether they have agreed to be contacted"},
    )
    consent_recorded_on = GovukDateField(
        label="Date their answer was recorded", required=False, past_only=True
    )
    how_to_contact = forms.CharField(
        label="How they want to be contacted",
        required=False,
        max_length=300,
        help_text="For example ‘text first, then call’ or ‘through their support worker’. "
        "Only if they agreed to be contacted.",
    )
    email = forms.CharField(label="Email address", required=False, max_length=254)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For the programme team only, for example access needs for meetings",
    )


class ContributorChangeForm(ContributorForm):
    active = forms.ChoiceField(
        label="Are they still taking part?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether they are still taking part"},
    )


class ParticipationForm(forms.Form):
    kind = forms.ChoiceField(
        label="Where did they take part?",
        choices=ParticipationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where they took part"},
    )
    took_part_on = GovukDateField(label="Date they took part", past_only=True)
    description = forms.CharField(label="What they did", required=False, max_length=300)


class RecognitionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What was given?",
        choices=RecognitionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what was given"},
    )
    amount = forms.CharField(
        label="Amount in pounds",
        max_length=20,
        help_text="For example 25 or 12.50",
        error_messages={"required": "Enter the amount in pounds"},
    )
    given_on = GovukDateField(label="Date it was given", past_only=True)
    participation = forms.ChoiceField(label="For which time they took part", required=False)
    note = forms.CharField(label="Note", required=False, max_length=300)

    def __init__(self, *args, participations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participation"].choices = [
            ("", "Not for one time in particular"),
            *[(p.pk, f"{p.get_kind_display()}, {p.took_part_on:%d %B %Y}") for p in participations],
        ]


class FeedbackForm(forms.Form):
    contributor = forms.ChoiceField(label="Who is it from?", required=False)
    received_on = GovukDateField(label="Date it was received", past_only=True)
    where = forms.CharField(
        label="Where was it said?",
        required=False,
        max_length=200,
        help_text="For example ‘Tactical Group meeting’ or ‘design session on letters’",
    )
    said = forms.CharField(
        label="What was said",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In their words where you can. If it is published, the public reads this "
        "under ‘You said’: no details that could identify anyone.",
        error_messages={"required": "Enter what was said"},
    )

    def __init__(self, *args, contributors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributor"].choices = [
            ("", "Anonymous, or not in the register"),
            *contributors,
        ]


class ResponseForm(forms.Form):
    response = forms.CharField(
        label="What we did",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="If it is published, the public reads this under ‘We did’",
        error_messages={"required": "Enter what we did"},
    )
    responded_on = GovukDateField(label="Date we responded", past_only=True)


class PublishForm(forms.Form):
    publish = forms.ChoiceField(
        choices=[("yes", "Publish"), ("no", "Take off")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose whether to publish or take off"},
    )
