"""Tests of data/reference/units.csv and me_utils.reference.units."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata

import pytest

from me_utils.core import paths
from me_utils.reference.units import UnitsError, load_units, normalise

DISTRICTS = ["TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"]


@pytest.fixture(scope="module")
def units():
    return load_units()


def test_codes_match_the_contract(units):
    assert units.codes() == ["SL"] + DISTRICTS
    df = units.frame()
    assert (df.loc[df.unit_code == "SL", "level"] == "province").all()
    assert (df.loc[df.unit_code != "SL", "parent"] == "SL").all()
    assert (df["source"].str.len() > 0).all()


def test_district_level_ends_with_the_2025_reform(units):
    assert units.districts() == DISTRICTS
    assert units.districts(on="2021-01-01") == DISTRICTS
    assert units.districts(on=dt.date(2025, 6, 30)) == DISTRICTS
    assert units.districts(on="2025-07-01") == []
    df = units.frame().set_index("unit_code")
    assert pd_isna(df.loc["SL", "valid_to"])
    assert str(df.loc["MS", "valid_to"].date()) == "2025-06-30"


def pd_isna(x):
    import pandas as pd

    return bool(pd.isna(x))


def test_moc_chau_status_change_is_recorded_as_unverified(units):
    mc = units["MC"]
    assert mc.type == "thị xã" and mc.type_history == "huyện → thị xã"
    assert mc.type_changed_on is None  # the upgrade date is not verified
    assert "UNVERIFIED" in mc.note
    note = units.series_end_note("MC", "vi")
    assert "chưa kiểm chứng" in note and "huyện → thị xã" in note
    assert "unverified" in units.series_end_note("MC", "en")
    assert "district → town" in units.status_change_note("MC", "en")
    assert units.status_change_note("MS") is None


def test_types(units):
    types = dict(zip(units.frame().unit_code, units.frame().type))
    assert types["SL"] == "tỉnh" and types["TPSL"] == "thành phố"
    assert sum(t == "huyện" for t in types.values()) == 10


@pytest.mark.parametrize(
    "text, code",
    [
        ("Mai Sơn", "MS"),
        ("mai son", "MS"),
        ("MAI SƠN", "MS"),
        ("  Mai   Sơn ", "MS"),
        ("huyện Mai Sơn", "MS"),
        ("Huyen Mai Son", "MS"),
        ("H. Mai Sơn", "MS"),
        ("Mai Son District", "MS"),
        ("MS", "MS"),
        ("ms", "MS"),
        (unicodedata.normalize("NFD", "Mộc Châu"), "MC"),
        ("thị xã Mộc Châu", "MC"),
        ("huyện Mộc Châu", "MC"),  # its name before the upgrade
        ("TX. Moc Chau", "MC"),
        ("Sốp Cộp", "SC"),
        ("Sop Cop", "SC"),
        ("Quỳnh Nhai", "QN"),
        ("Quynh Nhai", "QN"),
        ("Mường La", "ML"),
        ("Muong La", "ML"),
        ("Vân Hồ", "VH"),
        ("Thành phố Sơn La", "TPSL"),
        ("TP Sơn La", "TPSL"),
        ("tp. son la", "TPSL"),
        ("Son La City", "TPSL"),
        ("TPSL", "TPSL"),
        ("Tỉnh Sơn La", "SL"),
        ("Sơn La", "SL"),
        ("SON LA", "SL"),
        ("Son La Province", "SL"),
        ("Hà Nội", None),
        ("tỉnh Mai Sơn", None),  # Mai Sơn is not a province
        ("", None),
        (None, None),
        ("Mai", None),
    ],
)
def test_match(units, text, code):
    assert units.match(text) == code


def test_decomposed_and_composed_forms_match_the_same(units):
    for u in units.codes():
        name = units.name(u, "vi")
        assert units.match(unicodedata.normalize("NFD", name)) == u
        assert units.match(units[u].name_ascii.upper()) == u


def test_ascii_names_by_hand(units):
    expected = {
        "QN": "Quynh Nhai",
        "TC": "Thuan Chau",
        "ML": "Muong La",
        "BY": "Bac Yen",
        "PY": "Phu Yen",
        "MC": "Moc Chau",
        "YC": "Yen Chau",
        "MS": "Mai Son",
        "SM": "Song Ma",
        "SC": "Sop Cop",
        "VH": "Van Ho",
        "TPSL": "Thanh pho Son La",
    }
    for code, ascii_name in expected.items():
        assert units[code].name_ascii == ascii_name


def test_normalise():
    assert normalise("  Đồng  ĐĂNG ") == "dong dang"
    assert normalise("H.Mai-Sơn") == "h mai son"


def test_names(units):
    assert units.name("MS") == "Mai Sơn"
    assert units.name("MS", "en") == "Mai Son"
    assert units.name("MS", full=True) == "huyện Mai Sơn"
    assert units.name("SL", "vi") == "Tỉnh Sơn La"
    assert units.name("TPSL", "en", full=True) == "Son La City"
    with pytest.raises(KeyError, match="XX"):
        units.name("XX")
    with pytest.raises(ValueError):
        units.name("MS", "fr")


def test_series_end_note(units):
    vi = units.series_end_note("MS", "vi")
    assert vi.startswith("Chuỗi số liệu của huyện Mai Sơn kết thúc ngày 30/06/2025")
    assert "01/07/2025" in vi and "hai cấp" in vi
    en = units.series_end_note("YC", "en")
    assert en.startswith("The series for Yen Chau District ends on 2025-06-30")
    assert units.series_end_note("SL") is None


def _copy_units(tmp_path):
    p = tmp_path / "units.csv"
    shutil.copy(paths.reference_dir() / "units.csv", p)
    return p


def test_broken_units_duplicate_code(tmp_path):
    p = _copy_units(tmp_path)
    lines = p.read_text(encoding="utf-8").splitlines()
    lines.append(lines[-1])
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UnitsError, match=r"row 15, column 'unit_code': duplicate code 'VH'"):
        load_units(p)


def test_broken_units_bad_date(tmp_path):
    p = _copy_units(tmp_path)
    p.write_text(p.read_text(encoding="utf-8").replace("2025-06-30", "30/06/2025", 1), encoding="utf-8")
    with pytest.raises(UnitsError, match=r"units.csv: row 3, column 'valid_to': '30/06/2025' is not an ISO date"):
        load_units(p)


def test_broken_units_missing_column(tmp_path):
    p = tmp_path / "units.csv"
    p.write_text("unit_code,level\nSL,province\n", encoding="utf-8")
    with pytest.raises(UnitsError, match="missing column"):
        load_units(p)


def test_broken_units_bad_level(tmp_path):
    p = _copy_units(tmp_path)
    p.write_text(p.read_text(encoding="utf-8").replace("QN,district", "QN,village"), encoding="utf-8")
    with pytest.raises(UnitsError, match=r"row 4, column 'level': 'village'"):
        load_units(p)


def test_broken_units_not_utf8_is_named(tmp_path):
    p = _copy_units(tmp_path)
    p.write_bytes(p.read_text(encoding="utf-8").encode("cp1258", errors="replace"))
    with pytest.raises(UnitsError, match=r"units.csv: not UTF-8 text"):
        load_units(p)


def test_units_saved_with_a_bom_still_load(tmp_path):
    p = _copy_units(tmp_path)
    p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())
    assert load_units(p).name("MS", "vi") == load_units().name("MS", "vi") == "Mai Sơn"


def test_default_units_read_once_and_reread_on_change(tmp_path, monkeypatch):
    """``load_units()`` is one cached loader (issue 11): the same object while the reference
    files are unchanged, a fresh read after one of them changes — so an analyst who edits
    units.csv in a running kernel sees the edit, and a report does not re-parse 275 units on
    every name lookup."""
    ref = tmp_path / "data" / "reference"
    shutil.copytree(paths.reference_dir(), ref)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    monkeypatch.setenv("ME_PROJECT_ROOT", str(tmp_path))
    first = load_units()
    assert load_units() is first
    assert first.name("SC", "vi") == "Sốp Cộp"
    p = ref / "units.csv"
    text = p.read_text(encoding="utf-8")
    assert ",Sốp Cộp," in text
    p.write_text(text.replace(",Sốp Cộp,", ",Sốp Cộp Mới,", 1), encoding="utf-8")
    second = load_units()
    assert second is not first
    assert second.name("SC", "vi") == "Sốp Cộp Mới"
    # An explicit path is read every call (a file under test, not the shared reference).
    assert load_units(p) is not load_units(p)
