"""``me template DEPARTMENT``: an xlsx submission template for one department.

The workbook has three sheets:

* ``Báo cáo`` — title, metadata rows (``Cơ quan báo cáo: …`` filled in, ``Ngày gửi:`` to fill),
  the header row of the submission format and one pre-filled row per indicator the department
  leads or co-reports (plan 123 section IV, from the catalogue) and period it reports; dropdown
  lists (openpyxl ``DataValidation``) for indicator code, unit, period and sex, whole-number
  validation for the year and a non-negative decimal for value, numerator and denominator;
* ``Hướng dẫn`` — instructions in Vietnamese (with an English line);
* ``Danh mục`` — the lists the dropdowns read (indicators with names and units, unit names).

A filled template is read by :mod:`me_utils.intake.submissions` without any message other than
``row_not_filled`` for rows left empty (tested).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import io
import sys
from pathlib import Path

from me_utils.core import safe_csv
from me_utils.core.atomic import atomic_write_bytes
from me_utils.core.codes import YEAR_MAX, YEAR_MIN
from me_utils.intake.submissions import match_department
from me_utils.reference.catalogue import DEPARTMENTS, load_catalogue
from me_utils.reference.units import load_units

HEADER = [
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Đơn vị",
    "Năm",
    "Kỳ báo cáo",
    "Giới tính",
    "Giá trị",
    "Tử số",
    "Mẫu số",
    "Ghi chú",
]
PERIOD_LABELS = {"FY": "Năm", "H1": "6 tháng"}
SEX_LABELS = ["Tổng", "Nữ", "Nam"]
DATA_SHEET, HELP_SHEET, LIST_SHEET = "Báo cáo", "Hướng dẫn", "Danh mục"
HEADER_ROW = 5  # 1-based row of the header in the data sheet
N_BLANK_ROWS = 30  # extra formatted rows for district or commune figures

INSTRUCTIONS_VI = [
    "HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO SỐ LIỆU BÌNH ĐẲNG GIỚI",
    "(Kế hoạch 123/KH-UBND của UBND tỉnh Sơn La, mục IV và mục V)",
    "",
    "1. Điền “Ngày gửi” ở dòng 3 của trang “Báo cáo” theo dạng ngày/tháng/năm (ví dụ 20/11/2025).",
    "2. Mỗi dòng là một số liệu: một chỉ tiêu, một đơn vị (địa bàn), một năm, một kỳ và một giới tính.",
    "3. “Mã chỉ tiêu”: chọn trong danh sách; không sửa mã. Cột “Tên chỉ tiêu” chỉ để đối chiếu.",
    "4. “Đơn vị”: chọn “Tỉnh Sơn La” cho số liệu toàn tỉnh hoặc tên huyện/thành phố; có thể thêm dòng "
    "cho từng huyện ở phần dưới bảng.",
    f"5. “Năm”: bốn chữ số ({YEAR_MIN}–{YEAR_MAX}). “Kỳ báo cáo”: “6 tháng” (gửi trước ngày 20/5) hoặc “Năm” "
    "(gửi trước ngày 25/11).",
    "6. “Giới tính”: “Tổng” (mặc định), “Nữ” hoặc “Nam”.",
    "7. “Giá trị”: theo đơn vị tính của chỉ tiêu (xem trang “Danh mục”). Tỷ lệ ghi theo phần trăm, "
    "ví dụ 35,38 hoặc 35,38% (không ghi 0,3538). Số đếm ghi số nguyên, không âm.",
    "8. Với chỉ tiêu tỷ lệ, nếu có, ghi cả “Tử số” và “Mẫu số” (số người, số cơ quan…); tử số không "
    "được lớn hơn mẫu số.",
    "9. Không để công thức chưa tính: nếu dùng công thức, hãy lưu tệp bằng Excel trước khi gửi.",
    "10. Dòng nào chưa có số liệu thì để trống cột “Năm” và “Giá trị”; dòng đó sẽ được bỏ qua.",
    "11. Khi gửi lại bản sửa, đặt tên tệp có đuôi _r2, _r3… (ví dụ SNV_2025_FY_r2.xlsx) và ghi ngày gửi mới; "
    "bản gửi sau thay thế bản trước, bản trước vẫn được lưu lại.",
    "12. Kiểm tra tệp trước khi gửi bằng lệnh: me validate <tên tệp>.",
    "",
    "English: one figure per row; choose codes from the lists; shares in percent (35,38 or 35,38%); "
    "fill “Ngày gửi” (submission date, dd/mm/yyyy); leave Year and Value empty on rows without data.",
]

_UNIT_LINE = next(i for i, line in enumerate(INSTRUCTIONS_VI) if line.startswith("4. "))


def department_indicators(dept: str, catalogue=None) -> list:
    """Catalogue indicators the department leads or co-reports, in catalogue order."""
    if catalogue is None:
        catalogue = load_catalogue()
    out = []
    for _code, ind in catalogue.indicators.items():
        co = getattr(ind, "co_departments", ()) or ()
        if ind.department == dept or dept in co:
            out.append(ind)
    return out


def _periods(ind) -> list[str]:
    per = getattr(ind, "periodicity", "annual")
    return ["H1", "FY"] if per == "half-year" else ["FY"]


def _unit_names(year: int | None = None) -> list[tuple[str, str]]:
    """(code, Vietnamese name) of the reporting units, province first.

    With ``year``: the units valid on at least one day of that year — 2026 on: the province and
    the 75 communes (full names, ``xã Đoàn Kết``, so a xã is never read as the former district
    of the same name); up to 2024: the province and the 12 districts; 2025: both geographies
    (districts to 30/06, communes from 01/07). Without a year: province and districts."""
    units = load_units()
    if year is None:
        rows = [(c, units.name(c, "vi")) for c in units.codes()]
    else:
        rows = [
            (u.unit_code, u.full_name_vi if u.level == "commune" else u.name_vi)
            for u in units.for_period(int(year), "FY")
        ]
    rows.sort(key=lambda t: (t[0] != "SL",))
    return rows


def _unit_instruction(year: int | None) -> str:
    """Instruction line 4 (which units to report for) for the template's year."""
    if year is not None and int(year) >= 2026:
        return (
            "4. “Đơn vị”: chọn “Tỉnh Sơn La” cho số liệu toàn tỉnh hoặc tên xã, phường (75 xã, phường "
            "từ ngày 01/07/2025, Nghị quyết 1681/NQ-UBTVQH15); cấp huyện đã chấm dứt từ 01/07/2025, "
            "không báo cáo theo huyện. Có thể thêm dòng cho từng xã ở phần dưới bảng."
        )
    if year is not None and int(year) == 2025:
        return (
            "4. “Đơn vị”: chọn “Tỉnh Sơn La” cho số liệu toàn tỉnh; số liệu đến 30/06/2025 theo huyện/"
            "thành phố, từ 01/07/2025 theo 75 xã, phường mới. Có thể thêm dòng ở phần dưới bảng."
        )
    return INSTRUCTIONS_VI[_UNIT_LINE]


