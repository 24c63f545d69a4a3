"""Winter plans to the engine and back: checks a provider's inputs and a plan's settings, turns
a scenario's stored inputs (as plain values from ``queries.run_document``) into
``engine.winter.WinterInputs``, runs the simulation in chunks (for progress) and turns its
results into plain rows to store. It neither reads the database nor writes."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from footprint.core.jobs import Progress, no_progress
from footprint.engine import flow_fit
from footprint.engine import winter as engine
from footprint.flow.models import DISCHARGE_PATHWAYS, NCTR_PATHWAYS, Measure
from footprint.workforce import compute as workforce_compute

# Places a day on pathway 0 (home without new support): no limit.
UNLIMITED = engine.UNLIMITED
CHUNK = 250  # runs simulated at once: progress is reported after each chunk
LONGEST_STAY = 120  # days: stays are drawn up to this; the lognormal's tail is lumped into it
MOST_STAYS = 10_000_000  # past stays of one length: more than any trust's records hold
DEFAULT_WEEKLY = [1.08, 1.02, 1.0, 0.99, 0.98, 0.96, 0.97]  # Monday to Sunday

RANGES: dict[str, tuple[float, float, str]] = {
    # field: (least, most, name in a message)
    "beds": (1, 5000, "General and acute beds"),
    "escalation_beds": (0, 1000, "Escalation beds"),
    "escalation_trigger": (50, 100, "Escalation trigger"),  # a share of the beds occupied
    "admissions_per_day": (0.1, 2000, "Emergency admissions a day"),
    "winter_uplift": (-50, 100, "Winter uplift"),
    "stay_mean": (0.5, 60, "Mean length of stay"),
    "stay_sd": (0.1, 120, "Standard deviation of length of stay"),
    "home_care_packages": (0, 10000, "Home-care packages a day"),
    "step_down_beds": (0, 10000, "Step-down beds a day"),
    "care_home_beds": (0, 10000, "Care-home beds a day"),
    "virtual_ward_places": (0, 10000, "Virtual-ward places a day"),
}
WHOLE = frozenset(
    {
        "beds",
        "escalation_beds",
        "home_care_packages",
        "step_down_beds",
        "care_home_beds",
        "virtual_ward_places",
    }
)


def default_inputs(beds: int = 600, admissions_per_day: float = 90.0) -> dict[str, Any]:
    """A typical acute trust's inputs, to start a first scenario from (every number is to be
    replaced with the trust's own)."""
    return {
        "beds": beds,
        "escalation_beds": round(beds * 0.04),
        "escalation_trigger": 95.0,
        "admissions_per_day": admissions_per_day,
        "admissions_source": "entered",
        "admissions_note": "",
        "weekly": list(DEFAULT_WEEKLY),
        "winter_uplift": 8.0,
        "stay_mean": 5.8,
        "stay_sd": 7.5,
        "stay_counts": [],
        "pathway_shares": [60.0, 25.0, 10.0, 5.0],
        "nctr_probability": [2.0, 45.0, 55.0, 65.0],
        "home_care_packages": round(admissions_per_day * 0.105),
        "step_down_beds": round(admissions_per_day * 0.05),
        "care_home_beds": round(admissions_per_day * 0.03),
        "virtual_ward_places": 0,
    }


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


WEEKLY_SLACK = 0.01  # how far the weekly multipliers' mean may be from 1 (typed to 2 places)
AROUND_WINTER = dt.timedelta(days=366)  # closures and places lost: at most this either side


def check_provider(
    values: Mapping[str, Any], winter: tuple[dt.date, int] | None = None
) -> list[tuple[str, str]]:
    """Every problem with one provider's inputs, as (field, message); empty if they run.
    ``winter`` (first day, number of days): closures and places lost must fall within a year
    either side of it."""
    problems: list[tuple[str, str]] = []
    for field, (least, most, name) in RANGES.items():
        value = values.get(field)
        if field == "escalation_trigger" and value is None:
            continue
        x = _number(value)
        unit = "%" if field in {"escalation_trigger", "winter_uplift"} else ""
        if x is None or not least <= x <= most or (field in WHOLE and x != int(x)):
            kind = "a whole number" if field in WHOLE else "a number"
            problems.append(
                (field, f"{name} must be {kind} from {least:g}{unit} to {most:g}{unit}")
            )
    weekly = values.get("weekly")
    if (
        not isinstance(weekly, list)
        or len(weekly) != 7
        or any((x := _number(w)) is None or not 0.2 <= x <= 3 for w in weekly)
    ):
        problems.append(
            ("weekly", "Weekly pattern: give 7 multipliers, Monday to Sunday, each from 0.2 to 3")
        )
    elif abs((mean := sum(weekly) / 7) - 1) > WEEKLY_SLACK:
        problems.append(
            (
                "weekly",
                "Weekly pattern: the 7 multipliers must average 1, an average day (these "
                f"average {mean:.3g}); divide each by {mean:.3g}, as admissions a day are "
                "the average already",
            )
        )
    for field, name in (
        ("pathway_shares", "Pathway shares"),
        ("nctr_probability", "Chance of waiting"),
    ):
        v = values.get(field)
        if (
            not isinstance(v, list)
            or len(v) != 4
            or any((x := _number(p)) is None or not 0 <= x <= 100 for p in v)
        ):
            problems.append(
                (field, f"{name}: give 4 percentages, pathways 0 to 3, each from 0 to 100")
            )
        elif field == "pathway_shares" and abs(sum(v) - 100) > 0.5:
            problems.append(
                (field, f"Pathway shares must add up to 100 % (they add up to {sum(v):g} %)")
            )
    counts = values.get("stay_counts") or []
    if counts and (
        not isinstance(counts, list)
        or len(counts) > LONGEST_STAY
        or any((x := _number(c)) is None or x != int(x) or not 0 <= x <= MOST_STAYS for c in counts)
        or sum(counts) <= 0
    ):
        problems.append(
            (
                "stay_counts",
                f"Past stays: give up to {LONGEST_STAY} whole numbers from 0 to "
                f"{MOST_STAYS:,} (stays of 1, 2, 3 … days), not all 0",
            )
        )
    problems += check_closures(values.get("closures") or [], _number(values.get("beds")), winter)
    problems += check_place_cuts(values.get("place_cuts") or [], values, winter)
    if (
        not problems
        and values.get("escalation_trigger") is not None
        and not values.get("escalation_beds")
    ):
        problems.append(
            ("escalation_beds", "Escalation beds: give how many open at the trigger, or no trigger")
        )
    return problems


