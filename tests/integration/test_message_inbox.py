"""A practice's inbox, the files a message carries, and a consultation's web address.

What a message may carry is checked twice, by the file's name and by its first bytes, so a
program renamed to ``.pdf`` never reaches a practice; a message and its files are sent
together or not at all."""

import datetime as dt
import io
import unicodedata
import zipfile

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from footprint.core.models import RateLimitCounter
from footprint.engagement import attachments, services
from footprint.engagement.models import Consultation, Message, MessageAttachment
from footprint.partnership.models import Membership, Organisation, Role
from tests.conftest import make_user

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 40  # a Windows program
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 40  # a Linux program


def office(*parts: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for part in parts:
            z.writestr(part, "<x/>")
    return out.getvalue()


class Upload(io.BytesIO):
    """A file as a form gives it: its name, its size (claimed, to try the limits cheaply)."""

    def __init__(self, name: str, data: bytes, size: int | None = None):
        super().__init__(data)
        self.name = name
        self.size = len(data) if size is None else size


# --- What a message may carry -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("poster.pdf", PDF, "application/pdf"),
        ("Photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("map.png", PNG, "image/png"),
        ("letter.docx", office("[Content_Types].xml", "word/document.xml"), "wordprocessingml"),
        ("rota.xlsx", office("[Content_Types].xml", "xl/workbook.xml"), "spreadsheetml"),
        ("old letter.doc", attachments.OLE + b"\x00" * 40, "application/msword"),
    ],
)
def test_real_documents_and_pictures_are_accepted(name, data, kind):
    checked = attachments.check_file(name, len(data), io.BytesIO(data))
    assert kind in checked.content_type and checked.name == name and checked.size == len(data)


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("poster.pdf", EXE, "poster.pdf is not a PDF, whatever its name says"),
        ("poster.pdf", ELF, "poster.pdf is not a PDF, whatever its name says"),
        ("map.png", PDF, "map.png is not a PNG picture"),
        ("letter.docx", PDF, "letter.docx is not a Word document"),
        ("letter.docx", office("xl/workbook.xml"), "does not hold one inside"),
        ("letter.docx", b"PK\x03\x04 broken zip", "does not hold one inside"),
        ("letter.docx", office("word/document.xml", "word/vbaProject.bin"), "contains macros"),
        ("setup.exe", EXE, "not files ending '.exe'"),
        ("page.html", b"<html><script>", "not files ending '.html'"),
        ("notes", PDF, "not files ending '(nothing)'"),
        ("empty.pdf", b"", "empty.pdf is empty"),
    ],
)
def test_anything_else_is_refused_naming_the_file(name, data, says):
    with pytest.raises(ValidationError, match=says.replace("(", r"\(").replace(")", r"\)")):
        attachments.check_file(name, len(data), io.BytesIO(data))


def test_a_file_and_a_message_have_their_limits():
    big = Upload("big.pdf", PDF, size=attachments.MOST_PER_FILE + 1)
    with pytest.raises(ValidationError, match=r"big\.pdf is 10\.0 MB, more than the 10 MB"):
        attachments.check_files([big])
    just = [Upload(f"part {i}.pdf", PDF, size=9 * attachments.MB) for i in range(3)]
    assert len(attachments.check_files(just[:2])) == 2  # 18 MB in all
    with pytest.raises(ValidationError, match="27 MB, more than the 25 MB a message can carry"):
        attachments.check_files(just)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Winter poster.pdf", "Winter poster.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\Letter.docx", "Letter.docx"),
        ('a"b;c\r\nd.pdf', "a b c d.pdf"),
        ("Affiche d'été.pdf", "Affiche d'été.pdf"),
        ("...pdf", "attachment.pdf"),
        ("\x00\x01.pdf", "attachment.pdf"),
        ("x" * 300 + ".PDF", "x" * 116 + ".PDF"),
    ],
)
def test_names_are_kept_but_made_safe(given, kept):
    assert attachments.safe_name(given) == kept


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_name_becomes_a_safe_one(given_name):
    """Whatever name a file arrives with, the one kept has no path, quote, separator or
    control character, is at most 120 characters, and is never empty."""
    kept = attachments.safe_name(given_name)
    assert 0 < len(kept) <= 120
    assert not any(c in attachments.UNSAFE or unicodedata.category(c)[0] == "C" for c in kept)
    assert kept == kept.strip() and not kept.startswith(".")
    assert attachments.safe_name(kept) == kept  # already safe: kept as it is


