"""Forms for the plan's pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from footprint.plans.importers import parse_period


class PeriodField(forms.CharField):
    """A month (2024-05), a financial year (2024/25) or a quarter (2024 Q1)."""

    def clean(self, value: str) -> dt.date:  # type: ignore[override]
        text = super().clean(value)
        try:
            return parse_period(text)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


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
