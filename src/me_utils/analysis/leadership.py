"""Women's participation in leadership, term-aware (issue 6).

What this module computes (figures and report sections are in :mod:`me_utils.reports.leadership_report`):

- women's share of People's Council (HĐND) deputies by level (province, district, commune)
  and election term, and the ethnic-minority women's share;
- the change between two terms as an observed difference: women deputies gained or lost and
  the change of their share in percentage points;
- the share of agencies/local governments with a woman among key leaders (M1.C1 = 2282 L.1)
  by year, women in the cadre planning pool (L.2) and the share of them trained (L.3), with the
  2025/2030 targets;
- a funnel comparison of district-level units against the pooled provincial share, as a
  reference band of binomial variation (see :func:`council_funnel`).

Council seats, key leaders and the planning pool are complete counts of a fully listed set,
not samples (:func:`me_utils.analysis.status.is_enumeration`): no sampling interval, significance test
or p-value is computed for them, and a change between terms or years is the observed
difference (:func:`enumeration_note` gives the reason, from ``status.REASONS``).

Council composition is fixed by an election for a five-year term, so a yearly trend inside a
term is meaningless: :func:`council_trend` (and :func:`trend_or_refusal` for any indicator
with ``periodicity='term'``) returns an explicit :class:`NotApplicable` answer instead.

Inputs follow docs/CONTRACTS.md "Leadership schemas". Real published figures are read from
``data/reference/leadership_reference.csv`` (with their source) and are never mixed into the
generated data: they are returned separately and drawn as comparison lines.

The work is split by what changes together, and this module re-exports the public names of
the parts so that callers keep using ``me_utils.analysis.leadership``:
:mod:`me_utils.analysis.leadership_data` (reading and checking the tables, the published
figures), :mod:`me_utils.analysis.leadership_terms` (terms, council shares, term changes, the
trend refusal) and :mod:`me_utils.analysis.leadership_yearly` (yearly series, targets,
assessment). The notes and assumptions, the council funnel and the unit sentences are here.
"""

from __future__ import annotations

import pandas as pd

from me_utils.analysis import status
from me_utils.analysis.funnel import funnel_table
from me_utils.analysis.leadership_data import (  # noqa: F401 (re-exported)
    COUNCIL_COLUMNS,
    DISTRICT_LEVEL_END,
    ELECTION_DAYS,
    FIRST_TWO_TIER_TERM_START,
    KEY_LEADER_COLUMNS,
    LEVELS,
    POOL_COLUMNS,
    PROVINCE,
    REFERENCE_COLUMNS,
    REFERENCE_FILE,
    TERMS,
    VERIFICATION_TAGS,
    LeadershipData,
    LeadershipDataError,
    LeadershipReferenceError,
    load_leadership,
    load_reference,
    read_councils,
    read_key_leaders,
    read_planning_pool,
    read_table,
    reference_council_shares,
)
from me_utils.analysis.leadership_terms import (  # noqa: F401 (re-exported)
    LEVEL_NAMES,
    NotApplicable,
    TermChange,
    compare_terms,
    council_shares,
    council_trend,
    fmt_change,
    level_label,
    parse_term,
    term_changes,
    term_label,
    term_of_year,
    trend_or_refusal,
    with_share,
)
from me_utils.analysis.leadership_yearly import (  # noqa: F401 (re-exported)
    FALLBACK_TARGETS,
    KEY_LEADER_CODES,
    POOL_CODE,
    TRAINED_CODE,
    YEARLY_SERIES,
    Targets,
    YearlySeries,
    assess_yearly,
    indicator_targets,
    key_leader_shares,
    planning_pool_shares,
    target_gaps,
    yearly_series,
)
from me_utils.core import fmt, paths  # noqa: F401 (paths re-exported)
from me_utils.intake import leadership_schema as _schema
from me_utils.reference.units import load_units


def districts() -> tuple[str, ...]:
    """District-level unit codes, from the units reference (``units.csv``), in file order."""
    return _schema.reference_units()[1]


