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
    field_id = field.id_for_label
    errors, hint_html, error_html, described = _errors_and_hint(
        field, field_id, hint or field.help_text
    )
    css = _widget_class(field.field.widget, bool(errors))
    if width:
        css += f" govuk-input--width-{width}" if css.startswith("govuk-input") else ""
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = described
    widget_html = field.as_widget(attrs=attrs)
    return format_html(
        '<div class="govuk-form-group{}">'
        '<label class="govuk-label{}" for="{}">{}</label>{}{}{}</div>',
        " govuk-form-group--error" if errors else "",
        f" {label_class}" if label_class else "",
        field_id,
        field.label,
        hint_html,
        error_html,
        mark_safe(widget_html),  # noqa: S308 - Django rendered and escaped the widget.  # nosec B308, B703
    )


@register.simple_tag
def govuk_date(field, hint: str = "", legend_class: str = "govuk-fieldset__legend--s"):
    """A GOV.UK date input (fieldset, legend, hint, errors, three boxes) for a GovukDateField."""
    name = field.html_name
    errors, hint_html, error_html, described = _errors_and_hint(
        field, name, hint or field.help_text
    )
    widget_html = field.as_widget(attrs={"id": f"id_{name}", "has_error": bool(errors)})
    return format_html(
        '<div class="govuk-form-group{}"><fieldset class="govuk-fieldset" role="group"{}>'
        '<legend class="govuk-fieldset__legend {}">{}</legend>{}{}{}</fieldset></div>',
        " govuk-form-group--error" if errors else "",
        format_html(' aria-describedby="{}"', described) if described else "",
        legend_class,
        field.label,
        hint_html,
        error_html,
        mark_safe(widget_html),  # noqa: S308 - rendered by Django's template engine.  # nosec B308, B703
    )


def _errors_and_hint(field, name, hint_text):
    """Errors, hint and error HTML, and the aria-describedby value linking them to the input."""
    errors = list(field.errors)
    hint_html = (
        format_html('<div id="{}-hint" class="govuk-hint">{}</div>', name, hint_text)
        if hint_text
        else ""
    )
    error_html = format_html_join(
        "",
        '<p id="{}-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> {}</p>",
        ((name, e) for e in errors),
    )
    described = " ".join(
        part
        for part, present in ((f"{name}-hint", hint_text), (f"{name}-error", errors))
        if present
    )
    return errors, hint_html, error_html, described


@register.simple_tag
def govuk_radios(
    field, hint: str = "", small: bool = False, legend_class: str = "govuk-fieldset__legend--s"
):
    """GOV.UK radios for a ChoiceField or ModelChoiceField."""
    name = field.html_name
    errors, hint_html, error_html, described = _errors_and_hint(
        field, name, hint or field.help_text
    )
    value = field.value()
    items = []
    for index, (choice_value, choice_label) in enumerate(field.field.choices):
        if choice_value == "" or choice_value is None:
            continue
        item_id = f"id_{name}" if index == 0 else f"id_{name}_{index}"
        checked = str(choice_value) == str(value) if value not in (None, "") else False
        items.append(
            format_html(
                '<div class="govuk-radios__item"><input class="govuk-radios__input" id="{}" '
                'name="{}" type="radio" value="{}"{}><label class="govuk-label '
                'govuk-radios__label" for="{}">{}</label></div>',
                item_id,
                name,
                choice_value,
                " checked" if checked else "",
                item_id,
                choice_label,
            )
        )
    return format_html(
        '<div class="govuk-form-group{}"><fieldset class="govuk-fieldset"{}>'
        '<legend class="govuk-fieldset__legend {}">{}</legend>{}{}'
        '<div class="govuk-radios{}" data-module="govuk-radios">{}</div></fieldset></div>',
        " govuk-form-group--error" if errors else "",
        format_html(' aria-describedby="{}"', described) if described else "",
        legend_class,
        field.label,
        hint_html,
        error_html,
        " govuk-radios--small" if small else "",
        mark_safe("".join(items)),  # noqa: S308 - each item built with format_html.  # nosec B308, B703
    )


@register.simple_tag
def govuk_checkbox(field, hint: str = ""):
    """A single GOV.UK checkbox for a BooleanField."""
    name = field.html_name
    errors, hint_html, error_html, described = _errors_and_hint(
        field, name, hint or field.help_text
    )
    return format_html(
        '<div class="govuk-form-group{}">{}{}<div class="govuk-checkboxes govuk-checkboxes--small" '
        'data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">'
        '<input class="govuk-checkboxes__input" id="id_{}" name="{}" type="checkbox" value="on"{}{}>'
        '<label class="govuk-label govuk-checkboxes__label" for="id_{}">{}</label></div></div></div>',
        " govuk-form-group--error" if errors else "",
        hint_html,
        error_html,
        name,
        name,
        " checked" if field.value() else "",
        format_html(' aria-describedby="{}"', described) if described else "",
        name,
        field.label,
    )


@register.filter
def error_anchor(field) -> str:
    """Where the error summary should send focus: the field's first input."""
    from petal.core.forms import DateInputWidget

    if isinstance(field.field.widget, DateInputWidget):
        return f"id_{field.html_name}_0"
    return field.id_for_label or f"id_{field.html_name}"


@register.simple_tag
def govuk_any(field):
    """Render any field with the right GOV.UK component for its widget."""
    from petal.core.forms import DateInputWidget

    widget = field.field.widget
    if isinstance(widget, DateInputWidget):
        return govuk_date(field)
    if isinstance(widget, forms.RadioSelect):
        return govuk_radios(field)
    if isinstance(widget, forms.CheckboxInput):
        return govuk_checkbox(field)
    return govuk_field(field)


@register.simple_tag
def govuk_checkboxes(field, hint: str = "", legend_class: str = "govuk-fieldset__legend--s"):
    """GOV.UK checkboxes for a MultipleChoiceField."""
    name = field.html_name
    errors, hint_html, error_html, described = _errors_and_hint(
        field, name, hint or field.help_text
    )
    chosen = {str(v) for v in (field.value() or [])}
    items = []
    for index, (choice_value, choice_label) in enumerate(field.field.choices):
        item_id = f"id_{name}" if index == 0 else f"id_{name}_{index}"
        items.append(
            format_html(
                '<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" '
                'id="{}" name="{}" type="checkbox" value="{}"{}><label class="govuk-label '
                'govuk-checkboxes__label" for="{}">{}</label></div>',
                item_id,
                name,
                choice_value,
                " checked" if str(choice_value) in chosen else "",
                item_id,
                choice_label,
            )
        )
    return format_html(
        '<div class="govuk-form-group{}"><fieldset class="govuk-fieldset"{}>'
        '<legend class="govuk-fieldset__legend {}">{}</legend>{}{}'
        '<div class="govuk-checkboxes" data-module="govuk-checkboxes">{}</div></fieldset></div>',
        " govuk-form-group--error" if errors else "",
        format_html(' aria-describedby="{}"', described) if described else "",
        legend_class,
        field.label,
        hint_html,
        error_html,
        mark_safe("".join(items)),  # noqa: S308 - each item built with format_html.  # nosec B308, B703
    )
