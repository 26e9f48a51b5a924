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
with a one-line notice that it is illustrative (:func:`me_utils.notebook.data_root_or_demo`).

Disclosure gate: every figure comes from the build's evidence base
(:func:`me_utils.evidence.load_evidence`, ``processed/evidence/``), where figures derived from
the GBV register, domestic-violence or trafficking data (:data:`GBV_DERIVED_CODES`) have passed
the disclosure gate: a numerator, denominator or complement of 1…k−1 hides the figure (value,
counts and interval NaN, ``suppressed`` True), and a series with a hidden figure shows no trend,
projection, probability or status (``suppressed``). The API adds nothing the gate hid. All
reading goes through :func:`_evidence`, the one place that knows where figures come from.

Layer: top (beside the runner): it reads the evidence of a build and calls analysis and
plotting code; nothing in the package imports it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from . import assess, fmt, notebook, style, trend_plots
from . import evidence as evidence_base
from . import scorecard as sc
from .catalogue import load_catalogue
from .units import load_units

#: Indicators computed from GBV-register, domestic-violence or trafficking case data: their
#: figures passed the disclosure gate of the evidence base.
GBV_DERIVED_CODES = tuple(sorted(evidence_base.GBV_DERIVED))
#: Disclosure threshold of the evidence base: counts 1…K−1 are hidden.
SUPPRESSION_K = evidence_base.DEFAULT_K
#: The assessment period of the evidence base (the 2021–2025 phase of plan 123).
PERIOD_START, PERIOD_END = 2021, 2025

SERIES_COLUMNS = ["year", "value", "numerator", "denominator", "ci_low", "ci_high", "suppressed"]
SCORECARD_COLUMNS = [
    "indicator_code", "name_vi", "name_en", "framework", "kind", "direction", "unit_label", "n_points",
    "first_year", "latest_year", "latest_value", "ci_low", "ci_high", "target_2025", "target_2030",
    "verified", "gap_2025", "assessed_target_year", "status_unsd", "status_statcan", "status_escap",
    "status_headline", "summary_category", "result_2025", "proj_2025", "proj_2025_low", "proj_2025_high",
    "proj_2030", "proj_2030_low", "proj_2030_high", "prob_reach_2025", "prob_reach_2030", "model",
    "gbv_derived", "suppressed",
]
COMPARE_COLUMNS = ["unit_code", "name_vi", "name_en", "year", "value", "numerator", "denominator",
                   "ci_low", "ci_high", "suppressed", "target_2025", "target_2030", "status_headline"]
_DECIMALS = {"proportion": 1, "rate": 1, "ratio": 2, "count": 0, "binary": 0}


class ApiError(ValueError):
    """A request the API cannot answer (unknown unit or indicator, no processed data); the
    message says what was asked and why, in Vietnamese then English."""


# ---------------------------------------------------------------------------- the evidence
@dataclass
class Evidence:
    """The gated evidence of one build, as the API reads it.

    ``figures`` (:data:`me_utils.evidence.FIGURE_COLUMNS`), ``assessments``
    (:data:`me_utils.evidence.ASSESSMENT_COLUMNS`) and ``curves``
    (:data:`me_utils.evidence.CURVE_COLUMNS`) of the evidence base; ``root`` the data root;
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


def _root(data_root) -> Path:
    root, fallback = notebook.data_root_or_demo(data_root, build_demo=True, notice=False)
    if fallback and str(root) not in _NOTICED:
        _NOTICED.add(str(root))
        print(notebook.demo_notice(root))
    if not (root / "processed" / "observations.csv").exists():
        raise ApiError(f"Chưa có dữ liệu đã xử lý ở {root / 'processed'}: chạy `me build --root {root}`. / "
                       f"No processed data in {root / 'processed'}: run `me build --root {root}`.")
    return root


def _evidence(data_root=None) -> Evidence:
    """The gated evidence of the build under ``data_root``: the stored evidence base
    (``processed/evidence/``), or — for a data root built before the evidence base existed —
    the same tables computed in memory by :func:`me_utils.evidence.evidence_for`. The one place
    that knows where the API's figures come from."""
    root = _root(data_root)
    ev = evidence_base.evidence_for(root)
    if ev is None:  # pragma: no cover - _root checked observations.csv
        raise ApiError(f"No processed data in {root / 'processed'}")
    return Evidence(root=root, illustrative=bool(notebook.read_manifest(root).get("illustrative", False)),
                    figures=ev.figures, assessments=ev.assessments, curves=ev.curves,
                    catalogue=load_catalogue(), meta=dict(ev.meta))


