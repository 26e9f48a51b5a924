"""The plan as versioned data: who reports what, when, and how figures are reconciled.

Layer: reference (imports core modules and its own parts: ``plan_model`` for the records,
``plan_files`` for reading and checking each file).

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

import os
from collections.abc import Mapping
from pathlib import Path

from me_utils.core import paths
from me_utils.reference.plan_files import (
    Checker,
    load_assignments,
    load_bodies,
    load_frameworks,
    load_obligations,
    load_rules,
    load_targets,
)
from me_utils.reference.plan_model import (  # noqa: F401 (re-exported)
    ASSIGNMENT_COLUMNS,
    ASSIGNMENTS_FILE,
    BASES,
    BODIES_FILE,
    BODY_KEYS,
    BODY_KEYS_REQUIRED,
    BODY_KINDS,
    FIGURE_STATUS_LABELS,
    FIGURE_STATUSES,
    FRAMEWORK_KEYS,
    FRAMEWORKS_FILE,
    OBLIGATIONS_FILE,
    PERIOD_KEYS,
    PLAN_FILES,
    PLAN_YEAR_KEYS,
    RECONCILIATION_COLUMNS,
    RECONCILIATION_FILE,
    REGISTER_ROLES,
    REVIEW_KINDS,
    ROLES,
    RULES,
    TARGET_COLUMNS,
    TARGETS_FILE,
    Assignment,
    Body,
    Framework,
    PeriodSpec,
    Plan,
    PlanError,
    PlanYear,
    Review,
    Rule,
    as_date,
    parse_figure_status,
)

# --- loading ---------------------------------------------------------------------------------


def plan_dir() -> Path:
    """Folder of the plan files: ``$ME_PLAN_DIR`` or ``<reference_dir>/plan``."""
    env = os.environ.get("ME_PLAN_DIR")
    return Path(env).resolve() if env else paths.reference_dir() / "plan"


def _load_uncached(folder: Path) -> Plan:
    chk = Checker()
    if not folder.is_dir():
        chk.add(str(folder), "-", "-", "không có thư mục kế hoạch", "no plan folder")
        raise PlanError(chk.problems)
    bodies = load_bodies(folder, chk)
    assignments = load_assignments(folder, bodies, chk)
    periods, years, rule = load_obligations(folder, bodies, chk)
    frameworks = load_frameworks(folder, chk)
    rules = load_rules(folder, chk)
    targets = load_targets(folder, chk)
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
