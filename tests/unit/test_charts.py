"""The charts say what they mean: colours by verdict, never by the order the data arrive in;
every axis titled; counts from zero (or the subtitle says why not); months as months."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from typing import Any

import pytest

from footprint.core import charts
from footprint.engine import spc

GREY, BLUE, ORANGE, PURPLE = "#768692", "#005eb8", "#ed8b00", "#330072"
BASELINE = [9.0, 11.0] * 6  # mean 10, limits 4.68 and 15.32


def month(i: int) -> str:
    y, m = divmod(3 + i, 12)  # April 2023 onwards
    return dt.date(2023 + y, m + 1, 1).isoformat()


def rows_from(result: spc.SpcResult) -> list[dict[str, Any]]:
    return [
        {
            "period": month(i),
            "value": p.value,
            "mean": p.mean,
            "lower": p.lower,
            "upper": p.upper,
            "point_type": p.point_type,
            "rule": p.rule,
            "segment": p.segment,
        }
        for i, p in enumerate(result.points)
    ]


def layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every unit view of a spec, however deeply layered."""
    if "layer" not in spec:
        return [spec]
    found = []
    for layer in spec["layer"]:
        inner = layers(layer)
        for unit in inner:
            unit.setdefault("data", layer.get("data", spec.get("data")))
        found += inner
    return found


def encodings(spec: dict[str, Any]) -> list[dict[str, Any]]:
    shared = spec.get("encoding", {})
    return [{**shared, **unit.get("encoding", {})} for unit in layers(spec)]


def points_layer(spec: dict[str, Any]) -> dict[str, Any]:
    (layer,) = [u for u in layers(spec) if "color" in u.get("encoding", {})]
    return layer


def colour_of(spec: dict[str, Any], point_type: str) -> str:
    """The colour Vega-Lite gives a point of this type: its verdict looked up in the colour
    scale's explicit domain and range (an ordinal scale maps domain[i] to range[i])."""
    layer = points_layer(spec)
    (verdict,) = {p["verdict"] for p in layer["data"]["values"] if p["point_type"] == point_type}
    scale = layer["encoding"]["color"]["scale"]
    return scale["range"][scale["domain"].index(verdict)]


# --- SPC colours by meaning ---------------------------------------------------------------

EXPECTED = {
    "increase": {"high": BLUE, "low": ORANGE},
    "decrease": {"high": ORANGE, "low": BLUE},
    "neutral": {"high": PURPLE, "low": PURPLE},
}


@pytest.mark.parametrize("improvement", ["increase", "decrease", "neutral"])
@pytest.mark.parametrize(("tail", "side"), [([16.0], "high"), ([4.0], "low")])
def test_a_special_cause_is_coloured_by_what_it_means(improvement, tail, side):
    result = spc.analyse(BASELINE + tail, improvement=improvement, fix_after_n_points=12)
    spec = charts.spc_chart(rows_from(result), "Test", "%", None)
    assert colour_of(spec, result.points[-1].point_type) == EXPECTED[improvement][side]
    assert colour_of(spec, "common_cause") == GREY


@pytest.mark.parametrize("improvement", ["increase", "decrease"])
def test_a_series_of_nothing_but_concerns_is_orange(improvement):
    # Twelve baseline points, then seven on the bad side of the mean: only concerns and
    # common cause are present, and the concerns come first in the data (the NHS Health Check
    # chart that used to paint its concerns blue).
    bad = 9.5 if improvement == "increase" else 10.5
    result = spc.analyse(BASELINE + [bad] * 7, improvement=improvement, fix_after_n_points=12)
    rows = rows_from(result)
    rows = rows[12:] + rows[:12]  # the concern arrives first
    spec = charts.spc_chart(rows, "Test", "%", None)
    assert colour_of(spec, "special_cause_concern") == ORANGE
    assert colour_of(spec, "common_cause") == GREY


