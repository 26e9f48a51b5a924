"""Tests of ``me demo`` (illustrative demo data): determinism, real leadership totals,
consistency of submitted GBV figures with the register, the awkward cases, labels, refusal to
overwrite real data.

The submission files are read back here with a small reader of our own (openpyxl / csv) and
the register indicators recomputed with plain Python loops, independently of the pandas code
that produced them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from me_utils.demo import generate as demo
from me_utils.demo import submissions as S

SEED = 20250506
DISTRICTS = {"TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"}


def _hashes(raw: Path) -> dict[str, str]:
    return {
        p.relative_to(raw).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(raw.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("demo_a") / "demo"
    assert demo.cli(["--out", str(root), "--seed", str(SEED)]) == 0
    return root / "raw"


# ----------------------------------------------------------------------------- reading back

_UNIT_NAMES = None


def _unit_code(text: str) -> str:
    global _UNIT_NAMES
    if _UNIT_NAMES is None:
        names = demo.load_unit_names()
        _UNIT_NAMES = {v: k for col in names.values() for k, v in col.items()}
        _UNIT_NAMES["huyện Mộc Châu"] = "MC"  # before its upgrade to thị xã
    if text in DISTRICTS | {"SL"}:
        return text
    if text not in _UNIT_NAMES:  # a 2026 file: commune names (they repeat district names)
        return {
            v: k for col in demo.load_unit_names(include_communes=True).values() for k, v in col.items() if len(k) == 5
        }.get(text, text)
    return _UNIT_NAMES[text]


def _num(v):
    """Parse a cell as a department types it (Vietnamese text or a plain number)."""
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        return float(v)
    s = str(v).rstrip("%")
    if "," in s:  # Vietnamese: dot thousands, comma decimals
        return float(s.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
        return float(s.replace(".", ""))
    return float(s)


def read_submission(path: Path) -> dict:
    """Department, date and rows of one demo submission file."""
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path)
        grid = []
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if any("Mã chỉ tiêu" in r for r in rows):
                grid = rows
                break
        props = wb.properties
    else:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:  # the Windows-1258 file: tone marks come as combining marks
            text = unicodedata.normalize("NFC", data.decode("cp1258"))
        delim = ";" if text.count(";") > text.count(",") else ","
        grid = list(csv.reader(io.StringIO(text), delimiter=delim))
        props = None
    meta, rows, header = {}, [], None
    for r in grid:
        first = r[0] if r else None
        if header is None:
            if "Mã chỉ tiêu" in r:
                header = r
            elif isinstance(first, str) and ":" in first:
                k, _, v = first.partition(":")
                meta[k.strip()] = v.strip()
            continue
        rec = dict(zip(header, r))
        if not rec.get("Mã chỉ tiêu"):
            continue
        rows.append(
            {
                "code": rec["Mã chỉ tiêu"],
                "unit": _unit_code(rec["Đơn vị"]),
                "year": int(rec["Năm"]),
                "period": {"Năm": "FY", "6 tháng": "H1"}[rec["Kỳ báo cáo"]],
                "value": _num(rec["Giá trị"]),
                "num": _num(rec["Tử số"]),
                "den": _num(rec["Mẫu số"]),
                "sex": {"Tổng": "T", "Nữ": "F", "Nam": "M"}.get(rec["Giới tính"], rec["Giới tính"]),
                "data_status": rec.get("data_status"),
            }
        )
    sent = dt.datetime.strptime(meta["Ngày gửi"], "%d/%m/%Y").date()
    return {"department": meta["Cơ quan báo cáo"], "sent": sent, "rows": rows, "grid": grid, "props": props}


@pytest.fixture(scope="module")
def subs(out) -> dict[str, dict]:
    # 2020-2025 (the 2026 commune files are tested in test_communes_intake.py)
    return {
        p.relative_to(out).as_posix(): read_submission(p)
        for p in sorted((out / "submissions").rglob("*"))
        if p.is_file() and p.parent.name != "2026"
    }


@pytest.fixture(scope="module")
def latest(subs) -> dict[tuple, dict]:
    """Latest total (sex T) figure per (code, unit, year, period): later sending date wins."""
    best: dict[tuple, tuple] = {}
    for _name, s in subs.items():
        for r in s["rows"]:
            if r["sex"] != "T":
                continue
            key = (r["code"], r["unit"], r["year"], r["period"])
            if key not in best or s["sent"] > best[key][0]:
                best[key] = (s["sent"], r)
    return {k: v[1] for k, v in best.items()}


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ----------------------------------------------------------------------------- determinism


def test_same_seed_gives_byte_identical_files(out, tmp_path):
    again = tmp_path / "b"
    demo.generate(again, SEED)
    a, b = _hashes(out), _hashes(again / "raw")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    assert any(k.endswith(".xlsx") for k in a) and any(k.startswith("submissions/") and k.endswith(".csv") for k in a)


def test_different_seed_gives_different_data(out, tmp_path):
    other = tmp_path / "c"
    demo.generate(other, SEED + 1)
    a, b = _hashes(out), _hashes(other / "raw")
    assert a["gbv/register.csv"] != b["gbv/register.csv"]
    assert a["population/population.csv"] != b["population/population.csv"]
    changed = [k for k in a if k.startswith("submissions/") and a[k] != b.get(k)]
    assert len(changed) > 10


# ----------------------------------------------------------------------------- leadership


def test_council_totals_2021_equal_published_son_la_figures(out):
    rows = read_csv(out / "leadership" / "councils.csv")
    cur = [r for r in rows if r["term"] == "2021-2026"]
    tot = defaultdict(lambda: [0, 0])
    for r in cur:
        tot[r["level"]][0] += int(r["women"])
        tot[r["level"]][1] += int(r["seats"])
    # Hội LHPN tỉnh Sơn La (provincial Election Committee report), 2021-2026 term
    assert tot["province"] == [23, 65]
    assert tot["district"] == [152, 405]
    assert tot["commune"] == [1898, 4590]
    prov = [r for r in cur if r["level"] == "province"]
    assert len(prov) == 1 and prov[0]["unit_code"] == "SL"
    assert prov[0]["figure_status"] == "published"
    assert "hoiphunutinhsonla.com.vn" in prov[0]["source"]
    for level in ("district", "commune"):
        lv = [r for r in cur if r["level"] == level]
        assert {r["unit_code"] for r in lv} == DISTRICTS and len(lv) == 12
        assert {r["figure_status"] for r in lv} == {"split_of_published_total"}
    old = [r for r in rows if r["term"] == "2016-2021"]
    assert len(old) == 25 and {r["figure_status"] for r in old} == {"generated"}
    assert all(r["source"] == "" for r in old)
    for r in rows:
        assert 0 <= int(r["ethnic_minority_women"]) <= int(r["women"]) <= int(r["seats"])
        assert r["data_status"] == "illustrative"


def test_m1c1_and_l2_l3_submissions_agree_with_leadership_tables(out, latest):
    kl = read_csv(out / "leadership" / "key_leaders.csv")
    pool = read_csv(out / "leadership" / "planning_pool.csv")
    for y in range(2020, 2026):
        n = sum(int(r["agencies_with_woman_key_leader"]) for r in kl if int(r["year"]) == y)
        d = sum(int(r["agencies"]) for r in kl if int(r["year"]) == y)
        for code in ("M1.C1", "L.1"):
            r = latest[(code, "SL", y, "FY")]
            assert (r["num"], r["den"]) == (n, d)
            assert r["value"] == pytest.approx(100 * n / d, abs=0.006)
        w = sum(int(r["women_in_pool"]) for r in pool if int(r["year"]) == y)
        s = sum(int(r["pool_size"]) for r in pool if int(r["year"]) == y)
        t = sum(int(r["women_trained"]) for r in pool if int(r["year"]) == y)
        assert (latest[("L.2", "SL", y, "FY")]["num"], latest[("L.2", "SL", y, "FY")]["den"]) == (w, s)
        assert (latest[("L.3", "SL", y, "FY")]["num"], latest[("L.3", "SL", y, "FY")]["den"]) == (t, w)


# ----------------------------------------------------------------------------- GBV register


def _register_expected(reg: list[dict]) -> dict[tuple, list[int]]:
    """num/den per (code, unit, year, period) from the register, by plain loops."""
    acc: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    svc = ("svc_health", "svc_psychosocial", "svc_legal", "svc_police_justice", "svc_safe_shelter")
    for c in reg:
        if c["consent_reporting"] != "1":
            continue
        f = {k: c[k] == "1" for k in c if k not in ("case_id", "unit_code", "incident_type")}
        gbv = c["incident_type"] != "non_gbv"
        any_svc = any(f[s] for s in svc)
        plh = f["svc_health"] or f["svc_legal"] or f["svc_police_justice"] or f["svc_safe_shelter"]
        nonpros = f["perpetrator_detected"] and not f["perpetrator_prosecuted"]
        tests = {
            "M3.C2a": (gbv, any_svc),
            "M3.C2b": (gbv and nonpros, f["perpetrator_counselled"]),
            "G.1": (gbv, f["sought_help"]),
            "G.2": (gbv and f["needed_help"], any_svc),
            "DV.4": (f["domestic_violence"], plh),
            "DV.5": (f["domestic_violence"] and nonpros, f["perpetrator_counselled"]),
        }
        year, month = int(c["report_date"][:4]), int(c["report_date"][5:7])
        if year > 2025:  # 2026 cases by commune are in the register only, not in submissions
            continue
        periods = ["FY"] + (["H1"] if month <= 6 else [])
        for code, (in_den, in_num) in tests.items():
            if not in_den:
                continue
            for p in periods:
                for unit in (c["unit_code"], "SL"):
                    acc[(code, unit, year, p)][1] += 1
                    acc[(code, unit, year, p)][0] += int(bool(in_num))
    return acc


def test_submitted_gbv_figures_match_the_register(out, latest):
    reg = read_csv(out / "gbv" / "register.csv")
    expected = _register_expected(reg)
    gbv_codes = {"M3.C2a", "M3.C2b", "G.1", "G.2", "DV.4", "DV.5"}
    sent = {k: r for k, r in latest.items() if k[0] in gbv_codes}
    assert len(sent) > 500
    for key, r in sent.items():
        n, d = expected[key]
        assert (r["num"], r["den"]) == (n, d), key
        assert r["value"] == pytest.approx(100 * n / d, abs=0.006), key
    # every unit/year/period with cases is reported (SNV and SVHTTDL, who report these
    # codes, send half-year reports too), except district rows after the reform
    for key, (_n, _d) in expected.items():
        code, unit, year, period = key
        if unit != "SL" and year == 2025 and period == "FY":
            assert key not in sent, key
        else:
            assert key in sent, key


def test_register_content(out):
    reg = read_csv(out / "gbv" / "register.csv")
    assert 2000 <= len(reg) <= 5000
    ids = [r["case_id"] for r in reg]
    assert len(set(ids)) == len(ids)
    districts = r"(TPSL|QN|TC|ML|BY|PY|MC|YC|MS|SM|SC|VH)"
    for r in reg:
        # received before 1 July 2025: the former district; from then on: the commune (5 digits)
        if r["report_date"] < "2025-07-01":
            assert re.fullmatch(rf"GBV-{districts}-20(2[0-5])-\d{{4}}", r["case_id"]), r["case_id"]
        else:
            assert re.fullmatch(r"GBV-\d{5}-202[56]-\d{4}", r["case_id"]), r["case_id"]
    years = {r["report_date"][:4] for r in reg}
    assert years == {str(y) for y in range(2020, 2027)}
    assert max(r["report_date"] for r in reg) <= "2026-11-30"
    assert all(r["case_id"].split("-")[1] == r["unit_code"] for r in reg)
    assert all(r["case_id"].split("-")[2] == r["report_date"][:4] for r in reg)
    assert all(r["incident_date"] <= r["report_date"] for r in reg)
    assert not {"name", "survivor_name", "address", "phone"} & set(reg[0])
    assert list(reg[0]) == [
        "case_id",
        "unit_code",
        "incident_type",
        "ipv",
        "child_sexual_abuse",
        "early_marriage",
        "survivor_sex",
        "survivor_age_group",
        "survivor_ethnicity",
        "survivor_disability",
        "incident_date",
        "report_date",
        "svc_health",
        "svc_psychosocial",
        "svc_legal",
        "svc_police_justice",
        "svc_safe_shelter",
        "needed_help",
        "sought_help",
        "referred",
        "consent_reporting",
        "perpetrator_detected",
        "perpetrator_counselled",
        "perpetrator_prosecuted",
        "domestic_violence",
        "data_status",
    ]
    assert {r["data_status"] for r in reg} == {"illustrative"}
    non_consent = sum(r["consent_reporting"] == "0" for r in reg)
    assert 0.02 * len(reg) < non_consent < 0.12 * len(reg)
    early = Counter(r["unit_code"] for r in reg if r["early_marriage"] == "1" and r["report_date"] < "2025-07-01")
    assert sum(early[d] for d in ("SM", "SC", "BY", "TC", "ML")) > 0.7 * sum(early.values())
    # counselled only among detected perpetrators not prosecuted (schema definition)
    assert all(
        r["perpetrator_detected"] == "1" and r["perpetrator_prosecuted"] == "0"
        for r in reg
        if r["perpetrator_counselled"] == "1"
    )
    assert all(r["survivor_age_group"] == "12-17" for r in reg if r["early_marriage"] == "1")


def test_returnees_and_m3c3(out, latest):
    ret = read_csv(out / "trafficking" / "returnees.csv")
    assert {r["agency"] for r in ret} == {"CA", "BDBP"}
    for r in ret:
        assert int(r["returnees_supported"]) <= int(r["returnees_in_need"]) <= int(r["returnees_detected"])
    for y in range(2020, 2026):
        n = sum(int(r["returnees_supported"]) for r in ret if int(r["year"]) == y)
        d = sum(int(r["returnees_in_need"]) for r in ret if int(r["year"]) == y)
        s = latest[("M3.C3", "SL", y, "FY")]
        assert (s["num"], s["den"]) == (n, d)
    assert latest[("M3.C3", "SL", 2022, "FY")]["value"] < 100


def test_population_plausible(out):
    pop = read_csv(out / "population" / "population.csv")
    tot = defaultdict(int)
    for r in pop:
        tot[int(r["year"])] += int(r["population"])
    assert sorted(tot) == list(range(2020, 2026))
    assert all(1_250_000 <= v <= 1_330_000 for v in tot.values())
    assert all(tot[y] < tot[y + 1] for y in range(2020, 2025))
    assert {r["unit_code"] for r in pop} == DISTRICTS
    assert {r["sex"] for r in pop} == {"F", "M"}


# ----------------------------------------------------------------------------- awkward cases


def test_late_submission(subs):
    late = subs["submissions/2023/SYT_2023_FY.xlsx"]
    assert late["sent"] > dt.date(2023, 11, 25)
    for name, s in subs.items():
        if name == "submissions/2023/SYT_2023_FY.xlsx" or "_r" in name:
            continue
        y = int(name.split("/")[1])
        due = dt.date(y, 5, 20) if "_H1" in name else dt.date(y, 11, 25)
        assert s["sent"] < due, name


def test_missing_period(out):
    stc = sorted(p.name for p in (out / "submissions").rglob("STC_*") if p.parent.name != "2026")
    assert "STC_2022_FY.csv" not in stc
    assert len(stc) == 5 and {n[4:8] for n in stc} == {"2020", "2021", "2023", "2024", "2025"}


def test_revised_figure(subs, out):
    first = subs["submissions/2024/SNV_2024_FY.xlsx"]
    r2 = subs["submissions/2024/SNV_2024_FY_r2.xlsx"]
    assert r2["sent"] > first["sent"]
    assert [(r["code"], r["unit"]) for r in r2["rows"]] == [("M1.C1", "SL")]
    old = [r for r in first["rows"] if (r["code"], r["unit"]) == ("M1.C1", "SL")][0]
    new = r2["rows"][0]
    assert old["den"] == new["den"] and old["num"] != new["num"]
    kl = read_csv(out / "leadership" / "key_leaders.csv")
    assert new["num"] == sum(int(r["agencies_with_woman_key_leader"]) for r in kl if r["year"] == "2024")


def test_tiny_counts_in_sop_cop(latest):
    sc = [r for k, r in latest.items() if k[1] == "SC" and k[0] == "M3.C2a" and k[3] == "FY"]
    assert sc and all(r["den"] < 15 for r in sc)
    assert any(1 <= r["num"] <= 4 for k, r in latest.items() if k[1] == "SC")


def test_no_district_rows_after_the_reform(subs):
    for name, s in subs.items():
        for r in s["rows"]:
            if r["unit"] != "SL" and r["year"] == 2025:
                assert r["period"] == "H1", (name, r)
    # 2025 H1 does have district rows (the district level lasted until 30/06/2025)
    h1 = subs["submissions/2025/SNV_2025_H1.xlsx"]["rows"]
    assert {r["unit"] for r in h1} >= {"TPSL", "SM"}


def test_second_sheet_and_text_values(subs, out):
    wb = openpyxl.load_workbook(out / "submissions" / "2022" / "SNV_2022_FY.xlsx")
    assert wb.sheetnames == ["Hướng dẫn", "Báo cáo"]
    syt = subs["submissions/2021/SYT_2021_FY.xlsx"]["grid"]
    texts = [c for row in syt for c in row if isinstance(c, str)]
    assert any(re.fullmatch(r"\d+,\d+%", t) for t in texts)  # e.g. 100,00%
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+", t) for t in texts)  # e.g. 10.737

    def units_as_typed(sub):
        grid = sub["grid"]
        h = next(i for i, r in enumerate(grid) if "Mã chỉ tiêu" in r)
        col = grid[h].index("Đơn vị")
        return {r[col] for r in grid[h + 1 :] if len(r) > col and r[col]}

    assert "Thuận Châu" in units_as_typed(subs["submissions/2021/SNV_2021_FY.xlsx"])
    assert "Thuan Chau" in units_as_typed(subs["submissions/2021/SVHTTDL_2021_FY.csv"])
    ca = set().union(*(units_as_typed(s) for n, s in subs.items() if "/CA_" in n))
    assert {"huyện Sông Mã", "tỉnh Sơn La"} <= ca
    mc = {
        (n.split("/")[1], u)
        for n, s in subs.items()
        for u in units_as_typed(s)
        if isinstance(u, str) and u.endswith("Mộc Châu")
    }
    assert ("2024", "huyện Mộc Châu") in mc and ("2025", "thị xã Mộc Châu") in mc
    assert not any(y == "2025" and name == "huyện Mộc Châu" for y, name in mc)


# ----------------------------------------------------------------------------- labels


def test_every_file_is_labelled_illustrative(out, subs):
    assert (out / "ILLUSTRATIVE").is_file() and (out / "ILLUSTRATIVE").read_bytes() == b""
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "DỮ LIỆU MINH HỌA" in readme and "ILLUSTRATIVE DATA" in readme
    assert f"Seed / hạt giống: {SEED}" in readme
    assert "23/65" in readme and "hoiphunutinhsonla.com.vn" in readme
    for name, s in subs.items():
        assert any("DỮ LIỆU MINH HỌA" in str(c) for row in s["grid"][:3] for c in row if c), name
        if name.endswith(".xlsx"):
            assert "Illustrative" in s["props"].title and "minh họa" in s["props"].subject
        else:
            assert {r["data_status"] for r in s["rows"]} == {"illustrative"}, name
    for p in out.rglob("*.csv"):
        if "submissions" in p.parts:
            continue
        rows = read_csv(p)
        assert rows and {r["data_status"] for r in rows} == {"illustrative"}, p


def test_xlsx_dates_pinned_to_sending_date(out, subs):
    for name, s in subs.items():
        if name.endswith(".xlsx"):
            assert s["props"].created.date() == s["sent"] == s["props"].modified.date()


# ----------------------------------------------------------------------------- safety


@pytest.fixture
def quick_render(monkeypatch):
    """The folder-handling tests do not need the real content: a two-file stand-in."""
    monkeypatch.setattr(demo, "render", lambda seed: {"ILLUSTRATIVE": b"", "README.txt": f"seed {seed}".encode()})


def test_refuses_to_overwrite_a_folder_that_is_not_a_demo(tmp_path, capsys, quick_render):
    real = tmp_path / "real"
    (real / "raw").mkdir(parents=True)
    keep = real / "raw" / "SNV_2024_FY.xlsx"
    keep.write_bytes(b"real data")
    assert demo.cli(["--out", str(real)]) == 2
    assert "not a previous demo output" in capsys.readouterr().err
    assert keep.read_bytes() == b"real data"
    assert sorted(p.name for p in real.rglob("*")) == ["SNV_2024_FY.xlsx", "raw"]
    with pytest.raises(demo.DemoError):
        demo.generate(real, SEED)
    assert [p.name for p in tmp_path.iterdir()] == ["real"]  # no temp folder left


def test_rewrites_a_previous_demo_folder_as_a_whole(tmp_path, quick_render):
    root = tmp_path / "d"
    demo.generate(root, SEED)
    stale = root / "raw" / "submissions" / "2020" / "OLD_2020_FY.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("x")
    (root / "processed").mkdir()
    (root / "processed" / "observations.csv").write_text("stale")
    demo.generate(root, SEED + 5)
    assert not stale.exists() and not (root / "processed").exists()
    assert (root / "raw" / "ILLUSTRATIVE").exists()
    assert (root / "raw" / "README.txt").read_text(encoding="utf-8") == f"seed {SEED + 5}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]  # temp and old folders gone


def test_empty_existing_folder_is_accepted(tmp_path, quick_render):
    root = tmp_path / "empty"
    root.mkdir()
    demo.generate(root, SEED)
    assert (root / "raw" / "ILLUSTRATIVE").exists()


def test_awkward_constants_describe_the_files(out):
    aw = S.AWKWARD
    assert (
        out
        / "submissions"
        / str(aw["revised"]["year"])
        / f"{aw['revised']['department']}_{aw['revised']['year']}_{aw['revised']['period']}"
        f"_r{aw['revised']['revision']}.xlsx"
    ).exists()


def test_a_failed_generation_leaves_the_previous_demo_intact(tmp_path, monkeypatch, quick_render):
    root = tmp_path / "d"
    demo.generate(root, SEED)
    before = _hashes(root / "raw")

    def boom(seed):
        return {"ILLUSTRATIVE": b"", "a/b.csv": b"x", "a": b"file and folder clash"}

    monkeypatch.setattr(demo, "render", boom)
    with pytest.raises(OSError):
        demo.generate(root, SEED + 1)
    assert _hashes(root / "raw") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]


def test_windows_1258_file(out, subs):
    data = (out / "submissions" / "2023" / "STC_2023_FY.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = unicodedata.normalize("NFC", data.decode("cp1258"))
    assert "Cơ quan báo cáo: Sở Tài chính" in text
    assert subs["submissions/2023/STC_2023_FY.csv"]["rows"][0]["code"] == "M2.C3"
    # letters with circumflex/horn are code-page characters, tone marks combining ones
    assert demo.encode_cp1258("Sốp Cộp, Mường, Đ") == "Sô\u0301p Cô\u0323p, Mươ\u0300ng, Đ".encode("cp1258")


def test_intake_accepts_every_demo_submission(out):
    """Integration with me_utils.intake.submissions (issue 4): every file parses with no error and the
    parsed figures equal what our reader sees."""
    from me_utils.intake import submissions as intake

    for p in sorted((out / "submissions").glob("*/*")):
        sub = intake.validate_file(p, display_name=p.relative_to(out).as_posix())
        errors = [m for m in sub.messages if m.severity == "error"]
        assert errors == [], (p.name, errors[:3])
        assert int(sub.records["_ok"].sum()) == len(read_submission(p)["rows"]) > 0, p.name


def test_trends_give_the_assessment_something_to_say(latest):
    """Province series against the 2025 targets: some achieved, some behind, one moving away
    from its target (sex ratio at birth above the cap of 111)."""
    from me_utils.reference.catalogue import load_catalogue

    cat = load_catalogue()
    status = {}
    for code, ind in cat.indicators.items():
        t = ind.target_2025
        pts = {y: latest[(code, "SL", y, "FY")]["value"] for y in range(2020, 2026) if (code, "SL", y, "FY") in latest}
        if t is None or 2025 not in pts or 2020 not in pts:
            continue
        down = ind.direction in ("decrease", "cap")
        met = pts[2025] <= t if down else pts[2025] >= t
        toward = (pts[2025] < pts[2020]) if down else (pts[2025] > pts[2020])
        status[code] = "achieved" if met else ("behind" if toward else "deteriorating")
    assert status["M4.C1"] == "deteriorating"
    assert latest[("M4.C1", "SL", 2025, "FY")]["value"] > 111
    assert status["M2.C3"] == "achieved" and status["M2.C1"] == "behind"
    counts = Counter(status.values())
    assert counts["achieved"] >= 5 and counts["behind"] >= 5 and counts["deteriorating"] == 1


def test_deterministic_across_processes(out, tmp_path):
    """A fresh interpreter with another hash seed writes the same bytes."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run(
        [sys.executable, "-m", "me_utils.demo.generate", "--out", str(tmp_path / "p"), "--seed", str(SEED)],
        check=True,
        env=env,
        capture_output=True,
    )
    assert _hashes(tmp_path / "p" / "raw") == _hashes(out)


