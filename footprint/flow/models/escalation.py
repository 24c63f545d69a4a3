"""OPEL levels, the partnership's escalation actions and on-call contacts, and the mutual-aid
log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from footprint.flow.models.returns import ReturnKind
from footprint.partnership.models import Organisation

__all__ = [
    "AidKind",
    "AidOutcome",
    "AidRequest",
    "EscalationAction",
    "LevelChange",
    "OnCallContact",
    "OpelLevel",
]


class OpelLevel(models.Model):
    """A provider's OPEL score and level for one of its services on a day (or, with no
    organisation, the system's), computed from the day's returns and stored so that a change
    of level can be noticed. A combined community and mental health trust has a level for
    each service."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opel_levels",
        help_text="Empty for the overall ICS level",
    )
    # The service (a ``ReturnKind`` value: acute, community, mental_health, nhs_111); empty
    # for the overall ICS level.
    kind = models.CharField(max_length=20, blank=True, default="")
    date = models.DateField()
    score = models.FloatField()
    level = models.PositiveSmallIntegerField()
    # The parameters' points, by parameter key, and the parameters not reported.
    points = models.JSONField(default=dict)
    missing = models.JSONField(default=list)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "date"],
                condition=models.Q(organisation__isnull=False),
                name="opel_level_unique_provider_service",
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(organisation__isnull=True),
                name="opel_level_unique_system",
            ),
        ]
        indexes = [models.Index(fields=["date", "organisation"])]

    def __str__(self) -> str:
        who = self.organisation.ods_code if self.organisation else "ICS"
        service = f" {self.kind}" if self.kind else ""
        return f"{who}{service} {self.date:%Y-%m-%d}: OPEL {self.level} ({self.score:.0f})"

    @property
    def service_label(self) -> str:
        """The service in words ("Mental health services"); "The system" for the ICS level."""
        return ReturnKind(self.kind).label if self.kind else "The system"


class EscalationAction(models.Model):
    """One action of the partnership's escalation plan for an OPEL level."""

    level = models.PositiveSmallIntegerField(choices=[(i, f"OPEL {i}") for i in range(1, 5)])
    text = models.CharField(max_length=500)
    owner = models.CharField(max_length=200, blank=True, help_text="Who takes the action")
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "order", "pk"]

    def __str__(self) -> str:
        return f"OPEL {self.level}: {self.text}"


class OnCallContact(models.Model):
    """Someone told when a provider's level, or the system's, changes. With no organisation,
    told of every change (the system on-call)."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="on_call_contacts",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class LevelChange(models.Model):
    """A change of OPEL level, and whom it was told to."""

    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opel_changes",
    )
    kind = models.CharField(
        max_length=20, blank=True, default="", help_text="The service; empty for the system"
    )
    date = models.DateField()
    from_level = models.PositiveSmallIntegerField(null=True)
    to_level = models.PositiveSmallIntegerField()
    told = models.JSONField(default=list, help_text="The e-mail addresses told")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        who = self.organisation.ods_code if self.organisation else "ICS"
        return f"{who} {self.date}: OPEL {self.from_level} → {self.to_level}"

    @property
    def service_label(self) -> str:
        """The service in words ("Mental health services"); "The system" for the ICS level."""
        return ReturnKind(self.kind).label if self.kind else "The system"


class AidKind(models.TextChoices):
    BEDS = "beds", "Beds"
    STAFF = "staff", "Staff"
    DIVERT = "divert", "Ambulance divert"
    PACKAGES = "packages", "Packages of care"


class AidOutcome(models.TextChoices):
    OPEN = "open", "Open"
    AGREED = "agreed", "Agreed"
    PARTLY = "partly", "Partly met"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AidRequest(models.Model):
    """A request for mutual aid from one organisation to another (or to any), or an offer of
    it, and its outcome."""

    is_offer = models.BooleanField(default=False)
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="aid_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="aid_received",
        help_text="Empty when asked of, or offered to, every partner",
    )
    kind = models.CharField(max_length=20, choices=AidKind.choices)
    quantity = models.PositiveIntegerField()
    date = models.DateField(help_text="The day the aid is for")
    details = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=AidOutcome.choices, default=AidOutcome.OPEN)
    outcome_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for an entry loaded, or whose author has left",
    )
    created_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        what = "offer" if self.is_offer else "request"
        return f"{self.from_organisation.ods_code} {what}: {self.quantity} {self.kind}"
