"""Administrative units as records: the unit file names and columns, levels, types and statuses,
:class:`UnitsError` / :class:`AmbiguousUnitError`, name normalisation for matching, date
helpers (:func:`period_span`), the frozen :class:`Unit` record and the checks of one CSV row.

Used by :mod:`me_utils.reference.units` (the loader and public API), ``unit_index`` and
``unit_files``.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from me_utils.core import errors as _errors

UNITS_FILE = "units.csv"
COMMUNES_FILE = "communes_2025.csv"
FORMER_FILE = "former_communes_2025.csv"
CROSSWALK_FILE = "crosswalk_2025.csv"
DISTRICT_CROSSWALK_FILE = "crosswalk_districts_2025.csv"
ALIASES_FILE = "unit_aliases.csv"

COLUMNS = [
    "unit_code",
    "level",
    "type",
    "name_vi",
    "name_en",
    "name_ascii",
    "full_name_vi",
    "full_name_en",
    "valid_from",
    "valid_to",
    "parent",
    "type_history",
    "type_changed_on",
    "source",
    "note",
]
#: columns of communes_2025.csv / former_communes_2025.csv (besides those shared with units.csv)
COMMUNE_COLUMNS = [
    "unit_id",
    "unit_code",
    "level",
    "type",
    "name_vi",
    "name_en",
    "name_ascii",
    "full_name_vi",
    "full_name_en",
    "valid_from",
    "valid_to",
    "parent",
    "status",
    "district_basis",
    "source",
    "note",
]
NEW_COMMUNE_COLUMNS = COMMUNE_COLUMNS + ["art1_item", "unchanged", "former_districts"]
FORMER_COLUMNS = COMMUNE_COLUMNS + ["name_gso"]
CROSSWALK_COLUMNS = [
    "old_unit_id",
    "old_code",
    "old_name_vi",
    "former_district",
    "new_unit_id",
    "new_code",
    "new_name_vi",
    "art1_item",
    "cross_district",
    "code_reused",
    "status",
    "source",
]
DISTRICT_CROSSWALK_COLUMNS = [
    "former_district",
    "former_district_gso_code",
    "n_former_units",
    "n_former_xa",
    "n_former_phuong",
    "n_former_thi_tran",
    "new_code",
    "new_name_vi",
    "new_type",
    "art1_item",
    "cross_district",
    "source",
]
ALIAS_COLUMNS = ["unit_id", "alias", "kind", "source"]

LEVELS = ("province", "district", "commune")
TYPES = ("tỉnh", "thành phố", "thị xã", "huyện", "xã", "phường", "thị trấn")
STATUSES = ("VERIFIED", "UNVERIFIED")
#: how the former-district membership of a unit is known (reference §2 legend)
DISTRICT_BASES = ("resolution", "page_confirmed", "partly_page_confirmed", "dataset_only")
REFORM_DATE = _dt.date(2025, 7, 1)
DISTRICT_END = REFORM_DATE - _dt.timedelta(days=1)
TYPE_EN = {
    "thành phố": "city",
    "thị xã": "town",
    "huyện": "district",
    "tỉnh": "province",
    "xã": "commune",
    "phường": "ward",
    "thị trấn": "township",
}
_LEVEL_VI = {"province": "tỉnh", "district": "huyện", "commune": "xã"}

# Words that only say what kind of unit follows; stripped before matching a bare name.
# kind: the unit type(s) the prefix allows.
PREFIXES = [
    (("tinh",), ("tỉnh",)),
    (("thanh pho", "tp"), ("thành phố",)),
    (("thi xa", "tx"), ("thị xã",)),
    (("huyen", "h", "quan"), ("huyện", "thị xã", "thành phố")),
    (("thi tran", "tt"), ("thị trấn",)),
    (("phuong", "p"), ("phường",)),
    (("xa",), ("xã",)),
]
EN_SUFFIXES = {
    "province": ("tỉnh",),
    "city": ("thành phố",),
    "town": ("thị xã",),
    "district": ("huyện", "thị xã", "thành phố"),
    "commune": ("xã",),
    "ward": ("phường",),
    "township": ("thị trấn",),
}
_DISTRICT_TYPES = ("huyện", "thị xã", "thành phố")


class UnitsError(_errors.ReferenceDataError, ValueError):
    """A units file is broken: the message names the file, row, column and reason."""


class AmbiguousUnitError(_errors.ReferenceDataError, LookupError):
    """A name fits several units valid on the date; ``candidates`` lists them (Unit objects).
    The message (vi then en) names the candidates and how to tell them apart."""

    def __init__(self, text: str, candidates: list):
        self.text, self.candidates = text, list(candidates)
        names = "; ".join(
            f"{u.full_name_vi} [{u.unit_code}]"
            + (f" ({u.parent})" if u.level == "commune" and u.parent != "SL" else "")
            for u in self.candidates
        )
        super().__init__(
            f"“{text}” khớp với nhiều đơn vị: {names} — ghi rõ mã đơn vị hoặc loại hình "
            f"(xã/phường/huyện) / “{text}” matches several units: {names} — give the unit code "
            "or type (xã/phường/huyện)"
        )


def normalise(text: str) -> str:
    """Matching key of a unit name: NFC, case-folded, diacritics removed (đ → d),
    punctuation turned into spaces, spaces collapsed.

    >>> normalise("  Huyện  MỘC CHÂU ") == normalise("huyen moc chau") == "huyen moc chau"
    True
    """
    s = fold_keep_marks(text)
    s = s.replace("đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return s


def fold_keep_marks(text: str) -> str:
    """Key that keeps the diacritics (so Chiềng Hắc ≠ Chiềng Hặc) but ignores case, spacing,
    punctuation and the placement of the tone mark (Hòa = Hoà: both NFC forms exist)."""
    s = unicodedata.normalize("NFC", str(text)).casefold()
    s = re.sub(r"[\s.,;:_\-/()]+", " ", s).strip()
    # "oà/uỷ" (old style) and "òa/ủy" (new style) are the same syllable: in the decomposed form
    # move a tone mark that follows a/e/y after o/u back onto the o/u (the key only has to agree
    # with itself, so a misplaced mark elsewhere is harmless).
    s = unicodedata.normalize("NFD", s)
    s = re.sub(r"([ou])([aey])([\u0300\u0301\u0303\u0309\u0323])", r"\1\3\2", s)
    return unicodedata.normalize("NFC", s)


def as_date(on) -> _dt.date | None:
    if on is None:
        return None
    if isinstance(on, str):
        return _dt.date.fromisoformat(on[:10])
    if isinstance(on, pd.Timestamp):
        return on.date()
    if isinstance(on, _dt.datetime):
        return on.date()
    return on


def period_span(year: int, period: str = "FY") -> tuple[_dt.date, _dt.date]:
    """First and last day of a reporting period: ``FY`` = the calendar year, ``H1`` =
    1 January–30 June (plan 123 section V)."""
    year = int(year)
    if period == "H1":
        return _dt.date(year, 1, 1), _dt.date(year, 6, 30)
    if period == "FY":
        return _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    raise ValueError(f"period must be FY or H1, got {period!r}")


def parse_date(value: str, file: Path, row: int, col: str) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise UnitsError(f"{file}: row {row}, column {col!r}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Unit:
    """One administrative unit; dates are None when open-ended.

    ``unit_id`` is unique across all units (province and district codes; ``N`` + code for the
    communes valid from 2025-07-01; ``F`` + old code for the former communes). ``parent`` is
    ``SL`` for districts and new communes and the former district for a former commune.
    ``status``/``district_basis``: how the row is verified (see data/reference/README.md).
    """

    unit_code: str
    level: str
    type: str
    name_vi: str
    name_en: str
    name_ascii: str
    full_name_vi: str
    full_name_en: str
    valid_from: _dt.date | None
    valid_to: _dt.date | None
    parent: str
    type_history: str = ""
    type_changed_on: _dt.date | None = None
    source: str = ""
    note: str = ""
    unit_id: str = ""
    status: str = "VERIFIED"
    district_basis: str = ""
    name_gso: str = ""
    art1_item: int | None = None
    unchanged: bool = False
    former_districts: tuple[str, ...] = field(default=())

    @property
    def code(self) -> str:
        return self.unit_code

    @property
    def reporting(self) -> bool:
        """True for units figures are submitted for: the province, the districts and the
        communes valid from 2025-07-01 (former communes never reported to the workbench)."""
        return self.level != "commune" or (self.valid_from is not None and self.valid_from >= REFORM_DATE)

    @property
    def geography(self) -> str:
        """``province``, ``district`` or ``commune`` — the geography a figure for this unit uses."""
        return self.level

    def valid_on(self, on) -> bool:
        on = as_date(on)
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def overlaps(self, start: _dt.date, end: _dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or start <= self.valid_to)

    def covers(self, start: _dt.date, end: _dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= start) and (self.valid_to is None or end <= self.valid_to)


def read_csv(path: Path, required: list[str]) -> list[tuple[int, dict]]:
    """Rows of a UTF-8 CSV as (line number, NFC-stripped dict); located UnitsError otherwise."""
    try:
        # utf-8-sig: a CSV saved by Excel starts with a BOM that would hide the first column name.
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise UnitsError(f"{path}: row 1 (header): missing column(s) {', '.join(missing)}")
            rows = list(reader)
    except FileNotFoundError:
        raise UnitsError(f"{path}: file not found") from None
    except UnicodeDecodeError as e:
        raise UnitsError(f"{path}: not UTF-8 text (byte {e.start}: {e.reason}); save the file as UTF-8 CSV") from None
    return [
        (i, {k: unicodedata.normalize("NFC", (v or "").strip()) for k, v in r.items() if k is not None})
        for i, r in enumerate(rows, start=2)
    ]


def check_unit_row(r: dict, path: Path, i: int) -> None:
    if r["level"] not in LEVELS:
        raise UnitsError(f"{path}: row {i}, column 'level': {r['level']!r} is not one of {', '.join(LEVELS)}")
    if r["type"] not in TYPES:
        raise UnitsError(f"{path}: row {i}, column 'type': {r['type']!r} is not one of {', '.join(TYPES)}")
    for c in ("name_vi", "name_en", "name_ascii", "full_name_vi", "full_name_en", "source"):
        if not r.get(c):
            raise UnitsError(f"{path}: row {i}, column {c!r}: empty")
    if not r["name_ascii"].isascii():
        raise UnitsError(f"{path}: row {i}, column 'name_ascii': {r['name_ascii']!r} has non-ASCII characters")
    if "status" in r and r["status"] not in STATUSES:
        raise UnitsError(f"{path}: row {i}, column 'status': {r['status']!r} is not one of {', '.join(STATUSES)}")
    if r.get("district_basis") and r["district_basis"] not in DISTRICT_BASES:
        raise UnitsError(
            f"{path}: row {i}, column 'district_basis': {r['district_basis']!r} is not one of "
            f"{', '.join(DISTRICT_BASES)}"
        )


def row_dates(r: dict, path: Path, i: int) -> tuple:
    vf = parse_date(r.get("valid_from", ""), path, i, "valid_from")
    vt = parse_date(r.get("valid_to", ""), path, i, "valid_to")
    if vf and vt and vf > vt:
        raise UnitsError(f"{path}: row {i}, column 'valid_to': {vt} is before valid_from {vf}")
    return vf, vt


def rank_key(u: Unit) -> tuple[bool, int]:
    return (not u.reporting, {"province": 0, "district": 1, "commune": 2}[u.level])
