"""``me report``: run every report notebook for the province and each district, render HTML.

Pipeline (issue 7):

1. discover report notebooks (``notebooks/*.ipynb`` with ``me_report`` metadata, see
   docs/CONTRACTS.md) and plan one run per notebook × unit in its scope;
2. validate every run's parameters against the parameters the notebook declares
   (``papermill.inspect_notebook``) before anything executes — papermill itself only warns
   about unknown names — unknown name or wrong type: exit code 2;
3. execute the runs in parallel worker processes (papermill, per-cell timeout,
   ``shutdown_kernel='immediate'``), each isolated: a failure is recorded with unit, cell and
   error, every other run completes, the exit code is 1;
4. export each executed notebook to a self-contained HTML page (:mod:`me_utils.render.export`),
   atomically; executed notebooks go to ``reports/_restricted/`` only;
5. remove stale reports, write ``reports/index.html`` (:mod:`me_utils.render.index`) and the log
   ``reports/run.log``; optionally print PDFs (:mod:`me_utils.render.pdf`).

This module discovers and checks the notebooks, plans the runs and holds the CLI; the runs
execute in :mod:`me_utils.batch` (workers) on kernels from :mod:`me_utils.kernels` (warm
kernels, ``--warm``), and the reports folder (lock, stale files, run records) is
:mod:`me_utils.reports_folder`.
"""

from __future__ import annotations

import argparse
import ast
import datetime as _dt
import logging
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from me_utils.batch import (  # noqa: F401 (Job, Result, EVALUE_MAX re-exported)
    EVALUE_MAX,
    Job,
    Result,
    mkdir_private,
    restrict_tree,
    run_jobs,
)
from me_utils.core import errors as _errors
from me_utils.core import paths
from me_utils.evidence.base import ensure_evidence
from me_utils.kernels import (  # noqa: F401 (re-exported)
    KERNEL,
    KERNEL_TRANSPORT,
    START_TIMEOUT,
    WarmKernel,
    comparable_html,
    comparable_outputs,
    kernel_manager_class,
)
from me_utils.reference.units import REFORM_DATE, load_units
from me_utils.render import export
from me_utils.render.export import MAX_REPORT_BYTES  # noqa: F401 (import check: export must load)
from me_utils.render.index import write_index
from me_utils.reports_folder import (  # noqa: F401 (LOCK_FILE, STATE_FILE re-exported)
    EXIT_REPORTS_FOLDER,
    LOCK_FILE,
    RESTRICTED,
    STATE_FILE,
    ReportsFolderError,
    clean_tmp,
    failure_reason,
    prepare_reports_dir,
    remove_stale,
    reports_lock,
    update_state,
)

log = logging.getLogger("me_utils.runner")

BASE_PARAMS = ("unit", "period_start", "period_end", "lang", "data_root")
PROVINCE = "SL"
# Topics whose notebooks are run for commune units (2026 on); the others stay province-only
# for a commune phase until they handle commune codes. GBV: from 01/07/2025 the register
# carries the receiving commune and the suppression cubes of a commune phase are by commune
# (gbv.phase_units).
COMMUNE_TOPICS = ("scorecard", "leadership", "gbv")
DEFAULT_CELL_TIMEOUT = 600


class UsageError(_errors.UsageError):
    """Bad command-line input or notebook declaration; the CLI prints it and exits with 2."""


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class Param:
    """A parameter a notebook declares: ``name``, ``type`` (``str``, ``int``, ``float``,
    ``bool``, ``list``, ``dict`` or ``None`` when it cannot be inferred) and ``default``
    (source text)."""

    name: str
    type: str | None
    default: str


@dataclass(frozen=True)
class ReportNotebook:
    """A report notebook found under the notebooks folder (see CONTRACTS "Notebooks")."""

    path: Path
    topic: str
    title_vi: str
    title_en: str
    scope: tuple[str, ...]
    order: int
    params: dict

    @property
    def stem(self) -> str:
        return self.path.stem

    def title(self, lang: str) -> str:
        return self.title_vi if lang == "vi" else self.title_en


_TYPES = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict}


