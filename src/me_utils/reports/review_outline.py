"""Outlines of the two reviews plan 123/KH-UBND (section IV.1) asks Sở Nội vụ to prepare:

* the **sơ kết** (mid-term review) of the National Strategy on Gender Equality 2021–2030 for
  2021–2025 — every objective, results against the 2025 targets, outlook to 2030;
* the **tổng kết** (final review) of the GBV prevention and response programme 2021–2025
  (2232/QĐ-TTg) — its indicators, the GBV analysis, and the points plan 123 (II.4.b) tells the
  review to focus on.

Layer: reports. This module computes no figure: it arranges the rows of the scorecard
(:func:`me_utils.analysis.scorecard.build_scorecard`, through :func:`me_utils.reports.review.compute`), the
GBV register summary and the accountability matrix into the usual outline of such reviews —
I. kết quả đạt được; II. tồn tại, hạn chế và nguyên nhân; III. bài học kinh nghiệm; IV. phương
hướng, nhiệm vụ; V. kiến nghị, đề xuất. Tables and generated sentences are filled; the
qualitative parts are :class:`Block` s of kind ``analyst``, marked for the analyst to write.
Figures that are estimates (số ước) carry the mark ``(ước)``/``(est.)``.

The document model and its display (:class:`ReviewDoc`, :func:`show`, :func:`to_html`) live in
:mod:`me_utils.reports.review_doc`, the indicator table in
:mod:`me_utils.reports.review_indicator_table`; both are re-exported here.
:mod:`me_utils.render.docx` writes the same document as an editable Word file.
"""

from __future__ import annotations

import re

import pandas as pd

from me_utils.analysis import accountability
from me_utils.build.dataset import load_observations
from me_utils.core import fmt
from me_utils.core.labels import COUNTS_REPORTS
from me_utils.reference import plan as _plan
from me_utils.reports import narrative, review_insights
from me_utils.reports.review_doc import (  # noqa: F401 (re-exported)
    Block,
    ReviewDoc,
    Section,
    chart_figure,
    show,
    table_html,
    to_html,
)
from me_utils.reports.review_indicator_table import (  # noqa: F401 (re-exported)
    ESTIMATE_MARK,
    RESULT_LABELS,
    estimate_keys,
    indicator_table,
    result_counts,
    value_text,
)

SO_KET_TITLE_VI = "Báo cáo sơ kết Chiến lược quốc gia về bình đẳng giới giai đoạn 2021–2025"
SO_KET_TITLE_EN = "Mid-term review of the National Strategy on Gender Equality, 2021–2025"
TONG_KET_TITLE_VI = "Báo cáo tổng kết Chương trình phòng ngừa và ứng phó với bạo lực trên cơ sở giới 2021–2025"
TONG_KET_TITLE_EN = "Final review of the GBV prevention and response programme, 2021–2025"
ANALYST_VI = "PHẦN DÀNH CHO CHUYÊN VIÊN"
ANALYST_EN = "FOR THE ANALYST"
OUTLINE_VI = (
    "I. Kết quả đạt được",
    "II. Tồn tại, hạn chế và nguyên nhân",
    "III. Bài học kinh nghiệm",
    "IV. Phương hướng, nhiệm vụ",
    "V. Kiến nghị, đề xuất",
)
OUTLINE_EN = (
    "I. Results achieved",
    "II. Shortcomings, limitations and their causes",
    "III. Lessons learned",
    "IV. Orientations and tasks",
    "V. Recommendations and proposals",
)
#: Plan 123 II.4.b: what the tổng kết of the GBV programme must focus on.
GBV_FOCUS = (
    (
        (
            "Công tác phối hợp liên ngành trong phát hiện sớm, bảo vệ, can thiệp, trợ giúp kịp thời, hiệu quả "
            "nạn nhân bị bạo lực trên cơ sở giới"
        ),
        (
            "Inter-agency co-ordination in early detection, protection, intervention and timely, effective "
            "support of GBV victims"
        ),
        ("M3.C2a", "G.1", "G.2", "DV.4"),
    ),
    (
        "Công tác tư vấn, hỗ trợ và các hình thức xử lý người gây bạo lực",
        "Counselling, support and handling of perpetrators",
        ("M3.C2b", "DV.5"),
    ),
    (
        "Công tác tuyên truyền về phòng ngừa và ứng phó với bạo lực trên cơ sở giới",
        "Communication on GBV prevention and response",
        ("DV.1", "DV.2", "DV.3"),
    ),
    (
        "Biểu dương các cá nhân, tổ chức, mô hình hay, địa phương tiêu biểu",
        "Recognition of individuals, organisations, good models and exemplary localities",
        (),
    ),
)


