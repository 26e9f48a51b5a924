"""Calibration benchmark of the probability of reaching a target (issue 13).

Run: ``.venv/bin/python benchmarks/bench_calibration.py [--batches N] [--seed S] [--own]``.

What it does: simulates short yearly series (3–6 points) from KNOWN trends and noise models —
binomial, beta-binomial (ρ = 0.01 and 0.03), Poisson and negative binomial (α = 0.05) — with
denominators (trials or exposure) drawn from 30–400, fits them exactly as the scorecard does
(:func:`me_utils.analysis.trends.choose_and_fit` after pooling the dispersion of the series of one
"unit", :func:`me_utils.analysis.trends.pool_dispersion`), and compares the model's predictive
statements with the simulated truth:

* **probability of reaching the target** ``P(Y_T meets TV)`` — expected calibration error
  (ECE, 10 equal-width bins, weighted by bin size) and Brier score, against the indicator of the
  simulated future figure meeting the target;
* **95 % prediction interval** of the future figure — its empirical coverage.

Each batch is one "unit": K = 12 series of one scenario (as a unit's scorecard pools the
dispersion of its ~25 proportions or ~5 counts/rates). Horizons: 1 year ahead (the 2025 target
from data to 2024) and 5 years ahead (2030 from data to 2025), half of the series each. Targets
are drawn around the latest OBSERVED value (logit/log scale ± N(0, 0.6)), as a plan sets its
targets from what it knows — never from the unknown truth, which would make any forecaster
look over-confident — so that probabilities cover (0, 1); direction up or down at random.
True slopes are drawn from N(0, 0.15²) (logit) or N(0, 0.1²) (log) per year: the modest trends of
real indicators. Series the minimum-information rule
of :mod:`me_utils.analysis.status` would not forecast (fewer than 10 events in total, Poisson family)
are skipped and counted.

Because an ECE computed from a finite sample is biased upward even for perfect forecasts, the
script also prints the **noise floor**: the mean ECE of the same predictions against outcomes
drawn from the predictions themselves (a perfectly calibrated forecaster), so a reader can tell
miscalibration from sampling noise.

Goals (issue 13): 95 % PI coverage between 92 % and 97 % and ECE ≤ 0.03 in every scenario.
Fixed seeds: the output is reproducible. Runtime goal < 3 min on the project machine.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from scipy import special

from me_utils.analysis import status, trends

K_SERIES = 12
#: Spread (logit or log scale) of targets around the latest observed value.
TARGET_SD = 0.6
SCENARIOS = {
    "binomial": ("binomial", 0.0),
    "beta-binomial ρ=0.01": ("binomial", 0.01),
    "beta-binomial ρ=0.03": ("binomial", 0.03),
    "Poisson": ("poisson", 0.0),
    "negative binomial α=0.05": ("poisson", 0.05),
}


def _draw_binomial(rng, n, p, rho):
    if rho <= 0:
        return rng.binomial(n, p)
    c = 1.0 / rho - 1.0
    return rng.binomial(n, rng.beta(p * c, (1 - p) * c))


def _draw_poisson(rng, mu, alpha):
    if alpha <= 0:
        return rng.poisson(mu)
    r = 1.0 / alpha
    return rng.negative_binomial(r, r / (r + mu))


def simulate_batch(rng, family: str, extra: float):
    """One unit's K series: list of dicts (years, num, den, target, direction, future truth)."""
    out = []
    for _ in range(K_SERIES):
        npts = int(rng.integers(3, 7))
        horizon = int(rng.choice([1, 5]))
        last = 2024 if horizon == 1 else 2025
        years = np.arange(last - npts + 1, last + 1, dtype=float)
        T = last + horizon
        base_n = float(rng.integers(30, 401))
        den = np.maximum(np.round(base_n * rng.uniform(0.95, 1.05, npts)), 1.0)
        up = bool(rng.random() < 0.5)
        if family == "binomial":
            a, b = rng.uniform(special.logit(0.1), special.logit(0.9)), rng.normal(0.0, 0.15)
            p = special.expit(a + b * (years - last))
            num = _draw_binomial(rng, den.astype(int), p, extra).astype(float)
            pT = special.expit(a + b * (T - last))
            nT = int(den[-1])
            yT = float(_draw_binomial(rng, nT, pT, extra)) / nT * 100
            # the target is set from what is observed (as a plan is), never from the unknown truth
            p_obs = np.clip(num[-1] / den[-1], 0.5 / den[-1], 1 - 0.5 / den[-1])
            target = float(special.expit(special.logit(p_obs) + rng.normal(0, TARGET_SD))) * 100
            scale, kind = 100.0, "proportion"
        else:
            lam0, b = np.exp(rng.uniform(np.log(0.05), np.log(0.5))), rng.normal(0.0, 0.1)
            lam = lam0 * np.exp(b * (years - last))
            num = _draw_poisson(rng, den * lam, extra).astype(float)
            lamT = lam0 * np.exp(b * (T - last))
            nT = den[-1]
            yT = float(_draw_poisson(rng, nT * lamT, extra)) / nT * 100
            r_obs = (num[-1] + 0.5) / den[-1]
            target = float(r_obs * np.exp(rng.normal(0, TARGET_SD))) * 100
            scale, kind = 100.0, "rate"
        out.append(
            dict(
                years=years,
                num=num,
                den=den,
                T=T,
                yT=yT,
                target=target,
                up=up,
                scale=scale,
                pT=pT if family == "binomial" else lamT,
                kind=kind,
                horizon=horizon,
            )
        )
    return out


