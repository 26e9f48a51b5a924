"""What the sections of one leadership report share: the report's context, data, reference
figures and terms shown (:class:`LeadershipReport`), and loading them (:func:`load_report_data`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from me_utils.analysis import leadership as L
from me_utils.build.dataset import load_observations
from me_utils.core.fmt import pick as _t
from me_utils.reports.notebook import markdown

# --------------------------------------------------------------------------- data for a report


@dataclass
class LeadershipReport:
    """What the sections of one report share: context, data, reference figures, terms shown."""

    ctx: object
    data: L.LeadershipData
    reference: pd.DataFrame
    terms: list
    observations: pd.DataFrame | None = None

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @property
    def unit(self) -> str:
        return self.ctx.unit

    @property
    def illustrative(self) -> bool:
        return bool(self.data.illustrative or getattr(self.ctx, "illustrative", False))


def terms_in_scope(councils: pd.DataFrame | None, period_end: int) -> list[str]:
    """Terms to show: every term in the data elected in or before ``period_end`` (the term
    before the review period stays in as the baseline of the term comparison)."""
    if councils is None or councils.empty:
        return []
    terms = sorted(set(councils["term"]), key=lambda t: L.parse_term(t)[0])
    return [t for t in terms if L.parse_term(t)[0] <= int(period_end)]


#: The leadership data tables, in words.
DATA_TABLE_WORDS = {
    "councils": (
        "Cơ cấu đại biểu Hội đồng nhân dân các cấp theo nhiệm kỳ",
        "People's Council seats and women deputies by level and term",
    ),
    "key_leaders": (
        "Cơ quan, địa phương có lãnh đạo chủ chốt là nữ, theo năm",
        "Agencies and local governments with a woman key leader, by year",
    ),
    "planning_pool": (
        "Cán bộ nữ trong quy hoạch và được đào tạo, theo năm",
        "Women in the cadre planning pool and trained, by year",
    ),
}


def load_report_data(ctx) -> LeadershipReport:
    """Load the leadership tables of ``ctx.data_root`` and the reference figures, and show
    where they come from. Raises :class:`me_utils.analysis.leadership.LeadershipDataError` (file, row,
    column, reason) for a bad input file."""

    data = L.load_leadership(ctx.data_root)
    ref = L.load_reference()
    obs = None
    if (Path(ctx.data_root) / "processed" / "observations.csv").exists():
        obs = load_observations(ctx.data_root)
    rep = LeadershipReport(ctx, data, ref, terms_in_scope(data.councils, ctx.period_end), obs)
    lang = ctx.lang
    lines = []
    for name, p in data.files.items():
        # What each table holds, in words (a reviewer reads no file names or folders).
        what = _t(lang, *DATA_TABLE_WORDS.get(name, (name, name)))
        lines.append(f"- {what}" + ("" if p is not None else _t(lang, ": chưa có số liệu.", ": no data yet.")))
    intro = _t(lang, "Nguồn số liệu của báo cáo này:", "Data used in this report:")
    markdown(intro + "\n\n" + "\n".join(lines))
    if rep.illustrative:
        markdown(
            _t(
                lang,
                "**Dữ liệu minh họa.** Phân tách theo huyện, nhiệm kỳ 2016–2021 và các chỉ tiêu năm là "
                "số liệu do máy sinh ra. Riêng tổng số đại biểu và số nữ nhiệm kỳ 2021–2026 theo từng "
                "cấp được dựng cho khớp với số liệu công bố của tỉnh (xem mục Nguồn); số liệu công bố "
                "chỉ được vẽ làm đường so sánh.",
                "**Illustrative data.** The breakdown by district, the 2016–2021 term and the yearly "
                "indicators are generated. Only the 2021–2026 totals of seats and women per level are "
                "built to match the province's published figures (see Sources); published figures are "
                "drawn only as comparison lines.",
            )
        )
    return rep
