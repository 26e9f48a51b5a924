"""Header detection and column labels: column aliases (Vietnamese or English), the header
row, metadata rows above it, department names and file-name conventions."""

from __future__ import annotations

import re
from pathlib import Path

from me_utils.intake.cells import cell_text, fold
from me_utils.intake.limits import HEADER_SCAN_ROWS, Grid
from me_utils.reference import plan as _plan


# ---------------------------------------------------------------------------------------------
# Departments (plan 123 section IV; codes from docs/CONTRACTS.md)
# ---------------------------------------------------------------------------------------------
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

HEADER_MAP = {fold(a): canon for canon, aliases in COLUMN_ALIASES.items() for a in aliases}
IGNORED_HEADERS = {fold(a) for a in IGNORED_COLUMNS}
_META_KEYS = {
    "department": {fold(a) for a in COLUMN_ALIASES["department"] + ["Đơn vị báo cáo"]},
    "submission_date": {fold(a) for a in COLUMN_ALIASES["submission_date"] + ["Ngày"]},
}


# ---------------------------------------------------------------------------------------------
# Header detection and metadata
# ---------------------------------------------------------------------------------------------
def match_header(cells: list) -> dict[int, str]:
    """Map column index → canonical column name for the recognisable cells of a row."""
    out = {}
    for i, v in enumerate(cells):
        key = fold(cell_text(v))
        if key in HEADER_MAP and HEADER_MAP[key] not in out.values():
            out[i] = HEADER_MAP[key]
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