def _shown(figures: pd.DataFrame) -> pd.DataFrame:
    """Figures that may enter a trend: not suppressed."""
    return figures.loc[~figures["suppressed"].to_numpy(dtype=bool)]


def _unit_order(codes) -> list[str]:
    order = {c: i for i, c in enumerate(load_units().codes())}
    return sorted(set(codes), key=lambda c: (order.get(c, len(order)), c))


def _total_only(sex: str, what: str) -> None:
    if sex != "T":
        raise ApiError(f"{what}: cơ sở bằng chứng chỉ đánh giá chuỗi tổng (sex='T'). / {what}: the evidence base "
                       f"assesses total series only (sex='T'); use series(..., sex={sex!r}) for the figures.")


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
        raise ApiError(f"Không có chỉ tiêu {code!r} trong danh mục; các mã: {', '.join(codes)}. / "
                       f"Unknown indicator {code!r}; catalogue codes: {', '.join(codes)}.")
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
        rows.append({"code": c, "name_vi": i.name_vi, "name_en": i.name_en, "framework": i.framework,
                     "kind": i.kind, "scale": float(i.scale), "unit": i.unit, "direction": i.direction,
                     "target_2025": _num(_target(i, 2025)), "target_2030": _num(_target(i, 2030)),
                     "verified": bool(i.verified), "gbv_derived": c in GBV_DERIVED_CODES})
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
    sex with :data:`me_utils.evidence.FIGURE_COLUMNS` — ``value`` (indicator units),
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
    m = ((f["indicator_code"] == code) & (f["unit_code"] == u) & (f["sex"] == sex) & (f["period"] == period))
    out = f.loc[m.to_numpy(dtype=bool), SERIES_COLUMNS].sort_values("year", kind="stable").reset_index(drop=True)
    ind = ev.catalogue.indicators[code]
    out.attrs = {"indicator_code": code, "unit_code": u, "sex": sex, "period": period, "kind": ind.kind,
                 "scale": float(ind.scale), "unit_label": ind.unit, "illustrative": ev.illustrative}
    return out


def scorecard(unit: str = "SL", data_root=None) -> pd.DataFrame:
    """Returns the scorecard of one unit: one row per catalogue indicator (catalogue order,
    including those without data) with :data:`SCORECARD_COLUMNS` — latest value and its 95 %
    interval (indicator units), applied 2025/2030 targets, ``gap_2025`` (indicator units,
    positive = still to go), the status *code* of each method (``status_unsd``,
    ``status_statcan``, ``status_escap``), the headline status, ``summary_category``
    (achieved|on_track|behind|no_data), ``result_2025``, projections with 95 % prediction
    intervals, ``prob_reach_2025``/``prob_reach_2030`` in [0, 1], the trend ``model`` key,
    ``gbv_derived`` and ``suppressed`` (True: the series has a figure hidden by the disclosure
    gate, so its figures, trend and statuses are withheld — status code ``suppressed``).
    Status labels: :func:`status_label`; reasons: :func:`explain`.
    """
    ev = _evidence(data_root)
    u = unit_code(unit)
    a = ev.assessments
    rows = a.loc[((a["unit_code"] == u) & (a["sex"] == "T")).to_numpy(dtype=bool)]
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
        rows.append({
            "unit_code": u, "name_vi": names.name(u, "vi"), "name_en": names.name(u, "en"), "year": int(year),
            **{c: (float(r[c]) if r is not None else float("nan"))
               for c in ("value", "numerator", "denominator", "ci_low", "ci_high")},
            "suppressed": bool(r["suppressed"]) if r is not None else False,
            "target_2025": _num(_target(ind, 2025)), "target_2030": _num(_target(ind, 2030)),
            "status_headline": str(a.loc[u, "status_headline"]) if u in a.index else "no_data",
        })
    out = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    out.attrs = {"indicator_code": code, "year": int(year), "illustrative": ev.illustrative}
    return out


