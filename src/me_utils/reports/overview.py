"""The overview report (notebooks/00_overview.ipynb): the indicator framework at a glance.

Tables are built by pure functions (``summary_table``, ``objective_table``,
``department_table``, ``units_table``, ``sources_markdown``) that return DataFrames/text in
the report language, so they can be tested; ``show_*`` functions display them in a notebook.
Every target of an indicator that is not verified carries the flag "⚠" in its cell, and the
verification column spells it out ("⚠ chưa kiểm chứng / unverified" with the reference tag).
"""

from __future__ import annotations

import pandas as pd

from me_utils.build.pipeline import due_date
from me_utils.core import fmt
from me_utils.reference.catalogue import (
    DEPARTMENTS,
    Catalogue,
    Indicator,
    department_name,
)
from me_utils.reference.units import REFORM_DATE, load_units
from me_utils.reports import notebook

TITLE_VI = "Tổng quan khung chỉ tiêu bình đẳng giới"
TITLE_EN = "Overview of the gender-equality indicator framework"

DIRECTION_LABELS = {
    "increase": ("tăng", "increase"),
    "decrease": ("giảm", "decrease"),
    "reach": ("đạt và duy trì mức", "reach and keep a level"),
    "cap": ("không vượt quá mức trần", "stay under a cap"),
}
PERIODICITY_LABELS = {
    "annual": ("hằng năm", "annual"),
    "half-year": ("6 tháng", "half-year"),
    "term": ("theo nhiệm kỳ", "per election term"),
    "survey": ("theo điều tra", "survey-based"),
}
VERIFIED_LABEL = ("✓ đã kiểm chứng", "✓ verified")

# Assumptions shown in the method note of the report.
ASSUMPTIONS = {
    "vi": [
        "Mục tiêu là mục tiêu quốc gia (Nghị quyết số 28/NQ-CP và các Quyết định số 2232/QĐ-TTg, 2282/QĐ-TTg, "
        "1790/QĐ-TTg, 45/QĐ-TTg), áp dụng cho tỉnh Sơn La trừ khi tỉnh có mục tiêu riêng (ghi ở mục trên, kèm văn bản "
        "của tỉnh).",
        "Giá trị gốc là số liệu toàn quốc; chưa tìm được số liệu gốc của Sơn La.",
        "Một mục tiêu được coi là đã kiểm chứng khi con số và câu chữ đã được đối chiếu với văn bản gốc hoặc văn bản "
        "hướng dẫn của Bộ; các mục tiêu khác mang cờ ⚠ và được liệt kê ở mục «Lưu ý về các chỉ tiêu chưa kiểm chứng».",
        "Số thứ tự chỉ tiêu của Mục tiêu 4–6 chưa được đối chiếu với văn bản gốc.",
        "Cơ quan báo cáo theo mục IV Kế hoạch số 123/KH-UBND; cơ quan của các chương trình là đề xuất.",
    ],
    "en": [
        "Targets are national targets (Resolution 28/NQ-CP and Decisions 2232/QĐ-TTg, 2282/QĐ-TTg, 1790/QĐ-TTg, "
        "45/QĐ-TTg), applied to Son La unless the province set its own (listed above with the province's document).",
        "Baselines are national figures; no Son La baseline was found.",
        "A target counts as verified when its number and wording were checked against the legal text or the "
        "ministry's guidance; the others carry the flag ⚠ and are listed under “Indicators whose content is not verified”.",
        "The numbering of the indicators of Objectives 4–6 has not been checked against the official text.",
        "Reporting departments follow plan 123/KH-UBND section IV; departments of the programmes are suggestions.",
    ],
}


def _t(lang: str, pair: tuple[str, str]) -> str:
    return fmt.pick(lang, *pair)


def target_cell(ind: Indicator, year: int, lang: str = "vi") -> str:
    """Target of ``year`` as table text, with ``' ⚠'`` when the indicator is not verified
    and ``' *'`` when a province override applies. ``'–'`` when there is no target."""
    text = ind.target_text(year, lang)
    if text == fmt.MISSING:
        return text
    if ind.overridden and getattr(ind, f"applied_target_{year}") != getattr(ind, f"target_{year}"):
        text += " *"
    if not ind.verified:
        text += " ⚠"
    return text


