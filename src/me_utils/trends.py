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

Projections (:meth:`TrendFit.predict`) give, for any year, the fitted value, a confidence
interval of the fitted mean, and a **prediction interval** of the value that will be reported:

* GLMs — the predictive distribution mixes the uncertainty of the linear predictor
  (normal with the model's standard error, integrated with Gauss–Hermite quadrature, which is
  deterministic and fast) with the sampling of the future figure itself: binomial for a given
  future denominator, Poisson (or negative binomial / quasi-Poisson) for a given future
  exposure. The future denominator/exposure is the latest observed one (assumption: the
  population served stays at its latest size). We chose quadrature over a parametric
  bootstrap because it is exact up to quadrature error, reproducible without a seed, and about
  a hundred times faster.
* Linear models — the classical t-based prediction interval with n − 2 degrees of freedom.

Probabilities of reaching a target (:meth:`TrendFit.prob_reach`) come from the same predictive
distribution and are direction-aware: P(Y ≥ TV) for ``increase``/``reach``, P(Y ≤ TV) for
``decrease``/``cap``.

Units: years are calendar years; values are in the indicator's own unit (percent as 0–100,
rates per ``scale``), numerators and denominators are counts.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import special, stats

#: Pearson χ²/df above which a binomial or Poisson GLM is treated as overdispersed.
OVERDISPERSION_THRESHOLD = 1.5
#: Gauss–Hermite nodes used to integrate over the linear predictor's uncertainty.
QUAD_NODES = 24
#: Continuity correction used when every observation sits at 0 (or every one at the
#: denominator), where the maximum-likelihood slope does not exist.
ZERO_CORRECTION = 0.5

LEVEL_MODELS = ("ols", "wls_escap")
COUNT_OVERDISPERSION = ("quasi", "negbin")

_GH_X, _GH_W = np.polynomial.hermite_e.hermegauss(QUAD_NODES)
_GH_W = _GH_W / _GH_W.sum()  # probabilists' Hermite: nodes of N(0, 1), weights summing to 1

MODEL_LABELS = {
    "binomial_glm": ("GLM nhị thức (logit) theo năm", "Binomial GLM (logit) on year"),
    "quasi_binomial_glm": ("GLM tựa nhị thức (logit) theo năm", "Quasi-binomial GLM (logit) on year"),
    "poisson_glm": ("GLM Poisson (log, offset) theo năm", "Poisson GLM (log, offset) on year"),
    "quasi_poisson_glm": ("GLM tựa Poisson (log, offset) theo năm", "Quasi-Poisson GLM (log, offset) on year"),
    "negbin_glm": ("GLM nhị thức âm (log, offset) theo năm", "Negative binomial GLM (log, offset) on year"),
    "ols": ("Hồi quy tuyến tính (OLS) theo năm", "Linear regression (OLS) on year"),
    "wls_escap": ("Hồi quy tuyến tính có trọng số thời gian (ESCAP)", "Time-weighted linear regression (ESCAP weights)"),
}


class InsufficientData(ValueError):
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
    return {"tbar": tbar, "ybar": ybar, "slope": b, "sxx": sxx, "sw": sw,
            "rss": float((w * resid * resid).sum()), "n": len(t)}


