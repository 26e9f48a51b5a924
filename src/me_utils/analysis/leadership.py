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
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.analysis import (
    assess,
    status,
    trends,  # the assessment issue's module
)
from me_utils.analysis.funnel import funnel_table
from me_utils.core import fmt, paths
from me_utils.core.errors import Finding, InputError, ReferenceDataError
from me_utils.intake import leadership_schema as _schema
from me_utils.reference.catalogue import load_catalogue
from me_utils.reference.units import load_units

#: Election terms known to the workbench (contract period codes), in order.
TERMS = _schema.ELECTION_TERMS
#: Election days (the 2026 one is set by the National Assembly; None until known).
ELECTION_DAYS = {"2016-2021": _dt.date(2016, 5, 22), "2021-2026": _dt.date(2021, 5, 23), "2026-2031": None}
LEVELS = _schema.COUNCIL_LEVELS
#: Last day of district-level People's Councils (two-tier local government from 1/7/2025).
DISTRICT_LEVEL_END = _dt.date(2025, 6, 30)
PROVINCE = "SL"
#: First term elected under two-tier local government (no district level).
FIRST_TWO_TIER_TERM_START = _schema.FIRST_TWO_TIER_TERM_START


def districts() -> tuple[str, ...]:
    """District-level unit codes, from the units reference (``units.csv``), in file order."""
    return _schema.reference_units()[1]


def __getattr__(name: str):
    # ``DISTRICTS`` used to be typed here; it now comes from the units reference (read when
    # asked, so an edited units.csv is seen). Kept as a module attribute for old callers.
    if name == "DISTRICTS":
        return districts()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


REFERENCE_FILE = "leadership_reference.csv"
REFERENCE_COLUMNS = [
    "figure_id",
    "scope",
    "unit_code",
    "body",
    "level",
    "term",
    "year",
    "women",
    "total",
    "share_pct",
    "source_title",
    "source_url",
    "source_date",
    "verification",
    "note",
]
VERIFICATION_TAGS = ("VERIFIED", "VERIFIED-EN", "PARTIAL", "UNVERIFIED")

COUNCIL_COLUMNS = _schema.COLUMNS["councils"]
KEY_LEADER_COLUMNS = _schema.COLUMNS["key_leaders"]
POOL_COLUMNS = _schema.COLUMNS["planning_pool"]

#: Catalogue codes of the yearly leadership indicators (M1.C1 and 2282 L.1 are the same target).
KEY_LEADER_CODES = ("M1.C1", "L.1")
POOL_CODE = "L.2"
TRAINED_CODE = "L.3"

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


class LeadershipDataError(InputError, ValueError):
    """A leadership input file is unusable; ``findings`` locate every problem (file, row,
    column, reason in Vietnamese and English) and ``str()`` lists them, Vietnamese first.

    ``LeadershipDataError(findings=[...])``, or for one problem
    ``LeadershipDataError(file, reason_en, row=None, column=None, reason_vi=None, code="")``.
    ``file``, ``row``, ``column`` and ``reason`` (English) are those of the first finding.
    """

    def __init__(
        self,
        file=None,
        reason: str | None = None,
        row: int | None = None,
        column: str | None = None,
        *,
        reason_vi: str | None = None,
        code: str = "",
        findings=(),
    ):
        findings = list(findings)
        if reason is not None:
            findings.insert(0, Finding(str(file), reason_vi or reason, reason, code=code, row=row, column=column or ""))
        if not findings:
            raise TypeError("LeadershipDataError needs a reason or findings")
        first = findings[0]
        self.file, self.row, self.column, self.reason = first.file, first.row, first.column or None, first.reason_en
        super().__init__(findings=findings)


class LeadershipReferenceError(LeadershipDataError, ReferenceDataError):
    """``leadership_reference.csv`` (published figures, a reference file) is broken."""


# --------------------------------------------------------------------------- terms


def parse_term(term: str) -> tuple[int, int]:
    """Return ``(start_year, end_year)`` of a term code such as ``"2021-2026"``.

    Raises ValueError unless the code is ``YYYY-YYYY`` with a five-year span.
    """
    m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", str(term))
    if not m or int(m.group(2)) - int(m.group(1)) != 5:
        raise ValueError(f"term must look like '2021-2026' (five years), got {term!r}")
    return int(m.group(1)), int(m.group(2))


