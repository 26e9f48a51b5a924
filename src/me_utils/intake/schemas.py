"""Table schemas (pandera) for submissions, the processed dataset and the other raw inputs.

The row rules of a submission (known indicator and unit, year range, non-negative counts,
numerator not above denominator, shares not above 100, 0/1 for binary indicators) are pandera
checks; :func:`me_utils.intake.submissions.check_records` turns their failure cases into located,
bilingual messages. The output schemas follow docs/CONTRACTS.md and are checked before
``me build`` writes anything.
"""

from __future__ import annotations

import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from me_utils.core.codes import YEAR_MAX, YEAR_MIN  # one accepted year range for the parser and the schemas

# The leadership tables: one schema each, shared with the leadership report (me_utils.analysis.leadership);
# the build words their failures with leadership_schema.findings.
from me_utils.intake.leadership_schema import COUNCILS_SCHEMA, KEY_LEADERS_SCHEMA, PLANNING_POOL_SCHEMA

# Shares are typed with rounding; a share of 100.004 is 100 typed with too many decimals.
SHARE_TOLERANCE = 1e-6

# check name → (column it concerns, reason vi, reason en); used to word pandera failures.
CHECK_TEXT = {
    "known_indicator": (
        "indicator_code",
        "mã chỉ tiêu không có trong danh mục chỉ tiêu",
        "indicator code not in the indicator catalogue",
    ),
    "known_unit": (
        "unit_code",
        "đơn vị (địa bàn) không có trong danh mục đơn vị hành chính",
        "unit (area) not in the list of administrative units",
    ),
    "year_range": ("year", f"năm nằm ngoài khoảng {YEAR_MIN}–{YEAR_MAX}", f"year outside {YEAR_MIN}–{YEAR_MAX}"),
    "period_code": ("period", "kỳ báo cáo không hợp lệ", "unknown reporting period"),
    "sex_code": ("sex", "giới tính không hợp lệ", "unknown sex code"),
    "value_nonneg": (
        "value",
        "giá trị âm: số đếm, tỷ lệ và tỷ suất không thể âm",
        "negative value: counts, shares and rates cannot be negative",
    ),
    "numerator_nonneg": (
        "numerator",
        "tử số âm: số đếm không thể âm",
        "negative numerator: a count cannot be negative",
    ),
    "denominator_nonneg": (
        "denominator",
        "mẫu số âm: số đếm không thể âm",
        "negative denominator: a count cannot be negative",
    ),
    "share_le_100": ("value", "tỷ lệ phần trăm lớn hơn 100", "share above 100 percent"),
    "numerator_le_denominator": ("numerator", "tử số lớn hơn mẫu số", "numerator above denominator"),
    "binary_01": ("value", "chỉ tiêu có/không chỉ nhận giá trị 0 hoặc 1", "a yes/no indicator takes only 0 or 1"),
}


def record_schema(indicator_codes, unit_codes) -> DataFrameSchema:
    """Schema of parsed submission records (columns of ``intake.RECORD_COLUMNS`` plus ``kind``).

    Inputs: the catalogue's indicator codes and the unit codes. Nullable columns: a missing
    or unparseable cell is already reported by the parser, so it is not reported twice.
    """
    return DataFrameSchema(
        {
            "indicator_code": Column(
                object, Check.isin(sorted(indicator_codes), error="known_indicator"), nullable=True
            ),
            "unit_code": Column(object, Check.isin(sorted(unit_codes), error="known_unit"), nullable=True),
            "year": Column(
                "float64", Check.in_range(YEAR_MIN, YEAR_MAX, error="year_range"), nullable=True, coerce=True
            ),
            "period": Column(object, Check.isin(["FY", "H1"], error="period_code"), nullable=True),
            "sex": Column(object, Check.isin(["T", "F", "M"], error="sex_code"), nullable=True),
            "value": Column("float64", Check.ge(0, error="value_nonneg"), nullable=True, coerce=True),
            "numerator": Column("float64", Check.ge(0, error="numerator_nonneg"), nullable=True, coerce=True),
            "denominator": Column("float64", Check.ge(0, error="denominator_nonneg"), nullable=True, coerce=True),
        },
        checks=[
            Check(lambda d: ~((d["kind"] == "proportion") & (d["value"] > 100 + SHARE_TOLERANCE)), name="share_le_100"),
            Check(
                lambda d: (
                    ~((d["kind"] == "proportion") & (d["denominator"] >= 0) & (d["numerator"] > d["denominator"]))
                ),
                name="numerator_le_denominator",
            ),
            Check(
                lambda d: ~((d["kind"] == "binary") & d["value"].notna() & ~d["value"].isin([0.0, 1.0])),
                name="binary_01",
            ),
        ],
        strict=False,
        name="submission_records",
    )


