"""The inequalities pages: the partnership's picture for partners, the Core20PLUS5 page with
its PLUS groups and clinical areas, the age-standardised rates of the base year's activity,
and the public page in plain English."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from footprint.core.breakdowns import Breakdown
from footprint.core.permissions import can, permission_required, require
from footprint.inequalities import charts, compute, queries, services
from footprint.inequalities.core20plus5 import ADULTS, BY_CODE, CHILDREN, WHO
from footprint.inequalities.forms import ClinicalAreaMetricForm, PlusGroupForm, RatesForm
from footprint.inequalities.rules import Permission
from footprint.partnership import charts as area_charts
from footprint.partnership.queries import Share
from footprint.plans.figures import figure, number

partner_only = permission_required(Permission.VIEW_INEQUALITIES)
manage_only = permission_required(Permission.CHANGE_CORE20PLUS5)


def _core20_by_place(profiles: list[queries.PlaceProfile]) -> dict[str, Any] | None:
    shares = [
        Share(i, p.name, p.profile.core20, p.profile.core20_share)
        for i, p in enumerate(profiles)
        if p.profile.residents and p.place is not None
    ]
    if not shares:
        return None
    year = profiles[-1].profile.year
    return area_charts.residents_by_share(
        shares,
        f"Residents in the most deprived 20 % of England (Core20) by place, {year}",
        category="Place",
        measure="Residents in Core20 areas, people",
    )


def _picture(*, public: bool) -> dict[str, Any]:
    profiles = queries.profiles_by_place()
    whole = profiles[-1]
    return {
        "profiles": profiles,
        "whole": whole,
        "whole_charts": area_charts.profile_charts(whole.profile, whole.name),
        "core20_chart": _core20_by_place(profiles),
        "plus_groups": list(queries.plus_groups(public_only=public)),
    }


@partner_only
def overview(request: HttpRequest) -> HttpResponse:
    """The partnership's inequalities picture: each place's deprivation profile and Core20
    share, with the whole partnership's."""
    return render(request, "inequalities/overview.jinja", _picture(public=False))


def _area_rows(whole_quintiles: list[Share]) -> dict[str, list[dict[str, Any]]]:
    populations = {int(q.key): float(q.residents) for q in whole_quintiles}
    rows: dict[str, list[dict[str, Any]]] = {ADULTS: [], CHILDREN: []}
    for area, metric in queries.areas_with_metrics():
        figures = queries.quintile_figures(metric) if metric else None
        rows[area.who].append(
            {
                "area": area,
                "metric": metric,
                "figures": figures,
                "gradient": compute.gradient(
                    figures.values,
                    populations,
                    unit=metric.unit if metric else "",
                    denominators=figures.populations,
                )
                if figures
                else None,
            }
        )
    return rows


@partner_only
def core20plus5(request: HttpRequest) -> HttpResponse:
    """Core20PLUS5: the Core20 share, the partnership's PLUS groups, and the five clinical
    areas for adults and for children and young people, each by quintile with its SII."""
    whole = queries.footprint_profile()
    return render(
        request,
        "inequalities/core20plus5.jinja",
        {
            "whole": whole,
            "groups": [(WHO[k], v) for k, v in _area_rows(whole.quintiles).items()],
            "plus_groups": list(queries.plus_groups()),
            "may_change": can(request.user, Permission.CHANGE_CORE20PLUS5),
        },
    )


@partner_only
def rates(request: HttpRequest) -> HttpResponse:
    """Crude and directly age-standardised rates per 100,000 of one kind of the base year's
    activity, by deprivation quintile (with the SII), by place and by neighbourhood."""
    form = RatesForm(request.GET or None)
    chosen = form.cleaned_data if form.is_valid() else {}
    pod = chosen.get("pod") or queries.DEFAULT_RATE_POD
    baseline = queries.rate_baseline(int(chosen["baseline"]) if chosen.get("baseline") else None)
    inputs = queries.rate_inputs(baseline, pod) if baseline is not None else None
    unavailable = queries.rates_unavailable(baseline, inputs, pod)
    context: dict[str, Any] = {
        "form": form,
        "pod": pod,
        "pod_name": queries.RATE_PODS[pod],
        "baseline": baseline,
        "inputs": inputs,
        "unavailable": unavailable,
        "picture": None,
    }
    if inputs is not None and unavailable is None:
        picture = compute.rate_picture(inputs, queries.the_system_name())
        what = f"{queries.RATE_PODS[pod]} per 100,000 residents, {inputs.year}"
        context["picture"] = picture
        context["charts"] = {
            "quintiles": charts.rates(
                picture.by_quintile,
                f"{what}, by deprivation quintile",
                category="Deprivation quintile",
            )
            if picture.by_quintile
            else None,
            "places": charts.rates(picture.by_place, f"{what}, by place", category="Place"),
            "hoods": charts.rates(
                picture.by_hood, f"{what}, by neighbourhood", category="Neighbourhood"
            ),
        }
    return render(request, "inequalities/rates.jinja", context)


def _published_split(
    element_id: str, goal: Any, split: Any, chart_title: str
) -> dict[str, Any] | None:
    """A published goal's split as a chart of its latest period and a table of up to its last
    four, or None when no period has a figure. ``latest``, ``period`` and ``row`` are the
    latest period's index, month and figures, for the sentences beside them."""
    filled = [i for i, row in enumerate(split.values) if any(v is not None for v in row)]
    if not filled:
        return None
    latest = filled[-1]
    period = split.periods[latest]
    row = split.values[latest]
    names = [name for _, name in split.groups]
    return {
        "id": element_id,
        "goal": goal,
        "split": split,
        "period": period,
        "latest": latest,
        "row": row,
        "headers": [split.breakdown_name]
        + [{"text": f"{split.periods[i]:%b %Y}", "numeric": True} for i in filled[-4:]],
        "rows": [(name, [split.values[i][g] for i in filled[-4:]]) for g, name in enumerate(names)],
        "chart": charts.published_by_group(
            list(zip(names, row, strict=True)),
            f"{chart_title}, {period:%B %Y}",
            category=split.breakdown_name,
            measure=goal.metric_name,
        ),
    }


