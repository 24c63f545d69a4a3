"""Providers' daily situation reports: one return per organisation per day, its figures one row
each, keyed by a member of ``Measure``.

A normalised design (a return, and its values by measure) keeps the page, the CSV and the API
the same shape whatever the kind of organisation: each kind reports the measures
``MEASURES_BY_KIND`` lists for it, and a measure's unit and plausible range are in ``SPECS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import models

from footprint.partnership.models import Organisation, OrganisationKind

__all__ = [
    "DISCHARGE_PATHWAYS",
    "MEASURES_BY_KIND",
    "NCTR_PATHWAYS",
    "NCTR_REASONS",
    "SPECS",
    "DailyReturn",
    "ExpectedReturn",
    "Measure",
    "MeasureSpec",
    "ReturnKind",
    "ReturnValue",
    "default_kinds",
    "measures_of",
    "return_kind",
]


class ReturnKind(StrEnum):
    """The five kinds of daily return; an organisation's kind decides which it makes."""

    ACUTE = "acute"
    COMMUNITY = "community"
    MENTAL_HEALTH = "mental_health"
    NHS_111 = "nhs_111"
    SOCIAL_CARE = "social_care"

    @property
    def label(self) -> str:
        return {
            "acute": "Acute trust",
            "community": "Community services",
            "mental_health": "Mental health services",
            "nhs_111": "NHS 111 provider",
            "social_care": "Council or care provider",
        }[self.value]


_KIND_OF_ORGANISATION = {
    OrganisationKind.ACUTE_TRUST: ReturnKind.ACUTE,
    OrganisationKind.COMMUNITY_TRUST: ReturnKind.COMMUNITY,
    OrganisationKind.MENTAL_HEALTH_TRUST: ReturnKind.MENTAL_HEALTH,
    # Most NHS 111 services are run by ambulance trusts: an ambulance trust makes the NHS 111
    # return (docs/decisions.md, 30 November 2026).
    OrganisationKind.AMBULANCE_TRUST: ReturnKind.NHS_111,
    OrganisationKind.LOCAL_AUTHORITY: ReturnKind.SOCIAL_CARE,
    # A voluntary organisation is expected to make no return unless the programme office says
    # it does (one that runs care homes, say): the alliance of a partnership holds no beds.
}


def return_kind(organisation: Organisation) -> ReturnKind | None:
    """The kind of daily return an organisation of ``organisation``'s kind makes by default,
    or None. What it is expected to make is ``queries.expected_kinds`` (the programme office
    may change it: ``ExpectedReturn``)."""
    return _KIND_OF_ORGANISATION.get(OrganisationKind(organisation.kind))


def default_kinds(organisation_kind: str) -> tuple[ReturnKind, ...]:
    """The returns an organisation of ``organisation_kind`` is expected to make by default."""
    kind = _KIND_OF_ORGANISATION.get(OrganisationKind(organisation_kind))
    return (kind,) if kind is not None else ()


