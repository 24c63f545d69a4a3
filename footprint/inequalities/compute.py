"""The inequalities app's calculations, through ``engine.inequalities``: the slope index of
inequality of a clinical area's figures across the five deprivation quintiles, weighted by the
partnership's residents in each; and the crude and directly age-standardised rates of a
baseline's activity by quintile, place and neighbourhood, with the SII of the rates."""

from __future__ import annotations

import math
from dataclasses import dataclass

from footprint.core.breakdowns import Breakdown, label
from footprint.engine import inequalities as engine
from footprint.inequalities.queries import RateInputs

# A percentage with its denominators gets Wilson limits, and so standard errors on the logit
# scale and a simulated interval for its SII (as phe_sii does). Other figures by quintile
# arrive without standard errors: the SII is exact for the figures given, with no interval.
REPETITIONS = engine.DEFAULT_REPETITIONS
SEED = 20  # issue 20: the simulation is seeded, so the page says the same each time


@dataclass(frozen=True)
class Gradient:
    """A clinical area's figures by quintile (1 most deprived) with their SII, RII and gap."""

    values: dict[int, float]
    populations: dict[int, float]  # the weights used: denominators, or residents
    sii: float
    rii: float | None
    gap: float
    interval: tuple[float, float] | None  # 95 %; None when the figures had no standard errors


def gradient(
    values: dict[int, float],
    populations: dict[int, float],
    *,
    unit: str = "",
    denominators: dict[int, float] | None = None,
) -> Gradient | None:
    """The SII across quintiles 1 … 5 of ``values``, each weighted by its figure's
    ``denominators`` where all five are given, else by ``populations`` (the partnership's
    residents in each); None when a quintile has no figure or no people (the SII needs all
    five). A percentage with denominators gets a 95 % interval from Wilson limits."""
    quintiles = [1, 2, 3, 4, 5]
    weights = denominators or populations
    if any(q not in values or weights.get(q, 0) <= 0 for q in quintiles):
        return None
    y = [values[q] for q in quintiles]
    w = [float(weights[q]) for q in quintiles]
    scale, kind, ses = 1.0, engine.ValueType.NORMAL, [0.0] * 5
    with_interval = bool(denominators) and unit.strip() == "%" and all(0 < v < 100 for v in y)
    if with_interval:
        scale, kind = 100.0, engine.ValueType.PROPORTION
        y = [v / scale for v in y]
        est = engine.proportion([v * n for v, n in zip(y, w, strict=True)], w)
        ses = engine.standard_errors_from_limits(est.lower, est.upper, kind).tolist()
    found = engine.sii(
        y,
        w,
        ses,
        quantiles=quintiles,
        value_type=kind,
        confidence=(0.95,),
        repetitions=REPETITIONS,
        seed=SEED,
    )
    rii = found.rii if math.isfinite(found.rii) else None
    lower, upper = found.sii_limits[0.95]
    return Gradient(
        values=values,
        populations={q: weights[q] for q in quintiles},
        sii=found.sii * scale,
        rii=rii,
        gap=found.gap * scale,
        interval=(lower * scale, upper * scale) if with_interval else None,
    )


# --- Age-standardised rates (phe_dsr) ---------------------------------------------------------

PER = 100_000  # rates per 100,000 residents, as Fingertips gives them


@dataclass(frozen=True)
class Rate:
    """A group's events and residents, its crude rate and its directly age-standardised rate
    (2013 European Standard Population) per 100,000, each with its 95 % interval (Byar or
    exact Poisson for the crude rate, Dobson for the DSR). ``dsr`` is None where it cannot
    be calculated; ``reason`` then says why in plain English."""

    key: str
    label: str
    events: float
    residents: int
    crude: float
    crude_interval: tuple[float, float]
    dsr: float | None
    dsr_interval: tuple[float, float] | None
    reason: str | None


