"""Finance pages: the system position, each organisation's plans and their history, plan
entry and the Excel template, the risk-share agreement and ledger, who gains and loses when a
demand scenario moves activity, exports, publication and the public summary."""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from footprint.core import charts, listing
from footprint.core.exports import csv_response, xlsx_response
from footprint.core.imports import WORKBOOK
from footprint.core.jobs import refuse_big_uploads, start_upload
from footprint.core.permissions import can, permission_required, require
from footprint.finance import compute, importers, publication, queries, services
from footprint.finance.forms import (
    AgreementForm,
    ContractForm,
    FlowsForm,
    MoveForm,
    PlanForm,
    PlanUploadForm,
)
from footprint.finance.models import Contract, FinancialPlan, RiskShareAgreement, year_label
from footprint.finance.rules import Permission, may_see_plan, sees_every_plan
from footprint.finance.tasks import import_plan_workbook
from footprint.partnership.models import Organisation
from footprint.partnership.queries import names_by_code, organisations_by_code
from footprint.partnership.rules import is_programme_office, roles_of

partner_only = permission_required(Permission.VIEW_FINANCE)
MEASURE = "£ million"
POSITION = "Surplus (+) or deficit (−), £ million"  # the waterfalls' money axis

# The waterfalls' colours, each meaning one thing: where the year starts (grey), a step that
# raises the position (blue), one that lowers it (red), where it ends (purple).
BETTER = "Raises the position (better)"
WORSE = "Lowers the position (worse)"
COLOURS = (charts.NHS_MID_GREY, charts.NHS_BLUE, charts.NHS_RED, charts.NHS_PURPLE)


LABEL_WRAP = 20  # characters a line of a step's name in a waterfall


def _waterfall(steps: list[tuple[str, float]], title: str, **kwargs: Any) -> dict[str, Any]:
    """A finance waterfall: steps listed down the side with their names whole, the title in
    lines that fit a phone, and a legend that says what each colour means."""
    spec = charts.waterfall(
        steps,
        title,
        POSITION,
        horizontal=True,
        changes=(BETTER, WORSE),
        colours=COLOURS,
        wrap=36,
        **({"money": "millions"} | kwargs),
    )
    # The steps' names in lines of about 20 characters (the title keeps 36): wrapped at 36
    # they took 200 of a phone's 358 px, left the bars 140 and pushed the legend, which
    # starts where the bars do, off the side (walk FI1).
    values = spec["data"]["values"]
    for v in values:
        v["label"] = "|".join(textwrap.wrap(v["step"], LABEL_WRAP))
    lines = max(v["label"].count("|") + 1 for v in values)
    spec["height"] = {"step": 12 + 13 * lines}
    # The legend goes under the bars, one entry a line, each label whole: at the top it was
    # as wide as the chart's labels allowed, and cut "Raises the position (better" on a phone.
    spec["encoding"]["color"]["legend"] |= {
        "orient": "bottom",
        "direction": "vertical",
        "columns": 1,
        "labelLimit": 0,
    }
    return spec


def current_year(today: dt.date) -> int:
    """The financial year (April to March) that ``today`` falls in."""
    return today.year if today.month >= 4 else today.year - 1


def _pick_year(request: HttpRequest, years: list[int]) -> int | None:
    if not years:
        return None
    try:
        asked = int(request.GET.get("year", ""))
    except ValueError:
        asked = None
    if asked in years:
        return asked
    now = current_year(timezone.localdate())
    return now if now in years else years[-1]


def _chart_year(steps: list[tuple[str, float]], label: str) -> dict[str, Any]:
    return _waterfall(
        steps,
        f"System position {label}: from control totals through plans and risk share",
        start="System control total",
        total="Final system position",
    )


