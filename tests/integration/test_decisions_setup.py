"""Setting up decisions on pages: forums, their seats and deputies, quorum rules and the
scheme of delegation, with history; and a board's response recorded on its behalf by the
programme office from its minute. Who may do each: test_permissions_decisions.py."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.decisions import compute, services
from footprint.decisions.models import DecisionType, Delegation, Forum
from footprint.partnership.models import Membership, Role
from tests.conftest import make_user
from tests.integration.test_permissions_decisions import propose, seeking


@pytest.fixture
def deputy(django_user_model, footprint):
    """A viewer at the council who can stand in for its representative."""
    person = make_user(django_user_model, "deputy_c", email="deputy_c@example.org")
    Membership.objects.create(user=person, organisation=footprint["council"], role=Role.VIEWER)
    return person


def test_the_programme_office_sets_up_a_forum_and_its_seats_on_pages(
    client_for, cast, footprint, forums, django_user_model
):
    client = client_for("pmo")
    url = reverse("decisions:forum_new")
    data = {
        "name": "Southshire Alliance",
        "layer": "place",
        "place": "",
        "neighbourhood": "",
        "parent": forums["board"].pk,
        "terms_of_reference": "Health and care in Southshire.",
        "quorum_count": "",
        "quorum_percent": "",
        "decision_rule": "consent",
    }
    refused = client.post(url, data).content.decode()
    assert "There is a problem" in refused
    assert "A place forum belongs to a place: choose which" in refused
    assert "Give the quorum as a number of voting members, a share of them, or both" in refused
    assert Forum.objects.count() == 2
    response = client.post(
        url,
        data
        | {
            "place": footprint["south"].pk,
            "quorum_percent": "50",
            "quorum_groups": ["nhs_provider", "council"],
        },
    )
    forum = Forum.objects.get(name="Southshire Alliance")
    assert response.status_code == 302 and response.url == forum.get_absolute_url()
    assert forum.slug == "southshire-alliance" and forum.quorum_share == pytest.approx(0.5)
    assert forum.quorum_groups == ["council", "nhs_provider"] and forum.parent == forums["board"]
    assert compute.quorum_words(forum) == (
        "At least 50% of voting members, including at least one from a council and one from "
        "an NHS provider."
    )

    seat_url = reverse("decisions:seat_new", args=[forum.slug])
    seat = {
        "organisation": footprint["trust_b"].pk,
        "representative": cast["editor_b"].pk,
        "voting": "on",
        "deputies": [cast["editor_b"].pk],
    }
    refused = client.post(seat_url, seat).content.decode()
    assert "Editor_B is the representative: a deputy is someone else" in refused
    # A seat is held by the organisation's own people, who have accepted their invitation.
    form = client.get(seat_url).content.decode()
    assert "Editor_B (editor_b), Trust B Hospitals" in form and "Stranger" not in form
    refused = client.post(seat_url, seat | {"deputies": [cast["viewer"].pk]}).content.decode()
    assert (
        "Viewer has no role at Trust B Hospitals, or has not yet accepted the invitation: a "
        "deputy is one of the organisation"
    ) in refused
    refused = client.post(
        seat_url, seat | {"representative": cast["editor_a"].pk, "deputies": []}
    ).content.decode()
    assert "Editor_A has no role at Trust B Hospitals" in refused
    assert not forum.members.exists()
    colleague = make_user(django_user_model, "colleague_b")
    Membership.objects.create(user=colleague, organisation=footprint["trust_b"], role=Role.VIEWER)
    client.post(seat_url, seat | {"deputies": [colleague.pk]})
    member = forum.members.get()
    assert member.representative == cast["editor_b"]
    assert list(member.deputies.all()) == [colleague]
    again = client.post(
        seat_url, seat | {"representative": cast["editor_a"].pk, "deputies": []}
    ).content.decode()
    assert "Trust B Hospitals already has a seat on Southshire Alliance" in again

    page = client.get(forum.get_absolute_url()).content.decode()
    assert "Change the forum" in page and "Colleague_B" in page
    summaries = list(AuditEvent.objects.values_list("summary", flat=True))
    assert "Forum set up: Southshire Alliance" in summaries
    assert "Southshire Alliance: seat for Trust B Hospitals, represented by Editor_B" in summaries
    # Changed, with history naming what changed.
    client.post(
        reverse("decisions:forum_edit", args=[forum.slug]),
        data
        | {
            "place": footprint["south"].pk,
            "quorum_count": "2",
            "quorum_percent": "50",
            "quorum_groups": ["nhs_provider", "council"],
            "decision_rule": "majority",
        },
    )
    forum.refresh_from_db()
    assert forum.decision_rule == "majority" and forum.quorum_count == 2
    edit = client.get(reverse("decisions:forum_edit", args=[forum.slug])).content.decode()
    assert (
        "Changed quorum count none → 2 and decision rule Consent with no objection → A majority "
        "of member boards"
    ) in edit
    seat_history = client.get(reverse("decisions:seat", args=[member.pk])).content.decode()
    assert "Set up" in seat_history and "Changed deputies" not in seat_history
    assert forum.history.latest().history_user == cast["pmo"]


def test_a_forum_cannot_report_to_itself_or_to_one_below_it(cast, footprint, forums):
    fields = {
        "name": "Board",
        "layer": "system",
        "place": None,
        "neighbourhood": None,
        "terms_of_reference": "All of it.",
        "quorum_count": None,
        "quorum_share": 0.5,
        "quorum_groups": [],
        "decision_rule": "consent",
    }
    with pytest.raises(ValidationError) as exc:
        services.change_forum(
            forum=forums["board"], parent=forums["alliance"], **fields, by=cast["pmo"]
        )
    assert exc.value.message_dict == {
        "parent": ["Northshire Alliance is below this forum: a forum reports to one above it"]
    }
    with pytest.raises(ValidationError) as exc:
        services.create_forum(**(fields | {"name": "board "}), parent=None, by=cast["pmo"])
    assert exc.value.message_dict["name"] == [
        "A forum is already called Board: give this one another name"
    ]


def test_a_representative_names_a_deputy_who_responds_and_sits_for_them(
    client_for, cast, footprint, forums, deputy
):
    alliance = forums["alliance"]
    seat = alliance.members.get(organisation=footprint["council"])  # the viewer's
    client = client_for("viewer")
    forum_page = client.get(alliance.get_absolute_url()).content.decode()
    assert "Name your deputies" in forum_page
    page = client.get(reverse("decisions:seat", args=[seat.pk])).content.decode()
    assert "Name your deputies" in page and "Remove this seat" not in page
    assert "Stranger" not in page  # no role in the partnership: not offered
    with pytest.raises(ValidationError) as exc:
        services.name_deputies(seat=seat, deputies=[cast["stranger"]], by=cast["viewer"])
    assert exc.value.message_dict == {
        "deputies": [
            "Stranger has no role in the partnership: invite them with a role first "
            "(Workspace → People)"
        ]
    }
    response = client.post(reverse("decisions:seat", args=[seat.pk]), {"deputies": [deputy.pk]})
    assert response.status_code == 302
    assert list(seat.deputies.all()) == [deputy]
    assert AuditEvent.objects.get(action="name_deputies").summary == (
        "Northshire Alliance: deputies for Northshire Council named by Viewer: Deputy_C"
    )
    # The deputy responds for the council, and sits in the viewer's place at a meeting.
    proposal = seeking(forums, cast)
    services.record_consent(
        proposal=proposal,
        organisation=footprint["trust_a"],
        response="consent",
        reason="",
        board_ratified=True,
        by=cast["editor_a"],
    )
    services.record_consent(
        proposal=proposal,
        organisation=footprint["council"],
        response="consent",
        reason="",
        board_ratified=True,
        by=deputy,
    )
    meeting = services.record_meeting(
        forum=alliance,
        date=dt.date(2025, 4, 1),
        attendees=[cast["editor_a"], deputy],
        by=cast["pmo"],
    )
    quorum = compute.quorum(proposal, meeting)
    assert quorum.met and quorum.present == 2
    without = services.record_meeting(
        forum=alliance, date=dt.date(2025, 4, 2), attendees=[cast["editor_a"]], by=cast["pmo"]
    )
    assert not compute.quorum(proposal, without).met


def test_the_programme_office_records_a_boards_response_on_its_behalf(
    client_for, cast, footprint, forums
):
    proposal = seeking(forums, cast)
    client = client_for("pmo")
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Record a board's response on its behalf" in page
    url = reverse("decisions:proposal_record_on_behalf", args=[proposal.pk])
    data = {
        "b-organisation": footprint["council"].pk,
        "b-response": "consent",
        "b-reason": "",
        "b-minute_reference": " ",
    }
    refused = client.post(url, data).content.decode()
    assert "There is a problem" in refused and "Enter the minute reference" in refused
    response = client.post(url, data | {"b-minute_reference": "Cabinet minute 2025/31"})
    assert response.status_code == 302
    consent = proposal.consents.get()
    assert consent.minute_reference == "Cabinet minute 2025/31" and consent.board_ratified
    assert consent.recorded_by == cast["pmo"]
    event = AuditEvent.objects.get(action="record_consent_on_behalf")
    assert event.summary == (
        "Northshire Council: Consent to Frailty hub, recorded by Pmo on behalf of the board of "
        "Northshire Council, minute Cabinet minute 2025/31"
    )
    assert event.details["on_behalf"] is True and event.actor == cast["pmo"]
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Recorded on the board's behalf by Pmo, from Cabinet minute 2025/31" in page
    history = page[page.index('id="history"') :]
    assert (
        "Northshire Council: Consent, recorded on the board&#39;s behalf from Cabinet minute "
        "2025/31" in history
    )

    # Trust A's representative responds; the alliance approves; the register says whose
    # response was recorded on the board's behalf, and from which minute.
    services.record_consent(
        proposal=proposal,
        organisation=footprint["trust_a"],
        response="consent",
        reason="",
        board_ratified=True,
        by=cast["editor_a"],
    )
    services.decide(
        proposal=proposal,
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option="Open the hub",
        rationale="Agreed.",
        by=cast["pmo"],
    )
    register = client_for("public").get(reverse("decisions:register")).content.decode()
    assert (
        "Boards' responses: Northshire Council, consent (recorded on the board's behalf "
        "by the programme office, from Cabinet minute 2025/31); Trust A Hospitals, consent."
        in register
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
    assert rows[0][-2:] == ["Boards' responses", "Impact assessment"]
    assert rows[1][-2] == (
        "Northshire Council: Consent (recorded on the board's behalf by the programme office, "
        "from Cabinet minute 2025/31); Trust A Hospitals: Consent"
    )


def test_a_board_outside_the_forum_is_not_recorded_on_behalf(cast, footprint, forums):
    proposal = seeking(forums, cast)
    with pytest.raises(ValidationError) as exc:
        services.record_consent_on_behalf(
            proposal=proposal,
            organisation=footprint["trust_b"],  # not on the alliance
            response="object",
            reason="",
            minute_reference="",
            by=cast["pmo"],
        )
    assert exc.value.message_dict == {
        "minute_reference": [
            "Give the minute of the board's meeting that decided the response, "
            "e.g. Board minute 2026/114"
        ],
        "reason": ["Give the reason for the objection"],
        "organisation": [
            "Trust B Hospitals is not a voting member of Northshire Alliance with a statutory "
            "board, so it is not asked to consent"
        ],
    }
    assert not proposal.consents.exists()


def test_the_representatives_own_response_replaces_one_recorded_on_behalf(cast, footprint, forums):
    proposal = seeking(forums, cast)
    services.record_consent_on_behalf(
        proposal=proposal,
        organisation=footprint["council"],
        response="object",
        reason="Not in our budget",
        minute_reference="Cabinet minute 7",
        by=cast["pmo"],
    )
    services.record_consent(
        proposal=proposal,
        organisation=footprint["council"],
        response="consent",
        reason="",
        board_ratified=True,
        by=cast["viewer"],
    )
    consent = proposal.consents.get()
    assert consent.response == "consent" and not consent.on_behalf
    assert consent.recorded_by == cast["viewer"]


def test_the_scheme_of_delegation_is_changed_on_its_page_and_routes_proposals(
    client_for, cast, forums
):
    client = client_for("pmo")
    page = client.get(reverse("decisions:delegation")).content.decode()
    assert "£1,000,000" in page and "Add a type of decision" in page
    viewer_page = client_for("viewer").get(reverse("decisions:delegation")).content.decode()
    assert "£1,000,000" in viewer_page and "Add a type of decision" not in viewer_page
    client = client_for("pmo")

    client.post(reverse("decisions:decision_type_new"), {"t-name": "Service change"})
    duplicate = client.post(
        reverse("decisions:decision_type_new"), {"t-name": "service change"}
    ).content.decode()
    assert "There is already a type of decision called service change" in duplicate
    assert DecisionType.objects.filter(slug="service-change").count() == 1

    # The alliance may now decide investments up to £5m: a £4m proposal stays with it.
    client.post(
        reverse("decisions:delegation_set"),
        {
            "decision_type": forums["investment"].pk,
            "forum": forums["alliance"].pk,
            "limit_pounds": "5000000",
        },
    )
    delegation = Delegation.objects.get(forum=forums["alliance"])
    assert delegation.limit_pence == 5_000_000_00
    history = client.get(reverse("decisions:delegation")).content.decode()
    assert "Changed limit £1,000,000 → £5,000,000" in history
    big = services.create_proposal(
        title="Community beds",
        summary="s",
        options="a\nb",
        recommended_option="a",
        decision_type=forums["investment"],
        value_pence=4_000_000_00,
        brought_to=forums["alliance"],
        by=cast["pmo"],
    )
    assert big.forum == forums["alliance"]
    assert AuditEvent.objects.get(action="set_delegation").summary == (
        "Scheme of delegation: Northshire Alliance may decide Investment, up to £5,000,000"
    )
    client.post(reverse("decisions:delegation_remove", args=[delegation.pk]))
    assert not Delegation.objects.filter(forum=forums["alliance"]).exists()
    assert propose(forums, cast, title="Another").forum == forums["board"]
    assert AuditEvent.objects.get(action="remove_delegation").summary == (
        "Scheme of delegation: Northshire Alliance no longer decides Investment"
    )


def test_a_deputy_is_emailed_too_when_the_boards_are_asked(
    cast, footprint, forums, mailoutbox, deputy
):
    for who in ("editor_a", "viewer"):
        cast[who].email = f"{who}@example.org"
        cast[who].save()
    seat = forums["alliance"].members.get(organisation=footprint["council"])
    services.name_deputies(seat=seat, deputies=[deputy], by=cast["viewer"])
    proposal = propose(forums, cast)
    assert services.ask_for_consent(proposal=proposal, by=cast["pmo"]) == 3
    to = {m.to[0]: m.body for m in mailoutbox}
    assert sorted(to) == ["deputy_c@example.org", "editor_a@example.org", "viewer@example.org"]
    assert (
        "(You are a deputy for Viewer, who represents Northshire Council: respond if they "
        "cannot.)" in to["deputy_c@example.org"]
    )
    assert "deputy" not in to["viewer@example.org"]


def test_the_proposal_form_offers_the_plans_goals_only_when_there_are_some(
    client_for, forums, plan
):
    client = client_for("pmo")
    form = client.get(reverse("decisions:proposal_new")).content.decode()
    assert "goals it serves (optional)" in form
    assert "Four in five seen within four hours at Trust A" in form
    plan["goal"].delete()
    form = client.get(reverse("decisions:proposal_new")).content.decode()
    assert "goals it serves" not in form


def test_a_neighbourhood_forum_belongs_to_a_neighbourhood_in_its_place(
    client_for, footprint, forums
):
    client = client_for("pmo")
    data = {
        "name": "North One Team",
        "layer": "neighbourhood",
        "place": footprint["south"].pk,
        "neighbourhood": footprint["hoods"]["N1"].pk,
        "parent": forums["alliance"].pk,
        "terms_of_reference": "North One.",
        "quorum_count": "2",
        "quorum_percent": "",
        "decision_rule": "consent",
    }
    refused = client.post(reverse("decisions:forum_new"), data).content.decode()
    assert "North One is in Northshire, not Southshire" in refused
    assert not Forum.objects.filter(name="North One Team").exists()
    client.post(reverse("decisions:forum_new"), data | {"place": footprint["north"].pk})
    forum = Forum.objects.get(name="North One Team")
    page = client.get(forum.get_absolute_url()).content.decode()
    assert "Neighbourhood forum for North One, Northshire" in page
    listing = client.get(reverse("decisions:index")).content.decode()
    assert "North One (Northshire)" in listing and "Whole system" in listing


def test_radio_lists_offer_no_empty_choice(client_for, forums):
    page = client_for("pmo").get(reverse("decisions:forum_new")).content.decode()
    assert 'name="layer"' in page and "---------" not in page


def test_the_forum_form_puts_the_quorum_fields_together_and_asks_for_one_or_both(
    client_for, forums
):
    page = client_for("pmo").get(reverse("decisions:forum_new")).content.decode()
    count, share, rule = (
        page.index('name="quorum_count"'),
        page.index('name="quorum_percent"'),
        page.index('name="decision_rule"'),
    )
    assert count < share < rule
    assert "Give one or both of the number and the share" in page
    assert "voting members (optional)" not in page


def test_a_limit_below_nothing_is_refused_naming_the_field_shortly(client_for, forums):
    page = (
        client_for("pmo")
        .post(
            reverse("decisions:delegation_set"),
            {
                "decision_type": forums["investment"].pk,
                "forum": forums["alliance"].pk,
                "limit_pounds": "-5",
            },
        )
        .content.decode()
    )
    assert "Up to: the limit must be £0 or more" in page
    assert "(optional) must be" not in page
    assert forums["alliance"].delegations.get().limit_pence == 1_000_000_00
