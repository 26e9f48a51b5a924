"""Reports for the 2026–2030 phase: which units are planned, the index grouped by former
district, and a commune report rendered end to end."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from me_utils import index, paths, runner
from me_utils.units import load_units


def _plan(period, units=None, topics=None, tmp_path=Path("/tmp")):
    nbs = runner.discover(paths.project_root() / "notebooks")
    return runner.plan_jobs(nbs, units=units, topics=topics, period=period, lang="vi", data_root=tmp_path,
                            reports_dir=tmp_path / "reports", extra={}, timeout=60, pdf=False, manifest={},
                            git=None, max_bytes=10**7)


def test_the_2026_2030_phase_plans_province_and_communes(tmp_path):
    jobs = _plan((2026, 2030), tmp_path=tmp_path)
    by_topic = {}
    for j in jobs:
        by_topic.setdefault(j.topic, []).append(j.unit)
    communes = load_units().communes()
    assert by_topic["scorecard"] == ["SL"] + communes and len(by_topic["scorecard"]) == 76
    assert by_topic["leadership"] == ["SL"] + communes
    assert by_topic["gbv"] == ["SL"]  # the GBV register is by district: province only in this phase
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
        runs[f"vi/{u}/10_targets_scorecard"] = {"unit": u, "stem": "10_targets_scorecard", "lang": "vi",
                                                 "status": "ok", "html": f"vi/{u}/10_targets_scorecard.html",
                                                 "seconds": 1.0}
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
    assert html.index("Tỉnh Sơn La (SL)") < html.index("me-group\"><th")
