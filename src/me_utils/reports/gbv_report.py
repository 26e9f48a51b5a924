"""Sections of the GBV report notebook (``notebooks/20_gbv.ipynb``).

Every table that holds GBV counts goes through :mod:`me_utils.analysis.disclosure` before it is shown:
each count is a cell of a district × category × year cube suppressed once (primary cells 1…k−1,
complementary cells, LP-audited against every margin), so the province report and all district
reports show slices of one pattern; percentages and rates with a hidden numerator or
denominator are hidden; every displayed table passes
:func:`me_utils.analysis.disclosure.guard_no_identifiers`; every slice shown is recorded on the
:class:`GbvReport` so that the appendix prints the suppression log.

The report's data, cubes and funnel inputs are in :mod:`me_utils.reports.gbv_tables` (its
public names used here are re-exported); this module holds the sections the notebook calls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from me_utils.analysis import assess, funnel
from me_utils.analysis import disclosure as D
from me_utils.analysis import gbv as G
from me_utils.analysis.intervals import figure_intervals, rate_ci
from me_utils.core import fmt
from me_utils.core.labels import label
from me_utils.evidence.base import trend_curve
from me_utils.reports.gbv_funnels import section_funnels  # noqa: F401 (re-exported: section 7)
from me_utils.reports.gbv_tables import (  # noqa: F401 (re-exported)
    PROVINCE,
    GbvReport,
    category_cube,
    cube_cell,
    funnel_data,
    funnel_display,
    illustrative_note,
    indicator_cube,
    indicator_series,
    level_words,
    load_report_data,
    plane,
    returnee_cube,
    show_fig,
    show_gbv_table,
    unit_name,
    yes_no_cube,
)
from me_utils.reports.notebook import heading, markdown
from me_utils.reports.trend_plots import small_multiples

TITLE_VI = "Phòng ngừa và ứng phó với bạo lực trên cơ sở giới"
TITLE_EN = "Preventing and responding to gender-based violence"
#: Shown years a 2026–2030 series needs before its trend is assessed and drawn (one point is
#: no trend; the phase started in 2026).
MIN_TREND_YEARS = 3


def _t(lang, vi, en):
    return fmt.pick(lang, vi, en)


def section_scope(rep: GbvReport) -> None:
    """Section 1: what is counted — consent filter (number left out), validation warnings,
    the disclosure rule."""
    lang, c = rep.lang, rep.consent
    heading(_t(lang, "1. Phạm vi số liệu và bảo vệ danh tính", "1. Scope of the data and protection of identity"), 2)
    n_warn = int((rep.problems["severity"] == "warning").sum()) if len(rep.problems) else 0
    excl = D.show_count(c.excluded, rep.k, lang)
    total = D.show_count(c.total, rep.k, lang)
    # The register is the province's: on a district or commune page its totals are said to be
    # the province's, not the unit's.
    held = (
        _t(lang, f"Sổ đăng ký có {total} vụ việc.", f"The register holds {total} incidents.")
        if rep.unit == PROVINCE
        else label("register_cases_province", lang, n=total)
    )
    txt = held + _t(
        lang,
        f" Chỉ các vụ việc người bị bạo lực **đồng ý chia sẻ số liệu** "
        f"được đưa vào thống kê; **{excl}** vụ việc không có sự đồng ý đã bị loại ra.",
        f" Only incidents whose survivor **consented to "
        f"reporting** enter statistics; **{excl}** incidents without consent were left out.",
    )
    if n_warn:
        txt += _t(
            lang,
            f" Có {fmt.fmt_number(n_warn, 0, lang)} cờ bối cảnh (xâm hại tình dục trẻ em, tảo hôn) "
            "được tính lại theo quy tắc GBVIMS vì không khớp với loại vụ việc và tuổi.",
            f" {fmt.fmt_number(n_warn, 0, lang)} context flags (child sexual abuse, early marriage) "
            "were recomputed by the GBVIMS rule because they disagreed with type and age.",
        )
    markdown(txt)
    markdown(
        "> "
        + _t(
            lang,
            f"Bảo vệ danh tính: ô có số từ 1 đến {rep.k - 1} được ẩn (ký hiệu **x**), cùng các ô "
            "ẩn bổ sung để không thể tính lại từ các tổng; tỷ lệ và tỷ suất dựa trên số bị ẩn cũng "
            "bị ẩn. Không có mã vụ việc hay ngày tháng cụ thể nào trong báo cáo.",
            f"Protecting identity: cells with counts 1 to {rep.k - 1} are hidden (mark **x**), "
            "with further cells hidden so that none can be worked out from totals; rates and "
            "percentages built on a hidden count are hidden too. No case id or exact date "
            "appears in this report.",
        )
    )
    if rep.commune_phase and rep.unit != PROVINCE:
        name = unit_name(rep.unit, lang)
        markdown(
            "> "
            + _t(
                lang,
                f"**Ở cấp xã, phần lớn số liệu bị ẩn.** Mỗi năm {name} chỉ tiếp nhận rất ít vụ việc, nên hầu hết "
                f"các ô trong các bảng dưới đây có số từ 1 đến {rep.k - 1} hoặc có thể dùng để tính lại các số đó, "
                "và được thay bằng ký hiệu **x**. Trang này chỉ có bảng; biểu đồ chỉ có khi có số liệu được công "
                "bố. Số liệu chung xem ở báo cáo của tỉnh; danh sách các ô bị ẩn ở phụ lục (nhật ký ẩn số liệu).",
                f"**At commune level most figures are hidden.** {name} receives very few cases a year, so most "
                f"cells in the tables below count 1 to {rep.k - 1} people or could be used to work such a count "
                "out, and show **x** instead. This page holds tables only; a chart appears only where figures can "
                "be shown. See the province report for the overall figures and the appendix (suppression log) for "
                "the list of hidden cells.",
            )
        )


# --------------------------------------------------------------------------- indicators


def section_indicators(rep: GbvReport) -> pd.DataFrame:
    """Section 2: indicator values by year (counts, %, Wilson 95% CI), with targets from the
    catalogue; counts hidden by the cubes' suppression, and the % with them."""
    lang, ctx = rep.lang, rep.ctx
    heading(_t(lang, "2. Các chỉ tiêu từ sổ đăng ký", "2. Indicators from the register"), 2)
    ser = indicator_series(rep)
    cat = ctx.catalogue.indicators
    shown = 0
    for code in G.CATALOGUE_CODES:  # M3.C3 is shown in section 8 with its table
        s = ser[(ser["indicator_code"] == code) & (ser["denominator"] > 0)]
        ind = cat.get(code)
        name = (ind.name_vi if lang == "vi" else ind.name_en) if ind is not None else G.INDICATORS[code][lang != "vi"]
        tgt = (
            ""
            if ind is None
            else " / ".join(
                f"{y}: {fmt.fmt_pct(ind.target(y), 0, lang)}" for y in (2025, 2030) if ind.target(y) is not None
            )
        )
        rows = []
        for r in s.itertuples(index=False):
            x = D.HIDDEN_MARK
            rows.append(
                {
                    _t(lang, "Năm", "Year"): str(int(r.year)),
                    _t(lang, "Tử số", "Numerator"): x if r.hide_numerator else fmt.fmt_number(r.numerator, 0, lang),
                    _t(lang, "Mẫu số", "Denominator"): x
                    if r.hide_denominator
                    else fmt.fmt_number(r.denominator, 0, lang),
                    _t(lang, "Giá trị", "Value"): x if r.hide_value else fmt.fmt_pct(r.value, 1, lang),
                    fmt.ci_label(0.95, lang): x if r.hide_value else fmt.fmt_ci(r.ci_low, r.ci_high, 1, lang),
                    _t(lang, "Mục tiêu", "Target"): tgt,
                }
            )
        if rows:
            shown += 1
            show_gbv_table(pd.DataFrame(rows), caption=f"{code} — {name}" + illustrative_note(lang, rep.illustrative))
    if not shown:
        markdown(_t(lang, "Chưa có số liệu cho đơn vị này.", "No data for this unit."))
        return ser
    markdown(
        _t(
            lang,
            "DV.4 gồm ba phần: được bảo vệ (công an/tư pháp hoặc nơi tạm lánh), được trợ giúp "
            "pháp lý, được chăm sóc sức khỏe; người bị bạo lực được tính khi nhận ít nhất một phần.",
            "DV.4 has three parts: protection (police/justice or shelter), legal aid, health care; a "
            "victim counts when she or he received at least one.",
        )
    )
    return ser


