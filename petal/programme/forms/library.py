"""Forms for the learning library. They check the shape of what was typed; the services decide
the rules (consent before publishing a case study, tags, areas)."""

from __future__ import annotations

from django import forms

from petal.core.forms import GovukDateField
from petal.programme.models import LibraryKind
from petal.programme.selectors.library import KIND_CHOICES
from petal.reference.selectors import areas_of_disadvantage


def _area_choices() -> list[tuple[str, str]]:
    return [(a.code, a.name) for a in areas_of_disadvantage()]


class FilterForm(forms.Form):
    """The public list's search and filters: anything not understood is left out, not refused."""

    q = forms.CharField(label="Search the library", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", required=False)
    tag = forms.ChoiceField(label="Tag", required=False)
    area = forms.ChoiceField(label="Area", required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *KIND_CHOICES]
        self.fields["tag"].choices = [("", "Any tag"), *[(t.slug, t.name) for t in tags]]
        self.fields["area"].choices = [("", "Any area"), *_area_choices()]

    def value(self, name: str) -> str:
        if not self.is_bound:
            return ""
        field = self.fields[name]
        raw = (self.data.get(name) or "").strip()
        try:
            return field.clean(raw) or ""
        except forms.ValidationError:
            return ""


class ItemForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of document is it?",
        choices=LibraryKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of document it is"},
    )
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title"}
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=300,
        help_text="One or two sentences shown in the list",
    )
    body = forms.CharField(
        label="The document",
        widget=forms.Textarea(attrs={"rows": 18}),
        max_length=100_000,
        help_text="Markdown: ## for a heading, - for a list, a blank line between paragraphs. "
        "Never name the people a case study is about.",
        error_messages={"required": "Enter the document's text"},
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        max_length=2000,
        help_text="Separate tags with commas, for example ‘trusted person, housing’",
    )
    areas = forms.MultipleChoiceField(label="Areas it is about", required=False)
    issued_on = GovukDateField(
        label="Date issued",
        required=False,
        help_text="When the document was written or first given, for example 14 7 2022",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = _area_choices()


class PublishForm(forms.Form):
    publish = forms.ChoiceField(
        choices=[("yes", "Publish"), ("no", "Take off")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose whether to publish or take off"},
    )


class ConsentForm(forms.Form):
    who = forms.CharField(
        label="Who agreed",
        max_length=200,
        help_text="Describe them without naming them, for example ‘the person the story is "
        "about’ or ‘their trusted person’",
        error_messages={"required": "Enter who agreed"},
    )
    agreed_on = GovukDateField(label="Date they agreed", past_only=True)
    how = forms.CharField(
        label="How they agreed",
        max_length=200,
        help_text="For example ‘signed the case-study agreement with their trusted person’",
        error_messages={"required": "Enter how they agreed"},
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label="How they withdrew",
        max_length=300,
        help_text="For example ‘told their trusted person on the phone’",
        error_messages={"required": "Enter a note of how they withdrew"},
    )
