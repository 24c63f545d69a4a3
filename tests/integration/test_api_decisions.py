"""Decisions in the API: partners read every proposal with each board's consent and the
decisions on it; the public only the register."""

import typing

from footprint.api.decisions import ProposalStatus
from footprint.api.tokens import create_token
from footprint.decisions.models import Proposal
from tests.integration.test_permissions_decisions import decided, seeking


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_token(user=user, name='t')[1]}"}


def test_the_status_filter_names_every_status():
    assert set(typing.get_args(ProposalStatus)) == set(Proposal.Status.values)


def test_partners_read_a_proposal_with_its_consents_and_decision(client, forums, cast, footprint):
    decision = decided(forums, cast, footprint)
    pending = seeking(forums, cast, title="Virtual wards")
    listed = client.get(
        "/api/v1/decisions/proposals", {"status": "seeking_consent"}, headers=bearer(cast["viewer"])
    ).json()
    assert [p["title"] for p in listed] == ["Virtual wards"]
    assert listed[0]["id"] == pending.pk and listed[0]["forum"] == "Northshire Alliance"

    body = client.get(
        f"/api/v1/decisions/proposals/{decision.proposal_id}", headers=bearer(cast["editor_b"])
    ).json()
    assert body["status"] == "decided" and body["options"] == ["Do nothing", "Open the hub"]
    assert [(c["organisation"], c["response"], c["board_ratified"]) for c in body["consents"]] == [
        ("Northshire Council", "consent", True),
        ("Trust A Hospitals", "consent", True),
    ]
    [taken] = body["decisions"]
    assert (taken["outcome"], taken["option"]) == ("approved", "Open the hub")
    assert taken["actions"] == [
        {
            "description": "Open the hub",
            "owner": "Trust A Hospitals",
            "due": "2025-04-01",
            "done": False,
        }
    ]
    assert taken["votes"] == decision.votes


def test_only_partners_read_proposals(client, forums, cast, footprint):
    proposal = seeking(forums, cast)
    for path in ("/api/v1/decisions/proposals", f"/api/v1/decisions/proposals/{proposal.pk}"):
        assert client.get(path).status_code == 401
        refused = client.get(path, headers=bearer(cast["stranger"]))
        assert refused.status_code == 403 and refused.json()["detail"] == "Partners only"
    missing = client.get("/api/v1/decisions/proposals/999999", headers=bearer(cast["pmo"]))
    assert missing.status_code == 404


def test_the_impact_assessment_is_on_the_proposal_and_on_published_decisions_only(
    client, forums, cast, footprint
):
    import datetime as dt

    from footprint.decisions import services
    from footprint.decisions.models import ASSESSED_GROUPS

    services.set_assessment_threshold(threshold_pence=100_000_00, by=cast["pmo"])
    waiting = seeking(forums, cast, title="Virtual wards")
    body = client.get(
        f"/api/v1/decisions/proposals/{waiting.pk}", headers=bearer(cast["viewer"])
    ).json()
    assert body["assessment"] is None
    assert "more than the partnership's threshold of £100,000" in body["assessment_missing"]

    impacts = {key: ("neutral", "") for key, _ in ASSESSED_GROUPS}
    impacts["core20"] = ("positive", "Most users live in Core20 areas")
    services.complete_assessment(
        proposal=waiting,
        impacts=impacts,
        plus_groups=[("Unpaid carers", "unknown", "Ask the carers' centre by March")],
        evidence="Audit",
        mitigations="",
        on=dt.date(2025, 2, 10),
        by=cast["pmo"],
    )
    body = client.get(
        f"/api/v1/decisions/proposals/{waiting.pk}", headers=bearer(cast["viewer"])
    ).json()
    assert body["assessment_missing"] == ""
    a = body["assessment"]
    assert (a["completed_on"], a["completed_by"], a["evidence"]) == ("2025-02-10", "Pmo", "Audit")
    assert [i["group"] for i in a["impacts"]][:2] == ["Age", "Disability"]
    assert a["impacts"][9] == {
        "kind": "Core20PLUS",
        "group": "Core20: people in the most deprived 20% of areas nationally",
        "direction": "positive",
        "note": "Most users live in Core20 areas",
    }
    assert a["impacts"][10]["group"] == "PLUS: Unpaid carers"

    # The public register: the decided proposal's assessment; none for an undecided one, and
    # never who completed it.
    respond_and_decide = decided  # the fixture story decides "Frailty hub"
    services.set_assessment_threshold(threshold_pence=None, by=cast["pmo"])
    respond_and_decide(forums, cast, footprint)
    register = client.get("/api/v1/decisions").json()
    assert [d["title"] for d in register["decisions"]] == ["Frailty hub"]
    assert register["decisions"][0]["assessment"] is None
    services.complete_assessment(
        proposal=waiting,
        impacts=impacts,
        evidence="Audit",
        mitigations="",
        by=cast["pmo"],
        on=dt.date(2025, 2, 11),
    )
    from tests.integration.test_permissions_decisions import respond

    respond(waiting, footprint, cast)
    services.decide(
        proposal=waiting,
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option="",
        rationale="r",
        by=cast["pmo"],
    )
    register = client.get("/api/v1/decisions").json()
    wards = next(d for d in register["decisions"] if d["title"] == "Virtual wards")
    assert wards["assessment"]["summary"].startswith("10 groups assessed: 1 positive")
    assert "completed_by" not in wards["assessment"]
