"""Tests of the indicator catalogue (data/reference/indicators.yaml) and its loader.

Expected values are copied by hand from the reference notes
(/work/shared/reference/indicators-and-targets.md, indicators-m4-m6.md) and from plan
123/KH-UBND section IV, not computed from the catalogue.
"""

from __future__ import annotations

import copy
import unicodedata

import pytest
import yaml

from me_utils.reference import catalogue as cat_mod
from me_utils.reference.catalogue import CatalogueError, cli, load_catalogue


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


# ----------------------------------------------------------------------------- content

CONTRACT_CODES = (
    [
        "M1.C1",
        "M2.C1",
        "M2.C2",
        "M2.C3",
        "M3.C1",
        "M3.C2a",
        "M3.C2b",
        "M3.C3",
        "M3.C4",
        "M4.C1",
        "M4.C2",
        "M4.C3",
        "M4.C4",
        "M5.C1",
        "M5.C2a",
        "M5.C2b",
        "M5.C3",
        "M5.C4",
        "M6.C1",
        "M6.C2",
        "G.1",
        "G.2",
        "L.1",
        "L.2",
        "L.3",
        "L.4",
    ]
    + [f"TT.{i}" for i in range(1, 6)]
    + [f"DV.{i}" for i in range(1, 6)]
)


def test_every_contract_code_is_present_once(cat):
    assert cat.codes() == CONTRACT_CODES


@pytest.mark.parametrize(
    "code, t2025, t2030",
    [
        ("M1.C1", 60, 75),
        ("M2.C1", 50, 60),
        ("M2.C2", 30, 25),
        ("M2.C3", 27, 30),
        ("M3.C1", 1.7, 1.4),
        ("M3.C2a", 80, 90),
        ("M3.C2b", 50, 70),
        ("M3.C3", 100, 100),
        ("M3.C4", 70, 100),
        ("M4.C1", 111, 109),
        ("M4.C2", 42, 42),
        ("M4.C3", 40, 70),
        ("M5.C1", 90, 99),
        ("M5.C2a", 50, 50),
        ("M5.C2b", 30, 35),
        ("M6.C1", 60, 80),
        ("G.1", 50, None),
        ("G.2", 100, None),
        ("L.1", 60, 75),
        ("L.2", 40, 50),
        ("L.3", 75, 90),
        ("TT.1", 2, 2),
        ("TT.3", None, 10),
        ("TT.4", 70, 90),
        ("TT.5", 95, 100),
        ("DV.1", 40, None),
        ("DV.2", 50, None),
        ("DV.3", 70, None),
        ("DV.4", 95, None),
        ("DV.5", 80, None),
    ],
)
def test_targets_match_reference(cat, code, t2025, t2030):
    ind = cat[code]
    assert ind.target_2025 == t2025
    assert ind.target_2030 == t2030
    # No overrides in the shipped file: the applied targets are the national ones.
    assert ind.target(2025) == t2025 and ind.target(2030) == t2030
    assert ind.target_basis == f"national: {ind.framework}"


def test_sex_ratio_is_a_cap(cat):
    srb = cat["M4.C1"]
    assert srb.direction == "cap"
    assert srb.comparator(2025) == "<=" and srb.comparator(2030) == "<="
    assert srb.meets_target(110.5, 2025) is True
    assert srb.meets_target(111, 2025) is True
    assert srb.meets_target(112.3, 2025) is False
    assert srb.meets_target(110, 2030) is False  # 2030 cap is 109
    assert srb.target_text(2025, "vi") == "≤ 111"


