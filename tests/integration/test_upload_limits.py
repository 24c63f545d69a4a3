"""Uploads are bounded before they are parsed (bytes, bytes once expanded, rows, columns,
cells), parsed by the background task and never by the page, and their files are not kept;
jobs a dead worker left running are swept to failed."""

import datetime as dt
import io
import zipfile

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from footprint.core import imports
from footprint.core.imports import ImportRejected, Limits
from footprint.core.jobs import create_job, run_job, sweep_stuck_jobs
from footprint.core.models import Job
from footprint.demand import importers as demand_importers
from footprint.finance.models import FinancialPlan
from tests.integration.test_finance import GOOD, workbook_bytes

SMALL = Limits(bytes=10_000, rows=3, columns=4, cells=10)
SHIFTS = "Date,Org code,Agency,Staff group,Grade,Hours,Hourly rate,Reason\n"


def rejected(fn, *args):
    with pytest.raises(ImportRejected) as info:
        fn(*args)
    return info.value.as_lines()


def test_a_table_is_refused_at_the_first_row_past_the_limit():
    assert list(imports.csv_rows("a,b\n1,2\n3,4\n", "t.csv", SMALL)) == [
        ["a", "b"],
        ["1", "2"],
        ["3", "4"],
    ]
    lines = rejected(list, imports.csv_rows("a\n" * 1_000_000, "t.csv", SMALL))
    assert lines == [
        "t.csv, row 4: the file has more than 3 rows, the most Footprint takes in one file"
    ]
    assert (
        "row 1: the row has 5 columns, more than the 4"
        in rejected(list, imports.csv_rows("a,b,c,d,e\n", "t.csv", SMALL))[0]
    )
    assert (
        "more than 10 cells" in rejected(list, imports.csv_rows("a,b,c,d\n" * 3, "t.csv", SMALL))[0]
    )
    assert rejected(imports.check_csv, b"x" * 20_000, "t.csv", SMALL) == [
        "t.csv: t.csv is 0.02 MB, more than the 0.01 MB Footprint takes in one file: "
        "split it into smaller files"
    ]


def test_a_cell_too_long_to_be_a_cell_is_named_not_a_crash():
    lines = rejected(imports.Table, "a,b\n1," + "x" * 200_000 + "\n", "t.csv")
    assert lines[0].startswith("t.csv, row 2: the row cannot be read as CSV")


def test_a_nul_byte_is_refused_naming_its_row():
    lines = rejected(imports.decode, b"a,b\n1,2\n3,\x004\n", "t.csv")
    assert lines == [
        "t.csv, row 3: this row holds a NUL character (\\0), which no text may hold: "
        "is this the right file?"
    ]


