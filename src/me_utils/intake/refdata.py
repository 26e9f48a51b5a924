"""Reference data validation needs (indicator catalogue and unit list), loaded once."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd

from me_utils.intake.cells import fold
from me_utils.reference import units as units_mod
from me_utils.reference.catalogue import load_catalogue


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
