"""Run the project's benchmarks, one after the other (``make bench``, ``BENCH_ARGS=...``).

Each script prints its own measurements; record them in ``benchmarks/README.md``. Without
options only the quick ones run (a few minutes in all). The long ones are opt-in:

* ``--with-hostile``: ``bench_hostile.py 3`` — ``me validate`` on a 1 GiB xlsx bomb and two
  1,000,000-row csv files made in a temporary folder (about a minute);
* ``--with-calibration``: ``bench_calibration.py`` — calibration of the probability of
  reaching a target on simulated series (goal under 3 minutes);
* ``--with-reports``: ``bench_reports.py`` — ``me report`` against a naive papermill loop;
  needs built demo data (``make build``), about 10 minutes on 2 cores;
* ``--with-communes``: ``bench_communes.py`` — demo, build and the 2026–2030 commune set
  (156 report runs), half an hour on 2 cores;
* ``--all``: every one of them.

Opt-in benchmarks run after the quick ones, in the order above (shortest first). Exit code 1
when a benchmark fails (the others still run), 2 for an unknown option.
"""

from __future__ import annotations

import argparse
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
#: Opt-in benchmarks: (option, command), shortest first.
OPT_IN = [
    ("hostile", ["bench_hostile.py", "3"]),
    ("calibration", ["bench_calibration.py"]),
    ("reports", ["bench_reports.py"]),
    ("communes", ["bench_communes.py"]),
]


def plan(argv: list[str]) -> list[list[str]]:
    """The commands ``argv`` asks for: the quick benchmarks, then each opt-in one chosen by
    ``--with-NAME`` (or ``--all``). Raises SystemExit(2) on an unknown option (argparse)."""
    ap = argparse.ArgumentParser(prog="run_all.py", description="Run the project's benchmarks.")
    for name, cmd in OPT_IN:
        ap.add_argument(f"--with-{name}", action="store_true", help=f"also run {cmd[0]}")
    ap.add_argument("--all", action="store_true", help="run every benchmark, the long ones included")
    args = ap.parse_args(argv)
    chosen = [cmd for name, cmd in OPT_IN if args.all or getattr(args, f"with_{name}")]
    return [list(c) for c in QUICK] + chosen


def main(argv: list[str]) -> int:
    failed = []
    for cmd in plan(argv):
        print(f"\n=== {' '.join(cmd)} ===", flush=True)
        rc = subprocess.call([sys.executable, str(HERE / cmd[0]), *cmd[1:]])
        if rc:
            failed.append(cmd[0])
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
