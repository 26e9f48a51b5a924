"""Accountability matrix: on time / late / missing / rejected / not due, per plan 123 section V."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from me_utils import accountability as acc
from test_review_fixtures import make_arrivals

D = dt.date


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


def test_matrix_shape_covers_every_department_year_and_period(matrix):
    # FY for all 8 departments; H1 for SNV and SVHTTDL (expected) and for SYT and TK (they sent
    # H1 files): 4 × 2 years × 2 periods + 4 × 2 years × 1 period
    assert len(matrix) == 4 * 2 * 2 + 4 * 2
    assert list(dict.fromkeys(matrix["department"])) == list(acc.DEPARTMENTS)
    assert set(matrix[matrix["period"] == "H1"]["department"]) == {"SNV", "SVHTTDL", "SYT", "TK"}
    arrivals = acc._normalise_submissions(make_arrivals(), "submissions.csv")
    every = acc.build_matrix(arrivals, 2024, 2025, as_of="2025-03-01", half_year_departments=None)
    assert len(every) == 8 * 2 * 2
    assert _cell(every, "CA", 2024, "H1")["status"] == "missing"


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
    # CA: annual file rejected by validation; no half-year figures are expected from it
    assert _cell(matrix, "CA", 2024, "FY")["status"] == "rejected"
    assert matrix[(matrix["department"] == "CA") & (matrix["period"] == "H1")].empty
    # SVHTTDL owes half-year figures and sent nothing
    assert _cell(matrix, "SVHTTDL", 2024, "H1")["status"] == "missing"
    # TK: first H1 file (2/5) rejected, valid one on 1/6 → late by 13 days (20/5 … 1/6)
    c = _cell(matrix, "TK", 2024, "H1")
    assert (c["status"], c["submission_date"], c["days_late"]) == ("late", D(2024, 6, 1), 13)
    assert _cell(matrix, "TK", 2024, "FY")["status"] == "missing"
    # departments with no file at all in 2024
    assert _cell(matrix, "BDBP", 2024, "FY")["status"] == "missing"
    # as of 1/3/2025 nothing of 2025 is due yet; SYT and TK owe no half-year figures (they sent
    # some in 2024, so they keep an H1 row, marked not required)
    y25 = matrix[matrix["year"] == 2025]
    assert set(y25[y25["period"] == "FY"]["status"]) == {"not_due"}
    assert _cell(matrix, "SYT", 2025, "H1")["status"] == "not_required"
    assert _cell(matrix, "SNV", 2025, "H1")["status"] == "not_due"
    counts = acc.status_counts(matrix)
    assert counts == {"on_time": 2, "late": 3, "missing": 6, "rejected": 1, "not_due": 10, "not_required": 2}


def test_files_sent_after_the_cut_off_are_ignored():
    arrivals = acc._normalise_submissions(make_arrivals(), "submissions.csv")
    m = acc.build_matrix(arrivals, 2024, 2024, as_of="2024-11-26")
    # the SYT annual file of 28/11 did not exist yet on 26/11: the report is missing
    assert _cell(m, "SYT", 2024, "FY")["status"] == "missing"
    assert _cell(m, "SNV", 2024, "FY")["n_files"] == 1


def test_arrivals_from_history_one_per_source_file():
    hist = pd.DataFrame({
        "indicator_code": ["M4.C1", "M4.C2", "M4.C1", "M1.C1"],
        "department": ["SYT", "SYT", "SYT", "SNV"],
        "year": ["2023", "2023", "2023", "2023"],
        "period": ["FY", "FY", "FY", "H1"],
        "submission_date": ["2023-11-30", "2023-11-30", "2024-01-05", "2023-05-10"],
        "source_file": ["a.xlsx", "a.xlsx", "b.xlsx", "c.csv"],
        "status": ["superseded", "current", "current", "current"],
    })
    arr = acc.arrivals_from_history(hist)
    assert len(arr) == 3
    m = acc.build_matrix(arr, 2023, 2023, as_of="2024-12-31", departments=["SYT", "SNV"])
    c = _cell(m, "SYT", 2023, "FY")
    assert (c["status"], c["submission_date"], c["days_late"], c["n_files"]) == ("late", D(2023, 11, 30), 6, 2)
    assert _cell(m, "SNV", 2023, "H1")["status"] == "on_time"
    assert _cell(m, "SNV", 2023, "FY")["status"] == "missing"


def test_a_file_with_several_years_delivers_each_of_them():
    sub = pd.DataFrame({"source_file": ["SYT_2023_FY.xlsx"], "department": ["SYT"], "year": ["2023"],
                        "years": ["2022;2023"], "periods": ["FY"], "submission_date": ["2023-11-20"],
                        "status": ["accepted"]})
    m = acc.build_matrix(acc._normalise_submissions(sub, "s"), 2022, 2023, as_of="2024-01-01",
                         departments=["SYT"])
    # the 2022 figures first arrived with the 2023 report: late, by 361 days (25/11/2022 → 20/11/2023)
    c = _cell(m, "SYT", 2022, "FY")
    assert (c["status"], c["days_late"]) == ("late", (D(2023, 11, 20) - D(2022, 11, 25)).days + 1)
    assert _cell(m, "SYT", 2023, "FY")["status"] == "on_time"


def test_department_indicators_and_wide_table():
    cat = pd.DataFrame({
        "code": ["M1.C1", "M3.C2a", "M3.C3", "M4.C1", "M5.C4"],
        "department": ["SNV", "SNV", "CA", "SYT", "SNV"],
        "co_departments": [[], ["SVHTTDL"], ["BDBP"], [], ["SGDDT"]],
    })
    di = acc.department_indicators(cat).set_index("department")
    assert di.loc["SNV", "lead"] == ["M1.C1", "M3.C2a", "M5.C4"]
    assert di.loc["SVHTTDL", "co"] == ["M3.C2a"]
    assert di.loc["BDBP", "co"] == ["M3.C3"] and di.loc["BDBP", "lead"] == []
    arrivals = acc._normalise_submissions(make_arrivals(), "submissions.csv")
    m = acc.build_matrix(arrivals, 2024, 2024, as_of="2025-01-01", catalogue_frame=cat)
    w = acc.wide_table(m, "vi").set_index("Cơ quan")
    assert w.loc["Sở Y tế", "2024 – Năm"] == "⚠ Muộn 28/11/2024 (+4 ngày)"
    assert w.loc["Sở Nội vụ", "2024 – 6 tháng"] == "✓ 19/05/2024"
    assert w.loc["Công an tỉnh", "2024 – 6 tháng"] == "– không yêu cầu"
    # in this catalogue SVHTTDL and BDBP lead nothing: no figures of their own are due
    assert w.loc["Sở Văn hóa, Thể thao và Du lịch", "2024 – Năm"] == "– không yêu cầu"
    assert w.loc["Sở Văn hóa, Thể thao và Du lịch", "2024 – 6 tháng"] == "– không yêu cầu"
    assert _cell(m, "BDBP", 2024, "FY")["status"] == "not_required"
    assert w.loc["Sở Nội vụ", "Chỉ tiêu báo cáo"] == "M1.C1, M3.C2a, M5.C4"
    assert w.loc["Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Chỉ tiêu báo cáo"] == "phối hợp: M3.C3"
    we = acc.wide_table(m, "en").set_index("Department")
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


def test_real_catalogue_matches_plan_123_section_iv():
    """Section IV of plan 123/KH-UBND, read by hand: Statistics reports M3 C1, Finance M2 C3,
    Health all of Objective 4, Education M5 C1–3 and co-reports C4, Police M3 C3, Home Affairs
    Objective 1, M2 C1–2, M3 C2 (GBV part) and C4, M5 C4, M6 C1–2."""
    from me_utils.catalogue import load_catalogue

    di = acc.department_indicators(load_catalogue().frame()).set_index("department")
    assert di.loc["TK", "lead"] == ["M3.C1"]
    assert di.loc["STC", "lead"] == ["M2.C3"]
    assert di.loc["SYT", "lead"] == ["M4.C1", "M4.C2", "M4.C3", "M4.C4"]
    assert di.loc["SGDDT", "lead"] == ["M5.C1", "M5.C2a", "M5.C2b", "M5.C3"]
    assert di.loc["SGDDT", "co"] == ["M5.C4"]
    assert di.loc["CA", "lead"] == ["M3.C3"]
    assert di.loc["SNV", "lead"] == ["M1.C1", "M2.C1", "M2.C2", "M3.C2a", "M3.C2b", "M3.C4",
                                     "M5.C4", "M6.C1", "M6.C2"]
    assert "M3.C2a" in di.loc["SVHTTDL", "co"]


def test_bad_submission_date_names_file_row_and_column(tmp_path):
    proc = tmp_path / "processed"
    proc.mkdir()
    (proc / "submissions.csv").write_text(
        "department,year,period,submission_date,status\n"
        "SNV,2024,FY,2024-11-20,ok\n"
        "SYT,2024,FY,28/11/2024,ok\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"submissions\.csv: row 2, column 'submission_date': '28/11/2024'"):
        acc.load_arrivals(tmp_path)
    hist = pd.DataFrame({"department": ["SNV"], "year": ["2024"], "period": ["FY"],
                         "source_file": ["a.xlsx"], "submission_date": ["soon"]})
    with pytest.raises(ValueError, match=r"history\.csv: row 1, column 'submission_date'"):
        acc.arrivals_from_history(hist)
