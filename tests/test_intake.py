"""Tests of me_utils.intake.submissions: cell parsing, header matching, encodings, the bad-input corpus."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from me_utils.core import fmt
from me_utils.intake import parsing
from me_utils.intake import submissions as intake

CORPUS = Path(__file__).parent / "bad_inputs"


def _make_corpus_module():
    """tests/bad_inputs/make_corpus.py, loaded by path (tests/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


FILES = CORPUS / "files"
EXPECTED = list(csv.DictReader(open(CORPUS / "expected.csv", encoding="utf-8")))


# --- numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value,decimals",
    [
        ("1.234,5", 1234.5, 1),
        ("1,234.5", 1234.5, 1),
        ("35,38%", 35.38, 2),
        ("45%", 45.0, 0),
        ("35,38", 35.38, 2),
        ("1.234", 1234.0, 0),
        ("0.125", 0.125, 3),
        ("12.5", 12.5, 1),
        ("1.234.567", 1234567.0, 0),
        ("1,234,567", 1234567.0, 0),
        ("-5", -5.0, 0),
        ("(5)", -5.0, 0),
        (" 1 234,5 ", 1234.5, 1),
        ("7", 7.0, 0),
        ("0,5 %", 0.5, 1),
        ("+3", 3.0, 0),
    ],
)
def test_parse_number_text(text, value, decimals):
    x, d = intake.parse_number(text)
    assert x == pytest.approx(value, abs=1e-12)
    assert d == decimals


@pytest.mark.parametrize("cell", [None, "", "-", "–", "  "])
def test_parse_number_missing(cell):
    assert intake.parse_number(cell) == (None, 0)


@pytest.mark.parametrize("text", ["1,2,3", "abc", "1.2.3", "12a", "1,23,4", "1.234,5,6", "%", "1.", "khoảng 30"])
def test_parse_number_rejects(text):
    with pytest.raises(intake.CellError):
        intake.parse_number(text)


def test_parse_number_excel_cells():
    assert intake.parse_number(12) == (12.0, 0)
    assert intake.parse_number(0.3538, percent_format=True)[0] == pytest.approx(35.38)
    assert intake.parse_number(0.3538, percent_format=True)[1] == 2
    with pytest.raises(intake.CellError):
        intake.parse_number(True)
    with pytest.raises(intake.CellError):
        intake.parse_number(dt.datetime(2024, 1, 1))


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=1e7, allow_nan=False), st.integers(0, 3))
def test_parse_number_reads_back_vietnamese_formatting(x, decimals):
    """What me_utils.core.fmt writes in Vietnamese (``1.234,5``) reads back to the rounded number.

    (English ``1,000`` is ambiguous with the Vietnamese decimal comma and reads as 1.0 by the
    documented rule, so the round trip is only claimed for Vietnamese text.)
    """
    text = fmt.fmt_number(x, decimals, "vi")
    got, dec = intake.parse_number(text)
    assert got == pytest.approx(round(x, decimals), rel=1e-12, abs=10 ** -(decimals + 1))
    assert dec == decimals
    got, _ = intake.parse_number(fmt.fmt_pct(x, decimals, "vi"))
    assert got == pytest.approx(round(x, decimals), rel=1e-12, abs=10 ** -(decimals + 1))


# --- other cells ------------------------------------------------------------------------------------
def test_fold_ignores_case_diacritics_spacing_and_normalisation():
    nfd = unicodedata.normalize("NFD", "Mã  Chỉ Tiêu")
    assert intake.fold(nfd) == intake.fold("MA CHI TIEU") == intake.fold(" mã chỉ tiêu ") == "machitieu"
    assert intake.fold("Đơn vị") == "donvi"


def test_header_matching_vi_en_nfd():
    cells = [
        unicodedata.normalize("NFD", "MÃ CHỈ TIÊU"),
        "Unit",
        " năm ",
        "Ky bao cao",
        "VALUE",
        "Tử  số",
        "mau so",
        "Gender",
        "Ghi chú",
        "something else",
    ]
    m = intake.match_header(cells)
    assert m == {
        0: "indicator_code",
        1: "unit",
        2: "year",
        3: "period",
        4: "value",
        5: "numerator",
        6: "denominator",
        7: "sex",
        8: "note",
    }


