"""GBV indicators from the case register: GBVIMS context flags, indicators, delay bands, rates.

The register itself (schema, codes, labels, validation) is :mod:`me_utils.intake.register`.

The register schema is fixed in ``docs/CONTRACTS.md`` ("GBV register schema"). One row is one
reported incident of one survivor (GBVIMS Incident Recorder practice).

Assumptions (shown in the report's method note via :data:`ASSUMPTIONS`):

- Only incidents with ``consent_reporting = 1`` enter statistics (GBVIMS/Primero
  ``consent_reporting`` filter); the number left out is reported.
- An incident is counted in the year of its first report (``report_date``), i.e. the year it
  was *detected*.
- One register row = one detected survivor-incident; a survivor reporting twice in a year
  is counted twice (the register holds no survivor identity, by design).
- "Survivor" indicators (M3.C2a, G.1, G.2) use GBV incidents (``incident_type`` ≠
  ``non_gbv``); DV.4/DV.5 use every incident flagged ``domestic_violence = 1`` (45/QĐ-TTg
  covers all domestic violence).
- "Basic service" = at least one of health, psychosocial, legal aid, police/justice, safe
  shelter / "địa chỉ tin cậy". G.2 counts a case as helped when it received at least one of
  them. DV.4 counts a victim as protected/aided/cared for when she or he received protection
  (police/justice or safe shelter), legal aid or health care; the three parts are also shown.
- Perpetrator counselling (M3.C2b, DV.5) is measured among detected perpetrators not
  criminally prosecuted, matching the register column's definition.
- Rates per 100,000 women and girls use female survivors over the female population of all
  ages of the same unit and year.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.analysis.intervals import rate_ci, wilson_ci
from me_utils.intake.register import (  # noqa: F401 (the register's codes and reader, re-exported for the analysis)
    AGE_GROUPS,
    ASSUMPTIONS,
    CASE_ID_PATTERN,
    CHILD_AGE_GROUPS,
    COMMUNES,
    DATES,
    DELAY_BANDS,
    DISTRICTS,
    ETHNICITIES,
    FLAGS,
    GBV_TYPES,
    INCIDENT_TYPES,
    LABELS,
    OPTIONAL_COLUMNS,
    PRIVATE_COLUMNS,
    REGISTER_COLUMNS,
    REGISTER_UNITS,
    SERVICES,
    SEXES,
    WARNING_CHECKS,
    RegisterError,
    add_derived,
    delay_band,
    derive_context_flags,
    label,
    read_register,
    register_schema,
    unit_date_problems,
    validate_register,
)
from me_utils.reference.units import load_units


def find_input(data_root: str | os.PathLike, rel: str) -> Path:
    """``<root>/processed/<rel>`` if present, else ``<root>/raw/<rel>``."""
    root = Path(data_root)
    for base in (root / "processed", root / "raw"):
        if (base / rel).exists():
            return base / rel
    return root / "raw" / rel


# --------------------------------------------------------------------------- units of a phase


def phase_units(period_start: int) -> list[str]:
    """Codes of the units below the province that a phase's GBV cubes are built on: the 12
    former districts for a phase starting before 2026 (2021–2025), the 75 communes for
    2026–2030 (units in force on 1 January of ``period_start``)."""
    return load_units().subunits_for_phase(int(period_start))


def phase_areas(codes, period_start: int) -> pd.Series:
    """The unit each case is counted under in a phase's cubes (input: the register's
    ``unit_code`` values; output: str Series, same index).

    From 01/07/2025 cases carry the commune that received them. In a district phase
    (2021–2025) a commune formed from one former district counts under that district (the
    crosswalk aggregates communes to former-district areas, so 2025 stays a full year); a
    commune formed from two former districts (xã Chiềng Sơn: Vân Hồ and Mộc Châu) cannot be
    split by case, so it keeps its own code and the report lists it as a unit of its own (it
    still counts in the province total). In a commune phase the codes are kept."""
    s = pd.Series(codes).astype(str)
    if int(period_start) >= 2026:
        return s
    units = load_units()
    mapping = {}
    for c in pd.unique(s):
        u = units[c] if c in units else None
        one = u is not None and u.level == "commune" and len(u.former_districts) == 1
        mapping[c] = u.former_districts[0] if one else c
    return s.map(mapping)


# --------------------------------------------------------------------------- indicators


@dataclass
class Consented:
    """Result of the consent filter: ``data`` (consented incidents), ``excluded`` (count of
    incidents left out), ``total`` (all incidents)."""

    data: pd.DataFrame
    excluded: int
    total: int


def consented(reg: pd.DataFrame) -> Consented:
    """Keep only incidents with ``consent_reporting == 1``."""
    m = reg["consent_reporting"] == 1
    return Consented(reg.loc[m].copy(), int((~m).sum()), int(len(reg)))


INDICATORS = {
    # code: (short label vi, short label en); a fallback when the catalogue lacks the code —
    # the computation is in indicator_parts, names and targets in data/reference/indicators.yaml
    "M3.C2a": (
        "Người bị BLGĐ, BLTCSG được phát hiện tiếp cận ít nhất một dịch vụ hỗ trợ cơ bản",
        "Detected survivors reaching at least one basic support service",
    ),
    "M3.C2b": (
        "Người gây bạo lực được phát hiện (chưa bị truy cứu hình sự) được tư vấn, tham vấn",
        "Detected perpetrators (not prosecuted) counselled",
    ),
    "G.1": (
        "Người bị BLTCSG tìm kiếm sự trợ giúp từ cơ quan cung cấp dịch vụ",
        "GBV survivors seeking help from service providers",
    ),
    "G.2": ("Trường hợp có nhu cầu trợ giúp được trợ giúp", "Cases needing help that were helped"),
    "DV.4": (
        "Người bị BLGĐ khi phát hiện được bảo vệ, trợ giúp pháp lý hoặc chăm sóc sức khỏe",
        "Detected DV victims protected, given legal aid or health care",
    ),
    "DV.4a": (
        "Người bị BLGĐ được bảo vệ (công an/tư pháp hoặc nơi tạm lánh)",
        "DV victims protected (police/justice or shelter)",
    ),
    "DV.4b": ("Người bị BLGĐ được trợ giúp pháp lý", "DV victims given legal aid"),
    "DV.4c": ("Người bị BLGĐ được chăm sóc sức khỏe", "DV victims given health care"),
    "DV.5": ("Người có hành vi BLGĐ khi phát hiện được tư vấn", "Detected DV perpetrators counselled"),
}
#: Register indicators whose targets live in the catalogue (``data/reference/indicators.yaml``).
CATALOGUE_CODES = ["M3.C2a", "M3.C2b", "G.1", "G.2", "DV.4", "DV.5"]


def indicator_parts(reg: pd.DataFrame) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Per-incident numerator and denominator indicators (0/1 Series) of each register
    indicator. Input: *consented* typed register. Output: code → (numerator, in_denominator).
    The numerator is only counted where the row is in the denominator."""
    gbv = reg["incident_type"].astype(str) != "non_gbv"
    # 45/QĐ-TTg covers all domestic violence, gender-based or not
    dv = reg["domestic_violence"] == 1
    perp = (reg["perpetrator_detected"] == 1) & (reg["perpetrator_prosecuted"] == 0)
    protect = (reg["svc_police_justice"] == 1) | (reg["svc_safe_shelter"] == 1)
    legal = reg["svc_legal"] == 1
    health = reg["svc_health"] == 1
    anysvc = reg[SERVICES].sum(axis=1) > 0
    return {
        "M3.C2a": (anysvc, gbv),
        "M3.C2b": (reg["perpetrator_counselled"] == 1, gbv & perp),
        "G.1": (reg["sought_help"] == 1, gbv),
        "G.2": (anysvc, gbv & (reg["needed_help"] == 1)),
        "DV.4": (protect | legal | health, dv),
        "DV.4a": (protect, dv),
        "DV.4b": (legal, dv),
        "DV.4c": (health, dv),
        "DV.5": (reg["perpetrator_counselled"] == 1, dv & perp),
    }


