"""The publication gate: one disclosure-control pass over every GBV-derived figure of a run.

Layer: analysis. Every figure computed from the GBV register, the domestic-violence
programme or the trafficking returnees (M3.C2a, M3.C2b, M3.C3, G.1, G.2, DV.1–DV.5 and
anything else flagged ``gbv_derived``) passes through :func:`publish` once per build, for all
units and years at the same time; every report, language and file reads the gated table, so
the suppression pattern is the same everywhere and nothing one output hides is shown by
another.

How the pattern is made (no second LP: the cubes go through
:func:`me_utils.analysis.disclosure.suppress_cube`, which suppresses and LP-audits an N-dimensional
table against all its margins):

- A proportion row shows three counts: the numerator ``x``, the denominator ``n`` and, by
  subtraction, ``n − x``. So each indicator is a cube *district × {yes, no} × year*
  (× *{H1, H2}* when half-year figures exist), with every margin: the province is the sum of
  the districts (checked on the data: a province row that is not the sum of its districts is
  gated on its own), ``yes + no`` is the denominator, the half-year total is the FY figure (so
  the second half-year ``FY − H1``, which a reader gets by subtraction, is protected like any
  published count), and the year total is the pooled period (published by funnel plots).
  A count indicator (no denominator) is a cube *district × year* (× half).
- Indicators that share their denominator (M3.C2a and G.1 both count detected GBV survivors)
  share a *denominator plane*: it is suppressed first and imposed on each of them
  (``forced``/``frozen``), so one indicator does not show the total another hides.
- A figure row is published only when none of its cells (yes, no, total) is hidden; its
  reason is ``primary`` when one of them is a count from 1 to k−1, else ``complementary``.
  Hiding whole rows only removes equations from what a reader sees, so the cube's audit
  still holds.

Assumptions (also in :data:`ASSUMPTIONS`): different indicators' numerators are treated as
unrelated (a reader cannot subtract M3.C2a's numerator from G.2's, since the two count
different things); sexes are gated separately (figures are published for the total); a
figure without counts cannot be checked and is hidden.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from me_utils.analysis import disclosure as D
from me_utils.analysis.intervals import wilson_ci
from me_utils.core import fmt
from me_utils.reference.units import load_units

PROVINCE = "SL"
#: Indicators of the GBV (2232/QĐ-TTg), domestic-violence (45/QĐ-TTg) and trafficking (M3.C3)
#: work. DV.2 counts TV channels, not people, but is gated with its programme so that the
#: rule stays one list (its small counts are hidden like any other).
GBV_DERIVED_CODES = (
    "M3.C2a",
    "M3.C2b",
    "M3.C3",
    "G.1",
    "G.2",
    "DV.1",
    "DV.2",
    "DV.3",
    "DV.4",
    "DV.4a",
    "DV.4b",
    "DV.4c",
    "DV.5",
)
VALUE_COLUMNS = ["value", "numerator", "denominator", "ci_low", "ci_high"]
KEY = ["indicator_code", "unit_code", "year", "period", "sex"]

ASSUMPTIONS = {
    "vi": [
        "Mọi số liệu về bạo lực trên cơ sở giới, bạo lực gia đình và mua bán người đi qua một bước "
        "kiểm soát công bố chung cho tất cả báo cáo, mọi đơn vị và mọi năm.",
        "Số liệu có tử số, mẫu số hoặc phần còn lại (mẫu số trừ tử số) từ 1 đến k−1 bị ẩn; ẩn bổ "
        "sung để không tính lại được từ tổng của tỉnh, từ số cả năm trừ số 6 tháng, hay từ tổng "
        "giai đoạn.",
        "Số liệu không có tử số và mẫu số thì không kiểm tra được nên bị ẩn.",
    ],
    "en": [
        "Every figure on gender-based violence, domestic violence and trafficking passes one "
        "publication gate shared by all reports, units and years.",
        "A figure whose numerator, denominator or remainder (denominator minus numerator) is "
        "1 to k−1 is hidden; further figures are hidden so that none can be worked back from the "
        "province total, from the full year minus the half-year, or from the period total.",
        "A figure without numerator and denominator cannot be checked and is hidden.",
    ],
}


def is_gbv_derived(codes) -> np.ndarray:
    """True for the indicator codes of :data:`GBV_DERIVED_CODES` (array-like in, bool array out)."""
    return np.asarray(pd.Series(codes, dtype=object).isin(GBV_DERIVED_CODES))


def _small(x, k: int) -> bool:
    return bool(np.isfinite(x) and 0 < x < k)


# --------------------------------------------------------------------------- cube building


class _Group:
    """The rows of one indicator × sex laid out as a cube (internal).

    ``cells[row_index]`` = list of flat cube cells the row shows; ``standalone`` = row indexes
    gated on their own (province rows that are not the sum of the districts, rows without
    counts, periods other than FY/H1)."""

    def __init__(self, rows: pd.DataFrame, k: int):
        self.rows = rows
        self.k = k
        self.count_kind = bool(rows["denominator"].isna().all())
        self.parts = ["n"] if self.count_kind else ["yes", "no"]
        dist = rows[rows["unit_code"] != PROVINCE]
        # The cube's district axis in units.csv order (the cached units reference, re-read when
        # the file changes); codes it does not know go last, sorted.
        districts = load_units().districts()
        extra = sorted(set(dist["unit_code"]) - set(districts))
        self.units = [u for u in districts if u in set(dist["unit_code"])] + extra
        self.years = sorted(int(y) for y in dist["year"].unique())
        self.halves = bool((dist["period"] == "H1").any())
        self.standalone: list = []
        self.no_counts: list = []
        self.twins: dict = {}

    def counts(self, r) -> tuple[float, float] | None:
        """(yes, no) or (n,) of a row, or None when it has no usable counts."""
        num, den = r.numerator, r.denominator
        if self.count_kind:
            n = num if np.isfinite(num) else r.value
            if not np.isfinite(n) or n < 0 or n != round(n):
                return None
            return (float(n),)
        if (
            not (np.isfinite(num) and np.isfinite(den))
            or num < 0
            or num > den
            or num != round(num)
            or den != round(den)
        ):
            return None
        return (float(num), float(den - num))

    def build(self):
        """Count array without margins, and the flat cells each row shows."""
        nu, npart, ny = len(self.units), len(self.parts), len(self.years)
        shape = (nu, npart, ny, 2) if self.halves else (nu, npart, ny)
        arr = np.zeros(shape)
        fy = {}
        h1 = {}
        for idx, r in zip(self.rows.index, self.rows.itertuples(index=False)):
            c = self.counts(r)
            if c is None:
                self.no_counts.append(idx)
                continue
            if r.unit_code == PROVINCE or r.period not in ("FY", "H1") or int(r.year) not in self.years:
                continue
            key = (self.units.index(r.unit_code), self.years.index(int(r.year)))
            store = fy if r.period == "FY" else h1
            if key in store:
                # the same figure twice (e.g. from a submission and from the register): one
                # cube cell when the counts agree, else this copy is gated on its own
                if np.array_equal(store[key][1], np.array(c)):
                    self.twins[idx] = store[key][0]
                continue
            store[key] = (idx, np.array(c))
        ok = True
        for key in set(fy) | set(h1):
            i, j = key
            f = fy.get(key, (None, None))[1]
            h = h1.get(key, (None, None))[1]
            if not self.halves:
                arr[i, :, j] = f
            else:
                h = np.zeros(npart) if h is None else h
                f = h if f is None else f  # no FY figure: the model's FY equals the half-year
                if (f - h < 0).any():
                    ok = False  # H1 larger than FY: the two periods are not nested
                arr[i, :, j, 0] = h
                arr[i, :, j, 1] = f - h
        if not ok:
            return None
        full_shape = tuple(s + 1 for s in shape)
        flat = np.arange(int(np.prod(full_shape))).reshape(full_shape)
        cells = {}

        def row_cells(i, j, period):
            # yes, no and their total (the denominator) of unit i, year j, period
            if self.halves:
                h = 0 if period == "H1" else 2
                return [int(x) for x in flat[i, :, j, h]]
            return [int(x) for x in flat[i, :, j]]

        for key, (idx, _) in fy.items():
            cells[idx] = row_cells(*key, "FY")
        for key, (idx, _) in h1.items():
            cells[idx] = row_cells(*key, "H1")
        # province rows: in the cube when they equal the sum of the districts, else on their own
        tot = arr.sum(axis=0)
        for idx, r in zip(self.rows.index, self.rows.itertuples(index=False)):
            if idx in cells or idx in self.no_counts:
                continue
            c = self.counts(r)
            if r.unit_code == PROVINCE and r.period in ("FY", "H1") and int(r.year) in self.years:
                j = self.years.index(int(r.year))
                if self.halves:
                    model = tot[:, j, 0] if r.period == "H1" else tot[:, j, :].sum(axis=-1)
                else:
                    model = tot[:, j]
                if np.array_equal(model, np.asarray(c)):
                    cells[idx] = row_cells(nu, j, r.period)
                    continue
            self.standalone.append(idx)
        for twin, idx in self.twins.items():
            cells[twin] = cells[idx]
        self.cells = cells
        return arr

    def denominators(self, arr):
        """The denominator plane (district × year [× half]) of a proportion cube."""
        return arr.sum(axis=1)


def _families(groups: dict) -> list[list]:
    """Indicators (of the same sex) whose denominators agree on every shared row and share
    at least three rows: they publish the same totals, so they are gated with one plane."""
    keys = list(groups)
    fam = {k_: {k_} for k_ in keys}
    for a in range(len(keys)):
        for b in range(a + 1, len(keys)):
            ka, kb = keys[a], keys[b]
            if ka[1] != kb[1] or groups[ka].count_kind or groups[kb].count_kind:
                continue
            ra, rb = groups[ka].rows, groups[kb].rows
            m = ra[["unit_code", "year", "period", "denominator"]].merge(
                rb[["unit_code", "year", "period", "denominator"]], on=["unit_code", "year", "period"]
            )
            if (
                len(m) >= 3
                and (m["denominator_x"] == m["denominator_y"]).all()
                and groups[ka].units == groups[kb].units
                and groups[ka].years == groups[kb].years
                and groups[ka].halves == groups[kb].halves
            ):
                merged = fam[ka] | fam[kb]
                for x in merged:
                    fam[x] = merged
    out, seen = [], set()
    for k_ in keys:
        f = tuple(sorted(fam[k_]))
        if f not in seen:
            seen.add(f)
            out.append(list(f))
    return out


# --------------------------------------------------------------------------- the gate


def publish(figures: pd.DataFrame, k: int = D.DEFAULT_K, cache_dir: str | None = None) -> pd.DataFrame:
    """Gate a run's figures for publication.

    Input: ``figures`` — long table with at least ``indicator_code, unit_code, year, period,
    sex, value, numerator, denominator, ci_low, ci_high`` and a bool ``gbv_derived`` (missing:
    taken from :data:`GBV_DERIVED_CODES`); ``k`` — threshold (counts 1…k−1 are hidden);
    ``cache_dir`` — where :func:`me_utils.analysis.disclosure.suppress_cube` caches patterns (default
    :func:`me_utils.analysis.disclosure.default_cache_dir`; ``""`` for none).
    Output: the same rows in the same order with ``suppressed`` (bool) and
    ``suppress_reason`` (``'primary'``, ``'complementary'`` or ``''``); value, numerator,
    denominator, ci_low and ci_high are NaN where suppressed. Rows not GBV-derived pass
    unchanged. Raises ValueError when a required column is missing.
    """
    need = ["indicator_code", "unit_code", "year", "period", "sex", *VALUE_COLUMNS]
    miss = [c for c in need if c not in figures.columns]
    if miss:
        raise ValueError(f"gate.publish: missing column(s) {miss}")
    if k < 2:
        raise ValueError("gate.publish: k must be at least 2")
    cache = D.default_cache_dir() if cache_dir is None else (cache_dir or None)
    out = figures.copy()
    gbv = (
        out["gbv_derived"].fillna(False).astype(bool)
        if "gbv_derived" in out.columns
        else pd.Series(is_gbv_derived(out["indicator_code"]), index=out.index)
    )
    reason = pd.Series("", index=out.index, dtype=object)
    work = out.loc[gbv].copy()
    for c in ("value", "numerator", "denominator"):
        work[c] = pd.to_numeric(work[c], errors="coerce").astype(float)
    work["unit_code"] = work["unit_code"].astype(str)
    work["period"] = work["period"].astype(str)
    work["sex"] = work["sex"].astype(str)

    groups = {key: _Group(rows, k) for key, rows in work.groupby(["indicator_code", "sex"], sort=True)}
    arrays = {}
    for key, g in groups.items():
        arr = g.build()
        if arr is None:  # H1 not nested in FY: gate the two periods as separate cubes
            for per, rows in g.rows.groupby("period"):
                sub = _Group(rows.assign(period="FY") if per == "H1" else rows, k)
                sub.halves = False
                sub_arr = sub.build()
                _apply(sub, _suppress(sub, sub_arr, k, cache), reason, k)
            continue
        arrays[key] = arr
    for fam in _families({key: g for key, g in groups.items() if key in arrays}):
        if len(fam) == 1:
            _apply(groups[fam[0]], _suppress(groups[fam[0]], arrays[fam[0]], k, cache), reason, k)
            continue
        for key, cube in _suppress_family(fam, groups, arrays, k, cache).items():
            _apply(groups[key], cube, reason, k)
    sup = reason != ""
    out["suppressed"] = sup
    out["suppress_reason"] = reason.astype(object)
    for c in VALUE_COLUMNS:
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float).mask(sup)
    return out


def _suppress_family(fam, groups, arrays, k, cache) -> dict:
    """Cubes of indicators sharing one denominator plane, with the same hidden totals.

    The plane (district × year [× half] denominators) is suppressed first and imposed on each
    indicator (hidden totals forced, shown totals frozen). When an indicator cannot be
    protected with its totals frozen, it may hide more totals; those are then forced on every
    member and the members are suppressed again, until all hide the same totals (the set only
    grows, so this ends)."""
    g0 = groups[fam[0]]
    plane = _cube(
        g0.denominators(arrays[fam[0]]),
        [g0.units, g0.years] + ([["H1", "H2"]] if g0.halves else []),
        ("unit_code", "year", "half")[: 3 if g0.halves else 2],
        k,
        cache,
    )
    shape = tuple(s_ + 1 for s_ in arrays[fam[0]].shape)
    tot_hidden = plane.hidden.copy()
    freeze = True
    while True:
        cubes = {}
        forced = np.zeros(shape, dtype=bool)
        forced[:, -1] = tot_hidden
        frozen = np.zeros(shape, dtype=bool)
        frozen[:, -1] = ~tot_hidden
        for key in fam:
            try:
                cubes[key] = _suppress(groups[key], arrays[key], k, cache, forced, frozen if freeze else None)
            except ValueError:
                cubes[key] = _suppress(groups[key], arrays[key], k, cache, forced, None)
        union = tot_hidden.copy()
        for cube in cubes.values():
            union |= cube.hidden[:, -1]
        if np.array_equal(union, tot_hidden):
            return cubes
        tot_hidden = union
        freeze = False


def _suppress(g: _Group, arr, k, cache, forced=None, frozen=None):
    if arr is None or arr.size == 0 or not g.units or not g.years:
        return None
    labels = [g.units, g.parts, g.years] + ([["H1", "H2"]] if g.halves else [])
    dims = ("unit_code", "part", "year", "half")[: 4 if g.halves else 3]
    return _cube(arr, labels, dims, k, cache, forced, frozen)


class _Pattern:
    """Hidden/reason arrays of a cube in the full shape (with margins)."""

    def __init__(self, hidden, reason):
        self.hidden, self.reason = hidden, reason


def _cube(arr, labels, dims, k, cache, forced=None, frozen=None) -> _Pattern:
    """:func:`me_utils.analysis.disclosure.suppress_cube` without the axes of length one.

    Along an axis with a single entry (one year, one part) the margin *is* the cell, so the
    axis adds only copies: suppressing with it would treat each copy as a second published
    cell and hide far more than needed. The axis is dropped for the suppression and the
    pattern copied to both positions (cell and margin) afterwards."""
    one = [ax for ax in range(arr.ndim) if arr.shape[ax] == 1]
    if not one:
        c = D.suppress_cube(arr, labels, dims, k=k, forced=forced, frozen=frozen, cache_dir=cache)
        return _Pattern(c.hidden, c.reason)
    keep = [ax for ax in range(arr.ndim) if ax not in one]
    take = tuple(0 if ax in one else slice(None) for ax in range(arr.ndim))
    sq = arr[take]
    if sq.ndim == 0:  # a single cell: primary rule only
        h = np.full(tuple(2 for _ in arr.shape), bool(0 < arr.ravel()[0] < k))
        return _Pattern(h, np.where(h, "primary", "").astype(object))
    c = D.suppress_cube(
        sq,
        [labels[ax] for ax in keep],
        tuple(dims[ax] for ax in keep),
        k=k,
        forced=None if forced is None else forced[take],
        frozen=None if frozen is None else frozen[take],
        cache_dir=cache,
    )
    hidden, reason = c.hidden, c.reason
    for ax in one:  # cell and margin of a length-one axis carry the same pattern
        hidden = np.repeat(np.expand_dims(hidden, ax), 2, axis=ax)
        reason = np.repeat(np.expand_dims(reason, ax), 2, axis=ax)
    return _Pattern(hidden, reason)


def _apply(g: _Group, cube, reason: pd.Series, k: int) -> None:
    """Write the cube's pattern onto the rows; gate standalone rows on their own counts."""
    for idx in g.no_counts:
        reason[idx] = "primary"  # no counts: nothing shows it is safe
    if cube is not None:
        h = cube.hidden.ravel()
        rs = cube.reason.ravel()
        for idx, cells in g.cells.items():
            if h[cells].any():
                reason[idx] = "primary" if (rs[cells] == "primary").any() else "complementary"
    rows = g.rows
    for idx in g.standalone:
        c = g.counts(rows.loc[idx])
        tot = sum(c)
        if any(_small(x, k) for x in (*c, tot)):
            reason[idx] = "primary"
    # a standalone FY/H1 pair: the second half-year is FY − H1, a count too
    sa = rows.loc[g.standalone]
    for (_u, _y), pair in sa.groupby(["unit_code", "year"]):
        per = dict(zip(pair["period"], pair.index))
        if "FY" in per and "H1" in per and not reason[per["FY"]] and not reason[per["H1"]]:
            f, h = np.array(g.counts(rows.loc[per["FY"]])), np.array(g.counts(rows.loc[per["H1"]]))
            d = f - h
            if any(_small(x, k) for x in (*d, d.sum())):
                reason[per["H1"]] = "complementary"


