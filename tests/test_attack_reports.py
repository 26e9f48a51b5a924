"""Whole-set attacker on rendered reports, independent of the code's own equations.

The reports are rendered for the demo data (province SL and the district Sốp Cộp SC: the
targets scorecard, the GBV page, the phase-end review and its scorecard.xlsx); every figure a
reader can see of a GBV-derived indicator is parsed from the HTML and xlsx files alone
(values, 95% Wilson intervals — which imply the count and the denominator —, numerator and
denominator columns, the returnee table); :func:`me_utils.render.leakscan.attack` builds the linear
system (province = Σ districts, FY = H1 + H2, denominator = numerator + rest, M3.C2a and G.1
share their denominator) and asks ``scipy.optimize.linprog`` for the range of every count that
is truly 1–4 (ground truth: the built observations). A range narrower than 1 is a leak.

- The reports of a normal run (``me build`` gates every GBV-derived figure in the evidence
  base; every report reads it) withstand the attack.
- Negative control: a copy of the data root whose evidence base was computed without the gate
  (``compute_evidence(gate_figures=False)``), one report (the Sốp Cộp scorecard) rendered from
  it and dropped into the gated set — the attacker finds the leak the reviewer saw before the
  gate existed ("0,0–65,8" = 0 of 2).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from me_utils.analysis import gate
from me_utils.render import leakscan as L

pytestmark = pytest.mark.slow
UNITS = "SL,SC"


def _cli(*args, env=None):
    res = subprocess.run(
        [sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, env=env, check=False
    )
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    return res


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    import os

    from me_utils.evidence.base import compute_evidence, write_evidence

    base = tmp_path_factory.mktemp("attack")
    env = dict(os.environ)
    root = base / "demo"
    _cli("demo", "--out", str(root), "--seed", "20250506", env=env)
    _cli("build", "--root", str(root), env=env)
    obs = pd.read_csv(root / "processed" / "observations.csv")
    # the negative control's data root: same data, evidence base computed without the gate
    uroot = base / "ungated"
    shutil.copytree(root, uroot)
    write_evidence(compute_evidence(uroot, gate_figures=False), uroot)
    cur, gated = base / "reports_ungated", base / "reports_gated"
    _cli(
        "report",
        "--data-root",
        str(uroot),
        "--units",
        "SC",
        "--topics",
        "scorecard",
        "--reports",
        str(cur),
        "--no-progress",
        "--jobs",
        "2",
        env=env,
    )
    _cli(
        "report",
        "--data-root",
        str(root),
        "--units",
        UNITS,
        "--topics",
        "scorecard,gbv,phase_end_review,tong_ket_gbv",
        "--reports",
        str(gated),
        "--no-progress",
        "--jobs",
        "2",
        env=env,
    )
    truth = obs[gate.is_gbv_derived(obs["indicator_code"])]
    return {"current": cur, "gated": gated, "targets": L.sensitive_cells(truth), "base": base}


def test_ungated_scorecard_leaks_what_the_reviewer_saw(sets):
    res = L.attack(L.parse_reports(sets["current"]), sets["targets"])
    det = res[res["determined"]]
    key = set(zip(det["indicator_code"], det["unit_code"], det["year"], det["field"]))
    # Sốp Cộp 2024: "0,0–65,8" is 0 of 2 (M3.C2a, M3.C2b, G.1)
    for code in ("M3.C2a", "M3.C2b", "G.1"):
        assert (code, "SC", 2024, "den") in key
    assert det["shown_by"].str.endswith("SC/10_targets_scorecard.html").any()
    scan = L.scan_reports(sets["current"])
    assert any(f["text"] == "0,0–65,8" and "SC" in f["file"] for f in scan)


def test_gated_reports_withstand_attack(sets):
    facts = L.parse_reports(sets["gated"])
    # the parser reads every kind of output of the set
    files = {Path(f).name for f in facts["file"]}
    assert {"10_targets_scorecard.html", "20_gbv.html", "00_phase_end_review.html", "scorecard.xlsx"} <= files
    assert len(sets["targets"]) > 500
    res = L.attack(facts, sets["targets"])
    assert not res["determined"].any(), res[res["determined"]].to_string()
    # the tổng kết's reporting-compliance table (reports per body) is not taken for GBV counts
    assert (sets["gated"] / "vi" / "SL" / "03_tong_ket_gbv.html").exists()
    assert L.scan_reports(sets["gated"]) == []


def test_negative_control_one_ungated_report(sets):
    mixed = sets["base"] / "reports_mixed"
    shutil.copytree(sets["gated"], mixed)
    shutil.copy(
        sets["current"] / "vi" / "SC" / "10_targets_scorecard.html", mixed / "vi" / "SC" / "10_targets_scorecard.html"
    )
    res = L.attack(L.parse_reports(mixed), sets["targets"])
    det = res[res["determined"]]
    assert len(det) >= 10
    assert ((det["indicator_code"] == "M3.C2a") & (det["unit_code"] == "SC") & (det["year"] == 2024)).any()
    assert L.scan_reports(mixed) != []
