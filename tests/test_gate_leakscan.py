"""The reader's-eye tools of me_utils.render.leakscan: Wilson inversion, parsing, the quick scan and
the LP attacker on hand-made outputs."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd

from me_utils.render import leakscan as L


def _wilson_by_hand(x, n, z=1.959963984540054):
    p = x / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return round(100 * max(0.0, c - h), 1), round(100 * min(1.0, c + h), 1)


def test_invert_wilson_matches_the_formula():
    # the intervals the reviewer quoted
    assert _wilson_by_hand(0, 2) == (0.0, 65.8)
    assert L.invert_wilson(0.0, 65.8, 0.0) == [(0, 2)]
    assert L.invert_wilson(0.0, 79.3, 0.0) == [(0, 1)]
    assert L.invert_wilson(34.2, 100.0, 100.0) == [(2, 2)]
    for x, n in [(3, 7), (12, 40), (150, 400)]:
        lo, hi = _wilson_by_hand(x, n)
        assert (x, n) in L.invert_wilson(lo, hi, round(100 * x / n, 1))


def _page(rows_html):
    return "<html><body>" + rows_html + "</body></html>"


def test_scan_finds_small_counts_in_every_kind_of_output(tmp_path):
    d = tmp_path / "reports" / "vi" / "SC"
    d.mkdir(parents=True)
    (d / "10_targets_scorecard.html").write_text(
        _page(
            "<table><tr><td>M3.C2a</td><td>0,0 (2024); KTC 95%: 0,0–65,8</td></tr>"
            "<tr><td>M1.C1</td><td>0,0 (2024); KTC 95%: 0,0–65,8</td></tr></table>"
        ),
        encoding="utf-8",
    )
    (d / "ok.html").write_text(
        _page("<table><tr><td>G.1</td><td>37,5 (2024); KTC 95%: 33,0–42,2</td></tr></table>"), encoding="utf-8"
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã chỉ tiêu", "Năm gần nhất", "Giá trị gần nhất", "KTC 95% – cận dưới", "KTC 95% – cận trên"])
    ws.append(["DV.4", 2024, 100.0, 34.24, 100.0])
    wb.save(d / "scorecard.xlsx")
    (tmp_path / "reports" / "run.log").write_text("G.2 SC: 0,0–79,3\nM2.C1 0,0–79,3\n", encoding="utf-8")
    found = L.scan_reports(tmp_path / "reports")
    files = sorted({f["file"].rsplit("/", 1)[-1] for f in found})
    assert files == ["10_targets_scorecard.html", "run.log", "scorecard.xlsx"]
    assert any("0 of 2" in f["reason"] for f in found)
    # non-GBV indicators are not flagged, and nothing from ok.html
    assert not any("line 2" in f["where"] and f["file"].endswith("run.log") for f in found)
    facts = L.parse_reports(tmp_path / "reports")
    x = facts[facts["file"].str.endswith("scorecard.xlsx")]
    assert set(zip(x["field"], x["lo"], x["hi"])) >= {("num", 2.0, 2.0), ("den", 2.0, 2.0)}
    assert L.main([str(tmp_path / "reports")]) == 1


def test_attack_province_difference_by_hand():
    # the province shows 20 of 30; eleven districts show theirs; the twelfth (SC) is hidden:
    # SC = province − Σ others, so a hidden SC count of 2 is determined
    rows = []
    for u in L.DISTRICTS:
        if u != "SC":
            rows += [("num", u, 1.0), ("rest", u, 1.0)]
    rows[0] = ("num", L.DISTRICTS[0], 7.0)  # TPSL 7 + 10 others × 1 + SC 3 = 20
    rows += [("num", "SL", 20.0), ("rest", "SL", 13.0)]
    facts = pd.DataFrame(
        [
            {
                "file": "x",
                "indicator_code": "G.2",
                "unit_code": u,
                "year": 2024,
                "period": "FY",
                "field": f,
                "lo": v,
                "hi": v,
            }
            for f, u, v in rows
        ]
    )
    targets = pd.DataFrame(
        [
            {"indicator_code": "G.2", "unit_code": "SC", "year": 2024, "period": "FY", "field": "num", "true": 3.0},
            {"indicator_code": "G.2", "unit_code": "SC", "year": 2024, "period": "FY", "field": "rest", "true": 2.0},
        ]
    )
    res = L.attack(facts, targets, shared_denominators=())
    assert res["determined"].all()
    assert res["lower"].tolist() == [3.0, 2.0] and res["upper"].tolist() == [3.0, 2.0]
    # without the province row SC is free
    res2 = L.attack(facts[facts["unit_code"] != "SL"], targets, shared_denominators=())
    assert not res2["determined"].any()


def test_report_count_table_of_the_tong_ket_is_not_a_gbv_count(tmp_path):
    """The tổng kết's reporting-compliance table (reports received per body) is rendered with
    the report-count marker and is not flagged; a real small GBV count on the same page, in an
    unmarked table, still is — and so is a marked table's twin without the marker."""
    from me_utils.core import labels
    from me_utils.reports.review_doc import Block, table_html

    compliance = pd.DataFrame(
        {"Cơ quan, đơn vị": ["Sở Y tế", "Công an tỉnh"], "Số báo cáo đến hạn": ["4", "2"], "Chưa gửi": ["1", "3"]}
    )
    marked = table_html(Block("table", table=compliance, caption="Thực hiện chế độ báo cáo", counts="reports"))
    assert f'{labels.COUNTS_ATTR}="{labels.COUNTS_REPORTS}"' in marked
    unmarked = table_html(Block("table", table=compliance, caption="Thực hiện chế độ báo cáo"))
    gbv = table_html(
        Block("table", table=pd.DataFrame({"Loại": ["Xâm hại tình dục"], "2024": ["3"]}), caption="Vụ việc")
    )
    d = tmp_path / "reports" / "vi" / "SL"
    d.mkdir(parents=True)
    (d / "03_tong_ket_gbv.html").write_text(_page(marked + gbv), encoding="utf-8")
    found = L.scan_reports(tmp_path / "reports")
    # only the GBV table's 3 (table 1): none of the compliance table's 4, 2, 1, 3 (table 0)
    assert [(f["where"], f["text"], f["reason"]) for f in found] == [("table 1", "3", "small_count")]
    (d / "03_tong_ket_gbv.html").write_text(_page(unmarked + gbv), encoding="utf-8")
    texts = sorted(f["text"] for f in L.scan_reports(tmp_path / "reports"))
    assert texts == ["1", "2", "3", "3", "4"]  # without the marker every small integer is suspect
    # the marker exempts only its own table, not the rest of the page
    assert L.without_report_count_tables(marked + gbv).count(">3<") == 1
