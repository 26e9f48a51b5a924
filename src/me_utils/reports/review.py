"""Phase-end review (tổng kết 2021–2025): executive summary, scorecard table, caveats,
accountability and method appendix — the pieces of ``notebooks/00_phase_end_review.ipynb``.

The notebook calls :func:`compute` once (it gathers the scorecard, the accountability matrix,
data-quality findings and the GBV/leadership summaries) and then one ``show_*`` function per
section. Every ``*_html``/``*_markdown`` function returns text so that tests can read what a
reviewer reads; ``show_*`` only displays it.

Summary categories (from the scorecard's ``summary_category``): ``achieved``, ``on_track``,
``behind``, ``no_data``. Groups are the scorecard's ``objective`` (Objectives 1–6 of
Resolution 28/NQ-CP, or a programme).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from me_utils.analysis import accountability, disclosure, gbv, status
from me_utils.analysis import leadership as ld
from me_utils.analysis.assess import AssessSettings
from me_utils.analysis.disclosure import ASSUMPTIONS, guard_no_identifiers
from me_utils.core import fmt, safe_csv
from me_utils.core.paths import WORKBOOK_NAME  # single source of the workbook file name
from me_utils.core.style import STATUS_COLOURS
from me_utils.evidence.base import evidence_for
from me_utils.reference.catalogue import load_catalogue
from me_utils.reports import narrative
from me_utils.reports.notebook import markdown, show_table

#: Report title (the notebook adds the unit and the period).
TITLE_VI = "Báo cáo theo dõi, đánh giá thực hiện mục tiêu bình đẳng giới"
TITLE_EN = "Monitoring review of the gender-equality targets"

SUMMARY_CATEGORIES = narrative.SUMMARY_ORDER

#: House-palette key of every assessment status (me_utils.analysis.assess.STATUS_LABELS) and summary
#: category, so that each status cell gets a colour of :data:`me_utils.core.style.STATUS_COLOURS`.
STATUS_COLOUR_KEY = {
    **{k: k for k in STATUS_COLOURS},
    "stagnation_regression": "deterioration",
    "reverse": "deterioration",
    "accelerate": "acceleration_needed",
    "maintain": "on_track",
    "not_achieved": "limited_progress",
    "behind": "acceleration_needed",
    "no_target": "insufficient_data",
    "term_indicator": "insufficient_data",
    "no_data": "insufficient_data",
    "pending": "insufficient_data",
    # the status model's codes (me_utils.analysis.status)
    "achieved_bound": "achieved",
    "outlook_likely": "on_track",
    "outlook_possible": "acceleration_needed",
    "outlook_unlikely": "limited_progress",
    "outlook_very_unlikely": "deterioration",
    "no_next_target": "insufficient_data",
    "context": "insufficient_data",
    "not_assessed": "insufficient_data",
    "not_computable": "insufficient_data",
    "suppressed": "insufficient_data",
}


def status_colour(status) -> str | None:
    """Hex colour of an assessment status or summary category (None if unknown)."""
    key = STATUS_COLOUR_KEY.get(str(status))
    return STATUS_COLOURS.get(key) if key else None


#: Colour of each summary category (house palette).
SUMMARY_COLOURS = {c: STATUS_COLOURS[STATUS_COLOUR_KEY.get(c, "insufficient_data")] for c in status.SUMMARY_ORDER}

#: Fallback names of the objectives of Resolution 28/NQ-CP and of the programmes (vi, en);
#: the catalogue's own names (``Catalogue.objective_name``) are used when it loads.
OBJECTIVE_LABELS: dict[str, tuple[str, str]] = {
    "M1": ("Mục tiêu 1: Lĩnh vực chính trị", "Objective 1: Politics"),
    "M2": ("Mục tiêu 2: Lĩnh vực kinh tế, lao động", "Objective 2: Economy and labour"),
    "M3": (
        "Mục tiêu 3: Đời sống gia đình và phòng ngừa, ứng phó với bạo lực trên cơ sở giới",
        "Objective 3: Family life and gender-based violence prevention and response",
    ),
    "M4": ("Mục tiêu 4: Lĩnh vực y tế", "Objective 4: Health"),
    "M5": ("Mục tiêu 5: Lĩnh vực giáo dục và đào tạo", "Objective 5: Education and training"),
    "M6": ("Mục tiêu 6: Lĩnh vực thông tin, truyền thông", "Objective 6: Information and communication"),
    "G": (
        "Chương trình phòng ngừa và ứng phó với bạo lực trên cơ sở giới (2232/QĐ-TTg)",
        "Programme on GBV prevention and response (2232/QĐ-TTg)",
    ),
    "L": (
        "Chương trình phụ nữ tham gia lãnh đạo, quản lý (2282/QĐ-TTg)",
        "Programme on women in leadership (2282/QĐ-TTg)",
    ),
    "TT": (
        "Chương trình truyền thông về bình đẳng giới (1790/QĐ-TTg)",
        "Programme on gender-equality communication (1790/QĐ-TTg)",
    ),
    "DV": (
        "Chương trình phòng, chống bạo lực gia đình (45/QĐ-TTg)",
        "Programme on preventing domestic violence (45/QĐ-TTg)",
    ),
}

RECOMMENDATIONS_PLACEHOLDER = {"vi": "Phần này do cán bộ phân tích viết", "en": "To be written by the analyst"}

#: Sibling topic reports linked from this one (CONTRACTS "Report outputs").
GBV_REPORT = "20_gbv.html"
LEADERSHIP_REPORT = "30_leadership.html"


def group_key(row) -> str:
    """Group of a scorecard row: its ``objective`` (``M3``, or a programme code such as ``G``),
    else the prefix of its indicator code."""
    obj = row.get("objective")
    if obj is not None and not (isinstance(obj, float) and math.isnan(obj)) and str(obj).strip():
        return str(obj).strip()
    code = str(row.get("indicator_code") or "")
    return code.split(".")[0] or "?"


@lru_cache(maxsize=1)
def _catalogue():
    try:
        return load_catalogue()
    except Exception:  # noqa: BLE001 - labels fall back to OBJECTIVE_LABELS
        return None


def group_label(key: str, lang: str = "vi") -> str:
    """Reviewer-facing name of an objective/programme (the catalogue's name when it has one)."""
    cat = _catalogue()
    if cat is not None and key in getattr(cat, "objectives", {}):
        return cat.objective_name(key, lang)
    vi, en = OBJECTIVE_LABELS.get(key, (key, key))
    return fmt.pick(lang, vi, en)


def group_order(keys) -> list[str]:
    """Objectives 1–6 first, then the programmes (catalogue order), then anything else."""
    cat = _catalogue()
    known = cat.objective_order() if cat is not None else list(OBJECTIVE_LABELS)
    known += [k for k in OBJECTIVE_LABELS if k not in known]
    ks = list(dict.fromkeys(keys))
    return sorted(ks, key=lambda k: (known.index(k) if k in known else len(known), k))


def _category(x) -> str:
    s = "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)
    return s if s in SUMMARY_CATEGORIES else "not_assessed"


def summary_counts(scorecard: pd.DataFrame) -> pd.DataFrame:
    """Counts of indicators in each summary category by objective/programme.

    Input: the scorecard frame. Output: one row per group (ordered by :func:`group_order`)
    plus a last row ``group='total'``; columns ``group``, one per category of
    :data:`me_utils.analysis.status.SUMMARY_ORDER`, ``total`` (ints). The categories are the rows'
    ``summary_category`` (the status model's one category per row), so the counts equal the
    per-indicator statuses. An unknown or missing category counts as ``not_assessed``.
    """
    if scorecard.empty:
        return pd.DataFrame(columns=["group", *SUMMARY_CATEGORIES, "total"])
    sc = pd.DataFrame(
        {
            "group": [group_key(r) for r in scorecard.to_dict("records")],
            "cat": [_category(c) for c in scorecard["summary_category"]],
        }
    )
    rows = []
    for g in group_order(sc["group"]):
        sub = sc[sc["group"] == g]
        rec = {"group": g, **{c: int((sub["cat"] == c).sum()) for c in SUMMARY_CATEGORIES}}
        rec["total"] = int(len(sub))
        rows.append(rec)
    tot = {"group": "total", **{c: int((sc["cat"] == c).sum()) for c in SUMMARY_CATEGORIES}}
    tot["total"] = int(len(sc))
    rows.append(tot)
    return pd.DataFrame(rows)


def executive_summary_markdown(
    scorecard: pd.DataFrame, lang: str = "vi", period_start: int = 2021, period_end: int = 2025
) -> str:
    """Markdown of the executive summary: one overall sentence and one per group."""
    counts = summary_counts(scorecard)
    if counts.empty:
        return fmt.pick(lang, "Chưa có chỉ tiêu nào trong bảng đánh giá.", "The scorecard holds no indicator.")
    total = counts[counts["group"] == "total"].iloc[0].to_dict()
    intro = fmt.pick(
        lang,
        f"Đánh giá kết quả thực hiện giai đoạn {period_start}–{period_end} so với mục tiêu năm 2025.",
        f"Assessment of {period_start}–{period_end} against the 2025 targets.",
    )
    lines = [intro, "", "**" + narrative.summary_sentence(total, lang) + "**", ""]
    for rec in counts[counts["group"] != "total"].to_dict("records"):
        lines.append("- " + narrative.summary_sentence(rec, lang, scope=group_label(rec["group"], lang)))
    return "\n".join(lines)


def summary_table(scorecard: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The counts of :func:`summary_counts` with reviewer-facing headers and group names."""
    c = summary_counts(scorecard)
    out = pd.DataFrame(
        {
            fmt.pick(lang, "Mục tiêu / Chương trình", "Objective / programme"): [
                fmt.pick(lang, "Tổng số", "Total") if g == "total" else group_label(g, lang) for g in c["group"]
            ],
        }
    )
    for cat in SUMMARY_CATEGORIES:
        if cat == "suppressed" and not int(c[cat].sum()):
            continue  # a column only where the disclosure gate hid a row
        out[narrative.status_label(cat, lang)] = c[cat].astype(int)
    out[fmt.pick(lang, "Tổng", "All")] = c["total"].astype(int)
    return out


def is_unverified(v) -> bool:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return True
    if isinstance(v, str):
        return v.strip().lower() not in ("true", "1", "yes")
    return not bool(v)


def _outlook_cell(r, lang: str) -> str:
    """Outlook band with its target year (``'Có thể đạt (2030)'``), or the status word."""
    o = r.get("outlook")
    y = r.get("outlook_year")
    label = narrative.status_label(o, lang)
    if str(o).startswith("outlook_") and not narrative.is_missing(y):
        return f"{label} ({int(float(y))})"
    return label


def _outlook_probability(r, lang: str) -> str:
    """Probability behind the outlook band, with its year; '–' when there is none."""
    y, p = r.get("outlook_year"), r.get("outlook_prob")
    if narrative.is_missing(y) or narrative.is_missing(p):
        return fmt.MISSING
    return f"{narrative.fmt_probability(p, lang)} ({int(float(y))})"


def _methods_cell(r, lang: str) -> str:
    """The three published methods' categories, each named for its method."""
    return "; ".join(status.method_status_label(m, r.get(f"status_{m}"), lang) for m in ("unsd", "statcan", "escap"))


def _result_cell(r, lang: str) -> str:
    lab = narrative.status_label(r.get("result_2025"), lang)
    mp = narrative.margin_phrase(r, lang) if str(r.get("result_2025")) in ("achieved", "not_achieved") else ""
    return f"{lab} ({mp})" if mp else lab


def scorecard_table(scorecard: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Scorecard of all indicators as text, ready to show: code, name, department, latest
    year, latest value with its 95% interval (none for complete counts), 2025 target (⚠ when
    unverified), the status model's 2025 result with its margin, the outlook for the next
    target (a band of the probability beside it), that probability, and the three published
    methods' categories, each named for its method."""
    rows = []
    for r in scorecard.to_dict("records"):
        ci = narrative.fmt_ci_text(r, lang)
        val = narrative.fmt_value(r.get("latest_value"), r, lang)
        if val != fmt.MISSING and ci != fmt.MISSING:
            val = f"{val} ({ci})"
        t = r.get("target_2025")
        tgt = narrative.fmt_value(t, r, lang, decimals=narrative.target_decimals(t))
        if not narrative.is_missing(t) and is_unverified(r.get("verified")):
            tgt += " ⚠"
        ly = r.get("latest_year")
        rows.append(
            {
                fmt.pick(lang, "Mã", "Code"): r["indicator_code"],
                fmt.pick(lang, "Chỉ tiêu", "Indicator"): r["name_vi"] if lang == "vi" else r["name_en"],
                fmt.pick(lang, "Cơ quan", "Department"): accountability.department_name(str(r.get("department")), lang),
                fmt.pick(lang, "Năm", "Year"): fmt.MISSING if narrative.is_missing(ly) else str(int(ly)),
                fmt.pick(lang, "Giá trị gần nhất (KTC 95%)", "Latest value (95% CI)"): val,
                fmt.pick(lang, "Mục tiêu 2025", "2025 target"): tgt,
                fmt.pick(lang, "Kết quả 2025", "2025 result"): _result_cell(r, lang),
                fmt.pick(lang, "Triển vọng (mục tiêu kế tiếp)", "Outlook (next target)"): _outlook_cell(r, lang),
                fmt.pick(lang, "Xác suất đạt mục tiêu", "P(reach target)"): _outlook_probability(r, lang),
                fmt.pick(lang, "Phân loại theo phương pháp công bố", "Published methods"): _methods_cell(r, lang),
            }
        )
    return pd.DataFrame(rows)


_NUMERIC_CELL = re.compile(r"^[-+]?[\d.,]+%?( \(.*\))?( ⚠)?$")


def coloured_table_html(
    df: pd.DataFrame,
    colour_of: dict[str, str] | None = None,
    caption: str | None = None,
    col_styles: dict[str, str] | None = None,
) -> str:
    """HTML of a text table: cells whose text is a key of ``colour_of`` (or starts with it and
    a space) get that background colour (status cells); text cells are left-aligned, number
    cells right-aligned; ``col_styles`` adds CSS to every cell of a column. All text is escaped."""
    colour_of = colour_of or {}
    col_styles = col_styles or {}
    styles = [col_styles.get(str(c), "") for c in df.columns]
    head = "".join(f'<th style="text-align:left;{st}">{html.escape(str(c))}</th>' for c, st in zip(df.columns, styles))
    body = []
    for rec in df.itertuples(index=False):
        tds = []
        for v, extra in zip(rec, styles):
            s = fmt.MISSING if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
            colour = next((c for k, c in colour_of.items() if c and (s == k or s.startswith(k + " "))), None)
            align = "right" if _NUMERIC_CELL.match(s) else "left"
            css = f"text-align:{align};{extra}"
            if colour:
                css += f"background:{colour};color:#fff;font-weight:600"
            tds.append(f'<td style="{css}">{html.escape(s)}</td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    cap = f'<p class="me-caption"><em>{html.escape(caption)}</em></p>' if caption else ""
    return (
        cap
        + '<table class="me-table" border="0"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


def status_colours_by_label(lang: str = "vi") -> dict[str, str]:
    """Map each status label (as printed) to its colour."""
    out = {narrative.status_label(k, lang): status_colour(k) for k in STATUS_COLOUR_KEY}
    out.update({narrative.status_label(k, lang): c for k, c in SUMMARY_COLOURS.items()})
    return out


def accountability_html(matrix: pd.DataFrame, lang: str = "vi") -> str:
    """The accountability matrix as HTML: one row per department (name, indicators it
    reports), one column per year; each cell holds a coloured badge per expected report
    (half-year, annual) with its status and date (:func:`me_utils.analysis.accountability.cell_text`)."""
    if matrix.empty:
        return ""
    years = sorted(set(int(y) for y in matrix["year"]))
    wide = accountability.wide_table(matrix, lang)
    ind_col = wide.columns[1]
    inds = dict(zip(wide[wide.columns[0]], wide[ind_col]))
    head = [fmt.pick(lang, "Cơ quan (chỉ tiêu báo cáo)", "Department (indicators reported)")] + [str(y) for y in years]
    th = "".join(f'<th style="text-align:left">{html.escape(h)}</th>' for h in head)
    body = []
    for dep in dict.fromkeys(matrix["department"]):
        sub = matrix[matrix["department"] == dep]
        name = str(sub.iloc[0][f"department_name_{lang}"])
        tds = [
            f'<td style="text-align:left;min-width:12em"><strong>{html.escape(name)}</strong><br>'
            f'<span style="font-size:85%;color:#444">{html.escape(inds.get(name, ""))}</span></td>'
        ]
        for y in years:
            badges = []
            for per in ("H1", "FY"):
                r = sub[(sub["year"] == y) & (sub["period"] == per)]
                if r.empty:
                    continue
                r = r.iloc[0]
                label = fmt.pick(lang, *accountability.PERIOD_LABELS[per])
                text = f"{label}: {accountability.cell_text(r, lang)}"
                if r["status"] == "not_required":
                    css = "color:#555"
                else:
                    colour = STATUS_COLOURS[accountability.STATUS_COLOUR_KEYS[r["status"]]]
                    css = f"background:{colour};color:#fff;font-weight:600"
                badges.append(
                    f'<div style="{css};white-space:nowrap;padding:1px 4px;margin:1px 0;'
                    f'border-radius:3px;font-size:85%">{html.escape(text)}</div>'
                )
            tds.append(f'<td style="text-align:left">{"".join(badges) or html.escape(fmt.MISSING)}</td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    legend = "; ".join(
        f"{accountability.STATUS_SYMBOLS[k]} {fmt.pick(lang, *accountability.STATUS_LABELS[k])}"
        for k in accountability.STATUSES
    )
    return (
        f'<table class="me-table" border="0"><thead><tr>{th}</tr></thead><tbody>{"".join(body)}'
        f'</tbody></table><p class="me-caption"><em>{html.escape(legend)}</em></p>'
    )


def unverified_targets(scorecard: pd.DataFrame) -> pd.DataFrame:
    """Scorecard rows whose 2025 or 2030 target is not verified against the official text."""
    if scorecard.empty:
        return scorecard
    has_target = scorecard["target_2025"].notna() | scorecard["target_2030"].notna()
    unv = scorecard["verified"].map(is_unverified)
    return scorecard[has_target & unv]


SEVERITY_LABELS = {"error": ("lỗi", "error"), "warning": ("cảnh báo", "warning")}


def _reason_label(reason: str) -> str:
    # "thay đổi bất thường so với năm 2020 (21.43): …" → "thay đổi bất thường so với năm"
    head = re.split(r"[(:]", str(reason), maxsplit=1)[0].strip()
    return re.sub(r"\s*\d{4}$", "", head).strip()


def findings_summary(findings: pd.DataFrame | None, lang: str = "vi") -> pd.DataFrame:
    """Data-quality findings of the build (``findings.csv``: severity, code, reason_vi/_en…)
    counted by severity and code. Output columns ``severity, code, label, n`` (label: the
    finding's reason without its row-specific values), largest counts first; empty when none."""
    cols_out = ["severity", "code", "label", "n"]
    if findings is None or findings.empty:
        return pd.DataFrame(columns=cols_out)
    f = findings.copy()
    for c in ("severity", "code"):
        if c not in f.columns:
            f[c] = "?"
    reason_col = f"reason_{lang}" if f"reason_{lang}" in f.columns else None
    rows = []
    for (sev, code), grp in f.groupby(["severity", "code"], dropna=False, sort=False):
        label = _reason_label(grp[reason_col].iloc[0]) if reason_col else str(code)
        rows.append({"severity": str(sev), "code": str(code), "label": label or str(code), "n": len(grp)})
    return pd.DataFrame(rows, columns=cols_out).sort_values("n", ascending=False, kind="stable").reset_index(drop=True)


def caveats_markdown(
    scorecard: pd.DataFrame, findings: pd.DataFrame | None, lang: str = "vi", illustrative: bool = False
) -> str:
    """Markdown of the caveats: data-quality findings and unverified targets (each listed)."""
    lines = []
    if illustrative:
        lines.append(
            "- "
            + fmt.pick(
                lang,
                "**Dữ liệu minh họa**: các số liệu do máy sinh ra, không phải số liệu của tỉnh Sơn La.",
                "**Illustrative data**: the figures are generated, not Son La's data.",
            )
        )
    fs = findings_summary(findings, lang)
    n_find = int(fs["n"].sum()) if not fs.empty else 0
    if n_find:
        parts = ", ".join(
            f"{fmt.pick(lang, *SEVERITY_LABELS.get(r.severity, (r.severity, r.severity)))} – {r.label}: "
            f"{fmt.fmt_number(r.n, 0, lang)}"
            for r in fs.itertuples(index=False)
        )
        lines.append(
            "- "
            + fmt.pick(
                lang,
                f"Kiểm tra chất lượng số liệu ghi nhận {fmt.fmt_number(n_find, 0, lang)} vấn đề ({parts}); "
                "chi tiết trong báo cáo chất lượng số liệu.",
                f"Data-quality checks recorded {fmt.fmt_number(n_find, 0, lang)} findings ({parts}); "
                "details in the data-quality report.",
            )
        )
    else:
        lines.append(
            "- "
            + fmt.pick(
                lang,
                "Kiểm tra chất lượng số liệu không ghi nhận vấn đề nào.",
                "Data-quality checks recorded no finding.",
            )
        )
    unv = unverified_targets(scorecard)
    if len(unv):
        codes = ", ".join(str(c) for c in unv["indicator_code"])
        lines.append(
            "- "
            + fmt.pick(
                lang,
                f"⚠ {fmt.fmt_number(len(unv), 0, lang)} chỉ tiêu có mục tiêu chưa được kiểm chứng với văn bản "
                f"gốc ({codes}); đánh giá của các chỉ tiêu này cần được xem lại khi có văn bản chính thức.",
                f"⚠ {fmt.fmt_number(len(unv), 0, lang)} indicators have targets not yet verified against the "
                f"official text ({codes}); their assessment must be reviewed once the text is checked.",
            )
        )
    if len(scorecard):  # rows without data, or not assessable (context indicators are not gaps)
        gap = (scorecard["summary_category"].map(_category) == "not_assessed") | (
            (scorecard["n_points"] == 0) & (scorecard["summary_category"].map(_category) != "context")
        )
        nodata = scorecard[gap]
    else:
        nodata = scorecard
    if len(nodata):
        lines.append(
            "- "
            + fmt.pick(
                lang,
                f"{fmt.fmt_number(len(nodata), 0, lang)} chỉ tiêu chưa có đủ số liệu để đánh giá "
                f"({', '.join(str(c) for c in nodata['indicator_code'])}).",
                f"{fmt.fmt_number(len(nodata), 0, lang)} indicators lack the data for an assessment "
                f"({', '.join(str(c) for c in nodata['indicator_code'])}).",
            )
        )
    return "\n".join(lines)


def recommendations_markdown(lang: str = "vi") -> str:
    """The recommendations section: an explicit placeholder for the analyst to fill in."""
    return f"> **{RECOMMENDATIONS_PLACEHOLDER[lang]}.**\n>\n> " + fmt.pick(
        lang,
        "Báo cáo không tự sinh kiến nghị: cán bộ phân tích viết phần này dựa trên các kết quả ở trên.",
        "The report does not generate recommendations: the analyst writes this part from the results above.",
    )


#: English month names, fixed (``calendar.month_name`` follows the process locale).
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def accountability_markdown(matrix: pd.DataFrame, lang: str = "vi", as_of=None) -> str:
    """Markdown intro of the accountability matrix: counts by status and one sentence per
    late, missing or rejected report."""
    counts = accountability.status_counts(matrix)
    expected = sum(v for k, v in counts.items() if k not in ("not_due", "not_required"))
    parts = ", ".join(
        f"{fmt.pick(lang, *accountability.STATUS_LABELS[k]).lower()}: {fmt.fmt_number(counts[k], 0, lang)}"
        for k in ("on_time", "late", "missing", "rejected")
        if counts[k] or k in ("on_time", "late", "missing")
    )
    cut = fmt.fmt_date(as_of, lang) if as_of is not None else fmt.MISSING
    # deadline days from the single calendar (me_utils.build.pipeline.DEADLINES), not retyped here
    (h1_m, h1_d), (fy_m, fy_d) = accountability.DEADLINES["H1"], accountability.DEADLINES["FY"]
    lines = [
        fmt.pick(
            lang,
            f"Tính đến ngày {cut}, có {fmt.fmt_number(expected, 0, lang)} báo cáo định kỳ đã đến hạn ({parts}). "
            f"Hạn nộp: báo cáo 6 tháng trước ngày {h1_d}/{h1_m}, báo cáo năm trước ngày {fy_d}/{fy_m} "
            "(mục V Kế hoạch 123/KH-UBND).",
            f"As of {cut}, {fmt.fmt_number(expected, 0, lang)} periodic reports were due ({parts}). "
            f"Deadlines: half-year report before {h1_d} {_EN_MONTHS[h1_m - 1]}, annual report before "
            f"{fy_d} {_EN_MONTHS[fy_m - 1]} (plan 123/KH-UBND, section V).",
        ),
        "",
    ]
    for r in matrix[matrix["status"].isin(["late", "missing", "rejected"])].to_dict("records"):
        if r["status"] == "rejected":
            lines.append(
                "- "
                + fmt.pick(
                    lang,
                    f"{r['department_name_vi']}: {'báo cáo 6 tháng' if r['period'] == 'H1' else 'báo cáo năm'} "
                    f"{r['year']} đã gửi nhưng không hợp lệ.",
                    f"{r['department_name_en']}: {'half-year' if r['period'] == 'H1' else 'annual'} report "
                    f"{r['year']} was sent but rejected.",
                )
            )
        else:
            lines.append("- " + narrative.submission_sentence(r, lang))
    return "\n".join(lines)


def assumptions_markdown(lang: str = "vi") -> str:
    """The accountability and narrative assumptions, as a markdown list."""
    items = [fmt.pick(lang, vi, en) for vi, en in accountability.ASSUMPTIONS]
    items.append(
        fmt.pick(
            lang,
            "Số liệu trong các câu tự động được lấy trực tiếp từ kết quả tính toán; tỷ lệ phần trăm làm tròn "
            "1 chữ số thập phân, tỷ số 2 chữ số, xác suất làm tròn đến phần trăm.",
            "Numbers in generated sentences come straight from the computed results; percentages are "
            "rounded to 1 decimal, ratios to 2, probabilities to whole percents.",
        )
    )
    return "\n".join("- " + i for i in items)


# --- putting it together ---------------------------------------------------------------------


@dataclass
class ReviewResults:
    """Everything the phase-end review shows.

    ``scorecard`` (CONTRACTS "Scorecard frame"), ``matrix`` (accountability long frame),
    ``findings`` (build findings or None), ``gbv`` / ``leadership`` (topic summaries: dicts
    with ``markdown`` and optional ``table``), ``method_note`` (markdown), ``suppression_log``
    (DataFrame or None), ``as_of`` (date), ``lang``, ``illustrative``, ``period_start/end``.
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


# --- GBV and leadership summaries --------------------------------------------------------------

#: Register indicators summarised in the GBV section, in this order.
GBV_CODES = ("M3.C2a", "M3.C2b", "G.1", "G.2", "DV.4", "DV.5")


def _catalogue_row(code: str) -> dict:
    """Scorecard-like fields of a catalogue indicator (names, kind, direction, targets)."""
    cat = _catalogue()
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
    parts = []
    try:
        pass
    except ImportError:
        methodnote = None
    if methodnote is not None:
        parts.append(_call_method_note(methodnote, ctx, headline_method, lang))
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
    """Section 1: counts of the status model's categories, overall and by group."""
    lang = res.lang
    _show_md("## " + fmt.pick(lang, "Tóm tắt", "Executive summary"))
    _show_md(executive_summary_markdown(res.scorecard, lang, res.period_start, res.period_end))
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
