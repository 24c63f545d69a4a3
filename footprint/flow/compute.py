"""The flow app's calculations, through the engine: OPEL parameters from a day's figures, each
provider's score and level, and the overall ICS score. Plain values in, plain values out: no
database reads and no writes (services store what this returns)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from footprint.engine import opel
from footprint.flow.models import NCTR_PATHWAYS, Measure, ReturnKind

PROVIDER_TYPE = {
    ReturnKind.ACUTE: opel.ProviderType.ACUTE,
    ReturnKind.COMMUNITY: opel.ProviderType.COMMUNITY,
    ReturnKind.MENTAL_HEALTH: opel.ProviderType.MENTAL_HEALTH,
}


def _share(part: float | None, whole: float | None) -> float | None:
    if part is None or whole is None or whole <= 0:
        return None
    return 100.0 * part / whole


def opel_parameters(kind: ReturnKind, figures: Mapping[str, float]) -> dict[str, float]:
    """The OPEL framework's parameters that ``figures`` (a day's return) give, by key; a
    parameter whose figures were not reported is left out."""
    f = figures.get
    out: dict[str, float | None]
    if kind == ReturnKind.ACUTE:
        nctr_parts = [f(m) for m in NCTR_PATHWAYS]
        nctr = (
            sum(p for p in nctr_parts if p is not None)
            if any(p is not None for p in nctr_parts)
            else None
        )
        out = {
            "handover_mean": f(Measure.HANDOVER_MEAN_MINUTES),
            "handover_60": _share(f(Measure.HANDOVERS_OVER_60), f(Measure.HANDOVERS)),
            "four_hour": f(Measure.FOUR_HOUR_PERCENT),
            "ed_12_hours": _share(f(Measure.WAITS_OVER_12_HOURS), f(Measure.ED_ATTENDANCES)),
            "ed_occupancy": f(Measure.ED_OCCUPANCY_PERCENT),
            "ga_occupancy": _share(f(Measure.GA_BEDS_OCCUPIED), f(Measure.GA_BEDS_OPEN)),
            "nctr_share": _share(nctr, f(Measure.GA_BEDS_OCCUPIED)),
        }
    elif kind == ReturnKind.COMMUNITY:
        out = {
            "bed_occupancy": _share(
                f(Measure.COMMUNITY_BEDS_OCCUPIED), f(Measure.COMMUNITY_BEDS_OPEN)
            ),
            "virtual_ward": _share(
                f(Measure.VIRTUAL_WARD_OCCUPIED), f(Measure.VIRTUAL_WARD_CAPACITY)
            ),
            "ucr_2_hour": _share(f(Measure.UCR_WITHIN_2_HOURS), f(Measure.UCR_REFERRALS)),
            "nctr_share": _share(f(Measure.COMMUNITY_NCTR), f(Measure.COMMUNITY_BEDS_OCCUPIED)),
        }
    elif kind == ReturnKind.MENTAL_HEALTH:
        out = {
            "bed_occupancy": _share(f(Measure.MH_BEDS_OCCUPIED), f(Measure.MH_BEDS_OPEN)),
            "out_of_area": f(Measure.OUT_OF_AREA),
            "ed_12_hours": f(Measure.MH_ED_OVER_12_HOURS),
            "section_136": f(Measure.SECTION_136),
        }
    else:
        return {}
    return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class Level:
    score: float
    level: int
    points: dict[str, int]
    missing: tuple[str, ...]


def provider_level(kind: ReturnKind, figures: Mapping[str, float]) -> Level | None:
    """A provider's OPEL score and level from its day's figures, or None when its kind has
    no OPEL (councils and care providers) or it reported none of the parameters."""
    if kind not in PROVIDER_TYPE:
        return None
    values = opel_parameters(kind, figures)
    if not values:
        return None
    result = opel.provider_score(PROVIDER_TYPE[kind], values)
    return Level(result.score, result.level, dict(result.points), result.missing)


def system_level(providers: Sequence[tuple[ReturnKind, float]]) -> Level | None:
    """The overall ICS score and level from the providers' (kind, score) on a day."""
    scores = [
        opel.ProviderScore(
            kind=PROVIDER_TYPE[kind],
            score=score,
            level=opel.level_for(score),
            points={},
            missing=(),
        )
        for kind, score in providers
        if kind in PROVIDER_TYPE
    ]
    if not scores:
        return None
    result = opel.system_score(scores)
    return Level(
        result.score,
        result.level,
        {kind.value: level for kind, (_, level) in result.pillars.items()},
        (),
    )


def parameter_labels(kind: ReturnKind) -> dict[str, str]:
    """The OPEL parameters of ``kind`` by key, in words (for the pages)."""
    if kind not in PROVIDER_TYPE:
        return {}
    return {p.key: p.label for p in opel.OPEL_2024_26.parameters[PROVIDER_TYPE[kind]]}


def unconfirmed() -> list[str]:
    """Every value of the framework not confirmed against the published text."""
    return opel.OPEL_2024_26.unconfirmed()