def test_comparators_and_qualifiers_keep_the_wording(cat):
    m5 = cat["M5.C1"]  # "trên 90%" in 2025, "khoảng 99%" in 2030
    assert m5.comparator(2025) == ">" and m5.comparator(2030) == "~"
    assert m5.meets_target(90.0, 2025) is False and m5.meets_target(90.1, 2025) is True
    assert m5.target_text(2025, "vi") == "> 90%"
    assert m5.target_text(2030, "vi") == "khoảng 99%"
    assert m5.target_text(2030, "en") == "about 99%"
    m2 = cat["M2.C2"]  # "dưới 30%", "dưới 25%"
    assert m2.direction == "decrease" and m2.comparator(2025) == "<"
    assert m2.meets_target(30.0, 2025) is False and m2.meets_target(29.9, 2025) is True
    assert cat["M3.C1"].target_text(2025, "vi") == "≤ 1,7"
    assert cat["M3.C1"].target_text(2025, "en") == "≤ 1.7"
    assert cat["M4.C2"].comparator(2030) == "<"  # "dưới 42/100.000"
    assert cat["M4.C2"].scale == 100000 and cat["M4.C2"].kind == "rate"
    assert cat["M5.C3"].kind == "binary" and cat["M5.C3"].meets_target(1, 2025) is True
    assert cat["M5.C3"].meets_target(0, 2025) is False


def test_target_year_must_be_2025_or_2030(cat):
    with pytest.raises(ValueError, match="2027"):
        cat["M1.C1"].target(2027)


# Plan 123/KH-UBND (06/05/2025), section IV, read by hand:
# 1. Sở Nội vụ: "chỉ tiêu của Mục tiêu 1; Chỉ tiêu 1, 2 của Mục tiêu 2; Chỉ tiêu 2 (số liệu về
#    bạo lực trên cơ sở giới), 4 của Mục tiêu 3; Chỉ tiêu 4 của Mục tiêu 5; Chỉ tiêu 1, 2 của
#    Mục tiêu 6"
# 2. Sở Tài chính: "Chỉ tiêu 3 của Mục tiêu 2"
# 3. Chi cục Thống kê tỉnh: "Chỉ tiêu 1 của Mục tiêu 3"
# 4. Sở GD&ĐT: "Chỉ tiêu 1, 2, 3 của Mục tiêu 5; phối hợp thực hiện Chỉ tiêu 4 của Mục tiêu 5"
# 5. Sở Y tế: "các chỉ tiêu tại Mục tiêu 4"
# 7. Sở VHTTDL: "Chỉ tiêu 2 của Mục tiêu 3" (domestic-violence figures)
# 10. Công an tỉnh: "Chỉ tiêu 3 của Mục tiêu 3"; 11. Biên phòng: anti-trafficking, border areas
PLAN_123 = {
    "M1.C1": ("SNV", ()),
    "M2.C1": ("SNV", ()),
    "M2.C2": ("SNV", ()),
    "M2.C3": ("STC", ()),
    "M3.C1": ("TK", ()),
    "M3.C2a": ("SNV", ("SVHTTDL",)),
    "M3.C2b": ("SNV", ("SVHTTDL",)),
    "M3.C3": ("CA", ()),  # IV.11 gives the Border Guard no indicator (data/reference/plan)
    "M3.C4": ("SNV", ()),
    "M4.C1": ("SYT", ()),
    "M4.C2": ("SYT", ()),
    "M4.C3": ("SYT", ()),
    "M4.C4": ("SYT", ()),
    "M5.C1": ("SGDDT", ()),
    "M5.C2a": ("SGDDT", ()),
    "M5.C2b": ("SGDDT", ()),
    "M5.C3": ("SGDDT", ()),
    "M5.C4": ("SNV", ("SGDDT",)),
    "M6.C1": ("SNV", ()),
    "M6.C2": ("SNV", ()),
}


@pytest.mark.parametrize("code", sorted(PLAN_123))
def test_department_per_plan_123(cat, code):
    dept, co = PLAN_123[code]
    ind = cat[code]
    assert ind.department == dept
    assert ind.co_departments == co
    assert ind.department_basis == "plan_123"


def test_programme_departments_are_marked_suggested(cat):
    prog = [i for i in cat if i.framework != "28/NQ-CP"]
    assert len(prog) == 16
    assert all(i.department_basis == "suggested" for i in prog)
    assert cat["DV.4"].department == "SVHTTDL"  # Sở VHTTDL collects DV figures (plan 123 §IV.7)
    assert cat["G.2"].department == "SNV"


