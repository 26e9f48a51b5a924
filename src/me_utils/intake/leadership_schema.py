"""The rules of the three leadership tables, in one pandera schema each (intake layer).

``me build`` (through :data:`me_utils.intake.schemas.INPUT_KINDS`) and the leadership report
(:func:`me_utils.analysis.leadership.read_councils` and friends) check a leadership file with the same
schema and word its failures with the same :class:`me_utils.core.errors.Finding` objects, so a file
the build accepts is a file the report can read, and a refused file gets the same located
reason in both places.

Tables (docs/CONTRACTS.md, "Leadership schemas"):

- ``councils`` — ``term, level, unit_code, seats, women, ethnic_minority_women[, data_status]``;
- ``key_leaders`` — ``year, unit_code, agencies, agencies_with_woman_key_leader[, data_status]``;
- ``planning_pool`` — ``year, unit_code, pool_size, women_in_pool, women_trained[, data_status]``.

The schemas run on the file *as text* (every cell a string, as read with ``dtype=str``), so that
"not a number", "not finite" and "not a whole number" are rules of the schema too, and every
problem of a file is found in one lazy pass. Rules:

- every column present (``data_status`` optional);
- counts are whole numbers ≥ 0 (``1,234`` and ``12.0`` are read as 1234 and 12); only
  ``ethnic_minority_women`` may be empty (not collected);
- ``seats`` ≥ 1 and ``agencies`` ≥ 1 (they are denominators: a council has seats, a unit has
  at least its People's Committee); a planning pool may be empty (``pool_size`` = 0);
- ``women`` ≤ ``seats``, ``ethnic_minority_women`` ≤ ``women``,
  ``agencies_with_woman_key_leader`` ≤ ``agencies``, ``women_in_pool`` ≤ ``pool_size``,
  ``women_trained`` ≤ ``women_in_pool``;
- ``term`` is ``YYYY-YYYY`` spanning five years and one of :data:`ELECTION_TERMS`; ``level`` one
  of :data:`COUNCIL_LEVELS`; ``year`` within ``codes.YEAR_MIN``–``YEAR_MAX``;
- ``unit_code`` is the province or a district of the units reference (``units.csv``); the
  province level is the province; from the 2026–2031 term there is no district level and the
  commune level is reported as the province total; before it the district and commune levels
  are reported per district;
- one row per term × level × unit (councils) or year × unit (the yearly tables).
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from me_utils.core import paths
from me_utils.core.codes import YEAR_MAX, YEAR_MIN
from me_utils.core.errors import Finding
from me_utils.reference import units as _units

#: Election terms of People's Councils known to the workbench (docs/CONTRACTS.md), in order.
ELECTION_TERMS = ("2016-2021", "2021-2026", "2026-2031")
COUNCIL_LEVELS = ("province", "district", "commune")
#: First term elected under two-tier local government (no district level).
FIRST_TWO_TIER_TERM_START = 2026

COLUMNS = {
    "councils": ["term", "level", "unit_code", "seats", "women", "ethnic_minority_women", "data_status"],
    "key_leaders": ["year", "unit_code", "agencies", "agencies_with_woman_key_leader", "data_status"],
    "planning_pool": ["year", "unit_code", "pool_size", "women_in_pool", "women_trained", "data_status"],
}
OPTIONAL_COLUMNS = ("data_status",)
#: Count columns of each table and those that may be left empty.
COUNTS = {
    "councils": ["seats", "women", "ethnic_minority_women"],
    "key_leaders": ["agencies", "agencies_with_woman_key_leader"],
    "planning_pool": ["pool_size", "women_in_pool", "women_trained"],
}
MAY_BE_EMPTY = ("ethnic_minority_women",)
# Reasons may quote a cell: these tables hold published aggregates, never personal data.
_TERM_RE = re.compile(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*")

_COL_VI = {  # how a column is named in a Vietnamese reason
    "seats": "số ghế",
    "women": "số nữ",
    "ethnic_minority_women": "số nữ dân tộc thiểu số",
    "agencies": "số cơ quan, địa phương",
    "agencies_with_woman_key_leader": "số cơ quan có nữ lãnh đạo chủ chốt",
    "pool_size": "số người trong quy hoạch",
    "women_in_pool": "số nữ trong quy hoạch",
    "women_trained": "số nữ được đào tạo",
    "year": "năm",
}


# --------------------------------------------------------------------------- cell helpers


def _cell(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _parse(text: str) -> float:
    """One cell as a number: ``""`` or unreadable → NaN; a comma is a thousands separator."""
    s = text.replace(",", "")
    if not s or "_" in s:  # float() would read "1_000"; a spreadsheet never writes it
        return math.nan
    try:
        return float(s)
    except ValueError:
        return math.nan


# Plain Python over the cells: these tables have tens to hundreds of rows, where a list
# comprehension is ~100x faster than pandas' string and to_numeric machinery.
def _text(s: pd.Series) -> pd.Series:
    """Cells as stripped text; None/NaN (the build turns empty cells into None) → ``""``."""
    return pd.Series([_cell(v) for v in s.tolist()], index=s.index, dtype=object)


def to_number(s: pd.Series) -> pd.Series:
    """Text cells as float64: ``""`` and unreadable text → NaN, ``"inf"`` → inf; a comma is a
    thousands separator (``1,234`` → 1234), as in the report's reader."""
    return pd.Series([_parse(_cell(v)) for v in s.tolist()], index=s.index, dtype="float64")


