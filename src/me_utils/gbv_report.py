"""Sections of the GBV report notebook (``notebooks/20_gbv.ipynb``).

Every table that holds GBV counts goes through :mod:`me_utils.disclosure` before it is shown:
counts 1…k−1 hidden, complementary cells hidden and audited, percentages and rates with a
hidden numerator/denominator hidden, every displayed table checked by
:func:`me_utils.disclosure.guard_no_identifiers`. Every suppressed table is recorded on the
:class:`GbvReport` so that the appendix prints the suppression log.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import disclosure as D
from . import fmt, funnel
from . import gbv as G
from .notebook import heading, markdown

TITLE_VI = "Phòng ngừa và ứng phó với bạo lực trên cơ sở giới"
TITLE_EN = "Preventing and responding to gender-based violence"
PROVINCE = "SL"


def _t(lang, vi, en):
    return fmt.pick(lang, vi, en)


def _show_table(df: pd.DataFrame, caption: str | None = None, index: bool = False) -> None:
    """Display a GBV table after the identifier guard (raises if an id or raw date slips in)."""
    from .notebook import show_table

    D.guard_no_identifiers(df)
    show_table(df, caption=caption, index=index)


def _show_fig(fig) -> None:
    """Embed a figure as PNG and close it (Agg backend: a Figure would print as text)."""
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    from . import style

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=style.DPI, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))


def _unit_name(code: str, lang: str) -> str:
    try:
        from .units import load_units

        return load_units().name(code, lang)
    except (ImportError, KeyError, OSError):
        return code


@dataclass
class GbvReport:
    """What the GBV sections share: context, validated register (consented rows only in
    ``data``), population, returnees, threshold ``k`` and the suppressed tables (for the log)."""

    ctx: object
    register: pd.DataFrame
    problems: pd.DataFrame
    consent: G.Consented
    population: pd.DataFrame | None
    returnees: pd.DataFrame | None
    k: int
    files: dict
    tables: list = field(default_factory=list)
    _returnee_st: object = None

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @property
    def unit(self) -> str:
        return self.ctx.unit

    @property
    def illustrative(self) -> bool:
        return bool(self.ctx.illustrative)

    @property
    def data(self) -> pd.DataFrame:
        """Consented incidents of the report unit, years period_start−1 … period_end."""
        d = self.consent.data
        if self.unit != PROVINCE:
            d = d[d["unit_code"].astype(str) == self.unit]
        return d[(d["year"] >= self.ctx.period_start - 1) & (d["year"] <= self.ctx.period_end)]

    def suppress(self, table: pd.DataFrame, name: str, **kw) -> D.SuppressedTable:
        st = D.suppress(table, k=self.k, name=name, **kw)
        self.tables.append(st)
        return st


def returnee_table(rep: GbvReport) -> D.SuppressedTable | None:
    """M3.C3 counts of the report unit by year as supported / not supported (a partition of
    the returnees in need), suppressed and audited; computed once per report."""
    if rep._returnee_st is not None or rep.returnees is None:
        return rep._returnee_st
    lang, ctx = rep.lang, rep.ctx
    r = rep.returnees
    if rep.unit != PROVINCE:
        r = r[r["unit_code"].astype(str) == rep.unit]
    r = r[(r["year"] >= ctx.period_start - 1) & (r["year"] <= ctx.period_end)]
    if r.empty:
        return None
    G.m3c3(r)  # validates the counts (supported ≤ in need ≤ detected), naming the row
    g = r.groupby("year")[["returnees_in_need", "returnees_supported"]].sum()
    t = pd.DataFrame({_t(lang, "Được hỗ trợ", "Supported"): g["returnees_supported"],
                      _t(lang, "Chưa được hỗ trợ", "Not supported"): g["returnees_in_need"] - g["returnees_supported"]})
    t.index = [str(i) for i in t.index]
    rep._returnee_st = D.suppress(t, k=rep.k, name=_t(lang, "Nạn nhân trở về có nhu cầu hỗ trợ",
                                                      "Returnees in need of support"))
    return rep._returnee_st


def _read_optional(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    return pd.read_csv(path, encoding="utf-8-sig")


def load_report_data(ctx, suppression_threshold: int = D.DEFAULT_K) -> GbvReport:
    """Read and validate the register (processed copy if present, else raw), population and
    returnees; show the data sources and the consent filter. Raises
    :class:`me_utils.gbv.RegisterError` (file, row, column, value, reason) for a bad register.
    """
    k = int(suppression_threshold)
    if k < 2:
        raise ValueError("suppression_threshold must be at least 2")
    lang = ctx.lang
    files = {name: G.find_input(ctx.data_root, rel) for name, rel in
             (("register", "gbv/register.csv"), ("population", "population/population.csv"),
              ("returnees", "trafficking/returnees.csv"))}
    reg, problems = G.read_register(files["register"], lang=lang)
    rep = GbvReport(ctx, reg, problems, G.consented(reg), _read_optional(files["population"]),
                    _read_optional(files["returnees"]), k, files)
    lines = []
    for name, p in files.items():
        try:
            rel = p.relative_to(ctx.data_root)
        except ValueError:
            rel = p
        lines.append(f"- `{rel}`" + ("" if p.exists() else _t(lang, " (chưa có tệp)", " (no file)")))
    markdown(_t(lang, "Nguồn số liệu của báo cáo này:", "Data used in this report:") + "\n\n" + "\n".join(lines))
    return rep


def section_scope(rep: GbvReport) -> None:
    """Section 1: what is counted — consent filter (number left out), validation warnings,
    the disclosure rule."""
    lang, c = rep.lang, rep.consent
    heading(_t(lang, "1. Phạm vi số liệu và bảo vệ danh tính", "1. Scope of the data and protection of identity"), 2)
    n_warn = int((rep.problems["severity"] == "warning").sum()) if len(rep.problems) else 0
    excl = D.show_count(c.excluded, rep.k, lang)
    total = D.show_count(c.total, rep.k, lang)
    txt = _t(lang,
             f"Sổ đăng ký có {total} vụ việc. Chỉ các vụ việc người bị bạo lực **đồng ý chia sẻ số liệu** "
             f"được đưa vào thống kê; **{excl}** vụ việc không có sự đồng ý đã bị loại ra.",
             f"The register holds {total} incidents. Only incidents whose survivor **consented to "
             f"reporting** enter statistics; **{excl}** incidents without consent were left out.")
    if n_warn:
        txt += _t(lang,
                  f" Có {fmt.fmt_number(n_warn, 0, lang)} cờ bối cảnh (xâm hại tình dục trẻ em, tảo hôn) "
                  "được tính lại theo quy tắc GBVIMS vì không khớp với loại vụ việc và tuổi.",
                  f" {fmt.fmt_number(n_warn, 0, lang)} context flags (child sexual abuse, early marriage) "
                  "were recomputed by the GBVIMS rule because they disagreed with type and age.")
    markdown(txt)
    markdown("> " + _t(lang,
                       f"Bảo vệ danh tính: ô có số từ 1 đến {rep.k - 1} được ẩn (ký hiệu **x**), cùng các ô "
                       "ẩn bổ sung để không thể tính lại từ các tổng; tỷ lệ và tỷ suất dựa trên số bị ẩn cũng "
                       "bị ẩn. Không có mã vụ việc hay ngày tháng cụ thể nào trong báo cáo.",
                       f"Protecting identity: cells with counts 1 to {rep.k - 1} are hidden (mark **x**), "
                       "with further cells hidden so that none can be worked out from totals; rates and "
                       "percentages built on a hidden count are hidden too. No case id or exact date "
                       "appears in this report."))


# --------------------------------------------------------------------------- indicators


def _pct_cell(num, den, hide_num, hide_den, hide_val, lang):
    return (D.HIDDEN_MARK if hide_num else fmt.fmt_number(num, 0, lang),
            D.HIDDEN_MARK if hide_den else fmt.fmt_number(den, 0, lang),
            D.HIDDEN_MARK if hide_val else fmt.fmt_pct(num / den * 100, 1, lang),
            D.HIDDEN_MARK if hide_val else fmt.fmt_ci(*_wilson(num, den), 1, lang))


def _wilson(num, den):
    from .intervals import wilson_ci

    lo, hi = wilson_ci(num, den)
    return lo * 100, hi * 100


def indicator_series(rep: GbvReport) -> pd.DataFrame:
    """Register indicators (and M3.C3) of the report unit by year, with disclosure masks.

    Output columns: ``indicator_code, year, numerator, denominator, value, ci_low, ci_high,
    hide_numerator, hide_denominator, hide_value``.
    """
    ind = G.compute_indicators(rep.data, by=["year"])
    m = D.protect_proportion(ind["numerator"], ind["denominator"], rep.k)
    out = pd.concat([ind.reset_index(drop=True), m], axis=1)
    st = returnee_table(rep)
    if st is not None:
        rows = []
        for y in st.counts.index[:-1]:
            sup, tot = st.counts.loc[y].iloc[0], st.counts.loc[y].iloc[-1]
            # a year with any hidden cell in the published M3.C3 table stays hidden everywhere
            h = bool(st.hidden.loc[y].iloc[:-1].any()) or tot == 0
            lo, hi = _wilson(sup, tot) if tot else (np.nan, np.nan)
            rows.append({"indicator_code": "M3.C3", "year": int(y), "numerator": sup, "denominator": tot,
                         "value": sup / tot * 100 if tot else np.nan, "ci_low": lo, "ci_high": hi,
                         "hide_numerator": h, "hide_denominator": False, "hide_value": h})
        out = pd.concat([out, pd.DataFrame(rows)], ignore_index=True)
    return out


def section_indicators(rep: GbvReport) -> pd.DataFrame:
    """Section 2: indicator values by year (counts, %, Wilson 95% CI), with targets from the
    catalogue, hidden where a count is small."""
    lang, ctx = rep.lang, rep.ctx
    heading(_t(lang, "2. Các chỉ tiêu từ sổ đăng ký", "2. Indicators from the register"), 2)
    ser = indicator_series(rep)
    cat = ctx.catalogue.indicators
    rows = []
    for code in G.CATALOGUE_CODES:  # M3.C3 is shown in section 8 from its own table
        s = ser[ser["indicator_code"] == code].sort_values("year")
        ind = cat.get(code)
        name = (ind.name_vi if lang == "vi" else ind.name_en) if ind is not None else G.INDICATORS.get(code, (code, code))[lang != "vi"]
        tgt = "" if ind is None else " / ".join(
            f"{y}: {fmt.fmt_pct(ind.target(y), 0, lang)}" for y in (2025, 2030) if ind.target(y) is not None)
        for r in s.itertuples(index=False):
            if r.denominator == 0:
                continue
            n, d, v, ci = _pct_cell(r.numerator, r.denominator, r.hide_numerator, r.hide_denominator,
                                    r.hide_value, lang)
            rows.append({_t(lang, "Mã", "Code"): code, _t(lang, "Chỉ tiêu", "Indicator"): name,
                         _t(lang, "Năm", "Year"): str(int(r.year)), _t(lang, "Tử số", "Numerator"): n,
                         _t(lang, "Mẫu số", "Denominator"): d, _t(lang, "Giá trị", "Value"): v,
                         fmt.ci_label(0.95, lang): ci, _t(lang, "Mục tiêu", "Target"): tgt})
    tab = pd.DataFrame(rows)
    if tab.empty:
        markdown(_t(lang, "Chưa có số liệu cho đơn vị này.", "No data for this unit."))
        return ser
    for code, part in tab.groupby(_t(lang, "Mã", "Code"), sort=False):
        title = part.iloc[0][_t(lang, "Chỉ tiêu", "Indicator")]
        _show_table(part.drop(columns=[_t(lang, "Mã", "Code"), _t(lang, "Chỉ tiêu", "Indicator")]),
                    caption=f"{code} — {title}" + _illus(lang, rep.illustrative))
    markdown(_t(lang, "DV.4 gồm ba phần: được bảo vệ (công an/tư pháp hoặc nơi tạm lánh), được trợ giúp "
                      "pháp lý, được chăm sóc sức khỏe; người bị bạo lực được tính khi nhận ít nhất một phần.",
                "DV.4 has three parts: protection (police/justice or shelter), legal aid, health care; a "
                "victim counts when she or he received at least one."))
    return ser


def _illus(lang: str, on: bool) -> str:
    return _t(lang, " — dữ liệu minh họa", " — illustrative data") if on else ""


def section_trends(rep: GbvReport, ser: pd.DataFrame):
    """Section 3: trends against the 2025/2030 targets, assessed by ``me_utils.assess`` (UNSD,
    StatCan, ESCAP) with binomial-GLM projections. Years whose value is hidden by disclosure
    control are left out of the series (and said so)."""
    from . import assess
    from .trend_plots import small_multiples

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
        if s.empty:
            continue
        comps = {2025: getattr(ind, "target_2025_comparator", None), 2030: getattr(ind, "target_2030_comparator", None)}
        a = assess.assess_series(s["year"].to_numpy(float), s["value"].to_numpy(float), direction=ind.direction,
                                 kind=ind.kind, scale=float(ind.scale), target_2025=ind.target(2025),
                                 target_2030=ind.target(2030), numerators=s["numerator"].to_numpy(float),
                                 denominators=s["denominator"].to_numpy(float), periodicity="annual",
                                 period_start=ctx.period_start, period_end=ctx.period_end, comparators=comps)
        series = s[["year", "value", "numerator", "denominator"]].reset_index(drop=True)
        items.append({"indicator": ind, "assessment": a, "series": series,
                      "targets": {2025: ind.target(2025), 2030: ind.target(2030)}})
        if a.statuses:
            st = "; ".join(f"{'StatCan' if m == 'statcan' else m.upper()}: {assess.status_label(v, lang)}"
                           for m, v in a.statuses.items())
            lines.append(f"- **{code}** — " + st)
    if not items:
        markdown(_t(lang, "Chưa đủ số liệu để đánh giá xu hướng.", "Not enough data to assess trends."))
        return items
    fig = small_multiples(items, lang=lang, ncols=3)
    if fig is not None:
        _show_fig(fig)
    markdown(_t(lang, f"Đánh giá so với mục tiêu (giai đoạn {ctx.period_start}–{ctx.period_end}):",
                f"Assessment against the targets ({ctx.period_start}–{ctx.period_end}):") + "\n\n" + "\n".join(lines))
    if dropped:
        markdown("> " + _t(lang, "Các năm có số nhỏ bị ẩn nên không đưa vào xu hướng: ",
                           "Years hidden for small counts and left out of the trend: ") + "; ".join(dropped))
    return items


# --------------------------------------------------------------------------- counts


def _pivot(df: pd.DataFrame, row: str, col: str, row_labels=None, lang: str = "vi") -> pd.DataFrame:
    t = df.groupby([row, col], observed=False).size().unstack(col, fill_value=0)
    if row_labels:
        t.index = [G.label(row_labels, x, lang) for x in t.index]
    t.columns = [str(c) for c in t.columns]
    t.index = [str(i) for i in t.index]
    return t


def section_cases(rep: GbvReport) -> list:
    """Section 4: detected incidents by type × year (report unit) and, for the province, by
    district × type for the last year — both suppressed and audited."""
    lang, ctx = rep.lang, rep.ctx
    heading(_t(lang, "4. Số vụ việc được phát hiện", "4. Detected incidents"), 2)
    out = []
    d = rep.data
    if d.empty:
        markdown(_t(lang, "Chưa có số liệu cho đơn vị này.", "No data for this unit."))
        return out
    # GBV types only: every GBV table then shares the same yearly totals, so no table's total
    # minus another's gives a hidden count away
    d = d[d["incident_type"].astype(str) != "non_gbv"]
    d = d.assign(incident_type=d["incident_type"].cat.remove_categories(["non_gbv"]))
    t = _pivot(d, "incident_type", "year", "incident_type", lang)
    st = rep.suppress(t, _t(lang, "Vụ việc BLTCSG theo loại và năm", "GBV incidents by type and year"))
    _show_table(st.display(lang), caption=st.name + _illus(lang, rep.illustrative), index=True)
    out.append(st)
    if rep.unit == PROVINCE:
        last = d[d["year"] == ctx.period_end]
        if len(last):
            t2 = last.groupby(["unit_code", "incident_type"], observed=False).size().unstack(fill_value=0)
            t2.index = [_unit_name(str(u), lang) for u in t2.index]
            t2 = t2.sort_index(key=lambda s: s.str.casefold())
            t2.columns = [G.label("incident_type", c, lang) for c in t2.columns]
            st2 = rep.suppress(t2, _t(lang, f"Vụ việc BLTCSG theo huyện và loại, năm {ctx.period_end}",
                                      f"GBV incidents by district and type, {ctx.period_end}"))
            _show_table(st2.display(lang), caption=st2.name + _illus(lang, rep.illustrative), index=True)
            out.append(st2)
    markdown(_t(lang, "Các vụ việc không phải BLTCSG (non-GBV) không nằm trong các bảng này.",
                "Non-GBV incidents are not part of these tables."))
    return out


def rate_table(rep: GbvReport, by=("unit_code", "year"), data: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rates per 100,000 women and girls with Garwood 95% CIs and disclosure masks. The count
    of female GBV survivors is hidden when it, or the male survivors that the GBV total
    (published in other tables) would give away, is 1…k−1; the rate is hidden with it.
    ``data`` defaults to the report unit's consented incidents."""
    if rep.population is None:
        return pd.DataFrame()
    d = rep.data if data is None else data
    r = G.rates_per_100k(d, rep.population, by=list(by))
    d = d[d["incident_type"].astype(str) != "non_gbv"]
    allc = d.assign(unit_code=d["unit_code"].astype(str)).groupby(list(by)).size().rename("all_cases")
    r = r.merge(allc.reset_index(), on=list(by), how="left").fillna({"all_cases": 0})
    m = D.protect_proportion(r["n"], r["all_cases"], rep.k)
    r["hide_n"] = m["hide_numerator"].to_numpy()
    return r


