"""Timing of the phase-end review pieces (issue 8) on the illustrative demo data.

Run: ``.venv/bin/python benchmarks/bench_review.py [DEMO_ROOT]``. Without an argument, the demo
data are generated and built into a temporary folder first (``me demo`` + ``me build``).
Prints the median of 3 runs of each step; record results in benchmarks/README.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(fn, n=3):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out), min(out), max(out)


def main(argv: list[str]) -> int:
    if argv:
        root = Path(argv[0])
    else:
        root = Path(tempfile.mkdtemp(prefix="bench-review-")) / "demo"
        for step in (["demo", "--out", str(root)], ["build", "--root", str(root)]):
            subprocess.run([sys.executable, "-m", "me_utils.cli", *step], check=True, capture_output=True)
    t0 = time.perf_counter()
    from me_utils.analysis import accountability
    from me_utils.render import workbook as scorecard_xlsx
    from me_utils.reports import narrative, review
    from me_utils.reports.notebook import ReportContext, read_manifest

    print(f"imports: {time.perf_counter() - t0:.2f} s")
    ctx = ReportContext(
        unit="SL",
        period_start=2021,
        period_end=2025,
        lang="vi",
        data_root=root,
        manifest=read_manifest(root),
        illustrative=True,
    )
    _ = ctx.catalogue  # load once, as the notebook does
    res = review.compute(ctx)
    out = Path(tempfile.mkdtemp(prefix="bench-review-xlsx-"))
    steps = {
        "compute (scorecard + matrix + GBV + leadership + method note)": lambda: review.compute(ctx),
        "accountability matrix (load + build)": lambda: accountability.build_matrix(
            accountability.load_arrivals(root), 2021, 2025, "2025-11-30", catalogue_frame=ctx.catalogue.frame()
        ),
        "narrative: 36 indicator sentences × 2 languages": lambda: [
            narrative.indicator_sentence(r, lang) for r in res.scorecard.to_dict("records") for lang in ("vi", "en")
        ],
        "scorecard.xlsx build + atomic write": lambda: scorecard_xlsx.write_workbook(
            out / "scorecard.xlsx", res.scorecard, res.matrix, illustrative=True
        ),
    }
    for name, fn in steps.items():
        med, lo, hi = _time(fn)
        print(f"{name}: median {med:.3f} s (min {lo:.3f}, max {hi:.3f})")
    print(f"workbook size: {(out / 'scorecard.xlsx').stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
