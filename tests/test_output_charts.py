"""Charts (issue 17): no backend switch on import, Vietnamese numbers on axes, titles wrapped
and never cut, funnel labels that do not overlap, alt text carried to the page."""

from __future__ import annotations

import itertools
import os
import pkgutil
import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import me_utils
from me_utils.analysis import funnel
from me_utils.core import style

SRC = Path(me_utils.__file__).resolve().parents[1]

DISTRICTS = [
    "Thành phố Sơn La",
    "Quỳnh Nhai",
    "Thuận Châu",
    "Mường La",
    "Bắc Yên",
    "Phù Yên",
    "Mộc Châu",
    "Yên Châu",
    "Mai Sơn",
    "Sông Mã",
    "Sốp Cộp",
    "Vân Hồ",
]


def test_importing_every_module_keeps_the_inline_backend():
    # An analyst's kernel runs the inline backend; importing me_utils must not switch it.
    mods = sorted(
        m.name.removeprefix("me_utils.")
        for m in pkgutil.walk_packages(me_utils.__path__, prefix="me_utils.")
        if not m.ispkg
    )
    assert "core.style" in mods and "analysis.funnel" in mods and "reports.leadership_report" in mods
    code = textwrap.dedent(f"""
        import importlib, matplotlib
        before = matplotlib.get_backend()
        for m in {mods!r}:
            importlib.import_module("me_utils." + m)
        after = matplotlib.get_backend()
        print(before + "|" + after)
    """)
    env = dict(
        os.environ,
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    before, after = out.stdout.strip().splitlines()[-1].split("|")
    assert before == after == "module://matplotlib_inline.backend_inline"


def test_style_source_never_selects_a_backend():
    text = (SRC / "me_utils" / "core" / "style.py").read_text(encoding="utf-8")
    assert "matplotlib.use(" not in text


@pytest.mark.parametrize("step, decimals", [(50000, 0), (1, 0), (0.5, 1), (0.25, 2), (0.1, 1), (0.05, 2), (2.5, 1)])
def test_tick_decimals(step, decimals):
    assert style.tick_decimals(step) == decimals


def test_axes_use_vietnamese_separators():
    fig, ax = plt.subplots()
    ax.plot([0, 500000], [0.0, 0.35])
    style.finish_figure(fig, "vi")
    fig.canvas.draw()
    xt = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    yt = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    # Matplotlib's own locator picks steps of 100 000 and 0.05 here.
    assert "100.000" in xt and "500.000" in xt and all("," not in t for t in xt)
    assert "0,05" in yt and "0,30" in yt and all("." not in t for t in yt)
    plt.close(fig)
    fig, ax = plt.subplots()
    ax.plot([0, 500000], [0.0, 0.35])
    style.finish_figure(fig, "en")
    fig.canvas.draw()
    assert "100,000" in [t.get_text() for t in ax.get_xticklabels()]
    plt.close(fig)


def test_long_title_wraps_inside_the_axes_without_loss():
    title = (
        "Tỷ lệ người bị bạo lực gia đình, bạo lực trên cơ sở giới được phát hiện được tiếp cận "
        "ít nhất một trong các dịch vụ hỗ trợ cơ bản, theo huyện, giai đoạn 2021–2025"
    )
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.set_title(title)
    style.finish_figure(fig, "vi")
    fig.canvas.draw()
    shown = ax.title.get_text()
    assert "…" not in shown and shown.replace("\n", " ") == title
    assert shown.count("\n") >= 2
    # Wrapping again (e.g. after a layout change) changes nothing.
    style.wrap_titles(fig)
    assert ax.title.get_text() == shown
    r = fig.canvas.get_renderer()
    # Every line fits the axes width.
    for line in shown.split("\n"):
        probe = fig.text(0, 0, line, fontsize=ax.title.get_fontsize())
        assert probe.get_window_extent(r).width <= ax.get_window_extent(r).width + 1
        probe.remove()
    plt.close(fig)


def _label_boxes(fig, names):
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    ax = fig.axes[0]
    anns = [t for t in ax.texts if t.get_text() in names]
    # The text's own box (Annotation.get_window_extent would add the leader line).
    from matplotlib.text import Text

    return anns, [Text.get_window_extent(a, r) for a in anns], ax.get_window_extent(r)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_funnel_labels_do_not_overlap(seed):
    import numpy as np

    rng = np.random.default_rng(seed)
    # Crowded like the demo: pairs of districts with near-equal denominators and shares.
    den = np.array([520, 300, 610, 515, 250, 470, 480, 330, 640, 560, 260, 305])
    num = np.round(den * (0.37 + rng.normal(0, 0.01, den.size))).astype(int)
    tab, od = funnel.funnel_table(DISTRICTS, num, den, per=100)
    fig = funnel.plot_funnel(
        tab, od, per=100, lang="vi", title="Tỷ lệ theo huyện", xlabel="Số vụ việc", ylabel="Tỷ lệ (%)"
    )
    anns, boxes, frame = _label_boxes(fig, set(DISTRICTS))
    assert sorted(a.get_text() for a in anns) == sorted(DISTRICTS)
    for (a, ba), (b, bb) in itertools.combinations(zip(anns, boxes), 2):
        assert not ba.overlaps(bb), (a.get_text(), b.get_text())
    for _a, bx in zip(anns, boxes):  # inside the plotting area
        assert frame.x0 - 1 <= bx.x0 and bx.x1 <= frame.x1 + 1 and frame.y0 - 1 <= bx.y0 and bx.y1 <= frame.y1 + 1
    # The label does not cover any other district's point.
    pts = fig.axes[0].transData.transform(np.column_stack([tab["denominator"], tab["value"]]))
    for a, bx in zip(anns, boxes):
        for name, (x, y) in zip(tab["unit"], pts):
            if name != a.get_text():
                assert not (bx.x0 < x < bx.x1 and bx.y0 < y < bx.y1), (a.get_text(), name)
    plt.close(fig)


def test_funnel_axis_numbers_are_vietnamese():
    den = [12000, 30000, 45000, 80000, 150000, 210000]
    num = [3, 9, 10, 30, 40, 66]
    tab, od = funnel.funnel_table(DISTRICTS[:6], num, den, kind="rate", per=100000)
    fig = funnel.plot_funnel(tab, od, kind="rate", per=100000, lang="vi")
    fig.canvas.draw()
    xt = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert any("." in t and len(t) >= 6 for t in xt), xt  # e.g. "100.000"
    assert not any("," in t for t in xt)
    plt.close(fig)


def test_show_figure_puts_alt_text_in_display_metadata(monkeypatch):
    import IPython.display as disp

    seen = []
    monkeypatch.setattr(disp, "display", lambda obj, **kw: seen.append((obj, kw)))
    fig, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    style.show_figure(fig, "Biểu đồ đường: hai điểm", "vi")
    ((obj, kw),) = seen
    assert kw["metadata"] == {"image/png": {"alt": "Biểu đồ đường: hai điểm"}}
    assert obj.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert not plt.fignum_exists(fig.number)  # closed: the inline backend will not show it again
    with pytest.raises(ValueError):
        style.show_figure(plt.figure(), " ", "vi")


def test_trend_panel_years_have_no_thousands_separator():
    # A year is a label: "2025", never "2.025" (the Vietnamese number format on a year axis).
    import pandas as pd

    from me_utils.reports.trend_plots import small_multiples

    class Ind:
        code, name_vi, name_en, unit, framework, verified = "M1.C1", "Tỷ lệ", "Share", "%", "NSGE", True

    item = {
        "indicator": Ind(),
        "series": pd.DataFrame(
            {
                "year": [2021, 2022, 2023],
                "value": [30.0, 32.0, 35.0],
                "ci_low": [25.0, 27, 30],
                "ci_high": [35.0, 37, 40],
            }
        ),
        "curve": pd.DataFrame(),
        "targets": {2025: 60.0, 2030: 75.0},
    }
    for lang in ("vi", "en"):
        fig = small_multiples([item], lang)
        fig.canvas.draw()
        xt = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
        assert xt == ["2021", "2023", "2025", "2027", "2029"], xt
        plt.close(fig)


def test_show_figure_once_draws_once_and_shows_the_same_png(monkeypatch):
    import IPython.display as disp
    import pandas as pd

    seen = []
    monkeypatch.setattr(disp, "display", lambda obj, **kw: seen.append((obj.data, kw["metadata"])))
    draws = []

    def draw(values):
        draws.append(1)
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3], values)
        style.set_alt(fig, f"Đường: {values}")
        return fig

    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    key = style.figure_key("test", frame, "vi")
    style.show_figure_once(key, lambda: draw([1, 2, 3]))
    style.show_figure_once(style.figure_key("test", frame.copy(), "vi"), lambda: draw([1, 2, 3]))
    assert len(draws) == 1 and seen[0] == seen[1]
    # Another input (one value changed), another figure.
    style.show_figure_once(style.figure_key("test", frame.assign(a=[1.0, 2.0, 4.0]), "vi"), lambda: draw([1, 2, 4]))
    assert len(draws) == 2 and seen[2][1] == {"image/png": {"alt": "Đường: [1, 2, 4]"}}
    # The cached bytes are those a fresh drawing gives (Agg is deterministic).
    style.show_figure(draw([1, 2, 3]))
    assert seen[3] == seen[0]
    # A changed house style is a new figure.
    with plt.rc_context({"lines.linewidth": 4.0}):
        style.show_figure_once(key, lambda: draw([1, 2, 3]))
    assert len(draws) == 4 and seen[4][0] != seen[0][0]
    assert not plt.get_fignums()


