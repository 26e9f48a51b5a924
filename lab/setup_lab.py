"""Prepare a checkout for JupyterLab (run by ``make lab``; safe to run again).

1. Creates ``scratch/`` (git-ignored): analysts' own notebooks and their outputs live there.
2. Installs the nbstripout git filter for this repository (``nbstripout --install
   --attributes .gitattributes``), with cell ids kept (``--keep-id``) so that installing it does
   not show every committed notebook as modified: whatever git commits or diffs of a notebook
   has no outputs and no execution counts.

Run from the repository root with the project's Python: ``.venv/bin/python lab/setup_lab.py``.
Outside a git checkout (e.g. an unpacked archive) step 2 is skipped with a message.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(repo: Path | None = None) -> int:
    repo = Path(repo or Path.cwd()).resolve()
    (repo / "scratch").mkdir(exist_ok=True)
    inside = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=repo, capture_output=True, text=True, check=False
    )
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        print("lab: không phải kho git, bỏ qua bộ lọc nbstripout / not a git checkout: nbstripout filter skipped")
        return 0
    subprocess.run(
        [sys.executable, "-m", "nbstripout", "--install", "--attributes", ".gitattributes"], cwd=repo, check=True
    )
    py = f'"{Path(sys.executable).as_posix()}" -m nbstripout --keep-id'
    subprocess.run(["git", "config", "filter.nbstripout.clean", py], cwd=repo, check=True)
    subprocess.run(["git", "config", "diff.ipynb.textconv", py + " -t"], cwd=repo, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
