"""The winter fan chart: each scenario's median midnight occupancy a day with its 80 % range,
against the beds open, as a Vega-Lite spec (the project's schema from ``core.charts``). The
page shows the same figures in a table after it."""

from __future__ import annotations

import textwrap
from typing import Any

from footprint.core.charts import SCHEMA


def occupancy_fan(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """``rows`` are {"day" (ISO date), "scenario", "p10", "p50", "p90", "beds"}, scenarios in
    their order; the band is the 80 % range, the line the median, the dashed line the beds
    open in the first scenario, each in the legend under the plot."""
    order = list(dict.fromkeys(r["scenario"] for r in rows))
    x = {"field": "day", "type": "temporal", "title": "Day", "axis": {"format": "%-d %b"}}
    # legends under the plot, one entry a line, so a narrow screen keeps the plot's width and
    # long scenario names are not cut short; the beds-open line has its own entry
    legend = {"orient": "bottom", "direction": "vertical", "labelLimit": 220}
    colour = {
        "field": "scenario",
        "type": "nominal",
        "title": "Scenario",
        "sort": order,
        "legend": legend,
    }
    beds_label = f"Beds open ({order[0]})" if order else "Beds open"
    tip = [
        {"field": "day", "type": "temporal", "title": "Day", "format": "%-d %B %Y"},
        {"field": "scenario", "title": "Scenario"},
        {"field": "p50", "title": "Median occupied", "format": ",.0f"},
        {"field": "p10", "title": "P10", "format": ",.0f"},
        {"field": "p90", "title": "P90", "format": ",.0f"},
        {"field": "beds", "title": "Beds open", "format": ",.0f"},
    ]
    y_title = "Beds occupied at midnight"
    return {
        "$schema": SCHEMA,
        "description": title,
        # wrapped, so a long provider's name never widens the chart past a phone's screen
        "title": {"text": textwrap.wrap(title, 36), "anchor": "start"},
        "width": "container",
        "height": 280,
        "data": {"values": rows},
        "encoding": {"x": x},
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.2},
                "encoding": {
                    "y": {
                        "field": "p10",
                        "type": "quantitative",
                        "title": y_title,
                        "scale": {"zero": False},
                    },
                    "y2": {"field": "p90"},
                    "color": colour,
                },
            },
            {
                "mark": {"type": "line"},
                "encoding": {
                    "y": {"field": "p50", "type": "quantitative"},
                    "color": colour,
                    "tooltip": tip,
                },
            },
            {
                "transform": [
                    {"filter": {"field": "scenario", "equal": order[0] if order else ""}}
                ],
                "mark": {"type": "line", "color": "#212b32"},
                "encoding": {
                    "y": {"field": "beds", "type": "quantitative"},
                    "strokeDash": {
                        "datum": beds_label,
                        "type": "nominal",
                        "scale": {"range": [[4, 4]]},
                        "legend": {**legend, "title": None},
                    },
                },
            },
        ],
    }
