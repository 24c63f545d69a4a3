"""The plan's pages as partners and the public see them, and who may record figures. Who may
see each page: test_permissions_plans.py."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from footprint.core.models import AuditEvent
from footprint.plans import services
from footprint.plans.models import Goal, Measurement, Metric, Rebase


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
    assert "The latest figure, for March 2025, is 66.0%." in page
    assert (
        "The latest point shows special cause concern: unusually low, which is bad "
        "(two of three points close to the lower limit)." in page
    )
    assert (
        "Against the target of 80.0%: the target will consistently be missed without a "
        "change to the process." in page
    )
    assert "two of three points close to the lower limit" in page
    assert 'id="spc-spec"' in page and 'id="series-table"' in page
    # March 2026 is over: the goal is missed, not merely at risk or behind its trajectory.
    assert ">Missed</strong>" in page and "At risk" not in page
    assert (
        "The target was 80.0% by March 2026. The target date has passed and the latest value, "
        "from before it, does not meet the target." in page
    )
    assert "behind the trajectory" not in page
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
    assert "We started at 71.0% in April 2023 and aim for 80.0% by March 2026." in page
    assert "The latest figure, for March 2025, is 66.0%." in page
    assert ">Missed</strong>" in page


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
    assert job.message == "1 measurement saved in 1 series"
    # The goal's page lists the imported figure among its figures' changes (walk PL3).
    page = client.get(reverse("plans:goal", args=[plan["goal"].pk])).content.decode()
    changes = page[page.index('id="figure-history"') :]
    assert "Recorded June 2025: 75.0%" in changes[: changes.index("</table>")]


def test_an_import_lists_every_problem_in_the_file_at_once(client_for, plan):
    """A formula in one cell hides nothing: the importer's problems (period, value, subject,
    population) and the service's (unknown codes, an impossible percentage, a period not yet
    over) all come in one answer, by row and column, and nothing is saved."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from footprint.core.models import Job

    text = (
        "Metric,Period,Value,Organisation,Place,Population\n"
        'ae-4-hour,2025-06,"=HYPERLINK(""http://x"",""1"")",RA1,,\n'  # 2: a formula value
        "ae-4-hour,June 2025,70,RA1,,\n"  # 3: a period not a period
        "ae-4-hour,2025-07,70,RA1,E10000901,\n"  # 4: two subjects
        "beds,2025-06,1,RA1,,\n"  # 5: no such metric
        "ae-4-hour,2025-08,71,ZZZ,,\n"  # 6: no such organisation
        "ae-4-hour,2025-09,250,RA1,,\n"  # 7: not a possible percentage
        "ae-4-hour,2200-01,73,RA1,,\n"  # 8: a period long after today
        "ae-4-hour,2025-10,lots,RA1,,-5\n"  # 9: two problems in one row
        "ae-4-hour,2025-05,74,RA1,,\n"  # 10: fine, but nothing is saved
    )
    client_for("editor_a").post(
        reverse("plans:measurement_import"),
        {"file": SimpleUploadedFile("m.csv", text.encode())},
    )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    lines = job.errors
    expected = [
        "m.csv, row 2, column 'Value': '=HYPERLINK(\"http://x\",\"1\")' is not a number",
        "m.csv, row 3, column 'Period': 'June 2025' is not a period",
        "m.csv, row 4, column 'Organisation': give one of organisation, place or neighbourhood",
        "m.csv, row 5, column 'Metric': no metric has the code 'beds'",
        "m.csv, row 6, column 'Organisation': no organisation has the ODS code 'ZZZ'",
        "m.csv, row 7, column 'Value': 250.0 is not possible for a percentage",
        "m.csv, row 8, column 'Period': January 2200 is after",
        "m.csv, row 9, column 'Value': 'lots' is not a number",
        "m.csv, row 9, column 'Population': a population of -5",
    ]
    assert len(lines) == len(expected), "\n".join(lines)
    for line, start in zip(lines, expected, strict=True):
        assert line.startswith(start), (line, start)
    assert not Measurement.objects.filter(period=dt.date(2025, 5, 1)).exists()


# --- Figures that cannot be, and removing one recorded in error ---------------------------------


def _this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


@pytest.mark.parametrize(
    ("period", "value", "field", "message"),
    [
        ("1900-01", "71", "period", "January 1900 is before January 2000: is the year right?"),
        ("2200-01", "50", "period", "January 2200 is after"),
        ("this month", "71", "period", "the last complete month on"),
        ("2025-06", "-50", "value", "-50.0 is not possible for a percentage: it must be from 0"),
        ("2025-06", "250", "value", "250.0 is not possible for a percentage"),
        ("2025-06", "1e300", "value", "1e+300 is not possible for a percentage"),
    ],
)
def test_impossible_figures_are_refused_on_the_goal_page(
    client_for, plan, period, value, field, message
):
    goal = plan["goal"]
    if period == "this month":
        period = f"{_this_month():%Y-%m}"
    response = client_for("pmo").post(
        reverse("plans:record_measurement", args=[goal.pk]),
        {"m-period": period, "m-value": value, "m-note": ""},
    )
    page = response.content.decode().replace("&#39;", "'")
    assert response.status_code == 200 and "There is a problem" in page
    assert message in page
    assert f'href="#id_m-{field}"' in page  # the summary links to the field
    assert Measurement.objects.count() == 24
    assert not AuditEvent.objects.exists()
    # The page still reads the chart as it was.
    assert "The latest figure, for March 2025, is 66.0%." in page


