"""Reads of financial figures: plans, contracts, the risk-share agreements, the demand results
the finance pages price, plans' history and publication. ``compute.py`` works on what these
return; views and the API call them for what they show."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from footprint.core import listing
from footprint.demand.models import POD_CHOICES, Result, Run, Scenario
from footprint.finance.models import (
    OTHER_INCOME,
    Contract,
    FinancialPlan,
    PublishedYear,
    RiskShareAgreement,
    YearPublication,
    year_label,
)
from footprint.partnership.models import (
    Organisation,
    OrganisationKind,
    Place,
    SmallAreaPopulation,
)

COMMISSIONING = [OrganisationKind.COMMISSIONER, OrganisationKind.LOCAL_AUTHORITY]

FIELDS = {
    "control_total_pence": "Control total",
    "pay_pence": "Pay",
    "non_pay_pence": "Non-pay",
    "fixed_percent": "Fixed share (%)",
    "semi_fixed_percent": "Semi-fixed share (%)",
}


# --- Plans ----------------------------------------------------------------------------------


def years_with_plans() -> list[int]:
    """Every year any organisation has a plan for, the first first."""
    return sorted(set(FinancialPlan.objects.values_list("year", flat=True)))


def codes_with_plans() -> frozenset[str]:
    """The ODS codes of the organisations with a plan for any year."""
    return frozenset(
        FinancialPlan.objects.values_list("organisation__ods_code", flat=True).distinct()
    )


def plans_in(year: int) -> list[FinancialPlan]:
    """Every organisation's plan for ``year``, with its organisation."""
    return list(FinancialPlan.objects.filter(year=year).select_related("organisation"))


def plans_of(organisation: Organisation) -> list[FinancialPlan]:
    """``organisation``'s plans, year by year."""
    return list(organisation.financial_plans.select_related("organisation").order_by("year"))


def plan_for(organisation: Organisation, year: int) -> FinancialPlan | None:
    return FinancialPlan.objects.filter(organisation=organisation, year=year).first()


def provider_plans(year: int) -> list[FinancialPlan]:
    """Providers' plans for ``year`` (commissioners' spend is the providers' income), each
    with the places its organisation serves."""
    return list(
        FinancialPlan.objects.filter(year=year)
        .exclude(organisation__kind=OrganisationKind.COMMISSIONER)
        .select_related("organisation")
        .prefetch_related("organisation__places")
    )


def latest_plans_by_code(year: int) -> dict[str, FinancialPlan]:
    """Each organisation's plan for ``year``, or its latest before it, by ODS code."""
    plans: dict[str, FinancialPlan] = {}
    for plan in (
        FinancialPlan.objects.filter(year__lte=year).order_by("year").select_related("organisation")
    ):
        plans[plan.organisation.ods_code] = plan
    return plans


def places() -> list[Place]:
    return list(Place.objects.order_by("name"))


def commissioners(organisation: Organisation) -> list[Organisation]:
    """Those who may hold a contract with ``organisation``: the ICB and the councils."""
    return list(Organisation.objects.filter(kind__in=COMMISSIONING).exclude(pk=organisation.pk))


def organisations(pks: Iterable[int]) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=list(pks)).order_by("name"))


# --- Contracts and the risk share ------------------------------------------------------------


def contracts() -> list[Contract]:
    """Every contract, with its provider and commissioner."""
    return list(Contract.objects.select_related("provider", "commissioner"))


CONTRACT_SORTS = {
    "provider": ["provider__name", "service"],
    "commissioner": ["commissioner__name", "provider__name", "service"],
    "service": ["service", "provider__name"],
    "price": ["price_pence", "provider__name"],
}


