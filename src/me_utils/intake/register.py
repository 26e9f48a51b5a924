"""The GBV case register as received: its schema, codes, labels and validation (intake layer).

The register schema is fixed in ``docs/CONTRACTS.md`` ("GBV register schema"): one row is one
reported incident of one survivor (GBVIMS Incident Recorder practice). ``me build`` and the GBV
analysis (:mod:`me_utils.analysis.gbv`) both validate it here, with one set of rules. Messages name the
file, row and column, never a cell's value (case ids and dates are identifying).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.core import errors as _errors
from me_utils.core import filecache, fmt
from me_utils.core.codes import GBV_REGISTER_COLUMNS, GBV_REGISTER_OPTIONAL_COLUMNS
from me_utils.reference.units import load_units

try:  # pandera ≥ 0.20 exposes the pandas API under pandera.pandas
    import pandera.pandas as pa
except ImportError:  # pragma: no cover
    import pandera as pa

#: District-level units of the register (cases received until 30/06/2025), from the units reference.
DISTRICTS = list(load_units().districts())
#: Commune-level units of the register (cases received from 01/07/2025: the 75 xã/phường).
COMMUNES = list(load_units().communes())
#: Every unit code a register row may carry (which one is valid depends on the report date).
REGISTER_UNITS = DISTRICTS + COMMUNES
INCIDENT_TYPES = [
    "rape",
    "sexual_assault",
    "physical_assault",
    "forced_marriage",
    "denial_of_resources",
    "psychological_abuse",
    "non_gbv",
]
GBV_TYPES = INCIDENT_TYPES[:-1]
AGE_GROUPS = ["0-11", "12-17", "18-24", "25-59", "60+"]
CHILD_AGE_GROUPS = ["0-11", "12-17"]
ETHNICITIES = ["Thai", "Kinh", "HMong", "Muong", "Dao", "KhoMu", "Other"]
SEXES = ["F", "M"]
SERVICES = [c for c in GBV_REGISTER_COLUMNS if c.startswith("svc_")]  # services received
DATES = ["incident_date", "report_date"]
#: The 0/1 columns: every register column but the case id, unit, type, survivor's sex, age
#: group and ethnicity, and the dates (in column order).
FLAGS = [
    c
    for c in GBV_REGISTER_COLUMNS
    if c not in ("case_id", "unit_code", "incident_type", "survivor_sex", "survivor_age_group", "survivor_ethnicity")
    and c not in DATES
]
REGISTER_COLUMNS = list(GBV_REGISTER_COLUMNS)  # the contract: me_utils.core.codes
OPTIONAL_COLUMNS = list(GBV_REGISTER_OPTIONAL_COLUMNS)
CASE_ID_PATTERN = r"^GBV-[A-Z0-9]{1,6}-\d{4}-\d{4}$"

#: Reporting-delay bands (days from incident to first report), GBVIMS meaning, exact bounds.
DELAY_BANDS = [  # (code, lowest day, highest day or None, label vi, label en)
    ("0-3", 0, 3, "0–3 ngày", "0–3 days"),
    ("4-5", 4, 5, "4–5 ngày", "4–5 days"),
    ("6-14", 6, 14, "6–14 ngày", "6–14 days"),
    ("15-30", 15, 30, "15–30 ngày", "15–30 days"),
    (">30", 31, None, "trên 30 ngày", "over 30 days"),
]

LABELS = {
    "incident_type": {
        "rape": ("Hiếp dâm", "Rape"),
        "sexual_assault": ("Tấn công tình dục", "Sexual assault"),
        "physical_assault": ("Bạo lực thể chất", "Physical assault"),
        "forced_marriage": ("Cưỡng ép kết hôn", "Forced marriage"),
        "denial_of_resources": ("Từ chối nguồn lực, cơ hội, dịch vụ", "Denial of resources"),
        "psychological_abuse": ("Bạo lực tinh thần", "Psychological abuse"),
        "non_gbv": ("Không phải BLTCSG", "Non-GBV"),
    },
    "survivor_sex": {"F": ("Nữ", "Female"), "M": ("Nam", "Male")},
    "survivor_ethnicity": {
        "Thai": ("Thái", "Thai"),
        "Kinh": ("Kinh", "Kinh"),
        "HMong": ("Mông", "Hmong"),
        "Muong": ("Mường", "Muong"),
        "Dao": ("Dao", "Dao"),
        "KhoMu": ("Khơ Mú", "Kho Mu"),
        "Other": ("Dân tộc khác", "Other"),
    },
    "survivor_age_group": {g: (g.replace("-", "–") + " tuổi", g.replace("-", "–") + " years") for g in AGE_GROUPS},
    "delay_band": {b[0]: (b[3], b[4]) for b in DELAY_BANDS},
}

ASSUMPTIONS = {
    "vi": [
        "Chỉ các vụ việc mà người bị hại đồng ý chia sẻ số liệu được thống kê; số vụ bị loại được nêu rõ.",
        "Vụ việc được tính vào năm được phát hiện (ngày báo cáo lần đầu).",
        "Mỗi dòng sổ đăng ký là một vụ việc của một người bị bạo lực.",
        "Dịch vụ hỗ trợ cơ bản: y tế, tâm lý – xã hội, trợ giúp pháp lý, công an – tư pháp, "
        "nơi tạm lánh / địa chỉ tin cậy.",
        "Tư vấn cho người gây bạo lực được tính trên số người gây bạo lực được phát hiện chưa bị "
        "truy cứu trách nhiệm hình sự.",
        "Tỷ suất trên 100.000 phụ nữ và trẻ em gái: số nạn nhân nữ / dân số nữ mọi độ tuổi.",
        "Khoảng tin cậy: Wilson cho tỷ lệ, Garwood (chính xác) cho tỷ suất.",
    ],
    "en": [
        "Only incidents with consent to reporting (consent_reporting = 1) are counted; the number left out is shown.",
        "An incident counts in the year it was detected (date of first report).",
        "One register row is one incident of one survivor.",
        "Basic services: health, psychosocial, legal aid, police/justice, safe shelter / trusted address.",
        "Perpetrator counselling is measured among detected perpetrators not criminally prosecuted.",
        "Rate per 100,000 women and girls: female survivors / female population of all ages.",
        "Intervals: Wilson for proportions, exact Garwood for rates.",
    ],
}


def label(dim: str, code, lang: str = "vi") -> str:
    """Report label of a code (e.g. ``label('incident_type', 'rape', 'vi') == 'Hiếp dâm'``)."""
    pair = LABELS.get(dim, {}).get(code)
    if pair is None:
        return str(code)
    return fmt.pick(lang, *pair)


# --------------------------------------------------------------------------- validation

_REASONS = {  # check name -> (vi, en)
    "missing": ("thiếu giá trị", "missing value"),
    "case_id_format": (
        "mã vụ việc phải có dạng GBV-<đơn vị>-<năm>-<nnnn>",
        "case id must look like GBV-<unit>-<year>-<nnnn>",
    ),
    "case_id_unique": ("mã vụ việc bị trùng", "duplicate case id"),
    "unit_code": (
        "mã đơn vị không hợp lệ (mã huyện cũ hoặc mã xã/phường)",
        "unknown unit code (former district or commune)",
    ),
    "incident_type": ("loại vụ việc không thuộc 7 loại GBVIMS", "incident type not one of the 7 GBVIMS codes"),
    "flag": ("phải là 0 hoặc 1", "must be 0 or 1"),
    "survivor_sex": ("giới tính phải là F hoặc M", "sex must be F or M"),
    "survivor_age_group": (
        "nhóm tuổi không hợp lệ (0-11, 12-17, 18-24, 25-59, 60+)",
        "age group not one of 0-11, 12-17, 18-24, 25-59, 60+",
    ),
    "survivor_ethnicity": ("dân tộc không hợp lệ", "unknown ethnicity code"),
    "iso_date": ("không phải ngày ISO hợp lệ (YYYY-MM-DD)", "not a valid ISO date (YYYY-MM-DD)"),
    "report_after_incident": ("ngày báo cáo trước ngày xảy ra vụ việc", "report date is before the incident date"),
    "case_id_unit": ("mã đơn vị trong mã vụ việc khác cột unit_code", "unit in case id differs from unit_code"),
    "ipv_not_gbv": ("ipv = 1 nhưng loại vụ việc là non_gbv", "ipv = 1 but incident type is non_gbv"),
    "child_sexual_abuse_rule": (
        "child_sexual_abuse không khớp quy tắc GBVIMS (hiếp dâm/tấn công tình dục và dưới 18 tuổi)",
        "child_sexual_abuse disagrees with the GBVIMS rule (rape or sexual assault and under 18)",
    ),
    "early_marriage_rule": (
        "early_marriage không khớp quy tắc GBVIMS (cưỡng ép kết hôn và dưới 18 tuổi)",
        "early_marriage disagrees with the GBVIMS rule (forced marriage and under 18)",
    ),
    "counselled_needs_detected": (
        "người gây bạo lực được tư vấn nhưng chưa được phát hiện hoặc đã bị truy cứu hình sự",
        "perpetrator counselled but not detected, or prosecuted",
    ),
    "prosecuted_needs_detected": (
        "người gây bạo lực bị truy cứu nhưng chưa được phát hiện",
        "perpetrator prosecuted but not detected",
    ),
    "missing_column": ("thiếu cột bắt buộc", "required column missing"),
}
#: Checks whose failure is a warning (the derived value replaces the recorded one).
WARNING_CHECKS = {"child_sexual_abuse_rule", "early_marriage_rule"}
_CHECK_COLUMN = {
    "report_after_incident": "report_date",
    "case_id_unit": "case_id",
    "ipv_not_gbv": "ipv",
    "child_sexual_abuse_rule": "child_sexual_abuse",
    "early_marriage_rule": "early_marriage",
    "counselled_needs_detected": "perpetrator_counselled",
    "prosecuted_needs_detected": "perpetrator_prosecuted",
}


#: Columns whose cell values identify a case. Messages never show any register cell value
#: (a misaligned row moves case ids and dates into other columns); ``RegisterError.errors``
#: keeps the values for whoever may open the register itself.
PRIVATE_COLUMNS = frozenset(["case_id", *DATES])


class RegisterError(_errors.InputError, ValueError):
    """The register has errors. ``errors`` is a DataFrame (row, column, value, reason_vi,
    reason_en, severity); ``str()`` names the file and the first errors by row and column,
    never a cell value."""

    def __init__(self, source: str, errors: pd.DataFrame, lang: str = "vi", limit: int = 20):
        self.source = source
        self.errors = errors
        err = errors[errors["severity"] == "error"]
        head = fmt.pick(
            lang, f"Sổ đăng ký BLTCSG {source}: {len(err)} lỗi", f"GBV register {source}: {len(err)} error(s)"
        )
        lines = []
        for r in err.head(limit).itertuples(index=False):
            reason = r.reason_vi if lang == "vi" else r.reason_en
            lines.append(
                fmt.pick(
                    lang, f"  dòng {r.row}, cột {r.column}: {reason}", f"  row {r.row}, column {r.column}: {reason}"
                )
            )
        if len(err) > limit:
            lines.append(f"  … (+{len(err) - limit})")
        super().__init__("\n".join([head, *lines]))


def _per_unique(fn):
    """Run a check on the distinct values only (registers repeat few values; 1M rows fast)."""

    def check(s: pd.Series) -> pd.Series:
        codes, uniq = pd.factorize(s)
        ok = np.asarray(fn(pd.Series(uniq, dtype=object)), dtype=bool)
        return pd.Series(ok[codes], index=s.index)

    return check


def _iso_ok(u: pd.Series) -> np.ndarray:
    ok = u.str.fullmatch(r"\d{4}-\d{2}-\d{2}", na=False)
    return pd.to_datetime(u.where(ok), format="%Y-%m-%d", errors="coerce").notna().to_numpy()


_is_iso_date = _per_unique(_iso_ok)


def _clean_text(s: pd.Series) -> pd.Series:
    """Text column as object strings, stripped, missing → "" (stripping the distinct values
    only: pandas string ops on a million rows are slow)."""
    codes, uniq = pd.factorize(s.astype(object))
    clean = np.array([str(u).strip() for u in uniq] + [""], dtype=object)
    if len(uniq) * 4 < len(s):
        # few distinct values: a categorical makes every later comparison a code lookup
        used = np.unique(codes)
        cats = pd.unique(clean[used])
        return pd.Series(pd.Categorical(clean[codes], categories=cats), index=s.index)
    return pd.Series(clean[codes], index=s.index, dtype=object)


def register_schema() -> pa.DataFrameSchema:
    """pandera schema of the raw register read as text (every column a string).

    Column checks give the located errors; DataFrame-level checks encode the cross-field
    rules (dates in order, case id ↔ unit, GBVIMS context flags, perpetrator logic).
    """

    def col(checks):
        # dtype left open: the frame holds object strings from _clean_text
        # nullable=True and ignore_na=False: _clean_text already turned NaN into "", and
        # pandera's own NaN scans cost seconds on a million object rows
        for ch in checks:
            ch.ignore_na = False
        return pa.Column(
            None,
            checks=[pa.Check(lambda s: s != "", name="missing", ignore_na=False), *checks],
            nullable=True,
            coerce=False,
        )

    flag = [pa.Check.isin(["0", "1"], name="flag")]
    cols = {
        "case_id": col(
            [
                pa.Check(lambda s: s.str.match(CASE_ID_PATTERN, na=False).astype(bool), name="case_id_format"),
                pa.Check(lambda s: ~s.duplicated(keep=False), name="case_id_unique"),
            ]
        ),
        "unit_code": col([pa.Check.isin(REGISTER_UNITS, name="unit_code")]),
        "incident_type": col([pa.Check.isin(INCIDENT_TYPES, name="incident_type")]),
        "survivor_sex": col([pa.Check.isin(SEXES, name="survivor_sex")]),
        "survivor_age_group": col([pa.Check.isin(AGE_GROUPS, name="survivor_age_group")]),
        "survivor_ethnicity": col([pa.Check.isin(ETHNICITIES, name="survivor_ethnicity")]),
        **{d: col([pa.Check(_is_iso_date, name="iso_date")]) for d in DATES},
        **{f: col(flag) for f in FLAGS},
        "data_status": pa.Column(None, required=False, nullable=True),
    }

    def _valid(df):
        return df

    def dates_ordered(df):
        i = pd.to_datetime(df["incident_date"], format="%Y-%m-%d", errors="coerce")
        r = pd.to_datetime(df["report_date"], format="%Y-%m-%d", errors="coerce")
        return ~(r < i)

    def id_unit(df):
        cid = df["case_id"]
        ok_fmt = cid.str.match(CASE_ID_PATTERN, na=False).astype(bool)
        unit = cid.str[4:-10]  # GBV-<unit>-yyyy-nnnn: the suffix has a fixed length
        return ~ok_fmt | (unit == df["unit_code"])

    def ipv_rule(df):
        return ~((df["ipv"] == "1") & (df["incident_type"] == "non_gbv"))

    def _child(df):
        return df["survivor_age_group"].isin(CHILD_AGE_GROUPS)

    def csa_rule(df):
        exp = df["incident_type"].isin(["rape", "sexual_assault"]) & _child(df)
        rec = df["child_sexual_abuse"]
        return ~rec.isin(["0", "1"]) | ((rec == "1") == exp)

    def em_rule(df):
        exp = (df["incident_type"] == "forced_marriage") & _child(df)
        rec = df["early_marriage"]
        return ~rec.isin(["0", "1"]) | ((rec == "1") == exp)

    def counselled(df):
        c = df["perpetrator_counselled"] == "1"
        return ~c | ((df["perpetrator_detected"] == "1") & (df["perpetrator_prosecuted"] == "0"))

    def prosecuted(df):
        return ~(df["perpetrator_prosecuted"] == "1") | (df["perpetrator_detected"] == "1")

    checks = [
        pa.Check(dates_ordered, name="report_after_incident"),
        pa.Check(id_unit, name="case_id_unit"),
        pa.Check(ipv_rule, name="ipv_not_gbv"),
        pa.Check(csa_rule, name="child_sexual_abuse_rule"),
        pa.Check(em_rule, name="early_marriage_rule"),
        pa.Check(counselled, name="counselled_needs_detected"),
        pa.Check(prosecuted, name="prosecuted_needs_detected"),
    ]
    return pa.DataFrameSchema(cols, checks=checks, strict=False, coerce=False)


def derive_context_flags(df: pd.DataFrame) -> pd.DataFrame:
    """GBVIMS derived case-context flags from type and age (Primero
    ``gender_based_violence.rb``): child sexual abuse = rape/sexual assault and under 18;
    early marriage (tảo hôn) = forced marriage and under 18. Input: typed register. Output:
    DataFrame with ``child_sexual_abuse`` and ``early_marriage`` (0/1 int8)."""
    child = df["survivor_age_group"].astype(str).isin(CHILD_AGE_GROUPS)
    t = df["incident_type"].astype(str)
    return pd.DataFrame(
        {
            "child_sexual_abuse": (t.isin(["rape", "sexual_assault"]) & child).astype("int8"),
            "early_marriage": ((t == "forced_marriage") & child).astype("int8"),
        },
        index=df.index,
    )


def validate_register(
    raw: pd.DataFrame, source: str = "gbv/register.csv", lang: str = "vi"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate a register read as text and return ``(typed, problems)``.

    Inputs: ``raw`` — DataFrame of strings as read from csv (``dtype=str``,
    ``keep_default_na=False``); ``source`` — file name used in messages.
    Output: ``typed`` (flags int8, dates datetime64, codes categorical, plus ``year`` of report
    and ``delay_days``; GBVIMS-derived flags replace disagreeing recorded ones) and
    ``problems`` — DataFrame ``row`` (1-based line in the file, header = line 1), ``column``,
    ``value``, ``reason_vi``, ``reason_en``, ``severity`` (``error``/``warning``).
    Raises :class:`RegisterError` if any error (not warning) is found.
    """
    missing = [c for c in REGISTER_COLUMNS if c not in raw.columns]
    if missing:
        errs = pd.DataFrame(
            {
                "row": 1,
                "column": missing,
                "value": "",
                "reason_vi": _REASONS["missing_column"][0],
                "reason_en": _REASONS["missing_column"][1],
                "severity": "error",
            }
        )
        raise RegisterError(source, errs, lang)
    df = raw.reset_index(drop=True)
    df = pd.DataFrame({c: _clean_text(df[c]) for c in df.columns})
    problems = _run_schema(df)
    dated = unit_date_problems(df)
    if len(dated):
        problems = pd.concat([problems, dated], ignore_index=True).sort_values(["row", "column"], ignore_index=True)
    if (problems["severity"] == "error").any():
        raise RegisterError(source, problems, lang)
    return _typed(df), problems


