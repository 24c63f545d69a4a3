"""Winter plans and their scenarios: each scenario holds, for every acute trust in it, the
inputs of a Monte Carlo winter (beds, admissions, stays, discharge pathways and the places each
pathway offers a day); a run of a scenario stores, per provider and week, the chance of running
over 92 % and 100 % of the beds, the patients waiting by pathway and the bed days lost, and per
provider and day the spread of occupancy for a fan chart."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from footprint.core.models import Job
from footprint.decisions.models import Proposal
from footprint.partnership.models import Organisation

PATHWAY_NAMES = (
    "Pathway 0: home without new support",
    "Pathway 1: home with support",
    "Pathway 2: a rehabilitation or assessment bed",
    "Pathway 3: a care home",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class WinterPlan(models.Model):
    """A winter the partnership tests: its dates, how many runs and the seed every scenario is
    run with (the same seed, so scenarios differ only by what they change)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published to boards"

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    start = models.DateField("first day")
    days = models.PositiveSmallIntegerField("number of days")
    peak = models.DateField(
        "peak of the winter", help_text="The day admissions are highest in the seasonal pattern"
    )
    runs = models.PositiveIntegerField("number of runs")
    seed = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    # What was published, frozen until it is published again: for each scenario (by its id,
    # in the plan's order) the run whose results the boards saw and its cost over the winter
    # then. Runs are never changed once finished, so the run keeps the figures.
    published_runs = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"scenario": 3, "run": 12, "cost": 1234.0, "name": "Do nothing", '
        '"description": ""}, …] as published',
    )
    # The plan's wording and settings as published, frozen the same way: what the public (and
    # anyone not a partner) reads of a published plan, whatever the workspace says since.
    published_as = models.JSONField(
        default=dict,
        blank=True,
        help_text='{"name": …, "description": …, "start": "2026-11-30", "days": 120, '
        '"peak": "2027-01-05", "runs": 200, "seed": 1} as published',
    )
    # What a place costs, in pounds, the same in every scenario (0: not costed). A scenario
    # offers its places a day every day of the winter; each place offered is one bought.
    cost_package = models.PositiveIntegerField(
        "cost of a home-care package (£)", default=0, help_text="Pathway 1"
    )
    cost_virtual_ward = models.PositiveIntegerField(
        "cost of a virtual-ward place (£)", default=0, help_text="Pathway 1"
    )
    cost_step_down = models.PositiveIntegerField(
        "cost of a step-down bed placement (£)", default=0, help_text="Pathway 2"
    )
    cost_care_home = models.PositiveIntegerField(
        "cost of a care-home bed placement (£)", default=0, help_text="Pathway 3"
    )
    cost_escalation_bed_day = models.PositiveIntegerField(
        "cost of an escalation bed open for a day (£)", default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="winter_plans",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("winter:plan", args=[self.pk])

    @property
    def published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Scenario(models.Model):
    """One version of the winter: a do-nothing case or a what-if that changes the inputs."""

    plan = models.ForeignKey(WinterPlan, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    other_cost = models.PositiveIntegerField(
        "other costs (£)",
        default=0,
        help_text="Fixed costs over the winter beyond the places and escalation beds, such as "
        "a team to run the scheme",
    )
    cost_note = models.CharField("what the other costs are", max_length=300, blank=True)
    proposal = models.ForeignKey(
        Proposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="winter_scenarios",
        help_text="The proposal this scheme was brought to a decision as",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="winter_scenario_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("winter:scenario", args=[self.pk])


class ProviderInputs(models.Model):
    """One acute trust's inputs in one scenario. Percentages are kept as typed (0-100)."""

    class AdmissionsSource(models.TextChoices):
        ENTERED = "entered", "Entered"
        DEMAND = "demand", "A demand scenario's projection"
        HISTORY = "history", "The daily returns"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="providers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    beds = models.PositiveIntegerField("general and acute beds")
    escalation_beds = models.PositiveIntegerField(default=0)
    escalation_trigger = models.FloatField(
        "escalation trigger (%)",
        null=True,
        blank=True,
        help_text="Escalation beds open the day after midnight occupancy reaches this share of "
        "the beds; blank: never",
    )
    admissions_per_day = models.FloatField("emergency admissions a day (year's average)")
    admissions_source = models.CharField(
        max_length=20, choices=AdmissionsSource.choices, default=AdmissionsSource.ENTERED
    )
    admissions_note = models.CharField(max_length=300, blank=True)
    weekly = models.JSONField(help_text="Seven multipliers, Monday to Sunday")
    winter_uplift = models.FloatField(
        "winter uplift (%)", default=0, help_text="Admissions above the average at the peak"
    )
    stay_mean = models.FloatField("mean length of stay (days)")
    stay_sd = models.FloatField("standard deviation of length of stay (days)")
    stay_counts = models.JSONField(
        default=list,
        blank=True,
        help_text="Past stays of 1, 2, 3 … days; when given, used instead of the lognormal",
    )
    pathway_shares = models.JSONField(help_text="Share of discharges on pathways 0-3 (%)")
    nctr_probability = models.JSONField(
        help_text="Chance a discharge on pathways 0-3 no longer meets the criteria to reside "
        "and waits (%)"
    )
    home_care_packages = models.PositiveIntegerField("home-care packages a day (pathway 1)")
    step_down_beds = models.PositiveIntegerField("step-down beds a day (pathway 2)")
    care_home_beds = models.PositiveIntegerField("care-home beds a day (pathway 3)")
    virtual_ward_places = models.PositiveIntegerField(
        "virtual-ward places a day", default=0, help_text="New places a day for pathway 1"
    )
    closures = models.JSONField(
        "beds closed for some days",
        default=list,
        blank=True,
        help_text="General and acute beds closed from a first to a last day, e.g. a ward shut "
        'by norovirus: [{"first": "2027-01-04", "last": "2027-01-17", "beds": 28, '
        '"reason": "norovirus"}]',
    )
    place_cuts = models.JSONField(
        "places a day lost for some days",
        default=list,
        blank=True,
        help_text="Places a day a pathway (1 to 3) loses from a first to a last day, e.g. a "
        'care home closed: [{"first": "2027-01-04", "last": "2027-01-31", "pathway": 3, '
        '"places": 1, "reason": "care home closed"}]',
    )
    fitted = models.JSONField(
        "fitted to the daily returns",
        default=dict,
        blank=True,
        help_text="What the last fit to the daily returns set and kept: the returns' first and "
        'last days, {"inputs": {input: days of returns used}, "kept": {input: why}} and Little\'s '
        "law's figures (length_of_stay, delay, acute_stay, delays by pathway); an input "
        "changed since is no longer listed",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["scenario", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "organisation"], name="winter_inputs_one_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.scenario}"

    @property
    def stays_total(self) -> int | None:
        """Past stays given, added up; None when none or not plausible counts."""
        from footprint.winter.compute import stays_total

        return stays_total(self.stay_counts)


class WinterRun(models.Model):
    """One run of a scenario: the inputs it used (kept as they were), and its results."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="winter_runs"
    )
    inputs = models.JSONField(help_text="The scenario's inputs as run")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="winter_runs",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.scenario} run {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("winter:run", args=[self.pk])


class WeekResult(models.Model):
    """One provider's week: the chance of a day over 92 % and over 100 % of the open beds,
    patients waiting (NCTR) by pathway at midnight on average, bed days lost to them, and
    the week's rank among the provider's weeks most at risk (1 the worst; blank beyond 3)."""

    run = models.ForeignKey(WinterRun, on_delete=models.CASCADE, related_name="weeks")
    provider = models.CharField("provider ODS code", max_length=6)
    provider_name = models.CharField(max_length=200)
    week = models.PositiveSmallIntegerField()
    starts = models.DateField()
    days = models.PositiveSmallIntegerField()
    p_over_92 = models.FloatField()
    p_over_100 = models.FloatField()
    nctr_0 = models.FloatField()
    nctr_1 = models.FloatField()
    nctr_2 = models.FloatField()
    nctr_3 = models.FloatField()
    bed_days_lost = models.FloatField()
    risk_rank = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["provider_name", "week"]
        indexes = [models.Index(fields=["run", "provider", "week"])]

    def __str__(self) -> str:
        return f"{self.provider} week {self.week}: {self.p_over_100:.0%} over 100 %"

    @property
    def nctr(self) -> float:
        return self.nctr_0 + self.nctr_1 + self.nctr_2 + self.nctr_3


class DayResult(models.Model):
    """One provider's day: the midnight occupancy's mean and 80 % spread over the runs, and
    the beds open that day on average (with escalation beds)."""

    run = models.ForeignKey(WinterRun, on_delete=models.CASCADE, related_name="days")
    provider = models.CharField("provider ODS code", max_length=6)
    day = models.DateField()
    mean = models.FloatField()
    p10 = models.FloatField()
    p50 = models.FloatField()
    p90 = models.FloatField()
    open_beds = models.FloatField()

    class Meta:
        ordering = ["provider", "day"]
        indexes = [models.Index(fields=["run", "provider", "day"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.day}: {self.p50:,.0f}"
