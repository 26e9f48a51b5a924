"""Reports for the 2026–2030 phase: which units are planned, the index grouped by former
district, and a commune report rendered end to end."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from me_utils import runner
from me_utils.core import paths
from me_utils.reference.units import load_units
from me_utils.render import index


def _plan(period, units=None, topics=None, tmp_path=Path("/tmp")):
    nbs = runner.discover(paths.project_root() / "notebooks")
    return runner.plan_jobs(
        nbs,
        units=units,
        topics=topics,
        period=period,
        lang="vi",
        data_root=tmp_path,
        reports_dir=tmp_path / "reports",
        extra={},
        timeout=60,
        pdf=False,
        manifest={},
        git=None,
        max_bytes=10**7,
    )


def test_the_2026_2030_phase_plans_province_and_communes(tmp_path):
    jobs = _plan((2026, 2030), tmp_path=tmp_path)
    by_topic = {}
    for j in jobs:
        by_topic.setdefault(j.topic, []).append(j.unit)
    communes = load_units().communes()
    assert by_topic["scorecard"] == ["SL"] + communes and len(by_topic["scorecard"]) == 76
    assert by_topic["leadership"] == ["SL"] + communes
    assert by_topic["gbv"] == ["SL"] + communes  # from 01/07/2025 the GBV register is by commune
    assert by_topic["data_quality"] == ["SL"]
    assert all(j.params["period_start"] == 2026 and j.params["period_end"] == 2030 for j in jobs)
    j = next(j for j in jobs if j.unit == "03985" and j.topic == "scorecard")
    assert j.title.endswith("— xã Chiềng Sơn") and j.html_path.endswith("vi/03985/10_targets_scorecard.html")


def test_the_2021_2025_review_keeps_the_districts(tmp_path):
    jobs = _plan((2021, 2025), tmp_path=tmp_path)
    units = {j.unit for j in jobs if j.topic == "gbv"}
    assert units == {"SL", "TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH"}


def test_units_outside_the_phase_are_refused(tmp_path):
    with pytest.raises(runner.UsageError, match="unknown unit code.*MC"):
        _plan((2026, 2030), units=["MC"], tmp_path=tmp_path)
    assert [j.unit for j in _plan((2026, 2030), units=["04231"], topics=["scorecard"], tmp_path=tmp_path)] == ["04231"]


def test_index_groups_communes_by_former_district():
    units = load_units()
    runs = {}
    for u in ["SL"] + units.communes():
        runs[f"vi/{u}/10_targets_scorecard"] = {
            "unit": u,
            "stem": "10_targets_scorecard",
            "lang": "vi",
            "status": "ok",
            "html": f"vi/{u}/10_targets_scorecard.html",
            "seconds": 1.0,
        }
    html = index.render_index({"runs": runs, "last_run": {}})
    heads = re.findall(r'<tr class="me-group"><th colspan="2">([^<]+)</th>', html)
    assert len(heads) == 12
    assert heads[0] == "Địa bàn thành phố Sơn La cũ" and heads[-1] == "Địa bàn huyện Vân Hồ cũ"
    # 75 communes, Chiềng Sơn listed under both Mộc Châu and Vân Hồ, marked
    assert html.count('<tr><th scope="row">') == 1 + 76
    assert html.count("xã ghép từ hai huyện cũ") == 2
    mc = html.split("Địa bàn thị xã Mộc Châu cũ")[1].split('class="me-group"')[0]
    assert mc.count('<tr><th scope="row">') == 8 and "xã Tân Yên (03997)" in mc
    # the province comes first, before any group heading
    assert html.index("Tỉnh Sơn La (SL)") < html.index('me-group"><th')


def _me(*args, timeout=1500):
    import os

    env = {**os.environ, "PYTHONPATH": str(paths.project_root() / "src")}
    return subprocess.run(
        [sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.fixture(scope="module")
def commune_reports(tmp_path_factory):
    base = tmp_path_factory.mktemp("communes")
    root, reports = base / "demo", base / "reports"
    for step in (
        ["demo", "--out", str(root)],
        ["build", "--root", str(root)],
        [
            "report",
            "--data-root",
            str(root),
            "--units",
            "SL,04231",
            "--topics",
            "scorecard,leadership",
            "--period",
            "2026-2030",
            "--reports",
            str(reports),
            "--jobs",
            "2",
            "--no-progress",
        ],
    ):
        p = _me(*step)
        assert p.returncode == 0, (step[0], p.stdout[-1500:], p.stderr[-1500:])
    return root, reports


def _text(path: Path) -> str:
    import html as _html

    t = path.read_text(encoding="utf-8")
    t = re.sub(r"<script.*?</script>|<style.*?</style>", "", t, flags=re.DOTALL)
    return re.sub(r"\s+", " ", _html.unescape(re.sub(r"<[^>]+>", " ", t)))


@pytest.mark.slow
def test_a_commune_report_renders(commune_reports):
    from me_utils.demo import communes as demo_communes
    from me_utils.demo import generate as demo

    _, reports = commune_reports
    rows = demo_communes.commune_rows(20250506, demo.load_specs())
    m1 = rows[(rows["indicator_code"] == "M1.C1") & (rows["unit_code"] == "04231")].iloc[0]
    expected = f"{100 * m1['numerator'] / m1['denominator']:.1f}".replace(".", ",")
    sc = _text(reports / "vi" / "04231" / "10_targets_scorecard.html")
    assert "Đánh giá chỉ tiêu và mục tiêu — xã Sốp Cộp, 2026–2030" in sc
    assert "Dữ liệu minh họa" in sc
    assert f"{expected} (2026)" in sc
    ld = _text(reports / "vi" / "04231" / "30_leadership.html")
    assert "Chuỗi số liệu của xã Sốp Cộp bắt đầu từ ngày 01/07/2025" in ld
    assert "Đơn vị cấp huyện 04231" not in ld
    assert f"{int(m1['denominator'])} {int(m1['numerator'])} {expected}%" in ld
    idx = (reports / "index.html").read_text(encoding="utf-8")
    assert "Địa bàn huyện Sốp Cộp cũ" in idx and "xã Sốp Cộp (04231)" in idx


def test_each_phase_has_its_own_reports_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ME_PROJECT_ROOT", str(tmp_path))
    assert runner.phase_reports_dir((2021, 2025)) == paths.reports_dir()
    assert runner.phase_reports_dir((2026, 2030)) == paths.reports_dir() / "2026-2030"
    top, phase = tmp_path / "reports", tmp_path / "reports" / "2026-2030"
    phase.mkdir(parents=True)
    (top / "index.html").write_text("x", encoding="utf-8")
    (phase / "index.html").write_text("x", encoding="utf-8")
    state = {"runs": {}, "last_run": {}}
    assert '<a href="2026-2030/index.html">Giai đoạn 2026–2030</a>' in index.render_index(state, reports_dir=top)
    assert '<a href="../index.html">Giai đoạn 2021–2025 (tổng kết)</a>' in index.render_index(state, reports_dir=phase)
