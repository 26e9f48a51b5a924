"""Statistical disclosure control for GBV tables that reach a report.

What it does (reference: ``methods-and-anchors.md`` §3.4–3.5):

1. **Primary suppression**: counts ``1 … k−1`` are hidden (``k`` configurable, default 5),
   margins included (a total of 3 discloses as much as a cell of 3). Zeros are not
   sensitive and stay visible.
2. **Complementary suppression**: every published margin (row total, column total, grand
   total) is an equation ``Σ cells = total``. While some equation has exactly one hidden term,
   another cell of that equation is hidden (the smallest non-zero published cell, so the
   least information is lost); zeros are used only when nothing else is left.
3. **Audit** (:func:`audit`): an attacker's view. For each hidden cell, linear programming
   (``scipy.optimize.linprog``, HiGHS) finds the smallest and largest value consistent with
   every published cell and margin and with non-negativity. A hidden cell is *protected* when
   ``upper − lower ≥ min_width`` (default 1: it cannot be worked out exactly). If the audit
   finds an unprotected cell, :func:`suppress` hides more cells and audits again.
4. Derived numbers: :func:`hide_derived` hides any rate or percentage whose numerator or
   denominator is hidden.
5. **Log**: :func:`suppression_log` lists, per table, which cells were hidden and why
   (primary/complementary) — never their values.
6. **Guards**: :func:`guard_no_identifiers` refuses to display a table holding an id-like
   column or raw dates; :func:`scan_html_for_disclosure` scans rendered HTML for case ids and
   for small counts 1…k−1 in any table cell.

Linked tables (:func:`suppress_cube`): a province report and twelve district reports publish
slices of the same district × category × year counts. Suppressing each slice on its own would
let a reader subtract eleven districts from the province. So the whole cube, with every margin,
is suppressed and audited once (LP over all cells) and every report shows slices of that one
pattern; a margin plane shared by several cubes (district × year totals) is suppressed first and
imposed on each cube (``forced``/``frozen``).

Assumptions (exposed in :data:`ASSUMPTIONS`): the attacker knows the suppression rule, so when
no zero is hidden they may assume every hidden cell is ≥ 1 and the audit uses that stronger
lower bound; all hidden cells are shown with the same mark, so primary and complementary cells
look alike; reports meant to be read together are run with the same period and threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from me_utils.analysis.disclosure_audit import audit_arrays, flow_audit, margin_equations
from me_utils.analysis.disclosure_cube import SuppressedCube, audit_cube, suppress_cube  # noqa: F401 (re-exported)
from me_utils.analysis.disclosure_table import (  # noqa: F401 (re-exported)
    ASSUMPTIONS,
    CASE_ID_RE,
    DEFAULT_K,
    HIDDEN_MARK,
    DisclosureError,
    SuppressedTable,
    default_cache_dir,
    guard_no_identifiers,
    scan_html_for_disclosure,
)
from me_utils.core import fmt


def _grid(table: pd.DataFrame, total_label: str) -> pd.DataFrame:
    t = table.copy()
    if t.isna().to_numpy().any():
        raise ValueError("disclosure: count table has missing values; fill structural zeros first")
    arr = t.to_numpy(dtype=float)
    if (arr < 0).any() or not np.allclose(arr, np.round(arr)):
        raise ValueError("disclosure: counts must be non-negative integers")
    t = t.astype("int64")
    t[total_label] = t.sum(axis=1)
    tot = t.sum(axis=0).to_frame().T
    tot.index = [total_label]
    return pd.concat([t, tot])


def suppress(
    table: pd.DataFrame,
    k: int = DEFAULT_K,
    name: str = "",
    row_totals: bool = True,
    col_totals: bool = True,
    grand_total: bool = True,
    min_width: float = 1.0,
    total_label: str = "Tổng",
    max_rounds: int | None = None,
    exact_bounds: bool = False,
) -> SuppressedTable:
    """Primary + complementary suppression of a 2-D count table, with the recovery audit.

    Inputs: ``table`` — DataFrame of non-negative integer counts (rows × columns, no
    margins; use a single column for a one-way table), ``k`` — threshold (counts 1…k−1 are
    hidden), ``name`` — title for the log, ``row_totals``/``col_totals``/``grand_total`` —
    which margins are published (for a one-way table, use ``row_totals=False``),
    ``min_width`` — audit criterion, ``exact_bounds`` — also compute each hidden cell's exact
    feasible interval by max-flow for ``audit`` (slower; :func:`audit` always gives the LP
    bounds). While searching, a hidden cell counts as protected when it can move by one unit
    up or down with every shown number unchanged (integer reachability in the residual
    graph, i.e. feasible interval width ≥ 1).
    Output: :class:`SuppressedTable` whose ``audit`` shows every hidden cell protected.
    Raises ValueError for negative/non-integer counts or if protection is impossible.
    """
    if k < 1:
        raise ValueError("disclosure: k must be ≥ 1")
    grid = _grid(table, total_label)
    nr, nc = table.shape
    ncol = nc + 1
    vals = grid.to_numpy(dtype=float).ravel()
    n = vals.size
    reason = np.full(n, "", dtype=object)
    interior = np.zeros(n, dtype=bool)
    interior.reshape(nr + 1, ncol)[:nr, :nc] = True
    hidden = np.zeros(n, dtype=bool)
    # margins are counts too: a row total of 3 discloses as much as a cell of 3
    primary = (vals > 0) & (vals < k)
    hidden[primary] = True
    reason[primary] = "primary"
    unpub = np.zeros(n, dtype=bool)
    g2 = unpub.reshape(nr + 1, ncol)
    if not row_totals:
        g2[:nr, nc] = True
    if not col_totals:
        g2[nr, :nc] = True
    if not grand_total:
        g2[nr, nc] = True
    hidden &= ~unpub  # an unprinted margin needs no protection of its own
    reason[unpub] = "unpublished"
    unknown = hidden | unpub
    eqs = margin_equations(nr, nc, row_totals, col_totals)

    def pick_complement(eq: np.ndarray) -> int | None:
        cand = [c for c in eq if not unknown[c] and interior[c]]
        nz = [c for c in cand if vals[c] > 0]
        pool = nz or cand
        if pool:
            return min(pool, key=lambda c: (vals[c], c))
        cand = [c for c in eq if not unknown[c]]  # only a published total is left
        return cand[0] if cand else None

    def close_equations() -> None:
        changed = True
        while changed:
            changed = False
            for eq in eqs:
                if unknown[eq].sum() == 1 and hidden[eq].any():
                    c = pick_complement(eq)
                    if c is None:
                        continue
                    hidden[c] = unknown[c] = True
                    reason[c] = "complementary"
                    changed = True

    rounds = 0
    aud = None
    known_ok: set[int] = set()
    max_rounds = max_rounds or n + 2
    while True:
        rounds += 1
        close_equations()
        # quick reachability test while searching (valid for min_width <= 1), exact bounds after
        aud = flow_audit(vals, hidden, unknown, nr, nc, min_width, exact=min_width > 1, known_ok=known_ok)
        bad = aud.index[~aud["protected"]].tolist() if len(aud) else []
        known_ok = set(aud.index[aud["protected"]].tolist()) if len(aud) else set()
        if not bad:
            break
        if rounds >= max_rounds:
            raise ValueError(f"disclosure: could not protect table {name!r} in {max_rounds} rounds")
        progressed = False
        for c in bad:
            cands = [cc for eq in eqs if c in eq for cc in eq if not unknown[cc]]
            inner = [cc for cc in cands if interior[cc]]
            pool = [cc for cc in inner if vals[cc] > 0] or inner or cands
            if pool:
                cc = min(pool, key=lambda x: (vals[x], x))
                hidden[cc] = unknown[cc] = True
                reason[cc] = "complementary"
                progressed = True
        if not progressed:
            raise ValueError(f"disclosure: table {name!r} cannot be protected")
    if exact_bounds and min_width <= 1:  # exact bounds for the log (max-flow = LP bounds)
        aud = flow_audit(vals, hidden, unknown, nr, nc, min_width, exact=True)
    shape = (nr + 1, ncol)
    hid = pd.DataFrame((hidden | unpub).reshape(shape), index=grid.index, columns=grid.columns)
    rs = pd.DataFrame(reason.reshape(shape), index=grid.index, columns=grid.columns)
    aud = aud.copy()
    if len(aud):
        aud.insert(0, "row", [grid.index[c // ncol] for c in aud.index])
        aud.insert(1, "column", [grid.columns[c % ncol] for c in aud.index])
        aud.insert(2, "reason", [reason[c] for c in aud.index])
    return SuppressedTable(
        name=name,
        counts=grid,
        hidden=hid,
        reason=rs,
        k=k,
        total_label=total_label,
        audit=aud.reset_index(drop=True),
        iterations=rounds,
    )


def audit(st: SuppressedTable, min_width: float = 1.0) -> pd.DataFrame:
    """Try to recover every hidden cell of ``st`` from what a reader sees.

    Inputs: a :class:`SuppressedTable` (its ``hidden`` pattern may have been built by hand),
    ``min_width``. Output: DataFrame, one row per hidden published cell: ``row, column,
    reason, lower, upper, width, protected`` where lower/upper are the LP bounds (counts)
    given every shown cell and margin, non-negativity (≥ 1 when no zero is hidden).
    """
    grid = st.counts
    nr, ncol = grid.shape[0] - 1, grid.shape[1]
    vals = grid.to_numpy(dtype=float).ravel()
    reason = st.reason.to_numpy().ravel()
    unknown = st.hidden.to_numpy().ravel().astype(bool)
    hidden = unknown & (reason != "unpublished")
    interior = np.zeros(vals.size, dtype=bool)
    interior.reshape(nr + 1, ncol)[:nr, : ncol - 1] = True
    eqs = margin_equations(nr, ncol - 1, True, True)
    aud = audit_arrays(vals, hidden, unknown, interior, eqs, min_width)
    if len(aud):
        aud.insert(0, "row", [grid.index[c // ncol] for c in aud.index])
        aud.insert(1, "column", [grid.columns[c % ncol] for c in aud.index])
        aud.insert(2, "reason", [reason[c] for c in aud.index])
    return aud.reset_index(drop=True)


def primary_only(table: pd.DataFrame, k: int = DEFAULT_K, name: str = "", total_label: str = "Tổng") -> SuppressedTable:
    """Primary suppression without complementary cells (for tests/teaching: NOT safe)."""
    grid = _grid(table, total_label)
    vals = grid.to_numpy()
    nr, nc = table.shape
    interior = np.zeros(vals.shape, dtype=bool)
    interior[:nr, :nc] = True
    hid = (vals > 0) & (vals < k)
    rs = np.where(hid, "primary", "")
    return SuppressedTable(
        name=name,
        counts=grid,
        hidden=pd.DataFrame(hid, index=grid.index, columns=grid.columns),
        reason=pd.DataFrame(rs.astype(object), index=grid.index, columns=grid.columns),
        k=k,
        total_label=total_label,
    )


# --------------------------------------------------------------------------- long tables


def suppress_long(
    df: pd.DataFrame, rows: list[str], cols: list[str], value: str = "n", k: int = DEFAULT_K, name: str = "", **kw
) -> SuppressedTable:
    """Pivot a long count frame to rows × cols (missing combinations = 0) and suppress it.

    Inputs: ``df`` with dimension columns and a count column ``value``; ``rows``/``cols`` —
    dimension names for the two table axes (several names are joined with " · ").
    Output: :class:`SuppressedTable`. Other keywords go to :func:`suppress`.
    """

    def key(frame, names):
        if len(names) == 1:
            return frame[names[0]].astype(str)
        return frame[names].astype(str).agg(" · ".join, axis=1)

    tmp = pd.DataFrame({"_r": key(df, rows), "_c": key(df, cols), "_v": df[value].to_numpy()})
    piv = tmp.pivot_table(index="_r", columns="_c", values="_v", aggfunc="sum", fill_value=0, observed=True, sort=True)
    piv.index.name = None
    piv.columns.name = None
    return suppress(piv, k=k, name=name, **kw)


def hide_derived(values: pd.DataFrame, *masks: pd.DataFrame) -> pd.DataFrame:
    """Hide (set to NaN) every derived value whose numerator or denominator is hidden.

    Inputs: ``values`` (rates or percentages, any dtype), one or more bool masks aligned on
    index/columns (True = hidden). Output: a copy of ``values`` with NaN where any mask is
    True (shown as "x" via :func:`format_hidden`).
    """
    out = values.copy()
    m = np.zeros(out.shape, dtype=bool)
    for mk in masks:
        m |= mk.reindex(index=out.index, columns=out.columns, fill_value=False).to_numpy(dtype=bool)
    return out.mask(m)


def protect_proportion(numerator, denominator, k: int = DEFAULT_K) -> pd.DataFrame:
    """Which parts of ``numerator / denominator`` rows may be shown.

    A proportion shows two counts of people: those with the attribute (numerator) and those
    without (denominator − numerator). If either is in 1 … k−1 the numerator and the
    percentage are hidden (the denominator alone stays visible when it is ≥ k, since it no
    longer gives the small count away); if the denominator itself is in 1 … k−1, everything is
    hidden. Inputs: aligned arrays/Series of counts. Output: DataFrame of bools
    ``hide_numerator``, ``hide_denominator``, ``hide_value``.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    small = lambda x: (x > 0) & (x < k)  # noqa: E731
    hide_den = small(den)
    hide_num = small(num) | small(den - num) | hide_den
    return pd.DataFrame({"hide_numerator": hide_num, "hide_denominator": hide_den, "hide_value": hide_num | (den == 0)})


