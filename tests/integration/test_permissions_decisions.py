"""Decisions: who sees each page, and each write refused by its service to a caller who may
not act, with nothing saved.

The forums fixture seats editor_a (Trust A) and the viewer (the council) on the Northshire
Alliance, and editor_b (Trust B) on the Board only; the programme office sits on neither."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.decisions import services
from footprint.decisions.models import (
    Action,
    Conflict,
    Consent,
    Decision,
    DecisionType,
    Escalation,
    Forum,
    Proposal,
)
from tests.conftest import CAST, PARTNERS, assert_may_see

PROPOSAL = "<the proposal>"
SEAT = "<Trust A's seat on the alliance, editor_a's>"

# (url name, args, who may see it, what they see). Everyone else: log-in redirect (public)
# or 403.
PAGES = [
    ("decisions:register", [], set(CAST), "Frailty hub"),
    ("decisions:index", [], PARTNERS, "Frailty hub"),
    ("decisions:overdue_actions", [], PARTNERS, "Open the hub"),
    ("decisions:forum", ["alliance"], PARTNERS, "Northshire Alliance"),
    # Everyone in the cast who is a partner sits on a forum, so each may bring a proposal.
    ("decisions:proposal_new", [], PARTNERS, "Forum you are bringing it to"),
    ("decisions:proposal", [PROPOSAL], PARTNERS, "Frailty hub"),
    ("decisions:delegation", [], PARTNERS, "Northshire Alliance"),
    # Setting up forums: the programme office; a seat's own representative names deputies.
    ("decisions:forum_new", [], {"pmo"}, "Set up a forum"),
    ("decisions:forum_edit", ["alliance"], {"pmo"}, "Change Northshire Alliance"),
    ("decisions:seat_new", ["alliance"], {"pmo"}, "Add a seat"),
    ("decisions:seat", [SEAT], {"pmo", "editor_a"}, "Trust A Hospitals"),
    # The impact assessment: the proposal's sponsor (here the programme office brought it)
    # and the programme office; the threshold: the programme office.
    (
        "decisions:proposal_assessment",
        [PROPOSAL],
        {"pmo"},
        "Equality and health inequalities impact assessment",
    ),
    ("decisions:assessment_threshold", [], {"pmo"}, "Impact assessment threshold"),
]


def propose(forums, cast, title="Frailty hub", at=dt.datetime(2025, 2, 1, 10, tzinfo=dt.UTC)):
    return services.create_proposal(
        title=title,
        summary="A hub for frail older people.",
        options="Do nothing\nOpen the hub",
        recommended_option="Open the hub",
        decision_type=forums["investment"],
        value_pence=250_000_00,
        brought_to=forums["alliance"],
        by=cast["pmo"],
        at=at,
    )


def seeking(forums, cast, title="Frailty hub"):
    proposal = propose(forums, cast, title)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    return proposal


def respond(proposal, footprint, cast, council="consent", reason=""):
    for org, who, response in (("trust_a", "editor_a", "consent"), ("council", "viewer", council)):
        services.record_consent(
            proposal=proposal,
            organisation=footprint[org],
            response=response,
            reason=reason if who == "viewer" else "",
            board_ratified=True,
            by=cast[who],
        )


def decided(forums, cast, footprint):
    proposal = seeking(forums, cast)
    respond(proposal, footprint, cast)
    return services.decide(
        proposal=proposal,
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option="Open the hub",
        rationale="Agreed.",
        actions=[("Open the hub", footprint["trust_a"], dt.date(2025, 4, 1))],
        by=cast["pmo"],
    )


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed", "shows"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(
    client_for, forums, cast, footprint, who, name, args, allowed, shows
):
    decision = decided(forums, cast, footprint)
    seat = forums["alliance"].members.get(organisation=footprint["trust_a"])
    objects = {PROPOSAL: decision.proposal_id, SEAT: seat.pk}
    path = reverse(name, args=[objects.get(a, a) for a in args])
    client = client_for(who)
    assert_may_see(client, who, path, allowed)
    if who in allowed:
        assert shows in client.get(path).content.decode()


def action_urls(proposal):
    return {
        name: reverse(f"decisions:{name}", args=[proposal.pk])
        for name in (
            "proposal_ask_consent",
            "proposal_respond",
            "conflict_declare",
            "proposal_escalate",
            "proposal_decide",
        )
    }


def test_each_action_has_its_own_url_that_only_takes_a_post(client_for, forums, cast):
    proposal = propose(forums, cast)
    for name, url in action_urls(proposal).items():
        assert client_for("public").post(url).url.startswith(reverse("core:login")), name
        assert client_for("stranger").post(url).status_code == 403, name
        assert client_for("pmo").get(url).status_code == 405, name


def test_a_representative_not_on_the_deciding_forum_is_refused_its_actions(
    client_for, forums, cast
):
    """Trust B's editor sits on the Board, not on the alliance that takes this proposal."""
    proposal = seeking(forums, cast)
    urls = action_urls(proposal)
    client = client_for("editor_b")
    for name in ("proposal_ask_consent", "proposal_respond", "proposal_escalate"):
        response = client.post(urls[name])
        assert response.status_code == 403, name
        assert "permission" in response.content.decode().lower()
    page = client.get(reverse("decisions:proposal", args=[proposal.pk])).content.decode()
    assert "Record the decision" not in page and "Record your organisation" not in page
    page = client_for("viewer").get(reverse("decisions:proposal", args=[proposal.pk]))
    assert "Record the decision" in page.content.decode()


