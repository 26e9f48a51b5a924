"""Every rendered GBV report (province and the 12 districts) discloses nothing.

End to end on the illustrative demo data: `me demo` → `me build` → `me report --topics gbv`,
then every HTML is scanned for case ids and for counts 1–4 in any table, and the restricted
executed notebooks must not be linked from the index.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from me_utils.analysis.disclosure import scan_html_for_disclosure
from me_utils.reference.units import load_units

pytestmark = pytest.mark.slow


def _me(*args):
    return subprocess.run([sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, timeout=1800)


def test_every_rendered_gbv_report_is_clean(tmp_path):
    root, out = tmp_path / "demo", tmp_path / "reports"
    for step in (
        ["demo", "--out", str(root)],
        ["build", "--root", str(root)],
        [
            "report",
            "--data-root",
            str(root),
            "--reports",
            str(out),
            "--topics",
            "gbv",
            "--units",
            "all",
            "--no-progress",
        ],
    ):
        p = _me(*step)
        assert p.returncode == 0, (step, p.stdout[-1500:], p.stderr[-1500:])
    units = ["SL", *load_units().districts()]
    pages = sorted((out / "vi").glob("*/20_gbv.html"))
    assert sorted(p.parent.name for p in pages) == sorted(units)
    case_ids = set(re.findall(r"GBV-[A-Z]+-\d{4}-\d{4}", (root / "raw" / "gbv" / "register.csv").read_text()))
    assert case_ids, "the demo register should hold pseudonymous case ids"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert scan_html_for_disclosure(text, 5) == [], page
        assert not any(cid in text for cid in case_ids), page
        assert "_restricted" not in text
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "_restricted" not in index
    assert list((out / "_restricted").rglob("*.ipynb")), "executed notebooks go to the restricted folder"
