"""Charts of the inequalities pages: crude and age-standardised rates side by side, each with
its 95 % interval (``rates.jinja``), and a published goal's figures by deprivation quintile
(``public.jinja``). Each is drawn beside a table of the same figures."""

from __future__ import annotations

from typing import Any

from footprint.core.charts import COUNT_FORMAT, NHS_BLUE, NHS_MID_GREY, SCHEMA
from footprint.inequalities.compute import Rate
from footprint.partnership.charts import category_axis, line_of, row_height, wrapped_title

CRUDE = "Crude rate"
STANDARDISED = "Age-standardised rate"


def rates(shown: list[Rate], title: str, *, category: str) -> dict[str, Any]:
    """A pair of horizontal bars for each group in the order given (the most deprived
    quintile first): its crude rate and its age-standardised rate per 100,000, from zero, each
    with a line across its 95 % interval. A group with no DSR shows its crude rate only."""
    values: list[dict[str, Any]] = []
    for r in shown:
        values.append(
            {
                "label": r.label,
                "line": line_of(r.label),
                "measure": CRUDE,
                "rate": r.crude,
                "lower": r.crude_interval[0],
                "upper": r.crude_interval[1],
            }
        )
        if r.dsr is not None and r.dsr_interval is not None:
            values.append(
                {
                    "label": r.label,
                    "line": line_of(r.label),
                    "measure": STANDARDISED,
                    "rate": r.dsr,
                    "lower": r.dsr_interval[0],
                    "upper": r.dsr_interval[1],
                }
            )
    labels = [r.label for r in shown]
    y = category_axis(labels, category)
    offset = {"field": "measure", "sort": [CRUDE, STANDARDISED]}
    rate_title = "Per 100,000 residents"
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": wrapped_title(title),
        "width": "container",
        "height": row_height(labels, at_least=44) * len(shown) + 40,
        "data": {"values": values},
        "encoding": {"y": y, "yOffset": offset},
        "layer": [
            {
                "mark": {"type": "bar"},
                "encoding": {
                    "x": {
                        "field": "rate",
                        "type": "quantitative",
                        "title": rate_title,
                        "scale": {"zero": True},
                        "axis": {"format": COUNT_FORMAT},
                    },
                    "color": {
                        "field": "measure",
                        "type": "nominal",
                        "title": None,
                        "scale": {
                            "domain": [CRUDE, STANDARDISED],
                            "range": [NHS_MID_GREY, NHS_BLUE],
                        },
                        "legend": {"orient": "bottom"},
                    },
                    "tooltip": [
                        {"field": "label", "title": category},
                        {"field": "measure", "title": "Rate"},
                        {"field": "rate", "title": rate_title, "format": ",.1f"},
                        {"field": "lower", "title": "95 % interval from", "format": ",.1f"},
                        {"field": "upper", "title": "95 % interval to", "format": ",.1f"},
                    ],
                },
            },
            {
                "mark": {"type": "rule", "color": "#212b32"},
                "encoding": {
                    "x": {"field": "lower", "type": "quantitative"},
                    "x2": {"field": "upper"},
                },
            },
        ],
    }


def published_by_group(
    groups: list[tuple[str, float | None]], title: str, *, category: str, measure: str
) -> dict[str, Any]:
    """A horizontal bar for each group in the order given (the most deprived first), its
    length the published figure, from zero; a group with no figure has no bar."""
    values = [
        {"label": name, "line": line_of(name), "value": v} for name, v in groups if v is not None
    ]
    labels = [name for name, _ in groups]
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": wrapped_title(title),
        "width": "container",
        "height": row_height(labels) * len(groups) + 40,
        "data": {"values": values},
        "mark": {"type": "bar", "color": NHS_BLUE},
        "encoding": {
            "y": category_axis(labels, category),
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": measure,
                "scale": {"zero": True},
                "axis": {"format": COUNT_FORMAT},
            },
            "tooltip": [
                {"field": "label", "title": category},
                {"field": "value", "title": measure, "format": ",.1f"},
            ],
        },
    }
