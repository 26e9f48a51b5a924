"""The status model of issue 13 (me_utils.analysis.status): one object, every rule with its reason.

Each test states the bullet of the issue it checks; expectations are worked out by hand or with
scipy, never read back from the code under test.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from test_review_fixtures import outlook_band_by_hand  # the documented cut-offs, by hand

from me_utils.analysis import assess, status
from me_utils.analysis.scorecard import build_scorecard
from me_utils.build.dataset import OBS_COLUMNS
from me_utils.reference.catalogue import load_catalogue
from me_utils.reports import narrative, review


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


def _prop(code, pairs, unit="SL", years=range(2021, 2026)):
    return [
        dict(indicator_code=code, unit_code=unit, year=y, value=x / n * 100, numerator=x, denominator=n)
        for y, (x, n) in zip(years, pairs)
    ]


# ------------------------------------------------------------------ one label dict
def test_every_status_word_lives_in_one_dict():
    # the other modules re-export the very same object: nothing else defines status words
    assert assess.STATUS_LABELS is status.STATUS_LABELS
    assert narrative.STATUS_LABELS is status.STATUS_LABELS
    codes = (
        set(status.SUMMARY_ORDER)
        | {c for _, c in status.OUTLOOK_BANDS}
        | {"pending", "no_next_target", "not_computable", "achieved_bound", "term_indicator"}
    )
    for m in assess.STATUS_RANK.values():
        codes |= set(m)
    for c in codes:
        vi, en = status.STATUS_LABELS[c]
        assert vi and en and vi != en, c
    assert status.status_label("no_target", "vi") == "Chưa có mục tiêu định lượng"
    assert status.method_status_label("unsd", "on_track", "en") == "UNSD 2023: On track"


# ------------------------------------------------------------------ 2025 result and margin
def test_result_2025_is_strict_with_margin_and_interval():
    """99,2 against 100 is "not achieved" (the old rule called it achieved with P = 40 %)."""
    st_ = status.row_status(
        direction="reach",
        target_2025=100.0,
        target_2030=None,
        comparators={},
        years=[2023, 2024, 2025],
        values=[97.0, 98.5, 99.2],
        ci_2025=(97.1, 99.8),
    )
    assert st_.result_2025 == "not_achieved" and st_.summary == "not_achieved"
    assert st_.margin_2025 == pytest.approx(-0.8)
    assert (st_.margin_2025_low, st_.margin_2025_high) == pytest.approx((-2.9, -0.2))
    # UNSD's own 1-point rule survives, under its own name, in its own column
    assert assess.assess_unsd(2021, 95, 2025, 99.2, 100, 2025, "reach").status == "achieved_bound"
    # a 2025 target is never "achieved" before 2025 is observed
    early = status.row_status(
        direction="increase",
        target_2025=30.0,
        target_2030=40.0,
        comparators={},
        years=[2022, 2023, 2024],
        values=[31.0, 32.0, 33.0],
        prob={2025: 0.93},
    )
    assert early.result_2025 == "pending" and early.summary == "outlook_likely"


def test_margin_interval_from_wilson(cat):
    # 153 of 200 in 2025 against a 80 % target (M3.C2a): margin 76.5 − 80 = −3.5 points; its interval
    # is the Wilson interval minus the target (scipy as reference)
    obs = _obs(_prop("M3.C2a", [(140, 200), (144, 200), (150, 200), (149, 200), (153, 200)]))
    r = build_scorecard(cat, obs).set_index("indicator_code").loc["M3.C2a"]
    ci = stats.binomtest(153, 200).proportion_ci(method="wilson")
    assert r["result_2025"] == "not_achieved" and r["margin_2025"] == pytest.approx(-3.5)
    assert (r["margin_2025_low"], r["margin_2025_high"]) == pytest.approx((ci.low * 100 - 80, ci.high * 100 - 80))


# ------------------------------------------------------------------ outlook bands
@settings(max_examples=300, deadline=None)
@given(p=st.floats(0.001, 0.999))
def test_outlook_band_never_contradicts_the_probability(p):
    want = outlook_band_by_hand(p)
    assert status.outlook_band(p) == want
    row = status.row_status(
        direction="increase",
        target_2025=None,
        target_2030=75.0,
        comparators={},
        years=[2023, 2024, 2025],
        values=[50.0, 52.0, 55.0],
        prob={2030: p},
    )
    assert row.outlook == want and row.outlook_year == 2030 and row.outlook_prob == p


def test_band_boundaries_belong_to_the_upper_band():
    assert status.outlook_band(0.8) == "outlook_likely"
    assert status.outlook_band(0.8 - 1e-12) == "outlook_likely"  # within the tolerance
    assert status.outlook_band(0.5) == "outlook_possible" and status.outlook_band(0.2) == "outlook_unlikely"
    assert status.outlook_band(0.19) == "outlook_very_unlikely" and status.outlook_band(float("nan")) == "not_assessed"


# ------------------------------------------------------------------ no target, context
def test_no_target_is_never_on_track(cat):
    # M4.C4 has no numeric target: a rising-then-falling series is "no quantitative target"
    rows = [
        dict(indicator_code="M4.C4", year=y, value=v / 1000 * 1000, numerator=v, denominator=1000)
        for y, v in zip(range(2021, 2026), [60, 55, 52, 50, 48])
    ]
    sc = build_scorecard(cat, _obs(rows))
    r = sc.set_index("indicator_code").loc["M4.C4"]
    assert r["summary_category"] == r["result_2025"] == r["outlook"] == "no_target"
    counts = review.summary_counts(sc).set_index("group")
    assert (
        "on_track" not in counts.columns
        and counts.loc["total", "no_target"] == (sc["summary_category"] == "no_target").sum()
    )
    assert "không tính là đúng lộ trình" in r["status_reason_vi"]


def test_national_only_indicator_is_context(cat):
    # M4.C3 is a share of provinces: 100 % (1 of 1) for one province was "achieved"
    obs = _obs(_prop("M4.C3", [(0, 1), (0, 1), (1, 1), (1, 1), (1, 1)]))
    r = build_scorecard(cat, obs).set_index("indicator_code").loc["M4.C3"]
    assert r["scope"] == "context" and r["summary_category"] == "context" and r["outlook"] == "context"
    assert {r["status_unsd"], r["status_statcan"], r["status_escap"]} == {"context"}
    assert math.isnan(r["prob_reach_2030"]) and math.isnan(r["proj_2030"]) and r["model"] == "none"
    assert "cấp quốc gia" in r["status_reason_vi"] and "meaningful only for the country" in r["status_reason_en"]


# ------------------------------------------------------------------ minimum information
def test_minimum_information_rule_and_reason_sentences():
    assert status.enough_information("proportion", [2023, 2024], [1, 2], [10, 10]) == (False, "few_points|n=2|min=3")
    # a district's G.2 of "0 of 1": 3 points but only 3 trials in all
    ok, why = status.enough_information("proportion", [2022, 2023, 2024], [0, 1, 0], [1, 1, 1])
    assert not ok and why == "few_trials|n=3|min=30"
    ok, why = status.enough_information("rate", [2021, 2022, 2023, 2024], [2, 3, 1, 3], [5000] * 4)
    assert not ok and why == "few_events|n=9|min=10"
    assert status.enough_information("rate", [2021, 2022, 2023, 2024], [2, 3, 2, 3], [5000] * 4) == (True, "")
    vi = status.reason_text([why], "vi")
    en = status.reason_text([why], "en")
    assert vi == ("Tổng số sự kiện của chuỗi chỉ là 9 (cần ít nhất 10): quá ít để ước lượng xu hướng.")
    assert en.startswith("Only 9 events in the whole series (at least 10 needed)")
    # sentences, never note codes
    assert "_" not in vi and ";" not in en


def test_too_few_trials_give_no_probability(cat):
    obs = _obs(_prop("G.2", [(0, 1), (1, 2), (0, 1), (1, 1)], years=range(2021, 2025)))
    r = build_scorecard(cat, obs).set_index("indicator_code").loc["G.2"]
    assert math.isnan(r["prob_reach_2025"]) and r["outlook"] == "not_assessed"
    assert r["status_escap"] == "insufficient_data"  # no "cần đảo ngược xu hướng" from 5 trials
    assert "Tổng mẫu số của chuỗi chỉ là 5 (cần ít nhất 30)" in r["status_reason_vi"]


# ------------------------------------------------------------------ ceased units
def test_units_that_ceased_get_no_forecast(cat):
    # units.csv: district-level units end on 30/06/2025
    assert status.unit_end("QN") == dt.date(2025, 6, 30)
    assert status.last_forecast_year("QN") == 2024 and status.last_forecast_year("SL") == math.inf
    obs = _obs(_prop("M3.C2a", [(70, 100), (72, 100), (75, 100), (76, 100)], unit="QN", years=range(2021, 2025)))
    r = build_scorecard(cat, obs, unit="QN").set_index("indicator_code").loc["M3.C2a"]
    assert math.isnan(r["prob_reach_2025"]) and math.isnan(r["prob_reach_2030"]) and math.isnan(r["proj_2030"])
    assert r["result_2025"] == "not_assessed" and r["status_unsd"] == "not_assessed"
    assert "30/06/2025" in r["status_reason_vi"] and "no forecast beyond that date" in r["status_reason_en"]


# ------------------------------------------------------------------ complete enumerations
def test_complete_counts_have_no_sampling_interval(cat):
    # M1.C1 counts agencies with a woman key leader: the figure is the population itself
    obs = _obs(_prop("M1.C1", [(20, 40), (21, 40), (22, 40), (23, 40), (24, 40)]))
    r = build_scorecard(cat, obs).set_index("indicator_code").loc["M1.C1"]
    assert r["enumeration"] and math.isnan(r["ci_low"]) and math.isnan(r["ci_high"])
    assert r["margin_2025"] == pytest.approx(60 - 60) and math.isnan(r["margin_2025_low"])
    assert "kiểm đếm toàn bộ" in r["status_reason_vi"] and "not a sample" in r["status_reason_en"]
    assert status.is_enumeration(cat.indicators["L.4"])  # term indicators too


# ------------------------------------------------------------------ structural breaks
def test_detected_denominator_break_splits_the_series():
    # the M1.C1 case of the issue: 396 → 99 between 2024 and 2025 (−75 %)
    br = status.detect_breaks("X.1", [2021, 2022, 2023, 2024, 2025], [380, 390, 392, 396, 99])
    assert br == [(2025, "break_denominator")]
    assert status.last_segment([2021, 2022, 2023, 2024, 2025], br).tolist() == [False] * 4 + [True]
    # +40 %: not a break; 2 → 4 (+100 % but by 2): not a break
    assert status.detect_breaks("X.1", [2021, 2022], [100, 140]) == []
    assert status.detect_breaks("X.1", [2021, 2022], [2, 4]) == []
    # the declared 2025 reform for M1.C1, unless declared comparable
    assert status.detect_breaks("M1.C1", [2023, 2024, 2025], [100, 100, 100]) == [(2025, "break_reform_2025")]

    class Ind:
        comparable_breaks = (2025,)

    assert status.detect_breaks("M1.C1", [2023, 2024, 2025], [100, 100, 100], Ind()) == []


def test_trend_uses_only_the_last_segment(cat):
    # M2.C1: denominator 400 then 100 from 2023 (−75 %): the trend is fitted to 2023–2025 only
    pairs = [(100, 400), (120, 400), (30, 100), (32, 100), (34, 100)]
    sc = build_scorecard(cat, _obs(_prop("M2.C1", pairs))).set_index("indicator_code")
    r = sc.loc["M2.C1"]
    assert r["trend_from_year"] == 2023
    # UNSD on the segment: base 30 (2023) → 34 (2025); CAGR = (34/30)^(1/2) − 1
    g = (34 / 30) ** 0.5 - 1
    proj = 34 * (1 + g) ** 5
    assert (proj - 30) / (60 - 30) < 0.95 and r["status_unsd"] in ("acceleration_needed", "stagnation_regression")
    assert "Chuỗi bị gián đoạn năm 2023" in r["status_reason_vi"]


# ------------------------------------------------------------------ summary = statuses
def test_summary_counts_equal_the_per_indicator_statuses(cat):
    rows = (
        _prop("M2.C1", [(30, 100), (32, 100), (35, 100), (37, 100), (52, 100)])
        + _prop("M3.C2a", [(60, 100), (62, 100), (66, 100), (70, 100)], years=range(2021, 2025))
        + _prop("M4.C3", [(1, 1)] * 5)
    )
    sc = build_scorecard(cat, _obs(rows))
    counts = review.summary_counts(sc).set_index("group").loc["total"]
    by_hand = sc["summary_category"].value_counts()
    for c in status.SUMMARY_ORDER:
        assert counts[c] == by_hand.get(c, 0)
    assert counts["total"] == len(cat.indicators)
    s = sc.set_index("indicator_code")
    assert s.loc["M2.C1", "summary_category"] == "achieved"  # 52 ≥ 50 in 2025
    assert s.loc["M3.C2a", "result_2025"] == "pending"
    text = narrative.summary_sentence(counts.to_dict(), "vi")
    assert f"{int(counts['achieved'])} đã đạt mục tiêu năm 2025" in text


def test_reasons_are_sentences_in_both_languages():
    codes = [
        "few_points|n=2|min=3",
        "break|year=2025|why=break_reform_2025",
        "ceased|date=2025-06-30",
        "enumeration",
        "no_target",
        "context",
    ]
    vi, en = status.reason_text(codes, "vi"), status.reason_text(codes, "en")
    for t in (vi, en):
        assert not re.search(r"[a-z]+_[a-z]+", t)  # no note codes such as target_2025_missed
    assert "30/06/2025" in vi and "2025-06-30" in en
    assert "sắp xếp chính quyền địa phương hai cấp năm 2025" in vi
