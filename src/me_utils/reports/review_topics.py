"""GBV and women-in-leadership summaries of the phase-end review: province-level GBV register
indicators with disclosure control, detected incidents by year and type (suppressed), and
People's Council shares by term with key-leader and planning-pool shares.

Each summary is a dict (markdown, frames) that :mod:`me_utils.reports.review` shows and that
links to the topic report.
"""

from __future__ import annotations

import math

import pandas as pd

from me_utils.analysis import disclosure, gbv, status
from me_utils.analysis import leadership as ld
from me_utils.core import fmt
from me_utils.reports import narrative
from me_utils.reports.review_tables import cached_catalogue

#: Sibling topic reports linked from this one (CONTRACTS "Report outputs").
GBV_REPORT = "20_gbv.html"
LEADERSHIP_REPORT = "30_leadership.html"


#: Register indicators summarised in the GBV section, in this order.
GBV_CODES = ("M3.C2a", "M3.C2b", "G.1", "G.2", "DV.4", "DV.5")


def _catalogue_row(code: str) -> dict:
    """Scorecard-like fields of a catalogue indicator (names, kind, direction, targets)."""
    cat = cached_catalogue()
    if cat is None or code not in cat:
        return {
            "indicator_code": code,
            "name_vi": code,
            "name_en": code,
            "kind": "proportion",
            "unit_label": "%",
            "direction": "increase",
            "target_2025": math.nan,
            "verified": True,
        }
    ind = cat[code]
    t25 = ind.target(2025)
    return {
        "indicator_code": code,
        "name_vi": ind.name_vi,
        "name_en": ind.name_en,
        "kind": ind.kind,
        "unit_label": "%" if ind.kind == "proportion" else ind.unit,
        "direction": ind.direction,
        "target_2025": math.nan if t25 is None else float(t25),
        "verified": bool(ind.verified),
    }


def gbv_indicator_rows(
    register: pd.DataFrame, period_start: int, period_end: int, k: int | None = None
) -> pd.DataFrame:
    """Province-level GBV register indicators, latest year of the period, with disclosure control.

    Input: the *consented* typed register (:func:`me_utils.analysis.gbv.consented`). Output: one row per
    code of :data:`GBV_CODES` with the catalogue fields, ``latest_year, latest_value, ci_low,
    ci_high, numerator, denominator, hidden`` — the value and interval are NaN and ``hidden``
    True when the numerator, the denominator or their difference is a small count (1…k−1):
    a percentage of a small group, or one close to 0% or 100%, would give a small count back.
    """

    k = disclosure.DEFAULT_K if k is None else k
    reg = register[(register["year"] >= int(period_start)) & (register["year"] <= int(period_end))]
    ind = gbv.compute_indicators(reg, by=["year"], codes=list(GBV_CODES)) if len(reg) else None
    rows = []
    for code in GBV_CODES:
        base = _catalogue_row(code)
        sub = ind[(ind["indicator_code"] == code) & (ind["denominator"] > 0)] if ind is not None else []
        if len(sub) == 0:
            rows.append(
                {
                    **base,
                    "latest_year": math.nan,
                    "latest_value": math.nan,
                    "ci_low": math.nan,
                    "ci_high": math.nan,
                    "numerator": math.nan,
                    "denominator": math.nan,
                    "hidden": False,
                }
            )
            continue
        last = sub.sort_values("year").iloc[-1]
        num, den = int(last["numerator"]), int(last["denominator"])
        hidden = bool(
            disclosure.small_count_mask(num, k)
            or disclosure.small_count_mask(den, k)
            or disclosure.small_count_mask(den - num, k)
        )
        rows.append(
            {
                **base,
                "latest_year": int(last["year"]),
                "latest_value": math.nan if hidden else float(last["value"]),
                "ci_low": math.nan if hidden else float(last["ci_low"]),
                "ci_high": math.nan if hidden else float(last["ci_high"]),
                "numerator": num,
                "denominator": den,
                "hidden": hidden,
            }
        )
    return pd.DataFrame(rows)


