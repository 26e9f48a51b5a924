"""Write the bad-input corpus of ``me validate`` into ``tests/bad_inputs/files/``.

Run from the repository root: ``.venv/bin/python tests/bad_inputs/make_corpus.py``. Each
malformed submission is listed in ``expected.csv`` with the message it must produce
(severity, code, sheet, row, column). The files are committed; this script documents how each
was made and rewrites them byte for byte (fixed zip timestamps and document dates).

Layout of the generated xlsx submissions: row 1 title (merged), row 2 ``Cơ quan báo cáo``,
row 3 ``Ngày gửi``, row 4 blank, row 5 header, data from row 6.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
OUT = HERE / "files"
HEADER = ["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giới tính", "Giá trị", "Tử số", "Mẫu số", "Ghi chú"]
SHEET = "Báo cáo"
EXPECTED: list[dict] = []
FIXED_TIME = dt.datetime(2025, 1, 1)


def expect(file, code, severity="error", sheet="", row="", column=""):
    EXPECTED.append({"file": file, "severity": severity, "code": code, "sheet": sheet, "row": row, "column": column})


def good_rows():
    """Three valid rows (rows 6–8 of the sheet)."""
    return [
        ["M1.C1", "Tỉnh Sơn La", 2024, "Năm", "Tổng", "35,38%", 23, 65, ""],
        ["M2.C1", "SL", 2024, "Năm", "Nữ", 27.5, None, None, ""],
        ["TT.1", "Huyện Mai Sơn", 2024, "Năm", "Tổng", 12, None, None, ""],
    ]


def save_workbook(wb, path: Path) -> None:
    """Save ``wb`` with fixed zip timestamps and document dates, so the bytes are reproducible."""
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>2025-01-01T00:00:00Z\g<2>", data
                )
            zi = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data)
    Path(path).write_bytes(out.getvalue())


def write_xlsx(
    name,
    rows,
    header=HEADER,
    sheet=SHEET,
    meta=True,
    title=True,
    before_sheets=(),
    dept="Sở Nội vụ",
    date="20/11/2024",
    post=None,
):
    wb = openpyxl.Workbook()
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    first = wb.active
    for i, (sname, lines) in enumerate(before_sheets):
        ws = first if i == 0 else wb.create_sheet(sname)
        ws.title = sname
        for line in lines:
            ws.append(line)
    ws = wb.create_sheet(sheet) if before_sheets else first
    ws.title = sheet
    if title:
        ws.append(["BÁO CÁO SỐ LIỆU BÌNH ĐẲNG GIỚI"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    if meta:
        ws.append([f"Cơ quan báo cáo: {dept}"] if dept else [])
        ws.append(["Ngày gửi:", date] if date else [])
        ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    if post:
        post(ws)
    save_workbook(wb, OUT / name)


def write_bytes(name, data: bytes):
    (OUT / name).write_bytes(data)


def csv_text(rows, delim=",", meta=True):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\n")
    if meta:
        w.writerow(["Cơ quan báo cáo", "Sở Nội vụ"])
        w.writerow(["Ngày gửi", "20/11/2024"])
    w.writerow(HEADER)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue()


# Windows-1258 as Vietnamese Windows writes it: one encoder for the demo data and the corpus.
from me_utils.demo.generate import encode_cp1258  # noqa: E402


def main(out_dir: Path | None = None, expected_path: Path | None = None) -> None:
    """Write the corpus into ``out_dir`` (default ``files/``) and the expected messages into
    ``expected_path`` (default ``expected.csv``)."""
    global OUT
    OUT = Path(out_dir) if out_dir else HERE / "files"
    expected_path = Path(expected_path) if expected_path else HERE / "expected.csv"
    OUT.mkdir(parents=True, exist_ok=True)
    for p in OUT.iterdir():
        p.unlink()
    EXPECTED.clear()

    # --- whole-file problems -------------------------------------------------------------
    write_bytes("01_empty.xlsx", b"")
    expect("01_empty.xlsx", "empty_file")
    write_bytes("02_empty.csv", b"")
    expect("02_empty.csv", "empty_file")
    write_bytes("03_text_named_xlsx.xlsx", "Đây không phải bảng tính / not a spreadsheet\n".encode())
    expect("03_text_named_xlsx.xlsx", "not_xlsx")
    write_bytes("04_pdf_named_xlsx.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    expect("04_pdf_named_xlsx.xlsx", "not_xlsx")
    write_bytes("05_legacy_xls.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    expect("05_legacy_xls.xlsx", "xls_format")
    write_bytes("06_truncated_zip.xlsx", b"PK\x03\x04" + b"\x14\x00\x00\x00broken" * 10)
    expect("06_truncated_zip.xlsx", "not_xlsx")
    write_xlsx("07_header_only.xlsx", [])
    expect("07_header_only.xlsx", "no_data_rows", sheet=SHEET)
    write_bytes("08_header_only.csv", csv_text([]).encode("utf-8"))
    expect("08_header_only.csv", "no_data_rows")
    write_xlsx("09_no_header.xlsx", [["a", 1, 2], ["b", 3, 4]], header=["Tên", "Số 1", "Số 2"])
    expect("09_no_header.xlsx", "no_header")
    write_xlsx("10_missing_value_column.xlsx", [r[:5] for r in good_rows()], header=HEADER[:5])
    expect("10_missing_value_column.xlsx", "missing_column", sheet=SHEET)
    write_bytes("11_binary.csv", b"\x00\x01\x02\x03\xff\xfe" * 50)
    expect("11_binary.csv", "binary_file")
    write_bytes("12_wrong_extension.pdf", b"%PDF-1.4\n")
    expect("12_wrong_extension.pdf", "bad_extension")
    wb = openpyxl.Workbook()
    wb.properties.created = FIXED_TIME
    save_workbook(wb, OUT / "13_empty_workbook.xlsx")
    expect("13_empty_workbook.xlsx", "no_header")

    # --- table on the second sheet, with one bad row -------------------------------------
    rows = good_rows() + [["M1.C1", "Huyện Mai Sơn", 2014, "Năm", "Tổng", 30, None, None, ""]]
    write_xlsx(
        "14_second_sheet.xlsx",
        rows,
        sheet="Số liệu",
        before_sheets=[("Hướng dẫn", [["Hướng dẫn điền mẫu"], ["Điền số liệu ở trang sau"]])],
    )
    expect("14_second_sheet.xlsx", "year_range", sheet="Số liệu", row=9, column="Năm")

    # --- cell problems ---------------------------------------------------------------------
    def one_bad(name, bad_row, code, column, severity="error", fmt="xlsx", row=9):
        rows = good_rows() + [bad_row]
        if fmt == "xlsx":
            write_xlsx(name, rows)
            expect(name, code, severity, sheet=SHEET, row=row, column=column)
        else:
            write_bytes(name, csv_text(rows).encode("utf-8"))
            expect(name, code, severity, row=row - 2, column=column)

    one_bad(
        "15_script_in_note.xlsx",
        ["M2.C2", "SL", 2024, "Năm", "Tổng", 75, None, None, "<script>alert(1)</script>"],
        "markup_in_note",
        "Ghi chú",
        severity="warning",
    )
    one_bad(
        "16_unknown_indicator.xlsx",
        ["M9.C9", "SL", 2024, "Năm", "Tổng", 10, None, None, ""],
        "known_indicator",
        "Mã chỉ tiêu",
    )
    one_bad(
        "17_unknown_unit.xlsx",
        ["M1.C1", "Huyện Không Có", 2024, "Năm", "Tổng", 10, None, None, ""],
        "known_unit",
        "Đơn vị",
    )
    one_bad(
        "18_year_2031.csv", ["M1.C1", "SL", 2031, "Năm", "Tổng", 10, None, None, ""], "year_range", "Năm", fmt="csv"
    )
    one_bad("19_year_text.xlsx", ["M1.C1", "SL", "hai nghìn", "Năm", "Tổng", 10, None, None, ""], "bad_year", "Năm")
    one_bad(
        "20_negative_count.xlsx",
        ["TT.1", "Huyện Sông Mã", 2024, "Năm", "Tổng", -3, None, None, ""],
        "value_nonneg",
        "Giá trị",
    )
    one_bad(
        "21_numerator_above_denominator.xlsx",
        ["M1.C1", "Huyện Mai Sơn", 2024, "Năm", "Tổng", 40, 30, 20, ""],
        "numerator_le_denominator",
        "Tử số",
    )
    one_bad(
        "22_share_over_100.xlsx",
        ["M2.C2", "SL", 2024, "Năm", "Tổng", "120%", None, None, ""],
        "share_le_100",
        "Giá trị",
    )
    one_bad(
        "23_conflicting_duplicate.xlsx",
        ["M2.C1", "SL", 2024, "Năm", "Nữ", 31.0, None, None, ""],
        "conflicting_duplicate",
        "Giá trị",
    )
    one_bad(
        "24_value_not_number.xlsx",
        ["M2.C2", "SL", 2024, "Năm", "Tổng", "khoảng 30", None, None, ""],
        "not_number",
        "Giá trị",
    )
    one_bad(
        "25_bad_period.xlsx", ["M2.C2", "SL", 2024, "Quý 1", "Tổng", 30, None, None, ""], "bad_period", "Kỳ báo cáo"
    )
    one_bad("26_bad_sex.xlsx", ["M2.C2", "SL", 2024, "Năm", "Khác", 30, None, None, ""], "bad_sex", "Giới tính")
    # value, numerator and denominator blank: not reported (a warning), the other rows accepted
    one_bad(
        "27_missing_value.xlsx",
        ["M2.C2", "SL", 2024, "Năm", "Tổng", None, None, None, "chưa có"],
        "not_reported",
        "Giá trị",
        severity="warning",
    )
    one_bad("28_binary_not_01.xlsx", ["M5.C3", "SL", 2024, "Năm", "Tổng", 2, None, None, ""], "binary_01", "Giá trị")
    one_bad(
        "29_misplaced_commas.xlsx",
        ["TT.1", "Huyện Sông Mã", 2024, "Năm", "Tổng", "1,2,3", None, None, ""],
        "not_number",
        "Giá trị",
    )
    one_bad(
        "30_boolean_value.xlsx", ["M2.C2", "SL", 2024, "Năm", "Tổng", True, None, None, ""], "not_number", "Giá trị"
    )
    one_bad(
        "31_date_in_value.xlsx",
        ["M2.C2", "SL", 2024, "Năm", "Tổng", dt.datetime(2024, 3, 5), None, None, ""],
        "not_number",
        "Giá trị",
    )
    one_bad(
        "32_value_mismatch.xlsx",
        ["M1.C1", "Huyện Mai Sơn", 2024, "Năm", "Tổng", "50", 23, 65, ""],
        "value_mismatch",
        "Giá trị",
        severity="warning",
    )
    one_bad(
        "33_missing_indicator.csv",
        ["", "SL", 2024, "Năm", "Tổng", 5, None, None, ""],
        "missing_indicator",
        "Mã chỉ tiêu",
        fmt="csv",
    )
    one_bad(
        "34_negative_denominator.xlsx",
        ["M1.C1", "Huyện Yên Châu", 2024, "Năm", "Tổng", 0, 0, -5, ""],
        "denominator_nonneg",
        "Mẫu số",
    )

    # --- formula without a cached value (openpyxl writes formulas without results) ---------
    def formula(ws):
        ws["F9"] = "=F6*2"

    write_xlsx(
        "35_formula_no_cached_value.xlsx",
        good_rows() + [["M2.C2", "SL", 2024, "Năm", "Tổng", None, None, None, ""]],
        post=formula,
    )
    expect("35_formula_no_cached_value.xlsx", "formula_no_value", sheet=SHEET, row=9, column="Giá trị")

    # --- encodings and delimiters of csv ----------------------------------------------------
    rows = good_rows() + [["M1.C1", "Huyện Không Có", 2024, "Năm", "Tổng", 10, None, None, "ghi chú tiếng Việt"]]
    write_bytes("36_cp1258_semicolon.csv", encode_cp1258(csv_text(rows, ";")))
    expect("36_cp1258_semicolon.csv", "known_unit", row=7, column="Đơn vị")
    rows = good_rows() + [["TT.1", "Sốp Cộp", 2024, "Năm", "Tổng", "-2", None, None, ""]]
    write_bytes("37_semicolon.csv", csv_text(rows, ";").encode("utf-8"))
    expect("37_semicolon.csv", "value_nonneg", row=7, column="Giá trị")
    rows = good_rows() + [["M2.C2", "SL", 2024, "Năm", "Tổng", "101,5", None, None, ""]]
    write_bytes("38_bom.csv", b"\xef\xbb\xbf" + csv_text(rows, ",").encode("utf-8"))
    expect("38_bom.csv", "share_le_100", row=7, column="Giá trị")
    rows = good_rows() + [["M1.C1", "Huyện Mai Sơn", 2024, "Năm", "Tổng", 10, 7, 6, ""]]
    write_bytes("39_tab.csv", csv_text(rows, "\t").encode("utf-8"))
    expect("39_tab.csv", "numerator_le_denominator", row=7, column="Tử số")

    # --- metadata problems ------------------------------------------------------------------
    write_xlsx("40_bad_date.xlsx", good_rows(), date="31/02/2024")
    expect("40_bad_date.xlsx", "bad_date", sheet=SHEET, column="Ngày gửi")
    write_xlsx("41_unknown_department.xlsx", good_rows(), dept="Sở Không Tồn Tại")
    expect("41_unknown_department.xlsx", "unknown_department", sheet=SHEET, column="Cơ quan báo cáo")
    write_bytes("42_no_department.csv", csv_text(good_rows(), meta=False).encode("utf-8"))
    expect("42_no_department.csv", "missing_department")

    # --- merged cells: the year typed once in a merged block; one share over 100 -----------
    def merge_year(ws):
        ws.merge_cells("C6:C9")

    write_xlsx(
        "43_merged_year.xlsx",
        [
            ["M1.C1", "Tỉnh Sơn La", 2024, "Năm", "Tổng", "35,38%", 23, 65, ""],
            ["M2.C1", "SL", None, "Năm", "Nữ", 27.5, None, None, ""],
            ["TT.1", "Huyện Mai Sơn", None, "Năm", "Tổng", 12, None, None, ""],
            ["M2.C2", "SL", None, "Năm", "Tổng", "100,01", None, None, ""],
        ],
        post=merge_year,
    )
    expect("43_merged_year.xlsx", "share_le_100", sheet=SHEET, row=9, column="Giá trị")

    # --- plausibility warnings ----------------------------------------------------------------
    districts = ["TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"]
    counts = [4, 6, 5, 3, 7, 5, 4, 6, 5, 4, 3, 180]
    write_xlsx(
        "44_outlier.xlsx", [["TT.1", d, 2024, "Năm", "Tổng", c, None, None, ""] for d, c in zip(districts, counts)]
    )
    expect("44_outlier.xlsx", "outlier", "warning", sheet=SHEET, row=17, column="Giá trị")
    write_xlsx(
        "45_jump.xlsx",
        [
            ["M1.C1", "SL", 2023, "Năm", "Tổng", 30, None, None, ""],
            ["M1.C1", "SL", 2024, "Năm", "Tổng", 80, None, None, ""],
        ],
    )
    expect("45_jump.xlsx", "implausible_jump", "warning", sheet=SHEET, row=7, column="Giá trị")

    with open(expected_path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "severity", "code", "sheet", "row", "column"], lineterminator="\n")
        w.writeheader()
        w.writerows(EXPECTED)
    print(f"{len(list(OUT.iterdir()))} files, {len(EXPECTED)} expected messages → {OUT}")


if __name__ == "__main__":
    main()