def standardised_rate(key: str, label: str, events: list[float], residents: list[int]) -> Rate:
    """The crude and age-standardised rate of ``events`` among ``residents``, both in the 19
    bands of the 2013 European Standard Population (0-4 … 85-89, 90+). ``residents`` must
    add up to more than zero. The DSR is not calculated from fewer than 10 events (as
    ``phe_dsr``) or where an age band has no residents (no rate can be had for it)."""
    total = float(sum(events))
    people = int(sum(residents))
    crude = engine.crude_rate(total, people, multiplier=PER)
    empty = [band for band, n in zip(engine.ESP2013_BANDS, residents, strict=True) if n <= 0]
    dsr: float | None = None
    interval: tuple[float, float] | None = None
    reason: str | None = None
    if empty:
        reason = (
            f"not calculated: no residents aged {', '.join(empty)}, so no rate for "
            f"{'that age band' if len(empty) == 1 else 'those age bands'}"
        )
    else:
        found = engine.dsr(events, residents, multiplier=PER)
        if found.method.item() == "dobson":
            dsr = float(found.value)
            interval = (float(found.lower), float(found.upper))
        else:
            reason = f"not calculated: fewer than {engine.DSR_MIN_COUNT} events"
    return Rate(
        key=key,
        label=label,
        events=total,
        residents=people,
        crude=float(crude.value),
        crude_interval=(float(crude.lower), float(crude.upper)),
        dsr=dsr,
        dsr_interval=interval,
        reason=reason,
    )


def rate_gradient(by_quintile: dict[int, Rate]) -> Gradient | None:
    """The SII across quintiles 1 … 5 of the age-standardised rates, weighted by each
    quintile's residents, with its 95 % interval simulated on the log scale from the Dobson
    limits (as ``phe_sii`` with ``value_type = 1``); None unless all five have a DSR."""
    quintiles = [1, 2, 3, 4, 5]
    rates = [by_quintile.get(q) for q in quintiles]
    if any(r is None or r.dsr is None or r.dsr_interval is None or r.dsr <= 0 for r in rates):
        return None
    shown = [r for r in rates if r is not None]
    values = [float(r.dsr or 0.0) for r in shown]
    limits = [r.dsr_interval or (0.0, 0.0) for r in shown]
    people = [float(r.residents) for r in shown]
    ses = engine.standard_errors_from_limits(
        [lo for lo, _ in limits], [up for _, up in limits], engine.ValueType.RATE
    ).tolist()
    found = engine.sii(
        values,
        people,
        ses,
        quantiles=quintiles,
        value_type=engine.ValueType.RATE,
        confidence=(0.95,),
        repetitions=REPETITIONS,
        seed=SEED,
    )
    return Gradient(
        values=dict(zip(quintiles, values, strict=True)),
        populations=dict(zip(quintiles, people, strict=True)),
        sii=found.sii,
        rii=found.rii if math.isfinite(found.rii) else None,
        gap=found.gap,
        interval=found.sii_limits[0.95],
    )


@dataclass(frozen=True)
class RatePicture:
    """A point of delivery's rates for the whole partnership, by deprivation quintile (each
    record in its own quintile, or where it gave none its neighbourhood's: the quintile most
    of its residents live in; each quintile's residents those of its small areas), by place
    and by neighbourhood, with the SII across quintiles and, in plain English, every event
    the rates leave out and why."""

    events: float  # every event of the point of delivery in the baseline
    whole: Rate | None
    by_quintile: list[Rate]
    gradient: Gradient | None
    by_place: list[Rate]
    by_hood: list[Rate]
    left_out: list[str]
    in_quintiles: float = 0.0  # events counted in the quintiles
    fallback: float = 0.0  # of which in their neighbourhood's quintile, having none of their own


def _add(into: list[float], more: list[float] | list[int]) -> None:
    for i, n in enumerate(more):
        into[i] += n


