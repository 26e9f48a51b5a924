"""`me report` end to end on the small fixture notebooks (tests/fixtures/notebooks).

Each batch runs in a subprocess, as `make report` does. Fixture notebook 10_alpha fails on
purpose for the unit given by `-p alpha.fail_unit=…` and sleeps `sleep_s` for `slow_unit`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from me_utils import __version__, runner
from me_utils import batch as batch_mod
from me_utils.render.export import external_references

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
MANIFEST_HASH = "f00dfeed" * 8

pytestmark = pytest.mark.slow


def me_report(*args, reports, data_root, notebooks=FIXTURES, timeout=300):
    cmd = [
        sys.executable,
        "-m",
        "me_utils.cli",
        "report",
        "--data-root",
        str(data_root),
        "--notebooks",
        str(notebooks),
        "--reports",
        str(reports),
        "--no-progress",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def make_data_root(path: Path, illustrative=True) -> Path:
    (path / "processed").mkdir(parents=True)
    (path / "processed" / "manifest.json").write_text(
        json.dumps({"illustrative": illustrative, "manifest_hash": MANIFEST_HASH, "inputs": []}), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch: alpha for SL, QN, MC (MC fails on purpose) and beta for SL, 2 workers."""
    base = tmp_path_factory.mktemp("batch")
    data = make_data_root(base / "data")
    reports = base / "reports"
    proc = me_report("--units", "SL,QN,MC", "-p", "alpha.fail_unit=MC", "--jobs", "2", reports=reports, data_root=data)
    return proc, reports


def test_failing_unit_is_isolated_and_exit_code_is_1(batch):
    proc, reports = batch
    assert proc.returncode == 1, proc.stderr
    for unit, stem in (("SL", "10_alpha"), ("QN", "10_alpha"), ("SL", "20_beta")):
        page = (reports / "vi" / unit / f"{stem}.html").read_text(encoding="utf-8")
        assert page.rstrip().endswith("</html>")
    assert not (reports / "vi" / "MC" / "10_alpha.html").exists()
    # The failure names unit, cell and error — on the console, in the log and in the index.
    assert "FAILED MC 10_alpha: execute cell 3: RuntimeError: deliberate failure for MC" in proc.stderr
    log = (reports / "run.log").read_text(encoding="utf-8")
    assert re.search(r"FAILED MC\s+10_alpha.*cell 3: RuntimeError: deliberate failure for MC", log)
    assert len(re.findall(r"\bok\s+(SL|QN)\s", log)) == 3
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "deliberate failure for MC" in index and "raise RuntimeError" in index
    state = json.loads((reports / "_restricted" / "runs.json").read_text(encoding="utf-8"))
    rec = state["runs"]["vi/MC/10_alpha"]
    assert rec["status"] == "failed" and rec["error"]["cell"] == 3 and rec["error"]["ename"] == "RuntimeError"
    # The failed run's executed notebook is kept as its log, in the restricted folder only.
    assert (reports / "_restricted" / "vi" / "MC" / "10_alpha.ipynb").exists()


def test_html_is_offline_code_free_and_carries_provenance(batch):
    _, reports = batch
    pages = sorted((reports / "vi").rglob("*.html"))
    assert len(pages) == 3
    for p in pages:
        page = p.read_text(encoding="utf-8")
        assert external_references(page) == [], p
        assert not re.search(r"<(script|link|img)[^>]+(src|href)\s*=\s*[\"']?https?:", page, re.I)
        assert '<html lang="vi">' in page
        assert "Dữ liệu minh họa / Illustrative data" in page.split("<main>")[0]  # banner in the header
        footer = page.split('<footer class="me-provenance">')[1]
        assert MANIFEST_HASH in footer and __version__ in footer and "Thông tin kỹ thuật" in footer
        assert "Giai đoạn: 2021–2025" in footer and "Thời gian chạy" in footer
        # No code: the source of the parameters cell and of code cells is not on the page.
        assert "sleep_s: float" not in page and "import matplotlib" not in page
    alpha = (reports / "vi" / "SL" / "10_alpha.html").read_text(encoding="utf-8")
    toc = alpha.split('<nav class="me-toc"')[1].split("</nav>")[0]
    assert [t for t in re.findall(r">([^<>]+)</a>", toc)] == ["Alpha — SL", "Phần một", "Chi tiết", "Phần hai"]
    assert alpha.count('src="data:image/png;base64,') == 1


