"""The progress page of long work: where it leads back to, and how it says what failed."""

import pytest

from footprint.core.imports import ImportRejected, RowError
from footprint.core.jobs import create_job, run_job
from footprint.core.models import Job
from footprint.demand.models import Run
from tests.integration.test_demand import baseline, scenario  # noqa: F401 (fixtures)


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


def test_anyone_who_may_see_a_model_run_watches_its_progress(client_for, cast, scenario):  # noqa: F811
    """A run the programme office started: partners see its bar move (its page polls the job),
    not a percentage frozen when they opened the page; someone with no role sees nothing."""
    job = create_job(kind="demand:run", title="Run Plan", user=cast["pmo"], payload={})
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=40, total=100)
    run = Run.objects.create(
        scenario=scenario, parameters=scenario.parameters, created_by=cast["pmo"], job=job
    )
    poll = f"/workspace/jobs/{job.pk}/"
    page = client_for("editor_a").get(f"/workspace/demand/runs/{run.pk}/").content.decode()
    assert f'hx-get="{poll}"' in page
    for who in ("pmo", "editor_a", "viewer"):
        bar = client_for(who).get(poll, headers={"HX-Request": "true"}).content.decode()
        assert "40% done" in bar, who
    Job.objects.filter(pk=job.pk).update(done=75)
    assert "75% done" in client_for("viewer").get(poll, HTTP_HX_REQUEST="true").content.decode()
    assert client_for("stranger").get(poll).status_code == 404
    assert client_for("public").get(poll).status_code == 302  # asked to log in


def test_a_job_with_no_subject_is_only_its_starters(client_for, cast):
    job = create_job(
        kind="import:organisations", title="Import o.csv", user=cast["pmo"], payload={}
    )
    assert "Import o.csv" in client_for("pmo").get(f"/workspace/jobs/{job.pk}/").content.decode()
    assert client_for("editor_a").get(f"/workspace/jobs/{job.pk}/").status_code == 404
    # A run's job whose run is gone (deleted) is its starter's alone as well.
    run_job_ = create_job(kind="demand:run", title="Run Plan", user=cast["pmo"], payload={})
    assert client_for("editor_a").get(f"/workspace/jobs/{run_job_.pk}/").status_code == 404