def _whole(s: pd.Series) -> pd.Series:
    """True where the cell is a finite whole number ≥ 0."""
    v = to_number(s)
    return v.notna() & v.abs().ne(math.inf) & (v >= 0) & (v == v.round())


def normalise_term(term) -> str | None:
    """``'2021 – 2026'`` → ``'2021-2026'``; None unless ``YYYY-YYYY`` spanning five years."""
    m = _TERM_RE.fullmatch(str(term))
    if not m or int(m.group(2)) - int(m.group(1)) != 5:
        return None
    return f"{m.group(1)}-{m.group(2)}"


def reference_units() -> tuple[str, tuple[str, ...]]:
    """``(province_code, district_codes)`` from the units reference (``units.csv``).

    The one place the leadership rules learn which units exist. Cached on the file's path and
    modification time, so an edited ``units.csv`` is used at once.
    """
    p = paths.reference_dir() / _units.UNITS_FILE
    return _reference_units(str(p), p.stat().st_mtime_ns if p.exists() else 0)


@functools.lru_cache(maxsize=4)
def _reference_units(path: str, mtime_ns: int) -> tuple[str, tuple[str, ...]]:
    u = _units.load_units(path)
    fr = u.frame()
    province = fr.loc[fr["level"] == "province", "unit_code"].tolist()
    return (province[0] if province else "SL"), tuple(u.districts())


# --------------------------------------------------------------------------- checks on text columns
# Each check fails only for its own case, so one bad cell gives one finding.


def _not_empty(s):
    return _text(s) != ""


def _is_number(s):
    t = _text(s)
    return (t == "") | to_number(s).notna()


def _finite(s):
    v = to_number(s)
    return v.isna() | v.abs().ne(math.inf)


def _whole_nonneg(s):
    v = to_number(s)
    return v.isna() | v.abs().eq(math.inf) | ((v >= 0) & (v == v.round()))


def _at_least_1(s):
    return ~_whole(s) | (to_number(s) >= 1)


def _year_range(s):
    return ~_whole(s) | to_number(s).between(YEAR_MIN, YEAR_MAX)


def _term_format(s):
    return _text(s).map(lambda t: normalise_term(t) is not None).astype(bool)


def _known_term(s):
    n = _text(s).map(normalise_term)
    return n.isna() | n.isin(ELECTION_TERMS)


def _known_level(s):
    return _text(s).isin(COUNCIL_LEVELS)


def _known_unit(s):
    province, districts = reference_units()
    return _text(s).isin((province, *districts))


def _count_checks(col: str, at_least_1: bool = False) -> list[Check]:
    checks = [] if col in MAY_BE_EMPTY else [Check(_not_empty, name="not_empty")]
    checks += [
        Check(_is_number, name="not_a_number"),
        Check(_finite, name="not_finite"),
        Check(_whole_nonneg, name="not_whole_nonneg"),
    ]
    if at_least_1:
        checks.append(Check(_at_least_1, name=f"{col}_ge_1"))
    return checks


def _le(small: str, big: str):
    def check(d: pd.DataFrame) -> pd.Series:
        # Compared only where both cells are valid counts: a bad cell has its own finding.
        a, b = to_number(d[small]), to_number(d[big])
        return ~(_whole(d[small]) & _whole(d[big]) & (a > b))

    return check


def _unique(keys: list[str]):
    def check(d: pd.DataFrame) -> pd.Series:
        k = pd.DataFrame({c: _text(d[c]) for c in keys})
        if "term" in keys:
            k["term"] = k["term"].map(lambda t: normalise_term(t) or t)
        return ~k.duplicated(keep="first")

    return check


def _term_start(d: pd.DataFrame) -> pd.Series:
    n = _text(d["term"]).map(normalise_term)
    return n.map(lambda t: int(t[:4]) if t else float("nan")).astype("float64")


