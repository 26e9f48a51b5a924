"""The targets scorecard report (notebook ``10_targets_scorecard``): a view of the evidence base.

Every number comes from :mod:`me_utils.evidence.base` (computed once per build, disclosure-gated);
this module only selects, formats at display time and draws.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from me_utils.analysis import funnel, status
from me_utils.analysis.assess import METHODS, AssessSettings
from me_utils.analysis.commune_funnel import commune_funnel
from me_utils.analysis.scorecard import note_text
from me_utils.core import fmt, style
from me_utils.core.labels import label
from me_utils.evidence.base import empty_scorecard, evidence_for
from me_utils.reference.units import load_units
from me_utils.reports.methodnote import method_note
from me_utils.reports.narrative import margin_phrase
from me_utils.reports.notebook import heading, markdown, show_table
from me_utils.reports.trend_plots import is_percent, small_multiples, target_dots

TITLE_VI = "Đánh giá chỉ tiêu và mục tiêu"
TITLE_EN = "Indicators against targets"

_DECIMALS = {"proportion": 1, "rate": 1, "ratio": 2, "count": 0, "binary": 0}


def load_report(ctx, headline_method: str = "unsd") -> dict:
    """Gather what notebook 10 shows for ``ctx`` (:class:`me_utils.reports.notebook.ReportContext`).

    Output dict: ``frame`` (numeric scorecard of the unit: SCORECARD_COLUMNS + DETAIL_COLUMNS,
    from the evidence base), ``evidence`` (:class:`me_utils.evidence.base.Evidence`), ``unit``,
    ``lang``, ``settings``, ``missing`` (True when no processed observations exist — the report
    then says so instead of failing).
    """
    ev = evidence_for(ctx.data_root, headline_method=headline_method)
    settings = AssessSettings(headline_method=headline_method)
    if ev is None:
        frame, missing = empty_scorecard(ctx.catalogue), True
    else:
        frame, missing = ev.scorecard(ctx.unit, period_start=ctx.period_start), False
    has_2025 = has_2025_result(ctx.unit)
    if not has_2025:
        frame = without_2025_result(frame)
    return {
        "has_2025": has_2025,
        "frame": frame,
        "evidence": ev,
        "unit": ctx.unit,
        "lang": ctx.lang,
        "settings": settings,
        "missing": missing,
        "ctx": ctx,
    }


#: Reason shown (vi, en) for an indicator with a 2025 target only, on a unit formed after 2025-01-01.
NO_OWN_TARGET = (
    "Chỉ tiêu chỉ có mục tiêu năm 2025; đơn vị thành lập từ 01/07/2025 nên không đánh giá theo mục tiêu đó.",
    "The indicator has a 2025 target only; the unit was formed on 1 July 2025, so it is not assessed against it.",
)


def has_2025_result(unit: str) -> bool:
    """Can the unit have a result for the 2025 target? Not when it began after 1 January 2025
    (the 75 communes of 01/07/2025: they did not exist for the year, and their first figures
    are for 2026). Unknown codes: True (the report shows what the evidence holds)."""
    units = load_units()
    if unit not in units:
        return True
    start = units[unit].valid_from
    return start is None or start <= _dt.date(2025, 1, 1)


def without_2025_result(frame: pd.DataFrame) -> pd.DataFrame:
    """The scorecard of a unit without a 2025 result (:func:`has_2025_result`): a summary
    category taken from the 2025 result (achieved, not achieved) becomes the outlook for the
    next target when that is a category of the summary, else ``not_assessed``; the 2025
    columns themselves are left out by :func:`display_frame`. Output: a copy."""
    out = frame.copy()
    from_result = out["summary_category"].isin(["achieved", "not_achieved"]) & (
        out["summary_category"] == out["result_2025"]
    )
    outlook = out["outlook"].where(out["outlook"].isin(status.SUMMARY_ORDER), "not_assessed")
    out.loc[from_result, "summary_category"] = outlook[from_result]
    # an indicator whose only target is 2025 has no target in the unit's period
    only_2025 = ~np.isfinite(pd.to_numeric(out["target_2030"], errors="coerce").to_numpy(float))
    only_2025 &= (out["n_points"] > 0).to_numpy() & ~out["summary_category"].isin(["suppressed", "context"]).to_numpy()
    if only_2025.any():
        cols = ["outlook", "summary_category", "status_headline"] + [f"status_{m}" for m in METHODS]
        for c in cols:
            if c in out.columns:
                out.loc[only_2025, c] = "no_target"
        out.loc[only_2025, "status_reason_vi"] = NO_OWN_TARGET[0]
        out.loc[only_2025, "status_reason_en"] = NO_OWN_TARGET[1]
        out.loc[only_2025, "note"] = ""
    return out


def _fmt_value(x, kind, lang):
    return fmt.fmt_number(x, _DECIMALS.get(kind, 1), lang)


def fmt_probability(p, lang):
    """A probability as a whole percent; "< 1%" / "> 99%" near the ends; "–" when missing."""
    if p is None or not np.isfinite(p):
        return fmt.MISSING
    if 0 < p < 0.01:
        return "< " + fmt.fmt_pct(1, 0, lang)
    if 0.99 < p < 1:
        return "> " + fmt.fmt_pct(99, 0, lang)
    return fmt.fmt_pct(p * 100, 0, lang)


def display_frame(frame: pd.DataFrame, lang: str = "vi", with_2025: bool = True) -> pd.DataFrame:
    """Reviewer-facing table of the indicators with data: formatted strings, labels in ``lang``.

    Columns: code, indicator, latest value (year) with its 95 % interval (none for complete
    counts), 2025 target (⚠ when unverified), the 2025 result with its margin once observed,
    the outlook for the next target (a band of the probability shown beside it), that
    probability, the three published methods' categories each named for its method, and the
    reasons and notes. All status words come from :mod:`me_utils.analysis.status`. Rows hidden by the
    disclosure gate say so instead of showing figures. ``with_2025=False`` (a unit that began
    after 1 January 2025, see :func:`has_2025_result`): no 2025 target or result columns, the
    2030 target instead.
    """
    L = lambda vi, en: vi if lang == "vi" else en  # noqa: E731
    rows = []
    for _, r in frame[frame["n_points"] > 0].iterrows():
        kind = r["kind"]
        hidden = bool(r.get("suppressed", False))
        if hidden:
            latest = L("ẩn (số nhỏ)", "hidden (small counts)")
        else:
            latest = f"{_fmt_value(r['latest_value'], kind, lang)} ({int(r['latest_year'])})"
            if np.isfinite(r["ci_low"]):
                d = _DECIMALS.get(kind, 1)
                latest += f"; {fmt.ci_label(0.95, lang)}: {fmt.fmt_ci(r['ci_low'], r['ci_high'], d, lang, pct=False)}"
        ty = "target_2025" if with_2025 else "target_2030"
        tgt = (
            fmt.MISSING
            if not np.isfinite(r[ty])
            else fmt.fmt_number(r[ty], 0 if float(r[ty]).is_integer() else 1, lang)
        )
        if not r["verified"]:
            tgt += " ⚠"
        rd = r.to_dict()
        result = status.status_label(r["result_2025"], lang)
        if str(r["result_2025"]) in ("achieved", "not_achieved") and margin_phrase(rd, lang):
            result += f" ({margin_phrase(rd, lang)})"
        outlook = status.status_label(r["outlook"], lang)
        if str(r["outlook"]).startswith("outlook_") and np.isfinite(r["outlook_year"]):
            outlook += f" ({int(r['outlook_year'])})"
        notes = "; ".join(x for x in (str(r[f"status_reason_{lang}"] or ""), note_text(r["note"], lang)) if x)
        rows.append(
            {
                L("Mã", "Code"): r["indicator_code"],
                L("Chỉ tiêu", "Indicator"): r["name_vi"] if lang == "vi" else r["name_en"],
                L("Đơn vị", "Unit"): r["unit_label"],
                L("Giá trị mới nhất (năm)", "Latest value (year)"): latest,
                **(
                    {L("Mục tiêu 2025", "2025 target"): tgt, L("Kết quả 2025", "2025 result"): result}
                    if with_2025
                    else {L("Mục tiêu 2030", "2030 target"): tgt}
                ),
                L("Triển vọng (mục tiêu kế tiếp)", "Outlook (next target)"): outlook,
                L("Xác suất đạt", "P(reach)"): fmt_probability(r["outlook_prob"], lang),
                **{
                    status.METHOD_SHORT[m][0 if lang == "vi" else 1]: status.status_label(r[f"status_{m}"], lang)
                    for m in METHODS
                },
                L("Ghi chú", "Notes"): notes,
            }
        )
    return pd.DataFrame(rows)


def section_summary(rep: dict) -> pd.DataFrame:
    """Show the summary (counts by the status model's categories) and return it (numeric)."""
    lang, frame = rep["lang"], rep["frame"]
    L = lambda vi, en: vi if lang == "vi" else en  # noqa: E731
    heading(L("Tổng hợp", "Summary"), 2)
    if rep["missing"]:
        markdown(
            L(
                "**Chưa có số liệu đã xử lý** cho nguồn số liệu này (chạy `me build`). Mọi chỉ tiêu được "
                "ghi là chưa có số liệu.",
                "**No processed data** for this data root (run `me build`). Every indicator is shown as "
                "having no data.",
            )
        )
    counts = frame["summary_category"].value_counts()
    cats = [c for c in status.SUMMARY_ORDER if int(counts.get(c, 0)) or c in ("achieved", "not_achieved")]
    tab = pd.DataFrame(
        {
            L("Tình trạng", "Status"): [status.status_label(c, lang) for c in cats],
            L("Số chỉ tiêu", "Indicators"): [int(counts.get(c, 0)) for c in cats],
        }
    )
    caption = L(
        "Kết quả năm 2025 khi đã có số liệu; nếu chưa, triển vọng đạt mục tiêu 2025 theo xác suất của mô hình "
        "xu hướng (ghi chú phương pháp).",
        "The 2025 result once observed; otherwise the outlook for the 2025 target from the trend model's "
        "probability (method note).",
    )
    if not rep.get("has_2025", True):
        caption = L(
            "Đơn vị thành lập từ 01/07/2025 nên không có kết quả năm 2025: tình trạng là triển vọng đạt mục tiêu "
            "2030 theo xác suất của mô hình xu hướng, khi đủ số liệu của giai đoạn 2026–2030 (ghi chú phương pháp).",
            "A unit formed on 1 July 2025 has no 2025 result: the status is the outlook for the 2030 target from "
            "the trend model's probability, once the 2026–2030 data suffice (method note).",
        )
    show_table(tab, caption=caption)
    return tab


def section_table(rep: dict) -> pd.DataFrame:
    """Show the indicator table (indicators with data) and the list of indicators without data;
    return the numeric frame shown (one row per indicator with data)."""
    lang, frame = rep["lang"], rep["frame"]
    L = lambda vi, en: vi if lang == "vi" else en  # noqa: E731
    frame.attrs["headline"] = rep["settings"].headline_method
    heading(L("Đánh giá từng chỉ tiêu", "Indicator by indicator"), 2)
    tab = display_frame(frame, lang, with_2025=rep.get("has_2025", True))
    if len(tab):
        show_table(
            tab,
            caption=L(
                "Giá trị theo đơn vị của chỉ tiêu; KTC 95%: Wilson (tỷ lệ) hoặc Garwood (số đếm, tỷ suất). "
                "⚠ = mục tiêu chưa được kiểm chứng với văn bản gốc.",
                "Values in each indicator's unit; 95% CI: Wilson (proportions) or Garwood (counts, rates). "
                "⚠ = target not verified against the official text.",
            ),
        )
    else:
        markdown(L("Chưa có chỉ tiêu nào có số liệu.", "No indicator has data yet."))
    nodata = frame[frame["n_points"] == 0]
    if len(nodata):
        heading(L("Chỉ tiêu chưa có số liệu", "Indicators without data"), 3)
        markdown(", ".join(f"`{c}`" for c in nodata["indicator_code"]))
    return frame[frame["n_points"] > 0].reset_index(drop=True)


def panels(rep: dict, codes=None) -> list[dict]:
    """Chart panels of the report's unit from the evidence base: one dict per indicator with
    data and a yearly trend — ``indicator`` (catalogue entry), ``series`` (gated yearly figures),
    ``curve`` (fitted trend and prediction band), ``targets`` ({2025, 2030}; {2030} for a unit
    without a 2025 result, see :func:`has_2025_result`)."""
    ev, unit = rep["evidence"], rep["unit"]
    if ev is None:
        return []
    cat = rep["ctx"].catalogue.indicators
    out = []
    for _, r in rep["frame"].iterrows():
        code = str(r["indicator_code"])
        if codes is not None and code not in codes:
            continue
        if r["n_points"] == 0 or r["status_headline"] == "term_indicator":
            continue
        ind = cat[code]
        ser = ev.series(code, unit)
        ser = ser[~ser["suppressed"]]
        if ser.empty:
            continue
        out.append(
            {
                "indicator": ind,
                "series": ser,
                "curve": ev.curve(code, unit, period_start=rep["ctx"].period_start),
                # a unit formed after 1 January 2025 has no 2025 target of its own
                "targets": {2025: ind.target(2025), 2030: ind.target(2030)}
                if rep.get("has_2025", True)
                else {2030: ind.target(2030)},
            }
        )
    return out


def first_full_year(unit: str, period_start: int) -> int | None:
    """First full calendar year of ``unit`` when it was created after 1 January of
    ``period_start`` − 1 or later (a commune of 1 July 2025 → 2026); None for a unit that
    existed before (the province, a former district): its charts keep their whole history."""
    u = load_units().get(unit, on=f"{period_start}-01-01")
    vf = getattr(u, "valid_from", None)
    if vf is None or vf.year < period_start - 1:
        return None
    return vf.year + (0 if (vf.month, vf.day) == (1, 1) else 1)


def section_charts(rep: dict, ncols: int = 3):
    """Show the charts; return the figures. Trend charts, one figure per framework — or, for a
    unit whose every series is shorter than a trend needs (``status.MIN_POINTS`` years: a
    commune's first years), one dot chart of the latest value against the 2030 target for the
    percentage indicators, and trend panels only for the others."""
    lang = rep["lang"]
    heading("Xu hướng và mục tiêu" if lang == "vi" else "Trends and targets", 2)
    figs = []
    items = panels(rep)
    first = first_full_year(rep["unit"], rep["ctx"].period_start)
    if items and all(it["series"]["value"].notna().sum() < status.MIN_POINTS for it in items):
        markdown(label("dots_note", lang, n=status.MIN_POINTS))
        fig = target_dots([it for it in items if is_percent(it["indicator"])], lang)
        if fig is not None:
            style.show_figure(fig, lang=lang, finish=False)
            figs.append(fig)
        items = [it for it in items if not is_percent(it["indicator"])]
    frameworks = list(dict.fromkeys(it["indicator"].framework for it in items))
    for fw in frameworks:
        its = [it for it in items if it["indicator"].framework == fw]
        fig = small_multiples(its, lang, ncols=ncols, first_year=first)
        if fig is None:
            continue
        heading(fw, 3)
        style.show_figure(fig, lang=lang, finish=False)
        figs.append(fig)
    return figs


#: Fewest communes with counts for a funnel to be drawn (fewer show no pattern worth a chart).
MIN_FUNNEL_UNITS = 10


def commune_funnel_items(rep: dict) -> list[dict]:
    """Funnels across the communes for the province page of a commune phase (2026–2030): one
    per catalogue indicator of kind proportion with commune counts in the latest year with
    commune figures — at least :data:`MIN_FUNNEL_UNITS` communes, from the gated evidence
    figures (a hidden figure has no counts, so it is never placed); an indicator with the same
    commune counts as an earlier one is not repeated. Output: list of dicts
    ``indicator``, ``year``, ``table``, ``od`` (:func:`me_utils.analysis.commune_funnel.commune_funnel`)
    and ``hidden`` (communes whose figure is hidden). Empty for other pages."""
    ev, ctx = rep["evidence"], rep["ctx"]
    if ev is None or rep["unit"] != "SL" or ctx.period_start < 2026:
        return []
    units = load_units()
    communes = set(units.communes())
    f = ev.figures
    f = f[
        f["unit_code"].astype(str).isin(communes)
        & (f["period"] == "FY")
        & (f["sex"] == "T")
        & f["year"].between(ctx.period_start, ctx.period_end)
    ]
    out, seen = [], set()
    for code, ind in ctx.catalogue.indicators.items():
        fi = f[f["indicator_code"] == code]
        if ind.kind != "proportion" or fi.empty:
            continue
        year = int(fi["year"].max())
        fy = fi[fi["year"] == year]
        shown = fy[~fy["suppressed"].fillna(False).astype(bool)]
        if (shown["numerator"].notna() & (shown["denominator"] > 0)).sum() < MIN_FUNNEL_UNITS:
            continue
        # two indicators fed by the same counts (L.1 repeats M1.C1) would draw the same funnel twice
        key = tuple(sorted(zip(shown["unit_code"].astype(str), shown["numerator"], shown["denominator"])))
        if key in seen:
            continue
        seen.add(key)
        tab, od = commune_funnel(shown, code, year, per=float(ind.scale), units=units, lang=ctx.lang)
        hidden = sorted(
            units.name(c, ctx.lang) for c in fy.loc[fy["suppressed"].fillna(False).astype(bool), "unit_code"]
        )
        out.append({"indicator": ind, "year": year, "table": tab, "od": od, "hidden": hidden})
    return out


def section_commune_funnels(rep: dict) -> list[dict]:
    """Province page of 2026–2030: funnel plots comparing the 75 communes (house style, alt
    text in the report language, Vietnamese labels), with the communes outside the 99.8 %
    limits named with their former-district area. Nothing on other pages. Returns the items of
    :func:`commune_funnel_items`."""
    items = commune_funnel_items(rep)
    if not items:
        return items
    lang = rep["lang"]
    L = lambda vi, en: vi if lang == "vi" else en  # noqa: E731
    heading(L("So sánh các xã, phường (biểu đồ phễu)", "Comparing the communes (funnel plots)"), 2)
    markdown(
        L(
            "Mỗi điểm là một xã, phường, đặt theo cỡ mẫu (mẫu số); đường giới hạn 95% và 99,8% cho thấy phạm vi "
            "dao động ngẫu nhiên quanh tỷ lệ chung của các xã. Các xã, phường **không được xếp hạng**; chỉ ghi "
            "tên các xã nằm ngoài giới hạn 95%, để xem kỹ hơn, không phải để đánh giá.",
            "Each point is a commune, placed by its size (denominator); the 95% and 99.8% limits show the range "
            "of chance variation around the communes' pooled share. Communes are **not ranked**; only those "
            "outside the 95% limits are named, as a prompt to look closer, not a verdict.",
        )
    )
    for it in items:
        ind, tab, od, year = it["indicator"], it["table"], it["od"], it["year"]
        name = ind.name_vi if lang == "vi" else ind.name_en
        heading(f"{ind.code} — {name}, {year}", 3)
        # 75 labels would cover the plot: only the communes outside the 95% limits are labelled
        labelled = tab.assign(unit=tab["unit"].where(tab["position_95"] != "within", ""))
        fig = funnel.plot_funnel(
            labelled,
            od,
            kind="proportion",
            per=float(ind.scale),
            lang=lang,
            xlabel=L("Mẫu số (số đơn vị của xã, phường)", "Denominator (the commune's count)"),
            ylabel=fmt.pick(lang, ind.unit, ind.unit_en or ind.unit),
        )
        style.set_alt(fig, funnel.funnel_alt(tab, od, funnel.LEVELS, float(ind.scale), lang, what=name))
        style.show_figure(fig, lang=lang, finish=False)
        out = tab[tab["position_998"] != "within"].sort_values("unit")
        if len(out):
            lst = "; ".join(f"{r.unit} ({L('địa bàn', 'area of')} {r.former_districts})" for r in out.itertuples())
            markdown(L(f"Ngoài giới hạn 99,8%: {lst}.", f"Outside the 99.8% limits: {lst}."))
        else:
            markdown(L("Không xã, phường nào nằm ngoài giới hạn 99,8%.", "No commune lies outside the 99.8% limits."))
        n = fmt.fmt_number(od["n_units"] if "n_units" in od else len(tab), 0, lang)
        tail = L(f"{n} xã, phường có số liệu.", f"{n} communes with figures.")
        if it["hidden"]:
            tail += L(
                f" {len(it['hidden'])} xã, phường có số liệu bị ẩn (số nhỏ) không được vẽ.",
                f" {len(it['hidden'])} communes with hidden figures (small counts) are not drawn.",
            )
        markdown(tail)
    return items


def section_method_note(rep: dict) -> str:
    """Show the method note generated from the settings used; return its markdown."""
    text = method_note(rep["settings"], rep["lang"])
    markdown(text)
    return text
