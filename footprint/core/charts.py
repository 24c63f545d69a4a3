"""Vega-Lite chart specifications, built in Python and drawn in the page by vega-embed.

Every chart is shown beside a table of the same data, so it can be read without the picture.

House rules, asserted by tests/unit/test_charts.py:

- Colours follow meaning, never the order the data arrive in: every colour scale has a fixed
  domain and range, whichever categories happen to be present.
- Every axis has a title that says what it counts, with its unit.
- A quantitative axis of counts or money starts at zero. Where a chart keeps a baseline above
  zero (an SPC chart is about variation around its average), its subtitle says so.
- Months are temporal fields (``utcyearmonth``, so a month never slips into the one before
  in a browser west of Greenwich) shown as "Mar 2025", under an axis titled "Month".
- Counts read "20,000", never "2e+4": a quantitative axis given a format uses
  ``COUNT_FORMAT`` (",~f"). A bare "," is not enough: on axis ticks Vega lets d3 choose a
  number of significant digits for it from the tick step, and ticks 10,000 apart over
  120,000 then read "2e+4 … 1.2e+5". With type "f" d3 chooses decimal places instead.
- Money reads as money: axis labels and tooltips say "−£14.6m" or "£250k", never a bare
  "-14.6" or "-14563955" (``money="pounds"`` for figures in pounds, ``"millions"`` for
  figures already in £ million).
"""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Mapping
from typing import Any, Literal

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
NHS_BLUE = "#005eb8"
NHS_WARM_YELLOW = "#ffb81c"
NHS_DARK_GREY = "#425563"
NHS_MID_GREY = "#768692"
NHS_PALE_GREY = "#aeb7bd"
NHS_ORANGE = "#ed8b00"
NHS_PURPLE = "#330072"
NHS_RED = "#d5281b"
WHITE = "#ffffff"

MONTH_FORMAT = "%b %Y"
COUNT_FORMAT = ",~f"  # axis ticks of counts and rates: "20,000", "0.5"; see the house rules

Money = Literal["pounds", "millions"]
MINUS = "−"  # the minus sign, as the money filters write it

# Vega expressions for a money axis's labels: the sign, the pound sign and the scale.
_SIGN = f"(datum.value < 0 ? '{MINUS}' : '') + '£' + "
_MONEY_AXIS: dict[str, str] = {
    "millions": _SIGN + "format(abs(datum.value), ',.1~f') + 'm'",
    "pounds": _SIGN
    + "(abs(datum.value) >= 1e6 ? format(abs(datum.value) / 1e6, ',.1~f') + 'm'"
    + " : abs(datum.value) >= 1e4 ? format(abs(datum.value) / 1e3, ',.0f') + 'k'"
    + " : format(abs(datum.value), ',.0f'))",
}


def money_text(value: float, money: Money, places: int = 1) -> str:
    """Money as people read it: ``money_text(-14.56, "millions")`` → '−£14.6m';
    ``money_text(-14563955.4, "pounds")`` → '−£14,563,955'."""
    sign = MINUS if round(value, places if money == "millions" else 0) < 0 else ""
    if money == "millions":
        return f"{sign}£{abs(value):,.{places}f}m"
    return f"{sign}£{abs(value):,.0f}"


def _money_axis(money: Money | None) -> dict[str, Any]:
    return {"axis": {"labelExpr": _MONEY_AXIS[money]}} if money else {}


def _title(text: str, subtitle: str | None = None) -> str | dict[str, Any]:
    return text if subtitle is None else {"text": text, "subtitle": subtitle, "anchor": "start"}


def _month(field: str = "period", title: str | None = "Month") -> dict[str, Any]:
    """A month on a temporal axis: the field holds ISO dates (the first of the month)."""
    return {
        "field": field,
        "type": "temporal",
        "timeUnit": "utcyearmonth",
        "title": title,
        "axis": {"format": MONTH_FORMAT, "labelOverlap": "greedy"},
    }


def _month_tooltip(field: str = "period") -> dict[str, Any]:
    return {
        "field": field,
        "type": "temporal",
        "timeUnit": "utcyearmonth",
        "title": "Month",
        "format": MONTH_FORMAT,
    }


