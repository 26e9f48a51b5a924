"""Where things live: repository root, reference data, data roots and reports.

Every path resolves from the repository root, found from this file's location (the package is
installed editable from ``src/``) or from the environment variable ``ME_PROJECT_ROOT``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from me_utils.core import errors as _errors

#: File name of the scorecard workbook the review writes into its unit's reports folder.
WORKBOOK_NAME = "scorecard.xlsx"


def project_root() -> Path:
    """Return the repository root (the folder holding ``pyproject.toml``)."""
    env = os.environ.get("ME_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "data").is_dir():
            return parent
    # Installed non-editable: fall back to the working directory.
    return Path.cwd().resolve()


def reference_dir() -> Path:
    """Folder of versioned reference data (catalogue, units, published figures)."""
    return project_root() / "data" / "reference"


def default_data_root() -> Path:
    """Data root of real submissions: ``data/`` with ``raw/`` and ``processed/``."""
    return project_root() / "data"


def demo_data_root() -> Path:
    """Data root of the generated illustrative data (git-ignored)."""
    return project_root() / "data" / "demo"


def reports_dir() -> Path:
    """Folder of rendered reports."""
    return project_root() / "reports"


def resolve_data_root(data_root: str | os.PathLike | None) -> Path:
    """Turn a notebook/CLI ``data_root`` value into an absolute path.

    Empty or None means the real data root; a relative path is taken from the repository root.
    """
    if not data_root:
        return default_data_root()
    p = Path(data_root)
    return p if p.is_absolute() else (project_root() / p)


def read_manifest(data_root: Path) -> dict:
    """Return ``<data_root>/processed/manifest.json`` as a dict ({} when absent).

    Raises :class:`me_utils.core.errors.ReportError` naming the file when it is not a JSON
    object (a manifest cut short or edited by hand): nothing built from it can be trusted.
    """
    p = Path(data_root) / "processed" / "manifest.json"
    if not p.exists():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise _errors.ReportError(
            f"{p}: không đọc được / unreadable ({exc}); chạy lại / run `me build --root {data_root}` again"
        ) from None
    if not isinstance(data, dict):
        raise _errors.ReportError(
            f"{p}: không phải một đối tượng JSON / not a JSON object; chạy lại / run `me build --root {data_root}` again"
        )
    return data
