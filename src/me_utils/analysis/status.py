"""The one status model of an indicator × unit row: what an official can sign.

Layer: analysis. Every report (scorecard, review, narrative, workbook, index) reads the status
words from :data:`STATUS_LABELS` here and the per-row statuses from the columns this module
computes (:func:`row_status`, added to the scorecard by :mod:`me_utils.analysis.scorecard`); nothing
else defines a status word.

A row carries:

* ``result_2025`` — once 2025 is observed: ``achieved`` / ``not_achieved`` (the 2025 figure
  against the 2025 target, strictly as worded, with a 1e-9 relative tolerance for floating
  point only), with the **margin** ``d·(value − target)`` (d = +1 when more is better) and the
  margin's 95 % interval from the figure's own interval (none for a complete enumeration);
  ``pending`` while 2025 is not observed; ``no_target`` without a quantitative 2025 target;
  ``not_assessed`` for context indicators, units that ceased before the end of 2025 without a
  2025 figure, or no data.
* ``outlook`` — for the next target not yet due (2025 while 2025 is not observed, else 2030):
  a band of the model probability ``p`` of reaching it (:data:`OUTLOOK_BANDS`), so the words
  can never contradict the probability printed beside them:

  ==========================  ==================  ===============================
  p                           code                Vietnamese
  ==========================  ==================  ===============================
  p ≥ 0.8                     outlook_likely       Nhiều khả năng đạt
  0.5 ≤ p < 0.8               outlook_possible     Có thể đạt
  0.2 ≤ p < 0.5               outlook_unlikely     Ít khả năng đạt
  p < 0.2                     outlook_very_unlikely Rất ít khả năng đạt
  ==========================  ==================  ===============================

  Why these bands: 0.5 is the only neutral cut ("more likely than not"); 0.8 and 0.2 are
  symmetric about it and wide enough (0.3) to stay distinguishable given the calibration the
  benchmark measures for 3–6-point series (ECE about 0.01–0.02, ``benchmarks/README.md``); 0.8
  rather than the IPCC's 0.66 for "likely" because an official's "nhiều khả năng đạt" should need
  four-to-one odds. ``no_target`` (no quantitative target for that year), ``no_next_target``
  (the only target is already observed), ``context`` and ``not_assessed`` (with a reason) when
  no band applies.
* the UNSD, StatCan and ESCAP categories stay in their own columns (``status_unsd`` …), each
  labelled with its method's name (:func:`method_status_label`) — never as an unnamed "trend".

Rules (each with its reason, shown as a sentence in Vietnamese or English —
:func:`reason_text`):

* **Context** — national-only indicators (:data:`NATIONAL_ONLY`, or a catalogue ``scope`` of
  ``national``) are shown for information and not assessed for a province or district.
* **Minimum information** — no trend, forecast or probability from fewer than
  :data:`MIN_POINTS` (3) yearly points in the trend segment, or from a proportion whose
  denominators add up to fewer than :data:`MIN_TRIALS` (30), or a count/rate with fewer than
  :data:`MIN_EVENTS` (10) events in total. Why: with two points a line fits exactly and no
  uncertainty can be estimated; 30 trials give a Wilson interval of about ±17 points at 50 %
  and 10 events a relative standard error of about 32 % — below that a "probability" is noise.
* **Ceased units** — no forecast for a unit beyond the date it ceased to exist (``valid_to`` of
  ``data/reference/units.csv``: district-level units end on 30/06/2025).
* **Complete enumerations** — counts of a fixed, fully listed set (seats, key leaders,
  agencies, facilities, planning lists; :data:`ENUMERATIONS`, periodicity ``term``, or a
  catalogue ``enumeration`` flag) are the population itself: no sampling interval and no
  p-value; changes between periods are observed differences.
* **Structural breaks** — a denominator changing by more than :data:`BREAK_SHARE` (50 %, and by
  at least :data:`BREAK_MIN_ABS` units) between consecutive periods, or a declared break
  (:data:`DECLARED_BREAKS`: the 2025 reform of local government), splits the series; the trend
  uses only the last segment unless the break is declared comparable
  (:data:`DECLARED_COMPARABLE` or a catalogue ``comparable_breaks`` list).

Summary categories (:data:`SUMMARY_ORDER`) are one per row and are what the review counts:
the 2025 result when observed, else the 2025 outlook band, else ``no_target`` / ``context`` /
``not_assessed``; ``no_target`` is never counted as on track.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from me_utils.core import fmt
from me_utils.reference.units import load_units

# ---------------------------------------------------------------------- the one label dict
#: Every status word of every report (Vietnamese, English). Method categories, 2025 results,
#: outlook bands, summary categories and the special states.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    # 2025 result (observed)
    "achieved": ("Đã đạt mục tiêu", "Target achieved"),
    "not_achieved": ("Chưa đạt mục tiêu", "Target not achieved"),
    "pending": ("Chưa có số liệu năm 2025", "2025 not yet observed"),
    # outlook bands (probability of reaching the next target)
    "outlook_likely": ("Nhiều khả năng đạt", "Likely to be reached"),
    "outlook_possible": ("Có thể đạt", "Could be reached"),
    "outlook_unlikely": ("Ít khả năng đạt", "Unlikely to be reached"),
    "outlook_very_unlikely": ("Rất ít khả năng đạt", "Very unlikely to be reached"),
    "no_next_target": ("Không còn mục tiêu sau năm 2025", "No target after 2025"),
    # special states
    "no_target": ("Chưa có mục tiêu định lượng", "No quantitative target"),
    "context": (
        "Chỉ tiêu bối cảnh quốc gia (không đánh giá cho địa phương)",
        "National context indicator (not assessed for a locality)",
    ),
    "not_assessed": ("Không đủ thông tin để đánh giá", "Not enough information to assess"),
    "no_data": ("Chưa có số liệu", "No data"),
    "insufficient_data": ("Không đủ số liệu", "Insufficient data"),
    "not_computable": ("Không tính được (giá trị 0 hoặc âm)", "Not computable (zero or negative value)"),
    "term_indicator": ("Chỉ tiêu theo nhiệm kỳ: so sánh giữa các nhiệm kỳ", "Term indicator: compare terms"),
    "suppressed": ("Ẩn vì số nhỏ, để bảo vệ người bị hại", "Hidden: small counts, to protect survivors"),
    # UNSD 2023 categories
    "on_track": ("Đúng lộ trình", "On track"),
    "achieved_bound": (
        "Coi như đạt (cách mục tiêu 0%/100% không quá 1 điểm %)",
        "Treated as achieved (within 1 point of a 0%/100% target)",
    ),
    "acceleration_needed": ("Có tiến bộ, cần đẩy nhanh", "Progress made, acceleration needed"),
    "stagnation_regression": ("Trì trệ hoặc thụt lùi", "Stagnation or regression"),
    # Statistics Canada categories
    "limited_progress": ("Tiến bộ hạn chế", "Limited progress"),
    "deterioration": ("Xấu đi", "Deterioration"),
    # ESCAP categories
    "maintain": ("Duy trì tiến độ để đạt mục tiêu", "Maintain progress to achieve target"),
    "accelerate": ("Cần đẩy nhanh tiến độ", "Accelerate progress to achieve target"),
    "reverse": ("Cần đảo ngược xu hướng", "Reverse trend to achieve target"),
}

#: Method names as shown beside each method's category.
METHOD_SHORT = {
    "unsd": ("UNSD 2023", "UNSD 2023"),
    "statcan": ("Thống kê Canada", "Statistics Canada"),
    "escap": ("ESCAP", "ESCAP"),
}

#: One category per row, in the order the review lists them.
SUMMARY_ORDER = (
    "achieved",
    "not_achieved",
    "outlook_likely",
    "outlook_possible",
    "outlook_unlikely",
    "outlook_very_unlikely",
    "no_target",
    "context",
    "not_assessed",
    "suppressed",
)

#: How the summary sentence words each category (vi, en); 2025-specific.
SUMMARY_PHRASES = {
    "achieved": ("đã đạt mục tiêu năm 2025", "achieved the 2025 target"),
    "not_achieved": ("chưa đạt mục tiêu năm 2025", "did not achieve the 2025 target"),
    "outlook_likely": ("chưa có số liệu năm 2025, nhiều khả năng đạt", "await 2025 data and are likely to reach it"),
    "outlook_possible": ("chưa có số liệu năm 2025, có thể đạt", "await 2025 data and could reach it"),
    "outlook_unlikely": ("chưa có số liệu năm 2025, ít khả năng đạt", "await 2025 data and are unlikely to reach it"),
    "outlook_very_unlikely": (
        "chưa có số liệu năm 2025, rất ít khả năng đạt",
        "await 2025 data and are very unlikely to reach it",
    ),
    "no_target": ("chưa có mục tiêu định lượng cho năm 2025", "have no quantitative 2025 target"),
    "context": (
        "là chỉ tiêu bối cảnh quốc gia, không đánh giá cho địa phương",
        "are national context indicators, not assessed for a locality",
    ),
    "not_assessed": ("không đủ thông tin để đánh giá", "lack the information to be assessed"),
    "suppressed": ("bị ẩn vì số nhỏ (bảo vệ người bị hại)", "are hidden for small counts (to protect survivors)"),
}
#: The English phrase after a count of one ("1 is hidden", not "1 are hidden"); Vietnamese
#: verbs do not agree in number.
SUMMARY_PHRASES_EN_ONE = {
    "achieved": "achieved the 2025 target",
    "not_achieved": "did not achieve the 2025 target",
    "outlook_likely": "awaits 2025 data and is likely to reach it",
    "outlook_possible": "awaits 2025 data and could reach it",
    "outlook_unlikely": "awaits 2025 data and is unlikely to reach it",
    "outlook_very_unlikely": "awaits 2025 data and is very unlikely to reach it",
    "no_target": "has no quantitative 2025 target",
    "context": "is a national context indicator, not assessed for a locality",
    "not_assessed": "lacks the information to be assessed",
    "suppressed": "is hidden for small counts (to protect survivors)",
}

# ---------------------------------------------------------------------- thresholds and rules
#: Outlook bands: (lower bound of p, code), highest first. Boundaries belong to the upper band.
OUTLOOK_BANDS = (
    (0.8, "outlook_likely"),
    (0.5, "outlook_possible"),
    (0.2, "outlook_unlikely"),
    (0.0, "outlook_very_unlikely"),
)
#: Tolerance of every threshold comparison (absolute on probabilities, relative on values).
TOL = 1e-9
MIN_POINTS = 3
MIN_TRIALS = 30
MIN_EVENTS = 10
BREAK_SHARE = 0.5
BREAK_MIN_ABS = 10
#: Indicators whose figure exists only for the country (scope national): context for a locality.
NATIONAL_ONLY = frozenset({"M4.C3", "DV.2"})
#: Complete enumerations of a fixed, fully listed set (the figure is the population itself).
ENUMERATIONS = frozenset({"M1.C1", "L.1", "L.2", "L.3", "L.4", "M3.C4", "M4.C3", "TT.2", "TT.4", "TT.5", "DV.2"})
#: Declared structural breaks: code → {year: reason code}. The 2025 reform (Resolution
#: 202/2025/QH15; two-tier local government from 1/7/2025) abolished the district level, so the
#: sets of agencies and local governments counted change in 2025.
DECLARED_BREAKS = {
    "M1.C1": {2025: "break_reform_2025"},
    "L.1": {2025: "break_reform_2025"},
    "TT.2": {2025: "break_reform_2025"},
}
#: Breaks declared comparable (no split): code → set of years.
DECLARED_COMPARABLE: dict[str, frozenset] = {}

#: Reasons shown beside a status (vi, en). ``{…}`` fields are filled by :func:`reason_text`.
REASONS = {
    "context": (
        "Chỉ tiêu chỉ có ý nghĩa ở cấp quốc gia (ví dụ tỷ lệ tỉnh, thành phố): trình bày để tham khảo, "
        "không đánh giá cho một địa phương.",
        "The indicator is meaningful only for the country (e.g. a share of provinces): shown for "
        "reference, not assessed for one locality.",
    ),
    "no_data": ("Chưa có số liệu.", "No data."),
    "few_points": (
        "Chỉ có {n} điểm số liệu trong đoạn chuỗi dùng cho xu hướng (cần ít nhất {min}): không ước "
        "lượng xu hướng, dự báo hay xác suất.",
        "Only {n} data points in the series segment used for the trend (at least {min} needed): no "
        "trend, forecast or probability.",
    ),
    "few_trials": (
        "Tổng mẫu số của chuỗi chỉ là {n} (cần ít nhất {min}): quá ít để ước lượng xu hướng.",
        "The denominators add up to only {n} (at least {min} needed): too few to estimate a trend.",
    ),
    "few_events": (
        "Tổng số sự kiện của chuỗi chỉ là {n} (cần ít nhất {min}): quá ít để ước lượng xu hướng.",
        "Only {n} events in the whole series (at least {min} needed): too few to estimate a trend.",
    ),
    "ceased": (
        "Đơn vị chấm dứt hoạt động từ ngày {date}: không dự báo sau ngày này.",
        "The unit ceased to exist after {date}: no forecast beyond that date.",
    ),
    "break": (
        "Chuỗi bị gián đoạn năm {year} ({why}): xu hướng chỉ dùng số liệu từ năm {year}.",
        "The series breaks in {year} ({why}): the trend uses data from {year} only.",
    ),
    "break_reform_2025": (
        "sắp xếp chính quyền địa phương hai cấp năm 2025",
        "the 2025 two-tier local-government reform",
    ),
    "break_denominator": ("mẫu số thay đổi hơn {share}", "the denominator changed by more than {share}"),
    "enumeration": (
        "Số liệu là kiểm đếm toàn bộ (không phải mẫu): không có khoảng tin cậy hay kiểm định thống kê; "
        "thay đổi giữa các kỳ là chênh lệch quan sát được.",
        "The figure is a complete count (not a sample): no confidence interval or significance "
        "test; changes between periods are observed differences.",
    ),
    "no_target": (
        "Chưa có mục tiêu định lượng: không tính là đúng lộ trình.",
        "No quantitative target: never counted as on track.",
    ),
    "no_next_target": (
        "Mục tiêu duy nhất là năm 2025 và đã có số liệu năm 2025.",
        "The only target is for 2025 and 2025 is observed.",
    ),
    "model_failed": ("Không ước lượng được mô hình xu hướng.", "The trend model could not be fitted."),
    "no_2025_figure": ("Chưa có số liệu cả năm 2025.", "No full-year 2025 figure."),
    "suppressed": (
        "Số liệu của đơn vị này có số nhỏ (1–4) nên bị ẩn để bảo vệ người bị hại; không trình bày giá "
        "trị, khoảng tin cậy, xu hướng hay xác suất. Xem xu hướng ở cấp tỉnh.",
        "This unit's figures include small counts (1–4) and are hidden to protect survivors: no value, "
        "interval, trend or probability is shown. See the province-level trend.",
    ),
    "binary": (
        "Chỉ tiêu có/không: chỉ ghi đạt hay chưa, không dự báo.",
        "Yes/no indicator: scored met or not, never forecast.",
    ),
}


# ---------------------------------------------------------------------- labels
def status_label(code, lang: str = "vi") -> str:
    """Label of a status code in ``lang`` (``'achieved'`` → ``'Đã đạt mục tiêu'``); a missing
    code reads as "no data", an unknown one is returned as it is."""
    if code is None or (isinstance(code, float) and math.isnan(code)) or code == "":
        code = "no_data"
    vi, en = STATUS_LABELS.get(str(code), (str(code), str(code)))
    return fmt.pick(lang, vi, en)


def method_status_label(method: str, code, lang: str = "vi") -> str:
    """A method's category named for its method: ``'UNSD 2023: Đúng lộ trình'``."""
    vi, en = METHOD_SHORT.get(method, (method.upper(), method.upper()))
    return f"{fmt.pick(lang, vi, en)}: {status_label(code, lang)}"


