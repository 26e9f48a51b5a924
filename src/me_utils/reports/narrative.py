"""Generated report sentences, in Vietnamese and English, built only from computed results.

Every number in a sentence comes from a field of a computed frame (the scorecard of
:mod:`me_utils.analysis.scorecard`, the accountability matrix of :mod:`me_utils.analysis.accountability`, the
summary counts of :mod:`me_utils.reports.review`); nothing is typed by hand. Numbers are formatted
with :mod:`me_utils.core.fmt` (Vietnamese: decimal comma, dot for thousands; dates dd/mm/yyyy).
Years are printed as plain integers (``2024``, never ``2.024``).

:func:`parse_numbers` reads the numbers back out of a rendered sentence; the tests use it to
check that each printed number equals the computed value it names.

Display precision (an assumption shown in the method note): percentages and rates per
100,000 with 1 decimal, ratios with 2 decimals, counts with 0, probabilities as whole
percents; targets with the fewest decimals (up to 2) that show them exactly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from me_utils.analysis import status

# Labels of every status and summary category (vi, en), re-exported: the status model
# (me_utils.analysis.status) owns their wording, so every report names a status the same way.
from me_utils.analysis.status import STATUS_LABELS  # noqa: F401  (re-export)
from me_utils.core import fmt
from me_utils.reference.catalogue import load_catalogue

#: How the 2025 target reads for each direction of progress (vi, en).
TARGET_VERB: dict[str, tuple[str, str]] = {
    "increase": ("đạt ít nhất", "at least"),
    "decrease": ("giảm xuống còn", "down to"),
    "cap": ("không vượt quá", "at most"),
    "reach": ("đạt", ""),
}

#: Decimals used to print a value of each indicator kind.
KIND_DECIMALS = {"proportion": 1, "rate": 1, "ratio": 2, "count": 0, "binary": 0}


def is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def _missing_text(x) -> bool:
    """True for None, NaN, pandas NA or an empty string."""
    if x is None:
        return True
    if isinstance(x, str):
        return not x.strip()
    try:
        return bool(x != x)  # NaN / NA
    except (TypeError, ValueError):
        return True


def status_label(code, lang: str = "vi") -> str:
    """Human label of a status code (``'achieved'`` → ``'Đã đạt mục tiêu'``), worded as in
    :data:`me_utils.analysis.status.STATUS_LABELS`; unknown codes are returned as they are, a missing
    one as ``'Chưa có số liệu'``."""
    return status.status_label(code, lang)


def value_decimals(kind: str) -> int:
    """Decimals used to print a value of an indicator ``kind`` (see module docstring)."""
    return KIND_DECIMALS.get(str(kind), 1)


def target_decimals(x) -> int:
    """Fewest decimals (0–2) that print the target ``x`` exactly (80 → 0, 1.7 → 1)."""
    if is_missing(x):
        return 0
    for d in range(3):
        if abs(round(float(x), d) - float(x)) < 1e-9:
            return d
    return 2


def is_percent(row: Mapping) -> bool:
    """True when the indicator's value is a percentage (proportion on a 0–100 scale)."""
    label = str(row.get("unit_label") or "")
    return str(row.get("kind")) == "proportion" or label.strip() == "%"


def fmt_value(x, row: Mapping, lang: str, decimals: int | None = None) -> str:
    """Format a value of the indicator described by ``row`` (a scorecard row), with its unit.

    Percentages read ``78,0%``; binary (0/1) indicators ``có``/``không``; other kinds
    ``1,85 lần`` style, i.e. the number then the scorecard's ``unit_label``.
    """
    d = value_decimals(row.get("kind")) if decimals is None else decimals
    if is_missing(x):
        return fmt.MISSING
    if str(row.get("kind")) == "binary":
        # 0/1 indicators (e.g. "content is in the curriculum"): words, not numbers
        return fmt.pick(lang, "có", "yes") if float(x) >= 0.5 else fmt.pick(lang, "không", "no")
    if is_percent(row):
        return fmt.fmt_pct(x, d, lang)
    label = unit_label(row, lang)
    num = fmt.fmt_number(x, d, lang)
    return f"{num} {label}" if label else num


def unit_label(row: Mapping, lang: str = "vi") -> str:
    """Unit text of a scorecard row in the report language: the scorecard's ``unit_label``
    (Vietnamese) or, in English, ``unit_label_en`` / the catalogue's ``unit_en``."""
    label = str(row.get("unit_label") or "").strip()
    if lang == "en":
        en = row.get("unit_label_en") or _catalogue_unit_en(str(row.get("indicator_code") or ""))
        if en:
            return str(en).strip()
    return label


