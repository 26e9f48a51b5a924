"""The scorecard: one row per catalogue indicator with its latest value, target, the three
methods' statuses, the headline status, projections and the probability of reaching the target.

:func:`build_scorecard` returns exactly the frame of docs/CONTRACTS.md ("Scorecard frame");
:func:`assess_unit` returns the per-indicator objects (series, assessment, fitted model) that the
notebook and :mod:`me_utils.reports.trend_plots` need; :func:`build_scorecard_detail` adds the numbers
behind each status (r, R, G, CSI…).

Assumptions (shown in the method note):

* only annual figures (period ``FY``) enter a trend; half-year (``H1``) figures are interim;
* the series is the unit's own, for the chosen sex (``T`` by default), restricted to
  ``period_start``–``period_end``; national baselines are never mixed into a unit's series;
* the latest value's interval is Wilson (proportions with numerator/denominator) or exact
  Garwood (counts, and rates/ratios with numerator and denominator); otherwise none is shown;
* the ``note`` column holds stable codes separated by ``"; "`` — :func:`note_text` turns them
  into Vietnamese or English sentences.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from me_utils.analysis import intervals, status, trends
from me_utils.analysis.assess import DEFAULT_SETTINGS, METHODS, AssessSettings, assess_series
from me_utils.analysis.scorecard_notes import (  # noqa: F401 (re-exported)
    DETAIL_COLUMNS,
    NOTE_TEXT,
    detail_row,
    note_codes,
    note_text,
)

SCORECARD_COLUMNS = [
    "indicator_code",
    "name_vi",
    "name_en",
    "framework",
    "objective",
    "department",
    "kind",
    "direction",
    "unit_label",
    "n_points",
    "first_year",
    "latest_year",
    "latest_value",
    "ci_low",
    "ci_high",
    "target_2025",
    "target_2030",
    "target_basis",
    "verified",
    "gap_2025",
    "status_unsd",
    "status_statcan",
    "status_escap",
    "status_headline",
    "summary_category",
    "proj_2025",
    "proj_2025_low",
    "proj_2025_high",
    "proj_2030",
    "proj_2030_low",
    "proj_2030_high",
    "prob_reach_2025",
    "prob_reach_2030",
    "model",
    "note",
    "result_2025",
    "assessed_target_year",
    # the status model (me_utils.analysis.status): one object every report reads
    "margin_2025",
    "margin_2025_low",
    "margin_2025_high",
    "outlook",
    "outlook_year",
    "outlook_prob",
    "scope",
    "enumeration",
    "trend_from_year",
    "status_reason_vi",
    "status_reason_en",
]


def _indicators(catalogue):
    if hasattr(catalogue, "indicators"):
        return list(catalogue.indicators.values())
    return list(catalogue)


def _target(ind, year):
    try:
        t = ind.target(year)
    except (AttributeError, ValueError):
        t = getattr(ind, f"target_{year}", None)
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return None
    return float(t)


def _comparator(ind, year):
    try:
        return ind.comparator(year)
    except (AttributeError, ValueError):
        return None


def value_ci(kind, scale, value, num, den, level=0.95):
    """Interval of the latest value in indicator units (NaN, NaN when none applies)."""
    if kind == "proportion" and np.isfinite(num) and np.isfinite(den) and den > 0 and 0 <= num <= den:
        lo, hi = intervals.wilson_ci(num, den, level)
        return lo * scale, hi * scale
    if kind in ("rate", "ratio") and np.isfinite(num) and np.isfinite(den) and den > 0 and num >= 0:
        _, lo, hi = intervals.rate_ci(num, den, per=scale, level=level)
        return lo, hi
    if kind == "count":
        c = num if np.isfinite(num) else value
        if np.isfinite(c) and c >= 0 and float(c).is_integer():
            return intervals.garwood_ci(c, level)
    return float("nan"), float("nan")


_SERIES_KEYS = ("year", "value", "numerator", "denominator")


def _empty_series() -> dict:
    return {k: np.empty(0) for k in _SERIES_KEYS}


def series_for(observations: pd.DataFrame, code: str, unit: str, sex: str = "T") -> dict:
    """Annual series of one indicator for one unit and sex.

    Output: dict of float arrays ``year, value, numerator, denominator`` sorted by year.
    """
    o = observations
    m = (o["indicator_code"] == code) & (o["unit_code"] == unit) & (o["sex"] == sex) & (o["period"] == "FY")
    sub = o.loc[m]
    t = sub["year"].to_numpy(dtype="float64", na_value=np.nan)
    order = np.argsort(t, kind="stable")
    return {k: sub[k].to_numpy(dtype="float64", na_value=np.nan)[order] for k in _SERIES_KEYS}


def _split_series(observations: pd.DataFrame, unit: str, sex: str):
    """Split the observations of ``unit``/``sex`` into per-indicator annual series in one pass.

    Output: ``(series, half)`` — dict code → series dict (see :func:`series_for`) and the set of
    codes that also have half-year figures. Vectorised: the frame is filtered once and the
    grouping is done on numpy arrays (pandas per-indicator filtering was 20× slower).
    """
    o = observations
    if not len(o):
        return {}, set()
    m = ((o["unit_code"] == unit) & (o["sex"] == sex)).to_numpy(dtype=bool, na_value=False)
    sub = o.loc[m]
    if not len(sub):
        return {}, set()
    codes = sub["indicator_code"].to_numpy(dtype=object)
    period = sub["period"].to_numpy(dtype=object)
    half = set(codes[period == "H1"])
    fy = period == "FY"
    codes = codes[fy]
    cols = {k: sub[k].to_numpy(dtype="float64", na_value=np.nan)[fy] for k in _SERIES_KEYS}
    order = np.lexsort((cols["year"], codes.astype(str)))
    codes = codes[order]
    cols = {k: v[order] for k, v in cols.items()}
    uniq, first = np.unique(codes.astype(str), return_index=True)
    bounds = list(first) + [len(codes)]
    out = {}
    for i, c in enumerate(uniq):
        sl = slice(bounds[i], bounds[i + 1])
        out[c] = {k: v[sl] for k, v in cols.items()}
    return out, half


def assess_unit(
    catalogue,
    observations: pd.DataFrame,
    unit: str = "SL",
    period_start: int = 2021,
    period_end: int = 2025,
    headline_method: str = "unsd",
    sex: str = "T",
    settings: AssessSettings | None = None,
) -> list[dict]:
    """Assess every catalogue indicator for one unit.

    Two passes: (1) each indicator's trend segment (after structural breaks,
    :func:`me_utils.analysis.status.detect_breaks`) is checked against the minimum-information rule and
    fitted; (2) the GLM fits of one family are pooled (dispersion and empirical-Bayes slope
    prior, :func:`me_utils.analysis.trends.pool_fits`) and every series is assessed with its pooled fit.
    National-only indicators are context (no trend); no forecast targets a year after the unit
    ceased to exist.

    Output: list (catalogue order) of dicts ``{"indicator", "series" (dict of float arrays
    year/value/numerator/denominator), "assessment" (:class:`~me_utils.analysis.assess.Assessment`),
    "targets" ({2025, 2030}), "half_year" (bool), "breaks" ([(year, reason)]), "trend_mask",
    "context" (bool), "enumeration" (bool), "forecast_limit" (last forecastable year)}``.
    """
    if settings is None:
        settings = AssessSettings(headline_method=headline_method)
    elif settings.headline_method != headline_method:
        settings = AssessSettings(**{**settings.as_dict(), "headline_method": headline_method})
    groups, half = _split_series(observations, unit, sex)
    limit = status.last_forecast_year(unit)
    pre = []
    for ind in _indicators(catalogue):
        ser = groups.get(ind.code) or _empty_series()
        keep = (ser["year"] >= period_start) & (ser["year"] <= period_end) & np.isfinite(ser["value"])
        breaks = status.detect_breaks(ind.code, ser["year"][keep], ser["denominator"][keep], ind)
        mask = status.last_segment(ser["year"], breaks)
        context = status.is_context(ind, unit)
        fit = None
        if not context and ind.kind != "binary" and ind.periodicity != "term":
            m = mask & keep
            ok, _why = status.enough_information(ind.kind, ser["year"][m], ser["numerator"][m], ser["denominator"][m])
            if ok:
                try:
                    fit = trends.choose_and_fit(
                        ser["year"][m],
                        ser["value"][m],
                        kind=ind.kind,
                        scale=float(ind.scale),
                        numerators=ser["numerator"][m],
                        denominators=ser["denominator"][m],
                        level_model=settings.level_model,
                        count_overdispersion=settings.count_overdispersion,
                        weight_target_year=2030,
                        engine=settings.glm_engine,
                    )
                except (ValueError, np.linalg.LinAlgError):
                    fit = None  # assess_series refits and records the reason
        pre.append((ind, ser, breaks, mask, context, fit))
    fits = [p[5] for p in pre]
    if settings.shrink_slopes:
        pooled = trends.pool_fits(fits)
    else:
        disp = trends.pool_dispersion(fits)
        pooled = [
            f.with_dispersion(disp[f.family].value, disp[f.family].df)
            if f is not None and f.is_glm and disp[f.family].df > 0
            else f
            for f in fits
        ]
    out = []
    for (ind, ser, breaks, mask, context, _), fit in zip(pre, pooled):
        t25, t30 = _target(ind, 2025), _target(ind, 2030)
        a = assess_series(
            ser["year"],
            ser["value"],
            direction=ind.direction,
            kind=ind.kind,
            scale=float(ind.scale),
            target_2025=t25,
            target_2030=t30,
            numerators=ser["numerator"],
            denominators=ser["denominator"],
            periodicity=ind.periodicity,
            period_start=period_start,
            period_end=period_end,
            comparators={y: _comparator(ind, y) for y in (2025, 2030)},
            settings=settings,
            fit_model=not context,
            fit=fit,
            trend_mask=mask,
            forecast_limit=limit,
        )
        out.append(
            {
                "indicator": ind,
                "series": ser,
                "assessment": a,
                "targets": {2025: t25, 2030: t30},
                "half_year": ind.code in half,
                "breaks": breaks,
                "trend_mask": mask,
                "context": context,
                "enumeration": status.is_enumeration(ind),
                "forecast_limit": limit,
                "unit": unit,
            }
        )
    return out


def item_status(item, ci_2025=(float("nan"), float("nan"))) -> status.RowStatus:
    """The :class:`~me_utils.analysis.status.RowStatus` of one :func:`assess_unit` item.

    ``ci_2025``: the 95 % interval of the 2025 figure (indicator units), when 2025 is observed.
    """
    ind, a, ser = item["indicator"], item["assessment"], item["series"]
    reasons = [f"break|year={y}|why={why}" for y, why in item.get("breaks", [])]
    for n in a.notes:
        if n.startswith("info:"):
            reasons.append(n[5:])
        elif n.startswith("model_failed"):
            reasons.append("model_failed")
    limit = item.get("forecast_limit", math.inf)
    if np.isfinite(limit) and limit < 2030:
        end = status.unit_end(item.get("unit", ""))
        if end is not None:
            reasons.append(f"ceased|date={end.isoformat()}")
    prob = {y: a.prob_reach.get(y, float("nan")) for y in (2025, 2030)}
    return status.row_status(
        direction=ind.direction,
        target_2025=item["targets"][2025],
        target_2030=item["targets"][2030],
        comparators={y: _comparator(ind, y) for y in (2025, 2030)},
        years=ser["year"],
        values=ser["value"],
        ci_2025=ci_2025,
        prob=prob,
        context=item.get("context", False),
        enumeration=item.get("enumeration", False),
        info_reasons=reasons,
        forecast_limit=limit,
        binary=ind.kind == "binary",
    )


def _latest_cis(items, level: float = 0.95) -> np.ndarray:
    """Interval of the latest value of every item, shape (len(items), 2), indicator units.

    Same rules as :func:`value_ci`, but one call of each interval function for all rows
    (per-row calls of the statsmodels/scipy wrappers dominated the scorecard's run time).
    """
    n = len(items)
    out = np.full((n, 2), np.nan)
    kind = np.empty(n, dtype=object)
    scale, val, num, den = (np.full(n, np.nan) for _ in range(4))
    for i, it in enumerate(items):
        a, ser, ind = it["assessment"], it["series"], it["indicator"]
        kind[i], scale[i] = ind.kind, float(ind.scale)
        if a.n_points:
            j = np.flatnonzero(ser["year"] == a.latest_year)[-1]
            val[i], num[i], den[i] = a.latest_value, ser["numerator"][j], ser["denominator"][j]
    fin = np.isfinite(num) & np.isfinite(den)
    prop = (kind == "proportion") & fin & (den > 0) & (num >= 0) & (num <= den)
    if prop.any():
        lo, hi = intervals.wilson_ci(num[prop], den[prop], level)
        out[prop] = np.column_stack([lo, hi]) * scale[prop, None]
    rate = np.isin(kind, ["rate", "ratio"]) & fin & (den > 0) & (num >= 0)
    if rate.any():
        _, lo, hi = intervals.rate_ci(num[rate], den[rate], per=1.0, level=level)
        out[rate] = np.column_stack([lo, hi]) * scale[rate, None]
    c = np.where(np.isfinite(num), num, val)
    cnt = (kind == "count") & np.isfinite(c) & (c >= 0) & (np.mod(np.where(np.isfinite(c), c, 0), 1) == 0)
    if cnt.any():
        lo, hi = intervals.garwood_ci(c[cnt], level)
        out[cnt] = np.column_stack([np.atleast_1d(lo), np.atleast_1d(hi)])
    return out


def _rows(items) -> list[dict]:
    rows = [_row(it) for it in items]
    cis = _latest_cis(items)
    nan = float("nan")
    for r, it, (lo, hi) in zip(rows, items, cis):
        if it.get("enumeration"):
            lo = hi = nan  # a complete count has no sampling error
        r["ci_low"], r["ci_high"] = float(lo), float(hi)
        ci25 = (lo, hi) if r["latest_year"] == 2025 else (nan, nan)
        st = item_status(it, ci25)
        r.update(status_columns(st))
        if st.scope == "context":
            for m in METHODS:
                r[f"status_{m}"] = "context"
    return rows


def status_columns(st: status.RowStatus) -> dict:
    """Scorecard columns of a :class:`~me_utils.analysis.status.RowStatus` (the one status object)."""
    return {
        "result_2025": st.result_2025,
        "summary_category": st.summary,
        "status_headline": st.summary,
        "margin_2025": st.margin_2025,
        "margin_2025_low": st.margin_2025_low,
        "margin_2025_high": st.margin_2025_high,
        "outlook": st.outlook,
        "outlook_year": st.outlook_year,
        "outlook_prob": st.outlook_prob,
        "scope": st.scope,
        "enumeration": bool(st.enumeration),
        "status_reason_vi": st.reason("vi"),
        "status_reason_en": st.reason("en"),
    }


def _row(item) -> dict:
    ind, a, ser = item["indicator"], item["assessment"], item["series"]
    nan = float("nan")
    ci = (nan, nan)  # filled in for all rows at once by _latest_cis (vectorised intervals)
    p25 = a.projection.get(2025, (nan, nan, nan))
    p30 = a.projection.get(2030, (nan, nan, nan))
    t25, t30 = item["targets"][2025], item["targets"][2030]
    return {
        "indicator_code": ind.code,
        "name_vi": ind.name_vi,
        "name_en": ind.name_en,
        "framework": ind.framework,
        "objective": ind.objective,
        "department": ind.department,
        "kind": ind.kind,
        "direction": ind.direction,
        "unit_label": ind.unit,
        "n_points": a.n_points,
        "first_year": a.first_year if a.n_points else nan,
        "latest_year": a.latest_year if a.n_points else nan,
        "latest_value": a.latest_value if a.n_points else nan,
        "ci_low": float(ci[0]),
        "ci_high": float(ci[1]),
        "target_2025": nan if t25 is None else t25,
        "target_2030": nan if t30 is None else t30,
        "target_basis": getattr(ind, "target_basis", "") or "",
        "verified": bool(getattr(ind, "verified", False)),
        "gap_2025": a.gap,
        "status_unsd": a.statuses.get("unsd", "no_data"),
        "status_statcan": a.statuses.get("statcan", "no_data"),
        "status_escap": a.statuses.get("escap", "no_data"),
        "status_headline": a.headline,
        "summary_category": a.summary,
        "proj_2025": float(p25[0]),
        "proj_2025_low": float(p25[1]),
        "proj_2025_high": float(p25[2]),
        "proj_2030": float(p30[0]),
        "proj_2030_low": float(p30[1]),
        "proj_2030_high": float(p30[2]),
        "prob_reach_2025": float(a.prob_reach.get(2025, nan)),
        "prob_reach_2030": float(a.prob_reach.get(2030, nan)),
        "model": a.fit.model if a.fit is not None else ("term" if a.headline == "term_indicator" else "none"),
        "note": "; ".join(note_codes(item)),
        # Outcome of the 2025 target once 2025 is observed; the statuses then look to 2030.
        "result_2025": (
            "no_data"
            if not a.n_points
            else "no_target"
            if t25 is None
            else "pending"
            if a.target_2025_met is None
            else "achieved"
            if a.target_2025_met
            else "not_achieved"
        ),
        "assessed_target_year": nan if a.target_year is None else float(a.target_year),
        "trend_from_year": (
            float(ser["year"][item["trend_mask"]].min())
            if "trend_mask" in item and np.any(item["trend_mask"])
            else (a.first_year if a.n_points else nan)
        ),
    }


_DTYPES = {"n_points": "int64", "verified": "bool", "enumeration": "bool"}
#: The float columns of a scorecard row (years as floats: NaN when there is no data).
FLOAT_COLUMNS = [
    "first_year",
    "latest_year",
    "latest_value",
    "ci_low",
    "ci_high",
    "target_2025",
    "target_2030",
    "gap_2025",
    "proj_2025",
    "proj_2025_low",
    "proj_2025_high",
    "proj_2030",
    "proj_2030_low",
    "proj_2030_high",
    "prob_reach_2025",
    "prob_reach_2030",
    "assessed_target_year",
    "margin_2025",
    "margin_2025_low",
    "margin_2025_high",
    "outlook_year",
    "outlook_prob",
    "trend_from_year",
]


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Build the frame column by column with explicit dtypes (row-dict construction plus
    ``astype`` cost more than the statistics in pandas 3)."""
    data = {}
    for c in columns:
        vals = [r[c] for r in rows]
        if (
            c in FLOAT_COLUMNS
            or c.startswith(("unsd_", "statcan_", "cagr_", "escap_"))
            and c != "escap_csi_status"
            or c == "pearson_ratio"
        ):
            data[c] = np.array(vals, dtype="float64")
        elif c in _DTYPES:
            data[c] = np.array(vals, dtype=_DTYPES[c])
        else:
            data[c] = pd.array(vals, dtype="string") if c not in ("verified", "enumeration") else vals
    return pd.DataFrame(data, columns=columns)


def build_scorecard(
    catalogue, observations, unit="SL", period_start=2021, period_end=2025, headline_method="unsd", sex="T"
) -> pd.DataFrame:
    """The scorecard frame of docs/CONTRACTS.md for one unit.

    Inputs: a loaded catalogue (:func:`me_utils.reference.catalogue.load_catalogue`), the processed
    observations (:func:`me_utils.build.dataset.load_observations`), the unit code, the period, the
    headline method (``unsd``, ``statcan`` or ``escap``) and the sex code.
    Output: DataFrame with one row per catalogue indicator (catalogue order, including those
    without data) and exactly the columns :data:`SCORECARD_COLUMNS`. Values in each
    indicator's own unit (percent as 0–100); probabilities in [0, 1]; NaN where not applicable.
    """
    if headline_method not in METHODS:
        raise ValueError(f"headline_method must be one of {METHODS}, got {headline_method!r}")
    items = assess_unit(catalogue, observations, unit, period_start, period_end, headline_method, sex)
    return _frame(_rows(items), SCORECARD_COLUMNS)


def build_scorecard_detail(
    catalogue,
    observations,
    unit="SL",
    period_start=2021,
    period_end=2025,
    headline_method="unsd",
    sex="T",
    settings: AssessSettings | None = None,
):
    """Scorecard plus :data:`DETAIL_COLUMNS`, and the per-indicator items of :func:`assess_unit`.

    Output: ``(frame, items)``.
    """
    items = assess_unit(
        catalogue, observations, unit, period_start, period_end, headline_method, sex, settings=settings
    )
    rows = [{**r, **detail_row(it["assessment"])} for r, it in zip(_rows(items), items)]
    return _frame(rows, SCORECARD_COLUMNS + DETAIL_COLUMNS), items


__all__ = [
    "build_scorecard",
    "build_scorecard_detail",
    "assess_unit",
    "note_text",
    "SCORECARD_COLUMNS",
    "DETAIL_COLUMNS",
    "NOTE_TEXT",
    "DEFAULT_SETTINGS",
    "value_ci",
]