@dataclass
class TrendFit:
    """A fitted trend and its predictive distribution.

    Attributes: ``model`` (key of :data:`MODEL_LABELS`), ``kind``, ``scale``, ``years``,
    ``values`` (observed, indicator units), ``params`` (intercept at ``year0``, slope per year,
    on the link scale), ``cov`` (2×2 covariance of params), ``dispersion`` (φ: Pearson χ²/df
    used for quasi models, 1 otherwise), ``alpha`` (negative-binomial α, 0 otherwise),
    ``df_resid``, ``future_size`` (denominator or exposure used for prediction), ``bounds``
    (natural range of the value), ``notes`` (English sentences on choices made), and for
    linear models ``sigma2`` (residual variance) and ``weights``.
    """

    model: str
    kind: str
    scale: float
    years: np.ndarray
    values: np.ndarray
    params: np.ndarray
    cov: np.ndarray
    year0: float
    link: str
    dispersion: float = 1.0
    alpha: float = 0.0
    df_resid: int = 0
    future_size: float = float("nan")
    bounds: tuple = (-np.inf, np.inf)
    sigma2: float = float("nan")
    weights: np.ndarray | None = None
    weight_target_year: float | None = None
    pearson_ratio: float = float("nan")
    notes: list = field(default_factory=list)

    # ------------------------------------------------------------------ linear predictor
    def _eta(self, year: float) -> tuple[float, float]:
        x = np.array([1.0, float(year) - self.year0])
        eta = float(x @ self.params)
        se = float(math.sqrt(max(x @ self.cov @ x, 0.0)))
        return eta, se

    def _inv(self, eta):
        if self.link == "logit":
            return special.expit(eta) * self.scale
        if self.link == "log":
            return np.exp(eta)
        return eta

    @property
    def is_glm(self) -> bool:
        return self.link != "identity"

    # ------------------------------------------------------------------ predictive distribution
    def _node_params(self, year: float):
        """Per-quadrature-node parameters of the sampling distribution of a future count."""
        eta, se = self._eta(year)
        etas = eta + se * _GH_X
        if self.link == "logit":
            p = special.expit(etas)
            m = max(self.future_size / self.dispersion, 1.0)
            return p, m
        mu = np.exp(etas) * self.future_size  # expected count at the future exposure
        return mu, None

    def _count_cdf(self, k, year: float, nodes=None):
        """Mixture CDF P(Y ≤ k) of the future count (GLMs), k integer-valued (array ok).

        ``nodes`` may pass precomputed :meth:`_node_params` (speed inside bisection).
        """
        k = np.atleast_1d(np.floor(np.asarray(k, dtype=float)))[:, None]
        a, m = self._node_params(year) if nodes is None else nodes
        if self.link == "logit":
            # Binomial(m, p) CDF for real m: I_{1-p}(m - k, k + 1).
            with np.errstate(invalid="ignore"):
                cdf = special.betainc(np.maximum(m - k, 1e-300), k + 1.0, 1.0 - a[None, :])
            cdf = np.where(k >= m, 1.0, cdf)
        elif self.model == "negbin_glm" or self.dispersion > 1.0:
            if self.model == "negbin_glm":
                r = 1.0 / self.alpha if self.alpha > 0 else 1e12
                prob = r / (r + a[None, :])
            else:  # quasi-Poisson: NB with variance φ·μ
                r = a[None, :] / (self.dispersion - 1.0)
                prob = np.full_like(r, 1.0 / self.dispersion)
            # Negative binomial CDF P(K ≤ k) = I_prob(r, k + 1).
            cdf = special.betainc(r, k + 1.0, prob)
        else:
            cdf = special.pdtr(k, a[None, :])
        cdf = np.where(k < 0, 0.0, cdf)
        return cdf @ _GH_W

    def _count_to_value(self, k):
        if self.link == "logit":
            m = max(self.future_size / self.dispersion, 1.0)
            return np.asarray(k, dtype=float) / m * self.scale
        return np.asarray(k, dtype=float) / self.future_size * self.scale

    def _value_to_count(self, v):
        if self.link == "logit":
            m = max(self.future_size / self.dispersion, 1.0)
            return np.asarray(v, dtype=float) / self.scale * m
        return np.asarray(v, dtype=float) * self.future_size / self.scale

    def _count_quantiles(self, qs, year: float) -> np.ndarray:
        """Smallest integers k with mixture CDF(k) ≥ q, for each q in ``qs`` (vectorised bisection)."""
        qs = np.asarray(qs, dtype=float)
        nodes = self._node_params(year)
        a, m = nodes
        if self.link == "logit":
            mean, sd = a * m, np.sqrt(m * a * (1 - a))
            top = m
        else:
            disp = np.maximum(self.dispersion, 1.0 + self.alpha * a)
            mean, sd = a, np.sqrt(disp * a)
            top = np.inf
        # Bracket from the ranges of the nodes that carry weight (far-tail nodes of an uncertain
        # extrapolation can have astronomically large means and no influence on a 2.5 % quantile),
        # widen until the bracket is valid, then bisect integers.
        sig = _GH_W > 1e-6
        env_lo = float(np.min((mean - 12 * sd)[sig]))
        env_hi = float(np.max((mean + 12 * sd)[sig]))
        if not (np.isfinite(env_lo) and np.isfinite(env_hi)) or env_hi > 1e15:
            return np.full(qs.shape, np.nan)
        lo = np.full(qs.shape, max(math.floor(env_lo) - 1, -1), dtype=float)
        hi = np.full(qs.shape, min(math.ceil(env_hi) + 10, top), dtype=float)
        for _ in range(60):
            bad = self._count_cdf(hi, year, nodes) < qs
            if not bad.any() or hi.max() >= min(top, 1e15):
                break
            hi = np.where(bad, np.minimum(hi * 2 + 10, top), hi)
        for _ in range(200):  # bisection halves the bracket: ≤ 50 steps below 1e15
            if not np.any(hi - lo > 1):
                break
            mid = np.floor((lo + hi) / 2)
            ok = self._count_cdf(mid, year, nodes) >= qs
            hi = np.where(ok, mid, hi)
            lo = np.where(ok, lo, mid)
        return hi

    # ------------------------------------------------------------------ public API
    def predict_array(self, years, level: float = 0.95) -> np.ndarray:
        """Like :meth:`predict` but returns a float array (rows: years; columns: year, fit,
        fit_low, fit_high, pred_low, pred_high) — the fast path used by the scorecard."""
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        out = np.empty((len(yrs), 6))
        a = 1.0 - level
        lo_b, hi_b = self.bounds
        z = float(special.ndtri(1 - a / 2))
        tq = float(special.stdtrit(self.df_resid, 1 - a / 2)) if self.df_resid > 0 else float("nan")
        for i, yr in enumerate(yrs):
            eta, se = self._eta(yr)
            if self.is_glm:
                fit = float(self._inv(eta))
                fl, fh = float(self._inv(eta - z * se)), float(self._inv(eta + z * se))
                if self.link == "log":
                    fit, fl, fh = (v * self.scale for v in (fit, fl, fh))
                pl, ph = (float(v) for v in self._count_to_value(self._count_quantiles([a / 2, 1 - a / 2], yr)))
            else:
                fit = eta
                if self.df_resid > 0 and np.isfinite(self.sigma2):
                    se_pred = math.sqrt(se * se + self.sigma2)
                    fl, fh = fit - tq * se, fit + tq * se
                    pl, ph = fit - tq * se_pred, fit + tq * se_pred
                else:
                    fl = fh = pl = ph = float("nan")
            out[i, 0] = yr
            out[i, 1:] = np.clip([fit, fl, fh, pl, ph], lo_b, hi_b)
        return out

    def predict(self, years, level: float = 0.95) -> pd.DataFrame:
        """Fitted value with confidence and prediction intervals for each year in ``years``.

        Output columns: ``year``, ``fit`` (fitted mean, indicator units), ``fit_low``/``fit_high``
        (CI of the mean), ``pred_low``/``pred_high`` (prediction interval of a reported value;
        NaN when the model has no residual degrees of freedom to estimate it). Values are
        clipped to the indicator's natural range.
        """
        arr = self.predict_array(years, level)
        df = pd.DataFrame(arr, columns=["year", "fit", "fit_low", "fit_high", "pred_low", "pred_high"])
        df["year"] = df["year"].astype(int)
        return df

    def prob_reach(self, year: float, target: float, direction: str) -> float:
        """Probability that the value reported for ``year`` meets ``target``.

        ``direction`` ``increase``/``reach`` → P(Y ≥ target); ``decrease``/``cap`` → P(Y ≤ target).
        Output in [0, 1]; NaN when the model cannot quantify its uncertainty (two points in a
        linear model).
        """
        if target is None or not np.isfinite(target):
            return float("nan")
        up = direction in ("increase", "reach")
        yr = float(year)
        if self.is_glm:
            kt = float(self._value_to_count(target))
            if up:  # P(Y ≥ kt) = 1 − P(Y ≤ ceil(kt) − 1)
                k = math.ceil(kt - 1e-9)
                return float(np.clip(1.0 - self._count_cdf(k - 1, yr)[0], 0.0, 1.0))
            k = math.floor(kt + 1e-9)
            return float(np.clip(self._count_cdf(k, yr)[0], 0.0, 1.0))
        eta, se = self._eta(yr)
        if self.df_resid <= 0 or not np.isfinite(self.sigma2):
            return float("nan")
        se_pred = math.sqrt(se * se + self.sigma2)
        if se_pred == 0:
            return float((eta >= target) if up else (eta <= target))
        zt = (target - eta) / se_pred
        p_le = float(special.stdtr(self.df_resid, zt))
        return 1.0 - p_le if up else p_le

    def label(self, lang: str = "vi") -> str:
        """Human-readable model name in the report language."""
        vi, en = MODEL_LABELS[self.model]
        return vi if lang == "vi" else en


