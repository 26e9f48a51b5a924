"""Generated raw tables of the illustrative demo: population, GBV register, trafficking
returnees, People's Council composition, key leaders, cadre planning pool.

Everything here is invented from a seed (``numpy.random.default_rng([seed, stream])``, one
stream per table so changing one table does not shift the others), except the 2021-2026
People's Council totals, which are the real published Son La figures read from
``data/reference/leadership_reference.csv`` (never typed here).

Units: counts are people, seats or agencies; dates are ISO strings; population is persons at
mid-year. All tables carry ``data_status = "illustrative"``.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.core import paths
from me_utils.core.codes import GBV_REGISTER_COLUMNS, GBV_REGISTER_OPTIONAL_COLUMNS

YEARS = tuple(range(2020, 2026))
DATA_STATUS = "illustrative"

# Streams of the seeded generator, one per table (see module docstring).
STREAM = {
    "population": 1,
    "register": 2,
    "returnees": 3,
    "councils": 4,
    "leaders": 5,
    "pool": 6,
    "indicators": 7,
    "dates": 8,
}


def rng_for(seed: int, stream: str) -> np.random.Generator:
    """Independent generator for one table: same (seed, stream) -> same numbers."""
    return np.random.default_rng([int(seed), STREAM[stream]])


# --------------------------------------------------------------------------------------------
# Geography (codes per docs/CONTRACTS.md). Sizes below are illustrative assumptions used only
# to give the demo a plausible shape; they are not Son La statistics.
# --------------------------------------------------------------------------------------------

DISTRICT_CODES = ("TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "YC", "MS", "SM", "SC", "VH")

#: relative population weight of each district (assumption, illustrative)
POP_WEIGHT = {
    "TPSL": 108,
    "QN": 68,
    "TC": 178,
    "ML": 104,
    "BY": 66,
    "PY": 118,
    "MC": 118,
    "YC": 80,
    "MS": 166,
    "SM": 150,
    "SC": 56,
    "VH": 70,
}
#: commune-level units per district before the 2025 reform (sums to 204; illustrative split)
COMMUNES = {
    "TPSL": 12,
    "QN": 11,
    "TC": 29,
    "ML": 16,
    "BY": 16,
    "PY": 26,
    "MC": 15,
    "YC": 15,
    "MS": 22,
    "SM": 19,
    "SC": 9,
    "VH": 14,
}
#: districts on the border with Laos (where the border guard reports trafficking returnees)
BORDER = ("TC", "MS", "YC", "MC", "VH", "SM", "SC")
#: districts where early/forced marriage (tảo hôn) is concentrated in the demo (assumption)
EARLY_MARRIAGE_DISTRICTS = ("SM", "SC", "BY", "TC", "ML")
#: the small district whose GBV counts are tiny
TINY_DISTRICT = "SC"

AGE_GROUPS = ("0-11", "12-17", "18-24", "25-59", "60+")
_AGE_SHARE = np.array([0.235, 0.108, 0.112, 0.455, 0.090])

ETHNICITIES = ("Thai", "Kinh", "HMong", "Muong", "Dao", "KhoMu", "Other")
# Ethnic mix of survivors per district (assumption, illustrative; order = ETHNICITIES)
_ETHNIC_MIX = {
    "TPSL": [0.45, 0.45, 0.04, 0.02, 0.01, 0.01, 0.02],
    "QN": [0.78, 0.08, 0.06, 0.00, 0.00, 0.06, 0.02],
    "TC": [0.75, 0.06, 0.12, 0.00, 0.00, 0.05, 0.02],
    "ML": [0.65, 0.08, 0.20, 0.00, 0.00, 0.05, 0.02],
    "BY": [0.30, 0.12, 0.38, 0.12, 0.06, 0.00, 0.02],
    "PY": [0.30, 0.20, 0.10, 0.35, 0.03, 0.00, 0.02],
    "MC": [0.20, 0.40, 0.25, 0.05, 0.06, 0.02, 0.02],
    "YC": [0.55, 0.25, 0.15, 0.00, 0.00, 0.03, 0.02],
    "MS": [0.55, 0.30, 0.10, 0.00, 0.00, 0.03, 0.02],
    "SM": [0.45, 0.08, 0.35, 0.00, 0.00, 0.10, 0.02],
    "SC": [0.35, 0.05, 0.45, 0.00, 0.00, 0.10, 0.05],
    "VH": [0.30, 0.15, 0.30, 0.15, 0.08, 0.00, 0.02],
}


def ref_path(name: str) -> Path:
    return paths.reference_dir() / name


# --------------------------------------------------------------------------------------------
# Population
# --------------------------------------------------------------------------------------------


def make_population(seed: int) -> pd.DataFrame:
    """Mid-year population by district, sex (F/M), age group and year, 2020-2025.

    Output columns: ``year, unit_code, sex, age_group, population, data_status``. Districts
    only (the province is their sum; no ``SL`` rows, so a sum over all rows never double
    counts). Province total about 1.255 million in 2020 growing about 1.1% a year (~1.325
    million in 2025). 2025 rows describe the area of the former district.
    """
    rng = rng_for(seed, "population")
    w = np.array([POP_WEIGHT[d] for d in DISTRICT_CODES], dtype=float)
    base_total = 1_255_000 * rng.uniform(0.995, 1.005)
    rows = []
    for d_i, d in enumerate(DISTRICT_CODES):
        growth = rng.uniform(0.008, 0.014)
        f_share = rng.uniform(0.493, 0.503)
        age = _AGE_SHARE * rng.uniform(0.95, 1.05, size=len(_AGE_SHARE))
        age = age / age.sum()
        for y in YEARS:
            tot = base_total * w[d_i] / w.sum() * (1 + growth) ** (y - 2020)
            for sex, s_share in (("F", f_share), ("M", 1 - f_share)):
                for a_i, ag in enumerate(AGE_GROUPS):
                    rows.append((y, d, sex, ag, int(round(tot * s_share * age[a_i]))))
    df = pd.DataFrame(rows, columns=["year", "unit_code", "sex", "age_group", "population"])
    df["data_status"] = DATA_STATUS
    return df.sort_values(["year", "unit_code", "sex", "age_group"], kind="stable", ignore_index=True)


# --------------------------------------------------------------------------------------------
# GBV register
# --------------------------------------------------------------------------------------------

#: The register's columns (the contract in me_utils.core.codes), data_status last.
REGISTER_COLUMNS = [*GBV_REGISTER_COLUMNS, *GBV_REGISTER_OPTIONAL_COLUMNS]
INCIDENT_TYPES = (
    "rape",
    "sexual_assault",
    "physical_assault",
    "forced_marriage",
    "denial_of_resources",
    "psychological_abuse",
    "non_gbv",
)
SERVICES = ("svc_health", "svc_psychosocial", "svc_legal", "svc_police_justice", "svc_safe_shelter")

#: cases per 100,000 women per year before the detection trend (assumption)
_BASE_RATE = 68.0
#: district multipliers of the case rate (assumption; SC small and low -> tiny counts)
_RATE_MULT = {
    "TPSL": 0.9,
    "QN": 1.0,
    "TC": 1.1,
    "ML": 1.0,
    "BY": 1.2,
    "PY": 0.95,
    "MC": 0.9,
    "YC": 1.0,
    "MS": 1.0,
    "SM": 1.3,
    "SC": 0.3,
    "VH": 1.05,
}
#: district effect on the log-odds of receiving a service (assumption; SM lags, TPSL leads)
_SVC_EFFECT = {
    "TPSL": 0.45,
    "QN": 0.0,
    "TC": -0.1,
    "ML": 0.0,
    "BY": -0.2,
    "PY": 0.1,
    "MC": 0.25,
    "YC": 0.05,
    "MS": 0.15,
    "SM": -0.6,
    "SC": -0.1,
    "VH": -0.05,
}


def _logit(p):
    return np.log(p / (1 - p))


def _expit(x):
    return 1 / (1 + np.exp(-x))


def lin(y, start, end):
    """Linear path from ``start`` (2020) to ``end`` (2025)."""
    return start + (end - start) * (y - 2020) / 5.0


def _pick(rng, probs: np.ndarray) -> np.ndarray:
    """One category index per row of ``probs`` (rows sum to 1), by inverse CDF."""
    u = rng.random(len(probs))
    return np.minimum((u[:, None] > np.cumsum(probs, axis=1)).sum(axis=1), probs.shape[1] - 1)


def make_register(seed: int, population: pd.DataFrame) -> pd.DataFrame:
    """GBV case register (schema of docs/CONTRACTS.md), about 3,000 cases reported 2020-2025.

    Input: the population table (women per district and year drive the case counts).
    Output: one row per case, sorted by ``case_id``. ``case_id`` is ``GBV-<unit>-<year>-<nnnn>``
    with the year of the first report and a number in report-date order: pseudonymous, no
    names. Cases are attributed to the year of ``report_date`` (detection). Incidents after
    30/06/2025 keep the code of the former district where they happened.
    Built-in patterns (assumptions, all illustrative): detection rising 5% a year; service
    access rising from about 63% to about 79% of detected survivors; help-seeking rising from
    about 38% to about 53%; early marriage concentrated in EARLY_MARRIAGE_DISTRICTS; tiny
    counts in TINY_DISTRICT; about 6% of cases without consent to reporting; reporting delays
    mostly within days with a long tail (longer for early marriage and child sexual abuse).
    """
    rng = rng_for(seed, "register")
    women = population[population["sex"] == "F"].groupby(["unit_code", "year"], sort=True)["population"].sum()
    units, years = [], []
    for y in YEARS:
        for d in DISTRICT_CODES:
            lam = _BASE_RATE * (1.0 + 0.05 * (y - 2020)) * _RATE_MULT[d] * women[(d, y)] / 1e5
            n = int(rng.poisson(lam))
            units += [d] * n
            years += [y] * n
    unit = np.array(units, dtype=object)
    year = np.array(years)
    n = len(unit)
    rand = lambda: rng.random(n)  # noqa: E731 - one fresh uniform per case

    # incident type: early/forced marriage far more common in the highland districts
    em = np.isin(unit, EARLY_MARRIAGE_DISTRICTS)
    p_em = np.array([0.06, 0.08, 0.34, 0.15, 0.10, 0.22, 0.05])
    p_other = np.array([0.06, 0.08, 0.34, 0.03, 0.10, 0.22, 0.05])
    tprobs = np.where(em[:, None], p_em / p_em.sum(), p_other / p_other.sum())
    t_idx = _pick(rng, tprobs)
    itype = np.array(INCIDENT_TYPES, dtype=object)[t_idx]
    sexual = np.isin(itype, ("rape", "sexual_assault"))
    forced = itype == "forced_marriage"
    # survivor age group by type
    a_sexual, a_forced, a_other = (
        [0.20, 0.35, 0.20, 0.23, 0.02],
        [0.0, 0.75, 0.25, 0.0, 0.0],
        [0.04, 0.06, 0.15, 0.62, 0.13],
    )
    aprobs = np.where(sexual[:, None], a_sexual, np.where(forced[:, None], a_forced, a_other))
    age = np.array(AGE_GROUPS, dtype=object)[_pick(rng, aprobs)]
    child = np.isin(age, ("0-11", "12-17"))
    p_male = np.where(forced, 0.0, np.where(sexual, np.where(child, 0.12, 0.02), 0.10))
    sex = np.where(rand() < p_male, "M", "F")
    partner_type = sexual | np.isin(itype, ("physical_assault", "psychological_abuse", "denial_of_resources"))
    ipv = (~child & partner_type & (rand() < np.where(sexual, 0.25, 0.75))).astype(int)
    csa = (sexual & child).astype(int)
    early = (forced & (age == "12-17")).astype(int)
    p_family = np.where(forced, 0.5, np.where(sexual, 0.2, 0.3))
    # non-GBV incidents in the demo are never family violence; IPV always is
    dv = np.where(itype == "non_gbv", 0, np.where(ipv == 1, 1, (rand() < p_family).astype(int)))
    eth_p = np.array([_ETHNIC_MIX[u] for u in unit], dtype=float).reshape(n, len(ETHNICITIES))
    eth = np.array(ETHNICITIES, dtype=object)[_pick(rng, eth_p / eth_p.sum(axis=1, keepdims=True))]
    disab = (rand() < 0.03).astype(int)
    # reporting delay (days) in bands 0-3, 4-5, 6-14, 15-30, 31-365
    late = (early == 1) | (csa == 1)
    cut = np.where(late[:, None], [0.25, 0.35, 0.50, 0.65], [0.45, 0.60, 0.75, 0.87])
    band = (rand()[:, None] >= cut).sum(axis=1)
    lo = np.array([0, 4, 6, 15, 31])[band]
    hi = np.array([4, 6, 15, 31, 366])[band]
    delay = rng.integers(lo, hi)
    days = np.where(year % 4 == 0, 366, 365)
    doy = rng.integers(0, days)
    report = np.array([_dt.date(int(y), 1, 1) + _dt.timedelta(days=int(k)) for y, k in zip(year, doy)], dtype=object)
    incident = np.array([r - _dt.timedelta(days=int(k)) for r, k in zip(report, delay)], dtype=object)
    # help needed / services / help sought
    needed = (rand() < 0.85).astype(int)
    eff = np.array([_SVC_EFFECT[u] for u in unit], dtype=float)
    p_need_svc = _expit(_logit(lin(year, 0.70, 0.885)) + eff)
    any_svc = rand() < np.where(needed == 1, p_need_svc, 0.25)
    svc_p = {
        "svc_health": np.where(sexual | (itype == "physical_assault"), 0.55, 0.30),
        "svc_psychosocial": 0.45,
        "svc_legal": 0.30,
        "svc_police_justice": np.where(sexual, 0.60, 0.30),
        "svc_safe_shelter": 0.12,
    }
    svc = {s: (any_svc & (rand() < svc_p[s])).astype(int) for s in SERVICES}
    none = any_svc & (np.column_stack([svc[s] for s in SERVICES]).sum(axis=1) == 0)
    forced_pick = rng.integers(0, len(SERVICES), size=n)
    for k, s in enumerate(SERVICES):  # a case that got help got at least one service
        svc[s] = np.where(none & (forced_pick == k), 1, svc[s])
    sought = (rand() < np.where(any_svc, lin(year, 0.55, 0.65), 0.10)).astype(int)
    referred = (any_svc & (rand() < 0.5)).astype(int)
    consent = (rand() < 0.94).astype(int)
    detected = rand() < 0.80
    p_pros = np.select(
        [itype == "rape", itype == "sexual_assault", itype == "physical_assault"], [0.70, 0.50, 0.10], 0.03
    )
    prosecuted = detected & (rand() < p_pros)
    counselled = detected & ~prosecuted & (rand() < lin(year, 0.30, 0.47))
    df = pd.DataFrame(
        {
            "unit_code": unit,
            "year": year,
            "incident_type": itype,
            "ipv": ipv,
            "child_sexual_abuse": csa,
            "early_marriage": early,
            "survivor_sex": sex,
            "survivor_age_group": age,
            "survivor_ethnicity": eth,
            "survivor_disability": disab,
            "incident_date": [d.isoformat() for d in incident],
            "report_date": [d.isoformat() for d in report],
            **svc,
            "needed_help": needed,
            "sought_help": sought,
            "referred": referred,
            "consent_reporting": consent,
            "perpetrator_detected": detected.astype(int),
            "perpetrator_counselled": counselled.astype(int),
            "perpetrator_prosecuted": prosecuted.astype(int),
            "domestic_violence": dv,
        }
    )
    for c in ("unit_code", "incident_type", "survivor_sex", "survivor_age_group", "survivor_ethnicity"):
        df[c] = df[c].astype(str)
    # pseudonymous ids in report-date order within unit and year (ties keep generation order)
    df = df.sort_values(["unit_code", "year", "report_date"], kind="stable", ignore_index=True)
    seq = df.groupby(["unit_code", "year"], sort=False).cumcount() + 1
    df["case_id"] = "GBV-" + df["unit_code"] + "-" + df["year"].astype(str) + "-" + seq.map(lambda i: f"{i:04d}")
    df["data_status"] = DATA_STATUS
    return df[REGISTER_COLUMNS].sort_values("case_id", kind="stable", ignore_index=True)


# --------------------------------------------------------------------------------------------
# Register -> indicator counts (the definitions the demo submissions use)
# --------------------------------------------------------------------------------------------

#: How each register-based indicator is counted from consented cases: the denominator is the
#: cases meeting every ``den`` condition (column == value), the numerator those also meeting
#: every ``num`` condition. ``gbv`` = incident_type is not ``non_gbv``; ``any_service`` = at
#: least one svc_* flag; ``protect_legal_health`` = svc_health, svc_legal, svc_police_justice
#: or svc_safe_shelter. Year = year of ``report_date``; H1 = report_date 1 January-30 June.
REGISTER_DEFINITIONS = {
    "M3.C2a": {
        "den": {"gbv": 1},
        "num": {"any_service": 1},
        "what": "detected GBV/DV survivors reaching at least one basic service",
    },
    "M3.C2b": {
        "den": {"gbv": 1, "perpetrator_detected": 1, "perpetrator_prosecuted": 0},
        "num": {"perpetrator_counselled": 1},
        "what": "detected perpetrators not prosecuted who were counselled",
    },
    "G.1": {
        "den": {"gbv": 1},
        "num": {"sought_help": 1},
        "what": "GBV survivors who sought help from a service provider",
    },
    "G.2": {
        "den": {"gbv": 1, "needed_help": 1},
        "num": {"any_service": 1},
        "what": "GBV cases needing help that received help (any service)",
    },
    "DV.4": {
        "den": {"domestic_violence": 1},
        "num": {"protect_legal_health": 1},
        "what": "detected domestic-violence victims protected, given legal aid or health"
        " care (police/justice, safe shelter, legal aid or health service)",
    },
    "DV.5": {
        "den": {"domestic_violence": 1, "perpetrator_detected": 1, "perpetrator_prosecuted": 0},
        "num": {"perpetrator_counselled": 1},
        "what": "detected domestic-violence perpetrators (not prosecuted) counselled",
    },
}


def _mask(frame: pd.DataFrame, conditions: dict) -> np.ndarray:
    m = np.ones(len(frame), dtype=bool)
    for col, val in conditions.items():
        m &= frame[col].to_numpy() == val
    return m


def register_counts(register: pd.DataFrame) -> pd.DataFrame:
    """Numerators and denominators of the register-based indicators.

    Input: the register (any subset of rows). Only consented cases count
    (``consent_reporting == 1``); definitions in :data:`REGISTER_DEFINITIONS`.
    Output: long frame ``indicator_code, unit_code, year, period, numerator, denominator``
    for every district and the province (``SL`` = sum of districts), periods ``FY`` (calendar
    year of report_date) and ``H1`` (report_date in January-June). Zero denominators are kept
    (the caller decides whether to report them).
    """
    r = register[register["consent_reporting"] == 1].copy()
    r["gbv"] = (r["incident_type"] != "non_gbv").astype(int)
    r["any_service"] = (r[list(SERVICES)].sum(axis=1) > 0).astype(int)
    r["protect_legal_health"] = (
        r[["svc_health", "svc_legal", "svc_police_justice", "svc_safe_shelter"]].sum(axis=1) > 0
    ).astype(int)
    r["year"] = r["report_date"].str[:4].astype(int)
    r["h1"] = (r["report_date"].str[5:7].astype(int) <= 6).astype(int)
    # counts per (district, year) cell with bincount: cell = district index * n_years + year index
    n_y = len(YEARS)
    d_pos = {d: k for k, d in enumerate(DISTRICT_CODES)}
    cell = r["unit_code"].map(d_pos).to_numpy() * n_y + (r["year"].to_numpy() - YEARS[0])
    n_cells = len(DISTRICT_CODES) * n_y
    grid_units = np.repeat(np.array(DISTRICT_CODES + ("SL",), dtype=object), n_y)
    grid_years = np.tile(np.array(YEARS), len(DISTRICT_CODES) + 1)
    h1 = r["h1"].to_numpy() == 1
    frames = []
    for code in sorted(REGISTER_DEFINITIONS):
        spec = REGISTER_DEFINITIONS[code]
        dmask = _mask(r, spec["den"])
        nmask = dmask & _mask(r, spec["num"])
        for period in ("FY", "H1"):
            keep = np.ones(len(r), dtype=bool) if period == "FY" else h1
            den = np.bincount(cell[dmask & keep], minlength=n_cells).reshape(-1, n_y)
            num = np.bincount(cell[nmask & keep], minlength=n_cells).reshape(-1, n_y)
            den = np.vstack([den, den.sum(axis=0)])  # province = sum of districts
            num = np.vstack([num, num.sum(axis=0)])
            frames.append(
                pd.DataFrame(
                    {
                        "indicator_code": code,
                        "unit_code": grid_units,
                        "year": grid_years,
                        "period": period,
                        "numerator": num.ravel(),
                        "denominator": den.ravel(),
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    out = out[["indicator_code", "unit_code", "year", "period", "numerator", "denominator"]]
    out[["numerator", "denominator"]] = out[["numerator", "denominator"]].astype(int)
    return out.sort_values(["indicator_code", "unit_code", "year", "period"], kind="stable", ignore_index=True)


# --------------------------------------------------------------------------------------------
# Trafficking returnees (M3.C3)
# --------------------------------------------------------------------------------------------


def make_returnees(seed: int) -> pd.DataFrame:
    """Returning trafficking victims by year, district and reporting agency.

    Output columns: ``year, unit_code, agency (CA|BDBP), returnees_detected,
    returnees_in_need, returnees_supported, data_status``; police rows for every district,
    border-guard rows for BORDER districts. Counts are tiny (0-6). Everyone in need is
    supported except a few cases in 2022 and 2023, so M3.C3 dips below 100% and recovers.
    """
    rng = rng_for(seed, "returnees")
    rows = []
    unsupported_left = {2022: 3, 2023: 1}
    for y in YEARS:
        for d in DISTRICT_CODES:
            for agency in ("BDBP", "CA"):
                if agency == "BDBP" and d not in BORDER:
                    continue
                det = int(rng.poisson(1.6 if agency == "BDBP" else 0.9))
                need = int(rng.binomial(det, 0.85))
                sup = need
                if need and unsupported_left.get(y, 0):
                    miss = min(need, unsupported_left[y])
                    sup = need - miss
                    unsupported_left[y] -= miss
                rows.append((y, d, agency, det, need, sup))
    df = pd.DataFrame(
        rows, columns=["year", "unit_code", "agency", "returnees_detected", "returnees_in_need", "returnees_supported"]
    )
    df["data_status"] = DATA_STATUS
    return df.sort_values(["year", "unit_code", "agency"], kind="stable", ignore_index=True)
