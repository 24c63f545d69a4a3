"""Agency shifts gain a unique fingerprint so that importing a file again adds nothing twice.

Shifts already saved are fingerprinted as an import would have fingerprinted them (in the
order they were saved), so a file imported before this change is not doubled by importing it
again after."""

import hashlib

from django.db import migrations, models


def _same(text):
    return " ".join(text.split()).casefold()


def _fingerprint(shift, code, occurrence):
    # As footprint.workforce.importers.shift_fingerprint was when this migration was written.
    fields = (
        shift.date.isoformat(),
        code.upper().strip(),
        _same(shift.agency),
        shift.staff_group,
        _same(shift.grade),
        f"{shift.hours:.4f}",
        str(shift.rate_pence),
        _same(shift.reason),
        str(occurrence),
    )
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def fingerprint_saved_shifts(apps, schema_editor):
    AgencyShift = apps.get_model("workforce", "AgencyShift")
    alike = {}
    changed = []
    for shift in AgencyShift.objects.select_related("organisation").order_by("pk").iterator():
        first = _fingerprint(shift, shift.organisation.ods_code, 1)
        alike[first] = alike.get(first, 0) + 1
        shift.fingerprint = _fingerprint(shift, shift.organisation.ods_code, alike[first])
        changed.append(shift)
        if len(changed) == 2_000:
            AgencyShift.objects.bulk_update(changed, ["fingerprint"])
            changed = []
    AgencyShift.objects.bulk_update(changed, ["fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("workforce", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="agencyshift",
            name="fingerprint",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(fingerprint_saved_shifts, migrations.RunPython.noop),
    ]
