"""The publication gate (me_utils.analysis.gate): primary and complementary suppression of GBV-derived
figures, checked against an attacker written independently (me_utils.render.leakscan.attack, plain
linprog over the shown rows) rather than against the gate's own cubes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from me_utils.analysis import gate
from me_utils.analysis.intervals import wilson_ci
from me_utils.reference.units import load_units
from me_utils.render import leakscan as L

DIST = load_units().districts()


def _figures(rows):
    """Long figures table from (code, unit, year, period, num, den) tuples; province rows are
    added as the sum of the districts for each code/year/period."""
    df = pd.DataFrame(rows, columns=["indicator_code", "unit_code", "year", "period", "numerator", "denominator"])
    prov = df.groupby(["indicator_code", "year", "period"], as_index=False)[["numerator", "denominator"]].sum()
    prov["unit_code"] = "SL"
    df = pd.concat([df, prov], ignore_index=True)
    df["sex"] = "T"
    df["value"] = df["numerator"] / df["denominator"] * 100
    lo, hi = wilson_ci(df["numerator"].to_numpy(), df["denominator"].to_numpy())
    df["ci_low"], df["ci_high"] = np.asarray(lo) * 100, np.asarray(hi) * 100
    df["gbv_derived"] = True
    return df


def _random_rows(seed, codes=("M3.C2a",), years=range(2021, 2025), halves=True, shared=False):
    rng = np.random.default_rng(seed)
    rows = []
    dens = {}
    for code in codes:
        for d in DIST:
            for y in years:
                key = (d, y)
                if shared and key in dens:
                    h1d, fyd = dens[key]
                else:
                    h1d = int(rng.integers(0, 12))
                    fyd = h1d + int(rng.integers(0, 12))
                    dens[key] = (h1d, fyd)
                h1n = int(rng.integers(0, h1d + 1))
                fyn = h1n + int(rng.integers(0, fyd - h1d + 1))
                rows.append((code, d, y, "FY", fyn, fyd))
                if halves:
                    rows.append((code, d, y, "H1", h1n, h1d))
    return rows


def test_primary_rule_by_hand():
    # three districts carry everything; the others are zero so the province is their sum
    rows = [("M3.C2a", d, 2024, "FY", 0, 0) for d in DIST]
    rows[0] = ("M3.C2a", DIST[0], 2024, "FY", 20, 40)  # 20 / 20: safe
    rows[1] = ("M3.C2a", DIST[1], 2024, "FY", 9, 12)  # rest 3: primary
    rows[2] = ("M3.C2a", DIST[2], 2024, "FY", 30, 31)  # rest 1: primary
    fig = _figures(rows)
    out = gate.publish(fig, k=5, cache_dir="")
    by = out.set_index("unit_code")
    assert by.loc[DIST[1], "suppress_reason"] == "primary"
    assert by.loc[DIST[2], "suppress_reason"] == "primary"
    # two hidden rests (3 and 1) and a shown province total (rest 24) would give their sum 4;
    # with the rests 3 and 1 in the same line, each can still move by one against the other,
    # so hiding both rows is enough, and the safe district stays shown
    assert not by.loc[DIST[0], "suppressed"]
    for c in gate.VALUE_COLUMNS:
        assert by.loc[[DIST[1], DIST[2]], c].isna().all()
    assert by.loc[DIST[0], "value"] == pytest.approx(50.0)
    # zero-denominator districts show nothing sensitive: not suppressed
    assert not by.loc[DIST[5], "suppressed"]


def test_single_small_cell_needs_a_complement():
    rows = [("G.2", d, 2024, "FY", 0, 0) for d in DIST]
    rows[0] = ("G.2", DIST[0], 2024, "FY", 10, 12)  # rest 2: primary
    rows[1] = ("G.2", DIST[1], 2024, "FY", 30, 50)
    rows[2] = ("G.2", DIST[2], 2024, "FY", 40, 60)
    out = gate.publish(_figures(rows), k=5, cache_dir="")
    by = out.set_index("unit_code")
    assert by.loc[DIST[0], "suppress_reason"] == "primary"
    # province shown and district 0 hidden alone would give district 0 = SL − the others
    hidden = set(by.index[by["suppressed"]])
    # one complement among the districts is enough; the province total stays shown
    assert len(hidden) == 2 and DIST[0] in hidden and "SL" not in hidden
    assert (by["suppress_reason"] == "complementary").sum() == 1


def test_non_gbv_rows_untouched_and_columns():
    fig = _figures([("M3.C2a", d, 2024, "FY", 1, 2) for d in DIST])
    other = fig.assign(indicator_code="M1.C1", gbv_derived=False)
    out = gate.publish(pd.concat([fig, other], ignore_index=True), cache_dir="")
    o = out[out["indicator_code"] == "M1.C1"]
    assert not o["suppressed"].any() and (o["suppress_reason"] == "").all()
    pd.testing.assert_series_equal(
        o["numerator"].reset_index(drop=True),
        other["numerator"].astype(float).reset_index(drop=True),
        check_names=False,
    )
    assert out.loc[out["indicator_code"] == "M3.C2a", "suppressed"].all()
    with pytest.raises(ValueError):
        gate.publish(fig.drop(columns=["ci_low"]))


def test_province_not_sum_is_gated_alone_and_no_counts_hidden():
    rows = [("M3.C3", d, 2024, "FY", 10, 10) for d in DIST]
    fig = _figures(rows)
    fig.loc[fig["unit_code"] == "SL", ["numerator", "denominator"]] = [117, 120]  # rest 3
    fig = pd.concat(
        [fig, fig.iloc[[0]].assign(year=2025, numerator=np.nan, denominator=np.nan, value=80.0)], ignore_index=True
    )
    out = gate.publish(fig, cache_dir="")
    sl = out[(out["unit_code"] == "SL") & (out["year"] == 2024)].iloc[0]
    assert sl["suppress_reason"] == "primary"
    assert out.iloc[-1]["suppress_reason"] == "primary"  # a value without counts cannot be checked
    assert not out[(out["unit_code"] != "SL") & (out["year"] == 2024)]["suppressed"].any()


def test_second_half_year_is_protected():
    # FY 30/40 and H1 28/38: both safe, but H2 = 2/2 would follow by subtraction
    rows = [("DV.4", d, 2024, p, 20, 20) for d in DIST for p in ("FY", "H1")]
    rows = [r for r in rows if r[1] != DIST[3]]
    rows += [("DV.4", DIST[3], 2024, "FY", 30, 40), ("DV.4", DIST[3], 2024, "H1", 28, 38)]
    out = gate.publish(_figures(rows), cache_dir="")
    d3 = out[out["unit_code"] == DIST[3]].set_index("period")
    assert d3["suppressed"].any()
    facts = _facts_from(out)
    truth = _figures(rows)
    tg = L.sensitive_cells(truth)
    assert ((tg["period"] == "H2") & (tg["unit_code"] == DIST[3])).any()
    res = L.attack(facts, tg, shared_denominators=())
    assert not res["determined"].any(), res[res["determined"]]


def _facts_from(out: pd.DataFrame) -> pd.DataFrame:
    """What a reader sees of a gated table: every shown row's numerator and denominator."""
    recs = []
    for r in out[~out["suppressed"]].itertuples(index=False):
        if pd.isna(r.numerator):
            continue
        for field, v in (("num", r.numerator), ("den", r.denominator), ("rest", r.denominator - r.numerator)):
            recs.append(
                {
                    "file": "gated",
                    "indicator_code": r.indicator_code,
                    "unit_code": r.unit_code,
                    "year": int(r.year),
                    "period": r.period,
                    "field": field,
                    "lo": v,
                    "hi": v,
                }
            )
    return pd.DataFrame(recs, columns=["file", "indicator_code", "unit_code", "year", "period", "field", "lo", "hi"])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_independent_attacker_on_random_tables(seed):
    # two indicators sharing their denominators (like M3.C2a and G.1), H1 nested in FY
    # two years keep the LP work small; the structure (districts, halves, shared totals) is whole
    rows = _random_rows(seed, codes=("M3.C2a", "G.1"), years=range(2023, 2025), shared=True)
    truth = _figures(rows)
    out = gate.publish(truth, cache_dir="")
    assert out["suppressed"].any()
    tg = L.sensitive_cells(truth)
    res = L.attack(_facts_from(out), tg, shared_denominators=(("M3.C2a", "G.1"),))
    assert len(tg) > 100
    assert not res["determined"].any(), res[res["determined"]].head()
    # negative control: publishing every row gives the small counts away
    bare = truth.assign(suppressed=False)
    leak = L.attack(_facts_from(bare), tg, shared_denominators=(("M3.C2a", "G.1"),))
    assert leak["determined"].all()


