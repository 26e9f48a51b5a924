"""The phase-end review on the illustrative demo data (``me demo`` + ``me build``).

Checks what the issue asks on real computed results: the accountability matrix marks the demo's
late department and missing period; every number of the generated narrative equals the
computed value it names; the workbook's values equal the scorecard's; the rendered HTML opens
in headless Chromium (first-page screenshot kept under tests/artifacts/).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from test_review_fixtures import outlook_band_by_hand  # the documented cut-offs, by hand

from me_utils.analysis import accountability as acc
from me_utils.render import workbook as sx
from me_utils.reports import narrative, review
from me_utils.reports.notebook import ReportContext, read_manifest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"


def _me(*args, timeout=900):
    return subprocess.run(
        [sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("review_demo") / "demo"
    for step in (["demo", "--out", str(root)], ["build", "--root", str(root)]):
        p = _me(*step)
        assert p.returncode == 0, p.stderr[-2000:]
    return root


@pytest.fixture(scope="module")
def results(demo_root):
    ctx = ReportContext(
        unit="SL",
        period_start=2021,
        period_end=2025,
        lang="vi",
        data_root=demo_root,
        manifest=read_manifest(demo_root),
        illustrative=True,
    )
    return review.compute(ctx, as_of="2025-11-30")


def _cell(m, dep, year, period):
    r = m[(m["department"] == dep) & (m["year"] == year) & (m["period"] == period)]
    assert len(r) == 1, (dep, year, period)
    return r.iloc[0]


def test_demo_accountability_marks_the_late_and_the_missing_report(results):
    m = results.matrix
    # The demo's Department of Health sent its 2023 annual report on 12/12/2023; the last
    # on-time day was 24/11/2023, so it is 18 days late.
    late = _cell(m, "SYT", 2023, "FY")
    assert (late["status"], late["submission_date"], late["days_late"]) == ("late", dt.date(2023, 12, 12), 18)
    # The Department of Finance sent nothing for 2022.
    assert _cell(m, "STC", 2022, "FY")["status"] == "missing"
    # Neighbouring reports of the same departments arrived on time.
    assert _cell(m, "SYT", 2022, "FY")["status"] == "on_time"
    assert _cell(m, "STC", 2023, "FY")["status"] == "on_time"
    # Border guards lead no indicator but owe the half-year and annual reports of section V;
    # the demo sends none for them.
    assert set(m[m["department"] == "BDBP"]["status"]) == {"missing"}
    assert len(m[m["department"] == "BDBP"]) == 2 * 5
    md = review.accountability_markdown(m, "vi", results.as_of)
    # one sentence per body, from the compliance summary: counts equal the matrix's cells
    lines = {ln[2:].split(":")[0]: ln[2:] for ln in md.splitlines() if ln.startswith("- ")}
    mo = m[m["obligated"]] if "obligated" in m.columns else m
    for dep, name in (("SYT", "Sở Y tế"), ("STC", "Sở Tài chính")):
        sub = mo[mo["department"] == dep]
        due = int(sub["status"].isin(["on_time", "late", "missing", "rejected"]).sum())
        n_miss = int((sub["status"] == "missing").sum())
        assert lines[name].startswith(f"{name}: trong {due} báo cáo đến hạn, {n_miss} chưa gửi ("), lines[name]
    assert "1 gửi muộn 18 ngày" in lines["Sở Y tế"]  # the 2023 annual report, 18 days late
    assert "cả năm 2022" in lines["Sở Tài chính"]  # the missing 2022 annual report
    # Border guards sent none of their 10 reports
    assert lines["Bộ Chỉ huy Bộ đội Biên phòng tỉnh"].startswith(
        "Bộ Chỉ huy Bộ đội Biên phòng tỉnh: chưa gửi báo cáo nào trong 10 báo cáo đến hạn (6 tháng 2021–2025, "
        "cả năm 2021–2025)"
    )
    assert not re.search(r"(?<![\d.,])0 (chưa|gửi|báo cáo)", md)
    wide = acc.wide_table(m, "vi").set_index("Cơ quan")
    assert wide.loc["Sở Y tế", "2023 – Năm"] == "⚠ Muộn 12/12/2023 (+18 ngày)"
    assert wide.loc["Sở Tài chính", "2022 – Năm"] == "✗ Chưa gửi"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_narrative_number_equals_the_computed_scorecard(results, lang):
    sc = results.scorecard
    n_checked = 0
    for r in sc.to_dict("records"):
        text = narrative.indicator_sentence(r, lang)
        name = r["name_vi"] if lang == "vi" else r["name_en"]
        nums = narrative.parse_numbers(text, lang, remove=[name, narrative.unit_label(r, lang)])
        if r["kind"] == "binary" or math.isnan(r["latest_value"]):
            continue
        d = narrative.value_decimals(r["kind"])
        expect = [(r["latest_year"], 0), (r["latest_value"], d)]
        if not (math.isnan(r["ci_low"]) or math.isnan(r["ci_high"])):
            expect += [(95, 0), (r["ci_low"], d), (r["ci_high"], d)]
        expect.append((2025, 0))
        if not math.isnan(r["target_2025"]):
            expect.append((r["target_2025"], narrative.target_decimals(r["target_2025"])))
        if r["scope"] == "context":
            pass  # a reason sentence follows, without numbers of its own
        else:
            if r["result_2025"] in ("achieved", "not_achieved"):
                # "Kết quả năm 2025: …" with the margin and, for sampled figures, its interval
                expect.append((2025, 0))
                printed = abs(r["margin_2025"]) >= 0.5 * 10**-d  # else "exactly at the target"
                if printed:
                    expect.append((abs(r["margin_2025"]), d))
                if printed and not math.isnan(r["margin_2025_low"]):
                    lo, hi = r["margin_2025_low"], r["margin_2025_high"]
                    ends = [abs(hi), abs(lo)] if hi <= 0 else [abs(lo), abs(hi)]
                    expect += [(95, 0), (ends[0], d), (ends[1], d)]
            if str(r["outlook"]).startswith("outlook_"):
                y = int(r["outlook_year"])
                expect.append((y, 0))
                if y != 2025:
                    expect.append((r[f"target_{y}"], narrative.target_decimals(r[f"target_{y}"])))
                p = r["outlook_prob"]
                expect.append((1 if p < 0.005 else 99 if p > 0.995 else 100 * p, 0))
            reason = r[f"status_reason_{lang}"]
            for x in narrative.parse_numbers(reason, lang):  # reasons print their own numbers
                expect.append((x, 6))
        assert len(nums) == len(expect), (r["indicator_code"], text, nums)
        for got, (src, dec) in zip(nums, expect):
            assert abs(got - src) <= 0.5 * 10**-dec + 1e-9, (r["indicator_code"], got, src, text)
        n_checked += 1
    assert n_checked >= 25


def test_headlines_never_contradict_their_probability_and_counts_equal_statuses(results):
    """Issue 13 "done when": the headline is a band of the printed probability; the summary's
    counts equal the per-indicator categories, read back from the rendered summary sentence."""
    sc = results.scorecard
    for r in sc.to_dict("records"):
        p = r["outlook_prob"]
        if str(r["outlook"]).startswith("outlook_"):
            assert 0.001 <= p <= 0.999
            band = outlook_band_by_hand(p)
            assert r["outlook"] == band, r["indicator_code"]
        if r["summary_category"].startswith("outlook_"):
            assert r["result_2025"] == "pending" and r["outlook_year"] == 2025
        assert r["summary_category"] != "on_track"
        if math.isnan(r["target_2025"]) and r["scope"] != "context":
            assert r["summary_category"] == "no_target"
    from me_utils.analysis import status

    md = review.executive_summary_markdown(sc, "vi")
    bold = [ln for ln in md.splitlines() if ln.startswith("**")][0]
    nums = [int(x) for x in narrative.parse_numbers(bold, "vi") if x != 2025]
    counts = sc["summary_category"].value_counts()
    shown = [c for c in status.SUMMARY_ORDER if counts.get(c, 0)]  # zero counts are left out
    assert nums == [len(sc)] + [int(counts.get(c, 0)) for c in shown]


def test_demo_gbv_sentences_equal_the_register_indicators(results):
    rows = results.gbv["indicators"]
    text = results.gbv["markdown"]
    for r in rows.to_dict("records"):
        if r["hidden"] or math.isnan(r["latest_value"]):
            continue
        line = next(ln for ln in text.splitlines() if r["name_vi"] in ln)
        nums = narrative.parse_numbers(line, "vi", remove=[r["name_vi"]])
        assert nums[:5] == [
            r["latest_year"],
            round(r["latest_value"], 1),
            95,
            round(r["ci_low"], 1),
            round(r["ci_high"], 1),
        ], line


def test_demo_gbv_tables_pass_the_disclosure_scan(results):
    from me_utils.analysis import disclosure

    cases = results.gbv["cases"]
    assert disclosure.scan_html_for_disclosure(cases.to_html()) == []
    assert results.suppression_log is not None and len(results.suppression_log) == 1
    assert "case_id" not in results.gbv["indicators"].columns


def test_demo_workbook_equals_the_scorecard(results, tmp_path):
    p = sx.write_review_workbook(results, str(tmp_path))
    assert p == tmp_path / "scorecard.xlsx"
    wb = openpyxl.load_workbook(p)
    header_of = {key: vi for key, vi, _en, _nf, _w in sx.INDICATOR_COLUMNS}
    sc = results.scorecard.set_index("indicator_code")
    seen = 0
    for ws in wb.worksheets[1:-2]:
        headers = [c.value for c in ws[sx.HEADER_ROW]]
        for row in ws.iter_rows(min_row=sx.FIRST_DATA_ROW, values_only=True):
            cells = dict(zip(headers, row))
            src = sc.loc[row[0]]
            for col in ("latest_value", "ci_low", "ci_high", "target_2025", "outlook_prob"):
                v, s = cells[header_of[col]], src[col]
                if isinstance(s, float) and math.isnan(s):
                    assert v is None
                else:
                    assert v == pytest.approx(float(s), rel=1e-14)
            seen += 1
    assert seen == len(sc)
    assert "DỮ LIỆU MINH HỌA" in wb.worksheets[1].cell(sx.NOTE_ROW, 1).value
    assert wb.sheetnames[-2] == "Trách nhiệm báo cáo"


@pytest.mark.browser
def test_rendered_report_in_headless_chromium(demo_root, tmp_path):
    from me_utils.render.pdf import find_chromium

    try:
        find_chromium()
    except FileNotFoundError:
        pytest.skip("chromium not installed (make browser)")
    reports = tmp_path / "reports"
    p = _me(
        "report",
        "--data-root",
        str(demo_root),
        "--topics",
        "phase_end_review",
        "--units",
        "SL",
        "--reports",
        str(reports),
        "--jobs",
        "1",
        "--no-progress",
    )
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    page = reports / "vi" / "SL" / "00_phase_end_review.html"
    html = page.read_text(encoding="utf-8")
    for heading in (
        "Tóm tắt",
        "Bảng đánh giá các chỉ tiêu",
        "Ma trận trách nhiệm báo cáo",
        "Phụ lục phương pháp",
        "Kiến nghị",
    ):
        assert heading in html
    assert 'href="20_gbv.html"' in html and 'href="30_leadership.html"' in html
    assert "Dữ liệu minh họa" in html
    assert "RuntimeWarning" not in html and "Traceback" not in html
    from me_utils.analysis import disclosure

    assert [f for f in disclosure.scan_html_for_disclosure(html) if f["kind"] == "case_id"] == []
    assert "Phần kiến nghị do cán bộ phân tích viết, dựa trên các kết quả ở trên." in html
    assert (page.parent / "scorecard.xlsx").exists()
    assert "written by the analyst" not in html

    from PIL import Image

    from me_utils.render.browser import check_pages

    shots = tmp_path / "shots"
    chk = check_pages([page], screenshot_dir=shots)[0]
    assert chk.ok, (chk.console_errors, chk.page_errors, chk.external_requests, chk.broken_images)
    assert "scorecard.xlsx" in chk.links and "20_gbv.html" in chk.links
    ARTIFACTS.mkdir(exist_ok=True)
    first = ARTIFACTS / "phase_end_review_first_page.png"
    with Image.open(chk.screenshot) as im:
        im.crop((0, 0, im.width, min(im.height, 1400))).save(first)
    assert first.stat().st_size > 10_000
