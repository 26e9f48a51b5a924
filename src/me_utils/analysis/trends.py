"""Trend models for indicator series and their projections to the target years.

The model is chosen by what the series carries, not by a user switch:

==============================================  =============================================
series                                          model
==============================================  =============================================
proportion with numerator and denominator        binomial GLM (logit link) on year
count, rate or ratio with numerator (+ exposure) Poisson GLM (log link) on year, offset
                                                 log(exposure); quasi-Poisson (default) or
                                                 negative binomial when Pearson χ²/df > 1.5
anything else (levels, ratios, shares without    OLS on year; WLS with the ESCAP time weights
denominators)                                    ``w_i = (T − t_1)/(T − t_i)`` as an option
==============================================  =============================================

Overdispersion (extra-binomial or extra-Poisson variation) is always estimated, never gated:
with 3–6 yearly points a Pearson χ²/df test on 1–4 degrees of freedom fires on a fifth of truly
binomial series and misses a third of overdispersed ones. The variance model is the
beta-binomial one, ``Var(X) = n·p(1 − p)·(1 + (n − 1)ρ)`` with intra-class correlation ρ ≥ 0, or
the negative-binomial (NB2) one, ``Var(Y) = μ(1 + αμ)`` with α ≥ 0 — so the dispersion factor is
floored at 1 (a series can never be declared *less* variable than its own binomial/Poisson
noise). ρ or α is a method-of-moments estimate from the leverage-corrected Pearson residuals
(:func:`estimate_dispersion`), pooled across the series of one family in one unit when the
caller has them (:func:`pool_dispersion`, used by the scorecard) or from the series alone.
The slope's covariance is the sandwich ``A⁻¹(XᵀWΦX)A⁻¹`` of the binomial/Poisson likelihood.

Projections (:meth:`TrendFit.predict`) give, for any year, the fitted value, a confidence
interval of the fitted mean, and a **prediction interval** of the value that will be reported:

* GLMs — the predictive distribution mixes the uncertainty of the linear predictor with the
  sampling of the future figure itself: beta-binomial (or binomial) for a given future
  denominator, negative binomial (or Poisson) for a given future exposure. The linear
  predictor is a **Student t** with the residual degrees of freedom of the dispersion estimate
  (pooled df when pooled), so the uncertainty of ρ/α is carried into every probability; it is
  integrated with Gauss–Legendre quadrature on the probability scale (nodes at t quantiles),
  deterministic and about a hundred times faster than simulation. The future
  denominator/exposure is the latest observed one (assumption: the population served stays
  at its latest size).
* Linear models — the classical t-based prediction interval with n − 2 degrees of freedom; the
  residual variance is floored at the observation's own sampling or rounding noise, so an
  exactly linear series never gives a zero-width interval.

Probabilities of reaching a target (:meth:`TrendFit.prob_reach`) come from the same predictive
distribution, are direction-aware — P(Y ≥ TV) for ``increase``/``reach``, P(Y ≤ TV) for
``decrease``/``cap`` — and are kept inside [PROB_FLOOR, 1 − PROB_FLOOR]: a trend fitted to a
handful of points cannot justify certainty.

Units: years are calendar years; values are in the indicator's own unit (percent as 0–100,
rates per ``scale``), numerators and denominators are counts.

This module fits; the fitted object and its predictive distribution are in
:mod:`me_utils.analysis.predictive`, the pooling across series in
:mod:`me_utils.analysis.dispersion` (both re-exported here).
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
from scipy import special

from me_utils.analysis.dispersion import (  # noqa: F401 (re-exported)
    MIN_SERIES_FOR_PRIOR,
    Dispersion,
    estimate_dispersion,
    pool_dispersion,
    pool_fits,
    slope_prior,
)
from me_utils.analysis.predictive import (  # noqa: F401 (re-exported)
    BETABIN_MAX_N,
    COUNT_OVERDISPERSION,
    LEVEL_MODELS,
    MODEL_LABELS,
    OVERDISPERSION_THRESHOLD,
    PROB_FLOOR,
    QUAD_NODES,
    ZERO_CORRECTION,
    TrendFit,
    clip_probability,
    quad_nodes,
    solve2,
)
from me_utils.core import errors as _errors


class InsufficientData(_errors.ReportError, ValueError):
    """Raised when a series has fewer than two distinct years: no trend can be fitted."""


def escap_weights(years, target_year: float) -> np.ndarray:
    """ESCAP time weights ``w_i = (T − t_1)/(T − t_i)`` for observation years ``years``.

    The oldest point gets weight 1 and weights grow as ``t_i`` approaches ``T``. When the data
    already reach ``T`` the weight would be infinite, so ``T`` is moved to one year after the
    latest observation (documented assumption; it only matters once the target year is observed).
    Output: array of weights (dimensionless), same length as ``years``.
    """
    t = np.asarray(years, dtype=float)
    T = max(float(target_year), float(t.max()) + 1.0)
    return (T - t.min()) / (T - t)


def wls_line(years, values, weights=None):
    """Closed-form (weighted) least-squares line ``y = a + b·(t − t̄_w)``.

    Inputs: years, values (same length ≥ 2), optional positive weights (default 1).
    Output: dict with ``tbar`` (weighted mean year), ``ybar``, ``slope`` (units per year),
    ``sxx`` (Σw(t − t̄)²), ``sw`` (Σw), ``rss`` (Σw·residual²), ``n``.
    """
    t = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    w = np.ones_like(t) if weights is None else np.asarray(weights, dtype=float)
    sw = w.sum()
    tbar = (w * t).sum() / sw
    ybar = (w * y).sum() / sw
    dt = t - tbar
    sxx = (w * dt * dt).sum()
    b = (w * dt * (y - ybar)).sum() / sxx if sxx > 0 else np.nan
    resid = y - (ybar + b * dt)
    return {
        "tbar": tbar,
        "ybar": ybar,
        "slope": b,
        "sxx": sxx,
        "sw": sw,
        "rss": float((w * resid * resid).sum()),
        "n": len(t),
    }


def _moment_pieces(x, w, r2, s, cov0):
    """Leverages and excess Pearson terms of a GLM fit (see :func:`estimate_dispersion`)."""
    h = w * (cov0[0, 0] + 2 * cov0[0, 1] * x + cov0[1, 1] * x * x)
    omh = np.clip(1.0 - h, 0.0, 1.0)
    return r2 - omh, omh


# ---------------------------------------------------------------------- fitting
def n_distinct(sorted_years) -> int:
    """Number of distinct values of a sorted 1-D array (cheaper than ``np.unique``)."""
    t = np.asarray(sorted_years)
    return int(len(t) > 0) + int(np.count_nonzero(t[1:] != t[:-1]))


def _prepare(years, *arrays):
    t = np.asarray(years, dtype=float)
    order = np.argsort(t, kind="stable")
    out = [t[order]] + [None if a is None else np.asarray(a, dtype=float)[order] for a in arrays]
    if n_distinct(out[0]) < 2:
        raise InsufficientData("a trend needs at least two distinct years")
    return out


#: A GLM slope beyond this (per year, on the link scale) means separation, not a trend: a logit
#: change of 10 a year takes a share from 1 % to 99 % in under a year.
MAX_LINK_SLOPE = 10.0


def _fit_ok(beta, cov) -> bool:
    return bool(np.all(np.isfinite(beta)) and np.all(np.isfinite(cov)) and abs(beta[1]) <= MAX_LINK_SLOPE)


def _irls(x, y, n, family: str, offset=None, max_iter: int = 50, tol: float = 1e-10):
    """Iteratively reweighted least squares for a binomial (logit) or Poisson (log) GLM with
    design [1, x] (x = centred year).

    Returns ``(beta, cov_unscaled, mu)``. Used instead of statsmodels' GLM in the fast path (the
    fit is a 2×2 system, solved in closed form); ``tests/test_trends.py`` checks both agree.
    ``n`` is the binomial denominator (ignored for Poisson); ``y`` the count of successes/events.
    """
    off = np.zeros(len(y)) if offset is None else offset
    if family == "binomial":
        p0 = (y + 0.5) / (n + 1.0)
        z = np.log(p0 / (1 - p0))
    else:
        z = np.log(y + 0.5) - off  # starting values on the log scale, offset removed
    beta, _ = solve2(np.ones_like(z), x, z)
    for _ in range(max_iter):
        eta = beta[0] + beta[1] * x + off
        if family == "binomial":
            p = special.expit(eta)
            w = n * p * (1 - p)
            z = eta - off + (y - n * p) / np.maximum(w, 1e-300)
        else:
            mu = np.exp(eta)
            w = mu
            z = eta - off + (y - mu) / np.maximum(mu, 1e-300)
        new, _ = solve2(w, x, z)
        if not np.all(np.isfinite(new)) or abs(new[1]) > 50:
            beta = new if not np.all(np.isfinite(new)) else np.array([new[0], np.sign(new[1]) * np.inf])
            break
        done = np.max(np.abs(new - beta)) < tol * (1 + np.max(np.abs(beta)))
        beta = new
        if done:
            break
    eta = beta[0] + beta[1] * x + off
    if family == "binomial":
        p = special.expit(eta)
        mu, w = n * p, n * p * (1 - p)
    else:
        mu = np.exp(eta)
        w = mu
    _, cov = solve2(w, x, np.zeros_like(x))
    return beta, cov, mu


def _apply_dispersion(fit: TrendFit, dispersion: Dispersion | None) -> TrendFit:
    """Use the caller's (pooled) dispersion when given, else the series' own estimate."""
    if dispersion is not None and dispersion.family == fit.family and dispersion.df > 0:
        return fit.with_dispersion(dispersion.value, dispersion.df, "pooled")
    own = estimate_dispersion([fit], fit.family)
    if own.df > 0:
        return fit.with_dispersion(own.value, own.df, "series")
    return fit


def fit_binomial(
    years,
    numerators,
    denominators,
    scale: float = 100.0,
    *,
    dispersion: Dispersion | None = None,
    engine: str = "numpy",
) -> TrendFit:
    """Binomial GLM (logit link) of ``numerators/denominators`` on year, with beta-binomial
    variance.

    Inputs: years; numerators and denominators (counts, denominators > 0); ``scale`` (100 for
    percent); ``dispersion``: a pooled :class:`Dispersion` of the binomial family (from
    :func:`estimate_dispersion`) or None to estimate ρ from this series alone (floored at 0;
    two points: ρ = 0, normal predictor). ``engine``: ``"numpy"`` (fast IRLS, default) or
    ``"statsmodels"`` (``sm.GLM``); both give the same estimates. Output: :class:`TrendFit`
    with values in indicator units; ``pearson_ratio`` is Pearson χ²/df (display only).
    """
    t, x, n = _prepare(years, numerators, denominators)
    if np.any(n <= 0) or np.any(x < 0) or np.any(x > n):
        raise ValueError("binomial trend needs 0 ≤ numerator ≤ denominator and denominator > 0")
    notes = []
    xf = x.copy()
    nf = n.copy()
    if np.all(x == 0) or np.all(x == n):
        # The MLE slope does not exist (all at a bound); add ½ to successes and failures.
        xf = x + ZERO_CORRECTION
        nf = n + 2 * ZERO_CORRECTION
        notes.append("all observations at 0% or 100%: ½ added to successes and failures")
    year0 = float(t.mean())
    X = np.column_stack([np.ones_like(t), t - year0])

    def _fit(xf, nf):
        if engine == "statsmodels":
            import statsmodels.api as sm

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = sm.GLM(np.column_stack([xf, nf - xf]), X, family=sm.families.Binomial()).fit()
            return np.asarray(res.params), np.asarray(res.cov_params()), np.asarray(res.fittedvalues) * nf
        with np.errstate(all="ignore"):
            return _irls(t - year0, xf, nf, "binomial")

    beta, cov0, mu = _fit(xf, nf)
    if not _fit_ok(beta, cov0) and not notes:
        # Quasi-separation (e.g. 0 % for years, then 100 %): the slope runs off to infinity.
        xf, nf = x + ZERO_CORRECTION, n + 2 * ZERO_CORRECTION
        notes.append("separation (values at 0% or 100%): ½ added to successes and failures")
        beta, cov0, mu = _fit(xf, nf)
    if not _fit_ok(beta, cov0):
        raise ValueError("binomial GLM did not converge")
    df = len(t) - 2
    p = mu / nf
    w = nf * p * (1 - p)
    xc = t - year0
    r2 = (xf - mu) ** 2 / np.maximum(w, 1e-300)
    pearson = float(r2.sum() / df) if df > 0 else float("nan")
    excess, omh = _moment_pieces(xc, w, r2, nf - 1.0, cov0)
    fit = TrendFit(
        model="binomial_glm",
        kind="proportion",
        scale=scale,
        years=t,
        values=x / n * scale,
        params=beta,
        cov=cov0,
        year0=year0,
        link="logit",
        dispersion=1.0,
        df_resid=df,
        future_size=float(n[-1]),
        bounds=(0.0, scale),
        pearson_ratio=pearson,
        notes=notes,
        _x=xc,
        _w=w,
        _s=nf - 1.0,
        _excess=excess,
        _one_minus_h=omh,
    )
    fit = _apply_dispersion(fit, dispersion)
    if fit.rho > 0:
        fit.notes.append(f"overdispersed: beta-binomial ρ = {fit.rho:.3g} ({fit.dispersion_source}, {fit.t_df:.0f} df)")
    return fit


def fit_poisson(
    years,
    counts,
    exposure=None,
    scale: float = 1.0,
    *,
    kind: str = "count",
    overdispersion: str = "quasi",
    dispersion: Dispersion | None = None,
    engine: str = "numpy",
) -> TrendFit:
    """Poisson GLM (log link) of ``counts`` on year with offset ``log(exposure)``, with
    negative-binomial (NB2) variance.

    Inputs: years; counts (events); exposure (population or denominator count; default 1);
    ``scale`` (e.g. 100000 for a rate per 100,000). The value is ``count/exposure × scale``.
    ``overdispersion="quasi"`` (default): α by the method of moments — pooled when
    ``dispersion`` (a Poisson-family :class:`Dispersion`) is given, else this series' own,
    floored at 0 — with the sandwich covariance and a t predictor; ``"negbin"``: α by maximum
    likelihood (statsmodels) when the series is overdispersed (Pearson χ²/df >
    :data:`OVERDISPERSION_THRESHOLD`). Output: :class:`TrendFit`.
    """
    if overdispersion not in COUNT_OVERDISPERSION:
        raise ValueError(f"overdispersion must be one of {COUNT_OVERDISPERSION}")
    t, y, e = _prepare(years, counts, exposure)
    if e is None:
        e = np.ones_like(t)
    if np.any(e <= 0) or np.any(y < 0):
        raise ValueError("Poisson trend needs counts ≥ 0 and exposure > 0")
    notes = []
    yf = y.copy()
    if np.all(y == 0):
        yf = y + ZERO_CORRECTION
        notes.append("no events in any year: ½ added to every count")
    year0 = float(t.mean())
    X = np.column_stack([np.ones_like(t), t - year0])
    off = np.log(e)

    def _fit(yf):
        if engine == "statsmodels":
            import statsmodels.api as sm

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = sm.GLM(yf, X, family=sm.families.Poisson(), offset=off).fit()
            return np.asarray(res.params), np.asarray(res.cov_params()), np.asarray(res.fittedvalues)
        with np.errstate(all="ignore"):
            return _irls(t - year0, yf, None, "poisson", offset=off)

    beta, cov0, mu = _fit(yf)
    if not _fit_ok(beta, cov0) and not notes:
        # Zeros in the early years then events: the log-linear slope can run off to infinity.
        yf = y + ZERO_CORRECTION
        notes.append("separation (zero counts): ½ added to every count")
        beta, cov0, mu = _fit(yf)
    if not _fit_ok(beta, cov0):
        raise ValueError("Poisson GLM did not converge")
    df = len(t) - 2
    xc = t - year0
    r2 = (yf - mu) ** 2 / np.maximum(mu, 1e-300)
    pearson = float(r2.sum() / df) if df > 0 else float("nan")
    excess, omh = _moment_pieces(xc, mu, r2, mu, cov0)
    fit = TrendFit(
        model="poisson_glm",
        kind=kind,
        scale=scale,
        years=t,
        values=y / e * scale,
        params=beta,
        cov=cov0,
        year0=year0,
        link="log",
        df_resid=df,
        future_size=float(e[-1]),
        bounds=(0.0, np.inf),
        pearson_ratio=pearson,
        notes=notes,
        _x=xc,
        _w=mu,
        _s=mu,
        _excess=excess,
        _one_minus_h=omh,
    )
    if overdispersion == "negbin" and df > 0 and pearson > OVERDISPERSION_THRESHOLD:
        import statsmodels.api as sm

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nb = sm.NegativeBinomial(yf, X, offset=off).fit(disp=0, maxiter=200)
        alpha = float(nb.params[-1])
        fit = replace(
            fit,
            model="negbin_glm",
            alpha=alpha,
            params=np.asarray(nb.params[:2]),
            cov=np.asarray(nb.cov_params())[:2, :2],
            t_df=float(df),
            dispersion_source="ml",
        )
        fit.notes.append(f"overdispersed (Pearson χ²/df = {pearson:.2f}): negative binomial, α = {alpha:.3g}")
        return fit
    fit = _apply_dispersion(fit, dispersion)
    if fit.alpha > 0:
        fit.notes.append(
            f"overdispersed: negative-binomial α = {fit.alpha:.3g} ({fit.dispersion_source}, {fit.t_df:.0f} df)"
        )
    return fit


def rounding_noise(values, decimals: int = 1) -> float:
    """Variance of the rounding error of figures printed with ``decimals`` decimals
    (uniform on ± half a unit of the last digit: ``(10^−d)²/12``)."""
    return float((10.0**-decimals) ** 2 / 12.0)


def fit_linear(
    years,
    values,
    *,
    kind: str = "ratio",
    scale: float = 1.0,
    model: str = "ols",
    weight_target_year: float = 2030,
    bounds=None,
    noise_var: float | None = None,
) -> TrendFit:
    """OLS (or ESCAP time-weighted WLS) line of ``values`` on year.

    Inputs: years; values (indicator units); ``model`` ``"ols"`` or ``"wls_escap"`` (weights
    :func:`escap_weights` for ``weight_target_year``); ``bounds`` (natural range, default
    [0, scale] for proportions, [0, ∞) otherwise); ``noise_var``: the variance of one
    observation's own sampling noise (e.g. p(1 − p)/n·scale² for a proportion with a known
    denominator), used as a floor of the residual variance — default the rounding noise of a
    figure printed with 2 decimals. The residual variance is estimated with n − 2 degrees of
    freedom and never falls below the floor, so an exactly linear series does not get a
    zero-width interval or a probability of exactly 0 or 1. A new observation is given the
    variance of a weight-1 (the oldest, least-weighted) point, the conservative reading of time
    weights as relevance rather than precision. Output: :class:`TrendFit` (identity link).
    """
    if model not in LEVEL_MODELS:
        raise ValueError(f"model must be one of {LEVEL_MODELS}")
    t, y = _prepare(years, values)
    w = escap_weights(t, weight_target_year) if model == "wls_escap" else np.ones_like(t)
    line = wls_line(t, y, w)
    df = len(t) - 2
    floor = rounding_noise(y, 2) if noise_var is None or not np.isfinite(noise_var) else max(float(noise_var), 0.0)
    notes = [] if df > 0 else ["two points: the line passes through both, no uncertainty can be estimated"]
    sigma2 = line["rss"] / df if df > 0 else float("nan")
    if df > 0 and sigma2 < floor:
        notes.append("residual variance below the observations' own noise: floored at that noise")
        sigma2 = floor
    year0 = line["tbar"]
    params = np.array([line["ybar"], line["slope"]])
    cov = np.array([[sigma2 / line["sw"], 0.0], [0.0, sigma2 / line["sxx"]]]) if df > 0 else np.full((2, 2), np.nan)
    if bounds is None:
        bounds = (0.0, scale) if kind == "proportion" else (0.0, np.inf)
    if model == "wls_escap":
        notes.append("time weights w_i = (T − t_1)/(T − t_i)")
    return TrendFit(
        model=model,
        kind=kind,
        scale=scale,
        years=t,
        values=y,
        params=params,
        cov=np.nan_to_num(cov, nan=0.0) if df > 0 else cov,
        year0=year0,
        link="identity",
        df_resid=df,
        sigma2=sigma2,
        weights=w,
        weight_target_year=weight_target_year,
        bounds=bounds,
        notes=notes,
        t_df=float(df) if df > 0 else float("inf"),
    )


def choose_and_fit(
    years,
    values,
    *,
    kind: str,
    scale: float,
    numerators=None,
    denominators=None,
    level_model: str = "ols",
    count_overdispersion: str = "quasi",
    weight_target_year: float = 2030,
    engine: str = "numpy",
    dispersion: dict | None = None,
) -> TrendFit:
    """Fit the model the series calls for (see the module docstring for the rules).

    Inputs: years, values (indicator units) and, when available, numerators/denominators
    (counts; NaN where missing). ``kind`` and ``scale`` come from the catalogue. A GLM is used
    only when every year has a numerator (and, for proportions, a positive denominator);
    otherwise the values are modelled as levels (residual variance floored at the binomial
    noise of the latest known denominator, or at rounding noise). ``dispersion``: pooled
    estimates by family (:func:`pool_dispersion`), or None for each series' own. Raises
    :class:`InsufficientData` for fewer than two distinct years.
    """
    t = np.asarray(years, dtype=float)
    num = None if numerators is None else np.asarray(numerators, dtype=float)
    den = None if denominators is None else np.asarray(denominators, dtype=float)
    disp = dispersion or {}
    have_num = num is not None and len(num) == len(t) and np.all(np.isfinite(num))
    have_den = den is not None and len(den) == len(t) and np.all(np.isfinite(den)) and np.all(den > 0)
    if kind == "proportion" and have_num and have_den and np.all(num <= den):
        return fit_binomial(t, num, den, scale, engine=engine, dispersion=disp.get("binomial"))
    if kind in ("rate", "ratio") and have_num and have_den:
        return fit_poisson(
            t,
            num,
            den,
            scale,
            kind=kind,
            overdispersion=count_overdispersion,
            engine=engine,
            dispersion=disp.get("poisson"),
        )
    if kind == "count" and (have_num or np.all(np.isfinite(values))):
        counts = num if have_num else np.asarray(values, dtype=float)
        if np.all(counts >= 0) and np.allclose(counts, np.round(counts)):
            return fit_poisson(
                t,
                counts,
                None,
                1.0,
                kind="count",
                overdispersion=count_overdispersion,
                engine=engine,
                dispersion=disp.get("poisson"),
            )
    noise = None
    v = np.asarray(values, dtype=float)
    if kind == "proportion" and den is not None and np.any(np.isfinite(den) & (den > 0)):
        # the observation's own binomial noise at the latest known denominator
        n_last = float(den[np.isfinite(den) & (den > 0)][-1])
        p = float(np.clip(v[np.isfinite(v)][-1] / scale, 0.5 / n_last, 1 - 0.5 / n_last))
        noise = p * (1 - p) / n_last * scale * scale
    return fit_linear(
        t, values, kind=kind, scale=scale, model=level_model, weight_target_year=weight_target_year, noise_var=noise
    )
