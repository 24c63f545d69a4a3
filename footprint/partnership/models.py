"""The footprint: its organisations, the layers system → place → neighbourhood, the
resident population, and the people with their roles."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from footprint.partnership.validators import (
    WEBSITE_MESSAGE,
    validate_name,
    validate_ods_code,
    validate_ods_code_for_kind,
    validate_ons_code,
    validate_postcode,
)

MAX_AGE = 90  # single years 0…89, then 90 and over
AGES = MAX_AGE + 1


class System(models.Model):
    """The partnership itself: the top layer. One per installation."""

    name = models.CharField(max_length=200, validators=[validate_name])
    short_name = models.CharField(max_length=60, blank=True, validators=[validate_name])
    code = models.CharField("ICB or STP code", max_length=20, blank=True)
    description = models.TextField(
        blank=True, help_text="What the partnership is, in plain English, for the public."
    )
    base_year = models.PositiveIntegerField(
        default=2025, help_text="The mid-year population estimate the plan starts from."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "system"

    def __str__(self) -> str:
        return self.name


class Place(models.Model):
    """A place: usually a county or unitary council area with its own alliance."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(max_length=120, unique=True, validators=[validate_name])
    slug = models.SlugField(max_length=120, unique=True)
    code = models.CharField(
        "ONS code",
        max_length=12,
        unique=True,
        help_text="e.g. the council's E06/E10 code",
        validators=[validate_ons_code],
    )
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = [Lower("name")]  # "Ashenby and …" before "Ashenby Medical …"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership:place", args=[self.slug])


class Neighbourhood(models.Model):
    """A neighbourhood of 30,000–50,000 people, served by a primary care network."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="neighbourhoods")
    name = models.CharField(max_length=120, unique=True, validators=[validate_name])
    slug = models.SlugField(max_length=120, unique=True)
    code = models.CharField(
        "geography code", max_length=12, unique=True, help_text="Used to match population files"
    )
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["place__name", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership:neighbourhood", args=[self.slug])


class OrganisationKind(models.TextChoices):
    COMMISSIONER = "commissioner", "Integrated care board / CCG"
    ACUTE_TRUST = "acute_trust", "Acute trust"
    COMMUNITY_TRUST = "community_trust", "Community trust"
    MENTAL_HEALTH_TRUST = "mental_health_trust", "Mental health trust"
    AMBULANCE_TRUST = "ambulance_trust", "Ambulance trust"
    GP_PRACTICE = "gp_practice", "GP practice"
    PCN = "pcn", "Primary care network or federation"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VOLUNTARY = "voluntary", "Voluntary sector"
    HEALTHWATCH = "healthwatch", "Healthwatch"
    OTHER = "other", "Other"


class Organisation(models.Model):
    """A member organisation, known by its ODS code."""

    ods_code = models.CharField(
        "ODS code", max_length=6, unique=True, validators=[validate_ods_code]
    )
    name = models.CharField(max_length=200, validators=[validate_name])
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    has_statutory_board = models.BooleanField(
        default=False, help_text="Whether it has its own board with legal duties"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations",
        help_text="Required for GP practices: the neighbourhood they belong to",
    )
    places = models.ManyToManyField(
        Place, blank=True, related_name="organisations", help_text="The places it serves"
    )
    website = models.URLField(blank=True, error_messages={"invalid": WEBSITE_MESSAGE})
    postcode = models.CharField(max_length=10, blank=True, validators=[validate_postcode])
    contact_email = models.EmailField(
        blank=True, help_text="Where the partnership's messages to the organisation go"
    )
    history = HistoricalRecords(m2m_fields=[places])

    class Meta:
        ordering = [Lower("name")]  # "Wyvern and …" before "Wyvern South …"
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("partnership:organisation", args=[self.ods_code])

    @property
    def label(self) -> str:
        """Its name with its ODS code, the code once: a name that already ends with the code
        (as where two practices share a name and the code tells them apart) stays as it is."""
        code = f"({self.ods_code})"
        return self.name if self.name.endswith(code) else f"{self.name} {code}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        try:
            validate_ods_code_for_kind(self.ods_code, self.kind)
        except ValidationError as exc:
            errors["ods_code"] = exc.messages
        if self.kind == OrganisationKind.GP_PRACTICE and self.neighbourhood_id is None:
            errors["neighbourhood"] = ["A GP practice must belong to a neighbourhood"]
        if errors:
            raise ValidationError(errors)


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"


class PopulationSource(models.TextChoices):
    ESTIMATE = "estimate", "Mid-year estimate"
    PROJECTION = "projection", "Projection"


class Population(models.Model):
    """Residents of one neighbourhood (or a whole place) in one year, for one sex,
    by single year of age: ``counts[0]`` is age 0 … ``counts[90]`` is 90 and over."""

    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="population"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, null=True, blank=True, on_delete=models.CASCADE, related_name="population"
    )
    year = models.PositiveIntegerField(validators=[MinValueValidator(1991)])
    sex = models.CharField(max_length=1, choices=Sex.choices)
    source = models.CharField(max_length=12, choices=PopulationSource.choices)
    counts = models.JSONField(help_text="91 whole numbers: ages 0 to 89, then 90 and over")
    total = models.PositiveIntegerField()

    class Meta:
        ordering = ["year", "sex"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(place__isnull=False, neighbourhood__isnull=True)
                    | models.Q(place__isnull=True, neighbourhood__isnull=False)
                ),
                name="population_one_area",
            ),
            models.UniqueConstraint(
                fields=["place", "year", "sex"], name="population_unique_place_year_sex"
            ),
            models.UniqueConstraint(
                fields=["neighbourhood", "year", "sex"],
                name="population_unique_neighbourhood_year_sex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood or self.place} {self.year} {self.sex}: {self.total}"


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    FINANCE = "finance", "Finance"
    WORKFORCE = "workforce", "Workforce"
    BOARD_MEMBER = "board_member", "Board member"
    ORGANISATION_LEAD = "organisation_lead", "Organisation lead"


class Membership(models.Model):
    """A person's role in one member organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.organisation.name}"