def _iso(month: str | dt.date) -> str:
    return month.isoformat() if isinstance(month, dt.date) else str(month)


def _finite(x: Any) -> Any:
    """NaN and infinity become None: JSON has no NaN, and a missing limit is not drawn."""
    return None if isinstance(x, float) and not math.isfinite(x) else x


def population_pyramid(rows: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """A population pyramid: ``rows`` are {"band", "female", "male"}, youngest first. Males are
    drawn to the left (``side``, negative), but every count read out (tooltips, axis labels)
    is the number of people, positive, with the sex named."""
    values = []
    for r in rows:
        values.append(
            {"band": r["band"], "sex": "Female", "people": r["female"], "side": r["female"]}
        )
        values.append({"band": r["band"], "sex": "Male", "people": r["male"], "side": -r["male"]})
    order = [r["band"] for r in reversed(rows)]
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": title,
        "width": "container",
        "height": 380,
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "band", "type": "ordinal", "sort": order, "title": "Age (years)"},
            "x": {
                "field": "side",
                "type": "quantitative",
                "title": "Residents, people (male left, female right)",
                "scale": {"zero": True},
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


def _quantity(field: str, measure: str, zero_reason: str | None) -> dict[str, Any]:
    return {
        "field": field,
        "type": "quantitative",
        "title": measure,
        "scale": {"zero": zero_reason is None},
    }


def yearly_totals(
    totals: Mapping[int, float], title: str, measure: str, *, zero_reason: str | None = None
) -> dict[str, Any]:
    """A line of one figure per year. ``measure`` titles the y axis: what is counted, with its
    unit. The axis starts at zero unless ``zero_reason`` says, in the subtitle, why not."""
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": _title(title, zero_reason),
        "width": "container",
        "height": 220,
        "data": {"values": [{"year": str(y), "value": v} for y, v in sorted(totals.items())]},
        "mark": {"type": "line", "point": True, "color": NHS_BLUE},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": "Year", "axis": {"labelAngle": 0}},
            "y": _quantity("value", measure, zero_reason),
            "tooltip": [
                {"field": "year", "title": "Year"},
                {"field": "value", "title": measure, "format": ","},
            ],
        },
    }


def monthly_totals(
    totals: Mapping[str, float] | Mapping[dt.date, float],
    title: str,
    measure: str,
    *,
    zero_reason: str | None = None,
) -> dict[str, Any]:
    """A line of one figure per month; keys are months as dates or ISO dates. ``measure``
    titles the y axis; it starts at zero unless ``zero_reason`` says why not."""
    values = sorted(
        ({"period": _iso(m), "value": v} for m, v in totals.items()), key=lambda r: r["period"]
    )
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": _title(title, zero_reason),
        "width": "container",
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "line", "point": True, "color": NHS_BLUE},
        "encoding": {
            "x": _month(),
            "y": _quantity("value", measure, zero_reason),
            "tooltip": [_month_tooltip(), {"field": "value", "title": measure, "format": ","}],
        },
    }


# Making Data Count colours by meaning: grey for common cause, orange for a concern, blue for
# an improvement, purple for a special cause where neither direction is better. A point in a
# segment with too few values to judge is drawn hollow (white with a grey rim): no verdict.
SPC_VERDICTS: dict[str, tuple[str, str]] = {
    "common_cause": ("Common cause", NHS_MID_GREY),
    "special_cause_improvement": ("Special cause: improvement", NHS_BLUE),
    "special_cause_concern": ("Special cause: concern", NHS_ORANGE),
    "special_cause_neutral_high": ("Special cause: no preferred direction", NHS_PURPLE),
    "special_cause_neutral_low": ("Special cause: no preferred direction", NHS_PURPLE),
    "too_few_points": ("Too few points to judge", WHITE),
}
SPC_DOMAIN = list(dict.fromkeys(label for label, _ in SPC_VERDICTS.values()))
_SPC_COLOUR = dict(SPC_VERDICTS.values())
SPC_RANGE = [_SPC_COLOUR[label] for label in SPC_DOMAIN]
SPC_SUBTITLE = "Not drawn from zero: the chart shows variation around the average."