def compute_indicators(
    reg: pd.DataFrame, by: list[str] | tuple = ("year",), codes: list[str] | None = None, level: float = 0.95
) -> pd.DataFrame:
    """Register indicators as counts, percent and Wilson interval.

    Inputs: *consented* typed register (see :func:`consented`), grouping columns ``by`` (e.g.
    ``["year"]`` or ``["unit_code", "year"]``), optional list of ``codes``, CI ``level``.
    Output: long DataFrame ``indicator_code, *by, numerator, denominator, value`` (percent
    0–100), ``ci_low``, ``ci_high`` (percent); NaN value when the denominator is 0.
    """
    parts = indicator_parts(reg)
    codes = codes or list(parts)
    by = list(by)
    frames = []
    for code in codes:
        num, den = parts[code]
        tmp = reg[by].copy() if by else pd.DataFrame(index=reg.index)
        tmp["numerator"] = (num & den).astype("int64")
        tmp["denominator"] = den.astype("int64")
        if by:
            g = tmp.groupby(by, observed=True, sort=True)[["numerator", "denominator"]].sum().reset_index()
        else:
            g = tmp[["numerator", "denominator"]].sum().to_frame().T
        g.insert(0, "indicator_code", code)
        frames.append(g)
    out = pd.concat(frames, ignore_index=True)
    return _with_percent_ci(out, level)