def small_count_mask(counts, k: int = DEFAULT_K):
    """True where a count is in 1 … k−1 (works on scalars, arrays, Series, DataFrames)."""
    c = counts
    return (c > 0) & (c < k)


def show_count(x, k: int = DEFAULT_K, lang: str = "vi") -> str:
    """A single count for report text: formatted, or ``'dưới k'``/``'fewer than k'`` if 1…k−1."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return fmt.MISSING
    if 0 < x < k:
        return fmt.pick(lang, f"dưới {k}", f"fewer than {k}")
    return fmt.fmt_number(x, 0, lang)


# --------------------------------------------------------------------------- log


def suppression_log(tables: list[SuppressedTable], lang: str = "vi") -> pd.DataFrame:
    """One row per table: name, cells shown, cells hidden (primary, complementary), the
    hidden cells' labels and the audit verdict — never any hidden value.

    Output columns (vi/en): table, k, hidden primary, hidden complementary, hidden cells,
    audit.
    """
    recs = []
    for st in tables:
        cells = []
        for r in st.reason.index:
            for c in st.reason.columns:
                why = st.reason.loc[r, c]
                if why in ("primary", "complementary"):
                    tag = fmt.pick(lang, "sơ cấp" if why == "primary" else "bổ sung", why)
                    cells.append(f"{r} × {c} ({tag})")
        prim = int((st.reason == "primary").to_numpy().sum())
        comp = int((st.reason == "complementary").to_numpy().sum())
        ok = st.audit is None or len(st.audit) == 0 or bool(st.audit["protected"].all())
        recs.append(
            {
                fmt.pick(lang, "Bảng", "Table"): st.name,
                "k": f"k = {st.k}",
                # spelled as text so the scan for small counts never trips on the log itself
                fmt.pick(lang, "Ô ẩn sơ cấp", "Primary hidden"): _count_words(prim, lang),
                fmt.pick(lang, "Ô ẩn bổ sung", "Complementary hidden"): _count_words(comp, lang),
                fmt.pick(lang, "Các ô bị ẩn", "Hidden cells"): "; ".join(cells) or fmt.MISSING,
                fmt.pick(lang, "Kiểm tra khôi phục", "Recovery audit"): fmt.pick(
                    lang,
                    "không ô nào tính lại được" if ok else "CÓ Ô TÍNH LẠI ĐƯỢC",
                    "no cell recoverable" if ok else "RECOVERABLE CELL",
                ),
            }
        )
    return pd.DataFrame(recs)


def _count_words(n: int, lang: str) -> str:
    return fmt.pick(lang, f"{n} ô", f"{n} cell" + ("" if n == 1 else "s"))
