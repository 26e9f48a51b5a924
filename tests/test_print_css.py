"""Print markup of the export (issue 17): @page with page numbers and running banner, headings
kept with their content, rows not split, header rows repeated, column classes."""

from __future__ import annotations

import datetime as dt

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from me_utils.render import export

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


def _prov():
    return export.Provenance(
        "cd" * 32,
        "1.2.3",
        "abc1234",
        {
            "unit": "SL",
            "period_start": 2021,
            "period_end": 2025,
            "lang": "vi",
            "data_root": "/srv/x/data",
            "output_dir": "/srv/x/reports/vi/SL",
            "as_of": "2025-11-30",
            "headline_method": "unsd",
        },
        2.5,
        dt.datetime(2025, 12, 1, 6, 0, tzinfo=dt.UTC),
    )


def _nb():
    table = (
        '<table class="me-table"><thead><tr><th>Mã</th><th>Chỉ tiêu</th><th>Giá trị</th><th>Kết quả</th>'
        "</tr></thead><tbody><tr><td>M3.C2a</td><td>"
        + "Tỷ lệ người bị bạo lực gia đình được tiếp cận " * 2
        + "</td><td>78,2% (74,3–81,6%)</td><td>Chưa đạt</td></tr></tbody></table>"
    )
    cell = new_code_cell(
        "x",
        outputs=[
            new_output("display_data", data={"text/markdown": "## Phần bảng"}),
            new_output("display_data", data={"text/html": table}),
            new_output("display_data", data={"image/png": PNG}),
            new_output("display_data", data={"image/png": PNG}, metadata={"image/png": {"alt": "Biểu đồ phễu: ..."}}),
        ],
    )
    return new_notebook(cells=[new_markdown_cell("# Tiêu đề"), cell])


def test_page_rule_has_landscape_page_numbers_and_banner_in_the_report_language():
    css = export.page_css("vi", illustrative=True)
    assert "size: A4 landscape" in css
    assert '@bottom-right { content: "Trang " counter(page) " / " counter(pages)' in css
    assert '@top-center { content: "⚠ Dữ liệu minh họa — không phải số liệu của tỉnh Sơn La"' in css
    assert "@top-center" not in export.page_css("vi", illustrative=False)
    en = export.page_css("en", illustrative=True)
    assert '"Page " counter(page) " of " counter(pages)' in en


def test_print_rules_keep_headings_with_content_and_rows_whole():
    css = export.page_css("vi", False)
    body = css.split("@media print", 1)[1]
    assert "break-after: avoid" in body.split("h1, h2, h3")[1].split("}")[0]
    assert "tr, img" in body and "break-inside: avoid" in body.split("tr, img")[1].split("}")[0]
    assert "thead { display: table-header-group; }" in body
    # Lab's unbreakable output tables are turned into plain blocks in print.
    assert ".jp-OutputArea-child" in body and "break-inside: auto !important" in body


def test_render_marks_cells_and_fills_alt_text():
    page = export.render_html(_nb(), title="t", lang="vi", provenance=_prov(), illustrative=True)
    assert 'data-label="Chỉ tiêu"' in page and 'data-label="Giá trị"' in page
    assert 'class="me-code" data-label="Mã"' in page or 'data-label="Mã" class="me-code"' in page
    assert "me-num" in page.split("78,2%")[0].rsplit("<td", 1)[1]
    assert "me-longtext" in page
    assert 'alt="Biểu đồ phễu: ..."' in page
    # The image without a description gets one from its section, in Vietnamese.
    assert 'alt="Biểu đồ của mục «Phần bảng»"' in page
    assert "No description has been provided" not in page


def test_technical_block_is_folded_vietnamese_and_has_no_paths():
    page = export.render_html(_nb(), title="t", lang="vi", provenance=_prov(), illustrative=True)
    footer = page.split('<footer class="me-provenance">')[1]
    assert footer.lstrip().startswith('<details class="me-technical">')
    assert "<summary>Thông tin kỹ thuật</summary>" in footer
    for text in (
        "Mã kiểm tra bộ dữ liệu (SHA-256)",
        "Phiên bản phần mềm",
        "Phiên bản mã nguồn",
        "Đơn vị: Tỉnh Sơn La",
        "Giai đoạn: 2021–2025",
        "Ngôn ngữ: tiếng Việt",
        "Dữ liệu: dữ liệu minh họa",
        "Ngày chốt số liệu: 30/11/2025",
        "Phương pháp đánh giá chính: phương pháp của Cơ quan Thống kê Liên hợp quốc (UNSD)",
        "2,5 giây",
        "01/12/2025 06:00 UTC",
    ):
        assert text in footer, text
    for bad in ("/srv/", "data_root", "output_dir", "manifest", "Commit", "unsd;"):
        assert bad not in footer, bad
