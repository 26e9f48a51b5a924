"""The scorecard workbook opens, its values equal the scorecard's, it is formatted and atomic."""

from __future__ import annotations

import datetime as dt
import math

import openpyxl
import pytest
from test_review_fixtures import make_arrivals, make_scorecard

from me_utils.analysis import accountability as acc
from me_utils.core.style import STATUS_COLOURS
from me_utils.render import workbook as sx

NUMERIC = [
    "n_points",
    "latest_year",
    "latest_value",
    "ci_low",
    "ci_high",
    "target_2025",
    "target_2030",
    "margin_2025",
    "outlook_year",
    "outlook_prob",
]


def _matrix():
    arrivals = acc._normalise_submissions(make_arrivals(), "submissions.csv")
    return acc.build_matrix(arrivals, 2024, 2025, as_of="2025-03-01")


def _write(tmp_path, illustrative=True, lang="vi"):
    p = tmp_path / "out" / "scorecard.xlsx"
    sx.write_workbook(p, make_scorecard(), _matrix(), lang=lang, illustrative=illustrative, as_of="2025-03-01")
    return p


def _rows_by_code(ws):
    headers = [c.value for c in ws[sx.HEADER_ROW]]
    out = {}
    for row in ws.iter_rows(min_row=sx.FIRST_DATA_ROW, values_only=True):
        if row[0] is None:
            continue
        out[row[0]] = dict(zip(headers, row))
    return out


def test_workbook_values_equal_the_scorecard(tmp_path):
    p = _write(tmp_path)
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames == [
        "Tổng hợp",
        "Mục tiêu 1",
        "Mục tiêu 3",
        "Mục tiêu 4",
        "Mục tiêu 6",
        "CT 2232-QĐ-TTg (BLG)",
        "CT 2282-QĐ-TTg (lãnh đạo)",
        "CT 1790-QĐ-TTg (truyền thông)",
        "Trách nhiệm báo cáo",
        "Ghi chú",
    ]
    header_of = {key: vi for key, vi, _en, _nf, _w in sx.INDICATOR_COLUMNS}
    sc = make_scorecard()
    seen = set()
    for name in wb.sheetnames[1:-2]:
        for code, cells in _rows_by_code(wb[name]).items():
            src = sc[sc["indicator_code"] == code].iloc[0]
            for col in NUMERIC:
                v, s = cells.get(header_of[col]), src[col]
                if isinstance(s, float) and math.isnan(s):
                    assert v is None, (code, col, v)
                else:
                    # xlsx keeps 15 significant digits, as Excel does
                    assert v == pytest.approx(float(s), rel=1e-14, abs=0), (code, col, v, s)
            assert cells[header_of["name"]] == src["name_vi"]
            seen.add(code)
    assert seen == set(sc["indicator_code"])


def test_formatting_headers_colours_and_frozen_panes(tmp_path):
    wb = openpyxl.load_workbook(_write(tmp_path))
    ws = wb["Mục tiêu 3"]
    headers = [c.value for c in ws[sx.HEADER_ROW]]
    assert headers[:3] == ["Mã chỉ tiêu", "Tên chỉ tiêu", "Cơ quan báo cáo"]
    assert "Xác suất đạt mục tiêu kế tiếp" in headers
    assert ws.freeze_panes == "C4"
    assert ws.column_dimensions["B"].width == 60
    assert "DỮ LIỆU MINH HỌA" in ws.cell(sx.NOTE_ROW, 1).value
    rows = {ws.cell(r, 1).value: r for r in range(sx.FIRST_DATA_ROW, ws.max_row + 1)}
    r = rows["M3.C2a"]
    val = ws.cell(r, headers.index("Giá trị gần nhất") + 1)
    assert val.number_format == "0.0"
    assert ws.cell(r, headers.index("Xác suất đạt mục tiêu kế tiếp") + 1).number_format == "0%"
    status = ws.cell(r, headers.index("Triển vọng (mục tiêu kế tiếp)") + 1)
    # the status model's outlook: P(2025) = 0.3149 → "unlikely", coloured as limited progress
    assert status.value == "Ít khả năng đạt"
    assert status.fill.fgColor.rgb.endswith(STATUS_COLOURS["limited_progress"].lstrip("#").upper())
    r31 = rows["M3.C1"]
    assert ws.cell(r31, headers.index("Giá trị gần nhất") + 1).number_format == "0.00"  # ratio
    l2 = _rows_by_code(wb["CT 2282-QĐ-TTg (lãnh đạo)"])["L.2"]
    assert l2["Mục tiêu đã kiểm chứng"] == "⚠ Chưa kiểm chứng"
    summary = wb["Tổng hợp"]
    last = [c.value for c in summary[summary.max_row]]
    # status-model categories (me_utils.analysis.status.SUMMARY_ORDER) of the fixture, then the total
    assert last == ["Tổng số", 1, 0, 2, 1, 1, 2, 1, 0, 0, 8]


