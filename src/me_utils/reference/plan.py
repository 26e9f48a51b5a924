"""The plan as versioned data: who reports what, when, and how figures are reconciled.

Layer: reference (imports only core modules: ``fmt``, ``paths``).

Reads the files of ``data/reference/plan/`` (documented in ``data/reference/README.md``):

* ``bodies.yaml`` — reporting bodies with validity dates and predecessor/successor links (the
  March 2025 merger of departments, the July 2025 end of the district level);
* ``assignments.csv`` — who leads and who co-reports each indicator, with validity dates;
* ``obligations.yaml`` — the reporting calendar (periods, due days, estimate cut-off) and the
  plan years; every body with ``reports: true`` valid on a report's due day owes that report;
* ``reconciliation.csv`` — per indicator, how figures of several bodies (and of the GBV
  register) are settled: ``lead_wins``, ``sum_parts`` or ``conflict``;
* ``frameworks.yaml`` — framework periods, target years and the reviews they owe;
* ``targets.csv`` — annual province targets, when the province sets them.

Adding a plan year, a body or an assignment is an edit of these files, never of code.
:func:`load_plan` validates every file and raises :class:`PlanError` naming the file, the
entry and the field of every problem (Vietnamese and English). One cache holds the loaded plan
and is reloaded when any file changes (path, size, mtime).

The folder is ``$ME_PLAN_DIR`` when set, else ``<reference_dir>/plan``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from me_utils.core import errors as _errors
from me_utils.core import fmt, paths

BODIES_FILE = "bodies.yaml"
ASSIGNMENTS_FILE = "assignments.csv"
OBLIGATIONS_FILE = "obligations.yaml"
RECONCILIATION_FILE = "reconciliation.csv"
FRAMEWORKS_FILE = "frameworks.yaml"
TARGETS_FILE = "targets.csv"
PLAN_FILES = (BODIES_FILE, ASSIGNMENTS_FILE, OBLIGATIONS_FILE, RECONCILIATION_FILE, FRAMEWORKS_FILE, TARGETS_FILE)

BODY_KINDS = ("department", "statistics", "police", "military", "media", "mass_organisation", "locality")
ROLES = ("lead", "co")
BASES = ("plan_123", "plan_111", "suggested", "inferred")
#: How figures of one indicator × unit × year × period × sex from several bodies are settled.
RULES = ("lead_wins", "sum_parts", "conflict")
#: What a figure computed from the GBV case register is, next to a submitted one.
REGISTER_ROLES = ("primary", "cross_check", "none")
REVIEW_KINDS = ("so_ket", "tong_ket")
FIGURE_STATUSES = ("estimate", "official")
FIGURE_STATUS_LABELS = {"estimate": ("số ước", "estimate"), "official": ("chính thức", "official")}

BODY_KEYS_REQUIRED = ("code", "name_vi", "name_en", "kind", "reports")
BODY_KEYS = frozenset(
    BODY_KEYS_REQUIRED
    + (
        "valid_from",
        "valid_to",
        "predecessors",
        "successors",
        "basis_vi",
        "basis_en",
        "dates_verified",
        "source",
        "note",
        "unit_code",
        "aliases",
    )
)
ASSIGNMENT_COLUMNS = (
    "indicator_code",
    "role",
    "body",
    "valid_from",
    "valid_to",
    "part_vi",
    "part_en",
    "basis",
    "verified",
    "source",
)
RECONCILIATION_COLUMNS = ("indicator_code", "rule", "register", "note_vi", "note_en")
TARGET_COLUMNS = ("indicator_code", "unit_code", "year", "target", "comparator", "source", "decided")
PERIOD_KEYS = frozenset(("name_vi", "name_en", "label_vi", "label_en", "covers_from", "covers_to", "due"))
PLAN_YEAR_KEYS = frozenset(("year", "document_vi", "document_en", "periods", "calendar_verified", "exempt"))
FRAMEWORK_KEYS = frozenset(("id", "kind", "start", "end", "target_years", "objectives", "reviews"))


_STATUS_ALIASES = {
    "uoc": "estimate",
    "souoc": "estimate",
    "uoctinh": "estimate",
    "uocthuchien": "estimate",
    "sobo": "estimate",
    "estimate": "estimate",
    "estimated": "estimate",
    "provisional": "estimate",
    "chinhthuc": "official",
    "official": "official",
    "final": "official",
}


def parse_figure_status(text) -> str | None:
    """``estimate``/``official`` for a status cell (ước, số ước, sơ bộ, chính thức, estimate,
    official…; with or without diacritics), None for a blank; ValueError for anything else."""
    if text is None:
        return None
    s = unicodedata.normalize("NFD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).replace("đ", "d").replace("Đ", "D")
    key = re.sub(r"[^0-9a-z]+", "", s.lower())
    if not key:
        return None
    if key in _STATUS_ALIASES:
        return _STATUS_ALIASES[key]
    raise ValueError(text)


class PlanError(_errors.ReferenceDataError, ValueError):
    """The plan files are inconsistent; ``problems`` lists (file, entry, field, reason_vi,
    reason_en) and the message prints one line per problem."""

    def __init__(self, problems: list[tuple[str, str, str, str, str]]):
        self.problems = problems
        lines = [f"{f}: {e}: {fld}: {vi} / {en}" for f, e, fld, vi, en in problems]
        super().__init__("Tệp kế hoạch không hợp lệ / invalid plan files:\n" + "\n".join(lines))


@dataclass(frozen=True)
class Body:
    """A reporting body. ``valid_from``/``valid_to`` are inclusive (None = open)."""

    code: str
    name_vi: str
    name_en: str
    kind: str
    reports: bool
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    predecessors: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    basis_vi: str = ""
    basis_en: str = ""
    dates_verified: bool = True
    source: str = ""
    note: str = ""
    unit_code: str = ""
    aliases: tuple[str, ...] = ()

    def valid_on(self, day: dt.date) -> bool:
        """True when the body exists on ``day``."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def name(self, lang: str = "vi") -> str:
        return fmt.pick(lang, self.name_vi, self.name_en)


