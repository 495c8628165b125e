"""Forms for the data protection lead's rights pages: they check what was typed; the services
decide."""

from __future__ import annotations

from django import forms

from petal.core.forms import GovukDateField
from petal.rights.models import (
    ErasureDecision,
    ErasureGround,
    ErasureRefusal,
    Kind,
    ReceivedHow,
)

YES_NO = [("yes", "Yes"), ("no", "No, not yet")]


def _text(label: str, *, required: bool = False, message: str = "", rows: int = 3, hint: str = ""):
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=hint,
        error_messages={"required": message or f"Enter {label[0].lower()}{label[1:]}"},
    )


class FindForm(forms.Form):
    """Find the record a request is about: its number, or exact name and date of birth."""

    reference = forms.CharField(
        label="Record number", required=False, max_length=20, help_text="For example, P-000123"
    )
    full_name = forms.CharField(label="Full name", required=False, max_length=200)
    date_of_birth = GovukDateField(label="Date of birth", required=False, past_only=True)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("reference", "").strip():
            return data
        name, born = data.get("full_name", "").strip(), data.get("date_of_birth")
        if not name and born is None:
            raise forms.ValidationError(
                "Enter the record number, or the person's full name and date of birth"
            )
        if not name:
            self.add_error("full_name", "Enter the person's full name")
        if born is None:
            self.add_error("date_of_birth", "Enter the person's date of birth")
        return data


class CaseForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is the person asking for?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the person is asking for"},
    )
    received_on = GovukDateField(
        label="Date the request was received", past_only=True, help_text="For example, 27 3 2026"
    )
    received_how = forms.ChoiceField(
        label="How did the request come in?",
        choices=ReceivedHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the request came in"},
    )
    identity_checked = forms.ChoiceField(
        label="Have you checked the person's identity?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have checked their identity"},
    )
    what_is_wrong = _text(
        "What the person says is wrong",
        hint="Only for a request to correct the record",
    )
    what_should_be = _text(
        "What the person says should be recorded",
        hint="Only for a request to correct the record",
    )
    notes = _text("Notes (optional)", hint="Do not write details the request does not need")


class PauseForm(forms.Form):
    reason = _text(
        "Why are you pausing the clock?",
        required=True,
        message="Enter why the clock is paused",
        hint="For example, waiting for proof of identity",
    )


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label="How much longer do you need?",
        choices=[(1, "One more month"), (2, "Two more months")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select an extension of one or two months"},
    )
    reason = _text(
        "Why is more time needed?",
        required=True,
        message="Enter why more time is needed",
        hint="The person must be told within the first month, with this reason",
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("completed", "Completed"), ("refused", "Refused")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    versions = forms.MultipleChoiceField(label="Changes that made the correction", required=False)
    note = _text(
        "Reason or note",
        hint="If you are refusing, the reason the person will be told",
    )

    def __init__(self, *args, kind: str = "", versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if kind == Kind.RECTIFICATION:
            self.fields["outcome"].choices = [("corrected", "Corrected"), ("refused", "Refused")]
            self.fields["versions"].choices = [(str(v.pk), str(v.pk)) for v in versions]
        else:
            del self.fields["versions"]


class ReasonForm(forms.Form):
    reason = _text("Reason", required=True, message="Enter the reason")

    def __init__(self, *args, label: str = "Reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label


class ErasureForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=ErasureDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to erase the record or refuse"},
    )
    ground = forms.ChoiceField(
        label="If erasing: why the person has the right to erasure",
        choices=ErasureGround.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    refusal = forms.ChoiceField(
        label="If refusing: the lawful reason to keep the record",
        choices=ErasureRefusal.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    reason = _text(
        "Explain the decision",
        required=True,
        message="Enter the reason for the decision",
        hint="What the person will be told. Do not name anyone.",
    )

    @property
    def basis(self) -> str:
        data = self.cleaned_data
        return data.get("ground" if data.get("decision") == "approved" else "refusal", "")
