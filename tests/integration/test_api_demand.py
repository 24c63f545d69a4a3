"""Demand in the API: partners read a run's results by every breakdown they hold; the
programme office starts a run through the scenario page's service and follows its progress."""

import pytest

from footprint.api.tokens import create_token
from footprint.core.models import AuditEvent
from footprint.demand import compute, services
from footprint.demand.models import Run

CELLS = [
    ("RA1", "ip_emergency", "N1", "F", 80, "", 2, 240.0, 480.0),
    ("RB1", "ae", "S1", "M", 40, "", 0, 100.0, 0.0),
]


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


@pytest.fixture
def scenario(cast):
    baseline = services.create_baseline(
        name="Base", base_year=2025, source="test", records=2, rows=CELLS, by=cast["pmo"]
    )
    return services.save_scenario(
        name="Plan",
        description="",
        baseline=baseline,
        parameters=compute.default_parameters(2025, 2026, iterations=0),
        by=cast["pmo"],
    )


def start(client, user, scenario_id):
    return client.post(
        f"/api/v1/demand/scenarios/{scenario_id}/runs", headers=bearer(user) if user else {}
    )


def test_the_programme_office_starts_a_run_and_follows_it_to_its_results(
    client, cast, scenario, django_capture_on_commit_callbacks
):
    # growth set here, 2–4 % a year for emergency admissions, and no health-status step, so the
    # central case below is worked by hand
    growth = {**scenario.parameters["growth"], "ip_emergency": {"low": 0.02, "high": 0.04}}
    doc = {**scenario.parameters, "health_status": None, "growth": growth}
    services.save_scenario(scenario=scenario, parameters=doc, by=cast["pmo"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = start(client, cast["pmo"], scenario.pk)
    assert started.status_code == 202
    body = started.json()
    assert body["status"] == "queued" and body["percent"] == 0 and body["scenario"] == scenario.pk
    assert AuditEvent.objects.filter(action="demand.run", actor=cast["pmo"]).exists()
    pmo = bearer(cast["pmo"])
    job = client.get(f"/api/v1/jobs/{body['job']}", headers=pmo).json()
    assert (job["status"], job["finished"], job["kind"]) == ("queued", False, "demand:run")
    # Every partner may follow a demand run's job (core.jobs.watched_by); no one else sees it.
    jobs = f"/api/v1/jobs/{body['job']}"
    assert client.get(jobs, headers=bearer(cast["viewer"])).status_code == 200
    assert client.get(jobs, headers=bearer(cast["stranger"])).status_code == 404

    for callback in queued:  # the worker picks it up
        callback()
    done = client.get(f"/api/v1/demand/runs/{body['id']}", headers=bearer(cast["viewer"])).json()
    assert (done["status"], done["percent"]) == ("succeeded", 100)
    job = client.get(f"/api/v1/jobs/{body['job']}", headers=pmo).json()
    assert job["finished"] and job["percent"] == 100 and "iterations" in job["message"]

    viewer = bearer(cast["viewer"])
    kinds = client.get(f"/api/v1/demand/runs/{body['id']}/breakdowns", headers=viewer).json()
    assert kinds["years"] == [2026]  # the base year is the baseline of each result
    activity = next(m for m in kinds["measures"] if m["measure"] == "activity")
    assert [p["name"] for p in activity["providers"]] == [
        "All providers",
        "Trust A Hospitals",
        "Trust B Hospitals",
    ]
    assert activity["providers"][1]["items"] == [
        {"code": "ip_emergency", "name": "Emergency admissions"}
    ]
    page = client.get(
        f"/api/v1/demand/runs/{body['id']}/results",
        {"measure": "activity", "provider": "RA1", "year": 2026},
        headers=viewer,
    ).json()
    [row] = page["items"]
    assert (row["item_name"], row["baseline"]) == ("Emergency admissions", 240.0)
    # Residents per age grow by a tenth from 2025 to 2026 (conftest's population): so does
    # demand, and the central 3 % growth set above on top: 240 × 1.1 × 1.03 = 271.92.
    assert row["central"] == pytest.approx(271.92) and row["p10"] <= row["p50"] <= row["p90"]
    steps = client.get(
        f"/api/v1/demand/runs/{body['id']}/steps", {"pod": "ae", "year": 2026}, headers=viewer
    ).json()
    assert steps and {s["pod_name"] for s in steps} == {"A&E attendances"}
    side = client.get(
        "/api/v1/demand/compare", {"a": body["id"], "b": body["id"]}, headers=viewer
    ).json()
    assert side and all(c["a_mean"] == c["b_mean"] for c in side)


def test_only_the_programme_office_starts_runs_and_only_partners_read_them(client, cast, scenario):
    for who in ("editor_a", "editor_b", "viewer"):
        refused = start(client, cast[who], scenario.pk)
        assert refused.status_code == 403, who
        assert refused.json()["detail"] == "Only the programme office runs scenarios"
    assert start(client, cast["stranger"], scenario.pk).json()["detail"] == "Partners only"
    assert start(client, None, scenario.pk).status_code == 401
    assert start(client, cast["pmo"], 999_999).status_code == 404
    assert not Run.objects.exists()
    for path in (
        "/api/v1/demand/scenarios",
        "/api/v1/demand/runs/1",
        "/api/v1/demand/runs/1/results",
        "/api/v1/demand/runs/1/breakdowns",
        "/api/v1/demand/runs/1/steps",
        "/api/v1/demand/runs/1/split",
        "/api/v1/demand/compare?a=1&b=1",
    ):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=bearer(cast["stranger"])).status_code == 403, path


def test_a_scenario_that_cannot_run_is_refused_with_its_reasons(client, cast, scenario):
    scenario.parameters = {**scenario.parameters, "horizon": 2040}  # beyond the population
    scenario.save()
    refused = start(client, cast["pmo"], scenario.pk)
    assert refused.status_code == 422
    assert "2040" in refused.json()["detail"]
    assert not Run.objects.exists()


def test_a_run_split_by_place_neighbourhood_sex_age_and_condition(client, cast, scenario):
    """The API gives each breakdown of a run: each value's distribution by name and the
    interval of each step; narrowed by what is asked; bad input refused; steps carry their
    10th and 90th percentiles."""
    scenario.parameters = {**scenario.parameters, "iterations": 40}
    scenario.save()
    run = Run.objects.create(scenario=scenario, parameters=scenario.parameters)
    services.run_model(run=run, by=cast["pmo"])
    viewer = bearer(cast["viewer"])
    url = f"/api/v1/demand/runs/{run.pk}/split"

    def get(**params):
        return client.get(url, {"limit": 500, **params}, headers=viewer).json()

    whole = get()
    assert whole["count"] == len(whole["items"]) > 0
    assert {x["by"] for x in whole["items"]} == {
        "place",
        "neighbourhood",
        "sex",
        "age_band",
        "attribute",
    }
    hoods = get(by="neighbourhood", measure="activity")["items"]
    named = {(x["value"], x["value_name"], x["pod"], x["baseline"]) for x in hoods}
    assert named == {("N1", "North One", "ip_emergency", 240.0), ("S1", "South One", "ae", 100.0)}
    places = get(by="place", measure="activity", pod="ae")["items"]
    [south] = places
    [s1] = [x for x in hoods if x["value"] == "S1"]
    assert (south["value"], south["value_name"]) == ("E06000902", "Southshire")
    # S1 is the only neighbourhood of its place with activity: in the central case they agree
    assert south["central"] == pytest.approx(s1["central"])
    assert s1["p10"] <= s1["p50"] <= s1["p90"]
    assert [s["name"] for s in s1["steps"]][:2] == ["Baseline", "Demography"]
    assert all(s["p10"] <= s["mean"] <= s["p90"] for s in s1["steps"][1:])
    women = get(by="sex", value="F", year=2026)["items"]
    assert {(x["value_name"], x["pod"]) for x in women} == {("Women", "ip_emergency")}
    # bad input: an unknown breakdown, a year out of range, a run that does not exist
    assert client.get(url, {"by": "town"}, headers=viewer).status_code == 422
    assert client.get(url, {"year": 1900}, headers=viewer).status_code == 422
    missing = client.get("/api/v1/demand/runs/999999/split", headers=viewer)
    assert missing.status_code == 404
    steps = client.get(
        f"/api/v1/demand/runs/{run.pk}/steps", {"pod": "ip_emergency"}, headers=viewer
    ).json()
    assert all(s["p10"] <= s["mean"] <= s["p90"] for s in steps if s["order"] > 0)
    assert any(s["p90"] > s["p10"] for s in steps)