def test_only_those_who_record_meetings_are_told_to_record_one(client_for, forums, cast):
    """Brought after the alliance last met, so no recorded meeting may decide it yet. The
    programme office records meetings; a forum member who may decide is told who will, and
    what they can do meanwhile."""
    proposal = propose(forums, cast, at=dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC))
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    url = reverse("decisions:proposal", args=[proposal.pk])
    instruction = "Record the forum's meeting (with who attended) on"
    pmo = client_for("pmo").get(url).content.decode()
    assert instruction in pmo and "The programme office records" not in pmo
    member = client_for("viewer").get(url).content.decode()
    assert "Record the decision" in member and instruction not in member
    assert (
        "No meeting of Northshire Alliance is recorded since the proposal was brought on "
        "10 March 2025. The programme office records the forum's meetings and who attended; "
        "once it has, the decision can be recorded here." in member
    )
    assert '<a href="#respond">record or change your organisation\'s response</a>' in member
    assert 'id="respond"' in member


# Each write service refuses, by itself, a caller who may not act; nothing is saved and
# nothing is audited.


def test_only_a_forum_member_or_the_programme_office_brings_a_proposal(
    forums, cast, workforce_user
):
    for who in (cast["stranger"], cast["public"], workforce_user):  # workforce_a sits nowhere
        with pytest.raises(PermissionDenied):
            services.create_proposal(
                title="Not mine to bring",
                summary="s",
                options="a\nb",
                recommended_option="a",
                decision_type=forums["investment"],
                value_pence=1,
                brought_to=forums["alliance"],
                by=who,
            )
    assert not Proposal.objects.exists()


def test_only_the_deciding_forum_or_the_programme_office_asks_for_consent(forums, cast):
    proposal = propose(forums, cast)
    audited = AuditEvent.objects.count()
    for who in ("editor_b", "stranger", "public"):
        with pytest.raises(PermissionDenied):
            services.ask_for_consent(proposal=proposal, by=cast[who])
    proposal.refresh_from_db()
    assert proposal.status == "draft" and proposal.consent_asked_on is None
    assert not mail.outbox and AuditEvent.objects.count() == audited
    services.ask_for_consent(proposal=proposal, by=cast["viewer"], notify=False)  # a member


def test_only_the_organisations_own_representative_responds(forums, cast, footprint):
    proposal = seeking(forums, cast)
    audited = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):  # Trust B does not sit on the alliance
        services.record_consent(
            proposal=proposal,
            organisation=footprint["trust_b"],
            response="consent",
            reason="",
            board_ratified=True,
            by=cast["editor_b"],
        )
    with pytest.raises(PermissionDenied, match="Only the organisation's representative"):
        services.record_consent(
            proposal=proposal,
            organisation=footprint["council"],
            response="object",
            reason="Not ours to object",
            board_ratified=True,
            by=cast["editor_a"],  # on the alliance, but for Trust A
        )
    with pytest.raises(PermissionDenied):  # the programme office represents no board
        services.record_consent(
            proposal=proposal,
            organisation=footprint["council"],
            response="consent",
            reason="",
            board_ratified=True,
            by=cast["pmo"],
        )
    assert not Consent.objects.exists() and AuditEvent.objects.count() == audited


def test_each_person_declares_only_their_own_conflict(forums, cast):
    proposal = seeking(forums, cast)
    audited = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.declare_conflict(
            proposal=proposal, person=cast["stranger"], description="x", by=cast["stranger"]
        )
    with pytest.raises(PermissionDenied, match="declares their own"):
        services.declare_conflict(
            proposal=proposal,
            person=cast["viewer"],  # would silence the council
            description="Spouse runs the provider",
            by=cast["editor_a"],
        )
    assert not Conflict.objects.exists() and AuditEvent.objects.count() == audited


