"""Forms of decisions and finance given what a slip or an attacker types: amounts that are not
finite or not plausible, dates with a mistyped year. Each is refused on its field in words,
nothing is saved, and nothing fails with a server error."""

import datetime as dt
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from footprint.decisions.models import Meeting, Proposal
from footprint.finance.forms import MoveForm

pytestmark = pytest.mark.django_db


def proposal_form(forums, **changes) -> dict:
    return {
        "title": "Stroke rehab at home",
        "summary": "Rehabilitation at home after a stroke.",
        "options": "Do nothing\nRehab at home",
        "recommended_option": "Rehab at home",
        "decision_type": forums["investment"].pk,
        "brought_to": forums["alliance"].pk,
        "value_pounds": "1000",
        "confidentiality": "public",
        **changes,
    }


@pytest.mark.parametrize(
    ("amount", "said"),
    [
        ("nan", "Line 1: 'nan' is not an amount of money"),
        ("Infinity", "Line 1: 'Infinity' is not an amount of money"),
        ("-inf", "Line 1: '-inf' is not an amount of money"),
        ("1e400", "Line 1: 1e400 is more than £10,000,000,000: is it in pounds?"),
        ("-25000000000", "Line 1: -25000000000 is more than £10,000,000,000: is it in pounds?"),
    ],
)
def test_money_in_and_out_must_be_a_plausible_amount(client_for, forums, amount, said):
    page = client_for("editor_a").post(
        reverse("decisions:proposal_new"), proposal_form(forums, money=f"RA1, {amount}")
    )
    assert page.status_code == 200
    assert said in unescape(page.content.decode())
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("written", ["£-250000.50", "-250,000.50", "-£250,000.50", "-250 000.50"])
def test_a_plausible_amount_of_money_in_and_out_is_kept_to_the_penny(client_for, forums, written):
    """Written as people write money: with a pound sign, thousands separators or spaces."""
    client_for("editor_a").post(
        reverse("decisions:proposal_new"),
        proposal_form(forums, value_pounds="250000.50", money=f"RA1, {written}"),
    )
    (flow,) = Proposal.objects.get().money.all()
    assert flow.amount_pence == -25_000_050


def test_a_confidential_item_with_a_mistyped_year_is_not_published_at_once(client_for, forums):
    page = client_for("editor_a").post(
        reverse("decisions:proposal_new"),
        proposal_form(
            forums,
            confidentiality="confidential",
            confidential_reason="Negotiating",
            publish_after="0226-03-01",
        ),
    )
    said = "Date it may be published: 226 is before 2000: is the year right?"
    assert said in unescape(page.content.decode())
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("day", "said"),
    [
        ("1926-03-01", "Date of the meeting: 1926 is before 2000: is the year right?"),
        ("2062-03-01", "Date of the meeting: 2062 is more than a year after"),
    ],
)
def test_a_meeting_date_must_be_plausible(client_for, forums, day, said):
    before = Meeting.objects.count()
    page = client_for("pmo").post(
        reverse("decisions:forum", args=["alliance"]), {"date": day}, follow=True
    )
    assert said in unescape(page.content.decode())
    assert Meeting.objects.count() == before


def test_a_consent_deadline_more_than_a_year_away_is_refused(client_for, forums, cast):
    from tests.integration.test_decisions import propose

    proposal = propose(forums, cast)
    far = timezone.localdate() + dt.timedelta(days=400)
    page = client_for("pmo").post(
        reverse("decisions:proposal_ask_consent", args=[proposal.pk]),
        {"a-deadline": far.isoformat()},
        follow=True,
    )
    assert "is more than a year after today" in unescape(page.content.decode())
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT


@pytest.mark.parametrize(
    ("units", "said"),
    [
        ("nan", "Units a year: enter a number, e.g. 1200"),
        ("1e400", "Units a year: enter a number, e.g. 1200"),
        ("1e300", "Units a year must be 50,000,000 or fewer: is it a year's units?"),
    ],
)
def test_a_typed_move_of_units_must_be_plausible(footprint, units, said):
    form = MoveForm({"units": units, "service": "op", "move_year": "2026"}, years=[2026])
    assert not form.is_valid()
    assert form.errors["units"] == [said]


