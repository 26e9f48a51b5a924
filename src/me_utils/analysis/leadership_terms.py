"""Election terms and People's Council shares (issue 6): term codes and labels, women's share
of council seats by term and level, the observed change between terms, and the explicit
refusal of a yearly trend inside a term (:class:`NotApplicable`).

Seats are counted in full, so shares carry no interval and a change between terms is the
observed difference (see :func:`me_utils.analysis.leadership.enumeration_note`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from me_utils.analysis import trends
from me_utils.analysis.leadership_data import LEVELS, PROVINCE
from me_utils.core import fmt

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


# --------------------------------------------------------------------------- council shares


def with_share(df: pd.DataFrame, num: str, den: str, prefix: str = "") -> pd.DataFrame:
    """Add ``<prefix>share_pct`` = 100·num/den (NaN where den is 0). No interval: every count
    here is a complete enumeration (see :mod:`me_utils.analysis.leadership`)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        df[f"{prefix}share_pct"] = 100 * df[num] / df[den].where(df[den] > 0)
    return df


def council_shares(councils: pd.DataFrame, unit: str = PROVINCE, terms=None) -> pd.DataFrame:
    """Women's share of council seats by term and level, for the province or one district.

    Inputs: ``councils`` from :func:`me_utils.analysis.leadership_data.read_councils`;
    ``unit`` — ``'SL'`` (province: the provincial council, and all district / commune councils
    pooled) or a district code (its own district council and its communes' councils pooled);
    optional list of ``terms``.
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
    g = with_share(g, "women", "seats")
    g = with_share(g, "ethnic_minority_women", "seats", prefix="em_")  # NaN count → NaN share
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
    or p-value (:func:`me_utils.analysis.leadership.enumeration_note`). ``women_change`` and
    ``seats_change`` are counts, ``share_from_pct``/``share_to_pct`` percent, ``diff_pp``
    percentage points.
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