def published_observations(
    observations: pd.DataFrame, k: int = D.DEFAULT_K, cache_dir: str | None = None
) -> pd.DataFrame:
    """``observations.csv`` rows a report may show: the GBV-derived rows that :func:`publish`
    suppresses are left out (so no value, interval, chart point or trend uses them); other
    rows and the column order are unchanged. Input: the observations frame
    (``docs/CONTRACTS.md``); Wilson intervals are computed for the gate when absent.
    Output: DataFrame with the same columns. A stop-gap until every report reads the gated
    evidence table."""

    fig = observations.copy()
    if "ci_low" not in fig.columns:
        num = pd.to_numeric(fig["numerator"], errors="coerce").to_numpy(float)
        den = pd.to_numeric(fig["denominator"], errors="coerce").to_numpy(float)
        ok = np.isfinite(num) & np.isfinite(den) & (den > 0) & (num >= 0) & (num <= den)
        lo, hi = wilson_ci(np.where(ok, num, 0), np.where(ok, den, 1))
        fig["ci_low"] = np.where(ok, np.asarray(lo) * 100, np.nan)
        fig["ci_high"] = np.where(ok, np.asarray(hi) * 100, np.nan)
    if "gbv_derived" not in fig.columns:
        fig["gbv_derived"] = is_gbv_derived(fig["indicator_code"])
    gated = publish(fig, k=k, cache_dir=cache_dir)
    return observations.loc[~gated["suppressed"].to_numpy()].reset_index(drop=True)


