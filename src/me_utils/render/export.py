"""Render an executed report notebook to one self-contained, offline HTML page.

The page uses the house nbconvert template (``templates/me_report``, extending ``lab``) with
every CDN script block emptied, no code cells (``exclude_input``), a server-side table of
contents built from the ``<h1>``–``<h3>`` headings, the illustrative-data banner in the page
header (and as the running head of every printed page) when the data are generated, a folded
"Thông tin kỹ thuật" block (data check code, software version, source revision, settings, run
time and date) in the report language, alt text on every image, and tables marked up for print
(page numbers, repeated headers, rows not split) and for phones (rows as cards at 390 px). Files are written atomically (temp file, then
``os.replace``) so a report appears only when complete.
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from me_utils import __version__
from me_utils.core import errors as _errors
from me_utils.core import fmt
from me_utils.core.atomic import atomic_write_bytes, atomic_write_text  # noqa: F401 (re-exported)
from me_utils.core.labels import LABELS, label
from me_utils.core.notice import illustrative_notice
from me_utils.reference.units import load_units
from me_utils.render import templating

TEMPLATE_NAME = "me_report"
#: Size budget of one report page (issue 7: at most 3 MB).
MAX_REPORT_BYTES = 3 * 1024 * 1024
#: Above this share of the budget the runner logs a warning.
WARN_SHARE = 0.8

#: Stylesheets shipped with the template, inlined into every page in this order.
CSS_FILES = ("report.css", "phone.css", "print.css")


class ReportTooLarge(_errors.ReportError, RuntimeError):
    """The rendered page exceeds the size budget (bytes given in the message)."""


@dataclass(frozen=True)
class Provenance:
    """What the footer states about how a report was made.

    ``manifest_hash`` (str or None when no processed manifest), ``version`` (me_utils
    version), ``git`` (short commit, ``+dirty`` when the tree has changes, or None outside a
    repository), ``parameters`` (dict of the notebook parameters), ``run_seconds`` (notebook
    execution time, seconds), ``run_at`` (aware datetime of the run start).
    """

    manifest_hash: str | None
    version: str
    git: str | None
    parameters: dict
    run_seconds: float
    run_at: _dt.datetime


# --------------------------------------------------------------------------- atomic files


# --------------------------------------------------------------------------- provenance


def git_revision(root: str | os.PathLike) -> str | None:
    """Short commit of the repository at ``root``, with ``+dirty`` when tracked files differ
    from it; None when ``root`` is not a git work tree or git is missing."""
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    rev = head.stdout.strip()
    if status.returncode == 0 and status.stdout.strip():
        rev += "+dirty"
    return rev


def _unit_name(code: str, lang: str) -> str:
    try:
        return load_units().name(code, lang)
    except (KeyError, ValueError, OSError):  # unknown code: shown as given, the export goes on
        return str(code)


def settings_text(params: dict, lang: str, illustrative: bool | None = None) -> list[tuple[str, str]]:
    """The notebook parameters as (label, value) pairs a reviewer can read: unit name, period,
    language, which data (illustrative or reported — never a folder path), cut-off date,
    assessment method and suppression threshold. Parameters without a label are listed as
    ``name = value`` under "other settings"; folders (``data_root``, ``output_dir``) are
    never shown."""
    L = lambda k, **f: label(k, lang, **f)  # noqa: E731
    p = dict(params)
    rows: list[tuple[str, str]] = []
    if "unit" in p:
        rows.append((L("param_unit"), _unit_name(p.pop("unit"), lang)))
    ps, pe = p.pop("period_start", None), p.pop("period_end", None)
    if ps is not None or pe is not None:
        ends = [str(v) for v in (ps, pe) if v is not None]
        rows.append((L("param_period"), "–".join(dict.fromkeys(ends))))
    if "lang" in p:
        v = p.pop("lang")
        rows.append((L("param_lang"), L(f"lang_{v}") if v in ("vi", "en") else str(v)))
    p.pop("data_root", None)
    p.pop("output_dir", None)
    if illustrative is not None:
        rows.append((L("param_data"), L("data_illustrative" if illustrative else "data_real")))
    if "as_of" in p:
        v = p.pop("as_of")
        try:
            v = fmt.fmt_date(_dt.date.fromisoformat(str(v)), lang)
        except ValueError:
            pass
        rows.append((L("param_as_of"), str(v)))
    if "headline_method" in p:
        v = str(p.pop("headline_method"))
        rows.append((L("param_headline_method"), L(f"method_{v}") if f"method_{v}" in LABELS else v))
    if "suppression_threshold" in p:
        rows.append((L("param_suppression_threshold"), str(p.pop("suppression_threshold"))))
    if p:
        rows.append((L("param_other"), "; ".join(f"{k} = {'' if v == '' else v}" for k, v in p.items())))
    return rows


def footer_html(prov: Provenance, lang: str, illustrative: bool | None = None) -> str:
    """The folded "Thông tin kỹ thuật" block (report language) as an HTML fragment: data check
    code (manifest hash), software version, source revision, report settings, run time, date."""
    L = lambda k, **f: label(k, lang, **f)  # noqa: E731
    run_at = prov.run_at.astimezone(_dt.UTC)
    when = f"{fmt.fmt_date(run_at.date(), lang)} {run_at:%H:%M} UTC"
    if prov.git:
        rev = prov.git.replace("+dirty", f" ({L('source_revision_dirty')})")
    else:
        rev = L("source_revision_unknown")
    settings = "; ".join(f"{k}: {v}" for k, v in settings_text(prov.parameters, lang, illustrative))
    rows = [
        (L("data_fingerprint"), prov.manifest_hash or L("data_fingerprint_none")),
        (L("software_version"), prov.version),
        (L("source_revision"), rev),
        (L("run_settings"), settings),
        (L("run_time"), f"{fmt.fmt_number(prov.run_seconds, 1, lang)} {L('seconds')}"),
        (L("run_date"), when),
    ]
    return templating.render("footer.html.j2", summary=L("technical_info"), note=L("technical_info_note"), rows=rows)


def banner_html(lang: str) -> str:
    """The illustrative-data banner (``templates/html/banner.html.j2``) as an HTML fragment:
    "Dữ liệu minh họa / Illustrative data" in both languages, the report language first, and
    what it means in the report language. Used in the report page's header and the index."""
    first, second, body = illustrative_notice(lang)
    return templating.render("banner.html.j2", first=first, second=second, body=body)


