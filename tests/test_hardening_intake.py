"""Issue 16, bounded reading: hostile and broken submissions are refused fast, located, in
Vietnamese and English; a file over a cap is never partly read."""

from __future__ import annotations

import time
import zipfile

import pytest

from me_utils.intake import readers
from me_utils.intake import submissions as intake

HEADER = ["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giá trị"]

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
    'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Bao cao" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _istr(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _row(r: int, values: list) -> str:
    cells = []
    for j, v in enumerate(values):
        ref = f"{chr(65 + j)}{r}"
        cells.append(f'<c r="{ref}"><v>{v}</v></c>' if isinstance(v, (int, float)) else _istr(ref, v))
    return f'<row r="{r}">{"".join(cells)}</row>'


def write_xlsx(path, body_chunks, dtd: str = "") -> None:
    """A minimal xlsx whose one sheet is ``_SHEET_HEAD + chunks + _SHEET_TAIL``, streamed into the
    zip (so a sheet of a gigabyte never sits in memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            head = _SHEET_HEAD if not dtd else _SHEET_HEAD.replace("?>", "?>" + dtd, 1)
            fh.write(head.encode())
            for chunk in body_chunks:
                fh.write(chunk)
            fh.write(_SHEET_TAIL.encode())


def _good_rows():
    return [_row(1, HEADER), _row(2, ["M1.C1", "SL", 2024, "Năm", 40])]


def _no_openpyxl(monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("the openpyxl reader must not be tried on a refused file")

    monkeypatch.setattr(readers, "read_xlsx_openpyxl", refuse)  # looked up in readers


def test_zip_bomb_xlsx_is_refused_from_the_zip_directory(tmp_path, monkeypatch):
    # 1 MiB of empty cells repeated: the sheet part expands to MAX_PART_BYTES + 8 MiB.
    p = tmp_path / "SNV_2024_FY.xlsx"
    row = ('<row r="3">' + '<c r="A3" s="0"/>' * 40 + "</row>").encode()
    mib = row * (2**20 // len(row) + 1)
    n = intake.MAX_PART_BYTES // len(mib) + 8
    write_xlsx(p, ["".join(_good_rows()).encode()] + [mib] * n)
    assert p.stat().st_size < 2 * 2**20  # a small upload…
    with zipfile.ZipFile(p) as zf:  # …whose sheet expands past the cap
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size > intake.MAX_PART_BYTES
    _no_openpyxl(monkeypatch)
    t0 = time.perf_counter()
    sub = intake.validate_file(p, "raw/SNV_2024_FY.xlsx")
    took = time.perf_counter() - t0
    assert [m.code for m in sub.messages] == ["xlsx_too_large"]
    m = sub.messages[0]
    assert m.severity == "error" and m.file == "raw/SNV_2024_FY.xlsx"
    assert "xl/worksheets/sheet1.xml" in m.reason_vi and "bom zip" in m.reason_vi
    assert "zip bomb" in m.reason_en and "refused" in m.reason_en
    assert sub.records.empty
    assert took < 2.0, took


def test_total_expanded_size_is_capped(tmp_path, monkeypatch):
    # Three parts each under the part cap whose sum is over the total cap.
    p = tmp_path / "b.xlsx"
    write_xlsx(p, ["".join(_good_rows()).encode()])
    part = intake.MAX_UNZIPPED_BYTES // 3 + 2**20
    with zipfile.ZipFile(p, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            with zf.open(f"xl/media/pad{i}.bin", "w", force_zip64=True) as fh:
                block = b"\0" * 2**20
                for _ in range(part // 2**20):
                    fh.write(block)
    with pytest.raises(intake.FileError) as ei:
        intake.open_xlsx_package(p.read_bytes())
    assert ei.value.code == "xlsx_too_large" and "MiB" in ei.value.vi and "zip bomb" in ei.value.en


def test_row_cap_refuses_the_whole_xlsx_located(tmp_path, monkeypatch):
    rows = _good_rows() + [_row(intake.MAX_ROWS + 1, ["M1.C1", "XX", 2024, "Năm", 180])]
    p = tmp_path / "r.xlsx"
    write_xlsx(p, ["".join(rows).encode()])
    _no_openpyxl(monkeypatch)
    sub = intake.validate_file(p, "r.xlsx")
    assert [(m.code, m.sheet, m.row) for m in sub.messages] == [("too_many_rows", "Bao cao", intake.MAX_ROWS + 1)]
    assert "100.000" in sub.messages[0].reason_vi and "100,000" in sub.messages[0].reason_en
    assert sub.records.empty  # not partly read: the good row 2 is not accepted either


def test_column_cap_names_the_cell(tmp_path):
    rows = _good_rows() + [f'<row r="3">{_istr("CW3", "x")}</row>']  # CW = column 101
    p = tmp_path / "c.xlsx"
    write_xlsx(p, ["".join(rows).encode()])
    sub = intake.validate_file(p, "c.xlsx")
    assert [(m.code, m.row, m.column) for m in sub.messages] == [("too_many_columns", 3, "CW")]


def test_oversized_xlsx_cell_is_a_clear_message(tmp_path):
    rows = _good_rows() + [f'<row r="3">{_istr("F3", "a" * (intake.MAX_CELL_CHARS + 1))}</row>']
    p = tmp_path / "long.xlsx"
    write_xlsx(p, ["".join(rows).encode()])
    sub = intake.validate_file(p, "long.xlsx")
    assert [(m.code, m.row, m.column) for m in sub.messages] == [("cell_too_long", 3, "F")]
    assert "32.767" in sub.messages[0].reason_vi


def test_entity_expansion_is_refused_without_a_hang(tmp_path):
    lol = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>'
    )
    rows = _good_rows() + ['<row r="3"><c r="A3" t="inlineStr"><is><t>&lol4;</t></is></c></row>']
    p = tmp_path / "lol.xlsx"
    write_xlsx(p, ["".join(rows).encode()], dtd=lol)
    with pytest.raises(Exception) as ei:  # defusedxml refuses the entity declarations
        intake.read_xlsx_fast(p.read_bytes())
    assert "Entit" in type(ei.value).__name__ or "entit" in str(ei.value).lower()
    sub = intake.validate_file(p, "lol.xlsx")
    assert sub.n_errors >= 1 and sub.records.empty
    assert not any("lollol" in (m.value + m.reason_en) for m in sub.messages)


def _csv(rows) -> bytes:
    return ("\n".join(",".join(map(str, r)) for r in rows) + "\n").encode("utf-8")


def test_over_cap_csv_is_refused_not_truncated(tmp_path):
    # Old behaviour: rows after 100,000 dropped with a warning, so this unknown unit and this
    # 180 % value were never checked and the file was accepted.
    good = ["M1.C1", "SL", 2024, "Năm", 40]
    rows = [HEADER] + [good] * intake.MAX_ROWS + [["M1.C1", "XX", 2024, "Năm", "180%"]]
    p = tmp_path / "SNV_2024_FY.csv"
    p.write_bytes(_csv(rows))
    t0 = time.perf_counter()
    sub = intake.validate_file(p, "SNV_2024_FY.csv")
    assert time.perf_counter() - t0 < 5
    # MAX_ROWS counts every line (header included): line MAX_ROWS + 1 is the first refused.
    assert [(m.severity, m.code, m.row) for m in sub.messages] == [("error", "too_many_rows", intake.MAX_ROWS + 1)]
    assert "không đọc một phần" in sub.messages[0].reason_vi and "not partly read" in sub.messages[0].reason_en
    assert sub.records.empty
    assert intake.cli_validate([str(p), "--quiet"]) == 1


def test_csv_at_the_cap_is_read_whole(tmp_path):
    rows = [HEADER] + [["M1.C1", "SL", 2024, "Năm", 40]] * (intake.MAX_ROWS - 1)
    g = intake.read_csv_grids(_csv(rows) + b"\n\n")  # trailing blank lines do not count
    assert len(g[0].rows) == intake.MAX_ROWS


def test_csv_over_the_byte_cap_is_refused_before_reading(tmp_path, monkeypatch):
    p = tmp_path / "huge.csv"
    with open(p, "wb") as fh:  # sparse: 1 byte written, MAX_FILE_BYTES + 1 long
        fh.truncate(intake.MAX_FILE_BYTES + 1)
    monkeypatch.setattr(type(p), "read_bytes", lambda self: (_ for _ in ()).throw(AssertionError("read")))
    sub = intake.validate_file(p, "huge.csv")
    assert [m.code for m in sub.messages] == ["file_too_large"]
    assert "32 MiB" in sub.messages[0].reason_vi and "32 MiB" in sub.messages[0].reason_en


def test_oversized_csv_cell_is_a_clear_located_message(tmp_path):
    # Old behaviour: a 10.5 MB cell gave "unexpected problem… pass to technical team".
    p = tmp_path / "cell.csv"
    p.write_bytes(_csv([HEADER, ["M1.C1", "SL", 2024, "Năm", 40], ["M1.C1", "SL", 2025, "Năm", "9" * 11_000_000]]))
    sub = intake.validate_file(p, "cell.csv")
    assert [(m.code, m.row) for m in sub.messages] == [("cell_too_long", 3)]
    assert "internal" not in {m.code for m in sub.messages}
    assert "Excel" in sub.messages[0].reason_en and "ký tự" in sub.messages[0].reason_vi


def test_wide_wrong_delimiter_does_not_refuse_a_good_file(tmp_path):
    # A semicolon file whose note holds 150 comma-separated words: read with "," that row has
    # 150 non-empty fields; that candidate is dropped, the ";" reading is used.
    note = ",".join(["a"] * 150)
    text = "Mã chỉ tiêu;Đơn vị;Năm;Kỳ báo cáo;Giá trị;Ghi chú\nM1.C1;SL;2024;Năm;40;" + note + "\n"
    grids = intake.read_csv_grids(text.encode())
    assert [len(g.rows[1]) for g in grids] == [6, 1]  # ";" then tab; "," dropped
    p = tmp_path / "SNV_2024_FY.csv"
    p.write_text(text, encoding="utf-8")
    sub = intake.validate_file(p, "SNV_2024_FY.csv")
    assert sub.n_errors == 0 and list(sub.records["value"]) == [40.0]
    with pytest.raises(intake.FileError) as ei:  # no delimiter left: the columns error, located
        intake.read_csv_grids(("a,a;a\ta" * 120 + "\n").encode())
    assert ei.value.code == "too_many_columns" and ei.value.row == 1


@pytest.mark.parametrize("quoted", [False, True])
def test_row_cap_fast_and_exact_paths_agree(quoted):
    # Without quotes the pre-check refuses before decoding; with a quoted field the csv reader
    # does. Both name the same line; blank lines (only delimiters) after the cap are harmless.
    good = "M1.C1,SL,2024,Năm,40\n"
    head = ("Mã chỉ tiêu,Đơn vị,Năm,Kỳ báo cáo,Giá trị" + (',"Ghi chú"' if quoted else "")) + "\n"
    body = good * (intake.MAX_ROWS - 1)
    assert len(intake.read_csv_grids((head + body + ",,,\n\n").encode())[0].rows) >= intake.MAX_ROWS
    with pytest.raises(intake.FileError) as ei:
        intake.read_csv_grids((head + body + ",,\n\nM1.C1,XX,2024,Năm,180\n").encode())
    assert (ei.value.code, ei.value.row) == ("too_many_rows", intake.MAX_ROWS + 3)
