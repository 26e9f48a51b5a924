"""The scorecard: one row per catalogue indicator with its latest value, target, the three
methods' statuses, the headline status, projections and the probability of reaching the target.

:func:`build_scorecard` returns exactly the frame of docs/CONTRACTS.md ("Scorecard frame");
:func:`assess_unit` returns the per-indicator objects (series, assessment, fitted model) that the
notebook and :mod:`me_utils.trend_plots` need; :func:`build_scorecard_detail` adds the numbers
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

from . import intervals
from .assess import DEFAULT_SETTINGS, METHODS, AssessSettings, assess_series

SCORECARD_COLUMNS = [
    "indicator_code", "name_vi", "name_en", "framework", "objective", "department", "kind",
    "direction", "unit_label", "n_points", "first_year", "latest_year", "latest_value", "ci_low",
    "ci_high", "target_2025", "target_2030", "target_basis", "verified", "gap_2025", "status_unsd",
    "status_statcan", "status_escap", "status_headline", "summary_category", "proj_2025",
    "proj_2025_low", "proj_2025_high", "proj_2030", "proj_2030_low", "proj_2030_high",
    "prob_reach_2025", "prob_reach_2030", "model", "note", "result_2025", "assessed_target_year",
]

#: Note codes used in the ``note`` column and their text (vi, en).
NOTE_TEXT = {
    "target_unverified": ("⚠ mục tiêu chưa được kiểm chứng với văn bản gốc",
                          "⚠ target not verified against the official text"),
    "no_target": ("chưa có mục tiêu định lượng", "no numeric target"),
    "base_shifted": ("năm gốc là năm đầu tiên có số liệu (muộn hơn năm đầu giai đoạn)",
                     "base year is the first year with data (later than the period start)"),
    "one_point": ("chỉ có một điểm số liệu: không ước lượng được xu hướng",
                  "one data point: no trend can be estimated"),
    "two_points": ("hai điểm số liệu: đường thẳng đi qua cả hai, không có khoảng dự báo",
                   "two data points: the line passes through both, no prediction interval"),
    "term_no_trend": ("chỉ tiêu theo nhiệm kỳ bầu cử: không ước lượng xu hướng trong nhiệm kỳ, "
                      "so sánh giữa các nhiệm kỳ ở báo cáo lãnh đạo",
                      "election-term indicator: no within-term trend; terms are compared in the "
                      "leadership report"),
    "target_year_observed": ("đã có số liệu của năm mục tiêu", "the target year is already observed"),
    "target_2025_missed": ("chưa đạt mục tiêu năm 2025", "the 2025 target was not met"),
    "assessed_against_2030": ("đã có số liệu năm 2025 nên xu hướng được đánh giá so với mục tiêu 2030",
                              "2025 is observed, so the trend is assessed against the 2030 target"),
    "zero_replaced": ("giá trị 0 được thay bằng 0,001 khi tính tốc độ tăng trưởng",
                      "a zero was replaced by 0.001 in a growth rate"),
    "overdispersed": ("phân tán quá mức (χ²/df > ngưỡng): dùng mô hình tựa/nhị thức âm",
                      "overdispersed (χ²/df above threshold): quasi/negative-binomial model"),
    "boundary_correction": ("số liệu ở 0% hoặc 100% (độ dốc không ước lượng được): hiệu chỉnh ½",
                            "values at 0% or 100% (slope not estimable): ½ correction"),
    "half_year_ignored": ("số liệu 6 tháng không đưa vào xu hướng", "half-year figures not used in the trend"),
    "model_failed": ("không ước lượng được mô hình", "the model could not be fitted"),
    "binary": ("chỉ tiêu có/không: chỉ đánh giá đạt hay chưa", "yes/no indicator: scored achieved or not"),
}


def note_text(note: str, lang: str = "vi") -> str:
    """Translate a ``note`` cell (codes joined by ``"; "``) into sentences of ``lang``."""
    if not isinstance(note, str) or not note:
        return ""
    out = []
    for code in note.split("; "):
        vi, en = NOTE_TEXT.get(code, (code, code))
        out.append(vi if lang == "vi" else en)
    return "; ".join(out)


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


def assess_unit(catalogue, observations: pd.DataFrame, unit: str = "SL", period_start: int = 2021,
                period_end: int = 2025, headline_method: str = "unsd", sex: str = "T",
                settings: AssessSettings | None = None) -> list[dict]:
    """Assess every catalogue indicator for one unit.

    Output: list (catalogue order) of dicts ``{"indicator", "series" (dict of float arrays
    year/value/numerator/denominator), "assessment" (:class:`~me_utils.assess.Assessment`),
    "targets" ({2025, 2030}), "half_year" (bool)}``.
    """
    if settings is None:
        settings = AssessSettings(headline_method=headline_method)
    elif settings.headline_method != headline_method:
        settings = AssessSettings(**{**settings.as_dict(), "headline_method": headline_method})
    groups, half = _split_series(observations, unit, sex)
    out = []
    for ind in _indicators(catalogue):
        ser = groups.get(ind.code) or _empty_series()
        t25, t30 = _target(ind, 2025), _target(ind, 2030)
        a = assess_series(
            ser["year"], ser["value"], direction=ind.direction, kind=ind.kind,
            scale=float(ind.scale), target_2025=t25, target_2030=t30,
            numerators=ser["numerator"], denominators=ser["denominator"],
            periodicity=ind.periodicity, period_start=period_start, period_end=period_end,
            comparators={y: _comparator(ind, y) for y in (2025, 2030)}, settings=settings,
        )
        out.append({"indicator": ind, "series": ser, "assessment": a, "targets": {2025: t25, 2030: t30},
                    "half_year": ind.code in half})
    return out


def _notes(item) -> list[str]:
    ind, a = item["indicator"], item["assessment"]
    codes = []
    if not getattr(ind, "verified", True):
        codes.append("target_unverified")
    if a.target is None:
        codes.append("no_target")
    for n in a.notes:
        key = n.split(":")[0]
        if key in NOTE_TEXT and key not in codes:
            codes.append(key)
    if a.fit is not None:
        if a.fit.df_resid == 0 and not a.fit.is_glm:
            codes.append("two_points")
        if a.fit.dispersion > 1 or a.fit.model == "negbin_glm":
            codes.append("overdispersed")
        if any("½" in n for n in a.fit.notes):
            codes.append("boundary_correction")
    if any("replaced" in w for r in a.results.values() for w in r.warnings):
        codes.append("zero_replaced")
    if ind.kind == "binary" and a.n_points:
        codes.append("binary")
    if item["half_year"]:
        codes.append("half_year_ignored")
    return codes


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
    for r, (lo, hi) in zip(rows, cis):
        r["ci_low"], r["ci_high"] = float(lo), float(hi)
    return rows


def _row(item) -> dict:
    ind, a, ser = item["indicator"], item["assessment"], item["series"]
    nan = float("nan")
    ci = (nan, nan)  # filled in for all rows at once by _latest_cis (vectorised intervals)
    p25 = a.projection.get(2025, (nan, nan, nan))
    p30 = a.projection.get(2030, (nan, nan, nan))
    t25, t30 = item["targets"][2025], item["targets"][2030]
    return {
        "indicator_code": ind.code, "name_vi": ind.name_vi, "name_en": ind.name_en,
        "framework": ind.framework, "objective": ind.objective, "department": ind.department,
        "kind": ind.kind, "direction": ind.direction, "unit_label": ind.unit,
        "n_points": a.n_points,
        "first_year": a.first_year if a.n_points else nan,
        "latest_year": a.latest_year if a.n_points else nan,
        "latest_value": a.latest_value if a.n_points else nan,
        "ci_low": float(ci[0]), "ci_high": float(ci[1]),
        "target_2025": nan if t25 is None else t25, "target_2030": nan if t30 is None else t30,
        "target_basis": getattr(ind, "target_basis", "") or "",
        "verified": bool(getattr(ind, "verified", False)),
        "gap_2025": a.gap,
        "status_unsd": a.statuses.get("unsd", "no_data"),
        "status_statcan": a.statuses.get("statcan", "no_data"),
        "status_escap": a.statuses.get("escap", "no_data"),
        "status_headline": a.headline, "summary_category": a.summary,
        "proj_2025": float(p25[0]), "proj_2025_low": float(p25[1]), "proj_2025_high": float(p25[2]),
        "proj_2030": float(p30[0]), "proj_2030_low": float(p30[1]), "proj_2030_high": float(p30[2]),
        "prob_reach_2025": float(a.prob_reach.get(2025, nan)),
        "prob_reach_2030": float(a.prob_reach.get(2030, nan)),
        "model": a.fit.model if a.fit is not None else ("term" if a.headline == "term_indicator" else "none"),
        "note": "; ".join(_notes(item)),
        # Outcome of the 2025 target once 2025 is observed; the statuses then look to 2030.
        "result_2025": ("no_data" if not a.n_points else "no_target" if t25 is None else
                        "pending" if a.target_2025_met is None else
                        "achieved" if a.target_2025_met else "not_achieved"),
        "assessed_target_year": nan if a.target_year is None else float(a.target_year),
    }


_DTYPES = {"n_points": "int64", "verified": "bool"}
_FLOATS = ["first_year", "latest_year", "latest_value", "ci_low", "ci_high", "target_2025", "target_2030",
           "gap_2025", "proj_2025", "proj_2025_low", "proj_2025_high", "proj_2030", "proj_2030_low",
           "proj_2030_high", "prob_reach_2025", "prob_reach_2030", "assessed_target_year"]


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Build the frame column by column with explicit dtypes (row-dict construction plus
    ``astype`` cost more than the statistics in pandas 3)."""
    data = {}
    for c in columns:
        vals = [r[c] for r in rows]
        if c in _FLOATS or c.startswith(("unsd_", "statcan_", "cagr_", "escap_")) and c != "escap_csi_status" \
                or c == "pearson_ratio":
            data[c] = np.array(vals, dtype="float64")
        elif c in _DTYPES:
            data[c] = np.array(vals, dtype=_DTYPES[c])
        else:
            data[c] = pd.array(vals, dtype="string") if c != "verified" else vals
    return pd.DataFrame(data, columns=columns)