def _unit_list(codes, lang: str) -> str:
    units = load_units()
    return ", ".join(f"{c} ({units.name(c, lang, full=True)})" for c in codes)


def _dated_reason(code: str) -> tuple[str, str]:
    """(vi, en) reason for a register row whose unit did not exist on its report date, naming
    the codes to use instead (the former district's new communes, or a commune's former
    district(s)). Never names the row's date or any other cell."""
    units = load_units()
    u = units[code]
    if u.level == "district":
        new = units.successors(code)
        return (
            f"mã huyện {code} ({u.full_name_vi}) chỉ dùng cho vụ việc tiếp nhận đến 30/06/2025; từ 01/07/2025 "
            f"vụ việc ghi theo xã/phường đã tiếp nhận: {_unit_list(new, 'vi')}",
            f"district code {code} ({u.full_name_en}) is valid only for cases received until 30 June 2025; "
            f"from 1 July 2025 a case carries the commune/ward that received it: {_unit_list(new, 'en')}",
        )
    ds = list(u.former_districts)
    return (
        f"mã xã/phường {code} ({u.full_name_vi}) chỉ có từ 01/07/2025; vụ việc tiếp nhận trước ngày này ghi "
        f"theo huyện cũ: {_unit_list(ds, 'vi')}",
        f"commune code {code} ({u.full_name_en}) exists only from 1 July 2025; a case received before that "
        f"date carries the former district: {_unit_list(ds, 'en')}",
    )