def test_frameworks_and_objectives(cat):
    fw = {i.code: i.framework for i in cat}
    assert fw["M3.C3"] == "28/NQ-CP" and fw["G.1"] == "2232/QĐ-TTg" and fw["L.4"] == "2282/QĐ-TTg"
    assert fw["TT.5"] == "1790/QĐ-TTg" and fw["DV.1"] == "45/QĐ-TTg"
    assert cat["M3.C2b"].objective == "M3"
    assert cat.objective_order() == ["M1", "M2", "M3", "M4", "M5", "M6", "G", "L", "TT", "DV"]
    assert cat.objective_name("M4", "vi") == "Mục tiêu 4: Lĩnh vực y tế"


def test_verification_flags(cat):
    # Only VERIFIED and VERIFIED-VI (guidance) count as verified.
    for code in ("M1.C1", "M2.C3", "M3.C4", "M6.C1", "G.1", "TT.5", "DV.4"):
        assert cat[code].verified is True, code
    for code, tag in [
        ("M4.C1", "VERIFIED-VI (news)"),
        ("M4.C2", "VERIFIED-EN"),
        ("M4.C3", "VERIFIED-VI (news)"),
        ("M4.C4", "UNVERIFIED"),
        ("M5.C1", "VERIFIED-VI (news)"),
        ("M5.C4", "UNVERIFIED"),
        ("M6.C2", "UNVERIFIED"),
        ("L.2", "VERIFIED-EN"),
    ]:
        assert cat[code].verified is False and cat[code].verification == tag, code
        assert cat[code].flag("vi").startswith("⚠ chưa kiểm chứng")
        assert cat[code].flag("en").startswith("⚠ unverified")
        # the internal tag never reaches visible text (issue 17)
        assert tag not in cat[code].flag("vi") and tag not in cat[code].flag("en")
    assert cat["M1.C1"].flag("vi") == ""
    # UNVERIFIED rows stay in but carry no target.
    for code in ("M4.C4", "M5.C4", "M6.C2"):
        assert cat[code].target_2025 is None and cat[code].target_2030 is None
    # The numbering of Objectives 4–6 is not verified; Objective 1–3 numbering is.
    assert all(not cat[c].numbering_verified for c in CONTRACT_CODES if c[:2] in ("M4", "M5") or c == "M6.C2")
    assert cat["M3.C2a"].numbering_verified


def test_baselines_are_national(cat):
    b = cat["M2.C2"].baseline
    assert (b.value, b.year, b.scope) == (26.22, 2023, "national")
    assert cat["M2.C3"].baseline.year == 2020 and cat["M2.C3"].baseline.value == 28.2
    assert cat["M1.C1"].baseline.value == 74.6
    assert all(i.baseline is None or i.baseline.scope == "national" for i in cat)


def test_names_have_vietnamese_diacritics_in_nfc(cat):
    assert "lãnh đạo chủ chốt là nữ" in cat["M1.C1"].name_vi
    assert cat["M4.C1"].name_vi == "Tỷ số giới tính khi sinh"
    for ind in cat:
        assert unicodedata.normalize("NFC", ind.name_vi) == ind.name_vi
        assert ind.name_en and ind.name_en != ind.name_vi
        assert ind.source, ind.code


def test_frame_has_one_row_per_indicator_and_contract_columns(cat):
    df = cat.frame()
    assert len(df) == len(CONTRACT_CODES) and df["code"].is_unique
    for col in (
        "code",
        "name_vi",
        "name_en",
        "framework",
        "objective",
        "unit",
        "kind",
        "scale",
        "direction",
        "baseline_value",
        "target_2025",
        "target_2030",
        "applied_target_2025",
        "applied_target_2030",
        "target_basis",
        "department",
        "co_departments",
        "periodicity",
        "source",
        "verified",
        "verification",
    ):
        assert col in df.columns, col
    row = df.set_index("code").loc["M3.C3"]
    assert row["co_departments"] == "" and row["target_2030"] == 100.0
    assert df.set_index("code").loc["M6.C1", "periodicity"] == "survey"


# ----------------------------------------------------------------------------- broken files


