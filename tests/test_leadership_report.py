"""Leadership report sections and notebook: what a reviewer reads.

Sections are run in-process on a small data root written by the test (not the demo generator),
with the display functions captured, so the checks read the actual tables and sentences.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest
from IPython.display import Image, Markdown

from me_utils.analysis import leadership as L
from me_utils.reports import leadership_report as P
from me_utils.reports import notebook as nbmod

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "30_leadership.ipynb"


def make_root(tmp_path: Path) -> Path:
    raw = tmp_path / "raw" / "leadership"
    raw.mkdir(parents=True)
    rows = [("2016-2021", "province", "SL", 56, 15, 10), ("2021-2026", "province", "SL", 65, 23, 17)]
    # Four districts; SC has no women on its 2021 district council: far below the pooled share.
    for d, (s16, w16, s21, w21) in {
        "QN": (30, 9, 30, 11),
        "SC": (40, 10, 40, 0),
        "MS": (39, 11, 39, 14),
        "TPSL": (34, 10, 34, 13),
        "TC": (40, 12, 40, 15),
        "ML": (34, 10, 34, 13),
        "BY": (30, 9, 30, 11),
        "PY": (35, 10, 35, 13),
        "YC": (32, 9, 32, 12),
        "VH": (30, 9, 30, 11),
    }.items():
        rows += [("2016-2021", "district", d, s16, w16, w16 // 2), ("2021-2026", "district", d, s21, w21, w21 // 2)]
        rows += [
            ("2016-2021", "commune", d, 10 * s16, 3 * w16, w16),
            ("2021-2026", "commune", d, 10 * s21, 3 * w21 + 20, w21),
        ]
    c = pd.DataFrame(rows, columns=["term", "level", "unit_code", "seats", "women", "ethnic_minority_women"])
    c["data_status"] = "illustrative"
    c.to_csv(raw / "councils.csv", index=False)
    kl = pd.DataFrame(
        {
            "year": list(range(2020, 2026)),
            "unit_code": "SL",
            "agencies": 100,
            "agencies_with_woman_key_leader": [40, 44, 47, 50, 54, 58],
        }
    )
    kl["data_status"] = "illustrative"
    kl.to_csv(raw / "key_leaders.csv", index=False)
    pool = pd.DataFrame(
        {
            "year": list(range(2020, 2026)),
            "unit_code": "SL",
            "pool_size": 500,
            "women_in_pool": [160, 170, 180, 190, 200, 210],
            "women_trained": [100, 110, 120, 130, 140, 150],
        }
    )
    pool["data_status"] = "illustrative"
    pool.to_csv(raw / "planning_pool.csv", index=False)
    return tmp_path


@pytest.fixture()
def captured(monkeypatch):
    out = []
    monkeypatch.setattr(nbmod, "_display", out.append)
    monkeypatch.setattr("IPython.display.display", lambda obj, *a, **k: out.append(obj))
    return out


def text_of(objs) -> str:
    parts = []
    for o in objs:
        if isinstance(o, Markdown):
            parts.append(o.data)
        elif hasattr(o, "data") and isinstance(o.data, str):
            parts.append(o.data)
    return "\n".join(parts)


def report(tmp_path, lang="vi", unit="SL"):
    root = make_root(tmp_path)
    ctx = SimpleNamespace(lang=lang, unit=unit, period_start=2021, period_end=2025, data_root=root, illustrative=False)
    return P.load_report_data(ctx)


def test_vietnamese_report_sections(tmp_path, captured):
    rep = report(tmp_path)
    shares = P.section_councils(rep)
    changes = P.section_term_changes(rep)
    funnels = P.section_funnel(rep)
    kl = P.section_key_leaders(rep)
    pool = P.section_planning_pool(rep)
    sources = P.section_sources(rep)
    txt = text_of(captured)
    # Illustrative label, term refusal, district end, targets, sources.
    assert "Dữ liệu minh họa" in txt and "dữ liệu minh họa" in txt
    assert "Không áp dụng: không ước lượng xu hướng trong nhiệm kỳ 2021–2026" in txt
    # Complete counts: no interval, test or p-value anywhere, and the status model's reason.
    for word in ("KTC", "Wilson", "Newcombe", "Fisher", "p =", "chưa đủ bằng chứng", "ý nghĩa thống kê"):
        assert word not in txt, word
    from me_utils.analysis import status

    assert status.REASONS["enumeration"][0] in txt
    assert "HĐND cấp huyện chấm dứt hoạt động sau ngày 30/06/2025" in txt
    assert "hoiphunutinhsonla.com.vn" in txt and "35,38%" in txt and "đã kiểm chứng" in txt and "VERIFIED" not in txt
    assert "Mục tiêu 2025" in txt and "60%" in txt and "75%" in txt
    assert "⚠" in txt  # L.2/L.3 targets are flagged as unverified in Vietnamese wording
    assert sum(isinstance(o, Image) for o in captured) == 5  # councils, 2 funnels, key leaders, pool
    # Province: district councils pooled, 11+0+14+13+15+13+11+13+12+11 = 113 of 344 seats.
    s = shares.set_index(["level", "term"])
    assert (s.loc[("district", "2021-2026"), "women"], s.loc[("district", "2021-2026"), "seats"]) == (113, 344)
    # The provincial council went from 15 of 56 to 23 of 65 women (the example): +8
    # women, 26,8% → 35,4%, +8,6 points (15/56 = 26.786%, 23/65 = 35.385%, by hand).
    prov = changes.set_index("level").loc["province"]
    assert (prov["women_change"], prov["seats_change"]) == (8, 9) and round(prov["diff_pp"], 3) == 8.599
    assert (
        "HĐND cấp tỉnh: số đại biểu nữ tăng từ 15 lên 23 (+8; tổng số ghế 56 → 65); tỷ lệ nữ tăng "
        "8,6 điểm phần trăm, từ 26,8% (nhiệm kỳ 2016–2021) lên 35,4% (nhiệm kỳ 2021–2026)."
    ) in txt
    # District councils pooled: 9+10+11+10+12+10+9+10+9+9 = 99 → 113 of 344: +14, 28,78% → 32,85%.
    dist_ch = changes.set_index("level").loc["district"]
    assert (dist_ch["women_from"], dist_ch["women_to"], dist_ch["women_change"]) == (99, 113, 14)
    assert "<td>99/344</td>" in txt and "<td>+14</td>" in txt and "<td>+4,07</td>" in txt
    # Returned frames stay numeric (no formatted text in them).
    for frame, cols in (
        (shares, ["seats", "women", "share_pct"]),
        (changes, ["women_change", "seats_change", "diff_pp", "share_from_pct"]),
        (sources, ["women", "total", "share_pct"]),
    ):
        assert all(pd.api.types.is_numeric_dtype(frame[c]) for c in cols)
    # Funnel: SC (0/40) is below the 99.8% lower limit of the pooled district share 113/344.
    dist = funnels[0].set_index("unit")
    assert dist.loc["SC", "position_998"] == "below"
    assert list(funnels[0]["unit"]) == sorted(funnels[0]["unit"], key=str.casefold)
    assert "dưới giới hạn dưới (99,8%)" in txt
    # The funnel is a labelled reference band, never a significance test.
    assert "Biểu đồ phễu chỉ là dải tham chiếu" in txt and "nằm ngoài dải tham chiếu 95%" in txt
    assert list(kl["year"]) == [2020, 2021, 2022, 2023, 2024, 2025]
    assert math.isclose(pool.set_index("year").loc[2025, "share_pct_trained"], 100 * 150 / 210)
    assert not any(c.startswith("ci_") for c in [*kl.columns, *pool.columns, *shares.columns])
    assert "Nguồn: bảng chi tiết do Sở Nội vụ gửi" in txt and "key_leaders.csv" not in txt  # no observations here


def test_english_report_for_a_district(tmp_path, captured):
    rep = report(tmp_path, lang="en", unit="MS")
    shares = P.section_councils(rep)
    P.section_term_changes(rep)
    P.section_funnel(rep)
    P.section_key_leaders(rep)
    txt = text_of(captured)
    assert set(shares["level"]) == {"district", "commune"}
    assert "Not applicable" in txt and "95% CI" not in txt and "p =" not in txt
    # MS district council 11/39 → 14/39 (+3, 28.2% → 35.9%, +7.7 points: 3/39 = 7.69%).
    assert (
        "District councils: women deputies rose from 11 to 14 (+3; seats 39 → 39); women's share rose by "
        "7.7 percentage points, from 28.2% (2016–2021 term) to 35.9% (2021–2026 term)."
    ) in txt
    assert "The figure is a complete count (not a sample)" in txt
    assert "ends on 2025-06-30" in txt  # district series end note
    assert "No data for this unit." in txt  # key leaders are only reported for SL here
    assert "HĐND" not in txt.replace("HĐND tỉnh", "")  # no Vietnamese labels leak into English text


def test_bad_input_stops_the_report_with_a_named_error(tmp_path, captured):
    root = make_root(tmp_path)
    p = root / "raw" / "leadership" / "key_leaders.csv"
    df = pd.read_csv(p)
    df.loc[2, "agencies_with_woman_key_leader"] = 120
    df.to_csv(p, index=False)
    ctx = SimpleNamespace(lang="vi", unit="SL", period_start=2021, period_end=2025, data_root=root, illustrative=False)
    with pytest.raises(
        L.LeadershipDataError, match=r"key_leaders.csv, sheet –, row 4, column agencies_with_woman_key_leader"
    ):
        P.load_report_data(ctx)


def test_signed_points_and_no_p_values():
    assert P.fmt_pp(8.5987, 1, "vi") == "+8,6" and P.fmt_pp(-7.97, 1, "en") == "−8.0"
    assert P.fmt_pp(0.0, 1, "vi") == "0,0"
    assert not hasattr(P, "fmt_p")  # complete counts: the report has no p-value to format


def test_change_sentence_wording_for_losses_and_no_change():
    # 12/40 = 30% → 9/35 = 25.714%: −3 women, −4.3 points; 10/40 → 10/40: nothing changes.
    loss = {
        "level": "district",
        "term_from": "2016-2021",
        "term_to": "2021-2026",
        "women_from": 12,
        "seats_from": 40,
        "women_to": 9,
        "seats_to": 35,
        "share_from_pct": 30.0,
        "share_to_pct": 100 * 9 / 35,
        "diff_pp": 100 * 9 / 35 - 30.0,
        "women_change": -3,
        "seats_change": -5,
    }
    assert P.change_sentence(loss, "vi") == (
        "HĐND cấp huyện: số đại biểu nữ giảm từ 12 xuống 9 (−3; tổng số ghế 40 → 35); tỷ lệ nữ giảm 4,3 điểm "
        "phần trăm, từ 30,0% (nhiệm kỳ 2016–2021) xuống 25,7% (nhiệm kỳ 2021–2026)."
    )
    same = {
        **loss,
        "women_to": 12,
        "seats_to": 40,
        "share_to_pct": 30.0,
        "diff_pp": 0.0,
        "women_change": 0,
        "seats_change": 0,
    }
    assert P.change_sentence(same, "en") == (
        "District councils: women deputies unchanged (12; seats 40 → 40); women's share unchanged: 30.0% "
        "(2016–2021 term) and 30.0% (2021–2026 term)."
    )


def test_terms_in_scope_keep_the_baseline_term_and_stop_at_period_end():
    c = pd.DataFrame({"term": ["2016-2021", "2021-2026", "2026-2031"]})
    assert P.terms_in_scope(c, 2025) == ["2016-2021", "2021-2026"]
    assert P.terms_in_scope(c, 2026) == ["2016-2021", "2021-2026", "2026-2031"]


def test_notebook_is_stored_thin_and_stripped():
    raw = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    nb = nbformat.reads(NOTEBOOK.read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(nb)
    meta = raw["metadata"]["me_report"]
    assert meta["topic"] == "leadership" and meta["order"] == 30 and meta["scope"] == ["province", "district"]
    assert meta["title_vi"] and meta["title_en"] and raw["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and code[0] is params[0]
    ns: dict = {}
    exec(params[0].source, ns)  # noqa: S102 - the parameters cell is plain assignments
    assert (ns["unit"], ns["period_start"], ns["period_end"], ns["lang"], ns["data_root"]) == (
        "SL",
        2021,
        2025,
        "vi",
        "",
    )
    assert "me_utils.reports.notebook.start(" in code[1].source
    for c in code[2:]:  # every other cell is one call into me_utils
        assert c.source.count("\n") == 0 and "leadership_plots." in c.source


@pytest.mark.slow
def test_notebook_runs_end_to_end_in_both_languages(tmp_path):
    import papermill as pm

    root = make_root(tmp_path / "root")
    for lang in ("vi", "en"):
        out = tmp_path / f"out_{lang}.ipynb"
        pm.execute_notebook(
            str(NOTEBOOK),
            str(out),
            parameters={"lang": lang, "data_root": str(root)},
            kernel_name="python3",
            progress_bar=False,
            shutdown_kernel="immediate",
        )
        nb = nbformat.read(out, as_version=4)
        outputs = [o for c in nb.cells for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.get("output_type") == "error"]
        pngs = [o for o in outputs if "image/png" in o.get("data", {})]
        assert len(pngs) == 5
        md = "\n".join(o["data"].get("text/markdown", "") for o in outputs if "data" in o)
        assert ("So sánh giữa các nhiệm kỳ" if lang == "vi" else "Term-to-term comparison") in md
