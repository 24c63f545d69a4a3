"""Consultations: taking part without an account, moderation before anything is public, the
opinion groups recomputed as votes arrive, the report and its publication, and the deletion of
personal details after the retention date."""

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import resolve, reverse
from django.utils import timezone

from footprint.core.models import AuditEvent
from footprint.engagement import services
from footprint.engagement.models import (
    Answer,
    Audience,
    Consultation,
    Moderation,
    OpinionSnapshot,
    Participant,
    Question,
    Response,
    Statement,
    Vote,
)
from footprint.engagement.views import LIMITS
from footprint.partnership.models import Place

PUBLIC = AnonymousUser()  # a member of the public, as the services see them


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def open_consultation(cast):
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Evening GP appointments",
        slug="evening-gp",
        summary="Should practices open later?",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        retention_until=today + dt.timedelta(days=90),
    )
    for text in ("Practices should open until 8pm.", "I would use a Saturday appointment."):
        services.add_partnership_statement(consultation=c, text=text, by=cast["pmo"])
    Question.objects.create(consultation=c, text="What would help you most?")
    return c


def page(client, c):
    return client.get(reverse("engagement:consultation", args=[c.slug])).content.decode()


def test_a_member_of_the_public_votes_without_an_account(
    client, open_consultation, django_capture_on_commit_callbacks
):
    c = open_consultation
    first = c.statements.order_by("pk").first()
    body = page(client, c)
    assert "Practices should open until 8pm." in body
    # A first vote sends back the page's ticket (tests/integration/test_ballot_stuffing.py).
    ticket = re.search(r'name="ticket" value="([^"]+)"', body).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("engagement:consultation_vote", args=[c.slug]),
            {"statement": first.pk, "value": 1, "ticket": ticket},
        )
    assert response.status_code == 302 and "fp_taking_part" in response.cookies
    body = page(client, c)
    assert "I would use a Saturday appointment." in body and "Statement 2 of 2" in body
    # Changing one's mind changes the vote, not the count.
    client.post(
        reverse("engagement:consultation_vote", args=[c.slug]), {"statement": first.pk, "value": -1}
    )
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]
    assert Participant.objects.count() == 1
    # The groups were recomputed in the background after the first vote.
    assert OpinionSnapshot.objects.filter(consultation=c).count() == 1
    assert Participant.objects.get().key != client.cookies["fp_taking_part"].value  # only a digest


def test_own_statements_and_answers_wait_for_moderation(client_for, open_consultation):
    c = open_consultation
    public = client_for("public")
    said = public.post(
        reverse("engagement:consultation_add_statement", args=[c.slug]),
        {"text": "Pharmacies should do more."},
        follow=True,
    )
    assert "will appear once a moderator has checked it" in said.content.decode()
    answered = public.post(
        reverse("engagement:consultation_answer", args=[c.slug]),
        {f"q{c.questions.get().pk}": "Later hours."},
        follow=True,
    )
    assert "Thank you for your answers." in answered.content.decode()
    mine = Statement.objects.get(text="Pharmacies should do more.")
    assert mine.status == Moderation.PENDING and Answer.objects.get().status == Moderation.PENDING
    # Vote on both partnership statements: the pending one is never offered.
    for s in c.statements.filter(status=Moderation.APPROVED):
        public.post(
            reverse("engagement:consultation_vote", args=[c.slug]), {"statement": s.pk, "value": 1}
        )
    assert "Pharmacies should do more." not in page(public, c)
    assert (
        public.post(
            reverse("engagement:consultation_vote", args=[c.slug]),
            {"statement": mine.pk, "value": 1},
        ).status_code
        == 302
    )
    assert not Vote.objects.filter(statement=mine).exists()
    # Only the programme office moderates.
    approve = reverse("engagement:approve", args=["statement", mine.pk])
    assert client_for("editor_a").post(approve).status_code == 403
    assert client_for("editor_a").get(reverse("engagement:moderation")).status_code == 403
    assert client_for("public").post(approve).status_code == 302
    mine.refresh_from_db()
    assert mine.status == Moderation.PENDING
    pmo = client_for("pmo")
    assert (
        "Pharmacies should do more." in pmo.get(reverse("engagement:moderation")).content.decode()
    )
    pmo.post(approve)
    mine.refresh_from_db()
    assert mine.status == Moderation.APPROVED and mine.moderated_by.username == "pmo"
    assert "Statement 1 of 3" in page(client_for("public"), c)  # now offered to everyone


