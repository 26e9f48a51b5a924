"""The indicator table of the reviews (sơ kết, tổng kết): scorecard rows as display strings —
latest value with its year and the estimate mark ``(ước)``/``(est.)``, the 2025 and 2030
targets, the 2025 result and the chance of reaching 2030 — and the count of rows in each 2025
result. Used by :mod:`me_utils.reports.review_outline`.
"""

from __future__ import annotations

import math

import pandas as pd

from me_utils.analysis import status
from me_utils.core import fmt
from me_utils.reports import narrative

ESTIMATE_MARK = {"vi": " (ước)", "en": " (est.)"}
#: The 2025 results a review table shows, worded by the one status model (me_utils.analysis.status).
RESULT_LABELS = {
    k: status.STATUS_LABELS[k]
    for k in ("achieved", "not_achieved", "pending", "no_target", "context", "not_assessed", "suppressed", "no_data")
}


def _missing(x) -> bool:
    return (
        x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA or (not isinstance(x, str) and pd.isna(x))
    )


def estimate_keys(observations: pd.DataFrame | None, unit: str = "SL") -> set[tuple[str, int]]:
    """(indicator, year) pairs whose current figure for ``unit`` (sex T, annual) is an estimate,
    from observations with ``figure_status`` (:mod:`me_utils.build.reconcile`)."""
    if observations is None or "figure_status" not in observations.columns or observations.empty:
        return set()
    o = observations[
        (observations["unit_code"].astype(str) == unit)
        & (observations["sex"].astype(str) == "T")
        & (observations["period"].astype(str) == "FY")
        & (observations["figure_status"].astype(str) == "estimate")
    ]
    return {(str(c), int(y)) for c, y in zip(o["indicator_code"], o["year"])}


def value_text(row, lang: str, estimates: set) -> str:
    """Latest value of a scorecard row with its year, marked ``(ước)`` when an estimate."""
    if _missing(row.get("latest_value")) or _missing(row.get("latest_year")):
        return fmt.MISSING
    y = int(row["latest_year"])
    text = f"{narrative.fmt_value(row['latest_value'], row, lang)} ({y})"
    if (str(row["indicator_code"]), y) in estimates:
        text += ESTIMATE_MARK[lang]
    return text


def _target_text(row, year: int, lang: str) -> str:
    t = row.get(f"target_{year}")
    if _missing(t):
        return fmt.MISSING
    return narrative.fmt_value(t, row, lang, decimals=narrative.target_decimals(t))


def _prob_text(p, lang: str) -> str:
    return fmt.MISSING if _missing(p) else narrative.fmt_probability(p, lang)


def indicator_table(rows: pd.DataFrame, lang: str, estimates: set, outlook: bool = True) -> pd.DataFrame:
    """Display table of scorecard rows: code, name, latest value (year, estimate mark), 2025
    target, 2025 result and — with ``outlook`` — the 2030 target and the probability of
    reaching it (from the scorecard's projection)."""
    out = []
    for r in rows.to_dict("records"):
        rec = {
            fmt.pick(lang, "Mã", "Code"): r["indicator_code"],
            fmt.pick(lang, "Chỉ tiêu", "Indicator"): r[f"name_{lang}"],
            fmt.pick(lang, "Kết quả mới nhất", "Latest result"): value_text(r, lang, estimates),
            fmt.pick(lang, "Mục tiêu 2025", "Target 2025"): _target_text(r, 2025, lang),
            fmt.pick(lang, "Đánh giá 2025", "2025 result"): fmt.pick(
                lang, *RESULT_LABELS.get(str(r.get("result_2025")), (fmt.MISSING, fmt.MISSING))
            ),
        }
        if outlook:
            rec[fmt.pick(lang, "Mục tiêu 2030", "Target 2030")] = _target_text(r, 2030, lang)
            rec[fmt.pick(lang, "Khả năng đạt 2030", "Chance of reaching 2030")] = _prob_text(
                r.get("prob_reach_2030"), lang
            )
        out.append(rec)
    return pd.DataFrame(out)


def result_counts(rows: pd.DataFrame) -> dict[str, int]:
    """Number of scorecard rows in each 2025 result (all of :data:`RESULT_LABELS`)."""
    vc = rows["result_2025"].astype(str).value_counts() if len(rows) else {}
    return {k: int(vc.get(k, 0)) for k in RESULT_LABELS}