def test_publish_assessments_blanks_mostly_hidden_series():
    gated = pd.DataFrame(
        {
            "indicator_code": "M3.C2a",
            "unit_code": ["SC"] * 5 + ["SL"] * 5,
            "year": list(range(2020, 2025)) * 2,
            "period": "FY",
            "sex": "T",
            "gbv_derived": True,
            "value": [np.nan] * 4 + [50.0] + [60.0, 61.0, 62.0, 63.0, np.nan],
            "suppressed": [True] * 4 + [False] + [False] * 4 + [True],
        }
    )
    ass = pd.DataFrame(
        {
            "indicator_code": "M3.C2a",
            "unit_code": ["SC", "SL"],
            "latest_year": [2024, 2024],
            "latest_value": [50.0, 64.0],
            "ci_low": [30.0, 60.0],
            "ci_high": [70.0, 68.0],
            "proj_2025": [55.0, 65.0],
            "prob_reach_2025": [0.3, 0.6],
            "status_unsd": ["x", "y"],
            "summary_category": ["behind", "on_track"],
            "gap_2025": [1.0, 2.0],
        }
    )
    out = gate.publish_assessments(ass, gated).set_index("unit_code")
    sc, sl = out.loc["SC"], out.loc["SL"]
    assert sc["gate_suppressed"] and sc["summary_category"] == "suppressed"
    assert np.isnan(sc["proj_2025"]) and np.isnan(sc["prob_reach_2025"]) and sc["status_unsd"] == ""
    assert "bảo vệ người bị hại" in sc["gate_note_vi"] and "cấp tỉnh" in sc["gate_note_vi"]
    # province: 4 of 5 years shown, but the latest (2024) is hidden → no latest value/interval
    assert sl["gate_suppressed"] and np.isnan(sl["latest_value"]) and np.isnan(sl["ci_high"])
    assert sl["proj_2025"] == 65.0 and sl["summary_category"] == "on_track"