def section_rates(rep: GbvReport) -> pd.DataFrame:
    """Section 5: detected female survivors per 100,000 women and girls by year (report unit),
    Garwood intervals, hidden where the count is small."""
    lang = rep.lang
    heading(_t(lang, "5. Tỷ suất trên 100.000 phụ nữ và trẻ em gái", "5. Rate per 100,000 women and girls"), 2)
    if rep.population is None:
        markdown(_t(lang, "Chưa có số liệu dân số.", "No population data."))
        return pd.DataFrame()
    d = rep.data
    r = rate_table(rep, by=["unit_code", "year"])
    if rep.unit == PROVINCE:
        pr = rate_table(rep, by=["year"])
    else:
        pr = r[r["unit_code"] == rep.unit]
    rows = []
    for x in pr.itertuples(index=False):
        h = bool(x.hide_n)
        rows.append({_t(lang, "Năm", "Year"): str(int(x.year)),
                     _t(lang, "Nạn nhân nữ", "Female survivors"): D.HIDDEN_MARK if h else fmt.fmt_number(x.n, 0, lang),
                     _t(lang, "Dân số nữ", "Female population"): fmt.fmt_number(x.population, 0, lang),
                     _t(lang, "Tỷ suất /100.000", "Rate /100,000"): D.HIDDEN_MARK if h else fmt.fmt_number(x.rate, 1, lang),
                     fmt.ci_label(0.95, lang): D.HIDDEN_MARK if h else fmt.fmt_ci(x.ci_low, x.ci_high, 1, lang, pct=False)})
    _show_table(pd.DataFrame(rows), caption=_t(lang, "Nạn nhân nữ của BLTCSG được phát hiện trên 100.000 phụ nữ và "
                                                     "trẻ em gái (KTC Garwood)",
                                               "Detected female GBV survivors per 100,000 women and girls "
                                               "(Garwood CI)") + _illus(lang, rep.illustrative))
    markdown("> " + _t(lang, "Số vụ việc được phát hiện phản ánh cả mức độ bạo lực lẫn khả năng tiếp cận, báo "
                             "cáo; tỷ suất tăng có thể là do phát hiện tốt hơn.",
                       "Detected incidents reflect both violence and access to reporting; a rising rate may "
                       "mean better detection."))
    return r