def section_trends(rep: GbvReport, ser: pd.DataFrame):
    """Section 3: trends against the 2025/2030 targets, assessed by ``me_utils.analysis.assess`` (UNSD,
    StatCan, ESCAP) with binomial-GLM projections. Years whose value is hidden by disclosure
    control are left out of the series (and said so)."""

    lang, ctx = rep.lang, rep.ctx
    heading(_t(lang, "3. Xu hướng so với mục tiêu", "3. Trends against the targets"), 2)
    cat = ctx.catalogue.indicators
    items, lines, dropped = [], [], []
    for code in [*G.CATALOGUE_CODES, "M3.C3"]:
        ind = cat.get(code)
        s = ser[(ser["indicator_code"] == code) & (ser["denominator"] > 0)].sort_values("year")
        if ind is None or s.empty:
            continue
        hidden_years = s.loc[s["hide_value"], "year"].astype(int).tolist()
        if hidden_years:
            dropped.append(f"{code}: " + ", ".join(map(str, hidden_years)))
        s = s[~s["hide_value"]]
        if s.empty or (rep.commune_phase and len(s) < MIN_TREND_YEARS):
            continue
        comps = {2025: getattr(ind, "target_2025_comparator", None), 2030: getattr(ind, "target_2030_comparator", None)}
        a = assess.assess_series(
            s["year"].to_numpy(float),
            s["value"].to_numpy(float),
            direction=ind.direction,
            kind=ind.kind,
            scale=float(ind.scale),
            target_2025=ind.target(2025),
            target_2030=ind.target(2030),
            numerators=s["numerator"].to_numpy(float),
            denominators=s["denominator"].to_numpy(float),
            periodicity="annual",
            period_start=ctx.period_start,
            period_end=ctx.period_end,
            comparators=comps,
        )
        series = s[["year", "value", "numerator", "denominator"]].reset_index(drop=True)
        ci = figure_intervals(
            np.full(len(series), ind.kind, dtype=object),
            np.full(len(series), float(ind.scale)),
            series["value"],
            series["numerator"],
            series["denominator"],
        )
        series["ci_low"], series["ci_high"] = ci[:, 0], ci[:, 1]
        items.append(
            {
                "indicator": ind,
                "assessment": a,
                "series": series,
                "curve": trend_curve(a.fit, series["year"]),
                "targets": {2025: ind.target(2025), 2030: ind.target(2030)},
            }
        )
        if a.statuses:
            st = "; ".join(
                f"{'StatCan' if m == 'statcan' else m.upper()}: {assess.status_label(v, lang)}"
                for m, v in a.statuses.items()
            )
            lines.append(f"- **{code}** — " + st)
    if not items:
        markdown(_t(lang, "Chưa đủ số liệu để đánh giá xu hướng.", "Not enough data to assess trends."))
        if rep.commune_phase:
            markdown(
                _t(
                    lang,
                    f"Giai đoạn 2026–2030: xu hướng được đánh giá khi có ít nhất {MIN_TREND_YEARS} năm có số liệu "
                    "được công bố (không bị ẩn).",
                    f"2026–2030: a trend is assessed once at least {MIN_TREND_YEARS} years have figures that "
                    "can be shown (not hidden).",
                )
            )
        return items
    fig = small_multiples(items, lang=lang, ncols=3)
    if fig is not None:
        show_fig(fig)
    markdown(
        _t(
            lang,
            f"Đánh giá so với mục tiêu (giai đoạn {ctx.period_start}–{ctx.period_end}):",
            f"Assessment against the targets ({ctx.period_start}–{ctx.period_end}):",
        )
        + "\n\n"
        + "\n".join(lines)
    )
    if dropped:
        markdown(
            "> "
            + _t(
                lang,
                "Các năm có số nhỏ bị ẩn nên không đưa vào xu hướng: ",
                "Years hidden for small counts and left out of the trend: ",
            )
            + "; ".join(dropped)
        )
    return items


