"""The partner organisations named in the programme page (seed 003)."""

from django.db import migrations
from django.utils.text import slugify

SUPPORTING = [
    ("Cambridge City Council", "council"),
    ("Cambridgeshire County Council", "council"),
    ("Cambridgeshire & Peterborough Combined Authority", "combined_authority"),
    ("Cambridgeshire & Peterborough Public Health", "public_health"),
    ("East Cambridgeshire District Council", "council"),
    ("Fenland District Council", "council"),
    ("Huntingdonshire District Council", "council"),
    ("Office of the Police and Crime Commissioner (Cambridgeshire & Peterborough)", "police"),
    ("Peterborough City Council", "council"),
    ("Probation Service", "probation"),
    ("South Cambridgeshire District Council", "council"),
]

OTHER = [
    ("Cambridge Women’s Resource Centre", "charity"),
    ("CGL (Change-Grow-Live)", "charity"),
    ("CPSL Mind", "charity"),
    ("Domestic Abuse and Sexual Violence Partnership", "partnership_body"),
    ("DWP and Jobcentre Plus Safeguarding team", "government"),
    ("Ferry Project (Wisbech)", "charity"),
    ("Housing Board for Cambridgeshire, Peterborough & West Suffolk", "partnership_body"),
    ("It Takes a City", "charity"),
    ("Peterborough Light Project", "charity"),
    ("SUN network", "charity"),
    ("Think Communities", "partnership_body"),
    ("Women’s Aid", "charity"),
]


def load(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    ProgrammeArea = apps.get_model("reference", "ProgrammeArea")
    area = ProgrammeArea.objects.get(slug="cambridgeshire-peterborough")
    has_flag = any(f.name == "is_supporting_partner" for f in Organisation._meta.get_fields())
    for supporting, rows in ((True, SUPPORTING), (False, OTHER)):
        for name, kind in rows:
            defaults = {"name": name, "kind": kind, "programme_area": area}
            # Tests reload this with today's models, after 0005 removed the flag.
            if has_flag:
                defaults["is_supporting_partner"] = supporting
            Organisation.objects.update_or_create(
                slug=slugify(name.replace("&", "and").replace("’", ""))[:120],
                defaults=defaults,
            )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("reference", "0002_reference_data")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
