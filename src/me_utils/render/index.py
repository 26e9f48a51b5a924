"""``reports/index.html``: every report by unit and topic, with status, run time and link.

Built from the run records kept by the runner (``reports/_restricted/runs.json``), so a
partial rerun updates only its own rows. Self-contained (inline CSS, no script), Vietnamese
first, then English; failed runs are listed with unit, notebook, cell and error. The
restricted folder of executed notebooks is never linked.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from me_utils.core import fmt
from me_utils.core.errors import short_message
from me_utils.core.paths import WORKBOOK_NAME
from me_utils.reference.units import load_units
from me_utils.render import templating
from me_utils.render.export import atomic_write_text, banner_html

_LANG_ORDER = ("vi", "en")


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


def _phase_links(reports_dir) -> list[dict]:
    """Links between the phases' indexes: ``reports/index.html`` (2021–2025) and
    ``reports/<a>-<b>/index.html`` (e.g. 2026–2030, written by ``me report --period``), as
    ``{"href", "vi", "en"}`` dicts (none without a reports folder)."""
    if reports_dir is None:
        return []
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
    return [{"href": h, "vi": vi, "en": en} for h, vi, en in links]


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


def _cell(r: dict | None, lang: str, reports_dir) -> dict | None:
    """One report's cell of the index: None (no run), or its links and run time."""
    if r is None:
        return None
    cell = {"ok": False, "seconds": fmt.fmt_number(r.get("seconds", 0), 1, lang) + _t(lang, " giây", " s")}
    if r.get("status") == "ok" and r.get("html"):
        docx = Path(r["html"]).with_suffix(".docx").as_posix()  # the reviews' Word export
        has_docx = reports_dir is not None and (Path(reports_dir) / docx).is_file()
        cell.update(ok=True, html=r["html"], pdf=r.get("pdf"), docx=docx if has_docx else None)
    return cell


def _failure(r: dict, lang: str) -> dict:
    """A failed run as the index lists it: unit, notebook, stage, cell and the first line of the
    error (later lines may quote data rows)."""
    e = r.get("error") or {}
    stage = {
        "execute": _t(lang, "khi chạy", "while executing"),
        "export": _t(lang, "khi xuất HTML", "while exporting HTML"),
    }.get(e.get("stage"), e.get("stage", ""))
    return {
        "unit": _unit_label(r["unit"], lang),
        "stem": r["stem"],
        "stage": stage,
        "where": _t(lang, f"ô mã số {e.get('cell')}", f"code cell {e.get('cell')}") if e.get("cell") else "",
        "ename": e.get("ename", ""),
        "evalue": short_message(e.get("evalue", ""), with_name=False),
        "source": e.get("source") or "",
    }


def _section(lang: str, recs: list[dict], info: dict | None, order, titles, reports_dir) -> dict:
    """Everything the template shows for one language: heading, last run, columns, rows, failures."""
    stems = sorted({r["stem"] for r in recs}, key=lambda s: (order.get(s, 999), s))
    units = _units_order({r["unit"] for r in recs})
    by_key = {(r["unit"], r["stem"]): r for r in recs}
    last_run = None
    if info:
        when = info.get("started", "")
        last_run = _t(
            lang,
            f"Lần chạy gần nhất: {when} — {info.get('runs')} báo cáo, {info.get('failed')} lỗi, "
            f"{fmt.fmt_number(info.get('wall_seconds', 0), 1, 'vi')} giây; mã băm manifest: "
            f"{info.get('manifest_hash') or 'không có'}; commit: {info.get('git') or 'không xác định'}",
            f"Last run: {when} — {info.get('runs')} reports, {info.get('failed')} failed, "
            f"{fmt.fmt_number(info.get('wall_seconds', 0), 1, 'en')} s; manifest hash: "
            f"{info.get('manifest_hash') or 'none'}; commit: {info.get('git') or 'unknown'}",
        )
    columns = []
    for s in stems:
        vi_en = titles.get(s)
        columns.append((vi_en[0] if lang == "vi" else vi_en[1]) if vi_en else s)
    rows = []
    for u, group, cross in _grouped_rows(units, lang):
        if group is not None:
            rows.append({"group": group})
            continue
        workbook = f"{lang}/{u}/{WORKBOOK_NAME}"
        has_workbook = reports_dir is not None and (Path(reports_dir) / workbook).is_file()
        rows.append(
            {
                "group": None,
                "label": _unit_label(u, lang),
                "cross": cross,
                "workbook": workbook if has_workbook else None,
                "cells": [_cell(by_key.get((u, s)), lang, reports_dir) for s in stems],
            }
        )
    failed = [r for r in recs if r.get("status") != "ok"]
    failures = [
        _failure(r, lang) for r in sorted(failed, key=lambda r: (units.index(r["unit"]), order.get(r["stem"], 999)))
    ]
    return {
        "lang": lang,
        "heading": _t(lang, "Báo cáo tiếng Việt", "Reports in English"),
        "last_run": last_run,
        "columns": columns,
        "rows": rows,
        "failures": failures,
        "words": {
            "unit": _t(lang, "Đơn vị", "Unit"),
            "cross": _t(lang, "xã ghép từ hai huyện cũ", "formed from two former districts"),
            "open": _t(lang, "Xem", "Open"),
            "failed": _t(lang, "Lỗi", "Failed"),
            "failed_runs": _t(lang, "Các lần chạy lỗi", "Failed runs"),
        },
    }


def render_index(state: dict, notebooks: list | None = None, reports_dir: str | Path | None = None) -> str:
    """HTML of the index for the run records ``state`` (see runner.update_state), rendered
    from ``templates/html/index.html.j2`` (autoescaped) with ``index.css`` inlined.

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
    sections = [
        _section(lang, [r for r in runs.values() if r.get("lang") == lang], last.get(lang), order, titles, reports_dir)
        for lang in langs
    ]
    return templating.render(
        "index.html.j2",
        css=templating.stylesheet("index.css"),
        banner=Markup(banner_html("vi")) if illustrative else "",
        phases=_phase_links(reports_dir),
        sections=sections,
        workbook_name=WORKBOOK_NAME,
    )


def write_index(reports_dir: str | Path, state: dict, notebooks: list | None = None) -> Path:
    """Write ``<reports_dir>/index.html`` atomically; return its path."""

    path = Path(reports_dir) / "index.html"
    atomic_write_text(path, render_index(state, notebooks, reports_dir))
    return path
