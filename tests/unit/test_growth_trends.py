"""The growth trends' data: every point of delivery has one, a checked range names its source,
and the ranges taken from The Strategy Unit's elicitation are the report's figures."""

from datetime import date

import pytest

from footprint.engine.demand.library import ELICITATION_URL, HES, TRENDS
from footprint.engine.demand.pods import CODES


def test_every_point_of_delivery_has_a_trend_and_nothing_else_does() -> None:
    assert set(TRENDS) == set(CODES)


@pytest.mark.parametrize("code", sorted(TRENDS))
def test_each_trend_is_plausible_and_says_where_it_stands(code: str) -> None:
    trend = TRENDS[code]
    # yearly growth beyond demography: within ±10 % a year, the interval the right way round
    assert -0.1 <= trend.growth.low <= trend.growth.high <= 0.1
    assert -0.1 <= trend.lowest <= 0.1
    assert trend.source.strip()  # the floor's source, which the heroic-plan message cites
    # a checked range names its source, the page read and what was found; every trend has a
    # note, saying what was found or why the range is unchecked
    assert trend.evidence_note and trend.evidence_note.strip()
    if trend.verified:
        assert trend.verified == date(2026, 11, 30)
        assert trend.url and trend.growth_source and "(indicative)" not in trend.growth_source
    else:
        assert trend.evidence_note.startswith("Unchecked")


def test_the_checked_ranges_are_the_elicitations_pooled_intervals() -> None:
    """The report's executive summary: elective admissions 0.0–2.7 %, outpatient attendances
    0.0–4.9 %, A&E attendances −0.5–3.5 %, non-elective admissions −0.4–2.7 % a year (pooled
    P10–P90, all nine experts)."""
    checked = {code: (t.growth.low, t.growth.high) for code, t in TRENDS.items() if t.verified}
    assert checked == {
        "ip_elective": (0.0, 0.027),
        "ip_daycase": (0.0, 0.027),
        "op_first": (0.0, 0.049),
        "op_first_remote": (0.0, 0.049),
        "op_followup": (0.0, 0.049),
        "op_followup_remote": (0.0, 0.049),
        "ae": (-0.005, 0.035),
        "ip_emergency": (-0.004, 0.027),
    }
    assert {TRENDS[c].url for c in checked} == {ELICITATION_URL}
    for code in checked:
        note = TRENDS[code].evidence_note or ""
        assert "beyond demography" in note and "variant 2" in note
    assert "day cases" in (TRENDS["ip_daycase"].evidence_note or "")
    assert "tele-attendances" in (TRENDS["op_followup_remote"].evidence_note or "")


def test_a_and_e_and_emergency_admissions_name_their_floor_and_nhps_primary_rate() -> None:
    """Their floors keep their own sources; the notes give the source's interval and NHP's
    primary rate (variant 2) for comparison."""
    ae, emergency = TRENDS["ae"], TRENDS["ip_emergency"]
    assert ae.source.startswith("NHS England, A&E attendances") and emergency.source == HES
    assert "-0.5 % to 3.5 %" in (ae.evidence_note or "")
    assert "1.21 % to 1.41 %" in (ae.evidence_note or "")
    assert "-0.4 % to 2.7 %" in (emergency.evidence_note or "")
    assert "-0.45 % to 0.17 %" in (emergency.evidence_note or "")


def test_settings_outside_hospital_are_unchecked() -> None:
    outside = [c for c in TRENDS if not c.startswith(("ae", "ip_", "op_"))]
    assert len(outside) == 11
    for code in outside:
        trend = TRENDS[code]
        assert trend.verified is None and trend.growth_source is None
        assert "(indicative)" in trend.source
        assert (trend.evidence_note or "").startswith("Unchecked")
    # ambulances, general practice and social care have a page read, from which no range
    # follows
    assert [c for c in outside if TRENDS[c].url] == [
        "amb_hear_treat",
        "amb_see_treat",
        "amb_conveyed",
        "gp_appointments",
        "sc_home_care",
        "sc_care_home",
    ]
    assert "BMJ Open 2024" in (TRENDS["gp_appointments"].evidence_note or "")
    conveyed = TRENDS["amb_conveyed"].evidence_note or ""
    assert "4.8 % a year (95 % CI 4.3 % to 5.3 %) beyond demographic change" in conveyed
    assert "1.91 times" in conveyed and "no range follows" in conveyed
