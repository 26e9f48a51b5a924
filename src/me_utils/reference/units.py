"""Administrative units of Sơn La as data: province, districts, communes, and the 2025 crosswalk.

Files (``data/reference/``, described in ``data/reference/README.md``):

* ``units.csv`` — the province ``SL`` (unchanged) and the 12 district-level units (codes in
  docs/CONTRACTS.md), valid until 2025-06-30: the district level was abolished when two-tier
  local government began on 2025-07-01. Mộc Châu keeps code ``MC`` across its change from
  huyện to thị xã.
* ``communes_2025.csv`` — the 75 commune-level units (67 xã, 8 phường) of Nghị quyết
  1681/NQ-UBTVQH15, valid from 2025-07-01, with their five-digit codes (CV 1027/CTK-CSCL).
* ``former_communes_2025.csv`` — the 200 former commune-level units (configuration of
  01/02/2025–30/06/2025) with their old GSO codes and former district.
* ``crosswalk_2025.csv`` — former commune → new commune, one row per former unit;
  ``crosswalk_districts_2025.csv`` — former district → new communes (transcribed separately
  from the reference and checked against the commune crosswalk).
* ``unit_aliases.csv`` — spelling variants (e.g. the GSO list's ``Noong Lay`` for ``Nong Lay``).

**Codes are reused.** Every new commune code is the old code of one of its former units, and in
18 cases that former unit had another name (xã Quỳnh Nhai = 03703 = old TT Mường Giàng). So a
five-digit code alone never identifies a unit: each unit has a unique ``unit_id`` (``N03703``
for the new commune, ``F03703`` for the former unit) and the natural key is
``(unit_code, valid_from)``; :meth:`Units.get` resolves a code on a date. Reporting units —
the ones figures are submitted for — are the province, the districts (to 2025-06-30) and the
new communes (from 2025-07-01); their codes are unique, so ``units[code]`` is unambiguous and
a figure's ``unit_code`` plus its period identify the unit.

Public API: :func:`load_units` → :class:`Units`; module-level :func:`find_unit`,
:func:`units_valid_on`, :func:`units_for_period` (on the default reference files).
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
from me_utils.core import fmt, paths

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
_TYPE_EN = {
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
_PREFIXES = [
    (("tinh",), ("tỉnh",)),
    (("thanh pho", "tp"), ("thành phố",)),
    (("thi xa", "tx"), ("thị xã",)),
    (("huyen", "h", "quan"), ("huyện", "thị xã", "thành phố")),
    (("thi tran", "tt"), ("thị trấn",)),
    (("phuong", "p"), ("phường",)),
    (("xa",), ("xã",)),
]
_EN_SUFFIXES = {
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
    s = _fold_keep_marks(text)
    s = s.replace("đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
    return s


def _fold_keep_marks(text: str) -> str:
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


def _as_date(on) -> _dt.date | None:
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


def _parse_date(value: str, file: Path, row: int, col: str) -> _dt.date | None:
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
        on = _as_date(on)
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)

    def overlaps(self, start: _dt.date, end: _dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or start <= self.valid_to)

    def covers(self, start: _dt.date, end: _dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= start) and (self.valid_to is None or end <= self.valid_to)


def _read_csv(path: Path, required: list[str]) -> list[tuple[int, dict]]:
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


def _check_unit_row(r: dict, path: Path, i: int) -> None:
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


def _dates(r: dict, path: Path, i: int) -> tuple:
    vf = _parse_date(r.get("valid_from", ""), path, i, "valid_from")
    vt = _parse_date(r.get("valid_to", ""), path, i, "valid_to")
    if vf and vt and vf > vt:
        raise UnitsError(f"{path}: row {i}, column 'valid_to': {vt} is before valid_from {vf}")
    return vf, vt


def _rank_key(u: Unit) -> tuple[bool, int]:
    return (not u.reporting, {"province": 0, "district": 1, "commune": 2}[u.level])


class Units:
    """All units (province, districts, new and former communes) with lookups, the crosswalk and
    validity rules; build with :func:`load_units`.

    ``units[code]`` and ``code in units`` refer to the *reporting* units (codes unique: SL, the
    12 districts, the 75 communes from 2025-07-01); :meth:`get` resolves a code on a date
    (a five-digit code before 2025-07-01 is a former commune); :meth:`by_id` takes a unit_id.
    """

    def __init__(
        self,
        units: list[Unit],
        path: Path,
        crosswalk: pd.DataFrame | None = None,
        district_crosswalk: pd.DataFrame | None = None,
        aliases: list[tuple[str, str]] = (),
    ):
        self.path = path
        self._by_id: dict[str, Unit] = {u.unit_id: u for u in units}
        self._units = {u.unit_code: u for u in units if u.reporting}
        self._former = {u.unit_code: u for u in units if not u.reporting}
        self._crosswalk = crosswalk if crosswalk is not None else pd.DataFrame(columns=CROSSWALK_COLUMNS)
        self._district_crosswalk = (
            district_crosswalk if district_crosswalk is not None else pd.DataFrame(columns=DISTRICT_CROSSWALK_COLUMNS)
        )
        # Two matching keys: with diacritics (Chiềng Hắc ≠ Chiềng Hặc) and without.
        self._marked: dict[str, list[str]] = {}
        self._ascii: dict[str, list[str]] = {}
        for u in units:
            names = {u.name_vi, u.name_ascii, u.full_name_vi, u.name_en, u.full_name_en, u.name_gso}
            for k in names:
                if k:
                    self._add_alias(k, u.unit_id)
        for uid, alias in aliases:
            self._add_alias(alias, uid)
        for u in units:
            if u.type == "thành phố":
                # "TP Sơn La", "TP. Sơn La": the city, not the province that shares its name.
                core = re.sub(r"(?i)^thành phố\s+", "", u.name_vi)
                self._add_alias(f"TP {core}", u.unit_id)
        self._province = next((u.unit_code for u in units if u.level == "province"), None)
        if self._province is not None:
            # A bare "Sơn La" means the province (its name without "tỉnh").
            p = self._units[self._province]
            for k in (p.name_vi, p.name_ascii):
                key = _fold_keep_marks(k)
                if key.split(" ", 1)[0] in ("tỉnh", "tinh"):
                    self._add_alias(key.split(" ", 1)[1], p.unit_id)

    def _add_alias(self, text: str, uid: str) -> None:
        for table, key in ((self._marked, _fold_keep_marks(text)), (self._ascii, normalise(text))):
            ids = table.setdefault(key, [])
            if uid not in ids:
                ids.append(uid)

    # ------------------------------------------------------------------ lookups by code / id
    def __getitem__(self, code: str) -> Unit:
        if code in self._units:
            return self._units[code]
        if code in self._by_id:
            return self._by_id[code]
        raise KeyError(f"unknown unit code {code!r}; see {self.path}")

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def by_id(self, unit_id: str) -> Unit:
        """The unit with this unique id (``SL``, ``MC``, ``N04000``, ``F04000``)."""
        try:
            return self._by_id[unit_id]
        except KeyError:
            raise KeyError(f"unknown unit_id {unit_id!r}; see {self.path.parent}") from None

    def get(self, code: str, on) -> Unit | None:
        """The unit that carries ``code`` on date ``on`` (None if none): ``get('03703',
        '2025-06-30')`` is the former TT Mường Giàng, ``get('03703', '2025-07-01')`` the new
        xã Quỳnh Nhai. This is the only safe way to turn a five-digit code into a unit."""
        on = _as_date(on)
        for u in (self._units.get(code), self._former.get(code)):
            if u is not None and u.valid_on(on):
                return u
        return None

    def resolve_ids(self, codes, dates) -> list[str | None]:
        """Vectorised :meth:`get`: the ``unit_id`` each (code, date) pair means (None when no
        unit carries the code on that date). Join figures to units on this id, never on the code
        alone."""
        out = []
        for c, d in zip(codes, dates):
            u = None if c is None or d is None or pd.isna(d) else self.get(str(c), d)
            out.append(u.unit_id if u is not None else None)
        return out

    def all_units(self) -> list[Unit]:
        """Every unit: province, districts, the 75 new communes, the 200 former communes."""
        return list(self._by_id.values())

    def codes(self, levels: tuple[str, ...] | None = ("province", "district")) -> list[str]:
        """Codes of the reporting units of the given levels, file order. The default keeps the
        units.csv list (province + districts); ``levels=None`` adds the 75 communes."""
        return [c for c, u in self._units.items() if levels is None or u.level in levels]

    def frame(self, include_former: bool = False) -> pd.DataFrame:
        """Reporting units (province, districts, the communes from 2025-07-01), file order,
        one row each (``include_former=True`` adds the 200 former communes, whose codes repeat
        new codes — key on ``unit_id``). Columns: :data:`COLUMNS` plus ``unit_id``, ``status``,
        ``district_basis``, ``name_gso``, ``art1_item``, ``unchanged``, ``former_districts``
        (``;``-joined), ``geography``; dates as datetime64 (NaT when open-ended)."""
        us = self.all_units() if include_former else list(self._units.values())
        cols = COLUMNS + [
            "unit_id",
            "status",
            "district_basis",
            "name_gso",
            "art1_item",
            "unchanged",
            "former_districts",
        ]
        recs = []
        for u in us:
            d = {c: getattr(u, c) for c in cols}
            d["former_districts"] = ";".join(u.former_districts)
            recs.append(d)
        df = pd.DataFrame(recs, columns=cols)
        for c in ("valid_from", "valid_to", "type_changed_on"):
            df[c] = pd.to_datetime(df[c])
        df["art1_item"] = pd.array(df["art1_item"], dtype="Int64")
        df["geography"] = df["level"]
        return df

    def name(self, code: str, lang: str = "vi", full: bool = False) -> str:
        """Display name of a unit: ``name(\"MS\")`` → ``'Mai Sơn'``; ``full=True`` →
        ``'huyện Mai Sơn'``; English with ``lang=\"en\"``. A commune always gets its type word
        (``name('04105')`` → ``'xã Mai Sơn'``): 11 communes share the bare name of a former
        district, and a report title must not be read as the district's."""
        u = self[code]
        if full or u.level == "commune":
            return fmt.pick(lang, u.full_name_vi, u.full_name_en)
        return fmt.pick(lang, u.name_vi, u.name_en)

    # ------------------------------------------------------------------ validity
    def districts(self, on: str | _dt.date | None = None) -> list[str]:
        """Codes of the district-level units valid on date ``on`` (default: all of them, in
        file order). ``districts(on="2025-07-01")`` is empty: the district level ended."""
        ds = [u for u in self._units.values() if u.level == "district"]
        if on is None:
            return [u.unit_code for u in ds]
        on = _as_date(on)
        return [u.unit_code for u in ds if u.valid_on(on)]

    def communes(self, on: str | _dt.date | None = None, former_district: str | None = None) -> list[str]:
        """Codes of the commune-level reporting units (the 75 from 2025-07-01), resolution
        order; ``on`` filters by date (empty before 2025-07-01); ``former_district`` keeps the
        communes that took in at least one unit of that former district."""
        cs = [u for u in self._units.values() if u.level == "commune"]
        if on is not None:
            on = _as_date(on)
            cs = [u for u in cs if u.valid_on(on)]
        if former_district is not None:
            cs = [u for u in cs if former_district in u.former_districts]
        return [u.unit_code for u in cs]

    def valid_on(self, on, reporting_only: bool = False, levels: tuple[str, ...] | None = None) -> list[Unit]:
        """Units valid on date ``on``: on 2026-01-01 the province and the 75 communes; on
        2024-01-01 the province, 12 districts and 200 former communes (``reporting_only=True``:
        province and districts only)."""
        on = _as_date(on)
        return [
            u
            for u in self._by_id.values()
            if u.valid_on(on) and (not reporting_only or u.reporting) and (levels is None or u.level in levels)
        ]

    def for_period(
        self, year: int, period: str = "FY", rule: str = "overlap", reporting_only: bool = True
    ) -> list[Unit]:
        """Units a figure for ``year``/``period`` can be reported for.

        ``rule``: ``overlap`` (valid on at least one day of the period — FY 2025 gives the
        province, the 12 districts and the 75 communes), ``whole`` (valid the whole period —
        FY 2025 gives the province only), ``start`` (valid on its first day). FY 2026 gives the
        province and the 75 communes under every rule."""
        start, end = period_span(year, period)
        test = {
            "overlap": lambda u: u.overlaps(start, end),
            "whole": lambda u: u.covers(start, end),
            "start": lambda u: u.valid_on(start),
        }[rule]
        return [u for u in self._by_id.values() if test(u) and (not reporting_only or u.reporting)]

    def subunits_for_phase(self, start_year: int, end_year: int | None = None) -> list[str]:
        """Codes of the units below the province that a phase's reports cover: the units of
        level district or commune in force on 1 January of ``start_year`` — the 12 districts
        for 2021–2025 (the review of that phase), the 75 communes for 2026–2030."""
        on = _dt.date(int(start_year), 1, 1)
        return [u.unit_code for u in self._units.values() if u.level in ("district", "commune") and u.valid_on(on)]

    def geography(self, code: str) -> str:
        """Geography a figure for the reporting unit ``code`` uses: province/district/commune."""
        return self[code].level

    # ------------------------------------------------------------------ name matching
    def find_all(self, text, on=None, include_former: bool = True) -> list[Unit]:
        """Every unit a code or name may mean (valid on ``on`` when given), best reading first.

        Rules: an exact code of a reporting unit; else the name with diacritics (case, spacing,
        tone-mark placement ignored), else without diacritics. A type word (``xã``, ``phường``,
        ``huyện``, ``TP``, ``thị xã``, ``tỉnh``, ``TT``…; English ``… Commune/Ward/District``)
        restricts the type; a qualifier in brackets or after a comma (``Chiềng Chung (Mai
        Sơn)``) restricts a former commune to its former district."""
        if text is None:
            return []
        raw = unicodedata.normalize("NFC", str(text)).strip()
        if not raw:
            return []
        on = _as_date(on)
        if raw.isdigit() and len(raw) < 5:
            raw = raw.zfill(5)  # a code typed into a number cell loses its leading zero (4000 → 04000)

        def keep(u: Unit) -> bool:
            return (on is None or u.valid_on(on)) and (include_former or u.reporting)

        if raw.upper() in self._units or raw in self._former:
            us = [u for u in (self._units.get(raw.upper()), self._former.get(raw)) if u is not None and keep(u)]
            if us:
                return us
        if raw in self._by_id and keep(self._by_id[raw]):
            return [self._by_id[raw]]
        qualifier = None
        m = re.fullmatch(r"(.+?)\s*(?:\((.+)\)|,(.+))", raw)
        if m:
            raw, qualifier = m.group(1).strip(), (m.group(2) or m.group(3)).strip()
        found = self._candidates(raw, keep)
        if qualifier:
            dist = self.find_all(qualifier, on=None, include_former=False)
            dcodes = {u.unit_code for u in dist if u.level == "district"}
            found = [
                u for u in found if u.level == "commune" and (u.parent in dcodes or set(u.former_districts) & dcodes)
            ]
        return found

    def _candidates(self, raw: str, keep) -> list[Unit]:
        marked, plain = _fold_keep_marks(raw), normalise(raw)
        words = plain.split()
        types: tuple[str, ...] | None = None
        core_m, core_p = marked, plain
        if len(words) > 1 and words[-1] in _EN_SUFFIXES:
            types = _EN_SUFFIXES[words[-1]]
            core_p = " ".join(words[:-1])
            core_m = " ".join(marked.split()[:-1])
        else:
            for prefixes, ts in _PREFIXES:
                hit = next((p for p in prefixes if plain.startswith(p + " ")), None)
                if hit:
                    types = ts
                    n = len(hit.split())
                    core_p = " ".join(words[n:])
                    core_m = " ".join(marked.split()[n:])
                    break
        for table, key in ((self._marked, marked), (self._ascii, plain)):
            # The whole text first ("Thành phố Sơn La" is a name of its own), then the core.
            for k, ts in ((key, None), ((core_m if table is self._marked else core_p), types)):
                ids = table.get(k, [])
                us = [self._by_id[i] for i in ids if keep(self._by_id[i]) and (ts is None or self._by_id[i].type in ts)]
                if ts is not None and "thành phố" in ts and not us:
                    continue
                if us:
                    return self._rank(us, ts)
        return []

    def _rank(self, us: list[Unit], types) -> list[Unit]:
        """Best reading first: reporting units before former communes, province/district
        before commune (the reading that is right for submissions dated before the reform,
        which is what an undated bare name gets)."""
        return sorted(us, key=_rank_key)

    def find(self, text, on=None, include_former: bool = True) -> Unit | None:
        """The unit a code or name means, or None; see :meth:`find_all` for the rules.

        Without a date a bare name reads as before the reform ("Mai Sơn" → huyện Mai Sơn);
        with ``on`` on or after 2025-07-01 it reads as the commune ("Mai Sơn" → xã Mai Sơn,
        04105). Raises :class:`AmbiguousUnitError` when the best readings tie (two former xã
        Chiềng Chung; "chieng hac" without diacritics on a date before the reform)."""
        us = self.find_all(text, on=on, include_former=include_former)
        if not us:
            return None
        if on is None and any(u.reporting for u in us):
            us = [u for u in us if u.reporting]
        best = [u for u in us if _rank_key(u) == _rank_key(us[0])]
        if len(best) > 1:
            raise AmbiguousUnitError(str(text), best)
        return best[0]

    def match(self, text, on=None) -> str | None:
        """Code of the reporting unit a name or code in a submission means, else None
        (ambiguous names give None too).

        Case-, spacing-, NFC- and diacritic-insensitive: ``'Mai Sơn'``, ``'MAI SON'``,
        ``'huyện Mai Sơn'``, ``'H. Mai Sơn'``, ``'ms'`` all give ``'MS'``; with ``on`` from
        2025-07-01 ``'Mai Sơn'`` gives the commune ``'04105'``. ``'TP Sơn La'`` gives
        ``'TPSL'``; a bare ``'Sơn La'`` or ``'tỉnh Sơn La'`` gives the province ``'SL'``.
        """
        try:
            u = self.find(text, on=on, include_former=False)
        except AmbiguousUnitError:
            return None
        return u.unit_code if u is not None else None

    # ------------------------------------------------------------------ crosswalk
    def crosswalk(self) -> pd.DataFrame:
        """Former commune → new commune, one row per former unit (:data:`CROSSWALK_COLUMNS`;
        ``cross_district`` and ``code_reused`` as bool, ``art1_item`` as int)."""
        return self._crosswalk.copy()

    def district_crosswalk(self) -> pd.DataFrame:
        """Former district → new communes (one row per pair; a cross-district commune appears
        under both its former districts with ``cross_district`` True)."""
        return self._district_crosswalk.copy()

    def successors(self, code: str, on=None) -> list[str]:
        """New commune codes that took over a former district (``successors('MC')`` → 8
        codes) or a former commune (code, read as former, or ``F…`` unit_id)."""
        cw = self._crosswalk
        if code in self._units and self._units[code].level == "district":
            return list(dict.fromkeys(cw.loc[cw["former_district"] == code, "new_code"]))
        uid = code if code.startswith("F") else "F" + code
        return list(cw.loc[cw["old_unit_id"] == uid, "new_code"])

    def predecessors(self, code: str) -> list[Unit]:
        """The former communes merged into new commune ``code`` (crosswalk order)."""
        cw = self._crosswalk
        return [self._by_id[i] for i in cw.loc[cw["new_code"] == code, "old_unit_id"]]

    def unverified(self) -> pd.DataFrame:
        """Rows not fully verified, one per unit: ``file, unit_id, unit_code, name_vi, what``
        (``status`` UNVERIFIED, or a former-district membership seen only in the GSO-based
        dataset — ``district_basis`` = dataset_only). Empty frame when all are verified."""
        rows = []
        for u in self._by_id.values():
            if u.status != "VERIFIED":
                rows.append((u.unit_id, u.unit_code, u.name_vi, "status UNVERIFIED"))
            elif u.district_basis == "dataset_only":
                rows.append(
                    (
                        u.unit_id,
                        u.unit_code,
                        u.name_vi,
                        "former district from the GSO-based dataset only (not seen on a page)",
                    )
                )
            elif u.district_basis == "partly_page_confirmed":
                rows.append(
                    (
                        u.unit_id,
                        u.unit_code,
                        u.name_vi,
                        "former district page-confirmed for part of the merged units only",
                    )
                )
        return pd.DataFrame(rows, columns=["unit_id", "unit_code", "name_vi", "what"])

    # ------------------------------------------------------------------ notes and rules
    def series_end_note(self, code: str, lang: str = "vi") -> str | None:
        """Sentence saying that a unit's series ends with the 2025 reform (None when the unit
        is still valid, e.g. the province or a new commune).

        Example (vi): ``'Chuỗi số liệu của huyện Mai Sơn kết thúc ngày 30/06/2025: cấp huyện
        chấm dứt hoạt động từ 01/07/2025 khi chính quyền địa phương hai cấp bắt đầu vận hành.'``
        """
        u = self[code]
        if u.valid_to is None:
            return None
        end = fmt.fmt_date(u.valid_to, lang)
        start = fmt.fmt_date(u.valid_to + _dt.timedelta(days=1), lang)
        if lang == "vi":
            s = (
                f"Chuỗi số liệu của {u.full_name_vi} kết thúc ngày {end}: cấp huyện chấm dứt hoạt động "
                f"từ {start} khi chính quyền địa phương hai cấp (tỉnh, xã) bắt đầu vận hành."
            )
        else:
            fmt.check_lang(lang)
            s = (
                f"The series for {u.full_name_en} ends on {end}: the district level was abolished from "
                f"{start}, when two-tier local government (province and commune) began."
            )
        return s + (" " + self.status_change_note(code, lang) if u.type_history else "")

    def series_start_note(self, code: str, lang: str = "vi") -> str | None:
        """Sentence saying where a new commune's series starts and what it was formed from
        (None for units that are not new communes)."""
        u = self[code]
        if u.level != "commune" or u.valid_from is None:
            return None
        olds = self.predecessors(code)
        start = fmt.fmt_date(u.valid_from, lang)
        dnames = ", ".join(self.name(d, lang, full=True) for d in u.former_districts)
        if lang == "vi":
            parts = "; ".join(o.full_name_vi for o in olds)
            s = (
                f"Chuỗi số liệu của {u.full_name_vi} bắt đầu từ ngày {start} (Nghị quyết 1681/NQ-UBTVQH15), "
                f"hình thành từ: {parts} (thuộc {dnames} cũ)."
            )
            if len(u.former_districts) > 1:
                s += " Đơn vị ghép từ hai huyện cũ: không so sánh trực tiếp với chuỗi của một huyện."
        else:
            fmt.check_lang(lang)
            parts = "; ".join(o.full_name_en for o in olds)
            s = (
                f"The series for {u.full_name_en} starts on {start} (Resolution 1681/NQ-UBTVQH15), "
                f"formed from: {parts} (former {dnames})."
            )
            if len(u.former_districts) > 1:
                s += " It joins units of two former districts: not directly comparable with one district's series."
        return s

    def status_change_note(self, code: str, lang: str = "vi") -> str | None:
        """Sentence on a change of unit type (Mộc Châu: huyện → thị xã), saying when the
        date is not verified; None when the unit did not change type."""
        u = self[code]
        if not u.type_history:
            return None
        when = fmt.fmt_date(u.type_changed_on, lang) if u.type_changed_on else None
        if lang == "vi":
            tail = (
                f"từ ngày {when}" if when else "trước ngày 01/07/2025 (ngày và nghị quyết chuyển đổi chưa kiểm chứng)"
            )
            return f"{u.name_vi} đổi loại hình đơn vị hành chính ({u.type_history}) {tail}; mã đơn vị giữ nguyên ({u.unit_code})."
        fmt.check_lang(lang)
        tail = f"on {when}" if when else "before 2025-07-01 (date and resolution of the change unverified)"
        hist = u.type_history
        for vi, en in _TYPE_EN.items():
            hist = hist.replace(vi, en)
        return f"{u.name_en} changed type ({hist}) {tail}; the unit code stays {u.unit_code}."

    def period_problem(self, code: str, year: int, period: str = "FY") -> tuple[str, str, str, str] | None:
        """Is a figure for reporting unit ``code`` allowed for ``year``/``period``?

        Output: None when the unit is valid for the whole period; else ``(severity, rule,
        reason_vi, reason_en)``: ``error``/``unit_dissolved`` for a district figure for a period
        that starts after 2025-06-30 (names the new communes to use), ``error``/
        ``unit_not_yet_valid`` for a commune figure for a period that ends before 2025-07-01
        (names the former district(s) to use), ``warning``/``unit_not_valid`` when the unit
        existed for part of the period only (FY 2025). Unknown codes give None (the schema
        check reports them)."""
        if code not in self._units:
            return None
        u = self._units[code]
        start, end = period_span(year, period)
        if u.covers(start, end):
            return None
        per_vi = {"FY": f"năm {year}", "H1": f"6 tháng đầu năm {year}"}[period]
        per_en = {"FY": f"year {year}", "H1": f"first half of {year}"}[period]
        if not u.overlaps(start, end) and u.valid_to is not None and u.level == "district":
            new = self.successors(code)
            lst = ", ".join(f"{c} ({self.name(c, 'vi', full=True)})" for c in new)
            lst_en = ", ".join(f"{c} ({self.name(c, 'en', full=True)})" for c in new)
            day = fmt.fmt_date(u.valid_to + _dt.timedelta(days=1), "vi")
            return (
                "error",
                "unit_dissolved",
                f"đơn vị {code} ({u.full_name_vi}) đã giải thể từ {day}, không có số liệu {per_vi}; "
                f"dùng mã xã/phường mới: {lst}",
                f"unit {code} ({u.full_name_en}) was dissolved on "
                f"{fmt.fmt_date(u.valid_to + _dt.timedelta(days=1), 'en')} and has no figure for {per_en}; "
                f"use the new commune/ward codes: {lst_en}",
            )
        if not u.overlaps(start, end) and u.valid_from is not None and u.level == "commune":
            ds = list(u.former_districts)
            lst = ", ".join(f"{d} ({self.name(d, 'vi', full=True)})" for d in ds)
            lst_en = ", ".join(f"{d} ({self.name(d, 'en', full=True)})" for d in ds)
            vi = (
                f"đơn vị {code} ({u.full_name_vi}) chỉ có từ {fmt.fmt_date(u.valid_from, 'vi')}, không có số "
                f"liệu {per_vi}; số liệu trước ngày này báo cáo theo huyện cũ: {lst}"
            )
            en = (
                f"unit {code} ({u.full_name_en}) exists only from {fmt.fmt_date(u.valid_from, 'en')} and has "
                f"no figure for {per_en}; report figures before that date for the former district: {lst_en}"
            )
            if len(ds) > 1:
                vi += " (xã ghép từ hai huyện cũ: tách số liệu theo xã cũ)"
                en += " (a commune formed from two former districts: split the figures by former commune)"
            return ("error", "unit_not_yet_valid", vi, en)
        vf, vt = u.valid_from, u.valid_to
        span_vi = f"{vf.strftime('%d/%m/%Y') if vf else '…'}–{vt.strftime('%d/%m/%Y') if vt else '…'}"
        span_en = f"{vf.isoformat() if vf else '…'} to {vt.isoformat() if vt else '…'}"
        return (
            "warning",
            "unit_not_valid",
            f"đơn vị chỉ tồn tại {span_vi}, không trọn kỳ báo cáo này: kiểm tra lại địa bàn",
            f"the unit existed only {span_en}, not for the whole reporting period: check the area",
        )


def _load_commune_file(
    path: Path, required: list[str], seen_ids: set[str], district_codes: set[str], new: bool
) -> list[Unit]:
    units = []
    for i, r in _read_csv(path, required):
        _check_unit_row(r, path, i)
        uid, code = r["unit_id"], r["unit_code"]
        if not re.fullmatch(r"\d{5}", code):
            raise UnitsError(f"{path}: row {i}, column 'unit_code': {code!r} is not a five-digit code")
        expected = ("N" if new else "F") + code
        if uid != expected:
            raise UnitsError(f"{path}: row {i}, column 'unit_id': {uid!r} should be {expected!r}")
        if uid in seen_ids:
            raise UnitsError(f"{path}: row {i}, column 'unit_id': duplicate {uid!r}")
        seen_ids.add(uid)
        if r["level"] != "commune":
            raise UnitsError(f"{path}: row {i}, column 'level': {r['level']!r} should be 'commune'")
        vf, vt = _dates(r, path, i)
        if new and (vf != REFORM_DATE or vt is not None):
            raise UnitsError(f"{path}: row {i}, column 'valid_from': a new commune is valid from {REFORM_DATE} on")
        if not new and vt != DISTRICT_END:
            raise UnitsError(f"{path}: row {i}, column 'valid_to': a former commune is valid until {DISTRICT_END}")
        if not new and r["parent"] not in district_codes:
            raise UnitsError(f"{path}: row {i}, column 'parent': {r['parent']!r} is not a district code")
        extra = {}
        if new:
            fds = tuple(x for x in r["former_districts"].split(";") if x)
            bad = [x for x in fds if x not in district_codes]
            if not fds or bad:
                raise UnitsError(
                    f"{path}: row {i}, column 'former_districts': {r['former_districts']!r} "
                    "needs one or more district codes separated by ';'"
                )
            try:
                item = int(r["art1_item"])
            except ValueError:
                raise UnitsError(f"{path}: row {i}, column 'art1_item': {r['art1_item']!r} is not a number") from None
            if r["unchanged"] not in ("0", "1"):
                raise UnitsError(f"{path}: row {i}, column 'unchanged': {r['unchanged']!r} is not 0 or 1")
            extra = {"former_districts": fds, "art1_item": item, "unchanged": r["unchanged"] == "1"}
        else:
            extra = {"name_gso": r.get("name_gso", "")}
        units.append(
            Unit(
                unit_code=code,
                level="commune",
                type=r["type"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                name_ascii=r["name_ascii"],
                full_name_vi=r["full_name_vi"],
                full_name_en=r["full_name_en"],
                valid_from=vf,
                valid_to=vt,
                parent=r["parent"],
                source=r["source"],
                note=r["note"],
                unit_id=uid,
                status=r["status"],
                district_basis=r["district_basis"],
                **extra,
            )
        )
    return units


def _load_crosswalk(path: Path, by_id: dict[str, Unit]) -> pd.DataFrame:
    """Read crosswalk_2025.csv and check it against the unit files: every former commune maps
    exactly once, to a new commune that exists, whose former districts include the former
    unit's district; every new commune receives at least one former unit; the cross_district
    and code_reused flags agree with the units."""
    rows = _read_csv(path, CROSSWALK_COLUMNS)
    former = {u.unit_id for u in by_id.values() if u.level == "commune" and not u.reporting}
    new = {u.unit_id for u in by_id.values() if u.level == "commune" and u.reporting}
    mapped: dict[str, int] = {}
    recs = []
    for i, r in rows:
        o, n = r["old_unit_id"], r["new_unit_id"]
        if o not in former:
            raise UnitsError(f"{path}: row {i}, column 'old_unit_id': {o!r} is not a former commune of {FORMER_FILE}")
        if o in mapped:
            raise UnitsError(
                f"{path}: row {i}, column 'old_unit_id': {o!r} is mapped twice (also row {mapped[o]}); "
                "every former unit maps to exactly one new unit"
            )
        mapped[o] = i
        if n not in new:
            raise UnitsError(f"{path}: row {i}, column 'new_unit_id': {n!r} is not a commune of {COMMUNES_FILE}")
        ou, nu = by_id[o], by_id[n]
        for col, want in (
            ("old_code", ou.unit_code),
            ("new_code", nu.unit_code),
            ("old_name_vi", ou.name_vi),
            ("new_name_vi", nu.name_vi),
            ("former_district", ou.parent),
        ):
            if r[col] != want:
                raise UnitsError(
                    f"{path}: row {i}, column {col!r}: {r[col]!r} disagrees with the unit files ({want!r})"
                )
        if ou.parent not in nu.former_districts:
            raise UnitsError(
                f"{path}: row {i}, column 'former_district': {ou.parent!r} is not among the former "
                f"districts of {n} ({';'.join(nu.former_districts)})"
            )
        cross = r["cross_district"] == "1"
        if cross != (len(nu.former_districts) > 1):
            raise UnitsError(
                f"{path}: row {i}, column 'cross_district': {r['cross_district']!r} disagrees with "
                f"the former districts of {n}"
            )
        # A code is "reused" when the new unit carries the code of a former unit of another name
        # (compared as the old GSO list spells it, ignoring case): never join on the code alone.
        reused = ou.unit_code == nu.unit_code and _fold_keep_marks(ou.name_gso or ou.name_vi) != _fold_keep_marks(
            nu.name_vi
        )
        if (r["code_reused"] == "1") != reused:
            raise UnitsError(
                f"{path}: row {i}, column 'code_reused': {r['code_reused']!r} disagrees with the names "
                f"({ou.name_gso or ou.name_vi} → {nu.name_vi})"
            )
        if r["status"] not in STATUSES:
            raise UnitsError(f"{path}: row {i}, column 'status': {r['status']!r} is not one of {', '.join(STATUSES)}")
        recs.append(
            {
                **{c: r[c] for c in CROSSWALK_COLUMNS},
                "cross_district": cross,
                "code_reused": reused,
                "art1_item": int(r["art1_item"]),
            }
        )
    missing = sorted(former - set(mapped))
    if missing:
        raise UnitsError(f"{path}: former unit(s) not mapped to any new unit: {', '.join(missing)}")
    empty = sorted(new - {r["new_unit_id"] for r in recs})
    if empty:
        raise UnitsError(f"{path}: new unit(s) receiving no former unit: {', '.join(empty)}")
    for r in recs:
        if by_id[r["new_unit_id"]].unchanged and sum(x["new_unit_id"] == r["new_unit_id"] for x in recs) != 1:
            raise UnitsError(f"{path}: {r['new_unit_id']} is marked unchanged but receives several former units")
    return pd.DataFrame(recs, columns=CROSSWALK_COLUMNS)


def _load_district_crosswalk(path: Path, crosswalk: pd.DataFrame, by_id: dict[str, Unit]) -> pd.DataFrame:
    """Read crosswalk_districts_2025.csv and check that it equals the pairs (former district,
    new commune) of the commune crosswalk, and that its unit counts by type agree with the
    former communes."""
    rows = _read_csv(path, DISTRICT_CROSSWALK_COLUMNS)
    recs = [{**r, "cross_district": r["cross_district"] == "1", "art1_item": int(r["art1_item"])} for _, r in rows]
    df = pd.DataFrame(recs, columns=DISTRICT_CROSSWALK_COLUMNS)
    got = set(zip(df["former_district"], df["new_code"]))
    want = set(zip(crosswalk["former_district"], crosswalk["new_code"]))
    if got != want:
        extra = sorted(got - want)
        lack = sorted(want - got)
        raise UnitsError(f"{path}: disagrees with {CROSSWALK_FILE}: pairs only here {extra}, pairs missing {lack}")
    former = [u for u in by_id.values() if u.level == "commune" and not u.reporting]
    for i, r in rows:
        d = r["former_district"]
        mine = [u for u in former if u.parent == d]
        counts = {
            "n_former_units": len(mine),
            "n_former_xa": sum(u.type == "xã" for u in mine),
            "n_former_phuong": sum(u.type == "phường" for u in mine),
            "n_former_thi_tran": sum(u.type == "thị trấn" for u in mine),
        }
        for col, n in counts.items():
            if r[col] != str(n):
                raise UnitsError(f"{path}: row {i}, column {col!r}: {r[col]!r} but {FORMER_FILE} has {n} for {d}")
        nu = by_id["N" + r["new_code"]]
        if r["cross_district"] == "1" and len(nu.former_districts) < 2:
            raise UnitsError(f"{path}: row {i}, column 'cross_district': {r['new_code']} lies in one district")
    return df


def load_units(path: str | Path | None = None) -> Units:
    """Read and validate the unit files (default ``data/reference/``; ``path`` = a units.csv
    whose folder may also hold the commune files — without them only province and districts
    are loaded).

    Output: :class:`Units`. Raises :class:`UnitsError` naming file, row, column and reason for
    a missing column, duplicate code, unknown level/type/parent, a bad date, or a crosswalk
    that does not map every former unit exactly once.
    """
    path = Path(path) if path is not None else paths.reference_dir() / UNITS_FILE
    units: list[Unit] = []
    seen: set[str] = set()
    for i, r in _read_csv(path, COLUMNS):
        r = {k: v for k, v in r.items() if k in COLUMNS}
        code = r["unit_code"]
        if not code:
            raise UnitsError(f"{path}: row {i}, column 'unit_code': empty")
        if code in seen:
            raise UnitsError(f"{path}: row {i}, column 'unit_code': duplicate code {code!r}")
        seen.add(code)
        _check_unit_row(r, path, i)
        if r["level"] == "commune":
            raise UnitsError(f"{path}: row {i}, column 'level': communes belong in {COMMUNES_FILE}")
        vf, vt = _dates(r, path, i)
        tc = _parse_date(r["type_changed_on"], path, i, "type_changed_on")
        units.append(Unit(**{**r, "valid_from": vf, "valid_to": vt, "type_changed_on": tc, "unit_id": code}))
    for i, u in enumerate(units, start=2):
        if u.parent and u.parent not in seen:
            raise UnitsError(f"{path}: row {i}, column 'parent': unknown unit code {u.parent!r}")
    folder = path.parent
    crosswalk = dcw = None
    aliases: list[tuple[str, str]] = []
    if (folder / COMMUNES_FILE).exists():
        districts = {u.unit_code for u in units if u.level == "district"}
        ids = set(seen)
        new = _load_commune_file(folder / COMMUNES_FILE, NEW_COMMUNE_COLUMNS, ids, districts, new=True)
        codes = [u.unit_code for u in new]
        dup = sorted({c for c in codes if codes.count(c) > 1} | (set(codes) & seen))
        if dup:
            raise UnitsError(f"{folder / COMMUNES_FILE}: duplicate reporting code(s) {', '.join(dup)}")
        former = _load_commune_file(folder / FORMER_FILE, FORMER_COLUMNS, ids, districts, new=False)
        units += new + former
        by_id = {u.unit_id: u for u in units}
        crosswalk = _load_crosswalk(folder / CROSSWALK_FILE, by_id)
        dcw = _load_district_crosswalk(folder / DISTRICT_CROSSWALK_FILE, crosswalk, by_id)
        if (folder / ALIASES_FILE).exists():
            for i, r in _read_csv(folder / ALIASES_FILE, ALIAS_COLUMNS):
                if r["unit_id"] not in by_id:
                    raise UnitsError(f"{folder / ALIASES_FILE}: row {i}, column 'unit_id': unknown {r['unit_id']!r}")
                if not r["alias"]:
                    raise UnitsError(f"{folder / ALIASES_FILE}: row {i}, column 'alias': empty")
                aliases.append((r["unit_id"], r["alias"]))
    return Units(units, path, crosswalk, dcw, aliases)


_CACHE: dict[tuple, Units] = {}


def _default() -> Units:
    """The default reference units, loaded once per change of the files (mtime)."""
    folder = paths.reference_dir()
    key = tuple(
        (f, (folder / f).stat().st_mtime_ns if (folder / f).exists() else None)
        for f in (UNITS_FILE, COMMUNES_FILE, FORMER_FILE, CROSSWALK_FILE, DISTRICT_CROSSWALK_FILE, ALIASES_FILE)
    ) + (str(folder),)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = load_units()
    return _CACHE[key]


def find_unit(text, on=None, include_former: bool = True) -> Unit | None:
    """The unit a code or name means (default reference files): ``find_unit('sc')``,
    ``find_unit('Sốp Cộp')`` and ``find_unit('sop cop')`` are huyện Sốp Cộp; with
    ``on='2026-01-01'`` the name is xã Sốp Cộp (04231). None when nothing matches; raises
    :class:`AmbiguousUnitError` when several units fit equally. See :meth:`Units.find`."""
    return _default().find(text, on=on, include_former=include_former)


def units_valid_on(on, reporting_only: bool = False, levels: tuple[str, ...] | None = None) -> list[Unit]:
    """Units valid on date ``on`` (default reference files); see :meth:`Units.valid_on`."""
    return _default().valid_on(on, reporting_only=reporting_only, levels=levels)


def units_for_period(year: int, period: str = "FY", rule: str = "overlap", reporting_only: bool = True) -> list[Unit]:
    """Reporting units for ``year``/``period`` (default reference files): 2026 → the
    province and the 75 communes. See :meth:`Units.for_period`."""
    return _default().for_period(year, period, rule=rule, reporting_only=reporting_only)