def reason_text(codes, lang: str = "vi", **fields) -> str:
    """Sentences for reason codes (a list, or a string joined by ``"; "``); a code may carry
    ``key=value`` fields after ``|`` (``"few_points|n=2|min=3"``)."""
    if isinstance(codes, str):
        codes = [c for c in codes.split("; ") if c]
    out = []
    for c in codes or []:
        key, *kv = str(c).split("|")
        f = dict(fields)
        f.update(dict(x.split("=", 1) for x in kv if "=" in x))
        if key == "break" and f.get("why") in REASONS:
            f["why"] = fmt.pick(lang, *REASONS[f["why"]])
            if "{share}" in f["why"]:
                f["why"] = f["why"].format(share=fmt.fmt_pct(BREAK_SHARE * 100, 0, lang))
        if key == "ceased" and "date" in f:
            try:
                f["date"] = fmt.fmt_date(_dt.date.fromisoformat(f["date"]), lang)
            except (ValueError, TypeError):
                pass
        vi, en = REASONS.get(key, (key, key))
        text = fmt.pick(lang, vi, en)
        try:
            text = text.format(**f)
        except (KeyError, IndexError):
            pass
        out.append(text)
    return " ".join(out)


# ---------------------------------------------------------------------- rules
def outlook_band(p) -> str:
    """Band code of a probability (see :data:`OUTLOOK_BANDS`); ``not_assessed`` for NaN."""
    if p is None or not np.isfinite(p):
        return "not_assessed"
    for lo, code in OUTLOOK_BANDS:
        if p >= lo - TOL:
            return code
    return OUTLOOK_BANDS[-1][1]