@pytest.fixture
def sender(cast, footprint, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return cast["editor_a"]


def test_a_message_and_its_files_are_sent_together_or_not_at_all(sender, tmp_path, mailoutbox):
    message = Message(title="Posters", body="Put them up.", audience="all_practices")
    message.sender = Organisation.objects.get(ods_code="RA1")
    files = [SimpleUploadedFile("poster.pdf", PDF), SimpleUploadedFile("poster2.pdf", EXE)]
    with pytest.raises(ValidationError, match=r"poster2\.pdf is not a PDF"):
        services.send_message_with_attachments(message=message, files=files, by=sender)
    assert not Message.objects.exists() and not MessageAttachment.objects.exists()
    assert not list(tmp_path.rglob("*.*"))
    files = [SimpleUploadedFile("poster.pdf", PDF), SimpleUploadedFile("map.png", PNG)]
    assert services.send_message_with_attachments(message=message, files=files, by=sender) == 3
    stored = list(message.attachments.all())
    assert [a.name for a in stored] == ["poster.pdf", "map.png"]
    for a in stored:  # under a random name, never the uploaded one
        assert a.file.name.startswith("messages/") and "poster" not in a.file.name
        assert (tmp_path / a.file.name).read_bytes()[:4] in (PDF[:4], PNG[:4])


def test_the_message_page_refuses_a_disguised_program(client, sender, tmp_path):
    client.force_login(sender)
    form = {
        "title": "Poster",
        "body": "Please display it.",
        "sender": Organisation.objects.get(ods_code="RA1").pk,
        "audience": "all_practices",
    }
    page = client.post(
        reverse("engagement:message_new"),
        {**form, "attachments": [SimpleUploadedFile("poster.pdf", EXE)]},
    )
    assert page.status_code == 200
    assert "poster.pdf is not a PDF, whatever its name says" in page.content.decode()
    assert not Message.objects.exists() and not list(tmp_path.rglob("*.*"))
    sent = client.post(
        reverse("engagement:message_new"),
        {**form, "attachments": [SimpleUploadedFile("poster.pdf", PDF)]},
        follow=True,
    ).content.decode()
    assert "Sent to 3 organisations with 1 attached file." in sent
    assert "poster.pdf" in sent and "(PDF, 1 KB)" in sent  # the sender sees what went


# --- The inbox ---------------------------------------------------------------------------------


@pytest.fixture
def manager(footprint, django_user_model):
    user = make_user(django_user_model, "manager")
    Membership.objects.create(
        user=user, organisation=Organisation.objects.get(ods_code="A00000"), role=Role.VIEWER
    )
    return user


def test_an_empty_inbox_says_so(client, manager):
    client.force_login(manager)
    page = client.get(reverse("engagement:inbox")).content.decode()
    assert "No messages have been sent to your organisation yet" in page
    workspace = client.get(reverse("partnership:workspace")).content.decode()
    assert reverse("engagement:inbox") in workspace


def test_the_inbox_lists_newest_first_twenty_a_page(client, cast, manager):
    start = timezone.now() - dt.timedelta(days=30)
    for i in range(23):
        m = Message.objects.create(title=f"Message {i:02}", body="B", audience="all_practices")
        RateLimitCounter.objects.all().delete()  # sent over days: no sending limit applies
        services.send_message(message=m, by=cast["pmo"])
        Message.objects.filter(pk=m.pk).update(sent_at=start + dt.timedelta(days=i))
    client.force_login(manager)
    first = client.get(reverse("engagement:inbox")).content.decode()
    assert "23 messages, <strong>23</strong> not yet acknowledged." in first
    assert first.index("Message 22") < first.index("Message 03")
    assert "Message 02" not in first and "?page=2" in first
    second = client.get(reverse("engagement:inbox") + "?page=2").content.decode()
    assert "Message 02" in second and "Message 00" in second and "Message 03" not in second


def test_opening_reads_and_either_way_acknowledges_once(client, cast, manager):
    message = Message.objects.create(title="Flu clinics", body="Book.", audience="all_practices")
    services.send_message(message=message, by=cast["pmo"])
    recipient = message.recipients.get(organisation__ods_code="A00000")
    client.force_login(manager)
    page = client.get(reverse("engagement:inbox_message", args=[recipient.pk])).content.decode()
    assert "Acknowledge for Practice 0" in page
    recipient.refresh_from_db()
    assert recipient.read_at is not None and recipient.acknowledged_at is None
    # Acknowledged through the emailed link first: the inbox shows it, and says by no one.
    services.acknowledge(
        key=services.link_key(recipient, issued_at=timezone.now()), now=timezone.now()
    )
    inbox = client.get(reverse("engagement:inbox")).content.decode()
    assert "through the emailed link" in inbox and "Acknowledge<span" not in inbox
    again = client.post(
        reverse("engagement:inbox_acknowledge", args=[recipient.pk]), follow=True
    ).content.decode()
    assert "It had already been acknowledged for Practice 0." in again
    recipient.refresh_from_db()
    assert recipient.acknowledged_by is None


# --- A consultation's web address ---------------------------------------------------------------


def consultation(title: str, opens: dt.date, slug: str = "") -> Consultation:
    return Consultation(
        title=title,
        slug=slug,
        summary="S",
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=30),
        retention_until=opens + dt.timedelta(days=90),
    )


