"""Phase-end review (tổng kết 2021–2025): executive summary, scorecard table, caveats,
accountability and method appendix — the pieces of ``notebooks/00_phase_end_review.ipynb``.

The notebook calls :func:`compute` once (it gathers the scorecard, the accountability matrix,
data-quality findings and the GBV/leadership summaries) and then one ``show_*`` function per
section. Every ``*_html``/``*_markdown`` function returns text so that tests can read what a
reviewer reads; ``show_*`` only displays it.

Summary categories (from the scorecard's ``summary_category``): ``achieved``, ``on_track``,
``behind``, ``no_data``. Groups are the scorecard's ``objective`` (Objectives 1–6 of
Resolution 28/NQ-CP, or a programme).

The tables and texts are made in :mod:`me_utils.reports.review_tables`, the GBV and leadership
summaries in :mod:`me_utils.reports.review_topics`; their public names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from me_utils.analysis import accountability, disclosure
from me_utils.analysis.assess import AssessSettings
from me_utils.analysis.disclosure import ASSUMPTIONS, guard_no_identifiers
from me_utils.core import fmt, safe_csv
from me_utils.core.paths import WORKBOOK_NAME  # single source of the workbook file name
from me_utils.evidence.base import evidence_for
from me_utils.reports import methodnote, narrative, review_insights
from me_utils.reports.notebook import markdown, show_table
from me_utils.reports.review_tables import (  # noqa: F401 (re-exported)
    OBJECTIVE_LABELS,
    SEVERITY_LABELS,
    STATUS_COLOUR_KEY,
    SUMMARY_CATEGORIES,
    SUMMARY_COLOURS,
    accountability_html,
    accountability_markdown,
    assumptions_markdown,
    caveats_markdown,
    coloured_table_html,
    executive_summary_markdown,
    findings_summary,
    group_key,
    group_label,
    group_order,
    is_unverified,
    recommendations_markdown,
    scorecard_table,
    status_colour,
    status_colours_by_label,
    summary_counts,
    summary_table,
    unverified_targets,
)
from me_utils.reports.review_topics import (  # noqa: F401 (re-exported)
    GBV_CODES,
    GBV_REPORT,
    LEADERSHIP_REPORT,
    gbv_indicator_rows,
    gbv_summary,
    leadership_summary,
)

#: Report title (the notebook adds the unit and the period).
TITLE_VI = "Báo cáo theo dõi, đánh giá thực hiện mục tiêu bình đẳng giới"
TITLE_EN = "Monitoring review of the gender-equality targets"


# --- putting it together ---------------------------------------------------------------------


@dataclass
class ReviewResults:
    """Everything the phase-end review shows.

    ``scorecard`` (CONTRACTS "Scorecard frame"), ``matrix`` (accountability long frame),
    ``findings`` (build findings or None), ``gbv`` / ``leadership`` (topic summaries: dicts
    with ``markdown`` and optional ``table``), ``method_note`` (markdown), ``suppression_log``
    (DataFrame or None), ``as_of`` (date), ``lang``, ``illustrative``, ``period_start/end``,
    ``figures`` (the unit's shown annual figures of the evidence base, for the sentences on
    changes since the last year; :func:`me_utils.reports.review_insights.unit_figures`).
    """

    scorecard: pd.DataFrame
    matrix: pd.DataFrame
    as_of: dt.date
    lang: str = "vi"
    period_start: int = 2021
    period_end: int = 2025
    unit: str = "SL"
    headline_method: str = "unsd"
    illustrative: bool = False
    findings: pd.DataFrame | None = None
    gbv: dict = field(default_factory=dict)
    leadership: dict = field(default_factory=dict)
    method_note: str = ""
    suppression_log: pd.DataFrame | None = None
    manifest: dict = field(default_factory=dict)
    figures: pd.DataFrame | None = None


# --- gathering the results --------------------------------------------------------------------


def observations_as_of(observations: pd.DataFrame, history: pd.DataFrame | None, as_of) -> pd.DataFrame:
    """The observations as they stood on ``as_of``: figures sent after the cut-off are not
    used. When every current figure was sent by then, ``observations`` is returned unchanged;
    otherwise, for each indicator × unit × year × period × sex, the latest figure of
    ``history`` sent on or before ``as_of`` is taken (the figure then current)."""
    cut = pd.Timestamp(accountability.to_date(as_of))
    sub = pd.to_datetime(observations["submission_date"], errors="coerce")
    if (sub.isna() | (sub <= cut)).all() or history is None:
        return observations[sub.isna() | (sub <= cut)].reset_index(drop=True)
    h = history.copy()
    h["submission_date"] = pd.to_datetime(h["submission_date"], errors="coerce")
    h = h[h["submission_date"].notna() & (h["submission_date"] <= cut)]
    key = ["indicator_code", "unit_code", "year", "period", "sex"]
    h = h.sort_values("submission_date", kind="stable").groupby(key, as_index=False, dropna=False).tail(1)
    cols = [c for c in observations.columns if c in h.columns]
    return h[cols].reset_index(drop=True)


def read_findings(data_root) -> pd.DataFrame | None:
    """``<root>/processed/findings.csv`` written by ``me build`` (None when absent)."""
    p = Path(data_root) / "processed" / "findings.csv"
    if not p.exists():
        return None
    return safe_csv.read_csv(p, dtype=str, keep_default_na=False)


def method_note_markdown(ctx, headline_method: str, lang: str) -> str:
    """The assessment's generated method note (:mod:`me_utils.reports.methodnote`) followed by the
    review's own assumptions (deadlines, rounding)."""
    parts = [_call_method_note(methodnote, ctx, headline_method, lang)]
    parts.append("**" + fmt.pick(lang, "Giả định của báo cáo", "Assumptions of this review") + "**")
    parts.append(assumptions_markdown(lang))
    return "\n\n".join(p for p in parts if p)


