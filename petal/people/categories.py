"""Which fields of a person's record belong to which information category."""

from petal.access.categories import Category

PERSON_FIELDS: dict[Category, tuple[str, ...]] = {
    Category.IDENTITY: (
        "full_name",
        "preferred_name",
        "pronouns",
        "date_of_birth",
        "communication_needs",
        "languages",
    ),
    Category.CONTACT: ("district", "address", "no_fixed_abode", "phone", "safe_contact"),
    Category.RISK: ("risk_notes",),
    Category.HEALTH: ("health_notes",),
    Category.JUSTICE: ("justice_notes",),
}
STORY_FIELDS = (
    "what_happened",
    "what_matters",
    "what_helps",
    "what_does_not_help",
    "never_ask_again",
)
# Needs are episodes; involvement is relationships and contacts.