def is_context(ind, unit: str | None = None) -> bool:
    """True for a national-only indicator (context, not assessed for a locality)."""
    return getattr(ind, "code", None) in NATIONAL_ONLY or str(getattr(ind, "scope", "") or "").lower() == "national"


def is_enumeration(ind) -> bool:
    """True when the indicator counts a complete, fully listed set (no sampling error)."""
    return (
        getattr(ind, "code", None) in ENUMERATIONS
        or getattr(ind, "periodicity", "") == "term"
        or bool(getattr(ind, "enumeration", False))
    )


@lru_cache(maxsize=4)
def _unit_ends(path: str | None = None) -> dict:

    try:
        u = load_units(path)
    except Exception:  # noqa: BLE001 - without the units file, no unit is known to have ceased
        return {}
    return {c: u[c].valid_to for c in u.codes()}


def unit_end(unit: str, units_path: str | None = None) -> _dt.date | None:
    """Last day a unit existed (``valid_to``), or None if it still exists or is unknown."""
    return _unit_ends(units_path).get(unit)


def last_forecast_year(unit: str, units_path: str | None = None) -> float:
    """Last calendar year whose full-year figure a unit can have: the year of ``valid_to`` if
    the unit existed on 31 December of it, else the year before; ``inf`` for a living unit."""
    end = unit_end(unit, units_path)
    if end is None:
        return math.inf
    return float(end.year if (end.month, end.day) == (12, 31) else end.year - 1)