def test_hiding_needs_a_reason(client_for, open_consultation):
    c = open_consultation
    s = services.add_statement(
        consultation=c, key="someone", text="Something rude about a named GP.", by=PUBLIC
    )
    client = client_for("pmo")
    hide = reverse("engagement:hide", args=["statement", s.pk])
    refused = client.post(hide, {"reason": ""}, follow=True)
    assert "Give a reason for hiding it." in refused.content.decode()
    s.refresh_from_db()
    assert s.status == Moderation.PENDING
    client.post(hide, {"reason": "Names a person"})
    s.refresh_from_db()
    assert (s.status, s.reason) == (Moderation.HIDDEN, "Names a person")


def test_robots_links_and_floods_are_turned_away(client, open_consultation):
    c = open_consultation
    say = reverse("engagement:consultation_add_statement", args=[c.slug])
    robot = client.post(
        say, {"text": "Buy cheap pills now", "website": "spam.example"}, follow=True
    ).content.decode()
    assert "This looks automated." in robot
    link = client.post(say, {"text": "See https://spam.example for more"}, follow=True)
    assert "Statements cannot contain links." in link.content.decode()
    assert not Statement.objects.filter(participant__isnull=False).exists()
    most, _ = LIMITS["statement"]
    for i in range(most):
        client.post(say, {"text": f"Statement number {i} here"})
    # So many tries in 10 minutes from one address, the two refused ones included.
    assert Statement.objects.filter(participant__isnull=False).count() == most - 2
    said = client.get(reverse("engagement:consultation", args=[c.slug])).content.decode()
    assert "A lot of statements have been sent from your internet connection" in said
    assert "Add my statement" not in said


def test_a_closed_consultation_takes_no_more_votes(client, open_consultation):
    c = open_consultation
    c.closes_on = timezone.localdate() - dt.timedelta(days=1)
    c.save()
    s = c.statements.first()
    client.post(
        reverse("engagement:consultation_vote", args=[c.slug]), {"statement": s.pk, "value": 1}
    )
    assert not Vote.objects.exists()
    assert "Do you agree?" not in page(client, c)


def test_nothing_is_added_to_vote_on_or_answer_once_a_consultation_has_closed(
    client_for, open_consultation, cast
):
    """Walk EN4: a statement or question added after closing would appear nowhere public."""
    c = open_consultation
    pmo = client_for("pmo")
    manage = reverse("engagement:manage", args=[c.slug])
    assert (
        'action="' + reverse("engagement:add_statement", args=[c.slug])
        in pmo.get(manage).content.decode()
    )
    c.closes_on = timezone.localdate() - dt.timedelta(days=1)
    c.save()
    body = pmo.get(manage).content.decode()
    assert 'id="closed-to-additions"' in body
    assert reverse("engagement:add_statement", args=[c.slug]) not in body
    assert reverse("engagement:add_question", args=[c.slug]) not in body
    before = (c.statements.count(), c.questions.count())
    refused = pmo.post(
        reverse("engagement:add_statement", args=[c.slug]),
        {"text": "Open on Sundays too."},
        follow=True,
    ).content.decode()
    assert "a statement added now could not be voted on or answered" in refused
    pmo.post(reverse("engagement:add_question", args=[c.slug]), {"text": "Anything else?"})
    with pytest.raises(ValidationError, match="This consultation closed on"):
        services.add_partnership_statement(consultation=c, text="Late one.", by=cast["pmo"])
    assert (c.statements.count(), c.questions.count()) == before


def test_partner_only_consultations_are_not_public(client_for, open_consultation):
    c = open_consultation
    c.audience = Audience.PARTNERS
    c.save()
    assert (
        client_for("public").get(reverse("engagement:consultation", args=[c.slug])).status_code
        == 404
    )
    assert (
        c.title
        not in client_for("public").get(reverse("engagement:consultations")).content.decode()
    )
    partner = client_for("viewer").get(reverse("engagement:consultation", args=[c.slug]))
    assert partner.status_code == 200 and "Should practices open later?" in partner.content.decode()
    assert client_for("public").get("/api/v1/consultations").json() == []


def vote_many(c, people=30):
    """People in two camps: half agree with both statements, half disagree with both."""
    statements = list(c.statements.filter(status=Moderation.APPROVED))
    for i in range(people):
        for s in statements:
            services.vote(
                consultation=c, key=f"person-{i}", statement=s, value=1 if i % 2 else -1, by=PUBLIC
            )


