"""One exception hierarchy and one located-finding type for the whole package (core layer).

Every error the package raises on purpose is a :class:`MeError`, in one of six families:

- :class:`InputError` — a data file someone sent is unusable (submission, GBV register,
  leadership tables, …); carries the located :class:`Finding` objects that say why;
- :class:`ReferenceDataError` — a reference file of the project is broken (indicator
  catalogue, ``units.csv``, plan, published leadership figures);
- :class:`BuildError` — ``me build`` cannot complete;
- :class:`ReportError` — a report cannot be computed or rendered;
- :class:`DisclosureError` — a table about to be shown would disclose identifiers or small
  counts;
- :class:`UsageError` — bad command-line input or notebook declaration.

The package's older exception classes subclass one family *and* keep their historical base
(``class CatalogueError(ReferenceDataError, ValueError)``), so ``except ValueError`` in
existing code still catches them.

A :class:`Finding` is one located, bilingual problem: file, sheet, row, column, severity,
code and the reason in Vietnamese and English. It has no field for the cell value on purpose:
GBV cells (case ids, dates) must never reach a message, a log or an output, so a value can
only appear when the code that words the reason chose to put it there for a non-sensitive
table.

This module imports nothing from ``me_utils``: every other layer may import it.
"""

from __future__ import annotations

from dataclasses import dataclass

SEVERITIES = ("error", "warning", "info")

_WORDS = {  # (vi, en) of each part of a location
    "file": ("tệp", "file"),
    "sheet": ("trang tính", "sheet"),
    "row": ("dòng", "row"),
    "column": ("cột", "column"),
}


def _lang(lang: str) -> int:
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    return 0 if lang == "vi" else 1


@dataclass(frozen=True)
class Finding:
    """One located problem in a file, worded in Vietnamese and English.

    Fields: ``file`` (path or name as the user knows it), ``sheet`` (sheet name; ``""`` for a
    csv, shown as ``–``), ``row`` (1-based line of the file or sheet, the header being row 1;
    None for a file-level finding), ``column`` (header text; ``""`` when the whole row or file
    is concerned), ``severity`` (``error|warning|info``), ``code`` (stable machine code, e.g.
    ``seats_ge_1``), ``reason_vi``, ``reason_en``. There is deliberately no cell-value field
    (see the module docstring).
    """

    file: str
    reason_vi: str
    reason_en: str
    code: str = ""
    severity: str = "error"
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {', '.join(SEVERITIES)}, got {self.severity!r}")
        if self.row is not None:
            object.__setattr__(self, "row", int(self.row))
        object.__setattr__(self, "file", str(self.file))

    def location(self, lang: str = "vi") -> str:
        """``'tệp X, trang tính –, dòng 4, cột seats'`` / ``'file X, sheet –, row 4, column seats'``.

        The file and sheet are always named (``–`` for a csv, which has no sheet); row and
        column only when known.
        """
        i = _lang(lang)
        parts = [f"{_WORDS['file'][i]} {self.file}", f"{_WORDS['sheet'][i]} {self.sheet or '–'}"]
        if self.row is not None:
            parts.append(f"{_WORDS['row'][i]} {self.row}")
        if self.column:
            parts.append(f"{_WORDS['column'][i]} {self.column}")
        return ", ".join(parts)

    def reason(self, lang: str = "vi") -> str:
        """The reason in the report language."""
        return (self.reason_vi, self.reason_en)[_lang(lang)]

    def format(self, lang: str = "vi") -> str:
        """One line: ``'<file>, <sheet>, <row>, <column>: <reason>'`` in ``lang`` (vi|en)."""
        return f"{self.location(lang)}: {self.reason(lang)}"

    def as_dict(self) -> dict:
        """The fields as a plain dict (for a findings table)."""
        return {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "reason_vi": self.reason_vi,
            "reason_en": self.reason_en,
        }


def format_findings(findings, lang: str = "vi", limit: int = 20) -> str:
    """Findings as lines of :meth:`Finding.format`, at most ``limit`` of them, then
    ``'… và N vấn đề khác'`` / ``'… and N more'``."""
    findings = list(findings)
    lines = [f.format(lang) for f in findings[:limit]]
    extra = len(findings) - limit
    if extra > 0:
        lines.append((f"… và {extra} vấn đề khác", f"… and {extra} more")[_lang(lang)])
    return "\n".join(lines)


class MeError(Exception):
    """Base of every error ``me_utils`` raises on purpose.

    ``MeError(message, findings=[...])``; ``findings`` (a tuple of :class:`Finding`, possibly
    empty) locate the problem. With findings and no message, the message is the findings in
    Vietnamese then English (``str(exc)`` is never empty).
    """

    def __init__(self, *args, findings=()):
        self.findings: tuple[Finding, ...] = tuple(findings)
        if not args and self.findings:
            args = (format_findings(self.findings, "vi") + "\n" + format_findings(self.findings, "en"),)
        super().__init__(*args)

    def text(self, lang: str = "vi", limit: int = 20) -> str:
        """The message in one language: the findings when there are any, else ``str(self)``."""
        if self.findings:
            return format_findings(self.findings, lang, limit)
        return str(self)


class InputError(MeError):
    """A data file someone sent (submission, register, leadership table…) is unusable."""


class ReferenceDataError(MeError):
    """A reference file of the project (catalogue, units, plan, published figures) is broken."""


class BuildError(MeError):
    """``me build`` cannot complete; nothing under ``processed/`` was replaced."""


class ReportError(MeError):
    """A report (or one of its figures) cannot be computed or rendered."""


class DisclosureError(MeError):
    """A table about to be shown would disclose identifiers or small counts."""


class UsageError(MeError):
    """Bad command-line input or notebook declaration (the user can fix it)."""


#: Longest one-line error text a run record, the index or the console shows.
SHORT_LIMIT = 200


def short_message(exc: BaseException | str, limit: int = SHORT_LIMIT, with_name: bool = True) -> str:
    """One line naming an exception: ``'<ClassName>: <first line of its message>'``.

    ``exc`` is an exception (or an already stored message text, which has no class name);
    ``with_name=False`` leaves the class name out (for a record that stores it apart, like the
    runner's ``ename``/``evalue``). At most ``limit`` characters (cut with ``…``). Only the first
    line is kept because later lines of some messages (pandas errors append the offending rows,
    the findings of an :class:`InputError` follow their first line) can carry row-level data;
    tabs become spaces. ``limit`` must be at least 2.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    text = str(exc).strip().replace("\r", "\n").replace("\t", " ")
    first = (text.splitlines() or [""])[0].strip()
    name = type(exc).__name__ if with_name and isinstance(exc, BaseException) else ""
    line = f"{name}: {first}" if name and first else name or first
    return line if len(line) <= limit else line[: limit - 1] + "…"


__all__ = [
    "SEVERITIES",
    "Finding",
    "format_findings",
    "MeError",
    "InputError",
    "ReferenceDataError",
    "BuildError",
    "ReportError",
    "DisclosureError",
    "UsageError",
    "short_message",
    "SHORT_LIMIT",
]