def _call_method_note(methodnote, ctx, headline_method: str, lang: str) -> str:

    # level 3: the note sits under the appendix heading (level 2) in the table of contents
    return methodnote.method_note(AssessSettings(headline_method=headline_method), lang=lang, heading_level=3)


def compute(ctx, as_of: str = "2025-11-30", headline_method: str = "unsd") -> ReviewResults:
    """Compute everything the review shows, for the unit and period of ``ctx``
    (:class:`me_utils.reports.notebook.ReportContext`).

    ``as_of`` (ISO date) is the cut-off: reports and figures sent after it are not used, and
    periods due after it are "not yet due". Raises FileNotFoundError naming the processed file
    and the ``me build`` command when the data root has not been built.
    """
    try:
        as_of_d = accountability.to_date(as_of)
    except ValueError:
        as_of_d = None
    if as_of_d is None:
        raise ValueError(f"as_of must be an ISO date such as '2025-11-30', got {as_of!r}")
    # Figures come from the evidence base of the build — the same rows the scorecard page, the
    # workbook and the index read — so the review never shows another number for a figure.
    # ``as_of`` dates the accountability matrix (which reports were due and on time).
    ev = evidence_for(ctx.data_root, headline_method=headline_method)
    if ev is None:
        raise FileNotFoundError(
            f"{ctx.data_root}/processed/observations.csv does not exist: run `me build --root {ctx.data_root}` first"
        )
    sc = ev.scorecard(ctx.unit, period_start=ctx.period_start)
    arrivals = accountability.load_arrivals(ctx.data_root)
    matrix = accountability.build_matrix(
        arrivals, ctx.period_start, ctx.period_end, as_of_d, findings=read_findings(ctx.data_root)
    )
    res = ReviewResults(
        scorecard=sc,
        matrix=matrix,
        as_of=as_of_d,
        lang=ctx.lang,
        period_start=ctx.period_start,
        period_end=ctx.period_end,
        unit=ctx.unit,
        headline_method=headline_method,
        illustrative=ctx.illustrative,
        findings=read_findings(ctx.data_root),
        manifest=ctx.manifest,
        figures=review_insights.unit_figures(ev, ctx.unit),
    )
    res.gbv = gbv_summary(ctx.data_root, ctx.period_start, ctx.period_end, ctx.lang)
    res.leadership = leadership_summary(
        ctx.data_root, ctx.unit, ctx.period_start, ctx.period_end, ctx.lang, scorecard=sc
    )

    tables = res.gbv.get("suppressed", [])
    res.suppression_log = disclosure.suppression_log(tables, ctx.lang) if tables else None
    res.method_note = method_note_markdown(ctx, headline_method, ctx.lang)
    return res