# --------------------------------------------------------------------------- table of contents

_HEADING = re.compile(r"<h([1-3])(\s[^>]*)?>(.*?)</h\1>", re.S | re.I)
_ID = re.compile(r'\sid="([^"]*)"')
_TAG = re.compile(r"<[^>]+>")


def add_toc(page: str, lang: str) -> str:
    """Give every ``<h1>``–``<h3>`` in ``<main>`` a unique id and put a nested table of
    contents at the ``<!--ME_TOC-->`` marker (removed when there is no heading).

    Server-side: the page needs no script. Returns the new page.
    """
    start = page.find("<main>")
    if start < 0:
        return page.replace("<!--ME_TOC-->", "")
    head, body = page[:start], page[start:]
    seen: set[str] = set()
    entries: list[tuple[int, str, str]] = []

    def fix(m: re.Match) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2) or "", m.group(3)
        text = _html.unescape(_TAG.sub("", inner)).replace("¶", "").strip()
        if not text:
            return m.group(0)
        idm = _ID.search(attrs)
        old = idm.group(1) if idm else None
        base = old or f"me-h-{len(entries) + 1}"
        new, k = base, 2
        while new in seen:
            new, k = f"{base}-{k}", k + 1
        seen.add(new)
        entries.append((level, new, text))
        if old is None:
            attrs = f' id="{new}"' + attrs
        elif new != old:
            attrs = attrs.replace(f'id="{old}"', f'id="{new}"', 1)
            inner = inner.replace(f'href="#{old}"', f'href="#{new}"')
        return f"<h{level}{attrs}>{inner}</h{level}>"

    body = _HEADING.sub(fix, body)
    if not entries:
        return head.replace("<!--ME_TOC-->", "") + body
    top = min(lv for lv, _, _ in entries)
    parts = [
        '<nav class="me-toc" aria-label="{0}"><p class="me-toc-title">{0}</p>'.format(_html.escape(label("toc", lang)))
    ]
    depth = 0
    for level, hid, text in entries:
        # A skipped level (h1 then h3) nests one step only, so every <ul> sits in an <li>.
        want = min(level - top + 1, depth + 1)
        if want > depth:
            parts.append("<ul>")
            depth += 1
        else:
            while depth > want:
                parts.append("</li></ul>")
                depth -= 1
            parts.append("</li>")
        parts.append(f'<li class="me-toc-l{want}"><a href="#{hid}">{_html.escape(text)}</a>')
    parts.append("</li></ul>" * depth + "</nav>")
    return head.replace("<!--ME_TOC-->", "".join(parts)) + body


