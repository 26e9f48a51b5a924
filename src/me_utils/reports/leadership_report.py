"""Report sections of the leadership report (``notebooks/30_leadership.ipynb``): People's
Council shares (1), term changes (2), the district funnel (3) and the published figures with
the method note (5).

The analysis is in :mod:`me_utils.analysis.leadership`; the report turns it into reviewer-facing
charts, tables and sentences (Vietnamese by default, English with ``lang="en"``). Each
``section_*`` function is one notebook cell: it shows a heading, a table, a chart and the text,
and returns the frames it showed (for tests and for further use in JupyterLab).

Conventions: council seats, key leaders and the planning pool are complete counts, so no
proportion carries a sampling interval and term changes are observed differences (the reason,
from the status model, is printed beside them); the 2025 and 2030 targets are drawn where they
apply; real published figures (``leadership_reference.csv``) are drawn only
as grey comparison lines with their source, never merged with the data; charts built from the
illustrative data say so in their title.

The figures are in :mod:`me_utils.reports.leadership_charts`, the data every section shares in
:mod:`me_utils.reports.leadership_report_data` and section 4 (key leaders, planning pool) in
:mod:`me_utils.reports.leadership_yearly_sections`; this module re-exports their public names,
so the notebook uses this one module.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from me_utils.analysis import funnel
from me_utils.analysis import leadership as L
from me_utils.core import fmt, style
from me_utils.core.fmt import pick as _t
from me_utils.reports.leadership_charts import (  # noqa: F401 (re-exported)
    ci,
    fig_council_funnel,
    fig_council_shares,
    fig_yearly_share,
    illus,
    show_fig,
)
from me_utils.reports.leadership_report_data import (  # noqa: F401 (re-exported)
    DATA_TABLE_WORDS,
    LeadershipReport,
    load_report_data,
    terms_in_scope,
)
from me_utils.reports.leadership_yearly_sections import (  # noqa: F401 (re-exported)
    section_key_leaders,
    section_planning_pool,
)
from me_utils.reports.notebook import heading, markdown, show_table

TITLE_VI = "Phụ nữ tham gia lãnh đạo, quản lý"
TITLE_EN = "Women in leadership and management"

_POSITION = {
    "within": ("trong giới hạn", "within the limits"),
    "above": ("trên giới hạn trên", "above the upper limit"),
    "below": ("dưới giới hạn dưới", "below the lower limit"),
}


#: Signed change (``'+8,6'`` / ``'−8,0'``, true minus): :func:`me_utils.analysis.leadership.fmt_change`.
fmt_pp = L.fmt_change


# --------------------------------------------------------------------------- sections


def _council_table(shares: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = []
    for _, r in shares.iterrows():
        rows.append(
            {
                _t(lang, "Cấp", "Level"): L.level_label(r["level"], lang),
                _t(lang, "Nhiệm kỳ", "Term"): L.term_label(r["term"], lang),
                _t(lang, "Số đại biểu", "Seats"): fmt.fmt_number(r["seats"], 0, lang),
                _t(lang, "Nữ", "Women"): fmt.fmt_number(r["women"], 0, lang),
                _t(lang, "Tỷ lệ nữ", "Women's share"): fmt.fmt_pct(r["share_pct"], 2, lang),
                _t(lang, "Nữ DTTS / tổng số ghế", "EM women / seats"): fmt.fmt_pct(r["em_share_pct"], 1, lang),
                _t(lang, "DTTS trong số nữ", "EM among women"): fmt.fmt_pct(r["em_of_women_pct"], 1, lang),
            }
        )
    return pd.DataFrame(rows)


def section_councils(rep: LeadershipReport) -> pd.DataFrame:
    """Section 1: women's share of People's Council seats by level and term, with the
    ethnic-minority women's share, a chart with the published comparison lines, and the
    district series-end note. Returns the shares frame."""
    lang, unit = rep.lang, rep.unit
    heading(_t(lang, "1. Nữ đại biểu HĐND các cấp theo nhiệm kỳ", "1. Women People's Council deputies by term"), 2)
    if rep.data.councils is None or not rep.terms:
        markdown(_t(lang, "Chưa có số liệu cơ cấu HĐND.", "No People's Council data."))
        return pd.DataFrame()
    shares = L.council_shares(rep.data.councils, unit, rep.terms)
    if shares.empty:
        markdown(_t(lang, "Không có số liệu HĐND cho đơn vị này.", "No council data for this unit."))
        return shares
    scope = (
        _t(
            lang,
            "Toàn tỉnh: HĐND tỉnh; các HĐND cấp huyện và cấp xã được cộng gộp.",
            "Province: the provincial council; district and commune councils pooled.",
        )
        if unit == L.PROVINCE
        else _t(
            lang,
            f"{L.unit_name(unit, 'vi')}: HĐND cấp huyện và các HĐND cấp xã của huyện (cộng gộp).",
            f"{L.unit_name(unit, 'en')}: the district council and its commune councils (pooled).",
        )
    )
    markdown(scope + " " + _t(lang, "DTTS: dân tộc thiểu số.", "EM: ethnic minority."))
    show_table(
        _council_table(shares, lang),
        caption=_t(
            lang,
            "Tỷ lệ nữ đại biểu HĐND (kiểm đếm toàn bộ số ghế)",
            "Women's share of council seats (all seats counted)",
        )
        + illus(lang, rep.illustrative),
    )
    markdown("> " + L.enumeration_note(lang))
    show_fig(fig_council_shares(shares, rep.reference, lang, rep.illustrative, unit))
    markdown(
        _t(
            lang,
            "Đường xám: số liệu công bố chính thức (nhiệm kỳ 2021–2026 của Sơn La; tỷ lệ nữ đại biểu "
            "Quốc hội toàn quốc), có nguồn ở mục 5; không trộn vào dữ liệu.",
            "Grey lines: official published figures (Son La 2021–2026; national share of women National "
            "Assembly deputies), sourced in section 5; not mixed into the data.",
        )
    )
    markdown("> " + L.district_series_note(unit, lang))
    return shares


def change_sentence(r, lang: str = "vi") -> str:
    """One observed term change as a sentence, e.g. ``'HĐND cấp tỉnh: số đại biểu nữ tăng từ 15
    lên 23 (+8; tổng số ghế 56 → 65); tỷ lệ nữ tăng 8,6 điểm phần trăm, từ 26,8% (nhiệm kỳ
    2016–2021) lên 35,4% (nhiệm kỳ 2021–2026).'``

    Input: a row of :func:`me_utils.analysis.leadership.term_changes`. Seats are counted in full, so the
    sentence states the difference and draws no inference (no interval, test or p-value).
    """
    lv = L.level_label(r["level"], lang)
    a, b = L.term_label(r["term_from"], lang), L.term_label(r["term_to"], lang)
    w0, w1 = fmt.fmt_number(r["women_from"], 0, lang), fmt.fmt_number(r["women_to"], 0, lang)
    s0, s1 = fmt.fmt_number(r["seats_from"], 0, lang), fmt.fmt_number(r["seats_to"], 0, lang)
    dw = fmt_pp(r["women_change"], 0, lang)
    frm, to = fmt.fmt_pct(r["share_from_pct"], 1, lang), fmt.fmt_pct(r["share_to_pct"], 1, lang)
    pts = fmt.fmt_number(abs(r["diff_pp"]), 1, lang)
    # The direction words follow the rounded figures printed, so "+0,0" never reads "tăng".
    w_up, w_down = r["women_change"] > 0, r["women_change"] < 0
    d_up, d_down = pts.strip("0,.") != "" and r["diff_pp"] > 0, pts.strip("0,.") != "" and r["diff_pp"] < 0
    if lang == "vi":
        count = (
            f"số đại biểu nữ {'tăng' if w_up else 'giảm'} từ {w0} {'lên' if w_up else 'xuống'} {w1} ({dw}"
            if w_up or w_down
            else f"số đại biểu nữ không đổi ({w0}"
        )
        share = (
            f"tỷ lệ nữ {'tăng' if d_up else 'giảm'} {pts} điểm phần trăm, từ {frm} ({a}) "
            f"{'lên' if d_up else 'xuống'} {to} ({b})"
            if d_up or d_down
            else f"tỷ lệ nữ không đổi: {frm} ({a}) và {to} ({b})"
        )
        return f"{lv}: {count}; tổng số ghế {s0} → {s1}); {share}."
    count = (
        f"women deputies {'rose' if w_up else 'fell'} from {w0} to {w1} ({dw}"
        if w_up or w_down
        else f"women deputies unchanged ({w0}"
    )
    share = (
        f"women's share {'rose' if d_up else 'fell'} by {pts} percentage points, from {frm} ({a}) to {to} ({b})"
        if d_up or d_down
        else f"women's share unchanged: {frm} ({a}) and {to} ({b})"
    )
    return f"{lv}: {count}; seats {s0} → {s1}); {share}."


def section_term_changes(rep: LeadershipReport) -> pd.DataFrame:
    """Section 2: observed change between consecutive terms per level (women gained or lost,
    share change in percentage points — complete counts, so no interval or test, with the
    reason) and the explicit refusal of a within-term trend. Returns the numeric frame of
    :func:`me_utils.analysis.leadership.term_changes`."""
    lang, unit = rep.lang, rep.unit
    heading(_t(lang, "2. So sánh giữa các nhiệm kỳ", "2. Term-to-term comparison"), 2)
    refusal = L.council_trend(pd.DataFrame({"term": rep.terms[-1:]}) if rep.terms else pd.DataFrame())
    markdown(refusal.text(lang))
    if rep.data.councils is None:
        return pd.DataFrame()
    shares = L.council_shares(rep.data.councils, unit, rep.terms)
    tc = L.term_changes(shares)
    if tc.empty:
        markdown(_t(lang, "Chỉ có một nhiệm kỳ: chưa có gì để so sánh.", "Only one term: nothing to compare yet."))
        return tc
    rows = []
    for _, r in tc.iterrows():
        rows.append(
            {
                _t(lang, "Cấp", "Level"): L.level_label(r["level"], lang),
                _t(
                    lang, "So sánh", "Comparison"
                ): f"{L.term_label(r['term_to'], lang)} − {r['term_from'].replace('-', '–')}",
                _t(
                    lang, "Nữ / số ghế, nhiệm kỳ trước", "Women / seats, earlier term"
                ): f"{fmt.fmt_number(r['women_from'], 0, lang)}/{fmt.fmt_number(r['seats_from'], 0, lang)}",
                _t(
                    lang, "Nữ / số ghế, nhiệm kỳ sau", "Women / seats, later term"
                ): f"{fmt.fmt_number(r['women_to'], 0, lang)}/{fmt.fmt_number(r['seats_to'], 0, lang)}",
                _t(lang, "Thay đổi số nữ", "Change in women"): fmt_pp(r["women_change"], 0, lang),
                _t(lang, "Tỷ lệ nữ, nhiệm kỳ trước", "Share, earlier term"): fmt.fmt_pct(r["share_from_pct"], 2, lang),
                _t(lang, "Tỷ lệ nữ, nhiệm kỳ sau", "Share, later term"): fmt.fmt_pct(r["share_to_pct"], 2, lang),
                _t(lang, "Chênh lệch (điểm %)", "Change (points)"): fmt_pp(r["diff_pp"], 2, lang),
            }
        )
    show_table(
        pd.DataFrame(rows),
        caption=_t(
            lang,
            "Thay đổi tỷ lệ nữ đại biểu giữa hai nhiệm kỳ liên tiếp",
            "Change in women's share between consecutive terms",
        )
        + illus(lang, rep.illustrative),
    )
    markdown("\n".join(f"- {change_sentence(r, lang)}" for _, r in tc.iterrows()))
    markdown("> " + L.enumeration_note(lang))
    if "district" in set(shares["level"]) or unit != L.PROVINCE:
        markdown(
            "> "
            + L.district_series_note(unit, lang)
            + " "
            + _t(
                lang,
                "Nhiệm kỳ 2026–2031 không có HĐND cấp huyện; cấp xã chỉ so sánh được ở phạm vi toàn tỉnh.",
                "The 2026–2031 term has no district councils; commune councils compare only province-wide.",
            )
        )
    return tc


def section_funnel(rep: LeadershipReport) -> list:
    """Section 3: funnel plots of district-level units (district councils, and commune councils
    pooled per district) against the pooled provincial share, not ranked. Seats are counted in
    full, so the limits are shown as a reference band of binomial variation
    (:data:`me_utils.analysis.leadership.FUNNEL_REFERENCE`), never as a significance test. Returns the
    numeric funnel tables shown."""
    lang = rep.lang
    heading(_t(lang, "3. So sánh các huyện (biểu đồ phễu)", "3. Districts compared (funnel plot)"), 2)
    c = rep.data.councils
    out = []
    if c is None:
        markdown(_t(lang, "Chưa có số liệu.", "No data."))
        return out
    markdown(fmt.pick(lang, *L.FUNNEL_REFERENCE))
    for level in ("district", "commune"):
        per_district = (c["level"] == level) & c["unit_code"].isin(L.DISTRICTS)
        terms = [t for t in rep.terms if (per_district & (c["term"] == t)).any()]
        if not terms:
            continue
        term = terms[-1]
        table, od = L.council_funnel(c, term, level)
        out.append(table)
        heading(
            _t(
                lang,
                f"{L.level_label(level, 'vi')}, {L.term_label(term, 'vi')}",
                f"{L.level_label(level, 'en')}, {L.term_label(term, 'en')}",
            ),
            3,
        )
        # The same chart on every page whose unit is not one of the districts (the province, and
        # the 75 communes of the 2026–2030 phase): drawn once per report worker.
        highlight = rep.unit if rep.unit in set(table["unit"]) else None
        names = [L.unit_name(c, lang) for c in table["unit"]]
        style.show_figure_once(
            style.figure_key("council_funnel", table, od, term, level, lang, rep.illustrative, highlight, names),
            lambda t=table, o=od, tm=term, lv=level, h=highlight: fig_council_funnel(
                t, o, tm, lv, lang, rep.illustrative, highlight=h
            ),
            lang=lang,
        )
        show_table(
            funnel_display_table(table, od, lang),
            caption=_t(
                lang,
                f"Xếp theo tên đơn vị, không xếp hạng. Giá trị chung (θ₀) = {fmt.fmt_pct(100 * od['theta0'], 2, lang)}",
                f"Ordered by unit name, not ranked. Pooled value (θ₀) = {fmt.fmt_pct(100 * od['theta0'], 2, lang)}",
            ),
        )
        markdown(funnel_sentence(table, od, lang))
    markdown("> " + L.district_series_note(L.PROVINCE, lang))
    return out


def funnel_display_table(table: pd.DataFrame, od: dict, lang: str = "vi") -> pd.DataFrame:
    """Reviewer table of a council funnel: unit, seats, women, share, the 95% and 99.8% limits
    the positions were judged against (overdispersion-adjusted ones when the units are
    overdispersed, exact binomial ones otherwise) and the position. Ordered by unit name."""
    pre = "adj_" if od["overdispersed"] else ""
    rows = []
    for _, r in table.iterrows():
        if r["position_998"] != "within":
            pos, lvl = r["position_998"], "99,8%" if lang == "vi" else "99.8%"
        else:
            pos, lvl = r["position_95"], "95%"
        rows.append(
            {
                _t(lang, "Đơn vị", "Unit"): L.unit_name(r["unit"], lang),
                _t(lang, "Số ghế", "Seats"): fmt.fmt_number(r["denominator"], 0, lang),
                _t(lang, "Nữ", "Women"): fmt.fmt_number(r["numerator"], 0, lang),
                _t(lang, "Tỷ lệ nữ", "Women's share"): fmt.fmt_pct(r["value"], 1, lang),
                _t(lang, "Giới hạn 95%", "95% limits"): ci(r[f"{pre}lower_95"], r[f"{pre}upper_95"], lang),
                _t(lang, "Giới hạn 99,8%", "99.8% limits"): ci(r[f"{pre}lower_998"], r[f"{pre}upper_998"], lang),
                _t(lang, "Vị trí", "Position"): fmt.pick(lang, *_POSITION[pos])
                + ("" if pos == "within" else f" ({lvl})"),
            }
        )
    return pd.DataFrame(rows)


def funnel_sentence(table: pd.DataFrame, od: dict, lang: str = "vi") -> str:
    """How many units lie outside the reference band, and which limits were used (exact
    binomial, or widened for overdispersion with φ and τ²). Worded for complete counts: a
    position outside the band is a prompt, never a significant difference."""
    n_out = int((table["position_95"] != "within").sum())
    phi = fmt.fmt_number(od["phi"], 2, lang)
    if od["overdispersed"]:
        basis = _t(
            lang,
            f"Các huyện phân tán quá mức (φ = {phi}): giới hạn được nới theo τ² "
            "(DerSimonian–Laird) và vị trí được đánh giá theo giới hạn điều chỉnh. ",
            f"The districts are overdispersed (φ = {phi}): limits are widened by τ² "
            "(DerSimonian–Laird) and positions are judged against the adjusted limits. ",
        )
    else:
        basis = _t(
            lang,
            f"Không có phân tán quá mức (φ = {phi}): giới hạn nhị thức chính xác. ",
            f"No overdispersion (φ = {phi}): exact binomial limits. ",
        )
    return basis + _t(
        lang,
        f"{n_out}/{len(table)} đơn vị nằm ngoài dải tham chiếu 95% (nếu mọi huyện có cùng tỷ lệ "
        "chung, khoảng 5% đơn vị vẫn nằm ngoài dải này). "
        "Nằm ngoài dải là tín hiệu cần xem xét thêm, không phải kết luận.",
        f"{n_out}/{len(table)} units lie outside the 95% reference band (if every district had the "
        "pooled share, about 5% of units would still fall outside it). "
        "A unit outside the band is a prompt to look closer, not a verdict.",
    )


def section_sources(rep: LeadershipReport) -> pd.DataFrame:
    """Section 5: the real published figures with their sources (complete counts of seats or
    governments: shares without intervals), the targets with their basis, and the method note
    (assumptions of leadership and funnel). Returns the numeric reference rows in the order
    shown (columns of :func:`me_utils.analysis.leadership.load_reference`)."""

    lang = rep.lang
    heading(_t(lang, "5. Nguồn số liệu công bố và ghi chú phương pháp", "5. Published figures and method note"), 2)
    councils = L.reference_council_shares(rep.reference)["figure_id"].tolist()
    order = councils + [f for f in rep.reference["figure_id"] if f not in set(councils)]
    shown = rep.reference.set_index("figure_id").loc[order].reset_index()
    rows = []
    for _, r in shown.iterrows():
        has = np.isfinite(r["women"]) and np.isfinite(r["total"])
        rows.append(
            {
                _t(lang, "Số liệu", "Figure"): _reference_label(r, lang),
                _t(lang, "Nữ / tổng số", "Women / total"): (
                    f"{fmt.fmt_number(r['women'], 0, lang)}/{fmt.fmt_number(r['total'], 0, lang)}"
                    if has
                    else fmt.MISSING
                ),
                _t(lang, "Tỷ lệ", "Share"): fmt.fmt_pct(r["share_pct"], 2 if r["figure_id"] in councils else 1, lang),
                _t(lang, "Nguồn", "Source"): f"{html.escape(str(r['source_title']))} — {r['source_url']}",
                _t(lang, "Kiểm chứng", "Verification"): _verification_words(r["verification"], lang),
            }
        )
    table = pd.DataFrame(rows)
    src = _t(lang, "Nguồn", "Source")
    show_table(
        table.assign(**{src: table[src].str.split(" — ").str[0]}),
        caption=_t(
            lang,
            "Số liệu công bố chính thức (thật, có nguồn); dùng làm đường so sánh",
            "Official published figures (real, sourced); used as comparison lines",
        ),
    )
    links = dict.fromkeys(table[src])  # one line per distinct source, in table order
    markdown(
        _t(lang, "Nguồn:", "Sources:")
        + "\n\n"
        + "\n".join(f"- [{t.split(' — ')[0]}]({t.split(' — ')[1]})" for t in links)
    )
    tg_rows = []
    for code in ("M1.C1", "L.1", "L.2", "L.3"):
        t = L.indicator_targets(code)
        tg_rows.append(
            {
                _t(lang, "Mã", "Code"): code,
                _t(lang, "Mục tiêu 2025", "2025 target"): fmt.fmt_pct(t.target_2025, 0, lang),
                _t(lang, "Mục tiêu 2030", "2030 target"): fmt.fmt_pct(t.target_2030, 0, lang),
                _t(lang, "Căn cứ", "Basis"): t.source or t.basis,
                _t(lang, "Kiểm chứng", "Verified"): _t(lang, "có", "yes") if t.verified else _t(lang, "chưa ⚠", "no ⚠"),
            }
        )
    show_table(pd.DataFrame(tg_rows), caption=_t(lang, "Mục tiêu áp dụng", "Applicable targets"))
    heading(_t(lang, "Ghi chú phương pháp", "Method note"), 3)
    markdown("\n".join(f"- {s}" for s in L.ASSUMPTIONS[lang] + funnel.ASSUMPTIONS[lang]))
    return shown


#: What the reference's verification tags mean, for the reader (the tags stay internal).
VERIFICATION_WORDS = {
    "VERIFIED": ("đã kiểm chứng", "verified"),
    "VERIFIED-EN": ("chỉ thấy trong nguồn tiếng Anh", "seen in English sources only"),
    "PARTIAL": ("kiểm chứng một phần", "partly verified"),
    "UNVERIFIED": ("chưa kiểm chứng", "not verified"),
}


def _verification_words(tag, lang: str) -> str:
    return _t(lang, *VERIFICATION_WORDS.get(str(tag), (str(tag), str(tag))))


def _reference_label(r, lang: str) -> str:
    body = str(r["body"])
    term = str(r["term"]) if r["term"] else ""
    when = L.term_label(term, lang) if term else str(int(r["year"])) if np.isfinite(r["year"]) else ""
    if body == "people_council":
        return _t(
            lang,
            f"Sơn La, {L.level_label(r['level'], 'vi')}, {when}",
            f"Son La, {L.level_label(r['level'], 'en')}, {when}",
        )
    if body == "national_assembly":
        if r["scope"] == "national":
            return _t(lang, f"Toàn quốc, nữ đại biểu Quốc hội, {when}", f"Viet Nam, women NA deputies, {when}")
        return _t(lang, f"Đại biểu Quốc hội trúng cử tại Sơn La, {when}", f"NA deputies elected in Son La, {when}")
    if body == "provincial_government":
        return _t(
            lang,
            f"Toàn quốc, chính quyền cấp tỉnh có lãnh đạo chủ chốt nữ, {when} (phạm vi khác M1.C1 của tỉnh)",
            f"Viet Nam, provincial governments with a woman key leader, {when} (different scope from Son La's M1.C1)",
        )
    return str(r["figure_id"])