def stays_total(counts: Any) -> int | None:
    """Past stays given, added up; None when none are given or they are not plausible counts
    (as ``check_provider`` asks), so a page can say so rather than fail on stored nonsense."""
    if not isinstance(counts, list) or not counts or len(counts) > LONGEST_STAY:
        return None
    xs = [_number(c) for c in counts]
    if any(x is None or x != int(x) or not 0 <= x <= MOST_STAYS for x in xs):
        return None
    total = int(sum(int(x or 0) for x in xs))
    return total or None


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _outside_window(
    first: dt.date | None, last: dt.date | None, winter: tuple[dt.date, int] | None, what: str
) -> str:
    """A problem ("" if none) when days typed fall more than a year either side of the
    winter (``winter``: its first day and number of days)."""
    if winter is None or first is None or last is None:
        return ""
    earliest = winter[0] - AROUND_WINTER
    latest = winter[0] + dt.timedelta(days=winter[1] - 1) + AROUND_WINTER
    if earliest <= first and last <= latest:
        return ""
    return (
        f"{what}: give days from {earliest:%-d %B %Y} to {latest:%-d %B %Y}, at most a year "
        "either side of the winter"
    )


def check_closures(
    closures: Any, beds: float | None, winter: tuple[dt.date, int] | None = None
) -> list[tuple[str, str]]:
    """Every problem with a provider's beds closed for some days (``closures``: a list of
    {"first", "last" (ISO dates), "beds", "reason"}); with ``winter``, days more than a year
    either side of it are refused."""
    if not isinstance(closures, list):
        return [("closures", "Beds closed: give a list of closures")]
    problems = []
    for n, c in enumerate(closures, start=1):
        first = _day(c.get("first")) if isinstance(c, dict) else None
        last = _day(c.get("last")) if isinstance(c, dict) else None
        shut = _number(c.get("beds")) if isinstance(c, dict) else None
        if first is None or last is None or first > last:
            problems.append(
                ("closures", f"Beds closed, line {n}: give a first day on or before the last")
            )
        elif problem := _outside_window(first, last, winter, f"Beds closed, line {n}"):
            problems.append(("closures", problem))
        if shut is None or shut != int(shut) or shut < 1 or (beds is not None and shut > beds):
            most = f"{beds:,.0f}" if beds is not None else "the beds"
            problems.append(
                ("closures", f"Beds closed, line {n}: give a whole number of beds from 1 to {most}")
            )
        if isinstance(c, dict) and len(str(c.get("reason", ""))) > 100:
            problems.append(
                ("closures", f"Beds closed, line {n}: keep the reason to 100 characters")
            )
    return problems


PATHWAY_PLACES = {
    1: ("home_care_packages", "virtual_ward_places"),
    2: ("step_down_beds",),
    3: ("care_home_beds",),
}


def _places_on(values: Mapping[str, Any], pathway: int) -> float:
    return sum(_number(values.get(f)) or 0 for f in PATHWAY_PLACES[pathway])


def check_place_cuts(
    cuts: Any, values: Mapping[str, Any], winter: tuple[dt.date, int] | None = None
) -> list[tuple[str, str]]:
    """Every problem with a provider's places a day lost for some days (``cuts``: a list of
    {"first", "last" (ISO dates), "pathway" (1 to 3), "places", "reason"}); with ``winter``,
    days more than a year either side of it are refused."""
    if not isinstance(cuts, list):
        return [("place_cuts", "Places lost: give a list")]
    problems = []
    for n, c in enumerate(cuts, start=1):
        c = c if isinstance(c, dict) else {}
        first, last = _day(c.get("first")), _day(c.get("last"))
        if first is None or last is None or first > last:
            problems.append(
                ("place_cuts", f"Places lost, line {n}: give a first day on or before the last")
            )
        elif problem := _outside_window(first, last, winter, f"Places lost, line {n}"):
            problems.append(("place_cuts", problem))
        pathway = c.get("pathway")
        if pathway not in PATHWAY_PLACES:
            problems.append(("place_cuts", f"Places lost, line {n}: give pathway 1, 2 or 3"))
            continue
        places, most = _number(c.get("places")), _places_on(values, pathway)
        if places is None or places != int(places) or not 1 <= places <= most:
            problems.append(
                (
                    "place_cuts",
                    f"Places lost, line {n}: give a whole number of places a day from 1 to "
                    f"{most:,.0f} (pathway {pathway}'s places a day)",
                )
            )
        if len(str(c.get("reason", ""))) > 100:
            problems.append(
                ("place_cuts", f"Places lost, line {n}: keep the reason to 100 characters")
            )
    return problems


