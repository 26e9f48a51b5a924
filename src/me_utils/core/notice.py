"""Words of the illustrative-data notice: one place for the banner of the notebook cell, the
report page, the index and the analyst's API."""

from __future__ import annotations

from me_utils.core import fmt

ILLUSTRATIVE_VI = "Dữ liệu minh họa"
ILLUSTRATIVE_EN = "Illustrative data"


def illustrative_notice(lang: str) -> tuple[str, str, str]:
    """Words of the illustrative-data banner: ``(first, second, body)``, the report language's
    "Dữ liệu minh họa" / "Illustrative data" first, then the other's, then the explanation in
    the report language. Shared by the notebook banner
    (:func:`me_utils.reports.notebook.banner_html`) and the report page's
    (:func:`me_utils.render.export.banner_html`)."""
    first, second = (ILLUSTRATIVE_VI, ILLUSTRATIVE_EN) if lang == "vi" else (ILLUSTRATIVE_EN, ILLUSTRATIVE_VI)
    body = fmt.pick(
        lang,
        "Các số liệu trong báo cáo này do máy sinh ra để minh họa, không phải số liệu của tỉnh Sơn La. "
        "Chỉ các chỉ tiêu, mục tiêu và số liệu công bố có ghi nguồn là thật.",
        "Figures in this report are generated for illustration and are not Son La's data. "
        "Only indicators, targets and published figures with a cited source are real.",
    )
    return first, second, body