def _no_district_level_after_reform(d):
    return ~((_term_start(d) >= FIRST_TWO_TIER_TERM_START) & (_text(d["level"]) == "district"))


def _unit_matches_level(d):
    province, _ = reference_units()
    level, unit = _text(d["level"]), _text(d["unit_code"])
    start = _term_start(d)
    after = start >= FIRST_TWO_TIER_TERM_START
    is_prov = unit == province
    want_prov = (level == "province") | (after & (level == "commune"))
    checkable = level.isin(COUNCIL_LEVELS) & start.notna() & ~(after & (level == "district"))
    return ~checkable | (is_prov == want_prov)


_TEXT = {"nullable": True}  # no dtype check: cells are text (or None from the build's reader)
_STATUS = Column(nullable=True, required=False)
_YEAR = Column(
    checks=[
        Check(_not_empty, name="not_empty"),
        Check(_is_number, name="not_a_number"),
        Check(_finite, name="not_finite"),
        Check(_whole_nonneg, name="not_whole_nonneg"),
        Check(_year_range, name="year_range"),
    ],
    **_TEXT,
)
_UNIT = Column(checks=[Check(_known_unit, name="known_unit")], **_TEXT)

COUNCILS_SCHEMA = DataFrameSchema(
    {
        "term": Column(
            checks=[Check(_term_format, name="term_format"), Check(_known_term, name="known_term")], **_TEXT
        ),
        "level": Column(checks=[Check(_known_level, name="known_level")], **_TEXT),
        "unit_code": _UNIT,
        "seats": Column(checks=_count_checks("seats", at_least_1=True), **_TEXT),
        "women": Column(checks=_count_checks("women"), **_TEXT),
        "ethnic_minority_women": Column(checks=_count_checks("ethnic_minority_women"), **_TEXT),
        "data_status": _STATUS,
    },
    checks=[
        Check(_no_district_level_after_reform, name="no_district_level_after_reform"),
        Check(_unit_matches_level, name="unit_matches_level"),
        Check(_le("women", "seats"), name="women_le_seats"),
        Check(_le("ethnic_minority_women", "women"), name="emw_le_women"),
        Check(_unique(["term", "level", "unit_code"]), name="unique_term_level_unit"),
    ],
    strict=False,
    name="councils",
)

KEY_LEADERS_SCHEMA = DataFrameSchema(
    {
        "year": _YEAR,
        "unit_code": _UNIT,
        "agencies": Column(checks=_count_checks("agencies", at_least_1=True), **_TEXT),
        "agencies_with_woman_key_leader": Column(checks=_count_checks("agencies_with_woman_key_leader"), **_TEXT),
        "data_status": _STATUS,
    },
    checks=[
        Check(_le("agencies_with_woman_key_leader", "agencies"), name="awkl_le_agencies"),
        Check(_unique(["year", "unit_code"]), name="unique_year_unit"),
    ],
    strict=False,
    name="key_leaders",
)

PLANNING_POOL_SCHEMA = DataFrameSchema(
    {
        "year": _YEAR,
        "unit_code": _UNIT,
        "pool_size": Column(checks=_count_checks("pool_size"), **_TEXT),
        "women_in_pool": Column(checks=_count_checks("women_in_pool"), **_TEXT),
        "women_trained": Column(checks=_count_checks("women_trained"), **_TEXT),
        "data_status": _STATUS,
    },
    checks=[
        Check(_le("women_in_pool", "pool_size"), name="women_in_pool_le_pool_size"),
        Check(_le("women_trained", "women_in_pool"), name="women_trained_le_women_in_pool"),
        Check(_unique(["year", "unit_code"]), name="unique_year_unit"),
    ],
    strict=False,
    name="planning_pool",
)

SCHEMAS = {"councils": COUNCILS_SCHEMA, "key_leaders": KEY_LEADERS_SCHEMA, "planning_pool": PLANNING_POOL_SCHEMA}

# DataFrame-level check → (column the finding names, the two columns compared or None).
_FRAME_CHECK_COLUMN = {
    "no_district_level_after_reform": "level",
    "unit_matches_level": "unit_code",
    "women_le_seats": ("women", "seats"),
    "emw_le_women": ("ethnic_minority_women", "women"),
    "awkl_le_agencies": ("agencies_with_woman_key_leader", "agencies"),
    "women_in_pool_le_pool_size": ("women_in_pool", "pool_size"),
    "women_trained_le_women_in_pool": ("women_trained", "women_in_pool"),
    "unique_term_level_unit": "unit_code",
    "unique_year_unit": "unit_code",
}


