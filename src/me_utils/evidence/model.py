"""The evidence base's shape: file names, columns, phases, the data dictionary and the
:class:`Evidence` container with its lookups (evidence layer). Computation and storage are in
:mod:`me_utils.evidence.base`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from me_utils.analysis import disclosure, gate
from me_utils.analysis.scorecard import DETAIL_COLUMNS, FLOAT_COLUMNS, SCORECARD_COLUMNS
from me_utils.core import errors as _errors

EVIDENCE_DIR = "evidence"
FIGURES_FILE = "figures.parquet"
ASSESSMENTS_FILE = "assessments.parquet"
CURVES_FILE = "curves.parquet"
META_FILE = "meta.json"
DICTIONARY_FILE = "dictionary.csv"
SCHEMA_VERSION = 2

#: Indicators derived from GBV, domestic-violence or trafficking data (the gate's one list).
GBV_DERIVED = frozenset(gate.GBV_DERIVED_CODES)

#: The phases of the evidence base: the 2021–2025 review (province and the 12 former districts)
#: and the 2026–2030 monitoring (province and the 75 communes). Figures keep every year; each
#: assessment belongs to one phase and uses that phase's years and units.
PHASES = ((2021, 2025), (2026, 2030))

#: Default disclosure threshold: counts 1 to K−1 are suppressed.
DEFAULT_K = disclosure.DEFAULT_K

FIGURE_COLUMNS = [
    "indicator_code",
    "unit_code",
    "year",
    "period",
    "sex",
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "kind",
    "scale",
    "fitted",
    "residual",
    "gbv_derived",
    "suppressed",
    "suppress_reason",
    "department",
    "submission_date",
    "source_file",
    "source_row",
]
CURVE_COLUMNS = [
    "indicator_code",
    "unit_code",
    "sex",
    "period_start",
    "year",
    "fit",
    "fit_low",
    "fit_high",
    "pred_low",
    "pred_high",
]
ASSESSMENT_COLUMNS = (
    ["unit_code", "sex", "period_start", "period_end"]
    + SCORECARD_COLUMNS
    + DETAIL_COLUMNS
    + ["gbv_derived", "suppressed", "suppress_reason"]
)

#: Columns of an assessment that are computed from the figures and vanish when the series is
#: suppressed (the row keeps the indicator's identity, targets and the reason).
ASSESSMENT_FIGURE_COLUMNS = (
    ["n_points"] + [c for c in FLOAT_COLUMNS if c not in ("target_2025", "target_2030")] + DETAIL_COLUMNS
)

#: Data dictionary: column → (type, unit, meaning). Written to ``dictionary.csv``.
DICTIONARY = {
    "figures": {
        "indicator_code": ("text", "", "catalogue code (data/reference/indicators.yaml)"),
        "unit_code": ("text", "", "administrative unit code (data/reference/units.csv)"),
        "year": ("integer", "year", "calendar year of the figure"),
        "period": ("text", "", "FY (annual) or H1 (first half-year)"),
        "sex": ("text", "", "T total, F female, M male"),
        "value": ("float", "indicator unit", "the figure (percent as 0–100); NaN when suppressed"),
        "numerator": ("float", "count", "numerator; NaN when not reported or suppressed"),
        "denominator": ("float", "count", "denominator; NaN when not reported or suppressed"),
        "ci_low": ("float", "indicator unit", "95% interval, lower (Wilson / Garwood); NaN if none"),
        "ci_high": ("float", "indicator unit", "95% interval, upper"),
        "kind": ("text", "", "proportion, rate, count, ratio or binary"),
        "scale": ("float", "", "100 for percent, 100000 for per-100,000 rates, 1 otherwise"),
        "fitted": ("float", "indicator unit", "trend value at this year (annual total series only)"),
        "residual": ("float", "indicator unit", "value − fitted"),
        "gbv_derived": ("boolean", "", "derived from GBV, domestic-violence or trafficking data"),
        "suppressed": ("boolean", "", "hidden by the disclosure gate"),
        "suppress_reason": ("text", "", "primary (a count 1 to k−1), complementary, or empty"),
        "department": ("text", "", "reporting body code"),
        "submission_date": ("date", "", "date the figure was sent"),
        "source_file": ("text", "", "file under raw/ the figure came from"),
        "source_row": ("integer", "", "row in that file"),
    },
    "assessments": {
        "unit_code": ("text", "", "unit assessed"),
        "sex": ("text", "", "sex of the series assessed (T)"),
        "period_start": ("integer", "year", "first year of the phase"),
        "period_end": ("integer", "year", "last year of the phase"),
        **{
            c: ("see scorecard", "", "column of me_utils.analysis.scorecard.SCORECARD_COLUMNS")
            for c in SCORECARD_COLUMNS
        },
        **{
            c: ("float", "", "number behind a method's status (me_utils.analysis.scorecard.DETAIL_COLUMNS)")
            for c in DETAIL_COLUMNS
        },
        "gbv_derived": ("boolean", "", "derived from GBV, domestic-violence or trafficking data"),
        "suppressed": ("boolean", "", "figures and trend hidden by the disclosure gate"),
        "suppress_reason": ("text", "", "why (Vietnamese sentence key), or empty"),
    },
    "curves": {
        "year": ("integer", "year", "year of the curve point"),
        "fit": ("float", "indicator unit", "fitted trend"),
        "fit_low": ("float", "indicator unit", "95% interval of the trend, lower"),
        "fit_high": ("float", "indicator unit", "95% interval of the trend, upper"),
        "pred_low": ("float", "indicator unit", "95% prediction interval, lower"),
        "pred_high": ("float", "indicator unit", "95% prediction interval, upper"),
    },
}


class EvidenceError(_errors.ReportError, RuntimeError):
    """The evidence base is missing or was written by another schema version."""


@dataclass
class Evidence:
    """The three tables of the evidence base and its metadata.

    ``figures``, ``assessments`` and ``curves`` have the columns :data:`FIGURE_COLUMNS`,
    :data:`ASSESSMENT_COLUMNS` and :data:`CURVE_COLUMNS`; ``meta`` holds the settings used
    (``period_start``, ``period_end``, ``headline_method``, ``k``, ``manifest_hash``,
    ``schema_version``).
    """

    figures: pd.DataFrame
    assessments: pd.DataFrame
    curves: pd.DataFrame
    meta: dict = field(default_factory=dict)

    def scorecard(self, unit: str, sex: str = "T", period_start: int | None = None) -> pd.DataFrame:
        """The scorecard of one unit in one phase (``period_start``; default the first phase):
        columns SCORECARD_COLUMNS + DETAIL_COLUMNS, catalogue order, gated figures (NaN where
        suppressed). Empty when the unit is not assessed in that phase."""
        a = self.assessments
        ps = self.default_phase() if period_start is None else int(period_start)
        sub = a[(a["unit_code"] == unit) & (a["sex"] == sex) & (a["period_start"] == ps)]
        return sub[SCORECARD_COLUMNS + DETAIL_COLUMNS + ["suppressed", "suppress_reason"]].reset_index(drop=True)

    def series(self, code: str, unit: str, sex: str = "T", period: str = "FY") -> pd.DataFrame:
        """Yearly figures of one indicator and unit (gated), sorted by year."""
        f = self.figures
        m = (f["indicator_code"] == code) & (f["unit_code"] == unit) & (f["sex"] == sex) & (f["period"] == period)
        return f[m].sort_values("year").reset_index(drop=True)

    def curve(self, code: str, unit: str, sex: str = "T", period_start: int | None = None) -> pd.DataFrame:
        """The fitted curve and prediction band of one series in one phase (default the first;
        empty when none was fitted or the series is suppressed)."""
        c = self.curves
        ps = self.default_phase() if period_start is None else int(period_start)
        m = (c["indicator_code"] == code) & (c["unit_code"] == unit) & (c["sex"] == sex) & (c["period_start"] == ps)
        return c[m].sort_values("year").reset_index(drop=True)

    def default_phase(self) -> int:
        """First year of the first phase stored (2021)."""
        phases = self.meta.get("phases") or [[self.meta.get("period_start", 2021)]]
        return int(phases[0][0])

    def units(self) -> list[str]:
        """Unit codes assessed, in the order they were computed."""
        return list(dict.fromkeys(self.assessments["unit_code"].astype(str)))
