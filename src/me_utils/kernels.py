"""Warm kernels for ``me report`` (:mod:`me_utils.runner`): the kernel manager every run uses
(Unix sockets in a private folder, or TCP), one long-lived kernel per worker reset between runs,
the papermill engine that runs a notebook on it, and the checks that prove a warm run equal to
a fresh one.

Warm kernels (``--warm``, the default when the identity test passes): each worker keeps one
kernel and resets it between runs (``%reset -f``, matplotlib rcParams, warnings registry,
working directory, execution counter) instead of paying kernel start-up and library imports
for every run. Any failure restarts the worker's kernel, so a broken state never leaks into
the next run.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

KERNEL = "python3"
START_TIMEOUT = 120
#: Kernels talk to their worker over Unix sockets in a private folder rather than TCP ports
#: of the machine (unencrypted, reachable by every local user); ``ME_KERNEL_TRANSPORT=tcp``
#: restores TCP. Windows has no ipc transport in ZeroMQ.
KERNEL_TRANSPORT = "ipc" if os.name == "posix" and os.environ.get("ME_KERNEL_TRANSPORT", "ipc") != "tcp" else "tcp"


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
    # Collect the last run's garbage, then move what survives (libraries, module caches) out of
    # the collector's sight: a full collection over pandas/statsmodels/matplotlib took ~0.45 s
    # of every reset; after freezing, only a run's own objects are scanned.
    gc.collect()
    gc.freeze()
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
    0700 folder of this process (``/tmp/me-kernels-*``), removed by :func:`remove_ipc_dir`."""
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


def remove_ipc_dir() -> None:
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


def register_engine() -> None:
    """Register papermill engines ``me_warm`` (papermill's nbclient engine run on a given,
    already started kernel manager, closing its client channels afterwards) and ``me_fresh``
    (papermill's own engine). Both attach the partly executed notebook to an exception
    (``exc.me_partial_nb``): runs save the executed notebook once at the end instead of at
    every cell, and a failure still names its cell from that notebook."""
    global _ENGINE_REGISTERED
    if _ENGINE_REGISTERED:
        return
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    class FreshEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except BaseException as exc:
                exc.me_partial_nb = nb_man.nb
                raise

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
            except BaseException as exc:
                exc.me_partial_nb = nb_man.nb
                raise
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    papermill_engines.register("me_warm", WarmEngine)
    papermill_engines.register("me_fresh", FreshEngine)
    _ENGINE_REGISTERED = True


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
