"""The ways a figure can be split, shared by every app that splits one: national deprivation
quintiles and deciles (the English Indices of Deprivation, 1 the most deprived) and the Census
2021 high-level ethnic groups.

A split figure names its ``Breakdown`` and its category's code ("1" … "5" for quintiles,
"1" … "10" for deciles, "asian", "black", "mixed", "white", "other" for ethnic groups); a
figure for the whole population has no breakdown (the empty string). ``category_of`` reads a
category as people write it in a file ("Q1", "1 - most deprived", "White") and says what is
wrong with one it cannot read. Pages show ``label`` ("Quintile 1 (most deprived)"), never the
code, in ``categories`` order.
"""

from __future__ import annotations

import re

from django.db import models


class Breakdown(models.TextChoices):
    """How a figure is split; the whole population (no split) is the empty string."""

    NONE = "", "The whole population"
    QUINTILE = "imd_quintile", "Deprivation quintile"
    DECILE = "imd_decile", "Deprivation decile"
    ETHNIC_GROUP = "ethnic_group", "Ethnic group"

    @property
    def is_deprivation(self) -> bool:
        return self in (Breakdown.QUINTILE, Breakdown.DECILE)


#: The Census 2021 high-level ethnic groups (ONS TS021), by code, in the ONS's order.
ETHNIC_GROUPS: dict[str, str] = {
    "asian": "Asian, Asian British or Asian Welsh",
    "black": "Black, Black British, Black Welsh, Caribbean or African",
    "mixed": "Mixed or Multiple ethnic groups",
    "white": "White",
    "other": "Other ethnic group",
}
# Other ways files write the groups: the first word of each name, and the ONS's short names.
_ETHNIC_ALIASES = {
    "asian": "asian",
    "black": "black",
    "mixed": "mixed",
    "white": "white",
    "other": "other",
    "asian or asian british": "asian",
    "black or black british": "black",
    "mixed or multiple": "mixed",
    "other ethnic groups": "other",
}

QUANTILES = {Breakdown.QUINTILE: 5, Breakdown.DECILE: 10}
_NOUN = {Breakdown.QUINTILE: "quintile", Breakdown.DECILE: "decile"}
_QUANTILE = re.compile(r"^(?:q|d|quintile|decile|imd)?\s*(\d{1,2})\b", re.IGNORECASE)


def categories(breakdown: Breakdown | str) -> list[tuple[str, str]]:
    """Every category of ``breakdown`` as (code, label), in order: quantiles from the most
    deprived; ethnic groups in the ONS's order. The whole population has none."""
    kind = Breakdown(breakdown)
    if kind in QUANTILES:
        count = QUANTILES[kind]
        noun = _NOUN[kind].capitalize()
        return [(str(k), f"{noun} {k}{_end(k, count)}") for k in range(1, count + 1)]
    if kind is Breakdown.ETHNIC_GROUP:
        return list(ETHNIC_GROUPS.items())
    return []


def _end(k: int, count: int) -> str:
    return " (most deprived)" if k == 1 else " (least deprived)" if k == count else ""


def label(breakdown: Breakdown | str, code: str) -> str:
    """A category's name as pages show it ('Quintile 1 (most deprived)', 'White')."""
    return dict(categories(breakdown)).get(code, code)


def category_of(breakdown: Breakdown | str, text: str) -> str:
    """The code of the category ``text`` names ('Q1', '1', '1 - most deprived' → '1';
    'White' → 'white'); ValueError saying what the categories are if it names none."""
    kind = Breakdown(breakdown)
    words = " ".join(text.strip().split())
    if kind in QUANTILES:
        count = QUANTILES[kind]
        m = _QUANTILE.match(words)
        if m and 1 <= int(m.group(1)) <= count:
            return str(int(m.group(1)))
        raise ValueError(
            f"'{text.strip()}' is not a {_NOUN[kind]}: write 1 (most deprived) to {count} "
            "(least deprived)"
        )
    if kind is Breakdown.ETHNIC_GROUP:
        lowered = words.lower().replace(" and ", " or ")
        for code, name in ETHNIC_GROUPS.items():
            if lowered == name.lower().replace(" and ", " or "):
                return code
        if lowered in _ETHNIC_ALIASES:
            return _ETHNIC_ALIASES[lowered]
        raise ValueError(
            f"'{text.strip()}' is not a Census 2021 ethnic group: write one of "
            + ", ".join(ETHNIC_GROUPS.values())
        )
    raise ValueError("a figure for the whole population has no category")


def breakdown_of(text: str) -> Breakdown:
    """The breakdown a file's 'Breakdown' column names ('quintile', 'IMD decile',
    'ethnic group', or blank for the whole population); ValueError if none."""
    words = " ".join(text.strip().lower().replace("_", " ").split())
    for kind, names in _BREAKDOWN_NAMES.items():
        if words in names:
            return kind
    raise ValueError(
        f"'{text.strip()}' is not a breakdown: write quintile, decile or ethnic group "
        "(or leave it blank for the whole population)"
    )


_BREAKDOWN_NAMES: dict[Breakdown, set[str]] = {
    Breakdown.NONE: {"", "none", "all", "whole population", "total"},
    Breakdown.QUINTILE: {
        "quintile",
        "imd quintile",
        "deprivation quintile",
    },
    Breakdown.DECILE: {"decile", "imd decile", "deprivation decile"},
    Breakdown.ETHNIC_GROUP: {"ethnic group", "ethnicity", "ethnic"},
}
