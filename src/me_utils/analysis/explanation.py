"""Why an assessment came out as it did: the numbers behind one indicator × unit status, and
sentences (Vietnamese or English) that say why, instead of note codes.

:func:`explain_assessment` takes an assessment item (:func:`me_utils.analysis.scorecard.assess_unit`),
the stored scorecard row and the gated figures of the series (from the evidence base) and
returns an :class:`Explanation` of numeric frames plus sentences; :func:`withheld` explains a
series the disclosure gate withheld, showing nothing of it. The analysts' API
(:func:`me_utils.api.explain`) finds the inputs in the evidence base.

Layer: reports (numeric frames for one view; reads nothing itself).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from me_utils.analysis import assess, status, trends
from me_utils.analysis import scorecard as sc
from me_utils.core import fmt

_DECIMALS = {"proportion": 1, "rate": 1, "ratio": 2, "count": 0, "binary": 0}


@dataclass
class Explanation:
    """What lies behind one indicator × unit assessment (returned by :func:`explain`).

    Attributes (numbers in the indicator's own unit unless said otherwise):

    - ``summary`` (pandas Series): ``indicator_code, unit_code, n_points, first_year,
      latest_year, latest_value, target, target_year`` (the target the methods assessed),
      ``target_2025, target_2030, headline_method, status_headline, summary_category,
      result_2025, model, dispersion`` (φ used to widen the model's uncertainty; 1 = none),
      ``pearson_ratio`` (Pearson χ²/df), ``overdispersion_threshold``, ``df_resid``,
      ``prob_reach_2025, prob_reach_2030`` ([0, 1]) and ``n_suppressed``.
    - ``fit`` (DataFrame): one row per year in the trend — ``year, observed`` (the value the
      model fitted: numerator/denominator × scale where counts exist, else the reported value),
      ``numerator, denominator, fitted`` (fitted mean of the model), ``residual`` (observed −
      fitted) and ``pearson_residual`` (residual over the model's standard deviation of a
      figure, before any overdispersion scaling).
    - ``projection`` (DataFrame): ``year`` (2025, 2030), ``fit``, ``fit_low``, ``fit_high``
      (95 % CI of the mean), ``pred_low``, ``pred_high`` (95 % prediction interval of the
      figure that will be reported), ``target``, ``prob_reach``.
    - ``methods`` (DataFrame): one row per method (``unsd``, ``statcan``, ``escap``) —
      ``method, status`` (code), ``label``, ``headline`` (bool), ``metric_name`` (r, R or G),
      ``metric``, ``cagr``, ``cagr_required``, ``projected``, ``csi``, ``expected`` and
      ``reason`` (a sentence saying why this status).
    - ``why`` (list of str): sentences, headline first, then the model and the notes.
    - ``lang``: language of the sentences.
    """

    summary: pd.Series
    fit: pd.DataFrame
    projection: pd.DataFrame
    methods: pd.DataFrame
    why: list
    lang: str = "vi"

    def _repr_markdown_(self) -> str:
        s = self.summary
        head = f"**{s['indicator_code']} — {s['unit_code']}**: {status_label(s['status_headline'], self.lang)}"
        return head + "\n\n" + "\n".join(f"- {w}" for w in self.why)

    def __str__(self) -> str:
        return self._repr_markdown_()


def status_label(code, lang: str = "vi") -> str:
    """Label (text) of any status code in ``lang`` — the one label dict of
    :mod:`me_utils.analysis.status` (``suppressed`` included)."""
    return status.status_label(code, lang)


def _n(x, decimals: int, lang: str) -> str:
    return fmt.fmt_number(x, decimals, lang)


def _pct(x, lang: str, decimals: int = 1) -> str:
    """A growth rate or ratio (fraction) as a signed-free percent text."""
    return fmt.fmt_pct(x * 100.0, decimals, lang) if x is not None and np.isfinite(x) else fmt.MISSING


def _method_reason(method: str, res, a, ind, lang: str, settings, period: tuple) -> str:
    """One sentence (or two) saying why ``method`` gave its status, with the numbers it used."""
    L = lambda vi, en: vi if lang == "vi" else en
    d = _DECIMALS.get(ind.kind, 1)
    label = status_label(res.status, lang)
    rule = str(res.details.get("rule", ""))
    v, ly = _n(a.latest_value, d, lang), int(a.latest_year) if np.isfinite(a.latest_year) else None
    t = _n(a.target, d, lang) if a.target is not None else fmt.MISSING
    ty = a.target_year
    fy = int(a.first_year) if np.isfinite(a.first_year) else None
    if res.status == "no_data":
        return L("Chưa có số liệu.", "No data.")
    if rule == "latest value meets the target":
        return L(
            f"Giá trị mới nhất {v} ({ly}) đã đạt mục tiêu {t} của năm {ty} → {label}.",
            f"The latest value {v} ({ly}) already meets the {ty} target of {t} → {label}.",
        )
    if rule.startswith("within 1 point"):
        return L(
            f"Giá trị mới nhất {v} cách mục tiêu {t} không quá 1 điểm phần trăm; UNSD coi là đạt → {label}.",
            f"The latest value {v} is within 1 percentage point of the {t} target; UNSD counts it as met → {label}.",
        )
    if rule == "binary indicator":
        return L(
            f"Chỉ tiêu có/không: chỉ xét đạt hay chưa đạt mục tiêu → {label}.",
            f"Yes/no indicator: only met or not met is scored → {label}.",
        )
    if rule == "target year observed":
        return L(
            f"Năm mục tiêu {ty} đã có số liệu: giá trị {v} so với mục tiêu {t} → {label}.",
            f"The target year {ty} is observed: value {v} against the target {t} → {label}.",
        )
    if rule.split("|")[0] in status.REASONS:
        # the status model's own reason (minimum information, ceased unit …), as its sentence
        return f"{status.reason_text(rule, lang)} → {label}."
    if rule == "unit ceased before the target year":
        return L(
            f"Đơn vị chấm dứt hoạt động trước năm mục tiêu {ty}: không dự báo → {label}.",
            f"The unit ceased to exist before the target year {ty}: no projection → {label}.",
        )
    if res.status == "not_assessed":
        return L(f"Không đủ thông tin để đánh giá → {label}.", f"Not enough information to assess → {label}.")
    if rule.startswith("fewer than") or (res.status == "insufficient_data" and not res.warnings):
        return L(
            f"Chỉ có {a.n_points} điểm số liệu trong giai đoạn {period[0]}–{period[1]}: cần ít nhất "
            f"{settings.min_points} điểm để ước lượng xu hướng → {label}.",
            f"Only {a.n_points} data point(s) in {period[0]}–{period[1]}: at least {settings.min_points} "
            f"are needed to estimate a trend → {label}.",
        )
    if res.status == "insufficient_data":
        return L(
            f"Giá trị âm: không tính được tốc độ tăng trưởng → {label}.",
            f"Negative values: no growth rate can be computed → {label}.",
        )
    if rule == "one point that already meets the target":
        return L(
            f"Một điểm số liệu và đã đạt mục tiêu → {label}.", f"One data point, already meeting the target → {label}."
        )
    if res.status == "no_target" or (method == "escap" and a.target is None):
        return L(
            "ESCAP cần mục tiêu định lượng; chỉ tiêu này không có.", "ESCAP needs a numeric target; there is none."
        )
    zero = (
        L(
            " (giá trị 0 được thay bằng 0,001 để tính tốc độ tăng trưởng)",
            " (a zero was replaced by 0.001 to compute the growth rate)",
        )
        if res.warnings
        else ""
    )
    g = res.details.get("cagr", float("nan"))
    if rule.startswith("no target"):
        on, fair = (
            (settings.unsd_no_target_on_track, settings.unsd_no_target_fair)
            if method == "unsd"
            else (settings.statcan_no_target_on_track, settings.statcan_no_target_acceleration)
        )
        return L(
            f"Không có mục tiêu định lượng: tăng trưởng bình quân {_pct(g, lang)}/năm ({fy}–{ly}) theo hướng "
            f"mong muốn so với ngưỡng {_pct(on, lang)} (đúng lộ trình) và {_pct(fair, lang)}{zero} → {label}.",
            f"No numeric target: average growth of {_pct(g, lang)} a year ({fy}–{ly}) in the desired direction "
            f"against thresholds of {_pct(on, lang)} (on track) and {_pct(fair, lang)}{zero} → {label}.",
        )
    if rule.startswith("base met the target"):
        return L(
            f"Năm gốc {fy} đã đạt mục tiêu {t} nhưng giá trị mới nhất {v} ({ly}) đã lùi xa mục tiêu → {label}.",
            f"The base year {fy} met the {t} target but the latest value {v} ({ly}) moved away from it → {label}.",
        )
    if method == "unsd":
        r, proj = res.metric, res.details.get("projected", float("nan"))
        cut = (
            f"r ≥ {_n(settings.unsd_on_track, 2, lang)}"
            if r >= settings.unsd_on_track
            else f"{_n(settings.unsd_fair, 2, lang)} ≤ r < {_n(settings.unsd_on_track, 2, lang)}"
            if r >= settings.unsd_fair
            else f"r < {_n(settings.unsd_fair, 2, lang)}"
        )
        return L(
            f"Tăng trưởng bình quân {_pct(g, lang)}/năm từ {fy} đến {ly}{zero}; giữ tốc độ này, năm {ty} sẽ đạt "
            f"{_n(proj, d, lang)} so với mục tiêu {t}. r = (dự kiến − gốc)/(mục tiêu − gốc) = {_n(r, 2, lang)}; "
            f"{cut} → {label}.",
            f"Average growth of {_pct(g, lang)} a year from {fy} to {ly}{zero}; at that pace {ty} reaches "
            f"{_n(proj, d, lang)} against the target {t}. r = (projected − base)/(target − base) = "
            f"{_n(r, 2, lang)}; {cut} → {label}.",
        )
    if method == "statcan":
        R, gT = res.metric, res.details.get("cagr_required", float("nan"))
        Rt = fmt.MISSING if not np.isfinite(R) else _pct(R, lang, 0)
        return L(
            f"Tăng trưởng quan sát {_pct(g, lang)}/năm ({fy}–{ly}){zero}; để đạt mục tiêu {t} năm {ty} cần "
            f"{_pct(gT, lang)}/năm. R = quan sát/cần có = {Rt} (ngưỡng: ≥ {_pct(settings.statcan_on_track, lang, 0)} "
            f"đúng lộ trình, ≥ {_pct(settings.statcan_acceleration, lang, 0)} cần đẩy nhanh, ≥ 0 tiến bộ hạn chế, "
            f"< 0 xấu đi) → {label}.",
            f"Observed growth of {_pct(g, lang)} a year ({fy}–{ly}){zero}; reaching the {t} target in {ty} needs "
            f"{_pct(gT, lang)} a year. R = observed/needed = {Rt} (cut-offs: ≥ "
            f"{_pct(settings.statcan_on_track, lang, 0)} on track, ≥ {_pct(settings.statcan_acceleration, lang, 0)} "
            f"acceleration needed, ≥ 0 limited progress, < 0 deterioration) → {label}.",
        )
    # ESCAP
    G, csi, exp_ = res.metric, res.details.get("csi", float("nan")), res.details.get("expected", float("nan"))
    proj, slope = res.details.get("projected", float("nan")), res.details.get("slope", float("nan"))
    cs_state = {
        "ahead": L("nhanh hơn", "ahead of"),
        "behind": L("chậm hơn", "behind"),
        "regressed": L("thụt lùi so với", "regressed against"),
    }.get(res.details.get("csi_status", ""), "")
    why = {
        "maintain": L("G ≤ 0 hoặc đã đạt mục tiêu", "G ≤ 0 or the target is already met"),
        "accelerate": L("xu hướng đúng hướng nhưng G > 0", "the trend goes the right way but G > 0"),
        "reverse": L("xu hướng đi ngược hướng mong muốn", "the trend goes against the desired direction"),
    }.get(res.status, L("theo quy tắc của ESCAP", "by the ESCAP rules"))
    return L(
        f"Chỉ số hiện trạng CS = {_n(csi, 2, lang)} (phần tiến bộ đã đạt so với cần có), {cs_state} tiến độ "
        f"kỳ vọng {_n(exp_, 2, lang)}; hồi quy có trọng số thời gian (độ dốc {_n(slope, d + 1, lang)}/năm) dự báo "
        f"năm {ty}: {_n(proj, d, lang)}, khoảng cách dự kiến G = {_n(G, 2, lang)}; {why} → {label}.",
        f"Current status index CS = {_n(csi, 2, lang)} (progress made over progress needed), {cs_state} the "
        f"expected {_n(exp_, 2, lang)}; the time-weighted regression (slope {_n(slope, d + 1, lang)} a year) "
        f"projects {_n(proj, d, lang)} for {ty}, anticipated gap G = {_n(G, 2, lang)}; {why} → {label}.",
    )


def _sentence(text: str) -> str:
    """``text`` as a sentence: a leading letter capitalised, a final full stop."""
    i = next((k for k, ch in enumerate(text) if ch.isalnum()), None)
    if i is not None and text[i].isalpha():  # "2025 is observed" stays as it is
        text = text[:i] + text[i].upper() + text[i + 1 :]
    return text if text.endswith(".") else text + "."


def _f(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


#: Index of :attr:`Explanation.summary`.
SUMMARY_KEYS = (
    "indicator_code",
    "unit_code",
    "n_points",
    "first_year",
    "latest_year",
    "latest_value",
    "target",
    "target_year",
    "target_2025",
    "target_2030",
    "headline_method",
    "status_headline",
    "summary_category",
    "result_2025",
    "model",
    "dispersion",
    "pearson_ratio",
    "overdispersion_threshold",
    "df_resid",
    "prob_reach_2025",
    "prob_reach_2030",
    "n_suppressed",
)


def _num(x) -> float:
    return float("nan") if x is None else float(x)


def withheld(
    code: str, unit: str, n_points: int, targets: dict, hidden: list, lang: str = "vi", k: int = 5
) -> Explanation:
    """Explanation of a series the disclosure gate withheld (a count 1…k−1 somewhere in it):
    statuses ``suppressed``, every number NaN, an empty ``fit``, and sentences saying why and
    where to look instead (the province). ``hidden``: years with hidden figures;
    ``targets``: {2025, 2030} applied targets (public, not derived from the data)."""
    fmt.check_lang(lang)
    settings = sc.DEFAULT_SETTINGS
    nan = float("nan")
    L = lambda vi, en: vi if lang == "vi" else en
    u, t25, t30 = unit, targets.get(2025), targets.get(2030)
    # The gate withheld this series: nothing anchored on its counts may be shown.
    summary = pd.Series(
        {
            **dict.fromkeys(SUMMARY_KEYS, nan),
            "indicator_code": code,
            "unit_code": u,
            "n_points": int(n_points),
            "target_2025": _num(t25),
            "target_2030": _num(t30),
            "headline_method": settings.headline_method,
            "status_headline": "suppressed",
            "summary_category": "suppressed",
            "result_2025": "suppressed",
            "model": "none",
            "overdispersion_threshold": float(trends.OVERDISPERSION_THRESHOLD),
            "n_suppressed": len(hidden),
        },
        dtype=object,
    )
    reason = L(
        f"Chuỗi số liệu có số đếm từ 1 đến {k - 1} nên bị ẩn theo kiểm soát công bố: không "
        "hiển thị giá trị, xu hướng, dự báo hay trạng thái, vì chúng có thể làm lộ số bị ẩn.",
        f"The series has counts from 1 to {k - 1}, so disclosure control withholds it: no "
        "value, trend, projection or status is shown, as each could give the hidden counts away.",
    )
    methods = pd.DataFrame(
        [
            {
                "method": m,
                "status": "suppressed",
                "label": status_label("suppressed", lang),
                "headline": m == settings.headline_method,
                "metric_name": n,
                "metric": nan,
                "cagr": nan,
                "cagr_required": nan,
                "projected": nan,
                "csi": nan,
                "expected": nan,
                "reason": reason,
            }
            for m, n in zip(assess.METHODS, ("r", "R", "G"))
        ]
    )
    why = [reason]
    if hidden:
        why.append(
            L(
                f"Năm có số bị ẩn: {', '.join(map(str, hidden))}.",
                f"Years with hidden figures: {', '.join(map(str, hidden))}.",
            )
        )
    if u != "SL":
        why.append(
            L(
                f"Xem cấp tỉnh, nơi số đếm đủ lớn: me.explain({code!r}, 'SL').",
                f"See the province, where counts are large enough: me.explain({code!r}, 'SL').",
            )
        )
    empty = pd.DataFrame(
        {
            c: pd.Series(dtype="float64")
            for c in ("year", "observed", "numerator", "denominator", "fitted", "residual", "pearson_residual")
        }
    )
    proj = pd.DataFrame(
        {
            "year": [2025, 2030],
            **{c: [nan, nan] for c in ("fit", "fit_low", "fit_high", "pred_low", "pred_high")},
            "target": [_num(t25), _num(t30)],
            "prob_reach": [nan, nan],
        }
    )
    return Explanation(summary=summary, fit=empty, projection=proj, methods=methods, why=why, lang=lang)


def explain_assessment(
    item: dict, row, figures: pd.DataFrame, curve: pd.DataFrame, period: tuple, lang: str = "vi"
) -> Explanation:
    """Explanation of one assessment that the gate did not withhold.

    Inputs: ``item`` — the assessment of the series (:func:`me_utils.analysis.scorecard.assess_unit`,
    redone on the evidence base's figures for the model object and each method's rule);
    ``row`` — the stored scorecard row (Series, or None for a unit without one): statuses,
    probabilities and the note codes come from it; ``figures`` — the series' annual figures
    of the evidence base (``year, value, numerator, denominator, fitted, residual,
    suppressed``); ``curve`` — its stored trend (``year, fit, fit_low, fit_high, pred_low,
    pred_high``); ``period`` — (first, last) year of the phase; ``lang``.
    Output: :class:`Explanation` (numbers in the indicator's unit).
    """
    fmt.check_lang(lang)
    ind = item["indicator"]
    code = ind.code
    ps, pe = period
    settings = sc.DEFAULT_SETTINGS
    nan = float("nan")
    L = lambda vi, en: vi if lang == "vi" else en
    mine = figures
    u = str(row["unit_code"]) if row is not None and "unit_code" in row.index else ""
    t25, t30 = item["targets"].get(2025), item["targets"].get(2030)
    hidden = sorted(int(y) for y in mine.loc[mine["suppressed"].to_numpy(dtype=bool), "year"])
    cur = curve.set_index("year")
    a = item["assessment"]
    fit = a.fit

    # Fitted values and residuals, year by year: the stored ones (value − fitted).
    yr = mine[(mine["year"] >= ps) & (mine["year"] <= pe) & ~mine["suppressed"] & mine["value"].notna()]
    years = yr["year"].to_numpy(dtype="int64")
    observed = yr["value"].to_numpy(dtype="float64", na_value=np.nan)
    num = yr["numerator"].to_numpy(dtype="float64", na_value=np.nan)
    den = yr["denominator"].to_numpy(dtype="float64", na_value=np.nan)
    fitted = yr["fitted"].to_numpy(dtype="float64", na_value=np.nan)
    resid = yr["residual"].to_numpy(dtype="float64", na_value=np.nan)
    pearson = np.full(len(years), nan)
    if fit is not None and len(fit.values) == len(years):
        # Pearson residuals on what the model fitted (numerator/denominator × scale where
        # counts exist; published values may be rounded), over the model's sd of a figure.
        scale = float(ind.scale)
        model_obs = np.asarray(fit.values, dtype=float)
        if fit.link == "logit":
            p = fitted / scale
            sd = np.sqrt(p * (1 - p) / den) * scale
        elif fit.link == "log":
            e = den if fit.kind != "count" and np.all(np.isfinite(den)) else np.ones(len(years))
            sd = np.sqrt(fitted / scale * e) / e * scale
        else:
            sd = np.full(len(years), math.sqrt(fit.sigma2) if np.isfinite(fit.sigma2) else nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            pearson = (model_obs - fitted) / sd
    fit_frame = pd.DataFrame(
        {
            "year": years,
            "observed": observed,
            "numerator": num,
            "denominator": den,
            "fitted": fitted,
            "residual": resid,
            "pearson_residual": pearson,
        }
    )

    proj_rows = []
    for y in (2025, 2030):
        c = cur.loc[y] if y in cur.index else None
        proj_rows.append(
            {
                "year": y,
                **{
                    k: (_f(c[k]) if c is not None else nan)
                    for k in ("fit", "fit_low", "fit_high", "pred_low", "pred_high")
                },
                "target": _num(item["targets"].get(y)),
                "prob_reach": _f(row[f"prob_reach_{y}"]) if row is not None else nan,
            }
        )
    projection = pd.DataFrame(proj_rows)

    metric_name = {"unsd": "r", "statcan": "R", "escap": "G"}
    mrows = []
    for m in assess.METHODS:
        res = a.results.get(m) or assess.MethodResult(m, a.statuses.get(m, "no_data"))
        det = res.details
        if res.status == "term_indicator":
            reason = L(
                "Chỉ tiêu theo nhiệm kỳ bầu cử: không ước lượng xu hướng trong nhiệm kỳ.",
                "Election-term indicator: no within-term trend is estimated.",
            )
        elif not a.n_points:
            reason = L("Chưa có số liệu.", "No data.")
        else:
            reason = _method_reason(m, res, a, ind, lang, settings, (ps, pe))
        mrows.append(
            {
                "method": m,
                "status": res.status,
                "label": status_label(res.status, lang),
                "headline": m == settings.headline_method,
                "metric_name": metric_name[m],
                "metric": float(res.metric),
                "cagr": float(det.get("cagr", nan)),
                "cagr_required": float(det.get("cagr_required", nan)),
                "projected": float(det.get("projected", nan)),
                "csi": float(det.get("csi", nan)),
                "expected": float(det.get("expected", nan)),
                "reason": reason,
            }
        )
    methods = pd.DataFrame(mrows)

    note = str(row["note"]) if row is not None and pd.notna(row["note"]) else ""
    result_2025 = str(row["result_2025"]) if row is not None else "no_data"
    summary = pd.Series(
        {
            "indicator_code": code,
            "unit_code": u,
            "n_points": a.n_points,
            "first_year": a.first_year,
            "latest_year": a.latest_year,
            "latest_value": a.latest_value,
            "target": _num(a.target),
            "target_year": nan if a.target_year is None else float(a.target_year),
            "target_2025": _num(t25),
            "target_2030": _num(t30),
            "headline_method": settings.headline_method,
            "status_headline": str(row["status_headline"]) if row is not None else a.headline,
            "summary_category": str(row["summary_category"]) if row is not None else a.summary,
            "result_2025": result_2025,
            "model": (
                str(row["model"])
                if row is not None
                else fit.model
                if fit is not None
                else ("term" if a.headline == "term_indicator" else "none")
            ),
            "dispersion": float(fit.dispersion) if fit is not None else nan,
            "pearson_ratio": float(fit.pearson_ratio) if fit is not None else nan,
            "overdispersion_threshold": float(trends.OVERDISPERSION_THRESHOLD),
            "df_resid": float(fit.df_resid) if fit is not None else nan,
            "prob_reach_2025": _f(row["prob_reach_2025"]) if row is not None else nan,
            "prob_reach_2030": _f(row["prob_reach_2030"]) if row is not None else nan,
            "n_suppressed": len(hidden),
        },
        dtype=object,
    )

    why = []
    head = methods[methods["headline"]].iloc[0]
    if not a.n_points:
        why.append(
            L(
                f"Không có số liệu được công bố trong giai đoạn {ps}–{pe} cho đơn vị này: không đánh giá được.",
                f"No published figure in {ps}–{pe} for this unit: nothing to assess.",
            )
        )
        note = ""
    else:
        why.append(
            L(
                f"Trạng thái chính (phương pháp {head['method'].upper()}): {head['label']}. {head['reason']}",
                f"Headline status ({head['method'].upper()} method): {head['label']}. {head['reason']}",
            )
        )
    if result_2025 in ("achieved", "not_achieved"):
        why.append(
            L(
                f"Kết quả năm 2025: {status_label(result_2025, lang)}; vì vậy phân loại chung là "
                f"“{status_label(summary['summary_category'], lang)}”.",
                f"2025 outcome: {status_label(result_2025, lang)}; so the overall category is "
                f"“{status_label(summary['summary_category'], lang)}”.",
            )
        )
    if fit is not None:
        d = _DECIMALS.get(ind.kind, 1)
        if fit.dispersion > 1:
            src = getattr(fit, "dispersion_source", "") or ""
            disp = L(
                f"độ bất định được nhân với hệ số phân tán φ = {_n(fit.dispersion, 2, lang)}"
                + (" (ước lượng gộp các chỉ tiêu của đơn vị)" if src == "pooled" else "")
                + f"; Pearson χ²/df của chuỗi = {_n(fit.pearson_ratio, 2, lang)}",
                f"the uncertainty is scaled by the dispersion φ = {_n(fit.dispersion, 2, lang)}"
                + (" (pooled over the unit's indicators)" if src == "pooled" else "")
                + f"; the series' Pearson χ²/df = {_n(fit.pearson_ratio, 2, lang)}",
            )
        elif np.isfinite(fit.pearson_ratio):
            disp = L(
                f"không phân tán quá mức (Pearson χ²/df = {_n(fit.pearson_ratio, 2, lang)})",
                f"no overdispersion (Pearson χ²/df = {_n(fit.pearson_ratio, 2, lang)})",
            )
        else:
            disp = L("không ước lượng được độ phân tán (quá ít điểm)", "dispersion not estimable (too few points)")
        extra = ""
        if len(fit_frame) and np.isfinite(fit_frame["residual"]).any():
            big = fit_frame.loc[fit_frame["residual"].abs().idxmax()]
            extra = L(
                f"; phần dư lớn nhất năm {int(big['year'])}: {_n(big['residual'], d, lang)}",
                f"; largest residual in {int(big['year'])}: {_n(big['residual'], d, lang)}",
            )
        why.append(
            L(f"Mô hình xu hướng: {fit.label('vi')}; {disp}{extra}.", f"Trend model: {fit.label('en')}; {disp}{extra}.")
        )
    for c in [c for c in note.split("; ") if c]:
        why.append(_sentence(sc.note_text(c, lang)))
    col = "status_reason_vi" if lang == "vi" else "status_reason_en"
    if row is not None and col in row.index and isinstance(row[col], str) and row[col].strip():
        # the status model's reasons (minimum information, breaks, enumerations …), as stored
        why.append(_sentence(row[col].strip()))
    return Explanation(summary=summary, fit=fit_frame, projection=projection, methods=methods, why=why, lang=lang)
