"""Administrative units of Son La: ``data/reference/units.csv`` and name matching.

The province (``SL``) is the geography that stays the same over 2021–2025 and after the 2025
reform; the 12 district-level units (codes in docs/CONTRACTS.md) are valid until 2025-06-30,
because the district level was abolished when the two-tier local government began on
2025-07-01. Mộc Châu keeps code ``MC`` across its change from huyện to thị xã (the date of
that upgrade is UNVERIFIED and recorded as such in the file).

``load_units()`` returns a :class:`Units` object with ``frame()``, ``name(code, lang)``,
``districts(on=date)``, ``match(text)`` and ``series_end_note(code, lang)``.
"""
from __future__ import annotations

import csv
import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import errors as _errors
from . import fmt, paths

UNITS_FILE = "units.csv"
COLUMNS = [
    "unit_code", "level", "type", "name_vi", "name_en", "name_ascii", "full_name_vi",
    "full_name_en", "valid_from", "valid_to", "parent", "type_history", "type_changed_on",
    "source", "note",
]
LEVELS = ("province", "district")
TYPES = ("tỉnh", "thành phố", "thị xã", "huyện")
REFORM_DATE = _dt.date(2025, 7, 1)
_TYPE_EN = {"thành phố": "city", "thị xã": "town", "huyện": "district", "tỉnh": "province"}

# Words that only say what kind of unit follows; stripped before matching a bare name.
_PROVINCE_PREFIXES = ("tinh",)
_CITY_PREFIXES = ("thanh pho", "tp")
_DISTRICT_PREFIXES = ("thi xa", "tx", "huyen", "h", "quan")
_EN_SUFFIXES = ("province", "city", "town", "district")


class UnitsError(_errors.ReferenceDataError, ValueError):
    """``units.csv`` is broken: the message names the file, row, column and reason."""