def _with_unit(value: float, unit: str) -> str:
    number = f"{value:,.10g}"
    return f"{number}{unit}" if unit == "%" else f"{number} {unit}".rstrip()


def spc_chart(
    points: list[dict[str, Any]],
    title: str,
    unit: str,
    target: float | None,
    *,
    measure: str | None = None,
) -> dict[str, Any]:
    """An XmR chart: the values, the mean, the process limits, the target, and each point
    coloured by what its verdict means. ``points`` are {"period", "value", "mean", "lower",
    "upper", "point_type", "segment"} with the period as an ISO date (the first of its month);
    a segment with too few points has no mean or limits. ``measure`` names what is counted
    (the y axis reads "measure (unit)"). Each later segment starts with a marked rebase."""
    rows = [{k: _finite(v) for k, v in p.items()} for p in points]
    values = [
        {**p, "verdict": SPC_VERDICTS[p["point_type"]][0]} for p in rows if p["value"] is not None
    ]
    limits = [p for p in rows if p["mean"] is not None]
    present = {p["verdict"] for p in values}
    y_title = f"{measure} ({unit})" if measure else unit
    x = _month()

    def y(field: str) -> dict[str, Any]:
        return {"field": field, "type": "quantitative", "title": y_title, "scale": {"zero": False}}

    starts: dict[int, str] = {}
    for p in rows:
        starts.setdefault(int(p.get("segment") or 0), p["period"])
    rebases = [
        {"period": period, "label": "Limits recalculated"} for s, period in starts.items() if s
    ]
    short = [
        {"period": starts[int(p.get("segment") or 0)], "label": "Too few points to judge"}
        for p in rows
        if p["point_type"] == "too_few_points"
    ]
    short = list({r["period"]: r for r in short}.values())

    layers: list[dict[str, Any]] = [
        {
            "data": {"values": limits},
            "mark": {"type": "line", "color": NHS_DARK_GREY, "strokeWidth": 1.5},
            "encoding": {"x": x, "y": y("mean"), "detail": {"field": "segment"}},
        },
        *[
            {
                "data": {"values": limits},
                "mark": {
                    "type": "line",
                    "color": NHS_DARK_GREY,
                    "strokeDash": [4, 4],
                    "strokeWidth": 1,
                },
                "encoding": {"x": x, "y": y(bound), "detail": {"field": "segment"}},
            }
            for bound in ("upper", "lower")
        ],
        {
            "data": {"values": values},
            "mark": {"type": "line", "color": NHS_PALE_GREY, "strokeWidth": 1},
            "encoding": {"x": x, "y": y("value")},
        },
        {
            "data": {"values": values},
            "mark": {
                "type": "point",
                "filled": True,
                "size": 60,
                "stroke": NHS_DARK_GREY,
                "strokeWidth": 0.75,
                "opacity": 1,
            },
            "encoding": {
                "x": x,
                "y": y("value"),
                "color": {
                    "field": "verdict",
                    "type": "nominal",
                    "scale": {"domain": SPC_DOMAIN, "range": SPC_RANGE},
                    "legend": {
                        "orient": "bottom",
                        "title": None,
                        "values": [d for d in SPC_DOMAIN if d in present],
                        "symbolStrokeColor": NHS_DARK_GREY,
                        "symbolStrokeWidth": 0.75,
                        "labelLimit": 0,
                        "columns": 3,
                    },
                },
                "tooltip": [
                    _month_tooltip(),
                    {"field": "value", "title": y_title},
                    {"field": "verdict", "title": "Verdict"},
                ],
            },
        },
    ]
    if rebases:
        layers.append(
            {
                "data": {"values": rebases},
                "layer": [
                    {
                        "mark": {"type": "rule", "color": NHS_DARK_GREY, "strokeDash": [2, 3]},
                        "encoding": {"x": x},
                    },
                    {
                        "mark": {
                            "type": "text",
                            "align": "left",
                            "baseline": "top",
                            "dx": 3,
                            "dy": 2,
                            "color": NHS_DARK_GREY,
                        },
                        "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "label"}},
                    },
                ],
            }
        )
    if short:
        layers.append(
            {
                "data": {"values": short},
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "top",
                    "dx": 3,
                    "dy": 16,
                    "color": NHS_DARK_GREY,
                    "fontStyle": "italic",
                },
                "encoding": {"x": x, "y": {"value": 0}, "text": {"field": "label"}},
            }
        )
    if target is not None:
        layers.append(
            {
                "data": {
                    "values": [{"target": target, "label": f"Target {_with_unit(target, unit)}"}]
                },
                "layer": [
                    {
                        "mark": {"type": "rule", "color": NHS_RED, "strokeDash": [8, 4]},
                        "encoding": {"y": y("target")},
                    },
                    {
                        "mark": {
                            "type": "text",
                            "align": "right",
                            "baseline": "bottom",
                            "dy": -3,
                            "color": NHS_RED,
                            "fontWeight": "bold",
                        },
                        "encoding": {
                            "x": {"value": "width"},
                            "y": y("target"),
                            "text": {"field": "label"},
                        },
                    },
                ],
            }
        )
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": _title(title, SPC_SUBTITLE),
        "width": "container",
        "height": 300,
        "layer": layers,
    }