# ---------------------------------------------------------------------------- explain
@dataclass
class Explanation:
    """What lies behind one indicator × unit assessment (returned by :func:`explain`).

    Attributes (numbers in the indicator's own unit unless said otherwise):

    - ``summary`` (pandas Series): ``indicator_code, unit_code, n_points, first_year,
      latest_year, latest_value, target, target_year`` (the target the methods assessed),
      ``target_2025, target_2030, headline_method, status_headline, summary_category,
      result_2025, model, dispersion`` (φ used to widen the model's uncertainty; 1 = none),
      ``pearson_ratio`` (Pearson χ²/df), ``overdispersion_threshold``, ``df_resid``,
      ``prob_reach_2025, prob_reach_2030`` ([0, 1]) and ``n_suppressed``.
    - ``fit`` (DataFrame): one row per year in the trend — ``year, observed`` (the value the
      model fitted: numerator/denominator × scale where counts exist, else the reported value),
      ``numerator, denominator, fitted`` (fitted mean of the model), ``residual`` (observed −
      fitted) and ``pearson_residual`` (residual over the model's standard deviation of a
      figure, before any overdispersion scaling).
    - ``projection`` (DataFrame): ``year`` (2025, 2030), ``fit``, ``fit_low``, ``fit_high``
      (95 % CI of the mean), ``pred_low``, ``pred_high`` (95 % prediction interval of the
      figure that will be reported), ``target``, ``prob_reach``.
    - ``methods`` (DataFrame): one row per method (``unsd``, ``statcan``, ``escap``) —
      ``method, status`` (code), ``label``, ``headline`` (bool), ``metric_name`` (r, R or G),
      ``metric``, ``cagr``, ``cagr_required``, ``projected``, ``csi``, ``expected`` and
      ``reason`` (a sentence saying why this status).
    - ``why`` (list of str): sentences, headline first, then the model and the notes.
    - ``lang``: language of the sentences.
    """

    summary: pd.Series
    fit: pd.DataFrame
    projection: pd.DataFrame
    methods: pd.DataFrame
    why: list
    lang: str = "vi"

    def _repr_markdown_(self) -> str:
        s = self.summary
        head = f"**{s['indicator_code']} — {s['unit_code']}**: {status_label(s['status_headline'], self.lang)}"
        return head + "\n\n" + "\n".join(f"- {w}" for w in self.why)

    def __str__(self) -> str:
        return self._repr_markdown_()


_EXTRA_LABELS = {"suppressed": ("Ẩn theo kiểm soát công bố", "Withheld by disclosure control")}


def status_label(code: str, lang: str = "vi") -> str:
    """Label (text) of a status code of :func:`scorecard` in ``lang`` — the assessment's labels
    plus ``suppressed`` (withheld by the disclosure gate)."""
    if code in _EXTRA_LABELS and code not in assess.STATUS_LABELS:
        return _EXTRA_LABELS[code][0 if lang == "vi" else 1]
    return assess.status_label(code, lang)


def _n(x, decimals: int, lang: str) -> str:
    return fmt.fmt_number(x, decimals, lang)


def _pct(x, lang: str, decimals: int = 1) -> str:
    """A growth rate or ratio (fraction) as a signed-free percent text."""
    return fmt.fmt_pct(x * 100.0, decimals, lang) if x is not None and np.isfinite(x) else fmt.MISSING


