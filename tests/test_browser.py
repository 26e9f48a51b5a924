"""Real-browser test: headless Chromium opens the index and every report from file://.

A small real report set is rendered first (fixture notebooks; plus the project's report
notebooks for the province on illustrative demo data built into a temp folder). Each page
must show no console error, make no request leaving the machine, and decode every image;
screenshots are kept under tests/artifacts/ (git-ignored) for review.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from me_utils.core import paths

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "notebooks"
ARTIFACTS = HERE / "artifacts"


def _chromium():
    try:
        from me_utils.render.pdf import find_chromium

        return find_chromium()
    except FileNotFoundError:
        return None


requires_chromium = pytest.mark.skipif(_chromium() is None, reason="chromium not installed (make browser)")


def _me(*args, timeout=900):
    return subprocess.run(
        [sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    data = base / "fixture_data"
    (data / "processed").mkdir(parents=True)
    (data / "processed" / "manifest.json").write_text(
        json.dumps({"illustrative": True, "manifest_hash": "0" * 64, "inputs": []}), encoding="utf-8"
    )
    fixture_reports = base / "fixture_reports"
    proc = _me(
        "report",
        "--data-root",
        str(data),
        "--notebooks",
        str(FIXTURES),
        "--reports",
        str(fixture_reports),
        "--units",
        "SL,MC",
        "-p",
        "alpha.fail_unit=MC",
        "--no-progress",
        "--pdf",
    )
    assert proc.returncode == 1, proc.stderr  # MC fails on purpose: the index must list it
    real_reports, real_proc = None, None
    notebooks = sorted((paths.project_root() / "notebooks").glob("*.ipynb"))
    if notebooks:
        demo = base / "demo"
        for step in (["demo", "--out", str(demo)], ["build", "--root", str(demo)]):
            p = _me(*step)
            assert p.returncode == 0, (step, p.stdout[-2000:], p.stderr[-2000:])
        real_reports = base / "real_reports"
        real_proc = _me(
            "report", "--data-root", str(demo), "--reports", str(real_reports), "--units", "SL", "--no-progress"
        )
        assert real_proc.returncode in (0, 1), real_proc.stderr[-4000:]
    return fixture_reports, real_reports, real_proc


def test_real_reports_all_succeed(rendered):
    """Every project report notebook renders for the province on the demo data."""
    *_, real_proc = rendered
    if real_proc is None:
        pytest.skip("no report notebook in notebooks/ yet")
    assert real_proc.returncode == 0, real_proc.stderr[-4000:]


@requires_chromium
def test_pages_open_offline_without_errors(rendered):
    from me_utils.render.browser import check_pages

    pages = []
    for reports in rendered[:2]:
        if reports is not None:
            pages.append(reports / "index.html")
            pages += sorted((reports / "vi").rglob("*.html"))
    shots = ARTIFACTS / "browser"
    if shots.exists():
        shutil.rmtree(shots)
    checks = check_pages(pages, screenshot_dir=shots)
    assert len(checks) == len(pages) >= 3
    for c in checks:
        assert c.console_errors == [], (c.path, c.console_errors)
        assert c.page_errors == [], (c.path, c.page_errors)
        assert c.external_requests == [], (c.path, c.external_requests)
        assert c.broken_images == [], (c.path, c.broken_images)
        assert Path(c.screenshot).stat().st_size > 5000
    by_name = {Path(c.path).relative_to(Path(c.path).parents[2]).as_posix(): c for c in checks}
    alpha = by_name["vi/SL/10_alpha.html"]
    assert alpha.images == 1  # the fixture's one figure decoded
    # every local link of the index resolves to an existing report, none to the restricted folder
    for reports in rendered[:2]:
        if reports is None:
            continue
        idx = next(c for c in checks if c.path == str((reports / "index.html").resolve()))
        local = [h for h in idx.links if not h.startswith(("#", "http"))]
        assert local and all((reports / h).exists() for h in local)
        assert not any("_restricted" in h for h in idx.links)


@requires_chromium
def test_pdf_printed_for_each_report(rendered):
    fixture_reports = rendered[0]
    pdfs = sorted((fixture_reports / "vi").rglob("*.pdf"))
    assert [p.relative_to(fixture_reports).as_posix() for p in pdfs] == ["vi/SL/10_alpha.pdf", "vi/SL/20_beta.pdf"]
    for p in pdfs:
        data = p.read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:]
    index = (fixture_reports / "index.html").read_text(encoding="utf-8")
    assert 'href="vi/SL/10_alpha.pdf"' in index


@requires_chromium
def test_checker_catches_network_requests_and_broken_images(tmp_path):
    """The checker itself can fail: a page loading a remote script and image is flagged."""
    from me_utils.render.browser import check_pages

    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><body><script src="http://192.0.2.1/x.js"></script>'
        '<img src="http://192.0.2.1/y.png"><img src="missing.png">'
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    (c,) = check_pages([page])
    assert "http://192.0.2.1/x.js" in c.external_requests and "http://192.0.2.1/y.png" in c.external_requests
    assert len(c.broken_images) == 2 and "boom" in " ".join(c.console_errors)
    assert not c.ok
