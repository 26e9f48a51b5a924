"""Every committed notebook is clean (no outputs, no execution counts), and the report notebooks
carry a markdown outline for JupyterLab that the rendered report pages leave out."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TRACKED = subprocess.run(
    ["git", "ls-files", "*.ipynb"], cwd=REPO, capture_output=True, text=True, check=True
).stdout.split()
REPORTS = sorted(p for p in TRACKED if p.startswith("notebooks/") and p.count("/") == 1)


def test_there_are_notebooks_to_check():
    assert len(REPORTS) >= 6 and "notebooks/explore/explore_indicators.ipynb" in TRACKED


@pytest.mark.parametrize("path", TRACKED)
def test_committed_notebook_has_no_outputs_and_no_execution_counts(path):
    nb = json.loads((REPO / path).read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path} cell {i} has outputs"
            assert cell.get("execution_count") is None, f"{path} cell {i} has an execution count"
        assert "execution" not in cell.get("metadata", {}), f"{path} cell {i} has run metadata"
    assert "widgets" not in nb["metadata"] and "papermill" not in nb["metadata"], path


@pytest.mark.parametrize("path", REPORTS)
def test_report_notebook_has_a_markdown_outline(path):
    """A title, then one `##` heading and a sentence (vi, then en in italics) before each
    section cell; the parameters cell and start() stay the first two cells."""
    nb = json.loads((REPO / path).read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "code" and "parameters" in cells[0]["metadata"].get("tags", [])
    assert "me_utils.reports.notebook.start(" in "".join(cells[1]["source"])
    assert all(c["metadata"].get("tags") == ["notebook-outline"] for c in cells if c["cell_type"] == "markdown")
    md = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    assert md[0].startswith("# ") and nb["metadata"]["me_report"]["title_vi"] in md[0]
    code_after_start = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and i > 1]
    for i in code_after_start:
        prev = cells[i - 1]
        assert prev["cell_type"] == "markdown", f"{path}: cell {i} has no heading before it"
        text = "".join(prev["source"])
        head, *body = [p for p in text.split("\n\n") if p]
        assert head.startswith("## ") and " / " in head, text
        assert len(body) == 2 and body[0].endswith(".") and body[1].startswith("*") and body[1].endswith(".*"), text


def test_rendered_page_leaves_the_markdown_outline_out():
    """The report page takes its headings from the outputs, in the report's language; the
    notebook's bilingual markdown outline would repeat them."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from me_utils.render import export

    nb = new_notebook(
        cells=[
            new_markdown_cell(
                "## Tổng hợp / Summary\n\nMARKDOWN-OUTLINE-SENTENCE.", metadata={"tags": [export.OUTLINE_TAG]}
            ),
            new_markdown_cell("UNTAGGED-MARKDOWN-STAYS"),
            new_code_cell(
                "x", outputs=[new_output("display_data", data={"text/markdown": "## Tổng hợp\n\nOUTPUT-TEXT"})]
            ),
        ]
    )
    html = export.exporter().from_notebook_node(nbformat.from_dict(nb))[0]
    assert "OUTPUT-TEXT" in html and "UNTAGGED-MARKDOWN-STAYS" in html
    assert "MARKDOWN-OUTLINE-SENTENCE" not in html
