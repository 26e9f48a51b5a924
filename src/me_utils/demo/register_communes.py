"""The illustrative GBV register after the 2025 reform: cases received from 01/07/2025 carry the
commune (xã/phường) that received them, and 2026 — the first year of the 2026–2030 phase — has
cases by commune (layer: demo, uses core and reference only).

ILLUSTRATIVE (dữ liệu minh họa): every case is generated; nothing is a Sơn La statistic.

- :func:`recode_after_reform`: a case of the 2020–2025 register received on or after
  01/07/2025 moves from its former district to one of that district's new communes (a commune
  formed from that district only, so the district totals of 2025 stay exactly as generated and
  the 2021–2025 reports are unchanged); its case id follows its new unit.
- :func:`cases_2026`: 2026 cases by commune. Per former district the number of cases is
  Poisson with mean 1.05 × its 2025 cases (the register's detection trend continued); each case
  copies the attributes of a random 2024–2025 case of the same district (type, survivor, services,
  perpetrator — so the GBVIMS rules hold) with a new report date in 2026 (up to 30/11/2026, the
  data of the 2026 annual report) and the same reporting delay, and is received by one of the
  district's new communes (commune weights drawn once; the cross-district commune Chiềng Sơn
  receives cases from both of its former districts).
- :func:`by_former_district`: the 2020–2025 part of the register with commune codes mapped back
  to their former district — what the demo's 2020–2025 submissions are computed from.

Random numbers come from their own stream (seed, :data:`STREAM_ID`), so the 2020–2025 draws of
:func:`me_utils.demo.tables.make_register` are unchanged.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from me_utils.reference.units import REFORM_DATE, load_units

STREAM_ID = 27  # independent of demo_tables.STREAM (1–8) and demo_communes (26)
YEAR = 2026
#: last report date of the generated 2026 cases (the data of the annual report due 25/11/2026)
LAST_REPORT = _dt.date(YEAR, 11, 30)
GROWTH = 1.05


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng([int(seed), STREAM_ID])


def _own_communes(district: str) -> list[str]:
    """New communes formed from ``district`` only (resolution order)."""
    units = load_units()
    return [c for c in units.successors(district) if tuple(units[c].former_districts) == (district,)]


def _case_ids(df: pd.DataFrame) -> pd.Series:
    """``GBV-<unit>-<year>-<nnnn>``, numbered in report-date order within unit and year."""
    year = df["report_date"].str[:4]
    order = df.assign(_y=year).sort_values(["unit_code", "_y", "report_date"], kind="stable")
    seq = order.groupby(["unit_code", "_y"], sort=False).cumcount() + 1
    ids = "GBV-" + order["unit_code"] + "-" + order["_y"] + "-" + seq.map(lambda i: f"{i:04d}")
    return ids.reindex(df.index)


def recode_after_reform(register: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Cases received on or after 01/07/2025 under a district code move to one of the
    district's own new communes (uniform choice). Input/output: register frame (columns of
    docs/CONTRACTS.md); case ids of the moved cases are renumbered, the others kept."""
    out = register.copy()
    late = (out["report_date"] >= REFORM_DATE.isoformat()).to_numpy()
    units = load_units()
    districts = set(units.districts())
    for d in sorted(set(out.loc[late, "unit_code"]) & districts):
        m = late & (out["unit_code"] == d).to_numpy()
        own = _own_communes(d)
        out.loc[m, "unit_code"] = np.array(own, dtype=object)[rng.integers(0, len(own), size=int(m.sum()))]
    moved = out["unit_code"] != register["unit_code"]
    if moved.any():
        ids = _case_ids(out[out["unit_code"].isin(set(out.loc[moved, "unit_code"]))])
        out.loc[ids.index, "case_id"] = ids
    return out


def cases_2026(register: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Generated 2026 cases by commune (see the module docstring). Input: the 2020–2025
    register *before* :func:`recode_after_reform` (district codes). Output: register rows."""
    units = load_units()
    year = register["report_date"].str[:4].astype(int)
    days = (LAST_REPORT - _dt.date(YEAR, 1, 1)).days + 1
    frames = []
    for d in units.districts():
        base = register[(register["unit_code"] == d) & year.isin([2024, 2025]).to_numpy()]
        n = int(rng.poisson(GROWTH * int((base["report_date"].str[:4] == "2025").sum())))
        communes = units.successors(d)
        if n == 0 or base.empty or not communes:
            continue
        w = rng.gamma(2.0, 1.0, size=len(communes))  # lasting commune sizes (illustrative)
        rows = base.iloc[rng.integers(0, len(base), size=n)].copy()
        delay = (
            pd.to_datetime(rows["report_date"], format="%Y-%m-%d")
            - pd.to_datetime(rows["incident_date"], format="%Y-%m-%d")
        ).dt.days.to_numpy()
        report = [_dt.date(YEAR, 1, 1) + _dt.timedelta(days=int(k)) for k in rng.integers(0, days, size=n)]
        rows["report_date"] = [r.isoformat() for r in report]
        rows["incident_date"] = [(r - _dt.timedelta(days=int(k))).isoformat() for r, k in zip(report, delay)]
        rows["unit_code"] = np.array(communes, dtype=object)[rng.choice(len(communes), size=n, p=w / w.sum())]
        frames.append(rows)
    if not frames:
        return register.iloc[:0].copy()
    out = pd.concat(frames, ignore_index=True)
    out["case_id"] = _case_ids(out)
    return out


def extend_register(register: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The demo register of :func:`me_utils.demo.tables.make_register` with the reform applied
    and the 2026 cases added; sorted by case id."""
    rng = _rng(seed)
    new = cases_2026(register, rng)
    old = recode_after_reform(register, rng)
    return pd.concat([old, new], ignore_index=True).sort_values("case_id", kind="stable", ignore_index=True)


def by_former_district(register: pd.DataFrame, last_year: int = 2025) -> pd.DataFrame:
    """Cases reported up to ``last_year`` with each commune code replaced by its former
    district (the demo never puts a 2025 case in a commune of two former districts; such a row
    raises ValueError). Output: a copy of those rows."""
    units = load_units()
    out = register[register["report_date"].str[:4].astype(int) <= last_year].copy()
    codes = pd.unique(out["unit_code"])
    mapping = {}
    for c in codes:
        u = units[c]
        if u.level != "commune":
            mapping[c] = c
        elif len(u.former_districts) == 1:
            mapping[c] = u.former_districts[0]
        else:
            raise ValueError(f"by_former_district: commune {c} was formed from several former districts")
    out["unit_code"] = out["unit_code"].map(mapping)
    return out
