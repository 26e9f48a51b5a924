"""The batch of ``me report`` (:mod:`me_utils.runner`): worker processes that execute the
planned runs (papermill, per-cell timeout, warm or fresh kernels from :mod:`me_utils.kernels`),
export each executed notebook to HTML (+PDF), record every failure with unit, cell and error,
and die with their parent; the parent side hands out the jobs and replaces dead workers.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import logging
import multiprocessing as mp
import os
import queue
import shutil
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from me_utils import __version__
from me_utils.core import paths
from me_utils.core.errors import SHORT_LIMIT, short_message
from me_utils.kernels import KERNEL, START_TIMEOUT, WarmKernel, kernel_manager_class, register_engine, remove_ipc_dir
from me_utils.render import export
from me_utils.render.pdf import print_pdf

# The runner's logger: ``me report`` attaches its run.log handler to it.
log = logging.getLogger("me_utils.runner")


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


#: Longest error message kept in the state file and the index (characters).
EVALUE_MAX = SHORT_LIMIT


def short_error(msg) -> str:
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
        "evalue": short_error(exc),
    }
    for attr in ("exec_count", "source", "ename", "evalue"):
        v = getattr(exc, attr, None)
        if v is not None:
            info[attr] = short_error(v) if attr == "evalue" else str(v)[:500] if attr == "source" else v
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
    mkdir_private(nb_final.parent)
    tmp_nb = nb_final.parent / f".{nb_final.stem}.{os.getpid()}.tmp.ipynb"
    # The input notebook stands in the run's place until papermill writes the executed one at
    # the end: a run in progress is visible in the restricted folder.
    shutil.copyfile(job.notebook, tmp_nb)
    os.chmod(tmp_nb, 0o600)
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
        # papermill otherwise rewrites the whole output notebook (every image in base64) at the
        # start and end of each cell: 20–30 writes per run, 0.4–1 s of the worker's time.
        # The executed notebook is written once at the end, and on a failure before raising.
        request_save_on_cell_execute=False,
    )
    register_engine()
    if kernel is None:
        kw.update(engine_name="me_fresh", kernel_manager_class=kernel_manager_class())
    try:
        if kernel is not None:
            kernel.reset()
            kw.update(engine_name="me_warm", km=kernel.km)
            kernel.runs += 1
        nb_out = papermill.execute_notebook(job.notebook, str(tmp_nb), **kw)
    except Exception as exc:  # any failure of one run is recorded, never fatal to the batch
        need_restart = True
        nb_out = getattr(exc, "me_partial_nb", None)
        if nb_out is None:
            try:
                nb_out = nbformat.read(tmp_nb, as_version=4) if tmp_nb.exists() else None
            except Exception:
                nb_out = None
        else:
            # The executed part is the run's log: kept (restricted) like a finished notebook.
            nbformat.write(nb_out, str(tmp_nb))
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
                "evalue": short_error(exc),
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


def mkdir_private(folder: Path) -> None:
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
                        "evalue": short_error(exc),
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
        remove_ipc_dir()


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
