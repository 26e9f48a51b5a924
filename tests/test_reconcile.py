"""Submissions keyed by reporting body: supersession within a body, reconciliation across bodies
by the declared rule (with a finding), estimate vs official figures."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from me_utils.build import dataset
from me_utils.build import pipeline as build
from me_utils.reference import plan

HEAD = "Mã chỉ tiêu,Đơn vị,Năm,Kỳ báo cáo,Giới tính,Giá trị,Tử số,Mẫu số,Tình trạng số liệu\n"


def _write(root, name, dept, date, rows):
    year = name.split("_")[1]
    d = root / "raw" / "submissions" / year
    d.mkdir(parents=True, exist_ok=True)
    body = "".join(",".join("" if v is None else str(v) for v in r) + "\n" for r in rows)
    (d / name).write_text(f"Cơ quan báo cáo:,{dept}\nNgày gửi:,{date}\n" + HEAD + body, encoding="utf-8")


@pytest.fixture()
def root(tmp_path):
    r = tmp_path / "data"
    # M3.C2a 2024: the GBV figure of Home Affairs (lead) and the domestic-violence figure of
    # Culture, Sports and Tourism (co-reporter). 4/10 = 40% and 5/10 = 50%.
    _write(
        r,
        "SNV_2024_FY.csv",
        "Sở Nội vụ",
        "20/11/2024",
        [
            ("M3.C2a", "SL", 2024, "Năm", "Tổng", 40, 4, 10, None),
            ("M1.C1", "SL", 2024, "Năm", "Tổng", 40, 4, 10, None),  # estimate (sent before 31/12)
            ("M1.C1", "SL", 2023, "Năm", "Tổng", 38, None, None, None),  # 2023 sent in 2024: official
        ],
    )
    _write(
        r,
        "SVHTTDL_2024_FY.csv",
        "SVHTTDL",
        "21/11/2024",
        [
            ("M3.C2a", "SL", 2024, "Năm", "Tổng", 50, 5, 10, None),
        ],
    )
    # SNV's official 2024 figure for M1.C1, then a later file that calls 47 an estimate again
    _write(
        r,
        "SNV_2024_FY_r2.csv",
        "Sở Nội vụ",
        "15/03/2025",
        [
            ("M1.C1", "SL", 2024, "Năm", "Tổng", 45, None, None, "Chính thức"),
        ],
    )
    _write(
        r,
        "SNV_2024_FY_r3.csv",
        "Sở Nội vụ",
        "01/04/2025",
        [
            ("M1.C1", "SL", 2024, "Năm", "Tổng", 47, None, None, "Ước"),
        ],
    )
    return r


def _obs(root, code, year=2024):
    o = dataset.load_observations(root)
    r = o[(o["indicator_code"] == code) & (o["year"] == year)]
    return r


def _findings(root):
    return pd.read_csv(root / "processed" / "findings.csv", dtype=str, keep_default_na=False)


def test_lead_wins_across_bodies_with_a_finding(root):
    build.run_build(root)
    r = _obs(root, "M3.C2a")
    assert len(r) == 1
    assert (r["department"].iloc[0], r["value"].iloc[0], r["numerator"].iloc[0]) == ("SNV", 40.0, 4.0)
    h = dataset.load_observations(root, history=True)
    hc = h[h["indicator_code"] == "M3.C2a"].set_index("department")
    assert hc.loc["SVHTTDL", "status"] == "cross_check"
    assert hc.loc["SVHTTDL", "superseded_by"].endswith("SNV_2024_FY.csv")
    f = _findings(root)
    rec = f[f["code"] == "reconciled_lead_wins"]
    assert len(rec) == 1 and rec["severity"].iloc[0] == "warning"  # the values differ
    assert "SNV" in rec["reason_en"].iloc[0] and "SVHTTDL" in rec["reason_en"].iloc[0]
    assert rec["value"].iloc[0] == ""  # no figure in the message


def test_official_supersedes_estimate_and_not_the_reverse(root):
    build.run_build(root)
    r = _obs(root, "M1.C1")
    # 40 (estimate, 20/11/2024) → 45 (official, r2) ; the later r3 estimate does not replace it
    assert (r["value"].iloc[0], r["figure_status"].iloc[0]) == (45.0, "official")
    assert r["cut_off_date"].iloc[0] == "2025-03-15"
    h = dataset.load_observations(root, history=True)
    hm = h[(h["indicator_code"] == "M1.C1") & (h["year"] == 2024)].sort_values("submission_date")
    assert list(hm["value"]) == [40.0, 45.0, 47.0]
    assert list(hm["figure_status"]) == ["estimate", "official", "estimate"]
    assert list(hm["status"]) == ["superseded", "current", "superseded"]
    # the 2023 figure was sent after 2023 ended: official without being declared
    assert _obs(root, "M1.C1", 2023)["figure_status"].iloc[0] == "official"
    # the annual 2024 M3.C2a figure sent on 20/11/2024 is an estimate
    assert _obs(root, "M3.C2a")["figure_status"].iloc[0] == "estimate"


def test_an_estimate_is_superseded_by_a_later_official_figure_even_from_an_earlier_file_name(root):
    # r3 is removed: the latest file is r2 (official); add an estimate dated after it under a
    # name that sorts first — the official figure still stands.
    (root / "raw" / "submissions" / "2024" / "SNV_2024_FY_r3.csv").unlink()
    _write(
        root,
        "SNV_2024_FY_a.csv",
        "Sở Nội vụ",
        "20/04/2025",
        [
            ("M1.C1", "SL", 2024, "Năm", "Tổng", 49, None, None, "số ước"),
        ],
    )
    build.run_build(root)
    assert _obs(root, "M1.C1")["value"].iloc[0] == 45.0


@pytest.fixture()
def plan_rule(tmp_path, monkeypatch):
    dst = tmp_path / "plan"
    shutil.copytree(plan.plan_dir(), dst)
    monkeypatch.setenv("ME_PLAN_DIR", str(dst))

    def set_rule(rule):
        p = dst / "reconciliation.csv"
        t = p.read_text(encoding="utf-8").replace("M3.C2a,lead_wins,", f"M3.C2a,{rule},", 1)
        p.write_text(t, encoding="utf-8")

    return set_rule


def test_sum_of_disjoint_parts(root, plan_rule):
    plan_rule("sum_parts")
    build.run_build(root)
    r = _obs(root, "M3.C2a")
    # (4 + 5) / (10 + 10) × 100 = 45%, not the mean of the two shares by accident: the shares
    # are weighted by their denominators
    assert (r["numerator"].iloc[0], r["denominator"].iloc[0]) == (9.0, 20.0)
    assert r["value"].iloc[0] == pytest.approx(45.0)
    assert r["department"].iloc[0] == "SNV"
    assert r["source_file"].iloc[0] == "submissions/2024/SNV_2024_FY.csv + submissions/2024/SVHTTDL_2024_FY.csv"
    assert r["cut_off_date"].iloc[0] == "2024-11-20"
    h = dataset.load_observations(root, history=True)
    assert sorted(h[(h["indicator_code"] == "M3.C2a")]["status"]) == ["current", "part", "part"]
    assert (_findings(root)["code"] == "reconciled_sum").sum() == 1


def test_sum_of_unequal_denominators_weights_by_denominator(root, plan_rule):
    plan_rule("sum_parts")
    _write(
        root,
        "SVHTTDL_2024_FY_r2.csv",
        "SVHTTDL",
        "22/11/2024",
        [
            ("M3.C2a", "SL", 2024, "Năm", "Tổng", 100, 30, 30, None),
        ],
    )
    build.run_build(root)
    # within SVHTTDL, r2 supersedes 5/10; across bodies: (4 + 30) / (10 + 30) = 85%
    assert _obs(root, "M3.C2a")["value"].iloc[0] == pytest.approx(85.0)


def test_conflict_leaves_no_figure_and_a_warning(root, plan_rule):
    plan_rule("conflict")
    build.run_build(root)
    assert _obs(root, "M3.C2a").empty
    h = dataset.load_observations(root, history=True)
    assert set(h[h["indicator_code"] == "M3.C2a"]["status"]) == {"conflict"}
    f = _findings(root)
    c = f[f["code"] == "conflict_between_bodies"]
    assert len(c) == 1 and c["severity"].iloc[0] == "warning"


def test_bad_status_cell_is_a_located_error(tmp_path):
    r = tmp_path / "d"
    _write(
        r,
        "SNV_2024_FY.csv",
        "Sở Nội vụ",
        "20/11/2024",
        [
            ("M1.C1", "SL", 2024, "Năm", "Tổng", 40, None, None, "có lẽ"),
        ],
    )
    from me_utils.intake import submissions as intake

    sub = intake.validate_file(r / "raw/submissions/2024/SNV_2024_FY.csv", "SNV_2024_FY.csv")
    e = [m for m in sub.messages if m.code == "bad_figure_status"]
    assert len(e) == 1 and e[0].row == 4 and e[0].column == "Tình trạng số liệu"
