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
The records and checks live in ``unit_model``, the :class:`Units` index in ``unit_index`` and
the readers of the commune and crosswalk files in ``unit_files``; their public names are
re-exported here.
"""

from __future__ import annotations

from pathlib import Path

from me_utils.core import filecache, paths
from me_utils.reference.unit_files import load_commune_file, load_crosswalk, load_district_crosswalk
from me_utils.reference.unit_index import Units
from me_utils.reference.unit_model import (  # noqa: F401 (re-exported)
    ALIAS_COLUMNS,
    ALIASES_FILE,
    COLUMNS,
    COMMUNE_COLUMNS,
    COMMUNES_FILE,
    CROSSWALK_COLUMNS,
    CROSSWALK_FILE,
    DISTRICT_BASES,
    DISTRICT_CROSSWALK_COLUMNS,
    DISTRICT_CROSSWALK_FILE,
    DISTRICT_END,
    EN_SUFFIXES,
    FORMER_COLUMNS,
    FORMER_FILE,
    LEVELS,
    NEW_COMMUNE_COLUMNS,
    PREFIXES,
    REFORM_DATE,
    STATUSES,
    TYPE_EN,
    TYPES,
    UNITS_FILE,
    AmbiguousUnitError,
    Unit,
    UnitsError,
    as_date,
    check_unit_row,
    fold_keep_marks,
    normalise,
    parse_date,
    period_span,
    rank_key,
    read_csv,
    row_dates,
)


def load_units(path: str | Path | None = None) -> Units:
    """The units of ``data/reference/`` (``path=None``: read once, re-read when one of the files
    changes — callers must not modify the result) or of the units.csv at ``path`` (read every
    call). See :func:`read_units` for the checks and errors.
    """
    if path is None:
        return _default()
    return read_units(path)


def read_units(path: str | Path | None = None) -> Units:
    """Read and validate the unit files (default ``data/reference/``; ``path`` = a units.csv
    whose folder may also hold the commune files — without them only province and districts
    are loaded), uncached.

    Output: :class:`Units`. Raises :class:`UnitsError` naming file, row, column and reason for
    a missing column, duplicate code, unknown level/type/parent, a bad date, or a crosswalk
    that does not map every former unit exactly once.
    """
    path = Path(path) if path is not None else paths.reference_dir() / UNITS_FILE
    units: list[Unit] = []
    seen: set[str] = set()
    for i, r in read_csv(path, COLUMNS):
        r = {k: v for k, v in r.items() if k in COLUMNS}
        code = r["unit_code"]
        if not code:
            raise UnitsError(f"{path}: row {i}, column 'unit_code': empty")
        if code in seen:
            raise UnitsError(f"{path}: row {i}, column 'unit_code': duplicate code {code!r}")
        seen.add(code)
        check_unit_row(r, path, i)
        if r["level"] == "commune":
            raise UnitsError(f"{path}: row {i}, column 'level': communes belong in {COMMUNES_FILE}")
        vf, vt = row_dates(r, path, i)
        tc = parse_date(r["type_changed_on"], path, i, "type_changed_on")
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
        new = load_commune_file(folder / COMMUNES_FILE, NEW_COMMUNE_COLUMNS, ids, districts, new=True)
        codes = [u.unit_code for u in new]
        dup = sorted({c for c in codes if codes.count(c) > 1} | (set(codes) & seen))
        if dup:
            raise UnitsError(f"{folder / COMMUNES_FILE}: duplicate reporting code(s) {', '.join(dup)}")
        former = load_commune_file(folder / FORMER_FILE, FORMER_COLUMNS, ids, districts, new=False)
        units += new + former
        by_id = {u.unit_id: u for u in units}
        crosswalk = load_crosswalk(folder / CROSSWALK_FILE, by_id)
        dcw = load_district_crosswalk(folder / DISTRICT_CROSSWALK_FILE, crosswalk, by_id)
        if (folder / ALIASES_FILE).exists():
            for i, r in read_csv(folder / ALIASES_FILE, ALIAS_COLUMNS):
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
        (f, filecache.stamp(folder / f))
        for f in (UNITS_FILE, COMMUNES_FILE, FORMER_FILE, CROSSWALK_FILE, DISTRICT_CROSSWALK_FILE, ALIASES_FILE)
    ) + (str(folder),)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = read_units()
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