def section_breakdowns(rep: GbvReport) -> list:
    """Section 6: breakdowns by survivor sex, age group, ethnicity, disability, context flag and
    reporting-delay band, each as category × year with totals, suppressed and audited."""
    lang = rep.lang
    heading(_t(lang, "6. Phân tách", "6. Breakdowns"), 2)
    d = rep.data
    out = []
    if d.empty:
        markdown(_t(lang, "Chưa có số liệu cho đơn vị này.", "No data for this unit."))
        return out
    gbv_only = d[d["incident_type"].astype(str) != "non_gbv"]
    specs = [
        ("survivor_sex", _t(lang, "Nạn nhân BLTCSG theo giới tính", "GBV survivors by sex"), gbv_only),
        ("survivor_age_group", _t(lang, "Nạn nhân BLTCSG theo nhóm tuổi", "GBV survivors by age group"), gbv_only),
        ("survivor_ethnicity", _t(lang, "Nạn nhân BLTCSG theo dân tộc", "GBV survivors by ethnicity"), gbv_only),
        ("delay_band", _t(lang, "Vụ việc BLTCSG theo thời gian từ khi xảy ra đến khi báo cáo",
                          "GBV incidents by time from incident to first report"), gbv_only),
    ]
    for dim, title, frame in specs:
        t = _pivot(frame, dim, "year", dim, lang)
        st = rep.suppress(t, title)
        _show_table(st.display(lang), caption=title + _illus(lang, rep.illustrative), index=True)
        out.append(st)
    flags = pd.DataFrame({
        _t(lang, "Bạo lực do bạn đời", "Intimate-partner violence"): gbv_only["ipv"] == 1,
        _t(lang, "Xâm hại tình dục trẻ em", "Child sexual abuse"): gbv_only["child_sexual_abuse"] == 1,
        _t(lang, "Tảo hôn", "Early (child) marriage"): gbv_only["early_marriage"] == 1,
        _t(lang, "Người khuyết tật", "Survivor with disability"): gbv_only["survivor_disability"] == 1,
    })
    # flags overlap, so each is its own one-row table: no shared total to difference against
    ft = flags.groupby(gbv_only["year"]).sum().T
    ft.columns = [str(c) for c in ft.columns]
    st = rep.suppress(ft, _t(lang, "Bối cảnh vụ việc (một vụ có thể thuộc nhiều bối cảnh)",
                             "Case context (an incident can have several)"), row_totals=False, col_totals=False,
                      grand_total=False)
    _show_table(st.display(lang), caption=st.name + _illus(lang, rep.illustrative), index=True)
    out.append(st)
    markdown("> " + _t(lang, "Khoảng thời gian theo GBVIMS: 0–3 ngày (trong 72 giờ, kịp dự phòng phơi nhiễm HIV), "
                             "4–5 ngày (trong 120 giờ, kịp tránh thai khẩn cấp), 6–14 ngày, 15–30 ngày, trên 30 ngày.",
                       "GBVIMS delay bands: 0–3 days (within 72 hours, in time for HIV post-exposure "
                       "prophylaxis), 4–5 days (within 120 hours, emergency contraception), 6–14, 15–30, over 30 days."))
    return out


