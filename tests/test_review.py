"""Phase-end review pieces: summary counts, scorecard table, caveats, GBV summary, as-of cut."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint
from test_review_fixtures import make_scorecard

from me_utils.analysis import status
from me_utils.core.style import STATUS_COLOURS
from me_utils.reports import narrative, review


def test_summary_counts_by_objective_and_programme():
    c = review.summary_counts(make_scorecard()).set_index("group")
    # worked out from the fixture by hand
    assert list(c.index) == ["M1", "M3", "M4", "M6", "G", "L", "TT", "total"]
    # categories by the status model: P(2025) 0.184 and 0.3149 → very unlikely, unlikely
    zero = dict.fromkeys(status.SUMMARY_ORDER, 0)
    assert c.loc["M3"].to_dict() == {**zero, "outlook_very_unlikely": 1, "outlook_unlikely": 1, "total": 2}
    # M6.C2 has no target: "no quantitative target", never on track; TT.1 P = 1.0 → likely, not
    # "achieved" before 2025 is observed; L.2 is the only observed 2025 result
    assert c.loc["M6", "no_target"] == 1 and c.loc["TT", "outlook_likely"] == 1 and c.loc["L", "achieved"] == 1
    assert c.loc["total"].to_dict() == {
        **zero,
        "achieved": 1,
        "outlook_likely": 2,
        "outlook_possible": 1,
        "outlook_unlikely": 1,
        "outlook_very_unlikely": 2,
        "no_target": 1,
        "total": 8,
    }


def test_unknown_category_counts_as_not_assessed():
    sc = make_scorecard()
    sc.loc[0, "summary_category"] = None
    assert review.summary_counts(sc).set_index("group").loc["M1", "not_assessed"] == 1


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_executive_summary_numbers_equal_the_counts(lang):
    sc = make_scorecard()
    md = review.executive_summary_markdown(sc, lang)
    bold = [ln for ln in md.splitlines() if ln.startswith("**")][0]
    # total; then each non-zero category (a zero count is left out), each phrase naming 2025
    assert narrative.parse_numbers(bold, lang) == [8, 1, 2025, 2, 2025, 1, 2025, 1, 2025, 2, 2025, 1, 2025]
    # no clause counts zero indicators ("0 đã đạt" never appears)
    assert not re.search(r"(?<![\d.,])0 (đã|chưa|đúng|chậm|achieved|did|have|are|await)", md)


def test_executive_summary_adds_what_the_table_does_not_show():
    """Per objective, the furthest-from-target sentences, worked out by hand from the fixture
    (not the per-category counts the summary table shows)."""
    md = review.executive_summary_markdown(make_scorecard(), "vi")
    assert "Trong 2 chỉ tiêu thuộc" not in md  # the old per-group restatement is gone
    m3 = md.split("**Mục tiêu 3")[1].split("\n- **")[0]
    items = [ln.strip()[2:] for ln in m3.splitlines() if ln.strip().startswith("- ")]
    # M3.C1 (ratio, decrease): 1,8549 in 2023 vs 1,7 in 2025 → 0,15 above; the trend's
    # projection 2,3549 moves away (pace −0,25/year); P = 0,184 → 18%. M3.C2a: 78,04 vs 80 →
    # 2,0 points short; pace (78,54 − 78,04)/1 = 0,5/year → 1,96/0,5 = 3,9 ≈ 4 years; 1 left.
    assert items == [
        "«Số lần thời gian làm việc nhà không được trả công của nữ so với nam» (M3.C1) còn cao hơn 0,15 lần "
        "so với mục tiêu năm 2025 (giảm xuống còn 1,7 lần); xu hướng hiện tại không tiến về mục tiêu, trong khi còn "
        "2 năm; xác suất khoảng 18%.",
        "«Tỷ lệ người bị bạo lực được tiếp cận ít nhất một dịch vụ hỗ trợ cơ bản» (M3.C2a) còn thiếu 2,0 điểm "
        "phần trăm so với mục tiêu năm 2025 (đạt ít nhất 80%); theo nhịp độ của xu hướng cần khoảng 4 năm nữa, "
        "trong khi còn 1 năm; xác suất khoảng 31%.",
    ]
    # M6.C2 has no data: the body that should report it is named
    assert "Chưa có số liệu: M6.C2 (cơ quan báo cáo: Sở Nội vụ)." in md
    # L.2's target is unverified (verified=False in the fixture)
    assert "Mục tiêu của L.2 chưa được kiểm chứng với văn bản gốc" in md
    en = review.executive_summary_markdown(make_scorecard(), "en")
    assert "(M3.C2a) is 2.0 percentage points short of the 2025 target (at least 80%)" in en
    assert "needs about 4 more years; years left: 1; probability about 31%." in en


def test_scorecard_table_text():
    t = review.scorecard_table(make_scorecard(), "vi").set_index("Mã")
    assert t.loc["M3.C2a", "Giá trị gần nhất (KTC 95%)"] == "78,0% (74,2–81,4%)"
    assert t.loc["M3.C2a", "Mục tiêu 2025"] == "80%"
    assert t.loc["M3.C2a", "Xác suất đạt mục tiêu"] == "31% (2025)"
    # the outlook is the band of the probability beside it: 0.3149 ∈ [0.2, 0.5)
    assert t.loc["M3.C2a", "Triển vọng (mục tiêu kế tiếp)"] == "Ít khả năng đạt (2025)"
    assert t.loc["M3.C2a", "Kết quả 2025"] == "Chưa có số liệu năm 2025"
    # each published method is named beside its category
    assert t.loc["M3.C2a", "Phân loại theo phương pháp công bố"] == (
        "UNSD 2023: Có tiến bộ, cần đẩy nhanh; Thống kê Canada: Có tiến bộ, cần đẩy nhanh; "
        "ESCAP: Có tiến bộ, cần đẩy nhanh"
    )
    row = make_scorecard().set_index("indicator_code").loc[["M3.C2a"]].reset_index()
    row[["result_2025", "margin_2025", "outlook", "outlook_year", "outlook_prob"]] = [
        "not_achieved",
        -1.96,
        "outlook_unlikely",
        2030.0,
        0.4249,
    ]
    t2 = review.scorecard_table(row, "vi").iloc[0]
    assert t2["Kết quả 2025"] == "Chưa đạt mục tiêu (còn thiếu 2,0 điểm phần trăm)"
    assert t2["Triển vọng (mục tiêu kế tiếp)"] == "Ít khả năng đạt (2030)"
    assert t2["Xác suất đạt mục tiêu"] == "42% (2030)"
    assert t.loc["L.2", "Mục tiêu 2025"] == "40% ⚠"
    assert t.loc["M6.C2", "Giá trị gần nhất (KTC 95%)"] == "–"
    assert t.loc["M6.C2", "Năm"] == "–"
    assert t.loc["TT.1", "Giá trị gần nhất (KTC 95%)"] == "1.898 cuộc"
    assert t.loc["M4.C1", "Cơ quan"] == "Sở Y tế"


def test_coloured_table_html_escapes_and_colours():
    df = pd.DataFrame({"a": ["<b>x</b>", "Đã đạt mục tiêu"]})
    h = review.coloured_table_html(df, {"Đã đạt mục tiêu": STATUS_COLOURS["achieved"]})
    assert "&lt;b&gt;x&lt;/b&gt;" in h and "<b>x</b>" not in h
    assert f"background:{STATUS_COLOURS['achieved']}" in h


def test_caveats_list_unverified_targets_findings_and_missing_data():
    findings = pd.DataFrame(
        {
            "severity": ["error", "warning", "warning"],
            "code": ["bad_number", "implausible_jump", "implausible_jump"],
            "reason_vi": [
                "không phải số",
                "thay đổi bất thường so với năm 2020 (21.43): đề nghị kiểm tra lại",
                "thay đổi bất thường so với năm 2021 (80): đề nghị kiểm tra lại",
            ],
            "reason_en": [
                "not a number",
                "implausible change from 2020 (21.43): please check",
                "implausible change from 2021 (80): please check",
            ],
        }
    )
    md = review.caveats_markdown(make_scorecard(), findings, "vi", illustrative=True)
    assert "Dữ liệu minh họa" in md
    assert "ghi nhận 3 vấn đề (cảnh báo – thay đổi bất thường so với năm: 2, lỗi – không phải số: 1)" in md
    en = review.caveats_markdown(make_scorecard(), findings, "en")
    assert "warning – implausible change from: 2, error – not a number: 1" in en
    # L.2 has a target marked unverified; M6.C2 has no target at all, so only its data gap shows
    assert "⚠ 1 chỉ tiêu có mục tiêu chưa được kiểm chứng" in md and "(L.2)" in md
    assert "1 chỉ tiêu chưa có đủ số liệu để đánh giá (M6.C2)" in md
    assert "không ghi nhận vấn đề" in review.caveats_markdown(make_scorecard(), None, "vi")


def test_recommendations_are_a_marked_placeholder():
    md = review.recommendations_markdown("vi")
    assert "Phần kiến nghị do cán bộ phân tích viết, dựa trên các kết quả ở trên." in md and "analyst" not in md
    assert "Recommendations are written by the analyst" in review.recommendations_markdown("en")


def _register(n_gbv: int, served: int, sought: int, year: int = 2024) -> pd.DataFrame:
    """A typed, consented register of n_gbv GBV incidents plus 3 non-GBV ones."""
    n = n_gbv + 3
    df = pd.DataFrame(
        {
            "incident_type": ["physical_assault"] * n_gbv + ["non_gbv"] * 3,
            "year": [year] * n,
            "domestic_violence": [0] * n,
            "perpetrator_detected": [0] * n,
            "perpetrator_prosecuted": [0] * n,
            "perpetrator_counselled": [0] * n,
            "needed_help": [1] * n,
            "sought_help": [1] * sought + [0] * (n - sought),
            "svc_health": [1] * served + [0] * (n - served),
            "svc_psychosocial": [0] * n,
            "svc_legal": [0] * n,
            "svc_police_justice": [0] * n,
            "svc_safe_shelter": [0] * n,
        }
    )
    return df


def test_gbv_rows_with_wilson_interval_and_small_count_suppression():
    rows = review.gbv_indicator_rows(_register(20, 14, 2), 2021, 2025).set_index("indicator_code")
    r = rows.loc["M3.C2a"]
    lo, hi = proportion_confint(14, 20, alpha=0.05, method="wilson")
    assert (r["numerator"], r["denominator"], r["hidden"]) == (14, 20, False)
    assert r["latest_value"] == pytest.approx(70.0)
    assert (r["ci_low"], r["ci_high"]) == (pytest.approx(100 * lo), pytest.approx(100 * hi))
    # 2 of 20 sought help: a count below 5 → not shown
    g1 = rows.loc["G.1"]
    assert g1["hidden"] and math.isnan(g1["latest_value"])
    # 18 of 20 served → 2 not served is a small count too
    rows2 = review.gbv_indicator_rows(_register(20, 18, 10), 2021, 2025).set_index("indicator_code")
    assert rows2.loc["M3.C2a", "hidden"] and not rows2.loc["G.1", "hidden"]
    # a year outside the period is not used
    rows3 = review.gbv_indicator_rows(_register(20, 14, 10, year=2019), 2021, 2025)
    assert rows3["latest_value"].isna().all()
    # the sentence printed for a shown indicator carries exactly the computed numbers
    text = narrative.indicator_sentence(rows.loc["M3.C2a"].to_dict() | {"indicator_code": "M3.C2a"}, "vi")
    name = rows.loc["M3.C2a", "name_vi"]
    assert narrative.parse_numbers(text, "vi", remove=[name]) == [
        2024,
        70.0,
        95,
        round(100 * lo, 1),
        round(100 * hi, 1),
        2025,
        80,
    ]


def _obs(rows):
    cols = ["indicator_code", "unit_code", "year", "period", "sex", "value", "submission_date", "source_file"]
    df = pd.DataFrame(rows, columns=cols)
    df["submission_date"] = pd.to_datetime(df["submission_date"])
    return df


def test_observations_as_of_use_the_figure_current_at_the_cut_off():
    obs = _obs(
        [
            ["M1.C1", "SL", 2024, "FY", "T", 61.0, "2025-12-10", "r2.xlsx"],
            ["M1.C1", "SL", 2023, "FY", "T", 55.0, "2023-11-20", "a.xlsx"],
        ]
    )
    hist = _obs(
        [
            ["M1.C1", "SL", 2024, "FY", "T", 58.0, "2024-11-20", "r1.xlsx"],
            ["M1.C1", "SL", 2024, "FY", "T", 61.0, "2025-12-10", "r2.xlsx"],
            ["M1.C1", "SL", 2023, "FY", "T", 55.0, "2023-11-20", "a.xlsx"],
        ]
    )
    got = review.observations_as_of(obs, hist, "2025-11-30").sort_values("year")
    assert got["value"].tolist() == [55.0, 58.0]
    later = review.observations_as_of(obs, hist, "2025-12-31")
    assert sorted(later["value"]) == [55.0, 61.0]
    # without history, a figure sent after the cut-off is simply dropped
    assert review.observations_as_of(obs, None, "2025-11-30")["value"].tolist() == [55.0]


def test_group_labels_come_from_the_catalogue():
    assert review.group_label("M3", "vi").startswith("Mục tiêu 3")
    assert "2021–2025" in review.group_label("G", "vi") or "2232" in review.group_label("G", "vi")
    assert review.group_order(["TT", "M2", "G", "M1", "zzz"]) == ["M1", "M2", "G", "TT", "zzz"]
    # SUMMARY_ORDER: achieved, not achieved, likely, possible, unlikely, very unlikely, no target,
    # context, not assessed; then the total
    assert np.array_equal(
        review.summary_table(make_scorecard(), "en").iloc[-1, 1:].to_numpy(dtype=int),
        np.array([1, 0, 2, 1, 1, 2, 1, 0, 0, 8]),
    )


def test_every_assessment_status_has_a_house_colour():
    from me_utils.analysis.assess import STATUS_LABELS

    for code in STATUS_LABELS:
        assert review.status_colour(code) in STATUS_COLOURS.values(), code
    assert review.status_colour("stagnation_regression") == STATUS_COLOURS["deterioration"]
    assert review.status_colour("whatever") is None


def test_accountability_html_badges():
    from test_review_fixtures import make_arrivals

    from me_utils.analysis import accountability as acc

    m = acc.build_matrix(acc._normalise_submissions(make_arrivals(), "s"), 2024, 2024, as_of="2025-01-01")
    h = review.accountability_html(m, "vi")
    # header + one row per body: the 29 bodies the plan obliges in 2024 (section V) and TK,
    # which sent a file although it did not exist before March 2025
    assert h.count("<tr>") == 1 + 29 + 1
    assert f"background:{STATUS_COLOURS['acceleration_needed']}" in h  # late badge
    assert "Năm: ⚠ Muộn 28/11/2024 (+4 ngày)" in h
    assert "6 tháng: ✓ 19/05/2024" in h
    assert f"background:{STATUS_COLOURS['deterioration']}" in h  # missing badge


@pytest.mark.parametrize("bad", ["", "30/11/2025", "2025-13-01"])
def test_compute_refuses_a_bad_cut_off_date(bad, tmp_path):
    from me_utils.reports.notebook import ReportContext

    ctx = ReportContext(unit="SL", period_start=2021, period_end=2025, lang="vi", data_root=tmp_path)
    with pytest.raises(ValueError, match="as_of must be an ISO date"):
        review.compute(ctx, as_of=bad)


def test_compute_names_the_missing_build(tmp_path):
    from me_utils.reports.notebook import ReportContext

    ctx = ReportContext(unit="SL", period_start=2021, period_end=2025, lang="vi", data_root=tmp_path)
    with pytest.raises(FileNotFoundError, match="me build"):
        review.compute(ctx, as_of="2025-11-30")


def test_phase_end_review_notebook_is_thin_and_declared():
    import json
    from pathlib import Path

    p = Path(__file__).resolve().parents[1] / "notebooks" / "00_phase_end_review.ipynb"
    nb = json.loads(p.read_text(encoding="utf-8"))
    meta = nb["metadata"]["me_report"]
    assert (meta["topic"], meta["scope"], meta["order"]) == ("phase_end_review", ["province"], -1)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    src = "".join(params[0]["source"])
    for name in ("unit", "period_start", "period_end", "lang", "data_root", "as_of", "headline_method", "output_dir"):
        assert f"{name} = " in src
    assert 'as_of = "2025-11-30"' in src and 'output_dir = ""' in src
    for c in code:
        assert c["outputs"] == [] and c["execution_count"] is None
        lines = [ln for ln in "".join(c["source"]).splitlines() if ln.strip()]
        assert len(lines) <= 9  # thin: each cell calls me_utils


def test_accountability_intro_states_plan_deadlines():
    # plan 123/KH-UBND section V: "trước ngày 20/5 ... trước ngày 25/11"
    empty = pd.DataFrame({"status": pd.Series([], dtype=str)})
    vi = review.accountability_markdown(empty, "vi")
    en = review.accountability_markdown(empty, "en")
    assert "báo cáo 6 tháng trước ngày 20/5, báo cáo năm trước ngày 25/11" in vi
    assert "half-year report before 20 May, annual report before 25 November" in en


def test_gbv_summary_markdown_becomes_plain_paragraphs_in_the_tong_ket():
    """The tổng kết prints the GBV summary as plain paragraphs: no '- ' bullet, '[..](..)' link
    or '**' reaches the HTML or the Word file."""
    from me_utils.reports.review_outline import markdown_paragraphs

    md = (
        "Tóm tắt từ sổ đăng ký vụ việc (**185** vụ việc được loại ra).\n\n"
        "- Đến năm 2025, «A» ở mức 78,2%.\n- Đến năm 2025, «B» ở mức 45,5%.\n\n"
        "Chi tiết: [Báo cáo bạo lực trên cơ sở giới](20_gbv.html)."
    )
    assert markdown_paragraphs(md) == [
        "Tóm tắt từ sổ đăng ký vụ việc (185 vụ việc được loại ra).",
        "– Đến năm 2025, «A» ở mức 78,2%.",
        "– Đến năm 2025, «B» ở mức 45,5%.",
        "Chi tiết: Báo cáo bạo lực trên cơ sở giới.",
    ]


def test_far_sentence_leaves_out_clauses_without_a_number():
    """Without a projection there is no pace clause, without a probability no probability
    clause, and no empty '; ;' is left behind."""
    from me_utils.reports import review_insights as RI

    r = make_scorecard().set_index("indicator_code").loc["M3.C2a"].to_dict() | {"indicator_code": "M3.C2a"}
    full = RI.far_sentence(r, "vi")
    assert full.endswith("cần khoảng 4 năm nữa, trong khi còn 1 năm; xác suất khoảng 31%.")
    no_proj = RI.far_sentence(r | {"proj_2025": float("nan")}, "vi")
    assert no_proj.endswith("(đạt ít nhất 80%); xác suất khoảng 31%.")
    bare = RI.far_sentence(r | {"proj_2025": float("nan"), "outlook_prob": float("nan")}, "vi")
    assert bare.endswith("so với mục tiêu năm 2025 (đạt ít nhất 80%).") and "; ;" not in bare
    # pace away from the target; pace so slow it needs more than 50 years
    away = RI.far_sentence(r | {"proj_2025": 77.0}, "vi")
    assert "xu hướng hiện tại không tiến về mục tiêu, trong khi còn 1 năm; xác suất" in away
    slow = RI.far_sentence(r | {"proj_2025": 78.05}, "vi")  # 1,96 / 0,01 = 196 years
    assert "cần hơn 50 năm nữa, trong khi còn 1 năm" in slow
    # at or beyond the target: no sentence
    assert RI.far_sentence(r | {"latest_value": 80.0}, "vi") == ""
    # a binary indicator never gets one
    assert RI.far_sentence(r | {"kind": "binary"}, "vi") == ""


def test_status_change_and_reporting_sentences_by_hand():
    from me_utils.reports import review_insights as RI

    sc = make_scorecard()
    # L.2: 41,2345 in 2025 met the 2025 target 40 (result achieved); 2024 figure 39,0 did not
    figs = pd.DataFrame(
        {"indicator_code": ["L.2", "L.2", "M3.C2a"], "year": [2024, 2023, 2023], "value": [39.0, 38.0, 81.0]}
    )
    ch = RI.status_changes(sc, figs)
    # scorecard order; M3.C2a: 81,0 in 2023 met 80, 78,04 in 2024 does not (2025 not observed:
    # the latest side is met-or-not of the latest figure)
    assert [(c["row"]["indicator_code"], c["prev_year"], c["before"], c["after"]) for c in ch] == [
        ("M3.C2a", 2023, "achieved", "not_achieved"),
        ("L.2", 2024, "not_achieved", "achieved"),
    ]
    text = RI.change_sentence(ch[1], "vi")
    assert text.startswith("So với năm 2024, «Tỷ lệ nữ trong quy hoạch lãnh đạo, quản lý» (L.2) chuyển từ ")
    assert "«chưa đạt mục tiêu» (39,0%) sang «đã đạt mục tiêu» (41,2% năm 2025)" in text
    # a gap in the series (previous figure two years back) is not "since the last year"
    assert RI.status_changes(sc, figs.assign(year=figs["year"] - 1)) == []

    def cell(dep, y, p, st, days=None, obl=True):
        names = {"SYT": ("Sở Y tế", "Department of Health"), "CA": ("Công an tỉnh", "Provincial Police")}
        return {
            "department": dep,
            "department_name_vi": names[dep][0],
            "department_name_en": names[dep][1],
            "year": y,
            "period": p,
            "status": st,
            "days_late": days,
            "obligated": obl,
        }

    m = pd.DataFrame(
        [
            cell("SYT", 2023, "H1", "missing"),
            cell("SYT", 2023, "FY", "late", 18),
            cell("SYT", 2024, "H1", "missing"),
            cell("SYT", 2024, "FY", "late", 6),
            cell("SYT", 2025, "H1", "on_time"),
            cell("CA", 2024, "FY", "on_time"),
            cell("CA", 2025, "H1", "on_time"),
        ]
    )
    head, lines = RI.reporting_sentences(m, "vi")
    assert head == "Chế độ báo cáo: 2 báo cáo định kỳ đến hạn chưa gửi, của 1 cơ quan (Sở Y tế (2))."
    # Công an tỉnh sent everything: no sentence, no "0 chưa gửi"; late on average (18 + 6) / 2 = 12 days
    assert lines == [
        "Sở Y tế: trong 5 báo cáo đến hạn, 2 chưa gửi (6 tháng 2023–2024); 2 gửi muộn, trung bình 12 ngày."
    ]
    en_head, _ = RI.reporting_sentences(m.assign(status="on_time"), "en")
    assert en_head == "Reporting: every periodic report due has been received."
