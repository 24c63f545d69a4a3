"""The progress page of long work: where it leads back to, and how it says what failed."""

import pytest

from footprint.core.imports import ImportRejected, RowError
from footprint.core.jobs import create_job, run_job


@pytest.mark.parametrize(
    ("kind", "back"),
    [
        ("import:workforce:returns", 'href="/workspace/workforce/import/">Back to workforce'),
        ("import:measurements", 'href="/workspace/plan/import/">Back to importing figures'),
        ("import:organisations", 'href="/workspace/imports/">Back to imports'),
        ("demand:run", 'href="/workspace/demand/">Back to demand and capacity'),
    ],
)
def test_the_job_page_leads_back_to_where_the_work_started(client_for, cast, kind, back):
    job = create_job(kind=kind, title="Import wf.csv", user=cast["viewer"], payload={})
    html = client_for("viewer").get(f"/workspace/jobs/{job.pk}/").content.decode()
    assert back in html


def test_a_failed_import_counts_its_problems_in_words_and_shows_no_progress(client_for, cast):
    job = create_job(
        kind="import:organisations", title="Import o.csv", user=cast["pmo"], payload={}
    )

    def reject(job, progress):
        raise ImportRejected("o.csv", [RowError(2, "Name", "is blank")])

    run_job(job.pk, reject)
    html = client_for("pmo").get(f"/workspace/jobs/{job.pk}/").content.decode()
    assert "1 problem in o.csv" in html and "1 problems" not in html
    assert "<progress" not in html and "% done" not in html
    assert "row 2" in html and "is blank" in html
