"""One rule set for the leadership tables: `me build` and the leadership report refuse the same
files with the same located findings (me_utils.intake.leadership_schema)."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from me_utils.analysis import leadership as L
from me_utils.build import checks
from me_utils.build import pipeline as build
from me_utils.core import errors
from me_utils.intake import leadership_schema as S


def councils_frame() -> pd.DataFrame:
    rows = [
        ("2016-2021", "province", "SL", "60", "16", "10"),
        ("2021-2026", "province", "SL", "65", "23", "15"),
        ("2016-2021", "district", "QN", "30", "9", "6"),
        ("2021-2026", "district", "QN", "35", "12", "8"),
        ("2021-2026", "commune", "SC", "260", "100", "85"),
        ("2026-2031", "commune", "SL", "2000", "900", "700"),
    ]
    df = pd.DataFrame(rows, columns=["term", "level", "unit_code", "seats", "women", "ethnic_minority_women"])
    return df.assign(data_status="illustrative")


def key_leaders_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": ["2023", "2024", "2024"],
            "unit_code": ["SL", "SL", "QN"],
            "agencies": ["20", "20", "10"],
            "agencies_with_woman_key_leader": ["9", "11", "4"],
            "data_status": "illustrative",
        }
    )


def pool_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": ["2023", "2024"],
            "unit_code": ["SL", "MS"],
            "pool_size": ["400", "0"],
            "women_in_pool": ["150", "0"],
            "women_trained": ["90", "0"],
            "data_status": "x",
        }
    )


FRAMES = {"councils": councils_frame, "key_leaders": key_leaders_frame, "planning_pool": pool_frame}


def _set(table, i, **cells):
    df = FRAMES[table]()
    for c, v in cells.items():
        df.loc[i, c] = v
    return df


# table, frame, expected (code, file row, column); the frame index i is file row i + 2.
CASES = [
    ("councils", _set("councils", 2, seats="0", women="0", ethnic_minority_women="0"), ("seats_ge_1", 4, "seats")),
    ("councils", _set("councils", 0, seats=""), ("not_empty", 2, "seats")),
    ("councils", _set("councils", 1, women="hai mươi"), ("not_a_number", 3, "women")),
    ("councils", _set("councils", 1, seats="inf"), ("not_finite", 3, "seats")),
    ("councils", _set("councils", 1, women="-2", ethnic_minority_women="0"), ("not_whole_nonneg", 3, "women")),
    ("councils", _set("councils", 3, seats="35.5"), ("not_whole_nonneg", 5, "seats")),
    ("councils", _set("councils", 3, women="36"), ("women_le_seats", 5, "women")),
    ("councils", _set("councils", 4, ethnic_minority_women="101"), ("emw_le_women", 6, "ethnic_minority_women")),
    ("councils", _set("councils", 0, term="2016-2020"), ("term_format", 2, "term")),
    ("councils", _set("councils", 0, term="2011-2016"), ("known_term", 2, "term")),
    ("councils", _set("councils", 2, level="ward"), ("known_level", 4, "level")),
    ("councils", _set("councils", 2, unit_code="XX"), ("known_unit", 4, "unit_code")),
    (
        "councils",
        _set("councils", 4, term="2026-2031", level="district"),
        ("no_district_level_after_reform", 6, "level"),
    ),
    ("councils", _set("councils", 1, unit_code="QN"), ("unit_matches_level", 3, "unit_code")),
    ("councils", _set("councils", 2, unit_code="SL"), ("unit_matches_level", 4, "unit_code")),
    ("councils", _set("councils", 5, unit_code="MS"), ("unit_matches_level", 7, "unit_code")),
    ("councils", _set("councils", 3, term="2016-2021"), ("unique_term_level_unit", 5, "unit_code")),
    ("key_leaders", _set("key_leaders", 0, year="2014"), ("year_range", 2, "year")),
    ("key_leaders", _set("key_leaders", 0, year="năm 2023"), ("not_a_number", 2, "year")),
    (
        "key_leaders",
        _set("key_leaders", 2, agencies="0", agencies_with_woman_key_leader="0"),
        ("agencies_ge_1", 4, "agencies"),
    ),
    (
        "key_leaders",
        _set("key_leaders", 2, agencies_with_woman_key_leader="11"),
        ("awkl_le_agencies", 4, "agencies_with_woman_key_leader"),
    ),
    ("key_leaders", _set("key_leaders", 2, unit_code="SL"), ("unique_year_unit", 4, "unit_code")),
    ("key_leaders", _set("key_leaders", 2, unit_code="Quỳnh Nhai"), ("known_unit", 4, "unit_code")),
    (
        "planning_pool",
        _set("planning_pool", 0, women_in_pool="401"),
        ("women_in_pool_le_pool_size", 2, "women_in_pool"),
    ),
    (
        "planning_pool",
        _set("planning_pool", 0, women_trained="151"),
        ("women_trained_le_women_in_pool", 2, "women_trained"),
    ),
    ("planning_pool", _set("planning_pool", 1, women_trained="1.0e999"), ("not_finite", 3, "women_trained")),
]


def _write(tmp_path, table, df):
    p = tmp_path / f"{table}.csv"
    df.to_csv(p, index=False)
    return p


@pytest.mark.parametrize("table,df,expected", CASES, ids=[f"{t}-{e[0]}-r{e[1]}" for t, _, e in CASES])
def test_each_rule_refuses_its_example_in_build_and_report_alike(tmp_path, table, df, expected):
    p = _write(tmp_path, table, df)
    _, found = S.check_file(table, p)
    assert [(f.code, f.row, f.column) for f in found] == [expected]
    f = found[0]
    assert f.severity == "error" and f.reason_vi and f.reason_en and f.reason_vi != f.reason_en
    # The report's reader raises with the same finding…
    with pytest.raises(L.LeadershipDataError) as e:
        L.read_table(table, p)
    assert e.value.findings == (f,)
    assert isinstance(e.value, errors.InputError) and isinstance(e.value, ValueError)
    assert f.format("en") in str(e.value) and f.format("vi") in str(e.value)
    # …and the build's check gives the same code, place and reasons.
    msgs = checks.check_leadership(f"leadership/{table}.csv", p, table)
    assert [(m.code, m.file, m.row, m.column, m.reason_vi, m.reason_en) for m in msgs] == [
        (f.code, f"leadership/{table}.csv", f.row, f.column, f.reason_vi, f.reason_en)
    ]


@pytest.mark.parametrize("table", list(FRAMES))
def test_valid_tables_pass_and_are_typed(tmp_path, table):
    df = FRAMES[table]()
    p = _write(tmp_path, table, df)
    assert S.check_file(table, p)[1] == []
    out = L.read_table(table, p)
    assert list(out.columns) == S.COLUMNS[table]
    for c in S.COUNTS[table]:
        assert out[c].dtype == "float64"
        np.testing.assert_array_equal(out[c].to_numpy(), df[c].astype(float).to_numpy())


def test_lenient_spellings_are_read_as_the_report_always_read_them(tmp_path):
    df = councils_frame().drop(columns="data_status")  # data_status is optional
    df.loc[0, "term"] = " 2016 – 2021 "
    df.loc[5, ["seats", "women", "ethnic_minority_women"]] = ["2,000", "900.0", ""]  # emw may be unknown
    out = L.read_councils(_write(tmp_path, "councils", df))
    assert out.loc[0, "term"] == "2016-2021"
    assert (out.loc[5, "seats"], out.loc[5, "women"]) == (2000.0, 900.0)
    assert np.isnan(out.loc[5, "ethnic_minority_women"]) and set(out["data_status"]) == {""}


def test_all_problems_of_a_file_are_reported_at_once_in_row_order(tmp_path):
    df = councils_frame()
    df.loc[4, "level"] = "ward"
    df.loc[1, ["seats", "women", "ethnic_minority_women"]] = ["0", "0", "0"]
    _, found = S.check_file("councils", _write(tmp_path, "councils", df))
    assert [(f.code, f.row) for f in found] == [("seats_ge_1", 3), ("known_level", 6)]


def test_a_missing_column_is_a_header_finding(tmp_path):
    p = _write(tmp_path, "key_leaders", key_leaders_frame().drop(columns="agencies"))
    _, found = S.check_file("key_leaders", p)
    assert [(f.code, f.row, f.column) for f in found] == [("missing_column", 1, "agencies")]
    assert "thiếu cột agencies" in found[0].reason_vi


def test_unit_list_comes_from_units_reference():
    from me_utils.reference import units

    u = units.load_units()
    assert S.reference_units() == ("SL", tuple(u.districts()))
    assert L.DISTRICTS == tuple(u.districts()) == L.districts()
    assert len(L.DISTRICTS) == 12


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    from me_utils.demo import generate as demo

    root = tmp_path_factory.mktemp("demo")
    assert demo.cli(["--out", str(root), "--seed", "20250506"]) == 0
    return root


def test_demo_leadership_tables_pass(demo_root):
    for table in S.SCHEMAS:
        assert S.check_file(table, demo_root / "raw" / "leadership" / f"{table}.csv")[1] == []


def test_seats_zero_is_refused_by_me_build_and_by_the_report_with_the_same_finding(demo_root, tmp_path):
    root = tmp_path / "root"
    shutil.copytree(demo_root / "raw", root / "raw")
    p = root / "raw" / "leadership" / "councils.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    i = int(df.index[(df["level"] == "district") & (df["unit_code"] == "MC")][0])
    df.loc[i, ["seats", "women", "ethnic_minority_women"]] = ["0", "0", "0"]
    df.to_csv(p, index=False)
    row = i + 2  # the header is line 1

    with pytest.raises(build.BuildError) as be:
        build.run_build(root)
    built = [m for m in be.value.messages if m.severity == "error"]
    text = built[0].format()  # what `me build` prints
    assert f'leadership/councils.csv, dòng/row {row}, cột/column "seats"' in text
    assert "seats must be at least 1" in text and "số ghế phải ít nhất là 1" in text
    assert not (root / "processed" / "observations.csv").exists()
    assert [(m.file, m.row, m.column, m.code) for m in built] == [
        ("leadership/councils.csv", row, "seats", "seats_ge_1")
    ]
    with pytest.raises(L.LeadershipDataError) as le:
        L.load_leadership(root)
    (f,) = le.value.findings
    assert (f.row, f.column, f.code, f.reason_vi, f.reason_en) == (
        row,
        "seats",
        "seats_ge_1",
        built[0].reason_vi,
        built[0].reason_en,
    )
    assert f.file == str(p)
