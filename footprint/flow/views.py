"""The urgent-care flow pages: today's picture, submitting a return (page and CSV), who has
not submitted, the system page, OPEL levels and their calendar, the escalation plan and the
mutual-aid log."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from footprint.core import charts
from footprint.core.exports import csv_response, xlsx_response
from footprint.core.imports import EARLIEST_YEAR, ImportRejected
from footprint.core.jobs import refuse_big_uploads
from footprint.core.permissions import can, permission_required
from footprint.flow import compute, importers, queries, services
from footprint.flow.forms import (
    ActionForm,
    AidForm,
    ContactForm,
    DayForm,
    ImportForm,
    OutcomeForm,
    ReturnForm,
    day_problem,
    parse_day,
)
from footprint.flow.models import (
    MEASURES_BY_KIND,
    NCTR_PATHWAYS,
    NCTR_REASONS,
    AidOutcome,
    AidRequest,
    EscalationAction,
    Measure,
    OnCallContact,
    ReturnKind,
)
from footprint.flow.rules import Permission, aid_outcomes, submitting_organisations
from footprint.partnership.models import Organisation
from footprint.partnership.rules import is_programme_office

partner_only = permission_required(Permission.VIEW_FLOW)


def _today() -> dt.date:
    return timezone.localdate()


# A return is late when it arrives after noon on its day (the figures are at 8 am).
LATE_AFTER = dt.time(12, 0)


def _late(ret: Any) -> bool:
    deadline = timezone.make_aware(dt.datetime.combine(ret.date, LATE_AFTER))
    return bool(ret.submitted_at > deadline)


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y at %H:%M")


def _day_shown(request: HttpRequest) -> dt.date:
    """The day a page is for (``?date=``, today by default), kept within the days returns
    are made for: a day in the future shows today, a day before 2000 shows 1 January 2000,
    each saying so (a day out of that window was a 500 for some pages, probe C2/F3)."""
    today = _today()
    day = parse_day(request.GET.get("date"), today)
    if day > today:
        messages.info(
            request,
            f"{day:%-d %B %Y} is in the future: no return is made for it yet, so this page "
            f"shows today, {today:%-d %B %Y}.",
        )
        return today
    if day.year < EARLIEST_YEAR:
        first = dt.date(EARLIEST_YEAR, 1, 1)
        messages.info(
            request,
            f"{day:%-d %B %Y} is before {EARLIEST_YEAR}, when no returns were made: this page "
            f"shows {first:%-d %B %Y}.",
        )
        return first
    return day


@partner_only
def index(request: HttpRequest) -> HttpResponse:
    """Today's picture: the overall ICS level, each provider's, and who has not submitted."""
    day = _day_shown(request)
    order = {k.value: i for i, k in enumerate(ReturnKind)}
    levels: dict[int | None, list[Any]] = {}
    for lvl in sorted(queries.opel_levels(day, day), key=lambda lvl: order.get(lvl.kind, 99)):
        levels.setdefault(lvl.organisation_id, []).append(lvl)
    rows = queries.submissions(day)
    return render(
        request,
        "flow/index.jinja",
        {
            "day": day,
            "system": (levels.get(None) or [None])[0],
            "rows": [(org, ret, levels.get(org.pk, [])) for org, ret in rows],
            "missing": [org for org, ret in rows if ret is None],
            "may_submit": can(request.user, Permission.SUBMIT_RETURN),
        },
    )


def _submittable(request: HttpRequest):  # type: ignore[no-untyped-def]
    orgs = queries.reporting_organisations()
    if is_programme_office(request.user):
        return orgs
    return orgs.filter(pk__in=submitting_organisations(request.user))


def _figure(value: float | None) -> float | int | None:
    """A figure as the exports write it: a count as a whole number (430, not 430.0)."""
    if value is not None and value == int(value):
        return int(value)
    return value


@permission_required(Permission.SUBMIT_RETURN)
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV to fill in: the columns of the returns you make, a row for each of your
    organisations dated today, every figure blank."""
    orgs = list(_submittable(request))
    expected = queries.expected_kinds(orgs)
    kinds = {k for made in expected.values() for k in made}
    measures = [m for m in Measure if any(m.value in MEASURES_BY_KIND[k] for k in kinds)]
    header = ["ODS code", "Date", *[m.value for m in measures]]
    today = _today().isoformat()
    rows: list[list[object]] = [
        [o.ods_code, today, *["" for _ in measures]] for o in orgs if expected[o.pk]
    ]
    return csv_response("daily-returns-template.csv", header, rows)