def _good_entry(**kw):
    e = {
        "code": "X.1",
        "name_vi": "Tỷ lệ thử",
        "name_en": "Test share",
        "framework": "28/NQ-CP",
        "objective": "M1",
        "unit": "%",
        "kind": "proportion",
        "scale": 100,
        "direction": "increase",
        "target_2025": 50,
        "target_2030": 60,
        "department": "SNV",
        "periodicity": "annual",
        "source": {"document": "Test doc", "url": ""},
        "verified": True,
        "verification": "VERIFIED",
    }
    e.update(kw)
    return e


def _write(tmp_path, entries, name="indicators.yaml", **top):
    doc = {
        "schema_version": 1,
        "objectives": {"M1": {"name_vi": "Mục tiêu 1", "name_en": "Objective 1"}},
        "indicators": entries,
    }
    doc.update(top)
    p = tmp_path / name
    p.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return p


def test_minimal_catalogue_loads(tmp_path):
    c = load_catalogue(_write(tmp_path, [_good_entry()]))
    assert c["X.1"].target(2025) == 50.0
    assert c.overrides_path is None  # a test catalogue never picks up the real overrides


@pytest.mark.parametrize(
    "mutate, field, words",
    [
        (lambda e: e.update(colour="red"), "colour", "unknown key"),
        (lambda e: e.update(direction="up"), "direction", "'up' is not one of"),
        (lambda e: e.update(kind="percentage"), "kind", "'percentage' is not one of"),
        (lambda e: e.update(target_2025=120), "target_2025", "outside the unit's range"),
        (lambda e: e.update(target_2030=-5), "target_2030", "outside the unit's range"),
        (lambda e: e.update(kind="binary", scale=1, target_2025=2), "target_2025", "0 or 1"),
        (lambda e: e.update(kind="rate", scale=100000, target_2025=-1), "target_2025", "negative"),
        (lambda e: e.update(target_2025="60%"), "target_2025", "not a number"),
        (lambda e: e.pop("department"), "department", "missing required field"),
        (lambda e: e.update(department="XYZ"), "department", "not a department code"),
        (lambda e: e.update(periodicity="monthly"), "periodicity", "'monthly' is not one of"),
        (
            lambda e: e.update(verified=True, verification="UNVERIFIED", target_2025=None, target_2030=None),
            "verified",
            "contradicts",
        ),
        (lambda e: e.update(verified=False, verification="UNVERIFIED"), "target_2025", "UNVERIFIED"),
        (lambda e: e.update(target_2025_comparator="=>"), "target_2025_comparator", "not one of"),
        (
            lambda e: e.update(baseline={"value": 101, "year": 2023, "scope": "national", "source": "x"}),
            "baseline.value",
            "outside the unit's range",
        ),
        (
            lambda e: e.update(baseline={"value": 10, "year": 2023, "source": "x"}),
            "baseline.scope",
            "missing required field",
        ),
        (lambda e: e.update(scale=1), "scale", "scale must be 100"),
        (lambda e: e.update(objective="M9"), "objective", "not declared"),
    ],
)
def test_broken_entry_is_rejected_naming_file_entry_field(tmp_path, mutate, field, words):
    e = _good_entry()
    mutate(e)
    p = _write(tmp_path, [e])
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(p)
    msg = str(ei.value)
    assert str(p) in msg
    assert "entry 'X.1'" in msg
    assert f"field '{field}'" in msg
    assert words in msg
    assert (str(p), "X.1", field) in [pr[:3] for pr in ei.value.problems]


def test_duplicate_code_is_rejected(tmp_path):
    p = _write(tmp_path, [_good_entry(), _good_entry(name_vi="Khác")])
    with pytest.raises(CatalogueError, match=r"entry 'X.1', field 'code': duplicate code \(entries #1 and #2\)"):
        load_catalogue(p)


def test_all_problems_are_reported_together(tmp_path):
    p = _write(tmp_path, [_good_entry(direction="up"), _good_entry(code="X.2", kind="pct")])
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(p)
    assert len(ei.value.problems) == 2
    assert "entry 'X.2', field 'kind'" in str(ei.value)


