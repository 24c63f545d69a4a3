"""Demand by deprivation: records that carry their small area (or a decile or quintile), a
run's activity, bed days, beds and cost by quintile, and each scheme's part in each."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.core.models import Job
from footprint.demand import compute, queries, services
from footprint.demand.models import ActivityCell, Baseline, Run
from footprint.partnership.models import Neighbourhood, SmallArea, SmallAreaPopulation

HEADER = "provider,pod,neighbourhood,sex,age,los,small_area,imd_decile,imd_quintile\n"


def upload(client, content: str, name: str = "records.csv", kind: str = "records"):
    return client.post(
        reverse("demand:import"),
        {
            "name": "Activity by area",
            "base_year": 2025,
            "kind": kind,
            "source": "",
            "file": SimpleUploadedFile(name, content.encode()),
        },
    )


@pytest.fixture
def areas(footprint):
    """Two small areas in N1 (deciles 1 and 10: quintiles 1 and 5) and one in N2 with no
    decile, each with 500 women and 500 men in 2025 (1,000 residents)."""
    made = {}
    for code, hood, decile in (
        ("E01000001", "N1", 1),
        ("E01000002", "N1", 10),
        ("E01000003", "N2", None),
    ):
        area = SmallArea.objects.create(
            code=code, neighbourhood=Neighbourhood.objects.get(code=hood), imd_decile=decile
        )
        for sex in "FM":
            bands = [0] * 19
            bands[15] = 500  # all aged 75–79
            SmallAreaPopulation.objects.create(
                small_area=area, year=2025, sex=sex, bands=bands, total=500
            )
        made[code] = area
    return made


def test_records_take_their_quintile_from_their_small_area_or_decile(client_for, areas):
    rows = (
        "RA1,ip_emergency,N1,F,80,3,E01000001,,\n" * 6  # quintile 1 from its small area
        + "RA1,ip_emergency,N1,F,80,3,e01000002,,\n" * 2  # quintile 5 (code in lower case)
        + "RA1,ip_emergency,N1,F,80,3,,4,\n" * 3  # decile 4: quintile 2
        + "RA1,ip_emergency,N1,F,80,3,,,3\n"  # quintile 3 given
        + "RA1,ip_emergency,N2,F,80,3,E01000003,,\n"  # a small area with no decile
        + "RA1,ip_emergency,N2,F,80,3,,,\n" * 2  # none: the neighbourhood's
    )
    assert upload(client_for("pmo"), HEADER + rows).status_code == 302
    baseline = Baseline.objects.get()
    assert baseline.records == 15
    assert baseline.records_without_deprivation == 3
    counts = {
        q: sum(ActivityCell.objects.filter(quintile=q).values_list("count", flat=True))
        for q in range(6)
    }
    assert counts == {0: 3, 1: 6, 2: 3, 3: 1, 4: 0, 5: 2}
    page = client_for("pmo").get(baseline.get_absolute_url()).content.decode()
    assert "3 of the 15 records gave no small area or deprivation decile" in page


def test_a_bad_small_area_or_decile_is_refused_by_row_and_field(client_for, areas):
    rows = (
        "RA1,ip_emergency,N1,F,80,3,E01000001,,\n"
        "RA1,ip_emergency,N1,F,80,3,E09999999,,\n"  # not the partnership's
        "RA1,ip_emergency,N2,F,80,3,E01000001,,\n"  # in N1, not N2
        "RA1,ip_emergency,N1,F,80,3,,11,\n"
        "RA1,ip_emergency,N1,F,80,3,,,0\n"
        "RA1,ip_emergency,N1,F,80,3,E01000001,9,\n"  # decile 9 against the area's 1
        "RA1,ip_emergency,N1,F,80,3,,3,4\n"  # decile 3 is quintile 2, not 4
    )
    upload(client_for("pmo"), HEADER + rows, "bad.csv")
    job = Job.objects.get(kind="import:demand")
    assert job.status == Job.Status.FAILED
    assert job.errors == [
        "bad.csv, row 3, column 'small_area': not a small-area (LSOA 2021) code of the "
        "partnership's small areas",
        "bad.csv, row 4, column 'small_area': this small area lies in another neighbourhood "
        "than the row's",
        "bad.csv, row 5, column 'imd_decile': must be a whole number from 1 (the most deprived "
        "10 % in England) to 10, or empty",
        "bad.csv, row 6, column 'imd_quintile': must be a whole number from 1 (the most "
        "deprived 20 % in England) to 5, or empty",
        "bad.csv, row 7, column 'imd_decile': disagrees with the national decile of the row's "
        "small area",
        "bad.csv, row 8, column 'imd_quintile': disagrees with the quintile of the row's small "
        "area or decile",
    ]
    assert not Baseline.objects.exists() and not ActivityCell.objects.exists()


def test_aggregated_counts_may_carry_a_quintile_too(client_for, areas):
    content = (
        "provider,pod,neighbourhood,sex,age,count,lsoa\n"
        "RA1,ae,N1,F,30,40,E01000001\n"
        "RA1,ae,N1,F,30,10,\n"
    )
    assert upload(client_for("pmo"), content, "agg.csv", "aggregated").status_code == 302
    cells = dict(ActivityCell.objects.values_list("quintile", "count"))
    assert cells == {1: 40.0, 0: 10.0}
    assert Baseline.objects.get().records_without_deprivation == 1


def gradient_records() -> str:
    """Emergency admissions of women aged 80 in N1: 30 from its most deprived small area and
    10 from its least, each of 1,000 residents (a gradient inside one neighbourhood), and 5
    with no small area (they count in N1's quintile)."""
    return HEADER + (
        "RA1,ip_emergency,N1,F,80,4,E01000001,,\n" * 30
        + "RA1,ip_emergency,N1,F,80,4,E01000002,,\n" * 10
        + "RA1,ip_emergency,N1,F,80,4,,,\n" * 5
    )


@pytest.fixture
def deprived_run(client_for, cast, areas):
    upload(client_for("pmo"), gradient_records())
    baseline = Baseline.objects.get()
    doc = compute.default_parameters(2025, 2026, iterations=60, seed=4)
    doc["schemes"] = [
        compute.scheme_from_library(
            "virtual_ward_frailty", start_year=2026, key="vw", cohort={"age_low": 75}
        )
    ]
    scenario = services.save_scenario(
        name="By deprivation", baseline=baseline, parameters=doc, by=cast["pmo"]
    )
    run = Run.objects.create(
        scenario=scenario, parameters=scenario.parameters, created_by=cast["pmo"]
    )
    services.run_model(run=run, by=cast["pmo"])
    run.refresh_from_db()
    return run


def test_a_run_by_quintile_shows_the_gap_beds_cost_and_each_scheme(client_for, deprived_run):
    run = deprived_run
    # N1 counts in quintile 1 (500 of its residents are in each, the lower quintile wins):
    # its 5 records without a small area join the 30 of quintile 1
    rows = {
        x.value: x
        for x in run.breakdowns.filter(by="quintile", measure="activity", pod="ip_emergency")
        if x.year == 2026
    }
    assert set(rows) == {"1", "5"}
    assert rows["1"].baseline == pytest.approx(35) and rows["5"].baseline == pytest.approx(10)
    for measure in ("bed_days", "beds", "cost"):
        assert {
            x.value for x in run.breakdowns.filter(by="quintile", measure=measure, pod="all")
        } == {"1", "5"}, measure
    beds = run.breakdowns.get(by="quintile", measure="bed_days", pod="all", value="5", year=2026)
    assert beds.baseline == pytest.approx(40)
    assert [s["name"] for s in beds.steps][-1] == run.parameters["schemes"][0]["name"]
    page = client_for("viewer").get(reverse("demand:run_deprivation", args=[run.pk]))
    text = html.unescape(page.content.decode())
    names = queries.breakdown_names("quintile")
    assert "5 of the 45 records gave no small area" in text
    assert "In the base year, 2025, it was 35.0 against 10.0. Residents are counted in 2025" in text
    assert "the most deprived fifth of residents (quintile 1)" in text
    table = text[text.index('id="quintile-activity"') :]
    assert table.index(names["1"]) < table.index(names["5"])
    assert 'id="quintile-beds"' in text and 'id="quintile-cost"' in text
    assert 'id="quintile-schemes"' in text
    # the run page links to it; the breakdown by quintile's pods leave out the "all" rows
    run_page = client_for("viewer").get(reverse("demand:run", args=[run.pk]) + "?by=quintile")
    assert reverse("demand:run_deprivation", args=[run.pk]) in run_page.content.decode()
    assert queries.breakdown_pods(run, "quintile", "1", "bed_days") == ["ip_emergency"]


def test_the_api_gives_bed_days_beds_and_cost_by_quintile(client, cast, deprived_run):
    from tests.integration.test_api_demand import bearer

    url = f"/api/v1/demand/runs/{deprived_run.pk}/split"
    viewer = bearer(cast["viewer"])
    cost = client.get(
        url, {"by": "quintile", "measure": "cost", "year": 2026}, headers=viewer
    ).json()["items"]
    assert {(x["value_name"], x["pod"], x["pod_name"]) for x in cost} == {
        ("Quintile 1 (most deprived)", "all", "All points of delivery"),
        ("Quintile 5 (least deprived)", "all", "All points of delivery"),
    }
    assert all(x["p10"] <= x["mean"] <= x["p90"] and x["steps"] for x in cost)
    beds = client.get(url, {"by": "quintile", "measure": "beds"}, headers=viewer).json()
    assert beds["count"] == 2 and all(x["steps"] == [] for x in beds["items"])
    assert client.get(url, {"measure": "staff"}, headers=viewer).status_code == 422
