"""One house style for every figure: seaborn theme, palette, sizes, Vietnamese-safe font,
Vietnamese number format on axes, wrapped (never cut) titles, and figures shown with alt text.

DejaVu Sans (shipped with matplotlib) has every Vietnamese glyph, so diacritics render in
figures without a system font.

Importing this module never selects a matplotlib backend: an analyst's Jupyter kernel stays on
its inline backend, and headless runs get Agg from matplotlib itself (no display). Figures are
embedded as PNG display objects (:func:`show_figure`), which works under any backend.
"""

from __future__ import annotations

import hashlib
import io
import math
import textwrap
import warnings
from collections import OrderedDict

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd
import seaborn as sns
from matplotlib.font_manager import FontProperties

from me_utils.core import fmt

#: Status colours shared by every chart and table (colour-blind safe, Okabe–Ito based).
STATUS_COLOURS = {
    "achieved": "#009E73",
    "on_track": "#56B4E9",
    "acceleration_needed": "#E69F00",
    "limited_progress": "#D55E00",
    "deterioration": "#CC0000",
    "insufficient_data": "#999999",
}
OBSERVED = "#1F4E79"
FITTED = "#0072B2"
TARGET_2025 = "#D55E00"
TARGET_2030 = "#7B3294"
REFERENCE = "#555555"
DPI = 96


def use_house_style() -> None:
    """Set the seaborn/matplotlib style used by every report figure (no backend change)."""
    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    plt.rcParams.update(
        {
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.figsize": (8, 4.5),
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "legend.fontsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.family": "DejaVu Sans",
            # Tick labels never switch to "1e5" offsets; numbers are written out in full
            # with the house separators by number_formatter.
            "axes.formatter.useoffset": False,
        }
    )


# --------------------------------------------------------------------------- numbers on axes


def tick_decimals(step: float, max_decimals: int = 4) -> int:
    """Decimals needed to write ticks ``step`` apart without two of them printing alike:
    ``tick_decimals(0.25) == 2``, ``tick_decimals(50000) == 0``."""
    if not step or not math.isfinite(step):
        return 0
    d = max(0, -math.floor(math.log10(abs(step)) + 1e-9))
    # 0.25 needs two decimals although its order of magnitude says one.
    while d < max_decimals and abs(round(step, d) - step) > abs(step) * 1e-6:
        d += 1
    return d


class HouseNumberFormatter(mticker.Formatter):
    """Tick labels in the report language: ``100.000`` and ``0,25`` in Vietnamese,
    ``100,000`` and ``0.25`` in English (``suffix`` e.g. ``"%"`` appended)."""

    def __init__(self, lang: str = "vi", suffix: str = ""):
        self.lang = fmt.check_lang(lang)
        self.suffix = suffix
        self._decimals = 0

    def set_locs(self, locs):
        super().set_locs(locs)
        steps = [b - a for a, b in zip(locs[:-1], locs[1:]) if b != a]
        self._decimals = tick_decimals(min(steps)) if steps else tick_decimals(abs(locs[0]) if len(locs) else 0)

    def __call__(self, x, pos=None):
        return fmt.fmt_number(x, self._decimals, self.lang) + self.suffix


class YearFormatter(mticker.Formatter):
    """Tick labels of a calendar-year axis: ``2025``, never ``2.025`` (a year is a label, not a
    quantity, so it takes no thousands separator in either language); non-integer ticks blank."""

    def __call__(self, x, pos=None):
        return f"{x:.0f}" if abs(x - round(x)) < 1e-9 else ""


def year_axis(axis) -> None:
    """Mark ``axis`` (e.g. ``ax.xaxis``) as calendar years: integer ticks written as years.
    :func:`format_axes` leaves it alone, so years never get the number format."""
    axis.set_major_formatter(YearFormatter())
    axis.set_major_locator(mticker.MaxNLocator(integer=True))


