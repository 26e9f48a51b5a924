"""One bilingual label catalogue for the words a reviewer reads (layer: core).

Every entry is ``key -> (Vietnamese, English)``. Report code asks :func:`label` for the text
of the report language instead of writing both strings inline, so the Vietnamese set is one
place to proof-read and the English set is one place a test can check Vietnamese pages
against (:func:`english_only`). Labels may hold ``str.format`` fields (``{year}``).

Started by issue 17 with the strings of the page frame (provenance block, table of contents,
print header/footer), chart text and alt text, and the wording fixes the review asked for:
"Năm 2021" (never "2021 Năm"), "Số giá trị đang dùng" instead of "Số giá trị hiện hành"
(which reads like "at current prices"), and the scope "toàn tỉnh" said where a figure is the
province's.
"""

from __future__ import annotations

import re

from me_utils.core.fmt import check_lang

LABELS: dict[str, tuple[str, str]] = {
    # ---- page frame -------------------------------------------------------------------
    "toc": ("Mục lục", "Contents"),
    "technical_info": ("Thông tin kỹ thuật", "Technical information"),
    "technical_info_note": (
        "Thông tin để kiểm tra lại báo cáo: cùng bộ dữ liệu và cùng phiên bản phần mềm cho ra cùng kết quả.",
        "Information to check the report again: the same data and the same software version give the same results.",
    ),
    "data_fingerprint": ("Mã kiểm tra bộ dữ liệu (SHA-256)", "Data check code (SHA-256)"),
    "data_fingerprint_none": ("không có (chưa xây dựng dữ liệu)", "none (no processed data)"),
    "software_version": ("Phiên bản phần mềm", "Software version"),
    "source_revision": ("Phiên bản mã nguồn", "Source code revision"),
    "source_revision_unknown": ("không xác định", "unknown"),
    "source_revision_dirty": ("có thay đổi chưa lưu", "with unsaved changes"),
    "run_settings": ("Thông số chạy báo cáo", "Report settings"),
    "run_time": ("Thời gian chạy", "Run time"),
    "run_date": ("Ngày chạy", "Run date"),
    "seconds": ("giây", "s"),
    "param_unit": ("Đơn vị", "Unit"),
    "param_period": ("Giai đoạn", "Period"),
    "param_lang": ("Ngôn ngữ", "Language"),
    "param_data": ("Dữ liệu", "Data"),
    "param_as_of": ("Ngày chốt số liệu", "Data cut-off date"),
    "param_headline_method": ("Phương pháp đánh giá chính", "Main assessment method"),
    "param_suppression_threshold": ("Ngưỡng ẩn số nhỏ (k)", "Small-count threshold (k)"),
    "param_other": ("Thông số khác", "Other settings"),
    "lang_vi": ("tiếng Việt", "Vietnamese"),
    "lang_en": ("tiếng Anh", "English"),
    "data_illustrative": ("dữ liệu minh họa", "illustrative data"),
    "data_real": ("dữ liệu báo cáo của các cơ quan", "departments' reported data"),
    "page": ("Trang", "Page"),
    "page_of": ("/", "of"),
    "illustrative_running_head": (
        "⚠ Dữ liệu minh họa — không phải số liệu của tỉnh Sơn La",
        "⚠ Illustrative data — not Son La's figures",
    ),
    # ---- assessment methods (the scorecard's headline_method codes) -------------------
    "method_unsd": (
        "phương pháp của Cơ quan Thống kê Liên hợp quốc (UNSD)",
        "the UN Statistics Division method (UNSD)",
    ),
    "method_statcan": ("phương pháp của Cơ quan Thống kê Canada", "the Statistics Canada method"),
    "method_escap": ("phương pháp của ESCAP", "the ESCAP method"),
    # ---- charts -----------------------------------------------------------------------
    "chart": ("Biểu đồ", "Chart"),
    "chart_fallback_alt": ("Biểu đồ của mục «{section}»", "Chart of the section “{section}”"),
    "chart_fallback_alt_bare": ("Biểu đồ của báo cáo", "Report chart"),
    "funnel_alt": (
        "Biểu đồ phễu: {what} của {n} đơn vị theo {denominator}; đường giới hạn {levels} "
        "quanh giá trị chung {theta}. {outside}",
        "Funnel plot: {what} of {n} units by {denominator}; {levels} limits around the pooled value {theta}. {outside}",
    ),
    "funnel_alt_none_outside": ("Không đơn vị nào nằm ngoài giới hạn.", "No unit lies outside the limits."),
    "funnel_alt_outside": ("Nằm ngoài giới hạn {level}: {units}.", "Outside the {level} limits: {units}."),
    "trend_alt": (
        "Biểu đồ xu hướng của {n} chỉ tiêu ({codes}): số liệu theo năm kèm khoảng tin cậy, "
        "đường xu hướng, khoảng dự báo và mục tiêu năm 2025, 2030.",
        "Trend charts of {n} indicators ({codes}): yearly figures with their intervals, the "
        "trend line, the prediction band and the 2025 and 2030 targets.",
    ),
    "target_unverified_short": ("mục tiêu chưa kiểm chứng", "target unverified"),
    # ---- verification flag of an indicator (reference.catalogue.Indicator.flag) ----------
    "verification_flag": ("⚠ chưa kiểm chứng", "⚠ unverified"),
    "verification_news": (
        "câu chữ theo báo chí, chưa đối chiếu văn bản gốc",
        "wording from news reports, not checked against the legal text",
    ),
    "verification_en_only": ("số liệu chỉ thấy trong nguồn tiếng Anh", "numbers seen in English sources only"),
    "verification_partial": ("mới kiểm chứng một phần", "only partly verified"),
    "verification_no_source": ("không tìm thấy nguồn", "no source found"),
    # ---- wording fixes (issue 17) -------------------------------------------------------
    "year": ("Năm", "Year"),
    "year_n": ("Năm {year}", "{year}"),
    "year_period": ("Năm {year} – {period}", "{year} {period}"),
    "period_FY": ("cả năm", "full year"),
    "period_H1": ("6 tháng", "half-year"),
    "current_values": ("Số giá trị đang dùng (bản gửi mới nhất)", "Values in use (latest submission)"),
    "province_scope": ("toàn tỉnh", "whole province"),
    "register_cases_province": (
        "Sổ đăng ký toàn tỉnh có {n} vụ việc.",
        "The province-wide register holds {n} incidents.",
    ),
    "recommendations_placeholder": (
        "Phần kiến nghị do cán bộ phân tích viết, dựa trên các kết quả ở trên.",
        "Recommendations are written by the analyst from the results above.",
    ),
    "as_of_date": ("ngày chốt số liệu", "data cut-off date"),
    "non_gbv": ("không phải bạo lực trên cơ sở giới", "not gender-based violence"),
    "consented_only": ("chỉ các vụ việc có đồng ý chia sẻ số liệu", "only incidents with consent to share data"),
    # ---- review sentences that add to the tables (reports.review_insights) --------------
    "insight_far": (
        "«{name}» ({code}) còn thiếu {gap} so với mục tiêu năm {year} ({target}){details}.",
        "«{name}» ({code}) is {gap} short of the {year} target ({target}){details}.",
    ),
    "insight_far_above": (
        "«{name}» ({code}) còn cao hơn {gap} so với mục tiêu năm {year} ({target}){details}.",
        "«{name}» ({code}) is {gap} above the {year} target ({target}){details}.",
    ),
    "insight_pace": (
        "theo nhịp độ của xu hướng cần khoảng {needed} năm nữa, trong khi còn {left} năm",
        "at the trend's pace it needs about {needed} more years; years left: {left}",
    ),
    "insight_pace_under": (
        "theo nhịp độ của xu hướng cần chưa đến 1 năm nữa, còn {left} năm",
        "at the trend's pace it needs less than a year; years left: {left}",
    ),
    "insight_pace_over": (
        "theo nhịp độ của xu hướng cần hơn {needed} năm nữa, trong khi còn {left} năm",
        "at the trend's pace it needs more than {needed} years; years left: {left}",
    ),
    "insight_pace_wrong": (
        "xu hướng hiện tại không tiến về mục tiêu, trong khi còn {left} năm",
        "the current trend does not move towards the target; years left: {left}",
    ),
    "insight_changed": (
        "So với năm {prev_year}, «{name}» ({code}) chuyển từ «{before}» ({prev_value}) sang «{after}» "
        "({value} năm {year}) so với mục tiêu năm {target_year} ({target}).",
        "Compared with {prev_year}, «{name}» ({code}) moved from «{before}» ({prev_value}) to «{after}» "
        "({value} in {year}) against the {target_year} target ({target}).",
    ),
    "insight_unverified": (
        "Mục tiêu của {codes} chưa được kiểm chứng với văn bản gốc: kết quả so với mục tiêu cần xem lại "
        "khi đối chiếu được văn bản.",
        "The targets of {codes} are not verified against the legal text: their results must be reviewed "
        "once the text is checked.",
    ),
    "insight_national_only": (
        "Chỉ có số liệu cấp quốc gia cho {codes}: trình bày để tham khảo, không đánh giá cho địa phương.",
        "National figures only for {codes}: shown for reference, not assessed for the locality.",
    ),
    "insight_no_data": ("Chưa có số liệu: {items}.", "No data yet: {items}."),
    "insight_no_data_item": ("{code} (cơ quan báo cáo: {body})", "{code} (reporting body: {body})"),
    "insight_none": (
        "Không có chỉ tiêu nào chậm so với mục tiêu kế tiếp, đổi trạng thái hay thiếu số liệu.",
        "No indicator is behind its next target, changed status or lacks data.",
    ),
    "reports_overview": (
        "Chế độ báo cáo: {n} báo cáo định kỳ đến hạn chưa gửi, của {k} cơ quan ({bodies}).",
        "Reporting: {n} periodic reports due have not been received, from {k} bodies ({bodies}).",
    ),
    "reports_overview_top": (
        "Chế độ báo cáo: {n} báo cáo định kỳ đến hạn chưa gửi, của {k} cơ quan; thiếu nhiều nhất: {bodies}.",
        "Reporting: {n} periodic reports due have not been received, from {k} bodies; most missing: {bodies}.",
    ),
    "reports_all_received": (
        "Chế độ báo cáo: đã nhận đủ các báo cáo định kỳ đến hạn.",
        "Reporting: every periodic report due has been received.",
    ),
    "reports_body": ("{body}: trong {due} báo cáo đến hạn, {parts}.", "{body}: of {due} reports due, {parts}."),
    "reports_body_none": (
        "{body}: chưa gửi báo cáo nào trong {due} báo cáo đến hạn ({periods}).",
        "{body}: none of the {due} reports due was received ({periods}).",
    ),
    "reports_missing": ("{n} chưa gửi ({periods})", "{n} not received ({periods})"),
    "reports_late": ("{n} gửi muộn, trung bình {days} ngày", "{n} sent late, on average {days} days"),
    "reports_late_one": ("1 gửi muộn {days} ngày", "1 sent {days} days late"),
    "reports_rejected": ("{n} gửi nhưng không hợp lệ", "{n} sent but rejected"),
    "period_years_FY": ("cả năm {years}", "full year {years}"),
    "period_years_H1": ("6 tháng {years}", "half-year {years}"),
    # ---- sources -----------------------------------------------------------------------
    "source": ("Nguồn", "Source"),
    "legal_source": ("Văn bản gốc", "Legal text"),
    "secondary_source": ("Nguồn tham khảo thêm", "Secondary source"),
    "caveats": ("Lưu ý về các chỉ tiêu chưa kiểm chứng nội dung", "Indicators whose content is not verified"),
    "workbook_print_title": ("Bảng đánh giá chỉ tiêu", "Indicator scorecard"),
}

