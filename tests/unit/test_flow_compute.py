"""The flow app's compute: a day's figures turned into the OPEL framework's parameters (by
hand), each kind's level, the system's, and the day-of-week SPC sentence."""

import datetime as dt

import pytest

from footprint.flow import compute
from footprint.flow.models import ReturnKind


def test_acute_figures_become_the_frameworks_parameters():
    figures = {
        "ga_beds_open": 500.0,
        "ga_beds_occupied": 475.0,  # 95 %
        "handovers": 80.0,
        "handovers_over_60": 8.0,  # 10 %
        "ed_attendances": 400.0,
        "waits_over_12_hours": 20.0,  # 5 %
        "nctr_pathway_1": 50.0,
        "nctr_pathway_3": 45.0,  # 95 of 475 occupied: 20 %
        "four_hour_percent": 72.0,
    }
    assert compute.opel_parameters(ReturnKind.ACUTE, figures) == pytest.approx(
        {
            "ga_occupancy": 95.0,
            "handover_60": 10.0,
            "ed_12_hours": 5.0,
            "nctr_share": 20.0,
            "four_hour": 72.0,
        }
    )
    # Points (placeholders): occupancy 2, handovers 2, 12 hours 2, NCTR 3, 4 hours 1 = 10 of 15.
    level = compute.provider_level(ReturnKind.ACUTE, figures)
    assert level is not None
    assert level.score == pytest.approx(100 * 10 / 15)
    assert level.level == 3


def test_a_share_of_nothing_is_left_out():
    assert (
        compute.opel_parameters(ReturnKind.ACUTE, {"handovers": 0.0, "handovers_over_60": 0.0})
        == {}
    )
    assert compute.provider_level(ReturnKind.ACUTE, {"admissions": 40.0}) is None


def test_mental_health_and_community_levels():
    mh = compute.provider_level(
        ReturnKind.MENTAL_HEALTH,
        {"mh_beds_open": 100.0, "mh_beds_occupied": 106.0, "out_of_area": 12.0, "section_136": 0.0},
    )
    assert mh is not None and mh.points == {"bed_occupancy": 3, "out_of_area": 3, "section_136": 0}
    assert mh.level == 3  # 6 of 9 points: 66.7
    community = compute.provider_level(
        ReturnKind.COMMUNITY, {"ucr_referrals": 40.0, "ucr_within_2_hours": 34.0}
    )
    assert community is not None and community.level == 1  # 85 % within 2 hours
    assert compute.provider_level(ReturnKind.SOCIAL_CARE, {"care_home_beds_available": 3}) is None


def test_nhs_111_figures_become_the_frameworks_parameters():
    figures = {
        "calls_offered": 2000.0,
        "calls_abandoned": 120.0,  # 6 %
        "answer_mean_seconds": 200.0,
        "clinical_callbacks": 400.0,
        "callbacks_within_20": 180.0,  # 45 %
    }
    assert compute.opel_parameters(ReturnKind.NHS_111, figures) == pytest.approx(
        {"abandoned": 6.0, "answer_seconds": 200.0, "callback_20": 45.0}
    )
    level = compute.provider_level(ReturnKind.NHS_111, figures)
    # Points (placeholders): abandoned 2 (3 and 5 % reached), answer 2 (60 and 180 s), call-backs
    # 1 (45 % is at or below 50 but above 40): 5 of 9 = 55.6, OPEL 3.
    assert level is not None and level.points == {
        "abandoned": 2,
        "answer_seconds": 2,
        "callback_20": 1,
    }
    assert level.score == pytest.approx(100 * 5 / 9)
    assert level.level == 3


def test_the_system_is_the_mean_of_its_pillars():
    system = compute.system_level(
        [(ReturnKind.ACUTE, 100.0), (ReturnKind.ACUTE, 50.0), (ReturnKind.COMMUNITY, 25.0)]
    )
    assert system is not None
    assert system.score == pytest.approx((75 + 25) / 2)
    assert system.level == 3
    assert system.points == {"acute": 4, "community": 2}
    assert compute.system_level([]) is None
    # Every pillar: acute 75, community 25, mental health 50, NHS 111 10 -> 40, OPEL 2.
    every = compute.system_level(
        [
            (ReturnKind.ACUTE, 75.0),
            (ReturnKind.COMMUNITY, 25.0),
            (ReturnKind.MENTAL_HEALTH, 50.0),
            (ReturnKind.NHS_111, 10.0),
        ]
    )
    assert every is not None and every.score == pytest.approx(40.0) and every.level == 2
    assert every.points == {"acute": 4, "community": 2, "mental_health": 3, "nhs_111": 1}


