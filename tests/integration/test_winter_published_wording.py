"""Winter: what the public (and anyone not a partner) reads of a published plan is the plan as
published: its name, description, dates and run settings and its scenarios' names and
descriptions are frozen when it is published (probe W4), as its runs and costs already were,
until it is published again; partners keep reading the workspace as it stands."""

import datetime as dt
import importlib
import io

import openpyxl
from django.urls import reverse

from footprint.winter import queries, services

from .test_api_winter import bearer
from .test_winter_decisions import NOW, START, _run, plan, schemes  # noqa: F401 (fixtures)

SECRET = "SECRET: close Ward 9"


def rename_everything(p, base, more, pmo):
    """After publishing: the plan renamed, re-described and re-dated with other run settings,
    and both scenarios renamed and re-described."""
    services.save_plan(
        plan=p,
        by=pmo,
        name="SECRET plan B",
        description="SECRET: the plan's new wording",
        start=START + dt.timedelta(days=7),
        days=21,
        peak=dt.date(2027, 1, 12),
        runs=50,
        seed=9,
        cost_package=50,
        cost_step_down=200,
        cost_escalation_bed_day=400,
    )
    services.save_scenario(
        plan=p, scenario=base, by=pmo, name=SECRET, description="SECRET: wards to shut"
    )
    services.save_scenario(
        plan=p,
        scenario=more,
        by=pmo,
        name="More packages, SECRET",
        description="SECRET: the scheme's new wording",
        other_cost=3000,
        cost_note="a discharge coordinator",
    )
    p.refresh_from_db()


def describe(p, base, more, pmo):
    services.save_plan(
        plan=p,
        by=pmo,
        name="Winter 2026/27",
        description="Two trusts through a fortnight",
        start=START,
        days=14,
        peak=dt.date(2027, 1, 5),
        runs=20,
        seed=3,
        cost_package=50,
        cost_step_down=200,
        cost_escalation_bed_day=400,
    )
    services.save_scenario(
        plan=p, scenario=base, by=pmo, name="Do nothing", description="As last winter"
    )
    p.refresh_from_db()


def pages(client, p, run_pk):
    return {
        "plan": client.get(p.get_absolute_url()).content.decode(),
        "run": client.get(reverse("winter:run", args=[run_pk])).content.decode(),
        "csv": client.get(reverse("winter:plan_csv", args=[p.pk])).content.decode(),
        "index": client.get(reverse("winter:index")).content.decode(),
        "xlsx": "\n".join(
            ",".join(str(c) for c in row)
            for row in openpyxl.load_workbook(
                io.BytesIO(client.get(reverse("winter:plan_xlsx", args=[p.pk])).content)
            ).active.iter_rows(values_only=True)
        ),
    }