# --- sections (notebook cells call these) -------------------------------------------------------


def _show_md(text: str) -> None:

    markdown(text)


def _show_html(text: str) -> None:
    from IPython.display import HTML, display

    display(HTML(text))


def indicator_sentences_markdown(scorecard: pd.DataFrame, lang: str = "vi") -> str:
    """One generated sentence per indicator, grouped by objective/programme (bold group names)."""
    recs = scorecard.to_dict("records")
    keys = [group_key(r) for r in recs]
    lines = []
    for g in group_order(keys):
        lines.append(f"**{group_label(g, lang)}**")
        lines.append("")
        lines += ["- " + narrative.indicator_sentence(r, lang) for r, k in zip(recs, keys) if k == g]
        lines.append("")
    return "\n".join(lines)


def show_executive_summary(res: ReviewResults) -> None:
    """Section 1: the overall count of the status model's categories, what the summary table
    does not show by group, and the reports not received; then the table."""
    lang = res.lang
    _show_md("## " + fmt.pick(lang, "Tóm tắt", "Executive summary"))
    _show_md(
        executive_summary_markdown(
            res.scorecard, lang, res.period_start, res.period_end, figures=res.figures, matrix=res.matrix
        )
    )
    _show_html(coloured_table_html(summary_table(res.scorecard, lang)))


def show_scorecard(res: ReviewResults) -> None:
    """Section 2: the scorecard of all indicators, then one generated sentence per indicator."""
    lang = res.lang
    method = res.headline_method.upper() if res.headline_method != "statcan" else "StatCan"
    _show_md("## " + fmt.pick(lang, "Bảng đánh giá các chỉ tiêu", "Scorecard of all indicators"))
    _show_md(
        fmt.pick(
            lang,
            "Giá trị gần nhất kèm khoảng tin cậy 95% (không có với số liệu kiểm đếm toàn bộ), mục tiêu năm 2025 và "
            "kết quả đạt/chưa đạt khi đã có số liệu năm 2025 (kèm chênh lệch so với mục tiêu); triển vọng đạt mục "
            "tiêu kế tiếp chưa đến hạn là một khoảng của xác suất in bên cạnh (≥ 80%: nhiều khả năng đạt; 50–80%: "
            "có thể đạt; 20–50%: ít khả năng đạt; < 20%: rất ít khả năng đạt); phân loại theo ba phương pháp công "
            f"bố ghi rõ tên phương pháp (phương pháp chính trong ghi chú phương pháp: {method}). "
            "⚠ = mục tiêu chưa được kiểm chứng với văn bản gốc.",
            "Latest value with its 95% interval (none for complete counts), the 2025 target and, once 2025 is "
            "observed, whether it was met (with the margin); the outlook for the next target not yet due is a band "
            "of the probability printed beside it (≥ 80%: likely; 50–80%: could be reached; 20–50%: unlikely; "
            "< 20%: very unlikely); the three published methods' categories are named for their method (headline "
            f"method in the method note: {method}). ⚠ = target not yet verified against the official text.",
        )
    )
    _show_html(coloured_table_html(scorecard_table(res.scorecard, lang), status_colours_by_label(lang)))
    _show_md("### " + fmt.pick(lang, "Nhận định theo từng chỉ tiêu", "Indicator by indicator"))
    _show_md(indicator_sentences_markdown(res.scorecard, lang))