def build_scorecard(catalogue, observations, unit="SL", period_start=2021, period_end=2025,
                    headline_method="unsd", sex="T") -> pd.DataFrame:
    """The scorecard frame of docs/CONTRACTS.md for one unit.

    Inputs: a loaded catalogue (:func:`me_utils.catalogue.load_catalogue`), the processed
    observations (:func:`me_utils.dataset.load_observations`), the unit code, the period, the
    headline method (``unsd``, ``statcan`` or ``escap``) and the sex code.
    Output: DataFrame with one row per catalogue indicator (catalogue order, including those
    without data) and exactly the columns :data:`SCORECARD_COLUMNS`. Values in each
    indicator's own unit (percent as 0–100); probabilities in [0, 1]; NaN where not applicable.
    """
    if headline_method not in METHODS:
        raise ValueError(f"headline_method must be one of {METHODS}, got {headline_method!r}")
    items = assess_unit(catalogue, observations, unit, period_start, period_end, headline_method, sex)
    return _frame(_rows(items), SCORECARD_COLUMNS)


DETAIL_COLUMNS = ["unsd_r", "unsd_projected", "statcan_R", "cagr_observed", "cagr_required", "escap_csi",
                  "escap_expected", "escap_csi_status", "escap_G", "escap_projected", "pearson_ratio"]


