"""The review document and its display: a :class:`ReviewDoc` is a list of :class:`Section` s
(heading, level, outline part), each a list of :class:`Block` s (generated paragraph, table,
chart, or a prompt for the analyst). :func:`to_html` and :func:`show` display it in a notebook;
:mod:`me_utils.render.docx` writes it as an editable Word file. The outlines themselves are
built in :mod:`me_utils.reports.review_outline`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from me_utils.core import fmt
from me_utils.core.labels import COUNTS_ATTR
from me_utils.core.style import STATUS_COLOURS
from me_utils.reports.notebook import display_obj as _display
from me_utils.reports.notebook import heading


@dataclass
class Block:
    """One piece of a section: ``para`` (generated text), ``table`` (``table`` a DataFrame of
    display strings, ``caption``), ``chart`` (``table`` whose first column holds the bar labels
    and each further column one numeric series; ``caption``) or ``analyst`` (a prompt the
    analyst replaces). ``counts`` says what the integer cells of a table count when they are
    not GBV-derived figures: :data:`me_utils.core.labels.COUNTS_REPORTS` for reports received
    per body; the rendered table carries it as :data:`me_utils.core.labels.COUNTS_ATTR` so the
    disclosure scan does not take them for small GBV counts."""

    kind: str
    text: str = ""
    table: pd.DataFrame | None = None
    caption: str = ""
    counts: str = ""


@dataclass
class Section:
    """A heading (level 2 or 3), its blocks, and the outline ``part`` it belongs to: 0 the
    preamble, 1–5 the parts I–V of :data:`OUTLINE_VI`."""

    heading: str
    level: int = 2
    blocks: list[Block] = field(default_factory=list)
    part: int = 1


@dataclass
class ReviewDoc:
    """A review ready to display or export. ``kind``: ``so_ket`` or ``tong_ket``."""

    kind: str
    title: str
    subtitle: str
    lang: str
    sections: list[Section]
    illustrative: bool = False

    def tables(self) -> list[Block]:
        return [b for s in self.sections for b in s.blocks if b.kind == "table"]


# --- display -------------------------------------------------------------------------------


def table_html(b: Block) -> str:
    """A table block as HTML (escaped; the same strings :mod:`me_utils.render.docx` writes)."""
    cap = f'<p class="me-caption"><em>{html.escape(b.caption)}</em></p>' if b.caption else ""
    tab = b.table.to_html(index=False, escape=True, border=0, classes="me-table review-table", na_rep=fmt.MISSING)
    if b.counts:  # declare what the integer cells count (read by me_utils.render.leakscan)
        tab = tab.replace("<table ", f'<table {COUNTS_ATTR}="{html.escape(b.counts)}" ', 1)
    return cap + tab


def to_html(doc: ReviewDoc) -> str:
    """The whole document as an HTML fragment (headings ``<h2>``/``<h3>``; analyst prompts in a
    highlighted box; charts as their data table)."""
    out = []
    for s in doc.sections:
        out.append(f"<h{s.level}>{html.escape(s.heading)}</h{s.level}>")
        for b in s.blocks:
            out.append(_block_html(b))
    return "\n".join(out)


def _block_html(b: Block) -> str:
    if b.kind == "para":
        return f"<p>{html.escape(b.text)}</p>"
    if b.kind == "analyst":
        return (
            '<p class="me-analyst" style="background:#fff3cd;border-left:4px solid #c9a227;'
            f'padding:4px 8px"><em>{html.escape(b.text)}</em></p>'
        )
    if b.kind in ("table", "chart"):
        return table_html(b)
    raise ValueError(f"unknown block kind {b.kind!r}")


def chart_figure(b: Block):
    """A matplotlib figure of a chart block: horizontal stacked bars, one per label, one
    segment per numeric column (house palette: achieved, not achieved, no data)."""
    import matplotlib.pyplot as plt

    t = b.table.set_index(b.table.columns[0])
    colours = [STATUS_COLOURS.get(k, "#888888") for k in ("achieved", "deterioration", "insufficient_data")]
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(t) + 1.2))
    left = pd.Series(0.0, index=t.index)
    for col, colour in zip(t.columns, colours * 3):
        ax.barh(list(t.index), t[col].astype(float), left=left, color=colour, label=col)
        left = left + t[col].astype(float)
    ax.invert_yaxis()
    ax.set_xlabel(b.caption)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def show(doc: ReviewDoc, part: int | None = None) -> None:
    """Display the document (or only outline ``part`` 0–5) in a notebook: headings as
    markdown (so the rendered HTML gets its table of contents), the rest as HTML."""
    from IPython.display import HTML

    for s in doc.sections:
        if part is not None and s.part != part:
            continue
        heading(s.heading, s.level)
        for b in s.blocks:
            if b.kind == "chart":
                import matplotlib.pyplot as plt

                fig = chart_figure(b)
                _display(fig)
                plt.close(fig)
            _display(HTML(_block_html(b)))
