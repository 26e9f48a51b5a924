"""The plan's data model: file names, allowed values, :class:`PlanError` and the frozen records
(bodies, assignments, periods, plan years, frameworks, reconciliation rules) of a :class:`Plan`,
with the plan's own queries (who owes what, when a report is due).

Layer: reference (imports only core modules). Loaded by :mod:`me_utils.reference.plan`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from me_utils.core import errors as _errors
from me_utils.core import fmt

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
        d = as_date(submission_date)
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


def as_date(x) -> dt.date | None:
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