def enough_information(kind: str, years, numerators=None, denominators=None) -> tuple[bool, str]:
    """Minimum-information rule for a trend segment.

    Inputs: indicator ``kind``; the segment's years and, when known, numerators/denominators.
    Output: ``(ok, reason)`` — reason a code for :func:`reason_text` (``few_points|n=…|min=…``,
    ``few_trials|…``, ``few_events|…``) or ``""``.
    """
    t = np.asarray(years, dtype=float)
    n = int(len(np.unique(t[np.isfinite(t)])))
    if n < MIN_POINTS:
        return False, f"few_points|n={n}|min={MIN_POINTS}"
    num = None if numerators is None else np.asarray(numerators, dtype=float)
    den = None if denominators is None else np.asarray(denominators, dtype=float)
    have_num = num is not None and len(num) == len(t) and np.all(np.isfinite(num))
    have_den = den is not None and len(den) == len(t) and np.all(np.isfinite(den))
    if kind == "proportion" and have_num and have_den:
        total = float(den.sum())
        if total < MIN_TRIALS:
            return False, f"few_trials|n={total:g}|min={MIN_TRIALS}"
    elif kind in ("rate", "ratio", "count") and have_num:
        total = float(num.sum())
        if total < MIN_EVENTS:
            return False, f"few_events|n={total:g}|min={MIN_EVENTS}"
    return True, ""