# --- helpers ---------------------------------------------------------------------------------


def observations(ctx) -> pd.DataFrame | None:
    """The current observations of the report's data root (for the estimate marks); None
    when the data root has not been built."""

    try:
        return load_observations(ctx.data_root)
    except FileNotFoundError:
        return None


def _counts_sentence(counts: dict[str, int], lang: str, what_vi: str, what_en: str) -> str:
    n = sum(counts.values())
    parts = [
        f"{fmt.fmt_number(counts[k], 0, lang)} {fmt.pick(lang, *RESULT_LABELS[k]).lower()}"
        for k in RESULT_LABELS
        if counts[k]
    ]
    return (
        fmt.pick(
            lang,
            f"{what_vi} có {fmt.fmt_number(n, 0, lang)} chỉ tiêu: ",
            f"{what_en} has {fmt.fmt_number(n, 0, lang)} indicators: ",
        )
        + "; ".join(parts)
        + "."
    )


def _analyst(lang: str, vi: str, en: str) -> Block:
    return Block("analyst", f"[{fmt.pick(lang, ANALYST_VI, ANALYST_EN)}] {fmt.pick(lang, vi, en)}")


def _objective_name(catalogue, ob: str, lang: str) -> str:
    meta = (getattr(catalogue, "objectives", None) or {}).get(ob, {})
    return str(meta.get(f"name_{lang}", ob))


def _compliance_block(matrix: pd.DataFrame | None, lang: str) -> list[Block]:
    if matrix is None or matrix.empty:
        return []
    cs = accountability.compliance_summary(matrix)
    cs = cs[cs["due"] > 0]
    if cs.empty:
        return []
    t = pd.DataFrame(
        {
            fmt.pick(lang, "Cơ quan, đơn vị", "Body"): cs[f"department_name_{lang}"],
            fmt.pick(lang, "Số báo cáo đến hạn", "Reports due"): [fmt.fmt_number(x, 0, lang) for x in cs["due"]],
            fmt.pick(lang, "Đúng hạn", "On time"): [fmt.fmt_number(x, 0, lang) for x in cs["on_time"]],
            fmt.pick(lang, "Muộn", "Late"): [fmt.fmt_number(x, 0, lang) for x in cs["late"]],
            fmt.pick(lang, "Chưa gửi", "Missing"): [fmt.fmt_number(x, 0, lang) for x in cs["missing"]],
            fmt.pick(lang, "Tỷ lệ đúng hạn", "Timeliness"): [fmt.fmt_pct(x, 0, lang) for x in cs["timeliness"]],
        }
    )
    rate = accountability.timeliness_rate(matrix)
    para = fmt.pick(
        lang,
        f"Trong số {fmt.fmt_number(int(cs['due'].sum()), 0, lang)} báo cáo định kỳ đã đến hạn, "
        f"{fmt.fmt_pct(rate, 0, lang)} được gửi đúng hạn; báo cáo chưa gửi được tính là chưa đúng hạn.",
        f"Of the {fmt.fmt_number(int(cs['due'].sum()), 0, lang)} periodic reports due, "
        f"{fmt.fmt_pct(rate, 0, lang)} arrived on time; a missing report counts as not on time.",
    )
    return [
        Block("para", para),
        Block(
            "table",
            table=t,
            caption=fmt.pick(
                lang,
                "Thực hiện chế độ báo cáo theo mục V Kế hoạch 123/KH-UBND",
                "Reporting compliance, plan 123/KH-UBND section V",
            ),
            counts=COUNTS_REPORTS,  # reports per body, not GBV counts
        ),
    ]