# --------------------------------------------------------------------------- funnels

_POSITION = {"below": ("dưới giới hạn", "below the limits"), "within": ("trong giới hạn", "within the limits"),
             "above": ("trên giới hạn", "above the limits")}


def funnel_data(rep: GbvReport):
    """District-level inputs of the two funnels, pooled over period_start … period_end (a
    phase-end comparison; pooling also keeps district counts above the threshold):
    M3.C2a proportion and female GBV survivors per 100,000 women and girls (person-years).
    Output: dict with ``years`` and ``prop`` / ``rate`` → (table, od, hidden unit names) or
    None. A unit is hidden (not drawn, x in the table) when its numerator, the complement, or
    the denominator would disclose a count 1…k−1."""
    lang, ctx = rep.lang, rep.ctx
    d = rep.consent.data
    d = d[(d["year"] >= ctx.period_start) & (d["year"] <= ctx.period_end)]
    out = {"years": (ctx.period_start, ctx.period_end), "prop": None, "rate": None}
    ind = G.compute_indicators(d, by=["unit_code"], codes=["M3.C2a"])
    ind = ind[ind["denominator"] > 0]
    if len(ind) >= 3:
        m = D.protect_proportion(ind["numerator"], ind["denominator"], rep.k)
        names = [_unit_name(str(u), lang) for u in ind["unit_code"]]
        tab, od = funnel.funnel_table(names, ind["numerator"], ind["denominator"], kind="proportion", per=100)
        hidden = [n for n, h in zip(names, m["hide_value"]) if h]
        out["prop"] = (tab, od, hidden)
    if rep.population is not None:
        rr = rate_table(rep, by=["unit_code"], data=d.assign(year=d["year"]))
        # population summed over the years = person-years at risk
        pop = rep.population[(rep.population["year"] >= ctx.period_start) & (rep.population["year"] <= ctx.period_end)]
        fp = G.female_population(pop)
        fp = fp[fp["unit_code"].astype(str).isin(G.DISTRICTS)].groupby("unit_code")["population"].sum()
        rr = rr.drop(columns="population").merge(fp.rename("population").reset_index(), on="unit_code")
        rr = rr[rr["population"] > 0]
        if len(rr) >= 3:
            names = [_unit_name(str(u), lang) for u in rr["unit_code"]]
            tab, od = funnel.funnel_table(names, rr["n"], rr["population"], kind="rate", per=100_000)
            hidden = [n for n, h in zip(names, rr["hide_n"]) if h]
            out["rate"] = (tab, od, hidden)
    return out