def detect_breaks(code: str, years, denominators=None, ind=None) -> list[tuple[int, str]]:
    """Structural breaks of a series: ``[(first year of the new segment, reason code), …]``.

    Declared breaks (:data:`DECLARED_BREAKS`, a catalogue ``break_years`` list) and detected
    ones: ``|n_t − n_{t−1}| > BREAK_SHARE · n_{t−1}`` and ``≥ BREAK_MIN_ABS`` between consecutive
    observed periods. Breaks declared comparable (:data:`DECLARED_COMPARABLE`, a catalogue
    ``comparable_breaks`` list) are dropped. Only breaks inside the observed years count.
    """
    t = np.asarray(years, dtype=float)
    if len(t) == 0:
        return []
    out: dict[int, str] = {}
    declared = dict(DECLARED_BREAKS.get(code, {}))
    for y in getattr(ind, "break_years", ()) or ():
        declared.setdefault(int(y), "break_reform_2025")
    for y, why in declared.items():
        if t.min() < y <= t.max():
            out[int(y)] = why
    if denominators is not None:
        d = np.asarray(denominators, dtype=float)
        for i in range(1, len(t)):
            a, b = d[i - 1], d[i]
            if (
                np.isfinite(a)
                and np.isfinite(b)
                and a > 0
                and abs(b - a) > BREAK_SHARE * a + TOL
                and abs(b - a) >= BREAK_MIN_ABS
            ):
                out.setdefault(int(t[i]), "break_denominator")
    comparable = set(DECLARED_COMPARABLE.get(code, ())) | {
        int(y) for y in (getattr(ind, "comparable_breaks", ()) or ())
    }
    return sorted((y, w) for y, w in out.items() if y not in comparable)


