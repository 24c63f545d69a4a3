"""The demand app: importing activity, building and running scenarios, results, permissions."""

from __future__ import annotations

import html
import io
import json
import re

import openpyxl
import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.core.models import AuditEvent, Job
from footprint.demand import compute, queries, services
from footprint.demand.models import ActivityCell, Baseline, Result, Run, Scenario
from footprint.demand.parameters import ParameterError, validate
from footprint.demand.pods import ALL, IN_PACKAGES, POD_CHOICES, SETTINGS
from footprint.engine.demand.library import BY_KEY, TRENDS

RECORDS = (
    "provider,pod,neighbourhood,sex,age,attribute,los\n"
    + "".join(
        f"RA1,ip_emergency,N1,{sex},{age},{attr},{los}\n"
        for sex in "FM"
        for age in (30, 70, 80, 85)
        for attr in ("Frailty", "Other")
        for los in (1, 5, 10)
    )
    * 5
    + "".join(f"RB1,ae,S1,F,{age},Minor,0\n" for age in range(0, 90, 3)) * 4
)


def upload(client, content: bytes, name: str, kind: str = "records"):
    return client.post(
        reverse("demand:import"),
        {
            "name": "Test activity",
            "base_year": 2025,
            "kind": kind,
            "source": "",
            "file": SimpleUploadedFile(name, content),
        },
    )


@pytest.fixture
def baseline(client_for):
    response = upload(client_for("pmo"), RECORDS.encode(), "records.csv")
    assert response.status_code == 302
    return Baseline.objects.get()


@pytest.fixture
def scenario(baseline, cast):
    return services.save_scenario(
        name="Plan",
        baseline=baseline,
        parameters=compute.default_parameters(2025, 2026, iterations=100, seed=7),
        by=cast["pmo"],
    )


def run_now(scenario: Scenario, by) -> Run:
    """A run of the scenario, run here and now rather than queued."""
    run = Run.objects.create(scenario=scenario, parameters=scenario.parameters, created_by=by)
    services.run_model(run=run, by=by)
    run.refresh_from_db()
    return run


def test_record_level_import_compresses_into_cells(baseline):
    assert baseline.records == 240 + 120
    assert ActivityCell.objects.filter(pod="ip_emergency").count() == 2 * 4 * 2 * 3
    assert queries.pod_totals(baseline) == {"ip_emergency": 240.0, "ae": 120.0}
    bed_days = sum(
        ActivityCell.objects.filter(pod="ip_emergency").values_list("bed_days", flat=True)
    )
    assert bed_days == 240 / 3 * (1 + 5 + 10)


def test_parquet_import(client_for, footprint):
    buffer = io.BytesIO()
    pl.read_csv(io.StringIO(RECORDS)).write_parquet(buffer)
    upload(client_for("pmo"), buffer.getvalue(), "records.parquet")
    assert queries.pod_totals(Baseline.objects.get()) == {"ip_emergency": 240.0, "ae": 120.0}


def test_bad_rows_are_named_and_nothing_is_saved(client_for, footprint):
    bad = (
        "provider,pod,neighbourhood,sex,age,los\n"
        "RA1,ip_emergency,N1,F,80,3\n"
        "ZZZ,ip_emergency,N1,F,80,3\n"
        "RA1,ward,N1,X,eighty,-1\n"
    )
    upload(client_for("pmo"), bad.encode(), "bad.csv")
    job = Job.objects.get(kind="import:demand")
    assert job.status == Job.Status.FAILED
    assert job.errors == [
        "bad.csv, row 3, column 'provider': not the ODS code of an organisation in the footprint",
        "bad.csv, row 4, column 'age': must be a whole number of years from 0 to 120",
        "bad.csv, row 4, column 'los': must be a whole number from 0 to 3650",
        "bad.csv, row 4, column 'pod': not a known point of delivery",
        "bad.csv, row 4, column 'sex': must be F or M",
    ]
    assert not Baseline.objects.exists() and not ActivityCell.objects.exists()


def test_aggregated_import_needs_its_count_column(client_for, footprint):
    upload(
        client_for("pmo"),
        b"provider,pod,neighbourhood,sex,age\nRA1,ae,N1,F,3\n",
        "agg.csv",
        "aggregated",
    )
    job = Job.objects.get(kind="import:demand")
    assert job.errors == ["agg.csv, row 1, column 'count': this column is missing"]


def test_build_run_and_read_a_scenario(client_for, baseline, django_capture_on_commit_callbacks):
    client = client_for("pmo")
    response = client.post(
        reverse("demand:scenario_new"),
        {
            "name": "Plan",
            "description": "",
            "baseline": baseline.pk,
            "horizon": 2026,
            "iterations": 200,
            "seed": 3,
        },
    )
    sc = Scenario.objects.get(name="Plan")
    assert response.url == sc.get_absolute_url()
    client.post(
        reverse("demand:scheme_add", args=[sc.pk]),
        {
            "evidence": "virtual_ward_frailty",
            "name": "",
            "low": "40",
            "high": "60",
            "start_year": 2026,
            "ramp_years": 1,
            "yearly_cost": 100000,
        },
    )
    sc.refresh_from_db()
    assert [s["key"] for s in sc.parameters["schemes"]] == ["virtual_ward_frailty"]
    page = client.get(sc.get_absolute_url()).content.decode()
    assert "Beyond evidence" in page and "40–60%" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("demand:scenario_run", args=[sc.pk]))
    run = Run.objects.get()
    assert response.url == run.get_absolute_url()
    assert run.status == Run.Status.SUCCEEDED, run.job.errors
    # the scheme is beyond its evidence, and it takes emergency admissions below any trend seen
    assert [f["kind"] for f in run.flags] == ["beyond evidence", "heroic plan"]
    # 80 frail admissions a year at ages 80 and 85 (ages 75+), half of them avoided centrally
    frail = Result.objects.get(run=run, measure="activity", provider="RA1", item="ip_emergency")
    assert frail.baseline == 240
    page = client.get(run.get_absolute_url() + "?measure=beds&provider=RA1").content.decode()
    assert 'id="fan-table"' in page and "General and acute" in page
    csv = client.get(reverse("demand:run_csv", args=[run.pk])).content.decode("utf-8-sig")
    assert csv.splitlines()[0] == (
        "measure,provider,provider_name,item,item_name,year,baseline,central,mean,p10,p50,p90"
    )
    assert "activity,RA1,Trust A Hospitals,ip_emergency,Emergency admissions,2026," in csv
    steps = client.get(run.get_absolute_url() + "?pod=ip_emergency").content.decode()
    assert "Virtual wards and hospital at home for frail older people" in steps


