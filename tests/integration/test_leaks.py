"""Nothing withheld reaches those who may not see it by a side door: a confidential decision's
title through the public decision that replaces it; a provider's unpublished income through the
percentages and ratios of the who-gains page."""

import csv
import datetime as dt
import io

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
    page = client.get(reverse("decisions:register")).content.decode()
    assert "replaces the decision of 1 March 2025 on “Secret contract with Acme”" in page
    api = client.get("/api/v1/decisions").json()
    assert {d["title"]: d["supersedes"] for d in api["decisions"]}[
        "Community frailty service"
    ] == secret.pk
