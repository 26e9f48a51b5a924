"""Intake and templates for 2026 on: units valid in the period, located refusals."""

from __future__ import annotations

import io

import openpyxl

from me_utils.intake import submissions as intake
from me_utils.intake import template
from me_utils.reference.units import load_units


def _validate(tmp_path, rows: str, name="SNV_2026_FY.csv"):
    p = tmp_path / name
    p.write_text(
        "Cơ quan báo cáo,Sở Nội vụ\nNgày gửi,20/11/2026\nindicator_code,unit,year,period,value\n" + rows,
        encoding="utf-8",
    )
    return intake.validate_file(p, name)


def test_a_2026_district_figure_is_refused_with_a_located_message(tmp_path):
    sub = _validate(tmp_path, "M1.C1,MC,2026,FY,40\nM1.C1,04000,2026,FY,41\nM1.C1,SL,2026,FY,42\n")
    errs = [m for m in sub.messages if m.severity == "error"]
    assert len(errs) == 1
    m = errs[0]
    assert (m.code, m.file, m.row, m.column, m.value) == ("unit_dissolved", "SNV_2026_FY.csv", 4, "unit", "MC")
    assert m.reason_vi.startswith("đơn vị MC (thị xã Mộc Châu) đã giải thể từ 01/07/2025")
    assert "dùng mã xã/phường mới: 04000 (xã Đoàn Kết)" in m.reason_vi and "03997 (xã Tân Yên)" in m.reason_vi
    assert "use the new commune/ward codes" in m.reason_en
    # the refused row does not reach the records that are kept
    assert sub.n_errors == 1


def test_a_commune_figure_before_the_reform_is_refused(tmp_path):
    sub = _validate(
        tmp_path, "M1.C1,04231,2024,FY,40\nM1.C1,03985,2025,H1,41\nM1.C1,04231,2025,FY,42\n", name="SNV_2025_FY.csv"
    )
    by_row = {m.row: m for m in sub.messages if m.code in ("unit_not_yet_valid", "unit_not_valid")}
    assert by_row[4].severity == "error" and "báo cáo theo huyện cũ: SC (huyện Sốp Cộp)" in by_row[4].reason_vi
    assert by_row[5].severity == "error" and "VH (huyện Vân Hồ), MC (thị xã Mộc Châu)" in by_row[5].reason_vi
    assert by_row[6].severity == "warning"  # FY 2025 straddles the reform: the commune existed from 1/7
    assert sub.n_errors == 2


def test_names_read_by_the_year(tmp_path):
    sub = _validate(
        tmp_path,
        "M1.C1,Mai Sơn,2026,FY,40\nM1.C1,xã Mường Sại,2026,FY,41\nM1.C1,Phường Tô Hiệu,2026,FY,42\n"
        "M1.C1,Mai Sơn,2024,FY,43\n",
    )
    assert list(sub.records["unit_code"]) == ["04105", "03712", "03646", "MS"]
    assert sub.n_errors == 0


def _template_units(year):
    wb = openpyxl.load_workbook(io.BytesIO(template.make_template("SNV", year=year)))
    ws = wb[template.LIST_SHEET]
    codes = [ws.cell(r, 6).value for r in range(2, ws.max_row + 1) if ws.cell(r, 6).value]
    names = [ws.cell(r, 7).value for r in range(2, ws.max_row + 1) if ws.cell(r, 6).value]
    return codes, names, wb


def test_the_2026_template_lists_the_75_units():
    codes, names, wb = _template_units(2026)
    units = load_units()
    assert len(codes) == 76 and codes[0] == "SL"
    assert set(codes[1:]) == set(units.communes())
    assert "xã Đoàn Kết" in names and "phường Tô Hiệu" in names
    assert not {"MC", "MS", "TPSL"} & set(codes)
    help_text = "\n".join(str(c.value) for c in wb[template.HELP_SHEET]["A"] if c.value)
    assert "75 xã, phường" in help_text


def test_the_2024_template_lists_the_districts():
    codes, _, _ = _template_units(2024)
    assert codes == ["SL", "TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"]


def test_a_filled_2026_template_reads_clean(tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(template.make_template("SNV", year=2026)))
    ws = wb[template.DATA_SHEET]
    ws.cell(3, 2).value = "20/11/2026"
    r = template.HEADER_ROW + 1
    for k in range(r + 1, ws.max_row + 1):  # rows without data: year left empty (instruction 10)
        ws.cell(k, 4).value = None
    assert ws.cell(r, 4).value == 2026
    ws.cell(r, 3).value = "xã Đoàn Kết"
    ws.cell(r, 7).value = 40
    p = tmp_path / "SNV_2026_FY.xlsx"
    wb.save(p)
    sub = intake.validate_file(p, p.name)
    assert sub.n_errors == 0, [m.reason_en for m in sub.messages if m.severity == "error"]
    assert "04000" in set(sub.records["unit_code"])


def test_demo_2026_is_by_commune_and_leaves_2020_2025_unchanged():
    from me_utils.demo import communes as demo_communes
    from me_utils.demo import generate as demo

    specs = demo.load_specs()
    rows = demo_communes.commune_rows(20250506, specs)
    units = load_units()
    m1 = rows[rows["indicator_code"] == "M1.C1"].set_index("unit_code")
    assert set(m1.index) == {"SL", *units.communes()}
    # the province row is the communes plus the provincial agencies: the numbers add up
    com = m1.drop(index="SL")
    assert 0 <= m1.loc["SL", "numerator"] - com["numerator"].sum() <= demo_communes.PROVINCE_AGENCIES
    assert m1.loc["SL", "denominator"] == com["denominator"].sum() + demo_communes.PROVINCE_AGENCIES
    assert (rows["year"] == 2026).all() and (rows["period"] == "FY").all()
    files = demo.render(20250506)
    assert sorted(k for k in files if k.startswith("submissions/2026/")) == [
        "submissions/2026/SGDDT_2026_FY.xlsx",
        "submissions/2026/SNV_2026_FY.xlsx",
        "submissions/2026/STC_2026_FY.csv",
        "submissions/2026/SVHTTDL_2026_FY.csv",
        "submissions/2026/SYT_2026_FY.xlsx",
        "submissions/2026/TK_2026_FY.csv",
    ]
    # every 2026 file reads clean, with commune codes
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        for k in (k for k in files if k.startswith("submissions/2026/")):
            p = Path(d) / Path(k).name
            p.write_bytes(files[k])
            sub = intake.validate_file(p, p.name)
            assert sub.n_errors == 0 and not [m for m in sub.messages if m.severity == "warning"], k
            if "SNV" in k or "SVHTTDL" in k:
                assert set(sub.records["unit_code"]) >= set(units.communes())