def places_by_day(p: Mapping[str, Any], start: dt.date, days: int) -> list[list[int]]:
    """One provider's places a day on pathways 0 to 3 each day of the winter: its places less
    those lost that day (never below 0); pathway 0 has no limit."""
    base = [UNLIMITED, *(int(_places_on(p, j)) for j in (1, 2, 3))]
    out = [list(base) for _ in range(days)]
    for c in p.get("place_cuts") or []:
        first = (dt.date.fromisoformat(c["first"]) - start).days
        last = (dt.date.fromisoformat(c["last"]) - start).days
        for d in range(max(first, 0), min(last, days - 1) + 1):
            out[d][c["pathway"]] = max(out[d][c["pathway"]] - int(c["places"]), 0)
    return out


def parse_place_cuts(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Lines "first day, last day, pathway, places a day, reason" as places lost, and a
    problem per line that is not one."""
    cuts, problems = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",", 4)]
        first = _typed_day(parts[0]) if parts else None
        last = _typed_day(parts[1]) if len(parts) > 1 else None
        try:
            pathway, places = int(parts[2]), int(parts[3])
        except (IndexError, ValueError):
            pathway = places = None
        if first is None or last is None or pathway is None or places is None:
            problems.append(
                f"Line {n}: type the first day, the last day, the pathway (1 to 3), the places "
                "a day lost and why, e.g. 2027-01-04, 2027-01-31, 3, 1, care home closed"
            )
            continue
        cuts.append(
            {
                "first": first.isoformat(),
                "last": last.isoformat(),
                "pathway": pathway,
                "places": places,
                "reason": parts[4] if len(parts) > 4 else "",
            }
        )
    return cuts, problems


def place_cuts_text(cuts: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(
        f"{c['first']}, {c['last']}, {c['pathway']}, {c['places']}"
        + (f", {c['reason']}" if c.get("reason") else "")
        for c in cuts
    )


def closures_outside(closures: Sequence[Mapping[str, Any]], start: dt.date, days: int) -> list[int]:
    """The lines (from 1) of closures with no day in the winter from ``start``."""
    end = start + dt.timedelta(days=days - 1)
    return [
        n
        for n, c in enumerate(closures, start=1)
        if dt.date.fromisoformat(c["last"]) < start or dt.date.fromisoformat(c["first"]) > end
    ]


def beds_by_day(
    beds: int, closures: Sequence[Mapping[str, Any]], start: dt.date, days: int
) -> list[int]:
    """General and acute beds open each day of the winter: ``beds`` less those closed that
    day (never below 0)."""
    out = [beds] * days
    for c in closures:
        first = (dt.date.fromisoformat(c["first"]) - start).days
        last = (dt.date.fromisoformat(c["last"]) - start).days
        for d in range(max(first, 0), min(last, days - 1) + 1):
            out[d] -= int(c["beds"])
    return [max(b, 0) for b in out]


def parse_closures(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Lines "first day, last day, beds, reason" (dates as 2027-01-04 or 4/1/2027) as
    closures, and a problem per line that is not one."""
    closures, problems = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",", 3)]
        first = _typed_day(parts[0]) if parts else None
        last = _typed_day(parts[1]) if len(parts) > 1 else None
        try:
            shut = int(parts[2]) if len(parts) > 2 else None
        except ValueError:
            shut = None
        if first is None or last is None or shut is None:
            problems.append(
                f"Line {n}: type the first day, the last day, the beds closed and why, "
                "e.g. 2027-01-04, 2027-01-17, 28, norovirus"
            )
            continue
        closures.append(
            {
                "first": first.isoformat(),
                "last": last.isoformat(),
                "beds": shut,
                "reason": parts[3] if len(parts) > 3 else "",
            }
        )
    return closures, problems


