"""Reviewer-grade output on rendered reports (issue 17 "Done when").

Renders the phase-end review, the overview and the leadership report of the illustrative demo
(province, Vietnamese, with --pdf) once, then checks:

- every visible text of the review and the overview is Vietnamese: no English label, raw code
  name or file path (:mod:`me_utils.render.pagecheck`);
- no chart without alt text, nbconvert's English placeholder nowhere;
- the review's PDF: the accountability matrix page holds every period column, no page ends
  with a heading, every page has its number and the illustrative banner;
- at 390 px the review does not scroll sideways (``scrollWidth`` equals the viewport width);
- screenshots (1366 px, 390 px) and two PDF pages are kept as PNG under ``tests/artifacts/``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from me_utils.render.pagecheck import NBCONVERT_ALT, page_problems, visible_texts

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts" / "output17"
PERIODS = [str(y) for y in range(2021, 2026)]


def _chromium():
    try:
        from me_utils.render.pdf import find_chromium

        return find_chromium()
    except FileNotFoundError:
        return None


def _me(*args, timeout=1200):
    return subprocess.run(
        [sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    if _chromium() is None:
        pytest.skip("chromium not installed (make browser)")
    base = tmp_path_factory.mktemp("output17")
    root, out = base / "demo", base / "reports"
    for step in (["demo", "--out", str(root)], ["build", "--root", str(root)]):
        p = _me(*step)
        assert p.returncode == 0, p.stderr[-2000:]
    p = _me(
        "report",
        "--data-root",
        str(root),
        "--reports",
        str(out),
        "--units",
        "SL",
        "--topics",
        "phase_end_review,overview,leadership",
        "--jobs",
        "1",
        "--pdf",
        "--no-progress",
    )
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    return out / "vi" / "SL"


def _page(reports, stem):
    return (reports / f"{stem}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("stem", ["00_phase_end_review", "00_overview"])
def test_every_visible_text_is_vietnamese(reports, stem):
    problems = page_problems(_page(reports, stem))
    assert problems == [], "\n".join(f"{p.kind}: {p.match!r} in {p.text!r}" for p in problems[:20])


@pytest.mark.parametrize("stem", ["00_phase_end_review", "00_overview", "30_leadership"])
def test_no_chart_without_alt_text(reports, stem):
    page = _page(reports, stem)
    assert NBCONVERT_ALT not in page
    _, alts = visible_texts(page)
    assert all(a and a.strip() for a in alts), alts
    assert [p for p in page_problems(page) if p.kind == "alt"] == []
    if stem == "30_leadership":
        assert len(alts) >= 4
        # Figures made by the chart modules describe themselves (values, not only a section).
        assert any(a.startswith("Tỷ lệ nữ đại biểu HĐND") and "HĐND cấp tỉnh:" in a for a in alts)
        assert sum("Biểu đồ phễu" in a for a in alts) >= 1


def test_technical_block_is_folded_and_vietnamese(reports):
    page = _page(reports, "00_phase_end_review")
    footer = page.split('<footer class="me-provenance">')[1]
    assert '<details class="me-technical">' in footer and "<summary>Thông tin kỹ thuật</summary>" in footer
    assert "Mã băm" not in footer and "Commit" not in footer and "unit=" not in footer


def _pdf_pages(pdf: Path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext missing (apt-get install -y poppler-utils)")
    txt = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=120).stdout
    pages = txt.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _headings(page_html: str) -> list[str]:
    out = []
    for m in re.finditer(r"<h([1-4])[^>]*>(.*?)</h\1>", page_html.split("<main>", 1)[1], re.S):
        text = re.sub(r"<[^>]+>", "", m.group(2)).replace("¶", "").strip()
        if text:
            out.append(re.sub(r"\s+", " ", text))
    return out


def test_review_pdf_matrix_has_every_period_and_no_page_ends_with_a_heading(reports):
    pdf = reports / "00_phase_end_review.pdf"
    pages = _pdf_pages(pdf)
    assert len(pages) >= 5
    n = len(pages)
    for i, text in enumerate(pages, start=1):
        assert f"Trang {i} / {n}" in text, i  # page numbers on every page
        assert "Dữ liệu minh họa" in text, i  # the illustrative banner on every page
    # The matrix page: the page holding its header row shows all period columns on that row.
    rows = [ln for p in pages for ln in p.splitlines() if ln.strip().startswith("Cơ quan (chỉ tiêu báo cáo)")]
    assert rows, "matrix header not found"
    for ln in rows:
        assert all(y in ln for y in PERIODS), ln
    # Nothing is cut at the right: the printed matrix pages (header repeated on each) hold as
    # many annual cells as the page's matrix table has (one per obligated body and period).
    matrix_pages = [p for p in pages if "Cơ quan (chỉ tiêu báo cáo)" in p]
    cells = sum(p.count("Năm:") for p in matrix_pages)
    html = (reports / "00_phase_end_review.html").read_text(encoding="utf-8")
    table = next(t for t in re.findall(r"<table.*?</table>", html, re.S) if "Cơ quan (chỉ tiêu báo cáo)" in t)
    assert cells == len(re.findall(r"Năm:", re.sub(r"<[^>]+>", " ", table))) > 0, cells
    for y in PERIODS:
        assert any(re.search(rf"\d\d/\d\d/{y}", p) for p in matrix_pages), y
    # The ten-column indicator table fits the page: its last header is printed whole on every
    # page that repeats the header row (it was cut to "Phân loại theo ph").
    heads = [ln for p in pages for ln in p.splitlines() if re.match(r"\s*Mã\s+Chỉ tiêu\s", ln)]
    assert heads and all("Phân loại theo phương" in ln for ln in heads), heads
    # No page ends with a heading: the last text line of a page (before the page number) is
    # never a heading of the report.
    heads = set(_headings(_page(reports, "00_phase_end_review")))
    for i, text in enumerate(pages, start=1):
        lines = [re.sub(r"\s+", " ", ln).strip() for ln in text.splitlines() if ln.strip()]
        lines = [ln for ln in lines if not re.fullmatch(r"Trang \d+ / \d+", ln) and "Dữ liệu minh họa —" not in ln]
        if i < n and lines:
            assert lines[-1] not in heads, (i, lines[-1])


def test_review_is_readable_at_phone_width_and_screenshots_are_kept(reports):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    url = (reports / "00_phase_end_review.html").resolve().as_uri()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        try:
            for width in (1366, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url, wait_until="load")
                sw = page.evaluate("document.documentElement.scrollWidth")
                assert sw == width, (width, sw)
                if width == 390:
                    # Rows are cards: each value is shown with its column header.
                    labels = page.evaluate(
                        "Array.from(document.querySelectorAll('td[data-label]')).slice(0, 50)"
                        ".map(td => getComputedStyle(td, '::before').content)"
                    )
                    assert labels and all(lab not in ("none", "normal", '""') for lab in labels), labels[:5]
                page.screenshot(path=str(ARTIFACTS / f"review_{width}.png"), full_page=width == 390)
                page.close()
        finally:
            browser.close()
    if shutil.which("pdftoppm"):
        pdf = reports / "00_phase_end_review.pdf"
        pages = _pdf_pages(pdf)
        matrix = next(i for i, p in enumerate(pages, start=1) if "Cơ quan (chỉ tiêu báo cáo)" in p)
        # The first page of the indicator table (its header row: "Mã  Chỉ tiêu  …").
        scorecard = next(i for i, p in enumerate(pages, start=1) if re.search(r"^\s*Mã\s+Chỉ tiêu\s", p, re.M))
        for name, num in (("pdf_scorecard", scorecard), ("pdf_matrix", matrix)):
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "70",
                    "-png",
                    "-singlefile",
                    "-f",
                    str(num),
                    "-l",
                    str(num),
                    str(pdf),
                    str(ARTIFACTS / name),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
