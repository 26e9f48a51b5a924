"""Phase-end review pieces: summary counts, scorecard table, caveats, GBV summary, as-of cut."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from me_utils import narrative, review
from me_utils.style import STATUS_COLOURS
from test_review_fixtures import make_scorecard


def test_summary_counts_by_objective_and_programme():
    c = review.summary_counts(make_scorecard()).set_index("group")
    # worked out from the fixture by hand
    assert list(c.index) == ["M1", "M3", "M4", "M6", "G", "L", "TT", "total"]
    assert c.loc["M3"].to_dict() == {"achieved": 0, "on_track": 0, "behind": 2, "no_data": 0, "total": 2}
    assert c.loc["M6", "no_data"] == 1 and c.loc["TT", "achieved"] == 1 and c.loc["L", "on_track"] == 1
    assert c.loc["total"].to_dict() == {"achieved": 2, "on_track": 2, "behind": 3, "no_data": 1, "total": 8}


def test_unknown_category_counts_as_no_data():
    sc = make_scorecard()
    sc.loc[0, "summary_category"] = None
    assert review.summary_counts(sc).set_index("group").loc["M1", "no_data"] == 1


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_executive_summary_numbers_equal_the_counts(lang):
    sc = make_scorecard()
    md = review.executive_summary_markdown(sc, lang)
    bold = [ln for ln in md.splitlines() if ln.startswith("**")][0]
    # total, achieved, (2025), on track, behind, no data
    assert narrative.parse_numbers(bold, lang) == [8, 2, 2025, 2, 3, 1]
    m3 = [ln for ln in md.splitlines() if ("Mục tiêu 3" in ln or "Objective 3" in ln)][0]
    assert narrative.parse_numbers(m3, lang, remove=[review.group_label("M3", lang)]) == [2, 0, 2025, 0, 2, 0]


def test_scorecard_table_text():
    t = review.scorecard_table(make_scorecard(), "vi").set_index("Mã")
    assert t.loc["M3.C2a", "Giá trị gần nhất (KTC 95%)"] == "78,0% (74,2–81,4%)"
    assert t.loc["M3.C2a", "Mục tiêu 2025"] == "80%"
    assert t.loc["M3.C2a", "Xác suất đạt 2025"] == "31%"
    assert t.loc["L.2", "Mục tiêu 2025"] == "40% ⚠"
    assert t.loc["M6.C2", "Giá trị gần nhất (KTC 95%)"] == "–"
    assert t.loc["M6.C2", "Năm"] == "–"
    assert t.loc["TT.1", "Giá trị gần nhất (KTC 95%)"] == "1.898 cuộc"
    assert t.loc["M4.C1", "Cơ quan"] == "Sở Y tế"


def test_coloured_table_html_escapes_and_colours():
    df = pd.DataFrame({"a": ["<b>x</b>", "Đã đạt mục tiêu"]})
    h = review.coloured_table_html(df, {"Đã đạt mục tiêu": STATUS_COLOURS["achieved"]})
    assert "&lt;b&gt;x&lt;/b&gt;" in h and "<b>x</b>" not in h
    assert f'background:{STATUS_COLOURS["achieved"]}' in h


def test_caveats_list_unverified_targets_findings_and_missing_data():
    findings = pd.DataFrame({"severity": ["error", "warning", "warning"],
                             "kind": ["value", "late", "late"]})
    md = review.caveats_markdown(make_scorecard(), findings, "vi", illustrative=True)
    assert "Dữ liệu minh họa" in md
    assert "ghi nhận 3 vấn đề" in md and "warning / late: 2" in md
    # L.2 has a target marked unverified; M6.C2 has no target at all, so only its data gap shows
    assert "⚠ 1 chỉ tiêu có mục tiêu chưa được kiểm chứng" in md and "(L.2)" in md
    assert "1 chỉ tiêu chưa có đủ số liệu để đánh giá (M6.C2)" in md
    assert "không ghi nhận vấn đề" in review.caveats_markdown(make_scorecard(), None, "vi")


def test_recommendations_are_a_marked_placeholder():
    md = review.recommendations_markdown("vi")
    assert "Phần này do cán bộ phân tích viết / to be written by the analyst" in md
    assert review.RECOMMENDATIONS_PLACEHOLDER in review.recommendations_markdown("en")


def _register(n_gbv: int, served: int, sought: int, year: int = 2024) -> pd.DataFrame:
    """A typed, consented register of n_gbv GBV incidents plus 3 non-GBV ones."""
    n = n_gbv + 3
    df = pd.DataFrame({
        "incident_type": ["physical_assault"] * n_gbv + ["non_gbv"] * 3,
        "year": [year] * n,
        "domestic_violence": [0] * n, "perpetrator_detected": [0] * n,
        "perpetrator_prosecuted": [0] * n, "perpetrator_counselled": [0] * n,
        "needed_help": [1] * n, "sought_help": [1] * sought + [0] * (n - sought),
        "svc_health": [1] * served + [0] * (n - served), "svc_psychosocial": [0] * n,
        "svc_legal": [0] * n, "svc_police_justice": [0] * n, "svc_safe_shelter": [0] * n,
    })
    return df


def test_gbv_rows_with_wilson_interval_and_small_count_suppression():
    rows = review.gbv_indicator_rows(_register(20, 14, 2), 2021, 2025).set_index("indicator_code")
    r = rows.loc["M3.C2a"]
    lo, hi = proportion_confint(14, 20, alpha=0.05, method="wilson")
    assert (r["numerator"], r["denominator"], r["hidden"]) == (14, 20, False)
    assert r["latest_value"] == pytest.approx(70.0)
    assert (r["ci_low"], r["ci_high"]) == (pytest.approx(100 * lo), pytest.approx(100 * hi))
    # 2 of 20 sought help: a count below 5 → not shown
    g1 = rows.loc["G.1"]
    assert g1["hidden"] and math.isnan(g1["latest_value"])
    # 18 of 20 served → 2 not served is a small count too
    rows2 = review.gbv_indicator_rows(_register(20, 18, 10), 2021, 2025).set_index("indicator_code")
    assert rows2.loc["M3.C2a", "hidden"] and not rows2.loc["G.1", "hidden"]
    # a year outside the period is not used
    rows3 = review.gbv_indicator_rows(_register(20, 14, 10, year=2019), 2021, 2025)
    assert rows3["latest_value"].isna().all()
    # the sentence printed for a shown indicator carries exactly the computed numbers
    text = narrative.indicator_sentence(rows.loc["M3.C2a"].to_dict() | {"indicator_code": "M3.C2a"}, "vi")
    name = rows.loc["M3.C2a", "name_vi"]
    assert narrative.parse_numbers(text, "vi", remove=[name]) == [
        2024, 70.0, 95, round(100 * lo, 1), round(100 * hi, 1), 2025, 80]


def _obs(rows):
    cols = ["indicator_code", "unit_code", "year", "period", "sex", "value", "submission_date", "source_file"]
    df = pd.DataFrame(rows, columns=cols)
    df["submission_date"] = pd.to_datetime(df["submission_date"])
    return df


def test_observations_as_of_use_the_figure_current_at_the_cut_off():
    obs = _obs([["M1.C1", "SL", 2024, "FY", "T", 61.0, "2025-12-10", "r2.xlsx"],
                ["M1.C1", "SL", 2023, "FY", "T", 55.0, "2023-11-20", "a.xlsx"]])
    hist = _obs([["M1.C1", "SL", 2024, "FY", "T", 58.0, "2024-11-20", "r1.xlsx"],
                 ["M1.C1", "SL", 2024, "FY", "T", 61.0, "2025-12-10", "r2.xlsx"],
                 ["M1.C1", "SL", 2023, "FY", "T", 55.0, "2023-11-20", "a.xlsx"]])
    got = review.observations_as_of(obs, hist, "2025-11-30").sort_values("year")
    assert got["value"].tolist() == [55.0, 58.0]
    later = review.observations_as_of(obs, hist, "2025-12-31")
    assert sorted(later["value"]) == [55.0, 61.0]
    # without history, a figure sent after the cut-off is simply dropped
    assert review.observations_as_of(obs, None, "2025-11-30")["value"].tolist() == [55.0]


def test_group_labels_come_from_the_catalogue():
    assert review.group_label("M3", "vi").startswith("Mục tiêu 3")
    assert "2021–2025" in review.group_label("G", "vi") or "2232" in review.group_label("G", "vi")
    assert review.group_order(["TT", "M2", "G", "M1", "zzz"]) == ["M1", "M2", "G", "TT", "zzz"]
    assert np.array_equal(review.summary_table(make_scorecard(), "en").iloc[-1, 1:].to_numpy(dtype=int),
                          np.array([2, 2, 3, 1, 8]))
