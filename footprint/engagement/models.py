"""Consultations the public and partners take part in without an account, their statements,
votes and free-text answers, moderation, the opinion groups found in the votes, and the
partnership's "you said, we did" report."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from simple_history.models import HistoricalRecords

from footprint.core.validators import validate_one_line
from footprint.decisions.models import Decision, Proposal
from footprint.partnership.models import Neighbourhood, Organisation, Place
from footprint.partnership.staff import StaffGroup


class Audience(models.TextChoices):
    PUBLIC = "public", "The public"
    PARTNERS = "partners", "Partner organisations"
    PRACTICES = "practices", "GP practices"
    STAFF = "staff", "Staff"


class AgeBand(models.TextChoices):
    UNDER_18 = "0-17", "Under 18"
    YOUNG = "18-34", "18 to 34"
    MIDDLE = "35-54", "35 to 54"
    OLDER = "55-74", "55 to 74"
    OLDEST = "75+", "75 and over"


class Moderation(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved"
    HIDDEN = "hidden", "Hidden"


class Consultation(models.Model):
    """A question put to people: a plan section or a proposal, with statements to vote on."""

    title = models.CharField(max_length=200, validators=[validate_one_line])
    slug = models.SlugField(max_length=80, unique=True)
    summary = models.TextField(help_text="What is proposed, in plain English")
    body = models.TextField("the proposal in full", blank=True)
    about = models.CharField(
        "plan section or proposal", max_length=200, blank=True, help_text="What it consults on"
    )
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="consultations"
    )
    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.PUBLIC)
    opens_on = models.DateField()
    closes_on = models.DateField()
    retention_until = models.DateField(
        help_text="Participants' personal details are deleted after this date"
    )
    # A consultation set up in the workspace is a draft, seen by partners only, until the
    # programme office announces it (services.announce); made directly (the demo, older
    # consultations) it is not.
    draft = models.BooleanField(
        default=False,
        editable=False,
        help_text="Seen by partners only until the programme office announces it",
    )
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)
    report_summary = models.TextField(
        "summary of the report", blank=True, help_text="What the partnership heard and did"
    )
    report_published_at = models.DateTimeField(null=True, blank=True)
    # What the public report shows until the programme office publishes again: its summary and
    # its "you said, we did" as they were (engagement.queries.report_document).
    published_report = models.JSONField(null=True, blank=True, editable=False)
    # The opinion groups the public report shows until it is published again: a recompute
    # after publication is the partners' draft (engagement.queries.published_snapshot).
    # Who took part (counts, and by place and age band with small counts withheld) as the
    # report was first published (engagement.queries.published_reach).
    published_reach = models.JSONField(null=True, blank=True, editable=False)
    published_snapshot = models.ForeignKey(
        "OpinionSnapshot",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_on"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:consultation", args=[self.slug])

    def status(self, today: dt.date) -> str:
        """ "upcoming", "open" or "closed" on ``today``."""
        if today < self.opens_on:
            return "upcoming"
        return "open" if today <= self.closes_on else "closed"


class Document(models.Model):
    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200, validators=[validate_one_line])
    url = models.URLField()

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    """A free-text question."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Participant(models.Model):
    """Someone taking part, known only by a random key kept in their browser. Age band and
    place are optional and are deleted after the consultation's retention date."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants"
    )
    key = models.CharField(max_length=64, blank=True, db_index=True, help_text="SHA-256 of the key")
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One participant a key: two first votes racing from one browser make one person.
            # (Keys are blanked when personal details are deleted, so blank ones may repeat.)
            models.UniqueConstraint(
                fields=["consultation", "key"],
                condition=~models.Q(key=""),
                name="one_participant_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"Participant {self.pk} in {self.consultation}"


class Moderated(models.Model):
    status = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.PENDING)
    reason = models.CharField("reason for hiding", max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class Statement(Moderated):
    """A short statement to agree or disagree with: written by the partnership (approved when
    written) or by a participant (waits for moderation)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statements"
    )
    text = models.CharField(max_length=280)
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class Vote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, "Agree"
        PASS = 0, "Pass / unsure"
        DISAGREE = -1, "Disagree"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="one_vote_each")
        ]

    def __str__(self) -> str:
        return f"{self.get_value_display()}: {self.statement}"


class Answer(Moderated):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(max_length=2000)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Answer to {self.question}"


