"""A confidential (commercial-in-confidence) proposal: until its publication date only the
programme office, the members of the forum it is brought to (or that now takes it), its
sponsor and the organisations with money in it read it, on pages and in the API. Other
partners see only that a confidential proposal exists; the public and strangers nothing.

The forums fixture seats editor_a (Trust A) and the viewer (the council) on the Northshire
Alliance, and editor_b (Trust B) on the Board only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.api.tokens import create_token
from footprint.decisions import services
from footprint.decisions.models import Conflict, Proposal
from tests.conftest import CAST

TITLE = "Integrated discharge team contract"
SECRET = "Commercial negotiation figures"


def confidential(forums, cast, money=()):
    return services.create_proposal(
        title=TITLE,
        summary=SECRET,
        options="Do nothing\nSign the contract",
        recommended_option="Sign the contract",
        decision_type=forums["investment"],
        value_pence=250_000_00,
        brought_to=forums["alliance"],
        confidentiality=Proposal.Confidentiality.CONFIDENTIAL,
        confidential_reason="Commercial negotiation in progress",
        publish_after=dt.date(2099, 12, 1),
        money=money,
        by=cast["pmo"],
        at=dt.datetime(2025, 2, 1, 10, tzinfo=dt.UTC),
    )


# Who reads its content with no money in it for Trust B: the programme office (sponsor too)
# and the alliance's members; editor_b, on the Board only, does not.
READERS = {"pmo", "editor_a", "viewer"}


@pytest.mark.parametrize("who", CAST)
def test_only_the_few_read_a_confidential_proposal(client_for, forums, cast, who):
    proposal = confidential(forums, cast)
    client = client_for(who)
    page = client.get(reverse("decisions:proposal", args=[proposal.pk]))
    listing = client.get(reverse("decisions:index"))
    forum = client.get(reverse("decisions:forum", args=["alliance"]))
    if who == "public":
        assert page.status_code == 302
        return
    if who == "stranger":
        assert page.status_code == 403
        assert listing.status_code == 403
        return
    if who in READERS:
        assert page.status_code == 200
        assert SECRET in page.content.decode()
        assert TITLE in listing.content.decode()
        assert TITLE in forum.content.decode()
    else:
        text = page.content.decode()
        assert page.status_code == 403
        assert "A confidential proposal" in text and "1 December 2099" in text
        assert TITLE not in text and SECRET not in text
        for response in (listing, forum):
            assert response.status_code == 200
            body = response.content.decode()
            assert TITLE not in body and "A confidential proposal" in body


def test_an_organisation_with_money_in_it_reads_it(client_for, forums, cast, footprint):
    proposal = confidential(
        forums, cast, money=[(footprint["trust_b"], -100_00), (footprint["trust_a"], 100_00)]
    )
    page = client_for("editor_b").get(reverse("decisions:proposal", args=[proposal.pk]))
    assert page.status_code == 200 and SECRET in page.content.decode()


def test_everyone_reads_it_once_its_publication_date_has_come(client_for, forums, cast):
    proposal = confidential(forums, cast)
    Proposal.objects.filter(pk=proposal.pk).update(publish_after=dt.date(2000, 1, 1))
    page = client_for("editor_b").get(reverse("decisions:proposal", args=[proposal.pk]))
    assert page.status_code == 200 and SECRET in page.content.decode()


def test_its_actions_are_refused_to_those_who_may_not_read_it(client_for, forums, cast):
    proposal = confidential(forums, cast)
    url = reverse("decisions:conflict_declare", args=[proposal.pk])
    response = client_for("editor_b").post(url, {"x-description": "I work there"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.declare_conflict(
            proposal=proposal, person=cast["editor_b"], description="x", by=cast["editor_b"]
        )
    assert not Conflict.objects.exists()


def test_its_overdue_actions_are_listed_without_its_content(client_for, forums, cast, footprint):
    proposal = confidential(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    for org, who in (("trust_a", "editor_a"), ("council", "viewer")):
        services.record_consent(
            proposal=proposal,
            organisation=footprint[org],
            response="consent",
            reason="",
            board_ratified=True,
            by=cast[who],
        )
    services.decide(
        proposal=proposal,
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option="Sign the contract",
        rationale="Agreed.",
        actions=[("Sign the discharge contract", footprint["trust_a"], dt.date(2025, 4, 1))],
        by=cast["pmo"],
    )
    url = reverse("decisions:overdue_actions")
    outsider = client_for("editor_b").get(url).content.decode()
    assert "An action on a confidential proposal" in outsider
    assert "Sign the discharge contract" not in outsider and TITLE not in outsider
    assert "Sign the discharge contract" in client_for("viewer").get(url).content.decode()


def test_the_api_gives_it_only_to_the_few(client, forums, cast):
    proposal = confidential(forums, cast)
    for who, reads in (("pmo", True), ("viewer", True), ("editor_b", False)):
        token = create_token(user=cast[who], name="t")[1]
        headers = {"Authorization": f"Bearer {token}"}
        listed = client.get("/api/v1/decisions/proposals", headers=headers).json()
        one = client.get(f"/api/v1/decisions/proposals/{proposal.pk}", headers=headers)
        assert (TITLE in [p["title"] for p in listed]) is reads, who
        if reads:
            assert one.status_code == 200 and one.json()["summary"] == SECRET
        else:
            assert one.status_code == 403 and SECRET not in one.content.decode()
