"""One evidence base, many views: every output shows the same figure and status for an indicator.

The demo data are built and rendered with the real commands (``me demo``, ``me build``,
``me report``); the scorecard page, the review, the workbook and the review's narrative are
parsed back from what a reviewer receives (HTML text, xlsx cells) and compared with each other
and with the evidence base — for every indicator and every rendered unit.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

from me_utils.analysis import status
from me_utils.evidence.base import load_evidence
from me_utils.reports import narrative

pytestmark = pytest.mark.slow

UNITS = ("SL", "SC", "MC")
NUM = r"-?\d{1,3}(?:\.\d{3})*(?:,\d+)?|-?\d+(?:,\d+)?"


def _me(*args, timeout=900):
    return subprocess.run(
        [sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, timeout=timeout
    )


def _num(tok: str) -> float:
    return float(tok.replace(".", "").replace(",", "."))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    base = tmp_path_factory.mktemp("consistency")
    root, reports = base / "demo", base / "reports"
    for step in (
        ["demo", "--out", str(root)],
        ["build", "--root", str(root)],
        [
            "report",
            "--data-root",
            str(root),
            "--reports",
            str(reports),
            "--units",
            ",".join(UNITS),
            "--topics",
            "scorecard,phase_end_review",
            "--no-progress",
        ],
    ):
        p = _me(*step)
        assert p.returncode == 0, (step, p.stdout[-1500:], p.stderr[-1500:])
    return root, reports


def _tables(path: Path) -> list[list[list[str]]]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    out = []
    for t in soup.find_all("table"):
        out.append([[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in t.find_all("tr")])
    return out


def _table_with(path: Path, header: str) -> list[dict]:
    for rows in _tables(path):
        if rows and header in rows[0]:
            return [dict(zip(rows[0], r)) for r in rows[1:]]
    raise AssertionError(f"no table with column {header!r} in {path}")


def _value_ci(text: str):
    """(value, low, high) from '55,6 (2025); KTC 95%: 45,7–65,0' or '55,6% (45,7–65,0%)' or
    '112,60 số bé trai/100 bé gái (110,59–114,63)'; None when no figure is shown."""
    first = re.match(rf"\s*({NUM})", text)
    if first is None:
        return None
    iv = re.findall(rf"({NUM})\s*%?\s*–\s*({NUM})", text)
    lo, hi = (_num(iv[-1][0]), _num(iv[-1][1])) if iv else (math.nan, math.nan)
    return _num(first.group(1)), lo, hi


def _is(cell: str, label: str) -> bool:
    """A status cell shows ``label``, alone or followed by its bracketed detail
    ('Chưa đạt mục tiêu (còn thiếu …)', 'Nhiều khả năng đạt (2030)')."""
    cell = cell.strip()
    return cell == label or cell.startswith(label + " (")


def _pct(text: str):
    """The leading whole percent of a probability cell ('14% (2030)' → 14.0); None for '–'."""
    m = re.match(r"\s*([<>]\s*)?(\d+)\s*%", text)
    return None if m is None else float(m.group(2))


def _close(a, b, tol):
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= tol


def _scorecard_page(reports, unit):
    rows = _table_with(reports / "vi" / unit / "10_targets_scorecard.html", "Mã")
    return {r["Mã"]: r for r in rows}


def test_scorecard_page_equals_the_evidence_base_for_every_unit(rendered):
    root, reports = rendered
    ev = load_evidence(root)
    for unit in UNITS:
        page = _scorecard_page(reports, unit)
        sc = ev.scorecard(unit).set_index("indicator_code")
        shown = sc[sc["n_points"] > 0]
        assert set(page) == set(shown.index.astype(str)), unit
        for code, r in page.items():
            e = shown.loc[code]
            if e["kind"] == "binary":
                continue
            got = _value_ci(r["Giá trị mới nhất (năm)"])
            if bool(e["suppressed"]):
                assert got is None, (unit, code, r)
                continue
            dec = 2 if e["kind"] == "ratio" else 0 if e["kind"] in ("count", "binary") else 1
            tol = 0.5 * 10**-dec + 1e-9
            assert _close(got[0], float(e["latest_value"]), tol), (unit, code)
            assert _close(got[1], float(e["ci_low"]), tol) and _close(got[2], float(e["ci_high"]), tol), (unit, code)


def test_review_workbook_narrative_and_scorecard_agree(rendered):
    root, reports = rendered
    ev = load_evidence(root)
    sc = ev.scorecard("SL").set_index("indicator_code")
    page = _scorecard_page(reports, "SL")
    review_rows = {r["Mã"]: r for r in _table_with(reports / "vi" / "SL" / "00_phase_end_review.html", "Mã")}
    wb = openpyxl.load_workbook(reports / "vi" / "SL" / "scorecard.xlsx", data_only=True)
    book = {}
    for ws in wb.worksheets:
        head = [c.value for c in ws[3]]
        if "Mã chỉ tiêu" not in head:
            continue
        for row in ws.iter_rows(min_row=4, values_only=True):
            if row[0]:
                book[row[0]] = dict(zip(head, row))
    checked = 0
    for code, e in sc.iterrows():
        if e["n_points"] == 0 or e["kind"] == "binary":
            continue
        rv = review_rows[code]
        wv = book[code]
        pv = page[code]
        # Status words of the one status model: the same label in the review, the scorecard
        # page and the workbook (the page and the review add the margin in brackets).
        result = status.status_label(e["result_2025"], "vi")
        assert _is(rv["Kết quả 2025"], result) and _is(pv["Kết quả 2025"], result), code
        assert wv["Kết quả 2025"] == result, code
        outlook = status.status_label(e["outlook"], "vi")
        col = "Triển vọng (mục tiêu kế tiếp)"
        assert _is(rv[col], outlook) and _is(pv[col], outlook) and wv[col] == outlook, code
        p_review, p_page = _pct(rv["Xác suất đạt mục tiêu"]), _pct(pv["Xác suất đạt"])
        assert p_review == p_page, code
        p = float(e["outlook_prob"])
        if math.isnan(p):
            assert p_review is None and wv["Xác suất đạt mục tiêu kế tiếp"] is None, code
        else:
            assert _close(float(wv["Xác suất đạt mục tiêu kế tiếp"]), p, 1e-9), code
            if p_review is not None and 0.01 <= p <= 0.99:
                assert abs(p_review - 100 * p) <= 0.5 + 1e-9, code
            # The headline never contradicts its probability.
            assert status.outlook_band(p) == e["outlook"], code
        for m, head in (("unsd", "UNSD 2023"), ("statcan", "Thống kê Canada"), ("escap", "ESCAP")):
            assert wv[head] == pv[head] == status.status_label(e[f"status_{m}"], "vi"), (code, m)
        if bool(e["suppressed"]):
            assert _value_ci(rv["Giá trị gần nhất (KTC 95%)"]) is None, code
            assert wv["Giá trị gần nhất"] is None, code
            continue
        v, lo, hi = _value_ci(rv["Giá trị gần nhất (KTC 95%)"])
        pv_v, pv_lo, pv_hi = _value_ci(pv["Giá trị mới nhất (năm)"])
        assert (v, lo, hi) == (pv_v, pv_lo, pv_hi) or (
            _close(v, pv_v, 0.051) and _close(lo, pv_lo, 0.051) and _close(hi, pv_hi, 0.051)
        ), code
        assert _close(float(wv["Giá trị gần nhất"]), float(e["latest_value"]), 1e-9), code
        if not math.isnan(float(e["ci_low"])):
            assert _close(float(wv["KTC 95% – cận dưới"]), float(e["ci_low"]), 1e-9), code
        checked += 1
    assert checked >= 20
    # Narrative: each indicator sentence carries the latest value of the evidence base.
    html = (reports / "vi" / "SL" / "00_phase_end_review.html").read_text(encoding="utf-8")
    items = [li.get_text(" ", strip=True) for li in BeautifulSoup(html, "html.parser").find_all("li")]
    found = 0
    for code, e in sc.iterrows():
        if e["n_points"] == 0 or bool(e["suppressed"]) or e["kind"] == "binary":
            continue
        pat = re.compile(rf"«{re.escape(str(e['name_vi']))}» (?:đạt|ở mức) ({NUM})")
        hits = [pat.search(t) for t in items]
        hits = [h for h in hits if h]
        assert hits, code
        for h in hits:  # the indicator sentence and any topic summary say the same number
            assert _close(narrative.parse_number(h.group(1), "vi"), float(e["latest_value"]), 0.051), code
        found += 1
    assert found >= 20
