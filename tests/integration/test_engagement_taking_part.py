"""Taking part, as a person sees it: a statement with a mistake comes back with the error on
its field and the text kept, the page has no duplicate ids, and the buttons are told apart."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from footprint.engagement import services
from footprint.engagement.models import Consultation, Question, Statement


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def c(cast):
    today = timezone.localdate()
    consultation = Consultation.objects.create(
        title="Dales community beds",
        slug="dales-community-beds",
        summary="Should the community beds move?",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        retention_until=today + dt.timedelta(days=90),
    )
    services.add_partnership_statement(
        consultation=consultation, text="Beds should stay in the Dales.", by=cast["pmo"]
    )
    Question.objects.create(consultation=consultation, text="What matters most to you?")
    return consultation


def say(c, text):
    return Client().post(
        reverse("engagement:consultation_add_statement", args=[c.slug]), {"text": text}
    )


@pytest.mark.parametrize("length", [300, 2000])
def test_a_too_long_statement_keeps_its_text_and_says_why_on_the_field(c, length):
    text = ("Keep the beds near home " * 100)[:length]
    response = say(c, text)
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body  # the error summary, linking to the field
    assert 'href="#statement_text"' in body and 'id="statement_text"' in body
    assert f"Your statement must be 280 characters or fewer (it has {length})" in body
    assert 'id="statement_text-error"' in body  # the field's own error
    assert text.rstrip() in body  # what was written is kept
    assert "280 characters at most" in body
    assert 'data-module="nhsuk-character-count"' in body and 'data-maxlength="280"' in body
    assert not Statement.objects.filter(participant__isnull=False).exists()


def test_an_empty_statement_asks_for_one_in_words(c):
    body = say(c, "").content.decode()
    assert "Write your statement" in body and "This field is required." not in body
    assert 'href="#statement_text"' in body


def test_the_hint_gives_the_limit_before_anyone_goes_over_it(c):
    body = Client().get(reverse("engagement:consultation", args=[c.slug])).content.decode()
    assert "280 characters at most" in body


def test_the_consultation_page_has_no_duplicate_ids(c):
    body = Client().get(reverse("engagement:consultation", args=[c.slug])).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', body)
    assert ids and sorted({i for i in ids if ids.count(i) > 1}) == []
    assert body.count('name="website"') == 2  # both honeypots are still there


def test_taking_part_and_the_report_follow_the_day_given_not_the_clock(c, cast):
    # Left by the previous fixes: the services read the clock themselves; now they are given
    # today (the clock only when not given).
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import ValidationError

    from footprint.engagement import queries

    public = AnonymousUser()
    statement = c.statements.get()
    last, after = c.closes_on, c.closes_on + dt.timedelta(days=1)
    services.vote(consultation=c, key="k", statement=statement, value=1, by=public, today=last)
    with pytest.raises(ValidationError, match="not open"):
        services.vote(consultation=c, key="k", statement=statement, value=1, by=public, today=after)
    with pytest.raises(ValidationError, match="once the consultation has closed"):
        services.publish_report(consultation=c, by=cast["pmo"], today=last)
    services.publish_report(consultation=c, by=cast["pmo"], today=after)
    c.refresh_from_db()
    assert c.report_published_at is not None
    groups = queries.by_status(Consultation.objects.filter(pk=c.pk), after)
    assert [x.title for x in groups["closed"]] == ["Dales community beds"]


def test_a_too_long_answer_names_the_answer_and_quotes_the_question(c):
    """Walk EN1: the error used the question as the field's name ("What matters most to
    you? must be 2000 characters or fewer"). It names the answer, quoting the question."""
    q = c.questions.get()
    response = Client().post(
        reverse("engagement:consultation_answer", args=[c.slug]), {f"q{q.pk}": "a" * 2001}
    )
    body = response.content.decode()
    assert response.status_code == 400
    said = "Your answer to ‘What matters most to you?’ must be 2,000 characters or fewer"
    assert f"{said} (it has 2001)" in body
    assert "you? must be" not in body


def test_after_a_vote_the_next_statement_takes_the_focus_and_says_it_was_counted(c, cast):
    """Walk EN6: after each vote the page came back with the keyboard focus at its top. Now
    the vote brings the page back at the next statement's panel, which takes the focus
    (autofocus), with a status saying the view was recorded; the first visit focuses
    nothing."""
    services.add_partnership_statement(consultation=c, text="A second statement.", by=cast["pmo"])
    client = Client()
    page = reverse("engagement:consultation", args=[c.slug])
    body = client.get(page).content.decode()
    assert "autofocus" not in body and "Your view was recorded" not in body
    ticket = re.search(r'name="ticket" value="([^"]+)"', body).group(1)
    first = c.statements.order_by("pk").first()
    response = client.post(
        reverse("engagement:consultation_vote", args=[c.slug]),
        {"statement": first.pk, "value": 1, "ticket": ticket},
    )
    assert response["Location"] == f"{page}?voted=1"
    body = client.get(response["Location"]).content.decode()
    assert re.search(r'<div class="nhsuk-card" id="vote-panel" tabindex="-1"[^>]* autofocus>', body)
    assert 'role="status" id="vote-recorded">Your view was recorded.' in body
    assert "Statement 2 of 2" in body and body.count("autofocus") == 1
    # The last vote: the thank-you panel takes the focus.
    last = c.statements.order_by("pk").last()
    response = client.post(
        reverse("engagement:consultation_vote", args=[c.slug]), {"statement": last.pk, "value": 0}
    )
    body = client.get(response["Location"]).content.decode()
    assert "Your view was recorded. You have given your view on all 2 statements" in body
    assert body.count("autofocus") == 1
