"""Codes shared by every layer: the accepted year range, report periods and sex codes.

One place for each (docs/CONTRACTS.md "Codes"): the parser, the pandera schemas, the templates
and the leadership tables all read them from here.
"""

from __future__ import annotations

#: Years a submission or table may carry (the Strategy's phases, with room for baselines).
YEAR_MIN, YEAR_MAX = 2015, 2030
#: Report periods of plan 123 section V: annual (FY) and first half-year (H1).
PERIODS = ("FY", "H1")
#: Sex codes: total, female, male.
SEXES = ("T", "F", "M")

__all__ = ["YEAR_MIN", "YEAR_MAX", "PERIODS", "SEXES"]
