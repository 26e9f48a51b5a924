"""Checks of the indicator catalogue: its allowed values and keys, :class:`CatalogueError`, the
YAML reader and the validation of one indicator entry (names the file, entry and field of
every problem). Used by :mod:`me_utils.reference.catalogue` when loading.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from me_utils.core import errors as _errors
from me_utils.core.labels import LABELS
from me_utils.reference import plan as _plan

CATALOGUE_FILE = "indicators.yaml"
OVERRIDES_FILE = "province_overrides.yaml"

FRAMEWORKS = ("28/NQ-CP", "2232/QĐ-TTg", "2282/QĐ-TTg", "1790/QĐ-TTg", "45/QĐ-TTg")
KINDS = ("proportion", "rate", "count", "ratio", "binary")
DIRECTIONS = ("increase", "decrease", "reach", "cap")
PERIODICITIES = ("annual", "half-year", "term", "survey")
#: Reporting bodies ``{code: (name vi, name en)}``: a live view of
#: ``data/reference/plan/bodies.yaml`` (:mod:`me_utils.reference.plan`), so a body added there is known
#: everywhere without a code change.
DEPARTMENTS = _plan.DepartmentsView()
DEPARTMENT_BASES = {
    "plan_123": ("Kế hoạch 123/KH-UBND, mục IV", "plan 123/KH-UBND, section IV"),
    "suggested": ("đề xuất (không có trong Kế hoạch 123)", "suggested (not in plan 123)"),
}
COMPARATORS = (">=", ">", "<=", "<", "=", "~")
# Tags of the reference notes. Only these two mean "number and wording seen in the source
# text itself": news paraphrases, English-only reports and partial rows stay flagged.
VERIFIED_TAGS = ("VERIFIED", "VERIFIED-VI (guidance)")
VERIFICATION_TAGS = VERIFIED_TAGS + ("VERIFIED-EN", "VERIFIED-VI (news)", "PARTIAL", "UNVERIFIED")
SCALES = (1, 100, 1000, 100000)
TARGET_YEARS = (2025, 2030)

REQUIRED_KEYS = (
    "code",
    "name_vi",
    "name_en",
    "framework",
    "objective",
    "unit",
    "kind",
    "scale",
    "direction",
    "target_2025",
    "target_2030",
    "department",
    "periodicity",
    "source",
    "verified",
    "verification",
)
OPTIONAL_KEYS = (
    "unit_en",
    "wording_vi",
    "numerator",
    "denominator",
    "baseline",
    "target_2025_comparator",
    "target_2030_comparator",
    "target_note_vi",
    "target_note_en",
    "co_departments",
    "department_basis",
    "periodicity_note",
    "numbering_verified",
    "related",
    "note_vi",
    "note_en",
)
ALLOWED_KEYS = frozenset(REQUIRED_KEYS + OPTIONAL_KEYS)
BASELINE_KEYS = frozenset(("value", "year", "scope", "source", "url", "note", "note_vi"))
BASELINE_SCOPES = ("national", "province", "district")
SOURCE_KEYS = frozenset(("document", "url"))
TOP_KEYS = frozenset(("schema_version", "frameworks", "objectives", "indicators"))
OVERRIDE_KEYS_REQUIRED = ("code", "reason_vi", "reason_en", "source")
OVERRIDE_KEYS = frozenset(
    OVERRIDE_KEYS_REQUIRED
    + (
        "target_2025",
        "target_2030",
        "target_2025_comparator",
        "target_2030_comparator",
        "decided",
    )
)
OVERRIDE_TOP_KEYS = frozenset(("schema_version", "province", "overrides"))

# The flag and the meaning of each non-verified tag are labels (me_utils.core.labels): the
# reviewer reads words from the label catalogue, never the reference's internal tag.
UNVERIFIED_FLAG_VI, UNVERIFIED_FLAG_EN = LABELS["verification_flag"]
#: Label key of what each non-verified tag means.
VERIFICATION_LABEL_KEYS = {
    "VERIFIED-VI (news)": "verification_news",
    "VERIFIED-EN": "verification_en_only",
    "PARTIAL": "verification_partial",
    "UNVERIFIED": "verification_no_source",
}
# What each non-verified tag means, for the flag a reviewer reads (vi, en).
TAG_MEANING = {tag: LABELS[key] for tag, key in VERIFICATION_LABEL_KEYS.items()}


class CatalogueError(_errors.ReferenceDataError, ValueError):
    """A catalogue or overrides file is broken.

    ``problems`` is a list of ``(file, entry, field, reason)``; the message lists them all,
    one per line, e.g. ``indicators.yaml: entry 'M1.C1', field 'direction': 'up' is not one
    of increase, decrease, reach, cap``.
    """

    def __init__(self, problems: list[tuple[str, str, str, str]]):
        self.problems = list(problems)
        lines = [f"{f}: entry {e!r}, field {fl!r}: {r}" for f, e, fl, r in self.problems]
        head = f"{len(lines)} problem(s) in the indicator catalogue:" if len(lines) > 1 else ""
        super().__init__("\n".join(([head] if head else []) + lines))


# --------------------------------------------------------------------------- validation


def is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(float(x))


def range_problem(value, kind: str, scale) -> str | None:
    """Reason why ``value`` cannot be a value of this kind/scale, or None when it can."""
    if kind == "binary":
        return None if value in (0, 1) else "must be 0 or 1 for a binary indicator"
    if kind == "proportion":
        hi = scale if is_number(scale) else 100
        return None if 0 <= value <= hi else f"must be between 0 and {hi:g} for a proportion with scale {hi:g}"
    if kind in ("rate", "count"):
        return None if value >= 0 else f"must not be negative for a {kind}"
    if kind == "ratio":
        return None if value > 0 else "must be positive for a ratio"
    return None


class Checker:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[tuple[str, str, str, str]] = []

    def add(self, entry: str, fld: str, reason: str) -> None:
        self.problems.append((self.file, entry, fld, reason))

    def raise_if_any(self) -> None:
        if self.problems:
            raise CatalogueError(self.problems)


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogueError([(str(path), "-", "-", "file not found")]) from None
    except UnicodeDecodeError as e:
        raise CatalogueError([(str(path), "-", "-", f"not UTF-8 text ({e.reason} at byte {e.start})")]) from None
    try:
        # The C loader parses the catalogue about 8x faster than the pure-Python one, with the
        # same safe semantics; fall back when libyaml is missing.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
        reason = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise CatalogueError([(str(path), where, "-", f"invalid YAML: {reason}")]) from None


def validate_entry(chk: Checker, i: int, raw: Any, objectives: dict) -> str | None:
    """Validate one indicator mapping; returns its code (or None when unusable)."""
    if not isinstance(raw, dict):
        chk.add(f"#{i + 1}", "-", f"an indicator must be a mapping, got {type(raw).__name__}")
        return None
    code = raw.get("code")
    entry = code if isinstance(code, str) and code else f"#{i + 1}"
    for k in raw:
        if k not in ALLOWED_KEYS:
            chk.add(entry, str(k), "unknown key (allowed: " + ", ".join(sorted(ALLOWED_KEYS)) + ")")
    for k in REQUIRED_KEYS:
        if k not in raw:
            chk.add(entry, k, "missing required field")
    for k in ("code", "name_vi", "name_en", "unit", "objective"):
        if k in raw and (not isinstance(raw[k], str) or not raw[k].strip()):
            chk.add(entry, k, "must be a non-empty text")
    if "framework" in raw and raw["framework"] not in FRAMEWORKS:
        chk.add(entry, "framework", f"{raw['framework']!r} is not one of {', '.join(FRAMEWORKS)}")
    if objectives and isinstance(raw.get("objective"), str) and raw["objective"] not in objectives:
        chk.add(entry, "objective", f"{raw['objective']!r} is not declared under 'objectives'")
    kind = raw.get("kind")
    if "kind" in raw and kind not in KINDS:
        chk.add(entry, "kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    if "direction" in raw and raw["direction"] not in DIRECTIONS:
        chk.add(entry, "direction", f"{raw['direction']!r} is not one of {', '.join(DIRECTIONS)}")
    if "periodicity" in raw and raw["periodicity"] not in PERIODICITIES:
        chk.add(entry, "periodicity", f"{raw['periodicity']!r} is not one of {', '.join(PERIODICITIES)}")
    scale = raw.get("scale")
    if "scale" in raw and scale not in SCALES:
        chk.add(entry, "scale", f"{scale!r} is not one of {', '.join(map(str, SCALES))}")
    elif kind == "proportion" and scale != 100:
        chk.add(entry, "scale", "a proportion is stored in percent: scale must be 100")
    elif kind == "binary" and scale != 1:
        chk.add(entry, "scale", "a binary indicator has scale 1")
    for year in TARGET_YEARS:
        k = f"target_{year}"
        v = raw.get(k)
        if v is not None:
            if not is_number(v):
                chk.add(entry, k, f"{v!r} is not a number (use null when there is no target)")
            elif kind in KINDS and (why := range_problem(v, kind, scale)):
                chk.add(entry, k, f"{v!r} is outside the unit's range: {why}")
        ck = f"target_{year}_comparator"
        if raw.get(ck) is not None and raw[ck] not in COMPARATORS:
            chk.add(entry, ck, f"{raw[ck]!r} is not one of {', '.join(COMPARATORS)}")
        if raw.get(ck) is not None and v is None:
            chk.add(entry, ck, f"a comparator without a {k}")
    dept = raw.get("department")
    if "department" in raw and dept not in DEPARTMENTS:
        chk.add(entry, "department", f"{dept!r} is not a department code ({', '.join(DEPARTMENTS)})")
    co = raw.get("co_departments", [])
    if not isinstance(co, list):
        chk.add(entry, "co_departments", "must be a list of department codes")
    else:
        for c in co:
            if c not in DEPARTMENTS:
                chk.add(entry, "co_departments", f"{c!r} is not a department code ({', '.join(DEPARTMENTS)})")
            elif c == dept:
                chk.add(entry, "co_departments", f"{c!r} is already the responsible department")
    if raw.get("department_basis", "plan_123") not in DEPARTMENT_BASES:
        chk.add(entry, "department_basis", f"{raw['department_basis']!r} is not one of {', '.join(DEPARTMENT_BASES)}")
    if "verified" in raw and not isinstance(raw["verified"], bool):
        chk.add(entry, "verified", f"{raw['verified']!r} must be true or false")
    tag = raw.get("verification")
    if "verification" in raw and tag not in VERIFICATION_TAGS:
        chk.add(entry, "verification", f"{tag!r} is not one of {', '.join(VERIFICATION_TAGS)}")
    elif (
        isinstance(raw.get("verified"), bool) and tag in VERIFICATION_TAGS and raw["verified"] != (tag in VERIFIED_TAGS)
    ):
        chk.add(
            entry,
            "verified",
            f"{raw['verified']!r} contradicts verification tag {tag!r} "
            f"(only {' / '.join(VERIFIED_TAGS)} count as verified)",
        )
    if tag == "UNVERIFIED" and (raw.get("target_2025") is not None or raw.get("target_2030") is not None):
        chk.add(
            entry,
            "target_2025" if raw.get("target_2025") is not None else "target_2030",
            "an UNVERIFIED indicator must not carry a target (use null)",
        )
    src = raw.get("source")
    if "source" in raw:
        if not isinstance(src, dict):
            chk.add(entry, "source", "must be a mapping with 'document' and 'url'")
        else:
            for k in src:
                if k not in SOURCE_KEYS:
                    chk.add(entry, f"source.{k}", "unknown key (allowed: document, url)")
            if not isinstance(src.get("document"), str) or not src["document"].strip():
                chk.add(entry, "source.document", "missing required field")
    b = raw.get("baseline")
    if b is not None:
        if not isinstance(b, dict):
            chk.add(entry, "baseline", "must be a mapping (value, year, scope, source) or null")
        else:
            for k in b:
                if k not in BASELINE_KEYS:
                    chk.add(entry, f"baseline.{k}", "unknown key (allowed: " + ", ".join(sorted(BASELINE_KEYS)) + ")")
            for k in ("value", "year", "scope", "source"):
                if k not in b:
                    chk.add(entry, f"baseline.{k}", "missing required field")
            if "value" in b:
                if not is_number(b["value"]):
                    chk.add(entry, "baseline.value", f"{b['value']!r} is not a number")
                elif kind in KINDS and (why := range_problem(b["value"], kind, scale)):
                    chk.add(entry, "baseline.value", f"{b['value']!r} is outside the unit's range: {why}")
            if "year" in b and not (isinstance(b["year"], int) and 1990 <= b["year"] <= 2030):
                chk.add(entry, "baseline.year", f"{b['year']!r} is not a year between 1990 and 2030")
            if "scope" in b and b["scope"] not in BASELINE_SCOPES:
                chk.add(entry, "baseline.scope", f"{b['scope']!r} is not one of {', '.join(BASELINE_SCOPES)}")
    for k in ("related",):
        if k in raw and not isinstance(raw[k], list):
            chk.add(entry, k, "must be a list of indicator codes")
    if "numbering_verified" in raw and not isinstance(raw["numbering_verified"], bool):
        chk.add(entry, "numbering_verified", "must be true or false")
    return code if isinstance(code, str) and code else None
