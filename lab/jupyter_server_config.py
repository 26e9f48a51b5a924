"""Jupyter server settings for ``make lab`` (passed with ``--config``).

- The server's root is the repository, and JupyterLab opens in ``scratch/``: the one folder
  where notebooks keep their outputs. ``scratch/`` is git-ignored, so executed analyses —
  which may hold figures that must not be published — never reach the repository.
- Every notebook saved outside ``scratch/`` (report notebooks in ``notebooks/``, the
  exploration notebooks in ``notebooks/explore/``, anything else) is written without outputs,
  execution counts or run metadata: a ContentsManager pre-save hook strips the model before it
  reaches the disk, for explicit saves and autosaves alike. If stripping fails, the save is
  refused rather than written with outputs.
- The nbstripout git filter (``lab/setup_lab.py``) strips again whatever git would commit.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The only folder (relative to the repository) whose notebooks are saved with their outputs.
SCRATCH = "scratch"
#: Cell metadata written by Lab or papermill at run time (timings, parameters injection state).
RUN_METADATA = ("execution", "ExecuteTime", "papermill", "collapsed", "scrolled")


def keeps_outputs(path: str) -> bool:
    """True when a notebook at API path ``path`` (relative to the repository) may keep outputs."""
    parts = [p for p in str(path).replace("\\", "/").split("/") if p not in ("", ".")]
    return bool(parts) and parts[0] == SCRATCH and ".." not in parts


def strip_notebook(nb: dict) -> dict:
    """Remove outputs, execution counts and run metadata from a notebook dict, in place."""
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        meta = cell.get("metadata", {})
        for key in RUN_METADATA:
            meta.pop(key, None)
    for key in ("widgets", "papermill", "signature"):
        nb.get("metadata", {}).pop(key, None)
    return nb


def strip_outside_scratch(model, path, contents_manager, **kwargs):
    """ContentsManager pre-save hook: notebooks outside ``scratch/`` are saved stripped."""
    if model.get("type") != "notebook" or model.get("content") is None or keeps_outputs(path):
        return
    try:
        strip_notebook(model["content"])
    except Exception as exc:  # refuse the save: an unstripped report notebook must not be written
        from tornado.web import HTTPError

        raise HTTPError(500, f"could not strip outputs before saving {path}: {exc}") from exc


c = get_config()  # noqa: F821 (provided by the traitlets config loader)
c.ServerApp.root_dir = str(REPO)
c.ServerApp.default_url = f"/lab/tree/{SCRATCH}"
c.ContentsManager.pre_save_hook = strip_outside_scratch