def test_the_sentence_says_how_far_from_the_usual_for_the_weekday():
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(28)]  # Mondays first
    values = [20.0 if d.weekday() == 0 else 10.0 for d in days]
    values[-1] = 40.0  # a Sunday far above the usual 10
    series = compute.judge_series(
        compute.SeriesDef("x", "Delays", "patients", "decrease"), days, values
    )
    assert series.special
    assert series.sentence.startswith("Delays: 40 patients, ")
    assert "above the usual" in series.sentence and "for a Sunday" in series.sentence
    assert "a concern" in series.sentence
    assert compute.what_changed([series], days[-1]).startswith(
        "On 29 November 2026, allowing for the day of the week, delays was beyond"
    )


def test_discharge_fit_for_each_trust_and_for_them_together():
    a_day = {"admissions": 50.0, "ga_beds_occupied": 400.0, "discharges_pathway_0": 30.0}
    a_day |= {"discharges_pathway_1": 12.0, "discharges_pathway_2": 6.0}
    a_day |= {"discharges_pathway_3": 2.0, "nctr_pathway_1": 36.0, "nctr_pathway_3": 22.0}
    b_day = {"admissions": 30.0, "ga_beds_occupied": 330.0, "discharges_pathway_1": 8.0}
    b_day |= {"nctr_pathway_1": 44.0}
    day1, day2 = dt.date(2026, 11, 29), dt.date(2026, 11, 30)
    fits = compute.discharge_fit(
        {(1, day1): a_day, (1, day2): a_day, (2, day1): b_day, (2, day2): b_day}
    )
    a, b, both = fits[1], fits[2], fits[None]
    assert a.length_of_stay == pytest.approx(8) and b.length_of_stay == pytest.approx(11)
    assert [p.share for p in a.pathways] == pytest.approx([0.6, 0.24, 0.12, 0.04])
    assert a.pathways[1].delay_days == pytest.approx(3) and a.pathways[3].delay_days == 11
    assert b.pathways[1].delay_days == pytest.approx(5.5)
    # Together: 730 beds ÷ 80 admissions; pathway 1: 80 waiting ÷ 20 leaving a day. Pathway 3
    # only A reported, so the two together have no pathway-3 figure (and no shares).
    assert both.length_of_stay == pytest.approx(730 / 80)
    assert both.pathways[1].delay_days == pytest.approx(4)
    assert both.pathways[3].delay_days is None and both.pathways[0].share is None
    assert compute.discharge_fit({}) == {}


def test_a_partial_return_gives_no_system_figure_and_names_who_is_missing():
    """Trust B reports its beds open but not occupied, and no delays: occupancy and the delays
    have no system figure that day (not 450 ÷ 1,150, nor A's delays alone), naming B; the
    admissions both reported are added up."""
    a = {"ga_beds_open": 500.0, "ga_beds_occupied": 450.0, "admissions": 60.0}
    a |= {m: 10.0 for m in ("nctr_pathway_0", "nctr_pathway_1", "nctr_pathway_2")}
    a |= {"nctr_pathway_3": 5.0}
    b = {"ga_beds_open": 650.0, "admissions": 40.0}
    values, missing = compute.system_day({"A": a, "B": b}, ["A", "B"])
    assert values["ga_occupancy"] is None and values["nctr_total"] is None
    assert values["nctr_pathway_0"] is None
    assert missing["ga_occupancy"] == ["B"] and missing["nctr_pathway_3"] == ["B"]
    assert values["admissions"] == 100.0 and missing["admissions"] == []
    # A trust that made no return leaves every figure of the day without a system figure.
    values, missing = compute.system_day({"A": a}, ["A", "B"])
    assert all(v is None for v in values.values())
    assert missing["admissions"] == ["B"]
    # Both complete: occupancy over both, the delays added up.
    values, missing = compute.system_day({"A": a, "B": a}, ["A", "B"])
    assert missing["ga_occupancy"] == missing["nctr_total"] == []
    assert missing["escalation_beds"] == ["A", "B"]  # neither reported it: no total
    assert values["ga_occupancy"] == pytest.approx(90.0) and values["nctr_total"] == 70.0
    # A trust not expected (one that makes no acute return) is neither waited for nor added.
    values, _ = compute.system_day({"A": a, "C": a}, ["A"])
    assert values["admissions"] == 60.0


