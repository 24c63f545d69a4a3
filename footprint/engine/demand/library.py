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
from dataclasses import dataclass, replace
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
    """A point of delivery's growth besides demography, and the floor of the heroic-plan check.

    ``growth`` is the yearly growth **beyond demography** (and beyond the health-status
    adjustment and schemes), an 80 % interval: the model multiplies each stratum's
    demographically projected activity by ``(1 + growth) ** years``, so total growth is
    demography times this. It is the default for a new scenario.

    ``lowest`` is the lowest **total** yearly growth seen, outside the pandemic years, and
    ``source`` is where that floor comes from (the heroic-plan message cites it). The floor has
    not been checked against its source.

    A growth range checked against a source says so: ``growth_source`` names it, ``url`` is
    the page read, ``verified`` the day it was checked and ``evidence_note`` what the source
    found and how the range follows from it. Where ``verified`` is empty the range is the
    developers' indicative figure and the note says why: no source found, or a source read
    (named by ``url``) that the range does not follow."""

    growth: Interval
    lowest: float
    source: str
    growth_source: str | None = None  # the source the growth range was taken from
    url: str | None = None  # the page of that source that was read
    verified: date | None = None  # the day the growth range was checked against it
    evidence_note: str | None = None  # what the source found, or why the range is unchecked


HES = "NHS England, Hospital Episode Statistics annual trends 2009/10–2019/20 (indicative)"
AQI = "NHS England, Ambulance Quality Indicators (indicative)"
CSDS = "NHS England, Community Services Data Set (indicative)"
MHSDS = "NHS England, Mental Health Services Monthly Statistics (indicative)"
ASC = "NHS England, Adult Social Care Activity and Finance Report (indicative)"

# The growth ranges for hospital activity: The Strategy Unit's national elicitation of
# residual (non-demographic) growth for the New Hospital Programme model, pooled P10–P90 of
# nine experts' yearly growth over a 20-year horizon, as the report gives them (to 0.1 %; the
# NHP model carries them to four decimals as "variant_3" in nhp_inputs' ndg_variants.json).
ELICITATION = (
    "The Strategy Unit, Long term prediction intervals for residual growth in English "
    "hospitals: a national elicitation exercise (New Hospital Programme, 2 December 2024)"
)
ELICITATION_URL = (
    "https://github.com/The-Strategy-Unit/nhp_project_information/blob/"
    "c7e89e86183660a4f7c2be340c78d90e5e5ce1e1/modelling_methodology/"
    "residual_growth_elicitation_02Dec2024.pdf"
)
CHECKED = date(2026, 11, 30)
_FLOOR = " The floor of the heroic-plan check (lowest) was not checked."
_BEYOND = (
    " It is growth beyond demography: the exercise asked for the residual (R) after population "
    "change (P), age-specific health status (H) and mitigation (M), which is what Footprint's "
    "growth is, since the model applies the population projection, the health-status "
    "adjustment and the schemes separately and multiplies demographically projected activity "
    "by (1 + growth) a year. The experts' P10 and P90 are the 10th and 90th percentiles of a "
    "normal distribution, as Footprint's 80 % interval is. For comparison, NHP's primary rate "
    "(variant 2, from 2011-2019 HES and SUS trends, The Strategy Unit 2023) is "
)
_NOT_HOSPITAL = (
    "Unchecked: the sources read (The Strategy Unit's 2011-2019 analyses of non-demographic "
    "growth and its 2024 national elicitation for the New Hospital Programme) cover hospital "
    "activity only (A&E, admissions, outpatients), and no source read gives growth beyond "
    "demography for {what}. The range is the developers' indicative figure."
)


