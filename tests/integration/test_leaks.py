"""Nothing withheld reaches those who may not see it by a side door: a confidential decision's
title through the public decision that replaces it; a provider's unpublished income through the
percentages and ratios of the who-gains page."""

import csv
import datetime as dt
import io

from django.core.cache import cache
from django.urls import reverse

from footprint.decisions import services
from footprint.decisions.models import Proposal
from tests.integration.test_decisions import consent_all, decided, propose


def test_a_public_decision_does_not_reveal_the_confidential_one_it_replaces(
    client, forums, cast, footprint
):
    secret = decided(
        forums,
        cast,
        footprint,
        title="Secret contract with Acme",
        confidentiality="confidential",
        confidential_reason="Negotiating",
        publish_after=dt.date(2099, 1, 1),
    )
    proposal = propose(forums, cast, title="Community frailty service")
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    services.decide(
        proposal=proposal,
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option="Open the hub",
        rationale="Agreed.",
        supersedes=secret,
        by=cast["pmo"],
    )
    page = client.get(reverse("decisions:register")).content.decode()
    assert "Community frailty service" in page and "Acme" not in page
    assert (
        "This decision replaces a confidential decision of 1 March 2025, to be published on "
        "1 January 2099." in page
    )
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("decisions:register"), {"format": "csv"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [r[3] for r in rows[1:]] == ["Community frailty service"]
    assert rows[1][7] == "A confidential decision, to be published on 2099-01-01"
    api = client.get("/api/v1/decisions").json()
    assert "Acme" not in str(api)
    assert [(d["title"], d["supersedes"]) for d in api["decisions"]] == [
        ("Community frailty service", None)
    ]
    # On its date it is public, and so is what replaced it.
    Proposal.objects.filter(pk=secret.proposal_id).update(publish_after=dt.date(2020, 1, 1))
    cache.clear()  # public pages are cached until an audited change; this one is not audited
    page = client.get(reverse("decisions:register")).content.decode()
    assert "replaces the decision of 1 March 2025 on “Secret contract with Acme”" in page
    api = client.get("/api/v1/decisions").json()
    assert {d["title"]: d["supersedes"] for d in api["decisions"]}[
        "Community frailty service"
    ] == secret.pk


MOVE = {"provider": "RA1", "service": "ip_elective", "units": 1_000_000, "move_year": 2026}


def test_who_gains_does_not_give_away_an_unpublished_plan(client_for, cast, footprint, icb):
    """Trust A's 2026/27 plan is unpublished: income £110m, 40 % fixed and 30 % semi-fixed.
    A viewer (the council) moves a million elective admissions (£4,000 each, £2,500 to
    provide) out of Trust A. The income change follows the contract, −£4,000,000,000, and is
    shown; its share of the plan (−3,636.4 %), the cost (−£750m at the 30 % variable share),
    the stranded cost (£1,750m) and the position, each of which gives the plan away, are not,
    nor the system's total or the chart. Trust A's own editor sees them all, as does the viewer
    once the year is published."""
    from footprint.finance import services as finance
    from footprint.finance.models import Contract, ContractKind
    from tests.integration.test_finance import figures

    Contract.objects.create(
        commissioner=icb,
        provider=footprint["trust_a"],
        service="ip_elective",
        kind=ContractKind.ACTIVITY,
        price_pence=4_000_00,
    )
    finance.save_plan(organisation=footprint["trust_a"], figures=figures(2026), by=cast["pmo"])
    url = reverse("finance:scenario")
    page = client_for("viewer").get(url, MOVE).content.decode()
    assert "−£4,000,000,000" in page  # the income change: the contract's price
    for secret in ("3,636", "3636", "750,000,000", "1,750,000,000", "−£3,250,000,000"):
        assert secret not in page, secret
    assert "Not published yet" in page and "flows-waterfall" not in page
    assert "Costs and positions not shown until their plans for 2026/27 are published" in page
    own = client_for("editor_a").get(url, MOVE).content.decode()
    assert "−3636.4%" in own.replace("−", "-").replace("-3636", "−3636")
    assert "£1,750,000,000" in own and "−£3,250,000,000" in own and "flows-waterfall" in own
    client_for("pmo").post(reverse("finance:publish", args=[2026]))
    published = client_for("viewer").get(url, MOVE).content.decode()
    assert "£1,750,000,000" in published and "Not published yet" not in published


def test_a_provider_without_a_plan_is_not_told_apart_from_an_unpublished_one(cast, footprint, icb):
    """Saying "no financial plan" for a year of a provider with a plan for another year tells
    a viewer which years it has plans for: to those who may not see its plan, such a provider
    is withheld like one with an unpublished plan. (One with no plan for any year is said to
    have none: test_permissions_finance.py.)"""
    from footprint.finance import compute, publication, queries
    from footprint.finance import services as finance
    from footprint.finance.models import Contract, ContractKind
    from footprint.finance.rules import may_see_plan
    from tests.integration.test_finance import figures

    finance.save_plan(organisation=footprint["trust_a"], figures=figures(2026), by=cast["pmo"])
    finance.save_plan(organisation=footprint["trust_b"], figures=figures(2027), by=cast["pmo"])
    for trust, price in (("trust_a", 4_000_00), ("trust_b", 3_500_00)):
        Contract.objects.create(
            commissioner=icb,
            provider=footprint[trust],
            service="ip_elective",
            kind=ContractKind.ACTIVITY,
            price_pence=price,
        )
    flows = compute.typed_flows(compute.TypedMove("RA1", "ip_elective", 100, "RB1"), 2026)
    orgs = {o.ods_code: o for o in (footprint["trust_a"], footprint["trust_b"], icb)}

    def seen_by(who):
        return publication.flows_seen_by(
            flows,
            lambda code, y: may_see_plan(cast[who], orgs[code], y, frozenset()),
            queries.codes_with_plans(),
        )

    assert flows.unplanned == {"RB1": "Trust B Hospitals"}
    viewer = seen_by("viewer")
    assert not any("No financial plan" in n for n in viewer.notes)
    assert viewer.notes[-1] == (
        "Costs and positions not shown until their plans for 2026/27 are published: "
        "Trust A Hospitals, Trust B Hospitals"
    )
    hidden = [r for r in viewer.rows if r.costs_hidden]
    assert [r.organisation for r in hidden] == ["RA1", "RB1"] and not viewer.complete
    assert all(r.cost_change == r.stranded == 0 for r in hidden)
    assert [r.organisation for r in viewer.rows][-2:] == ["RA1", "RB1"]  # last, by name
    pmo = seen_by("pmo")
    assert pmo.complete and pmo.rows == flows.rows
    assert "No financial plan, so their costs are not estimated: Trust B Hospitals" in pmo.notes
    editor_b = seen_by("editor_b")  # sees its own (absent) plan, not Trust A's
    assert "No financial plan, so their costs are not estimated: Trust B Hospitals" in (
        editor_b.notes
    )
    assert [r.organisation for r in editor_b.rows if r.costs_hidden] == ["RA1"]
