"""The five-year plan: priorities, measurable goals, the metrics behind them and their
measurements."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from footprint.core.breakdowns import Breakdown
from footprint.partnership.models import Neighbourhood, Organisation, Place


class Subject(models.Model):
    """What a series of measurements is about: one organisation, one place, one neighbourhood,
    or (none of them) the whole system."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_key = models.CharField(max_length=40, editable=False, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.subject_key = self.key_for(self.organisation, self.place, self.neighbourhood)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def key_for(
        organisation: Organisation | None, place: Place | None, neighbourhood: Neighbourhood | None
    ) -> str:
        if organisation is not None:
            return f"org:{organisation.ods_code}"
        if neighbourhood is not None:
            return f"hood:{neighbourhood.code}"
        if place is not None:
            return f"place:{place.code}"
        return "system"

    @property
    def subject_label(self) -> str:
        if self.organisation_id:
            return self.organisation.name
        if self.neighbourhood_id:
            return self.neighbourhood.name
        if self.place_id:
            return self.place.name
        return "The whole system"

    def clean(self) -> None:
        super().clean()
        if (
            sum(x is not None for x in (self.organisation_id, self.place_id, self.neighbourhood_id))
            > 1
        ):
            raise ValidationError(
                "Choose one of an organisation, a place or a neighbourhood, "
                "or none for the whole system."
            )


def financial_year(start: int) -> str:
    """2025 → '2025/26'."""
    return f"{start}/{(start + 1) % 100:02d}"


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    start_year = models.PositiveIntegerField(
        help_text="First financial year, e.g. 2021 for 2021/22"
    )
    end_year = models.PositiveIntegerField(help_text="Last financial year, e.g. 2025 for 2025/26")
    summary = models.TextField(help_text="The plan in plain English, for staff and the public")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last published (see its publications)"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"

    @property
    def period(self) -> str:
        return f"{financial_year(self.start_year)}–{financial_year(self.end_year)}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self) -> None:
        if self.end_year < self.start_year:
            raise ValidationError({"end_year": "The plan must end after it starts"})


class PlanPublication(models.Model):
    """One publication of the plan: exactly what the public plan page and the public API
    show (``content``: the plan, its priorities, each goal with its figures and status as
    they stood), when and by whom, and what changed from the publication before. Never
    changed or deleted; publishing again adds a revision."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="publications")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.JSONField()
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "published_at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan.title}, published {self.published_at:%d %B %Y}"

    @property
    def published_on(self) -> dt.date:
        return timezone.localtime(self.published_at).date()


class Priority(models.Model):
    """A priority or workstream of the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    lead = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "title"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class Improvement(models.TextChoices):
    INCREASE = "increase", "Higher is better"
    DECREASE = "decrease", "Lower is better"
    NEUTRAL = "neutral", "Neither"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


class FlowAggregation(models.TextChoices):
    """How a metric fed from the daily returns makes one period's figure from the days."""

    NONE = "", "Not fed from the daily returns"
    DAILY_TOTAL_MEAN = "daily_total_mean", "The system's daily total, averaged over the days"
    MEAN = "mean", "The average of every provider's daily figures"
    TOTAL = "total", "The total over the period"


#: A daily-return measure that is not one figure of the return: the patients with no criteria
#: to reside on every pathway (the four pathway figures added up).
NCTR_ALL = "nctr_all_pathways"


class Metric(models.Model):
    """A measure, as reviewed content: a definition, a source, an owner, the person who
    checks it and a review date. Its code (the ``slug`` column) is made from its name when it
    is created (``services.code_for``) and then kept, so files and addresses that use it keep
    working; everyone sees it called "code"."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        "code",
        max_length=80,
        unique=True,
        editable=False,
        help_text="Made from the name when the metric is created; import files name the "
        "metric by it",
    )
    unit = models.CharField(max_length=40, help_text="e.g. %, days, per 1,000 residents")
    improvement = models.CharField(max_length=10, choices=Improvement.choices)
    definition = models.TextField()
    data_source = models.CharField(max_length=300)
    frequency = models.CharField(
        max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="metrics")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="checker",
        help_text="The person who checks the definition and the figures at each review",
    )
    next_review = models.DateField("next review")
    # Fed from the urgent-care daily returns: the return's measure (a ``flow`` ``Measure``, or
    # ``NCTR_ALL``) and how the days make a period's figure; blank for a metric whose figures
    # are recorded or imported. The system's series is then written by
    # ``services.refresh_flow_series``, never by hand.
    flow_measure = models.CharField(
        "daily-return measure",
        max_length=40,
        blank=True,
        default="",
        help_text="The daily returns' figure this metric is made from (leave blank if its "
        "figures are recorded or imported)",
    )
    flow_aggregation = models.CharField(
        "made from the days as",
        max_length=20,
        choices=FlowAggregation.choices,
        blank=True,
        default="",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_fed_from_returns(self) -> bool:
        return bool(self.flow_measure and self.flow_aggregation)

    @property
    def code(self) -> str:
        """The metric's code, made from its name: what import files and addresses use."""
        return self.slug


