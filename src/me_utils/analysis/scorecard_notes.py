"""What the scorecard says about a row beyond its status: the note codes of the ``note``
column (:func:`note_codes`) and their Vietnamese/English text (:data:`NOTE_TEXT`,
:func:`note_text`), and the numbers behind the three methods' statuses (:data:`DETAIL_COLUMNS`,
:func:`detail_row`).
"""

from __future__ import annotations

#: Note codes used in the ``note`` column and their text (vi, en).
NOTE_TEXT = {
    "target_unverified": (
        "⚠ mục tiêu chưa được kiểm chứng với văn bản gốc",
        "⚠ target not verified against the official text",
    ),
    "no_target": ("chưa có mục tiêu định lượng", "no numeric target"),
    "base_shifted": (
        "năm gốc là năm đầu tiên có số liệu (muộn hơn năm đầu giai đoạn)",
        "base year is the first year with data (later than the period start)",
    ),
    "one_point": (
        "chỉ có một điểm số liệu: không ước lượng được xu hướng",
        "one data point: no trend can be estimated",
    ),
    "two_points": (
        "hai điểm số liệu: đường thẳng đi qua cả hai, không có khoảng dự báo",
        "two data points: the line passes through both, no prediction interval",
    ),
    "term_no_trend": (
        "chỉ tiêu theo nhiệm kỳ bầu cử: không ước lượng xu hướng trong nhiệm kỳ, "
        "so sánh giữa các nhiệm kỳ ở báo cáo lãnh đạo",
        "election-term indicator: no within-term trend; terms are compared in the leadership report",
    ),
    "target_year_observed": ("đã có số liệu của năm mục tiêu", "the target year is already observed"),
    "target_2025_missed": ("chưa đạt mục tiêu năm 2025", "the 2025 target was not met"),
    "assessed_against_2030": (
        "đã có số liệu năm 2025 nên xu hướng được đánh giá so với mục tiêu 2030",
        "2025 is observed, so the trend is assessed against the 2030 target",
    ),
    "zero_not_computable": (
        "giá trị 0: tốc độ tăng trưởng kép không xác định, UNSD/Thống kê Canada không tính",
        "a zero value: compound growth undefined, UNSD/Statistics Canada not computed",
    ),
    "overdispersed": (
        "phân tán quá mức: phương sai nhị thức-beta/nhị thức âm (ước lượng gộp)",
        "overdispersed: beta-binomial/negative-binomial variance (pooled estimate)",
    ),
    "boundary_correction": (
        "số liệu ở 0% hoặc 100% (độ dốc không ước lượng được): hiệu chỉnh ½",
        "values at 0% or 100% (slope not estimable): ½ correction",
    ),
    "half_year_ignored": ("số liệu 6 tháng không đưa vào xu hướng", "half-year figures not used in the trend"),
    "model_failed": ("không ước lượng được mô hình", "the model could not be fitted"),
    "binary": ("chỉ tiêu có/không: chỉ đánh giá đạt hay chưa", "yes/no indicator: scored achieved or not"),
}


def note_text(note: str, lang: str = "vi") -> str:
    """Translate a ``note`` cell (codes joined by ``"; "``) into sentences of ``lang``."""
    if not isinstance(note, str) or not note:
        return ""
    out = []
    for code in note.split("; "):
        vi, en = NOTE_TEXT.get(code, (code, code))
        out.append(vi if lang == "vi" else en)
    return "; ".join(out)


def note_codes(item) -> list[str]:
    """Note codes of one scorecard item (dict of :func:`~me_utils.analysis.scorecard.assess_unit`)."""
    ind, a = item["indicator"], item["assessment"]
    codes = []
    if not getattr(ind, "verified", True):
        codes.append("target_unverified")
    if a.target is None:
        codes.append("no_target")
    for n in a.notes:
        key = n.split(":")[0]
        if key in NOTE_TEXT and key not in codes:
            codes.append(key)
    if a.fit is not None:
        if a.fit.df_resid == 0 and not a.fit.is_glm:
            codes.append("two_points")
        if a.fit.rho > 0 or a.fit.alpha > 0 or a.fit.model == "negbin_glm":
            codes.append("overdispersed")
        if any("½" in n for n in a.fit.notes):
            codes.append("boundary_correction")
    if any(r.status == "not_computable" for r in a.results.values()):
        codes.append("zero_not_computable")
    if ind.kind == "binary" and a.n_points:
        codes.append("binary")
    if item["half_year"]:
        codes.append("half_year_ignored")
    return codes


DETAIL_COLUMNS = [
    "unsd_r",
    "unsd_projected",
    "statcan_R",
    "cagr_observed",
    "cagr_required",
    "escap_csi",
    "escap_expected",
    "escap_csi_status",
    "escap_G",
    "escap_projected",
    "pearson_ratio",
]


def detail_row(a) -> dict:
    """Numbers behind the statuses of one :class:`~me_utils.analysis.assess.Assessment`."""
    nan = float("nan")
    r = a.results
    u, s, e = r.get("unsd"), r.get("statcan"), r.get("escap")
    return {
        "unsd_r": float(u.metric) if u else nan,
        "unsd_projected": float(u.details.get("projected", nan)) if u else nan,
        "statcan_R": float(s.metric) if s else nan,
        "cagr_observed": float(s.details.get("cagr", nan)) if s else nan,
        "cagr_required": float(s.details.get("cagr_required", nan)) if s else nan,
        "escap_csi": float(e.details.get("csi", nan)) if e else nan,
        "escap_expected": float(e.details.get("expected", nan)) if e else nan,
        "escap_csi_status": e.details.get("csi_status", "") if e else "",
        "escap_G": float(e.metric) if e else nan,
        "escap_projected": float(e.details.get("projected", nan)) if e else nan,
        "pearson_ratio": float(a.fit.pearson_ratio) if a.fit is not None else nan,
    }
