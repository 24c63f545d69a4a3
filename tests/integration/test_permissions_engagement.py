"""Who may see the engagement pages and who may act, as stories.

Everyone reads the public consultations and takes part without an account; partners also read
and take part in the partners' ones and see the workspace; only the programme office runs a
consultation; the programme office and an organisation's editors send messages for it. The
services refuse a caller who may not act, whoever calls them: a page, a background task, a
management command or the demo.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from footprint.core.models import AuditEvent
from footprint.core.permissions import OPERATOR
from footprint.engagement import services, tasks
from footprint.engagement.models import (
    Answer,
    Audience,
    Consultation,
    Document,
    Message,
    Moderation,
    OpinionSnapshot,
    Participant,
    Question,
    Recipient,
    Response,
    Statement,
    Vote,
)
from footprint.partnership.models import Organisation, OrganisationKind
from tests.conftest import CAST, PARTNERS, assert_may_see

EDITORS = {"pmo", "editor_a", "editor_b"}

# (url name, args, who may see it). Everyone else: log-in redirect (public) or 403.
PAGES = [
    ("engagement:consultations", [], set(CAST)),
    ("engagement:consultation", ["evening-gp"], set(CAST)),
    ("engagement:consultation_report", ["walk-in"], set(CAST)),
    ("engagement:consultation_report_csv", ["walk-in"], set(CAST)),
    ("engagement:consultation_reach_csv", ["walk-in"], set(CAST)),
    ("engagement:index", [], PARTNERS),
    ("engagement:manage", ["evening-gp"], PARTNERS),
    ("engagement:manage", ["practice-hours"], PARTNERS),
    ("engagement:new", [], {"pmo"}),
    ("engagement:edit", ["evening-gp"], {"pmo"}),
    ("engagement:moderation", [], {"pmo"}),
    ("engagement:messages", [], PARTNERS),
    ("engagement:message_new", [], EDITORS),
    ("engagement:message", ["from-trust-a"], PARTNERS),
    # The inbox: every member of an organisation has one (the cast's members have no messages
    # yet); the programme office, who belongs to none, is refused.
    ("engagement:inbox", [], {"editor_a", "editor_b", "viewer"}),
    ("engagement:inbox_waiting", [], {"editor_a", "editor_b", "viewer"}),
]

# Pages that are not found (404), rather than refused, for those who may not see them: a
# partners' consultation is not there for the public, and a report not yet published is not
# there for anyone but the programme office, who previews it.
HIDDEN = [
    ("engagement:consultation", ["practice-hours"], PARTNERS),
    ("engagement:consultation_report", ["staff-rota"], PARTNERS),
    ("engagement:consultation_report", ["practice-hours"], {"pmo"}),
    ("engagement:consultation_report", ["evening-gp"], {"pmo"}),
    ("engagement:consultation_report_csv", ["evening-gp"], {"pmo"}),
    ("engagement:consultation_reach_csv", ["evening-gp"], {"pmo"}),
    ("engagement:consultation_reach_csv", ["staff-rota"], PARTNERS),
    # A consultation set up in the workspace is a draft, for partners only, until announced.
    ("engagement:consultation", ["closing-unit"], PARTNERS),
]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


@pytest.fixture
def world(cast, footprint):
    """An open public consultation and a closed one with its report published, the same two
    for partners only, and a message from Trust A sent to every practice."""
    today = timezone.localdate()
    week = dt.timedelta(days=7)
    made = {}
    for slug, audience, opens, closes in (
        ("evening-gp", Audience.PUBLIC, today - week, today + week),
        ("walk-in", Audience.PUBLIC, today - 5 * week, today - week),
        ("practice-hours", Audience.PARTNERS, today - week, today + week),
        ("staff-rota", Audience.PARTNERS, today - 5 * week, today - week),
    ):
        made[slug] = Consultation.objects.create(
            title=slug.replace("-", " ").capitalize(),
            slug=slug,
            summary="What we propose.",
            audience=audience,
            opens_on=opens,
            closes_on=closes,
            retention_until=today + 10 * week,
        )
        services.add_partnership_statement(  # written the day it opened
            consultation=made[slug],
            text="Practices should open until 8pm.",
            by=cast["pmo"],
            today=opens,
        )
        Question.objects.create(consultation=made[slug], text="What would help you most?")
    for closed in ("walk-in", "staff-rota"):
        services.publish_report(consultation=made[closed], by=cast["pmo"])
    made["closing-unit"] = services.save_consultation(
        consultation=Consultation(
            title="Closing unit",
            slug="closing-unit",
            summary="EMBARGOED: we plan to close the unit.",
            opens_on=today + week,
            closes_on=today + 5 * week,
            retention_until=today + 10 * week,
        ),
        by=cast["pmo"],
    )
    for o in Organisation.objects.filter(kind=OrganisationKind.GP_PRACTICE):
        o.contact_email = f"{o.ods_code.lower()}@practice.example"
        o.save()
    made["message"] = Message.objects.create(
        title="Winter plan",
        body="Read this.",
        audience="all_practices",
        sender=footprint["trust_a"],
    )
    services.send_message(message=made["message"], by=cast["editor_a"])
    return made


def path_of(world, name, args):
    args = [world["message"].pk if a == "from-trust-a" else a for a in args]
    return reverse(name, args=args)


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), PAGES, ids=lambda v: str(v))
def test_page_permission_matrix(client_for, world, who, name, args, allowed):
    assert_may_see(client_for(who), who, path_of(world, name, args), allowed)


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("name", "args", "allowed"), HIDDEN, ids=lambda v: str(v))
def test_hidden_pages_are_not_found_for_others(client_for, world, who, name, args, allowed):
    response = client_for(who).get(path_of(world, name, args))
    assert response.status_code == (200 if who in allowed else 404)


@pytest.mark.parametrize("who", CAST)
def test_partners_consultations_are_listed_for_partners_not_for_everyone_logged_in(
    client_for, world, who
):
    """Someone logged in with no role (the stranger) is not a partner: the list shows them
    only the public consultations, and docs/permissions.md says so."""
    listed = client_for(who).get(reverse("engagement:consultations")).content.decode()
    assert "Evening gp" in listed and "Walk in" in listed
    for partners_only in ("Practice hours", "Staff rota", "Closing unit"):
        assert (partners_only in listed) == (who in PARTNERS), partners_only
    docs = (Path(__file__).resolve().parents[2] / "docs" / "permissions.md").read_text()
    paragraph = " ".join(
        next(p for p in docs.split("\n\n") if p.startswith("For engagement:")).split()
    )
    assert "consultations are shown only to partners" in paragraph
    assert "people who are logged in" not in paragraph


def test_a_personal_link_opens_its_message_for_anyone_who_holds_it(client_for, world):
    recipient = world["message"].recipients.first()
    key = services.link_key(recipient, issued_at=timezone.now())
    for who in CAST:
        page = client_for(who).get(reverse("engagement:message_link", args=[key]))
        assert f"For {recipient.organisation.name}" in page.content.decode()


# Each action's own address, and who may use it (the programme office's actions refuse the
# others at the door; the services refuse them too, below).
ACTIONS = [
    ("engagement:add_statement", ["evening-gp"], {"text": "A new statement here."}),
    ("engagement:add_question", ["evening-gp"], {"text": "Anything else?"}),
    ("engagement:add_document", ["evening-gp"], {"title": "P", "url": "https://x.example/p"}),
    ("engagement:add_response", ["evening-gp"], {"theme": "Later", "response": "Done."}),
    ("engagement:publish", ["evening-gp"], {}),
    ("engagement:recompute", ["evening-gp"], {}),
    ("engagement:announce", ["closing-unit"], {}),
]


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public"])
@pytest.mark.parametrize(("name", "args", "data"), ACTIONS, ids=lambda v: str(v))
def test_only_the_programme_office_runs_a_consultation(
    client_for, world, who, name, args, data, django_capture_on_commit_callbacks
):
    before = (Statement.objects.count(), Question.objects.count(), Document.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(who).post(reverse(name, args=args), data)
    assert response.status_code == (302 if who == "public" else 403)
    if who == "public":
        assert response["Location"].startswith(reverse("core:login"))
    after = (Statement.objects.count(), Question.objects.count(), Document.objects.count())
    assert after == before
    assert not Response.objects.exists() and not OpinionSnapshot.objects.exists()


@pytest.mark.parametrize(("name", "args", "data"), ACTIONS, ids=lambda v: str(v))
def test_the_programme_office_runs_a_consultation(
    client_for, world, name, args, data, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("pmo").post(reverse(name, args=args), data, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    said = {
        "engagement:publish": "A report is published once the consultation has closed.",
        "engagement:recompute": "The opinion groups are being recomputed.",
        "engagement:announce": "Announced: its audience can now see it.",
    }.get(name, f"Added the {name.removeprefix('engagement:add_')}.")
    assert said in body


# --- The services refuse a caller who may not act ---------------------------------------------


@pytest.mark.parametrize("who", ["public", "stranger"])
def test_only_partners_take_part_in_a_partners_consultation(cast, world, who):
    c = world["practice-hours"]
    by = cast[who] or AnonymousUser()
    mine = {"consultation": c, "key": "someone", "by": by}
    with pytest.raises(PermissionDenied):
        services.vote(**mine, statement=c.statements.get(), value=1)
    with pytest.raises(PermissionDenied):
        services.add_statement(**mine, text="Let me in, please.")
    with pytest.raises(PermissionDenied):
        services.answer(**mine, answers=[(c.questions.get(), "Later hours.")])
    with pytest.raises(PermissionDenied):
        services.describe_yourself(**mine, age_band="35-54", place=None)
    assert not Participant.objects.exists() and not Vote.objects.exists()
    assert Statement.objects.filter(participant__isnull=False).count() == 0
    # A partner takes part.
    services.vote(consultation=c, key="k", statement=c.statements.get(), value=1, by=cast["viewer"])
    assert Vote.objects.count() == 1


def test_the_public_takes_part_in_a_public_consultation(world):
    c = world["evening-gp"]
    mine = {"consultation": c, "key": "someone", "by": AnonymousUser()}
    services.vote(**mine, statement=c.statements.get(), value=1)
    services.add_statement(**mine, text="Pharmacies should do more.")
    services.answer(**mine, answers=[(c.questions.get(), "Later hours.")])
    services.describe_yourself(**mine, age_band="35-54", place=None)
    assert Participant.objects.get().age_band == "35-54"
    # But not in a closed one.
    closed = world["walk-in"]
    with pytest.raises(Exception, match="not open"):
        services.vote(
            consultation=closed,
            key="someone",
            statement=closed.statements.get(),
            value=1,
            by=AnonymousUser(),
        )


@pytest.mark.parametrize("who", ["editor_a", "viewer", "stranger", "public"])
def test_only_the_programme_office_changes_a_consultation(cast, world, who):
    by = cast[who] or AnonymousUser()
    c = world["evening-gp"]
    c.title = "Taken over"
    mine = services.add_statement(
        consultation=c, key="someone", text="Pharmacies should do more.", by=AnonymousUser()
    )
    events = AuditEvent.objects.count()
    refused = [
        lambda: services.save_consultation(consultation=c, by=by),
        lambda: services.save_consultation(
            consultation=Consultation(
                title="New",
                slug="new",
                summary="S",
                opens_on=c.opens_on,
                closes_on=c.closes_on,
                retention_until=c.retention_until,
            ),
            by=by,
        ),
        lambda: services.add_partnership_statement(consultation=c, text="Ours, now.", by=by),
        lambda: services.add_question(consultation=c, text="Anything else?", by=by),
        lambda: services.add_document(consultation=c, title="P", url="https://x.example", by=by),
        lambda: services.add_response(
            consultation=c, response=Response(theme="Later", response="Done."), by=by
        ),
        lambda: services.moderate(item=mine, approve=True, reason="", by=by),
        lambda: services.publish_report(consultation=world["walk-in"], by=by),
        lambda: services.announce(consultation=world["closing-unit"], by=by),
        lambda: services.store_opinion_groups(consultation=c, by=by),
        lambda: services.delete_personal_details(today=timezone.localdate(), by=by),
    ]
    for attempt in refused:
        with pytest.raises(PermissionDenied):
            attempt()
    c.refresh_from_db()
    mine.refresh_from_db()
    assert c.title == "Evening gp" and not Consultation.objects.filter(slug="new").exists()
    assert c.statements.count() == 2 and not c.questions.exclude(text__startswith="What").exists()
    assert not Document.objects.exists() and not Response.objects.exists()
    assert mine.status == Moderation.PENDING and not OpinionSnapshot.objects.exists()
    assert AuditEvent.objects.count() == events


def test_the_site_recomputes_for_the_programme_office_and_for_votes_only(cast, world):
    c = world["evening-gp"]
    for i in range(10):
        services.vote(
            consultation=c,
            key=f"person-{i}",
            statement=c.statements.get(),
            value=1 if i % 2 else -1,
            by=AnonymousUser(),
        )
    with pytest.raises(PermissionDenied):
        tasks.recompute_opinions.call(c.pk, cast["editor_a"].pk)
    assert not OpinionSnapshot.objects.exists()
    tasks.recompute_opinions.call(c.pk, cast["pmo"].pk)  # the programme office's button
    tasks.recompute_opinions.call(c.pk)  # the site, as votes arrive
    assert OpinionSnapshot.objects.filter(consultation=c).count() == 2
    actors = AuditEvent.objects.filter(action="find_opinion_groups").values_list(
        "actor__username", flat=True
    )
    assert sorted(map(str, actors)) == ["None", "pmo"]  # the site is no one


def test_only_an_organisations_editors_and_the_programme_office_send_for_it(cast, world):
    trust_b = Organisation.objects.get(ods_code="RB1")
    for who, sender in (("editor_a", trust_b), ("viewer", None), ("editor_a", None)):
        message = Message(title="Forged", body="Not ours.", audience="all_practices", sender=sender)
        with pytest.raises(PermissionDenied):
            services.send_message(message=message, by=cast[who])
    assert not Message.objects.filter(title="Forged").exists()
    assert Recipient.objects.exclude(message=world["message"]).count() == 0
    # The programme office sends for anyone; an editor for their own organisation.
    services.send_message(
        message=Message(title="Ours", body="Read.", audience="all_practices", sender=trust_b),
        by=cast["editor_b"],
    )
    assert Message.objects.get(title="Ours").recipients.count() == 3


def test_only_an_organisations_editors_adopt_for_it(cast, world):
    message, trust_a = world["message"], Organisation.objects.get(ods_code="RA1")
    trust_b = Organisation.objects.get(ods_code="RB1")
    for who in ("editor_a", "viewer", "stranger"):
        with pytest.raises(PermissionDenied):
            services.adopt(message=message, organisation=trust_b, by=cast[who])
    with pytest.raises(PermissionDenied):
        services.adopt(message=message, organisation=trust_a, by=cast["editor_b"])
    assert not message.adopted_by.exists()
    services.adopt(message=message, organisation=trust_b, by=cast["editor_b"])
    assert list(message.adopted_by.values_list("ods_code", flat=True)) == ["RB1"]


def test_only_the_sender_and_the_programme_office_remind(
    client_for, cast, world, mailoutbox, django_capture_on_commit_callbacks
):
    message = world["message"]
    now = timezone.now()
    for who in ("editor_b", "viewer", "stranger"):
        with pytest.raises(PermissionDenied):
            services.send_reminders(message=message, now=now, by=cast[who])
        with pytest.raises(PermissionDenied):
            services.send_due_reminders(older_than=dt.timedelta(0), now=now, by=cast[who])
    with pytest.raises(PermissionDenied):
        services.send_due_reminders(older_than=dt.timedelta(0), now=now, by=cast["editor_a"])
    assert not Recipient.objects.filter(reminded_at__isnull=False).exists()
    remind = reverse("engagement:message_send_reminders", args=[message.pk])
    assert client_for("editor_b").post(remind).status_code == 403
    # Sent two days ago (a reminder goes at most once a day, the first sending included).
    Message.objects.filter(pk=message.pk).update(sent_at=now - dt.timedelta(days=2))
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        page = client_for("editor_a").post(remind, follow=True)
    assert "3 reminders sent." in page.content.decode() and len(mailoutbox) == 3
    # The daily command is the site's own work (OPERATOR): sent and reminded within the day,
    # nobody is due yet.
    later = now + dt.timedelta(hours=1)
    assert services.send_due_reminders(older_than=dt.timedelta(days=1), now=later, by=OPERATOR) == 0


def test_only_a_link_this_site_signed_and_still_working_acknowledges(world):
    recipient = world["message"].recipients.first()
    now = timezone.now()
    forged = f"{recipient.pk}.1a2b3c.forged"
    expired = services.link_key(recipient, issued_at=now - dt.timedelta(days=91))
    for key in (forged, expired):
        with pytest.raises(PermissionDenied):
            services.acknowledge(key=key, now=now)
        with pytest.raises(PermissionDenied):
            services.mark_opened(key=key, now=now)
    with pytest.raises(PermissionDenied):
        services.send_fresh_link(key=forged, now=now)
    recipient.refresh_from_db()
    assert (recipient.read_at, recipient.acknowledged_at, recipient.fresh_link_sent_at) == (
        None,
        None,
        None,
    )
    assert services.acknowledge(key=services.link_key(recipient, issued_at=now), now=now)


def test_answers_go_only_to_the_consultations_own_questions(world):
    other = world["practice-hours"].questions.get()
    with pytest.raises(Exception, match="no such question"):
        services.answer(
            consultation=world["evening-gp"],
            key="someone",
            answers=[(other, "Sneaked in.")],
            by=AnonymousUser(),
        )
    assert not Answer.objects.exists()


# --- The inbox and attachments ---------------------------------------------------------------


@pytest.fixture
def practices(world, django_user_model):
    """A member of Practice 0 and a member of Practice 2 (each a viewer there), and the
    message's recipient at each practice."""
    from footprint.partnership.models import Membership, Role
    from tests.conftest import make_user

    out = {}
    for code in ("A00000", "A00002"):
        user = make_user(django_user_model, f"practice_{code[-1]}")
        Membership.objects.create(
            user=user, organisation=Organisation.objects.get(ods_code=code), role=Role.VIEWER
        )
        out[code] = (user, world["message"].recipients.get(organisation__ods_code=code))
    return out


