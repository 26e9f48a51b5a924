"""Once the 2025 figure is observed, a missed 2025 target is 'behind', never 'on track'."""

from __future__ import annotations

import math

from me_utils.analysis.assess import assess_series


def test_missed_2025_target_is_behind_and_trend_looks_to_2030():
    # 70 → 79.5 over 2021–2025, target 80 (2025) and 90 (2030): UNSD at horizon 0 would give
    # r = (79.5−70)/(80−70) = 0.95 → "on track" for a target already missed.
    a = assess_series(
        [2021, 2022, 2023, 2024, 2025],
        [70, 72.5, 75, 77, 79.5],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=80,
        target_2030=90,
    )
    assert a.target_2025_met is False
    assert a.summary == "behind"
    assert a.target_year == 2030 and a.target == 90
    assert "target_2025_missed" in a.notes and "assessed_against_2030" in a.notes
    # UNSD toward 2030: CAGR = (79.5/70)^(1/4) − 1; v̂_2030 = 79.5·(1+CAGR)^5; r = (v̂−70)/(90−70)
    g = (79.5 / 70) ** 0.25 - 1
    r = (79.5 * (1 + g) ** 5 - 70) / 20
    assert math.isclose(a.results["unsd"].metric, r, rel_tol=1e-9)
    assert a.statuses["unsd"] == (
        "on_track" if r >= 0.95 else "acceleration_needed" if r >= 0.10 else "stagnation_regression"
    )


def test_met_2025_target_is_achieved_even_if_2030_is_far():
    a = assess_series(
        [2021, 2023, 2025],
        [50, 56, 61],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=60,
        target_2030=75,
    )
    assert a.target_2025_met is True and a.summary == "achieved"


def test_only_a_past_target_gives_achieved_or_not_achieved():
    a = assess_series(
        [2021, 2023, 2025],
        [20, 22, 24],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=30,
        target_2030=None,
    )
    assert set(a.statuses.values()) == {"not_achieved"} and a.summary == "behind"
    b = assess_series(
        [2021, 2023, 2025],
        [20, 25, 31],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=30,
        target_2030=None,
    )
    assert set(b.statuses.values()) == {"achieved"} and b.summary == "achieved"


def test_before_2025_the_2025_target_is_assessed():
    # Worked example of methods-and-anchors §2.5: 20 (2021) → 24 (2024), target 30 in 2025.
    a = assess_series(
        [2021, 2022, 2024],
        [20, 21, 24],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=30,
        target_2030=40,
        period_end=2024,
    )
    assert a.target_year == 2025 and a.target_2025_met is None
    assert a.statuses["statcan"] == "limited_progress"
    assert a.statuses["unsd"] == "acceleration_needed"
