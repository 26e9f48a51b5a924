"""No cell value of the GBV register reaches a message, findings.csv, the data-quality
findings table or the terminal output of `me build` / `me validate` — tested with a misaligned
register, where case ids and dates land in columns that are not named like them."""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pandas as pd
import pytest

from me_utils.analysis import gbv, quality

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def misaligned(tmp_path_factory):
    root = tmp_path_factory.mktemp("mis") / "demo"
    subprocess.run(
        [sys.executable, "-m", "me_utils.cli", "demo", "--out", str(root), "--seed", "20250506"],
        check=True,
        capture_output=True,
    )
    p = root / "raw" / "gbv" / "register.csv"
    rows = list(csv.reader(p.open(encoding="utf-8-sig")))
    secrets = set()
    for i, shift in ((5, 1), (9, -1), (14, 3)):
        r = rows[i]
        secrets |= {r[0], r[10], r[11]}  # case id, incident date, report date
        rows[i] = r[-shift:] + r[:-shift]  # rotate right (shift > 0) or left (shift < 0)
    with p.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return root, p, secrets


def _leaks(text: str, secrets: set) -> list[str]:
    return [s for s in secrets if s and s in text] + DATE_RE.findall(text)


def test_build_terminal_and_findings(misaligned):
    root, _, secrets = misaligned
    res = subprocess.run(
        [sys.executable, "-m", "me_utils.cli", "build", "--root", str(root), "--keep-going"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 1
    out = res.stdout + res.stderr
    assert "gbv/register.csv" in out and "dòng/row 6" in out  # located by file and row
    assert _leaks(out, secrets) == []
    f = pd.read_csv(root / "processed" / "findings.csv", dtype=str, keep_default_na=False)
    reg = f[f["file"] == "gbv/register.csv"]
    assert len(reg) >= 10 and (reg["value"] == "").all()
    assert _leaks(f.to_csv(), secrets) == []
    # the data-quality table hides register values even from an older findings file
    old = f.copy()
    old.loc[old["file"] == "gbv/register.csv", "value"] = sorted(secrets)[0]
    tab = quality.findings_table(old)
    assert _leaks(tab.to_csv(), secrets) == []


def test_register_error_message_has_no_values(misaligned):
    _, p, secrets = misaligned
    with pytest.raises(gbv.RegisterError) as ei:
        gbv.read_register(p)
    msg = str(ei.value)
    assert "dòng 6" in msg
    assert _leaks(msg.replace(str(p), ""), secrets) == []
    # the values stay available to code that may open the register
    assert (ei.value.errors["value"] != "").any()


def test_validate_on_register_prints_no_values(misaligned):
    _, p, secrets = misaligned
    res = subprocess.run(
        [sys.executable, "-m", "me_utils.cli", "validate", str(p)], capture_output=True, text=True, check=False
    )
    assert res.returncode != 0
    assert _leaks((res.stdout + res.stderr).replace(str(p), ""), secrets) == []
