"""The form to record a decision on a barrier. It checks the shape of what was typed; the
service decides the rules (the meeting is the group's, a voice is recorded, the top of the
ladder cannot escalate, no names)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from petal.barriers.models import Outcome, VoiceKind
from petal.core.forms import GovukDateField

# Each outcome has its own box for its reason, shown under its radio.
REASON_FIELD = {
    Outcome.RESOLVE: "resolve_reason",
    Outcome.ESCALATE: "escalate_reason",
    Outcome.CLOSE: "close_reason",
}
RESOLVE_ONLY = ("resolve_reason", "owner_organisation", "owner_email", "due_on")


def _meeting_label(meeting) -> str:
    when = timezone.localtime(meeting.starts_at)
    return f"{when.day} {when:%B %Y}: {meeting.title} ({meeting.reference})"


class DecideForm(forms.Form):
    # Not required here: the service says what is missing, all at once with its other checks.
    meeting = forms.ChoiceField(
        label="At which meeting did the group decide?",
        required=False,
        choices=(),
        error_messages={"invalid_choice": "Choose a meeting of the group this barrier sits with"},
    )
    outcome = forms.ChoiceField(
        label="What did the group decide?",
        required=False,
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose what the group decided"},
    )
    resolve_reason = forms.CharField(
        label="What will be done to resolve it?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "What will be done must be 5,000 characters or fewer"},
    )
    owner_organisation = forms.ChoiceField(
        label="Which organisation will do it?", required=False, choices=()
    )
    owner_email = forms.EmailField(
        label="Or a person in Petal: their email address",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    due_on = GovukDateField(label="Due", required=False, help_text="For example, 15 12 2026")
    escalate_reason = forms.CharField(
        label="Why does it need the next level?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Why must be 5,000 characters or fewer"},
    )
    close_reason = forms.CharField(
        label="Why is it closed?",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Why must be 5,000 characters or fewer"},
    )
    voice_kind = forms.ChoiceField(
        label="Whose lived experience was heard at the meeting?",
        # The service refuses a decision without it, with the message the issue asks for.
        required=False,
        choices=VoiceKind.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose whose lived experience was heard"},
    )
    voice_said = forms.CharField(
        label="What they said, or why no one was heard",
        help_text="In their words where you can, without anyone's name. If no lived-experience "
        "voice was heard, say why",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "What they said must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, meetings=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [
            ("", "Choose a meeting"),
            *((str(m.pk), _meeting_label(m)) for m in meetings),
        ]
        self.fields["owner_organisation"].choices = [
            ("", "Choose an organisation"),
            *((str(o.pk), o.name) for o in organisations),
        ]

    def clean(self):
        data = super().clean()
        if data.get("outcome") != Outcome.RESOLVE:
            # Boxes under another outcome's radio are not what was decided: ignore them.
            for name in RESOLVE_ONLY:
                self.errors.pop(name, None)
                data[name] = None
        return data

    @property
    def reason(self) -> str:
        outcome = self.cleaned_data.get("outcome")
        return self.cleaned_data.get(REASON_FIELD.get(outcome, ""), "") or ""