@partner_only
def system(request: HttpRequest) -> HttpResponse:
    years = queries.years_with_plans()
    year = _pick_year(request, years)
    published = queries.published_years()
    whole = year is not None and sees_every_plan(request.user, year, published)
    context: dict[str, Any] = {
        "years": years,
        "year": year,
        "published": published,
        "whole": whole,
        "per_head": [],
        "by_quintile": [],
    }
    if year is not None:
        sy = compute.system_year(year)
        if whole:
            live = publication.summary_of(sy)
            chart = _chart_year(publication.waterfall(live), sy.label)
            context |= {"system": sy, "waterfall_chart": chart} | _publication_state(year, live)
        else:
            context["rows"] = [
                r for r in sy.rows if may_see_plan(request.user, r.organisation, year, published)
            ]
        shown = sorted(y for y in years if sees_every_plan(request.user, y, published))
        spends = compute.place_spends(shown)
        context["per_head"] = compute.spend_per_head(shown, spends)
        context["by_quintile"] = compute.spend_per_head_by_quintile(shown, spends)
    return render(request, "finance/system.jinja", context)


def _publication_state(year: int, live: publication.Summary) -> dict[str, Any]:
    """For partners who see the whole year: what the public sees, and whether the figures
    (``live``, the summary as they stand) have changed since (a draft), with what would change
    if published again."""
    latest = queries.latest_publication(year)
    draft = latest is not None and latest.summary != live
    return {
        "publications": list(queries.publications(year).defer("summary")),
        "latest_publication": latest,
        "draft": draft,
        "pending": publication.changes(latest.summary, live) if draft and latest else [],
    }


