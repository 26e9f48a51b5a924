"""Benchmark: the full 2026 commune set — `me report --period 2026-2030` on the illustrative
demo (province + 75 communes × the topics that handle communes), 2 workers.

    .venv/bin/python benchmarks/bench_communes.py [--data-root DIR] [--jobs 2] [--units all]

Steps, each timed: ``me demo`` and ``me build`` into ``--data-root`` (skipped with
``--skip-data`` when the root is already built), then ``me report --period 2026-2030``. Also
times the units layer alone (load the five reference files with all cross-checks; resolve the
18 reused codes). Peak memory = the largest sum of RSS over the report process tree (sampled
every 0.2 s, :class:`bench_reports.PeakMemory`). Results: printed and written to
``benchmarks/out/bench_communes.json`` (git-ignored). Goal (issue 15): report step under
3 minutes on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_reports import PeakMemory  # noqa: E402 (after the path insert)

OUT = ROOT / "benchmarks" / "out"


def _me(args: list[str]) -> tuple[float, int, subprocess.CompletedProcess]:
    t0 = time.perf_counter()
    p = subprocess.Popen(
        [sys.executable, "-m", "me_utils.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "src")},
    )
    with PeakMemory(p.pid) as mem:
        out, err = p.communicate()
    return time.perf_counter() - t0, mem.peak, subprocess.CompletedProcess(p.args, p.returncode, out, err)


def units_layer() -> dict:
    from me_utils.reference.units import load_units

    t0 = time.perf_counter()
    for _ in range(5):
        u = load_units()
    load = (time.perf_counter() - t0) / 5
    codes = list(u.crosswalk().loc[lambda d: d["code_reused"], "new_code"]) * 100
    t0 = time.perf_counter()
    u.resolve_ids(codes, ["2025-06-30"] * len(codes))
    per = (time.perf_counter() - t0) / len(codes)
    return {"load_units_s": round(load, 3), "resolve_id_us": round(per * 1e6, 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-root", default="/tmp/bench-communes-demo")
    ap.add_argument("--reports", default=str(OUT / "reports_communes"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--units", default="all")
    ap.add_argument("--skip-data", action="store_true")
    a = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    res: dict = {"units_layer": units_layer()}
    if not a.skip_data:
        for name, args in (("demo", ["demo", "--out", a.data_root]), ("build", ["build", "--root", a.data_root])):
            secs, peak, p = _me(args)
            if p.returncode:
                print(p.stderr[-2000:])
                return 1
            res[name] = {"seconds": round(secs, 1), "peak_mb": round(peak / 2**20)}
    secs, peak, p = _me(
        [
            "report",
            "--data-root",
            a.data_root,
            "--period",
            "2026-2030",
            "--units",
            a.units,
            "--jobs",
            str(a.jobs),
            "--reports",
            a.reports,
            "--no-progress",
        ]
    )
    last = (p.stdout.strip().splitlines() or [""])[-1] + (p.stderr.strip().splitlines() or [""])[-1]
    runs = json.loads((Path(a.reports) / "_restricted" / "runs.json").read_text(encoding="utf-8"))["runs"]
    per = sorted(r.get("seconds", 0) for r in runs.values())
    res["report"] = {
        "seconds": round(secs, 1),
        "peak_mb": round(peak / 2**20),
        "runs": len(runs),
        "failed": sum(r.get("status") != "ok" for r in runs.values()),
        "median_run_s": per[len(per) // 2] if per else None,
        "exit": p.returncode,
        "summary": last,
    }
    with open("/proc/loadavg") as fh:
        res["loadavg"] = fh.read().split()[:3]
    (OUT / "bench_communes.json").write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(res, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
