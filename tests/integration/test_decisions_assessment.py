"""The equality and health inequalities impact assessment of a proposal: who completes it, what
a complete one holds, the partnership's threshold above which a decision waits for one, and
where it shows (the proposal's page, the public register, its CSV)."""

import datetime as dt
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.decisions import services
from footprint.decisions.models import ASSESSED_GROUPS, ImpactAssessment

from .test_decisions import consent_all, propose

NEUTRAL = {key: ("neutral", "") for key, _ in ASSESSED_GROUPS}


def assess(proposal, by, **changes):
    fields = {
        "impacts": {**NEUTRAL, "age": ("positive", "Older people seen sooner")},
        "plus_groups": [
            ("People experiencing homelessness", "unknown", "Ask the outreach team by May")
        ],
        "evidence": "Frailty audit 2024; Healthwatch survey",
        "mitigations": "",
    } | changes
    return services.complete_assessment(proposal=proposal, by=by, on=dt.date(2025, 2, 10), **fields)


def decide(proposal, forums, cast, outcome="approved"):
    return services.decide(
        proposal=proposal,
        meeting=forums["meetings"]["alliance"],
        outcome=outcome,
        option="",
        rationale="r",
        by=cast["pmo"],
    )


def test_a_decision_above_the_threshold_waits_for_a_completed_assessment(
    forums, cast, footprint, client_for
):
    services.set_assessment_threshold(threshold_pence=100_000 * 100, by=cast["pmo"])
    proposal = propose(forums, cast, 250_000)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    words = "£250,000 at stake, more than the partnership's threshold of £100,000"
    page = client_for("pmo").get(reverse("decisions:proposal", args=[proposal.pk]))
    assert "Approval or rejection waits for the" in page.content.decode()
    with pytest.raises(ValidationError, match=words):
        decide(proposal, forums, cast)
    with pytest.raises(ValidationError, match="impact assessment"):
        decide(proposal, forums, cast, outcome="rejected")
    assert proposal.decisions.count() == 0
    # A deferral waits for nothing: the forum may defer while the assessment is done.
    decide(proposal, forums, cast, outcome="deferred")
    assess(proposal, cast["pmo"])
    later = services.record_meeting(
        forum=forums["alliance"],
        date=dt.date(2025, 4, 1),
        attendees=[cast["editor_a"], cast["viewer"]],
        by=cast["pmo"],
    )
    decision = services.decide(
        proposal=proposal,
        meeting=later,
        outcome="approved",
        option="",
        rationale="r",
        by=cast["pmo"],
    )
    assert decision.outcome == "approved"


def test_at_or_below_the_threshold_or_with_none_set_no_assessment_is_needed(forums, cast):
    at = propose(forums, cast, 100_000)
    assert services.assessment_missing(at) == ""  # no threshold set
    services.set_assessment_threshold(threshold_pence=100_000 * 100, by=cast["pmo"])
    assert services.assessment_missing(at) == ""  # exactly at the threshold
    above = propose(forums, cast, 100_001)
    assert "£100,001 at stake" in services.assessment_missing(above)


def test_the_threshold_is_set_by_the_programme_office_only_and_audited(cast, forums):
    for who in ("editor_a", "viewer", "stranger"):
        with pytest.raises(PermissionDenied):
            services.set_assessment_threshold(threshold_pence=1, by=cast[who])
    with pytest.raises(ValidationError, match="£0 or more"):
        services.set_assessment_threshold(threshold_pence=-1, by=cast["pmo"])
    services.set_assessment_threshold(threshold_pence=500_000 * 100, by=cast["pmo"])
    services.set_assessment_threshold(threshold_pence=None, by=cast["pmo"])
    events = AuditEvent.objects.filter(action="set_assessment_threshold").order_by("pk")
    assert [e.summary for e in events] == [
        "Impact assessment threshold: proposals above £500,000 need an assessment",
        "Impact assessment threshold: no proposal needs an assessment",
    ]
    assert events[1].details == {"old": 50_000_000, "new": None}


def test_the_sponsor_or_the_programme_office_completes_the_assessment(forums, cast):
    """editor_a brought it (sits on the alliance): they may; so may the programme office.
    Other forum members, the public and strangers may not."""
    proposal = services.create_proposal(
        title="Falls service",
        summary="s",
        options="Do nothing\nStart it",
        recommended_option="Start it",
        decision_type=forums["investment"],
        value_pence=1,
        brought_to=forums["alliance"],
        by=cast["editor_a"],
        at=dt.datetime(2025, 2, 1, tzinfo=dt.UTC),
    )
    for who in ("editor_b", "viewer", "stranger", "public"):
        with pytest.raises(PermissionDenied):
            assess(proposal, cast[who])
    assert not ImpactAssessment.objects.exists()
    first = assess(proposal, cast["editor_a"])
    assert first.completed_by == cast["editor_a"]
    revised = assess(proposal, cast["pmo"], evidence="A newer audit")
    assert revised.pk == first.pk and revised.completed_by == cast["pmo"]
    assert revised.history.count() == 2
    summaries = list(
        AuditEvent.objects.filter(action="complete_assessment")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Impact assessment completed by Editor_A: Falls service",
        "Impact assessment revised by Pmo: Falls service",
    ]


