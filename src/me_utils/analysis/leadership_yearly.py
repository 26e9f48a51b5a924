"""Yearly leadership indicators (issue 6): women key leaders (M1.C1 = 2282 L.1), women in the
cadre planning pool (L.2) and the share of them trained (L.3) — yearly shares and series,
their 2025/2030 targets, the standing against them and the three-method assessment.

Key leaders and the planning pool are complete counts: no interval on the counted years; the
assessment's prediction band is about years still to come.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from me_utils.analysis import assess, status
from me_utils.analysis.leadership_data import PROVINCE, LeadershipData
from me_utils.analysis.leadership_terms import with_share
from me_utils.core import paths
from me_utils.reference.catalogue import load_catalogue

#: Catalogue codes of the yearly leadership indicators (M1.C1 and 2282 L.1 are the same target).
KEY_LEADER_CODES = ("M1.C1", "L.1")
POOL_CODE = "L.2"
TRAINED_CODE = "L.3"


# --------------------------------------------------------------------------- yearly indicators


def _select_unit(df: pd.DataFrame, unit: str) -> pd.DataFrame:
    return df if unit == PROVINCE else df[df["unit_code"] == unit]


def key_leader_shares(
    key_leaders: pd.DataFrame, unit: str = PROVINCE, period_start: int | None = None, period_end: int | None = None
) -> pd.DataFrame:
    """Share of agencies/local governments with a woman among their key leaders (M1.C1, L.1).

    Inputs: ``key_leaders`` from :func:`me_utils.analysis.leadership_data.read_key_leaders`,
    ``unit`` (``'SL'`` sums every row of a year; a district code takes its own rows), optional
    year range. Output: one row per year
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
    return with_share(g, "with_woman", "agencies").sort_values("year").reset_index(drop=True)


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
    g = with_share(g, "women_in_pool", "pool_size")
    g = with_share(g, "women_trained", "women_in_pool", prefix="trained_")
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
    frame = with_share(frame, "numerator", "denominator")
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
