"""The plan files (data/reference/plan/): loading, validation, cache, and data-only changes."""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil

import pandas as pd
import pytest

from me_utils.analysis import accountability as acc
from me_utils.build import pipeline as build
from me_utils.intake import submissions as intake
from me_utils.reference import catalogue, plan

D = dt.date


@pytest.fixture()
def plan_copy(tmp_path, monkeypatch):
    """A temporary copy of the real plan files, made current with ME_PLAN_DIR."""
    dst = tmp_path / "plan"
    shutil.copytree(plan.plan_dir(), dst)
    monkeypatch.setenv("ME_PLAN_DIR", str(dst))
    return dst


def _bump(path):
    """Make a file's mtime differ even on coarse-clock file systems."""
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_real_plan_loads_and_matches_the_catalogue():
    p = plan.load_plan()
    assert p.years() == [2021, 2022, 2023, 2024, 2025]
    assert plan.check_against_catalogue(p, catalogue.load_catalogue().indicators) == []
    # the calendar of plan 123 section V, the same as the build's deadlines
    assert p.deadlines() == build.DEADLINES == {"H1": (5, 20), "FY": (11, 25)}
    assert p.due_date(2025, "H1") == D(2025, 5, 20)
    # predecessor/successor links of the March 2025 merger
    assert p.bodies["SLDTBXH"].successors == ("SNV", "SYT", "SGDDT")
    assert p.bodies["TK"].predecessors == ("CTK",)
    assert p.bodies["CTK"].valid_to == D(2025, 2, 28) and not p.bodies["CTK"].dates_verified
    # who leads M2.C1 on each side of the merger
    assert p.lead_body("M2.C1", D(2024, 11, 25)) == "SLDTBXH"
    assert p.lead_body("M2.C1", D(2025, 5, 20)) == "SNV"
    assert p.lead_body("M3.C1", D(2023, 1, 1)) == "CTK"
    assert p.lead_body("M2.C3", D(2023, 1, 1)) == "SKHDT"
    # the Border Guard is not a co-reporter of M3.C3 (plan 123 IV.11 gives it no indicator)
    assert [a.body for a in p.reporters("M3.C3", D(2025, 11, 25))] == ["CA"]
    # the catalogue takes its departments from the plan
    cat = catalogue.load_catalogue()
    assert cat.indicators["M3.C3"].co_departments == ()
    assert cat.indicators["M3.C2a"].co_departments == ("SVHTTDL",)
    assert cat.indicators["G.1"].department_basis == "suggested"
    # the reviews each framework owes
    assert p.review("so_ket").framework == "28/NQ-CP" and p.review("so_ket").outlook_year == 2030
    assert p.review("tong_ket_gbv").kind == "tong_ket"


def test_figure_status_estimate_or_official():
    p = plan.load_plan()
    # the annual report is due before 25/11, before the year ends: an estimate
    assert p.figure_status(2025, "FY", "2025-11-20") == "estimate"
    assert p.figure_status(2025, "FY", "2025-12-31") == "estimate"  # the last covered day
    assert p.figure_status(2025, "FY", "2026-01-01") == "official"
    # the half-year report is due before 20/5 for January–June
    assert p.figure_status(2025, "H1", "2025-05-19") == "estimate"
    assert p.figure_status(2025, "H1", "2025-07-01") == "official"
    # what the body declares wins
    assert p.figure_status(2025, "FY", "2025-11-20", declared="official") == "official"
    assert p.figure_status(2025, "FY", None) == "official"


def test_reconciliation_rules():
    p = plan.load_plan()
    r = p.rule("M3.C2a")
    assert (r.rule, r.register, r.declared) == ("lead_wins", "cross_check", True)
    assert p.rule("G.1").register == "primary"
    assert (p.rule("M4.C1").rule, p.rule("M4.C1").declared) == ("lead_wins", False)
    # one source shown, the other a cross-check: Sốp Cộp's M3.C2a comes from the submission,
    # G.1 from the register
    assert p.source_shown("M3.C2a") == "submission" and p.source_shown("G.1") == "register"
    assert p.source_shown("M4.C1") == "submission"


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _bump(path)