def contracts_where(*, search: str = "", sort: str = "provider") -> list[Contract]:
    """Contracts whose commissioner or provider (by name or ODS code) or point of delivery
    (by name) has ``search`` in it, sorted by ``sort`` (a key of ``CONTRACT_SORTS``, with
    "-" before it for descending)."""
    qs = Contract.objects.select_related("provider", "commissioner")
    words = search.strip()
    if words:
        services = [code for code, label in POD_CHOICES if words.lower() in str(label).lower()]
        qs = qs.filter(
            Q(provider__name__icontains=words)
            | Q(provider__ods_code__iexact=words)
            | Q(commissioner__name__icontains=words)
            | Q(commissioner__ods_code__iexact=words)
            | Q(service__in=services)
        )
    return list(qs.order_by(*listing.order_by(sort, CONTRACT_SORTS, "provider")))


def change_history(obj: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The changes to a contract or agreement, newest first: when, who and which fields
    changed, in words."""
    records = list(obj.history.select_related("history_user").order_by("-history_date")[:limit])
    out = []
    for i, record in enumerate(records):
        older = records[i + 1] if i + 1 < len(records) else None
        if older is None or record.history_type == "+":
            what = "Created"
        else:
            changed = [c.field for c in record.diff_against(older).changes]
            names = [str(type(obj)._meta.get_field(name).verbose_name) for name in changed]
            what = ("Changed " + ", ".join(sorted(names))) if names else "Saved, unchanged"
        out.append(
            {
                "when": timezone.localtime(record.history_date),
                "who": record.history_user,
                "what": what,
            }
        )
    return out


def agreements() -> QuerySet[RiskShareAgreement]:
    """Every risk-share agreement with its members, the latest first."""
    return RiskShareAgreement.objects.prefetch_related("members")


def agreement_for(year: int) -> RiskShareAgreement | None:
    """The risk-share agreement covering ``year`` (the most recently agreed, if several)."""
    return (
        RiskShareAgreement.objects.filter(first_year__lte=year, last_year__gte=year)
        .order_by("-agreed_on", "-pk")
        .first()
    )


def member_plans(agreement: RiskShareAgreement) -> dict[int, list[FinancialPlan]]:
    """The members' plans in each year of ``agreement`` that has any, by year."""
    by_year: dict[int, list[FinancialPlan]] = defaultdict(list)
    for plan in FinancialPlan.objects.filter(
        organisation__in=agreement.members.all(), year__in=agreement.years
    ).select_related("organisation"):
        by_year[plan.year].append(plan)
    return dict(by_year)


# --- Demand results the finance pages price ---------------------------------------------------


def scenarios_run() -> QuerySet[Scenario]:
    """The demand scenarios that have a finished run."""
    return Scenario.objects.filter(runs__status=Run.Status.SUCCEEDED).distinct()


def activity_results(run: Run, year: int) -> list[tuple[str, str, str, float, float | None]]:
    """``run``'s activity and bed days in ``year``: (provider, point of delivery, measure,
    central, baseline), the rows for all providers included."""
    return list(
        Result.objects.filter(
            run=run, year=year, measure__in=[Result.Measure.ACTIVITY, Result.Measure.BED_DAYS]
        ).values_list("provider", "item", "measure", "central", "baseline")
    )


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


def published_years() -> frozenset[int]:
    """The years the programme office has published (and not withdrawn)."""
    return frozenset(PublishedYear.objects.values_list("year", flat=True))


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
    return sorted(published_years() & set(YearPublication.objects.values_list("year", flat=True)))


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


def small_area_bands(year: int) -> dict[int, dict[int, list[int]]]:
    """Residents of the partnership's small areas in ``year`` (both sexes), by place id and
    national deprivation quintile (1 most deprived … 5), in ``AGE_BANDS``; small areas with
    no decile are left out."""
    out: dict[int, dict[int, list[int]]] = {}
    rows = (
        SmallAreaPopulation.objects.filter(year=year, small_area__imd_decile__isnull=False)
        .values_list("small_area__neighbourhood__place_id", "small_area__imd_decile", "bands")
        .order_by()
    )
    for place_id, decile, bands in rows:
        quintile = (decile + 1) // 2
        held = out.setdefault(place_id, {}).setdefault(quintile, [0] * len(bands))
        for i, n in enumerate(bands):
            held[i] += int(n)
    return out
