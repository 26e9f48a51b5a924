"""What every disclosure-control module shares: the threshold and mark, the published
assumptions, the suppressed-table type (:class:`SuppressedTable`) and the guards that refuse to
show identifiers (:func:`guard_no_identifiers`) or small counts in rendered HTML
(:func:`scan_html_for_disclosure`). See :mod:`me_utils.analysis.disclosure` for the method.
"""

from __future__ import annotations

import html as _html
import re
from dataclasses import dataclass, field

import pandas as pd

from me_utils.core import errors as _errors
from me_utils.core import fmt

DEFAULT_K = 5
HIDDEN_MARK = "x"

ASSUMPTIONS = {
    "vi": [
        "Ô có số đếm từ 1 đến k−1 (mặc định k = 5) bị ẩn (ẩn sơ cấp); số 0 không bị coi là nhạy cảm.",
        "Ẩn bổ sung để không ô ẩn nào có thể tính lại từ tổng hàng, tổng cột và tổng chung; "
        "kiểm tra bằng quy hoạch tuyến tính (khoảng giá trị khả dĩ của mỗi ô ẩn rộng ít nhất 1).",
        "Tỷ lệ, tỷ suất có tử số hoặc mẫu số bị ẩn cũng bị ẩn.",
        "Mọi ô ẩn được đánh dấu giống nhau (x); chỉ thống kê các vụ việc có đồng ý chia sẻ số liệu.",
        "Các bảng của báo cáo tỉnh và báo cáo các huyện là các lát cắt của cùng một khối số liệu "
        "huyện × nhóm × năm đã được ẩn một lần với mọi tổng, nên ghép tất cả các báo cáo (cùng giai "
        "đoạn, cùng ngưỡng k) cũng không tính lại được ô ẩn; không công bố dữ liệu theo từng ca.",
    ],
    "en": [
        "Cells with counts 1 to k−1 (default k = 5) are hidden (primary); zeros are not sensitive.",
        "Further cells are hidden so that no hidden cell can be worked out from row, column or "
        "grand totals; checked by linear programming (each hidden cell's feasible range is at "
        "least 1 wide).",
        "Rates and percentages whose numerator or denominator is hidden are hidden too.",
        "All hidden cells carry the same mark (x); only incidents with consent to reporting are counted.",
        "The tables of the province report and of every district report are slices of one district × "
        "category × year cube suppressed once against all its totals, so even all reports read "
        "together (same period, same k) give no hidden cell away; no case-level data are published.",
    ],
}


def default_cache_dir() -> str:
    """Folder where suppression *patterns* (never counts) are cached: env ``ME_SDC_CACHE`` or
    ``me_utils_sdc_cache`` in the system temp folder."""
    import os
    import tempfile

    return os.environ.get("ME_SDC_CACHE") or os.path.join(tempfile.gettempdir(), "me_utils_sdc_cache")


class DisclosureError(_errors.DisclosureError, ValueError):
    """A table about to be displayed would disclose identifiers or small counts."""


# --------------------------------------------------------------------------- core structure


@dataclass
class SuppressedTable:
    """A 2-D count table with margins and its suppression pattern.

    Attributes:
      ``name`` — table title used in the log;
      ``counts`` — DataFrame of integer counts *including* the margin row/column labelled
      ``total_label`` (internal: never display it directly, use :meth:`display`);
      ``hidden`` — bool DataFrame, same shape, True where the value must not be shown;
      ``reason`` — str DataFrame: ``''``, ``'primary'``, ``'complementary'`` or
      ``'unpublished'`` (a margin the table does not print);
      ``k`` — threshold; ``audit`` — DataFrame from :func:`audit` (filled by :func:`suppress`).
    """

    name: str
    counts: pd.DataFrame
    hidden: pd.DataFrame
    reason: pd.DataFrame
    k: int = DEFAULT_K
    total_label: str = "Tổng"
    audit: pd.DataFrame | None = None
    iterations: int = 0
    meta: dict = field(default_factory=dict)

    @property
    def n_hidden(self) -> int:
        """Number of hidden published cells (primary + complementary)."""
        return int(self.reason.isin(["primary", "complementary"]).to_numpy().sum())

    def display(self, lang: str = "vi", mark: str = HIDDEN_MARK) -> pd.DataFrame:
        """Formatted string table for a report: hidden cells shown as ``mark``, unpublished
        margins dropped, numbers formatted with :func:`me_utils.core.fmt.fmt_number`."""
        vals = self.counts.copy()
        out = pd.DataFrame(index=vals.index, columns=vals.columns, dtype=object)
        for c in vals.columns:
            out[c] = [
                mark if h else fmt.fmt_number(v, 0, lang) for v, h in zip(vals[c].to_numpy(), self.hidden[c].to_numpy())
            ]
        unpub = self.reason == "unpublished"
        # a margin line is dropped when all its non-grand cells are unprinted
        drop_rows = [i for i in out.index if unpub.loc[i].iloc[:-1].all()]
        drop_cols = [c for c in out.columns if unpub[c].iloc[:-1].all()]
        out = out.drop(index=drop_rows, columns=drop_cols)
        tl = self.total_label if lang == "vi" else "Total"
        out = out.rename(index={self.total_label: tl}, columns={self.total_label: tl})
        guard_no_identifiers(out)
        return out


