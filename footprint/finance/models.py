"""Financial plans per organisation and year, contracts, the risk-share agreement and the
publication of each year's system summary. Money is whole pence; years are the first calendar
year of the financial year (2026 is 2026/27)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from footprint.demand.models import POD_CHOICES
from footprint.partnership.models import Organisation

OTHER_INCOME = "other"
PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]


def year_label(year: int) -> str:
    """2026 → "2026/27"."""
    return f"{year}/{(year + 1) % 100:02d}"


class FinancialPlan(models.Model):
    """One organisation's plan for one financial year.

    ``income`` maps each source to pence: a commissioner's ODS code for its contract, or
    ``"other"`` for everything else (education and training, allocations, charges).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="financial_plans"
    )
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    income = models.JSONField(default=dict)
    pay_pence = models.BigIntegerField("pay", validators=[MinValueValidator(0)])
    non_pay_pence = models.BigIntegerField("non-pay", validators=[MinValueValidator(0)])
    fixed_percent = models.DecimalField(
        "fixed share of expenditure (%)", max_digits=5, decimal_places=2, validators=PERCENT
    )
    semi_fixed_percent = models.DecimalField(
        "semi-fixed share of expenditure (%)", max_digits=5, decimal_places=2, validators=PERCENT
    )
    control_total_pence = models.BigIntegerField(
        "control total", help_text="The agreed surplus (positive) or deficit (negative)"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="financial_plan_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    fixed_percent__lte=Decimal(100) - models.F("semi_fixed_percent")
                ),
                name="financial_plan_shares_within_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.ods_code} {year_label(self.year)}"

    @property
    def year_label(self) -> str:
        return year_label(self.year)

    @property
    def total_income_pence(self) -> int:
        return sum(int(v) for v in self.income.values())

    @property
    def expenditure_pence(self) -> int:
        return self.pay_pence + self.non_pay_pence

    @property
    def surplus_pence(self) -> int:
        return self.total_income_pence - self.expenditure_pence

    @property
    def variance_pence(self) -> int:
        """Surplus less control total: positive is better than the control total."""
        return self.surplus_pence - self.control_total_pence


class PublishedYear(models.Model):
    """The programme office has published this year's system summary: every partner may see
    every plan for the year, and the public the summary as last published (a
    ``YearPublication``). Withdrawing the year deletes this; its publications are kept."""

    year = models.PositiveSmallIntegerField(unique=True)
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return year_label(self.year)


class YearPublication(models.Model):
    """One publication of a year's system summary: exactly the figures the public page and
    the public API show (``summary``), when and by whom, and what changed from the
    publication before (``changes``: each figure from what to what, in pence). Never changed
    or deleted; publishing again adds a revision."""

    year = models.PositiveSmallIntegerField(db_index=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.JSONField()
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["year", "published_at", "pk"]

    def __str__(self) -> str:
        return f"{year_label(self.year)}, published {self.published_at:%d %B %Y}"

    @property
    def published_on(self) -> dt.date:
        return timezone.localtime(self.published_at).date()


class ContractKind(models.TextChoices):
    ACTIVITY = "activity", "Activity-based: a price per unit"
    BLOCK = "block", "Block: a fixed sum"
    BLOCK_MARGINAL = "block_marginal", "Block, with a marginal rate above a threshold"


class Contract(models.Model):
    """How a commissioner pays a provider for one point of delivery (the demand model's
    codes). A block is worth ``threshold_units`` at the price."""

    commissioner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_let"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contracts_held"
    )
    service = models.CharField("point of delivery", max_length=40, choices=POD_CHOICES)
    kind = models.CharField(max_length=20, choices=ContractKind.choices)
    price_pence = models.BigIntegerField("price per unit", validators=[MinValueValidator(0)])
    threshold_units = models.FloatField(
        "units in the block", default=0, validators=[MinValueValidator(0)]
    )
    marginal_rate = models.DecimalField(
        "marginal rate above the block",
        max_digits=4,
        decimal_places=3,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider__name", "service"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service"], name="contract_one_per_provider_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commissioner.ods_code} → {self.provider.ods_code}: {self.service}"


class RiskShareAgreement(models.Model):
    """The members' agreement to pool part of their favourable variance for those worse than
    plan, for a run of years."""

    name = models.CharField(max_length=200)
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    contribution_rate = models.DecimalField(
        "share of favourable variance paid in (%)",
        max_digits=5,
        decimal_places=2,
        validators=PERCENT,
    )
    contribution_cap_rate = models.DecimalField(
        "cap on each contribution (% of income)", max_digits=5, decimal_places=2, validators=PERCENT
    )
    repayable = models.BooleanField(
        default=True, help_text="Receipts are repaid from later favourable variance"
    )
    members = models.ManyToManyField(Organisation, related_name="risk_shares")
    agreed_on = models.DateField()
    notes = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["-first_year"]

    def __str__(self) -> str:
        return self.name

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)