def ece(pred, outcome, bins: int = 10) -> float:
    """Expected calibration error: Σ_b (n_b/N)·|mean(pred_b) − mean(outcome_b)|, equal-width bins."""
    pred, outcome = np.asarray(pred, float), np.asarray(outcome, float)
    idx = np.minimum((pred * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() * abs(pred[m].mean() - outcome[m].mean())
    return total / len(pred)


def run_scenario(name, family, extra, batches, seed, pooled=True):
    rng = np.random.default_rng(seed)
    preds, outs, cover, horizon = [], [], [], []
    skipped = 0
    for _ in range(batches):
        batch = simulate_batch(rng, family, extra)
        keep = []
        for s in batch:
            ok, _reason = status.enough_information(s["kind"], s["years"], s["num"], s["den"])
            if not ok:
                skipped += 1
                continue
            keep.append(s)
        fits = [
            trends.choose_and_fit(
                s["years"],
                s["num"] / s["den"] * s["scale"],
                kind=s["kind"],
                scale=s["scale"],
                numerators=s["num"],
                denominators=s["den"],
            )
            for s in keep
        ]
        if pooled == "noshrink":
            disp = trends.pool_dispersion(fits)
            fits = [
                f.with_dispersion(disp[f.family].value, disp[f.family].df) if disp[f.family].df > 0 else f for f in fits
            ]
        elif pooled:
            fits = trends.pool_fits(fits)
        for s, f in zip(keep, fits):
            d = "increase" if s["up"] else "decrease"
            p = f.prob_reach(s["T"], s["target"], d)
            hit = s["yT"] >= s["target"] - 1e-9 if s["up"] else s["yT"] <= s["target"] + 1e-9
            row = f.predict_array([s["T"]], 0.95)[0]
            preds.append(p)
            outs.append(float(hit))
            cover.append(bool(row[4] - 1e-9 <= s["yT"] <= row[5] + 1e-9) if np.isfinite(row[4]) else False)
            horizon.append(s["horizon"])
    preds, outs, cover, horizon = map(np.asarray, (preds, outs, cover, horizon))
    floor_rng = np.random.default_rng(seed + 1)
    floor = float(np.mean([ece(preds, floor_rng.random(len(preds)) < preds) for _ in range(20)]))
    res = {
        "scenario": name,
        "n": len(preds),
        "skipped": skipped,
        "ece": ece(preds, outs),
        "ece_floor": floor,
        "brier": float(np.mean((preds - outs) ** 2)),
        "coverage": float(cover.mean()),
    }
    for h in (1, 5):
        m = horizon == h
        res[f"coverage_h{h}"] = float(cover[m].mean())
        res[f"ece_h{h}"] = ece(preds[m], outs[m])
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batches", type=int, default=400, help="units (batches of 12 series) per scenario")
    ap.add_argument("--seed", type=int, default=20250506)
    ap.add_argument("--own", action="store_true", help="also run each series with its own dispersion only")
    ap.add_argument("--no-shrink", action="store_true", help="also run pooled dispersion without slope shrinkage")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    modes = (
        [("pooled", True)]
        + ([("own", False)] if args.own else [])
        + ([("noshrink", "noshrink")] if args.no_shrink else [])
    )
    print(
        f"{'mode':7} {'scenario':26} {'N':>6} {'skip':>5} {'ECE':>6} {'floor':>6} {'Brier':>6} "
        f"{'cover':>6} {'cov h1':>6} {'cov h5':>6} {'ECE h1':>6} {'ECE h5':>6}  goals"
    )
    misses = 0
    for mode, pooled in modes:
        for i, (name, (family, extra)) in enumerate(SCENARIOS.items()):
            r = run_scenario(name, family, extra, args.batches, args.seed + 101 * i, pooled)
            ok = 0.92 <= r["coverage"] <= 0.97 and r["ece"] <= 0.03
            misses += (not ok) and pooled is True
            print(
                f"{mode:7} {name:26} {r['n']:6d} {r['skipped']:5d} {r['ece']:6.3f} {r['ece_floor']:6.3f} "
                f"{r['brier']:6.3f} {r['coverage']:6.3f} {r['coverage_h1']:6.3f} {r['coverage_h5']:6.3f} "
                f"{r['ece_h1']:6.3f} {r['ece_h5']:6.3f}  {'met' if ok else 'MISSED'}",
                flush=True,
            )
    print(f"total time {time.perf_counter() - t0:.1f} s")
    return 0 if misses == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
