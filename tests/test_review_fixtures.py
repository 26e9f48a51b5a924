"""Hand-built frames shared by the phase-end review tests (no tests here).

The scorecard follows docs/CONTRACTS.md "Scorecard frame" column for column. Values are made
up for the tests (they never reach a report) and chosen to exercise formatting: thousands,
ratios with 2 decimals, unit labels containing digits, missing data, unverified targets.
"""

from __future__ import annotations

import math

import pandas as pd

from me_utils.analysis.scorecard import SCORECARD_COLUMNS  # noqa: E402  (the contract, not a copy)

NaN = math.nan


def outlook_band_by_hand(p: float) -> str:
    """Outlook band by the documented cut-offs (0.8 / 0.5 / 0.2), written out by hand."""
    if math.isnan(p):
        return "not_assessed"
    return (
        "outlook_likely"
        if p >= 0.8
        else "outlook_possible"
        if p >= 0.5
        else "outlook_unlikely"
        if p >= 0.2
        else "outlook_very_unlikely"
    )


def _row(
    code,
    name_vi,
    name_en,
    framework,
    objective,
    dept,
    kind,
    direction,
    unit_label,
    latest_year,
    value,
    lo,
    hi,
    t25,
    t30,
    verified,
    status,
    category,
    p25,
    n_points=4,
    p30=NaN,
):
    row = {
        "indicator_code": code,
        "name_vi": name_vi,
        "name_en": name_en,
        "framework": framework,
        "objective": objective,
        "department": dept,
        "kind": kind,
        "direction": direction,
        "unit_label": unit_label,
        "n_points": n_points if not math.isnan(value) else 0,
        "first_year": 2021 if not math.isnan(value) else NaN,
        "latest_year": latest_year,
        "latest_value": value,
        "ci_low": lo,
        "ci_high": hi,
        "target_2025": t25,
        "target_2030": t30,
        "target_basis": "national",
        "verified": verified,
        "gap_2025": (t25 - value) if not (math.isnan(t25) or math.isnan(value)) else NaN,
        "status_unsd": status,
        "status_statcan": status,
        "status_escap": status,
        "status_headline": status,
        "summary_category": category,
        "proj_2025": value + 0.5 if not math.isnan(value) else NaN,
        "proj_2025_low": NaN,
        "proj_2025_high": NaN,
        "proj_2030": NaN,
        "proj_2030_low": NaN,
        "proj_2030_high": NaN,
        "prob_reach_2025": p25,
        "prob_reach_2030": NaN,
        "model": "ols",
        "note": "",
        # Same rule as the scorecard: the 2025 outcome exists once 2025 is observed, and the
        # trend statuses then look to 2030.
        "result_2025": (
            "no_data"
            if math.isnan(value)
            else "no_target"
            if math.isnan(t25)
            else "pending"
            if latest_year < 2025
            else "achieved"
            if (value - t25) * (1 if direction in ("increase", "reach") else -1) >= 0
            else "not_achieved"
        ),
        "assessed_target_year": (
            2025.0
            if not math.isnan(t25) and (math.isnan(value) or latest_year < 2025)
            else 2030.0
            if not math.isnan(t30)
            else 2025.0
            if not math.isnan(t25)
            else NaN
        ),
    }
    # The status model (me_utils.analysis.status), by hand: the 2025 result once 2025 is observed, else the
    # band of P(reach 2025); the outlook looks at the next target not yet due.
    d = 1 if direction in ("increase", "reach") else -1
    observed = not math.isnan(value) and latest_year == 2025
    row["prob_reach_2030"] = p30
    row["margin_2025"] = d * (value - t25) if observed and not math.isnan(t25) else NaN
    row["margin_2025_low"] = row["margin_2025_high"] = NaN
    if math.isnan(value) or n_points == 0:
        row["outlook"], row["outlook_year"], row["outlook_prob"] = "not_assessed", NaN, NaN
    elif not observed and not math.isnan(t25):
        row["outlook"], row["outlook_year"], row["outlook_prob"] = outlook_band_by_hand(p25), 2025.0, p25
    elif observed and not math.isnan(t30):
        row["outlook"], row["outlook_year"], row["outlook_prob"] = outlook_band_by_hand(p30), 2030.0, p30
    else:
        row["outlook"], row["outlook_year"], row["outlook_prob"] = "no_next_target", NaN, NaN
    res = row["result_2025"]
    if res == "no_data":
        res = "not_assessed" if not math.isnan(t25) else "no_target"
    row["result_2025"] = res
    row["summary_category"] = row["status_headline"] = (
        res
        if res in ("achieved", "not_achieved", "no_target", "not_assessed")
        else row["outlook"]
        if row["outlook"].startswith("outlook_")
        else "not_assessed"
    )
    row.update(
        {
            "scope": "assessed",
            "enumeration": False,
            "trend_from_year": 2021.0 if n_points else NaN,
            "status_reason_vi": "",
            "status_reason_en": "",
        }
    )
    return row


