"""The fast, streaming xlsx reader (defusedxml iterparse, every cap checked while reading)."""

from __future__ import annotations

import re
import zipfile

from defusedxml.ElementTree import fromstring as _safe_fromstring
from defusedxml.ElementTree import iterparse as _safe_iterparse

from me_utils.intake.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLS,
    MAX_ROWS,
    MAX_TREE_PART_BYTES,
    FileError,
    Grid,
    cell_too_long,
    col_letters,
    mib,
    n_vi,
    open_xlsx_package,
    too_many_cols,
    too_many_rows,
)

# A small reader of the xlsx XML for the common case: about five times faster than openpyxl's
# object model on small submissions (the build of 200 files is dominated by it). It returns the
# same grids as read_xlsx_openpyxl (tested on the corpus and the demo files); anything it does
# not expect raises, and read_xlsx_grids then falls back to openpyxl. Sheets and shared strings
# are streamed (iterparse, each row dropped once read) through defusedxml, which refuses DTDs
# and entity expansion ("billion laughs"); every cap is checked while streaming.
_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_RE = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _tree_part(zf: zipfile.ZipFile, name: str):
    """Parse a small part (workbook, relationships, styles) whole, through defusedxml."""
    if zf.getinfo(name).file_size > MAX_TREE_PART_BYTES:
        raise FileError(
            "xlsx_too_large",
            f"thành phần “{name}” của sổ làm việc quá lớn ({mib(zf.getinfo(name).file_size)})",
            f"part “{name}” of the workbook is too large ({mib(zf.getinfo(name).file_size)})",
        )
    return _safe_fromstring(zf.read(name))


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    shared: list[str] = []
    with zf.open("xl/sharedStrings.xml") as fh:
        for _event, el in _safe_iterparse(fh, events=("end",)):
            if _local(el.tag) != "si":
                continue
            parts = []
            for sub in el.iter():
                if _local(sub.tag) == "rPh":
                    raise ValueError("phonetic runs")  # rare: let openpyxl handle them
                if _local(sub.tag) == "t" and sub.text:
                    parts.append(sub.text)
            shared.append("".join(parts))
            el.clear()
            if len(shared) > MAX_CELLS:
                raise FileError(
                    "xlsx_too_large",
                    f"sổ làm việc có hơn {n_vi(MAX_CELLS)} chuỗi văn bản",
                    f"the workbook holds more than {MAX_CELLS:,} text strings",
                )
    return shared


