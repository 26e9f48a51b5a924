"""Sentences once the 2025 figure is observed: outcome of the 2025 target, trend to 2030."""
from __future__ import annotations

from me_utils import narrative


def _row(**kw):
    row = {"indicator_code": "M3.C2a", "name_vi": "Tỷ lệ thử", "name_en": "Test share", "kind": "proportion",
           "direction": "increase", "unit_label": "%", "latest_year": 2025, "latest_value": 79.46,
           "ci_low": 75.12, "ci_high": 83.27, "target_2025": 80.0, "target_2030": 90.0, "verified": True,
           "status_headline": "acceleration_needed", "prob_reach_2025": 0.0, "prob_reach_2030": 0.4249,
           "result_2025": "not_achieved", "assessed_target_year": 2030.0}
    row.update(kw)
    return row


def test_missed_2025_target_is_said_and_2030_numbers_parse_back():
    r = _row()
    vi = narrative.indicator_sentence(r, "vi")
    assert "Kết quả so với mục tiêu năm 2025: chưa đạt" in vi
    assert "mục tiêu năm 2030 là đạt ít nhất 90%" in vi and "khoảng 42%." in vi
    nums = narrative.parse_numbers(vi, "vi", remove=[r["name_vi"]])
    # 2025, 79,5, 95, 75,1, 83,3, 2025 (target year), 80, 2025 (outcome), 2030, 90, 2030, 42
    assert nums == [2025, 79.5, 95, 75.1, 83.3, 2025, 80, 2025, 2030, 90, 2030, 42]
    en = narrative.indicator_sentence(r, "en")
    assert "Against the 2025 target: not achieved" in en and "2030 target about 42%" in en


def test_met_2025_target_without_2030_trend():
    r = _row(latest_value=81.0, result_2025="achieved", assessed_target_year=2025.0, target_2030=float("nan"))
    vi = narrative.indicator_sentence(r, "vi")
    assert vi.endswith("Kết quả so với mục tiêu năm 2025: " + narrative.status_label("achieved", "vi").lower() + ".")
