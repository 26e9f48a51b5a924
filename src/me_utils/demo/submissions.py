"""Department submissions of the illustrative demo: which figures each department sends, when,
in which file format, with the awkward cases of real submissions.

Figures come from the generated raw tables (:mod:`me_utils.demo.tables`) wherever a table
exists (GBV register, trafficking returnees, key leaders, planning pool), so submissions and
tables always agree; other indicators follow a stated illustrative path (``SCENARIOS``).

Calendar (plan 123/KH-UBND section V): half-year (``H1``) reports due before 20 May, annual
(``FY``) reports before 25 November. Awkward cases are listed in ``AWKWARD``.

Choice for 2025: the district level ended on 30/06/2025, so 2025 district rows exist only in
the half-year (H1) reports; 2025 annual (FY) reports carry province (``SL``) rows only.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from me_utils.demo import register_communes as RC
from me_utils.demo import tables as T

#: The deliberate awkward cases (tests and README read this; values are file stems/codes).
AWKWARD = {
    # a department sending its annual report after the 25 November deadline
    "late": {"department": "SYT", "year": 2023, "period": "FY", "date": "2023-12-12"},
    # a period for which a department sent nothing at all
    "missing": {"department": "STC", "year": 2022, "period": "FY"},
    # a figure first sent wrong, then corrected in a later file
    "revised": {
        "department": "SNV",
        "year": 2024,
        "period": "FY",
        "indicator": "M1.C1",
        "unit": "SL",
        "revision": 2,
        "date": "2024-12-02",
    },
    # a district whose GBV counts are tiny
    "tiny": {"unit": T.TINY_DISTRICT},
    # the SNV file whose table is on the second sheet, after an instructions sheet
    "second_sheet": {"department": "SNV", "year": 2022, "period": "FY"},
    # a csv saved in the Windows Vietnamese code page (Windows-1258) instead of UTF-8
    "cp1258": {"department": "STC", "year": 2023, "period": "FY"},
}

#: departments that also send a half-year report (their flow indicators from the register)
HALF_YEAR_DEPARTMENTS = ("SNV", "SVHTTDL")
#: indicators computed from the GBV register
REGISTER_CODES = tuple(sorted(T.REGISTER_DEFINITIONS))
#: indicators with district rows besides the register ones
DISTRICT_CODES_EXTRA = ("M1.C1", "L.1", "L.2", "L.3", "M3.C3", "M3.C4", "DV.1", "DV.3")
#: indicators not sent in submissions, and why
NOT_SUBMITTED = {
    "L.4": "election-term qualitative indicator (from council composition, not a yearly figure)",
    "TT.3": "measured against 2025 itself (rise in awareness over the 2025 level); no 2020-2025 series",
    # A figure for an indicator whose content nobody has read would look like a measurement of
    # something; the accountability matrix still expects the department's report.
    "M5.C4": "content of the indicator not yet verified (plan 123 names it, the reference has no text)",
    "M6.C2": "content of the indicator not yet verified (no wording or figures found)",
}

#: Illustrative paths of the indicators without a raw table: start (2020) and end (2025)
#: values in the indicator's unit, a yearly denominator (``den``: province total in 2020,
#: ``growth``: yearly factor) and noise (standard deviation in the value's unit). Assumptions,
#: chosen so the assessment meets each status: on track, behind, achieved, deteriorating.
SCENARIOS = {
    "M2.C1": {"start": 24.0, "end": 29.5, "den": 362_000, "growth": 1.01, "sd": 0.4},  # behind
    "M2.C2": {"start": 79.0, "end": 72.5, "den": 362_000, "growth": 1.01, "sd": 0.4},  # behind
    "M2.C3": {"start": 23.5, "end": 27.6, "den": 2_300, "growth": 1.045, "sd": 0.3},  # achieved
    "M3.C1": {"start": 2.20, "end": 1.76, "sd": 0.02},  # on track
    "M4.C1": {"start": 108.6, "end": 112.4, "den": 10_900, "growth": 0.995, "sd": 0.3},  # deteriorating
    "M4.C2": {"start": 53.0, "end": 40.0, "den": 22_500, "growth": 0.99, "sd": 0.0},  # achieved (noisy counts)
    "M4.C3": {"binary_from": 2023},  # 0/1 of 1 province
    "M4.C4": {"start": 62.0, "end": 49.0, "den": 54_000, "growth": 1.0, "sd": 0.8},  # per 1,000
    "M5.C1": {
        "start": 87.5,
        "end": 92.8,
        "den": 17_800,
        "growth": 1.0,
        "sd": 0.3,  # achieved
        "by_sex": (0.49, 1.2),
    },  # girls' share of the cohort; girls' lead in points
    "M5.C2a": {"start": 44.0, "end": 49.2, "den": 1_450, "growth": 1.06, "sd": 0.5},  # on track/behind
    "M5.C2b": {"start": 21.0, "end": 27.5, "den": 85, "growth": 1.05, "sd": 0.0},  # behind
    "M5.C3": {"binary_from": 2024},
    "M6.C1": {"start": 41.0, "end": 63.0, "den": 950_000, "growth": 1.011, "sd": 0.5},  # achieved
    "TT.1": {"counts": (1, 2, 2, 3, 2, 3)},  # sessions a year
    "TT.2": {"start": 78.0, "end": 100.0, "den": 36, "growth": 1.0, "sd": 0.0},  # achieved 2025
    "TT.4": {"start": 0.0, "end": 66.7, "den": 6, "growth": 1.0, "sd": 0.0},  # behind 70
    "TT.5": {"start": 80.0, "end": 93.5, "den": 2_690, "growth": 1.0, "sd": 0.5},  # on track/behind
    "DV.2": {"start": 33.4, "end": 66.7, "den": 3, "growth": 1.0, "sd": 0.0},  # achieved
    # district-level ones: den is per district (sum over districts gives the province)
    "M3.C4": {"start": 40.0, "end": 76.0, "dden": (1, 3), "province_extra": 4, "sd": 0.0},
    "DV.1": {"start": 22.0, "end": 38.5, "dden_pop": 0.22, "sd": 1.0},  # households
    "DV.3": {"start": 45.0, "end": 72.0, "dden_pop": 0.005, "sd": 1.5},  # people at risk
}

DECIMALS = {"proportion": 2, "ratio": 2, "rate": 1, "count": 0, "binary": 0}


@dataclass(frozen=True)
class IndicatorSpec:
    """What the demo needs from the catalogue for one indicator."""

    code: str
    department: str
    kind: str
    scale: float
    periodicity: str
    name_vi: str = ""


def lin(y, start, end):
    return start + (end - start) * (y - 2020) / 5.0


def row(code, unit, year, period, value, num=None, den=None, note="", sex="T"):
    return {
        "indicator_code": code,
        "unit_code": unit,
        "year": int(year),
        "period": period,
        "sex": sex,
        "value": value,
        "numerator": num,
        "denominator": den,
        "note": note,
    }


def ratio_value(spec: IndicatorSpec, num, den):
    dec = DECIMALS.get(spec.kind, 2)
    return round(spec.scale * num / den, dec)


def indicator_rows(seed: int, specs: dict[str, IndicatorSpec], tables: dict) -> pd.DataFrame:
    """All figures the departments send (before the awkward cases are applied).

    Inputs: seed, catalogue specs (code -> IndicatorSpec), the generated tables (keys
    ``population, register, returnees, key_leaders, planning_pool``). Output: DataFrame with
    ``indicator_code, unit_code, year, period, sex, value, numerator, denominator, note,
    department``; values in the indicator's own unit (percent 0-100), rounded as sent.
    Rows with a zero denominator are not sent (nothing to report for that unit and period).
    """
    rng = T.rng_for(seed, "indicators")
    rows: list[dict] = []
    years = T.YEARS

    def district_ok(year, period):
        return year < 2025 or period == "H1"

    # --- register-based (M3.C2a, M3.C2b, G.1, G.2, DV.4, DV.5)
    counts = T.register_counts(RC.by_former_district(tables["register"]))
    for r in counts.itertuples(index=False):
        if r.indicator_code not in specs or r.denominator == 0:
            continue
        if r.unit_code != "SL" and not district_ok(r.year, r.period):
            continue
        dept = specs[r.indicator_code].department
        if r.period == "H1" and dept not in HALF_YEAR_DEPARTMENTS:
            continue
        rows.append(
            row(
                r.indicator_code,
                r.unit_code,
                r.year,
                r.period,
                ratio_value(specs[r.indicator_code], r.numerator, r.denominator),
                int(r.numerator),
                int(r.denominator),
            )
        )

    # --- M3.C3 from the trafficking returnees (police and border guard together)
    if "M3.C3" in specs:
        ret = tables["returnees"]
        by = ret.groupby(["year", "unit_code"], as_index=False)[["returnees_in_need", "returnees_supported"]].sum()
        prov = by.groupby("year", as_index=False)[["returnees_in_need", "returnees_supported"]].sum()
        prov["unit_code"] = "SL"
        for r in pd.concat([prov, by], ignore_index=True).itertuples(index=False):
            if r.returnees_in_need == 0 or (r.unit_code != "SL" and not district_ok(r.year, "FY")):
                continue
            rows.append(
                row(
                    "M3.C3",
                    r.unit_code,
                    r.year,
                    "FY",
                    ratio_value(specs["M3.C3"], r.returnees_supported, r.returnees_in_need),
                    int(r.returnees_supported),
                    int(r.returnees_in_need),
                    "Gồm số liệu của Công an tỉnh và Bộ đội Biên phòng tỉnh",
                )
            )

    # --- M1.C1 / L.1 from key leaders; L.2 / L.3 from the planning pool
    def stock_rows(codes, table, num_col, den_col):
        for y in years:
            sub = table[table["year"] == y]
            tot_n, tot_d = int(sub[num_col].sum()), int(sub[den_col].sum())
            for code in codes:
                if code not in specs:
                    continue
                rows.append(row(code, "SL", y, "FY", ratio_value(specs[code], tot_n, tot_d), tot_n, tot_d))
                for r in sub[sub["unit_code"] != "SL"].itertuples(index=False):
                    n, d = int(getattr(r, num_col)), int(getattr(r, den_col))
                    if d and district_ok(y, "FY"):
                        rows.append(row(code, r.unit_code, y, "FY", ratio_value(specs[code], n, d), n, d))

    kl, pool = tables["key_leaders"], tables["planning_pool"]
    stock_rows(("M1.C1", "L.1"), kl, "agencies_with_woman_key_leader", "agencies")
    stock_rows(("L.2",), pool, "women_in_pool", "pool_size")
    stock_rows(("L.3",), pool, "women_trained", "women_in_pool")

    # --- scenario indicators
    pop = tables["population"]
    pop_d = pop.groupby(["unit_code", "year"])["population"].sum().to_dict()
    for code in sorted(SCENARIOS):
        if code not in specs:
            continue
        spec, sc = specs[code], SCENARIOS[code]
        for y in years:
            if "binary_from" in sc:
                v = int(y >= sc["binary_from"])
                if spec.kind == "binary":
                    rows.append(row(code, "SL", y, "FY", v))
                else:
                    rows.append(row(code, "SL", y, "FY", ratio_value(spec, v, 1), v, 1))
                continue
            if "counts" in sc:
                rows.append(row(code, "SL", y, "FY", sc["counts"][y - 2020]))
                continue
            target = lin(y, sc["start"], sc["end"])
            if "dden" in sc or "dden_pop" in sc:
                nums, dens = [], []
                for d in T.DISTRICT_CODES:
                    if "dden" in sc:
                        # facilities: a fixed number per district, each adopting the activity
                        # once (latent threshold), so the series never flips back and forth
                        lo, hi = sc["dden"]
                        den = lo + hash_int(seed, code, d) % (hi - lo + 1)
                        num = sum(hash_int(seed, code, d, str(k)) % 1000 / 1000 < target / 100 for k in range(den))
                    else:
                        den = int(round(pop_d[(d, y)] * sc["dden_pop"]))
                        off = (hash_int(seed, code, d, "off") % 1000 / 1000 - 0.5) * 0.2
                        p = float(np.clip(target / 100 + off + rng.normal(0, sc["sd"] / 100), 0, 1))
                        num = int(round(den * p))
                    nums.append(int(num))
                    dens.append(int(den))
                    if district_ok(y, "FY"):
                        rows.append(row(code, d, y, "FY", ratio_value(spec, num, den), int(num), int(den)))
                extra = sc.get("province_extra", 0)
                extra_num = sum(
                    hash_int(seed, code, "SL", str(k)) % 1000 / 1000 < target / 100 + 0.1 for k in range(extra)
                )
                n_tot, d_tot = sum(nums) + int(extra_num), sum(dens) + extra
                rows.append(row(code, "SL", y, "FY", ratio_value(spec, n_tot, d_tot), n_tot, d_tot))
                continue
            value = target + rng.normal(0, sc["sd"]) if sc["sd"] else target
            if "den" not in sc:  # a ratio without counts (M3.C1)
                rows.append(row(code, "SL", y, "FY", round(value, DECIMALS[spec.kind])))
                continue
            den = int(round(sc["den"] * sc["growth"] ** (y - 2020)))
            if spec.kind == "rate" and sc["sd"] == 0:
                num = int(rng.poisson(value * den / spec.scale))
            else:
                num = int(round(value * den / spec.scale))
            if spec.kind == "proportion":
                num = min(num, den)
            if "by_sex" in sc:  # girls and boys sent too; the total is their sum
                f_share, lead = sc["by_sex"]
                den_f = int(round(den * f_share))
                den_m = den - den_f
                num_f = min(den_f, int(round((value + lead / 2) * den_f / spec.scale)))
                num_m = min(den_m, int(round((value - lead / 2) * den_m / spec.scale)))
                num = num_f + num_m
                rows.append(row(code, "SL", y, "FY", ratio_value(spec, num, den), num, den))
                rows.append(row(code, "SL", y, "FY", ratio_value(spec, num_f, den_f), num_f, den_f, sex="F"))
                rows.append(row(code, "SL", y, "FY", ratio_value(spec, num_m, den_m), num_m, den_m, sex="M"))
                continue
            rows.append(row(code, "SL", y, "FY", ratio_value(spec, num, den), num, den))

    df = pd.DataFrame(rows)
    df["department"] = df["indicator_code"].map({c: s.department for c, s in specs.items()})
    unit_order = {u: i for i, u in enumerate(("SL",) + T.DISTRICT_CODES)}
    df["_u"] = df["unit_code"].map(unit_order)
    df = df.sort_values(
        ["department", "year", "period", "indicator_code", "_u"], kind="stable", ignore_index=True
    ).drop(columns="_u")
    return df


def hash_int(seed: int, *parts: str) -> int:
    """Stable small integer from the seed and text parts (not Python's salted ``hash``)."""
    import hashlib

    h = hashlib.sha256(("|".join([str(seed), *parts])).encode()).hexdigest()
    return int(h[:8], 16)


# --------------------------------------------------------------------------------------------
# Schedule: which file each department sends, when, in which format
# --------------------------------------------------------------------------------------------

#: file format per department: (extension, style). Styles: ``xlsx_num`` numeric cells,
#: ``xlsx_text`` Vietnamese text values (``35,38%``, ``1.234``), ``csv_vi`` semicolon csv with
#: Vietnamese numbers (UTF-8 with BOM), ``csv_plain`` comma csv with plain numbers (UTF-8).
FORMATS = {
    "SNV": "xlsx_num",
    "STC": "csv_vi",
    "TK": "csv_plain",
    "SGDDT": "xlsx_text",
    "SYT": "xlsx_text",
    "SVHTTDL": "csv_vi",
    "CA": "xlsx_num",
    "BDBP": "xlsx_num",
}
#: extra columns some departments add (the intake ignores them): ``STT`` (row number) in
#: front, ``Tên chỉ tiêu`` (indicator name) after the code
EXTRA_COLUMNS = {"SYT": ("name",), "SGDDT": ("name",), "SVHTTDL": ("stt",), "CA": ("stt", "name")}

#: how units are written per department: ``name_vi`` (Quỳnh Nhai), ``ascii`` (Quynh Nhai),
#: ``code`` (QN), ``full`` (huyện Quỳnh Nhai, thị xã Mộc Châu)
UNIT_STYLE = {
    "SNV": "name_vi",
    "STC": "ascii",
    "TK": "code",
    "SGDDT": "name_vi",
    "SYT": "name_vi",
    "SVHTTDL": "ascii",
    "CA": "full",
    "BDBP": "code",
}


def unit_style(department: str, year: int) -> str:
    """Unit-name style of a department's file; SNV switches to full names (with the unit type,
    so Mộc Châu appears as a *thị xã*) in 2025."""
    if department == "SNV" and year >= 2025:
        return "full"
    return UNIT_STYLE.get(department, "code")


def unit_label(code: str, style: str, year: int, names: dict[str, dict[str, str]]) -> str:
    """How a department writes a unit. ``names``: column -> {code: name} from units.csv.

    Mộc Châu became a thị xã shortly before the 2025 reform (date UNVERIFIED in
    units.csv); the demo writes "huyện Mộc Châu" up to 2024 and "thị xã Mộc Châu" in 2025.
    """
    if style == "code":
        return code
    if style == "full":
        if code == "MC" and year <= 2024:
            return "huyện " + names["name_vi"][code]
        return names["full_name_vi"][code]
    if style == "ascii" and code == "SL":
        return code
    return names[style if style != "ascii" else "name_ascii"][code]


@dataclass(frozen=True)
class PlannedFile:
    """One submission file: department, year, period, revision, date sent, style, rows."""

    department: str
    year: int
    period: str
    revision: int
    sent: _dt.date
    style: str
    rows: pd.DataFrame

    @property
    def stem(self) -> str:
        rev = f"_r{self.revision}" if self.revision > 1 else ""
        return f"{self.department}_{self.year}_{self.period}{rev}"

    @property
    def relpath(self) -> str:
        ext = "xlsx" if self.style.startswith("xlsx") else "csv"
        return f"submissions/{self.year}/{self.stem}.{ext}"


def plan_files(seed: int, rows: pd.DataFrame) -> list[PlannedFile]:
    """Split the figures into submission files and date them.

    On-time dates are drawn between 5 and 19 May (H1) and between 3 and 24 November (FY);
    the AWKWARD cases override this: a late file, a missing one, a revision (the first file
    carries a wrong figure, ``_r2`` the corrected one). Output sorted by relpath.
    """
    rng = T.rng_for(seed, "dates")
    files: list[PlannedFile] = []
    late, miss, rev = AWKWARD["late"], AWKWARD["missing"], AWKWARD["revised"]
    for (dept, year, period), grp in rows.groupby(["department", "year", "period"], sort=True):
        if (dept, year, period) == (miss["department"], miss["year"], miss["period"]):
            continue
        grp = grp.drop(columns="department").reset_index(drop=True)
        if period == "H1":
            sent = _dt.date(year, 5, int(rng.integers(5, 20)))
        else:
            sent = _dt.date(year, 11, int(rng.integers(3, 25)))
        if (dept, year, period) == (late["department"], late["year"], late["period"]):
            sent = _dt.date.fromisoformat(late["date"])
        style = FORMATS.get(dept, "xlsx_num")
        if (dept, year, period) == (rev["department"], rev["year"], rev["period"]):
            key = (grp["indicator_code"] == rev["indicator"]) & (grp["unit_code"] == rev["unit"])
            correct = grp[key].copy()
            wrong = grp.copy()
            # typing slip: the numerator's last two digits swapped, value recomputed from it
            n, d = int(correct["numerator"].iloc[0]), int(correct["denominator"].iloc[0])
            s = str(n)
            n_bad = int(s[:-2] + s[-1] + s[-2]) if s[-1] != s[-2] else n + 9
            wrong.loc[key, "numerator"] = n_bad
            wrong.loc[key, "value"] = round(100 * n_bad / d, 2)
            files.append(PlannedFile(dept, year, period, 1, sent, style, wrong))
            correct["note"] = "Điều chỉnh tử số (báo cáo ngày " + sent.strftime("%d/%m/%Y") + " nhập nhầm)"
            files.append(
                PlannedFile(dept, year, period, rev["revision"], _dt.date.fromisoformat(rev["date"]), style, correct)
            )
            continue
        files.append(PlannedFile(dept, year, period, 1, sent, style, grp))
    return sorted(files, key=lambda f: f.relpath)
