"""Robust statistics of issue 13: dispersion with 3–6 points, φ's uncertainty, degenerate fits,
tolerances, exact-tail funnel flags. Expectations by hand, scipy or simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from me_utils.analysis import assess, funnel, trends


def _betabin(rng, n, p, rho):
    c = 1 / rho - 1
    return rng.binomial(n, rng.beta(p * c, (1 - p) * c))


# ------------------------------------------------------------------ pooled dispersion
def test_pooled_dispersion_recovers_rho_from_four_point_series():
    """40 series of 4 points (n = 200, ρ = 0.03): the pooled moment estimate finds ρ; binomial
    series give ρ̂ near 0 — where a χ²/df > 1.5 gate on 2 df fires on a fifth of them."""
    rng = np.random.default_rng(2025)
    years = np.arange(2021, 2025)
    p = special.expit(-0.5 + 0.1 * (years - 2024))
    over = [trends.fit_binomial(years, _betabin(rng, 200, p, 0.03), np.full(4, 200), 100) for _ in range(40)]
    plain = [trends.fit_binomial(years, rng.binomial(200, p), np.full(4, 200), 100) for _ in range(40)]
    d_over, d_plain = trends.estimate_dispersion(over, "binomial"), trends.estimate_dispersion(plain, "binomial")
    assert d_over.df == 80 and d_over.n_series == 40
    assert d_over.value == pytest.approx(0.03, abs=0.012)
    assert d_plain.value < 0.004
    # what the old gate did: Pearson χ²/df > 1.5 on 2 df, P(χ²_2/2 > 1.5) = e^−1.5 = 22 %
    assert stats.chi2.sf(3.0, 2) == pytest.approx(math.exp(-1.5))


def test_dispersion_uncertainty_is_carried_as_a_t_predictor():
    years = np.arange(2021, 2025)
    f = trends.fit_binomial(years, [40, 52, 47, 60], [200, 210, 190, 205], 100)
    narrow = f.with_dispersion(0.01, 1000)
    wide = f.with_dispersion(0.01, 2)
    a, b = narrow.predict([2030]).iloc[0], wide.predict([2030]).iloc[0]
    assert b["pred_high"] - b["pred_low"] > a["pred_high"] - a["pred_low"]
    # simulation reference for the df = 2 predictor: η ~ η̂ + se·t₂, beta-binomial future count
    rng = np.random.default_rng(8)
    eta, se = wide._eta(2030)
    pp = special.expit(eta + se * rng.standard_t(2, 400_000))
    sims = _betabin(rng, 205, np.clip(pp, 1e-12, 1 - 1e-12), 0.01) / 205 * 100
    assert wide.prob_reach(2030, 40, "increase") == pytest.approx((sims >= 40).mean(), abs=0.006)


def test_slope_prior_shrinks_noise_slopes_toward_no_change():
    rng = np.random.default_rng(4)
    years = np.arange(2021, 2025)
    fits = [trends.fit_binomial(years, rng.binomial(100, 0.4, 4), np.full(4, 100), 100) for _ in range(12)]
    tau2 = trends.slope_prior(fits, "binomial")
    # true slopes are all 0: τ² is far below the slopes' own sampling variance
    assert 0 < tau2 < np.mean([f.cov[1, 1] for f in fits])
    shrunk = trends.pool_fits(fits)
    assert all(abs(s.params[1]) <= abs(f.params[1]) + 1e-12 for s, f in zip(shrunk, fits))
    assert trends.slope_prior(fits[:3], "binomial") == math.inf  # too few series: no shrinkage


# ------------------------------------------------------------------ degenerate fits
def test_exactly_linear_series_has_no_zero_width_interval_or_certain_probability():
    years = np.array([2021, 2022, 2023, 2024.0])
    f = trends.fit_linear(years, [1.0, 2.0, 3.0, 4.0])
    floor = (0.01**2) / 12  # rounding noise of a figure printed with 2 decimals
    assert f.sigma2 == pytest.approx(floor)
    pr = f.predict([2025]).iloc[0]
    se_pred = math.sqrt(floor * (1 + 1 / 4 + (2025 - 2022.5) ** 2 / 5))
    tq = stats.t.ppf(0.975, 2)
    assert (pr["pred_low"], pr["pred_high"]) == pytest.approx((5 - tq * se_pred, 5 + tq * se_pred))
    assert pr["pred_high"] > pr["pred_low"]
    assert f.prob_reach(2025, 5.0, "increase") == pytest.approx(0.5)  # on the line: a coin toss
    assert f.prob_reach(2025, 4.0, "increase") == 1 - trends.PROB_FLOOR
    assert f.prob_reach(2025, 6.0, "increase") == trends.PROB_FLOOR


def test_proportion_levels_floor_at_binomial_noise():
    # no numerators, but the latest denominator (400) is known: σ² ≥ p(1 − p)/n · 100²
    years = np.arange(2021, 2025)
    f = trends.choose_and_fit(
        years,
        [20.0, 22.0, 24.0, 26.0],
        kind="proportion",
        scale=100,
        numerators=[np.nan] * 4,
        denominators=[np.nan, np.nan, np.nan, 400],
    )
    assert f.model == "ols" and f.sigma2 == pytest.approx(0.26 * 0.74 / 400 * 1e4)


def test_all_zero_binomial_series_never_gives_a_certain_probability():
    f = trends.fit_binomial(np.arange(2021, 2025), [0, 0, 0, 0], [80, 80, 80, 80], 100)
    p = f.prob_reach(2025, 30, "increase")
    assert trends.PROB_FLOOR <= p <= 1 - trends.PROB_FLOOR


# ------------------------------------------------------------------ tolerances
def test_escap_gap_of_floating_point_noise_is_zero():
    # 10, 20, 30 → 50 in 2025 exactly on the line; floating point leaves G ≈ 1.3e-14 > 0
    r = assess.assess_escap([2021, 2022, 2023], [10, 20, 30], 50, 2025, "increase")
    assert 0 < r.metric < 1e-12 and r.status == "maintain"
    assert assess.le(2.3e-14, 0.0) and not assess.le(1e-6, 0.0)
    assert assess.ge(0.95 - 1e-12, 0.95) and not assess.ge(0.949, 0.95)


# ------------------------------------------------------------------ funnel: exact tails
def test_funnel_flags_by_exact_tail_false_flag_rate():
    """At 95 %, p₀ = 0.3, n = 5–60: the exact-tail rule false-flags about 2.9 % of in-control
    units and never more than 5 %; comparing with the interpolated limit flagged 5.2 % on average."""
    rates_exact, rates_interp = [], []
    for n in range(5, 61):
        k = np.arange(n + 1)
        pmf = stats.binom.pmf(k, n, 0.3)
        pos = funnel.exact_position("proportion", k, np.full(n + 1, n), 0.3, 0.95)
        rates_exact.append(pmf[pos != "within"].sum())
        lim = funnel.binomial_limits(0.3, [n], [0.95]).iloc[0]
        v = k / n
        rates_interp.append(pmf[(v < lim["lower_95"]) | (v > lim["upper_95"])].sum())
    # hand rule: flagged iff a tail probability (scipy) is below 2.5 %
    n = 20
    k = np.arange(n + 1)
    hand = (stats.binom.sf(k - 1, n, 0.3) < 0.025) | (stats.binom.cdf(k, n, 0.3) < 0.025)
    assert (funnel.exact_position("proportion", k, np.full(n + 1, n), 0.3, 0.95) != "within").tolist() == hand.tolist()
    assert max(rates_exact) <= 0.05
    assert np.mean(rates_exact) == pytest.approx(0.029, abs=0.003)
    assert np.mean(rates_interp) == pytest.approx(0.052, abs=0.003)


def test_funnel_table_uses_exact_tails_when_not_overdispersed():
    # 4 of 6 at p₀ = 0.3 lies above the interpolated 95 % limit (3.76 of 6) but its exact upper tail
    # P(X ≥ 4) = 0.0705 (scipy) is not below 2.5 %: no flag; 19 of 40 has P(X ≥ 19) = 0.013: flagged
    assert stats.binom.sf(3, 6, 0.3) == pytest.approx(0.07047, abs=1e-5)
    lim = funnel.binomial_limits(0.3, [6], [0.95]).iloc[0]
    assert 4 / 6 > lim["upper_95"]
    units = list("ABCDEFGHIJ")
    tab, od = funnel.funnel_table(
        units, [2, 1, 2, 4, 12, 11, 13, 12, 12, 19], [6] * 4 + [40] * 6, "proportion", theta0=0.3
    )
    assert not od["overdispersed"]  # φ = 0.74: the exact limits apply
    pos = tab.set_index("unit")["position_95"]
    assert pos["D"] == "within" and pos["J"] == "above"
    assert (pos.drop(["J"]) == "within").all()