def gbv_summary(data_root, period_start: int = 2021, period_end: int = 2025, lang: str = "vi") -> dict:
    """GBV section of the review, from the GBV register of ``data_root``.

    Output dict: ``available`` (bool), ``markdown`` (sentences + link to the GBV report),
    ``indicators`` (frame of :func:`gbv_indicator_rows`), ``cases`` (display table of
    detected incidents by year and type, after disclosure control), ``suppressed`` (list of
    :class:`me_utils.analysis.disclosure.SuppressedTable` — feeds the suppression log), ``excluded``
    (incidents without consent to reporting, left out).
    """

    link = fmt.pick(
        lang, f"Chi tiết: [Báo cáo bạo lực trên cơ sở giới]({GBV_REPORT}).", f"Details: [GBV report]({GBV_REPORT})."
    )
    path = gbv.find_input(data_root, "gbv/register.csv")
    if not path.exists():
        return {
            "available": False,
            "suppressed": [],
            "markdown": fmt.pick(
                lang,
                "Chưa có sổ đăng ký vụ việc bạo lực trên cơ sở giới trong dữ liệu.",
                "No GBV case register in the data.",
            )
            + " "
            + link,
        }
    reg, _problems = gbv.read_register(path, lang)
    c = gbv.consented(reg)
    data = c.data[(c.data["year"] >= int(period_start)) & (c.data["year"] <= int(period_end))]
    rows = gbv_indicator_rows(data, period_start, period_end)
    # Detected incidents by year × type: a count table a reviewer reads, so it is suppressed.
    g = data[data["incident_type"].astype(str) != "non_gbv"]
    counts = gbv.case_counts(g.assign(incident_type=g["incident_type"].astype(str)), ["year", "incident_type"])
    counts = counts[counts["incident_type"].isin(gbv.GBV_TYPES)]
    table = counts.pivot_table(
        index="year", columns="incident_type", values="n", aggfunc="sum", fill_value=0, observed=True
    )
    table = table.reindex(columns=[t for t in gbv.GBV_TYPES if t in table.columns])
    table.index = [str(int(y)) for y in table.index]
    table.columns = [gbv.label("incident_type", t, lang) for t in table.columns]
    name = fmt.pick(
        lang,
        "Vụ việc bạo lực trên cơ sở giới được phát hiện theo năm và loại (toàn tỉnh)",
        "Detected GBV incidents by year and type (province)",
    )
    st = disclosure.suppress(table.astype("int64"), name=name)
    cases = st.display(lang)
    cases.index.name = fmt.pick(lang, "Năm", "Year")
    lines = []
    for r in rows.to_dict("records"):
        if r["hidden"]:
            lines.append(
                "- "
                + fmt.pick(
                    lang,
                    f"«{r['name_vi']}»: số liệu năm {r['latest_year']} quá nhỏ nên không công bố (bảo vệ bí mật).",
                    f"«{r['name_en']}»: the {r['latest_year']} figure rests on too few cases and is not shown (confidentiality).",
                )
            )
        else:
            lines.append("- " + narrative.indicator_sentence(r, lang))
    intro = fmt.pick(
        lang,
        f"Tóm tắt từ sổ đăng ký vụ việc (chỉ các vụ việc có đồng ý chia sẻ số liệu; "
        f"{disclosure.show_count(c.excluded, lang=lang)} vụ việc không có đồng ý được loại ra).",
        f"Summary from the case register (only incidents with consent to reporting; "
        f"{disclosure.show_count(c.excluded, lang=lang)} incidents without consent left out).",
    )
    return {
        "available": True,
        "indicators": rows,
        "cases": cases,
        "suppressed": [st],
        "excluded": c.excluded,
        "markdown": "\n".join([intro, "", *lines, "", link]),
    }


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def leadership_summary(
    data_root,
    unit: str = "SL",
    period_start: int = 2021,
    period_end: int = 2025,
    lang: str = "vi",
    scorecard: pd.DataFrame | None = None,
) -> dict:
    """Leadership section of the review: women's share of People's Council seats by term and
    level with the observed change from the previous term, and the latest key-leader and
    planning-pool shares. All are complete counts (:func:`me_utils.analysis.status.is_enumeration`), so
    no figure carries a sampling interval or a test; the reason is said once, from
    ``status.REASONS``.

    Output dict: ``available``, ``markdown`` (sentences + link to the leadership report),
    ``councils`` (display table), ``shares`` (numeric frame of
    :func:`me_utils.analysis.leadership.council_shares`), ``changes`` (numeric frame of
    :func:`me_utils.analysis.leadership.term_changes`).
    """

    link = fmt.pick(
        lang,
        f"Chi tiết: [Báo cáo phụ nữ tham gia lãnh đạo]({LEADERSHIP_REPORT}).",
        f"Details: [Women in leadership report]({LEADERSHIP_REPORT}).",
    )
    data = ld.load_leadership(data_root)
    lines = []
    out: dict = {"available": False}
    if data.councils is not None:
        shares = ld.council_shares(data.councils, unit)
        changes = ld.term_changes(shares)
        out["shares"], out["changes"] = shares, changes
        table_rows = []
        for r in shares.to_dict("records"):
            table_rows.append(
                {
                    fmt.pick(lang, "Nhiệm kỳ", "Term"): _capitalise(ld.term_label(r["term"], lang)),
                    fmt.pick(lang, "Cấp", "Level"): ld.level_label(r["level"], lang),
                    fmt.pick(lang, "Số đại biểu", "Seats"): fmt.fmt_number(r["seats"], 0, lang),
                    fmt.pick(lang, "Đại biểu nữ", "Women"): fmt.fmt_number(r["women"], 0, lang),
                    fmt.pick(lang, "Tỷ lệ nữ", "Women's share"): fmt.fmt_pct(r["share_pct"], 1, lang),
                }
            )
        out["councils"] = pd.DataFrame(table_rows)
        for lv in ld.LEVELS:
            sub = shares[shares["level"] == lv].to_dict("records")
            if not sub:
                continue
            last = sub[-1]
            count = f"{fmt.fmt_number(last['women'], 0, lang)}/{fmt.fmt_number(last['seats'], 0, lang)}"
            s = fmt.pick(
                lang,
                f"{ld.level_label(lv, lang)}, {ld.term_label(last['term'], lang)}: "
                f"nữ chiếm {fmt.fmt_pct(last['share_pct'], 1, lang)} số đại biểu ({count})",
                f"{ld.level_label(lv, lang)}, {ld.term_label(last['term'], lang)}: "
                f"women hold {fmt.fmt_pct(last['share_pct'], 1, lang)} of seats ({count})",
            )
            ch = changes[(changes["level"] == lv) & (changes["term_to"] == last["term"])].to_dict("records")
            if ch:  # the observed difference from the previous term (a count, not an estimate)
                c = ch[0]
                dw = ld.fmt_change(c["women_change"], 0, lang)
                dp = ld.fmt_change(c["diff_pp"], 1, lang)
                s += fmt.pick(
                    lang,
                    f", so với {fmt.fmt_pct(c['share_from_pct'], 1, lang)} "
                    f"{ld.term_label(c['term_from'], lang)} ({dw} đại biểu nữ, {dp} điểm phần trăm)",
                    f", against {fmt.fmt_pct(c['share_from_pct'], 1, lang)} in the "
                    f"{ld.term_label(c['term_from'], lang)} ({dw} women deputies, {dp} percentage points)",
                )
            lines.append("- " + s + ".")
        out["available"] = True
    for frame, code, _what_vi, _what_en, _num_col in (
        (
            data.key_leaders,
            "M1.C1",
            "cơ quan, địa phương có lãnh đạo chủ chốt là nữ",
            "agencies and local governments with a woman key leader",
            None,
        ),
        (
            data.planning_pool,
            "L.2",
            "nữ trong quy hoạch lãnh đạo, quản lý",
            "women in the leadership planning pool",
            None,
        ),
    ):
        if scorecard is not None and code in set(scorecard["indicator_code"]):
            # The indicator is in the evidence base: say the figure the scorecard shows.
            ev_row = scorecard[scorecard["indicator_code"] == code].iloc[0].to_dict()
            if ev_row["n_points"] > 0:
                ev_row = {k: v for k, v in ev_row.items() if k not in ("status_headline", "result_2025")}
                if code in status.ENUMERATIONS:  # a complete count: never an interval, whatever the source
                    ev_row.update(ci_low=math.nan, ci_high=math.nan)
                lines.append("- " + narrative.indicator_sentence(ev_row, lang))
                out["available"] = True
                continue
        if frame is None:
            continue
        sh = (
            ld.key_leader_shares(frame, unit, period_start, period_end)
            if code == "M1.C1"
            else ld.planning_pool_shares(frame, unit, period_start, period_end)
        )
        if sh.empty:
            continue
        last = sh.iloc[-1]
        # M1.C1 and L.2 are complete counts (status.ENUMERATIONS): no interval in the sentence.
        row = {
            **_catalogue_row(code),
            "latest_year": int(last["year"]),
            "latest_value": float(last["share_pct"]),
            "ci_low": math.nan,
            "ci_high": math.nan,
            "kind": "proportion",
            "unit_label": "%",
        }
        lines.append("- " + narrative.indicator_sentence(row, lang))
        out["available"] = True
    if not out["available"]:
        lines.append(fmt.pick(lang, "Chưa có số liệu về phụ nữ tham gia lãnh đạo.", "No data on women in leadership."))
    else:
        lines += ["", status.reason_text(["enumeration"], lang)]
    out["markdown"] = "\n".join([*lines, "", link])
    return out