# ---------------------------------------------------------------------- fitting
def _prepare(years, *arrays):
    t = np.asarray(years, dtype=float)
    order = np.argsort(t, kind="stable")
    out = [t[order]] + [None if a is None else np.asarray(a, dtype=float)[order] for a in arrays]
    if len(np.unique(out[0])) < 2:
        raise InsufficientData("a trend needs at least two distinct years")
    return out


def _irls(X, y, n, family: str, offset=None, max_iter: int = 50, tol: float = 1e-10):
    """Iteratively reweighted least squares for a binomial (logit) or Poisson (log) GLM.

    Returns ``(beta, cov_unscaled, mu)``. Used instead of statsmodels' GLM in the fast path;
    ``tests/test_trends.py`` checks both agree. ``n`` is the binomial denominator
    (ignored for Poisson); ``y`` is the count of successes / events.
    """
    off = np.zeros(len(y)) if offset is None else offset
    if family == "binomial":
        p0 = (y + 0.5) / (n + 1.0)
        eta = np.log(p0 / (1 - p0))
    else:
        eta = np.log(y + 0.5)  # starting values on the log scale (offset removed below)
    beta = np.linalg.lstsq(X, eta - off, rcond=None)[0]
    for _ in range(max_iter):
        eta = X @ beta + off
        if family == "binomial":
            p = special.expit(eta)
            w = n * p * (1 - p)
            z = eta - off + (y - n * p) / np.maximum(w, 1e-300)
        else:
            mu = np.exp(eta)
            w = mu
            z = eta - off + (y - mu) / np.maximum(mu, 1e-300)
        XtW = X.T * w
        new = np.linalg.solve(XtW @ X, XtW @ z)
        if np.max(np.abs(new - beta)) < tol * (1 + np.max(np.abs(beta))):
            beta = new
            break
        beta = new
    eta = X @ beta + off
    if family == "binomial":
        p = special.expit(eta)
        mu = n * p
        w = n * p * (1 - p)
    else:
        mu = np.exp(eta)
        w = mu
    cov = np.linalg.inv((X.T * w) @ X)
    return beta, cov, mu