# --------------------------------------------------------------------------- export

_EXPORTER = None
#: Tag of the report notebooks' markdown outline cells, which the page leaves out.
OUTLINE_TAG = "notebook-outline"


def template_dir() -> Path:
    """Folder holding the house nbconvert template (shipped as package data)."""
    return Path(__file__).resolve().parent / "templates"


def exporter():
    # Building an HTMLExporter loads the Jinja templates (~0.1 s); reuse one per process.
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter

        _EXPORTER = HTMLExporter(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(template_dir())],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
        )
        # Cells tagged OUTLINE_TAG are the notebook's own outline for JupyterLab (bilingual,
        # static); the page gets its headings from the report's outputs, in the report language.
        from nbconvert.preprocessors import TagRemovePreprocessor

        _EXPORTER.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={OUTLINE_TAG}), enabled=True)
    return _EXPORTER


def page_css(lang: str, illustrative: bool) -> str:
    """The page's stylesheet: the shipped CSS files plus the ``@page`` rule with the report
    language's words — page numbers "Trang n / N" on every printed page and, for
    illustrative data, the warning as a running head on every page."""
    parts = [(template_dir() / TEMPLATE_NAME / name).read_text(encoding="utf-8") for name in CSS_FILES]
    q = lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'  # noqa: E731
    head = (
        (
            f"  @top-center {{ content: {q(label('illustrative_running_head', lang))}; color: #A04000;"
            ' font: 600 8.5pt "DejaVu Sans", sans-serif; }\n'
        )
        if illustrative
        else ""
    )
    parts.append(
        "@page {\n  size: A4 landscape;\n  margin: 15mm 10mm 14mm 10mm;\n"
        + head
        + f"  @bottom-right {{ content: {q(label('page', lang) + ' ')} counter(page) "
        + f"{q(' ' + label('page_of', lang) + ' ')} counter(pages);"
        + ' font: 8.5pt "DejaVu Sans", sans-serif; color: #333; }\n}\n'
    )
    return "\n".join(parts)


_MD_HEADING = re.compile(r"^\s{0,3}#{1,4}\s+(.+?)\s*#*\s*$", re.M)


def _heading_of(text: str) -> str | None:
    found = _MD_HEADING.findall(text or "")
    return _TAG.sub("", found[-1]).strip() if found else None