def verification_cell(ind: Indicator, lang: str = "vi") -> str:
    """``'✓ đã kiểm chứng'`` or ``'⚠ chưa kiểm chứng (TAG)'``; adds the numbering caveat."""
    text = _flag_text(ind, lang) or _t(lang, VERIFIED_LABEL)
    if not ind.numbering_verified:
        text += fmt.pick(lang, "; số thứ tự chưa kiểm chứng", "; numbering unverified")
    return text


def _flag_text(ind: Indicator, lang: str) -> str:
    """The verification flag in words, without the reference's internal tag
    (:meth:`me_utils.reference.catalogue.Indicator.flag`)."""
    return ind.flag(lang)


def department_cell(ind: Indicator, lang: str = "vi") -> str:
    """Responsible department and co-reporting departments, e.g.
    ``'Sở Nội vụ; phối hợp: Sở Văn hóa, Thể thao và Du lịch'``; ``'(đề xuất)'`` when the
    department is a suggestion rather than plan 123's assignment."""
    text = department_name(ind.department, lang)
    if ind.co_departments:
        co = ", ".join(department_name(c, lang) for c in ind.co_departments)
        text += fmt.pick(lang, f"; phối hợp: {co}", f"; co-reporting: {co}")
    if ind.department_basis == "suggested":
        text += fmt.pick(lang, " (đề xuất)", " (suggested)")
    return text


def baseline_cell(ind: Indicator, lang: str = "vi") -> str:
    """Baseline as text, e.g. ``'26,22% (2023, toàn quốc)'``; ``'–'`` when unknown."""
    b = ind.baseline
    if b is None:
        return fmt.MISSING
    # Show the decimals the source gave (26.22 -> 2); fixed-point text avoids repr's "1e-05" form.
    dec = len(f"{float(b.value):.6f}".rstrip("0").split(".")[1])
    num = fmt.fmt_number(b.value, dec, lang) + ("%" if ind.kind == "proportion" else "")
    scope = {
        "national": ("toàn quốc", "national"),
        "province": ("tỉnh", "province"),
        "district": ("huyện", "district"),
    }[b.scope]
    return f"{num} ({b.year}, {_t(lang, scope)})"


def objective_table(catalogue: Catalogue, objective: str, lang: str = "vi") -> pd.DataFrame:
    """Indicators of one objective/programme as a display table (text cells, report language).

    Columns (vi): Mã, Chỉ tiêu, Đơn vị, Giá trị gốc, Mục tiêu 2025, Mục tiêu 2030, Chiều,
    Cơ quan báo cáo, Kỳ báo cáo, Kiểm chứng. Targets are formatted with :mod:`me_utils.core.fmt`.
    """
    cols = _columns(lang)
    rows = []
    for ind in catalogue:
        if ind.objective != objective:
            continue
        rows.append(
            {
                cols[0]: ind.code,
                cols[1]: ind.name(lang),
                cols[2]: fmt.pick(lang, ind.unit, ind.unit_en or ind.unit),
                cols[3]: baseline_cell(ind, lang),
                cols[4]: target_cell(ind, 2025, lang),
                cols[5]: target_cell(ind, 2030, lang),
                cols[6]: _t(lang, DIRECTION_LABELS[ind.direction]),
                cols[7]: department_cell(ind, lang),
                cols[8]: _t(lang, PERIODICITY_LABELS[ind.periodicity]),
                cols[9]: verification_cell(ind, lang),
            }
        )
    return pd.DataFrame(rows, columns=cols)


def _columns(lang: str) -> list[str]:
    return (
        [
            "Mã",
            "Chỉ tiêu",
            "Đơn vị",
            "Giá trị gốc",
            "Mục tiêu 2025",
            "Mục tiêu 2030",
            "Chiều",
            "Cơ quan báo cáo",
            "Kỳ báo cáo",
            "Kiểm chứng",
        ]
        if fmt.check_lang(lang) == "vi"
        else [
            "Code",
            "Indicator",
            "Unit",
            "Baseline",
            "Target 2025",
            "Target 2030",
            "Direction",
            "Reporting department",
            "Periodicity",
            "Verification",
        ]
    )