# --------------------------------------------------------------------------- counts


def _namer(dim: str, lang: str):
    return lambda labels: [G.label(dim, x, lang) for x in labels]


def section_cases(rep: GbvReport) -> list:
    """Section 4: detected GBV incidents by type × year (report unit) and, in the province
    report, by district × type for the last year — slices of one suppressed cube."""
    lang, ctx = rep.lang, rep.ctx
    heading(_t(lang, "4. Số vụ việc được phát hiện", "4. Detected incidents"), 2)
    out = []
    if rep.gbv.empty:
        markdown(_t(lang, "Chưa có số liệu.", "No data."))
        return out
    cube = category_cube(rep, "incident_type", G.GBV_TYPES)
    title = _t(lang, "Vụ việc BLTCSG theo loại và năm", "GBV incidents by type and year")
    st = cube.table(
        "incident_type",
        "year",
        {"unit_code": rep.fixed_unit},
        name=title,
        total_label=_t(lang, "Tổng", "Total"),
        row_names=_namer("incident_type", lang),
    )
    rep.show(st, title)
    out.append(st)
    if rep.unit == PROVINCE:
        last, w = rep.years[-1], level_words(rep)
        title2 = _t(
            lang,
            f"Vụ việc BLTCSG theo {w['one']} và loại, năm {last}",
            f"GBV incidents by {w['one']} and type, {last}",
        )
        st2 = cube.table(
            "unit_code",
            "incident_type",
            {"year": last},
            name=title2,
            total_label=_t(lang, "Tổng", "Total"),
            row_names=lambda us: [unit_name(u, lang) for u in us],
            col_names=_namer("incident_type", lang),
        )
        rep.show(st2, title2)
        out.append(st2)
    markdown(
        _t(
            lang,
            "Các vụ việc không phải bạo lực trên cơ sở giới không nằm trong các bảng này.",
            "Non-GBV incidents are not part of these tables.",
        )
    )
    return out