def detail_row(a) -> dict:
    """Numbers behind the statuses of one :class:`~me_utils.assess.Assessment`."""
    nan = float("nan")
    r = a.results
    u, s, e = r.get("unsd"), r.get("statcan"), r.get("escap")
    return {
        "unsd_r": float(u.metric) if u else nan,
        "unsd_projected": float(u.details.get("projected", nan)) if u else nan,
        "statcan_R": float(s.metric) if s else nan,
        "cagr_observed": float(s.details.get("cagr", nan)) if s else nan,
        "cagr_required": float(s.details.get("cagr_required", nan)) if s else nan,
        "escap_csi": float(e.details.get("csi", nan)) if e else nan,
        "escap_expected": float(e.details.get("expected", nan)) if e else nan,
        "escap_csi_status": e.details.get("csi_status", "") if e else "",
        "escap_G": float(e.metric) if e else nan,
        "escap_projected": float(e.details.get("projected", nan)) if e else nan,
        "pearson_ratio": float(a.fit.pearson_ratio) if a.fit is not None else nan,
    }


def build_scorecard_detail(catalogue, observations, unit="SL", period_start=2021, period_end=2025,
                           headline_method="unsd", sex="T", settings: AssessSettings | None = None):
    """Scorecard plus :data:`DETAIL_COLUMNS`, and the per-indicator items of :func:`assess_unit`.

    Output: ``(frame, items)``.
    """
    items = assess_unit(catalogue, observations, unit, period_start, period_end, headline_method, sex,
                        settings=settings)
    rows = [{**r, **detail_row(it["assessment"])} for r, it in zip(_rows(items), items)]
    return _frame(rows, SCORECARD_COLUMNS + DETAIL_COLUMNS), items


