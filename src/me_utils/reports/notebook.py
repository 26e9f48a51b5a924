"""Helpers that report notebooks call: start a report, write headings and text, show tables.

Every reviewer-facing word comes from here or from a topic module, in Vietnamese or English,
so that notebooks stay thin and the HTML export gets real ``<h1>``–``<h3>`` headings for its
table of contents.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from me_utils.core import fmt, paths
from me_utils.core.notice import ILLUSTRATIVE_EN, ILLUSTRATIVE_VI, illustrative_notice  # noqa: F401 (re-exported)
from me_utils.core.paths import read_manifest  # noqa: F401 (re-exported)
from me_utils.core.style import use_house_style
from me_utils.reference.catalogue import load_catalogue
from me_utils.reference.units import load_units



@dataclass
class ReportContext:
    """What a report notebook needs after its parameters cell.

    Attributes: ``unit`` (unit code), ``period_start``/``period_end`` (years), ``lang``,
    ``data_root`` (absolute Path), ``manifest`` (dict, empty when nothing is built),
    ``illustrative`` (bool), ``catalogue`` (loaded lazily).
    """

    unit: str
    period_start: int
    period_end: int
    lang: str
    data_root: Path
    manifest: dict = field(default_factory=dict)
    illustrative: bool = False
    _catalogue: object = None

    @property
    def processed(self) -> Path:
        return self.data_root / "processed"

    @property
    def raw(self) -> Path:
        return self.data_root / "raw"

    @property
    def catalogue(self):
        if self._catalogue is None:
            self._catalogue = load_catalogue()
        return self._catalogue

    def t(self, vi: str, en: str) -> str:
        """Pick the text of the report language."""
        return fmt.pick(self.lang, vi, en)


def demo_notice(root: str | Path) -> str:
    """The one-line notice printed when an analysis falls back to the demo data (vi / en)."""
    return (
        f"⚠ {ILLUSTRATIVE_VI}: chưa có dữ liệu thật đã xây dựng (data/processed), đang dùng {root} — "
        f"không phải số liệu của tỉnh Sơn La / {ILLUSTRATIVE_EN}: no real data built, using {root} — "
        "not Son La's figures."
    )


def _built(root: Path) -> bool:
    return (Path(root) / "processed" / "manifest.json").exists()


def data_root_or_demo(
    data_root: str | Path | None = None, *, build_demo=None, notice: bool = True
) -> tuple[Path, bool]:
    """Resolve the data root an analysis should read, falling back to the demo data.

    Input: ``data_root`` — a folder (absolute, or relative to the repository root) used as
    given; empty/None means "the real data if built, else the illustrative demo data".
    ``build_demo``: a callable ``build_demo(root)`` that generates and builds the demo data root
    when it is missing (the analysts' API passes one; the demo generator sits above this
    layer), or None to never build it. With ``notice`` the one-line :func:`demo_notice` is
    printed when the demo data is used.
    Output: ``(root, fallback)`` — the absolute data root and True when it is the demo
    fallback. Works outside :func:`start` (the analysts' API and plain scripts use it).
    """
    if data_root:
        return paths.resolve_data_root(data_root), False
    real = paths.default_data_root()
    if _built(real):
        return real, False
    demo_root = paths.demo_data_root()
    if not _built(demo_root):
        if build_demo is None:
            return real, False  # callers report "no processed data" themselves
        build_demo(demo_root)
    if notice:
        print(demo_notice(demo_root))
    return demo_root, True


def _display(obj) -> None:
    try:
        from IPython.display import display

        display(obj)
    except ImportError:  # pragma: no cover - IPython is a dependency of ipykernel
        print(obj)


def display_obj(obj) -> None:
    """Display any object (image, HTML, DataFrame) as a cell output; print it outside IPython."""
    _display(obj)


def markdown(text: str) -> None:
    """Display markdown text as a cell output."""
    from IPython.display import Markdown

    _display(Markdown(text))


def heading(text: str, level: int = 2) -> None:
    """Display a markdown heading (level 1–3 feed the HTML table of contents)."""
    markdown("#" * level + " " + text)


def banner_html(lang: str) -> str:
    """HTML of the illustrative-data banner, in both languages, the report language first, as
    a notebook cell shows it (the report page and the index render the same markup from
    ``render/templates/html/banner.html.j2``)."""
    first, second, body = illustrative_notice(lang)
    return (
        '<div class="me-illustrative" role="note" style="border:2px solid #D55E00;'
        'background:#FFF4E5;padding:8px 12px;margin:8px 0;font-weight:600">'
        f"⚠ {html.escape(first)} / {html.escape(second)} — "
        f'<span style="font-weight:400">{html.escape(body)}</span></div>'
    )


def start(
    topic_title_vi: str,
    topic_title_en: str,
    unit: str = "SL",
    period_start: int = 2021,
    period_end: int = 2025,
    lang: str = "vi",
    data_root: str | None = "",
    show_title: bool = True,
) -> ReportContext:
    """Begin a report: validate parameters, resolve the data root, set the plot style,
    show the title and, for demo data, the illustrative banner.

    Returns a :class:`ReportContext`. Raises ValueError for an unknown language, a unit code
    not in ``data/reference/units.csv`` or a reversed period.
    """
    fmt.check_lang(lang)
    if int(period_start) > int(period_end):
        raise ValueError(f"period_start {period_start} is after period_end {period_end}")
    # An analyst opening a notebook in JupyterLab before any real data is built gets the demo
    # data, said plainly below and bannered as illustrative. Scheduled runs always pass
    # data_root explicitly, so they never fall back. (A report notebook never builds the demo:
    # that is `make lab`'s job; the analysts' API does build it on demand.)
    root, fallback = data_root_or_demo(data_root, build_demo=None, notice=False)
    manifest = read_manifest(root)
    ctx = ReportContext(
        unit=unit,
        period_start=int(period_start),
        period_end=int(period_end),
        lang=lang,
        data_root=root,
        manifest=manifest,
        illustrative=bool(manifest.get("illustrative", False)),
    )

    units = load_units()
    if unit not in set(units.frame()["unit_code"]):
        raise ValueError(f"unknown unit code {unit!r}; see data/reference/units.csv")
    unit_name = units.name(unit, lang)
    use_house_style()
    if show_title:
        title = ctx.t(topic_title_vi, topic_title_en)
        heading(f"{title} — {unit_name}, {period_start}–{period_end}", 1)
    if ctx.illustrative:
        from IPython.display import HTML

        _display(HTML(banner_html(lang)))
    if fallback:
        markdown(
            ctx.t(
                "*Chưa có dữ liệu thật đã được xây dựng (`data/processed`): notebook đang dùng dữ liệu minh họa "
                "`data/demo`. Đặt tham số `data_root` để chọn nguồn dữ liệu.*",
                "*No real data has been built yet (`data/processed`): this notebook is using the illustrative "
                "data in `data/demo`. Set the `data_root` parameter to choose the data.*",
            )
        )
    return ctx


def show_table(df: pd.DataFrame, caption: str | None = None, index: bool = False) -> None:
    """Display a DataFrame as a plain, styled HTML table (no index unless asked).

    Values are shown as they are: format numbers with :mod:`me_utils.core.fmt` before calling.
    """
    from IPython.display import HTML

    table = df.to_html(index=index, escape=True, border=0, classes="me-table", na_rep=fmt.MISSING)
    cap = f'<p class="me-caption"><em>{html.escape(caption)}</em></p>' if caption else ""
    _display(HTML(cap + table))