def test_the_last_complete_month_is_accepted(client_for, plan):
    last = (_this_month() - dt.timedelta(days=1)).replace(day=1)
    response = client_for("pmo").post(
        reverse("plans:record_measurement", args=[plan["goal"].pk]),
        {"m-period": f"{last:%Y-%m}", "m-value": "100", "m-note": ""},
    )
    assert response.status_code == 302
    assert Measurement.objects.get(period=last).value == 100.0


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2200-01", "January 2200 is outside them"),
        ("2025-06", "June 2025 is outside them"),
        ("2023-04", "April 2023 is its first"),
        ("2023-03", "March 2023 is outside them"),
    ],
)
def test_new_limits_start_only_within_the_series(client_for, plan, period, message):
    response = client_for("editor_a").post(
        reverse("plans:add_rebase", args=[plan["goal"].pk]),
        {"r-period": period, "r-reason": "New triage model"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert (
        "New limits start within the series&#39; figures, after its first period (April 2023) "
        "and up to its latest (March 2025)" in page
    )
    assert message in page
    assert not Rebase.objects.exists() and not AuditEvent.objects.exists()


def test_new_limits_start_once_for_a_period(client_for, plan):
    url = reverse("plans:add_rebase", args=[plan["goal"].pk])
    client = client_for("editor_a")
    client.post(url, {"r-period": "2024-12", "r-reason": "New triage model"})
    again = client.post(url, {"r-period": "2024-12", "r-reason": "Again"})
    assert "New limits already start from December 2024" in again.content.decode()
    assert Rebase.objects.get().reason == "New triage model"


def test_new_limits_from_a_gap_start_at_the_next_figure(cast, plan):
    from footprint.plans import compute, queries

    Measurement.objects.filter(period=dt.date(2024, 12, 1)).delete()
    services.add_rebase(
        metric=plan["metric"],
        subject=plan["goal"],
        period=dt.date(2024, 12, 1),
        reason="New triage model",
        by=cast["pmo"],
    )
    series = compute.judge_series(queries.series(plan["metric"], "org:RA1"))
    january = series.periods.index(dt.date(2025, 1, 1))
    assert [p.segment for p in series.result.points][january - 1 : january + 1] == [0, 1]


def test_a_figure_recorded_in_error_is_removed_with_its_history(client_for, cast, plan):
    goal = plan["goal"]
    # A figure for a month that was already over but wrong: recorded against the wrong month.
    services.record_measurement(
        metric=goal.metric,
        subject=goal,
        period=dt.date(2025, 6, 1),
        value=74.5,
        note="",
        by=cast["editor_a"],
        today=timezone.localdate(),
    )
    client = client_for("editor_a")
    page = client.get(reverse("plans:goal", args=[goal.pk])).content.decode()
    assert "Remove a figure" in page
    assert re.search(r'<option value="2025-06-01"[^>]*>June 2025: 74.5%\s*</option>', page)
    url = reverse("plans:remove_measurement", args=[goal.pk])
    no_reason = client.post(url, {"x-period": "2025-06-01", "x-reason": ""})
    assert "Enter the reason for removing it" in no_reason.content.decode()
    assert Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()

    response = client.post(url, {"x-period": "2025-06-01", "x-reason": "Recorded for June"})
    assert response.status_code == 302 and response["Location"] == goal.get_absolute_url()
    assert not Measurement.objects.filter(period=dt.date(2025, 6, 1)).exists()
    page = client.get(reverse("plans:goal", args=[goal.pk])).content.decode()
    assert "Removed the figure for June 2025." in page
    assert "The latest figure, for March 2025, is 66.0%." in page
    # The history keeps the figure, who removed it and why; the audit trail says so too.
    gone = Measurement.history.filter(period=dt.date(2025, 6, 1)).latest("history_date")
    assert gone.history_type == "-" and gone.value == 74.5
    assert gone.history_user == cast["editor_a"]
    assert gone.history_change_reason == "Recorded for June"
    event = AuditEvent.objects.get(action="remove_measurement")
    assert event.actor == cast["editor_a"] and event.details["old"] == 74.5
    assert event.details["reason"] == "Recorded for June"
    assert "Jun 2025: removed the figure 74.5% (Recorded for June)" in event.summary
    changes = page[page.index('id="figure-history"') :]
    changes = changes[: changes.index("</table>")]
    assert "Removed the figure for June 2025: Recorded for June" in changes
    assert changes.index("Removed the figure") < changes.index("Recorded June 2025: 74.5%")


def test_only_those_who_record_figures_see_the_remove_form(client_for, plan):
    page = client_for("viewer").get(reverse("plans:goal", args=[plan["goal"].pk]))
    assert "Remove a figure" not in page.content.decode()


# --- Figures written as their unit is ----------------------------------------------------------


@pytest.fixture
def count_goal(plan, footprint):
    """A goal on a count: ambulance handovers over an hour at Trust A, from 174 to none."""
    metric = Metric.objects.create(
        slug="handover-delays",
        name="Ambulance handovers over 60 minutes",
        unit="count",
        improvement="decrease",
        definition="Handovers taking over an hour, in the month.",
        data_source="Test",
        owner=footprint["trust_a"],
        next_review=dt.date(2027, 1, 1),
    )
    values = [174.0, 1180.0, 190.0, 186.0, 200.0, 188.0, 192.0, 179.0, 185.0, 195.0, 189.0, 191.0]
    for i, v in enumerate(values):
        Measurement.objects.create(
            metric=metric,
            organisation=footprint["trust_a"],
            period=dt.date(2025, 1 + i, 1),
            value=v,
        )
    return Goal.objects.create(
        priority=plan["priority"],
        statement="No ambulance handover at Trust A takes over an hour",
        metric=metric,
        organisation=footprint["trust_a"],
        owner=footprint["trust_a"],
        baseline_value=174.0,
        baseline_date=dt.date(2025, 1, 1),
        target_value=0.0,
        target_date=dt.date(2028, 3, 1),
    )


def test_counts_are_whole_numbers_without_the_word_count(
    client_for, client, cast, plan, count_goal
):
    page = client_for("viewer").get(reverse("plans:goal", args=[count_goal.pk])).content.decode()
    reading = re.search(r'<ul class="nhsuk-list" id="reading">(.*?)</ul>', page, re.S).group(1)
    assert "The latest figure, for December 2025, is 191." in reading
    assert "The average is 271;" in reading  # 3,249 / 12 = 270.75
    assert "Against the target of 0:" in reading
    assert re.search(r"expects \d+ by now", reading)
    assert " count" not in reading and ".0" not in reading
    assert "174 in January 2025" in page and "0 by March 2028" in page
    assert '<td class="nhsuk-table__cell fp-numeric">1,180</td>' in page
    spec = json.loads(re.search(r'id="spc-spec"[^>]*>(.*?)</script>', page, re.S).group(1))
    labels = [
        row["label"]
        for layer in spec["layer"]
        for row in layer.get("data", {}).get("values", [])
        if "target" in row
    ]
    assert labels == ["Target 0"]
    overview = client_for("viewer").get(reverse("plans:overview")).content.decode()
    assert "191<br>" in overview and "191.0" not in overview

    services.publish_plan(plan=plan["plan"], by=cast["pmo"])
    public = client.get(reverse("plans:public")).content.decode()
    assert "We started at 174 in January 2025 and aim for 0 by March 2028." in public
    assert "The latest figure, for December 2025, is 191." in public
    assert " count" not in public and ".0 " not in public


def test_rates_keep_their_per_1000_wording(client_for, plan, footprint):
    metric = Metric.objects.create(
        slug="emergency-admissions",
        name="Emergency admissions per 1,000 residents",
        unit="per 1,000",
        improvement="decrease",
        definition="Admissions per 1,000 residents.",
        data_source="Test",
        owner=footprint["trust_a"],
        next_review=dt.date(2027, 1, 1),
    )
    Measurement.objects.create(
        metric=metric, organisation=footprint["trust_a"], period=dt.date(2025, 1, 1), value=8.64
    )
    goal = Goal.objects.create(
        priority=plan["priority"],
        statement="Fewer emergency admissions",
        metric=metric,
        organisation=footprint["trust_a"],
        owner=footprint["trust_a"],
        baseline_value=8.64,
        baseline_date=dt.date(2025, 1, 1),
        target_value=7.5,
        target_date=dt.date(2028, 3, 1),
    )
    page = client_for("viewer").get(reverse("plans:goal", args=[goal.pk])).content.decode()
    assert "The latest figure, for January 2025, is 8.6 per 1,000." in page
    assert "7.5 per 1,000 by March 2028" in page


@pytest.mark.parametrize("who", ["pmo", "public"])
def test_a_form_only_address_opened_in_the_browser_says_so(client_for, plan, who):
    """Walk CP1: publishing is a form's button; opened by address it answered an empty 405."""
    response = client_for(who).get(reverse("plans:publish"))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "This address is a form's button" in response.content.decode()
