"""The small deterministic xlsx writer used by ``me demo``: files read back with openpyxl
and pandas exactly as written, and the same input gives the same bytes."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from me_utils.demo import xlsx as X

WHEN = dt.datetime(2024, 11, 18, 9, 0)
PROPS = {
    "title": "T & <x>",
    "subject": "Dữ liệu minh họa / Illustrative data",
    "creator": "Sở Nội vụ",
    "keywords": "illustrative",
    "description": "d",
    "last_modified_by": "Sở Nội vụ",
}


def _book():
    rows = [
        ['BÁO CÁO <năm> & "quý"'],
        [],
        ["Mã chỉ tiêu", "Giá trị", "Tử số"],
        ["M1.C1", 53.79, 213],
        ["G.1", "35,38%", "1.234"],
        ["  spaces  ", None, 0],
    ]
    return [
        X.Sheet("Hướng dẫn", [["x"]]),
        X.Sheet("Báo cáo", rows, bold_rows=(3,), centered_rows=(1,), merges=("A1:C1",), widths={"B": 22, "AA": 5}),
    ]


def test_col_letter():
    assert [X.col_letter(i) for i in (0, 8, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "I",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_round_trip_with_openpyxl():
    data = X.workbook_bytes(_book(), PROPS, WHEN)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Hướng dẫn", "Báo cáo"]
    ws = wb["Báo cáo"]
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0][0] == 'BÁO CÁO <năm> & "quý"'
    assert got[1] == [None, None, None]
    assert got[3] == ["M1.C1", 53.79, 213] and isinstance(got[3][2], int)
    assert got[4] == ["G.1", "35,38%", "1.234"]  # text stays text
    assert got[5] == ["  spaces  ", None, 0]
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:C1"]
    assert ws["A3"].font.b and not ws["A4"].font.b and ws["A1"].alignment.horizontal == "center"
    assert ws.column_dimensions["B"].width == 22
    p = wb.properties
    assert (p.title, p.subject, p.creator, p.keywords) == (
        "T & <x>",
        "Dữ liệu minh họa / Illustrative data",
        "Sở Nội vụ",
        "illustrative",
    )
    assert p.created == WHEN and p.modified == WHEN


def test_pandas_reads_the_table():
    df = pd.read_excel(io.BytesIO(X.workbook_bytes(_book(), PROPS, WHEN)), sheet_name="Báo cáo", header=2)
    assert list(df.columns) == ["Mã chỉ tiêu", "Giá trị", "Tử số"]
    assert df.iloc[0].tolist() == ["M1.C1", 53.79, 213]


def test_same_input_same_bytes_and_pinned_zip_dates():
    a = X.workbook_bytes(_book(), PROPS, WHEN)
    assert a == X.workbook_bytes(_book(), PROPS, WHEN)
    assert a != X.workbook_bytes(_book(), PROPS, WHEN + dt.timedelta(days=1))
    z = zipfile.ZipFile(io.BytesIO(a))
    assert {i.date_time for i in z.infolist()} == {(2024, 11, 18, 9, 0, 0)}
    assert z.testzip() is None


def test_rejects_values_a_cell_cannot_hold():
    with pytest.raises(ValueError):
        X.workbook_bytes([X.Sheet("s", [[float("nan")]])], {}, WHEN)
    with pytest.raises(TypeError):
        X.workbook_bytes([X.Sheet("s", [[True]])], {}, WHEN)