def test_the_report_is_published_after_closing_and_only_then_public(
    client_for, open_consultation, cast
):
    c = open_consultation
    vote_many(c)
    snapshot = services.store_opinion_groups(consultation=c, by=cast["pmo"])
    assert snapshot.participants == 30 and sum(g["size"] for g in snapshot.groups) == 30
    Response.objects.create(
        consultation=c, theme="Open later", response="Four practices now open until 8pm."
    )
    report = reverse("engagement:consultation_report", args=[c.slug])
    assert client_for("public").get(report).status_code == 404
    assert client_for("viewer").get(report).status_code == 404
    preview = client_for("pmo").get(report).content.decode()  # the programme office previews it
    assert "Four practices now open until 8pm." in preview
    publish = reverse("engagement:publish", args=[c.slug])
    client_for("pmo").post(publish)
    c.refresh_from_db()
    assert c.report_published_at is None  # still open: not yet
    c.closes_on = timezone.localdate() - dt.timedelta(days=1)
    c.save()
    assert client_for("editor_a").post(publish).status_code == 403
    client_for("pmo").post(publish)
    body = client_for("public").get(report).content.decode()
    assert "Four practices now open until 8pm." in body and "30</strong> people took part" in body
    csv = (
        client_for("public")
        .get(reverse("engagement:consultation_report_csv", args=[c.slug]))
        .content.decode("utf-8-sig")
    )
    assert csv.splitlines()[0].startswith("Statement,Agree,Disagree,Pass,Group A: % agree")
    assert "Practices should open until 8pm.,15,15,0" in csv
    api = client_for("public").get(f"/api/v1/consultations/{c.slug}/report").json()
    assert api["reach"]["participants"] == 30 and api["responses"][0]["we_did"].startswith("Four")


def test_a_recompute_after_publication_is_a_draft_until_published_again(
    client_for, open_consultation, cast
):
    """Walk EN3: pressing Recompute on a closed, published consultation changed the public
    report's opinion groups. The public report, its CSV, the API and the consultation's page
    keep the groups it was published with; the workspace shows the new ones as a draft, and
    publishing again shows them."""
    c = open_consultation
    vote_many(c)
    published = services.store_opinion_groups(consultation=c, by=cast["pmo"])
    statements = list(c.statements.filter(status=Moderation.APPROVED))
    for i in range(30, 40):  # more votes, not yet in any groups found
        for s in statements:
            services.vote(
                consultation=c, key=f"person-{i}", statement=s, value=1 if i % 2 else -1, by=PUBLIC
            )
    c.closes_on = timezone.localdate() - dt.timedelta(days=1)
    c.save()
    services.publish_report(consultation=c, by=cast["pmo"])
    draft = services.store_opinion_groups(consultation=c, by=cast["pmo"])  # Recompute
    assert (published.votes, draft.votes) == (60, 80)
    report = reverse("engagement:consultation_report", args=[c.slug])
    public = client_for("public")
    body = public.get(report).content.decode()
    assert "from 60 votes" in body and "from 80 votes" not in body
    assert "recomputed-since-published" not in body  # the public is not told about drafts
    csv = public.get(reverse("engagement:consultation_report_csv", args=[c.slug]))
    assert "Practices should open until 8pm.,15,15,0" in csv.content.decode("utf-8-sig")
    api = public.get(f"/api/v1/consultations/{c.slug}/report").json()
    assert api["statements"] == published.statements and api["groups"] == published.groups
    page_ = page(public, c)
    assert "of the 30 who voted" in page_ and "of the 40 who voted" not in page_
    # Partners: the report says it was recomputed; the workspace shows the draft.
    pmo = client_for("pmo")
    body = pmo.get(report).content.decode()
    assert "Recomputed since published" in body and "from 60 votes" in body
    manage = pmo.get(reverse("engagement:manage", args=[c.slug])).content.decode()
    assert "Draft: not yet published" in manage and "from 80 votes" in manage
    # Published again: the public report shows the new groups.
    services.publish_report(consultation=c, by=cast["pmo"])
    body = public.get(report).content.decode()
    assert "from 80 votes" in body
    assert "recomputed-since-published" not in pmo.get(report).content.decode()


def reach_tables(body):
    """Each "who took part" table on a page, by its id: its rows as (name, people), people
    None where the page says "fewer than 5"."""
    tables = {}
    for key, table in re.findall(
        r'<table class="nhsuk-table" id="reach-(\w+)">(.*?)</table>', body, re.S
    ):
        cells = re.findall(r'<td class="nhsuk-table__cell[^"]*">([^<]*)</td>', table)
        tables[key] = [
            (n, None if v == "fewer than 5" else int(v.replace(",", "")))
            for n, v in zip(cells[::2], cells[1::2], strict=True)
        ]
    return tables