# --------------------------------------------------------------------------- wording


def _q(v) -> str:
    s = "" if v is None else str(v).strip()
    return repr(s if len(s) <= 40 else s[:39] + "…")


def _g(v) -> str:
    f = float(v)
    return str(int(f)) if f == int(f) else f"{f:g}"


def _reason(check: str, column: str, row: pd.Series, table: str) -> tuple[str, str]:
    """Vietnamese and English reason of a failed check on one row."""
    v = row.get(column, "") if column else ""
    cv = _COL_VI.get(column, column)
    province = reference_units()[0] if check in ("known_unit", "unit_matches_level") else ""
    if check == "column_in_dataframe":
        expected = ", ".join(c for c in COLUMNS[table] if c not in OPTIONAL_COLUMNS)
        return (f"thiếu cột {column}; bảng cần các cột {expected}", f"missing column {column}; expected {expected}")
    if check == "not_empty":
        return f"ô trống: cần {cv}", "value is empty"
    if check == "not_a_number":
        return f"{_q(v)} không phải là số", f"{_q(v)} is not a number"
    if check == "not_finite":
        return f"{_q(v)} không phải là số đếm hữu hạn", f"{_q(v)} is not a finite count"
    if check == "not_whole_nonneg":
        return f"{_q(v)} phải là số nguyên ≥ 0", f"{_q(v)} must be a whole number ≥ 0"
    if check.endswith("_ge_1"):
        return (
            f"{cv} phải ít nhất là 1 (là mẫu số của tỷ lệ), không phải {_q(v)}",
            f"{column} must be at least 1 (it is the denominator of a share), got {_q(v)}",
        )
    if check == "year_range":
        return (f"năm {_q(v)} nằm ngoài khoảng {YEAR_MIN}–{YEAR_MAX}", f"year {_q(v)} is outside {YEAR_MIN}–{YEAR_MAX}")
    if check == "term_format":
        return (
            f"nhiệm kỳ {_q(v)} phải có dạng '2021-2026' (năm năm)",
            f"term must look like '2021-2026' (five years), got {_q(v)}",
        )
    if check == "known_term":
        return (
            f"nhiệm kỳ {_q(v)} không thuộc các nhiệm kỳ {', '.join(ELECTION_TERMS)}",
            f"term {_q(v)} is not one of {', '.join(ELECTION_TERMS)}",
        )
    if check == "known_level":
        return (
            f"cấp {_q(v)} không thuộc {', '.join(COUNCIL_LEVELS)}",
            f"level {_q(v)} is not one of {', '.join(COUNCIL_LEVELS)}",
        )
    if check == "known_unit":
        return (
            f"mã đơn vị {_q(v)} không có trong danh mục đơn vị (units.csv): cần {province} hoặc mã huyện",
            f"unknown unit code {_q(v)} (units.csv has {province} and the district codes)",
        )
    if check == "no_district_level_after_reform":
        return (
            "không còn HĐND cấp huyện sau 30/06/2025 (chính quyền địa phương hai cấp)",
            "no district People's Councils exist after 30/06/2025 (two-tier local government)",
        )
    if check == "unit_matches_level":
        vi = (
            f"unit_code phải là {province} với cấp tỉnh (và cấp xã từ nhiệm kỳ 2026-2031), và là mã huyện "
            "trong các trường hợp khác"
        )
        en = (
            f"unit_code must be {province} for the province level (and for the commune level from the "
            "2026-2031 term) and a district code otherwise"
        )
        return vi, en
    if check in ("unique_term_level_unit", "unique_year_unit"):
        keys = "nhiệm kỳ/cấp/đơn vị" if check == "unique_term_level_unit" else "năm/đơn vị"
        keys_en = "term/level/unit_code" if check == "unique_term_level_unit" else "year/unit_code"
        return f"dòng trùng {keys} với một dòng phía trên", f"duplicate {keys_en} row"
    pair = _FRAME_CHECK_COLUMN.get(check)
    if isinstance(pair, tuple):
        small, big = pair
        a, b = to_number(pd.Series([row.get(small)])).iloc[0], to_number(pd.Series([row.get(big)])).iloc[0]
        return (
            f"{_COL_VI.get(small, small)} ({_g(a)}) lớn hơn {_COL_VI.get(big, big)} ({_g(b)})",
            f"{small} ({_g(a)}) exceeds {big} ({_g(b)})",
        )
    return f"không đạt quy tắc {check}", f"fails the rule {check}"  # a check added without wording


# --------------------------------------------------------------------------- entry points