@partner_only
def organisation(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = get_object_or_404(Organisation, ods_code=ods_code.upper())
    published = queries.published_years()
    rows = [
        r
        for r in compute.organisation_years(org)
        if may_see_plan(request.user, org, r.year, published)
    ]
    visible = [r.year for r in rows]
    year = _pick_year(request, visible)
    row = next((r for r in rows if r.year == year), None)
    context = {
        "org": org,
        "rows": rows,
        "row": row,
        "year": year,
        "may_change": can(request.user, Permission.CHANGE_PLANS, org),
        "next_year": max(visible, default=current_year(timezone.localdate()) - 1) + 1,
        "history": queries.plan_history(org, visible),
        "control_changed": None,
        "upload": PlanUploadForm(),
        "crumbs": [{"href": reverse("finance:index"), "text": "System finance"}],
    }
    if row is not None:
        context["waterfall_chart"] = _waterfall(
            compute.organisation_waterfall(row),
            f"{org.name}, {row.plan.year_label}",
            start="Control total",
            total="Final position",
        )
        context["income"] = _income_lines(row.plan)
        context["draft_since"] = _changed_since_published(row, published)
        context["control_changed"] = _control_total_changed_by_organisation(
            context["history"], row.plan.year_label
        )
    return render(request, "finance/organisation.jinja", context)


def _control_total_changed_by_organisation(
    history: list[dict[str, Any]], year_label: str
) -> dict[str, Any] | None:
    """The latest change to the year's control total, if someone other than the programme
    office made it (the organisation's own finance team moving a total agreed with the
    system): the page says so beside the control total."""
    latest = next(
        (h for h in history if h["year"] == year_label and h["figure"] == "Control total"), None
    )
    if latest is None or latest["who"] is None or is_programme_office(latest["who"]):
        return None
    return latest


def _changed_since_published(row: compute.OrgYear, published: frozenset[int]) -> Any:
    """The publication ``row``'s position has changed since, if its year is published and
    the position differs from the one published (a draft); otherwise None."""
    if row.year not in published:
        return None
    latest = queries.latest_publication(row.year)
    if latest is None:
        return None
    return (
        latest if publication.changed_since(publication.position_of(row), latest.summary) else None
    )


def _income_lines(plan: FinancialPlan) -> list[tuple[str, int]]:
    names = names_by_code(plan.income)
    return [
        ("Other income" if k == "other" else names.get(k, k), int(v))
        for k, v in sorted(plan.income.items(), key=lambda kv: kv[0] == "other")
    ]


def _may_change_plans(request: HttpRequest, org: Organisation) -> None:
    """A 403 page for anyone who may not change ``org``'s plans."""
    if not can(request.user, Permission.CHANGE_PLANS, org):
        raise PermissionDenied(f"You may not change {org.name}'s financial plans.")


@partner_only
def plan_edit(request: HttpRequest, ods_code: str, year: int) -> HttpResponse:
    org = get_object_or_404(Organisation, ods_code=ods_code.upper())
    _may_change_plans(request, org)
    if not 2000 <= year <= 2100:
        raise Http404("No such financial year")
    plan = queries.plan_for(org, year)
    form = PlanForm(request.POST or None, organisation=org, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_plan(
                organisation=org,
                figures=form.figures(year),
                by=request.user,
                confirmed=form.cleaned_data["confirm_unusual"],
            )
        except ValidationError as exc:  # figures that look implausible, not yet confirmed
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"Saved {org.name}'s plan for {year_label(year)}.")
            return redirect(f"{reverse('finance:organisation', args=[org.ods_code])}?year={year}")
    return render(
        request,
        "finance/plan_form.jinja",
        {
            "form": form,
            "org": org,
            "year": year,
            "plan": plan,
        },
    )


@partner_only
def plan_template(request: HttpRequest, ods_code: str) -> HttpResponse:
    org = get_object_or_404(Organisation, ods_code=ods_code.upper())
    _may_change_plans(request, org)
    plans = {p.year: p for p in queries.plans_of(org)}
    this_year = current_year(timezone.localdate())
    first = min([*plans, this_year])
    years = sorted(set(plans) | set(range(this_year, this_year + 5)) | {first})
    data = importers.template(org, years, queries.commissioners(org), plans)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="financial-plan-{org.ods_code}.xlsx"'
    return response


@partner_only
@refuse_big_uploads
def plan_upload(request: HttpRequest) -> HttpResponse:
    """Upload a plan workbook: a background job checks and saves it (the page only keeps the
    file), and its progress page lists any problem by sheet, row and column."""
    require(request.user, Permission.CHANGE_PLANS)
    form = PlanUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        job = start_upload(
            form,
            request,
            job_kind="import:finance",
            task=import_plan_workbook,
            limits=WORKBOOK,
            binary=True,
            confirmed=form.cleaned_data["confirm_unusual"],
        )
        if job is not None:
            return redirect("core:job", job.pk)
    mine = [
        o
        for o in queries.organisations(roles_of(request.user).by_organisation)
        if can(request.user, Permission.CHANGE_PLANS, o)
    ]
    return render(
        request,
        "finance/upload.jinja",
        {
            "form": form,
            "errors": errors,
            "mine": mine,
        },
    )


@partner_only
def risk_share(request: HttpRequest) -> HttpResponse:
    """Each agreement with its ledger for the years the person sees the whole system."""
    published = queries.published_years()

    def shown(row: compute.LedgerRow) -> bool:
        return sees_every_plan(request.user, row.year, published)

    return render(
        request,
        "finance/risk_share.jinja",
        {
            "agreements": [
                (a, [row for row in compute.ledger(a) if shown(row)]) for a in queries.agreements()
            ],
            "crumbs": [{"href": reverse("finance:index"), "text": "System finance"}],
        },
    )


@partner_only
def agreement_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Record a new agreement (no ``pk``) or change one."""
    require(request.user, Permission.MANAGE_RISK_SHARE)
    agreement = get_object_or_404(RiskShareAgreement, pk=pk) if pk else None
    form = AgreementForm(request.POST or None, instance=agreement, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        saved = services.save_agreement(
            agreement=form.save(commit=False),
            members=list(form.cleaned_data["members"]),
            by=request.user,
        )
        messages.success(request, f"Saved the agreement '{saved.name}'.")
        return redirect("finance:risk_share")
    return render(
        request,
        "finance/agreement_form.jinja",
        {
            "form": form,
            "agreement": agreement,
            "history": queries.change_history(agreement) if agreement else [],
        },
    )


CONTRACT_COLUMNS = [
    ("provider", "Provider"),
    ("service", "Point of delivery"),
    ("commissioner", "Commissioner"),
    ("price", "Price per unit"),
]


@partner_only
def contracts(request: HttpRequest) -> HttpResponse:
    """Every contract between a commissioner and a provider: search and sort."""
    search, sort = listing.asked(request, queries.CONTRACT_SORTS, "provider")
    found = queries.contracts_where(search=search, sort=sort)
    columns = listing.columns(
        reverse("finance:contracts"), CONTRACT_COLUMNS, sort=sort, search=search
    )
    return render(
        request,
        "finance/contracts.jinja",
        {
            "contracts": found,
            "search": search,
            "sort": sort,
            "columns": columns,
            "any_contracts": bool(found) or Contract.objects.exists(),
            "may_manage": can(request.user, Permission.MANAGE_CONTRACTS),
            "may_change": {
                c.pk
                for c in found
                if can(request.user, Permission.MANAGE_CONTRACTS, c.commissioner)
            },
        },
    )


@partner_only
def contract_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a contract (no ``pk``) or change one; its history below."""
    require(request.user, Permission.MANAGE_CONTRACTS)
    contract = (
        get_object_or_404(Contract.objects.select_related("commissioner", "provider"), pk=pk)
        if pk
        else None
    )
    if contract is not None:
        require(request.user, Permission.MANAGE_CONTRACTS, contract.commissioner)
    form = ContractForm(request.POST or None, user=request.user, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_contract(
                contract=form.apply(contract or Contract()), by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Saved the contract for {saved.get_service_display()} at {saved.provider.name}.",
            )
            return redirect("finance:contracts")
    return render(
        request,
        "finance/contract_form.jinja",
        {
            "form": form,
            "contract": contract,
            "history": queries.change_history(contract) if contract else [],
        },
    )


@require_POST
@partner_only
def contract_remove(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(Contract.objects.select_related("commissioner", "provider"), pk=pk)
    services.remove_contract(contract=contract, by=request.user)
    messages.success(
        request,
        f"Removed the contract for {contract.get_service_display()} at {contract.provider.name}.",
    )
    return redirect("finance:contracts")


def _scenario_years() -> list[int]:
    years: set[int] = set()
    for s in queries.scenarios_run():
        years.update(compute.scenario_years(s))
    return sorted(years)


@partner_only
def scenario(request: HttpRequest) -> HttpResponse:
    """Who gains and who loses: from a demand scenario, or from a move typed in."""
    # Only the projected years some organisation has a plan for: in a year with none, income
    # has no plan to be a share of, and every row's "% of plan" was a dash (the walk, 2031/32).
    # With no plans at all, every projected year is offered and the page says why.
    planned = queries.years_with_plans()
    years = [y for y in _scenario_years() if y in planned] or _scenario_years()
    typed = "provider" in request.GET
    form = FlowsForm(None if typed else (request.GET or None), years=years)
    move_form = MoveForm(request.GET if typed else None, years=planned)
    flows = None
    if form.is_valid():
        d = form.cleaned_data
        if d["year"] not in compute.scenario_years(d["scenario"]):
            form.add_error(
                "year", f"'{d['scenario'].name}' does not project {year_label(d['year'])}"
            )
        else:
            try:
                flows = compute.scenario_flows(d["scenario"], d["against"], d["year"])
            except ValueError as exc:
                form.add_error(None, str(exc))
    elif move_form.is_valid():
        d = move_form.cleaned_data
        move = compute.TypedMove(
            d["provider"].ods_code,
            d["service"],
            d["units"],
            d["to_provider"].ods_code if d["to_provider"] else "",
            d["to_service"],
        )
        flows = compute.typed_flows(move, d["move_year"])
    if flows is not None:
        published, orgs = queries.published_years(), organisations_by_code()
        flows = publication.flows_seen_by(
            flows,
            lambda code, year: (
                code in orgs and may_see_plan(request.user, orgs[code], year, published)
            ),
            queries.codes_with_plans(),
        )
    context: dict[str, Any] = {
        "form": form,
        "move_form": move_form,
        "typed": typed,
        "flows": flows,
        "year_without_plans": flows is not None and flows.year not in planned,
    }
    if flows is not None and flows.rows and flows.complete:
        context["waterfall_chart"] = _waterfall(
            compute.flow_waterfall(flows),
            f"Change in each organisation's position, {year_label(flows.year)}",
            start="Before",
            total="System",
            steps_title="Organisation",
            places=2,
        )
    return render(request, "finance/scenario.jinja", context)


EXPORT_HEADER = [
    "Financial year",
    "ODS code",
    "Organisation",
    "Income (£)",
    "Pay (£)",
    "Non-pay (£)",
    "Surplus or deficit (£)",
    "Control total (£)",
    "Variance (£; positive is better than the control total)",
    "Risk share and repayments (£)",
    "Final position (£)",
]


def _export_rows(rows: list[compute.OrgYear]) -> list[list[object]]:
    def pounds(pence: int) -> float:
        return round(pence / 100, 2)

    return [
        [
            r.plan.year_label,
            r.organisation.ods_code,
            r.organisation.name,
            pounds(r.plan.total_income_pence),
            pounds(r.plan.pay_pence),
            pounds(r.plan.non_pay_pence),
            pounds(r.plan.surplus_pence),
            pounds(r.plan.control_total_pence),
            pounds(r.plan.variance_pence),
            pounds(r.transfer),
            pounds(r.final_pence),
        ]
        for r in rows
    ]


@partner_only
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every plan the person may see, each year, as CSV or Excel; any other format is not
    found (``positions.pdf`` served the CSV: walk X1)."""
    if fmt not in ("csv", "xlsx"):
        raise Http404("Positions download as .csv or .xlsx only")
    published = queries.published_years()
    rows: list[compute.OrgYear] = []
    for year in queries.years_with_plans():
        rows += [
            r
            for r in compute.system_year(year).rows
            if may_see_plan(request.user, r.organisation, year, published)
        ]
    table = _export_rows(rows)
    if fmt == "xlsx":
        return xlsx_response("financial-positions.xlsx", EXPORT_HEADER, table, "Positions")
    return csv_response("financial-positions.csv", EXPORT_HEADER, table)


@require_POST
@partner_only
def publish(request: HttpRequest, year: int) -> HttpResponse:
    """Publish ``year``'s system summary as it stands."""
    require(request.user, Permission.PUBLISH_YEAR)
    try:
        kept = services.publish_year(year=year, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"Published the system summary for {year_label(year)}: the public sees the "
            f"figures as they were on {kept.published_on:%-d %B %Y}.",
        )
    return redirect(f"{reverse('finance:index')}?year={year}")


@require_POST
@partner_only
def withdraw(request: HttpRequest, year: int) -> HttpResponse:
    """Take ``year``'s system summary back to partner-only."""
    require(request.user, Permission.PUBLISH_YEAR)
    services.withdraw_year(year=year, by=request.user)
    messages.success(request, f"{year_label(year)} is back to partner-only.")
    return redirect(f"{reverse('finance:index')}?year={year}")


def public(request: HttpRequest) -> HttpResponse:
    """The published system summaries, for everyone: the figures as the programme office
    last published them, never the plans as they stand now."""
    years = queries.public_years()
    year = _pick_year(request, years)
    shown = queries.public_summary(year) if year is not None else None
    context: dict[str, Any] = {
        "years": years,
        "year": year,
        "shown": shown,
    }
    if shown is not None:
        context |= {
            "summary": shown.summary,
            "waterfall_chart": _chart_year(
                publication.waterfall(shown.summary), shown.summary["financial_year"]
            ),
        }
    return render(request, "finance/public.jinja", context)