__all__ = ["build_scorecard", "build_scorecard_detail", "assess_unit", "note_text", "SCORECARD_COLUMNS",
           "DETAIL_COLUMNS", "NOTE_TEXT", "DEFAULT_SETTINGS", "value_ci"]


# ---------------------------------------------------------------------- report sections (notebook 10)
TITLE_VI = "Đánh giá chỉ tiêu và mục tiêu"
TITLE_EN = "Indicators against targets"

_DECIMALS = {"proportion": 1, "rate": 1, "ratio": 2, "count": 0, "binary": 0}


def load_report(ctx, headline_method: str = "unsd") -> dict:
    """Gather what notebook 10 shows for ``ctx`` (:class:`me_utils.notebook.ReportContext`).

    Output dict: ``frame`` (scorecard + detail columns), ``items`` (:func:`assess_unit`),
    ``lang``, ``settings``, ``missing`` (True when no processed observations exist — the report
    then says so instead of failing).
    """
    from .dataset import OBS_COLUMNS, load_observations

    try:
        obs = load_observations(ctx.data_root)
        missing = False
    except FileNotFoundError:
        obs = pd.DataFrame(columns=OBS_COLUMNS)
        missing = True
    settings = AssessSettings(headline_method=headline_method)
    frame, items = build_scorecard_detail(ctx.catalogue, obs, ctx.unit, ctx.period_start, ctx.period_end,
                                          headline_method, settings=settings)
    return {"frame": frame, "items": items, "lang": ctx.lang, "settings": settings, "missing": missing,
            "ctx": ctx}


def _fmt_value(x, kind, lang):
    from . import fmt

    return fmt.fmt_number(x, _DECIMALS.get(kind, 1), lang)


def _fmt_prob(p, lang):
    from . import fmt

    if p is None or not np.isfinite(p):
        return fmt.MISSING
    if 0 < p < 0.01:
        return "< " + fmt.fmt_pct(1, 0, lang)
    if 0.99 < p < 1:
        return "> " + fmt.fmt_pct(99, 0, lang)
    return fmt.fmt_pct(p * 100, 0, lang)


def _toward_2030(r) -> bool:
    """True when the row's statuses look past an observed 2025 to the 2030 target."""
    try:
        year = float(r["assessed_target_year"])
    except (TypeError, ValueError):
        return False
    return year == 2030 and str(r["result_2025"]) in ("achieved", "not_achieved")


