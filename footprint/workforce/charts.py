"""Workforce charts that ``core.charts`` has no shape for: the staff escalation beds need, as
a Vega-Lite spec (the page shows the same figures in a table after it)."""

from __future__ import annotations

import textwrap
from typing import Any

from footprint.core.charts import SCHEMA

# A trust's name is wrapped at this many characters a line, so that no name is cut short
# ("Hallowdale Hospital NHS Foundati…") at any width: a phone's axis has room for about 22.
WRAP = 22


def staff_bars(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """``rows`` are {"who" (a trust or scenario), "staff" (who they are), "wte"}: one bar
    each ``who``, in the rows' order, stacked by staff. Each name is wrapped onto lines
    (joined by "|", split again by the axis) and never cut short."""
    order = list(dict.fromkeys(r["who"] for r in rows))
    label = {who: "|".join(textwrap.wrap(who, WRAP)) for who in order}
    values = [{**r, "label": label[r["who"]]} for r in rows]
    lines = max((v.count("|") + 1 for v in label.values()), default=1)
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": {"text": textwrap.wrap(title, 40), "anchor": "start"},
        "width": "container",
        "height": {"step": max(36, 12 + 14 * lines)},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "title": None,
                "sort": [label[who] for who in order],
                "axis": {"labelLimit": 0, "labelExpr": "split(datum.label, '|')"},
            },
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
