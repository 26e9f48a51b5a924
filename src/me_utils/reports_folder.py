"""The reports folder of ``me report`` (:mod:`me_utils.runner`): the write check and the lock
taken before any kernel starts, the clean-up of temp files and stale reports, and the run
records (``_restricted/runs.json``) the index is built from.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from me_utils.batch import Job, Result, mkdir_private, restrict_tree, short_error
from me_utils.core import errors as _errors
from me_utils.render.export import atomic_write_text

RESTRICTED = "_restricted"
STATE_FILE = "runs.json"
LOCK_FILE = ".report.lock"
#: Exit code when the reports folder cannot be written (permissions, full disk) or another
#: ``me report`` is writing to it.
EXIT_REPORTS_FOLDER = 3


class ReportsFolderError(_errors.ReportError):
    """The reports folder cannot be written or is locked; the CLI prints one line and exits
    with :data:`EXIT_REPORTS_FOLDER`."""


def clean_tmp(reports_dir: Path) -> None:
    # Temp files left by a killed run (never named *.html, so never taken for a report).
    for p in reports_dir.rglob(".*.tmp*"):
        if p.is_file():
            p.unlink()


def remove_stale(
    reports_dir: Path, lang: str, jobs: list[Job], results: list[Result], full: bool, all_topics: bool, started: float
) -> list[Path]:
    """Remove reports the run's selection made obsolete; return the removed paths.

    Within each selected unit whose every topic was selected, anything older than this run is
    removed (old topics, old side files); a full run (all units, all topics) also removes unit
    folders it did not produce. Files of units or topics outside the selection are kept.
    """
    removed: list[Path] = []
    base = reports_dir / lang
    if not base.exists():
        return removed
    produced = {Path(r.html) for r in results if r.html} | {Path(r.pdf) for r in results if r.pdf}
    units_run = {j.unit for j in jobs}
    for unit_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        if not full and not (all_topics and unit_dir.name in units_run):
            continue
        for f in sorted(unit_dir.rglob("*")):
            if f.is_file() and f not in produced and f.stat().st_mtime < started:
                f.unlink()
                removed.append(f)
        for d in sorted((p for p in unit_dir.rglob("*") if p.is_dir()), reverse=True):
            if not any(d.iterdir()):
                d.rmdir()
        if not any(unit_dir.iterdir()):
            unit_dir.rmdir()
    return removed


def _load_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"runs": {}}


def update_state(reports_dir: Path, results: list[Result], full: bool, lang: str, run_info: dict) -> dict:
    """Merge this run's results into ``reports/_restricted/runs.json`` (what the index shows).

    A full run replaces the language's records; a partial run replaces only its own keys.
    Records whose report file no longer exists (and are not failures) are dropped.
    """

    path = reports_dir / RESTRICTED / STATE_FILE
    state = _load_state(path)
    runs = state.setdefault("runs", {})
    if full:
        for k in [k for k, v in runs.items() if v.get("lang") == lang]:
            del runs[k]
    for r in results:
        rec = asdict(r)
        for key in ("html", "pdf"):
            if rec[key]:
                rec[key] = Path(rec[key]).resolve().relative_to(reports_dir.resolve()).as_posix()
        runs[f"{r.lang}/{r.unit}/{r.stem}"] = rec
    for k in list(runs):
        v = runs[k]
        if v.get("status") == "ok" and not (reports_dir / v["html"]).exists():
            del runs[k]
    state.setdefault("last_run", {})[lang] = run_info
    atomic_write_text(path, json.dumps(state, ensure_ascii=False, indent=1, default=str))
    return state


def failure_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return short_error(exc) or type(exc).__name__


@contextlib.contextmanager
def reports_lock(reports_dir: Path):
    """Exclusive ``flock`` on ``<reports>/.report.lock`` for the whole batch: a second
    ``me report`` on the same folder refuses (:class:`ReportsFolderError`) instead of racing
    the first one's writes. The kernel drops the lock when the holder dies."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(reports_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 100, 0).decode("utf-8", "replace").strip() or "?"
            raise ReportsFolderError(
                f"another `me report` is writing to {reports_dir} ({holder}); wait for it to finish / "
                f"một lần chạy `me report` khác đang ghi vào {reports_dir}"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        yield
    finally:
        os.close(fd)


def prepare_reports_dir(reports_dir: Path) -> None:
    """Check before any kernel starts that ``reports_dir`` can be written: create it and
    ``_restricted/`` (0700), write and remove a 64 KiB probe in each (a full disk fails here).
    Raises :class:`ReportsFolderError` with the folder and the reason."""
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
        mkdir_private(reports_dir / RESTRICTED)
        restrict_tree(reports_dir / RESTRICTED)
        for folder in (reports_dir, reports_dir / RESTRICTED):
            fd, probe = tempfile.mkstemp(prefix=".probe.", suffix=".tmp", dir=folder)
            try:
                os.write(fd, b"\0" * 65536)
                os.fsync(fd)
            finally:
                os.close(fd)
                os.unlink(probe)
    except OSError as exc:
        raise ReportsFolderError(
            f"cannot write to the reports folder {reports_dir}: {failure_reason(exc)} / "
            f"không ghi được vào thư mục báo cáo {reports_dir}"
        ) from None
