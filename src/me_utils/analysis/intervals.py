"""Confidence intervals used for every proportion, count and rate a report shows.

- Proportions: Wilson score interval (statsmodels ``proportion_confint(method='wilson')``;
  statsmodels' default is the normal approximation, which breaks for small n and p near 0/1).
- Counts and rates: exact Garwood (chi-square) interval for a Poisson count.
"""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

Z95 = 1.959963984540054


def wilson_ci(successes, trials, level: float = 0.95):
    """Wilson score interval of a proportion.

    Inputs: ``successes`` and ``trials`` (counts, scalars or arrays), ``level`` (e.g. 0.95).
    Output: ``(lower, upper)`` as proportions in [0, 1] (NaN where ``trials`` is 0).
    Example: ``wilson_ci(7, 50)`` → (0.0695, 0.2619).
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe_n = np.where(n > 0, n, 1.0)
        lo, hi = proportion_confint(x, safe_n, alpha=1 - level, method="wilson")
    lo = np.where(n > 0, lo, np.nan)
    hi = np.where(n > 0, hi, np.nan)
    if lo.ndim == 0:
        return float(lo), float(hi)
    return lo, hi


def garwood_ci(count, level: float = 0.95):
    """Exact (Garwood) interval for a Poisson count.

    Input: observed count(s) ``count`` ≥ 0. Output: ``(lower, upper)`` in counts;
    lower is 0 when the count is 0. Uses chi-square quantiles:
    lower = χ²(α/2; 2x)/2, upper = χ²(1−α/2; 2x+2)/2.
    """
    x = np.asarray(count, dtype=float)
    a = 1 - level
    with np.errstate(invalid="ignore"):
        lo = np.where(x > 0, stats.chi2.ppf(a / 2, 2 * x) / 2, 0.0)
        hi = stats.chi2.ppf(1 - a / 2, 2 * x + 2) / 2
    if np.ndim(lo) == 0:
        return float(lo), float(hi)
    return lo, hi


def rate_ci(count, exposure, per: float = 100_000, level: float = 0.95):
    """Exact interval of a rate ``count / exposure × per`` (e.g. per 100,000 women and girls).

    Output: ``(rate, lower, upper)`` in units of ``per``; NaN where exposure is 0.
    """
    c = np.asarray(count, dtype=float)
    e = np.asarray(exposure, dtype=float)
    lo, hi = garwood_ci(c, level)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe = np.where(e > 0, e, np.nan)
        out = (c / safe * per, np.asarray(lo) / safe * per, np.asarray(hi) / safe * per)
    if np.ndim(out[0]) == 0:
        return tuple(float(v) for v in out)
    return out


def figure_intervals(kind, scale, value, numerator, denominator, level: float = 0.95) -> np.ndarray:
    """95 % intervals of many figures at once, in each figure's own unit.

    Inputs: equal-length arrays (``kind`` text; the rest floats). Wilson for proportions,
    exact Poisson (Garwood) for rates, ratios and counts; NaN where no interval applies.
    Output: float array of shape (n, 2).
    """
    kind = np.asarray(kind, dtype=object)
    scale, val, num, den = (np.asarray(x, dtype="float64") for x in (scale, value, numerator, denominator))
    out = np.full((len(kind), 2), np.nan)
    fin = np.isfinite(num) & np.isfinite(den)
    prop = (kind == "proportion") & fin & (den > 0) & (num >= 0) & (num <= den)
    if prop.any():
        lo, hi = wilson_ci(num[prop], den[prop], level)
        out[prop] = np.column_stack([lo, hi]) * scale[prop, None]
    rate = np.isin(kind, ["rate", "ratio"]) & fin & (den > 0) & (num >= 0)
    if rate.any():
        _, lo, hi = rate_ci(num[rate], den[rate], per=1.0, level=level)
        out[rate] = np.column_stack([lo, hi]) * scale[rate, None]
    c = np.where(np.isfinite(num), num, val)
    whole = np.mod(np.where(np.isfinite(c), c, 0.5), 1) == 0
    cnt = (kind == "count") & np.isfinite(c) & (c >= 0) & whole
    if cnt.any():
        lo, hi = garwood_ci(c[cnt], level)
        out[cnt] = np.column_stack([np.atleast_1d(lo), np.atleast_1d(hi)])
    return out
