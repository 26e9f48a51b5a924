"""Render an executed report notebook to one self-contained, offline HTML page.

The page uses the house nbconvert template (``templates/me_report``, extending ``lab``) with
every CDN script block emptied, no code cells (``exclude_input``), a server-side table of
contents built from the ``<h1>``–``<h3>`` headings, the illustrative-data banner in the page
header when the data are generated, and a provenance footer (manifest hash, package version,
git commit, parameters, run time and date). Files are written atomically (temp file, then
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

from . import errors as _errors
from .atomic import atomic_write_bytes, atomic_write_text  # noqa: F401 (re-exported)
from . import fmt

TEMPLATE_NAME = "me_report"
#: Size budget of one report page (issue 7: at most 3 MB).
MAX_REPORT_BYTES = 3 * 1024 * 1024
#: Above this share of the budget the runner logs a warning.
WARN_SHARE = 0.8

_CSS = """
.me-header, .me-toc, .me-provenance { font-family: var(--jp-content-font-family, "DejaVu Sans", sans-serif);
  color: var(--jp-content-font-color1, #222); }
.me-header, .me-provenance { padding: 0 16px; }
.me-toc { margin-left: 16px !important; margin-right: 16px !important; }
.me-header { margin: 0 0 8px 0; }
.me-header .me-illustrative { font-size: 1.05em; }
/* The page header already carries the banner; the notebook's own copy (for JupyterLab) would
   repeat it right below the title. */
body:has(.me-header .me-illustrative) .jp-OutputArea .me-illustrative { display: none; }
.me-toc { border: 1px solid #ccc; background: #f7f7f7; padding: 6px 14px; margin: 8px 0 14px 0;
  font-size: 0.95em; }
.me-toc p.me-toc-title { font-weight: 700; margin: 4px 0; }
.me-toc ul { margin: 2px 0 2px 0; padding-left: 1.2em; }
.me-toc li.me-toc-l1 { font-weight: 600; }
.me-toc li li { font-weight: 400; }
.me-provenance { border-top: 1px solid #999; margin-top: 24px; padding: 8px 0; font-size: 0.85em;
  color: #333; }
.me-provenance dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px;
  margin: 4px 0; }
.me-provenance dt { font-weight: 600; }
.me-provenance dd { margin: 0; word-break: break-all; }
@media print {
  .me-header .me-illustrative { border: 2px solid #D55E00 !important; background: #FFF4E5 !important;
    -webkit-print-color-adjust: exact; print-color-adjust: exact; display: block !important; }
  .me-toc { break-after: avoid; }
  .me-provenance { break-inside: avoid; }
}
"""


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
            capture_output=True, text=True, timeout=10,
        )
        if head.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    rev = head.stdout.strip()
    if status.returncode == 0 and status.stdout.strip():
        rev += "+dirty"
    return rev


def _fmt_value(v) -> str:
    return '""' if v == "" else str(v)


def footer_html(prov: Provenance, lang: str) -> str:
    """The provenance footer (report language), as an HTML fragment."""
    t = lambda vi, en: fmt.pick(lang, vi, en)  # noqa: E731
    params = ", ".join(f"{k}={_fmt_value(v)}" for k, v in prov.parameters.items())
    run_at = prov.run_at.astimezone(_dt.timezone.utc)
    when = f"{fmt.fmt_date(run_at.date(), lang)} {run_at:%H:%M} UTC"
    rows = [
        (t("Mã băm manifest dữ liệu", "Data manifest hash"),
         prov.manifest_hash or t("không có (chưa dựng dữ liệu)", "none (no processed data)")),
        (t("Phiên bản me_utils", "me_utils version"), prov.version),
        (t("Commit git", "Git commit"), prov.git or t("không xác định (không có git)", "unknown (no git)")),
        (t("Tham số", "Parameters"), params),
        (t("Thời gian chạy", "Run time"), f"{fmt.fmt_number(prov.run_seconds, 1, lang)} "
         + t("giây", "s")),
        (t("Ngày chạy", "Run date"), when),
    ]
    body = "".join(f"<dt>{_html.escape(k)}</dt><dd>{_html.escape(str(v))}</dd>" for k, v in rows)
    title = t("Nguồn gốc báo cáo", "Report provenance")
    return f'<p><strong>{_html.escape(title)}</strong></p><dl>{body}</dl>'


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
    parts = ['<nav class="me-toc" aria-label="{0}"><p class="me-toc-title">{0}</p>'.format(
        _html.escape(fmt.pick(lang, "Mục lục", "Contents")))]
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


def _exporter():
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


def render_html(nb, *, title: str, lang: str, provenance: Provenance, illustrative: bool) -> str:
    """Return the report page for the executed notebook ``nb`` (an nbformat node).

    ``title`` goes to ``<title>``; ``lang`` (``vi``/``en``) sets ``<html lang>`` and the
    labels; ``illustrative`` adds the bilingual banner to the page header.
    """
    from .notebook import banner_html

    fmt.check_lang(lang)
    exp = _exporter()
    exp.language_code = lang
    nb = nb.copy() if hasattr(nb, "copy") else nb
    nb.metadata = dict(nb.metadata)
    nb.metadata.pop("title", None)
    from . import __version__

    resources = {
        "metadata": {"name": title},
        "me": {
            "version": __version__,
            "css": _CSS,
            "header_html": banner_html(lang) if illustrative else "",
            "footer_html": footer_html(provenance, lang),
        },
    }
    page, _ = exp.from_notebook_node(nb, resources=resources)
    return add_toc(page, lang)


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
    found = [page[m.start(): m.start() + 120] for m in _EXTERNAL.finditer(page)]
    found += [page[m.start(): m.start() + 120] for m in _CSS_URL.finditer(page)]
    return found
