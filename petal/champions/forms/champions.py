"""Forms for the pledge, the directory, support connections and barriers. They parse what was
typed; the services decide (and say why when they refuse)."""

from __future__ import annotations

from django import forms

from petal.champions.models import ConnectionKind

NOT_LISTED = "not-listed"
MAX_NOTE = 1000


def _too_long(label: str, limit: int) -> dict:
    return {"max_length": f"{label} must be {limit:,} characters or fewer"}


def _areas_field(label: str, help_text: str = ""):
    from petal.reference.selectors import areas_of_disadvantage

    return forms.ModelMultipleChoiceField(
        label=label,
        help_text=help_text,
        queryset=areas_of_disadvantage(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the areas listed"},
    )


def _district_field():
    from petal.reference.selectors import districts

    return forms.ModelChoiceField(
        label="District you mostly work in (optional)",
        help_text="Leave this out if you work across Cambridgeshire and Peterborough",
        queryset=districts(),
        to_field_name="code",
        required=False,
        empty_label="Choose a district",
        error_messages={"invalid_choice": "Choose a district from the list"},
    )


class EntryForm(forms.Form):
    """What a champion says about themselves in the directory."""

    job_title = forms.CharField(
        label="Job title",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
        error_messages={"required": "Enter your job title", **_too_long("Job title", 200)},
    )
    # district, areas and skills are added in __init__: reference data is read when the form
    # is made, not when the module is imported.
    help_with = forms.CharField(
        label="What can you help with?",
        help_text="For example ‘Getting a GP to register someone with no fixed address’",
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what you can help with",
            **_too_long("What you can help with", MAX_NOTE),
        },
    )
    how_to_reach = forms.CharField(
        label="How to reach you",
        help_text="For example ‘Email me; I reply within two working days’",
        max_length=300,
        error_messages={"required": "Enter how to reach you", **_too_long("This", 300)},
    )
    phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        error_messages=_too_long("The phone number", 40),
    )

    def __init__(self, *args, **kwargs):
        from petal.champions.selectors.champions import topics

        super().__init__(*args, **kwargs)
        self.fields["district"] = _district_field()
        self.fields["areas"] = _areas_field(
            "Which of the five areas do you know well?", "Choose all that apply"
        )
        self.fields["skills"] = forms.ModelMultipleChoiceField(
            label="Skills you can share",
            help_text="Choose all that apply",
            queryset=topics(),
            to_field_name="slug",
            required=False,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": "Choose from the skills listed"},
        )
        order = ["job_title", "district", "areas", "skills", "help_with", "how_to_reach", "phone"]
        self.order_fields([*[f for f in self.fields if f not in order], *order])

    @classmethod
    def initial_from(cls, champion) -> dict:
        return {
            "job_title": champion.job_title,
            "district": champion.district.code if champion.district_id else "",
            "areas": [a.code for a in champion.areas.all()],
            "skills": [s.slug for s in champion.skills.all()],
            "help_with": champion.help_with,
            "how_to_reach": champion.how_to_reach,
            "phone": champion.phone,
        }


