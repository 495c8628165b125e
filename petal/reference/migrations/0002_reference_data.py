"""Reference data from the seeds: the five areas, districts, partnerships and governance."""

import datetime as dt

from django.db import migrations

AREAS = [
    (
        "homelessness",
        "Homelessness",
        "#1d70b8",
        "Sleeping rough, sofa-surfing, in temporary accommodation or at risk of losing a home.",
    ),
    ("substance-misuse", "Substance misuse", "#00703c", "Harmful use of drugs or alcohol."),
    ("mental-health", "Mental health", "#912b88", "Mental ill-health, diagnosed or not."),
    (
        "domestic-abuse",
        "Domestic abuse",
        "#d4351c",
        "Experiencing domestic abuse, now or recently.",
    ),
    (
        "criminal-justice",
        "Criminal justice",
        "#f47738",
        "Offending, or in contact with police, courts, prison or probation.",
    ),
]

DISTRICTS = [
    ("cambridge", "Cambridge"),
    ("east-cambridgeshire", "East Cambridgeshire"),
    ("fenland", "Fenland"),
    ("huntingdonshire", "Huntingdonshire"),
    ("south-cambridgeshire", "South Cambridgeshire"),
    ("peterborough", "Peterborough"),
]

# The Fenland & East Cambridgeshire partnership's start date is not in the seeds; this is the
# date the demo uses, and the programme team can change it. Until then Cambridgeshire covers
# the two districts.
FENLAND_EAST_STARTS = dt.date(2023, 4, 1)

PARTNERSHIPS = [
    (
        "cambridgeshire",
        "Cambridgeshire",
        None,
        "Problem-solving sessions for people in Cambridge, Huntingdonshire and South "
        "Cambridgeshire (and, until the Fenland & East Cambridgeshire partnership began, "
        "Fenland and East Cambridgeshire too).",
    ),
    ("peterborough", "Peterborough", None, "Problem-solving sessions for people in Peterborough."),
    (
        "fenland-east-cambridgeshire",
        "Fenland & East Cambridgeshire",
        FENLAND_EAST_STARTS,
        "A partnership for the more rural north east of the area, so people there can reach "
        "the support offered in the larger towns and cities.",
    ),
]

COVERAGE = [
    ("cambridgeshire", "cambridge", None, None),
    ("cambridgeshire", "huntingdonshire", None, None),
    ("cambridgeshire", "south-cambridgeshire", None, None),
    ("cambridgeshire", "fenland", None, FENLAND_EAST_STARTS - dt.timedelta(days=1)),
    ("cambridgeshire", "east-cambridgeshire", None, FENLAND_EAST_STARTS - dt.timedelta(days=1)),
    ("fenland-east-cambridgeshire", "fenland", FENLAND_EAST_STARTS, None),
    ("fenland-east-cambridgeshire", "east-cambridgeshire", FENLAND_EAST_STARTS, None),
    ("peterborough", "peterborough", None, None),
]

LEVELS = [
    (
        "operational-partnership",
        "Operational partnership",
        1,
        "Where trusted persons and partners meet to solve problems for people and raise barriers.",
    ),
    (
        "tactical-group",
        "Tactical Group",
        2,
        "Partners' managers, with people with lived experience, who can change how services work.",
    ),
    (
        "strategic-group",
        "Strategic Group",
        3,
        "Senior leaders who set the direction of Changing Futures Cambridgeshire & Peterborough.",
    ),
    (
        "public-service-board",
        "Cambridgeshire & Peterborough Public Service Board",
        4,
        "The leaders of the public services across the area (CPSB).",
    ),
]


def load(apps, schema_editor):
    ProgrammeArea = apps.get_model("reference", "ProgrammeArea")
    Area = apps.get_model("reference", "AreaOfDisadvantage")
    District = apps.get_model("reference", "District")
    Partnership = apps.get_model("reference", "Partnership")
    Coverage = apps.get_model("reference", "PartnershipCoverage")
    Level = apps.get_model("reference", "GovernanceLevel")

    area, _ = ProgrammeArea.objects.get_or_create(
        slug="cambridgeshire-peterborough",
        defaults={"name": "Cambridgeshire & Peterborough"},
    )
    for order, (code, name, colour, description) in enumerate(AREAS, start=1):
        Area.objects.update_or_create(
            code=code,
            defaults={"name": name, "order": order, "colour": colour, "description": description},
        )
    districts = {}
    for code, name in DISTRICTS:
        districts[code], _ = District.objects.update_or_create(
            code=code, defaults={"name": name, "programme_area": area}
        )
    partnerships = {}
    for slug, name, starts_on, description in PARTNERSHIPS:
        partnerships[slug], _ = Partnership.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "programme_area": area,
                "starts_on": starts_on,
                "description": description,
            },
        )
    for partnership, district, starts_on, ends_on in COVERAGE:
        Coverage.objects.get_or_create(
            partnership=partnerships[partnership],
            district=districts[district],
            starts_on=starts_on,
            ends_on=ends_on,
        )
    for slug, name, rank, description in LEVELS:
        Level.objects.update_or_create(
            slug=slug, defaults={"name": name, "rank": rank, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
