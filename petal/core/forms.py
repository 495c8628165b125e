"""Form fields that follow GOV.UK Design System patterns."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class DateInputWidget(forms.MultiWidget):
    """Three boxes (day, month, year), as the GOV.UK date input pattern."""

    template_name = "components/date_input_widget.html"

    def __init__(self, attrs=None):
        widgets = [
            forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year, with the Design System's error messages."""

    widget = DateInputWidget

    def __init__(self, *, label: str, past_only: bool = False, **kwargs):
        self.noun = label[0].lower() + label[1:]
        self.past_only = past_only
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields=fields, label=label, **kwargs)
        self.error_messages["required"] = f"Enter the {self.noun}"
        self.error_messages["incomplete"] = f"Enter the {self.noun}"

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        day, month, year = [(part or "").strip() for part in data_list]
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(
                f"{self.label} must include a {' and a '.join(missing)}", code="incomplete"
            )
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"{self.label} must be a real date", code="invalid") from exc
        if len(year) != 4:
            raise ValidationError(f"{self.label} must include a 4-digit year", code="invalid")
        if self.past_only and value > timezone.localdate():
            raise ValidationError(f"{self.label} must be in the past", code="future")
        return value


def apply_errors(form, error) -> None:
    """Show a service's ValidationFailed on a form: each message on its field (or at the top,
    for a field the form does not have), and the general message when no field is named."""
    for field, messages in error.field_errors.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)
    if not error.field_errors:
        form.add_error(None, error.message)
