"""People: invitations by email, roles in several organisations, organisation leads,
deactivation, each person's history, and the page of what each role may do."""

from __future__ import annotations

import datetime as dt
import logging
import re
from html import unescape

import pytest
import rules
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from footprint.core.models import AuditEvent
from footprint.core.permissions import KNOWN
from footprint.partnership import capabilities, services
from footprint.partnership.models import (
    Invitation,
    Membership,
    PartnershipRole,
    PartnershipRoleKind,
    Role,
)
from tests.conftest import make_user

NEW_PASSWORD = "a-long-and-unusual-passphrase-42"


def link_in(message) -> str:
    """The invitation link's path in an email."""
    found = re.search(r"https?://[^/\s]+(/invitation/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def invite(by, footprint, email="new.person@example.nhs.uk", role=Role.EDITOR, org="trust_a"):
    return services.invite_person(
        email=email,
        first_name="New",
        last_name="Person",
        organisation=footprint[org] if org else None,
        role=role,
        by=by,
        now=dt.datetime.now(dt.UTC),
    )


@pytest.fixture
def lead_a(cast, footprint, django_user_model):
    user = make_user(django_user_model, "lead_a")
    Membership.objects.create(
        user=user, organisation=footprint["trust_a"], role=Role.ORGANISATION_LEAD
    )
    return user


def test_the_programme_office_invites_someone_who_sets_a_password_and_is_signed_in(
    client_for, cast, footprint, caplog
):
    caplog.set_level(logging.DEBUG)
    client = client_for("pmo")
    response = client.post(
        reverse("partnership:invite"),
        {
            "email": "Asha.Patel@Example.NHS.uk",
            "first_name": "Asha",
            "last_name": "Patel",
            "organisation": footprint["trust_a"].pk,
            "role": "finance",
        },
    )
    person = get_user_model().objects.get(email="asha.patel@example.nhs.uk")
    assert response["Location"] == reverse("partnership:person", args=[person.pk])
    assert person.username == "asha.patel@example.nhs.uk" and not person.has_usable_password()
    assert Membership.objects.get(user=person).role == Role.FINANCE
    (message,) = mail.outbox
    assert message.to == ["asha.patel@example.nhs.uk"]
    assert "Pmo has invited you to Footprint, Test Partnership's" in message.body
    assert "as Finance at Trust A Hospitals" in message.body
    path = link_in(message)
    token = path.split("/")[2]

    # Only a digest of the secret is kept, and the link is in no audit record.
    invitation = Invitation.objects.get(user=person)
    assert token not in invitation.digest and len(invitation.digest) == 64
    for event in AuditEvent.objects.all():
        assert token not in event.summary and token not in str(event.details)
    assert {e.action for e in AuditEvent.objects.all()} == {"grant_role", "invite_person"}

    # The invited person follows the link: it is swapped at once for an address without it.
    client.logout()
    opened = client.get(path)
    assert opened.status_code == 302 and opened["Location"] == "/invitation/"
    page = client.get("/invitation/").content.decode()
    assert "You have been invited as Finance, Trust A Hospitals" in page
    assert "must contain at least 12 characters" in page and "&lt;ul" not in page
    weak = client.post("/invitation/", {"new_password1": "short", "new_password2": "short"})
    assert "There is a problem" in weak.content.decode()
    assert not get_user_model().objects.get(pk=person.pk).has_usable_password()
    done = client.post(
        "/invitation/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("partnership:workspace")
    workspace = client.get(done["Location"]).content.decode()
    assert "Welcome, Asha" in workspace and "asha.patel@example.nhs.uk" in workspace
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD) and person.last_login is not None

    # It works once; and she signs in with her email address from now on.
    client.logout()
    client.get(path)
    again = client.get("/invitation/")
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    signed_in = client.post(
        "/login/", {"username": "asha.patel@example.nhs.uk", "password": NEW_PASSWORD}
    )
    assert signed_in["Location"] == reverse("partnership:workspace")
    assert not any(token in record.getMessage() for record in caplog.records)


def test_people_sign_in_with_their_email_address_in_any_case(client, cast, footprint):
    person = invite(cast["pmo"], footprint).person
    person.set_password(NEW_PASSWORD)
    person.save()
    form = client.get("/login/").content.decode()
    field = re.search(r"<input[^>]*name=\"username\"[^>]*>", form)
    assert field, form
    for attribute in ('autocapitalize="none"', 'autocomplete="username"', 'spellcheck="false"'):
        assert attribute in field.group(0)

    signed_in = client.post(
        "/login/", {"username": "  New.Person@Example.NHS.uk ", "password": NEW_PASSWORD}
    )
    assert signed_in["Location"] == reverse("partnership:workspace")
    assert client.session["_auth_user_id"] == str(person.pk)

    # Failures are counted for the account whatever the case typed: five locks it.
    client.logout()
    for typed in (
        "NEW.PERSON@example.nhs.uk",
        "new.person@example.nhs.uk",
        "New.Person@Example.nhs.uk",
        " new.person@example.NHS.UK",
        "nEw.person@example.nhs.uk",
    ):
        refused = client.post("/login/", {"username": typed, "password": "wrong"})
        if typed.startswith("NEW"):
            assert "enter a correct" in refused.content.decode()
    locked = client.post(
        "/login/", {"username": "new.PERSON@example.nhs.uk", "password": NEW_PASSWORD}
    )
    assert locked.status_code == 429 and "_auth_user_id" not in client.session


def test_an_invitation_expires_after_the_configured_days(client, cast, footprint, settings):
    settings.FOOTPRINT_INVITATION_DAYS = 3
    sent = dt.datetime.now(dt.UTC) - dt.timedelta(days=3, minutes=1)
    services.invite_person(
        email="late@example.org",
        first_name="Late",
        last_name="Comer",
        organisation=footprint["trust_a"],
        role=Role.VIEWER,
        by=cast["pmo"],
        now=sent,
    )
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=3)
    assert "works once, until" in mail.outbox[0].body
    client.get(link_in(mail.outbox[0]))
    response = client.get("/invitation/")
    assert response.status_code == 410
    assert "has expired" in response.content.decode()
    with pytest.raises(ValidationError, match="expired"):
        services.accept_invitation(
            invitation=invitation, password=NEW_PASSWORD, now=dt.datetime.now(dt.UTC)
        )


