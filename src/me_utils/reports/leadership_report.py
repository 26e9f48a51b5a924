"""Figures and report sections of the leadership report (``notebooks/30_leadership.ipynb``).

The analysis is in :mod:`me_utils.analysis.leadership`; this module turns it into reviewer-facing
charts, tables and sentences (Vietnamese by default, English with ``lang="en"``). Each
``section_*`` function is one notebook cell: it shows a heading, a table, a chart and the text,
and returns the frames it showed (for tests and for further use in JupyterLab).

Conventions: council seats, key leaders and the planning pool are complete counts, so no
proportion carries a sampling interval and term changes are observed differences (the reason,
from the status model, is printed beside them); the 2025 and 2030 targets are drawn where they
apply; real published figures (``leadership_reference.csv``) are drawn only
as grey comparison lines with their source, never merged with the data; charts built from the
illustrative data say so in their title.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from me_utils.analysis import funnel
from me_utils.analysis import leadership as L
from me_utils.analysis.assess import status_label
from me_utils.analysis.funnel import plot_funnel
from me_utils.build.dataset import load_observations
from me_utils.core import fmt, style
from me_utils.reports.notebook import heading, markdown, show_table

TITLE_VI = "Phụ nữ tham gia lãnh đạo, quản lý"
TITLE_EN = "Women in leadership and management"

_POSITION = {
    "within": ("trong giới hạn", "within the limits"),
    "above": ("trên giới hạn trên", "above the upper limit"),
    "below": ("dưới giới hạn dưới", "below the lower limit"),
}


def _t(lang, vi, en):
    return fmt.pick(lang, vi, en)


def _show_fig(fig) -> None:
    """Show a figure as an embedded PNG with its alt text (attached by the figure function)
    and close it; a PNG display object is embedded by nbconvert whatever the backend."""
    style.show_figure(fig, lang=getattr(fig, "me_lang", "vi"))


def _alt_values(rows, lang: str) -> str:
    """``'label: value, label: value'`` for alt texts."""
    return "; ".join(f"{k}: {v}" for k, v in rows)


def _illus(lang: str, on: bool) -> str:
    return _t(lang, " — dữ liệu minh họa", " — illustrative data") if on else ""


#: Signed change (``'+8,6'`` / ``'−8,0'``, true minus): :func:`me_utils.analysis.leadership.fmt_change`.
fmt_pp = L.fmt_change


def _ci(lo, hi, lang, decimals=1):
    return fmt.fmt_ci(lo, hi, decimals, lang)


# --------------------------------------------------------------------------- data for a report


@dataclass
class LeadershipReport:
    """What the sections of one report share: context, data, reference figures, terms shown."""

    ctx: object
    data: L.LeadershipData
    reference: pd.DataFrame
    terms: list
    observations: pd.DataFrame | None = None

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @property
    def unit(self) -> str:
        return self.ctx.unit

    @property
    def illustrative(self) -> bool:
        return bool(self.data.illustrative or getattr(self.ctx, "illustrative", False))


def terms_in_scope(councils: pd.DataFrame | None, period_end: int) -> list[str]:
    """Terms to show: every term in the data elected in or before ``period_end`` (the term
    before the review period stays in as the baseline of the term comparison)."""
    if councils is None or councils.empty:
        return []
    terms = sorted(set(councils["term"]), key=lambda t: L.parse_term(t)[0])
    return [t for t in terms if L.parse_term(t)[0] <= int(period_end)]


#: The leadership data tables, in words.
DATA_TABLE_WORDS = {
    "councils": (
        "Cơ cấu đại biểu Hội đồng nhân dân các cấp theo nhiệm kỳ",
        "People's Council seats and women deputies by level and term",
    ),
    "key_leaders": (
        "Cơ quan, địa phương có lãnh đạo chủ chốt là nữ, theo năm",
        "Agencies and local governments with a woman key leader, by year",
    ),
    "planning_pool": (
        "Cán bộ nữ trong quy hoạch và được đào tạo, theo năm",
        "Women in the cadre planning pool and trained, by year",
    ),
}


def load_report_data(ctx) -> LeadershipReport:
    """Load the leadership tables of ``ctx.data_root`` and the reference figures, and show
    where they come from. Raises :class:`me_utils.analysis.leadership.LeadershipDataError` (file, row,
    column, reason) for a bad input file."""

    data = L.load_leadership(ctx.data_root)
    ref = L.load_reference()
    obs = None
    if (Path(ctx.data_root) / "processed" / "observations.csv").exists():
        obs = load_observations(ctx.data_root)
    rep = LeadershipReport(ctx, data, ref, terms_in_scope(data.councils, ctx.period_end), obs)
    lang = ctx.lang
    lines = []
    for name, p in data.files.items():
        # What each table holds, in words (a reviewer reads no file names or folders).
        what = _t(lang, *DATA_TABLE_WORDS.get(name, (name, name)))
        lines.append(f"- {what}" + ("" if p is not None else _t(lang, ": chưa có số liệu.", ": no data yet.")))
    intro = _t(lang, "Nguồn số liệu của báo cáo này:", "Data used in this report:")
    markdown(intro + "\n\n" + "\n".join(lines))
    if rep.illustrative:
        markdown(
            _t(
                lang,
                "**Dữ liệu minh họa.** Phân tách theo huyện, nhiệm kỳ 2016–2021 và các chỉ tiêu năm là "
                "số liệu do máy sinh ra. Riêng tổng số đại biểu và số nữ nhiệm kỳ 2021–2026 theo từng "
                "cấp được dựng cho khớp với số liệu công bố của tỉnh (xem mục Nguồn); số liệu công bố "
                "chỉ được vẽ làm đường so sánh.",
                "**Illustrative data.** The breakdown by district, the 2016–2021 term and the yearly "
                "indicators are generated. Only the 2021–2026 totals of seats and women per level are "
                "built to match the province's published figures (see Sources); published figures are "
                "drawn only as comparison lines.",
            )
        )
    return rep


# --------------------------------------------------------------------------- figures


def fig_council_shares(
    shares: pd.DataFrame,
    reference: pd.DataFrame,
    lang: str = "vi",
    illustrative: bool = False,
    unit: str = L.PROVINCE,
    title: str | None = None,
):
    """Women's share of council seats by level and term (complete counts: points, no error bars).

    Inputs: ``shares`` from :func:`me_utils.analysis.leadership.council_shares`; ``reference`` from
    :func:`me_utils.analysis.leadership.load_reference` (Son La's published 2021–2026 shares are drawn as
    grey segments over their level, the national National Assembly shares as grey dashed lines
    across the chart). Output: matplotlib Figure; y in percent.
    """
    style.use_house_style()
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    levels = [lv for lv in L.LEVELS if lv in set(shares["level"])]
    terms = sorted(set(shares["term"]), key=lambda t: L.parse_term(t)[0])
    palette = ["#9ECAE1", style.FITTED, style.OBSERVED, "#08306B"]
    width = 0.8 / max(len(terms), 1)
    for j, term in enumerate(terms):
        sub = shares[shares["term"] == term].set_index("level")
        xs, ys = [], []
        for i, lv in enumerate(levels):
            if lv in sub.index:
                xs.append(i - 0.4 + width * (j + 0.5))
                ys.append(sub.loc[lv, "share_pct"])
        ax.plot(xs, ys, "o", color=palette[j % len(palette)], ms=7, label=L.term_label(term, lang))
    # Published Son La figures (real, with source): grey segment over each level.
    sl = reference[(reference["body"] == "people_council") & (reference["unit_code"] == "SL")]
    first = True
    for i, lv in enumerate(levels):
        r = sl[sl["level"] == lv]
        if r.empty:
            continue
        v = float(r["share_pct"].iloc[0])
        # Over the slot of the published figure's term when that term is drawn, else the group.
        rt = str(r["term"].iloc[0])
        x0, x1 = (
            (i - 0.4 + width * terms.index(rt), i - 0.4 + width * (terms.index(rt) + 1))
            if rt in terms
            else (i - 0.45, i + 0.45)
        )
        lab = _t(lang, "Sơn La, số công bố 2021–2026", "Son La, published 2021–2026")
        if unit != L.PROVINCE:
            lab = _t(lang, "Toàn tỉnh Sơn La, số công bố 2021–2026", "Son La province, published 2021–2026")
        ax.hlines(v, x0, x1, colors=style.REFERENCE, linestyles="-", lw=2.5, alpha=0.6, label=lab if first else None)
        ax.annotate(
            fmt.fmt_pct(v, 2, lang),
            (x1, v),
            fontsize=8,
            color=style.REFERENCE,
            xytext=(2, 2),
            textcoords="offset points",
        )
        first = False
    na = reference[(reference["body"] == "national_assembly") & (reference["scope"] == "national")]
    for k, (_, r) in enumerate(na.sort_values("year").iterrows()):
        ax.axhline(
            r["share_pct"],
            color=style.REFERENCE,
            ls=[":", "--"][k % 2],
            lw=1,
            label=_t(
                lang,
                f"Nữ đại biểu Quốc hội toàn quốc, {L.term_label(r['term'], 'vi')}: "
                f"{fmt.fmt_pct(r['share_pct'], 2, 'vi')}",
                f"Women NA deputies nationally, {L.term_label(r['term'], 'en')}: "
                f"{fmt.fmt_pct(r['share_pct'], 2, 'en')}",
            ),
        )
    ax.set_xticks(range(len(levels)), [L.level_label(lv, lang) for lv in levels])
    ax.set_ylabel(_t(lang, "Tỷ lệ nữ đại biểu (%)", "Women's share of deputies (%)"))
    top = max(60.0, float(shares["share_pct"].max()) + 5 if len(shares) else 60.0)
    ax.set_ylim(0, top)
    where = "" if unit == L.PROVINCE else f" — {L.unit_name(unit, lang)}"
    ax.set_title(
        title
        or _t(
            lang,
            "Tỷ lệ nữ đại biểu HĐND theo cấp và nhiệm kỳ",
            "Women's share of People's Council seats by level and term",
        )
        + where
        + _illus(lang, illustrative)
    )
    # Below the axes, so that no point or comparison line is hidden behind it.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncol=2, frameon=False)
    style.format_axes(fig, lang)
    style.wrap_titles(fig)
    fig.tight_layout()
    parts = []
    for lv in levels:
        sub = shares[shares["level"] == lv]
        vals = ", ".join(
            f"{L.term_label(t, lang)} {fmt.fmt_pct(v, 1, lang)}" for t, v in zip(sub["term"], sub["share_pct"])
        )
        parts.append((L.level_label(lv, lang), vals))
    fig.me_lang = lang
    style.set_alt(
        fig,
        ax.get_title().replace("\n", " ")
        + ". "
        + _t(
            lang,
            "Biểu đồ điểm kèm khoảng tin cậy 95%, tỷ lệ nữ đại biểu theo cấp và nhiệm kỳ — ",
            "Dot chart with 95% intervals, women's share of seats by level and term — ",
        )
        + _alt_values(parts, lang)
        + ".",
    )
    return fig


def fig_yearly_share(
    shares: pd.DataFrame,
    targets: L.Targets,
    lang: str = "vi",
    illustrative: bool = False,
    value: str = "share_pct",
    assessment=None,
    title: str = "",
    ylabel: str = "",
    ax=None,
):
    """Yearly share (a complete count: points without error bars), fitted trend with its 95%
    prediction band for the years to come, and the 2025/2030 targets.

    Inputs: a yearly frame (``year`` and the ``value`` column, percent), the
    :class:`~me_utils.analysis.leadership.Targets`, an optional :class:`me_utils.analysis.assess.Assessment` whose
    fitted trend is drawn to 2030, with its 95% prediction band from the latest observed year on
    (the years to come only). Output: Figure (or draws on ``ax``).
    """
    style.use_house_style()
    own = ax is None
    if own:
        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    d = shares.dropna(subset=[value])
    ax.plot(
        d["year"],
        d[value],
        "o-",
        color=style.OBSERVED,
        label=_t(lang, "Số liệu (kiểm đếm toàn bộ)", "Observed (complete count)"),
    )
    fit = getattr(assessment, "fit", None)
    if fit is not None and len(d):
        yrs = np.arange(int(d["year"].min()), 2031)
        pr = fit.predict_array(yrs, 0.95)
        ax.plot(
            pr[:, 0], pr[:, 1], color=style.FITTED, lw=1, ls="--", label=_t(lang, "Xu hướng ước lượng", "Fitted trend")
        )
        # The band only over the years to come: the observed years are complete counts, and a
        # band around them would read as an interval on those counts.
        ahead = pr[:, 0] >= float(d["year"].max())
        ax.fill_between(
            pr[ahead, 0],
            pr[ahead, 4],
            pr[ahead, 5],
            color=style.FITTED,
            alpha=0.12,
            label=_t(lang, "Khoảng dự báo 95%", "95% prediction band"),
        )
    for yr, tv, col in ((2025, targets.target_2025, style.TARGET_2025), (2030, targets.target_2030, style.TARGET_2030)):
        if tv is None:
            continue
        ax.axhline(tv, color=col, lw=0.8, ls=":")
        ax.plot(
            [yr],
            [tv],
            marker="D",
            color=col,
            ms=8,
            ls="none",
            label=_t(lang, f"Mục tiêu {yr}: {fmt.fmt_pct(tv, 0, 'vi')}", f"{yr} target: {fmt.fmt_pct(tv, 0, 'en')}"),
        )
    ax.set_xlim(min(d["year"].min() if len(d) else 2020, 2020) - 0.5, 2030.5)
    ax.set_ylim(0, 100)
    ax.set_ylabel(ylabel)
    ax.set_title(title + _illus(lang, illustrative))
    ax.legend(loc="lower right", fontsize=8)
    vals = ", ".join(f"{int(y)}: {fmt.fmt_pct(v, 1, lang)}" for y, v in zip(d["year"], d[value]))
    tg = ", ".join(
        f"{yr}: {fmt.fmt_pct(tv, 0, lang)}"
        for yr, tv in ((2025, targets.target_2025), (2030, targets.target_2030))
        if tv is not None
    )
    alt = (
        f"{title}. "
        + _t(lang, "Tỷ lệ theo năm kèm khoảng tin cậy 95%", "Yearly share with 95% intervals")
        + (f" ({vals})" if vals else "")
        + (_t(lang, "; mục tiêu ", "; targets ") + tg if tg else "")
        + "."
    )
    fig.me_lang = lang
    prev = style.get_alt(fig)
    style.set_alt(fig, f"{prev} {alt}" if prev and not own else alt)
    if own:
        style.format_axes(fig, lang)
        style.wrap_titles(fig)
        fig.tight_layout()
    return fig


def fig_council_funnel(
    table: pd.DataFrame,
    od: dict,
    term: str,
    level: str,
    lang: str = "vi",
    illustrative: bool = False,
    highlight: str | None = None,
):
    """Funnel plot of district-level units (the GBV helper's :func:`me_utils.analysis.funnel.plot_funnel`)
    with unit names, the pooled provincial share as target, and ``highlight`` marked."""

    tab = table.copy()
    codes = tab["unit"].tolist()
    tab["unit"] = [L.unit_name(c, lang) for c in codes]
    title = _t(
        lang,
        f"{L.level_label(level, 'vi')}: tỷ lệ nữ đại biểu theo huyện, {L.term_label(term, 'vi')} "
        "(dải tham chiếu nhị thức)",
        f"{L.level_label(level, 'en')}: women's share of seats by district, {L.term_label(term, 'en')} "
        "(binomial reference band)",
    )
    # Zoom on the funnel (the shared plot spans 0–100%), never cutting a unit or a 99.8% limit;
    # given to plot_funnel so that its labels are placed on the final axes.
    top = float(np.nanmax(np.r_[tab["value"], tab["upper_998"], tab.get("adj_upper_998", tab["upper_998"])]))
    fig = plot_funnel(
        tab,
        od,
        kind="proportion",
        per=100.0,
        lang=lang,
        title=title + _illus(lang, illustrative),
        xlabel=_t(lang, "Số đại biểu (ghế)", "Seats"),
        ylabel=_t(lang, "Tỷ lệ nữ (%)", "Women (%)"),
        ylim=(0, min(100.0, top * 1.15 + 2)),
    )
    fig.me_lang = lang
    if highlight in codes:
        r = tab.iloc[codes.index(highlight)]
        fig.axes[0].scatter(
            [r["denominator"]],
            [r["value"]],
            s=90,
            facecolors="none",
            edgecolors=style.TARGET_2025,
            linewidths=2,
            zorder=4,
            label=_t(lang, "Đơn vị của báo cáo", "This report's unit"),
        )
        # Outside the axes, like plot_funnel's: inside it could cover a point or its label.
        fig.axes[0].legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return fig


# --------------------------------------------------------------------------- sections


def _council_table(shares: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = []
    for _, r in shares.iterrows():
        rows.append(
            {
                _t(lang, "Cấp", "Level"): L.level_label(r["level"], lang),
                _t(lang, "Nhiệm kỳ", "Term"): L.term_label(r["term"], lang),
                _t(lang, "Số đại biểu", "Seats"): fmt.fmt_number(r["seats"], 0, lang),
                _t(lang, "Nữ", "Women"): fmt.fmt_number(r["women"], 0, lang),
                _t(lang, "Tỷ lệ nữ", "Women's share"): fmt.fmt_pct(r["share_pct"], 2, lang),
                _t(lang, "Nữ DTTS / tổng số ghế", "EM women / seats"): fmt.fmt_pct(r["em_share_pct"], 1, lang),
                _t(lang, "DTTS trong số nữ", "EM among women"): fmt.fmt_pct(r["em_of_women_pct"], 1, lang),
            }
        )
    return pd.DataFrame(rows)


def section_councils(rep: LeadershipReport) -> pd.DataFrame:
    """Section 1: women's share of People's Council seats by level and term, with the
    ethnic-minority women's share, a chart with the published comparison lines, and the
    district series-end note. Returns the shares frame."""
    lang, unit = rep.lang, rep.unit
    heading(_t(lang, "1. Nữ đại biểu HĐND các cấp theo nhiệm kỳ", "1. Women People's Council deputies by term"), 2)
    if rep.data.councils is None or not rep.terms:
        markdown(_t(lang, "Chưa có số liệu cơ cấu HĐND.", "No People's Council data."))
        return pd.DataFrame()
    shares = L.council_shares(rep.data.councils, unit, rep.terms)
    if shares.empty:
        markdown(_t(lang, "Không có số liệu HĐND cho đơn vị này.", "No council data for this unit."))
        return shares
    scope = (
        _t(
            lang,
            "Toàn tỉnh: HĐND tỉnh; các HĐND cấp huyện và cấp xã được cộng gộp.",
            "Province: the provincial council; district and commune councils pooled.",
        )
        if unit == L.PROVINCE
        else _t(
            lang,
            f"{L.unit_name(unit, 'vi')}: HĐND cấp huyện và các HĐND cấp xã của huyện (cộng gộp).",
            f"{L.unit_name(unit, 'en')}: the district council and its commune councils (pooled).",
        )
    )
    markdown(scope + " " + _t(lang, "DTTS: dân tộc thiểu số.", "EM: ethnic minority."))
    show_table(
        _council_table(shares, lang),
        caption=_t(
            lang,
            "Tỷ lệ nữ đại biểu HĐND (kiểm đếm toàn bộ số ghế)",
            "Women's share of council seats (all seats counted)",
        )
        + _illus(lang, rep.illustrative),
    )
    markdown("> " + L.enumeration_note(lang))
    _show_fig(fig_council_shares(shares, rep.reference, lang, rep.illustrative, unit))
    markdown(
        _t(
            lang,
            "Đường xám: số liệu công bố chính thức (nhiệm kỳ 2021–2026 của Sơn La; tỷ lệ nữ đại biểu "
            "Quốc hội toàn quốc), có nguồn ở mục 5; không trộn vào dữ liệu.",
            "Grey lines: official published figures (Son La 2021–2026; national share of women National "
            "Assembly deputies), sourced in section 5; not mixed into the data.",
        )
    )
    markdown("> " + L.district_series_note(unit, lang))
    return shares


def change_sentence(r, lang: str = "vi") -> str:
    """One observed term change as a sentence, e.g. ``'HĐND cấp tỉnh: số đại biểu nữ tăng từ 15
    lên 23 (+8; tổng số ghế 56 → 65); tỷ lệ nữ tăng 8,6 điểm phần trăm, từ 26,8% (nhiệm kỳ
    2016–2021) lên 35,4% (nhiệm kỳ 2021–2026).'``

    Input: a row of :func:`me_utils.analysis.leadership.term_changes`. Seats are counted in full, so the
    sentence states the difference and draws no inference (no interval, test or p-value).
    """
    lv = L.level_label(r["level"], lang)
    a, b = L.term_label(r["term_from"], lang), L.term_label(r["term_to"], lang)
    w0, w1 = fmt.fmt_number(r["women_from"], 0, lang), fmt.fmt_number(r["women_to"], 0, lang)
    s0, s1 = fmt.fmt_number(r["seats_from"], 0, lang), fmt.fmt_number(r["seats_to"], 0, lang)
    dw = fmt_pp(r["women_change"], 0, lang)
    frm, to = fmt.fmt_pct(r["share_from_pct"], 1, lang), fmt.fmt_pct(r["share_to_pct"], 1, lang)
    pts = fmt.fmt_number(abs(r["diff_pp"]), 1, lang)
    # The direction words follow the rounded figures printed, so "+0,0" never reads "tăng".
    w_up, w_down = r["women_change"] > 0, r["women_change"] < 0
    d_up, d_down = pts.strip("0,.") != "" and r["diff_pp"] > 0, pts.strip("0,.") != "" and r["diff_pp"] < 0
    if lang == "vi":
        count = (
            f"số đại biểu nữ {'tăng' if w_up else 'giảm'} từ {w0} {'lên' if w_up else 'xuống'} {w1} ({dw}"
            if w_up or w_down
            else f"số đại biểu nữ không đổi ({w0}"
        )
        share = (
            f"tỷ lệ nữ {'tăng' if d_up else 'giảm'} {pts} điểm phần trăm, từ {frm} ({a}) "
            f"{'lên' if d_up else 'xuống'} {to} ({b})"
            if d_up or d_down
            else f"tỷ lệ nữ không đổi: {frm} ({a}) và {to} ({b})"
        )
        return f"{lv}: {count}; tổng số ghế {s0} → {s1}); {share}."
    count = (
        f"women deputies {'rose' if w_up else 'fell'} from {w0} to {w1} ({dw}"
        if w_up or w_down
        else f"women deputies unchanged ({w0}"
    )
    share = (
        f"women's share {'rose' if d_up else 'fell'} by {pts} percentage points, from {frm} ({a}) to {to} ({b})"
        if d_up or d_down
        else f"women's share unchanged: {frm} ({a}) and {to} ({b})"
    )
    return f"{lv}: {count}; seats {s0} → {s1}); {share}."


def section_term_changes(rep: LeadershipReport) -> pd.DataFrame:
    """Section 2: observed change between consecutive terms per level (women gained or lost,
    share change in percentage points — complete counts, so no interval or test, with the
    reason) and the explicit refusal of a within-term trend. Returns the numeric frame of
    :func:`me_utils.analysis.leadership.term_changes`."""
    lang, unit = rep.lang, rep.unit
    heading(_t(lang, "2. So sánh giữa các nhiệm kỳ", "2. Term-to-term comparison"), 2)
    refusal = L.council_trend(pd.DataFrame({"term": rep.terms[-1:]}) if rep.terms else pd.DataFrame())
    markdown(refusal.text(lang))
    if rep.data.councils is None:
        return pd.DataFrame()
    shares = L.council_shares(rep.data.councils, unit, rep.terms)
    tc = L.term_changes(shares)
    if tc.empty:
        markdown(_t(lang, "Chỉ có một nhiệm kỳ: chưa có gì để so sánh.", "Only one term: nothing to compare yet."))
        return tc
    rows = []
    for _, r in tc.iterrows():
        rows.append(
            {
                _t(lang, "Cấp", "Level"): L.level_label(r["level"], lang),
                _t(
                    lang, "So sánh", "Comparison"
                ): f"{L.term_label(r['term_to'], lang)} − {r['term_from'].replace('-', '–')}",
                _t(
                    lang, "Nữ / số ghế, nhiệm kỳ trước", "Women / seats, earlier term"
                ): f"{fmt.fmt_number(r['women_from'], 0, lang)}/{fmt.fmt_number(r['seats_from'], 0, lang)}",
                _t(
                    lang, "Nữ / số ghế, nhiệm kỳ sau", "Women / seats, later term"
                ): f"{fmt.fmt_number(r['women_to'], 0, lang)}/{fmt.fmt_number(r['seats_to'], 0, lang)}",
                _t(lang, "Thay đổi số nữ", "Change in women"): fmt_pp(r["women_change"], 0, lang),
                _t(lang, "Tỷ lệ nữ, nhiệm kỳ trước", "Share, earlier term"): fmt.fmt_pct(r["share_from_pct"], 2, lang),
                _t(lang, "Tỷ lệ nữ, nhiệm kỳ sau", "Share, later term"): fmt.fmt_pct(r["share_to_pct"], 2, lang),
                _t(lang, "Chênh lệch (điểm %)", "Change (points)"): fmt_pp(r["diff_pp"], 2, lang),
            }
        )
    show_table(
        pd.DataFrame(rows),
        caption=_t(
            lang,
            "Thay đổi tỷ lệ nữ đại biểu giữa hai nhiệm kỳ liên tiếp",
            "Change in women's share between consecutive terms",
        )
        + _illus(lang, rep.illustrative),
    )
    markdown("\n".join(f"- {change_sentence(r, lang)}" for _, r in tc.iterrows()))
    markdown("> " + L.enumeration_note(lang))
    if "district" in set(shares["level"]) or unit != L.PROVINCE:
        markdown(
            "> "
            + L.district_series_note(unit, lang)
            + " "
            + _t(
                lang,
                "Nhiệm kỳ 2026–2031 không có HĐND cấp huyện; cấp xã chỉ so sánh được ở phạm vi toàn tỉnh.",
                "The 2026–2031 term has no district councils; commune councils compare only province-wide.",
            )
        )
    return tc


def section_funnel(rep: LeadershipReport) -> list:
    """Section 3: funnel plots of district-level units (district councils, and commune councils
    pooled per district) against the pooled provincial share, not ranked. Seats are counted in
    full, so the limits are shown as a reference band of binomial variation
    (:data:`me_utils.analysis.leadership.FUNNEL_REFERENCE`), never as a significance test. Returns the
    numeric funnel tables shown."""
    lang = rep.lang
    heading(_t(lang, "3. So sánh các huyện (biểu đồ phễu)", "3. Districts compared (funnel plot)"), 2)
    c = rep.data.councils
    out = []
    if c is None:
        markdown(_t(lang, "Chưa có số liệu.", "No data."))
        return out
    markdown(fmt.pick(lang, *L.FUNNEL_REFERENCE))
    for level in ("district", "commune"):
        per_district = (c["level"] == level) & c["unit_code"].isin(L.DISTRICTS)
        terms = [t for t in rep.terms if (per_district & (c["term"] == t)).any()]
        if not terms:
            continue
        term = terms[-1]
        table, od = L.council_funnel(c, term, level)
        out.append(table)
        heading(
            _t(
                lang,
                f"{L.level_label(level, 'vi')}, {L.term_label(term, 'vi')}",
                f"{L.level_label(level, 'en')}, {L.term_label(term, 'en')}",
            ),
            3,
        )
        _show_fig(
            fig_council_funnel(
                table, od, term, level, lang, rep.illustrative, highlight=rep.unit if rep.unit != L.PROVINCE else None
            )
        )
        show_table(
            funnel_display_table(table, od, lang),
            caption=_t(
                lang,
                f"Xếp theo tên đơn vị, không xếp hạng. Giá trị chung (θ₀) = {fmt.fmt_pct(100 * od['theta0'], 2, lang)}",
                f"Ordered by unit name, not ranked. Pooled value (θ₀) = {fmt.fmt_pct(100 * od['theta0'], 2, lang)}",
            ),
        )
        markdown(funnel_sentence(table, od, lang))
    markdown("> " + L.district_series_note(L.PROVINCE, lang))
    return out


def funnel_display_table(table: pd.DataFrame, od: dict, lang: str = "vi") -> pd.DataFrame:
    """Reviewer table of a council funnel: unit, seats, women, share, the 95% and 99.8% limits
    the positions were judged against (overdispersion-adjusted ones when the units are
    overdispersed, exact binomial ones otherwise) and the position. Ordered by unit name."""
    pre = "adj_" if od["overdispersed"] else ""
    rows = []
    for _, r in table.iterrows():
        if r["position_998"] != "within":
            pos, lvl = r["position_998"], "99,8%" if lang == "vi" else "99.8%"
        else:
            pos, lvl = r["position_95"], "95%"
        rows.append(
            {
                _t(lang, "Đơn vị", "Unit"): L.unit_name(r["unit"], lang),
                _t(lang, "Số ghế", "Seats"): fmt.fmt_number(r["denominator"], 0, lang),
                _t(lang, "Nữ", "Women"): fmt.fmt_number(r["numerator"], 0, lang),
                _t(lang, "Tỷ lệ nữ", "Women's share"): fmt.fmt_pct(r["value"], 1, lang),
                _t(lang, "Giới hạn 95%", "95% limits"): _ci(r[f"{pre}lower_95"], r[f"{pre}upper_95"], lang),
                _t(lang, "Giới hạn 99,8%", "99.8% limits"): _ci(r[f"{pre}lower_998"], r[f"{pre}upper_998"], lang),
                _t(lang, "Vị trí", "Position"): fmt.pick(lang, *_POSITION[pos])
                + ("" if pos == "within" else f" ({lvl})"),
            }
        )
    return pd.DataFrame(rows)


def funnel_sentence(table: pd.DataFrame, od: dict, lang: str = "vi") -> str:
    """How many units lie outside the reference band, and which limits were used (exact
    binomial, or widened for overdispersion with φ and τ²). Worded for complete counts: a
    position outside the band is a prompt, never a significant difference."""
    n_out = int((table["position_95"] != "within").sum())
    phi = fmt.fmt_number(od["phi"], 2, lang)
    if od["overdispersed"]:
        basis = _t(
            lang,
            f"Các huyện phân tán quá mức (φ = {phi}): giới hạn được nới theo τ² "
            "(DerSimonian–Laird) và vị trí được đánh giá theo giới hạn điều chỉnh. ",
            f"The districts are overdispersed (φ = {phi}): limits are widened by τ² "
            "(DerSimonian–Laird) and positions are judged against the adjusted limits. ",
        )
    else:
        basis = _t(
            lang,
            f"Không có phân tán quá mức (φ = {phi}): giới hạn nhị thức chính xác. ",
            f"No overdispersion (φ = {phi}): exact binomial limits. ",
        )
    return basis + _t(
        lang,
        f"{n_out}/{len(table)} đơn vị nằm ngoài dải tham chiếu 95% (nếu mọi huyện có cùng tỷ lệ "
        "chung, khoảng 5% đơn vị vẫn nằm ngoài dải này). "
        "Nằm ngoài dải là tín hiệu cần xem xét thêm, không phải kết luận.",
        f"{n_out}/{len(table)} units lie outside the 95% reference band (if every district had the "
        "pooled share, about 5% of units would still fall outside it). "
        "A unit outside the band is a prompt to look closer, not a verdict.",
    )


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
                f"{_ci(lo, hi, lang)}); xác suất đạt mục tiêu {fmt.fmt_pct(targets.target_2030, 0, lang)}: "
                f"{fmt.fmt_pct(100 * pr, 0, lang) if np.isfinite(pr) else fmt.MISSING}.",
                f"At the current trend, 2030 is projected at {fmt.fmt_pct(f, 1, lang)} (95% prediction "
                f"interval {_ci(lo, hi, lang)}); probability of reaching {fmt.fmt_pct(targets.target_2030, 0, lang)}: "
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
        + _illus(lang, rep.illustrative),
    )
    markdown(_source_note(ys, lang))
    a = L.assess_yearly(d, tg, "numerator", "denominator", ctx.period_start, ctx.period_end)
    _show_fig(
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
        caption=_t(lang, "Quy hoạch cán bộ nữ", "Women in the planning pool") + _illus(lang, rep.illustrative),
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
    fig.tight_layout()
    _show_fig(fig)
    markdown(f"- {y2.code}: " + _assessment_text(a2, t2, lang) + f"\n- {y3.code}: " + _assessment_text(a3, t3, lang))
    note = _break_note(y2, lang)
    if note:
        markdown("> " + note)
    _district_note(rep)
    return both


def section_sources(rep: LeadershipReport) -> pd.DataFrame:
    """Section 5: the real published figures with their sources (complete counts of seats or
    governments: shares without intervals), the targets with their basis, and the method note
    (assumptions of leadership and funnel). Returns the numeric reference rows in the order
    shown (columns of :func:`me_utils.analysis.leadership.load_reference`)."""

    lang = rep.lang
    heading(_t(lang, "5. Nguồn số liệu công bố và ghi chú phương pháp", "5. Published figures and method note"), 2)
    councils = L.reference_council_shares(rep.reference)["figure_id"].tolist()
    order = councils + [f for f in rep.reference["figure_id"] if f not in set(councils)]
    shown = rep.reference.set_index("figure_id").loc[order].reset_index()
    rows = []
    for _, r in shown.iterrows():
        has = np.isfinite(r["women"]) and np.isfinite(r["total"])
        rows.append(
            {
                _t(lang, "Số liệu", "Figure"): _reference_label(r, lang),
                _t(lang, "Nữ / tổng số", "Women / total"): (
                    f"{fmt.fmt_number(r['women'], 0, lang)}/{fmt.fmt_number(r['total'], 0, lang)}"
                    if has
                    else fmt.MISSING
                ),
                _t(lang, "Tỷ lệ", "Share"): fmt.fmt_pct(r["share_pct"], 2 if r["figure_id"] in councils else 1, lang),
                _t(lang, "Nguồn", "Source"): f"{html.escape(str(r['source_title']))} — {r['source_url']}",
                _t(lang, "Kiểm chứng", "Verification"): _verification_words(r["verification"], lang),
            }
        )
    table = pd.DataFrame(rows)
    src = _t(lang, "Nguồn", "Source")
    show_table(
        table.assign(**{src: table[src].str.split(" — ").str[0]}),
        caption=_t(
            lang,
            "Số liệu công bố chính thức (thật, có nguồn); dùng làm đường so sánh",
            "Official published figures (real, sourced); used as comparison lines",
        ),
    )
    links = dict.fromkeys(table[src])  # one line per distinct source, in table order
    markdown(
        _t(lang, "Nguồn:", "Sources:")
        + "\n\n"
        + "\n".join(f"- [{t.split(' — ')[0]}]({t.split(' — ')[1]})" for t in links)
    )
    tg_rows = []
    for code in ("M1.C1", "L.1", "L.2", "L.3"):
        t = L.indicator_targets(code)
        tg_rows.append(
            {
                _t(lang, "Mã", "Code"): code,
                _t(lang, "Mục tiêu 2025", "2025 target"): fmt.fmt_pct(t.target_2025, 0, lang),
                _t(lang, "Mục tiêu 2030", "2030 target"): fmt.fmt_pct(t.target_2030, 0, lang),
                _t(lang, "Căn cứ", "Basis"): t.source or t.basis,
                _t(lang, "Kiểm chứng", "Verified"): _t(lang, "có", "yes") if t.verified else _t(lang, "chưa ⚠", "no ⚠"),
            }
        )
    show_table(pd.DataFrame(tg_rows), caption=_t(lang, "Mục tiêu áp dụng", "Applicable targets"))
    heading(_t(lang, "Ghi chú phương pháp", "Method note"), 3)
    markdown("\n".join(f"- {s}" for s in L.ASSUMPTIONS[lang] + funnel.ASSUMPTIONS[lang]))
    return shown


#: What the reference's verification tags mean, for the reader (the tags stay internal).
VERIFICATION_WORDS = {
    "VERIFIED": ("đã kiểm chứng", "verified"),
    "VERIFIED-EN": ("chỉ thấy trong nguồn tiếng Anh", "seen in English sources only"),
    "PARTIAL": ("kiểm chứng một phần", "partly verified"),
    "UNVERIFIED": ("chưa kiểm chứng", "not verified"),
}


def _verification_words(tag, lang: str) -> str:
    return _t(lang, *VERIFICATION_WORDS.get(str(tag), (str(tag), str(tag))))


def _reference_label(r, lang: str) -> str:
    body = str(r["body"])
    term = str(r["term"]) if r["term"] else ""
    when = L.term_label(term, lang) if term else str(int(r["year"])) if np.isfinite(r["year"]) else ""
    if body == "people_council":
        return _t(
            lang,
            f"Sơn La, {L.level_label(r['level'], 'vi')}, {when}",
            f"Son La, {L.level_label(r['level'], 'en')}, {when}",
        )
    if body == "national_assembly":
        if r["scope"] == "national":
            return _t(lang, f"Toàn quốc, nữ đại biểu Quốc hội, {when}", f"Viet Nam, women NA deputies, {when}")
        return _t(lang, f"Đại biểu Quốc hội trúng cử tại Sơn La, {when}", f"NA deputies elected in Son La, {when}")
    if body == "provincial_government":
        return _t(
            lang,
            f"Toàn quốc, chính quyền cấp tỉnh có lãnh đạo chủ chốt nữ, {when} (phạm vi khác M1.C1 của tỉnh)",
            f"Viet Nam, provincial governments with a woman key leader, {when} (different scope from Son La's M1.C1)",
        )
    return str(r["figure_id"])
