"""API tokens expire and say whether they may change anything. Tokens made before this keep
working as they did (read and change) for a year from when they were made."""

import datetime as dt

from django.db import migrations, models
from django.db.models import F


def a_year_from_making(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    ApiToken.objects.update(expires_at=F("created_at") + dt.timedelta(days=365))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_job_started_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="access",
            field=models.CharField(
                choices=[("read", "Read only"), ("read_write", "Read and change")],
                default="read_write",
                max_length=10,
            ),
        ),
        migrations.RunPython(a_year_from_making, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="access",
            field=models.CharField(
                choices=[("read", "Read only"), ("read_write", "Read and change")],
                default="read",
                max_length=10,
            ),
        ),
    ]
