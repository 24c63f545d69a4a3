"""The partnership's Core20PLUS5 choices: its PLUS groups and the plan metric that tracks each
clinical area. Small-area deprivation, population and ethnicity live in ``partnership``
(``SmallArea`` and its figures), where every app can read them."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from footprint.inequalities.core20plus5 import CHOICES
from footprint.partnership.validators import validate_name

# A PLUS group's text is read on the public page: a few sentences, never a document.
WHO_MAX = 500
WHY_MAX = 1000


class PlusGroup(models.Model):
    """A population group the partnership has chosen to focus on (the PLUS of Core20PLUS5),
    e.g. people experiencing homelessness, Gypsy, Roma and Traveller communities, carers."""

    name = models.CharField(max_length=120, unique=True, validators=[validate_name])
    who = models.CharField(
        "Who is in the group",
        max_length=WHO_MAX,
        help_text=f"In plain English, for the public; at most {WHO_MAX} characters",
    )
    why = models.CharField(
        "Why the partnership chose it",
        max_length=WHY_MAX,
        help_text=f"The evidence: what the data or people said; at most {WHY_MAX:,} characters",
    )
    order = models.PositiveIntegerField(default=0)
    public = models.BooleanField(
        "Show on the public page",
        default=False,
        help_text="Until this is ticked only partners see the group",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ClinicalAreaMetric(models.Model):
    """The plan metric that tracks one of the five clinical areas (adults', or children and
    young people's): its figures by deprivation quintile give the area's gap and SII."""

    area = models.CharField(max_length=20, choices=CHOICES, unique=True)
    metric = models.ForeignKey(
        "plans.Metric",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clinical_areas",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.metric or 'no metric'}"