def test_sending_again_replaces_the_link_and_revoking_stops_it(client_for, cast, footprint):
    invited = invite(cast["pmo"], footprint)
    first = link_in(mail.outbox[0])
    client = client_for("pmo")
    client.post(reverse("partnership:invitation_resend", args=[invited.invitation.pk]))
    second = link_in(mail.outbox[1])
    assert first != second
    invitation = Invitation.objects.get()
    assert invitation.sent_count == 2

    client.logout()
    client.get(first)
    assert "replaced by a newer one" in client.get("/invitation/").content.decode()

    client = client_for("pmo")
    client.post(reverse("partnership:invitation_revoke", args=[invitation.pk]))
    client.logout()
    client.get(second)
    withdrawn = client.get("/invitation/")
    assert withdrawn.status_code == 410 and "withdrawn" in withdrawn.content.decode()
    actions = list(AuditEvent.objects.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["grant_role", "invite_person", "resend_invitation", "revoke_invitation"]


def test_invitation_pages_are_never_kept_by_the_browser(client, cast, footprint):
    """A link sent again must not show a stored "withdrawn" page, and the page holds a
    password form: neither the link nor the page it leads to may be cached."""
    invite(cast["pmo"], footprint)
    opened = client.get(link_in(mail.outbox[0]))
    page = client.get("/invitation/")
    assert "You have been invited" in page.content.decode()
    for response in (opened, page):
        assert "no-store" in response["Cache-Control"]
        assert "max-age=0" in response["Cache-Control"]
    missing = client.get("/invitation/nonsense/")
    assert "no-store" in missing["Cache-Control"]


def test_someone_with_an_account_is_given_the_role_without_an_invitation(cast, footprint):
    first = invite(cast["pmo"], footprint, email="sam@example.org", role=Role.FINANCE)
    assert first.invitation is not None
    again = invite(
        cast["pmo"], footprint, email="Sam@Example.org", role=Role.BOARD_MEMBER, org="trust_b"
    )
    assert again.invitation is None and again.granted and again.person == first.person
    held = set(
        Membership.objects.filter(user=first.person).values_list("organisation__ods_code", "role")
    )
    assert held == {("RA1", Role.FINANCE), ("RB1", Role.BOARD_MEMBER)}
    assert len(mail.outbox) == 1
    assert not invite(cast["pmo"], footprint, email="sam@example.org", role=Role.FINANCE).granted


def test_one_person_holds_roles_in_several_organisations(client_for, cast, footprint):
    person = invite(cast["pmo"], footprint).person
    services.grant_role(
        person=person, organisation=footprint["trust_b"], role=Role.BOARD_MEMBER, by=cast["pmo"]
    )
    page = client_for("pmo").get(reverse("partnership:people")).content.decode()
    assert "Editor, Trust A Hospitals" in page and "Board member, Trust B Hospitals" in page
    assert "Not yet: invited" in page


def test_an_organisation_lead_invites_changes_roles_and_takes_people_off_their_organisation(
    client, cast, footprint, lead_a
):
    client.force_login(lead_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        reverse("partnership:invite"),
        {
            "email": "porter@example.org",
            "first_name": "Pat",
            "last_name": "Porter",
            "organisation": footprint["trust_a"].pk,
            "role": "viewer",
        },
    )
    person = get_user_model().objects.get(email="porter@example.org")
    assert response["Location"] == reverse("partnership:person", args=[person.pk])
    client.post(
        reverse("partnership:person_grant_role", args=[person.pk]),
        {"organisation": footprint["trust_a"].pk, "role": "editor"},
    )
    assert set(Membership.objects.filter(user=person).values_list("role", flat=True)) == {
        "viewer",
        "editor",
    }
    # A partnership role is not theirs to give.
    refused = client.post(
        reverse("partnership:person_grant_partnership_role", args=[person.pk]),
        {"partnership-role": "chair"},
    )
    assert refused.status_code == 403
    client.post(reverse("partnership:person_leave_organisation", args=[person.pk, "RA1"]))
    assert not Membership.objects.filter(user=person).exists()
    person.refresh_from_db()
    assert person.is_active  # their account is the programme office's to deactivate

    history = client_for_pmo(client, cast).get(reverse("partnership:person", args=[person.pk]))
    text = history.content.decode()
    for line in (
        "Pat Porter became Viewer at Trust A Hospitals",
        "Invited Pat Porter (porter@example.org) as Viewer at Trust A Hospitals",
        "Pat Porter became Editor at Trust A Hospitals",
        "Pat Porter is no longer Editor at Trust A Hospitals",
        "Pat Porter is no longer Viewer at Trust A Hospitals",
    ):
        assert line in text
    assert text.count("Lead_A") >= 5  # every change says who made it


def test_a_lead_cannot_take_away_their_own_lead_role(client, cast, footprint, lead_a):
    client.force_login(lead_a, backend="django.contrib.auth.backends.ModelBackend")
    held = Membership.objects.get(user=lead_a)
    person_page = reverse("partnership:person", args=[lead_a.pk])
    refused = client.post(
        reverse("partnership:person_remove_role", args=[lead_a.pk, held.pk]), follow=True
    )
    text = refused.content.decode()
    assert refused.status_code == 200 and refused.redirect_chain[-1][0] == person_page
    assert "You cannot take away your own lead role at Trust A Hospitals" in text
    assert "is no longer" not in text
    client.post(reverse("partnership:person_leave_organisation", args=[lead_a.pk, "RA1"]))
    assert Membership.objects.filter(pk=held.pk).exists()
    with pytest.raises(ValidationError, match="another organisation lead"):
        services.remove_role(membership=held, by=lead_a)

    # Another lead of the organisation, or the programme office, may.
    other = make_user(get_user_model(), "lead_a2")
    Membership.objects.create(
        user=other, organisation=footprint["trust_a"], role=Role.ORGANISATION_LEAD
    )
    services.remove_role(membership=held, by=other)
    assert not Membership.objects.filter(pk=held.pk).exists()


def client_for_pmo(client, cast):
    client.force_login(cast["pmo"], backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_programme_office_gives_partnership_roles_and_deactivates(client_for, cast):
    client = client_for("pmo")
    editor = cast["editor_a"]
    client.post(
        reverse("partnership:person_grant_partnership_role", args=[editor.pk]),
        {"partnership-role": "chair"},
    )
    assert PartnershipRole.objects.filter(user=editor, role="chair").exists()
    client.post(reverse("partnership:person_deactivate", args=[editor.pk]))
    editor.refresh_from_db()
    assert not editor.is_active
    client.logout()
    refused = client.post(
        "/login/", {"username": "editor_a", "password": "correct-horse-battery-staple"}
    )
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    client = client_for("pmo")
    page = client.get(reverse("partnership:person", args=[editor.pk])).content.decode()
    assert "Deactivated: cannot sign in" in page
    assert "Deactivated Editor_A: they can no longer sign in" in page
    assert "Editor_A became Partnership chair" in page
    client.post(reverse("partnership:person_reactivate", args=[editor.pk]))
    editor.refresh_from_db()
    assert editor.is_active


def test_the_last_programme_office_stays_and_no_one_deactivates_themselves(client_for, cast):
    pmo = cast["pmo"]
    with pytest.raises(ValidationError, match="only programme office"):
        services.remove_partnership_role(
            person=pmo, role=PartnershipRoleKind.PROGRAMME_OFFICE, by=pmo
        )
    with pytest.raises(ValidationError, match="cannot deactivate yourself"):
        services.deactivate_person(person=pmo, by=pmo, now=dt.datetime.now(dt.UTC))
    response = client_for("pmo").post(
        reverse("partnership:person_remove_partnership_role", args=[pmo.pk, "programme_office"]),
        follow=True,
    )
    assert "only programme office" in response.content.decode()
    assert PartnershipRole.objects.filter(user=pmo).exists()


def test_a_deactivated_person_cannot_use_their_invitation(client, cast, footprint):
    person = invite(cast["pmo"], footprint).person
    services.deactivate_person(person=person, by=cast["pmo"], now=dt.datetime.now(dt.UTC))
    client.get(link_in(mail.outbox[0]))
    response = client.get("/invitation/")
    assert response.status_code == 410 and "withdrawn" in response.content.decode()


def test_people_are_searched_sorted_and_paged(client_for, cast, footprint, django_user_model):
    for i in range(30):
        user = make_user(django_user_model, f"member{i:02d}")
        Membership.objects.create(user=user, organisation=footprint["council"], role=Role.VIEWER)
    client = client_for("pmo")
    first = client.get(reverse("partnership:people")).content.decode()
    assert "34 people, page 1 of 2" in first
    found = client.get(reverse("partnership:people"), {"q": "member07"}).content.decode()
    assert "1 person" in found and "Member07" in found and "Member08" not in found
    latest = client.get(reverse("partnership:people"), {"sort": "-last_login"}).content.decode()
    assert latest.index("Pmo") < latest.index("Member00")  # pmo has just signed in


# What each role may do: read from the rules.


def answers():
    columns, rows = capabilities.table()
    keys = [c.key for c in columns]
    return {r.name: dict(zip(keys, r.answers, strict=True)) for r in rows}


def test_the_roles_table_is_the_rules_answers(db):
    table = answers()
    change = table["partnership.change_organisation"]
    assert change["programme_office"] == "Yes"
    assert change["editor"] == "Their own organisation's"
    assert change["viewer"] == "No" and change["public"] == "No"
    assert table["partnership.manage_members"]["organisation_lead"] == "Their own organisation's"
    assert table["partnership.view_person"]["organisation_lead"] == "Their own organisation's"
    assert table["partnership.grant_partnership_role"]["organisation_lead"] == "No"
    assert table["finance.change_plans"]["finance"] == "Their own organisation's"
    assert table["workforce.change_workforce"]["workforce"] == "Their own organisation's"
    assert table["partnership.view_workspace"]["signed_in"] == "No"
    assert table["partnership.view_workspace"]["chair"] == "Yes"
    assert table["decisions.record_consent"]["board_member"] == "Depends on the item"
    assert set(table) == KNOWN  # every permission any app declares, none left out


def test_a_new_rule_shows_on_the_roles_page_without_touching_it(client_for, cast):
    name = "partnership.test_only_rule"
    rules.add_perm(name, rules.is_authenticated)
    KNOWN.add(name)
    try:
        page = client_for("viewer").get(reverse("partnership:roles")).content.decode()
        assert 'data-permission="partnership.test_only_rule"' in page
        assert answers()[name]["signed_in"] == "Yes"
    finally:
        KNOWN.discard(name)
        rules.remove_perm(name)


def test_the_first_programme_office_is_invited_from_the_command_line(db, capsys):
    from django.core.management import call_command

    call_command(
        "invite_programme_office",
        "first@example.nhs.uk",
        "--first-name",
        "Fay",
        "--last-name",
        "Ng",
    )
    out = capsys.readouterr().out
    assert "Invited Fay Ng (first@example.nhs.uk) to be programme office" in out
    (message,) = mail.outbox
    assert link_in(message) not in out  # the link is only in the email
    assert "Footprint's administrator has invited you" in message.body
    assert "as Programme office" in message.body
    person = get_user_model().objects.get(email="first@example.nhs.uk")
    assert PartnershipRole.objects.get(user=person).role == PartnershipRoleKind.PROGRAMME_OFFICE
    event = AuditEvent.objects.get(action="invite_person")
    assert event.actor is None and event.details["person"] == person.pk


def test_after_revoking_the_page_goes_back_only_to_an_address_of_this_site(
    client_for, cast, footprint
):
    invitation = invite(cast["pmo"], footprint).invitation
    response = client_for("pmo").post(
        reverse("partnership:invitation_revoke", args=[invitation.pk]),
        {"next": "https://evil.example/phish"},
    )
    assert response["Location"] == reverse("partnership:people")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_an_email_that_cannot_be_sent_undoes_the_invitation(client_for, cast, footprint, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    response = client_for("pmo").post(
        reverse("partnership:invite"),
        {
            "email": "nobody@example.org",
            "first_name": "No",
            "last_name": "Body",
            "organisation": footprint["trust_a"].pk,
            "role": "viewer",
        },
    )
    text = response.content.decode()
    assert "There is a problem" in text and "could not be sent" in text
    assert not get_user_model().objects.filter(email="nobody@example.org").exists()
    assert not Invitation.objects.exists() and not AuditEvent.objects.exists()


def test_the_public_may_never_act_on_a_proposal_or_a_message(db):
    """The public has no seat and no role: deciding, consenting, escalating and the rest are
    "No" for them, not "Depends on the item"; reading a consultation still depends on it."""
    table = answers()
    for name in (
        "decisions.decide_proposal",
        "decisions.ask_for_consent",
        "decisions.escalate_proposal",
        "decisions.record_consent",
        "decisions.complete_action",
        "engagement.send_message",
    ):
        assert table[name]["public"] == "No", name
    assert table["decisions.record_consent"]["board_member"] == "Depends on the item"
    assert table["engagement.view_consultation"]["public"] == "Depends on the item"
    assert table["engagement.take_part_consultation"]["public"] == "Depends on the item"


def test_the_invite_form_says_one_thing_wrong_with_each_field(client_for, cast, footprint):
    """An organisation that is not one to choose (gone, or not the inviter's) is one error,
    not that and 'choose the organisation' as well; the summary lists each field once."""
    page = unescape(
        client_for("pmo")
        .post(
            reverse("partnership:invite"),
            {
                "email": "x" * 250 + "@example.org",
                "first_name": "Sam",
                "last_name": "Jones",
                "organisation": "999999",
                "role": "editor",
            },
        )
        .content.decode()
    )
    assert "There is a problem" in page
    assert page.count("Choose an organisation you manage from the list") == 2  # summary, field
    assert "Choose the organisation they will have this role in" not in page
    assert page.count('href="#id_organisation"') == 1
    assert page.count('href="#id_email"') == 1
    assert not get_user_model().objects.filter(first_name="Sam").exists()


def test_people_sort_by_name_as_read_whatever_the_case_or_accents(client_for, cast, footprint):
    for first, last in [("Ann", "Zeal"), ("Émile", "Éclair"), ("Bo", "eastwood"), ("Cy", "Ede")]:
        person = make_user(get_user_model(), f"{first}{last}".lower(), last_name=last)
        person.first_name = first
        person.save()
        Membership.objects.create(user=person, organisation=footprint["trust_a"], role=Role.VIEWER)
    client = client_for("pmo")
    names = ["Bo eastwood", "Émile Éclair", "Cy Ede", "Ann Zeal"]
    page = unescape(client.get(reverse("partnership:people")).content.decode())
    assert sorted(names, key=page.index) == names
    page = unescape(client.get(reverse("partnership:people"), {"sort": "-name"}).content.decode())
    assert sorted(names, key=page.index) == names[::-1]