def funnel_display(table: pd.DataFrame, od: dict, hidden, lang: str, per_label: str, decimals: int = 1,
                   pct: bool = True) -> pd.DataFrame:
    """Reviewer table of a funnel: unit (ordered by name, never ranked), value, the limits it
    was judged against and its position; hidden units show x."""
    pre = "adj_" if od["overdispersed"] else ""
    rows = []
    f = (lambda x: fmt.fmt_pct(x, decimals, lang)) if pct else (lambda x: fmt.fmt_number(x, decimals, lang))
    for r in table.itertuples(index=False):
        r = r._asdict()
        h = r["unit"] in hidden
        if r["position_998"] != "within":
            pos = fmt.pick(lang, *_POSITION[r["position_998"]]) + " (99,8%)" if lang == "vi" else \
                fmt.pick(lang, *_POSITION[r["position_998"]]) + " (99.8%)"
        else:
            pos = fmt.pick(lang, *_POSITION[r["position_95"]]) + ("" if r["position_95"] == "within" else " (95%)")
        # a hidden unit's limits would give its denominator away: hide them too
        rows.append({_t(lang, "Đơn vị", "Unit"): r["unit"], per_label: D.HIDDEN_MARK if h else f(r["value"]),
                     _t(lang, "Giới hạn 95%", "95% limits"): D.HIDDEN_MARK if h else fmt.fmt_ci(r[f"{pre}lower_95"], r[f"{pre}upper_95"], decimals, lang, pct),
                     _t(lang, "Giới hạn 99,8%", "99.8% limits"): D.HIDDEN_MARK if h else fmt.fmt_ci(r[f"{pre}lower_998"], r[f"{pre}upper_998"], decimals, lang, pct),
                     _t(lang, "Vị trí", "Position"): D.HIDDEN_MARK if h else pos})
    return pd.DataFrame(rows)