def test_every_catalogue_indicator_is_sent_by_its_department(subs):
    """Each department reports the indicators the catalogue assigns it, every year."""
    from me_utils.reference.catalogue import department_name, load_catalogue

    cat = load_catalogue()
    seen = defaultdict(set)
    for name, s in subs.items():
        dept = name.split("/")[-1].split("_")[0]
        assert s["department"] == department_name(dept, "vi"), name
        for r in s["rows"]:
            assert cat.indicators[r["code"]].department == dept, (name, r["code"])
            seen[r["code"]].add(r["year"])
    expected = set(cat.indicators) - set(S.NOT_SUBMITTED)
    assert set(seen) == expected
    missing_year = {(c, y) for c in expected for y in range(2020, 2026) if y not in seen[c]}
    assert missing_year == {("M2.C3", 2022)}  # the STC gap


def test_sex_breakdown_adds_up(subs):
    """M5.C1 (ethnic-minority boys and girls completing primary school) is sent for girls
    and boys too; their numerators and denominators add up to the total."""
    rows = [r for s in subs.values() for r in s["rows"] if r["code"] == "M5.C1"]
    by = defaultdict(dict)
    for r in rows:
        by[r["year"]][r["sex"]] = r
    assert sorted(by) == list(range(2020, 2026))
    for _y, d in by.items():
        assert set(d) == {"T", "F", "M"}
        assert d["F"]["num"] + d["M"]["num"] == d["T"]["num"]
        assert d["F"]["den"] + d["M"]["den"] == d["T"]["den"]
        assert d["F"]["value"] > d["M"]["value"]
    assert {r["sex"] for s in subs.values() for r in s["rows"] if r["code"] != "M5.C1"} == {"T"}


def test_leftovers_of_a_killed_run_are_cleaned_and_bad_seed_refused(tmp_path, quick_render, capsys):
    root = tmp_path / "d"
    half = tmp_path / ".d.tmp-abc" / "raw"
    half.mkdir(parents=True)
    (half / "ILLUSTRATIVE").write_bytes(b"")
    other = tmp_path / ".d.tmp-notours"
    other.mkdir()
    (other / "keep.txt").write_text("not a demo")
    demo.generate(root, SEED)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".d.tmp-notours", "d"]
    assert demo.cli(["--out", str(tmp_path / "e"), "--seed", "-1"]) == 2
    assert "seed" in capsys.readouterr().err
    assert not (tmp_path / "e").exists()


def test_unwritable_target_gives_a_message_not_a_traceback(tmp_path, quick_render, capsys):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    assert demo.cli(["--out", str(blocker / "d")]) == 1  # parent is a file: cannot mkdir
    assert "cannot write" in capsys.readouterr().err
    assert blocker.read_text() == "x"
