"""A commune scorecard (2026–2030) shows only results of its own period: the communes began on
1 July 2025, so their page has no 2025 target, 2025 result or 2025 target line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from me_utils.reports import notebook as nbm
from me_utils.reports import scorecard_report as sc


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("sccommunes") / "demo"
    for step in (["demo", "--out", str(root)], ["build", "--root", str(root)]):
        p = subprocess.run([sys.executable, "-m", "me_utils.cli", *step], capture_output=True, text=True)
        assert p.returncode == 0, p.stderr[-1500:]
    return root


def _report(root, unit, start):
    ctx = nbm.start(
        sc.TITLE_VI, sc.TITLE_EN, unit=unit, period_start=start, period_end=start + 4, lang="vi", data_root=str(root)
    )
    return sc.load_report(ctx)


def test_which_units_have_a_2025_result():
    assert sc.has_2025_result("SL") and sc.has_2025_result("MC")  # province; district to 30/06/2025
    assert not sc.has_2025_result("03646") and not sc.has_2025_result("03985")  # communes from 01/07/2025


def test_a_summary_taken_from_the_2025_result_falls_back_to_the_outlook():
    frame = pd.DataFrame(
        {
            "summary_category": ["achieved", "not_achieved", "suppressed", "outlook_possible", "not_achieved"],
            "result_2025": ["achieved", "not_achieved", "suppressed", "pending", "not_achieved"],
            "outlook": ["outlook_likely", "no_next_target", "not_assessed", "outlook_possible", "no_next_target"],
            "status_unsd": ["", "", "", "", "not_achieved"],
            "status_reason_vi": ["a", "b", "c", "d", "e"],
            "status_reason_en": ["a", "b", "c", "d", "e"],
            "note": ["", "", "", "", "x"],
            "target_2030": [90.0, 90.0, np.nan, 90.0, np.nan],
            "n_points": [1, 1, 1, 1, 1],
        }
    )
    out = sc.without_2025_result(frame)
    # no_next_target is not a summary category: not assessed; a suppressed row stays suppressed;
    # the last indicator has a 2025 target only: no target in the unit's period
    assert list(out["summary_category"]) == [
        "outlook_likely",
        "not_assessed",
        "suppressed",
        "outlook_possible",
        "no_target",
    ]
    assert out.loc[4, "outlook"] == "no_target" and out.loc[4, "status_unsd"] == "no_target"
    assert out.loc[4, "status_reason_vi"] == sc.NO_OWN_TARGET[0] and out.loc[4, "note"] == ""
    assert list(frame["summary_category"])[0] == "achieved"  # a copy


def test_a_commune_page_has_no_2025_line(demo_root):
    rep = _report(demo_root, "03646", 2026)
    assert rep["has_2025"] is False
    tab = sc.display_frame(rep["frame"], "vi", with_2025=rep["has_2025"])
    assert len(tab) > 0
    assert "Kết quả 2025" not in tab.columns and "Mục tiêu 2025" not in tab.columns
    assert "Mục tiêu 2030" in tab.columns
    text = tab.to_csv()
    assert "Chưa có số liệu năm 2025" not in text and "Không còn mục tiêu sau năm 2025" not in text
    # the 2030 target of M1.C1 shown as the catalogue states it
    m1 = tab[tab["Mã"] == "M1.C1"].iloc[0]
    t2030 = rep["ctx"].catalogue.indicators["M1.C1"].target(2030)
    assert m1["Mục tiêu 2030"].split(" ")[0] == f"{t2030:g}".replace(".", ",")
    assert not rep["frame"]["summary_category"].isin(["achieved", "not_achieved"]).any()
    # DV.1 has a 2025 target only (catalogue): no target of the commune's period
    assert rep["ctx"].catalogue.indicators["DV.1"].target(2030) is None
    dv1 = tab[tab["Mã"] == "DV.1"].iloc[0]
    assert dv1["Triển vọng (mục tiêu kế tiếp)"] == "Chưa có mục tiêu định lượng"
    assert "Chưa đạt mục tiêu" not in dv1.to_csv() and dv1["Mục tiêu 2030"].startswith("–")
    for item in sc.panels(rep):
        assert list(item["targets"]) == [2030]


def test_the_province_and_district_pages_keep_the_2025_result(demo_root):
    for unit in ("SL", "MC"):
        rep = _report(demo_root, unit, 2021)
        assert rep["has_2025"] is True
        tab = sc.display_frame(rep["frame"], "vi", with_2025=rep["has_2025"])
        assert {"Mục tiêu 2025", "Kết quả 2025"} <= set(tab.columns)
        assert all(set(it["targets"]) == {2025, 2030} for it in sc.panels(rep))
    ev_frame = _report(demo_root, "SL", 2021)["frame"]
    assert np.isin(ev_frame["result_2025"], ["achieved", "not_achieved"]).any()


def test_the_province_page_of_2026_2030_compares_the_communes_in_funnels(demo_root, monkeypatch):
    import IPython.display as disp

    rep = _report(demo_root, "SL", 2026)
    items = sc.commune_funnel_items(rep)
    codes = [it["indicator"].code for it in items]
    # the proportion indicators with commune rows in 2026; L.1 has M1.C1's counts, drawn once
    assert codes[0] == "M1.C1" and "L.1" not in codes and "L.2" in codes
    obs = pd.read_csv(demo_root / "processed" / "observations.csv", dtype={"unit_code": str})
    communes = set(sc.load_units().communes())
    m1 = obs[(obs["indicator_code"] == "M1.C1") & (obs["year"] == 2026) & obs["unit_code"].isin(communes)]
    assert len(m1) == 75
    it = items[0]
    assert it["year"] == 2026 and len(it["table"]) == 75 and it["hidden"] == []
    # pooled share = sum of numerators / sum of denominators over the 75 communes
    assert it["od"]["theta0"] == pytest.approx(m1["numerator"].sum() / m1["denominator"].sum(), rel=1e-12)
    shown = []
    monkeypatch.setattr(disp, "display", lambda *a, **k: shown.append((a, k)))
    sc.section_commune_funnels(rep)
    alts = [k["metadata"]["image/png"]["alt"] for a, k in shown if isinstance(a[0], disp.Image)]
    assert len(alts) == len(items)
    assert all(a.startswith("Biểu đồ phễu:") and "giới hạn 95% và 99,8%" in a for a in alts)
    # no funnel on a commune page or in the 2021-2025 review
    assert sc.commune_funnel_items(_report(demo_root, "03646", 2026)) == []
    assert sc.commune_funnel_items(_report(demo_root, "SL", 2021)) == []