def test_invalid_yaml_names_the_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("indicators:\n  - code: X.1\n    name_vi: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"bad.yaml: entry 'line \d+, column \d+'.*invalid YAML"):
        load_catalogue(p)


def test_missing_file(tmp_path):
    with pytest.raises(CatalogueError, match="file not found"):
        load_catalogue(tmp_path / "nope.yaml")


def test_real_catalogue_survives_a_yaml_round_trip_and_one_broken_field(tmp_path):
    """Break one field of the real catalogue: the error names that entry only."""
    data = yaml.safe_load((cat_mod.paths.reference_dir() / "indicators.yaml").read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    m44 = next(e for e in broken["indicators"] if e["code"] == "M4.C1")
    m44["target_2025"] = -111
    p = tmp_path / "indicators.yaml"
    p.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(p)
    assert [pr[1:3] for pr in ei.value.problems] == [("M4.C1", "target_2025")]
    assert "must be positive for a ratio" in str(ei.value)


# ----------------------------------------------------------------------------- overrides


def _overrides(tmp_path, items, name="ov.yaml"):
    p = tmp_path / name
    p.write_text(
        yaml.safe_dump({"schema_version": 1, "province": "SL", "overrides": items}, allow_unicode=True),
        encoding="utf-8",
    )
    return p


def test_override_merges_and_records_basis(tmp_path):
    ov = _overrides(
        tmp_path,
        [
            {
                "code": "M1.C1",
                "target_2025": 65,
                "reason_vi": "Tỉnh đặt cao hơn",
                "reason_en": "Province sets higher",
                "source": "Kế hoạch thử nghiệm",
            }
        ],
    )
    c = load_catalogue(overrides=ov)
    ind = c["M1.C1"]
    assert ind.target_2025 == 60 and ind.applied_target_2025 == 65 and ind.target(2025) == 65
    assert ind.target(2030) == 75  # not overridden: national
    assert ind.overridden
    assert ind.target_basis.startswith("province override (2025): Province sets higher (Kế hoạch thử nghiệm)")
    assert "national (2030): 28/NQ-CP" in ind.target_basis
    assert ind.target_basis_vi.startswith("tỉnh điều chỉnh (2025): Tỉnh đặt cao hơn")
    assert ind.comparator(2025) == ">="  # inherited from the national target
    assert c["M2.C1"].target_basis == "national: 28/NQ-CP"
    df = c.frame().set_index("code")
    assert df.loc["M1.C1", "applied_target_2025"] == 65.0 and df.loc["M1.C1", "target_2025"] == 60.0


def test_override_both_years_with_comparator(tmp_path):
    ov = _overrides(
        tmp_path,
        [
            {
                "code": "M4.C1",
                "target_2025": 110,
                "target_2030": 108,
                "target_2030_comparator": "<",
                "reason_vi": "l",
                "reason_en": "r",
                "source": "s",
            }
        ],
    )
    ind = load_catalogue(overrides=ov)["M4.C1"]
    assert (ind.target(2025), ind.target(2030)) == (110, 108)
    assert ind.comparator(2030) == "<" and ind.comparator(2025) == "<="
    assert "national" not in ind.target_basis


@pytest.mark.parametrize(
    "item, entry, field, words",
    [
        ({"code": "M9.C9", "target_2025": 1}, "M9.C9", "code", "unknown indicator code"),
        ({"code": "M1.C1", "target_2025": 150}, "M1.C1", "target_2025", "outside the unit's range"),
        ({"code": "M1.C1"}, "M1.C1", "target_2025", "must give target_2025 and/or target_2030"),
        ({"code": "M1.C1", "target_2025": 65, "why": "x"}, "M1.C1", "why", "unknown key"),
    ],
)
def test_broken_override_is_rejected(tmp_path, item, entry, field, words):
    full = {"reason_vi": "l", "reason_en": "r", "source": "s", **item}
    ov = _overrides(tmp_path, [full])
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(overrides=ov)
    msg = str(ei.value)
    assert str(ov) in msg and f"entry '{entry}'" in msg and f"field '{field}'" in msg and words in msg


def test_override_without_reason_or_source_is_rejected(tmp_path):
    ov = _overrides(tmp_path, [{"code": "M1.C1", "target_2025": 65, "reason_en": "r"}])
    with pytest.raises(CatalogueError) as ei:
        load_catalogue(overrides=ov)
    fields = {pr[2] for pr in ei.value.problems}
    assert fields == {"reason_vi", "source"}


def test_duplicate_override_is_rejected(tmp_path):
    item = {"code": "M1.C1", "target_2025": 65, "reason_vi": "l", "reason_en": "r", "source": "s"}
    ov = _overrides(tmp_path, [item, dict(item)])
    with pytest.raises(CatalogueError, match="duplicate override"):
        load_catalogue(overrides=ov)


def test_shipped_overrides_file_holds_no_real_override(cat):
    raw = yaml.safe_load((cat_mod.paths.reference_dir() / "province_overrides.yaml").read_text(encoding="utf-8"))
    assert raw["overrides"] == []
    assert not any(i.overridden for i in cat)


# ----------------------------------------------------------------------------- CLI


def test_cli_check_ok(capsys):
    assert cli(["check"]) == 0
    out = capsys.readouterr().out
    assert "catalogue OK" in out and f"{len(CONTRACT_CODES)} indicators" in out


def test_cli_check_broken_file_exits_1_with_message(tmp_path, capsys):
    p = _write(tmp_path, [_good_entry(direction="sideways")])
    assert cli(["check", "--file", str(p)]) == 1
    err = capsys.readouterr().err
    assert "entry 'X.1', field 'direction'" in err and "Traceback" not in err


def test_cli_list(capsys):
    assert cli(["list", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(CONTRACT_CODES)
    m41 = next(line for line in lines if line.startswith("M4.C1\t"))
    assert "≤ 111" in m41 and "⚠ unverified" in m41


def test_me_dispatcher_reaches_catalogue(capsys):
    from me_utils.cli import main

    assert main(["catalogue", "check"]) == 0


def test_cache_sees_edits_and_missing_overrides(tmp_path):
    p = _write(tmp_path, [_good_entry()])
    assert load_catalogue(p)["X.1"].target(2025) == 50
    c1 = load_catalogue(p)
    c1.indicators.pop("X.1")  # a caller's change must not leak into the next load
    assert "X.1" in load_catalogue(p)
    p2 = _write(tmp_path, [_good_entry(target_2025=55, name_vi="Tỷ lệ thử mới")])
    assert p2 == p and load_catalogue(p)["X.1"].target(2025) == 55
    with pytest.raises(CatalogueError, match="file not found"):
        load_catalogue(overrides=tmp_path / "missing.yaml")


def test_flag_renders_label_text_in_both_languages(cat):
    """A flagged indicator renders the label catalogue's words, never its reference tag."""
    from me_utils.core.labels import LABELS

    expect = {
        "M4.C1": (
            "⚠ chưa kiểm chứng: câu chữ theo báo chí, chưa đối chiếu văn bản gốc",
            "⚠ unverified: wording from news reports, not checked against the legal text",
        ),
        "M4.C2": (
            "⚠ chưa kiểm chứng: số liệu chỉ thấy trong nguồn tiếng Anh",
            "⚠ unverified: numbers seen in English sources only",
        ),
        "M4.C4": ("⚠ chưa kiểm chứng: không tìm thấy nguồn", "⚠ unverified: no source found"),
    }
    for code, (vi, en) in expect.items():
        assert cat[code].flag("vi") == vi and cat[code].flag("en") == en, code
    label_text = {t for pair in LABELS.values() for t in pair}
    tags = ("VERIFIED", "UNVERIFIED", "PARTIAL", "(news)", "VERIFIED-EN")
    for ind in cat:
        for lang, i in (("vi", 0), ("en", 1)):
            text = ind.flag(lang)
            if not text:
                continue
            head, _, why = text.partition(": ")
            assert head == LABELS["verification_flag"][i], (ind.code, text)
            assert not why or why in label_text, (ind.code, text)
            assert not any(t in text for t in tags), (ind.code, text)
    # an unknown tag shows the bare flag, not the tag
    import dataclasses

    odd = dataclasses.replace(cat["M4.C4"], verification="SOMETHING-NEW")
    assert odd.flag("vi") == "⚠ chưa kiểm chứng" and odd.flag("en") == "⚠ unverified"
