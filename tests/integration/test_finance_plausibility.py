"""Walk 8 FI3: a plan whose figures look implausible (a deficit over a fifth of income, or a
deficit jumping from £41m to £300m) is asked about on the page, in an upload and in the API,
and saved only when confirmed; a trust's finance team moving its own control total is audited
as such and shown on its page."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from footprint.api.tokens import create_token
from footprint.core.imports import ImportRejected
from footprint.core.models import AuditEvent
from footprint.finance import plausibility, services
from footprint.finance.importers import PlanFigures, PlanWorkbook
from footprint.finance.models import FinancialPlan

M = 1_000_000_00  # £1m in pence


def figures(income=500, pay=300, non_pay=241, control=-32, year=2026):
    """A plan in £m: by default a £41m deficit on £500m of income."""
    return PlanFigures(
        year=year,
        income={"QA1": income * M},
        pay_pence=pay * M,
        non_pay_pence=non_pay * M,
        fixed_percent=Decimal("40"),
        semi_fixed_percent=Decimal("20"),
        control_total_pence=control * M,
        row=3,
        column="C",
    )


def test_the_rules_by_hand():
    f = plausibility.Figures
    assert plausibility.unusual(None, f(500 * M, 541 * M, -32 * M), "2026/27") == []
    (big,) = plausibility.unusual(None, f(500 * M, 800 * M, -32 * M), "2026/27")
    assert big.startswith("2026/27: a deficit of £300,000,000 is 60% of income")
    moved = plausibility.unusual(f(500 * M, 541 * M, -32 * M), f(500 * M, 600 * M, -32 * M), "x")
    assert moved == [
        "x: the surplus or deficit moves from -£41,000,000 to -£100,000,000, 12% of income: "
        "is it right?"
    ]
    # £3m more savings: ordinary
    assert (
        plausibility.unusual(f(500 * M, 541 * M, -32 * M), f(500 * M, 538 * M, -32 * M), "x") == []
    )


def test_an_implausible_change_is_asked_about_and_saved_only_when_confirmed(
    cast, icb, finance_team, footprint
):
    services.save_plan(organisation=footprint["trust_a"], figures=figures(), by=cast["pmo"])
    jump = figures(non_pay=500)  # deficit £300m on £500m
    with pytest.raises(plausibility.Implausible) as refused:
        services.save_plan(organisation=footprint["trust_a"], figures=jump, by=finance_team["a"])
    assert "a deficit of £300,000,000 is 60% of income" in " ".join(refused.value.messages)
    assert FinancialPlan.objects.get().non_pay_pence == 241 * M  # nothing saved
    services.save_plan(
        organisation=footprint["trust_a"], figures=jump, by=finance_team["a"], confirmed=True
    )
    assert FinancialPlan.objects.get().non_pay_pence == 500 * M


def test_the_plan_page_asks_and_keeps_what_was_typed(client, cast, icb, finance_team, footprint):
    services.save_plan(organisation=footprint["trust_a"], figures=figures(), by=cast["pmo"])
    client.force_login(finance_team["a"], backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("finance:plan_edit", args=["RA1", 2026])
    form = {
        "control_total": "-32000000",
        "income_QA1": "500000000",
        "other_income": "0",
        "pay": "300000000",
        "non_pay": "500000000",
        "fixed_percent": "40",
        "semi_fixed_percent": "20",
    }
    asked = client.post(url, form)
    text = asked.content.decode()
    assert asked.status_code == 200
    assert "is it right?" in text and plausibility.CONFIRM_LABEL in text
    assert FinancialPlan.objects.get().non_pay_pence == 241 * M
    saved = client.post(url, form | {"confirm_unusual": "on"})
    assert saved.status_code == 302
    assert FinancialPlan.objects.get().non_pay_pence == 500 * M


def test_an_upload_lists_each_unusual_year_and_saves_when_confirmed(
    cast, icb, finance_team, footprint
):
    book = PlanWorkbook(
        organisation="RA1", years=[figures(), figures(income=500, non_pay=500, year=2027)]
    )
    with pytest.raises(ImportRejected) as refused:
        services.import_plan_workbook(workbook=book, filename="p.xlsx", by=finance_team["a"])
    said = [str(e) for e in refused.value.errors]
    assert said[0].startswith("row 3, column 'C': 2027/28: a deficit of £300,000,000")
    assert plausibility.CONFIRM_UPLOAD in said[-1]
    assert not FinancialPlan.objects.exists()
    services.import_plan_workbook(
        workbook=book, filename="p.xlsx", by=finance_team["a"], confirmed=True
    )
    assert FinancialPlan.objects.count() == 2


def test_the_api_asks_too(client, cast, icb, finance_team, footprint):
    services.save_plan(organisation=footprint["trust_a"], figures=figures(), by=cast["pmo"])
    body = {
        "income_pence": {"QA1": 500 * M},
        "pay_pence": 300 * M,
        "non_pay_pence": 500 * M,
        "fixed_percent": 40,
        "semi_fixed_percent": 20,
        "control_total_pence": -32 * M,
    }
    headers = {"Authorization": f"Bearer {create_token(user=finance_team['a'], name='t')[1]}"}

    def put(data):
        return client.put(
            "/api/v1/finance/plans/RA1/2026",
            json.dumps(data),
            content_type="application/json",
            headers=headers,
        )

    asked = put(body)
    assert asked.status_code == 422
    assert "a deficit of £300,000,000 is 60% of income" in asked.json()["detail"]
    assert '"confirm_unusual": true' in asked.json()["detail"]
    assert put(body | {"confirm_unusual": True}).status_code == 200
    assert FinancialPlan.objects.get().non_pay_pence == 500 * M


def test_a_trust_moving_its_own_control_total_is_audited_and_shown(
    client, cast, icb, finance_team, footprint
):
    services.save_plan(organisation=footprint["trust_a"], figures=figures(), by=cast["pmo"])
    services.save_plan(
        organisation=footprint["trust_a"], figures=figures(control=-40), by=finance_team["a"]
    )
    event = AuditEvent.objects.get(action="change_own_control_total")
    assert event.actor == finance_team["a"]
    assert "from -£32,000,000 to -£40,000,000" in event.summary
    client.force_login(cast["pmo"], backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(reverse("finance:organisation", args=["RA1"]), {"year": 2026})
    assert "Changed by Trust A Hospitals" in page.content.decode()
    # the programme office setting it is not flagged
    services.save_plan(
        organisation=footprint["trust_a"], figures=figures(control=-35), by=cast["pmo"]
    )
    assert AuditEvent.objects.filter(action="change_own_control_total").count() == 1
    page = client.get(reverse("finance:organisation", args=["RA1"]), {"year": 2026})
    assert "Changed by Trust A Hospitals" not in page.content.decode()
