"""The GBV register and report after 1 July 2025: cases carry the commune that received them,
a unit that did not exist on the case's report date is a located error naming the codes to use,
the 2026–2030 cubes are by commune, and a commune GBV report renders through the runner with
its disclosure log and no small count visible."""

from __future__ import annotations

import csv
import html as _html
import os
import re
import subprocess
import sys
from collections import Counter

import numpy as np
import pandas as pd
import pytest
from test_gbv import BASE as GBV_BASE

from me_utils.analysis import disclosure as D
from me_utils.analysis import gbv
from me_utils.core import paths
from me_utils.render import leakscan

# test_gbv's case, moved to mid-2025 and with a basic service received.
BASE = dict(
    GBV_BASE,
    incident_date="2025-06-01",
    report_date="2025-06-03",
    svc_health="1",
    needed_help="1",
    sought_help="1",
)


def _register(rows):
    out = []
    for i, r in enumerate(rows, start=1):
        d = dict(BASE, **r)
        d["case_id"] = f"GBV-{d['unit_code']}-{d['report_date'][:4]}-{i:04d}"
        out.append(d)
    return pd.DataFrame(out)[gbv.REGISTER_COLUMNS]


def _reference_rows(name):
    with (paths.reference_dir() / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_units_fit_the_report_date_at_the_reform_boundary():
    # a district on its last day and a commune on its first day are both valid
    typed, problems = gbv.validate_register(
        _register(
            [
                dict(unit_code="SC", incident_date="2025-06-28", report_date="2025-06-30"),
                dict(unit_code="04231", incident_date="2025-06-28", report_date="2025-07-01"),
                dict(unit_code="03646", incident_date="2026-03-01", report_date="2026-03-02"),
            ]
        )
    )
    assert (problems["severity"] != "error").all()
    assert list(typed["unit_code"].astype(str)) == ["SC", "04231", "03646"]


def test_a_2026_district_case_is_refused_naming_the_new_communes():
    rows = [
        dict(unit_code="SC", incident_date="2026-02-01", report_date="2026-02-03"),  # line 2: refused
        dict(unit_code="04231", incident_date="2026-02-01", report_date="2026-02-03"),  # line 3: fine
    ]
    with pytest.raises(gbv.RegisterError) as ei:
        gbv.validate_register(_register(rows), source="gbv/register.csv", lang="vi")
    err = ei.value.errors
    bad = err[err["severity"] == "error"]
    assert list(zip(bad["row"], bad["column"])) == [(2, "unit_code")]
    # the communes that took over huyện Sốp Cộp, read from the district crosswalk by hand
    expected = [r["new_code"] for r in _reference_rows("crosswalk_districts_2025.csv") if r["former_district"] == "SC"]
    assert len(expected) == 4  # 8 former units merged into 4 communes
    reason = bad.iloc[0]["reason_vi"]
    assert "01/07/2025" in reason and "xã/phường" in reason
    assert all(code in reason for code in expected)
    msg = str(ei.value)
    assert "dòng 2, cột unit_code" in msg and "04231 (xã Sốp Cộp)" in msg
    assert "2026-02-03" not in msg and "GBV-SC" not in msg  # never a date or case id
    with pytest.raises(gbv.RegisterError) as ei:
        gbv.validate_register(_register(rows[:1]), lang="en")
    assert "row 2, column unit_code: district code SC" in str(ei.value)
    assert "from 1 July 2025" in str(ei.value) and all(code in str(ei.value) for code in expected)


def test_a_commune_case_before_the_reform_is_refused_naming_the_former_districts():
    rows = [
        dict(unit_code="MC"),  # line 2: fine (June 2025)
        dict(unit_code="03985", incident_date="2025-05-01", report_date="2025-05-02"),  # Chiềng Sơn
    ]
    with pytest.raises(gbv.RegisterError) as ei:
        gbv.validate_register(_register(rows), lang="vi")
    bad = ei.value.errors[ei.value.errors["severity"] == "error"]
    assert list(zip(bad["row"], bad["column"])) == [(3, "unit_code")]
    reason = bad.iloc[0]["reason_vi"]
    # xã Chiềng Sơn was formed from units of Vân Hồ and Mộc Châu (communes_2025.csv)
    row = next(r for r in _reference_rows("communes_2025.csv") if r["unit_code"] == "03985")
    assert set(row["former_districts"].split(";")) == {"VH", "MC"}
    assert "VH (huyện Vân Hồ)" in reason and "MC (" in reason and "trước ngày này" in reason


def test_phase_areas_map_communes_to_their_former_district_in_the_district_phase():
    codes = ["SC", "04231", "03646", "03985"]
    # 04231 xã Sốp Cộp ← SC; 03646 phường Tô Hiệu ← TPSL; 03985 Chiềng Sơn (two districts) kept
    assert list(gbv.phase_areas(codes, 2021)) == ["SC", "SC", "TPSL", "03985"]
    assert list(gbv.phase_areas(codes, 2026)) == codes
    assert gbv.phase_units(2021) == ["TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"]
    communes = [r["unit_code"] for r in _reference_rows("communes_2025.csv")]
    assert gbv.phase_units(2026) == communes and len(communes) == 75


def test_a_length_one_axis_is_suppressed_like_the_squeezed_table():
    # 2 units × 1 year: the year margin repeats each cell. Squeezed: [3, 7] + total 10, k = 5 →
    # 3 primary, 7 complementary (else 10 − 7 gives it back), the total 10 shown.
    cube = D.suppress_cube(np.array([[3], [7]]), [["A", "B"], [2026]], ("unit", "year"), k=5)
    assert cube.hidden.tolist() == [[True, True], [True, True], [False, False]]
    assert cube.reason[0, 0] == "primary" and cube.reason[1, 1] == "complementary"
    assert cube.counts.tolist() == [[3, 3], [7, 7], [10, 10]]
    assert set(cube.audit["cell"]) == {0, 1, 2, 3}  # every hidden cell (and copy) audited
    # a single cell: the primary rule alone
    one = D.suppress_cube(np.array([[2]]), [["A"], [2026]], ("unit", "year"), k=5)
    assert one.hidden.all()


# --------------------------------------------------------------------------- end to end


def _me(*args, timeout=1500):
    env = {**os.environ, "PYTHONPATH": str(paths.project_root() / "src")}
    return subprocess.run(
        [sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.fixture(scope="module")
def commune_gbv(tmp_path_factory):
    base = tmp_path_factory.mktemp("gbvcommunes")
    root, reports = base / "demo", base / "reports"
    for step in (
        ["demo", "--out", str(root)],
        ["build", "--root", str(root)],
        ["report", "--data-root", str(root), "--units", "03646", "--topics", "gbv", "--period", "2026-2030"]
        + ["--reports", str(reports), "--jobs", "1", "--no-progress"],
    ):
        p = _me(*step)
        assert p.returncode == 0, (step[0], p.stdout[-1500:], p.stderr[-1500:])
    return root, reports


def _tables(page: str) -> list[list[list[str]]]:
    out = []
    for t in re.findall(r"<table\b.*?</table>", page, flags=re.DOTALL):
        rows = []
        for tr in re.findall(r"<tr\b.*?</tr>", t, flags=re.DOTALL):
            cells = re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", tr, flags=re.DOTALL)
            rows.append([_html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
        out.append(rows)
    return out


def _text(page: str) -> str:
    t = re.sub(r"<script.*?</script>|<style.*?</style>", "", page, flags=re.DOTALL)
    return re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", " ", t)))


@pytest.mark.slow
def test_a_commune_gbv_report_renders_with_its_disclosure_log(commune_gbv):
    root, reports = commune_gbv
    page = (reports / "vi" / "03646" / "20_gbv.html").read_text(encoding="utf-8")
    text = _text(page)
    assert "Phòng ngừa và ứng phó với bạo lực trên cơ sở giới — phường Tô Hiệu, 2026–2030" in text
    assert "Dữ liệu minh họa" in text
    assert "Ở cấp xã, phần lớn số liệu bị ẩn" in text  # said plainly, in Vietnamese
    assert "Nhật ký ẩn số liệu" in text
    tables = _tables(page)
    log = next(t for t in tables if t and "Kiểm tra khôi phục" in t[0])
    assert len(log) > 5 and all(r[-1] == "không ô nào tính lại được" for r in log[1:])
    # no count 1–4 anywhere in a table (the disclosure scan, the reports' leak scan and an independent parse)
    assert D.scan_html_for_disclosure(page, k=5) == []
    assert leakscan.scan_reports(reports, k=5) == []
    for t in tables:
        for row in t:
            for c in row:
                if re.fullmatch(r"\d{1,3}(\.\d{3})*", c):
                    assert int(c.replace(".", "")) == 0 or int(c.replace(".", "")) >= 5, c
    # an indicator row with a hidden count shows no value and no interval
    for t in tables:
        if t and t[0][:3] == ["Năm", "Tử số", "Mẫu số"]:
            for row in t[1:]:
                if "x" in row[1:3]:
                    assert row[3] == "x" and row[4] == "x", row
    # a light page: tables only, no chart (one year is no trend; the funnels are on the province page)
    assert "<img" not in page
    assert "Biểu đồ phễu so sánh các xã, phường chỉ có trong báo cáo của tỉnh" in text
    # the shown total is the commune's consented 2026 GBV cases, counted from the register by hand
    with (root / "raw" / "gbv" / "register.csv").open(encoding="utf-8-sig") as fh:
        reg = list(csv.DictReader(fh))
    n = Counter(
        r["unit_code"]
        for r in reg
        if r["report_date"][:4] == "2026" and r["consent_reporting"] == "1" and r["incident_type"] != "non_gbv"
    )["03646"]
    types = next(t for t in tables if t and t[0][:2] == ["", "2026"] and t[1][0] == "Hiếp dâm")
    total = types[-1][1]
    assert total == "x" or int(total.replace(".", "")) == n