def make_template(dept: str, year: int | None = None, catalogue=None) -> bytes:
    """Build the template workbook for department code ``dept``; returns the xlsx bytes.

    ``year`` pre-fills the year column (empty when None). Raises ValueError for an unknown
    department code.
    """
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    if dept not in DEPARTMENTS:
        raise ValueError(dept)
    inds = department_indicators(dept, catalogue)
    units = _unit_names(year)
    name_vi = DEPARTMENTS[dept][0]

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    help_ws = wb.create_sheet(HELP_SHEET)
    lists = wb.create_sheet(LIST_SHEET)

    # Lists sheet: indicators (A:D), units (F:G), periods (I), sex (J).
    lists.append(
        [
            "Mã chỉ tiêu",
            "Tên chỉ tiêu",
            "Đơn vị tính",
            "Kỳ",
            None,
            "Mã đơn vị",
            "Tên đơn vị",
            None,
            "Kỳ báo cáo",
            "Giới tính",
        ]
    )
    n = max(len(inds), len(units), 2, 3)
    for i in range(n):
        row = [None] * 10
        if i < len(inds):
            ind = inds[i]
            row[0:4] = [ind.code, ind.name_vi, ind.unit, ", ".join(PERIOD_LABELS[p] for p in _periods(ind))]
        if i < len(units):
            row[5:7] = list(units[i])
        if i < 2:
            row[8] = ["Năm", "6 tháng"][i]
        if i < 3:
            row[9] = SEX_LABELS[i]
        lists.append(row)
    for col, width in zip("ABCDEFGHIJ", (12, 60, 30, 14, 2, 10, 24, 2, 12, 10)):
        lists.column_dimensions[col].width = width

    # Data sheet
    bold = Font(bold=True)
    ws["A1"] = f"BÁO CÁO SỐ LIỆU CHỈ TIÊU BÌNH ĐẲNG GIỚI — {name_vi.upper()}"
    ws["A1"].font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A2"] = "Cơ quan báo cáo:"
    ws["B2"] = name_vi
    ws["A3"] = "Ngày gửi:"
    ws["B3"].number_format = "DD/MM/YYYY"
    ws["B3"].fill = PatternFill("solid", fgColor="FFF2CC")
    ws["D3"] = "(ngày/tháng/năm, ví dụ 20/11/2025)"
    for c in ("A2", "A3"):
        ws[c].font = bold
    for j, h in enumerate(HEADER, start=1):
        cell = ws.cell(row=HEADER_ROW, column=j, value=h)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    r = HEADER_ROW + 1
    province = units[0][1] if units else "Tỉnh Sơn La"
    for ind in inds:
        for per in _periods(ind):
            ws.cell(row=r, column=1, value=ind.code)
            ws.cell(row=r, column=2, value=ind.name_vi)
            ws.cell(row=r, column=3, value=province)
            if year:
                ws.cell(row=r, column=4, value=int(year))
            ws.cell(row=r, column=5, value=PERIOD_LABELS[per])
            ws.cell(row=r, column=6, value="Tổng")
            r += 1
    last = r + N_BLANK_ROWS - 1
    for col, width in zip("ABCDEFGHIJ", (12, 55, 20, 8, 12, 10, 12, 10, 10, 30)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)

    def add_list_validation(col: str, ref: str, title: str, prompt: str):
        dv = DataValidation(
            type="list",
            formula1=ref,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=title,
            error=prompt,
            promptTitle=title,
            prompt=prompt,
            showInputMessage=True,
        )
        dv.add(f"{col}{HEADER_ROW + 1}:{col}{last}")
        ws.add_data_validation(dv)

    q = f"'{LIST_SHEET}'"
    add_list_validation("A", f"{q}!$A$2:$A${len(inds) + 1}", "Mã chỉ tiêu", "Chọn mã chỉ tiêu trong danh sách")
    add_list_validation("C", f"{q}!$G$2:$G${len(units) + 1}", "Đơn vị", "Chọn đơn vị trong danh sách")
    add_list_validation("E", f"{q}!$I$2:$I$3", "Kỳ báo cáo", "Chọn “Năm” hoặc “6 tháng”")
    add_list_validation("F", f"{q}!$J$2:$J$4", "Giới tính", "Chọn “Tổng”, “Nữ” hoặc “Nam”")
    dv_year = DataValidation(
        type="whole",
        operator="between",
        formula1=str(YEAR_MIN),
        formula2=str(YEAR_MAX),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Năm",
        error=f"Năm là số nguyên từ {YEAR_MIN} đến {YEAR_MAX}",
    )
    dv_year.add(f"D{HEADER_ROW + 1}:D{last}")
    ws.add_data_validation(dv_year)
    dv_num = DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Số liệu",
        error="Nhập một số không âm",
    )
    dv_num.add(f"G{HEADER_ROW + 1}:I{last}")
    ws.add_data_validation(dv_num)
    # Excel stores dates as days since 1899-12-30: the first and last day of the accepted years.
    first, last_day = (
        str((_dt.date(y, m, d) - _dt.date(1899, 12, 30)).days) for y, m, d in ((YEAR_MIN, 1, 1), (YEAR_MAX, 12, 31))
    )
    dv_date = DataValidation(
        type="date",
        operator="between",
        formula1=first,
        formula2=last_day,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ngày gửi",
        error=f"Nhập ngày dạng ngày/tháng/năm ({YEAR_MIN}–{YEAR_MAX})",
    )
    dv_date.add("B3")
    ws.add_data_validation(dv_date)

    # Instructions sheet
    for k, line in enumerate(INSTRUCTIONS_VI):
        help_ws.append([_unit_instruction(year) if k == _UNIT_LINE else line])
    help_ws["A1"].font = Font(bold=True, size=13)
    help_ws.column_dimensions["A"].width = 120
    help_ws.append([])
    help_ws.append(["Chỉ tiêu của đơn vị / indicators of this department:"])
    help_ws.cell(row=help_ws.max_row, column=1).font = bold
    for ind in inds:
        help_ws.append([f"{ind.code} — {ind.name_vi} ({ind.unit})"])

    safe_csv.neutralise_workbook(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def cli(argv: list[str] | None = None) -> int:
    """``me template DEPARTMENT [--out FILE] [--year YEAR]``: write the template (atomically)."""

    parser = argparse.ArgumentParser(
        prog="me template", description="Tạo mẫu báo cáo xlsx cho một sở, ngành / write a department's xlsx template"
    )
    parser.add_argument("department", help="department code or name, e.g. SNV: " + ", ".join(DEPARTMENTS))
    parser.add_argument("--out", help="output file (default: <DEPT>_template.xlsx in the current folder)")
    parser.add_argument("--year", type=int, help="pre-fill this year")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else 2
    dept = match_department(args.department)
    if dept is None:
        print(
            f"LỖI/ERROR: không nhận ra cơ quan “{args.department}” / unknown department "
            f"“{args.department}”; dùng/use: {', '.join(DEPARTMENTS)}",
            file=sys.stderr,
        )
        return 2
    if args.year is not None and not YEAR_MIN <= args.year <= YEAR_MAX:
        print(
            f"LỖI/ERROR: năm phải trong khoảng {YEAR_MIN}–{YEAR_MAX} / the year must be within {YEAR_MIN}–{YEAR_MAX}",
            file=sys.stderr,
        )
        return 2
    out = Path(args.out) if args.out else Path(f"{dept}_template.xlsx")
    try:
        data = make_template(dept, args.year)
        atomic_write_bytes(out, data)
    except Exception as exc:
        print(
            f"LỖI/ERROR: không tạo được mẫu / cannot write the template: {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return 1
    print(f"Đã tạo mẫu / template written: {out}")
    return 0