@lru_cache(maxsize=1)
def _catalogue_units_en() -> dict:
    try:
        return {i.code: i.unit_en for i in load_catalogue()}
    except Exception:  # noqa: BLE001 - English unit is a nicety; fall back to the given label
        return {}


def _catalogue_unit_en(code: str) -> str:
    return _catalogue_units_en().get(code, "")


def fmt_ci_text(row: Mapping, lang: str) -> str:
    d = value_decimals(row.get("kind"))
    return fmt.fmt_ci(row.get("ci_low"), row.get("ci_high"), d, lang, pct=is_percent(row))


def indicator_name(row: Mapping, lang: str) -> str:
    """The indicator's name in the report language (English falls back to the Vietnamese)."""
    return str(row.get("name_vi") if lang == "vi" else row.get("name_en") or row.get("name_vi"))


def fmt_probability(p, lang: str = "vi") -> str:
    """A probability in [0, 1] printed as a whole percent (``0.634`` → ``63%``); below 1 % it
    reads ``< 1%`` and above 99 % ``> 99%`` (a model probability is never exactly 0 or 1)."""
    if is_missing(p):
        return fmt.MISSING
    p = float(p)
    if 0 < p < 0.005:
        return "< " + fmt.fmt_pct(1, 0, lang)
    if 0.995 < p < 1:
        return "> " + fmt.fmt_pct(99, 0, lang)
    return fmt.fmt_pct(100.0 * p, 0, lang)


def probability_phrase(p, lang: str = "vi") -> str:
    """``'xác suất khoảng 63%'`` / ``'xác suất dưới 1%'`` (English: ``'probability about 63%'``)."""
    txt = fmt_probability(p, lang)
    if txt.startswith("< "):
        return fmt.pick(lang, f"xác suất dưới {txt[2:]}", f"probability below {txt[2:]}")
    if txt.startswith("> "):
        return fmt.pick(lang, f"xác suất trên {txt[2:]}", f"probability above {txt[2:]}")
    return fmt.pick(lang, f"xác suất khoảng {txt}", f"probability about {txt}")


def target_phrase(row: Mapping, lang: str = "vi", year: int = 2025) -> str:
    """``'mục tiêu năm 2025 là đạt ít nhất 80%'`` (or English), or a no-target phrase."""
    t = row.get(f"target_{year}")
    if is_missing(t):
        return fmt.pick(
            lang, f"chưa có mục tiêu định lượng cho năm {year}", f"there is no quantitative target for {year}"
        )
    verb_vi, verb_en = TARGET_VERB.get(str(row.get("direction")), ("đạt", ""))
    if str(row.get("kind")) == "binary":
        verb_vi, verb_en = "", ""
    value = fmt_value(t, row, lang, decimals=target_decimals(t))
    if lang == "vi":
        s = f"mục tiêu năm {year} là {verb_vi + ' ' if verb_vi else ''}{value}"
    else:
        s = f"the {year} target is {verb_en + ' ' if verb_en else ''}{value}"
    verified = row.get("verified")
    if verified is not None and not is_missing(verified) and not bool(verified):
        s += fmt.pick(
            lang,
            " (⚠ mục tiêu chưa được kiểm chứng với văn bản gốc)",
            " (⚠ target not yet verified against the official text)",
        )
    return s


def margin_phrase(row: Mapping, lang: str = "vi") -> str:
    """``'vượt 2,3 điểm phần trăm'`` / ``'còn thiếu 4,4 điểm phần trăm'`` (percentages) or the
    same in the indicator's unit, from ``margin_2025`` (positive = beyond the target), with the
    margin's 95 % interval when the scorecard has one; empty when there is no margin."""
    m = row.get("margin_2025")
    if is_missing(m):
        return ""
    m = float(m)
    d = value_decimals(row.get("kind"))
    mag = fmt.fmt_number(abs(m), d, lang)
    unit = (
        fmt.pick(lang, " điểm phần trăm", " percentage points")
        if is_percent(row)
        else (f" {unit_label(row, lang)}" if unit_label(row, lang) else "")
    )
    if abs(m) < 0.5 * 10**-d:
        return fmt.pick(lang, "bằng đúng mục tiêu", "exactly at the target")
    s = (
        fmt.pick(lang, f"vượt {mag}{unit}", f"{mag}{unit} beyond it")
        if m > 0
        else fmt.pick(lang, f"còn thiếu {mag}{unit}", f"{mag}{unit} short")
    )
    lo, hi = row.get("margin_2025_low"), row.get("margin_2025_high")
    if not is_missing(lo) and not is_missing(hi):
        lo, hi = float(lo), float(hi)
        a, b = fmt.fmt_number(abs(lo), d, lang), fmt.fmt_number(abs(hi), d, lang)
        if hi <= 0:  # the whole interval is a shortfall
            rng = fmt.pick(lang, f"thiếu {b}–{a}", f"{b}–{a} short")
        elif lo >= 0:
            rng = fmt.pick(lang, f"vượt {a}–{b}", f"{a}–{b} beyond")
        else:
            rng = fmt.pick(lang, f"từ thiếu {a} đến vượt {b}", f"from {a} short to {b} beyond")
        s += f"; {fmt.ci_label(0.95, lang)}: {rng}"
    return s