POINT_TYPES = {
    "common_cause": GREY,
    "special_cause_improvement": BLUE,
    "special_cause_concern": ORANGE,
    "special_cause_neutral_high": PURPLE,
    "special_cause_neutral_low": PURPLE,
}


def synthetic(point_types: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {
            "period": month(i),
            "value": 50.0 + i,
            "mean": 50.0,
            "lower": 40.0,
            "upper": 60.0,
            "point_type": t,
            "rule": None,
            "segment": 0,
        }
        for i, t in enumerate(point_types)
    ]


@pytest.mark.parametrize(
    "present",
    [
        combo
        for r in range(1, len(POINT_TYPES) + 1)
        for combo in itertools.combinations(POINT_TYPES, r)
    ],
)
def test_colours_do_not_depend_on_which_verdicts_are_present_or_their_order(present):
    for order in itertools.islice(itertools.permutations(present), 6):
        spec = charts.spc_chart(synthetic(order), "Test", "%", None)
        for point_type in present:
            assert colour_of(spec, point_type) == POINT_TYPES[point_type]
        scale = points_layer(spec)["encoding"]["color"]["scale"]
        assert scale["domain"] == charts.SPC_DOMAIN and scale["range"] == charts.SPC_RANGE


def test_the_legend_lists_only_the_verdicts_shown_in_a_fixed_order():
    spec = charts.spc_chart(synthetic(("special_cause_concern", "common_cause")), "Test", "%", None)
    legend = points_layer(spec)["encoding"]["color"]["legend"]
    assert legend["values"] == ["Common cause", "Special cause: concern"]


# --- SPC: months, target, rebase, too few points --------------------------------------------


def test_the_spc_x_axis_is_months_named_by_month_and_year():
    result = spc.analyse(BASELINE)
    spec = charts.spc_chart(rows_from(result), "Test", "%", 12.0)
    xs = [e["x"] for e in encodings(spec) if "field" in e.get("x", {})]
    assert xs
    for x in xs:
        assert x["type"] == "temporal" and x["timeUnit"] == "utcyearmonth"
        assert x["title"] == "Month" and x["axis"]["format"] == "%b %Y"


def test_the_y_axis_names_the_measure_and_unit_and_the_subtitle_says_why_not_zero():
    spec = charts.spc_chart(rows_from(spc.analyse(BASELINE)), "T", "%", None, measure="Seen")
    ys = [e["y"] for e in encodings(spec) if "field" in e.get("y", {})]
    assert ys and all(y["title"] == "Seen (%)" for y in ys)
    assert all(y["scale"]["zero"] is False for y in ys)
    assert "zero" in spec["title"]["subtitle"]


@pytest.mark.parametrize(
    ("target", "unit", "label"),
    [
        (75.0, "%", "Target 75%"),
        (92.5, "%", "Target 92.5%"),
        (1200.0, "people", "Target 1,200 people"),
    ],
)
def test_the_target_line_is_labelled(target, unit, label):
    spec = charts.spc_chart(rows_from(spc.analyse(BASELINE)), "Test", unit, target)
    texts = [
        d["label"] for u in layers(spec) if u["mark"]["type"] == "text" for d in u["data"]["values"]
    ]
    assert label in texts
    rules = [u for u in layers(spec) if u["mark"]["type"] == "rule" and "y" in u["encoding"]]
    assert rules[0]["data"]["values"][0]["target"] == target


def test_a_rebase_is_marked_with_a_rule_and_a_label():
    result = spc.analyse(BASELINE + [19.0, 21.0] * 6, rebase_at=[12])
    spec = charts.spc_chart(rows_from(result), "Test", "%", None)
    marks = [u for u in layers(spec) if u["data"]["values"] and "label" in u["data"]["values"][0]]
    rule = [u for u in marks if u["mark"]["type"] == "rule"]
    text = [u for u in marks if u["mark"]["type"] == "text"]
    assert rule and text
    assert rule[0]["data"]["values"] == [{"period": month(12), "label": "Limits recalculated"}]
    assert rule[0]["encoding"]["x"]["type"] == "temporal"


