"""Vega-Lite chart specifications, built in Python and drawn in the page by vega-embed.

Every chart is shown beside a table of the same data, so it can be read without the picture.
"""

from __future__ import annotations

from typing import Any

NHS_BLUE = "#005eb8"
NHS_WARM_YELLOW = "#ffb81c"
NHS_DARK_GREY = "#425563"


def population_pyramid(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """A population pyramid: ``rows`` are {"band", "female", "male"}, youngest first."""
    values = []
    for r in rows:
        values.append({"band": r["band"], "sex": "Female", "people": r["female"]})
        values.append({"band": r["band"], "sex": "Male", "people": -r["male"]})
    order = [r["band"] for r in reversed(rows)]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 380,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "band", "type": "ordinal", "sort": order, "title": "Age"},
            "x": {
                "field": "people",
                "type": "quantitative",
                "title": "Residents (male left, female right)",
                "axis": {"labelExpr": "format(abs(datum.value), ',')"},
            },
            "color": {
                "field": "sex",
                "type": "nominal",
                "scale": {"domain": ["Female", "Male"], "range": [NHS_BLUE, NHS_WARM_YELLOW]},
                "legend": {"orient": "top", "title": None},
            },
            "tooltip": [
                {"field": "band", "title": "Age"},
                {"field": "sex", "title": "Sex"},
                {"field": "people", "title": "Residents", "format": ","},
            ],
        },
    }


def yearly_totals(totals: dict[int, int], title: str, measure: str) -> dict[str, Any]:
    """A line of one figure per year."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 220,
        "data": {"values": [{"year": str(y), "value": v} for y, v in sorted(totals.items())]},
        "mark": {"type": "line", "point": True, "color": NHS_BLUE},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": "Year"},
            "y": {
                "field": "value",
                "type": "quantitative",
                "title": measure,
                "scale": {"zero": False},
            },
            "tooltip": [{"field": "year"}, {"field": "value", "title": measure, "format": ","}],
        },
    }


POINT_COLOURS = {
    "common_cause": "#768692",
    "special_cause_improvement": "#005eb8",
    "special_cause_concern": "#ed8b00",
    "special_cause_neutral_high": "#7c2855",
    "special_cause_neutral_low": "#7c2855",
}
POINT_LABELS = {
    "common_cause": "Common cause",
    "special_cause_improvement": "Special cause: improvement",
    "special_cause_concern": "Special cause: concern",
    "special_cause_neutral_high": "Special cause: neither (high)",
    "special_cause_neutral_low": "Special cause: neither (low)",
}


def spc_chart(
    points: list[dict[str, Any]], title: str, unit: str, target: float | None
) -> dict[str, Any]:
    """An XmR chart: the values, the mean, the process limits, the target, and each point
    coloured by its verdict. ``points`` are {"period", "value", "mean", "lower", "upper",
    "point_type"} with the period as an ISO date."""
    values = [
        {**p, "verdict": POINT_LABELS[p["point_type"]]} for p in points if p["value"] is not None
    ]
    limits = [p for p in points if p["mean"] is not None]
    present = [k for k in POINT_LABELS if any(p["point_type"] == k for p in values)]
    domain = [POINT_LABELS[k] for k in present]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": limits},
            "mark": {"type": "line", "color": NHS_DARK_GREY, "strokeWidth": 1.5},
            "encoding": {
                "x": {"field": "period", "type": "temporal"},
                "y": {"field": "mean", "type": "quantitative"},
                "detail": {"field": "segment"},
            },
        },
        *[
            {
                "data": {"values": limits},
                "mark": {
                    "type": "line",
                    "color": NHS_DARK_GREY,
                    "strokeDash": [4, 4],
                    "strokeWidth": 1,
                },
                "encoding": {
                    "x": {"field": "period", "type": "temporal"},
                    "y": {"field": bound, "type": "quantitative"},
                    "detail": {"field": "segment"},
                },
            }
            for bound in ("upper", "lower")
        ],
        {
            "data": {"values": values},
            "mark": {"type": "line", "color": "#aeb7bd", "strokeWidth": 1},
            "encoding": {
                "x": {"field": "period", "type": "temporal"},
                "y": {"field": "value", "type": "quantitative"},
            },
        },
        {
            "data": {"values": values},
            "mark": {"type": "point", "filled": True, "size": 60},
            "encoding": {
                "x": {"field": "period", "type": "temporal", "title": "Period"},
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": unit,
                    "scale": {"zero": False},
                },
                "color": {
                    "field": "verdict",
                    "type": "nominal",
                    "scale": {"domain": domain, "range": [POINT_COLOURS[k] for k in POINT_LABELS]},
                    "legend": {"orient": "bottom", "title": None},
                },
                "tooltip": [
                    {"field": "period", "type": "temporal", "title": "Period", "format": "%b %Y"},
                    {"field": "value", "title": unit},
                    {"field": "verdict", "title": "Verdict"},
                ],
            },
        },
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": target}]},
                "mark": {"type": "rule", "color": "#d5281b", "strokeDash": [8, 4]},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 300,
        "layer": layers,
    }


def fan_chart(rows: list[dict[str, Any]], title: str, measure: str) -> dict[str, Any]:
    """A fan chart: ``rows`` are {"year", "p10", "p50", "p90", "central"}; the band is the
    80 % interval, the line the central case."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 260,
        "data": {"values": rows},
        "encoding": {"x": {"field": "year", "type": "ordinal", "title": "Year"}},
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.3, "color": NHS_BLUE},
                "encoding": {
                    "y": {"field": "p10", "type": "quantitative", "title": measure},
                    "y2": {"field": "p90"},
                },
            },
            {
                "mark": {"type": "line", "point": True, "color": NHS_BLUE},
                "encoding": {
                    "y": {"field": "central", "type": "quantitative"},
                    "tooltip": [
                        {"field": "year", "title": "Year"},
                        {"field": "central", "title": "Central", "format": ",.0f"},
                        {"field": "p10", "title": "10th percentile", "format": ",.0f"},
                        {"field": "p90", "title": "90th percentile", "format": ",.0f"},
                    ],
                },
            },
        ],
    }