def read_xlsx_fast(data: bytes) -> list[Grid]:
    """Read the sheets of an xlsx workbook from its XML (values, percent formats, dates,
    merged ranges, formulas without cached values). Raises :class:`FileError` for a cap
    (see :func:`open_xlsx_package`, :data:`MAX_ROWS`, :data:`MAX_COLS`, :data:`MAX_CELLS`,
    :data:`MAX_CELL_CHARS`) and another exception on anything unexpected."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    zf = open_xlsx_package(data)
    names = set(zf.namelist())
    wb = _tree_part(zf, "xl/workbook.xml")
    rels = _tree_part(zf, "xl/_rels/workbook.xml.rels")
    targets = {}
    for r in rels:
        t = r.get("Target", "")
        targets[r.get("Id")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    epoch = CALENDAR_WINDOWS_1900
    for el in wb:
        if _local(el.tag) == "workbookPr" and el.get("date1904") in ("1", "true"):
            epoch = CALENDAR_MAC_1904
    shared = _shared_strings(zf) if "xl/sharedStrings.xml" in names else []
    # Styles: which cell formats are percent or date formats.
    pct_xf, date_xf = set(), set()
    style_name = "xl/styles.xml"
    if style_name in names:
        st = _tree_part(zf, style_name)
        custom = {}
        xfs = []
        for el in st:
            if _local(el.tag) == "numFmts":
                for nf in el:
                    custom[int(nf.get("numFmtId"))] = nf.get("formatCode", "")
            elif _local(el.tag) == "cellXfs":
                xfs = [int(xf.get("numFmtId", "0")) for xf in el]
        for i, fid in enumerate(xfs):
            code = custom.get(fid, BUILTIN_FORMATS.get(fid, "General"))
            if "%" in code:
                pct_xf.add(i)
            if is_date_format(code):
                date_xf.add(i)
    grids = []
    sheets_el = next(el for el in wb if _local(el.tag) == "sheets")
    for sh in sheets_el:
        title = sh.get("name")
        state = sh.get("state", "visible")
        if state != "visible" and title.lower().startswith("_"):
            continue
        target = targets[sh.get(f"{{{_NS_REL}}}id")]
        cells: dict[tuple[int, int], object] = {}
        percent, fmiss, formulas = set(), set(), {}
        merges = []
        n_cells = 0
        r_i, r_auto, c_auto = 0, 0, 0
        parent = None
        with zf.open(target) as fh:
            for event, el in _safe_iterparse(fh, events=("start", "end")):
                tag = _local(el.tag)
                if event == "start":
                    if tag == "sheetData":
                        parent = el
                    elif tag == "row":
                        r_attr = el.get("r")
                        r_i = int(r_attr) - 1 if r_attr else r_auto
                        r_auto, c_auto = r_i + 1, 0
                    continue
                if tag == "row":
                    el.clear()
                    if parent is not None:
                        parent.remove(el)  # the only child left: constant time
                    continue
                if tag == "mergeCell":
                    merges.append(el.get("ref"))
                    continue
                if tag != "c":
                    continue
                c = el
                n_cells += 1
                if n_cells > MAX_CELLS:
                    raise FileError(
                        "xlsx_too_large",
                        f"trang tính có hơn {n_vi(MAX_CELLS)} ô",
                        f"the sheet has more than {MAX_CELLS:,} cells",
                        sheet=title,
                    )
                ref = c.get("r")
                if ref:
                    m = _CELL_RE.match(ref)
                    if not m:
                        raise ValueError(ref)
                    c_i = _col_index(m.group(1))
                else:
                    c_i = c_auto
                c_auto = c_i + 1
                t = c.get("t", "n")
                s_idx = int(c.get("s", "0"))
                v_el = f_el = is_el = None
                for ch in c:
                    lt = _local(ch.tag)
                    if lt == "v":
                        v_el = ch
                    elif lt == "f":
                        f_el = ch
                    elif lt == "is":
                        is_el = ch
                raw = v_el.text if v_el is not None else None
                if t == "s":
                    val = shared[int(raw)] if raw is not None else None
                elif t == "inlineStr":
                    val = (
                        "".join(x.text or "" for x in is_el.iter() if _local(x.tag) == "t")
                        if is_el is not None
                        else None
                    )
                elif t in ("str", "e"):
                    val = raw
                elif t == "b":
                    val = None if raw is None else raw.strip() in ("1", "true")
                elif t == "n":
                    if raw is None or raw == "":
                        val = None
                    else:
                        val = float(raw) if any(ch in raw for ch in ".eE") else int(raw)
                        if s_idx in date_xf:
                            val = from_excel(val, epoch)
                        elif s_idx in pct_xf:
                            percent.add((r_i, c_i))
                else:
                    raise ValueError(f"cell type {t}")
                if val is not None or f_el is not None:
                    if r_i >= MAX_ROWS:
                        raise too_many_rows(r_i + 1, title)
                    if c_i >= MAX_COLS:
                        raise too_many_cols(r_i + 1, col_letters(c_i), title)
                    if isinstance(val, str) and len(val) > MAX_CELL_CHARS:
                        raise cell_too_long(r_i + 1, col_letters(c_i), len(val), title)
                if f_el is not None:
                    ftext = f_el.text
                    if ftext is None:
                        raise ValueError("shared formula")  # openpyxl expands these
                    formulas[(r_i, c_i)] = "=" + ftext
                    if val is None:
                        fmiss.add((r_i, c_i))
                if val is not None:
                    cells[(r_i, c_i)] = val
                c.clear()
        keys = list(cells) + list(fmiss)
        max_r = max((k[0] for k in keys), default=-1) + 1
        max_c = max((k[1] for k in keys), default=-1) + 1
        merged_area = 0
        for ref in merges:
            a, _, b = ref.partition(":")
            ma, mb = _CELL_RE.match(a), _CELL_RE.match(b or a)
            r0, c0 = int(ma.group(2)) - 1, _col_index(ma.group(1))
            r1, c1 = int(mb.group(2)) - 1, _col_index(mb.group(1))
            max_r, max_c = max(max_r, min(r1 + 1, max_r)), max(max_c, min(c1 + 1, max_c))
            # Many huge merged ranges would be filled cell by cell: bound the work.
            merged_area += max(0, min(r1, max_r - 1) - r0 + 1) * max(0, min(c1, max_c - 1) - c0 + 1)
            if merged_area > MAX_CELLS:
                raise FileError(
                    "xlsx_too_large",
                    f"các vùng ô gộp trên trang tính vượt {n_vi(MAX_CELLS)} ô",
                    f"the merged ranges of the sheet exceed {MAX_CELLS:,} cells",
                    sheet=title,
                )
            top = cells.get((r0, c0))
            for r in range(r0, min(r1, max_r - 1) + 1):
                for cc in range(c0, min(c1, max_c - 1) + 1):
                    if top is None:
                        cells.pop((r, cc), None)
                    else:
                        cells[(r, cc)] = top
        rows = [[None] * max_c for _ in range(max_r)]
        for (r, cc), v in cells.items():
            rows[r][cc] = v
        grids.append(
            Grid(
                sheet=title,
                rows=rows,
                row_numbers=list(range(1, max_r + 1)),
                percent=percent,
                formula_missing=fmiss,
                formulas=formulas,
            )
        )
    return grids