@dataclass(frozen=True)
class Assignment:
    """One body's role (``lead`` or ``co``) for one indicator over a validity window."""

    indicator_code: str
    role: str
    body: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    part_vi: str = ""
    part_en: str = ""
    basis: str = "plan_123"
    verified: bool = True
    source: str = ""

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class PeriodSpec:
    """A reporting period: what it covers (month, day) and its due day (month, day)."""

    code: str
    name_vi: str
    name_en: str
    label_vi: str
    label_en: str
    covers_from: tuple[int, int]
    covers_to: tuple[int, int]
    due: tuple[int, int]

    def due_date(self, year: int) -> dt.date:
        """The deadline day: a report must arrive strictly before it."""
        return dt.date(int(year), *self.due)

    def period_end(self, year: int) -> dt.date:
        """Last day the period covers; a figure sent on or before it is an estimate."""
        return dt.date(int(year), *self.covers_to)

    def label(self, lang: str = "vi") -> str:
        return fmt.pick(lang, self.label_vi, self.label_en)


@dataclass(frozen=True)
class PlanYear:
    year: int
    document_vi: str
    document_en: str
    periods: tuple[str, ...]
    calendar_verified: bool
    exempt: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    framework: str
    kind: str
    period_start: int
    period_end: int
    topic: str
    outlook_year: int | None = None


@dataclass(frozen=True)
class Framework:
    id: str
    kind: str
    start: int
    end: int
    target_years: tuple[int, ...]
    objectives: tuple[str, ...]
    reviews: tuple[Review, ...] = ()


@dataclass(frozen=True)
class Rule:
    """Reconciliation rule of an indicator (``lead_wins`` when none is declared)."""

    indicator_code: str
    rule: str = "lead_wins"
    register: str = "none"
    note_vi: str = ""
    note_en: str = ""
    declared: bool = False

    def note(self, lang: str = "vi") -> str:
        return fmt.pick(lang, self.note_vi, self.note_en)


