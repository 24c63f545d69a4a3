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


def quintiles_field() -> forms.MultipleChoiceField:
    """The deprivation quintiles a scheme's cohort is aimed at (none: everywhere), one field
    for a scheme added from the library and a scheme changed on its own page."""
    return forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("1", "Quintile 1 (most deprived 20 %)"),
            ("2", "Quintile 2"),
            ("3", "Quintile 3"),
            ("4", "Quintile 4"),
            ("5", "Quintile 5 (least deprived 20 %)"),
        ],
        label="Cohort: deprivation quintiles",
        help_text="Where the activity's residents live, by national deprivation quintile (a "
        "record's own small area, or its neighbourhood's). Core20PLUS5's Core20 is quintile 1. "
        "None chosen: everywhere",
        error_messages={
            "invalid_choice": "Cohort: deprivation quintiles: %(value)s is not a quintile; "
            "choose from 1 (most deprived) to 5 (least deprived)"
        },
    )


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
    quintiles = quintiles_field()

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


class VariantsUploadForm(forms.Form):
    file = forms.FileField(
        label="Population projection variants (CSV)",
        help_text="Columns variant, year, sex, age, population: the Principal projection and "
        "each variant, both sexes, ages 0 to 90, every year from the base year's next to the "
        "horizon",
    )


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


def _percent(label: str, low: int, high: int, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=low, max_value=high, decimal_places=1, **kwargs
    )


def _interval_errors(form: forms.Form, pairs: list[tuple[str, str, str]]) -> None:
    """Name the high field of each (low, high, what) pair whose low is above its high."""
    data = form.cleaned_data
    for low, high, what in pairs:
        lo, hi = data.get(low), data.get(high)
        if lo is not None and hi is not None and lo > hi:
            form.add_error(high, f"{what}: the high end must not be below the low end")