def _with_percent_ci(out: pd.DataFrame, level: float) -> pd.DataFrame:
    """Add ``value`` (percent, NaN when the denominator is 0) and the Wilson ``ci_low`` /
    ``ci_high`` (percent) to a frame with ``numerator`` and ``denominator`` columns."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out["value"] = np.where(out["denominator"] > 0, out["numerator"] / out["denominator"] * 100, np.nan)
    lo, hi = wilson_ci(out["numerator"].to_numpy(), out["denominator"].to_numpy(), level)
    out["ci_low"] = np.asarray(lo) * 100
    out["ci_high"] = np.asarray(hi) * 100
    return out


def m3c3(returnees: pd.DataFrame, by: list[str] | tuple = ("year",), level: float = 0.95) -> pd.DataFrame:
    """M3.C3 — returning trafficking victims in need who were supported (police ``CA`` and
    border guard ``BDBP`` figures summed; each agency reports the returnees it detected).

    Input: ``trafficking/returnees.csv`` frame (year, unit_code, agency, returnees_detected,
    returnees_in_need, returnees_supported). Output: like :func:`compute_indicators` with
    ``indicator_code = 'M3.C3'``. Raises ValueError when supported > in need or in need >
    detected (named row).
    """
    need = ["year", "unit_code", "agency", "returnees_detected", "returnees_in_need", "returnees_supported"]
    miss = [c for c in need if c not in returnees.columns]
    if miss:
        raise ValueError(f"trafficking/returnees.csv: missing column(s) {miss}")
    r = returnees.reset_index(drop=True)  # positional rows: line = position + 2
    for c in need[3:]:
        v = pd.to_numeric(r[c], errors="coerce")
        bad = r.index[v.isna() | (v < 0) | (v % 1 != 0)]
        if len(bad):
            # row = line in the csv (header is line 1); aggregate counts, so the value is safe to show
            raise ValueError(
                f"trafficking/returnees.csv row {int(bad[0]) + 2}, column {c}: "
                f"{str(r.at[bad[0], c])!r} is not a whole number ≥ 0"
            )
        r[c] = v.astype("int64")
    bad = r.index[
        (r["returnees_supported"] > r["returnees_in_need"]) | (r["returnees_in_need"] > r["returnees_detected"])
    ]
    if len(bad):
        raise ValueError(f"trafficking/returnees.csv row {int(bad[0]) + 2}: supported > in need or in need > detected")
    by = list(by)
    g = r.groupby(by, sort=True)[["returnees_supported", "returnees_in_need"]].sum().reset_index()
    g = g.rename(columns={"returnees_supported": "numerator", "returnees_in_need": "denominator"})
    g.insert(0, "indicator_code", "M3.C3")
    return _with_percent_ci(g, level)


def case_counts(reg: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Detected incidents by the given dimensions (all category combinations, zeros kept).

    Input: consented typed register, dimension columns (e.g. ``["unit_code", "year",
    "incident_type", "survivor_sex"]``). Output: long DataFrame ``*dims, n``.
    """
    g = reg.groupby(list(dims), observed=False, sort=True).size()
    return g.rename("n").reset_index()


def female_population(pop: pd.DataFrame) -> pd.DataFrame:
    """Women and girls (all ages) per unit and year from ``population/population.csv``.
    Output: ``unit_code, year, population``."""
    p = pop[pop["sex"].astype(str) == "F"]
    return p.groupby(["unit_code", "year"], sort=True)["population"].sum().reset_index()


def rates_per_100k(
    reg: pd.DataFrame, pop: pd.DataFrame, by: list[str] | tuple = ("unit_code", "year"), level: float = 0.95
) -> pd.DataFrame:
    """Detected female survivors of GBV per 100,000 women and girls, with Garwood intervals.

    Inputs: consented typed register, population frame (year, unit_code, sex, age_group,
    population), grouping ``by`` ⊆ {unit_code, year}. Output: ``*by, n`` (female GBV survivors),
    ``population`` (women and girls), ``rate``, ``ci_low``, ``ci_high`` (per 100,000).
    """
    by = list(by)
    f = reg[(reg["survivor_sex"].astype(str) == "F") & (reg["incident_type"].astype(str) != "non_gbv")]
    f = f.assign(unit_code=f["unit_code"].astype(str), year=f["year"].astype("int64"))
    n = f.groupby(by).size().rename("n")
    fp = female_population(pop)
    fp["unit_code"] = fp["unit_code"].astype(str)
    fp["year"] = fp["year"].astype("int64")
    popg = fp[fp["unit_code"].isin(DISTRICTS)].groupby(by)["population"].sum()
    df = pd.concat([n, popg], axis=1).fillna({"n": 0}).reset_index()
    df = df[df["population"].notna()]
    df["n"] = df["n"].astype("int64")
    rate, lo, hi = rate_ci(df["n"].to_numpy(), df["population"].to_numpy(), per=100_000, level=level)
    df["rate"], df["ci_low"], df["ci_high"] = rate, lo, hi
    return df.reset_index(drop=True)