def test_a_you_said_we_did_response_names_only_a_decision_the_public_may_see(
    client_for, forums, cast, footprint
):
    from footprint.engagement.models import Consultation, Response
    from footprint.engagement.services import add_response
    from tests.integration.test_decisions import decided

    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Evening GP appointments",
        slug="evening-gp",
        summary="Should practices open later?",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
        retention_until=today + dt.timedelta(days=90),
    )
    public = decided(forums, cast, footprint, title="Open evening hub")
    secret = decided(
        forums,
        cast,
        footprint,
        title="Secret contract",
        confidentiality="confidential",
        confidential_reason="Negotiating",
        publish_after=dt.date(2099, 1, 1),
    )
    client = client_for("pmo")
    add = reverse("engagement:add_response", args=[c.slug])
    form = {"theme": "Later opening", "response": "Practices open until 8pm."}
    manage = client.get(reverse("engagement:manage", args=[c.slug])).content.decode()
    assert "Open evening hub" in manage and "Secret contract" not in manage
    page = client.post(add, form | {"decision": secret.pk}, follow=True).content.decode()
    assert "Choose a decision from the public register" in unescape(page)
    assert not Response.objects.exists()
    with pytest.raises(ValidationError, match="Choose a decision from the public register"):
        add_response(
            consultation=c,
            response=Response(theme="T", response="R", decision=secret),
            by=cast["pmo"],
            today=today,
        )
    client.post(add, form | {"decision": public.pk})
    assert Response.objects.get().decision == public


def test_the_public_register_refuses_an_oversized_search_in_words(client, forums):
    page = unescape(
        client.get(reverse("decisions:register"), {"q": "frailty " * 5000}).content.decode()
    )
    assert "Search with at most 200 characters" in page
    assert "No decisions are listed until the filters above are put right." in page


@pytest.mark.parametrize(
    ("change", "field", "said"),
    [
        ({"opens_on": "0226-01-05"}, "opens_on", "Opens: 226 is before 2000"),
        ({"closes_on": "2099-12-31"}, "closes_on", "A consultation runs for at most a year"),
        (
            {"retention_until": "9999-12-31"},
            "retention_until",
            "Keep personal details at most three years after it closes",
        ),
        # probe C2: the last days of the calendar answered with a server error
        (
            {"opens_on": "9999-12-30", "closes_on": "9999-12-31", "retention_until": "9999-12-31"},
            "opens_on",
            "Opens: 9999 is more than",
        ),
        (
            {"opens_on": "0001-01-01", "closes_on": "9999-12-31"},
            "closes_on",
            "A consultation runs for at most a year",
        ),
    ],
)
def test_a_consultations_dates_must_be_plausible(client_for, footprint, change, field, said):
    from footprint.engagement.models import Consultation

    today = timezone.localdate()
    beds = {
        "title": "Beds",
        "slug": "beds",
        "summary": "About beds",
        "audience": "public",
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=30),
        "retention_until": today + dt.timedelta(days=90),
    }
    page = client_for("pmo").post(reverse("engagement:new"), beds | change).content.decode()
    assert said in unescape(page)
    assert f'href="#id_{field}"' in page
    assert not Consultation.objects.exists()


def test_a_proposal_title_with_a_line_break_is_refused_on_its_field(client_for, forums):
    """Probe D1: the title goes into consent emails' subjects; a line break there would end
    the header (and the email failed with a server error), so it is refused before saving."""
    page = client_for("editor_a").post(
        reverse("decisions:proposal_new"),
        proposal_form(forums, title="Stroke rehab\r\nBcc: someone@example.org"),
    )
    assert page.status_code == 200
    assert "Write the title on one line" in unescape(page.content.decode())
    assert not Proposal.objects.exists()
