"""Accountability matrix from the plan files: the body in force in each period, half-year and annual
reports of every obligated body, on time / late / missing / rejected / not due (plan 123 section V)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from me_utils.analysis import accountability as acc

D = dt.date


def make_arrivals() -> pd.DataFrame:
    """One row per file, in the build's submissions shape. 2024 is before the March 2025
    reorganisation: the statistics office is CTK (Cục Thống kê); a file coded TK for 2024 is
    from a body that did not exist yet and owed nothing."""
    return pd.DataFrame(
        {
            "path": [
                "SYT_2024_FY.xlsx",
                "SYT_2024_H1.xlsx",
                "SNV_2024_H1.xlsx",
                "SNV_2024_FY.xlsx",
                "SNV_2024_FY_r2.xlsx",
                "CA_2024_FY.csv",
                "CTK_2024_H1.xlsx",
                "CTK_2024_H1_r2.xlsx",
                "TK_2024_FY.xlsx",
            ],
            "department": ["SYT", "SYT", "SNV", "SNV", "SNV", "CA", "CTK", "CTK", "TK"],
            "year": ["2024"] * 9,
            "period": ["FY", "H1", "H1", "FY", "FY", "FY", "H1", "H1", "FY"],
            "submission_date": [
                "2024-11-28",
                "2024-05-20",
                "2024-05-19",
                "2024-11-24",
                "2024-12-15",
                "2024-11-10",
                "2024-05-02",
                "2024-06-01",
                "2024-11-20",
            ],
            "status": [
                "accepted",
                "accepted",
                "accepted",
                "accepted",
                "accepted",
                "rejected",
                "rejected",
                "accepted",
                "accepted",
            ],
        }
    )


@pytest.fixture()
def matrix():
    arrivals = acc._normalise_submissions(make_arrivals(), "submissions.csv")
    return acc.build_matrix(arrivals, 2024, 2025, as_of="2025-03-01")


def _cell(m, dep, year, period):
    r = m[(m["department"] == dep) & (m["year"] == year) & (m["period"] == period)]
    assert len(r) == 1
    return r.iloc[0]


def test_deadlines_are_strictly_before_the_plan_dates():
    assert acc.due_date(2024, "H1") == D(2024, 5, 20)
    assert acc.due_date(2023, "FY") == D(2023, 11, 25)
    assert acc.is_on_time(D(2024, 5, 19), 2024, "H1")
    assert not acc.is_on_time(D(2024, 5, 20), 2024, "H1")  # "trước ngày 20/5": the 20th is late
    assert acc.is_on_time(D(2024, 11, 24), 2024, "FY")
    assert not acc.is_on_time(D(2024, 11, 25), 2024, "FY")
    with pytest.raises(ValueError, match="Q3"):
        acc.due_date(2024, "Q3")


def test_every_obligated_body_has_half_year_and_annual_cells(matrix):
    """Section V: every unit and locality sends both reports. Bodies in force on 20/5/2024 and
    25/11/2024: 29 (14 provincial bodies before the merger + 3 media/Front + 12 district People's
    Committees); 2025 H1 (20/5/2025): 14 provincial bodies after the merger + 12 districts = 26;
    2025 FY (25/11/2025): 14 + the communes' People's Committees = 15."""
    owed = matrix[matrix["obligated"]]
    assert len(owed) == 29 * 2 + 26 + 15
    # plus the one report nobody owed (TK did not exist in 2024)
    assert len(matrix) == len(owed) + 1
    for year in (2024, 2025):
        y = owed[owed["year"] == year]
        h1, fy = set(y[y["period"] == "H1"]["department"]), set(y[y["period"] == "FY"]["department"])
        if year == 2024:
            assert h1 == fy
    y24 = set(owed[owed["year"] == 2024]["department"])
    # bodies section IV names although they lead no indicator are reporters too
    assert {"SKHCN", "STP", "DPTTH", "BSL", "MTTQ", "BDBP", "UBNDMS", "UBNDSC"} <= y24
    assert {"SLDTBXH", "SKHDT", "CTK", "BDT", "STTTT"} <= y24 and "TK" not in y24
    h1_25 = set(owed[(owed["year"] == 2025) & (owed["period"] == "H1")]["department"])
    fy_25 = set(owed[(owed["year"] == 2025) & (owed["period"] == "FY")]["department"])
    assert {"TK", "SDTTG", "UBNDMS"} <= h1_25 and "SLDTBXH" not in h1_25
    assert "UBNDXA" in fy_25 and "UBNDMS" not in fy_25
    assert _cell(matrix, "BDBP", 2024, "FY")["indicators"] == ""
    assert _cell(matrix, "BDBP", 2024, "FY")["co_indicators"] == ""  # plan 123 gives it no indicator


def test_late_on_time_missing_rejected_and_not_due(matrix):
    # SYT annual 2024 sent 28/11: 4 days after the last on-time day 24/11
    c = _cell(matrix, "SYT", 2024, "FY")
    assert (c["status"], c["submission_date"], c["days_late"]) == ("late", D(2024, 11, 28), 4)
    # SYT half-year sent on the 20th of May itself: late by one day
    c = _cell(matrix, "SYT", 2024, "H1")
    assert (c["status"], c["days_late"]) == ("late", 1)
    # SNV: on time; the revision of 15/12/2024 comes after the first file and does not matter
    c = _cell(matrix, "SNV", 2024, "FY")
    assert (c["status"], c["submission_date"], c["n_files"]) == ("on_time", D(2024, 11, 24), 2)
    assert _cell(matrix, "SNV", 2024, "H1")["status"] == "on_time"
    assert _cell(matrix, "CA", 2024, "FY")["status"] == "rejected"
    # CA owes a half-year report too (section V) and sent none
    assert _cell(matrix, "CA", 2024, "H1")["status"] == "missing"
    # CTK: first H1 file (2/5) rejected, valid one on 1/6 → late by 13 days (20/5 … 1/6)
    c = _cell(matrix, "CTK", 2024, "H1")
    assert (c["status"], c["submission_date"], c["days_late"]) == ("late", D(2024, 6, 1), 13)
    assert _cell(matrix, "CTK", 2024, "FY")["status"] == "missing"
    c = _cell(matrix, "TK", 2024, "FY")
    assert (c["status"], bool(c["obligated"])) == ("on_time", False)
    y25 = matrix[matrix["year"] == 2025]
    assert set(y25["status"]) == {"not_due"}
    counts = acc.status_counts(matrix)
    assert counts == {"on_time": 3, "late": 3, "missing": 58 - 6, "rejected": 1, "not_due": 41, "not_required": 0}


def test_a_missing_report_lowers_timeliness_and_counts_as_missing(matrix):
    # 58 reports were due in 2024; 2 arrived on time (SNV's); the TK file was owed by nobody
    assert acc.timeliness_rate(matrix) == pytest.approx(100 * 2 / 58)
    cs = acc.compliance_summary(matrix).set_index("department")
    assert cs.loc["SNV", ["due", "on_time", "missing"]].tolist() == [2, 2, 0]
    assert cs.loc["SNV", "timeliness"] == 100.0
    assert cs.loc["CTK", ["due", "late", "missing"]].tolist() == [2, 1, 1]
    assert cs.loc["CTK", "timeliness"] == 0.0 and cs.loc["CTK", "completeness"] == 50.0
    assert cs.loc["CTK", "mean_days_late"] == 13.0
    # Sở Tài chính sent nothing: 0% — never "100% on time"
    assert cs.loc["STC", ["due", "missing", "timeliness"]].tolist() == [2, 2, 0.0]
    assert "TK" not in cs.index or cs.loc["TK", "due"] == 0
    # one more missing report: SNV's timeliness falls from 100% to 2/3
    arr = acc._normalise_submissions(make_arrivals(), "s")
    m = acc.build_matrix(arr, 2023, 2024, as_of="2025-01-01", departments=["SNV"])
    assert acc.timeliness_rate(m) == pytest.approx(100 * 2 / 4)
    assert acc.compliance_summary(m).iloc[0]["missing"] == 2


def test_2021_2024_name_the_bodies_before_the_reorganisation():
    sub = pd.DataFrame(
        {
            "source_file": ["SLDTBXH_2021_FY.xlsx", "SNV_2021_FY.xlsx"],
            "department": ["SLDTBXH", "SNV"],
            "year": ["2021", "2021"],
            "periods": ["FY", "FY"],
            "submission_date": ["2021-11-20", "2021-11-30"],
            "status": ["accepted", "accepted"],
        }
    )
    m = acc.build_matrix(acc._normalise_submissions(sub, "s"), 2021, 2025, as_of="2025-11-30")
    # M2.C1: Sở LĐTBXH until the merger, Sở Nội vụ in 2025
    assert "M2.C1" in _cell(m, "SLDTBXH", 2021, "FY")["indicators"].split(";")
    assert "M2.C1" not in _cell(m, "SNV", 2021, "FY")["indicators"].split(";")
    assert "M2.C1" in _cell(m, "SNV", 2025, "FY")["indicators"].split(";")
    assert _cell(m, "SLDTBXH", 2021, "FY")["status"] == "on_time"
    assert (_cell(m, "SNV", 2021, "FY")["status"], _cell(m, "SNV", 2021, "FY")["days_late"]) == ("late", 6)
    # M2.C3: Sở KH&ĐT, then Sở Tài chính; M3.C1: Cục Thống kê, then Chi cục Thống kê
    assert _cell(m, "SKHDT", 2023, "FY")["indicators"] == "M2.C3"
    assert "M2.C3" not in _cell(m, "STC", 2023, "FY")["indicators"]
    assert _cell(m, "STC", 2025, "H1")["indicators"] == "M2.C3"
    assert _cell(m, "CTK", 2024, "FY")["indicators"] == "M3.C1"
    assert _cell(m, "TK", 2025, "FY")["indicators"] == "M3.C1"
    assert m[(m["department"] == "SLDTBXH") & (m["year"] == 2025)].empty
    w = acc.wide_table(m, "vi").set_index("Cơ quan")
    assert w.loc["Sở Lao động - Thương binh và Xã hội", "2025 – Năm"] == "– đã sáp nhập/giải thể"
    assert w.loc["Chi cục Thống kê tỉnh", "2021 – Năm"] == "– chưa thành lập"
    assert w.loc["Sở Lao động - Thương binh và Xã hội", "2021 – Năm"] == "✓ 20/11/2021"
    assert "M2.C1 (2025)" in w.loc["Sở Nội vụ", "Chỉ tiêu báo cáo"]
    assert w.loc["Sở Lao động - Thương binh và Xã hội", "Chỉ tiêu báo cáo"] == "M2.C1"


def test_files_sent_after_the_cut_off_are_ignored():
    arrivals = acc._normalise_submissions(make_arrivals(), "submissions.csv")
    m = acc.build_matrix(arrivals, 2024, 2024, as_of="2024-11-26")
    # the SYT annual file of 28/11 did not exist yet on 26/11: the report is missing
    assert _cell(m, "SYT", 2024, "FY")["status"] == "missing"
    assert _cell(m, "SNV", 2024, "FY")["n_files"] == 1


def test_arrivals_from_history_one_per_source_file():
    hist = pd.DataFrame(
        {
            "indicator_code": ["M4.C1", "M4.C2", "M4.C1", "M1.C1"],
            "department": ["SYT", "SYT", "SYT", "SNV"],
            "year": ["2023", "2023", "2023", "2023"],
            "period": ["FY", "FY", "FY", "H1"],
            "submission_date": ["2023-11-30", "2023-11-30", "2024-01-05", "2023-05-10"],
            "source_file": ["a.xlsx", "a.xlsx", "b.xlsx", "c.csv"],
            "status": ["superseded", "current", "current", "current"],
        }
    )
    arr = acc.arrivals_from_history(hist)
    assert len(arr) == 3
    m = acc.build_matrix(arr, 2023, 2023, as_of="2024-12-31", departments=["SYT", "SNV"])
    c = _cell(m, "SYT", 2023, "FY")
    assert (c["status"], c["submission_date"], c["days_late"], c["n_files"]) == ("late", D(2023, 11, 30), 6, 2)
    assert _cell(m, "SNV", 2023, "H1")["status"] == "on_time"
    assert _cell(m, "SNV", 2023, "FY")["status"] == "missing"


def test_a_file_with_several_years_delivers_each_of_them():
    sub = pd.DataFrame(
        {
            "source_file": ["SYT_2023_FY.xlsx"],
            "department": ["SYT"],
            "year": ["2023"],
            "years": ["2022;2023"],
            "periods": ["FY"],
            "submission_date": ["2023-11-20"],
            "status": ["accepted"],
        }
    )
    m = acc.build_matrix(acc._normalise_submissions(sub, "s"), 2022, 2023, as_of="2024-01-01", departments=["SYT"])
    # the 2022 figures first arrived with the 2023 report: late, by 361 days (25/11/2022 → 20/11/2023)
    c = _cell(m, "SYT", 2022, "FY")
    assert (c["status"], c["days_late"]) == ("late", (D(2023, 11, 20) - D(2022, 11, 25)).days + 1)
    assert _cell(m, "SYT", 2023, "FY")["status"] == "on_time"


def test_wide_table_cells():
    arrivals = acc._normalise_submissions(make_arrivals(), "submissions.csv")
    m = acc.build_matrix(arrivals, 2024, 2024, as_of="2025-01-01")
    w = acc.wide_table(m, "vi").set_index("Cơ quan")
    assert w.loc["Sở Y tế", "2024 – Năm"] == "⚠ Muộn 28/11/2024 (+4 ngày)"
    assert w.loc["Sở Nội vụ", "2024 – 6 tháng"] == "✓ 19/05/2024"
    assert w.loc["Công an tỉnh", "2024 – 6 tháng"] == "✗ Chưa gửi"
    assert w.loc["Sở Y tế", "Chỉ tiêu báo cáo"] == "M4.C1, M4.C2, M4.C3, M4.C4"
    assert "phối hợp: M3.C2a, M3.C2b" in w.loc["Sở Văn hóa, Thể thao và Du lịch", "Chỉ tiêu báo cáo"]
    we = acc.wide_table(m, "en").set_index("Body")
    assert we.loc["Department of Health", "2024 – Year"] == "⚠ Late 2024-11-28 (+4 d)"


def test_load_arrivals_errors_name_the_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="submissions.csv.*history.csv"):
        acc.load_arrivals(tmp_path)
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "submissions.csv").write_text("department,year\nSNV,2024\n")
    with pytest.raises(ValueError, match="submission_date"):
        acc.load_arrivals(tmp_path)


def test_bad_parameters():
    with pytest.raises(ValueError, match="as_of"):
        acc.build_matrix(pd.DataFrame(), as_of="")
    with pytest.raises(ValueError, match="after"):
        acc.build_matrix(pd.DataFrame(), 2025, 2021)


def test_plan_matches_plan_123_section_iv():
    """Section IV of plan 123/KH-UBND, read by hand: Statistics reports M3 C1, Finance M2 C3,
    Health all of Objective 4, Education M5 C1–3 and co-reports C4, Police M3 C3, Home Affairs
    Objective 1, M2 C1–2, M3 C2 (GBV part) and C4, M5 C4, M6 C1–2; the Border Guard none."""
    di = acc.department_indicators(day=D(2025, 11, 25)).set_index("department")
    assert di.loc["TK", "lead"] == ["M3.C1"]
    assert di.loc["STC", "lead"] == ["M2.C3"]
    assert di.loc["SYT", "lead"] == ["M4.C1", "M4.C2", "M4.C3", "M4.C4"]
    assert di.loc["SGDDT", "lead"] == ["M5.C1", "M5.C2a", "M5.C2b", "M5.C3"]
    assert di.loc["SGDDT", "co"] == ["M5.C4"]
    assert di.loc["CA", "lead"] == ["M3.C3"]
    assert di.loc["SNV", "lead"] == ["M1.C1", "M2.C1", "M2.C2", "M3.C2a", "M3.C2b", "M3.C4", "M5.C4", "M6.C1", "M6.C2"]
    assert "M3.C2a" in di.loc["SVHTTDL", "co"]
    assert di.loc["BDBP"].tolist() == [[], [], []]


def test_bad_submission_date_names_file_row_and_column(tmp_path):
    proc = tmp_path / "processed"
    proc.mkdir()
    (proc / "submissions.csv").write_text(
        "department,year,period,submission_date,status\nSNV,2024,FY,2024-11-20,ok\nSYT,2024,FY,28/11/2024,ok\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"submissions\.csv: row 2, column 'submission_date': '28/11/2024'"):
        acc.load_arrivals(tmp_path)
    hist = pd.DataFrame(
        {
            "department": ["SNV"],
            "year": ["2024"],
            "period": ["FY"],
            "source_file": ["a.xlsx"],
            "submission_date": ["soon"],
        }
    )
    with pytest.raises(ValueError, match=r"history\.csv: row 1, column 'submission_date'"):
        acc.arrivals_from_history(hist)
