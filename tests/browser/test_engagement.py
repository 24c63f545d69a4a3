"""A member of the public takes part in a consultation, a moderator approves their statement,
and the programme office publishes the report; every engagement page fits the window."""

import datetime as dt
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from footprint.engagement import services
from footprint.engagement.models import Consultation, Message, Question, Statement
from footprint.partnership.models import Organisation
from tests.browser.conftest import check_accessibility
from tests.browser.test_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.public
def test_take_part_moderate_and_publish(page, cast, footprint):
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Evening GP appointments",
        slug="evening-gp",
        summary="Should practices open until 8pm on weekdays?",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
        retention_until=today + dt.timedelta(days=100),
    )
    for text in ("Practices should open until 8pm.", "I would use a Saturday appointment."):
        services.add_partnership_statement(consultation=c, text=text, by=cast["pmo"])
    Question.objects.create(consultation=c, text="What would help you most?")

    page.goto("/consultations/")
    check_accessibility(page)
    page.get_by_role("link", name="Evening GP appointments").click()
    expect(page.locator("#statement-text")).to_have_text("Practices should open until 8pm.")
    check_accessibility(page)
    page.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#statement-text")).to_have_text("I would use a Saturday appointment.")
    # The next statement's panel has the keyboard focus, and says the vote was counted (EN6).
    expect(page.locator("#vote-panel")).to_be_focused()
    expect(page.locator("#vote-recorded")).to_have_text("Your view was recorded.")
    page.wait_for_load_state("load")  # the page's script has had its chance to move the focus
    expect(page.locator("#vote-panel")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Agree", exact=True)).to_be_focused()
    page.get_by_role("button", name="Disagree").click()
    expect(page.get_by_text("You have given your view on all 2 statements")).to_be_visible()
    page.get_by_label("Add your own statement").fill("Pharmacies should give more advice.")
    page.get_by_role("button", name="Add my statement").click()
    expect(page.get_by_text("will appear once a moderator has checked it")).to_be_visible()
    page.get_by_label("What would help you most?").fill("Appointments after work.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Thank you for your answers.")).to_be_visible()
    check_accessibility(page)

    page.context.clear_cookies()
    log_in(page, "pmo")
    page.goto("/workspace/engagement/moderation/")
    card = page.locator(".nhsuk-card").filter(has_text="Pharmacies should give more advice.")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved.")).to_be_visible()
    check_accessibility(page)
    assert Statement.objects.get(text="Pharmacies should give more advice.").status == "approved"

    Consultation.objects.filter(pk=c.pk).update(closes_on=today - dt.timedelta(days=1))
    page.goto("/workspace/engagement/evening-gp/")
    page.get_by_label("You said").fill("Open later on weekdays")
    page.get_by_label("We did").fill("Four practices now open until 8pm from January.")
    page.get_by_role("button", name="Add the response").click()
    expect(page.get_by_text("Added the response.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_role("heading", name="what we heard and what we did")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/consultations/evening-gp/report/")
    expect(page.locator("#responses")).to_contain_text("Four practices now open until 8pm")
    expect(page.get_by_text("1 person took part")).to_be_visible()
    check_accessibility(page)


@pytest.mark.public
def test_a_practice_opens_its_link_and_acknowledges(page, cast, footprint):
    practice = Organisation.objects.filter(kind="gp_practice").order_by("ods_code").first()
    practice.contact_email = "manager@practice.example"
    practice.save()
    message = Message.objects.create(
        title="Winter plan", body="Minor injuries go to Great Malverne.", audience="all_practices"
    )
    services.send_message(message=message, by=cast["pmo"])
    recipient = message.recipients.get(organisation=practice)
    now = timezone.now()
    page.goto(
        reverse("engagement:message_link", args=[services.link_key(recipient, issued_at=now)])
    )
    expect(page.get_by_text("Minor injuries go to Great Malverne.")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="I have read this and will act on it").click()
    expect(page.get_by_text("we know the message has reached you")).to_be_visible()
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is not None

    old = services.link_key(recipient, issued_at=now - dt.timedelta(days=91))
    page.goto(reverse("engagement:message_link", args=[old]))
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("button", name="Email a fresh link").click()
    expect(page.get_by_text("We have emailed a fresh link")).to_be_visible()
    check_accessibility(page)


# The page is no wider than the window: anything wider (a table) scrolls inside its own
# region (``fp-table-scroll``), never the whole page.
WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def assert_fits(page, path: str) -> None:
    scroll, window = page.evaluate(WIDTH)
    assert scroll <= window, f"{path} is {scroll} px wide in a {window} px window"


@pytest.mark.public
def test_every_engagement_page_fits_the_window(page, cast, footprint):
    """At a phone's 390 px and at desktop widths: the public pages (the consultations, taking
    part, a published report with its opinion groups, a practice's personal link, fresh and
    expired) and the workspace's (consultations, one being run, moderation, messages)."""
    today = timezone.localdate()
    made = {}
    for slug, title in (
        ("evening-gp", "Evening and weekend GP appointments across every practice"),
        ("walk-in", "Moving the Hawkesmere walk-in centre's minor injuries service"),
    ):
        made[slug] = Consultation.objects.create(
            title=title,
            slug=slug,
            summary="What we propose, in plain English.",
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=10),
            retention_until=today + dt.timedelta(days=100),
        )
        for text in (
            "Practices should open until 8pm on weekdays, even if that means fewer morning slots.",
            "I would rather travel further for an appointment than wait longer for one nearby.",
            "Pharmacies should treat minor injuries.",
        ):
            services.add_partnership_statement(consultation=made[slug], text=text, by=cast["pmo"])
    walk_in = made["walk-in"]
    public = AnonymousUser()
    for i in range(30):
        for n, s in enumerate(walk_in.statements.order_by("pk")):
            value = 1 if (i + n) % 2 else -1
            services.vote(consultation=walk_in, key=f"p{i}", statement=s, value=value, by=public)
        if i % 3:
            services.describe_yourself(
                consultation=walk_in,
                key=f"p{i}",
                age_band="35-54" if i % 2 else "",
                place=footprint["north"] if i % 4 else None,
                by=public,
            )
    services.store_opinion_groups(consultation=walk_in, by=cast["pmo"])
    Consultation.objects.filter(pk=walk_in.pk).update(closes_on=today - dt.timedelta(days=1))
    walk_in.refresh_from_db()
    services.publish_report(consultation=walk_in, by=cast["pmo"])
    practice = Organisation.objects.filter(kind="gp_practice").order_by("ods_code").first()
    practice.contact_email = "manager@practice.example"
    practice.save()
    message = Message.objects.create(
        title="Urgent care: where to send patients with minor injuries this winter",
        body="Minor injuries go to Great Malverne.",
        audience="all_practices",
    )
    services.send_message(message=message, by=cast["pmo"])
    recipient = message.recipients.get(organisation=practice)
    now = timezone.now()
    link = reverse("engagement:message_link", args=[services.link_key(recipient, issued_at=now)])
    expired = reverse(
        "engagement:message_link",
        args=[services.link_key(recipient, issued_at=now - dt.timedelta(days=91))],
    )

    def visit(path: str, ready: str = "h1") -> None:
        page.goto(path)
        page.wait_for_selector(ready)
        assert_fits(page, path)
        check_accessibility(page)

    visit("/consultations/")
    visit("/consultations/evening-gp/", "#statement-text")
    visit("/consultations/walk-in/")
    visit("/consultations/walk-in/report/", "#opinion-map[data-chart-ready]")
    # Every breakdown of who took part adds up to the 30 who did.
    expect(page.locator("#reach-age")).to_contain_text("Did not say")
    expect(page.locator("#reach-age caption")).to_have_text("By age: all 30 who took part")
    visit(link)
    visit(expired)
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()

    log_in(page, "pmo")
    visit("/workspace/engagement/", "#consultations")
    visit("/workspace/engagement/walk-in/", "#opinion-map[data-chart-ready]")
    visit("/workspace/engagement/evening-gp/edit/", "form")
    visit("/workspace/engagement/moderation/")
    visit("/workspace/messages/", "#messages")
    visit("/workspace/messages/new/", "form")
    visit(reverse("engagement:message", args=[message.pk]), "#reach-by-group")


