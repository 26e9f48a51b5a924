"""The 2025 commune reform as data: coverage of the crosswalk, reused codes, the
cross-district merge. Expected numbers are typed from shared/reference/son-la-units-2025.md
(§1, §4, §5), not computed from the data files."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from me_utils.core import paths
from me_utils.reference.units import (
    COMMUNES_FILE,
    CROSSWALK_FILE,
    DISTRICT_CROSSWALK_FILE,
    FORMER_FILE,
    UNITS_FILE,
    UnitsError,
    load_units,
)

# §4: former district → (total, xã, phường, thị trấn), number of new units receiving them
SECTION4 = {
    "TPSL": (12, 5, 7, 0, 4),
    "MC": (15, 7, 8, 0, 8),
    "QN": (11, 10, 0, 1, 4),
    "ML": (16, 15, 0, 1, 5),
    "TC": (28, 27, 0, 1, 10),
    "BY": (16, 15, 0, 1, 6),
    "PY": (25, 24, 0, 1, 8),
    "MS": (22, 21, 0, 1, 8),
    "YC": (14, 13, 0, 1, 5),
    "SM": (19, 18, 0, 1, 9),
    "SC": (8, 8, 0, 0, 4),
    "VH": (14, 14, 0, 0, 5),
}

# §3/§5: new code = old code of a former unit with another name (GSO spelling): 18 rows.
REUSED = {
    "03703": ("Quỳnh Nhai", "Mường Giàng"),
    "03688": ("Mường Chiên", "Chiềng Khay"),
    "03712": ("Mường Sại", "Nặm Ét"),
    "03754": ("Chiềng La", "Nong Lay"),
    "03784": ("Nậm Lầu", "Púng Tra"),
    "03724": ("Bình Thuận", "Phổng Lái"),
    "03808": ("Mường La", "Ít Ong"),
    "03880": ("Tạ Khoa", "Mường Khoa"),
    "03862": ("Xím Vàng", "Hang Chú"),
    "03892": ("Chiềng Sại", "Phiêng Côn"),
    "03910": ("Phù Yên", "Quang Huy"),
    "03943": ("Mường Bang", "Mường Do"),
    "04105": ("Mai Sơn", "Hát Lót"),
    "04136": ("Tà Hộc", "Nà Bó"),
    "03646": ("Tô Hiệu", "Chiềng Lề"),
    "03664": ("Chiềng An", "Chiềng Xôm"),
    "03980": ("Mộc Châu", "Mộc Lỵ"),
    # the same unit, but the GSO list spells it "Mương Chanh": counted among the 18 by the reference
    "04117": ("Mường Chanh", "Mường Chanh"),
}


@pytest.fixture(scope="module")
def units():
    return load_units()


def test_counts_of_the_reform(units):
    new = [units[c] for c in units.communes()]
    assert len(new) == 75
    assert sum(u.type == "xã" for u in new) == 67 and sum(u.type == "phường" for u in new) == 8
    assert [u.name_vi for u in new if u.unchanged] == [
        "Mường Lạn",
        "Phiêng Khoài",
        "Suối Tọ",
        "Ngọc Chiến",
        "Tân Yên",
        "Mường Bám",
        "Mường Lèo",
    ]
    former = [u for u in units.all_units() if u.level == "commune" and not u.reporting]
    assert len(former) == 200
    assert [sum(u.type == t for u in former) for t in ("xã", "phường", "thị trấn")] == [177, 15, 8]
    assert all(u.valid_from == dt.date(2025, 7, 1) and u.valid_to is None for u in new)
    assert all(u.valid_to == dt.date(2025, 6, 30) for u in former)


def test_every_former_unit_maps_exactly_once(units):
    cw = units.crosswalk()
    assert len(cw) == 200 and cw["old_unit_id"].is_unique
    assert set(cw["new_code"]) == set(units.communes())
    for d, (total, xa, phuong, tt, n_new) in SECTION4.items():
        rows = cw[cw["former_district"] == d]
        assert len(rows) == total, d
        types = [units.by_id(i).type for i in rows["old_unit_id"]]
        assert (types.count("xã"), types.count("phường"), types.count("thị trấn")) == (xa, phuong, tt), d
        assert len(units.successors(d)) == n_new, d
    assert sum(v[4] for v in SECTION4.values()) == 76  # Chiềng Sơn counted under two districts


def test_district_crosswalk_agrees(units):
    dcw = units.district_crosswalk()
    assert len(dcw) == 76
    assert dcw.groupby("former_district").size().to_dict() == {d: v[4] for d, v in SECTION4.items()}
    assert set(dcw.loc[dcw["cross_district"], "former_district"]) == {"MC", "VH"}
    assert set(dcw.loc[dcw["cross_district"], "new_code"]) == {"03985"}


def test_cross_district_merge(units):
    cs = units["03985"]
    assert cs.name_vi == "Chiềng Sơn" and cs.art1_item == 3
    assert set(cs.former_districts) == {"MC", "VH"}
    olds = {(o.name_vi, o.unit_code, o.parent) for o in units.predecessors("03985")}
    assert olds == {("Chiềng Xuân", "04056", "VH"), ("Chiềng Sơn", "03985", "MC")}
    cw = units.crosswalk()
    assert sorted(cw.loc[cw["cross_district"], "old_code"]) == ["03985", "04056"]
    assert "03985" in units.successors("MC") and "03985" in units.successors("VH")
    assert units.communes(former_district="VH") == ["03985", "04048", "04006", "04018", "04057"]


def test_the_18_reused_codes_never_join_the_wrong_units(units):
    cw = units.crosswalk()
    assert set(cw.loc[cw["code_reused"], "new_code"]) == set(REUSED)
    before, after = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
    for code, (new_name, old_name) in REUSED.items():
        old, new = units.get(code, before), units.get(code, after)
        assert new.name_vi == new_name and new.unit_id == "N" + code
        assert old.name_vi == old_name and old.unit_id == "F" + code
        assert old.unit_id != new.unit_id
        # the crosswalk sends the former unit to the new unit of the same code, nowhere else
        assert units.successors("F" + code) == [code]
    # a naive join on the code alone would give xã Quỳnh Nhai for 2024 data of TT Mường Giàng
    obs = pd.DataFrame(
        {
            "unit_code": ["03703", "03703", "03980", "03980"],
            "date": ["2024-12-31", "2026-06-30", "2025-06-30", "2025-07-01"],
        }
    )
    got = [units.get(c, d).full_name_vi for c, d in zip(obs["unit_code"], obs["date"])]
    assert got == ["thị trấn Mường Giàng", "xã Quỳnh Nhai", "phường Mộc Lỵ", "phường Mộc Châu"]
    assert units.resolve_ids(obs["unit_code"], obs["date"]) == ["F03703", "N03703", "F03980", "N03980"]


def test_two_chieng_chung_and_hac_hac(units):
    cw = units.crosswalk().set_index("old_unit_id")
    assert cw.loc["F04015", "new_name_vi"] == "Đoàn Kết" and cw.loc["F04015", "former_district"] == "MC"
    assert cw.loc["F04129", "new_name_vi"] == "Mường Chanh" and cw.loc["F04129", "former_district"] == "MS"
    assert cw.loc["F04012", "new_name_vi"] == "Mộc Châu"  # xã Chiềng Hắc (MC) → phường Mộc Châu
    assert cw.loc["F04078", "new_name_vi"] == "Chiềng Hặc"  # xã Chiềng Hặc (YC)
    assert cw.loc["F04111", "new_name_vi"] == "Chiềng Mung"  # Mường Bằng (MS), not Mường Bang (PY)


def test_unverified_rows_are_reported(units):
    un = units.unverified()
    # district membership seen only in the GSO-based dataset: e.g. all of Phù Yên, none of Vân Hồ
    assert "N03910" in set(un["unit_id"]) and "F03928" in set(un["unit_id"])
    assert not ({"N04048", "F04051"} & set(un["unit_id"]))
    assert un.loc[un["unit_id"] == "N03985", "what"].item().startswith("former district page-confirmed for part")


def _copy_reference(tmp_path):
    for f in (UNITS_FILE, COMMUNES_FILE, FORMER_FILE, CROSSWALK_FILE, DISTRICT_CROSSWALK_FILE):
        shutil.copy(paths.reference_dir() / f, tmp_path / f)
    return tmp_path / UNITS_FILE


def test_a_former_unit_mapped_twice_is_refused(tmp_path):
    p = _copy_reference(tmp_path)
    cw = tmp_path / CROSSWALK_FILE
    lines = cw.read_text(encoding="utf-8").splitlines()
    lines.append(lines[5])
    cw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        UnitsError, match=r"crosswalk_2025.csv: row 202, column 'old_unit_id': .* mapped twice \(also row 6\)"
    ):
        load_units(p)


def test_a_former_unit_left_out_is_refused(tmp_path):
    p = _copy_reference(tmp_path)
    cw = tmp_path / CROSSWALK_FILE
    lines = cw.read_text(encoding="utf-8").splitlines()
    dropped = lines.pop(10).split(",")[0]
    cw.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UnitsError, match=f"not mapped to any new unit: {dropped}"):
        load_units(p)


def test_a_crosswalk_row_into_the_wrong_district_is_refused(tmp_path):
    p = _copy_reference(tmp_path)
    cw = tmp_path / CROSSWALK_FILE
    # send former xã Hang Chú (Bắc Yên) to xã Mường Bang (Phù Yên)
    text = cw.read_text(encoding="utf-8").replace(
        "F03862,03862,Hang Chú,BY,N03862,03862,Xím Vàng,28,0,1",
        "F03862,03862,Hang Chú,BY,N03943,03943,Mường Bang,35,0,1",
    )
    cw.write_text(text, encoding="utf-8")
    with pytest.raises(UnitsError, match=r"column 'former_district': 'BY' is not among the former districts of N03943"):
        load_units(p)
