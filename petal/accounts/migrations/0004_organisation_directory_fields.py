"""Organisations gain what the service directory shows, and a UUID for Open Referral UK."""

import uuid

from django.db import migrations, models


def fill_uids(apps, schema_editor):
    Organisation = apps.get_model("accounts", "Organisation")
    for organisation in Organisation.objects.all():
        organisation.uid = uuid.uuid4()
        organisation.save(update_fields=["uid"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_is_individual")]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="uid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_uids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
        migrations.AddField(
            model_name="organisation",
            name="description",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="organisation",
            name="email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="organisation",
            name="phone",
            field=models.CharField(blank=True, max_length=40),
        ),
    ]
