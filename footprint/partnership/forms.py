"""Forms for the footprint's pages."""

from __future__ import annotations

from typing import Any

from django import forms

from footprint.partnership import queries
from footprint.partnership.models import (
    Neighbourhood,
    Organisation,
    OrganisationKind,
    PartnershipRoleKind,
    Place,
    Role,
    System,
)
from footprint.partnership.rules import STRUCTURE_FIELDS
from footprint.partnership.services import organisation_name_problems
from footprint.partnership.validators import WEBSITE_MESSAGE, normalise_postcode

IMPORT_KINDS = [
    ("organisations", "Organisations (CSV with ODS-style columns)"),
    ("population_estimates", "Population: ONS mid-year estimates (one year)"),
    ("population_projection", "Population: ONS subnational projection"),
    ("small_areas", "Small areas: the lookup of small areas (LSOAs) to neighbourhoods"),
    ("deprivation", "Small areas: English Indices of Deprivation (IMD rank and decile)"),
    ("small_area_population", "Small areas: ONS population by age and sex (one year)"),
    ("ethnic_groups", "Small areas: Census 2021 ethnic group"),
]
# The kinds of file that hold one year's figures, so need the year.
YEARLY_KINDS = {"population_estimates", "small_area_population"}


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, ODS code or postcode", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "All kinds"), *OrganisationKind.choices]
    )
    place = forms.ChoiceField(label="Place", required=False)
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["place"].choices = [("", "All places")] + [
            (p.slug, p.name) for p in queries.places()
        ]


class OrganisationForm(forms.ModelForm):
    """An editor changes the contact details; the programme office also the structure."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "has_statutory_board",
            "neighbourhood",
            "places",
            "postcode",
            "website",
        ]
        widgets = {"places": forms.CheckboxSelectMultiple}
        error_messages = {"website": {"invalid": WEBSITE_MESSAGE}}

    def __init__(self, *args: object, structure: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not structure:
            for name in STRUCTURE_FIELDS:
                del self.fields[name]

    def clean_postcode(self) -> str:
        """As written on letters ('wr12es' → 'WR1 2ES'); the model checks its shape."""
        return normalise_postcode(str(self.cleaned_data.get("postcode") or ""))

    def clean_name(self) -> str:
        """The service's rule for a name, told with the form's other problems."""
        name = str(self.cleaned_data["name"])
        if "name" in self.changed_data:
            problems = organisation_name_problems(name)
            if problems:  # one message: a field shows its first error only
                raise forms.ValidationError("; ".join(problems))
        return name


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=IMPORT_KINDS)
    year = forms.IntegerField(
        label="Year of the mid-year estimate",
        required=False,
        min_value=1991,
        max_value=2100,
        help_text="Only for mid-year estimates (of places and neighbourhoods, or of small "
        "areas), e.g. 2024",
    )
    file = forms.FileField(label="CSV file", help_text="Save spreadsheets as CSV UTF-8")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("kind") in YEARLY_KINDS and not data.get("year"):
            self.add_error("year", "Enter the year the estimates are for")
        return data


class SystemForm(forms.ModelForm):
    """The partnership's name and what it is, for the public."""

    class Meta:
        model = System
        fields = ["name", "short_name", "code", "description", "base_year"]
        labels = {"name": "Name of the partnership", "code": "ICB or STP code"}


class PlaceForm(forms.ModelForm):
    """A place and the ONS code its population files use."""

    class Meta:
        model = Place
        fields = ["name", "code", "description"]
        labels = {"code": "ONS code"}
        help_texts = {
            "code": "The code population files use for it, e.g. the council's E06000123 or "
            "E10000123"
        }

    def clean_code(self) -> str:
        """The code as typed, in capitals and without spaces round it (checked by the model)."""
        return str(self.cleaned_data.get("code") or "").strip().upper()


class NeighbourhoodForm(forms.ModelForm):
    """A neighbourhood, its place, and the geography code its population files use."""

    class Meta:
        model = Neighbourhood
        fields = ["place", "name", "code", "description"]
        labels = {"code": "Geography code"}
        help_texts = {
            "code": "The code population files use for it (a PCN or small-area code), e.g. "
            "E38000123 or U12345"
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["place"].empty_label = ""


def role_choices(partnership: bool) -> list[tuple[str, str]]:
    """The roles a person may be invited to: an organisation's, and (for the programme office)
    the partnership's."""
    choices = list(Role.choices)
    if partnership:
        choices += [
            (value, f"{label} (the whole partnership)")
            for value, label in PartnershipRoleKind.choices
        ]
    return choices


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=254)
    first_name = forms.CharField(label="First name", max_length=150, required=False)
    last_name = forms.CharField(label="Last name", max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Choose an organisation you manage from the list"},
    )
    role = forms.ChoiceField(label="Role")

    def __init__(
        self, *args: object, organisations: Any, partnership: bool, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = (
            "None: a partnership role" if partnership else None
        )
        self.fields["role"].choices = role_choices(partnership)
        self.fields["first_name"].help_text = "Not needed if they already have an account"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role, org = data.get("role"), data.get("organisation")
        if "organisation" in self.errors:  # not one they may choose: that error is enough
            return data
        if role in Role.values and org is None:
            self.add_error("organisation", "Choose the organisation they will have this role in")
        if role in PartnershipRoleKind.values and org is not None:
            self.add_error(
                "organisation", "A partnership role is not in an organisation: choose None"
            )
        return data


class GrantRoleForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none()
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices)

    def __init__(self, *args: object, organisations: Any, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None


class PartnershipRoleForm(forms.Form):
    role = forms.ChoiceField(label="Partnership role", choices=PartnershipRoleKind.choices)


PEOPLE_SORT_CHOICES = [
    ("name", "Name"),
    ("-name", "Name, Z to A"),
    ("email", "Email"),
    ("-last_login", "Last signed in, latest first"),
    ("last_login", "Last signed in, never first"),
]


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or email", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=PEOPLE_SORT_CHOICES)
