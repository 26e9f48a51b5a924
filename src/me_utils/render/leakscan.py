"""Reader's-eye checks of rendered outputs: what a set of HTML/xlsx/csv/log files discloses
about GBV-derived counts, worked out from the files alone.

Layer: render (it reads what the renderer wrote; it imports nothing above the analysis layer).

- :func:`parse_reports` reads every figure a reader can see for the GBV-derived indicators —
  values with their 95% Wilson interval (which imply the count and the denominator, see
  :func:`invert_wilson`), numerator/denominator columns, the returnee table — into a long
  table of *facts*: bounds on a count of one indicator × unit × year × period.
- :func:`attack` is an attacker independent of :mod:`me_utils.analysis.gate` and
  :mod:`me_utils.analysis.disclosure`: from the facts alone and the public structure (the province is
  the sum of its districts, a full year is H1 plus H2, ``rest = denominator − numerator``) it
  builds a linear system and asks :func:`scipy.optimize.linprog` for the smallest and largest
  value of every sensitive count (true value 1…k−1, given by the caller as ground truth).
  A count whose range is narrower than 1 is *determined*: a leak.
- :func:`scan_reports` is the quick scan: any GBV-derived count 1…k−1 printed in a table,
  xlsx, csv or log line, or any interval that can only come from such a count.
"""

from __future__ import annotations

import html as _html
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from me_utils.analysis import disclosure as D
from me_utils.analysis.gate import DISTRICTS, GBV_DERIVED_CODES, PROVINCE
from me_utils.analysis.intervals import wilson_ci
from me_utils.core.labels import COUNTS_ATTR, COUNTS_REPORTS
from me_utils.reference.units import load_units

GBV_CODE_RE = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(c) for c in sorted(GBV_DERIVED_CODES, key=len, reverse=True)) + r")(?![\w.])"
)
_NUM = r"(\d{1,3}(?:[.,]\d)?)"
INTERVAL_RE = re.compile(r"(?<![\d.,])" + _NUM + r"\s*%?\s*(?:–|-|đến|to)\s*" + _NUM + r"(?![\d])")
#: "0,0 (2024); KTC 95%: 0,0–65,8" (scorecard latest value) or "12.5 (2024); 95% CI: …"
LATEST_RE = re.compile(_NUM + r"\s*%?\s*\((\d{4})\);\s*(?:KTC 95%|95% CI):\s*" + _NUM + r"\s*%?\s*(?:–|-)\s*" + _NUM)
#: "2025 78,2% (74,3–81,6%)" (phase-end review table: year, value, interval)
YEAR_VALUE_CI_RE = re.compile(
    r"(?<!\d)(\d{4})\s+" + _NUM + r"\s*%\s*\(" + _NUM + r"\s*%?\s*(?:–|-)\s*" + _NUM + r"\s*%?\)"
)
NMAX = 1200
#: workbook headers (vi/en) → field
XLSX_HEADERS = {
    "năm gần nhất": "year",
    "latest year": "year",
    "latest_year": "year",
    "year": "year",
    "năm": "year",
    "giá trị gần nhất": "value",
    "latest value": "value",
    "latest_value": "value",
    "value": "value",
    "giá trị": "value",
    "ktc 95% – cận dưới": "lo",
    "95% ci – low": "lo",
    "ci_low": "lo",
    "ktc 95% – cận trên": "hi",
    "95% ci – high": "hi",
    "ci_high": "hi",
    "tử số": "num",
    "numerator": "num",
    "mẫu số": "den",
    "denominator": "den",
    "unit_code": "unit",
    "đơn vị": "unit",
}


def _num(s: str) -> float:
    return float(s.replace(",", "."))


@lru_cache(maxsize=4)
def _wilson_grid(nmax: int = NMAX, decimals: int = 1):
    n = np.concatenate([np.full(m + 1, m) for m in range(1, nmax + 1)])
    x = np.concatenate([np.arange(m + 1) for m in range(1, nmax + 1)])
    lo, hi = wilson_ci(x, n)
    val = np.round(x / n * 100, decimals)
    return x, n, np.round(np.asarray(lo) * 100, decimals), np.round(np.asarray(hi) * 100, decimals), val