_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def markdown_paragraphs(md: str) -> list[str]:
    """Plain paragraphs of a short markdown text (the GBV summary) for the review's paragraph
    blocks, which the HTML view and the Word file print as plain text: one paragraph per
    block of lines, list items as ``'– …'`` paragraphs, ``[text](link)`` as its text, ``**``
    dropped — so no markdown syntax reaches the reader."""
    out = []
    for chunk in re.split(r"\n\s*\n", md.strip()):
        items = [ln.strip() for ln in chunk.splitlines() if ln.strip()]
        if items and all(ln.startswith(("- ", "* ")) for ln in items):
            out += ["– " + ln[2:].strip() for ln in items]
        elif items:
            out.append(" ".join(items))
    return [_MD_LINK.sub(r"\1", t).replace("**", "") for t in out]


def _insight_blocks(rows: pd.DataFrame, res, lang: str) -> list[Block]:
    """One paragraph per sentence of :func:`me_utils.reports.review_insights.group_sentences`."""
    figures = getattr(res, "figures", None)
    return [Block("para", t) for t in review_insights.group_sentences(rows, figures, lang)]


def _chart_by_objective(sc: pd.DataFrame, objectives: list[str], catalogue, lang: str) -> Block:
    rows = []
    for ob in objectives:
        c = result_counts(sc[sc["objective"] == ob])
        rows.append(
            {
                fmt.pick(lang, "Mục tiêu", "Objective"): ob,
                fmt.pick(lang, "Đạt", "Achieved"): c["achieved"],
                fmt.pick(lang, "Chưa đạt", "Not achieved"): c["not_achieved"],
                fmt.pick(lang, "Chưa có số liệu", "No data"): c["no_data"] + c["pending"] + c["no_target"],
            }
        )
    return Block(
        "chart",
        table=pd.DataFrame(rows),
        caption=fmt.pick(
            lang, "Số chỉ tiêu theo kết quả năm 2025, theo mục tiêu", "Indicators by 2025 result, by objective"
        ),
    )


def _preamble(res, lang: str, basis_vi: str, basis_en: str) -> Section:
    as_of = fmt.fmt_date(res.as_of, lang)
    blocks = [
        Block(
            "para",
            fmt.pick(
                lang,
                f"Căn cứ: {basis_vi}. Số liệu chốt đến ngày {as_of}; số liệu đánh dấu (ước) là số ước "
                "tính, sẽ được thay bằng số chính thức khi có.",
                f"Basis: {basis_en}. Data as of {as_of}; figures marked (est.) are estimates, to be replaced by "
                "official figures when available.",
            ),
        )
    ]
    if getattr(res, "illustrative", False):
        blocks.append(
            Block(
                "para",
                fmt.pick(
                    lang,
                    "Dữ liệu minh họa — không phải số liệu của tỉnh Sơn La.",
                    "Illustrative data — not Sơn La's figures.",
                ),
            )
        )
    return Section(fmt.pick(lang, "Căn cứ và phạm vi", "Basis and scope"), 2, blocks, part=0)


# --- the sơ kết ------------------------------------------------------------------------------