# --------------------------------------------------------------------------- guards

_ID_NAME = re.compile(
    r"(^|[_\s-])(id|ids|code_id|case|survivor_code|ma_ho_so|identifier)($|[_\s-])"
    r"|^id_|_id$|^case_?id$",
    re.IGNORECASE,
)
_DATE_NAME = re.compile(r"(^|_)dates?($|_)", re.IGNORECASE)
CASE_ID_RE = re.compile(r"GBV-[A-Z0-9]{1,6}-\d{4}-\d{3,}")


def guard_no_identifiers(df: pd.DataFrame) -> pd.DataFrame:
    """Raise :class:`DisclosureError` if ``df`` could identify a person; else return ``df``.

    Refused: a column (or index level) named like an identifier (``case_id``, ``*_id``,
    ``id``), a column named like a raw date (``incident_date``, ``report_date``), a datetime
    column, or any cell that looks like a case id (``GBV-<unit>-<year>-<nnnn>``).
    """
    names = [str(c) for c in df.columns] + [str(n) for n in df.index.names if n is not None]
    for nme in names:
        if _ID_NAME.search(nme):
            raise DisclosureError(f"identifier-like column {nme!r} cannot be shown in a report")
        if _DATE_NAME.search(nme):
            raise DisclosureError(f"raw date column {nme!r} cannot be shown in a report")
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            raise DisclosureError(f"datetime column {c!r} cannot be shown in a report")
    # One regex search over a column's cells joined by NUL (which no case id contains) finds
    # what a per-cell search finds, without pandas' per-cell string machinery: every GBV table
    # of every page passes here.
    for c in df.columns:
        s = df[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            if CASE_ID_RE.search("\x00".join(map(str, s.tolist()))):
                raise DisclosureError(f"column {c!r} holds case identifiers")
    if df.index.dtype == object or pd.api.types.is_string_dtype(df.index):
        if CASE_ID_RE.search("\x00".join(map(str, df.index.tolist()))):
            raise DisclosureError("table index holds case identifiers")
    return df


_TABLE_RE = re.compile(r"<table\b.*?</table>", re.IGNORECASE | re.DOTALL)
_CELL_RE = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_INT_RE = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})*$|^\d+$")


def scan_html_for_disclosure(html_text: str, k: int = DEFAULT_K) -> list[dict]:
    """Scan rendered report HTML for disclosure risks.

    Inputs: HTML text, threshold ``k``. Output: list of findings, each a dict with ``kind``
    (``'case_id'`` or ``'small_count'``), ``text`` and ``where`` (table number for counts).
    A small count is a table cell whose whole text is an integer in 1 … k−1 (so percentages,
    rates with decimals, years and labels such as ``0–3`` are not counts). An empty list
    means the page passed.
    """
    findings = []
    for m in CASE_ID_RE.finditer(html_text):
        findings.append({"kind": "case_id", "text": m.group(0), "where": m.start()})
    for t_no, tm in enumerate(_TABLE_RE.finditer(html_text)):
        for cm in _CELL_RE.finditer(tm.group(0)):
            txt = _html.unescape(_TAG_RE.sub("", cm.group(1))).strip()
            if _INT_RE.match(txt):
                v = int(re.sub(r"[.,\s]", "", txt))
                if 0 < v < k:
                    findings.append({"kind": "small_count", "text": txt, "where": f"table {t_no}"})
    return findings