def test_central_case_by_hand(scenario, cast):
    """240 emergency admissions; population ×1.1 (10 → 11 per age); growth set here to 2–4 %,
    central 3 % (the middle): 240 × 1.1 × 1.03 = 271.92 in 2026, without the health-status
    adjustment (the central population variant is the principal projection itself)."""
    growth = {**scenario.parameters["growth"], "ip_emergency": {"low": 0.02, "high": 0.04}}
    doc = {**scenario.parameters, "health_status": None, "growth": growth}
    services.save_scenario(scenario=scenario, parameters=doc, by=cast["pmo"])
    run = run_now(scenario, cast["pmo"])
    r = Result.objects.get(run=run, measure="activity", provider=ALL, item="ip_emergency")
    assert r.central == pytest.approx(271.92)
    assert r.p10 < r.central < r.p90


def test_variants_and_health_status_from_the_default_document(client_for, scenario, cast):
    """A new scenario draws the principal, high or low population variant (half, a quarter,
    a quarter) and a share of life expectancy gained in good health; the run page names both,
    shows the health-status step, and gives the demographic step's spread by place."""
    doc = scenario.parameters
    assert [(v["name"], v["probability"]) for v in doc["variants"]] == [
        ("Principal", 0.5),
        ("High population", 0.25),
        ("Low population", 0.25),
    ]
    assert doc["variants"][1]["multipliers"] == [[[1.002], [1.002]]]
    sc, _ = compute.to_engine(doc)
    assert sc.health_status is not None and sc.health_status.share.central == 0.5
    page = client_for("viewer").get(scenario.get_absolute_url()).content.decode()
    assert "Principal (50 %), High population (25 %), Low population (25 %)" in page
    assert "0.1 years gained a year, 25–75 % of them in good health" in page
    run = run_now(scenario, cast["pmo"])
    r = Result.objects.get(run=run, measure="activity", provider=ALL, item="ip_emergency")
    # without the health-status step the central case would be 240 × 1.1 × (1 + the middle of
    # the library's growth); older residents' activity shifted to younger ages' rates is less
    trend = TRENDS["ip_emergency"].growth
    assert r.central < 240 * 1.1 * (1 + (trend.low + trend.high) / 2)
    page = client_for("viewer").get(run.get_absolute_url() + "?pod=ip_emergency&by=place")
    text = page.content.decode()
    assert "Principal (50 %), High population (25 %), Low population (25 %)" in text
    assert "residents aged 55 and over" in text and "Health status" in text
    assert "10th to 90th percentile of each step" in text
    demography = next(
        s for s in run.breakdowns.filter(by="place").last().steps if s["name"] == "Demography"
    )
    assert demography["p10"] < demography["p90"]  # the variant drawn varies it
    bad = {**doc, "variants": [{**doc["variants"][0], "probability": 0.9}, *doc["variants"][1:]]}
    with pytest.raises(ParameterError, match=r"add up to 1\.4"):
        services.save_scenario(scenario=scenario, parameters=bad, by=cast["pmo"])


def test_parameters_round_trip_and_schema_errors(client_for, scenario):
    client = client_for("pmo")
    doc = json.loads(client.get(reverse("demand:parameters", args=[scenario.pk])).content)
    doc["iterations"] = 50
    client.post(
        reverse("demand:parameters_upload", args=[scenario.pk]),
        {"file": SimpleUploadedFile("p.json", json.dumps(doc).encode())},
    )
    scenario.refresh_from_db()
    assert scenario.parameters["iterations"] == 50
    doc["growth"]["ae"] = {"low": "lots"}
    response = client.post(
        reverse("demand:parameters_upload", args=[scenario.pk]),
        {"file": SimpleUploadedFile("p.json", json.dumps(doc).encode())},
        follow=True,
    )
    page = response.content.decode()
    assert "growth.ae.low: Input should be a valid number" in page
    assert "growth.ae.high: Field required" in page
    scenario.refresh_from_db()
    assert scenario.parameters["growth"]["ae"] != {"low": "lots"}


def test_horizon_beyond_the_population_is_refused(client_for, baseline):
    response = client_for("pmo").post(
        reverse("demand:scenario_new"),
        {
            "name": "Far",
            "description": "",
            "baseline": baseline.pk,
            "horizon": 2030,
            "iterations": 10,
            "seed": 1,
        },
    )
    assert "no neighbourhood population for 2027, 2028, 2029, 2030" in response.content.decode()
    assert not Scenario.objects.filter(name="Far").exists()


def test_compare_two_scenarios(client_for, cast, scenario):
    other = services.save_scenario(
        name="Other", baseline=scenario.baseline, parameters=scenario.parameters, by=cast["pmo"]
    )
    for sc in (scenario, other):
        run_now(sc, cast["pmo"])
    page = (
        client_for("viewer")
        .get(reverse("demand:compare") + f"?a={scenario.pk}&b={other.pk}")
        .content.decode()
    )
    assert 'id="comparison"' in page and "Emergency admissions" in page
    table = re.sub(r"<[^>]+>", "", re.search(r'id="comparison".*?</table>', page, re.S).group(0))
    assert "Nurses and health visitors (WTE)" in table and "nurses" not in table
    total = re.search(r"Total \(£\)(.*?)(\n|$)", table).group(1).split()
    assert total and all(figure.startswith(("£", "−£", "+£")) for figure in total)


