"""OPEL scoring by hand, on the shipped (placeholder) values and on a small framework of our own
so the arithmetic does not hang on numbers that may change."""

from __future__ import annotations

import pytest

from footprint.engine import opel
from footprint.engine.opel import Framework, Parameter, ProviderType

TINY = Framework(
    name="test",
    source="test",
    parameters={
        ProviderType.ACUTE: (
            Parameter("occ", "Bed occupancy", "%", (90, 95, 100), weight=2.0, confirmed=True),
            Parameter("four", "4-hour", "%", (80, 70, 60), higher_is_worse=False, confirmed=True),
        ),
        ProviderType.COMMUNITY: (Parameter("vw", "Virtual ward", "%", (80, 90, 100)),),
        ProviderType.MENTAL_HEALTH: (Parameter("oap", "Out of area", "people", (1, 2, 3)),),
        ProviderType.NHS_111: (Parameter("ab", "Abandoned", "%", (3, 5, 10)),),
    },
    level_bands=(25.0, 50.0, 75.0),
    level_bands_confirmed=True,
    pillar_weights={
        ProviderType.ACUTE: 3.0,
        ProviderType.COMMUNITY: 1.0,
        ProviderType.MENTAL_HEALTH: 1.0,
        ProviderType.NHS_111: 1.0,
    },
    pillar_weights_confirmed=True,
)


def test_points_count_thresholds_reached_in_the_worse_direction() -> None:
    occ, four = TINY.parameters[ProviderType.ACUTE]
    assert [occ.points(v) for v in (89.9, 90, 96, 100, 120)] == [0, 1, 2, 3, 3]
    assert [four.points(v) for v in (85, 80, 75, 60, 10)] == [0, 1, 1, 3, 3]
    with pytest.raises(ValueError, match="Bed occupancy"):
        occ.points(float("nan"))


def test_provider_score_by_hand() -> None:
    # occupancy 96 %: 2 points × weight 2 = 4; 4-hour 72 %: 1 point × 1 = 1; of at most 9
    result = opel.provider_score(ProviderType.ACUTE, {"occ": 96, "four": 72}, TINY)
    assert result.points == {"occ": 2, "four": 1}
    assert result.score == pytest.approx(100 * 5 / 9)  # 55.6
    assert result.level == 3  # 50 ≤ score < 75
    only_occ = opel.provider_score(ProviderType.ACUTE, {"occ": 101}, TINY)
    assert only_occ.score == 100.0 and only_occ.level == 4 and only_occ.missing == ("four",)
    calm = opel.provider_score(ProviderType.ACUTE, {"occ": 80, "four": 90}, TINY)
    assert (calm.score, calm.level) == (0.0, 1)


def test_bad_parameters_are_named() -> None:
    with pytest.raises(ValueError, match=r"unknown OPEL parameter.*beds"):
        opel.provider_score(ProviderType.ACUTE, {"occ": 90, "beds": 3}, TINY)
    with pytest.raises(ValueError, match="no OPEL parameters"):
        opel.provider_score(ProviderType.NHS_111, {}, TINY)


def test_system_score_weights_pillars_and_averages_providers() -> None:
    acute_a = opel.provider_score(ProviderType.ACUTE, {"occ": 100, "four": 50}, TINY)  # 100
    acute_b = opel.provider_score(ProviderType.ACUTE, {"occ": 80, "four": 90}, TINY)  # 0
    community = opel.provider_score(ProviderType.COMMUNITY, {"vw": 95}, TINY)  # 2/3 → 66.7
    result = opel.system_score([acute_a, acute_b, community], TINY)
    assert result.pillars[ProviderType.ACUTE] == (50.0, 3)
    assert result.pillars[ProviderType.COMMUNITY][1] == 3
    assert ProviderType.NHS_111 not in result.pillars
    # (50 × 3 + 66.67 × 1) / 4 = 54.2
    assert result.score == pytest.approx((50 * 3 + 200 / 3) / 4)
    assert result.level == 3
    with pytest.raises(ValueError, match="at least one"):
        opel.system_score([], TINY)


def test_shipped_framework_names_its_source_and_flags_what_is_unconfirmed() -> None:
    framework = opel.OPEL_2024_26
    assert "2024 to 2026" in framework.source and framework.source.endswith("2026/")
    assert set(framework.parameters) == set(ProviderType)
    unconfirmed = framework.unconfirmed()
    # nothing in the shipped values was checked against the published tables (see docs/flow.md)
    total = sum(len(p) for p in framework.parameters.values())
    assert len(unconfirmed) == total + 2
    assert "acute: General and acute bed occupancy" in unconfirmed
    assert TINY.unconfirmed() == [
        "community: Virtual ward",
        "mental_health: Out of area",
        "nhs_111: Abandoned",
    ]


def test_shipped_framework_scores_a_stretched_acute_trust() -> None:
    values = {
        "handover_mean": 40,  # 2
        "handover_60": 12,  # 2
        "four_hour": 65,  # 2
        "ed_12_hours": 11,  # 3
        "ed_occupancy": 130,  # 3
        "ga_occupancy": 97,  # 2
        "nctr_share": 16,  # 2
    }
    result = opel.provider_score(ProviderType.ACUTE, values)
    assert sum(result.points.values()) == 16
    assert result.score == pytest.approx(100 * 16 / 21)  # 76.2
    assert result.level == 4
