"""The fitted trend (:class:`TrendFit`) and its predictive distribution: projections,
confidence and prediction intervals, probabilities of reaching a target.

The fitting itself (binomial/Poisson GLMs, linear models, the choice between them) lives in
:mod:`me_utils.analysis.trends`; the pooling of dispersion and slopes across series in
:mod:`me_utils.analysis.dispersion`. See the :mod:`~me_utils.analysis.trends` docstring for
the models, the variance model and how the predictive distribution is integrated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import special

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


def solve2(w, x, z):
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


def sandwich(w, x, phi):
    """Covariance of GLM (intercept, slope) estimates when Var = φ_j × (model variance):
    ``A⁻¹ (Σ w φ x xᵀ) A⁻¹`` with ``A = Σ w x xᵀ`` (design [1, x])."""
    _, ainv = solve2(w, x, np.zeros_like(x))
    b = np.array([[np.sum(w * phi), np.sum(w * phi * x)], [np.sum(w * phi * x), np.sum(w * phi * x * x)]])
    return ainv @ b @ ainv


def clip_probability(p: float) -> float:
    """Keep a model probability inside [PROB_FLOOR, 1 − PROB_FLOOR] (NaN stays NaN)."""
    if p is None or not np.isfinite(p):
        return float("nan")
    return float(min(max(p, PROB_FLOOR), 1.0 - PROB_FLOOR))


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
        cov = sandwich(self._w, self._x, phi_j)
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
