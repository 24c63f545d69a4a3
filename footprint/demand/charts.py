"""Charts of the demand pages that the shared ones (``core.charts``) do not draw: a run's
activity per 1,000 residents by deprivation quintile. Each is drawn beside a table of the
same figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from footprint.core.charts import NHS_BLUE, NHS_DARK_GREY, NHS_PALE_GREY, SCHEMA

BASE = "Base year"
PROJECTED = "Projection"


def quintile_rates(rows: Sequence[Mapping[str, Any]], title: str, what: str) -> dict[str, Any]:
    """For each quintile in the order given (the most deprived first, by name), two bars from
    zero: the base year's and the projection's count per 1,000 residents, the projection with
    a line across its 10th to 90th percentile (per 1,000 residents too)."""
    values: list[dict[str, Any]] = []
    for r in rows:
        people = r["residents"]
        values.append({"label": r["name"], "when": BASE, "rate": r["rate_base"]})
        values.append(
            {
                "label": r["name"],
                "when": PROJECTED,
                "rate": r["rate"],
                "lower": r["row"].p10 / people * 1000,
                "upper": r["row"].p90 / people * 1000,
            }
        )
    y = {
        "field": "label",
        "type": "ordinal",
        "sort": [r["name"] for r in rows],
        "title": "Deprivation quintile",
        "axis": {"labelLimit": 240},
    }
    rate = f"{what} per 1,000 residents"
    colour = {
        "field": "when",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [BASE, PROJECTED], "range": [NHS_PALE_GREY, NHS_BLUE]},
        "legend": {"orient": "bottom"},
    }
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": title,
        "width": "container",
        "height": 44 * len(rows) + 40,
        "data": {"values": values},
        "encoding": {"y": y, "yOffset": {"field": "when", "sort": [BASE, PROJECTED]}},
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "x": {"field": "rate", "type": "quantitative", "title": rate},
                    "color": colour,
                    "tooltip": [
                        {"field": "label", "title": "Quintile"},
                        {"field": "when", "title": "Year"},
                        {"field": "rate", "title": rate, "format": ",.1f"},
                    ],
                },
            },
            {
                "transform": [{"filter": {"field": "when", "equal": PROJECTED}}],
                "mark": {"type": "rule", "color": NHS_DARK_GREY, "strokeWidth": 2},
                "encoding": {
                    "x": {"field": "lower", "type": "quantitative", "title": rate},
                    "x2": {"field": "upper"},
                },
            },
        ],
    }