def make_scorecard() -> pd.DataFrame:
    rows = [
        _row(
            "M1.C1",
            "Tỷ lệ cơ quan quản lý nhà nước có lãnh đạo chủ chốt là nữ",
            "Agencies with a woman key leader",
            "28/NQ-CP",
            "M1",
            "SNV",
            "proportion",
            "increase",
            "%",
            2024,
            62.5,
            55.04,
            69.43,
            60.0,
            75.0,
            True,
            "achieved",
            "achieved",
            0.97,
        ),
        _row(
            "M3.C1",
            "Số lần thời gian làm việc nhà không được trả công của nữ so với nam",
            "Ratio of unpaid care hours, women to men",
            "28/NQ-CP",
            "M3",
            "TK",
            "ratio",
            "decrease",
            "lần",
            2023,
            1.8549,
            1.7312,
            1.9786,
            1.7,
            1.4,
            True,
            "limited_progress",
            "behind",
            0.184,
        ),
        _row(
            "M3.C2a",
            "Tỷ lệ người bị bạo lực được tiếp cận ít nhất một dịch vụ hỗ trợ cơ bản",
            "Survivors reached by at least one basic support service",
            "28/NQ-CP",
            "M3",
            "SNV",
            "proportion",
            "increase",
            "%",
            2024,
            78.04,
            74.21,
            81.44,
            80.0,
            90.0,
            True,
            "acceleration_needed",
            "behind",
            0.3149,
        ),
        _row(
            "M4.C1",
            "Tỷ số giới tính khi sinh",
            "Sex ratio at birth",
            "28/NQ-CP",
            "M4",
            "SYT",
            "ratio",
            "cap",
            "bé trai/100 bé gái",
            2024,
            112.348,
            110.126,
            114.597,
            111.0,
            109.0,
            True,
            "deterioration",
            "behind",
            0.05,
        ),
        _row(
            "M6.C2",
            "Tỷ lệ đài phát thanh, truyền hình có chuyên mục bình đẳng giới",
            "Broadcasters with a gender-equality column",
            "28/NQ-CP",
            "M6",
            "SNV",
            "proportion",
            "increase",
            "%",
            NaN,
            NaN,
            NaN,
            NaN,
            NaN,
            NaN,
            False,
            "insufficient_data",
            "no_data",
            NaN,
        ),
        _row(
            "TT.1",
            "Số cuộc truyền thông về pháp luật bình đẳng giới trong năm",
            "Communication sessions on gender-equality law per year",
            "1790/QĐ-TTg",
            "TT",
            "SNV",
            "count",
            "increase",
            "cuộc",
            2024,
            1898.0,
            NaN,
            NaN,
            2.0,
            2.0,
            True,
            "achieved",
            "achieved",
            1.0,
        ),
        _row(
            "L.2",
            "Tỷ lệ nữ trong quy hoạch lãnh đạo, quản lý",
            "Women in the leadership planning pool",
            "2282/QĐ-TTg",
            "L",
            "SNV",
            "proportion",
            "increase",
            "%",
            2025,
            41.2345,
            38.9,
            43.61,
            40.0,
            50.0,
            False,
            "on_track",
            "on_track",
            NaN,
            p30=0.7351,
        ),
        _row(
            "G.1",
            "Tỷ lệ người bị bạo lực trên cơ sở giới tìm kiếm sự trợ giúp",
            "GBV survivors who seek help",
            "2232/QĐ-TTg",
            "G",
            "SNV",
            "proportion",
            "increase",
            "%",
            2024,
            46.15,
            38.2,
            54.3,
            50.0,
            NaN,
            True,
            "on_track",
            "on_track",
            0.5555,
        ),
    ]
    return pd.DataFrame(rows, columns=SCORECARD_COLUMNS)


def make_arrivals() -> pd.DataFrame:
    """A submissions table in the build's shape: one row per file."""
    return pd.DataFrame(
        {
            "path": [
                "submissions/2024/SYT_2024_FY.xlsx",
                "submissions/2024/SYT_2024_H1.xlsx",
                "submissions/2024/SNV_2024_H1.xlsx",
                "submissions/2024/SNV_2024_FY.xlsx",
                "submissions/2024/SNV_2024_FY_r2.xlsx",
                "submissions/2024/CA_2024_FY.csv",
                "submissions/2024/TK_2024_H1.xlsx",
                "submissions/2024/TK_2024_H1_r2.xlsx",
            ],
            "department": ["SYT", "SYT", "SNV", "SNV", "SNV", "CA", "TK", "TK"],
            "year": ["2024"] * 8,
            "period": ["FY", "H1", "H1", "FY", "FY", "FY", "H1", "H1"],
            "submission_date": [
                "2024-11-28",
                "2024-05-20",
                "2024-05-19",
                "2024-11-24",
                "2024-12-15",
                "2024-11-10",
                "2024-05-02",
                "2024-06-01",
            ],
            "status": ["accepted", "accepted", "accepted", "accepted", "accepted", "rejected", "rejected", "accepted"],
        }
    )
