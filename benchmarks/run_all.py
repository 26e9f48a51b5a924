"""Run every benchmark of the project, one after the other (``make bench``).

Each script prints its own measurements; record them in ``benchmarks/README.md``. The report
benchmark needs built demo data (``make build``) and takes about 10 minutes on 2 cores, so it
runs last and only with ``--with-reports``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = [
    ["bench_demo.py", "3"],
    ["bench_intake.py"],
    ["bench_assess.py", "--repeat", "5"],
    ["bench_gbv.py"],
    ["bench_leadership.py", "5"],
    ["bench_review.py"],
]


def main(argv: list[str]) -> int:
    runs = list(QUICK)
    if "--with-reports" in argv:
        runs.append(["bench_reports.py"])
    failed = []
    for cmd in runs:
        print(f"\n=== {' '.join(cmd)} ===", flush=True)
        rc = subprocess.call([sys.executable, str(HERE / cmd[0]), *cmd[1:]])
        if rc:
            failed.append(cmd[0])
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