def __getattr__(name: str):
    # ``DISTRICTS`` used to be typed here; it now comes from the units reference (read when
    # asked, so an edited units.csv is seen). Kept as a module attribute for old callers.
    if name == "DISTRICTS":
        return districts()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: What the complete-count rule covers here (the rule's own sentence is ``status.REASONS``).
ENUMERATED_VI = "Áp dụng cho số ghế HĐND, lãnh đạo chủ chốt (M1.C1, L.1) và quy hoạch cán bộ (L.2, L.3)."
ENUMERATED_EN = "This applies to People's Council seats, key leaders (M1.C1, L.1) and the planning pool (L.2, L.3)."


def enumeration_note(lang: str = "vi") -> str:
    """Why a leadership figure has no interval or test: the status model's ``enumeration``
    reason (one sentence, shared with the scorecard), in the report language."""
    return status.reason_text(["enumeration"], lang)


#: Why the council funnel is kept although seats are counted in full (shown in the method note
#: and under each funnel).
FUNNEL_REFERENCE = (
    "Biểu đồ phễu chỉ là dải tham chiếu: các đường giới hạn cho biết tỷ lệ nữ của một HĐND có số ghế như vậy "
    "dao động trong khoảng nào nếu mọi huyện có cùng tỷ lệ chung (mô hình nhị thức). HĐND càng ít ghế thì tỷ lệ "
    "càng dao động mạnh (một ghế trong 30 ghế là 3,3 điểm phần trăm), nên dải này giúp không đọc quá mức chênh "
    "lệch của HĐND nhỏ. Vị trí ngoài dải không phải là kết luận thống kê về một khác biệt, chỉ là gợi ý cần xem "
    "xét thêm.",
    "The funnel plot is a reference band only: its limits show how far the women's share of a council of that "
    "size would vary if every district had the same pooled share (binomial model). The fewer the seats, the more "
    "the share moves (one seat in 30 is 3.3 percentage points), so the band keeps a small council's gap from "
    "being over-read. A unit outside the band is not a statistical finding about a difference, only a prompt to "
    "look closer.",
)


#: Assumptions of the analysis, shown in the report's method note.
ASSUMPTIONS = {
    "vi": [
        "Tỷ lệ nữ đại biểu HĐND được tính theo nhiệm kỳ; không ước lượng xu hướng theo năm trong "
        "một nhiệm kỳ vì cơ cấu HĐND do bầu cử quyết định cho cả nhiệm kỳ.",
        f"{enumeration_note('vi')} {ENUMERATED_VI}",
        "So sánh giữa hai nhiệm kỳ: số đại biểu nữ tăng/giảm và chênh lệch tỷ lệ nữ (nhiệm kỳ sau trừ "
        "nhiệm kỳ trước, điểm phần trăm).",
        FUNNEL_REFERENCE[0],
        "Cấp xã được gộp theo huyện; cấp tỉnh (toàn tỉnh) là tổng các đơn vị.",
        "HĐND cấp huyện chấm dứt hoạt động từ 01/7/2025; chuỗi cấp huyện dừng ở nhiệm kỳ 2021–2026 "
        "và chỉ dùng làm mốc lịch sử. Các xã được sắp xếp lại năm 2025 nên so sánh cấp xã theo "
        "huyện không tiếp nối sang nhiệm kỳ 2026–2031.",
        "Chỉ tiêu lãnh đạo chủ chốt nữ (M1.C1/L.1) và quy hoạch cán bộ nữ (L.2, L.3) là chỉ tiêu "
        "năm, đánh giá bằng ba phương pháp (UNSD, StatCan, ESCAP) và mô hình GLM nhị thức theo năm. "
        "Khoảng dự báo và xác suất đạt mục tiêu nói về các năm chưa đến (dao động từ năm này sang năm "
        "khác), không phải sai số của số đã đếm. "
        "Dùng số liệu năm Sở Nội vụ đã gửi (observations.csv) khi có; nếu không, dùng bảng chi tiết "
        "(toàn tỉnh là tổng các dòng trong năm) và nêu rõ năm nào hai nguồn khác nhau.",
        "Số liệu công bố chính thức (có nguồn) chỉ được vẽ làm đường so sánh, không trộn vào dữ liệu.",
    ],
    "en": [
        "Women's share of People's Council deputies is computed per election term; no yearly "
        "trend is fitted inside a term because an election fixes a council's composition for the "
        "whole term.",
        f"{enumeration_note('en')} {ENUMERATED_EN}",
        "Term-to-term comparison: women deputies gained or lost and the change of women's share "
        "(later term minus earlier, percentage points).",
        FUNNEL_REFERENCE[1],
        "Commune councils are aggregated per district; the province total is the sum of units.",
        "District People's Councils ceased on 1 July 2025; the district series ends with the "
        "2021–2026 term and is a historical baseline only. Communes were merged in 2025, so "
        "commune figures by district do not continue into the 2026–2031 term.",
        "Women key leaders (M1.C1/L.1) and women in the cadre planning pool (L.2, L.3) are yearly "
        "indicators, assessed by three methods (UNSD, StatCan, ESCAP) and a binomial GLM on year. "
        "The prediction band and the probability of reaching a target are about years still to come "
        "(year-to-year variation), not an error of the counts already made. "
        "The annual figures submitted by the Department of Home Affairs (observations.csv) are used "
        "when present; otherwise the detail tables (province = sum of the year's rows), and years "
        "where the two sources disagree are named.",
        "Official published figures (with source) are drawn only as comparison lines and never mixed into the data.",
    ],
}


# --------------------------------------------------------------------------- funnel


def council_funnel(councils: pd.DataFrame, term: str, level: str = "district"):
    """Funnel comparison of district-level units' women's share of council seats.

    Inputs: ``councils``, the ``term`` and the ``level`` (``'district'``: each district
    council; ``'commune'``: each district's commune councils pooled). The target is the pooled
    provincial share at that level (Σ women / Σ seats). Output: ``(table, od)`` from
    :func:`me_utils.analysis.funnel.funnel_table` with values in percent (``per=100``), ordered by unit
    code, never ranked.

    Seats are counted in full, so the limits are not a test of a sampled difference. The funnel
    is kept as a *reference band* (:data:`FUNNEL_REFERENCE`): how far a council of that size
    would stray from the pooled share under binomial chance alone. Seat counts differ (30–40
    district seats against hundreds of commune seats), and a small council's share moves 2.5–3.3
    points per seat; the band stops that being read as performance. Reports call a position
    outside it a prompt to look closer, never "significant".
    """

    if level not in ("district", "commune"):
        raise ValueError("council_funnel: level must be 'district' or 'commune'")
    df = councils[(councils["term"] == term) & (councils["level"] == level) & councils["unit_code"].isin(districts())]
    if df.empty:
        raise ValueError(f"no {level} council rows for term {term}")
    return funnel_table(
        df["unit_code"].tolist(), df["women"].to_numpy(), df["seats"].to_numpy(), kind="proportion", per=100.0
    )


# --------------------------------------------------------------------------- series end


def district_series_note(unit: str, lang: str = "vi") -> str:
    """Sentence saying that a district-level series ends with the 2025 reform.

    For a district code uses ``me_utils.reference.units`` (``Units.series_end_note``) when available; for
    the province (and as a fallback) states the end of district People's Councils on 1 July 2025.
    """
    if unit != PROVINCE:
        try:
            units = load_units()
            # a commune (from 2025-07-01) has no end: say where its series starts instead
            note = units.series_end_note(unit, lang) or getattr(units, "series_start_note", lambda *a: None)(unit, lang)
            if note:
                return str(note)
        except Exception:  # noqa: BLE001 - units is another module; fall back to our own sentence
            pass
    d = fmt.fmt_date(DISTRICT_LEVEL_END, lang)
    if unit == PROVINCE:
        return fmt.pick(
            lang,
            f"HĐND cấp huyện chấm dứt hoạt động sau ngày {d} (chính quyền địa phương hai cấp); "
            "chuỗi số liệu cấp huyện kết thúc ở nhiệm kỳ 2021–2026 và chỉ là mốc lịch sử.",
            f"District People's Councils ceased after {d} (two-tier local government); the "
            "district series ends with the 2021–2026 term and is a historical baseline only.",
        )
    return fmt.pick(
        lang,
        f"Đơn vị cấp huyện {unit} không còn sau ngày {d}; chuỗi số liệu của đơn vị kết thúc "
        "ở nhiệm kỳ 2021–2026 (năm 2025 đối với chỉ tiêu năm).",
        f"District-level unit {unit} ceased after {d}; its series ends with the 2021–2026 "
        "term (with 2025 for yearly indicators).",
    )


def unit_name(unit: str, lang: str = "vi") -> str:
    """Unit name from ``me_utils.reference.units`` when available, else the code."""
    try:
        return str(load_units().name(unit, lang))
    except Exception:  # noqa: BLE001 - units is another module; the code is a safe label
        return unit
