"""Issue 16, safe batch: workers die with `me report`, one reports folder lock, one clear line
and exit code 3 for an unwritable or full reports folder, `_restricted/` 0700/0600, the footer
does not print the server's absolute data root, kernels on a local IPC transport."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from test_runner import make_data_root  # the runner tests' minimal built data root

from me_utils import kernels, runner

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
SRC = str(Path(runner.__file__).resolve().parents[1])
pytestmark = pytest.mark.slow


def _env():
    return {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}


def _cmd(data, reports, *args):
    return [
        sys.executable,
        "-m",
        "me_utils.cli",
        "report",
        "--data-root",
        str(data),
        "--notebooks",
        str(FIXTURES),
        "--reports",
        str(reports),
        "--no-progress",
        *args,
    ]


def _wait_running(proc, reports: Path, n: int, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        running = list((reports / "_restricted").rglob(".*.tmp.ipynb"))
        if len(running) >= n:
            return
        time.sleep(0.2)
    raise AssertionError("the runs did not start")


def test_killed_me_report_leaves_no_worker_or_kernel_alive(tmp_path):
    data = make_data_root(tmp_path / "data")
    reports = tmp_path / "reports"
    proc = subprocess.Popen(
        _cmd(data, reports, "--units", "SL,QN,MC,TC", "--topics", "alpha", "--jobs", "2", "-p", "alpha.sleep_s=60"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        start_new_session=True,
    )
    try:
        _wait_running(proc, reports, 2)
        family = psutil.Process(proc.pid).children(recursive=True)
        kernels = [p for p in family if "ipykernel" in " ".join(p.cmdline())]
        assert len(family) >= 4 and len(kernels) >= 2  # 2 workers (+ resource tracker), 2 kernels
        os.kill(proc.pid, signal.SIGKILL)  # the main process only: kill -9 of `me report`
        proc.wait(timeout=30)
        gone, alive = psutil.wait_procs(family, timeout=20)
        assert alive == [], [(p.pid, p.cmdline()[:3]) for p in alive]
        time.sleep(1)
        assert list(reports.rglob("*.html")) == []  # no orphan went on writing reports
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        for p in psutil.process_iter():
            with contextlib.suppress(psutil.Error):
                if str(reports) in " ".join(p.cmdline()):
                    p.kill()


def test_die_with_parent_exits_when_the_parent_is_gone():
    # A worker forked just as its parent died must not start: _die_with_parent checks getppid.
    r = subprocess.run(
        [sys.executable, "-c", "from me_utils import batch; batch._die_with_parent(1); print('ran')"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 143 and "ran" not in r.stdout


def test_unwritable_reports_folder_gives_one_line_and_exit_3(tmp_path):
    data = make_data_root(tmp_path / "data")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    r = subprocess.run(
        _cmd(data, blocker / "reports", "--units", "SL", "--topics", "alpha"),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == runner.EXIT_REPORTS_FOLDER == 3
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith("me report: error: cannot write to the reports folder")
    assert "không ghi được vào thư mục báo cáo" in lines[0]
    assert "index.html" not in r.stdout


@pytest.fixture()
def tiny_fs(tmp_path):
    """A 1 MiB tmpfs mounted for the test (root and a mount-capable sandbox needed)."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_full_reports_folder_gives_one_line_and_no_index(tmp_path, tiny_fs):
    data = make_data_root(tmp_path / "data")
    fd = os.open(tiny_fs / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:  # fill the file system, then free 16 KiB: less than the 64 KiB probe
        with contextlib.suppress(OSError):
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
    os.truncate(tiny_fs / "filler", os.path.getsize(tiny_fs / "filler") - 16 * 1024)
    reports = tiny_fs / "reports"
    for _ in range(2):  # a second full-disk run must not claim an index either
        r = subprocess.run(
            _cmd(data, reports, "--units", "SL", "--topics", "alpha"),
            env=_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 3 and len(r.stderr.strip().splitlines()) == 1, r.stderr
        assert "No space left on device" in r.stderr and "index.html" not in r.stdout
        assert not (reports / "index.html").exists()


def test_oserror_mid_run_is_one_line(monkeypatch, capsys):
    def boom(args):
        raise OSError(28, "No space left on device", "/srv/reports/_restricted/runs.json")

    monkeypatch.setattr(runner, "_run", boom)
    assert runner.cli([]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "me report: error: cannot write /srv/reports/_restricted/runs.json: No space left on device; "
        "the index was not updated / không ghi được /srv/reports/_restricted/runs.json, trang mục "
        "lục không được cập nhật"
    ]


def test_log_handler_on_a_full_disk_records_instead_of_printing(capsys):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    h = runner._LogHandler("/dev/full", mode="w", encoding="utf-8")
    lg = logging.getLogger("h16-test")
    lg.addHandler(h)
    try:
        lg.error("x" * 10000)
    finally:
        lg.removeHandler(h)
        with contextlib.suppress(OSError):
            h.close()
    assert h.failed is not None and "Logging error" not in capsys.readouterr().err


def test_second_report_on_the_same_folder_is_refused(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    with runner.reports_lock(reports):
        with pytest.raises(runner.ReportsFolderError) as ei:
            with runner.reports_lock(reports):
                pass
    assert f"pid {os.getpid()}" in str(ei.value) and "another `me report`" in str(ei.value)
    with runner.reports_lock(reports):  # released
        pass


def test_batch_restricted_permissions_footer_and_ipc(tmp_path, monkeypatch):
    """One real batch: _restricted 0700/0600, the footer shows `…/data`, not the absolute path;
    a relative --reports and --data-root resolve from the current folder."""
    data = make_data_root(tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    r = subprocess.run(
        _cmd("data", "reports", "--units", "SL", "--topics", "alpha"),
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert r.returncode == 0, r.stderr
    reports = tmp_path / "reports"
    restricted = reports / "_restricted"
    modes = {
        p.relative_to(reports).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [restricted, *restricted.rglob("*")]
    }
    assert modes["_restricted"] == 0o700 and modes["_restricted/vi/SL/10_alpha.ipynb"] == 0o600
    assert {m for k, m in modes.items() if (reports / k).is_dir()} == {0o700}
    assert {m for k, m in modes.items() if (reports / k).is_file()} == {0o600}
    page = (reports / "vi" / "SL" / "10_alpha.html").read_text(encoding="utf-8")
    footer = page[page.index('<footer class="me-provenance">') :]
    assert str(data) not in footer and str(tmp_path) not in page
    # no folder of the server at all (issue 17: the footer says which data, never a path)
    assert "/data" not in footer


def test_kernels_use_ipc_sockets_in_a_private_folder():
    if runner.KERNEL_TRANSPORT != "ipc":
        pytest.skip("ipc transport not used on this platform")
    from jupyter_client import BlockingKernelClient
    from jupyter_core.utils import run_sync

    km = runner.kernel_manager_class()(kernel_name=runner.KERNEL)
    run_sync(km.start_kernel)()
    try:
        info = km.get_connection_info()
        assert info["transport"] == "ipc"
        folder = Path(info["ip"]).parent
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        kc = BlockingKernelClient()
        kc.load_connection_info(info)
        kc.start_channels(hb=False)
        kc.wait_for_ready(timeout=60)
        socks = list(folder.iterdir())  # bound by the kernel once it is ready
        assert len(socks) >= 4 and all(stat.S_ISSOCK(p.stat().st_mode) for p in socks)
        reply = kc.execute_interactive("x = 6 * 7", timeout=30)
        assert reply["content"]["status"] == "ok"
        kc.stop_channels()
        # The five channels are those Unix sockets; no kernel port is reachable from another
        # machine. (ipykernel keeps internal loopback-only pipes — subprocess output, debugger —
        # guarded by random tokens; those are not the protocol ports the issue is about.)
        names = {p.name for p in socks}
        for ch in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"):
            assert f"{Path(info['ip']).name}-{info[ch]}" in names
        pid = km.provisioner.process.pid
        listening = [c for c in psutil.Process(pid).net_connections(kind="inet") if c.status == psutil.CONN_LISTEN]
        assert all(c.laddr.ip in ("127.0.0.1", "::1") for c in listening)
        assert not {c.laddr.port for c in listening} & {info[ch] for ch in ("shell_port", "iopub_port")}
    finally:
        run_sync(km.shutdown_kernel)(now=True)
        kernels.remove_ipc_dir()


def test_socket_folders_of_dead_workers_are_swept(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f"me-kernels-{dead.pid}-abc"
    live = tmp_path / f"me-kernels-{os.getpid()}-def"
    other = tmp_path / "me-kernels-notapid"
    for d in (stale, live, other):
        d.mkdir()
    monkeypatch.setattr(kernels, "_IPC_DIR", None)
    made = Path(kernels._ipc_dir())
    try:
        assert not stale.exists() and live.exists() and other.exists()
        assert made.parent == tmp_path and made.name.startswith(f"me-kernels-{os.getpid()}-")
        assert stat.S_IMODE(made.stat().st_mode) == 0o700
    finally:
        kernels.remove_ipc_dir()


@pytest.mark.parametrize("text", ['{"manifest_hash": ', "[1]", "\xff"])
def test_unreadable_manifest_is_one_line_and_exit_2(tmp_path, capsys, text):
    data = make_data_root(tmp_path / "data")
    (data / "processed" / "manifest.json").write_bytes(text.encode("latin-1"))
    rc = runner.cli(["--data-root", str(data), "--notebooks", str(FIXTURES), "--reports", str(tmp_path / "r")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) == 1 and "manifest.json" in err[0] and "me build" in err[0], err
    assert not (tmp_path / "r").exists()  # nothing written before the data root was understood
