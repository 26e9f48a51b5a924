"""Unit lookup across the 2025 reform: codes, names with/without diacritics, dates."""

from __future__ import annotations

import datetime as dt

import pytest

from me_utils.reference.units import (
    AmbiguousUnitError,
    find_unit,
    load_units,
    units_for_period,
    units_valid_on,
)


@pytest.fixture(scope="module")
def units():
    return load_units()


@pytest.mark.parametrize("text", ["sc", "SC", "Sốp Cộp", "sop cop", "SỐP CỘP", "huyện Sốp Cộp", "Sop Cop District"])
def test_find_unit_sop_cop_before_the_reform(text):
    u = find_unit(text)
    assert (u.unit_id, u.level) == ("SC", "district")


@pytest.mark.parametrize(
    "text, on, uid",
    [
        ("Sốp Cộp", "2026-03-01", "N04231"),
        ("sop cop", dt.date(2025, 7, 1), "N04231"),
        ("xã Sốp Cộp", None, "N04231"),
        ("Mai Sơn", None, "MS"),
        ("Mai Sơn", "2026-01-01", "N04105"),
        ("Mộc Châu", "2026-01-01", "N03980"),
        ("phường Mộc Châu", None, "N03980"),
        ("thị xã Mộc Châu", None, "MC"),
        ("Chiềng Sơn", None, "N03985"),
        ("Chiềng Sơn", "2025-03-01", "F03985"),
        ("Chiềng Xuân", None, "F04056"),
        ("Noong Lay", None, "F03754"),  # GSO spelling of xã Nong Lay
        ("Nà Pó", None, "F04136"),  # GSO spelling of xã Nà Bó
        ("Liên Hoà", None, "F04009"),  # old tone-mark placement
        ("Liên Hòa", None, "F04009"),
        ("Chiềng Chung (Mai Sơn)", None, "F04129"),
        ("Chiềng Chung, thị xã Mộc Châu", None, "F04015"),
        ("Chiềng Hắc", None, "F04012"),  # with diacritics: not Chiềng Hặc
        ("Chiềng Hặc", None, "N04078"),
        ("chieng hac", "2026-01-01", "N04078"),
        ("03703", "2025-06-30", "F03703"),
        ("03703", "2025-07-01", "N03703"),
        ("03703", None, "N03703"),
        ("4000", "2026-01-01", "N04000"),  # typed into a number cell
        ("Phu Yen Commune", None, "N03910"),
        ("TP Sơn La", None, "TPSL"),
        ("Sơn La", "2026-01-01", "SL"),
    ],
)
def test_find_unit(text, on, uid):
    assert find_unit(text, on=on).unit_id == uid


def test_ambiguous_and_unknown(units):
    with pytest.raises(AmbiguousUnitError) as e:
        find_unit("Chiềng Chung")
    assert {u.unit_id for u in e.value.candidates} == {"F04015", "F04129"}
    assert "khớp với nhiều đơn vị" in str(e.value) and "matches several units" in str(e.value)
    with pytest.raises(AmbiguousUnitError):
        find_unit("chieng hac", on="2025-01-01")
    assert find_unit("Hà Nội") is None
    assert find_unit("MC", on="2026-01-01") is None  # the district no longer exists
    assert units.match("Chiềng Chung") is None  # former communes are not reporting units
    assert units.match("Mai Sơn", on="2026-01-01") == "04105"
    assert units.match("Mai Sơn") == "MS"


def test_valid_on_and_for_period(units):
    on26 = units_valid_on("2026-01-01")
    assert len(on26) == 76 and on26[0].unit_code == "SL"
    assert {u.level for u in on26[1:]} == {"commune"}
    on24 = units_valid_on(dt.date(2024, 1, 1))
    assert len(on24) == 1 + 12 + 200
    assert len(units_valid_on("2024-01-01", reporting_only=True)) == 13
    p26 = units_for_period(2026, "FY")
    assert [u.unit_code for u in p26][:3] == ["SL", "04000", "04045"] and len(p26) == 76
    assert len(units_for_period(2026, "H1")) == 76
    assert len(units_for_period(2025, "H1")) == 13
    assert len(units_for_period(2025, "FY")) == 88  # both geographies touch 2025
    assert [u.unit_code for u in units_for_period(2025, "FY", rule="whole")] == ["SL"]
    assert len(units_for_period(2025, "FY", rule="start")) == 13


def test_frame_and_names(units):
    fr = units.frame()
    assert len(fr) == 88 and fr["unit_code"].is_unique
    assert fr.set_index("unit_code").loc["04231", "geography"] == "commune"
    assert len(units.frame(include_former=True)) == 288
    assert units.frame(include_former=True)["unit_id"].is_unique
    assert units.name("04105", full=True) == units.name("04105") == "xã Mai Sơn"
    assert units.name("04105", "en") == "Mai Son Commune" and units.name("MS") == "Mai Sơn"
    assert units.name("03646", "en", full=True) == "To Hieu Ward"
    assert units["N03646"].name_ascii == "To Hieu"
    assert units.codes() == ["SL", "TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"]
    assert len(units.codes(levels=None)) == 88


def test_period_rule_messages(units):
    sev, rule, vi, en = units.period_problem("MC", 2026, "FY")
    assert (sev, rule) == ("error", "unit_dissolved")
    assert vi.startswith("đơn vị MC (thị xã Mộc Châu) đã giải thể từ 01/07/2025")
    assert "dùng mã xã/phường mới: 04000 (xã Đoàn Kết), 04045 (xã Lóng Sập), 03985 (xã Chiềng Sơn)" in vi
    assert vi.count("(phường ") == 4 and "03997 (xã Tân Yên)" in vi
    assert "was dissolved on 2025-07-01" in en
    sev, rule, vi, en = units.period_problem("04231", 2025, "H1")
    assert (sev, rule) == ("error", "unit_not_yet_valid")
    assert "báo cáo theo huyện cũ: SC (huyện Sốp Cộp)" in vi
    assert "hai huyện" in units.period_problem("03985", 2024, "FY")[2]
    assert units.period_problem("MC", 2025, "FY")[0] == "warning"
    assert units.period_problem("04231", 2025, "FY")[0] == "warning"
    assert units.period_problem("MC", 2025, "H1") is None
    assert units.period_problem("04231", 2026, "H1") is None
    assert units.period_problem("SL", 2030, "FY") is None


def test_series_notes(units):
    assert units.series_end_note("04231") is None
    s = units.series_start_note("04231", "vi")
    assert s.startswith("Chuỗi số liệu của xã Sốp Cộp bắt đầu từ ngày 01/07/2025")
    assert "xã Mường Và; xã Nậm Lạnh; xã Sốp Cộp" in s
    assert "two former districts" in units.series_start_note("03985", "en")
