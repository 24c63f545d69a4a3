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