def so_ket(res, catalogue, observations: pd.DataFrame | None = None, plan: _plan.Plan | None = None) -> ReviewDoc:
    """Outline of the sơ kết of the Strategy 2021–2030 for 2021–2025.

    Inputs: ``res`` from :func:`me_utils.reports.review.compute` (its ``scorecard``, ``matrix``,
    ``as_of``, ``lang``, ``illustrative``), the catalogue (objective names), the observations
    (to mark estimates; optional) and the plan (objectives and horizon of the review).
    """
    p = plan or _plan.load_plan()
    lang = res.lang
    rv = p.review("so_ket")
    fw = p.frameworks.get(rv.framework if rv else "28/NQ-CP")
    objectives = list(fw.objectives) if fw else ["M1", "M2", "M3", "M4", "M5", "M6"]
    start, end = (rv.period_start, rv.period_end) if rv else (2021, 2025)
    outlook = rv.outlook_year if rv and rv.outlook_year else 2030
    est = estimate_keys(observations, getattr(res, "unit", "SL"))
    sc = res.scorecard[res.scorecard["objective"].isin(objectives)]
    title = fmt.pick(
        lang,
        f"Báo cáo sơ kết 5 năm thực hiện Chiến lược quốc gia về bình đẳng giới giai đoạn "
        f"2021–2030 trên địa bàn tỉnh Sơn La (giai đoạn {start}–{end})",
        f"Mid-term review of the National Strategy on Gender Equality 2021–2030 in Sơn La province ({start}–{end})",
    )
    sections = [
        _preamble(
            res,
            lang,
            "Kế hoạch 123/KH-UBND, mục IV.1; Nghị quyết 28/NQ-CP",
            "plan 123/KH-UBND section IV.1; Resolution 28/NQ-CP",
        )
    ]
    # I. results
    s1 = Section(fmt.pick(lang, *(OUTLINE_VI[0], OUTLINE_EN[0])), 2)
    s1.blocks.append(Block("para", _counts_sentence(result_counts(sc), lang, "Chiến lược", "The Strategy")))
    s1.blocks.append(_chart_by_objective(sc, objectives, catalogue, lang))
    sections.append(s1)
    for ob in objectives:
        rows = sc[sc["objective"] == ob]
        sec = Section(_objective_name(catalogue, ob, lang), 3)
        if rows.empty:
            sec.blocks.append(
                Block(
                    "para",
                    fmt.pick(
                        lang,
                        "Không có chỉ tiêu nào của mục tiêu này trong bảng điểm.",
                        "No indicator of this objective is in the scorecard.",
                    ),
                )
            )
            sections.append(sec)
            continue
        sec.blocks.append(
            Block(
                "table",
                table=indicator_table(rows, lang, est),
                caption=fmt.pick(
                    lang,
                    f"{ob}: kết quả so với mục tiêu 2025 và triển vọng đến {outlook}",
                    f"{ob}: results against the 2025 targets and outlook to {outlook}",
                ),
            )
        )
        # what the table does not show: furthest from 2030, changes since the last year,
        # unverified targets, national-only figures, missing data
        sec.blocks += _insight_blocks(rows, res, lang)
        for r in rows.to_dict("records"):
            sec.blocks.append(Block("para", "– " + narrative.indicator_sentence(r, lang)))
        sections.append(sec)
    impl = Section(fmt.pick(lang, "Công tác tổ chức thực hiện và chế độ báo cáo", "Implementation and reporting"), 3)
    impl.blocks += _compliance_block(res.matrix, lang)
    impl.blocks.append(
        _analyst(
            lang,
            "Kết quả triển khai các nhiệm vụ, giải pháp của Chiến lược (ban hành văn bản, "
            "truyền thông, lồng ghép giới, bố trí nguồn lực, kiểm tra, giám sát).",
            "Results of the Strategy's tasks and measures (directives, communication, gender "
            "mainstreaming, resources, inspection).",
        )
    )
    sections.append(impl)
    sections += _common_tail(sc, lang, outlook, "Chiến lược", "the Strategy", est)
    return ReviewDoc(
        "so_ket",
        title,
        fmt.pick(lang, "Dự thảo do công cụ theo dõi, đánh giá tạo ra", "Draft generated by the M&E workbench"),
        lang,
        sections,
        bool(getattr(res, "illustrative", False)),
    )