def fit_binomial(years, numerators, denominators, scale: float = 100.0, *,
                 overdispersion_threshold: float = OVERDISPERSION_THRESHOLD,
                 engine: str = "numpy") -> TrendFit:
    """Binomial GLM (logit link) of ``numerators/denominators`` on year.

    Inputs: years; numerators and denominators (counts, denominators > 0); ``scale`` (100 for
    percent). ``engine``: ``"numpy"`` (fast IRLS, default) or ``"statsmodels"`` (``sm.GLM``);
    both give the same estimates. When Pearson χ²/df exceeds ``overdispersion_threshold`` the
    covariance is multiplied by φ (quasi-binomial) and the predictive distribution uses an
    effective denominator n/φ. Output: :class:`TrendFit` with values in indicator units.
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
    if engine == "statsmodels":
        import statsmodels.api as sm

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(np.column_stack([xf, nf - xf]), X, family=sm.families.Binomial()).fit()
        beta, cov0, mu = np.asarray(res.params), np.asarray(res.cov_params()), res.fittedvalues * nf
    else:
        beta, cov0, mu = _irls(X, xf, nf, "binomial")
    df = len(t) - 2
    pearson = float("nan")
    phi = 1.0
    if df > 0:
        p = mu / nf
        pearson = float(np.sum((xf - mu) ** 2 / (nf * p * (1 - p))) / df)
        if pearson > overdispersion_threshold:
            phi = pearson
            notes.append(f"overdispersed (Pearson χ²/df = {pearson:.2f}): quasi-binomial scale")
    return TrendFit(
        model="quasi_binomial_glm" if phi > 1 else "binomial_glm", kind="proportion", scale=scale,
        years=t, values=x / n * scale, params=beta, cov=cov0 * phi, year0=year0, link="logit",
        dispersion=phi, df_resid=df, future_size=float(n[-1]), bounds=(0.0, scale),
        pearson_ratio=pearson, notes=notes,
    )


def fit_poisson(years, counts, exposure=None, scale: float = 1.0, *, kind: str = "count",
                overdispersion: str = "quasi",
                overdispersion_threshold: float = OVERDISPERSION_THRESHOLD,
                engine: str = "numpy") -> TrendFit:
    """Poisson GLM (log link) of ``counts`` on year with offset ``log(exposure)``.

    Inputs: years; counts (events); exposure (population or denominator count; default 1);
    ``scale`` (e.g. 100000 for a rate per 100,000). The value is ``count/exposure × scale``.
    If Pearson χ²/df > ``overdispersion_threshold``: ``overdispersion="quasi"`` scales the
    covariance by φ and samples future counts from a negative binomial with variance φ·μ;
    ``"negbin"`` fits a negative-binomial GLM with α estimated by maximum likelihood
    (statsmodels). Output: :class:`TrendFit`.
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
    if engine == "statsmodels":
        import statsmodels.api as sm

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = sm.GLM(yf, X, family=sm.families.Poisson(), offset=off).fit()
        beta, cov0, mu = np.asarray(res.params), np.asarray(res.cov_params()), np.asarray(res.fittedvalues)
    else:
        beta, cov0, mu = _irls(X, yf, None, "poisson", offset=off)
    df = len(t) - 2
    pearson = float("nan")
    model, phi, alpha, cov = "poisson_glm", 1.0, 0.0, cov0
    if df > 0:
        pearson = float(np.sum((yf - mu) ** 2 / mu) / df)
        if pearson > overdispersion_threshold:
            if overdispersion == "negbin":
                import statsmodels.api as sm

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    nb = sm.NegativeBinomial(yf, X, offset=off).fit(disp=0, maxiter=200)
                alpha = float(nb.params[-1])
                beta = np.asarray(nb.params[:2])
                cov = np.asarray(nb.cov_params())[:2, :2]
                model = "negbin_glm"
                notes.append(f"overdispersed (Pearson χ²/df = {pearson:.2f}): negative binomial, α = {alpha:.3g}")
            else:
                phi = pearson
                cov = cov0 * phi
                model = "quasi_poisson_glm"
                notes.append(f"overdispersed (Pearson χ²/df = {pearson:.2f}): quasi-Poisson scale")
    return TrendFit(
        model=model, kind=kind, scale=scale, years=t, values=y / e * scale, params=beta, cov=cov,
        year0=year0, link="log", dispersion=phi, alpha=alpha, df_resid=df, future_size=float(e[-1]),
        bounds=(0.0, np.inf), pearson_ratio=pearson, notes=notes,
    )