def fill_alt_text(nb, lang: str) -> int:
    """Give every PNG/JPEG output of ``nb`` without alt text a description in the report
    language: "Biểu đồ của mục «<nearest heading above>»". Figures shown with
    :func:`me_utils.core.style.show_figure` carry their own alt text and are left alone. Mutates
    ``nb``; returns how many images got the fallback."""
    section = None
    filled = 0
    for cell in nb.cells:
        if cell.get("cell_type") == "markdown":
            section = _heading_of("".join(cell.get("source", ""))) or section
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                text = data["text/markdown"]
                section = _heading_of("".join(text) if isinstance(text, list) else text) or section
            for mime in ("image/png", "image/jpeg"):
                if mime not in data:
                    continue
                md = out.setdefault("metadata", {})
                sub = dict(md.get(mime, {}) or {})
                if not str(sub.get("alt", "")).strip():
                    sub["alt"] = (
                        label("chart_fallback_alt", lang, section=section)
                        if section
                        else label("chart_fallback_alt_bare", lang)
                    )
                    filled += 1
                md[mime] = sub
    return filled


_NUMERIC_CELL = re.compile(
    r"^[\s+\-−–]*(?:[<>≤≥~]\s*)?[\d.,\s]*\d[\d.,]*\s*(?:%|‰)?(?:\s*\([^()]*\))?\s*(?:⚠)?\s*$"
    r"|^[–x✓\s]*$"
)
_CODE_CELL = re.compile(r"^(?:M\d\.C\d[ab]?|[A-Z]{1,3}\.\d)$")


def _cell_kind(text: str) -> str | None:
    t = text.strip()
    if not t:
        return None
    if _CODE_CELL.match(t):
        return "me-code"
    if _NUMERIC_CELL.match(t) and any(ch.isdigit() for ch in t):
        return "me-num"
    if len(t) > 60:
        return "me-longtext"
    return None


def decorate_tables(page: str) -> str:
    """Prepare every table in ``<main>`` for print and phone: each ``<td>`` gets
    ``data-label`` = its column header (the phone layout shows rows as cards) and a class —
    ``me-num`` for numbers (right-aligned), ``me-code`` for indicator codes (no wrap),
    ``me-longtext`` for long text (a minimum width, so it is not squeezed to a word a line).
    Returns the new page."""
    start = page.find("<main>")
    end = page.rfind("</main>")
    if start < 0 or end < 0:
        return page
    main = page[start:end]
    # Only the tables are parsed (each on its own, as before): the rest of <main> holds the
    # charts' base64 images, and parsing those was most of the export's time.
    pieces = _TABLE.split(main)
    if any(p.count("<table") > 1 for p in pieces[1::2]):
        return page[:start] + _decorate_fragment(main) + page[end:]
    pieces[1::2] = [_decorate_fragment(p) for p in pieces[1::2]]
    return page[:start] + "".join(pieces) + page[end:]


_TABLE = re.compile(r"(<table\b.*?</table>)", re.S)


