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


# --- the review's sentences that add to its tables (issue 17) ---------------------------------

CODE = r"[A-Z]+\d?\.[A-Z]?\d+[ab]?"


def _li_texts(path: Path) -> set[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return {li.get_text(" ", strip=True) for li in soup.find_all("li")}


def test_review_gap_and_change_sentences_equal_the_evidence_base(rendered):
    """Every "furthest from target" and "changed since last year" sentence of the rendered
    review, parsed back, equals the evidence base: the shortfall to the next target, the years
    left, the years the trend's projected pace needs, the probability, and the previous year's
    figure — each worked out here from the stored columns."""
    root, reports = rendered
    ev = load_evidence(root)
    sc = ev.scorecard("SL").set_index("indicator_code")
    texts = _li_texts(reports / "vi" / "SL" / "00_phase_end_review.html")
    far = re.compile(
        rf"\(({CODE})\) còn (thiếu|cao hơn) ({NUM}) (?:điểm phần trăm|[^;]*?) so với mục tiêu năm (\d{{4}}) \("
        rf"[^;]*?\)(?:; theo nhịp độ của xu hướng cần khoảng ({NUM}) năm nữa, trong khi còn (\d+) năm)?"
        rf"(?:; [^;.]*?)?(?:; xác suất (khoảng|dưới|trên) (\d+)%)?\."
    )
    seen = set()
    for t in texts:
        for m in far.finditer(t):
            code, word, gap, year = m.group(1), m.group(2), _num(m.group(3)), int(m.group(4))
            e = sc.loc[code]
            more_is_better = e["direction"] in ("increase", "reach")
            assert word == ("thiếu" if more_is_better else "cao hơn"), code
            latest, target = float(e["latest_value"]), float(e[f"target_{year}"])
            shortfall = (target - latest) if more_is_better else (latest - target)
            dec = 2 if e["kind"] == "ratio" else 0 if e["kind"] == "count" else 1
            assert shortfall > 0 and _close(gap, shortfall, 0.5 * 10**-dec + 1e-9), (code, gap, shortfall)
            assert year == int(e["outlook_year"]) and year > int(e["latest_year"]), code
            if m.group(5) is not None:
                left = year - int(e["latest_year"])
                assert int(m.group(6)) == left, code
                proj = float(e[f"proj_{year}"])
                pace = ((proj - latest) if more_is_better else (latest - proj)) / left
                assert pace > 0 and abs(_num(m.group(5)) - shortfall / pace) <= 0.5 + 1e-9, code
            if m.group(8) is not None:
                p = 100 * float(e["outlook_prob"])
                assert {"dưới": p < 1, "trên": p > 99, "khoảng": abs(int(m.group(8)) - p) <= 0.5 + 1e-9}[m.group(7)], (
                    code
                )
            seen.add(code)
    assert len(seen) >= 5, seen
    change = re.compile(
        rf"So với năm (\d{{4}}), «[^»]+» \(({CODE})\) chuyển từ «([^»]+)» \(({NUM})%?[^)]*\) sang «([^»]+)» "
        rf"\(({NUM})%?[^)]*? năm (\d{{4}})\)"
    )
    changed = set()
    for t in texts:
        for m in change.finditer(t):
            prev_year, code = int(m.group(1)), m.group(2)
            e = sc.loc[code]
            s = ev.series(code, "SL").set_index("year")
            assert prev_year == int(e["latest_year"]) - 1 == int(m.group(7)) - 1, code
            assert _close(_num(m.group(4)), float(s.loc[prev_year, "value"]), 0.051), code
            assert _close(_num(m.group(6)), float(e["latest_value"]), 0.051), code
            after = status.status_label(e["result_2025"], "vi").lower()
            assert m.group(5) == after and m.group(3) != after, code
            # the previous figure is on the other side of the 2025 target
            t25, prev = float(e["target_2025"]), float(s.loc[prev_year, "value"])
            met_before = prev >= t25 if e["direction"] in ("increase", "reach") else prev <= t25
            assert met_before == (e["result_2025"] == "not_achieved"), code
            changed.add(code)
    assert changed, "the demo has indicators that crossed their 2025 target in 2025"
    # zero-count clauses are never written
    for t in texts:
        assert not re.search(r"(?<![\d.,])0 (đã đạt|chưa đạt|đúng lộ trình|chậm|chưa có số liệu|chưa gửi)", t), t


def _years(ys):
    ys, out, i = sorted(ys), [], 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        out.append(str(ys[i]) if i == j else f"{ys[i]}–{ys[j]}")
        i = j + 1
    return ", ".join(out)


def test_review_reporting_sentences_equal_the_accountability_matrix(rendered):
    """Each body's reporting sentence equals the badges of its row in the rendered matrix:
    reports due, missing (and which periods), late."""
    _, reports = rendered
    path = reports / "vi" / "SL" / "00_phase_end_review.html"
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    table = next(t for t in soup.find_all("table") if "Cơ quan (chỉ tiêu báo cáo)" in t.find("tr").get_text())
    years = [int(th.get_text(strip=True)) for th in table.find("tr").find_all("th")[1:]]
    texts = _li_texts(path)
    checked = 0
    for tr in table.find_all("tr")[1:]:
        tds = tr.find_all("td")
        body = tds[0].find("strong").get_text(strip=True)
        miss = {"H1": [], "FY": []}
        n = {"due": 0, "missing": 0, "late": 0}
        for y, td in zip(years, tds[1:]):
            for div in td.find_all("div"):
                per, _, cell = div.get_text(strip=True).partition(": ")
                per = "H1" if per == "6 tháng" else "FY"
                if cell.startswith(("✓", "⚠", "✗")):
                    n["due"] += 1
                if cell.startswith("✗ Chưa gửi"):
                    n["missing"] += 1
                    miss[per].append(y)
                if cell.startswith("⚠"):
                    n["late"] += 1
        line = [t for t in texts if t.startswith(body + ": ")]
        if not (n["missing"] or n["late"]):
            assert not line, body
            continue
        assert len(line) == 1, (body, line)
        periods = ", ".join(f"{w} {_years(miss[p])}" for p, w in (("H1", "6 tháng"), ("FY", "cả năm")) if miss[p])
        # Reports due are the obligated ones (compliance summary); a report a body sent in a
        # year it owed none also shows a ✓ badge, so the badges bound the count from above.
        due = re.match(rf"{re.escape(body)}: (?:chưa gửi báo cáo nào )?trong (\d+) báo cáo đến hạn", line[0])
        assert due and n["missing"] + n["late"] <= int(due.group(1)) <= n["due"], (line, n)
        if line[0].startswith(f"{body}: chưa gửi báo cáo nào"):
            assert n["late"] == 0 and int(due.group(1)) == n["missing"], (line, n)
            assert line[0].endswith(f"({periods})."), (line, periods)
        else:
            if n["missing"]:
                assert f"{n['missing']} chưa gửi ({periods})" in line[0], line
            if n["late"] == 1:
                assert "1 gửi muộn " in line[0], line
            elif n["late"]:
                assert f"{n['late']} gửi muộn, trung bình " in line[0], line
        checked += 1
    assert checked >= 3
