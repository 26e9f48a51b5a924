"""The :class:`Units` index: units by code, id and date; reporting units of a period; name and
code matching (:meth:`Units.find`, :meth:`Units.match`); the 2025 crosswalk queries
(successors, predecessors) and the series notes shown where a unit starts, ends or changes
status. Built by :func:`me_utils.reference.units.load_units`.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from pathlib import Path

import pandas as pd

from me_utils.core import fmt
from me_utils.reference.unit_model import (
    COLUMNS,
    CROSSWALK_COLUMNS,
    DISTRICT_CROSSWALK_COLUMNS,
    EN_SUFFIXES,
    PREFIXES,
    TYPE_EN,
    AmbiguousUnitError,
    Unit,
    as_date,
    fold_keep_marks,
    normalise,
    period_span,
    rank_key,
)


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
                key = fold_keep_marks(k)
                if key.split(" ", 1)[0] in ("tỉnh", "tinh"):
                    self._add_alias(key.split(" ", 1)[1], p.unit_id)

    def _add_alias(self, text: str, uid: str) -> None:
        for table, key in ((self._marked, fold_keep_marks(text)), (self._ascii, normalise(text))):
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
        on = as_date(on)
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
        on = as_date(on)
        return [u.unit_code for u in ds if u.valid_on(on)]

    def communes(self, on: str | _dt.date | None = None, former_district: str | None = None) -> list[str]:
        """Codes of the commune-level reporting units (the 75 from 2025-07-01), resolution
        order; ``on`` filters by date (empty before 2025-07-01); ``former_district`` keeps the
        communes that took in at least one unit of that former district."""
        cs = [u for u in self._units.values() if u.level == "commune"]
        if on is not None:
            on = as_date(on)
            cs = [u for u in cs if u.valid_on(on)]
        if former_district is not None:
            cs = [u for u in cs if former_district in u.former_districts]
        return [u.unit_code for u in cs]

    def valid_on(self, on, reporting_only: bool = False, levels: tuple[str, ...] | None = None) -> list[Unit]:
        """Units valid on date ``on``: on 2026-01-01 the province and the 75 communes; on
        2024-01-01 the province, 12 districts and 200 former communes (``reporting_only=True``:
        province and districts only)."""
        on = as_date(on)
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
        on = as_date(on)
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
        marked, plain = fold_keep_marks(raw), normalise(raw)
        words = plain.split()
        types: tuple[str, ...] | None = None
        core_m, core_p = marked, plain
        if len(words) > 1 and words[-1] in EN_SUFFIXES:
            types = EN_SUFFIXES[words[-1]]
            core_p = " ".join(words[:-1])
            core_m = " ".join(marked.split()[:-1])
        else:
            for prefixes, ts in PREFIXES:
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
        return sorted(us, key=rank_key)

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
        best = [u for u in us if rank_key(u) == rank_key(us[0])]
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
        for vi, en in TYPE_EN.items():
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
