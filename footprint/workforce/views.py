"""Workforce pages: the system dashboard, retention early warning, agency rates, imports and
the supply projection, and the staff the escalation beds open today need."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from footprint.core import charts, listing
from footprint.core.jobs import refuse_big_uploads, start_upload
from footprint.core.permissions import can, permission_required
from footprint.workforce import charts as workforce_charts
from footprint.workforce import compute, queries, services
from footprint.workforce.forms import RateCapForm, SupplyForm, WorkforceImportForm
from footprint.workforce.models import RateCap, StaffGroup
from footprint.workforce.queries import IMPORT_JOBS
from footprint.workforce.rules import Permission
from footprint.workforce.tasks import run_workforce_import

partner_only = permission_required(Permission.VIEW_WORKFORCE)


@partner_only
def dashboard(request: HttpRequest) -> HttpResponse:
    rows, trend = compute.dashboard()
    return render(
        request,
        "workforce/dashboard.jinja",
        {
            "rows": rows,
            "trend": trend,
            "trend_chart": charts.monthly_totals(
                {t["month"]: t["wte"] for t in trend},
                "WTE in post across the system",
                "Staff in post (whole-time equivalent, WTE)",
            )
            if trend
            else None,
        },
    )


@partner_only
def retention(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workforce/retention.jinja",
        {
            "signals": compute.retention_signals(),
        },
    )


@partner_only
def retention_series(request: HttpRequest, ods_code: str, staff_group: str) -> HttpResponse:
    if staff_group not in StaffGroup.values:
        raise Http404("No such staff group")
    returns, result = compute.leaver_series(ods_code.upper(), staff_group)
    if not returns:
        raise Http404("No returns for this organisation and staff group")
    points = compute.leaver_points(returns, result)
    title = f"Monthly leaver rate: {StaffGroup(staff_group).label}, {returns[0].organisation.name}"
    return render(
        request,
        "workforce/series.jinja",
        {
            "title": title,
            "points": points,
            "returns": returns,
            "result": result,
            "spc_chart": charts.spc_chart(points, title, "% leaving in the month", None),
        },
    )


@partner_only
def agency(request: HttpRequest) -> HttpResponse:
    since = queries.agency_year_start(timezone.localdate())
    report = compute.agency_report(since)
    return render(
        request,
        "workforce/agency.jinja",
        {"report": report, "since": since, "caps": report.card},
    )


CARD_COLUMNS = [("role", "Role"), ("applies", "Applies to"), ("cap", "Most per hour")]


@partner_only
def rate_card(request: HttpRequest) -> HttpResponse:
    """The agency rate card: search and sort; the programme office changes it here."""
    search, sort = listing.asked(request, queries.CARD_SORTS, "role")
    caps = queries.rate_card_where(search=search, sort=sort)
    columns = listing.columns(
        reverse("workforce:rate_card"), CARD_COLUMNS, sort=sort, search=search
    )
    return render(
        request,
        "workforce/rate_card.jinja",
        {
            "caps": caps,
            "search": search,
            "sort": sort,
            "columns": columns,
            "any_caps": bool(caps) or RateCap.objects.exists(),
            "may_change": can(request.user, Permission.CHANGE_RATE_CARD),
        },
    )


@permission_required(Permission.CHANGE_RATE_CARD)
def rate_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a cap to the rate card (no ``pk``) or change one; its history below."""
    cap = get_object_or_404(RateCap.objects.select_related("organisation"), pk=pk) if pk else None
    form = RateCapForm(request.POST or None, cap=cap)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_rate_cap(cap=form.apply(cap or RateCap()), by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Saved the cap for {saved.role}: £{saved.cap_pence / 100:,.2f} an hour."
            )
            return redirect("workforce:rate_card")
    return render(
        request,
        "workforce/rate_form.jinja",
        {
            "form": form,
            "cap": cap,
            "history": queries.change_history(cap) if cap else [],
        },
    )


@require_POST
@permission_required(Permission.CHANGE_RATE_CARD)
def rate_remove(request: HttpRequest, pk: int) -> HttpResponse:
    cap = get_object_or_404(RateCap.objects.select_related("organisation"), pk=pk)
    services.remove_rate_cap(cap=cap, by=request.user)
    messages.success(request, f"Removed the cap for {cap.role} from the rate card.")
    return redirect("workforce:rate_card")


@permission_required(Permission.IMPORT_WORKFORCE)
@refuse_big_uploads
def workforce_import(request: HttpRequest) -> HttpResponse:
    """Upload a file of returns or shifts; a background job saves it through the services,
    which check every row's organisation."""
    form = WorkforceImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        job = start_upload(
            form,
            request,
            job_kind=f"{IMPORT_JOBS}:{kind}",
            task=run_workforce_import,
            kind=kind,
            today=timezone.localdate().isoformat(),  # the importers judge dates against it
        )
        if job is not None:
            return redirect("core:job", job.pk)
    return render(
        request,
        "workforce/import.jinja",
        {
            "form": form,
            "recent": queries.recent_imports(request.user),
        },
    )


@partner_only
def supply(request: HttpRequest) -> HttpResponse:
    """Supply against need. A scenario's need is calibrated to the staff in post; its years
    are labelled as the demand run counts them (whole years after its base year, not
    financial years); a need typed in is labelled by the month a year after the returns."""
    form = SupplyForm(request.GET or None)
    result = None
    scenario_need = None
    labels: list[str] = []
    group = ""
    if form.is_valid():
        d = form.cleaned_data
        group = StaffGroup(d["staff_group"]).label.lower()
        need: list[float] | compute.ScenarioNeed = d["need"]
        if d["scenario"]:
            scenario_need = compute.need_from_scenario(d["scenario"], d["staff_group"])
            if scenario_need is None:
                form.add_error(
                    "scenario",
                    f"Its latest run needs no {group} "
                    "in its base year at the organisations that send returns, so there is "
                    "nothing to set against the staff in post",
                )
            else:
                need = scenario_need
        if need and not form.errors:
            result = compute.supply(
                d["staff_group"], need, d["training_places"], d["completion"] / 100
            )
        if result is not None:
            if scenario_need is not None:
                labels = [str(y) for y in scenario_need.years]
            else:
                labels = [
                    f"{result.month:%b} {result.month.year + i + 1}"
                    for i in range(result.projection.years)
                ]
    return render(
        request,
        "workforce/supply.jinja",
        {
            "form": form,
            "result": result,
            "scenario_need": scenario_need,
            "labels": labels,
            "group": group,
        },
    )


@partner_only
def escalation(request: HttpRequest) -> HttpResponse:
    """The staff (WTE by staff group) the escalation beds open in the daily returns need."""
    today = timezone.localdate()
    rows = compute.escalation_staffing(today)
    bars = [
        {"who": r.organisation_name, "staff": n.name, "wte": round(n.wte, 1)}
        for r in rows
        for n in r.need
    ]
    return render(
        request,
        "workforce/escalation.jinja",
        {
            "rows": rows,
            "today": today,
            "lookback": queries.ESCALATION_LOOKBACK,
            "assumptions": compute.bed_staffing(),
            "per_bed": compute.staff_for_beds(1),
            "ten_beds": compute.staff_for_beds(10),
            "beds": sum(r.beds for r in rows),
            "wte": sum(r.wte for r in rows),
            "totals": [
                (n.name, sum(r.need[i].wte for r in rows))
                for i, n in enumerate(compute.staff_for_beds(0))
            ],
            "staff_chart": workforce_charts.staff_bars(
                bars, "Staff the escalation beds open today need, by trust"
            )
            if any(r.beds for r in rows)
            else None,
        },
    )
