"""Tests of ``me template``: content from the catalogue, dropdowns, and a filled template that
validates cleanly."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from me_utils.intake import submissions as intake
from me_utils.intake import template
from me_utils.reference import catalogue
from me_utils.reference.catalogue import load_catalogue

CAT = load_catalogue()


def _expected_rows(dept):
    """(code, period label) pairs the template must list: the catalogue's lead or co-department
    indicators, H1 and FY for half-year indicators, FY otherwise."""
    out = []
    for code, ind in CAT.indicators.items():
        if ind.department == dept or dept in (ind.co_departments or ()):
            pers = ["6 tháng", "Năm"] if ind.periodicity == "half-year" else ["Năm"]
            out += [(code, p) for p in pers]
    return out


def _rows(ws):
    r = template.HEADER_ROW + 1
    out = []
    while ws.cell(r, 1).value:
        out.append((ws.cell(r, 1).value, ws.cell(r, 5).value))
        r += 1
    return out


@pytest.mark.parametrize("dept", list(catalogue.DEPARTMENTS))
def test_template_lists_the_departments_indicators(dept):
    wb = openpyxl.load_workbook(io.BytesIO(template.make_template(dept)))
    assert wb.sheetnames == ["Báo cáo", "Hướng dẫn", "Danh mục"]
    ws = wb["Báo cáo"]
    assert [c.value for c in ws[template.HEADER_ROW]] == template.HEADER
    assert _rows(ws) == _expected_rows(dept)
    assert ws["A2"].value == "Cơ quan báo cáo:" and intake.match_department(ws["B2"].value) == dept
    # Dropdowns: indicator code, unit, period, sex lists; year whole number 2015–2030.
    dvs = {str(dv.sqref).split(":")[0][0]: dv for dv in ws.data_validations.dataValidation}
    assert {k: dvs[k].type for k in "ACEF"} == {"A": "list", "C": "list", "E": "list", "F": "list"}
    assert (dvs["D"].type, dvs["D"].formula1, dvs["D"].formula2) == ("whole", "2015", "2030")
    lists = wb["Danh mục"]
    n = len({c for c, _ in _expected_rows(dept)})
    assert dvs["A"].formula1 == f"'Danh mục'!$A$2:$A${n + 1}"
    assert [lists.cell(i, 1).value for i in range(2, n + 2)] == list(dict.fromkeys(c for c, _ in _expected_rows(dept)))
    help_text = " ".join(str(c.value) for c in wb["Hướng dẫn"]["A"] if c.value)
    assert "HƯỚNG DẪN" in help_text and "trước ngày 25/11" in help_text and "Ngày gửi" in help_text


@pytest.mark.parametrize("dept", ["SNV", "SYT", "CA"])
def test_filled_template_validates_cleanly(dept, tmp_path):
    # 2024: district rows are valid all year (the district level ended on 30/06/2025).
    wb = openpyxl.load_workbook(io.BytesIO(template.make_template(dept, year=2024)))
    ws = wb["Báo cáo"]
    ws["B3"] = dt.datetime(2024, 11, 20)
    expected = {}
    r = template.HEADER_ROW + 1
    while ws.cell(r, 1).value:
        code = ws.cell(r, 1).value
        kind = CAT.indicators[code].kind
        value = {"proportion": 40.0, "binary": 1, "count": 12}.get(kind, 105.5)
        ws.cell(r, 7).value = value
        if kind == "proportion":
            ws.cell(r, 8).value, ws.cell(r, 9).value = 80, 200
        period = "H1" if ws.cell(r, 5).value == "6 tháng" else "FY"
        expected[(code, "SL", 2024, period, "T")] = float(value)
        r += 1
    # One district row typed by hand below the pre-filled rows, unit chosen from the list.
    code = ws.cell(template.HEADER_ROW + 1, 1).value
    unit_name = wb["Danh mục"]["G4"].value  # third unit of the list (a district)
    for col, v in zip(range(1, 8), [code, None, unit_name, 2024, "Năm", "Nữ", 1]):
        ws.cell(r, col).value = v
    p = tmp_path / f"{dept}_2024_FY.xlsx"
    wb.save(p)
    sub = intake.validate_file(p, p.name)
    assert [m for m in sub.messages if m.severity in ("error", "warning")] == []
    assert sub.department == dept and sub.submission_date == dt.date(2024, 11, 20)
    got = {
        (x.indicator_code, x.unit_code, int(x.year), x.period, x.sex): x.value
        for x in sub.records.itertuples()
        if x.unit_code == "SL"
    }
    assert got == expected
    assert intake.cli_validate([str(p)]) == 0


def test_unfilled_template_says_rows_are_not_filled(tmp_path):
    p = tmp_path / "t.xlsx"
    assert template.cli(["SNV", "--out", str(p)]) == 0
    sub = intake.validate_file(p, "t.xlsx")
    assert {m.code for m in sub.messages} == {"row_not_filled", "no_data_rows"}


def test_template_cli_errors(tmp_path, capsys):
    assert template.cli(["Sở ABC", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "SNV" in capsys.readouterr().err
    assert template.cli(["SNV", "--year", "2040", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert not (tmp_path / "x.xlsx").exists()
    assert template.cli(["so noi vu", "--out", str(tmp_path / "y.xlsx")]) == 0
    assert (tmp_path / "y.xlsx").exists()


def test_submission_date_validation_spans_the_accepted_years():
    # Excel day serials worked out by hand: 2015-01-01 is day 42005, 2030-12-31 day 47848.
    ws = openpyxl.load_workbook(io.BytesIO(template.make_template("SNV")))["Báo cáo"]
    dv = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == "B3")
    assert (dv.type, dv.formula1, dv.formula2) == ("date", "42005", "47848")