@pytest.mark.parametrize(
    "fname, old, new, field",
    [
        (
            "bodies.yaml",
            "kind: statistics\n    valid_from: 2025-03-01",
            "kind: statistics\n    valid_from: 01/03/2025",
            "valid_from",
        ),
        ("bodies.yaml", "predecessors: [CTK]", "predecessors: [XYZ]", "predecessors"),
        ("bodies.yaml", "kind: police", "kind: army", "kind"),
        ("assignments.csv", "M4.C1,lead,SYT", "M4.C1,lead,SYTT", "body"),
        ("assignments.csv", "M2.C1,lead,SNV,2025-03-01", "M2.C1,lead,SNV,2025-01-01", "valid_from/valid_to"),
        ("assignments.csv", "M3.C1,lead,CTK,,2025-02-28", "M3.C1,lead,CTK,,2025-06-30", "valid_to"),
        ("obligations.yaml", 'due: "05-20"', 'due: "05-32"', "due"),
        (
            "obligations.yaml",
            "periods: [H1, FY]\n    calendar_verified: true",
            "periods: [H1, Q3]\n    calendar_verified: true",
            "periods",
        ),
        ("reconciliation.csv", "M3.C2a,lead_wins", "M3.C2a,average", "rule"),
    ],
)
def test_bad_plan_files_give_located_errors(plan_copy, fname, old, new, field):
    _edit(plan_copy / fname, old, new)
    with pytest.raises(plan.PlanError) as ei:
        plan.load_plan()
    probs = ei.value.problems
    assert any(f == fname and fld == field for f, _, fld, _, _ in probs), probs
    # each problem has a Vietnamese and an English reason
    assert all(vi and en for *_, vi, en in probs)


def test_cache_reloads_when_a_file_changes(plan_copy):
    p1 = plan.load_plan()
    assert plan.load_plan() is p1  # unchanged files: the cached object
    _edit(plan_copy / "bodies.yaml", 'name_vi: "Báo Sơn La"', 'name_vi: "Báo Sơn La (thử)"')
    p2 = plan.load_plan()
    assert p2 is not p1 and p2.bodies["BSL"].name_vi == "Báo Sơn La (thử)"


NEW_BODY = """
  - code: HLHPN
    name_vi: "Hội Liên hiệp Phụ nữ tỉnh"
    name_en: "Provincial Women's Union"
    kind: mass_organisation
    valid_from: 2026-01-01
    valid_to:
    predecessors: []
    successors: []
    reports: true
    dates_verified: true
    source: "test"
"""

NEW_YEAR = """  - year: 2026
    document_vi: "Kế hoạch năm 2026 (thử)"
    document_en: "2026 plan (test)"
    periods: [H1, FY]
    calendar_verified: true
    exempt: [BSL]
"""


def test_new_body_and_plan_year_are_data_changes_only(plan_copy):
    """A body and a plan year added to a copy of the plan files appear in the accountability
    matrix, the catalogue, the department matcher and the template, without code changes."""
    (plan_copy / "bodies.yaml").write_text(
        (plan_copy / "bodies.yaml").read_text(encoding="utf-8") + NEW_BODY, encoding="utf-8"
    )
    with open(plan_copy / "assignments.csv", "a", encoding="utf-8") as f:
        f.write("M1.C1,co,HLHPN,2026-01-01,,,,plan_123,true,test\n")
    (plan_copy / "obligations.yaml").write_text(
        (plan_copy / "obligations.yaml").read_text(encoding="utf-8") + NEW_YEAR, encoding="utf-8"
    )
    for f in ("bodies.yaml", "assignments.csv", "obligations.yaml"):
        _bump(plan_copy / f)

    p = plan.load_plan()
    assert p.years()[-1] == 2026
    m = acc.build_matrix(
        pd.DataFrame(columns=["department", "year", "period", "submission_date", "accepted", "source_file"]),
        as_of="2026-12-31",
    )
    assert set(m["year"]) == {2021, 2022, 2023, 2024, 2025, 2026}  # default years = plan years
    new = m[m["department"] == "HLHPN"]
    assert sorted(zip(new["year"], new["period"])) == [(2026, "FY"), (2026, "H1")]
    assert set(new["status"]) == {"missing"} and set(new["co_indicators"]) == {"M1.C1"}
    # an exempt body owes nothing that year
    assert m[(m["department"] == "BSL") & (m["year"] == 2026)].empty
    assert len(m[(m["department"] == "BSL") & (m["year"] == 2025)]) == 2
    # 2026: 14 provincial bodies - BSL + HLHPN + the communes' committees = 15 per period
    assert (m["year"] == 2026).sum() == 2 * 15
    # everywhere a department code is known
    assert "HLHPN" in catalogue.DEPARTMENTS and "HLHPN" in acc.DEPARTMENTS
    assert "HLHPN" in catalogue.load_catalogue().indicators["M1.C1"].co_departments
    assert intake.match_department("Hội Liên hiệp Phụ nữ tỉnh Sơn La") == "HLHPN"
    # the template lists the indicator it co-reports
    import openpyxl

    from me_utils.intake import template

    wb = openpyxl.load_workbook(io.BytesIO(template.make_template("HLHPN", year=2026)))
    ws = wb[template.DATA_SHEET]
    codes = [ws.cell(r, 1).value for r in range(template.HEADER_ROW + 1, ws.max_row + 1)]
    assert "M1.C1" in codes
    assert any("Hội Liên hiệp Phụ nữ tỉnh" in str(c.value) for row in ws.iter_rows(max_row=4) for c in row)


def test_plan_folder_missing_is_a_located_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ME_PLAN_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(plan.PlanError, match="no plan folder"):
        plan.load_plan()