def fit_linear(years, values, *, kind: str = "ratio", scale: float = 1.0, model: str = "ols",
               weight_target_year: float = 2030, bounds=None) -> TrendFit:
    """OLS (or ESCAP time-weighted WLS) line of ``values`` on year.

    Inputs: years; values (indicator units); ``model`` ``"ols"`` or ``"wls_escap"`` (weights
    :func:`escap_weights` for ``weight_target_year``); ``bounds`` (natural range, default
    [0, scale] for proportions, [0, ∞) otherwise). The residual variance is estimated with
    n − 2 degrees of freedom; a new observation is given the variance of a weight-1 (the
    oldest, least-weighted) point, which is the conservative reading of time weights as
    relevance rather than precision. Output: :class:`TrendFit` (identity link).
    """
    if model not in LEVEL_MODELS:
        raise ValueError(f"model must be one of {LEVEL_MODELS}")
    t, y = _prepare(years, values)
    w = escap_weights(t, weight_target_year) if model == "wls_escap" else np.ones_like(t)
    line = wls_line(t, y, w)
    df = len(t) - 2
    sigma2 = line["rss"] / df if df > 0 else float("nan")
    year0 = line["tbar"]
    params = np.array([line["ybar"], line["slope"]])
    cov = np.array([[sigma2 / line["sw"], 0.0], [0.0, sigma2 / line["sxx"]]]) if df > 0 else np.full((2, 2), np.nan)
    if bounds is None:
        bounds = (0.0, scale) if kind == "proportion" else (0.0, np.inf)
    notes = [] if df > 0 else ["two points: the line passes through both, no uncertainty can be estimated"]
    if model == "wls_escap":
        notes.append("time weights w_i = (T − t_1)/(T − t_i)")
    return TrendFit(
        model=model, kind=kind, scale=scale, years=t, values=y, params=params,
        cov=np.nan_to_num(cov, nan=0.0) if df > 0 else cov, year0=year0, link="identity",
        df_resid=df, sigma2=sigma2, weights=w, weight_target_year=weight_target_year,
        bounds=bounds, notes=notes,
    )


