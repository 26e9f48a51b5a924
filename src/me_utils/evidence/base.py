"""The evidence base: every figure and every assessment, computed once per build.

``me build`` rebuilds ``processed/`` from ``raw/`` and then calls :func:`build_evidence`, which
computes, for every indicator × unit × period of the phase:

- ``figures`` — one row per observed figure (indicator, unit, year, period, sex) with its value,
  numerator, denominator, 95 % interval, the fitted trend value and residual where a trend was
  fitted, provenance, and the disclosure flags;
- ``assessments`` — one row per indicator × unit: the scorecard columns
  (:data:`me_utils.analysis.scorecard.SCORECARD_COLUMNS`) and the numbers behind each method's status
  (:data:`me_utils.analysis.scorecard.DETAIL_COLUMNS`), plus flags;
- ``curves`` — the fitted trend and its prediction band per year to the last target year, so
  that charts need no model at render time.

Every report, the workbook, the index, the narrative and the analysts' API read figures only
from these tables (:func:`load_evidence`), so a figure shown in two places is the same number.
Figures derived from GBV, domestic-violence or trafficking data pass the disclosure gate
(:func:`me_utils.analysis.gate.publish`, then :func:`gate_assessments`) before they are stored: what is suppressed here is suppressed
everywhere, in every report and language.

Storage: Parquet (pyarrow) under ``processed/evidence/``. Parquet keeps the column types (float
NaN vs. missing text, booleans, integers) that a CSV would lose, reads back in milliseconds, and
is read by R, DuckDB and Excel's Power Query; ``dictionary.csv`` beside the tables describes
every column. ``meta.json`` records the settings and the manifest hash of the build.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.analysis import gate, status
from me_utils.analysis.assess import AssessSettings
from me_utils.analysis.intervals import figure_intervals
from me_utils.analysis.scorecard import build_scorecard_detail
from me_utils.build import pipeline as build
from me_utils.build.dataset import OBS_COLUMNS, load_observations
from me_utils.core import paths
from me_utils.evidence.model import (  # noqa: F401 (the evidence base's shape, re-exported)
    ASSESSMENT_COLUMNS,
    ASSESSMENT_FIGURE_COLUMNS,
    ASSESSMENTS_FILE,
    CURVE_COLUMNS,
    CURVES_FILE,
    DEFAULT_K,
    DICTIONARY,
    DICTIONARY_FILE,
    EVIDENCE_DIR,
    FIGURE_COLUMNS,
    FIGURES_FILE,
    GBV_DERIVED,
    META_FILE,
    PHASES,
    SCHEMA_VERSION,
    Evidence,
    EvidenceError,
)
from me_utils.reference.catalogue import load_catalogue
from me_utils.reference.units import load_units

# --------------------------------------------------------------------------- computation


def _figures(observations: pd.DataFrame, catalogue) -> pd.DataFrame:
    """Figures table (before fitted values and the gate) from the processed observations."""
    cat = catalogue.frame().set_index("code")
    o = observations[observations["indicator_code"].isin(cat.index)].copy()
    o["kind"] = o["indicator_code"].map(cat["kind"]).astype("string")
    o["scale"] = o["indicator_code"].map(cat["scale"]).astype("float64")
    ci = figure_intervals(
        o["kind"].to_numpy(dtype=object),
        o["scale"].to_numpy(),
        o["value"].to_numpy(dtype="float64", na_value=np.nan),
        o["numerator"].to_numpy(dtype="float64", na_value=np.nan),
        o["denominator"].to_numpy(dtype="float64", na_value=np.nan),
    )
    o["ci_low"], o["ci_high"] = ci[:, 0], ci[:, 1]
    o["fitted"] = np.nan
    o["residual"] = np.nan
    o["gbv_derived"] = o["indicator_code"].isin(GBV_DERIVED)
    o["suppressed"] = False
    o["suppress_reason"] = pd.array([""] * len(o), dtype="string")
    o["year"] = o["year"].astype("int64")
    return o[FIGURE_COLUMNS].reset_index(drop=True)


def trend_curve(fit, years, last_year: int = 2030) -> pd.DataFrame:
    """The fitted trend of ``fit`` (:class:`me_utils.analysis.trends.TrendFit` or None) from the first of
    ``years`` to ``last_year``: columns ``year, fit, fit_low, fit_high, pred_low, pred_high``
    (95 %, indicator units); empty when there is no fit."""
    cols = ["year", "fit", "fit_low", "fit_high", "pred_low", "pred_high"]
    years = np.asarray(years, dtype=float)
    if fit is None or not len(years):
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in cols})
    grid = np.arange(int(np.nanmin(years)), last_year + 1)
    with np.errstate(all="ignore"):
        pr = fit.predict_array(grid)
    return pd.DataFrame(
        {
            "year": grid.astype("int64"),
            "fit": pr[:, 1],
            "fit_low": pr[:, 2],
            "fit_high": pr[:, 3],
            "pred_low": pr[:, 4],
            "pred_high": pr[:, 5],
        }
    )


def _unit_list(observations: pd.DataFrame, units: list[str] | None, phase: tuple[int, int]) -> list[str]:
    """Units to assess in ``phase``: the given ones, else the province and the units below it
    in force then (the 12 districts for 2021–2025, the 75 communes for 2026–2030; the units
    reference says which), then any other unit with observations in the phase's years."""
    if units is not None:
        return list(units)
    ref = load_units()
    base = [c for c in ref.codes() if ref[c].level == "province"] + list(ref.subunits_for_phase(*phase))
    seen = set(base)
    years = observations["year"].astype("int64")
    inside = observations[(years >= phase[0]) & (years <= phase[1])]
    extra = [u for u in dict.fromkeys(inside["unit_code"].astype(str)) if u not in seen and u in ref]
    return base + extra


