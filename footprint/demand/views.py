"""Demand and capacity pages: scenarios and their schemes, runs with fan charts and the
step-by-step waterfall, comparison of two scenarios, baselines and activity imports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from footprint.core import charts
from footprint.core.exports import csv_response, xlsx_file_response, xlsx_sheets_bytes
from footprint.core.imports import ACTIVITY, DOCUMENT, TABLE, ImportRejected, load_json
from footprint.core.jobs import refuse_big_uploads
from footprint.core.permissions import permission_required
from footprint.demand import charts as demand_charts
from footprint.demand import compute, queries, services
from footprint.demand.forms import (
    ActivityImportForm,
    CompareForm,
    GrowthForm,
    ParametersUploadForm,
    ScenarioForm,
    SchemeChangeForm,
    SchemeForm,
    VariantsUploadForm,
    field_for,
)
from footprint.demand.models import Baseline, Breakdown, Result, Run, Scenario
from footprint.demand.parameters import ParameterError, schema
from footprint.demand.pods import ALL, ALL_PODS, CODES, by_setting, item_name, pod_name
from footprint.demand.rules import Permission
from footprint.demand.tasks import import_activity, run_scenario

partner_only = permission_required(Permission.VIEW_DEMAND)
programme_office_only = permission_required(Permission.CHANGE_DEMAND)
MEASURE_UNITS = {
    "activity": "Activity",
    "bed_days": "Bed days",
    "beds": "Beds",
    "workforce": "WTE",
    "cost": "Cost in pounds",
}
COMPARE_UNITS = {
    "activity": "activity",
    "bed_days": "bed days",
    "beds": "beds",
    "workforce": "WTE",
    "cost": "£",
}
ITEM_HEADINGS = {
    "activity": "Point of delivery",
    "bed_days": "Point of delivery",
    "beds": "Kind of bed",
    "workforce": "Staff group",
    "cost": "Cost of",
}


@partner_only
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "demand/index.jinja",
        {
            "scenarios": queries.scenarios(),
            "baselines": queries.baselines(),
            "compare": CompareForm(),
        },
    )


def _scenario_or_404(pk: int) -> Scenario:
    sc = queries.scenario(pk)
    if sc is None:
        raise Http404("No such scenario")
    return sc


def _save_scenario(request: HttpRequest, scenario: Scenario | None) -> HttpResponse:
    form = ScenarioForm(request.POST or None, instance=scenario)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        baseline = d["baseline"]
        doc = compute.with_settings(
            scenario.parameters if scenario else None,
            base_year=baseline.base_year,
            horizon=d["horizon"],
            iterations=d["iterations"],
            seed=d["seed"],
        )
        try:
            saved = services.save_scenario(
                scenario=scenario,
                by=request.user,
                name=d["name"],
                description=d["description"],
                baseline=baseline,
                parameters=doc,
            )
        except ParameterError as exc:
            for line in exc.lines:
                form.add_error(None, line)
        else:
            messages.success(request, f"Saved {saved.name}")
            return redirect(saved)
    return render(
        request,
        "demand/scenario_form.jinja",
        {
            "form": form,
            "scenario": scenario,
        },
    )


@programme_office_only
def scenario_new(request: HttpRequest) -> HttpResponse:
    return _save_scenario(request, None)


@programme_office_only
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _save_scenario(request, _scenario_or_404(pk))


@partner_only
def scenario(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    form = SchemeForm(
        choices=compute.library_choices(),
        initial={"start_year": sc.parameters["base_year"] + 1},
    )
    return render(request, "demand/scenario.jinja", _scenario_context(sc, form))


def _scenario_context(sc: Scenario, form: SchemeForm) -> dict[str, Any]:
    return {
        "scenario": sc,
        "doc": sc.parameters,
        "schemes": compute.describe_schemes(sc.parameters),
        "provider_names": queries.names_by_code(),
        "growth": compute.growth_rows(sc.parameters),
        "problems": compute.check(
            sc.parameters,
            base_year=sc.baseline.base_year,
            population_years=queries.population_years(),
            names=queries.baseline_names(sc.baseline),
        ),
        "scheme_form": form,
        "upload_form": ParametersUploadForm(),
        "variants_form": VariantsUploadForm(),
        "goals": queries.goals_served(sc),
        "runs": queries.recent_runs(sc),
    }


@require_POST
@programme_office_only
def scheme_add(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    form = SchemeForm(request.POST, choices=compute.library_choices())
    if form.is_valid():
        d = form.cleaned_data
        try:
            scheme = services.add_scheme(
                scenario=sc,
                by=request.user,
                evidence=d["evidence"],
                name=d["name"],
                share=(float(d["low"]) / 100, float(d["high"]) / 100),
                start_year=d["start_year"],
                ramp_years=d["ramp_years"],
                yearly_cost=d["yearly_cost"],
                quintiles=[int(q) for q in d["quintiles"]],
            )
        except ParameterError as exc:  # the new scheme is the last: its problems on its fields
            _put_problems(form, exc.lines, f"schemes.{len(sc.parameters['schemes'])}.")
        else:
            messages.success(request, f"Added {scheme['name']}")
            return redirect(sc)
    return render(request, "demand/scenario.jinja", _scenario_context(sc, form), status=400)


@require_POST
@programme_office_only
def scheme_remove(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    sc = _scenario_or_404(pk)
    try:
        services.remove_scheme(scenario=sc, by=request.user, key=key)
    except ParameterError as exc:
        for line in exc.lines:
            messages.error(request, line)
    else:
        messages.success(request, "Removed the scheme")
    return redirect(sc)


def _put_problems(form: Any, lines: list[str], prefix: str) -> None:
    """Each problem line from the service on the form field its document path names (or on
    the form as a whole), in words naming the field."""
    for line in lines:
        path, _, message = line.partition(": ")
        name = field_for(path, prefix) if message else None
        if name and name in form.fields:
            form.add_error(name, f"{form.fields[name].label}: {message}")
        else:
            form.add_error(None, line)


@programme_office_only
def growth_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the growth a year of each point of delivery, in one form."""
    sc = _scenario_or_404(pk)
    growth = sc.parameters.get("growth", {})
    pods = [(c, pod_name(c)) for c in CODES if c in growth]
    initial = {
        f"{c}_{end}": round(100 * growth[c][end], 1) for c, _ in pods for end in ("low", "high")
    }
    form = GrowthForm(request.POST or None, pods=pods, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_growth(scenario=sc, by=request.user, growth=form.growth())
        except ParameterError as exc:
            _put_problems(form, exc.lines, "growth.")
        else:
            messages.success(request, "Saved the growth rates")
            return redirect(sc)
    names = dict(pods)
    settings = [
        {
            "name": setting,
            "pods": [(c, names[c]) for c in codes],
            "open": any(f"{c}_{end}" in form.errors for c in codes for end in ("low", "high")),
        }
        for setting, codes in by_setting([c for c, _ in pods])
    ]
    return render(
        request,
        "demand/growth_form.jinja",
        {
            "form": form,
            "scenario": sc,
            "settings": settings,
            "growth": growth,
            "trends": compute.growth_trends(),
        },
        status=400 if form.errors else 200,
    )


@programme_office_only
def scheme_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Change one scheme of a scenario; it keeps its place in the list."""
    sc = _scenario_or_404(pk)
    schemes = sc.parameters.get("schemes", [])
    index = next((i for i, s in enumerate(schemes) if s["key"] == key), None)
    if index is None:
        raise Http404("No such scheme")
    scheme = schemes[index]
    held = queries.baseline_names(sc.baseline)
    names = {
        f: [(v, v) for v in sorted((held[f] | set(scheme.get("cohort", {}).get(f, []))) - {""})]
        for f in ("places", "providers", "attributes")
    }
    form = SchemeChangeForm(
        request.POST or None, names=names, initial=SchemeChangeForm.initial_from(scheme)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.change_scheme(
                scenario=sc, by=request.user, key=key, changes=form.changes(scheme)
            )
        except ParameterError as exc:
            _put_problems(form, exc.lines, f"schemes.{index}.")
        else:
            messages.success(request, f"Saved {saved['name']}")
            return redirect(sc)
    return render(
        request,
        "demand/scheme_form.jinja",
        {
            "form": form,
            "scenario": sc,
            "scheme": scheme,
            "pod": pod_name(scheme["pod"]),
            "evidence": compute.scheme_library().get(scheme.get("evidence") or ""),
            "goals": queries.goals_served(sc).get(key, []),
        },
        status=400 if form.errors else 200,
    )


@partner_only
def parameters_download(request: HttpRequest, pk: int) -> HttpResponse:
    sc = get_object_or_404(Scenario, pk=pk)
    response = JsonResponse(sc.parameters, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="scenario-{sc.pk}-parameters.json"'
    return response


@require_POST
@programme_office_only
@refuse_big_uploads
def parameters_upload(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    form = ParametersUploadForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid() and (
        problem := DOCUMENT.size_problem(form.cleaned_data["file"].size, "The file")
    ):
        problems = [problem]
    elif form.is_valid():
        try:
            doc = load_json(form.cleaned_data["file"].read().decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:  # ValueError: JSONDecodeError too
            problems = [f"the file is not JSON: {exc}"]
        else:
            try:
                services.save_scenario(scenario=sc, by=request.user, parameters=doc)
            except ParameterError as exc:
                problems = exc.lines
            else:
                messages.success(request, "Imported the parameters")
                return redirect(sc)
    else:
        problems = [e for errors in form.errors.values() for e in errors]
    for line in problems:
        messages.error(request, f"{form.cleaned_data.get('file', 'The upload')}: {line}")
    return redirect(sc)


@require_POST
@programme_office_only
@refuse_big_uploads
def variants_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the scenario's population variants with an area's projections (CSV)."""
    sc = _scenario_or_404(pk)
    form = VariantsUploadForm(request.POST, request.FILES)
    problems: list[str] = []
    if not form.is_valid():
        problems = [e for errors in form.errors.values() for e in errors]
    elif problem := TABLE.size_problem(form.cleaned_data["file"].size, "The file"):
        problems = [problem]
    else:
        upload = form.cleaned_data["file"]
        try:
            names = services.import_variants(
                scenario=sc, by=request.user, data=upload.read(), filename=upload.name
            )
        except ImportRejected as exc:
            problems = exc.as_lines()
        except ParameterError as exc:
            problems = [f"{upload.name}: {line}" for line in exc.lines]
        else:
            messages.success(request, "Imported the population variants: " + ", ".join(names))
            return redirect(sc)
    for line in problems:
        messages.error(request, line)
    return redirect(sc)


def parameters_schema(request: HttpRequest) -> HttpResponse:
    """The published JSON schema of the parameters document (no data in it: public)."""
    return JsonResponse(schema(), json_dumps_params={"indent": 2})


@require_POST
@programme_office_only
def scenario_run(request: HttpRequest, pk: int) -> HttpResponse:
    sc = _scenario_or_404(pk)
    try:
        run = services.start_run(scenario=sc, by=request.user, enqueue=run_scenario.enqueue)
    except ParameterError as exc:
        for line in exc.lines:
            messages.error(request, line)
        return redirect(sc)
    return redirect(run)


def _choice(request: HttpRequest, name: str, options: list[str], default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in options else default


@partner_only
def run(request: HttpRequest, pk: int) -> HttpResponse:
    r = queries.run(pk)
    if r is None:
        raise Http404("No such run")
    if r.status != Run.Status.SUCCEEDED:
        finished = r.status == Run.Status.FAILED or (r.job is not None and r.job.finished)
        if request.headers.get("HX-Request") and finished:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(
            request,
            "demand/run_pending.jinja",
            {
                "run": r,
            },
        )
    measure = _choice(request, "measure", list(MEASURE_UNITS), "activity")
    providers = queries.providers(r, measure)
    provider = _choice(request, "provider", [p for p, _ in providers], ALL)
    provider_name = dict(providers).get(provider, provider)
    items = queries.items(r, measure, provider)
    codes = [i for i, _ in items]
    item = _choice(request, "item", codes, codes[0] if codes else "")
    fan = queries.results(r, measure=measure, provider=provider, item=item)
    label = item_name(measure, item)
    horizon = r.parameters["horizon"]
    overview = sorted(
        queries.results(r, measure=measure, provider=provider, year=horizon),
        key=lambda x: item_name(measure, x.item).casefold(),
    )
    step_measure = "bed_days" if measure == "bed_days" else "activity"
    step_pods = sorted(queries.step_pods(r, step_measure), key=pod_name)
    pod = _choice(
        request, "pod", step_pods, item if item in step_pods else next(iter(step_pods), "")
    )
    steps = queries.steps(r, step_measure, pod, horizon)
    projected = next(
        iter(queries.results(r, measure=step_measure, provider=ALL, item=pod, year=horizon)),
        None,
    )
    money = measure == "cost"
    by = _choice(request, "by", list(Breakdown.By.values), Breakdown.By.PLACE)
    values = queries.breakdown_values(r, by, step_measure)
    value = _choice(request, "value", [v for v, _ in values], values[0][0] if values else "")
    value_name = dict(values).get(value, value)
    by_pods = queries.breakdown_pods(r, by, value, step_measure)
    by_pod = _choice(request, "by_pod", by_pods, by_pods[0] if by_pods else "")
    by_rows = queries.breakdown(r, by, value, step_measure, by_pod)
    by_steps = by_rows[-1].steps if by_rows else []
    # every value side by side at the horizon, with each scheme's part in it
    at_horizon = {
        x.value: x
        for x in queries.breakdowns_where(r, by=by, measure=step_measure, pod=by_pod, year=horizon)
    }
    scheme_names = [sc["name"] for sc in r.parameters.get("schemes", [])]
    side_by_side = [
        {
            "name": name,
            "row": at_horizon[v],
            "schemes": [
                next((st["mean"] for st in at_horizon[v].steps if st["name"] == sn), 0.0)
                for sn in scheme_names
            ],
        }
        for v, name in values
        if v in at_horizon
    ]
    return render(
        request,
        "demand/run.jinja",
        {
            "run": r,
            "measure": measure,
            "measures": Result.Measure.choices,
            "providers": providers,
            "provider": provider,
            "provider_name": provider_name,
            "items": items,
            "item": item,
            "item_heading": ITEM_HEADINGS[measure],
            "fan": fan,
            "fan_chart": charts.fan_chart(
                [
                    {"year": x.year, "p10": x.p10, "p50": x.p50, "p90": x.p90, "central": x.central}
                    for x in fan
                ],
                f"{label}, {provider_name}",
                Result.Measure(measure).label,
                money="pounds" if money else None,
            )
            if fan
            else None,
            "overview": overview,
            "horizon": horizon,
            "pods": [(p, pod_name(p)) for p in step_pods],
            "pod": pod,
            "steps": steps,
            "waterfall": waterfall_with_intervals(
                [(s.name, s.mean, s.p10, s.p90) for s in steps],
                (projected.p10, projected.p90) if projected else (None, None),
                f"From {r.parameters['base_year']} to {horizon}: {pod_name(pod)}",
                "Bed days" if step_measure == "bed_days" else "Activity",
            )
            if steps
            else None,
            "projection": sum(s.mean for s in steps),
            "projected": projected,
            "spread": any(s.p10 is not None for s in steps),
            "by": by,
            "by_choices": Breakdown.By.choices,
            "by_label": Breakdown.By(by).label,
            "by_values": values,
            "by_value": value,
            "by_value_name": value_name,
            "by_pods": [(p, pod_name(p)) for p in by_pods],
            "by_pod": by_pod,
            "by_rows": by_rows,
            "by_steps": by_steps,
            "side_by_side": side_by_side,
            "scheme_names": scheme_names,
            "scheme_cohorts": compute.scheme_cohorts(r.parameters),
            "by_waterfall": waterfall_with_intervals(
                [(x["name"], x["mean"], x.get("p10"), x.get("p90")) for x in by_steps],
                (by_rows[-1].p10, by_rows[-1].p90),
                f"From {r.parameters['base_year']} to {horizon}: {pod_name(by_pod)}, {value_name}",
                "Bed days" if step_measure == "bed_days" else "Activity",
            )
            if by_steps
            else None,
            "pod_name": pod_name,
            "item_name": item_name,
            "money": money,
            "unit": MEASURE_UNITS[measure],
        },
    )


def waterfall_with_intervals(
    steps: list[tuple[str, float, float | None, float | None]],
    total: tuple[float | None, float | None],
    title: str,
    measure: str,
) -> dict[str, Any]:
    """The waterfall of a run's steps (name, mean, p10, p90), each change with a line from
    its 10th to its 90th percentile where the run has them, drawn at the step's place in
    the waterfall, and the projection with the interval of the total (``total``). Without
    intervals it is the plain waterfall."""
    spec = charts.waterfall(
        [(name, mean) for name, mean, _, _ in steps],
        title,
        measure,
        steps_title="Change from the base year",
    )
    values = spec["data"]["values"]
    for v, (_, _, low, high) in zip(values[1:], steps[1:], strict=False):
        if low is not None and high is not None:
            v["low"], v["high"] = v["start"] + low, v["start"] + high
    if total[0] is not None and total[1] is not None:
        values[-1]["low"], values[-1]["high"] = total
    ranged = [v for v in values if "low" in v]
    if not ranged:
        return spec
    for v in ranged:
        v["interval"] = f"{v['low'] - v['start']:+,.0f} to {v['high'] - v['start']:+,.0f}"
        if v is values[-1]:
            v["interval"] = f"{v['low']:,.0f} to {v['high']:,.0f}"
    x = spec["encoding"]["x"]
    tooltip = [*spec["encoding"]["tooltip"], {"field": "interval", "title": "10th to 90th"}]
    bars = {"mark": spec.pop("mark"), "encoding": {**spec.pop("encoding"), "tooltip": tooltip}}
    rule = {
        "transform": [{"filter": "isValid(datum.low)"}],
        "mark": {"type": "rule", "color": "#212b32", "strokeWidth": 2},
        "encoding": {
            "x": x,
            "y": {"field": "low", "type": "quantitative"},
            "y2": {"field": "high"},
            "tooltip": tooltip,
        },
    }
    return {**spec, "layer": [bars, rule]}


@partner_only
def run_deprivation(request: HttpRequest, pk: int) -> HttpResponse:
    """A run by national deprivation quintile, most deprived first: one point of delivery's
    activity (and bed days) per quintile with its range, per 1,000 residents, and each
    scheme's part in each; then bed days, beds and cost of every point of delivery together;
    and the gap between the most and the least deprived fifth in a sentence."""
    r = _finished_run(pk)
    horizon, base_year = r.parameters["horizon"], r.parameters["base_year"]
    pods = queries.quintile_pods(r)
    default = "ip_emergency" if "ip_emergency" in pods else next(iter(pods), "")
    pod = _choice(request, "pod", pods, default)
    year, residents = queries.residents_by_quintile()
    names = queries.breakdown_names("quintile")
    scheme_names = [sc["name"] for sc in r.parameters.get("schemes", [])]

    def rows(measure: str, of: str) -> list[dict[str, Any]]:
        found = queries.breakdowns_where(r, by="quintile", measure=measure, pod=of, year=horizon)
        ordered = sorted(found, key=lambda x: (x.value == "Unknown", x.value))
        out = []
        for x in ordered:
            steps = {st["name"]: st for st in x.steps}
            people = residents.get(x.value)
            out.append(
                {
                    "value": x.value,
                    "name": names.get(x.value, x.value),
                    "row": x,
                    "residents": people,
                    "rate": compute.per_thousand(x.mean, people),
                    "rate_base": compute.per_thousand(x.baseline, people),
                    "schemes": [
                        steps.get(sn, {"mean": 0.0, "p10": 0.0, "p90": 0.0}) for sn in scheme_names
                    ],
                }
            )
        return out

    activity = rows("activity", pod) if pod else []
    bed_days = rows("bed_days", pod) if pod else []
    what = pod_name(pod)
    chart_rows = [a for a in activity if a["rate"] is not None and a["value"] != "Unknown"]
    chart = (
        demand_charts.quintile_rates(chart_rows, f"{what} per 1,000 residents in {horizon}", what)
        if chart_rows
        else None
    )
    totals = {m: rows(m, ALL_PODS) for m in ("bed_days", "beds", "cost")}
    return render(
        request,
        "demand/run_deprivation.jinja",
        {
            "run": r,
            "baseline": r.scenario.baseline,
            "horizon": horizon,
            "pods": [(p, pod_name(p)) for p in pods],
            "pod": pod,
            "what": what,
            "activity": activity,
            "bed_days": bed_days,
            "totals": totals,
            "scheme_names": scheme_names,
            "shares": compute.scheme_shares(
                activity,
                scheme_names,
                [
                    sc.get("cohort", {}).get("quintiles", [])
                    for sc in r.parameters.get("schemes", [])
                ],
            ),
            "residents_year": year,
            "sentence": compute.gradient_sentence(activity, what, base_year, horizon, year)
            if activity
            else "",
            "chart_spec": chart,
        },
    )


def _finished_run(pk: int) -> Run:
    r = queries.run(pk)
    if r is None or r.status != Run.Status.SUCCEEDED:
        raise Http404("No such finished run")
    return r


RESULT_HEADER = [
    "measure",
    "provider",
    "provider_name",
    "item",
    "item_name",
    "year",
    "baseline",
    "central",
    "mean",
    "p10",
    "p50",
    "p90",
]
BREAKDOWN_HEADER = [
    "by",
    "by_name",
    "value",
    "value_name",
    "measure",
    "pod",
    "pod_name",
    "year",
    "baseline",
    "central",
    "mean",
    "p10",
    "p50",
    "p90",
]
STEP_HEADER = ["measure", "pod", "pod_name", "year", "order", "step", "mean", "p10", "p90"]


def _result_rows(r: Run) -> Iterator[list[object]]:
    names = {code: name for m in MEASURE_UNITS for code, name in queries.providers(r, m)}
    for x in queries.all_results(r):
        yield [
            x.measure,
            x.provider,
            names.get(x.provider, x.provider),
            x.item,
            item_name(x.measure, x.item),
            x.year,
            x.baseline,
            x.central,
            x.mean,
            x.p10,
            x.p50,
            x.p90,
        ]


def _breakdown_rows(r: Run) -> Iterator[list[object]]:
    by_names = dict(Breakdown.By.choices)
    names = {by: queries.breakdown_names(by) for by in by_names}
    for x in queries.breakdowns_where(r):
        yield [
            x.by,
            by_names.get(x.by, x.by),
            x.value,
            names.get(x.by, {}).get(x.value, x.value),
            x.measure,
            x.pod,
            pod_name(x.pod),
            x.year,
            x.baseline,
            x.central,
            x.mean,
            x.p10,
            x.p50,
            x.p90,
        ]


def _step_rows(r: Run) -> Iterator[list[object]]:
    for s in queries.all_steps(r):
        yield [s.measure, s.pod, pod_name(s.pod), s.year, s.order, s.name, s.mean, s.p10, s.p90]


@partner_only
def run_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every result, with each provider and item by code and by name."""
    r = _finished_run(pk)
    return csv_response(f"demand-run-{r.pk}-results.csv", RESULT_HEADER, _result_rows(r))


@partner_only
def run_breakdowns_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every breakdown (by place, neighbourhood, sex, age band and condition group) of each
    point of delivery's activity and bed days, each value by code and by name."""
    r = _finished_run(pk)
    return csv_response(f"demand-run-{r.pk}-breakdowns.csv", BREAKDOWN_HEADER, _breakdown_rows(r))


@partner_only
def run_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The run in one workbook: its results, its breakdowns and the steps of its change."""
    r = _finished_run(pk)
    data = xlsx_sheets_bytes(
        [
            ("Results", RESULT_HEADER, _result_rows(r)),
            ("Breakdowns", BREAKDOWN_HEADER, _breakdown_rows(r)),
            ("Steps", STEP_HEADER, _step_rows(r)),
        ]
    )
    return xlsx_file_response(f"demand-run-{r.pk}.xlsx", data)


@partner_only
def compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET or None)
    rows: list[queries.Comparison] = []
    runs: tuple[Run | None, Run | None] = (None, None)
    if form.is_valid():
        runs = (form.cleaned_data["a"].latest_run, form.cleaned_data["b"].latest_run)
        if all(runs):
            rows = queries.comparison(runs[0], runs[1])  # type: ignore[arg-type]
    return render(
        request,
        "demand/compare.jinja",
        {
            "form": form,
            "runs": runs,
            "rows": rows,
            "units": COMPARE_UNITS,
        },
    )


@partner_only
def baseline(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_object_or_404(Baseline, pk=pk)
    return render(
        request,
        "demand/baseline.jinja",
        {
            "baseline": b,
            "rows": queries.baseline_rows(b),
        },
    )


@programme_office_only
@refuse_big_uploads
def activity_import(request: HttpRequest) -> HttpResponse:
    form = ActivityImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["file"]
        if problem := ACTIVITY.size_problem(upload.size, upload.name):
            form.add_error("file", problem)  # not read, not kept
        else:
            job = services.queue_import(
                data=upload.read(),
                filename=upload.name,
                aggregated=d["kind"] == "aggregated",
                name=d["name"],
                base_year=d["base_year"],
                source=d["source"],
                by=request.user,
                enqueue=import_activity.enqueue,
            )
            return redirect("core:job", job.pk)
    return render(
        request,
        "demand/import.jinja",
        {
            "form": form,
            "pods": compute.POINTS,
            "los_bands": compute.LOS_BANDS,
        },
    )
