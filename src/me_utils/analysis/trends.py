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
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import special

from me_utils.core import errors as _errors

#: Pearson χ²/df shown as "overdispersed" in notes (display only: dispersion is always estimated).
OVERDISPERSION_THRESHOLD = 1.5
#: Gauss–Legendre nodes (on the probability scale) used to integrate over the linear predictor.
QUAD_NODES = 32
#: Model probabilities are kept inside [PROB_FLOOR, 1 − PROB_FLOOR] (reported as "< 1 %"/"> 99 %").
PROB_FLOOR = 0.001
#: Largest future denominator for which a quasi-binomial predictive is an exact beta-binomial
#: (above it, a binomial with effective denominator n/φ, which is then smooth enough).
BETABIN_MAX_N = 5000
#: Continuity correction used when every observation sits at 0 (or every one at the
#: denominator), where the maximum-likelihood slope does not exist.
ZERO_CORRECTION = 0.5

LEVEL_MODELS = ("ols", "wls_escap")
COUNT_OVERDISPERSION = ("quasi", "negbin")

_GL_X, _GL_W = np.polynomial.legendre.leggauss(QUAD_NODES)
#: Quadrature on the probability scale: u_k in (0, 1) with weights summing to 1.
_U = (_GL_X + 1.0) / 2.0
_UW = _GL_W / _GL_W.sum()


