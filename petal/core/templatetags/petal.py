"""Template helpers that render Django form fields with GOV.UK Frontend markup."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _widget_class(widget, has_error: bool) -> str:
    if isinstance(widget, forms.Textarea):
        base = "govuk-textarea"
        err = "govuk-textarea--error"
    elif isinstance(widget, forms.Select):
        base = "govuk-select"
        err = "govuk-select--error"
    elif isinstance(widget, forms.CheckboxInput):
        return "govuk-checkboxes__input"
    else:
        base = "govuk-input"
        err = "govuk-input--error"
    return f"{base} {err}" if has_error else base


@register.simple_tag
def govuk_field(field, label_class: str = "", width: str = "", hint: str = ""):
    """A form group: label, hint, error messages and the input, linked for assistive tech."""
    errors = list(field.errors)
    field_id = field.id_for_label
    hint_text = hint or field.help_text
    described = []
    if hint_text:
        described.append(f"{field_id}-hint")
    if errors:
        described.append(f"{field_id}-error")
    css = _widget_class(field.field.widget, bool(errors))
    if width:
        css += f" govuk-input--width-{width}" if css.startswith("govuk-input") else ""
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    widget_html = field.as_widget(attrs=attrs)
    hint_html = (
        format_html('<div id="{}-hint" class="govuk-hint">{}</div>', field_id, hint_text)
        if hint_text
        else ""
    )
    error_html = format_html_join(
        "",
        '<p id="{}-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> {}</p>",
        ((field_id, e) for e in errors),
    )
    return format_html(
        '<div class="govuk-form-group{}">'
        '<label class="govuk-label{}" for="{}">{}</label>{}{}{}</div>',
        " govuk-form-group--error" if errors else "",
        f" {label_class}" if label_class else "",
        field_id,
        field.label,
        hint_html,
        error_html,
        mark_safe(widget_html),  # noqa: S308 - Django rendered and escaped the widget.
    )
