"""Intervals against independent formulas and published values."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from me_utils.analysis.intervals import garwood_ci, rate_ci, wilson_ci


def wilson_closed_form(x, n, z=1.959963984540054):
    # Wilson (1927) closed form, written out independently of statsmodels.
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_wilson_published_example():
    lo, hi = wilson_ci(7, 50)
    assert round(lo, 4) == 0.0695 and round(hi, 4) == 0.2619


def test_wilson_matches_closed_form_and_scipy():
    for x, n in [(0, 10), (1, 7), (23, 65), (152, 405), (1898, 4590), (10, 10)]:
        lo, hi = wilson_ci(x, n)
        elo, ehi = wilson_closed_form(x, n)
        assert math.isclose(lo, elo, abs_tol=1e-9) and math.isclose(hi, ehi, abs_tol=1e-9)
        ci = stats.binomtest(x, n).proportion_ci(method="wilson")
        assert math.isclose(lo, ci.low, abs_tol=1e-9) and math.isclose(hi, ci.high, abs_tol=1e-9)


def test_wilson_vectorised_and_zero_denominator():
    lo, hi = wilson_ci(np.array([7, 0]), np.array([50, 0]))
    assert round(lo[0], 4) == 0.0695 and math.isnan(lo[1]) and math.isnan(hi[1])


def test_garwood_known_values():
    # Exact Poisson limits (Garwood 1936) as tabulated: x=0 → (0, 3.689); x=5 → (1.6235, 11.6683)
    assert garwood_ci(0) == (0.0, garwood_ci(0)[1])
    assert round(garwood_ci(0)[1], 3) == 3.689
    lo, hi = garwood_ci(5)
    assert round(lo, 4) == 1.6235 and round(hi, 4) == 11.6683


def test_garwood_coverage_definition():
    # The limits solve P(X >= x | lo) = 0.025 and P(X <= x | hi) = 0.025.
    for x in (1, 4, 17, 250):
        lo, hi = garwood_ci(x)
        assert math.isclose(stats.poisson.sf(x - 1, lo), 0.025, rel_tol=1e-6)
        assert math.isclose(stats.poisson.cdf(x, hi), 0.025, rel_tol=1e-6)


def test_rate_ci_per_100k():
    rate, lo, hi = rate_ci(5, 250_000)
    assert math.isclose(rate, 2.0)
    assert math.isclose(lo, 1.6235 / 2.5, rel_tol=1e-4) and math.isclose(hi, 11.6683 / 2.5, rel_tol=1e-4)