def _assess_unit(
    catalogue, obs, unit, period_start, period_end, headline_method, settings, last_year, frames, curves, fitted_parts
) -> None:
    """Assess one unit in one phase; append its scorecard frame, curves and fitted values."""
    with warnings.catch_warnings():
        # Degenerate fits (flat or two-point series) warn from numpy; the scorecard's own
        # note column says what happened, and a warning must not reach a reviewer's page.
        warnings.simplefilter("ignore", RuntimeWarning)
        frame, items = build_scorecard_detail(
            catalogue, obs, unit, period_start, period_end, headline_method, settings=settings
        )
    frame.insert(0, "unit_code", unit)
    frame.insert(1, "sex", "T")
    frame.insert(2, "period_start", period_start)
    frame.insert(3, "period_end", period_end)
    frames.append(frame)
    for it in items:
        fit = it["assessment"].fit
        if fit is None:
            continue
        code = it["indicator"].code
        years = np.asarray(it["series"]["year"], dtype=float)
        years = years[(years >= period_start) & (years <= period_end)]  # the phase's own years
        if len(years):
            with np.errstate(all="ignore"):
                at = fit.predict_array(years)
            fitted_parts.append(
                pd.DataFrame(
                    {"indicator_code": code, "unit_code": unit, "year": years.astype("int64"), "fitted_": at[:, 1]}
                )
            )
            # No forecast for a unit beyond the last year it existed (districts: 2024).
            unit_last = min(float(last_year), status.last_forecast_year(unit))
            cur = trend_curve(fit, years, int(max(unit_last, years.max())))
            cur.insert(0, "period_start", period_start)
            cur.insert(0, "sex", "T")
            cur.insert(0, "unit_code", unit)
            cur.insert(0, "indicator_code", code)
            curves.append(cur)