class Measure(models.TextChoices):
    """Every figure a daily return can hold. The value is the CSV column and API key."""

    # Acute
    GA_BEDS_OPEN = "ga_beds_open", "General and acute beds open"
    GA_BEDS_OCCUPIED = "ga_beds_occupied", "General and acute beds occupied"
    ESCALATION_BEDS = "escalation_beds", "Escalation beds open"
    HANDOVERS = "handovers", "Ambulance handovers"
    HANDOVER_MEAN_MINUTES = "handover_mean_minutes", "Mean ambulance handover time (minutes)"
    HANDOVERS_OVER_60 = "handovers_over_60", "Ambulance handovers over 60 minutes"
    ED_ATTENDANCES = "ed_attendances", "ED attendances"
    FOUR_HOUR_PERCENT = "four_hour_percent", "Seen within 4 hours in ED (%)"
    WAITS_OVER_12_HOURS = "waits_over_12_hours", "ED waits over 12 hours from arrival"
    ED_OCCUPANCY_PERCENT = "ed_occupancy_percent", "ED occupancy (%)"
    NCTR_PATHWAY_0 = "nctr_pathway_0", "No criteria to reside: pathway 0"
    NCTR_PATHWAY_1 = "nctr_pathway_1", "No criteria to reside: pathway 1"
    NCTR_PATHWAY_2 = "nctr_pathway_2", "No criteria to reside: pathway 2"
    NCTR_PATHWAY_3 = "nctr_pathway_3", "No criteria to reside: pathway 3"
    NCTR_AWAITING_ASSESSMENT = "nctr_awaiting_assessment", "Delayed: awaiting assessment"
    NCTR_AWAITING_HOME_CARE = "nctr_awaiting_home_care", "Delayed: awaiting a home-care package"
    NCTR_AWAITING_COMMUNITY_BED = (
        "nctr_awaiting_community_bed",
        "Delayed: awaiting a rehabilitation or assessment bed",
    )
    NCTR_AWAITING_CARE_HOME = "nctr_awaiting_care_home", "Delayed: awaiting a care home"
    NCTR_AWAITING_FAMILY = "nctr_awaiting_family", "Delayed: patient or family choice"
    NCTR_AWAITING_OTHER = "nctr_awaiting_other", "Delayed: other reasons"
    DISCHARGES_PATHWAY_0 = "discharges_pathway_0", "Discharges: pathway 0"
    DISCHARGES_PATHWAY_1 = "discharges_pathway_1", "Discharges: pathway 1"
    DISCHARGES_PATHWAY_2 = "discharges_pathway_2", "Discharges: pathway 2"
    DISCHARGES_PATHWAY_3 = "discharges_pathway_3", "Discharges: pathway 3"
    ADMISSIONS = "admissions", "Emergency admissions"
    # Community
    COMMUNITY_BEDS_OPEN = "community_beds_open", "Community beds open"
    COMMUNITY_BEDS_OCCUPIED = "community_beds_occupied", "Community beds occupied"
    COMMUNITY_NCTR = "community_nctr", "Community beds: no criteria to reside"
    VIRTUAL_WARD_CAPACITY = "virtual_ward_capacity", "Virtual-ward places"
    VIRTUAL_WARD_OCCUPIED = "virtual_ward_occupied", "Virtual-ward places occupied"
    UCR_REFERRALS = "ucr_referrals", "Urgent community response referrals"
    UCR_WITHIN_2_HOURS = "ucr_within_2_hours", "Urgent community response within 2 hours"
    # Mental health
    MH_BEDS_OPEN = "mh_beds_open", "Adult acute mental health beds open"
    MH_BEDS_OCCUPIED = "mh_beds_occupied", "Adult acute mental health beds occupied"
    OUT_OF_AREA = "out_of_area", "Inappropriate out-of-area placements"
    SECTION_136 = "section_136", "People held under section 136 awaiting assessment"
    MH_ED_OVER_12_HOURS = "mh_ed_over_12_hours", "Mental health patients over 12 hours in ED"
    # NHS 111
    CALLS_OFFERED = "calls_offered", "NHS 111 calls offered"
    CALLS_ABANDONED = "calls_abandoned", "NHS 111 calls abandoned"
    ANSWER_MEAN_SECONDS = "answer_mean_seconds", "Mean time to answer (seconds)"
    CLINICAL_CALLBACKS = "clinical_callbacks", "Calls given a clinical call-back"
    CALLBACKS_WITHIN_20 = "callbacks_within_20", "Clinical call-backs within 20 minutes"
    # Councils and care providers
    HOME_CARE_PACKAGES_AVAILABLE = (
        "home_care_packages_available",
        "Home-care packages available",
    )
    CARE_HOME_BEDS_AVAILABLE = "care_home_beds_available", "Care-home beds available"


@dataclass(frozen=True)
class MeasureSpec:
    unit: str  # "count", "percent", "minutes" or "seconds"
    most: float  # the most that is plausible; more is a mistake


_COUNT = MeasureSpec("count", 100_000)
SPECS: dict[str, MeasureSpec] = {m.value: _COUNT for m in Measure}
SPECS.update(
    {
        Measure.FOUR_HOUR_PERCENT: MeasureSpec("percent", 100),
        Measure.ED_OCCUPANCY_PERCENT: MeasureSpec("percent", 400),
        Measure.HANDOVER_MEAN_MINUTES: MeasureSpec("minutes", 24 * 60),
        Measure.ANSWER_MEAN_SECONDS: MeasureSpec("seconds", 24 * 60 * 60),
    }
)