def fan_chart(
    rows: list[dict[str, Any]], title: str, measure: str, *, money: Money | None = None
) -> dict[str, Any]:
    """A fan chart: ``rows`` are {"year", "p10", "p50", "p90", "central"}; the band is the
    80 % interval, the line the central case. ``measure`` titles the y axis, from zero; with
    ``money``, the axis and tooltips read as money."""
    y = {"type": "quantitative", "title": measure, "scale": {"zero": True}, **_money_axis(money)}
    fields = ("central", "p10", "p90")
    if money:
        rows = [{**r, **{f"{f}_text": money_text(r[f], money) for f in fields}} for r in rows]

    def tip(field: str, title: str) -> dict[str, Any]:
        if money:
            return {"field": f"{field}_text", "title": title}
        return {"field": field, "title": title, "format": ",.0f"}

    return {
        "$schema": SCHEMA,
        "description": title,
        "title": title,
        "width": "container",
        "height": 260,
        "data": {"values": rows},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": "Year", "axis": {"labelAngle": 0}}
        },
        "layer": [
            {
                "mark": {"type": "area", "opacity": 0.3, "color": NHS_BLUE},
                "encoding": {"y": {**y, "field": "p10"}, "y2": {"field": "p90"}},
            },
            {
                "mark": {"type": "line", "point": True, "color": NHS_BLUE},
                "encoding": {
                    "y": {**y, "field": "central"},
                    "tooltip": [
                        {"field": "year", "title": "Year"},
                        tip("central", "Central"),
                        tip("p10", "10th percentile"),
                        tip("p90", "90th percentile"),
                    ],
                },
            },
        ],
    }


