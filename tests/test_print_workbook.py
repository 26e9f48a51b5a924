"""Workbook print setup (issue 17): landscape A4, one page wide, header rows repeated, page
numbers; no "Dự báo 2025" column where 2025 was measured; method named in words."""
from __future__ import annotations

import math

import openpyxl
import pytest
from test_review_fixtures import make_scorecard

from me_utils import scorecard_xlsx as sx


@pytest.fixture
def wb_path(tmp_path):
    p = tmp_path / "scorecard.xlsx"
    sx.write_workbook(p, make_scorecard(), None, lang="vi", illustrative=True, as_of="2025-03-01")
    return p


def test_every_sheet_prints_landscape_one_page_wide_with_repeated_headers(wb_path):
    wb = openpyxl.load_workbook(wb_path)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert "Trang &P / &N" in ws.oddFooter.right.text
        assert "Dữ liệu minh họa" in ws.oddHeader.center.text
        if ws.title != "Ghi chú":
            # Rows 1–3 (title, note, column headers) repeat on every printed page.
            assert ws.print_title_rows == f"${sx.TITLE_ROW}:${sx.HEADER_ROW}", ws.title


def test_projection_column_only_where_2025_is_not_measured(wb_path):
    wb = openpyxl.load_workbook(wb_path)
    sc = make_scorecard().set_index("indicator_code")
    for ws in wb.worksheets[1:-1]:
        headers = [c.value for c in ws[sx.HEADER_ROW]]
        codes = [r[0] for r in ws.iter_rows(min_row=sx.FIRST_DATA_ROW, values_only=True) if r[0]]
        pending = [c for c in codes if not (sc.loc[c, "latest_year"] >= 2025)
                   and not math.isnan(sc.loc[c, "proj_2025"])]
        assert ("Dự báo 2025" in headers) == bool(pending), (ws.title, codes)
        if "Dự báo 2025" in headers:
            j = headers.index("Dự báo 2025")
            for r in ws.iter_rows(min_row=sx.FIRST_DATA_ROW, values_only=True):
                if r[0] and sc.loc[r[0], "latest_year"] >= 2025:
                    assert r[j] is None, r[0]


def test_workbook_of_a_measured_2025_has_no_projection_column(tmp_path):
    sc = make_scorecard()
    sc = sc.assign(latest_year=2025.0)
    p = tmp_path / "s.xlsx"
    sx.write_workbook(p, sc, None, lang="vi", illustrative=False, as_of="2025-12-01")
    wb = openpyxl.load_workbook(p)
    for ws in wb.worksheets[1:-1]:
        assert "Dự báo 2025" not in [c.value for c in ws[sx.HEADER_ROW]], ws.title


def test_notes_name_the_method_in_words_and_numbers_align_right(wb_path):
    wb = openpyxl.load_workbook(wb_path)
    notes = [c.value for c in wb["Ghi chú"]["A"] if c.value]
    line = next(t for t in notes if t.startswith("Phương pháp đánh giá chính"))
    assert line == "Phương pháp đánh giá chính: phương pháp của Cơ quan Thống kê Liên hợp quốc (UNSD)."
    ws = wb.worksheets[1]
    headers = [c.value for c in ws[sx.HEADER_ROW]]
    r = sx.FIRST_DATA_ROW
    assert ws.cell(r, headers.index("Giá trị gần nhất") + 1).alignment.horizontal == "right"
    assert ws.cell(r, headers.index("Tên chỉ tiêu") + 1).alignment.horizontal == "left"
