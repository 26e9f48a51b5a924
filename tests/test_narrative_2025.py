"""Sentences once the 2025 figure is observed: outcome of the 2025 target, trend to 2030."""

from __future__ import annotations

from me_utils.reports import narrative


def _row(**kw):
    row = {
        "indicator_code": "M3.C2a",
        "name_vi": "Tỷ lệ thử",
        "name_en": "Test share",
        "kind": "proportion",
        "direction": "increase",
        "unit_label": "%",
        "latest_year": 2025,
        "latest_value": 79.46,
        "ci_low": 75.12,
        "ci_high": 83.27,
        "target_2025": 80.0,
        "target_2030": 90.0,
        "verified": True,
        "status_headline": "acceleration_needed",
        "prob_reach_2025": 0.0,
        "prob_reach_2030": 0.4249,
        "result_2025": "not_achieved",
        "assessed_target_year": 2030.0,
        # status model: margin 79.46 − 80, its interval from the figure's CI; outlook to 2030
        "margin_2025": -0.54,
        "margin_2025_low": 75.12 - 80,
        "margin_2025_high": 83.27 - 80,
        "outlook": "outlook_unlikely",
        "outlook_year": 2030.0,
        "outlook_prob": 0.4249,
    }
    row.update(kw)
    return row


def test_missed_2025_target_is_said_and_2030_numbers_parse_back():
    r = _row()
    vi = narrative.indicator_sentence(r, "vi")
    assert (
        "Kết quả năm 2025: chưa đạt mục tiêu (còn thiếu 0,5 điểm phần trăm; KTC 95%: từ thiếu 4,9 đến vượt 3,3)" in vi
    )
    assert "Triển vọng đạt mục tiêu năm 2030 (đạt ít nhất 90%): ít khả năng đạt (xác suất khoảng 42%)." in vi
    assert "đã đạt" not in vi  # "ở mức 79,5%", never "đạt 79,5% … chưa đạt"
    nums = narrative.parse_numbers(vi, "vi", remove=[r["name_vi"]])
    # 2025, 79,5, 95, 75,1, 83,3, 2025 (target year), 80, 2025 (result), 0,5 (margin), 95, 4,9, 3,3,
    # 2030, 90, 42
    assert nums == [2025, 79.5, 95, 75.1, 83.3, 2025, 80, 2025, 0.5, 95, 4.9, 3.3, 2030, 90, 42]
    en = narrative.indicator_sentence(r, "en")
    assert "2025 result: target not achieved (0.5 percentage points short" in en
    assert "unlikely to be reached (probability about 42%)" in en


def test_met_2025_target_without_2030_trend():
    r = _row(
        latest_value=81.0,
        result_2025="achieved",
        assessed_target_year=2025.0,
        target_2030=float("nan"),
        margin_2025=1.0,
        margin_2025_low=float("nan"),
        margin_2025_high=float("nan"),
        outlook="no_next_target",
        outlook_year=float("nan"),
        outlook_prob=float("nan"),
    )
    vi = narrative.indicator_sentence(r, "vi")
    assert vi.endswith(
        "Kết quả năm 2025: " + narrative.status_label("achieved", "vi").lower() + " (vượt 1,0 điểm phần trăm)."
    )