# --------------------------------------------------------------------------- assessments

#: Columns of a scorecard assessment anchored on the figures (blanked with the figures).
ASSESSMENT_VALUE_COLUMNS = [
    "latest_value",
    "ci_low",
    "ci_high",
    "gap_2025",
    "proj_2025",
    "proj_2025_low",
    "proj_2025_high",
    "proj_2030",
    "proj_2030_low",
    "proj_2030_high",
    "prob_reach_2025",
    "prob_reach_2030",
]
ASSESSMENT_STATUS_COLUMNS = ["status_unsd", "status_statcan", "status_escap", "status_headline"]

NOTE_SERIES = {
    "vi": "Số liệu nhỏ bị ẩn để bảo vệ người bị hại nên không đánh giá xu hướng, dự báo hay khả năng "
    "đạt mục tiêu ở đơn vị này; xu hướng được trình bày ở cấp tỉnh.",
    "en": "Small numbers are hidden to protect survivors, so no trend, projection or chance of "
    "reaching the target is given for this unit; the trend is shown for the province.",
}
NOTE_LATEST = {
    "vi": "Số liệu năm gần nhất bị ẩn để bảo vệ người bị hại; giá trị và khoảng tin cậy không được nêu.",
    "en": "The latest figure is hidden to protect survivors; its value and interval are not shown.",
}


