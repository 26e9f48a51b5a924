"""Small-multiple trend charts: observed points with their intervals (Wilson / Garwood), the
fitted line and its prediction band, and the 2025 and 2030 target markers, in the house style.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from me_utils.core import fmt, style
from me_utils.core.labels import label


def _title(ind, lang: str, width: int = 38) -> str:
    """Panel title: code and the full indicator name, wrapped (never cut)."""
    name = ind.name_vi if lang == "vi" else ind.name_en
    return "\n".join(textwrap.wrap(f"{ind.code} — {name}", width, break_long_words=False))


def plot_indicator(ax, item, lang: str = "vi", last_year: int = 2030, first_year: int | None = None) -> None:
    """Draw one indicator's panel on ``ax``.

    ``item``: a chart panel — ``indicator`` (catalogue entry), ``series`` (yearly figures with
    ``year, value, ci_low, ci_high``, already through the disclosure gate), ``curve`` (fitted
    trend with ``year, fit, pred_low, pred_high``; may be empty), ``targets`` ({2025, 2030}).
    Observed values as points with interval bars, fitted line and 95 % prediction band to
    ``last_year``, targets as diamonds at 2025 and 2030. ``first_year``: the first full year of
    a unit created later (a commune of 1 July 2025 starts in 2026) — the axis starts there and
    a target of an earlier year, which the unit never had, is not drawn.
    """
    ind, ser, cur = item["indicator"], item["series"], item.get("curve")
    t = ser["year"].to_numpy(dtype=float)
    v = ser["value"].to_numpy(dtype=float, na_value=np.nan)
    cis = ser[["ci_low", "ci_high"]].to_numpy(dtype=float, na_value=np.nan).reshape(-1, 2)
    if cur is not None and len(cur):
        cur = cur[cur["year"] <= last_year]
        grid = cur["year"].to_numpy(dtype=float)
        lo, hi = cur["pred_low"].to_numpy(dtype=float), cur["pred_high"].to_numpy(dtype=float)
        if np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)):
            ax.fill_between(
                grid,
                lo,
                hi,
                color=style.FITTED,
                alpha=0.15,
                linewidth=0,
                label=fmt.pick(lang, "Khoảng dự báo 95%", "95% prediction interval"),
            )
        ax.plot(
            grid,
            cur["fit"].to_numpy(dtype=float),
            color=style.FITTED,
            linewidth=1.5,
            label=fmt.pick(lang, "Xu hướng", "Trend"),
        )
    ok = np.all(np.isfinite(cis), axis=1) & np.isfinite(v)
    if ok.any():
        # Published values are rounded, so a value can sit a hair outside its own interval.
        yerr = np.clip([v[ok] - cis[ok, 0], cis[ok, 1] - v[ok]], 0.0, None)
        ax.errorbar(t[ok], v[ok], yerr=yerr, fmt="none", ecolor=style.OBSERVED, elinewidth=1, capsize=2)
    ax.plot(t, v, "o", color=style.OBSERVED, markersize=4, label=fmt.pick(lang, "Số liệu", "Observed"))
    for yr, colour in ((2025, style.TARGET_2025), (2030, style.TARGET_2030)):
        tv = item["targets"].get(yr)
        if tv is not None and yr <= last_year and (first_year is None or yr >= first_year):
            ax.plot([yr], [tv], "D", color=colour, markersize=7, label=fmt.pick(lang, f"Mục tiêu {yr}", f"{yr} target"))
    # y=1.0: no tick label sits above a panel, so matplotlib's automatic title placement (which
    # measures every y tick label at each layout pass and draw) has nothing to avoid.
    ax.set_title(_title(ind, lang), fontsize=9, loc="left", y=1.0)
    first = first_year if first_year is not None else (min(t.min(), 2021) if len(t) else 2021)
    ax.set_xlim(first - 0.5, last_year + 0.5)
    style.year_axis(ax.xaxis)
    ax.set_xticks(range(int(first), last_year + 1, 2 if last_year - first > 6 else 1))
    unit = ind.unit if lang == "vi" else (getattr(ind, "unit_en", "") or ind.unit)
    ax.set_ylabel(style.wrap_text(unit, 30), fontsize=8)
    ax.tick_params(labelsize=8)
    if not getattr(ind, "verified", True):
        ax.text(
            0.99,
            0.02,
            "⚠ " + label("target_unverified_short", lang),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
            color=style.REFERENCE,
        )


def small_multiples(items, lang: str = "vi", ncols: int = 3, last_year: int = 2030, first_year: int | None = None):
    """Grid of :func:`plot_indicator` panels.

    Input: chart panels (see :func:`plot_indicator`; e.g.
    :func:`me_utils.reports.scorecard_report.panels`). Output: a matplotlib Figure, or None when no
    panel has a shown figure.
    """
    fmt.check_lang(lang)
    todo = [it for it in items if len(it["series"]) and it["series"]["value"].notna().any()]
    if not todo:
        return None
    nrows = math.ceil(len(todo) / ncols)
    # Room for titles of up to four lines: names are wrapped in full, never cut.
    fig = plt.figure(figsize=(4.2 * ncols, 3.6 * nrows))
    grid = fig.add_gridspec(nrows, ncols)
    # Axes only for the panels drawn: an empty grid cell stays empty (creating an axes costs
    # as much as drawing a small one).
    axes = [fig.add_subplot(grid[i // ncols, i % ncols]) for i in range(len(todo))]
    for ax, it in zip(axes, todo):
        plot_indicator(ax, it, lang, last_year, first_year)
    handles, _labels = {}, []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(
        list(handles.values()),
        list(handles.keys()),
        loc="lower center",
        ncol=min(5, len(handles)),
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )
    style.format_axes(fig, lang)
    style.tight_layout(fig, rect=(0, 0.04 if nrows > 1 else 0.1, 1, 1))
    codes = [it["indicator"].code for it in todo]
    style.set_alt(fig, label("trend_alt", lang, n=len(codes), codes=", ".join(codes)))
    return fig


def is_percent(ind) -> bool:
    """True for an indicator measured in percent (a proportion or ratio on the 0–100 scale):
    those can share one axis in :func:`target_dots`."""
    return ind.kind in ("proportion", "ratio") and int(ind.scale) == 100


def target_dots(items, lang: str = "vi", target_year: int = 2030):
    """One dot chart of percentage indicators: each row an indicator, its latest shown value with
    the interval bar and its ``target_year`` target as a diamond on one 0–100 % axis.

    For units whose series are too short for a trend (a commune's first years): one axes
    instead of a panel per indicator. Input: chart panels as for :func:`plot_indicator`, each
    with an indicator for which :func:`is_percent` holds. Output: a Figure, or None when no
    panel has a shown value.
    """
    fmt.check_lang(lang)
    rows = []
    for it in items:
        ser = it["series"].dropna(subset=["value"])
        if ser.empty:
            continue
        last = ser.sort_values("year").iloc[-1]
        rows.append((it["indicator"], last, it["targets"].get(target_year)))
    if not rows:
        return None
    n = len(rows)
    fig, ax = plt.subplots(figsize=(9.0, 0.55 * n + 1.3))
    seen = set()
    values = []
    for i, (ind, last, tv) in enumerate(rows):
        v, lo, hi = (float(last[c]) if pd.notna(last[c]) else np.nan for c in ("value", "ci_low", "ci_high"))
        if np.isfinite(lo) and np.isfinite(hi):
            ax.errorbar(
                [v], [i], xerr=[[max(v - lo, 0.0)], [max(hi - v, 0.0)]], fmt="none", ecolor=style.OBSERVED, capsize=3
            )
        lab = label("dots_observed", lang)
        # Above the target's diamond, so a value on its target stays visible.
        ax.plot([v], [i], "o", color=style.OBSERVED, markersize=6, zorder=4, label=None if lab in seen else lab)
        seen.add(lab)
        if tv is not None:
            lab = fmt.pick(lang, f"Mục tiêu {target_year}", f"{target_year} target")
            ax.plot([tv], [i], "D", color=style.TARGET_2030, markersize=7, label=None if lab in seen else lab)
            seen.add(lab)
        values.append(
            label(
                "dots_value",
                lang,
                code=ind.code,
                value=fmt.fmt_pct(v, 1, lang),
                year=int(last["year"]),
                target=fmt.fmt_pct(tv, 0, lang) if tv is not None else fmt.MISSING,
            )
        )
    ax.set_yticks(range(n), [_title(ind, lang, width=48) for ind, _, _ in rows], fontsize=8)
    ax.invert_yaxis()
    # A little room beyond 0 and 100 %, so a marker at either end is not cut in half.
    ax.set_xlim(-2, 102)
    ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(style.HouseNumberFormatter(lang, suffix="%"))
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08 if n > 3 else -0.15), ncol=2, frameon=False, fontsize=8)
    style.tight_layout(fig)
    style.set_alt(fig, label("dots_alt", lang, n=n, target_year=target_year, values="; ".join(values)))
    return fig
