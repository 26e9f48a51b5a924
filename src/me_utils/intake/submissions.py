"""Read, parse and validate department submissions (xlsx or csv) — ``me validate``.

A submission is one table per file (issue 4). Above the header there may be title rows and
metadata rows (``Cơ quan báo cáo: Sở Nội vụ``, ``Ngày gửi: 20/11/2025``). Columns are matched
ignoring case, diacritics, spacing and Unicode normalisation, in Vietnamese or English.

Every problem becomes a :class:`Message` naming the file, sheet, row, column, the value and the
reason in Vietnamese and English. Nothing here raises for user input: an unexpected exception
while reading a file becomes a located error message (``code="internal"``). Raw files are only
ever opened for reading.

Parsing rules (assumptions, shown in the data-quality report's method note via
:data:`PARSING_RULES`):

* numbers: ``1.234,5`` (Vietnamese) and ``1,234.5`` (English) are both read; when only one
  separator kind occurs, a single comma is a decimal comma (``35,38`` = 35.38), a single dot
  followed by exactly three digits is a thousands dot (``1.234`` = 1234), repeated separators
  are thousands separators; ``45%`` / ``35,38%`` are percent values (45, 35.38); an Excel cell
  with a percent number format holding 0.3538 is read as 35.38;
* csv: UTF-8 with or without BOM, else Windows-1258 (Vietnamese code page; decoded text is
  NFC-normalised because cp1258 stores tone marks as combining characters); delimiter ``,``
  ``;`` or tab, chosen as the one that yields a recognisable header row;
* xlsx: the table may be on any sheet (the first sheet with a recognisable header wins);
  merged cells take the value of their top-left cell; a formula without a stored (cached)
  result is an error, never a zero.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import math
import re
import sys
import unicodedata
import warnings
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from defusedxml.ElementTree import fromstring as _safe_fromstring
from defusedxml.ElementTree import iterparse as _safe_iterparse

from me_utils.core import errors as _errors
from me_utils.core import fmt, safe_csv
from me_utils.core.atomic import atomic_write_text
from me_utils.core.codes import PERIODS  # noqa: E402 (one place; re-exported)
from me_utils.intake.schemas import CHECK_TEXT, record_schema
from me_utils.reference import plan as _plan
from me_utils.reference import units as units_mod
from me_utils.reference.catalogue import load_catalogue

HEADER_SCAN_ROWS = 40  # title/metadata rows above the header are rarely more than a handful

PARSING_RULES = {
    "vi": [
        "Số: `1.234,5` và `1,234.5` đều đọc được; chỉ có một dấu phẩy thì đó là dấu thập phân "
        "(`35,38` = 35,38); một dấu chấm theo sau đúng ba chữ số là dấu phân cách hàng nghìn "
        "(`1.234` = 1.234); `45%` được đọc là 45 (phần trăm).",
        "Tệp csv: UTF-8 (có hoặc không có BOM) hoặc bảng mã Windows-1258; dấu phân cách `,` `;` "
        "hoặc tab; văn bản được chuẩn hóa Unicode NFC.",
        "Tệp xlsx: bảng có thể nằm ở bất kỳ trang tính nào; ô gộp lấy giá trị ô góc trên trái; "
        "ô công thức không có giá trị lưu sẵn là lỗi, không tính là 0.",
    ],
    "en": [
        "Numbers: `1.234,5` and `1,234.5` are both read; a single comma is a decimal comma "
        "(`35,38` = 35.38); a single dot followed by exactly three digits is a thousands dot "
        "(`1.234` = 1234); `45%` reads as 45 (percent).",
        "csv files: UTF-8 (with or without BOM) or Windows-1258; delimiter `,` `;` or tab; text "
        "is Unicode NFC-normalised.",
        "xlsx files: the table may be on any sheet; merged cells take their top-left value; a "
        "formula cell without a stored value is an error, not a zero.",
    ],
}

# ---------------------------------------------------------------------------------------------
# Departments (plan 123 section IV; codes from docs/CONTRACTS.md)
# ---------------------------------------------------------------------------------------------


def fold(text) -> str:
    """Fold text for matching: NFC, strip diacritics (đ→d), lower case, drop non-alphanumerics.

    ``fold("  Mã  chỉ tiêu ")`` → ``"machitieu"``. Input: any value (None → ``""``).
    """
    if text is None:
        return ""
    s = unicodedata.normalize("NFD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("đ", "d").replace("Đ", "D").lower()
    return re.sub(r"[^0-9a-z]+", "", s)


def _dept_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    # Every body of the plan files (data/reference/plan/bodies.yaml), former ones included, so
    # a 2021 report of Sở LĐTBXH is attributed to it and not to its successor.
    for name, code in _plan.body_aliases().items():
        out[fold(name)] = code
    # Common short forms seen in provincial correspondence.
    extra = {
        "sonoivu": "SNV",
        "sotaichinh": "STC",
        "cucthongke": "CTK",
        "chicucthongke": "TK",
        "thongke": "TK",
        "sogiaoducvadaotao": "SGDDT",
        "sogddt": "SGDDT",
        "soyte": "SYT",
        "sovanhoathethaovadulich": "SVHTTDL",
        "sovhttdl": "SVHTTDL",
        "congan": "CA",
        "congantinhsonla": "CA",
        "bodoibienphong": "BDBP",
        "bochihuybodoibienphong": "BDBP",
        "bdbp": "BDBP",
    }
    for k, v in extra.items():
        out.setdefault(k, v)
    return out


_ALIAS_CACHE: dict = {}


def _aliases() -> dict[str, str]:
    """Department aliases, rebuilt when the plan files change."""
    key = _plan.files_stamp(_plan.plan_dir())
    if _ALIAS_CACHE.get("key") != key:
        _ALIAS_CACHE.update(key=key, aliases=_dept_aliases())
    return _ALIAS_CACHE["aliases"]


def match_department(text) -> str | None:
    """Department code for a code or name (with or without diacritics), else None."""
    key = fold(text)
    if not key:
        return None
    aliases = _aliases()
    if key in aliases:
        return aliases[key]
    key2 = key.replace("sonla", "").replace("tinh", "")
    for alias, code in aliases.items():
        if len(alias) >= 5 and (key2 == alias.replace("tinh", "") or key.startswith(alias)):
            return code
    return None


# ---------------------------------------------------------------------------------------------
# Columns
# ---------------------------------------------------------------------------------------------
COLUMN_ALIASES = {
    "indicator_code": ["Mã chỉ tiêu", "indicator_code", "indicator code", "Mã chỉ số", "indicator", "code"],
    "unit": ["Đơn vị", "unit", "unit_code", "Mã đơn vị", "Đơn vị hành chính", "Địa bàn", "area"],
    "year": ["Năm", "year"],
    "period": ["Kỳ báo cáo", "period", "Kỳ"],
    "value": ["Giá trị", "value", "Số liệu"],
    "numerator": ["Tử số", "numerator"],
    "denominator": ["Mẫu số", "denominator"],
    "sex": ["Giới tính", "sex", "gender"],
    "note": ["Ghi chú", "note", "notes", "remarks"],
    "department": ["Cơ quan báo cáo", "department", "Cơ quan", "reporting agency", "agency"],
    "submission_date": ["Ngày gửi", "submission_date", "submission date", "date sent", "Ngày báo cáo"],
    "figure_status": [
        "Tình trạng số liệu",
        "figure_status",
        "figure status",
        "Loại số liệu",
        "Số ước/chính thức",
        "estimate/official",
    ],
}
# Columns a filler may keep for their own reading; ignored without a message.
IGNORED_COLUMNS = [
    "Tên chỉ tiêu",
    "indicator name",
    "name",
    "Đơn vị tính",
    "unit of measure",
    "STT",
    "No",
    "TT",
    "data_status",
    "Tên đơn vị",
    "unit name",
]
REQUIRED_COLUMNS = ("indicator_code", "unit", "year", "period", "value")
COLUMN_LABELS = {
    "indicator_code": "Mã chỉ tiêu",
    "unit": "Đơn vị",
    "year": "Năm",
    "period": "Kỳ báo cáo",
    "value": "Giá trị",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "sex": "Giới tính",
    "note": "Ghi chú",
    "department": "Cơ quan báo cáo",
    "submission_date": "Ngày gửi",
    "figure_status": "Tình trạng số liệu",
}

_HEADER_MAP = {fold(a): canon for canon, aliases in COLUMN_ALIASES.items() for a in aliases}
_IGNORED = {fold(a) for a in IGNORED_COLUMNS}
_META_KEYS = {
    "department": {fold(a) for a in COLUMN_ALIASES["department"] + ["Đơn vị báo cáo"]},
    "submission_date": {fold(a) for a in COLUMN_ALIASES["submission_date"] + ["Ngày"]},
}

_PERIOD_MAP = {
    "h1": "H1",
    "6thang": "H1",
    "6thangdaunam": "H1",
    "sauthang": "H1",
    "sauthangdaunam": "H1",
    "halfyear": "H1",
    "firsthalf": "H1",
    "bannam": "H1",
    "6t": "H1",
    "fy": "FY",
    "nam": "FY",
    "canam": "FY",
    "annual": "FY",
    "year": "FY",
    "fullyear": "FY",
    "hangnam": "FY",
}
_SEX_MAP = {
    "": "T",
    "t": "T",
    "tong": "T",
    "tongso": "T",
    "total": "T",
    "chung": "T",
    "all": "T",
    "cahaigioi": "T",
    "f": "F",
    "nu": "F",
    "female": "F",
    "women": "F",
    "m": "M",
    "nam": "M",
    "male": "M",
    "men": "M",
}


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Reference data (catalogue + units), loaded once
# ---------------------------------------------------------------------------------------------
@dataclass
class IndicatorInfo:
    code: str
    kind: str
    scale: float
    department: str
    co_departments: tuple[str, ...] = ()
    periodicity: str = "annual"


@dataclass
class Reference:
    """What validation needs from the catalogue and the unit list."""

    indicators: dict[str, IndicatorInfo]
    unit_codes: set[str]
    _unit_matcher: object = None
    _code_fold: dict[str, str] = field(default_factory=dict)
    schema: object = None
    unit_validity: dict = field(default_factory=dict)  # code → (valid_from, valid_to) dates or None
    units: object = None  # me_utils.reference.units.Units: period rule and date-aware name matching

    def __post_init__(self):
        self._code_fold = {fold(c): c for c in self.indicators}

    def match_indicator(self, text) -> str | None:
        return self._code_fold.get(fold(text))

    def match_unit(self, text, year=None) -> str | None:
        """Unit code of a code or name; with ``year`` a bare name reads as the unit in force on
        1 January of that year ("Mai Sơn": huyện up to 2025, xã from 2026)."""
        s = "" if text is None else unicodedata.normalize("NFC", str(text)).strip()
        if not s:
            return None
        if s.upper() in self.unit_codes:
            return s.upper()
        if self._unit_matcher is not None:
            try:
                if self.units is not None and year is not None:
                    code = self.units.match(s, on=_dt.date(int(year), 1, 1))
                else:
                    code = self._unit_matcher(s)
            except Exception:  # a matcher problem must not stop validation
                code = None
            if isinstance(code, str) and code:
                return code
            if code is not None and hasattr(code, "code"):
                return code.code
            if code is not None and hasattr(code, "unit_code"):
                return code.unit_code
        return None


_REFERENCE: Reference | None = None


def load_reference(refresh: bool = False) -> Reference:
    """Load indicator kinds/scales/departments from ``me_utils.reference.catalogue`` and unit codes and
    the name matcher from ``me_utils.reference.units`` (cached)."""
    global _REFERENCE
    if _REFERENCE is not None and not refresh:
        return _REFERENCE
    cat = load_catalogue()
    inds = {}
    for code, ind in cat.indicators.items():
        co = getattr(ind, "co_departments", ()) or ()
        if isinstance(co, str):
            co = tuple(x.strip() for x in re.split(r"[,;|]", co) if x.strip())
        inds[code] = IndicatorInfo(
            code=code,
            kind=str(getattr(ind, "kind", "count")),
            scale=float(getattr(ind, "scale", 1) or 1),
            department=str(getattr(ind, "department", "") or ""),
            co_departments=tuple(co),
            periodicity=str(getattr(ind, "periodicity", "annual") or "annual"),
        )
    u = units_mod.load_units()
    fr = u.frame()
    codes = set(fr["unit_code"].astype(str))
    validity = {}
    if "valid_to" in fr:
        for code, vf, vt in zip(fr["unit_code"], fr.get("valid_from", [None] * len(fr)), fr["valid_to"]):
            vf = None if vf is None or pd.isna(vf) else pd.Timestamp(vf).date()
            vt = None if vt is None or pd.isna(vt) else pd.Timestamp(vt).date()
            if vf or vt:
                validity[str(code)] = (vf, vt)
    matcher = getattr(units_mod, "match", None) or getattr(u, "match", None)
    _REFERENCE = Reference(indicators=inds, unit_codes=codes, _unit_matcher=matcher, unit_validity=validity, units=u)
    return _REFERENCE


# ---------------------------------------------------------------------------------------------
# Cell parsing
# ---------------------------------------------------------------------------------------------
class CellError(_errors.InputError, ValueError):
    """A cell could not be parsed; carries the bilingual reason."""

    def __init__(self, code: str, vi: str, en: str):
        super().__init__(en)
        self.code, self.vi, self.en = code, vi, en


def cell_text(v) -> str:
    """Cell value as NFC text, stripped (None → "")."""
    if v is None:
        return ""
    if isinstance(v, float) and math.isnan(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (_dt.datetime, _dt.date)):
        return v.isoformat()[:10]
    return unicodedata.normalize("NFC", str(v)).replace("\u00a0", " ").strip()


_MISSING_TOKENS = {"", "-", "–", "—", "x", "na", "n/a", "..", "..."}


def parse_number(v, percent_format: bool = False) -> tuple[float | None, int]:
    """Parse a cell into a float and the number of decimals typed.

    Inputs: a cell value (number, text or None); ``percent_format`` is True when an xlsx cell
    carries a percent number format (0.3538 shown as 35.38%). Output: ``(value, decimals)``,
    ``(None, 0)`` for an empty cell or a dash. Text follows the rules in the module docstring.
    Raises :class:`CellError` for text that is not a number.
    """
    if v is None:
        return None, 0
    if isinstance(v, bool):
        raise CellError("not_number", "giá trị lôgic (TRUE/FALSE), không phải số", "a logical TRUE/FALSE, not a number")
    if isinstance(v, (int, np.integer)):
        x = float(v) * (100.0 if percent_format else 1.0)
        return x, _decimals_of(x)
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return None, 0
        if math.isinf(v):
            raise CellError("not_number", "số vô hạn", "an infinite number")
        x = float(v) * (100.0 if percent_format else 1.0)
        return x, _decimals_of(x)
    if isinstance(v, (_dt.date, _dt.datetime, _dt.time)):
        raise CellError(
            "not_number",
            "ô chứa ngày tháng, không phải số (kiểm tra định dạng ô)",
            "the cell holds a date, not a number (check the cell format)",
        )
    s = cell_text(v)
    if s.lower() in _MISSING_TOKENS:
        return None, 0
    t = s.replace(" ", "").replace("\u202f", "").replace("'", "")
    if t.endswith("%"):
        _pct, t = True, t[:-1]
    neg = False
    if t.startswith("(") and t.endswith(")"):
        neg, t = True, t[1:-1]
    if t.startswith(("-", "−")):
        neg, t = True, t[1:]
    elif t.startswith("+"):
        t = t[1:]
    if not re.fullmatch(r"[0-9][0-9.,]*", t) or t.endswith((".", ",")):
        raise CellError("not_number", "không phải là số", "not a number")
    n_dot, n_com = t.count("."), t.count(",")
    if n_dot and n_com:
        dec = "." if t.rfind(".") > t.rfind(",") else ","
        thou = "," if dec == "." else "."
        if t.count(dec) > 1 or not re.fullmatch(rf"\d{{1,3}}(\{thou}\d{{3}})*(\{dec}\d+)?", t):
            raise CellError(
                "not_number",
                "dấu phân cách hàng nghìn/thập phân không hợp lệ",
                "misplaced thousands/decimal separators",
            )
        intpart, frac = t.split(dec)
        intpart = intpart.replace(thou, "")
    elif n_com:
        if n_com == 1:
            intpart, frac = t.split(",")
        elif re.fullmatch(r"\d{1,3}(,\d{3})+", t):
            intpart, frac = t.replace(",", ""), ""
        else:
            raise CellError("not_number", "dấu phẩy đặt sai chỗ", "misplaced commas")
    elif n_dot:
        if n_dot == 1 and not re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", t):
            intpart, frac = t.split(".")
        elif re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", t):
            intpart, frac = t.replace(".", ""), ""
        else:
            raise CellError("not_number", "dấu chấm đặt sai chỗ", "misplaced dots")
    else:
        intpart, frac = t, ""
    x = float(f"{intpart}.{frac}" if frac else intpart)
    if neg:
        x = -x
    return x, len(frac)


def _decimals_of(x: float) -> int:
    s = repr(round(x, 8))
    if "e" in s or "." not in s:
        return 0
    frac = s.split(".")[1].rstrip("0")
    return len(frac)


def parse_year(v) -> int | None:
    """Year from a number or text (``2024``, ``2024.0``, ``năm 2024``); None when empty."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise CellError("bad_year", "không phải năm", "not a year")
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return None
        if float(v).is_integer():
            return int(v)
        raise CellError("bad_year", "năm phải là số nguyên", "the year must be a whole number")
    if isinstance(v, (_dt.date, _dt.datetime)):
        raise CellError("bad_year", "ô chứa ngày tháng, không phải năm", "the cell holds a date, not a year")
    s = cell_text(v)
    m = re.fullmatch(r"(?:n[aă]m|year)?\s*(\d{4})(?:[.,]0+)?", s, flags=re.I)
    if not m:
        raise CellError(
            "bad_year", "không phải năm (cần 4 chữ số, ví dụ 2024)", "not a year (expected four digits, e.g. 2024)"
        )
    return int(m.group(1))