def test_too_few_points_draw_no_limits_and_say_so():
    result = spc.analyse([70.0, 72.0, 66.0, 66.0], target=80.0)
    spec = charts.spc_chart(rows_from(result), "Test", "%", 80.0)
    for u in layers(spec):
        enc = u.get("encoding", {})
        if enc.get("y", {}).get("field") in {"mean", "upper", "lower"}:
            assert u["data"]["values"] == []
    texts = [d.get("label") for u in layers(spec) for d in u["data"]["values"]]
    assert "Too few points to judge" in texts
    assert points_layer(spec)["encoding"]["color"]["legend"]["values"] == [
        "Too few points to judge"
    ]
    json.dumps(spec, allow_nan=False)  # no NaN limits leak into the page


def test_no_nan_reaches_the_spec_even_from_raw_engine_numbers():
    result = spc.analyse([1.0, None, 3.0])
    rows = rows_from(result)
    assert any(isinstance(r["mean"], float) and math.isnan(r["mean"]) for r in rows)
    json.dumps(charts.spc_chart(rows, "Test", "%", None), allow_nan=False)


# --- the other charts ------------------------------------------------------------------------


def other_charts() -> dict[str, dict[str, Any]]:
    return {
        "yearly_totals": charts.yearly_totals({2023: 501_000, 2024: 505_500}, "R", "Residents"),
        "monthly_totals": charts.monthly_totals(
            {dt.date(2025, 3, 1): 16_060.0, "2025-02-01": 15_940.0}, "W", "Staff in post (WTE)"
        ),
        "fan_chart": charts.fan_chart(
            [{"year": 2026, "p10": 90.0, "p50": 100.0, "p90": 110.0, "central": 100.0}],
            "F",
            "Bed days",
        ),
        "waterfall": charts.waterfall([("Start", 10.0), ("Growth", 2.0)], "W", "Bed days"),
        "population_pyramid": charts.population_pyramid(
            [{"band": "0-4", "female": 10, "male": 11}], "P"
        ),
    }


@pytest.mark.parametrize("name", list(other_charts()))
def test_every_axis_has_a_title(name):
    spec = other_charts()[name]
    for enc in encodings(spec):
        for channel in ("x", "y"):
            if "field" in enc.get(channel, {}):
                assert enc[channel].get("title"), f"{name}: {channel} has no title"


@pytest.mark.parametrize("name", list(other_charts()))
def test_counts_start_at_zero(name):
    spec = other_charts()[name]
    quantities = [
        enc[c]
        for enc in encodings(spec)
        for c in ("x", "y")
        if enc.get(c, {}).get("type") == "quantitative"
    ]
    assert quantities
    assert all(q["scale"]["zero"] is True for q in quantities)


def test_a_chart_that_keeps_a_baseline_above_zero_says_why():
    why = "Drawn from 15,900 to show the month-to-month change."
    spec = charts.monthly_totals({"2025-03-01": 16_060.0}, "W", "WTE", zero_reason=why)
    assert spec["encoding"]["y"]["scale"]["zero"] is False
    assert spec["title"]["subtitle"] == why


def test_monthly_totals_are_months_in_order():
    spec = other_charts()["monthly_totals"]
    x = spec["encoding"]["x"]
    assert x["type"] == "temporal" and x["timeUnit"] == "utcyearmonth"
    assert x["axis"]["format"] == "%b %Y" and x["title"] == "Month"
    assert [r["period"] for r in spec["data"]["values"]] == ["2025-02-01", "2025-03-01"]


