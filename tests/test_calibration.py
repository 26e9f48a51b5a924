"""Calibration benchmark (benchmarks/bench_calibration.py): its metrics, and a small run of it.

The full run (5 scenarios × 400 units × 12 series) is recorded in benchmarks/README.md; here a
few units per scenario check that the machinery works and is not grossly miscalibrated.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_calibration.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_calibration", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_ece_by_hand(bench):
    # bins of width 0.1: {0.15, 0.15} with outcomes {0, 1} → |0.15 − 0.5| = 0.35 (weight 2/4);
    # {0.95, 0.95} with outcomes {1, 1} → 0.05 (weight 2/4): ECE = 0.2
    assert bench.ece([0.15, 0.15, 0.95, 0.95], [0, 1, 1, 1]) == pytest.approx(0.2)
    assert bench.ece([1.0, 0.0], [1, 0]) == 0.0  # p = 1 falls in the last bin


def test_simulated_batches_follow_the_design(bench):
    rng = np.random.default_rng(1)
    b = bench.simulate_batch(rng, "binomial", 0.03)
    assert len(b) == bench.K_SERIES
    for s in b:
        assert 3 <= len(s["years"]) <= 6 and s["horizon"] in (1, 5)
        assert np.all((s["den"] >= 28) & (s["den"] <= 421)) and np.all(s["num"] <= s["den"])
        assert s["T"] == s["years"][-1] + s["horizon"]


@pytest.mark.parametrize("family,extra", [("binomial", 0.03), ("poisson", 0.05)])
def test_small_run_is_roughly_calibrated(bench, family, extra):
    r = bench.run_scenario("x", family, extra, batches=25, seed=11)
    assert r["n"] + r["skipped"] == 25 * bench.K_SERIES
    # 300 forecasts: generous bounds (sampling noise of the coverage is about ±1.3 points)
    assert 0.90 <= r["coverage"] <= 0.99
    assert r["ece"] <= r["ece_floor"] + 0.05
    assert 0 < r["brier"] < 0.25
