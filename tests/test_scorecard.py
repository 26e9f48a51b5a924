"""Scorecard frame: contract columns, one row per catalogue indicator, values checked against
independent computations (Wilson/Garwood, hand CAGR), flags and edge cases."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_review_fixtures import outlook_band_by_hand  # the documented cut-offs, by hand

from me_utils.analysis import status
from me_utils.analysis.scorecard import SCORECARD_COLUMNS, build_scorecard, build_scorecard_detail, note_text
from me_utils.build.dataset import OBS_COLUMNS
from me_utils.reference.catalogue import load_catalogue

CONTRACT_COLUMNS = (
    "indicator_code, name_vi, name_en, framework, objective, department, kind, direction, unit_label, "
    "n_points, first_year, latest_year, latest_value, ci_low, ci_high, target_2025, target_2030, "
    "target_basis, verified, gap_2025, status_unsd, status_statcan, status_escap, status_headline, "
    "summary_category, proj_2025, proj_2025_low, proj_2025_high, proj_2030, proj_2030_low, proj_2030_high, "
    "prob_reach_2025, prob_reach_2030, model, note, result_2025, assessed_target_year, "
    # the status model of issue 13 (me_utils.analysis.status)
    "margin_2025, margin_2025_low, margin_2025_high, outlook, outlook_year, outlook_prob, scope, enumeration, "
    "trend_from_year, status_reason_vi, status_reason_en"
).split(", ")


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def _obs(rows):
    out = []
    for r in rows:
        base = dict(
            unit_code="SL",
            period="FY",
            sex="T",
            numerator=np.nan,
            denominator=np.nan,
            department="SNV",
            submission_date=pd.Timestamp("2025-11-01"),
            source_file="x.csv",
            source_sheet="",
            source_row=1,
            note="",
        )
        base.update(r)
        out.append(base)
    return pd.DataFrame(out, columns=OBS_COLUMNS)


@pytest.fixture(scope="module")
def obs():
    rows = []
    # M2.C1 (proportion, increase, 50 % by 2025): the worked example with numerators/denominators
    # (M1.C1 is a complete count of agencies: no sampling interval, see tests/test_status.py)
    for y, x, n in ((2021, 20, 100), (2022, 22, 100), (2023, 23, 100), (2024, 24, 100)):
        rows.append(dict(indicator_code="M2.C1", year=y, value=x / n * 100, numerator=x, denominator=n))
    # M4.C2 maternal mortality (rate per 100 000, decrease to 42)
    for y, d, b in ((2021, 9, 15000), (2022, 8, 15200), (2023, 6, 15100), (2024, 5, 15300)):
        rows.append(dict(indicator_code="M4.C2", year=y, value=d / b * 1e5, numerator=d, denominator=b))
    # M3.C1 ratio without denominators (levels): one point only
    rows.append(dict(indicator_code="M3.C1", year=2024, value=1.9))
    # A half-year figure must not enter the trend
    rows.append(dict(indicator_code="M2.C1", year=2025, period="H1", value=90.0, numerator=90, denominator=100))
    # Another unit and another sex must not leak in
    rows.append(dict(indicator_code="M2.C1", year=2024, unit_code="MC", value=99.0, numerator=99, denominator=100))
    rows.append(dict(indicator_code="M2.C1", year=2024, sex="F", value=1.0, numerator=1, denominator=100))
    # L.4 is an election-term indicator
    rows.append(dict(indicator_code="L.4", year=2021, value=1.0))
    rows.append(dict(indicator_code="L.4", year=2022, value=1.0))
    return _obs(rows)


def test_columns_and_rows_follow_contract(cat, obs):
    sc = build_scorecard(cat, obs)
    assert list(sc.columns) == CONTRACT_COLUMNS == SCORECARD_COLUMNS
    assert list(sc["indicator_code"]) == list(cat.indicators)
    assert set(sc["summary_category"]) <= set(status.SUMMARY_ORDER)
    assert (sc["status_headline"] == sc["summary_category"]).all()
    p = sc[["prob_reach_2025", "prob_reach_2030"]].to_numpy()
    # model probabilities are never exactly 0 or 1
    assert np.all((np.isnan(p)) | ((p >= 0.001) & (p <= 0.999)))
    nodata = sc[sc["n_points"] == 0]
    assert len(nodata) == len(cat.indicators) - 4
    for r in nodata.itertuples():
        ind = cat.indicators[r.indicator_code]
        expect = (
            "context"
            if r.indicator_code in status.NATIONAL_ONLY
            else "no_target"
            if ind.target(2025) is None
            else "not_assessed"
        )
        assert r.summary_category == expect, r.indicator_code


def test_proportion_row(cat, obs):
    sc = build_scorecard(cat, obs).set_index("indicator_code")
    r = sc.loc["M2.C1"]
    assert r["n_points"] == 4 and r["latest_year"] == 2024 and r["latest_value"] == pytest.approx(24.0)
    ci = stats.binomtest(24, 100).proportion_ci(method="wilson")
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((ci.low * 100, ci.high * 100))
    assert r["target_2025"] == cat.indicators["M2.C1"].target(2025) == 50
    assert r["gap_2025"] == pytest.approx(26)
    g = (24 / 20) ** (1 / 3) - 1
    gT = (50 / 20) ** (1 / 4) - 1
    # R = 0.063 / 0.257 = 0.24: 0 ≤ R < 0.6 → limited progress
    assert 0 <= g / gT < 0.6 and r["status_statcan"] == "limited_progress"
    r_unsd = (24 * (1 + g) - 20) / (50 - 20)
    assert r_unsd >= 0.10 and r["status_unsd"] == "acceleration_needed"
    assert r["model"].endswith("binomial_glm") and "half_year_ignored" in r["note"]
    assert r["proj_2025_low"] <= r["proj_2025"] <= r["proj_2025_high"]
    # 24 % → 50 % in one year is very unlikely; the only proportion series of this unit has its own
    # dispersion on 2 df, so the t(2) predictor keeps a few per cent in the tail — never exactly 0
    assert 0.001 <= r["prob_reach_2025"] < 0.05
    # 2025 not observed: pending, and the headline is the band of that probability
    assert r["result_2025"] == "pending" and r["outlook_year"] == 2025
    assert r["outlook"] == r["summary_category"] == r["status_headline"] == "outlook_very_unlikely"


def test_rate_row_uses_garwood(cat, obs):
    r = build_scorecard(cat, obs).set_index("indicator_code").loc["M4.C2"]
    lo = stats.chi2.ppf(0.025, 10) / 2 / 15300 * 1e5
    hi = stats.chi2.ppf(0.975, 12) / 2 / 15300 * 1e5
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((lo, hi))
    assert r["model"] in ("poisson_glm", "quasi_poisson_glm")
    # 32.7 per 100 000 ≤ 42 in 2024, but 2025 is not observed: never "achieved" before 2025;
    # the headline is the band of the probability by the documented cut-offs
    p = r["prob_reach_2025"]
    assert r["result_2025"] == "pending" and 0.001 <= p <= 0.999
    band = outlook_band_by_hand(p)
    assert r["summary_category"] == band and r["outlook_prob"] == p
    ind = cat.indicators["M4.C2"]
    assert r["verified"] == ind.verified and ("target_unverified" in r["note"]) == (not ind.verified)


def test_one_point_and_term_rows(cat, obs):
    sc = build_scorecard(cat, obs).set_index("indicator_code")
    one = sc.loc["M3.C1"]
    assert one["status_unsd"] == "insufficient_data" and one["model"] == "none"
    assert math.isnan(one["proj_2030"]) and "one_point" in one["note"]
    term = sc.loc["L.4"]
    assert term["status_unsd"] == "term_indicator" and term["model"] == "term"
    assert term["summary_category"] == "no_target" and term["enumeration"]  # L.4 has no numeric target
    assert "term_no_trend" in term["note"]


def test_headline_method_and_units(cat, obs):
    sc = build_scorecard(cat, obs, headline_method="escap").set_index("indicator_code")
    assert sc.loc["M2.C1", "status_escap"] == "accelerate"
    mc = build_scorecard(cat, obs, unit="MC").set_index("indicator_code")
    # Mộc Châu district ceased on 30/06/2025: no 2025 figure can come, no forecast; one point
    # meeting the 2025 target is not "achieved" (issue 13)
    r = mc.loc["M2.C1"]
    assert r["latest_value"] == 99.0 and r["result_2025"] == r["summary_category"] == "not_assessed"
    assert "30/06/2025" in r["status_reason_vi"] and math.isnan(r["prob_reach_2025"])
    f = build_scorecard(cat, obs, sex="F").set_index("indicator_code")
    assert f.loc["M2.C1", "latest_value"] == 1.0
    with pytest.raises(ValueError):
        build_scorecard(cat, obs, headline_method="best")


def test_empty_observations(cat):
    sc = build_scorecard(cat, _obs([]))
    assert len(sc) == len(cat.indicators)
    assert set(sc["summary_category"]) == {"not_assessed", "no_target", "context"}


def test_detail_frame_numbers(cat, obs):
    df, items = build_scorecard_detail(cat, obs)
    r = df.set_index("indicator_code").loc["M2.C1"]
    assert r["escap_csi"] == pytest.approx((24 - 20) / (50 - 20))
    assert r["escap_expected"] == pytest.approx(0.75)
    assert len(items) == len(df)


def test_note_text_translates_codes():
    assert "chưa được kiểm chứng" in note_text("target_unverified; one_point", "vi")
    assert note_text("target_unverified", "en").startswith("⚠ target not verified")
    assert note_text("", "en") == ""


# ------------------------------------------------------------------ notebook 10
NOTEBOOK = __import__("pathlib").Path(__file__).resolve().parents[1] / "notebooks" / "10_targets_scorecard.ipynb"


def test_notebook_structure():
    import nbformat

    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    meta = nb.metadata["me_report"]
    assert meta["topic"] == "scorecard" and meta["scope"] == ["province", "district"] and meta["order"] == 10
    assert nb.metadata["kernelspec"]["name"] == "python3"
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for name in ("unit", "period_start", "period_end", "lang", "data_root", "headline_method"):
        assert f"{name} =" in params[0].source
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
    assert "me_utils.reports.notebook.start(" in nb.cells[1].source


@pytest.mark.slow
@pytest.mark.parametrize("lang,headline", [("vi", "unsd"), ("en", "statcan")])
def test_notebook_runs_on_a_small_data_root(tmp_path, cat, obs, lang, headline):
    import json

    import nbformat
    import papermill as pm

    (tmp_path / "processed").mkdir()
    obs.to_csv(tmp_path / "processed" / "observations.csv", index=False)
    (tmp_path / "processed" / "manifest.json").write_text(json.dumps({"illustrative": True}))
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"data_root": str(tmp_path), "lang": lang, "headline_method": headline},
        kernel_name="python3",
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    text = "\n".join(
        o.get("data", {}).get("text/markdown", "") + o.get("data", {}).get("text/html", "")
        for c in nb.cells
        for o in c.get("outputs", [])
    )
    pngs = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert pngs >= 1
    if lang == "vi":
        assert "Ghi chú phương pháp" in text and "Dữ liệu minh họa" in text and "M2.C1" in text
    else:
        assert "Method note" in text and "Statistics Canada" in text and "Illustrative data" in text
