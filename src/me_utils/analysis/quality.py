"""Data quality of the department submissions, for ``notebooks/01_data_quality.ipynb``.

Four views, each a function returning a DataFrame (tested) and a ``section_*`` function that
shows it in a report:

* completeness — department × indicator × period: is there a current figure?
* timeliness — each submission against the calendar of plan 123 section V (half-year report
  before 20 May, annual report before 25 November of the same year);
* validation findings — what ``me build`` reported (``processed/findings.csv``);
* outliers and implausible jumps — :func:`me_utils.intake.submissions.detect_outliers` /
  :func:`me_utils.intake.submissions.detect_jumps` on the current observations.

Inputs are read from ``<data_root>/processed`` only. Assumptions are in :data:`ASSUMPTIONS`
and shown in the report's method note.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.build.dataset import load_observations
from me_utils.build.pipeline import DEADLINES, due_date  # one deadline rule for the build and this report
from me_utils.core import fmt, safe_csv
from me_utils.core.labels import label
from me_utils.intake import submissions as intake
from me_utils.reference.catalogue import department_name

PERIOD_LABELS = {"FY": ("Năm", "Year"), "H1": ("6 tháng", "H1")}

ASSUMPTIONS = [
    (
        "Một chỉ tiêu được coi là có số liệu cho một kỳ khi có ít nhất một giá trị hiện hành (bất kỳ "
        "đơn vị, giới tính nào) trong dữ liệu đã xử lý.",
        "An indicator counts as reported for a period when at least one current value (any unit, any "
        "sex) is in the processed data.",
    ),
    (
        "Kỳ phải báo cáo theo tần suất trong danh mục: chỉ tiêu hằng năm — kỳ Năm; chỉ tiêu 6 tháng — "
        "kỳ 6 tháng và kỳ Năm; chỉ tiêu theo nhiệm kỳ hoặc điều tra không được tính vào mức đầy đủ.",
        "Expected periods follow the catalogue's periodicity: annual indicators — FY; half-year "
        "indicators — H1 and FY; term and survey indicators are left out of completeness.",
    ),
    (
        "Hạn gửi theo mục V Kế hoạch 123/KH-UBND: báo cáo 6 tháng trước ngày 20/5, báo cáo năm trước "
        "ngày 25/11 cùng năm; “trước ngày” hiểu là trước hẳn, nên gửi đúng ngày 20/5 là muộn 1 ngày.",
        "Deadlines of plan 123/KH-UBND section V: half-year report before 20 May, annual report "
        "before 25 November of the same year; “before” is strict, so a report sent on 20 May is one "
        "day late.",
    ),
    (
        "Kỳ có hạn gửi sau ngày gửi muộn nhất trong dữ liệu được ghi là “chưa đến hạn”.",
        "Periods due after the latest submission date in the data are marked “not yet due”.",
    ),
]

SEVERITY_LABELS = {"error": ("Lỗi", "Error"), "warning": ("Cảnh báo", "Warning"), "info": ("Thông tin", "Information")}
CODE_LABELS = {
    "implausible_jump": ("Biến động bất thường giữa hai năm", "Implausible year-on-year change"),
    "outlier": ("Giá trị ngoại lai giữa các đơn vị", "Outlier among units"),
    "value_mismatch": ("Giá trị không khớp tử số/mẫu số", "Value disagrees with numerator/denominator"),
    "markup_in_note": ("Ghi chú chứa mã HTML", "Markup in a note"),
    "duplicate_row": ("Dòng trùng lặp", "Duplicate row"),
    "conflicting_duplicate": ("Dòng trùng mâu thuẫn", "Conflicting duplicate"),
    "count_not_whole": ("Số đếm không nguyên", "Count not a whole number"),
    "missing_date": ("Thiếu ngày gửi", "Submission date missing"),
    "row_not_filled": ("Dòng mẫu chưa điền", "Template row not filled"),
    "not_reported": ("Chưa báo cáo (dòng để trống)", "Not reported (blank row)"),
    "reconciled_lead_wins": (
        "Nhiều cơ quan cùng báo cáo: lấy số của cơ quan chủ trì",
        "Several bodies reported: the lead body's figure is used",
    ),
    "reconciled_sum": ("Nhiều cơ quan báo cáo các phần: đã cộng lại", "Parts from several bodies summed"),
    "reconciled_equal": ("Nhiều cơ quan gửi cùng giá trị", "Several bodies sent the same value"),
    "conflict_between_bodies": (
        "Số liệu mâu thuẫn giữa các cơ quan, cần giải quyết",
        "Conflicting figures between bodies, to resolve",
    ),
    "bad_figure_status": ("Tình trạng số liệu không hợp lệ", "Invalid figure status"),
    "ignored_column": ("Cột ngoài mẫu, bỏ qua", "Column outside the format, ignored"),
    "not_assigned": ("Chỉ tiêu không do cơ quan này chủ trì", "Indicator led by another department"),
    "value_derived": ("Giá trị tính từ tử số/mẫu số", "Value computed from numerator/denominator"),
    "ambiguous_supersession": ("Thay thế không rõ thứ tự", "Ambiguous supersession"),
    "unit_not_valid": ("Đơn vị không tồn tại trọn kỳ", "Unit not valid for the whole period"),
    "sheet_truncated": ("Ô ở quá xa bảng, bị bỏ qua", "Stray cells far from the table ignored"),
    "file_too_large": ("Tệp quá lớn", "File too large"),
    "xlsx_too_large": ("Sổ làm việc giải nén quá lớn (bom zip?)", "Workbook expands too far (zip bomb?)"),
    "too_many_rows": ("Quá 100.000 dòng: tệp bị từ chối", "Over 100,000 rows: file refused"),
    "too_many_columns": ("Quá 100 cột: tệp bị từ chối", "Over 100 columns: file refused"),
    "cell_too_long": ("Ô dài quá 32.767 ký tự", "Cell over 32,767 characters"),
    "bad_csv": ("Tệp csv không đọc được", "Unreadable csv file"),
}


@dataclass
class QualityData:
    """Everything the data-quality report reads (from ``<data_root>/processed``)."""

    observations: pd.DataFrame
    submissions: pd.DataFrame
    findings: pd.DataFrame
    catalogue_frame: pd.DataFrame
    lang: str = "vi"
    period_start: int = 2021
    period_end: int = 2025
    illustrative: bool = False
    kinds: dict = field(default_factory=dict)

    def t(self, vi: str, en: str) -> str:
        return fmt.pick(self.lang, vi, en)


def load_quality_data(ctx) -> QualityData:
    """Read observations, submissions and findings of ``ctx.data_root`` (a ReportContext).

    Raises FileNotFoundError naming the missing file and the command that builds it.
    """

    proc = Path(ctx.data_root) / "processed"
    obs = load_observations(ctx.data_root)
    subs_p, find_p = proc / "submissions.csv", proc / "findings.csv"
    for p in (subs_p, find_p):
        if not p.exists():
            raise FileNotFoundError(f"{p} does not exist: run `me build --root {ctx.data_root}` first")
    subs = safe_csv.read_csv(subs_p, dtype=str, keep_default_na=False)
    finds = safe_csv.read_csv(find_p, dtype=str, keep_default_na=False)
    cat = ctx.catalogue.frame()
    kinds = dict(zip(cat["code"], cat["kind"]))
    return QualityData(obs, subs, finds, cat, ctx.lang, ctx.period_start, ctx.period_end, ctx.illustrative, kinds)


# ---------------------------------------------------------------------------------------------
# Completeness
# ---------------------------------------------------------------------------------------------
def expected_periods(periodicity: str) -> list[str]:
    """Periods an indicator must be reported for, from its catalogue periodicity."""
    return {"annual": ["FY"], "half-year": ["H1", "FY"]}.get(periodicity, [])


def completeness(
    observations: pd.DataFrame,
    catalogue_frame: pd.DataFrame,
    period_start: int,
    period_end: int,
    as_of: _dt.date | None = None,
) -> pd.DataFrame:
    """One row per department × indicator × year × expected period.

    Inputs: current observations (contract columns), the catalogue frame (``code, department,
    periodicity``), the year range and ``as_of`` (periods due after it are ``not_due``; None:
    everything is due). Output columns: ``department, indicator_code, year, period, due_date,
    status`` (``present|missing|not_due``), ``n_values`` (current values for that cell).
    """
    have = observations.groupby(["indicator_code", "year", "period"]).size()
    rows = []
    for _, ind in catalogue_frame.iterrows():
        for year in range(int(period_start), int(period_end) + 1):
            for per in expected_periods(str(ind["periodicity"])):
                n = int(have.get((ind["code"], year, per), 0))
                due = due_date(year, per)
                if n:
                    status = "present"
                elif as_of is not None and due > as_of:
                    status = "not_due"
                else:
                    status = "missing"
                rows.append(
                    {
                        "department": ind["department"],
                        "indicator_code": ind["code"],
                        "year": year,
                        "period": per,
                        "due_date": due,
                        "status": status,
                        "n_values": n,
                    }
                )
    return pd.DataFrame(
        rows, columns=["department", "indicator_code", "year", "period", "due_date", "status", "n_values"]
    )


def completeness_by_department(comp: pd.DataFrame) -> pd.DataFrame:
    """Share of due cells that have a figure, per department: ``department, due, present,
    missing, pct_complete`` (percent, 0–100; NaN when nothing is due)."""
    due = comp[comp["status"] != "not_due"]
    g = due.groupby("department")["status"]
    out = pd.DataFrame({"due": g.size(), "present": g.apply(lambda s: int((s == "present").sum()))})
    out["missing"] = out["due"] - out["present"]
    out["pct_complete"] = np.where(out["due"] > 0, 100.0 * out["present"] / out["due"], np.nan)
    return out.reset_index()


def completeness_table(comp: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Wide display table: one row per department × indicator, one column per year × period,
    cells ``✓`` present, ``✗`` missing, ``·`` not yet due."""
    sym = {"present": "✓", "missing": "✗", "not_due": "·"}
    # "Năm 2021 – cả năm", never "2021 Năm" (issue 17).
    c = comp.assign(
        col=[
            label("year_period", lang, year=y, period=label(f"period_{p}", lang))
            for y, p in zip(comp["year"], comp["period"])
        ],
        cell=comp["status"].map(sym),
    )
    order = list(dict.fromkeys(c.sort_values(["year", "period"], ascending=[True, False])["col"]))
    wide = c.pivot_table(index=["department", "indicator_code"], columns="col", values="cell", aggfunc="first")
    wide = wide.reindex(columns=order).reset_index()
    wide["department"] = wide["department"].map(lambda d: department_name(d, lang))
    wide.columns.name = None
    return wide.rename(
        columns={
            "department": fmt.pick(lang, "Cơ quan", "Department"),
            "indicator_code": fmt.pick(lang, "Chỉ tiêu", "Indicator"),
        }
    )