def test_commune_chart_starts_with_the_commune_and_has_no_2025_target():
    # A commune created on 1 July 2025 has no 2025 target and no axis years before 2026; a
    # former district and the province keep their history.
    import pandas as pd

    from me_utils.reports.scorecard_report import first_full_year
    from me_utils.reports.trend_plots import small_multiples

    assert first_full_year("03646", 2026) == 2026
    assert first_full_year("SL", 2026) is None and first_full_year("QN", 2021) is None

    class Ind:
        code, name_vi, name_en, unit, framework, verified = "M1.C1", "Tỷ lệ", "Share", "%", "NSGE", True

    item = {
        "indicator": Ind(),
        "series": pd.DataFrame({"year": [2026], "value": [66.7], "ci_low": [35.4], "ci_high": [88.0]}),
        "curve": pd.DataFrame(),
        "targets": {2025: 60.0, 2030: 75.0},
    }
    fig = small_multiples([item], "vi", first_year=2026)
    fig.canvas.draw()
    ax = fig.axes[0]
    labels = ax.get_legend_handles_labels()[1]
    assert "Mục tiêu 2030" in labels and "Mục tiêu 2025" not in labels
    assert ax.get_xlim()[0] == 2025.5
    plt.close(fig)
    fig = small_multiples([item], "vi")
    assert "Mục tiêu 2025" in fig.axes[0].get_legend_handles_labels()[1]
    plt.close(fig)


