"""Small-multiple trend charts: observed points with their intervals (Wilson / Garwood), the
fitted line and its prediction band, and the 2025 and 2030 target markers, in the house style.
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np

from . import fmt, style
from .scorecard import value_ci


def _title(ind, lang: str, width: int = 38) -> str:
    name = ind.name_vi if lang == "vi" else ind.name_en
    short = textwrap.shorten(name, width=width * 2, placeholder="…")
    return f"{ind.code} — " + "\n".join(textwrap.wrap(short, width)[:2])


def plot_indicator(ax, item, lang: str = "vi", level: float = 0.95, last_year: int = 2030) -> None:
    """Draw one indicator's panel on ``ax``.

    ``item``: one element of :func:`me_utils.scorecard.assess_unit`. Observed values as points
    with interval bars (when the numerator/denominator allow one), fitted line and prediction
    band to ``last_year`` (when a model was fitted), targets as diamonds at 2025 and 2030.
    """
    ind, a, ser = item["indicator"], item["assessment"], item["series"]
    scale = float(ind.scale)
    t = np.asarray(ser["year"], dtype=float)
    v = np.asarray(ser["value"], dtype=float)
    cis = np.array([value_ci(ind.kind, scale, vv, nn, dd, level)
                    for vv, nn, dd in zip(v, np.asarray(ser["numerator"], float), np.asarray(ser["denominator"], float))]
                   ).reshape(-1, 2)
    if a.fit is not None:
        # no forecast past the unit's end (status model, issue 13: districts end on 30/06/2025)
        end = min(last_year, item.get("forecast_limit", last_year))
        grid = np.arange(int(t.min()), int(max(end, t.max())) + 1)
        pr = a.fit.predict_array(grid, level)
        if np.all(np.isfinite(pr[:, 4])):
            ax.fill_between(grid, pr[:, 4], pr[:, 5], color=style.FITTED, alpha=0.15, linewidth=0,
                            label=fmt.pick(lang, f"Khoảng dự báo {int(level * 100)}%",
                                           f"{int(level * 100)}% prediction interval"))
        ax.plot(grid, pr[:, 1], color=style.FITTED, linewidth=1.5, label=fmt.pick(lang, "Xu hướng", "Trend"))
    ok = np.all(np.isfinite(cis), axis=1)
    if ok.any():
        # Published values are rounded, so a value can sit a hair outside its own interval.
        yerr = np.clip([v[ok] - cis[ok, 0], cis[ok, 1] - v[ok]], 0.0, None)
        ax.errorbar(t[ok], v[ok], yerr=yerr, fmt="none",
                    ecolor=style.OBSERVED, elinewidth=1, capsize=2)
    ax.plot(t, v, "o", color=style.OBSERVED, markersize=4, label=fmt.pick(lang, "Số liệu", "Observed"))
    for yr, colour in ((2025, style.TARGET_2025), (2030, style.TARGET_2030)):
        tv = item["targets"].get(yr)
        if tv is not None and yr <= last_year:
            ax.plot([yr], [tv], "D", color=colour, markersize=7,
                    label=fmt.pick(lang, f"Mục tiêu {yr}", f"{yr} target"))
    ax.set_title(_title(ind, lang), fontsize=9, loc="left")
    ax.set_xlim(min(t.min(), 2021) - 0.5, last_year + 0.5)
    ax.set_xticks(range(int(min(t.min(), 2021)), last_year + 1, 2 if last_year - t.min() > 6 else 1))
    unit = ind.unit if lang == "vi" else (getattr(ind, "unit_en", "") or ind.unit)
    ax.set_ylabel(textwrap.shorten(unit, 30, placeholder="…"), fontsize=8)
    ax.tick_params(labelsize=8)
    if not getattr(ind, "verified", True):
        ax.text(0.99, 0.02, "⚠ " + fmt.pick(lang, "mục tiêu chưa kiểm chứng", "target unverified"),
                transform=ax.transAxes, ha="right", va="bottom", fontsize=7, color=style.REFERENCE)


def small_multiples(items, lang: str = "vi", ncols: int = 3, level: float = 0.95, last_year: int = 2030):
    """Grid of :func:`plot_indicator` panels for the items that have data and are trend-assessed.

    Input: items from :func:`me_utils.scorecard.assess_unit`. Output: a matplotlib Figure, or
    None when no indicator has data. Election-term indicators are left out (no yearly trend).
    """
    fmt.check_lang(lang)
    todo = [it for it in items if it["assessment"].n_points > 0 and it["assessment"].headline != "term_indicator"]
    if not todo:
        return None
    nrows = math.ceil(len(todo) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.1 * nrows), squeeze=False)
    for ax, it in zip(axes.flat, todo):
        plot_indicator(ax, it, lang, level, last_year)
    for ax in list(axes.flat)[len(todo):]:
        ax.set_visible(False)
    handles, labels = {}, []
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles.keys()), loc="lower center", ncol=min(5, len(handles)),
               frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.tight_layout(rect=(0, 0.04 if nrows > 1 else 0.1, 1, 1))
    return fig
