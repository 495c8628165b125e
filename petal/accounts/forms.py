from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms


class SignInForm(forms.Form):
    email = forms.CharField(
        label="Email address",
        help_text="Or the sign-in name on your receipt, if you have no email",
        max_length=254,
        error_messages={"required": "Enter your email address"},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_email(self):
        import re

        from django.core.validators import validate_email

        from petal.accounts.models import sign_in_email

        value = self.cleaned_data["email"].strip()
        if "@" not in value and not re.fullmatch(r"petal-\d{4}-\d{4}", value.lower()):
            raise forms.ValidationError(
                "Enter an email address in the correct format, like name@example.org"
            )
        try:
            validate_email(sign_in_email(value))
        except forms.ValidationError as error:
            raise forms.ValidationError(
                "Enter an email address in the correct format, like name@example.org"
            ) from error
        return sign_in_email(value)


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is this token for?",
        help_text="A name you will recognise later, like ‘Reporting spreadsheet’",
        max_length=100,
        error_messages={"required": "Enter a name for the token"},
    )
    days = forms.IntegerField(
        label="Days until it expires",
        help_text="Between 1 and 365",
        min_value=1,
        max_value=365,
        initial=90,
        error_messages={
            "required": "Enter how many days the token should last",
            "invalid": "Enter the number of days as a whole number, like 90",
            "min_value": "A token must last at least 1 day",
            "max_value": "A token can last at most 365 days",
        },
    )


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Send through the task worker, so a slow mail server never holds up the page."""
        from django.template import loader

        from petal.core.tasks import email_enqueue

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_enqueue(to=[to_email], subject=subject, body=body)


class SetPasswordForm(auth_forms.SetPasswordForm):
    pass


def _role_choices():
    from petal.access.roles import Role

    return [("", "Choose a role")] + [(r.value, r.label) for r in Role]


class RoleForm(forms.Form):
    """A role, and where it is held. Which of the three places a role needs is checked by the
    service (petal.accounts.services.ROLE_NEEDS), so the page and the API agree."""

    role = forms.ChoiceField(
        label="Role",
        choices=_role_choices,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=None,
        required=False,
        empty_label="Not through an organisation",
        help_text="Leave this out for a trusted person whose relationship is social or voluntary",
    )
    partnership = forms.ModelChoiceField(
        label="Operational partnership",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="For a partnership coordinator",
    )
    governance_level = forms.ModelChoiceField(
        label="Governance group",
        queryset=None,
        required=False,
        empty_label="None",
        help_text="For a governance group member",
    )

    def __init__(self, *args, **kwargs):
        from petal.accounts.models import Organisation
        from petal.reference.models import GovernanceLevel, Partnership

        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["partnership"].queryset = Partnership.objects.order_by("name")
        self.fields["governance_level"].queryset = GovernanceLevel.objects.order_by("rank")


class InviteForm(RoleForm):
    full_name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter their full name"}
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email them a link to choose a password",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )

    field_order = ["full_name", "email", "role", "organisation", "partnership", "governance_level"]


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="6 digits, like 123456",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app"},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )


class PasswordChangeForm(forms.Form):
    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        error_messages={"required": "Enter a new password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="Confirm new password",
        strip=False,
        error_messages={"required": "Enter the new password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", "The passwords do not match")
        return data


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label="New email address",
        max_length=254,
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
