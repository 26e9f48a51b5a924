"""The data-quality report (``notebooks/01_data_quality.ipynb``): sections that show the
numbers :mod:`me_utils.analysis.quality` computes (completeness, timeliness, findings, outliers)."""

from __future__ import annotations

import datetime as _dt
import html

import pandas as pd

from me_utils.analysis.quality import (
    ASSUMPTIONS,
    PERIOD_LABELS,
    SEVERITY_LABELS,
    QualityData,
    completeness,
    completeness_by_department,
    completeness_table,
    findings_summary,
    findings_table,
    first_arrivals,
    plausibility,
    timeliness,
    timeliness_by_department,
)
from me_utils.core import fmt, style
from me_utils.core.labels import label
from me_utils.intake import submissions as intake
from me_utils.reference.catalogue import department_name
from me_utils.reports.notebook import heading, markdown, show_table

TITLE_VI = "Chất lượng dữ liệu báo cáo của các sở, ngành"
TITLE_EN = "Data quality of department submissions"


def _as_of(qd: QualityData) -> _dt.date | None:
    d = [x for x in qd.submissions.get("submission_date", pd.Series(dtype=str)) if x]
    return max(_dt.date.fromisoformat(x[:10]) for x in d) if d else None


def section_overview(qd: QualityData) -> dict:
    """Headline counts: files, accepted/rejected, current values, errors and warnings."""

    s = qd.submissions
    n_files = len(s)
    n_rej = int((s["status"] == "rejected").sum()) if n_files else 0
    n_err = int((qd.findings["severity"] == "error").sum()) if len(qd.findings) else 0
    n_warn = int((qd.findings["severity"] == "warning").sum()) if len(qd.findings) else 0
    obs = qd.observations[(qd.observations["year"] >= qd.period_start) & (qd.observations["year"] <= qd.period_end)]
    facts = {"files": n_files, "rejected": n_rej, "values": len(obs), "errors": n_err, "warnings": n_warn}
    L = qd.lang
    heading(qd.t("Tổng quan", "Overview"), 2)
    markdown(
        qd.t(
            f"- Số tệp báo cáo đã nhận: **{fmt.fmt_number(n_files, 0, L)}**, trong đó bị từ chối: "
            f"**{fmt.fmt_number(n_rej, 0, L)}**\n"
            f"- {label('current_values', 'vi')} {qd.period_start}–{qd.period_end}: **{fmt.fmt_number(len(obs), 0, L)}**\n"
            f"- Kết quả kiểm tra: **{fmt.fmt_number(n_err, 0, L)}** lỗi, **{fmt.fmt_number(n_warn, 0, L)}** cảnh báo",
            f"- Submission files received: **{fmt.fmt_number(n_files, 0, L)}**, of which rejected: "
            f"**{fmt.fmt_number(n_rej, 0, L)}**\n"
            f"- Current values {qd.period_start}–{qd.period_end}: **{fmt.fmt_number(len(obs), 0, L)}**\n"
            f"- Validation: **{fmt.fmt_number(n_err, 0, L)}** errors, **{fmt.fmt_number(n_warn, 0, L)}** warnings",
        )
    )
    return facts


def section_completeness(qd: QualityData) -> pd.DataFrame:
    """Completeness heat map by department × year and the department × indicator × period table."""

    comp = completeness(qd.observations, qd.catalogue_frame, qd.period_start, qd.period_end, as_of=_as_of(qd))
    L = qd.lang
    heading(qd.t("Mức độ đầy đủ của số liệu", "Completeness"), 2)
    by_dept = completeness_by_department(comp)
    disp = pd.DataFrame(
        {
            qd.t("Cơ quan", "Department"): by_dept["department"].map(lambda d: department_name(d, L)),
            qd.t("Số kỳ phải báo cáo", "Figures due"): by_dept["due"].map(lambda x: fmt.fmt_number(x, 0, L)),
            qd.t("Đã có", "Present"): by_dept["present"].map(lambda x: fmt.fmt_number(x, 0, L)),
            qd.t("Còn thiếu", "Missing"): by_dept["missing"].map(lambda x: fmt.fmt_number(x, 0, L)),
            qd.t("Tỷ lệ đầy đủ", "Complete"): by_dept["pct_complete"].map(lambda x: fmt.fmt_pct(x, 0, L)),
        }
    )
    show_table(
        disp,
        qd.t(
            "Tỷ lệ số liệu đã có trên số phải báo cáo, theo cơ quan chủ trì",
            "Share of due figures that are present, by lead department",
        ),
    )
    _completeness_plot(comp, qd)
    heading(qd.t("Chi tiết theo chỉ tiêu và kỳ", "Detail by indicator and period"), 3)
    markdown(qd.t("✓ có số liệu · ✗ thiếu · “·” chưa đến hạn", "✓ present · ✗ missing · “·” not yet due"))
    show_table(completeness_table(comp, L))
    return comp