@dataclass
class Plan:
    """The loaded plan (see the module docstring). Use :func:`load_plan`."""

    bodies: dict[str, Body]
    assignments: tuple[Assignment, ...]
    periods: dict[str, PeriodSpec]
    plan_years: dict[int, PlanYear]
    frameworks: dict[str, Framework]
    rules: dict[str, Rule]
    targets: pd.DataFrame
    folder: Path
    due_rule: str = "strictly_before"
    _by_indicator: dict = field(default_factory=dict, repr=False)

    # --- calendar -------------------------------------------------------------------------
    def years(self) -> list[int]:
        """Plan years, ascending."""
        return sorted(self.plan_years)

    def due_date(self, year: int, period: str) -> dt.date:
        """Due day of a report (it must arrive strictly before). ValueError for an unknown
        period code."""
        if period not in self.periods:
            raise ValueError(f"unknown period code {period!r}; expected one of {sorted(self.periods)}")
        return self.periods[period].due_date(year)

    def deadlines(self) -> dict[str, tuple[int, int]]:
        """``{period: (month, day)}`` of the due days."""
        return {p: s.due for p, s in self.periods.items()}

    # --- bodies ---------------------------------------------------------------------------
    def body_name(self, code: str, lang: str = "vi") -> str:
        b = self.bodies.get(code)
        return b.name(lang) if b else code

    def bodies_on(self, day: dt.date) -> list[Body]:
        """Bodies that exist on ``day`` (file order)."""
        return [b for b in self.bodies.values() if b.valid_on(day)]

    def obligations(self, year_from: int | None = None, year_to: int | None = None) -> pd.DataFrame:
        """Every report owed: one row per body × plan year × period.

        A body owes a period's report of a plan year when it has ``reports: true``, is valid on
        the due day and is not exempt that year. Output columns: body, year, period, due_date
        (date). Years outside the plan years owe nothing.
        """
        rows = []
        for y in self.years():
            if (year_from is not None and y < int(year_from)) or (year_to is not None and y > int(year_to)):
                continue
            py = self.plan_years[y]
            for per in py.periods:
                due = self.due_date(y, per)
                for b in self.bodies.values():
                    if b.reports and b.valid_on(due) and b.code not in py.exempt:
                        rows.append({"body": b.code, "year": y, "period": per, "due_date": due})
        return pd.DataFrame(rows, columns=["body", "year", "period", "due_date"])

    # --- assignments ----------------------------------------------------------------------
    def assignments_on(self, day: dt.date) -> list[Assignment]:
        """Assignments in force on ``day``."""
        return [a for a in self.assignments if a.valid_on(day)]

    def lead_body(self, indicator_code: str, day: dt.date) -> str | None:
        """Code of the body leading the indicator on ``day`` (None when none does)."""
        for a in self._by_indicator.get(indicator_code, ()):
            if a.role == "lead" and a.valid_on(day):
                return a.body
        return None

    def reporters(self, indicator_code: str, day: dt.date) -> list[Assignment]:
        """Lead first, then co-reporters of the indicator on ``day``."""
        xs = [a for a in self._by_indicator.get(indicator_code, ()) if a.valid_on(day)]
        return sorted(xs, key=lambda a: a.role != "lead")

    def body_indicators(self, body: str, day: dt.date) -> dict[str, list[str]]:
        """``{"lead": [...], "suggested": [...], "co": [...]}``: indicator codes the body
        reports on ``day`` (assignment file order). ``suggested`` holds the lead assignments
        whose basis is ``suggested`` (not named in plan 123)."""
        out: dict[str, list[str]] = {"lead": [], "suggested": [], "co": []}
        for a in self.assignments:
            if a.body != body or not a.valid_on(day):
                continue
            key = "co" if a.role == "co" else ("suggested" if a.basis == "suggested" else "lead")
            if a.indicator_code not in out[key]:
                out[key].append(a.indicator_code)
        return out

    def current_assignment(self, indicator_code: str) -> tuple[str | None, list[str], str | None]:
        """(lead body, co-reporters, basis) of the open-ended (current) assignment rows."""
        lead, co, basis = None, [], None
        for a in self._by_indicator.get(indicator_code, ()):
            if a.valid_to is not None:
                continue
            if a.role == "lead":
                lead, basis = a.body, a.basis
            elif a.body not in co:
                co.append(a.body)
        return lead, co, basis

    # --- figures --------------------------------------------------------------------------
    def rule(self, indicator_code: str) -> Rule:
        """The declared reconciliation rule, or the default ``lead_wins`` (``declared`` False)."""
        return self.rules.get(indicator_code, Rule(indicator_code))

    def source_shown(self, indicator_code: str) -> str:
        """Which source a report shows for an indicator both submitted and computed from the
        GBV case register: ``register`` when the rule says ``register: primary``, else
        ``submission``; the other one is the cross-check."""
        return "register" if self.rule(indicator_code).register == "primary" else "submission"

    def figure_status(self, year: int, period: str, submission_date, declared: str | None = None) -> str:
        """``estimate`` or ``official`` for a figure of ``year``/``period`` sent on
        ``submission_date``. A declared status (``estimate``/``official``, from the
        submission) wins; otherwise a figure sent on or before the last day the period covers
        is an estimate, and one sent later (or undated) is official."""
        if declared in FIGURE_STATUSES:
            return declared
        d = _as_date(submission_date)
        if d is None or period not in self.periods:
            return "official"
        return "estimate" if d <= self.periods[period].period_end(int(year)) else "official"

    def annual_targets(self, indicator_code: str, unit_code: str = "SL") -> dict[int, float]:
        """Annual province targets ``{year: target}`` from ``targets.csv`` (may be empty)."""
        t = self.targets
        if t.empty:
            return {}
        s = t[(t["indicator_code"] == indicator_code) & (t["unit_code"] == unit_code)]
        return {int(y): float(v) for y, v in zip(s["year"], s["target"])}

    def target_years(self, framework: str) -> tuple[int, ...]:
        f = self.frameworks.get(framework)
        return f.target_years if f else ()

    def review(self, topic: str) -> Review | None:
        """The review whose report topic is ``topic`` (e.g. ``so_ket``), or None."""
        for f in self.frameworks.values():
            for r in f.reviews:
                if r.topic == topic:
                    return r
        return None


