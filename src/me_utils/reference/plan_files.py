"""Reading and validating the plan files (``bodies.yaml``, ``assignments.csv``,
``obligations.yaml``, ``frameworks.yaml``, ``reconciliation.csv``, ``targets.csv``): one
loader per file, each adding every problem (file, entry, field, reason in Vietnamese and
English) to a :class:`Checker` instead of stopping at the first.

Layer: reference. Used by :func:`me_utils.reference.plan.load_plan`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import yaml

from me_utils.reference.plan_model import (
    ASSIGNMENT_COLUMNS,
    ASSIGNMENTS_FILE,
    BASES,
    BODIES_FILE,
    BODY_KEYS,
    BODY_KEYS_REQUIRED,
    BODY_KINDS,
    FRAMEWORK_KEYS,
    FRAMEWORKS_FILE,
    OBLIGATIONS_FILE,
    PERIOD_KEYS,
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
    PlanYear,
    Review,
    Rule,
    as_date,
)


class Checker:
    def __init__(self):
        self.problems: list[tuple[str, str, str, str, str]] = []

    def add(self, file: str, entry: str, fld: str, vi: str, en: str) -> None:
        self.problems.append((file, entry, fld, vi, en))

    def date(self, file: str, entry: str, fld: str, v) -> dt.date | None:
        try:
            return as_date(v)
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


def _read_yaml(path: Path, chk: Checker) -> dict:
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


def _read_csv(path: Path, columns: tuple[str, ...], chk: Checker, required: bool = True) -> list[dict]:
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


def load_bodies(folder: Path, chk: Checker) -> dict[str, Body]:
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


def load_assignments(folder: Path, bodies: dict[str, Body], chk: Checker) -> tuple[Assignment, ...]:
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


def load_obligations(folder: Path, bodies: dict[str, Body], chk: Checker):
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


def load_frameworks(folder: Path, chk: Checker) -> dict[str, Framework]:
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


def load_rules(folder: Path, chk: Checker) -> dict[str, Rule]:
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


def load_targets(folder: Path, chk: Checker) -> pd.DataFrame:
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
