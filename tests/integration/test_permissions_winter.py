"""Who may see winter plans and who may change them, as stories.

Partners read every plan, draft or published; the programme office builds plans and
scenarios, runs them and publishes them to the boards. The public, and anyone signed in who
is not a partner, sees a plan only once it is published, and never a draft. The services
refuse a caller who may not act, whoever calls them.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.partnership.models import Organisation
from footprint.winter import queries, services
from footprint.winter.models import ProviderInputs, Scenario, WinterPlan, WinterRun
from tests.conftest import CAST, PARTNERS, assert_may_see

NOT_THE_PROGRAMME_OFFICE = ["editor_a", "editor_b", "viewer", "stranger", "public"]
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


@pytest.fixture
def ran(cast):
    plan = services.save_plan(
        by=cast["pmo"],
        name="Winter 2026/27",
        start=dt.date(2026, 12, 1),
        days=14,
        peak=dt.date(2027, 1, 5),
        runs=20,
    )
    sc = services.save_scenario(plan=plan, by=cast["pmo"], name="Do nothing")
    run = services.start_run(scenario=sc, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=run, by=cast["pmo"])
    return run


# (url name, args from the fixtures, who may see a draft plan's page). Everyone else: log-in
# redirect (public) or 403.
PAGES = [
    ("winter:index", [], set(CAST)),  # the public sees only published plans in it
    ("winter:plan", ["plan"], PARTNERS),
    ("winter:plan_csv", ["plan"], PARTNERS),
    ("winter:plan_xlsx", ["plan"], PARTNERS),
    ("winter:scenario", ["scenario"], PARTNERS),
    ("winter:run", ["run"], PARTNERS),
    ("winter:plan_new", [], {"pmo"}),
    ("winter:plan_edit", ["plan"], {"pmo"}),
    ("winter:scenario_new", ["plan"], {"pmo"}),
    ("winter:scenario_edit", ["scenario"], {"pmo"}),
    ("winter:inputs_edit", ["scenario", "RA1"], {"pmo"}),
]
# Published: the plan's pages (frozen) and the run it was published with; a scenario's own
# page stays the partners' (its inputs may change after publication).
PUBLISHED = {"winter:plan", "winter:plan_csv", "winter:plan_xlsx", "winter:run"}


def _url(name, args, run):
    keys = {"plan": run.scenario.plan.pk, "scenario": run.scenario.pk, "run": run.pk}
    return reverse(name, args=[keys.get(a, a) for a in args])


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix_for_a_draft_plan(client_for, ran, who, name, args, allowed):
    assert_may_see(client_for(who), who, _url(name, args, ran), allowed)


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix_for_a_published_plan(
    client_for, cast, ran, who, name, args, allowed
):
    services.publish(plan=ran.scenario.plan, by=cast["pmo"], now=NOW)
    everyone = set(CAST) if name in PUBLISHED else allowed
    assert_may_see(client_for(who), who, _url(name, args, ran), everyone)


def test_the_public_finds_a_plan_only_once_published(client_for, cast, ran):
    plan = ran.scenario.plan
    listing = client_for("public").get(reverse("winter:index")).content.decode()
    assert "Winter 2026/27" not in listing and "No winter plan has been published" in listing
    services.publish(plan=plan, by=cast["pmo"], now=NOW)
    listing = client_for("public").get(reverse("winter:index")).content.decode()
    assert "Winter 2026/27" in listing
    page = client_for("public").get(plan.get_absolute_url()).content.decode()
    assert "Scenarios side by side" in page and "Publish to the boards" not in page
    assert "Run every scenario" not in page and "New scenario" not in page
    services.withdraw(plan=plan, by=cast["pmo"])
    assert client_for("public").get(plan.get_absolute_url()).status_code == 302


def test_the_public_sees_only_what_was_published_of_a_published_plan(client_for, cast, ran):
    """A run made after publication, and a scenario added since, stay the partners' until the
    plan is published again; the run it was published with stays public."""
    plan = ran.scenario.plan
    services.publish(plan=plan, by=cast["pmo"], now=NOW)
    later = services.start_run(scenario=ran.scenario, by=cast["pmo"], enqueue=lambda pk: None)
    services.run_simulation(run=later, by=cast["pmo"])
    added = services.save_scenario(plan=plan, by=cast["pmo"], name="Ward 9 closes")
    public = client_for("public")
    assert public.get(ran.get_absolute_url()).status_code == 200
    assert public.get(later.get_absolute_url()).status_code == 302  # to the log-in page
    assert public.get(added.get_absolute_url()).status_code == 302
    page = public.get(plan.get_absolute_url()).content.decode()
    assert "Ward 9 closes" not in page and ran.get_absolute_url() in page
    assert later.get_absolute_url() not in page and added.get_absolute_url() not in page
    run_page = public.get(ran.get_absolute_url()).content.decode()
    assert ran.scenario.get_absolute_url() not in run_page  # no link to the partners' page
    assert client_for("viewer").get(later.get_absolute_url()).status_code == 200
    services.run_simulation(
        run=services.start_run(scenario=added, by=cast["pmo"], enqueue=lambda pk: None),
        by=cast["pmo"],
    )
    services.publish(plan=plan, by=cast["pmo"], now=NOW)
    assert client_for("public").get(later.get_absolute_url()).status_code == 200


def test_partners_read_and_the_programme_office_may_change(client_for, ran):
    plan = ran.scenario.plan
    read = client_for("viewer").get(plan.get_absolute_url()).content.decode()
    assert "Do nothing" in read and "New scenario" not in read and "Publish" not in read
    scenario = client_for("viewer").get(ran.scenario.get_absolute_url()).content.decode()
    assert "Trust A Hospitals" in scenario and "Run this scenario" not in scenario
    changes = client_for("pmo").get(plan.get_absolute_url()).content.decode()
    assert "New scenario" in changes and "Publish to the boards" in changes


# The POST-only actions: refused to everyone but the programme office at the door.
ACTIONS = [
    ("winter:plan_publish", ["plan"]),
    ("winter:plan_withdraw", ["plan"]),
    ("winter:plan_run", ["plan"]),
    ("winter:scenario_run", ["scenario"]),
    ("winter:scenario_demand", ["scenario"]),
    ("winter:scenario_history", ["scenario"]),
    # With no forum, only the programme office may bring proposals, so only it may bring a
    # scheme to a decision (a forum member may too: test_winter_decisions.py).
    ("winter:scenario_decision", ["scenario"]),
]


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
@pytest.mark.parametrize(("name", "args"), ACTIONS, ids=lambda v: str(v))
def test_actions_are_refused_to_all_but_the_programme_office(client_for, ran, who, name, args):
    before = (WinterRun.objects.count(), AuditEvent.objects.count())
    response = client_for(who).post(_url(name, args, ran))
    assert response.status_code == (302 if who == "public" else 403)
    if who == "public":
        assert response["Location"].startswith(reverse("core:login"))
    assert (WinterRun.objects.count(), AuditEvent.objects.count()) == before
    assert not WinterPlan.objects.get().published


def test_the_programme_office_publishes_at_the_door(client_for, ran):
    response = client_for("pmo").post(_url("winter:plan_publish", ["plan"], ran))
    assert response.status_code == 302 and WinterPlan.objects.get().published


# The services refuse, whoever calls them.


def nothing_audited_since(count) -> bool:
    return AuditEvent.objects.filter(action__startswith="winter.").count() == count


@pytest.mark.parametrize("who", NOT_THE_PROGRAMME_OFFICE)
def test_only_the_programme_office_changes_a_plan(cast, ran, who):
    plan, sc = ran.scenario.plan, ran.scenario
    audited = AuditEvent.objects.filter(action__startswith="winter.").count()
    pi = queries.inputs(sc)[0]
    attempts = [
        lambda: services.save_plan(
            by=cast[who], name="Mine", start=plan.start, days=14, peak=plan.peak, runs=10
        ),
        lambda: services.save_scenario(plan=plan, by=cast[who], name="Mine", copy_from=sc),
        lambda: services.save_inputs(
            scenario=sc,
            organisation=Organisation.objects.get(ods_code="RA1"),
            by=cast[who],
            values={**queries.values_of(pi), "beds": 1},
        ),
        lambda: services.start_run(scenario=sc, by=cast[who], enqueue=lambda pk: None),
        lambda: services.run_simulation(run=ran, by=cast[who]),
        lambda: services.publish(plan=plan, by=cast[who], now=NOW),
        lambda: services.withdraw(plan=plan, by=cast[who]),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    assert WinterPlan.objects.count() == 1 and Scenario.objects.count() == 1
    assert ProviderInputs.objects.get(pk=pi.pk).beds == pi.beds
    assert WinterRun.objects.count() == 1 and nothing_audited_since(audited)


@pytest.mark.parametrize("who", ["stranger", "public"])
def test_only_partners_who_sit_on_a_forum_bring_a_scheme_to_a_decision(cast, forums, ran, who):
    # Every partner in the cast sits on a forum here, and may; nobody else may, whatever
    # decisions would allow.
    from footprint.core.permissions import can
    from footprint.winter.rules import Permission

    sc = ran.scenario
    assert all(can(cast[p], Permission.BRING_TO_DECISION, sc) for p in PARTNERS)
    with pytest.raises(PermissionDenied):
        services.bring_to_decision(
            scenario=sc,
            by=cast[who],
            decision_type=forums["investment"],
            brought_to=forums["alliance"],
        )
