"""Tests of me_utils.analysis.quality (data-quality report) and notebooks/01_data_quality.ipynb."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from me_utils.analysis import quality
from me_utils.build import pipeline as build
from me_utils.reports import quality_report

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "01_data_quality.ipynb"

CAT = pd.DataFrame(
    {
        "code": ["A.1", "A.2", "B.1", "S.1"],
        "department": ["SNV", "SNV", "SYT", "TK"],
        "periodicity": ["annual", "half-year", "annual", "survey"],
        "kind": ["proportion", "count", "count", "ratio"],
    }
)


def _obs(rows):
    return pd.DataFrame(rows, columns=["indicator_code", "unit_code", "year", "period", "sex", "value"])


def test_completeness_statuses_and_shares():
    obs = _obs(
        [
            ("A.1", "SL", 2023, "FY", "T", 40.0),
            ("A.1", "MS", 2024, "FY", "F", 41.0),
            ("A.2", "SL", 2024, "H1", "T", 3.0),
            ("B.1", "SL", 2023, "FY", "T", 7.0),
            ("S.1", "SL", 2023, "FY", "T", 1.1),
        ]
    )
    comp = quality.completeness(obs, CAT, 2023, 2024, as_of=dt.date(2024, 6, 30))
    st = {(r.indicator_code, r.year, r.period): r.status for r in comp.itertuples()}
    # A.1 annual: FY 2023 and FY 2024 (a district value counts, even before the due date);
    # A.2 half-year: H1+FY per year; FY 2024 is due 25/11/2024, after the as_of date → not yet
    # due. S.1 (survey) not expected.
    assert st == {
        ("A.1", 2023, "FY"): "present",
        ("A.1", 2024, "FY"): "present",
        ("A.2", 2023, "H1"): "missing",
        ("A.2", 2023, "FY"): "missing",
        ("A.2", 2024, "H1"): "present",
        ("A.2", 2024, "FY"): "not_due",
        ("B.1", 2023, "FY"): "present",
        ("B.1", 2024, "FY"): "not_due",
    }
    by = quality.completeness_by_department(comp).set_index("department")
    # SNV cells counted: A.1 2023 FY, A.1 2024 FY, A.2 2024 H1 (present); A.2 2023 H1, A.2 2023 FY
    # (missing) → 3 of 5 = 60%.
    assert (by.loc["SNV", "due"], by.loc["SNV", "present"], by.loc["SNV", "pct_complete"]) == (5, 3, 60.0)
    assert (by.loc["SYT", "due"], by.loc["SYT", "pct_complete"]) == (1, 100.0)


def test_completeness_present_beats_not_due():
    obs = _obs([("A.1", "SL", 2024, "FY", "T", 40.0)])
    comp = quality.completeness(obs, CAT[CAT["code"] == "A.1"], 2024, 2024, as_of=dt.date(2024, 6, 1))
    assert list(comp["status"]) == ["present"]


def test_completeness_table_symbols():
    obs = _obs([("A.1", "SL", 2023, "FY", "T", 40.0)])
    comp = quality.completeness(obs, CAT[CAT["code"] == "A.1"], 2023, 2024)
    t = quality.completeness_table(comp, "en")
    assert list(t.columns) == ["Department", "Indicator", "2023 full year", "2024 full year"]
    assert t.iloc[0].tolist() == ["Department of Home Affairs", "A.1", "✓", "✗"]


SUBS = pd.DataFrame(
    {
        "source_file": ["a.xlsx", "b.xlsx", "b_r2.xlsx", "c.csv", "d.csv", "e.csv"],
        "department": ["SYT", "SNV", "SNV", "SNV", "CA", "CA"],
        "year": ["2023", "2024", "2024", "2024", "2024", "2024"],
        "periods": ["FY", "H1", "H1", "FY", "FY", "FY"],
        "years": ["2023", "2024", "2024", "2024", "2024", "2024"],
        "submission_date": ["2023-12-12", "2024-05-19", "2024-06-30", "2024-11-25", "2024-11-01", "2024-10-01"],
        "status": ["accepted", "partly_superseded", "accepted", "accepted", "accepted", "rejected"],
    }
)


def test_timeliness_days_late_by_hand():
    tl = quality.timeliness(SUBS, 2021, 2025).set_index("source_file")
    # 12/12/2023 vs "before 25/11/2023": last on-time day 24/11 → 18 days late.
    assert (tl.loc["a.xlsx", "days_late"], bool(tl.loc["a.xlsx", "on_time"])) == (18, False)
    assert (tl.loc["b.xlsx", "days_late"], bool(tl.loc["b.xlsx", "on_time"])) == (0, True)
    # Sent on the deadline day itself: one day late.
    assert tl.loc["c.csv", "days_late"] == 1
    by = quality.timeliness_by_department(tl.reset_index()).set_index("department")
    # SNV: first H1 file on time (the r2 correction does not count), FY one day late → 1 of 2.
    assert (by.loc["SNV", "reports"], by.loc["SNV", "on_time"], by.loc["SNV", "pct_on_time"]) == (2, 1, 50.0)
    # CA: the rejected file (1 Oct) is not a delivery; the accepted one (1 Nov) is on time.
    assert (by.loc["CA", "reports"], by.loc["CA", "on_time"]) == (1, 1)
    assert by.loc["SYT", "max_days_late"] == 18


def test_findings_summary_and_table_hide_notes():
    f = pd.DataFrame(
        {
            "severity": ["warning", "error", "warning", "info"],
            "code": ["markup_in_note", "known_unit", "outlier", "row_not_filled"],
            "file": ["x.xlsx"] * 4,
            "sheet": ["S"] * 4,
            "row": ["7", "8", "9", "10"],
            "column": ["Ghi chú", "Đơn vị", "Giá trị", ""],
            "value": ["<script>alert(1)</script>", "Huyện X", "180", "M1.C1"],
            "reason_vi": ["a", "b", "c", "d"],
            "reason_en": ["A", "B", "C", "D"],
            "department": [""] * 4,
            "indicator_code": [""] * 4,
            "unit_code": [""] * 4,
            "year": [""] * 4,
            "period": [""] * 4,
        }
    )
    s = quality.findings_summary(f, "en")
    assert list(zip(s["severity"], s["code"], s["n"])) == [
        ("error", "known_unit", 1),
        ("warning", "markup_in_note", 1),
        ("warning", "outlier", 1),
        ("info", "row_not_filled", 1),
    ]
    t = quality.findings_table(f, "vi")
    assert len(t) == 3 and "<script>alert(1)</script>" not in set(t["Giá trị"])
    assert list(t["Giá trị"]) == ["", "Huyện X", "180"] and list(t["Lý do"]) == ["a", "b", "c"]


def test_plausibility_flags_outlier_and_jump():
    units = ["TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"]
    rows = [("B.1", u, 2024, "FY", "T", float(v)) for u, v in zip(units, [4, 6, 5, 3, 7, 5, 4, 6, 5, 4, 3, 180])]
    rows += [("A.1", "SL", 2023, "FY", "T", 30.0), ("A.1", "SL", 2024, "FY", "T", 80.0)]
    obs = _obs(rows).assign(source_file="f.xlsx", source_row=range(1, len(rows) + 1))
    pl = quality.plausibility(obs, dict(zip(CAT["code"], CAT["kind"])), 2021, 2025)
    got = {(r.check, r.indicator_code, r.unit_code, r.year): r.reference for r in pl.itertuples()}
    assert got == {("outlier", "B.1", "VH", 2024): 5.0, ("jump", "A.1", "SL", 2024): 30.0}


def test_method_note_lists_assumptions_and_rules(monkeypatch):
    shown = []
    monkeypatch.setattr("me_utils.reports.quality_report.markdown", lambda t: shown.append(t))
    monkeypatch.setattr("me_utils.reports.quality_report.heading", lambda t, level=2: shown.append(t))
    qd = quality.QualityData(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), CAT, lang="vi")
    items = quality_report.section_method(qd)
    text = "\n".join(shown)
    assert "trước ngày 20/5" in text and "MAD" in text and "Windows-1258" in text
    assert len(items) == len(quality.ASSUMPTIONS) + 3 + 2


# --- the notebook --------------------------------------------------------------------------------
def test_notebook_structure():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    meta = nb.metadata["me_report"]
    assert (meta["topic"], meta["scope"], meta["order"]) == ("data_quality", ["province"], 1)
    assert meta["title_vi"] == quality_report.TITLE_VI and meta["title_en"] == quality_report.TITLE_EN
    assert nb.metadata["kernelspec"]["name"] == "python3"
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    ns = {}
    exec(params[0].source, ns)
    assert {k: ns[k] for k in ("unit", "period_start", "period_end", "lang", "data_root")} == {
        "unit": "SL",
        "period_start": 2021,
        "period_end": 2025,
        "lang": "vi",
        "data_root": "",
    }
    for c in nb.cells:
        assert c.cell_type != "code" or (c.outputs == [] and c.execution_count is None)
    code = [c.source for c in nb.cells if c.cell_type == "code"][1:]
    assert code[0].startswith("import me_utils.reports.notebook") and "me_utils.reports.notebook.start(" in code[0]
    for src in code[1:]:
        assert src.count("\n") == 0 and ("quality." in src or "quality_report." in src)  # thin: one call per cell


def _tiny_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    sub = root / "raw" / "submissions" / "2024"
    sub.mkdir(parents=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Cơ quan báo cáo: Sở Nội vụ"])
    ws.append(["Ngày gửi: 02/12/2024"])
    ws.append(["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giá trị", "Tử số", "Mẫu số", "Ghi chú"])
    ws.append(["M1.C1", "SL", 2024, "Năm", "35,38%", 23, 65, "<b>x</b>"])
    ws.append(["M1.C1", "SL", 2023, "Năm", "30%", 21, 70, ""])
    wb.save(sub / "SNV_2024_FY.xlsx")
    (root / "raw" / "ILLUSTRATIVE").write_text("")
    build.run_build(root)
    return root


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_notebook_runs_end_to_end(tmp_path, lang):
    papermill = pytest.importorskip("papermill")
    root = _tiny_root(tmp_path)
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"data_root": str(root), "lang": lang},
        kernel_name="python3",
        progress_bar=False,
        shutdown_kernel="immediate",
    )
    nb = nbformat.read(out, as_version=4)
    texts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            assert o.output_type != "error", o
            texts.append(json.dumps(o.get("data", {}), ensure_ascii=False))
    body = "\n".join(texts)
    if lang == "vi":
        assert "Mức độ đầy đủ" in body and "Tính kịp thời" in body and "Dữ liệu minh họa" in body
        assert "Sở Nội vụ" in body and "image/png" in body
    else:
        assert "Completeness" in body and "Timeliness" in body and "Department of Home Affairs" in body
    # The markup note is flagged but never shown raw.
    assert "<b>x</b>" not in body
