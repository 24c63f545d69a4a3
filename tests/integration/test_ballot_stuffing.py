"""Ballot stuffing: a vote from a browser that has not taken part yet counts only with an
unspent ticket from the page, one address makes only so many participants in 10 minutes (and
in a day: docs/decisions.md, "Rate limits for taking part"), and every
limit is counted in the database that all web processes share (clearing one process's cache,
as a second worker has its own, lets nothing more through)."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from footprint.engagement import services
from footprint.engagement.models import Consultation, Participant, Vote
from footprint.engagement.views import LIMITS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def still(monkeypatch):
    """The clock stands at one second past the hour, so no limit's window ends mid-test."""
    hour = timezone.now().replace(minute=0, second=1, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: hour)
    return hour


@pytest.fixture
def c(cast):
    today = timezone.localdate()
    consultation = Consultation.objects.create(
        title="Evening GP appointments",
        slug="evening-gp",
        summary="Should practices open later?",
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
        retention_until=today + dt.timedelta(days=90),
    )
    for text in ("Practices should open until 8pm.", "I would use a Saturday appointment."):
        services.add_partnership_statement(consultation=consultation, text=text, by=cast["pmo"])
    return consultation


def ticket(client, c) -> str:
    body = client.get(reverse("engagement:consultation", args=[c.slug])).content.decode()
    found = re.search(r'name="ticket" value="([^"]+)"', body)
    return found.group(1) if found else ""


def vote(client, c, *, value=1, statement=None, **extra):
    s = statement or c.statements.order_by("pk").first()
    return client.post(
        reverse("engagement:consultation_vote", args=[c.slug]),
        {"statement": s.pk, "value": value, **extra},
        follow=True,
    )


def test_votes_without_a_ticket_make_no_participants(c):
    """The probe's 200 rapid votes without the cookie made 200 participants."""
    said = [vote(Client(), c).content.decode() for _ in range(LIMITS["vote"][0] + 5)]
    assert "We could not count that vote. Please choose again." in said[0]
    assert "You are voting very fast" in said[-1]
    assert not Participant.objects.exists() and not Vote.objects.exists()


def test_a_ticket_makes_one_participant_however_often_it_is_sent(c):
    t = ticket(Client(), c)
    assert t
    for _ in range(20):
        vote(Client(), c, ticket=t)
    assert Participant.objects.count() == 1 and Vote.objects.count() == 1
    # A forged or altered ticket is refused.
    vote(Client(), c, ticket=t[:-2] + "xx")
    assert Participant.objects.count() == 1


def test_a_browser_votes_with_the_pages_ticket_then_with_its_cookie(c):
    browser = Client()
    said = vote(browser, c, ticket=ticket(browser, c)).content.decode()
    assert "I would use a Saturday appointment." in said and "Statement 2 of 2" in said
    # Having taken part, the browser's page carries no ticket and its votes need none.
    assert ticket(browser, c) == ""
    second = c.statements.order_by("pk").last()
    said = vote(browser, c, statement=second, value=-1).content.decode()
    assert "You have given your view on all 2 statements" in said
    assert Participant.objects.count() == 1
    assert sorted(Vote.objects.values_list("value", flat=True)) == [-1, 1]


def test_an_old_ticket_is_refused(c, still, monkeypatch):
    t = ticket(Client(), c)
    monkeypatch.setattr(timezone, "now", lambda: still + dt.timedelta(hours=2, seconds=1))
    said = vote(Client(), c, ticket=t).content.decode()
    assert "We could not count that vote." in said and not Participant.objects.exists()


def test_one_address_makes_only_so_many_participants_in_ten_minutes(c, settings):
    most, _ = LIMITS["participant"]
    for _ in range(most + 5):
        browser = Client()
        said = vote(browser, c, ticket=ticket(browser, c)).content.decode()
    assert "A lot of people have taken part from your internet connection" in said
    assert Participant.objects.count() == most
    # The page says so, once, and offers no buttons that cannot work.
    page = Client().get(reverse("engagement:consultation", args=[c.slug])).content.decode()
    assert (
        "A lot of people have taken part from your internet connection in the last 10 minutes"
        in page
    )
    assert ">Agree<" not in page and "Add my statement" not in page and 'name="ticket"' not in page
    # Behind a trusted proxy, someone else's address is counted on its own.
    settings.FOOTPRINT_TRUSTED_PROXIES = 1
    browser = Client(HTTP_X_FORWARDED_FOR="203.0.113.5")
    vote(browser, c, ticket=ticket(browser, c))
    assert Participant.objects.count() == most + 1


def test_the_vote_limit_holds_across_web_processes(c):
    """Each web process had its own count: with the count in the database, a second process
    (here: the cache emptied half way) lets no more through."""
    most, _ = LIMITS["vote"]
    browser = Client()
    vote(browser, c, ticket=ticket(browser, c))
    first = c.statements.order_by("pk").first()
    url = reverse("engagement:consultation_vote", args=[c.slug])
    refused = 0
    for i in range(most + 10):
        if i == most // 2:
            cache.clear()
        response = browser.post(url, {"statement": first.pk, "value": 1 - i % 3}, follow=True)
        refused += "You are voting very fast" in response.content.decode()
    # The first vote counted too: 11 of the 130 after it were refused.
    assert refused == 11


def test_posts_about_the_participant_are_limited(c, footprint):
    most, _ = LIMITS["about"]
    browser = Client()
    url = reverse("engagement:consultation_describe_yourself", args=[c.slug])
    for _ in range(most + 2):
        said = browser.post(url, {"age_band": "18-34", "place": ""}, follow=True)
    assert "A lot has been sent from your internet connection in the last 10 minutes" in (
        said.content.decode()
    )
    assert Participant.objects.count() == 1


def test_every_way_of_taking_part_counts_towards_the_participant_limit(c, monkeypatch):
    most, _ = LIMITS["participant"]
    monkeypatch.setitem(LIMITS, "about", (1000, 3600))
    url = reverse("engagement:consultation_describe_yourself", args=[c.slug])
    for _ in range(most + 3):
        said = Client().post(url, {"age_band": "", "place": ""}, follow=True)
    assert "A lot of people have taken part from your internet connection" in said.content.decode()
    assert Participant.objects.count() == most


def test_one_key_is_one_participant_even_if_two_first_votes_race(c):
    """The database holds one participant a key (blank keys, left when personal details are
    deleted, may repeat): a second row for the same key is refused, so two racing first votes
    from one browser cannot make two people."""
    Participant.objects.create(consultation=c, key="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(consultation=c, key="a" * 64)
    Participant.objects.create(consultation=c, key="")
    Participant.objects.create(consultation=c, key="")
    assert Participant.objects.filter(consultation=c).count() == 3
