"""The staff escalation beds need: today's open escalation beds in the daily returns on the
workforce page, and each winter scenario's on its page, with the staffing assumptions (kept in
``footprint/workforce/data/bed_staffing.toml``) and their sources in words. Numbers to check
by hand."""

import datetime as dt

import pytest
from django.urls import reverse

from footprint.flow.models import DailyReturn, Measure, ReturnValue
from footprint.partnership.models import Organisation
from footprint.winter import queries as winter_queries
from footprint.winter import services as winter_services
from footprint.workforce import compute

# With the data file's assumptions, one bed needs (12/8 + 12/10) × 7 / 37.5 × 1.22 = 0.61488
# WTE registered nurses and (12/8 + 12/16) × 7 / 37.5 × 1.22 = 0.5124 WTE healthcare
# assistants: 10 beds, 6.15 and 5.12, 11.27 in all.
RN_A_BED, HCA_A_BED = 0.61488, 0.5124


def test_ten_beds_need_the_data_files_ratios_times_ten():
    need = {n.name: n for n in compute.staff_for_beds(10)}
    assert need["Registered nurses"].wte == pytest.approx(10 * RN_A_BED)
    assert need["Healthcare assistants"].wte == pytest.approx(10 * HCA_A_BED)
    assert need["Registered nurses"].staff_group_name == "Nurses and health visitors"
    assert need["Healthcare assistants"].staff_group_name == "Support to clinical staff"


def _return(org, day, escalation_beds):
    r = DailyReturn.objects.create(
        organisation=org,
        date=day,
        kind="acute",
        submitted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    ReturnValue.objects.create(
        daily_return=r, measure=Measure.ESCALATION_BEDS, value=escalation_beds
    )


def test_the_workforce_page_staffs_the_escalation_beds_open_in_the_latest_returns(
    client_for, footprint
):
    today = dt.date.today()
    trust_a = Organisation.objects.get(ods_code="RA1")
    trust_b = Organisation.objects.get(ods_code="RB1")
    _return(trust_a, today - dt.timedelta(days=3), 4)
    _return(trust_a, today - dt.timedelta(days=1), 10)  # the latest counts
    _return(trust_b, today - dt.timedelta(days=30), 25)  # too old: left out
    page = client_for("viewer").get(reverse("workforce:escalation")).content.decode()
    assert "Staff for escalation beds" in page
    assert "The 10 escalation beds open" in page and "about 11 whole-time" in page
    assert "6 WTE registered nurses and 5 WTE healthcare assistants" in page
    assert "Trust A Hospitals" in page and "Trust B Hospitals" not in page
    assert ">6.1<" in page and ">5.1<" in page and ">11.3<" in page  # the table's figures
    assert "Registered nurses (WTE)</th>" in page and "All staff (WTE)</th>" in page
    assert "NICE guideline SG1" in page and '"escalation-staff"' in page  # source, chart
    # Walk WF2: what the assumptions are, where they come from and who changes them, in words
    # for a workforce lead, not a path in the source code.
    assert "bed_staffing.toml" not in page and "footprint/workforce" not in page
    assert "Registered nurses, 1 to 8 by day and 1 to 10 by night: more than 8" in page
    assert "22 % headroom for annual leave" in page and "Developing workforce safeguards" in page
    assert "ask the administrator who runs Footprint for your partnership" in page


def test_the_staff_chart_wraps_long_trust_names_rather_than_cutting_them():
    """Walk WF2: "Hallowdale Hospital NHS Foundation Trust" was cut at every width; each name
    is now on lines of at most 22 characters, with no limit to a line's length."""
    from footprint.workforce.charts import staff_bars

    name = "Hallowdale Hospital NHS Foundation Trust"
    spec = staff_bars(
        [
            {"who": name, "staff": "Registered nurses", "wte": 6.1},
            {"who": name, "staff": "Healthcare assistants", "wte": 5.1},
            {"who": "Trust A", "staff": "Registered nurses", "wte": 1.0},
        ],
        "Staff the escalation beds open today need, by trust",
    )
    y = spec["encoding"]["y"]
    assert y["axis"] == {"labelLimit": 0, "labelExpr": "split(datum.label, '|')"}
    labels = [v["label"] for v in spec["data"]["values"]]
    assert labels[0] == "Hallowdale Hospital|NHS Foundation Trust" and labels[2] == "Trust A"
    assert all(len(line) <= 22 for label in labels for line in label.split("|"))
    assert y["sort"] == ["Hallowdale Hospital|NHS Foundation Trust", "Trust A"]
    assert spec["data"]["values"][0]["who"] == name  # the tooltip names it whole


def test_with_no_return_the_page_says_so(client_for, footprint):
    page = client_for("viewer").get(reverse("workforce:escalation")).content.decode()
    assert "No acute trust has given its escalation beds open" in page


def test_a_winter_scenario_shows_the_staff_its_escalation_beds_need(client_for, cast):
    plan = winter_services.save_plan(
        by=cast["pmo"],
        name="Winter",
        start=dt.date(2026, 12, 1),
        days=14,
        peak=dt.date(2027, 1, 5),
        runs=10,
    )
    sc = winter_services.save_scenario(plan=plan, by=cast["pmo"], name="Do nothing")
    for pi in winter_queries.inputs(sc):
        winter_services.save_inputs(
            scenario=sc,
            organisation=pi.organisation,
            by=cast["pmo"],
            values={**winter_queries.values_of(pi), "escalation_beds": 10},
        )
    page = client_for("viewer").get(sc.get_absolute_url()).content.decode()
    assert "Staff for the escalation beds" in page
    assert "Trust A Hospitals needs about 11 WTE for its 10 beds" in page
    assert "6.1 registered nurses, 5.1 healthcare assistants" in page
    assert "average day" not in page  # not run yet
    r = winter_services.start_run(scenario=sc, by=cast["pmo"], enqueue=lambda pk: None)
    winter_services.run_simulation(run=r, by=cast["pmo"])
    page = client_for("viewer").get(sc.get_absolute_url()).content.decode()
    assert "Open on an average day" in page and "Registered nurses (WTE), average day" in page
