"""Phone layout markup (issue 17): every data cell knows its column header, so that below
640 px the rows become cards that need no sideways scrolling."""

from __future__ import annotations

from bs4 import BeautifulSoup

from me_utils.render import export


def _page(table: str) -> str:
    return f"<html><body><main>{table}</main></body></html>"


def test_data_labels_follow_colspans_and_multi_row_headers():
    table = (
        "<table><thead><tr><th></th><th colspan='2'>2024</th></tr>"
        "<tr><th>Cơ quan</th><th>6 tháng</th><th>Năm</th></tr></thead>"
        "<tbody><tr><th>Sở Y tế</th><td>✓ 12/05/2024</td><td>1.234</td></tr></tbody></table>"
    )
    soup = BeautifulSoup(export.decorate_tables(_page(table)), "html.parser")
    tds = soup.find_all("td")
    assert [td["data-label"] for td in tds] == ["2024 – 6 tháng", "2024 – Năm"]
    assert "me-num" in tds[1]["class"]  # a number, right-aligned on screen and in print
    assert "me-num" not in (tds[0].get("class") or [])


def test_text_is_left_and_numbers_right():
    assert export._cell_kind("35,4% (24,9–47,5%)") == "me-num"
    assert export._cell_kind("1.898") == "me-num"
    assert export._cell_kind("–") is None
    assert export._cell_kind("Sở Nội vụ") is None
    assert export._cell_kind("M3.C2a") == "me-code" and export._cell_kind("TT.4") == "me-code"
    assert export._cell_kind("x" * 61) == "me-longtext"


def test_phone_css_turns_rows_into_cards_below_640px():
    css = export.page_css("vi", False)
    phone = css.split("@media screen and (max-width: 640px)", 1)[1]
    assert "display: block" in phone and "content: attr(data-label)" in phone
    assert "thead" in phone and "clip: rect(0 0 0 0)" in phone


def test_numeric_header_loses_an_inline_left_alignment():
    table = (
        '<table><thead><tr><th style="text-align:left;">Năm</th><th style="text-align:left;">Tên</th></tr>'
        "</thead><tbody><tr><td>2025</td><td>Sở Y tế</td></tr><tr><td>2024</td><td>Sở Nội vụ</td></tr>"
        "</tbody></table>"
    )
    soup = BeautifulSoup(export.decorate_tables(_page(table)), "html.parser")
    year, name = soup.find_all("th")
    assert year["class"] == ["me-num"] and "style" not in year.attrs
    assert name["style"] == "text-align:left;" and "class" not in name.attrs
