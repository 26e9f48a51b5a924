"""Benchmark: assess 30 indicators × 13 units × 6 years with all three methods and model fits.

Run: ``.venv/bin/python benchmarks/bench_assess.py [--repeat N] [--engine numpy|statsmodels]``.
Goal: under 1 s on the project machine (2 cores). Prints wall time (best and median of
``--repeat`` runs), per-series cost, the model mix, and peak Python memory (tracemalloc, in a
separate run so it does not distort the timing). Data are synthetic (illustrative), generated
with a fixed seed: 30 catalogue indicators (proportions with numerator/denominator, rates and
ratios with denominators, levels, a count), 13 units (province + 12 districts), years 2020–2025.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc

import numpy as np
import pandas as pd

from me_utils.analysis.assess import AssessSettings
from me_utils.analysis.scorecard import build_scorecard, build_scorecard_detail
from me_utils.build.dataset import OBS_COLUMNS
from me_utils.reference.catalogue import load_catalogue

UNITS = ["SL", "TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SC", "VH", "SM"]
YEARS = range(2020, 2026)


def synthetic_observations(indicators, seed: int = 2025) -> pd.DataFrame:
    """Illustrative observations for ``indicators`` × UNITS × YEARS (fixed seed)."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, ind in enumerate(indicators):
        for u in UNITS:
            p0, slope = rng.uniform(0.1, 0.6), rng.normal(0.02, 0.02)
            for y in YEARS:
                num = den = np.nan
                if ind.kind == "proportion" and k % 5 != 4:  # every fifth proportion without counts
                    den = float(rng.integers(20, 500))
                    num = float(rng.binomial(int(den), float(np.clip(p0 + slope * (y - 2020), 0.01, 0.99))))
                    v = num / den * ind.scale
                elif ind.kind == "proportion":
                    v = float(np.clip(p0 + slope * (y - 2020) + rng.normal(0, 0.02), 0, 1)) * ind.scale
                elif ind.kind in ("rate", "ratio") and k % 2 == 0:
                    den = float(rng.integers(2_000, 20_000))
                    lam = den * (ind.target(2025) or 50) / ind.scale * rng.uniform(0.8, 1.3)
                    num = float(rng.poisson(lam))
                    v = num / den * ind.scale
                elif ind.kind in ("rate", "ratio"):
                    v = float((ind.target(2025) or 2) * rng.uniform(0.9, 1.2))
                elif ind.kind == "count":
                    v = float(rng.poisson(3 + (y - 2020)))
                else:
                    v = float(y >= 2023)
                rows.append(
                    (ind.code, u, y, "FY", "T", v, num, den, ind.department, "2025-11-01", "bench.csv", "", 1, "")
                )
    df = pd.DataFrame(rows, columns=OBS_COLUMNS)
    df["year"] = df["year"].astype("Int64")
    return df


class _Sub:
    """A catalogue restricted to 30 indicators (duck-typed: ``indicators`` dict)."""

    def __init__(self, inds):
        self.indicators = {i.code: i for i in inds}


def run_once(cat, obs, engine: str = "numpy") -> list[pd.DataFrame]:
    if engine == "numpy":  # the public entry point, exactly as the report calls it
        return [build_scorecard(cat, obs, unit=u) for u in UNITS]
    settings = AssessSettings(glm_engine=engine)
    return [build_scorecard_detail(cat, obs, unit=u, settings=settings)[0] for u in UNITS]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5, help="timed runs (after one warm-up)")
    ap.add_argument(
        "--engine",
        choices=["numpy", "statsmodels"],
        default="numpy",
        help="GLM fitting engine (statsmodels: sm.GLM per fit, for comparison)",
    )
    args = ap.parse_args(argv)
    full = load_catalogue()
    inds = [i for i in full.indicators.values()][:30]
    cat = _Sub(inds)
    obs = synthetic_observations(inds)
    run_once(cat, obs, args.engine)  # warm-up (imports, caches)
    times, cpu = [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        frames = run_once(cat, obs, args.engine)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    n_series = sum(len(f) for f in frames)
    models = pd.concat(frames)["model"].value_counts().to_dict()
    tracemalloc.start()
    run_once(cat, obs, args.engine)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"GLM engine: {args.engine}")
    print(f"series assessed: {n_series} ({len(inds)} indicators × {len(UNITS)} units × {len(YEARS)} years)")
    print(f"models: {models}")
    print(
        f"wall time: best {min(times):.3f} s, median {statistics.median(times):.3f} s "
        f"over {args.repeat} runs; {min(times) / n_series * 1e3:.2f} ms per series"
    )
    print(
        f"CPU time of this process: best {min(cpu):.3f} s, median {statistics.median(cpu):.3f} s "
        f"(wall time exceeds it when other processes share the cores; load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(f"peak Python memory (tracemalloc): {peak / 2**20:.1f} MiB")
    print(
        f"peak RSS of the process (imports included): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    print(
        f"goal < 1 s (wall): {'met' if min(times) < 1.0 else 'NOT met'}; "
        f"(CPU): {'met' if min(cpu) < 1.0 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
