from __future__ import annotations

from django import forms

from petal.referrals.models import Status


class ReferralForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label="What will you include?",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label="Why are you referring them, and what do they hope for?",
        help_text="In their words where you can. The service sees this with the referral.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say why you are referring them and what they hope for"},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = choices


class MoveForm(forms.Form):
    status = forms.ChoiceField(
        label="What has happened?",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what has happened"},
    )
    note = forms.CharField(
        label="Note for the other side",
        required=False,
        max_length=2000,
        help_text="Needed if you decline or withdraw: say why, and what could help instead",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, moves, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s.value, MOVE_LABELS[s]) for s in moves]


MOVE_LABELS = {
    Status.ACKNOWLEDGED: "We have received it (acknowledged)",
    Status.FIRST_CONTACT: "We have made first contact with them",
    Status.STARTED: "The service has started",
    Status.DECLINED: "We cannot take this referral (declined)",
    Status.WITHDRAWN: "Withdraw this referral",
}


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Add a note",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write your note"},
    )