def options(html: str, name: str) -> list[str]:
    """The labels of a drop-down's options."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


@pytest.fixture
def ran(scenario, cast):
    return run_now(scenario, cast["pmo"])


def test_run_pages_name_providers_and_staff_groups(client_for, ran):
    client = client_for("viewer")
    html = client.get(ran.get_absolute_url() + "?measure=workforce&provider=RA1").content.decode()
    assert options(html, "provider") == ["All providers", "Trust A Hospitals", "Trust B Hospitals"]
    assert "Nurses and health visitors" in options(html, "item")
    assert "nurses" not in options(html, "item")
    assert "<h2>In 2026: Trust A Hospitals</h2>" in html
    assert "Staff group</th>" in html
    spec = json.loads(re.search(r'id="fan-spec"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert spec["title"].endswith(", Trust A Hospitals")
    assert "RA1" not in spec["title"]


def test_run_pages_show_cost_as_money(client_for, ran):
    html = client_for("viewer").get(ran.get_absolute_url() + "?measure=cost").content.decode()
    table = re.search(r'id="overview".*?</table>', html, re.S).group(0)
    cells = re.findall(r'fp-numeric">([^<]*)</td>', table)
    assert cells and all(c.startswith("£") for c in cells if c not in {"–"} and "%" not in c)
    spec = json.loads(re.search(r'id="fan-spec"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert spec["data"]["values"][0]["central_text"].startswith("£")


def test_base_year_activity_names_its_providers(client_for, baseline):
    html = client_for("viewer").get(baseline.get_absolute_url()).content.decode()
    assert "Trust A Hospitals" in html and "Trust B Hospitals" in html
    assert ">RA1<" not in html and ">RB1<" not in html


@pytest.mark.parametrize("who", ["viewer", "editor_a"])
def test_only_the_programme_office_changes_scenarios(client_for, scenario, who):
    client = client_for(who)
    for refused in (
        client.post(reverse("demand:scenario_run", args=[scenario.pk])),
        client.get(reverse("demand:import")),
        client.post(reverse("demand:scheme_remove", args=[scenario.pk, "x"])),
        client.post(reverse("demand:scheme_add", args=[scenario.pk]), {"evidence": "pifu"}),
    ):
        assert refused.status_code == 403
        assert "permission" in refused.content.decode().lower()
    assert not Run.objects.exists()
    scenario.refresh_from_db()
    assert scenario.parameters["schemes"] == []


def test_the_schema_is_published(client):
    schema = client.get(reverse("demand:parameters_schema")).json()
    assert schema["title"] == "Footprint demand scenario parameters"
    assert "schemes" in schema["properties"]


def test_results_through_the_api(client, cast, scenario):
    from footprint.api.tokens import create_token

    run = run_now(scenario, cast["pmo"])
    _, partner = create_token(user=cast["viewer"], name="t")
    _, outsider = create_token(user=cast["stranger"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {partner}"}
    listed = client.get("/api/v1/demand/scenarios", **auth).json()
    assert [(s["name"], s["latest_run"]) for s in listed] == [("Plan", run.pk)]
    page = client.get(
        f"/api/v1/demand/runs/{run.pk}/results?measure=activity&provider=All providers", **auth
    ).json()
    assert page["count"] == 2  # emergency admissions and A&E, one year each
    assert {r["item"] for r in page["items"]} == {"ip_emergency", "ae"}
    assert client.get(f"/api/v1/demand/runs/{run.pk}", **auth).json()["status"] == "succeeded"
    denied = {"HTTP_AUTHORIZATION": f"Bearer {outsider}"}
    assert client.get("/api/v1/demand/scenarios", **denied).status_code == 403
    assert client.get(f"/api/v1/demand/runs/{run.pk}/results", **denied).status_code == 403
    assert client.get("/api/v1/demand/scenarios").status_code == 401


def test_every_change_is_audited(client_for, baseline, django_capture_on_commit_callbacks):
    from footprint.core.models import AuditEvent

    client = client_for("pmo")
    client.post(
        reverse("demand:scenario_new"),
        {
            "name": "Plan",
            "description": "",
            "baseline": baseline.pk,
            "horizon": 2026,
            "iterations": 10,
            "seed": 1,
        },
    )
    sc = Scenario.objects.get()
    scheme = {
        "evidence": "pifu",
        "name": "",
        "low": "5",
        "high": "10",
        "start_year": 2026,
        "ramp_years": 1,
        "yearly_cost": 0,
    }
    client.post(reverse("demand:scheme_add", args=[sc.pk]), scheme)
    client.post(reverse("demand:scheme_remove", args=[sc.pk, "pifu"]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("demand:scenario_run", args=[sc.pk]))
    assert list(
        AuditEvent.objects.order_by("pk").values_list("action", "actor__username", "summary")
    ) == [
        ("demand.queue_import", "pmo", "Uploaded records.csv to import as Test activity"),
        ("demand.create_baseline", "pmo", "Imported Test activity: 360 rows into 78 cells"),
        ("demand.save_scenario", "pmo", "Created the scenario Plan"),
        ("demand.add_scheme", "pmo", "Added Patient-initiated follow-up to Plan"),
        ("demand.remove_scheme", "pmo", "Removed the scheme pifu from Plan"),
        ("demand.run", "pmo", "Ran Plan"),
        ("demand.store_results", "pmo", f"Stored the results of Plan run {Run.objects.get().pk}"),
    ]


def test_a_document_that_cannot_run_is_refused_by_the_service(cast, scenario):
    far = {**scenario.parameters, "horizon": 2030}
    with pytest.raises(ParameterError, match="no neighbourhood population for 2027"):
        services.save_scenario(scenario=scenario, parameters=far, by=cast["pmo"])
    with pytest.raises(ParameterError, match=r"growth\.ae\.high: Field required"):
        services.save_scenario(
            scenario=scenario,
            parameters={**scenario.parameters, "growth": {"ae": {"low": 0.1}}},
            by=cast["pmo"],
        )
    scenario.refresh_from_db()
    assert scenario.parameters["horizon"] == 2026


def test_the_run_page_shows_which_rule_set_the_beds(client_for, cast, scenario):
    """240 admissions of 1, 5 or 10 days a year: a few beds, set by the peak days under the
    larger rule; planned at the target occupancy alone, the page says so and the beds are
    the mean daily occupied beds over it."""
    run = run_now(scenario, cast["pmo"])
    assert [b["set_by"] for b in run.beds_set_by] == ["peak days"]
    page = client_for("viewer").get(run.get_absolute_url() + "?measure=beds").content.decode()
    assert "Which rule set the beds in 2026" in page and "Peak days" in page
    assert "Trust A Hospitals" in page
    doc = {**scenario.parameters}
    doc["capacity"] = {**doc["capacity"], "bed_rule": "occupancy"}
    services.save_scenario(scenario=scenario, parameters=doc, by=cast["pmo"])
    scenario.refresh_from_db()
    again = run_now(scenario, cast["pmo"])
    (rule,) = again.beds_set_by
    assert rule["set_by"] == "target occupancy"
    days = Result.objects.get(run=again, measure="bed_days", provider="RA1", item="ip_emergency")
    beds = Result.objects.get(run=again, measure="beds", provider="RA1", item="General and acute")
    occupancy = doc["capacity"]["occupancy"]["General and acute"]
    assert beds.central == pytest.approx(days.central / 365 / occupancy)
    page = client_for("viewer").get(again.get_absolute_url() + "?measure=beds").content.decode()
    assert "planned by the target occupancy" in page and "Target occupancy" in page


def test_home_care_packages_are_imported_with_their_hours(client_for, footprint):
    """Three packages of 100, 200 and 400 hours and a care home placement of 200 days: the
    base year holds 700 home care hours (in three packages) and one placement of 200 bed
    days."""
    content = (
        "provider,pod,neighbourhood,sex,age,units,los\n"
        "RA1,sc_home_care,N1,F,85,100,0\n"
        "RA1,sc_home_care,N1,F,85,200,0\n"
        "RA1,sc_home_care,N1,F,86,400,0\n"
        "RA1,sc_care_home,N1,M,88,1,200\n"
    )
    assert upload(client_for("pmo"), content.encode(), "care.csv").status_code == 302
    b = Baseline.objects.get()
    assert queries.pod_totals(b) == {"sc_home_care": 700.0, "sc_care_home": 1.0}
    rows = {r["pod"]: r for r in queries.baseline_rows(b)}
    assert (rows["sc_home_care"]["count"], rows["sc_home_care"]["bed_days"]) == (700.0, 0)
    assert rows["sc_care_home"]["bed_days"] == 200
    cells = ActivityCell.objects.filter(pod="sc_home_care")
    assert sorted(cells.values_list("count", "bed_days")) == [(1, 100), (1, 200), (1, 400)]


def test_results_by_place_sex_age_band_and_condition_group(client_for, cast, scenario):
    """The 240 emergency admissions (half women) and 120 A&E attendances, projected to 2026,
    broken down four ways: each way adds up to the total in the central case, and the page
    shows any value's projection and its waterfall."""
    run = run_now(scenario, cast["pmo"])
    total = Result.objects.get(run=run, measure="activity", provider=ALL, item="ip_emergency")
    for by in ("place", "sex", "age_band", "attribute"):
        parts = run.breakdowns.filter(by=by, measure="activity", pod="ip_emergency", year=2026)
        assert sum(p.central for p in parts) == pytest.approx(total.central)
        assert sum(p.baseline for p in parts) == pytest.approx(240)
    # no scheme names an age, yet the age bands are the usual ones: 60 admissions at each of
    # ages 30, 70, 80 and 85
    ages = run.breakdowns.filter(by="age_band", measure="activity", pod="ip_emergency")
    assert {a.value: a.baseline for a in ages} == {
        "18–64": 60,
        "65–74": 60,
        "75–84": 60,
        "85+": 60,
    }
    women = run.breakdowns.get(by="sex", value="F", measure="activity", pod="ip_emergency")
    assert women.baseline == 120 and women.p10 < women.central < women.p90
    names = [s["name"] for s in women.steps]
    assert names == ["Baseline", "Demography", "Health status", "Other growth"]
    assert sum(s["mean"] for s in women.steps) == pytest.approx(women.mean)
    frail = run.breakdowns.get(by="attribute", value="Frailty", measure="bed_days", year=2026)
    assert frail.baseline == 120 / 3 * (1 + 5 + 10)
    page = (
        client_for("viewer")
        .get(run.get_absolute_url() + "?by=sex&value=F&by_pod=ip_emergency")
        .content.decode()
    )
    assert "By place, neighbourhood, sex, age band, condition group or deprivation" in page
    assert "Emergency admissions, Women; base year 2025: 120" in page
    assert 'id="by-steps"' in page and "Other growth" in page
    page = client_for("viewer").get(run.get_absolute_url() + "?by=place").content.decode()
    assert "North" in page  # places by name


