"""Accountability matrix: which department of plan 123 (section IV) reports which indicators,
and whether each of its periodic reports arrived on time, late, or not at all.

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
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import fmt, safe_csv
from .build import DEADLINES as _BUILD_DEADLINES
from .build import due_date as _build_due_date
from .catalogue import DEPARTMENTS as _CATALOGUE_DEPARTMENTS

#: Departments of plan 123 section IV that report indicators (CONTRACTS "Codes"), in the
#: plan's order: code → (name vi, name en). Shared with the catalogue.
DEPARTMENTS: dict[str, tuple[str, str]] = dict(_CATALOGUE_DEPARTMENTS)

#: (month, day) of the deadline of each period code; a report is on time if it arrived
#: strictly before that day of the same year. Single source: :data:`me_utils.build.DEADLINES`.
DEADLINES: dict[str, tuple[int, int]] = _BUILD_DEADLINES

#: Departments expected to send figures with their half-year report: Home Affairs (GBV case
#: figures, plan 123 IV.1) and Culture-Sports-Tourism (domestic-violence victims and
#: perpetrators, IV.7) compile case flows that exist for any half-year. Every other department
#: reports annual statistics (catalogue periodicity annual, survey or term), so its half-year
#: report carries no indicator figure and no H1 data are expected from it.
HALF_YEAR_DEPARTMENTS = ("SNV", "SVHTTDL")

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
STATUS_SYMBOLS = {"on_time": "✓", "late": "⚠", "missing": "✗", "rejected": "✗", "not_due": "·",
                  "not_required": "–"}
#: Colour of each status, from the house palette (me_utils.style.STATUS_COLOURS).
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
    ("Hạn nộp theo mục V Kế hoạch 123/KH-UBND: báo cáo 6 tháng trước ngày 20/5, báo cáo năm trước "
     "ngày 25/11 cùng năm. \"Trước ngày\" được hiểu là trước hẳn: báo cáo nhận đúng ngày 20/5 "
     "(hoặc 25/11) được tính là muộn.",
     "Deadlines from plan 123/KH-UBND section V: half-year report before 20 May, annual report "
     "before 25 November of the same year. \"Before\" is read as strictly before: a report received "
     "on 20 May (or 25 November) itself counts as late."),
    ("Cùng lịch báo cáo được áp dụng cho mọi năm 2021–2025. Báo cáo năm có số liệu được yêu cầu "
     "từ cả 8 cơ quan có chỉ tiêu tại mục IV; số liệu 6 tháng chỉ được yêu cầu từ Sở Nội vụ (số liệu "
     "vụ việc bạo lực trên cơ sở giới) và Sở Văn hóa, Thể thao và Du lịch (số liệu bạo lực gia đình), "
     "vì các chỉ tiêu của cơ quan khác là số liệu thống kê năm.",
     "The same calendar is applied to every year 2021–2025. Annual figures are expected from all "
     "8 departments given indicators in section IV; half-year figures only from Home Affairs (GBV "
     "case figures) and Culture, Sports and Tourism (domestic-violence figures), since the other "
     "departments' indicators are annual statistics."),
    ("Cơ quan không chủ trì chỉ tiêu nào (Bộ Chỉ huy Bộ đội Biên phòng tỉnh chỉ phối hợp Chỉ tiêu 3 "
     "Mục tiêu 3, số liệu gửi qua Công an tỉnh) không phải gửi số liệu riêng; ô của cơ quan đó ghi "
     "\"không yêu cầu\".",
     "A department leading no indicator (the Border Guard only co-reports M3 C3, whose figures "
     "reach the province through the police) owes no figures of its own; its cells read "
     "\"not required\"."),
    ("Một tệp chứa số liệu của nhiều năm hoặc nhiều kỳ được tính là đã gửi số liệu cho từng năm, "
     "từng kỳ đó.",
     "A file holding figures of several years or periods counts as delivering each of them."),
    ("Thời điểm nộp là ngày của bản gửi hợp lệ đầu tiên; bản sửa đổi gửi sau không làm thay đổi "
     "việc đúng hạn. Tệp bị từ chối khi kiểm tra không được tính là đã nộp số liệu.",
     "The arrival date is that of the first valid file; later revisions do not change timeliness. "
     "A file rejected by validation does not count as data delivered."),
    ("Chỉ tính các bản gửi có ngày gửi không muộn hơn ngày chốt số liệu; kỳ có hạn nộp sau "
     "ngày chốt là \"chưa đến hạn\".",
     "Only files sent on or before the cut-off date count; a period due after the cut-off "
     "is \"not yet due\"."),
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
    if period not in DEADLINES:
        raise ValueError(f"unknown period code {period!r}; expected one of {sorted(DEADLINES)}")
    return _build_due_date(year, period)


def is_on_time(submitted: dt.date, year: int, period: str) -> bool:
    """True when a report of ``period``/``year`` sent on ``submitted`` met the deadline
    (strictly before the due day)."""
    return _to_date(submitted) < due_date(year, period)


def _to_date(x) -> dt.date | None:
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
            out.append(None if pd.isna(v) else _to_date(v))
        except (TypeError, ValueError):
            raise ValueError(f"{source}: row {i}, column {name!r}: {v!r} is not a date "
                             f"(expected YYYY-MM-DD)") from None
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
            if "source_file" in cols else df[cols.get("path", cols["department"])].astype("string"),
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
    raise FileNotFoundError(
        f"neither {sub} nor {hist} exists: run `me build --root {data_root}` first")


def arrivals_from_history(history: pd.DataFrame, source: str = "history.csv") -> pd.DataFrame:
    """One arrival per department × year × period × source file of a history frame
    (CONTRACTS "Processed observations"), dated by its earliest ``submission_date``."""
    if history.empty:
        return pd.DataFrame(columns=["department", "year", "period", "submission_date",
                                     "accepted", "source_file"])
    h = history.copy()
    h["submission_date"] = _dates(h["submission_date"], source, "submission_date")
    h = h[h["submission_date"].notna()]
    g = (h.groupby(["department", "year", "period", "source_file"], dropna=True)["submission_date"]
         .min().reset_index())
    return _normalise_submissions(g, source)


# --- the matrix -----------------------------------------------------------------------------


def department_indicators(catalogue_frame: pd.DataFrame) -> pd.DataFrame:
    """Indicators each department reports, from the catalogue frame.

    Output: one row per department of :data:`DEPARTMENTS` with lists of indicator codes
    (catalogue order): ``lead`` (assigned by plan 123 section IV, or every lead indicator when
    the frame has no ``department_basis``), ``suggested`` (lead department suggested by the
    catalogue, not named in plan 123 — the programme indicators) and ``co`` (co-reporting).
    """
    code_col = "indicator_code" if "indicator_code" in catalogue_frame.columns else "code"
    codes = [str(c) for c in catalogue_frame[code_col]]
    leads = [str(d) for d in catalogue_frame["department"]]
    basis = ([str(b) for b in catalogue_frame["department_basis"]]
             if "department_basis" in catalogue_frame.columns else ["plan_123"] * len(codes))
    cos = ([_split_codes(v) for v in catalogue_frame["co_departments"]]
           if "co_departments" in catalogue_frame.columns else [[] for _ in codes])
    rows = []
    for code in DEPARTMENTS:
        lead = [c for c, d, b in zip(codes, leads, basis) if d == code and b != "suggested"]
        sugg = [c for c, d, b in zip(codes, leads, basis) if d == code and b == "suggested"]
        co = [c for c, cd in zip(codes, cos) if code in cd and c not in lead + sugg]
        rows.append({"department": code, "lead": lead, "suggested": sugg, "co": co})
    return pd.DataFrame(rows)


def build_matrix(
    arrivals: pd.DataFrame,
    period_start: int = 2021,
    period_end: int = 2025,
    as_of: str | dt.date = "2025-11-30",
    departments: Iterable[str] | None = None,
    periods: Iterable[str] = ("H1", "FY"),
    catalogue_frame: pd.DataFrame | None = None,
    half_year_departments: Iterable[str] | None = HALF_YEAR_DEPARTMENTS,
) -> pd.DataFrame:
    """Status of every expected report: each department × year × period.

    Inputs: ``arrivals`` from :func:`load_arrivals`; years ``period_start``–``period_end``;
    ``as_of`` the cut-off date (ISO str or date); ``departments`` (default: all of
    :data:`DEPARTMENTS`); ``catalogue_frame`` to list each department's indicators;
    ``half_year_departments``: departments from which ``H1`` figures are expected (default
    :data:`HALF_YEAR_DEPARTMENTS`; None = every department). A department outside it gets no
    ``H1`` row unless it did send an ``H1`` file.

    Output columns: department, department_name_vi, department_name_en, indicators (lead
    codes, ``;``-joined), suggested_indicators, co_indicators, year, period, due_date (date), submission_date (date
    or None: first valid file sent on or before ``as_of``), n_files, status
    (``on_time|late|missing|rejected|not_due|not_required``), days_late (int, 0 unless late: days from the
    last on-time day to the arrival, so a report sent on the due day is 1 day late).
    """
    as_of = _to_date(as_of)
    if as_of is None:
        raise ValueError("as_of must be a date (ISO string such as '2025-11-30')")
    if int(period_start) > int(period_end):
        raise ValueError(f"period_start {period_start} is after period_end {period_end}")
    depts = list(departments) if departments is not None else list(DEPARTMENTS)
    ind = (department_indicators(catalogue_frame).set_index("department")
           if catalogue_frame is not None else None)
    a = arrivals.copy()
    if not a.empty:
        a = a[a["submission_date"].map(lambda d: d is not None and d <= as_of)]
    rows = []
    for dep in depts:
        has = ind is not None and dep in ind.index
        lead = ";".join(ind.loc[dep, "lead"]) if has else ""
        sugg = ";".join(ind.loc[dep, "suggested"]) if has else ""
        co = ";".join(ind.loc[dep, "co"]) if has else ""
        # A department that leads no indicator (BDBP only co-reports M3.C3, through the
        # police's figures) owes no figures of its own; it keeps a row only for what it sent.
        leads = (not has) or bool(lead or sugg)
        h1_expected = leads and (half_year_departments is None or dep in set(half_year_departments))
        sent = {p: (not a.empty) and bool(((a["department"] == dep) & (a["period"] == p)).any())
                for p in periods}
        for year in range(int(period_start), int(period_end) + 1):
            for per in periods:
                expected = h1_expected if per == "H1" else leads
                if not (expected or sent[per]) and per == "H1":
                    continue
                due = due_date(year, per)
                sel = a[(a["department"] == dep) & (a["year"] == year) & (a["period"] == per)] \
                    if not a.empty else a
                valid = sel[sel["accepted"]] if not sel.empty else sel
                first = min(valid["submission_date"]) if len(valid) else None
                if first is not None:
                    status = "on_time" if first < due else "late"
                elif len(sel):
                    status = "rejected" if due <= as_of else "not_due"
                elif not expected:
                    status = "not_required"
                else:
                    status = "missing" if due <= as_of else "not_due"
                days_late = (first - due).days + 1 if status == "late" else 0
                rows.append({
                    "department": dep,
                    "department_name_vi": DEPARTMENTS.get(dep, (dep, dep))[0],
                    "department_name_en": DEPARTMENTS.get(dep, (dep, dep))[1],
                    "indicators": lead,
                    "suggested_indicators": sugg,
                    "co_indicators": co,
                    "year": year,
                    "period": per,
                    "due_date": due,
                    "submission_date": first,
                    "n_files": int(len(sel)),
                    "status": status,
                    "days_late": int(days_late),
                })
    return pd.DataFrame(rows)


def period_column(year: int, period: str, lang: str = "vi") -> str:
    """Column label of a period in the wide matrix: ``'2024 – 6 tháng'`` / ``'2024 – H1'``."""
    vi, en = PERIOD_LABELS[period]
    return f"{int(year)} – {fmt.pick(lang, vi, en)}"


def cell_text(row, lang: str = "vi") -> str:
    """Text of one matrix cell: symbol, status label and the relevant date."""
    st = row["status"]
    label = fmt.pick(lang, *STATUS_LABELS[st])
    sym = STATUS_SYMBOLS[st]
    if st == "on_time":
        return f"{sym} {fmt.fmt_date(row['submission_date'], lang)}"
    if st == "not_required":
        return f"{sym} {label.lower()}"
    if st == "late":
        days = fmt.fmt_number(row["days_late"], 0, lang)
        return f"{sym} {label} {fmt.fmt_date(row['submission_date'], lang)} (+{days} " \
               f"{fmt.pick(lang, 'ngày', 'd')})"
    return f"{sym} {label}"


def wide_table(matrix: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The matrix as a reviewer reads it: one row per department (name, indicators it
    reports), one column per year × period, cells from :func:`cell_text`."""
    fmt.check_lang(lang)
    if matrix.empty:
        return pd.DataFrame()
    dept_col = fmt.pick(lang, "Cơ quan", "Department")
    ind_col = fmt.pick(lang, "Chỉ tiêu báo cáo", "Indicators reported")
    order = list(dict.fromkeys(matrix["department"]))
    keys = list(dict.fromkeys(zip(matrix["year"], matrix["period"])))
    rows = []
    for dep in order:
        sub = matrix[matrix["department"] == dep]
        first = sub.iloc[0]
        parts = [first["indicators"].replace(";", ", ")] if first["indicators"] else []
        if first.get("suggested_indicators"):
            parts.append(fmt.pick(lang, "đề xuất: ", "suggested: ")
                         + first["suggested_indicators"].replace(";", ", "))
        if first["co_indicators"]:
            parts.append(fmt.pick(lang, "phối hợp: ", "co-reports: ") + first["co_indicators"].replace(";", ", "))
        rec = {dept_col: first[f"department_name_{lang}"], ind_col: "; ".join(parts) or fmt.MISSING}
        for (y, p) in keys:
            r = sub[(sub["year"] == y) & (sub["period"] == p)]
            rec[period_column(y, p, lang)] = (cell_text(r.iloc[0], lang) if len(r) else
                                               fmt.MISSING + " " + fmt.pick(lang, *STATUS_LABELS["not_required"]).lower())
        rows.append(rec)
    return pd.DataFrame(rows)


def status_counts(matrix: pd.DataFrame) -> dict[str, int]:
    """Number of expected reports in each status (all of :data:`STATUSES`, zeros included)."""
    vc = matrix["status"].value_counts() if not matrix.empty else {}
    return {s: int(vc.get(s, 0)) for s in STATUSES}
