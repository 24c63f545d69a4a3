"""Reads in demand for pages: a run's results with providers and items by name, the base
year's activity by provider, and two runs side by side."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Sum

from footprint.demand.compute import ALL, CODES, item_name
from footprint.demand.models import ActivityCell, Baseline, Result, Run
from footprint.partnership.queries import names_by_code

SCHEMES = "Schemes"  # the cost of the schemes themselves, not any one provider's
MEASURES = [m.value for m in Result.Measure]


def provider_name(code: str, names: dict[str, str]) -> str:
    """A provider in a run's results by name: an organisation's name, or what the pseudo
    provider stands for (every provider together, the schemes' own cost)."""
    if code == SCHEMES:
        return "The schemes themselves"
    return names.get(code, code)


def providers(run: Run, measure: str) -> list[tuple[str, str]]:
    """The providers with results for ``measure``: (code, name), every provider together
    first, then by name."""
    codes = set(run.results.filter(measure=measure).values_list("provider", flat=True))
    names = names_by_code(codes - {ALL, SCHEMES})
    pairs = [(c, provider_name(c, names)) for c in codes]
    return sorted(pairs, key=lambda p: (p[0] != ALL, p[0] == SCHEMES, p[1].casefold()))


def items(run: Run, measure: str, provider: str) -> list[tuple[str, str]]:
    """What ``provider``'s results for ``measure`` are of: (code, name), in name order."""
    codes = set(
        run.results.filter(measure=measure, provider=provider).values_list("item", flat=True)
    )
    return sorted(((c, item_name(measure, c)) for c in codes), key=lambda p: p[1].casefold())


def results(run: Run, **where: Any) -> list[Result]:
    return list(run.results.filter(**where).order_by("year", "item"))


def step_pods(run: Run, measure: str) -> list[str]:
    return sorted(set(run.steps.filter(measure=measure).values_list("pod", flat=True)))


def steps(run: Run, measure: str, pod: str, year: int) -> list[Any]:
    return list(run.steps.filter(measure=measure, pod=pod, year=year).order_by("order"))


@dataclass(frozen=True)
class Comparison:
    measure: str
    item: str
    name: str
    a: Result | None
    b: Result | None


def comparison(a: Run, b: Run) -> list[Comparison]:
    """System totals at each run's horizon, side by side, by measure then item name."""

    def totals(r: Run) -> dict[tuple[str, str], Result]:
        year = r.parameters["horizon"]
        return {(x.measure, x.item): x for x in r.results.filter(provider=ALL, year=year)}

    ta, tb = totals(a), totals(b)
    rows = [
        Comparison(m, i, item_name(m, i), ta.get((m, i)), tb.get((m, i)))
        for m, i in set(ta) | set(tb)
    ]
    return sorted(rows, key=lambda r: (MEASURES.index(r.measure), r.name.casefold()))


def baseline_rows(baseline: Baseline) -> list[dict[str, Any]]:
    """Base-year activity and bed days by point of delivery and provider, providers by
    name."""
    rows = list(
        ActivityCell.objects.filter(baseline=baseline)
        .values("pod", "provider")
        .annotate(count=Sum("count"), bed_days=Sum("bed_days"))
    )
    names = names_by_code({r["provider"] for r in rows})
    for r in rows:
        r["provider_name"] = names.get(r["provider"], r["provider"])
        r["pod_name"] = item_name("activity", r["pod"])
    return sorted(rows, key=lambda r: (CODES.index(r["pod"]), r["provider_name"].casefold()))