# --- loading ---------------------------------------------------------------------------------


def plan_dir() -> Path:
    """Folder of the plan files: ``$ME_PLAN_DIR`` or ``<reference_dir>/plan``."""
    env = os.environ.get("ME_PLAN_DIR")
    return Path(env).resolve() if env else paths.reference_dir() / "plan"


def _as_date(x) -> dt.date | None:
    if x is None or x == "":
        return None
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    if isinstance(x, pd.Timestamp):
        return None if pd.isna(x) else x.date()
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        pass
    return dt.date.fromisoformat(str(x).strip()[:10])


class _Checker:
    def __init__(self):
        self.problems: list[tuple[str, str, str, str, str]] = []

    def add(self, file: str, entry: str, fld: str, vi: str, en: str) -> None:
        self.problems.append((file, entry, fld, vi, en))

    def date(self, file: str, entry: str, fld: str, v) -> dt.date | None:
        try:
            return _as_date(v)
        except (TypeError, ValueError):
            self.add(file, entry, fld, f"{v!r} không phải ngày dạng YYYY-MM-DD", f"{v!r} is not a date (YYYY-MM-DD)")
            return None

    def month_day(self, file: str, entry: str, fld: str, v) -> tuple[int, int]:
        try:
            m, d = (int(t) for t in str(v).split("-"))
            dt.date(2024, m, d)  # a leap year: 02-29 is allowed
            return (m, d)
        except (TypeError, ValueError):
            self.add(file, entry, fld, f"{v!r} không phải tháng-ngày dạng MM-DD", f"{v!r} is not a month-day (MM-DD)")
            return (1, 1)


def _read_yaml(path: Path, chk: _Checker) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        chk.add(path.name, "-", "-", "không tìm thấy tệp", "file not found")
        return {}
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        where = getattr(e, "problem_mark", None)
        line = f" (dòng/line {where.line + 1})" if where is not None else ""
        chk.add(path.name, "-", "-", f"không đọc được YAML{line}", f"unreadable YAML{line}: {type(e).__name__}")
        return {}
    if not isinstance(data, dict):
        chk.add(path.name, "-", "-", "tệp phải là một ánh xạ (mapping)", "the file must be a mapping")
        return {}
    return data


def _read_csv(path: Path, columns: tuple[str, ...], chk: _Checker, required: bool = True) -> list[dict]:
    if not path.exists():
        if required:
            chk.add(path.name, "-", "-", "không tìm thấy tệp", "file not found")
        return []
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = next(csv.reader(io.StringIO(text)), [])
    missing = [c for c in columns if c not in header]
    if missing:
        chk.add(path.name, "header", ", ".join(missing), "thiếu cột", "missing column(s)")
    extra = [c for c in header if c not in columns]
    if extra:
        chk.add(path.name, "header", ", ".join(extra), "cột không xác định", "unknown column(s)")
    return [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in rows]


def _bool(v) -> bool | None:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    return {"true": True, "false": False, "1": True, "0": False, "": None}.get(s)