def _published_deprivation() -> list[dict[str, Any]]:
    """Each published goal's figures by deprivation, as published: the latest period's
    figures by group for a chart, up to the last four periods for its table, the gap between
    the two ends in a sentence, and the published SII."""
    shown = []
    for k, found in enumerate(queries.published_deprivation()):
        goal, split = found.goal, found.split
        view = _published_split(
            f"published-{k}", goal, split, f"{goal.metric_name} by {split.breakdown_name.lower()}"
        )
        if view is None:
            continue
        latest, period, row = view["latest"], view["period"], view["row"]
        most, least = row[0], row[-1]
        gap = split.ends_gap[latest] if latest < len(split.ends_gap) else None
        word = "fifth" if split.breakdown == Breakdown.QUINTILE else "tenth"
        gap_sentence = None
        if most is not None and least is not None:
            gap_sentence = (
                f"In {period:%B %Y} the figure was {figure(most, split.unit)} for people in the "
                f"most deprived {word} of areas in England and {figure(least, split.unit)} in "
                f"the least deprived {word}"
                + (f": a gap of {figure(abs(gap), split.gap_unit)}." if gap is not None else ".")
            )
        shown.append(view | {"gap_sentence": gap_sentence})
    return shown


def _published_ethnicity() -> list[dict[str, Any]]:
    """Each published goal's figures by ethnic group, as published: the latest period's
    figures for a chart, up to the last four periods for its table, and the lowest and the
    highest group in a sentence (the groups have no order, so no gap between ends or SII)."""
    shown = []
    for k, found in enumerate(queries.published_ethnicity()):
        goal, split = found.goal, found.split
        view = _published_split(
            f"published-ethnic-{k}", goal, split, f"{goal.metric_name} by ethnic group"
        )
        if view is None:
            continue
        period, row = view["period"], view["row"]
        names = [name for _, name in split.groups]
        known = [(v, name) for name, v in zip(names, row, strict=True) if v is not None]
        sentence = None
        if len(known) > 1:
            (low, low_name), (high, high_name) = min(known), max(known)
            sentence = (
                f"In {period:%B %Y} the figure was lowest for people of the {low_name} group "
                f"({figure(low, split.unit)}) and highest for the {high_name} group "
                f"({figure(high, split.unit)})."
            )
        shown.append(view | {"sentence": sentence})
    return shown


def public(request: HttpRequest) -> HttpResponse:
    """The public page: the partnership's inequalities picture in plain English, from open
    data and from what the partnership has published (never the plan as it stands now)."""
    published = queries.published_goals_by_metric()
    areas = []
    for area, metric in queries.areas_with_metrics():
        goals = published.get(metric.slug, []) if metric else []
        areas.append({"area": area, "goals": goals})
    return render(
        request,
        "inequalities/public.jinja",
        {
            **_picture(public=True),
            "areas": areas,
            "who": WHO,
            "published": _published_deprivation(),
            "published_ethnicity": _published_ethnicity(),
            "figure": figure,
            "number": number,
        },
    )


def _form_page(request: HttpRequest, form: Any, *, title: str, button: str) -> HttpResponse:
    return render(
        request,
        "inequalities/form.jinja",
        {"form": form, "title": title, "button_text": button},
    )


@manage_only
def plus_group_add(request: HttpRequest) -> HttpResponse:
    form = PlusGroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        group = services.add_plus_group(data=form.cleaned_data, by=request.user)
        messages.success(request, f"{group.name} added to the PLUS groups")
        return redirect("inequalities:core20plus5")
    if request.method == "POST" and form.repeats():
        # The same group sent twice (a double click): the first added it and said so.
        return redirect("inequalities:core20plus5")
    return _form_page(request, form, title="Add a PLUS group", button="Add the group")


@manage_only
def plus_group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = queries.plus_group(pk)
    if group is None:
        raise Http404("No such PLUS group")
    form = PlusGroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        services.change_plus_group(group=group, data=form.cleaned_data, by=request.user)
        messages.success(request, f"{group.name} changed")
        return redirect("inequalities:core20plus5")
    return _form_page(request, form, title=f"Change {group.name}", button="Save the group")


@require_POST
@manage_only
def plus_group_remove(request: HttpRequest, pk: int) -> HttpResponse:
    group = queries.plus_group(pk)
    if group is None:
        raise Http404("No such PLUS group")
    require(request.user, Permission.CHANGE_CORE20PLUS5, group)
    services.remove_plus_group(group=group, by=request.user)
    messages.success(request, f"{group.name} removed from the PLUS groups")
    return redirect("inequalities:core20plus5")


@manage_only
def clinical_area_edit(request: HttpRequest, code: str) -> HttpResponse:
    area = BY_CODE.get(code)
    if area is None:
        raise Http404("No such clinical area")
    current = queries.clinical_area_metrics()[code]
    form = ClinicalAreaMetricForm(
        request.POST or None, initial={"metric": str(current.pk) if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["metric"]
        metric = queries.metric(int(chosen)) if chosen else None
        services.choose_metric(area=code, metric=metric, by=request.user)
        messages.success(request, f"{area.name}: saved")
        return redirect("inequalities:core20plus5")
    return _form_page(
        request,
        form,
        title=f"{WHO[area.who]}: {area.name}",
        button="Save",
    )