def choose_and_fit(years, values, *, kind: str, scale: float, numerators=None,
                   denominators=None, level_model: str = "ols", count_overdispersion: str = "quasi",
                   weight_target_year: float = 2030, engine: str = "numpy") -> TrendFit:
    """Fit the model the series calls for (see the module docstring for the rules).

    Inputs: years, values (indicator units) and, when available, numerators/denominators
    (counts; NaN where missing). ``kind`` and ``scale`` come from the catalogue. A GLM is used
    only when every year has a numerator (and, for proportions, a positive denominator);
    otherwise the values are modelled as levels. Raises :class:`InsufficientData` for fewer
    than two distinct years.
    """
    t = np.asarray(years, dtype=float)
    num = None if numerators is None else np.asarray(numerators, dtype=float)
    den = None if denominators is None else np.asarray(denominators, dtype=float)
    have_num = num is not None and len(num) == len(t) and np.all(np.isfinite(num))
    have_den = den is not None and len(den) == len(t) and np.all(np.isfinite(den)) and np.all(den > 0)
    if kind == "proportion" and have_num and have_den and np.all(num <= den):
        return fit_binomial(t, num, den, scale, engine=engine)
    if kind in ("rate", "ratio") and have_num and have_den:
        return fit_poisson(t, num, den, scale, kind=kind, overdispersion=count_overdispersion, engine=engine)
    if kind == "count" and (have_num or np.all(np.isfinite(values))):
        counts = num if have_num else np.asarray(values, dtype=float)
        if np.all(counts >= 0) and np.allclose(counts, np.round(counts)):
            return fit_poisson(t, counts, None, 1.0, kind="count", overdispersion=count_overdispersion,
                               engine=engine)
    return fit_linear(t, values, kind=kind, scale=scale, model=level_model,
                      weight_target_year=weight_target_year)
