"""Forms for winter plans, scenarios and each provider's inputs. They check types; the
services check that the numbers can run (and say why not, naming the field)."""

from __future__ import annotations

from typing import Any

from django import forms

from footprint.winter import compute
from footprint.winter.models import PATHWAY_NAMES, Scenario


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


class PoundsField(forms.IntegerField):
    """Whole pounds, optional: left blank, nothing (0); typed with a pound sign, commas or
    spaces ("£1,500") as well as without."""

    def clean(self, value: Any) -> int:
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").replace(" ", "")
        return super().clean(value) or 0


def _pounds(label: str, help_text: str = "") -> forms.IntegerField:
    name = label.removesuffix(" (£)")
    return PoundsField(
        label=label,
        help_text=help_text,
        min_value=0,
        max_value=100_000_000,
        initial=0,
        required=False,
        error_messages={
            "invalid": f"{name}: enter a whole number of pounds, like 1500",
            "min_value": f"{name} must be £0 or more",
            "max_value": f"{name} must be £100,000,000 or less",
        },
    )


class PlanForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    start = _date("First day")
    days = forms.IntegerField(
        label="Number of days", min_value=7, max_value=366, initial=182, help_text="7 to 366"
    )
    peak = _date("Peak of the winter", "The day admissions are highest")
    runs = forms.IntegerField(
        label="Number of runs",
        min_value=1,
        max_value=10_000,
        initial=1000,
        help_text="Monte Carlo runs, up to 10,000; more runs, steadier figures",
    )
    seed = forms.IntegerField(
        min_value=0,
        max_value=2**32 - 1,
        initial=1,
        help_text="Every scenario runs with this seed, so they differ only by their inputs",
    )
    cost_package = _pounds(
        "Cost of a home-care package (£)",
        "Pathway 1. Each package a day a scenario offers, every day of the winter, is one "
        "package bought, used or not",
    )
    cost_virtual_ward = _pounds("Cost of a virtual-ward place (£)", "Pathway 1, a whole stay")
    cost_step_down = _pounds("Cost of a step-down bed placement (£)", "Pathway 2, a whole stay")
    cost_care_home = _pounds("Cost of a care-home bed placement (£)", "Pathway 3, a whole stay")
    cost_escalation_bed_day = _pounds(
        "Cost of an escalation bed open for a day (£)",
        "Staff and running costs; each scenario's run says how many escalation bed-days it opens",
    )


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="At most 100 characters")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What this scenario changes, in a sentence",
    )
    copy_from = forms.ModelChoiceField(
        queryset=Scenario.objects.none(),
        required=False,
        label="Start from",
        empty_label="Typical inputs for every acute trust",
    )
    other_cost = _pounds(
        "Other costs over the winter (£)",
        "Beyond the places and escalation beds, which the plan's unit costs price",
    )
    cost_note = forms.CharField(
        label="What the other costs are (optional)", max_length=300, required=False
    )

    def __init__(self, *args: Any, plan: Any, new: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if new:
            self.fields["copy_from"].queryset = plan.scenarios.all()
        else:
            del self.fields["copy_from"]


def _percent(label: str, **kw: Any) -> forms.FloatField:
    return forms.FloatField(label=label, min_value=0, max_value=100, **kw)


class InputsForm(forms.Form):
    """One provider's inputs; lists are typed as numbers separated by commas."""

    beds = forms.IntegerField(label="General and acute beds", min_value=0)
    escalation_beds = forms.IntegerField(label="Escalation beds", min_value=0)
    escalation_trigger = forms.FloatField(
        label="Escalation trigger (%) (optional)",
        required=False,
        help_text="Escalation beds open the day after midnight occupancy reaches this share "
        "of the beds, from 50 to 100; leave blank for never",
    )
    admissions_per_day = forms.FloatField(
        label="Emergency admissions a day", help_text="The year's average", min_value=0
    )
    weekly = forms.CharField(
        label="Weekly pattern",
        help_text="7 multipliers, Monday to Sunday, separated by commas, averaging 1 (an "
        "average day)",
    )
    winter_uplift = forms.FloatField(
        label="Winter uplift (%)",
        help_text="How far above the year's average admissions are at the peak of the winter",
    )
    stay_mean = forms.FloatField(label="Mean length of stay (days)")
    stay_sd = forms.FloatField(label="Standard deviation of length of stay (days)")
    stay_counts = forms.CharField(
        label="Past stays (optional)",
        required=False,
        help_text="Counts of past stays of 1, 2, 3 … days, separated by commas; when given they "
        "are used instead of the mean and standard deviation",
    )
    share_0 = _percent(f"{PATHWAY_NAMES[0]} (%)")
    share_1 = _percent(f"{PATHWAY_NAMES[1]} (%)")
    share_2 = _percent(f"{PATHWAY_NAMES[2]} (%)")
    share_3 = _percent(f"{PATHWAY_NAMES[3]} (%)")
    nctr_0 = _percent(f"{PATHWAY_NAMES[0]}: chance of waiting (%)")
    nctr_1 = _percent(f"{PATHWAY_NAMES[1]}: chance of waiting (%)")
    nctr_2 = _percent(f"{PATHWAY_NAMES[2]}: chance of waiting (%)")
    nctr_3 = _percent(f"{PATHWAY_NAMES[3]}: chance of waiting (%)")
    home_care_packages = forms.IntegerField(
        label="Home-care packages a day (pathway 1)", min_value=0
    )
    virtual_ward_places = forms.IntegerField(
        label="Virtual-ward places a day (pathway 1)",
        min_value=0,
        help_text="New places a day on a virtual ward for patients ready to go home",
    )
    step_down_beds = forms.IntegerField(label="Step-down beds a day (pathway 2)", min_value=0)
    care_home_beds = forms.IntegerField(label="Care-home beds a day (pathway 3)", min_value=0)
    closures = forms.CharField(
        label="Beds closed for some days (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One closure a line: the first day, the last day, the general and acute beds "
        "closed, and why, e.g. 2027-01-04, 2027-01-17, 28, norovirus on a ward",
    )

    place_cuts = forms.CharField(
        label="Places a day lost for some days (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line: the first day, the last day, the pathway (1 to 3), the places a "
        "day lost, and why, e.g. 2027-01-04, 2027-01-31, 3, 1, care home closed",
    )

    @classmethod
    def initial_from(cls, values: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in values.items() if k in cls.base_fields}
        out["weekly"] = compute.numbers_text(values["weekly"])
        out["stay_counts"] = compute.numbers_text(values["stay_counts"] or [])
        out["closures"] = compute.closures_text(values.get("closures") or [])
        out["place_cuts"] = compute.place_cuts_text(values.get("place_cuts") or [])
        for j in range(4):
            out[f"share_{j}"] = values["pathway_shares"][j]
            out[f"nctr_{j}"] = values["nctr_probability"][j]
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        weekly, problem = compute.parse_numbers(data.get("weekly", ""), "Weekly pattern", 7)
        if problem:
            self.add_error("weekly", problem)
        data["weekly"] = weekly
        counts, problem = compute.parse_numbers(data.get("stay_counts", ""), "Past stays")
        if problem:
            self.add_error("stay_counts", problem)
        data["stay_counts"] = counts
        closures, problems = compute.parse_closures(data.get("closures", ""))
        for problem in problems:
            self.add_error("closures", problem)
        data["closures"] = closures
        cuts, problems = compute.parse_place_cuts(data.get("place_cuts", ""))
        for problem in problems:
            self.add_error("place_cuts", problem)
        data["place_cuts"] = cuts
        return data

    def values(self, base: dict[str, Any]) -> dict[str, Any]:
        """The inputs typed, over ``base`` (the provider's inputs as they stand)."""
        d = self.cleaned_data
        out = {**base, **{k: d[k] for k in self.fields if k in base}}
        out["pathway_shares"] = [d[f"share_{j}"] for j in range(4)]
        out["nctr_probability"] = [d[f"nctr_{j}"] for j in range(4)]
        if out["admissions_per_day"] != base["admissions_per_day"]:
            out["admissions_source"], out["admissions_note"] = "entered", ""
        # an input typed differently is no longer fitted to the daily returns
        out["fitted"] = compute.fitted_after_change(base.get("fitted") or {}, base, out)
        return out


class DemandForm(forms.Form):
    demand_run = forms.ChoiceField(label="Demand scenario")
    year = forms.IntegerField(label="Year of the projection", min_value=2000, max_value=2100)

    def __init__(self, *args: Any, runs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["demand_run"].choices = [
            (str(r.pk), f"{r.scenario.name} (run {r.pk}, to {r.parameters['horizon']})")
            for r in runs
        ]


class HistoryForm(forms.Form):
    first = _date("First day of the returns")
    last = _date("Last day of the returns")


class DecisionForm(forms.Form):
    """Bring a scheme to a decision: the type of decision, the forum, and what to recommend."""

    decision_type = forms.ChoiceField(label="Type of decision")
    brought_to = forms.ChoiceField(
        label="Forum you are bringing it to",
        help_text="The scheme of delegation may send it higher, by the money at stake",
    )
    recommend = forms.ChoiceField(
        label="Recommended option",
        widget=forms.RadioSelect,
        initial="scheme",
    )

    def __init__(
        self, *args: Any, types: list[Any], forums: list[Any], scheme: str, baseline: str, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["decision_type"].choices = [(str(t.pk), t.name) for t in types]
        self.fields["brought_to"].choices = [(str(f.pk), f.name) for f in forums]
        self.fields["recommend"].choices = [
            ("scheme", f"Fund {scheme}"),
            ("baseline", f"Stay with {baseline}"),
        ]
