"""Benchmark: 1,000,000-row GBV register aggregated by unit × year × type × sex, with
primary + complementary suppression and the recovery audit — once as a 2-D table
(unit·year·sex rows × type columns, row/column/grand totals) and once as the 4-D cube with
every margin (the linked-table protection the reports use).

Run: ``.venv/bin/python benchmarks/bench_gbv.py [n_rows]``; add ``--validate`` to time the
register validation of ``n_rows`` text rows instead (informative, no goal set). Goal: < 3 s and < 2 GB peak
memory. Prints wall times of each step and the process peak RSS (ru_maxrss, which includes
the interpreter and imported libraries). The register is synthetic (illustrative), built in
memory with the typed dtypes that :func:`me_utils.analysis.gbv.validate_register` returns; type
probabilities are skewed so that rare types give small cells to suppress.
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np
import pandas as pd

from me_utils.analysis import disclosure, gbv


def make_register(n: int, seed: int = 20251129) -> pd.DataFrame:
    """Synthetic typed register of ``n`` incidents (consent 95%), 2020–2025, 12 districts."""
    rng = np.random.default_rng(seed)
    unit_p = rng.dirichlet(np.full(len(gbv.DISTRICTS), 2.0))
    type_p = np.array([0.0004, 0.001, 0.55, 0.0006, 0.05, 0.38, 0.018])
    type_p /= type_p.sum()
    return pd.DataFrame(
        {
            "unit_code": pd.Categorical.from_codes(
                rng.choice(len(gbv.DISTRICTS), n, p=unit_p), categories=gbv.DISTRICTS
            ),
            "year": rng.integers(2020, 2026, n),
            "incident_type": pd.Categorical.from_codes(rng.choice(7, n, p=type_p), categories=gbv.INCIDENT_TYPES),
            "survivor_sex": pd.Categorical.from_codes((rng.random(n) < 0.08).astype(np.int8), categories=gbv.SEXES),
            "consent_reporting": (rng.random(n) < 0.95).astype(np.int8),
        }
    )


def validate_text_register(n: int, seed: int = 20251129) -> float:
    """Time :func:`me_utils.analysis.gbv.validate_register` on ``n`` text rows (resampled from the
    illustrative demo register, unique case ids). Returns seconds."""
    from me_utils.demo import generate as demo

    reg = demo.build_tables(demo.DEFAULT_SEED)["register"].astype(str)
    big = reg.sample(n, replace=True, random_state=seed).reset_index(drop=True)
    big["case_id"] = [f"GBV-{u}-{2000 + i // 10000 % 100:04d}-{i % 10000:04d}" for i, u in enumerate(big["unit_code"])]
    t = time.perf_counter()
    gbv.validate_register(big)
    return time.perf_counter() - t


def main(n: int = 1_000_000) -> dict:
    t0 = time.perf_counter()
    reg = make_register(n)
    t1 = time.perf_counter()
    c = gbv.consented(reg)
    counts = gbv.case_counts(c.data, ["unit_code", "year", "survivor_sex", "incident_type"])
    t2 = time.perf_counter()
    st = disclosure.suppress_long(
        counts, rows=["unit_code", "year", "survivor_sex"], cols=["incident_type"], value="n", k=5, name="bench"
    )
    t3 = time.perf_counter()
    # linked-table protection: the whole unit × year × type × sex cube with every margin
    arr = counts.sort_values(["unit_code", "year", "survivor_sex", "incident_type"])["n"].to_numpy()
    years = sorted(counts["year"].unique())
    cube = disclosure.suppress_cube(
        arr.reshape(len(gbv.DISTRICTS), len(years), len(gbv.SEXES), len(gbv.INCIDENT_TYPES)),
        [gbv.DISTRICTS, years, gbv.SEXES, gbv.INCIDENT_TYPES],
        ("unit_code", "year", "survivor_sex", "incident_type"),
        k=5,
    )
    t4 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res = {
        "rows": n,
        "generate_s": t1 - t0,
        "aggregate_s": t2 - t1,
        "suppress_audit_s": t3 - t2,
        "aggregate_plus_suppress_s": t3 - t1,
        "table_cells": int(st.counts.size),
        "hidden_primary": int((st.reason == "primary").to_numpy().sum()),
        "hidden_complementary": int((st.reason == "complementary").to_numpy().sum()),
        "audit_protected": bool(st.audit["protected"].all()),
        "cube_suppress_audit_s": t4 - t3,
        "aggregate_plus_cube_s": (t2 - t1) + (t4 - t3),
        "cube_cells": int(cube.counts.size),
        "cube_primary": int((cube.reason == "primary").sum()),
        "cube_complementary": int((cube.reason == "complementary").sum()),
        "peak_rss_mb": peak_mb,
    }
    for k_, v in res.items():
        print(f"{k_:>26}: {v:.3f}" if isinstance(v, float) else f"{k_:>26}: {v}")
    return res


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    rows = int(args[0]) if args else 1_000_000
    if "--validate" in sys.argv:
        # separate run: validation of the text register (pandera), not part of the < 3 s goal
        sec = validate_text_register(rows)
        print(f"{'validate_s':>26}: {sec:.3f}")
        print(f"{'peak_rss_mb':>26}: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
    else:
        main(rows)