def _param_type(spec: dict) -> str | None:
    # Annotation first (``unit: str = "SL"``); otherwise the type of the default literal.
    name = (spec.get("inferred_type_name") or "None").strip()
    if name in _TYPES:
        return name
    try:
        value = ast.literal_eval(spec.get("default", ""))
    except (ValueError, SyntaxError):
        return None
    for tname, typ in (("bool", bool), ("int", int), ("float", float), ("str", str), ("list", list), ("dict", dict)):
        if type(value) is typ:
            return tname
    return None


def inspect_params(path: Path) -> dict[str, Param]:
    """Parameters declared in the ``parameters`` cell of ``path`` (name → :class:`Param`)."""
    import papermill

    try:
        found = papermill.inspect_notebook(str(path))
    except Exception as exc:  # papermill raises several types for unreadable notebooks
        raise UsageError(f"{path}: cannot read its parameters cell: {exc}") from None
    return {n: Param(n, _param_type(s), s.get("default", "")) for n, s in found.items()}


def discover(notebooks_dir: Path) -> list[ReportNotebook]:
    """Report notebooks in ``notebooks_dir`` (those with ``me_report`` metadata), by order.

    Raises :class:`UsageError` naming the file when the metadata is incomplete or the
    notebook lacks one of the parameters every report must declare.
    """
    import nbformat

    out = []
    for p in sorted(Path(notebooks_dir).glob("*.ipynb")):
        try:
            nb = nbformat.read(p, as_version=4)
        except Exception as exc:
            raise UsageError(f"{p}: not a readable notebook: {exc}") from None
        meta = nb.metadata.get("me_report")
        if not meta:
            continue
        missing = [k for k in ("topic", "title_vi", "title_en", "scope", "order") if k not in meta]
        if missing:
            raise UsageError(f"{p}: metadata me_report lacks {', '.join(missing)}")
        scope = tuple(meta["scope"])
        if not scope or any(s not in ("province", "district") for s in scope):
            raise UsageError(f"{p}: me_report.scope must list 'province' and/or 'district', got {scope}")
        params = inspect_params(p)
        lacking = [b for b in BASE_PARAMS if b not in params]
        if lacking:
            raise UsageError(f"{p}: parameters cell does not declare {', '.join(lacking)}")
        out.append(
            ReportNotebook(
                p, str(meta["topic"]), str(meta["title_vi"]), str(meta["title_en"]), scope, int(meta["order"]), params
            )
        )
    out.sort(key=lambda r: (r.order, r.stem))
    return out


def check_params(nb: ReportNotebook, values: dict) -> None:
    """Refuse a parameter the notebook does not declare or a value of the wrong type.

    ints are accepted for float parameters; bools are not accepted as ints. Raises
    :class:`UsageError` with the notebook, the name and both types.
    """
    for name, value in values.items():
        spec = nb.params.get(name)
        if spec is None:
            known = ", ".join(sorted(nb.params))
            raise UsageError(f"{nb.path.name}: unknown parameter {name!r} (declared: {known})")
        if spec.type is None or value is None:
            continue
        want = _TYPES[spec.type]
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            raise UsageError(
                f"{nb.path.name}: parameter {name!r} must be {spec.type}, got {type(value).__name__} {value!r}"
            )


def parse_param(text: str) -> tuple[tuple[str | None, str], object]:
    """``[NOTEBOOK.]NAME=VALUE`` from ``-p``; returns ``((notebook or None, name), value)``.

    NOTEBOOK (a topic or notebook stem) limits the parameter to that notebook; without it
    every selected notebook must declare NAME. VALUE is a Python literal when it parses,
    else a string.
    """
    if "=" not in text:
        raise UsageError(f"-p expects [NOTEBOOK.]NAME=VALUE, got {text!r}")
    key, raw = text.split("=", 1)
    target, _, name = key.strip().rpartition(".")
    if not name.isidentifier():
        raise UsageError(f"-p: {name!r} is not a parameter name")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return (target or None, name), value


def district_codes(period: tuple[int, int] | None = None) -> list[str]:
    """Codes of the units below the province a phase's reports cover (:mod:`me_utils.reference.units`):
    the 12 districts, or for a period from 2026 on the 75 communes in force then."""
    units = load_units()
    return list(units.districts() if period is None else units.subunits_for_phase(*period))


# --------------------------------------------------------------------------- planning


DEFAULT_PERIOD = (2021, 2025)