def test_every_breakdown_of_who_took_part_adds_up_to_everyone(
    client_for, open_consultation, cast, footprint
):
    """Age band and place are optional: each breakdown ends with "Did not say", so it adds up
    to the number who took part, on the page, in the CSV and in the API."""
    c = open_consultation
    vote_many(c, people=12)
    north, south = footprint["north"], footprint["south"]
    told = [("18-34", north), ("18-34", None), ("75+", south), ("", north), ("35-54", None)]
    for i, (age_band, place) in enumerate(told):
        services.describe_yourself(
            consultation=c, key=f"person-{i}", age_band=age_band, place=place, by=PUBLIC
        )
    # A place nobody chose is shown with 0, as an age band nobody chose is.
    Place.objects.create(system=north.system, name="Eastshire", slug="eastshire", code="E10000903")
    c.closes_on = timezone.localdate() - dt.timedelta(days=1)
    c.save()
    services.publish_report(consultation=c, by=cast["pmo"])
    # Counts below 5 (2, 1 and 0 here) are withheld: "fewer than 5" (None).
    expected = {
        "place": [
            ("Eastshire", None),
            ("Northshire", None),
            ("Southshire", None),
            ("Did not say", 9),
        ],
        "age": [
            ("Under 18", None),
            ("18 to 34", None),
            ("35 to 54", None),
            ("55 to 74", None),
            ("75 and over", None),
            ("Did not say", 8),
        ],
    }
    public = client_for("public")
    for page_name in ("engagement:consultation_report", "engagement:manage"):
        who = "public" if page_name == "engagement:consultation_report" else "viewer"
        body = client_for(who).get(reverse(page_name, args=[c.slug])).content.decode()
        assert reach_tables(body) == expected, page_name
        assert "By age: all 12 who took part" in body and "By place: all 12 who took part" in body
    report = public.get(reverse("engagement:consultation_report", args=[c.slug])).content.decode()
    assert reverse("engagement:consultation_reach_csv", args=[c.slug]) in report
    csv = (
        public.get(reverse("engagement:consultation_reach_csv", args=[c.slug]))
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert csv[0] == "By,Group,People"
    rows = [line.split(",") for line in csv[1:]]
    for title, key in (("Place", "place"), ("Age", "age")):
        assert [
            (g, None if n == "fewer than 5" else int(n)) for by, g, n in rows if by == title
        ] == expected[key]
    api = public.get(f"/api/v1/consultations/{c.slug}/report").json()["reach"]
    assert api["participants"] == 12
    for key in ("place", "age"):
        assert list(api[f"by_{key}"].items()) == expected[key]
    assert api["withheld_below"] == 5
    # The partners' preview of an unpublished report's figures is not public.
    assert (
        client_for("public")
        .get(reverse("engagement:consultation_reach_csv", args=["no-such"]))
        .status_code
        == 404
    )


def test_personal_details_deleted_count_as_did_not_say(client_for, open_consultation, cast):
    c = open_consultation
    vote_many(c, people=6)
    services.describe_yourself(
        consultation=c, key="person-0", age_band="35-54", place=None, by=PUBLIC
    )
    c.closes_on = timezone.localdate() - dt.timedelta(days=2)
    c.retention_until = timezone.localdate() - dt.timedelta(days=1)
    c.save()
    services.delete_personal_details(today=timezone.localdate(), by=cast["pmo"])
    services.publish_report(consultation=c, by=cast["pmo"])
    body = (
        client_for("public")
        .get(reverse("engagement:consultation_report", args=[c.slug]))
        .content.decode()
    )
    assert reach_tables(body)["age"][-1] == ("Did not say", 6)


def test_opinion_group_shares_give_their_denominators(client_for, open_consultation, cast):
    """Each group is so many of the people placed; the page says how many voted and how
    many took part, so a share never stands without what it is a share of."""
    c = open_consultation
    vote_many(c)
    # Took part: wrote, never voted.
    services.answer(
        consultation=c, key="quiet", answers=[(c.questions.get(), "Later hours.")], by=PUBLIC
    )
    snapshot = services.store_opinion_groups(consultation=c, by=cast["pmo"])
    body = client_for("pmo").get(reverse("engagement:manage", args=[c.slug])).content.decode()
    placed, voted = snapshot.grouped, snapshot.participants
    assert f"31 people took part and {voted} voted." in body
    assert f"{placed} of the {voted} who voted were placed, in" in body
    for g in snapshot.groups:
        share = f"{100 * g['size'] / placed:.0f}%"
        assert f"{g['label']}: {g['size']} of the {placed} placed ({share})</h3>" in body
        assert f"{g['label']} ({g['size']}) agree</th>" in body


def test_the_report_lists_each_answer_once(client_for, open_consultation, cast):
    """The same words from three people are one quote, with how many wrote them; the
    partnership's response to them is listed once."""
    c = open_consultation
    question = c.questions.get()
    for i, text in enumerate(["Later hours.", "Later  hours.", "later hours.", "Saturdays."]):
        (a,) = services.answer(
            consultation=c, key=f"writer-{i}", answers=[(question, text)], by=PUBLIC
        )
        services.moderate(item=a, approve=True, reason="", by=cast["pmo"])
    statement = c.statements.first()
    vote_many(c)
    Response.objects.create(
        consultation=c, statement=statement, theme="Open later", response="Open until 8pm."
    )
    body = (
        client_for("pmo")
        .get(reverse("engagement:consultation_report", args=[c.slug]))
        .content.decode()
    )
    assert body.count("Later hours.") == 1 and body.count("Saturdays.") == 1
    assert "3 people wrote this." in body
    assert body.count("Open until 8pm.") == 1


def test_personal_details_are_deleted_after_the_retention_date(open_consultation, cast):
    c = open_consultation
    mine = {"consultation": c, "key": "someone", "by": PUBLIC}
    services.describe_yourself(**mine, age_band="35-54", place=None)
    services.answer(**mine, answers=[(c.questions.get(), "Pending words")])
    services.vote(**mine, statement=c.statements.first(), value=1)
    p = Participant.objects.get()
    assert services.delete_personal_details(today=c.retention_until, by=cast["pmo"]) == 0
    c.retention_until = timezone.localdate() - dt.timedelta(days=1)
    c.save()
    call_command("delete_personal_details")
    p.refresh_from_db()
    assert (p.key, p.age_band) == ("", "")
    assert not Answer.objects.exists() and Vote.objects.count() == 1  # the vote stays, unlinked


def test_the_web_address_and_the_dates_are_checked_in_plain_words_in_one_round(
    client_for, open_consultation
):
    """Walk EN5: a web address in use, or not as the hint says, is refused naming the field;
    each date's year is checked on its own as well as against the others, all at once."""
    new = reverse("engagement:new")
    pmo = client_for("pmo")
    today = timezone.localdate()
    form = {
        "title": "Beds",
        "slug": "evening-gp",  # the open consultation's
        "summary": "About beds",
        "audience": "public",
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=30),
        "retention_until": today + dt.timedelta(days=90),
    }
    said = unescape(pmo.post(new, form).content.decode())
    assert "Another consultation already has this web address: choose another" in said
    assert "Slug" not in said
    for bad in ("beds_winter", "beds winter", "-beds", "beds--winter", "beds!"):
        said = unescape(pmo.post(new, form | {"slug": bad}).content.decode())
        assert "Web address: use only lower-case letters, numbers and hyphens" in said, bad
        assert "valid “slug”" not in said
    said = unescape(
        pmo.post(
            new,
            form | {"slug": "beds", "opens_on": "", "closes_on": "0226-01-01"},
        ).content.decode()
    )
    assert "Closes: 226 is before 2000" in said  # judged though it opens on no day
    said = unescape(
        pmo.post(
            new, form | {"slug": "beds", "closes_on": "", "retention_until": "9999-01-01"}
        ).content.decode()
    )
    assert "Personal details kept until: 9999 is more than 6 years after" in said
    assert Consultation.objects.count() == 1
    pmo.post(new, form | {"slug": "Beds-Winter-2026"})
    assert Consultation.objects.filter(slug="beds-winter-2026").exists()


