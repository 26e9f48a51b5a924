"""The scorecard workbook (``scorecard.xlsx``) that the province sends upward.

One sheet with the summary counts, one sheet per objective/programme with every indicator of
the scorecard, one sheet with the accountability matrix, one with notes (sources, method,
illustrative-data warning). Vietnamese headers by default; values are stored as numbers with
number formats (Excel shows the decimal separator of the reader's locale), percentages in the
indicator's own unit (0–100) and probabilities as fractions formatted ``0%``. Status cells
carry the house status colours (:data:`me_utils.core.style.STATUS_COLOURS`).

Layout of every data sheet (fixed, the tests read it): row 1 title, row 2 note (the
illustrative-data warning when built from demo data, else the data source), row 3 headers,
data from row 4; panes frozen below the header and right of the indicator name.
The file is written to a temporary file in the target folder and moved into place.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from me_utils.analysis import accountability, status
from me_utils.core import fmt, safe_csv
from me_utils.core.atomic import atomic_path
from me_utils.core.labels import LABELS, label
from me_utils.core.paths import WORKBOOK_NAME
from me_utils.core.style import STATUS_COLOURS
from me_utils.reports import narrative, review
from me_utils.reports.notebook import markdown

TITLE_ROW, NOTE_ROW, HEADER_ROW, FIRST_DATA_ROW = 1, 2, 3, 4

#: Columns of an objective sheet: (scorecard column or computed key, header vi, header en,
#: number format or None, width).
INDICATOR_COLUMNS: list[tuple[str, str, str, str | None, int]] = [
    ("indicator_code", "Mã chỉ tiêu", "Code", None, 10),
    ("name", "Tên chỉ tiêu", "Indicator", None, 60),
    ("department_name", "Cơ quan báo cáo", "Reporting department", None, 26),
    ("unit_label", "Đơn vị tính", "Unit", None, 12),
    ("n_points", "Số năm có số liệu", "Years with data", "0", 10),
    ("latest_year", "Năm gần nhất", "Latest year", "0", 10),
    ("latest_value", "Giá trị gần nhất", "Latest value", "value", 12),
    ("ci_low", "KTC 95% – cận dưới", "95% CI – lower", "value", 12),
    ("ci_high", "KTC 95% – cận trên", "95% CI – upper", "value", 12),
    ("target_2025", "Mục tiêu 2025", "2025 target", "target", 11),
    ("target_2030", "Mục tiêu 2030", "2030 target", "target", 11),
    ("verified_label", "Mục tiêu đã kiểm chứng", "Target verified", None, 14),
    ("target_basis", "Cơ sở mục tiêu", "Target basis", None, 24),
    ("result_label", "Kết quả 2025", "2025 result", None, 16),
    ("margin_2025", "Chênh lệch so với mục tiêu 2025", "Margin to the 2025 target", "value", 12),
    ("outlook_label", "Triển vọng (mục tiêu kế tiếp)", "Outlook (next target)", None, 20),
    ("outlook_year", "Năm của mục tiêu kế tiếp", "Year of the next target", "0", 10),
    ("outlook_prob", "Xác suất đạt mục tiêu kế tiếp", "P(reach the next target)", "0%", 14),
    ("unsd_label", "UNSD 2023", "UNSD 2023", None, 18),
    ("statcan_label", "Thống kê Canada", "Statistics Canada", None, 18),
    ("escap_label", "ESCAP", "ESCAP", None, 18),
    ("reason", "Lý do, ghi chú", "Reasons, notes", None, 50),
]


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_NOTE_FILL = PatternFill("solid", fgColor="FFF4E5")
_THIN = Side(style="thin", color="BBBBBB")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def sheet_title(key: str, used: set[str] | None = None, lang: str = "vi") -> str:
    """An Excel-safe sheet name (≤31 chars, no ``[]:*?/\\``) for a group key, unique in ``used``."""
    base = None
    if re.fullmatch(r"M[1-6]", key):
        base = fmt.pick(lang, "Mục tiêu ", "Objective ") + key[1]
    if base is None:
        programme = {
            "G": fmt.pick(lang, "CT 2232-QĐ-TTg (BLG)", "Prog 2232-QĐ-TTg (GBV)"),
            "L": fmt.pick(lang, "CT 2282-QĐ-TTg (lãnh đạo)", "Prog 2282-QĐ-TTg (leaders)"),
            "TT": fmt.pick(lang, "CT 1790-QĐ-TTg (truyền thông)", "Prog 1790-QĐ-TTg (comms)"),
            "DV": fmt.pick(lang, "CT 45-QĐ-TTg (BLGĐ)", "Prog 45-QĐ-TTg (DV)"),
        }
        base = programme.get(key) or _BAD_SHEET_CHARS.sub("-", key)
    base = base[:31]
    name, i = base, 2
    while used is not None and name in used:
        suffix = f" ({i})"
        name = base[: 31 - len(suffix)] + suffix
        i += 1
    if used is not None:
        used.add(name)
    return name


def _fill(hex_colour: str) -> PatternFill:
    return PatternFill("solid", fgColor=hex_colour.lstrip("#").upper())


def _num(x):
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _value_format(row: dict) -> str:
    d = narrative.value_decimals(row.get("kind"))
    return "0" if d == 0 else "0." + "0" * d


def _target_format(x) -> str:
    d = narrative.target_decimals(x)
    return "0" if d == 0 else "0." + "0" * d


def indicator_records(scorecard: pd.DataFrame, lang: str = "vi") -> list[dict]:
    """Scorecard rows with the computed keys of :data:`INDICATOR_COLUMNS` added."""
    out = []
    for r in scorecard.to_dict("records"):
        r = dict(r)
        r["name"] = r.get("name_vi") if lang == "vi" else r.get("name_en")
        r["department_name"] = accountability.department_name(str(r.get("department")), lang)
        has_t = _num(r.get("target_2025")) is not None or _num(r.get("target_2030")) is not None
        if not has_t:
            r["verified_label"] = fmt.MISSING
        elif review.is_unverified(r.get("verified")):
            r["verified_label"] = fmt.pick(lang, "⚠ Chưa kiểm chứng", "⚠ Unverified")
        else:
            r["verified_label"] = fmt.pick(lang, "Đã kiểm chứng", "Verified")
        # Status words of the one status model (me_utils.analysis.status), as on every page.
        r["result_label"] = status.status_label(r.get("result_2025"), lang) if r.get("result_2025") else fmt.MISSING
        r["outlook_label"] = status.status_label(r.get("outlook"), lang)
        for m in ("unsd", "statcan", "escap"):
            r[f"{m}_label"] = status.status_label(r.get(f"status_{m}"), lang)
        r["reason"] = str(r.get(f"status_reason_{lang}") or "")
        out.append(r)
    return out


def _write_header(ws, title: str, note: str, headers: list[str], widths: list[int], illustrative: bool) -> None:
    ws.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=13)
    c = ws.cell(NOTE_ROW, 1, note)
    c.font = Font(italic=not illustrative, bold=illustrative, color="B34700" if illustrative else "555555")
    if illustrative:
        for j in range(1, len(headers) + 1):
            ws.cell(NOTE_ROW, j).fill = _NOTE_FILL
    for j, (h, w) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(HEADER_ROW, j, h)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.row_dimensions[HEADER_ROW].height = 45


def _note_text(lang: str, illustrative: bool, manifest: dict | None) -> str:
    if illustrative:
        return fmt.pick(
            lang,
            "⚠ DỮ LIỆU MINH HỌA – số liệu do máy sinh ra, không phải số liệu của tỉnh Sơn La. "
            "Chỉ các chỉ tiêu và mục tiêu có ghi nguồn là thật.",
            "⚠ ILLUSTRATIVE DATA – generated figures, not Son La's data. Only indicators and "
            "targets with a cited source are real.",
        )
    built = (manifest or {}).get("built_at", "")
    h = (manifest or {}).get("manifest_hash", "")
    return fmt.pick(
        lang,
        f"Nguồn: báo cáo của các sở, ngành theo Kế hoạch 123/KH-UBND; dữ liệu tổng hợp {built} (mã kiểm tra {h[:12]}).",
        f"Source: department reports under plan 123/KH-UBND; dataset built {built} (hash {h[:12]}).",
    )


def _write_indicator_sheet(ws, records: list[dict], title: str, note: str, lang: str, illustrative: bool) -> None:
    columns = INDICATOR_COLUMNS
    headers = [fmt.pick(lang, vi, en) for _, vi, en, _, _ in columns]
    widths = [w for *_, w in columns]
    _write_header(ws, title, note, headers, widths, illustrative)
    for i, r in enumerate(records):
        row = FIRST_DATA_ROW + i
        for j, (key, _, _, nf, _) in enumerate(columns, start=1):
            v = r.get(key)
            if nf is not None:
                v = _num(v)
                if key in ("n_points", "latest_year") and v is not None:
                    v = int(v)
            elif v is None or (isinstance(v, float) and math.isnan(v)):
                v = fmt.MISSING
            else:
                v = str(v)
            cell = ws.cell(row, j, v)
            cell.border = _BORDER
            # Numbers right, text left (and wrapped where long), as in the HTML reports.
            cell.alignment = Alignment(
                vertical="top", wrap_text=nf is None, horizontal="right" if nf is not None else "left"
            )
            if nf == "value":
                cell.number_format = _value_format(r)
            elif nf == "target":
                cell.number_format = _target_format(v)
            elif nf:
                cell.number_format = nf
        keys = [k for k, *_ in columns]
        for key, code in (("result_label", r.get("result_2025")), ("outlook_label", r.get("outlook"))):
            colour = review.status_colour(code)
            if colour:
                ws.cell(row, keys.index(key) + 1).fill = _fill(colour)
                ws.cell(row, keys.index(key) + 1).font = Font(bold=True, color="FFFFFF")
        if r.get("verified_label", "").startswith("⚠"):
            ws.cell(row, keys.index("verified_label") + 1).font = Font(bold=True, color="B34700")
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)
    last = FIRST_DATA_ROW + max(len(records), 1) - 1
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last}"
    ws.sheet_view.zoomScale = 90


def _write_summary_sheet(ws, scorecard: pd.DataFrame, note: str, lang: str, illustrative: bool, title: str) -> None:
    table = review.summary_table(scorecard, lang)
    headers = list(table.columns)
    widths = [70] + [16] * (len(headers) - 1)
    _write_header(ws, title, note, headers, widths, illustrative)
    for i, rec in enumerate(table.itertuples(index=False)):
        for j, v in enumerate(rec, start=1):
            cell = ws.cell(FIRST_DATA_ROW + i, j, int(v) if j > 1 else str(v))
            cell.border = _BORDER
            if j > 1:
                cell.number_format = "0"
            if i == len(table) - 1:
                cell.font = Font(bold=True)
    for j, cat in enumerate(review.SUMMARY_CATEGORIES, start=2):
        ws.cell(HEADER_ROW, j).fill = _fill(review.SUMMARY_COLOURS[cat])
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 2)


def _write_accountability_sheet(ws, matrix: pd.DataFrame, note: str, lang: str, illustrative: bool, title: str) -> None:
    cols = [
        ("department", "Mã cơ quan", "Dept. code", 10),
        ("department_name", "Cơ quan", "Department", 32),
        ("indicators", "Chỉ tiêu chủ trì báo cáo", "Indicators (lead)", 30),
        ("co_indicators", "Chỉ tiêu phối hợp", "Indicators (co-reporting)", 18),
        ("year", "Năm", "Year", 8),
        ("period_label", "Kỳ báo cáo", "Period", 12),
        ("due_date", "Hạn nộp (trước ngày)", "Due (before)", 14),
        ("submission_date", "Ngày gửi", "Sent on", 14),
        ("status_label", "Tình trạng", "Status", 22),
        ("days_late", "Số ngày muộn", "Days late", 10),
    ]
    headers = [fmt.pick(lang, vi, en) for _, vi, en, _ in cols]
    _write_header(ws, title, note, headers, [w for *_, w in cols], illustrative)
    for i, r in enumerate(matrix.to_dict("records")):
        row = FIRST_DATA_ROW + i
        r = dict(r)
        r["department_name"] = r[f"department_name_{lang}"]
        r["period_label"] = fmt.pick(lang, *accountability.PERIOD_LABELS[r["period"]])
        r["status_label"] = fmt.pick(lang, *accountability.STATUS_LABELS[r["status"]])
        for j, (key, *_rest) in enumerate(cols, start=1):
            v = r.get(key)
            if key in ("due_date", "submission_date"):
                v = v if isinstance(v, dt.date) else None
            elif key in ("year", "days_late"):
                v = int(v)
            elif key in ("indicators", "co_indicators"):
                v = str(v or "").replace(";", ", ") or fmt.MISSING
            cell = ws.cell(row, j, v if v is not None else fmt.MISSING)
            cell.border = _BORDER
            if key in ("due_date", "submission_date") and v is not None:
                cell.number_format = "dd/mm/yyyy"
        sc = [k for k, *_ in cols].index("status_label") + 1
        ws.cell(row, sc).fill = _fill(STATUS_COLOURS[accountability.STATUS_COLOUR_KEYS[r["status"]]])
        ws.cell(row, sc).font = Font(bold=True, color="FFFFFF")
    ws.freeze_panes = ws.cell(FIRST_DATA_ROW, 3)
    last = FIRST_DATA_ROW + max(len(matrix), 1) - 1
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(cols))}{last}"


def _write_notes_sheet(ws, lang: str, illustrative: bool, manifest: dict | None, headline_method: str, as_of) -> None:
    ws.column_dimensions["A"].width = 120
    lines = [
        fmt.pick(lang, "Ghi chú", "Notes"),
        _note_text(lang, illustrative, manifest),
        f"{label('param_headline_method', lang)}: "
        + (label(f"method_{headline_method}", lang) if f"method_{headline_method}" in LABELS else str(headline_method))
        + ".",
        fmt.pick(
            lang, f"Ngày chốt số liệu: {fmt.fmt_date(as_of, lang)}.", f"Cut-off date: {fmt.fmt_date(as_of, lang)}."
        ),
        fmt.pick(
            lang,
            "Giá trị theo đơn vị của chỉ tiêu (tỷ lệ phần trăm ghi 0–100); xác suất ghi dạng phần trăm.",
            "Values in the indicator's own unit (percentages as 0–100); probabilities shown as percent.",
        ),
        fmt.pick(
            lang,
            "⚠ Chưa kiểm chứng: mục tiêu chưa được đối chiếu với văn bản gốc, cần xem lại.",
            "⚠ Unverified: the target has not been checked against the official text.",
        ),
    ]
    lines += [fmt.pick(lang, vi, en) for vi, en in accountability.ASSUMPTIONS]
    for i, t in enumerate(lines, start=1):
        c = ws.cell(i, 1, t)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            c.font = Font(bold=True, size=13)
        elif i == 2 and illustrative:
            c.font = Font(bold=True, color="B34700")
            c.fill = _NOTE_FILL


def setup_print(ws, lang: str, illustrative: bool, header_rows: str | None = None, fit_width: bool = True) -> None:
    """Print setup of a sheet: A4 landscape, fitted to one page wide (any number of pages
    tall), the title-to-header rows repeated on every page, page numbers "Trang n / N" in the
    footer and, for illustrative data, the warning in the page header."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if fit_width:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if header_rows:
        ws.print_title_rows = header_rows
    ws.oddFooter.right.text = f"{label('page', lang)} &P / &N"
    ws.oddFooter.right.size = 9
    if illustrative:
        ws.oddHeader.center.text = label("illustrative_running_head", lang)
        ws.oddHeader.center.size = 9
        ws.oddHeader.center.color = "B34700"


