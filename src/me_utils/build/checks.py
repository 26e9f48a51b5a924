"""Checks of the non-submission inputs of ``me build``: the GBV register, the leadership tables
and the other csv tables (returnees, population), each against the rules its report reads them
with, so that the build accepts exactly what the reports can read.

Each check takes the file's path relative to ``raw/`` (for the messages) and its path on disk,
and returns a list of located :class:`~me_utils.intake.submissions.Message` (severity, code,
file, row, column, reason in Vietnamese and English); an empty list means the table passed.
No cell value of the GBV register ever appears in a message.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from me_utils.intake import leadership_schema
from me_utils.intake import register as gbv
from me_utils.intake import submissions as intake
from me_utils.intake.submissions import Message

#: Largest non-submission table (GBV register, returnees, leadership, population), bytes: a
#: register of 100,000 cases is about 30 MB.
MAX_TABLE_BYTES = 128 * 2**20


def check_gbv_register(rel: str, path: Path) -> list[Message]:
    """Validate the GBV register with the GBV module's own rules (codes, dates, GBVIMS
    cross-field rules), so that `me build` accepts exactly what the GBV report can read.

    No cell value of the register appears in the messages, whichever column it sits in (a
    misaligned row puts case ids and dates in any column); they reach findings.csv, the
    data-quality report and the terminal, so row and column alone locate the cell.
    """

    msgs = check_table(rel, path, None)  # unreadable file → one located message
    if msgs:
        return msgs
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    try:
        _, problems = gbv.validate_register(raw, source=rel)
    except gbv.RegisterError as err:
        problems = err.errors
    for r in problems.head(500).itertuples(index=False):
        msgs.append(
            Message(
                str(r.severity),
                "gbv_register",
                rel,
                r.reason_vi,
                r.reason_en,
                row=int(r.row),
                column=str(r.column),
                value="",
            )
        )
    if len(problems) > 500:
        msgs.append(
            Message(
                "error" if (problems["severity"] == "error").any() else "warning",
                "gbv_register",
                rel,
                f"… và {len(problems) - 500} vấn đề khác",
                f"… and {len(problems) - 500} more",
            )
        )
    return msgs


def check_leadership(rel: str, path: Path, table: str) -> list[Message]:
    """Validate a leadership table with the schema and wording the leadership report uses
    (:mod:`me_utils.intake.leadership_schema`), so the build refuses exactly what the report refuses."""
    _, findings = leadership_schema.check_file(table, path, file=rel)
    return [
        Message(f.severity, f.code, rel, f.reason_vi, f.reason_en, sheet=f.sheet, row=f.row, column=f.column)
        for f in findings
    ]


def check_table(rel: str, path: Path, schema, echo_values: bool = True) -> list[Message]:
    """Validate a non-submission csv against its schema; messages located by row/column.

    ``echo_values=False`` leaves the failing cell value out of the messages: the GBV register's
    case ids and dates must not reach findings.csv or the quality report (row and column locate
    the cell for whoever may open the register).
    """
    import pandera.pandas as pa

    msgs: list[Message] = []
    size = path.stat().st_size
    if size > MAX_TABLE_BYTES:  # bounded reading (issue 16): refused before it is read
        return [
            Message(
                "error",
                "file_too_large",
                rel,
                f"bảng quá lớn ({size / 2**20:.0f} MiB, giới hạn {MAX_TABLE_BYTES // 2**20} MiB)",
                f"the table is too large ({size / 2**20:.0f} MiB, limit {MAX_TABLE_BYTES // 2**20} MiB)",
            )
        ]
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:
        return [
            Message(
                "error",
                "unreadable_table",
                rel,
                f"không đọc được bảng csv ({type(exc).__name__})",
                f"cannot read the csv table ({type(exc).__name__}: {intake.short_text(exc, 100)})",
            )
        ]
    if schema is None:
        return msgs
    # Empty strings are missing values for the typed checks.
    df = df.replace({"": None})
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        seen = set()
        for _, f in fc.head(200).iterrows():
            idx = f["index"]
            col = "" if pd.isna(f["column"]) else str(f["column"])
            key = (str(f["check"]), idx if not pd.isna(idx) else None, col if pd.isna(idx) else "")
            if key in seen:
                continue
            seen.add(key)
            row = None if pd.isna(idx) else int(idx) + 2  # header is line 1
            val = "" if not echo_values or pd.isna(f["failure_case"]) else str(f["failure_case"])
            if (
                row is not None
                and key[0] not in ("coerce_dtype", "not_nullable")
                and f["schema_context"] == "DataFrameSchema"
            ):
                col = ""
            msgs.append(
                Message(
                    "error",
                    "schema",
                    rel,
                    f"không đạt kiểm tra bảng “{schema.name}”: {f['check']}",
                    f"fails the “{schema.name}” table check: {f['check']}",
                    row=row,
                    column=col,
                    value=val,
                )
            )
        if len(fc) > 200:
            msgs.append(
                Message(
                    "error", "schema", rel, f"… và {len(fc) - 200} lỗi khác", f"… and {len(fc) - 200} more failures"
                )
            )
    except Exception as exc:
        msgs.append(
            Message(
                "error",
                "schema",
                rel,
                f"lỗi khi kiểm tra bảng ({type(exc).__name__})",
                f"table check failed ({type(exc).__name__}: {intake.short_text(exc, 100)})",
            )
        )
    return msgs