def test_only_the_programme_office_sets_up_consultations(client_for, footprint):
    new = reverse("engagement:new")
    assert client_for("viewer").get(new).status_code == 403
    today = timezone.localdate()
    beds = {
        "title": "Beds",
        "slug": "beds",
        "summary": "About beds",
        "audience": "public",
        "opens_on": today,
        "closes_on": today - dt.timedelta(days=1),
        "retention_until": today,
    }
    response = client_for("pmo").post(new, beds)
    assert "It must close after it opens" in response.content.decode()
    assert not Consultation.objects.exists()
    beds |= {
        "closes_on": today + dt.timedelta(days=30),
        "retention_until": today + dt.timedelta(90),
    }
    response = client_for("pmo").post(new, beds)
    assert response["Location"] == reverse("engagement:manage", args=["beds"])
    saved = Consultation.objects.get()
    assert saved.history.first().history_user.username == "pmo"
    assert AuditEvent.objects.filter(action="save_consultation", actor__username="pmo").exists()
    workspace = client_for("viewer").get(reverse("engagement:index")).content.decode()
    assert reverse("engagement:manage", args=["beds"]) in workspace and ">Beds</a>" in workspace


# --- Messages --------------------------------------------------------------------------------


@pytest.fixture
def practices(footprint):
    from footprint.partnership.models import Organisation, OrganisationKind

    out = list(Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).order_by("ods_code"))
    for o in out:
        o.contact_email = f"{o.ods_code.lower()}@practice.example"
        o.save()
    return out


