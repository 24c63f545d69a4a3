"""Charts of small-area figures: residents by national deprivation quintile and by ethnic
group. Each is drawn beside a table of the same figures (``_deprivation.jinja``)."""

from __future__ import annotations

from typing import Any

from footprint.core.charts import COUNT_FORMAT, NHS_BLUE, SCHEMA
from footprint.partnership.queries import Share


def residents_by_share(
    shares: list[Share], title: str, *, category: str, measure: str = "Residents, people"
) -> dict[str, Any]:
    """A horizontal bar for each of ``shares`` in the order given (the most deprived quintile
    first, or the Census's order of ethnic groups), its length the residents, from zero."""
    values = [
        {"label": s.label, "residents": s.residents, "share": s.share if s.share is not None else 0}
        for s in shares
    ]
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": title,
        "width": "container",
        "height": 30 * len(values) + 40,
        "data": {"values": values},
        "mark": {"type": "bar", "color": NHS_BLUE},
        "encoding": {
            "y": {
                "field": "label",
                "type": "ordinal",
                "sort": [v["label"] for v in values],
                "title": category,
                "axis": {"labelLimit": 220},
            },
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