@lru_cache(maxsize=256)
def quad_nodes(t_df: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights integrating a smooth function over a standard Student t with ``t_df``
    degrees of freedom (``inf`` = standard normal): nodes are the t quantiles of the
    Gauss–Legendre points of (0, 1), weights the Gauss–Legendre weights (sum 1).

    Output: ``(x, w)``, two arrays of :data:`QUAD_NODES` floats.
    """
    if not np.isfinite(t_df) or t_df > 1e6:
        x = special.ndtri(_U)
    else:
        x = special.stdtrit(float(t_df), _U)
    return np.asarray(x, dtype=float), _UW.copy()


MODEL_LABELS = {
    "binomial_glm": ("GLM nhị thức (logit) theo năm", "Binomial GLM (logit) on year"),
    "quasi_binomial_glm": (
        "GLM nhị thức (logit) theo năm, phương sai nhị thức-beta",
        "Binomial GLM (logit) on year, beta-binomial variance",
    ),
    "poisson_glm": ("GLM Poisson (log, offset) theo năm", "Poisson GLM (log, offset) on year"),
    "quasi_poisson_glm": (
        "GLM Poisson (log, offset) theo năm, phương sai nhị thức âm",
        "Poisson GLM (log, offset) on year, negative-binomial variance",
    ),
    "negbin_glm": ("GLM nhị thức âm (log, offset) theo năm", "Negative binomial GLM (log, offset) on year"),
    "ols": ("Hồi quy tuyến tính (OLS) theo năm", "Linear regression (OLS) on year"),
    "wls_escap": (
        "Hồi quy tuyến tính có trọng số thời gian (ESCAP)",
        "Time-weighted linear regression (ESCAP weights)",
    ),
}


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


@dataclass
class TrendFit:
    """A fitted trend and its predictive distribution.

    Attributes: ``model`` (key of :data:`MODEL_LABELS`), ``kind``, ``scale``, ``years``,
    ``values`` (observed, indicator units), ``params`` (intercept at ``year0``, slope per year,
    on the link scale), ``cov`` (2×2 covariance of params), ``rho`` (beta-binomial intra-class
    correlation, binomial family), ``alpha`` (NB2 α, Poisson family), ``dispersion`` (variance
    factor φ = 1 + (n − 1)ρ of the future figure, binomial family; 1 otherwise), ``t_df``
    (degrees of freedom of the t distribution of the linear predictor: those of the dispersion
    estimate; ``inf`` = normal), ``dispersion_source`` (``"series"``, ``"pooled"``, ``"ml"`` or
    ``""``), ``df_resid``, ``future_size`` (denominator or exposure used for prediction),
    ``bounds`` (natural range of the value), ``notes`` (English sentences on choices made), for
    linear models ``sigma2`` (residual variance, floored) and ``weights``, and the design
    pieces needed to re-use a pooled dispersion (:meth:`with_dispersion`).
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
    rho: float = 0.0
    t_df: float = float("inf")
    dispersion_source: str = ""
    slope_prior_var: float = float("inf")
    # design pieces (GLMs): centred years, working weights, excess-variance basis s_j (n − 1 for
    # the beta-binomial, μ for NB2), excess Pearson terms r² − (1 − h) and 1 − h
    _x: np.ndarray | None = None
    _w: np.ndarray | None = None
    _s: np.ndarray | None = None
    _excess: np.ndarray | None = None
    _one_minus_h: np.ndarray | None = None

    # ------------------------------------------------------------------ dispersion
    @property
    def family(self) -> str:
        """``"binomial"``, ``"poisson"`` or ``"linear"``."""
        return {"logit": "binomial", "log": "poisson"}.get(self.link, "linear")

    def dispersion_terms(self) -> tuple[float, float, int]:
        """Method-of-moments pieces of this series: ``(Σ(r² − (1 − h)), Σ(1 − h)·s, df)``.

        ``r`` are Pearson residuals of the binomial/Poisson fit, ``h`` leverages, ``s`` the
        excess-variance basis (n − 1 or μ). Summed over series, the ratio of the first two is
        the pooled ρ (or α) estimate. (0, 0, 0) for linear models and fits without residual df.
        """
        if self._excess is None or self.df_resid <= 0:
            return 0.0, 0.0, 0
        return (float(self._excess.sum()), float((self._one_minus_h * self._s).sum()), int(self.df_resid))

    def with_dispersion(self, value: float, df: float, source: str = "pooled") -> TrendFit:
        """Copy of this GLM fit using the dispersion ``value`` (ρ or α, ≥ 0) estimated with ``df``
        degrees of freedom: sandwich covariance, t degrees of freedom and future variance.

        Linear fits and negative-binomial ML fits are returned unchanged.
        """
        if not self.is_glm or self.model == "negbin_glm" or self._x is None:
            return self
        value = max(float(value), 0.0)
        phi_j = 1.0 + value * self._s
        cov = _sandwich(self._w, self._x, phi_j)
        if not np.all(np.isfinite(cov)):
            return self
        t_df = float(df) if df > 0 else float("inf")
        if self.link == "logit":
            n_f = self.future_size
            model = "quasi_binomial_glm" if value > 0 else "binomial_glm"
            return replace(
                self,
                cov=cov,
                rho=value,
                t_df=t_df,
                dispersion=1.0 + value * max(n_f - 1.0, 0.0),
                model=model,
                dispersion_source=source,
                notes=list(self.notes),
            )
        model = "quasi_poisson_glm" if value > 0 else "poisson_glm"
        return replace(
            self,
            cov=cov,
            alpha=value,
            t_df=t_df,
            dispersion=1.0,
            model=model,
            dispersion_source=source,
            notes=list(self.notes),
        )

    def with_slope_prior(self, tau2: float) -> TrendFit:
        """Copy with the slope shrunk toward 0 (no change) by a normal prior of variance ``tau2``
        (link scale, per year²): ``Σ_post = (Σ⁻¹ + diag(0, 1/τ²))⁻¹``, ``β_post = Σ_post Σ⁻¹ β̂``.

        Why: with 3–6 points a slope estimated from noise, extrapolated five years, gives
        over-confident probabilities; the spread of the slopes of the other series of the same
        family in the unit (:func:`slope_prior`) says how large real slopes are (empirical
        Bayes). ``tau2`` not finite or ≤ 0, or a linear fit: unchanged.
        """
        if not self.is_glm or not np.isfinite(tau2) or tau2 <= 0:
            return self
        try:
            prec = np.linalg.inv(self.cov)
        except np.linalg.LinAlgError:
            return self
        post_prec = prec + np.array([[0.0, 0.0], [0.0, 1.0 / tau2]])
        cov = np.linalg.inv(post_prec)
        beta = cov @ prec @ self.params
        return replace(self, params=beta, cov=cov, slope_prior_var=float(tau2), notes=list(self.notes))

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
    def _node_params(self, years):
        """Per-quadrature-node parameter of the sampling distribution of a future count.

        Input: a year or an array of years (shape Y). Output ``(a, m)``: ``a`` has shape
        (..., QUAD_NODES) — success probabilities (binomial) or expected counts at the future
        exposure (Poisson family); ``m`` is the effective future denominator (binomial) or None.
        """
        yrs = np.asarray(years, dtype=float)
        x = np.stack([np.ones_like(yrs), yrs - self.year0], axis=-1)
        eta = x @ self.params
        se = np.sqrt(np.maximum(np.einsum("...i,ij,...j->...", x, self.cov, x), 0.0))
        qx, _ = quad_nodes(self.t_df)
        etas = eta[..., None] + se[..., None] * qx
        if self.link == "logit":
            return special.expit(etas), max(self.future_size / self.dispersion, 1.0)
        with np.errstate(over="ignore"):
            return np.exp(etas) * self.future_size, None

    @property
    def _qw(self) -> np.ndarray:
        return quad_nodes(self.t_df)[1]

    def _cdf_nodes(self, k, a, m):
        """Mixture CDF P(Y ≤ k): ``k`` of shape S, ``a`` broadcastable to S + (QUAD_NODES,)."""
        kk = np.floor(k)[..., None]
        if self.link == "logit":
            # Binomial(m, p) CDF for real m: I_{1-p}(m - k, k + 1).
            cdf = special.betainc(np.maximum(m - kk, 1e-300), kk + 1.0, 1.0 - a)
            cdf = np.where(kk >= m, 1.0, cdf)
        elif self.alpha > 0 or self.dispersion > 1.0:
            if self.alpha > 0:  # NB2: variance μ(1 + αμ), size 1/α
                r = 1.0 / self.alpha
                prob = r / (r + a)
            else:  # quasi-Poisson: NB with variance φ·μ, i.e. size μ/(φ−1), probability 1/φ
                r = a / (self.dispersion - 1.0)
                prob = 1.0 / self.dispersion
            # Negative binomial CDF P(K ≤ k) = I_prob(r, k + 1).
            cdf = special.betainc(r, kk + 1.0, prob)
        else:
            cdf = special.pdtr(kk, a)
        cdf = np.where(kk < 0, 0.0, cdf)
        return cdf @ self._qw

    @property
    def _betabinomial(self) -> bool:
        """Quasi-binomial with a small future denominator: sample from a beta-binomial.

        A beta-binomial on the real denominator n with intra-class correlation
        ρ = (φ − 1)/(n − 1) has exactly the quasi-binomial variance φ·n·p(1 − p) and keeps the
        support 0…n; the effective-denominator binomial (n/φ) used for large n would make the
        prediction band jump between a handful of values when n/φ is small.
        """
        return self.link == "logit" and self.dispersion > 1.0 and 2 <= round(self.future_size) <= BETABIN_MAX_N

    def _bb_cdf_table(self, years) -> np.ndarray:
        """Mixture CDF table P(Y ≤ k), k = 0…n, for each year (beta-binomial path): (Y, n + 1)."""
        n = int(round(self.future_size))
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        p, _ = self._node_params(yrs)  # (Y, N)
        p = np.clip(p, 1e-12, 1 - 1e-12)  # far-tail nodes: keep both beta parameters positive
        rho = self.rho if self.rho > 0 else (self.dispersion - 1.0) / (n - 1.0)
        rho = min(max(rho, 1e-12), 0.999)
        c = 1.0 / rho - 1.0
        al, be = (p * c)[..., None], ((1 - p) * c)[..., None]
        k = np.arange(n + 1, dtype=float)
        logpmf = (
            special.gammaln(n + 1)
            - special.gammaln(k + 1)
            - special.gammaln(n - k + 1)
            + special.betaln(k + al, n - k + be)
            - special.betaln(al, be)
        )
        pmf = np.einsum("ynk,n->yk", np.nan_to_num(np.exp(logpmf)), self._qw)
        cdf = np.cumsum(pmf, axis=-1)
        return np.minimum(cdf / cdf[..., -1:], 1.0)

    def _future_m(self) -> float:
        if self.link != "logit":
            return self.future_size
        if self._betabinomial:
            return float(round(self.future_size))
        return max(self.future_size / self.dispersion, 1.0)

    def _count_cdf(self, k, year: float):
        """Mixture CDF P(Y ≤ k) of the future count in ``year`` (GLMs); ``k`` scalar or 1-D."""
        kk = np.atleast_1d(np.asarray(k, dtype=float))
        if self._betabinomial:
            tab = self._bb_cdf_table([year])[0]
            idx = np.clip(np.floor(kk), -1, len(tab) - 1).astype(int)
            return np.where(idx < 0, 0.0, tab[np.maximum(idx, 0)])
        a, m = self._node_params(year)
        with np.errstate(invalid="ignore", over="ignore"):
            return self._cdf_nodes(kk, a, m)

    def _count_to_value(self, k):
        if self.link == "logit":
            return np.asarray(k, dtype=float) / self._future_m() * self.scale
        return np.asarray(k, dtype=float) / self.future_size * self.scale

    def _value_to_count(self, v):
        if self.link == "logit":
            return np.asarray(v, dtype=float) / self.scale * self._future_m()
        return np.asarray(v, dtype=float) * self.future_size / self.scale

    def _count_quantiles(self, qs, years) -> np.ndarray:
        """Smallest integers k with mixture CDF(k) ≥ q: output shape (len(years), len(qs)).

        All years and quantiles are bisected together (one special-function call per step).
        """
        if self._betabinomial:
            tab = self._bb_cdf_table(years)
            q = np.asarray(qs, dtype=float)
            return np.array([[float(np.searchsorted(row, qq - 1e-12)) for qq in q] for row in tab])
        qs = np.asarray(qs, dtype=float)[None, :]
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        a, m = self._node_params(yrs)  # (Y, N)
        if self.link == "logit":
            mean, sd = a * m, np.sqrt(m * a * (1 - a))
            top = m
        else:
            disp = np.maximum(self.dispersion, 1.0 + self.alpha * a)
            with np.errstate(over="ignore", invalid="ignore"):
                mean, sd = a, np.sqrt(disp * a)
            top = np.inf
        # Start from the normal approximation of the mixture (its mean and variance), bracket a
        # narrow window around it, widen the window until it is valid (CDF(lo) < q ≤ CDF(hi)),
        # then bisect integers. Far-tail nodes of a very uncertain extrapolation can have
        # astronomically large means: those years get NaN rather than a meaningless number.
        with np.errstate(over="ignore", invalid="ignore"):
            mix_mean = mean @ self._qw
            mix_sd = np.sqrt(np.maximum((sd * sd + mean * mean) @ self._qw - mix_mean**2, 0.0))
        (len(yrs), qs.shape[1])
        bad_year = ~(np.isfinite(mix_mean) & np.isfinite(mix_sd)) | (mix_mean + 10 * mix_sd > 1e15)
        mix_mean = np.where(bad_year, 0.0, mix_mean)
        mix_sd = np.where(bad_year, 1.0, mix_sd)
        z = special.ndtri(qs)  # (1, Q)
        guess = mix_mean[:, None] + z * mix_sd[:, None]
        half = 0.5 * mix_sd[:, None] + 2.0
        lo = np.maximum(np.floor(guess - half) - 1, -1.0)
        hi = np.minimum(np.ceil(guess + half), top)
        a3 = a[:, None, :]
        a4 = a[None, :, None, :]
        for _ in range(60):
            both = self._cdf_nodes(np.stack([np.maximum(lo, 0), hi]), a4, m)  # one call for both ends
            c_lo = np.where(lo < 0, 0.0, both[0])
            c_hi = both[1]
            low_bad = (lo >= 0) & (c_lo >= qs)
            high_bad = (c_hi < qs) & (hi < top)
            if not (low_bad.any() or high_bad.any()):
                break
            half = half * 2
            lo = np.where(low_bad, np.maximum(np.floor(guess - half) - 1, -1.0), lo)
            hi = np.where(high_bad, np.minimum(np.ceil(guess + half), top), hi)
            if hi.max() >= 1e15:
                break
        for _ in range(200):  # bisection halves the bracket: ≤ 50 steps below 1e15
            if not np.any(hi - lo > 1):
                break
            mid = np.floor((lo + hi) / 2)
            ok = self._cdf_nodes(mid, a3, m) >= qs
            hi = np.where(ok, mid, hi)
            lo = np.where(ok, lo, mid)
        hi[bad_year, :] = np.nan
        return hi

    # ------------------------------------------------------------------ public API
    def predict_array(self, years, level: float = 0.95) -> np.ndarray:
        """Like :meth:`predict` but returns a float array (rows: years; columns: year, fit,
        fit_low, fit_high, pred_low, pred_high) — the fast path used by the scorecard."""
        yrs = np.atleast_1d(np.asarray(years, dtype=float))
        out = np.empty((len(yrs), 6))
        a = 1.0 - level
        lo_b, hi_b = self.bounds
        # CI of the mean: t quantile with the dispersion estimate's df (normal when df is infinite)
        z = (
            float(special.ndtri(1 - a / 2))
            if not np.isfinite(self.t_df)
            else float(special.stdtrit(self.t_df, 1 - a / 2))
        )
        tq = float(special.stdtrit(self.df_resid, 1 - a / 2)) if self.df_resid > 0 else float("nan")
        if self.is_glm:
            with np.errstate(invalid="ignore", over="ignore"):
                pq = self._count_to_value(self._count_quantiles([a / 2, 1 - a / 2], yrs))
        for i, yr in enumerate(yrs):
            eta, se = self._eta(yr)
            if self.is_glm:
                fit = float(self._inv(eta))
                fl, fh = float(self._inv(eta - z * se)), float(self._inv(eta + z * se))
                if self.link == "log":
                    fit, fl, fh = (v * self.scale for v in (fit, fl, fh))
                pl, ph = float(pq[i, 0]), float(pq[i, 1])
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
                p = float(1.0 - self._count_cdf(k - 1, yr)[0])
            else:
                k = math.floor(kt + 1e-9)
                p = float(self._count_cdf(k, yr)[0])
            return clip_probability(p)
        eta, se = self._eta(yr)
        if self.df_resid <= 0 or not np.isfinite(self.sigma2):
            return float("nan")
        se_pred = math.sqrt(se * se + self.sigma2)  # σ² is floored: se_pred > 0
        zt = (target - eta) / se_pred
        # a target exactly on the fitted line is a coin toss, not a 1e-16 rounding decision
        if abs(target - eta) <= 1e-9 * max(1.0, abs(target)):
            zt = 0.0
        p_le = float(special.stdtr(self.df_resid, zt))
        return clip_probability(1.0 - p_le if up else p_le)

    def label(self, lang: str = "vi") -> str:
        """Human-readable model name in the report language."""
        vi, en = MODEL_LABELS[self.model]
        return vi if lang == "vi" else en


def clip_probability(p: float) -> float:
    """Keep a model probability inside [PROB_FLOOR, 1 − PROB_FLOOR] (NaN stays NaN)."""
    if p is None or not np.isfinite(p):
        return float("nan")
    return float(min(max(p, PROB_FLOOR), 1.0 - PROB_FLOOR))


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


def _sandwich(w, x, phi):
    """Covariance of GLM (intercept, slope) estimates when Var = φ_j × (model variance):
    ``A⁻¹ (Σ w φ x xᵀ) A⁻¹`` with ``A = Σ w x xᵀ`` (design [1, x])."""
    _, ainv = _solve2(w, x, np.zeros_like(x))
    b = np.array([[np.sum(w * phi), np.sum(w * phi * x)], [np.sum(w * phi * x), np.sum(w * phi * x * x)]])
    return ainv @ b @ ainv


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


def _solve2(w, x, z):
    """Weighted least squares of z on [1, x] with weights w: closed-form 2×2 normal equations.

    Returns ``(beta, inverse of XᵀWX)``.
    """
    s0, s1, s2 = w.sum(), (w * x).sum(), (w * x * x).sum()
    t0, t1 = (w * z).sum(), (w * x * z).sum()
    det = s0 * s2 - s1 * s1
    if not det > 0:  # degenerate weights (fitted values at a bound): signal failure with NaN
        return np.full(2, np.nan), np.full((2, 2), np.nan)
    inv = np.array([[s2, -s1], [-s1, s0]]) / det
    return inv @ np.array([t0, t1]), inv


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
    beta, _ = _solve2(np.ones_like(z), x, z)
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
        new, _ = _solve2(w, x, z)
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
    _, cov = _solve2(w, x, np.zeros_like(x))
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
