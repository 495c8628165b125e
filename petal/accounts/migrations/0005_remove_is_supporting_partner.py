"""Which of the seed's two lists a partner is in is now petal.programme.Partner.tier, copied
from this flag by programme 0002 before it is removed."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_organisation_directory_fields"),
        ("programme", "0002_seed_programme"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="organisation",
            name="is_supporting_partner",
        ),
    ]