def indicator_sentence(row: Mapping, lang: str = "vi") -> str:
    """One sentence on one scorecard row, built only from the status model's columns
    (:mod:`me_utils.analysis.status`): latest value with its interval, the 2025 target, the 2025 result
    (with its margin) once observed, and the outlook for the next target with its probability.

    Input: a mapping with the scorecard columns (docs/CONTRACTS.md "Scorecard frame").
    Output: text such as ``'Đến năm 2025, «Tỷ lệ …» ở mức 78,0% (KTC 95%: 74,2–81,4%); mục tiêu
    năm 2025 là đạt ít nhất 80%. Kết quả năm 2025: chưa đạt mục tiêu (còn thiếu 2,0 điểm phần
    trăm). Triển vọng đến năm 2030: có thể đạt (xác suất khoảng 62%).'`` The value is "ở mức"
    (never "đạt"), so no sentence says reached and not reached at once; the outlook words are a
    band of the printed probability, so they cannot contradict it.
    """
    fmt.check_lang(lang)
    name = indicator_name(row, lang)
    if is_missing(row.get("latest_value")) or is_missing(row.get("latest_year")):
        head = fmt.pick(lang, f"Chưa có số liệu cho chỉ tiêu «{name}»", f"There are no data for «{name}»")
        return f"{head}; {target_phrase(row, lang)}."
    year = int(row["latest_year"])
    value = fmt_value(row["latest_value"], row, lang)
    ci = fmt_ci_text(row, lang)
    ci_txt = "" if ci == fmt.MISSING else f" ({fmt.ci_label(0.95, lang)}: {ci})"
    if str(row.get("kind")) == "binary":  # yes/no: "«…»: có" reads better than "ở mức có"
        s = fmt.pick(
            lang,
            f"Đến năm {year}, «{name}»: {value}; {target_phrase(row, lang)}.",
            f"By {year}, «{name}»: {value}; {target_phrase(row, lang)}.",
        )
    elif lang == "vi":
        s = f"Đến năm {year}, «{name}» ở mức {value}{ci_txt}; {target_phrase(row, lang)}."
    else:
        s = f"By {year}, «{name}» stood at {value}{ci_txt}; {target_phrase(row, lang)}."
    if "result_2025" not in row and "status_headline" not in row:  # topic summaries carry no assessment
        return s
    reason = row.get(f"status_reason_{lang}")
    reason = "" if _missing_text(reason) else str(reason).strip()
    if str(row.get("scope")) == "context":
        return s + " " + reason if reason else s
    result = str(row.get("result_2025"))
    if result in ("achieved", "not_achieved"):
        s += " " + fmt.pick(lang, "Kết quả năm 2025: ", "2025 result: ") + status_label(result, lang).lower()
        mp = margin_phrase(row, lang)
        s += f" ({mp})." if mp else "."
    outlook = str(row.get("outlook"))
    oy = row.get("outlook_year")
    p = row.get("outlook_prob")
    if outlook.startswith("outlook_") and not is_missing(oy) and not is_missing(p):
        y = int(float(oy))
        tv = row.get(f"target_{y}")
        what = ""
        if not is_missing(tv) and y != 2025:  # the 2025 target is already in the sentence
            verb_vi, verb_en = TARGET_VERB.get(str(row.get("direction")), ("đạt", ""))
            verb = fmt.pick(lang, verb_vi, verb_en)
            what = f" ({verb + ' ' if verb else ''}{fmt_value(tv, row, lang, decimals=target_decimals(tv))})"
        s += (
            " "
            + fmt.pick(lang, f"Triển vọng đạt mục tiêu năm {y}{what}: ", f"Outlook for the {y} target{what}: ")
            + status_label(outlook, lang).lower()
        )
        s += f" ({probability_phrase(p, lang)})."
    if reason:
        s += " " + reason
    return s


SUMMARY_ORDER = status.SUMMARY_ORDER