def test_suppression_note_names_where_never_values():
    rows = [("M3.C2a", d, 2024, "FY", 0, 0) for d in DIST]
    rows[10] = ("M3.C2a", "SC", 2024, "FY", 0, 2)
    rows[0] = ("M3.C2a", DIST[0], 2024, "FY", 30, 50)
    out = gate.publish(_figures(rows), cache_dir="")
    note = gate.suppression_note(out, unit="SC", lang="vi")
    assert note.startswith("**Số liệu bị ẩn để bảo vệ người bị hại.**")
    assert "M3.C2a: 2024" in note and "từ 1 đến 4" in note
    en = gate.suppression_note(out, unit="SC", lang="en")
    assert "M3.C2a: 2024" in en and "protect survivors" in en
    assert gate.suppression_note(out, unit="VH") == ""
    allu = gate.suppression_note(out)
    assert "M3.C2a (SC): 2024" in allu


@pytest.mark.slow
def test_demo_observations_attacked_independently(tmp_path):
    """The whole demo set of GBV-derived figures, gated, against the independent attacker
    (every shown row's counts known; province = Σ districts; FY = H1 + H2)."""
    import subprocess
    import sys

    root = tmp_path / "demo"
    subprocess.run(
        [sys.executable, "-m", "me_utils.cli", "demo", "--out", str(root), "--seed", "20250506"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "me_utils.cli", "build", "--root", str(root)], check=True, capture_output=True
    )
    obs = pd.read_csv(root / "processed" / "observations.csv")
    obs["gbv_derived"] = gate.is_gbv_derived(obs["indicator_code"])
    lo, hi = wilson_ci(obs["numerator"].fillna(0).to_numpy(), obs["denominator"].fillna(0).to_numpy())
    obs["ci_low"], obs["ci_high"] = np.asarray(lo) * 100, np.asarray(hi) * 100
    out = gate.publish(obs, cache_dir=str(tmp_path / "cache"))
    g = out[out["gbv_derived"]]
    truth = obs[obs["gbv_derived"]]
    tg = L.sensitive_cells(truth)
    res = L.attack(_facts_from(g), tg)
    assert not res["determined"].any(), res[res["determined"]].head()
    # every shown GBV-derived row has no count 1–4 (numerator, denominator, rest)
    shown = g[~g["suppressed"] & g["numerator"].notna()]
    for c in (shown["numerator"], shown["denominator"], shown["denominator"] - shown["numerator"]):
        assert not ((c > 0) & (c < 5)).any()
    # what the reviewer saw on the Sốp Cộp scorecard (0 of 2 in 2024) is hidden
    sc = out[(out["indicator_code"] == "M3.C2a") & (out["unit_code"] == "SC") & (out["year"] == 2024)]
    assert sc["suppressed"].all()
    # and M3.C3 for the province in 2022 and 2023 (3 and 1 unsupported)
    m = out[(out["indicator_code"] == "M3.C3") & (out["unit_code"] == "SL") & out["year"].isin([2022, 2023])]
    assert m["suppressed"].all() and (m["suppress_reason"] == "primary").all()