def _method_reason(method: str, res, a, ind, lang: str, settings) -> str:
    """One sentence (or two) saying why ``method`` gave its status, with the numbers it used."""
    L = lambda vi, en: vi if lang == "vi" else en
    d = _DECIMALS.get(ind.kind, 1)
    label = status_label(res.status, lang)
    rule = str(res.details.get("rule", ""))
    v, ly = _n(a.latest_value, d, lang), int(a.latest_year) if np.isfinite(a.latest_year) else None
    t = _n(a.target, d, lang) if a.target is not None else fmt.MISSING
    ty = a.target_year
    fy = int(a.first_year) if np.isfinite(a.first_year) else None
    if res.status == "no_data":
        return L("Chưa có số liệu.", "No data.")
    if rule == "latest value meets the target":
        return L(f"Giá trị mới nhất {v} ({ly}) đã đạt mục tiêu {t} của năm {ty} → {label}.",
                 f"The latest value {v} ({ly}) already meets the {ty} target of {t} → {label}.")
    if rule.startswith("within 1 point"):
        return L(f"Giá trị mới nhất {v} cách mục tiêu {t} không quá 1 điểm phần trăm; UNSD coi là đạt → {label}.",
                 f"The latest value {v} is within 1 percentage point of the {t} target; UNSD counts it as met → {label}.")
    if rule == "binary indicator":
        return L(f"Chỉ tiêu có/không: chỉ xét đạt hay chưa đạt mục tiêu → {label}.",
                 f"Yes/no indicator: only met or not met is scored → {label}.")
    if rule == "target year observed":
        return L(f"Năm mục tiêu {ty} đã có số liệu: giá trị {v} so với mục tiêu {t} → {label}.",
                 f"The target year {ty} is observed: value {v} against the target {t} → {label}.")
    if rule.startswith("fewer than") or (res.status == "insufficient_data" and not res.warnings):
        return L(f"Chỉ có {a.n_points} điểm số liệu trong giai đoạn {PERIOD_START}–{PERIOD_END}: cần ít nhất "
                 f"{settings.min_points} điểm để ước lượng xu hướng → {label}.",
                 f"Only {a.n_points} data point(s) in {PERIOD_START}–{PERIOD_END}: at least {settings.min_points} "
                 f"are needed to estimate a trend → {label}.")
    if res.status == "insufficient_data":
        return L(f"Giá trị âm: không tính được tốc độ tăng trưởng → {label}.",
                 f"Negative values: no growth rate can be computed → {label}.")
    if rule == "one point that already meets the target":
        return L(f"Một điểm số liệu và đã đạt mục tiêu → {label}.", f"One data point, already meeting the target → {label}.")
    if res.status == "no_target" or (method == "escap" and a.target is None):
        return L("ESCAP cần mục tiêu định lượng; chỉ tiêu này không có.", "ESCAP needs a numeric target; there is none.")
    zero = L(" (giá trị 0 được thay bằng 0,001 để tính tốc độ tăng trưởng)",
             " (a zero was replaced by 0.001 to compute the growth rate)") if res.warnings else ""
    g = res.details.get("cagr", float("nan"))
    if rule.startswith("no target"):
        on, fair = ((settings.unsd_no_target_on_track, settings.unsd_no_target_fair) if method == "unsd" else
                    (settings.statcan_no_target_on_track, settings.statcan_no_target_acceleration))
        return L(f"Không có mục tiêu định lượng: tăng trưởng bình quân {_pct(g, lang)}/năm ({fy}–{ly}) theo hướng "
                 f"mong muốn so với ngưỡng {_pct(on, lang)} (đúng lộ trình) và {_pct(fair, lang)}{zero} → {label}.",
                 f"No numeric target: average growth of {_pct(g, lang)} a year ({fy}–{ly}) in the desired direction "
                 f"against thresholds of {_pct(on, lang)} (on track) and {_pct(fair, lang)}{zero} → {label}.")
    if rule.startswith("base met the target"):
        return L(f"Năm gốc {fy} đã đạt mục tiêu {t} nhưng giá trị mới nhất {v} ({ly}) đã lùi xa mục tiêu → {label}.",
                 f"The base year {fy} met the {t} target but the latest value {v} ({ly}) moved away from it → {label}.")
    if method == "unsd":
        r, proj = res.metric, res.details.get("projected", float("nan"))
        cut = (f"r ≥ {_n(settings.unsd_on_track, 2, lang)}" if r >= settings.unsd_on_track else
               f"{_n(settings.unsd_fair, 2, lang)} ≤ r < {_n(settings.unsd_on_track, 2, lang)}"
               if r >= settings.unsd_fair else f"r < {_n(settings.unsd_fair, 2, lang)}")
        return L(f"Tăng trưởng bình quân {_pct(g, lang)}/năm từ {fy} đến {ly}{zero}; giữ tốc độ này, năm {ty} sẽ đạt "
                 f"{_n(proj, d, lang)} so với mục tiêu {t}. r = (dự kiến − gốc)/(mục tiêu − gốc) = {_n(r, 2, lang)}; "
                 f"{cut} → {label}.",
                 f"Average growth of {_pct(g, lang)} a year from {fy} to {ly}{zero}; at that pace {ty} reaches "
                 f"{_n(proj, d, lang)} against the target {t}. r = (projected − base)/(target − base) = "
                 f"{_n(r, 2, lang)}; {cut} → {label}.")
    if method == "statcan":
        R, gT = res.metric, res.details.get("cagr_required", float("nan"))
        Rt = fmt.MISSING if not np.isfinite(R) else _pct(R, lang, 0)
        return L(f"Tăng trưởng quan sát {_pct(g, lang)}/năm ({fy}–{ly}){zero}; để đạt mục tiêu {t} năm {ty} cần "
                 f"{_pct(gT, lang)}/năm. R = quan sát/cần có = {Rt} (ngưỡng: ≥ {_pct(settings.statcan_on_track, lang, 0)} "
                 f"đúng lộ trình, ≥ {_pct(settings.statcan_acceleration, lang, 0)} cần đẩy nhanh, ≥ 0 tiến bộ hạn chế, "
                 f"< 0 xấu đi) → {label}.",
                 f"Observed growth of {_pct(g, lang)} a year ({fy}–{ly}){zero}; reaching the {t} target in {ty} needs "
                 f"{_pct(gT, lang)} a year. R = observed/needed = {Rt} (cut-offs: ≥ "
                 f"{_pct(settings.statcan_on_track, lang, 0)} on track, ≥ {_pct(settings.statcan_acceleration, lang, 0)} "
                 f"acceleration needed, ≥ 0 limited progress, < 0 deterioration) → {label}.")
    # ESCAP
    G, csi, exp_ = res.metric, res.details.get("csi", float("nan")), res.details.get("expected", float("nan"))
    proj, slope = res.details.get("projected", float("nan")), res.details.get("slope", float("nan"))
    cs_state = {"ahead": L("nhanh hơn", "ahead of"), "behind": L("chậm hơn", "behind"),
                "regressed": L("thụt lùi so với", "regressed against")}.get(res.details.get("csi_status", ""), "")
    why = {"maintain": L("G ≤ 0 hoặc đã đạt mục tiêu", "G ≤ 0 or the target is already met"),
           "accelerate": L("xu hướng đúng hướng nhưng G > 0", "the trend goes the right way but G > 0"),
           "reverse": L("xu hướng đi ngược hướng mong muốn", "the trend goes against the desired direction")}[res.status]
    return L(f"Chỉ số hiện trạng CS = {_n(csi, 2, lang)} (phần tiến bộ đã đạt so với cần có), {cs_state} tiến độ "
             f"kỳ vọng {_n(exp_, 2, lang)}; hồi quy có trọng số thời gian (độ dốc {_n(slope, d + 1, lang)}/năm) dự báo "
             f"năm {ty}: {_n(proj, d, lang)}, khoảng cách dự kiến G = {_n(G, 2, lang)}; {why} → {label}.",
             f"Current status index CS = {_n(csi, 2, lang)} (progress made over progress needed), {cs_state} the "
             f"expected {_n(exp_, 2, lang)}; the time-weighted regression (slope {_n(slope, d + 1, lang)} a year) "
             f"projects {_n(proj, d, lang)} for {ty}, anticipated gap G = {_n(G, 2, lang)}; {why} → {label}.")


