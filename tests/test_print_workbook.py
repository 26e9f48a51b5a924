"""Workbook print setup (issue 17): landscape A4, one page wide, header rows repeated, page
numbers; no "Dự báo 2025" column where 2025 was measured; method named in words."""

from __future__ import annotations

import math

import openpyxl
import pytest
from test_review_fixtures import make_scorecard

from me_utils.render import workbook as sx


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


def test_no_projection_column_the_outlook_names_its_target_year(wb_path):
    # The status model's outlook is for the next target not yet due, with its year; a "Dự báo
    # 2025" column beside a measured 2025 (issue 17) no longer exists.
    wb = openpyxl.load_workbook(wb_path)
    sc = make_scorecard().set_index("indicator_code")
    for ws in wb.worksheets[1:-2]:
        headers = [c.value for c in ws[sx.HEADER_ROW]]
        assert "Dự báo 2025" not in headers, ws.title
        j = headers.index("Năm của mục tiêu kế tiếp")
        for r in ws.iter_rows(min_row=sx.FIRST_DATA_ROW, values_only=True):
            if r[0]:
                want = sc.loc[r[0], "outlook_year"]
                assert (r[j] is None) if math.isnan(want) else (r[j] == want), r[0]


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
