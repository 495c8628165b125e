from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from petal.core.forms import GovukDateField
from petal.meetings.models import ActionStatus, Reply, Retold, Voice

TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(text: str) -> dt.time | None:
    """ "10:00", "10.30", "2pm", "2:30pm", "14:00"; None if it is not a time."""
    match = TIME.match((text or "").strip().replace(" ", "").lower())
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:
        return None
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class TimeField(forms.CharField):
    def __init__(self, *, noun: str, **kwargs):
        self.noun = noun
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("help_text", "For example, 10:00 or 2:30pm")
        super().__init__(**kwargs)
        self.error_messages["required"] = f"Enter the {noun}"

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parsed = parse_time(value)
        if parsed is None:
            raise ValidationError(f"Enter the {self.noun} like 10:00 or 2:30pm")
        return parsed


class MeetingForm(forms.Form):
    purpose = forms.CharField(
        label="What is the meeting for?",
        help_text="Everyone invited reads this, so do not use the person's name. For example "
        "‘Agree who will help with housing, and how, so they only tell their story once’",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the meeting is for"},
    )
    on = GovukDateField(label="Date", help_text="For example, 3 12 2026")
    starts = TimeField(label="Start time", noun="start time")
    ends = TimeField(label="End time", noun="end time")
    place = forms.CharField(
        label="Where",
        required=False,
        max_length=300,
        help_text="A meeting room or building. Not the person's home address",
    )
    online_link = forms.CharField(
        label="Link to join online (optional)",
        required=False,
        max_length=500,
        help_text="For example, https://teams.microsoft.com/…",
    )
    agenda = forms.CharField(
        label="Agenda (optional)",
        required=False,
        max_length=5000,
        help_text="Everyone invited reads this too: no names",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def times(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        on, starts, ends = data.get("on"), data.get("starts"), data.get("ends")
        if not (on and starts and ends):
            return None, None
        return (
            timezone.make_aware(dt.datetime.combine(on, starts)),
            timezone.make_aware(dt.datetime.combine(on, ends)),
        )

    @classmethod
    def initial_from(cls, meeting) -> dict:
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {
            "purpose": meeting.purpose,
            "on": start.date(),
            "starts": f"{start:%H:%M}",
            "ends": f"{end:%H:%M}",
            "place": meeting.place,
            "online_link": meeting.online_link,
            "agenda": meeting.agenda,
        }


SESSION_PURPOSE_HINT = (
    "For example ‘Monthly problem-solving: people brought by trusted persons, and barriers’"
)


class SessionForm(MeetingForm):
    partnership = forms.ModelChoiceField(
        label="Partnership",
        queryset=None,
        empty_label=None,
        error_messages={"required": "Choose the partnership"},
    )
    field_order = ["partnership"]

    def __init__(self, *args, partnerships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        self.fields["purpose"].label = "What is the session for?"
        self.fields["purpose"].help_text = SESSION_PURPOSE_HINT


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="An organisation",
        queryset=None,
        required=False,
        empty_label="Choose an organisation",
        help_text="Its service staff get the invitation",
    )
    email = forms.EmailField(
        label="Or a person, by their email address in Petal",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )

    def __init__(self, *args, **kwargs):
        from petal.accounts.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("email") and not self.errors:
            self.add_error(
                "organisation", "Choose an organisation or enter a person's email address"
            )
        if data.get("organisation") and data.get("email"):
            self.add_error("email", "Invite one at a time: an organisation or a person")
        return data


class ReplyForm(forms.Form):
    invitation = forms.IntegerField(widget=forms.HiddenInput)
    reply = forms.ChoiceField(
        label="Will you attend?",
        choices=[
            (Reply.ATTENDING, "Yes, I will attend"),
            (Reply.NOT_ATTENDING, "No, I cannot attend"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you will attend"},
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        help_text="Everyone invited is told it is cancelled; this reason shows on the meeting page",
        max_length=500,
        error_messages={"required": "Enter why it is cancelled"},
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Minutes",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attended = forms.MultipleChoiceField(
        label="Who came?", required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, meeting, cases, invitations, **kwargs):
        super().__init__(*args, **kwargs)
        self.case_fields = []
        self.fields["attended"].choices = [(str(i.pk), i.label) for i in invitations]
        if meeting.kind == "partnership":
            self.fields["minutes"].label = "Minutes of the session"
            self.fields["minutes"].help_text = (
                "Everyone at the session reads these: write about each person under their case "
                "below, not here"
            )
        else:
            self.fields[
                "minutes"
            ].help_text = "Only those who may see who the meeting is about read these"
        for case_view in cases:
            case = case_view.case
            name = case.person.name if case_view.sees_person else "this person"
            prefix = f"case_{case.pk}"
            self.fields[f"{prefix}_voice"] = forms.ChoiceField(
                label=f"How did {name} take part?",
                choices=Voice.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{prefix}_views"] = forms.CharField(
                label="Their views, in their own words",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"{prefix}_retold"] = forms.ChoiceField(
                label=f"Did {name} have to tell their story again?",
                choices=Retold.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"{prefix}_outcome"] = forms.CharField(
                label="What was agreed" if meeting.kind == "partnership" else "Outcome",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.case_fields.append(
                {
                    "case": case_view,
                    "name": name,
                    "voice": self[f"{prefix}_voice"],
                    "views": self[f"{prefix}_views"],
                    "retold": self[f"{prefix}_retold"],
                    "outcome": self[f"{prefix}_outcome"],
                }
            )
        if not self.is_bound:
            self.initial["minutes"] = meeting.minutes
            self.initial["attended"] = [str(i.pk) for i in invitations if i.attended]
            for case_view in cases:
                case, prefix = case_view.case, f"case_{case_view.case.pk}"
                self.initial[f"{prefix}_voice"] = case.voice
                self.initial[f"{prefix}_views"] = case.views
                self.initial[f"{prefix}_retold"] = case.retold
                self.initial[f"{prefix}_outcome"] = case.outcome

    def case_answers(self) -> dict[int, dict]:
        answers = {}
        for item in self.case_fields:
            pk = item["case"].case.pk
            prefix = f"case_{pk}"
            answers[pk] = {
                key: self.cleaned_data.get(f"{prefix}_{key}", "")
                for key in ("voice", "views", "retold", "outcome")
            }
        return answers


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="Decision",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the decision"},
    )
    case = forms.ChoiceField(label="About", required=False, choices=())

    def __init__(self, *args, case_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [("", "The session as a whole"), *case_choices]


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What needs doing?",
        help_text="Its owner reads this, so do not use the person's name",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what needs doing"},
    )
    owner_kind = forms.ChoiceField(
        label="Who will do it?",
        choices=[("organisation", "An organisation"), ("person", "A person in Petal")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who will do it"},
    )
    owner_organisation = forms.ModelChoiceField(
        label="Organisation", queryset=None, required=False, empty_label="Choose an organisation"
    )
    owner_email = forms.EmailField(
        label="Their email address in Petal",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    due_on = GovukDateField(label="Due", help_text="For example, 15 12 2026")
    case = forms.ChoiceField(label="About", required=False, choices=())

    def __init__(self, *args, case_choices=(), organisations=None, **kwargs):
        from petal.accounts.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations or Organisation.objects.order_by(
            "name"
        )
        self.fields["case"].choices = [("", "The session as a whole"), *case_choices]

    def clean(self):
        data = super().clean()
        kind = data.get("owner_kind")
        if kind == "organisation" and not data.get("owner_organisation"):
            self.add_error("owner_organisation", "Choose the organisation")
        if kind == "person" and not data.get("owner_email") and "owner_email" not in self.errors:
            self.add_error("owner_email", "Enter their email address")
        return data


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Where has it got to?",
        choices=ActionStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the action has got to"},
    )
    note = forms.CharField(label="Note (needed if you cancel it)", required=False, max_length=500)


class CaseForm(forms.Form):
    person = forms.ChoiceField(
        label="Who are you bringing?",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you are bringing"},
    )
    question = forms.CharField(
        label="What do you hope the session can help with?",
        help_text="Only those the person agreed to share with can read this",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter what you hope the session can help with"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(str(p.pk), p.full_name) for p in people]


class BarrierForm(forms.Form):
    summary = forms.CharField(
        label="What gets in the way?",
        help_text="About the system, not a named person. For example ‘Mental health services "
        "will not assess people who are still drinking’",
        max_length=300,
        error_messages={"required": "Enter what gets in the way"},
    )
    detail = forms.CharField(
        label="More detail (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    services = forms.CharField(label="Which services? (optional)", required=False, max_length=300)
    areas = forms.MultipleChoiceField(
        label="Which areas does it affect?",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        from petal.reference.selectors import areas_of_disadvantage

        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [(str(a.pk), a.name) for a in areas_of_disadvantage()]
