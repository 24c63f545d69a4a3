"""Junk sent where engagement expects an id or a choice ("abc", "", "1e309", "NaN", a huge
number, a NUL) is turned away with a clear message or a not-found page: never a server error,
and nothing is saved."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from footprint.engagement import services
from footprint.engagement.models import (
    Consultation,
    Message,
    Participant,
    Question,
    Response,
    Vote,
)

JUNK = ["abc", "", "1e309", "NaN", "-5", "0", str(10**30), "9" * 400, "\x00", "1\x00", "½"]


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


@pytest.fixture
def message(cast, footprint):
    return Message.objects.create(
        title="Flu clinics", body="Book now.", sender=footprint["trust_a"], audience="staff_group"
    )


def ok(response):
    """Turned away helpfully: a page (or a redirect to one), never a server error."""
    assert response.status_code in (200, 302, 400, 403, 404), response.status_code
    return response


def test_a_junk_statement_id_in_a_vote_is_turned_away(c):
    """The browser walk's 500: POST /consultations/dales-community-beds/vote/ statement=abc."""
    for junk in JUNK:
        said = Client().post(
            reverse("engagement:consultation_vote", args=[c.slug]),
            {"statement": junk, "value": "1", "ticket": "x"},
            follow=True,
        )
        assert said.status_code in (200, 400), junk
        if "\x00" not in junk:
            assert "There is no such statement to vote on." in said.content.decode()
    assert not Participant.objects.exists() and not Vote.objects.exists()


def test_a_junk_vote_value_is_turned_away(c):
    browser = Client()
    s = c.statements.get()
    browser.post(  # take part first, so only the value is wrong
        reverse("engagement:consultation_describe_yourself", args=[c.slug]),
        {"age_band": "", "place": ""},
    )
    for junk in [j for j in JUNK if j != "0"]:
        said = ok(
            browser.post(
                reverse("engagement:consultation_vote", args=[c.slug]),
                {"statement": s.pk, "value": junk},
                follow=True,
            )
        )
        if "\x00" not in junk:
            assert "Agree, disagree or pass." in said.content.decode(), junk
    assert not Vote.objects.exists()


def test_a_junk_organisation_in_adopting_a_message_is_turned_away(client_for, message):
    """The browser walk's 500 for partners: POST /workspace/messages/2/adopt/ organisation=abc."""
    editor = client_for("editor_b")
    for junk in JUNK:
        said = editor.post(
            reverse("engagement:adopt_message", args=[message.pk]),
            {"organisation": junk},
            follow=True,
        )
        assert said.status_code in (200, 400), junk
        if "\x00" not in junk:
            assert "Choose one of your organisations" in said.content.decode()
    assert not message.adopted_by.exists()


def test_every_other_choice_and_id_sent_to_engagement_is_turned_away(client_for, c, message):
    """The forms' choices (age band, place, the response's statement and decision, the
    message's sender, place, neighbourhood and staff group), ids in addresses, and the inbox's
    page number."""
    for junk in JUNK:
        public = client_for("public")
        ok(
            public.post(
                reverse("engagement:consultation_describe_yourself", args=[c.slug]),
                {"age_band": junk, "place": junk},
            )
        )
        ok(
            public.post(
                reverse("engagement:consultation_answer", args=[c.slug]),
                {f"q{c.questions.get().pk}": junk, "website": junk},
            )
        )
        ok(public.get(f"/m/{junk or 'x'}/"))
        ok(public.get(f"/m/x/attachments/{10**30}/"))
        pmo = client_for("pmo")
        ok(
            pmo.post(
                reverse("engagement:add_response", args=[c.slug]),
                {"theme": "Beds", "statement": junk, "decision": junk, "response": "We will."},
            )
        )
        ok(
            pmo.post(
                reverse("engagement:message_new"),
                {
                    "title": "T",
                    "body": "B",
                    "sender": junk,
                    "audience": junk,
                    "place": junk,
                    "neighbourhood": junk,
                    "staff_group": junk,
                    "link_days": junk,
                },
            )
        )
        for name in ("approve", "hide"):
            ok(pmo.post(f"/workspace/engagement/moderation/statement/{10**30}/{name}/"))
            ok(pmo.post(f"/workspace/engagement/moderation/{junk or 'x'}/1/{name}/"))
        ok(pmo.get(f"/workspace/messages/{10**30}/"))
        ok(pmo.post(f"/workspace/messages/{10**30}/adopt/", {"organisation": "1"}))
        ok(pmo.post(f"/workspace/messages/{10**30}/remind/"))
        ok(pmo.get(f"/workspace/messages/{message.pk}/attachments/{10**30}/"))
        editor = client_for("editor_a")
        ok(editor.get(reverse("engagement:inbox"), {"page": junk}))
        ok(editor.get(f"/workspace/inbox/{10**30}/"))
        ok(editor.post(f"/workspace/inbox/{10**30}/acknowledge/"))
    assert not Response.objects.filter(statement__isnull=False).exists()
    assert Message.objects.count() == 1
