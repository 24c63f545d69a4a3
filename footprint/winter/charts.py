"""The winter fan chart: each scenario's median midnight occupancy a day with its 80 % range,
against the beds open, as a Vega-Lite spec (the project's schema from ``core.charts``). The
page shows the same figures in a table after it."""

from __future__ import annotations

from typing import Any

from footprint.core.charts import SCHEMA


def occupancy_fan(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """``rows`` are {"day" (ISO date), "scenario", "p10", "p50", "p90", "beds"}, scenarios in
    their order; the band is the 80 % range, the line the median, the dashed line the beds
    open in the first scenario."""
    order = list(dict.fromkeys(r["scenario"] for r in rows))
    x = {"field": "day", "type": "temporal", "title": "Day", "axis": {"format": "%-d %b"}}
    colour = {"field": "scenario", "type": "nominal", "title": "Scenario", "sort": order}
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
        "title": title,
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
                "mark": {"type": "line", "strokeDash": [4, 4], "color": "#212b32"},
                "encoding": {"y": {"field": "beds", "type": "quantitative"}},
            },
        ],
    }
