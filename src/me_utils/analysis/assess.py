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
from dataclasses import dataclass, field

import numpy as np

from me_utils.analysis import status, trends
from me_utils.analysis.methods import (  # noqa: F401 (re-exported)
    DEFAULT_SETTINGS,
    DIRECTIONS,
    DOWN,
    METHODS,
    STATUS_LABELS,
    STATUS_RANK,
    SUMMARY_CATEGORIES,
    UP,
    ZERO_RULE,
    AssessSettings,
    MethodResult,
    assess_escap,
    assess_statcan,
    assess_unsd,
    cagr,
    direction_sign,
    escap_projection,
    ge,
    le,
    meets,
    status_label,
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
    return (target - latest_value) * direction_sign(direction)


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
