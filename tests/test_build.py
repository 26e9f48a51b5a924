"""Tests of ``me build``: provenance, supersession, determinism, atomic swap, rejection."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from me_utils.build import dataset
from me_utils.build import pipeline as build
from me_utils.intake.register import REGISTER_COLUMNS

CORPUS = Path(__file__).parent / "bad_inputs" / "files"
HEADER = ["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giới tính", "Giá trị", "Tử số", "Mẫu số", "Ghi chú"]


def _xlsx(path: Path, rows, dept="Sở Nội vụ", date="20/11/2024"):
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append(["BÁO CÁO"])
    ws.append([f"Cơ quan báo cáo: {dept}"])
    ws.append(["Ngày gửi:", date])
    ws.append([])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)


def _csv(path: Path, text: str, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture()
def root(tmp_path) -> Path:
    r = tmp_path / "root"
    raw = r / "raw"
    sub = raw / "submissions" / "2024"
    # First SNV file: M1.C1 = 30 (wrong), superseded by the _r2 file sent later.
    _xlsx(
        sub / "SNV_2024_FY.xlsx",
        [
            ["M1.C1", "Tỉnh Sơn La", 2024, "Năm", "Tổng", "30%", None, None, ""],
            ["M2.C1", "SL", 2024, "Năm", "Nữ", "27,5", None, None, "ghi chú"],
        ],
        date="20/11/2024",
    )
    _xlsx(
        sub / "SNV_2024_FY_r2.xlsx",
        [
            ["M1.C1", "Tỉnh Sơn La", 2024, "Năm", "Tổng", "35,38%", 23, 65, "sửa"],
        ],
        date="02/12/2024",
    )
    # SYT half-year report, semicolon csv, sent on the deadline day itself (late by one day).
    _csv(
        sub / "SYT_2024_H1.csv",
        "Cơ quan báo cáo;Sở Y tế\nNgày gửi;20/05/2024\n"
        "Mã chỉ tiêu;Đơn vị;Năm;Kỳ báo cáo;Giá trị;Tử số;Mẫu số\n"
        "M4.C1;Tỉnh Sơn La;2024;6 tháng;112,5;;\n",
    )
    # Non-submission inputs.
    _csv(
        raw / "trafficking" / "returnees.csv",
        "year,unit_code,agency,returnees_detected,returnees_in_need,returnees_supported,data_status\n"
        "2024,SL,CA,10,8,6,illustrative\n",
    )
    _csv(raw / "README.txt", "dữ liệu minh họa\n")
    (raw / "ILLUSTRATIVE").write_text("")
    return r


def test_build_outputs_follow_the_contract(root):
    raw_before = _hashes(root / "raw")
    assert build.cli(["--root", str(root)]) == 0
    assert _hashes(root / "raw") == raw_before  # raw never modified
    proc = root / "processed"
    obs = dataset.load_observations(root)
    assert list(obs.columns) == dataset.OBS_COLUMNS
    got = {(r.indicator_code, r.unit_code, r.year, r.period, r.sex): (r.value, r.source_file) for r in obs.itertuples()}
    assert got == {
        ("M1.C1", "SL", 2024, "FY", "T"): (35.38, "submissions/2024/SNV_2024_FY_r2.xlsx"),
        ("M2.C1", "SL", 2024, "FY", "F"): (27.5, "submissions/2024/SNV_2024_FY.xlsx"),
        ("M4.C1", "SL", 2024, "H1", "T"): (112.5, "submissions/2024/SYT_2024_H1.csv"),
    }
    m1 = obs[obs["indicator_code"] == "M1.C1"].iloc[0]
    assert (m1["numerator"], m1["denominator"], m1["department"], m1["source_sheet"], m1["source_row"]) == (
        23.0,
        65.0,
        "SNV",
        "Báo cáo",
        6,
    )
    assert str(m1["submission_date"].date()) == "2024-12-02"
    hist = dataset.load_observations(root, history=True)
    assert len(hist) == 4
    old = hist[(hist["indicator_code"] == "M1.C1") & (hist["status"] == "superseded")].iloc[0]
    assert old["value"] == 30.0 and old["superseded_by"] == "submissions/2024/SNV_2024_FY_r2.xlsx"
    # Manifest: every raw file with its sha256; outputs hashed; illustrative from the marker file.
    man = json.loads((proc / "manifest.json").read_text(encoding="utf-8"))
    assert man["illustrative"] is True
    assert {e["path"]: e["sha256"] for e in man["inputs"]} == raw_before
    kinds = {e["path"]: e["kind"] for e in man["inputs"]}
    assert kinds["trafficking/returnees.csv"] == "trafficking"
    assert kinds["submissions/2024/SYT_2024_H1.csv"] == "submission"
    assert kinds["README.txt"] == "other"
    entry = next(e for e in man["inputs"] if e["path"].endswith("SYT_2024_H1.csv"))
    assert (entry["department"], entry["submission_date"]) == ("SYT", "2024-05-20")
    expected_hash = hashlib.sha256(
        json.dumps(
            sorted(man["inputs"], key=lambda e: e["path"]), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
    ).hexdigest()
    assert man["manifest_hash"] == expected_hash
    for name, digest in man["outputs"].items():
        assert hashlib.sha256((proc / name).read_bytes()).hexdigest() == digest
    # Non-submission input copied byte for byte.
    assert (proc / "trafficking" / "returnees.csv").read_bytes() == (
        root / "raw" / "trafficking" / "returnees.csv"
    ).read_bytes()


def test_submissions_table_timeliness(root):
    build.run_build(root)
    s = pd.read_csv(root / "processed" / "submissions.csv", dtype=str, keep_default_na=False)
    s = s.set_index("source_file")
    syt = s.loc["submissions/2024/SYT_2024_H1.csv"]
    # Sent on 20 May, the deadline day: "trước ngày 20/5" means strictly before → 1 day late.
    assert (syt["due_date"], syt["days_late"], syt["on_time"], syt["periods"], syt["year"]) == (
        "2024-05-20",
        "1",
        "False",
        "H1",
        "2024",
    )
    snv = s.loc["submissions/2024/SNV_2024_FY.xlsx"]
    assert (snv["days_late"], snv["on_time"], snv["status"], snv["n_current"], snv["n_superseded"]) == (
        "0",
        "True",
        "partly_superseded",
        "1",
        "1",
    )
    r2 = s.loc["submissions/2024/SNV_2024_FY_r2.xlsx"]
    assert (r2["revision"], r2["days_late"], r2["status"]) == ("2", "8", "accepted")  # 2 Dec vs 24 Nov


def test_later_date_wins_over_file_name(root):
    sub = root / "raw" / "submissions" / "2024"
    # A file whose name sorts first but was sent last supersedes the others.
    _xlsx(sub / "AAA_extra.xlsx", [["M2.C1", "SL", 2024, "Năm", "Nữ", 28.0, None, None, ""]], date="05/01/2025")
    build.run_build(root)
    obs = dataset.load_observations(root)
    row = obs[(obs["indicator_code"] == "M2.C1")].iloc[0]
    assert (row["value"], row["source_file"]) == (28.0, "submissions/2024/AAA_extra.xlsx")


def test_build_is_deterministic(root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build.run_build(root)
    first = _hashes(root / "processed")
    build.run_build(root)
    assert _hashes(root / "processed") == first
    man = json.loads((root / "processed" / "manifest.json").read_text(encoding="utf-8"))
    assert man["built_at"] == "2023-11-14T22:13:20Z"


def test_failed_build_leaves_previous_processed_intact(root, capsys):
    assert build.cli(["--root", str(root)]) == 0
    before = _hashes(root / "processed")
    shutil.copy(CORPUS / "22_share_over_100.xlsx", root / "raw" / "submissions" / "2024" / "STC_2024_FY.xlsx")
    assert build.cli(["--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "submissions/2024/STC_2024_FY.xlsx" in err and "dòng/row 9" in err and "Traceback" not in err
    assert _hashes(root / "processed") == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".processed")] == []


def test_write_failure_leaves_previous_processed_intact(root, monkeypatch, capsys):
    build.run_build(root)
    before = _hashes(root / "processed")
    _xlsx(
        root / "raw" / "submissions" / "2024" / "CA_2024_FY.xlsx",
        [["M3.C3", "SL", 2024, "Năm", "Tổng", 60, 6, 10, ""]],
        dept="Công an tỉnh",
    )

    def boom(*a, **k):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(build, "_csv_bytes", boom)
    assert build.cli(["--root", str(root)]) == 1
    assert "disk full" in capsys.readouterr().err
    assert _hashes(root / "processed") == before


def test_keep_going_rejects_the_bad_file_only(root):
    shutil.copy(CORPUS / "16_unknown_indicator.xlsx", root / "raw" / "submissions" / "2024" / "STC_2024_FY.xlsx")
    assert build.cli(["--root", str(root), "--keep-going"]) == 1
    proc = root / "processed"
    obs = dataset.load_observations(root)
    assert "submissions/2024/STC_2024_FY.xlsx" not in set(obs["source_file"])
    assert len(obs) == 3
    s = pd.read_csv(proc / "submissions.csv", dtype=str, keep_default_na=False).set_index("source_file")
    assert s.loc["submissions/2024/STC_2024_FY.xlsx", "status"] == "rejected"
    f = pd.read_csv(proc / "findings.csv", dtype=str, keep_default_na=False)
    err = f[f["severity"] == "error"]
    assert list(zip(err["file"], err["row"], err["column"], err["code"])) == [
        ("submissions/2024/STC_2024_FY.xlsx", "9", "Mã chỉ tiêu", "known_indicator")
    ]
    man = json.loads((proc / "manifest.json").read_text(encoding="utf-8"))
    assert man["rejected"] == ["submissions/2024/STC_2024_FY.xlsx"]


def test_bad_non_submission_table_is_located(root):
    _csv(
        root / "raw" / "trafficking" / "returnees.csv",
        "year,unit_code,agency,returnees_detected,returnees_in_need,returnees_supported\n"
        "2024,SL,CA,10,8,6\n2024,SL,XX,10,8,6\n",
    )
    with pytest.raises(build.BuildError) as exc:
        build.run_build(root)
    msgs = [m for m in exc.value.messages if m.severity == "error"]
    assert [(m.file, m.row, m.column, m.value) for m in msgs] == [("trafficking/returnees.csv", 3, "agency", "XX")]


def test_build_without_raw_folder_is_an_error_not_a_traceback(tmp_path, capsys):
    assert build.cli(["--root", str(tmp_path / "nowhere")]) == 1
    err = capsys.readouterr().err
    assert "raw" in err and "Traceback" not in err


def test_findings_and_submissions_csv_columns(root):
    build.run_build(root)
    proc = root / "processed"
    with open(proc / "findings.csv", encoding="utf-8") as fh:
        assert next(csv.reader(fh)) == [
            "severity",
            "code",
            "file",
            "sheet",
            "row",
            "column",
            "value",
            "reason_vi",
            "reason_en",
            "department",
            "indicator_code",
            "unit_code",
            "year",
            "period",
        ]
    with open(proc / "submissions.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert {"source_file", "department", "year", "periods", "submission_date", "status"} <= set(header)


def test_accountability_reads_our_submissions_table(root):
    """The accountability module (another helper's) reads submissions.csv as written here."""
    acc = pytest.importorskip("me_utils.analysis.accountability")
    build.run_build(root)
    arr = acc.load_arrivals(root)
    assert set(zip(arr["department"], arr["year"], arr["period"])) == {("SNV", 2024, "FY"), ("SYT", 2024, "H1")}


def test_empty_raw_folder_builds_empty_tables(tmp_path):
    (tmp_path / "r" / "raw").mkdir(parents=True)
    assert build.cli(["--root", str(tmp_path / "r")]) == 0
    obs = dataset.load_observations(tmp_path / "r")
    assert list(obs.columns) == dataset.OBS_COLUMNS and len(obs) == 0
    man = json.loads((tmp_path / "r" / "processed" / "manifest.json").read_text(encoding="utf-8"))
    assert man["inputs"] == [] and man["illustrative"] is False


def test_gbv_register_errors_do_not_echo_case_values(root):
    # A duplicated case id and a report before the incident: both are located (row, column)
    # but no cell value of the sensitive register is copied into a message (findings.csv).
    cols = list(REGISTER_COLUMNS)  # the register contract (me_utils.intake.register)
    flags = ",".join(["0"] * 13)
    rows = [
        "GBV-QN-2024-0001,QN,physical_assault,1,0,0,F,25-59,Thai,0,2024-03-01,2024-03-02," + flags,
        "GBV-QN-2024-0001,QN,physical_assault,1,0,0,F,25-59,Thai,0,2024-03-05,2024-03-02," + flags,
    ]
    _csv(root / "raw" / "gbv" / "register.csv", ",".join(cols) + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(build.BuildError) as exc:
        build.run_build(root)
    msgs = [m for m in exc.value.messages if m.file == "gbv/register.csv"]
    assert {(m.row, m.column) for m in msgs} == {(2, "case_id"), (3, "case_id"), (3, "report_date")}
    assert all(m.value == "" for m in msgs)


def test_build_checks_the_register_with_the_gbv_rules(root):
    # What the GBV report would refuse, the build refuses: an unknown district code, an
    # impossible date and a case id whose unit differs from unit_code.
    cols = list(REGISTER_COLUMNS)  # the register contract (me_utils.intake.register)
    flags = ",".join(["0"] * 13)
    rows = [
        "GBV-QN-2024-0001,XX,physical_assault,1,0,0,F,25-59,Thai,0,2024-03-01,2024-03-02," + flags,
        "GBV-QN-2024-0002,QN,physical_assault,1,0,0,F,25-59,Thai,0,2024-13-45,2024-03-02," + flags,
        "GBV-ML-2024-0003,QN,physical_assault,1,0,0,F,25-59,Thai,0,2024-03-01,2024-03-02," + flags,
    ]
    _csv(root / "raw" / "gbv" / "register.csv", ",".join(cols) + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(build.BuildError) as exc:
        build.run_build(root)
    errs = {(m.row, m.column) for m in exc.value.messages if m.file == "gbv/register.csv" and m.severity == "error"}
    assert (2, "unit_code") in errs and (3, "incident_date") in errs and (4, "case_id") in errs
    unit_msg = next(m for m in exc.value.messages if (m.row, m.column) == (2, "unit_code"))
    # no register cell value in any column: a misaligned row moves case ids and dates anywhere
    assert unit_msg.value == ""
    assert all(m.value == "" for m in exc.value.messages if m.file == "gbv/register.csv")
