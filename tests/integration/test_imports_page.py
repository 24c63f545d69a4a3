"""The import page runs its work as a background task with stored progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from footprint.core.models import AuditEvent, Job
from footprint.partnership.models import Organisation

GOOD = b"ODS code,Name,Kind,Neighbourhood\nA44444,Brook Surgery,GP practice,N2\n"


def upload(client, content: bytes, kind: str = "organisations", **extra):
    return client.post(
        "/workspace/imports/",
        {"kind": kind, "file": SimpleUploadedFile("orgs.csv", content, "text/csv"), **extra},
    )


def test_an_import_runs_in_process_by_default(client_for):
    client = client_for("pmo")
    response = upload(client, GOOD)
    job = Job.objects.get()
    assert response["Location"] == f"/workspace/jobs/{job.pk}/"
    assert job.status == Job.Status.SUCCEEDED and job.percent == 100
    assert job.payload == {}  # the uploaded file is not kept
    assert Organisation.objects.filter(ods_code="A44444").exists()
    assert AuditEvent.objects.filter(action="import_organisations", actor__username="pmo").exists()
    bar = client.get(f"/workspace/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert b'value="100"' in bar.content and b"hx-trigger" not in bar.content


@pytest.mark.django_db(transaction=True)
def test_with_a_worker_the_import_waits_in_the_queue_then_runs(client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for("pmo")
    upload(client, GOOD)
    job = Job.objects.get()
    assert job.status == Job.Status.QUEUED
    page = client.get(f"/workspace/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert b"hx-trigger" in page.content  # the page keeps polling while it waits
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert Organisation.objects.filter(ods_code="A44444").exists()


def test_the_page_lists_recent_imports_with_their_outcome(client_for):
    client = client_for("pmo")
    upload(client, GOOD)
    html = client.get("/workspace/imports/").content.decode()
    job = Job.objects.get()
    assert f'<a href="/workspace/jobs/{job.pk}/">Import orgs.csv</a>' in html
    assert "Succeeded: 1 organisations added and 0 updated" in html


def test_a_bad_file_fails_the_job_with_every_error(client_for):
    client = client_for("pmo")
    upload(client, b"ODS code,Name,Kind\nXX,A,Acute trust\nRQ1,,Acute trust\n")
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.errors == [
        "orgs.csv, row 2, column 'ODS code': 'XX': Enter an ODS code of 3 to 6 capital letters "
        "and digits, e.g. RWP or M81001",
        "orgs.csv, row 3, column 'Name': a name is needed",
    ]
    assert not Organisation.objects.filter(ods_code="RQ1").exists()


def test_estimates_need_a_year(client_for):
    response = upload(client_for("pmo"), b"Code\n", kind="population_estimates")
    assert response.status_code == 200
    assert "Enter the year the estimates are for" in response.content.decode()
    assert not Job.objects.exists()


def test_someone_elses_job_is_not_shown(client_for, cast):
    upload(client_for("pmo"), GOOD)
    job = Job.objects.get()
    assert client_for("viewer").get(f"/workspace/jobs/{job.pk}/").status_code == 404