def compute_evidence(
    data_root,
    catalogue=None,
    units: list[str] | None = None,
    phases: tuple[tuple[int, int], ...] = PHASES,
    headline_method: str = "unsd",
    k: int = DEFAULT_K,
    last_year: int = 2030,
    gate_figures: bool = True,
) -> Evidence:
    """Compute the evidence base of a built data root (nothing is written).

    Inputs: ``data_root`` (folder with ``processed/observations.csv``), an optional loaded
    catalogue, the units to assess (default: province + district-level units + any unit with
    data in a phase), the phases, the headline method, the disclosure threshold ``k`` and the
    last year of the curves. Output: :class:`Evidence` with gated figures. ``gate_figures=False`` computes an
    ungated base: only the attacker test's negative control uses it (``me build`` never does).
    """
    catalogue = catalogue or load_catalogue()
    obs = load_observations(data_root)
    obs = obs[obs["indicator_code"].isin(set(catalogue.indicators))].reset_index(drop=True)
    # The gate runs first, over every unit and year at once: the trends below are fitted on
    # the figures a reader may see, so no curve, band or probability is anchored on a hidden
    # count (a fitted curve and the shown points would give a hidden point back).
    figures = _figures(obs, catalogue)
    if gate_figures:
        figures = gate.publish(figures, k=k)
    obs = obs.loc[~figures["suppressed"].to_numpy(dtype=bool)].reset_index(drop=True)
    settings = AssessSettings(headline_method=headline_method)
    frames, curves = [], []
    fitted_parts = []
    for period_start, period_end in phases:
        for unit in _unit_list(obs, units, (period_start, period_end)):
            _assess_unit(
                catalogue,
                obs,
                unit,
                period_start,
                period_end,
                headline_method,
                settings,
                last_year,
                frames,
                curves,
                fitted_parts,
            )
    assessments = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ASSESSMENT_COLUMNS)
    assessments["gbv_derived"] = assessments["indicator_code"].isin(GBV_DERIVED)
    assessments["suppressed"] = False
    assessments["suppress_reason"] = pd.array([""] * len(assessments), dtype="string")
    curve_df = (
        pd.concat(curves, ignore_index=True)
        if curves
        else pd.DataFrame({c: pd.Series(dtype="float64") for c in CURVE_COLUMNS})
    )
    if fitted_parts:
        fp = pd.concat(fitted_parts, ignore_index=True)
        key = ["indicator_code", "unit_code", "year"]
        annual = (figures["period"] == "FY") & (figures["sex"] == "T")
        merged = figures.loc[annual, key].merge(fp, on=key, how="left")
        figures.loc[annual, "fitted"] = merged["fitted_"].to_numpy()
        figures["residual"] = figures["value"] - figures["fitted"]
    ev = Evidence(
        figures,
        assessments[ASSESSMENT_COLUMNS],
        curve_df[CURVE_COLUMNS],
        {
            "schema_version": SCHEMA_VERSION,
            "phases": [list(p) for p in phases],
            "headline_method": headline_method,
            "k": int(k),
            "last_year": last_year,
            "manifest_hash": _manifest_hash(data_root),
        },
    )
    return gate_assessments(ev)


def _manifest_hash(data_root) -> str:
    p = Path(data_root) / "processed" / "manifest.json"
    try:
        return str(json.loads(p.read_text(encoding="utf-8")).get("manifest_hash", ""))
    except (OSError, ValueError):
        return ""


# --------------------------------------------------------------------------- disclosure gate


def gate_assessments(ev: Evidence) -> Evidence:
    """Gate the assessments of ``ev`` against its gated figures (:func:`me_utils.analysis.gate.publish`
    has already run on ``ev.figures``), in place.

    A GBV-derived series that is mostly suppressed (:func:`me_utils.analysis.gate.publish_assessments`)
    keeps no value, interval, trend, projection, probability or status: the row's statuses
    become ``suppressed`` and its reason says why (the trend is shown where counts suffice, e.g.
    the province). A series whose 2025 figure is hidden gets the 2025 result ``suppressed``
    (the result would tell which side of the target the hidden figure lies). Curves of
    suppressed rows are dropped. Output: ``ev``.
    """
    a = ev.assessments
    mostly = np.zeros(len(a), dtype=bool)
    for ps, pe in ev.meta.get("phases", PHASES):
        in_phase = (a["period_start"] == ps).to_numpy(dtype=bool)
        pa = gate.publish_assessments(a[in_phase], ev.figures, period_start=ps, period_end=pe)
        mostly[in_phase] = (pa["summary_category"].astype(str) == "suppressed").to_numpy(dtype=bool)
    for c in ASSESSMENT_FIGURE_COLUMNS:
        if c == "n_points":
            continue
        if c == "escap_csi_status":
            a.loc[mostly, c] = ""
        else:
            a.loc[mostly, c] = np.nan
    for c in (
        "status_unsd",
        "status_statcan",
        "status_escap",
        "status_headline",
        "outlook",
        "summary_category",
        "result_2025",
    ):
        a.loc[mostly, c] = "suppressed"
    a.loc[mostly, "model"] = "none"
    a.loc[mostly, "status_reason_vi"] = status.reason_text(["suppressed"], "vi")
    a.loc[mostly, "status_reason_en"] = status.reason_text(["suppressed"], "en")
    a.loc[mostly, "suppressed"] = True
    a.loc[mostly, "suppress_reason"] = "mostly_suppressed"
    # 2025 observed but hidden: no result (on which side of the target it lies is a disclosure).
    f = ev.figures
    hid25 = f[f["suppressed"].astype(bool) & (f["year"] == 2025) & (f["period"] == "FY") & (f["sex"] == "T")]
    keys = set(zip(hid25["indicator_code"].astype(str), hid25["unit_code"].astype(str)))
    if keys:
        m = np.array([(c, u) in keys for c, u in zip(a["indicator_code"].astype(str), a["unit_code"].astype(str))])
        m &= ~mostly & (a["period_start"] <= 2025).to_numpy(dtype=bool)
        a.loc[m, "result_2025"] = "suppressed"
        for c in ("margin_2025", "margin_2025_low", "margin_2025_high", "gap_2025"):
            a.loc[m, c] = np.nan
        a.loc[m, "status_reason_vi"] = gate.NOTE_LATEST["vi"] + " " + a.loc[m, "status_reason_vi"].astype(str)
        a.loc[m, "status_reason_en"] = gate.NOTE_LATEST["en"] + " " + a.loc[m, "status_reason_en"].astype(str)
        a.loc[m, "suppressed"] = False
        a.loc[m, "suppress_reason"] = "latest_hidden"
    gone = set(
        zip(
            a.loc[mostly, "indicator_code"].astype(str),
            a.loc[mostly, "unit_code"].astype(str),
            a.loc[mostly, "period_start"].astype(int),
        )
    )
    if gone:
        c = ev.curves
        keys = zip(c["indicator_code"].astype(str), c["unit_code"].astype(str), c["period_start"].astype(int))
        keep = np.array([k not in gone for k in keys], dtype=bool)
        ev.curves = c[keep].reset_index(drop=True)
    ev.assessments = a
    return ev


