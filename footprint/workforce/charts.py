"""Workforce charts that ``core.charts`` has no shape for: the staff escalation beds need, as
a Vega-Lite spec (the page shows the same figures in a table after it)."""

from __future__ import annotations

from typing import Any

from footprint.core.charts import SCHEMA


def staff_bars(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """``rows`` are {"who" (a trust or scenario), "staff" (who they are), "wte"}: one bar
    each ``who``, in the rows' order, stacked by staff."""
    order = list(dict.fromkeys(r["who"] for r in rows))
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": title,
        "width": "container",
        "height": {"step": 36},
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "who", "type": "nominal", "title": None, "sort": order},
            "x": {
                "field": "wte",
                "type": "quantitative",
                "title": "Whole-time equivalents (WTE)",
                "stack": "zero",
            },
            "color": {"field": "staff", "type": "nominal", "title": "Staff"},
            "tooltip": [
                {"field": "who", "title": "Where"},
                {"field": "staff", "title": "Staff"},
                {"field": "wte", "title": "WTE", "format": ",.1f"},
            ],
        },
    }