def summary_table(catalogue: Catalogue, lang: str = "vi") -> pd.DataFrame:
    """One row per objective/programme plus a total: number of indicators, of verified ones,
    of indicators with a 2025 target and with a 2030 target."""
    heads = (
        ["Mục tiêu / chương trình", "Văn bản", "Số chỉ tiêu", "Đã kiểm chứng", "Có mục tiêu 2025", "Có mục tiêu 2030"]
        if fmt.check_lang(lang) == "vi"
        else ["Objective / programme", "Document", "Indicators", "Verified", "With a 2025 target", "With a 2030 target"]
    )
    rows = []
    for ob in catalogue.objective_order():
        inds = [i for i in catalogue if i.objective == ob]
        rows.append(
            [
                catalogue.objective_name(ob, lang),
                inds[0].framework,
                len(inds),
                sum(i.verified for i in inds),
                sum(i.target(2025) is not None for i in inds),
                sum(i.target(2030) is not None for i in inds),
            ]
        )
    allx = list(catalogue)
    rows.append(
        [
            fmt.pick(lang, "Tổng cộng", "Total"),
            "",
            len(allx),
            sum(i.verified for i in allx),
            sum(i.target(2025) is not None for i in allx),
            sum(i.target(2030) is not None for i in allx),
        ]
    )
    df = pd.DataFrame(rows, columns=heads)
    for c in heads[2:]:
        df[c] = df[c].map(lambda x: fmt.fmt_number(x, 0, lang))
    return df


def department_table(catalogue: Catalogue, lang: str = "vi") -> pd.DataFrame:
    """One row per department code: indicators it reports (lead) and co-reports, with the basis
    (plan 123 or suggested). Departments without any indicator are left out."""
    heads = (
        ["Cơ quan", "Chủ trì báo cáo", "Phối hợp báo cáo"]
        if fmt.check_lang(lang) == "vi"
        else ["Department", "Lead reporting", "Co-reporting"]
    )
    rows = []
    for code in DEPARTMENTS:
        lead = [i for i in catalogue if i.department == code]
        co = [i for i in catalogue if code in i.co_departments]
        if not lead and not co:
            continue

        def codes(inds):
            out = []
            for i in inds:
                out.append(i.code + ("†" if i.department_basis == "suggested" else ""))
            return ", ".join(out) or fmt.MISSING

        rows.append([f"{department_name(code, lang)} ({code})", codes(lead), codes(co)])
    return pd.DataFrame(rows, columns=heads)


def units_table(units, lang: str = "vi") -> pd.DataFrame:
    """Administrative units with their type, validity and where their series ends."""
    heads = (
        ["Mã", "Đơn vị", "Cấp", "Loại hình", "Hiệu lực đến", "Ghi chú"]
        if fmt.check_lang(lang) == "vi"
        else ["Code", "Unit", "Level", "Type", "Valid until", "Note"]
    )
    level = {"province": ("tỉnh", "province"), "district": ("huyện", "district")}
    rows = []
    for code in units.codes():
        u = units[code]
        typ = (
            u.type
            if lang == "vi"
            else {"tỉnh": "province", "thành phố": "city", "thị xã": "town", "huyện": "district"}[u.type]
        )
        if u.type_history:
            typ += fmt.pick(lang, f" (trước đó: {u.type_history.split(' → ')[0]})", " (formerly: district)")
        note = (
            units.series_end_note(code, lang)
            if u.valid_to
            else fmt.pick(
                lang,
                "Địa giới không đổi trong giai đoạn 2021–2025 và sau cải cách 2025.",
                "Boundaries unchanged over 2021–2025 and after the 2025 reform.",
            )
        )
        rows.append(
            [
                code,
                units.name(code, lang),
                _t(lang, level[u.level]),
                typ,
                fmt.fmt_date(u.valid_to, lang) if u.valid_to else fmt.MISSING,
                note,
            ]
        )
    return pd.DataFrame(rows, columns=heads)