def test_no_chart_puts_iso_dates_on_a_nominal_axis():
    for spec in other_charts().values():
        for enc in encodings(spec):
            for channel in ("x", "y"):
                field = enc.get(channel, {}).get("field")
                if enc.get(channel, {}).get("type") in {"nominal", "ordinal"}:
                    values = [
                        str(r.get(field, "")) for u in layers(spec) for r in u["data"]["values"]
                    ]
                    assert not any(len(v) == 10 and v[4] == "-" and v[7] == "-" for v in values)


# --- money reads as money ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "money", "places", "text"),
    [
        (-14.5639, "millions", 1, "−£14.6m"),
        (0.17, "millions", 2, "£0.17m"),
        (-0.04, "millions", 1, "£0.0m"),  # rounds to nothing: no minus sign on a zero
        (-14_563_955.4, "pounds", 1, "−£14,563,955"),
        (1_442_454_538.2, "pounds", 1, "£1,442,454,538"),
    ],
)
def test_money_text(value, money, places, text):
    assert charts.money_text(value, money, places) == text


def test_a_money_waterfall_says_pounds_on_its_axis_and_in_its_tooltips():
    spec = charts.waterfall(
        [("Control total", -43.8), ("Trust A Hospitals plan", -14.56)],
        "W",
        "£ million",
        money="millions",
    )
    assert "'£'" in spec["encoding"]["y"]["axis"]["labelExpr"]
    assert "'m'" in spec["encoding"]["y"]["axis"]["labelExpr"]
    shown = {v["step"]: v["amount_text"] for v in spec["data"]["values"]}
    assert shown == {
        "Control total": "−£43.8m",
        "Trust A Hospitals plan": "−£14.6m",
        "Projection": "−£58.4m",
    }
    tooltip_fields = [t["field"] for t in spec["encoding"]["tooltip"]]
    assert "amount_text" in tooltip_fields and "amount" not in tooltip_fields


def test_a_money_fan_chart_says_pounds_on_its_axis_and_in_its_tooltips():
    spec = charts.fan_chart(
        [{"year": 2026, "p10": 9e8, "p50": 1e9, "p90": 1.1e9, "central": 1_000_000_123.4}],
        "F",
        "Cost (£)",
        money="pounds",
    )
    for layer in spec["layer"]:
        assert "'£'" in layer["encoding"]["y"]["axis"]["labelExpr"]
    (row,) = spec["data"]["values"]
    assert row["central_text"] == "£1,000,000,123" and row["p90_text"] == "£1,100,000,000"
    tips = spec["layer"][1]["encoding"]["tooltip"]
    assert [t["field"] for t in tips] == ["year", "central_text", "p10_text", "p90_text"]


def test_charts_that_are_not_money_keep_their_numbers():
    spec = charts.waterfall([("Start", 10.0), ("Growth", 2.0)], "W", "Bed days")
    assert "axis" not in spec["encoding"]["y"]
    assert {"field": "amount", "title": "Change", "format": ",.0f"} in spec["encoding"]["tooltip"]


def test_the_pyramid_draws_males_left_but_reads_out_every_count_as_people_with_the_sex():
    spec = charts.population_pyramid(
        [{"band": "0-4", "female": 10, "male": 11}, {"band": "5-9", "female": 12, "male": 13}],
        "P",
    )
    values = spec["data"]["values"]
    drawn = spec["encoding"]["x"]["field"]
    assert {(v["band"], v["sex"], v[drawn]) for v in values} >= {("0-4", "Male", -11)}
    tips = spec["encoding"]["tooltip"]
    assert [t["title"] for t in tips] == ["Age", "Sex", "Residents"]
    assert tips[1]["field"] == "sex"
    counted = tips[2]["field"]
    assert counted != drawn
    assert sorted((v["sex"], v["band"], v[counted]) for v in values) == [
        ("Female", "0-4", 10),
        ("Female", "5-9", 12),
        ("Male", "0-4", 11),
        ("Male", "5-9", 13),
    ]
    assert "abs(datum.value)" in spec["encoding"]["x"]["axis"]["labelExpr"]
