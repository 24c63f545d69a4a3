"""Monthly workforce returns, the agency rate card and agency shifts."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from footprint.partnership.models import Organisation
from footprint.partnership.staff import StaffGroup

__all__ = ["AgencyShift", "RateCap", "StaffGroup", "WorkforceReturn"]


class WorkforceReturn(models.Model):
    """One organisation's staff group in one month. Money in pence."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="workforce_returns"
    )
    month = models.DateField(help_text="The first day of the month")
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices)
    headcount = models.PositiveIntegerField()
    wte = models.FloatField("WTE in post")
    establishment_wte = models.FloatField("establishment WTE")
    joiners = models.PositiveIntegerField()
    leavers = models.PositiveIntegerField()
    sickness_days_lost = models.FloatField()
    days_available = models.FloatField()
    pay_bill_pence = models.BigIntegerField()
    bank_pence = models.BigIntegerField()
    agency_pence = models.BigIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "staff_group", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "staff_group"], name="workforce_return_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.ods_code} {self.get_staff_group_display()} {self.month:%Y-%m}"


class RateCap(models.Model):
    """The most an organisation will pay an agency per hour for a role. Without an
    organisation, the system's card for every member (e.g. the national price cap)."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="rate_caps"
    )
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices)
    grade = models.CharField(max_length=40, help_text="e.g. Band 5, Consultant")
    cap_pence = models.PositiveIntegerField(help_text="Pence per hour")
    history = HistoricalRecords()

    class Meta:
        ordering = ["staff_group", "grade"]

    def __str__(self) -> str:
        who = self.organisation.ods_code if self.organisation else "All members"
        return (
            f"{who}: {self.get_staff_group_display()}, {self.grade} ≤ £{self.cap_pence / 100:.2f}"
        )

    @property
    def role(self) -> str:
        return f"{self.get_staff_group_display()}, {self.grade}"


class AgencyShift(models.Model):
    date = models.DateField()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agency_shifts"
    )
    agency = models.CharField(max_length=120)
    staff_group = models.CharField(max_length=20, choices=StaffGroup.choices)
    grade = models.CharField(max_length=40)
    hours = models.FloatField()
    rate_pence = models.PositiveIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    # An imported shift's fingerprint (workforce.importers.shift_fingerprint), unique so that
    # importing a file again adds no shift twice; None for a shift not read from a file.
    fingerprint = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-date"]
        indexes = [models.Index(fields=["date", "organisation"])]

    def __str__(self) -> str:
        return f"{self.date} {self.organisation.ods_code} {self.agency} {self.role}"

    @property
    def role(self) -> str:
        return f"{self.get_staff_group_display()}, {self.grade}"