def _elicited(
    pod: str,
    low: float,
    high: float,
    nhp: str,
    variant_2: str,
    lowest: float,
    floor_source: str = HES,
) -> Trend:
    return Trend(
        Interval(low, high),
        lowest,
        floor_source,
        growth_source=ELICITATION,
        url=ELICITATION_URL,
        verified=CHECKED,
        evidence_note=(
            f"The report's pooled P10-P90 for {pod} (all nine experts, executive summary "
            f"table) is {low * 100:.1f} % to {high * 100:.1f} % a year, the range used here "
            f"(the NHP model carries it as {nhp} in nhp_inputs' ndg_variants.json, "
            "variant_3)." + _BEYOND + variant_2 + _FLOOR
        ),
    )


def _with_note(trend: Trend, extra: str) -> Trend:
    return replace(trend, evidence_note=f"{trend.evidence_note}{extra}")


def _unchecked(low: float, high: float, lowest: float, source: str, what: str) -> Trend:
    return Trend(Interval(low, high), lowest, source, evidence_note=_NOT_HOSPITAL.format(what=what))


_OP_V2 = (
    "2.28 % to 2.70 % around the 2011-2019 average of 2.49 %: the 80 % confidence interval "
    "of a past average, not a prediction interval."
)
_OP_REMOTE = (
    " NHP applies the outpatient rate to tele-attendances too: its extract keeps them in the "
    "first and follow-up groups (The-Strategy-Unit/nhp_data, raw_data/outpatients.py)."
)
_AE_V2 = (
    "1.21 % to 1.41 % around the 2011-2019 average of 1.31 %: the 80 % confidence interval "
    "of a past average, not a prediction interval."
)
_EMERGENCY_V2 = (
    "-0.45 % to 0.17 %, the 2011-2019 growth of the emergency admissions no mitigation "
    "targets (all emergency admissions grew 2.17 % a year beyond demography, 95 % CI 1.82 % "
    "to 2.52 %): the 80 % confidence interval of a past average, not a prediction interval."
)
_ELECTIVE_V2 = (
    "0.53 % to 0.71 % around the 2011-2019 average of 0.62 %: the 80 % confidence interval "
    "of a past average, not a prediction interval."
)


def _social_care(trend: Trend) -> Trend:
    return _with_note(
        replace(
            trend,
            url=(
                "https://www.kingsfund.org.uk/insight-and-analysis/press-releases/"
                "social-care-system-crisis-point"
            ),
        ),
        " Read, but no range follows: The King's Fund's Social care 360 (press release, April "
        "2019) gives over 1.8 million requests for adult social care, up 2 % since 2015/16, "
        "while nearly 13,000 fewer people were receiving support and councils' real-terms "
        "spending was £700 million below 2010/11. Those are counts of people, not hours or "
        "placements, and not net of demography; they show provision held down by funding "
        "rather than following need.",
    )


def _ambulance(trend: Trend) -> Trend:
    return _with_note(
        replace(trend, url="https://www.mja.com.au/public/issues/194_11_060611/low11437_fm.html"),
        " Read, but no range follows: Lowthian et al., Med J Aust 2011;194(11):574-578 (the "
        "abstract) find emergency ambulance transportations in metropolitan Melbourne grew "
        "4.8 % a year (95 % CI 4.3 % to 5.3 %) beyond demographic change, 1994-95 to 2007-08; "
        "Peacock et al., Emerg Med J vol. 22 no. 1 p. 56 (the abstract, "
        "http://emj.bmj.com/content/22/1/56) find the London Ambulance Service's emergency "
        "response rate per head 1.91 times as high in 1999 as in 1989 (95 % CI 1.85 to 1.96, "
        "about 6.7 % a year), with no age group rising disproportionately. Both are past "
        "averages from another country or another decade, for all responses or conveyances "
        "together, and their intervals say how precisely the past was measured, not how far "
        "the next years may differ. Both lie at or above the upper ends of the ranges here.",
    )


