"""Progress assessment: the worked examples of methods-and-anchors §2.5 / escap-method §6,
edge cases, and property tests.

Expected numbers are computed in the tests from the published formulas (or copied from the
reference worked example), not from the code under test.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from me_utils.analysis.assess import (
    STATUS_RANK,
    AssessSettings,
    assess_escap,
    assess_series,
    assess_statcan,
    assess_unsd,
    gap_to_target,
    meets,
)

# ------------------------------------------------------------------ worked example (§2.5, §6)
# Base 2021 = 20, latest 2024 = 24, target 30 by 2025, increase desired.


def test_worked_example_unsd():
    cagr = (24 / 20) ** (1 / 3) - 1
    proj = 24 * (1 + cagr)
    r = (proj - 20) / (30 - 20)
    assert proj == pytest.approx(25.504, abs=5e-4) and r == pytest.approx(0.55, abs=5e-3)
    res = assess_unsd(2021, 20, 2024, 24, 30, 2025, "increase")
    assert res.metric == pytest.approx(r, rel=1e-12)
    assert res.status == "acceleration_needed"  # "score 2 (acceleration needed)"


def test_worked_example_statcan():
    res = assess_statcan(2021, 20, 2024, 24, 30, 2025, "increase")
    assert res.details["cagr"] == pytest.approx(0.0627, abs=5e-5)
    assert res.details["cagr_required"] == pytest.approx(0.10668, abs=5e-6)
    assert res.metric == pytest.approx(0.587, abs=5e-4)
    assert res.status == "limited_progress"  # R < 60 %


def test_worked_example_escap_two_points():
    res = assess_escap([2021, 2024], [20, 24], 30, 2025, "increase", base_year=2021)
    d = res.details
    assert d["csi"] == pytest.approx(0.400) and d["expected"] == pytest.approx(0.750)
    assert d["csi_status"] == "behind"
    assert d["projected"] == pytest.approx(25.333, abs=5e-4)
    assert res.metric == pytest.approx(0.467, abs=5e-4)
    assert res.status == "accelerate"


def test_worked_example_mirrored_decrease():
    res = assess_escap([2021, 2024], [80, 76], 70, 2025, "decrease", base_year=2021)
    assert res.details["csi"] == pytest.approx(0.4)
    assert res.details["projected"] == pytest.approx(74.667, abs=5e-4)
    assert res.metric == pytest.approx(0.467, abs=5e-4) and res.status == "accelerate"
    # CAGR methods on the mirrored series, computed by hand
    g = (76 / 80) ** (1 / 3) - 1
    gT = (70 / 80) ** (1 / 4) - 1
    R = -g / abs(gT)
    assert assess_statcan(2021, 80, 2024, 76, 70, 2025, "decrease").metric == pytest.approx(R)
    r = (76 * (1 + g) - 80) / (70 - 80)
    u = assess_unsd(2021, 80, 2024, 76, 70, 2025, "decrease")
    assert u.metric == pytest.approx(r) and u.status == "acceleration_needed"


def test_worked_example_beyond_target():
    res = assess_escap([2021, 2024], [20, 32], 30, 2025, "increase", base_year=2021)
    assert res.details["csi"] == pytest.approx(1.2) and res.details["csi_capped"] == 1.0
    assert res.details["projected"] == pytest.approx(36.0)
    assert res.metric == pytest.approx(-0.6) and res.status == "maintain"
    assert assess_unsd(2021, 20, 2024, 32, 30, 2025, "increase").status == "achieved"
    assert assess_statcan(2021, 20, 2024, 32, 30, 2025, "increase").status == "achieved"


def test_worked_example_regressing():
    res = assess_escap([2021, 2024], [20, 18], 30, 2025, "increase", base_year=2021)
    assert res.details["csi"] == pytest.approx(-0.2) and res.details["csi_status"] == "regressed"
    assert res.details["projected"] == pytest.approx(17.333, abs=5e-4)
    assert res.metric == pytest.approx(1.267, abs=5e-4) and res.status == "reverse"
    assert assess_statcan(2021, 20, 2024, 18, 30, 2025, "increase").status == "deterioration"
    assert assess_unsd(2021, 20, 2024, 18, 30, 2025, "increase").status == "stagnation_regression"


def test_worked_example_four_points():
    res = assess_escap([2021, 2022, 2023, 2024], [20, 21, 23, 24], 30, 2025, "increase", base_year=2021)
    assert res.details["slope"] == pytest.approx(1.379, abs=5e-4)
    assert res.details["projected"] == pytest.approx(25.448, abs=5e-4)
    assert res.metric == pytest.approx(0.455, abs=5e-4) and res.status == "accelerate"


def test_series_assessment_side_by_side_and_headline():
    kw = dict(direction="increase", kind="proportion", scale=100, target_2025=30, target_2030=40, fit_model=False)
    # UNSD and StatCan read base and latest only (20 → 24 as in the worked example); ESCAP needs
    # the middle point, which keeps its slope positive and its gap G > 0
    a = assess_series([2021, 2022, 2024], [20, 21, 24], **kw)
    assert a.statuses == {"unsd": "acceleration_needed", "statcan": "limited_progress", "escap": "accelerate"}
    assert a.headline == "acceleration_needed" and a.summary == "behind"
    assert a.gap == pytest.approx(6.0)
    # two points: the minimum-information rule (issue 13) refuses every trend status
    two = assess_series([2021, 2024], [20, 24], **kw)
    assert set(two.statuses.values()) == {"insufficient_data"} and "info:few_points|n=2|min=3" in two.notes
    b = assess_series([2021, 2022, 2024], [20, 21, 24], settings=AssessSettings(headline_method="escap"), **kw)
    assert b.headline == "accelerate"
    with pytest.raises(ValueError):
        AssessSettings(headline_method="oecd")


# ------------------------------------------------------------------ edge cases
def test_one_point_insufficient_unless_target_met():
    kw = dict(direction="increase", kind="proportion", scale=100, target_2025=30)
    a = assess_series([2024], [24], **kw)
    assert set(a.statuses.values()) == {"insufficient_data"} and a.summary == "no_data"
    assert a.fit is None and "one_point" in a.notes
    b = assess_series([2024], [31], **kw)
    # UNSD and StatCan's own rule (latest meets the target); ESCAP has no trend from one point
    assert b.statuses == {"unsd": "achieved", "statcan": "achieved", "escap": "insufficient_data"}
    assert b.summary == "achieved"


def test_no_observations_is_no_data():
    a = assess_series([], [], direction="increase", kind="proportion", scale=100, target_2025=30)
    assert a.summary == "no_data" and a.n_points == 0 and math.isnan(a.gap)


def test_gaps_use_actual_year_differences():
    full = assess_unsd(2021, 20, 2024, 24, 30, 2025, "increase")
    kw = dict(direction="increase", kind="proportion", scale=100, target_2025=30, fit_model=False)
    a = assess_series([2021, 2022, 2024], [20, 21, 24], **kw)
    assert a.results["unsd"].metric == pytest.approx(full.metric)
    b = assess_series([2021, 2022, 2023], [20, 22, 24], **kw)
    g = (24 / 20) ** 0.5 - 1
    assert b.results["unsd"].metric == pytest.approx((24 * (1 + g) ** 2 - 20) / 10)


def test_zero_values_never_enter_a_logarithm():
    with np.errstate(divide="raise", invalid="raise"):
        u = assess_unsd(2021, 0, 2024, 5, 30, 2025, "increase")
        s = assess_statcan(2021, 0, 2024, 5, 30, 2025, "increase")
    # zero base: the growth rate is undefined — "not computable", never a 0.001 stand-in
    assert u.status == s.status == "not_computable" and math.isnan(s.metric)
    # issue 13's example: 0, 0, 0, 10 % against 30 % was "on track" by UNSD and StatCan
    a = assess_series(
        np.arange(2021, 2025),
        [0, 0, 0, 10],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=30,
        numerators=[0, 0, 0, 10],
        denominators=[100] * 4,
    )
    assert a.statuses["unsd"] == a.statuses["statcan"] == "not_computable"
    # Decrease towards a zero target: CAGR_T = (0/10)^(1/4) − 1 = −1 is well defined, no substitute
    s2 = assess_statcan(2021, 10, 2024, 4, 0, 2025, "decrease")
    g = (4 / 10) ** (1 / 3) - 1
    assert s2.metric == pytest.approx(-g / 1.0) and s2.status == "limited_progress" and not s2.warnings
    z = assess_series(
        np.arange(2021, 2025),
        [0, 0, 0, 0],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=10,
        numerators=[0, 0, 0, 0],
        denominators=[50, 50, 50, 50],
    )
    assert z.fit is not None and 0.001 <= z.prob_reach[2025] <= 0.999


def test_target_at_bound_unsd_one_point_rule():
    u = assess_unsd(2021, 95, 2024, 99.2, 100, 2025, "reach")
    # UNSD's own bound rule has its own code: never read as "target achieved" (issue 13)
    assert u.status == "achieved_bound"
    s = assess_statcan(2021, 95, 2024, 99.2, 100, 2025, "reach")
    assert s.status != "achieved"
    # The tolerance is one point of the scale: in fractions (scale 1) it is 0.01
    assert assess_unsd(2021, 0.95, 2024, 0.992, 1.0, 2025, "reach", scale=1.0).status == "achieved_bound"
    assert assess_unsd(2021, 0.95, 2024, 0.985, 1.0, 2025, "reach", scale=1.0).status != "achieved"


def test_cap_sex_ratio():
    kw = dict(direction="cap", kind="ratio", scale=100, target_2025=111, target_2030=109, fit_model=False)
    a = assess_series([2021, 2022, 2023, 2024], [116, 115, 113.5, 112.5], **kw)
    assert a.statuses["escap"] in ("accelerate", "maintain") and a.gap == pytest.approx(1.5)
    b = assess_series([2021, 2022, 2024], [116, 113, 110.5], **kw)
    assert b.summary == "achieved" and b.statuses["unsd"] == "achieved"
    c = assess_series([2021, 2022, 2024], [110, 111.5, 113], **kw)  # base met the cap, then moved away
    assert c.statuses == {"unsd": "stagnation_regression", "statcan": "deterioration", "escap": "reverse"}


def test_strict_comparator():
    assert meets(30, 30, "decrease") and not meets(30, 30, "decrease", "<")
    a = assess_series(
        [2021, 2024],
        [35, 30],
        direction="decrease",
        kind="proportion",
        scale=100,
        target_2025=30,
        comparators={2025: "<"},
        fit_model=False,
    )
    assert a.summary != "achieved"


def test_term_indicator_refuses_trend():
    a = assess_series(
        [2021, 2022, 2023, 2024],
        [30, 30, 30, 30],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=35,
        periodicity="term",
    )
    assert set(a.statuses.values()) == {"term_indicator"} and a.fit is None
    assert "term_no_trend" in a.notes and a.summary == "behind" and not a.projection


def test_binary_indicator():
    a = assess_series([2022, 2023, 2024], [0, 0, 1], direction="reach", kind="binary", scale=1, target_2025=1)
    assert a.summary == "achieved" and a.fit is None
    b = assess_series([2022, 2023, 2024], [0, 0, 0], direction="reach", kind="binary", scale=1, target_2025=1)
    assert b.statuses["unsd"] == "not_achieved" and b.summary == "behind"


def test_probability_uses_observed_value_for_observed_year():
    a = assess_series(
        np.arange(2021, 2026),
        [20, 22, 24, 27, 29],
        direction="increase",
        kind="proportion",
        scale=100,
        target_2025=30,
        target_2030=40,
    )
    # 2025 is observed: the figure answers it, no probability (never an exact 0 or 1)
    assert math.isnan(a.prob_reach[2025]) and 0 < a.prob_reach[2030] < 1


def test_gap_direction():
    assert gap_to_target(24, 30, "increase") == 6
    assert gap_to_target(24, 30, "decrease") == -6


# ------------------------------------------------------------------ properties
pos = st.floats(min_value=0.5, max_value=90, allow_nan=False)


@st.composite
def series(draw):
    n = draw(st.integers(3, 5))  # the minimum-information rule needs 3 points for any trend status
    years = sorted(draw(st.lists(st.integers(2021, 2025), min_size=n, max_size=n, unique=True)))
    vals = [draw(pos) for _ in years]
    target = draw(st.floats(min_value=1, max_value=95))
    return np.array(years, float), np.array(vals), target


def _statuses(years, vals, target, direction, scale=100.0):
    a = assess_series(
        years, vals, direction=direction, kind="proportion", scale=scale, target_2025=target, fit_model=False
    )
    return a.statuses


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(series(), st.floats(min_value=0.0, max_value=50.0))
def test_raising_latest_never_worsens_increase(s, bump):
    years, vals, target = s
    before = _statuses(years, vals, target, "increase")
    up = vals.copy()
    up[-1] = up[-1] + bump
    after = _statuses(years, up, target, "increase")
    for m, ranks in STATUS_RANK.items():
        assert ranks[after[m]] >= ranks[before[m]], (m, before[m], after[m])


@FAST
@given(series(), st.floats(min_value=0.0, max_value=50.0))
def test_lowering_latest_never_worsens_decrease(s, drop):
    years, vals, target = s
    before = _statuses(years, vals, target, "decrease")
    down = vals.copy()
    down[-1] = max(down[-1] - drop, 0.5)
    after = _statuses(years, down, target, "decrease")
    for m, ranks in STATUS_RANK.items():
        assert ranks[after[m]] >= ranks[before[m]], (m, before[m], after[m])


@FAST
@given(series())
def test_mirrored_series_mirrored_status_escap(s):
    """ESCAP's ratios are differences, so reflecting v → 100 − v (and the target) and flipping the
    direction gives exactly the same status. The CAGR methods (UNSD, StatCan) work on growth
    ratios and are *not* reflection-symmetric — see the next test."""
    years, vals, target = s
    a = _statuses(years, vals, target, "increase")
    b = _statuses(years, 100 - vals, 100 - target, "decrease")
    assert a["escap"] == b["escap"]


@FAST
@given(series())
def test_mirrored_series_by_reciprocal_cagr_methods(s):
    """For growth-rate methods the natural mirror of an increase is the reciprocal series
    (v → k/v, target → k/TV): the observed and required CAGRs change sign together, so the
    'achieved' verdict and the sign of progress (improving vs deteriorating) mirror exactly."""
    years, vals, target = s
    k = 1000.0
    a = assess_series(years, vals, direction="increase", kind="ratio", scale=1, target_2025=target, fit_model=False)
    b = assess_series(
        years, k / vals, direction="decrease", kind="ratio", scale=1, target_2025=k / target, fit_model=False
    )
    for m in ("unsd", "statcan"):
        assert (a.statuses[m] == "achieved") == (b.statuses[m] == "achieved")
    ra, rb = a.results["statcan"], b.results["statcan"]
    if ra.status != "achieved" and not math.isinf(ra.metric) and abs(ra.metric) > 1e-9:
        assert np.sign(ra.metric) == np.sign(rb.metric)


def test_cagr_methods_not_reflection_symmetric_example():
    """A documented disagreement: the additive mirror changes the StatCan label."""
    inc = assess_statcan(2021, 20, 2024, 26, 30, 2025, "increase")  # R ≈ 0.85 → acceleration needed
    dec = assess_statcan(2021, 80, 2024, 74, 70, 2025, "decrease")
    assert inc.metric == pytest.approx((((26 / 20) ** (1 / 3)) - 1) / ((30 / 20) ** 0.25 - 1))
    assert inc.metric != pytest.approx(dec.metric, abs=1e-3)


@FAST
@given(series(), st.sampled_from(["increase", "decrease"]), st.floats(min_value=0.01, max_value=1000))
def test_rescaling_units_changes_no_status(s, direction, k):
    years, vals, target = s
    a = _statuses(years, vals, target, direction, scale=100.0)
    b = _statuses(years, vals * k, target * k, direction, scale=100.0 * k)
    assert a == b


def test_escap_latest_beyond_target_is_maintain_even_if_projection_dips():
    # reach 100 %: 100, 100, 95, 100 — the weighted projection dips below 100 but the latest
    # value meets the target: MAINTAIN (escap-method §4, "value already beyond target").
    r = assess_escap([2021, 2022, 2023, 2024], [100, 100, 95, 100], 100, 2025, "reach", base_year=2021, bounds=(0, 100))
    assert r.details["projected"] < 100 and r.status == "maintain"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(2019, 2026),
            st.one_of(st.just(float("nan")), st.floats(0, 100)),
            st.one_of(st.just(float("nan")), st.integers(0, 60).map(float)),
            st.one_of(st.just(float("nan")), st.integers(0, 60).map(float)),
        ),
        max_size=7,
    ),
    st.sampled_from(["proportion", "rate", "ratio", "count", "binary"]),
    st.sampled_from(["increase", "decrease", "reach", "cap"]),
    st.one_of(st.none(), st.floats(0, 100)),
    st.sampled_from(["annual", "survey", "term"]),
)
def test_messy_series_always_give_an_answer(rows, kind, direction, target, periodicity):
    """Gaps, duplicates, NaN, zeros, numerators above denominators: an answer, never a crash."""
    years = [r[0] for r in rows]
    a = assess_series(
        years,
        [r[1] for r in rows],
        direction=direction,
        kind=kind,
        scale=100.0,
        target_2025=target,
        target_2030=target,
        numerators=[r[2] for r in rows],
        denominators=[r[3] for r in rows],
        periodicity=periodicity,
    )
    assert a.summary in ("achieved", "on_track", "behind", "no_data")
    for p in a.prob_reach.values():
        assert math.isnan(p) or 0.0 <= p <= 1.0
    for fit, lo, _hi in a.projection.values():
        if not math.isnan(lo):
            assert lo <= fit + 1e-6 or math.isnan(fit)