def phase_reports_dir(period: tuple[int, int]) -> Path:
    """Default reports folder of a phase: ``reports/`` for 2021–2025, ``reports/<a>-<b>/`` for
    another (2026–2030), so a phase's run never overwrites or removes the other's reports
    (each folder has its own index, run records and stale-file cleanup)."""
    base = paths.reports_dir()
    return base if tuple(period) == DEFAULT_PERIOD else base / f"{period[0]}-{period[1]}"


def parse_period(text: str) -> tuple[int, int]:
    try:
        a, b = (int(x) for x in text.split("-", 1)) if "-" in text else (int(text), int(text))
    except ValueError:
        raise UsageError(f"--period expects YYYY-YYYY, got {text!r}") from None
    if a > b:
        raise UsageError(f"--period {text}: start year after end year")
    return a, b


def plan_jobs(
    notebooks: list[ReportNotebook],
    *,
    units: list[str] | None,
    topics: list[str] | None,
    period: tuple[int, int],
    lang: str,
    data_root: Path,
    reports_dir: Path,
    extra: dict,
    timeout: int,
    pdf: bool,
    manifest: dict,
    git: str | None,
    max_bytes: int,
) -> list[Job]:
    """All runs of the selection, parameters validated (raises :class:`UsageError`)."""

    districts = district_codes(period)  # 2026 on: the communes (the district level ended 30/06/2025)
    commune_phase = _dt.date(period[0], 1, 1) >= REFORM_DATE
    all_units = [PROVINCE] + districts
    if units is not None:
        bad = [u for u in units if u not in all_units]
        if bad:
            raise UsageError(f"--units: unknown unit code(s) {', '.join(bad)}; known: {', '.join(all_units)}")
    if topics is not None:
        known = {n.topic for n in notebooks} | {n.stem for n in notebooks}
        bad = [t for t in topics if t not in known]
        if bad:
            raise UsageError(f"--topics: unknown topic(s) {', '.join(bad)}; known: {', '.join(sorted(known))}")
        notebooks = [n for n in notebooks if n.topic in topics or n.stem in topics]
    targets = {t for t, _ in extra if t is not None}
    unknown = targets - {n.stem for n in notebooks} - {n.topic for n in notebooks}
    if unknown:
        raise UsageError(f"-p: no selected notebook or topic named {', '.join(sorted(unknown))}")
    jobs: list[Job] = []
    for nb in notebooks:
        below = "district" in nb.scope and (not commune_phase or nb.topic in COMMUNE_TOPICS)
        scope_units = ([PROVINCE] if "province" in nb.scope else []) + (districts if below else [])
        for unit in scope_units:
            if units is not None and unit not in units:
                continue
            out_dir = reports_dir / lang / unit
            values = {
                "unit": unit,
                "period_start": period[0],
                "period_end": period[1],
                "lang": lang,
                "data_root": str(data_root),
            }
            if "output_dir" in nb.params:
                values["output_dir"] = str(out_dir)
            values.update(
                {name: v for (target, name), v in extra.items() if target is None or target in (nb.stem, nb.topic)}
            )
            check_params(nb, values)
            jobs.append(
                Job(
                    id=len(jobs),
                    notebook=str(nb.path),
                    stem=nb.stem,
                    topic=nb.topic,
                    unit=unit,
                    lang=lang,
                    title=f"{nb.title(lang)} — {load_units().name(unit, lang)}",
                    params=values,
                    html_path=str(out_dir / f"{nb.stem}.html"),
                    nb_path=str(reports_dir / RESTRICTED / lang / unit / f"{nb.stem}.ipynb"),
                    cwd=str(nb.path.parent),
                    timeout=timeout,
                    pdf=pdf,
                    illustrative=bool(manifest.get("illustrative", False)),
                    manifest_hash=manifest.get("manifest_hash"),
                    git=git,
                    max_bytes=max_bytes,
                )
            )
    return jobs


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="me report", description="Run the report notebooks and render HTML.")
    p.add_argument(
        "--data-root",
        default="",
        help="data root (default: the real data root data/); relative paths from the current folder",
    )
    p.add_argument("--units", default="all", help="unit codes, comma-separated (SL,MC,...) or 'all'")
    p.add_argument("--topics", default="all", help="topics or notebook names, comma-separated, or 'all'")
    p.add_argument("--period", default="2021-2025", help="YYYY-YYYY (default 2021-2025)")
    p.add_argument("--lang", default="vi", choices=("vi", "en"))
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: CPU count)")
    p.add_argument("--timeout", type=int, default=DEFAULT_CELL_TIMEOUT, help="per-cell timeout, seconds")
    p.add_argument("--pdf", action="store_true", help="also print each report to PDF with headless Chromium")
    p.add_argument(
        "--warm", dest="warm", action="store_true", default=True, help="reuse one reset kernel per worker (default)"
    )
    p.add_argument("--no-warm", dest="warm", action="store_false", help="fresh kernel for every run")
    p.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="[NOTEBOOK.]NAME=VALUE",
        help="extra notebook parameter, for every selected notebook or only NOTEBOOK "
        "(topic or file stem); validated against the declared parameters",
    )
    p.add_argument(
        "--notebooks",
        default=None,
        help="folder of report notebooks (default notebooks/); relative paths from the current folder",
    )
    p.add_argument(
        "--reports",
        default=None,
        help="output folder (default reports/; reports/<period>/ for a period other than 2021-2025); "
        "relative paths from the current folder",
    )
    p.add_argument("--max-mb", type=float, default=3.0, help="size budget of one HTML report, MB")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


