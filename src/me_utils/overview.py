"""The overview report (notebooks/00_overview.ipynb): the indicator framework at a glance.

Tables are built by pure functions (``summary_table``, ``objective_table``,
``department_table``, ``units_table``, ``sources_markdown``) that return DataFrames/text in
the report language, so they can be tested; ``show_*`` functions display them in a notebook.
Every target of an indicator that is not verified carries the flag "⚠" in its cell, and the
verification column spells it out ("⚠ chưa kiểm chứng / unverified" with the reference tag).
"""
from __future__ import annotations

import pandas as pd

from . import fmt, notebook
from .catalogue import DEPARTMENTS, Catalogue, Indicator, department_name

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
        "Mục tiêu là mục tiêu quốc gia (Nghị quyết 28/NQ-CP và các chương trình 2232, 2282, 1790, 45/QĐ-TTg), "
        "áp dụng cho tỉnh Sơn La trừ khi tỉnh có mục tiêu riêng ghi trong data/reference/province_overrides.yaml.",
        "Giá trị gốc (baseline) là số liệu toàn quốc; chưa tìm được số liệu gốc của Sơn La.",
        "Chỉ các dòng được đánh dấu VERIFIED hoặc VERIFIED-VI (guidance) trong tài liệu tham khảo được coi là đã kiểm chứng; "
        "các dòng khác hiển thị cờ ⚠ bên cạnh mục tiêu.",
        "Số thứ tự chỉ tiêu của Mục tiêu 4–6 chưa được đối chiếu với văn bản gốc.",
        "Cơ quan báo cáo theo Kế hoạch 123/KH-UBND mục IV; cơ quan của các chương trình là đề xuất.",
    ],
    "en": [
        "Targets are national targets (Resolution 28/NQ-CP and programmes 2232, 2282, 1790, 45/QĐ-TTg), applied "
        "to Son La unless the province set its own in data/reference/province_overrides.yaml.",
        "Baselines are national figures; no Son La baseline was found.",
        "Only rows tagged VERIFIED or VERIFIED-VI (guidance) in the reference count as verified; the others show "
        "the flag ⚠ next to their target.",
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
    text = ind.flag(lang) or _t(lang, VERIFIED_LABEL)
    if not ind.numbering_verified:
        text += fmt.pick(lang, "; số thứ tự chưa kiểm chứng", "; numbering unverified")
    return text


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
    scope = {"national": ("toàn quốc", "national"), "province": ("tỉnh", "province"),
             "district": ("huyện", "district")}[b.scope]
    return f"{num} ({b.year}, {_t(lang, scope)})"


def objective_table(catalogue: Catalogue, objective: str, lang: str = "vi") -> pd.DataFrame:
    """Indicators of one objective/programme as a display table (text cells, report language).

    Columns (vi): Mã, Chỉ tiêu, Đơn vị, Giá trị gốc, Mục tiêu 2025, Mục tiêu 2030, Chiều,
    Cơ quan báo cáo, Kỳ báo cáo, Kiểm chứng. Targets are formatted with :mod:`me_utils.fmt`.
    """
    cols = _columns(lang)
    rows = []
    for ind in catalogue:
        if ind.objective != objective:
            continue
        rows.append({
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
        })
    return pd.DataFrame(rows, columns=cols)


def _columns(lang: str) -> list[str]:
    return ([
        "Mã", "Chỉ tiêu", "Đơn vị", "Giá trị gốc", "Mục tiêu 2025", "Mục tiêu 2030", "Chiều",
        "Cơ quan báo cáo", "Kỳ báo cáo", "Kiểm chứng",
    ] if fmt.check_lang(lang) == "vi" else [
        "Code", "Indicator", "Unit", "Baseline", "Target 2025", "Target 2030", "Direction",
        "Reporting department", "Periodicity", "Verification",
    ])


def summary_table(catalogue: Catalogue, lang: str = "vi") -> pd.DataFrame:
    """One row per objective/programme plus a total: number of indicators, of verified ones,
    of indicators with a 2025 target and with a 2030 target."""
    heads = (["Mục tiêu / chương trình", "Văn bản", "Số chỉ tiêu", "Đã kiểm chứng", "Có mục tiêu 2025",
              "Có mục tiêu 2030"] if fmt.check_lang(lang) == "vi" else
             ["Objective / programme", "Document", "Indicators", "Verified", "With a 2025 target",
              "With a 2030 target"])
    rows = []
    for ob in catalogue.objective_order():
        inds = [i for i in catalogue if i.objective == ob]
        rows.append([catalogue.objective_name(ob, lang), inds[0].framework, len(inds),
                     sum(i.verified for i in inds), sum(i.target(2025) is not None for i in inds),
                     sum(i.target(2030) is not None for i in inds)])
    allx = list(catalogue)
    rows.append([fmt.pick(lang, "Tổng cộng", "Total"), "", len(allx), sum(i.verified for i in allx),
                 sum(i.target(2025) is not None for i in allx), sum(i.target(2030) is not None for i in allx)])
    df = pd.DataFrame(rows, columns=heads)
    for c in heads[2:]:
        df[c] = df[c].map(lambda x: fmt.fmt_number(x, 0, lang))
    return df


def department_table(catalogue: Catalogue, lang: str = "vi") -> pd.DataFrame:
    """One row per department code: indicators it reports (lead) and co-reports, with the basis
    (plan 123 or suggested). Departments without any indicator are left out."""
    heads = (["Cơ quan", "Chủ trì báo cáo", "Phối hợp báo cáo"] if fmt.check_lang(lang) == "vi"
             else ["Department", "Lead reporting", "Co-reporting"])
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
    heads = (["Mã", "Đơn vị", "Cấp", "Loại hình", "Hiệu lực đến", "Ghi chú"] if fmt.check_lang(lang) == "vi"
             else ["Code", "Unit", "Level", "Type", "Valid until", "Note"])
    level = {"province": ("tỉnh", "province"), "district": ("huyện", "district")}
    rows = []
    for code in units.codes():
        u = units[code]
        typ = u.type if lang == "vi" else {"tỉnh": "province", "thành phố": "city", "thị xã": "town",
                                           "huyện": "district"}[u.type]
        if u.type_history:
            typ += fmt.pick(lang, f" (trước đó: {u.type_history.split(' → ')[0]})",
                            " (formerly: district)")
        note = units.series_end_note(code, lang) if u.valid_to else fmt.pick(
            lang, "Địa giới không đổi trong giai đoạn 2021–2025 và sau cải cách 2025.",
            "Boundaries unchanged over 2021–2025 and after the 2025 reform.")
        rows.append([code, units.name(code, lang), _t(lang, level[u.level]), typ,
                     fmt.fmt_date(u.valid_to, lang) if u.valid_to else fmt.MISSING, note])
    return pd.DataFrame(rows, columns=heads)


def sources_markdown(catalogue: Catalogue, lang: str = "vi") -> str:
    """Markdown list of the frameworks' documents and of each indicator's source (document and
    URL), so every target in the report carries its citation."""
    lines = [f"**{fmt.pick(lang, 'Văn bản', 'Documents')}**", ""]
    for fw, meta in catalogue.frameworks.items():
        title = meta.get(f"title_{lang}") or fw
        url = meta.get("url", "")
        lines.append(f"- {title}" + (f" — <{url}>" if url else ""))
    lines += ["", f"**{fmt.pick(lang, 'Nguồn của từng chỉ tiêu', 'Source of each indicator')}**", ""]
    for ind in catalogue:
        url = f" — <{ind.source_url}>" if ind.source_url else ""
        lines.append(f"- {ind.code}: {ind.source}{url}")
    return "\n".join(lines)


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
    notebook.markdown(fmt.pick(
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
    ))
    notebook.markdown(fmt.pick(
        lang,
        "Ký hiệu: ⚠ chưa kiểm chứng / unverified (kèm nhãn của tài liệu tham khảo); * mục tiêu riêng của tỉnh; "
        "† cơ quan đề xuất (không có trong Kế hoạch 123); – không có mục tiêu.",
        "Legend: ⚠ unverified / chưa kiểm chứng (with the reference's tag); * province's own target; "
        "† suggested department (not in plan 123); – no target.",
    ))


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
        notebook.markdown("\n".join(
            f"- **{i.code}**: {fmt.pick(ctx.lang, i.target_basis_vi, i.target_basis)}" for i in overrides))
    else:
        notebook.markdown(ctx.t(
            "Tỉnh chưa ghi mục tiêu riêng nào: mọi mục tiêu trên là mục tiêu quốc gia.",
            "No province-specific target is recorded: every target above is the national one."))


def show_departments(ctx) -> None:
    notebook.heading(ctx.t("Cơ quan báo cáo (Kế hoạch 123/KH-UBND, mục IV)",
                           "Reporting departments (plan 123/KH-UBND, section IV)"), 2)
    notebook.show_table(department_table(ctx.catalogue, ctx.lang),
                        caption=ctx.t("† cơ quan đề xuất, không có trong Kế hoạch 123",
                                      "† suggested department, not in plan 123"))
    notebook.markdown(deadlines_markdown(ctx.lang))


def deadlines_markdown(lang: str = "vi") -> str:
    """Sentence giving the reporting deadlines of plan 123 section V, taken from
    :func:`me_utils.build.due_date` (the dates the build checks submissions against)."""
    from .build import due_date

    h1, fy = due_date(2000, "H1"), due_date(2000, "FY")  # any year: only day and month are shown
    return fmt.pick(
        lang,
        f"Hạn báo cáo (Kế hoạch 123 mục V): báo cáo 6 tháng trước ngày {h1.day}/{h1.month}, báo cáo năm "
        f"trước ngày {fy.day}/{fy.month}, gửi {department_name('SNV', 'vi')}.",
        f"Deadlines (plan 123 section V): half-year report before {h1.day} {h1:%B}, annual report before "
        f"{fy.day} {fy:%B}, sent to the {department_name('SNV', 'en')}.")


def show_units(ctx) -> None:
    import datetime as _dt

    from .units import REFORM_DATE, load_units

    notebook.heading(ctx.t("Đơn vị hành chính", "Administrative units"), 2)
    start, last = fmt.fmt_date(REFORM_DATE, ctx.lang), fmt.fmt_date(REFORM_DATE - _dt.timedelta(days=1), ctx.lang)
    notebook.markdown(ctx.t(
        f"Tỉnh là địa bàn thống nhất cho cả giai đoạn 2021–2025. Cấp huyện chấm dứt từ {start}, nên chuỗi "
        f"số liệu cấp huyện dừng ở ngày {last}.",
        "The province is the geography that stays the same over 2021–2025. The district level ended on "
        f"{start}, so district series stop at {last}."))
    notebook.show_table(units_table(load_units(), ctx.lang))


def show_notes_and_sources(ctx) -> None:
    notebook.heading(ctx.t("Ghi chú về phương pháp", "Method notes"), 2)
    notebook.markdown("\n".join(f"- {a}" for a in ASSUMPTIONS[ctx.lang]))
    notebook.heading(ctx.t("Ghi chú theo chỉ tiêu", "Notes by indicator"), 3)
    notebook.markdown(notes_markdown(ctx.catalogue, ctx.lang))
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
