"""Tests of me_utils.reports.overview and notebooks/00_overview.ipynb (run in-process, no kernel)."""

from __future__ import annotations

import json

import pytest
import yaml

from me_utils.core import paths
from me_utils.reference.catalogue import load_catalogue
from me_utils.reference.units import load_units
from me_utils.reports import notebook, overview

NB = paths.project_root() / "notebooks" / "00_overview.ipynb"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


def test_objective_table_vi(cat):
    df = overview.objective_table(cat, "M4", "vi").set_index("Mã")
    assert list(df.index) == ["M4.C1", "M4.C2", "M4.C3", "M4.C4"]
    # Unverified targets carry the flag in the cell itself.
    assert df.loc["M4.C1", "Mục tiêu 2025"] == "≤ 111 ⚠"
    assert df.loc["M4.C1", "Mục tiêu 2030"] == "≤ 109 ⚠"
    assert df.loc["M4.C2", "Mục tiêu 2030"] == "< 42 ⚠"
    assert df.loc["M4.C3", "Mục tiêu 2025"] == "≥ 40% ⚠"
    assert df.loc["M4.C4", "Mục tiêu 2025"] == "–"
    assert df.loc["M4.C1", "Chiều"] == "không vượt quá mức trần"
    assert df.loc["M4.C4", "Kiểm chứng"] == ("⚠ chưa kiểm chứng: không tìm thấy nguồn; số thứ tự chưa kiểm chứng")
    assert df.loc["M4.C1", "Cơ quan báo cáo"] == "Sở Y tế"


def test_objective_table_verified_rows_and_numbers(cat):
    m1 = overview.objective_table(cat, "M1", "vi").iloc[0]
    assert m1["Mục tiêu 2025"] == "≥ 60%" and m1["Mục tiêu 2030"] == "≥ 75%"
    assert m1["Giá trị gốc"] == "74,6% (2023, toàn quốc)"
    assert m1["Kiểm chứng"] == "✓ đã kiểm chứng"
    m2 = overview.objective_table(cat, "M2", "en").set_index("Code")
    assert m2.loc["M2.C2", "Baseline"] == "26.22% (2023, national)"
    assert m2.loc["M2.C2", "Target 2025"] == "< 30%"
    m3 = overview.objective_table(cat, "M3", "vi").set_index("Mã")
    assert m3.loc["M3.C3", "Cơ quan báo cáo"] == "Công an tỉnh"  # plan 123 IV.11: no indicator for BDBP
    assert m3.loc["M3.C1", "Mục tiêu 2025"] == "≤ 1,7"
    assert m3.loc["M3.C3", "Mục tiêu 2030"] == "100%"
    g = overview.objective_table(cat, "G", "vi").set_index("Mã")
    assert g.loc["G.1", "Cơ quan báo cáo"] == "Sở Nội vụ (đề xuất)"
    assert g.loc["G.1", "Mục tiêu 2030"] == "–"


def test_summary_table_counts(cat):
    df = overview.summary_table(cat, "vi")
    total = df.iloc[-1]
    assert total["Mục tiêu / chương trình"] == "Tổng cộng"
    # By hand from the reference: 36 indicators; 23 tagged VERIFIED / VERIFIED-VI (guidance);
    # 5 without a 2025 target (M4.C4, M5.C4, M6.C2, L.4, TT.3); 12 without a 2030 target
    # (those 3 unverified, L.4, G.1, G.2, TT.2, DV.1–DV.5).
    assert (total["Số chỉ tiêu"], total["Đã kiểm chứng"]) == ("36", "23")
    assert (total["Có mục tiêu 2025"], total["Có mục tiêu 2030"]) == ("31", "24")
    m3 = df[df["Mục tiêu / chương trình"].str.startswith("Mục tiêu 3")].iloc[0]
    assert m3["Số chỉ tiêu"] == "5"


def test_department_table(cat):
    df = overview.department_table(cat, "vi").set_index("Cơ quan")
    assert df.loc["Sở Tài chính (STC)", "Chủ trì báo cáo"] == "M2.C3"
    assert df.loc["Chi cục Thống kê tỉnh (TK)", "Chủ trì báo cáo"] == "M3.C1"
    assert df.loc["Sở Giáo dục và Đào tạo (SGDDT)", "Phối hợp báo cáo"] == "M5.C4"
    assert "M3.C2a" in df.loc["Sở Văn hóa, Thể thao và Du lịch (SVHTTDL)", "Phối hợp báo cáo"]
    assert "DV.4†" in df.loc["Sở Văn hóa, Thể thao và Du lịch (SVHTTDL)", "Chủ trì báo cáo"]


def test_units_table():
    df = overview.units_table(load_units(), "vi").set_index("Mã")
    assert len(df) == 13
    assert df.loc["MC", "Loại hình"] == "thị xã (trước đó: huyện)"
    assert df.loc["MS", "Hiệu lực đến"] == "30/06/2025"
    assert df.loc["SL", "Hiệu lực đến"] == "–"
    assert "kết thúc ngày 30/06/2025" in df.loc["VH", "Ghi chú"]


