"""Who may see the demand pages and who may change demand data, as stories.

Partners read every demand page; only the programme office imports activity, builds and
changes scenarios and runs them. The public sees nothing but the published schema. The
services refuse a caller who may not act, whoever calls them: a page, a background job, the
demo or a notebook.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.core.models import AuditEvent, Job
from footprint.demand import compute, queries, services
from footprint.demand.models import ActivityCell, Baseline, Result, Run, Scenario, Step
from tests.conftest import CAST, PARTNERS, assert_may_see

CELLS = [
    ("RA1", "ip_emergency", "N1", "F", 80, "", 2, 240.0, 480.0),
    ("RA1", "ip_emergency", "N1", "F", 80, "Falls", 2, 20.0, 40.0),  # for a falls scheme
    ("RB1", "ae", "S1", "M", 40, "", 0, 100.0, 0.0),
]
NOT_THE_PROGRAMME_OFFICE = ["editor_a", "editor_b", "viewer", "stranger", "public"]


@pytest.fixture
def baseline(cast):
    return services.create_baseline(
        name="Base", base_year=2025, source="test", records=2, rows=CELLS, by=cast["pmo"]
    )


@pytest.fixture
def scenario(cast, baseline):
    return services.save_scenario(
        name="Plan",
        description="",
        baseline=baseline,
        parameters=compute.default_parameters(2025, 2026, iterations=0),
        by=cast["pmo"],
    )


@pytest.fixture
def ran(cast, scenario):
    # a scheme, so that its page (demand:scheme_edit) has something to change
    scheme = compute.scheme_from_library("falls_prevention", start_year=2026)
    services.save_scenario(
        scenario=scenario,
        parameters={**scenario.parameters, "schemes": [scheme]},
        by=cast["pmo"],
    )
    run = Run.objects.create(scenario=scenario, parameters=scenario.parameters)
    services.run_model(run=run, by=cast["pmo"])
    return run


# (url name, args from the fixtures, who may see it). Everyone else: log-in redirect (public)
# or 403.
PAGES = [
    ("demand:index", [], PARTNERS),
    ("demand:compare", [], PARTNERS),
    ("demand:scenario", ["scenario"], PARTNERS),
    ("demand:parameters", ["scenario"], PARTNERS),
    ("demand:run", ["run"], PARTNERS),
    ("demand:run_deprivation", ["run"], PARTNERS),
    ("demand:run_csv", ["run"], PARTNERS),
    ("demand:run_breakdowns_csv", ["run"], PARTNERS),
    ("demand:run_xlsx", ["run"], PARTNERS),
    ("demand:baseline", ["baseline"], PARTNERS),
    ("demand:scenario_new", [], {"pmo"}),
    ("demand:scenario_edit", ["scenario"], {"pmo"}),
    ("demand:growth_edit", ["scenario"], {"pmo"}),
    ("demand:scheme_edit", ["scenario", "scheme"], {"pmo"}),
    ("demand:import", [], {"pmo"}),
    # The schema has no data in it: anyone may read it.
    ("demand:parameters_schema", [], set(CAST)),
]


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(client_for, ran, who, name, args, allowed):
    keys = {
        "scenario": ran.scenario.pk,
        "run": ran.pk,
        "baseline": ran.scenario.baseline.pk,
        "scheme": "falls_prevention",
    }
    assert_may_see(client_for(who), who, reverse(name, args=[keys[a] for a in args]), allowed)


def test_partners_read_the_scenarios_and_the_programme_office_may_change_them(client_for, ran):
    read = client_for("viewer").get(reverse("demand:index")).content.decode()
    assert "Plan" in read and "Base" in read and "New scenario" not in read
    scenario = client_for("viewer").get(ran.scenario.get_absolute_url()).content.decode()
    assert "Run the model" not in scenario
    changes = client_for("pmo").get(reverse("demand:index")).content.decode()
    assert "New scenario" in changes and "Import activity" in changes
    scenario = client_for("pmo").get(ran.scenario.get_absolute_url()).content.decode()
    assert "Run the model" in scenario


# The services refuse, whoever calls them.


def nothing_audited() -> bool:
    return not AuditEvent.objects.filter(action__startswith="demand.").exists()


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_stores_a_baseline(cast, who):
    with pytest.raises(PermissionDenied):
        services.create_baseline(
            name="Base", base_year=2025, source="", records=2, rows=CELLS, by=cast[who]
        )
    assert not Baseline.objects.exists() and not ActivityCell.objects.exists()
    assert nothing_audited()


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_queues_an_import(cast, who):
    queued = []
    with pytest.raises(PermissionDenied):
        services.queue_import(
            data=b"provider,pod\n",
            filename="a.csv",
            aggregated=False,
            name="A",
            base_year=2025,
            source="",
            by=cast[who],
            enqueue=queued.append,
        )
    assert not Job.objects.exists() and not queued and nothing_audited()


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_creates_a_scenario(cast, baseline, who):
    with pytest.raises(PermissionDenied):
        services.save_scenario(
            name="Mine",
            description="",
            baseline=baseline,
            parameters=compute.default_parameters(2025, 2026),
            by=cast[who],
        )
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_changes_a_scenario(cast, scenario, who):
    before = AuditEvent.objects.count()
    changed = {**scenario.parameters, "iterations": 5}
    with pytest.raises(PermissionDenied):
        services.save_scenario(scenario=scenario, name="Renamed", parameters=changed, by=cast[who])
    with pytest.raises(PermissionDenied):
        services.add_scheme(
            scenario=scenario,
            by=cast[who],
            evidence="virtual_ward_frailty",
            name="",
            share=(0.1, 0.2),
            start_year=2026,
            ramp_years=1,
            yearly_cost=0,
        )
    scenario.refresh_from_db()
    assert scenario.name == "Plan" and scenario.parameters["iterations"] == 0
    assert scenario.parameters["schemes"] == [] and AuditEvent.objects.count() == before


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_removes_a_scheme(cast, scenario, who):
    services.add_scheme(
        scenario=scenario,
        by=cast["pmo"],
        evidence="falls_prevention",
        name="",
        share=(0.1, 0.2),
        start_year=2026,
        ramp_years=1,
        yearly_cost=0,
    )
    with pytest.raises(PermissionDenied):
        services.remove_scheme(scenario=scenario, by=cast[who], key="falls_prevention")
    scenario.refresh_from_db()
    assert [s["key"] for s in scenario.parameters["schemes"]] == ["falls_prevention"]


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_changes_growth_or_a_scheme(cast, scenario, who):
    services.add_scheme(
        scenario=scenario,
        by=cast["pmo"],
        evidence="falls_prevention",
        name="",
        share=(0.1, 0.2),
        start_year=2026,
        ramp_years=1,
        yearly_cost=0,
    )
    scenario.refresh_from_db()
    before, events = scenario.parameters, AuditEvent.objects.count()
    faster = {code: {"low": 0.05, "high": 0.09} for code in before["growth"]}
    with pytest.raises(PermissionDenied):
        services.change_growth(scenario=scenario, by=cast[who], growth=faster)
    with pytest.raises(PermissionDenied):
        services.change_scheme(
            scenario=scenario, by=cast[who], key="falls_prevention", changes={"name": "Mine"}
        )
    scenario.refresh_from_db()
    assert scenario.parameters == before and AuditEvent.objects.count() == events


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_starts_a_run(cast, scenario, who):
    queued = []
    with pytest.raises(PermissionDenied):
        services.start_run(scenario=scenario, by=cast[who], enqueue=queued.append)
    assert not Run.objects.exists() and not Job.objects.exists() and not queued


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_runs_the_model_and_stores_results(cast, scenario, who):
    run = Run.objects.create(scenario=scenario, parameters=scenario.parameters)
    with pytest.raises(PermissionDenied):
        services.run_model(run=run, by=cast[who])
    projection = compute.project(
        scenario.parameters,
        cells=CELLS,
        places_of=queries.neighbourhood_places(),
        population=queries.neighbourhood_population(2025, 2026),
    )
    with pytest.raises(PermissionDenied):
        services.store_results(run=run, projection=projection, seconds=1.0, by=cast[who])
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED
    assert not Result.objects.exists() and not Step.objects.exists()


def test_a_run_started_by_someone_who_may_no_longer_run_it_fails_saying_why(cast, scenario):
    """The background run acts for whoever started it, and is refused if they have since
    lost the right: its job says so, and no results are stored."""
    from footprint.demand.tasks import run_scenario
    from footprint.partnership.models import PartnershipRole

    queued: list[int] = []
    run = services.start_run(scenario=scenario, by=cast["pmo"], enqueue=queued.append)
    PartnershipRole.objects.filter(user=cast["pmo"]).delete()
    run_scenario.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == Run.Status.QUEUED and not Result.objects.exists()
    assert run.job.status == Job.Status.FAILED
    assert run.job.errors == ["You do not have permission to do this (demand.change_demand)."]


def variants_csv(high: float = 110.0) -> bytes:
    rows = ["variant,year,sex,age,population"]
    for name, people in (("Principal", 100.0), ("High population", high)):
        rows += [f"{name},2026,{sex},{age},{people}" for sex in "FM" for age in range(91)]
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("who", CAST)
def test_only_the_programme_office_imports_population_variants(client_for, cast, scenario, who):
    """The door ("demand:variants_upload") as each of the cast, and the service as each
    wrong caller: only the programme office changes the variants."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = scenario.parameters["variants"]
    url = reverse("demand:variants_upload", args=[scenario.pk])
    response = client_for(who).post(url, {"file": SimpleUploadedFile("v.csv", variants_csv())})
    scenario.refresh_from_db()
    if who == "pmo":
        assert response.status_code == 302
        assert [v["name"] for v in scenario.parameters["variants"]] == [
            "Principal",
            "High population",
        ]
        return
    assert response.status_code in (302, 403) and scenario.parameters["variants"] == before
    if who != "public":
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            services.import_variants(
                scenario=scenario, by=cast[who], data=variants_csv(), filename="v.csv"
            )
        scenario.refresh_from_db()
        assert scenario.parameters["variants"] == before
        assert not AuditEvent.objects.filter(action="demand.import_variants").exists()