_OBS_COLS = {
    "indicator_code": Column(str),
    "unit_code": Column(str),
    "year": Column(int, Check.in_range(YEAR_MIN, YEAR_MAX)),
    "period": Column(str, Check.isin(["FY", "H1"])),
    "sex": Column(str, Check.isin(["T", "F", "M"])),
    "value": Column(float, Check.ge(0)),
    "numerator": Column(float, Check.ge(0), nullable=True),
    "denominator": Column(float, Check.ge(0), nullable=True),
    "department": Column(str),
    "submission_date": Column(str, Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$"), nullable=True),
    "source_file": Column(str),
    "source_sheet": Column(str, nullable=True),
    "source_row": Column(int, Check.ge(1)),
    "note": Column(str, nullable=True),
    "figure_status": Column(str, Check.isin(["estimate", "official"])),
    "cut_off_date": Column(str, Check.str_matches(r"^(\d{4}-\d{2}-\d{2})?$"), nullable=True),
}

OBSERVATIONS_SCHEMA = DataFrameSchema(
    _OBS_COLS,
    strict=True,
    ordered=True,
    name="observations",
    unique=["indicator_code", "unit_code", "year", "period", "sex"],
)
HISTORY_SCHEMA = DataFrameSchema(
    {
        **_OBS_COLS,
        "status": Column(str, Check.isin(["current", "superseded", "cross_check", "part", "conflict"])),
        "superseded_by": Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
    name="history",
)

SUBMISSION_COLUMNS = [
    "source_file",
    "sha256",
    "department",
    "year",
    "periods",
    "years",
    "submission_date",
    "due_date",
    "days_late",
    "on_time",
    "revision",
    "status",
    "n_rows",
    "n_current",
    "n_superseded",
    "n_errors",
    "n_warnings",
]
SUBMISSIONS_SCHEMA = DataFrameSchema(
    {
        "source_file": Column(str, unique=True),
        "sha256": Column(str, Check.str_matches(r"^[0-9a-f]{64}$")),
        "department": Column(str, nullable=True),
        "year": Column("Int64", nullable=True),
        "periods": Column(str, nullable=True),
        "years": Column(str, nullable=True),
        "submission_date": Column(str, nullable=True),
        "due_date": Column(str, nullable=True),
        "days_late": Column("Int64", nullable=True),
        "on_time": Column("boolean", nullable=True),
        "revision": Column(int, Check.ge(1)),
        "status": Column(str, Check.isin(["accepted", "partly_superseded", "superseded", "rejected"])),
        "n_rows": Column(int, Check.ge(0)),
        "n_current": Column(int, Check.ge(0)),
        "n_superseded": Column(int, Check.ge(0)),
        "n_errors": Column(int, Check.ge(0)),
        "n_warnings": Column(int, Check.ge(0)),
    },
    strict=True,
    ordered=True,
    name="submissions",
)

FINDINGS_SCHEMA = DataFrameSchema(
    {
        "severity": Column(str, Check.isin(["error", "warning", "info"])),
        "code": Column(str),
        "file": Column(str),
        "sheet": Column(str, nullable=True),
        "row": Column("Int64", nullable=True),
        "column": Column(str, nullable=True),
        "value": Column(str, nullable=True),
        "reason_vi": Column(str),
        "reason_en": Column(str),
        "department": Column(str, nullable=True),
        "indicator_code": Column(str, nullable=True),
        "unit_code": Column(str, nullable=True),
        "year": Column("Int64", nullable=True),
        "period": Column(str, nullable=True),
    },
    strict=True,
    ordered=True,
    name="findings",
)

# ---------------------------------------------------------------------------------------------
# Other raw inputs (docs/CONTRACTS.md), checked as-is before they are copied to processed/
# ---------------------------------------------------------------------------------------------
_STATUS = Column(str, nullable=True, required=False)

# The GBV register is checked by me_utils.analysis.gbv (register_schema and its cross-field rules); one
# schema for it, so that `me build` accepts exactly what the GBV report reads.

TRAFFICKING_SCHEMA = DataFrameSchema(
    {
        "year": Column(int, Check.in_range(YEAR_MIN, YEAR_MAX)),
        "unit_code": Column(str),
        "agency": Column(str, Check.isin(["CA", "BDBP"])),
        "returnees_detected": Column(int, Check.ge(0)),
        "returnees_in_need": Column(int, Check.ge(0)),
        "returnees_supported": Column(int, Check.ge(0)),
        "data_status": _STATUS,
    },
    checks=[
        Check(lambda d: d["returnees_supported"] <= d["returnees_in_need"], name="supported_le_in_need"),
        Check(lambda d: d["returnees_in_need"] <= d["returnees_detected"], name="in_need_le_detected"),
    ],
    strict=False,
    coerce=True,
    name="trafficking_returnees",
)

POPULATION_SCHEMA = DataFrameSchema(
    {
        "year": Column(int, Check.in_range(YEAR_MIN, YEAR_MAX)),
        "unit_code": Column(str),
        "sex": Column(str, Check.isin(["F", "M"])),
        "age_group": Column(str),
        "population": Column(float, Check.ge(0)),
        "data_status": _STATUS,
    },
    strict=False,
    coerce=True,
    name="population",
)

# Relative path pattern under raw/ → (kind, schema). First match wins; see build.classify().
INPUT_KINDS = [
    ("gbv/", "gbv_register", None),  # checked by build.checks.check_gbv_register (me_utils.analysis.gbv)
    ("trafficking/", "trafficking", TRAFFICKING_SCHEMA),
    ("leadership/councils", "leadership_councils", COUNCILS_SCHEMA),
    ("leadership/key_leaders", "leadership_key_leaders", KEY_LEADERS_SCHEMA),
    ("leadership/planning_pool", "leadership_planning_pool", PLANNING_POOL_SCHEMA),
    ("leadership/", "leadership", None),
    ("population/", "population", POPULATION_SCHEMA),
]

__all__ = [n for n in dir() if n.isupper() or n in ("record_schema",)] + ["pa"]