def summary_sentence(counts: Mapping[str, int], lang: str = "vi", scope: str | None = None) -> str:
    """Sentence on how many indicators fall in each summary category of the status model.

    ``counts`` maps categories of :data:`SUMMARY_ORDER` to integers (missing keys count 0).
    Numbers appear in the order: total, then each non-zero category in :data:`SUMMARY_ORDER`
    (a zero count is left out). The counts are those of the per-indicator
    ``summary_category`` column, so the sentence equals the scorecard.
    """
    fmt.check_lang(lang)
    n = {k: int(counts.get(k, 0)) for k in SUMMARY_ORDER}
    total = sum(n.values())
    f = lambda k: fmt.fmt_number(n[k], 0, lang)  # noqa: E731
    keys = [k for k in SUMMARY_ORDER if n[k]]  # "0 đã đạt" is never written
    parts = [
        f"{f(k)} {status.SUMMARY_PHRASES_EN_ONE[k] if lang == 'en' and n[k] == 1 else fmt.pick(lang, *status.SUMMARY_PHRASES[k])}"
        for k in keys
    ]
    if not parts:
        return fmt.pick(lang, "Chưa có chỉ tiêu nào.", "There is no indicator.")
    if lang == "vi":
        joined = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + " và " + parts[-1]
        where = f" thuộc {scope}" if scope else ""
        return f"Trong {fmt.fmt_number(total, 0, lang)} chỉ tiêu{where}: {joined}."
    joined = parts[0] if len(parts) == 1 else "; ".join(parts[:-1]) + " and " + parts[-1]
    where = f" in {scope}" if scope else ""
    noun = "indicator" if total == 1 else "indicators"
    return f"Of {fmt.fmt_number(total, 0, lang)} {noun}{where}: {joined}."


def submission_sentence(row: Mapping, lang: str = "vi") -> str:
    """Sentence on one cell of the accountability matrix (a department's report of a period).

    ``row`` has ``department_name_vi/_en``, ``year``, ``period``, ``due_date``,
    ``submission_date``, ``status`` (``on_time|late|missing|not_due``), ``days_late``.
    Dates print dd/mm/yyyy in Vietnamese. Numbers in order: year, submission date (3 parts),
    days late, due date (3 parts) — for a late one; year, due date for a missing one.
    """
    fmt.check_lang(lang)
    dept = str(row.get("department_name_vi") if lang == "vi" else row.get("department_name_en"))
    year = int(row["year"])
    period_vi = "báo cáo 6 tháng đầu năm" if row["period"] == "H1" else "báo cáo năm"
    period_en = "half-year report" if row["period"] == "H1" else "annual report"
    due = fmt.fmt_date(row["due_date"], lang)
    status = row["status"]
    if status == "late":
        sub = fmt.fmt_date(row["submission_date"], lang)
        days = fmt.fmt_number(row["days_late"], 0, lang)
        return fmt.pick(
            lang,
            f"{dept}: {period_vi} {year} gửi ngày {sub}, muộn {days} ngày so với hạn (trước ngày {due}).",
            f"{dept}: {period_en} {year} sent on {sub}, {days} days late (due before {due}).",
        )
    if status == "missing":
        return fmt.pick(
            lang,
            f"{dept}: chưa nhận được {period_vi} {year} (hạn trước ngày {due}).",
            f"{dept}: {period_en} {year} not received (due before {due}).",
        )
    if status == "on_time":
        sub = fmt.fmt_date(row["submission_date"], lang)
        return fmt.pick(
            lang,
            f"{dept}: {period_vi} {year} gửi đúng hạn ngày {sub}.",
            f"{dept}: {period_en} {year} sent on time on {sub}.",
        )
    return fmt.pick(
        lang,
        f"{dept}: {period_vi} {year} chưa đến hạn (hạn trước ngày {due}).",
        f"{dept}: {period_en} {year} not yet due (due before {due}).",
    )


# --- reading numbers back ------------------------------------------------------------------

_NUM_VI = re.compile(r"(?<![\d.,])-?\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d])|(?<![\d.,])-?\d+(?:,\d+)?(?![\d])")
_NUM_EN = re.compile(r"(?<![\d.,])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])|(?<![\d.,])-?\d+(?:\.\d+)?(?![\d])")


def parse_number(token: str, lang: str = "vi") -> float:
    """Parse one number printed by :mod:`me_utils.core.fmt` (``'1.898,5'`` → 1898.5 in Vietnamese)."""
    fmt.check_lang(lang)
    t = token.strip().rstrip("%")
    if lang == "vi":
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", "")
    return float(t)


def parse_numbers(text: str, lang: str = "vi", remove: Iterable[str] = ()) -> list[float]:
    """All numbers of a rendered text, in order, read in the report language's format.

    Strings in ``remove`` (e.g. indicator names that contain digits) are cut out first. A
    date ``dd/mm/yyyy`` yields three numbers.
    """
    for r in remove:
        if r:
            text = text.replace(str(r), " ")
    rx = _NUM_VI if lang == "vi" else _NUM_EN
    return [parse_number(m.group(0), lang) for m in rx.finditer(text)]
