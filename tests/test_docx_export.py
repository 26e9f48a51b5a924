"""The two reviews (sơ kết, tổng kết): outline, estimate marks, and the Word export whose tables
equal the HTML's (both parsed back)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from test_review_fixtures import make_scorecard

from me_utils.analysis import accountability as acc
from me_utils.reference.catalogue import load_catalogue
from me_utils.render import docx as docx_export
from me_utils.reports import review_outline


@pytest.fixture(scope="module")
def res():
    arr = acc._normalise_submissions(
        pd.DataFrame(
            {
                "source_file": ["SNV_2024_H1.xlsx", "SNV_2024_FY.xlsx", "SYT_2024_FY.xlsx"],
                "department": ["SNV", "SNV", "SYT"],
                "year": ["2024"] * 3,
                "periods": ["H1", "FY", "FY"],
                "submission_date": ["2024-05-10", "2024-11-20", "2024-11-28"],
                "status": ["accepted"] * 3,
            }
        ),
        "s",
    )
    return SimpleNamespace(
        scorecard=make_scorecard(),
        lang="vi",
        as_of=dt.date(2025, 11, 30),
        unit="SL",
        illustrative=True,
        gbv={},
        matrix=acc.build_matrix(arr, 2024, 2024, as_of="2025-01-01"),
    )


OBS = pd.DataFrame(
    {
        "indicator_code": ["M1.C1", "M3.C2a"],
        "unit_code": ["SL", "SL"],
        "sex": ["T", "T"],
        "period": ["FY", "FY"],
        "year": [2024, 2024],
        "figure_status": ["estimate", "official"],
    }
)


def html_tables(html: str) -> list[list[list[str]]]:
    """Cell texts of every review table of an HTML page (header row first), parsed with lxml
    so that "1.059" stays the text a reader sees (pandas would read it as 1.059)."""
    import lxml.html

    root = lxml.html.fromstring(html)
    out = []
    for t in root.xpath('//table[contains(@class, "review-table")]'):
        out.append([[c.text_content().strip() for c in tr.xpath("./th|./td")] for tr in t.xpath(".//tr")])
    return out


def test_so_ket_outline_tables_and_estimate_marks(res):
    doc = review_outline.so_ket(res, load_catalogue(), OBS)
    heads = [s.heading for s in doc.sections]
    for h in review_outline.OUTLINE_VI:
        assert h in heads
    # every objective of the Strategy has its section, in order
    assert [h.split(":")[0] for h in heads if h.startswith("Mục tiêu ")] == [f"Mục tiêu {i}" for i in range(1, 7)]
    t = next(b.table for s in doc.sections if s.heading.startswith("Mục tiêu 1") for b in s.blocks if b.kind == "table")
    assert t.iloc[0].tolist() == [
        "M1.C1",
        "Tỷ lệ cơ quan quản lý nhà nước có lãnh đạo chủ chốt là nữ",
        "62,5% (2024) (ước)",
        "60%",
        "Chưa có số liệu năm 2025",
        "75%",
        "–",
    ]
    m3 = next(
        b.table for s in doc.sections if s.heading.startswith("Mục tiêu 3") for b in s.blocks if b.kind == "table"
    )
    assert m3.iloc[1, 2] == "78,0% (2024)"  # official: no mark; one decimal for shares
    # 8 scorecard rows, 5 of the Strategy (M1, M3 ×2, M4, M6): 4 pending, 1 without a numeric target
    first = next(s for s in doc.sections if s.heading == "I. Kết quả đạt được")
    assert (
        first.blocks[0].text == "Chiến lược có 5 chỉ tiêu: 4 chưa có số liệu năm 2025; 1 chưa có mục tiêu định lượng."
    )
    chart = first.blocks[1].table
    assert chart.set_index("Mục tiêu").loc["M3"].tolist() == [0, 0, 2]
    # the analyst's parts are marked, the facts generated
    analyst = [b.text for s in doc.sections for b in s.blocks if b.kind == "analyst"]
    assert len(analyst) >= 5 and all(a.startswith("[PHẦN DÀNH CHO CHUYÊN VIÊN]") for a in analyst)
    # reporting compliance: 29 bodies owed 2 reports each in 2024; SNV sent both on time
    comp = next(
        b.table
        for s in doc.sections
        for b in s.blocks
        if b.kind == "table" and b.caption.startswith("Thực hiện chế độ báo cáo")
    )
    snv = comp.set_index("Cơ quan, đơn vị").loc["Sở Nội vụ"].tolist()
    assert snv == ["2", "2", "0", "0", "100%"]
    assert comp.set_index("Cơ quan, đơn vị").loc["Sở Y tế"].tolist() == ["2", "0", "1", "1", "0%"]
    para = next(b.text for s in doc.sections for b in s.blocks if b.kind == "para" and b.text.startswith("Trong số"))
    assert para.startswith("Trong số 58 báo cáo định kỳ đã đến hạn, 3% được gửi đúng hạn")  # 2/58


def test_tong_ket_gbv_covers_the_programme_and_plan_123_focus(res):
    doc = review_outline.tong_ket_gbv(res, load_catalogue(), OBS)
    heads = [s.heading for s in doc.sections]
    assert doc.title.startswith("Báo cáo tổng kết Chương trình Phòng ngừa và ứng phó với bạo lực trên cơ sở giới")
    for vi, _en, _codes in review_outline.GBV_FOCUS:
        assert any(vi in h for h in heads), vi
    t = doc.tables()[0].table
    assert list(t["Mã"]) == ["G.1", "M3.C2a"]
    assert t.set_index("Mã").loc["G.1", "Kết quả mới nhất"] == "46,1% (2024)"  # 46.15 is 46.1499… in binary
    # the sources of the register-backed indicators, from the plan's reconciliation rules
    src = next(b.text for s in doc.sections for b in s.blocks if b.kind == "para" and b.text.startswith("Nguồn"))
    assert "G.1: Tính từ sổ theo dõi vụ việc" in src and "M3.C2a: " in src


@pytest.mark.parametrize("builder", [review_outline.so_ket, review_outline.tong_ket_gbv])
def test_word_export_equals_the_html(res, builder, tmp_path):
    doc = builder(res, load_catalogue(), OBS)
    p = docx_export.write_docx(doc, tmp_path / "r.docx")
    d = Document(str(p))  # opens with python-docx
    word = docx_export.read_tables(p)
    html = html_tables(review_outline.to_html(doc))
    assert len(word) == len(html) == len([b for s in doc.sections for b in s.blocks if b.kind in ("table", "chart")])
    assert word == html
    if doc.kind == "so_ket":  # M1.C1 2024 is an estimate in OBS
        assert any("(ước)" in c for t in word for r in t for c in r)
    # headings, the highlighted analyst parts, and the chart picture
    styles = [par.style.name for par in d.paragraphs]
    assert styles.count("Title") == 1
    n_sections = len(doc.sections)
    assert sum(s.startswith("Heading") for s in styles) == n_sections
    highlighted = [
        par.text for par in d.paragraphs if any(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in par.runs)
    ]
    assert highlighted == [b.text for s in doc.sections for b in s.blocks if b.kind == "analyst"]
    n_charts = len([b for s in doc.sections for b in s.blocks if b.kind == "chart"])
    assert len(d.inline_shapes) == n_charts


def test_export_link(res, tmp_path):
    doc = review_outline.so_ket(res, load_catalogue(), OBS)
    line = docx_export.export_link(doc, tmp_path, "02_so_ket_strategy.docx")
    assert (tmp_path / "02_so_ket_strategy.docx").is_file() and "(02_so_ket_strategy.docx)" in line
    assert "me report" in docx_export.export_link(doc, "", "x.docx")
