"""Forms for events: what the programme team types to publish, change or cancel an event and to
record attendance. Dates and times are parsed as on the meetings forms ("10am", "14:30")."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from petal.champions.models import EventKind
from petal.core.forms import GovukDateField
from petal.meetings.forms import TimeField

PUBLISH = "publish"
DRAFT = "draft"


class PlacesField(forms.CharField):
    """An optional number of places, typed as text (GOV.UK advises against type=number)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = (super().clean(value) or "").strip().replace(",", "")
        if not value:
            return None
        if not (value.isascii() and value.isdecimal()):
            raise ValidationError("Enter the number of places as a whole number, like 30")
        return int(value)


class EventForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, ‘Trauma-informed systems workshop’",
        error_messages={"required": "Enter the event's title"},
    )
    kind = forms.ChoiceField(
        label="What kind of event is it?",
        choices=EventKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of event it is"},
    )
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        max_length=300,
        help_text="One or two sentences shown in the list of events",
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=10_000,
        help_text="Who it is for, what to expect, what to bring. You can use Markdown: "
        "## for a heading, * for a list",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    on = GovukDateField(label="Date", help_text="For example, 3 12 2026")
    starts = TimeField(label="Start time", noun="start time")
    ends = TimeField(label="End time", noun="end time")
    place = forms.CharField(
        label="Where (optional if it is online)",
        required=False,
        max_length=300,
        help_text="The building and room, with the town",
    )
    online_link = forms.CharField(
        label="Link to join online (optional)",
        required=False,
        max_length=200,
        help_text="For example, https://teams.microsoft.com/…",
    )
    capacity = PlacesField(
        label="Number of places (optional)",
        required=False,
        help_text="Leave empty if there is no limit",
    )
    publish = forms.ChoiceField(
        label="Publish it now?",
        choices=[
            (PUBLISH, "Yes, publish it: everyone in Petal can see it and register"),
            (DRAFT, "No, keep it as a draft only the programme team can see"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to publish it now"},
    )

    def __init__(self, *args, published: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if published:
            # A published event stays published: it can only be cancelled.
            del self.fields["publish"]

    def times(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        on, starts, ends = data.get("on"), data.get("starts"), data.get("ends")
        if not (on and starts and ends):
            return None, None
        return (
            timezone.make_aware(dt.datetime.combine(on, starts)),
            timezone.make_aware(dt.datetime.combine(on, ends)),
        )

    def details(self) -> dict:
        """The service's keyword arguments."""
        starts_at, ends_at = self.times()
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "summary": data["summary"],
            "description": data["description"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "place": data["place"],
            "online_link": data["online_link"],
            "capacity": data["capacity"],
            "publish": data.get("publish") == PUBLISH,
        }

    @classmethod
    def initial_from(cls, event) -> dict:
        start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        return {
            "title": event.title,
            "kind": event.kind,
            "summary": event.summary,
            "description": event.description,
            "on": start.date(),
            "starts": f"{start:%H:%M}",
            "ends": f"{end:%H:%M}",
            "place": event.place,
            "online_link": event.online_link,
            "capacity": "" if event.capacity is None else str(event.capacity),
            "publish": DRAFT,
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        help_text="Everyone registered reads this on the event's page (150 characters at most)",
        max_length=150,
        error_messages={"required": "Enter why it is cancelled"},
    )


class RegisterForm(forms.Form):
    """Register or give up one's place: the button says which."""

    action = forms.ChoiceField(
        choices=[("register", "Register"), ("cancel", "Cancel my registration")],
        widget=forms.HiddenInput,
    )
    # A refusal ("full", "cancelled", "started") is shown at the top, linked to the button.
    error_anchor = "register-heading"


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Who came?",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick everyone who came. Anyone not ticked is recorded as not attending",
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (str(r.pk), f"{r.user.display_name} ({r.user.email})") for r in registrations
        ]
        if not self.is_bound:
            self.initial["attended"] = [str(r.pk) for r in registrations if r.attended]