def _load_bodies(folder: Path, chk: _Checker) -> dict[str, Body]:
    f = BODIES_FILE
    data = _read_yaml(folder / f, chk)
    items = data.get("bodies") if data else None
    if data and not isinstance(items, list):
        chk.add(f, "-", "bodies", "phải là một danh sách", "must be a list")
    out: dict[str, Body] = {}
    for i, raw in enumerate(items or [], start=1):
        entry = f"#{i}"
        if not isinstance(raw, dict):
            chk.add(f, entry, "-", "mỗi cơ quan là một ánh xạ", "each body must be a mapping")
            continue
        code = str(raw.get("code") or "").strip()
        entry = code or entry
        for k in raw:
            if k not in BODY_KEYS:
                chk.add(f, entry, str(k), "khóa không xác định", "unknown key")
        for k in BODY_KEYS_REQUIRED:
            if raw.get(k) in (None, ""):
                chk.add(f, entry, k, "thiếu giá trị", "missing value")
        if code and not code.replace("_", "").isalnum():
            chk.add(
                f,
                entry,
                "code",
                "mã chỉ gồm chữ và số (dùng trong tên tệp gửi)",
                "a code has letters and digits only (it is used in submission file names)",
            )
        if raw.get("kind") and raw["kind"] not in BODY_KINDS:
            chk.add(
                f,
                entry,
                "kind",
                f"phải là một trong {', '.join(BODY_KINDS)}",
                f"must be one of {', '.join(BODY_KINDS)}",
            )
        if code in out:
            chk.add(f, entry, "code", "mã trùng", "duplicate code")
            continue
        vf = chk.date(f, entry, "valid_from", raw.get("valid_from"))
        vt = chk.date(f, entry, "valid_to", raw.get("valid_to"))
        if vf and vt and vf > vt:
            chk.add(f, entry, "valid_to", "ngày kết thúc trước ngày bắt đầu", "valid_to is before valid_from")
        rep = _bool(raw.get("reports"))
        if raw.get("reports") not in (None, "") and rep is None:
            chk.add(f, entry, "reports", "phải là true/false", "must be true/false")
        if not code:
            continue
        out[code] = Body(
            code=code,
            name_vi=str(raw.get("name_vi") or code),
            name_en=str(raw.get("name_en") or code),
            kind=str(raw.get("kind") or ""),
            reports=bool(rep),
            valid_from=vf,
            valid_to=vt,
            predecessors=tuple(raw.get("predecessors") or ()),
            successors=tuple(raw.get("successors") or ()),
            basis_vi=str(raw.get("basis_vi") or ""),
            basis_en=str(raw.get("basis_en") or ""),
            dates_verified=bool(_bool(raw.get("dates_verified", True))),
            source=str(raw.get("source") or ""),
            note=str(raw.get("note") or ""),
            unit_code=str(raw.get("unit_code") or ""),
            aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        )
    for b in out.values():
        for fld, links, back in (
            ("predecessors", b.predecessors, "successors"),
            ("successors", b.successors, "predecessors"),
        ):
            for c in links:
                if c not in out:
                    chk.add(
                        f,
                        b.code,
                        fld,
                        f"{c!r} không phải mã cơ quan trong tệp",
                        f"{c!r} is not a body code of the file",
                    )
                elif b.code not in getattr(out[c], back):
                    chk.add(
                        f,
                        b.code,
                        fld,
                        f"liên kết một chiều: {c} không ghi {b.code} trong {back}",
                        f"one-way link: {c} does not list {b.code} in {back}",
                    )
    return out