def publish_assessments(
    assessments: pd.DataFrame,
    gated: pd.DataFrame,
    max_hidden_share: float = 0.5,
    min_shown: int = 3,
    period_start: int | None = None,
    period_end: int | None = None,
) -> pd.DataFrame:
    """Gate assessments (one row per indicator × unit, the columns of
    :func:`me_utils.analysis.scorecard.build_scorecard` plus ``unit_code``) against the gated figures.

    For each GBV-derived indicator × unit, the yearly full-year series in ``gated`` (output of
    :func:`publish`, period ``FY``, sex ``T``, years ``period_start``…``period_end`` when given)
    is *mostly suppressed* when more than ``max_hidden_share`` of its years are hidden or fewer
    than ``min_shown`` are shown: then every value, interval, projection, probability and status
    is blanked (NaN / ``''``) and ``summary_category`` (and an assessed ``result_2025``) becomes
    ``'suppressed'``. Otherwise, when
    the row's ``latest_value`` is not a shown figure of ``latest_year`` (the latest figure is
    hidden), the latest value, its interval and the gap are blanked. Output: a copy with columns
    ``gate_suppressed`` (bool), ``gate_note_vi``, ``gate_note_en`` (the reason sentence).
    """
    out = assessments.copy()
    out["gate_suppressed"] = False
    out["gate_note_vi"] = ""
    out["gate_note_en"] = ""
    if "unit_code" not in out.columns:
        raise ValueError("gate.publish_assessments: assessments need a unit_code column")
    g = gated[(gated["period"].astype(str) == "FY") & (gated["sex"].astype(str) == "T")]
    if "gbv_derived" in g.columns:
        g = g[g["gbv_derived"].fillna(False).astype(bool)]
    else:
        g = g[is_gbv_derived(g["indicator_code"])]
    if period_start is not None:
        g = g[g["year"] >= period_start]
    if period_end is not None:
        g = g[g["year"] <= period_end]
    series = {key: s for key, s in g.groupby(["indicator_code", "unit_code"])}
    for i, r in out.iterrows():
        s = series.get((r["indicator_code"], r["unit_code"]))
        if s is None:
            continue
        n_hid = int(s["suppressed"].sum())
        n_shown = len(s) - n_hid
        if n_hid and (n_hid / len(s) > max_hidden_share or n_shown < min_shown):
            for c in ASSESSMENT_VALUE_COLUMNS:
                if c in out.columns:
                    out.at[i, c] = np.nan
            for c in ASSESSMENT_STATUS_COLUMNS + ["model"]:
                if c in out.columns:
                    out.at[i, c] = ""
            if "summary_category" in out.columns:
                out.at[i, "summary_category"] = "suppressed"
            if "result_2025" in out.columns and r.get("result_2025") in ("achieved", "not_achieved", "pending"):
                out.at[i, "result_2025"] = "suppressed"
            out.at[i, "gate_suppressed"] = True
            out.at[i, "gate_note_vi"], out.at[i, "gate_note_en"] = NOTE_SERIES["vi"], NOTE_SERIES["en"]
            continue
        latest = r.get("latest_year")
        if latest is None or pd.isna(latest):
            continue
        shown = s[(s["year"] == int(latest)) & ~s["suppressed"]]
        lv = r.get("latest_value")
        if shown.empty or (
            lv is not None and not pd.isna(lv) and not np.isclose(shown["value"].to_numpy(float), float(lv)).any()
        ):
            for c in ("latest_value", "ci_low", "ci_high", "gap_2025"):
                if c in out.columns:
                    out.at[i, c] = np.nan
            out.at[i, "gate_suppressed"] = True
            out.at[i, "gate_note_vi"], out.at[i, "gate_note_en"] = NOTE_LATEST["vi"], NOTE_LATEST["en"]
    return out


