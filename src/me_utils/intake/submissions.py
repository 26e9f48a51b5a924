"""Read, parse and validate department submissions (xlsx or csv) — ``me validate``.

A submission is one table per file (issue 4). Above the header there may be title rows and
metadata rows (``Cơ quan báo cáo: Sở Nội vụ``, ``Ngày gửi: 20/11/2025``). Columns are matched
ignoring case, diacritics, spacing and Unicode normalisation, in Vietnamese or English.

Every problem becomes a :class:`Message` naming the file, sheet, row, column, the value and the
reason in Vietnamese and English. Nothing here raises for user input: an unexpected exception
while reading a file becomes a located error message (``code="internal"``). Raw files are only
ever opened for reading.

Parsing rules (assumptions, shown in the data-quality report's method note via
:data:`PARSING_RULES`):

* numbers: ``1.234,5`` (Vietnamese) and ``1,234.5`` (English) are both read; when only one
  separator kind occurs, a single comma is a decimal comma (``35,38`` = 35.38), a single dot
  followed by exactly three digits is a thousands dot (``1.234`` = 1234), repeated separators
  are thousands separators; ``45%`` / ``35,38%`` are percent values (45, 35.38); an Excel cell
  with a percent number format holding 0.3538 is read as 35.38;
* csv: UTF-8 with or without BOM, else Windows-1258 (Vietnamese code page; decoded text is
  NFC-normalised because cp1258 stores tone marks as combining characters); delimiter ``,``
  ``;`` or tab, chosen as the one that yields a recognisable header row;
* xlsx: the table may be on any sheet (the first sheet with a recognisable header wins);
  merged cells take the value of their top-left cell; a formula without a stored (cached)
  result is an error, never a zero.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from me_utils.core import safe_csv
from me_utils.core.atomic import atomic_write_text
from me_utils.core.codes import PERIODS  # noqa: F401 (one place; re-exported)
from me_utils.intake.cells import (  # noqa: F401 (re-exported)
    CellError,
    cell_text,
    fold,
    parse_date,
    parse_number,
    parse_period,
    parse_sex,
    parse_year,
)
from me_utils.intake.headers import (  # noqa: F401 (re-exported)
    COLUMN_ALIASES,
    COLUMN_LABELS,
    IGNORED_COLUMNS,
    REQUIRED_COLUMNS,
    filename_info,
    find_header,
    match_department,
    match_header,
    read_metadata,
)
from me_utils.intake.limits import (  # noqa: F401 (re-exported)
    HEADER_SCAN_ROWS,
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLS,
    MAX_FALLBACK_BYTES,
    MAX_FILE_BYTES,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_TREE_PART_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
    FileError,
    Grid,
    open_xlsx_package,
    too_large_error,
)
from me_utils.intake.parsing import (  # noqa: F401 (re-exported)
    get_cell,
    parse_submission,
)
from me_utils.intake.plausibility import (  # noqa: F401 (re-exported)
    JUMP_RULE,
    OUTLIER_RULE,
    JumpRule,
    OutlierRule,
    detect_jumps,
    detect_outliers,
    fmt_z,
    plausibility_messages,
    robust_z,
)
from me_utils.intake.readers import (  # noqa: F401 (re-exported)
    decode_csv_bytes,
    read_csv_grids,
    read_xlsx_grids,
    read_xlsx_openpyxl,
)
from me_utils.intake.refdata import (  # noqa: F401 (re-exported)
    IndicatorInfo,
    Reference,
    load_reference,
)
from me_utils.intake.results import (  # noqa: F401 (re-exported)
    FINDING_COLUMNS,
    RECORD_COLUMNS,
    Message,
    Submission,
    empty_records,
    messages_frame,
    short_text,
    sort_messages,
)
from me_utils.intake.rules import (  # noqa: F401 (re-exported)
    KEY,
    check_records,
    rec_message,
)
from me_utils.intake.xlsx_fast import (  # noqa: F401 (re-exported)
    read_xlsx_fast,
)

PARSING_RULES = {
    "vi": [
        "Số: `1.234,5` và `1,234.5` đều đọc được; chỉ có một dấu phẩy thì đó là dấu thập phân "
        "(`35,38` = 35,38); một dấu chấm theo sau đúng ba chữ số là dấu phân cách hàng nghìn "
        "(`1.234` = 1.234); `45%` được đọc là 45 (phần trăm).",
        "Tệp csv: UTF-8 (có hoặc không có BOM) hoặc bảng mã Windows-1258; dấu phân cách `,` `;` "
        "hoặc tab; văn bản được chuẩn hóa Unicode NFC.",
        "Tệp xlsx: bảng có thể nằm ở bất kỳ trang tính nào; ô gộp lấy giá trị ô góc trên trái; "
        "ô công thức không có giá trị lưu sẵn là lỗi, không tính là 0.",
    ],
    "en": [
        "Numbers: `1.234,5` and `1,234.5` are both read; a single comma is a decimal comma "
        "(`35,38` = 35.38); a single dot followed by exactly three digits is a thousands dot "
        "(`1.234` = 1234); `45%` reads as 45 (percent).",
        "csv files: UTF-8 (with or without BOM) or Windows-1258; delimiter `,` `;` or tab; text "
        "is Unicode NFC-normalised.",
        "xlsx files: the table may be on any sheet; merged cells take their top-left value; a "
        "formula cell without a stored value is an error, not a zero.",
    ],
}


# ---------------------------------------------------------------------------------------------
# Validate files (``me validate``)
# ---------------------------------------------------------------------------------------------
def validate_file(
    path, display_name=None, department=None, submission_date=None, reference: Reference | None = None
) -> Submission:
    """Parse one file and apply every rule; never raises.

    Output: the :class:`Submission` with all messages; ``records["_ok"]`` tells which rows are
    accepted. Plausibility warnings (outliers, jumps) consider only this file's rows.
    """
    return validate_files([(path, display_name)], department, submission_date, reference)[0]


def validate_files(
    items, department=None, submission_date=None, reference: Reference | None = None
) -> list[Submission]:
    """Validate several files: parse each, then check all their rows in one pass (the schema
    check has a fixed cost per call). Never raises.

    Input: ``items`` — paths or ``(path, display_name)`` pairs. Output: one
    :class:`Submission` per item, in order, each with its own messages; plausibility
    comparisons stay within each file.
    """
    pairs = [(it if isinstance(it, tuple) else (it, None)) for it in items]
    subs = [parse_submission(p, name or str(p), department, submission_date, reference) for p, name in pairs]
    by_name: dict[str, list[Submission]] = {}
    for s_ in subs:
        by_name.setdefault(s_.path, []).append(s_)
    try:
        ref = reference or load_reference()
        frames = []
        for i, s_ in enumerate(subs):
            if s_.records is not None and not s_.records.empty:
                frames.append(s_.records.assign(_sub=i))
        if frames:
            allrec = pd.concat(frames, ignore_index=True)
            # Same display name twice (e.g. one file given twice): tell them apart while checking.
            allrec["source_file"] = [f"{f}\x00{i}" for f, i in zip(allrec["source_file"], allrec["_sub"])]
            msgs, ok = check_records(allrec, ref)
            allrec = allrec.assign(_ok=ok)
            good = allrec[allrec["_ok"]]
            if not good.empty:
                msgs.extend(plausibility_messages(_as_obs(good), ref, extra_keys=("source_file",)))
            for m in msgs:
                name, _, i = m.file.rpartition("\x00")
                m.file = name
                subs[int(i)].messages.append(m)
            for i, grp in allrec.groupby("_sub"):
                rec = grp.drop(columns=["_sub"])
                rec["source_file"] = subs[int(i)].path
                subs[int(i)].records = rec
    except Exception as exc:  # never a traceback: located at the files
        for s_ in subs:
            s_.messages.append(
                Message(
                    "error",
                    "internal",
                    s_.path,
                    f"lỗi không lường trước khi kiểm tra tệp ({type(exc).__name__}: {short_text(exc, 100)})",
                    f"unexpected problem while checking the file ({type(exc).__name__}: {short_text(exc, 100)})",
                    sheet=s_.sheet,
                )
            )
    return subs


def _as_obs(records: pd.DataFrame) -> pd.DataFrame:
    df = records.copy()
    for c in ("value", "numerator", "denominator", "year"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    return df


def cli_validate(argv: list[str] | None = None) -> int:
    """``me validate FILE... [--department D] [--date dd/mm/yyyy] [--quiet] [--findings CSV]``.

    Prints every message (Vietnamese and English) and a summary per file. Exit code 0 when no
    file has an error, 1 when some file has an error, 2 for a usage error.
    """
    parser = argparse.ArgumentParser(
        prog="me validate", description="Kiểm tra tệp báo cáo số liệu / validate submission files"
    )
    parser.add_argument("files", nargs="+", help="xlsx or csv files, or folders (searched recursively)")
    parser.add_argument("--department", help="department code or name when the file does not say it")
    parser.add_argument("--date", help="submission date (dd/mm/yyyy) when the file does not say it")
    parser.add_argument("--quiet", action="store_true", help="print errors and warnings only")
    parser.add_argument("--findings", help="also write all messages to this csv file")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    try:
        ref = load_reference()
    except Exception as exc:
        print(
            f"LỖI/ERROR: không đọc được danh mục chỉ tiêu/đơn vị / cannot load the indicator "
            f"catalogue or unit list: {type(exc).__name__}: {short_text(exc, 200)}",
            file=sys.stderr,
        )
        return 1
    n_err = 0
    all_msgs = []
    files = []
    for f in args.files:
        p = Path(f)
        if p.is_dir():
            files.extend(
                str(x)
                for x in sorted(p.rglob("*"))
                if x.is_file() and x.suffix.lower() in (".xlsx", ".xlsm", ".csv") and not x.name.startswith((".", "~$"))
            )
        else:
            files.append(f)
    n_rejected = 0
    for f, sub in zip(files, validate_files([(f, f) for f in files], args.department, args.date, ref)):
        msgs = sort_messages(sub.messages)
        all_msgs.extend(msgs)
        for m in msgs:
            if args.quiet and m.severity == "info":
                continue
            print(m.format())
        e, w = sub.n_errors, sub.n_warnings
        n_err += e
        n_rejected += bool(e)
        status = "KHÔNG ĐẠT/REJECTED" if e else "ĐẠT/ACCEPTED"
        print(
            f"== {f}: {status} — {e} lỗi/errors, {w} cảnh báo/warnings, "
            f"{int(sub.records['_ok'].sum()) if sub.records is not None and '_ok' in sub.records else 0}"
            f"/{sub.n_rows} dòng hợp lệ/rows accepted"
        )
    if len(files) > 1:
        print(f"== {len(files)} tệp/files: {len(files) - n_rejected} đạt/accepted, {n_rejected} không đạt/rejected")
    if not files:
        print("LỖI/ERROR: không có tệp xlsx/csv nào / no xlsx or csv file given", file=sys.stderr)
        return 1
    if args.findings:
        # Cell values quoted from the files may begin with "=": neutralised for spreadsheets.
        atomic_write_text(Path(args.findings), safe_csv.to_csv_text(messages_frame(all_msgs), index=False))
    return 1 if n_err else 0