class _LogHandler(logging.FileHandler):
    """``run.log``: a write that fails (full disk) is remembered, not printed as a traceback
    (logging's default); the run then ends with one line about the reports folder."""

    failed: OSError | None = None

    def handleError(self, record):  # noqa: N802 (logging's name)
        exc = sys.exc_info()[1]
        if self.failed is None:
            self.failed = exc if isinstance(exc, OSError) else OSError(str(exc))


def _setup_log(reports_dir: Path) -> logging.Handler:
    reports_dir.mkdir(parents=True, exist_ok=True)
    h = _LogHandler(reports_dir / "run.log", mode="w", encoding="utf-8")
    h.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", "%Y-%m-%d %H:%M:%S"))
    log.addHandler(h)
    log.setLevel(logging.INFO)
    return h


def cli(argv: list[str]) -> int:
    """``me report``: exit 0 when every run succeeded, 1 when any failed, 2 for bad input,
    3 (:data:`EXIT_REPORTS_FOLDER`) when the reports folder cannot be written or is in use."""
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except UsageError as exc:
        print(f"me report: error: {exc}", file=sys.stderr)
        return 2
    except ReportsFolderError as exc:
        print(f"me report: error: {exc}", file=sys.stderr)
        return EXIT_REPORTS_FOLDER
    except _errors.ReportError as exc:  # e.g. an unreadable processed/manifest.json
        print(f"me report: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # full disk or lost permission mid-run: one line, no traceback
        where = getattr(exc, "filename", None) or "the reports folder"
        print(
            f"me report: error: cannot write {where}: {failure_reason(exc)}; the index was not updated / "
            f"không ghi được {where}, trang mục lục không được cập nhật",
            file=sys.stderr,
        )
        return EXIT_REPORTS_FOLDER
    except KeyboardInterrupt:
        print(
            "me report: interrupted; reports already written are complete, the index was not updated (rerun to finish)",
            file=sys.stderr,
        )
        return 130


def _run(args) -> int:

    # Every relative path option is taken from the current folder (issue 16).
    data_root = paths.resolve_data_root(str(Path(args.data_root).resolve()) if args.data_root else "")
    if not data_root.is_dir():
        raise UsageError(f"--data-root {data_root}: no such folder")
    notebooks_dir = Path(args.notebooks).resolve() if args.notebooks else paths.project_root() / "notebooks"
    reports_dir = (Path(args.reports) if args.reports else phase_reports_dir(parse_period(args.period))).resolve()
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.timeout < 1:
        raise UsageError("--timeout must be at least 1 second")
    period = parse_period(args.period)
    units = None if args.units.strip().lower() == "all" else [u.strip() for u in args.units.split(",") if u.strip()]
    topics = None if args.topics.strip().lower() == "all" else [t.strip() for t in args.topics.split(",") if t.strip()]
    extra = dict(parse_param(x) for x in args.param)
    clash = [k for _, k in extra if k in BASE_PARAMS or k == "output_dir"]
    if clash:
        raise UsageError(f"-p {clash[0]}: set by the runner; use --units/--period/--lang/--data-root")
    notebooks = discover(notebooks_dir)
    if not notebooks:
        raise UsageError(f"no report notebooks (with me_report metadata) in {notebooks_dir}")
    manifest = paths.read_manifest(data_root)
    git = export.git_revision(paths.project_root())
    jobs = plan_jobs(
        notebooks,
        units=units,
        topics=topics,
        period=period,
        lang=args.lang,
        data_root=data_root,
        reports_dir=reports_dir,
        extra=extra,
        timeout=args.timeout,
        pdf=args.pdf,
        manifest=manifest,
        git=git,
        max_bytes=int(args.max_mb * 1024 * 1024),
    )
    if not jobs:
        raise UsageError("the selection of units and topics gives no report to run")
    full = units is None and topics is None

    prepare_reports_dir(reports_dir)
    with reports_lock(reports_dir):
        return _run_locked(args, jobs, reports_dir, data_root, manifest, git, notebooks, period, full, topics)


def _run_locked(args, jobs, reports_dir, data_root, manifest, git, notebooks, period, full, topics) -> int:

    handler = _setup_log(reports_dir)
    try:
        started = time.time()
        log.info(
            "me report: %d runs (%d notebooks), lang=%s, data_root=%s, manifest=%s, jobs=%d, warm=%s, timeout=%ss",
            len(jobs),
            len({j.stem for j in jobs}),
            args.lang,
            data_root,
            manifest.get("manifest_hash") or "none",
            args.jobs,
            args.warm,
            args.timeout,
        )
        if not manifest:
            log.warning("no processed manifest in %s (run `me build`); reports carry no data hash", data_root)
        clean_tmp(reports_dir)
        if manifest:
            # Every report reads the evidence base; build it once here when `me build` was run
            # by an older version (workers would otherwise each compute it in memory).
            ensure_evidence(data_root)
        # Load nbconvert and the template once here: forked workers inherit them.
        export.exporter()
        t0 = time.perf_counter()
        stderr_log = reports_dir / RESTRICTED / "kernels-stderr.log"
        mkdir_private(stderr_log.parent)
        os.close(os.open(stderr_log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        results = run_jobs(jobs, args.jobs, args.warm, progress=not args.no_progress, stderr_log=str(stderr_log))
        wall = time.perf_counter() - t0
        removed = remove_stale(reports_dir, args.lang, jobs, results, full, topics is None, started)
        for f in removed:
            log.info("removed stale %s", f.relative_to(reports_dir))
        n_failed = sum(r.status != "ok" for r in results)
        run_info = {
            "started": _dt.datetime.fromtimestamp(started, _dt.UTC).isoformat(timespec="seconds"),
            "wall_seconds": round(wall, 2),
            "runs": len(results),
            "failed": n_failed,
            "manifest_hash": manifest.get("manifest_hash"),
            "illustrative": bool(manifest.get("illustrative")),
            "git": git,
            "period": list(period),
            "warm": args.warm,
            "jobs": args.jobs,
        }
        state = update_state(reports_dir, results, full, args.lang, run_info)
        restrict_tree(reports_dir / RESTRICTED)
        index = write_index(reports_dir, state, notebooks)
        # "→ index.html" is printed only for an index this run wrote.
        if not index.exists() or index.stat().st_mtime < started - 1 or index.stat().st_size == 0:
            raise OSError(28, "index.html was not written", str(index))
        log.info(
            "done: %d ok, %d failed, %.1f s wall; index %s",
            len(results) - n_failed,
            n_failed,
            wall,
            reports_dir / "index.html",
        )
    finally:
        log.removeHandler(handler)
        handler.close()
    if handler.failed is not None:
        raise OSError(handler.failed.errno or 28, failure_reason(handler.failed), str(reports_dir / "run.log"))
    print(
        f"me report: {len(results) - n_failed} ok, {n_failed} failed in {wall:.1f} s "
        f"→ {reports_dir / 'index.html'} (log: {reports_dir / 'run.log'})"
    )
    for r in results:
        if r.status != "ok":
            e = r.error or {}
            print(
                f"  FAILED {r.unit} {r.stem}: {e.get('stage')} cell {e.get('cell')}: "
                f"{e.get('ename')}: {e.get('evalue')}",
                file=sys.stderr,
            )
    return 1 if n_failed else 0
