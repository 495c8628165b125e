"""Forms for the trauma-informed self-assessment and training records. They check the shape of
what was typed; the services decide the rules (who may assess, what submitting needs)."""

from __future__ import annotations

from django import forms

from petal.core.forms import GovukDateField
from petal.programme.models import Rating, TrainingCourse

MAX_TEXT = 5000


class StartForm(forms.Form):
    organisation = forms.TypedChoiceField(
        label="Organisation",
        coerce=int,
        error_messages={
            "required": "Choose the organisation to assess",
            "invalid_choice": "Choose the organisation to assess from the list",
        },
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Choose an organisation"), *organisations]


def field_names(item_id: int) -> tuple[str, str, str]:
    return f"item-{item_id}-rating", f"item-{item_id}-evidence", f"item-{item_id}-action"


def saved_answers(questions) -> dict:
    """The answers already saved, as form data: to check a bare "submit" against them."""
    data = {}
    for question in questions:
        rating, evidence, action = field_names(question.item.pk)
        answer = question.answer
        data[rating] = str(answer.rating) if answer and answer.rating else ""
        data[evidence] = answer.evidence if answer else ""
        data[action] = answer.action if answer else ""
    return data


class AnswersForm(forms.Form):
    """Every question on the checklist: a rating (radios), evidence and an action. Nothing is
    required: answers may be saved part-way."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            rating, evidence, action = field_names(question.item.pk)
            answer = question.answer
            self.fields[rating] = forms.ChoiceField(
                label=question.item.text,
                choices=[(str(v), label) for v, label in Rating.choices],
                required=False,
                widget=forms.RadioSelect,
                help_text=question.item.hint,
                error_messages={"invalid_choice": "Choose a rating from the list"},
            )
            self.fields[evidence] = forms.CharField(
                label="Evidence",
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="What shows this: what people told you, what you changed, a policy.",
                error_messages={"max_length": f"Evidence must be {MAX_TEXT:,} characters or fewer"},
            )
            self.fields[action] = forms.CharField(
                label="Action",
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What you will do next, and by when.",
                error_messages={
                    "max_length": f"The action must be {MAX_TEXT:,} characters or fewer"
                },
            )
            if answer is not None and not self.is_bound:
                self.initial[rating] = str(answer.rating) if answer.rating else ""
                self.initial[evidence] = answer.evidence
                self.initial[action] = answer.action

    def sections(self, grouped):
        """The questions as the selector grouped them, each with its three bound fields:
        [(section label, [(question, rating, evidence, action), …]), …]."""
        return [
            (label, [(q, *(self[n] for n in field_names(q.item.pk))) for q in questions])
            for label, questions in grouped
        ]

    def answers(self) -> dict:
        data = self.cleaned_data
        answers = {}
        for question in self.questions:
            rating, evidence, action = field_names(question.item.pk)
            if rating not in self.data and evidence not in self.data and action not in self.data:
                continue
            answers[question.item.pk] = {
                "rating": data.get(rating) or None,
                "evidence": data.get(evidence, ""),
                "action": data.get(action, ""),
            }
        return answers


class TrainingForm(forms.Form):
    course = forms.ChoiceField(
        label="Course",
        choices=TrainingCourse.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the course",
            "invalid_choice": "Choose the course from the list",
        },
    )
    title = forms.CharField(
        label="Title of the course",
        required=False,
        max_length=200,
        help_text="Needed for ‘Other’; optional otherwise.",
        error_messages={"max_length": "The title must be 200 characters or fewer"},
    )
    completed_on = GovukDateField(label="Date completed", past_only=True)
    staff_trained = forms.IntegerField(
        label="Number of staff trained",
        min_value=1,
        max_value=100_000,
        help_text="A number: we record how many, never who.",
        error_messages={
            "required": "Enter the number of staff trained",
            "invalid": "Enter the number of staff trained, as a number",
            "min_value": "The number of staff trained must be 1 or more",
            "max_value": "The number of staff trained must be 100,000 or fewer",
        },
    )
    provider = forms.CharField(
        label="Who gave the training (optional)",
        required=False,
        max_length=200,
        error_messages={"max_length": "The provider must be 200 characters or fewer"},
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Do not name the staff who took part.",
        error_messages={"max_length": f"Notes must be {MAX_TEXT:,} characters or fewer"},
    )