def test_only_the_deciding_forum_or_the_programme_office_escalates(forums, cast, footprint):
    proposal = seeking(forums, cast)
    respond(proposal, footprint, cast, council="object", reason="Not in our budget")
    audited = AuditEvent.objects.count()
    for who in ("editor_b", "stranger", "public"):
        with pytest.raises(PermissionDenied):
            services.escalate(proposal=proposal, reason="Hear both sides", by=cast[who])
    proposal.refresh_from_db()
    assert proposal.forum == forums["alliance"] and proposal.status == "seeking_consent"
    assert not Escalation.objects.exists() and AuditEvent.objects.count() == audited


def test_only_the_deciding_forum_or_the_programme_office_decides(forums, cast, footprint):
    proposal = seeking(forums, cast)
    respond(proposal, footprint, cast)
    audited = AuditEvent.objects.count()
    for who in ("editor_b", "stranger", "public"):
        with pytest.raises(PermissionDenied):
            services.decide(
                proposal=proposal,
                meeting=forums["meetings"]["alliance"],
                outcome="approved",
                option="Open the hub",
                rationale="Agreed.",
                by=cast[who],
            )
    proposal.refresh_from_db()
    assert proposal.status == "seeking_consent"
    assert not Decision.objects.exists() and AuditEvent.objects.count() == audited


def test_only_the_programme_office_records_a_meeting(forums, cast):
    audited = AuditEvent.objects.count()
    for who in ("editor_a", "viewer", "stranger", "public"):
        with pytest.raises(PermissionDenied):
            services.record_meeting(
                forum=forums["alliance"],
                date=dt.date(2025, 5, 1),
                attendees=[cast["editor_a"]],
                by=cast[who],
            )
    assert forums["alliance"].meetings.count() == 1 and AuditEvent.objects.count() == audited


def test_only_the_deciding_forum_or_the_programme_office_completes_an_action(
    forums, cast, footprint
):
    decision = decided(forums, cast, footprint)
    action = decision.actions.get()
    audited = AuditEvent.objects.count()
    for who in ("editor_b", "stranger", "public"):
        with pytest.raises(PermissionDenied):
            services.complete_action(action=action, by=cast[who])
    assert not Action.objects.get().done and AuditEvent.objects.count() == audited
    services.complete_action(action=action, by=cast["editor_a"])
    assert Action.objects.get().done


def test_only_the_programme_office_records_meetings_through_the_page(client_for, forums, cast):
    url = reverse("decisions:forum", args=["alliance"])
    data = {"date": "2025-05-01", "attendees": [str(cast["editor_a"].pk)]}
    refused = client_for("editor_a").post(url, data)
    assert refused.status_code == 403 and "permission" in refused.content.decode().lower()
    pmo = client_for("pmo")
    assert pmo.post(url, data).status_code == 302
    page = pmo.get(url).content.decode()
    assert "The meeting has been recorded." in page
    meeting = forums["alliance"].meetings.get(date=dt.date(2025, 5, 1))
    assert list(meeting.attendees.all()) == [cast["editor_a"]]


# Recording a board's response on its behalf (decisions:proposal_record_on_behalf), and
# setting up forums, seats and delegation (decisions:seat_remove, decisions:delegation_set,
# decisions:delegation_remove, decisions:decision_type_new): POST-only actions whose refusals
# are proved here at their services.


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_records_a_response_on_a_boards_behalf(
    forums, cast, footprint, who
):
    proposal = seeking(forums, cast)
    audited = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.record_consent_on_behalf(
            proposal=proposal,
            organisation=footprint["council"],
            response="consent",
            reason="",
            minute_reference="Council cabinet minute 42",
            by=cast[who],
        )
    assert not Consent.objects.exists() and AuditEvent.objects.count() == audited


