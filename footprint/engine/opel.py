"""OPEL: a provider's operational pressures escalation score and level (1–4), and the overall
ICS score, in the manner of NHS England's *Integrated OPEL framework 2024 to 2026* (issue 19).

The parameters, their thresholds and weights, the score bands of the levels and the weights of
the four kinds of provider ("pillars") are data (:class:`Framework`), because they change
between editions. Every value carries ``confirmed``: True only where it was checked against the
published framework. What could be confirmed from the text read (see docs/flow.md) is the
framework's shape: four kinds of provider (acute trusts, community health services, mental
health services, NHS 111), each computing its own OPEL from its parameters, and each ICS
combining them into an overall ICS OPEL score with a level for each pillar. The thresholds,
weights and score bands below are NOT confirmed: they are plausible placeholders, flagged, to be
replaced with the framework's own numbers.

Scoring: each parameter scores 0 to 3 points by how many of its three thresholds the value has
reached (in the direction that is worse), times its weight; the provider's score is its points
as a percentage of the most it could score on the parameters it reported; its level is 1 plus
the number of level bands the score has reached. A pillar's score is the mean of its providers'
scores; the ICS score is the weighted mean of the pillars present.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

SOURCE = (
    "NHS England, Integrated operational pressures escalation levels (OPEL) framework 2024 to "
    "2026, https://www.england.nhs.uk/long-read/integrated-opel-framework-2024-to-2026/"
)


class ProviderType(StrEnum):
    ACUTE = "acute"
    COMMUNITY = "community"
    MENTAL_HEALTH = "mental_health"
    NHS_111 = "nhs_111"


@dataclass(frozen=True)
class Parameter:
    key: str
    label: str
    unit: str
    thresholds: tuple[float, float, float]  # the values at which 1, 2 and 3 points begin
    higher_is_worse: bool = True
    weight: float = 1.0
    confirmed: bool = False  # thresholds and weight checked against the framework

    def points(self, value: float) -> int:
        """0 to 3: how many thresholds ``value`` has reached, in the worse direction."""
        if not math.isfinite(value):
            raise ValueError(f"{self.label}: the value must be a finite number")
        if self.higher_is_worse:
            return sum(value >= t for t in self.thresholds)
        return sum(value <= t for t in self.thresholds)


@dataclass(frozen=True)
class Framework:
    name: str
    source: str
    parameters: Mapping[ProviderType, tuple[Parameter, ...]]
    level_bands: tuple[float, float, float]  # the scores (0–100) at which OPEL 2, 3 and 4 begin
    level_bands_confirmed: bool
    pillar_weights: Mapping[ProviderType, float]
    pillar_weights_confirmed: bool

    def unconfirmed(self) -> list[str]:
        """Every value not checked against the published framework, named."""
        names = []
        for kind, params in self.parameters.items():
            names += [f"{kind.value}: {p.label}" for p in params if not p.confirmed]
        if not self.level_bands_confirmed:
            names.append("score bands of OPEL 1–4")
        if not self.pillar_weights_confirmed:
            names.append("weights of the pillars in the overall ICS score")
        return names


def _p(
    key: str, label: str, unit: str, t: tuple[float, float, float], worse_up: bool = True
) -> Parameter:
    return Parameter(key, label, unit, t, higher_is_worse=worse_up)


# The parameters named follow the daily return in issue 19 and the kinds of measure the
# framework uses; every threshold, weight and band is a placeholder (confirmed=False).
OPEL_2024_26 = Framework(
    name="Integrated OPEL framework 2024 to 2026",
    source=SOURCE,
    parameters={
        ProviderType.ACUTE: (
            _p("handover_mean", "Mean ambulance handover time", "minutes", (15, 30, 45)),
            _p("handover_60", "Ambulance handovers over 60 minutes", "%", (5, 10, 20)),
            _p("four_hour", "Patients seen within 4 hours in ED", "%", (78, 70, 60), False),
            _p("ed_12_hours", "ED patients over 12 hours from arrival", "%", (2, 5, 10)),
            _p("ed_occupancy", "ED occupancy", "%", (85, 100, 120)),
            _p("ga_occupancy", "General and acute bed occupancy", "%", (92, 95, 98)),
            _p(
                "nctr_share",
                "Occupied G&A beds with patients not meeting the criteria to reside",
                "%",
                (10, 15, 20),
            ),
        ),
        ProviderType.COMMUNITY: (
            _p("bed_occupancy", "Community bed occupancy", "%", (92, 95, 98)),
            _p("virtual_ward", "Virtual ward occupancy", "%", (80, 90, 100)),
            _p("ucr_2_hour", "Urgent community response within 2 hours", "%", (70, 60, 50), False),
            _p(
                "nctr_share",
                "Community beds with patients not meeting the criteria to reside",
                "%",
                (15, 20, 25),
            ),
        ),
        ProviderType.MENTAL_HEALTH: (
            _p("bed_occupancy", "Adult acute mental health bed occupancy", "%", (95, 100, 105)),
            _p("out_of_area", "Inappropriate out-of-area placements", "people", (1, 5, 10)),
            _p("ed_12_hours", "Mental health patients over 12 hours in ED", "people", (1, 3, 5)),
            _p(
                "section_136",
                "People held under section 136 awaiting assessment",
                "people",
                (2, 4, 6),
            ),
        ),
        ProviderType.NHS_111: (
            _p("abandoned", "Calls abandoned", "%", (3, 5, 10)),
            _p("answer_seconds", "Mean time to answer", "seconds", (60, 180, 300)),
            _p("callback_20", "Clinical call-backs within 20 minutes", "%", (50, 40, 30), False),
        ),
    },
    level_bands=(25.0, 50.0, 75.0),
    level_bands_confirmed=False,
    pillar_weights={kind: 1.0 for kind in ProviderType},
    pillar_weights_confirmed=False,
)


@dataclass(frozen=True)
class ProviderScore:
    kind: ProviderType
    score: float  # 0–100
    level: int  # OPEL 1–4
    points: Mapping[str, int]  # by parameter key
    missing: tuple[str, ...]  # parameters not reported (left out of the score)


@dataclass(frozen=True)
class SystemScore:
    score: float
    level: int
    pillars: Mapping[ProviderType, tuple[float, int]]  # score and level of each pillar present


def level_for(score: float, framework: Framework = OPEL_2024_26) -> int:
    return 1 + sum(score >= band for band in framework.level_bands)


def provider_score(
    kind: ProviderType, values: Mapping[str, float], framework: Framework = OPEL_2024_26
) -> ProviderScore:
    """Score one provider's parameters; unknown keys are refused, unreported ones left out."""
    params = framework.parameters[kind]
    known = {p.key for p in params}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"{kind.value}: unknown OPEL parameter(s): {', '.join(unknown)}")
    reported = [p for p in params if p.key in values]
    if not reported:
        raise ValueError(f"{kind.value}: no OPEL parameters reported")
    points = {p.key: p.points(values[p.key]) for p in reported}
    earned = sum(points[p.key] * p.weight for p in reported)
    most = sum(3 * p.weight for p in reported)
    score = 100.0 * earned / most
    return ProviderScore(
        kind=kind,
        score=score,
        level=level_for(score, framework),
        points=points,
        missing=tuple(p.key for p in params if p.key not in values),
    )


def system_score(
    providers: Sequence[ProviderScore], framework: Framework = OPEL_2024_26
) -> SystemScore:
    """The overall ICS score: each pillar the mean of its providers, then the weighted mean of
    the pillars present."""
    if not providers:
        raise ValueError("an ICS score needs at least one provider's score")
    pillars: dict[ProviderType, tuple[float, int]] = {}
    for kind in ProviderType:
        scores = [p.score for p in providers if p.kind == kind]
        if scores:
            mean = sum(scores) / len(scores)
            pillars[kind] = (mean, level_for(mean, framework))
    weights = {kind: framework.pillar_weights[kind] for kind in pillars}
    total = sum(weights.values())
    score = sum(pillars[kind][0] * weights[kind] for kind in pillars) / total
    return SystemScore(score=score, level=level_for(score, framework), pillars=pillars)
