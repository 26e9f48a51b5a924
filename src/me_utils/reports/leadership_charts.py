"""Figures of the leadership report (``notebooks/30_leadership.ipynb``): women's share of
council seats by level and term with the published comparison lines, a yearly share with its
fitted trend and targets, and the council funnel of district-level units; also the small
display helpers the report sections share (figure display, the illustrative-data mark,
interval text).

Complete counts are drawn as points without error bars; published figures only as grey
comparison lines; charts of illustrative data say so in their title.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from me_utils.analysis import leadership as L
from me_utils.analysis.funnel import plot_funnel
from me_utils.core import fmt, style
from me_utils.core.fmt import pick as _t


def show_fig(fig) -> None:
    """Show a figure as an embedded PNG with its alt text (attached by the figure function)
    and close it; a PNG display object is embedded by nbconvert whatever the backend."""
    style.show_figure(fig, lang=getattr(fig, "me_lang", "vi"))


def _alt_values(rows, lang: str) -> str:
    """``'label: value, label: value'`` for alt texts."""
    return "; ".join(f"{k}: {v}" for k, v in rows)


def illus(lang: str, on: bool) -> str:
    """The mark added to a title or caption built from illustrative data (``''`` when ``on`` is False)."""
    return _t(lang, " — dữ liệu minh họa", " — illustrative data") if on else ""


def ci(lo, hi, lang, decimals=1):
    """An interval ``lo``–``hi`` as text in the report language (:func:`me_utils.core.fmt.fmt_ci`)."""
    return fmt.fmt_ci(lo, hi, decimals, lang)


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
        + illus(lang, illustrative),
        y=1.0,
    )
    # Below the axes, so that no point or comparison line is hidden behind it.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, ncol=2, frameon=False)
    style.format_axes(fig, lang)
    style.wrap_titles(fig)
    style.tight_layout(fig)
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
    style.year_axis(ax.xaxis)
    ax.set_xlim(min(d["year"].min() if len(d) else 2020, 2020) - 0.5, 2030.5)
    ax.set_ylim(0, 100)
    ax.set_ylabel(ylabel)
    ax.set_title(title + illus(lang, illustrative), y=1.0)
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
        style.tight_layout(fig)
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
        title=title + illus(lang, illustrative),
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
