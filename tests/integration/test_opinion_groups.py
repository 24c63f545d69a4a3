"""Opinion groups through the site: how clear they are in plain words, every share with its
denominator, no groups claimed on votes without structure, and a statement hidden after the
report is published gone from the page, its CSV and the API at once."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from footprint.engagement import services
from footprint.engagement.models import Consultation, OpinionSnapshot, Participant, Vote
from footprint.engine.opinion_planted import planted


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def consultation_with_votes(cast, *, groups: int, n: int = 400, s: int = 12, seed: int = 1):
    """A closed consultation whose votes come from the planted-group generator: ``groups``
    planted groups (1: random votes), every statement dividing them."""
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Urgent care in Hawkesmere",
        slug=f"urgent-care-{groups}",
        summary="Where should urgent care be?",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=1),
        retention_until=today + dt.timedelta(days=90),
    )
    statements = [
        services.add_partnership_statement(
            consultation=c, text=f"Statement number {j + 1} about urgent care.", by=cast["pmo"]
        )
        for j in range(s)
    ]
    data = planted(n, s, groups=groups, density=0.8, dividing=1.0, seed=seed)
    people = Participant.objects.bulk_create(Participant(consultation=c) for _ in range(n))
    v = data.votes
    Vote.objects.bulk_create(
        Vote(participant=people[i], statement=statements[j], value=int(value))
        for i, j, value in zip(v.participant, v.statement, v.value, strict=True)
    )
    return c, statements, data


def close_and_publish(c, cast):
    c.closes_on = timezone.localdate() - dt.timedelta(days=1)
    c.save()
    services.publish_report(consultation=c, by=cast["pmo"])


def report_everywhere(client, c):
    """The report page, its CSV and the API's report, as text."""
    page = client.get(reverse("engagement:consultation_report", args=[c.slug])).content.decode()
    csv = client.get(reverse("engagement:consultation_report_csv", args=[c.slug])).content.decode(
        "utf-8-sig"
    )
    api = client.get(f"/api/v1/consultations/{c.slug}/report").content.decode()
    return page, csv, api


def test_two_planted_groups_are_two_clear_groups_with_their_denominators(client_for, cast):
    c, _, _ = consultation_with_votes(cast, groups=2)
    snapshot = services.store_opinion_groups(consultation=c, by=cast["pmo"])
    assert snapshot.clarity == "two clear groups"
    assert len(snapshot.groups) == 2 and snapshot.stability >= 0.8
    assert snapshot.grouped == sum(g["size"] for g in snapshot.groups)
    close_and_publish(c, cast)
    page, csv, api = report_everywhere(client_for("public"), c)
    assert '<p class="nhsuk-lede-text" id="groups-clarity">Two clear groups.</p>' in page
    # The consultation's own page says it too, once the report is published.
    own = client_for("public").get(reverse("engagement:consultation", args=[c.slug]))
    assert (
        f"Opinion groups among the {snapshot.grouped} of the {snapshot.participants} who voted "
        "that we could place: <strong>two clear groups</strong>."
    ) in own.content.decode()
    placed, voted = snapshot.grouped, snapshot.participants
    assert f"{placed} of the {voted} who voted were placed, in 2 groups" in page
    assert f"{snapshot.confident} of the {placed} placed" in page
    for g in snapshot.groups:
        assert f"{g['label']}: {g['size']} of the {placed} placed" in page
        assert g["representative"], "every statement divides the planted groups"
        r = g["representative"][0]
        # Each share names the people it is a share of: the group's voters and the others'.
        assert (
            f"of the {r['voters']} in the group who voted on it, against "
            f"{100 * r['others']:.0f}% of the {r['others_voters']} others placed who did."
        ) in page
    assert csv.splitlines()[0].startswith(
        "Statement,Agree,Disagree,Pass,Group A: % agree,Group A: voted,Group B: % agree,"
        "Group B: voted"
    )
    row = next(s for s in snapshot.statements if s["group_voters"][0])
    share = round(100 * row["groups"][0], 1)
    assert f"{row['text']},{row['agree']},{row['disagree']},{row['pass']},{share}," in csv
    assert f"{100 * row['groups'][0]:.0f}% of {row['group_voters'][0]}</td>" in page
    assert '"clarity"' not in api or "two clear groups" in api


def test_random_votes_show_no_clear_groups(client_for, cast):
    c, _, _ = consultation_with_votes(cast, groups=1)
    snapshot = services.store_opinion_groups(consultation=c, by=cast["pmo"])
    assert (snapshot.clarity, snapshot.groups) == ("no clear groups of opinion", [])
    body = client_for("pmo").get(reverse("engagement:manage", args=[c.slug])).content.decode()
    assert "No clear groups of opinion." in body
    assert "so no groups are shown" in body and "Group A" not in body
    assert f"{snapshot.grouped} of the {snapshot.participants} who voted were placed;" in body


def test_few_votes_are_not_placed_and_said_so(client_for, cast):
    c, statements, _ = consultation_with_votes(cast, groups=2, n=200)
    # Thirty people who voted on only two statements.
    late = Participant.objects.bulk_create(Participant(consultation=c) for _ in range(30))
    Vote.objects.bulk_create(
        Vote(participant=p, statement=s, value=1) for p in late for s in statements[:2]
    )
    snapshot = services.store_opinion_groups(consultation=c, by=cast["pmo"])
    assert snapshot.participants - snapshot.grouped >= 30
    body = client_for("pmo").get(reverse("engagement:manage", args=[c.slug])).content.decode()
    assert (
        f"the other {snapshot.participants - snapshot.grouped} voted on too few statements to "
        "place, so they are shown as not placed and make no group of their own"
    ) in body


def test_a_statement_hidden_after_publication_goes_from_page_csv_and_api_at_once(client_for, cast):
    c, statements, _ = consultation_with_votes(cast, groups=2)
    services.store_opinion_groups(consultation=c, by=cast["pmo"])
    close_and_publish(c, cast)
    hidden = statements[0]
    public = client_for("public")
    assert all(hidden.text in text for text in report_everywhere(public, c))
    # The programme office hides it; the groups are not recomputed (no worker has run).
    client_for("pmo").post(
        reverse("engagement:hide", args=["statement", hidden.pk]), {"reason": "Names a person"}
    )
    assert OpinionSnapshot.objects.filter(consultation=c).count() == 1
    page, csv, api = report_everywhere(public, c)
    assert hidden.text not in page
    assert hidden.text not in csv
    assert hidden.text not in api
    assert statements[1].text in page and statements[1].text in csv and statements[1].text in api


def test_recomputing_after_hiding_leaves_the_statement_out(
    client_for, cast, django_capture_on_commit_callbacks
):
    c, statements, _ = consultation_with_votes(cast, groups=2)
    services.store_opinion_groups(consultation=c, by=cast["pmo"])
    OpinionSnapshot.objects.update(computed_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(item=statements[0], approve=False, reason="Off topic", by=cast["pmo"])
    latest = OpinionSnapshot.objects.filter(consultation=c).first()
    assert OpinionSnapshot.objects.filter(consultation=c).count() == 2
    assert statements[0].pk not in {s["statement"] for s in latest.statements}
    assert len(latest.statements) == len(statements) - 1
