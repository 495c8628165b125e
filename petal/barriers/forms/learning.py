"""Forms for shared learning. They check the shape of what was typed; the services decide the
rules (names, who may write or publish, which barriers become learning)."""

from __future__ import annotations

from django import forms

from petal.reference.selectors import areas_of_disadvantage


def _area_choices() -> list[tuple[str, str]]:
    return [(a.code, a.name) for a in areas_of_disadvantage()]


class LearningForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A short line the public understands. For example, ‘Housing applications "
        "without a fixed address’",
        error_messages={"required": "Enter a title"},
    )
    problem = forms.CharField(
        label="What the problem was",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The public reads this under ‘You said’. Describe the system, never a person: "
        "no names or details that could identify anyone.",
        error_messages={"required": "Enter what the problem was"},
    )
    change = forms.CharField(
        label="What changed",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The public reads this under ‘We did’: what partners do differently now.",
        error_messages={"required": "Enter what changed"},
    )
    contact = forms.CharField(
        label="Who to contact",
        max_length=300,
        help_text="An organisation, team or role and how to reach it, for example ‘Housing "
        "Options team, Cambridge City Council, 01223 457918’. Not a person's own phone number "
        "or email address.",
        error_messages={"required": "Enter who to contact"},
    )
    areas = forms.MultipleChoiceField(label="Areas it is about", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = _area_choices()


class SearchForm(forms.Form):
    q = forms.CharField(label="Search learning", required=False, max_length=200)

    def query(self) -> str:
        """What to search for; anything not understood is left out rather than refused."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class PublishForm(forms.Form):
    publish = forms.ChoiceField(
        choices=[("yes", "Publish"), ("no", "Take off")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose whether to publish or take off"},
    )
    confirm = forms.BooleanField(
        label="I have checked this learning names no one and can be public", required=False
    )