def _od_sentence(od: dict, lang: str) -> str:
    phi = fmt.fmt_number(od["phi"], 2, lang)
    if od["overdispersed"]:
        return _t(lang, f"Các huyện phân tán quá mức (φ = {phi}, τ² = {od['tau2']:.3g}): giới hạn được nới theo τ² "
                        "(DerSimonian–Laird) và vị trí được đánh giá theo giới hạn điều chỉnh.",
                  f"The districts are overdispersed (φ = {phi}, τ² = {od['tau2']:.3g}): limits are widened by τ² "
                  "(DerSimonian–Laird) and positions are judged against the adjusted limits.")
    return _t(lang, f"Không có phân tán quá mức (φ = {phi}): giới hạn chính xác.",
              f"No overdispersion (φ = {phi}): exact limits.")


def section_funnels(rep: GbvReport) -> dict:
    """Section 7: funnel plots of the 12 districts (M3.C2a, rate per 100,000) pooled over the
    period, exact limits at 95% / 99.8%, overdispersion check; districts ordered by name."""
    lang = rep.lang
    heading(_t(lang, "7. So sánh các huyện (biểu đồ phễu)", "7. Comparing districts (funnel plots)"), 2)
    fd = funnel_data(rep)
    yrs = f"{fd['years'][0]}–{fd['years'][1]}"
    markdown(_t(lang, "Biểu đồ phễu đặt giá trị của từng huyện theo cỡ mẫu; đường giới hạn cho thấy phạm vi dao động "
                      "ngẫu nhiên quanh giá trị chung. Các huyện **không được xếp hạng**; huyện có số nhỏ bị ẩn không "
                      "được vẽ.",
                "A funnel plot places each district's value against its size; the limits show the range of chance "
                "variation around the pooled value. Districts are **not ranked**; districts with hidden small "
                "counts are not drawn."))
    if fd["prop"] is not None:
        tab, od, hidden = fd["prop"]
        heading(_t(lang, f"M3.C2a — tiếp cận dịch vụ hỗ trợ cơ bản, {yrs}",
                   f"M3.C2a — access to basic services, {yrs}"), 3)
        _show_fig(funnel.plot_funnel(tab, od, kind="proportion", per=100, lang=lang, hidden_units=hidden,
                                     xlabel=_t(lang, "Số nạn nhân được phát hiện", "Detected survivors"),
                                     ylabel="%"))
        _show_table(funnel_display(tab, od, hidden, lang, _t(lang, "Tỷ lệ tiếp cận", "Access share")),
                    caption=_t(lang, "Các huyện theo thứ tự tên", "Districts in name order") + _illus(lang, rep.illustrative))
        markdown(_od_sentence(od, lang))
    if fd["rate"] is not None:
        tab, od, hidden = fd["rate"]
        heading(_t(lang, f"Tỷ suất trên 100.000 phụ nữ và trẻ em gái (mỗi năm), {yrs}",
                   f"Rate per 100,000 women and girls (per year), {yrs}"), 3)
        _show_fig(funnel.plot_funnel(tab, od, kind="rate", per=100_000, lang=lang, hidden_units=hidden,
                                     xlabel=_t(lang, "Dân số nữ × số năm", "Female population × years"),
                                     ylabel=_t(lang, "/100.000", "/100,000")))
        _show_table(funnel_display(tab, od, hidden, lang, _t(lang, "Tỷ suất", "Rate"), pct=False),
                    caption=_t(lang, "Các huyện theo thứ tự tên", "Districts in name order") + _illus(lang, rep.illustrative))
        markdown(_od_sentence(od, lang))
    if fd["prop"] is None and fd["rate"] is None:
        markdown(_t(lang, "Chưa đủ số liệu cấp huyện.", "Not enough district data."))
    return fd