def display_frame(frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Reviewer-facing table of the indicators with data: formatted strings, labels in ``lang``.

    Columns: code, indicator, latest value (year) with its 95 % interval, 2025 target (⚠ when
    unverified), the 2025 outcome once observed, headline status (marked "→ 2030" when it looks
    past an observed 2025), the two other methods, P(reach 2025), P(reach 2030), notes.
    """
    from . import fmt
    from .assess import status_label

    L = (lambda vi, en: vi if lang == "vi" else en)  # noqa: E731
    rows = []
    for _, r in frame[frame["n_points"] > 0].iterrows():
        kind = r["kind"]
        latest = f"{_fmt_value(r['latest_value'], kind, lang)} ({int(r['latest_year'])})"
        if np.isfinite(r["ci_low"]):
            d = _DECIMALS.get(kind, 1)
            latest += f"; {fmt.ci_label(0.95, lang)}: {fmt.fmt_ci(r['ci_low'], r['ci_high'], d, lang, pct=False)}"
        tgt = fmt.MISSING if not np.isfinite(r["target_2025"]) else fmt.fmt_number(
            r["target_2025"], 0 if float(r["target_2025"]).is_integer() else 1, lang)
        if not r["verified"]:
            tgt += " ⚠"
        others = [m for m in METHODS if m != frame.attrs.get("headline", "unsd")]
        rows.append({
            L("Mã", "Code"): r["indicator_code"],
            L("Chỉ tiêu", "Indicator"): r["name_vi"] if lang == "vi" else r["name_en"],
            L("Đơn vị", "Unit"): r["unit_label"],
            L("Giá trị mới nhất (năm)", "Latest value (year)"): latest,
            L("Mục tiêu 2025", "2025 target"): tgt,
            L("Kết quả 2025", "2025 outcome"): status_label(r["result_2025"], lang),
            L("Đánh giá (phương pháp chính)", "Status (headline method)"): status_label(r["status_headline"], lang)
            + (" (→ 2030)" if _toward_2030(r) else ""),
            **{L(f"Theo {m.upper() if m != 'statcan' else 'StatCan'}", f"By {m.upper() if m != 'statcan' else 'StatCan'}"):
               status_label(r[f"status_{m}"], lang) for m in others},
            L("Xác suất đạt 2025", "P(reach 2025)"): _fmt_prob(r["prob_reach_2025"], lang),
            L("Xác suất đạt 2030", "P(reach 2030)"): _fmt_prob(r["prob_reach_2030"], lang),
            L("Ghi chú", "Notes"): note_text(r["note"], lang),
        })
    return pd.DataFrame(rows)


def section_summary(rep: dict) -> pd.DataFrame:
    """Show the headline summary (counts by category) and return it."""
    from .assess import status_label
    from .notebook import heading, markdown, show_table

    lang, frame = rep["lang"], rep["frame"]
    L = (lambda vi, en: vi if lang == "vi" else en)  # noqa: E731
    heading(L("Tổng hợp", "Summary"), 2)
    if rep["missing"]:
        markdown(L("**Chưa có số liệu đã xử lý** cho nguồn số liệu này (chạy `me build`). Mọi chỉ tiêu được "
                   "ghi là chưa có số liệu.",
                   "**No processed data** for this data root (run `me build`). Every indicator is shown as "
                   "having no data."))
    counts = frame["summary_category"].value_counts()
    tab = pd.DataFrame({
        L("Tình trạng", "Status"): [status_label(c, lang) for c in ("achieved", "on_track", "behind", "no_data")],
        L("Số chỉ tiêu", "Indicators"): [int(counts.get(c, 0)) for c in ("achieved", "on_track", "behind", "no_data")],
    })
    from .methodnote import METHOD_NAMES

    name = METHOD_NAMES[rep["settings"].headline_method][0 if lang == "vi" else 1]
    show_table(tab, caption=L(f"Theo phương pháp chính: {name}.", f"By the headline method: {name}."))
    return tab


def section_table(rep: dict) -> pd.DataFrame:
    """Show the indicator table (indicators with data) and the list of indicators without data."""
    from .notebook import heading, markdown, show_table

    lang, frame = rep["lang"], rep["frame"]
    L = (lambda vi, en: vi if lang == "vi" else en)  # noqa: E731
    frame.attrs["headline"] = rep["settings"].headline_method
    heading(L("Đánh giá từng chỉ tiêu", "Indicator by indicator"), 2)
    tab = display_frame(frame, lang)
    if len(tab):
        show_table(tab, caption=L(
            "Giá trị theo đơn vị của chỉ tiêu; KTC 95%: Wilson (tỷ lệ) hoặc Garwood (số đếm, tỷ suất). "
            "⚠ = mục tiêu chưa được kiểm chứng với văn bản gốc.",
            "Values in each indicator's unit; 95% CI: Wilson (proportions) or Garwood (counts, rates). "
            "⚠ = target not verified against the official text."))
    else:
        markdown(L("Chưa có chỉ tiêu nào có số liệu.", "No indicator has data yet."))
    nodata = frame[frame["n_points"] == 0]
    if len(nodata):
        heading(L("Chỉ tiêu chưa có số liệu", "Indicators without data"), 3)
        markdown(", ".join(f"`{c}`" for c in nodata["indicator_code"]))
    return tab


def _figure_image(fig):
    """PNG image of a figure for display (independent of the notebook's matplotlib backend)."""
    import io

    from IPython.display import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    # The alt text a chart function attached (me_utils.style.set_alt), for the page (issue 17).
    return Image(data=buf.getvalue(), format="png", alt=getattr(fig, "me_alt", None))


def section_charts(rep: dict, ncols: int = 3):
    """Show the small-multiple trend charts, one figure per framework; return the figures."""
    import matplotlib.pyplot as plt

    from .notebook import _display, heading
    from .trend_plots import small_multiples

    lang = rep["lang"]
    heading("Xu hướng và mục tiêu" if lang == "vi" else "Trends and targets", 2)
    figs = []
    frameworks = list(dict.fromkeys(it["indicator"].framework for it in rep["items"]))
    for fw in frameworks:
        its = [it for it in rep["items"] if it["indicator"].framework == fw]
        fig = small_multiples(its, lang, ncols=ncols)
        if fig is None:
            continue
        heading(fw, 3)
        _display(_figure_image(fig))
        plt.close(fig)
        figs.append(fig)
    return figs


def section_method_note(rep: dict) -> str:
    """Show the method note generated from the settings used; return its markdown."""
    from .methodnote import method_note
    from .notebook import markdown

    text = method_note(rep["settings"], rep["lang"])
    markdown(text)
    return text
