"""Cell parsing: text folding for matching, numbers (Vietnamese and English separators,
percent), years, periods, sex and dates; a cell that cannot be read raises :class:`CellError`."""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata

import numpy as np

from me_utils.core import errors as _errors


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
