"""Length of stay, discharge pathway shares and delays from a run of daily returns (issue 19),
by Little's law, for the winter simulation to start from.

Little's law (L = λW): in a steady state the mean number of people in a place (L) is the rate
they leave it (λ, a day) times the mean time each spends there (W). So from daily counts:

- **length of stay** (days) = mean beds occupied ÷ mean emergency admissions a day;
- each pathway's **share** of discharges = its mean discharges a day ÷ all pathways' mean;
- each pathway's **mean delay** (days) = mean patients waiting on that pathway with no criteria
  to reside ÷ mean discharges a day on that pathway. This is averaged over every patient
  discharged on the pathway, those who left on time counting zero; it is not the mean wait of
  those who were delayed (that needs how many were ever delayed, which the returns do not give).

Each ratio uses only the days on which both of its figures were reported; a ratio whose
denominator is 0 on those days is None (no one left, so no time can be read). Little's law
holds for long-run averages whatever the distributions; over a short run that starts or ends
in a surge the estimate is biased towards the surge (use weeks, not days).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PATHWAYS = (0, 1, 2, 3)


@dataclass(frozen=True)
class Day:
    """One provider's figures for one day; None for a figure not reported."""

    admissions: float | None = None
    occupied: float | None = None
    discharges: Mapping[int, float | None] | None = None  # by pathway 0–3
    nctr: Mapping[int, float | None] | None = None  # waiting, by pathway 0–3


@dataclass(frozen=True)
class Pathway:
    pathway: int
    days: int  # days with both discharges and NCTR on this pathway reported
    discharges_per_day: float | None  # on the days with discharges reported
    share: float | None  # of all discharges (0–1), on the days every pathway was reported
    nctr_mean: float | None  # on the days both were reported
    delay_days: float | None  # Little's law: nctr_mean ÷ discharges a day, same days


@dataclass(frozen=True)
class Fit:
    days: int  # days given
    admissions_per_day: float | None
    occupied_mean: float | None
    length_of_stay: float | None  # days, Little's law
    pathways: tuple[Pathway, ...]


def little(occupancy: Sequence[float | None], rate: Sequence[float | None]) -> float | None:
    """Little's law over paired days: mean occupancy ÷ mean rate, on the days both are given;
    None when there are no such days or no one left on them."""
    if len(occupancy) != len(rate):
        raise ValueError("occupancy and rate need one value a day each")
    pairs = [
        (o, r) for o, r in zip(occupancy, rate, strict=True) if o is not None and r is not None
    ]
    for o, r in pairs:
        if not (math.isfinite(o) and math.isfinite(r)) or o < 0 or r < 0:
            raise ValueError("counts must be finite and not negative")
    total = sum(r for _, r in pairs)
    if not pairs or total <= 0:
        return None
    return sum(o for o, _ in pairs) / total


def _mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def fit(days: Sequence[Day]) -> Fit:
    """Length of stay, each pathway's share of discharges and mean delay from ``days`` (one
    provider's, or several providers' added day by day)."""
    admissions = [d.admissions for d in days]
    occupied = [d.occupied for d in days]

    def by(d: Day, which: str, p: int) -> float | None:
        figures = d.discharges if which == "discharges" else d.nctr
        return None if figures is None else figures.get(p)

    complete = [d for d in days if all(by(d, "discharges", p) is not None for p in PATHWAYS)]
    all_out = sum(sum(by(d, "discharges", p) or 0.0 for p in PATHWAYS) for d in complete)
    pathways = []
    for p in PATHWAYS:
        out = [by(d, "discharges", p) for d in days]
        waiting = [by(d, "nctr", p) for d in days]
        both = [
            (w, o) for w, o in zip(waiting, out, strict=True) if w is not None and o is not None
        ]
        mine = sum(by(d, "discharges", p) or 0.0 for d in complete)
        pathways.append(
            Pathway(
                pathway=p,
                days=len(both),
                discharges_per_day=_mean(out),
                share=mine / all_out if all_out > 0 else None,
                nctr_mean=_mean([w for w, _ in both]),
                delay_days=little(waiting, out),
            )
        )
    return Fit(
        days=len(days),
        admissions_per_day=_mean(admissions),
        occupied_mean=_mean(occupied),
        length_of_stay=little(occupied, admissions),
        pathways=tuple(pathways),
    )
