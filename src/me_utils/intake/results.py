"""What validation returns: a located, bilingual :class:`Message` per finding, the
:class:`Submission` of one parsed file, and the record columns of its rows."""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field

import pandas as pd


@dataclass
class Message:
    """One validation finding, located and bilingual.

    ``severity``: ``error`` (the file is not accepted), ``warning`` (accepted, to be checked) or
    ``info``. ``row`` is 1-based in the sheet/file (None for file-level messages); ``column`` is
    the header text as written in the file (or the canonical name); ``value`` the raw cell text.
    """

    severity: str
    code: str
    file: str
    reason_vi: str
    reason_en: str
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    department: str = ""
    indicator_code: str = ""
    unit_code: str = ""
    year: int | None = None
    period: str = ""

    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f'trang tính/sheet "{self.sheet}"')
        if self.row is not None:
            parts.append(f"dòng/row {self.row}")
        if self.column:
            parts.append(f'cột/column "{self.column}"')
        if self.value != "":
            parts.append(f'giá trị/value "{short_text(self.value)}"')
        return ", ".join(parts)

    def format(self) -> str:
        """Two-language text: location line, then the Vietnamese and English reasons."""
        label = {"error": "LỖI/ERROR", "warning": "CẢNH BÁO/WARNING", "info": "THÔNG TIN/INFO"}
        return (
            f"{label.get(self.severity, self.severity.upper())}: {self.location()}\n"
            f"    vi: {self.reason_vi}\n    en: {self.reason_en}"
        )

    def as_row(self) -> dict:
        d = asdict(self)
        d["value"] = short_text(self.value, 120)
        return d


FINDING_COLUMNS = [
    "severity",
    "code",
    "file",
    "sheet",
    "row",
    "column",
    "value",
    "reason_vi",
    "reason_en",
    "department",
    "indicator_code",
    "unit_code",
    "year",
    "period",
]


def short_text(value, n: int = 60) -> str:
    s = "" if value is None else str(value)
    s = s.replace("\r", " ").replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def messages_frame(messages: list[Message]) -> pd.DataFrame:
    """Messages as a DataFrame with :data:`FINDING_COLUMNS` (row/year as nullable Int64)."""
    df = pd.DataFrame([m.as_row() for m in messages], columns=FINDING_COLUMNS)
    for c in FINDING_COLUMNS:
        if c in ("row", "year"):
            df[c] = pd.array(df[c], dtype="Int64")
        else:
            df[c] = df[c].fillna("").astype(str)
    return df


def sort_messages(messages: list[Message]) -> list[Message]:
    """Order messages by file, sheet, row (file-level first), severity, column."""
    sev = {"error": 0, "warning": 1, "info": 2}
    return sorted(
        messages,
        key=lambda m: (m.file, m.sheet, -1 if m.row is None else m.row, sev.get(m.severity, 3), m.column, m.code),
    )


# ---------------------------------------------------------------------------------------------
# Parsed submissions
# ---------------------------------------------------------------------------------------------
RECORD_COLUMNS = [
    "indicator_code",
    "unit_code",
    "year",
    "period",
    "sex",
    "value",
    "numerator",
    "denominator",
    "department",
    "submission_date",
    "source_file",
    "source_sheet",
    "source_row",
    "note",
    "value_decimals",
    "revision",
    "col_labels",
]


@dataclass
class Submission:
    """A parsed submission: records (one per data row that could be parsed), messages and
    metadata. ``records`` has :data:`RECORD_COLUMNS`; ``ok_rows`` counts rows accepted."""

    path: str
    sheet: str = ""
    department: str = ""
    submission_date: _dt.date | None = None
    revision: int = 1
    records: pd.DataFrame | None = None
    messages: list = field(default_factory=list)
    encoding: str = ""
    n_rows: int = 0
    n_skipped: int = 0

    @property
    def n_errors(self) -> int:
        return sum(m.severity == "error" for m in self.messages)

    @property
    def n_warnings(self) -> int:
        return sum(m.severity == "warning" for m in self.messages)


_EMPTY_RECORDS: pd.DataFrame | None = None


def empty_records() -> pd.DataFrame:
    """An empty records frame (built once; copies are cheap and frames are never mutated)."""
    global _EMPTY_RECORDS
    if _EMPTY_RECORDS is None:
        _EMPTY_RECORDS = pd.DataFrame({c: pd.Series(dtype="object") for c in RECORD_COLUMNS})
    return _EMPTY_RECORDS.copy()
