"""The programme page's facts (seed 003), as data.

- Partners: every organisation the seed names becomes a partner, in the seed's two lists (the
  partner's tier now says which; accounts 0005 removes ``Organisation.is_supporting_partner``,
  which said the same).
- Milestones: the seed's three, dated as precisely as the seed knows them. The seed's
  placeholder links ("summary report here (to be added)", "link here", "link to be added to
  workshop outcomes") point at nothing we hold, so each milestone expects a document and the
  programme team is shown it is missing until one is linked.
- The trauma-informed checklist, from the seed's words: how people respond to buildings and
  facilities; avoiding re-telling, choice, safety and trust in practice; and training.
- The foundation's content pages for partners, milestones and contact are removed: those pages
  are now made from this data and the contact form.
"""

import datetime as dt
import importlib

from django.db import migrations

MILESTONES = [
    (
        dt.date(2022, 1, 1),
        "year",
        "The Public Service Board agrees to explore funding and supporting Changing Futures "
        "Cambridgeshire & Peterborough",
        "The Cambridgeshire & Peterborough Public Service Board (CPSB) agreed to explore funding "
        "and supporting the programme locally, after the bid to the national Changing Futures "
        "programme was not successful.",
        "Summary report to the Public Service Board",
    ),
    (
        dt.date(2022, 7, 7),
        "day",
        "The first project newsletter",
        "The first Changing Futures Cambridgeshire & Peterborough newsletter was produced.",
        "The first project newsletter",
    ),
    (
        dt.date(2022, 7, 14),
        "day",
        "The first strategic group meeting",
        "The first meeting of the Changing Futures Cambridgeshire & Peterborough strategic group.",
        "Outcomes of the first strategic group meeting",
    ),
]

# (section, code, text, hint)
CHECKLIST = [
    (
        "buildings",
        "buildings-welcome",
        "People feel welcome and safe when they arrive at our buildings",
        "Think about the entrance, reception, signs and who greets people.",
    ),
    (
        "buildings",
        "buildings-spaces",
        "We have calm, private spaces where people can talk without being overheard",
        "",
    ),
    (
        "buildings",
        "buildings-feedback",
        "We ask people how they respond to our buildings and facilities, and act on what they say",
        "",
    ),
    (
        "buildings",
        "buildings-access",
        "People can reach our services without barriers of distance, cost, times or rules",
        "For example, opening times, appointments, ID or the cost of travel.",
    ),
    (
        "practice",
        "practice-retelling",
        "People do not have to re-tell their story to us: we read what they have already shared",
        "With their agreement, we use what their trusted person already knows.",
    ),
    (
        "practice",
        "practice-choice",
        "People have choice and control over their support",
        "Where and when we meet, who is there, and what happens next.",
    ),
    (
        "practice",
        "practice-safety",
        "People are physically and emotionally safe with us",
        "",
    ),
    (
        "practice",
        "practice-trust",
        "We build trust: we are clear, consistent and do what we say",
        "",
    ),
    (
        "practice",
        "practice-sharing",
        "We help people share what they are willing to share with other agencies, and nothing more",
        "",
    ),
    (
        "practice",
        "practice-lived-experience",
        "People with lived experience help shape how we work",
        "",
    ),
    (
        "training",
        "training-trauma-informed",
        "Our staff are trained in trauma-informed practice",
        "Record the training in the training records.",
    ),
    (
        "training",
        "training-trusted-person",
        "Our staff know the Trusted Person approach and how to find a champion",
        "",
    ),
    (
        "training",
        "training-support",
        "Our staff have reflective supervision and support for the effect of the work on them",
        "",
    ),
]


def load(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    Partner = apps.get_model("programme", "Partner")
    Milestone = apps.get_model("programme", "Milestone")
    ChecklistItem = apps.get_model("programme", "ChecklistItem")
    Page = apps.get_model("site", "Page")

    # The seed's organisations were loaded by accounts 0002; supporting partners are flagged.
    seed = importlib.import_module("petal.accounts.migrations.0002_partner_organisations")
    for tier, rows in (("supporting", seed.SUPPORTING), ("other", seed.OTHER)):
        for name, _kind in rows:
            org = Organisation.objects.filter(name=name).first()
            if org is not None:
                Partner.objects.get_or_create(organisation=org, defaults={"tier": tier})
    for date, precision, title, description, document in MILESTONES:
        Milestone.objects.get_or_create(
            title=title,
            defaults={
                "date": date,
                "precision": precision,
                "description": description,
                "document_title": document,
                "document_expected": True,
            },
        )
    for position, (section, code, text, hint) in enumerate(CHECKLIST, start=1):
        ChecklistItem.objects.update_or_create(
            code=code,
            defaults={"section": section, "text": text, "hint": hint, "order": position * 10},
        )
    Page.objects.filter(slug__in=["partners", "milestones", "contact"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0001_initial"),
        ("accounts", "0004_organisation_directory_fields"),
        ("site", "0002_seed_pages"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