def test_restricted_notebooks_are_not_linked(batch):
    _, reports = batch
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert "_restricted" not in index and ".ipynb" not in index
    hrefs = re.findall(r'href="([^"]+)"', index)
    assert sorted(hrefs) == ["vi/QN/10_alpha.html", "vi/SL/10_alpha.html", "vi/SL/20_beta.html"]
    assert (reports / "_restricted" / "vi" / "SL" / "10_alpha.ipynb").exists()
    # side file written through output_dir next to its report
    assert (reports / "vi" / "SL" / "beta_side.csv").read_text() == "a,b\n1,2\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["-p", "alpha.no_such_param=1"], "unknown parameter 'no_such_param'"),
        (["-p", "alpha.sleep_s='slow'"], "parameter 'sleep_s' must be float, got str"),
        (["-p", "fail_unit=MC"], "20_beta.ipynb: unknown parameter 'fail_unit'"),  # beta lacks it
        (["-p", "alpha.fail_unit=3"], "parameter 'fail_unit' must be str, got int"),
        (["--units", "SL,XX"], "unknown unit code(s) XX"),
        (["--period", "2025-2021"], "start year after end year"),
    ],
)
def test_bad_parameters_refused_before_anything_runs(tmp_path, capsys, args, message):
    # In-process: validation happens before any worker or kernel exists.
    data = make_data_root(tmp_path / "data")
    reports = tmp_path / "reports"
    code = runner.cli(
        ["--data-root", str(data), "--notebooks", str(FIXTURES), "--reports", str(reports), "--no-progress", *args]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not reports.exists()  # nothing executed, nothing written


def test_cli_process_exits_2_on_unknown_parameter(tmp_path):
    data = make_data_root(tmp_path / "data")
    proc = me_report("-p", "alpha.untis=1", reports=tmp_path / "reports", data_root=data)
    assert proc.returncode == 2 and "unknown parameter 'untis'" in proc.stderr
    assert not (tmp_path / "reports").exists()


def test_check_params_types():
    nb = runner.ReportNotebook(
        Path("x.ipynb"),
        "t",
        "a",
        "b",
        ("province",),
        1,
        {
            "n": runner.Param("n", "int", "1"),
            "x": runner.Param("x", "float", "0.5"),
            "s": runner.Param("s", "str", '""'),
            "f": runner.Param("f", "bool", "False"),
        },
    )
    runner.check_params(nb, {"n": 2, "x": 3, "s": "a", "f": True})  # int accepted for float
    for bad in ({"n": True}, {"n": 2.0}, {"x": "1"}, {"f": 1}, {"zz": 1}):
        with pytest.raises(runner.UsageError):
            runner.check_params(nb, bad)


def test_error_info_keeps_only_first_line_of_message():
    class FakeExecError(Exception):  # papermill's error carries ename/evalue attributes
        ename, evalue, exec_count, source = "ValueError", "bad rows:\n0  Lò Thị X  Mường La\n", 7, "f(x)"

    info = batch_mod._error_info(FakeExecError("ignored"), None)
    assert (info["ename"], info["evalue"], info["exec_count"]) == ("ValueError", "bad rows:", 7)
    assert batch_mod._error_info(RuntimeError("first\nsecond"), None)["evalue"] == "first"
    long = batch_mod.short_error("x" * 300 + "\nrow")
    assert len(long) == batch_mod.EVALUE_MAX == 200 and long == "x" * 199 + "…"


def test_param_type_inferred_from_default_without_annotation():
    assert runner._param_type({"inferred_type_name": "None", "default": "2021"}) == "int"
    assert runner._param_type({"inferred_type_name": "None", "default": "'SL'"}) == "str"
    assert runner._param_type({"inferred_type_name": "None", "default": "None"}) is None
    assert runner.parse_param("alpha.x=2.5") == (("alpha", "x"), 2.5)
    assert runner.parse_param("x=SL") == ((None, "x"), "SL")


def test_cell_timeout_fails_that_run(tmp_path):
    data = make_data_root(tmp_path / "data")
    reports = tmp_path / "reports"
    # 20 s: imports in cell 2 must fit on a busy machine; cell 3 sleeps far longer.
    proc = me_report(
        "--units",
        "SL",
        "--topics",
        "alpha",
        "--timeout",
        "20",
        "-p",
        "alpha.sleep_s=300",
        reports=reports,
        data_root=data,
        timeout=240,
    )
    assert proc.returncode == 1
    state = json.loads((reports / "_restricted" / "runs.json").read_text(encoding="utf-8"))
    err = state["runs"]["vi/SL/10_alpha"]["error"]
    assert err["ename"] == "CellTimeoutError" and err["cell"] == 3, err
    assert "time.sleep(sleep_s)" in err["source"]
    assert not (reports / "vi" / "SL" / "10_alpha.html").exists()


def test_killed_run_leaves_no_partial_html_and_rerun_recovers(tmp_path):
    data = make_data_root(tmp_path / "data")
    reports = tmp_path / "reports"
    cmd = [
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
        "--units",
        "SL,QN",
        "--topics",
        "alpha",
        "--jobs",
        "1",
        "-p",
        "alpha.slow_unit=QN",
        "-p",
        "alpha.sleep_s=120",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    done_sl = reports / "vi" / "SL" / "10_alpha.html"
    qn_running = reports / "_restricted" / "vi" / "QN"
    deadline = time.time() + 120
    while time.time() < deadline and not (done_sl.exists() and any(qn_running.glob(".*.tmp.ipynb"))):
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.2)
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    htmls = sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.html"))
    assert htmls == ["vi/SL/10_alpha.html"]
    assert done_sl.read_text(encoding="utf-8").rstrip().endswith("</html>")
    # A rerun cleans the temp files of the killed run and completes.
    rerun = me_report("--units", "SL,QN", "--topics", "alpha", reports=reports, data_root=data)
    assert rerun.returncode == 0, rerun.stderr
    assert not [p for p in reports.rglob("*.tmp*")]
    assert (reports / "vi" / "QN" / "10_alpha.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_rerun_replaces_and_removes_stale(tmp_path):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    (nbdir / "20_beta.ipynb").write_bytes((FIXTURES / "20_beta.ipynb").read_bytes())
    data = make_data_root(tmp_path / "data")
    reports = tmp_path / "reports"
    stale = [
        reports / "vi" / "SL" / "05_removed_topic.html",
        reports / "vi" / "SL" / "old_side.csv",
        reports / "vi" / "QN" / "20_beta.html",
    ]
    for p in stale:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("old", encoding="utf-8")
        os.utime(p, (time.time() - 3600, time.time() - 3600))
    keep_en = reports / "en" / "SL" / "20_beta.html"  # another language: not this run's business
    keep_en.parent.mkdir(parents=True)
    keep_en.write_text("<html></html>", encoding="utf-8")
    proc = me_report(reports=reports, data_root=data, notebooks=nbdir)
    assert proc.returncode == 0, proc.stderr
    for p in stale:
        assert not p.exists(), p
    assert not (reports / "vi" / "QN").exists()
    assert keep_en.exists()
    first = (reports / "vi" / "SL" / "20_beta.html").read_text(encoding="utf-8")
    assert "<footer" in first
    log = (reports / "run.log").read_text(encoding="utf-8")
    assert "removed stale vi/SL/05_removed_topic.html" in log


def test_partial_selection_keeps_other_units(tmp_path):
    data = make_data_root(tmp_path / "data")
    reports = tmp_path / "reports"
    other = reports / "vi" / "TC" / "10_alpha.html"
    other.parent.mkdir(parents=True)
    other.write_text("<html>earlier run</html>", encoding="utf-8")
    os.utime(other, (time.time() - 3600, time.time() - 3600))
    proc = me_report("--units", "QN", "--topics", "alpha", reports=reports, data_root=data)
    assert proc.returncode == 0, proc.stderr
    assert other.exists() and (reports / "vi" / "QN" / "10_alpha.html").exists()


def test_warm_kernel_outputs_identical_to_fresh_kernels(tmp_path):
    """Three runs on one warm kernel (--jobs 1) against a fresh kernel per run.

    The fixture prints the namespace, a matplotlib setting it then changes, and raises a
    warn-once warning: any state leaking from one run into the next would change outputs.
    """
    data = make_data_root(tmp_path / "data")
    out = {}
    for mode in ("--warm", "--no-warm"):
        reports = tmp_path / mode.strip("-")
        proc = me_report("--units", "SL,QN,MC", "--jobs", "1", mode, reports=reports, data_root=data)
        assert proc.returncode == 0, proc.stderr
        out[mode] = reports
    for unit in ("SL", "QN", "MC"):
        a = nbformat.read(out["--warm"] / "_restricted" / "vi" / unit / "10_alpha.ipynb", as_version=4)
        b = nbformat.read(out["--no-warm"] / "_restricted" / "vi" / unit / "10_alpha.ipynb", as_version=4)
        assert runner.comparable_outputs(a) == runner.comparable_outputs(b), unit
        texts = "".join(o.get("text", "") for c in a.cells if c.cell_type == "code" for o in c.outputs)
        assert "linewidth: 1.5" in texts and "leaked_from_previous_run" not in texts
        assert "fixture warning, shown once per fresh kernel" in texts
        ha = (out["--warm"] / "vi" / unit / "10_alpha.html").read_text(encoding="utf-8")
        hb = (out["--no-warm"] / "vi" / unit / "10_alpha.html").read_text(encoding="utf-8")
        assert runner.comparable_html(ha) == runner.comparable_html(hb), unit


def test_sigterm_stops_workers_and_leaves_no_partial_html(tmp_path):
    data = make_data_root(tmp_path / "data")
    reports = tmp_path / "reports"
    cmd = [
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
        "--units",
        "QN",
        "--topics",
        "alpha",
        "-p",
        "alpha.sleep_s=600",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    running = reports / "_restricted" / "vi" / "QN"
    deadline = time.time() + 180
    while time.time() < deadline and not any(running.glob(".*.tmp.ipynb")):
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)  # the main process only, as a scheduler would
    try:
        proc.wait(timeout=120)  # far less than the 600 s cell: the run was stopped, not waited for
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0
    assert list(reports.rglob("*.html")) == []
    # no worker of that run is left behind
    left = subprocess.run(["pgrep", "-f", str(reports)], capture_output=True, text=True).stdout.split()
    assert left == []
    assert "interrupted" in (reports / "run.log").read_text(encoding="utf-8")