def test_an_incomplete_assessment_is_refused_naming_each_field(forums, cast):
    proposal = propose(forums, cast)
    impacts = {**NEUTRAL, "race": ("", ""), "sex": ("negative", "Men use it less")}
    with pytest.raises(ValidationError) as caught:
        assess(
            proposal,
            cast["pmo"],
            impacts=impacts,
            plus_groups=[("", "positive", ""), ("Carers", "", ""), ("carers", "neutral", "")],
            evidence=" ",
        )
    problems = {k: v[0] for k, v in caught.value.message_dict.items()}
    assert problems == {
        "race_direction": "Choose the direction of the impact on race",
        "plus_0_group": "PLUS group 1: name the group",  # walk D2: which row
        "plus_1_direction": "Choose the direction of the impact on Carers",
        "plus_2_group": "carers is named twice: name each PLUS group once",
        "evidence": "Give the evidence the assessment rests on",
        "mitigations": "A negative impact is assessed: say how it will be mitigated, or why "
        "it cannot be",
    }
    assert not ImpactAssessment.objects.exists()


def test_a_decided_proposal_keeps_the_assessment_it_was_decided_on(
    forums, cast, footprint, client_for
):
    proposal = propose(forums, cast)
    assess(proposal, cast["pmo"])
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    decide(proposal, forums, cast)
    with pytest.raises(ValidationError, match="decided: its assessment can no longer be changed"):
        assess(proposal, cast["pmo"], evidence="changed after")
    url = reverse("decisions:proposal_assessment", args=[proposal.pk])
    page = unescape(client_for("pmo").get(url).content.decode())
    assert "the assessment it was decided on stays as it is" in page
    assert "Older people seen sooner" in page and '<form method="post" novalidate>' not in page
    detail = unescape(
        client_for("pmo").get(reverse("decisions:proposal", args=[proposal.pk])).content.decode()
    )
    assert "Revise the assessment" not in detail