@pytest.mark.parametrize(
    "text,code",
    [("6 tháng", "H1"), ("6 THANG", "H1"), ("H1", "H1"), ("Năm", "FY"), ("nam", "FY"), ("FY", "FY"), ("Cả năm", "FY")],
)
def test_parse_period(text, code):
    assert intake.parse_period(text) == code


@pytest.mark.parametrize(
    "text,code", [("Nữ", "F"), ("nu", "F"), ("Nam", "M"), ("Tổng", "T"), ("", "T"), ("female", "F"), ("M", "M")]
)
def test_parse_sex(text, code):
    assert intake.parse_sex(text) == code


@pytest.mark.parametrize(
    "cell,date",
    [
        ("20/11/2025", dt.date(2025, 11, 20)),
        ("2025-11-20", dt.date(2025, 11, 20)),
        ("5-3-2024", dt.date(2024, 3, 5)),
        (dt.datetime(2024, 5, 1, 8), dt.date(2024, 5, 1)),
        ("ngày 20 tháng 11 năm 2025", dt.date(2025, 11, 20)),
    ],
)
def test_parse_date(cell, date):
    assert intake.parse_date(cell) == date


def test_parse_year():
    assert intake.parse_year(2024) == 2024
    assert intake.parse_year(2024.0) == 2024
    assert intake.parse_year("Năm 2023") == 2023
    assert intake.parse_year(None) is None
    with pytest.raises(intake.CellError):
        intake.parse_year(2024.5)
    with pytest.raises(intake.CellError):
        intake.parse_year("hai nghìn")


def test_departments_match_names_and_codes():
    assert intake.match_department("Sở Nội vụ") == "SNV"
    assert intake.match_department("so noi vu") == "SNV"
    assert intake.match_department("Công an tỉnh Sơn La") == "CA"
    assert intake.match_department("SVHTTDL") == "SVHTTDL"
    assert intake.match_department("Sở ABC") is None


def test_decode_cp1258_is_nfc():
    text = "Mã chỉ tiêu;Đơn vị;Kỳ báo cáo;Huyện Mường La\n"
    raw = _make_corpus_module().encode_cp1258(text)
    assert raw != text.encode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    got, enc = intake.decode_csv_bytes(raw)
    assert enc == "cp1258" and got == text and unicodedata.is_normalized("NFC", got)
    got, enc = intake.decode_csv_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert enc == "utf-8-sig" and got == text


# --- robust statistics -----------------------------------------------------------------------------
def test_robust_z_hand_values():
    z = intake.robust_z([1, 2, 3, 4, 100])  # median 3, MAD 1
    assert z[-1] == pytest.approx(0.6745 * 97)
    assert z[2] == 0
    z = intake.robust_z([0, 0, 0, 0, 0, 0, 10])  # MAD 0 → MeanAD 10/7
    assert z[-1] == pytest.approx(10 / (1.253314 * 10 / 7))
    assert np.all(intake.robust_z([5, 5, 5]) == 0)


def _obs(values, code="TT.1", year=2024):
    units = ["TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"][: len(values)]
    return pd.DataFrame(
        {
            "indicator_code": code,
            "unit_code": units,
            "year": year,
            "period": "FY",
            "sex": "T",
            "value": [float(v) for v in values],
        }
    )


def test_outliers_zero_heavy_counts():
    kinds = {"TT.1": "count", "M1.C1": "proportion"}
    # 3 against a run of zeros is ordinary for a small count: not flagged (difference < 5).
    assert intake.detect_outliers(_obs([0] * 8 + [3]), kinds=kinds).empty
    out = intake.detect_outliers(_obs([0] * 8 + [50]), kinds=kinds)
    assert list(out["unit_code"]) == ["MS"] and out["median"].iloc[0] == 0
    # Skewed but smooth counts (log scale): the largest of a geometric series is not an outlier.
    assert intake.detect_outliers(_obs([1, 2, 4, 8, 16, 32, 64]), kinds=kinds).empty
    # Fewer than 5 units: no comparison.
    assert intake.detect_outliers(_obs([0, 0, 0, 500]), kinds=kinds).empty
    # Shares on the percent scale.
    out = intake.detect_outliers(_obs([30, 31, 29, 30, 32, 31, 90], code="M1.C1"), kinds=kinds)
    assert list(out["value"]) == [90.0]


