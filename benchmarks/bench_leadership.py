"""Benchmark: the leadership analysis of one report, and of a full batch (province + 12 districts).

Run: ``.venv/bin/python benchmarks/bench_leadership.py [repeats]``. Times (median of
``repeats``) the steps a leadership report runs: read and check the three CSV files, council
shares by level and term, term-to-term comparisons, the two funnel tables, and the
three-method assessment (with binomial GLM fits) of the three yearly indicators; then the same
for 13 units. Also times the analysis on a council table 100× larger (1,200 districts × 3 terms)
to show how it scales. Input: illustrative tables written to a temporary folder by
:mod:`me_utils.demo.leadership` (seed 20250506). Goal: well under 1 s per report, so the report
time is the kernel and plotting, not the analysis. Prints wall times and peak RSS.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from me_utils.analysis import leadership as L
from me_utils.demo import leadership as demo_leadership


def write_root(folder: Path) -> Path:
    raw = folder / "raw" / "leadership"
    raw.mkdir(parents=True)
    demo_leadership.make_councils(20250506).to_csv(raw / "councils.csv", index=False)
    demo_leadership.make_key_leaders(20250506).to_csv(raw / "key_leaders.csv", index=False)
    demo_leadership.make_planning_pool(20250506).to_csv(raw / "planning_pool.csv", index=False)
    return folder


def analyse(data: L.LeadershipData, unit: str) -> None:
    shares = L.council_shares(data.councils, unit)
    L.term_changes(shares)
    for level in ("district", "commune"):
        L.council_funnel(data.councils, "2021-2026", level)
    kl = L.key_leader_shares(data.key_leaders, unit)
    pool = L.planning_pool_shares(data.planning_pool, unit)
    if len(kl):
        L.assess_yearly(kl, L.indicator_targets("M1.C1"), "with_woman", "agencies")
    if len(pool):
        L.assess_yearly(pool, L.indicator_targets("L.2"), "women_in_pool", "pool_size")
        L.assess_yearly(pool, L.indicator_targets("L.3"), "women_trained", "women_in_pool")


def timed(fn, repeats: int) -> float:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main(repeats: int = 5) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_root(Path(tmp))
        L.indicator_targets("M1.C1")  # warm the catalogue import once
        res = {"load": timed(lambda: L.load_leadership(root), repeats)}
        data = L.load_leadership(root)
        res["report_SL"] = timed(lambda: analyse(data, "SL"), repeats)
        units = ["SL", *L.DISTRICTS]
        res["batch_13_units"] = timed(lambda: [analyse(data, u) for u in units], max(1, repeats // 2))
        big = pd.concat(
            [data.councils.assign(unit_code=data.councils["unit_code"] + f"_{i}") for i in range(100)],
            ignore_index=True,
        )
        big = big[big["level"] != "province"]
        res["shares_100x"] = timed(lambda: L.term_changes(L.council_shares(big, "SL")), repeats)
        sub = big[(big["term"] == "2021-2026") & (big["level"] == "district")]
        from me_utils.analysis.funnel import funnel_table

        res["funnel_1200_units"] = timed(
            lambda: funnel_table(sub["unit_code"], sub["women"], sub["seats"], per=100.0), repeats
        )
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for k, v in res.items():
        print(f"{k:>20}: {v:.3f} {'MB' if k.endswith('mb') else 's'}")
    return res


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