def _sentence(text: str) -> str:
    """``text`` as a sentence: a leading letter capitalised, a final full stop."""
    i = next((k for k, ch in enumerate(text) if ch.isalnum()), None)
    if i is not None and text[i].isalpha():  # "2025 is observed" stays as it is
        text = text[:i] + text[i].upper() + text[i + 1:]
    return text if text.endswith(".") else text + "."


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
    r = a.loc[((a["indicator_code"] == code) & (a["unit_code"] == u) & (a["sex"] == "T")).to_numpy(dtype=bool)]
    return r.iloc[0] if len(r) else None


def _period(ev: Evidence) -> tuple[int, int]:
    return int(ev.meta.get("period_start", PERIOD_START)), int(ev.meta.get("period_end", PERIOD_END))


def _item(ev: Evidence, code: str, u: str):
    """The assessment (:func:`me_utils.scorecard.assess_unit`) of one indicator × unit redone on
    the evidence base's figures, for what the stored row does not keep: the fitted model object
    and each method's rule. Same function and settings as the evidence base, so the same
    statuses (tests check it)."""
    ind = ev.catalogue.indicators[code]
    ps, pe = _period(ev)
    return sc.assess_unit([ind], _shown(_mine(ev, code, u, None)), u, ps, pe,
                          headline_method=str(ev.meta.get("headline_method", "unsd")))[0]