def test_jumps():
    kinds = {"TT.1": "count", "M1.C1": "proportion"}
    df = pd.DataFrame(
        {
            "indicator_code": ["M1.C1"] * 3 + ["TT.1"] * 4,
            "unit_code": "SL",
            "year": [2022, 2023, 2024, 2021, 2022, 2023, 2024],
            "period": "FY",
            "sex": "T",
            "value": [30.0, 45.0, 70.0, 2.0, 8.0, 10.0, 40.0],
        }
    )
    out = intake.detect_jumps(df, kinds=kinds)
    # 30→45 is 15 pp (kept), 45→70 is 25 pp (flagged); 2→8 changes by 6 < 10 (kept); 10→40: 41/11 > 3.
    assert sorted(zip(out["indicator_code"], out["year"])) == [("M1.C1", 2024), ("TT.1", 2024)]


# --- the bad-input corpus ------------------------------------------------------------------------------
def test_corpus_is_large_enough():
    assert len({e["file"] for e in EXPECTED}) >= 30
    assert {p.name for p in FILES.iterdir()} == {e["file"] for e in EXPECTED}


@pytest.mark.parametrize("case", EXPECTED, ids=[e["file"] for e in EXPECTED])
def test_corpus_message(case, capsys):
    path = FILES / case["file"]
    sub = intake.validate_file(path, case["file"])
    hits = [
        m
        for m in sub.messages
        if m.code == case["code"]
        and m.severity == case["severity"]
        and m.sheet == case["sheet"]
        and str(m.row or "") == case["row"]
        and m.column == case["column"]
    ]
    assert hits, [(m.severity, m.code, m.sheet, m.row, m.column) for m in sub.messages]
    m = hits[0]
    assert m.reason_vi and m.reason_en and m.reason_vi != m.reason_en
    text = m.format()
    assert case["file"] in text and "vi: " in text and "en: " in text
    if case["row"]:
        assert f"dòng/row {case['row']}" in text
    if case["column"]:
        assert f'cột/column "{case["column"]}"' in text
    assert not any(x.code == "internal" for x in sub.messages)
    # Only the expected error, no pile-up of follow-on errors.
    errors = [x for x in sub.messages if x.severity == "error"]
    assert errors == ([m] if case["severity"] == "error" else [])
    rc = intake.cli_validate([str(path)])
    out = capsys.readouterr()
    assert rc == (1 if case["severity"] == "error" else 0)
    assert "Traceback" not in out.out + out.err


def test_corpus_raw_bytes_unchanged():
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in FILES.iterdir()}
    mtimes = {p.name: p.stat().st_mtime_ns for p in FILES.iterdir()}
    for p in sorted(FILES.iterdir()):
        intake.validate_file(p, p.name)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in FILES.iterdir()}
    assert before == after
    assert mtimes == {p.name: p.stat().st_mtime_ns for p in FILES.iterdir()}


def _good(sub):
    r = sub.records[sub.records["_ok"]].sort_values("source_row")
    return [(x.indicator_code, x.unit_code, int(x.year), x.period, x.sex, x.value) for x in r.itertuples()]


GOOD = [
    ("M1.C1", "SL", 2024, "FY", "T", 35.38),
    ("M2.C1", "SL", 2024, "FY", "F", 27.5),
    ("TT.1", "MS", 2024, "FY", "T", 12.0),
]


@pytest.mark.parametrize(
    "name",
    [
        "36_cp1258_semicolon.csv",
        "37_semicolon.csv",
        "38_bom.csv",
        "39_tab.csv",
        "14_second_sheet.xlsx",
        "43_merged_year.xlsx",
        "15_script_in_note.xlsx",
    ],
)
def test_corpus_accepted_rows_parsed_right(name):
    sub = intake.validate_file(FILES / name, name)
    assert _good(sub)[:3] == GOOD
    r = sub.records.set_index("source_row")
    first = r.loc[r.index.min()]
    assert (first["numerator"], first["denominator"]) == (23.0, 65.0)
    assert sub.department == "SNV" and sub.submission_date == dt.date(2024, 11, 20)


def test_cp1258_note_text_is_nfc():
    sub = intake.validate_file(FILES / "36_cp1258_semicolon.csv", "x.csv")
    notes = [n for n in sub.records["note"] if n]
    assert notes == ["ghi chú tiếng Việt"] and unicodedata.is_normalized("NFC", notes[0])
    assert sub.encoding == "cp1258"