def read_text_table(path: str | Path, file: str | None = None) -> tuple[pd.DataFrame | None, list[Finding]]:
    """Read a leadership csv as text: ``(frame, [])``, or ``(None, [finding])`` if unreadable.

    Cells are stripped strings (empty cells ``""``), header names stripped. ``file`` is the
    name the findings give (default: the path).
    """
    file = str(path) if file is None else file
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        return None, [
            Finding(
                file,
                f"không đọc được tệp như bảng CSV UTF-8 ({type(exc).__name__})",
                f"cannot be read as a UTF-8 CSV table ({type(exc).__name__})",
                code="unreadable",
            )
        ]
    df.columns = [str(c).strip() for c in df.columns]
    return df.apply(_text), []


def findings(table: str, df: pd.DataFrame, file: str) -> list[Finding]:
    """Validate a leadership table read as text against its schema; the failures as findings.

    Inputs: ``table`` (``councils|key_leaders|planning_pool``), the frame (cells as text, or
    None for empty cells; index = 0-based data row), ``file`` (name used in the findings).
    Output: one :class:`Finding` per failed rule and row, ordered by row then column; rows are
    1-based file lines (the header is row 1). A missing column gives only the header finding(s),
    since the row rules cannot be read without it.
    """
    schema = SCHEMAS[table]
    df = df.reset_index(drop=True)
    try:
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
    out: list[tuple[tuple, Finding]] = []
    seen = set()
    missing = fc[fc["check"] == "column_in_dataframe"]
    if len(missing):
        for col in missing["failure_case"].astype(str):
            vi, en = _reason("column_in_dataframe", col, pd.Series(dtype=object), table)
            out.append(
                (
                    (1, list(df.columns).index(col) if col in df.columns else 99, col),
                    Finding(file, vi, en, code="missing_column", row=1, column=col),
                )
            )
        return [f for _, f in sorted(out, key=lambda x: x[0])]
    order = {c: i for i, c in enumerate(COLUMNS[table])}
    for f in fc.itertuples(index=False):
        check = str(f.check)
        if pd.isna(f.index):
            continue  # a frame-level failure without rows: cannot happen once columns exist
        i = int(f.index)
        target = _FRAME_CHECK_COLUMN.get(check)
        col = (target[0] if isinstance(target, tuple) else target) if target else str(f.column)
        key = (i, col, check)
        if key in seen:
            continue
        seen.add(key)
        vi, en = _reason(check, col, df.iloc[i], table)
        out.append(((i, order.get(col, 99), check), Finding(file, vi, en, code=check, row=i + 2, column=col)))
    return [f for _, f in sorted(out, key=lambda x: x[0])]


def check_file(table: str, path: str | Path, file: str | None = None) -> tuple[pd.DataFrame | None, list[Finding]]:
    """Read and validate one leadership file: ``(text frame or None, findings)``.

    What ``me build`` and the report both call. ``file`` names the file in the findings
    (the build passes the path relative to ``raw/``; default: the path).
    """
    file = str(path) if file is None else file
    df, problems = read_text_table(path, file)
    if df is None:
        return None, problems
    return df, findings(table, df, file)


def table_of_kind(kind: str) -> str | None:
    """Leadership table of a build input kind (``leadership_councils`` → ``councils``), else None."""
    t = kind.removeprefix("leadership_")
    return t if kind.startswith("leadership_") and t in SCHEMAS else None


def typed(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """A validated text frame as the analysis uses it: the columns of :data:`COLUMNS` in order,
    counts (and ``year``) as float64 (empty ``ethnic_minority_women`` → NaN; ``year`` then
    int64), ``term`` normalised to ``YYYY-YYYY``, ``data_status`` ``""`` when the file has none.
    """
    out = df.copy()
    if "data_status" not in out.columns:
        out["data_status"] = ""
    out = out[COLUMNS[table]].copy()
    for c in COUNTS[table]:
        out[c] = to_number(out[c])
    if "year" in out.columns:
        out["year"] = to_number(out["year"]).astype("int64")
    if "term" in out.columns:
        out["term"] = out["term"].map(normalise_term)
    return out


__all__ = [
    "ELECTION_TERMS",
    "COUNCIL_LEVELS",
    "FIRST_TWO_TIER_TERM_START",
    "COLUMNS",
    "COUNTS",
    "SCHEMAS",
    "COUNCILS_SCHEMA",
    "KEY_LEADERS_SCHEMA",
    "PLANNING_POOL_SCHEMA",
    "to_number",
    "normalise_term",
    "reference_units",
    "read_text_table",
    "findings",
    "check_file",
    "table_of_kind",
    "typed",
]
