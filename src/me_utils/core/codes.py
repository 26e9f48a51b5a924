"""Codes shared by every layer: the accepted year range, report periods, sex codes and the
columns of the GBV case register.

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

#: Required columns of the GBV case register (``raw/gbv/register.csv``, GBVIMS-style, one row
#: per case), in file order: read and checked by :mod:`me_utils.intake.register`, written by
#: the demo generator. Flags are ``0``/``1``; ``svc_*`` are the services received.
GBV_REGISTER_COLUMNS = (
    "case_id",
    "unit_code",
    "incident_type",
    "ipv",
    "child_sexual_abuse",
    "early_marriage",
    "survivor_sex",
    "survivor_age_group",
    "survivor_ethnicity",
    "survivor_disability",
    "incident_date",
    "report_date",
    "svc_health",
    "svc_psychosocial",
    "svc_legal",
    "svc_police_justice",
    "svc_safe_shelter",
    "needed_help",
    "sought_help",
    "referred",
    "consent_reporting",
    "perpetrator_detected",
    "perpetrator_counselled",
    "perpetrator_prosecuted",
    "domestic_violence",
)
#: Optional last column of the register: ``illustrative`` on generated data.
GBV_REGISTER_OPTIONAL_COLUMNS = ("data_status",)

__all__ = ["YEAR_MIN", "YEAR_MAX", "PERIODS", "SEXES", "GBV_REGISTER_COLUMNS", "GBV_REGISTER_OPTIONAL_COLUMNS"]
