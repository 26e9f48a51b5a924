"""Editable Word (.docx) export of a review (:class:`me_utils.reports.review_outline.ReviewDoc`).

Layer: render. Officials finish and sign the sơ kết and tổng kết in Word, so the export keeps
everything editable: headings as Word heading styles (the navigation pane shows the outline),
generated paragraphs as plain text, tables as Word tables holding exactly the strings the HTML
report shows, charts as PNG pictures (with their data table below), and the analyst's parts as
highlighted paragraphs to overwrite. Written atomically (temporary file, then replace).

Uses python-docx (``docx``).
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.shared import Cm, Pt

from me_utils.core import fmt
from me_utils.core.atomic import atomic_write_bytes
from me_utils.reports.review_outline import Block, ReviewDoc, chart_figure


def _table(document, b: Block) -> None:
    t = b.table
    if b.caption:
        p = document.add_paragraph()
        r = p.add_run(b.caption)
        r.italic = True
    table = document.add_table(rows=1, cols=len(t.columns))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, t.columns):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(name))
        run.bold = True
    for rec in t.itertuples(index=False):
        cells = table.add_row().cells
        for cell, v in zip(cells, rec):
            cell.text = "" if v is None else str(v)
    for row in table.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(9)


def _chart(document, b: Block) -> None:
    import matplotlib.pyplot as plt

    fig = chart_figure(b)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    plt.close(fig)
    buf.seek(0)
    document.add_picture(buf, width=Cm(15))
    _table(document, b)


def to_docx_bytes(doc: ReviewDoc) -> bytes:
    """The review as .docx bytes."""
    d = Document()
    style = d.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    d.add_heading(doc.title, level=0)
    sub = d.add_paragraph(doc.subtitle)
    sub.runs[0].italic = True
    for s in doc.sections:
        d.add_heading(s.heading, level=min(max(s.level - 1, 1), 4))
        for b in s.blocks:
            if b.kind == "para":
                d.add_paragraph(b.text)
            elif b.kind == "analyst":
                run = d.add_paragraph().add_run(b.text)
                run.italic = True
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            elif b.kind == "table":
                _table(d, b)
            elif b.kind == "chart":
                _chart(d, b)
            else:
                raise ValueError(f"unknown block kind {b.kind!r}")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def write_docx(doc: ReviewDoc, path: str | Path) -> Path:
    """Write the review to ``path`` (.docx) atomically; returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, to_docx_bytes(doc))
    return path


def read_tables(path: str | Path) -> list[list[list[str]]]:
    """Every table of a .docx as rows of cell texts (header row first) — to check an export."""
    d = Document(str(path))
    return [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]


def export_link(doc: ReviewDoc, output_dir: str | Path, name: str) -> str:
    """Write ``<output_dir>/<name>`` (.docx) and return a markdown line linking it (relative,
    next to the HTML report). With an empty ``output_dir`` (interactive use) nothing is written
    and the line says so."""

    if not output_dir:
        return fmt.pick(
            doc.lang, "_(Chạy qua `me report` để tạo bản Word.)_", "_(Run through `me report` to write the Word file.)_"
        )
    write_docx(doc, Path(output_dir) / name)
    return fmt.pick(
        doc.lang,
        f"📄 [Tải bản Word để hoàn thiện, ký ban hành]({name})",
        f"📄 [Download the editable Word version]({name})",
    )
