"""Progress assessment of an indicator series against its target, by three published methods.

Methods (side by side; one is the *headline*, configurable):

* ``unsd`` — UN Statistics Division, *SDG Progress Chart 2023* technical note (formula read in
  the EUSTAT implementation): extrapolate the latest value to the target year at the observed
  compound annual growth rate (CAGR), ``r = (v̂_T − v_b)/(TV − v_b)``; r ≥ 0.95 on track,
  0.10 ≤ r < 0.95 acceleration needed, r < 0.10 stagnation or regression. Exceptions: the latest
  value meets the target ⇒ achieved; within 1 point of a 0 % or 100 % target ⇒ achieved.
* ``statcan`` — Statistics Canada / Open SDG: ``R = d·CAGR_i/|CAGR_T|`` with ``CAGR_T`` the
  growth needed to reach the target on time; R ≥ 95 % on track, 60–95 % acceleration needed,
  0–60 % limited progress, < 0 deterioration; zeros replaced by 0.001 (with a warning).
* ``escap`` — UN ESCAP: Current Status Index ``CS = (I_cr − I_0)/(TV − I_0)`` against the
  expected progress to date ``(t_cr − t_0)/(T − t_0)``, and the anticipated gap
  ``G = (TV − Î_T)/(TV − I_0)`` with Î_T from a time-weighted regression
  (``w_i = (T − t_1)/(T − t_i)``); G ≤ 0 maintain, trend in the desired direction but G > 0
  accelerate, trend against it reverse.

Default headline: **UNSD 2023** — it is the method of the UN Secretary-General's global SDG
progress report (so a Vietnamese reader can compare with national and UN reporting), its formula
and cut-offs are verified from a published implementation (the ESCAP numeric rules are only
inferred), it has an explicit rule for targets at a bound (100 %), and its single ratio is less
erratic than the StatCan CAGR ratio over a four-year phase (2021–2025), where a small shortfall in
growth gives a very low R. The other two are always shown beside it.

Edge cases (each is an answer, never a crash): fewer than two points → insufficient data,
unless the latest value already meets the target (achieved, for every method); gaps in the years
are handled by using actual year differences; zeros never enter a logarithm; targets equal to the
base value; term indicators (elected bodies) are not trend-assessed; unverified targets are
assessed and flagged by the caller (:mod:`me_utils.analysis.scorecard`).

Values are in the indicator's own unit; ``scale`` is 100 for percentages (so "1 point" is
``scale/100`` of the unit — the UNSD bound tolerance therefore survives a change of units).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from me_utils.analysis import status, trends

METHODS = ("unsd", "statcan", "escap")
UP = ("increase", "reach")
DOWN = ("decrease", "cap")
DIRECTIONS = UP + DOWN


@dataclass(frozen=True)
class AssessSettings:
    """Every tunable of the assessment; the method note is generated from these values.

    Cut-offs are the published ones; change them only with a reason written in the report.
    """

    headline_method: str = "unsd"
    unsd_on_track: float = 0.95
    unsd_fair: float = 0.10
    unsd_bound_tolerance_points: float = 1.0  # "within 1 point of a 0 %/100 % target"
    statcan_on_track: float = 0.95
    statcan_acceleration: float = 0.60
    statcan_limited: float = 0.0
    unsd_no_target_on_track: float = 0.02  # CAGR thresholds when no numeric target exists
    unsd_no_target_fair: float = 0.005
    statcan_no_target_on_track: float = 0.015
    statcan_no_target_acceleration: float = 0.005
    # the methods' own minimum (two points define a growth rate); the series-level
    # minimum-information rule (status.MIN_POINTS, events) is applied by assess_series
    escap_min_points: int = 2
    min_points: int = 2
    level_model: str = "ols"  # trend model for series without numerator/denominator
    count_overdispersion: str = "quasi"
    glm_engine: str = "numpy"  # "numpy" (closed-form IRLS) or "statsmodels" (sm.GLM); same estimates
    shrink_slopes: bool = True  # empirical-Bayes slope prior when the unit's series are pooled
    tolerance: float = status.TOL  # of every threshold comparison
    level: float = 0.95

    def __post_init__(self):
        if self.headline_method not in METHODS:
            raise ValueError(f"headline_method must be one of {METHODS}, got {self.headline_method!r}")
        if self.level_model not in trends.LEVEL_MODELS:
            raise ValueError(f"level_model must be one of {trends.LEVEL_MODELS}")
        if self.count_overdispersion not in trends.COUNT_OVERDISPERSION:
            raise ValueError(f"count_overdispersion must be one of {trends.COUNT_OVERDISPERSION}")

    def as_dict(self) -> dict:
        return asdict(self)


DEFAULT_SETTINGS = AssessSettings()

#: Status labels (Vietnamese, English): the one dict of :mod:`me_utils.analysis.status`, re-exported.
STATUS_LABELS = status.STATUS_LABELS

SUMMARY_CATEGORIES = status.SUMMARY_ORDER

#: Ordinal rank of each method's statuses (higher = better); used by property tests and sorting.
STATUS_RANK = {
    # "not_achieved"/"achieved" are the answers once the only target's year is observed.
    "unsd": {
        "not_achieved": 0,
        "not_computable": 0,
        "stagnation_regression": 1,
        "acceleration_needed": 2,
        "on_track": 3,
        "achieved_bound": 4,
        "achieved": 4,
    },
    "statcan": {
        "not_achieved": 0,
        "not_computable": 0,
        "deterioration": 1,
        "limited_progress": 2,
        "acceleration_needed": 3,
        "on_track": 4,
        "achieved": 5,
    },
    "escap": {"not_achieved": 0, "reverse": 1, "accelerate": 2, "maintain": 3, "achieved": 4},
}


def status_label(code: str, lang: str = "vi") -> str:
    """Label of a status code in the report language (:func:`me_utils.analysis.status.status_label`)."""
    return status.status_label(code, lang)


# ---------------------------------------------------------------------- helpers
def meets(value: float, target: float, direction: str, comparator: str | None = None) -> bool:
    """Does ``value`` meet ``target`` for ``direction``? (:func:`me_utils.analysis.status.meets`: ≥ for
    increase/reach, ≤ for decrease/cap, strict for ``">"``/``"<"``, 1e-9 relative tolerance.)"""
    return status.meets(value, target, direction, comparator)


def _sign(direction: str) -> int:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    return 1 if direction in UP else -1


def cagr(v0: float, v1: float, years: float) -> float:
    """Compound annual growth rate ``(v1/v0)^(1/years) − 1`` (both values > 0, years > 0)."""
    return (v1 / v0) ** (1.0 / years) - 1.0


def ge(a: float, b: float, tol: float = status.TOL) -> bool:
    """``a ≥ b`` with a tolerance relative to ``max(1, |b|)`` (threshold tests never hinge on
    floating-point noise: G = 2.3e-14 is 0)."""
    return a >= b - tol * max(1.0, abs(b))


def le(a: float, b: float, tol: float = status.TOL) -> bool:
    """``a ≤ b`` with the same tolerance as :func:`ge`."""
    return a <= b + tol * max(1.0, abs(b))


#: Zero-base rule (documented in the method note): a compound growth rate from or to 0 is
#: undefined, so UNSD and StatCan answer ``not_computable`` — never a 0.001 substitute, which
#: turned 0, 0, 0, 10 % against a 30 % target into "on track".
ZERO_RULE = "zero base or latest value: growth rate undefined, category not computed"


@dataclass
class MethodResult:
    """One method's answer: ``status`` code, the ``metric`` it rests on (r, R or G), extra
    numbers in ``details`` and English ``warnings`` about choices made."""

    method: str
    status: str
    metric: float = float("nan")
    details: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)


# ---------------------------------------------------------------------- UNSD 2023
def assess_unsd(
    base_year,
    base_value,
    latest_year,
    latest_value,
    target,
    target_year,
    direction,
    *,
    scale: float = 100.0,
    n_points: int = 2,
    kind: str = "proportion",
    comparator: str | None = None,
    settings: AssessSettings = DEFAULT_SETTINGS,
) -> MethodResult:
    """UNSD SDG Progress Chart 2023 status.

    Inputs: base and latest year/value (indicator units), ``target`` for ``target_year`` (None =
    no numeric target), ``direction``, ``scale`` (100 for percent), number of data points.
    Output: :class:`MethodResult` with ``metric`` = r (or the CAGR when there is no target)
    and ``details`` ``{"cagr", "projected"}``.
    """
    d = _sign(direction)
    s = settings
    w: list = []
    if target is not None and meets(latest_value, target, direction, comparator):
        return MethodResult("unsd", "achieved", details={"rule": "latest value meets the target"})
    tol = s.unsd_bound_tolerance_points * scale / 100.0
    if target is not None and kind == "proportion" and target in (0, scale):
        if abs(latest_value - target) <= tol:
            # UNSD's own rule; its own code, so no report reads it as the 2025 result
            return MethodResult("unsd", "achieved_bound", details={"rule": "within 1 point of a 0/100% target"})
    if kind == "binary":
        return MethodResult("unsd", "not_achieved", details={"rule": "binary indicator"})
    if n_points < s.min_points or latest_year <= base_year:
        return MethodResult("unsd", "insufficient_data", details={"rule": f"fewer than {s.min_points} points"})
    if base_value <= 0 or latest_value <= 0:
        return MethodResult("unsd", "not_computable", details={"rule": ZERO_RULE}, warnings=[ZERO_RULE])
    vb, vt = base_value, latest_value
    g = cagr(vb, vt, latest_year - base_year)
    tol = s.tolerance
    if target is None:
        dg = d * g
        code = (
            "on_track"
            if ge(dg, s.unsd_no_target_on_track, tol)
            else "acceleration_needed"
            if ge(dg, s.unsd_no_target_fair, tol)
            else "stagnation_regression"
        )
        return MethodResult(
            "unsd", code, metric=g, details={"cagr": g, "rule": "no target: CAGR thresholds"}, warnings=w
        )
    horizon = max(target_year - latest_year, 0)
    proj = vt * (1.0 + g) ** horizon
    if d * (target - base_value) <= 0:
        # The base already met the target and the latest value has moved away from it
        # (the latest value does not meet it, else "achieved" above): a regression.
        return MethodResult(
            "unsd",
            "stagnation_regression",
            details={"cagr": g, "projected": proj, "rule": "base met the target, latest moved away"},
            warnings=w,
        )
    r = (proj - base_value) / (target - base_value)
    code = (
        "on_track"
        if ge(r, s.unsd_on_track, tol)
        else "acceleration_needed"
        if ge(r, s.unsd_fair, tol)
        else "stagnation_regression"
    )
    return MethodResult("unsd", code, metric=r, details={"cagr": g, "projected": proj}, warnings=w)


# ---------------------------------------------------------------------- Statistics Canada / Open SDG
def assess_statcan(
    base_year,
    base_value,
    latest_year,
    latest_value,
    target,
    target_year,
    direction,
    *,
    n_points: int = 2,
    kind: str = "proportion",
    comparator: str | None = None,
    settings: AssessSettings = DEFAULT_SETTINGS,
) -> MethodResult:
    """Statistics Canada / Open SDG progress category.

    ``R = d·CAGR_i / |CAGR_T|`` (d = +1 for increase/reach, −1 for decrease/cap), with
    ``CAGR_i`` observed from base to latest and ``CAGR_T`` required from base to the target
    year. Output: :class:`MethodResult` with ``metric`` = R and ``details`` ``{"cagr",
    "cagr_required"}``. Zero base or target values are replaced by 0.001 with a warning.
    """
    d = _sign(direction)
    s = settings
    w: list = []
    if target is not None and meets(latest_value, target, direction, comparator):
        return MethodResult("statcan", "achieved", details={"rule": "latest value meets the target"})
    if kind == "binary":
        return MethodResult("statcan", "not_achieved", details={"rule": "binary indicator"})
    if n_points < s.min_points or latest_year <= base_year:
        return MethodResult("statcan", "insufficient_data", details={"rule": f"fewer than {s.min_points} points"})
    if base_value <= 0 or latest_value <= 0 or (target is not None and target < 0):
        return MethodResult("statcan", "not_computable", details={"rule": ZERO_RULE}, warnings=[ZERO_RULE])
    vb, vt = base_value, latest_value
    g = cagr(vb, vt, latest_year - base_year)
    tol = s.tolerance
    if target is None:
        dg = d * g
        code = (
            "on_track"
            if ge(dg, s.statcan_no_target_on_track, tol)
            else "acceleration_needed"
            if ge(dg, s.statcan_no_target_acceleration, tol)
            else "limited_progress"
            if ge(dg, 0.0, tol)
            else "deterioration"
        )
        return MethodResult(
            "statcan", code, metric=g, details={"cagr": g, "rule": "no target: CAGR thresholds"}, warnings=w
        )
    tv = target  # a target of 0 is well defined: the required growth is −100 %
    if target_year <= base_year:
        return MethodResult("statcan", "insufficient_data", warnings=["target year not after base year"])
    gT = cagr(vb, tv, target_year - base_year)
    if abs(gT) <= tol:
        # Base already at the target: any move away is a deterioration, no move is limited progress.
        R = -math.inf if d * g < 0 else 0.0
    else:
        R = d * g / abs(gT)
    code = (
        "on_track"
        if ge(R, s.statcan_on_track, tol)
        else "acceleration_needed"
        if ge(R, s.statcan_acceleration, tol)
        else "limited_progress"
        if ge(R, s.statcan_limited, tol)
        else "deterioration"
    )
    return MethodResult("statcan", code, metric=R, details={"cagr": g, "cagr_required": gT}, warnings=w)


# ---------------------------------------------------------------------- ESCAP
def escap_projection(years, values, target_year) -> tuple[float, float]:
    """Time-weighted regression projection used by ESCAP.

    Inputs: observation years and values; ``target_year`` T. Output ``(Î_T, slope)`` in the
    indicator's unit (slope per year). Weights :func:`me_utils.analysis.trends.escap_weights`.
    """
    t = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    line = trends.wls_line(t, y, trends.escap_weights(t, target_year))
    return line["ybar"] + line["slope"] * (target_year - line["tbar"]), line["slope"]


def assess_escap(
    years,
    values,
    target,
    target_year,
    direction,
    *,
    base_year=None,
    bounds=(-np.inf, np.inf),
    kind: str = "proportion",
    comparator: str | None = None,
    settings: AssessSettings = DEFAULT_SETTINGS,
) -> MethodResult:
    """ESCAP Current Status Index and Anticipated Progress category.

    Inputs: the whole series (years, values), ``target`` for ``target_year`` T, ``direction``,
    ``base_year`` t_0 for the expected-progress line (default: first observed year), natural
    ``bounds`` of the value (the projection is clipped to them). Output: :class:`MethodResult`
    with status ``maintain|accelerate|reverse|insufficient_data|no_target``, ``metric`` = G and
    ``details`` ``{"csi", "csi_capped", "expected", "csi_status" (ahead|behind|regressed),
    "projected", "slope"}``.
    """
    d = _sign(direction)
    s = settings
    t = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    if target is None:
        return MethodResult("escap", "no_target", details={"rule": "ESCAP needs a numeric target"})
    i0, icr = float(y[0]), float(y[-1])
    t0 = float(t[0]) if base_year is None else float(base_year)
    tcr = float(t[-1])
    if meets(icr, target, direction, comparator) and len(t) < s.escap_min_points:
        return MethodResult(
            "escap",
            "maintain",
            details={"rule": "one point that already meets the target", "csi": 1.0, "csi_capped": 1.0},
        )
    if kind == "binary":
        return MethodResult(
            "escap",
            "maintain" if meets(icr, target, direction, comparator) else "reverse",
            details={"rule": "binary indicator"},
        )
    if trends.n_distinct(np.sort(t)) < s.escap_min_points:
        return MethodResult("escap", "insufficient_data", details={"rule": f"fewer than {s.escap_min_points} points"})
    already = meets(icr, target, direction, comparator)
    expected = (tcr - t0) / (target_year - t0) if target_year > t0 else 1.0
    proj, slope = escap_projection(t, y, target_year)
    if abs(slope) <= 1e-12 * max(1.0, float(np.max(np.abs(y)))):
        slope = 0.0  # a flat series: floating-point noise must not decide accelerate vs reverse
    proj = float(np.clip(proj, *bounds))
    if d * (target - i0) <= 0:
        # Base already at or beyond the target: no "progress needed" to divide by. Staying at or
        # beyond it is full progress; falling back is a regression whatever its size.
        csi = 1.0 if meets(icr, target, direction, comparator) else -math.inf
        G = 0.0 if meets(proj, target, direction) else math.inf
    else:
        csi = (icr - i0) / (target - i0)
        G = (target - proj) / (target - i0)
    csi_capped = min(csi, 1.0)
    csi_status = "regressed" if csi < 0 else ("ahead" if csi_capped >= expected else "behind")
    if le(G, 0.0, s.tolerance) or already:
        # A value already at or beyond the target is MAINTAIN (escap-method §4), whatever the
        # regression projects. G within the tolerance of 0 is 0 (2.3e-14 is rounding noise).
        code = "maintain"
    elif d * slope >= 0 and math.isfinite(G):
        code = "accelerate"
    else:
        code = "reverse"
    return MethodResult(
        "escap",
        code,
        metric=G,
        details={
            "csi": csi,
            "csi_capped": csi_capped,
            "expected": expected,
            "csi_status": csi_status,
            "projected": proj,
            "slope": slope,
        },
    )


# ---------------------------------------------------------------------- series-level assessment
@dataclass
class Assessment:
    """Everything the scorecard shows for one indicator series.

    Values in indicator units; probabilities in [0, 1]; ``statuses`` maps method → status code;
    ``results`` method → :class:`MethodResult`; ``fit`` the :class:`~me_utils.analysis.trends.TrendFit`
    (None when no trend could be fitted); ``notes`` English notes (keys in :data:`NOTE_TEXT`
    are translated by the scorecard).
    """

    n_points: int = 0
    first_year: float = float("nan")
    latest_year: float = float("nan")
    latest_value: float = float("nan")
    target: float | None = None
    target_year: int | None = None
    gap: float = float("nan")
    statuses: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)
    headline: str = "no_data"
    summary: str = "no_data"
    fit: object = None
    projection: dict = field(default_factory=dict)  # year → (fit, pred_low, pred_high)
    prob_reach: dict = field(default_factory=dict)  # year → probability
    notes: list = field(default_factory=list)
    target_2025_met: bool | None = None  # None while 2025 is not observed


def summary_category(method: str, status: str, latest_meets: bool) -> str:
    """Map a headline status to ``achieved|on_track|behind|no_data``."""
    if latest_meets or status == "achieved":
        return "achieved"
    if status in ("on_track", "maintain"):
        return "on_track"
    if status in ("insufficient_data", "no_data", "no_target"):
        return "no_data"
    return "behind"


def gap_to_target(latest_value, target, direction) -> float:
    """Shortfall against the target in indicator units: positive = still to go, ≤ 0 = met.

    (TV − latest) for increase/reach, (latest − TV) for decrease/cap.
    """
    if target is None or latest_value is None or not np.isfinite(latest_value):
        return float("nan")
    return (target - latest_value) * _sign(direction)


def assess_series(
    years,
    values,
    *,
    direction: str,
    kind: str,
    scale: float,
    target_2025=None,
    target_2030=None,
    numerators=None,
    denominators=None,
    periodicity: str = "annual",
    period_start: int = 2021,
    period_end: int = 2025,
    comparators: dict | None = None,
    settings: AssessSettings = DEFAULT_SETTINGS,
    fit_model: bool = True,
    fit=None,
    trend_mask=None,
    forecast_limit: float = math.inf,
    dispersion: dict | None = None,
) -> Assessment:
    """Assess one series (one indicator, unit and sex) against its applicable targets.

    Inputs: years and values (indicator units; NaN values and years outside
    [period_start, period_end] are dropped), ``direction``, ``kind``, ``scale`` (catalogue),
    applicable targets for 2025 and 2030 (None = none), optional numerators/denominators
    (counts, aligned with years), ``periodicity`` (``term`` refuses a yearly trend),
    ``comparators`` ({2025: ">", 2030: None}: strict targets from the catalogue).
    ``trend_mask`` (aligned with years): the points of the trend segment (after a structural
    break; default all); the three methods, the model and the probabilities use only those.
    ``fit``: a trend already fitted to that segment (the scorecard passes pooled fits); else
    one is fitted here with ``dispersion`` (pooled estimates, or None for the series' own).
    ``forecast_limit``: last year a projection may target (the unit's end); later years get NaN.
    No trend, forecast or probability when the segment fails the minimum-information rule
    (:func:`me_utils.analysis.status.enough_information`); the reason is in ``notes``
    (``info:<code>``). Probabilities are model probabilities for years not yet observed (NaN
    for an observed year: the figure answers it). Output: :class:`Assessment`.
    """
    s = settings
    a = Assessment()
    t = np.asarray(years, dtype=float)
    v = np.asarray(values, dtype=float)
    num = None if numerators is None else np.asarray(numerators, dtype=float)
    den = None if denominators is None else np.asarray(denominators, dtype=float)
    seg = np.ones(len(t), dtype=bool) if trend_mask is None else np.asarray(trend_mask, dtype=bool)
    keep = np.isfinite(v) & np.isfinite(t) & (t >= period_start) & (t <= period_end)
    order = np.argsort(t[keep], kind="stable")
    t, v, seg = t[keep][order], v[keep][order], seg[keep][order]
    if num is not None:
        num = num[keep][order]
    if den is not None:
        den = den[keep][order]
    a.n_points = int(len(t))
    if a.n_points == 0:
        a.statuses = {m: "no_data" for m in METHODS}
        a.headline, a.summary = "no_data", "no_data"
        return a
    a.first_year, a.latest_year, a.latest_value = float(t[0]), float(t[-1]), float(v[-1])
    a.gap = gap_to_target(a.latest_value, target_2025, direction)
    comparators = comparators or {}
    a.target_2025_met = (
        None
        if target_2025 is None or not (t == 2025).any()
        else bool(status.meets(v[t == 2025][-1], target_2025, direction, comparators.get(2025)))
    )
    # Which target the trend methods assess: the next one whose year is not yet observed.
    if target_2025 is not None and a.latest_year < 2025:
        a.target, a.target_year = target_2025, 2025
    elif target_2030 is not None:
        a.target, a.target_year = target_2030, 2030
    elif target_2025 is not None:
        a.target, a.target_year = target_2025, 2025
    else:
        a.target, a.target_year = None, None
    comp = comparators.get(a.target_year)
    latest_meets = a.target is not None and status.meets(a.latest_value, a.target, direction, comp)
    if a.target_2025_met is not None:
        latest_meets = a.target_2025_met
    if a.first_year > period_start:
        a.notes.append("base_shifted")
    if not seg.all():
        a.notes.append(f"segment_from:{int(t[seg][0]) if seg.any() else int(a.latest_year)}")
    bounds = (0.0, scale) if kind == "proportion" else (0.0, np.inf)

    if periodicity == "term":
        # Elected-body shares change only at elections: a yearly trend inside a term is invented.
        a.statuses = {m: "term_indicator" for m in METHODS}
        a.headline = "term_indicator"
        a.summary = "achieved" if latest_meets else ("behind" if a.target is not None else "no_data")
        a.notes.append("term_no_trend")
        return a

    # ---- the trend segment and the minimum-information rule
    ts, vs = t[seg], v[seg]
    ns = None if num is None else num[seg]
    ds = None if den is None else den[seg]
    info_ok, why = status.enough_information(kind, ts, ns, ds)
    if kind == "binary":
        info_ok = True  # yes/no indicators are scored met or not, never trended
    if not info_ok:
        a.notes.append(f"info:{why}")
    tt = a.target_year if a.target_year is not None else period_end
    common = dict(n_points=int(len(ts)) if info_ok else 0, kind=kind, comparator=comp, settings=s)
    if len(ts):
        res = {
            "unsd": assess_unsd(ts[0], vs[0], ts[-1], vs[-1], a.target, tt, direction, scale=scale, **common),
            "statcan": assess_statcan(ts[0], vs[0], ts[-1], vs[-1], a.target, tt, direction, **common),
            "escap": (
                assess_escap(
                    ts,
                    vs,
                    a.target,
                    tt,
                    direction,
                    base_year=None,
                    bounds=bounds,
                    kind=kind,
                    comparator=comp,
                    settings=s,
                )
                if info_ok or a.target is None
                else MethodResult("escap", "insufficient_data", details={"rule": why})
            ),
        }
    else:
        res = {m: MethodResult(m, "insufficient_data") for m in METHODS}
    if a.target is not None and a.target_year <= a.latest_year:
        # Only a past target is left (no 2030 target): the outcome is observed, not projected.
        met = status.meets(a.latest_value, a.target, direction, comp)
        res = {
            m: MethodResult(m, "achieved" if met else "not_achieved", details={"rule": "target year observed"})
            for m in METHODS
        }
        a.notes.append("target_year_observed")
    elif a.target_year is not None and a.target_year > forecast_limit:
        # the unit ceased before the target year: no method may project past its end
        res = {
            m: MethodResult(m, "not_assessed", details={"rule": "unit ceased before the target year"}) for m in METHODS
        }
        a.notes.append("unit_ceased")
    a.results = res
    a.statuses = {m: r.status for m, r in res.items()}
    a.headline = a.statuses[s.headline_method]
    a.summary = summary_category(s.headline_method, a.headline, latest_meets)
    if a.target_2025_met is False:
        a.summary = "behind"
        a.notes.append("target_2025_missed")
    if a.target_year == 2030 and target_2025 is not None:
        a.notes.append("assessed_against_2030")

    if fit_model and info_ok and kind != "binary" and trends.n_distinct(ts) >= 2:
        if fit is None:
            try:
                fit = trends.choose_and_fit(
                    ts,
                    vs,
                    kind=kind,
                    scale=scale,
                    numerators=ns,
                    denominators=ds,
                    level_model=s.level_model,
                    count_overdispersion=s.count_overdispersion,
                    weight_target_year=2030,
                    engine=s.glm_engine,
                    dispersion=dispersion,
                )
            except (ValueError, np.linalg.LinAlgError) as exc:  # degenerate input: say so, don't crash
                a.notes.append(f"model_failed: {exc}")
                fit = None
        a.fit = fit
        if fit is not None:
            pred = fit.predict_array([2025, 2030], s.level)
            for row in pred:
                if row[0] <= forecast_limit:
                    a.projection[int(row[0])] = (row[1], row[4], row[5])
            for yr, tv in ((2025, target_2025), (2030, target_2030)):
                if tv is None or yr <= a.latest_year or yr > forecast_limit:
                    # no target; an observed year (the figure answers it); or beyond the unit's end
                    a.prob_reach[yr] = float("nan")
                else:
                    a.prob_reach[yr] = fit.prob_reach(yr, tv, direction)
    elif a.n_points == 1:
        a.notes.append("one_point")
    return a