class OpinionSnapshot(models.Model):
    """The opinion groups found in a consultation's votes at one moment."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="snapshots"
    )
    computed_at = models.DateTimeField(auto_now_add=True)
    participants = models.PositiveIntegerField()
    grouped = models.PositiveIntegerField(
        help_text="Participants placed: with enough votes to place in a group"
    )
    votes = models.PositiveIntegerField()
    clarity = models.CharField(
        max_length=80,
        blank=True,
        help_text="How clear the groups are, in plain words: 'three clear groups', "
        "'two groups, weakly separated', 'no clear groups of opinion'",
    )
    stability = models.FloatField(
        null=True, blank=True, help_text="Agreement of groups found afresh on samples (0 to 1)"
    )
    confidence = models.FloatField(
        null=True, blank=True, help_text="Mean membership probability of those placed (0 to 1)"
    )
    confident = models.PositiveIntegerField(
        null=True, blank=True, help_text="Those placed with a membership probability of 0.8 or more"
    )
    evidence = models.JSONField(
        default=dict,
        help_text="For each number of groups tried, how much better than one group it predicts "
        "held-out votes (nats per participant; null where a group was too small)",
    )
    groups = models.JSONField(help_text="Each group: size, share, representative statements")
    consensus = models.JSONField()
    points = models.JSONField(help_text="A sample of participants' places, for the chart")
    statements = models.JSONField(help_text="Each statement's votes overall and by group")
    seconds = models.FloatField()

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"{self.consultation} at {self.computed_at:%Y-%m-%d %H:%M}"


class RecomputeRequest(models.Model):
    """A recompute of a consultation's opinion groups asked for as votes arrive and not yet
    begun: while there is one, further votes queue no more (engagement.tasks)."""

    consultation = models.OneToOneField(
        Consultation, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Recompute {self.consultation} (asked at {self.requested_at:%H:%M:%S})"


class Response(models.Model):
    """'You said, we did': the partnership's response to a theme or statement."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="responses"
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    theme = models.CharField("you said", max_length=300)
    response = models.TextField("we did")
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
        help_text="The decision it changed, if any",
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.theme


class MessageAudience(models.TextChoices):
    ALL_PRACTICES = "all_practices", "Every GP practice"
    PLACE_PRACTICES = "place_practices", "The GP practices in one place"
    NEIGHBOURHOOD_PRACTICES = "neighbourhood_practices", "The GP practices in one neighbourhood"
    STAFF_GROUP = "staff_group", "One staff group, through every member organisation"


class Message(models.Model):
    """A message from the partnership, or from one organisation, that others may adopt as a
    common message; each recipient gets a personal link to read and acknowledge it."""

    title = models.CharField(max_length=200, validators=[validate_one_line])
    body = models.TextField()
    sender = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages_sent",
        help_text="Blank for the partnership as a whole",
    )
    adopted_by = models.ManyToManyField(
        Organisation, blank=True, related_name="messages_adopted", help_text="Made it common"
    )
    audience = models.CharField(max_length=30, choices=MessageAudience.choices)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT)
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT
    )
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices, blank=True)
    link_days = models.PositiveSmallIntegerField(
        "links work for (days)",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Each personal link stops working this many days after it was emailed; "
        "a reminder, or the recipient's own request, sends a fresh one",
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("engagement:message", args=[self.pk])

    @property
    def from_whom(self) -> str:
        return self.sender.name if self.sender else "The partnership"


class Recipient(models.Model):
    """One organisation a message went to, and when its link was first opened, when it was
    acknowledged, last reminded and last sent a fresh link on request. Its personal links are
    signed with the site's secret key and carry the time they were issued, so nothing that
    opens them is stored."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="recipients")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="messages_received"
    )
    email = models.EmailField(blank=True)
    read_at = models.DateTimeField(
        "opened at",
        null=True,
        blank=True,
        help_text="When its link was first opened (a mail scanner may open it too)",
    )
    acknowledged_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone pressed 'I have read this'"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    fresh_link_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When a fresh link was last emailed because one expired"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The member of the organisation who acknowledged it in their inbox; blank "
        "when it was acknowledged through the emailed link",
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["message", "organisation"], name="one_copy_each")
        ]

    def __str__(self) -> str:
        return f"{self.message} to {self.organisation.ods_code}"


def attachment_path(instance: MessageAttachment, filename: str) -> str:
    """Where an attachment is stored: a random name with its checked extension, never the
    name it was uploaded with (which is kept, sanitised, in ``name``)."""
    return f"messages/{secrets.token_hex(16)}{PurePosixPath(filename).suffix.lower()}"


class MessageAttachment(models.Model):
    """A file sent with a message (a poster, a letter, a form): served only to the message's
    recipients and its sender (footprint/engagement/attachments.py checks what it is)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(max_length=150, help_text="The name it was uploaded with, sanitised")
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(help_text="Bytes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


@receiver(post_delete, sender=MessageAttachment)
def _delete_the_stored_file(
    sender: type[MessageAttachment], instance: MessageAttachment, **kwargs: object
) -> None:
    """Deleting an attachment (or its message, or the sender's organisation) deletes its file
    from storage once the deletion is committed, so no file outlives its row."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