def term_of_year(year: int) -> str:
    """Term in office during (most of) ``year``: the one elected in or before it.

    An election year belongs to the new term (elections are in May), e.g. 2021 → ``2021-2026``.
    """
    y = int(year)
    start = 2016 + 5 * ((y - 2016) // 5)
    return f"{start}-{start + 5}"


def term_label(term: str, lang: str = "vi") -> str:
    """``'nhiệm kỳ 2021–2026'`` / ``'2021–2026 term'``."""
    a, b = parse_term(term)
    return fmt.pick(lang, f"nhiệm kỳ {a}–{b}", f"{a}–{b} term")


LEVEL_NAMES = {
    "province": ("HĐND cấp tỉnh", "Provincial council"),
    "district": ("HĐND cấp huyện", "District councils"),
    "commune": ("HĐND cấp xã", "Commune councils"),
    "national": ("Quốc hội", "National Assembly"),
}


def fmt_change(x, decimals: int = 1, lang: str = "vi") -> str:
    """A signed observed change in the report language: ``'+8'`` (women), ``'+8,6'``
    (percentage points), ``'−3'`` with a true minus; ``'0'``/``'0,0'`` when it rounds to zero;
    the missing mark for None/NaN."""
    if x is None or not np.isfinite(x):
        return fmt.MISSING
    body = fmt.fmt_number(abs(x), decimals, lang)
    if body.strip("0,.") == "":
        return body
    return ("+" if x > 0 else "−") + body


def level_label(level: str, lang: str = "vi") -> str:
    """Name of a council level in the report language."""
    vi, en = LEVEL_NAMES[level]
    return fmt.pick(lang, vi, en)


@dataclass(frozen=True)
class NotApplicable:
    """An explicit "not applicable" answer (e.g. a yearly trend asked of a term indicator).

    ``applicable`` is always False, so callers can branch on it like on a fitted result.
    """

    reason_vi: str
    reason_en: str
    suggestion_vi: str = ""
    suggestion_en: str = ""
    applicable: bool = field(default=False, init=False)

    def text(self, lang: str = "vi") -> str:
        """The reason (and what to do instead) in the report language."""
        r = fmt.pick(lang, self.reason_vi, self.reason_en)
        s = fmt.pick(lang, self.suggestion_vi, self.suggestion_en)
        return f"{r} {s}".strip()


def _term_refusal(terms: list[str]) -> NotApplicable:
    within = len(set(terms)) <= 1
    scope_vi = f"trong {term_label(terms[0], 'vi')}" if within and terms else "theo năm cho chỉ tiêu theo nhiệm kỳ"
    scope_en = f"within the {term_label(terms[0], 'en')}" if within and terms else "by year for a term-based indicator"
    return NotApplicable(
        reason_vi=f"Không áp dụng: không ước lượng xu hướng {scope_vi}, vì cơ cấu HĐND do bầu cử "
        "quyết định cho cả nhiệm kỳ.",
        reason_en=f"Not applicable: no trend is fitted {scope_en}, because an election fixes a "
        "council's composition for the whole term.",
        suggestion_vi="Thay vào đó, so sánh nhiệm kỳ với nhiệm kỳ.",
        suggestion_en="Compare terms with terms instead.",
    )


def council_trend(series: pd.DataFrame) -> NotApplicable:
    """Answer a request for a yearly trend of council shares: always :class:`NotApplicable`.

    Input: any frame of council observations (with ``year`` and/or ``term``). Output: a
    NotApplicable whose text says why (within one term: the composition is fixed; across terms:
    compare terms, do not fit years). Never fits a model.
    """
    terms: list[str] = []
    if "term" in series.columns:
        terms = [str(t) for t in series["term"].dropna().unique()]
    elif "year" in series.columns:
        terms = sorted({term_of_year(int(y)) for y in series["year"].dropna()})
    return _term_refusal(terms)


def trend_or_refusal(observations: pd.DataFrame, periodicity: str):
    """Fit a yearly trend, unless the indicator is measured per election term.

    Inputs: ``observations`` with ``year``, ``numerator`` and ``denominator`` (counts, one row
    per year), ``periodicity`` from the catalogue (``annual|half-year|term|survey``).
    Output: :class:`NotApplicable` for ``periodicity='term'`` (no model is fitted) or for fewer
    than two years; otherwise the :class:`me_utils.analysis.trends.TrendFit` of a binomial GLM on year
    from ``me_utils.analysis.trends.choose_and_fit`` (values in percent).
    """
    if periodicity == "term":
        return council_trend(observations)
    obs = observations.dropna(subset=["year"]).sort_values("year")
    if obs["year"].nunique() < 2:
        return NotApplicable(
            "Không đủ số liệu để ước lượng xu hướng (cần ít nhất 2 năm).",
            "Insufficient data for a trend (at least 2 years needed).",
        )

    num = obs["numerator"].to_numpy(dtype=float)
    den = obs["denominator"].to_numpy(dtype=float)
    return trends.choose_and_fit(
        obs["year"].to_numpy(dtype=float),
        100 * num / den,
        kind="proportion",
        scale=100.0,
        numerators=num,
        denominators=den,
    )


def assess_yearly(
    shares: pd.DataFrame, targets: Targets, num_col: str, den_col: str, period_start: int = 2021, period_end: int = 2025
):
    """Assess a yearly leadership share against its 2025/2030 targets with ``me_utils.analysis.assess``.

    Inputs: a frame from :func:`key_leader_shares` or :func:`planning_pool_shares`, the
    :class:`Targets`, the count columns of numerator and denominator, the review period.
    Output: :class:`me_utils.analysis.assess.Assessment` (statuses by the three methods, binomial-GLM
    projections to 2025/2030 and the probability of reaching each target).
    """

    with np.errstate(divide="ignore", invalid="ignore"):
        values = 100 * shares[num_col] / shares[den_col]
    return assess.assess_series(
        shares["year"].to_numpy(dtype=float),
        values.to_numpy(dtype=float),
        direction="increase",
        kind="proportion",
        scale=100.0,
        target_2025=targets.target_2025,
        target_2030=targets.target_2030,
        numerators=shares[num_col].to_numpy(dtype=float),
        denominators=shares[den_col].to_numpy(dtype=float),
        periodicity="annual",
        period_start=period_start,
        period_end=period_end,
    )


# --------------------------------------------------------------------------- loading


def _find(data_root: Path, name: str) -> Path | None:
    """Processed copy if the build wrote one, else the raw file (raw is never modified)."""
    root = Path(data_root)
    for p in (root / "processed" / "leadership" / name, root / "processed" / name, root / "raw" / "leadership" / name):
        if p.exists():
            return p
    return None


def _read_csv(path: Path, columns: list[str], error=LeadershipReferenceError) -> pd.DataFrame:
    """A csv as stripped text with ``columns`` (all required), for the reference file."""
    df, problems = _schema.read_text_table(path)
    if df is None:
        raise error(findings=problems)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise error(
            path,
            f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}",
            row=1,
            reason_vi=f"thiếu cột {', '.join(missing)}; bảng cần các cột {', '.join(columns)}",
            code="missing_column",
        )
    return df[columns]


