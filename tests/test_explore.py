"""The exploration notebook (notebooks/explore/) runs end to end on demo data, through the
analysts' API only, and is not a report (`me report` never runs it)."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
NB = REPO / "notebooks" / "explore" / "explore_indicators.ipynb"


def test_exploration_notebook_is_not_a_report():
    from me_utils import runner

    found = [n.path.name for n in runner.discover(REPO / "notebooks")]
    assert "explore_indicators.ipynb" not in found and len(found) >= 6
    assert "me_report" not in json.loads(NB.read_text(encoding="utf-8"))["metadata"]


def test_cells_call_the_api_only():
    nb = nbformat.read(NB, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    imports = []
    for c in code:
        for node in ast.walk(ast.parse(c.source)):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append(ast.unparse(node))
    assert imports == ["import me_utils.api as me"]
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    assert md[0].source.startswith("# ") and sum(c.source.startswith("## ") for c in md) >= 8


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Run the notebook with papermill in a project whose real data is not built: with
    data_root None it must build and use the demo data, saying so once."""
    import os

    import papermill as pm

    from me_utils.core import paths

    proj = tmp_path_factory.mktemp("explore") / "proj"
    shutil.copytree(paths.reference_dir(), proj / "data" / "reference")
    out = proj / "out.ipynb"
    old = os.environ.get("ME_PROJECT_ROOT")
    os.environ["ME_PROJECT_ROOT"] = str(proj)  # inherited by the kernel
    try:
        pm.execute_notebook(
            str(NB), str(out), kernel_name="python3", progress_bar=False, parameters={"lang": "en"}, cwd=str(proj)
        )
    finally:
        if old is None:
            os.environ.pop("ME_PROJECT_ROOT", None)
        else:
            os.environ["ME_PROJECT_ROOT"] = old
    return proj, nbformat.read(out, as_version=4)


def _text(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        parts.append(o.get("text", ""))
        for k in ("text/plain", "text/markdown", "text/html"):
            parts.append(o.get("data", {}).get(k, ""))
    return "\n".join(parts)


def test_exploration_notebook_runs_end_to_end_on_demo_data(executed):
    proj, nb = executed
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    assert (proj / "data" / "demo" / "processed" / "manifest.json").exists()  # built on demand
    everything = "\n".join(_text(c) for c in code)
    assert everything.count("Illustrative data: no real data built") == 1  # one notice, once
    by_src = {c.source.split("(")[0].split("=")[-1].strip(): c for c in code}
    assert "Headline status (UNSD method)" in _text(by_src["me.explain"])


def test_exploration_notebook_shows_the_api_numbers(executed):
    """The series table in the notebook shows the numbers series() returns for the same data."""
    proj, nb = executed
    from me_utils import api

    cell = next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith("me.series(indicator"))
    s = api.series("M1.C1", "MC", data_root=proj / "data" / "demo")
    html = _text(cell)
    for v in s["value"]:
        assert f"{v:.2f}" in html or f"{v:g}" in html


def test_exploration_notebook_plot_is_shown_inline(executed):
    """Importing me_utils leaves the kernel's inline backend alone, so the chart shows."""
    _, nb = executed
    cell = next(c for c in nb.cells if c.cell_type == "code" and "plot_series" in c.source)
    assert any("image/png" in o.get("data", {}) for o in cell.outputs)
