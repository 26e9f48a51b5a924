"""Section 7 of the GBV report (``notebooks/20_gbv.ipynb``): funnel plots comparing the units
below the province — the 12 former districts (2021–2025) or the 75 communes (2026–2030) — from
the suppressed cubes of :mod:`me_utils.reports.gbv_tables` (hidden units are neither drawn nor
given limits). Re-exported by :mod:`me_utils.reports.gbv_report`.
"""

from __future__ import annotations

from me_utils.analysis import funnel
from me_utils.core import fmt, style
from me_utils.reports.gbv_tables import (
    PROVINCE,
    GbvReport,
    funnel_data,
    funnel_display,
    illustrative_note,
    level_words,
    show_fig,
    show_gbv_table,
)
from me_utils.reports.notebook import heading, markdown


def _t(lang, vi, en):
    return fmt.pick(lang, vi, en)


def od_sentence(od: dict, lang: str, w: dict | None = None) -> str:
    """Sentence on overdispersion (φ, τ²) of a funnel; ``w`` = :func:`level_words` of the
    report (default: districts)."""
    w = w or {"Many": fmt.pick(lang, "Các huyện", "Districts"), "many": fmt.pick(lang, "các huyện", "districts")}
    phi = fmt.fmt_number(od["phi"], 2, lang)
    if od["overdispersed"]:
        tau2 = funnel.fmt_tau2(od["tau2"], lang, sig=3)
        return _t(
            lang,
            f"{w['Many']} phân tán quá mức (φ = {phi}, τ² = {tau2}): giới hạn được nới theo τ² "
            "(DerSimonian–Laird) và vị trí được đánh giá theo giới hạn điều chỉnh.",
            f"The {w['many']} are overdispersed (φ = {phi}, τ² = {tau2}): limits are widened by τ² "
            "(DerSimonian–Laird) and positions are judged against the adjusted limits.",
        )
    return _t(
        lang,
        f"Không có phân tán quá mức (φ = {phi}): giới hạn chính xác.",
        f"No overdispersion (φ = {phi}): exact limits.",
    )


def section_funnels(rep: GbvReport) -> dict:
    """Section 7: funnel plots of the phase's units — the 12 districts or, on the province page
    of 2026–2030, the 75 communes — (M3.C2a, rate per 100,000) pooled over the period, exact
    limits at 95% / 99.8%, overdispersion check; units ordered by name. A funnel is drawn only
    when at least three units have shown counts; a commune page refers to the province page."""
    lang = rep.lang
    w = level_words(rep)
    heading(_t(lang, f"7. So sánh {w['many']} (biểu đồ phễu)", f"7. Comparing {w['many']} (funnel plots)"), 2)
    if rep.commune_phase and rep.unit != PROVINCE:
        # a commune page stays light: the comparison of the 75 communes is on the province page
        markdown(
            _t(
                lang,
                "Biểu đồ phễu so sánh các xã, phường chỉ có trong báo cáo của tỉnh.",
                "The funnel plots comparing the communes are in the province report.",
            )
        )
        return {"years": (rep.years[0], rep.years[-1]), "prop": None, "rate": None}
    fd = funnel_data(rep)
    a, b = fd["years"]
    yrs = f"{a}–{b}" if a != b else f"{a}"
    markdown(
        _t(
            lang,
            f"Biểu đồ phễu đặt giá trị của từng {w['one']} theo cỡ mẫu; đường giới hạn cho thấy phạm vi dao động "
            f"ngẫu nhiên quanh giá trị chung. {w['Many']} **không được xếp hạng**; {w['one']} có số nhỏ bị ẩn không "
            "được vẽ.",
            f"A funnel plot places each {w['one']}'s value against its size; the limits show the range of chance "
            f"variation around the pooled value. {w['Many']} are **not ranked**; {w['many']} with hidden small "
            "counts are not drawn.",
        )
    )
    panels = [  # (key, kind, per, heading vi/en, x label vi/en, y label vi/en, value label vi/en, pct)
        (
            "prop",
            "proportion",
            100,
            (f"M3.C2a — tiếp cận dịch vụ hỗ trợ cơ bản, {yrs}", f"M3.C2a — access to basic services, {yrs}"),
            ("Số nạn nhân được phát hiện", "Detected survivors"),
            ("%", "%"),
            ("Tỷ lệ tiếp cận", "Access share"),
            True,
        ),
        (
            "rate",
            "rate",
            100_000,
            (
                f"Tỷ suất trên 100.000 phụ nữ và trẻ em gái (mỗi năm), {yrs}",
                f"Rate per 100,000 women and girls (per year), {yrs}",
            ),
            ("Dân số nữ × số năm", "Female population × years"),
            ("/100.000", "/100,000"),
            ("Tỷ suất", "Rate"),
            False,
        ),
    ]
    for key, kind, per, head, xlab, ylab, vlab, pct in panels:
        if fd[key] is None:
            continue
        tab, od, hidden = fd[key]
        heading(_t(lang, *head), 3)
        n_shown = len(tab) - len(set(hidden))
        if n_shown < 3:
            # a funnel of fewer than three shown units shows nothing but hidden ones
            markdown(
                _t(
                    lang,
                    f"Chỉ {fmt.fmt_number(n_shown, 0, lang)} {w['one']} có số liệu được công bố (số còn lại bị ẩn vì "
                    "số nhỏ) nên không vẽ biểu đồ phễu.",
                    f"Only {fmt.fmt_number(n_shown, 0, lang)} {w['many']} have figures that can be shown (the others "
                    "are hidden for small counts), so no funnel plot is drawn.",
                )
            )
            if n_shown == 0:
                continue
        else:
            # The province-wide funnel is the same on every unit's page: drawn once per worker.
            style.show_figure_once(
                style.figure_key("gbv_funnel", tab, od, sorted(map(str, hidden)), kind, per, lang, xlab, ylab),
                lambda tab=tab, od=od, kind=kind, per=per, hidden=hidden, xlab=xlab, ylab=ylab: funnel.plot_funnel(
                    tab,
                    od,
                    kind=kind,
                    per=per,
                    lang=lang,
                    hidden_units=hidden,
                    xlabel=_t(lang, *xlab),
                    ylabel=_t(lang, *ylab),
                ),
                lang=lang,
                finish=False,
            )
        show_gbv_table(
            funnel_display(tab, od, hidden, lang, _t(lang, *vlab), pct=pct),
            caption=_t(lang, f"{w['Many']} theo thứ tự tên", f"{w['Many']} in name order")
            + illustrative_note(lang, rep.illustrative),
        )
        if n_shown >= 3:
            markdown(od_sentence(od, lang, w))
    if fd["prop"] is None and fd["rate"] is None:
        markdown(_t(lang, f"Chưa đủ số liệu cấp {w['one']}.", f"Not enough {w['one']} data."))
    return fd
