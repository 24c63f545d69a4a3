"""Forms for the flow pages. The return form has a field for each figure its organisation's
kind reports; the service checks the figures (the form only reads them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from footprint.core.imports import EARLIEST_YEAR
from footprint.flow.importers import RETURNS_MOST
from footprint.flow.models import (
    MEASURES_BY_KIND,
    AidKind,
    AidOutcome,
    Measure,
    ReturnKind,
    measures_of,
)
from footprint.partnership.models import Organisation


def _shown(value: float | None) -> str:
    if value is None:
        return "not reported"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


class ReturnForm(forms.Form):
    """A field for each figure of each section the organisation makes (``kinds``)."""

    def __init__(
        self,
        *args: Any,
        kinds: Sequence[ReturnKind],
        yesterday: Mapping[str, float] | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = tuple(kinds)
        for measure in measures_of(self.kinds):
            before = (yesterday or {}).get(measure)
            self.fields[measure] = forms.CharField(
                label=Measure(measure).label,
                required=False,
                help_text=f"Yesterday: {_shown(before)}",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def figures(self) -> dict[str, str]:
        """Every figure of the form: a field left empty (or emptied) clears the figure."""
        return dict(self.cleaned_data)

    def sections(self) -> list[tuple[ReturnKind, list[Any]]]:
        """The fields section by section: each kind of return with its bound fields."""
        return [(k, [self[m] for m in MEASURES_BY_KIND[k]]) for k in self.kinds]


class DayForm(forms.Form):
    """The organisation and day a return page is for, chosen explicitly."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Organisation", to_field_name="ods_code"
    )
    date = forms.DateField(
        label="Day",
        help_text="For example, 2026-11-30",
        error_messages={"invalid": "Enter the day as a date, like 2026-11-30"},
    )

    def __init__(self, *args: Any, organisations: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.today = today

    def clean_date(self) -> dt.date:
        """A day a return may be made for, as the service checks it: from 1 January
        ``EARLIEST_YEAR`` to today (a day out of it was a 500 on the return page, probe F3b)."""
        day: dt.date = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError(
                f"{day:%-d %B %Y} is in the future: a return is for a day that has begun"
            )
        if day.year < EARLIEST_YEAR:
            raise forms.ValidationError(
                f"{day:%-d %B %Y} is before {EARLIEST_YEAR}: a return is for a day from "
                f"{EARLIEST_YEAR} on (check the year)"
            )
        return day


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"Save spreadsheets as CSV UTF-8; at most {RETURNS_MOST:,} returns a file",
    )


class ActionForm(forms.Form):
    level = forms.TypedChoiceField(
        label="OPEL level", choices=[(i, f"OPEL {i}") for i in range(1, 5)], coerce=int
    )
    text = forms.CharField(label="Action", max_length=500)
    owner = forms.CharField(label="Who takes it", max_length=200, required=False)
    order = forms.IntegerField(
        label="Order within the level", min_value=0, max_value=999, initial=0
    )


class ContactForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    email = forms.EmailField(
        label="Email address",
        error_messages={
            "invalid": "Enter the email address in the right form, like name@example.nhs.uk"
        },
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Organisation",
        empty_label="The system: told of every change",
        help_text="The system, or an organisation that makes daily returns",
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        """``organisations``: those a contact may be for, the ones that make daily returns
        (``queries.reporting_organisations``), by name: a contact is told when its
        organisation or the system changes level, so one for a GP practice would never be."""
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class AidForm(forms.Form):
    is_offer = forms.TypedChoiceField(
        label="Request or offer",
        choices=[("0", "A request for aid"), ("1", "An offer of aid")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    from_organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="From")
    to_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="To",
        empty_label="Any partner",
    )
    kind = forms.ChoiceField(label="What", choices=AidKind.choices)
    quantity = forms.IntegerField(label="How many", min_value=1, max_value=10_000)
    date = forms.DateField(
        label="For the day",
        help_text="For example, 2026-11-30",
        error_messages={"invalid": "Enter the day as a date, like 2026-11-30"},
    )
    details = forms.CharField(
        label="Details", required=False, max_length=2000, widget=forms.Textarea
    )

    def __init__(self, *args: Any, senders: Any, partners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_organisation"].queryset = senders  # type: ignore[attr-defined]
        self.fields["to_organisation"].queryset = partners  # type: ignore[attr-defined]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=AidOutcome.choices)
    note = forms.CharField(label="Note", required=False, max_length=1000)


def parse_day(text: str | None, default: dt.date) -> dt.date:
    """A day from a query string (YYYY-MM-DD), or ``default``."""
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return default


# A day asked for in a page's or the API's query is read from 1 January ``EARLIEST_YEAR`` (no
# returns before) to a year ahead (none beyond; and near the ends of the calendar the date
# arithmetic of a range overflowed into a 500, probe F3b).
READ_AHEAD_DAYS = 366


def day_problem(day: dt.date, today: dt.date, what: str = "The day") -> str | None:
    """Why ``day`` cannot be read (it is out of the window above), in words, or None."""
    if day.year < EARLIEST_YEAR:
        return (
            f"{what} {day:%-d %B %Y} is before {EARLIEST_YEAR}, when no returns were made: "
            f"choose a day from 1 January {EARLIEST_YEAR}"
        )
    latest = today + dt.timedelta(days=READ_AHEAD_DAYS)
    if day > latest:
        return (
            f"{what} {day:%-d %B %Y} is more than a year ahead, when no returns are made: "
            f"choose a day up to {latest:%-d %B %Y}"
        )
    return None
