"""The milestone form. It checks the shape of what was typed; the service decides the rules (a
real date, which documents may be linked)."""

from __future__ import annotations

import calendar

from django import forms

from petal.programme.selectors.milestones import library_choices, newsletter_choices
from petal.programme.services.milestones import document_choice

DOCUMENT_CHOICES = [
    ("none", "No document"),
    ("expected", "A document is expected but is not here yet"),
    ("url", "A document elsewhere on the web (give its title and address below)"),
    ("newsletter", "A published newsletter (choose it below)"),
    ("library", "A document in the learning library (choose it below)"),
]


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label="What happened",
        max_length=200,
        help_text="For example, ‘The first strategic group meeting’",
        error_messages={
            "required": "Enter a title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    year = forms.CharField(
        label="Year",
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the year",
            "max_length": "Enter the year as 4 digits, like 2022",
        },
    )
    month = forms.ChoiceField(
        label="Month (optional)",
        required=False,
        choices=[("", "Not known"), *((str(n), calendar.month_name[n]) for n in range(1, 13))],
        help_text="Leave as ‘Not known’ if only the year is known",
        error_messages={"invalid_choice": "Choose the month from the list"},
    )
    day = forms.CharField(
        label="Day (optional)",
        required=False,
        max_length=2,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text="Leave empty if only the month is known",
        error_messages={"max_length": "Enter the day as a number, like 7"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The description must be 2,000 characters or fewer"},
    )
    document = forms.ChoiceField(
        label="Document",
        choices=DOCUMENT_CHOICES,
        initial="none",
        error_messages={
            "required": "Choose what the milestone links to",
            "invalid_choice": "Choose what the milestone links to from the list",
        },
    )
    document_title = forms.CharField(
        label="Document title",
        required=False,
        max_length=200,
        help_text="Required for a document elsewhere; for an expected document, what it will "
        "be, like ‘Summary report to the Public Service Board’",
        error_messages={"max_length": "The document title must be 200 characters or fewer"},
    )
    document_url = forms.CharField(
        label="Document address (for a document elsewhere)",
        required=False,
        max_length=500,
        help_text="Starting with https://",
        error_messages={"max_length": "The address must be 500 characters or fewer"},
    )
    newsletter = forms.ChoiceField(
        label="Newsletter",
        required=False,
        error_messages={"invalid_choice": "Choose a published newsletter from the list"},
    )
    library_item = forms.ChoiceField(
        label="Learning library document",
        required=False,
        error_messages={
            "invalid_choice": "Choose a document the public can read from the list",
        },
    )
    published = forms.BooleanField(
        label="Show it on the public milestones page", required=False, initial=True
    )

    def __init__(self, *args, newsletter_id=None, library_item_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletter"].choices = [
            ("", "Choose a newsletter"),
            *newsletter_choices(newsletter_id),
        ]
        self.fields["library_item"].choices = [
            ("", "Choose a document"),
            *library_choices(library_item_id),
        ]


def initial_for(milestone) -> dict:
    precision = milestone.precision
    return {
        "title": milestone.title,
        "year": str(milestone.date.year),
        "month": str(milestone.date.month) if precision in ("month", "day") else "",
        "day": str(milestone.date.day) if precision == "day" else "",
        "description": milestone.description,
        "document": document_choice(milestone),
        "document_title": milestone.document_title,
        "document_url": milestone.document_url,
        "newsletter": milestone.newsletter_id or "",
        "library_item": milestone.library_item_id or "",
        "published": milestone.published,
    }