def test_a_day_with_one_trust_missing_is_not_an_improvement_in_the_tables():
    """Planted: two trusts with 30 delayed patients each on pathway 1 every day; on the day
    chosen Trust B made no return. The table gives no total for that day (not 30, which would
    read as halving the delays) and names B; a week before, both reported: 60."""
    full = {"nctr_pathway_1": 30.0}
    rows = compute.system_table(
        ["nctr_pathway_1"], ["Pathway 1"], {"A": full}, {"A": full, "B": full}, ["A", "B"]
    )
    assert rows == [compute.TableRow("Pathway 1", None, ["B"], 60.0, [])]
    assert compute.complete_total({}, [], "nctr_pathway_1") == (None, [])


def test_an_incomplete_day_is_listed_but_not_judged_nor_in_the_limits():
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(28)]
    values = [100.0 + (i % 3) for i in range(28)]
    values[-1] = 35.0  # a total some trusts did not report: far below the usual
    definition = compute.SeriesDef("x", "Occupancy", "%", "decrease")
    judged = compute.judge_series(definition, days, values)
    assert judged.special  # judged, it would be an "improvement"
    partial = compute.judge_series(definition, days, values, [[]] * 27 + [["Trust B"]])
    assert not partial.special
    assert partial.sentence == (
        "Occupancy: no system figure for 29 November 2026, because Trust B did not report it "
        "(a total of the returns that arrived would understate the system); the day is not "
        "judged."
    )
    assert partial.rows[0]["verdict"] == "Incomplete, not judged: no figure from Trust B"
    assert partial.rows[0]["value"] == "–"  # the partial figure is not given
    assert partial.points[-1]["value"] is None  # not drawn among the judged points

    def width(s):
        return float(s.rows[1]["upper"]) - float(s.rows[1]["lower"])

    assert width(partial) < width(judged)  # the 35 % no longer widens the limits


def test_a_difference_of_percentages_is_in_percentage_points_and_no_limit_is_below_zero():
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(28)]
    occupancy = [88.0 + (i % 2) * 0.4 for i in range(28)]
    occupancy[-1] = 92.2
    judged = compute.judge_series(
        compute.SeriesDef("x", "Occupancy", "%", "decrease"), days, occupancy
    )
    assert "percentage points above the usual" in judged.sentence
    assert "% above" not in judged.sentence
    # Few escalation beds, swinging: the lower limit would be below 0; it is shown as 0.
    beds = [float(i % 4) for i in range(28)]
    counts = compute.judge_series(
        compute.SeriesDef("y", "Escalation beds", "beds", "neutral"), days, beds
    )
    assert all(r["lower"] == "0" for r in counts.rows)
    assert all(p["lower"] == 0.0 for p in counts.points)


def test_the_system_charts_fit_a_phone_and_give_their_points_once():
    from footprint.core import charts
    from footprint.flow.views import _narrow, _shared_data

    points = [
        {"period": f"2026-11-{d:02d}", "value": 1.0 * d, "mean": 5.0, "lower": 0.0}
        | {"upper": 10.0, "point_type": "common_cause", "rule": None, "segment": 0}
        for d in range(1, 15)
    ]
    spec = _shared_data(_narrow(charts.spc_chart(points, "Beds", "beds", None, measure="Beds")))
    assert spec["title"]["subtitle"] == [
        "Not drawn from zero:",
        "the chart shows variation around the average.",
    ]
    text = str(spec)
    assert "'columns': 3" not in text and "'columns': 1" in text
    assert all("name" in layer["data"] for layer in spec["layer"])  # every layer names its data
    assert len(spec["datasets"]) == 2  # the limits and the values, once each


