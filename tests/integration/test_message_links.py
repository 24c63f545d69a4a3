"""Personal links in messages to practices: every link sent opens its own recipient's message
and no other, only a person pressing the button acknowledges it, links expire after the days
the sender set (a fresh one is a button away), and every link is on the site's own address."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from footprint.core.models import AuditEvent
from footprint.engagement import queries, services
from footprint.engagement.models import Message, Recipient
from footprint.partnership.models import Organisation, OrganisationKind

SITE = "https://footprint.wyvern.example.nhs.uk"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture(autouse=True)
def site_address(settings):
    settings.FOOTPRINT_SITE_URL = SITE


@pytest.fixture
def practices(footprint):
    out = list(Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE).order_by("ods_code"))
    for o in out:
        o.contact_email = f"{o.ods_code.lower()}@practice.example"
        o.save()
    return out


def links_in(mail) -> list[str]:
    return [line for m in mail for line in m.body.splitlines() if "/m/" in line]


def key_of(link: str) -> str:
    assert link.startswith(f"{SITE}/m/"), link
    return resolve(link.removeprefix(SITE)).kwargs["key"]


def sent(cast, mailoutbox, captured, **fields) -> Message:
    message = Message.objects.create(
        title="Winter plan", body="Minor injuries go to Great Malverne after 5pm.", **fields
    )
    with captured(execute=True):
        services.send_message(message=message, by=cast["pmo"])
    return message


def test_a_thousand_links_each_open_their_own_recipients_message(
    cast, footprint, mailoutbox, django_capture_on_commit_callbacks
):
    Organisation.objects.bulk_create(
        Organisation(
            ods_code=f"Y{i:05d}",
            name=f"Practice {i}",
            kind=OrganisationKind.GP_PRACTICE,
            neighbourhood=footprint["hoods"]["N1"],
            contact_email=f"y{i:05d}@practice.example",
        )
        for i in range(1000)
    )
    message = sent(cast, mailoutbox, django_capture_on_commit_callbacks, audience="all_practices")
    assert len(mailoutbox) == 1000  # the three test practices have no address
    now = message.sent_at
    by_email = {r.email: r.pk for r in message.recipients.all()}
    keys = []
    for mail in mailoutbox:
        (link,) = links_in([mail])
        key = key_of(link)
        opened = services.link_for(key)
        assert opened is not None and opened.recipient.pk == by_email[mail.to[0]]
        assert not opened.expired(now)
        keys.append(key)
    # Half the keys carry the "-" that used to break them (and "_", which never did).
    assert sum("-" in k for k in keys) > 300
    assert len(set(keys)) == 1000
    # Tampered: a character of the signature changed, another recipient's number, a later
    # issue date to outlive the expiry. None of them opens anything.
    for key in keys:
        pk, issued, signature = key.split(".")
        swapped = "A" if signature[-2] != "A" else "B"
        assert services.link_for(f"{pk}.{issued}.{signature[:-2]}{swapped}{signature[-1]}") is None
        assert services.link_for(f"{int(pk) + 1}.{issued}.{signature}") is None
        assert services.link_for(f"{pk}.{issued}0.{signature}") is None
        if "-" in key:
            assert services.link_for(key.replace("-", ":")) is None
    # And through the site: a sample of the keys with a "-" open the right practice's page.
    client = Client()
    for key in [k for k in keys if "-" in k][:20]:
        page = client.get(reverse("engagement:message_link", args=[key]))
        recipient = Recipient.objects.get(pk=key.split(".")[0])
        assert page.status_code == 200
        assert f"For {recipient.organisation.name}" in page.content.decode()
    assert client.get("/m/1.1a2b3c.forged/").status_code == 404
    assert client.get("/m/1-forged/").status_code == 404


def test_links_sent_before_the_fix_work_again(cast, practices, mailoutbox):
    """Old links were "<number>-<signature>" with every ":" turned into "-"; those whose
    signature had a "-" were refused. All of them open now, until the message's expiry."""
    message = Message.objects.create(title="Flu", body="Book now.", audience="all_practices")
    services.send_message(message=message, by=cast["pmo"])
    recipients = list(message.recipients.all())
    old = {r.pk: services.OLD_LINKS.sign(str(r.pk)).replace(":", "-") for r in recipients}
    for pk, key in old.items():
        link = services.link_for(key)
        assert link is not None and link.recipient.pk == pk
        assert link.issued_at == message.sent_at
    # A thousand more old signatures over made-up numbers: the broken half decodes exactly.
    for pk in range(10_000, 11_000):
        key = services.OLD_LINKS.sign(str(pk)).replace(":", "-")
        assert services._unsign(key) == (pk, None)
        assert services.link_for(key[:-1] + ("x" if key[-1] != "x" else "y")) is None
    expired_at = message.sent_at + dt.timedelta(days=90)
    assert services.link_for(old[recipients[0].pk]).expired(expired_at)