def _common_tail(sc: pd.DataFrame, lang: str, outlook: int, what_vi: str, what_en: str, est: set) -> list[Section]:
    """Sections II–V: facts generated from the scorecard, the rest marked for the analyst."""
    behind = sc[sc["result_2025"].astype(str) == "not_achieved"]
    nodata = sc[sc["result_2025"].astype(str).isin(["no_data", "pending"])]
    s2 = Section(fmt.pick(lang, OUTLINE_VI[1], OUTLINE_EN[1]), 2)
    if len(behind):
        s2.blocks.append(
            Block(
                "para",
                fmt.pick(
                    lang, "Các chỉ tiêu chưa đạt mục tiêu năm 2025: ", "Indicators that did not reach the 2025 target: "
                )
                + ", ".join(
                    f"{c} ({value_text(r, lang, est)})"
                    for c, r in zip(behind["indicator_code"], behind.to_dict("records"))
                )
                + ".",
            )
        )
    if len(nodata):
        s2.blocks.append(
            Block(
                "para",
                fmt.pick(
                    lang,
                    "Các chỉ tiêu chưa có số liệu để đánh giá năm 2025: ",
                    "Indicators without data to assess 2025: ",
                )
                + ", ".join(nodata["indicator_code"])
                + ".",
            )
        )
    s2.blocks.append(
        _analyst(
            lang,
            "Nguyên nhân chủ quan và khách quan của các tồn tại, hạn chế.",
            "Internal and external causes of the shortcomings.",
        )
    )
    s3 = Section(
        fmt.pick(lang, OUTLINE_VI[2], OUTLINE_EN[2]),
        2,
        [
            _analyst(
                lang,
                "Bài học kinh nghiệm rút ra trong chỉ đạo, tổ chức thực hiện.",
                "Lessons learned in direction and implementation.",
            )
        ],
    )
    s4 = Section(fmt.pick(lang, OUTLINE_VI[3], OUTLINE_EN[3]), 2)
    risk = (
        sc[pd.to_numeric(sc.get("prob_reach_2030"), errors="coerce") < 0.5] if "prob_reach_2030" in sc else sc.iloc[0:0]
    )
    if len(risk):
        s4.blocks.append(
            Block(
                "para",
                fmt.pick(
                    lang,
                    f"Các chỉ tiêu có khả năng đạt mục tiêu năm {outlook} dưới 50% theo xu hướng hiện tại, cần "
                    f"ưu tiên trong giai đoạn tới: ",
                    f"Indicators with less than a 50% chance of reaching the {outlook} target on current trends, to "
                    "prioritise: ",
                )
                + ", ".join(risk["indicator_code"])
                + ".",
            )
        )
    s4.blocks.append(
        _analyst(
            lang,
            f"Phương hướng, nhiệm vụ, giải pháp thực hiện {what_vi} trong giai đoạn tới.",
            f"Orientations, tasks and measures for {what_en} in the next period.",
        )
    )
    s5 = Section(fmt.pick(lang, OUTLINE_VI[4], OUTLINE_EN[4]), 2)
    if len(nodata):
        s5.blocks.append(
            Block(
                "para",
                fmt.pick(
                    lang,
                    "Đề nghị các cơ quan được giao thu thập, báo cáo số liệu các chỉ tiêu chưa có số liệu "
                    "(mục II) theo Thông tư 10/2019/TT-BKHĐT.",
                    "The assigned bodies should collect and report the indicators without data (section II), "
                    "per Circular 10/2019/TT-BKHĐT.",
                ),
            )
        )
    s5.blocks.append(
        _analyst(
            lang,
            "Kiến nghị, đề xuất với Bộ Nội vụ, UBND tỉnh và các cơ quan liên quan.",
            "Recommendations to the Ministry of Home Affairs, the Provincial People's Committee and other bodies.",
        )
    )
    for i, sec in enumerate((s2, s3, s4, s5), start=2):
        sec.part = i
    return [s2, s3, s4, s5]


# --- the tổng kết of the GBV programme ---------------------------------------------------------