def parse_period(v) -> str | None:
    """Period code ``FY``/``H1`` from ``Năm``, ``6 tháng``, ``FY``, ``H1``…; None when empty."""
    key = fold(cell_text(v))
    if not key:
        return None
    if key in _PERIOD_MAP:
        return _PERIOD_MAP[key]
    raise CellError(
        "bad_period",
        "kỳ báo cáo không hợp lệ (dùng “Năm” hoặc “6 tháng”)",
        "unknown reporting period (use “Năm”/FY or “6 tháng”/H1)",
    )


def parse_sex(v) -> str:
    """Sex code ``T``/``F``/``M`` from ``Tổng``, ``Nữ``, ``Nam``, ``F``…; empty means total."""
    key = fold(cell_text(v))
    if key in _SEX_MAP:
        return _SEX_MAP[key]
    raise CellError(
        "bad_sex",
        "giới tính không hợp lệ (dùng “Tổng”, “Nữ” hoặc “Nam”)",
        "unknown sex (use “Tổng”/T, “Nữ”/F or “Nam”/M)",
    )


def parse_date(v) -> _dt.date | None:
    """Date from an Excel date or text ``20/11/2025``, ``20-11-2025``, ``2025-11-20`` (day first)."""
    if v is None:
        return None
    if isinstance(v, _dt.datetime):
        return v.date()
    if isinstance(v, _dt.date):
        return v
    s = cell_text(v)
    if not s:
        return None
    m = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    try:
        if m:
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = re.search(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", s)
        if m:
            return _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.search(r"ng[aà]y\s*(\d{1,2})\s*th[aá]ng\s*(\d{1,2})\s*n[aă]m\s*(\d{4})", s, re.I)
        if m:
            return _dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        pass
    raise CellError("bad_date", "không đọc được ngày (dùng dd/mm/yyyy)", "not a date (use dd/mm/yyyy)")


# ---------------------------------------------------------------------------------------------
# Reading files into grids
# ---------------------------------------------------------------------------------------------
@dataclass
class Grid:
    """One sheet (or a csv file) as rows of cell values with their 1-based row numbers."""

    sheet: str
    rows: list[list]
    row_numbers: list[int]
    percent: set = field(default_factory=set)  # (row_idx, col_idx) with a percent format
    formula_missing: set = field(default_factory=set)  # (row_idx, col_idx): formula, no value
    formulas: dict = field(default_factory=dict)  # (row_idx, col_idx) -> formula text
    truncated: bool = False  # kept for callers; the readers now refuse a file over a cap instead


# A submission table has about ten columns and at most a few thousand rows. The caps below
# bound the time and memory of reading any file, however it was made (issue 16: a 1 MB xlsx
# expanding to 1 GiB of sheet XML ran 93 s at 11 GB). Over a cap, the file is refused with a
# located message before (or while) it is read: never partly read, never truncated.
MAX_ROWS, MAX_COLS = 100_000, 100
#: Size of the file on disk (xlsx package or csv text), bytes.
MAX_FILE_BYTES = 32 * 2**20
#: Uncompressed size of one part of an xlsx package / of all parts together, bytes (from the
#: zip directory, checked before anything is decompressed; zipfile enforces the declared sizes
#: while reading, a part that lies about its size fails its CRC check).
MAX_PART_BYTES = 100 * 2**20
MAX_UNZIPPED_BYTES = 200 * 2**20
#: Parts read whole into a tree (workbook.xml, its relationships, styles.xml), bytes.
MAX_TREE_PART_BYTES = 16 * 2**20
MAX_ZIP_MEMBERS = 2_000
#: ``<c>`` elements in one sheet (empty formatted cells included) and shared strings.
MAX_CELLS = 3_000_000
#: Characters in one cell: Excel's own limit, so no workbook saved by Excel exceeds it.
MAX_CELL_CHARS = 32_767
#: Sheet XML read by openpyxl when the fast reader cannot (rare features): its object model
#: takes about ten times the XML size in memory, hence a tighter bound.
MAX_FALLBACK_BYTES = 24 * 2**20


class FileError(_errors.InputError):
    """A whole file cannot be read; carries the bilingual reason and, where known, the sheet,
    row (1-based) and column (letter or header) that locate it."""

    def __init__(self, code: str, vi: str, en: str, sheet: str = "", row: int | None = None, column: str = ""):
        super().__init__(en)
        self.code, self.vi, self.en = code, vi, en
        self.sheet, self.row, self.column = sheet, row, column


def _n_vi(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


def too_large_error(size: int) -> FileError:
    """The located error for a file over :data:`MAX_FILE_BYTES` (``size`` in bytes)."""
    return FileError(
        "file_too_large",
        f"tệp quá lớn ({_mib(size)}, giới hạn {_mib(MAX_FILE_BYTES)}): một báo cáo chỉ "
        "gồm một bảng vài nghìn dòng; hãy xóa các trang tính, hình ảnh và ô thừa rồi gửi lại",
        f"the file is too large ({_mib(size)}, limit {_mib(MAX_FILE_BYTES)}): a submission "
        "is one table of a few thousand rows; remove extra sheets, pictures and stray cells "
        "and send it again",
    )


def _too_many_rows(row: int, sheet: str = "") -> FileError:
    return FileError(
        "too_many_rows",
        f"bảng có dữ liệu ở dòng {_n_vi(row)}, quá giới hạn {_n_vi(MAX_ROWS)} dòng: tệp bị từ "
        "chối, không đọc một phần (xóa các dòng thừa hoặc chia thành nhiều tệp)",
        f"the table has data on row {row:,}, beyond the limit of {MAX_ROWS:,} rows: the file "
        "is refused, not partly read (delete stray rows or split the file)",
        sheet=sheet,
        row=row,
    )


def _too_many_cols(row: int, col: str, sheet: str = "") -> FileError:
    return FileError(
        "too_many_columns",
        f"có dữ liệu ở cột {col}, quá giới hạn {MAX_COLS} cột: tệp bị từ chối (xóa các ô thừa ở xa bảng)",
        f"there is data in column {col}, beyond the limit of {MAX_COLS} columns: the file is "
        "refused (delete stray cells far from the table)",
        sheet=sheet,
        row=row,
        column=col,
    )


def _cell_too_long(row: int | None, col: str, n: int | None, sheet: str = "") -> FileError:
    size_vi = f" ({_n_vi(n)} ký tự)" if n else ""
    size_en = f" ({n:,} characters)" if n else ""
    return FileError(
        "cell_too_long",
        f"một ô dài quá {_n_vi(MAX_CELL_CHARS)} ký tự{size_vi} — giới hạn của Excel; hãy rút "
        "gọn nội dung ô (ghi chú dài gửi kèm bằng văn bản riêng)",
        f"a cell is longer than {MAX_CELL_CHARS:,} characters{size_en} — Excel's own limit; "
        "shorten it (send long notes as a separate document)",
        sheet=sheet,
        row=row,
        column=col,
    )


def _col_letters(c_i: int) -> str:
    s, n = "", c_i + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Decode csv bytes: UTF-8 (BOM stripped) or Windows-1258; returns ``(text, encoding)``.

    The text is NFC-normalised (cp1258 keeps tone marks as combining characters).
    Raises :class:`FileError` for binary content.
    """
    if b"\x00" in data[:4096]:
        raise FileError(
            "binary_file",
            "tệp không phải văn bản csv (có byte nhị phân)",
            "the file is not csv text (it holds binary bytes)",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, enc = data.decode("cp1258"), "cp1258"
            except UnicodeDecodeError as exc:  # pragma: no cover - cp1258 maps nearly all bytes
                raise FileError(
                    "bad_encoding",
                    "không nhận ra bảng mã của tệp (dùng UTF-8)",
                    "unrecognised text encoding (save as UTF-8)",
                ) from exc
    return unicodedata.normalize("NFC", text), enc


_LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _csv_rows(text: str, delimiter: str) -> list[list]:
    """Rows of ``text`` split on ``delimiter``, within the caps (raises :class:`FileError`)."""
    rows: list[list] = []
    # Lines are produced lazily (io.StringIO would copy the text at 4 bytes per character).
    lines = (m.group(0) for m in _LINE_RE.finditer(text))
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for i, r in enumerate(reader):
            if i >= MAX_ROWS:
                # Blank rows are harmless, also when read with another delimiter (",,," on one
                # field); the same rule as _row_cap_precheck.
                if any(x.strip(" \t\r\n,;") for x in r):
                    raise _too_many_rows(reader.line_num)
                continue  # trailing blank lines are harmless
            if len(r) > MAX_COLS:
                extra = [j for j, x in enumerate(r) if j >= MAX_COLS and x.strip()]
                if extra:
                    raise _too_many_cols(reader.line_num, str(extra[0] + 1))
                r = r[:MAX_COLS]
            rows.append(r)
    except csv.Error as exc:
        # The only csv.Error on decoded text with universal newlines is the field size limit.
        if "field larger" in str(exc):
            raise _cell_too_long(reader.line_num, "", None) from None
        raise FileError(
            "bad_csv",
            f"không đọc được tệp csv ở dòng {reader.line_num}",
            f"cannot read the csv file at line {reader.line_num}: {short_text(exc, 80)}",
            row=reader.line_num,
        ) from None
    return rows


_CONTENT_RE = re.compile(rb"[^\s,;]")


def _row_cap_precheck(data: bytes) -> None:
    """Refuse a csv over :data:`MAX_ROWS` rows before decoding it, when that is certain.

    Without any quote character every ``\n`` ends a row, so data after the MAX_ROWS-th ``\n``
    means too many rows (rows made only of blanks and delimiters do not count, as in
    :func:`_csv_rows`). With quotes (a field may hold line breaks) the exact reading decides.
    """
    if b'"' in data:
        return
    pos = -1
    for _ in range(MAX_ROWS):
        pos = data.find(b"\n", pos + 1)
        if pos < 0:
            return
    m = _CONTENT_RE.search(data, pos + 1)
    if m:
        raise _too_many_rows(MAX_ROWS + 1 + data.count(b"\n", pos + 1, m.start()))


def read_csv_grids(data: bytes) -> list[Grid]:
    """Read csv bytes into one :class:`Grid` per candidate delimiter (best first).

    Raises :class:`FileError` (located by row) for a file over :data:`MAX_FILE_BYTES`, with data
    beyond :data:`MAX_ROWS` rows, or with a cell over :data:`MAX_CELL_CHARS` characters; a
    candidate delimiter that splits a row into more than :data:`MAX_COLS` non-empty fields is
    dropped (the error is raised when no delimiter is left).
    """
    if len(data) > MAX_FILE_BYTES:
        raise too_large_error(len(data))
    _row_cap_precheck(data)
    text, _ = decode_csv_bytes(data)
    # The first lines only, without splitting the whole text (a list of a million lines would
    # cost more memory than the file).
    sample = "\n".join(m.group(0) for _, m in zip(range(HEADER_SCAN_ROWS), _LINE_RE.finditer(text)))
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    order = sorted(counts, key=lambda d: -counts[d])
    grids, first_error = [], None
    csv.field_size_limit(MAX_CELL_CHARS)
    for d in order:
        try:
            rows = _csv_rows(text, d)
        except FileError as fe:
            if fe.code == "too_many_rows":
                raise  # the row count does not depend on the delimiter
            first_error = first_error or fe
            continue
        grids.append(Grid(sheet="", rows=rows, row_numbers=list(range(1, len(rows) + 1))))
    if not grids and first_error is not None:
        raise first_error
    return grids


def open_xlsx_package(data: bytes) -> zipfile.ZipFile:
    """Open xlsx bytes as a zip package after checking its directory against the caps.

    Raises :class:`FileError` (``not_xlsx``, ``file_too_large``, ``xlsx_too_large``) before
    anything is decompressed: the sizes come from the zip directory.
    """
    if len(data) > MAX_FILE_BYTES:
        raise too_large_error(len(data))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # BadZipFile, or a corrupt directory (ValueError, OverflowError…)
        raise FileError(
            "not_xlsx",
            f"không mở được sổ làm việc xlsx ({type(exc).__name__})",
            f"cannot open the xlsx workbook ({type(exc).__name__}: {short_text(exc, 100)})",
        ) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise FileError(
            "xlsx_too_large",
            f"sổ làm việc có {_n_vi(len(infos))} thành phần, quá giới hạn {_n_vi(MAX_ZIP_MEMBERS)}",
            f"the workbook has {len(infos):,} parts, over the limit of {MAX_ZIP_MEMBERS:,}",
        )
    total = 0
    for zi in infos:
        if zi.file_size > MAX_PART_BYTES:
            raise FileError(
                "xlsx_too_large",
                f"thành phần “{short_text(zi.filename, 60)}” của sổ làm việc giải nén ra {_mib(zi.file_size)}, "
                f"quá giới hạn {_mib(MAX_PART_BYTES)} (tệp nén bất thường, có thể là “bom zip”): tệp bị "
                "từ chối; hãy mở bằng Excel, xóa các ô thừa và lưu lại",
                f"part “{short_text(zi.filename, 60)}” of the workbook expands to {_mib(zi.file_size)}, over "
                f"the limit of {_mib(MAX_PART_BYTES)} (an abnormal package, possibly a zip bomb): the file "
                "is refused; open it in Excel, delete stray cells and save it again",
            )
        total += zi.file_size
    if total > MAX_UNZIPPED_BYTES:
        raise FileError(
            "xlsx_too_large",
            f"sổ làm việc giải nén ra {_mib(total)}, quá giới hạn {_mib(MAX_UNZIPPED_BYTES)} (có thể là "
            "“bom zip”): tệp bị từ chối; hãy xóa các trang tính và hình ảnh thừa rồi lưu lại",
            f"the workbook expands to {_mib(total)}, over the limit of {_mib(MAX_UNZIPPED_BYTES)} "
            "(possibly a zip bomb): the file is refused; remove extra sheets and pictures and save again",
        )
    return zf


def _xlsx_has_formulas(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    body = zf.read(name)
                    if b"<f>" in body or b"<f " in body or b":f>" in body or b":f " in body:
                        return True
    except zipfile.BadZipFile:
        return False
    return False


def read_xlsx_grids(data: bytes) -> list[Grid]:
    """Read every sheet of an xlsx workbook (bytes) into :class:`Grid` objects.

    Merged ranges are filled with their top-left value. Formula cells are read by their cached
    value; when a formula has no cached value the cell is recorded in ``formula_missing``.
    Raises :class:`FileError` when the bytes are not an xlsx workbook or break a cap.
    """
    if not data:
        raise FileError("empty_file", "tệp rỗng (0 byte)", "the file is empty (0 bytes)")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileError(
            "xls_format",
            "tệp Excel 97–2003 (.xls) hoặc tệp có mật khẩu: hãy lưu lại dưới dạng .xlsx",
            "an Excel 97–2003 (.xls) or password-protected file: save it as .xlsx",
        )
    if data[:4] != b"PK\x03\x04":
        raise FileError(
            "not_xlsx",
            "tệp không phải bảng tính xlsx (nội dung không phải sổ làm việc Excel)",
            "the file is not an xlsx workbook (its content is not an Excel zip package)",
        )
    zf = open_xlsx_package(data)
    try:
        return read_xlsx_fast(data)
    except FileError:
        raise  # a cap: the slower reader must not try again
    except Exception:  # anything unusual: openpyxl reads it (or says why it cannot)
        pass
    sheet_bytes = sum(
        zi.file_size
        for zi in zf.infolist()
        if zi.filename.startswith("xl/worksheets/") or zi.filename == "xl/sharedStrings.xml"
    )
    if sheet_bytes > MAX_FALLBACK_BYTES:
        raise FileError(
            "xlsx_too_large",
            f"sổ làm việc dùng tính năng ít gặp mà bộ đọc nhanh không xử lý, và quá lớn ({_mib(sheet_bytes)}) "
            "để đọc bằng bộ đọc chi tiết: hãy sao chép bảng sang một sổ làm việc mới (chỉ dán giá trị)",
            f"the workbook uses a rare feature the fast reader does not handle and is too large "
            f"({_mib(sheet_bytes)}) for the detailed reader: copy the table into a new workbook "
            "(paste values only)",
        )
    return read_xlsx_openpyxl(data)


def read_xlsx_openpyxl(data: bytes) -> list[Grid]:
    """:func:`read_xlsx_grids` through openpyxl (reference implementation, slower).

    Raises :class:`FileError` for a value beyond :data:`MAX_ROWS` / :data:`MAX_COLS` or a cell
    over :data:`MAX_CELL_CHARS` (callers check the package size first).
    """
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        except Exception as exc:
            raise FileError(
                "not_xlsx",
                f"không mở được sổ làm việc xlsx ({type(exc).__name__})",
                f"cannot open the xlsx workbook ({type(exc).__name__}: {short_text(exc, 100)})",
            ) from exc
        wbf = None
        if _xlsx_has_formulas(data):
            try:
                wbf = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
            except Exception:
                wbf = None
    grids = []
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible" and ws.title.lower().startswith("_"):
            continue
        # Only the cells that exist (iter_rows would create every cell of the used range).
        existing = {(r - 1, c - 1): cell for (r, c), cell in getattr(ws, "_cells", {}).items()}
        if not existing and (ws.max_row or 0) * (ws.max_column or 0) <= MAX_ROWS:
            existing = {(cell.row - 1, cell.column - 1): cell for row in ws.iter_rows() for cell in row}
        for (r, c), cell in sorted(existing.items()):
            if cell.value is None:
                continue
            if r >= MAX_ROWS:
                raise _too_many_rows(r + 1, ws.title)
            if c >= MAX_COLS:
                raise _too_many_cols(r + 1, _col_letters(c), ws.title)
            if isinstance(cell.value, str) and len(cell.value) > MAX_CELL_CHARS:
                raise _cell_too_long(r + 1, _col_letters(c), len(cell.value), ws.title)
        used = [k for k, c in existing.items() if c.value is not None]
        max_r = max((k[0] for k in used), default=-1) + 1
        max_c = max((k[1] for k in used), default=-1) + 1
        percent, fmiss, formulas = set(), set(), {}
        fcells = {}
        if wbf is not None and ws.title in wbf.sheetnames:
            wsf = wbf[ws.title]
            for (r, c), cell in getattr(wsf, "_cells", {}).items():
                fv = cell.value
                if (
                    r - 1 < MAX_ROWS
                    and c - 1 < MAX_COLS
                    and (
                        (isinstance(fv, str) and fv.startswith("="))
                        or type(fv).__name__ in ("ArrayFormula", "DataTableFormula")
                    )
                ):
                    fcells[(r - 1, c - 1)] = fv if isinstance(fv, str) else str(getattr(fv, "text", fv))
            if fcells:
                max_r = max(max_r, max(k[0] for k in fcells) + 1)
                max_c = max(max_c, max(k[1] for k in fcells) + 1)
        rows = [[None] * max_c for _ in range(max_r)]
        for (r_i, c_i), cell in existing.items():
            v = cell.value
            if v is None or r_i >= max_r or c_i >= max_c:
                continue
            rows[r_i][c_i] = v
            if isinstance(v, (int, float)) and not isinstance(v, bool) and "%" in (cell.number_format or ""):
                percent.add((r_i, c_i))
        for rng in ws.merged_cells.ranges:
            top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= max_r and rng.min_col <= max_c else None
            for r in range(rng.min_row, min(rng.max_row, max_r) + 1):
                for c in range(rng.min_col, min(rng.max_col, max_c) + 1):
                    rows[r - 1][c - 1] = top
        for (r_i, c_i), ftext in fcells.items():
            formulas[(r_i, c_i)] = ftext
            if rows[r_i][c_i] is None:
                fmiss.add((r_i, c_i))
        grids.append(
            Grid(
                sheet=ws.title,
                rows=rows,
                row_numbers=list(range(1, max_r + 1)),
                percent=percent,
                formula_missing=fmiss,
                formulas=formulas,
            )
        )
    return grids


# A small reader of the xlsx XML for the common case: about five times faster than openpyxl's
# object model on small submissions (the build of 200 files is dominated by it). It returns the
# same grids as read_xlsx_openpyxl (tested on the corpus and the demo files); anything it does
# not expect raises, and read_xlsx_grids then falls back to openpyxl. Sheets and shared strings
# are streamed (iterparse, each row dropped once read) through defusedxml, which refuses DTDs
# and entity expansion ("billion laughs"); every cap is checked while streaming.
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_RE = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _tree_part(zf: zipfile.ZipFile, name: str):
    """Parse a small part (workbook, relationships, styles) whole, through defusedxml."""
    if zf.getinfo(name).file_size > MAX_TREE_PART_BYTES:
        raise FileError(
            "xlsx_too_large",
            f"thành phần “{name}” của sổ làm việc quá lớn ({_mib(zf.getinfo(name).file_size)})",
            f"part “{name}” of the workbook is too large ({_mib(zf.getinfo(name).file_size)})",
        )
    return _safe_fromstring(zf.read(name))


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    shared: list[str] = []
    with zf.open("xl/sharedStrings.xml") as fh:
        for _event, el in _safe_iterparse(fh, events=("end",)):
            if _local(el.tag) != "si":
                continue
            parts = []
            for sub in el.iter():
                if _local(sub.tag) == "rPh":
                    raise ValueError("phonetic runs")  # rare: let openpyxl handle them
                if _local(sub.tag) == "t" and sub.text:
                    parts.append(sub.text)
            shared.append("".join(parts))
            el.clear()
            if len(shared) > MAX_CELLS:
                raise FileError(
                    "xlsx_too_large",
                    f"sổ làm việc có hơn {_n_vi(MAX_CELLS)} chuỗi văn bản",
                    f"the workbook holds more than {MAX_CELLS:,} text strings",
                )
    return shared


def read_xlsx_fast(data: bytes) -> list[Grid]:
    """Read the sheets of an xlsx workbook from its XML (values, percent formats, dates,
    merged ranges, formulas without cached values). Raises :class:`FileError` for a cap
    (see :func:`open_xlsx_package`, :data:`MAX_ROWS`, :data:`MAX_COLS`, :data:`MAX_CELLS`,
    :data:`MAX_CELL_CHARS`) and another exception on anything unexpected."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    zf = open_xlsx_package(data)
    names = set(zf.namelist())
    wb = _tree_part(zf, "xl/workbook.xml")
    rels = _tree_part(zf, "xl/_rels/workbook.xml.rels")
    targets = {}
    for r in rels:
        t = r.get("Target", "")
        targets[r.get("Id")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    epoch = CALENDAR_WINDOWS_1900
    for el in wb:
        if _local(el.tag) == "workbookPr" and el.get("date1904") in ("1", "true"):
            epoch = CALENDAR_MAC_1904
    shared = _shared_strings(zf) if "xl/sharedStrings.xml" in names else []
    # Styles: which cell formats are percent or date formats.
    pct_xf, date_xf = set(), set()
    style_name = "xl/styles.xml"
    if style_name in names:
        st = _tree_part(zf, style_name)
        custom = {}
        xfs = []
        for el in st:
            if _local(el.tag) == "numFmts":
                for nf in el:
                    custom[int(nf.get("numFmtId"))] = nf.get("formatCode", "")
            elif _local(el.tag) == "cellXfs":
                xfs = [int(xf.get("numFmtId", "0")) for xf in el]
        for i, fid in enumerate(xfs):
            code = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
            if "%" in code:
                pct_xf.add(i)
            if is_date_format(code):
                date_xf.add(i)
    grids = []
    sheets_el = next(el for el in wb if _local(el.tag) == "sheets")
    for sh in sheets_el:
        title = sh.get("name")
        state = sh.get("state", "visible")
        if state != "visible" and title.lower().startswith("_"):
            continue
        target = targets[sh.get(f"{{{_NS_REL}}}id")]
        cells: dict[tuple[int, int], object] = {}
        percent, fmiss, formulas = set(), set(), {}
        merges = []
        n_cells = 0
        r_i, r_auto, c_auto = 0, 0, 0
        parent = None
        with zf.open(target) as fh:
            for event, el in _safe_iterparse(fh, events=("start", "end")):
                tag = _local(el.tag)
                if event == "start":
                    if tag == "sheetData":
                        parent = el
                    elif tag == "row":
                        r_attr = el.get("r")
                        r_i = int(r_attr) - 1 if r_attr else r_auto
                        r_auto, c_auto = r_i + 1, 0
                    continue
                if tag == "row":
                    el.clear()
                    if parent is not None:
                        parent.remove(el)  # the only child left: constant time
                    continue
                if tag == "mergeCell":
                    merges.append(el.get("ref"))
                    continue
                if tag != "c":
                    continue
                c = el
                n_cells += 1
                if n_cells > MAX_CELLS:
                    raise FileError(
                        "xlsx_too_large",
                        f"trang tính có hơn {_n_vi(MAX_CELLS)} ô",
                        f"the sheet has more than {MAX_CELLS:,} cells",
                        sheet=title,
                    )
                ref = c.get("r")
                if ref:
                    m = _CELL_RE.match(ref)
                    if not m:
                        raise ValueError(ref)
                    c_i = _col_index(m.group(1))
                else:
                    c_i = c_auto
                c_auto = c_i + 1
                t = c.get("t", "n")
                s_idx = int(c.get("s", "0"))
                v_el = f_el = is_el = None
                for ch in c:
                    lt = _local(ch.tag)
                    if lt == "v":
                        v_el = ch
                    elif lt == "f":
                        f_el = ch
                    elif lt == "is":
                        is_el = ch
                raw = v_el.text if v_el is not None else None
                if t == "s":
                    val = shared[int(raw)] if raw is not None else None
                elif t == "inlineStr":
                    val = (
                        "".join(x.text or "" for x in is_el.iter() if _local(x.tag) == "t")
                        if is_el is not None
                        else None
                    )
                elif t in ("str", "e"):
                    val = raw
                elif t == "b":
                    val = None if raw is None else raw.strip() in ("1", "true")
                elif t == "n":
                    if raw is None or raw == "":
                        val = None
                    else:
                        val = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
                        if s_idx in date_xf:
                            val = from_excel(val, epoch)
                        elif s_idx in pct_xf:
                            percent.add((r_i, c_i))
                else:
                    raise ValueError(f"cell type {t}")
                if val is not None or f_el is not None:
                    if r_i >= MAX_ROWS:
                        raise _too_many_rows(r_i + 1, title)
                    if c_i >= MAX_COLS:
                        raise _too_many_cols(r_i + 1, _col_letters(c_i), title)
                    if isinstance(val, str) and len(val) > MAX_CELL_CHARS:
                        raise _cell_too_long(r_i + 1, _col_letters(c_i), len(val), title)
                if f_el is not None:
                    ftext = f_el.text
                    if ftext is None:
                        raise ValueError("shared formula")  # openpyxl expands these
                    formulas[(r_i, c_i)] = "=" + ftext
                    if val is None:
                        fmiss.add((r_i, c_i))
                if val is not None:
                    cells[(r_i, c_i)] = val
                c.clear()
        keys = list(cells) + list(fmiss)
        max_r = max((k[0] for k in keys), default=-1) + 1
        max_c = max((k[1] for k in keys), default=-1) + 1
        merged_area = 0
        for ref in merges:
            a, _, b = ref.partition(":")
            ma, mb = _CELL_RE.match(a), _CELL_RE.match(b or a)
            r0, c0 = int(ma.group(2)) - 1, _col_index(ma.group(1))
            r1, c1 = int(mb.group(2)) - 1, _col_index(mb.group(1))
            max_r, max_c = max(max_r, min(r1 + 1, max_r)), max(max_c, min(c1 + 1, max_c))
            # Many huge merged ranges would be filled cell by cell: bound the work.
            merged_area += max(0, min(r1, max_r - 1) - r0 + 1) * max(0, min(c1, max_c - 1) - c0 + 1)
            if merged_area > MAX_CELLS:
                raise FileError(
                    "xlsx_too_large",
                    f"các vùng ô gộp trên trang tính vượt {_n_vi(MAX_CELLS)} ô",
                    f"the merged ranges of the sheet exceed {MAX_CELLS:,} cells",
                    sheet=title,
                )
            top = cells.get((r0, c0))
            for r in range(r0, min(r1, max_r - 1) + 1):
                for cc in range(c0, min(c1, max_c - 1) + 1):
                    if top is None:
                        cells.pop((r, cc), None)
                    else:
                        cells[(r, cc)] = top
        rows = [[None] * max_c for _ in range(max_r)]
        for (r, cc), v in cells.items():
            rows[r][cc] = v
        grids.append(
            Grid(
                sheet=title,
                rows=rows,
                row_numbers=list(range(1, max_r + 1)),
                percent=percent,
                formula_missing=fmiss,
                formulas=formulas,
            )
        )
    return grids


# ---------------------------------------------------------------------------------------------
# Header detection and metadata
# ---------------------------------------------------------------------------------------------
def match_header(cells: list) -> dict[int, str]:
    """Map column index → canonical column name for the recognisable cells of a row."""
    out = {}
    for i, v in enumerate(cells):
        key = fold(cell_text(v))
        if key in _HEADER_MAP and _HEADER_MAP[key] not in out.values():
            out[i] = _HEADER_MAP[key]
    return out


def find_header(grid: Grid) -> tuple[int | None, dict[int, str]]:
    """Index of the header row in ``grid.rows`` (first row holding the most recognised
    columns, at least three) and its column map; ``(None, {})`` when there is none."""
    best_i, best_map = None, {}
    for i, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        m = match_header(row)
        if len(m) > len(best_map):
            best_i, best_map = i, m
            if all(c in m.values() for c in REQUIRED_COLUMNS):
                break
    if len(best_map) < 3:
        return None, {}
    return best_i, best_map


def read_metadata(rows: list[list]) -> dict[str, object]:
    """Department and submission date from title/metadata rows above the header.

    Recognises ``Key: value`` in one cell or ``Key:`` | ``value`` in neighbouring cells, for the
    keys ``Cơ quan báo cáo``/``Đơn vị báo cáo``/``department`` and ``Ngày gửi``/``submission
    date``. Returns raw values ``{"department": ..., "submission_date": ...}`` (when present).
    """
    meta: dict[str, object] = {}
    for row in rows:
        cells = [c for c in row if cell_text(c)]
        for j, c in enumerate(cells):
            text = cell_text(c)
            key, sep, rest = text.partition(":")
            k = fold(key)
            for name, keys in _META_KEYS.items():
                if k in keys and name not in meta:
                    if sep and rest.strip():
                        meta[name] = rest.strip()
                    elif j + 1 < len(cells):
                        meta[name] = cells[j + 1]
    return meta


# ---------------------------------------------------------------------------------------------
# Parsing a submission file
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


_FNAME_RE = re.compile(r"^(?P<dept>[A-Za-z]+)_(?P<year>\d{4})_(?P<period>FY|H1)(?:_r(?P<rev>\d+))?$", re.I)


def filename_info(name: str) -> dict:
    """Department, year, period and revision from ``<DEPT>_<year>_<period>[_r<n>]``."""
    stem = Path(name).stem
    m = _FNAME_RE.match(stem)
    out = {"revision": 1}
    rev = re.search(r"_r(\d+)$", stem, re.I)
    if rev:
        out["revision"] = int(rev.group(1))
    if m:
        out.update(
            department=match_department(m.group("dept")) or "",
            year=int(m.group("year")),
            period=m.group("period").upper(),
        )
    return out


def get_cell(row: list, inv: dict, canon: str):
    """Value of canonical column ``canon`` in a row (None when the column is absent)."""
    ci = inv.get(canon)
    return None if ci is None or ci >= len(row) else row[ci]


def _blank_figure_row(row: list, inv: dict, ri: int, g) -> bool:
    """True for a row with an indicator code and a year but no value, numerator or denominator
    (and no formula without a stored result in those cells): a figure not reported."""
    if not cell_text(get_cell(row, inv, "indicator_code")) or not cell_text(get_cell(row, inv, "year")):
        return False
    for c in ("value", "numerator", "denominator"):
        ci = inv.get(c)
        if ci is None:
            continue
        if (ri, ci) in g.formula_missing or cell_text(row[ci]) != "":
            return False
    return True


def _not_reported_message(row: list, inv: dict, ref, name: str, sheet: str, rownum: int, dept: str) -> Message:
    """Warning ``not_reported`` for a blank figure row, carrying the indicator, unit, year and
    period it leaves out (each only when it parses; a bad cell stays empty here)."""
    code_raw = cell_text(get_cell(row, inv, "indicator_code"))
    unit_raw = cell_text(get_cell(row, inv, "unit"))
    try:
        year = parse_year(get_cell(row, inv, "year"))
    except CellError:
        year = None
    try:
        period = parse_period(get_cell(row, inv, "period")) or ""
    except CellError:
        period = ""
    return Message(
        "warning",
        "not_reported",
        name,
        "dòng để trống giá trị, tử số và mẫu số: ghi nhận là chưa báo cáo số liệu này",
        "value, numerator and denominator left blank: recorded as not reported",
        sheet=sheet,
        row=rownum,
        column=COLUMN_LABELS.get("value", "value"),
        value=code_raw,
        department=dept,
        indicator_code=ref.match_indicator(code_raw) or code_raw,
        unit_code=(ref.match_unit(unit_raw) or unit_raw) if unit_raw else "SL",
        year=year,
        period=period,
    )


def parse_submission(
    path: str | Path,
    display_name: str | None = None,
    department: str | None = None,
    submission_date: str | _dt.date | None = None,
    reference: Reference | None = None,
) -> Submission:
    """Read and parse one submission file, never raising.

    Inputs: ``path`` of an xlsx or csv file; ``display_name`` is the name used in messages
    (e.g. the path relative to ``raw/``); ``department`` / ``submission_date`` are the fallbacks
    given on the command line (file metadata rows and columns take precedence). Output: a
    :class:`Submission` whose ``records`` holds parsed rows and whose ``messages`` hold parse
    problems. Row-level rules (catalogue, ranges) are checked by :func:`check_records`.
    """
    name = display_name or str(path)
    sub = Submission(path=name)
    try:
        _parse_into(sub, Path(path), department, submission_date, reference or load_reference())
    except Exception as exc:  # no traceback for any input: report it, located at the file
        sub.records = empty_records()
        sub.messages.append(
            Message(
                "error",
                "internal",
                name,
                f"lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {short_text(exc, 100)}); "
                "hãy gửi tệp này cho nhóm kỹ thuật",
                f"unexpected problem while reading the file ({type(exc).__name__}: "
                f"{short_text(exc, 100)}); please pass this file to the technical team",
                sheet=sub.sheet,
            )
        )
    return sub


_EMPTY_RECORDS: pd.DataFrame | None = None


def empty_records() -> pd.DataFrame:
    """An empty records frame (built once; copies are cheap and frames are never mutated)."""
    global _EMPTY_RECORDS
    if _EMPTY_RECORDS is None:
        _EMPTY_RECORDS = pd.DataFrame({c: pd.Series(dtype="object") for c in RECORD_COLUMNS})
    return _EMPTY_RECORDS.copy()


def _parse_into(sub: Submission, path: Path, cli_dept, cli_date, ref: Reference) -> None:
    name = sub.path
    sub.records = empty_records()

    def file_error(code, vi, en, sheet="", row=None, column=""):
        sub.messages.append(Message("error", code, name, vi, en, sheet=sheet, row=row, column=column))

    if not path.exists():
        return file_error("missing_file", "không tìm thấy tệp", "file not found")
    if path.is_dir():
        return file_error("not_a_file", "đây là thư mục, không phải tệp", "this is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ".tsv"):
        return file_error(
            "bad_extension",
            f"định dạng tệp “{suffix}” không được hỗ trợ (dùng .xlsx hoặc .csv)",
            f"file type “{suffix}” is not supported (use .xlsx or .csv)",
        )
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # refused before a byte is read
        fe = too_large_error(size)
        return file_error(fe.code, fe.vi, fe.en)
    data = path.read_bytes()
    if not data or data.isspace():  # (no stripped copy of a large file)
        return file_error("empty_file", "tệp rỗng, không có dữ liệu", "the file is empty")
    try:
        if suffix in (".xlsx", ".xlsm"):
            grids = read_xlsx_grids(data)
        else:
            grids = read_csv_grids(data)
            sub.encoding = decode_csv_bytes(data)[1]
    except FileError as fe:
        return file_error(fe.code, fe.vi, fe.en, sheet=fe.sheet, row=fe.row, column=fe.column)

    chosen, header_i, colmap = None, None, {}
    best_partial = None
    for g in grids:
        hi, cmap = find_header(g)
        if hi is None:
            continue
        if all(c in cmap.values() for c in REQUIRED_COLUMNS):
            chosen, header_i, colmap = g, hi, cmap
            break
        if best_partial is None or len(cmap) > len(best_partial[2]):
            best_partial = (g, hi, cmap)
    if chosen is None:
        if best_partial is not None:
            g, hi, cmap = best_partial
            missing = [COLUMN_LABELS[c] + "/" + c for c in REQUIRED_COLUMNS if c not in cmap.values()]
            return file_error(
                "missing_column",
                f"thiếu cột bắt buộc: {', '.join(missing)} (dòng tiêu đề {g.row_numbers[hi]})",
                f"required column(s) missing: {', '.join(missing)} (header row {g.row_numbers[hi]})",
                sheet=g.sheet,
            )
        return file_error(
            "no_header",
            "không tìm thấy dòng tiêu đề bảng (cần các cột Mã chỉ tiêu, Đơn vị, Năm, "
            "Kỳ báo cáo, Giá trị) trên bất kỳ trang tính nào",
            "no table header found on any sheet (expected columns Mã chỉ tiêu/"
            "indicator_code, Đơn vị/unit, Năm/year, Kỳ báo cáo/period, Giá trị/value)",
        )
    g = chosen
    sub.sheet = g.sheet
    if g.truncated:
        sub.messages.append(
            Message(
                "warning",
                "sheet_truncated",
                name,
                f"trang tính có ô ngoài {MAX_ROWS} dòng hoặc {MAX_COLS} cột đầu tiên: các ô đó được bỏ qua "
                "(xóa các ô thừa ở xa bảng)",
                f"the sheet has cells beyond the first {MAX_ROWS} rows or "
                f"{MAX_COLS} columns: they are ignored (delete stray cells far from the table)",
                sheet=g.sheet,
            )
        )
    header_row = g.rows[header_i]
    labels = {i: (cell_text(header_row[i]) or colmap[i]) for i in colmap}

    # Unrecognised header cells: say they are ignored (nothing dropped silently).
    for i, v in enumerate(header_row):
        t = cell_text(v)
        if t and i not in colmap and fold(t) not in _IGNORED:
            sub.messages.append(
                Message(
                    "info",
                    "ignored_column",
                    name,
                    "cột không thuộc mẫu báo cáo, được bỏ qua",
                    "column not in the submission format; ignored",
                    sheet=g.sheet,
                    row=g.row_numbers[header_i],
                    column=t,
                )
            )

    # Department and submission date: columns > metadata rows > command line > file name.
    meta = read_metadata(g.rows[:header_i])
    finfo = filename_info(path.name)
    sub.revision = int(finfo.get("revision", 1))
    file_dept = ""
    if "department" in meta:
        file_dept = match_department(meta["department"]) or ""
        if not file_dept:
            sub.messages.append(
                Message(
                    "error",
                    "unknown_department",
                    name,
                    "không nhận ra cơ quan báo cáo (dùng tên hoặc mã sở, ngành theo Kế hoạch 123)",
                    "unknown reporting department (use a department name or code of plan 123)",
                    sheet=g.sheet,
                    column="Cơ quan báo cáo",
                    value=cell_text(meta["department"]),
                )
            )
    if cli_dept:
        cd = match_department(cli_dept)
        if not cd:
            sub.messages.append(
                Message(
                    "error",
                    "unknown_department",
                    name,
                    "mã cơ quan ở tùy chọn --department không hợp lệ",
                    "unknown department given with --department",
                    value=str(cli_dept),
                )
            )
        elif file_dept and cd != file_dept:
            sub.messages.append(
                Message(
                    "warning",
                    "department_conflict",
                    name,
                    f"tùy chọn --department {cd} khác với cơ quan ghi trong tệp ({file_dept}); dùng giá trị trong tệp",
                    f"--department {cd} differs from the department written in the file ({file_dept}); "
                    "the file's value is used",
                    sheet=g.sheet,
                    value=str(cli_dept),
                )
            )
        file_dept = file_dept or (cd or "")
    file_dept = file_dept or finfo.get("department", "")
    sub.department = file_dept

    file_date = None
    if "submission_date" in meta:
        try:
            file_date = parse_date(meta["submission_date"])
        except CellError as ce:
            sub.messages.append(
                Message(
                    "error",
                    ce.code,
                    name,
                    f"ngày gửi: {ce.vi}",
                    f"submission date: {ce.en}",
                    sheet=g.sheet,
                    column="Ngày gửi",
                    value=cell_text(meta["submission_date"]),
                )
            )
    if file_date is None and cli_date:
        try:
            file_date = parse_date(cli_date)
        except CellError as ce:
            sub.messages.append(
                Message(
                    "error", ce.code, name, f"tùy chọn --date: {ce.vi}", f"--date option: {ce.en}", value=str(cli_date)
                )
            )
    sub.submission_date = file_date

    inv = {canon: i for i, canon in colmap.items()}
    recs = []
    ncols = max((len(r) for r in g.rows), default=0)
    data_rows = range(header_i + 1, len(g.rows))
    for ri in data_rows:
        row = g.rows[ri] + [None] * (ncols - len(g.rows[ri]))
        rownum = g.row_numbers[ri]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row) and not any(
            (ri, ci) in g.formula_missing for ci in range(ncols)
        ):
            continue
        used = [cell_text(row[i]) for i in inv.values()]
        if all(u == "" for u in used) and not any((ri, ci) in g.formula_missing for ci in inv.values()):
            continue  # a row with text only outside the table (e.g. a signature line)
        sub.n_rows += 1
        if cell_text(get_cell(row, inv, "indicator_code")) and all(
            cell_text(get_cell(row, inv, c)) == "" and (ri, inv.get(c)) not in g.formula_missing
            for c in ("year", "value", "numerator", "denominator")
        ):
            # An unfilled template row (code printed, nothing typed): skipped, and said so.
            sub.n_rows -= 1
            sub.n_skipped += 1
            sub.messages.append(
                Message(
                    "info",
                    "row_not_filled",
                    name,
                    "dòng mẫu chưa điền số liệu (không có năm và giá trị), được bỏ qua",
                    "template row not filled in (no year and no value); skipped",
                    sheet=g.sheet,
                    row=rownum,
                    value=cell_text(get_cell(row, inv, "indicator_code")),
                    department=file_dept,
                )
            )
            continue
        if _blank_figure_row(row, inv, ri, g):
            # Code and year given, no value, numerator or denominator: the body reports no
            # figure for it (as DHIS2 treats a blank). Not an error: the filled rows are
            # accepted, and the gap is recorded (indicator, unit, year, period) for
            # completeness and accountability.
            sub.n_rows -= 1
            sub.n_skipped += 1
            sub.messages.append(_not_reported_message(row, inv, ref, name, g.sheet, rownum, file_dept))
            continue

        def msg(sev, code, canon, vi, en, value=None, row=row, ri=ri, rownum=rownum):
            ci = inv.get(canon)
            val = cell_text(row[ci]) if (value is None and ci is not None) else (value or "")
            if ci is not None and (ri, ci) in g.formulas and value is None:
                val = g.formulas[(ri, ci)]
            sub.messages.append(
                Message(
                    sev,
                    code,
                    name,
                    vi,
                    en,
                    sheet=g.sheet,
                    row=rownum,
                    column=labels.get(ci, COLUMN_LABELS.get(canon, canon))
                    if ci is not None
                    else COLUMN_LABELS.get(canon, canon),
                    value=val,
                    department=file_dept,
                )
            )

        def get(canon, row=row):
            ci = inv.get(canon)
            return None if ci is None else row[ci]

        ok = True
        # Formula cells without a stored value: an error, never a zero.
        for canon, ci in inv.items():
            if (ri, ci) in g.formula_missing:
                ok = False
                msg(
                    "error",
                    "formula_no_value",
                    canon,
                    "ô chứa công thức nhưng không có giá trị đã tính (tệp được tạo bởi chương trình "
                    "không tính công thức): mở tệp bằng Excel, lưu lại, hoặc nhập số trực tiếp",
                    "formula cell without a stored result (the file was written by a program that "
                    "does not calculate): open and save it in Excel, or type the number",
                )
        code_raw = cell_text(get("indicator_code"))
        ind = ref.match_indicator(code_raw) if code_raw else None
        unit_raw = cell_text(get("unit"))
        year = period = None
        sex = "T"
        value = num = den = None
        dec = 0
        if "indicator_code" in inv and (ri, inv["indicator_code"]) not in g.formula_missing:
            if not code_raw:
                ok = False
                msg("error", "missing_indicator", "indicator_code", "thiếu mã chỉ tiêu", "indicator code missing")
        if "unit" in inv and (ri, inv["unit"]) not in g.formula_missing and not unit_raw:
            ok = False
            msg(
                "error",
                "missing_unit",
                "unit",
                "thiếu đơn vị (mã hoặc tên địa bàn)",
                "unit missing (code or name of the area)",
            )
        try:
            year = parse_year(get("year"))
            if year is None and (ri, inv["year"]) not in g.formula_missing:
                ok = False
                msg("error", "missing_year", "year", "thiếu năm", "year missing")
        except CellError as ce:
            ok = False
            msg("error", ce.code, "year", ce.vi, ce.en)
        try:
            period = parse_period(get("period"))
            if period is None and (ri, inv["period"]) not in g.formula_missing:
                ok = False
                msg(
                    "error",
                    "missing_period",
                    "period",
                    "thiếu kỳ báo cáo (Năm hoặc 6 tháng)",
                    "reporting period missing (Năm/FY or 6 tháng/H1)",
                )
        except CellError as ce:
            ok = False
            msg("error", ce.code, "period", ce.vi, ce.en)
        unit = ref.match_unit(unit_raw, year=year) if unit_raw else None  # a name reads by the year
        if "sex" in inv:
            try:
                sex = parse_sex(get("sex"))
            except CellError as ce:
                ok = False
                msg("error", ce.code, "sex", ce.vi, ce.en)
        for canon in ("value", "numerator", "denominator"):
            ci = inv.get(canon)
            if ci is None or (ri, ci) in g.formula_missing:
                continue
            try:
                x, d = parse_number(row[ci], percent_format=(ri, ci) in g.percent)
            except CellError as ce:
                ok = False
                msg("error", ce.code, canon, f"{COLUMN_LABELS[canon]}: {ce.vi}", f"{canon}: {ce.en}")
                continue
            if canon == "value":
                value, dec = x, d
            elif canon == "numerator":
                num = x
            else:
                den = x
        if value is None and ok and "value" in inv and (ri, inv["value"]) not in g.formula_missing:
            info = ref.indicators.get(ind) if ind else None
            if num is not None and den is not None and den > 0 and info is not None:
                value = num / den * info.scale
                dec = 2
                msg(
                    "warning",
                    "value_derived",
                    "value",
                    "ô giá trị để trống: giá trị được tính từ tử số / mẫu số",
                    "value cell empty: the value is computed from numerator / denominator",
                )
            else:
                ok = False
                msg("error", "missing_value", "value", "thiếu giá trị", "value missing")
        # Per-row department / date columns
        dept = file_dept
        if "department" in inv and cell_text(get("department")):
            d2 = match_department(get("department"))
            if d2:
                dept = d2
            else:
                ok = False
                msg(
                    "error",
                    "unknown_department",
                    "department",
                    "không nhận ra cơ quan báo cáo",
                    "unknown reporting department",
                )
        sdate = file_date
        if "submission_date" in inv and cell_text(get("submission_date")):
            try:
                sdate = parse_date(get("submission_date"))
            except CellError as ce:
                ok = False
                msg("error", ce.code, "submission_date", f"ngày gửi: {ce.vi}", f"submission date: {ce.en}")
        # Estimate (số ước) or official figure, when the body says so; otherwise the build
        # decides from the submission date (me_utils.reference.plan.Plan.figure_status).
        fstatus = None
        if "figure_status" in inv and cell_text(get("figure_status")):
            try:
                fstatus = _plan.parse_figure_status(get("figure_status"))
            except ValueError:
                ok = False
                msg(
                    "error",
                    "bad_figure_status",
                    "figure_status",
                    "tình trạng số liệu phải là “Ước” hoặc “Chính thức”",
                    "figure status must be “Ước” (estimate) or “Chính thức” (official)",
                )
        note = cell_text(get("note"))
        if note and re.search(r"<\s*/?\s*[a-zA-Z][^>]*>|javascript:|on\w+\s*=", note, re.I):
            msg(
                "warning",
                "markup_in_note",
                "note",
                "ghi chú chứa mã HTML/script: được lưu nguyên dạng văn bản và không bao giờ hiển thị "
                "như mã trong báo cáo",
                "the note holds HTML/script markup: kept as plain text and never rendered as markup in a report",
            )
        if unit_raw and unit is None:
            unit = unit_raw  # unknown unit: kept as typed so the schema check names it
        recs.append(
            {
                "indicator_code": ind or (code_raw or None),
                "unit_code": unit,
                "year": year,
                "period": period,
                "sex": sex,
                "value": value,
                "numerator": num,
                "denominator": den,
                "department": dept,
                "submission_date": sdate,
                "source_file": name,
                "source_sheet": g.sheet,
                "source_row": rownum,
                "note": note,
                "value_decimals": dec,
                "revision": sub.revision,
                "col_labels": labels,
                "_ok": ok,
                "figure_status": fstatus,
            }
        )
    if sub.n_rows == 0:
        return file_error(
            "no_data_rows",
            f"bảng không có dòng số liệu nào dưới dòng tiêu đề (dòng {g.row_numbers[header_i]})",
            f"the table has no data rows below its header (row {g.row_numbers[header_i]})",
            sheet=g.sheet,
        )
    if (
        not sub.department
        and not any(r["department"] for r in recs)
        and not any(m.code == "unknown_department" for m in sub.messages)
    ):
        sub.messages.append(
            Message(
                "error",
                "missing_department",
                name,
                "không xác định được cơ quan báo cáo: thêm dòng “Cơ quan báo cáo: …”, cột “Cơ quan báo "
                "cáo” hoặc tùy chọn --department",
                "reporting department unknown: add a "
                "“Cơ quan báo cáo: …” row, a department column or the --department option",
                sheet=g.sheet,
            )
        )
    if sub.submission_date is None and not any(r["submission_date"] for r in recs):
        sub.messages.append(
            Message(
                "warning",
                "missing_date",
                name,
                "không có ngày gửi: thêm dòng “Ngày gửi: dd/mm/yyyy” hoặc tùy chọn --date (cần để xét "
                "tính kịp thời và thứ tự các lần gửi)",
                "no submission date: add a “Ngày gửi: "
                "dd/mm/yyyy” row or the --date option (needed for timeliness and to order re-submissions)",
                sheet=g.sheet,
            )
        )
    df = pd.DataFrame(recs)
    sub.records = df


# ---------------------------------------------------------------------------------------------
# Row rules (pandera) and cross-row rules
# ---------------------------------------------------------------------------------------------
KEY = ["indicator_code", "unit_code", "year", "period", "sex"]


def _col_label(rec: pd.Series, canon: str) -> str:
    """Header text of a canonical column as written in the record's file."""
    src = {"unit_code": "unit"}.get(canon, canon)
    labels = rec.get("col_labels")
    if isinstance(labels, dict):
        for text in labels.values():
            if _HEADER_MAP.get(fold(text)) == src:
                return text
    return COLUMN_LABELS.get(src, src)


def _raw_value(rec: pd.Series, canon: str) -> str:
    v = rec.get(canon)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if canon in ("year", "source_row") and isinstance(v, float):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return repr(v) if not v.is_integer() else str(int(v))
    return str(v)


_PERIOD_VI = {"FY": "cả năm", "H1": "6 tháng đầu năm"}
_PERIOD_EN = {"FY": "full year", "H1": "first half"}


def rec_message(
    rec: pd.Series, severity: str, code: str, canon: str, vi: str, en: str, value: str | None = None
) -> Message:
    year = rec.get("year")
    return Message(
        severity,
        code,
        str(rec["source_file"]),
        vi,
        en,
        sheet=str(rec.get("source_sheet") or ""),
        row=int(rec["source_row"]),
        column=_col_label(rec, canon),
        value=_raw_value(rec, canon) if value is None else value,
        department=str(rec.get("department") or ""),
        indicator_code=str(rec.get("indicator_code") or ""),
        unit_code=str(rec.get("unit_code") or ""),
        year=int(year) if year is not None and not (isinstance(year, float) and math.isnan(year)) else None,
        period=str(rec.get("period") or ""),
    )


def check_records(records: pd.DataFrame, ref: Reference | None = None) -> tuple[list[Message], pd.Series]:
    """Apply the row and within-file rules to parsed records (one or many files).

    Input: records with :data:`RECORD_COLUMNS` (and ``_ok``: the row parsed without error).
    Output: ``(messages, ok)`` where ``ok`` is a boolean Series (same index): the row has no
    error. Rules: pandera schema (:func:`me_utils.intake.schemas.record_schema`) for catalogue, unit,
    ranges and shares; conflicting duplicates within a file (error) and exact duplicates
    (warning); value vs numerator/denominator (warning, tolerance = half a unit of the last
    decimal typed); counts that are not whole numbers (warning); an indicator outside the
    department's assignment in plan 123 (info).
    """
    import pandera.pandas as pa

    ref = ref or load_reference()
    msgs: list[Message] = []
    if records is None or records.empty:
        return msgs, pd.Series(dtype=bool)
    df = records.copy()
    if "_ok" not in df:
        df["_ok"] = True
    ok = df["_ok"].astype(bool).copy()
    info = {c: ref.indicators[c] for c in ref.indicators}
    df["kind"] = df["indicator_code"].map(lambda c: info[c].kind if c in info else None)
    df["scale"] = df["indicator_code"].map(lambda c: info[c].scale if c in info else np.nan)
    for c in ("value", "numerator", "denominator", "year"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    schema = (
        ref.schema if getattr(ref, "schema", None) is not None else record_schema(ref.indicators.keys(), ref.unit_codes)
    )
    ref.schema = schema  # built once per reference: constructing it costs more than checking a file
    check_df = df[
        ["indicator_code", "unit_code", "year", "period", "sex", "value", "numerator", "denominator", "kind"]
    ].astype({"indicator_code": object, "unit_code": object, "period": object, "sex": object, "kind": object})
    try:
        schema.validate(check_df, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        fc = fc[fc["index"].notna()]
        seen = set()
        for _, f in fc.iterrows():
            check = str(f["check"])
            idx = f["index"]
            if check not in CHECK_TEXT or (check, idx) in seen:
                continue
            seen.add((check, idx))
            rec = df.loc[idx]
            canon, vi, en = CHECK_TEXT[check]
            if check == "numerator_le_denominator":
                vi = f"{vi} ({_raw_value(rec, 'numerator')} > {_raw_value(rec, 'denominator')})"
                en = f"{en} ({_raw_value(rec, 'numerator')} > {_raw_value(rec, 'denominator')})"
            msgs.append(rec_message(rec, "error", check, canon, vi, en))
            ok.loc[idx] = False
    # Duplicates within a file: same key twice.
    valid_key = df[KEY].notna().all(axis=1)
    dups = df[valid_key & df.duplicated(["source_file"] + KEY, keep=False)]
    for _, grp in dups.groupby(["source_file"] + KEY, sort=False, dropna=False):
        first = grp.iloc[0]
        for idx, rec in grp.iloc[1:].iterrows():
            same = (
                _same(rec["value"], first["value"])
                and _same(rec["numerator"], first["numerator"])
                and _same(rec["denominator"], first["denominator"])
            )
            if same:
                msgs.append(
                    rec_message(
                        rec,
                        "warning",
                        "duplicate_row",
                        "value",
                        f"dòng trùng lặp với dòng {int(first['source_row'])} (cùng chỉ tiêu, đơn vị, năm, kỳ, "
                        "giới tính và cùng giá trị): chỉ giữ một",
                        f"duplicate of row "
                        f"{int(first['source_row'])} (same indicator, unit, year, period, sex and value): kept once",
                    )
                )
                ok.loc[idx] = ok.loc[idx] and True
                df.loc[idx, "_dup"] = True
            else:
                # Name the year and period: the row numbers alone send the reader hunting.
                yp_vi = (
                    f"{rec['indicator_code']}, {rec['unit_code']}, năm {int(rec['year'])}, kỳ "
                    f"{_PERIOD_VI.get(rec['period'], rec['period'])}"
                )
                yp_en = (
                    f"{rec['indicator_code']}, {rec['unit_code']}, year {int(rec['year'])}, period "
                    f"{_PERIOD_EN.get(rec['period'], rec['period'])}"
                )
                msgs.append(
                    rec_message(
                        rec,
                        "error",
                        "conflicting_duplicate",
                        "value",
                        f"mâu thuẫn với dòng {int(first['source_row'])}: cùng chỉ tiêu, đơn vị, năm, kỳ và "
                        f"giới tính ({yp_vi}) nhưng giá trị khác ({_raw_value(first, 'value')})",
                        f"conflicts with row {int(first['source_row'])}: same indicator, unit, year, period and "
                        f"sex ({yp_en}) but a different value ({_raw_value(first, 'value')})",
                    )
                )
                ok.loc[idx] = False
                ok.loc[grp.index[0]] = False
    # Value vs numerator / denominator, whole counts, department assignment (vectorised masks,
    # then one message per flagged row).
    v, n, d, scale = df["value"], df["numerator"], df["denominator"], df["scale"]
    kind = df["kind"]
    computed = n / d.where(d > 0) * scale
    dec = pd.to_numeric(df["value_decimals"], errors="coerce").fillna(0) if "value_decimals" in df else 0
    tol = 0.5 * np.power(10.0, -dec) + 1e-9
    mism = (
        kind.isin(["proportion", "rate", "ratio"])
        & computed.notna()
        & v.notna()
        & ~((kind == "proportion") & (n > d))
        & ((v - computed).abs() > tol)
    )
    for idx in df.index[mism.fillna(False).to_numpy(dtype=bool)]:
        rec = df.loc[idx]
        c, nn, dd, sc = computed[idx], rec["numerator"], rec["denominator"], rec["scale"]
        msgs.append(
            rec_message(
                rec,
                "warning",
                "value_mismatch",
                "value",
                f"giá trị không khớp tử số/mẫu số: {_fmt_vi(nn)}/{_fmt_vi(dd)}×{_fmt_vi(sc)} = {_fmt_vi(round(c, 2))}",
                f"value disagrees with numerator/denominator: {_fmt(nn)}/{_fmt(dd)}×{_fmt(sc)} = {c:.2f}",
            )
        )

    def not_whole(x):
        return x.notna() & (x != np.floor(x))

    for idx in df.index[((kind == "count") & not_whole(v)).fillna(False).to_numpy(dtype=bool)]:
        msgs.append(
            rec_message(
                df.loc[idx],
                "warning",
                "count_not_whole",
                "value",
                "số đếm không phải số nguyên",
                "a count that is not a whole number",
            )
        )
    for c in ("numerator", "denominator"):
        for idx in df.index[not_whole(df[c]).fillna(False).to_numpy(dtype=bool)]:
            msgs.append(
                rec_message(
                    df.loc[idx],
                    "warning",
                    "count_not_whole",
                    c,
                    f"{COLUMN_LABELS[c]} không phải số nguyên",
                    f"the {c} is not a whole number",
                )
            )
    # A unit that did not exist for the whole period: districts end on 2025-06-30, communes
    # start on 2025-07-01. No overlap at all is an error naming the units to use instead
    # (me_utils.reference.units.Units.period_problem); part of the period only is a warning.
    for idx in df.index:
        code = df.at[idx, "unit_code"]
        if code not in ref.unit_validity or _isnan(df.at[idx, "year"]) or df.at[idx, "period"] not in PERIODS:
            continue
        y = int(df.at[idx, "year"])
        if ref.units is not None:
            prob = ref.units.period_problem(code, y, df.at[idx, "period"])
            if prob is not None:
                sev, rule, vi, en = prob
                msgs.append(rec_message(df.loc[idx], sev, rule, "unit_code", vi, en))
                if sev == "error":
                    ok.loc[idx] = False
            continue
        vf, vt = ref.unit_validity[code]
        start, end = _dt.date(y, 1, 1), (_dt.date(y, 6, 30) if df.at[idx, "period"] == "H1" else _dt.date(y, 12, 31))
        if (vt is not None and vt < end) or (vf is not None and vf > start):
            span_vi = f"{vf.strftime('%d/%m/%Y') if vf else '…'}–{vt.strftime('%d/%m/%Y') if vt else '…'}"
            span_en = f"{vf.isoformat() if vf else '…'} to {vt.isoformat() if vt else '…'}"
            msgs.append(
                rec_message(
                    df.loc[idx],
                    "warning",
                    "unit_not_valid",
                    "unit_code",
                    f"đơn vị chỉ tồn tại {span_vi}, không trọn kỳ báo cáo này: kiểm tra lại địa bàn",
                    f"the unit existed only {span_en}, not for the whole reporting period: check the area",
                )
            )
    # Who reports an indicator depends on the period (the March 2025 reorganisation): the plan
    # files say which bodies lead or co-report it on the report's due day.
    pl = _plan.load_plan()
    dept = df["department"].fillna("").astype(str) if "department" in df else pd.Series("", index=df.index)
    for idx, dp, code, y, per in zip(df.index, dept, df["indicator_code"], df["year"], df["period"]):
        if not dp or code not in info or per not in pl.periods:
            continue
        try:
            day = pl.due_date(int(y), per)
        except (TypeError, ValueError):
            continue
        bodies = [a.body for a in pl.reporters(code, day)]
        if not bodies or dp in bodies:
            continue
        rec = df.loc[idx]
        lead = bodies[0]
        msgs.append(
            rec_message(
                rec,
                "info",
                "not_assigned",
                "indicator_code",
                f"theo kế hoạch, chỉ tiêu do {lead} chủ trì trong kỳ này; {dp} gửi số liệu này",
                f"the plan assigns this indicator to {lead} for this period; sent here by {dp}",
            )
        )
    return msgs, ok


def _isnan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _same(a, b) -> bool:
    return (_isnan(a) and _isnan(b)) or (not _isnan(a) and not _isnan(b) and abs(a - b) < 1e-9)


def _fmt_vi(x) -> str:
    """A number with a decimal comma for the Vietnamese half of a message."""
    return _fmt(x).replace(".", ",")


def _fmt(x) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# ---------------------------------------------------------------------------------------------
# Implausible jumps and outliers (warnings)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OutlierRule:
    """Median/MAD outlier rule across units (same indicator, year, period, sex).

    Districts are compared with each other (the province row ``SL`` is their aggregate and is
    left out). Values are compared on a transformed scale: ``log(1 + x)`` for counts, rates and ratios
    (right-skewed, often zero), the raw percent for proportions. The robust z-score is
    ``0.6745 · (x − median) / MAD`` (Iglewicz & Hoaglin 1993); when more than half the
    values are equal (MAD = 0, typical of zero-heavy counts) the mean absolute deviation
    around the median is used instead, ``(x − median) / (1.2533 · MeanAD)``. A value is an
    outlier when ``|z| > z_threshold`` and it differs from the median by at least
    ``min_abs_diff`` on the original scale (so that 3 cases against a median of 0 is not
    flagged), with at least ``min_units`` units compared. Finally the difference must exceed
    chance (``z_chance``, two-sided p < 0.001): for a share with a known denominator ``n``,
    ``|p − median| > z_chance · 100·sqrt(p̃(1 − p̃)/n)`` with the Agresti–Coull share
    ``p̃ = (median/100·n + 2)/(n + 4)``; for a count,
    ``|x − median| > z_chance · sqrt(max(median, 1))`` (Poisson). Small districts then are not
    flagged for the noise their size makes.
    """

    z_threshold: float = 3.5
    min_units: int = 5
    min_abs_diff_count: float = 5.0
    min_abs_diff_share: float = 5.0  # percentage points
    z_chance: float = 3.29

    def describe(self, lang: str = "vi") -> str:
        if lang == "vi":
            return (
                f"Giá trị ngoại lai: so sánh giữa các đơn vị (cùng chỉ tiêu, năm, kỳ, giới tính; ít "
                f"nhất {self.min_units} đơn vị). Số đếm và tỷ suất được biến đổi log(1+x); điểm z "
                f"vững = 0,6745·(x − trung vị)/MAD; khi MAD = 0 (nhiều giá trị bằng 0) dùng độ lệch "
                f"tuyệt đối trung bình quanh trung vị ×1,2533. Ngoại lai khi |z| > "
                f"{fmt_z(self.z_threshold, lang)} và chênh lệch với trung vị ≥ {fmt_z(self.min_abs_diff_count, lang)} "
                f"(số đếm) hoặc ≥ {fmt_z(self.min_abs_diff_share, lang)} điểm phần trăm (tỷ lệ), đồng thời "
                f"vượt mức ngẫu nhiên (z > {fmt_z(self.z_chance, lang)}, p < 0,001: nhị thức khi biết "
                f"mẫu số, Poisson với số đếm)."
            )
        return (
            f"Outliers: compared across units (same indicator, year, period, sex; at least "
            f"{self.min_units} units). Counts and rates are transformed with log(1+x); robust "
            f"z = 0.6745·(x − median)/MAD; when MAD = 0 (many equal values, e.g. zeros) the mean "
            f"absolute deviation around the median ×1.2533 is used. Flagged when |z| > "
            f"{fmt_z(self.z_threshold, lang)} and the value differs from the median by ≥ "
            f"{fmt_z(self.min_abs_diff_count, lang)} (counts) or ≥ {fmt_z(self.min_abs_diff_share, lang)} percentage "
            f"points (shares), and by more than chance (z > {fmt_z(self.z_chance, lang)}, p < 0.001: "
            f"binomial when the denominator is known, Poisson for counts)."
        )


@dataclass(frozen=True)
class JumpRule:
    """Implausible year-on-year change within a series (indicator, unit, period, sex).

    Shares: a change of more than ``max_pp`` percentage points between consecutive reported
    years. Counts, rates and ratios: ``(x1 + 1)/(x0 + 1)`` above ``max_ratio`` or below its
    inverse, and an absolute change of at least ``min_abs_change``. In both cases the change
    must also exceed chance (``z_chance``, two-sided p < 0.001): for shares with known
    denominators the two-proportion z-test with the pooled share; for counts
    ``|x1 − x0| / sqrt(x1 + x0)`` (two Poisson counts). Small counts and small denominators move
    a lot by chance and are not flagged for that.
    """

    max_pp: float = 20.0
    max_ratio: float = 3.0
    min_abs_change: float = 10.0
    z_chance: float = 3.29

    def describe(self, lang: str = "vi") -> str:
        if lang == "vi":
            return (
                f"Biến động bất thường: tỷ lệ thay đổi quá {fmt_z(self.max_pp, lang)} điểm phần trăm giữa hai "
                f"năm liền kề có số liệu; số đếm/tỷ suất tăng hoặc giảm quá {fmt_z(self.max_ratio, lang)} lần "
                f"(tính trên x+1) và chênh lệch tuyệt đối ≥ {fmt_z(self.min_abs_change, lang)}; đồng thời "
                f"vượt mức ngẫu nhiên (z > {fmt_z(self.z_chance, lang)}, p < 0,001: kiểm định hai tỷ lệ "
                f"khi biết mẫu số, hai số đếm Poisson)."
            )
        return (
            f"Implausible jumps: a share changing by more than {fmt_z(self.max_pp, lang)} percentage points "
            f"between consecutive reported years; a count/rate changing by more than a factor "
            f"{fmt_z(self.max_ratio, lang)} (on x+1) with an absolute change of at least {fmt_z(self.min_abs_change, lang)}; "
            f"and in both cases more than chance (z > {fmt_z(self.z_chance, lang)}, p < 0.001: two-proportion "
            f"test when denominators are known, two Poisson counts otherwise)."
        )


def fmt_z(z: float, lang: str) -> str:
    """A rule parameter in the report language, without trailing zeros (3,5 / 3.5; 20)."""

    dec = 0 if float(z).is_integer() else (1 if float(z * 10).is_integer() else 2)
    return fmt.fmt_number(z, dec, lang)


OUTLIER_RULE = OutlierRule()
JUMP_RULE = JumpRule()


def robust_z(x: np.ndarray) -> np.ndarray:
    """Robust z-scores of ``x`` (median/MAD with the MeanAD fallback of :class:`OutlierRule`).

    Returns zeros when all values are equal.
    """
    x = np.asarray(x, dtype=float)
    med = np.median(x)
    dev = x - med
    mad = np.median(np.abs(dev))
    if mad > 0:
        return 0.6745 * dev / mad
    mean_ad = np.mean(np.abs(dev))
    if mean_ad > 0:
        return dev / (1.253314 * mean_ad)
    return np.zeros_like(x)


def detect_outliers(
    obs: pd.DataFrame,
    ref: Reference | None = None,
    rule: OutlierRule = OUTLIER_RULE,
    kinds: dict | None = None,
    extra_keys: tuple = (),
) -> pd.DataFrame:
    """Outliers across units by :class:`OutlierRule`.

    Input: observations (contract columns; ``value`` in the indicator's unit); ``kinds`` maps
    indicator code → kind (taken from the catalogue when None). Output: the flagged rows with
    extra columns ``median`` and ``robust_z``.
    """
    if kinds is None:
        ref = ref or load_reference()
        kinds = {c: i.kind for c, i in ref.indicators.items()}
    out = []
    if obs.empty:
        return obs.assign(median=pd.Series(dtype=float), robust_z=pd.Series(dtype=float))
    # The province row is the aggregate of the districts, not one of them: left out.
    keys = list(extra_keys) + ["indicator_code", "year", "period", "sex"]
    cand = obs[(obs["unit_code"] != "SL") & obs["value"].notna()]
    n_units = cand.groupby(keys, sort=False, dropna=False)["unit_code"].transform("nunique")
    cand = cand[n_units >= rule.min_units]
    for _key, grp in cand.groupby(keys, sort=True, dropna=False):
        kind = kinds.get(grp["indicator_code"].iloc[0], "count")
        x = grp["value"].to_numpy(dtype=float)
        share = kind == "proportion"
        t = x if share else np.log1p(np.clip(x, 0, None))
        z = robust_z(t)
        med = float(np.median(x))
        min_diff = rule.min_abs_diff_share if share else rule.min_abs_diff_count
        flag = (np.abs(z) > rule.z_threshold) & (np.abs(x - med) >= min_diff)
        flag &= _beyond_chance(x, med, grp, share, rule.z_chance)
        if flag.any():
            out.append(grp[flag].assign(median=med, robust_z=z[flag]))
    if not out:
        return obs.iloc[0:0].assign(median=pd.Series(dtype=float), robust_z=pd.Series(dtype=float))
    return pd.concat(out).reset_index(drop=True)


def _num(v) -> float:
    """A float from a cell-like value, NaN when missing."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return float("nan")
    return x


def _beyond_chance(x: np.ndarray, med: float, grp: pd.DataFrame, share: bool, z: float) -> np.ndarray:
    """Which values differ from the median by more than chance (binomial/Poisson, see
    :class:`OutlierRule`); True where no denominator is known for a share."""
    if share:
        n = (
            pd.to_numeric(grp["denominator"], errors="coerce").to_numpy(dtype=float)
            if "denominator" in grp
            else np.full(len(x), np.nan)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            # Agresti–Coull adjusted share, so a median of 0% or 100% still has a spread.
            p = (med / 100.0 * n + 2.0) / (n + 4.0)
            se = 100.0 * np.sqrt(p * (1 - p) / n)
        return np.where(np.isfinite(se) & (n > 0), np.abs(x - med) > z * se, True)
    return np.abs(x - med) > z * np.sqrt(max(med, 1.0))


def detect_jumps(
    obs: pd.DataFrame,
    ref: Reference | None = None,
    rule: JumpRule = JUMP_RULE,
    kinds: dict | None = None,
    extra_keys: tuple = (),
) -> pd.DataFrame:
    """Implausible year-on-year jumps by :class:`JumpRule`.

    ``extra_keys`` adds grouping columns (e.g. ``source_file`` to compare only within a file).
    Output: the later row of each flagged pair, with ``previous_year`` and ``previous_value``.
    """
    if kinds is None:
        ref = ref or load_reference()
        kinds = {c: i.kind for c, i in ref.indicators.items()}
    empty = obs.iloc[0:0].assign(previous_year=pd.Series(dtype="Int64"), previous_value=pd.Series(dtype=float))
    if obs.empty:
        return empty
    keys = list(extra_keys) + ["indicator_code", "unit_code", "period", "sex"]
    o = obs[obs["value"].notna()].copy()
    o["year"] = pd.to_numeric(o["year"], errors="coerce")
    o = o[o["year"].notna()].sort_values(keys + ["year"], kind="mergesort")
    g = o.groupby(keys, sort=False, dropna=False)
    x1 = o["value"].astype(float)
    x0 = g["value"].shift(1).astype(float)
    y0 = g["year"].shift(1)
    n1 = pd.to_numeric(o["denominator"], errors="coerce") if "denominator" in o else pd.Series(np.nan, index=o.index)
    n0 = n1.groupby([o[k] for k in keys], sort=False, dropna=False).shift(1) if "denominator" in o else n1
    kind = o["indicator_code"].map(lambda c: kinds.get(c, "count"))
    share = kind == "proportion"
    with np.errstate(divide="ignore", invalid="ignore"):
        pool = (x0 / 100 * n0 + x1 / 100 * n1) / (n0 + n1)
        se = np.sqrt(np.maximum(pool * (1 - pool), 1e-12) * (1 / n0 + 1 / n1))
        known = (n0 > 0) & (n1 > 0)
        share_jump = ((x1 - x0).abs() > rule.max_pp) & (~known | ((x1 - x0).abs() / 100 > rule.z_chance * se))
        r = (x1 + 1) / (x0 + 1)
        count_jump = (
            ((r > rule.max_ratio) | (r < 1 / rule.max_ratio))
            & ((x1 - x0).abs() >= rule.min_abs_change)
            & ((kind != "count") | ((x1 - x0).abs() / np.sqrt(np.maximum(x0 + x1, 1)) > rule.z_chance))
        )
    flag = x0.notna() & np.where(share, share_jump, count_jump)
    out = o[flag.to_numpy(dtype=bool)].assign(previous_year=y0[flag].astype("Int64"), previous_value=x0[flag])
    return out.reset_index(drop=True) if len(out) else empty


def plausibility_messages(obs: pd.DataFrame, ref: Reference | None = None, extra_keys: tuple = ()) -> list[Message]:
    """Warnings for outliers and implausible jumps among accepted records/observations.

    ``extra_keys=("source_file",)`` keeps the comparisons within each file.
    """
    ref = ref or load_reference()
    msgs = []
    for _, rec in detect_outliers(obs, ref, extra_keys=extra_keys).iterrows():
        msgs.append(
            rec_message(
                rec,
                "warning",
                "outlier",
                "value",
                f"giá trị ngoại lai so với các đơn vị khác (trung vị {_fmt_vi(rec['median'])}, điểm z vững "
                f"{_fmt_vi(round(rec['robust_z'], 1))}): đề nghị kiểm tra lại",
                f"outlier compared with the other units "
                f"(median {_fmt(rec['median'])}, robust z {rec['robust_z']:.1f}): please check",
            )
        )
    for _, rec in detect_jumps(obs, ref, extra_keys=extra_keys).iterrows():
        msgs.append(
            rec_message(
                rec,
                "warning",
                "implausible_jump",
                "value",
                f"thay đổi bất thường so với năm {rec['previous_year']} ({_fmt_vi(rec['previous_value'])}): "
                "đề nghị kiểm tra lại",
                f"implausible change from {rec['previous_year']} ({_fmt(rec['previous_value'])}): please check",
            )
        )
    return msgs


# ---------------------------------------------------------------------------------------------
# Validate files (``me validate``)
# ---------------------------------------------------------------------------------------------
def validate_file(
    path, display_name=None, department=None, submission_date=None, reference: Reference | None = None
) -> Submission:
    """Parse one file and apply every rule; never raises.

    Output: the :class:`Submission` with all messages; ``records["_ok"]`` tells which rows are
    accepted. Plausibility warnings (outliers, jumps) consider only this file's rows.
    """
    return validate_files([(path, display_name)], department, submission_date, reference)[0]


def validate_files(
    items, department=None, submission_date=None, reference: Reference | None = None
) -> list[Submission]:
    """Validate several files: parse each, then check all their rows in one pass (the schema
    check has a fixed cost per call). Never raises.

    Input: ``items`` — paths or ``(path, display_name)`` pairs. Output: one
    :class:`Submission` per item, in order, each with its own messages; plausibility
    comparisons stay within each file.
    """
    pairs = [(it if isinstance(it, tuple) else (it, None)) for it in items]
    subs = [parse_submission(p, name or str(p), department, submission_date, reference) for p, name in pairs]
    by_name: dict[str, list[Submission]] = {}
    for s_ in subs:
        by_name.setdefault(s_.path, []).append(s_)
    try:
        ref = reference or load_reference()
        frames = []
        for i, s_ in enumerate(subs):
            if s_.records is not None and not s_.records.empty:
                frames.append(s_.records.assign(_sub=i))
        if frames:
            allrec = pd.concat(frames, ignore_index=True)
            # Same display name twice (e.g. one file given twice): tell them apart while checking.
            allrec["source_file"] = [f"{f}\x00{i}" for f, i in zip(allrec["source_file"], allrec["_sub"])]
            msgs, ok = check_records(allrec, ref)
            allrec = allrec.assign(_ok=ok)
            good = allrec[allrec["_ok"]]
            if not good.empty:
                msgs.extend(plausibility_messages(_as_obs(good), ref, extra_keys=("source_file",)))
            for m in msgs:
                name, _, i = m.file.rpartition("\x00")
                m.file = name
                subs[int(i)].messages.append(m)
            for i, grp in allrec.groupby("_sub"):
                rec = grp.drop(columns=["_sub"])
                rec["source_file"] = subs[int(i)].path
                subs[int(i)].records = rec
    except Exception as exc:  # never a traceback: located at the files
        for s_ in subs:
            s_.messages.append(
                Message(
                    "error",
                    "internal",
                    s_.path,
                    f"lỗi không lường trước khi kiểm tra tệp ({type(exc).__name__}: {short_text(exc, 100)})",
                    f"unexpected problem while checking the file ({type(exc).__name__}: {short_text(exc, 100)})",
                    sheet=s_.sheet,
                )
            )
    return subs


def _as_obs(records: pd.DataFrame) -> pd.DataFrame:
    df = records.copy()
    for c in ("value", "numerator", "denominator", "year"):
        df[c] = pd.to_numeric(df[c], errors="coerce")
    return df


def sort_messages(messages: list[Message]) -> list[Message]:
    """Order messages by file, sheet, row (file-level first), severity, column."""
    sev = {"error": 0, "warning": 1, "info": 2}
    return sorted(
        messages,
        key=lambda m: (m.file, m.sheet, -1 if m.row is None else m.row, sev.get(m.severity, 3), m.column, m.code),
    )


def cli_validate(argv: list[str] | None = None) -> int:
    """``me validate FILE... [--department D] [--date dd/mm/yyyy] [--quiet] [--findings CSV]``.

    Prints every message (Vietnamese and English) and a summary per file. Exit code 0 when no
    file has an error, 1 when some file has an error, 2 for a usage error.
    """
    parser = argparse.ArgumentParser(
        prog="me validate", description="Kiểm tra tệp báo cáo số liệu / validate submission files"
    )
    parser.add_argument("files", nargs="+", help="xlsx or csv files, or folders (searched recursively)")
    parser.add_argument("--department", help="department code or name when the file does not say it")
    parser.add_argument("--date", help="submission date (dd/mm/yyyy) when the file does not say it")
    parser.add_argument("--quiet", action="store_true", help="print errors and warnings only")
    parser.add_argument("--findings", help="also write all messages to this csv file")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    try:
        ref = load_reference()
    except Exception as exc:
        print(
            f"LỖI/ERROR: không đọc được danh mục chỉ tiêu/đơn vị / cannot load the indicator "
            f"catalogue or unit list: {type(exc).__name__}: {short_text(exc, 200)}",
            file=sys.stderr,
        )
        return 1
    n_err = 0
    all_msgs = []
    files = []
    for f in args.files:
        p = Path(f)
        if p.is_dir():
            files.extend(
                str(x)
                for x in sorted(p.rglob("*"))
                if x.is_file() and x.suffix.lower() in (".xlsx", ".xlsm", ".csv") and not x.name.startswith((".", "~$"))
            )
        else:
            files.append(f)
    n_rejected = 0
    for f, sub in zip(files, validate_files([(f, f) for f in files], args.department, args.date, ref)):
        msgs = sort_messages(sub.messages)
        all_msgs.extend(msgs)
        for m in msgs:
            if args.quiet and m.severity == "info":
                continue
            print(m.format())
        e, w = sub.n_errors, sub.n_warnings
        n_err += e
        n_rejected += bool(e)
        status = "KHÔNG ĐẠT/REJECTED" if e else "ĐẠT/ACCEPTED"
        print(
            f"== {f}: {status} — {e} lỗi/errors, {w} cảnh báo/warnings, "
            f"{int(sub.records['_ok'].sum()) if sub.records is not None and '_ok' in sub.records else 0}"
            f"/{sub.n_rows} dòng hợp lệ/rows accepted"
        )
    if len(files) > 1:
        print(f"== {len(files)} tệp/files: {len(files) - n_rejected} đạt/accepted, {n_rejected} không đạt/rejected")
    if not files:
        print("LỖI/ERROR: không có tệp xlsx/csv nào / no xlsx or csv file given", file=sys.stderr)
        return 1
    if args.findings:
        # Cell values quoted from the files may begin with "=": neutralised for spreadsheets.
        atomic_write_text(Path(args.findings), safe_csv.to_csv_text(messages_frame(all_msgs), index=False))
    return 1 if n_err else 0
