"""Decisions: routing, consent by each board, quorum from attendance, the register, and who
may do what."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from footprint.decisions import services
from footprint.decisions.models import Decision, Proposal

BROUGHT = dt.datetime(2025, 2, 1, 10, tzinfo=dt.UTC)  # a month before the forums meet


def propose(forums, cast, pounds=250_000, **extra):
    extra.setdefault("at", BROUGHT)
    return services.create_proposal(
        title=extra.pop("title", "Frailty hub"),
        summary="A hub for frail older people.",
        options="Do nothing\nOpen the hub",
        recommended_option=extra.pop("recommended_option", "Open the hub"),
        decision_type=forums["investment"],
        value_pence=pounds * 100,
        brought_to=forums["alliance"],
        by=cast["pmo"],
        **extra,
    )


def respond(proposal, organisation, person, response="consent", reason=""):
    return services.record_consent(
        proposal=proposal,
        organisation=organisation,
        response=response,
        reason=reason,
        board_ratified=response != "abstain",
        by=person,
    )


def approve(proposal, meeting, cast):
    return services.decide(
        proposal=proposal,
        meeting=meeting,
        outcome="approved",
        option="",
        rationale="r",
        by=cast["pmo"],
    )


def consent_all(proposal, footprint, cast):
    respond(proposal, footprint["trust_a"], cast["editor_a"])
    respond(proposal, footprint["council"], cast["viewer"])


def test_routing_follows_the_scheme_of_delegation(forums, cast):
    assert propose(forums, cast, 250_000).forum == forums["alliance"]
    assert propose(forums, cast, 4_000_000).forum == forums["board"]


def test_asking_for_consent_emails_each_boards_representative(forums, cast):
    for user in ("editor_a", "viewer"):
        cast[user].email = f"{user}@example.org"
        cast[user].save()
    proposal = propose(forums, cast)
    assert services.ask_for_consent(proposal=proposal, by=cast["pmo"]) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["editor_a@example.org", "viewer@example.org"]
    assert "Frailty hub" in mail.outbox[0].subject
    assert f"/workspace/decisions/proposals/{proposal.pk}/" in mail.outbox[0].body


def test_reminders_go_to_boards_that_have_not_responded(forums, cast, footprint):
    for user in ("editor_a", "viewer"):
        cast[user].email = f"{user}@example.org"
        cast[user].save()
    proposal = propose(forums, cast)
    services.ask_for_consent(
        proposal=proposal, by=cast["pmo"], notify=False, on=dt.date(2025, 2, 3)
    )
    respond(proposal, footprint["trust_a"], cast["editor_a"])
    call_command("send_consent_reminders", "--days", "7")
    assert [m.to for m in mail.outbox] == [["viewer@example.org"]]
    assert mail.outbox[0].subject.startswith("Overdue:")  # due by 17 February 2025


def test_consent_is_asked_by_a_deadline_two_weeks_on_unless_set(forums, cast):
    cast["viewer"].email = "viewer@example.org"
    cast["viewer"].save()
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], on=dt.date(2025, 2, 3))
    proposal.refresh_from_db()
    assert proposal.consent_asked_on == dt.date(2025, 2, 3)
    assert proposal.consent_deadline == dt.date(2025, 2, 17)
    assert "by Monday 17 February 2025" in mail.outbox[0].body
    later = propose(forums, cast, title="Stroke rehab")
    with pytest.raises(ValidationError, match="17 January 2025, is before the boards are asked"):
        services.ask_for_consent(
            proposal=later, by=cast["pmo"], on=dt.date(2025, 2, 3), deadline=dt.date(2025, 1, 17)
        )
    services.ask_for_consent(
        proposal=later,
        by=cast["pmo"],
        notify=False,
        on=dt.date(2025, 2, 3),
        deadline=dt.date(2025, 2, 28),
    )
    later.refresh_from_db()
    assert later.consent_deadline == dt.date(2025, 2, 28)


def test_a_reminder_says_when_responses_are_due_and_when_they_are_overdue(forums, cast, footprint):
    cast["viewer"].email = "viewer@example.org"
    cast["viewer"].save()
    proposal = propose(forums, cast)
    services.ask_for_consent(
        proposal=proposal, by=cast["pmo"], notify=False, on=dt.date(2025, 2, 3)
    )
    week = dt.timedelta(days=7)
    assert services.send_reminders(older_than=week, now=dt.datetime(2025, 2, 6, tzinfo=dt.UTC)) == 0
    services.send_reminders(older_than=week, now=dt.datetime(2025, 2, 12, 9, tzinfo=dt.UTC))
    reminder = mail.outbox[-1]
    assert reminder.subject == "Reminder: Your board's consent is asked: Frailty hub"
    assert "Please record your organisation's response by Monday 17 February 2025." in (
        reminder.body
    )
    services.send_reminders(older_than=week, now=dt.datetime(2025, 2, 20, 9, tzinfo=dt.UTC))
    overdue = mail.outbox[-1]
    assert overdue.subject == "Overdue: Your board's consent is asked: Frailty hub"
    assert (
        "Responses were due by Monday 17 February 2025: your organisation's response is overdue"
        in overdue.body
    )


def test_the_consent_page_shows_the_deadline_and_who_is_overdue(
    client_for, forums, cast, footprint
):
    proposal = propose(forums, cast)
    url = reverse("decisions:proposal", args=[proposal.pk])
    ask = reverse("decisions:proposal_ask_consent", args=[proposal.pk])
    refused = client_for("pmo").post(ask, {"a-deadline": "2025-01-01"})
    assert "The deadline, 1 January 2025, is before today" in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "draft"
    soon = timezone.localdate() + dt.timedelta(days=60)  # a deadline at most a year away
    said = f"{soon.day} {soon:%B %Y}"
    client_for("pmo").post(ask, {"a-deadline": soon.isoformat()})
    page = client_for("viewer").get(url).content.decode()
    assert f"to respond by <strong>{said}</strong>" in page
    assert "Not yet" in page and "Overdue" not in page

    late = propose(forums, cast, title="Stroke rehab at home")
    services.ask_for_consent(proposal=late, by=cast["pmo"], notify=False, on=dt.date(2025, 2, 3))
    respond(late, footprint["trust_a"], cast["editor_a"])
    page = client_for("viewer").get(reverse("decisions:proposal", args=[late.pk])).content.decode()
    assert "Responses overdue" in page
    assert "asked on 3 February 2025 to respond by 17 February 2025" in page
    assert page.count(">Overdue</strong>") == 1  # the council; Trust A has consented
    home = client_for("viewer").get(reverse("decisions:index")).content.decode()
    assert "by 17 February 2025" in home and f"by {said}" in home
    assert home.count(">Overdue</strong>") == 1


def test_no_decision_at_a_meeting_before_the_proposal_was_brought(
    client_for, forums, cast, footprint
):
    # Brought on 10 March 2025; the alliance last met on 1 March.
    proposal = propose(forums, cast, at=dt.datetime(2025, 3, 10, 10, tzinfo=dt.UTC))
    services.ask_for_consent(
        proposal=proposal, by=cast["pmo"], notify=False, on=dt.date(2025, 3, 10)
    )
    consent_all(proposal, footprint, cast)
    earlier = forums["meetings"]["alliance"]
    words = "The meeting of 1 March 2025 was before the proposal was brought on 10 March 2025"
    with pytest.raises(ValidationError, match=words):
        approve(proposal, earlier, cast)
    url = reverse("decisions:proposal", args=[proposal.pk])
    page = client_for("pmo").get(url).content.decode()
    assert "At the meeting of 1 March 2025" not in page  # not offered as a verdict
    response = client_for("pmo").post(
        reverse("decisions:proposal_decide", args=[proposal.pk]),
        {"d-meeting": earlier.pk, "d-outcome": "approved", "d-rationale": "r"},
    )
    assert words in response.content.decode()
    assert not Decision.objects.exists()
    later = services.record_meeting(
        forum=forums["alliance"],
        date=dt.date(2025, 4, 1),
        attendees=[cast["editor_a"], cast["viewer"]],
        by=cast["pmo"],
    )
    assert approve(proposal, later, cast).decided_on == dt.date(2025, 4, 1)


def test_only_a_boards_own_representative_records_its_consent(forums, cast, footprint):
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    with pytest.raises(PermissionDenied):
        respond(proposal, footprint["council"], cast["editor_a"])
    with pytest.raises(PermissionDenied):  # Trust B does not sit on the alliance
        respond(proposal, footprint["trust_b"], cast["editor_b"])


def test_a_conflicted_representative_neither_consents_nor_counts(forums, cast, footprint):
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    services.declare_conflict(
        proposal=proposal,
        person=cast["viewer"],
        description="Spouse runs the provider",
        by=cast["viewer"],
    )
    with pytest.raises(PermissionDenied):
        respond(proposal, footprint["council"], cast["viewer"])
    from footprint.decisions import compute

    q = compute.quorum(proposal, forums["meetings"]["alliance"])
    assert not q.met and q.missing_groups == ("council",)


def test_an_objection_needs_a_reason_and_can_be_escalated(forums, cast, footprint):
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    with pytest.raises(ValidationError):
        respond(proposal, footprint["council"], cast["viewer"], "object", reason=" ")
    respond(proposal, footprint["council"], cast["viewer"], "object", reason="Not in our budget")
    services.escalate(proposal=proposal, reason="Hear both sides", by=cast["pmo"])
    proposal.refresh_from_db()
    assert proposal.forum == forums["board"] and proposal.status == "escalated"


def test_a_decision_needs_quorum_the_rule_and_the_delegation(forums, cast, footprint):
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    meeting = forums["meetings"]["alliance"]
    with pytest.raises(ValidationError, match="Consent without objection: 2 still to respond"):
        approve(proposal, meeting, cast)
    consent_all(proposal, footprint, cast)
    thin = services.record_meeting(
        forum=forums["alliance"],
        date=dt.date(2025, 4, 1),
        attendees=[cast["editor_a"]],
        by=cast["pmo"],
    )
    with pytest.raises(ValidationError, match="Not quorate"):
        approve(proposal, thin, cast)
    with pytest.raises(ValidationError, match="does not let this forum decide it"):
        approve(proposal, forums["meetings"]["board"], cast)
    decision = services.decide(
        proposal=proposal,
        meeting=meeting,
        outcome="approved",
        option="Open the hub",
        rationale="Everyone agreed.",
        by=cast["pmo"],
        actions=[("Open it", footprint["trust_a"], dt.date(2025, 6, 1))],
    )
    assert decision.votes["responses"] == {"RA1": "consent", "LA001": "consent"}
    assert Proposal.objects.get(pk=proposal.pk).status == "decided"
    decision.rationale = "Changed my mind"
    with pytest.raises(ValidationError, match="cannot be edited"):
        decision.save()
    assert Decision.objects.get().rationale == "Everyone agreed."


def decided(forums, cast, footprint, **extra):
    proposal = propose(forums, cast, **extra)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    return services.decide(
        proposal=proposal,
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option="Open the hub",
        rationale="Agreed.",
        by=cast["pmo"],
    )


def test_the_public_never_sees_a_confidential_item_until_its_date(client, forums, cast, footprint):
    decided(forums, cast, footprint, title="Open decision")
    decided(
        forums,
        cast,
        footprint,
        title="Secret contract",
        confidentiality="confidential",
        confidential_reason="Negotiating",
        publish_after=dt.date(2099, 1, 1),
    )
    page = client.get(reverse("decisions:register")).content.decode()
    assert "Open decision" in page and "Secret contract" not in page
    assert "1 January 2099" in page  # listed as withheld, with its date
    csv = client.get(reverse("decisions:register"), {"format": "csv"}).content.decode()
    assert "Open decision" in csv and "Secret contract" not in csv
    api = client.get("/api/v1/decisions").json()
    assert [d["title"] for d in api["decisions"]] == ["Open decision"]
    assert api["withheld"][0]["publish_after"] == "2099-01-01"
    Proposal.objects.filter(title="Secret contract").update(publish_after=dt.date(2020, 1, 1))
    assert "Secret contract" in client.get(reverse("decisions:register")).content.decode()


def test_the_register_filters_and_searches(client, forums, cast, footprint):
    decided(forums, cast, footprint, title="Frailty hub")
    decided(forums, cast, footprint, title="Stroke rehab at home")
    assert (
        "Stroke rehab"
        not in client.get(reverse("decisions:register"), {"q": "frailty"}).content.decode()
    )
    assert (
        "2 decisions"
        in client.get(reverse("decisions:register"), {"forum": "alliance"}).content.decode()
    )
    assert (
        "0 decisions"
        in client.get(reverse("decisions:register"), {"forum": "board"}).content.decode()
    )
    assert (
        "2 decisions"
        in client.get(reverse("decisions:register"), {"date_from": "2025-03-01"}).content.decode()
    )


def test_a_proposal_brought_through_the_page_is_routed_by_the_scheme_of_delegation(
    client_for, forums, cast, footprint, plan
):
    url = reverse("decisions:proposal_new")
    client = client_for("editor_a")
    form_page = client.get(url).content.decode()
    assert "Forum you are bringing it to" in form_page
    assert "Routing starts here; the scheme of delegation may send it higher" in form_page
    data = {
        "title": "Stroke rehab at home",
        "summary": "Rehabilitation at home after a stroke.",
        "options": "Do nothing\nRehab at home",
        "recommended_option": "Rehab at home",
        "decision_type": forums["investment"].pk,
        "brought_to": forums["alliance"].pk,
        "value_pounds": "4000000",
        "money": "RA1, -150000\nla001, 150000",
        "goals": [plan["goal"].pk],  # chosen from the plan's real goals
        "confidentiality": "public",
    }
    refused = client.post(
        url, {**data, "money": "ZZ9, 10", "confidentiality": "confidential"}
    ).content.decode()
    assert "Line 1: give an ODS code and an amount" in refused
    assert "Say why it is confidential" in refused
    assert not Proposal.objects.exists()

    response = client.post(url, data)
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response.url == proposal.get_absolute_url()
    assert proposal.forum == forums["board"]  # £4m is beyond the alliance's £1m
    assert proposal.created_by == cast["editor_a"] and proposal.status == "draft"
    assert sorted((m.organisation.ods_code, m.amount_pence) for m in proposal.money.all()) == [
        ("LA001", 150_000_00),
        ("RA1", -150_000_00),
    ]
    page = client.get(response.url).content.decode()
    assert "Brought to Northshire Alliance; £4,000,000 at stake." in page
    assert "Board may decide it" in page
    served = page[page.index('id="goals-served"') :]
    assert "Four in five seen within four hours at Trust A" in served[: served.index("</ul>")]
    assert list(proposal.goals.all()) == [plan["goal"]]
    goal_page = client.get(reverse("plans:goal", args=[plan["goal"].pk])).content.decode()
    serving = goal_page[goal_page.index('id="serving"') :]
    assert "Stroke rehab at home" in serving[: serving.index("</ul>")]


def test_consent_through_the_page(client_for, forums, cast, footprint):
    proposal = propose(forums, cast)
    url = reverse("decisions:proposal", args=[proposal.pk])
    ask = reverse("decisions:proposal_ask_consent", args=[proposal.pk])
    respond_url = reverse("decisions:proposal_respond", args=[proposal.pk])
    assert client_for("editor_b").post(ask).status_code == 403
    soon = timezone.localdate() + dt.timedelta(days=60)  # a deadline at most a year away
    client_for("pmo").post(ask, {"a-deadline": soon.isoformat()})
    page = client_for("viewer").get(url).content.decode()
    assert "Record your organisation" in page
    missing = client_for("viewer").post(
        respond_url, {"c-organisation": footprint["council"].pk, "c-response": "object"}
    )
    assert "Give the reason for the objection" in missing.content.decode()
    client_for("viewer").post(
        respond_url,
        {
            "c-organisation": footprint["council"].pk,
            "c-response": "consent",
            "c-board_ratified": "on",
        },
    )
    page = client_for("pmo").get(url).content.decode()
    assert "Northshire Council: Consent, ratified by its board" in page  # the history


def test_overdue_actions_show_on_the_workspace(client_for, forums, cast, footprint):
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    services.decide(
        proposal=proposal,
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option="",
        rationale="Agreed.",
        by=cast["pmo"],
        actions=[("Recruit the team", footprint["trust_a"], dt.date(2025, 4, 1))],
    )
    html = client_for("viewer").get(reverse("decisions:overdue_actions")).content.decode()
    assert "Recruit the team" in html and "due 1 April 2025" in html
    assert 'hx-get="/workspace/decisions/overdue-actions/"' in (
        client_for("viewer").get(reverse("partnership:workspace")).content.decode()
    )


def test_a_later_decision_supersedes_an_earlier_one_on_the_register(
    client, forums, cast, footprint
):
    first = decided(forums, cast, footprint, title="Frailty hub")
    proposal = propose(forums, cast, title="Frailty hub, revised")
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    client.force_login(cast["pmo"], backend="django.contrib.auth.backends.ModelBackend")
    client.post(
        reverse("decisions:proposal_decide", args=[proposal.pk]),
        {
            "d-meeting": forums["meetings"]["alliance"].pk,
            "d-outcome": "approved",
            "d-rationale": "A smaller hub.",
            "d-supersedes": first.pk,
        },
    )
    assert Decision.objects.get(proposal=proposal).supersedes == first
    client.logout()
    page = client.get(reverse("decisions:register")).content.decode()
    assert "This decision replaces the decision of 1 March 2025 on “Frailty hub”." in page


def defer(proposal, meeting, cast, option="", rationale="Wait for the workforce review."):
    return services.decide(
        proposal=proposal,
        meeting=meeting,
        outcome="deferred",
        option=option,
        rationale=rationale,
        by=cast["pmo"],
    )


def test_a_deferral_is_shown_as_deferred_and_the_proposal_comes_back_to_a_later_meeting(
    client, client_for, forums, cast, footprint
):
    proposal = propose(forums, cast, title="Hospital at home for children")
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    march = forums["meetings"]["alliance"]
    url = reverse("decisions:proposal", args=[proposal.pk])
    assert 'value="deferred"' in client_for("pmo").get(url).content.decode()  # offered
    with pytest.raises(ValidationError, match="A deferral decides no option"):
        defer(proposal, march, cast, option="Open the hub")
    deferral = defer(proposal, march, cast)
    proposal.refresh_from_db()
    assert deferral.outcome == "deferred" and proposal.status == "deferred"

    # The public register, its CSV and the API say Deferred, never Rejected.
    register = client.get(reverse("decisions:register")).content.decode()
    assert ">Deferred</strong> to a later meeting" in register and "Rejected" not in register
    csv = client.get(reverse("decisions:register"), {"format": "csv"}).content.decode()
    assert "Hospital at home for children,Deferred,,Wait for the workforce review." in csv
    [listed] = client.get("/api/v1/decisions").json()["decisions"]
    assert (listed["outcome"], listed["outcome_label"]) == ("deferred", "Deferred")

    page = client_for("viewer").get(url).content.decode()
    assert "Investment · Deferred" in page
    assert "<strong>Deferred</strong>, by Northshire Alliance on 1 March 2025." in page
    assert "It comes back to a later meeting of Northshire Alliance." in page
    assert "Decision recorded: Deferred, at the meeting of 1 March 2025" in page  # history
    pmo_page = client_for("pmo").get(url).content.decode()
    assert "No meeting of Northshire Alliance is recorded after the meeting of 1 March" in (
        pmo_page
    )

    # Not again at the meeting that deferred it; at a later one it is decided.
    with pytest.raises(ValidationError, match="The meeting of 1 March 2025 deferred this"):
        approve(proposal, march, cast)
    april = services.record_meeting(
        forum=forums["alliance"],
        date=dt.date(2025, 4, 1),
        attendees=[cast["editor_a"], cast["viewer"]],
        by=cast["pmo"],
    )
    refused = client_for("pmo").post(
        reverse("decisions:proposal_decide", args=[proposal.pk]),
        {
            "d-meeting": april.pk,
            "d-outcome": "deferred",
            "d-option": "Do nothing",
            "d-rationale": "r",
        },
    )
    assert "A deferral decides no option: leave it empty" in refused.content.decode()
    decided_ = approve(proposal, april, cast)
    proposal.refresh_from_db()
    assert proposal.status == "decided" and decided_.decided_on == dt.date(2025, 4, 1)
    assert [d.outcome for d in Decision.objects.order_by("decided_on")] == [
        "deferred",
        "approved",
    ]
    register = client.get(reverse("decisions:register")).content.decode()
    assert "2 decisions" in register and ">Approved</strong>" in register
    page = client_for("viewer").get(url).content.decode()
    assert "<h2>Decisions</h2>" in page and "It comes back to a later meeting" not in page
    with pytest.raises(ValidationError, match="seeking consent or deferred"):
        approve(proposal, april, cast)


def test_a_deferred_proposal_may_be_put_to_the_boards_again(client_for, forums, cast, footprint):
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    consent_all(proposal, footprint, cast)
    defer(proposal, forums["meetings"]["alliance"], cast)
    respond(proposal, footprint["council"], cast["viewer"], "abstain")  # responses still open
    page = client_for("pmo").get(reverse("decisions:proposal", args=[proposal.pk]))
    assert "Ask each board for consent" in page.content.decode()
    services.ask_for_consent(
        proposal=proposal, by=cast["pmo"], notify=False, on=dt.date(2025, 3, 5)
    )
    proposal.refresh_from_db()
    assert proposal.status == "seeking_consent"
    assert proposal.consent_deadline == dt.date(2025, 3, 19)


def test_the_history_names_what_changed_in_words(client_for, forums, cast, footprint):
    proposal = propose(forums, cast)
    services.ask_for_consent(
        proposal=proposal, by=cast["pmo"], notify=False, on=dt.date(2025, 2, 3)
    )
    respond(proposal, footprint["council"], cast["viewer"], "object", reason="Not in our budget")
    services.escalate(proposal=proposal, reason="Hear both sides", by=cast["pmo"])
    page = client_for("viewer").get(reverse("decisions:proposal", args=[proposal.pk]))
    html = page.content.decode()
    assert (
        "Changed when consent was asked, the consent deadline and the status: Seeking consent"
        in html
    )
    assert "Changed the deciding forum: Board and the status: Escalated" in html
    assert "consent_asked_on" not in html and "consent_deadline" not in html


def test_money_in_and_out_is_written_in_pounds_with_its_sign(client_for, forums, cast, footprint):
    proposal = propose(
        forums,
        cast,
        pounds=2_900_000,
        money=[(footprint["trust_a"], -2_900_000_00), (footprint["council"], 2_900_000_00)],
    )
    html = client_for("viewer").get(reverse("decisions:proposal", args=[proposal.pk]))
    html = html.content.decode()
    assert "−£2,900,000" in html and "+£2,900,000" in html
    assert "-2,900,000" not in html and ">+2,900,000" not in html
    assert "£2,900,000 at stake" in html


def test_money_lines_may_not_take_more_than_the_money_at_stake_nor_make_money(
    client_for, forums, cast, footprint
):
    """Money out of the organisations is at most the money at stake, and money into them at
    most the money out: a mistyped line is refused on its field, in words with the totals, and
    nothing is saved (the service refuses as the form does)."""
    url = reverse("decisions:proposal_new")
    client = client_for("editor_a")
    data = {
        "title": "Stroke rehab at home",
        "summary": "Rehabilitation at home after a stroke.",
        "options": "Do nothing\nRehab at home",
        "recommended_option": "Rehab at home",
        "decision_type": forums["investment"].pk,
        "brought_to": forums["alliance"].pk,
        "value_pounds": "100",
        "confidentiality": "public",
    }
    too_much_out = client.post(url, {**data, "money": "RA1, -150\nLA001, 150"}).content.decode()
    assert (
        "Money out of the organisations (£150 in all) is more than the money at stake (£100)"
        in unescape(too_much_out)
    )
    made_money = client.post(url, {**data, "money": "RA1, -50\nLA001, 100"}).content.decode()
    assert (
        "Money into the organisations (£100 in all) is more than the money out of them (£50)"
        in unescape(made_money)
    )
    assert not Proposal.objects.exists()
    with pytest.raises(ValidationError, match=r"more than the money at stake \(£100\)"):
        propose(forums, cast, pounds=100, money=[(footprint["trust_a"], -101_00)])
    assert not Proposal.objects.exists()

    # £100 out of RA1, £50 of it to LA001: the other £50 is paid outside the partnership, and
    # the page says so beside the lines.
    client.post(url, {**data, "money": "RA1, -100\nLA001, 50"})
    proposal = Proposal.objects.get()
    page = unescape(client.get(proposal.get_absolute_url()).content.decode())
    assert (
        "Net −£50: £50 of the £100 out goes to the organisations listed; £50 is paid outside "
        "the partnership." in page
    )
    balanced = propose(
        forums,
        cast,
        money=[(footprint["trust_a"], -250_000_00), (footprint["council"], 250_000_00)],
    )
    page = unescape(client.get(balanced.get_absolute_url()).content.decode())
    assert "Net £0: the money out goes to the organisations listed." in page


def test_titles_and_options_refuse_a_formula_start_as_names_do(client_for, forums, cast):
    """One rule with organisations' and PLUS groups' names: nothing a spreadsheet would read
    as a formula, refused on its field in the same words, by the form and by the service."""
    url = reverse("decisions:proposal_new")
    page = client_for("editor_a").post(
        url,
        {
            "title": '=HYPERLINK("x")',
            "summary": "Rehabilitation at home after a stroke.",
            "options": "Do nothing\n=1+1",
            "recommended_option": "Do nothing",
            "decision_type": forums["investment"].pk,
            "brought_to": forums["alliance"].pk,
            "value_pounds": "100",
            "confidentiality": "public",
        },
    )
    said = unescape(page.content.decode())
    assert "Start the title with a letter or a digit, not =, +, - or @" in said
    assert "Start each option with a letter or a digit, not =, +, - or @ (option 2: “=1+1”)" in said
    assert not Proposal.objects.exists()
    for title in ("+44 beds", " @everyone", "-1 ward"):
        with pytest.raises(ValidationError, match="Start the title with a letter or a digit"):
            propose(forums, cast, title=title)
    assert not Proposal.objects.exists()
    assert propose(forums, cast, title="2 more wards, £1m = a saving").title.startswith("2 more")


def test_the_recommended_option_must_be_one_of_the_options(client_for, forums, cast):
    with pytest.raises(ValidationError, match="“Something not in options”, is not one of"):
        propose(forums, cast, recommended_option="Something not in options")
    url = reverse("decisions:proposal_new")
    data = {
        "title": "Stroke rehab at home",
        "summary": "Rehabilitation at home after a stroke.",
        "options": "Do nothing\nRehab at home",
        "recommended_option": "Something not in options",
        "decision_type": forums["investment"].pk,
        "brought_to": forums["alliance"].pk,
        "value_pounds": "1000",
        "confidentiality": "public",
    }
    refused = client_for("editor_a").post(url, data).content.decode()
    assert (
        "The recommended option, “Something not in options”, is not one of the options: "
        "“Do nothing”; “Rehab at home”. Copy one of them exactly." in refused
    )
    assert not Proposal.objects.exists()
    response = client_for("editor_a").post(url, {**data, "recommended_option": "Rehab at home"})
    page = client_for("editor_a").get(response.url).content.decode()
    assert 'Rehab at home <strong class="nhsuk-tag">Recommended</strong>' in page


def test_decisions_write_a_day_without_a_leading_zero(client, client_for, forums, cast, footprint):
    cast["viewer"].email = "viewer@example.org"
    cast["viewer"].save()
    proposal = propose(
        forums,
        cast,
        confidentiality="confidential",
        confidential_reason="Negotiating",
        publish_after=dt.date(2099, 12, 1),
    )
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], on=dt.date(2025, 2, 20))
    assert "by Thursday 6 March 2025" in mail.outbox[0].body
    consent_all(proposal, footprint, cast)
    services.decide(
        proposal=proposal,
        meeting=forums["meetings"]["alliance"],
        outcome="approved",
        option="Open the hub",
        rationale="Agreed.",
        actions=[("Open it", footprint["trust_a"], dt.date(2025, 8, 6))],
        by=cast["pmo"],
    )
    waiting = propose(forums, cast, title="Stroke rehab")
    services.ask_for_consent(
        proposal=waiting, by=cast["pmo"], notify=False, on=dt.date(2025, 2, 20)
    )
    pages = {
        "proposal": client_for("pmo").get(reverse("decisions:proposal", args=[proposal.pk])),
        "waiting": client_for("pmo").get(reverse("decisions:proposal", args=[waiting.pk])),
        "home": client_for("pmo").get(reverse("decisions:index")),
        "forum": client_for("pmo").get(reverse("decisions:forum", args=["alliance"])),
        "overdue": client_for("pmo").get(reverse("decisions:overdue_actions")),
        "register": client.get(reverse("decisions:register")),
    }
    html = {name: r.content.decode() for name, r in pages.items()}
    assert "Confidential until 1 December 2099" in html["proposal"]
    assert "by 6 August 2025" in html["proposal"] and "due 6 August 2025" in html["overdue"]
    assert "on 1 March 2025." in html["proposal"]
    assert "by 6 March 2025" in html["home"] and "1 March 2025: 2 attended" in html["forum"]
    assert "Northshire Alliance, 1 March 2025" in html["waiting"]  # the meeting to decide at
    assert "1 December 2099" in html["register"]
    month = r"(January|February|March|April|May|June|July|August|September|October|November"
    month += r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    for name, text in html.items():
        assert not re.search(rf"\b0\d {month}\b", text), name


def test_a_forum_cannot_commit_the_money_of_an_organisation_that_does_not_sit_on_it(
    client_for, forums, cast, footprint
):
    """Trust B sits on the board but not on the Northshire Alliance: a proposal taking its
    money goes to the board, whatever its value, and its page says why."""
    paid_by_b = propose(
        forums,
        cast,
        money=[(footprint["trust_b"], -250_000_00), (footprint["council"], 250_000_00)],
    )
    assert paid_by_b.forum == forums["board"]
    paid_by_a = propose(forums, cast, money=[(footprint["trust_a"], -250_000_00)])
    assert paid_by_a.forum == forums["alliance"]
    page = client_for("pmo").get(reverse("decisions:proposal", args=[paid_by_b.pk]))
    routing = re.search(r'<ul[^>]*id="routing">(.*?)</ul>', page.content.decode(), re.S)
    assert routing is not None
    steps = re.findall(r"<li>(.*?)</li>", routing.group(1))
    assert steps == [
        "Northshire Alliance cannot commit the money of Trust B Hospitals, who does not sit on "
        "it, so it goes to the forum above.",
        "Board may decide it: it has no money limit.",
    ]


def test_after_an_escalation_the_page_names_the_forum_that_decides_now(
    client_for, forums, cast, footprint
):
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    respond(proposal, footprint["council"], cast["viewer"], "object", reason="Not in our budget")
    services.escalate(proposal=proposal, reason="Hear both sides", by=cast["pmo"])
    page = client_for("pmo").get(reverse("decisions:proposal", args=[proposal.pk]))
    routing = re.search(r'<ul[^>]*id="routing">(.*?)</ul>', page.content.decode(), re.S)
    assert routing is not None
    steps = re.findall(r"<li>(.*?)</li>", routing.group(1))
    assert steps[0].startswith("Northshire Alliance may decide it")
    assert steps[-1].startswith("Escalated from Northshire Alliance to Board on ")
    assert steps[-1].endswith("Board decides it now.")


def test_a_refused_approval_says_only_what_is_missing_and_who_objected(forums, cast, footprint):
    proposal = propose(forums, cast)
    services.ask_for_consent(proposal=proposal, by=cast["pmo"], notify=False)
    respond(proposal, footprint["trust_a"], cast["editor_a"])
    respond(proposal, footprint["council"], cast["viewer"], "object", reason="Not in our budget")
    with pytest.raises(ValidationError) as refused:
        approve(proposal, forums["meetings"]["alliance"], cast)
    (message,) = refused.value.messages
    assert message.startswith("Frailty hub cannot be approved at this meeting: ")
    assert f"{footprint['council'].name} objected." in message
    assert "Quorate" not in message and "scheme of delegation" not in message