def test_the_trusts_expected_are_waited_for_every_day():
    """Two trusts are expected; on the last day only one reported: that day is incomplete,
    naming the other. With one trust expected, every day is complete."""
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(21)]
    a = {"ga_beds_open": 500.0, "ga_beds_occupied": 450.0, "admissions": 60.0}
    both = {d: {"A": a, "B": a} for d in days[:-1]} | {days[-1]: {"A": a}}
    occupancy = compute.system_picture(days, both, ["A", "B"])[0]
    assert occupancy.rows[0]["verdict"] == "Incomplete, not judged: no figure from B"
    assert not occupancy.rows[1]["verdict"].startswith("Incomplete")
    assert occupancy.incomplete_days == 1
    alone = compute.system_picture(days, {d: {"A": a} for d in days}, ["A"])[0]
    assert all(not r["verdict"].startswith("Incomplete") for r in alone.rows)
    assert alone.incomplete_days == 0


def test_a_change_of_level_after_the_baseline_is_said_once_as_a_shift():
    """Six steady weeks (the baseline: 20 delayed patients, 30 on Mondays, give or take 1),
    then two weeks 6 higher. The limits are the baseline's; the 14 later days are one shift,
    said in the sentence with the baseline's average beside the last week's, and each of
    those days is "part of a shift" in the table rather than a special cause of its own."""
    days = [dt.date(2026, 9, 7) + dt.timedelta(days=i) for i in range(56)]  # Monday first
    wiggle = [1.0, -1.0, 0.0, 1.0, -1.0, 0.0, 0.5]
    values = [
        (30.0 if d.weekday() == 0 else 20.0) + wiggle[i % 7] + (6.0 if i >= 42 else 0.0)
        for i, d in enumerate(days)
    ]
    definition = compute.SeriesDef("x", "Delays", "patients", "decrease")
    series = compute.judge_series(definition, days, values, baseline=42)
    assert series.baseline == (dt.date(2026, 9, 7), dt.date(2026, 10, 18))
    assert series.shifted is True
    assert "It has been above the baseline average every day since 19 October (14 days)" in (
        series.sentence
    )
    # Baseline: (30 + 6 × 20) / 7 + the wiggle's mean (0.5 / 7) = 21.5 a day; last week 27.5.
    assert "which averaged 22 patients a day; the last 7 days averaged 28 patients" in (
        series.sentence
    )
    newest, oldest = series.rows[0], series.rows[-1]
    assert "above the baseline average every day since 19 October" in newest["verdict"]
    assert not newest["verdict"].startswith("Usual")
    assert (oldest["verdict"], oldest["baseline"], newest["baseline"]) == (
        "Usual variation",
        "Yes",
        "No",
    )
    assert all(r["verdict"] == "Usual variation" for r in series.rows[14:])
    changed = compute.what_changed([series], days[-1])
    assert changed.startswith("For a week or more up to 1 November, delays has been above")
    assert "above its baseline average every day: a change of level rather than" in changed
    # The same days without a baseline: the average sits between the levels.
    whole = compute.judge_series(definition, days, values)
    assert whole.baseline is None and all(r["baseline"] == "" for r in whole.rows)


def test_the_baseline_starts_at_the_first_day_with_a_figure():
    """Figures only for the last 20 of 91 days (a partnership that has just started): no
    baseline of 42 days fits after the first figure, so the limits come from those 20 days, as
    without a baseline, rather than from a baseline with no figure in it (no limits at all)."""
    days = [dt.date(2026, 9, 1) + dt.timedelta(days=i) for i in range(91)]
    values = [None] * 71 + [20.0 + (i % 3) for i in range(20)]
    definition = compute.SeriesDef("x", "Delays", "patients", "decrease")
    short = compute.judge_series(definition, days, values, baseline=42)
    assert short.baseline is None
    assert all(isinstance(p["mean"], float) and p["mean"] == p["mean"] for p in short.points)
    # Figures from day 11: the baseline is days 11 to 52.
    values = [None] * 11 + [20.0 + (i % 3) for i in range(80)]
    later = compute.judge_series(definition, days, values, baseline=42)
    assert later.baseline == (days[11], days[52])
    assert [r["baseline"] for r in reversed(later.rows)] == ["Yes"] * 53 + ["No"] * 38