# --------------------------------------------------------------------------- report note


def suppression_note(
    gated: pd.DataFrame, unit: str | None = None, lang: str = "vi", k: int = D.DEFAULT_K, indicators=None
) -> str:
    """Text a report prints where it hides figures: which indicator, unit and years, and why.

    Inputs: ``gated`` (output of :func:`publish`), ``unit`` (the report's unit; None = all
    units), ``lang``, ``k``, optional list of indicator codes the report shows. Output: a
    markdown paragraph (empty string when the report hides nothing). Never gives a hidden
    value.
    """
    g = gated[gated["suppressed"].fillna(False).astype(bool)]
    if unit is not None:
        g = g[g["unit_code"].astype(str) == unit]
    if indicators is not None:
        g = g[g["indicator_code"].isin(list(indicators))]
    if g.empty:
        return ""
    parts = []
    for (code, u), s in g.groupby(["indicator_code", "unit_code"], sort=True):
        items = []
        for (y, per), _ in s.groupby(["year", "period"], sort=True):
            items.append(f"{int(y)}" + ("" if per == "FY" else fmt.pick(lang, " (6 tháng)", " (half-year)")))
        where = code if unit is not None else f"{code} ({u})"
        parts.append(f"{where}: " + ", ".join(dict.fromkeys(items)))
    head = fmt.pick(
        lang,
        f"**Số liệu bị ẩn để bảo vệ người bị hại.** Các số liệu về bạo lực trên cơ sở giới, bạo lực "
        f"gia đình và mua bán người có số người từ 1 đến {k - 1} (ở tử số, mẫu số hoặc phần còn lại) bị "
        "ẩn, cùng một số số liệu khác để không thể tính lại chúng từ tổng của tỉnh, từ số cả năm và "
        "số 6 tháng, hay từ báo cáo khác; mọi báo cáo dùng chung một bảng số liệu đã kiểm soát. Các số "
        "liệu bị ẩn (ký hiệu x) ở báo cáo này: ",
        f"**Figures hidden to protect survivors.** Figures on gender-based violence, domestic violence "
        f"and trafficking that count 1 to {k - 1} people (numerator, denominator or remainder) are "
        "hidden, with some others so that they cannot be worked back from the province total, from the "
        "full year and the half-year, or from another report; every report reads the same gated table. "
        "Figures hidden (mark x) in this report: ",
    )
    return head + "; ".join(parts) + "."


def summary(gated: pd.DataFrame) -> pd.DataFrame:
    """What the gate hides: one row per indicator × unit × period with the hidden years and
    reasons (no values). Output columns: ``indicator_code, unit_code, period, primary,
    complementary`` (years as ``;``-joined text), ``n_hidden``, ``n_rows``."""
    g = gated[gated.get("gbv_derived", pd.Series(True, index=gated.index)).fillna(False).astype(bool)]
    recs = []
    for (code, u, per), s in g.groupby(["indicator_code", "unit_code", "period"], sort=True):
        p = s[s["suppress_reason"] == "primary"]["year"].astype(int).tolist()
        c = s[s["suppress_reason"] == "complementary"]["year"].astype(int).tolist()
        recs.append(
            {
                "indicator_code": code,
                "unit_code": u,
                "period": per,
                "primary": ";".join(map(str, sorted(p))),
                "complementary": ";".join(map(str, sorted(c))),
                "n_hidden": len(p) + len(c),
                "n_rows": len(s),
            }
        )
    return pd.DataFrame(recs)
