"""Forms for the public contact form and the programme team's triage. They check the shape of
what was typed; the services decide the rules."""

from __future__ import annotations

from django import forms

from petal.core.spam import HumanCheckForm
from petal.programme.models import ContactStatus, ContactTopic

MAX_MESSAGE = 5000


class ContactForm(HumanCheckForm):
    name = forms.CharField(
        label="Your name",
        max_length=200,
        error_messages={
            "required": "Enter your name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We use it only to reply to you.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Your email address must be 254 characters or fewer",
        },
    )
    topic = forms.ChoiceField(
        label="What is your message about?",
        choices=ContactTopic.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what your message is about",
            "invalid_choice": "Choose what your message is about",
        },
    )
    message = forms.CharField(
        label="Your message",
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=(
            "Share only what you are comfortable with. You do not need to give details of your "
            "health or situation, or anyone else's, to get in touch. If you would like to share "
            "your lived experience, the programme team will reply to talk about taking part."
        ),
        error_messages={
            "required": "Enter your message",
            "max_length": f"Your message must be {MAX_MESSAGE:,} characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The website field is the honeypot and is hidden from people: put it last.
        self.order_fields(["name", "email", "topic", "message", "website", "started"])


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All"), *ContactStatus.choices],
    )

    def status_value(self) -> str:
        return self.cleaned_data.get("status", "") if self.is_valid() else ""


class TriageForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ContactStatus.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the status",
            "invalid_choice": "Choose the status from the list",
        },
    )
    assigned_to = forms.TypedChoiceField(
        label="Who is dealing with it",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose someone in the programme team"},
    )
    note = forms.CharField(
        label="Add a triage note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was done or needs doing. It is kept with the date and your name.",
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, team=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [("", "No one yet"), *team]