def send(client, **fields):
    return client.post(
        reverse("engagement:message_new"), {"title": "Winter plan", "body": "Read this.", **fields}
    )


def test_a_message_reaches_every_practice_with_a_personal_link(
    client_for, practices, mailoutbox, django_capture_on_commit_callbacks
):
    from footprint.engagement.models import Message, Recipient

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client_for("pmo"), audience="all_practices")
    message = Message.objects.get()
    assert response["Location"] == reverse("engagement:message", args=[message.pk])
    assert message.recipients.count() == 3 and len(mailoutbox) == 3
    link = next(line for line in mailoutbox[0].body.splitlines() if "/m/" in line)
    path = link[link.index("/m/") :]
    # The practice opens its link (read), then acknowledges.
    public = client_for("public")
    assert "Winter plan" in public.get(path).content.decode()
    recipient = Recipient.objects.get(email=mailoutbox[0].to[0])
    assert recipient.read_at is not None and recipient.acknowledged_at is None
    public.post(path)
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is not None
    assert public.get("/m/1-forged/").status_code == 404
    page = (
        client_for("viewer").get(reverse("engagement:message", args=[message.pk])).content.decode()
    )
    reach = "3 recipients: <strong>1</strong> have read it and <strong>1</strong> have acknowledged"
    assert f"{reach} it (33%)" in page
    assert "North One" in page  # reach by neighbourhood


def test_the_message_form_offers_only_real_audiences(client_for, practices, open_consultation):
    """The "To" radio buttons are one for each audience, with no blank "---------" one; the
    lists say "none" in words too, here and on the consultation forms."""
    from footprint.engagement.models import MessageAudience

    for who in ("pmo", "editor_a"):
        form = client_for(who).get(reverse("engagement:message_new")).content.decode()
        values = re.findall(r'<input class="nhsuk-radios__input"[^>]*name="audience"[^>]*>', form)
        assert [re.search(r'value="([^"]*)"', v).group(1) for v in values] == list(
            MessageAudience.values
        ), who
        assert "---------" not in form  # nor in the lists: "Not for one place" and so on
        assert re.search(r'<option value=""\s*>Not for one place</option>', form)
    # Sending with no audience chosen is refused with a clear error, not a blank audience.
    response = send(client_for("pmo"))
    body = response.content.decode()
    assert response.status_code == 200 and "Choose who the message goes to" in body
    for page_name, args in (
        ("engagement:new", []),
        ("engagement:manage", [open_consultation.slug]),
    ):
        assert (
            "---------" not in client_for("pmo").get(reverse(page_name, args=args)).content.decode()
        )


def test_audiences_pick_the_right_practices(client_for, practices, footprint):
    from footprint.engagement.models import Message

    send(client_for("pmo"), audience="place_practices", place=footprint["south"].pk)
    assert [r.organisation.ods_code for r in Message.objects.get().recipients.all()] == ["A00002"]
    response = send(client_for("pmo"), audience="neighbourhood_practices")
    assert "Choose the neighbourhood it goes to" in response.content.decode()
    send(
        client_for("pmo"),
        audience="neighbourhood_practices",
        neighbourhood=footprint["hoods"]["N1"].pk,
        title="N1",
    )
    assert Message.objects.get(title="N1").recipients.count() == 2


