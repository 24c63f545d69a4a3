"""Charts of small-area figures: residents by national deprivation quintile and by ethnic
group. Each is drawn beside a table of the same figures (``_deprivation.jinja``)."""

from __future__ import annotations

import textwrap
from typing import Any

from footprint.core.charts import COUNT_FORMAT, NHS_BLUE, SCHEMA
from footprint.partnership.queries import Share

# Lines of a category label and of a title, in characters: on a phone's 390 px the labels
# keep to about 120 px and leave the bars room, and a title never runs off either side.
LABEL_WRAP = 18
TITLE_WRAP = 40


def label_lines(label: str) -> list[str]:
    return textwrap.wrap(label, LABEL_WRAP) or [label]


def wrapped_title(title: str) -> dict[str, Any]:
    """The chart's title in lines short enough for a phone, set to the left."""
    return {"text": textwrap.wrap(title, TITLE_WRAP) or [title], "anchor": "start"}


def category_axis(labels: list[str], title: str) -> dict[str, Any]:
    """The y encoding of a horizontal bar chart, one row for each of ``labels`` in the order
    given: field "line" holds each label with its lines joined by a newline (``line_of``),
    drawn as lines."""
    return {
        "field": "line",
        "type": "ordinal",
        "sort": [line_of(label) for label in labels],
        "title": title,
        "axis": {"labelExpr": "split(datum.value, '\\n')", "labelLimit": 130},
    }


def line_of(label: str) -> str:
    return "\n".join(label_lines(label))


def row_height(labels: list[str], *, at_least: int = 30) -> int:
    """Pixels per row: enough for the label with the most lines."""
    lines = max((len(label_lines(label)) for label in labels), default=1)
    return max(at_least, 13 * lines + 8)


def residents_by_share(
    shares: list[Share], title: str, *, category: str, measure: str = "Residents, people"
) -> dict[str, Any]:
    """A horizontal bar for each of ``shares`` in the order given (the most deprived quintile
    first, or the Census's order of ethnic groups), its length the residents, from zero."""
    values = [
        {
            "label": s.label,
            "line": line_of(s.label),
            "residents": s.residents,
            "share": s.share if s.share is not None else 0,
        }
        for s in shares
    ]
    labels = [s.label for s in shares]
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": wrapped_title(title),
        "width": "container",
        "height": row_height(labels) * len(values) + 40,
        "data": {"values": values},
        "mark": {"type": "bar", "color": NHS_BLUE},
        "encoding": {
            "y": category_axis(labels, category),
            "x": {
                "field": "residents",
                "type": "quantitative",
                "title": measure,
                "scale": {"zero": True},
                "axis": {"format": COUNT_FORMAT},
            },
            "tooltip": [
                {"field": "label", "title": category},
                {"field": "residents", "title": "Residents", "format": ","},
                {"field": "share", "title": "Share", "format": ".1%"},
            ],
        },
    }


def profile_charts(profile: Any, area_name: str) -> dict[str, dict[str, Any] | None]:
    """The quintile and ethnic-group charts of a ``queries.DeprivationProfile``."""
    return {
        "quintiles": residents_by_share(
            profile.quintiles,
            f"Residents of {area_name} by national deprivation quintile, {profile.year}",
            category="Deprivation quintile (1 most deprived)",
        )
        if profile.residents
        else None,
        "ethnic_groups": residents_by_share(
            profile.ethnic_groups,
            f"Residents of {area_name} by ethnic group, Census 2021",
            category="Ethnic group",
        )
        if profile.ethnic_total
        else None,
    }