class PledgeForm(EntryForm):
    """Signing the pledge. A signed-in worker's name and email come from their sign-in."""

    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": "Enter your full name", **_too_long("Your name", 200)},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="Your work email: if the pledge is approved, this is your Petal sign-in",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            **_too_long("Your email address", 254),
        },
    )
    organisation = forms.ChoiceField(
        label="Organisation",
        error_messages={
            "required": "Choose your organisation, or ‘My organisation is not listed’",
            "invalid_choice": "Choose your organisation from the list",
        },
    )
    organisation_name = forms.CharField(
        label="If your organisation is not listed, its name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages=_too_long("The organisation's name", 200),
    )
    listed = forms.BooleanField(
        label="I agree to be listed in the champions directory for signed-in Petal users",
        error_messages={"required": "Agree to be listed in the champions directory"},
    )
    pledged = forms.BooleanField(
        label="I sign the pledge",
        error_messages={"required": "Tick ‘I sign the pledge’ to sign it"},
    )
    # A honeypot: hidden from people, filled in by bots. A filled one is dropped silently.
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, signed_in: bool, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.signed_in = signed_in
        self.organisations = {str(o.pk): o for o in organisations}
        self.fields["organisation"].choices = [
            ("", "Choose your organisation"),
            *[(key, o.name) for key, o in self.organisations.items()],
            (NOT_LISTED, "My organisation is not listed"),
        ]
        if signed_in:
            del self.fields["full_name"]
            del self.fields["email"]
        order = ["full_name", "email", "organisation", "organisation_name"]
        self.order_fields([f for f in order if f in self.fields] + list(self.fields))

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())

    def clean(self):
        data = super().clean()
        chosen = data.get("organisation")
        if chosen == NOT_LISTED and not (data.get("organisation_name") or "").strip():
            self.add_error("organisation_name", "Enter the name of your organisation")
        return data

    def chosen_organisation(self):
        return self.organisations.get(self.cleaned_data.get("organisation") or "")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: list them in the directory"), ("decline", "Do not approve")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve the pledge"},
    )
    organisation = forms.ModelChoiceField(
        label="Their organisation in Petal",
        help_text="Confirm it, choose it from the list, or leave it out",
        queryset=None,
        required=False,
        empty_label="No organisation",
        error_messages={"invalid_choice": "Choose an organisation from the list"},
    )
    reason = forms.CharField(
        label="If you do not approve it, why not?",
        help_text="Kept by the programme team; the email to them does not include it",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_too_long("The reason", 5000),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the pledge is not approved")
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why are they removed from the directory?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why they are removed",
            **_too_long("The reason", 5000),
        },
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Would you like to tell us why? (optional)",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_too_long("Your reason", MAX_NOTE),
    )


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    area = forms.ChoiceField(label="Area", required=False)
    skill = forms.ChoiceField(label="Skill", required=False)
    district = forms.ChoiceField(label="District", required=False)
    partnership = forms.ChoiceField(label="Partnership", required=False)

    def __init__(self, *args, **kwargs):
        from petal.champions.selectors.champions import topics
        from petal.reference.selectors import areas_of_disadvantage, districts, partnerships

        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area")] + [
            (a.code, a.name) for a in areas_of_disadvantage()
        ]
        self.fields["skill"].choices = [("", "Any skill")] + [(t.slug, t.name) for t in topics()]
        self.fields["district"].choices = [("", "Any district")] + [
            (d.code, d.name) for d in districts()
        ]
        self.fields["partnership"].choices = [("", "Any partnership")] + [
            (p.slug, p.name) for p in partnerships()
        ]

    def filters(self) -> dict:
        """The valid filters typed (an unknown value is left out, never an error page)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned.get(name, "") or ""
            for name in ("q", "area", "skill", "district", "partnership")
            if name not in self.errors
        }


class ConnectForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like to do?",
        choices=ConnectionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you are asking for support or raising a concern",
            "invalid_choice": "Choose whether you are asking for support or raising a concern",
        },
    )
    note = forms.CharField(
        label="Your note to the champion",
        help_text="A short note about the situation. Do not name the people you support: if "
        "it is about someone whose consent covers this champion, choose them below",
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter a note to the champion",
            **_too_long("Your note", MAX_NOTE),
        },
    )
    person = forms.ChoiceField(
        label="Is it about someone you support? (optional)",
        help_text="Only people whose consent covers this champion are listed",
        required=False,
        error_messages={"invalid_choice": "Choose someone from the list, or no one"},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "No one in particular")] + [
            (str(p.pk), p.full_name) for p in people
        ]


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your reply",
        choices=[("accept", "I can help"), ("suggest", "Suggest another champion")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you can help or suggest someone else"},
    )
    suggested = forms.ChoiceField(
        label="Which champion would you suggest?",
        required=False,
        error_messages={"invalid_choice": "Choose a champion from the list"},
    )
    message = forms.CharField(
        label="Message to the trusted person",
        help_text="Optional when you accept; say why when you suggest someone else",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_too_long("Your message", MAX_NOTE),
    )

    def __init__(self, *args, champions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggested"].choices = [("", "Choose a champion")] + [
            (
                str(c.pk),
                f"{c.full_name}, {c.organisation_label}" if c.organisation_label else c.full_name,
            )
            for c in champions
        ]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "suggest":
            if not data.get("suggested") and "suggested" not in self.errors:
                self.add_error("suggested", "Choose another champion from the directory")
            if not (data.get("message") or "").strip() and "message" not in self.errors:
                self.add_error("message", "Say why this champion may help more")
        return data


class CloseForm(forms.Form):
    note = forms.CharField(
        label="Closing note (optional)",
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_too_long("Your note", MAX_NOTE),
    )


HOW_OFTEN_CHOICES = [
    ("This once", "This once"),
    ("Now and then", "Now and then"),
    ("Often", "Often"),
    ("Every time", "Every time"),
]


class BarrierForm(forms.Form):
    summary = forms.CharField(
        label="What gets in the way?",
        help_text="About the system, never a named person. For example ‘Housing applications "
        "need a photo ID that people leaving prison rarely have’",
        max_length=300,
        error_messages={"required": "Enter what gets in the way", **_too_long("This", 300)},
    )
    detail = forms.CharField(
        label="More detail (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_too_long("The detail", 5000),
    )
    services = forms.CharField(
        label="Which services? (optional)",
        help_text="For example ‘District council housing teams’",
        required=False,
        max_length=300,
        error_messages=_too_long("Which services", 300),
    )
    how_often = forms.ChoiceField(
        label="How often is it met? (optional)",
        choices=HOW_OFTEN_CHOICES,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose how often it is met"},
    )
    on_behalf_of = forms.ChoiceField(
        label="On behalf of",
        help_text="A trusted person who asked you for support, or no one in particular",
        required=False,
        error_messages={"invalid_choice": "Choose a trusted person from the list, or no one"},
    )
    # Not required here: left unchosen, it starts with the champion's partnership (else the
    # trusted person's); the service asks when there is neither.
    partnership = forms.ChoiceField(
        label="Which partnership should take it up first?",
        help_text="It starts with that operational partnership, and goes up the governance "
        "ladder if they cannot remove it",
        required=False,
        error_messages={"invalid_choice": "Choose a partnership from the list"},
    )

    def __init__(self, *args, trusted_persons, default_partnership=None, **kwargs):
        from petal.reference.selectors import partnerships

        super().__init__(*args, **kwargs)
        self.fields["areas"] = _areas_field("Which areas does it affect?", "Choose all that apply")
        self.fields["on_behalf_of"].choices = [("", "No one in particular")] + [
            (str(u.pk), u.display_name) for u in trusted_persons
        ]
        self.fields["partnership"].choices = [("", "Choose a partnership")] + [
            (str(p.pk), p.name) for p in partnerships()
        ]
        if default_partnership is not None:
            self.fields["partnership"].initial = str(default_partnership)
        self.order_fields(
            ["summary", "detail", "services", "areas", "how_often", "on_behalf_of", "partnership"]
        )