def test_a_waiting_list_through_the_parameters_document(cast, scenario):
    """Emergency admissions have no waiting list; a backlog of A&E is refused by name. The
    document's fields reach the engine: an elective backlog shows as its own step."""
    doc = {**scenario.parameters, "waiting_list": {"ae": {"change": {"low": 0.1, "high": 0.2}}}}
    with pytest.raises(ParameterError, match="elective points of delivery, not ae"):
        services.save_scenario(scenario=scenario, parameters=doc, by=cast["pmo"])
    doc["waiting_list"] = {"ip_elective": {"change": {"low": 0.1, "high": 0.2}, "years": 2}}
    sc, _ = compute.to_engine(doc)
    assert sc.waiting_list["ip_elective"].years == 2
    assert sc.waiting_list["ip_elective"].change.central == pytest.approx(0.15)


def test_the_scenario_page_says_each_schemes_profile_eligibility_and_move(
    client_for, cast, scenario
):
    frail = compute.scheme_from_library(
        "virtual_ward_frailty",
        start_year=2026,
        profile="front",
        eligible={"low": 0.5, "high": 0.7},
    )
    move = {
        **compute.scheme_from_library("acsc_admissions", start_year=2026),
        "key": "rep",
        "name": "Repatriation",
        "effect": "move",
        "convert_provider": "RB1",
        "cohort": {},
    }
    doc = {**scenario.parameters, "schemes": [frail, move]}
    services.save_scenario(scenario=scenario, parameters=doc, by=cast["pmo"])
    page = client_for("viewer").get(scenario.get_absolute_url()).content.decode()
    assert "of an eligible 50–70%" in page and "(front-loaded)" in page
    assert "Move emergency admissions to Trust B Hospitals" in page


def test_a_cohort_that_names_what_the_activity_lacks_is_refused_naming_it(cast, scenario):
    """A misspelt condition group would select nothing and avoid nothing, silently."""
    scheme = compute.scheme_from_library(
        "virtual_ward_frailty", start_year=2026, cohort={"age_low": 75, "attributes": ["Frailtee"]}
    )
    with pytest.raises(ParameterError) as refused:
        services.save_scenario(
            scenario=scenario,
            parameters={**scenario.parameters, "schemes": [scheme]},
            by=cast["pmo"],
        )
    assert refused.value.lines == [
        "schemes.0.cohort.attributes: Virtual wards and hospital at home for frail older "
        "people names 'Frailtee', which the baseline's activity does not hold (it holds "
        "Frailty, Minor, Other)"
    ]
    scenario.refresh_from_db()
    assert scenario.parameters["schemes"] == []


def test_a_run_whose_cohort_matches_nothing_fails_naming_the_cohort(cast, scenario):
    """Frail admissions of people aged 20 to 25: every name is right, but there are none."""
    scheme = compute.scheme_from_library(
        "virtual_ward_frailty",
        start_year=2026,
        cohort={"age_low": 20, "age_high": 25, "attributes": ["Frailty"]},
    )
    services.save_scenario(
        scenario=scenario, parameters={**scenario.parameters, "schemes": [scheme]}, by=cast["pmo"]
    )
    scenario.refresh_from_db()
    with pytest.raises(ParameterError) as refused:
        run_now(scenario, cast["pmo"])
    assert refused.value.lines == [
        "Virtual wards and hospital at home for frail older people: its cohort (Emergency "
        "admissions, aged 20 to 25, attributes Frailty) matches no activity"
    ]
    assert Run.objects.get().status == Run.Status.FAILED
    assert not Result.objects.exists()