# ---------------------------------------------------------------------------------------------
# Timeliness
# ---------------------------------------------------------------------------------------------
def timeliness(submissions: pd.DataFrame, period_start: int, period_end: int) -> pd.DataFrame:
    """One row per submission file and period it reports, with the deadline.

    Input: ``processed/submissions.csv`` (strings). Output columns: ``source_file, department,
    year, period, submission_date, due_date, days_late`` (0 when on time; from the last on-time
    day), ``on_time`` (bool, NA without a date), ``status`` (of the file). Rows outside the year
    range are dropped.
    """
    rows = []
    for _, s in submissions.iterrows():
        years = [int(y) for y in str(s.get("years", "") or s.get("year", "")).split(";") if y.strip().isdigit()]
        periods = [p for p in str(s.get("periods", "")).split(";") if p in DEADLINES]
        sd = s.get("submission_date") or ""
        sdate = _dt.date.fromisoformat(sd[:10]) if sd else None
        for y in years:
            if not period_start <= y <= period_end:
                continue
            for p in periods:
                due = due_date(y, p)
                late = None if sdate is None else max(0, (sdate - due).days + 1)
                rows.append(
                    {
                        "source_file": s["source_file"],
                        "department": s.get("department", ""),
                        "year": y,
                        "period": p,
                        "submission_date": sdate,
                        "due_date": due,
                        "days_late": late,
                        "on_time": None if late is None else late == 0,
                        "status": s.get("status", ""),
                    }
                )
    out = pd.DataFrame(
        rows,
        columns=[
            "source_file",
            "department",
            "year",
            "period",
            "submission_date",
            "due_date",
            "days_late",
            "on_time",
            "status",
        ],
    )
    out["days_late"] = pd.array(out["days_late"], dtype="Int64")
    out["on_time"] = pd.array(out["on_time"], dtype="boolean")
    return out