@pytest.mark.parametrize("who", ["editor_a", "editor_b", "viewer", "stranger", "public"])
def test_only_the_programme_office_sets_up_forums_seats_and_delegation(
    forums, cast, footprint, who
):
    by = cast[who]
    alliance = forums["alliance"]
    seat = alliance.members.get(organisation=footprint["trust_a"])
    delegation = alliance.delegations.get()
    audited = AuditEvent.objects.count()
    attempts = [
        lambda: services.create_forum(
            name="Southshire Alliance",
            layer="place",
            place=footprint["south"],
            neighbourhood=None,
            parent=forums["board"],
            terms_of_reference="Southshire.",
            quorum_count=2,
            quorum_share=None,
            quorum_groups=[],
            decision_rule="consent",
            by=by,
        ),
        lambda: services.change_forum(
            forum=alliance,
            name="Renamed",
            layer="place",
            place=footprint["north"],
            neighbourhood=None,
            parent=forums["board"],
            terms_of_reference="x",
            quorum_count=1,
            quorum_share=None,
            quorum_groups=[],
            decision_rule="majority",
            by=by,
        ),
        lambda: services.add_seat(
            forum=alliance,
            organisation=footprint["trust_b"],
            representative=cast["editor_b"],
            voting=True,
            by=by,
        ),
        lambda: services.change_seat(
            seat=seat,
            organisation=footprint["trust_a"],
            representative=cast["editor_a"],
            voting=False,
            deputies=[],
            by=by,
        ),
        lambda: services.remove_seat(seat=seat, by=by),
        lambda: services.add_decision_type(name="Service change", by=by),
        lambda: services.set_delegation(
            decision_type=forums["investment"], forum=alliance, limit_pence=1, by=by
        ),
        lambda: services.remove_delegation(delegation=delegation, by=by),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()
    alliance.refresh_from_db()
    assert alliance.name == "Northshire Alliance" and alliance.members.count() == 2
    assert Forum.objects.count() == 2 and DecisionType.objects.count() == 1
    assert alliance.delegations.get().limit_pence == 1_000_000_00
    assert alliance.members.get(organisation=footprint["trust_a"]).voting
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("who", ["editor_b", "viewer", "stranger", "public"])
def test_only_the_representative_or_the_programme_office_names_a_seats_deputies(
    forums, cast, footprint, who
):
    seat = forums["alliance"].members.get(organisation=footprint["trust_a"])  # editor_a's
    with pytest.raises(PermissionDenied):
        services.name_deputies(seat=seat, deputies=[cast["editor_b"]], by=cast[who])
    assert not seat.deputies.exists()
    services.name_deputies(seat=seat, deputies=[cast["editor_b"]], by=cast["editor_a"])
    assert list(seat.deputies.all()) == [cast["editor_b"]]


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger"])
def test_the_set_up_doors_refuse_all_but_the_programme_office(client_for, forums, cast, who):
    proposal = seeking(forums, cast)
    seat = forums["alliance"].members.first()
    client = client_for(who)
    for url in (
        reverse("decisions:seat_remove", args=[seat.pk]),
        reverse("decisions:delegation_set"),
        reverse("decisions:delegation_remove", args=[forums["alliance"].delegations.get().pk]),
        reverse("decisions:decision_type_new"),
        reverse("decisions:proposal_record_on_behalf", args=[proposal.pk]),
    ):
        response = client.post(url, {})
        assert response.status_code == 403, url
        assert "permission" in response.content.decode().lower()
    assert forums["alliance"].members.count() == 2 and not Consent.objects.exists()


def test_only_the_sponsor_or_the_programme_office_completes_an_impact_assessment(
    client_for, forums, cast
):
    """editor_a brought the proposal, so is its sponsor; the viewer sits on the same forum,
    editor_b on the Board: neither may complete it, through the page or the service."""
    from footprint.decisions.models import ASSESSED_GROUPS, ImpactAssessment

    proposal = services.create_proposal(
        title="Falls service",
        summary="s",
        options="Do nothing\nStart it",
        recommended_option="Start it",
        decision_type=forums["investment"],
        value_pence=1,
        brought_to=forums["alliance"],
        by=cast["editor_a"],
    )
    url = reverse("decisions:proposal_assessment", args=[proposal.pk])
    data = {f"{key}_direction": "neutral" for key, _ in ASSESSED_GROUPS} | {"evidence": "e"}
    for who in ("editor_b", "viewer", "stranger"):
        assert client_for(who).get(url).status_code == 403
        assert client_for(who).post(url, data).status_code == 403
        with pytest.raises(PermissionDenied):
            services.complete_assessment(
                proposal=proposal,
                impacts={key: ("neutral", "") for key, _ in ASSESSED_GROUPS},
                evidence="e",
                mitigations="",
                by=cast[who],
            )
    assert client_for("public").post(url, data).url.startswith(reverse("core:login"))
    assert not ImpactAssessment.objects.exists()
    assert client_for("editor_a").post(url, data).status_code == 302
    assert ImpactAssessment.objects.get().completed_by == cast["editor_a"]


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger"])
def test_only_the_programme_office_sets_the_assessment_threshold(client_for, cast, who):
    from footprint.decisions.models import AssessmentThreshold

    url = reverse("decisions:assessment_threshold")
    response = client_for(who).post(url, {"threshold_pounds": "1"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.set_assessment_threshold(threshold_pence=100, by=cast[who])
    assert not AssessmentThreshold.objects.exists()
