"""The API's permission matrix: every operation, tried by each of the cast with their own
token (the public with none), with what each may and may not do. The writes go through the
same services as the pages, so the same people are refused; a meta-test proves every
operation in the OpenAPI schema is in the matrix.

Expected answers: 200 (202 for a queued run) for those allowed; 401 for the public on
anything that needs a token; 403 for a partner (or a logged-in stranger) who may not;
404 for a job someone else started (as on the job's page)."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from footprint.api.api import api
from footprint.api.tokens import create_token
from footprint.decisions import services as decisions
from footprint.demand import compute as demand_compute
from footprint.demand import services as demand
from footprint.demand.models import Run
from footprint.demand.tasks import run_scenario
from footprint.engagement import services as engagement
from footprint.engagement.models import Consultation
from footprint.finance import services as finance
from footprint.finance.importers import PlanFigures
from footprint.plans import services as plans
from footprint.winter import services as winter
from footprint.workforce.models import WorkforceReturn
from tests.conftest import CAST, PARTNERS

EVERYONE = frozenset(CAST)
PMO = frozenset({"pmo"})
TRUST_A = frozenset({"pmo", "editor_a"})


@pytest.fixture
def world(cast, footprint, plan, forums):
    """One of everything the API reads: a published plan, a workforce return, a published
    finance year, a finished demand run and a queued one (its job started by the programme
    office), a proposal, and a published public consultation report."""
    pmo = cast["pmo"]
    plans.publish_plan(plan=plan["plan"], by=pmo)
    WorkforceReturn.objects.create(
        organisation=footprint["trust_a"],
        month=dt.date(2025, 1, 1),
        staff_group="nurses",
        headcount=100,
        wte=90,
        establishment_wte=100,
        joiners=2,
        leavers=3,
        sickness_days_lost=50,
        days_available=1900,
        pay_bill_pence=35_000_000,
        bank_pence=1_000_000,
        agency_pence=2_000_000,
    )
    finance.save_plan(organisation=footprint["trust_a"], figures=FIGURES, by=pmo)
    finance.publish_year(year=2026, by=pmo)
    baseline = demand.create_baseline(
        name="Base",
        base_year=2025,
        source="test",
        records=1,
        rows=[("RA1", "ae", "N1", "F", 40, "", 0, 100.0, 0.0)],
        by=pmo,
    )
    scenario = demand.save_scenario(
        name="Plan",
        description="",
        baseline=baseline,
        parameters=demand_compute.default_parameters(2025, 2026, iterations=0),
        by=pmo,
    )
    ran = Run.objects.create(scenario=scenario, parameters=scenario.parameters)
    demand.run_model(run=ran, by=pmo)
    queued = demand.start_run(scenario=scenario, by=pmo, enqueue=run_scenario.enqueue)
    proposal = decisions.create_proposal(
        title="Frailty hub",
        summary="A hub.",
        options="Do nothing\nOpen the hub",
        recommended_option="Open the hub",
        decision_type=forums["investment"],
        value_pence=100,
        brought_to=forums["alliance"],
        by=pmo,
    )
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Evening GP",
        slug="evening-gp",
        summary="Later?",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
        retention_until=today + dt.timedelta(days=90),
    )
    engagement.publish_report(consultation=c, by=pmo)
    winter_plan = winter.save_plan(
        by=pmo, name="Winter", start=dt.date(2026, 12, 1), days=7, peak=dt.date(2027, 1, 5), runs=5
    )
    winter_scenario = winter.save_scenario(plan=winter_plan, by=pmo, name="Do nothing")
    winter_run = winter.start_run(scenario=winter_scenario, by=pmo, enqueue=lambda pk: None)
    winter.run_simulation(run=winter_run, by=pmo)
    return {
        "winter_plan": winter_plan.pk,
        "winter_scenario": winter_scenario.pk,
        "winter_run": winter_run.pk,
        "run": ran.pk,
        "scenario": scenario.pk,
        "job": queued.job_id,
        "proposal": proposal.pk,
    }


FIGURES = PlanFigures(
    year=2026,
    income={"other": 100_000_00},
    pay_pence=50_000_00,
    non_pay_pence=40_000_00,
    fixed_percent=40,
    semi_fixed_percent=20,
    control_total_pence=5_000_00,
    row=0,
    column="",
)
RETURN = {
    "organisation": "RA1",
    "month": "2025-02",
    "staff_group": "nurses",
    "headcount": 100,
    "wte": 90,
    "establishment_wte": 100,
    "joiners": 2,
    "leavers": 3,
    "sickness_days_lost": 50,
    "days_available": 1900,
    "pay_bill_pence": 35_000_000,
    "bank_pence": 1_000_000,
    "agency_pence": 2_000_000,
}
PLAN = {
    "income_pence": {"other": 100_000_00},
    "pay_pence": 50_000_00,
    "non_pay_pence": 40_000_00,
    "fixed_percent": 40,
    "semi_fixed_percent": 20,
    "control_total_pence": 5_000_00,
}
SERIES = "/metrics/ae-4-hour/series/org:RA1"

# (method, path as in the schema, the path to call, body, who may). Those who may get 200
# (202 for a run); the public 401 where a token is needed; everyone else 403 (404 for a job).
OPERATIONS = [
    ("get", "/organisations", "/organisations", None, EVERYONE),
    ("get", "/organisations/{ods_code}", "/organisations/RA1", None, EVERYONE),
    (
        "patch",
        "/organisations/{ods_code}",
        "/organisations/RA1",
        {"website": "https://www.a.nhs.uk"},
        TRUST_A,
    ),
    ("get", "/places", "/places", None, EVERYONE),
    ("get", "/neighbourhoods", "/neighbourhoods", None, EVERYONE),
    ("get", "/population", "/population?year=2025", None, EVERYONE),
    ("get", "/plan", "/plan", None, EVERYONE),
    ("get", "/metrics/{slug}/series/{subject}", SERIES, None, PARTNERS),
    (
        "put",
        "/metrics/{slug}/series/{subject}",
        SERIES,
        {"period": "2025-06", "value": 70},
        TRUST_A,
    ),
    (
        "delete",
        "/metrics/{slug}/series/{subject}",
        SERIES + "?period=2025-03&reason=Wrong",
        None,
        TRUST_A,
    ),
    ("get", "/decisions", "/decisions", None, EVERYONE),
    ("get", "/decisions/proposals", "/decisions/proposals", None, PARTNERS),
    (
        "get",
        "/decisions/proposals/{proposal_id}",
        "/decisions/proposals/{proposal}",
        None,
        PARTNERS,
    ),
    ("get", "/demand/scenarios", "/demand/scenarios", None, PARTNERS),
    (
        "get",
        "/demand/scenarios/{scenario_id}/schemes",
        "/demand/scenarios/{scenario}/schemes",
        None,
        PARTNERS,
    ),
    (
        "post",
        "/demand/scenarios/{scenario_id}/runs",
        "/demand/scenarios/{scenario}/runs",
        None,
        PMO,
    ),
    ("get", "/demand/runs/{run_id}", "/demand/runs/{run}", None, PARTNERS),
    ("get", "/demand/runs/{run_id}/results", "/demand/runs/{run}/results", None, PARTNERS),
    ("get", "/demand/runs/{run_id}/breakdowns", "/demand/runs/{run}/breakdowns", None, PARTNERS),
    ("get", "/demand/runs/{run_id}/steps", "/demand/runs/{run}/steps", None, PARTNERS),
    ("get", "/demand/compare", "/demand/compare?a={run}&b={run}", None, PARTNERS),
    ("get", "/finance/summary/{year}", "/finance/summary/2026", None, EVERYONE),
    ("get", "/finance/positions", "/finance/positions", None, PARTNERS),
    ("get", "/finance/plans", "/finance/plans", None, PARTNERS),
    ("get", "/finance/spend-per-head", "/finance/spend-per-head", None, PARTNERS),
    ("put", "/finance/plans/{ods_code}/{year}", "/finance/plans/RA1/2027", PLAN, PMO),
    ("get", "/workforce/returns", "/workforce/returns", None, PARTNERS),
    ("post", "/workforce/returns", "/workforce/returns", {"returns": [RETURN]}, PMO),
    ("get", "/workforce/dashboard", "/workforce/dashboard", None, PARTNERS),
    ("get", "/workforce/retention", "/workforce/retention", None, PARTNERS),
    (
        "get",
        "/workforce/retention/{ods_code}/{staff_group}",
        "/workforce/retention/RA1/nurses",
        None,
        PARTNERS,
    ),
    ("get", "/workforce/agency", "/workforce/agency", None, PARTNERS),
    ("get", "/consultations", "/consultations", None, EVERYONE),
    ("get", "/consultations/{slug}/report", "/consultations/evening-gp/report", None, EVERYONE),
    ("get", "/engagement/consultations", "/engagement/consultations", None, PARTNERS),
    (
        "get",
        "/engagement/consultations/{slug}/report",
        "/engagement/consultations/evening-gp/report",
        None,
        PARTNERS,
    ),
    # The world's job is a demand run: whoever may see demand may watch its progress.
    ("get", "/jobs/{job_id}", "/jobs/{job}", None, PARTNERS),
    (
        "get",
        "/metrics/{slug}/series/{subject}/groups",
        SERIES + "/groups",
        None,
        PARTNERS,
    ),
    (
        "put",
        "/metrics/{slug}/series/{subject}/groups",
        SERIES + "/groups",
        {
            "period": "2025-06",
            "breakdown": "quintile",
            "figures": [{"group": str(q), "value": 60 + q} for q in range(1, 6)],
        },
        TRUST_A,
    ),
    ("get", "/demand/runs/{run_id}/split", "/demand/runs/{run}/split", None, PARTNERS),
    ("get", "/deprivation", "/deprivation", None, EVERYONE),
    ("get", "/inequalities/rates", "/inequalities/rates", None, PARTNERS),
    (
        "get",
        "/flow/returns",
        "/flow/returns?date_from=2025-01-01&date_to=2025-01-31",
        None,
        PARTNERS,
    ),
    ("get", "/flow/day", "/flow/day?date=2025-01-15", None, PARTNERS),
    (
        "post",
        "/flow/returns",
        "/flow/returns",
        {
            "organisation": "RA1",
            "date": "2025-01-15",
            "figures": {"ga_beds_open": 100, "ga_beds_occupied": 90},
        },
        TRUST_A,
    ),
    ("get", "/winter/plans", "/winter/plans", None, PARTNERS),
    ("get", "/winter/plans/{plan_id}", "/winter/plans/{winter_plan}", None, PARTNERS),
    (
        "get",
        "/winter/scenarios/{scenario_id}",
        "/winter/scenarios/{winter_scenario}",
        None,
        PARTNERS,
    ),
    ("get", "/winter/runs/{run_id}", "/winter/runs/{winter_run}", None, PARTNERS),
    ("get", "/winter/runs/{run_id}/weeks", "/winter/runs/{winter_run}/weeks", None, PARTNERS),
    ("get", "/winter/runs/{run_id}/days", "/winter/runs/{winter_run}/days", None, PARTNERS),
]


def test_every_operation_in_the_schema_is_in_the_matrix(db):
    schema = api.get_openapi_schema()
    declared = {
        (method, path.removeprefix("/api/v1"))
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert declared == {(method, path) for method, path, *_ in OPERATIONS}


def expected(method: str, path: str, who: str, allowed: frozenset[str]) -> int:
    if who in allowed:
        return 202 if path.endswith("/runs") else 200
    needs_token = allowed != EVERYONE
    if who == "public" and needs_token:
        return 401
    return 404 if path.startswith("/jobs/") else 403


@pytest.mark.parametrize("who", CAST)
def test_the_api_permission_matrix(client, cast, world, who):
    """Each of the cast tries every operation: what they may do succeeds, the rest is refused
    with the declared status and the one error body."""
    headers = {}
    if cast[who] is not None:
        headers = {"Authorization": f"Bearer {create_token(user=cast[who], name='m')[1]}"}
    for method, path, url, body, allowed in OPERATIONS:
        call = getattr(client, method)
        kwargs = {"headers": headers}
        if body is not None:
            kwargs |= {"data": json.dumps(body), "content_type": "application/json"}
        response = call("/api/v1" + url.format(**world), **kwargs)
        want = expected(method, path, who, allowed)
        assert response.status_code == want, (who, method, url, response.content[:300])
        if want >= 400:
            assert set(response.json()) == {"detail", "errors"}, (method, url)