def first_arrivals(tl: pd.DataFrame) -> pd.DataFrame:
    """Keep the first file per department × year × period (revisions do not change timeliness;
    rejected files do not count as delivered)."""
    ok = tl[(tl["status"] != "rejected") & tl["submission_date"].notna()]
    return (
        ok.sort_values(["submission_date", "source_file"])
        .groupby(["department", "year", "period"], as_index=False)
        .first()
    )


def timeliness_by_department(tl: pd.DataFrame) -> pd.DataFrame:
    """Per department: ``reports, on_time, late, pct_on_time, median_days_late`` (late ones),
    ``max_days_late`` — over the first arrival of each report."""
    fa = first_arrivals(tl)
    rows = []
    for d, g in fa.groupby("department"):
        late = g[~g["on_time"].astype(bool)]
        rows.append(
            {
                "department": d,
                "reports": len(g),
                "on_time": int(g["on_time"].astype(bool).sum()),
                "late": len(late),
                "pct_on_time": 100.0 * g["on_time"].astype(bool).mean(),
                "median_days_late": float(late["days_late"].median()) if len(late) else np.nan,
                "max_days_late": float(late["days_late"].max()) if len(late) else np.nan,
            }
        )
    return pd.DataFrame(
        rows, columns=["department", "reports", "on_time", "late", "pct_on_time", "median_days_late", "max_days_late"]
    )


