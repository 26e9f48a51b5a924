"""``benchmarks/run_all.py``: which benchmarks each option runs (nothing is run here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
_spec = importlib.util.spec_from_file_location("run_all", BENCH / "run_all.py")
run_all = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_all)

QUICK = [
    "bench_demo.py",
    "bench_intake.py",
    "bench_assess.py",
    "bench_gbv.py",
    "bench_leadership.py",
    "bench_review.py",
]


def scripts(argv):
    return [cmd[0] for cmd in run_all.plan(argv)]


def test_default_runs_the_quick_ones_only():
    assert scripts([]) == QUICK


def test_each_long_benchmark_has_its_option():
    assert scripts(["--with-hostile"]) == QUICK + ["bench_hostile.py"]
    assert scripts(["--with-calibration"]) == QUICK + ["bench_calibration.py"]
    assert scripts(["--with-communes"]) == QUICK + ["bench_communes.py"]
    assert scripts(["--with-reports"]) == QUICK + ["bench_reports.py"]
    # shortest first, whatever the order of the options
    assert scripts(["--with-communes", "--with-hostile"]) == QUICK + ["bench_hostile.py", "bench_communes.py"]


def test_all_runs_every_benchmark_script_once():
    every = sorted(p.name for p in BENCH.glob("bench_*.py"))
    got = scripts(["--all"])
    assert sorted(got) == every and len(got) == len(set(got))


def test_unknown_option_is_refused():
    with pytest.raises(SystemExit) as e:
        run_all.plan(["--with-everything"])
    assert e.value.code == 2


def test_readme_documents_every_option():
    text = (BENCH / "README.md").read_text(encoding="utf-8")
    for name, _ in run_all.OPT_IN:
        assert f"`--with-{name}`" in text
    assert "`--all`" in text