def show_gbv(res: ReviewResults) -> None:
    """Section 3: GBV summary (register indicators, detected incidents after suppression)."""
    lang = res.lang
    _show_md(
        "## "
        + fmt.pick(
            lang,
            "Phòng ngừa và ứng phó với bạo lực trên cơ sở giới",
            "Preventing and responding to gender-based violence",
        )
    )
    _show_md(res.gbv.get("markdown", ""))
    cases = res.gbv.get("cases")
    if cases is not None and len(cases):
        guard_no_identifiers(cases)
        show_table(
            cases.reset_index(),
            caption=res.gbv["suppressed"][0].name
            + fmt.pick(lang, " — x: ô bị ẩn để bảo vệ bí mật.", " — x: cell hidden for confidentiality."),
        )


def show_leadership(res: ReviewResults) -> None:
    """Section 4: women in leadership summary (council shares by term, key leaders, pool)."""
    lang = res.lang
    _show_md("## " + fmt.pick(lang, "Phụ nữ tham gia lãnh đạo, quản lý", "Women in leadership"))
    _show_md(res.leadership.get("markdown", ""))
    tab = res.leadership.get("councils")
    if tab is not None and len(tab):
        show_table(
            tab,
            caption=fmt.pick(
                lang,
                "Đại biểu Hội đồng nhân dân là nữ theo nhiệm kỳ và cấp",
                "Women among People's Council deputies by term and level",
            ),
        )


def show_accountability(res: ReviewResults) -> None:
    """Section 5: accountability matrix (department × period: on time, late, missing)."""
    lang = res.lang
    _show_md("## " + fmt.pick(lang, "Ma trận trách nhiệm báo cáo", "Accountability matrix"))
    _show_md(accountability_markdown(res.matrix, lang, res.as_of))
    _show_html(accountability_html(res.matrix, lang))


def show_caveats(res: ReviewResults) -> None:
    """Section 6: data-quality and unverified-target caveats."""
    lang = res.lang
    _show_md("## " + fmt.pick(lang, "Lưu ý về số liệu và mục tiêu", "Caveats on data and targets"))
    _show_md(caveats_markdown(res.scorecard, res.findings, lang, res.illustrative))


def show_method_appendix(res: ReviewResults) -> None:
    """Section 7: the assessment's method note and the GBV suppression log."""
    lang = res.lang
    _show_md("## " + fmt.pick(lang, "Phụ lục phương pháp", "Method appendix"))
    _show_md(res.method_note)
    _show_md("### " + fmt.pick(lang, "Nhật ký ẩn số liệu (bạo lực trên cơ sở giới)", "GBV suppression log"))

    _show_md(
        "\n".join("- " + a for a in ASSUMPTIONS[lang])
        + "\n\n"
        + fmt.pick(
            lang,
            f"Nhật ký dưới đây ghi các bảng số đếm của báo cáo này; nhật ký của mọi bảng về bạo lực trên cơ sở "
            f"giới nằm trong phụ lục của [báo cáo chuyên đề]({GBV_REPORT}).",
            f"The log below covers the count tables of this report; the log of every GBV table is in the "
            f"appendix of the [topic report]({GBV_REPORT}).",
        )
    )
    if res.suppression_log is not None and len(res.suppression_log):
        show_table(res.suppression_log)
    else:
        _show_md(
            fmt.pick(lang, "Không có bảng số liệu bạo lực nào trong báo cáo này.", "No GBV count table in this report.")
        )


def show_recommendations(res: ReviewResults) -> None:
    """Section 8: the recommendations placeholder, for the analyst to write."""
    _show_md("## " + fmt.pick(res.lang, "Kiến nghị", "Recommendations"))
    _show_md(recommendations_markdown(res.lang))


def workbook_link_markdown(lang: str = "vi") -> str:
    """The line under the review that links its workbook (``scorecard.xlsx``)."""
    return fmt.pick(
        lang,
        f"Bảng tính gửi cấp trên: [{WORKBOOK_NAME}]({WORKBOOK_NAME}).",
        f"Workbook for sending upward: [{WORKBOOK_NAME}]({WORKBOOK_NAME}).",
    )