# ---------------------------------------------------------------------------------------------
# Findings and outliers
# ---------------------------------------------------------------------------------------------
def findings_summary(findings: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Counts of findings by severity and kind: ``severity, code, label, n`` (largest first)."""
    if findings.empty:
        return pd.DataFrame(columns=["severity", "code", "label", "n"])
    g = findings.groupby(["severity", "code"]).size().rename("n").reset_index()
    g["label"] = g["code"].map(lambda c: fmt.pick(lang, *CODE_LABELS.get(c, (c, c))))
    order = {"error": 0, "warning": 1, "info": 2}
    g = g.sort_values(
        ["severity", "n", "code"],
        key=lambda s: s.map(order) if s.name == "severity" else s,
        ascending=[True, False, True],
    )
    return g[["severity", "code", "label", "n"]].reset_index(drop=True)


def findings_table(
    findings: pd.DataFrame, lang: str = "vi", severities=("error", "warning"), limit: int = 200
) -> pd.DataFrame:
    """Located findings for display: file, sheet, row, column, value, reason (report language).

    Values of the note column are never shown (free text may hold names), nor any value of the
    GBV register (findings with code ``gbv_register`` or a file under ``gbv/``); every cell is shown
    as text and escaped by :func:`me_utils.reports.notebook.show_table`.
    """
    f = findings[findings["severity"].isin(severities)].copy()
    f = f.head(limit)
    note_cols = {intake.fold(a) for a in intake.COLUMN_ALIASES["note"]}
    # no cell value of the GBV register is ever shown, whichever column (older findings.csv
    # files may still carry some)
    code = f["code"].astype(str) if "code" in f.columns else pd.Series("", index=f.index)
    reg = (code == "gbv_register") | f["file"].astype(str).str.startswith("gbv/")
    f["value"] = [("" if intake.fold(c) in note_cols or r else v) for c, v, r in zip(f["column"], f["value"], reg)]
    out = pd.DataFrame(
        {
            fmt.pick(lang, "Mức", "Severity"): f["severity"].map(
                lambda s: fmt.pick(lang, *SEVERITY_LABELS.get(s, (s, s)))
            ),
            fmt.pick(lang, "Tệp", "File"): f["file"],
            fmt.pick(lang, "Trang tính", "Sheet"): f["sheet"],
            fmt.pick(lang, "Dòng", "Row"): f["row"],
            fmt.pick(lang, "Cột", "Column"): f["column"],
            fmt.pick(lang, "Giá trị", "Value"): f["value"],
            fmt.pick(lang, "Lý do", "Reason"): f["reason_vi"] if lang == "vi" else f["reason_en"],
        }
    )
    return out.reset_index(drop=True)


def plausibility(observations: pd.DataFrame, kinds: dict, period_start: int, period_end: int) -> pd.DataFrame:
    """Outliers and implausible jumps among current observations of the year range.

    Output columns: ``check`` (``outlier|jump``), ``indicator_code, unit_code, year, period, sex,
    value, reference`` (median of the units, or the previous year's value), ``detail``
    (robust z or previous year), ``source_file, source_row``.
    """
    obs = observations[(observations["year"] >= period_start) & (observations["year"] <= period_end)].copy()
    obs["year"] = obs["year"].astype(int)
    cols = [
        "check",
        "indicator_code",
        "unit_code",
        "year",
        "period",
        "sex",
        "value",
        "reference",
        "detail",
        "source_file",
        "source_row",
    ]
    rows = []
    for _, r in intake.detect_outliers(obs, kinds=kinds).iterrows():
        rows.append(
            {
                "check": "outlier",
                **{c: r[c] for c in cols[1:7]},
                "reference": r["median"],
                "detail": round(float(r["robust_z"]), 1),
                "source_file": r["source_file"],
                "source_row": r["source_row"],
            }
        )
    for _, r in intake.detect_jumps(obs, kinds=kinds).iterrows():
        rows.append(
            {
                "check": "jump",
                **{c: r[c] for c in cols[1:7]},
                "reference": r["previous_value"],
                "detail": int(r["previous_year"]),
                "source_file": r["source_file"],
                "source_row": r["source_row"],
            }
        )
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------------
# Report sections
# ---------------------------------------------------------------------------------------------
