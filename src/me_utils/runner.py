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

Warm kernels (``--warm``, the default when the identity test passes): each worker keeps one
kernel and resets it between runs (``%reset -f``, matplotlib rcParams, warnings registry,
working directory, execution counter) instead of paying kernel start-up and library imports
for every run. Any failure restarts the worker's kernel, so a broken state never leaks into
the next run.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import ctypes
import datetime as _dt
import json
import logging
import multiprocessing as mp
import os
import queue
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from me_utils import __version__
from me_utils.core import errors as _errors
from me_utils.core import paths
from me_utils.core.errors import SHORT_LIMIT, short_message
from me_utils.evidence.base import ensure_evidence
from me_utils.reference.units import REFORM_DATE, load_units
from me_utils.render import export
from me_utils.render.export import (
    MAX_REPORT_BYTES,  # noqa: F401 (import check: export must load)
    atomic_write_text,
)
from me_utils.render.index import write_index
from me_utils.render.pdf import print_pdf
from me_utils.reports import notebook

log = logging.getLogger("me_utils.runner")

BASE_PARAMS = ("unit", "period_start", "period_end", "lang", "data_root")
PROVINCE = "SL"
# Topics whose notebooks have been run for commune units (2026 on); the others stay
# province-only for a commune phase until they handle commune codes (GBV: its register and
# suppression cube are by district, see gbv.DISTRICTS).
COMMUNE_TOPICS = ("scorecard", "leadership")
KERNEL = "python3"
START_TIMEOUT = 120
DEFAULT_CELL_TIMEOUT = 600
RESTRICTED = "_restricted"
STATE_FILE = "runs.json"
LOCK_FILE = ".report.lock"
#: Exit code when the reports folder cannot be written (permissions, full disk) or another
#: ``me report`` is writing to it.
EXIT_REPORTS_FOLDER = 3
#: Kernels talk to their worker over Unix sockets in a private folder rather than TCP ports
#: of the machine (unencrypted, reachable by every local user); ``ME_KERNEL_TRANSPORT=tcp``
#: restores TCP. Windows has no ipc transport in ZeroMQ.
KERNEL_TRANSPORT = "ipc" if os.name == "posix" and os.environ.get("ME_KERNEL_TRANSPORT", "ipc") != "tcp" else "tcp"


class UsageError(_errors.UsageError):
    """Bad command-line input or notebook declaration; the CLI prints it and exits with 2."""


class ReportsFolderError(_errors.ReportError):
    """The reports folder cannot be written or is locked; the CLI prints one line and exits
    with :data:`EXIT_REPORTS_FOLDER`."""


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


@dataclass
class Job:
    """One notebook × unit run, with everything a worker needs (picklable)."""

    id: int
    notebook: str
    stem: str
    topic: str
    unit: str
    lang: str
    title: str
    params: dict
    html_path: str
    nb_path: str
    cwd: str
    timeout: int
    pdf: bool
    illustrative: bool
    manifest_hash: str | None
    git: str | None
    max_bytes: int


@dataclass
class Result:
    """Outcome of a :class:`Job`: ``status`` ``ok`` or ``failed``; ``error`` (dict with
    ``stage``, ``cell``, ``exec_count``, ``source``, ``ename``, ``evalue``) when failed."""

    id: int
    stem: str
    topic: str
    unit: str
    lang: str
    title: str
    status: str
    seconds: float
    html: str | None = None
    pdf: str | None = None
    bytes: int = 0
    error: dict | None = None
    warnings: list = field(default_factory=list)
    worker: int = 0
    finished_at: str = ""


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


# --------------------------------------------------------------------------- execution (worker side)

_RESET_CODE = r"""
def __me_reset():
    import gc, os, sys, warnings
    st = sys.modules.get("__me_warm_state__")
    ip = get_ipython()
    ip.run_line_magic("reset", "-f")
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.pyplot as plt
        plt.close("all")
    if st is not None:
        if "matplotlib" in sys.modules and st.rc is not None:
            import matplotlib
            matplotlib.rcParams.update(st.rc)
        warnings.filters[:] = st.filters
        os.chdir(st.cwd)
    warnings._filters_mutated()  # invalidate every module's "already warned" registry
    ip.execution_count = 1
    gc.collect()
__me_reset()  # "%reset -f" inside also removes the function itself from the namespace
"""