def test_override_is_marked_in_the_table(tmp_path):
    ov = tmp_path / "ov.yaml"
    ov.write_text(
        yaml.safe_dump(
            {
                "overrides": [
                    {
                        "code": "M2.C3",
                        "target_2030": 32,
                        "reason_vi": "Lý do thử",
                        "reason_en": "Test reason",
                        "source": "Văn bản thử",
                    }
                ]
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    c = load_catalogue(overrides=ov)
    row = overview.objective_table(c, "M2", "vi").set_index("Mã").loc["M2.C3"]
    assert row["Mục tiêu 2030"] == "≥ 32% *"
    assert row["Mục tiêu 2025"] == "≥ 27%"  # national, unchanged


def test_sources_markdown_cites_every_indicator(cat):
    md = overview.sources_markdown(cat, "vi")
    for ind in cat:
        assert f"- {ind.code}: " in md
    assert "[giadinhmoi.vn](https://giadinhmoi.vn/" in md


# ----------------------------------------------------------------------------- notebook


def _load_nb():
    return json.loads(NB.read_text(encoding="utf-8"))


def test_notebook_is_stored_clean_with_contract_metadata():
    nb = _load_nb()
    meta = nb["metadata"]["me_report"]
    assert meta["topic"] == "overview" and meta["scope"] == ["province"] and meta["order"] == 0
    assert meta["title_vi"] == overview.TITLE_VI and meta["title_en"] == overview.TITLE_EN
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1 and code[0] is tagged[0]
    params = "".join(tagged[0]["source"])
    for p in ('unit = "SL"', "period_start = 2021", "period_end = 2025", 'lang = "vi"', 'data_root = ""'):
        assert p in params
    assert "me_utils.reports.notebook.start(" in "".join(code[1]["source"])
    # Thin notebook: no definitions, loops or non-me_utils imports in the cells.
    for c in code[1:]:
        src = "".join(c["source"])
        assert "def " not in src and "for " not in src
        for line in src.splitlines():
            if line.startswith(("import ", "from ")):
                assert "me_utils" in line, line


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_notebook_cells_run_in_process(monkeypatch, tmp_path, lang):
    """Execute the notebook's cells in-process (parameters overridden as papermill would)."""
    shown = []
    monkeypatch.setattr(notebook, "_display", lambda obj: shown.append(obj))
    nb = _load_nb()
    ns: dict = {}
    for i, c in enumerate(x for x in nb["cells"] if x["cell_type"] == "code"):
        exec(compile("".join(c["source"]), f"cell{i}", "exec"), ns)
        if i == 0:
            ns.update(lang=lang, data_root=str(tmp_path))
    texts = [getattr(o, "data", "") for o in shown]
    allt = "\n".join(texts)
    title = overview.TITLE_VI if lang == "vi" else overview.TITLE_EN
    assert texts[0].startswith(f"# {title} — ")
    flag = "⚠ chưa kiểm chứng" if lang == "vi" else "⚠ unverified"
    assert flag in allt
    # One table per objective/programme (10) + summary + departments + units.
    assert sum("<table" in t for t in texts) == 13
    assert ("≤ 111 ⚠" in allt) and ("M3.C2a" in allt)
    assert "Traceback" not in allt
    # District level abolished from 1 July 2025 (two-tier local government): last day 30 June.
    assert ("Cấp huyện chấm dứt từ 01/07/2025" if lang == "vi" else "ended on 2025-07-01") in allt
    assert ("dừng ở ngày 30/06/2025" if lang == "vi" else "stop at 2025-06-30") in allt


def test_deadlines_are_those_of_plan_123_section_v():
    # Plan 123/KH-UBND section V: half-year report before 20 May, annual report before 25 November.
    assert (
        "báo cáo 6 tháng trước ngày 20/5, báo cáo năm trước ngày 25/11, gửi Sở Nội vụ."
        in overview.deadlines_markdown("vi")
    )
    en = overview.deadlines_markdown("en")
    assert "half-year report before 20 May, annual report before 25 November" in en


def test_notes_show_baseline_caveats_in_the_report_language(cat):
    vi = overview.notes_markdown(cat, "vi")
    assert "- **M1.C1**:" in vi and "Giá trị gốc: Chỉ tính chính quyền cấp tỉnh (47/63)" in vi
    en = overview.notes_markdown(cat, "en")
    assert "Baseline: Provincial governments only (47/63)" in en
    assert "- **M4.C4**: Existence, wording, unit and targets are all unverified." in en


@pytest.mark.parametrize("value,text", [(26.22, "26,22%"), (28.0, "28%"), (0.00001, "0,00001%")])
def test_baseline_keeps_the_decimals_of_the_source(value, text):
    from types import SimpleNamespace

    from me_utils.reference.catalogue import Baseline

    ind = SimpleNamespace(baseline=Baseline(value, 2023, "national", "src"), kind="proportion")
    assert overview.baseline_cell(ind, "vi") == f"{text} (2023, toàn quốc)"
