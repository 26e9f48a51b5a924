"""Plausibility warnings: outliers across units (median/MAD) and implausible year-on-year
jumps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from me_utils.core import fmt
from me_utils.intake.refdata import Reference, load_reference
from me_utils.intake.results import Message
from me_utils.intake.rules import fmt_number, fmt_number_vi, rec_message


@dataclass(frozen=True)
class OutlierRule:
    """Median/MAD outlier rule across units (same indicator, year, period, sex).

    Districts are compared with each other (the province row ``SL`` is their aggregate and is
    left out). Values are compared on a transformed scale: ``log(1 + x)`` for counts, rates and ratios
    (right-skewed, often zero), the raw percent for proportions. The robust z-score is
    ``0.6745 · (x − median) / MAD`` (Iglewicz & Hoaglin 1993); when more than half the
    values are equal (MAD = 0, typical of zero-heavy counts) the mean absolute deviation
    around the median is used instead, ``(x − median) / (1.2533 · MeanAD)``. A value is an
    outlier when ``|z| > z_threshold`` and it differs from the median by at least
    ``min_abs_diff`` on the original scale (so that 3 cases against a median of 0 is not
    flagged), with at least ``min_units`` units compared. Finally the difference must exceed
    chance (``z_chance``, two-sided p < 0.001): for a share with a known denominator ``n``,
    ``|p − median| > z_chance · 100·sqrt(p̃(1 − p̃)/n)`` with the Agresti–Coull share
    ``p̃ = (median/100·n + 2)/(n + 4)``; for a count,
    ``|x − median| > z_chance · sqrt(max(median, 1))`` (Poisson). Small districts then are not
    flagged for the noise their size makes.
    """

    z_threshold: float = 3.5
    min_units: int = 5
    min_abs_diff_count: float = 5.0
    min_abs_diff_share: float = 5.0  # percentage points
    z_chance: float = 3.29

    def describe(self, lang: str = "vi") -> str:
        if lang == "vi":
            return (
                f"Giá trị ngoại lai: so sánh giữa các đơn vị (cùng chỉ tiêu, năm, kỳ, giới tính; ít "
                f"nhất {self.min_units} đơn vị). Số đếm và tỷ suất được biến đổi log(1+x); điểm z "
                f"vững = 0,6745·(x − trung vị)/MAD; khi MAD = 0 (nhiều giá trị bằng 0) dùng độ lệch "
                f"tuyệt đối trung bình quanh trung vị ×1,2533. Ngoại lai khi |z| > "
                f"{fmt_z(self.z_threshold, lang)} và chênh lệch với trung vị ≥ {fmt_z(self.min_abs_diff_count, lang)} "
                f"(số đếm) hoặc ≥ {fmt_z(self.min_abs_diff_share, lang)} điểm phần trăm (tỷ lệ), đồng thời "
                f"vượt mức ngẫu nhiên (z > {fmt_z(self.z_chance, lang)}, p < 0,001: nhị thức khi biết "
                f"mẫu số, Poisson với số đếm)."
            )
        return (
            f"Outliers: compared across units (same indicator, year, period, sex; at least "
            f"{self.min_units} units). Counts and rates are transformed with log(1+x); robust "
            f"z = 0.6745·(x − median)/MAD; when MAD = 0 (many equal values, e.g. zeros) the mean "
            f"absolute deviation around the median ×1.2533 is used. Flagged when |z| > "
            f"{fmt_z(self.z_threshold, lang)} and the value differs from the median by ≥ "
            f"{fmt_z(self.min_abs_diff_count, lang)} (counts) or ≥ {fmt_z(self.min_abs_diff_share, lang)} percentage "
            f"points (shares), and by more than chance (z > {fmt_z(self.z_chance, lang)}, p < 0.001: "
            f"binomial when the denominator is known, Poisson for counts)."
        )


@dataclass(frozen=True)
class JumpRule:
    """Implausible year-on-year change within a series (indicator, unit, period, sex).

    Shares: a change of more than ``max_pp`` percentage points between consecutive reported
    years. Counts, rates and ratios: ``(x1 + 1)/(x0 + 1)`` above ``max_ratio`` or below its
    inverse, and an absolute change of at least ``min_abs_change``. In both cases the change
    must also exceed chance (``z_chance``, two-sided p < 0.001): for shares with known
    denominators the two-proportion z-test with the pooled share; for counts
    ``|x1 − x0| / sqrt(x1 + x0)`` (two Poisson counts). Small counts and small denominators move
    a lot by chance and are not flagged for that.
    """

    max_pp: float = 20.0
    max_ratio: float = 3.0
    min_abs_change: float = 10.0
    z_chance: float = 3.29

    def describe(self, lang: str = "vi") -> str:
        if lang == "vi":
            return (
                f"Biến động bất thường: tỷ lệ thay đổi quá {fmt_z(self.max_pp, lang)} điểm phần trăm giữa hai "
                f"năm liền kề có số liệu; số đếm/tỷ suất tăng hoặc giảm quá {fmt_z(self.max_ratio, lang)} lần "
                f"(tính trên x+1) và chênh lệch tuyệt đối ≥ {fmt_z(self.min_abs_change, lang)}; đồng thời "
                f"vượt mức ngẫu nhiên (z > {fmt_z(self.z_chance, lang)}, p < 0,001: kiểm định hai tỷ lệ "
                f"khi biết mẫu số, hai số đếm Poisson)."
            )
        return (
            f"Implausible jumps: a share changing by more than {fmt_z(self.max_pp, lang)} percentage points "
            f"between consecutive reported years; a count/rate changing by more than a factor "
            f"{fmt_z(self.max_ratio, lang)} (on x+1) with an absolute change of at least {fmt_z(self.min_abs_change, lang)}; "
            f"and in both cases more than chance (z > {fmt_z(self.z_chance, lang)}, p < 0.001: two-proportion "
            f"test when denominators are known, two Poisson counts otherwise)."
        )


def fmt_z(z: float, lang: str) -> str:
    """A rule parameter in the report language, without trailing zeros (3,5 / 3.5; 20)."""

    dec = 0 if float(z).is_integer() else (1 if float(z * 10).is_integer() else 2)
    return fmt.fmt_number(z, dec, lang)


OUTLIER_RULE = OutlierRule()
JUMP_RULE = JumpRule()


def robust_z(x: np.ndarray) -> np.ndarray:
    """Robust z-scores of ``x`` (median/MAD with the MeanAD fallback of :class:`OutlierRule`).

    Returns zeros when all values are equal.
    """
    x = np.asarray(x, dtype=float)
    med = np.median(x)
    dev = x - med
    mad = np.median(np.abs(dev))
    if mad > 0:
        return 0.6745 * dev / mad
    mean_ad = np.mean(np.abs(dev))
    if mean_ad > 0:
        return dev / (1.253314 * mean_ad)
    return np.zeros_like(x)


def detect_outliers(
    obs: pd.DataFrame,
    ref: Reference | None = None,
    rule: OutlierRule = OUTLIER_RULE,
    kinds: dict | None = None,
    extra_keys: tuple = (),
) -> pd.DataFrame:
    """Outliers across units by :class:`OutlierRule`.

    Input: observations (contract columns; ``value`` in the indicator's unit); ``kinds`` maps
    indicator code → kind (taken from the catalogue when None). Output: the flagged rows with
    extra columns ``median`` and ``robust_z``.
    """
    if kinds is None:
        ref = ref or load_reference()
        kinds = {c: i.kind for c, i in ref.indicators.items()}
    out = []
    if obs.empty:
        return obs.assign(median=pd.Series(dtype=float), robust_z=pd.Series(dtype=float))
    # The province row is the aggregate of the districts, not one of them: left out.
    keys = list(extra_keys) + ["indicator_code", "year", "period", "sex"]
    cand = obs[(obs["unit_code"] != "SL") & obs["value"].notna()]
    n_units = cand.groupby(keys, sort=False, dropna=False)["unit_code"].transform("nunique")
    cand = cand[n_units >= rule.min_units]
    for _key, grp in cand.groupby(keys, sort=True, dropna=False):
        kind = kinds.get(grp["indicator_code"].iloc[0], "count")
        x = grp["value"].to_numpy(dtype=float)
        share = kind == "proportion"
        t = x if share else np.log1p(np.clip(x, 0, None))
        z = robust_z(t)
        med = float(np.median(x))
        min_diff = rule.min_abs_diff_share if share else rule.min_abs_diff_count
        flag = (np.abs(z) > rule.z_threshold) & (np.abs(x - med) >= min_diff)
        flag &= _beyond_chance(x, med, grp, share, rule.z_chance)
        if flag.any():
            out.append(grp[flag].assign(median=med, robust_z=z[flag]))
    if not out:
        return obs.iloc[0:0].assign(median=pd.Series(dtype=float), robust_z=pd.Series(dtype=float))
    return pd.concat(out).reset_index(drop=True)


def _num(v) -> float:
    """A float from a cell-like value, NaN when missing."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return float("nan")
    return x


def _beyond_chance(x: np.ndarray, med: float, grp: pd.DataFrame, share: bool, z: float) -> np.ndarray:
    """Which values differ from the median by more than chance (binomial/Poisson, see
    :class:`OutlierRule`); True where no denominator is known for a share."""
    if share:
        n = (
            pd.to_numeric(grp["denominator"], errors="coerce").to_numpy(dtype=float)
            if "denominator" in grp
            else np.full(len(x), np.nan)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            # Agresti–Coull adjusted share, so a median of 0% or 100% still has a spread.
            p = (med / 100.0 * n + 2.0) / (n + 4.0)
            se = 100.0 * np.sqrt(p * (1 - p) / n)
        return np.where(np.isfinite(se) & (n > 0), np.abs(x - med) > z * se, True)
    return np.abs(x - med) > z * np.sqrt(max(med, 1.0))


def detect_jumps(
    obs: pd.DataFrame,
    ref: Reference | None = None,
    rule: JumpRule = JUMP_RULE,
    kinds: dict | None = None,
    extra_keys: tuple = (),
) -> pd.DataFrame:
    """Implausible year-on-year jumps by :class:`JumpRule`.

    ``extra_keys`` adds grouping columns (e.g. ``source_file`` to compare only within a file).
    Output: the later row of each flagged pair, with ``previous_year`` and ``previous_value``.
    """
    if kinds is None:
        ref = ref or load_reference()
        kinds = {c: i.kind for c, i in ref.indicators.items()}
    empty = obs.iloc[0:0].assign(previous_year=pd.Series(dtype="Int64"), previous_value=pd.Series(dtype=float))
    if obs.empty:
        return empty
    keys = list(extra_keys) + ["indicator_code", "unit_code", "period", "sex"]
    o = obs[obs["value"].notna()].copy()
    o["year"] = pd.to_numeric(o["year"], errors="coerce")
    o = o[o["year"].notna()].sort_values(keys + ["year"], kind="mergesort")
    g = o.groupby(keys, sort=False, dropna=False)
    x1 = o["value"].astype(float)
    x0 = g["value"].shift(1).astype(float)
    y0 = g["year"].shift(1)
    n1 = pd.to_numeric(o["denominator"], errors="coerce") if "denominator" in o else pd.Series(np.nan, index=o.index)
    n0 = n1.groupby([o[k] for k in keys], sort=False, dropna=False).shift(1) if "denominator" in o else n1
    kind = o["indicator_code"].map(lambda c: kinds.get(c, "count"))
    share = kind == "proportion"
    with np.errstate(divide="ignore", invalid="ignore"):
        pool = (x0 / 100 * n0 + x1 / 100 * n1) / (n0 + n1)
        se = np.sqrt(np.maximum(pool * (1 - pool), 1e-12) * (1 / n0 + 1 / n1))
        known = (n0 > 0) & (n1 > 0)
        share_jump = ((x1 - x0).abs() > rule.max_pp) & (~known | ((x1 - x0).abs() / 100 > rule.z_chance * se))
        r = (x1 + 1) / (x0 + 1)
        count_jump = (
            ((r > rule.max_ratio) | (r < 1 / rule.max_ratio))
            & ((x1 - x0).abs() >= rule.min_abs_change)
            & ((kind != "count") | ((x1 - x0).abs() / np.sqrt(np.maximum(x0 + x1, 1)) > rule.z_chance))
        )
    flag = x0.notna() & np.where(share, share_jump, count_jump)
    out = o[flag.to_numpy(dtype=bool)].assign(previous_year=y0[flag].astype("Int64"), previous_value=x0[flag])
    return out.reset_index(drop=True) if len(out) else empty


def plausibility_messages(obs: pd.DataFrame, ref: Reference | None = None, extra_keys: tuple = ()) -> list[Message]:
    """Warnings for outliers and implausible jumps among accepted records/observations.

    ``extra_keys=("source_file",)`` keeps the comparisons within each file.
    """
    ref = ref or load_reference()
    msgs = []
    for _, rec in detect_outliers(obs, ref, extra_keys=extra_keys).iterrows():
        msgs.append(
            rec_message(
                rec,
                "warning",
                "outlier",
                "value",
                f"giá trị ngoại lai so với các đơn vị khác (trung vị {fmt_number_vi(rec['median'])}, điểm z vững "
                f"{fmt_number_vi(round(rec['robust_z'], 1))}): đề nghị kiểm tra lại",
                f"outlier compared with the other units "
                f"(median {fmt_number(rec['median'])}, robust z {rec['robust_z']:.1f}): please check",
            )
        )
    for _, rec in detect_jumps(obs, ref, extra_keys=extra_keys).iterrows():
        msgs.append(
            rec_message(
                rec,
                "warning",
                "implausible_jump",
                "value",
                f"thay đổi bất thường so với năm {rec['previous_year']} ({fmt_number_vi(rec['previous_value'])}): "
                "đề nghị kiểm tra lại",
                f"implausible change from {rec['previous_year']} ({fmt_number(rec['previous_value'])}): please check",
            )
        )
    return msgs
