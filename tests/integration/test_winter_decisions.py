"""Winter schemes with their cost, brought to a decision: a scenario's cost over the winter
from the plan's unit costs (numbers to check by hand), and a draft proposal made from a scheme
through decisions' own services, which the scenario then shows."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.decisions.models import Decision, Proposal
from footprint.engine import winter as engine
from footprint.winter import compute, queries, services
from footprint.winter.models import Scenario

START = dt.date(2026, 11, 30)
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)


def test_the_cost_of_places_is_places_times_days_times_the_unit_cost():
    # 10 packages a day for 100 days at £50: £50,000; 2 + 3 step-down beds a day at £200:
    # £100,000; 40 escalation bed-days at £400: £16,000; other costs £5,000.
    cost = engine.winter_cost(
        100,
        [engine.Places(10, 0, 2, 0), engine.Places(0, 0, 3, 0)],
        40.0,
        engine.UnitCosts(package=50, step_down=200, escalation_bed_day=400),
        other=5000,
    )
    assert (cost.packages, cost.step_down, cost.escalation, cost.other) == (
        50_000,
        100_000,
        16_000,
        5_000,
    )
    assert cost.virtual_ward == cost.care_home == 0 and cost.total == 171_000
    with pytest.raises(ValueError, match="at least 0"):
        engine.winter_cost(-1, [], 0, engine.UnitCosts())


def test_escalation_bed_days_are_the_beds_open_beyond_the_general_beds():
    # A trust of 100 beds with 105 open on two days and 100 on one: 10 bed-days; another of
    # 50 with 52.5 open on one day: 2.5.
    assert compute.escalation_bed_days([(100, [105, 100, 105]), (50, [52.5])]) == 12.5


@pytest.fixture
def plan(cast):
    return services.save_plan(
        by=cast["pmo"],
        name="Winter 2026/27",
        start=START,
        days=14,
        peak=dt.date(2027, 1, 5),
        runs=20,
        seed=3,
        cost_package=50,
        cost_step_down=200,
        cost_escalation_bed_day=400,
    )


def _run(sc, pmo):
    r = services.start_run(scenario=sc, by=pmo, enqueue=lambda pk: None)
    services.run_simulation(run=r, by=pmo)
    return r


@pytest.fixture
def schemes(cast, plan):
    """The do-nothing case (no escalation beds) and a scheme with 2 more packages and 1 more
    step-down bed a day at each of the two trusts, £3,000 of other costs; both run."""
    pmo = cast["pmo"]
    base = services.save_scenario(plan=plan, by=pmo, name="Do nothing")
    for pi in queries.inputs(base):
        services.save_inputs(
            scenario=base,
            organisation=pi.organisation,
            by=pmo,
            values={**queries.values_of(pi), "escalation_beds": 0, "escalation_trigger": None},
        )
    more = services.save_scenario(
        plan=plan,
        by=pmo,
        name="More packages",
        copy_from=base,
        other_cost=3000,
        cost_note="a discharge coordinator",
    )
    for pi in queries.inputs(more):
        v = queries.values_of(pi)
        services.save_inputs(
            scenario=more,
            organisation=pi.organisation,
            by=pmo,
            values={
                **v,
                "home_care_packages": v["home_care_packages"] + 2,
                "step_down_beds": v["step_down_beds"] + 1,
            },
        )
    _run(base, pmo)
    _run(more, pmo)
    return base, more


def test_a_scheme_costs_its_extra_places_beyond_the_do_nothing_case(schemes):
    base, more = schemes
    # Two trusts × 14 days × (2 packages × £50 + 1 step-down bed × £200) + £3,000 = £11,400;
    # neither opens escalation beds.
    assert services.extra_cost(more) == 2 * 14 * (2 * 50 + 200) + 3000 == 11_400
    assert services.extra_cost(base) is None
    cost, escalation_costed = services.cost_of(more)
    assert escalation_costed and cost.escalation == 0 and cost.other == 3000


def test_the_scenario_and_side_by_side_pages_show_the_cost(client_for, schemes):
    base, more = schemes
    page = client_for("viewer").get(more.get_absolute_url()).content.decode()
    assert "Cost over the winter" in page and "£11,400 more than Do nothing" in page
    assert "a discharge coordinator" in page
    side = client_for("viewer").get(base.plan.get_absolute_url()).content.decode()
    assert "Cost over the winter, every provider" in side and "£11,400 more" in side


def test_a_forum_member_brings_a_scheme_to_a_decision(client_for, cast, forums, schemes):
    base, more = schemes
    page = client_for("editor_a").get(more.get_absolute_url()).content.decode()
    assert "Bring to a decision" in page
    assert (
        "Bring to a decision"
        not in client_for("editor_a").get(base.get_absolute_url()).content.decode()
    )  # the do-nothing case is what schemes are compared with
    response = client_for("editor_a").post(
        reverse("winter:scenario_decision", args=[more.pk]),
        {
            "decision_type": forums["investment"].pk,
            "brought_to": forums["alliance"].pk,
            "recommend": "scheme",
        },
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert proposal.status == Proposal.Status.DRAFT and proposal.created_by == cast["editor_a"]
    assert proposal.title == "Winter 2026/27: More packages"
    assert proposal.value_pence == 11_400_00 and proposal.forum == forums["alliance"]
    assert proposal.recommended_option == "Fund More packages (£11,400 over the winter)"
    assert proposal.option_list == [proposal.recommended_option, "Stay with Do nothing"]
    for words in ("weeks at risk", "over 92 %", "saved", "Trust A Hospitals", "£11,400 more"):
        assert words in proposal.summary
    more.refresh_from_db()
    assert more.proposal == proposal
    assert AuditEvent.objects.filter(action="winter.bring_to_decision").count() == 1
    page = client_for("viewer").get(more.get_absolute_url()).content.decode()
    assert "Brought to a decision as" in page and "draft" in page
    assert "Bring to a decision</" not in page  # not twice


def test_the_scenario_shows_the_decision_once_taken(client_for, cast, forums, schemes):
    _, more = schemes
    proposal = services.bring_to_decision(
        scenario=more,
        by=cast["pmo"],
        decision_type=forums["investment"],
        brought_to=forums["alliance"],
    )
    Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.DECIDED)
    # The decision itself is decisions' to record (its own tests walk consent); here it is
    # stored as taken, to show the scenario reads it.
    Decision.objects.create(
        proposal=proposal,
        forum=forums["alliance"],
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option=proposal.recommended_option,
        rationale="Fewer weeks at risk for the money.",
        decided_on=dt.date(2026, 12, 1),
        votes={},
        recorded_by=cast["pmo"],
    )
    page = client_for("viewer").get(more.get_absolute_url()).content.decode()
    assert "decided" in page and "Northshire Alliance approved it on 1 December 2026" in page
    # The public reading the published plan does not see the proposal's status from it
    # (nor, since the scenario's own page is the partners', from there).
    services.publish(plan=more.plan, by=cast["pmo"], now=NOW)
    public = client_for("public")
    side = public.get(more.plan.get_absolute_url()).content.decode()
    assert "Cost over the winter" in side and "Brought to a decision" not in side
    assert "Brought to a decision" not in public.get(more.get_absolute_url()).content.decode()


def test_a_scheme_is_brought_once_and_only_when_run_as_it_stands(cast, forums, schemes):
    base, more = schemes
    kwargs = {"by": cast["pmo"], "decision_type": forums["investment"]}
    with pytest.raises(services.InputError, match="compared with"):
        services.bring_to_decision(scenario=base, brought_to=forums["alliance"], **kwargs)
    services.save_inputs(
        scenario=more,
        organisation=queries.inputs(more)[0].organisation,
        by=cast["pmo"],
        values={**queries.values_of(queries.inputs(more)[0]), "care_home_beds": 9},
    )
    with pytest.raises(services.InputError, match="Run More packages as it stands first"):
        services.bring_to_decision(scenario=more, brought_to=forums["alliance"], **kwargs)
    _run(more, cast["pmo"])
    services.bring_to_decision(scenario=more, brought_to=forums["alliance"], **kwargs)
    with pytest.raises(services.InputError, match="already brought"):
        services.bring_to_decision(scenario=more, brought_to=forums["alliance"], **kwargs)
    assert Proposal.objects.count() == 1


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public"])
def test_only_who_may_bring_proposals_brings_a_scheme(client_for, cast, schemes, who):
    # Without forums only the programme office may bring proposals: partners without a seat
    # are refused at the door and in the service, and nothing is saved.
    from footprint.decisions.models import DecisionType, Forum

    _, more = schemes
    kind = DecisionType.objects.create(name="Investment", slug="investment")
    forum = Forum.objects.create(
        name="Board", slug="board", layer="system", terms_of_reference="All.", quorum_share=0.5
    )
    audited = AuditEvent.objects.count()
    page = client_for(who).get(more.get_absolute_url())
    assert b"Bring to a decision" not in page.content
    response = client_for(who).post(
        reverse("winter:scenario_decision", args=[more.pk]),
        {"decision_type": kind.pk, "brought_to": forum.pk, "recommend": "scheme"},
    )
    assert response.status_code == (302 if who == "public" else 403)
    if who == "public":
        assert response["Location"].startswith(reverse("core:login"))
    with pytest.raises(PermissionDenied):
        services.bring_to_decision(
            scenario=more, by=cast[who], decision_type=kind, brought_to=forum
        )
    assert Proposal.objects.count() == 0 and AuditEvent.objects.count() == audited
    assert Scenario.objects.get(pk=more.pk).proposal is None


def test_a_scheme_brought_as_a_confidential_proposal_hides_its_title(
    client_for, cast, forums, schemes
):
    """A partner who may not read the confidential proposal a scheme became (editor_b, not on
    its forum) reads that it was brought to a decision, never its title."""
    _, more = schemes
    proposal = services.bring_to_decision(
        scenario=more,
        by=cast["pmo"],
        decision_type=forums["investment"],
        brought_to=forums["alliance"],
    )
    Proposal.objects.filter(pk=proposal.pk).update(
        confidentiality=Proposal.Confidentiality.CONFIDENTIAL,
        confidential_reason="Commercial negotiation in progress",
        publish_after=dt.date(2099, 12, 1),
    )
    hidden = client_for("editor_b").get(more.get_absolute_url()).content.decode()
    assert "Brought to a decision as a confidential proposal: draft." in hidden
    assert proposal.title not in hidden and proposal.get_absolute_url() not in hidden
    seen = client_for("pmo").get(more.get_absolute_url()).content.decode()
    assert proposal.title in seen
