"""Metrics made from the urgent-care daily returns (issue 19): the system's monthly series
of patients with no criteria to reside, handover times and long handovers, written from the
returns by the plan's service, again whenever a return is saved, and judged with SPC as every
goal is."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from footprint.core.models import AuditEvent
from footprint.flow import services as flow
from footprint.plans import compute, queries, services
from footprint.plans.models import NCTR_ALL, Goal, Measurement, Metric

NOW = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 0))
TODAY = dt.date(2026, 11, 30)


def metric(footprint, measure, aggregation, unit="patients", name="NCTR patients"):
    return Metric.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-"),
        unit=unit,
        improvement="decrease",
        definition="From the daily returns.",
        data_source="Daily situation reports",
        owner=footprint["trust_a"],
        next_review=dt.date(2027, 1, 1),
        flow_measure=measure,
        flow_aggregation=aggregation,
    )


def submit(cast, footprint, org, day, **figures):
    by = cast["editor_a"] if org == "trust_a" else cast["pmo"]
    return flow.submit_return(organisation=footprint[org], day=day, figures=figures, by=by, now=NOW)


def three_days(cast, footprint):
    """Three days of October 2026. Trust A: NCTR 10+5 = 15, 12, 9 (pathways 0 and 1);
    handovers 30 minutes on average, 40, 20; 2, 3, 1 over an hour. Trust B on the first day
    only: NCTR 6, handovers 50 minutes, 4 over an hour."""
    a = [(15, (10, 5), 30.0, 2), (12, (12, 0), 40.0, 3), (9, (4, 5), 20.0, 1)]
    for i, (_, (p0, p1), minutes, over) in enumerate(a):
        submit(
            cast,
            footprint,
            "trust_a",
            dt.date(2026, 10, 1 + i),
            nctr_pathway_0=p0,
            nctr_pathway_1=p1,
            handover_mean_minutes=minutes,
            handovers_over_60=over,
        )
    submit(
        cast,
        footprint,
        "trust_b",
        dt.date(2026, 10, 1),
        nctr_pathway_2=6,
        handover_mean_minutes=50.0,
        handovers_over_60=4,
    )


def value(m: Metric, period=dt.date(2026, 10, 1)) -> float | None:
    row = Measurement.objects.get(metric=m, subject_key="system", breakdown="", period=period)
    return row.value


def test_three_days_of_returns_make_the_months_figures(cast, footprint):
    three_days(cast, footprint)
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    minutes = metric(footprint, "handover_mean_minutes", "mean", "minutes", "Handover time")
    long = metric(footprint, "handovers_over_60", "total", "handovers", "Long handovers")
    for m in (nctr, minutes, long):
        services.refresh_flow_series(metric=m, by=cast["pmo"], today=TODAY)
    # Daily system totals 15 + 6 = 21, 12, 9: their mean is 42 / 3 = 14.
    assert value(nctr) == 14.0
    # Every provider's daily figure, 30, 40, 20 and 50: their mean is 35.
    assert value(minutes) == 35.0
    # 2 + 3 + 1 + 4 = 10 over the month.
    assert value(long) == 10.0
    row = Measurement.objects.get(metric=nctr, period=dt.date(2026, 10, 1))
    assert row.note == "Made from 3 days of daily returns" and row.subject_key == "system"
    event = AuditEvent.objects.filter(action="refresh_flow_series").latest("pk")
    assert event.actor == cast["pmo"] and event.details["periods"] == ["2026-10-01"]


def test_the_month_still_running_waits_until_it_is_over(cast, footprint):
    submit(cast, footprint, "trust_a", dt.date(2026, 11, 2), nctr_pathway_0=7)
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    assert services.refresh_flow_series(metric=nctr, by=cast["pmo"], today=TODAY) == []
    assert services.refresh_flow_series(metric=nctr, by=cast["pmo"], today=dt.date(2026, 12, 1))[
        0
    ].value == pytest.approx(7.0)


def test_a_quarterly_metric_is_made_from_the_quarters_days(cast, footprint):
    three_days(cast, footprint)
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    nctr.frequency = "quarterly"
    nctr.save()
    # The quarter October to December is not over on 30 November 2026; on 1 January it is.
    assert services.refresh_flow_series(metric=nctr, by=cast["pmo"], today=TODAY) == []
    services.refresh_flow_series(metric=nctr, by=cast["pmo"], today=dt.date(2027, 1, 1))
    assert value(nctr) == 14.0


def test_a_return_saved_later_writes_its_month_again(
    cast, footprint, django_capture_on_commit_callbacks
):
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    with django_capture_on_commit_callbacks(execute=True):
        three_days(cast, footprint)
    assert value(nctr) == 14.0
    with django_capture_on_commit_callbacks(execute=True):
        # A corrected return: Trust B had 12 on the first day, not 6 → totals 27, 12, 9.
        submit(cast, footprint, "trust_b", dt.date(2026, 10, 1), nctr_pathway_2=12)
    assert value(nctr) == 16.0
    event = AuditEvent.objects.filter(action="refresh_flow_series").latest("pk")
    assert event.actor is None and "after the return for 1 October 2026" in event.summary


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_writes_the_series_again(cast, footprint, who):
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    with pytest.raises(PermissionDenied):
        services.refresh_flow_series(metric=nctr, by=cast[who], today=TODAY)


def test_a_metric_not_made_from_the_returns_is_refused(cast, plan):
    with pytest.raises(ValidationError, match="is not made from the daily returns"):
        services.refresh_flow_series(metric=plan["metric"], by=cast["pmo"], today=TODAY)


def test_a_goal_on_a_fed_metric_is_judged_with_spc(cast, footprint, plan):
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    # Twelve months, one return a month at Trust A: 30 patients falling by one a month.
    for i in range(12):
        day = dt.date(2025 + (10 + i) // 12, (10 + i) % 12 + 1, 1)
        submit(cast, footprint, "trust_a", day, nctr_pathway_0=30 - i)
    services.refresh_flow_series(metric=nctr, by=cast["pmo"], today=TODAY)
    goal = Goal.objects.create(
        priority=plan["priority"],
        statement="Fewer patients with no criteria to reside",
        metric=nctr,
        owner=footprint["trust_a"],
        baseline_value=30.0,
        baseline_date=dt.date(2025, 11, 1),
        target_value=15.0,
        target_date=dt.date(2027, 3, 1),
    )
    view = compute.judge_goal(goal, queries.series(nctr, "system"), TODAY)
    assert view.series.values == [30.0 - i for i in range(12)]
    assert len(view.series.result.points) == 12
    assert view.series.result.variation_icon == compute.Variation.IMPROVEMENT_LOW


def test_the_api_says_a_metric_is_fed_from_the_daily_returns(client, cast, footprint):
    from footprint.api.tokens import create_token

    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    submit(cast, footprint, "trust_a", dt.date(2026, 10, 1), nctr_pathway_0=7)
    services.refresh_flow_series(metric=nctr, by=cast["pmo"], today=TODAY)
    token = create_token(user=cast["viewer"], name="t")[1]
    body = client.get(
        f"/api/v1/metrics/{nctr.slug}/series/system",
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert (body["fed_from_daily_returns"], body["daily_return_measure"]) == (True, NCTR_ALL)
    assert [p["value"] for p in body["points"]] == [7.0]


def test_the_button_on_the_metric_page(client_for, cast, footprint):
    three_days(cast, footprint)
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    url = reverse("plans:metric_refresh_flow", args=[nctr.code])
    page = client_for("pmo").get(reverse("plans:metric", args=[nctr.code])).content.decode()
    assert "No criteria to reside: every pathway (patients)" in page
    assert url in page
    viewer = client_for("viewer").get(reverse("plans:metric", args=[nctr.code]))
    assert url not in viewer.content.decode()
    assert client_for("viewer").post(url).status_code == 403
    assert not Measurement.objects.filter(metric=nctr).exists()
    done = client_for("pmo").post(url, follow=True)
    assert "Made the series again from the daily returns: 1 period changed" in (
        done.content.decode()
    )
    assert value(nctr) == 14.0


def test_the_whole_systems_figures_are_not_recorded_by_hand(cast, footprint):
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    with pytest.raises(ValidationError) as refused:
        services.record_measurement(
            metric=nctr,
            subject=queries.SubjectRef(),
            period=dt.date(2026, 10, 1),
            value=12.0,
            note="",
            by=cast["pmo"],
            today=TODAY,
        )
    assert refused.value.message_dict["value"] == [
        "The whole-system figures of NCTR patients are made from the daily returns: they are not "
        "recorded by hand"
    ]
    assert not Measurement.objects.filter(metric=nctr).exists()


def test_the_programme_office_makes_a_metric_from_the_returns_on_its_form(client_for, plan):
    client = client_for("pmo")
    data = {
        "name": "Handovers over an hour, whole system",
        "definition": "Ambulance handovers taking over 60 minutes, in the month.",
        "unit": "handovers",
        "improvement": "decrease",
        "frequency": "monthly",
        "data_source": "Daily situation reports",
        "owner": plan["metric"].owner_id,
        "reviewer": "",
        "next_review": "2027-03-31",
        "flow_measure": "handovers_over_60",
        "flow_aggregation": "",
    }
    form = client.get(reverse("plans:metric_new")).content.decode()
    assert "No criteria to reside: every pathway (patients)" in form
    half = client.post(reverse("plans:metric_new"), data)
    assert half.status_code == 200
    assert "Choose how the days make each period" in half.content.decode()
    assert not Metric.objects.filter(name=data["name"]).exists()
    done = client.post(reverse("plans:metric_new"), data | {"flow_aggregation": "total"})
    assert done.status_code == 302
    metric = Metric.objects.get(name=data["name"])
    assert metric.is_fed_from_returns and metric.flow_aggregation == "total"
    page = client.get(done.url).content.decode()
    assert "Ambulance handovers over 60 minutes: the total over the period" in page


def test_the_goal_page_says_where_its_figures_come_from(client_for, cast, footprint, plan):
    three_days(cast, footprint)
    nctr = metric(footprint, NCTR_ALL, "daily_total_mean")
    services.refresh_flow_series(metric=nctr, by=cast["pmo"], today=TODAY)
    goal = Goal.objects.create(
        priority=plan["priority"],
        statement="Fewer patients with no criteria to reside",
        metric=nctr,
        owner=footprint["trust_a"],
        baseline_value=14.0,
        baseline_date=dt.date(2026, 10, 1),
        target_value=10.0,
        target_date=dt.date(2027, 3, 1),
    )
    page = client_for("pmo").get(reverse("plans:goal", args=[goal.pk])).content.decode()
    assert "Its figures are made from the urgent-care daily returns" in page
    assert "Record a measurement" not in page
    assert "14 patients" in page or "14.0" in page
