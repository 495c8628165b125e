"""Reference data: the first topics (champions' skills and network tags) and the first version
of the Trusted Person Champions pledge, a public page the programme team edits like any other."""

from django.db import migrations

TOPICS = [
    ("benefits", "Benefits"),
    ("housing-applications", "Housing applications"),
    ("working-with-probation", "Working with probation"),
    ("mental-health-services", "Getting mental health support"),
    ("drug-and-alcohol-services", "Drug and alcohol services"),
    ("domestic-abuse-support", "Domestic abuse support"),
    ("gp-registration", "GP registration and health care"),
    ("information-sharing", "Information sharing and consent"),
    ("trauma-informed-practice", "Trauma-informed practice"),
    ("leaving-prison", "Leaving prison"),
    ("identity-documents", "ID documents and bank accounts"),
    ("lived-experience", "Working with people with lived experience"),
]

PLEDGE_BODY = """\
Trusted Person Champions believe in the value of working in a relational way, and help to
drive the Trusted Person approach forward in their own space: making it the first response,
not the last resort.

As a Trusted Person Champion, I pledge to:

1. **Work relationally.** Put kindness, continuity and collaboration at the heart of how I
   work with people facing multiple disadvantage, and treat each person's story as theirs.
2. **Help others learn and navigate the system.** Be generous with my experience and
   knowledge, so other trusted persons do not have to work it out alone.
3. **Be a connector.** Help trusted persons raise concerns, share success and find the right
   people in other services.
4. **Identify and raise barriers.** Speak up about what gets in the way of working like this,
   so the system can remove it, and share what we learn so no one has to solve the same problem
   twice.
5. **Respect people's choices.** Share a person's information only as far as they have agreed,
   and never use a person's story in the network: we learn from situations, not about people.
6. **Lean on and learn from the network.** Take part in the Trusted Person Champion Network,
   ask the tricky questions and help answer them.

You can withdraw from the pledge at any time.
"""


def load(apps, schema_editor):
    Topic = apps.get_model("champions", "Topic")
    for order, (slug, name) in enumerate(TOPICS, start=1):
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})
    Page = apps.get_model("site", "Page")
    Page.objects.get_or_create(
        slug="champions-pledge",
        defaults={
            "title": "The Trusted Person Champions pledge",
            "summary": (
                "Champions support trusted persons, connect them, and raise the barriers they "
                "meet. Sign the pledge to join the network."
            ),
            "body": PLEDGE_BODY,
            "order": 90,
            "listed": False,
        },
    )


def unload(apps, schema_editor):
    apps.get_model("champions", "Topic").objects.filter(slug__in=[s for s, _ in TOPICS]).delete()
    apps.get_model("site", "Page").objects.filter(slug="champions-pledge").delete()


class Migration(migrations.Migration):
    dependencies = [("champions", "0002_question_search"), ("site", "0002_seed_pages")]

    operations = [migrations.RunPython(load, unload)]