def waterfall(
    steps: list[tuple[str, float]],
    title: str,
    measure: str,
    *,
    start: str = "Baseline",
    total: str = "Projection",
    number: str = ",.0f",
    steps_title: str = "Step",
    money: Money | None = None,
    places: int = 1,
    horizontal: bool = False,
    changes: tuple[str, str] = ("Increase", "Decrease"),
    colours: tuple[str, str, str, str] | None = None,
    wrap: int | None = None,
) -> dict[str, Any]:
    """A waterfall from the first step (shown as ``start``) through each change to the total
    (a bar labelled ``total``); tooltips format changes with the d3 format ``number``, or as
    money (to ``places`` decimal places of £ million) when ``money`` says what the figures
    are. ``measure`` titles the y axis (from zero), ``steps_title`` the x axis.

    Optionally: ``horizontal`` lists the steps down the side, each name whole, with the bars
    across; ``changes`` names a rise and a fall in the legend; ``colours`` colours the start,
    a rise, a fall and the total; ``wrap`` breaks the title and each step's name into lines
    of about that many characters, so neither is cut off in a narrow window."""
    rise, fall = changes
    values: list[dict[str, Any]] = []
    running = 0.0
    for i, (name, amount) in enumerate(steps):
        low, running = (0.0, amount) if i == 0 else (running, running + amount)
        kind = start if i == 0 else (rise if amount >= 0 else fall)
        values.append(
            {
                "order": i,
                "step": name,
                "start": low,
                "end": running,
                "amount": amount,
                "kind": kind,
            }
        )
    values.append(
        {
            "order": len(steps),
            "step": total,
            "start": 0.0,
            "end": running,
            "amount": running,
            "kind": total,
        }
    )
    if money:
        for v in values:
            v["amount_text"] = money_text(v["amount"], money, places)
        change = {"field": "amount_text", "title": "Change"}
    else:
        change = {"field": "amount", "title": "Change", "format": number}
    color = {
        "field": "kind",
        "type": "nominal",
        "scale": {
            "domain": [start, rise, fall, total],
            "range": list(colours or (NHS_DARK_GREY, NHS_WARM_YELLOW, NHS_BLUE, NHS_DARK_GREY)),
        },
        "legend": {"orient": "top", "title": None},
    }
    tooltip = [{"field": "step", "title": steps_title}, change]
    if not horizontal:
        return {
            "$schema": SCHEMA,
            "description": title,
            "title": _wrapped_title(title, wrap),
            "width": "container",
            "height": 300,
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {
                    "field": "step",
                    "type": "nominal",
                    "sort": {"field": "order"},
                    "title": steps_title,
                    "axis": {"labelAngle": -30, "labelLimit": 160},
                },
                "y": {
                    "field": "start",
                    "type": "quantitative",
                    "title": measure,
                    "scale": {"zero": True},
                    **_money_axis(money),
                },
                "y2": {"field": "end"},
                "color": color,
                "tooltip": tooltip,
            },
        }
    # Each name's lines joined by "|" (split again by the axis), so no name is cut short.
    for v in values:
        v["label"] = "|".join(textwrap.wrap(v["step"], wrap) if wrap else [v["step"]])
    lines = max(v["label"].count("|") + 1 for v in values)
    color["legend"] |= {"direction": "vertical", "labelLimit": 0}
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": _wrapped_title(title, wrap),
        "width": "container",
        "height": {"step": 12 + 13 * lines},
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {
                "field": "label",
                "type": "nominal",
                "sort": {"field": "order"},
                "title": None,
                "axis": {"labelLimit": 0, "labelExpr": "split(datum.label, '|')"},
            },
            "x": {
                "field": "start",
                "type": "quantitative",
                # In two lines when wrapping: the axis may be narrow.
                "title": textwrap.wrap(measure, len(measure) // 2 + 4) if wrap else measure,
                "scale": {"zero": True},
                **_money_axis(money),
            },
            "x2": {"field": "end"},
            "color": color,
            "tooltip": tooltip,
        },
    }


def _wrapped_title(title: str, wrap: int | None) -> str | dict[str, Any]:
    """The title as it is, or in lines of about ``wrap`` characters, set to the left."""
    if not wrap or len(title) <= wrap:
        return title
    return {"text": textwrap.wrap(title, wrap), "anchor": "start"}


# NHS identity colours for up to five opinion groups, then grey for those not placed.
NOT_PLACED = "Not placed"
GROUP_COLOURS = ["#005eb8", "#ffb81c", "#007f3b", "#330072", "#d5281b", "#aeb7bd"]


def opinion_map(points: list[dict[str, Any]], title: str) -> dict[str, Any]:
    """Participants as points on the first two components, coloured by opinion group."""
    groups = sorted({p["group"] for p in points}, key=lambda g: (g == NOT_PLACED, g))
    return {
        "$schema": SCHEMA,
        "description": title,
        "title": title,
        "width": "container",
        "height": 320,
        "data": {"values": points},
        "mark": {"type": "circle", "opacity": 0.6, "size": 30},
        "encoding": {
            "x": {
                "field": "x",
                "type": "quantitative",
                "title": "First component",
                "axis": {"labels": False},
            },
            "y": {
                "field": "y",
                "type": "quantitative",
                "title": "Second component",
                "axis": {"labels": False},
            },
            "color": {
                "field": "group",
                "type": "nominal",
                "scale": {
                    "domain": groups,
                    "range": [
                        GROUP_COLOURS[-1] if g == NOT_PLACED else GROUP_COLOURS[i % 5]
                        for i, g in enumerate(groups)
                    ],
                },
                "legend": {"orient": "top", "title": None},
            },
            "tooltip": [{"field": "group", "title": "Group"}],
        },
    }
