"""The SII of a gap goal now reads as every gap does, the most deprived end less the least
deprived end (docs/decisions.md, 30 November 2026): a goal saved with OHID's sign (least less
most) has its baseline and target negated, so that it keeps meaning the same gap."""

from django.db import migrations
from django.db.models import F


def flip(apps, schema_editor):
    Goal = apps.get_model("plans", "Goal")
    Goal.objects.filter(gap_measure="sii").update(
        baseline_value=-F("baseline_value"), target_value=-F("target_value")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_metric_fed_from_daily_returns"),
    ]

    operations = [migrations.RunPython(flip, flip)]