@pytest.mark.slow
def test_scorecard_on_gated_observations_and_assessment_gate(tmp_path):
    """Sốp Cộp: every yearly GBV figure is hidden, so the scorecard built from the published
    observations has no point for them, and the assessment gate says why in Vietnamese; the
    province keeps its assessments."""
    import subprocess
    import sys

    from me_utils.analysis import scorecard
    from me_utils.build import dataset
    from me_utils.reference import catalogue

    root = tmp_path / "demo"
    subprocess.run(
        [sys.executable, "-m", "me_utils.cli", "demo", "--out", str(root), "--seed", "20250506"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-m", "me_utils.cli", "build", "--root", str(root)], check=True, capture_output=True
    )
    obs = dataset.load_observations(root)
    cat = catalogue.load_catalogue()
    pub = gate.published_observations(obs, cache_dir=str(tmp_path / "c"))
    assert len(pub) < len(obs)
    assert set(pub.columns) == set(obs.columns)
    fig = obs.assign(ci_low=np.nan, ci_high=np.nan, gbv_derived=gate.is_gbv_derived(obs["indicator_code"]))
    gated = gate.publish(fig, cache_dir=str(tmp_path / "c"))
    # published_observations drops exactly the suppressed rows
    assert len(pub) == int((~gated["suppressed"]).sum())
    for unit in ("SC", "SL"):
        sc = scorecard.build_scorecard(cat, pub, unit=unit).assign(unit_code=unit)
        out = gate.publish_assessments(sc, gated, period_start=2021, period_end=2025).set_index("indicator_code")
        if unit == "SC":
            for code in ("M3.C2a", "M3.C2b", "M3.C3", "G.1", "G.2", "DV.4", "DV.5"):
                r = out.loc[code]
                assert r["summary_category"] == "suppressed" and r["gate_suppressed"]
                assert np.isnan(r["latest_value"]) and np.isnan(r["proj_2025"]) and np.isnan(r["prob_reach_2025"])
                assert r["gate_note_vi"].startswith("Số liệu nhỏ bị ẩn để bảo vệ người bị hại")
            assert out.loc["DV.1", "summary_category"] != "suppressed"  # large counts stay
        else:
            for code in ("M3.C2a", "G.1", "M3.C3"):
                assert not out.loc[code, "gate_suppressed"]
                assert np.isfinite(out.loc[code, "latest_value"])


def test_same_figure_from_two_sources_shares_the_pattern():
    # a figure reported twice (submission and register) with the same counts is one cell: both
    # copies are shown or hidden together; a copy with other counts is gated on its own
    rows = [("G.2", d, 2024, "FY", 0, 0) for d in DIST]
    rows[0] = ("G.2", DIST[0], 2024, "FY", 10, 12)  # rest 2: primary
    rows[1] = ("G.2", DIST[1], 2024, "FY", 30, 50)
    rows[2] = ("G.2", DIST[2], 2024, "FY", 40, 60)
    fig = _figures(rows).assign(source="submission")
    twin = fig[fig["unit_code"].isin(DIST[:3])].assign(source="register")
    odd = fig[fig["unit_code"] == DIST[3]].assign(source="register", numerator=2.0, denominator=3.0)
    out = gate.publish(pd.concat([fig, twin, odd], ignore_index=True), cache_dir="")
    a = out[out["source"] == "submission"].set_index("unit_code")["suppressed"]
    b = out[out["source"] == "register"].set_index("unit_code")["suppressed"]
    for u in DIST[:3]:
        assert a[u] == b[u]
    assert b[DIST[3]] and not a[DIST[3]]
