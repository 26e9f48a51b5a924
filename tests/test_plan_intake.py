"""Blank template rows are "not reported" (a warning), filled rows are accepted; the body
expected for an indicator depends on the period (plan files)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd

from me_utils.analysis import accountability as acc
from me_utils.intake import submissions as intake
from me_utils.intake import template


def _partly_filled(tmp_path, n_filled=3):
    wb = openpyxl.load_workbook(io.BytesIO(template.make_template("SNV", year=2024)))
    ws = wb[template.DATA_SHEET]
    ws["B3"] = dt.datetime(2024, 11, 20)
    rows = []
    r = template.HEADER_ROW + 1
    while ws.cell(r, 1).value:
        rows.append(r)
        r += 1
    filled = {}
    for r in rows[:n_filled]:
        ws.cell(r, 7).value = 12  # a count or a percentage, valid for any kind
        filled[(ws.cell(r, 1).value, "H1" if ws.cell(r, 5).value == "6 tháng" else "FY")] = 12.0
    p = tmp_path / "SNV_2024_FY.xlsx"
    wb.save(p)
    return p, rows, filled


def test_template_with_blank_rows_is_accepted_for_its_filled_rows(tmp_path):
    p, rows, filled = _partly_filled(tmp_path, 3)
    assert len(rows) > 3
    sub = intake.validate_file(p, p.name)
    assert [m for m in sub.messages if m.severity == "error"] == []
    nr = [m for m in sub.messages if m.code == "not_reported"]
    # every pre-filled row left blank is one "not reported" warning, located and keyed
    assert len(nr) == len(rows) - 3
    assert {m.severity for m in nr} == {"warning"}
    assert sorted(m.row for m in nr) == rows[3:]
    assert all(m.year == 2024 and m.unit_code == "SL" and m.indicator_code and m.period for m in nr)
    got = {(x.indicator_code, x.period): x.value for x in sub.records.itertuples()}
    assert got == filled
    assert intake.cli_validate([str(p)]) == 0  # warnings only: exit 0
    # the gaps reach the findings table with their keys, for completeness
    f = intake.messages_frame(sub.messages)
    assert (f["code"] == "not_reported").sum() == len(rows) - 3


def test_blank_rows_after_a_csv_round_trip(tmp_path):
    """A spreadsheet program may write blanks as empty strings: still not reported."""
    p = tmp_path / "SNV_2024_FY.csv"
    p.write_text(
        "Cơ quan báo cáo:,Sở Nội vụ\nNgày gửi:,20/11/2024\n"
        "Mã chỉ tiêu,Đơn vị,Năm,Kỳ báo cáo,Giới tính,Giá trị,Tử số,Mẫu số\n"
        "M1.C1,Tỉnh Sơn La,2024,Năm,Tổng,40,,\n"
        "M6.C1,Tỉnh Sơn La,2024,Năm,Tổng,,,\n"
        "M6.C2,Tỉnh Sơn La,2024,Năm,Tổng, , \n",
        encoding="utf-8",
    )
    sub = intake.validate_file(p, p.name)
    assert [m.code for m in sub.messages if m.severity == "error"] == []
    assert sorted(m.indicator_code for m in sub.messages if m.code == "not_reported") == ["M6.C1", "M6.C2"]
    assert list(sub.records["indicator_code"]) == ["M1.C1"]


def test_not_assigned_follows_the_body_of_the_period(tmp_path):
    # M2.C1 in 2021 belongs to Sở LĐTBXH: its file raises no "not_assigned"; SNV's does.
    def check(dept, year):
        p = tmp_path / f"{dept}_{year}.csv"
        p.write_text(
            f"Cơ quan báo cáo:,{dept}\nNgày gửi:,20/11/{year}\n"
            "Mã chỉ tiêu,Đơn vị,Năm,Kỳ báo cáo,Giá trị\n"
            f"M2.C1,SL,{year},Năm,45\n",
            encoding="utf-8",
        )
        sub = intake.validate_file(p, p.name)
        return [m for m in sub.messages if m.code == "not_assigned"]

    assert check("Sở Lao động - Thương binh và Xã hội", 2021) == []
    assert len(check("Sở Nội vụ", 2021)) == 1
    assert check("Sở Nội vụ", 2025) == []
    assert "SNV" in check("Sở Lao động - Thương binh và Xã hội", 2025)[0].reason_en


def test_not_reported_gaps_show_in_the_matrix():
    arr = acc._normalise_submissions(
        pd.DataFrame(
            {
                "source_file": ["SNV_2024_FY.xlsx"],
                "department": ["SNV"],
                "year": ["2024"],
                "periods": ["FY"],
                "submission_date": ["2024-11-20"],
                "status": ["accepted"],
            }
        ),
        "s",
    )
    findings = pd.DataFrame(
        {
            "code": ["not_reported", "not_reported", "outlier"],
            "department": ["SNV", "SNV", "SNV"],
            "indicator_code": ["M6.C1", "M6.C2", "M1.C1"],
            "year": ["2024", "2024", "2024"],
            "period": ["FY", "FY", "FY"],
        }
    )
    m = acc.build_matrix(arr, 2024, 2024, as_of="2025-01-01", departments=["SNV"], findings=findings)
    r = m[(m["period"] == "FY")].iloc[0]
    assert (r["status"], r["not_reported"]) == ("on_time", "M6.C1;M6.C2")
    w = acc.wide_table(m, "vi").set_index("Cơ quan")
    assert w.loc["Sở Nội vụ", "2024 – Năm"] == "✓ 20/11/2024 (2 chỉ tiêu chưa báo cáo)"