def normalise(text: str) -> str:
    """Matching key of a unit name: NFC, case-folded, diacritics removed (đ → d),
    punctuation turned into spaces, spaces collapsed.

    >>> normalise("  Huyện  MỘC CHÂU ") == normalise("huyen moc chau") == "huyen moc chau"
    True
    """
    s = unicodedata.normalize("NFC", str(text)).casefold()
    s = s.replace("đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    s = re.sub(r"[\s.,;:_\-/()]+", " ", s)
    return s.strip()


def _parse_date(value: str, file: Path, row: int, col: str) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise UnitsError(f"{file}: row {row}, column {col!r}: {value!r} is not an ISO date (YYYY-MM-DD)") from None


@dataclass(frozen=True)
class Unit:
    """One administrative unit (a row of units.csv); dates are None when open-ended."""

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
    type_history: str
    type_changed_on: _dt.date | None
    source: str
    note: str

    def valid_on(self, on: _dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


class Units:
    """The units of ``units.csv`` with lookups; build with :func:`load_units`."""

    def __init__(self, units: list[Unit], path: Path):
        self.path = path
        self._units = {u.unit_code: u for u in units}
        self._aliases: dict[str, str] = {}
        for u in units:
            keys = {u.name_vi, u.name_ascii, u.full_name_vi, u.name_en, u.full_name_en}
            for k in keys:
                if k:
                    self._aliases[normalise(k)] = u.unit_code
        self._province = next((u.unit_code for u in units if u.level == "province"), None)
        if self._province is not None:
            # A bare "Sơn La" means the province (its name without "tỉnh").
            key = normalise(self._units[self._province].name_vi)
            for p in _PROVINCE_PREFIXES:
                if key.startswith(p + " "):
                    self._aliases[key[len(p) + 1:]] = self._province

    def __getitem__(self, code: str) -> Unit:
        try:
            return self._units[code]
        except KeyError:
            raise KeyError(f"unknown unit code {code!r}; see {self.path}") from None

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def codes(self) -> list[str]:
        return list(self._units)

    def frame(self) -> pd.DataFrame:
        """All units, file order, one row each; ``valid_from``/``valid_to`` as datetime64
        (NaT when open-ended), text columns as strings."""
        df = pd.DataFrame([u.__dict__ for u in self._units.values()], columns=COLUMNS)
        for c in ("valid_from", "valid_to", "type_changed_on"):
            df[c] = pd.to_datetime(df[c])
        return df

    def name(self, code: str, lang: str = "vi", full: bool = False) -> str:
        """Display name of a unit: ``name(\"MS\")`` → ``'Mai Sơn'``; ``full=True`` →
        ``'huyện Mai Sơn'``; English with ``lang=\"en\"``."""
        u = self[code]
        if full:
            return fmt.pick(lang, u.full_name_vi, u.full_name_en)
        return fmt.pick(lang, u.name_vi, u.name_en)

    def districts(self, on: str | _dt.date | None = None) -> list[str]:
        """Codes of the district-level units valid on date ``on`` (default: all of them, in
        file order). ``districts(on="2025-07-01")`` is empty: the district level ended."""
        ds = [u for u in self._units.values() if u.level == "district"]
        if on is None:
            return [u.unit_code for u in ds]
        if isinstance(on, str):
            on = _dt.date.fromisoformat(on)
        if isinstance(on, _dt.datetime):
            on = on.date()
        return [u.unit_code for u in ds if u.valid_on(on)]

    def match(self, text) -> str | None:
        """Unit code of a name or code as written in a submission, else None.

        Case-, spacing-, NFC- and diacritic-insensitive: ``'Mai Sơn'``, ``'MAI SON'``,
        ``'huyện Mai Sơn'``, ``'H. Mai Sơn'``, ``'ms'`` all give ``'MS'``. ``'TP Sơn La'`` and
        ``'Thành phố Sơn La'`` give ``'TPSL'``; a bare ``'Sơn La'`` or ``'tỉnh Sơn La'`` gives the
        province ``'SL'`` (a bare name is read as the province, which is the only reading that
        is right for province-level submissions).
        """
        if text is None:
            return None
        raw = unicodedata.normalize("NFC", str(text)).strip()
        if not raw:
            return None
        if raw.upper() in self._units:
            return raw.upper()
        key = normalise(raw)
        if key in self._aliases:
            return self._aliases[key]
        words = key.split()
        # English "Mai Son District", "Son La City".
        if len(words) > 1 and words[-1] in _EN_SUFFIXES:
            core = " ".join(words[:-1])
            return self._match_core(core, words[-1])
        for prefixes, kind in ((_CITY_PREFIXES, "city"), (_PROVINCE_PREFIXES, "province"),
                               (_DISTRICT_PREFIXES, "district")):
            for p in prefixes:
                if key.startswith(p + " "):
                    return self._match_core(key[len(p) + 1:].strip(), kind)
        return None

    def _match_core(self, core: str, kind: str) -> str | None:
        code = self._aliases.get(core)
        if kind == "city" and code == self._province:
            # "TP Sơn La" is the city, not the province that shares its name.
            return next((u.unit_code for u in self._units.values() if u.type == "thành phố"), None)
        if code is None:
            return None
        level = self._units[code].level
        if kind == "province":
            return code if level == "province" else None
        if kind in ("district", "town"):
            return code if level == "district" else None
        return code

    def series_end_note(self, code: str, lang: str = "vi") -> str | None:
        """Sentence saying that a unit's series ends with the 2025 reform (None when the unit
        is still valid, e.g. the province).

        Example (vi): ``'Chuỗi số liệu của huyện Mai Sơn kết thúc ngày 30/06/2025: cấp huyện
        chấm dứt hoạt động từ 01/07/2025 khi chính quyền địa phương hai cấp bắt đầu vận hành.'``
        """
        u = self[code]
        if u.valid_to is None:
            return None
        end = fmt.fmt_date(u.valid_to, lang)
        start = fmt.fmt_date(u.valid_to + _dt.timedelta(days=1), lang)
        if lang == "vi":
            s = (f"Chuỗi số liệu của {u.full_name_vi} kết thúc ngày {end}: cấp huyện chấm dứt hoạt động "
                 f"từ {start} khi chính quyền địa phương hai cấp (tỉnh, xã) bắt đầu vận hành.")
        else:
            fmt.check_lang(lang)
            s = (f"The series for {u.full_name_en} ends on {end}: the district level was abolished from "
                 f"{start}, when two-tier local government (province and commune) began.")
        return s + (" " + self.status_change_note(code, lang) if u.type_history else "")

    def status_change_note(self, code: str, lang: str = "vi") -> str | None:
        """Sentence on a change of unit type (Mộc Châu: huyện → thị xã), saying when the
        date is not verified; None when the unit did not change type."""
        u = self[code]
        if not u.type_history:
            return None
        when = fmt.fmt_date(u.type_changed_on, lang) if u.type_changed_on else None
        if lang == "vi":
            tail = f"từ ngày {when}" if when else "trước ngày 01/07/2025 (ngày và nghị quyết chuyển đổi chưa kiểm chứng)"
            return f"{u.name_vi} đổi loại hình đơn vị hành chính ({u.type_history}) {tail}; mã đơn vị giữ nguyên ({u.unit_code})."
        fmt.check_lang(lang)
        tail = f"on {when}" if when else "before 2025-07-01 (date and resolution of the change unverified)"
        hist = u.type_history
        for vi, en in _TYPE_EN.items():
            hist = hist.replace(vi, en)
        return f"{u.name_en} changed type ({hist}) {tail}; the unit code stays {u.unit_code}."


def load_units(path: str | Path | None = None) -> Units:
    """Read and validate ``units.csv`` (default ``data/reference/units.csv``).

    Output: :class:`Units`. Raises :class:`UnitsError` naming file, row, column and reason for
    a missing column, duplicate code, unknown level/type/parent or a bad date.
    """
    path = Path(path) if path is not None else paths.reference_dir() / UNITS_FILE
    try:
        # utf-8-sig: a CSV saved by Excel starts with a BOM that would hide the first column name.
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise UnitsError(f"{path}: row 1 (header): missing column(s) {', '.join(missing)}")
            rows = list(reader)
    except FileNotFoundError:
        raise UnitsError(f"{path}: file not found") from None
    except UnicodeDecodeError as e:
        raise UnitsError(f"{path}: not UTF-8 text (byte {e.start}: {e.reason}); save the file as UTF-8 CSV") from None
    units: list[Unit] = []
    seen: set[str] = set()
    for i, r in enumerate(rows, start=2):
        r = {k: unicodedata.normalize("NFC", (v or "").strip()) for k, v in r.items() if k in COLUMNS}
        code = r["unit_code"]
        if not code:
            raise UnitsError(f"{path}: row {i}, column 'unit_code': empty")
        if code in seen:
            raise UnitsError(f"{path}: row {i}, column 'unit_code': duplicate code {code!r}")
        seen.add(code)
        if r["level"] not in LEVELS:
            raise UnitsError(f"{path}: row {i}, column 'level': {r['level']!r} is not one of {', '.join(LEVELS)}")
        if r["type"] not in TYPES:
            raise UnitsError(f"{path}: row {i}, column 'type': {r['type']!r} is not one of {', '.join(TYPES)}")
        for c in ("name_vi", "name_en", "name_ascii", "full_name_vi", "full_name_en", "source"):
            if not r[c]:
                raise UnitsError(f"{path}: row {i}, column {c!r}: empty")
        if not r["name_ascii"].isascii():
            raise UnitsError(f"{path}: row {i}, column 'name_ascii': {r['name_ascii']!r} has non-ASCII characters")
        vf = _parse_date(r["valid_from"], path, i, "valid_from")
        vt = _parse_date(r["valid_to"], path, i, "valid_to")
        tc = _parse_date(r["type_changed_on"], path, i, "type_changed_on")
        if vf and vt and vf > vt:
            raise UnitsError(f"{path}: row {i}, column 'valid_to': {vt} is before valid_from {vf}")
        units.append(Unit(**{**r, "valid_from": vf, "valid_to": vt, "type_changed_on": tc}))
    for i, u in enumerate(units, start=2):
        if u.parent and u.parent not in seen:
            raise UnitsError(f"{path}: row {i}, column 'parent': unknown unit code {u.parent!r}")
    return Units(units, path)
