"""Leadership input data (issue 6): the three tables, their checks and the published figures.

Reads and checks ``councils.csv``, ``key_leaders.csv`` and ``planning_pool.csv`` with the
schema ``me build`` uses (:mod:`me_utils.intake.leadership_schema`), loads them from a data
root (:func:`load_leadership`), and reads the real published figures of
``data/reference/leadership_reference.csv`` with their sources (:func:`load_reference`).
Also holds the constants the other leadership modules share (terms, levels, the province code).
The analysis is in :mod:`me_utils.analysis.leadership`.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.core import filecache, paths
from me_utils.core.errors import Finding, InputError, ReferenceDataError
from me_utils.intake import leadership_schema as _schema

#: Election terms known to the workbench (contract period codes), in order.
TERMS = _schema.ELECTION_TERMS
#: Election days (the 2026 one is set by the National Assembly; None until known).
ELECTION_DAYS = {"2016-2021": _dt.date(2016, 5, 22), "2021-2026": _dt.date(2021, 5, 23), "2026-2031": None}
LEVELS = _schema.COUNCIL_LEVELS
#: Last day of district-level People's Councils (two-tier local government from 1/7/2025).
DISTRICT_LEVEL_END = _dt.date(2025, 6, 30)
PROVINCE = "SL"
#: First term elected under two-tier local government (no district level).
FIRST_TWO_TIER_TERM_START = _schema.FIRST_TWO_TIER_TERM_START


REFERENCE_FILE = "leadership_reference.csv"
REFERENCE_COLUMNS = [
    "figure_id",
    "scope",
    "unit_code",
    "body",
    "level",
    "term",
    "year",
    "women",
    "total",
    "share_pct",
    "source_title",
    "source_url",
    "source_date",
    "verification",
    "note",
]
VERIFICATION_TAGS = ("VERIFIED", "VERIFIED-EN", "PARTIAL", "UNVERIFIED")

COUNCIL_COLUMNS = _schema.COLUMNS["councils"]
KEY_LEADER_COLUMNS = _schema.COLUMNS["key_leaders"]
POOL_COLUMNS = _schema.COLUMNS["planning_pool"]


class LeadershipDataError(InputError, ValueError):
    """A leadership input file is unusable; ``findings`` locate every problem (file, row,
    column, reason in Vietnamese and English) and ``str()`` lists them, Vietnamese first.

    ``LeadershipDataError(findings=[...])``, or for one problem
    ``LeadershipDataError(file, reason_en, row=None, column=None, reason_vi=None, code="")``.
    ``file``, ``row``, ``column`` and ``reason`` (English) are those of the first finding.
    """

    def __init__(
        self,
        file=None,
        reason: str | None = None,
        row: int | None = None,
        column: str | None = None,
        *,
        reason_vi: str | None = None,
        code: str = "",
        findings=(),
    ):
        findings = list(findings)
        if reason is not None:
            findings.insert(0, Finding(str(file), reason_vi or reason, reason, code=code, row=row, column=column or ""))
        if not findings:
            raise TypeError("LeadershipDataError needs a reason or findings")
        first = findings[0]
        self.file, self.row, self.column, self.reason = first.file, first.row, first.column or None, first.reason_en
        super().__init__(findings=findings)


class LeadershipReferenceError(LeadershipDataError, ReferenceDataError):
    """``leadership_reference.csv`` (published figures, a reference file) is broken."""


# --------------------------------------------------------------------------- loading


def _find(data_root: Path, name: str) -> Path | None:
    """Processed copy if the build wrote one, else the raw file (raw is never modified)."""
    root = Path(data_root)
    for p in (root / "processed" / "leadership" / name, root / "processed" / name, root / "raw" / "leadership" / name):
        if p.exists():
            return p
    return None


def _read_csv(path: Path, columns: list[str], error=LeadershipReferenceError) -> pd.DataFrame:
    """A csv as stripped text with ``columns`` (all required), for the reference file."""
    df, problems = _schema.read_text_table(path)
    if df is None:
        raise error(findings=problems)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise error(
            path,
            f"missing column(s) {', '.join(missing)}; expected {', '.join(columns)}",
            row=1,
            reason_vi=f"thiếu cột {', '.join(missing)}; bảng cần các cột {', '.join(columns)}",
            code="missing_column",
        )
    return df[columns]


def _ints(
    df: pd.DataFrame, path: Path, cols: list[str], allow_empty: tuple[str, ...] = (), error=LeadershipReferenceError
) -> pd.DataFrame:
    """Whole-number text columns as float64 (empty → NaN where allowed), else ``error``."""
    out = df.copy()
    for c in cols:
        v = _schema.to_number(df[c])
        empty = df[c] == ""
        ok = (empty & (c in allow_empty)) | (v.notna() & v.abs().ne(np.inf) & (v >= 0) & (v == v.round()))
        bad = df.index[~ok]
        if len(bad):
            i = int(bad[0])
            raise error(
                path,
                f"{df.at[i, c]!r} must be a whole number ≥ 0",
                row=i + 2,
                column=c,
                reason_vi=f"{df.at[i, c]!r} phải là số nguyên ≥ 0",
                code="not_whole_nonneg",
            )
        out[c] = v
    return out


def read_table(table: str, path: str | Path) -> pd.DataFrame:
    """Read and check one leadership table with the schema ``me build`` uses.

    Inputs: ``table`` (``councils|key_leaders|planning_pool``), the csv path. Output: the
    columns of :data:`me_utils.intake.leadership_schema.COLUMNS` with counts as float64 (``year``
    int64, ``term`` as ``YYYY-YYYY``, ``data_status`` ``""`` when absent). Raises
    :class:`LeadershipDataError` carrying every finding (file, row, column, reason vi/en).
    """
    return filecache.read_once(path, _read_checked, table)


def _read_checked(path: Path, table: str) -> pd.DataFrame:
    df, problems = _schema.check_file(table, path)
    errors = [f for f in problems if f.severity == "error"]
    if errors:
        raise LeadershipDataError(findings=errors)
    return _schema.typed(table, df)


def read_councils(path: str | Path) -> pd.DataFrame:
    """Read and check ``councils.csv`` (schema in docs/CONTRACTS.md and
    :mod:`me_utils.intake.leadership_schema`).

    Output: DataFrame with ``term, level, unit_code`` (str), ``seats, women,
    ethnic_minority_women`` (float counts; ethnic_minority_women may be NaN) and ``data_status``.
    Raises :class:`LeadershipDataError` naming file, row and column for every bad value.
    """
    return read_table("councils", path)


def read_key_leaders(path: str | Path) -> pd.DataFrame:
    """Read and check ``key_leaders.csv``: year (int), unit_code, agencies,
    agencies_with_woman_key_leader (float counts), data_status. Raises LeadershipDataError."""
    return read_table("key_leaders", path)


def read_planning_pool(path: str | Path) -> pd.DataFrame:
    """Read and check ``planning_pool.csv``: year (int), unit_code, pool_size, women_in_pool,
    women_trained (float counts), data_status. Raises LeadershipDataError."""
    return read_table("planning_pool", path)


@dataclass
class LeadershipData:
    """The three leadership tables of a data root (None where the file is absent),
    the files they came from and whether they are illustrative."""

    councils: pd.DataFrame | None
    key_leaders: pd.DataFrame | None
    planning_pool: pd.DataFrame | None
    files: dict
    illustrative: bool


def load_leadership(data_root: str | Path) -> LeadershipData:
    """Load ``councils.csv``, ``key_leaders.csv`` and ``planning_pool.csv`` of a data root.

    Looks in ``processed/leadership/``, ``processed/`` then ``raw/leadership/``. A missing file
    gives None; a bad file raises :class:`LeadershipDataError`. ``illustrative`` is True when
    any row has ``data_status == 'illustrative'``.
    """
    root = paths.resolve_data_root(data_root)
    readers = {"councils": read_councils, "key_leaders": read_key_leaders, "planning_pool": read_planning_pool}
    out, files, illus = {}, {}, False
    for name, reader in readers.items():
        p = _find(root, f"{name}.csv")
        files[name] = p
        out[name] = reader(p) if p is not None else None
        if out[name] is not None:
            illus |= bool((out[name]["data_status"].str.lower() == "illustrative").any())
    return LeadershipData(files=files, illustrative=illus, **out)


def load_reference(path: str | Path | None = None) -> pd.DataFrame:
    """Read the real published leadership figures with their sources.

    Default path ``data/reference/leadership_reference.csv``. Output: DataFrame with the
    columns of :data:`REFERENCE_COLUMNS`; ``women``, ``total``, ``share_pct`` (percent) and
    ``year`` numeric. Every row must name a source (title and URL) and carry a verification
    tag; where counts are given, ``share_pct`` must agree with them to 0.01 points.
    """
    path = Path(path) if path is not None else paths.reference_dir() / REFERENCE_FILE
    df = _read_csv(path, REFERENCE_COLUMNS)
    err = LeadershipReferenceError
    for col in ("source_title", "source_url", "verification"):
        bad = df.index[df[col] == ""]
        if len(bad):
            raise err(
                path,
                f"{col} is required (real figures carry their source)",
                row=int(bad[0]) + 2,
                column=col,
                reason_vi=f"cần {col} (số liệu thật phải ghi nguồn)",
                code="source_required",
            )
    bad = df.index[~df["verification"].isin(VERIFICATION_TAGS)]
    if len(bad):
        raise err(
            path,
            f"verification must be one of {', '.join(VERIFICATION_TAGS)}",
            row=int(bad[0]) + 2,
            column="verification",
            reason_vi=f"verification phải là một trong {', '.join(VERIFICATION_TAGS)}",
            code="known_verification",
        )
    df = _ints(df, path, ["women", "total", "year"], allow_empty=("women", "total", "year"))
    share = _schema.to_number(df["share_pct"])
    bad = df.index[share.isna() | share.abs().eq(np.inf)]
    if len(bad):
        raise err(
            path,
            "share_pct must be a number",
            row=int(bad[0]) + 2,
            column="share_pct",
            reason_vi="share_pct phải là một số",
            code="not_a_number",
        )
    df["share_pct"] = share
    has = df["women"].notna() & df["total"].notna()
    calc = 100 * df["women"] / df["total"]
    bad = df.index[has & ((calc - df["share_pct"]).abs() > 0.01)]
    if len(bad):
        i = int(bad[0])
        raise err(
            path,
            f"share_pct {df.at[i, 'share_pct']} disagrees with women/total ({calc[i]:.2f})",
            row=i + 2,
            column="share_pct",
            code="share_matches_counts",
            reason_vi=f"share_pct {df.at[i, 'share_pct']} không khớp với women/total ({calc[i]:.2f})",
        )
    return df


def reference_council_shares(reference: pd.DataFrame) -> pd.DataFrame:
    """Published council/National Assembly shares (complete counts of seats: no interval).

    Output columns: ``figure_id, scope, body, level, term, women, total`` (counts, NaN when the
    source gives only a share), ``share_pct`` (percent), ``source_title, source_url,
    verification``.
    """
    ref = reference[reference["body"].isin(["people_council", "national_assembly"])]
    return ref[
        [
            "figure_id",
            "scope",
            "body",
            "level",
            "term",
            "women",
            "total",
            "share_pct",
            "source_title",
            "source_url",
            "verification",
        ]
    ].reset_index(drop=True)