def test_opening_a_link_does_not_acknowledge_only_the_button_does(
    cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    message = sent(cast, mailoutbox, django_capture_on_commit_callbacks, audience="all_practices")
    link = links_in(mailoutbox[:1])[0].removeprefix(SITE)
    recipient = Recipient.objects.get(email=mailoutbox[0].to[0])
    # A practice manager with no account and no session; CSRF checked as in production.
    browser = Client(enforce_csrf_checks=True)
    # A mail scanner or a link preview fetches it (HEAD, then GET): nothing is acknowledged.
    assert browser.head(link).status_code == 200
    recipient.refresh_from_db()
    assert recipient.read_at is None
    page = browser.get(link)
    body = page.content.decode()
    assert "Minor injuries go to Great Malverne" in body
    assert "I have read this" in body and 'method="post"' in body
    assert "csrftoken" in page.cookies  # set on GET, so an anonymous POST can pass
    assert page["Cache-Control"].startswith("max-age=0")
    recipient.refresh_from_db()
    assert recipient.read_at is not None and recipient.acknowledged_at is None
    # A forged POST from another site (no token) acknowledges nothing.
    assert browser.post(link).status_code == 403
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is None
    # The button does.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    response = browser.post(link, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302 and response["Location"] == link
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is not None
    assert "Acknowledged on" in browser.get(link).content.decode()
    assert AuditEvent.objects.filter(action="acknowledge_message").count() == 1
    # Pressing it twice changes nothing.
    browser.post(link, {"csrfmiddlewaretoken": token})
    assert AuditEvent.objects.filter(action="acknowledge_message").count() == 1
    reach = queries.message_reach(message)
    assert (reach["read"], reach["acknowledged"]) == (1, 1)


def test_links_expire_after_the_days_the_sender_set(cast, practices):
    message = Message.objects.create(
        title="Flu", body="Book now.", audience="all_practices", link_days=14
    )
    services.send_message(message=message, by=cast["pmo"])
    recipient = message.recipients.first()
    issued = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
    link = services.link_for(services.link_key(recipient, issued_at=issued))
    assert link.issued_at == issued
    assert not link.expired(issued + dt.timedelta(days=13, hours=23))
    assert link.expired(issued + dt.timedelta(days=14))
    # The programme office extends the message's links: links already sent live longer.
    Message.objects.filter(pk=message.pk).update(link_days=90)
    link = services.link_for(services.link_key(recipient, issued_at=issued))
    assert not link.expired(issued + dt.timedelta(days=89))
    assert link.expired(issued + dt.timedelta(days=90))


def test_an_expired_link_offers_a_fresh_one_sent_only_to_the_practice(
    cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    message = sent(cast, mailoutbox, django_capture_on_commit_callbacks, audience="all_practices")
    recipient = message.recipients.get(organisation=practices[0])
    old = reverse(
        "engagement:message_link",
        args=[services.link_key(recipient, issued_at=timezone.now() - dt.timedelta(days=91))],
    )
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(old)
    body = page.content.decode()
    assert page.status_code == 410 and "This link has expired" in body
    assert "Minor injuries" not in body  # an expired link shows nothing of the message
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    # Pressing "I have read this" on a page left open past the expiry does nothing.
    assert browser.post(old, {"csrfmiddlewaretoken": token}).status_code == 410
    recipient.refresh_from_db()
    assert recipient.read_at is None and recipient.acknowledged_at is None
    # The practice's address has changed since: the fresh link goes to the new one.
    practices[0].contact_email = "new.manager@practice.example"
    practices[0].save()
    mailoutbox.clear()
    fresh = old + "fresh/"
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(fresh, {"csrfmiddlewaretoken": token}, follow=True)
    assert "We have emailed a fresh link to Practice 0" in response.content.decode()
    (mail,) = mailoutbox
    assert mail.to == ["new.manager@practice.example"]
    assert mail.subject == "New link: Winter plan"
    (link,) = links_in(mailoutbox)
    assert link.startswith(f"{SITE}/m/")  # the site's address, not the request's host
    page = Client().get(link.removeprefix(SITE))
    assert page.status_code == 200 and "Minor injuries" in page.content.decode()
    assert AuditEvent.objects.filter(action="send_fresh_message_link").count() == 1
    # Pressing again within the hour sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = browser.post(fresh, {"csrfmiddlewaretoken": token}, follow=True)
    assert "in the last hour" in again.content.decode() and len(mailoutbox) == 1
    # A link that still works just opens; a forged one is not recognised.
    assert browser.post(link.removeprefix(SITE) + "fresh/", {"csrfmiddlewaretoken": token})[
        "Location"
    ] == link.removeprefix(SITE)
    assert browser.post("/m/1.abc.forged/fresh/", {"csrfmiddlewaretoken": token}).status_code == 404
    assert browser.get(fresh).status_code == 405


def test_fresh_links_are_rationed_per_practice_and_per_address(
    cast, practices, django_capture_on_commit_callbacks, mailoutbox
):
    message = Message.objects.create(title="Flu", body="Book now.", audience="all_practices")
    services.send_message(message=message, by=cast["pmo"])
    recipient = message.recipients.get(organisation=practices[0])
    t = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    old = services.link_key(recipient, issued_at=t - dt.timedelta(days=91))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_fresh_link(key=old, now=t) == "sent"
        assert services.send_fresh_link(key=old, now=t + dt.timedelta(minutes=59)) == "already_sent"
        assert services.send_fresh_link(key=old, now=t + dt.timedelta(hours=1)) == "sent"
    assert len(mailoutbox) == 2
    # The reminder carries a link issued at "now": it works for the message's 90 days from then.
    (first, second) = (key_of(link) for link in links_in(mailoutbox))
    assert services.link_for(second).issued_at == t + dt.timedelta(hours=1)
    assert services.link_for(first).issued_at == t
    # No address: nothing to send to.
    silent = message.recipients.get(organisation=practices[1])
    practices[1].contact_email = ""
    practices[1].save()
    Recipient.objects.filter(pk=silent.pk).update(email="")
    silent_key = services.link_key(silent, issued_at=t - dt.timedelta(days=91))
    assert services.send_fresh_link(key=silent_key, now=t) == "no_address"
    # One address pressing the button on many expired links is turned away after five.
    browser = Client()
    answers = []
    for r in message.recipients.all()[:3]:
        for _ in range(2):
            key = services.link_key(r, issued_at=timezone.now() - dt.timedelta(days=100))
            answers.append(
                browser.post(reverse("engagement:message_link_fresh", args=[key]), follow=True)
                .content.decode()
                .count("asked for a lot of links")
            )
    assert answers == [0, 0, 0, 0, 0, 1]


def test_reminders_carry_a_fresh_link_that_works(
    cast, practices, mailoutbox, django_capture_on_commit_callbacks
):
    message = Message.objects.create(title="Flu", body="Book now.", audience="all_practices")
    services.send_message(message=message, by=cast["pmo"])
    mailoutbox.clear()
    later = message.sent_at + dt.timedelta(days=100)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.send_due_reminders(older_than=dt.timedelta(days=3), now=later, by=cast["pmo"])
            == 3
        )
    assert len(mailoutbox) == 3
    for mail, link in zip(mailoutbox, links_in(mailoutbox), strict=True):
        assert mail.subject == "Reminder: Flu"
        opened = services.link_for(key_of(link))
        assert opened.recipient.email == mail.to[0]
        assert not opened.expired(later) and opened.expired(later + dt.timedelta(days=90))
        first = services.link_for(services.link_key(opened.recipient, issued_at=message.sent_at))
        assert first.expired(later)  # the link first sent has expired; the reminder's has not


def test_links_in_emails_begin_with_the_configured_address(
    cast, practices, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.FOOTPRINT_SITE_URL = "https://footprint.marches.example.nhs.uk"
    sent(cast, mailoutbox, django_capture_on_commit_callbacks, audience="all_practices")
    links = links_in(mailoutbox)
    assert len(links) == 3
    assert all(link.startswith("https://footprint.marches.example.nhs.uk/m/") for link in links)


def test_the_sender_sets_how_long_links_work(client_for, practices):
    def send(**fields):
        return client_for("pmo").post(
            reverse("engagement:message_new"),
            {"title": "Winter plan", "body": "Read this.", "audience": "all_practices", **fields},
        )

    form = client_for("pmo").get(reverse("engagement:message_new")).content.decode()
    assert "Personal links work for (days)" in form and 'value="90"' in form
    send(link_days=30)
    send(title="Default", link_days="")
    assert (
        "Personal links work for (days) must be 365 or less"
        in send(title="Too long", link_days=1000).content.decode()
    )
    assert dict(Message.objects.values_list("title", "link_days")) == {
        "Winter plan": 30,
        "Default": 90,
    }


def test_a_site_address_that_would_break_the_links_is_reported(settings):
    from footprint.engagement.checks import site_url, site_url_deployed

    assert site_url() == [] and site_url_deployed() == []  # https://footprint.wyvern…
    for broken in ("footprint.wyvern.example.nhs.uk", "https://", "https://x.example/footprint"):
        settings.FOOTPRINT_SITE_URL = broken
        assert [e.id for e in site_url()] == ["engagement.E001"]
    settings.FOOTPRINT_SITE_URL, settings.DEBUG = "http://127.0.0.1:8000", False
    assert [w.id for w in site_url_deployed()] == ["engagement.W001"]
    settings.DEBUG = True  # on a laptop the default is right
    assert site_url_deployed() == []
