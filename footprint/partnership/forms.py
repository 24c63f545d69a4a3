"""Forms for the footprint's pages."""

from __future__ import annotations

from django import forms

from footprint.partnership import queries
from footprint.partnership.models import Organisation, OrganisationKind
from footprint.partnership.rules import STRUCTURE_FIELDS

IMPORT_KINDS = [
    ("organisations", "Organisations (CSV with ODS-style columns)"),
    ("population_estimates", "Population: ONS mid-year estimates (one year)"),
    ("population_projection", "Population: ONS subnational projection"),
]


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

    def __init__(self, *args: object, structure: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not structure:
            for name in STRUCTURE_FIELDS:
                del self.fields[name]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="What the file holds", choices=IMPORT_KINDS)
    year = forms.IntegerField(
        label="Year of the mid-year estimate",
        required=False,
        min_value=1991,
        max_value=2100,
        help_text="Only for mid-year estimates, e.g. 2024",
    )
    file = forms.FileField(label="CSV file", help_text="Save spreadsheets as CSV UTF-8")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("kind") == "population_estimates" and not data.get("year"):
            self.add_error("year", "Enter the year the estimates are for")
        return data