def test_script_note_kept_as_text():
    sub = intake.validate_file(FILES / "15_script_in_note.xlsx", "x.xlsx")
    assert "<script>alert(1)</script>" in set(sub.records["note"])
    assert sub.n_errors == 0


def test_percent_formatted_cell_and_metadata_options(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giá trị"])
    ws.append(["M1.C1", "Mộc Châu", 2023, "6 tháng", 0.3538])
    ws["E2"].number_format = "0.00%"
    p = tmp_path / "plain.xlsx"
    wb.save(p)
    sub = intake.validate_file(p, "plain.xlsx")
    assert {m.code for m in sub.messages if m.severity == "error"} == {"missing_department"}
    sub = intake.validate_file(p, "plain.xlsx", department="Sở Nội vụ", submission_date="19/05/2023")
    assert sub.n_errors == 0 and sub.department == "SNV" and sub.submission_date == dt.date(2023, 5, 19)
    assert _good(sub) == [("M1.C1", "MC", 2023, "H1", "T", pytest.approx(35.38))]


def test_department_and_date_columns(tmp_path):
    p = tmp_path / "cols.csv"
    p.write_text(
        "indicator_code,unit,year,period,value,department,submission_date\n"
        'M1.C1,SL,2022,FY,40,SNV,24/11/2022\nM4.C1,SL,2022,FY,"112,4",Sở Y tế,01/12/2022\n',
        encoding="utf-8",
    )
    sub = intake.validate_file(p, "cols.csv")
    assert sub.n_errors == 0
    r = sub.records.sort_values("source_row")
    assert list(r["department"]) == ["SNV", "SYT"]
    assert list(r["submission_date"]) == [dt.date(2022, 11, 24), dt.date(2022, 12, 1)]
    assert list(r["value"]) == [40.0, 112.4]


def test_validate_missing_file_and_usage(tmp_path, capsys):
    assert intake.cli_validate([str(tmp_path / "nope.xlsx")]) == 1
    assert "không tìm thấy tệp" in capsys.readouterr().out
    assert intake.cli_validate([]) == 2


def test_unexpected_exception_becomes_located_message(monkeypatch, tmp_path):
    p = FILES / "15_script_in_note.xlsx"

    def boom(*a, **k):
        raise RuntimeError("simulated")

    monkeypatch.setattr(parsing, "read_xlsx_grids", boom)  # looked up in parsing
    sub = intake.validate_file(p, "x.xlsx")
    assert [m.code for m in sub.messages] == ["internal"]
    assert "simulated" in sub.messages[0].reason_en and sub.messages[0].file == "x.xlsx"


def _trim(rows):
    rows = [list(r) for r in rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    w = max((max((i + 1 for i, v in enumerate(r) if v is not None), default=0) for r in rows), default=0)
    return [r[:w] + [None] * (w - len(r[:w])) for r in rows]


def _xlsx_corpus():
    out = []
    for p in sorted(FILES.glob("*.xlsx")):
        p.read_bytes()
        if zipfile.is_zipfile(p):
            out.append(p)
    return out


@pytest.mark.parametrize("path", _xlsx_corpus(), ids=lambda p: p.name)
def test_fast_xlsx_reader_matches_openpyxl(path):
    """The XML reader gives the grids openpyxl gives: values, dates, percent formats, merged
    cells, formulas without a stored value."""
    data = path.read_bytes()
    try:
        fast = intake.read_xlsx_fast(data)
    except Exception:
        pytest.skip("not read by the fast reader (openpyxl fallback is used)")
    ref = intake.read_xlsx_openpyxl(data)
    assert [g.sheet for g in fast] == [g.sheet for g in ref]
    for a, b in zip(fast, ref):
        assert _trim(a.rows) == _trim(b.rows)
        assert a.percent == b.percent and a.formula_missing == b.formula_missing


def test_fast_reader_handles_template_and_dates(tmp_path):
    from me_utils.intake import template

    wb = openpyxl.load_workbook(__import__("io").BytesIO(template.make_template("SNV", 2024)))
    wb["Báo cáo"]["B3"] = dt.datetime(2024, 11, 20)
    wb["Báo cáo"]["G6"] = 0.25
    wb["Báo cáo"]["G6"].number_format = "0%"
    p = tmp_path / "t.xlsx"
    wb.save(p)
    fast = intake.read_xlsx_fast(p.read_bytes())
    ref = intake.read_xlsx_openpyxl(p.read_bytes())
    assert [_trim(g.rows) for g in fast] == [_trim(g.rows) for g in ref]
    assert fast[0].rows[2][1] == dt.datetime(2024, 11, 20) and (5, 6) in fast[0].percent


def test_validate_a_folder(capsys):
    rc = intake.cli_validate([str(FILES), "--quiet"])
    out = capsys.readouterr().out
    n_files = len([p for p in FILES.iterdir() if p.suffix in (".xlsx", ".csv")])
    n_ok = len(
        {e["file"] for e in EXPECTED if e["file"].endswith((".xlsx", ".csv"))}
        - {e["file"] for e in EXPECTED if e["severity"] == "error"}
    )
    assert rc == 1
    assert f"== {n_files} tệp/files: {n_ok} đạt/accepted, {n_files - n_ok} không đạt/rejected" in out
    assert "Traceback" not in out


def test_stray_far_cell_does_not_blow_up(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Cơ quan báo cáo: Sở Nội vụ"])
    ws.append(["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giá trị"])
    ws.append(["M1.C1", "SL", 2024, "Năm", 40])
    ws["XFD1048576"] = "stray"
    p = tmp_path / "stray.xlsx"
    wb.save(p)
    # Issue 16: no truncation — a value beyond the row cap refuses the file, located at the cell.
    for reader in (intake.read_xlsx_fast, intake.read_xlsx_openpyxl):
        with pytest.raises(intake.FileError) as ei:
            reader(p.read_bytes())
        assert (ei.value.code, ei.value.row, ei.value.sheet) == ("too_many_rows", 1048576, ws.title)
    sub = intake.validate_file(p, "stray.xlsx")
    assert [(m.code, m.row, m.sheet) for m in sub.messages] == [("too_many_rows", 1048576, ws.title)]


_VALID = (FILES / "15_script_in_note.xlsx").read_bytes()


@settings(max_examples=60, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.tuples(st.integers(0, len(_VALID) - 1), st.binary(min_size=1, max_size=40)).map(
            lambda t: _VALID[: t[0]] + t[1] + _VALID[t[0] + len(t[1]) :]
        ),
        st.text(max_size=300).map(lambda t: t.encode("utf-8")),
    ),
    st.sampled_from([".xlsx", ".csv"]),
)
def test_no_traceback_for_any_bytes(tmp_path_factory, data, suffix):
    """Random bytes, random text and corrupted workbooks: always messages, never an exception."""
    p = tmp_path_factory.mktemp("fuzz") / f"f{suffix}"
    p.write_bytes(data)
    sub = intake.validate_file(p, p.name)
    assert all(m.file == p.name and m.reason_vi and m.reason_en for m in sub.messages)
    assert sub.n_errors > 0 or (sub.records is not None and len(sub.records) > 0)


def test_corpus_script_regenerates_the_committed_corpus(tmp_path):
    """make_corpus.py writes byte-identical files and the same expected.csv as committed."""
    _make_corpus_module().main(tmp_path / "files", tmp_path / "expected.csv")
    assert (tmp_path / "expected.csv").read_text(encoding="utf-8") == (CORPUS / "expected.csv").read_text(
        encoding="utf-8"
    )
    assert {p.name for p in (tmp_path / "files").iterdir()} == {p.name for p in FILES.iterdir()}
    for p in sorted(FILES.iterdir()):
        assert p.read_bytes() == (tmp_path / "files" / p.name).read_bytes(), p.name


def test_district_row_after_the_2025_reform_is_flagged(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text(
        "Cơ quan báo cáo,Sở Nội vụ\nindicator_code,unit,year,period,value\n"
        "M1.C1,Mai Sơn,2025,H1,40\nM1.C1,Mai Sơn,2025,FY,41\nM1.C1,SL,2025,FY,42\n",
        encoding="utf-8",
    )
    sub = intake.validate_file(p, "d.csv")
    flagged = [(m.row, m.column, m.value) for m in sub.messages if m.code == "unit_not_valid"]
    # Districts ended on 30/06/2025: the H1 2025 figure is fine, the FY 2025 one is not.
    assert flagged == [(4, "unit", "MS")]
    assert sub.n_errors == 0