# Snapshot taken once after the kernel starts and has imported ``me_utils.reports.notebook`` — the
# module every report notebook calls first (CONTRACTS "Notebooks"), which sets the house
# matplotlib backend — so each run starts from the state a fresh kernel reaches at that call.
_SETUP_CODE = r"""
def __me_setup():
    import os, sys, types, warnings
    st = types.ModuleType("__me_warm_state__")
    st.cwd = os.getcwd()
    try:
        import me_utils.reports.notebook  # noqa: F401  (pandas, matplotlib with the house backend)
    except ImportError:
        pass
    st.filters = list(warnings.filters)
    try:
        import matplotlib
        import matplotlib.pyplot  # noqa: F401
        st.rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
    except ImportError:
        st.rc = None
    sys.modules["__me_warm_state__"] = st
__me_setup()
del __me_setup
"""


_KM_CLASS = None
_IPC_DIR: str | None = None


def kernel_manager_class():
    """The kernel manager class for every kernel the runner starts: jupyter_client's
    ``AsyncKernelManager`` on :data:`KERNEL_TRANSPORT`. With ``ipc`` the sockets live in a
    0700 folder of this process (``/tmp/me-kernels-*``), removed by :func:`_remove_ipc_dir`."""
    global _KM_CLASS
    if _KM_CLASS is None:
        from jupyter_client import AsyncKernelManager

        class MeKernelManager(AsyncKernelManager):
            def __init__(self, **kwargs):
                if KERNEL_TRANSPORT == "ipc":
                    kwargs.setdefault("transport", "ipc")
                    kwargs.setdefault("ip", os.path.join(_ipc_dir(), "k-" + uuid.uuid4().hex[:12]))
                super().__init__(**kwargs)

        _KM_CLASS = MeKernelManager
    return _KM_CLASS


def _ipc_dir() -> str:
    global _IPC_DIR
    if _IPC_DIR is None or not os.path.isdir(_IPC_DIR):
        _sweep_ipc_dirs()
        _IPC_DIR = tempfile.mkdtemp(prefix=f"me-kernels-{os.getpid()}-")  # mode 0700
    return _IPC_DIR


def _sweep_ipc_dirs() -> None:
    """Remove socket folders of workers that no longer exist (a ``kill -9`` of the whole
    process group gives no worker the chance to clean up)."""
    for d in Path(tempfile.gettempdir()).glob("me-kernels-*-*"):
        try:
            pid = int(d.name.split("-")[2])
            if d.stat().st_uid != os.getuid():
                continue
            os.kill(pid, 0)  # raises when no such process
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (ValueError, IndexError, OSError):
            continue


def _remove_ipc_dir() -> None:
    global _IPC_DIR
    if _IPC_DIR is not None:
        shutil.rmtree(_IPC_DIR, ignore_errors=True)
        _IPC_DIR = None


class WarmKernel:
    """One long-lived ``python3`` kernel reset between runs (see module docstring)."""

    def __init__(self, cwd: str, start_timeout: int = START_TIMEOUT):
        from jupyter_client import BlockingKernelClient
        from jupyter_core.utils import run_sync

        self.cwd = cwd
        self._sync = run_sync
        # An async manager, as nbclient creates for fresh kernels: with a blocking client
        # nbclient's output polling blocks its event loop and the per-cell timeout never fires.
        self.km = kernel_manager_class()(kernel_name=KERNEL)
        # nbclient gives fresh kernels an in-memory history; do the same so runs match.
        run_sync(self.km.start_kernel)(cwd=cwd, extra_arguments=["--HistoryManager.hist_file=:memory:"])
        # A separate blocking client, only for the silent set-up/reset code between runs.
        self.kc = BlockingKernelClient()
        self.kc.load_connection_info(self.km.get_connection_info())
        # No heartbeat channel: without a manager the client would take a heartbeat that has
        # not beaten yet for a dead kernel; liveness is checked through the manager instead.
        self.kc.start_channels(hb=False)
        self.kc.wait_for_ready(timeout=start_timeout)
        self._run(_SETUP_CODE)
        self.runs = 0

    def _run(self, code: str, timeout: int = 120) -> None:
        reply = self.kc.execute_interactive(
            code, silent=True, store_history=False, timeout=timeout, output_hook=lambda msg: None, allow_stdin=False
        )
        if reply["content"].get("status") != "ok":
            raise RuntimeError(
                f"warm kernel reset failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}"
            )

    def reset(self) -> None:
        self._run(_RESET_CODE)

    def alive(self) -> bool:
        return bool(self._sync(self.km.is_alive)())

    def close(self) -> None:
        try:
            self.kc.stop_channels()
        finally:
            if self.km.has_kernel:
                self._sync(self.km.shutdown_kernel)(now=True)