def section_trafficking(rep: GbvReport):
    """Section 8: M3.C3 — returning trafficking victims in need who were supported (police and
    border guard), by year; supported / not supported as a suppressed two-column table."""
    lang = rep.lang
    heading(_t(lang, "8. Nạn nhân bị mua bán trở về (M3.C3)", "8. Returning trafficking victims (M3.C3)"), 2)
    st = returnee_table(rep)
    if st is None:
        markdown(_t(lang, "Chưa có số liệu nạn nhân bị mua bán trở về.", "No returnee data."))
        return None
    rep.tables.append(st)
    disp = st.display(lang)
    tl = st.total_label if lang == "vi" else "Total"
    pct = []
    for y in disp.index:
        hide_n = st.hidden.loc[y if y != tl else st.total_label].iloc[0] or st.hidden.loc[y if y != tl else st.total_label].iloc[-1]
        num = st.counts.loc[y if y != tl else st.total_label].iloc[0]
        den = st.counts.loc[y if y != tl else st.total_label].iloc[-1]
        pct.append(D.HIDDEN_MARK if hide_n or den == 0 else fmt.fmt_pct(num / den * 100, 1, lang))
    disp[_t(lang, "Tỷ lệ được hỗ trợ", "Share supported")] = pct
    _show_table(disp, caption=st.name + _t(lang, " (công an và bộ đội biên phòng)", " (police and border guard)")
                + _illus(lang, rep.illustrative), index=True)
    return st


def section_appendix(rep: GbvReport) -> pd.DataFrame:
    """Appendix: methods and assumptions (register, disclosure, funnels) and the suppression
    log of every table in this report."""
    lang = rep.lang
    heading(_t(lang, "Phụ lục: phương pháp và nhật ký ẩn số liệu", "Appendix: methods and suppression log"), 2)
    heading(_t(lang, "Giả định", "Assumptions"), 3)
    markdown("\n".join(f"- {x}" for x in [*G.ASSUMPTIONS[lang], *D.ASSUMPTIONS[lang], *funnel.ASSUMPTIONS[lang]]))
    heading(_t(lang, "Nhật ký ẩn số liệu", "Suppression log"), 3)
    log = D.suppression_log(rep.tables, lang)
    _show_table(log, caption=_t(lang, f"Ngưỡng k = {rep.k}; x = ô bị ẩn. Không ghi giá trị của ô bị ẩn.",
                                f"Threshold k = {rep.k}; x = hidden cell. Hidden values are never logged."))
    return log
