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