#: Attribute a rendered HTML table carries to say what its integer cells count, so the
#: disclosure scan (me_utils.render.leakscan) tells a table of reports received per body from
#: a table of GBV-derived counts by how the table was marked, not by guessing from numbers.
#: Not a visible label: it lives here because the report code that renders tables and the
#: scan both sit above core.
COUNTS_ATTR = "data-me-counts"
#: Value of :data:`COUNTS_ATTR` for a table of report counts (submissions per body and period).
COUNTS_REPORTS = "reports"

_FIELD = re.compile(r"\{[a-z_]+\}")


def label(key: str, lang: str = "vi", **fields) -> str:
    """The text of ``key`` in ``lang`` (``vi``/``en``), with ``fields`` filled in.

    Raises KeyError for an unknown key (a typo must not print an empty label).
    """
    check_lang(lang)
    vi, en = LABELS[key]
    text = vi if lang == "vi" else en
    return text.format(**fields) if fields else text


def labels(lang: str = "vi") -> dict[str, str]:
    """Every label of ``lang`` as ``key -> text`` (fields left unfilled)."""
    check_lang(lang)
    i = 0 if lang == "vi" else 1
    return {k: v[i] for k, v in LABELS.items()}


def fragments(text: str) -> list[str]:
    """The literal pieces of a label around its ``{fields}`` (empty pieces dropped)."""
    return [p.strip() for p in _FIELD.split(text) if p.strip()]


def english_only(min_len: int = 6) -> set[str]:
    """Literal pieces of the English labels that no Vietnamese label contains, at least
    ``min_len`` characters long: text a Vietnamese page must not show."""
    vi_text = "\n".join(v for v, _ in LABELS.values())
    out = set()
    for _, en in LABELS.values():
        for piece in fragments(en):
            if len(piece) >= min_len and piece not in vi_text and re.search(r"[A-Za-z]{3}", piece):
                out.add(piece)
    return out