def legal_citation(meta: dict, fw: str, lang: str = "vi") -> str:
    """Citation of a framework's legal text: number, date, issuing body and title, e.g.
    ``'Nghị quyết số 28/NQ-CP ngày 03/3/2021 của Chính phủ ban hành …'`` (the ``title_*`` of
    ``indicators.yaml``, which carries all four)."""
    return str(meta.get(f"title_{lang}") or meta.get("title_vi") or fw)


def _link(url: str, lang: str) -> str:
    from urllib.parse import urlparse

    host = urlparse(url).netloc.removeprefix("www.") or url
    return f"[{host}]({url})"


def framework_source_lines(catalogue: Catalogue, lang: str = "vi") -> list[str]:
    """One markdown bullet per framework: the legal text first; the official gazette/portal
    link when known, then a full-text copy and a press report, labelled as secondary."""
    L = lambda vi, en: fmt.pick(lang, vi, en)  # noqa: E731
    out = []
    for fw, meta in catalogue.frameworks.items():
        line = f"- {legal_citation(meta, fw, lang)}"
        extra = []
        if meta.get("gazette_url"):
            extra.append(
                L("bản đăng Công báo / Cổng thông tin Chính phủ: ", "official gazette / government portal: ")
                + _link(meta["gazette_url"], lang)
            )
        full = meta.get("full_text_url") or meta.get("url") or ""
        if full:
            extra.append(L("bản toàn văn tham khảo: ", "full-text copy: ") + _link(full, lang))
        if meta.get("secondary_url"):
            extra.append(L("bài báo tham khảo: ", "press report: ") + _link(meta["secondary_url"], lang))
        if extra:
            line += " — " + "; ".join(extra)
        out.append(line)
    return out


def sources_markdown(catalogue: Catalogue, lang: str = "vi") -> str:
    """Markdown list of the frameworks' legal texts and of each indicator's source: the legal
    provision (document, objective, indicator), with a secondary source only next to it.
    Indicators whose content is not verified point to the caveat section instead of a
    placeholder."""
    L = lambda vi, en: fmt.pick(lang, vi, en)  # noqa: E731
    lines = [f"**{L('Văn bản gốc', 'Legal texts')}**", ""]
    lines += framework_source_lines(catalogue, lang)
    lines += ["", f"**{L('Căn cứ của từng chỉ tiêu', 'Basis of each indicator')}**", ""]
    for ind in catalogue:
        text = f"- {ind.code}: {ind.source}"
        if ind.source_url:
            text += L("; nguồn tham khảo thêm: ", "; secondary source: ") + _link(ind.source_url, lang)
        if ind.verification == "UNVERIFIED":
            text += L(
                " — xem mục «Lưu ý về các chỉ tiêu chưa kiểm chứng».",
                " — see “Indicators whose content is not verified”.",
            )
        lines.append(text)
    return "\n".join(lines)


def caveats_markdown(catalogue: Catalogue, lang: str = "vi") -> str:
    """One caveat section: the indicators whose content (wording, unit, target) is not
    verified against the legal text, grouped by what is missing, with what is known."""
    L = lambda vi, en: fmt.pick(lang, vi, en)  # noqa: E731
    groups = [
        (
            "UNVERIFIED",
            L(
                "Chưa tìm thấy câu chữ của chỉ tiêu trong văn bản gốc; chỉ tiêu được giữ để theo dõi, "
                "không có mục tiêu định lượng",
                "Wording not found in the legal text; kept for monitoring, with no quantified target",
            ),
        ),
        (
            "VERIFIED-VI (news)",
            L(
                "Mục tiêu lấy theo báo chí, chưa đối chiếu văn bản gốc",
                "Target taken from press reports, not checked against the legal text",
            ),
        ),
        (
            "VERIFIED-EN",
            L(
                "Mục tiêu chỉ thấy trong bản tiếng Anh, chưa thấy câu chữ tiếng Việt chính thức",
                "Target seen in English sources only; official Vietnamese wording not seen",
            ),
        ),
        ("PARTIAL", L("Mới kiểm chứng một phần", "Only partly verified")),
    ]
    out = []
    for tag, head in groups:
        inds = [i for i in catalogue if not i.verified and i.verification == tag]
        if not inds:
            continue
        out.append(f"- **{head}** ({fmt.fmt_number(len(inds), 0, lang)}):")
        for i in inds:
            note = fmt.pick(lang, i.note_vi or "", i.note_en or "")
            out.append(f"    - {i.code} — {i.name(lang)}" + (f": {note}" if note and tag == "UNVERIFIED" else ""))
    return "\n".join(out) or L("Mọi chỉ tiêu đã được kiểm chứng.", "Every indicator is verified.")