def invert_wilson(
    lo: float, hi: float, value: float | None = None, decimals: int = 1, nmax: int = NMAX
) -> list[tuple[int, int]]:
    """Every (x, n), n ≤ ``nmax``, whose 95% Wilson interval (percent, rounded to ``decimals``)
    is ``lo–hi`` and whose percentage rounds to ``value`` when given. Output: list of (x, n)."""
    x, n, l_, h_, v_ = _wilson_grid(nmax, decimals)
    tol = 0.5 * 10**-decimals + 1e-9
    m = (np.abs(l_ - lo) < tol) & (np.abs(h_ - hi) < tol)
    if value is not None:
        m &= np.abs(v_ - value) < tol
    return list(zip(x[m].tolist(), n[m].tolist()))


def _text(cell_html: str) -> str:
    return _html.unescape(re.sub(r"<[^>]+>", " ", cell_html)).strip()


def _int_cell(s: str):
    s = s.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})*|\d+", s):
        return int(s.replace(".", ""))
    return None


def _unit_of(path: Path) -> str | None:
    parts = path.parts
    for p in reversed(parts[:-1]):
        if p == PROVINCE or p in DISTRICTS:
            return p
    return None


@lru_cache(maxsize=1)
def _district_names() -> dict:

    units = load_units()
    return {units.name(c, lang): c for c in DISTRICTS for lang in ("vi", "en")}


def _district_code(name: str) -> str | None:
    return _district_names().get(name.strip())


def _fact(file, code, unit, year, period, field, lo, hi):
    return {
        "file": file,
        "indicator_code": code,
        "unit_code": unit,
        "year": int(year),
        "period": period,
        "field": field,
        "lo": float(lo),
        "hi": float(hi),
    }


def _interval_facts(file, code, unit, year, value, lo, hi, nmax=NMAX) -> list[dict]:
    cands = invert_wilson(lo, hi, value, nmax=nmax)
    if not cands:
        return []
    xs = [c[0] for c in cands]
    ns = [c[1] for c in cands]
    rs = [c[1] - c[0] for c in cands]
    if max(ns) >= nmax - 5:  # might be a larger n outside the grid: no bound from it
        return []
    return [
        _fact(file, code, unit, year, "FY", "num", min(xs), max(xs)),
        _fact(file, code, unit, year, "FY", "den", min(ns), max(ns)),
        _fact(file, code, unit, year, "FY", "rest", min(rs), max(rs)),
    ]