def test_a_partnerships_own_library_file_extends_the_library(tmp_path, settings):
    own = tmp_path / "library.json"
    own.write_text(
        '[{"key": "care_navigators", "name": "Care navigators", "pod": "ip_emergency", '
        '"effect": "avoid", "share": {"low": 0.0, "high": 0.1}, '
        '"source": "Wyvern ICS evaluation, 2026"}]'
    )
    settings.FOOTPRINT_SCHEME_LIBRARY = str(own)
    choices = dict(compute.library_choices())
    assert len(choices) == len(BY_KEY) + 1
    assert choices["care_navigators"] == "Care navigators (Emergency admissions: 0%–10%)"
    assert compute.scheme_from_library("care_navigators", start_year=2026)["evidence"] == (
        "care_navigators"
    )
    own.write_text("[{}]")
    settings.FOOTPRINT_SCHEME_LIBRARY = str(own) + "?"  # a new path is read afresh
    with pytest.raises(Exception, match="FOOTPRINT_SCHEME_LIBRARY"):
        compute.scheme_library()


def test_the_apps_points_of_delivery_are_the_engines():
    from footprint.engine.demand.pods import POINTS_OF_DELIVERY

    assert [(p.code, p.name) for p in POINTS_OF_DELIVERY] == POD_CHOICES
    assert {p.code: p.setting for p in POINTS_OF_DELIVERY} == SETTINGS
    assert {p.code for p in POINTS_OF_DELIVERY if p.package} == IN_PACKAGES


def test_one_schema_makes_every_shape_of_the_parameters():
    """The default document is valid against the schema, and the engine's scenario and
    capacity settings are built from it field by field by name."""
    doc = compute.default_parameters(2025, 2030, iterations=10, seed=3)
    assert validate(doc).model_dump(mode="json") == doc
    scheme = compute.scheme_from_library("ae_streaming", start_year=2026, convert_provider="X1")
    doc["schemes"] = [scheme]
    scenario, capacity = compute.to_engine(doc)
    assert (scenario.base_year, scenario.horizon, scenario.seed, scenario.iterations) == (
        2025,
        2030,
        3,
        10,
    )
    (engine_scheme,) = scenario.schemes
    assert engine_scheme.key == "ae_streaming" and engine_scheme.convert_provider == "X1"
    assert engine_scheme.convert_to == scheme["convert_to"] != ""
    assert engine_scheme.cohort.attributes == tuple(scheme["cohort"]["attributes"])
    assert capacity.staff_minutes[("ae", "nurses")] == 60
    assert capacity.hours_per_wte == doc["capacity"]["hours_per_wte"]
    with pytest.raises(ParameterError, match=r"share\.low: Input should be a valid number"):
        compute.scheme_from_library("pifu", share={"low": "some", "high": 0.2})