def _load_assignments(folder: Path, bodies: dict[str, Body], chk: _Checker) -> tuple[Assignment, ...]:
    f = ASSIGNMENTS_FILE
    out = []
    for i, r in enumerate(_read_csv(folder / f, ASSIGNMENT_COLUMNS, chk), start=2):
        entry = f"dòng/row {i} ({r.get('indicator_code', '')})"
        if not r.get("indicator_code"):
            chk.add(f, entry, "indicator_code", "thiếu mã chỉ tiêu", "indicator code missing")
        if r.get("role") not in ROLES:
            chk.add(f, entry, "role", f"phải là {' hoặc '.join(ROLES)}", f"must be {' or '.join(ROLES)}")
        if r.get("body") not in bodies:
            chk.add(
                f,
                entry,
                "body",
                f"{r.get('body')!r} không có trong {BODIES_FILE}",
                f"{r.get('body')!r} is not in {BODIES_FILE}",
            )
        if r.get("basis") and r["basis"] not in BASES:
            chk.add(f, entry, "basis", f"phải là một trong {', '.join(BASES)}", f"must be one of {', '.join(BASES)}")
        vf = chk.date(f, entry, "valid_from", r.get("valid_from"))
        vt = chk.date(f, entry, "valid_to", r.get("valid_to"))
        if vf and vt and vf > vt:
            chk.add(f, entry, "valid_to", "ngày kết thúc trước ngày bắt đầu", "valid_to is before valid_from")
        b = bodies.get(r.get("body"))
        if b is not None:
            # An assignment cannot outlive its body: the successor must be assigned instead.
            if b.valid_to is not None and (vt is None or vt > b.valid_to):
                chk.add(
                    f,
                    entry,
                    "valid_to",
                    f"cơ quan {b.code} chỉ tồn tại đến {b.valid_to.isoformat()}",
                    f"body {b.code} exists only until {b.valid_to.isoformat()}",
                )
            if b.valid_from is not None and (vf is None or vf < b.valid_from):
                chk.add(
                    f,
                    entry,
                    "valid_from",
                    f"cơ quan {b.code} chỉ có từ {b.valid_from.isoformat()}",
                    f"body {b.code} exists only from {b.valid_from.isoformat()}",
                )
        out.append(
            Assignment(
                indicator_code=r.get("indicator_code", ""),
                role=r.get("role", ""),
                body=r.get("body", ""),
                valid_from=vf,
                valid_to=vt,
                part_vi=r.get("part_vi", ""),
                part_en=r.get("part_en", ""),
                basis=r.get("basis") or "plan_123",
                verified=bool(_bool(r.get("verified", "true"))),
                source=r.get("source", ""),
            )
        )
    # At most one lead per indicator on any day: windows of lead rows must not overlap.
    leads: dict[str, list[Assignment]] = {}
    for a in out:
        if a.role == "lead":
            leads.setdefault(a.indicator_code, []).append(a)
    lo, hi = dt.date.min, dt.date.max
    for code, xs in leads.items():
        for i, a in enumerate(xs):
            for b in xs[i + 1 :]:
                if (a.valid_from or lo) <= (b.valid_to or hi) and (b.valid_from or lo) <= (a.valid_to or hi):
                    chk.add(
                        f,
                        code,
                        "valid_from/valid_to",
                        f"hai cơ quan chủ trì cùng lúc ({a.body}, {b.body})",
                        f"two lead bodies at the same time ({a.body}, {b.body})",
                    )
    return tuple(out)


def _load_obligations(folder: Path, bodies: dict[str, Body], chk: _Checker):
    f = OBLIGATIONS_FILE
    data = _read_yaml(folder / f, chk)
    periods: dict[str, PeriodSpec] = {}
    for code, raw in (data.get("periods") or {}).items():
        if not isinstance(raw, dict):
            chk.add(f, str(code), "-", "kỳ phải là một ánh xạ", "a period must be a mapping")
            continue
        for k in raw:
            if k not in PERIOD_KEYS:
                chk.add(f, str(code), str(k), "khóa không xác định", "unknown key")
        for k in ("covers_from", "covers_to", "due"):
            if k not in raw:
                chk.add(f, str(code), k, "thiếu giá trị", "missing value")
        periods[str(code)] = PeriodSpec(
            code=str(code),
            name_vi=str(raw.get("name_vi", code)),
            name_en=str(raw.get("name_en", code)),
            label_vi=str(raw.get("label_vi", code)),
            label_en=str(raw.get("label_en", code)),
            covers_from=chk.month_day(f, str(code), "covers_from", raw.get("covers_from", "01-01")),
            covers_to=chk.month_day(f, str(code), "covers_to", raw.get("covers_to", "12-31")),
            due=chk.month_day(f, str(code), "due", raw.get("due", "12-31")),
        )
    if data and not periods:
        chk.add(f, "-", "periods", "không có kỳ báo cáo nào", "no reporting period")
    rule = data.get("due_rule", "strictly_before") if data else "strictly_before"
    if rule != "strictly_before":
        chk.add(f, "-", "due_rule", "chỉ hỗ trợ strictly_before", "only strictly_before is supported")
    years: dict[int, PlanYear] = {}
    for i, raw in enumerate(data.get("plan_years") or [], start=1):
        entry = f"plan_years #{i}"
        if not isinstance(raw, dict):
            chk.add(f, entry, "-", "phải là một ánh xạ", "must be a mapping")
            continue
        for k in raw:
            if k not in PLAN_YEAR_KEYS:
                chk.add(f, entry, str(k), "khóa không xác định", "unknown key")
        y = raw.get("year")
        if not isinstance(y, int) or not 2000 <= y <= 2100:
            chk.add(f, entry, "year", f"{y!r} không phải năm", f"{y!r} is not a year")
            continue
        entry = f"plan_years {y}"
        if y in years:
            chk.add(f, entry, "year", "năm trùng", "duplicate year")
        pers = tuple(raw.get("periods") or ())
        for p in pers:
            if p not in periods:
                chk.add(
                    f, entry, "periods", f"{p!r} không phải kỳ báo cáo đã khai báo", f"{p!r} is not a declared period"
                )
        for c in raw.get("exempt") or ():
            if c not in bodies:
                chk.add(f, entry, "exempt", f"{c!r} không phải mã cơ quan", f"{c!r} is not a body code")
        years[y] = PlanYear(
            year=y,
            document_vi=str(raw.get("document_vi", "")),
            document_en=str(raw.get("document_en", "")),
            periods=pers,
            calendar_verified=bool(_bool(raw.get("calendar_verified", False))),
            exempt=tuple(raw.get("exempt") or ()),
        )
    return periods, years, rule