def unit_date_problems(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose ``unit_code`` was not a reporting unit on the row's ``report_date`` (the
    day the case was received): a district code from 01/07/2025 on, a commune code before it.

    Input: the register as cleaned text (unknown codes and bad dates are left to the schema
    checks). Output: problems frame (``row`` = line in the file, ``column`` = ``unit_code``,
    ``value``, ``reason_vi``/``reason_en`` naming the valid alternative, ``severity`` =
    ``error``); empty when every unit fits its date. Vectorised over the distinct codes."""
    cols = ["row", "column", "value", "reason_vi", "reason_en", "severity"]
    units = load_units()
    code = df["unit_code"].astype(str)
    date = pd.to_datetime(df["report_date"].astype(str), format="%Y-%m-%d", errors="coerce")
    recs = []
    for c in pd.unique(code):
        if c not in REGISTER_UNITS:
            continue
        u = units[c]
        m = (code == c).to_numpy() & date.notna().to_numpy()
        bad = np.zeros(len(df), dtype=bool)
        if u.valid_from is not None:
            bad |= m & (date < pd.Timestamp(u.valid_from)).to_numpy()
        if u.valid_to is not None:
            bad |= m & (date > pd.Timestamp(u.valid_to)).to_numpy()
        if bad.any():
            vi, en = _dated_reason(c)
            recs += [(int(i) + 2, "unit_code", c, vi, en, "error") for i in np.flatnonzero(bad)]
    return pd.DataFrame(recs, columns=cols)


def _run_schema(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["row", "column", "value", "reason_vi", "reason_en", "severity"]
    try:
        register_schema().validate(df, lazy=True)
        return pd.DataFrame(columns=cols)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    recs = []
    for r in fc.itertuples(index=False):
        check = str(r.check)
        if r.index is None or (isinstance(r.index, float) and np.isnan(r.index)):
            continue  # schema-level failures (e.g. dtype) surface again as cell failures
        idx = int(r.index)
        if r.schema_context == "DataFrameSchema":
            name = check
            column = _CHECK_COLUMN.get(name)
        else:
            column = r.column
            if check.startswith("isin"):
                name = "flag" if column in FLAGS else column
            elif check.startswith("str_matches"):
                name = "case_id_format"
            else:
                name = check
        if column is None or column not in df.columns:
            continue
        value = df.at[idx, column]
        key = "missing" if value == "" else name
        vi, en = _REASONS.get(key, (check, check))
        recs.append((idx + 2, column, value, vi, en, "warning" if key in WARNING_CHECKS else "error"))
    out = pd.DataFrame(recs, columns=cols)
    # an empty cell fails every check of its column: report it once, as missing
    out["_m"] = out["reason_en"] != _REASONS["missing"][1]
    out = out.sort_values(["row", "column", "_m"]).drop_duplicates(["row", "column"]).drop(columns="_m")
    return out.sort_values(["row", "column"]).reset_index(drop=True)


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    out["case_id"] = df["case_id"]
    out["unit_code"] = pd.Categorical(df["unit_code"], categories=REGISTER_UNITS)
    out["incident_type"] = pd.Categorical(df["incident_type"], categories=INCIDENT_TYPES)
    out["survivor_sex"] = pd.Categorical(df["survivor_sex"], categories=SEXES)
    out["survivor_age_group"] = pd.Categorical(df["survivor_age_group"], categories=AGE_GROUPS, ordered=True)
    out["survivor_ethnicity"] = pd.Categorical(df["survivor_ethnicity"], categories=ETHNICITIES)
    for f in FLAGS:
        out[f] = (df[f] == "1").astype("int8")  # validated: only "0"/"1" remain
    for d in DATES:
        codes, uniq = pd.factorize(df[d])
        out[d] = pd.Series(
            pd.to_datetime(pd.Series(uniq, dtype=object), format="%Y-%m-%d").to_numpy()[codes], index=df.index
        )
    derived = derive_context_flags(out)
    out["child_sexual_abuse"] = derived["child_sexual_abuse"]
    out["early_marriage"] = derived["early_marriage"]
    return add_derived(out)


def delay_band(days) -> pd.Series:
    """Reporting-delay band of each delay in whole days (incident → first report).

    Bands: ``0-3`` (0 ≤ d ≤ 3, the 72-hour PEP window), ``4-5`` (4–5), ``6-14``, ``15-30``,
    ``>30`` (d ≥ 31). Input: int days (Series/array/list, ≥ 0). Output: ordered categorical
    Series. Raises ValueError for negative or missing delays.
    """
    d = pd.Series(days)
    if d.isna().any() or (d < 0).any():
        raise ValueError("delay_band: delays must be whole days ≥ 0")
    codes = [b[0] for b in DELAY_BANDS]
    edges = [-0.5, 3.5, 5.5, 14.5, 30.5, np.inf]  # half-day edges make integer bounds exact
    return pd.cut(d.astype(float), bins=edges, labels=codes, right=True).astype(
        pd.CategoricalDtype(codes, ordered=True)
    )


def add_derived(reg: pd.DataFrame) -> pd.DataFrame:
    """Add ``year`` (of first report), ``delay_days``, ``delay_band`` and ``any_service``."""
    out = reg.copy()
    out["year"] = out["report_date"].dt.year.astype("int64")
    out["delay_days"] = (out["report_date"] - out["incident_date"]).dt.days.astype("int64")
    out["delay_band"] = delay_band(out["delay_days"])
    out["any_service"] = (out[SERVICES].sum(axis=1) > 0).astype("int8")
    return out


def read_register(path: str | os.PathLike, lang: str = "vi") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read and validate a register csv (never modifies it). Output as
    :func:`validate_register`. Raises :class:`RegisterError` (clear, located message) for
    bad content and FileNotFoundError naming the path when absent."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(
            fmt.pick(lang, f"Không tìm thấy sổ đăng ký BLTCSG: {p}", f"GBV register not found: {p}")
        )
    # Every GBV page of a report batch reads the same register: read and check it once per
    # version of the file (core.filecache).
    return filecache.read_once(p, _read_register_file, lang)


def _read_register_file(p: Path, lang: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    try:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        # these messages give a line/byte position, never cell content, so they are safe to show
        raise ValueError(
            fmt.pick(
                lang,
                f"Sổ đăng ký BLTCSG {p}: không đọc được tệp csv UTF-8 ({exc})",
                f"GBV register {p}: not a readable UTF-8 csv ({exc})",
            )
        ) from None
    return validate_register(raw, source=str(p), lang=lang)