def section_rates(rep: GbvReport) -> pd.DataFrame:
    """Section 5: detected female GBV survivors per 100,000 women and girls by year (report
    unit), Garwood intervals; hidden where the female count is hidden in the sex cube."""
    lang = rep.lang
    heading(_t(lang, "5. Tỷ suất trên 100.000 phụ nữ và trẻ em gái", "5. Rate per 100,000 women and girls"), 2)
    if rep.population is None:
        markdown(_t(lang, "Chưa có số liệu dân số.", "No population data."))
        return pd.DataFrame()
    cube = category_cube(rep, "survivor_sex", G.SEXES)
    pop = G.female_population(rep.population)
    pop = pop[pop["unit_code"].astype(str).isin(rep.units)]
    if rep.unit != PROVINCE:
        pop = pop[pop["unit_code"].astype(str) == rep.unit]
    pop = pop.groupby("year")["population"].sum()
    if not any(y in pop.index and pop[y] > 0 for y in rep.years):
        markdown(
            _t(
                lang,
                "Chưa có số liệu dân số nữ của đơn vị này cho các năm của báo cáo nên không tính tỷ suất.",
                "No female population of this unit for the report years, so no rate is computed.",
            )
        )
        return pd.DataFrame()

    rows, recs = [], []
    for y in rep.years:
        if y not in pop.index or pop[y] <= 0:
            continue
        n, h = cube_cell(cube, rep.fixed_unit, "F", y)
        rate, lo, hi = rate_ci(n, float(pop[y]))
        recs.append(
            {"year": y, "n": n, "population": float(pop[y]), "rate": rate, "ci_low": lo, "ci_high": hi, "hidden": h}
        )
        x = D.HIDDEN_MARK
        rows.append(
            {
                _t(lang, "Năm", "Year"): str(y),
                _t(lang, "Nạn nhân nữ", "Female survivors"): x if h else fmt.fmt_number(n, 0, lang),
                _t(lang, "Dân số nữ", "Female population"): fmt.fmt_number(pop[y], 0, lang),
                _t(lang, "Tỷ suất /100.000", "Rate /100,000"): x if h else fmt.fmt_number(rate, 1, lang),
                fmt.ci_label(0.95, lang): x if h else fmt.fmt_ci(lo, hi, 1, lang, pct=False),
            }
        )
    show_gbv_table(
        pd.DataFrame(rows),
        caption=_t(
            lang,
            "Nạn nhân nữ của BLTCSG được phát hiện trên 100.000 phụ nữ và trẻ em gái (KTC Garwood)",
            "Detected female GBV survivors per 100,000 women and girls (Garwood CI)",
        )
        + illustrative_note(lang, rep.illustrative),
    )
    markdown(
        "> "
        + _t(
            lang,
            "Số vụ việc được phát hiện phản ánh cả mức độ bạo lực lẫn khả năng tiếp cận, báo "
            "cáo; tỷ suất tăng có thể là do phát hiện tốt hơn.",
            "Detected incidents reflect both violence and access to reporting; a rising rate may "
            "mean better detection.",
        )
    )
    return pd.DataFrame(recs)