def _load_frameworks(folder: Path, chk: _Checker) -> dict[str, Framework]:
    f = FRAMEWORKS_FILE
    data = _read_yaml(folder / f, chk)
    out = {}
    for i, raw in enumerate(data.get("frameworks") or [], start=1):
        entry = str(raw.get("id") or f"#{i}") if isinstance(raw, dict) else f"#{i}"
        if not isinstance(raw, dict):
            chk.add(f, entry, "-", "phải là một ánh xạ", "must be a mapping")
            continue
        for k in raw:
            if k not in FRAMEWORK_KEYS:
                chk.add(f, entry, str(k), "khóa không xác định", "unknown key")
        reviews = []
        for r in raw.get("reviews") or []:
            if r.get("kind") not in REVIEW_KINDS:
                chk.add(
                    f,
                    entry,
                    "reviews.kind",
                    f"phải là {' hoặc '.join(REVIEW_KINDS)}",
                    f"must be {' or '.join(REVIEW_KINDS)}",
                )
                continue
            reviews.append(
                Review(
                    framework=entry,
                    kind=r["kind"],
                    period_start=int(r["period_start"]),
                    period_end=int(r["period_end"]),
                    topic=str(r.get("topic", r["kind"])),
                    outlook_year=r.get("outlook_year"),
                )
            )
        try:
            out[entry] = Framework(
                id=entry,
                kind=str(raw.get("kind", "")),
                start=int(raw["start"]),
                end=int(raw["end"]),
                target_years=tuple(int(y) for y in raw.get("target_years") or ()),
                objectives=tuple(raw.get("objectives") or ()),
                reviews=tuple(reviews),
            )
        except (KeyError, TypeError, ValueError):
            chk.add(
                f, entry, "start/end", "thiếu hoặc sai năm bắt đầu/kết thúc", "start/end year missing or not a year"
            )
    return out


def _load_rules(folder: Path, chk: _Checker) -> dict[str, Rule]:
    f = RECONCILIATION_FILE
    out = {}
    for i, r in enumerate(_read_csv(folder / f, RECONCILIATION_COLUMNS, chk), start=2):
        entry = f"dòng/row {i} ({r.get('indicator_code', '')})"
        if r.get("rule") not in RULES:
            chk.add(f, entry, "rule", f"phải là một trong {', '.join(RULES)}", f"must be one of {', '.join(RULES)}")
        reg = r.get("register") or "none"
        if reg not in REGISTER_ROLES:
            chk.add(
                f,
                entry,
                "register",
                f"phải là một trong {', '.join(REGISTER_ROLES)}",
                f"must be one of {', '.join(REGISTER_ROLES)}",
            )
        if r.get("indicator_code") in out:
            chk.add(f, entry, "indicator_code", "chỉ tiêu trùng", "duplicate indicator")
        out[r.get("indicator_code", "")] = Rule(
            r.get("indicator_code", ""),
            r.get("rule") or "lead_wins",
            reg,
            r.get("note_vi", ""),
            r.get("note_en", ""),
            True,
        )
    return out