def notes_markdown(catalogue: Catalogue, lang: str = "vi") -> str:
    """Markdown list of the notes of indicators that have one (caveats on wording, scope…)."""
    out = []
    for ind in catalogue:
        note = fmt.pick(lang, ind.note_vi or ind.note_en, ind.note_en or ind.note_vi)
        tnote = fmt.pick(lang, ind.target_note_vi, ind.target_note_en)
        bnote = ""
        if ind.baseline is not None and ind.baseline.note:
            b = ind.baseline
            bnote = fmt.pick(lang, "Giá trị gốc: " + b.note_vi, "Baseline: " + b.note)
        text = " ".join(x for x in (tnote, note, bnote) if x)
        if text:
            out.append(f"- **{ind.code}**: {text}")
    return "\n".join(out)


# ----------------------------------------------------------------------------- notebook cells


def show_intro(ctx) -> None:
    """Purpose of the report, the legend of the flags and the overall counts."""
    lang = ctx.lang
    cat = ctx.catalogue
    n_unv = sum(not i.verified for i in cat)
    notebook.markdown(
        fmt.pick(
            lang,
            f"Báo cáo này liệt kê **{fmt.fmt_number(len(cat), 0, lang)} chỉ tiêu** mà tỉnh Sơn La theo dõi trong "
            "giai đoạn 2021–2025: các chỉ tiêu của Chiến lược quốc gia về bình đẳng giới (Nghị quyết 28/NQ-CP) và "
            "các chương trình liên quan, với mục tiêu 2025 và 2030, cơ quan báo cáo theo Kế hoạch 123/KH-UBND "
            f"và nguồn. **{fmt.fmt_number(n_unv, 0, lang)} chỉ tiêu chưa được kiểm chứng** với văn bản gốc: mục tiêu "
            "của chúng được đánh dấu ⚠ và chỉ dùng để tham khảo.",
            f"This report lists the **{fmt.fmt_number(len(cat), 0, lang)} indicators** Son La monitors over "
            "2021–2025: those of the National Strategy on Gender Equality (Resolution 28/NQ-CP) and related "
            "programmes, with 2025 and 2030 targets, reporting departments under plan 123/KH-UBND, and sources. "
            f"**{fmt.fmt_number(n_unv, 0, lang)} indicators are not verified** against the official text: their "
            "targets carry the flag ⚠ and are for reference only.",
        )
    )
    notebook.markdown(
        fmt.pick(
            lang,
            "Ký hiệu: ⚠ chưa kiểm chứng với văn bản gốc (xem mục «Lưu ý về các chỉ tiêu chưa kiểm chứng»); "
            "* mục tiêu riêng của tỉnh; "
            "† cơ quan đề xuất (không có trong Kế hoạch 123); – không có mục tiêu.",
            "Legend: ⚠ not verified against the legal text (see “Indicators whose content is not verified”); "
            "* province's own target; "
            "† suggested department (not in plan 123); – no target.",
        )
    )


def show_summary(ctx) -> None:
    notebook.heading(ctx.t("Tóm tắt theo mục tiêu", "Summary by objective"), 2)
    notebook.show_table(summary_table(ctx.catalogue, ctx.lang))


