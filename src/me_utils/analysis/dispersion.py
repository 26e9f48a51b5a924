"""Pooling across the series of one unit: overdispersion estimated family by family
(method of moments on the Pearson residuals) and an empirical-Bayes prior on the slopes.

Works on fitted :class:`~me_utils.analysis.predictive.TrendFit` objects (duck-typed: ``family``,
``is_glm``, ``dispersion_terms``, ``params``, ``cov``, ``with_dispersion``, ``with_slope_prior``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dispersion:
    """A dispersion estimate: ``family`` (``binomial``: ``value`` = ρ; ``poisson``: ``value`` = α),
    ``df`` (residual degrees of freedom behind it) and ``n_series`` (series pooled)."""

    family: str
    value: float
    df: int
    n_series: int = 1


def estimate_dispersion(fits, family: str) -> Dispersion:
    """Pool the overdispersion of several GLM fits of one ``family`` (method of moments).

    ``ρ̂ = max(0, Σ(r² − (1 − h)) / Σ(1 − h)(n − 1))`` for the binomial family and
    ``α̂ = max(0, Σ(r² − (1 − h)) / Σ(1 − h)μ)`` for the Poisson family, the sums running over
    every point of every series (``r`` Pearson residuals, ``h`` leverages). Why: under the
    beta-binomial (NB2) model ``E[r²] ≈ (1 − h)·(1 + s·ρ)`` with ``s = n − 1`` (``s = μ``), so the
    ratio is unbiased to first order, and pooling turns 1–4 residual df per series into
    tens. The floor at 0 keeps the variance factor ≥ 1 (quasi-likelihood with a floor).
    Output: :class:`Dispersion` (value 0, df 0 when no fit has residual df).
    """
    num = den = 0.0
    df = n = 0
    for f in fits:
        if f is None or f.family != family:
            continue
        a, b, d = f.dispersion_terms()
        if d <= 0:
            continue
        num, den, df, n = num + a, den + b, df + d, n + 1
    value = max(num / den, 0.0) if den > 0 else 0.0
    return Dispersion(family, float(value), int(df), n)


def pool_dispersion(fits) -> dict:
    """Pooled :class:`Dispersion` per family of the given fits: ``{"binomial": …, "poisson": …}``."""
    return {fam: estimate_dispersion(fits, fam) for fam in ("binomial", "poisson")}


#: Fewest series of one family needed to estimate the spread of slopes (empirical Bayes).
MIN_SERIES_FOR_PRIOR = 4


def slope_prior(fits, family: str) -> float:
    """Variance τ² of true slopes across the fits of one ``family`` (link scale, per year²).

    Model: ``b̂_i ~ N(0, τ² + V_i)`` (``V_i`` the slope's own variance; 0 = no change). τ²
    is the posterior mean of τ² under a uniform prior on τ (Gelman 2006), computed on a grid:
    unlike the method-of-moments or maximum-likelihood value it is never 0 and does not
    over-shrink when only a dozen series are pooled. ``inf`` (no shrinkage) with fewer than
    :data:`MIN_SERIES_FOR_PRIOR` series.
    """
    b, v = [], []
    for f in fits:
        if f is None or f.family != family or not np.all(np.isfinite(f.cov)):
            continue
        b.append(float(f.params[1]))
        v.append(float(f.cov[1, 1]))
    if len(b) < MIN_SERIES_FOR_PRIOR:
        return float("inf")
    b, v = np.asarray(b), np.asarray(v)
    top = 3.0 * math.sqrt(float(np.max(b * b + v)))
    tau = np.linspace(0.0, top, 400)[:, None]
    var = tau * tau + v[None, :]
    loglik = -0.5 * np.sum(np.log(var) + b * b / var, axis=1)
    w = np.exp(loglik - loglik.max())
    return float(np.sum(w * tau[:, 0] ** 2) / np.sum(w))


def pool_fits(fits) -> list:
    """The scorecard's pooling of a unit's GLM fits, family by family: dispersion pooled
    (:func:`estimate_dispersion`), then slopes shrunk by an empirical-Bayes prior
    (:func:`slope_prior`). Linear fits and None pass through unchanged. Output: list aligned
    with ``fits``.
    """
    fits = list(fits)
    disp = pool_dispersion(fits)
    out = []
    for f in fits:
        if f is not None and f.is_glm and disp[f.family].df > 0:
            f = f.with_dispersion(disp[f.family].value, disp[f.family].df, "pooled")
        out.append(f)
    tau2 = {fam: slope_prior(out, fam) for fam in ("binomial", "poisson")}
    return [f.with_slope_prior(tau2[f.family]) if f is not None and f.is_glm else f for f in out]