def _ints(
    df: pd.DataFrame, path: Path, cols: list[str], allow_empty: tuple[str, ...] = (), error=LeadershipReferenceError
) -> pd.DataFrame:
    """Whole-number text columns as float64 (empty → NaN where allowed), else ``error``."""
    out = df.copy()
    for c in cols:
        v = _schema.to_number(df[c])
        empty = df[c] == ""
        ok = (empty & (c in allow_empty)) | (v.notna() & v.abs().ne(np.inf) & (v >= 0) & (v == v.round()))
        bad = df.index[~ok]
        if len(bad):
            i = int(bad[0])
            raise error(
                path,
                f"{df.at[i, c]!r} must be a whole number ≥ 0",
                row=i + 2,
                column=c,
                reason_vi=f"{df.at[i, c]!r} phải là số nguyên ≥ 0",
                code="not_whole_nonneg",
            )
        out[c] = v
    return out


def read_table(table: str, path: str | Path) -> pd.DataFrame:
    """Read and check one leadership table with the schema ``me build`` uses.

    Inputs: ``table`` (``councils|key_leaders|planning_pool``), the csv path. Output: the
    columns of :data:`me_utils.intake.leadership_schema.COLUMNS` with counts as float64 (``year``
    int64, ``term`` as ``YYYY-YYYY``, ``data_status`` ``""`` when absent). Raises
    :class:`LeadershipDataError` carrying every finding (file, row, column, reason vi/en).
    """
    path = Path(path)
    df, problems = _schema.check_file(table, path)
    errors = [f for f in problems if f.severity == "error"]
    if errors:
        raise LeadershipDataError(findings=errors)
    return _schema.typed(table, df)