def test_no_module_imports_dask_until_a_scheduler_is_configured():
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); "
        "import footprint.config.urls, footprint.demand.compute, footprint.demand.tasks, "
        "footprint.demand.services, footprint.api.api; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_a_run_whose_job_is_swept_is_failed_too(cast, scenario, django_capture_on_commit_callbacks):
    """A worker that died mid-run leaves its job "running"; the sweep fails the job, and the
    run follows it instead of saying "running" for ever."""
    import datetime as dt

    from django.utils import timezone

    from footprint.core.jobs import sweep_stuck_jobs
    from footprint.core.models import Job

    run = services.start_run(scenario=scenario, by=cast["pmo"], enqueue=lambda pk: None)
    Run.objects.filter(pk=run.pk).update(status=Run.Status.RUNNING)
    Job.objects.filter(pk=run.job_id).update(
        status=Job.Status.RUNNING, started_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert sweep_stuck_jobs(now=timezone.now()) == 1
    run.refresh_from_db()
    assert run.status == Run.Status.FAILED and run.finished_at is not None


# Changing growth and schemes on their own pages


def growth_post(scenario, **changes: float) -> dict[str, float]:
    """The growth form as the page fills it in, in % a year, with ``changes`` made."""
    data = {
        f"{code}_{end}": round(100 * g[end], 1)
        for code, g in scenario.parameters["growth"].items()
        for end in ("low", "high")
    }
    return {**data, **changes}


def test_growth_is_changed_on_its_page(client_for, scenario):
    client = client_for("pmo")
    page = client.get(reverse("demand:growth_edit", args=[scenario.pk])).content.decode()
    assert "Change growth: Plan" in page and "Emergency admissions, low (% a year)" in page
    url = reverse("demand:growth_edit", args=[scenario.pk])
    assert f'href="{url}"' in client.get(scenario.get_absolute_url()).content.decode()
    # the current values: a new scenario's are the library's trends, in % a year
    low = round(100 * TRENDS["ip_emergency"].growth.low, 1)
    assert 'name="ip_emergency_low"' in page and f'value="{low}"' in page
    # 19 points of delivery in disclosures by setting, closed until opened
    settings = re.findall(r'<details class="nhsuk-details" id="setting-\d+"( open)?>', page)
    assert len(settings) == 8 and not any(settings)
    summaries = re.findall(r'summary-text">([^<]*)</span>', page)
    assert summaries[1].startswith("Acute hospital: 3 points of delivery (Emergency admissions ")
    assert any(s.startswith("Outpatients: 4 points of delivery") for s in summaries)
    response = client.post(
        reverse("demand:growth_edit", args=[scenario.pk]),
        growth_post(scenario, ip_emergency_low=1.5, ip_emergency_high=3.5),
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.parameters["growth"]["ip_emergency"] == {"low": 0.015, "high": 0.035}
    ae = TRENDS["ae"].growth  # unchanged: the library's trend, as the page showed it
    assert scenario.parameters["growth"]["ae"] == {"low": ae.low, "high": ae.high}
    validate(scenario.parameters)  # the same schema as the JSON document's
    viewer = client_for("viewer").get(scenario.get_absolute_url()).content.decode()
    assert url not in viewer and "Change growth" not in viewer


def test_pages_say_whether_the_evidence_and_trends_were_checked(
    client_for, scenario, tmp_path, settings
):
    """Excess bed days were checked against their source (the real library); a partnership's
    own entry for virtual wards, naming no day it was checked, was not (planted, so the test
    holds whichever library entries get checked); so were emergency admissions' trend and
    ambulance conveyances' not."""
    own = tmp_path / "library.json"
    own.write_text(
        '[{"key": "own_virtual_wards", "name": "Virtual wards (our own estimate)", '
        '"pod": "ip_emergency", "effect": "avoid", "cohort": {"age_low": 75}, '
        '"share": {"low": 0.05, "high": 0.2}, "source": "Wyvern ICS business case, 2026", '
        '"evidence_note": "Not yet checked: our business case\'s figure."}]'
    )
    settings.FOOTPRINT_SCHEME_LIBRARY = str(own)
    falls, wards = BY_KEY["excess_bed_days"], compute.scheme_library()["own_virtual_wards"]
    assert falls.verified and falls.url and falls.evidence_note and wards.verified is None
    client = client_for("pmo")
    for key in ("excess_bed_days", "own_virtual_wards"):
        client.post(
            reverse("demand:scheme_add", args=[scenario.pk]),
            {"evidence": key, "name": "", "low": "10", "high": "15", "start_year": 2026,
             "ramp_years": 1, "yearly_cost": 0},
        )  # fmt: skip
    scenario.refresh_from_db()
    assert [s["key"] for s in scenario.parameters["schemes"]] == [falls.key, wards.key]
    checked = f'Checked against <a href="{html.escape(falls.url)}">its source'
    page = client_for("viewer").get(scenario.get_absolute_url()).content.decode()
    table = page[page.index('id="schemes"') : page.index("Growth besides demography")]
    assert checked in table and "on 30 November 2026" in table
    assert falls.evidence_note[:40] in table  # what the source found
    assert table.count("Not yet checked against a source") == 1  # virtual wards only
    client = client_for("pmo")  # the scheme and growth pages are the programme office's
    falls_page = client.get(reverse("demand:scheme_edit", args=[scenario.pk, falls.key]))
    text = falls_page.content.decode()
    assert checked in text and "on 30 November 2026" in text
    assert "Not yet checked" not in text
    wards_page = client.get(reverse("demand:scheme_edit", args=[scenario.pk, wards.key]))
    text = wards_page.content.decode()
    assert "Not yet checked against a source" in text and "Checked against" not in text
    # growth: on the scenario page and the growth page, each trend says where it stands
    growth = client.get(reverse("demand:growth_edit", args=[scenario.pk])).content.decode()
    rows = page[page.index("Growth besides demography") :]
    row = rows[rows.index(">Emergency admissions<") :]
    fieldset = growth[growth.index('id="growth-ip_emergency"') :]
    for emergency in (row[: row.index("</tr>")], fieldset[: fieldset.index("</fieldset>")]):
        assert f'<a href="{html.escape(TRENDS["ip_emergency"].url or "")}">' in emergency
        assert "Checked against" in emergency and "on 30 November 2026" in emergency
    conveyed = growth[growth.index('id="trend-amb_conveyed"') :]
    conveyed = conveyed[: conveyed.index("</fieldset>")]
    assert "Not yet checked against a source" in conveyed and "+0.0% to +2.0% a year" in conveyed


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        (
            {"ae_low": 4, "ae_high": 2},
            "A&amp;E attendances: the high end must not be below the low end",
        ),
        ({"ae_high": "lots"}, "A&amp;E attendances, high (% a year)"),
        ({"ae_high": 80}, "A&amp;E attendances, high (% a year)"),
    ],
)
def test_bad_growth_is_refused_naming_the_field(client_for, scenario, changes, words):
    before = scenario.parameters
    response = client_for("pmo").post(
        reverse("demand:growth_edit", args=[scenario.pk]), growth_post(scenario, **changes)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and words in page
    # the setting holding the problem is open; the others stay closed
    assert re.findall(r'id="setting-(\d+)" open', page) == ["1"]  # A&E's
    scenario.refresh_from_db()
    assert scenario.parameters == before


@pytest.fixture
def with_schemes(cast, scenario):
    schemes = [
        compute.scheme_from_library("pifu", start_year=2026),
        compute.scheme_from_library(
            "virtual_ward_frailty", start_year=2026, cohort={"age_low": 75}
        ),
    ]
    return services.save_scenario(
        scenario=scenario, parameters={**scenario.parameters, "schemes": schemes}, by=cast["pmo"]
    )


def scheme_post(scheme: dict, **changes) -> dict:
    from footprint.demand.forms import SchemeChangeForm

    data = {k: v for k, v in SchemeChangeForm.initial_from(scheme).items() if v is not None}
    return {**data, **changes}


def test_a_scheme_is_changed_in_place(client_for, with_schemes):
    sc, client = with_schemes, client_for("pmo")
    frail = sc.parameters["schemes"][1]
    url = reverse("demand:scheme_edit", args=[sc.pk, frail["key"]])
    page = client.get(url).content.decode()
    assert "Change Virtual wards" in page and 'value="75"' in page
    assert "avoid emergency admissions" in page
    # the baseline's condition groups are the choices: a misspelling cannot be typed
    assert 'value="Frailty"' in page and 'value="Minor"' in page
    assert f'href="{url}"' in client.get(sc.get_absolute_url()).content.decode()
    response = client.post(
        url,
        scheme_post(
            frail, name="Frailty virtual ward", low=10, high=20, attributes=["Frailty"], sex="F"
        ),
    )
    assert response.status_code == 302
    sc.refresh_from_db()
    assert [s["key"] for s in sc.parameters["schemes"]] == ["pifu", "virtual_ward_frailty"]
    saved = sc.parameters["schemes"][1]
    assert saved["name"] == "Frailty virtual ward"
    assert saved["share"] == {"low": 0.1, "high": 0.2}
    assert saved["cohort"]["attributes"] == ["Frailty"] and saved["cohort"]["sex"] == "F"
    assert saved["cohort"]["age_low"] == 75 and saved["effect"] == frail["effect"]
    validate(sc.parameters)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"low": 30, "high": 20}, "Share affected: the high end must not be below the low end"),
        ({"high": 120}, "Share affected at full effect, high (%)"),
        ({"places": ["E99999999"]}, "Cohort: places: E99999999 is not among"),
        ({"attributes": ["Frailtee"]}, "condition groups: Frailtee is not among"),
        # a rule of the document beyond the form's own: refused through the same check
        ({"profile": "custom", "ramp_years": 3}, "a custom profile needs a share for each year"),
    ],
)
def test_a_bad_scheme_is_refused_naming_the_field(client_for, with_schemes, changes, words):
    sc = with_schemes
    before = sc.parameters
    frail = before["schemes"][1]
    response = client_for("pmo").post(
        reverse("demand:scheme_edit", args=[sc.pk, frail["key"]]), scheme_post(frail, **changes)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and words in page
    sc.refresh_from_db()
    assert sc.parameters == before


@pytest.mark.parametrize("who", ["viewer", "editor_a"])
def test_only_the_programme_office_changes_growth_and_schemes(cast, with_schemes, who):
    sc = with_schemes
    before = sc.parameters
    with pytest.raises(PermissionDenied):
        services.change_growth(scenario=sc, by=cast[who], growth=before["growth"])
    with pytest.raises(PermissionDenied):
        services.change_scheme(scenario=sc, by=cast[who], key="pifu", changes={"name": "X"})
    sc.refresh_from_db()
    assert sc.parameters == before


def test_growth_and_scheme_changes_are_audited(cast, with_schemes):
    from footprint.core.models import AuditEvent

    sc = with_schemes
    services.change_growth(scenario=sc, by=cast["pmo"], growth=sc.parameters["growth"])
    services.change_scheme(scenario=sc, by=cast["pmo"], key="pifu", changes={"name": "PIFU"})
    assert list(
        AuditEvent.objects.filter(action__in=["demand.change_growth", "demand.change_scheme"])
        .order_by("pk")
        .values_list("action", "summary")
    ) == [
        ("demand.change_growth", "Changed the growth rates of Plan"),
        ("demand.change_scheme", "Changed the scheme PIFU in Plan"),
    ]


def test_a_run_by_neighbourhood_its_downloads_and_the_interval_of_each_step(
    client_for, cast, scenario
):
    """The breakdown by neighbourhood adds up to the total in the central case and names
    each neighbourhood; the breakdowns download as CSV and, with the results and steps, as
    one workbook whose text is inert; the main waterfall shows each step's 10th to 90th
    percentile in its table and as a line on its chart."""
    run = run_now(scenario, cast["pmo"])
    total = Result.objects.get(run=run, measure="activity", provider=ALL, item="ip_emergency")
    parts = run.breakdowns.filter(
        by="neighbourhood", measure="activity", pod="ip_emergency", year=2026
    )
    assert [p.value for p in parts] == ["N1"]  # every emergency admission is from N1
    assert sum(p.central for p in parts) == pytest.approx(total.central)
    assert sum(p.baseline for p in parts) == pytest.approx(240)
    hoods = run.breakdowns.filter(by="neighbourhood", measure="activity", year=2026)
    assert {(p.value, p.pod) for p in hoods} == {("N1", "ip_emergency"), ("S1", "ae")}
    viewer = client_for("viewer")
    page = viewer.get(run.get_absolute_url() + "?by=neighbourhood").content.decode()
    assert "North One" in page  # neighbourhoods by name

    csv = viewer.get(reverse("demand:run_breakdowns_csv", args=[run.pk]))
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("by,by_name,value,value_name,measure,pod,pod_name")
    assert ",Neighbourhood,N1,North One,activity,ip_emergency,Emergency admissions,2026," in text
    assert ",Sex,F,Women," in text and ",Place,E10000901,Northshire," in text

    book = openpyxl.load_workbook(
        io.BytesIO(viewer.get(reverse("demand:run_xlsx", args=[run.pk])).content)
    )
    assert book.sheetnames == ["Results", "Breakdowns", "Steps"]
    steps = list(book["Steps"].iter_rows(values_only=True))
    assert steps[0] == ("measure", "pod", "pod_name", "year", "order", "step", "mean", "p10", "p90")
    assert len(list(book["Breakdowns"].iter_rows())) == run.breakdowns.count() + 1
    assert len(list(book["Results"].iter_rows())) == run.results.count() + 1
    demography = next(r for r in steps if r[0] == "activity" and r[5] == "Demography")
    assert demography[7] <= demography[6] <= demography[8]

    page = viewer.get(run.get_absolute_url() + "?pod=ip_emergency").content.decode()
    table = page.split('id="steps"')[1].split("</table>")[0]
    assert "10th to 90th percentile" in table and " to " in table
    spec = json.loads(page.split('id="waterfall-spec"')[1].split(">", 1)[1].split("</script>")[0])
    assert spec["layer"][1]["mark"]["type"] == "rule"
    ranged = [v for v in spec["data"]["values"] if "low" in v]
    assert ranged and all(v["low"] <= v["high"] for v in ranged)
    assert ranged[-1]["step"] == "Projection"
    assert ranged[-1]["low"] == pytest.approx(total.p10)


def test_downloads_of_an_unfinished_run_are_not_found(client_for, scenario):
    run = Run.objects.create(scenario=scenario, parameters=scenario.parameters)
    viewer = client_for("viewer")
    for name in ("demand:run_csv", "demand:run_breakdowns_csv", "demand:run_xlsx"):
        assert viewer.get(reverse(name, args=[run.pk])).status_code == 404, name
    assert viewer.get(reverse("demand:run_xlsx", args=[999_999])).status_code == 404


def projection_csv(rows: dict[str, float], skip: int | None = None) -> bytes:
    lines = ["variant,year,sex,age,population"]
    for name, people in rows.items():
        lines += [
            f"{name},2026,{sex},{age},{people}"
            for sex in "FM"
            for age in range(91)
            if age != skip or name == "Principal"
        ]
    return ("\n".join(lines) + "\n").encode()


def import_variants(client, scenario, content: bytes, name: str = "projections.csv"):
    return client.post(
        reverse("demand:variants_upload", args=[scenario.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_population_variants_imported_from_an_areas_projections(client_for, cast, scenario):
    """The principal and two variants for 2026, by sex and age: the multipliers are each
    variant over the principal by five-year band, the principal drawn half the time; a run
    then draws them, and the import is audited."""
    pmo = client_for("pmo")
    page = import_variants(
        pmo, scenario, projection_csv({"Principal": 100, "High": 110, "Low": 95})
    ).content.decode()
    assert "Imported the population variants: Principal, High, Low" in page
    assert "differ by year, sex and age band" in page
    scenario.refresh_from_db()
    variants = scenario.parameters["variants"]
    assert [(v["name"], v["probability"]) for v in variants] == [
        ("Principal", 0.5),
        ("High", 0.25),
        ("Low", 0.25),
    ]
    assert variants[0]["multipliers"] == []
    assert variants[1]["age_bounds"] == list(range(0, 91, 5))
    assert variants[1]["multipliers"] == [[[1.1] * 19] * 2]
    assert variants[2]["multipliers"] == [[[0.95] * 19] * 2]
    event = AuditEvent.objects.get(action="demand.import_variants")
    assert "Principal, High, Low" in event.summary and event.actor == cast["pmo"]
    run = run_now(scenario, cast["pmo"])
    assert run.status == Run.Status.SUCCEEDED
    # Imported again with the same variants, the probabilities the document gives are kept.
    scenario.parameters = {
        **scenario.parameters,
        "variants": [
            {**v, "probability": p} for v, p in zip(variants, (0.6, 0.2, 0.2), strict=True)
        ],
    }
    scenario.save()
    import_variants(pmo, scenario, projection_csv({"Principal": 100, "High": 120, "Low": 95}))
    scenario.refresh_from_db()
    assert [v["probability"] for v in scenario.parameters["variants"]] == [0.6, 0.2, 0.2]
    assert scenario.parameters["variants"][1]["multipliers"][0][0][0] == 1.2


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"variant,year,sex\nPrincipal,2026,F\n", "column 'age': this column is missing"),
        (
            b"variant,year,sex,age,population\nPrincipal,2026,X,3,10\nPrincipal,1800,F,3,-1\n",
            "row 2, column 'sex': must be F or M",
        ),
        (
            b"variant,year,sex,age,population\nPrincipal,2026,F,3,inf\n",
            "row 2, column 'population': must be a number of residents",
        ),
        (projection_csv({"High": 110}), "the file needs the Principal projection for 2026–2026"),
        (
            projection_csv({"Principal": 100, "High": 110}, skip=40),
            "High, 2026, F: no row for age 40",
        ),
        (
            projection_csv({"Principal": 100, "High": 0}),
            "High, 2026, F, ages 0–4: 0 residents against the principal's 500",
        ),
    ],
)
def test_a_bad_projection_file_is_refused_naming_the_problem(client_for, scenario, content, words):
    before = scenario.parameters
    page = html.unescape(import_variants(client_for("pmo"), scenario, content).content.decode())
    assert "projections.csv" in page and words in page
    scenario.refresh_from_db()
    assert scenario.parameters == before
    assert not AuditEvent.objects.filter(action="demand.import_variants").exists()


def test_the_scenario_and_scheme_pages_show_the_plan_goals_a_scheme_serves(
    client_for, cast, with_schemes, plan
):
    """A goal chooses a scheme on the plan's side; the scenario page names the goal beside
    that scheme, linked, and the scheme's own page lists it; a scheme no goal names says so."""
    from footprint.plans import queries as plan_queries
    from footprint.plans import services as plan_services

    goal = plan["goal"]
    choice = plan_queries.SchemeChoice(with_schemes, "pifu", "PIFU")
    plan_services.link_goal_schemes(goal=goal, schemes=[choice], by=cast["pmo"])
    link = f'<a href="{goal.get_absolute_url()}">{html.escape(goal.statement)}</a>'
    page = client_for("viewer").get(with_schemes.get_absolute_url()).content.decode()
    row = next(r for r in page.split("<tr") if "Serves" in r)
    assert link in row and html.escape(compute.scheme_library()["pifu"].name) in row
    assert page.count("Serves ") == 1 and link in page
    pmo = client_for("pmo")
    scheme = pmo.get(reverse("demand:scheme_edit", args=[with_schemes.pk, "pifu"])).content.decode()
    assert "Plan goals it serves" in scheme and link in scheme.split('id="goals-served"')[1]
    other = pmo.get(
        reverse("demand:scheme_edit", args=[with_schemes.pk, "virtual_ward_frailty"])
    ).content.decode()
    assert "No plan goal names this scheme yet" in other and link not in other


def test_a_run_by_deprivation_quintile_and_what_each_scheme_does_to_each(
    client_for, cast, scenario
):
    """Each neighbourhood takes the quintile most of its residents live in (its small areas'
    deciles): North One's two small areas, mostly decile 1, put it in quintile 1; South One's
    in quintile 5; North Two has no small areas. The run's activity splits by quintile, each
    adding up its neighbourhoods, each step (every scheme) with its part."""
    from footprint.api.tokens import create_token
    from footprint.partnership.models import Neighbourhood, SmallArea, SmallAreaPopulation

    def area(code: str, hood: str, decile: int, people: int) -> None:
        a = SmallArea.objects.create(
            code=code, neighbourhood=Neighbourhood.objects.get(code=hood), imd_decile=decile
        )
        for sex in "FM":
            SmallAreaPopulation.objects.create(
                small_area=a, year=2025, sex=sex, bands=[people] + [0] * 18, total=people
            )

    area("E01000001", "N1", 1, 300)
    area("E01000002", "N1", 4, 100)
    area("E01000003", "S1", 9, 200)
    assert queries.neighbourhood_quintiles() == {"N1": 1, "S1": 5}
    ward = compute.scheme_from_library(
        "virtual_ward_frailty", start_year=2026, cohort={"age_low": 75}
    )
    services.save_scenario(
        scenario=scenario, parameters={**scenario.parameters, "schemes": [ward]}, by=cast["pmo"]
    )
    run = run_now(scenario, cast["pmo"])
    quintiles = run.breakdowns.filter(by="quintile", measure="activity", year=2026)
    assert {(b.value, b.pod) for b in quintiles} >= {("1", "ip_emergency"), ("5", "ae")}
    for q, hood, pod in (("1", "N1", "ip_emergency"), ("5", "S1", "ae")):
        mine = quintiles.get(value=q, pod=pod)
        theirs = run.breakdowns.get(
            by="neighbourhood", value=hood, measure="activity", pod=pod, year=2026
        )
        assert (mine.central, mine.mean, mine.p10, mine.p90) == pytest.approx(
            (theirs.central, theirs.mean, theirs.p10, theirs.p90)
        )
    steps = quintiles.get(value="1", pod="ip_emergency").steps
    assert [s["name"] for s in steps][:2] == ["Baseline", "Demography"]
    [scheme] = [s for s in steps if s["name"] == ward["name"]]  # what the scheme does here
    assert scheme["p10"] <= scheme["mean"] < 0
    viewer = client_for("viewer")
    page = viewer.get(
        run.get_absolute_url() + "?by=quintile&value=1&by_pod=ip_emergency"
    ).content.decode()
    assert "Quintile 1 (most deprived)" in page and 'id="by-steps"' in page
    # the download of every breakdown says it has the quintiles, and it has them
    assert "every breakdown by place, neighbourhood, deprivation quintile, sex, age band" in page
    csv = viewer.get(reverse("demand:run_breakdowns_csv", args=[run.pk])).content.decode()
    assert "\nquintile,Deprivation quintile,1," in csv
    # any breakdown's values side by side in 2026, with the scheme's part in each (here each
    # point of delivery is in one quintile, so by sex: both have emergency admissions)
    page = viewer.get(run.get_absolute_url() + "?by=sex&by_pod=ip_emergency").content.decode()
    table = page.split('id="by-all"')[1].split("</table>")[0]
    assert "Emergency admissions by sex side by side in 2026" in table
    assert html.escape(ward["name"]) in table
    rows = re.findall(r'<th scope="row" class="nhsuk-table__header">([^<]*)</th>', table)
    assert rows == ["Men", "Women"]
    assert table.count("−") >= 2  # the scheme removes admissions of each
    api = viewer.get(
        f"/api/v1/demand/runs/{run.pk}/split",
        {"by": "quintile", "value": "5", "measure": "activity"},
        headers={"Authorization": f"Bearer {create_token(user=cast['viewer'], name='t')[1]}"},
    ).json()
    assert {x["value_name"] for x in api["items"]} == {"Quintile 5 (least deprived)"}