def test_target_dots_one_axis_values_and_alt_text():
    # The commune display: one axes, a row per percentage indicator with its latest value and
    # 2030 target; the alt text carries every value, worked out here from the inputs.
    import pandas as pd

    from me_utils.reports.trend_plots import is_percent, target_dots

    class Ind:
        def __init__(self, code, name):
            self.code, self.name_vi, self.name_en, self.unit = code, name, name, "%"
            self.kind, self.scale, self.framework, self.verified = "proportion", 100, "NSGE", True

    items = [
        {
            "indicator": Ind("L.2", "Nữ trong quy hoạch"),
            "series": pd.DataFrame({"year": [2026], "value": [32.4], "ci_low": [19.1], "ci_high": [49.2]}),
            "targets": {2025: 40.0, 2030: 50.0},
        },
        {
            "indicator": Ind("DV.1", "Hộ gia đình"),
            "series": pd.DataFrame({"year": [2026], "value": [36.0], "ci_low": [35.1], "ci_high": [36.9]}),
            "targets": {2025: None, 2030: None},
        },
    ]
    assert all(is_percent(it["indicator"]) for it in items)
    fig = target_dots(items, "vi")
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    pts = [ln.get_xydata().tolist() for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert pts == [[[32.4, 0.0]], [[36.0, 1.0]]]
    dia = [ln.get_xydata().tolist() for ln in ax.get_lines() if ln.get_marker() == "D"]
    assert dia == [[[50.0, 0.0]]]
    assert style.get_alt(fig).endswith("L.2: 32,4% năm 2026, mục tiêu 50%; DV.1: 36,0% năm 2026, mục tiêu –.")
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0%", "20%", "40%", "60%", "80%", "100%"]
    plt.close(fig)


def _two_panels():
    fig, axes = plt.subplots(1, 2, figsize=(8, 3))
    for ax in axes:
        ax.plot([2021, 2022, 2023], [10.0, 12.5, 11.0], "o")
        ax.set_title("Một tiêu đề khá dài của chỉ tiêu", loc="left", fontsize=9)
        ax.set_ylabel("%")
    return fig


def test_laid_out_figure_is_drawn_once_and_saves_what_matplotlib_saves():
    import io

    fig = _two_panels()
    style.tight_layout(fig)
    assert fig.me_laid_out and fig.get_layout_engine() is None
    draws = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(1))
    ours = style.figure_png(fig, close=False)
    # One draw: no dry run for a leftover layout engine, no cropping pass.
    assert len(draws) == 1
    plt.close(fig)
    # Matplotlib's own path (placeholder engine left by tight_layout, dry run, then the draw)
    # gives the same pixels: the dry run changed nothing.
    ref = _two_panels()
    ref.tight_layout()
    assert ref.get_layout_engine() is not None
    buf = io.BytesIO()
    ref.savefig(buf, format="png", dpi=style.DPI)
    plt.close(ref)
    assert ours == buf.getvalue()


