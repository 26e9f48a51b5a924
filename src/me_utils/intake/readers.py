"""Bounded reading of submission files into grids: csv (encoding, delimiter, row and cell
caps) and xlsx (the fast streaming reader, with openpyxl as the fallback)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile

from me_utils.intake.limits import (
    HEADER_SCAN_ROWS,
    MAX_CELL_CHARS,
    MAX_COLS,
    MAX_FALLBACK_BYTES,
    MAX_FILE_BYTES,
    MAX_ROWS,
    FileError,
    Grid,
    cell_too_long,
    col_letters,
    mib,
    open_xlsx_package,
    too_large_error,
    too_many_cols,
    too_many_rows,
)
from me_utils.intake.results import short_text
from me_utils.intake.xlsx_fast import read_xlsx_fast


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Decode csv bytes: UTF-8 (BOM stripped) or Windows-1258; returns ``(text, encoding)``.

    The text is NFC-normalised (cp1258 keeps tone marks as combining characters).
    Raises :class:`FileError` for binary content.
    """
    if b"\x00" in data[:4096]:
        raise FileError(
            "binary_file",
            "tệp không phải văn bản csv (có byte nhị phân)",
            "the file is not csv text (it holds binary bytes)",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("cp1258"), "cp1258"
            except UnicodeDecodeError as exc:  # pragma: no cover - cp1258 maps nearly all bytes
                raise FileError(
                    "bad_encoding",
                    "không nhận ra bảng mã của tệp (dùng UTF-8)",
                    "unrecognised text encoding (save as UTF-8)",
                ) from exc
    return unicodedata.normalize("NFC", text), enc


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _csv_rows(text: str, delimiter: str) -> list[list]:
    """Rows of ``text`` split on ``delimiter``, within the caps (raises :class:`FileError`)."""
    rows: list[list] = []
    # Lines are produced lazily (io.StringIO would copy the text at 4 bytes per character).
    lines = (m.group(0) for m in _LINE_RE.finditer(text))
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for i, r in enumerate(reader):
            if i >= MAX_ROWS:
                # Blank rows are harmless, also when read with another delimiter (",,," on one
                # field); the same rule as _row_cap_precheck.
                if any(x.strip(" \t\r\n,;") for x in r):
                    raise too_many_rows(reader.line_num)
                continue  # trailing blank lines are harmless
            if len(r) > MAX_COLS:
                extra = [j for j, x in enumerate(r) if j >= MAX_COLS and x.strip()]
                if extra:
                    raise too_many_cols(reader.line_num, str(extra[0] + 1))
                r = r[:MAX_COLS]
            rows.append(r)
    except csv.Error as exc:
        # The only csv.Error on decoded text with universal newlines is the field size limit.
        if "field larger" in str(exc):
            raise cell_too_long(reader.line_num, "", None) from None
        raise FileError(
            "bad_csv",
            f"không đọc được tệp csv ở dòng {reader.line_num}",
            f"cannot read the csv file at line {reader.line_num}: {short_text(exc, 80)}",
            row=reader.line_num,
        ) from None
    return rows


_CONTENT_RE = re.compile(rb"[^\s,;]")


def _row_cap_precheck(data: bytes) -> None:
    """Refuse a csv over :data:`MAX_ROWS` rows before decoding it, when that is certain.

    Without any quote character every ``\n`` ends a row, so data after the MAX_ROWS-th ``\n``
    means too many rows (rows made only of blanks and delimiters do not count, as in
    :func:`_csv_rows`). With quotes (a field may hold line breaks) the exact reading decides.
    """
    if b'"' in data:
        return
    pos = -1
    for _ in range(MAX_ROWS):
        pos = data.find(b"\n", pos + 1)
        if pos < 0:
            return
    m = _CONTENT_RE.search(data, pos + 1)
    if m:
        raise too_many_rows(MAX_ROWS + 1 + data.count(b"\n", pos + 1, m.start()))


def read_csv_grids(data: bytes) -> list[Grid]:
    """Read csv bytes into one :class:`Grid` per candidate delimiter (best first).

    Raises :class:`FileError` (located by row) for a file over :data:`MAX_FILE_BYTES`, with data
    beyond :data:`MAX_ROWS` rows, or with a cell over :data:`MAX_CELL_CHARS` characters; a
    candidate delimiter that splits a row into more than :data:`MAX_COLS` non-empty fields is
    dropped (the error is raised when no delimiter is left).
    """
    if len(data) > MAX_FILE_BYTES:
        raise too_large_error(len(data))
    _row_cap_precheck(data)
    text, _ = decode_csv_bytes(data)
    # The first lines only, without splitting the whole text (a list of a million lines would
    # cost more memory than the file).
    sample = "\n".join(m.group(0) for _, m in zip(range(HEADER_SCAN_ROWS), _LINE_RE.finditer(text)))
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    order = sorted(counts, key=lambda d: -counts[d])
    grids, first_error = [], None
    csv.field_size_limit(MAX_CELL_CHARS)
    for d in order:
        try:
            rows = _csv_rows(text, d)
        except FileError as fe:
            if fe.code == "too_many_rows":
                raise  # the row count does not depend on the delimiter
            first_error = first_error or fe
            continue
        grids.append(Grid(sheet="", rows=rows, row_numbers=list(range(1, len(rows) + 1))))
    if not grids and first_error is not None:
        raise first_error
    return grids


def _xlsx_has_formulas(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    body = zf.read(name)
                    if b"<f>" in body or b"<f " in body or b":f>" in body or b":f " in body:
                        return True
    except zipfile.BadZipFile:
        return False
    return False


def read_xlsx_grids(data: bytes) -> list[Grid]:
    """Read every sheet of an xlsx workbook (bytes) into :class:`Grid` objects.

    Merged ranges are filled with their top-left value. Formula cells are read by their cached
    value; when a formula has no cached value the cell is recorded in ``formula_missing``.
    Raises :class:`FileError` when the bytes are not an xlsx workbook or break a cap.
    """
    if not data:
        raise FileError("empty_file", "tệp rỗng (0 byte)", "the file is empty (0 bytes)")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileError(
            "xls_format",
            "tệp Excel 97–2003 (.xls) hoặc tệp có mật khẩu: hãy lưu lại dưới dạng .xlsx",
            "an Excel 97–2003 (.xls) or password-protected file: save it as .xlsx",
        )
    if data[:4] != b"PK\x03\x04":
        raise FileError(
            "not_xlsx",
            "tệp không phải bảng tính xlsx (nội dung không phải sổ làm việc Excel)",
            "the file is not an xlsx workbook (its content is not an Excel zip package)",
        )
    zf = open_xlsx_package(data)
    try:
        return read_xlsx_fast(data)
    except FileError:
        raise  # a cap: the slower reader must not try again
    except Exception:  # anything unusual: openpyxl reads it (or says why it cannot)
        pass
    sheet_bytes = sum(
        zi.file_size
        for zi in zf.infolist()
        if zi.filename.startswith("xl/worksheets/") or zi.filename == "xl/sharedStrings.xml"
    )
    if sheet_bytes > MAX_FALLBACK_BYTES:
        raise FileError(
            "xlsx_too_large",
            f"sổ làm việc dùng tính năng ít gặp mà bộ đọc nhanh không xử lý, và quá lớn ({mib(sheet_bytes)}) "
            "để đọc bằng bộ đọc chi tiết: hãy sao chép bảng sang một sổ làm việc mới (chỉ dán giá trị)",
            f"the workbook uses a rare feature the fast reader does not handle and is too large "
            f"({mib(sheet_bytes)}) for the detailed reader: copy the table into a new workbook "
            "(paste values only)",
        )
    return read_xlsx_openpyxl(data)


def read_xlsx_openpyxl(data: bytes) -> list[Grid]:
    """:func:`read_xlsx_grids` through openpyxl (reference implementation, slower).

    Raises :class:`FileError` for a value beyond :data:`MAX_ROWS` / :data:`MAX_COLS` or a cell
    over :data:`MAX_CELL_CHARS` (callers check the package size first).
    """
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        except Exception as exc:
            raise FileError(
                "not_xlsx",
                f"không mở được sổ làm việc xlsx ({type(exc).__name__})",
                f"cannot open the xlsx workbook ({type(exc).__name__}: {short_text(exc, 100)})",
            ) from exc
        wbf = None
        if _xlsx_has_formulas(data):
            try:
                wbf = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
            except Exception:
                wbf = None
    grids = []
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible" and ws.title.lower().startswith("_"):
            continue
        # Only the cells that exist (iter_rows would create every cell of the used range).
        existing = {(r - 1, c - 1): cell for (r, c), cell in getattr(ws, "_cells", {}).items()}
        if not existing and (ws.max_row or 0) * (ws.max_column or 0) <= MAX_ROWS:
            existing = {(cell.row - 1, cell.column - 1): cell for row in ws.iter_rows() for cell in row}
        for (r, c), cell in sorted(existing.items()):
            if cell.value is None:
                continue
            if r >= MAX_ROWS:
                raise too_many_rows(r + 1, ws.title)
            if c >= MAX_COLS:
                raise too_many_cols(r + 1, col_letters(c), ws.title)
            if isinstance(cell.value, str) and len(cell.value) > MAX_CELL_CHARS:
                raise cell_too_long(r + 1, col_letters(c), len(cell.value), ws.title)
        used = [k for k, c in existing.items() if c.value is not None]
        max_r = max((k[0] for k in used), default=-1) + 1
        max_c = max((k[1] for k in used), default=-1) + 1
        percent, fmiss, formulas = set(), set(), {}
        fcells = {}
        if wbf is not None and ws.title in wbf.sheetnames:
            wsf = wbf[ws.title]
            for (r, c), cell in getattr(wsf, "_cells", {}).items():
                fv = cell.value
                if (
                    r - 1 < MAX_ROWS
                    and c - 1 < MAX_COLS
                    and (
                        (isinstance(fv, str) and fv.startswith("="))
                        or type(fv).__name__ in ("ArrayFormula", "DataTableFormula")
                    )
                ):
                    fcells[(r - 1, c - 1)] = fv if isinstance(fv, str) else str(getattr(fv, "text", fv))
            if fcells:
                max_r = max(max_r, max(k[0] for k in fcells) + 1)
                max_c = max(max_c, max(k[1] for k in fcells) + 1)
        rows = [[None] * max_c for _ in range(max_r)]
        for (r_i, c_i), cell in existing.items():
            v = cell.value
            if v is None or r_i >= max_r or c_i >= max_c:
                continue
            rows[r_i][c_i] = v
            if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in (cell.number_format or ""):
                percent.add((r_i, c_i))
        for rng in ws.merged_cells.ranges:
            top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= max_r and rng.min_col <= max_c else None
            for r in range(rng.min_row, min(rng.max_row, max_r) + 1):
                for c in range(rng.min_col, min(rng.max_col, max_c) + 1):
                    rows[r - 1][c - 1] = top
        for (r_i, c_i), ftext in fcells.items():
            formulas[(r_i, c_i)] = ftext
            if rows[r_i][c_i] is None:
                fmiss.add((r_i, c_i))
        grids.append(
            Grid(
                sheet=ws.title,
                rows=rows,
                row_numbers=list(range(1, max_r + 1)),
                percent=percent,
                formula_missing=fmiss,
                formulas=formulas,
            )
        )
    return grids