def read_councils(path: str | Path) -> pd.DataFrame:
    """Read and check ``councils.csv`` (schema in docs/CONTRACTS.md and
    :mod:`me_utils.intake.leadership_schema`).

    Output: DataFrame with ``term, level, unit_code`` (str), ``seats, women,
    ethnic_minority_women`` (float counts; ethnic_minority_women may be NaN) and ``data_status``.
    Raises :class:`LeadershipDataError` naming file, row and column for every bad value.
    """
    return read_table("councils", path)


def read_key_leaders(path: str | Path) -> pd.DataFrame:
    """Read and check ``key_leaders.csv``: year (int), unit_code, agencies,
    agencies_with_woman_key_leader (float counts), data_status. Raises LeadershipDataError."""
    return read_table("key_leaders", path)


def read_planning_pool(path: str | Path) -> pd.DataFrame:
    """Read and check ``planning_pool.csv``: year (int), unit_code, pool_size, women_in_pool,
    women_trained (float counts), data_status. Raises LeadershipDataError."""
    return read_table("planning_pool", path)


@dataclass
class LeadershipData:
    """The three leadership tables of a data root (None where the file is absent),
    the files they came from and whether they are illustrative."""

    councils: pd.DataFrame | None
    key_leaders: pd.DataFrame | None
    planning_pool: pd.DataFrame | None
    files: dict
    illustrative: bool


def load_leadership(data_root: str | Path) -> LeadershipData:
    """Load ``councils.csv``, ``key_leaders.csv`` and ``planning_pool.csv`` of a data root.

    Looks in ``processed/leadership/``, ``processed/`` then ``raw/leadership/``. A missing file
    gives None; a bad file raises :class:`LeadershipDataError`. ``illustrative`` is True when
    any row has ``data_status == 'illustrative'``.
    """
    root = paths.resolve_data_root(data_root)
    readers = {"councils": read_councils, "key_leaders": read_key_leaders, "planning_pool": read_planning_pool}
    out, files, illus = {}, {}, False
    for name, reader in readers.items():
        p = _find(root, f"{name}.csv")
        files[name] = p
        out[name] = reader(p) if p is not None else None
        if out[name] is not None:
            illus |= bool((out[name]["data_status"].str.lower() == "illustrative").any())
    return LeadershipData(files=files, illustrative=illus, **out)


def load_reference(path: str | Path | None = None) -> pd.DataFrame:
    """Read the real published leadership figures with their sources.

    Default path ``data/reference/leadership_reference.csv``. Output: DataFrame with the
    columns of :data:`REFERENCE_COLUMNS`; ``women``, ``total``, ``share_pct`` (percent) and
    ``year`` numeric. Every row must name a source (title and URL) and carry a verification
    tag; where counts are given, ``share_pct`` must agree with them to 0.01 points.
    """
    path = Path(path) if path is not None else paths.reference_dir() / REFERENCE_FILE
    df = _read_csv(path, REFERENCE_COLUMNS)
    err = LeadershipReferenceError
    for col in ("source_title", "source_url", "verification"):
        bad = df.index[df[col] == ""]
        if len(bad):
            raise err(
                path,
                f"{col} is required (real figures carry their source)",
                row=int(bad[0]) + 2,
                column=col,
                reason_vi=f"cần {col} (số liệu thật phải ghi nguồn)",
                code="source_required",
            )
    bad = df.index[~df["verification"].isin(VERIFICATION_TAGS)]
    if len(bad):
        raise err(
            path,
            f"verification must be one of {', '.join(VERIFICATION_TAGS)}",
            row=int(bad[0]) + 2,
            column="verification",
            reason_vi=f"verification phải là một trong {', '.join(VERIFICATION_TAGS)}",
            code="known_verification",
        )
    df = _ints(df, path, ["women", "total", "year"], allow_empty=("women", "total", "year"))
    share = _schema.to_number(df["share_pct"])
    bad = df.index[share.isna() | share.abs().eq(np.inf)]
    if len(bad):
        raise err(
            path,
            "share_pct must be a number",
            row=int(bad[0]) + 2,
            column="share_pct",
            reason_vi="share_pct phải là một số",
            code="not_a_number",
        )
    df["share_pct"] = share
    has = df["women"].notna() & df["total"].notna()
    calc = 100 * df["women"] / df["total"]
    bad = df.index[has & ((calc - df["share_pct"]).abs() > 0.01)]
    if len(bad):
        i = int(bad[0])
        raise err(
            path,
            f"share_pct {df.at[i, 'share_pct']} disagrees with women/total ({calc[i]:.2f})",
            row=i + 2,
            column="share_pct",
            code="share_matches_counts",
            reason_vi=f"share_pct {df.at[i, 'share_pct']} không khớp với women/total ({calc[i]:.2f})",
        )
    return df


