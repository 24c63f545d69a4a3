"""Resetting a forgotten password: a link by email, asked for on the log-in page or sent by the
programme office from a person's page; the page tells nobody who has an account."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from footprint.api.tokens import create_token
from footprint.core.models import ApiToken, AuditEvent
from tests.conftest import PASSWORD

NEW = "a-brand-new-Passphrase-42"


@pytest.fixture
def viewer(cast):
    person = cast["viewer"]
    person.email = "viewer@example.nhs.uk"
    person.save()
    return person


def ask(client, email):
    return client.post(reverse("core:password_reset"), {"email": email}, follow=True)


def same_page(response) -> str:
    """The page without what differs on every response (the script nonce, the form token)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def link_in(message) -> str:
    (path,) = re.findall(r"https?://[^/\s]+(/password-reset/[^\s]+/)", message.body)
    return path


def test_the_log_in_page_links_to_resetting_a_password(client, db):
    page = client.get(reverse("core:login")).content.decode()
    assert "Forgotten your password?" in page and reverse("core:password_reset") in page


def test_a_known_and_an_unknown_address_get_the_same_answer(client, viewer):
    known = ask(client, "Viewer@Example.nhs.uk")
    unknown = ask(client, "nobody@example.nhs.uk")
    assert known.status_code == unknown.status_code == 200
    assert "If a Footprint account has that email address" in known.content.decode()
    assert same_page(known) == same_page(unknown)
    (message,) = mail.outbox
    assert message.to == ["viewer@example.nhs.uk"]
    assert "It works once, for 1 day" in message.body
    assert link_in(message) not in str(list(AuditEvent.objects.values("summary", "details")))


def test_the_link_sets_a_new_password_once_and_ends_a_lockout(client, viewer):
    for _ in range(5):
        client.post(reverse("core:login"), {"username": "viewer", "password": "wrong"})
    assert (
        client.post(reverse("core:login"), {"username": "viewer", "password": PASSWORD}).status_code
        == 429
    )
    ask(client, "viewer@example.nhs.uk")
    link = link_in(mail.outbox[0])
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Your password has been changed" in done.content.decode()
    signed_in = client.post(reverse("core:login"), {"username": "viewer", "password": NEW})
    assert signed_in.status_code == 302  # the lockout ended with the new password
    client.logout()
    again = client.get(link, follow=True).content.decode()
    assert "This link does not work" in again
    assert AuditEvent.objects.filter(action="reset_password", details__person=viewer.pk).exists()


def test_the_link_expires(client, viewer, settings):
    ask(client, "viewer@example.nhs.uk")
    settings.PASSWORD_RESET_TIMEOUT = -1  # as if a day had passed
    page = client.get(link_in(mail.outbox[0]), follow=True).content.decode()
    assert "This link does not work" in page and "Ask for a new link" in page


def test_asking_is_limited_per_address_and_per_client(client, viewer):
    for _ in range(5):
        assert "Check your email" in ask(client, "viewer@example.nhs.uk").content.decode()
    assert len(mail.outbox) == 3  # at most three links an hour to one address
    for _ in range(5):
        ask(client, "someone-else@example.nhs.uk")
    refused = client.post(reverse("core:password_reset"), {"email": "viewer@example.nhs.uk"})
    assert refused.status_code == 429 and "Too many requests" in refused.content.decode()


def test_no_link_for_an_account_with_no_password_yet(client, viewer):
    viewer.set_unusable_password()
    viewer.save()
    assert "Check your email" in ask(client, "viewer@example.nhs.uk").content.decode()
    assert not mail.outbox


def test_a_bad_address_is_named(client, db):
    page = client.post(reverse("core:password_reset"), {"email": "not an address"})
    assert "Enter an email address, like name@example.nhs.uk" in page.content.decode()


def test_the_programme_office_sends_a_person_a_link_from_their_page(client_for, viewer):
    client = client_for("pmo")
    page = client.get(reverse("partnership:person", args=[viewer.pk])).content.decode()
    assert "Email a password reset link" in page
    done = client.post(
        reverse("partnership:person_send_password_reset", args=[viewer.pk]), follow=True
    ).content.decode()
    assert "has been emailed a link to choose a new password" in done
    (message,) = mail.outbox
    assert message.to == ["viewer@example.nhs.uk"] and "Pmo has asked" in message.body
    event = AuditEvent.objects.get(action="send_password_reset")
    assert event.actor.username == "pmo" and event.details == {"person": viewer.pk}
    assert "a link to reset their password" in event.summary


def test_the_programme_office_sends_at_most_three_links_an_hour_to_one_person(
    client_for, viewer, cast
):
    client = client_for("pmo")
    send = reverse("partnership:person_send_password_reset", args=[viewer.pk])
    for _ in range(3):
        assert "has been emailed a link" in client.post(send, follow=True).content.decode()
    refused = client.post(send, follow=True).content.decode()
    assert "No link was sent: Viewer has already been sent 3 password reset links this hour" in (
        refused
    )
    assert "try again after" in refused and "has been emailed a link" not in refused
    assert len(mail.outbox) == 3
    assert AuditEvent.objects.filter(action="send_password_reset").count() == 3
    # The log-in page's links to the account share the same limit: none more this hour.
    assert "Check your email" in ask(client_for("public"), viewer.email).content.decode()
    assert len(mail.outbox) == 3


def test_one_programme_office_sender_sends_at_most_ten_links_an_hour(
    client_for, cast, django_user_model
):
    people = []
    for i in range(11):
        person = django_user_model.objects.create_user(
            username=f"person{i}", email=f"person{i}@example.nhs.uk", password=PASSWORD
        )
        people.append(person)
    client = client_for("pmo")
    for person in people[:10]:
        send = reverse("partnership:person_send_password_reset", args=[person.pk])
        assert "has been emailed a link" in client.post(send, follow=True).content.decode()
    send = reverse("partnership:person_send_password_reset", args=[people[10].pk])
    refused = client.post(send, follow=True).content.decode()
    assert "No link was sent: you have sent 10 password reset links this hour" in refused
    assert len(mail.outbox) == 10


def test_a_reset_revokes_the_persons_api_tokens_and_no_one_elses(client, viewer, cast):
    """Probe T2: a token made by whoever had the old password must not outlive the reset."""
    create_token(user=viewer, name="notebook", access="read")
    create_token(user=viewer, name="script", access="read_write")
    _, other = create_token(user=cast["pmo"], name="theirs")
    ask(client, "viewer@example.nhs.uk")
    form = client.get(link_in(mail.outbox[0]), follow=True)
    assert "revokes your API tokens" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Any API tokens you had were revoked" in done.content.decode()
    assert not ApiToken.objects.filter(user=viewer, revoked_at__isnull=True).exists()
    assert ApiToken.objects.filter(user=cast["pmo"], revoked_at__isnull=True).count() == 1
    event = AuditEvent.objects.get(action="reset_password")
    assert event.summary == "viewer chose a new password through a reset link; 2 API tokens revoked"
    still = client.get("/api/v1/jobs/999999", headers={"Authorization": f"Bearer {other}"})
    assert still.status_code == 404  # the programme office's token still works