def _completeness_plot(comp: pd.DataFrame, qd: QualityData) -> None:
    import matplotlib.pyplot as plt
    import seaborn as sns

    due = comp[comp["status"] != "not_due"]
    if due.empty:
        return
    pct = (due.assign(ok=due["status"] == "present").groupby(["department", "year"])["ok"].mean() * 100).unstack()
    pct.index = [department_name(d, qd.lang) for d in pct.index]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(pct) + 1.4))
    annot = pct.map(lambda x: "" if pd.isna(x) else fmt.fmt_number(x, 0, qd.lang))
    sns.heatmap(
        pct, vmin=0, vmax=100, cmap="Blues", annot=annot, fmt="", cbar_kws={"label": "%"}, ax=ax, linewidths=0.5
    )
    ax.set_xlabel(qd.t("Năm", "Year"))
    ax.set_ylabel("")
    ax.set_title(qd.t("Tỷ lệ số liệu đã có (%), theo cơ quan và năm", "Figures present (%), by department and year"))
    style.tight_layout(fig)
    low = pct.stack().idxmin()
    years = [int(y) for y in pct.columns]
    style.set_alt(
        fig,
        qd.t(
            f"Bản đồ nhiệt: tỷ lệ số liệu đã có (%) của {len(pct)} cơ quan, năm {min(years)}–{max(years)}; "
            f"thấp nhất: {low[0]} năm {low[1]} ({fmt.fmt_number(pct.loc[low], 0, 'vi')}%).",
            f"Heat map: share of due figures present (%) for {len(pct)} departments, {min(years)}–{max(years)}; "
            f"lowest: {low[0]} in {low[1]} ({fmt.fmt_number(pct.loc[low], 0, 'en')}%).",
        ),
    )
    style.show_figure(fig, lang=qd.lang, finish=False)


def section_timeliness(qd: QualityData) -> pd.DataFrame:
    """Timeliness per department and the list of late reports."""

    L = qd.lang
    tl = timeliness(qd.submissions, qd.period_start, qd.period_end)
    heading(qd.t("Tính kịp thời", "Timeliness"), 2)
    markdown(
        qd.t(
            "Hạn gửi: báo cáo 6 tháng trước ngày 20/5, báo cáo năm trước ngày 25/11 (Kế hoạch 123/KH-UBND, mục V). "
            "Tính theo bản gửi đầu tiên của mỗi kỳ.",
            "Deadlines: half-year report before 20 May, annual report before 25 November (plan 123/KH-UBND, "
            "section V). Based on the first file sent for each period.",
        )
    )
    by = timeliness_by_department(tl)
    show_table(
        pd.DataFrame(
            {
                qd.t("Cơ quan", "Department"): by["department"].map(lambda d: department_name(d, L)),
                qd.t("Số báo cáo", "Reports"): by["reports"].map(lambda x: fmt.fmt_number(x, 0, L)),
                qd.t("Đúng hạn", "On time"): by["on_time"].map(lambda x: fmt.fmt_number(x, 0, L)),
                qd.t("Muộn", "Late"): by["late"].map(lambda x: fmt.fmt_number(x, 0, L)),
                qd.t("Tỷ lệ đúng hạn", "On time (%)"): by["pct_on_time"].map(lambda x: fmt.fmt_pct(x, 0, L)),
                qd.t("Số ngày muộn nhiều nhất", "Most days late"): by["max_days_late"].map(
                    lambda x: fmt.fmt_number(x, 0, L)
                ),
            }
        ),
        qd.t("Tính kịp thời theo cơ quan", "Timeliness by department"),
    )
    late = first_arrivals(tl)
    late = late[~late["on_time"].astype(bool)].sort_values(["year", "period", "department"])
    if len(late):
        heading(qd.t("Các báo cáo gửi muộn", "Late reports"), 3)
        show_table(
            pd.DataFrame(
                {
                    qd.t("Cơ quan", "Department"): late["department"].map(lambda d: department_name(d, L)),
                    qd.t("Năm", "Year"): late["year"].astype(str),
                    qd.t("Kỳ", "Period"): late["period"].map(lambda p: fmt.pick(L, *PERIOD_LABELS[p])),
                    qd.t("Hạn (trước ngày)", "Due (before)"): late["due_date"].map(lambda d: fmt.fmt_date(d, L)),
                    qd.t("Ngày gửi", "Sent"): late["submission_date"].map(lambda d: fmt.fmt_date(d, L)),
                    qd.t("Số ngày muộn", "Days late"): late["days_late"].map(lambda x: fmt.fmt_number(x, 0, L)),
                }
            )
        )
    return tl


