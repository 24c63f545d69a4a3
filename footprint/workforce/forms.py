"""Forms for workforce pages."""

from __future__ import annotations

from typing import Any

from django import forms

from footprint.demand.models import Scenario
from footprint.partnership.models import Organisation
from footprint.workforce import queries
from footprint.workforce.models import RateCap, StaffGroup


class WorkforceImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[("returns", "Monthly workforce returns"), ("shifts", "Agency shifts")],
    )
    file = forms.FileField(label="CSV file", help_text="Save spreadsheets as CSV UTF-8")


class SupplyForm(forms.Form):
    staff_group = forms.ChoiceField(
        label="Staff group", choices=StaffGroup.choices, initial=StaffGroup.NURSES
    )
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.none(),  # set for each form: see __init__
        required=False,
        label="Need from a demand scenario",
        empty_label="None: type the need in below",
        help_text="The WTE its latest run needs at the organisations that send returns",
    )
    need = forms.CharField(
        label="Or the WTE needed each year",
        initial="",
        required=False,
        help_text="Figures separated by commas, e.g. 3100, 3150, 3200, 3250, 3300",
    )
    training_places = forms.FloatField(
        label="Local training places a year", min_value=0, initial=120
    )
    completion = forms.FloatField(
        label="Share completing training (%)", min_value=0, max_value=100, initial=85
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].queryset = queries.scenarios_with_a_run()

    def clean_need(self) -> list[float]:
        if not self.cleaned_data["need"].strip():
            return []
        try:
            values = [
                float(x)
                for x in self.cleaned_data["need"].replace(";", ",").split(",")
                if x.strip()
            ]
        except ValueError:
            raise forms.ValidationError("Give numbers separated by commas") from None
        if not 1 <= len(values) <= 10 or any(v < 0 for v in values):
            raise forms.ValidationError("Give between 1 and 10 non-negative figures")
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("scenario") and not data.get("need") and "need" not in self.errors:
            self.add_error("need", "Choose a demand scenario or type the need in")
        return data


class RateCapForm(forms.Form):
    """One cap on the rate card, named as the model's fields so that the service's refusals
    land on them. The rate is typed in pounds and kept in pence."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),  # set for each form: see __init__
        required=False,
        label="Applies to",
        empty_label="Every member (the system's card)",
        help_text="A member's own cap overrides the system's for that member",
    )
    staff_group = forms.ChoiceField(label="Staff group", choices=StaffGroup.choices)
    grade = forms.CharField(
        label="Grade", max_length=40, help_text="As agency shifts name it, e.g. Band 5, Consultant"
    )
    cap_pence = forms.DecimalField(
        label="Most per hour (£)", decimal_places=2, max_digits=8, help_text="e.g. 45.50"
    )

    def __init__(self, *args: Any, cap: RateCap | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = queries.members_with_caps_of_their_own()
        if cap is not None and not self.is_bound:
            self.initial.update(
                {
                    "organisation": cap.organisation,
                    "staff_group": cap.staff_group,
                    "grade": cap.grade,
                    "cap_pence": f"{cap.cap_pence / 100:.2f}",
                }
            )

    def clean_cap_pence(self) -> int:
        return int(self.cleaned_data["cap_pence"] * 100)

    def apply(self, cap: RateCap) -> RateCap:
        """``cap`` with the terms typed in, not yet saved."""
        for name, value in self.cleaned_data.items():
            setattr(cap, name, value)
        return cap
