"""Parse one submission file into records and located messages (never raising)."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pandas as pd

from me_utils.intake.cells import (
    CellError,
    cell_text,
    fold,
    parse_date,
    parse_number,
    parse_period,
    parse_sex,
    parse_year,
)
from me_utils.intake.headers import (
    COLUMN_LABELS,
    IGNORED_HEADERS,
    REQUIRED_COLUMNS,
    filename_info,
    find_header,
    match_department,
    read_metadata,
)
from me_utils.intake.limits import MAX_COLS, MAX_FILE_BYTES, MAX_ROWS, FileError, too_large_error
from me_utils.intake.readers import decode_csv_bytes, read_csv_grids, read_xlsx_grids
from me_utils.intake.refdata import Reference, load_reference
from me_utils.intake.results import Message, Submission, empty_records, short_text
from me_utils.reference import plan as _plan


def get_cell(row: list, inv: dict, canon: str):
    """Value of canonical column ``canon`` in a row (None when the column is absent)."""
    ci = inv.get(canon)
    return None if ci is None or ci >= len(row) else row[ci]


def _blank_figure_row(row: list, inv: dict, ri: int, g) -> bool:
    """True for a row with an indicator code and a year but no value, numerator or denominator
    (and no formula without a stored result in those cells): a figure not reported."""
    if not cell_text(get_cell(row, inv, "indicator_code")) or not cell_text(get_cell(row, inv, "year")):
        return False
    for c in ("value", "numerator", "denominator"):
        ci = inv.get(c)
        if ci is None:
            continue
        if (ri, ci) in g.formula_missing or cell_text(row[ci]) != "":
            return False
    return True


def _not_reported_message(row: list, inv: dict, ref, name: str, sheet: str, rownum: int, dept: str) -> Message:
    """Warning ``not_reported`` for a blank figure row, carrying the indicator, unit, year and
    period it leaves out (each only when it parses; a bad cell stays empty here)."""
    code_raw = cell_text(get_cell(row, inv, "indicator_code"))
    unit_raw = cell_text(get_cell(row, inv, "unit"))
    try:
        year = parse_year(get_cell(row, inv, "year"))
    except CellError:
        year = None
    try:
        period = parse_period(get_cell(row, inv, "period")) or ""
    except CellError:
        period = ""
    return Message(
        "warning",
        "not_reported",
        name,
        "dòng để trống giá trị, tử số và mẫu số: ghi nhận là chưa báo cáo số liệu này",
        "value, numerator and denominator left blank: recorded as not reported",
        sheet=sheet,
        row=rownum,
        column=COLUMN_LABELS.get("value", "value"),
        value=code_raw,
        department=dept,
        indicator_code=ref.match_indicator(code_raw) or code_raw,
        unit_code=(ref.match_unit(unit_raw) or unit_raw) if unit_raw else "SL",
        year=year,
        period=period,
    )


def parse_submission(
    path: str | Path,
    display_name: str | None = None,
    department: str | None = None,
    submission_date: str | _dt.date | None = None,
    reference: Reference | None = None,
) -> Submission:
    """Read and parse one submission file, never raising.

    Inputs: ``path`` of an xlsx or csv file; ``display_name`` is the name used in messages
    (e.g. the path relative to ``raw/``); ``department`` / ``submission_date`` are the fallbacks
    given on the command line (file metadata rows and columns take precedence). Output: a
    :class:`Submission` whose ``records`` holds parsed rows and whose ``messages`` hold parse
    problems. Row-level rules (catalogue, ranges) are checked by :func:`check_records`.
    """
    name = display_name or str(path)
    sub = Submission(path=name)
    try:
        _parse_into(sub, Path(path), department, submission_date, reference or load_reference())
    except Exception as exc:  # no traceback for any input: report it, located at the file
        sub.records = empty_records()
        sub.messages.append(
            Message(
                "error",
                "internal",
                name,
                f"lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {short_text(exc, 100)}); "
                "hãy gửi tệp này cho nhóm kỹ thuật",
                f"unexpected problem while reading the file ({type(exc).__name__}: "
                f"{short_text(exc, 100)}); please pass this file to the technical team",
                sheet=sub.sheet,
            )
        )
    return sub


def _parse_into(sub: Submission, path: Path, cli_dept, cli_date, ref: Reference) -> None:
    name = sub.path
    sub.records = empty_records()

    def file_error(code, vi, en, sheet="", row=None, column=""):
        sub.messages.append(Message("error", code, name, vi, en, sheet=sheet, row=row, column=column))

    if not path.exists():
        return file_error("missing_file", "không tìm thấy tệp", "file not found")
    if path.is_dir():
        return file_error("not_a_file", "đây là thư mục, không phải tệp", "this is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        return file_error(
            "bad_extension",
            f"định dạng tệp “{suffix}” không được hỗ trợ (dùng .xlsx hoặc .csv)",
            f"file type “{suffix}” is not supported (use .xlsx or .csv)",
        )
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # refused before a byte is read
        fe = too_large_error(size)
        return file_error(fe.code, fe.vi, fe.en)
    data = path.read_bytes()
    if not data or data.isspace():  # (no stripped copy of a large file)
        return file_error("empty_file", "tệp rỗng, không có dữ liệu", "the file is empty")
    try:
        if suffix in (".xlsx", ".xlsm"):
            grids = read_xlsx_grids(data)
        else:
            grids = read_csv_grids(data)
            sub.encoding = decode_csv_bytes(data)[1]
    except FileError as fe:
        return file_error(fe.code, fe.vi, fe.en, sheet=fe.sheet, row=fe.row, column=fe.column)

    chosen, header_i, colmap = None, None, {}
    best_partial = None
    for g in grids:
        hi, cmap = find_header(g)
        if hi is None:
            continue
        if all(c in cmap.values() for c in REQUIRED_COLUMNS):
            chosen, header_i, colmap = g, hi, cmap
            break
        if best_partial is None or len(cmap) > len(best_partial[2]):
            best_partial = (g, hi, cmap)
    if chosen is None:
        if best_partial is not None:
            g, hi, cmap = best_partial
            missing = [COLUMN_LABELS[c] + "/" + c for c in REQUIRED_COLUMNS if c not in cmap.values()]
            return file_error(
                "missing_column",
                f"thiếu cột bắt buộc: {', '.join(missing)} (dòng tiêu đề {g.row_numbers[hi]})",
                f"required column(s) missing: {', '.join(missing)} (header row {g.row_numbers[hi]})",
                sheet=g.sheet,
            )
        return file_error(
            "no_header",
            "không tìm thấy dòng tiêu đề bảng (cần các cột Mã chỉ tiêu, Đơn vị, Năm, "
            "Kỳ báo cáo, Giá trị) trên bất kỳ trang tính nào",
            "no table header found on any sheet (expected columns Mã chỉ tiêu/"
            "indicator_code, Đơn vị/unit, Năm/year, Kỳ báo cáo/period, Giá trị/value)",
        )
    g = chosen
    sub.sheet = g.sheet
    if g.truncated:
        sub.messages.append(
            Message(
                "warning",
                "sheet_truncated",
                name,
                f"trang tính có ô ngoài {MAX_ROWS} dòng hoặc {MAX_COLS} cột đầu tiên: các ô đó được bỏ qua "
                "(xóa các ô thừa ở xa bảng)",
                f"the sheet has cells beyond the first {MAX_ROWS} rows or "
                f"{MAX_COLS} columns: they are ignored (delete stray cells far from the table)",
                sheet=g.sheet,
            )
        )
    header_row = g.rows[header_i]
    labels = {i: (cell_text(header_row[i]) or colmap[i]) for i in colmap}

    # Unrecognised header cells: say they are ignored (nothing dropped silently).
    for i, v in enumerate(header_row):
        t = cell_text(v)
        if t and i not in colmap and fold(t) not in IGNORED_HEADERS:
            sub.messages.append(
                Message(
                    "info",
                    "ignored_column",
                    name,
                    "cột không thuộc mẫu báo cáo, được bỏ qua",
                    "column not in the submission format; ignored",
                    sheet=g.sheet,
                    row=g.row_numbers[header_i],
                    column=t,
                )
            )

    # Department and submission date: columns > metadata rows > command line > file name.
    meta = read_metadata(g.rows[:header_i])
    finfo = filename_info(path.name)
    sub.revision = int(finfo.get("revision", 1))
    file_dept = ""
    if "department" in meta:
        file_dept = match_department(meta["department"]) or ""
        if not file_dept:
            sub.messages.append(
                Message(
                    "error",
                    "unknown_department",
                    name,
                    "không nhận ra cơ quan báo cáo (dùng tên hoặc mã sở, ngành theo Kế hoạch 123)",
                    "unknown reporting department (use a department name or code of plan 123)",
                    sheet=g.sheet,
                    column="Cơ quan báo cáo",
                    value=cell_text(meta["department"]),
                )
            )
    if cli_dept:
        cd = match_department(cli_dept)
        if not cd:
            sub.messages.append(
                Message(
                    "error",
                    "unknown_department",
                    name,
                    "mã cơ quan ở tùy chọn --department không hợp lệ",
                    "unknown department given with --department",
                    value=str(cli_dept),
                )
            )
        elif file_dept and cd != file_dept:
            sub.messages.append(
                Message(
                    "warning",
                    "department_conflict",
                    name,
                    f"tùy chọn --department {cd} khác với cơ quan ghi trong tệp ({file_dept}); dùng giá trị trong tệp",
                    f"--department {cd} differs from the department written in the file ({file_dept}); "
                    "the file's value is used",
                    sheet=g.sheet,
                    value=str(cli_dept),
                )
            )
        file_dept = file_dept or (cd or "")
    file_dept = file_dept or finfo.get("department", "")
    sub.department = file_dept

    file_date = None
    if "submission_date" in meta:
        try:
            file_date = parse_date(meta["submission_date"])
        except CellError as ce:
            sub.messages.append(
                Message(
                    "error",
                    ce.code,
                    name,
                    f"ngày gửi: {ce.vi}",
                    f"submission date: {ce.en}",
                    sheet=g.sheet,
                    column="Ngày gửi",
                    value=cell_text(meta["submission_date"]),
                )
            )
    if file_date is None and cli_date:
        try:
            file_date = parse_date(cli_date)
        except CellError as ce:
            sub.messages.append(
                Message(
                    "error", ce.code, name, f"tùy chọn --date: {ce.vi}", f"--date option: {ce.en}", value=str(cli_date)
                )
            )
    sub.submission_date = file_date

    inv = {canon: i for i, canon in colmap.items()}
    recs = []
    ncols = max((len(r) for r in g.rows), default=0)
    data_rows = range(header_i + 1, len(g.rows))
    for ri in data_rows:
        row = g.rows[ri] + [None] * (ncols - len(g.rows[ri]))
        rownum = g.row_numbers[ri]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row) and not any(
            (ri, ci) in g.formula_missing for ci in range(ncols)
        ):
            continue
        used = [cell_text(row[i]) for i in inv.values()]
        if all(u == "" for u in used) and not any((ri, ci) in g.formula_missing for ci in inv.values()):
            continue  # a row with text only outside the table (e.g. a signature line)
        sub.n_rows += 1
        if cell_text(get_cell(row, inv, "indicator_code")) and all(
            cell_text(get_cell(row, inv, c)) == "" and (ri, inv.get(c)) not in g.formula_missing
            for c in ("year", "value", "numerator", "denominator")
        ):
            # An unfilled template row (code printed, nothing typed): skipped, and said so.
            sub.n_rows -= 1
            sub.n_skipped += 1
            sub.messages.append(
                Message(
                    "info",
                    "row_not_filled",
                    name,
                    "dòng mẫu chưa điền số liệu (không có năm và giá trị), được bỏ qua",
                    "template row not filled in (no year and no value); skipped",
                    sheet=g.sheet,
                    row=rownum,
                    value=cell_text(get_cell(row, inv, "indicator_code")),
                    department=file_dept,
                )
            )
            continue
        if _blank_figure_row(row, inv, ri, g):
            # Code and year given, no value, numerator or denominator: the body reports no
            # figure for it (as DHIS2 treats a blank). Not an error: the filled rows are
            # accepted, and the gap is recorded (indicator, unit, year, period) for
            # completeness and accountability.
            sub.n_rows -= 1
            sub.n_skipped += 1
            sub.messages.append(_not_reported_message(row, inv, ref, name, g.sheet, rownum, file_dept))
            continue

        def msg(sev, code, canon, vi, en, value=None, row=row, ri=ri, rownum=rownum):
            ci = inv.get(canon)
            val = cell_text(row[ci]) if (value is None and ci is not None) else (value or "")
            if ci is not None and (ri, ci) in g.formulas and value is None:
                val = g.formulas[(ri, ci)]
            sub.messages.append(
                Message(
                    sev,
                    code,
                    name,
                    vi,
                    en,
                    sheet=g.sheet,
                    row=rownum,
                    column=labels.get(ci, COLUMN_LABELS.get(canon, canon))
                    if ci is not None
                    else COLUMN_LABELS.get(canon, canon),
                    value=val,
                    department=file_dept,
                )
            )

        def get(canon, row=row):
            ci = inv.get(canon)
            return None if ci is None else row[ci]

        ok = True
        # Formula cells without a stored value: an error, never a zero.
        for canon, ci in inv.items():
            if (ri, ci) in g.formula_missing:
                ok = False
                msg(
                    "error",
                    "formula_no_value",
                    canon,
                    "ô chứa công thức nhưng không có giá trị đã tính (tệp được tạo bởi chương trình "
                    "không tính công thức): mở tệp bằng Excel, lưu lại, hoặc nhập số trực tiếp",
                    "formula cell without a stored result (the file was written by a program that "
                    "does not calculate): open and save it in Excel, or type the number",
                )
        code_raw = cell_text(get("indicator_code"))
        ind = ref.match_indicator(code_raw) if code_raw else None
        unit_raw = cell_text(get("unit"))
        year = period = None
        sex = "T"
        value = num = den = None
        dec = 0
        if "indicator_code" in inv and (ri, inv["indicator_code"]) not in g.formula_missing:
            if not code_raw:
                ok = False
                msg("error", "missing_indicator", "indicator_code", "thiếu mã chỉ tiêu", "indicator code missing")
        if "unit" in inv and (ri, inv["unit"]) not in g.formula_missing and not unit_raw:
            ok = False
            msg(
                "error",
                "missing_unit",
                "unit",
                "thiếu đơn vị (mã hoặc tên địa bàn)",
                "unit missing (code or name of the area)",
            )
        try:
            year = parse_year(get("year"))
            if year is None and (ri, inv["year"]) not in g.formula_missing:
                ok = False
                msg("error", "missing_year", "year", "thiếu năm", "year missing")
        except CellError as ce:
            ok = False
            msg("error", ce.code, "year", ce.vi, ce.en)
        try:
            period = parse_period(get("period"))
            if period is None and (ri, inv["period"]) not in g.formula_missing:
                ok = False
                msg(
                    "error",
                    "missing_period",
                    "period",
                    "thiếu kỳ báo cáo (Năm hoặc 6 tháng)",
                    "reporting period missing (Năm/FY or 6 tháng/H1)",
                )
        except CellError as ce:
            ok = False
            msg("error", ce.code, "period", ce.vi, ce.en)
        unit = ref.match_unit(unit_raw, year=year) if unit_raw else None  # a name reads by the year
        if "sex" in inv:
            try:
                sex = parse_sex(get("sex"))
            except CellError as ce:
                ok = False
                msg("error", ce.code, "sex", ce.vi, ce.en)
        for canon in ("value", "numerator", "denominator"):
            ci = inv.get(canon)
            if ci is None or (ri, ci) in g.formula_missing:
                continue
            try:
                x, d = parse_number(row[ci], percent_format=(ri, ci) in g.percent)
            except CellError as ce:
                ok = False
                msg("error", ce.code, canon, f"{COLUMN_LABELS[canon]}: {ce.vi}", f"{canon}: {ce.en}")
                continue
            if canon == "value":
                value, dec = x, d
            elif canon == "numerator":
                num = x
            else:
                den = x
        if value is None and ok and "value" in inv and (ri, inv["value"]) not in g.formula_missing:
            info = ref.indicators.get(ind) if ind else None
            if num is not None and den is not None and den > 0 and info is not None:
                value = num / den * info.scale
                dec = 2
                msg(
                    "warning",
                    "value_derived",
                    "value",
                    "ô giá trị để trống: giá trị được tính từ tử số / mẫu số",
                    "value cell empty: the value is computed from numerator / denominator",
                )
            else:
                ok = False
                msg("error", "missing_value", "value", "thiếu giá trị", "value missing")
        # Per-row department / date columns
        dept = file_dept
        if "department" in inv and cell_text(get("department")):
            d2 = match_department(get("department"))
            if d2:
                dept = d2
            else:
                ok = False
                msg(
                    "error",
                    "unknown_department",
                    "department",
                    "không nhận ra cơ quan báo cáo",
                    "unknown reporting department",
                )
        sdate = file_date
        if "submission_date" in inv and cell_text(get("submission_date")):
            try:
                sdate = parse_date(get("submission_date"))
            except CellError as ce:
                ok = False
                msg("error", ce.code, "submission_date", f"ngày gửi: {ce.vi}", f"submission date: {ce.en}")
        # Estimate (số ước) or official figure, when the body says so; otherwise the build
        # decides from the submission date (me_utils.reference.plan.Plan.figure_status).
        fstatus = None
        if "figure_status" in inv and cell_text(get("figure_status")):
            try:
                fstatus = _plan.parse_figure_status(get("figure_status"))
            except ValueError:
                ok = False
                msg(
                    "error",
                    "bad_figure_status",
                    "figure_status",
                    "tình trạng số liệu phải là “Ước” hoặc “Chính thức”",
                    "figure status must be “Ước” (estimate) or “Chính thức” (official)",
                )
        note = cell_text(get("note"))
        if note and re.search(r"<\s*/?\s*[a-zA-Z][^>]*>|javascript:|on\w+\s*=", note, re.I):
            msg(
                "warning",
                "markup_in_note",
                "note",
                "ghi chú chứa mã HTML/script: được lưu nguyên dạng văn bản và không bao giờ hiển thị "
                "như mã trong báo cáo",
                "the note holds HTML/script markup: kept as plain text and never rendered as markup in a report",
            )
        if unit_raw and unit is None:
            unit = unit_raw  # unknown unit: kept as typed so the schema check names it
        recs.append(
            {
                "indicator_code": ind or (code_raw or None),
                "unit_code": unit,
                "year": year,
                "period": period,
                "sex": sex,
                "value": value,
                "numerator": num,
                "denominator": den,
                "department": dept,
                "submission_date": sdate,
                "source_file": name,
                "source_sheet": g.sheet,
                "source_row": rownum,
                "note": note,
                "value_decimals": dec,
                "revision": sub.revision,
                "col_labels": labels,
                "_ok": ok,
                "figure_status": fstatus,
            }
        )
    if sub.n_rows == 0:
        return file_error(
            "no_data_rows",
            f"bảng không có dòng số liệu nào dưới dòng tiêu đề (dòng {g.row_numbers[header_i]})",
            f"the table has no data rows below its header (row {g.row_numbers[header_i]})",
            sheet=g.sheet,
        )
    if (
        not sub.department
        and not any(r["department"] for r in recs)
        and not any(m.code == "unknown_department" for m in sub.messages)
    ):
        sub.messages.append(
            Message(
                "error",
                "missing_department",
                name,
                "không xác định được cơ quan báo cáo: thêm dòng “Cơ quan báo cáo: …”, cột “Cơ quan báo "
                "cáo” hoặc tùy chọn --department",
                "reporting department unknown: add a "
                "“Cơ quan báo cáo: …” row, a department column or the --department option",
                sheet=g.sheet,
            )
        )
    if sub.submission_date is None and not any(r["submission_date"] for r in recs):
        sub.messages.append(
            Message(
                "warning",
                "missing_date",
                name,
                "không có ngày gửi: thêm dòng “Ngày gửi: dd/mm/yyyy” hoặc tùy chọn --date (cần để xét "
                "tính kịp thời và thứ tự các lần gửi)",
                "no submission date: add a “Ngày gửi: "
                "dd/mm/yyyy” row or the --date option (needed for timeliness and to order re-submissions)",
                sheet=g.sheet,
            )
        )
    df = pd.DataFrame(recs)
    sub.records = df
