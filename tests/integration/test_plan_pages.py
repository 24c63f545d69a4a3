"""The plan's pages as partners and the public see them, and who may record figures. Who may
see each page: test_permissions_plans.py."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.plans import services
from footprint.plans.models import Measurement, Rebase


@pytest.mark.parametrize(
    ("who", "allowed"), [("pmo", True), ("editor_a", True), ("editor_b", False), ("viewer", False)]
)
def test_only_the_goal_owner_and_programme_office_record_figures(client_for, plan, who, allowed):
    goal = plan["goal"]
    page = client_for(who).get(reverse("plans:goal", args=[goal.pk])).content.decode()
    assert ("Record a measurement" in page) is allowed
    assert ("Record a change in the process" in page) is allowed
    response = client_for(who).post(
        reverse("plans:record_measurement", args=[goal.pk]),
        {"m-period": "2025-06", "m-value": "74.5", "m-note": ""},
    )
    assert response.status_code == (302 if allowed else 403)
    assert Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists() is allowed
    if allowed:
        assert response["Location"] == reverse("plans:goal", args=[goal.pk])
        event = AuditEvent.objects.get(action="record_measurement")
        assert event.actor.username == who
        assert event.details["subject"] == "org:RA1" and event.details["new"] == 74.5


def test_a_bad_figure_shows_the_goal_page_with_the_error(client_for, plan):
    goal = plan["goal"]
    response = client_for("editor_a").post(
        reverse("plans:record_measurement", args=[goal.pk]),
        {"m-period": "June", "m-value": "74.5", "m-note": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "June&#39; is not a period" in page and goal.statement in page
    assert not Measurement.objects.filter(value=74.5).exists()


def test_the_goal_page_takes_no_posts(client_for, plan):
    url = reverse("plans:goal", args=[plan["goal"].pk])
    response = client_for("pmo").post(url, {"m-period": "2025-06", "m-value": "1", "m-note": ""})
    assert response.status_code == 405
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()


def test_a_rebase_needs_a_reason_and_starts_new_limits(client_for, plan):
    url = reverse("plans:add_rebase", args=[plan["goal"].pk])
    client = client_for("editor_a")
    missing = client.post(url, {"r-period": "2024-12", "r-reason": ""})
    assert "Enter why the process changed" in missing.content.decode()
    assert not Rebase.objects.exists()
    client.post(url, {"r-period": "2024-12", "r-reason": "New triage model"})
    assert Rebase.objects.get().reason == "New triage model"
    page = client.get(reverse("plans:goal", args=[plan["goal"].pk])).content.decode()
    assert "The limits were recalculated from December 2024 (New triage model)." in page


def test_only_those_who_change_the_series_start_new_limits(client_for, plan):
    url = reverse("plans:add_rebase", args=[plan["goal"].pk])
    response = client_for("editor_b").post(url, {"r-period": "2024-12", "r-reason": "Mine"})
    assert response.status_code == 403 and "permission" in response.content.decode().lower()
    assert not Rebase.objects.exists()


def test_goal_page_reads_the_chart_in_plain_english(client_for, plan):
    page = client_for("viewer").get(reverse("plans:goal", args=[plan["goal"].pk])).content.decode()
    # 16 months alternating 70/72 then 8 months at 66: mean 69.33; the moving range of 6 is
    # screened out, so the AMR is 30/22 and the limits 65.7 and 73.0, the near lower limit
    # 66.9. The 66s sit between the two: two of three close to the lower limit, which
    # outranks the run of eight below the mean.
    assert "The latest figure, for March 2025, is 66.0 %." in page
    assert (
        "The latest point shows special cause concern: unusually low, which is bad "
        "(two of three points close to the lower limit)." in page
    )
    assert (
        "Against the target of 80.0 %: the target will consistently be missed without a "
        "change to the process." in page
    )
    assert "two of three points close to the lower limit" in page
    assert 'id="spc-spec"' in page and 'id="series-table"' in page
    assert "At risk" in page
    # The chart's table names months as people say them, not as ISO strings.
    assert '<td class="nhsuk-table__cell">Mar 2025</td>' in page
    assert '<td class="nhsuk-table__cell">2025-03</td>' not in page


def test_early_warning_lists_the_concern(client_for, plan):
    page = client_for("viewer").get(reverse("plans:early_warning")).content.decode()
    assert "A&amp;E within 4 hours" in page and "Trust A Hospitals" in page
    assert "Two of three points close to the lower limit" in page


def matrix_of(page: str) -> dict[str, list[str]]:
    """The summary matrix: each row's heading, and its counts by column."""
    table = re.search(r'<table class="nhsuk-table" id="summary-matrix">(.*?)</table>', page, re.S)
    assert table, "no summary matrix"
    rows = re.findall(
        r'<th scope="(?:row|col)"[^>]*>(.*?)</th>(.*?)(?=<th scope="row"|</tbody>)',
        table.group(1),
        re.S,
    )
    header = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table.group(1))
    counts = {
        name: re.findall(r'<td class="nhsuk-table__cell fp-numeric">(\d+)</td>', cells)
        for name, cells in rows
        if name != "Variation"
    }
    return {"": header[1:], **counts}


def test_overview_counts_the_goal_in_the_summary_matrix(client_for, plan):
    page = client_for("viewer").get(reverse("plans:overview")).content.decode()
    assert "Four in five seen within four hours at Trust A" in page
    matrix = matrix_of(page)
    assert matrix[""] == [
        "Will meet the target",
        "Hit and miss",
        "Will not meet the target",
        "No target to judge against",
    ]
    assert list(matrix)[1:] == [
        "Special cause improvement",
        "Common cause",
        "Special cause concern",
        "Special cause, no preferred direction",
        "Too few points to judge",
    ]
    assert matrix["Special cause concern"] == ["0", "0", "1", "0"]
    assert matrix["Common cause"] == ["0", "0", "0", "0"]


def test_the_public_sees_only_a_published_plan(client, cast, plan):
    assert "has not published its plan yet" in client.get(reverse("plans:public")).content.decode()
    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    page = client.get(reverse("plans:public")).content.decode()
    assert "Four in five seen within four hours at Trust A" in page
    assert "We started at 71.0 % in April 2023 and aim for 80.0 % by March 2026." in page


def test_metrics_show_reviews_that_are_due(client_for, plan):
    page = client_for("viewer").get(reverse("plans:metrics")).content.decode()
    assert "ae-4-hour" in page and ">Due<" in page


def test_any_series_has_its_own_chart(client_for, plan):
    url = reverse("plans:metric_series", args=["ae-4-hour", "org:RA1"])
    page = client_for("viewer").get(url).content.decode()
    assert "<h1>A&amp;E within 4 hours</h1>" in page and "Trust A Hospitals" in page
    assert 'id="spc-spec"' in page and 'id="series-table"' in page
    assert "two of three points close to the lower limit" in page  # the table's verdicts
    missing = reverse("plans:metric_series", args=["ae-4-hour", "org:RB1"])
    assert client_for("viewer").get(missing).status_code == 404


def test_the_measurement_import_page_runs_a_job(client_for, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from footprint.core.models import Job

    client = client_for("editor_a")
    client.post(
        reverse("plans:measurement_import"),
        {
            "file": SimpleUploadedFile(
                "m.csv", b"Metric,Period,Value,Organisation\nae-4-hour,2025-06,75,RA1\n"
            )
        },
    )
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert job.message == "1 measurements saved in 1 series"