def rate_picture(inputs: RateInputs, whole_name: str) -> RatePicture:
    """The rates of ``inputs`` (see ``queries.rate_inputs``). Activity of residents of a
    neighbourhood the footprint does not hold, or with no small-area population in the year,
    is left out of every rate (and named); a neighbourhood with no quintile is left out of the
    quintiles only."""
    bands = len(engine.ESP2013)
    known = {h.code for h in inputs.hoods}
    events = sum(sum(v) for v in inputs.activity.values())
    left_out: list[str] = []
    unknown = sum(sum(v) for code, v in inputs.activity.items() if code not in known)
    if unknown:
        codes = sorted(code for code in inputs.activity if code not in known)
        left_out.append(
            f"{unknown:,.0f} events of residents of neighbourhood codes the footprint does not "
            f"hold ({', '.join(codes[:5])}{' …' if len(codes) > 5 else ''})"
        )
    with_people = [h for h in inputs.hoods if sum(inputs.population.get(h.code, [])) > 0]
    no_people = [h for h in inputs.hoods if h not in with_people]
    lost = sum(sum(inputs.activity.get(h.code, [])) for h in no_people)
    if no_people and with_people:
        names = ", ".join(h.name for h in no_people[:5]) + (" …" if len(no_people) > 5 else "")
        left_out.append(
            f"{lost:,.0f} events of residents of {len(no_people)} neighbourhood"
            f"{'s' if len(no_people) > 1 else ''} with no small-area population for "
            f"{inputs.year} ({names})"
        )
    by_hood: list[Rate] = []
    places: dict[str, tuple[list[float], list[float]]] = {}
    quintiles: dict[int, tuple[list[float], list[float]]] = {}
    whole: tuple[list[float], list[float]] = ([0.0] * bands, [0.0] * bands)

    def quintile(q: int) -> tuple[list[float], list[float]]:
        return quintiles.setdefault(q, ([0.0] * bands, [0.0] * bands))

    for h in with_people:
        counts = inputs.activity.get(h.code, [0.0] * bands)
        people = inputs.population[h.code]
        by_hood.append(standardised_rate(h.code, f"{h.name} ({h.place})", counts, people))
        for c, p in (places.setdefault(h.place, ([0.0] * bands, [0.0] * bands)), whole):
            _add(c, counts)
            _add(p, people)
        if inputs.quintile_population is None and h.code in inputs.quintiles:
            _add(quintile(inputs.quintiles[h.code])[1], people)
    # Each record counts in its own quintile where it gave one, else in its neighbourhood's
    # (the one most of its residents live in), as demand runs do.
    own = inputs.own_quintiles
    if own is None:
        own = {(code, 0): counts for code, counts in inputs.activity.items()}
    counted = {h.code for h in with_people}
    no_quintile = fallback = in_quintiles = 0.0
    for (code, q), counts in own.items():
        if code not in counted:
            continue
        used = q or inputs.quintiles.get(code)
        if used is None:
            no_quintile += sum(counts)
            continue
        fallback += 0.0 if q else sum(counts)
        in_quintiles += sum(counts)
        _add(quintile(used)[0], counts)
    if inputs.quintile_population is not None:
        for q, people in inputs.quintile_population.items():
            _add(quintile(q)[1], people)
    if no_quintile:
        left_out.append(
            f"{no_quintile:,.0f} events of residents of neighbourhoods whose small areas have no "
            "deprivation decile (left out of the quintiles only)"
        )
    empty = [q for q in sorted(quintiles) if sum(quintiles[q][1]) <= 0]
    if empty:
        lost = sum(sum(quintiles[q][0]) for q in empty)
        in_quintiles -= lost
        left_out.append(
            f"{lost:,.0f} events in quintile {', '.join(map(str, empty))}, where the partnership "
            f"has no residents in {inputs.year} (left out of the quintiles only)"
        )
        for q in empty:
            del quintiles[q]

    def rate(key: str, label: str, group: tuple[list[float], list[float]]) -> Rate:
        return standardised_rate(key, label, group[0], [round(n) for n in group[1]])

    by_quintile = [
        rate(str(q), label(Breakdown.QUINTILE, str(q)), quintiles[q]) for q in sorted(quintiles)
    ]
    return RatePicture(
        events=events,
        whole=rate("whole", whole_name, whole) if with_people else None,
        by_quintile=by_quintile,
        gradient=rate_gradient({int(r.key): r for r in by_quintile}),
        by_place=[rate(name, name, places[name]) for name in sorted(places, key=str.casefold)],
        by_hood=by_hood,
        left_out=left_out,
        in_quintiles=in_quintiles,
        fallback=fallback,
    )