def format_axes(fig, lang: str = "vi") -> None:
    """Give every linear axis of ``fig`` that still has matplotlib's default number format the
    house format of ``lang`` (thousands separator, decimal comma in Vietnamese).

    Axes with their own formatter (dates, categories, percent formatters) are left alone.
    """
    for ax in fig.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "linear" and isinstance(axis.get_major_formatter(), mticker.ScalarFormatter):
                axis.set_major_formatter(HouseNumberFormatter(lang))


# --------------------------------------------------------------------------- titles


def wrap_to_width(text: str, width_px: float, fontsize: float, fig) -> str:
    """Wrap ``text`` into lines no wider than ``width_px`` pixels at ``fontsize`` points, as
    drawn by ``fig``'s renderer; words are never cut and nothing is dropped."""
    renderer = fig.canvas.get_renderer()
    if "$" in str(text):
        width = _probe_width(fig, renderer, fontsize)
    else:
        # The renderer's own metrics of the house font — what a Text of this size measures
        # for one line — remembered across figures: the same titles recur on every page.
        def width(s: str) -> float:
            key = (s, float(fontsize), float(fig.dpi), plt.rcParams["font.family"][0])
            w = _WIDTHS.get(key)
            if w is None:
                w = renderer.get_text_width_height_descent(s, FontProperties(size=fontsize), ismath=False)[0]
                if len(_WIDTHS) > 20_000:
                    _WIDTHS.clear()
                _WIDTHS[key] = w
            return w

    out_lines = []
    for para in str(text).split("\n"):
        line = ""
        for word in para.split():
            trial = f"{line} {word}" if line else word
            if line and width(trial) > width_px:
                out_lines.append(line)
                line = word
            else:
                line = trial
        out_lines.append(line)
    return "\n".join(out_lines)


_WIDTHS: dict[tuple, float] = {}


def _probe_width(fig, renderer, fontsize: float):
    """Width (pixels) of a one-line text measured through a Text artist: for text with
    mathtext (``$…$``), which the renderer's plain metrics would measure wrongly."""

    def width(s: str) -> float:
        probe = fig.text(0, 0, s, fontsize=fontsize)
        try:
            return probe.get_window_extent(renderer).width
        finally:
            probe.remove()

    return width


def wrap_titles(fig) -> None:
    """Wrap every axes title, axis label and the figure's suptitle to the space they have,
    so none is cut or runs past the figure (issue 17: titles wrap, never cut). Line breaks
    already in a title are treated as spaces, so wrapping twice (after a layout change) gives
    the same lines as wrapping once."""
    w_fig = fig.get_figwidth() * fig.dpi
    for ax in fig.get_axes():
        if not ax.get_visible():
            continue
        bbox = ax.get_position()
        w_ax = max(bbox.width * w_fig, 60)
        for loc in ("left", "center", "right"):
            t = ax.title if loc == "center" else getattr(ax, f"_{loc}_title")
            if t.get_text():
                t.set_text(wrap_to_width(_one_line(t.get_text()), w_ax, t.get_fontsize(), fig))
        xl = ax.xaxis.label
        if xl.get_text():
            xl.set_text(wrap_to_width(_one_line(xl.get_text()), w_ax, xl.get_fontsize(), fig))
        yl = ax.yaxis.label
        if yl.get_text():
            yl.set_text(
                wrap_to_width(
                    _one_line(yl.get_text()),
                    max(bbox.height * fig.get_figheight() * fig.dpi, 60),
                    yl.get_fontsize(),
                    fig,
                )
            )
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text():
        sup.set_text(wrap_to_width(_one_line(sup.get_text()), w_fig * 0.95, sup.get_fontsize(), fig))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def finish_figure(fig, lang: str = "vi") -> None:
    """House number format and wrapped titles for a finished figure (call before saving)."""
    format_axes(fig, lang)
    wrap_titles(fig)


def wrap_text(text: str, width: int) -> str:
    """Wrap ``text`` at ``width`` characters without cutting or dropping anything."""
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


# --------------------------------------------------------------------------- showing figures