def show_objectives(ctx) -> None:
    """One section per objective/programme with its indicator table and framework title."""
    cat = ctx.catalogue
    notebook.heading(ctx.t("Chỉ tiêu theo mục tiêu và chương trình", "Indicators by objective and programme"), 2)
    for ob in cat.objective_order():
        notebook.heading(cat.objective_name(ob, ctx.lang), 3)
        fw = next(i.framework for i in cat if i.objective == ob)
        notebook.show_table(objective_table(cat, ob, ctx.lang), caption=fw)
    overrides = [i for i in cat if i.overridden]
    if overrides:
        notebook.markdown(
            "\n".join(f"- **{i.code}**: {fmt.pick(ctx.lang, i.target_basis_vi, i.target_basis)}" for i in overrides)
        )
    else:
        notebook.markdown(
            ctx.t(
                "Tỉnh chưa ghi mục tiêu riêng nào: mọi mục tiêu trên là mục tiêu quốc gia.",
                "No province-specific target is recorded: every target above is the national one.",
            )
        )


def show_departments(ctx) -> None:
    notebook.heading(
        ctx.t("Cơ quan báo cáo (Kế hoạch 123/KH-UBND, mục IV)", "Reporting departments (plan 123/KH-UBND, section IV)"),
        2,
    )
    notebook.show_table(
        department_table(ctx.catalogue, ctx.lang),
        caption=ctx.t("† cơ quan đề xuất, không có trong Kế hoạch 123", "† suggested department, not in plan 123"),
    )
    notebook.markdown(deadlines_markdown(ctx.lang))


def deadlines_markdown(lang: str = "vi") -> str:
    """Sentence giving the reporting deadlines of plan 123 section V, taken from
    :func:`me_utils.build.pipeline.due_date` (the dates the build checks submissions against)."""

    h1, fy = due_date(2000, "H1"), due_date(2000, "FY")  # any year: only day and month are shown
    return fmt.pick(
        lang,
        f"Hạn báo cáo (Kế hoạch 123 mục V): báo cáo 6 tháng trước ngày {h1.day}/{h1.month}, báo cáo năm "
        f"trước ngày {fy.day}/{fy.month}, gửi {department_name('SNV', 'vi')}.",
        f"Deadlines (plan 123 section V): half-year report before {h1.day} {h1:%B}, annual report before "
        f"{fy.day} {fy:%B}, sent to the {department_name('SNV', 'en')}.",
    )


def show_units(ctx) -> None:
    import datetime as _dt

    notebook.heading(ctx.t("Đơn vị hành chính", "Administrative units"), 2)
    start, last = fmt.fmt_date(REFORM_DATE, ctx.lang), fmt.fmt_date(REFORM_DATE - _dt.timedelta(days=1), ctx.lang)
    notebook.markdown(
        ctx.t(
            f"Tỉnh là địa bàn thống nhất cho cả giai đoạn 2021–2025. Cấp huyện chấm dứt từ {start}, nên chuỗi "
            f"số liệu cấp huyện dừng ở ngày {last}.",
            "The province is the geography that stays the same over 2021–2025. The district level ended on "
            f"{start}, so district series stop at {last}.",
        )
    )
    notebook.show_table(units_table(load_units(), ctx.lang))


def show_notes_and_sources(ctx) -> None:
    notebook.heading(ctx.t("Ghi chú về phương pháp", "Method notes"), 2)
    notebook.markdown("\n".join(f"- {a}" for a in ASSUMPTIONS[ctx.lang]))
    notebook.heading(ctx.t("Ghi chú theo chỉ tiêu", "Notes by indicator"), 3)
    notebook.markdown(notes_markdown(ctx.catalogue, ctx.lang))
    notebook.heading(ctx.t("Lưu ý về các chỉ tiêu chưa kiểm chứng", "Indicators whose content is not verified"), 2)
    notebook.markdown(caveats_markdown(ctx.catalogue, ctx.lang))
    notebook.heading(ctx.t("Nguồn", "Sources"), 2)
    notebook.markdown(sources_markdown(ctx.catalogue, ctx.lang))


def show_report(ctx) -> None:
    """All sections of the overview, in order (for use outside the notebook)."""
    show_intro(ctx)
    show_summary(ctx)
    show_objectives(ctx)
    show_departments(ctx)
    show_units(ctx)
    show_notes_and_sources(ctx)