@pytest.mark.public
def test_the_vote_buttons_are_told_apart_and_a_long_statement_keeps_its_text(page, cast, footprint):
    """At 390 px the three buttons stack with space between them (side by side at desktop
    widths) and look different (Agree solid, Disagree outlined, Pass plain); a statement over
    280 characters comes back with the error on its field, the text kept and the character
    count saying by how much."""
    today = timezone.localdate()
    c = Consultation.objects.create(
        title="Dales community beds",
        slug="dales-community-beds",
        summary="Should the community beds move?",
        opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=10),
        retention_until=today + dt.timedelta(days=100),
    )
    services.add_partnership_statement(
        consultation=c, text="Beds should stay in the Dales.", by=cast["pmo"]
    )
    page.goto("/consultations/dales-community-beds/")
    buttons = [
        page.get_by_role("button", name=name, exact=True)
        for name in ("Agree", "Disagree", "Pass or unsure")
    ]
    boxes = [b.bounding_box() for b in buttons]
    for upper, lower in itertools.pairwise(boxes):
        gap = lower["y"] - (upper["y"] + upper["height"])
        assert gap >= 12 or lower["x"] >= upper["x"] + upper["width"] + 12, (upper, lower)
    colours = [b.evaluate("e => getComputedStyle(e).backgroundColor") for b in buttons]
    assert len(set(colours)) == 3, colours
    check_accessibility(page)
    text = "Keep the beds near home. " * 12  # 300 characters
    page.get_by_label("Add your own statement").fill(text)
    expect(page.get_by_text("You have 20 characters too many")).to_be_visible()
    page.get_by_role("button", name="Add my statement").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("280 characters or fewer")
    expect(page.get_by_label("Add your own statement")).to_have_value(text)
    check_accessibility(page)
