"""The three published progress methods, each on its own: UNSD 2023 (:func:`assess_unsd`),
Statistics Canada / Open SDG (:func:`assess_statcan`) and UN ESCAP (:func:`assess_escap`), with
their thresholds (:class:`AssessSettings`), status codes and ranks, and the shared comparison
helpers. Formulas, cut-offs and the choice of headline are described in
:mod:`me_utils.analysis.assess`, which combines the methods for a whole series.
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


def direction_sign(direction: str) -> int:
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
    d = direction_sign(direction)
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
    d = direction_sign(direction)
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
    d = direction_sign(direction)
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
