"""Benchmark of intake: validate and build 200 submissions (issue 4; goal under 10 s).

Usage: ``.venv/bin/python benchmarks/bench_intake.py [N_FILES] [REPEATS]`` (defaults 200, 3).

Writes N illustrative submissions (half xlsx with title/metadata rows and Vietnamese text
numbers, half semicolon csv in UTF-8 with BOM; 26 rows each: two of the department's
indicators for the province and its 12 districts) into a temporary data root, then measures in
separate processes, so each has its own peak memory:

* ``validate``: :func:`me_utils.intake.submissions.validate_file` on every file (what ``me validate`` does);
* ``build``: :func:`me_utils.build.pipeline.run_build` on the root (parse, check, supersede, write).

Reports the median wall time and CPU time of the step (imports excluded; they are reported
apart) and the peak resident memory (``ru_maxrss``) of the process. On a shared machine the CPU
time is the steadier figure.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEPTS = {
    "SNV": ("Sở Nội vụ", ["M1.C1", "M3.C4"]),
    "SVHTTDL": ("Sở Văn hóa, Thể thao và Du lịch", ["DV.1", "DV.3"]),
    "CA": ("Công an tỉnh", ["M3.C3", "M3.C3"]),
    "SYT": ("Sở Y tế", ["M4.C1", "M4.C3"]),
}
UNITS = ["SL", "TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"]
HEADER = ["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giới tính", "Giá trị", "Tử số", "Mẫu số", "Ghi chú"]


def make_root(root: Path, n: int) -> None:
    """Write ``n`` submissions under ``root/raw/submissions`` (deterministic)."""
    import openpyxl

    depts = list(DEPTS)
    for i in range(n):
        dept = depts[i % len(depts)]
        name, codes = DEPTS[dept]
        year = 2016 + (i // len(depts)) % 14
        period = "FY" if (i // 56) % 2 == 0 else "H1"
        rev = i // 112 + 1
        codes = list(dict.fromkeys(codes))
        rows = []
        for k, code in enumerate(codes):
            sexes = ["T", "F"] if len(codes) == 1 else ["T"]
            for sex in sexes:
                for j, unit in enumerate(UNITS):
                    den = 40 + 7 * j + year % 5
                    num = (den * (30 + (i + j + k) % 40)) // 100
                    if code == "M4.C1":
                        num, den = 100 + (j + i) % 15, 100
                    rows.append(
                        [
                            code,
                            unit,
                            year,
                            "Năm" if period == "FY" else "6 tháng",
                            {"T": "Tổng", "F": "Nữ"}[sex],
                            num / den * 100,
                            num,
                            den,
                            "",
                        ]
                    )
        sent = f"{10 + i % 15:02d}/{11 if period == 'FY' else 5:02d}/{year}"
        sub = root / "raw" / "submissions" / str(year)
        sub.mkdir(parents=True, exist_ok=True)
        stem = f"{dept}_{year}_{period}" + (f"_r{rev}" if rev > 1 else "")
        if i % 2 == 0:
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "Báo cáo"
            ws.append([f"BÁO CÁO SỐ LIỆU BÌNH ĐẲNG GIỚI NĂM {year}"])
            ws.merge_cells("A1:I1")
            ws.append([f"Cơ quan báo cáo: {name}"])
            ws.append(["Ngày gửi:", sent])
            ws.append([])
            ws.append(HEADER)
            for r in rows:
                r = list(r)
                r[5] = f"{r[5]:.2f}".replace(".", ",") + "%"
                ws.append(r)
            wb.save(sub / f"{stem}.xlsx")
        else:
            lines = [f"Cơ quan báo cáo;{name}", f"Ngày gửi;{sent}", ";".join(HEADER)]
            for r in rows:
                lines.append(";".join(str(x) if not isinstance(x, float) else f"{x:.2f}".replace(".", ",") for x in r))
            (sub / f"{stem}.csv").write_bytes(b"\xef\xbb\xbf" + ("\n".join(lines) + "\n").encode("utf-8"))
    (root / "raw" / "ILLUSTRATIVE").write_text("")


def _step(step: str, root: str) -> None:
    t0 = time.perf_counter()
    from me_utils.build import pipeline as build
    from me_utils.intake import submissions as intake

    intake.load_reference()
    t_import = time.perf_counter() - t0
    t1, c1 = time.perf_counter(), time.process_time()
    if step == "validate":
        files = sorted(p for p in (Path(root) / "raw" / "submissions").rglob("*") if p.is_file())
        n_err = sum(s.n_errors for s in intake.validate_files([(p, p.name) for p in files]))
        extra = {"files": len(files), "errors": n_err}
    else:
        s = build.run_build(root)
        extra = {"observations": s["observations"], "errors": s["errors"], "warnings": s["warnings"]}
    dt, cpu = time.perf_counter() - t1, time.process_time() - c1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "step": step,
                "seconds": dt,
                "cpu_seconds": cpu,
                "import_seconds": t_import,
                "peak_rss_mb": peak_mb,
                **extra,
            }
        )
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        _step(sys.argv[2], sys.argv[3])
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "root"
        t0 = time.perf_counter()
        make_root(root, n)
        print(f"wrote {n} submissions in {time.perf_counter() - t0:.1f} s")
        for step in ("validate", "build"):
            runs = []
            for _ in range(repeats):
                out = subprocess.run(
                    [sys.executable, __file__, "--step", step, str(root)], capture_output=True, text=True, check=True
                )
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            med = statistics.median(r["seconds"] for r in runs)
            print(
                f"{step:9s} median {med:.2f} s (runs: {', '.join('{:.2f}'.format(r['seconds']) for r in runs)}), "
                f"CPU {statistics.median(r['cpu_seconds'] for r in runs):.2f} s, "
                f"imports {statistics.median(r['import_seconds'] for r in runs):.2f} s, "
                f"peak RSS {max(r['peak_rss_mb'] for r in runs):.0f} MB, "
                + ", ".join(
                    f"{k} {v}"
                    for k, v in runs[0].items()
                    if k not in ("step", "seconds", "cpu_seconds", "import_seconds", "peak_rss_mb")
                )
            )


if __name__ == "__main__":
    main()