def parse_html(path: Path, unit: str | None = None) -> list[dict]:
    """Facts from one rendered HTML page (see module doc). ``unit`` defaults to the page's
    folder name (``reports/<lang>/<unit>/<page>.html``)."""
    unit = unit or _unit_of(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    facts: list[dict] = []
    f = str(path)
    # 1. rows that name an indicator and give "value (year); KTC 95%: lo–hi"
    for tr in re.findall(r"<tr\b.*?</tr>", text, re.S | re.I):
        row = _text(tr)
        m = GBV_CODE_RE.search(row)
        if not m:
            continue
        for lm in LATEST_RE.finditer(row):
            facts += _interval_facts(
                f, m.group(1), unit, lm.group(2), _num(lm.group(1)), _num(lm.group(3)), _num(lm.group(4))
            )
        for rm in YEAR_VALUE_CI_RE.finditer(row):
            facts += _interval_facts(
                f, m.group(1), unit, rm.group(1), _num(rm.group(2)), _num(rm.group(3)), _num(rm.group(4))
            )
    # 2. tables under a caption naming an indicator: Năm/Year, Tử số, Mẫu số, Giá trị, KTC
    for cap, tab in re.findall(r'<p class="me-caption">(.*?)</p>\s*(<table\b.*?</table>)', text, re.S | re.I):
        cap_t = _text(cap)
        m = GBV_CODE_RE.search(cap_t)
        heads = [_text(h) for h in re.findall(r"<th\b[^>]*>(.*?)</th>", tab.split("</thead>")[0], re.S)]
        rows = [
            [_text(c) for c in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", tr, re.S)]
            for tr in re.findall(r"<tr\b.*?</tr>", tab.split("</thead>")[-1], re.S)
        ]
        low = [h.lower() for h in heads]
        if m and any(h in ("tử số", "numerator") for h in low):
            code = m.group(1)
            for r in rows:
                if len(r) != len(heads) or not re.fullmatch(r"\d{4}", r[0]):
                    continue
                rec = dict(zip(low, r))
                y = int(r[0])
                num = _int_cell(rec.get("tử số", rec.get("numerator", "")))
                den = _int_cell(rec.get("mẫu số", rec.get("denominator", "")))
                if num is not None:
                    facts.append(_fact(f, code, unit, y, "FY", "num", num, num))
                if den is not None:
                    facts.append(_fact(f, code, unit, y, "FY", "den", den, den))
                ci = rec.get("ktc 95%", rec.get("95% ci", ""))
                im = INTERVAL_RE.search(ci or "")
                v = rec.get("giá trị", rec.get("value", ""))
                vm = re.match(_NUM, v or "")
                if im and vm:
                    facts += _interval_facts(f, code, unit, y, _num(vm.group(1)), _num(im.group(1)), _num(im.group(2)))
        elif re.search(r"theo loại và năm|by type and year", cap_t) and heads:
            # GBV incidents by type × year: the total row is the GBV survivors of the unit per
            # year, i.e. the denominator of M3.C2a and G.1
            tot = [r for r in rows if r and r[0] in ("Tổng", "Total")]
            if tot:
                for h, cell in zip(heads[1:], tot[0][1:]):
                    v = _int_cell(cell)
                    if re.fullmatch(r"\d{4}", h) and v is not None:
                        facts.append(_fact(f, "M3.C2a", unit, int(h), "FY", "den", v, v))
        elif ym := re.search(r"(?:theo huyện và loại, năm|by district and type,)\s*(\d{4})", cap_t):
            # province page: district × type for one year; the total column is each
            # district's GBV survivors (denominator of M3.C2a and G.1), the total row the province's
            y = int(ym.group(1))
            for r in rows:
                if not r:
                    continue
                u = PROVINCE if r[0] in ("Tổng", "Total") else _district_code(r[0])
                v = _int_cell(r[-1])
                if u is not None and v is not None:
                    facts.append(_fact(f, "M3.C2a", u, y, "FY", "den", v, v))
        elif re.search(r"Nạn nhân trở về|Returnees in need", cap_t):
            # section 8 of the GBV page: year × (supported, not supported, total, share)
            for r in rows:
                if not r or not re.fullmatch(r"\d{4}", r[0]) or len(r) < 4:
                    continue
                y = int(r[0])
                for field, cell in (("num", r[1]), ("rest", r[2]), ("den", r[3])):
                    v = _int_cell(cell)
                    if v is not None:
                        facts.append(_fact(f, "M3.C3", unit, y, "FY", field, v, v))
    return facts


def parse_xlsx(path: Path, unit: str | None = None) -> list[dict]:
    """Facts from a workbook: on every sheet, a header row naming the indicator code column
    (``Mã chỉ tiêu``/``indicator_code``) maps the year, value, interval and count columns of
    the rows below (:data:`XLSX_HEADERS`); text cells with "value (year); KTC 95%: lo–hi" are
    read too."""
    import openpyxl

    facts = []
    f = str(path)
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        header = None
        for row in ws.iter_rows(values_only=True):
            cells = ["" if c is None else str(c) for c in row]
            low = [c.strip().lower() for c in cells]
            if any(c in ("indicator_code", "mã chỉ tiêu") for c in low):
                header = [XLSX_HEADERS.get(c, "") for c in low]
                continue
            line = " | ".join(cells)
            m = GBV_CODE_RE.search(line)
            if not m:
                continue
            code = m.group(1)
            for lm in LATEST_RE.finditer(line):
                facts += _interval_facts(
                    f,
                    code,
                    unit or _unit_of(path),
                    lm.group(2),
                    _num(lm.group(1)),
                    _num(lm.group(3)),
                    _num(lm.group(4)),
                )
            if not header:
                continue
            rec = {h: v for h, v in zip(header, row) if h}
            u = rec.get("unit") or unit or _unit_of(path)
            try:
                y = int(float(rec.get("year")))
            except (TypeError, ValueError):
                continue

            def num(v):
                return float(v) if isinstance(v, (int, float)) and np.isfinite(v) else None

            for key in ("num", "den"):
                v = num(rec.get(key))
                if v is not None:
                    facts.append(_fact(f, code, u, y, "FY", key, v, v))
            v, lo, hi = num(rec.get("value")), num(rec.get("lo")), num(rec.get("hi"))
            if None not in (v, lo, hi):
                facts += _interval_facts(f, code, u, y, round(v, 1), round(lo, 1), round(hi, 1))
    return facts


def parse_reports(reports_dir, units=None) -> pd.DataFrame:
    """Facts from every HTML and xlsx under ``reports_dir`` (``_restricted`` skipped), for the
    given units (None = all). Output: DataFrame ``file, indicator_code, unit_code, year,
    period, field ('num'|'den'|'rest'), lo, hi``."""
    root = Path(reports_dir)
    facts = []
    for p in sorted(root.rglob("*")):
        if "_restricted" in p.parts or not p.is_file():
            continue
        u = _unit_of(p)
        if units is not None and u not in units:
            continue
        if p.suffix == ".html":
            facts += parse_html(p, u)
        elif p.suffix == ".xlsx":
            facts += parse_xlsx(p, u)
    cols = ["file", "indicator_code", "unit_code", "year", "period", "field", "lo", "hi"]
    return pd.DataFrame(facts, columns=cols)


# --------------------------------------------------------------------------- the attacker


def sensitive_cells(truth: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """Counts a reader must not learn: for every row of ``truth`` (indicator_code, unit_code,
    year, period ∈ {FY, H1}, numerator, denominator) the numerator, denominator and rest, and
    for a unit-year with both FY and H1 the second half-year (``period='H2'``), whose true
    value is 1…k−1. Output: ``indicator_code, unit_code, year, period, field, true``."""
    t = truth.dropna(subset=["numerator", "denominator"])
    recs = []
    vals = {}
    for r in t.itertuples(index=False):
        trio = {"num": r.numerator, "den": r.denominator, "rest": r.denominator - r.numerator}
        vals[(r.indicator_code, r.unit_code, int(r.year), r.period)] = trio
    for (code, u, y, per), trio in list(vals.items()):
        if per == "FY" and (code, u, y, "H1") in vals:
            h = vals[(code, u, y, "H1")]
            vals[(code, u, y, "H2")] = {f: trio[f] - h[f] for f in trio}
    for (code, u, y, per), trio in vals.items():
        for f, v in trio.items():
            if 0 < v < k:
                recs.append(
                    {"indicator_code": code, "unit_code": u, "year": y, "period": per, "field": f, "true": float(v)}
                )
    return pd.DataFrame(recs, columns=["indicator_code", "unit_code", "year", "period", "field", "true"])


def attack(
    facts: pd.DataFrame, targets: pd.DataFrame, shared_denominators=(("M3.C2a", "G.1"),), years=None
) -> pd.DataFrame:
    """LP attacker (see :func:`_attack_one`), run separately on each group of indicators
    linked by a shared denominator (unlinked indicators share no equation, so this gives the
    same bounds as one big system, faster). Output: as :func:`_attack_one`, in target order."""
    codes = sorted(set(targets["indicator_code"]) | set(facts["indicator_code"]))
    comp = {c: {c} for c in codes}
    for grp in shared_denominators:
        grp = [g for g in grp if g in comp]
        merged = set().union(*(comp[g] for g in grp)) if grp else set()
        for g in merged:
            comp[g] = merged
    parts = []
    for fam in {tuple(sorted(v)) for v in comp.values()}:
        t = targets[targets["indicator_code"].isin(fam)]
        if t.empty:
            continue
        f = facts[facts["indicator_code"].isin(fam)]
        sd = [g for g in shared_denominators if set(g) <= set(fam)]
        parts.append(_attack_one(f, t, sd, years))
    if not parts:
        return targets.assign(lower=np.nan, upper=np.nan, determined=False, shown_by="")
    return pd.concat(parts).loc[targets.index]


def _attack_one(
    facts: pd.DataFrame, targets: pd.DataFrame, shared_denominators=(), years=None, probes: int = 6
) -> pd.DataFrame:
    """LP attacker. Unknowns: for every indicator, district, year and half (H1, H2) the
    numerator and the rest (≥ 0). A fact on (unit, year, period, field) bounds a linear form:
    the province sums the districts, FY sums H1 and H2, ``den = num + rest``. Indicators in a
    ``shared_denominators`` group have equal denominators cell by cell (their definitions say
    so). For every target (output of :func:`sensitive_cells`) the LP gives the smallest and
    largest value consistent with the facts.

    Output: ``targets`` plus ``lower``, ``upper``, ``determined`` (upper − lower < 1: the
    count is given away to within ±1) and ``shown_by`` (a file whose fact pins it, if any).
    """
    codes = sorted(set(targets["indicator_code"]) | set(facts["indicator_code"]))
    yrs = sorted(set(targets["year"].astype(int)) | set(facts["year"].astype(int))) if years is None else list(years)
    index = {}
    for c in codes:
        for d in DISTRICTS:
            for y in yrs:
                for h in ("H1", "H2"):
                    for f in ("num", "rest"):
                        index[(c, d, y, h, f)] = len(index)
    nv = len(index)

    def form(code, unit, year, period, field):
        """Coefficient dict of a count as a sum of unknowns."""
        units = DISTRICTS if unit == PROVINCE else [unit]
        halves = ("H1", "H2") if period == "FY" else (period,)
        fields = ("num", "rest") if field == "den" else (field,)
        out = {}
        for u in units:
            for h in halves:
                for f in fields:
                    key = (code, u, int(year), h, f)
                    if key in index:
                        out[index[key]] = out.get(index[key], 0) + 1.0
        return out

    a_ub, b_ub, a_eq, b_eq = [], [], [], []
    for r in facts.itertuples(index=False):
        if r.unit_code not in DISTRICTS and r.unit_code != PROVINCE:
            continue
        fo = form(r.indicator_code, r.unit_code, r.year, r.period, r.field)
        if not fo:
            continue
        if r.lo == r.hi:
            a_eq.append(fo)
            b_eq.append(r.lo)
        else:
            a_ub.append({i: -v for i, v in fo.items()})
            b_ub.append(-r.lo)
            a_ub.append(fo)
            b_ub.append(r.hi)
    for group in shared_denominators:
        group = [g for g in group if g in codes]
        for g2 in group[1:]:
            for d in DISTRICTS:
                for y in yrs:
                    for h in ("H1", "H2"):
                        fo = form(group[0], d, y, h, "den")
                        for i, v in form(g2, d, y, h, "den").items():
                            fo[i] = fo.get(i, 0) - v
                        a_eq.append(fo)
                        b_eq.append(0.0)

    def mat(rows):
        if not rows:
            return None
        m = lil_matrix((len(rows), nv))
        for i, fo in enumerate(rows):
            for j, v in fo.items():
                m[i, j] = v
        return m.tocsr()

    A_ub, A_eq = mat(a_ub), mat(a_eq)
    b_ub_a = np.array(b_ub) if b_ub else None
    b_eq_a = np.array(b_eq) if b_eq else None
    touched = set()
    for rows in (a_ub, a_eq):
        for fo in rows:
            touched |= set(fo)
    forms = [form(r.indicator_code, r.unit_code, r.year, r.period, r.field) for r in targets.itertuples(index=False)]
    truth = targets["true"].to_numpy(float)
    lows = np.full(len(forms), np.nan)
    ups = np.full(len(forms), np.nan)
    todo = []
    for i, fo in enumerate(forms):
        if not set(fo) & touched:  # nothing a reader sees involves this count: 0 … ∞
            lows[i], ups[i] = 0.0, np.inf
        else:
            todo.append(i)
    # A few LPs with random objectives: a feasible point where a target differs from its
    # true value by ≥ 1 shows the target is not determined (the truth is feasible too).
    rng = np.random.default_rng(12)
    wide = set()
    for _ in range(probes if todo else 0):
        res = linprog(
            rng.standard_normal(nv), A_ub=A_ub, b_ub=b_ub_a, A_eq=A_eq, b_eq=b_eq_a, bounds=(0, 100_000), method="highs"
        )
        if res.status != 0:
            continue
        for i in todo:
            if abs(sum(v * res.x[j] for j, v in forms[i].items()) - truth[i]) >= 1 - 1e-6:
                wide.add(i)
    for i in todo:
        if i in wide:
            continue
        c = np.zeros(nv)
        for j, v in forms[i].items():
            c[j] = v
        res = [
            linprog(s * c, A_ub=A_ub, b_ub=b_ub_a, A_eq=A_eq, b_eq=b_eq_a, bounds=(0, None), method="highs")
            for s in (1, -1)
        ]
        lows[i] = res[0].fun if res[0].status == 0 else np.nan
        ups[i] = -res[1].fun if res[1].status == 0 else (np.inf if res[1].status == 3 else np.nan)
    out = targets.copy()
    out["lower"] = lows
    out["upper"] = ups
    # probed targets keep NaN bounds: a feasible point already moved them by ≥ 1
    out["determined"] = ((out["upper"] - out["lower"]) < 1 - 1e-6).to_numpy() & ~np.isin(
        np.arange(len(out)), list(wide)
    )
    pinned = facts[facts["lo"] == facts["hi"]]
    shown = {}
    for r in pinned.itertuples(index=False):
        shown.setdefault((r.indicator_code, r.unit_code, int(r.year), r.period, r.field), r.file)
    out["shown_by"] = [
        shown.get((r.indicator_code, r.unit_code, int(r.year), r.period, r.field), "")
        for r in out.itertuples(index=False)
    ]
    return out


# --------------------------------------------------------------------------- quick scan


def _small_interval(lo: float, hi: float, value=None, k: int = 5) -> tuple[int, int] | None:
    """(x, n) if every (x, n) giving this interval has a count 1…k−1 (x, n or n − x)."""
    cands = invert_wilson(lo, hi, value)
    if not cands or hi <= lo:
        return None
    if all(0 < n < k or 0 < x < k or 0 < n - x < k for x, n in cands):
        return cands[0]
    return None


#: A table declared (when rendered) to count reports received per body, not GBV figures:
#: ``<table data-me-counts="reports" …>…</table>`` (me_utils.reports.review_doc.table_html).
REPORT_COUNT_TABLE_RE = re.compile(
    r"<table\b[^>]*\b"
    + re.escape(COUNTS_ATTR)
    + r'\s*=\s*["\']'
    + re.escape(COUNTS_REPORTS)
    + r'["\'][^>]*>.*?</table>',
    re.S | re.I,
)


def without_report_count_tables(html_text: str) -> str:
    """``html_text`` with the body of every table declared as a table of report counts
    (:data:`me_utils.core.labels.COUNTS_ATTR` = ``reports``) emptied: its integers count
    submissions per reporting body, not GBV incidents. The emptied table stays in place so the
    numbering of the other tables in the findings does not move. Whether a table holds GBV
    counts is read from how it was marked when rendered, never guessed from its numbers; an
    unmarked table is scanned as before."""
    return REPORT_COUNT_TABLE_RE.sub(f'<table {COUNTS_ATTR}="{COUNTS_REPORTS}"></table>', html_text)


def scan_reports(reports_dir, k: int = 5) -> list[dict]:
    """Scan every HTML, xlsx, csv and log under ``reports_dir`` (``_restricted`` skipped) for a
    GBV-derived count 1…k−1 or an interval that implies one. A line/row is GBV-derived when it
    names a GBV indicator code, or when it is a table of a GBV page (``20_gbv``,
    ``03_tong_ket_gbv``) not declared a table of report counts
    (:func:`without_report_count_tables`). Output: list
    of dicts ``file, where, text, reason`` (empty = clean)."""

    out = []
    root = Path(reports_dir)
    for p in sorted(root.rglob("*")):
        if "_restricted" in p.parts or not p.is_file():
            continue
        facts = []
        if p.suffix == ".html":
            text = p.read_text(encoding="utf-8", errors="replace")
            if "gbv" in p.stem:
                for f in D.scan_html_for_disclosure(without_report_count_tables(text), k):
                    out.append({"file": str(p), "where": str(f["where"]), "text": f["text"], "reason": f["kind"]})
            facts = parse_html(p)
            lines = [_text(tr) for tr in re.findall(r"<tr\b.*?</tr>", text, re.S | re.I)]
        elif p.suffix == ".xlsx":
            import openpyxl

            facts = parse_xlsx(p)
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
            lines = [
                " | ".join("" if c is None else str(c) for c in row)
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
            ]
        elif p.suffix in (".csv", ".log", ".txt"):
            lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
        else:
            continue
        for fact in facts:
            where = f"{fact['indicator_code']} {fact['unit_code']} {fact['year']}"
            if fact["lo"] == fact["hi"] and 0 < fact["lo"] < k:
                out.append(
                    {
                        "file": str(p),
                        "where": where,
                        "text": f"{fact['field']} = {int(fact['lo'])}",
                        "reason": "small_count",
                    }
                )
            elif fact["field"] == "den" and 0 < fact["lo"] and fact["hi"] < k:
                out.append(
                    {
                        "file": str(p),
                        "where": where,
                        "text": f"interval implies n ≤ {int(fact['hi'])}",
                        "reason": "interval",
                    }
                )
        for i, line in enumerate(lines):
            m = GBV_CODE_RE.search(line)
            if not m:
                continue
            for im in INTERVAL_RE.finditer(line):
                lo, hi = _num(im.group(1)), _num(im.group(2))
                hit = _small_interval(lo, hi, None, k)
                if hit:
                    out.append(
                        {
                            "file": str(p),
                            "where": f"line {i + 1} ({m.group(1)})",
                            "text": im.group(0),
                            "reason": f"interval of {hit[0]} of {hit[1]}",
                        }
                    )
    return out


def main(argv=None) -> int:
    """``python -m me_utils.render.leakscan REPORTS_DIR [--k 5]``: print every finding of
    :func:`scan_reports` (file, where, text, reason); exit 1 when there is one."""
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m me_utils.render.leakscan", description="scan rendered reports for GBV-derived small counts"
    )
    ap.add_argument("reports", help="folder of rendered reports (e.g. reports/)")
    ap.add_argument("--k", type=int, default=5, help="threshold: counts 1…k−1 are small (default 5)")
    a = ap.parse_args(argv)
    found = scan_reports(a.reports, a.k)
    for f in found:
        print(f"{f['file']}: {f['where']}: {f['text']} ({f['reason']})")
    print(f"{len(found)} phát hiện / findings")
    return 1 if found else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
