"""Forms for finance pages. Money is typed in pounds (to the penny) and kept in pence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from footprint.core.permissions import can
from footprint.demand.models import POD_CHOICES, Run, Scenario
from footprint.finance import plausibility
from footprint.finance.importers import MOST_POUNDS, PlanFigures
from footprint.finance.models import (
    OTHER_INCOME,
    Contract,
    ContractKind,
    FinancialPlan,
    RiskShareAgreement,
    year_label,
)
from footprint.finance.queries import COMMISSIONING, commissioners
from footprint.finance.rules import COMMISSIONING_KINDS, Permission
from footprint.finance.services import MOST_UNITS
from footprint.partnership.models import Organisation, OrganisationKind


class PoundsField(forms.DecimalField):
    """Pounds to the penny in the form, whole pence in ``cleaned_data``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 15)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> int | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.replace(",", "").replace("£", "").strip()
        pounds = super().clean(value)
        return None if pounds is None else int(pounds * 100)

    def prepare_value(self, value: Any) -> Any:
        return value / 100 if isinstance(value, int) else value


class PlanForm(forms.Form):
    """One organisation's plan for one year, with an income line per commissioner."""

    control_total = PoundsField(
        label="Control total (£)",
        min_value=-MOST_POUNDS,
        max_value=MOST_POUNDS,
        help_text="The agreed surplus; a deficit is negative, e.g. -40000000",
    )
    other_income = PoundsField(
        label="Other income (£)",
        min_value=0,
        initial=0,
        max_value=MOST_POUNDS,
        help_text="Education and training, allocations, charges and anything else",
    )
    pay = PoundsField(label="Pay (£)", min_value=0, max_value=MOST_POUNDS)
    non_pay = PoundsField(label="Non-pay (£)", min_value=0, max_value=MOST_POUNDS)
    fixed_percent = forms.DecimalField(
        label="Fixed share of expenditure (%)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text="Costs that do not change with activity: estates, depreciation",
    )
    semi_fixed_percent = forms.DecimalField(
        label="Semi-fixed share of expenditure (%)",
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text="Costs that step with activity, such as staffed wards; the rest is variable",
    )

    confirm_unusual = forms.BooleanField(
        label=plausibility.CONFIRM_LABEL,
        required=False,
        help_text="Footprint asks before saving a deficit or surplus over a fifth of income, "
        "or figures far from the plan saved before",
    )

    def __init__(
        self, *args: Any, organisation: Organisation, plan: FinancialPlan | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sources = commissioners(organisation)
        for c in self.sources:
            self.fields[f"income_{c.ods_code}"] = PoundsField(
                label=f"Income from {c.name} (£)",
                min_value=0,
                max_value=MOST_POUNDS,
                initial=0,
                required=False,
            )
        if plan is not None and not self.is_bound:
            self.initial.update(
                {
                    "control_total": plan.control_total_pence,
                    "other_income": int(plan.income.get(OTHER_INCOME, 0)),
                    "pay": plan.pay_pence,
                    "non_pay": plan.non_pay_pence,
                    "fixed_percent": plan.fixed_percent,
                    "semi_fixed_percent": plan.semi_fixed_percent,
                }
                | {
                    f"income_{c.ods_code}": int(plan.income.get(c.ods_code, 0))
                    for c in self.sources
                }
            )
        order = ["control_total", *(f"income_{c.ods_code}" for c in self.sources)]
        self.order_fields([*order, "other_income", "pay", "non_pay"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        fixed, semi = data.get("fixed_percent"), data.get("semi_fixed_percent")
        if fixed is not None and semi is not None and fixed + semi > 100:
            self.add_error(
                "semi_fixed_percent", "Fixed and semi-fixed shares add up to more than 100%"
            )
        return data

    def figures(self, year: int) -> PlanFigures:
        d = self.cleaned_data
        income = {c.ods_code: d.get(f"income_{c.ods_code}") or 0 for c in self.sources}
        income[OTHER_INCOME] = d.get("other_income") or 0
        return PlanFigures(
            year=year,
            income={k: v for k, v in income.items() if v},
            pay_pence=d["pay"],
            non_pay_pence=d["non_pay"],
            fixed_percent=Decimal(d["fixed_percent"]),
            semi_fixed_percent=Decimal(d["semi_fixed_percent"]),
            control_total_pence=d["control_total"],
            row=0,
            column="",
        )


class PlanUploadForm(forms.Form):
    file = forms.FileField(
        label="Plan workbook (.xlsx)",
        help_text="The template downloaded from this page, filled in",
    )
    confirm_unusual = forms.BooleanField(
        label=plausibility.CONFIRM_LABEL,
        required=False,
        help_text="Tick only when an upload was refused as looking unusual and the figures "
        "are right",
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(
                "The file is larger than 5 MB; a plan workbook is far smaller"
            )
        return f


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, year_label(y)) for y in years]


class AgreementForm(forms.ModelForm):
    class Meta:
        model = RiskShareAgreement
        fields = [
            "name",
            "first_year",
            "last_year",
            "contribution_rate",
            "contribution_cap_rate",
            "repayable",
            "members",
            "agreed_on",
            "notes",
        ]
        widgets = {
            "members": forms.CheckboxSelectMultiple,
            "agreed_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"agreed_on": "Date agreed"}
        help_texts = {
            "first_year": "e.g. 2025 for 2025/26",
            "contribution_rate": "e.g. 50 pays half of each favourable variance into the pool",
            "contribution_cap_rate": "e.g. 1 caps each contribution at 1% of its income",
        }

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["members"].queryset = Organisation.objects.exclude(
            kind__in=[OrganisationKind.GP_PRACTICE, OrganisationKind.PCN]
        )

    def clean_first_year(self) -> int:
        first = int(self.cleaned_data["first_year"])
        low, high = self.today.year - 15, self.today.year + 10
        if not low <= first <= high:
            raise forms.ValidationError(
                f"The first year must be from {low} to {high}, e.g. {self.today.year} for "
                f"{year_label(self.today.year)}"
            )
        return first

    def clean_agreed_on(self) -> dt.date:
        agreed = self.cleaned_data["agreed_on"]
        if agreed > self.today:
            raise forms.ValidationError(
                f"The date agreed must not be after today ({self.today:%-d %B %Y})"
            )
        if agreed.year < self.today.year - 20:
            raise forms.ValidationError(
                f"The date agreed must be in {self.today.year - 20} or later"
            )
        return agreed

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first is not None and last is not None and last < first:
            self.add_error("last_year", "The last year must not be before the first")
        elif first is not None and last is not None and last > first + 10:
            self.add_error("last_year", "An agreement runs for at most 11 years")
        return data


class ContractForm(forms.Form):
    """A contract's terms, named as the model's fields so that the service's refusals land on
    them. The commissioners offered are those the person keeps contracts for."""

    commissioner = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Commissioner",
        help_text="The ICB or council that lets the contract",
    )
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="Provider", help_text="Who delivers it"
    )
    service = forms.ChoiceField(label="Point of delivery", choices=POD_CHOICES)
    kind = forms.ChoiceField(label="How it is paid", choices=ContractKind.choices)
    price_pence = PoundsField(
        label="Price per unit (£)",
        help_text="For a block too: the block is paid as its units at this price",
    )
    threshold_units = forms.FloatField(
        label="Units in the block",
        initial=0,
        help_text="0 for an activity-based contract",
    )
    marginal_rate = forms.DecimalField(
        label="Marginal rate above the block (%)",
        initial=0,
        error_messages={"invalid": "Marginal rate: enter a percentage from 0 to 100, e.g. 70"},
        help_text="The percentage of the price paid for units above the block, from 0 to 100, "
        "e.g. 70; 0 unless it is a block with a marginal rate",
    )

    def __init__(self, *args: Any, user: Any, contract: Contract | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commissioners = Organisation.objects.filter(kind__in=COMMISSIONING_KINDS).order_by("name")
        self.fields["commissioner"].queryset = Organisation.objects.filter(
            pk__in=[c.pk for c in commissioners if can(user, Permission.MANAGE_CONTRACTS, c)]
        ).order_by("name")
        self.fields["provider"].queryset = Organisation.objects.exclude(
            kind=OrganisationKind.COMMISSIONER
        ).order_by("name")
        if contract is not None and not self.is_bound:
            self.initial.update(
                {
                    "commissioner": contract.commissioner,
                    "provider": contract.provider,
                    "service": contract.service,
                    "kind": contract.kind,
                    "price_pence": contract.price_pence,
                    "threshold_units": contract.threshold_units,
                    "marginal_rate": f"{(contract.marginal_rate * 100).normalize():f}",
                }
            )

    def clean_marginal_rate(self) -> Decimal:
        """Typed as a percentage (70), kept as the fraction of the price (0.7)."""
        percent = self.cleaned_data["marginal_rate"]
        if not percent.is_finite() or not Decimal(0) <= percent <= Decimal(100):
            raise forms.ValidationError(
                f"Marginal rate: {percent}% is not a percentage from 0 to 100: e.g. 70 for "
                "70% of the price"
            )
        rate = percent / 100
        if rate != rate.quantize(Decimal("0.001")):
            raise forms.ValidationError(
                "Marginal rate: give the percentage to at most one decimal place, e.g. 70.5"
            )
        return rate.quantize(Decimal("0.001"))

    @property
    def offers_commissioners(self) -> bool:
        return self.fields["commissioner"].queryset.exists()  # type: ignore[attr-defined]

    def apply(self, contract: Contract) -> Contract:
        """``contract`` with the terms typed in, not yet saved."""
        for name, value in self.cleaned_data.items():
            setattr(contract, name, value)
        return contract


class FlowsForm(forms.Form):
    scenario = forms.ModelChoiceField(
        queryset=Scenario.objects.filter(runs__status=Run.Status.SUCCEEDED).distinct(),
        label="Demand scenario",
        help_text="Its latest run's central projection",
    )
    against = forms.ModelChoiceField(
        queryset=Scenario.objects.filter(runs__status=Run.Status.SUCCEEDED).distinct(),
        required=False,
        label="Compared with",
        empty_label="The base year's activity",
        help_text="Choose 'Do nothing' to see only what the schemes move",
    )
    year = forms.TypedChoiceField(label="Year", coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, year_label(y)) for y in years]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("against") is not None and data.get("against") == data.get("scenario"):
            self.add_error("against", "Choose a different scenario to compare with")
        return data


class MoveForm(forms.Form):
    """A move typed in: units of a service leaving one provider, for another or for none."""

    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label="From provider", to_field_name="ods_code"
    )
    service = forms.ChoiceField(label="Point of delivery", choices=POD_CHOICES)
    units = forms.FloatField(
        label="Units a year",
        min_value=0.01,
        max_value=MOST_UNITS,
        error_messages={
            "invalid": "Units a year: enter a number, e.g. 1200",
            "max_value": f"Units a year must be {MOST_UNITS:,} or fewer: is it a year's units?",
        },
    )
    to_provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="To provider",
        required=False,
        empty_label="None: the activity is avoided",
        to_field_name="ods_code",
    )
    to_service = forms.ChoiceField(
        label="As point of delivery",
        choices=[("", "The same"), *POD_CHOICES],
        required=False,
        help_text="For a conversion, e.g. a follow-up to a remote follow-up",
    )
    move_year = forms.TypedChoiceField(label="Year", coerce=int)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = (
            Organisation.objects.exclude(kind__in=COMMISSIONING)
            .filter(financial_plans__isnull=False)
            .distinct()
        )
        self.fields["provider"].queryset = providers
        self.fields["to_provider"].queryset = providers
        self.fields["move_year"].choices = [(y, year_label(y)) for y in years]