class PartnershipRoleKind(models.TextChoices):
    PROGRAMME_OFFICE = "programme_office", "Programme office"
    CHAIR = "chair", "Partnership chair"


class PartnershipRole(models.Model):
    """A partnership-wide role: the programme office, or the chair."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="partnership_roles"
    )
    role = models.CharField(max_length=20, choices=PartnershipRoleKind.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="partnership_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class Invitation(models.Model):
    """A one-time link, sent by email, for a person to set their password and sign in.

    Only a SHA-256 digest of the link's secret is stored; the secret itself is in the email and
    nowhere else. Sending it again makes a new secret (the old link stops working) and a new
    expiry. The roles it brings were given when the person was invited; ``organisation`` and
    ``role`` say what the email told them (no organisation for a partnership role)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(max_length=20)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    sent_count = models.PositiveIntegerField(default=1)
    expires_at = models.DateTimeField()
    digest = models.CharField(max_length=64, unique=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.user} ({self.role_label})"

    @property
    def role_label(self) -> str:
        labels = dict(Role.choices) | dict(PartnershipRoleKind.choices)
        label = labels.get(self.role, self.role)
        return f"{label}, {self.organisation.name}" if self.organisation else label

    def status(self, now: Any) -> str:
        """Accepted, Revoked, Expired or Waiting, as of ``now``."""
        if self.accepted_at is not None:
            return "Accepted"
        if self.revoked_at is not None:
            return "Revoked"
        if now >= self.expires_at:
            return "Expired"
        return "Waiting"


# --- Small areas: the LSOAs a partnership's neighbourhoods are made of (issue 20) -----------

#: The English Indices of Deprivation rank small areas from 1 (most deprived) to the number of
#: LSOAs: 33,755 for the 2021 LSOAs of the Indices of Deprivation 2025.
SMALL_AREAS_IN_ENGLAND = 33_755
#: The 19 five-year age bands small-area population is kept in (the 2013 European Standard
#: Population's): 0-4, 5-9 … 85-89, 90 and over.
AGE_BANDS: tuple[str, ...] = (*(f"{a}-{a + 4}" for a in range(0, 90, 5)), "90+")


class SmallArea(models.Model):
    """A lower layer super output area (LSOA, 2021 boundaries), some 1,500 residents, in one
    neighbourhood (and so one place), with its national deprivation rank and decile."""

    code = models.CharField("LSOA 2021 code", max_length=9, unique=True)
    name = models.CharField(max_length=120, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="small_areas"
    )
    imd_rank = models.PositiveIntegerField(
        "IMD rank", null=True, blank=True, help_text="1 is the most deprived small area in England"
    )
    imd_decile = models.PositiveSmallIntegerField(
        "IMD decile",
        null=True,
        blank=True,
        help_text="1 is the most deprived 10 % of small areas in England, 10 the least",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(imd_decile__isnull=True)
                | models.Q(imd_decile__gte=1, imd_decile__lte=10),
                name="small_area_decile_1_to_10",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.name else self.code

    @property
    def imd_quintile(self) -> int | None:
        """1 (most deprived 20 % nationally) … 5, from the decile."""
        return None if self.imd_decile is None else (self.imd_decile + 1) // 2


class SmallAreaPopulation(models.Model):
    """Residents of one small area in one year, for one sex, in ``AGE_BANDS``."""

    small_area = models.ForeignKey(SmallArea, on_delete=models.CASCADE, related_name="population")
    year = models.PositiveIntegerField(validators=[MinValueValidator(2000)])
    sex = models.CharField(max_length=1, choices=Sex.choices)
    bands = models.JSONField(help_text="19 whole numbers: ages 0-4 … 85-89, then 90 and over")
    total = models.PositiveIntegerField()

    class Meta:
        ordering = ["year", "sex"]
        constraints = [
            models.UniqueConstraint(
                fields=["small_area", "year", "sex"], name="small_area_population_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.small_area.code} {self.year} {self.sex}: {self.total}"


class SmallAreaEthnicity(models.Model):
    """Usual residents of one small area in one of the Census 2021 high-level ethnic groups
    (``group`` is a code of ``core.breakdowns.ETHNIC_GROUPS``)."""

    small_area = models.ForeignKey(
        SmallArea, on_delete=models.CASCADE, related_name="ethnic_groups"
    )
    group = models.CharField(max_length=12)
    residents = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["small_area", "group"], name="small_area_ethnicity_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.small_area.code} {self.group}: {self.residents}"
