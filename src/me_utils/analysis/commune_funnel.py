"""Funnel comparison across the 75 communes for one indicator and year (layer: analysis —
uses :mod:`me_utils.analysis.funnel` and :mod:`me_utils.reference.units`).

A commune report can place its unit among the others without ranking them: the table is
ordered by name, each row carries its former-district area (so 75 rows can be read by area)
and the cross-district flag. Only indicators with counts (numerator and denominator) are
compared; a share typed without its counts cannot be placed on a funnel.
"""

from __future__ import annotations

import pandas as pd

from me_utils.analysis import funnel
from me_utils.reference.units import Units, load_units


def commune_funnel(
    observations: pd.DataFrame,
    indicator_code: str,
    year: int,
    period: str = "FY",
    sex: str = "T",
    kind: str = "proportion",
    per: float = 100.0,
    units: Units | None = None,
    lang: str = "vi",
) -> tuple[pd.DataFrame, dict]:
    """Funnel table of the communes' figures for ``indicator_code`` in ``year``/``period``.

    Inputs: processed observations (contract columns), the indicator, year, period, sex;
    ``kind`` and ``per`` as in :func:`me_utils.analysis.funnel.funnel_table` (``per=100`` for a share in
    percent). Output: ``(table, od)``: the funnel table (``unit`` = display name, ordered by
    name) plus ``unit_code``, ``former_districts`` (names, ``; ``-joined) and
    ``cross_district``; ``od`` the overdispersion summary. Communes without counts or with a
    zero denominator are left out (``od["n_units"]`` says how many were compared). Raises
    ValueError when fewer than 2 communes have counts.
    """
    units = units or load_units()
    communes = set(units.communes())
    o = observations
    sel = o[
        (o["indicator_code"] == indicator_code)
        & (o["year"] == year)
        & (o["period"] == period)
        & (o["sex"] == sex)
        & o["unit_code"].astype(str).isin(communes)
        & o["numerator"].notna()
        & (o["denominator"] > 0)
    ]
    if len(sel) < 2:
        raise ValueError(
            f"{indicator_code} {year} {period}: {len(sel)} commune(s) with counts; a funnel needs 2 or more"
        )
    codes = sel["unit_code"].astype(str).tolist()
    names = [units.name(c, lang) for c in codes]
    tab, od = funnel.funnel_table(
        names, sel["numerator"].to_numpy(float), sel["denominator"].to_numpy(float), kind=kind, per=per
    )
    info = {units.name(c, lang): c for c in codes}
    tab["unit_code"] = tab["unit"].map(info)
    tab["former_districts"] = tab["unit_code"].map(
        lambda c: "; ".join(units.name(d, lang, full=True) for d in units[c].former_districts)
    )
    tab["cross_district"] = tab["unit_code"].map(lambda c: len(units[c].former_districts) > 1)
    return tab, od