def test_the_public_reads_the_wording_published_until_published_again(
    client_for,
    cast,
    schemes,  # noqa: F811
):
    base, more = schemes
    pmo = cast["pmo"]
    p = base.plan
    describe(p, base, more, pmo)
    services.publish(plan=p, by=pmo, now=NOW)
    base_run = queries.published_runs(p)[0][1].pk
    rename_everything(p, base, more, pmo)

    for who in ("public", "stranger"):
        seen = pages(client_for(who), p, base_run)
        for name, page in seen.items():
            assert "SECRET" not in page, (who, name)
        assert "<h1" in seen["plan"] and "Winter 2026/27</h1>" in seen["plan"]
        assert "Two trusts through a fortnight" in seen["plan"]
        # the dates and run settings published, not the live 21 days and seed 9
        assert "14 days from 30 November 2026" in seen["plan"]
        assert "peaking on 5 January 2027" in seen["plan"]
        assert "20 runs of each scenario, all with seed 3" in seen["plan"]
        assert "Do nothing" in seen["plan"] and "More packages" in seen["plan"]
        assert "more than Do nothing" in seen["plan"]
        assert "Do nothing: run" in seen["run"] and "Winter 2026/27" in seen["run"]
        rows = seen["csv"].splitlines()[1:]
        assert {r.split(",")[0] for r in rows} == {"Do nothing", "More packages"}
        assert {r.split(",")[0] for r in seen["xlsx"].splitlines()[1:]} == {
            "Do nothing",
            "More packages",
        }
        assert (
            "Winter 2026/27" in seen["index"]
            and "Two trusts through a fortnight" in (seen["index"])
        )

    # partners read the workspace as it stands
    live = pages(client_for("viewer"), p, base_run)
    assert "SECRET plan B</h1>" in live["plan"] and "21 days from 7 December 2026" in live["plan"]
    assert f"{SECRET}: run" in live["run"]
    assert SECRET in live["csv"] and SECRET in live["xlsx"] and "SECRET plan B" in live["index"]
    # the API is for partners: it keeps the live wording beside the wording published, and
    # refuses everyone else
    [out] = client_for("viewer").get("/api/v1/winter/plans", headers=bearer(cast["viewer"])).json()
    assert out["name"] == "SECRET plan B"
    assert out["published_as"] == {
        "name": "Winter 2026/27",
        "description": "Two trusts through a fortnight",
        "start": "2026-11-30",
        "days": 14,
        "peak": "2027-01-05",
        "runs": 20,
        "seed": 3,
    }
    named = {s["name"]: (s["published_name"], s["published_description"]) for s in out["scenarios"]}
    assert named[SECRET] == ("Do nothing", "As last winter")
    assert named["More packages, SECRET"] == ("More packages", "")
    assert client_for("public").get("/api/v1/winter/plans").status_code == 401
    refused = client_for("stranger").get(
        f"/api/v1/winter/plans/{p.pk}", headers=bearer(cast["stranger"])
    )
    assert refused.status_code == 403 and "SECRET" not in refused.content.decode()

    # run again over the new dates and published again: the public reads the new wording
    base_run = _run(base, pmo).pk
    _run(more, pmo)
    services.publish(plan=p, by=pmo, now=NOW + dt.timedelta(days=1))
    again = pages(client_for("public"), p, base_run)
    assert "SECRET plan B</h1>" in again["plan"] and "21 days from 7 December 2026" in again["plan"]
    assert f"{SECRET}: run" in again["run"] and SECRET in again["csv"]
    assert "SECRET plan B" in again["index"]


def test_withdrawing_forgets_the_wording_published(cast, schemes):  # noqa: F811
    base, _ = schemes
    p = base.plan
    services.publish(plan=p, by=cast["pmo"], now=NOW)
    assert p.published_as["name"] == "Winter 2026/27"
    assert {f["name"] for f in p.published_runs} == {"Do nothing", "More packages"}
    services.withdraw(plan=p, by=cast["pmo"])
    p.refresh_from_db()
    assert p.published_as == {} and p.published_runs == []
    assert queries.as_published(p) is p


def test_the_copy_as_published_is_never_the_plan_saved(cast, schemes):  # noqa: F811
    base, more = schemes
    p = base.plan
    services.publish(plan=p, by=cast["pmo"], now=NOW)
    rename_everything(p, base, more, cast["pmo"])
    shown = queries.as_published(p)
    assert (shown.pk, shown.name, shown.start, shown.days) == (p.pk, "Winter 2026/27", START, 14)
    p.refresh_from_db()
    assert p.name == "SECRET plan B"  # reading it as published changed nothing saved


def test_a_plan_published_before_the_wording_was_kept_takes_it_from_its_history(
    cast,
    schemes,  # noqa: F811
):
    from django.apps import apps
    from django.utils import timezone

    from footprint.winter.models import WinterPlan

    migration = importlib.import_module("footprint.winter.migrations.0008_published_wording_frozen")
    base, more = schemes
    p = base.plan
    services.publish(plan=p, by=cast["pmo"], now=timezone.now())
    rename_everything(p, base, more, cast["pmo"])
    # as a plan published before this migration: no wording kept
    old = [
        {k: v for k, v in f.items() if k not in ("name", "description")} for f in p.published_runs
    ]
    WinterPlan.objects.filter(pk=p.pk).update(published_as={}, published_runs=old)
    migration.freeze_wording(apps, None)
    p.refresh_from_db()
    assert p.published_as == {
        "name": "Winter 2026/27",
        "description": "",
        "start": "2026-11-30",
        "days": 14,
        "peak": "2027-01-05",
        "runs": 20,
        "seed": 3,
    }
    assert [f["name"] for f in p.published_runs] == ["Do nothing", "More packages"]
    assert [f["run"] for f in p.published_runs] == [f["run"] for f in old]