def build_workbook(
    scorecard: pd.DataFrame,
    matrix: pd.DataFrame | None = None,
    lang: str = "vi",
    illustrative: bool = False,
    manifest: dict | None = None,
    headline_method: str = "unsd",
    as_of=None,
    period_start: int = 2021,
    period_end: int = 2025,
) -> Workbook:
    """Build the workbook in memory (see the module docstring for its layout).

    Inputs: the scorecard frame, the accountability matrix (long frame of
    :func:`me_utils.analysis.accountability.build_matrix`, optional), report language, whether the
    data are illustrative, the processed manifest (for the source note). Output: an openpyxl
    ``Workbook``. Sheet order: summary, one per group (:func:`review.group_order`),
    accountability, notes.
    """
    fmt.check_lang(lang)
    wb = Workbook()
    used: set[str] = set()
    note = _note_text(lang, illustrative, manifest)
    ws = wb.active
    ws.title = sheet_title(fmt.pick(lang, "Tổng hợp", "Summary"), used)
    _write_summary_sheet(
        ws,
        scorecard,
        note,
        lang,
        illustrative,
        fmt.pick(
            lang,
            f"Tổng hợp kết quả thực hiện mục tiêu {period_start}–{period_end}",
            f"Summary of results {period_start}–{period_end}",
        ),
    )
    records = indicator_records(scorecard, lang)
    groups = [review.group_key(r) for r in records]
    for g in review.group_order(groups):
        recs = [r for r, gg in zip(records, groups) if gg == g]
        ws = wb.create_sheet(sheet_title(g, used, lang))
        _write_indicator_sheet(ws, recs, review.group_label(g, lang), note, lang, illustrative)
    if matrix is not None:
        ws = wb.create_sheet(sheet_title(fmt.pick(lang, "Trách nhiệm báo cáo", "Accountability"), used))
        _write_accountability_sheet(
            ws,
            matrix,
            note,
            lang,
            illustrative,
            fmt.pick(
                lang,
                "Ma trận trách nhiệm báo cáo (mục IV, V Kế hoạch 123/KH-UBND)",
                "Reporting accountability matrix (plan 123/KH-UBND, sections IV–V)",
            ),
        )
    ws = wb.create_sheet(sheet_title(fmt.pick(lang, "Ghi chú", "Notes"), used))
    _write_notes_sheet(ws, lang, illustrative, manifest, headline_method, as_of)
    for sheet in wb.worksheets:
        notes = sheet is ws
        setup_print(sheet, lang, illustrative, None if notes else f"{TITLE_ROW}:{HEADER_ROW}")
    wb.properties.title = fmt.pick(lang, "Bảng đánh giá chỉ tiêu bình đẳng giới", "Gender-equality scorecard")
    wb.properties.creator = "me_utils"
    safe_csv.neutralise_workbook(wb)  # text starting with = + - @ stays text (quotePrefix)
    return wb


def write_workbook(path: str | Path, scorecard: pd.DataFrame, matrix: pd.DataFrame | None = None, **kwargs) -> Path:
    """Build the workbook and write it atomically to ``path`` (temporary file in the same
    folder, then ``os.replace``). Returns the path. Keyword arguments go to
    :func:`build_workbook`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = build_workbook(scorecard, matrix, **kwargs)

    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def write_review_workbook(res, output_dir: str = "") -> Path | None:
    """Write the review's workbook ``<output_dir>/scorecard.xlsx`` (atomically) from
    :class:`me_utils.reports.review.ReviewResults` and show the link to it; nothing is written when
    ``output_dir`` is empty. Returns the path or None."""
    if not output_dir:
        return None
    path = write_workbook(
        Path(output_dir) / WORKBOOK_NAME,
        res.scorecard,
        res.matrix,
        lang=res.lang,
        illustrative=res.illustrative,
        manifest=res.manifest,
        headline_method=res.headline_method,
        as_of=res.as_of,
        period_start=res.period_start,
        period_end=res.period_end,
    )
    markdown(review.workbook_link_markdown(res.lang))
    return path
