"""The scheme library and the historical trends the evidence check judges plans against.

The library is data (``library.json``, one entry a line: its cohort, its evidence range and
its citation), and a partnership extends it with its own entries (:func:`extend`). The ranges
are **indicative planning ranges** summarised from the sources named: the share of the targeted
cohort's activity a scheme of that kind has been reported to avoid, move or cut at full effect.
They are starting points for a partnership's own analysts, who should read the source and
replace a range with local evidence where they have it. Cohorts name condition groups
(``attributes``) that records must be flagged with for a scheme to find its activity.

An entry checked against its source says so: ``verified`` is the day it was checked, ``url``
the page read and ``evidence_note`` what the source found and how the range follows from it.
An entry whose ``verified`` is empty has not been checked (its note says what is missing) and
should be shown as unverified.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from typing import Any

from footprint.engine.demand.params import Cohort, Effect, Interval
from footprint.engine.demand.pods import pod


@dataclass(frozen=True)
class Evidence:
    key: str
    name: str
    pod: str
    effect: Effect
    cohort: Cohort
    share: Interval  # the range the evidence supports, at full effect
    source: str
    convert_to: str = ""
    ratio: float = 1.0
    url: str | None = None  # the page of the source that was read
    verified: date | None = None  # the day the range was checked against that source
    evidence_note: str | None = None  # what the source found, or why it is unchecked


@dataclass(frozen=True)
class Trend:
    """Non-demographic growth a year (the default for scenarios) and the lowest total yearly
    growth seen, outside the pandemic years."""

    growth: Interval
    lowest: float
    source: str


HES = "NHS England, Hospital Episode Statistics annual trends 2009/10–2019/20 (indicative)"

TRENDS: dict[str, Trend] = {
    "ae": Trend(
        Interval(0.01, 0.03),
        0.0,
        "NHS England, A&E attendances and emergency admissions monthly statistics (indicative)",
    ),
    "ip_emergency": Trend(Interval(0.02, 0.04), 0.0, HES),
    "ip_daycase": Trend(Interval(0.02, 0.04), 0.0, HES),
    "ip_elective": Trend(Interval(-0.01, 0.01), -0.03, HES),
    "op_first": Trend(Interval(0.01, 0.03), -0.01, HES),
    "op_first_remote": Trend(Interval(0.01, 0.03), -0.01, HES),
    "op_followup": Trend(Interval(0.01, 0.03), -0.01, HES),
    "op_followup_remote": Trend(Interval(0.01, 0.03), -0.01, HES),
    "amb_hear_treat": Trend(
        Interval(0.02, 0.05), 0.0, "NHS England, Ambulance Quality Indicators (indicative)"
    ),
    "amb_see_treat": Trend(
        Interval(0.01, 0.03), 0.0, "NHS England, Ambulance Quality Indicators (indicative)"
    ),
    "amb_conveyed": Trend(
        Interval(0.0, 0.02), -0.01, "NHS England, Ambulance Quality Indicators (indicative)"
    ),
    "cs_nursing": Trend(
        Interval(0.01, 0.03), 0.0, "NHS England, Community Services Data Set (indicative)"
    ),
    "cs_therapy": Trend(
        Interval(0.01, 0.03), 0.0, "NHS England, Community Services Data Set (indicative)"
    ),
    "cs_beds": Trend(
        Interval(-0.01, 0.01), -0.03, "NHS England, Community Services Data Set (indicative)"
    ),
    "mh_contacts": Trend(
        Interval(0.02, 0.04),
        0.0,
        "NHS England, Mental Health Services Monthly Statistics (indicative)",
    ),
    "mh_beds": Trend(
        Interval(-0.01, 0.01),
        -0.03,
        "NHS England, Mental Health Services Monthly Statistics (indicative)",
    ),
    "gp_appointments": Trend(
        Interval(0.01, 0.03), 0.0, "NHS England, Appointments in General Practice (indicative)"
    ),
    "sc_home_care": Trend(
        Interval(0.01, 0.03),
        0.0,
        "NHS England, Adult Social Care Activity and Finance Report (indicative)",
    ),
    "sc_care_home": Trend(
        Interval(-0.01, 0.01),
        -0.03,
        "NHS England, Adult Social Care Activity and Finance Report (indicative)",
    ),
}


def parse(entries: Iterable[Mapping[str, Any]]) -> tuple[Evidence, ...]:
    """Library entries from plain data (the JSON file's objects): each needs ``key``, ``name``,
    ``pod``, ``effect``, ``share`` (``low``, ``high``) and ``source``, and may give a
    ``cohort`` (as a scheme's), ``convert_to``, ``ratio``, and ``url``, ``verified`` (an ISO
    date) and ``evidence_note`` for an entry checked against its source. Raises ValueError
    naming the entry and what is wrong."""
    out = []
    for i, entry in enumerate(entries):
        label = f"library entry {i + 1} ({entry.get('key', 'no key')})"
        try:
            cohort: dict[str, Any] = {
                k: tuple(v) if isinstance(v, list) else v
                for k, v in dict(entry.get("cohort") or {}).items()
            }
            evidence = Evidence(
                key=str(entry["key"]),
                name=str(entry["name"]),
                pod=pod(str(entry["pod"])).code,
                effect=Effect(entry["effect"]),
                cohort=Cohort(**cohort),
                share=Interval(float(entry["share"]["low"]), float(entry["share"]["high"])),
                source=str(entry["source"]),
                convert_to=str(entry.get("convert_to", "")),
                ratio=float(entry.get("ratio", 1.0)),
                url=_text(entry.get("url")),
                verified=date.fromisoformat(entry["verified"]) if entry.get("verified") else None,
                evidence_note=_text(entry.get("evidence_note")),
            )
        except KeyError as exc:
            raise ValueError(f"{label}: {exc.args[0]} is missing") from None
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{label}: {exc}") from None
        if not evidence.source.strip():
            raise ValueError(f"{label}: every entry cites its evidence")
        if not 0 <= evidence.share.low <= evidence.share.high <= 1:
            raise ValueError(f"{label}: the share must lie between 0 and 1")
        if evidence.verified and not (evidence.url and evidence.evidence_note):
            raise ValueError(f"{label}: a verified entry names the page read and what it found")
        if (evidence.effect is Effect.CONVERT) != bool(evidence.convert_to):
            raise ValueError(f"{label}: a conversion, and only a conversion, names convert_to")
        out.append(evidence)
    keys = [e.key for e in out]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"library keys repeated: {', '.join(repeated)}")
    return tuple(out)


def _text(value: object) -> str | None:
    return (str(value).strip() or None) if value is not None else None


def extend(
    library: Sequence[Evidence], entries: Iterable[Mapping[str, Any]]
) -> tuple[Evidence, ...]:
    """The library with a partnership's own entries (parsed as :func:`parse`): a new key adds
    an entry, a library key replaces it with local evidence."""
    own = {e.key: e for e in parse(entries)}
    kept = [own.pop(e.key, e) for e in library]
    return (*kept, *own.values())


# The library is data: ``library.json`` beside this module, one entry a line.
LIBRARY: tuple[Evidence, ...] = parse(
    json.loads(files(__package__).joinpath("library.json").read_text(encoding="utf-8"))
)

BY_KEY: dict[str, Evidence] = {e.key: e for e in LIBRARY}