NCTR_PATHWAYS = (
    Measure.NCTR_PATHWAY_0,
    Measure.NCTR_PATHWAY_1,
    Measure.NCTR_PATHWAY_2,
    Measure.NCTR_PATHWAY_3,
)
NCTR_REASONS = (
    Measure.NCTR_AWAITING_ASSESSMENT,
    Measure.NCTR_AWAITING_HOME_CARE,
    Measure.NCTR_AWAITING_COMMUNITY_BED,
    Measure.NCTR_AWAITING_CARE_HOME,
    Measure.NCTR_AWAITING_FAMILY,
    Measure.NCTR_AWAITING_OTHER,
)
DISCHARGE_PATHWAYS = (
    Measure.DISCHARGES_PATHWAY_0,
    Measure.DISCHARGES_PATHWAY_1,
    Measure.DISCHARGES_PATHWAY_2,
    Measure.DISCHARGES_PATHWAY_3,
)

MEASURES_BY_KIND: dict[ReturnKind, tuple[str, ...]] = {
    ReturnKind.ACUTE: (
        Measure.GA_BEDS_OPEN,
        Measure.GA_BEDS_OCCUPIED,
        Measure.ESCALATION_BEDS,
        Measure.ADMISSIONS,
        Measure.HANDOVERS,
        Measure.HANDOVER_MEAN_MINUTES,
        Measure.HANDOVERS_OVER_60,
        Measure.ED_ATTENDANCES,
        Measure.FOUR_HOUR_PERCENT,
        Measure.WAITS_OVER_12_HOURS,
        Measure.ED_OCCUPANCY_PERCENT,
        *NCTR_PATHWAYS,
        *NCTR_REASONS,
        *DISCHARGE_PATHWAYS,
    ),
    ReturnKind.COMMUNITY: (
        Measure.COMMUNITY_BEDS_OPEN,
        Measure.COMMUNITY_BEDS_OCCUPIED,
        Measure.COMMUNITY_NCTR,
        Measure.VIRTUAL_WARD_CAPACITY,
        Measure.VIRTUAL_WARD_OCCUPIED,
        Measure.UCR_REFERRALS,
        Measure.UCR_WITHIN_2_HOURS,
    ),
    ReturnKind.MENTAL_HEALTH: (
        Measure.MH_BEDS_OPEN,
        Measure.MH_BEDS_OCCUPIED,
        Measure.OUT_OF_AREA,
        Measure.SECTION_136,
        Measure.MH_ED_OVER_12_HOURS,
    ),
    ReturnKind.NHS_111: (
        Measure.CALLS_OFFERED,
        Measure.CALLS_ABANDONED,
        Measure.ANSWER_MEAN_SECONDS,
        Measure.CLINICAL_CALLBACKS,
        Measure.CALLBACKS_WITHIN_20,
    ),
    ReturnKind.SOCIAL_CARE: (
        Measure.HOME_CARE_PACKAGES_AVAILABLE,
        Measure.CARE_HOME_BEDS_AVAILABLE,
    ),
}


def measures_of(kinds: tuple[ReturnKind, ...] | list[ReturnKind]) -> tuple[str, ...]:
    """The figures a return carrying the sections of ``kinds`` holds, section by section."""
    return tuple(m for k in ReturnKind if k in kinds for m in MEASURES_BY_KIND[k])


class ExpectedReturn(models.Model):
    """Whether an organisation is expected to make one kind (section) of the daily return, as
    the programme office set it. With no row for a kind, the organisation's kind decides
    (``default_kinds``): an ambulance trust that does not run NHS 111 is set not to make that
    return, a combined community and mental health trust to make both sections."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="expected_returns"
    )
    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in ReturnKind])
    expected = models.BooleanField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["organisation__name", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="expected_return_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation.ods_code} {self.kind}: {'yes' if self.expected else 'no'}"


class DailyReturn(models.Model):
    """One organisation's situation report for one day (the figures at 8 am that day)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="daily_returns"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in ReturnKind])
    # When it was first submitted (so whether it was late), and by whom; a return made again
    # keeps these and records when it was last changed.
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-date", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="daily_return_unique")
        ]
        indexes = [models.Index(fields=["date", "organisation"])]

    def __str__(self) -> str:
        return f"{self.organisation.ods_code} {self.date:%Y-%m-%d}"


class ReturnValue(models.Model):
    """One figure of a daily return."""

    daily_return = models.ForeignKey(DailyReturn, on_delete=models.CASCADE, related_name="values")
    measure = models.CharField(max_length=40, choices=Measure.choices)
    value = models.FloatField()

    class Meta:
        ordering = ["daily_return", "measure"]
        constraints = [
            models.UniqueConstraint(fields=["daily_return", "measure"], name="return_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.daily_return}: {self.measure} = {self.value:g}"