def test_the_assessment_page_completes_it_and_the_proposal_page_shows_it(forums, cast, client_for):
    services.set_assessment_threshold(threshold_pence=100_000 * 100, by=cast["pmo"])
    proposal = propose(forums, cast)
    client = client_for("pmo")
    home = client.get(reverse("decisions:index")).content.decode()
    assert "Impact assessment needed" in home
    page = unescape(client.get(reverse("decisions:proposal", args=[proposal.pk])).content.decode())
    assert "Assessment needed" in page
    assert 'id="decide-waits"' not in page  # not yet open for a decision
    assert "more than the partnership's threshold of £100,000" in page
    url = reverse("decisions:proposal_assessment", args=[proposal.pk])
    assert f'href="{url}"' in page
    data = {f"{key}_direction": "neutral" for key, _ in ASSESSED_GROUPS}
    data |= {
        "core20_direction": "positive",
        "core20_note": "Most users live in Core20 areas",
        "disability_direction": "negative",
        "disability_note": "The hub is up stairs",
        "evidence": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    body = unescape(refused.content.decode())
    assert "Give the evidence the assessment rests on" in body
    assert "say how it will be mitigated" in body
    data |= {
        "evidence": "Frailty audit 2024",
        "mitigations": "A lift is fitted before opening",
        "plus_0_group": "Unpaid carers",
        "plus_0_direction": "positive",
    }
    assert client.post(url, data).status_code == 302
    page = unescape(client.get(reverse("decisions:proposal", args=[proposal.pk])).content.decode())
    assert "Assessment needed" not in page
    assert "11 groups assessed: 2 positive, 1 negative, 8 neutral, 0 not known yet" in page
    assert "PLUS: Unpaid carers" in page and "The hub is up stairs" in page
    assert "A lift is fitted before opening" in page
    assert "Revise the assessment" in page
    assert "Impact assessment needed" not in client.get(reverse("decisions:index")).content.decode()


def test_the_register_summarises_the_assessment_of_published_decisions_only(
    forums, cast, footprint, client
):
    public = propose(forums, cast, title="Public hub")
    secret = propose(
        forums,
        cast,
        title="Secret hub",
        confidentiality="confidential",
        confidential_reason="Negotiating",
        publish_after=dt.date(2099, 1, 1),
    )
    for p, mitigation in ((public, "A lift first"), (secret, "SECRET MITIGATION")):
        assess(
            p,
            cast["pmo"],
            impacts={**NEUTRAL, "disability": ("negative", "Stairs")},
            mitigations=mitigation,
        )
        services.ask_for_consent(proposal=p, by=cast["pmo"], notify=False)
        consent_all(p, footprint, cast)
        decide(p, forums, cast)
    page = unescape(client.get(reverse("decisions:register")).content.decode())
    assert (
        "Equality and health inequalities impact assessment: 11 groups assessed: 0 positive, "
        "1 negative, 9 neutral, 1 not known yet. Completed 10 February 2025. Negative for "
        "Disability; mitigations: A lift first" in page
    )
    assert "SECRET MITIGATION" not in page and "Secret hub" not in page
    csv = unescape(client.get(reverse("decisions:register") + "?format=csv").content.decode())
    assert "Impact assessment" in csv and "1 negative" in csv
    assert "SECRET" not in csv


def test_the_threshold_page_saves_and_shows_its_history(cast, client_for, forums):
    client = client_for("pmo")
    url = reverse("decisions:assessment_threshold")
    assert "No threshold is set" in unescape(client.get(url).content.decode())
    refused = unescape(client.post(url, {"threshold_pounds": "-5"}).content.decode())
    assert "Threshold: the threshold must be £0 or more" in refused
    assert client.post(url, {"threshold_pounds": "1000000"}).status_code == 302
    page = unescape(client.get(url).content.decode())
    assert "Now: more than £1,000,000." in page and 'id="history"' in page
    scheme = unescape(client.get(reverse("decisions:delegation")).content.decode())
    assert "more than £1,000,000 at stake needs a completed equality" in scheme


def test_not_known_yet_needs_a_plan_and_never_for_every_group(forums, cast):
    # Walk D1: "Not known yet" for every group counted as completed.
    proposal = propose(forums, cast)
    unknown = {key: ("unknown", "") for key, _ in ASSESSED_GROUPS}
    with pytest.raises(ValidationError) as caught:
        assess(proposal, cast["pmo"], impacts=unknown, plus_groups=[("Carers", "unknown", " ")])
    problems = {k: v[0] for k, v in caught.value.message_dict.items()}
    assert problems["age_note"] == (
        "The impact on age is not known yet: say in the note how and when it will be found out"
    )
    assert problems["plus_0_note"].startswith("The impact on Carers is not known yet")
    assert problems["__all__"].startswith("Every protected characteristic and Core20 is not known")
    planned = {key: ("unknown", "Survey in March") for key, _ in ASSESSED_GROUPS}
    with pytest.raises(ValidationError, match="Every protected characteristic"):
        assess(proposal, cast["pmo"], impacts=planned)
    # One judged, the rest not known with a plan: complete.
    done = assess(proposal, cast["pmo"], impacts={**planned, "age": ("positive", "Seen sooner")})
    assert done.gaps() == []


def test_an_all_unknown_assessment_saved_before_the_rule_does_not_meet_the_threshold(
    forums, cast, footprint, client_for
):
    services.set_assessment_threshold(threshold_pence=100_000 * 100, by=cast["pmo"])
    proposal = propose(forums, cast, 250_000)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    ImpactAssessment.objects.create(
        proposal=proposal,
        impacts={key: {"direction": "unknown", "note": ""} for key, _ in ASSESSED_GROUPS},
        evidence="None yet",
        completed_on=dt.date(2025, 2, 10),
    )
    with pytest.raises(ValidationError, match="The assessment so far is not complete: Age: not"):
        decide(proposal, forums, cast)
    assert proposal.pk in services.queries.awaiting_assessment_ids()
    page = unescape(
        client_for("pmo").get(reverse("decisions:proposal", args=[proposal.pk])).content.decode()
    )
    assert "Saved, not complete, on 10 February 2025" in page
    assert "<li>Age: not known yet, with no plan to find out</li>" in page
    assert "<li>Every protected characteristic and Core20 is not known yet</li>" in page


def test_the_threshold_reads_pounds_as_people_write_them(cast, forums, client_for):
    # Walk D3: "£500,000" was refused.
    url = reverse("decisions:assessment_threshold")
    response = client_for("pmo").post(url, {"threshold_pounds": "£500,000"})
    assert response.status_code == 302
    assert services.queries.assessment_threshold().threshold_pence == 500_000 * 100
    page = client_for("pmo").post(url, {"threshold_pounds": "£5OO"}).content.decode()
    assert "Threshold: enter an amount in pounds" in page


def test_the_wording_names_the_row_and_keeps_core20s_capital(client_for, forums, cast):
    """Walk 8 DC2: an unnamed PLUS row's missing direction names the row; Core20 keeps its
    capital mid-sentence; a note's label says when it is needed."""
    proposal = propose(forums, cast)
    impacts = {**NEUTRAL, "core20": ("unknown", "")}
    with pytest.raises(ValidationError) as caught:
        assess(proposal, cast["pmo"], impacts=impacts, plus_groups=[("", "", "Some note")])
    problems = {k: v[0] for k, v in caught.value.message_dict.items()}
    assert problems["core20_note"].startswith("The impact on Core20: people in the most deprived")
    assert problems["plus_0_direction"] == "Choose the direction of the impact on PLUS group 1"
    page = client_for("pmo").get(reverse("decisions:proposal_assessment", args=[proposal.pk]))
    text = page.content.decode()
    assert "Age: who is affected, and how (needed if the impact is not known yet)" in text
    assert "who is affected, and how (optional)" not in text