def reference_council_shares(reference: pd.DataFrame) -> pd.DataFrame:
    """Published council/National Assembly shares (complete counts of seats: no interval).

    Output columns: ``figure_id, scope, body, level, term, women, total`` (counts, NaN when the
    source gives only a share), ``share_pct`` (percent), ``source_title, source_url,
    verification``.
    """
    ref = reference[reference["body"].isin(["people_council", "national_assembly"])]
    return ref[
        [
            "figure_id",
            "scope",
            "body",
            "level",
            "term",
            "women",
            "total",
            "share_pct",
            "source_title",
            "source_url",
            "verification",
        ]
    ].reset_index(drop=True)


# --------------------------------------------------------------------------- council shares


def _with_share(df: pd.DataFrame, num: str, den: str, prefix: str = "") -> pd.DataFrame:
    """Add ``<prefix>share_pct`` = 100·num/den (NaN where den is 0). No interval: every count
    here is a complete enumeration (see the module docstring)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        df[f"{prefix}share_pct"] = 100 * df[num] / df[den].where(df[den] > 0)
    return df


def council_shares(councils: pd.DataFrame, unit: str = PROVINCE, terms=None) -> pd.DataFrame:
    """Women's share of council seats by term and level, for the province or one district.

    Inputs: ``councils`` from :func:`read_councils`; ``unit`` — ``'SL'`` (province: the
    provincial council, and all district / commune councils pooled) or a district code (its own
    district council and its communes' councils pooled); optional list of ``terms``.
    Output: one row per (term, level) with ``seats, women, ethnic_minority_women`` (counts),
    ``share_pct`` (women's share of seats, %), ``em_share_pct`` (ethnic-minority women's share
    of seats, %; NaN when a unit lacks the count) and ``em_of_women_pct`` (ethnic-minority share
    among women deputies, %), ``n_units``. Seats are counted in full, so no interval is given.
    Ordered by level then term.
    """
    df = councils if unit == PROVINCE else councils[(councils["unit_code"] == unit) & (councils["level"] != "province")]
    if terms is not None:
        df = df[df["term"].isin(list(terms))]
    if df.empty:
        return pd.DataFrame(
            columns=[
                "term",
                "level",
                "seats",
                "women",
                "ethnic_minority_women",
                "share_pct",
                "em_share_pct",
                "em_of_women_pct",
                "n_units",
            ]
        )
    g = df.groupby(["term", "level"], as_index=False, sort=False).agg(
        seats=("seats", "sum"),
        women=("women", "sum"),
        ethnic_minority_women=("ethnic_minority_women", lambda s: s.sum(min_count=len(s))),
        n_units=("unit_code", "nunique"),
    )
    g = _with_share(g, "women", "seats")
    g = _with_share(g, "ethnic_minority_women", "seats", prefix="em_")  # NaN count → NaN share
    with np.errstate(invalid="ignore", divide="ignore"):
        g["em_of_women_pct"] = 100 * g["ethnic_minority_women"] / g["women"].where(g["women"] > 0)
    g["_l"] = g["level"].map({lv: i for i, lv in enumerate(LEVELS)})
    g["_t"] = g["term"].map(lambda t: parse_term(t)[0])
    return g.sort_values(["_l", "_t"]).drop(columns=["_l", "_t"]).reset_index(drop=True)


# --------------------------------------------------------------------------- term comparison


@dataclass(frozen=True)
class TermChange:
    """Observed change between two terms (later minus earlier).

    Seats are counted in full, so this is the change itself, not an estimate: no interval, test
    or p-value (:func:`enumeration_note`). ``women_change`` and ``seats_change`` are counts,
    ``share_from_pct``/``share_to_pct`` percent, ``diff_pp`` percentage points.
    """

    term_from: str
    term_to: str
    women_from: int
    seats_from: int
    women_to: int
    seats_to: int
    share_from_pct: float
    share_to_pct: float
    diff_pp: float
    women_change: int
    seats_change: int


def compare_terms(women_from, seats_from, women_to, seats_to, term_from: str = "", term_to: str = "") -> TermChange:
    """Compare women's share of seats between two election terms.

    Inputs: counts of women and seats in the earlier (``*_from``) and later (``*_to``) term,
    term codes (labels only). Output: :class:`TermChange` — women gained or lost, seats gained
    or lost, both shares (%) and their difference later − earlier (percentage points).
    Raises ValueError for non-positive seats or women outside 0..seats.
    """
    x1, n1, x0, n0 = int(women_to), int(seats_to), int(women_from), int(seats_from)
    if min(n1, n0) <= 0:
        raise ValueError("compare_terms: seats must be positive in both terms")
    if not (0 <= x1 <= n1 and 0 <= x0 <= n0):
        raise ValueError("compare_terms: women must be between 0 and seats")
    p1, p0 = 100 * x1 / n1, 100 * x0 / n0
    return TermChange(
        term_from=term_from,
        term_to=term_to,
        women_from=x0,
        seats_from=n0,
        women_to=x1,
        seats_to=n1,
        share_from_pct=p0,
        share_to_pct=p1,
        diff_pp=p1 - p0,
        women_change=x1 - x0,
        seats_change=n1 - n0,
    )


def term_changes(shares: pd.DataFrame) -> pd.DataFrame:
    """Consecutive-term changes for each level of a :func:`council_shares` frame.

    Output: one row per (level, earlier term, later term) present in the data, with ``level``
    and the :class:`TermChange` fields as columns (numbers, no formatted text). Terms are only
    ever compared with terms; a level with one term gives no row.
    """
    rows = []
    for lv in LEVELS:
        sub = shares[shares["level"] == lv]
        sub = sub.assign(_t=sub["term"].map(lambda t: parse_term(t)[0])).sort_values("_t")
        recs = sub.to_dict("records")
        for a, b in zip(recs, recs[1:]):
            ch = compare_terms(a["women"], a["seats"], b["women"], b["seats"], a["term"], b["term"])
            rows.append({"level": lv, **ch.__dict__})
    cols = ["level"] + list(TermChange.__dataclass_fields__)
    return pd.DataFrame(rows, columns=cols)


# --------------------------------------------------------------------------- yearly indicators


def _select_unit(df: pd.DataFrame, unit: str) -> pd.DataFrame:
    return df if unit == PROVINCE else df[df["unit_code"] == unit]


def key_leader_shares(
    key_leaders: pd.DataFrame, unit: str = PROVINCE, period_start: int | None = None, period_end: int | None = None
) -> pd.DataFrame:
    """Share of agencies/local governments with a woman among their key leaders (M1.C1, L.1).

    Inputs: ``key_leaders`` from :func:`read_key_leaders`, ``unit`` (``'SL'`` sums every row of
    a year; a district code takes its own rows), optional year range. Output: one row per year
    with ``agencies, with_woman`` (counts), ``n_units`` and ``share_pct`` (%). A complete count
    of the listed agencies: no interval.
    """
    df = _select_unit(key_leaders, unit)
    df = _year_range(df, period_start, period_end)
    g = df.groupby("year", as_index=False).agg(
        agencies=("agencies", "sum"),
        with_woman=("agencies_with_woman_key_leader", "sum"),
        n_units=("unit_code", "nunique"),
    )
    return _with_share(g, "with_woman", "agencies").sort_values("year").reset_index(drop=True)


def planning_pool_shares(
    pool: pd.DataFrame, unit: str = PROVINCE, period_start: int | None = None, period_end: int | None = None
) -> pd.DataFrame:
    """Women in the cadre planning pool (L.2) and the share of them trained (L.3), by year.

    Output: one row per year with ``pool_size, women_in_pool, women_trained`` (counts),
    ``n_units``, ``share_pct`` (women's share of the pool, %) and ``trained_share_pct`` (share
    of women in the pool who were trained, %). The pool is a complete list: no interval.
    """
    df = _year_range(_select_unit(pool, unit), period_start, period_end)
    g = df.groupby("year", as_index=False).agg(
        pool_size=("pool_size", "sum"),
        women_in_pool=("women_in_pool", "sum"),
        women_trained=("women_trained", "sum"),
        n_units=("unit_code", "nunique"),
    )
    g = _with_share(g, "women_in_pool", "pool_size")
    g = _with_share(g, "women_trained", "women_in_pool", prefix="trained_")
    return g.sort_values("year").reset_index(drop=True)


#: Yearly leadership series: catalogue codes (first found is used) and the detail-table columns.
YEARLY_SERIES = {
    "key_leaders": (("M1.C1", "L.1"), "key_leaders", "agencies_with_woman_key_leader", "agencies"),
    "pool": (("L.2",), "planning_pool", "women_in_pool", "pool_size"),
    "trained": (("L.3",), "planning_pool", "women_trained", "women_in_pool"),
}


@dataclass
class YearlySeries:
    """One yearly leadership series for a unit.

    ``frame``: ``year, numerator, denominator`` (counts), ``share_pct`` (percent; a complete
    count, so no interval). ``code``: catalogue code. ``source``: ``'observations'`` (the
    department's submitted figures in ``processed/observations.csv``) or the detail table name.
    ``discrepancies``: years where the submitted figure and the detail table disagree
    (``year, numerator, denominator, detail_numerator, detail_denominator``).
    ``unit_rows``: number of detail-table rows per year (changes reveal a geography break).
    """

    code: str
    frame: pd.DataFrame
    source: str
    discrepancies: pd.DataFrame
    unit_rows: pd.Series


def _detail_series(table: pd.DataFrame, num: str, den: str, unit: str) -> pd.DataFrame:
    df = _select_unit(table, unit)
    return df.groupby("year", as_index=False).agg(numerator=(num, "sum"), denominator=(den, "sum"))


def yearly_series(
    which: str,
    data: LeadershipData,
    observations: pd.DataFrame | None = None,
    unit: str = PROVINCE,
    period_start: int | None = None,
    period_end: int | None = None,
) -> YearlySeries:
    """A yearly leadership series (``which`` = ``key_leaders`` (M1.C1/L.1), ``pool`` (L.2) or
    ``trained`` (L.3)) for ``unit``.

    Source rule: the submitted annual (``FY``, sex ``T``) figures in ``observations`` with
    numerator and denominator are used when present — they are the department's official
    report, the same figures the scorecard uses; otherwise the detail table
    (``key_leaders.csv``/``planning_pool.csv``; the province sums all rows of a year). When both
    exist, disagreeing years are returned in ``discrepancies`` so the report can say so.
    """
    codes, table_name, num, den = YEARLY_SERIES[which]
    table = getattr(data, table_name)
    detail = (
        _detail_series(table, num, den, unit)
        if table is not None
        else pd.DataFrame(columns=["year", "numerator", "denominator"])
    )
    unit_rows = (
        _select_unit(table, unit).groupby("year")["unit_code"].nunique()
        if table is not None
        else pd.Series(dtype="int64")
    )
    obs = pd.DataFrame(columns=["year", "numerator", "denominator"])
    code = codes[0]
    if observations is not None and len(observations):
        for c in codes:
            o = observations[
                (observations["indicator_code"] == c)
                & (observations["unit_code"] == unit)
                & (observations["period"] == "FY")
                & (observations["sex"] == "T")
            ]
            o = o.dropna(subset=["numerator", "denominator"])
            if len(o):
                code = c
                obs = pd.DataFrame(
                    {
                        "year": o["year"].astype("int64").to_numpy(),
                        "numerator": o["numerator"].to_numpy(dtype=float),
                        "denominator": o["denominator"].to_numpy(dtype=float),
                    }
                )
                break
    use_obs = len(obs) > 0
    frame = (obs if use_obs else detail).copy()
    frame = _year_range(frame, period_start, period_end).sort_values("year").reset_index(drop=True)
    frame = _with_share(frame, "numerator", "denominator")
    disc = pd.DataFrame(columns=["year", "numerator", "denominator", "detail_numerator", "detail_denominator"])
    if use_obs and len(detail):
        m = obs.merge(
            detail.rename(columns={"numerator": "detail_numerator", "denominator": "detail_denominator"}), on="year"
        )
        m = _year_range(m, period_start, period_end)
        bad = (m["numerator"] != m["detail_numerator"]) | (m["denominator"] != m["detail_denominator"])
        disc = m[bad].sort_values("year").reset_index(drop=True)
    source = "observations" if use_obs else f"{table_name}.csv"
    return YearlySeries(
        code,
        frame,
        source,
        disc,
        _year_range(unit_rows.rename_axis("year").reset_index(), period_start, period_end).set_index("year")[
            "unit_code"
        ]
        if len(unit_rows)
        else unit_rows,
    )


def _year_range(df: pd.DataFrame, start, end) -> pd.DataFrame:
    if start is not None:
        df = df[df["year"] >= int(start)]
    if end is not None:
        df = df[df["year"] <= int(end)]
    return df


@dataclass(frozen=True)
class Targets:
    """2025 and 2030 targets (percent) of one indicator with where they come from."""

    code: str
    target_2025: float | None
    target_2030: float | None
    basis: str
    verified: bool
    source: str


#: Programme targets as written in the reference (indicators-and-targets.md §1.1 and §4), used
#: only when the catalogue cannot be loaded or lacks the code; the report shows the basis.
FALLBACK_TARGETS = {
    "M1.C1": (60.0, 75.0, True, "Nghị quyết 28/NQ-CP, Mục tiêu 1 (VERIFIED)"),
    "L.1": (60.0, 75.0, True, "Quyết định 2282/QĐ-TTg (VERIFIED)"),
    "L.2": (40.0, 50.0, False, "Quyết định 2282/QĐ-TTg (VERIFIED-EN: Vietnamese wording unverified)"),
    "L.3": (75.0, 90.0, False, "Quyết định 2282/QĐ-TTg (VERIFIED-EN: Vietnamese wording unverified)"),
}


def indicator_targets(code: str, catalogue=None) -> Targets:
    """Applicable 2025/2030 targets of ``code`` from the catalogue (province overrides applied).

    Falls back to :data:`FALLBACK_TARGETS` (with ``basis='reference (catalogue unavailable)'``)
    when the catalogue is missing or lacks the code.
    """
    ind = None
    try:
        if catalogue is None:
            catalogue = _default_catalogue()
        ind = catalogue.indicators.get(code)
    except Exception:  # noqa: BLE001 - the catalogue is another module; degrade to the reference
        ind = None
    if ind is not None:
        t25 = getattr(ind, "applied_target_2025", None)
        t30 = getattr(ind, "applied_target_2030", None)
        t25 = ind.target_2025 if t25 is None else t25
        t30 = ind.target_2030 if t30 is None else t30
        return Targets(
            code,
            _num(t25),
            _num(t30),
            str(getattr(ind, "target_basis", "") or "catalogue"),
            bool(getattr(ind, "verified", False)),
            str(getattr(ind, "source", "") or ""),
        )
    t25, t30, ver, src = FALLBACK_TARGETS[code]
    return Targets(code, t25, t30, "reference (catalogue unavailable)", ver, src)


_CATALOGUE_CACHE: dict = {}


def _default_catalogue():
    """The default catalogue, reloaded only when its files change (a report asks for targets
    several times; parsing the YAML each time would dominate the analysis time)."""

    ref = paths.reference_dir()
    key = tuple(
        (p.name, p.stat().st_mtime_ns if p.exists() else None)
        for p in (ref / "indicators.yaml", ref / "province_overrides.yaml")
    )
    if _CATALOGUE_CACHE.get("key") != key:
        _CATALOGUE_CACHE.update(key=key, catalogue=load_catalogue())
    return _CATALOGUE_CACHE["catalogue"]


def _num(x):
    if x is None:
        return None
    if isinstance(x, dict):  # a target stored as {value: …, …}
        x = x.get("value")
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def target_gaps(shares: pd.DataFrame, targets: Targets, value_col: str = "share_pct") -> pd.DataFrame:
    """Latest-year standing against the 2025 and 2030 targets.

    Input: a yearly frame (``year`` and ``value_col``, percent) of a complete count. Output: one
    row per target year with ``target_year, target_pct, latest_year, latest_pct, gap_pp``
    (latest − target, percentage points) and ``status``: ``'met'`` (value ≥ target, with the
    status model's floating-point tolerance only), ``'below'``, or ``'no_data'``. The count is
    the population itself, so a value below the target is below it: no interval can "reach" it.
    """
    rows = []
    last = shares.dropna(subset=[value_col]).tail(1)
    for yr, tv in ((2025, targets.target_2025), (2030, targets.target_2030)):
        if tv is None:
            continue
        if last.empty:
            rows.append(
                {
                    "target_year": yr,
                    "target_pct": tv,
                    "latest_year": None,
                    "latest_pct": np.nan,
                    "gap_pp": np.nan,
                    "status": "no_data",
                }
            )
            continue
        r = last.iloc[0]
        v = float(r[value_col])
        met = status.meets(v, tv, "increase")
        rows.append(
            {
                "target_year": yr,
                "target_pct": tv,
                "latest_year": int(r["year"]),
                "latest_pct": v,
                "gap_pp": v - tv,
                "status": "met" if met else "below",
            }
        )
    return pd.DataFrame(rows, columns=["target_year", "target_pct", "latest_year", "latest_pct", "gap_pp", "status"])


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
