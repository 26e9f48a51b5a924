"""``reports/index.html``: every report by unit and topic, with status, run time and link.

Built from the run records kept by the runner (``reports/_restricted/runs.json``), so a
partial rerun updates only its own rows. Self-contained (inline CSS, no script), Vietnamese
first, then English; failed runs are listed with unit, notebook, cell and error. The
restricted folder of executed notebooks is never linked.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from me_utils.core import fmt
from me_utils.core.errors import short_message
from me_utils.core.paths import WORKBOOK_NAME
from me_utils.reference.units import load_units
from me_utils.render.export import atomic_write_text
from me_utils.reports.notebook import banner_html

_CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 16px 24px; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
table.me-index { border-collapse: collapse; font-size: 0.9em; }
table.me-index th, table.me-index td { border: 1px solid #bbb; padding: 4px 8px; vertical-align: top; }
table.me-index th { background: #eef2f7; text-align: left; }
tr.me-group th { background: #dde6f0; font-size: 1.05em; }
td.ok { background: #f3faf3; } td.failed { background: #fdeeee; } td.none { color: #999; }
.me-meta { font-size: 0.85em; color: #444; }
pre.me-src { background: #f6f6f6; padding: 4px 8px; font-size: 0.85em; white-space: pre-wrap; }
.me-illustrative { border: 2px solid #D55E00; background: #FFF4E5; padding: 8px 12px; font-weight: 600; }
@media print { .me-illustrative { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""

_LANG_ORDER = ("vi", "en")


def _e(x) -> str:
    return html.escape(str(x))


def _t(lang: str, vi: str, en: str) -> str:
    return fmt.pick(lang, vi, en)


def _units_order(codes: set[str]) -> list[str]:
    units = load_units()
    order = [c for c in units.codes() if units[c].level == "province"] + units.districts() + units.communes()
    return [c for c in order if c in codes] + sorted(c for c in codes if c not in order)


def commune_groups(codes, lang: str = "vi") -> list[tuple[str, str, list[tuple[str, bool]]]]:
    """Communes grouped by former district, so 75 units stay navigable.

    Input: unit codes (others than communes are ignored). Output: one ``(district_code,
    heading, [(commune_code, cross_district)])`` per former district in units.csv order,
    communes in resolution order; a commune formed from two former districts (xã Chiềng Sơn:
    Vân Hồ + Mộc Châu) is listed under both, with ``cross_district`` True.
    """
    units = load_units()
    codes = set(codes)
    out = []
    for d in units.districts():
        members = [(c, len(units[c].former_districts) > 1) for c in units.communes(former_district=d) if c in codes]
        if members:
            heading = _t(
                lang,
                f"Địa bàn {units.name(d, 'vi', full=True)} cũ",
                f"Area of the former {units.name(d, 'en', full=True)}",
            )
            out.append((d, heading, members))
    return out


def _phase_links(reports_dir) -> str:
    """Links between the phases' indexes: ``reports/index.html`` (2021–2025) and
    ``reports/<a>-<b>/index.html`` (e.g. 2026–2030, written by ``me report --period``)."""
    if reports_dir is None:
        return ""
    here = Path(reports_dir)
    pat = re.compile(r"(\d{4})-(\d{4})")
    links = []
    if pat.fullmatch(here.name) and (here.parent / "index.html").is_file():
        links.append(("../index.html", "Giai đoạn 2021–2025 (tổng kết)", "2021–2025 phase (review)"))
    else:
        for d in sorted(p for p in here.glob("*") if p.is_dir() and pat.fullmatch(p.name)):
            if (d / "index.html").is_file():
                a, b = pat.fullmatch(d.name).groups()
                links.append((f"{d.name}/index.html", f"Giai đoạn {a}–{b}", f"{a}–{b} phase"))
    if not links:
        return ""
    items = " · ".join(f'<a href="{_e(h)}">{_e(vi)}</a> <span lang="en">({_e(en)})</span>' for h, vi, en in links)
    return f'<p class="me-meta">{_e("Giai đoạn khác / Other phase")}: {items}</p>\n'


def _grouped_rows(units: list[str], lang: str) -> list[tuple[str | None, str | None, bool]]:
    """Index rows: ``(unit, None, cross)`` for a unit, ``(None, heading, False)`` for a group
    heading. Province and districts first, then the communes under their former district."""
    try:
        groups = commune_groups(units, lang)
    except Exception:  # unit files unreadable: a flat list
        groups = []
    grouped = {c for _, _, ms in groups for c, _ in ms}
    rows = [(u, None, False) for u in units if u not in grouped]
    for _, heading, members in groups:
        rows.append((None, heading, False))
        rows += [(c, None, cross) for c, cross in members]
    return rows


def _unit_label(code: str, lang: str) -> str:
    try:
        name = load_units().name(code, lang)
    except KeyError:  # a unit the reference does not know (an old run record): its code
        name = code
    return code if name == code else f"{name} ({code})"


def render_index(state: dict, notebooks: list | None = None, reports_dir: str | Path | None = None) -> str:
    """HTML of the index for the run records ``state`` (see runner.update_state).

    ``notebooks``: discovered :class:`~me_utils.runner.ReportNotebook` list, for the column
    order and titles (records of notebooks no longer present still show, by their stem).
    ``reports_dir``: the reports folder; when given, a unit whose folder holds the scorecard
    workbook (``<lang>/<unit>/scorecard.xlsx``, written by the review notebook) gets a link to
    it next to its name. Error messages of failed runs show the exception name and the first
    line of its message only (later lines may quote data rows).
    """

    runs = state.get("runs", {})
    last = state.get("last_run", {})
    langs = [lg for lg in _LANG_ORDER if any(r.get("lang") == lg for r in runs.values())]
    illustrative = any(v.get("illustrative") for v in last.values())
    order = {nb.stem: i for i, nb in enumerate(notebooks or [])}
    titles = {nb.stem: (nb.title_vi, nb.title_en) for nb in (notebooks or [])}
    out = [
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        "<title>Báo cáo bình đẳng giới tỉnh Sơn La / Son La gender-equality reports</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n"
    ]
    out.append(
        "<h1>Báo cáo theo dõi, đánh giá bình đẳng giới tỉnh Sơn La"
        '<br><span lang="en" style="font-weight:400;font-size:0.8em">'
        "Son La gender-equality monitoring and evaluation reports</span></h1>\n"
    )
    if illustrative:
        out.append(banner_html("vi") + "\n")
    out.append(_phase_links(reports_dir))
    if not langs:
        out.append("<p>Chưa có báo cáo nào. / No report yet.</p>\n")
    for lang in langs:
        recs = [r for r in runs.values() if r.get("lang") == lang]
        stems = sorted({r["stem"] for r in recs}, key=lambda s: (order.get(s, 999), s))
        units = _units_order({r["unit"] for r in recs})
        by_key = {(r["unit"], r["stem"]): r for r in recs}
        out.append(f'<section lang="{lang}">\n<h2>{_e(_t(lang, "Báo cáo tiếng Việt", "Reports in English"))}</h2>\n')
        info = last.get(lang)
        if info:
            when = info.get("started", "")
            out.append(
                '<p class="me-meta">'
                + _e(
                    _t(
                        lang,
                        f"Lần chạy gần nhất: {when} — {info.get('runs')} báo cáo, {info.get('failed')} lỗi, "
                        f"{fmt.fmt_number(info.get('wall_seconds', 0), 1, 'vi')} giây; mã băm manifest: "
                        f"{info.get('manifest_hash') or 'không có'}; commit: {info.get('git') or 'không xác định'}",
                        f"Last run: {when} — {info.get('runs')} reports, {info.get('failed')} failed, "
                        f"{fmt.fmt_number(info.get('wall_seconds', 0), 1, 'en')} s; manifest hash: "
                        f"{info.get('manifest_hash') or 'none'}; commit: {info.get('git') or 'unknown'}",
                    )
                )
                + "</p>\n"
            )
        out.append('<table class="me-index">\n<thead><tr><th>' + _e(_t(lang, "Đơn vị", "Unit")) + "</th>")
        for s in stems:
            vi_en = titles.get(s)
            label = (vi_en[0] if lang == "vi" else vi_en[1]) if vi_en else s
            out.append(f'<th scope="col">{_e(label)}</th>')
        out.append("</tr></thead>\n<tbody>\n")
        rows = _grouped_rows(units, lang)
        for u, group, cross in rows:
            if group is not None:
                out.append(f'<tr class="me-group"><th colspan="{len(stems) + 1}">{_e(group)}</th></tr>\n')
                continue
            workbook = f"{lang}/{u}/{WORKBOOK_NAME}"
            xlsx = (
                f'<br><a class="me-meta" href="{_e(workbook)}">{_e(WORKBOOK_NAME)}</a>'
                if reports_dir is not None and (Path(reports_dir) / workbook).is_file()
                else ""
            )
            mark = (
                f'<br><span class="me-meta">{_e(_t(lang, "xã ghép từ hai huyện cũ", "formed from two former districts"))}</span>'
                if cross
                else ""
            )
            out.append(f'<tr><th scope="row">{_e(_unit_label(u, lang))}{mark}{xlsx}</th>')
            for s in stems:
                r = by_key.get((u, s))
                if r is None:
                    out.append('<td class="none">–</td>')
                    continue
                secs = fmt.fmt_number(r.get("seconds", 0), 1, lang) + _t(lang, " giây", " s")
                if r.get("status") == "ok" and r.get("html"):
                    link = f'<a href="{_e(r["html"])}">{_e(_t(lang, "Xem", "Open"))}</a>'
                    if r.get("pdf"):
                        link += f' · <a href="{_e(r["pdf"])}">PDF</a>'
                    docx = Path(r["html"]).with_suffix(".docx").as_posix()  # the reviews' Word export
                    if reports_dir is not None and (Path(reports_dir) / docx).is_file():
                        link += f' · <a href="{_e(docx)}">Word</a>'
                    out.append(f'<td class="ok">✓ {link}<br><span class="me-meta">{_e(secs)}</span></td>')
                else:
                    out.append(
                        f'<td class="failed">✗ {_e(_t(lang, "Lỗi", "Failed"))}'
                        f'<br><span class="me-meta">{_e(secs)}</span></td>'
                    )
            out.append("</tr>\n")
        out.append("</tbody></table>\n")
        failed = [r for r in recs if r.get("status") != "ok"]
        if failed:
            out.append(f"<h3>{_e(_t(lang, 'Các lần chạy lỗi', 'Failed runs'))}</h3>\n<ul>\n")
            for r in sorted(failed, key=lambda r: (units.index(r["unit"]), order.get(r["stem"], 999))):
                e = r.get("error") or {}
                where = _t(lang, f"ô mã số {e.get('cell')}", f"code cell {e.get('cell')}") if e.get("cell") else ""
                stage = {
                    "execute": _t(lang, "khi chạy", "while executing"),
                    "export": _t(lang, "khi xuất HTML", "while exporting HTML"),
                }.get(e.get("stage"), e.get("stage", ""))
                out.append(
                    f"<li><strong>{_e(_unit_label(r['unit'], lang))} — {_e(r['stem'])}</strong>: "
                    f"{_e(stage)} {_e(where)} — <code>{_e(e.get('ename', ''))}: {_e(short_message(e.get('evalue', ''), with_name=False))}</code>"
                )
                if e.get("source"):
                    out.append(f'<pre class="me-src">{_e(e["source"])}</pre>')
                out.append("</li>\n")
            out.append("</ul>\n")
        out.append("</section>\n")
    out.append(
        '<p class="me-meta">Mỗi báo cáo ghi nguồn gốc (mã băm dữ liệu, phiên bản, commit, tham số) ở cuối trang. '
        '<span lang="en">Each report states its provenance (data hash, version, commit, parameters) '
        "at the bottom of the page.</span></p>\n</body>\n</html>\n"
    )
    return "".join(out)


def write_index(reports_dir: str | Path, state: dict, notebooks: list | None = None) -> Path:
    """Write ``<reports_dir>/index.html`` atomically; return its path."""

    path = Path(reports_dir) / "index.html"
    atomic_write_text(path, render_index(state, notebooks, reports_dir))
    return path