def _f(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return float("nan")


#: Index of :attr:`Explanation.summary`.
SUMMARY_KEYS = ("indicator_code", "unit_code", "n_points", "first_year", "latest_year", "latest_value", "target",
                "target_year", "target_2025", "target_2030", "headline_method", "status_headline",
                "summary_category", "result_2025", "model", "dispersion", "pearson_ratio",
                "overdispersion_threshold", "df_resid", "prob_reach_2025", "prob_reach_2030", "n_suppressed")


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
    settings = sc.DEFAULT_SETTINGS
    nan = float("nan")
    L = lambda vi, en: vi if lang == "vi" else en
    row = _row(ev, code, u)
    mine = _mine(ev, code, u)
    t25, t30 = _target(ind, 2025), _target(ind, 2030)
    hidden = sorted(int(y) for y in mine.loc[mine["suppressed"].to_numpy(dtype=bool), "year"])

    if row is not None and bool(row["suppressed"]):
        # The gate withheld this series: nothing anchored on its counts may be shown.
        summary = pd.Series({**dict.fromkeys(SUMMARY_KEYS, nan), "indicator_code": code, "unit_code": u,
                             "n_points": int(row["n_points"]), "target_2025": _num(t25), "target_2030": _num(t30),
                             "headline_method": settings.headline_method, "status_headline": "suppressed",
                             "summary_category": "suppressed", "result_2025": "suppressed", "model": "none",
                             "overdispersion_threshold": float(settings.overdispersion_threshold),
                             "n_suppressed": len(hidden)}, dtype=object)
        reason = L(f"Chuỗi số liệu có số đếm từ 1 đến {SUPPRESSION_K - 1} nên bị ẩn theo kiểm soát công bố: không "
                   "hiển thị giá trị, xu hướng, dự báo hay trạng thái, vì chúng có thể làm lộ số bị ẩn.",
                   f"The series has counts from 1 to {SUPPRESSION_K - 1}, so disclosure control withholds it: no "
                   "value, trend, projection or status is shown, as each could give the hidden counts away.")
        methods = pd.DataFrame([{"method": m, "status": "suppressed", "label": status_label("suppressed", lang),
                                 "headline": m == settings.headline_method, "metric_name": n, "metric": nan,
                                 "cagr": nan, "cagr_required": nan, "projected": nan, "csi": nan, "expected": nan,
                                 "reason": reason} for m, n in zip(assess.METHODS, ("r", "R", "G"))])
        why = [reason]
        if hidden:
            why.append(L(f"Năm có số bị ẩn: {', '.join(map(str, hidden))}.",
                         f"Years with hidden figures: {', '.join(map(str, hidden))}."))
        if u != "SL":
            why.append(L(f"Xem cấp tỉnh, nơi số đếm đủ lớn: me.explain({code!r}, 'SL').",
                         f"See the province, where counts are large enough: me.explain({code!r}, 'SL')."))
        empty = pd.DataFrame({c: pd.Series(dtype="float64") for c in
                              ("year", "observed", "numerator", "denominator", "fitted", "residual", "pearson_residual")})
        proj = pd.DataFrame({"year": [2025, 2030], **{c: [nan, nan] for c in
                             ("fit", "fit_low", "fit_high", "pred_low", "pred_high")},
                             "target": [_num(t25), _num(t30)], "prob_reach": [nan, nan]})
        return Explanation(summary=summary, fit=empty, projection=proj, methods=methods, why=why, lang=lang)

    item = _item(ev, code, u)
    a = item["assessment"]
    fit = a.fit

    # Fitted values and residuals, year by year: the stored ones (value − fitted).
    yr = mine[(mine["year"] >= ps) & (mine["year"] <= pe) & ~mine["suppressed"] & mine["value"].notna()]
    years = yr["year"].to_numpy(dtype="int64")
    observed = yr["value"].to_numpy(dtype="float64", na_value=np.nan)
    num = yr["numerator"].to_numpy(dtype="float64", na_value=np.nan)
    den = yr["denominator"].to_numpy(dtype="float64", na_value=np.nan)
    fitted = yr["fitted"].to_numpy(dtype="float64", na_value=np.nan)
    resid = yr["residual"].to_numpy(dtype="float64", na_value=np.nan)
    pearson = np.full(len(years), nan)
    if fit is not None and len(fit.values) == len(years):
        # Pearson residuals on what the model fitted (numerator/denominator × scale where
        # counts exist; published values may be rounded), over the model's sd of a figure.
        scale = float(ind.scale)
        model_obs = np.asarray(fit.values, dtype=float)
        if fit.link == "logit":
            p = fitted / scale
            sd = np.sqrt(p * (1 - p) / den) * scale
        elif fit.link == "log":
            e = den if fit.kind != "count" and np.all(np.isfinite(den)) else np.ones(len(years))
            sd = np.sqrt(fitted / scale * e) / e * scale
        else:
            sd = np.full(len(years), math.sqrt(fit.sigma2) if np.isfinite(fit.sigma2) else nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            pearson = (model_obs - fitted) / sd
    fit_frame = pd.DataFrame({"year": years, "observed": observed, "numerator": num, "denominator": den,
                              "fitted": fitted, "residual": resid, "pearson_residual": pearson})

    cur = ev.curves
    cur = cur[(cur["indicator_code"] == code) & (cur["unit_code"] == u) & (cur["sex"] == "T")].set_index("year")
    proj_rows = []
    for y in (2025, 2030):
        c = cur.loc[y] if y in cur.index else None
        proj_rows.append({"year": y, **{k: (_f(c[k]) if c is not None else nan)
                                        for k in ("fit", "fit_low", "fit_high", "pred_low", "pred_high")},
                          "target": _num(item["targets"].get(y)),
                          "prob_reach": _f(row[f"prob_reach_{y}"]) if row is not None else nan})
    projection = pd.DataFrame(proj_rows)

    metric_name = {"unsd": "r", "statcan": "R", "escap": "G"}
    mrows = []
    for m in assess.METHODS:
        res = a.results.get(m) or assess.MethodResult(m, a.statuses.get(m, "no_data"))
        det = res.details
        if res.status == "term_indicator":
            reason = L("Chỉ tiêu theo nhiệm kỳ bầu cử: không ước lượng xu hướng trong nhiệm kỳ.",
                       "Election-term indicator: no within-term trend is estimated.")
        elif not a.n_points:
            reason = L("Chưa có số liệu.", "No data.")
        else:
            reason = _method_reason(m, res, a, ind, lang, settings)
        mrows.append({"method": m, "status": res.status, "label": status_label(res.status, lang),
                      "headline": m == settings.headline_method, "metric_name": metric_name[m],
                      "metric": float(res.metric), "cagr": float(det.get("cagr", nan)),
                      "cagr_required": float(det.get("cagr_required", nan)),
                      "projected": float(det.get("projected", nan)), "csi": float(det.get("csi", nan)),
                      "expected": float(det.get("expected", nan)), "reason": reason})
    methods = pd.DataFrame(mrows)

    note = str(row["note"]) if row is not None and pd.notna(row["note"]) else ""
    result_2025 = str(row["result_2025"]) if row is not None else "no_data"
    summary = pd.Series({
        "indicator_code": code, "unit_code": u, "n_points": a.n_points, "first_year": a.first_year,
        "latest_year": a.latest_year, "latest_value": a.latest_value, "target": _num(a.target),
        "target_year": nan if a.target_year is None else float(a.target_year), "target_2025": _num(t25),
        "target_2030": _num(t30), "headline_method": settings.headline_method,
        "status_headline": str(row["status_headline"]) if row is not None else a.headline,
        "summary_category": str(row["summary_category"]) if row is not None else a.summary,
        "result_2025": result_2025,
        "model": fit.model if fit is not None else ("term" if a.headline == "term_indicator" else "none"),
        "dispersion": float(fit.dispersion) if fit is not None else nan,
        "pearson_ratio": float(fit.pearson_ratio) if fit is not None else nan,
        "overdispersion_threshold": float(settings.overdispersion_threshold),
        "df_resid": float(fit.df_resid) if fit is not None else nan,
        "prob_reach_2025": _f(row["prob_reach_2025"]) if row is not None else nan,
        "prob_reach_2030": _f(row["prob_reach_2030"]) if row is not None else nan,
        "n_suppressed": len(hidden),
    }, dtype=object)

    why = []
    head = methods[methods["headline"]].iloc[0]
    if not a.n_points:
        why.append(L(f"Không có số liệu được công bố trong giai đoạn {ps}–{pe} cho đơn vị này: không đánh giá được.",
                     f"No published figure in {ps}–{pe} for this unit: nothing to assess."))
        note = ""
    else:
        why.append(L(f"Trạng thái chính (phương pháp {head['method'].upper()}): {head['label']}. {head['reason']}",
                     f"Headline status ({head['method'].upper()} method): {head['label']}. {head['reason']}"))
    if result_2025 in ("achieved", "not_achieved"):
        why.append(L(f"Kết quả năm 2025: {status_label(result_2025, lang)}; vì vậy phân loại chung là "
                     f"“{status_label(summary['summary_category'], lang)}”.",
                     f"2025 outcome: {status_label(result_2025, lang)}; so the overall category is "
                     f"“{status_label(summary['summary_category'], lang)}”."))
    if fit is not None:
        d = _DECIMALS.get(ind.kind, 1)
        if fit.dispersion > 1:
            disp = L(f"phân tán quá mức (Pearson χ²/df = {_n(fit.pearson_ratio, 2, lang)} > "
                     f"{_n(settings.overdispersion_threshold, 1, lang)}): độ bất định được nhân với φ = "
                     f"{_n(fit.dispersion, 2, lang)}",
                     f"overdispersed (Pearson χ²/df = {_n(fit.pearson_ratio, 2, lang)} > "
                     f"{_n(settings.overdispersion_threshold, 1, lang)}): the uncertainty is scaled by φ = "
                     f"{_n(fit.dispersion, 2, lang)}")
        elif np.isfinite(fit.pearson_ratio):
            disp = L(f"không phân tán quá mức (Pearson χ²/df = {_n(fit.pearson_ratio, 2, lang)})",
                     f"no overdispersion (Pearson χ²/df = {_n(fit.pearson_ratio, 2, lang)})")
        else:
            disp = L("không ước lượng được độ phân tán (quá ít điểm)", "dispersion not estimable (too few points)")
        extra = ""
        if len(fit_frame) and np.isfinite(fit_frame["residual"]).any():
            big = fit_frame.loc[fit_frame["residual"].abs().idxmax()]
            extra = L(f"; phần dư lớn nhất năm {int(big['year'])}: {_n(big['residual'], d, lang)}",
                      f"; largest residual in {int(big['year'])}: {_n(big['residual'], d, lang)}")
        why.append(L(f"Mô hình xu hướng: {fit.label('vi')}; {disp}{extra}.",
                     f"Trend model: {fit.label('en')}; {disp}{extra}."))
    for c in [c for c in note.split("; ") if c]:
        why.append(_sentence(sc.note_text(c, lang)))
    return Explanation(summary=summary, fit=fit_frame, projection=projection, methods=methods, why=why, lang=lang)


# ---------------------------------------------------------------------------- plot
def plot_series(code: str, unit: str, ax=None, sex: str = "T", data_root=None, lang: str = "vi"):
    """Draws one indicator for one unit in the house style and returns the matplotlib Axes.

    On ``ax`` (default: a new figure): observed values with their 95 % intervals, the stored
    fitted trend with its 95 % prediction band, and the 2025/2030 targets — the report's chart
    (:func:`me_utils.trend_plots.plot_indicator`) from the evidence base. Figures hidden by the
    disclosure gate are not drawn (said under the axes). Applies the house style
    (:func:`me_utils.style.use_house_style`) and never changes the matplotlib backend, so the
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
    panel = {"indicator": ind, "series": _shown(mine), "curve": cur.sort_values("year"),
             "targets": {2025: _target(ind, 2025), 2030: _target(ind, 2030)}}
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
        notes.append(fmt.pick(lang, "Năm bị ẩn (kiểm soát công bố): ", "Hidden years (disclosure control): ")
                     + ", ".join(map(str, hidden)))
    if ev.illustrative:
        notes.append(fmt.pick(lang, notebook.ILLUSTRATIVE_VI, notebook.ILLUSTRATIVE_EN))
    if notes:  # under the axes, where neither the legend nor the data can hide them
        ax.annotate("\n".join(notes), xy=(0.0, -0.1), xycoords="axes fraction", ha="left", va="top", fontsize=7,
                    color=style.REFERENCE)
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
