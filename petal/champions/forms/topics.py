"""Forms for the programme team's list of topics. They parse what was typed; the services
decide (a name already taken, a place out of range) and say why."""

from __future__ import annotations

from django import forms

from petal.champions.services.topics import MAX_NAME, MAX_ORDER


class TopicForm(forms.Form):
    """Add a topic."""

    name = forms.CharField(
        label="Name of the topic",
        help_text="As champions and network members will see it, for example ‘Debt advice’",
        max_length=MAX_NAME,
        error_messages={
            "required": "Enter the topic's name",
            "max_length": f"The topic's name must be {MAX_NAME} characters or fewer",
        },
    )


class TopicChangeForm(TopicForm):
    """Rename a topic, or move it in the list."""

    order = forms.IntegerField(
        label="Place in the list",
        help_text="Lower numbers come first; topics with the same number are listed "
        f"alphabetically. A number from 0 to {MAX_ORDER}",
        min_value=0,
        max_value=MAX_ORDER,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the topic's place in the list, as a number",
            "invalid": "The topic's place in the list must be a whole number",
            "min_value": f"The topic's place in the list must be between 0 and {MAX_ORDER}",
            "max_value": f"The topic's place in the list must be between 0 and {MAX_ORDER}",
        },
    )

    @classmethod
    def initial_from(cls, topic) -> dict:
        return {"name": topic.name, "order": topic.order}
