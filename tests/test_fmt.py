"""Vietnamese-first formatting of numbers, percentages, intervals and dates."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from me_utils.core import fmt


@pytest.mark.parametrize(
    "x,dec,lang,expected",
    [
        (1898, 0, "vi", "1.898"),
        (1898, 0, "en", "1,898"),
        (35.384615, 2, "vi", "35,38"),
        (35.384615, 2, "en", "35.38"),
        (1234567.891, 1, "vi", "1.234.567,9"),
        (-0.001, 1, "vi", "0,0"),
        (0.5, 0, "en", "0"),  # banker's rounding is Python's; documented behaviour of format()
    ],
)
def test_fmt_number(x, dec, lang, expected):
    assert fmt.fmt_number(x, dec, lang) == expected


def test_missing_values_print_a_dash():
    assert fmt.fmt_number(None) == fmt.MISSING
    assert fmt.fmt_pct(math.nan) == fmt.MISSING
    assert fmt.fmt_ci(None, 3) == fmt.MISSING


def test_pct_ci_and_label():
    assert fmt.fmt_pct(35.3846, 2, "vi") == "35,38%"
    assert fmt.fmt_ci(6.95, 26.19, 1, "vi") == "7,0–26,2%"
    assert fmt.fmt_ci(6.95, 26.19, 1, "en") == "7.0–26.2%"
    assert fmt.ci_label(0.95, "vi") == "KTC 95%"
    assert fmt.ci_label(0.998, "en") == "99.8% CI"


def test_dates():
    d = dt.date(2025, 11, 20)
    assert fmt.fmt_date(d, "vi") == "20/11/2025"
    assert fmt.fmt_date("2025-05-19", "vi") == "19/05/2025"
    assert fmt.fmt_date(dt.datetime(2025, 5, 19, 8, 30), "en") == "2025-05-19"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        fmt.fmt_number(1, 0, "fr")