TRENDS: dict[str, Trend] = {
    "ae": _elicited(
        "A&E attendances",
        -0.005,
        0.035,
        "0.9946-1.0352",
        _AE_V2,
        0.0,
        "NHS England, A&E attendances and emergency admissions monthly statistics (indicative)",
    ),
    "ip_emergency": _elicited(
        "non-elective admissions", -0.004, 0.027, "0.9963-1.0268", _EMERGENCY_V2, 0.0
    ),
    "ip_daycase": _with_note(
        _elicited("elective admissions", 0.0, 0.027, "0.9999-1.0271", _ELECTIVE_V2, 0.0),
        " The exercise's elective admissions include day cases: NHP applies its elective rate "
        "to every admission by an elective method, day cases too (The-Strategy-Unit/nhp_data, "
        "raw_data/inpatients.py).",
    ),
    "ip_elective": _elicited(
        "elective admissions", 0.0, 0.027, "0.9999-1.0271", _ELECTIVE_V2, -0.03
    ),
    "op_first": _elicited("outpatient attendances", 0.0, 0.049, "1.0002-1.0487", _OP_V2, -0.01),
    "op_first_remote": _with_note(
        _elicited("outpatient attendances", 0.0, 0.049, "1.0002-1.0487", _OP_V2, -0.01),
        _OP_REMOTE,
    ),
    "op_followup": _elicited("outpatient attendances", 0.0, 0.049, "1.0002-1.0487", _OP_V2, -0.01),
    "op_followup_remote": _with_note(
        _elicited("outpatient attendances", 0.0, 0.049, "1.0002-1.0487", _OP_V2, -0.01),
        _OP_REMOTE,
    ),
    "amb_hear_treat": _ambulance(
        _unchecked(0.02, 0.05, 0.0, AQI, "ambulance calls resolved by phone")
    ),
    "amb_see_treat": _ambulance(
        _unchecked(0.01, 0.03, 0.0, AQI, "ambulance incidents treated at scene")
    ),
    "amb_conveyed": _ambulance(
        _unchecked(
            0.0,
            0.02,
            -0.01,
            AQI,
            "ambulance conveyances (NHP's A&E arrivals by ambulance share "
            "its A&E rate, but count attendances, not conveyances)",
        )
    ),
    "cs_nursing": _unchecked(0.01, 0.03, 0.0, CSDS, "community nursing contacts"),
    "cs_therapy": _unchecked(0.01, 0.03, 0.0, CSDS, "community therapy contacts"),
    "cs_beds": _unchecked(-0.01, 0.01, -0.03, CSDS, "community hospital admissions"),
    "mh_contacts": _unchecked(0.02, 0.04, 0.0, MHSDS, "mental health contacts"),
    "mh_beds": _unchecked(-0.01, 0.01, -0.03, MHSDS, "mental health admissions"),
    "gp_appointments": _with_note(
        replace(
            _unchecked(
                0.01,
                0.03,
                0.0,
                "NHS England, Appointments in General Practice (indicative)",
                "general practice appointments",
            ),
            url="https://suppr.wilddata.cn/browses/detail/pubmed/39638593",
        ),
        " Read, but no range follows: Wyatt, Mohammed, de Dumast and Marshall, BMJ Open "
        "2024;14:e088845, doi:10.1136/bmjopen-2024-088845 (the abstract, on a PubMed mirror "
        "page) give crude consultations per person-year rising "
        "from 1995 to 2012, then falling to 2019 (CPRD Gold 5.12 to 4.59, Aurum 4.89 to 4.76, "
        "about -1.5 % and -0.4 % a year), and from 2019 to 2021 rising in Aurum (5.40, half "
        "of its rise a new electronic-messaging code) but falling in Gold (4.12). Those are "
        "rates per person, net of population growth but not of ageing, and they do not "
        "support the 1-3 % a year of the range, which should be read with care.",
    ),
    "sc_home_care": _social_care(_unchecked(0.01, 0.03, 0.0, ASC, "home care hours")),
    "sc_care_home": _social_care(_unchecked(-0.01, 0.01, -0.03, ASC, "care home placements")),
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