def test_layout_that_cannot_be_applied_keeps_the_cropping_pass():
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [0, 1])
    ax.set_ylabel("y " * 200)  # far wider than the figure: tight_layout gives up
    ax.yaxis.label.set_rotation(0)
    with pytest.warns(UserWarning, match="not applied"):
        style.tight_layout(fig)
    assert fig.me_laid_out is False
    plt.close(fig)


def test_funnel_with_many_hidden_units_keeps_note_and_legend_inside_the_image():
    import warnings

    import numpy as np

    names = [f"xã Thử Nghiệm {i:02d}" for i in range(60)]
    den = np.linspace(5, 30, 60).round().astype(int)
    num = (den * 0.6).round().astype(int)
    tab, od = funnel.funnel_table(names, num, den, per=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Tight layout not applied" would fail here
        fig = funnel.plot_funnel(tab, od, per=100, lang="vi", hidden_units=names[10:], xlabel="Số", ylabel="%")
    assert fig.me_laid_out
    r = fig.canvas.get_renderer()
    canvas = fig.bbox
    ax = fig.axes[0]
    note = next(t for t in ax.texts if "không vẽ" in t.get_text())
    for artist in (note, ax.get_legend()):
        box = artist.get_window_extent(r)
        assert canvas.x0 - 1 <= box.x0 and box.x1 <= canvas.x1 + 1, artist
        assert canvas.y0 - 1 <= box.y0 and box.y1 <= canvas.y1 + 1, artist
    # Every hidden unit is still named in the note.
    flat = " ".join(note.get_text().split())
    assert all(n in flat for n in names[10:])
    plt.close(fig)


@pytest.mark.parametrize(
    "rows,cols,rect", [(2, 3, (0, 0.04, 1, 1)), (1, 3, (0, 0.1, 1, 1)), (3, 2, (0.05, 0.04, 0.97, 0.95))]
)
def test_one_pass_layout_in_a_rect_is_matplotlibs_two_pass_layout(rows, cols, rect):
    import numpy as np

    def grid():
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.6 * rows), squeeze=False)
        for i, ax in enumerate(axes.flat):
            ax.plot(np.arange(2019, 2026), np.arange(7) * 10 ** (i % 4), "o")
            ax.set_title("Chỉ tiêu có tên dài\ndòng thứ hai" * (1 + i % 2), fontsize=9, loc="left")
            ax.set_ylabel("%")
        fig.legend(["Số liệu"], loc="lower center")
        return fig

    ref, ours = grid(), grid()
    ref.tight_layout(rect=rect)
    style.tight_layout(ours, rect=rect)
    for k in ("left", "right", "bottom", "top", "wspace", "hspace"):
        assert getattr(ours.subplotpars, k) == pytest.approx(getattr(ref.subplotpars, k), abs=1e-12), k
    assert ours.me_laid_out
    plt.close("all")


def test_axes_on_two_grids_get_matplotlibs_layout_in_the_rect():
    def two_grids():
        fig = plt.figure(figsize=(8, 6))
        top = fig.add_gridspec(2, 1)
        fig.add_subplot(top[0, 0]).set_title("Trên / top", loc="left")
        bottom = fig.add_gridspec(2, 2)
        fig.add_subplot(bottom[1, 0]).set_ylabel("%")
        fig.add_subplot(bottom[1, 1]).set_ylabel("%")
        return fig

    ref, ours = two_grids(), two_grids()
    ref.tight_layout(rect=(0, 0.1, 1, 1))
    style.tight_layout(ours, rect=(0, 0.1, 1, 1))
    assert ours.me_laid_out
    for a, b in zip(ref.axes, ours.axes):
        assert a.get_position().bounds == pytest.approx(b.get_position().bounds, abs=1e-12)
    plt.close("all")
