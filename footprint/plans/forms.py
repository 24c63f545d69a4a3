"""Forms for the plan's pages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from footprint.core import breakdowns
from footprint.core.breakdowns import Breakdown
from footprint.plans import queries
from footprint.plans.importers import parse_period
from footprint.plans.models import FlowAggregation, Goal, Metric, Plan, Priority

#: Between a breakdown and a group's code in a gap goal's choice of group ("imd_quintile:1").
GROUP_SEPARATOR = ":"


class PeriodField(forms.CharField):
    """A month (2024-05), a financial year (2024/25) or a quarter (2024 Q1)."""

    def clean(self, value: str) -> dt.date:  # type: ignore[override]
        text = super().clean(value)
        try:
            return parse_period(text)
        except ValueError as exc:
            raise forms.ValidationError(f"{short_name(self.label)}: {exc}") from None


def short_name(label: Any) -> str:
    """A field's label as a short name for a message: without "(optional)" or a unit in
    brackets, e.g. "Up to (£) (optional)" → "Up to"."""
    return re.sub(r"\s*\([^)]*\)", "", str(label or "This field")).strip() or "This field"


class MeasurementForm(forms.Form):
    period = PeriodField(label="Period", help_text="A month, e.g. 2025-03")
    value = forms.FloatField(
        label="Value", required=False, help_text="Leave empty to record that the figure is missing"
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)


class RebaseForm(forms.Form):
    period = PeriodField(
        label="First period of the new process",
        help_text="A month with a figure, after the first, e.g. 2025-04",
    )
    reason = forms.CharField(
        label="Why the process changed",
        max_length=300,
        help_text="e.g. 'New same-day emergency care unit opened'",
    )


class RemoveMeasurementForm(forms.Form):
    """Remove a figure recorded in error; the choices are the series' periods, newest first,
    each with its figure (``periods``: (period, words))."""

    period = forms.TypedChoiceField(
        label="Figure to remove", coerce=dt.date.fromisoformat, choices=()
    )
    reason = forms.CharField(
        label="Reason for removing it",
        max_length=300,
        help_text="e.g. 'Recorded for the wrong month'",
    )

    def __init__(self, *args: Any, periods: list[tuple[dt.date, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [  # type: ignore[attr-defined]
            (p.isoformat(), words) for p, words in periods
        ]


class MeasurementImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Save spreadsheets as CSV UTF-8")


# --- Setting up the plan ---------------------------------------------------------------------


class PersonChoiceField(forms.ModelChoiceField):
    """A person, by full name (and user name)."""

    def label_from_instance(self, obj: Any) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class MetricForm(forms.ModelForm):
    """A metric as reviewed content; its code is made from the name, never typed."""

    reviewer = PersonChoiceField(
        queryset=get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(memberships__isnull=False) | Q(partnership_roles__isnull=False))
        .distinct()
        .order_by("first_name", "username"),
        required=False,
        label="Checker (optional)",
        empty_label="No one yet",
        help_text="The person who checks the definition and the figures at each review",
    )

    class Meta:
        model = Metric
        fields = [
            "name",
            "definition",
            "unit",
            "improvement",
            "frequency",
            "data_source",
            "owner",
            "reviewer",
            "next_review",
            "flow_measure",
            "flow_aggregation",
        ]
        labels = {
            "flow_measure": "Made from the daily returns' figure (optional)",
            "flow_aggregation": "How the days make each period's figure (optional)",
            "name": "Name",
            "improvement": "Direction of improvement",
            "frequency": "How often it is measured",
            "data_source": "Data source",
            "owner": "Owner",
            "next_review": "Next review date",
        }
        help_texts = {
            "name": "Its code, which import files use, is made from the name",
            "definition": "What is counted and how, so that anyone would count it the same way",
            "owner": "The organisation that keeps the definition and reports the figures",
        }
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 3}),
            "improvement": forms.RadioSelect,
            "next_review": forms.DateInput(attrs={"type": "date"}),
        }

    flow_measure = forms.ChoiceField(
        required=False,
        label="Made from the daily returns' figure (optional)",
        help_text="For urgent-care measures such as patients with no criteria to reside: the "
        "whole system's figures are then written from the daily returns, not by hand",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_the_owner(self)
        drop_blank_radio_choices(self)
        self.fields["flow_measure"].choices = [
            ("", "Not made from the daily returns"),
            *queries.flow_measure_choices(),
        ]
        self.fields["flow_aggregation"].choices = [
            ("", "Not made from the daily returns"),
            *[c for c in FlowAggregation.choices if c[0]],
        ]

    def _post_clean(self) -> None:
        """The service checks the metric (a name another metric has, the review date);
        the form does not save."""


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "start_year", "end_year", "summary"]
        labels = {
            "title": "Title",
            "start_year": "First financial year",
            "end_year": "Last financial year",
            "summary": "Summary",
        }
        help_texts = {
            "start_year": "The year it starts in, e.g. 2026 for 2026/27",
            "end_year": "e.g. 2030 for 2030/31",
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def _post_clean(self) -> None:
        """The service checks the plan."""


class PriorityForm(forms.ModelForm):
    class Meta:
        model = Priority
        fields = ["title", "description", "order", "lead"]
        labels = {
            "title": "Title",
            "description": "Description (optional)",
            "order": "Order on the plan's pages",
            "lead": "Lead organisation (optional)",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self) -> None:
        """The service checks the priority."""


class GoalForm(forms.ModelForm):
    """A goal: what it is about (layer and subject), its metric, baseline, target and owner.
    Months are written 2025-03 (the baseline and target are for months)."""

    baseline_date = PeriodField(
        label="Baseline month", help_text="A month that is over, e.g. 2025-03"
    )
    target_date = PeriodField(
        label="Target month", help_text="When the target is to be met, e.g. 2028-03"
    )

    class Meta:
        model = Goal
        fields = [
            "priority",
            "statement",
            "metric",
            "layer",
            "organisation",
            "place",
            "neighbourhood",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "owner",
            "kind",
            "gap_breakdown",
            "gap_measure",
            "gap_first",
            "gap_second",
        ]
        labels = {
            "kind": "Judged on",
            "gap_breakdown": "For a gap goal: the gap between",
            "gap_measure": "For a gap goal: how the gap is measured",
            "gap_first": "For a gap between two groups: the first group",
            "gap_second": "For a gap between two groups: the group it is measured against",
            "priority": "Priority",
            "statement": "The goal in plain English",
            "metric": "Metric",
            "layer": "Layer",
            "organisation": "Organisation it is about (optional)",
            "place": "Place it is about (optional)",
            "neighbourhood": "Neighbourhood it is about (optional)",
            "baseline_value": "Baseline",
            "target_value": "Target",
            "owner": "Owner",
        }
        help_texts = {
            "statement": "",
            "layer": "A neighbourhood-layer goal is about a neighbourhood, a place-layer goal "
            "about a place; a system-layer goal is about the whole system or an organisation",
            "baseline_value": "The metric's figure in the baseline month, in its unit",
            "target_value": "The figure to reach by the target month, in its unit",
            "owner": "The organisation answerable for the goal",
            "kind": "A gap goal is judged on the gap between groups (its baseline and target "
            "are gaps: the first group less the second, or the SII), such as halving the gap "
            "between the most and least deprived quintile",
        }
        widgets = {"layer": forms.RadioSelect, "kind": forms.RadioSelect}

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None and instance.pk:
            kwargs.setdefault("initial", {}).update(
                baseline_date=f"{instance.baseline_date:%Y-%m}",
                target_date=f"{instance.target_date:%Y-%m}",
            )
        super().__init__(*args, **kwargs)
        # One flat list, each group named with its breakdown: quintile 1 and decile 1 share the
        # code "1", so an option's value carries its breakdown too ("imd_quintile:1").
        groups = [("", "None (not a gap between two groups)")] + [
            (f"{b.value}{GROUP_SEPARATOR}{code}", f"{b.label}: {name}")
            for b in Breakdown
            if b
            for code, name in breakdowns.categories(b)
        ]
        for name in ("gap_first", "gap_second"):
            self.fields[name] = forms.ChoiceField(
                choices=groups,
                required=False,
                label=self.fields[name].label,
                help_text="Quintiles and deciles count from 1, the most deprived",
            )
            if instance is not None and instance.pk and getattr(instance, name):
                self.initial[name] = (
                    f"{instance.gap_breakdown}{GROUP_SEPARATOR}{getattr(instance, name)}"
                )
        self.fields["gap_breakdown"].choices = [("", "None (not a gap goal)")] + [
            (b.value, b.label) for b in Breakdown if b
        ]  # type: ignore[attr-defined]
        self.fields["gap_measure"].choices = [("", "None (not a gap goal)")] + [
            (m.value, m.label) for m in Goal.GapMeasure if m
        ]  # type: ignore[attr-defined]
        # A goal is judged on its figure unless a gap is chosen.
        self.fields["kind"].required = False
        self.fields["kind"].choices = list(Goal.Kind.choices)  # type: ignore[attr-defined]
        self.fields["priority"].queryset = plan.priorities.order_by("order", "title")  # type: ignore[attr-defined]
        for name in ("priority", "metric"):
            self.fields[name].empty_label = None  # type: ignore[attr-defined]
        choose_the_owner(self)
        drop_blank_radio_choices(self)
        for name in ("organisation", "place", "neighbourhood"):
            self.fields[name].empty_label = "None"  # type: ignore[attr-defined]
        self.fields["metric"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.name} ({m.unit})"
        )

    def clean_kind(self) -> str:
        return str(self.cleaned_data.get("kind") or Goal.Kind.LEVEL)

    def clean(self) -> dict[str, Any]:
        """Each chosen group back to its code, refused when it belongs to another breakdown
        than the one the gap is between."""
        data = super().clean()
        chosen = data.get("gap_breakdown") or ""
        for name in ("gap_first", "gap_second"):
            value = data.get(name) or ""
            breakdown, _, code = value.partition(GROUP_SEPARATOR)
            if value and chosen and breakdown != chosen:
                self.add_error(
                    name,
                    f"This is a group of {Breakdown(breakdown).label.lower()}s, but the gap is "
                    f"between {Breakdown(chosen).label.lower()}s: choose one of those",
                )
            data[name] = code
        return data

    def _post_clean(self) -> None:
        """The service checks the goal (the subject against the layer, the figures in the
        metric's unit, the months against today)."""


class ServingDecisionsForm(forms.Form):
    """The decisions that serve a goal, chosen from the real proposals."""

    proposals = forms.ModelMultipleChoiceField(
        queryset=None,  # type: ignore[arg-type]
        required=False,
        label="Decisions that serve this goal",
        help_text="Proposals brought to the partnership's forums, decided or not",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, proposals: Any, readable: Callable[[Any], bool], **kwargs: Any
    ) -> None:
        """``readable(proposal)``: whether the visitor may read it; a confidential proposal
        they may not read is offered as "A confidential proposal", without its title."""
        super().__init__(*args, **kwargs)
        field = self.fields["proposals"]
        field.queryset = proposals  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda p: (
                f"{p.title if readable(p) else 'A confidential proposal'}"
                f" ({p.get_status_display().lower()})"
            )
        )


class ServingSchemesForm(forms.Form):
    """The demand schemes that serve a goal, chosen from every scenario's schemes (each
    choice is 'scenario id:scheme key')."""

    schemes = forms.MultipleChoiceField(
        required=False,
        label="Demand schemes that serve this goal",
        help_text="Schemes in the demand model's scenarios",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["schemes"].choices = choices  # type: ignore[attr-defined]


def drop_blank_radio_choices(form: forms.BaseForm) -> None:
    """A required choice shown as radios offers its choices only, not Django's "---------"."""
    for f in form.fields.values():
        if isinstance(f.widget, forms.RadioSelect) and f.required and hasattr(f, "choices"):
            f.choices = [c for c in f.choices if c[0] not in ("", None)]  # type: ignore[attr-defined]


def choose_the_owner(form: forms.BaseForm) -> None:
    """The owner list starts blank, so that no organisation is chosen by default."""
    owner = form.fields["owner"]
    owner.empty_label = "Choose the owner"  # type: ignore[attr-defined]
    owner.required = True
    owner.error_messages["required"] = "Owner: choose the organisation that owns it"
