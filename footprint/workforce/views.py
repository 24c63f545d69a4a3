"""Workforce pages: the system dashboard, retention early warning, agency rates, imports and
the supply projection."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from footprint.core import charts
from footprint.core.jobs import refuse_big_uploads, start_upload
from footprint.core.permissions import permission_required
from footprint.workforce import compute, queries
from footprint.workforce.forms import SupplyForm, WorkforceImportForm
from footprint.workforce.models import StaffGroup
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
    since = queries.agency_year_start(dt.date.today())
    report = compute.agency_report(since)
    return render(
        request,
        "workforce/agency.jinja",
        {"report": report, "since": since, "caps": report.card},
    )


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
    form = SupplyForm(request.GET or None)
    result = None
    first_year = dt.date.today().year
    if form.is_valid():
        d = form.cleaned_data
        need = d["need"]
        if d["scenario"]:
            need = compute.need_from_scenario(d["scenario"], d["staff_group"])
            first_year = d["scenario"].parameters["base_year"] + 1
            if not need:
                form.add_error(
                    "scenario",
                    f"Its latest run needs no {StaffGroup(d['staff_group']).label.lower()} "
                    "at the organisations that send returns",
                )
        if need:
            result = compute.supply(
                d["staff_group"], need, d["training_places"], d["completion"] / 100
            )
    return render(
        request,
        "workforce/supply.jinja",
        {
            "form": form,
            "result": result,
            "first_year": first_year,
        },
    )