_ENGINE_REGISTERED = False


def _register_engine() -> None:
    """Register papermill engine ``me_warm``: papermill's nbclient engine run on a given,
    already started kernel manager, closing its client channels afterwards."""
    global _ENGINE_REGISTERED
    if _ENGINE_REGISTERED:
        return
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man,
            kernel_name,
            log_output=False,
            stdout_file=None,
            stderr_file=None,
            start_timeout=60,
            execution_timeout=None,
            **kwargs,
        ):
            kwargs = remove_args(["input_path"], **kwargs)
            safe = remove_args(["timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(
                safe,
                timeout=execution_timeout or kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logging.getLogger("papermill"),
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            client = PapermillNotebookClient(nb_man, **final)
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register("me_warm", WarmEngine)
    _ENGINE_REGISTERED = True


#: Longest error message kept in the state file and the index (characters).
EVALUE_MAX = SHORT_LIMIT


def _short_message(msg) -> str:
    """First line of an error message, at most :data:`EVALUE_MAX` characters
    (:func:`me_utils.core.errors.short_message`; only this reaches the state file, the index page
    and the console: later lines can carry row-level data)."""
    return short_message(msg, EVALUE_MAX, with_name=False)


def _error_info(exc: BaseException, nb_out) -> dict:
    """Which cell failed and how, from a papermill/nbclient exception and the output notebook.

    ``cell`` is the 1-based number of the code cell as the author sees the notebook (the
    injected-parameters cell not counted): the cell with an error output, else (timeout,
    dead kernel) the last cell that started executing.
    """
    info = {
        "stage": "execute",
        "cell": None,
        "exec_count": None,
        "source": "",
        "ename": type(exc).__name__,
        "evalue": _short_message(exc),
    }
    for attr in ("exec_count", "source", "ename", "evalue"):
        v = getattr(exc, attr, None)
        if v is not None:
            info[attr] = _short_message(v) if attr == "evalue" else str(v)[:500] if attr == "source" else v
    if nb_out is not None:
        code_no, failed_at, started_at = 0, None, None
        for cell in nb_out.cells:
            if cell.cell_type != "code":
                continue
            if "injected-parameters" not in cell.metadata.get("tags", []):
                code_no += 1
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                failed_at = (code_no, cell.source)
                break
            if cell.metadata.get("papermill", {}).get("start_time"):
                started_at = (code_no, cell.source)
        hit = failed_at or started_at
        if hit:
            info["cell"] = hit[0]
            if not info["source"]:
                info["source"] = hit[1][:500]
    if info["source"]:
        lines = info["source"].strip().splitlines()
        info["source"] = "\n".join(lines[:4]) + ("\n…" if len(lines) > 4 else "")
    return info


def execute_job(job: Job, kernel: WarmKernel | None) -> tuple[Result, bool]:
    """Run one job: execute, save the executed notebook (restricted), export HTML (+PDF).

    Returns the :class:`Result` and whether the warm kernel must be restarted.
    """
    import nbformat
    import papermill

    res = Result(job.id, job.stem, job.topic, job.unit, job.lang, job.title, "failed", 0.0)
    nb_final = Path(job.nb_path)
    _mkdir_private(nb_final.parent)
    tmp_nb = nb_final.parent / f".{nb_final.stem}.{os.getpid()}.tmp.ipynb"
    t0 = time.perf_counter()
    run_at = _dt.datetime.now(_dt.UTC)
    need_restart = False
    nb_out = None
    kw = dict(
        parameters=job.params,
        kernel_name=KERNEL,
        progress_bar=False,
        log_output=False,
        cwd=job.cwd,
        execution_timeout=job.timeout,
        start_timeout=START_TIMEOUT,
        shutdown_kernel="immediate",
    )
    if kernel is None:
        kw["kernel_manager_class"] = kernel_manager_class()
    try:
        if kernel is not None:
            _register_engine()
            kernel.reset()
            kw.update(engine_name="me_warm", km=kernel.km)
            kernel.runs += 1
        nb_out = papermill.execute_notebook(job.notebook, str(tmp_nb), **kw)
    except Exception as exc:  # any failure of one run is recorded, never fatal to the batch
        need_restart = True
        try:
            nb_out = nbformat.read(tmp_nb, as_version=4) if tmp_nb.exists() else None
        except Exception:
            nb_out = None
        res.error = _error_info(exc, nb_out)
    res.seconds = time.perf_counter() - t0
    if tmp_nb.exists():
        # The executed notebook is the run's log, kept (restricted) for failures too.
        os.chmod(tmp_nb, 0o600)
        os.replace(tmp_nb, nb_final)
    html_path = Path(job.html_path)
    pdf_path = html_path.with_suffix(".pdf")
    if res.error is None:
        try:
            prov = export.Provenance(
                job.manifest_hash, __version__, job.git, _public_params(job.params), res.seconds, run_at
            )
            res.bytes = export.export_html(
                nb_out,
                html_path,
                title=job.title,
                lang=job.lang,
                provenance=prov,
                illustrative=job.illustrative,
                max_bytes=job.max_bytes,
            )
            if res.bytes > export.WARN_SHARE * job.max_bytes:
                res.warnings.append(f"HTML {res.bytes / 1e6:.2f} MB is near the {job.max_bytes / 1e6:.1f} MB budget")
            res.html = str(html_path)
            res.status = "ok"
        except Exception as exc:
            res.error = {
                "stage": "export",
                "cell": None,
                "exec_count": None,
                "source": "",
                "ename": type(exc).__name__,
                "evalue": _short_message(exc),
            }
    if res.status == "ok" and job.pdf:
        try:
            print_pdf(html_path, pdf_path)
            res.pdf = str(pdf_path)
        except Exception as exc:
            res.warnings.append(f"PDF failed: {type(exc).__name__}: {exc}")
    if res.status != "ok":
        # A report that failed this time must not survive from an earlier run: its figures
        # would not match the current data. The index lists the failure instead.
        for p in (html_path, pdf_path):
            if p.exists():
                p.unlink()
    res.finished_at = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
    return res, need_restart


def _public_params(params: dict) -> dict:
    """Parameters as the footer shows them: folders relative to the project when inside it,
    else only their last component after ``…/`` — a page that travels must not tell the
    server's folder layout."""
    root = paths.project_root()
    out = {}
    for k, v in params.items():
        if k in ("data_root", "output_dir") and isinstance(v, str) and v:
            p = Path(v).resolve()
            try:
                v = p.relative_to(root).as_posix() or "."
            except ValueError:
                v = "…/" + p.name
        out[k] = v
    return out


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int | None) -> None:
    """Ask the kernel to send this process SIGTERM when its parent dies (Linux
    ``prctl(PR_SET_PDEATHSIG)``), so a ``kill -9`` of ``me report`` cannot leave workers
    writing reports that no index lists; exit at once if the parent is already gone. The
    SIGTERM handler closes the worker's kernel; kernels also watch their parent
    (``JPY_PARENT_PID``) and exit within a second of the worker."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - exotic libc
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(143)


def _mkdir_private(folder: Path) -> None:
    """Create ``folder`` and its missing parents with mode 0700 (``mkdir(parents=True)`` gives
    parents the umask's mode)."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:
            pass
        os.chmod(d, 0o700)


def restrict_tree(folder: Path) -> None:
    """``reports/_restricted``: folders 0700, files 0600 (executed notebooks hold row-level
    outputs, the state file and kernel log too)."""
    if not folder.exists():
        return
    os.chmod(folder, 0o700)
    for dirpath, dirnames, filenames in os.walk(folder):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o700)
        for f in filenames:
            fp = os.path.join(dirpath, f)
            if not os.path.islink(fp):
                os.chmod(fp, 0o600)


def _worker(
    wid: int, warm: bool, cwd: str, jobs_q, results_q, stderr_log: str | None = None, parent_pid: int | None = None
) -> None:
    """Worker process loop: take jobs until the ``None`` sentinel, send results back.

    ``stderr_log``: file that receives this worker's and its kernels' stderr (kernel
    start-up chatter would otherwise garble the progress bar). ``parent_pid``: the batch
    process; the worker ends when it dies (:func:`_die_with_parent`).
    """
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it sends SIGTERM
    if stderr_log:
        fd = os.open(stderr_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(fd, 2)
        os.close(fd)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    logging.getLogger("papermill").setLevel(logging.ERROR)
    kernel = None
    try:
        while True:
            job = jobs_q.get()
            if job is None:
                break
            results_q.put(("start", wid, job.id, os.getpid()))
            if warm and kernel is None:
                try:
                    kernel = WarmKernel(cwd)
                except Exception as exc:  # fall back to a fresh kernel per run
                    results_q.put(("note", wid, f"warm kernel failed to start ({exc}); fresh kernels"))
                    warm = False
            try:
                res, restart = execute_job(job, kernel)
            except Exception as exc:
                res = Result(
                    job.id,
                    job.stem,
                    job.topic,
                    job.unit,
                    job.lang,
                    job.title,
                    "failed",
                    0.0,
                    error={
                        "stage": "runner",
                        "cell": None,
                        "exec_count": None,
                        "source": "",
                        "ename": type(exc).__name__,
                        "evalue": _short_message(exc),
                    },
                )
                restart = True
                results_q.put(("note", wid, traceback.format_exc()))
            res.worker = wid
            if kernel is not None and (restart or not kernel.alive()):
                kernel.close()
                kernel = None
            results_q.put(("done", wid, res))
    finally:
        if kernel is not None:
            kernel.close()
        _remove_ipc_dir()


# --------------------------------------------------------------------------- batch (parent side)


def run_jobs(
    jobs: list[Job], n_workers: int, warm: bool, progress: bool = True, stderr_log: str | None = None
) -> list[Result]:
    """Run ``jobs`` on ``n_workers`` processes; return results in job order.

    A worker that dies (killed, out of memory) has its running job recorded as failed and is
    replaced, so the batch always completes.
    """
    from tqdm import tqdm

    if not jobs:
        return []
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    jobs_q, results_q = ctx.Queue(), ctx.Queue()
    for j in jobs:
        jobs_q.put(j)
    n_workers = max(1, min(n_workers, len(jobs)))
    cwd = jobs[0].cwd
    workers: dict[int, mp.Process] = {}

    def spawn(wid: int) -> None:
        p = ctx.Process(target=_worker, args=(wid, warm, cwd, jobs_q, results_q, stderr_log, os.getpid()), daemon=False)
        p.start()
        workers[wid] = p

    for wid in range(n_workers):
        spawn(wid)
    for _ in range(n_workers):
        jobs_q.put(None)
    running: dict[int, int] = {}
    results: dict[int, Result] = {}
    by_id = {j.id: j for j in jobs}
    bar = tqdm(total=len(jobs), desc="reports", unit="run", disable=not progress, file=sys.stderr)
    next_wid = n_workers
    interrupted = False

    def on_term(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    # A scheduler's SIGTERM must stop the workers (and their kernels) too, not orphan them.
    try:
        old_term = signal.signal(signal.SIGTERM, on_term)
    except ValueError:  # not the main thread: leave signals alone
        old_term = None
    try:
        while len(results) < len(jobs):
            try:
                msg = results_q.get(timeout=1.0)
            except queue.Empty:
                for wid, p in list(workers.items()):
                    if not p.is_alive():
                        del workers[wid]
                        if wid in running:
                            jid = running.pop(wid)
                            j = by_id[jid]
                            results[jid] = Result(
                                j.id,
                                j.stem,
                                j.topic,
                                j.unit,
                                j.lang,
                                j.title,
                                "failed",
                                0.0,
                                error={
                                    "stage": "worker",
                                    "cell": None,
                                    "exec_count": None,
                                    "source": "",
                                    "ename": "WorkerDied",
                                    "evalue": f"worker exit code {p.exitcode}",
                                },
                            )
                            log.error("worker %s died (exit %s) running %s/%s", wid, p.exitcode, j.unit, j.stem)
                            bar.update(1)
                        if len(results) + len(running) < len(jobs):
                            spawn(next_wid)
                            jobs_q.put(None)
                            next_wid += 1
                continue
            kind = msg[0]
            if kind == "start":
                running[msg[1]] = msg[2]
            elif kind == "note":
                log.warning("worker %s: %s", msg[1], msg[2])
            elif kind == "done":
                res: Result = msg[2]
                running.pop(msg[1], None)
                results[res.id] = res
                if res.status == "ok":
                    log.info(
                        "ok     %-5s %-28s %6.1f s  %7.0f kB  worker %s",
                        res.unit,
                        res.stem,
                        res.seconds,
                        res.bytes / 1024,
                        res.worker,
                    )
                else:
                    e = res.error or {}
                    log.error(
                        "FAILED %-5s %-28s %6.1f s  %s at %s cell %s: %s: %s",
                        res.unit,
                        res.stem,
                        res.seconds,
                        e.get("stage"),
                        res.stem,
                        e.get("cell"),
                        e.get("ename"),
                        e.get("evalue"),
                    )
                for w in res.warnings:
                    log.warning("%s/%s: %s", res.unit, res.stem, w)
                bar.update(1)
    except BaseException:
        interrupted = True
        log.error("interrupted: stopping the workers; reports already written are complete")
        raise
    finally:
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
        bar.close()
        if interrupted:
            for p in workers.values():
                p.terminate()  # workers exit through their SIGTERM handler, closing kernels
        for p in workers.values():
            p.join(timeout=30)
        for p in workers.values():
            if p.is_alive():
                p.terminate()
                p.join(timeout=10)
    return [results[j.id] for j in jobs]


# --------------------------------------------------------------------------- outputs


def _clean_tmp(reports_dir: Path) -> None:
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


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return _short_message(exc) or type(exc).__name__


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
        _mkdir_private(reports_dir / RESTRICTED)
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
            f"cannot write to the reports folder {reports_dir}: {_reason(exc)} / "
            f"không ghi được vào thư mục báo cáo {reports_dir}"
        ) from None


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
    except OSError as exc:  # full disk or lost permission mid-run: one line, no traceback
        where = getattr(exc, "filename", None) or "the reports folder"
        print(
            f"me report: error: cannot write {where}: {_reason(exc)}; the index was not updated / "
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
    manifest = notebook.read_manifest(data_root)
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
        _clean_tmp(reports_dir)
        if manifest:
            # Every report reads the evidence base; build it once here when `me build` was run
            # by an older version (workers would otherwise each compute it in memory).
            ensure_evidence(data_root)
        # Load nbconvert and the template once here: forked workers inherit them.
        export.exporter()
        t0 = time.perf_counter()
        stderr_log = reports_dir / RESTRICTED / "kernels-stderr.log"
        _mkdir_private(stderr_log.parent)
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
        raise OSError(handler.failed.errno or 28, _reason(handler.failed), str(reports_dir / "run.log"))
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


# --------------------------------------------------------------------------- identity checks

_KERNEL_TMP = re.compile(r"/tmp/ipykernel_\d+/")
_FOOTER = re.compile(r'<footer class="me-provenance">.*?</footer>', re.S)
_CELL_ID = re.compile(r'id="cell-id=[^"]*"')


def comparable_outputs(nb) -> list:
    """The outputs of an executed notebook with what legitimately differs between two fresh
    runs removed (execution timings in metadata, the kernel process id in warning paths), for
    proving warm-kernel runs identical to fresh-kernel runs."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.get("outputs", []):
            o = dict(o)
            if "text" in o:
                o["text"] = _KERNEL_TMP.sub("/tmp/ipykernel_PID/", o["text"])
            if "traceback" in o:
                o["traceback"] = [_KERNEL_TMP.sub("/tmp/ipykernel_PID/", t) for t in o["traceback"]]
            outs.append(o)
        injected = "injected-parameters" in cell.metadata.get("tags", [])
        out.append(("<injected parameters>" if injected else cell.source, cell.execution_count, outs))
    return out


def comparable_html(page: str) -> str:
    """A report page without its provenance footer (run time and date differ by nature)
    and with kernel process ids and cell ids normalised (papermill gives the injected cell a
    random id; regenerating a notebook gives every cell a new one)."""
    page = _CELL_ID.sub('id="cell-id=X"', _FOOTER.sub("", page))
    return _KERNEL_TMP.sub("/tmp/ipykernel_PID/", page)