def test_reminders_go_only_to_those_who_have_not_acknowledged(
    cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    from footprint.engagement.models import Message

    message = Message.objects.create(title="Flu", body="Book now.", audience="all_practices")
    services.send_message(message=message, by=cast["pmo"])
    first = message.recipients.first()
    now = timezone.now()
    services.acknowledge(key=services.link_key(first, issued_at=now), now=now)
    later = now + dt.timedelta(days=4)
    due = {"older_than": dt.timedelta(days=3), "now": later, "by": cast["pmo"]}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(**due) == 2
    assert len(mailoutbox) == 2 and first.email not in {m.to[0] for m in mailoutbox}
    # Not again the same day.
    assert services.send_due_reminders(**due) == 0


def test_the_daily_command_reminds_with_a_fresh_link_to_the_practice_address_now(
    cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    """``manage.py send_message_reminders`` (run daily): a practice that has not acknowledged a
    message sent four days ago is emailed at its contact address as it is now, with a link
    issued today that opens its own message; one that acknowledged is not."""
    from footprint.engagement.models import Message, Recipient

    message = Message.objects.create(title="Flu", body="Book now.", audience="all_practices")
    services.send_message(message=message, by=cast["pmo"])
    sent = timezone.now() - dt.timedelta(days=4)
    Message.objects.filter(pk=message.pk).update(sent_at=sent)
    done, waiting, moved = (message.recipients.get(organisation=o) for o in practices)
    services.acknowledge(key=services.link_key(done, issued_at=sent), now=sent)
    practices[2].contact_email = "new.manager@practice.example"
    practices[2].save()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_message_reminders", days=3, stdout=io.StringIO())
    assert sorted(m.to[0] for m in mailoutbox) == [
        "a00001@practice.example",
        "new.manager@practice.example",
    ]
    for mail, recipient in zip(
        sorted(mailoutbox, key=lambda m: m.to[0]), [waiting, moved], strict=True
    ):
        assert mail.subject == "Reminder: Flu"
        link = next(line for line in mail.body.splitlines() if "/m/" in line)
        opened = services.link_for(resolve(link[link.index("/m/") :]).kwargs["key"])
        assert opened.recipient.pk == recipient.pk
        assert opened.issued_at >= before.replace(microsecond=0)  # fresh: issued today
        assert not opened.expired(timezone.now() + dt.timedelta(days=89))
    assert Recipient.objects.get(pk=moved.pk).email == "new.manager@practice.example"
    assert Recipient.objects.get(pk=done.pk).reminded_at is None
    # Run again the same day: nobody is reminded twice.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_message_reminders", days=3, stdout=io.StringIO())
    assert mailoutbox == []


def test_editors_send_for_their_own_organisation_and_others_adopt_it(
    client_for, cast, practices, footprint
):
    from footprint.engagement.models import Message

    assert client_for("viewer").get(reverse("engagement:message_new")).status_code == 403
    form = client_for("editor_a").get(reverse("engagement:message_new")).content.decode()
    assert "Trust A Hospitals" in form and "Trust B Hospitals" not in form
    send(
        client_for("editor_a"),
        audience="staff_group",
        staff_group="nurses",
        sender=footprint["trust_a"].pk,
    )
    message = Message.objects.get()
    assert message.from_whom == "Trust A Hospitals"
    forged = send(client_for("editor_a"), audience="all_practices", sender=footprint["trust_b"].pk)
    assert forged.status_code == 200 and Message.objects.count() == 1
    adopt = reverse("engagement:adopt_message", args=[message.pk])
    client_for("editor_b").post(adopt, {"organisation": footprint["trust_b"].pk})
    assert list(message.adopted_by.values_list("ods_code", flat=True)) == ["RB1"]
    assert (
        client_for("editor_b").post(adopt, {"organisation": footprint["trust_a"].pk}).status_code
        == 403
    )


def test_the_programme_office_adds_documents_people_can_read(client_for, open_consultation):
    c = open_consultation
    add = reverse("engagement:add_document", args=[c.slug])
    assert (
        client_for("viewer").post(add, {"title": "x", "url": "https://example.org"}).status_code
        == 403
    )
    client_for("pmo").post(add, {"title": "The full proposal", "url": "https://example.org/p.pdf"})
    client_for("pmo").post(add, {"title": "Bad", "url": "not a web address"})
    assert list(c.documents.values_list("title", flat=True)) == ["The full proposal"]
    assert 'href="https://example.org/p.pdf">The full proposal' in page(client_for("public"), c)


def test_partners_see_only_approved_statements_in_the_workspace(client_for, open_consultation):
    c = open_consultation
    services.add_statement(consultation=c, key="k", text="Unchecked words here", by=PUBLIC)
    manage = reverse("engagement:manage", args=[c.slug])
    assert "Unchecked words here" not in client_for("viewer").get(manage).content.decode()
    assert "Unchecked words here" in client_for("pmo").get(manage).content.decode()


def test_a_title_with_a_line_break_is_refused_on_its_field_and_nothing_is_sent(
    client_for, cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    """Probe E1: a title with CR/LF (a header injection attempt) used to be saved and marked
    sent, then the email hook failed with a server error and nothing went. Now the form says
    what is wrong on the title, and nothing is saved or sent; the service refuses it too."""
    from footprint.engagement.models import Message

    with django_capture_on_commit_callbacks(execute=True):
        response = send(
            client_for("pmo"),
            audience="all_practices",
            title="Hi\r\nBcc: victim@example.org\r\nX-Injected: 1",
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Write the title on one line, without line breaks" in body
    assert Message.objects.count() == 0 and mailoutbox == []
    assert not AuditEvent.objects.filter(action="send_message").exists()
    # Straight to the service (as the API or a script would): refused, nothing half-done.
    message = Message(title="Hi\nBcc: x@example.org", body="b", audience="all_practices")
    with pytest.raises(Exception, match="one line"):
        services.send_message(message=message, by=cast["pmo"])
    assert Message.objects.count() == 0
    # A message saved before the rule (made directly): building its emails fails before it
    # is marked sent, so it stays unsent, with no recipients.
    old = Message.objects.create(title="Old\r\nX: 1", body="b", audience="all_practices")
    with pytest.raises(Exception, match="one line"):
        services.send_message(message=old, by=cast["pmo"])
    old.refresh_from_db()
    assert old.sent_at is None and old.recipients.count() == 0 and mailoutbox == []


def test_one_person_cannot_flood_the_practices_with_messages(
    client_for, cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    """Probe E2: an editor sent 12 messages to every practice in six seconds. Now one person
    sends at most MESSAGES_AN_HOUR an hour (and MESSAGES_A_DAY a day), counted in the shared
    database limiter; the next is refused with a clear message and nothing is saved or sent.
    Someone else may still send."""
    from footprint.engagement.models import Message
    from footprint.partnership.models import Organisation

    editor = client_for("editor_a")
    trust_a = Organisation.objects.get(ods_code="RA1")
    for n in range(services.MESSAGES_AN_HOUR):
        with django_capture_on_commit_callbacks(execute=True):
            response = send(editor, audience="all_practices", title=f"Flood {n}", sender=trust_a.pk)
        assert response.status_code == 302, n
    assert len(mailoutbox) == 3 * services.MESSAGES_AN_HOUR
    with django_capture_on_commit_callbacks(execute=True):
        refused = send(editor, audience="all_practices", title="One more", sender=trust_a.pk)
    body = refused.content.decode()
    assert refused.status_code == 200
    assert f"one person may send at most {services.MESSAGES_AN_HOUR} messages an hour" in body
    assert not Message.objects.filter(title="One more").exists()
    assert len(mailoutbox) == 3 * services.MESSAGES_AN_HOUR
    # The programme office is counted on its own.
    assert send(client_for("pmo"), audience="all_practices", title="Flu").status_code == 302


def test_reminders_go_at_most_once_a_day_however_often_the_button_is_pressed(
    client_for, cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    """Probe E2: the reminder button emailed every waiting practice each time it was pressed.
    Now a recipient is emailed about a message at most once a day: just sent, nobody is
    reminded; two days on, the first press reminds each waiting practice and a second press the
    same day emails nobody, saying why."""
    from footprint.engagement.models import Message

    message = Message.objects.create(title="Flu", body="Book now.", audience="all_practices")
    services.send_message(message=message, by=cast["pmo"])
    remind = reverse("engagement:message_send_reminders", args=[message.pk])
    pmo = client_for("pmo")
    with django_capture_on_commit_callbacks(execute=True):
        page = pmo.post(remind, follow=True).content.decode()
    assert "No reminders sent" in page and "at most once a day" in page and mailoutbox == []
    Message.objects.filter(pk=message.pk).update(sent_at=timezone.now() - dt.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        page = pmo.post(remind, follow=True).content.decode()
    assert "3 reminders sent." in page and len(mailoutbox) == 3
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            page = pmo.post(remind, follow=True).content.decode()
        assert "No reminders sent" in page
    assert len(mailoutbox) == 3


def test_a_message_sent_before_titles_were_one_line_is_still_reminded(
    cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    """A message stored (and sent) with a line break in its title before the rule must not
    stop the daily reminders for every message: its reminders go, with the title on one line
    in the subject."""
    from footprint.engagement.models import Message, Recipient

    old = Message.objects.create(title="Flu", body="b", audience="all_practices")
    services.send_message(message=old, by=cast["pmo"])
    sent = timezone.now() - dt.timedelta(days=4)
    Message.objects.filter(pk=old.pk).update(title="Flu\r\nBcc: x@example.org", sent_at=sent)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_message_reminders", days=3, stdout=io.StringIO())
    assert len(mailoutbox) == 3
    assert {m.subject for m in mailoutbox} == {"Reminder: Flu Bcc: x@example.org"}
    assert all(m.bcc == [] for m in mailoutbox)
    assert Recipient.objects.filter(reminded_at__isnull=False).count() == 3