class Goal(Subject):
    """A measurable goal of the plan, judged on its metric's series for its subject: on the
    figure itself, or (a gap goal) on the gap between two groups of a breakdown, or on the
    slope index of inequality across deprivation quantiles, period by period."""

    class Kind(models.TextChoices):
        LEVEL = "level", "The figure itself"
        GAP = "gap", "A gap between groups"

    class GapMeasure(models.TextChoices):
        NONE = "", "None"
        ENDS = "ends", "The difference between two groups"
        SII = "sii", "The slope index of inequality (SII)"

    class Horizon(models.TextChoices):
        SHORT = "short", "Short term (up to 1 year)"
        MEDIUM = "medium", "Medium term (1–3 years)"
        LONG = "long", "Long term (3–5 years)"

    class Layer(models.TextChoices):
        SYSTEM = "system", "System"
        PLACE = "place", "Place"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="goals")
    statement = models.CharField(max_length=300, help_text="The goal in plain English")
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="goals")
    baseline_value = models.FloatField()
    baseline_date = models.DateField()
    target_value = models.FloatField()
    target_date = models.DateField()
    # Follows from the dates, set before every save (compute.set_horizon, connected in apps.py).
    horizon = models.CharField(max_length=10, choices=Horizon.choices, editable=False)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="goals")
    layer = models.CharField(max_length=15, choices=Layer.choices, default=Layer.SYSTEM)
    kind = models.CharField("judged on", max_length=5, choices=Kind.choices, default=Kind.LEVEL)
    gap_breakdown = models.CharField(
        "gap by", max_length=20, choices=Breakdown.choices, blank=True, default=""
    )
    gap_measure = models.CharField(
        "gap measure", max_length=5, choices=GapMeasure.choices, blank=True, default=""
    )
    # The two groups whose difference (first less second) is the gap, by category code
    # (footprint.core.breakdowns): for deprivation, usually "1" (most deprived) and the last.
    gap_first = models.CharField("gap from", max_length=20, blank=True, default="")
    gap_second = models.CharField("gap to", max_length=20, blank=True, default="")
    # The decisions that serve the goal, chosen from the real proposals (decisions refer to
    # the plan's goals by this relation, read there as ``proposal.goals``).
    proposals = models.ManyToManyField(
        "decisions.Proposal",
        blank=True,
        related_name="goals",
        verbose_name="decisions that serve it",
    )
    history = HistoricalRecords(m2m_fields=[proposals])

    class Meta:
        ordering = ["priority__order", "target_date", "statement"]

    def __str__(self) -> str:
        return self.statement

    def get_absolute_url(self) -> str:
        return reverse("plans:goal", args=[self.pk])

    @property
    def is_gap(self) -> bool:
        return self.kind == self.Kind.GAP

    def clean(self) -> None:
        super().clean()
        if self.target_date and self.baseline_date and self.target_date <= self.baseline_date:
            raise ValidationError(
                {"target_date": "The target date must be after the baseline date"}
            )


class Measurement(Subject):
    """One value of a metric for one period (the first day of the month, quarter or year)
    and one subject: for the whole population (no ``breakdown``), or for one group of a
    breakdown (a deprivation quintile or decile, an ethnic group: ``category``, a code from
    ``footprint.core.breakdowns``). An empty value records that the figure is missing;
    ``population`` is the number of people the figure is about (its denominator), which the
    slope index of inequality weights by."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="measurements")
    period = models.DateField()
    breakdown = models.CharField(max_length=20, choices=Breakdown.choices, blank=True, default="")
    category = models.CharField("group", max_length=20, blank=True, default="")
    value = models.FloatField(null=True, blank=True)
    population = models.FloatField(
        null=True, blank=True, help_text="The people the figure is about (its denominator)"
    )
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "subject_key", "breakdown", "category", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "subject_key", "breakdown", "category", "period"],
                name="measurement_unique_period_group",
            )
        ]

    def __str__(self) -> str:
        group = f" {self.breakdown}={self.category}" if self.breakdown else ""
        return f"{self.metric} {self.subject_key}{group} {self.period:%Y-%m}: {self.value}"


class Rebase(Subject):
    """A recorded change in the process (a new service, a changed definition): the SPC chart
    starts new limits here. Never automatic: a person records it with a reason."""

    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, related_name="rebases")
    period = models.DateField(help_text="The first period of the new process")
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "subject_key", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "subject_key", "period"], name="rebase_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.subject_key} from {self.period:%Y-%m}: {self.reason}"


class GoalScheme(models.Model):
    """A demand scheme chosen as serving a goal. A scheme lives in its scenario's parameters
    document under its ``key``, so the link names both; the scheme page reads the goals it
    serves as ``scenario.goals_served.filter(scheme_key=key)`` (each with its ``goal``)."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="scheme_links")
    scenario = models.ForeignKey(
        "demand.Scenario", on_delete=models.CASCADE, related_name="goals_served"
    )
    scheme_key = models.CharField(max_length=80)
    scheme_name = models.CharField(max_length=200, help_text="The scheme's name when it was chosen")

    class Meta:
        ordering = ["goal", "scenario", "scheme_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "scenario", "scheme_key"], name="goal_scheme_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal} served by {self.scheme_name}"