@permission_required(Permission.SUBMIT_RETURN)
def submit(request: HttpRequest) -> HttpResponse:
    """Choose the organisation and the day, then type the figures: yesterday's beside each."""
    orgs = _submittable(request)
    chooser = DayForm(
        request.GET or None,
        organisations=orgs,
        today=_today(),
        initial={"date": _today(), "organisation": orgs.first()},
    )
    if not (request.GET and chooser.is_valid()):
        return render(request, "flow/choose.jinja", {"chooser": chooser})
    organisation: Organisation = chooser.cleaned_data["organisation"]
    day: dt.date = chooser.cleaned_data["date"]
    kinds = queries.kinds_of(organisation)
    assert kinds  # the chooser offers only organisations that make a return
    current = queries.figures(organisation, day)
    yesterday = queries.figures(organisation, day - dt.timedelta(days=1))
    form = ReturnForm(
        request.POST or None,
        kinds=kinds,
        yesterday=yesterday,
        initial={k: f"{v:g}" for k, v in (current or {}).items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.submit_return(
                organisation=organisation,
                day=day,
                figures=form.figures(),
                by=request.user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "date" in exc.error_dict:
                form.add_error(None, exc.error_dict.pop("date"))
            form.add_error(None, _named(exc))
        else:
            said = _levels_said(queries.provider_levels(organisation, day))
            for change in saved.changes:
                who = change.organisation.name if change.organisation else "The system"
                said += f" {who} moved to OPEL {change.to_level}."
            messages.success(
                request, f"Saved {organisation.name}'s return for {day:%-d %B %Y}.{said}"
            )
            return redirect(f"{reverse('flow:index')}?date={day.isoformat()}")
    return render(
        request,
        "flow/submit.jinja",
        {
            "form": form,
            "organisation": organisation,
            "kinds": kinds,
            "day": day,
            "previous": day - dt.timedelta(days=1),
            "replacing": current is not None,
            "measures": Measure,
        },
    )


def _levels_said(levels: list[Any]) -> str:
    """' It is at OPEL 2.' or, for an organisation with several services, ' It is at OPEL 2
    for community services and OPEL 3 for mental health services.'"""
    if not levels:
        return ""
    if len(levels) == 1:
        return f" It is at OPEL {levels[0].level}."
    parts = [f"OPEL {lvl.level} for {ReturnKind(lvl.kind).label.lower()}" for lvl in levels]
    return f" It is at {compute.listed(parts)}."


@permission_required(Permission.SUBMIT_RETURN)
@refuse_big_uploads
def import_returns(request: HttpRequest) -> HttpResponse:
    """Upload a CSV of returns: all saved, or none and every problem listed."""
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows, found = importers.read_problems(upload.read(), upload.name)
            result = services.import_returns(
                rows=rows,
                filename=upload.name,
                by=request.user,
                now=timezone.now(),
                problems=found,
            )
        except ImportRejected as exc:
            problems = exc.as_lines()
        else:
            messages.success(request, imported_message(result, upload.name))
            return redirect("flow:index")
    made = {k for ks in queries.expected_kinds(_submittable(request)).values() for k in ks}
    return render(
        request,
        "flow/import.jinja",
        {
            "form": form,
            "problems": problems,
            "kinds": [
                (k.label, [Measure(m) for m in MEASURES_BY_KIND[k]])
                for k in ReturnKind
                if k in made
            ],
        },
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def imported_message(result: dict[str, int], filename: str) -> str:
    """'Imported 3 returns from a.csv: 2 new, 1 updated (only the figures the file gives).
    No OPEL level changed.'"""
    parts = []
    if result["new"]:
        parts.append(f"{result['new']:,} new")
    if result["updated"]:
        parts.append(f"{result['updated']:,} updated (only the figures the file gives)")
    changes = result["level_changes"]
    changed = (
        "No OPEL level changed."
        if not changes
        else f"{_count(changes, 'OPEL level', 'OPEL levels')} changed."
    )
    return (
        f"Imported {_count(result['returns'], 'return', 'returns')} from {filename}: "
        f"{', '.join(parts)}. {changed}"
    )


@partner_only
def returns(request: HttpRequest) -> HttpResponse:
    """Who has submitted a day's return, when and by whom, and who has not."""
    day = _day_shown(request)
    return render(
        request,
        "flow/returns.jinja",
        {
            "day": day,
            "rows": [(org, *_submission(ret)) for org, ret in queries.submissions(day)],
            "deadline": LATE_AFTER,
            "missing": queries.missing_returns(day),
            "export_start": day - dt.timedelta(days=6),
            "most_days": EXPORT_MOST_DAYS,
        },
    )


def _submission(ret: Any) -> tuple[Any, str, bool, str]:
    """A return as the returns page and its export show it: the return, when it came, whether
    late, and who made it ("" for a return not made)."""
    if ret is None:
        return None, "", False, ""
    by = _person(ret.submitted_by) or "Imported by the operator"
    if ret.changed_at and (changer := _person(ret.changed_by)):
        by += f"; changed by {changer}"
    changed = f"; changed {_when(ret.changed_at)}" if ret.changed_at else ""
    return ret, _when(ret.submitted_at) + changed, _late(ret), by


def _person(user: Any) -> str:
    """A user's name as pages give it ("" for none)."""
    return str(user.get_full_name() or user.email) if user else ""


EXPORT_MOST_DAYS = 366  # a year of daily returns at most in one download
EXPORT_HEADER = ["Day", "Organisation", "ODS code", "Submitted", "Late", "By"]


def export_rows(start: dt.date, end: dt.date) -> tuple[list[str], list[list[object]]]:
    """The returns from ``start`` to ``end``, a row per day and reporting organisation (oldest
    day first, organisations by name), with every figure of the return by its name."""
    header = EXPORT_HEADER + [m.label for m in Measure]
    rows: list[list[object]] = []
    for day, org, ret in queries.submissions_between(start, end):
        _, when, late, by = _submission(ret)
        figures = {v.measure: v.value for v in ret.values.all()} if ret else {}
        rows.append(
            [
                day,
                org.name,
                org.ods_code,
                when or "Missing",
                ("Yes" if late else "No") if ret else "",
                by,
            ]
            + [_figure(figures.get(m.value)) for m in Measure]
        )
    return header, rows


@partner_only
def returns_export(request: HttpRequest) -> HttpResponse:
    """The daily returns for a range of days as CSV or, with ``format=xlsx``, an Excel
    workbook (any other format is not found): the returns page's table for each day, with
    the figures. A range longer than ``EXPORT_MOST_DAYS`` is cut to the days that end it; a
    range given backwards is turned."""
    today = _today()
    end = parse_day(request.GET.get("end"), today)
    start = parse_day(request.GET.get("start"), end)
    problems = [
        problem
        for day, what, given in (
            (start, "The first day", bool(request.GET.get("start"))),
            (end, "The last day", True),
        )
        if given and (problem := day_problem(day, today, what))
    ]
    if problems:  # a day out of the window was a 500 (probe F3b)
        return HttpResponseBadRequest(
            "The daily returns were not downloaded. " + ". ".join(problems) + ".\n",
            content_type="text/plain; charset=utf-8",
        )
    if start > end:
        start, end = end, start
    start = max(start, end - dt.timedelta(days=EXPORT_MOST_DAYS - 1))
    header, rows = export_rows(start, end)
    name = f"daily-returns-{start.isoformat()}-to-{end.isoformat()}"
    wanted = request.GET.get("format", "csv")
    if wanted == "xlsx":
        return xlsx_response(f"{name}.xlsx", header, rows, sheet="Daily returns")
    if wanted != "csv":
        raise Http404("The daily returns download as csv or xlsx")
    return csv_response(f"{name}.csv", header, rows)


@partner_only
def expected(request: HttpRequest) -> HttpResponse:
    """Which returns each organisation is expected to make; the programme office changes
    them here."""
    rows = queries.expectations()
    return render(
        request,
        "flow/expected.jinja",
        {
            "rows": [
                (
                    org,
                    [k.label for k, made, _ in kinds if made],
                    not all(default for _, _, default in kinds),
                )
                for org, kinds in rows
            ],
            "forms": [(org, [(k, made) for k, made, _ in kinds]) for org, kinds in rows],
            "may_change": can(request.user, Permission.SET_EXPECTED_RETURNS),
        },
    )


@require_POST
@permission_required(Permission.SET_EXPECTED_RETURNS)
def expected_set(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    try:
        kinds = services.set_expected_returns(
            by=request.user,
            organisation=organisation,
            kinds=request.POST.getlist("kinds"),
            now=timezone.now(),
        )
    except ValidationError as exc:
        messages.error(request, "Nothing was changed: " + "; ".join(exc.messages))
    else:
        names = ", ".join(k.label for k in kinds) or "no daily return"
        messages.success(request, f"{organisation.name} is now expected to make: {names}.")
    return redirect("flow:expected")


SYSTEM_DAYS = 91  # the chosen day and the 90 before it


def _daily(spec: Any) -> Any:
    """A chart of months made a chart of days: the shared SPC chart draws monthly periods."""
    if isinstance(spec, dict):
        out = {k: _daily(v) for k, v in spec.items()}
        if out.get("timeUnit") == "utcyearmonth":
            out["timeUnit"] = "utcyearmonthdate"
            if "axis" in out:
                out["axis"] = {**out["axis"], "format": "%-d %b %Y"}
            if "format" in out:
                out["format"] = "%-d %B %Y"
            if out.get("title") == "Month":
                out["title"] = "Day"
        return out
    if isinstance(spec, list):
        return [_daily(v) for v in spec]
    return spec


def _narrow(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart made to fit a phone (390 px): its subtitle on two lines, and its legend one
    entry a row (three a row cut the long verdicts off)."""
    out = dict(spec)
    title = out.get("title")
    if isinstance(title, dict) and isinstance(title.get("subtitle"), str):
        first, _, rest = title["subtitle"].partition(": ")
        out["title"] = {**title, "subtitle": [f"{first}:", rest] if rest else first}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            changed = {k: walk(v) for k, v in node.items()}
            if isinstance(changed.get("legend"), dict) and "columns" in changed["legend"]:
                changed["legend"] = {**changed["legend"], "columns": 1}
            return changed
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return dict(walk(out))


def _finite_or_none(value: Any) -> Any:
    """A number that is not finite (no average yet) as None: JSON has no NaN."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _trimmed(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart with each point carrying only the fields some layer draws (the SPC chart's
    points also carry their point type, rule and segment, which these charts do not draw),
    and without the segment at all when every point is in one (no rebase): the layers then
    share one list of points, which ``_shared_data`` gives once. A line with nothing to draw
    (no average or limits: too few days to judge) is left out. Drawn the same."""
    used: set[str] = set()

    def find(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("field"), str):
                used.add(node["field"])
            for value in node.values():
                find(value)
        elif isinstance(node, list):
            for value in node:
                find(value)

    find(spec.get("layer", []))
    layers = spec.get("layer", [])
    segments = {
        p.get("segment")
        for layer in layers
        for p in (layer.get("data") or {}).get("values", [])
        if isinstance(p, dict)
    }
    one_segment = len(segments - {None}) <= 1
    if one_segment:
        used.discard("segment")
    out = []
    for layer in layers:
        layer = dict(layer)
        data = layer.get("data")
        encoding = layer.get("encoding")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            values = [
                {k: _finite_or_none(v) for k, v in p.items() if k in used} for p in data["values"]
            ]
            y = encoding.get("y", {}).get("field") if isinstance(encoding, dict) else None
            if y is not None and all(p.get(y) is None for p in values):
                continue  # nothing to draw: no average or limits (too few days to judge)
            layer["data"] = {"values": values}
        if one_segment and isinstance(encoding, dict) and "detail" in encoding:
            layer["encoding"] = {k: v for k, v in encoding.items() if k != "detail"}
        out.append(layer)
    # The layers whose points are the same days with fewer fields take the fullest list.
    lists = [(layer.get("data") or {}).get("values") for layer in out]
    points = [v for v in lists if isinstance(v, list) and v and isinstance(v[0], dict)]
    if points:
        fullest = max(points, key=lambda v: len(v[0]))
        for layer, values in zip(out, lists, strict=True):
            if (
                isinstance(values, list)
                and values
                and len(values) == len(fullest)
                and all(a.items() <= b.items() for a, b in zip(values, fullest, strict=True))
            ):
                layer["data"] = {"values": fullest}
    return {**spec, "layer": out}


def _shared_data(spec: dict[str, Any]) -> dict[str, Any]:
    """The chart with each list of points given once: a layer's inline ``data`` (the SPC
    chart repeats its limits for the mean and both limits, and its values for the line and the
    points) named in the top-level ``datasets`` instead. Drawn the same, a third the size."""
    datasets: dict[str, Any] = {}
    names: dict[str, str] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: walk(v) for k, v in node.items()}
            data = node.get("data")
            if isinstance(data, dict) and set(data) == {"values"}:
                key = json.dumps(data["values"], sort_keys=True, default=str)
                name = names.setdefault(key, f"data-{len(names)}")
                datasets[name] = data["values"]
                out["data"] = {"name": name}
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk(spec)
    if datasets:
        out["datasets"] = {**out.get("datasets", {}), **datasets}
    return out


def _with_baseline(
    spec: dict[str, Any], baseline: tuple[dt.date, dt.date] | None
) -> dict[str, Any]:
    """The chart with its baseline shaded (the days its average and limits come from) and
    named in its subtitle."""
    if baseline is None:
        return spec
    first, last = baseline
    named = f"Shaded: the baseline, {first:%-d %b} to {last:%-d %b %Y}, the limits' source."
    title = dict(spec.get("title") or {})
    subtitle = title.get("subtitle")
    lines = subtitle if isinstance(subtitle, list) else [subtitle] if subtitle else []
    title["subtitle"] = [*lines, named]
    shade = {
        "data": {"values": [{"start": first.isoformat(), "end": last.isoformat()}]},
        "mark": {"type": "rect", "color": "#e8edee", "opacity": 0.7},
        "encoding": {
            "x": {"field": "start", "type": "temporal"},
            "x2": {"field": "end"},
            "tooltip": {"value": named},
        },
    }
    return {**spec, "title": title, "layer": [shade, *spec.get("layer", [])]}


# The system page tables the latest fortnight of each series; every day is in its CSV.
SYSTEM_TABLE_DAYS = 14


def _system_series(
    day: dt.date,
) -> tuple[list[dt.date], list[str], Any, list[compute.JudgedSeries]]:
    days = [day - dt.timedelta(days=SYSTEM_DAYS - 1 - i) for i in range(SYSTEM_DAYS)]
    expected, rows = queries.acute_figures_by_day(days[0], day)
    series = compute.system_picture(days, rows, expected)
    return days, expected, rows, series


COLUMNS = ("day", "value", "mean", "lower", "upper", "verdict", "baseline")


@partner_only
def system_export(request: HttpRequest) -> HttpResponse:
    """Every day of every series of the system page, as CSV: the tables in full."""
    day = _day_shown(request)
    _, _, _, series = _system_series(day)
    header = ["Series", "Unit", "Day", "Value", "Usual for the weekday", "Lower limit"]
    header += ["Upper limit", "Verdict", "In the baseline"]
    rows: list[list[object]] = [
        [s.title, s.unit, *(r[k] for k in COLUMNS)] for s in series for r in reversed(s.rows)
    ]
    return csv_response(f"system-91-days-to-{day.isoformat()}.csv", header, rows)


@partner_only
def system(request: HttpRequest) -> HttpResponse:
    """The system for a chosen day and the 90 before it: beds, NCTR by pathway and reason,
    handovers, each daily series with day-of-week SPC, and what changed in words."""
    day = _day_shown(request)
    days, expected, rows, series = _system_series(day)
    week_before = day - dt.timedelta(days=7)
    measures = NCTR_PATHWAYS + NCTR_REASONS
    nctr_table = compute.system_table(
        measures,
        [Measure(m).label.split(": ", 1)[1].capitalize() for m in measures],
        rows.get(day, {}),
        rows.get(week_before, {}),
        expected,
    )
    made = rows.get(day, {})
    return render(
        request,
        "flow/system.jinja",
        {
            "day": day,
            "first": days[0],
            "baseline_end": days[min(compute.BASELINE_DAYS, len(days)) - 1],
            "week_before": week_before,
            "series": [
                (
                    s,
                    _shared_data(
                        _trimmed(
                            _with_baseline(
                                _narrow(
                                    _daily(
                                        charts.spc_chart(
                                            s.points,
                                            f"{s.title}, by day",
                                            s.unit,
                                            None,
                                            measure=s.title,
                                        )
                                    )
                                ),
                                s.baseline,
                            )
                        )
                    )
                    if any(p["value"] is not None for p in s.points)
                    else None,
                )
                for s in series
            ],
            "changed": compute.what_changed(series, day)
            if made
            else f"No returns for {day:%-d %B %Y}: there is nothing to judge for the day.",
            "pathways": nctr_table[:4],
            "reasons": nctr_table[4:],
            "returns": len(made),
            "expected": expected,
            "not_made": [n for n in expected if n not in made],
            "table_days": SYSTEM_TABLE_DAYS,
        },
    )


@partner_only
def calendar(request: HttpRequest) -> HttpResponse:
    """A month's OPEL levels, day by day: the system's and each provider's."""
    month = request.GET.get("month")
    today = _today()
    first = parse_day(f"{month}-01" if month else None, today).replace(day=1)
    if first.year < EARLIEST_YEAR or first > today + dt.timedelta(days=366):
        first = today.replace(day=1)  # no OPEL level before 2000 or over a year ahead
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    last = nxt - dt.timedelta(days=1)
    levels = queries.opel_levels(first, last)
    by = {(lvl.organisation_id, lvl.kind, lvl.date): lvl for lvl in levels}
    orgs = list(queries.reporting_organisations())
    expected = queries.expected_kinds(orgs)
    # A column for each provider's service with an OPEL level (two for a combined trust).
    columns = [
        (o, k, sum(compute.has_opel(x) for x in expected[o.pk]) > 1)
        for o in orgs
        for k in expected[o.pk]
        if compute.has_opel(k)
    ]
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return render(
        request,
        "flow/calendar.jinja",
        {
            "first": first,
            "previous": (first - dt.timedelta(days=1)).replace(day=1),
            "next": nxt,
            "providers": [
                f"{o.name} ({k.label.lower()})" if several else o.name for o, k, several in columns
            ],
            "rows": [
                (d, [by.get((None, "", d))] + [by.get((o.pk, k.value, d)) for o, k, _ in columns])
                for d in days
            ],
            "counts": {
                level: sum(
                    1 for lvl in levels if lvl.organisation_id is None and lvl.level == level
                )
                for level in range(1, 5)
            },
        },
    )


@partner_only
def escalation(request: HttpRequest) -> HttpResponse:
    """The escalation plan: the actions at each level, the on-call contacts, and the latest
    changes of level with the actions they call for."""
    return _escalation_page(request)


def _escalation_page(
    request: HttpRequest,
    action_form: ActionForm | None = None,
    contact_form: ContactForm | None = None,
) -> HttpResponse:
    """The escalation page; with a form refused, that form as typed, its errors by its
    fields and in a summary at the top (status 400)."""
    actions = list(queries.actions())
    refused = action_form is not None or contact_form is not None
    return render(
        request,
        "flow/escalation.jinja",
        {
            "levels": [(lvl, [a for a in actions if a.level == lvl]) for lvl in range(1, 5)],
            "contacts": queries.all_contacts(),
            "changes": [(c, _when(c.created_at)) for c in queries.level_changes(limit=15)],
            "may_change": can(request.user, Permission.CHANGE_ESCALATION_PLAN),
            "action_form": action_form or ActionForm(),
            "contact_form": contact_form
            or ContactForm(organisations=queries.reporting_organisations()),
        },
        status=400 if refused else 200,
    )


@require_POST
@permission_required(Permission.CHANGE_ESCALATION_PLAN)
def action_add(request: HttpRequest) -> HttpResponse:
    form = ActionForm(request.POST)
    if form.is_valid():
        services.save_action(by=request.user, **form.cleaned_data)
        messages.success(request, f"Added an action at OPEL {form.cleaned_data['level']}.")
        return redirect("flow:escalation")
    return _escalation_page(request, action_form=form)


@require_POST
@permission_required(Permission.CHANGE_ESCALATION_PLAN)
def action_remove(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(EscalationAction, pk=pk)
    services.remove_action(by=request.user, action=action)
    messages.success(request, f"Removed the OPEL {action.level} action: {action.text}")
    return redirect("flow:escalation")


@require_POST
@permission_required(Permission.CHANGE_ESCALATION_PLAN)
def contact_add(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST, organisations=queries.reporting_organisations())
    if form.is_valid():
        try:
            services.save_contact(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Added {form.cleaned_data['name']} to the on-call contacts.")
            return redirect("flow:escalation")
    return _escalation_page(request, contact_form=form)


@require_POST
@permission_required(Permission.CHANGE_ESCALATION_PLAN)
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(OnCallContact, pk=pk)
    services.remove_contact(by=request.user, contact=contact)
    messages.success(request, f"Removed {contact.name} from the on-call contacts.")
    return redirect("flow:escalation")


def _named(exc: ValidationError) -> ValidationError:
    """The service's problems by figure, each message starting with the figure's name, so the
    error summary says which figure ("ED attendances: 'nan' is not a number")."""
    if not hasattr(exc, "error_dict"):
        return exc
    named: dict[str, list[str]] = {}
    for key, errors in exc.error_dict.items():
        label = Measure(key).label if key in Measure.values else None
        named[key] = [
            f"{label}: {m}" if label else m for e in errors for m in ValidationError(e).messages
        ]
    return ValidationError(named)


def _errors(form: Any) -> str:
    return "; ".join(
        f"{form.fields[f].label if f in form.fields else 'the form'}: {' '.join(e)}"
        for f, e in form.errors.items()
    )


@partner_only
def aid(request: HttpRequest) -> HttpResponse:
    """The mutual-aid log, and a form to ask for or offer aid from your organisation."""
    senders = queries.reporting_organisations().filter(pk__in=[o.pk for o in _senders(request)])
    form = AidForm(
        request.POST or None,
        senders=senders,
        partners=queries.reporting_organisations(),
        initial={"date": _today()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.log_aid(
                by=request.user,
                from_organisation=d["from_organisation"],
                to_organisation=d["to_organisation"],
                is_offer=d["is_offer"],
                kind=d["kind"],
                quantity=d["quantity"],
                day=d["date"],
                details=d["details"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Logged in the mutual-aid log.")
            return redirect("flow:aid")
    entries = list(queries.aid_log()[:100])
    return render(
        request,
        "flow/aid.jinja",
        {
            "form": form if senders.exists() else None,
            "entries": [
                (
                    a,
                    [(o, AidOutcome(o).label) for o in aid_outcomes(request.user, a)]
                    if can(request.user, Permission.RECORD_AID_OUTCOME, a)
                    else [],
                )
                for a in entries
            ],
        },
    )


def _senders(request: HttpRequest) -> list[Organisation]:
    return [
        o for o in queries.reporting_organisations() if can(request.user, Permission.LOG_AID, o)
    ]


@require_POST
@permission_required(Permission.VIEW_FLOW)
def aid_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(AidRequest, pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        services.record_aid_outcome(
            by=request.user,
            aid=entry,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Recorded the outcome: {AidOutcome(entry.outcome).label}.")
    else:
        messages.error(request, "The outcome was not recorded: " + _errors(form))
    return redirect("flow:aid")
