"""Section 4 of the leadership report: women key leaders (M1.C1 = L.1) and women in the cadre
planning pool (L.2) and trained (L.3), by year — tables, charts with targets, the source of
the figures, the three-method assessment and the notes on reporting breaks.

Each ``section_*`` function is one notebook cell; the counts are complete, so the yearly
shares carry no interval.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from me_utils.analysis import leadership as L
from me_utils.analysis.assess import status_label
from me_utils.core import fmt, style
from me_utils.core.fmt import pick as _t
from me_utils.reports.leadership_charts import ci, fig_yearly_share, illus, show_fig
from me_utils.reports.leadership_report_data import LeadershipReport
from me_utils.reports.notebook import heading, markdown, show_table


def _assessment_text(a, targets: L.Targets, lang: str) -> str:

    if a is None or not a.statuses:
        return ""
    st = "; ".join(
        f"{m.upper() if m != 'statcan' else 'StatCan'}: {status_label(s, lang)}" for m, s in a.statuses.items()
    )
    parts = [
        _t(
            lang,
            f"Đánh giá so với mục tiêu {a.target_year}: {st}.",
            f"Assessment against the {a.target_year} target: {st}.",
        )
    ]
    if targets.target_2030 is not None and 2030 in a.projection:
        f, lo, hi = a.projection[2030]
        pr = a.prob_reach.get(2030, float("nan"))
        parts.append(
            _t(
                lang,
                f"Nếu giữ xu hướng hiện nay, năm 2030 ước đạt {fmt.fmt_pct(f, 1, lang)} (khoảng dự báo 95%: "
                f"{ci(lo, hi, lang)}); xác suất đạt mục tiêu {fmt.fmt_pct(targets.target_2030, 0, lang)}: "
                f"{fmt.fmt_pct(100 * pr, 0, lang) if np.isfinite(pr) else fmt.MISSING}.",
                f"At the current trend, 2030 is projected at {fmt.fmt_pct(f, 1, lang)} (95% prediction "
                f"interval {ci(lo, hi, lang)}); probability of reaching {fmt.fmt_pct(targets.target_2030, 0, lang)}: "
                f"{fmt.fmt_pct(100 * pr, 0, lang) if np.isfinite(pr) else fmt.MISSING}.",
            )
        )
    if not targets.verified:
        parts.append(
            _t(
                lang,
                "⚠ Mục tiêu chưa được kiểm chứng với văn bản tiếng Việt chính thức.",
                "⚠ Target not verified against the official Vietnamese text.",
            )
        )
    return " ".join(parts)


def _source_note(ys: L.YearlySeries, lang: str) -> str:
    """Where the yearly figures come from, disagreeing years, and why they carry no interval."""
    if ys.source == "observations":
        txt = _t(
            lang,
            f"Nguồn: số liệu năm do Sở Nội vụ báo cáo (chỉ tiêu {ys.code}).",
            f"Source: annual figures reported by the Department of Home Affairs ({ys.code}).",
        )
    else:
        txt = _t(
            lang,
            "Nguồn: bảng chi tiết do Sở Nội vụ gửi (toàn tỉnh là tổng các dòng của năm).",
            "Source: the detail table sent by the Department of Home Affairs (the province sums the rows of a year).",
        )
    if len(ys.discrepancies):
        yrs = ", ".join(str(int(y)) for y in ys.discrepancies["year"])
        txt += _t(
            lang,
            f" ⚠ Bảng chi tiết khác số liệu báo cáo ở các năm {yrs}; báo cáo dùng số liệu đã gửi.",
            f" ⚠ The detail table disagrees with the submitted figures in {yrs}; the report uses the submitted ones.",
        )
    return txt + " " + L.enumeration_note(lang)


def _break_note(ys: L.YearlySeries, lang: str) -> str:
    rows = ys.unit_rows
    if rows is None or len(rows) < 2:
        return ""
    for (_y0, n0), (y1, n1) in zip(rows.items(), list(rows.items())[1:]):
        if n0 != n1:
            return _t(
                lang,
                f"Lưu ý: phạm vi báo cáo thay đổi từ năm {y1} (trước đó {n0} đơn vị báo cáo, từ {y1} là {n1}) "
                "do sắp xếp đơn vị hành chính năm 2025; so sánh qua mốc này cần thận trọng.",
                f"Note: the reporting units change from {y1} (before: {n0} reporting units; from {y1}: {n1}) "
                "with the 2025 administrative reform; compare across this break with care.",
            )
    return ""


def _yearly_table(d: pd.DataFrame, lang: str, num_label: str, den_label: str) -> pd.DataFrame:
    rows = []
    for _, r in d.iterrows():
        rows.append(
            {
                _t(lang, "Năm", "Year"): str(int(r["year"])),
                den_label: fmt.fmt_number(r["denominator"], 0, lang),
                num_label: fmt.fmt_number(r["numerator"], 0, lang),
                _t(lang, "Tỷ lệ", "Share"): fmt.fmt_pct(r["share_pct"], 1, lang),
            }
        )
    return pd.DataFrame(rows)


def _district_note(rep: LeadershipReport) -> None:
    """Show the series-end note of a district-level unit; nothing for the province."""
    if rep.unit != L.PROVINCE:
        markdown("> " + L.district_series_note(rep.unit, rep.lang))


def _no_data_note(rep: LeadershipReport) -> None:
    """Say that a yearly section has no data for the unit, with the district note."""
    markdown(_t(rep.lang, "Chưa có số liệu cho đơn vị này.", "No data for this unit."))
    _district_note(rep)


def _series(rep: LeadershipReport, which: str) -> L.YearlySeries:
    ctx = rep.ctx
    return L.yearly_series(which, rep.data, rep.observations, rep.unit, ctx.period_start - 1, ctx.period_end)


def section_key_leaders(rep: LeadershipReport) -> pd.DataFrame:
    """Section 4a: agencies/local governments with a woman key leader (M1.C1 = L.1) by year,
    (a complete count: no interval), the 60%/75% targets and the three-method assessment. The
    year before the review period is kept as the baseline. Returns the numeric yearly frame."""
    lang, ctx = rep.lang, rep.ctx
    heading(
        _t(lang, "4. Lãnh đạo chủ chốt và quy hoạch cán bộ nữ", "4. Women key leaders and the cadre planning pool"), 2
    )
    heading(
        _t(
            lang,
            "Cơ quan, địa phương có lãnh đạo chủ chốt là nữ (M1.C1, L.1)",
            "Agencies and local governments with a woman key leader (M1.C1, L.1)",
        ),
        3,
    )
    ys = _series(rep, "key_leaders")
    d = ys.frame
    if d.empty:
        _no_data_note(rep)
        return d
    tg = L.indicator_targets(ys.code)
    show_table(
        _yearly_table(
            d,
            lang,
            _t(lang, "Có lãnh đạo chủ chốt nữ", "With a woman key leader"),
            _t(lang, "Số cơ quan, địa phương", "Agencies / local governments"),
        ),
        caption=_t(lang, "Tỷ lệ cơ quan, địa phương có lãnh đạo chủ chốt là nữ", "Share with a woman key leader")
        + illus(lang, rep.illustrative),
    )
    markdown(_source_note(ys, lang))
    a = L.assess_yearly(d, tg, "numerator", "denominator", ctx.period_start, ctx.period_end)
    show_fig(
        fig_yearly_share(
            d,
            tg,
            lang,
            rep.illustrative,
            assessment=a,
            title=_t(
                lang,
                "Cơ quan, địa phương có lãnh đạo chủ chốt là nữ (%)",
                "Agencies/local governments with a woman key leader (%)",
            ),
            ylabel="%",
        )
    )
    markdown(_assessment_text(a, tg, lang))
    note = _break_note(ys, lang)
    if note:
        markdown("> " + note)
    _district_note(rep)
    return d


def section_planning_pool(rep: LeadershipReport) -> pd.DataFrame:
    """Section 4b: women in the cadre planning pool (L.2: ≥40% 2025, 50% 2030) and the share
    of them trained (L.3: 75% / 90%), by year (complete counts: no interval) with targets.
    Returns the two numeric series side by side (columns suffixed ``_pool`` and ``_trained``)."""
    lang, ctx = rep.lang, rep.ctx
    heading(
        _t(
            lang,
            "Cán bộ nữ trong quy hoạch và được đào tạo (L.2, L.3)",
            "Women in the cadre planning pool and trained (L.2, L.3)",
        ),
        3,
    )
    y2, y3 = _series(rep, "pool"), _series(rep, "trained")
    if y2.frame.empty and y3.frame.empty:
        _no_data_note(rep)
        return pd.DataFrame()
    t2, t3 = L.indicator_targets(y2.code), L.indicator_targets(y3.code)
    both = y2.frame.merge(y3.frame, on="year", how="outer", suffixes=("_pool", "_trained")).sort_values("year")
    rows = []
    for _, r in both.iterrows():
        rows.append(
            {
                _t(lang, "Năm", "Year"): str(int(r["year"])),
                _t(lang, "Tổng số quy hoạch", "Pool size"): fmt.fmt_number(r["denominator_pool"], 0, lang),
                _t(lang, "Nữ trong quy hoạch", "Women in pool"): fmt.fmt_number(r["numerator_pool"], 0, lang),
                _t(lang, "Tỷ lệ nữ (L.2)", "Women's share (L.2)"): fmt.fmt_pct(r["share_pct_pool"], 1, lang),
                _t(lang, "Nữ được đào tạo", "Women trained"): fmt.fmt_number(r["numerator_trained"], 0, lang),
                _t(lang, "Tỷ lệ được đào tạo (L.3)", "Share trained (L.3)"): fmt.fmt_pct(
                    r["share_pct_trained"], 1, lang
                ),
            }
        )
    show_table(
        pd.DataFrame(rows),
        caption=_t(lang, "Quy hoạch cán bộ nữ", "Women in the planning pool") + illus(lang, rep.illustrative),
    )
    markdown(_source_note(y2, lang))
    a2 = L.assess_yearly(y2.frame, t2, "numerator", "denominator", ctx.period_start, ctx.period_end)
    a3 = L.assess_yearly(y3.frame, t3, "numerator", "denominator", ctx.period_start, ctx.period_end)
    style.use_house_style()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    fig_yearly_share(
        y2.frame,
        t2,
        lang,
        rep.illustrative,
        assessment=a2,
        ax=axes[0],
        ylabel="%",
        title=_t(lang, "Tỷ lệ nữ trong quy hoạch (L.2)", "Women in the pool (L.2)"),
    )
    fig_yearly_share(
        y3.frame,
        t3,
        lang,
        rep.illustrative,
        assessment=a3,
        ax=axes[1],
        ylabel="%",
        title=_t(lang, "Nữ trong quy hoạch được đào tạo (L.3)", "Women in the pool trained (L.3)"),
    )
    style.format_axes(fig, lang)
    style.wrap_titles(fig)
    style.tight_layout(fig)
    show_fig(fig)
    markdown(f"- {y2.code}: " + _assessment_text(a2, t2, lang) + f"\n- {y3.code}: " + _assessment_text(a3, t3, lang))
    note = _break_note(y2, lang)
    if note:
        markdown("> " + note)
    _district_note(rep)
    return both
