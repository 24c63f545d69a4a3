"""Forms for demand scenarios, schemes and activity imports."""

from __future__ import annotations

from typing import Any

from django import forms

from footprint.demand.models import Baseline, Scenario


class ScenarioForm(forms.ModelForm):
    base_year = forms.IntegerField(disabled=True, required=False, label="Base year")
    horizon = forms.IntegerField(
        min_value=2000, max_value=2100, help_text="The last year projected"
    )
    iterations = forms.IntegerField(
        min_value=0, max_value=10_000, initial=1000, help_text="Monte Carlo runs, up to 10,000"
    )
    seed = forms.IntegerField(
        min_value=0,
        max_value=2**32 - 1,
        initial=1,
        help_text="The same seed gives the same results",
    )

    class Meta:
        model = Scenario
        fields = ["name", "description", "baseline"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["baseline"].queryset = Baseline.objects.all()
        self.fields["baseline"].empty_label = None
        self.fields["baseline"].label = "Base-year activity"
        doc = self.instance.parameters if self.instance.pk else None
        if doc:
            self.fields["horizon"].initial = doc["horizon"]
            self.fields["iterations"].initial = doc["iterations"]
            self.fields["seed"].initial = doc["seed"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        baseline, horizon = data.get("baseline"), data.get("horizon")
        if baseline and horizon and horizon <= baseline.base_year:
            self.add_error(
                "horizon", f"The horizon must be after the base year, {baseline.base_year}"
            )
        return data


class SchemeForm(forms.Form):
    evidence = forms.ChoiceField(label="Scheme from the library")
    name = forms.CharField(
        max_length=200, required=False, help_text="Leave blank for the library's name"
    )
    low = forms.DecimalField(
        label="Share affected at full effect, low (%)", min_value=0, max_value=100, decimal_places=1
    )
    high = forms.DecimalField(
        label="Share affected at full effect, high (%)",
        min_value=0,
        max_value=100,
        decimal_places=1,
        help_text="Low and high make an 80 % interval: the effect lies between them 4 times in 5",
    )
    start_year = forms.IntegerField(min_value=2000, max_value=2100)
    ramp_years = forms.IntegerField(
        min_value=1, max_value=20, initial=1, label="Years to full effect"
    )
    yearly_cost = forms.IntegerField(min_value=0, initial=0, label="Yearly cost to deliver (£)")

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None and low > high:
            self.add_error("high", "The high end must not be below the low end")
        return data


class ParametersUploadForm(forms.Form):
    file = forms.FileField(label="Parameters document (JSON)")


class ActivityImportForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="e.g. 'SUS and community extract 2025/26'")
    base_year = forms.IntegerField(min_value=2000, max_value=2100)
    kind = forms.ChoiceField(
        choices=[
            ("records", "Record-level: one row per episode"),
            ("aggregated", "Aggregated counts"),
        ],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        help_text="CSV (UTF-8) or Parquet for records; CSV for aggregated counts"
    )
    source = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(queryset=Scenario.objects.all(), label="First scenario")
    b = forms.ModelChoiceField(queryset=Scenario.objects.all(), label="Second scenario")
