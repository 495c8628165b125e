"""Forms for running a governance group: adding a member, planning, changing or cancelling a
meeting, the agenda, attendance, minutes and actions. Times are typed as on the meetings forms ("10am", "14:30")."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from petal.barriers.models import MemberRole
from petal.core.forms import GovukDateField
from petal.meetings.forms import ActionForm as MeetingActionForm
from petal.meetings.forms import TimeField

YES, NO = "yes", "no"


def _organisations():
    from petal.accounts.models import Organisation

    return Organisation.objects.order_by("name")


class MemberForm(forms.Form):
    email = forms.EmailField(
        label="Their email address in Petal (if they have a sign-in)",
        required=False,
        help_text="Leave this empty for someone who does not sign in to Petal, and give their "
        "name below",
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    name = forms.CharField(
        label="Their name (if they do not sign in to Petal)",
        required=False,
        max_length=200,
        error_messages={"max_length": "Their name must be 200 characters or fewer"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation (optional)",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="For someone who signs in to Petal, leave this as None to use the "
        "organisation they work for there",
    )
    role = forms.ChoiceField(
        label="Their role in the group",
        choices=MemberRole.choices,
        initial=MemberRole.MEMBER,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose their role in the group"},
    )
    lived_experience = forms.ChoiceField(
        label="Do they bring lived experience to the group?",
        help_text="Only the people who run the group and its members see this (and how many "
        "members have it). Everyone else sees neither",
        choices=[(YES, "Yes"), (NO, "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether they bring lived experience"},
    )
    started_on = GovukDateField(
        label="Member since",
        required=False,
        help_text="The day they joined the group, for example 3 9 2026. If they came to "
        "meetings before you add them here, give the day they joined, so they can be ticked "
        "as attending those meetings",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("started_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("name") and "email" not in self.errors:
            self.add_error("name", "Enter their name, or the email address they sign in with")
        return data


class MeetingPlanForm(forms.Form):
    on = GovukDateField(label="Date", help_text="For example, 24 11 2026")
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
        max_length=500,
        help_text="For example, https://teams.microsoft.com/…",
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


class MeetingChangeForm(MeetingPlanForm):
    """Change a meeting's date, time, place or link (filled in with what it is now)."""

    @classmethod
    def for_meeting(cls, meeting, data=None):
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return cls(
            data,
            prefix="change",
            initial={
                "on": starts.date(),
                "starts": starts.strftime("%H:%M"),
                "ends": ends.strftime("%H:%M"),
                "place": meeting.place,
                "online_link": meeting.online_link,
            },
        )


class MeetingCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=500,
        help_text="Everyone who reads the meeting sees this: no names",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Say why the meeting is cancelled",
            "max_length": "Why it is cancelled must be 500 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label="Item",
        max_length=300,
        help_text="For example, ‘Update on the housing pathway review’",
        error_messages={
            "required": "Enter the item's title",
            "max_length": "The item's title must be 300 characters or fewer",
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=5000,
        help_text="Everyone who reads the meeting and the board pack sees these: no names",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Who came?",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [
            (str(row.member.pk), self.label_for(row.member, later=row.later)) for row in rows
        ]

    @staticmethod
    def label_for(member, *, later: bool = False) -> str:
        """Name, organisation, whether they joined after the meeting and, for the runners who
        fill this in, lived experience."""
        parts = [member.label]
        if member.organisation_id:
            parts.append(member.organisation.name)
        label = ", ".join(parts)
        notes = [
            n
            for n, yes in (("lived experience", member.lived_experience), ("joined since", later))
            if yes
        ]
        return f"{label} ({'; '.join(notes)})" if notes else label


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Minutes",
        required=False,
        max_length=20_000,
        help_text="Plain text. Everyone who reads the meeting sees them: write about the "
        "system, never a named person",
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"max_length": "The minutes must be 20,000 characters or fewer"},
    )


HELP_TEXT = "Everyone who reads the meeting sees this: write about the system, never a named person"


class ActionForm(MeetingActionForm):
    """An action agreed at a governance meeting: the meetings app's action form, about the
    meeting as a whole (no case)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, organisations=_organisations(), **kwargs)
        del self.fields["case"]
        self.fields["description"].help_text = HELP_TEXT