def _bomb(expanded_mb: int) -> bytes:
    """A zip that looks like a workbook whose sheet expands to ``expanded_mb`` MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<row/>" * (expanded_mb * 1024 * 1024 // 6))
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_expanded():
    data = _bomb(30)
    assert len(data) < 200_000
    lines = rejected(imports.open_workbook, data, "plan.xlsx")
    assert lines == [
        "plan.xlsx: the workbook expands to 30 MB, more than the 5 MB a plan workbook "
        "can need: save only the plan sheets"
    ]


def test_a_workbook_with_too_many_rows_is_refused_at_the_limit():
    rows = GOOD + [["Pay (£)", 1, 1]] * 600
    wb = imports.open_workbook(workbook_bytes(rows), "plan.xlsx")
    lines = rejected(imports.sheet_rows, wb["Plan"], "plan.xlsx, sheet 'Plan'")
    assert lines == [
        "plan.xlsx, sheet 'Plan', row 501: the file has more than 500 rows, the most Footprint "
        "takes in one file"
    ]


def test_the_finance_upload_is_parsed_by_a_background_job_which_keeps_no_file(
    client, finance_team, icb
):
    client.force_login(finance_team["a"], backend="django.contrib.auth.backends.ModelBackend")
    upload = SimpleUploadedFile("plan.xlsx", workbook_bytes(GOOD))
    response = client.post(reverse("finance:upload"), {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workspace/jobs/{job.pk}/"
    assert job.kind == "import:finance" and job.status == Job.Status.SUCCEEDED
    assert job.message == "Saved Trust A Hospitals's plans for 2026/27, 2027/28 from plan.xlsx"
    assert job.payload == {}
    assert FinancialPlan.objects.filter(organisation__ods_code="RA1").count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "Back to uploading a plan" in page


def test_a_failed_finance_upload_lists_its_problems_on_the_job(client, finance_team, icb):
    client.force_login(finance_team["a"], backend="django.contrib.auth.backends.ModelBackend")
    upload = SimpleUploadedFile("plan.xlsx", _bomb(30))
    client.post(reverse("finance:upload"), {"file": upload})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.payload == {}
    assert job.errors == [
        "plan.xlsx: the workbook expands to 30 MB, more than the 5 MB a plan workbook "
        "can need: save only the plan sheets"
    ]
    assert not FinancialPlan.objects.exists()


def test_a_file_with_a_nul_is_refused_on_the_upload_form(client, workforce_user):
    client.force_login(workforce_user, backend="django.contrib.auth.backends.ModelBackend")
    text = SHIFTS + "2025-06-01,RA1,Ac\x00me,Nurses and health visitors,Band 5,12,60,\n"
    page = client.post(
        reverse("workforce:import"),
        {"kind": "shifts", "file": SimpleUploadedFile("s.csv", text.encode())},
    ).content.decode()
    assert "row 2: this row holds a NUL character" in page
    assert not Job.objects.exists()


def test_an_upload_larger_than_any_file_footprint_takes_is_refused_unread(client, workforce_user):
    client.force_login(workforce_user, backend="django.contrib.auth.backends.ModelBackend")
    big = SimpleUploadedFile("s.csv", SHIFTS.encode() + b"x" * (imports.LARGEST_UPLOAD + 100_000))
    response = client.post(reverse("workforce:import"), {"kind": "shifts", "file": big})
    assert response.status_code == 413
    page = response.content.decode()
    assert "more than the 60 MB" in page and "split it into smaller files" in page
    assert not Job.objects.exists()


def test_a_csv_larger_than_a_table_may_be_is_refused_on_the_form(client, workforce_user):
    client.force_login(workforce_user, backend="django.contrib.auth.backends.ModelBackend")
    big = SimpleUploadedFile("s.csv", SHIFTS.encode() + b"x" * imports.TABLE.bytes)
    page = client.post(reverse("workforce:import"), {"kind": "shifts", "file": big})
    assert "s.csv is 20.0 MB, more than the 20 MB Footprint takes in one file" in (
        page.content.decode()
    )
    assert not Job.objects.exists()


def test_a_job_left_running_by_a_dead_worker_is_swept_to_failed(cast):
    now = timezone.now()
    stuck = create_job(
        kind="import:x", title="Import a.csv", user=cast["pmo"], payload={"text": "a"}
    )
    fresh = create_job(
        kind="import:x", title="Import b.csv", user=cast["pmo"], payload={"text": "b"}
    )
    Job.objects.filter(pk=stuck.pk).update(
        status=Job.Status.RUNNING, started_at=now - dt.timedelta(minutes=61)
    )
    Job.objects.filter(pk=fresh.pk).update(
        status=Job.Status.RUNNING, started_at=now - dt.timedelta(minutes=5)
    )
    assert sweep_stuck_jobs(now=now) == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == Job.Status.FAILED and stuck.payload == {}
    assert stuck.message == (
        "stopped: it ran for more than 60 minutes without finishing (was the worker "
        "stopped?); nothing was saved"
    )
    assert stuck.finished_at == now
    assert fresh.status == Job.Status.RUNNING and fresh.payload == {"text": "b"}


def test_a_job_never_started_is_swept_after_a_day_by_the_command(cast):
    old = create_job(kind="import:x", title="Import a.csv", user=cast["pmo"], payload={"text": "a"})
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(hours=25))
    out = io.StringIO()
    call_command("sweep_jobs", stdout=out)
    old.refresh_from_db()
    assert old.status == Job.Status.FAILED and old.payload == {}
    assert "never started" in old.message and "1 job" in out.getvalue()


def test_a_job_sweeps_stuck_ones_when_it_starts(cast):
    stuck = create_job(kind="import:x", title="Import a.csv", user=cast["pmo"], payload={"t": 1})
    Job.objects.filter(pk=stuck.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now() - dt.timedelta(hours=3)
    )
    job = create_job(kind="import:x", title="Import b.csv", user=cast["pmo"], payload={"t": 2})
    run_job(job.pk, lambda job, progress: "done")
    stuck.refresh_from_db()
    assert stuck.status == Job.Status.FAILED


@pytest.mark.parametrize("outcome", ["done", "refused", "crash"])
def test_the_payload_is_deleted_however_the_job_ends(cast, outcome):
    job = create_job(kind="import:x", title="Import a.csv", user=cast["pmo"], payload={"t": 1})

    def work(job, progress):
        if outcome == "refused":
            raise ImportRejected("a.csv", [imports.RowError(2, "A", "bad")])
        if outcome == "crash":
            raise RuntimeError("boom")
        return "done"

    if outcome == "crash":
        with pytest.raises(RuntimeError):
            run_job(job.pk, work)
    else:
        run_job(job.pk, work)
    job.refresh_from_db()
    assert job.payload == {} and job.finished_at is not None


ACTIVITY_HEAD = b"provider,pod,neighbourhood,sex,age\n"


def _activity_upload(client, content, name, kind="records"):
    return client.post(
        reverse("demand:import"),
        {
            "name": "Activity",
            "base_year": 2025,
            "kind": kind,
            "source": "",
            "file": SimpleUploadedFile(name, content),
        },
    )


def test_an_activity_file_past_its_row_limit_is_refused_by_the_job(client_for, footprint):
    small = Limits(bytes=imports.ACTIVITY.bytes, rows=5, columns=20, cells=1_000)
    lines = rejected(
        demand_importers.read_frame, ACTIVITY_HEAD + b"RA1,ae,N1,F,3\n" * 10, "a.csv", small
    )
    assert lines == [
        "a.csv, row 6: the file has more than 5 rows, the most Footprint takes in one file"
    ]
    buffer = io.BytesIO()
    pl.DataFrame({"provider": ["RA1"] * 10, "age": ["3"] * 10}).write_parquet(buffer)
    lines = rejected(demand_importers.read_frame, buffer.getvalue(), "a.parquet", small)
    assert lines == ["a.parquet: the file has 10 rows, more than the 5 Footprint takes in one file"]


def test_an_activity_file_with_a_nul_or_too_many_columns_is_refused(client_for, footprint):
    _activity_upload(client_for("pmo"), ACTIVITY_HEAD + b"RA1,ae,N1,F,\x003\n", "a.csv")
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.payload == {}
    assert job.errors == [
        "a.csv, row 2: this row holds a NUL character (\\0), which no text may hold: "
        "is this the right file?"
    ]
    wide = b",".join(b"c%d" % i for i in range(25)) + b"\n"
    lines = rejected(demand_importers.read_frame, wide, "w.csv")
    assert lines == ["w.csv, row 1: the row has 25 columns, more than the 20 Footprint takes"]


def test_an_activity_file_too_large_is_refused_on_the_form_unkept(client_for, footprint):
    big = ACTIVITY_HEAD + b"x" * imports.ACTIVITY.bytes
    page = _activity_upload(client_for("pmo"), big, "a.csv").content.decode()
    assert "a.csv is 60.0 MB, more than the 60 MB Footprint takes in one file" in page
    assert not Job.objects.exists()


def test_a_form_body_too_large_gets_a_page_saying_so_not_a_500(client, cast):
    response = client.post(reverse("core:login"), {"username": "x" * 3_000_000, "password": "y"})
    assert response.status_code == 400
    assert "The request could not be read" in response.content.decode()
    assert "too large" in response.content.decode()


def test_the_job_page_of_a_swept_job_says_why_it_failed(client_for, cast):
    job = create_job(kind="import:x", title="Import a.csv", user=cast["pmo"], payload={"t": 1})
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now() - dt.timedelta(hours=2)
    )
    sweep_stuck_jobs(now=timezone.now())
    html = client_for("pmo").get(f"/workspace/jobs/{job.pk}/").content.decode()
    assert "ran for more than 60 minutes without finishing" in html and "<progress" not in html


def test_a_job_swept_while_it_waited_is_not_run_when_a_worker_takes_it_at_last(cast):
    job = create_job(kind="import:x", title="Import a.csv", user=cast["pmo"], payload={"t": 1})
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    sweep_stuck_jobs(now=timezone.now())
    ran = []
    run_job(job.pk, lambda job, progress: ran.append(job.pk) or "done")
    job.refresh_from_db()
    assert ran == [] and job.status == Job.Status.FAILED and "never started" in job.message


def test_any_body_larger_than_any_file_is_refused_before_the_csrf_check_reads_it(client):
    """The declared length is enough: the body is never read (here it is one byte), so the
    CSRF check, which reads a form's whole body, never sees it and a stranger gets no 403."""
    response = client.generic(
        "POST",
        reverse("core:login"),
        b"x",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(imports.LARGEST_UPLOAD * 2),
    )
    assert response.status_code == 413
    assert "more than the 60 MB" in response.content.decode()
    assert "Content-Security-Policy" in response.headers


def test_a_worker_taking_a_job_that_waited_long_runs_it_and_the_others_waiting(cast):
    """Starting a job sweeps only jobs a dead worker left running: jobs still queued, however
    old (a demo built on an earlier day, a worker stopped for a weekend), are run in turn."""
    old = timezone.now() - dt.timedelta(days=3)
    first, second = (
        create_job(kind="import:x", title=f"Import {n}.csv", user=cast["pmo"], payload={"t": n})
        for n in (1, 2)
    )
    Job.objects.filter(pk__in=[first.pk, second.pk]).update(created_at=old)
    ran = []
    for job in (first, second):
        run_job(job.pk, lambda job, progress: ran.append(job.pk) or "done")
    assert ran == [first.pk, second.pk]
    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.SUCCEEDED}
