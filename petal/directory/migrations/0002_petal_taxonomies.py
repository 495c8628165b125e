"""Petal's own taxonomies: the five areas of disadvantage, and how a service reaches people
(for rural Fenland and East Cambridgeshire, which "can find themselves remote and cut off").
Term ids are fixed (UUID 5 of the code), so other directories can rely on them."""

import uuid

from django.db import migrations

NAMESPACE = uuid.UUID("6c7a4f0e-3f4e-4d0b-9c1e-0a5b2f1d7e21")

AREAS = ("petal-areas-of-disadvantage", "Areas of multiple disadvantage")
REACH = ("petal-reach", "How the service reaches people")
REACH_TERMS = [
    ("outreach", "Outreach"),
    ("home-visits", "Home visits"),
    ("online", "Online"),
    ("phone", "By phone"),
]

REACH_DESCRIPTIONS = {
    "outreach": "Workers come to where people are: the street, a hostel, a village hall.",
    "home-visits": "Workers visit people at home.",
    "online": "People can use the service online.",
    "phone": "People can use the service by phone.",
}


def term_id(taxonomy: str, code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{taxonomy}/{code}")


def load(apps, schema_editor):
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    AreaOfDisadvantage = apps.get_model("reference", "AreaOfDisadvantage")
    areas, _ = Taxonomy.objects.update_or_create(
        slug=AREAS[0],
        defaults={
            "id": uuid.uuid5(NAMESPACE, AREAS[0]),
            "name": AREAS[1],
            "description": "The five areas of the multiple-disadvantage rule: a person facing "
            "three or more at one time meets it.",
            "version": "1",
        },
    )
    for area in AreaOfDisadvantage.objects.order_by("order"):
        TaxonomyTerm.objects.update_or_create(
            taxonomy=areas,
            code=area.code,
            defaults={
                "id": term_id(AREAS[0], area.code),
                "name": area.name,
                "description": area.description,
                "area": area,
                "order": area.order,
            },
        )
    reach, _ = Taxonomy.objects.update_or_create(
        slug=REACH[0],
        defaults={
            "id": uuid.uuid5(NAMESPACE, REACH[0]),
            "name": REACH[1],
            "description": "Whether a service reaches people where they are.",
            "version": "1",
        },
    )
    for order, (code, name) in enumerate(REACH_TERMS):
        TaxonomyTerm.objects.update_or_create(
            taxonomy=reach,
            code=code,
            defaults={
                "id": term_id(REACH[0], code),
                "name": name,
                "description": REACH_DESCRIPTIONS[code],
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial"), ("reference", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
