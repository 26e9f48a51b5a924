"""Generated leadership tables of the illustrative demo: people's council seats (anchored on
Son La's real 2021-2026 published totals), key leaders and the planning pool, by year and unit.

Uses the shared demo settings (years, districts, random streams) of :mod:`me_utils.demo.tables`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from me_utils.demo.tables import (
    COMMUNES,
    DATA_STATUS,
    DISTRICT_CODES,
    POP_WEIGHT,
    YEARS,
    lin,
    ref_path,
    rng_for,
)

# --------------------------------------------------------------------------------------------
# Leadership
# --------------------------------------------------------------------------------------------

COUNCIL_SOURCE_IDS = {
    "province": "SL_HDND_PROVINCE_2021",
    "district": "SL_HDND_DISTRICT_2021",
    "commune": "SL_HDND_COMMUNE_2021",
}


@dataclass(frozen=True)
class PublishedTotal:
    """A real published council total: ``women`` of ``seats`` with its source."""

    level: str
    women: int
    seats: int
    source: str


def published_council_totals() -> dict[str, PublishedTotal]:
    """Read Son La's real 2021-2026 council totals from ``leadership_reference.csv``.

    Output: level -> PublishedTotal. Raises ValueError naming the file and figure id when a
    figure is missing (the demo never falls back to typed-in numbers).
    """
    path = ref_path("leadership_reference.csv")
    ref = pd.read_csv(path, dtype=str)
    out = {}
    for level, fid in COUNCIL_SOURCE_IDS.items():
        row = ref[ref["figure_id"] == fid]
        if len(row) != 1:
            raise ValueError(f"{path}: figure_id {fid} not found exactly once")
        r = row.iloc[0]
        out[level] = PublishedTotal(level, int(r["women"]), int(r["total"]), f"{r['source_title']} {r['source_url']}")
    return out


def _split_total(rng, total: int, weights, caps=None) -> np.ndarray:
    """Split ``total`` into integers roughly proportional to ``weights`` (largest remainder),
    each at most ``caps`` when given."""
    w = np.asarray(weights, dtype=float)
    raw = total * w / w.sum()
    out = np.floor(raw).astype(int)
    order = np.argsort(-(raw - out), kind="stable")
    i = 0
    while out.sum() < total:
        j = order[i % len(order)]
        if caps is None or out[j] < caps[j]:
            out[j] += 1
        i += 1
    if caps is not None and (out > caps).any():
        raise ValueError("cannot split within caps")
    return out


def make_councils(seed: int) -> pd.DataFrame:
    """People's Council composition by term and level.

    Output columns: ``term, level, unit_code, seats, women, ethnic_minority_women,
    data_status, figure_status, source``. ``figure_status`` says what the row's seats/women
    are: ``published`` (province 2021-2026: the real figure), ``split_of_published_total``
    (district and commune rows 2021-2026: generated split whose level sums equal the real
    totals), ``generated`` (2016-2021). ``ethnic_minority_women`` is always generated.
    ``source`` cites the real figure where one is involved. Commune rows are aggregated per
    district.
    """
    rng = rng_for(seed, "councils")
    pub = published_council_totals()
    rows = []
    # district council seats (assumption; 2021 sums to the published 405)
    d_weight = np.array([POP_WEIGHT[d] for d in DISTRICT_CODES], float) ** 0.3
    em_share = {d: (0.45 if d == "TPSL" else 0.6 if d == "MC" else rng.uniform(0.75, 0.92)) for d in DISTRICT_CODES}
    for term in ("2016-2021", "2021-2026"):
        real = term == "2021-2026"
        # province
        if real:
            seats, women, fs, src = pub["province"].seats, pub["province"].women, "published", pub["province"].source
        else:
            seats, women, fs, src = 56, int(rng.integers(15, 19)), "generated", ""
        rows.append((term, "province", "SL", seats, women, int(round(women * rng.uniform(0.62, 0.75))), fs, src))
        # district level: one row per district
        d_seats = (
            _split_total(rng, pub["district"].seats, d_weight)
            if real
            else _split_total(rng, int(rng.integers(398, 412)), d_weight)
        )
        d_total_women = pub["district"].women if real else int(round(d_seats.sum() * rng.uniform(0.30, 0.33)))
        share = rng.uniform(0.75, 1.25, size=len(DISTRICT_CODES))
        d_women = _split_total(rng, d_total_women, d_seats * share, caps=d_seats)
        for i, d in enumerate(DISTRICT_CODES):
            rows.append(
                (
                    term,
                    "district",
                    d,
                    int(d_seats[i]),
                    int(d_women[i]),
                    int(round(d_women[i] * em_share[d])),
                    "split_of_published_total" if real else "generated",
                    pub["district"].source if real else "",
                )
            )
        # commune level aggregated per district
        c_weight = np.array([COMMUNES[d] for d in DISTRICT_CODES], float)
        c_seats = (
            _split_total(rng, pub["commune"].seats, c_weight)
            if real
            else _split_total(rng, int(rng.integers(4560, 4680)), c_weight)
        )
        c_total_women = pub["commune"].women if real else int(round(c_seats.sum() * rng.uniform(0.34, 0.37)))
        share = rng.uniform(0.8, 1.2, size=len(DISTRICT_CODES))
        c_women = _split_total(rng, c_total_women, c_seats * share, caps=c_seats)
        for i, d in enumerate(DISTRICT_CODES):
            rows.append(
                (
                    term,
                    "commune",
                    d,
                    int(c_seats[i]),
                    int(c_women[i]),
                    int(round(c_women[i] * em_share[d])),
                    "split_of_published_total" if real else "generated",
                    pub["commune"].source if real else "",
                )
            )
    df = pd.DataFrame(
        rows,
        columns=["term", "level", "unit_code", "seats", "women", "ethnic_minority_women", "figure_status", "source"],
    )
    df["data_status"] = DATA_STATUS
    return df[
        [
            "term",
            "level",
            "unit_code",
            "seats",
            "women",
            "ethnic_minority_women",
            "data_status",
            "figure_status",
            "source",
        ]
    ]


#: provincial-level agencies counted for M1.C1 (departments, UBND tỉnh; assumption)
_PROVINCE_AGENCIES = 24
#: district-level agencies per district besides its communes (assumption)
_DISTRICT_AGENCIES = 14
#: commune-level units after the 2025 reform (published: 67 xã + 8 phường)
COMMUNES_2025 = 75


def make_key_leaders(seed: int) -> pd.DataFrame:
    """Agencies and local governments with a woman among their key leaders (M1.C1, L.1).

    Output columns: ``year, unit_code, agencies, agencies_with_woman_key_leader,
    data_status``. Status at the end of each year. 2020-2024: an ``SL`` row for the
    provincial-level agencies and one row per district (its district agencies and its
    communes). 2025 (after the reform): one ``SL`` row holding the provincial agencies and the
    75 new communes. The province figure of a year is the sum over all rows of that year.
    Share rises from about 44% (2020) to about 57% (2025): behind the 60% target. Each agency
    keeps its status from year to year except for a little turnover (a latent score per
    agency compared with the year's threshold), so unit series move smoothly.
    """
    rng = rng_for(seed, "leaders")
    rows = []
    units = [("SL", _PROVINCE_AGENCIES, 0.08)] + [
        (
            d,
            _DISTRICT_AGENCIES + COMMUNES[d],
            0.1 if d == "TPSL" else -0.08 if d in ("SM", "SC") else float(rng.normal(0, 0.04)),
        )
        for d in DISTRICT_CODES
    ]
    latent = {u: rng.uniform(0, 1, size=n) for u, n, _ in units}
    for y in YEARS:
        p = lin(y, 0.44, 0.57)
        if y < 2025:
            for u, n, eff in units:
                score = latent[u] + rng.normal(0, 0.04, size=n)  # turnover
                rows.append((y, u, n, int((score < p + eff).sum())))
        else:
            n = _PROVINCE_AGENCIES + COMMUNES_2025
            rows.append((y, "SL", n, int(rng.binomial(n, p))))
    df = pd.DataFrame(rows, columns=["year", "unit_code", "agencies", "agencies_with_woman_key_leader"])
    df["data_status"] = DATA_STATUS
    return df


def make_planning_pool(seed: int) -> pd.DataFrame:
    """Women in the cadre planning pool and their training (L.2, L.3).

    Output columns: ``year, unit_code, pool_size, women_in_pool, women_trained,
    data_status``. Same row logic as key_leaders (``SL`` = provincial pool 2020-2024, the
    whole province in 2025). Women's share rises from about 33% to about 41% (target 40%
    reached); trained share from about 60% to about 72% (target 75% missed). Each unit has a
    lasting offset from the provincial path plus a small yearly wobble.
    """
    rng = rng_for(seed, "pool")
    rows = []
    units = [("SL", 460)] + [(d, 90 + 2 * COMMUNES[d]) for d in DISTRICT_CODES]
    size0 = {u: base * rng.uniform(0.95, 1.05) for u, base in units}
    off_w = {u: rng.normal(0, 0.03) for u, _ in units}
    off_t = {u: rng.normal(0, 0.04) for u, _ in units}
    for y in YEARS:
        pw, pt = lin(y, 0.33, 0.41), lin(y, 0.60, 0.72)
        if y < 2025:
            cur = [(u, int(round(size0[u] * 1.01 ** (y - 2020))), off_w[u], off_t[u]) for u, _ in units]
        else:
            cur = [("SL", int(round(sum(size0.values()) * 1.01**5)), 0.0, 0.0)]
        for u, size, ow, ot in cur:
            women = int(round(size * float(np.clip(pw + ow + rng.normal(0, 0.008), 0, 1))))
            trained = int(round(women * float(np.clip(pt + ot + rng.normal(0, 0.01), 0, 1))))
            rows.append((y, u, size, women, trained))
    df = pd.DataFrame(rows, columns=["year", "unit_code", "pool_size", "women_in_pool", "women_trained"])
    df["data_status"] = DATA_STATUS
    return df
