"""The scheme library's data: every entry has a cohort, a plausible range and a citation, and
every entry marked verified names the page read and what it found (issue 17, item 15)."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib.resources import files
from pathlib import Path

import pytest

from footprint.engine.demand import library

RAW = json.loads(
    files("footprint.engine.demand").joinpath("library.json").read_text(encoding="utf-8")
)
CHECKED = date(2026, 11, 30)
RECHECKED = date(2026, 12, 1)  # five more entries checked against the elicitation
DOCS = Path(__file__).resolve().parents[2] / "docs" / "demand.md"


def test_the_library_has_at_least_forty_entries_with_unique_keys() -> None:
    assert len(library.LIBRARY) >= 40
    assert len({e.key for e in library.LIBRARY}) == len(library.LIBRARY) == len(RAW)


@pytest.mark.parametrize("entry", library.LIBRARY, ids=lambda e: e.key)
def test_every_entry_has_a_cohort_a_range_below_one_and_a_citation(
    entry: library.Evidence,
) -> None:
    raw = next(r for r in RAW if r["key"] == entry.key)
    assert "cohort" in raw  # the cohort is stated, even when it is everyone at that point
    assert 0 <= entry.share.low <= entry.share.high < 1
    assert len(entry.source.strip()) > 20  # a citation, not a placeholder
    assert entry.evidence_note  # what the source found, or why the entry is unchecked


@pytest.mark.parametrize("entry", library.LIBRARY, ids=lambda e: e.key)
def test_every_verified_entry_names_the_page_read_and_what_it_found(
    entry: library.Evidence,
) -> None:
    if entry.verified is None:
        assert "unchecked" in (entry.evidence_note or "") or "Not yet checked" in (
            entry.evidence_note or ""
        )
        return
    assert entry.verified in (CHECKED, RECHECKED)
    assert entry.url and entry.url.startswith(("https://", "http://"))
    assert entry.evidence_note and len(entry.evidence_note) > 40


def test_the_checked_entries_hold_the_figures_their_sources_give() -> None:
    by_key = library.BY_KEY
    # Sherrington 2019: rate ratio 0.77 (95 % CI 0.71 to 0.83); the range is 1 minus the CI
    falls = by_key["falls_prevention"]
    assert (falls.share.low, falls.share.high) == (0.17, 0.29)
    assert "0.71 to 0.83" in (falls.evidence_note or "")
    # the National Elicitation Exercise: smoking related admissions p10 1.1 %, p90 40.0 %
    smoking = by_key["smoking_cessation"]
    assert (smoking.share.low, smoking.share.high) == (0.011, 0.40)
    assert smoking.url and "NEE_table.csv" in smoking.url
    # the Whole Systems Demonstrator found no effect of telecare on social care use
    telecare = by_key["telecare"]
    assert (telecare.share.low, telecare.share.high) == (0.0, 0.0)
    assert "Age and Ageing 2013" in telecare.source


def test_the_entries_checked_on_a_neighbouring_cohort_or_a_second_source_say_so() -> None:
    by_key = library.BY_KEY
    # GP streaming and NHS 111 First: the elicitation's low cost discharged A&E attendances,
    # child ambulance p10 0.9 % to adult ambulance p90 59.9 %; both notes name the shared cohort
    for key in ("ae_streaming", "nhs_111_first"):
        entry = by_key[key]
        assert (entry.share.low, entry.share.high) == (0.009, 0.599)
        assert entry.url and "NEE_table.csv" in entry.url
        assert "Low cost discharged attendances" in (entry.evidence_note or "")
        assert "together they should stay" in (entry.evidence_note or "")
    # early discharge to hospital at home: older people's emergency stays (4.0-39.3 %), so the
    # cohort is now 75 and over, as the elicitation's is
    early = by_key["early_discharge_hospital_at_home"]
    assert (early.share.low, early.share.high, early.cohort.age_low) == (0.04, 0.393, 75)
    # crisis resolution: no significant difference (Jacobs and Barrenho) to 23 % (Glover et al.)
    crisis = by_key["crisis_home_treatment"]
    assert (crisis.share.low, crisis.share.high) == (0.0, 0.23)
    assert crisis.url and "17077435" in crisis.url and "23 %" in (crisis.evidence_note or "")
    # extra care housing: 1 - 10/19 to 1 - 8/19 entering institutional care in five years
    extra = by_key["extra_care_housing"]
    assert (extra.share.low, extra.share.high) == (0.474, 0.579)
    assert extra.share.low == pytest.approx(1 - 10 / 19, abs=5e-4)
    assert extra.share.high == pytest.approx(1 - 8 / 19, abs=5e-4)
    # neighbourhood teams: no effect early on, to 1 - 1.035/1.12 (both integration programmes
    # against neither, 2013-2018)
    teams = by_key["neighbourhood_teams"]
    assert (teams.share.low, teams.share.high) == (0.0, 0.076)
    assert teams.share.high == pytest.approx(1 - 1.035 / 1.12, abs=5e-4)
    # read but no range follows: the note says what was found, and the entry stays unchecked
    for key in ("reablement", "falls_response", "pharmacy_first"):
        entry = by_key[key]
        assert entry.verified is None and "no range follows" in (entry.evidence_note or "")


def test_most_entries_are_verified_and_the_rest_are_marked_unverified() -> None:
    verified = [e.key for e in library.LIBRARY if e.verified]
    unverified = [e.key for e in library.LIBRARY if e.verified is None]
    assert len(verified) >= 40
    assert len(verified) + len(unverified) == len(library.LIBRARY)
    assert all("verified" in r for r in RAW)  # stated for every entry, null when unchecked


def test_the_guide_gives_the_library_s_counts_and_names_every_unverified_entry() -> None:
    text = " ".join(DOCS.read_text(encoding="utf-8").split())
    verified = [e for e in library.LIBRARY if e.verified]
    unverified = [e for e in library.LIBRARY if e.verified is None]
    assert f"**The scheme library** has {len(library.LIBRARY)} entries" in text
    assert f"**{len(verified)} entries are verified.**" in text
    assert f"**{len(unverified)} entries are unverified**" in text
    listed = text[text.index(f"**{len(unverified)} entries are unverified**") :]
    listed = listed[: listed.index("Their ranges")].lower()
    for entry in unverified:  # each named in the list (by the words the guide uses)
        words = re.sub(r"_", " ", entry.key)
        assert words in listed or entry.name.lower() in listed, entry.key


def test_a_verified_entry_without_its_page_or_note_is_refused() -> None:
    entry = {
        "key": "x",
        "name": "X",
        "pod": "ip_emergency",
        "effect": "avoid",
        "cohort": {},
        "share": {"low": 0.0, "high": 0.1},
        "source": "Someone S. Something. Somewhere, 2020",
        "verified": "2026-11-30",
    }
    with pytest.raises(ValueError, match=r"library entry 1 \(x\): a verified entry names"):
        library.parse([entry])
    with pytest.raises(ValueError, match=r"library entry 1 \(x\): Invalid isoformat"):
        library.parse([{**entry, "verified": "30/11/2026"}])
    parsed = library.parse([{**entry, "url": "https://example.org/x", "evidence_note": "RR 0.9"}])
    assert parsed[0].verified == date(2026, 11, 30)
    # an entry without the new fields (a partnership's own file) still parses, unverified
    plain = {k: v for k, v in entry.items() if k != "verified"}
    assert library.parse([plain])[0].verified is None
