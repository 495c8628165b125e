"""Forms to record an assessment and a quarter's service use. They check the shape of what was
typed (each question answered, whole numbers); the services decide the rules (allowed scores,
dates, limits), and their refusals are shown on the same fields."""

from __future__ import annotations

from django import forms

from petal.core.forms import GovukDateField
from petal.outcomes import scoring
from petal.outcomes.models import SERVICE_USE_MEASURES
from petal.outcomes.selectors.assessments import QUARTER_MONTHS
from petal.outcomes.services.assessments import SERVICE_USE_LIMITS

NIGHTS_HINT = "Leave blank if you do not know. Enter 0 if there were none."


class AssessmentForm(forms.Form):
    """One set of radios per question of the tool, each score with its plain words; the field
    names are the questions' codes, so the service's refusals land on the right question."""

    assessed_on = GovukDateField(label="Date of the assessment", help_text="For example, 27 3 2026")

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[item.code] = forms.ChoiceField(
                label=item.label,
                help_text=item.question,
                choices=[
                    (str(value), scoring.choice_label(item, value, text))
                    for value, text in item.scores
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": scoring.missing_message(item),
                    "invalid_choice": scoring.out_of_range_message(item),
                },
            )
        self.fields["note"] = forms.CharField(
            label="Note (optional)",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Anything that helps read these scores later. No one else's details.",
            error_messages={"max_length": "The note must be 2,000 characters or fewer"},
        )
        self.fields["assessed_on"].required = True

    def item_fields(self):
        return [self[item.code] for item in self.items]

    def scores(self) -> dict[str, int]:
        return {item.code: int(self.cleaned_data[item.code]) for item in self.items}


class _Count(forms.IntegerField):
    def __init__(self, *, label: str, limit: int, **kwargs):
        words = label if label.startswith("A&E") else label[:1].lower() + label[1:]
        super().__init__(
            label=label,
            required=False,
            min_value=0,
            max_value=limit,
            error_messages={
                "invalid": f"Enter the number of {words} as a whole number, like 3",
                "min_value": f"The number of {words} must be 0 or more",
                "max_value": f"The number of {words} must be {limit} or fewer",
            },
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            **kwargs,
        )


QUARTER_CHOICES = [(str(q), f"{q}: {months}") for q, months in QUARTER_MONTHS.items()]


class ServiceUseForm(forms.Form):
    """A quarter's service use. With ``fixed_quarter`` (changing a quarter already chosen),
    the year and quarter come from the address, not the form."""

    year = forms.IntegerField(
        label="Year",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
        error_messages={"invalid": "Enter the year as 4 digits, like 2025"},
    )
    quarter = forms.ChoiceField(
        label="Quarter",
        required=False,
        choices=QUARTER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the quarter"},
    )

    def __init__(self, *args, fixed_quarter: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_quarter = fixed_quarter
        if fixed_quarter:
            del self.fields["year"]
            del self.fields["quarter"]
        for name, label, _ in SERVICE_USE_MEASURES:
            # The service checks nights against the days in the chosen quarter (90 to 92).
            self.fields[name] = _Count(label=label, limit=SERVICE_USE_LIMITS.get(name, 92))
        self.fields["note"] = forms.CharField(
            label="Note (optional)",
            required=False,
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="For example, where the figures came from.",
            error_messages={"max_length": "The note must be 500 characters or fewer"},
        )

    def clean(self):
        data = super().clean()
        if not self.fixed_quarter:
            if data.get("year") is None and "year" not in self.errors:
                self.add_error("year", "Enter the year, like 2025")
            if not data.get("quarter") and "quarter" not in self.errors:
                self.add_error("quarter", "Choose the quarter")
        return data

    def measure_fields(self):
        return [self[name] for name, _, _ in SERVICE_USE_MEASURES]

    def values(self) -> dict[str, int | None]:
        return {name: self.cleaned_data.get(name) for name, _, _ in SERVICE_USE_MEASURES}
