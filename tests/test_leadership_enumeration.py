"""Complete enumerations in the leadership report and the review (issue 13).

People's Council seats, key leaders (M1.C1) and the planning pool are complete counts of a fully
listed set: no chart draws an error bar, no table has an interval column, no sentence carries a
p-value or calls a change (not) significant, and term changes are observed differences with the
status model's reason. Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.container import ErrorbarContainer

from me_utils.analysis import leadership as L
from me_utils.analysis import status
from me_utils.reports import leadership_report as P
from me_utils.reports import review

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_leadership_report import make_root  # noqa: E402 - the report tests' small data root

matplotlib.use("Agg")

#: Words that would mean an interval, a test or an inference on a complete count.
FORBIDDEN_VI = ("KTC", "p =", "chưa đủ bằng chứng", "ý nghĩa thống kê", "Wilson", "Newcombe", "Fisher")
FORBIDDEN_EN = ("95% CI", "p =", "no clear evidence", "statistically significant", "Wilson", "Newcombe", "Fisher")


def _shares():
    c = pd.DataFrame(
        [("2016-2021", "province", "SL", 56, 15, 10), ("2021-2026", "province", "SL", 65, 23, 17)],
        columns=["term", "level", "unit_code", "seats", "women", "ethnic_minority_women"],
    )
    return L.council_shares(c.assign(data_status="illustrative"), "SL")


def test_council_chart_draws_points_without_error_bars():
    fig = P.fig_council_shares(_shares(), L.load_reference(), "vi")
    ax = fig.axes[0]
    assert not [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    # Only the published figures' horizontal segments are line collections: no vertical bars.
    for c in ax.collections:
        if isinstance(c, LineCollection):
            assert all(abs(seg[0][1] - seg[-1][1]) < 1e-9 for seg in c.get_segments())
    # The two points are the counted shares: 15/56 = 26.786% and 23/65 = 35.385%.
    ys = sorted(round(float(y), 3) for line in ax.lines if line.get_marker() == "o" for y in line.get_ydata())
    assert ys == [26.786, 35.385]
    assert "KTC" not in ax.get_title() and "CI" not in ax.get_title()
    matplotlib.pyplot.close(fig)


def test_yearly_chart_has_no_error_bars_and_a_band_only_ahead():
    kl = pd.DataFrame({"year": range(2020, 2026), "numerator": [40, 44, 47, 50, 54, 58], "denominator": [100] * 6})
    shares = L.with_share(kl.copy(), "numerator", "denominator")
    tg = L.Targets("M1.C1", 60.0, 75.0, "test", True, "")
    a = L.assess_yearly(shares, tg, "numerator", "denominator", 2021, 2025)
    fig = P.fig_yearly_share(shares, tg, "vi", assessment=a)
    ax = fig.axes[0]
    assert not [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1
    xs = bands[0].get_paths()[0].vertices[:, 0]
    assert xs.min() == 2025 and xs.max() == 2030  # the prediction band covers the years to come only
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Số liệu (kiểm đếm toàn bộ)" in labels and not any("KTC" in t for t in labels)
    matplotlib.pyplot.close(fig)


def test_review_leadership_summary_states_counts_and_observed_changes(tmp_path):
    root = make_root(tmp_path)
    vi = review.leadership_summary(root, "SL", 2021, 2025, "vi")
    md = vi["markdown"]
    # Provincial council 15/56 → 23/65: 35,4% now, 26,8% before, +8 women, +8,6 points.
    assert (
        "- HĐND cấp tỉnh, nhiệm kỳ 2021–2026: nữ chiếm 35,4% số đại biểu (23/65), so với 26,8% "
        "nhiệm kỳ 2016–2021 (+8 đại biểu nữ, +8,6 điểm phần trăm)."
    ) in md
    # Commune councils pooled: 3·w16 = 297 → 3·w21 + 20 = 539 of 3.440; +242, 8,63% → 15,67% (+7,0).
    assert "nữ chiếm 15,7% số đại biểu (539/3.440), so với 8,6% nhiệm kỳ 2016–2021 (+242 đại biểu nữ, +7,0" in md
    assert status.REASONS["enumeration"][0] in md
    for word in FORBIDDEN_VI:
        assert word not in md, word
    tab = vi["councils"]
    assert list(tab.columns) == ["Nhiệm kỳ", "Cấp", "Số đại biểu", "Đại biểu nữ", "Tỷ lệ nữ"]
    assert tab.iloc[1].tolist() == ["Nhiệm kỳ 2021–2026", "HĐND cấp tỉnh", "65", "23", "35,4%"]
    # The frames handed back are numbers, not text.
    ch = vi["changes"].set_index("level").loc["province"]
    assert (ch["women_change"], round(ch["diff_pp"], 2)) == (8, 8.6)
    en = review.leadership_summary(root, "SL", 2021, 2025, "en")["markdown"]
    assert "(+8 women deputies, +8.6 percentage points)" in en and status.REASONS["enumeration"][1] in en
    for word in FORBIDDEN_EN:
        assert word not in en, word


def test_review_drops_an_interval_a_scorecard_gives_to_a_complete_count(tmp_path):
    root = make_root(tmp_path)
    row = {
        "indicator_code": "M1.C1",
        "name_vi": "Tỷ lệ cơ quan có lãnh đạo chủ chốt nữ",
        "name_en": "Agencies with a woman key leader",
        "n_points": 6,
        "latest_year": 2025,
        "latest_value": 58.0,
        "ci_low": 48.2,
        "ci_high": 67.2,
        "kind": "proportion",
        "unit_label": "%",
        "direction": "increase",
        "target_2025": 60.0,
        "verified": True,
    }
    md = review.leadership_summary(root, "SL", 2021, 2025, "vi", scorecard=pd.DataFrame([row]))["markdown"]
    assert "«Tỷ lệ cơ quan có lãnh đạo chủ chốt nữ» ở mức 58,0%;" in md
    assert "KTC" not in md and "48,2" not in md


@pytest.mark.slow
def test_rendered_leadership_page_has_no_interval_test_or_p_value(tmp_path):
    """End to end on the demo data: `me demo` → `me build` → `me report --units SL --topics
    leadership`, in Vietnamese and English; the pages are scanned as a reviewer reads them."""
    root, out = tmp_path / "demo", tmp_path / "reports"

    def me(*args):
        return subprocess.run(
            [sys.executable, "-m", "me_utils.cli", *args], capture_output=True, text=True, timeout=1800
        )

    steps = [["demo", "--out", str(root)], ["build", "--root", str(root)]]
    steps += [
        [
            "report",
            "--data-root",
            str(root),
            "--reports",
            str(out / lang),
            "--units",
            "SL",
            "--topics",
            "leadership",
            "--lang",
            lang,
            "--no-progress",
        ]
        for lang in ("vi", "en")
    ]
    for step in steps:
        p = me(*step)
        assert p.returncode == 0, (step, p.stdout[-1500:], p.stderr[-1500:])
    for lang, forbidden in (("vi", FORBIDDEN_VI), ("en", FORBIDDEN_EN)):
        pages = list((out / lang).rglob("30_leadership.html"))
        assert len(pages) == 1, pages
        html = pages[0].read_text(encoding="utf-8")
        text = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", html)  # images are not text
        for word in forbidden:
            assert word not in text, (lang, word)
        assert status.REASONS["enumeration"][0 if lang == "vi" else 1] in text
        # The term changes are there as observed differences ("+8,6"-style signed points).
        heading = "So sánh giữa các nhiệm kỳ" if lang == "vi" else "Term-to-term comparison"
        assert heading in text
        points = "điểm phần trăm" if lang == "vi" else "percentage points"
        assert re.search(r"(tăng|giảm|rose|fell)[^<]{0,10}\d+[,.]\d " + points, text), lang
