"""Forms for newsletters. They check the shape of what was typed; the services decide the rules
(images, who may write, what a subscription does)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from petal.core.forms import GovukDateField
from petal.core.spam import HumanCheckForm


class NewsletterForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, ‘Issue 4 — March 2023’. It is the email's subject too.",
        error_messages={"required": "Enter a title"},
    )
    summary = forms.CharField(
        label="Summary (optional)",
        max_length=300,
        required=False,
        help_text="One or two sentences shown in the archive.",
    )
    issue_date = GovukDateField(
        label="Issue date",
        required=False,
        help_text="The date it is shown under in the archive. Leave it empty to use the day it "
        "is published. For example, 7 7 2022",
    )
    body = forms.CharField(
        label="Newsletter",
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 20, "spellcheck": "true"}),
        help_text="Written in Markdown: ## for a heading, - for a list, [words](address) for a "
        "link. To add an image, upload it on the images page and paste the Markdown shown "
        "there.",
        error_messages={"required": "Enter the newsletter"},
    )


class ImageForm(forms.Form):
    image = forms.FileField(
        label="Upload an image",
        error_messages={"required": "Select an image", "empty": "The selected file is empty"},
        help_text="PNG, JPEG, GIF or WebP, smaller than 5 MB. Petal removes hidden details "
        "such as where a photo was taken, and makes large images smaller.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}),
    )
    alt = forms.CharField(
        label="Alt text",
        max_length=300,
        help_text="What the image shows, for people who cannot see it. For example, ‘Partners "
        "around a table at the strategic group meeting’.",
        error_messages={"required": "Enter alt text: what the image shows"},
    )


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, publish it on the website and send it to subscribers now", required=False
    )


class RetryForm(forms.Form):
    """Send a newsletter again to those it could not be sent to: nothing to fill in."""


class SubscribeForm(HumanCheckForm):
    email = forms.CharField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"required": "Enter your email address"},
    )

    def clean_email(self) -> str:
        # Checked here as well as by the service, so a mistyped address is a mistake on the
        # form and never counts against the visitor's hourly limit.
        email = self.cleaned_data["email"].replace("\x00", "").strip()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                "Enter an email address in the correct format, like name@example.com"
            ) from None
        return email