class GrowthForm(forms.Form):
    """Growth a year beyond demography for each point of delivery: an 80 % interval in %.
    Fields are ``<pod>_low`` and ``<pod>_high``; the document holds fractions."""

    def __init__(self, *args: Any, pods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pods = pods
        for code, name in pods:
            self.fields[f"{code}_low"] = _percent(f"{name}, low (% a year)", -20, 30)
            self.fields[f"{code}_high"] = _percent(f"{name}, high (% a year)", -20, 30)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _interval_errors(self, [(f"{c}_low", f"{c}_high", n) for c, n in self.pods])
        return data

    def growth(self) -> dict[str, dict[str, float]]:
        """The cleaned form as the document's ``growth``, in fractions."""
        d = self.cleaned_data
        return {
            c: {"low": float(d[f"{c}_low"]) / 100, "high": float(d[f"{c}_high"]) / 100}
            for c, _ in self.pods
        }


class SchemeChangeForm(forms.Form):
    """One scheme of a scenario: its name, shares, cohort, years and cost. Places, providers
    and condition groups are chosen from those the baseline's activity holds."""

    name = forms.CharField(max_length=200)
    low = _percent("Share affected at full effect, low (%)", 0, 100)
    high = _percent(
        "Share affected at full effect, high (%)",
        0,
        100,
        help_text="Low and high make an 80 % interval: the effect lies between them 4 times in 5",
    )
    eligible_low = _percent("Share of the cohort the scheme can reach, low (%)", 0, 100)
    eligible_high = _percent("Share of the cohort the scheme can reach, high (%)", 0, 100)
    age_low = forms.IntegerField(min_value=0, max_value=90, label="Cohort: youngest age")
    age_high = forms.IntegerField(
        min_value=0,
        max_value=90,
        required=False,
        label="Cohort: oldest age",
        help_text="Leave blank for no upper age (90 means 90 and over)",
    )
    sex = forms.ChoiceField(
        choices=[("", "Both"), ("F", "Women"), ("M", "Men")], required=False, label="Cohort: sex"
    )
    places = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Cohort: places",
        help_text="None chosen: every place",
    )
    providers = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Cohort: providers",
        help_text="None chosen: every provider",
    )
    attributes = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Cohort: condition groups",
        help_text="None chosen: all activity",
    )
    quintiles = quintiles_field()
    start_year = forms.IntegerField(min_value=2000, max_value=2100)
    ramp_years = forms.IntegerField(min_value=1, max_value=20, label="Years to full effect")
    profile = forms.ChoiceField(
        choices=[
            ("linear", "Linear: the same step each year"),
            ("front", "Front-loaded: most of the effect early"),
            ("back", "Back-loaded: most of the effect late"),
            ("step", "Step: full effect in the last ramp year"),
            ("custom", "Custom: the shares in the parameters document"),
        ],
        label="How the effect builds up",
    )
    yearly_cost = forms.IntegerField(min_value=0, label="Yearly cost to deliver (£)")

    def __init__(self, *args: Any, names: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in ("places", "providers", "attributes"):
            self.fields[field].choices = names[field]  # type: ignore[attr-defined]
            self.fields[field].error_messages["invalid_choice"] = (
                f"{self.fields[field].label}: %(value)s is not among those the base-year "
                "activity holds"
            )

    @staticmethod
    def initial_from(scheme: dict[str, Any]) -> dict[str, Any]:
        """A scheme's document as the form's initial values (shares in %)."""
        cohort, eligible = scheme.get("cohort", {}), scheme.get("eligible", {})
        return {
            "name": scheme["name"],
            "low": round(100 * scheme["share"]["low"], 1),
            "high": round(100 * scheme["share"]["high"], 1),
            "eligible_low": round(100 * eligible.get("low", 1.0), 1),
            "eligible_high": round(100 * eligible.get("high", 1.0), 1),
            "age_low": cohort.get("age_low", 0),
            "age_high": cohort.get("age_high"),
            "sex": cohort.get("sex", ""),
            "places": cohort.get("places", []),
            "providers": cohort.get("providers", []),
            "attributes": cohort.get("attributes", []),
            "quintiles": [str(q) for q in cohort.get("quintiles", [])],
            "start_year": scheme["start_year"],
            "ramp_years": scheme.get("ramp_years", 1),
            "profile": scheme.get("profile", "linear"),
            "yearly_cost": round(scheme.get("yearly_cost", 0)),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _interval_errors(
            self,
            [
                ("low", "high", "Share affected"),
                ("eligible_low", "eligible_high", "Share the scheme can reach"),
                ("age_low", "age_high", "Cohort ages"),
            ],
        )
        return data

    def changes(self, scheme: dict[str, Any]) -> dict[str, Any]:
        """The cleaned form as changes to the scheme's document (its other cohort fields
        kept)."""
        d = self.cleaned_data
        return {
            "name": d["name"],
            "share": {"low": float(d["low"]) / 100, "high": float(d["high"]) / 100},
            "eligible": {
                "low": float(d["eligible_low"]) / 100,
                "high": float(d["eligible_high"]) / 100,
            },
            "cohort": {
                **scheme.get("cohort", {}),
                "age_low": d["age_low"],
                "age_high": d["age_high"],
                "sex": d["sex"],
                "places": list(d["places"]),
                "providers": list(d["providers"]),
                "attributes": list(d["attributes"]),
                "quintiles": sorted(int(q) for q in d["quintiles"]),
            },
            "start_year": d["start_year"],
            "ramp_years": d["ramp_years"],
            "profile": d["profile"],
            "yearly_cost": float(d["yearly_cost"]),
        }


# The document's paths that a form field shows: a service's problem line starting with one is
# put on that field.
def field_for(path: str, prefix: str) -> str | None:
    """The form field a problem's document path names, e.g. ``growth.ae.low`` -> ``ae_low``
    (prefix ``growth.``) or ``schemes.0.share.high`` -> ``high`` (prefix ``schemes.0.``)."""
    if not path.startswith(prefix):
        return None
    rest = path[len(prefix) :].split(".")
    if prefix == "growth." and len(rest) >= 2:
        return f"{rest[0]}_{rest[1]}"
    mapping = {
        "name": "name",
        "share.low": "low",
        "share.high": "high",
        "eligible.low": "eligible_low",
        "eligible.high": "eligible_high",
        "start_year": "start_year",
        "ramp_years": "ramp_years",
        "profile": "profile",
        "yearly_cost": "yearly_cost",
    }
    joined = ".".join(rest[:2])
    if joined in mapping:
        return mapping[joined]
    if rest[0] == "cohort" and len(rest) > 1:
        return (
            rest[1]
            if rest[1]
            in ("age_low", "age_high", "sex", "places", "providers", "attributes", "quintiles")
            else None
        )
    return mapping.get(rest[0])
