"""Number and date formatting for reports, Vietnamese first.

Vietnamese writes a decimal comma and a dot between thousands (``1.898``, ``35,38%``);
English the reverse (``1,898``, ``35.38%``). Missing values print as an en dash.
"""

from __future__ import annotations

import datetime as _dt
import math

LANGS = ("vi", "en")
MISSING = "–"


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported report language, else raise ValueError."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def _is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(math.isnan(float(x)))
    except (TypeError, ValueError):
        return False


def fmt_number(x, decimals: int = 0, lang: str = "vi") -> str:
    """Format a number with ``decimals`` digits after the separator, in the report language.

    >>> fmt_number(1898, 0, "vi"), fmt_number(35.3846, 2, "vi"), fmt_number(1234.5, 1, "en")
    ('1.898', '35,38', '1,234.5')
    """
    check_lang(lang)
    if _is_missing(x):
        return MISSING
    s = f"{float(x):,.{decimals}f}"
    if s in ("-0", "-0.0", "-0.00", "-0.000"):
        s = s[1:]
    if lang == "vi":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return s


def fmt_pct(x, decimals: int = 1, lang: str = "vi") -> str:
    """Format a value already expressed in percent: ``fmt_pct(35.384, 2) == '35,38%'``."""
    if _is_missing(x):
        return MISSING
    return fmt_number(x, decimals, lang) + "%"


def fmt_ci(lo, hi, decimals: int = 1, lang: str = "vi", pct: bool = True) -> str:
    """Format an interval: ``'KTC 95%: 24,1–48,4%'`` style body, without the label.

    Returns e.g. ``'24,1–48,4%'`` (``pct=True``) or ``'24,1–48,4'``.
    """
    if _is_missing(lo) or _is_missing(hi):
        return MISSING
    body = f"{fmt_number(lo, decimals, lang)}–{fmt_number(hi, decimals, lang)}"
    return body + ("%" if pct else "")


def ci_label(level: float = 0.95, lang: str = "vi") -> str:
    """Short label of a confidence interval: ``'KTC 95%'`` or ``'95% CI'``."""
    check_lang(lang)
    lvl = fmt_number(level * 100, 0 if float(level * 100).is_integer() else 1, lang)
    return f"KTC {lvl}%" if lang == "vi" else f"{lvl}% CI"


def fmt_date(d, lang: str = "vi") -> str:
    """Format a date: ``20/11/2025`` in Vietnamese, ``2025-11-20`` in English."""
    check_lang(lang)
    if d is None or (isinstance(d, float) and math.isnan(d)):
        return MISSING
    if isinstance(d, str):
        d = _dt.date.fromisoformat(d[:10])
    if isinstance(d, _dt.datetime):
        d = d.date()
    if hasattr(d, "date") and not isinstance(d, _dt.date):  # pandas Timestamp
        d = d.date()
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()


def pick(lang: str, vi: str, en: str) -> str:
    """Return the text of the report language."""
    return vi if check_lang(lang) == "vi" else en