@pytest.fixture
def attached(world, cast, settings, tmp_path):
    """A message from Trust A to every practice carrying a PDF poster."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    message = Message(title="Poster", body="Put it up.", audience="all_practices")
    message.sender = Organisation.objects.get(ods_code="RA1")
    poster = SimpleUploadedFile("Winter poster.pdf", b"%PDF-1.7\n% a poster\n")
    services.send_message_with_attachments(message=message, files=[poster], by=cast["editor_a"])
    return message, message.attachments.get()


def test_a_member_of_another_practice_cannot_see_or_acknowledge(client, cast, practices):
    (mine, recipient), (other, _) = practices["A00000"], practices["A00002"]
    client.force_login(other)
    assert client.get(reverse("engagement:inbox_message", args=[recipient.pk])).status_code == 404
    post = client.post(reverse("engagement:inbox_acknowledge", args=[recipient.pk]))
    assert post.status_code == 404
    with pytest.raises(PermissionDenied):
        services.acknowledge_for_organisation(recipient=recipient, now=timezone.now(), by=other)
    for who in ("pmo", "editor_a", "viewer", "stranger"):
        with pytest.raises(PermissionDenied):
            services.acknowledge_for_organisation(
                recipient=recipient, now=timezone.now(), by=cast[who]
            )
        with pytest.raises(PermissionDenied):
            services.open_in_inbox(recipient=recipient, now=timezone.now(), by=cast[who])
    recipient.refresh_from_db()
    assert (recipient.read_at, recipient.acknowledged_at) == (None, None)
    inbox = client.get(reverse("engagement:inbox")).content.decode()
    assert f"/workspace/inbox/{practices['A00002'][1].pk}/" in inbox  # its own copy only
    assert f"/workspace/inbox/{recipient.pk}/" not in inbox
    # Its own member acknowledges it, audited under their name.
    client.force_login(mine)
    page = client.post(
        reverse("engagement:inbox_acknowledge", args=[recipient.pk]), follow=True
    ).content.decode()
    assert "Acknowledged for Practice 0" in page and "by Practice_0" in page
    recipient.refresh_from_db()
    assert recipient.acknowledged_by == mine and recipient.read_at is not None
    event = AuditEvent.objects.filter(action="acknowledge_message").latest("pk")
    assert event.actor == mine and "in its inbox" in event.summary


@pytest.mark.parametrize("who", CAST)
def test_inbox_pages_for_the_cast(client_for, practices, who):
    """The cast belong to no practice: a practice's message is not found for its members,
    and refused to those with no inbox at all."""
    _, recipient = practices["A00000"]
    client = client_for(who)
    for name in ("engagement:inbox_message", "engagement:inbox_acknowledge"):
        path = reverse(name, args=[recipient.pk])
        response = client.post(path) if name.endswith("acknowledge") else client.get(path)
        if who == "public":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("core:login"))
        else:
            assert response.status_code == (
                404 if who in {"editor_a", "editor_b", "viewer"} else 403
            )
    recipient.refresh_from_db()
    assert recipient.acknowledged_at is None


@pytest.mark.parametrize("who", [*CAST, "practice_0", "practice_2"])
def test_an_attachment_is_only_for_its_recipients_and_its_sender(
    client, cast, practices, attached, who
):
    """Signed in: the programme office, the sender's editors and the recipients' members
    download it; everyone else (a stranger, another trust, the public) is told there is no
    such file."""
    message, attachment = attached
    users = {**cast, "practice_0": practices["A00000"][0], "practice_2": practices["A00002"][0]}
    if users[who] is not None:
        client.force_login(users[who])
    response = client.get(
        reverse("engagement:message_attachment", args=[message.pk, attachment.pk])
    )
    if who in {"pmo", "editor_a", "practice_0", "practice_2"}:
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert response["Content-Disposition"] == 'attachment; filename="Winter poster.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
    else:
        assert response.status_code == 404


def test_an_attachment_through_a_personal_link_only_while_it_works(client, attached):
    message, attachment = attached
    recipient = message.recipients.first()
    now = timezone.now()
    good = services.link_key(recipient, issued_at=now)
    expired = services.link_key(recipient, issued_at=now - dt.timedelta(days=91))
    other = services.link_key(
        Recipient.objects.exclude(message=message).first(), issued_at=now
    )  # another message's link does not open this one's files

    def get(key, pk=attachment.pk):
        return client.get(reverse("engagement:message_link_attachment", args=[key, pk]))

    ok = get(good)
    assert ok.status_code == 200 and ok["X-Content-Type-Options"] == "nosniff"
    assert ok["Content-Disposition"].startswith("attachment;")
    for key in (expired, other, f"{recipient.pk}.1a2b3c.forged"):
        assert get(key).status_code == 404
    assert get(good, attachment.pk + 100).status_code == 404
    page = client.get(reverse("engagement:message_link", args=[good])).content.decode()
    assert "Winter poster.pdf" in page


def test_a_consultation_set_up_in_the_workspace_is_a_draft_until_announced(client_for, cast, world):
    """Probe C1: a public consultation was public from the moment it was saved. Now one set up
    in the workspace is a draft: partners see it, marked as such; the public finds it nowhere
    (page, list, API) and nobody may take part, until the programme office announces it."""
    c = world["closing-unit"]
    assert c.draft and c.announced_at is None
    page = reverse("engagement:consultation", args=[c.slug])
    public = client_for("public")
    assert public.get(page).status_code == 404
    assert "EMBARGOED" not in public.get(reverse("engagement:consultations")).content.decode()
    assert "closing-unit" not in public.get("/api/v1/consultations").content.decode()
    shown = client_for("viewer").get(page).content.decode()
    assert "Draft: not announced" in shown and "EMBARGOED" in shown
    # Nobody takes part in a draft, even when its dates say it is open.
    Consultation.objects.filter(pk=c.pk).update(opens_on=timezone.localdate())
    c.refresh_from_db()
    statement = services.add_partnership_statement(consultation=c, text="Keep it.", by=cast["pmo"])
    for by in (AnonymousUser(), cast["viewer"]):
        with pytest.raises(PermissionDenied):
            services.vote(consultation=c, key="k", statement=statement, value=1, by=by)
    assert not Vote.objects.exists()
    with pytest.raises(PermissionDenied):
        services.announce(consultation=c, by=cast["editor_a"])
    manage = client_for("pmo").get(reverse("engagement:manage", args=[c.slug])).content.decode()
    assert "Announce the consultation" in manage
    client_for("pmo").post(reverse("engagement:announce", args=[c.slug]))
    c.refresh_from_db()
    assert not c.draft and c.announced_at is not None
    assert AuditEvent.objects.filter(action="announce_consultation").count() == 1
    assert "EMBARGOED" in public.get(page).content.decode()
    assert "closing-unit" in public.get("/api/v1/consultations").content.decode()
    services.vote(consultation=c, key="k", statement=statement, value=1, by=AnonymousUser())
    assert Vote.objects.count() == 1
