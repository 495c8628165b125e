"""Forms for barriers: the list's filters, raising one, "I have met this too" and merging. They
check the shape of what was typed; the services decide the rules (names, consent, who may)."""

from __future__ import annotations

from django import forms

from petal.barriers.models import HowOften, RaisedAs, Status

NO_ONE = ""


def _area_choices() -> list[tuple[str, str]]:
    from petal.reference.selectors import areas_of_disadvantage

    return [(a.code, a.name) for a in areas_of_disadvantage()]


def _partnership_choices() -> list[tuple[str, str]]:
    from petal.reference.selectors import partnerships

    return [(p.slug, p.name) for p in partnerships()]


class SearchForm(forms.Form):
    q = forms.CharField(label="Search barriers", required=False, max_length=200)
    level = forms.ChoiceField(label="Where it sits now", required=False)
    status = forms.ChoiceField(label="Status", required=False)
    area = forms.ChoiceField(label="Area", required=False)
    partnership = forms.ChoiceField(label="Partnership it started in", required=False)

    def __init__(self, *args, **kwargs):
        from petal.reference.selectors import governance_levels

        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            ("", "Every level"),
            *((level.slug, level.name) for level in governance_levels()),
        ]
        self.fields["status"].choices = [("", "Every status but merged"), *Status.choices]
        self.fields["area"].choices = [("", "Every area"), *_area_choices()]
        self.fields["partnership"].choices = [("", "Every partnership"), *_partnership_choices()]

    def filters(self) -> dict:
        """What to filter by; anything not understood is left out rather than refused."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {
            name: data.get(name) or "" for name in ("q", "level", "status", "area", "partnership")
        }


class RaiseForm(forms.Form):
    summary = forms.CharField(
        label="What gets in the way?",
        help_text="A rule, a form, a gap between services. For example, ‘Housing forms need a "
        "fixed address’",
        max_length=300,
        error_messages={
            "required": "Enter what gets in the way",
            "max_length": "What gets in the way must be 300 characters or fewer",
        },
    )
    detail = forms.CharField(
        label="More detail (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The detail must be 5,000 characters or fewer"},
    )
    effect = forms.CharField(
        label="Its effect on people (optional)",
        help_text="Anonymised examples: what happened, never who. For example, ‘Someone "
        "sleeping rough waited six weeks for a first appointment’",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "The effect on people must be 5,000 characters or fewer"},
    )
    services = forms.CharField(
        label="Which services? (optional)",
        help_text="For example, ‘Housing Options, adult mental health’",
        required=False,
        max_length=300,
        error_messages={"max_length": "The services must be 300 characters or fewer"},
    )
    areas = forms.MultipleChoiceField(
        label="Which of the five areas does it affect?",
        help_text="Choose any that apply",
        required=False,
        choices=(),
        error_messages={"invalid_choice": "Choose areas from the list"},
    )
    how_often = forms.ChoiceField(
        label="How often is it met?",
        required=False,
        choices=HowOften.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose how often it is met"},
    )
    raised_as = forms.ChoiceField(
        label="How did you meet it?",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you met this barrier",
            "invalid_choice": "Choose how you met this barrier",
        },
    )
    on_behalf_of = forms.ChoiceField(
        label="The trusted person who asked you for support",
        required=False,
        choices=(),
        error_messages={"invalid_choice": "Choose a trusted person who asked you for support"},
    )
    partnership = forms.ChoiceField(
        label="Which partnership should take it up first?",
        help_text="It starts with that operational partnership, and goes up the governance "
        "ladder if they cannot remove it",
        choices=(),
        error_messages={
            "required": "Choose a partnership",
            "invalid_choice": "Choose a partnership from the list",
        },
    )
    person = forms.ChoiceField(
        label="Link it to a person you support (optional)",
        required=False,
        choices=(),
        error_messages={"invalid_choice": "Choose someone you support, or no one"},
    )

    def __init__(self, *args, champion=False, requesters=(), linkable=(), **kwargs):
        from petal.reference.selectors import partnerships

        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = _area_choices()
        raised_as = [RaisedAs.OWN_WORK, RaisedAs.FOR_PERSON]
        if champion:
            raised_as.append(RaisedAs.FOR_TRUSTED_PERSON)
        self.fields["raised_as"].choices = [(r.value, r.label) for r in raised_as]
        self.fields["on_behalf_of"].choices = [
            (NO_ONE, "Choose a trusted person"),
            *((str(u.pk), u.display_name) for u in requesters),
        ]
        self.fields["partnership"].choices = [
            (NO_ONE, "Choose a partnership"),
            *((str(p.pk), p.name) for p in partnerships()),
        ]
        self.fields["person"].choices = [
            (NO_ONE, "No one"),
            *(
                (
                    str(item.person.pk),
                    f"{item.person.full_name} (agreed to share with "
                    f"{', '.join(p.name for p in item.partnerships)})",
                )
                for item in linkable
            ),
        ]

    def clean(self):
        data = super().clean()
        if data.get("raised_as") == RaisedAs.FOR_TRUSTED_PERSON and not data.get("on_behalf_of"):
            if "on_behalf_of" not in self.errors:
                self.add_error("on_behalf_of", "Choose the trusted person you are raising it for")
        return data


class MeTooForm(forms.Form):
    example = forms.CharField(
        label="Your example (optional)",
        help_text="What happened, never who. For example, ‘The same happened to someone I "
        "support in Wisbech last month’",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Your example must be 2,000 characters or fewer"},
    )


class MergeForm(forms.Form):
    into = forms.ChoiceField(
        label="Which barrier is it the same as?",
        required=False,
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a barrier from the list"},
    )
    reference = forms.CharField(
        label="Or enter its reference",
        help_text="For example, B-000123",
        required=False,
        max_length=20,
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [
            (str(b.pk), f"{b.reference}: {b.summary} ({b.group.name})") for b in choices
        ]

    def clean(self):
        from petal.barriers.selectors.barriers import reference_id

        data = super().clean()
        typed = (data.get("reference") or "").strip()
        if typed:
            target = reference_id(typed)
            if target is None:
                self.add_error("reference", "Enter a reference like B-000123")
            data["into_id"] = target
        elif data.get("into"):
            data["into_id"] = int(data["into"])
        elif "into" not in self.errors:
            self.add_error("into", "Choose the barrier to merge it into, or enter its reference")
        return data