def _typed_day(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def closures_text(closures: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(
        f"{c['first']}, {c['last']}, {c['beds']}" + (f", {c['reason']}" if c.get("reason") else "")
        for c in closures
    )


def check_plan(
    *, start: dt.date, days: int, peak: dt.date, runs: int, seed: int
) -> list[tuple[str, str]]:
    """Every problem with a plan's settings, as (field, message)."""
    problems = []
    if not dt.date(2000, 1, 1) <= start <= dt.date(2100, 1, 1):
        problems.append(("start", "First day must be between 2000 and 2100"))
    if not 7 <= days <= 366:
        problems.append(("days", "Number of days must be from 7 to 366"))
    if abs((peak - start).days) > 366:
        problems.append(("peak", "Peak of the winter must be within a year of the first day"))
    elif peak < start:
        problems.append(
            ("peak", f"Peak of the winter must be on or after its first day, {start:%-d %B %Y}")
        )
    if not 1 <= runs <= 10000:
        problems.append(("runs", "Number of runs must be from 1 to 10,000"))
    if not 0 <= seed < 2**32:
        problems.append(("seed", "Seed must be a whole number from 0 to 4,294,967,295"))
    return problems


def seasonal(start: dt.date, days: int, peak: dt.date, uplift: float) -> list[float]:
    """Each day's multiplier: 1 + uplift × cos(2π × days from the peak / 365), so admissions
    are ``uplift`` above the year's average at the peak and as far below it half a year
    away."""
    return [
        1 + uplift / 100 * math.cos(2 * math.pi * ((start - peak).days + d) / 365)
        for d in range(days)
    ]


def admissions_from_projection(yearly: float) -> float:
    """Emergency admissions a day from a demand projection's admissions in a year."""
    return round(yearly / 365, 2)


def longest_stay(mean: float, sd: float) -> int:
    """Stays are drawn up to the lognormal's 99.5th percentile (7 to ``LONGEST_STAY`` days)."""
    sigma2 = math.log(1 + (sd / mean) ** 2)
    mu = math.log(mean) - sigma2 / 2
    return int(min(LONGEST_STAY, max(7, math.ceil(math.exp(mu + 2.576 * math.sqrt(sigma2))))))


def stay_pmf(p: Mapping[str, Any]) -> np.ndarray:
    if p.get("stay_counts"):
        return engine.stay_pmf_from_histogram(p["stay_counts"])
    mean, sd = p["stay_mean"], p["stay_sd"]
    return engine.lognormal_stay_pmf(mean, sd, longest_stay(mean, sd))


def engine_inputs(doc: Mapping[str, Any]) -> engine.WinterInputs:
    """A run document (``queries.run_document``) as the engine's inputs."""
    start = dt.date.fromisoformat(doc["start"])
    peak = dt.date.fromisoformat(doc["peak"])
    days = doc["days"]
    providers = doc["providers"]
    rates = np.stack(
        [
            engine.daily_rates(
                [p["admissions_per_day"]],
                p["weekly"],
                seasonal(start, days, peak, p["winter_uplift"]),
                start.weekday(),
            )[0]
            for p in providers
        ]
    )
    pmfs = [stay_pmf(p) for p in providers]
    k = max(x.size for x in pmfs)
    stay = np.zeros((len(providers), k))
    for i, x in enumerate(pmfs):
        stay[i, : x.size] = x
    capacity = np.array([places_by_day(p, start, days) for p in providers], dtype=np.int64)
    return engine.WinterInputs(
        rates=rates,
        stay_pmf=stay,
        beds=np.array(
            [beds_by_day(p["beds"], p.get("closures") or [], start, days) for p in providers],
            dtype=np.int64,
        ),
        pathway_share=np.array([p["pathway_shares"] for p in providers]) / 100,
        nctr_probability=np.array([p["nctr_probability"] for p in providers]) / 100,
        capacity=capacity,
        escalation_beds=np.array([p["escalation_beds"] for p in providers], dtype=np.int64),
        escalation_trigger=np.array(
            [
                math.inf if p["escalation_trigger"] is None else p["escalation_trigger"] / 100
                for p in providers
            ]
        ),
    )


def chunk_seed(seed: int, chunk: int) -> int:
    """The seed of one chunk of runs: derived from the plan's seed, the same for every
    scenario (common random numbers)."""
    return int(np.random.SeedSequence([seed, chunk]).generate_state(1)[0])


@dataclass(frozen=True)
class Outcome:
    """A run's results as rows to store."""

    weeks: list[dict[str, Any]]
    days: list[dict[str, Any]]
    runs: int


def simulate(doc: Mapping[str, Any], progress: Progress = no_progress) -> Outcome:
    """Run the winter ``doc["runs"]`` times, in chunks of ``CHUNK`` runs with seeds derived
    from ``doc["seed"]``, and summarise per provider and week and per provider and day."""
    inputs = engine_inputs(doc)
    runs, seed = doc["runs"], doc["seed"]
    sizes = [min(CHUNK, runs - i) for i in range(0, runs, CHUNK)]
    parts = []
    for n, size in enumerate(sizes):
        parts.append(engine.simulate(inputs, size, chunk_seed(seed, n)))
        progress(n + 1, len(sizes) + 1)
    weights = np.array(sizes, dtype=np.float64) / runs

    def pooled(name: str) -> np.ndarray:
        return sum(w * getattr(r, name) for w, r in zip(weights, parts, strict=True))  # type: ignore[return-value]

    p92, p100 = pooled("p_over_92"), pooled("p_over_100")
    nctr, lost = pooled("expected_nctr"), pooled("bed_days_lost")
    occupancy = np.concatenate([r.occupancy for r in parts], axis=0)
    open_beds = np.concatenate([r.open_beds for r in parts], axis=0)
    return summarise(doc, p92, p100, nctr, lost, occupancy, open_beds)


def risk_ranks(p92: np.ndarray, p100: np.ndarray, top: int = 3) -> np.ndarray:
    """Each provider's weeks ranked 1, 2, 3 … by the chance of a day over 100 %, then over
    92 %, then the earlier week; 0 beyond ``top`` and for a week with no risk at all."""
    providers, weeks = p100.shape
    ranks = np.zeros((providers, weeks), dtype=np.int64)
    for i in range(providers):
        order = sorted(range(weeks), key=lambda w: (-p100[i, w], -p92[i, w], w))
        for r, w in enumerate(order[:top], start=1):
            if p92[i, w] > 0 or p100[i, w] > 0:
                ranks[i, w] = r
    return ranks


def summarise(
    doc: Mapping[str, Any],
    p92: np.ndarray,
    p100: np.ndarray,
    nctr: np.ndarray,
    lost: np.ndarray,
    occupancy: np.ndarray,
    open_beds: np.ndarray,
) -> Outcome:
    start = dt.date.fromisoformat(doc["start"])
    days = doc["days"]
    ranks = risk_ranks(p92, p100)
    weeks = []
    for i, p in enumerate(doc["providers"]):
        for w in range(p92.shape[1]):
            weeks.append(
                {
                    "provider": p["code"],
                    "provider_name": p["name"],
                    "week": w + 1,
                    "starts": start + dt.timedelta(days=7 * w),
                    "days": min(7, days - 7 * w),
                    "p_over_92": float(p92[i, w]),
                    "p_over_100": float(p100[i, w]),
                    **{f"nctr_{j}": float(nctr[i, w, j]) for j in range(4)},
                    "bed_days_lost": float(lost[i, w]),
                    "risk_rank": int(ranks[i, w]) or None,
                }
            )
    q10, q50, q90 = np.percentile(occupancy, [10, 50, 90], axis=0)
    mean = occupancy.mean(axis=0)
    beds = open_beds.mean(axis=0)
    daily = [
        {
            "provider": p["code"],
            "day": start + dt.timedelta(days=d),
            "mean": float(mean[i, d]),
            "p10": float(q10[i, d]),
            "p50": float(q50[i, d]),
            "p90": float(q90[i, d]),
            "open_beds": float(beds[i, d]),
        }
        for i, p in enumerate(doc["providers"])
        for d in range(days)
    ]
    return Outcome(weeks=weeks, days=daily, runs=int(occupancy.shape[0]))


def parse_numbers(text: str, name: str, count: int | None = None) -> tuple[list[float], str]:
    """Numbers typed with commas or spaces between them ("1.1, 1, 0.9"), and a problem naming
    ``name`` ("" when they read): exactly ``count`` of them when given."""
    parts = [t for t in text.replace(",", " ").split() if t]
    try:
        numbers = [float(t) for t in parts]
    except ValueError:
        return [], f"{name}: type numbers separated by commas"
    if not all(math.isfinite(x) for x in numbers):
        return [], f"{name}: type ordinary numbers"
    if count is not None and len(numbers) != count:
        return [], f"{name}: type {count} numbers separated by commas (you typed {len(numbers)})"
    return numbers, ""


def numbers_text(values: Sequence[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def fit_history(
    days: Sequence[tuple[dt.date, float | None, float | None]], peak: dt.date
) -> tuple[dict[str, Any], str]:
    """Admissions a day, the weekly pattern, the winter uplift and the beds from a provider's
    daily returns ``(date, admissions, beds open)``: the mean admissions a day; each
    weekday's mean over the overall mean; with 300 days or more, the uplift by least squares
    of the weekday-adjusted admissions on cos(2π × days from ``peak`` / 365) (the same shape
    the simulation uses); the median beds open. Returns the inputs fitted (only those the
    history supports) and a problem ("" when it fits): fewer than 28 days with admissions
    cannot be fitted."""
    seen = [(d, float(a)) for d, a, _ in days if a is not None and math.isfinite(a) and a >= 0]
    if len(seen) < 28:
        return {}, f"{len(seen)} days with admissions reported; at least 28 are needed"
    x = np.array([a for _, a in seen])
    mean = float(x.mean())
    if mean <= 0:
        return {}, "no admissions reported"
    weekday = np.array([d.weekday() for d, _ in seen])
    weekly = [
        float(np.clip(x[weekday == w].mean() / mean, 0.2, 3)) if (weekday == w).any() else 1.0
        for w in range(7)
    ]
    # each weekday's mean over the overall mean averages 1 only over whole weeks: scaled so it
    # does, as the admissions a day are the average already
    weekly = [w * 7 / sum(weekly) for w in weekly]
    fitted: dict[str, Any] = {
        "admissions_per_day": round(mean, 2),
        "weekly": [round(w, 3) for w in weekly],
    }
    if (seen[-1][0] - seen[0][0]).days >= 300:
        shape = np.cos(2 * np.pi * np.array([(d - peak).days for d, _ in seen]) / 365)
        y = x / (mean * np.array(weekly)[weekday]) - 1
        uplift = 100 * float((shape * y).sum() / (shape * shape).sum())
        fitted["winter_uplift"] = round(float(np.clip(uplift, -50, 100)), 1)
    beds = [float(b) for _, _, b in days if b is not None and math.isfinite(b) and b > 0]
    if beds:
        fitted["beds"] = round(float(np.median(beds)))
    return fitted, ""


FIT_DAYS = 28  # days of returns a fitted figure needs
UPLIFT_DAYS = 300  # days from the first return to the last the winter uplift needs
FITTED_NAMES = {
    "admissions_per_day": "emergency admissions a day",
    "weekly": "weekly pattern",
    "winter_uplift": "winter uplift",
    "beds": "general and acute beds",
    "stay_mean": "mean length of stay",
    "stay_sd": "standard deviation of length of stay, kept in proportion to the mean",
    "pathway_shares": "pathway shares",
    "nctr_probability": "chances of waiting",
    "places": "places a day",
}


def _stay_days(mean: float, sd: float) -> float:
    """The mean number of midnights a stay drawn with this mean and standard deviation spends
    in the simulation (whole days: a part day counts as a midnight)."""
    pmf = stay_pmf({"stay_mean": mean, "stay_sd": sd, "stay_counts": []})
    return float((pmf * np.arange(1, pmf.size + 1)).sum())


def stay_mean_for(midnights: float, spread: float) -> float | None:
    """The lognormal's mean (days) whose stays, in whole days, spend ``midnights`` midnights
    on average, with the standard deviation ``spread`` × the mean; None when no mean in the
    inputs' range does (a mean of 0.5 days already spends about a midnight)."""
    least, most = RANGES["stay_mean"][:2]
    low, high = least, most
    if not _stay_days(low, spread * low) <= midnights <= _stay_days(high, spread * high):
        return None
    for _ in range(40):  # bisection: the midnights grow with the mean
        middle = (low + high) / 2
        if _stay_days(middle, spread * middle) < midnights:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def _fit_day(values: Mapping[str, float]) -> flow_fit.Day:
    return flow_fit.Day(
        admissions=values.get(Measure.ADMISSIONS),
        occupied=values.get(Measure.GA_BEDS_OCCUPIED),
        discharges={p: values.get(m) for p, m in enumerate(DISCHARGE_PATHWAYS)},
        nctr={p: values.get(m) for p, m in enumerate(NCTR_PATHWAYS)},
    )


def fit_stays_and_pathways(
    returns: Sequence[Mapping[str, float]], current: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The mean length of stay and the pathway shares from an acute trust's daily returns (one
    mapping of measure to figure a day), by Little's law (``engine.flow_fit``), for a trust
    whose inputs are ``current``.

    - **Pathway shares**: each pathway's discharges over all discharges, on the days all four
      pathways' discharges are reported (28 or more).
    - **Mean length of stay**: on the days admissions, beds occupied and every pathway's
      discharges and patients waiting (NCTR) are all reported (28 or more), Little's law
      gives the time in a bed, waiting included (mean occupied ÷ mean admissions a day), and
      each pathway's mean delay a discharge (mean waiting ÷ mean discharges a day). The
      simulation draws the acute stay and adds the waiting itself, so its stay is the time in
      a bed less the pathway-weighted delay (Σ share × delay), counted in midnights; the
      lognormal's mean is the one whose whole-day stays spend that many midnights, with the
      standard deviation kept in proportion to the mean (the returns give no spread). Kept
      when past stays are entered (they are used instead of a mean).
    - The chances of waiting and the places a day are never fitted: the returns count the
      patients waiting, not how many of those discharged had to wait, nor the places offered.

    Returns the inputs fitted and a record of the fit: for each input fitted the days it
    used, for each kept the reason, and Little's law's figures."""
    days = [_fit_day(v) for v in returns]
    fitted: dict[str, Any] = {}
    used: dict[str, int] = {}
    kept: dict[str, str] = {}
    record: dict[str, Any] = {"inputs": used, "kept": kept}

    def every(d: flow_fit.Day, which: str) -> bool:
        figures = d.discharges if which == "discharges" else d.nctr
        return figures is not None and all(figures.get(p) is not None for p in range(4))

    by_pathway = [d for d in days if every(d, "discharges")]
    whole = flow_fit.fit(by_pathway)
    shares = [p.share for p in whole.pathways]
    if len(by_pathway) < FIT_DAYS:
        kept["pathway_shares"] = (
            f"discharges by pathway reported on {len(by_pathway)} days; {FIT_DAYS} are needed"
        )
    elif any(s is None for s in shares):
        kept["pathway_shares"] = "no discharges reported"
    else:
        fitted["pathway_shares"] = _percentages([s or 0.0 for s in shares])
        used["pathway_shares"] = len(by_pathway)

    complete = [
        d
        for d in by_pathway
        if d.admissions is not None and d.occupied is not None and every(d, "nctr")
    ]
    fit = flow_fit.fit(complete)
    delays = [p.delay_days for p in fit.pathways]
    if len(complete) < FIT_DAYS:
        kept["stay_mean"] = (
            "admissions, beds occupied, and discharges and patients waiting (NCTR) on every "
            f"pathway reported together on {len(complete)} days; {FIT_DAYS} are needed"
        )
        return fitted, record
    if fit.length_of_stay is None or any(p.share is None for p in fit.pathways):
        kept["stay_mean"] = "no admissions or no discharges reported"
        return fitted, record
    delay = sum((p.share or 0.0) * (p.delay_days or 0.0) for p in fit.pathways)
    midnights = fit.length_of_stay - delay
    record.update(
        {
            "occupied": round(fit.occupied_mean or 0.0, 2),
            "admissions": round(fit.admissions_per_day or 0.0, 2),
            "length_of_stay": round(fit.length_of_stay, 2),
            "delays": [None if x is None else round(x, 2) for x in delays],
            "delay": round(delay, 2),
            "acute_stay": round(midnights, 2),
        }
    )
    if current.get("stay_counts"):
        kept["stay_mean"] = "past stays are entered, and used instead of a mean"
        return fitted, record
    spread = float(current["stay_sd"]) / float(current["stay_mean"])
    mean = stay_mean_for(midnights, spread)
    if mean is None:
        kept["stay_mean"] = (
            f"a stay of {midnights:.1f} days less waiting is more than the simulation can draw"
            if midnights > 1
            else f"a stay of {midnights:.1f} days less waiting is less than a day"
        )
        return fitted, record
    fitted["stay_mean"] = record["stay_mean"] = round(mean, 2)
    fitted["stay_sd"] = round(
        min(max(spread * mean, RANGES["stay_sd"][0]), RANGES["stay_sd"][1]), 2
    )
    used["stay_mean"] = used["stay_sd"] = len(complete)
    return fitted, record


def _percentages(shares: Sequence[float]) -> list[float]:
    """Shares (adding up to 1) as percentages to one decimal place adding up to exactly 100
    (the largest remainders take the last tenths)."""
    tenths = [s * 1000 for s in shares]
    whole = [math.floor(t) for t in tenths]
    order = sorted(range(len(shares)), key=lambda i: whole[i] - tenths[i])
    for i in order[: 1000 - sum(whole)]:
        whole[i] += 1
    return [w / 10 for w in whole]


def fit_record(
    first: dt.date,
    last: dt.date,
    admissions: Mapping[str, Any],
    admission_days: int,
    span: int,
    bed_days: int,
    stays: Mapping[str, Any],
) -> dict[str, Any]:
    """What a fit to the daily returns from ``first`` to ``last`` set and what it kept, to show
    beside the inputs: the inputs ``fit_history`` fitted (``admissions``, with the days with
    admissions, the days from the first to the last and the days with beds open) merged with
    ``fit_stays_and_pathways``' record (``stays``)."""
    used: dict[str, int] = {"admissions_per_day": admission_days, "weekly": admission_days}
    kept: dict[str, str] = {}
    if "winter_uplift" in admissions:
        used["winter_uplift"] = admission_days
    else:
        kept["winter_uplift"] = (
            f"returns span {span} days from the first to the last; {UPLIFT_DAYS} are needed"
        )
    if "beds" in admissions:
        used["beds"] = bed_days
    else:
        kept["beds"] = "beds open not reported"
    kept["nctr_probability"] = (
        "the returns count patients waiting, not how many of those discharged had to wait"
    )
    kept["places"] = "the returns do not give the places each pathway offers"
    return {
        **stays,
        "first": first.isoformat(),
        "last": last.isoformat(),
        "inputs": {**used, **stays.get("inputs", {})},
        "kept": {**kept, **stays.get("kept", {})},
    }


def fit_returns(
    history: Sequence[tuple[dt.date, float | None, float | None]],
    returns: Sequence[Mapping[str, float]],
    *,
    first: dt.date,
    last: dt.date,
    peak: dt.date,
    current: Mapping[str, Any],
) -> tuple[dict[str, Any], str]:
    """Everything a provider's daily returns from ``first`` to ``last`` can set in its
    inputs (``current``): admissions, weekly pattern, winter uplift and beds
    (``fit_history``, from ``history``), mean length of stay and pathway shares
    (``fit_stays_and_pathways``, from ``returns``, one mapping of figures a day), and under
    ``"fitted"`` the record of the fit. Returns the inputs and a problem ("" when it fits):
    nothing is fitted from fewer than 28 days with admissions."""
    admissions, problem = fit_history(history, peak)
    if problem:
        return {}, problem
    seen = [d for d, a, _ in history if a is not None and math.isfinite(a) and a >= 0]
    beds = [b for _, _, b in history if b is not None and math.isfinite(b) and b > 0]
    stays, record = fit_stays_and_pathways(returns, current)
    return {
        **admissions,
        **stays,
        "fitted": fit_record(
            first, last, admissions, len(seen), (seen[-1] - seen[0]).days, len(beds), record
        ),
    }, ""


def fitted_after_change(
    record: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, Any]:
    """A fit's record once the inputs change from ``before`` to ``after``: an input changed
    by hand (or from a demand projection) is no longer fitted; no record once none is."""
    if not record:
        return {}
    inputs = {f: n for f, n in record.get("inputs", {}).items() if before.get(f) == after.get(f)}
    return {**record, "inputs": inputs} if inputs else {}


def fit_lines(record: Mapping[str, Any]) -> list[str]:
    """A fit's record in plain words: what was fitted from how many days, Little's law's
    figures and what was left as it was, and why."""
    if not record or not record.get("inputs"):
        return []
    first, last = dt.date.fromisoformat(record["first"]), dt.date.fromisoformat(record["last"])
    fitted = "; ".join(
        f"{FITTED_NAMES.get(f, f)} ({n:,} days)" for f, n in record["inputs"].items()
    )
    lines = [f"Fitted to the daily returns from {first:%-d %B %Y} to {last:%-d %B %Y}: {fitted}."]
    if "length_of_stay" in record:
        delays = ", ".join(f"{x:.1f}" if x is not None else "none" for x in record["delays"])
        lines.append(
            f"Little's law: {record['occupied']:,.1f} beds occupied ÷ "
            f"{record['admissions']:,.1f} admissions a day = {record['length_of_stay']:.1f} "
            f"days in a bed, of which {record['delay']:.1f} waiting (no criteria to reside; "
            f"mean delay a discharge on pathways 0 to 3: {delays} days), so "
            f"{record['acute_stay']:.1f} days in an acute stay"
            + (
                f": a mean length of stay of {record['stay_mean']:g} days, whose stays counted "
                f"in whole days (a part day as a night) average {record['acute_stay']:.1f}."
                if "stay_mean" in record and "stay_mean" in record["inputs"]
                else "."
            )
        )
    kept = "; ".join(f"{FITTED_NAMES.get(f, f)} ({why})" for f, why in record["kept"].items())
    if kept:
        lines.append(f"Left as they were: {kept}.")
    return lines


# What a scenario costs, and what it does


Cost = engine.Cost
AT_RISK = 0.25  # a week is "at risk" when its average daily chance of over 100 % is this or more
UNIT_COST_FIELDS = (
    "cost_package",
    "cost_virtual_ward",
    "cost_step_down",
    "cost_care_home",
    "cost_escalation_bed_day",
)


def unit_costs(plan: Any) -> engine.UnitCosts:
    """The plan's cost of a place a day on each pathway and of an escalation bed-day."""
    return engine.UnitCosts(
        package=plan.cost_package,
        virtual_ward=plan.cost_virtual_ward,
        step_down=plan.cost_step_down,
        care_home=plan.cost_care_home,
        escalation_bed_day=plan.cost_escalation_bed_day,
    )


def is_costed(plan: Any) -> bool:
    return any(getattr(plan, f) for f in UNIT_COST_FIELDS)


def scenario_cost(
    plan: Any, inputs: Sequence[Mapping[str, Any]], escalation_bed_days: float, other: float
) -> engine.Cost:
    """A scenario's cost over the plan's winter: each provider's places a day (``inputs``,
    one mapping each) at the plan's unit costs, the escalation bed-days its run expects, and
    its other costs."""
    places = [
        engine.Places(
            packages=p["home_care_packages"],
            virtual_ward=p["virtual_ward_places"],
            step_down=p["step_down_beds"],
            care_home=p["care_home_beds"],
        )
        for p in inputs
    ]
    return engine.winter_cost(plan.days, places, escalation_bed_days, unit_costs(plan), other)


def escalation_bed_days(providers: Sequence[tuple[float, Sequence[float]]]) -> float:
    """Escalation bed-days over a run's days, every provider together: for each provider
    (its general and acute beds, the beds open on average each day) the beds open beyond its
    general and acute beds, day by day."""
    return float(sum(max(b - beds, 0.0) for beds, opened in providers for b in opened))


@dataclass(frozen=True)
class Effect:
    """What a run shows for one provider (or all together) across the winter."""

    p92: float  # the chance on a day of over 92 %, averaged over the days
    p100: float
    weeks_at_risk: int
    bed_days_lost: float


def effect(weeks: Sequence[Any]) -> Effect:
    """A provider's weekly results (``WeekResult``-like) summed up across the winter."""
    days = max(sum(w.days for w in weeks), 1)
    return Effect(
        p92=sum(w.p_over_92 * w.days for w in weeks) / days,
        p100=sum(w.p_over_100 * w.days for w in weeks) / days,
        weeks_at_risk=sum(1 for w in weeks if w.p_over_100 >= AT_RISK),
        bed_days_lost=sum(w.bed_days_lost for w in weeks),
    )


def pounds(x: float) -> str:
    return f"£{x:,.0f}"


def scheme_summary(
    scheme: str,
    baseline: str,
    effects: Sequence[tuple[str, Effect, Effect]],
    extra_cost: float,
    days: int,
) -> str:
    """Plain words for a proposal: per provider, what the scheme changes against the
    baseline (``effects``: provider name, the baseline's effect, the scheme's)."""
    lines = [
        f"The winter simulation ({days} days) compares {scheme} with {baseline}. "
        f"It costs {pounds(extra_cost)} more over the winter."
        if extra_cost >= 0
        else f"The winter simulation ({days} days) compares {scheme} with {baseline}. "
        f"It costs {pounds(-extra_cost)} less over the winter."
    ]
    for name, base, new in effects:
        lines.append(
            f"{name}: weeks at risk of more patients than beds {base.weeks_at_risk} → "
            f"{new.weeks_at_risk}; average daily chance over 92 % of the beds "
            f"{base.p92:.0%} → {new.p92:.0%} ({(new.p92 - base.p92) * 100:+.0f} points); "
            f"bed days lost to delayed discharge {base.bed_days_lost:,.0f} → "
            f"{new.bed_days_lost:,.0f} ({base.bed_days_lost - new.bed_days_lost:,.0f} saved)."
        )
    return "\n\n".join(lines)


# The staff the escalation beds need (workforce's staffing assumptions)


@dataclass(frozen=True)
class EscalationStaff:
    """One provider's escalation beds in a scenario: how many, how many its run opens on an
    average day of the winter, and the staff (WTE by staff group) for each."""

    name: str
    beds: int
    average_open: float | None  # None: not run yet
    need_all: list[workforce_compute.StaffNeed]
    need_average: list[workforce_compute.StaffNeed] | None

    @property
    def wte_all(self) -> float:
        return sum(n.wte for n in self.need_all)


def escalation_staff(
    providers: Sequence[tuple[str, int]], opened: Sequence[tuple[float, Sequence[float]]] | None
) -> list[EscalationStaff]:
    """For each provider (its name, its escalation beds), the WTE to open all its escalation
    beds, and, with a run's ``opened`` (per provider in the same order: its general and acute
    beds, the beds open on average each day), to open those it opens on an average day."""
    out = []
    for i, (name, beds) in enumerate(providers):
        average = None
        if opened is not None:
            general, days = opened[i]
            average = escalation_bed_days([(general, days)]) / max(len(days), 1)
        out.append(
            EscalationStaff(
                name=name,
                beds=beds,
                average_open=average,
                need_all=workforce_compute.staff_for_beds(beds),
                need_average=workforce_compute.staff_for_beds(average)
                if average is not None
                else None,
            )
        )
    return out
