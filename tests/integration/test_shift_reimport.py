"""Re-importing agency shifts: the same row twice is one shift, and the job says how many of
the file's shifts were already there."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.core.models import Job
from footprint.workforce import importers, services
from footprint.workforce.models import AgencyShift

TODAY = dt.date(2025, 6, 15)
HEAD = "Date,Org code,Agency,Staff group,Grade,Hours,Hourly rate,Reason\n"
ROW = "2025-06-01,RA1,Acme,Nurses and health visitors,Band 5,12,60.00,Sickness\n"
OTHER = "2025-06-02,RA1,Acme,Nurses and health visitors,Band 5,7.5,45.00,Vacancy\n"


def _import(text, user):
    rows = importers.parse_shifts(text, "s.csv", today=TODAY)
    return services.import_shifts(rows=rows, filename="s.csv", by=user)


def test_the_same_file_imported_twice_is_saved_once(workforce_user):
    # Two identical rows in one file are two nurses on the same shift: both are kept.
    text = HEAD + ROW + ROW + OTHER
    assert _import(text, workforce_user) == {"shifts": 3, "already": 0}
    assert _import(text, workforce_user) == {"shifts": 0, "already": 3}
    assert AgencyShift.objects.count() == 3


def test_a_file_that_overlaps_an_earlier_one_adds_only_the_new_shifts(workforce_user):
    _import(HEAD + ROW, workforce_user)
    # the month's file again, now with a second identical shift and one more
    assert _import(HEAD + ROW + ROW + OTHER, workforce_user) == {"shifts": 2, "already": 1}
    assert AgencyShift.objects.count() == 3


def test_small_differences_of_spelling_are_the_same_shift(workforce_user):
    _import(HEAD + ROW, workforce_user)
    again = "2025-06-01,ra1, acme ,Nurses and health visitors,band 5,12.0,60,sickness\n"
    assert _import(HEAD + again, workforce_user) == {"shifts": 0, "already": 1}


def test_the_import_page_says_how_many_shifts_were_already_there(client, workforce_user):
    client.force_login(workforce_user, backend="django.contrib.auth.backends.ModelBackend")
    text = HEAD + ROW.replace("2025-06-01", f"{dt.date.today() - dt.timedelta(days=2)}")
    for _ in range(2):
        client.post(
            reverse("workforce:import"),
            {"kind": "shifts", "file": SimpleUploadedFile("s.csv", text.encode())},
        )
    job = Job.objects.latest("created_at")
    assert job.status == Job.Status.SUCCEEDED
    assert job.message == "No new agency shifts: all 1 were already saved"
    assert AgencyShift.objects.count() == 1
    html = client.get(reverse("core:job", args=[job.pk])).content.decode()
    assert "all 1 were already saved" in html


def test_shifts_saved_before_fingerprints_are_fingerprinted_as_an_import_would(
    transactional_db, footprint
):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("workforce", "0001_initial")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Shift = old.get_model("workforce", "AgencyShift")
    org = old.get_model("partnership", "Organisation").objects.get(ods_code="RA1")
    for _ in range(2):  # one file imported twice before the change: two shifts alike
        Shift.objects.create(
            date=dt.date(2025, 6, 1),
            organisation=org,
            agency="Acme",
            staff_group="nurses",
            grade="Band 5",
            hours=12,
            rate_pence=6000,
            reason="Sickness",
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    rows = importers.parse_shifts(HEAD + ROW + ROW, "s.csv", today=TODAY)
    assert sorted(AgencyShift.objects.values_list("fingerprint", flat=True)) == sorted(
        r.fingerprint for r in rows
    )
