"""Forms for the Champion Network and success stories. They check the shape of what was
typed; the services decide the rules (names, who may do what)."""

from __future__ import annotations

from django import forms

from petal.champions.selectors import network as selectors

PUBLISH_ANYWAY = "This is not about them: publish anyway"


def _area_choices() -> list[tuple[str, str]]:
    return [(a.code, a.name) for a in selectors.areas()]


def _topic_choices() -> list[tuple[str, str]]:
    return [(t.slug, t.name) for t in selectors.topics()]


class TagsMixin:
    def _add_tags(self, *, area_label: str, topic_label: str) -> None:
        self.fields["areas"] = forms.MultipleChoiceField(
            label=area_label, required=False, choices=_area_choices()
        )
        self.fields["topics"] = forms.MultipleChoiceField(
            label=topic_label, required=False, choices=_topic_choices()
        )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search questions and answers", required=False, max_length=200)
    area = forms.ChoiceField(label="Area", required=False)
    topic = forms.ChoiceField(label="Topic", required=False)
    unanswered = forms.BooleanField(label="Only questions with no answer yet", required=False)
    following = forms.BooleanField(label="Only tags I follow", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "All areas"), *_area_choices()]
        self.fields["topic"].choices = [("", "All topics"), *_topic_choices()]

    def filters(self) -> dict:
        """What to search for; anything not understood is left out rather than refused."""
        if self.is_valid():
            data = self.cleaned_data
        else:
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return {
            "q": data.get("q") or "",
            "area": data.get("area") or None,
            "topic": data.get("topic") or None,
            "unanswered": bool(data.get("unanswered")),
            "following": bool(data.get("following")),
        }


class QuestionForm(TagsMixin, forms.Form):
    title = forms.CharField(
        label="Your question, in a sentence",
        max_length=200,
        help_text="For example, ‘How do I get a housing application moving when someone has no "
        "ID?’",
        error_messages={"required": "Enter a title for your question"},
    )
    body = forms.CharField(
        label="More detail",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Describe the situation, not the person: no names or details that could "
        "identify anyone you support.",
        error_messages={
            "required": "Enter your question",
            "max_length": "Your question must be 10,000 characters or fewer",
        },
    )
    publish_anyway = forms.BooleanField(label=PUBLISH_ANYWAY, required=False)
    # Shared learning the question is about (asked from a learning entry's page).
    learning = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_tags(area_label="Areas it is about", topic_label="Topics")
        self.order_fields(["title", "body", "areas", "topics", "publish_anyway", "learning"])


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Share what has worked for you. No names or details that could identify "
        "anyone you support.",
        error_messages={
            "required": "Enter your answer",
            "max_length": "Your answer must be 10,000 characters or fewer",
        },
    )
    publish_anyway = forms.BooleanField(label=PUBLISH_ANYWAY, required=False)


class LearningLinkForm(forms.Form):
    """Link published learning (from "You said, we did") to a question."""

    entry = forms.TypedChoiceField(
        label="Published learning",
        coerce=int,
        error_messages={
            "required": "Choose the learning to link",
            "invalid_choice": "Choose published learning from the list",
        },
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "Choose learning"), *choices]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reporting this post?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, it names or describes someone, or it is unkind.",
        error_messages={"required": "Enter why you are reporting it"},
    )


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("hide", "Hide"), ("restore", "Restore")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose whether to hide or restore the post"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The author reads this.",
        error_messages={"required": "Enter the reason"},
    )


class TagsForm(TagsMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_tags(area_label="Areas", topic_label="Topics")


class StoryForm(TagsMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, ‘Meeting in a café, not an office’",
        error_messages={"required": "Enter a title for your story"},
    )
    body = forms.CharField(
        label="What worked",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="No names, places or details that could identify anyone: stories may be "
        "shared on Petal's public pages.",
        error_messages={"required": "Enter your story"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_tags(area_label="Areas it is about", topic_label="Topics")
        del self.fields["topics"]


class FeatureForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked this story names no one and can be public", required=False
    )
