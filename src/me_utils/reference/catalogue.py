"""The indicator catalogue: ``data/reference/indicators.yaml`` plus province overrides.

``load_catalogue()`` reads and validates the catalogue, merges Son La's own targets from
``data/reference/province_overrides.yaml`` and returns a :class:`Catalogue` of frozen
:class:`Indicator` records (see docs/CONTRACTS.md). A broken file raises
:class:`CatalogueError` whose message names the file, the entry (indicator code) and the field
of every problem found, so a reviewer can fix the YAML without reading a traceback.

``me catalogue check [--file F] [--overrides O]`` and ``me catalogue list`` expose the same
checks on the command line.

Assumptions (shown in reports through ``Indicator.target_basis``):
- National targets apply unless an override names the indicator; an override replaces the
  national target of the year(s) it gives and must say why and on what authority.
- Values are in the indicator's own unit: percent as 0–100, rates per ``scale`` population.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from me_utils.core import fmt, paths
from me_utils.core.labels import label
from me_utils.reference import plan as _plan
from me_utils.reference.catalogue_check import (  # noqa: F401 (re-exported)
    ALLOWED_KEYS,
    BASELINE_KEYS,
    BASELINE_SCOPES,
    CATALOGUE_FILE,
    COMPARATORS,
    DEPARTMENT_BASES,
    DEPARTMENTS,
    DIRECTIONS,
    FRAMEWORKS,
    KINDS,
    OPTIONAL_KEYS,
    OVERRIDE_KEYS,
    OVERRIDE_KEYS_REQUIRED,
    OVERRIDE_TOP_KEYS,
    OVERRIDES_FILE,
    PERIODICITIES,
    REQUIRED_KEYS,
    SCALES,
    SOURCE_KEYS,
    TARGET_YEARS,
    TOP_KEYS,
    VERIFICATION_LABEL_KEYS,
    VERIFICATION_TAGS,
    VERIFIED_TAGS,
    CatalogueError,
    Checker,
    is_number,
    range_problem,
    read_yaml,
    validate_entry,
)


@dataclass(frozen=True)
class Baseline:
    """A baseline value in the indicator's own unit, its year, geographic scope and source."""

    value: float
    year: int
    scope: str
    source: str
    url: str = ""
    note: str = ""
    note_vi: str = ""


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry. Targets are in the indicator's own unit (percent as 0–100).

    ``target_2025``/``target_2030`` are the national (framework) targets; ``applied_target_*``
    the ones that apply in Son La after province overrides, and ``target_basis`` says which
    and why (``"national: 28/NQ-CP"`` or ``"province override: <reason> (<source>)"``).
    Comparators keep the target's wording: ``">"`` for "trên 90%", ``"~"`` for "khoảng 99%".
    """

    code: str
    name_vi: str
    name_en: str
    framework: str
    objective: str
    unit: str
    kind: str
    scale: int
    direction: str
    target_2025: float | None
    target_2030: float | None
    department: str
    periodicity: str
    source: str
    verified: bool
    verification: str
    unit_en: str = ""
    wording_vi: str = ""
    numerator: str = ""
    denominator: str = ""
    baseline: Baseline | None = None
    target_2025_comparator: str | None = None
    target_2030_comparator: str | None = None
    target_note_vi: str = ""
    target_note_en: str = ""
    co_departments: tuple[str, ...] = ()
    department_basis: str = "plan_123"
    periodicity_note: str = ""
    source_url: str = ""
    numbering_verified: bool = True
    related: tuple[str, ...] = ()
    note_vi: str = ""
    note_en: str = ""
    applied_target_2025: float | None = None
    applied_target_2030: float | None = None
    applied_comparator_2025: str | None = None
    applied_comparator_2030: str | None = None
    target_basis: str = ""
    target_basis_vi: str = ""
    overridden: bool = False

    def target(self, year: int) -> float | None:
        """Applicable (override-aware) target for 2025 or 2030; None when there is none.

        Raises ValueError for any other year: the frameworks only fix 2025 and 2030.
        """
        if int(year) == 2025:
            return self.applied_target_2025
        if int(year) == 2030:
            return self.applied_target_2030
        raise ValueError(f"{self.code}: targets exist only for {TARGET_YEARS}, not {year}")

    def comparator(self, year: int) -> str | None:
        """Comparator of the applicable target of ``year`` (``'>='``, ``'<'``, ``'~'``…)."""
        self.target(year)  # validates the year
        return self.applied_comparator_2025 if int(year) == 2025 else self.applied_comparator_2030

    def meets_target(self, value: float | None, year: int, tolerance: float = 0.0) -> bool | None:
        """Does ``value`` (own unit) meet the applicable target of ``year``?

        Returns None when there is no target or no value. The comparator decides; when it is
        missing or ``"~"``/``"="`` the direction decides: increase/reach → value ≥ target,
        decrease/cap → value ≤ target (``"="`` for a binary milestone means equality).
        ``tolerance`` (own unit) absorbs rounding of published figures.
        """
        t = self.target(year)
        if t is None or value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        v = float(value)
        op = self.comparator(year)
        if op == ">":
            return v > t - tolerance
        if op == "<":
            return v < t + tolerance
        if op == "=" and self.kind == "binary":
            return abs(v - t) <= tolerance
        if op == ">=" or (op in (None, "~", "=") and self.direction in ("increase", "reach")):
            return v >= t - tolerance
        return v <= t + tolerance

    def target_text(self, year: int, lang: str = "vi", decimals: int | None = None) -> str:
        """The applicable target as report text, e.g. ``'≥ 60%'``, ``'≤ 111'``, ``'khoảng 99%'``.

        Uses :mod:`me_utils.core.fmt` for the number (decimal comma in Vietnamese). Returns the
        missing-value dash when there is no target.
        """
        t = self.target(year)
        if t is None:
            return fmt.MISSING
        if self.kind == "binary":
            return fmt.pick(lang, "đạt (có)", "in place (yes)") if t >= 1 else fmt.pick(lang, "không", "no")
        if decimals is None:
            decimals = 0 if float(t).is_integer() else len(repr(float(t)).split(".")[1].rstrip("0"))
        num = fmt.fmt_number(t, decimals, lang)
        if self.kind == "proportion" or (self.scale == 100 and self.kind != "ratio") or self.unit.startswith("%"):
            num += "%"
        op = self.comparator(year)
        prefix = {
            ">=": "≥ ",
            ">": "> ",
            "<=": "≤ ",
            "<": "< ",
            "=": "",
            "~": fmt.pick(lang, "khoảng ", "about "),
        }.get(op or "", "")
        return prefix + num

    def flag(self, lang: str = "vi") -> str:
        """Visible verification flag for reports: ``''`` when verified, else the warning and
        what the verification tag means, both from the label catalogue
        (``'⚠ chưa kiểm chứng: không tìm thấy nguồn'``). The internal tag itself
        (``UNVERIFIED``, ``VERIFIED-VI (news)``…) never reaches the text."""
        if self.verified:
            return ""
        head = label("verification_flag", lang)
        key = VERIFICATION_LABEL_KEYS.get(self.verification)
        return f"{head}: {label(key, lang)}" if key else head

    def name(self, lang: str = "vi") -> str:
        return fmt.pick(lang, self.name_vi, self.name_en)


@dataclass
class Catalogue:
    """The loaded catalogue: ``indicators`` (code → Indicator, file order), framework and
    objective metadata, and the files it came from."""

    indicators: dict[str, Indicator]
    frameworks: dict[str, dict] = field(default_factory=dict)
    objectives: dict[str, dict] = field(default_factory=dict)
    path: Path | None = None
    overrides_path: Path | None = None

    def __getitem__(self, code: str) -> Indicator:
        try:
            return self.indicators[code]
        except KeyError:
            raise KeyError(f"unknown indicator code {code!r}; see {self.path}") from None

    def __contains__(self, code: object) -> bool:
        return code in self.indicators

    def __iter__(self):
        return iter(self.indicators.values())

    def __len__(self) -> int:
        return len(self.indicators)

    def codes(self) -> list[str]:
        return list(self.indicators)

    def objective_name(self, objective: str, lang: str = "vi") -> str:
        """Display name of an objective/programme code (``M3``, ``G``…); the code if unknown."""
        meta = self.objectives.get(objective) or {}
        return meta.get(f"name_{fmt.check_lang(lang)}", objective)

    def objective_order(self) -> list[str]:
        """Objective/programme codes in reporting order."""
        seen = list(dict.fromkeys(i.objective for i in self))
        return sorted(seen, key=lambda o: (self.objectives.get(o, {}).get("order", 99), seen.index(o)))

    def frame(self) -> pd.DataFrame:
        """One row per indicator (file order) with every field; baseline flattened into
        ``baseline_value/_year/_scope/_source``; ``objective_name_vi/_en``; ``co_departments``
        and ``related`` joined with
        ``", "``. Targets are floats (NaN when absent)."""
        rows = []
        for ind in self:
            d = asdict(ind)
            b = d.pop("baseline")
            for k in ("value", "year", "scope", "source"):
                d[f"baseline_{k}"] = None if b is None else b[k]
            d["objective_name_vi"] = self.objective_name(ind.objective, "vi")
            d["objective_name_en"] = self.objective_name(ind.objective, "en")
            d["co_departments"] = ", ".join(ind.co_departments)
            d["related"] = ", ".join(ind.related)
            rows.append(d)
        df = pd.DataFrame(rows)
        for c in ("target_2025", "target_2030", "applied_target_2025", "applied_target_2030", "baseline_value"):
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        df["baseline_year"] = df["baseline_year"].astype("Int64")
        return df


def _build(raw: dict, frameworks: dict) -> Indicator:
    b = raw.get("baseline")
    baseline = (
        None
        if b is None
        else Baseline(
            value=float(b["value"]),
            year=int(b["year"]),
            scope=b["scope"],
            source=str(b["source"]),
            url=str(b.get("url") or ""),
            note=str(b.get("note") or ""),
            note_vi=str(b.get("note_vi") or b.get("note") or ""),
        )
    )
    t25, t30 = raw.get("target_2025"), raw.get("target_2030")
    fw = raw["framework"]
    return Indicator(
        code=raw["code"],
        name_vi=raw["name_vi"].strip(),
        name_en=raw["name_en"].strip(),
        framework=fw,
        objective=raw["objective"],
        unit=raw["unit"],
        kind=raw["kind"],
        scale=int(raw["scale"]),
        direction=raw["direction"],
        target_2025=None if t25 is None else float(t25),
        target_2030=None if t30 is None else float(t30),
        department=raw["department"],
        periodicity=raw["periodicity"],
        source=str(raw["source"]["document"]).strip(),
        source_url=str(raw["source"].get("url") or ""),
        verified=bool(raw["verified"]),
        verification=raw["verification"],
        unit_en=str(raw.get("unit_en") or ""),
        wording_vi=str(raw.get("wording_vi") or ""),
        numerator=str(raw.get("numerator") or ""),
        denominator=str(raw.get("denominator") or ""),
        baseline=baseline,
        target_2025_comparator=raw.get("target_2025_comparator"),
        target_2030_comparator=raw.get("target_2030_comparator"),
        target_note_vi=str(raw.get("target_note_vi") or ""),
        target_note_en=str(raw.get("target_note_en") or ""),
        co_departments=tuple(raw.get("co_departments") or ()),
        department_basis=raw.get("department_basis", "plan_123"),
        periodicity_note=str(raw.get("periodicity_note") or ""),
        numbering_verified=bool(raw.get("numbering_verified", True)),
        related=tuple(raw.get("related") or ()),
        note_vi=str(raw.get("note_vi") or ""),
        note_en=str(raw.get("note_en") or ""),
        applied_target_2025=None if t25 is None else float(t25),
        applied_target_2030=None if t30 is None else float(t30),
        applied_comparator_2025=raw.get("target_2025_comparator"),
        applied_comparator_2030=raw.get("target_2030_comparator"),
        target_basis=f"national: {fw}",
        target_basis_vi=f"quốc gia: {fw}",
    )


def _apply_overrides(indicators: dict[str, Indicator], path: Path) -> None:
    """Validate the overrides file and replace the applied targets in ``indicators``."""
    import dataclasses

    data = read_yaml(path)
    chk = Checker(str(path))
    if data is None:
        return
    if not isinstance(data, dict):
        chk.add("-", "-", "the file must be a mapping with 'overrides: [...]'")
        chk.raise_if_any()
    for k in data:
        if k not in OVERRIDE_TOP_KEYS:
            chk.add("-", str(k), "unknown top-level key (allowed: " + ", ".join(sorted(OVERRIDE_TOP_KEYS)) + ")")
    items = data.get("overrides") or []
    if not isinstance(items, list):
        chk.add("-", "overrides", "must be a list")
        chk.raise_if_any()
    seen: set[str] = set()
    valid: list[dict] = []
    for i, o in enumerate(items):
        if not isinstance(o, dict):
            chk.add(f"#{i + 1}", "-", "an override must be a mapping")
            continue
        code = o.get("code")
        entry = code if isinstance(code, str) and code else f"#{i + 1}"
        n_before = len(chk.problems)
        for k in o:
            if k not in OVERRIDE_KEYS:
                chk.add(entry, str(k), "unknown key (allowed: " + ", ".join(sorted(OVERRIDE_KEYS)) + ")")
        for k in OVERRIDE_KEYS_REQUIRED:
            if k not in o or o[k] is None or (isinstance(o[k], str) and not o[k].strip()):
                chk.add(entry, k, "missing required field")
        if code is not None and code not in indicators:
            chk.add(entry, "code", f"unknown indicator code {code!r} (not in the catalogue)")
        if code in seen:
            chk.add(entry, "code", "duplicate override for this code")
        seen.add(code)
        if o.get("target_2025") is None and o.get("target_2030") is None:
            chk.add(entry, "target_2025", "an override must give target_2025 and/or target_2030")
        ind = indicators.get(code)
        for year in TARGET_YEARS:
            k = f"target_{year}"
            v = o.get(k)
            if v is None:
                continue
            if not is_number(v):
                chk.add(entry, k, f"{v!r} is not a number")
            elif ind is not None and (why := range_problem(v, ind.kind, ind.scale)):
                chk.add(entry, k, f"{v!r} is outside the unit's range: {why}")
            ck = f"target_{year}_comparator"
            if o.get(ck) is not None and o[ck] not in COMPARATORS:
                chk.add(entry, ck, f"{o[ck]!r} is not one of {', '.join(COMPARATORS)}")
        if len(chk.problems) == n_before:
            valid.append(o)
    chk.raise_if_any()
    for o in valid:
        ind = indicators[o["code"]]
        changes: dict[str, Any] = {"overridden": True}
        years = []
        for year in TARGET_YEARS:
            if o.get(f"target_{year}") is not None:
                years.append(str(year))
                changes[f"applied_target_{year}"] = float(o[f"target_{year}"])
                changes[f"applied_comparator_{year}"] = o.get(
                    f"target_{year}_comparator", getattr(ind, f"target_{year}_comparator")
                )
        which = "/".join(years)
        src = str(o["source"]).strip()
        basis_en = f"province override ({which}): {o['reason_en'].strip()} ({src})"
        basis_vi = f"tỉnh điều chỉnh ({which}): {o['reason_vi'].strip()} ({src})"
        if len(years) < len(TARGET_YEARS):
            other = next(y for y in map(str, TARGET_YEARS) if y not in years)
            basis_en += f"; national ({other}): {ind.framework}"
            basis_vi += f"; quốc gia ({other}): {ind.framework}"
        changes["target_basis"] = basis_en
        changes["target_basis_vi"] = basis_vi
        indicators[o["code"]] = dataclasses.replace(ind, **changes)


def load_catalogue(path: str | Path | None = None, overrides: str | Path | None | bool = None) -> Catalogue:
    """Load, validate and return the indicator catalogue.

    Inputs: ``path`` of the catalogue YAML (default ``data/reference/indicators.yaml``);
    ``overrides``: a province-overrides YAML path, ``False`` for none, or None for the default
    ``data/reference/province_overrides.yaml`` — used only when ``path`` is also the default,
    so a test catalogue is never mixed with the real overrides.
    Output: :class:`Catalogue`. Raises :class:`CatalogueError` naming file, entry and field
    of every problem (unknown key, bad kind/direction/periodicity, target outside the unit's
    range, duplicate code, missing field, override of an unknown code…).
    """
    default = path is None
    path = Path(path) if path is not None else paths.reference_dir() / CATALOGUE_FILE
    if overrides is None:
        ov_path = paths.reference_dir() / OVERRIDES_FILE if default else None
        if ov_path is not None and not ov_path.exists():
            ov_path = None
    elif overrides is False:
        ov_path = None
    else:
        ov_path = Path(overrides)
    ov_stamp = _stamp(ov_path) if ov_path is not None else "none"
    # The default catalogue takes its departments from the plan files: their state is part
    # of the cache key so an edited plan reloads the catalogue.
    key = (_stamp(path), ov_stamp, _plan.files_stamp(_plan.plan_dir()) if default else "no plan")
    cacheable = None not in key  # a missing file is never cached: it must raise every time
    if cacheable and key in _CACHE:
        # Many modules load the catalogue; unchanged files give the same result. A fresh
        # Catalogue with its own dict is returned so a caller cannot alter another's copy.
        c = _CACHE[key]
        return Catalogue(
            indicators=dict(c.indicators),
            frameworks=dict(c.frameworks),
            objectives=dict(c.objectives),
            path=c.path,
            overrides_path=c.overrides_path,
        )
    cat = _load_uncached(path, ov_path)
    if default:
        _apply_plan(cat.indicators)
    if cacheable:
        _CACHE.clear()
        _CACHE[key] = cat
        return Catalogue(
            indicators=dict(cat.indicators),
            frameworks=dict(cat.frameworks),
            objectives=dict(cat.objectives),
            path=cat.path,
            overrides_path=cat.overrides_path,
        )
    return cat


_CACHE: dict = {}


def _stamp(p: Path | None):
    """(resolved path, mtime_ns, size) of a file, or None when it cannot be stat-ed."""
    try:
        st = Path(p).stat()
    except (OSError, TypeError):
        return None
    return (str(Path(p).resolve()), st.st_mtime_ns, st.st_size)


def _load_uncached(path: Path, ov_path: Path | None) -> Catalogue:
    data = read_yaml(path)
    chk = Checker(str(path))
    if not isinstance(data, dict) or "indicators" not in data:
        chk.add("-", "indicators", "the file must be a mapping with an 'indicators' list")
        chk.raise_if_any()
    for k in data:
        if k not in TOP_KEYS:
            chk.add("-", str(k), "unknown top-level key (allowed: " + ", ".join(sorted(TOP_KEYS)) + ")")
    frameworks = data.get("frameworks") or {}
    objectives = data.get("objectives") or {}
    if not isinstance(objectives, dict):
        chk.add("-", "objectives", "must be a mapping of objective code to names")
        objectives = {}
    for ob, meta in objectives.items():
        if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) for k in ("name_vi", "name_en")):
            chk.add(f"objective {ob}", "name_vi", "an objective needs name_vi and name_en")
    items = data["indicators"]
    if not isinstance(items, list) or not items:
        chk.add("-", "indicators", "must be a non-empty list")
        chk.raise_if_any()
    seen: dict[str, int] = {}
    usable: list[dict] = []
    for i, raw in enumerate(items):
        n_before = len(chk.problems)
        code = validate_entry(chk, i, raw, objectives)
        if code is not None:
            if code in seen:
                chk.add(code, "code", f"duplicate code (entries #{seen[code] + 1} and #{i + 1})")
            else:
                seen[code] = i
        if len(chk.problems) == n_before:
            usable.append(raw)
    for raw in usable:
        for r in raw.get("related") or []:
            if r not in seen:
                chk.add(raw["code"], "related", f"{r!r} is not a code in the catalogue")
    chk.raise_if_any()
    indicators = {raw["code"]: _build(raw, frameworks) for raw in usable}
    if ov_path is not None:
        _apply_overrides(indicators, ov_path)
    return Catalogue(
        indicators=indicators, frameworks=frameworks, objectives=objectives, path=path, overrides_path=ov_path
    )


def _apply_plan(indicators: dict[str, Indicator]) -> None:
    """Set ``department``, ``co_departments`` and ``department_basis`` of every indicator the
    plan assigns from its current (open-ended) assignment rows: the plan files, not the
    catalogue YAML, say who reports what. Earlier periods' bodies are asked of the plan
    (:meth:`me_utils.reference.plan.Plan.lead_body`)."""
    import dataclasses

    p = _plan.load_plan()
    for code, ind in list(indicators.items()):
        lead, co, basis = p.current_assignment(code)
        if lead is None:
            continue
        indicators[code] = dataclasses.replace(
            ind,
            department=lead,
            co_departments=tuple(c for c in co if c != lead),
            department_basis="suggested" if basis == "suggested" else "plan_123",
        )


def department_name(code: str, lang: str = "vi") -> str:
    """Full name of a department code (plan 123 section IV); the code itself if unknown."""
    vi, en = DEPARTMENTS.get(code, (code, code))
    return fmt.pick(lang, vi, en)


# --------------------------------------------------------------------------- CLI


def cli(argv: list[str]) -> int:
    """``me catalogue check [--file F] [--overrides O]`` / ``me catalogue list [--lang L]``.

    ``check`` prints a one-line summary and exits 0, or prints every problem (file, entry,
    field, reason) to stderr and exits 1. ``list`` prints code, department, targets and flag.
    """
    ap = argparse.ArgumentParser(prog="me catalogue", description="check and list the indicator catalogue")
    sub = ap.add_subparsers(dest="action", required=True)
    for name in ("check", "list"):
        p = sub.add_parser(name)
        p.add_argument("--file", help="catalogue YAML (default data/reference/indicators.yaml)")
        p.add_argument("--overrides", help="province overrides YAML (default data/reference/province_overrides.yaml)")
        p.add_argument("--lang", default="vi", choices=list(fmt.LANGS))
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    try:
        cat = load_catalogue(args.file, overrides=args.overrides)
    except CatalogueError as e:
        print(f"catalogue check FAILED\n{e}", file=sys.stderr)
        return 1
    if args.action == "check":
        n_unv = sum(not i.verified for i in cat)
        n_ov = sum(i.overridden for i in cat)
        print(
            f"catalogue OK: {cat.path} — {len(cat)} indicators, {n_unv} not verified, "
            f"{n_ov} province override(s)" + (f" from {cat.overrides_path}" if cat.overrides_path else "")
        )
        return 0
    for ind in cat:
        print(
            "\t".join(
                [
                    ind.code,
                    ind.department,
                    ind.target_text(2025, args.lang),
                    ind.target_text(2030, args.lang),
                    ind.flag(args.lang) or "✓",
                    ind.name(args.lang),
                ]
            )
        )
    return 0
