"""Accountability matrix: which body reports which indicators in each period, and whether each
of its periodic reports arrived on time, late, or not at all.

Layer: analysis. Who owes which report and who reports which indicator come from the plan
files (:mod:`me_utils.reference.plan`, ``data/reference/plan/``): the body in force on each report's due
day (so 2021–2024 name the bodies before the March 2025 reorganisation), a half-year and an
annual report from every body with ``reports: true`` (plan 123 section V: "các đơn vị, địa
phương"), and a missing report counted as missing in the compliance summary.

Reporting calendar (plan 123/KH-UBND, section V): "trước ngày 20/5 đối với báo cáo 6 tháng
đầu năm; trước ngày 25/11 đối với báo cáo năm". We read "trước ngày" literally as *strictly
before*: the half-year report (``H1``) of year Y is on time when it arrived on or before
19 May Y, the annual report (``FY``) on or before 24 November Y. A report received on 20 May
itself counts as late. :data:`ASSUMPTIONS` states this (and the other choices below) for the
method note.

Inputs: ``<root>/processed/submissions.csv`` written by ``me build`` (one row per input file
with department, period(s), year, submission_date, status); when it is absent the arrivals are
derived from ``<root>/processed/history.csv`` (one arrival per source file). Output: a long
frame (one row per department × year × period) and a wide table for reports.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from me_utils.build.pipeline import DEADLINES as _BUILD_DEADLINES
from me_utils.core import fmt, safe_csv
from me_utils.reference import plan as _plan
from me_utils.reference.catalogue import DEPARTMENTS as _CATALOGUE_DEPARTMENTS

#: Reporting bodies ``code → (name vi, name en)``: a live view of the plan files.
DEPARTMENTS = _CATALOGUE_DEPARTMENTS

#: (month, day) of the deadline of each period code; a report is on time if it arrived
#: strictly before that day of the same year. Single source: :data:`me_utils.build.pipeline.DEADLINES`.
DEADLINES: dict[str, tuple[int, int]] = _BUILD_DEADLINES

#: Kept for callers of the former signature: None = every obligated body (plan files).
HALF_YEAR_DEPARTMENTS = None

PERIOD_LABELS = {"H1": ("6 tháng", "H1"), "FY": ("Năm", "Year")}

STATUSES = ("on_time", "late", "missing", "rejected", "not_due", "not_required")
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "on_time": ("Đúng hạn", "On time"),
    "late": ("Muộn", "Late"),
    "missing": ("Chưa gửi", "Missing"),
    "rejected": ("Gửi nhưng không hợp lệ", "Sent but rejected"),
    "not_due": ("Chưa đến hạn", "Not yet due"),
    "not_required": ("Không yêu cầu", "Not required"),
}
STATUS_SYMBOLS = {"on_time": "✓", "late": "⚠", "missing": "✗", "rejected": "✗", "not_due": "·", "not_required": "–"}
#: Colour of each status, from the house palette (me_utils.core.style.STATUS_COLOURS).
STATUS_COLOUR_KEYS = {
    "on_time": "achieved",
    "late": "acceleration_needed",
    "missing": "deterioration",
    "rejected": "limited_progress",
    "not_due": "insufficient_data",
    "not_required": "insufficient_data",
}

#: Submission statuses (from submissions.csv) that mean the file delivered no usable data.
REJECTED_STATUSES = frozenset({"rejected", "invalid", "error", "failed", "reject"})

ASSUMPTIONS: list[tuple[str, str]] = [
    (
        "Hạn nộp theo mục V Kế hoạch 123/KH-UBND: báo cáo 6 tháng trước ngày 20/5, báo cáo năm trước "
        'ngày 25/11 cùng năm. "Trước ngày" được hiểu là trước hẳn: báo cáo nhận đúng ngày 20/5 '
        "(hoặc 25/11) được tính là muộn.",
        "Deadlines from plan 123/KH-UBND section V: half-year report before 20 May, annual report "
        'before 25 November of the same year. "Before" is read as strictly before: a report received '
        "on 20 May (or 25 November) itself counts as late.",
    ),
    (
        "Mọi đơn vị, địa phương được nêu tại mục IV (sở, ngành, Công an, Bộ đội Biên phòng, Đài Phát thanh - "
        "Truyền hình, Báo Sơn La, Mặt trận Tổ quốc, UBND các huyện và từ 01/7/2025 UBND các xã, phường) phải "
        "gửi cả báo cáo 6 tháng và báo cáo năm (mục V), kể cả khi không được giao chỉ tiêu.",
        "Every unit and locality named in section IV (departments, police, border guard, radio-television, "
        "Báo Sơn La, the Fatherland Front, the district People's Committees and, from 1 July 2025, the "
        "commune People's Committees) owes both the half-year and the annual report (section V), even "
        "without an assigned indicator.",
    ),
    (
        "Cơ quan phải báo cáo là cơ quan đang tồn tại vào ngày hạn nộp (theo danh sách cơ quan của kế hoạch): "
        "trước khi sắp xếp tháng 3/2025, Chỉ tiêu 1 Mục tiêu 2 do Sở Lao động - Thương binh và Xã hội, Chỉ "
        "tiêu 3 Mục tiêu 2 do Sở Kế hoạch và Đầu tư, Chỉ tiêu 1 Mục tiêu 3 do Cục Thống kê tỉnh báo cáo. Ngày "
        "hoạt động của các cơ quan sau sắp xếp (dự kiến 01/3/2025) chưa được kiểm chứng.",
        "The body that owes a report is the one in force on its due day (the plan's list of bodies): "
        "before the March 2025 reorganisation, Objective 2 Indicator 1 was reported by the Department of "
        "Labour, Invalids and Social Affairs, Objective 2 Indicator 3 by the Department of Planning and "
        "Investment, Objective 3 Indicator 1 by the Son La Statistics Office. The operating date of the "
        "merged bodies (expected 1 March 2025) is unverified.",
    ),
    (
        "Các năm 2021–2024 áp dụng cùng lịch báo cáo của Kế hoạch 123 (văn bản kế hoạch các năm đó chưa được "
        "đối chiếu).",
        "The years 2021–2024 use plan 123's calendar (those years' plan texts were not checked).",
    ),
    (
        "Một tệp chứa số liệu của nhiều năm hoặc nhiều kỳ được tính là đã gửi số liệu cho từng năm, từng kỳ đó.",
        "A file holding figures of several years or periods counts as delivering each of them.",
    ),
    (
        "Thời điểm nộp là ngày của bản gửi hợp lệ đầu tiên; bản sửa đổi gửi sau không làm thay đổi "
        "việc đúng hạn. Tệp bị từ chối khi kiểm tra không được tính là đã nộp số liệu.",
        "The arrival date is that of the first valid file; later revisions do not change timeliness. "
        "A file rejected by validation does not count as data delivered.",
    ),
    (
        "Chỉ tính các bản gửi có ngày gửi không muộn hơn ngày chốt số liệu; kỳ có hạn nộp sau "
        'ngày chốt là "chưa đến hạn". Tỷ lệ đúng hạn = số báo cáo đúng hạn / số báo cáo đã đến hạn; '
        "báo cáo chưa gửi được tính vào mẫu số.",
        "Only files sent on or before the cut-off date count; a period due after the cut-off "
        'is "not yet due". Timeliness = reports on time / reports due; a missing report counts in '
        "the denominator.",
    ),
]


def department_name(code: str, lang: str = "vi") -> str:
    """Name of a department code in the report language (the code itself if unknown)."""
    vi, en = DEPARTMENTS.get(code, (code, code))
    return fmt.pick(lang, vi, en)


def due_date(year: int, period: str) -> dt.date:
    """The deadline day of a period: the report must arrive strictly before it.

    >>> due_date(2024, "H1"), due_date(2024, "FY")
    (datetime.date(2024, 5, 20), datetime.date(2024, 11, 25))
    """
    return _plan.load_plan().due_date(int(year), period)


def is_on_time(submitted: dt.date, year: int, period: str) -> bool:
    """True when a report of ``period``/``year`` sent on ``submitted`` met the deadline
    (strictly before the due day)."""
    return to_date(submitted) < due_date(year, period)


def to_date(x) -> dt.date | None:
    if x is None:
        return None
    if isinstance(x, float) and math.isnan(x):
        return None
    if x is pd.NaT:
        return None
    if isinstance(x, str):
        if not x.strip():
            return None
        return dt.date.fromisoformat(x.strip()[:10])
    if isinstance(x, pd.Timestamp):
        return None if pd.isna(x) else x.date()
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    raise ValueError(f"not a date: {x!r}")


def _split_codes(x) -> list[str]:
    if x is None:
        return []
    if isinstance(x, float) and math.isnan(x):
        return []
    if isinstance(x, (list, tuple, set, frozenset)):
        return [str(v).strip() for v in x if str(v).strip()]
    return [t.strip() for t in re.split(r"[;,|/ ]+", str(x)) if t.strip()]


# --- arrivals --------------------------------------------------------------------------------


def _dates(col: pd.Series, source: str, name: str) -> list:
    """Dates of a column (None for blanks); a value that is not a date raises ValueError
    naming the file, the data row (1-based, header not counted) and the column."""
    out = []
    for i, v in enumerate(col, start=1):
        try:
            out.append(None if pd.isna(v) else to_date(v))
        except (TypeError, ValueError):
            raise ValueError(f"{source}: row {i}, column {name!r}: {v!r} is not a date (expected YYYY-MM-DD)") from None
    return out


def _normalise_submissions(df: pd.DataFrame, source: str) -> pd.DataFrame:
    """Bring a submissions table to columns department, year, period, submission_date,
    accepted (bool), source_file — one row per file × period."""
    cols = {c.lower(): c for c in df.columns}
    need = ["department", "year", "submission_date"]
    if "year" not in cols and "years" in cols:
        cols["year"] = cols["years"]
    for c in need:
        if c not in cols:
            raise ValueError(f"{source}: column {c!r} is missing (columns: {list(df.columns)})")
    pcol = cols.get("period") or cols.get("periods")
    if pcol is None:
        raise ValueError(f"{source}: column 'period' (or 'periods') is missing")
    ycol = cols["year"]
    if "years" in cols:
        # a file may hold several years (the build lists them); fall back to ``year``
        years = [(_split_codes(ys) or _split_codes(y)) for ys, y in zip(df[cols["years"]], df[ycol])]
    else:
        years = [_split_codes(y) for y in df[ycol]]
    out = pd.DataFrame(
        {
            "department": df[cols["department"]].astype("string").str.strip(),
            "year": years,
            "period": df[pcol].map(_split_codes),
            "submission_date": _dates(df[cols["submission_date"]], source, cols["submission_date"]),
            "source_file": df[cols["source_file"]].astype("string")
            if "source_file" in cols
            else df[cols.get("path", cols["department"])].astype("string"),
        }
    )
    if "status" in cols:
        st = df[cols["status"]].astype("string").str.strip().str.lower().fillna("")
        out["accepted"] = ~st.isin(REJECTED_STATUSES)
    else:
        out["accepted"] = True
    out = out.explode("period").explode("year")
    out = out[out["period"].isin(list(DEADLINES))]
    out["year"] = pd.to_numeric(out["year"], errors="coerce")
    out = out.dropna(subset=["year"])
    out["year"] = out["year"].astype(int)
    return out.reset_index(drop=True)


def load_arrivals(data_root: str | Path) -> pd.DataFrame:
    """Arrivals of department reports under ``<data_root>/processed``.

    Reads ``submissions.csv`` (preferred) or derives one row per source file of
    ``history.csv``. Output columns: department, year, period, submission_date (date),
    accepted (bool), source_file. Raises FileNotFoundError naming both files if neither exists.
    """
    proc = Path(data_root) / "processed"
    sub = proc / "submissions.csv"
    if sub.exists():
        return _normalise_submissions(safe_csv.read_csv(sub, dtype=str, keep_default_na=False), str(sub))
    hist = proc / "history.csv"
    if hist.exists():
        h = safe_csv.read_csv(hist, dtype=str, keep_default_na=False)
        return arrivals_from_history(h, source=str(hist))
    raise FileNotFoundError(f"neither {sub} nor {hist} exists: run `me build --root {data_root}` first")


def arrivals_from_history(history: pd.DataFrame, source: str = "history.csv") -> pd.DataFrame:
    """One arrival per department × year × period × source file of a history frame
    (CONTRACTS "Processed observations"), dated by its earliest ``submission_date``."""
    if history.empty:
        return pd.DataFrame(columns=["department", "year", "period", "submission_date", "accepted", "source_file"])
    h = history.copy()
    h["submission_date"] = _dates(h["submission_date"], source, "submission_date")
    h = h[h["submission_date"].notna()]
    g = h.groupby(["department", "year", "period", "source_file"], dropna=True)["submission_date"].min().reset_index()
    return _normalise_submissions(g, source)


# --- the matrix -----------------------------------------------------------------------------


def department_indicators(
    catalogue_frame: pd.DataFrame | None = None, day: dt.date | None = None, plan: _plan.Plan | None = None
) -> pd.DataFrame:
    """Indicators each body reports on ``day`` (default: today), from the plan files.

    Output: one row per body of the plan with lists of indicator codes (assignment order):
    ``lead`` (plan 123 or an earlier plan), ``suggested`` (lead suggested by the catalogue,
    not named in a plan — the programme indicators) and ``co`` (co-reporting).
    ``catalogue_frame`` is accepted for the former signature and not used.
    """
    p = plan or _plan.load_plan()
    day = day or dt.date.today()
    rows = []
    for code in p.bodies:
        d = p.body_indicators(code, day)
        rows.append({"department": code, **d})
    return pd.DataFrame(rows, columns=["department", "lead", "suggested", "co"])


def _joined_over_periods(lists: list[tuple[int, list[str]]], lang: str = "vi") -> str:
    """Indicator codes over the years of a body, each marked with the years it applies when
    that is not all of them: ``'M1.C1; M2.C1 (2025–)'``."""
    years = [y for y, _ in lists]
    seen: dict[str, list[int]] = {}
    for y, codes in lists:
        for c in codes:
            seen.setdefault(c, []).append(y)
    out = []
    for c, ys in seen.items():
        if sorted(set(ys)) == sorted(set(years)):
            out.append(c)
        else:
            out.append(f"{c} ({min(ys)}–{max(ys)})" if min(ys) != max(ys) else f"{c} ({min(ys)})")
    return ";".join(out)


def build_matrix(
    arrivals: pd.DataFrame,
    period_start: int | None = None,
    period_end: int | None = None,
    as_of: str | dt.date = "2025-11-30",
    departments: Iterable[str] | None = None,
    periods: Iterable[str] | None = None,
    catalogue_frame: pd.DataFrame | None = None,
    half_year_departments: Iterable[str] | None = None,
    plan: _plan.Plan | None = None,
    findings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Status of every report owed, from the plan files: body × year × period.

    Inputs: ``arrivals`` from :func:`load_arrivals`; years ``period_start``–``period_end``
    (default: the plan years); ``as_of`` the cut-off date; ``departments`` to keep only some
    bodies; ``periods`` to keep only some periods (default: each plan year's periods);
    ``plan`` (default :func:`me_utils.reference.plan.load_plan`). ``catalogue_frame`` and
    ``half_year_departments`` are accepted for the former signature and not used: every body
    the plan obliges owes both reports.

    A report is owed by each body with ``reports: true`` valid on its due day (not exempt that
    year). A body that sent a report it did not owe gets a row with ``obligated`` False.

    Output columns: department, department_name_vi, department_name_en, indicators (lead
    codes of that period, ``;``-joined), suggested_indicators, co_indicators, year, period,
    due_date (date), submission_date (date or None: first valid file sent on or before
    ``as_of``), n_files, status (``on_time|late|missing|rejected|not_due|not_required``),
    days_late (int, 0 unless late: days from the last on-time day to the arrival, so a report
    sent on the due day is 1 day late), obligated (bool), not_reported (indicator codes the
    body's report left blank, ``;``-joined, from the ``not_reported`` rows of ``findings`` —
    ``processed/findings.csv`` — when given).
    """
    p = plan or _plan.load_plan()
    as_of = to_date(as_of)
    if as_of is None:
        raise ValueError("as_of must be a date (ISO string such as '2025-11-30')")
    years = p.years()
    y0 = int(period_start) if period_start is not None else (min(years) if years else 0)
    y1 = int(period_end) if period_end is not None else (max(years) if years else 0)
    if y0 > y1:
        raise ValueError(f"period_start {y0} is after period_end {y1}")
    keep = set(departments) if departments is not None else None
    pers = set(periods) if periods is not None else None
    owed = p.obligations(y0, y1)
    a = arrivals.copy()
    if not a.empty:
        a = a[a["submission_date"].map(lambda d: d is not None and d <= as_of)]
        a = a[(a["year"] >= y0) & (a["year"] <= y1)]
    gaps: dict[tuple, list[str]] = {}
    if findings is not None and len(findings):
        f = findings[findings["code"] == "not_reported"]
        for d, c, y, per in zip(f["department"], f["indicator_code"], f["year"], f["period"]):
            try:
                k = (str(d), int(y), str(per))
            except (TypeError, ValueError):
                continue
            if str(c) not in gaps.setdefault(k, []):
                gaps[k].append(str(c))
    keys = [(r.body, int(r.year), r.period, True) for r in owed.itertuples()]
    owed_set = {(b, y, per) for b, y, per, _ in keys}
    if not a.empty:
        for b, y, per in sorted(set(zip(a["department"], a["year"].astype(int), a["period"]))):
            if (b, y, per) not in owed_set and per in p.periods:
                keys.append((str(b), y, per, False))
    # arrivals by body × year × period: (date, accepted) of each file
    by_key: dict[tuple, list] = {}
    if not a.empty:
        for b, y, per, d, ok in zip(
            a["department"], a["year"].astype(int), a["period"], a["submission_date"], a["accepted"]
        ):
            by_key.setdefault((str(b), int(y), str(per)), []).append((d, bool(ok)))
    order = {c: i for i, c in enumerate(p.bodies)}
    per_order = {c: i for i, c in enumerate(p.periods)}
    keys.sort(key=lambda k: (order.get(k[0], len(order)), k[0], k[1], per_order.get(k[2], 9)))
    rows = []
    for body, year, per, obligated in keys:
        if keep is not None and body not in keep:
            continue
        if pers is not None and per not in pers:
            continue
        due = p.due_date(year, per)
        inds = p.body_indicators(body, due)
        sel = by_key.get((body, year, per), [])
        valid = [d for d, ok in sel if ok]
        first = min(valid) if valid else None
        if first is not None:
            status = "on_time" if first < due else "late"
        elif len(sel):
            status = "rejected" if due <= as_of else "not_due"
        elif not obligated:
            status = "not_required"
        else:
            status = "missing" if due <= as_of else "not_due"
        name_vi, name_en = (p.bodies[body].name_vi, p.bodies[body].name_en) if body in p.bodies else (body, body)
        rows.append(
            {
                "department": body,
                "department_name_vi": name_vi,
                "department_name_en": name_en,
                "indicators": ";".join(inds["lead"]),
                "suggested_indicators": ";".join(inds["suggested"]),
                "co_indicators": ";".join(inds["co"]),
                "year": year,
                "period": per,
                "due_date": due,
                "submission_date": first,
                "n_files": int(len(sel)),
                "status": status,
                "days_late": int((first - due).days + 1) if status == "late" else 0,
                "obligated": bool(obligated),
                "not_reported": ";".join(gaps.get((body, year, per), [])),
            }
        )
    cols = [
        "department",
        "department_name_vi",
        "department_name_en",
        "indicators",
        "suggested_indicators",
        "co_indicators",
        "year",
        "period",
        "due_date",
        "submission_date",
        "n_files",
        "status",
        "days_late",
        "obligated",
        "not_reported",
    ]
    return pd.DataFrame(rows, columns=cols)


