"""Tables and text of the phase-end review (``notebooks/00_phase_end_review.ipynb``): status
colours, objective/programme groups, the summary counts and executive summary, the scorecard
table, coloured HTML tables, the accountability matrix (HTML and its intro), caveats, the
recommendations placeholder and the review's assumptions.

Every function returns a frame or text; :mod:`me_utils.reports.review` displays them.
"""

from __future__ import annotations

import html
import math
import re
from functools import lru_cache

import pandas as pd

from me_utils.analysis import accountability, status
from me_utils.core import fmt
from me_utils.core.style import STATUS_COLOURS
from me_utils.reference.catalogue import load_catalogue
from me_utils.core.labels import label
from me_utils.reports import narrative, review_insights

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



def group_key(row) -> str:
    """Group of a scorecard row: its ``objective`` (``M3``, or a programme code such as ``G``),
    else the prefix of its indicator code."""
    obj = row.get("objective")
    if obj is not None and not (isinstance(obj, float) and math.isnan(obj)) and str(obj).strip():
        return str(obj).strip()
    code = str(row.get("indicator_code") or "")
    return code.split(".")[0] or "?"


@lru_cache(maxsize=1)
def cached_catalogue():
    """The catalogue, loaded once (None when it does not load: labels then fall back)."""
    try:
        return load_catalogue()
    except Exception:  # noqa: BLE001 - labels fall back to OBJECTIVE_LABELS
        return None


def group_label(key: str, lang: str = "vi") -> str:
    """Reviewer-facing name of an objective/programme (the catalogue's name when it has one)."""
    cat = cached_catalogue()
    if cat is not None and key in getattr(cat, "objectives", {}):
        return cat.objective_name(key, lang)
    vi, en = OBJECTIVE_LABELS.get(key, (key, key))
    return fmt.pick(lang, vi, en)


def group_order(keys) -> list[str]:
    """Objectives 1–6 first, then the programmes (catalogue order), then anything else."""
    cat = cached_catalogue()
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
    scorecard: pd.DataFrame,
    lang: str = "vi",
    period_start: int = 2021,
    period_end: int = 2025,
    figures: pd.DataFrame | None = None,
    matrix: pd.DataFrame | None = None,
) -> str:
    """Markdown of the executive summary: one overall sentence (the counts of the table below,
    zero categories left out), then per objective/programme only what the table does not show
    (:func:`me_utils.reports.review_insights.group_sentences`: furthest from the next target,
    changes since the last year, unverified targets, national-only figures, missing data), and
    the reports not received (from the accountability matrix, when given)."""
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
    recs = scorecard.to_dict("records")
    keys = [group_key(r) for r in recs]
    any_sentence = False
    for g in group_order(keys):
        sents = review_insights.group_sentences(scorecard[[k == g for k in keys]], figures, lang)
        if not sents:
            continue
        any_sentence = True
        lines.append(f"- **{group_label(g, lang)}**")
        lines += [f"    - {t}" for t in sents]
    if not any_sentence:
        lines.append(label("insight_none", lang))
    head, _ = review_insights.reporting_sentences(matrix, lang)
    if head:
        lines += ["", head]
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
    """The recommendations section: an explicit placeholder for the analyst to fill in (the
    label catalogue's ``recommendations_placeholder``)."""
    return f"> **{label('recommendations_placeholder', lang)}**\n>\n> " + fmt.pick(
        lang,
        "Báo cáo không tự sinh kiến nghị.",
        "The report does not generate recommendations.",
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
    """Markdown intro of the accountability matrix: counts by status (zero counts left out),
    the deadlines, and one sentence per body with a report missing, late or rejected
    (:func:`me_utils.reports.review_insights.reporting_sentences`)."""
    counts = accountability.status_counts(matrix)
    expected = sum(v for k, v in counts.items() if k not in ("not_due", "not_required"))
    parts = ", ".join(
        f"{fmt.pick(lang, *accountability.STATUS_LABELS[k]).lower()}: {fmt.fmt_number(counts[k], 0, lang)}"
        for k in ("on_time", "late", "missing", "rejected")
        if counts[k]  # a zero count is not worth a clause
    )
    parts = parts or fmt.MISSING
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
    # one sentence per body (counts of the compliance summary, the periods missing), not one
    # line per report: the matrix below shows every report
    _, per_body = review_insights.reporting_sentences(matrix, lang)
    lines += ["- " + t for t in per_body]
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