# --------------------------------------------------------------------------- storage


def evidence_dir(data_root) -> Path:
    """``<data_root>/processed/evidence``."""
    return Path(data_root) / "processed" / EVIDENCE_DIR


def _dictionary_frame() -> pd.DataFrame:
    rows = [
        {"table": t, "column": c, "type": typ, "unit": unit, "meaning": text}
        for t, cols in DICTIONARY.items()
        for c, (typ, unit, text) in cols.items()
    ]
    return pd.DataFrame(rows)


def write_evidence(ev: Evidence, data_root) -> Path:
    """Write ``ev`` to ``<data_root>/processed/evidence/`` atomically: the tables go to a
    temporary folder beside it, which then replaces the old one, so a reader never sees half
    an evidence base. Output: the folder."""
    target = evidence_dir(data_root)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".evidence.new-", dir=target.parent))
    try:
        ev.figures.to_parquet(tmp / FIGURES_FILE, index=False)
        ev.assessments.to_parquet(tmp / ASSESSMENTS_FILE, index=False)
        ev.curves.to_parquet(tmp / CURVES_FILE, index=False)
        _dictionary_frame().to_csv(tmp / DICTIONARY_FILE, index=False, encoding="utf-8")
        (tmp / META_FILE).write_text(
            json.dumps(ev.meta, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8"
        )
        os.chmod(tmp, 0o777 & ~_umask())
        old = None
        if target.exists():
            old = target.parent / f".evidence.old-{os.getpid()}"
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _CACHE.pop(str(target.resolve()), None)
    return target


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


_CACHE: dict[str, tuple[float, Evidence]] = {}


def load_evidence(data_root) -> Evidence:
    """Read the evidence base of ``data_root`` (cached; re-read when ``meta.json`` changes).

    Raises :class:`EvidenceError` naming the folder and the command that builds it when the
    evidence base is missing or of another schema version.
    """
    d = evidence_dir(data_root)
    meta_p = d / META_FILE
    if not meta_p.exists():
        raise EvidenceError(f"no evidence base in {d}: run `me build --root {data_root}` first")
    key = str(d.resolve())
    mtime = meta_p.stat().st_mtime_ns
    hit = _CACHE.get(key)
    if hit is not None and hit[0] == mtime:
        return hit[1]
    meta = json.loads(meta_p.read_text(encoding="utf-8"))
    if meta.get("schema_version") != SCHEMA_VERSION:
        raise EvidenceError(
            f"{d} was written by schema version {meta.get('schema_version')}, this "
            f"version reads {SCHEMA_VERSION}: run `me build --root {data_root}` again"
        )
    if meta.get("manifest_hash", "") != _manifest_hash(data_root):
        # processed/ was rebuilt after the evidence base: its figures would not match the data.
        raise EvidenceError(
            f"the evidence base in {d} is older than the processed data: run `me build --root {data_root}` again"
        )
    ev = Evidence(
        pd.read_parquet(d / FIGURES_FILE), pd.read_parquet(d / ASSESSMENTS_FILE), pd.read_parquet(d / CURVES_FILE), meta
    )
    _CACHE[key] = (mtime, ev)
    return ev


def ensure_evidence(data_root) -> Evidence | None:
    """The stored evidence base of ``data_root``, computed and written first when it is missing
    or older than the processed data; None when nothing is built."""
    try:
        return load_evidence(data_root)
    except EvidenceError:
        if not (Path(data_root) / "processed" / "observations.csv").exists():
            return None
        return build_evidence(data_root)


_MEMO: dict[tuple, Evidence] = {}


def evidence_for(data_root, headline_method: str = "unsd") -> Evidence | None:
    """The evidence base a report reads: the stored one when it is current, else computed in
    memory with the same function (e.g. a data root built before the evidence base existed, or
    another headline method), else None when the data root has no processed observations.
    """
    try:
        ev = load_evidence(data_root)
        if ev.meta.get("headline_method") == headline_method:
            return ev
    except EvidenceError:
        pass
    if not (Path(data_root) / "processed" / "observations.csv").exists():
        return None
    key = (str(Path(data_root).resolve()), _manifest_hash(data_root), headline_method)
    if key not in _MEMO:
        _MEMO[key] = compute_evidence(data_root, headline_method=headline_method)
    return _MEMO[key]


def empty_scorecard(catalogue) -> pd.DataFrame:
    """The scorecard of a unit without any data (every indicator "no data"), same columns as
    :meth:`Evidence.scorecard`."""
    obs = pd.DataFrame({c: pd.Series(dtype="float64") for c in OBS_COLUMNS})
    for c in ("indicator_code", "unit_code", "period", "sex"):
        obs[c] = obs[c].astype("string")
    frame, _ = build_scorecard_detail(catalogue, obs, "SL")
    frame["suppressed"] = False
    frame["suppress_reason"] = pd.array([""] * len(frame), dtype="string")
    return frame


def build_evidence(data_root, **kwargs) -> Evidence:
    """Compute and write the evidence base of a built data root; returns it. Keyword
    arguments go to :func:`compute_evidence`."""
    ev = compute_evidence(data_root, **kwargs)
    write_evidence(ev, data_root)
    return ev


def cli_build(argv: list[str] | None = None) -> int:
    """``me build``: rebuild ``processed/`` (:func:`me_utils.build.pipeline.cli`), then compute and write
    the evidence base. Exit code: the build's, or 1 when the evidence base cannot be computed."""

    rc = build.cli(argv)
    if rc != 0 or argv is not None and any(a in ("-h", "--help") for a in argv):
        return rc
    opts = argparse.ArgumentParser(add_help=False)
    opts.add_argument("--root", default="")
    opts.add_argument("--quiet", action="store_true")
    ns, _ = opts.parse_known_args(list(argv or []))
    root = paths.resolve_data_root(ns.root)
    try:
        ev = build_evidence(root)
    except Exception as exc:  # one line, never a traceback; processed/ itself is complete
        print(
            f"LỖI/ERROR: không tính được cơ sở bằng chứng / evidence base failed: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}",
            file=sys.stderr,
        )
        return 1
    n_hidden = int(ev.figures["suppressed"].sum())
    if not ns.quiet:
        print(
            f"== {evidence_dir(root)}: {len(ev.figures)} số liệu/figures ({n_hidden} ẩn/suppressed), "
            f"{len(ev.assessments)} đánh giá/assessments, {ev.assessments['unit_code'].nunique()} đơn vị/units"
        )
    return 0


__all__ = [
    "Evidence",
    "EvidenceError",
    "build_evidence",
    "evidence_for",
    "ensure_evidence",
    "empty_scorecard",
    "compute_evidence",
    "load_evidence",
    "write_evidence",
    "gate_assessments",
    "trend_curve",
    "GBV_DERIVED",
    "FIGURE_COLUMNS",
    "ASSESSMENT_COLUMNS",
    "CURVE_COLUMNS",
    "OBS_COLUMNS",
]