FLAG_LABELS = {
    "ipv": ("Bạo lực do bạn đời", "Intimate-partner violence"),
    "child_sexual_abuse": ("Xâm hại tình dục trẻ em", "Child sexual abuse"),
    "early_marriage": ("Tảo hôn", "Early (child) marriage"),
    "survivor_disability": ("Người khuyết tật", "Survivor with disability"),
}


def section_breakdowns(rep: GbvReport) -> list:
    """Section 6: breakdowns by survivor sex, age group, ethnicity, reporting-delay band and
    case context, each category × year with totals — slices of suppressed cubes."""
    lang = rep.lang
    heading(_t(lang, "6. Phân tách", "6. Breakdowns"), 2)
    out = []
    if rep.gbv.empty:
        markdown(_t(lang, "Chưa có số liệu.", "No data."))
        return out
    specs = [
        ("survivor_sex", G.SEXES, _t(lang, "Nạn nhân BLTCSG theo giới tính", "GBV survivors by sex")),
        ("survivor_age_group", G.AGE_GROUPS, _t(lang, "Nạn nhân BLTCSG theo nhóm tuổi", "GBV survivors by age group")),
        ("survivor_ethnicity", G.ETHNICITIES, _t(lang, "Nạn nhân BLTCSG theo dân tộc", "GBV survivors by ethnicity")),
        (
            "delay_band",
            [b[0] for b in G.DELAY_BANDS],
            _t(
                lang,
                "Vụ việc BLTCSG theo thời gian từ khi xảy ra đến khi báo cáo",
                "GBV incidents by time from incident to first report",
            ),
        ),
    ]
    for dim, cats, title in specs:
        cube = category_cube(rep, dim, cats)
        st = cube.table(
            dim,
            "year",
            {"unit_code": rep.fixed_unit},
            name=title,
            total_label=_t(lang, "Tổng", "Total"),
            row_names=_namer(dim, lang),
        )
        rep.show(st, title)
        out.append(st)
    # context flags overlap: each is its own yes/no cube sharing the totals plane; only "yes" is shown
    rows = {}
    hid = {}
    g = rep.gbv
    for flag, (vi, en) in FLAG_LABELS.items():
        cube = yes_no_cube(rep, f"flag_{flag}", g[flag] == 1, pd.Series(True, index=g.index), g, True)
        lab = _t(lang, vi, en)
        rows[lab], hid[lab] = [], []
        for y in rep.years:
            n, h = cube_cell(cube, rep.fixed_unit, "yes", y)
            rows[lab].append(n)
            hid[lab].append(h)
        st = cube.table(
            f"flag_{flag}",
            "year",
            {"unit_code": rep.fixed_unit},
            name=f"{lab}",
            total_label=_t(lang, "Tổng", "Total"),
            row_names=lambda ls: [_t(lang, "có", "yes") if x == "yes" else _t(lang, "không", "no") for x in ls],
        )
        rep.tables.append(st)
    cols = [str(y) for y in rep.years]
    disp = pd.DataFrame(
        {
            c: [D.HIDDEN_MARK if hid[lab][i] else fmt.fmt_number(rows[lab][i], 0, lang) for lab in rows]
            for i, c in enumerate(cols)
        },
        index=list(rows),
    )
    show_gbv_table(
        disp,
        caption=_t(
            lang,
            "Bối cảnh vụ việc BLTCSG (một vụ có thể thuộc nhiều bối cảnh)",
            "Context of GBV incidents (an incident can have several)",
        )
        + illustrative_note(lang, rep.illustrative),
        index=True,
    )
    markdown(
        "> "
        + _t(
            lang,
            "Khoảng thời gian theo GBVIMS: 0–3 ngày (trong 72 giờ, kịp dự phòng phơi nhiễm HIV), "
            "4–5 ngày (trong 120 giờ, kịp tránh thai khẩn cấp), 6–14 ngày, 15–30 ngày, trên 30 ngày.",
            "GBVIMS delay bands: 0–3 days (within 72 hours, in time for HIV post-exposure "
            "prophylaxis), 4–5 days (within 120 hours, emergency contraception), 6–14, 15–30, over 30 days.",
        )
    )
    return out


