"""The analysts' API: the numbers behind every report, as numeric DataFrames.

Use it in JupyterLab (``make lab``, then a notebook in ``scratch/``)::

    import me_utils.api as me
    me.series("G.1", "Sốp Cộp")          # yearly value, numerator, denominator, 95 % interval
    me.scorecard("SL")                    # one row per indicator: value, targets, statuses, P(reach)
    me.explain("M1.C1", "mc")             # model, dispersion, residuals, each method and WHY
    me.compare("M1.C1")                   # every unit, one year
    me.plot_series("M1.C1", "SL")         # house-style chart on a matplotlib Axes

Every function returns numbers (floats in the indicator's own unit — percent as 0–100, rates
per the catalogue ``scale`` —, counts, probabilities in [0, 1], status *codes*); nothing is
pre-formatted text except the sentences of :func:`explain` that say why a status was given.

Data root: ``data_root=None`` reads the real processed data (``data/processed``) when it has
been built, else the illustrative demo data (``data/demo``), generated and built on demand,
with a one-line notice that it is illustrative (:func:`me_utils.reports.notebook.data_root_or_demo`).

Disclosure gate: every figure comes from the build's evidence base
(:func:`me_utils.evidence.base.load_evidence`, ``processed/evidence/``), where figures derived from
the GBV register, domestic-violence or trafficking data (:data:`GBV_DERIVED_CODES`) have passed
the disclosure gate: a numerator, denominator or complement of 1…k−1 hides the figure (value,
counts and interval NaN, ``suppressed`` True), and a series with a hidden figure shows no trend,
projection, probability or status (``suppressed``). The API adds nothing the gate hid. All
reading goes through :func:`_evidence`, the one place that knows where figures come from.

Layer: top (beside the runner): it reads the evidence of a build and calls analysis and
plotting code; nothing in the package imports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from me_utils.analysis import explanation
from me_utils.analysis import scorecard as sc
from me_utils.analysis.explanation import SUMMARY_KEYS, Explanation, status_label
from me_utils.build import pipeline as build
from me_utils.core import errors as _errors
from me_utils.core import fmt, style
from me_utils.demo import generate as demo
from me_utils.evidence import base as evidence_base
from me_utils.reference.catalogue import load_catalogue
from me_utils.reference.units import load_units
from me_utils.reports import notebook, trend_plots

#: Indicators computed from GBV-register, domestic-violence or trafficking case data: their
#: figures passed the disclosure gate of the evidence base.
GBV_DERIVED_CODES = tuple(sorted(evidence_base.GBV_DERIVED))
#: Disclosure threshold of the evidence base: counts 1…K−1 are hidden.
SUPPRESSION_K = evidence_base.DEFAULT_K
#: The assessment period of the evidence base (the 2021–2025 phase of plan 123).
PERIOD_START, PERIOD_END = 2021, 2025

SERIES_COLUMNS = ["year", "value", "numerator", "denominator", "ci_low", "ci_high", "suppressed"]
SCORECARD_COLUMNS = [
    "indicator_code",
    "name_vi",
    "name_en",
    "framework",
    "kind",
    "direction",
    "unit_label",
    "n_points",
    "first_year",
    "latest_year",
    "latest_value",
    "ci_low",
    "ci_high",
    "target_2025",
    "target_2030",
    "verified",
    "gap_2025",
    "assessed_target_year",
    "status_unsd",
    "status_statcan",
    "status_escap",
    "status_headline",
    "summary_category",
    "result_2025",
    "proj_2025",
    "proj_2025_low",
    "proj_2025_high",
    "proj_2030",
    "proj_2030_low",
    "proj_2030_high",
    "prob_reach_2025",
    "prob_reach_2030",
    "model",
    "gbv_derived",
    "suppressed",
]
COMPARE_COLUMNS = [
    "unit_code",
    "name_vi",
    "name_en",
    "year",
    "value",
    "numerator",
    "denominator",
    "ci_low",
    "ci_high",
    "suppressed",
    "target_2025",
    "target_2030",
    "status_headline",
]
_DECIMALS = {"proportion": 1, "rate": 1, "ratio": 2, "count": 0, "binary": 0}


class ApiError(_errors.UsageError, ValueError):
    """A request the API cannot answer (unknown unit or indicator, no processed data); the
    message says what was asked and why, in Vietnamese then English."""


# ---------------------------------------------------------------------------- the evidence
@dataclass
class Evidence:
    """The gated evidence of one build, as the API reads it.

    ``figures`` (:data:`me_utils.evidence.base.FIGURE_COLUMNS`), ``assessments``
    (:data:`me_utils.evidence.base.ASSESSMENT_COLUMNS`) and ``curves``
    (:data:`me_utils.evidence.base.CURVE_COLUMNS`) of the evidence base; ``root`` the data root;
    ``illustrative`` True for demo data; ``catalogue`` the loaded catalogue; ``meta`` the
    evidence base's settings (period, headline method, k).
    """

    root: Path
    illustrative: bool
    figures: pd.DataFrame
    assessments: pd.DataFrame
    curves: pd.DataFrame
    catalogue: object = field(repr=False, default=None)
    meta: dict = field(default_factory=dict)


_NOTICED: set = set()


def build_demo(root) -> None:
    """Generate, build and compute the evidence base of the illustrative demo data in ``root``
    (``me demo`` + ``me build``; about 30 s). Used when no data is built at all."""
    demo.generate(root, demo.DEFAULT_SEED)
    build.run_build(root)
    evidence_base.build_evidence(root)


def _root(data_root) -> Path:
    root, fallback = notebook.data_root_or_demo(data_root, build_demo=build_demo, notice=False)
    if fallback and str(root) not in _NOTICED:
        _NOTICED.add(str(root))
        print(notebook.demo_notice(root))
    if not (root / "processed" / "observations.csv").exists():
        raise ApiError(
            f"Chưa có dữ liệu đã xử lý ở {root / 'processed'}: chạy `me build --root {root}`. / "
            f"No processed data in {root / 'processed'}: run `me build --root {root}`."
        )
    return root


def _evidence(data_root=None) -> Evidence:
    """The gated evidence of the build under ``data_root``: the stored evidence base
    (``processed/evidence/``), or — for a data root built before the evidence base existed —
    the same tables computed in memory by :func:`me_utils.evidence.base.evidence_for`. The one place
    that knows where the API's figures come from."""
    root = _root(data_root)
    ev = evidence_base.evidence_for(root)
    if ev is None:  # pragma: no cover - _root checked observations.csv
        raise ApiError(f"No processed data in {root / 'processed'}")
    return Evidence(
        root=root,
        illustrative=bool(notebook.read_manifest(root).get("illustrative", False)),
        figures=ev.figures,
        assessments=ev.assessments,
        curves=ev.curves,
        catalogue=load_catalogue(),
        meta=dict(ev.meta),
    )