def test_the_address_is_made_from_the_title_and_fixed_once_people_take_part(cast, footprint):
    today = dt.date(2026, 11, 30)
    pmo = cast["pmo"]
    later = today + dt.timedelta(days=7)
    first = services.save_consultation(
        consultation=consultation("Evening GP appointments!", later), by=pmo, today=today
    )
    second = services.save_consultation(
        consultation=consultation("Evening GP appointments", later), by=pmo, today=today
    )
    assert (first.slug, second.slug) == ("evening-gp-appointments", "evening-gp-appointments-2")
    first.slug = "evening-appointments"  # before it opens: it may change
    services.save_consultation(consultation=first, by=pmo, today=today)
    # Once it has opened, it may not.
    first.slug = "something-else"
    with pytest.raises(ValidationError, match="cannot change: it has opened"):
        services.save_consultation(consultation=first, by=pmo, today=later)
    # Once anyone takes part, not even before the day it opens (its dates moved later).
    Consultation.objects.filter(pk=second.pk).update(opens_on=today - dt.timedelta(days=1))
    second.refresh_from_db()
    services.announce(consultation=second, by=pmo)  # a draft takes no part
    services.vote(
        consultation=second,
        key="someone",
        statement=services.add_partnership_statement(
            consultation=second, text="Open until 8pm.", by=pmo
        ),
        value=1,
        by=AnonymousUser(),
    )
    second.slug = "renamed"
    with pytest.raises(ValidationError, match="people have taken part in it"):
        services.save_consultation(consultation=second, by=pmo, today=dt.date(2026, 1, 1))
    assert set(Consultation.objects.values_list("slug", flat=True)) == {
        "evening-appointments",
        "evening-gp-appointments-2",
    }


def test_the_edit_page_offers_the_address_until_it_is_fixed(client, cast, footprint):
    today = timezone.localdate()
    c = services.save_consultation(
        consultation=consultation("Walk-in centres", today + dt.timedelta(days=3)), by=cast["pmo"]
    )
    client.force_login(cast["pmo"])
    page = client.get(reverse("engagement:edit", args=[c.slug])).content.decode()
    assert "Leave it empty to make it from the title" in page
    Consultation.objects.filter(pk=c.pk).update(opens_on=today)
    page = client.get(reverse("engagement:edit", args=[c.slug])).content.decode()
    assert (
        "Fixed: it has opened." in page and "<code>/consultations/walk-in-centres/</code>" in page
    )
    assert 'name="slug"' not in page  # shown, not offered
    # Whatever is sent, it keeps its address.
    form = {
        "title": "Walk-in centres, again",
        "slug": "taken-over",
        "summary": "S",
        "audience": "public",
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=30),
        "retention_until": today + dt.timedelta(days=90),
    }
    client.post(reverse("engagement:edit", args=[c.slug]), form)
    c.refresh_from_db()
    assert (c.title, c.slug) == ("Walk-in centres, again", "walk-in-centres")


@pytest.mark.django_db(transaction=True)
def test_deleting_a_message_deletes_its_files_from_storage(cast, footprint, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    message = Message(title="Posters", body="Put them up.", audience="all_practices")
    message.sender = Organisation.objects.get(ods_code="RA1")
    files = [SimpleUploadedFile("poster.pdf", PDF), SimpleUploadedFile("map.png", PNG)]
    services.send_message_with_attachments(message=message, files=files, by=cast["editor_a"])
    stored = [tmp_path / a.file.name for a in message.attachments.all()]
    assert len(stored) == 2 and all(path.exists() for path in stored)
    message.delete()
    assert not MessageAttachment.objects.exists()
    assert not any(path.exists() for path in stored)