def section_findings(qd: QualityData, limit: int = 100) -> pd.DataFrame:
    """Validation findings: counts by kind and the located list (errors and warnings)."""

    L = qd.lang
    heading(qd.t("Kết quả kiểm tra số liệu", "Validation findings"), 2)
    summ = findings_summary(qd.findings, L)
    if summ.empty:
        markdown(qd.t("Không có lỗi hay cảnh báo nào.", "No errors or warnings."))
        return summ
    show_table(
        pd.DataFrame(
            {
                qd.t("Mức", "Severity"): summ["severity"].map(lambda s: fmt.pick(L, *SEVERITY_LABELS.get(s, (s, s)))),
                qd.t("Loại", "Kind"): summ["label"],
                qd.t("Số lượng", "Count"): summ["n"].map(lambda x: fmt.fmt_number(x, 0, L)),
            }
        ),
        qd.t("Số phát hiện theo loại", "Findings by kind"),
    )
    table = findings_table(qd.findings, L, limit=limit)
    if len(table):
        heading(qd.t("Danh sách lỗi và cảnh báo", "Errors and warnings"), 3)
        n_all = int(qd.findings["severity"].isin(["error", "warning"]).sum())
        if n_all > limit:
            markdown(
                qd.t(
                    f"Hiển thị {limit} trên {fmt.fmt_number(n_all, 0, L)} dòng; danh sách đầy đủ ở "
                    "`processed/findings.csv`.",
                    f"Showing {limit} of {fmt.fmt_number(n_all, 0, L)} rows; "
                    "the full list is in `processed/findings.csv`.",
                )
            )
        show_table(table)
    return summ


def section_outliers(qd: QualityData) -> pd.DataFrame:
    """Outliers among units and implausible year-on-year changes, with the rules used."""

    L = qd.lang
    heading(qd.t("Giá trị ngoại lai và biến động bất thường", "Outliers and implausible changes"), 2)
    markdown(intake.OUTLIER_RULE.describe(L) + "\n\n" + intake.JUMP_RULE.describe(L))
    pl = plausibility(qd.observations, qd.kinds, qd.period_start, qd.period_end)
    if pl.empty:
        markdown(qd.t("Không phát hiện giá trị nào cần kiểm tra lại.", "No value flagged for checking."))
        return pl
    show_table(
        pd.DataFrame(
            {
                qd.t("Kiểm tra", "Check"): pl["check"].map(
                    lambda c: qd.t("Ngoại lai", "Outlier") if c == "outlier" else qd.t("Biến động", "Jump")
                ),
                qd.t("Chỉ tiêu", "Indicator"): pl["indicator_code"],
                qd.t("Đơn vị", "Unit"): pl["unit_code"],
                qd.t("Năm", "Year"): pl["year"].astype(str),
                qd.t("Kỳ", "Period"): pl["period"].map(lambda p: fmt.pick(L, *PERIOD_LABELS.get(p, (p, p)))),
                qd.t("Giá trị", "Value"): pl["value"].map(lambda x: fmt.fmt_number(x, 2, L)),
                qd.t("So với", "Compared with"): [
                    (qd.t("trung vị ", "median ") + fmt.fmt_number(r, 2, L))
                    if c == "outlier"
                    else (qd.t("năm ", "year ") + str(d) + ": " + fmt.fmt_number(r, 2, L))
                    for c, r, d in zip(pl["check"], pl["reference"], pl["detail"])
                ],
                qd.t("Tệp, dòng", "File, row"): pl["source_file"] + ", " + pl["source_row"].astype(str),
            }
        ),
        qd.t("Giá trị đề nghị các cơ quan kiểm tra lại", "Values the departments are asked to check"),
    )
    return pl


def section_method(qd: QualityData) -> list[str]:
    """Method note: parsing rules, completeness and timeliness assumptions, plausibility rules."""

    L = qd.lang
    heading(qd.t("Ghi chú phương pháp", "Method note"), 2)
    items = (
        [fmt.pick(L, vi, en) for vi, en in ASSUMPTIONS]
        + intake.PARSING_RULES[L]
        + [intake.OUTLIER_RULE.describe(L), intake.JUMP_RULE.describe(L)]
    )
    markdown("\n".join(f"- {html.escape(x, quote=False)}" for x in items))
    return items
