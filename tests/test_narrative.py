"""Generated sentences: every printed number equals the computed value it names."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_review_fixtures import make_scorecard

from me_utils.reports import narrative


def _close(parsed: float, source: float, decimals: int) -> bool:
    """``parsed`` is ``source`` printed with ``decimals`` digits."""
    return abs(parsed - source) <= 0.5 * 10 ** (-decimals) + 1e-9


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_number_in_indicator_sentences_matches_the_scorecard(lang):
    sc = make_scorecard()
    checked = 0
    for r in sc.to_dict("records"):
        text = narrative.indicator_sentence(r, lang)
        name = r["name_vi"] if lang == "vi" else r["name_en"]
        nums = narrative.parse_numbers(text, lang, remove=[name, narrative.unit_label(r, lang)])
        d = narrative.value_decimals(r["kind"])
        if math.isnan(r["latest_value"]):
            # no data: only the target year remains ("no quantitative target for 2025")
            assert nums == [2025.0], text
            continue
        expected = [("latest_year", r["latest_year"], 0), ("latest_value", r["latest_value"], d)]
        if not math.isnan(r["ci_low"]):
            expected += [("ci_level", 95, 0), ("ci_low", r["ci_low"], d), ("ci_high", r["ci_high"], d)]
        expected += [
            ("target_year", 2025, 0),
            ("target_2025", r["target_2025"], narrative.target_decimals(r["target_2025"])),
        ]
        if r["result_2025"] in ("achieved", "not_achieved"):
            # 2025 observed: the result with its margin (|value − target|)
            expected += [("result_year", 2025, 0), ("margin", abs(r["margin_2025"]), d)]
        if str(r["outlook"]).startswith("outlook_"):
            y = int(r["outlook_year"])
            expected += [("outlook_year", y, 0)]
            if y != 2025:
                expected += [("target_next", r[f"target_{y}"], narrative.target_decimals(r[f"target_{y}"]))]
            expected += [("outlook_prob", 100 * r["outlook_prob"], 0)]
        assert len(nums) == len(expected), (text, nums)
        for got, (what, src, dec) in zip(nums, expected):
            assert _close(got, src, dec), f"{r['indicator_code']} {what}: printed {got}, computed {src} — {text}"
        checked += 1
    assert checked == 7


def test_vietnamese_sentence_reads_as_expected():
    r = make_scorecard().set_index("indicator_code").loc["M3.C2a"].to_dict()
    r["indicator_code"] = "M3.C2a"
    text = narrative.indicator_sentence(r, "vi")
    # 78.04 → 78,0; 74.21 → 74,2; 81.44 → 81,4; p = 0.3149 → 31%
    assert text.startswith("Đến năm 2024, «Tỷ lệ người bị bạo lực")
    assert "ở mức 78,0% (KTC 95%: 74,2–81,4%)" in text
    assert "mục tiêu năm 2025 là đạt ít nhất 80%" in text
    # p = 0.3149 lies in [0.2, 0.5): "ít khả năng đạt", printed beside its probability
    assert "Triển vọng đạt mục tiêu năm 2025: ít khả năng đạt (xác suất khoảng 31%)." in text
    en = narrative.indicator_sentence(r, "en")
    assert "stood at 78.0% (95% CI: 74.2–81.4%)" in en and "the 2025 target is at least 80%" in en


def test_ratio_count_and_unverified_target_formatting():
    sc = make_scorecard().set_index("indicator_code")
    m4 = sc.loc["M4.C1"].to_dict()
    t = narrative.indicator_sentence(m4, "vi")
    assert "ở mức 112,35 bé trai/100 bé gái (KTC 95%: 110,13–114,60)" in t
    assert "không vượt quá 111 bé trai/100 bé gái" in t
    tt1 = dict(sc.loc["TT.1"].to_dict(), indicator_code="TT.1")
    assert "ở mức 1.898 cuộc;" in narrative.indicator_sentence(tt1, "vi")
    assert "stood at 1,898 sessions per year;" in narrative.indicator_sentence(tt1, "en")  # catalogue unit_en
    l2 = sc.loc["L.2"].to_dict()
    assert "⚠ mục tiêu chưa được kiểm chứng" in narrative.indicator_sentence(l2, "vi")
    assert "⚠ target not yet verified" in narrative.indicator_sentence(l2, "en")
    m31 = sc.loc["M3.C1"].to_dict()
    assert "giảm xuống còn 1,7 lần" in narrative.indicator_sentence(m31, "vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_summary_sentence_numbers(lang):
    counts = {"achieved": 3, "not_achieved": 12, "outlook_likely": 1, "not_assessed": 1001}
    text = narrative.summary_sentence(counts, lang, scope="Mục tiêu 3")
    nums = narrative.parse_numbers(text, lang, remove=["Mục tiêu 3"])
    # total, achieved (2025), not achieved (2025), likely (awaiting 2025), not assessed; zero
    # categories other than achieved / not achieved are left out
    assert nums == [1017, 3, 2025, 12, 2025, 1, 2025, 1001]
    assert ("1.017" in text and "1.001" in text) if lang == "vi" else ("1,017" in text)


def test_submission_sentences_use_vietnamese_dates():
    row = {
        "department_name_vi": "Sở Y tế",
        "department_name_en": "Department of Health",
        "year": 2024,
        "period": "FY",
        "due_date": dt.date(2024, 11, 25),
        "submission_date": dt.date(2024, 11, 28),
        "status": "late",
        "days_late": 4,
    }
    vi = narrative.submission_sentence(row, "vi")
    assert vi == ("Sở Y tế: báo cáo năm 2024 gửi ngày 28/11/2024, muộn 4 ngày so với hạn (trước ngày 25/11/2024).")
    assert narrative.parse_numbers(vi, "vi") == [2024, 28, 11, 2024, 4, 25, 11, 2024]
    en = narrative.submission_sentence(row, "en")
    assert "sent on 2024-11-28, 4 days late (due before 2024-11-25)" in en
    miss = dict(row, period="H1", status="missing", due_date=dt.date(2025, 5, 20), year=2025)
    assert narrative.submission_sentence(miss, "vi") == (
        "Sở Y tế: chưa nhận được báo cáo 6 tháng đầu năm 2025 (hạn trước ngày 20/05/2025)."
    )


@settings(max_examples=200, deadline=None)
@given(
    x=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False), d=st.integers(0, 3), lang=st.sampled_from(["vi", "en"])
)
def test_parse_number_reads_back_fmt_number(x, d, lang):
    from me_utils.core import fmt

    s = fmt.fmt_number(x, d, lang)
    assert narrative.parse_numbers(f"giá trị {s}%;", lang) == [pytest.approx(float(f"{x:.{d}f}"), abs=1e-9)]


def test_status_labels_and_missing():
    assert narrative.status_label("achieved", "vi") == "Đã đạt mục tiêu"
    assert narrative.status_label(None, "en") == "No data"
    assert narrative.status_label("made_up_code", "vi") == "made_up_code"
    assert narrative.status_label(float("nan"), "vi") == "Chưa có số liệu"
    assert narrative.fmt_probability(0.634, "vi") == "63%"
    assert narrative.target_decimals(80.0) == 0 and narrative.target_decimals(1.7) == 1
    with pytest.raises(ValueError):
        narrative.indicator_sentence(make_scorecard().iloc[0].to_dict(), "fr")


def test_binary_indicator_reads_yes_no():
    row = {
        "indicator_code": "M5.C3",
        "name_vi": "Nội dung giới trong chương trình",
        "name_en": "Gender content",
        "kind": "binary",
        "direction": "reach",
        "unit_label": "có/không",
        "latest_year": 2025,
        "latest_value": 1.0,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "target_2025": 1.0,
        "verified": True,
        "status_headline": "achieved",
        "prob_reach_2025": math.nan,
        "result_2025": "achieved",
        "outlook": "not_assessed",
    }
    assert narrative.indicator_sentence(row, "vi") == (
        "Đến năm 2025, «Nội dung giới trong chương trình»: có; mục tiêu năm 2025 là có. "
        "Kết quả năm 2025: " + narrative.status_label("achieved", "vi").lower() + "."
    )
    assert "«Gender content»: no;" in narrative.indicator_sentence(dict(row, latest_value=0.0), "en")


@settings(max_examples=150, deadline=None)
@given(
    value=st.floats(0, 100, allow_nan=False),
    half=st.floats(0.01, 20),
    target=st.sampled_from([30.0, 50.0, 80.0, 95.5]),
    p=st.floats(0, 1),
    year=st.integers(2021, 2025),
    lang=st.sampled_from(["vi", "en"]),
)
def test_property_printed_numbers_equal_the_row(value, half, target, p, year, lang):
    observed = year == 2025
    band = (
        "outlook_likely"
        if p >= 0.8
        else "outlook_possible"
        if p >= 0.5
        else "outlook_unlikely"
        if p >= 0.2
        else "outlook_very_unlikely"
    )
    row = {
        "indicator_code": "X.1",
        "name_vi": "Tỷ lệ thử",
        "name_en": "Test share",
        "kind": "proportion",
        "direction": "increase",
        "unit_label": "%",
        "latest_year": year,
        "latest_value": value,
        "ci_low": max(0.0, value - half),
        "ci_high": min(100.0, value + half),
        "target_2025": target,
        "verified": True,
        "status_headline": "x",
        "prob_reach_2025": p,
        "result_2025": ("achieved" if value >= target else "not_achieved") if observed else "pending",
        "margin_2025": value - target if observed else math.nan,
        "outlook": "no_next_target" if observed else band,
        "outlook_year": math.nan if observed else 2025.0,
        "outlook_prob": math.nan if observed else p,
    }
    text = narrative.indicator_sentence(row, lang)
    # never "reached" and "not reached" in one sentence
    assert not ("đã đạt" in text and "chưa đạt" in text)
    assert not ("target achieved" in text and "not achieved" in text)
    nums = narrative.parse_numbers(text, lang)
    expected = [year, value, 95, row["ci_low"], row["ci_high"], 2025, target]
    decimals = [0, 1, 0, 1, 1, 0, narrative.target_decimals(target)]
    if observed:
        expected += [2025]
        decimals += [0]
        if abs(value - target) >= 0.05:  # else "exactly at the target", no number
            expected += [abs(value - target)]
            decimals += [1]
    else:
        # a probability below 0.5 % prints "< 1%", above 99.5 % "> 99%"
        shown = 1 if 0 < p < 0.005 else 99 if 0.995 < p < 1 else 100 * p
        expected += [2025, shown]
        decimals += [0, 0]
        assert narrative.status_label(band, lang).lower() in text
    assert len(nums) == len(expected), (text, nums)
    for got, src, d in zip(nums, expected, decimals):
        assert _close(got, src, d)


def test_summary_sentence_english_agrees_in_number():
    # "1 is hidden", "2 are hidden", "Of 1 indicator" — the count decides the verb.
    one = narrative.summary_sentence({"suppressed": 1}, "en")
    assert one == "Of 1 indicator: 1 is hidden for small counts (to protect survivors)."
    two = narrative.summary_sentence({"context": 2, "outlook_likely": 1}, "en")
    assert "2 are national context indicators" in two and "1 awaits 2025 data and is likely" in two
    assert two.startswith("Of 3 indicators:")
    assert narrative.summary_sentence({"suppressed": 1}, "vi") == (
        "Trong 1 chỉ tiêu: 1 bị ẩn vì số nhỏ (bảo vệ người bị hại)."
    )