def compliance_summary(matrix: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """Per body: reports due (obligated, due on or before the cut-off), on time, late,
    missing, rejected; ``timeliness`` = on time / due and ``completeness`` = (on time + late) /
    due, both in percent (None when nothing is due yet), and ``mean_days_late`` over late
    reports. A missing or rejected report counts in the denominator, so it lowers both rates.

    Output columns: department, department_name_vi, department_name_en, due, on_time, late,
    missing, rejected, not_due, timeliness, completeness, mean_days_late.
    """
    cols = [
        "department",
        "department_name_vi",
        "department_name_en",
        "due",
        "on_time",
        "late",
        "missing",
        "rejected",
        "not_due",
        "timeliness",
        "completeness",
        "mean_days_late",
    ]
    if matrix.empty:
        return pd.DataFrame(columns=cols)
    m = matrix[matrix["obligated"]] if "obligated" in matrix.columns else matrix
    rows = []
    for dep, sub in m.groupby("department", sort=False):
        n = {s: int((sub["status"] == s).sum()) for s in STATUSES}
        due = n["on_time"] + n["late"] + n["missing"] + n["rejected"]
        late_days = sub.loc[sub["status"] == "late", "days_late"]
        rows.append(
            {
                "department": dep,
                "department_name_vi": sub["department_name_vi"].iloc[0],
                "department_name_en": sub["department_name_en"].iloc[0],
                "due": due,
                "on_time": n["on_time"],
                "late": n["late"],
                "missing": n["missing"],
                "rejected": n["rejected"],
                "not_due": n["not_due"],
                "timeliness": 100.0 * n["on_time"] / due if due else None,
                "completeness": 100.0 * (n["on_time"] + n["late"]) / due if due else None,
                "mean_days_late": float(late_days.mean()) if len(late_days) else None,
            }
        )
    return pd.DataFrame(rows, columns=cols)


def timeliness_rate(matrix: pd.DataFrame) -> float | None:
    """Share (percent) of the reports due that arrived on time; missing and rejected reports
    count as not on time. None when no report is due yet."""
    m = matrix[matrix["obligated"]] if "obligated" in matrix.columns else matrix
    due = m["status"].isin(["on_time", "late", "missing", "rejected"]).sum()
    return 100.0 * (m["status"] == "on_time").sum() / due if due else None


def period_column(year: int, period: str, lang: str = "vi") -> str:
    """Column label of a period in the wide matrix: ``'2024 – 6 tháng'`` / ``'2024 – H1'``."""
    vi, en = PERIOD_LABELS[period]
    return f"{int(year)} – {fmt.pick(lang, vi, en)}"


def cell_text(row, lang: str = "vi") -> str:
    """Text of one matrix cell: symbol, status label and the relevant date."""
    text = _status_text(row, lang)
    gaps = [c for c in str(row.get("not_reported", "") or "").split(";") if c]
    if gaps and row["status"] in ("on_time", "late"):
        n = fmt.fmt_number(len(gaps), 0, lang)
        text += f" ({n} " + fmt.pick(lang, "chỉ tiêu chưa báo cáo)", "indicators not reported)")
    return text


def _status_text(row, lang: str) -> str:
    st = row["status"]
    label = fmt.pick(lang, *STATUS_LABELS[st])
    sym = STATUS_SYMBOLS[st]
    if st == "on_time":
        return f"{sym} {fmt.fmt_date(row['submission_date'], lang)}"
    if st == "not_required":
        return f"{sym} {label.lower()}"
    if st == "late":
        days = fmt.fmt_number(row["days_late"], 0, lang)
        return f"{sym} {label} {fmt.fmt_date(row['submission_date'], lang)} (+{days} {fmt.pick(lang, 'ngày', 'd')})"
    return f"{sym} {label}"


def wide_table(matrix: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The matrix as a reviewer reads it: one row per body (name, indicators it reports — each
    marked with its years when it did not report it in all of them), one column per year ×
    period, cells from :func:`cell_text`; a period in which the body did not exist reads
    "chưa thành lập" (not yet set up) or "đã sáp nhập/giải thể" (merged or dissolved)."""
    fmt.check_lang(lang)
    if matrix.empty:
        return pd.DataFrame()
    p = _plan.load_plan()
    dept_col = fmt.pick(lang, "Cơ quan", "Body")
    ind_col = fmt.pick(lang, "Chỉ tiêu báo cáo", "Indicators reported")
    order = list(dict.fromkeys(matrix["department"]))
    keys = list(dict.fromkeys(zip(matrix["year"], matrix["period"])))
    rows = []
    for dep in order:
        sub = matrix[matrix["department"] == dep]
        first = sub.iloc[0]

        def over(col, sub=sub):
            return _joined_over_periods(
                [(int(y), [c for c in str(v).split(";") if c]) for y, v in zip(sub["year"], sub[col].fillna(""))], lang
            )

        lead, sugg, co = over("indicators"), over("suggested_indicators"), over("co_indicators")
        parts = [lead.replace(";", ", ")] if lead else []
        if sugg:
            parts.append(fmt.pick(lang, "đề xuất: ", "suggested: ") + sugg.replace(";", ", "))
        if co:
            parts.append(fmt.pick(lang, "phối hợp: ", "co-reports: ") + co.replace(";", ", "))
        rec = {dept_col: first[f"department_name_{lang}"], ind_col: "; ".join(parts) or fmt.MISSING}
        body = p.bodies.get(dep)
        for y, per in keys:
            r = sub[(sub["year"] == y) & (sub["period"] == per)]
            if len(r):
                text = cell_text(r.iloc[0], lang)
            elif body is not None and per in p.periods and not body.valid_on(p.due_date(int(y), per)):
                ended = body.valid_to is not None and p.due_date(int(y), per) > body.valid_to
                text = (
                    fmt.MISSING
                    + " "
                    + (
                        fmt.pick(lang, "đã sáp nhập/giải thể", "merged or dissolved")
                        if ended
                        else fmt.pick(lang, "chưa thành lập", "not yet set up")
                    )
                )
            else:
                text = fmt.MISSING + " " + fmt.pick(lang, *STATUS_LABELS["not_required"]).lower()
            rec[period_column(y, per, lang)] = text
        rows.append(rec)
    return pd.DataFrame(rows)


def status_counts(matrix: pd.DataFrame) -> dict[str, int]:
    """Number of expected reports in each status (all of :data:`STATUSES`, zeros included)."""
    vc = matrix["status"].value_counts() if not matrix.empty else {}
    return {s: int(vc.get(s, 0)) for s in STATUSES}