def waterfall(
    steps: list[tuple[str, float]],
    title: str,
    measure: str,
    *,
    start: str = "Baseline",
    total: str = "Projection",
    number: str = ",.0f",
) -> dict[str, Any]:
    """A waterfall from the first step (shown as ``start``) through each change to the total
    (a bar labelled ``total``); tooltips format changes with the d3 format ``number``."""
    values, running = [], 0.0
    for i, (name, amount) in enumerate(steps):
        low, running = (0.0, amount) if i == 0 else (running, running + amount)
        kind = start if i == 0 else ("Increase" if amount >= 0 else "Decrease")
        values.append(
            {
                "order": i,
                "step": name,
                "start": low,
                "end": running,
                "amount": amount,
                "kind": kind,
            }
        )
    values.append(
        {
            "order": len(steps),
            "step": total,
            "start": 0.0,
            "end": running,
            "amount": running,
            "kind": total,
        }
    )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 300,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "step",
                "type": "nominal",
                "sort": {"field": "order"},
                "title": None,
                "axis": {"labelAngle": -30, "labelLimit": 160},
            },
            "y": {"field": "start", "type": "quantitative", "title": measure},
            "y2": {"field": "end"},
            "color": {
                "field": "kind",
                "type": "nominal",
                "scale": {
                    "domain": [start, "Increase", "Decrease", total],
                    "range": [NHS_DARK_GREY, NHS_WARM_YELLOW, NHS_BLUE, NHS_DARK_GREY],
                },
                "legend": {"orient": "top", "title": None},
            },
            "tooltip": [
                {"field": "step", "title": "Step"},
                {"field": "amount", "title": "Change", "format": number},
            ],
        },
    }


# NHS identity colours for up to five opinion groups, then grey for those not grouped.
GROUP_COLOURS = ["#005eb8", "#ffb81c", "#007f3b", "#330072", "#d5281b", "#aeb7bd"]


def opinion_map(points: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """Participants as points on the first two components, coloured by opinion group."""
    groups = sorted({p["group"] for p in points}, key=lambda g: (g == "Not grouped", g))
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": title,
        "title": title,
        "width": "container",
        "height": 320,
        "data": {"values": points},
        "mark": {"type": "circle", "opacity": 0.6, "size": 30},
        "encoding": {
            "x": {
                "field": "x",
                "type": "quantitative",
                "title": "First component",
                "axis": {"labels": False},
            },
            "y": {
                "field": "y",
                "type": "quantitative",
                "title": "Second component",
                "axis": {"labels": False},
            },
            "color": {
                "field": "group",
                "type": "nominal",
                "scale": {
                    "domain": groups,
                    "range": [
                        GROUP_COLOURS[-1] if g == "Not grouped" else GROUP_COLOURS[i % 5]
                        for i, g in enumerate(groups)
                    ],
                },
                "legend": {"orient": "top", "title": None},
            },
            "tooltip": [{"field": "group", "title": "Group"}],
        },
    }