def section_trafficking(rep: GbvReport):
    """Section 8: M3.C3 — returning trafficking victims in need who were supported (police and
    border guard), by year: supported / not supported, a slice of the suppressed returnee cube."""
    lang = rep.lang
    heading(_t(lang, "8. Nạn nhân bị mua bán trở về (M3.C3)", "8. Returning trafficking victims (M3.C3)"), 2)
    if rep.unit != PROVINCE:
        w = level_words(rep)
        markdown(
            _t(
                lang,
                f"Số nạn nhân trở về của mỗi {w['one']} chỉ vài người mỗi năm nên chỉ báo cáo ở cấp tỉnh "
                "(xem báo cáo của tỉnh).",
                f"Returnees per {w['one']} are only a few a year, so M3.C3 is reported for the province only "
                "(see the province report).",
            )
        )
        return None
    cube = returnee_cube(rep)
    if cube is None:
        markdown(_t(lang, "Chưa có số liệu nạn nhân bị mua bán trở về.", "No returnee data."))
        return None
    title = _t(lang, "Nạn nhân trở về có nhu cầu hỗ trợ", "Returnees in need of support")
    tl = _t(lang, "Tổng", "Total")
    st = cube.table(
        "year",
        "M3.C3",
        {},
        name=title,
        total_label=tl,
        col_names=lambda ls: [
            _t(lang, "Được hỗ trợ", "Supported") if x == "yes" else _t(lang, "Chưa được hỗ trợ", "Not supported")
            for x in ls
        ],
    )
    rep.tables.append(st)
    disp = st.display(lang)
    pct = []
    for i in range(len(st.counts)):
        sup, tot = st.counts.iloc[i, 0], st.counts.iloc[i, -1]
        h = bool(st.hidden.iloc[i, 0] or st.hidden.iloc[i, -1])
        pct.append(D.HIDDEN_MARK if h or tot == 0 else fmt.fmt_pct(sup / tot * 100, 1, lang))
    disp[_t(lang, "Tỷ lệ được hỗ trợ", "Share supported")] = pct
    show_gbv_table(
        disp,
        caption=title
        + _t(lang, " (công an và bộ đội biên phòng)", " (police and border guard)")
        + illustrative_note(lang, rep.illustrative),
        index=True,
    )
    return st


def section_appendix(rep: GbvReport) -> pd.DataFrame:
    """Appendix: methods and assumptions (register, disclosure, funnels) and the suppression
    log of every table in this report."""
    lang = rep.lang
    heading(_t(lang, "Phụ lục: phương pháp và nhật ký ẩn số liệu", "Appendix: methods and suppression log"), 2)
    heading(_t(lang, "Giả định", "Assumptions"), 3)
    markdown("\n".join(f"- {x}" for x in [*G.ASSUMPTIONS[lang], *D.ASSUMPTIONS[lang], *funnel.ASSUMPTIONS[lang]]))
    heading(_t(lang, "Nhật ký ẩn số liệu", "Suppression log"), 3)
    n_cells = sum(int(st.hidden.size) for st in rep.tables)
    n_hidden = sum(int(st.hidden.to_numpy().sum()) for st in rep.tables)
    if n_cells:
        markdown(hidden_share_sentence(n_hidden, n_cells, lang))
    log = D.suppression_log(rep.tables, lang)
    show_gbv_table(
        log,
        caption=_t(
            lang,
            f"Ngưỡng k = {rep.k}; x = ô bị ẩn. Không ghi giá trị của ô bị ẩn.",
            f"Threshold k = {rep.k}; x = hidden cell. Hidden values are never logged.",
        ),
    )
    return log


def hidden_share_sentence(n_hidden: int, n_cells: int, lang: str) -> str:
    """Plain sentence on how much of the page is hidden: ``n_hidden`` of ``n_cells`` count
    cells (margins included) of the tables shown. Counts of cells, never of people."""
    h, n = fmt.fmt_number(n_hidden, 0, lang), fmt.fmt_number(n_cells, 0, lang)
    if n_hidden == 0:
        return _t(
            lang, "Không có ô nào bị ẩn trong các bảng của báo cáo này.", "No cell is hidden in this report's tables."
        )
    if n_hidden == n_cells:
        return _t(
            lang,
            f"**Toàn bộ {n} ô số liệu** trong các bảng của báo cáo này **bị ẩn** để bảo vệ người bị hại.",
            f"**All {n} count cells** of this report's tables **are hidden** to protect survivors.",
        )
    most = n_hidden * 2 > n_cells
    return _t(
        lang,
        f"{'**Phần lớn số liệu bị ẩn:** ' if most else ''}{h} trên {n} ô số liệu trong các bảng của báo cáo "
        "này bị ẩn để bảo vệ người bị hại.",
        f"{'**Most figures are hidden:** ' if most else ''}{h} of {n} count cells in this report's tables are "
        "hidden to protect survivors.",
    )