def figure_png(fig, close: bool = True) -> bytes:
    """PNG bytes of ``fig`` at the house resolution, cropped to its drawn content (closed
    afterwards unless ``close=False``, so the inline backend does not show it a second time)."""
    buf = io.BytesIO()
    # Cropping costs one more layout pass over every text; a figure whose last step was
    # tight_layout (marked by :func:`tight_layout`) already fits its canvas.
    crop = None if getattr(fig, "me_laid_out", False) else "tight"
    fig.savefig(buf, format="png", dpi=DPI, bbox_inches=crop)
    if close:
        plt.close(fig)
    return buf.getvalue()


def tight_layout(fig, rect: tuple[float, float, float, float] | None = None, **kwargs) -> None:
    """``fig.tight_layout(rect=rect, **kwargs)`` as the figure's last layout step: every title,
    label and legend then lies inside the canvas, so :func:`figure_png` saves it uncropped. Call
    it only after the last change of text or axes.

    ``rect`` (left, bottom, right, top; figure fractions) keeps bands of the figure free, e.g.
    for a figure legend below the panels; the layout is the one ``fig.tight_layout(rect=rect)``
    gives, in one measuring pass instead of its two (:func:`_fit_rect`).
    """
    # A layout matplotlib could not apply (text wider than the figure) may run past the canvas:
    # such a figure keeps the cropping pass, which at least keeps every text in the image.
    applied = _tight(fig, **kwargs)
    if applied and rect is not None:
        applied = _fit_rect(fig, rect, **kwargs)
    # tight_layout leaves a placeholder layout engine behind, and savefig answers any engine
    # with a dry-run draw of every text before the real one: a third of a chart's cost, for
    # nothing, since the layout is final. Without an engine the figure is drawn once.
    if not (plt.rcParams["figure.autolayout"] or plt.rcParams["figure.constrained_layout.use"]):
        fig.set_layout_engine(None)
    fig.me_laid_out = applied