def last_segment(years, breaks) -> np.ndarray:
    """Boolean mask of the points at or after the last break year (all True without breaks)."""
    t = np.asarray(years, dtype=float)
    if not breaks:
        return np.ones(len(t), dtype=bool)
    return t >= max(y for y, _ in breaks)


def margin(value, target, direction: str) -> float:
    """Signed margin to a target in indicator units: ``d·(value − target)``, d = +1 when more is
    better (increase/reach), −1 otherwise; ≥ 0 means met (non-strict target)."""
    if value is None or target is None or not np.isfinite(value) or not np.isfinite(target):
        return float("nan")
    d = 1.0 if direction in ("increase", "reach") else -1.0
    return d * (float(value) - float(target))


def meets(value, target, direction: str, comparator: str | None = None) -> bool:
    """Does ``value`` meet ``target``? ≥ (≤ for decrease/cap), strict for ``>``/``<`` comparators;
    a relative :data:`TOL` absorbs floating-point noise only (99.2 never meets 100)."""
    if value is None or target is None or not np.isfinite(value) or not np.isfinite(target):
        return False
    eps = TOL * max(1.0, abs(target))
    if comparator == ">":
        return value > target + eps
    if comparator == "<":
        return value < target - eps
    return value >= target - eps if direction in ("increase", "reach") else value <= target + eps


# ---------------------------------------------------------------------- the status object
@dataclass
class RowStatus:
    """Status of one indicator × unit row (see the module docstring for every field's rule).

    Margins in indicator units (positive = beyond the target); probabilities in [0, 1].
    ``reasons`` are codes for :func:`reason_text`.
    """

    result_2025: str = "not_assessed"
    margin_2025: float = float("nan")
    margin_2025_low: float = float("nan")
    margin_2025_high: float = float("nan")
    outlook: str = "not_assessed"
    outlook_year: float = float("nan")
    outlook_prob: float = float("nan")
    summary: str = "not_assessed"
    scope: str = "assessed"  # or "context"
    enumeration: bool = False
    reasons: list = field(default_factory=list)

    def reason(self, lang: str = "vi") -> str:
        return reason_text(self.reasons, lang)


