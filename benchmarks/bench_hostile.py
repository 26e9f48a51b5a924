"""Benchmark of `me validate` on hostile input (issue 16; goal: refused in under 5 s and 300 MB).

Usage: ``.venv/bin/python benchmarks/bench_hostile.py [REPEATS]`` (default 3).

Makes, in a temporary folder:

* ``bomb_1GiB.xlsx``: a valid workbook (header and one good row) whose sheet XML expands to
  1 GiB of empty formatted cells — about 1 MB on disk (streamed into the zip, never in memory);
* ``rows_1M.csv``: 1,000,000 realistic rows (indicator, unit, year, period, sex, value, note),
  about 50 MB: over the file-size cap;
* ``rows_1M_compact.csv``: 1,000,000 short rows (about 24 MB): under the size cap, so the row
  cap is what refuses it (the reader stops at row 100,001).

Each file is validated by ``python -m me_utils.cli validate FILE`` in its own process; the
script reports the median wall time (process start and imports included) and the peak resident
memory of that process (``wait4`` rusage ``ru_maxrss``), and checks the exit code (1) and the
error code in the output.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from test_hardening_intake import _good_rows, write_xlsx  # noqa: E402  (one xlsx writer for both)

GiB = 2**30


def make_bomb(path: Path, expanded: int = GiB) -> None:
    row = ('<row r="3">' + '<c r="A3" s="0"/>' * 40 + "</row>").encode()
    mib = row * (2**20 // len(row) + 1)
    write_xlsx(path, ["".join(_good_rows()).encode()] + [mib] * (expanded // len(mib)))


def make_csv(path: Path, n: int, compact: bool) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        if compact:
            fh.write("Mã chỉ tiêu,Đơn vị,Năm,Kỳ báo cáo,Giá trị\n")
            line = "M1.C1,SL,2024,Năm,40\n"
        else:
            fh.write("Mã chỉ tiêu,Đơn vị,Năm,Kỳ báo cáo,Giới tính,Giá trị,Ghi chú\n")
            line = 'M1.C1,Tỉnh Sơn La,2024,Năm,Tổng,"35,38",số liệu đã rà soát\n'
        block = line * 10_000
        for _ in range(n // 10_000):
            fh.write(block)


def run(path: Path) -> tuple[float, float, int, str]:
    """Validate ``path`` in a child process: (wall s, peak RSS MB, exit code, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "me_utils.cli", "validate", str(path), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out = proc.stdout.read()
    _, status, ru = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t0, ru.ru_maxrss / 1024, proc.returncode, out


_INNER = (
    "import sys, time, resource\n"
    "from me_utils import intake\n"
    "ref = intake.load_reference()\n"
    "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "t = time.perf_counter()\n"
    "sub = intake.validate_file(sys.argv[1], reference=ref)\n"
    "print(time.perf_counter() - t, base / 1024, [m.code for m in sub.messages])\n"
)


def run_inner(path: Path) -> tuple[float, float, list]:
    """Time of ``intake.validate_file`` alone (imports and catalogue loaded first) and the RSS
    before it, MB; the process's peak RSS is measured by :func:`run`."""
    out = subprocess.run(
        [sys.executable, "-c", _INNER, str(path)], capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=2)
    return float(out[0]), float(out[1]), eval(out[2])  # noqa: S307 (our own list literal)


def main(repeats: int = 3) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        tmp = Path(tmp)
        files = {
            "bomb_1GiB.xlsx": ("possibly a zip bomb", lambda p: make_bomb(p)),
            "rows_1M.csv": ("the file is too large", lambda p: make_csv(p, 1_000_000, compact=False)),
            "rows_1M_compact.csv": ("beyond the limit of 100,000 rows", lambda p: make_csv(p, 1_000_000, compact=True)),
        }
        print(
            f"{'file':22} {'on disk':>10} {'expands to':>11} {'me validate s':>14} {'peak RSS MB':>12} "
            f"{'validate_file s':>16} {'RSS before MB':>14}  refused as"
        )
        for name, (code, make) in files.items():
            p = tmp / name
            make(p)
            expanded = p.stat().st_size
            if p.suffix == ".xlsx":
                with zipfile.ZipFile(p) as zf:
                    expanded = sum(zi.file_size for zi in zf.infolist())
            walls, rss, inner, base, codes = [], [], [], [], []
            for _ in range(repeats):
                wall, peak, rc, out = run(p)
                assert rc == 1 and code in out, out[-500:]
                walls.append(wall)
                rss.append(peak)
                t_in, b, codes = run_inner(p)
                inner.append(t_in)
                base.append(b)
            print(
                f"{name:22} {p.stat().st_size / 2**20:8.1f} MB {expanded / 2**20:8.0f} MB "
                f"{statistics.median(walls):14.2f} {max(rss):12.0f} {statistics.median(inner):16.3f} "
                f"{max(base):14.0f}  {','.join(codes)}"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