def _load_targets(folder: Path, chk: _Checker) -> pd.DataFrame:
    f = TARGETS_FILE
    rows = _read_csv(folder / f, TARGET_COLUMNS, chk, required=False)
    for i, r in enumerate(rows, start=2):
        entry = f"dòng/row {i} ({r.get('indicator_code', '')})"
        for k, conv in (("year", int), ("target", float)):
            try:
                conv(r.get(k, ""))
            except ValueError:
                chk.add(f, entry, k, f"{r.get(k)!r} không phải số", f"{r.get(k)!r} is not a number")
        if not r.get("source"):
            chk.add(
                f,
                entry,
                "source",
                "chỉ tiêu năm của tỉnh phải ghi nguồn (văn bản giao)",
                "an annual province target must name its source (the act that set it)",
            )
    df = pd.DataFrame(rows, columns=list(TARGET_COLUMNS))
    if len(df):
        df["year"] = pd.to_numeric(df["year"], errors="coerce")
        df["target"] = pd.to_numeric(df["target"], errors="coerce")
    return df


def _load_uncached(folder: Path) -> Plan:
    chk = _Checker()
    if not folder.is_dir():
        chk.add(str(folder), "-", "-", "không có thư mục kế hoạch", "no plan folder")
        raise PlanError(chk.problems)
    bodies = _load_bodies(folder, chk)
    assignments = _load_assignments(folder, bodies, chk)
    periods, years, rule = _load_obligations(folder, bodies, chk)
    frameworks = _load_frameworks(folder, chk)
    rules = _load_rules(folder, chk)
    targets = _load_targets(folder, chk)
    if chk.problems:
        raise PlanError(chk.problems)
    by_ind: dict[str, list[Assignment]] = {}
    for a in assignments:
        by_ind.setdefault(a.indicator_code, []).append(a)
    return Plan(
        bodies=bodies,
        assignments=assignments,
        periods=periods,
        plan_years=years,
        frameworks=frameworks,
        rules=rules,
        targets=targets,
        folder=folder,
        due_rule=rule,
        _by_indicator={k: tuple(v) for k, v in by_ind.items()},
    )


_CACHE: dict = {}


def files_stamp(folder: Path):
    out = [str(folder.resolve())]
    for name in PLAN_FILES:
        try:
            st = (folder / name).stat()
            out.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((name, None))
    return tuple(out)


def load_plan(folder: str | Path | None = None) -> Plan:
    """Load and validate the plan files of ``folder`` (default :func:`plan_dir`).

    The result is cached and reloaded when any plan file changes (size or mtime) or another
    folder is asked for. Raises :class:`PlanError` listing every problem (file, entry, field,
    reason in Vietnamese and English).
    """
    folder = Path(folder) if folder is not None else plan_dir()
    key = files_stamp(folder)
    hit = _CACHE.get("key") == key
    if hit:
        return _CACHE["plan"]
    plan = _load_uncached(folder)
    _CACHE.clear()
    _CACHE.update(key=key, plan=plan)
    return plan


def check_against_catalogue(plan: Plan, indicator_codes) -> list[str]:
    """Problems between the plan and the catalogue's indicator codes: an assignment or rule of
    an unknown indicator, or an indicator without any lead body. Returns messages (vi / en)."""
    codes = set(indicator_codes)
    out = []
    for a in plan.assignments:
        if a.indicator_code not in codes:
            out.append(
                f"{ASSIGNMENTS_FILE}: {a.indicator_code}: chỉ tiêu không có trong danh mục / "
                "indicator not in the catalogue"
            )
    for c in plan.rules:
        if c not in codes:
            out.append(f"{RECONCILIATION_FILE}: {c}: chỉ tiêu không có trong danh mục / indicator not in the catalogue")
    for c in sorted(codes):
        if not any(a.role == "lead" for a in plan._by_indicator.get(c, ())):
            out.append(f"{ASSIGNMENTS_FILE}: {c}: không có cơ quan chủ trì / no lead body")
    return out


class DepartmentsView(Mapping):
    """Live ``{code: (name_vi, name_en)}`` of every body in the current plan files, so modules
    that hold a department mapping see a body added to ``bodies.yaml`` without a code change."""

    def _d(self) -> dict[str, tuple[str, str]]:
        return {c: (b.name_vi, b.name_en) for c, b in load_plan().bodies.items()}

    def __getitem__(self, key):
        return self._d()[key]

    def __iter__(self):
        return iter(self._d())

    def __len__(self):
        return len(self._d())

    def __contains__(self, key):
        return key in self._d()

    def __repr__(self):
        return f"DepartmentsView({self._d()!r})"


def body_aliases() -> dict[str, str]:
    """``{alias or name: code}`` of every body (names, codes and declared aliases)."""
    out = {}
    for c, b in load_plan().bodies.items():
        for n in (c, b.name_vi, b.name_en, *b.aliases):
            out[n] = c
    return out