def row_status(
    *,
    direction: str,
    target_2025,
    target_2030,
    comparators: dict | None,
    years,
    values,
    ci_2025=(float("nan"), float("nan")),
    prob: dict | None = None,
    context: bool = False,
    enumeration: bool = False,
    info_reasons=(),
    forecast_limit: float = math.inf,
    binary: bool = False,
) -> RowStatus:
    """Compute the :class:`RowStatus` of one row from plain values.

    Inputs: ``direction``; applicable targets for 2025/2030 (None = none) and ``comparators``
    ({2025: ">", …}); the observed annual ``years``/``values`` (indicator units); ``ci_2025`` the
    95 % interval of the 2025 figure (indicator units; ignored for enumerations); ``prob``
    {year: model probability of reaching that year's target} (NaN/absent = none, e.g. when the
    minimum-information rule refused a forecast); ``context``, ``enumeration`` flags;
    ``info_reasons`` reason codes already found (minimum information, breaks, ceased unit);
    ``forecast_limit`` the last year a forecast may target (unit end); ``binary`` for yes/no
    indicators (never forecast).
    """
    st = RowStatus(enumeration=bool(enumeration))
    comparators = comparators or {}
    prob = prob or {}
    t = np.asarray(years, dtype=float)
    v = np.asarray(values, dtype=float)
    ok = np.isfinite(t) & np.isfinite(v)
    t, v = t[ok], v[ok]
    reasons = list(info_reasons)
    if enumeration:
        reasons.append("enumeration")
    if context:
        st.scope, st.result_2025, st.outlook, st.summary = "context", "not_assessed", "context", "context"
        st.reasons = ["context"]
        return st
    if len(t) == 0:
        st.reasons = ["no_data"]
        st.result_2025 = "no_target" if target_2025 is None else "not_assessed"
        st.summary = "no_target" if target_2025 is None else "not_assessed"
        st.outlook = "no_target" if target_2025 is None and target_2030 is None else "not_assessed"
        return st
    # ---- 2025 result
    observed_2025 = bool((t == 2025).any())
    if target_2025 is None:
        st.result_2025 = "no_target"
    elif observed_2025:
        v25 = float(v[t == 2025][-1])
        st.result_2025 = "achieved" if meets(v25, target_2025, direction, comparators.get(2025)) else "not_achieved"
        st.margin_2025 = margin(v25, target_2025, direction)
        lo, hi = ci_2025
        if not enumeration and np.isfinite(lo) and np.isfinite(hi):
            m1, m2 = margin(lo, target_2025, direction), margin(hi, target_2025, direction)
            st.margin_2025_low, st.margin_2025_high = min(m1, m2), max(m1, m2)
    elif forecast_limit < 2025:
        st.result_2025 = "not_assessed"
        reasons.append("no_2025_figure")
    else:
        st.result_2025 = "pending"
    # ---- outlook for the next target not yet due
    latest = float(t.max())
    nxt = None
    for yr, tv in ((2025, target_2025), (2030, target_2030)):
        if tv is not None and yr > latest:
            nxt = yr
            break
    if nxt is None:
        if target_2025 is None and target_2030 is None:
            st.outlook = "no_target"
            reasons.append("no_target")
        else:
            st.outlook = "no_next_target"
            if target_2030 is None:
                reasons.append("no_next_target")
    elif nxt > forecast_limit:
        st.outlook, st.outlook_year = "not_assessed", float(nxt)
    elif binary:
        st.outlook, st.outlook_year = "not_assessed", float(nxt)
        reasons.append("binary")
    else:
        st.outlook_year = float(nxt)
        p = prob.get(nxt, float("nan"))
        p = float(p) if p is not None else float("nan")
        st.outlook_prob = p
        st.outlook = outlook_band(p)
    # ---- the one summary category (2025-focused)
    if st.result_2025 in ("achieved", "not_achieved", "no_target", "not_assessed"):
        st.summary = st.result_2025
    elif st.outlook_year == 2025 and st.outlook.startswith("outlook_"):
        st.summary = st.outlook
    else:
        st.summary = "not_assessed"
    st.reasons = list(dict.fromkeys(reasons))
    return st


__all__ = [
    "STATUS_LABELS",
    "SUMMARY_ORDER",
    "SUMMARY_PHRASES",
    "SUMMARY_PHRASES_EN_ONE",
    "OUTLOOK_BANDS",
    "MIN_POINTS",
    "MIN_TRIALS",
    "MIN_EVENTS",
    "BREAK_SHARE",
    "BREAK_MIN_ABS",
    "NATIONAL_ONLY",
    "ENUMERATIONS",
    "DECLARED_BREAKS",
    "RowStatus",
    "row_status",
    "status_label",
    "method_status_label",
    "reason_text",
    "outlook_band",
    "enough_information",
    "detect_breaks",
    "last_segment",
    "is_context",
    "is_enumeration",
    "unit_end",
    "last_forecast_year",
    "margin",
    "meets",
]
