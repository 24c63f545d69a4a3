"""Reads of financial figures that need no engine: plans, their history, publication."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from footprint.finance.models import (
    OTHER_INCOME,
    FinancialPlan,
    PublishedYear,
    YearPublication,
    year_label,
)
from footprint.partnership.models import Organisation

FIELDS = {
    "control_total_pence": "Control total",
    "pay_pence": "Pay",
    "non_pay_pence": "Non-pay",
    "fixed_percent": "Fixed share (%)",
    "semi_fixed_percent": "Semi-fixed share (%)",
}


def plans_of(organisation: Organisation, years: Collection[int]) -> QuerySet[FinancialPlan]:
    return organisation.financial_plans.filter(year__in=years).order_by("year")


def _income_label(source: str, names: dict[str, str]) -> str:
    if source == OTHER_INCOME:
        return "Other income"
    return f"Income from {names.get(source, source)}"


def plan_history(organisation: Organisation, years: Collection[int]) -> list[dict[str, Any]]:
    """Every change to a figure in ``organisation``'s plans for ``years``, newest first: when,
    who, which year and figure, from what to what (money in pence, shares in per cent)."""
    records = list(
        FinancialPlan.history.filter(organisation=organisation, year__in=years)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    names = dict(Organisation.objects.values_list("ods_code", "name"))
    out: list[dict[str, Any]] = []
    previous: dict[int, Any] = {}
    for r in records:
        before = previous.get(r.id)
        previous[r.id] = r
        changes: list[tuple[str, Any, Any, bool]] = []
        if before is None:
            surplus = sum(int(v) for v in r.income.values()) - r.pay_pence - r.non_pay_pence
            changes.append(("Plan entered: surplus or deficit", None, surplus, True))
        else:
            for field, label in FIELDS.items():
                old, new = getattr(before, field), getattr(r, field)
                if old != new:
                    changes.append((label, old, new, field.endswith("_pence")))
            for source in sorted(set(before.income) | set(r.income)):
                old, new = before.income.get(source), r.income.get(source)
                if old != new:
                    changes.append((_income_label(source, names), old, new, True))
        out += [
            {
                "when": r.history_date,
                "who": r.history_user,
                "year": year_label(r.year),
                "figure": label,
                "from": old,
                "to": new,
                "money": money,
            }
            for label, old, new, money in changes
        ]
    out.sort(key=lambda e: e["when"], reverse=True)
    return out


# --- Publication ---------------------------------------------------------------------------


def publications(year: int) -> QuerySet[YearPublication]:
    """Every publication of ``year``'s system summary, the first first."""
    return (
        YearPublication.objects.filter(year=year)
        .select_related("published_by")
        .order_by("published_at", "pk")
    )


def latest_publication(year: int) -> YearPublication | None:
    return publications(year).last()


@dataclass(frozen=True)
class PublicSummary:
    """What the public sees of a year: the latest publication, when it was first published
    and which revision this is (1 for the first publication)."""

    latest: YearPublication
    first_published_on: dt.date
    revision: int

    @property
    def summary(self) -> dict[str, Any]:
        return self.latest.summary

    @property
    def revised(self) -> bool:
        return self.revision > 1


def public_years() -> list[int]:
    """The years whose system summary is public: published, not withdrawn, figures kept."""
    return sorted(
        set(PublishedYear.objects.values_list("year", flat=True))
        & set(YearPublication.objects.values_list("year", flat=True))
    )


def public_summary(year: int) -> PublicSummary | None:
    """``year``'s summary as last published, or None if the public may not see it."""
    if not PublishedYear.objects.filter(year=year).exists():
        return None
    latest = latest_publication(year)
    if latest is None:
        return None
    first = publications(year).values_list("published_at", flat=True).first()
    assert first is not None
    return PublicSummary(latest, timezone.localtime(first).date(), publications(year).count())
