"""Geography of figures across the 2025 reform: which geography a figure uses, and commune
figures summed to former-district areas (layer: reference — depends on :mod:`me_utils.reference.units`
and pandas only).

Province series run unbroken; district series end on 30/06/2025; commune series start on
01/07/2025. To set a 2026 commune figure beside a 2021–2025 district series, the communes are
summed over the area of each former district (crosswalk_2025.csv). One commune crosses
districts (xã Chiềng Sơn = Chiềng Xuân of Vân Hồ + Chiềng Sơn of Mộc Châu): no verified
population or area split exists, so it is never divided; ``cross_district="separate"`` (the
default) keeps it as an area of its own (``MC+VH``) so the areas still add up to the province,
``"include"`` counts it in both districts (flagged; then the areas overlap and do not add up).
"""

from __future__ import annotations

import pandas as pd

from me_utils.reference.units import Units, load_units

GEOGRAPHIES = ("province", "district", "commune")


def add_geography(frame: pd.DataFrame, units: Units | None = None, unit_col: str = "unit_code") -> pd.DataFrame:
    """Copy of ``frame`` with a ``geography`` column (``province``/``district``/``commune``,
    from the unit's level; empty string for an unknown code), so every figure says which
    geography it uses."""
    units = units or load_units()
    level = {c: units[c].level for c in units.codes(levels=None)}
    out = frame.copy()
    out["geography"] = out[unit_col].astype(str).map(level).fillna("").astype(str)
    return out


def former_district_areas(units: Units | None = None, cross_district: str = "separate") -> pd.DataFrame:
    """Commune → former-district area table: ``unit_code, area, area_name_vi, area_name_en,
    cross_district`` (one row per commune, two for a cross-district commune when
    ``cross_district="include"``)."""
    if cross_district not in ("separate", "include"):
        raise ValueError(f"cross_district must be 'separate' or 'include', got {cross_district!r}")
    units = units or load_units()
    rows = []
    for c in units.communes():
        u = units[c]
        ds = list(u.former_districts)
        cross = len(ds) > 1
        if cross and cross_district == "separate":
            # areas ordered as units.csv lists the districts: MC before VH
            ds = [d for d in units.districts() if d in ds]
            rows.append(
                (
                    c,
                    "+".join(ds),
                    " + ".join(units.name(d, "vi", full=True) for d in ds) + " (xã liên huyện)",
                    " + ".join(units.name(d, "en", full=True) for d in ds) + " (cross-district commune)",
                    True,
                )
            )
            continue
        for d in ds:
            rows.append((c, d, units.name(d, "vi", full=True), units.name(d, "en", full=True), cross))
    return pd.DataFrame(rows, columns=["unit_code", "area", "area_name_vi", "area_name_en", "cross_district"])


def aggregate_to_former_districts(
    frame: pd.DataFrame,
    value_cols: list[str],
    by: list[str] = (),
    units: Units | None = None,
    cross_district: str = "separate",
    unit_col: str = "unit_code",
) -> pd.DataFrame:
    """Sum commune figures over former-district areas.

    Inputs: ``frame`` with ``unit_col`` holding commune codes (rows of other units are
    ignored) and additive ``value_cols`` (counts: numerators, denominators, cases — never
    shares or rates, which must be recomputed from the summed counts); ``by`` (e.g.
    ``["indicator_code", "year", "period", "sex"]``). Output: one row per ``by`` × area with
    ``area``, ``area_name_vi``, ``area_name_en``, ``cross_district`` (the area includes a
    commune formed from two former districts), ``n_communes`` (communes with a row) and
    ``n_communes_expected`` (communes of the area), the summed ``value_cols`` (missing
    values count as missing: a sum with a missing commune is NaN, never a silent undercount),
    and ``geography`` = ``former_district_area``.
    """
    units = units or load_units()
    areas = former_district_areas(units, cross_district)
    expected = areas.groupby("area")["unit_code"].nunique()
    by = list(by)
    com = frame[frame[unit_col].astype(str).isin(set(areas["unit_code"]))]
    m = com.merge(areas, left_on=unit_col, right_on="unit_code", how="inner", suffixes=("", "_area"))
    keys = by + ["area", "area_name_vi", "area_name_en"]
    g = m.groupby(keys, sort=False, dropna=False)
    out = g[value_cols].sum(min_count=1).reset_index()
    # any missing value in a group makes the sum missing
    nan_any = g[value_cols].apply(lambda x: x.isna().any()).reset_index(drop=True)
    for c in value_cols:
        out.loc[nan_any[c].to_numpy(), c] = float("nan")
    out["cross_district"] = g["cross_district"].any().to_numpy()
    out["n_communes"] = g[unit_col].nunique().to_numpy()
    out["n_communes_expected"] = out["area"].map(expected).astype(int)
    incomplete = out["n_communes"] < out["n_communes_expected"]
    out.loc[incomplete, value_cols] = float("nan")
    out["geography"] = "former_district_area"
    order = {d: i for i, d in enumerate(units.districts())}
    out["_o"] = out["area"].map(lambda a: min(order.get(x, 99) for x in a.split("+")) + (0.5 if "+" in a else 0))
    return out.sort_values(by + ["_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
