"""Forms for the plan's pages."""

from __future__ import annotations

import datetime as dt

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
    period = PeriodField(label="First period of the new process", help_text="e.g. 2025-04")
    reason = forms.CharField(
        label="Why the process changed",
        max_length=300,
        help_text="e.g. 'New same-day emergency care unit opened'",
    )


class MeasurementImportForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="Save spreadsheets as CSV UTF-8")
