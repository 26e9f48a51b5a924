"""A small, deterministic xlsx writer for the demo submissions.

openpyxl stamps the save time into the file and is slow for dozens of small workbooks; this
writer produces the few SpreadsheetML parts a workbook needs (inline strings, numbers, a bold
style, merged cells, column widths, document properties) with every zip entry dated at a
given moment, so the same input always gives the same bytes. Files open in Excel and
LibreOffice and read back with openpyxl.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import zipfile
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment horizontal="center"/></xf></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)

#: style ids usable in :class:`Sheet.bold_rows` / ``centered``
NORMAL, BOLD, BOLD_CENTERED = 0, 1, 2


@dataclass
class Sheet:
    """One worksheet: ``rows`` (lists of str/int/float/None), 1-based ``bold_rows``, cell
    ranges to merge (``"A1:I1"``), column widths ``{column letter: width}``."""

    name: str
    rows: list[list]
    bold_rows: tuple[int, ...] = ()
    centered_rows: tuple[int, ...] = ()
    merges: tuple[str, ...] = ()
    widths: dict[str, float] = field(default_factory=dict)


def col_letter(i: int) -> str:
    """Column letter of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_index(letter: str) -> int:
    n = 0
    for ch in letter:
        n = n * 26 + ord(ch) - 64
    return n


def _num(x) -> str:
    if isinstance(x, bool):
        raise TypeError("booleans are not written as numbers")
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        raise ValueError(f"cannot write {x!r} to a cell")
    return repr(float(x))


def _sheet_xml(sh: Sheet) -> str:
    out = [f'{_HEAD}<worksheet xmlns="{_NS}" xmlns:r="{_NS_R}">']
    if sh.widths:
        out.append("<cols>")
        for letter in sorted(sh.widths, key=_col_index):
            i = _col_index(letter)
            out.append(f'<col min="{i}" max="{i}" width="{sh.widths[letter]:g}" customWidth="1"/>')
        out.append("</cols>")
    out.append("<sheetData>")
    for r_i, row in enumerate(sh.rows, start=1):
        style = BOLD_CENTERED if r_i in sh.centered_rows else BOLD if r_i in sh.bold_rows else NORMAL
        s_attr = f' s="{style}"' if style else ""
        cells = []
        for c_i, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{col_letter(c_i)}{r_i}"
            if isinstance(v, str):
                cells.append(f'<c r="{ref}"{s_attr} t="inlineStr"><is><t xml:space="preserve">{escape(v)}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}"{s_attr}><v>{_num(v)}</v></c>')
        out.append(f'<row r="{r_i}">{"".join(cells)}</row>' if cells else f'<row r="{r_i}"/>')
    out.append("</sheetData>")
    if sh.merges:
        out.append(f'<mergeCells count="{len(sh.merges)}">')
        out.extend(f'<mergeCell ref="{m}"/>' for m in sh.merges)
        out.append("</mergeCells>")
    out.append("</worksheet>")
    return "".join(out)


def _core_xml(props: dict[str, str], when: _dt.datetime) -> str:
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    tags = [
        ("dc:title", "title"),
        ("dc:subject", "subject"),
        ("dc:creator", "creator"),
        ("cp:keywords", "keywords"),
        ("dc:description", "description"),
        ("cp:lastModifiedBy", "last_modified_by"),
    ]
    body = "".join(f"<{t}>{escape(props[k])}</{t}>" for t, k in tags if props.get(k))
    return (
        f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{body}'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{iso}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{iso}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def workbook_bytes(sheets: list[Sheet], props: dict[str, str], when: _dt.datetime) -> bytes:
    """The xlsx file of ``sheets`` as bytes.

    ``props``: document properties (``title, subject, creator, keywords, description,
    last_modified_by``); ``when``: creation/modification time written into the properties and
    onto every zip entry. Same inputs -> same bytes.
    """
    n = len(sheets)
    ct = (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.extended-properties+xml"/></Types>'
    )
    rels = (
        f'{_HEAD}<Relationships xmlns="{_NS_PR}">'
        f'<Relationship Id="rId1" Type="{_NS_R}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_NS_PR}/metadata/core-properties" '
        'Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_NS_R}/extended-properties" '
        'Target="docProps/app.xml"/></Relationships>'
    )
    app = (
        f'{_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Application>Microsoft Excel</Application></Properties>'
    )
    wb = (
        f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_NS_R}"><sheets>'
        + "".join(
            f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    wb_rels = (
        f'{_HEAD}<Relationships xmlns="{_NS_PR}">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="{_NS_R}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{_NS_R}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    parts = [
        ("[Content_Types].xml", ct),
        ("_rels/.rels", rels),
        ("docProps/app.xml", app),
        ("docProps/core.xml", _core_xml(props, when)),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/styles.xml", _STYLES),
    ]
    parts += [(f"xl/worksheets/sheet{i}.xml", _sheet_xml(s)) for i, s in enumerate(sheets, 1)]
    buf = io.BytesIO()
    stamp = (when.year, when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            zi = zipfile.ZipInfo(name, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, text.encode("utf-8"))
    return buf.getvalue()