def test_accountability_sheet(tmp_path):
    wb = openpyxl.load_workbook(_write(tmp_path))
    ws = wb["Trách nhiệm báo cáo"]
    headers = [c.value for c in ws[sx.HEADER_ROW]]
    recs = [dict(zip(headers, r)) for r in ws.iter_rows(min_row=sx.FIRST_DATA_ROW, values_only=True)]
    assert len(recs) == len(_matrix())
    syt = [r for r in recs if r["Mã cơ quan"] == "SYT" and r["Năm"] == 2024 and r["Kỳ báo cáo"] == "Năm"][0]
    assert syt["Tình trạng"] == "Muộn" and syt["Số ngày muộn"] == 4
    assert syt["Ngày gửi"] == dt.datetime(2024, 11, 28) and syt["Hạn nộp (trước ngày)"] == dt.datetime(2024, 11, 25)
    svh = [r for r in recs if r["Mã cơ quan"] == "SVHTTDL" and r["Năm"] == 2024 and r["Kỳ báo cáo"] == "6 tháng"][0]
    assert svh["Tình trạng"] == "Chưa gửi" and svh["Ngày gửi"] == "–"
    ca = [r for r in recs if r["Mã cơ quan"] == "CA" and r["Năm"] == 2024 and r["Kỳ báo cáo"] == "Năm"][0]
    assert ca["Tình trạng"] == "Gửi nhưng không hợp lệ"
    row = next(i for i, r in enumerate(recs) if r is syt) + sx.FIRST_DATA_ROW
    assert ws.cell(row, headers.index("Ngày gửi") + 1).number_format == "dd/mm/yyyy"


def test_real_data_note_and_english(tmp_path):
    p = tmp_path / "real.xlsx"
    sx.write_workbook(
        p,
        make_scorecard(),
        None,
        lang="en",
        illustrative=False,
        manifest={"built_at": "2025-11-30T06:00:00", "manifest_hash": "abcdef1234567890"},
    )
    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames[0] == "Summary" and "Accountability" not in wb.sheetnames
    assert wb.sheetnames[1:5] == ["Objective 1", "Objective 3", "Objective 4", "Objective 6"]
    assert "Prog 2282-QĐ-TTg (leaders)" in wb.sheetnames
    assert [c.value for c in wb["Objective 3"][sx.HEADER_ROW]][:2] == ["Code", "Indicator"]
    note = wb["Objective 3"].cell(sx.NOTE_ROW, 1).value
    assert "ILLUSTRATIVE" not in note and "abcdef123456" in note


def test_write_is_atomic(tmp_path, monkeypatch):
    p = _write(tmp_path)
    before = p.read_bytes()

    def boom(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", boom)
    with pytest.raises(OSError, match="disk full"):
        sx.write_workbook(p, make_scorecard(), _matrix())
    assert p.read_bytes() == before
    assert sorted(x.name for x in p.parent.iterdir()) == ["scorecard.xlsx"]


def test_sheet_titles_are_excel_safe():
    used: set[str] = set()
    assert sx.sheet_title("a/b:c*d?[e]", used) == "a-b-c-d--e-"
    long = "x" * 40
    assert sx.sheet_title(long, used) == "x" * 31
    assert sx.sheet_title(long, used) == "x" * 27 + " (2)"