def _shown(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures that may enter a trend: not suppressed."""
    return figures.loc[~figures["suppressed"].to_numpy(dtype=bool)]


def _unit_order(codes) -> list[str]:
    order = {c: i for i, c in enumerate(load_units().codes())}
    return sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))


def _total_only(sex: str, what: str) -> None:
    if sex != "T":
        raise ApiError(
            f"{what}: cơ sở bằng chứng chỉ đánh giá chuỗi tổng (sex='T'). / {what}: the evidence base "
            f"assesses total series only (sex='T'); use series(..., sex={sex!r}) for the figures."
        )


# ---------------------------------------------------------------------------- lookups
def unit_code(unit: str) -> str:
    """The unit code of ``unit`` — a code or a name in any case, with or without diacritics
    (``'sc'``, ``'SC'``, ``'Sốp Cộp'``, ``'sop cop'``, ``'huyện Sốp Cộp'`` → ``'SC'``).

    Returns the code (str). Raises :class:`ApiError` listing the known units when nothing
    matches.
    """
    units = load_units()
    code = units.match(unit) if isinstance(unit, str) else None
    if code is None:
        known = ", ".join(f"{c} ({units.name(c)})" for c in units.codes())
        raise ApiError(f"Không có đơn vị {unit!r}; các đơn vị: {known}. / Unknown unit {unit!r}; known units: {known}.")
    return code


def indicator_code(code: str, catalogue=None) -> str:
    """The catalogue code of ``code`` in any case (``'g.1'`` → ``'G.1'``).

    Returns the code (str). Raises :class:`ApiError` listing the codes when nothing matches.
    """
    catalogue = catalogue or load_catalogue()
    codes = list(catalogue.indicators)
    by_key = {c.casefold(): c for c in codes}
    got = by_key.get(str(code).strip().casefold())
    if got is None:
        raise ApiError(
            f"Không có chỉ tiêu {code!r} trong danh mục; các mã: {', '.join(codes)}. / "
            f"Unknown indicator {code!r}; catalogue codes: {', '.join(codes)}."
        )
    return got


def units() -> pd.DataFrame:
    """Returns the administrative units: one row per unit with ``unit_code, level, name_vi,
    name_en, valid_to`` (strings; ``valid_to`` empty while the unit exists)."""
    fr = load_units().frame()
    cols = [c for c in ("unit_code", "level", "name_vi", "name_en", "valid_to") if c in fr.columns]
    return fr[cols].reset_index(drop=True)


def indicators() -> pd.DataFrame:
    """Returns the catalogue: one row per indicator with ``code, name_vi, name_en, framework,
    kind, scale, unit, direction, target_2025, target_2030`` (applied targets, indicator units),
    ``verified`` (bool) and ``gbv_derived`` (bool: passes the disclosure gate)."""
    cat = load_catalogue()
    rows = []
    for c, i in cat.indicators.items():
        rows.append(
            {
                "code": c,
                "name_vi": i.name_vi,
                "name_en": i.name_en,
                "framework": i.framework,
                "kind": i.kind,
                "scale": float(i.scale),
                "unit": i.unit,
                "direction": i.direction,
                "target_2025": _num(_target(i, 2025)),
                "target_2030": _num(_target(i, 2030)),
                "verified": bool(i.verified),
                "gbv_derived": c in GBV_DERIVED_CODES,
            }
        )
    return pd.DataFrame(rows)


def _target(ind, year):
    try:
        return ind.target(year)
    except (AttributeError, ValueError):
        return None


def _num(x) -> float:
    return float("nan") if x is None else float(x)


# ---------------------------------------------------------------------------- figures
def figures(data_root=None) -> pd.DataFrame:
    """Returns every gated figure of the build: one row per indicator × unit × year × period ×
    sex with :data:`me_utils.evidence.base.FIGURE_COLUMNS` — ``value`` (indicator units),
    ``numerator`` and ``denominator`` (counts), ``ci_low``/``ci_high`` (95 %, indicator units),
    ``kind``, ``scale``, ``fitted``/``residual`` (trend value and value − trend, annual total
    series), ``gbv_derived`` (bool), ``suppressed`` (bool: value, counts and interval are NaN),
    ``suppress_reason`` and provenance (``department``, ``submission_date``, ``source_file``,
    ``source_row``). The column meanings are in ``processed/evidence/dictionary.csv``."""
    return _evidence(data_root).figures.copy()


def series(code: str, unit: str, sex: str = "T", data_root=None, period: str = "FY") -> pd.DataFrame:
    """Returns the yearly series of one indicator for one unit: one row per year (ascending)
    with ``year`` (int), ``value`` (indicator units: percent as 0–100, rates per the catalogue
    scale), ``numerator``, ``denominator`` (counts, NaN when not reported), ``ci_low``,
    ``ci_high`` (95 % Wilson/Garwood interval, NaN when none applies) and ``suppressed`` (bool;
    a GBV-derived figure hidden by the disclosure gate has NaN value, counts and interval).

    ``unit`` is a code or a name (any case, diacritics optional); ``sex`` ``T``/``F``/``M``;
    ``period`` ``FY`` (annual) or ``H1`` (half-year). ``attrs`` carry ``indicator_code``,
    ``unit_code``, ``kind``, ``scale``, ``unit_label`` and ``illustrative``.
    """
    ev = _evidence(data_root)
    code = indicator_code(code, ev.catalogue)
    u = unit_code(unit)
    f = ev.figures
    m = (f["indicator_code"] == code) & (f["unit_code"] == u) & (f["sex"] == sex) & (f["period"] == period)
    out = f.loc[m.to_numpy(dtype=bool), SERIES_COLUMNS].sort_values("year", kind="stable").reset_index(drop=True)
    ind = ev.catalogue.indicators[code]
    out.attrs = {
        "indicator_code": code,
        "unit_code": u,
        "sex": sex,
        "period": period,
        "kind": ind.kind,
        "scale": float(ind.scale),
        "unit_label": ind.unit,
        "illustrative": ev.illustrative,
    }
    return out


def scorecard(unit: str = "SL", data_root=None, period_start: int | None = None) -> pd.DataFrame:
    """Returns the scorecard of one unit: one row per catalogue indicator (catalogue order,
    including those without data) with :data:`SCORECARD_COLUMNS` — latest value and its 95 %
    interval (indicator units), applied 2025/2030 targets, ``gap_2025`` (indicator units,
    positive = still to go), the status *code* of each method (``status_unsd``,
    ``status_statcan``, ``status_escap``), the headline status, ``summary_category``
    (achieved|on_track|behind|no_data), ``result_2025``, projections with 95 % prediction
    intervals, ``prob_reach_2025``/``prob_reach_2030`` in [0, 1], the trend ``model`` key,
    ``gbv_derived`` and ``suppressed`` (True: the series has a figure hidden by the disclosure
    gate, so its figures, trend and statuses are withheld — status code ``suppressed``).
    Status labels: :func:`status_label`; reasons: :func:`explain`. ``period_start`` picks the
    phase (2021: the 2021–2025 review, the default; 2026: the 2026–2030 monitoring).
    """
    ev = _evidence(data_root)
    u = unit_code(unit)
    a = ev.assessments
    ps = _period(ev)[0] if period_start is None else int(period_start)
    rows = a.loc[((a["unit_code"] == u) & (a["sex"] == "T") & (a["period_start"] == ps)).to_numpy(dtype=bool)]
    if rows.empty:  # a unit without any figure: every indicator without data, same columns
        rows = evidence_base.empty_scorecard(ev.catalogue)
    rows = rows.assign(gbv_derived=rows["indicator_code"].isin(GBV_DERIVED_CODES).to_numpy())
    out = rows[SCORECARD_COLUMNS].reset_index(drop=True)
    out.attrs = {"unit_code": u, "illustrative": ev.illustrative}
    return out


def compare(code: str, units=None, year: int | None = None, sex: str = "T", data_root=None) -> pd.DataFrame:
    """Returns one indicator across units for one year: one row per unit (units.csv order)
    with :data:`COMPARE_COLUMNS` — ``value`` (indicator units), counts, 95 % interval,
    ``suppressed`` (bool), the applied targets and the unit's headline status code.

    ``units``: codes or names (default: every unit with a figure for the indicator);
    ``year``: default the latest year in which any of those units has a shown annual figure.
    A unit without a figure for that year gets a row of NaN.
    """
    ev = _evidence(data_root)
    code = indicator_code(code, ev.catalogue)
    f = ev.figures
    f = f.loc[((f["indicator_code"] == code) & (f["sex"] == sex) & (f["period"] == "FY")).to_numpy(dtype=bool)]
    wanted = _unit_order(f["unit_code"].astype(str)) if units is None else [unit_code(x) for x in units]
    f = f[f["unit_code"].isin(wanted)]
    if year is None:
        shown = f.loc[~f["suppressed"].to_numpy(dtype=bool)]
        year = int(shown["year"].max()) if len(shown) else (int(f["year"].max()) if len(f) else PERIOD_END)
    f = f[f["year"] == int(year)].set_index("unit_code")
    names = load_units()
    a = ev.assessments
    a = a[(a["indicator_code"] == code) & (a["sex"] == "T")].set_index("unit_code")
    ind = ev.catalogue.indicators[code]
    rows = []
    for u in wanted:
        r = f.loc[u] if u in f.index else None
        rows.append(
            {
                "unit_code": u,
                "name_vi": names.name(u, "vi"),
                "name_en": names.name(u, "en"),
                "year": int(year),
                **{
                    c: (float(r[c]) if r is not None else float("nan"))
                    for c in ("value", "numerator", "denominator", "ci_low", "ci_high")
                },
                "suppressed": bool(r["suppressed"]) if r is not None else False,
                "target_2025": _num(_target(ind, 2025)),
                "target_2030": _num(_target(ind, 2030)),
                "status_headline": str(a.loc[u, "status_headline"]) if u in a.index else "no_data",
            }
        )
    out = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    out.attrs = {"indicator_code": code, "year": int(year), "illustrative": ev.illustrative}
    return out


# ---------------------------------------------------------------------------- explain
def _mine(ev: Evidence, code: str, u: str, period: str | None = "FY") -> pd.DataFrame:
    """Figures of one indicator × unit, total sex (``period`` None: every period), by year."""
    f = ev.figures
    m = (f["indicator_code"] == code) & (f["unit_code"] == u) & (f["sex"] == "T")
    if period is not None:
        m &= f["period"] == period
    return f.loc[m.to_numpy(dtype=bool)].sort_values("year", kind="stable").reset_index(drop=True)


def _row(ev: Evidence, code: str, u: str):
    """The stored assessment of one indicator × unit (a Series), or None for a unit without one."""
    a = ev.assessments
    m = (a["indicator_code"] == code) & (a["unit_code"] == u) & (a["sex"] == "T")
    r = a.loc[m.to_numpy(dtype=bool)].sort_values("period_start")
    return r.iloc[0] if len(r) else None


def _period(ev: Evidence) -> tuple[int, int]:
    phases = ev.meta.get("phases") or [[PERIOD_START, PERIOD_END]]
    return int(phases[0][0]), int(phases[0][1])


def _item(ev: Evidence, code: str, u: str):
    """The assessment (:func:`me_utils.analysis.scorecard.assess_unit`) of one indicator × unit redone on
    the evidence base's figures, for what the stored row does not keep: the fitted model object
    and each method's rule. Same function and settings as the evidence base, so the same
    statuses (tests check it)."""
    ind = ev.catalogue.indicators[code]
    ps, pe = _period(ev)
    return sc.assess_unit(
        [ind], _shown(_mine(ev, code, u, None)), u, ps, pe, headline_method=str(ev.meta.get("headline_method", "unsd"))
    )[0]


def explain(code: str, unit: str, sex: str = "T", data_root=None, lang: str = "vi") -> Explanation:
    """Returns an :class:`Explanation` of one indicator × unit assessment of the evidence base:
    the trend model and its dispersion, fitted values and residuals by year (indicator units),
    projections with prediction intervals and P(reach), each method's metric and status, and
    sentences saying why each status was given (``lang`` ``vi`` or ``en``). Statuses,
    probabilities and fitted values are the stored ones (:func:`scorecard`, :func:`figures`).
    A series withheld by the disclosure gate is explained as such, with no figure.
    """
    fmt.check_lang(lang)
    _total_only(sex, "explain")
    ev = _evidence(data_root)
    code = indicator_code(code, ev.catalogue)
    u = unit_code(unit)
    ind = ev.catalogue.indicators[code]
    ps, pe = _period(ev)
    row = _row(ev, code, u)
    mine = _mine(ev, code, u)
    t25, t30 = _target(ind, 2025), _target(ind, 2030)
    hidden = sorted(int(y) for y in mine.loc[mine["suppressed"].to_numpy(dtype=bool), "year"])

    if row is not None and bool(row["suppressed"]):
        # The gate withheld this series: nothing anchored on its counts may be shown.
        return explanation.withheld(code, u, int(row["n_points"]), {2025: t25, 2030: t30}, hidden, lang, SUPPRESSION_K)
    cur = ev.curves
    cur = cur[(cur["indicator_code"] == code) & (cur["unit_code"] == u) & (cur["sex"] == "T")]
    out = explanation.explain_assessment(_item(ev, code, u), row, mine, cur, (ps, pe), lang)
    out.summary["unit_code"] = u
    return out


# ---------------------------------------------------------------------------- plot
def plot_series(code: str, unit: str, ax=None, sex: str = "T", data_root=None, lang: str = "vi"):
    """Draws one indicator for one unit in the house style and returns the matplotlib Axes.

    On ``ax`` (default: a new figure): observed values with their 95 % intervals, the stored
    fitted trend with its 95 % prediction band, and the 2025/2030 targets — the report's chart
    (:func:`me_utils.reports.trend_plots.plot_indicator`) from the evidence base. Figures hidden by the
    disclosure gate are not drawn (said under the axes). Applies the house style
    (:func:`me_utils.core.style.use_house_style`) and never changes the matplotlib backend, so the
    figure shows inline in JupyterLab.
    """
    fmt.check_lang(lang)
    _total_only(sex, "plot_series")
    ev = _evidence(data_root)
    code = indicator_code(code, ev.catalogue)
    u = unit_code(unit)
    ind = ev.catalogue.indicators[code]
    mine = _mine(ev, code, u)
    hidden = sorted(int(y) for y in mine.loc[mine["suppressed"].to_numpy(dtype=bool), "year"])
    cur = ev.curves
    cur = cur[(cur["indicator_code"] == code) & (cur["unit_code"] == u) & (cur["sex"] == "T")]
    panel = {
        "indicator": ind,
        "series": _shown(mine),
        "curve": cur.sort_values("year"),
        "targets": {2025: _target(ind, 2025), 2030: _target(ind, 2030)},
    }
    style.use_house_style()
    if ax is None:
        _, ax = plt.subplots()
    trend_plots.plot_indicator(ax, panel, lang)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", fontsize=8, frameon=False)
    name = load_units().name(u, lang)
    old = ax.get_title(loc="left")
    ax.set_title(f"{old}\n{name}" if old else f"{code} — {name}", fontsize=9, loc="left")
    notes = []
    if hidden:
        notes.append(
            fmt.pick(lang, "Năm bị ẩn (kiểm soát công bố): ", "Hidden years (disclosure control): ")
            + ", ".join(map(str, hidden))
        )
    if ev.illustrative:
        notes.append(fmt.pick(lang, notebook.ILLUSTRATIVE_VI, notebook.ILLUSTRATIVE_EN))
    if notes:  # under the axes, where neither the legend nor the data can hide them
        ax.annotate(
            "\n".join(notes),
            xy=(0.0, -0.1),
            xycoords="axes fraction",
            ha="left",
            va="top",
            fontsize=7,
            color=style.REFERENCE,
        )
    return ax


__all__ = [
    "GBV_DERIVED_CODES",
    "SUMMARY_KEYS",
    "ApiError",
    "Evidence",
    "Explanation",
    "compare",
    "explain",
    "figures",
    "indicator_code",
    "indicators",
    "plot_series",
    "scorecard",
    "series",
    "status_label",
    "unit_code",
    "units",
]