def _tight(fig, **kwargs) -> bool:
    """``fig.tight_layout(**kwargs)``; False when matplotlib did not apply it. Matplotlib says so
    only in a warning ("… not applied …"), which is passed on to the caller's warning filters."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.tight_layout(**kwargs)
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return not any("not applied" in str(w.message) for w in caught)


def _fit_rect(fig, rect, **kwargs) -> bool:
    """Move a figure just laid out by ``tight_layout()`` (no rect) into ``rect``: what
    matplotlib's ``tight_layout(rect=rect)`` computes with a second measuring pass over every
    text, which measures exactly what the first did (no axes has moved in between). Margins
    grow by the bands ``rect`` keeps free, gaps between panels keep their size in inches.
    Axes not all on one grid get matplotlib's own two-pass layout. Returns False when the
    panels would not fit into ``rect`` (layout then left as it was)."""
    specs = [ax.get_subplotspec() for ax in fig.axes if ax.get_subplotspec() is not None]
    grids = {id(ss.get_gridspec()) for ss in specs}
    if not specs or len(grids) != 1 or len(specs) != len(fig.axes):
        return _tight(fig, rect=rect, **kwargs)
    rows, cols = specs[0].get_gridspec().get_geometry()
    sp = fig.subplotpars
    left, bottom, right, top = rect
    # Gaps between panels as figure fractions, from the wspace/hspace tight_layout set.
    hgap = sp.wspace * (sp.right - sp.left) / (cols + sp.wspace * (cols - 1)) if cols > 1 else 0.0
    vgap = sp.hspace * (sp.top - sp.bottom) / (rows + sp.hspace * (rows - 1)) if rows > 1 else 0.0
    # As matplotlib: a band of 0 (falsy) leaves the measured margin as it is.
    new_left = sp.left + left if left else sp.left
    new_bottom = sp.bottom + bottom if bottom else sp.bottom
    new_right = sp.right - (1 - right) if (1 - right) else sp.right
    new_top = sp.top - (1 - top) if (1 - top) else sp.top
    width = (new_right - new_left - hgap * (cols - 1)) / cols
    height = (new_top - new_bottom - vgap * (rows - 1)) / rows
    if width <= 0 or height <= 0:
        return False
    fig.subplots_adjust(
        left=new_left,
        right=new_right,
        bottom=new_bottom,
        top=new_top,
        wspace=hgap / width if cols > 1 else sp.wspace,
        hspace=vgap / height if rows > 1 else sp.hspace,
    )
    return True


def set_alt(fig, alt: str) -> None:
    """Attach the alt text (report language) that describes ``fig`` to the figure itself, so
    whoever shows it (:func:`show_figure`) can pass it on to the page."""
    fig.me_alt = str(alt).strip()


def get_alt(fig) -> str | None:
    """The alt text attached with :func:`set_alt`, or None."""
    return getattr(fig, "me_alt", None) or None


def show_png(data: bytes, alt: str) -> None:
    """Display PNG bytes as a cell output whose alt text is ``alt``: the alt text travels in the
    display metadata (``image/png`` → ``alt``) and the HTML export writes it into ``<img alt>``."""
    from IPython.display import Image, display

    display(Image(data=data, format="png"), metadata={"image/png": {"alt": str(alt).strip()}})


def show_figure(fig, alt: str | None = None, lang: str = "vi", finish: bool = True) -> None:
    """Display ``fig`` as an embedded PNG whose alt text is ``alt`` (report language; default:
    the text attached with :func:`set_alt`), and close it.

    ``finish`` applies :func:`finish_figure` first. Raises ValueError when there is no alt text
    at all: every report figure is described. Works whatever the matplotlib backend.
    """
    alt = alt if alt is not None else get_alt(fig)
    if not alt or not str(alt).strip():
        plt.close(fig)
        raise ValueError("a report figure needs alt text")
    # A figure laid out by tight_layout is final: re-wrapping its titles now would change them
    # after the layout that made room for them.
    if finish and not getattr(fig, "me_laid_out", False):
        finish_figure(fig, lang)
    show_png(figure_png(fig), alt)


# --------------------------------------------------------------------------- drawn once per process

#: PNG bytes and alt text of figures already drawn in this process, by :func:`figure_key`. A
#: report batch keeps one kernel per worker, so a chart that is the same on many pages (the
#: district funnel on each of the 75 commune pages) is drawn once per worker, not once per page.
_DRAWN: OrderedDict[str, tuple[bytes, str]] = OrderedDict()
DRAWN_MAX = 64


def figure_key(*parts) -> str:
    """A digest of everything a figure is drawn from: DataFrames and Series by their values,
    index, columns and dtypes; anything else by ``repr``. Equal inputs give equal keys."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, (pd.DataFrame, pd.Series)):
            h.update(b"frame")
            h.update(
                repr((getattr(part, "columns", None), part.dtypes if hasattr(part, "dtypes") else part.dtype)).encode()
            )
            h.update(pd.util.hash_pandas_object(part, index=True).to_numpy().tobytes())
        else:
            h.update(repr(part).encode())
        h.update(b"\x00")
    return h.hexdigest()


def show_figure_once(key: str, draw, lang: str = "vi", finish: bool = True) -> None:
    """Show the figure ``draw()`` returns (as :func:`show_figure`), drawing it only the first
    time ``key`` (:func:`figure_key` of every input of ``draw``, the report language included)
    is shown in this process; later calls display the same PNG bytes. Identical to drawing
    every time, because Agg output is a pure function of the figure."""
    # The house style is part of the drawing: an analyst who changed rcParams gets a new figure.
    key = figure_key(key, sorted((k, repr(v)) for k, v in plt.rcParams.items() if k != "backend"))
    hit = _DRAWN.get(key)
    if hit is None:
        fig = draw()
        alt = get_alt(fig)
        if not alt or not str(alt).strip():
            plt.close(fig)
            raise ValueError("a report figure needs alt text")
        if finish and not getattr(fig, "me_laid_out", False):
            finish_figure(fig, lang)
        hit = (figure_png(fig), str(alt).strip())
        _DRAWN[key] = hit
        while len(_DRAWN) > DRAWN_MAX:
            _DRAWN.popitem(last=False)
    else:
        _DRAWN.move_to_end(key)
    show_png(*hit)