def tong_ket_gbv(res, catalogue, observations: pd.DataFrame | None = None, plan: _plan.Plan | None = None) -> ReviewDoc:
    """Outline of the tổng kết of the GBV programme 2021–2025 (2232/QĐ-TTg).

    Inputs as :func:`so_ket`; uses ``res.gbv`` (GBV register summary, disclosure-controlled).
    The programme's indicators and the related Strategy indicators (M3.C2a/b) come from the
    scorecard; for indicators the plan's reconciliation declares ``register: primary`` the
    register figure is the one shown and the submission a cross-check, and vice versa.
    """
    p = plan or _plan.load_plan()
    lang = res.lang
    rv = p.review("tong_ket_gbv")
    fw = p.frameworks.get(rv.framework if rv else "2232/QĐ-TTg")
    start, end = (rv.period_start, rv.period_end) if rv else (2021, 2025)
    est = estimate_keys(observations, getattr(res, "unit", "SL"))
    prog = list(fw.objectives) if fw else ["G"]
    sc = res.scorecard
    programme = sc[sc["objective"].isin(prog)]
    related = sc[sc["indicator_code"].isin(["M3.C2a", "M3.C2b"])]
    dv = sc[sc["objective"] == "DV"]
    title = fmt.pick(
        lang,
        f"Báo cáo tổng kết Chương trình Phòng ngừa và ứng phó với bạo lực trên cơ sở giới "
        f"giai đoạn {start}–{end} trên địa bàn tỉnh Sơn La",
        f"Final review of the programme on GBV prevention and response {start}–{end} in Sơn La province",
    )
    sections = [
        _preamble(
            res,
            lang,
            "Kế hoạch 123/KH-UBND, mục II.4.b và IV.1; Quyết định 2232/QĐ-TTg",
            "plan 123/KH-UBND sections II.4.b and IV.1; Decision 2232/QĐ-TTg",
        )
    ]
    s1 = Section(fmt.pick(lang, OUTLINE_VI[0], OUTLINE_EN[0]), 2)
    rows = pd.concat([programme, related], ignore_index=True)
    s1.blocks.append(
        Block(
            "para",
            _counts_sentence(
                result_counts(rows),
                lang,
                "Chương trình (kèm Chỉ tiêu 2 Mục tiêu 3)",
                "The programme (with Objective 3 Indicator 2)",
            ),
        )
    )
    s1.blocks.append(
        Block(
            "table",
            table=indicator_table(rows, lang, est, outlook=False),
            caption=fmt.pick(
                lang,
                "Chỉ tiêu của Chương trình và chỉ tiêu liên quan của Chiến lược: kết quả so với mục tiêu 2025",
                "Programme indicators and related Strategy indicators: results against the 2025 targets",
            ),
        )
    )
    s1.blocks += _insight_blocks(rows, res, lang)
    notes = []
    for code in rows["indicator_code"]:
        r = p.rule(str(code))
        if r.declared and r.register in ("primary", "cross_check"):
            notes.append(f"{code}: {r.note(lang)}")
    if notes:
        s1.blocks.append(Block("para", fmt.pick(lang, "Nguồn số liệu: ", "Sources: ") + " ".join(notes)))
    sections.append(s1)
    g = Section(
        fmt.pick(lang, "Tình hình bạo lực trên cơ sở giới (sổ theo dõi vụ việc)", "GBV situation (case register)"), 3
    )
    gbv = getattr(res, "gbv", None) or {}
    if gbv.get("markdown"):
        g.blocks += [Block("para", t) for t in markdown_paragraphs(str(gbv["markdown"]))]
    if isinstance(gbv.get("cases"), pd.DataFrame) and len(gbv["cases"]):
        cases = gbv["cases"].reset_index()
        g.blocks.append(
            Block(
                "table",
                table=cases.astype(str),
                caption=fmt.pick(
                    lang,
                    "Vụ việc được phát hiện theo năm và loại (sau kiểm soát công bố)",
                    "Detected incidents by year and type (after disclosure control)",
                ),
            )
        )
    sections.append(g)
    for i, (vi, en, codes) in enumerate(GBV_FOCUS, start=1):
        sec = Section(f"{i}. " + fmt.pick(lang, vi, en), 3)
        sub = sc[sc["indicator_code"].isin(codes)]
        for r in sub.to_dict("records"):
            sec.blocks.append(Block("para", "– " + narrative.indicator_sentence(r, lang)))
        sec.blocks.append(
            _analyst(
                lang,
                f"Đánh giá: {vi.lower()} (kết quả, mô hình, khó khăn).",
                f"Assessment: {en.lower()} (results, models, difficulties).",
            )
        )
        sections.append(sec)
    if len(dv):
        d = Section(
            fmt.pick(
                lang, "Chỉ tiêu phòng, chống bạo lực gia đình (45/QĐ-TTg)", "Domestic-violence indicators (45/QĐ-TTg)"
            ),
            3,
        )
        d.blocks.append(
            Block(
                "table",
                table=indicator_table(dv, lang, est, outlook=False),
                caption=fmt.pick(
                    lang,
                    "Chỉ tiêu Chương trình phòng, chống bạo lực gia đình",
                    "Domestic-violence programme indicators",
                ),
            )
        )
        d.blocks += _insight_blocks(dv, res, lang)
        sections.append(d)
    impl = Section(fmt.pick(lang, "Chế độ báo cáo", "Reporting"), 3, _compliance_block(res.matrix, lang))
    sections.append(impl)
    sections += _common_tail(
        rows, lang, 2030, "công tác phòng ngừa, ứng phó với bạo lực trên cơ sở giới", "GBV prevention and response", est
    )
    return ReviewDoc(
        "tong_ket",
        title,
        fmt.pick(lang, "Dự thảo do công cụ theo dõi, đánh giá tạo ra", "Draft generated by the M&E workbench"),
        lang,
        sections,
        bool(getattr(res, "illustrative", False)),
    )
