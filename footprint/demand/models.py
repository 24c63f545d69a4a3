"""Base-year activity, demand scenarios, their runs and stored results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from footprint.core.models import Job
from footprint.demand.pods import POD_CHOICES

# provider, pod, neighbourhood, sex, age, attribute, los_band, count, bed_days, quintile
CellRow = tuple[str, str, str, str, int, str, int, float, float, int]


class Baseline(models.Model):
    """A base year of activity for the footprint, kept as fine cells (see ``ActivityCell``)."""

    name = models.CharField(max_length=200)
    base_year = models.PositiveIntegerField()
    source = models.TextField(blank=True, help_text="Where the activity came from")
    records = models.PositiveIntegerField(default=0, help_text="Records read on import")
    records_without_deprivation = models.PositiveIntegerField(
        default=0,
        help_text="Records read with no small area or deprivation decile of their own: they "
        "count in their neighbourhood's quintile (the one most of its residents live in)",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-base_year", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.base_year})"

    def get_absolute_url(self) -> str:
        return reverse("demand:baseline", args=[self.pk])


class ActivityCell(models.Model):
    """Base-year activity of one provider at one point of delivery for residents of one
    neighbourhood, sex and single year of age, with one attribute and length-of-stay band."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="cells")
    provider = models.CharField("provider ODS code", max_length=6)
    pod = models.CharField("point of delivery", max_length=30, choices=POD_CHOICES)
    neighbourhood = models.CharField("neighbourhood code", max_length=12)
    sex = models.CharField(max_length=1)
    age = models.PositiveSmallIntegerField()
    attribute = models.CharField(max_length=60, blank=True)
    los_band = models.PositiveSmallIntegerField(default=0)
    count = models.FloatField()
    bed_days = models.FloatField(default=0)
    quintile = models.PositiveSmallIntegerField(
        "deprivation quintile",
        default=0,
        help_text="The records' own national deprivation quintile (1 most deprived … 5), from "
        "their small area or decile; 0 when they gave none (the neighbourhood's is used)",
    )

    class Meta:
        indexes = [models.Index(fields=["baseline", "pod", "provider"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.pod} {self.neighbourhood} {self.sex}{self.age}: {self.count}"


class Scenario(models.Model):
    """A set of assumptions to project the baseline with: the parameters document."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    baseline = models.ForeignKey(Baseline, on_delete=models.PROTECT, related_name="scenarios")
    parameters = models.JSONField(help_text="The parameters document (see its JSON schema)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("demand:scenario", args=[self.pk])

    @property
    def latest_run(self) -> Run | None:
        return self.runs.filter(status=Run.Status.SUCCEEDED).order_by("-finished_at").first()


class Run(models.Model):
    """One run of a scenario: the parameters it used, how long it took, and its results."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL)
    parameters = models.JSONField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    strata = models.PositiveIntegerField(default=0)
    flags = models.JSONField(default=list, blank=True)
    beds_set_by = models.JSONField(
        default=list, blank=True, help_text="Which rule set each provider's beds at the horizon"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.scenario} run {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("demand:run", args=[self.pk])


class Result(models.Model):
    """One output's distribution for one key and year: activity, bed days, beds, WTE or cost.
    ``item`` is a point of delivery, bed type, staff group or cost line."""

    class Measure(models.TextChoices):
        ACTIVITY = "activity", "Activity"
        BED_DAYS = "bed_days", "Bed days"
        BEDS = "beds", "Beds"
        WORKFORCE = "workforce", "Workforce (WTE)"
        COST = "cost", "Cost (£)"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    measure = models.CharField(max_length=20, choices=Measure.choices)
    provider = models.CharField(max_length=60)
    item = models.CharField(max_length=120)
    year = models.PositiveIntegerField()
    baseline = models.FloatField(null=True, blank=True)
    central = models.FloatField()
    mean = models.FloatField()
    p10 = models.FloatField()
    p50 = models.FloatField()
    p90 = models.FloatField()

    class Meta:
        ordering = ["measure", "provider", "item", "year"]
        indexes = [models.Index(fields=["run", "measure", "provider", "item"])]

    def __str__(self) -> str:
        return f"{self.measure} {self.provider} {self.item} {self.year}: {self.mean:,.1f}"


class Step(models.Model):
    """The contribution of one step (demography, growth, a scheme) to one point of
    delivery's system-wide activity or bed days in one year: its mean over the iterations and
    its 10th and 90th percentiles (the mean itself where the run has no iterations)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="steps")
    measure = models.CharField(max_length=20, choices=Result.Measure.choices)
    pod = models.CharField(max_length=30, choices=POD_CHOICES)
    year = models.PositiveIntegerField()
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    mean = models.FloatField()
    p10 = models.FloatField(null=True, blank=True, help_text="None for a run from before")
    p90 = models.FloatField(null=True, blank=True, help_text="None for a run from before")

    class Meta:
        ordering = ["measure", "pod", "year", "order"]

    def __str__(self) -> str:
        return f"{self.name} {self.pod} {self.year}: {self.mean:+,.1f}"


class Breakdown(models.Model):
    """One point of delivery's activity or bed days for one value of a breakdown (a place, a
    neighbourhood, a sex, an age band or a condition group) in one year: its distribution and
    each step's part, ``steps`` being ``[{"name", "mean", "p10", "p90"}, …]`` in order."""

    class By(models.TextChoices):
        PLACE = "place", "Place"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"
        SEX = "sex", "Sex"
        AGE_BAND = "age_band", "Age band"
        ATTRIBUTE = "attribute", "Condition group"
        QUINTILE = "quintile", "Deprivation quintile"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="breakdowns")
    by = models.CharField(max_length=20, choices=By.choices)
    value = models.CharField(max_length=120)
    measure = models.CharField(max_length=20, choices=Result.Measure.choices)
    pod = models.CharField(max_length=30, choices=POD_CHOICES)
    year = models.PositiveIntegerField()
    baseline = models.FloatField()
    central = models.FloatField()
    mean = models.FloatField()
    p10 = models.FloatField()
    p50 = models.FloatField()
    p90 = models.FloatField()
    steps = models.JSONField(default=list)

    class Meta:
        ordering = ["by", "value", "measure", "pod", "year"]
        indexes = [models.Index(fields=["run", "by", "measure", "pod"])]

    def __str__(self) -> str:
        return f"{self.by} {self.value} {self.measure} {self.pod} {self.year}: {self.mean:,.1f}"