def _decorate_fragment(fragment: str) -> str:
    """:func:`decorate_tables` on one HTML fragment: every table in it, returned as text."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(fragment, "html.parser")
    for table in soup.find_all("table"):
        head_rows = table.thead.find_all("tr") if table.thead else []
        names: list[str] = []
        if head_rows:
            # Several header rows (pandas MultiIndex columns): join the levels per column.
            grid: list[list[str]] = []
            for tr in head_rows:
                row: list[str] = []
                for th in tr.find_all(["th", "td"]):
                    row += [th.get_text(" ", strip=True)] * int(th.get("colspan", 1) or 1)
                grid.append(row)
            width = max(len(r) for r in grid)
            for i in range(width):
                bits = [r[i] for r in grid if i < len(r) and r[i]]
                names.append(" – ".join(dict.fromkeys(bits)))
        body_rows = table.tbody.find_all("tr") if table.tbody else table.find_all("tr")[len(head_rows) :]
        kinds: dict[int, set] = {}
        for tr in body_rows:
            col = 0
            for cell in tr.find_all(["td", "th"], recursive=False):
                span = int(cell.get("colspan", 1) or 1)
                if cell.name == "td":
                    if names and col < len(names) and "data-label" not in cell.attrs:
                        cell["data-label"] = names[col]
                    text = cell.get_text(" ", strip=True)
                    kind = _cell_kind(text)
                    if kind:
                        cell["class"] = list(cell.get("class", [])) + [kind]
                    if text and text != fmt.MISSING and span == 1:
                        kinds.setdefault(col, set()).add(kind)
                col += span
        if head_rows:
            # A column of numbers gets a right-aligned header, above its numbers.
            col = 0
            for th in head_rows[-1].find_all(["th", "td"], recursive=False):
                span = int(th.get("colspan", 1) or 1)
                if span == 1 and "me-longtext" in kinds.get(col, ()):
                    # Print gives a column of long text a share of a wide table (print.css).
                    th["class"] = list(th.get("class", [])) + ["me-longtext"]
                if span == 1 and kinds.get(col) == {"me-num"}:
                    th["class"] = list(th.get("class", [])) + ["me-num"]
                    # An inline "text-align" would beat the class: the header goes with its numbers.
                    style = re.sub(r"text-align\s*:\s*\w+;?", "", th.get("style", "")).strip()
                    if style:
                        th["style"] = style
                    elif "style" in th.attrs:
                        del th["style"]
                col += span
    return str(soup)


def render_html(nb, *, title: str, lang: str, provenance: Provenance, illustrative: bool) -> str:
    """Return the report page for the executed notebook ``nb`` (an nbformat node).

    ``title`` goes to ``<title>``; ``lang`` (``vi``/``en``) sets ``<html lang>`` and the
    labels; ``illustrative`` adds the bilingual banner to the page header and the running
    head of printed pages. Images get alt text (:func:`fill_alt_text`), tables the print and
    phone markup (:func:`decorate_tables`). ``nb`` itself is not changed.
    """
    import copy

    fmt.check_lang(lang)
    exp = exporter()
    exp.language_code = lang
    nb = copy.deepcopy(nb)
    nb.metadata = dict(nb.metadata)
    nb.metadata.pop("title", None)
    fill_alt_text(nb, lang)

    resources = {
        "metadata": {"name": title},
        "me": {
            "version": __version__,
            "css": page_css(lang, illustrative),
            "header_html": banner_html(lang) if illustrative else "",
            "footer_html": footer_html(provenance, lang, illustrative),
        },
    }
    page, _ = exp.from_notebook_node(nb, resources=resources)
    return decorate_tables(add_toc(page, lang))


def export_html(
    nb,
    out_path: str | os.PathLike,
    *,
    title: str,
    lang: str,
    provenance: Provenance,
    illustrative: bool,
    max_bytes: int = MAX_REPORT_BYTES,
) -> int:
    """Render ``nb`` and write it atomically to ``out_path``; return the size in bytes.

    Raises :class:`ReportTooLarge` (and writes nothing) when the page exceeds ``max_bytes``.
    """
    page = render_html(nb, title=title, lang=lang, provenance=provenance, illustrative=illustrative)
    data = page.encode("utf-8")
    if len(data) > max_bytes:
        raise ReportTooLarge(
            f"{Path(out_path).name}: {len(data) / 1e6:.2f} MB exceeds the report budget of "
            f"{max_bytes / 1e6:.2f} MB (reduce figure size/dpi or table rows)"
        )
    atomic_write_bytes(out_path, data, fsync=True)
    return len(data)


_EXTERNAL = re.compile(
    r"<(script|link|img|iframe|source|video|audio|embed)\b[^>]*\s(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.I,
)
_CSS_URL = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])\s*(?:https?:)?//", re.I)


def external_references(page: str) -> list[str]:
    """Return snippets of ``page`` that would load something over the network: an http(s) or
    protocol-relative URL in ``src``/``href`` of script, link, img and media tags, or in a CSS
    ``url()``/``@import``. Plain ``<a href=http…>`` links are not loads and are allowed."""
    found = [page[m.start() : m.start() + 120] for m in _EXTERNAL.finditer(page)]
    found += [page[m.start() : m.start() + 120] for m in _CSS_URL.finditer(page)]
    return found
