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

import html as _html
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from me_utils.core import errors as _errors
from me_utils.core import fmt
from me_utils.core.atomic import atomic_path

DEFAULT_K = 5
HIDDEN_MARK = "x"

ASSUMPTIONS = {
    "vi": [
        "Ô có số đếm từ 1 đến k−1 (mặc định k = 5) bị ẩn (ẩn sơ cấp); số 0 không bị coi là nhạy cảm.",
        "Ẩn bổ sung để không ô ẩn nào có thể tính lại từ tổng hàng, tổng cột và tổng chung; "
        "kiểm tra bằng quy hoạch tuyến tính (khoảng giá trị khả dĩ của mỗi ô ẩn rộng ít nhất 1).",
        "Tỷ lệ, tỷ suất có tử số hoặc mẫu số bị ẩn cũng bị ẩn.",
        "Mọi ô ẩn được đánh dấu giống nhau (x); chỉ thống kê các vụ việc có đồng ý chia sẻ số liệu.",
        "Các bảng của báo cáo tỉnh và báo cáo các huyện là các lát cắt của cùng một khối số liệu "
        "huyện × nhóm × năm đã được ẩn một lần với mọi tổng, nên ghép tất cả các báo cáo (cùng giai "
        "đoạn, cùng ngưỡng k) cũng không tính lại được ô ẩn; không công bố dữ liệu theo từng ca.",
    ],
    "en": [
        "Cells with counts 1 to k−1 (default k = 5) are hidden (primary); zeros are not sensitive.",
        "Further cells are hidden so that no hidden cell can be worked out from row, column or "
        "grand totals; checked by linear programming (each hidden cell's feasible range is at "
        "least 1 wide).",
        "Rates and percentages whose numerator or denominator is hidden are hidden too.",
        "All hidden cells carry the same mark (x); only incidents with consent to reporting are counted.",
        "The tables of the province report and of every district report are slices of one district × "
        "category × year cube suppressed once against all its totals, so even all reports read "
        "together (same period, same k) give no hidden cell away; no case-level data are published.",
    ],
}


def default_cache_dir() -> str:
    """Folder where suppression *patterns* (never counts) are cached: env ``ME_SDC_CACHE`` or
    ``me_utils_sdc_cache`` in the system temp folder."""
    import os
    import tempfile

    return os.environ.get("ME_SDC_CACHE") or os.path.join(tempfile.gettempdir(), "me_utils_sdc_cache")


class DisclosureError(_errors.DisclosureError, ValueError):
    """A table about to be displayed would disclose identifiers or small counts."""


# --------------------------------------------------------------------------- core structure


@dataclass
class SuppressedTable:
    """A 2-D count table with margins and its suppression pattern.

    Attributes:
      ``name`` — table title used in the log;
      ``counts`` — DataFrame of integer counts *including* the margin row/column labelled
      ``total_label`` (internal: never display it directly, use :meth:`display`);
      ``hidden`` — bool DataFrame, same shape, True where the value must not be shown;
      ``reason`` — str DataFrame: ``''``, ``'primary'``, ``'complementary'`` or
      ``'unpublished'`` (a margin the table does not print);
      ``k`` — threshold; ``audit`` — DataFrame from :func:`audit` (filled by :func:`suppress`).
    """

    name: str
    counts: pd.DataFrame
    hidden: pd.DataFrame
    reason: pd.DataFrame
    k: int = DEFAULT_K
    total_label: str = "Tổng"
    audit: pd.DataFrame | None = None
    iterations: int = 0
    meta: dict = field(default_factory=dict)

    @property
    def n_hidden(self) -> int:
        """Number of hidden published cells (primary + complementary)."""
        return int(self.reason.isin(["primary", "complementary"]).to_numpy().sum())

    def display(self, lang: str = "vi", mark: str = HIDDEN_MARK) -> pd.DataFrame:
        """Formatted string table for a report: hidden cells shown as ``mark``, unpublished
        margins dropped, numbers formatted with :func:`me_utils.core.fmt.fmt_number`."""
        vals = self.counts.copy()
        out = pd.DataFrame(index=vals.index, columns=vals.columns, dtype=object)
        for c in vals.columns:
            out[c] = [
                mark if h else fmt.fmt_number(v, 0, lang) for v, h in zip(vals[c].to_numpy(), self.hidden[c].to_numpy())
            ]
        unpub = self.reason == "unpublished"
        # a margin line is dropped when all its non-grand cells are unprinted
        drop_rows = [i for i in out.index if unpub.loc[i].iloc[:-1].all()]
        drop_cols = [c for c in out.columns if unpub[c].iloc[:-1].all()]
        out = out.drop(index=drop_rows, columns=drop_cols)
        tl = self.total_label if lang == "vi" else "Total"
        out = out.rename(index={self.total_label: tl}, columns={self.total_label: tl})
        guard_no_identifiers(out)
        return out


def _equations(nr: int, nc: int, row_totals: bool, col_totals: bool) -> list[np.ndarray]:
    """Equations over the (nr+1)×(nc+1) grid (flat indices): interior + margins = 0 sums.

    Each equation is returned as an int array of flat indices whose *last* element is the
    total cell. All margins exist in the grid; unpublished ones are free variables.
    """
    ncol = nc + 1
    eqs = []
    for i in range(nr):  # row i: sum_j x[i, j] = x[i, nc]
        eqs.append(np.array([i * ncol + j for j in range(nc)] + [i * ncol + nc]))
    for j in range(nc):  # column j: sum_i x[i, j] = x[nr, j]
        eqs.append(np.array([i * ncol + j for i in range(nr)] + [nr * ncol + j]))
    eqs.append(np.array([nr * ncol + j for j in range(nc)] + [nr * ncol + nc]))
    eqs.append(np.array([i * ncol + nc for i in range(nr)] + [nr * ncol + nc]))
    return eqs


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
    eqs = _equations(nr, nc, row_totals, col_totals)

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
        aud = _flow_audit(vals, hidden, unknown, nr, nc, min_width, exact=min_width > 1, known_ok=known_ok)
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
        aud = _flow_audit(vals, hidden, unknown, nr, nc, min_width, exact=True)
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


def _components(unknown_idx: np.ndarray, eqs: list[np.ndarray]) -> list[list[int]]:
    """Connected groups of unknown cells linked through shared equations (union-find)."""
    parent = {int(c): int(c) for c in unknown_idx}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for eq in eqs:
        us = [int(c) for c in eq if int(c) in parent]
        for u in us[1:]:
            ra, rb = find(us[0]), find(u)
            if ra != rb:
                parent[rb] = ra
    groups: dict[int, list[int]] = {}
    for c in parent:
        groups.setdefault(find(c), []).append(c)
    return list(groups.values())


def _flow_audit(vals, hidden, unknown, nr, nc, min_width, exact=True, known_ok=()) -> pd.DataFrame:
    """Exact bounds of every hidden cell by max-flow (same answer as the LP, much faster).

    A 2-D table with row, column and grand totals is a circulation: nodes R_i (rows), C_j
    (columns), S and T; cell (i, j) is an arc R_i→C_j, row total S→R_i, column total C_j→T,
    grand total T→S. Published arcs are fixed; an unknown arc with value x and lower bound
    lb can grow without limit and shrink by x − lb. The largest increase of arc u→v is the
    max flow v→u in that residual graph without the arc; the largest decrease is the max flow
    u→v, capped by x − lb. Row/column constraints are totally unimodular, so these integer
    bounds equal the LP bounds of :func:`_audit_arrays` (tests check that they agree).
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    hidden_idx = np.flatnonzero(hidden)
    if hidden_idx.size == 0:
        return pd.DataFrame(columns=["lower", "upper", "method", "width", "protected"])
    lb_hidden = 0.0 if (hidden & (vals == 0)).any() else 1.0
    ncol = nc + 1
    n_nodes = nr + nc + 2
    s_node, t_node = nr + nc, nr + nc + 1

    def arc(c):
        i, j = divmod(int(c), ncol)
        if i < nr and j < nc:
            return i, nr + j
        if i < nr:
            return s_node, i
        if j < nc:
            return nr + j, t_node
        return t_node, s_node

    big = int(min(vals.sum() + 10, (2**31 - 1) // (n_nodes + 1)))
    cap: dict[tuple[int, int], int] = {}
    slack = {}
    for c in np.flatnonzero(unknown):
        u, v = arc(c)
        lb = lb_hidden if hidden[c] else 0.0
        sl = int(round(vals[c] - lb))
        slack[int(c)] = sl
        cap[(u, v)] = cap.get((u, v), 0) + big
        cap[(v, u)] = cap.get((v, u), 0) + sl
    keys = sorted(cap)
    where = {k_: n_ for n_, k_ in enumerate(keys)}
    r_idx = np.array([k_[0] for k_ in keys], dtype=np.int32)
    c_idx = np.array([k_[1] for k_ in keys], dtype=np.int32)
    base = np.array([cap[k_] for k_ in keys], dtype=np.int64)
    indptr = np.searchsorted(r_idx, np.arange(n_nodes + 1)).astype(np.int32)
    adj: list[list[int]] = [[] for _ in range(n_nodes)]
    for n_, (a_, _b) in enumerate(keys):
        adj[a_].append(n_)

    def reachable(data, src, dst) -> bool:
        # integer capacities: a path of positive arcs carries at least one unit
        seen = {src}
        stack = [src]
        while stack:
            a_ = stack.pop()
            for n_ in adj[a_]:
                if data[n_] > 0:
                    b_ = int(c_idx[n_])
                    if b_ == dst:
                        return True
                    if b_ not in seen:
                        seen.add(b_)
                        stack.append(b_)
        return False

    def mf(data, src, dst):
        g = csr_matrix((data.astype(np.int32), c_idx, indptr), shape=(n_nodes, n_nodes))
        return maximum_flow(g, src, dst).flow_value

    rows = []
    for c in hidden_idx:
        if int(c) in known_ok:
            # hiding more cells only enlarges the feasible set: once protected, always protected
            rows.append((int(c), np.nan, np.nan, "reach", 1.0))
            continue
        u, v = arc(c)
        sl = slack[int(c)]
        data = base.copy()
        data[where[(u, v)]] -= big
        data[where[(v, u)]] -= sl
        if not exact:
            up_ok = reachable(data, v, u)
            dn_ok = sl > 0 and reachable(data, u, v)
            ok = up_ok or dn_ok
            rows.append((int(c), np.nan, np.nan, "reach", 1.0 if ok else 0.0))
            continue
        inc = mf(data, v, u)
        inc = np.inf if inc >= big else float(inc)
        dec = float(min(sl, mf(data, u, v)))
        rows.append((int(c), vals[c] - dec, vals[c] + inc, "flow", np.nan))
    df = pd.DataFrame(rows, columns=["cell", "lower", "upper", "method", "_ok"]).set_index("cell").sort_index()
    df["width"] = df["upper"] - df["lower"]
    if exact:
        df["protected"] = df["width"] >= min_width - 1e-9
    else:  # width >= 1 iff the cell can move by one unit up or down (integer flows)
        df["protected"] = df["_ok"] > 0
    return df.drop(columns="_ok")


def _component_system(comp, eqs, vals, hidden, lb_hidden):
    """Linear system of one connected component of unknown cells for the LP attacker.

    Each margin equation reads ``sum(interior cells) − total = 0`` (the total is the last
    element); published cells move to the right-hand side. Returns ``(pos, A_eq, b_eq,
    bounds)`` with ``pos`` cell → column, ``A_eq``/``b_eq`` None when no equation touches the
    component, and bounds ``lb_hidden`` for hidden cells (0 for other unknowns).
    """
    comp_set = set(comp)
    pos = {int(c): i for i, c in enumerate(comp)}
    a_eq, b_eq = [], []
    for eq in eqs:
        if not any(int(c) in comp_set for c in eq):
            continue
        coef = np.zeros(len(comp))
        rhs = 0.0
        for c in eq[:-1]:
            c = int(c)
            if c in comp_set:
                coef[pos[c]] += 1
            else:
                rhs -= vals[c]
        t = int(eq[-1])
        if t in comp_set:
            coef[pos[t]] -= 1
        else:
            rhs += vals[t]
        a_eq.append(coef)
        b_eq.append(rhs)
    bounds = [(lb_hidden if hidden[c] else 0.0, None) for c in comp]
    return pos, (np.array(a_eq) if a_eq else None), (np.array(b_eq) if b_eq else None), bounds


def _audit_arrays(vals, hidden, unknown, interior, eqs, min_width) -> pd.DataFrame:
    """LP min and max of every hidden (primary/complementary) cell: the attacker's best
    bounds. Index = flat cell id."""
    hidden_idx = np.flatnonzero(hidden)
    if hidden_idx.size == 0:
        return pd.DataFrame(columns=["lower", "upper", "method", "width", "protected"])
    # The attacker knows zeros are never primary-suppressed; if no zero is hidden they may
    # assume each hidden cell is at least 1 — the audit grants them that.
    lb_hidden = 0.0 if (hidden & (vals == 0)).any() else 1.0
    rows = []
    unknown_idx = np.flatnonzero(unknown)
    for comp in _components(unknown_idx, eqs):
        pos, a, b, bounds = _component_system(comp, eqs, vals, hidden, lb_hidden)
        for c in comp:
            if not hidden[c]:
                continue
            obj = np.zeros(len(comp))
            obj[pos[c]] = 1.0
            lo = linprog(obj, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            hi = linprog(-obj, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            low = lo.fun if lo.status == 0 else np.nan
            up = -hi.fun if hi.status == 0 else (np.inf if hi.status == 3 else np.nan)
            rows.append((c, low, up, "lp"))
    df = pd.DataFrame(rows, columns=["cell", "lower", "upper", "method"]).set_index("cell").sort_index()
    df["width"] = df["upper"] - df["lower"]
    df["protected"] = df["width"] >= min_width - 1e-9
    return df


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
    eqs = _equations(nr, ncol - 1, True, True)
    aud = _audit_arrays(vals, hidden, unknown, interior, eqs, min_width)
    if len(aud):
        aud.insert(0, "row", [grid.index[c // ncol] for c in aud.index])
        aud.insert(1, "column", [grid.columns[c % ncol] for c in aud.index])
        aud.insert(2, "reason", [reason[c] for c in aud.index])
    return aud.reset_index(drop=True)


# --------------------------------------------------------------------------- linked tables


@dataclass
class SuppressedCube:
    """An N-dimensional count table with every margin, suppressed as one unit.

    Reports slice it (e.g. one district's category × year table, or the province's) so that
    every published table shows cells of the *same* suppression pattern: combining a
    province report with all district reports cannot recover a hidden cell, because the audit
    ran against every margin of the cube at once.

    Attributes: ``dims`` (names), ``labels`` (list per dim; the last entry of each axis is the
    total), ``counts`` (int ndarray incl. margins), ``hidden`` (bool ndarray), ``reason``
    (object ndarray: '', 'primary', 'complementary'), ``k``, ``audit`` (DataFrame: flat cell,
    protected), ``iterations``.
    """

    dims: tuple
    labels: list
    counts: np.ndarray
    hidden: np.ndarray
    reason: np.ndarray
    k: int
    audit: pd.DataFrame
    iterations: int = 0

    def index_of(self, dim: str, label) -> int:
        ax = self.dims.index(dim)
        return self.labels[ax].index(label)

    def table(
        self,
        rows: str,
        cols: str,
        fixed: dict,
        name: str = "",
        total_label: str = "Tổng",
        row_names=None,
        col_names=None,
    ) -> SuppressedTable:
        """2-D slice as a :class:`SuppressedTable` (margins included). ``fixed`` maps every
        other dim to a label, or to None for its total."""
        sl = []
        for ax, d in enumerate(self.dims):
            if d in (rows, cols):
                sl.append(slice(None))
            else:
                lab = fixed.get(d)
                sl.append(len(self.labels[ax]) - 1 if lab is None else self.labels[ax].index(lab))
        sl = tuple(sl)
        c, h, r = self.counts[sl], self.hidden[sl], self.reason[sl]
        if self.dims.index(rows) > self.dims.index(cols):
            c, h, r = c.T, h.T, r.T
        ri = list(self.labels[self.dims.index(rows)][:-1])
        ci = list(self.labels[self.dims.index(cols)][:-1])
        ri = [str(x) for x in (row_names(ri) if row_names else ri)] + [total_label]
        ci = [str(x) for x in (col_names(ci) if col_names else ci)] + [total_label]
        flat = np.arange(self.counts.size).reshape(self.counts.shape)[sl]
        if self.dims.index(rows) > self.dims.index(cols):
            flat = flat.T
        ok = set(self.audit["cell"].tolist()) if self.audit is not None and len(self.audit) else set()
        recs = [
            (ri[i], ci[j], r[i, j], int(flat[i, j]) in ok)
            for i in range(h.shape[0])
            for j in range(h.shape[1])
            if h[i, j]
        ]
        # the verdict comes from the whole cube's audit (every margin of every linked table)
        aud = pd.DataFrame(recs, columns=["row", "column", "reason", "protected"])
        return SuppressedTable(
            name=name,
            counts=pd.DataFrame(c, index=ri, columns=ci),
            hidden=pd.DataFrame(h, index=ri, columns=ci),
            reason=pd.DataFrame(r, index=ri, columns=ci),
            k=self.k,
            total_label=total_label,
            audit=aud,
            iterations=self.iterations,
        )

    def cell_hidden(self, **labels) -> bool:
        """Is the cell (a label per dim, None = total) hidden?"""
        idx = tuple(
            len(self.labels[ax]) - 1 if labels.get(d) is None else self.labels[ax].index(labels[d])
            for ax, d in enumerate(self.dims)
        )
        return bool(self.hidden[idx])


def _cube_equations(shape: tuple) -> list[np.ndarray]:
    """Every line of an N-D table with margins: along each axis, for each position of the
    others (margins included), the interior cells sum to the margin cell (listed last)."""
    flat = np.arange(int(np.prod(shape))).reshape(shape)
    eqs = []
    for ax in range(len(shape)):
        moved = np.moveaxis(flat, ax, -1).reshape(-1, shape[ax])
        eqs.extend(row for row in moved)
    return eqs


def _box_protected(hid: np.ndarray, slack: np.ndarray, cell: tuple) -> bool:
    """Fast sufficient test for an interior hidden cell of an N-D table with all line margins.

    Pick a second interior index on every axis: the 2^N corners of that box, signed
    (−1)^(number of swapped axes), form a change that leaves every line sum (so every margin)
    unchanged. If every corner is hidden and the corners that must go down can each lose one
    (slack ≥ 1), the cell can move by one unit: its feasible interval is at least 1 wide. All
    boxes through the cell are checked at once by broadcasting. ``hid``/``slack`` are the
    interior arrays (no margins); ``slack`` = value − attacker's lower bound.
    """
    nd = hid.ndim
    alts = [np.array([x for x in range(hid.shape[a]) if x != cell[a]]) for a in range(nd)]
    if any(len(a_) == 0 for a_ in alts):
        return False
    all_hidden = None
    ok_up = None  # cell +1: opposite-sign corners lose one
    ok_dn = None  # cell −1: same-sign corners (cell included) lose one
    import itertools

    for s_ in itertools.product((0, 1), repeat=nd):
        idx = np.ix_(*[np.array([cell[a]]) if s_[a] == 0 else alts[a] for a in range(nd)])
        h = hid[idx]
        sl = slack[idx] >= 1
        all_hidden = h if all_hidden is None else (all_hidden & h)
        if sum(s_) % 2:  # opposite sign to the cell
            ok_up = sl if ok_up is None else (ok_up & sl)
        else:
            ok_dn = sl if ok_dn is None else (ok_dn & sl)
    return bool((all_hidden & (ok_up | ok_dn)).any())


def _lp_protected(vals, hidden, unknown, eqs, comp_of, comps, cells, min_width, probes: int = 8) -> dict:
    """For each cell in ``cells``: True when its LP feasible interval is ≥ ``min_width`` wide.
    One LP (max) usually settles it, since the true value is feasible."""
    lb_hidden = 0.0 if (hidden & (vals == 0)).any() else 1.0
    out = {}
    built = {}
    probed: set = set()
    for c in cells:
        root = comp_of[c]
        if root not in built:
            built[root] = _component_system(comps[root], eqs, vals, hidden, lb_hidden)
        pos, a, b, bounds = built[root]
        if c in out:
            continue
        if root not in probed:
            # LPs that push the still-unsettled hidden cells of the component, each up or down
            # at random, certify many cells at once: the true values are feasible, so a
            # feasible point differing from them by ≥ min_width in a cell shows that cell's
            # interval is at least that wide. Probing goes on while it settles new cells (a
            # few random objectives first, as before). Deterministic seed.
            probed.add(root)
            rng = np.random.default_rng(len(pos))
            comp_cells = list(pos)
            truth = vals[np.array(comp_cells)]
            want = set(cells) & set(comp_cells)
            a_sp = None if a is None else csr_matrix(a)
            misses = 0
            for i_probe in range(probes + 4 * len(want)):
                pending = [x_ for x_ in comp_cells if x_ in want and x_ not in out]
                if not pending or misses >= 3:
                    break
                if i_probe < probes:
                    obj = rng.standard_normal(len(pos))
                else:
                    obj = np.zeros(len(pos))
                    obj[[pos[x_] for x_ in pending]] = rng.choice((-1.0, 1.0), size=len(pending))
                res = linprog(obj, A_eq=a_sp, b_eq=b, bounds=bounds, method="highs")
                if res.status != 0:
                    misses += 1
                    continue
                moved = np.abs(res.x - truth) >= min_width - 1e-9
                before = len(out)
                for x_, m_ in zip(comp_cells, moved):
                    if m_ and hidden[x_]:
                        out[x_] = True
                misses = 0 if len(out) > before else misses + 1
            if c in out:
                continue
        obj = np.zeros(len(pos))
        obj[pos[c]] = -1.0
        hi = linprog(obj, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        up = np.inf if hi.status == 3 else (-hi.fun if hi.status == 0 else vals[c])
        if up - vals[c] >= min_width - 1e-9:
            out[c] = True
            continue
        obj[pos[c]] = 1.0
        lo = linprog(obj, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        low = lo.fun if lo.status == 0 else vals[c]
        out[c] = (up - low) >= min_width - 1e-9
    return out


def suppress_cube(
    counts: np.ndarray,
    labels: list,
    dims: tuple,
    k: int = DEFAULT_K,
    min_width: float = 1.0,
    total_label: str = "Tổng",
    max_rounds: int | None = None,
    forced: np.ndarray | None = None,
    frozen: np.ndarray | None = None,
    cache_dir: str | None = None,
) -> SuppressedCube:
    """Primary + complementary suppression of an N-D count table against **all** its margins,
    audited by LP (``scipy.optimize.linprog``) on every hidden cell.

    Inputs: ``counts`` — int ndarray without margins (e.g. district × category × year),
    ``labels`` — list of label lists per axis, ``dims`` — axis names, ``k``, ``min_width``;
    ``forced`` / ``frozen`` — bool arrays over the table *with* margins: cells that must be
    hidden / must stay as they are (used to keep a margin plane shared by several cubes, e.g.
    the district × year totals, identical in all of them); ``cache_dir`` — folder where the
    suppression *pattern* (never a count) is cached under a hash of the inputs.
    Output: :class:`SuppressedCube` (margins appended, label ``total_label``).
    Raises ValueError when the frozen cells make protection impossible.
    """
    arr = np.asarray(counts, dtype=float)
    if (arr < 0).any() or not np.allclose(arr, np.round(arr)):
        raise ValueError("disclosure: counts must be non-negative integers")
    full = arr
    for ax in range(arr.ndim):
        full = np.concatenate([full, full.sum(axis=ax, keepdims=True)], axis=ax)
    shape = full.shape
    vals = full.ravel()
    n = vals.size
    labs = [list(lab) + [total_label] for lab in labels]
    key = None
    if cache_dir:
        import hashlib

        h = hashlib.sha256(b"sdc-cube-v1")
        for part in (
            full.astype(np.int64),
            None if forced is None else forced.astype(bool),
            None if frozen is None else frozen.astype(bool),
        ):
            h.update(b"|" if part is None else part.tobytes() + str(part.shape).encode())
        h.update(f"{k}|{min_width}".encode())
        key = Path(cache_dir) / f"{h.hexdigest()}.npz"
        if key.exists():
            z = np.load(key, allow_pickle=False)
            return SuppressedCube(
                dims=tuple(dims),
                labels=labs,
                counts=full.astype(np.int64),
                hidden=z["hidden"],
                reason=z["reason"].astype(object),
                k=k,
                audit=pd.DataFrame({"cell": z["ok"], "protected": True}),
                iterations=int(z["rounds"]),
            )
    eqs = _cube_equations(shape)
    hidden = (vals > 0) & (vals < k)
    reason = np.where(hidden, "primary", "").astype(object)
    if forced is not None:
        f = np.asarray(forced, dtype=bool).ravel()
        reason[f & ~hidden] = "complementary"
        hidden |= f
    frz = np.zeros(n, dtype=bool) if frozen is None else np.asarray(frozen, dtype=bool).ravel() & ~hidden
    interior = np.ones(shape, dtype=bool)
    for ax in range(len(shape)):
        idx = [slice(None)] * len(shape)
        idx[ax] = shape[ax] - 1
        interior[tuple(idx)] = False
    interior = interior.ravel()
    eqs_of: dict[int, list[int]] = {}
    for e_no, eq in enumerate(eqs):
        for c in eq:
            eqs_of.setdefault(int(c), []).append(e_no)

    def best(cands):
        cands = [c for c in cands if not frz[c]]
        inner = [c for c in cands if interior[c]]
        pool = [c for c in inner if vals[c] > 0] or inner or list(cands)
        return min(pool, key=lambda c: (vals[c], c)) if pool else None

    def close_equations():
        changed = True
        while changed:
            changed = False
            for eq in eqs:
                h = hidden[eq]
                if h.sum() == 1:
                    c = best([int(x) for x in eq if not hidden[x]])
                    if c is not None:
                        hidden[c] = True
                        reason[c] = "complementary"
                        changed = True

    known_ok: set[int] = set()
    rounds = 0
    max_rounds = max_rounds or n + 2
    while True:
        rounds += 1
        close_equations()
        hid = np.flatnonzero(hidden)
        comps = {}
        comp_of = {}
        for comp in _components(hid, eqs):
            r = comp[0]
            comps[r] = comp
            for c in comp:
                comp_of[c] = r
        todo = [int(c) for c in hid if int(c) not in known_ok]
        res = {}
        if min_width <= 1:
            inner_sl = tuple(slice(0, n_ - 1) for n_ in shape)
            h_in = hidden.reshape(shape)[inner_sl]
            lb = 0.0 if (hidden & (vals == 0)).any() else 1.0
            s_in = vals.reshape(shape)[inner_sl] - lb
            for c in todo:
                if interior[c] and _box_protected(h_in, s_in, np.unravel_index(c, shape)):
                    res[c] = True
        rest = [c for c in todo if c not in res]
        res.update(_lp_protected(vals, hidden, hidden, eqs, comp_of, comps, rest, min_width))
        known_ok |= {c for c, ok in res.items() if ok}
        bad = [c for c, ok in res.items() if not ok]
        if not bad:
            break
        if rounds >= max_rounds:
            raise ValueError("disclosure: could not protect the cube")
        progressed = False
        for c in bad:
            cands = {int(x) for e in eqs_of[c] for x in eqs[e] if not hidden[x]}
            cc = best(sorted(cands))
            if cc is not None:
                hidden[cc] = True
                reason[cc] = "complementary"
                progressed = True
        if not progressed:
            raise ValueError("disclosure: the cube cannot be protected")
    aud = pd.DataFrame({"cell": sorted(known_ok), "protected": True})
    if key is not None:
        with atomic_path(key) as tmp, open(tmp, "wb") as fh:
            np.savez(
                fh,
                hidden=hidden.reshape(shape),
                reason=reason.reshape(shape).astype(str),
                ok=np.array(sorted(known_ok), dtype=np.int64),
                rounds=rounds,
            )
    return SuppressedCube(
        dims=tuple(dims),
        labels=labs,
        counts=full.astype(np.int64),
        hidden=hidden.reshape(shape),
        reason=reason.reshape(shape),
        k=k,
        audit=aud,
        iterations=rounds,
    )


def audit_cube(cube: SuppressedCube, min_width: float = 1.0) -> pd.DataFrame:
    """Independent attacker on a whole cube: LP min and max of every hidden cell given every
    shown cell and margin (non-negativity; ≥ 1 when no zero is hidden). Output: DataFrame
    ``cell`` (tuple of labels), ``reason``, ``lower``, ``upper``, ``width``, ``protected``."""
    vals = cube.counts.ravel().astype(float)
    hidden = cube.hidden.ravel()
    eqs = _cube_equations(cube.counts.shape)
    interior = np.zeros(vals.size, dtype=bool)
    aud = _audit_arrays(vals, hidden, hidden, interior, eqs, min_width)
    shape = cube.counts.shape
    aud.insert(
        0, "cell", [tuple(cube.labels[ax][i] for ax, i in enumerate(np.unravel_index(c, shape))) for c in aud.index]
    )
    aud.insert(1, "reason", [cube.reason.ravel()[c] for c in aud.index])
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


# --------------------------------------------------------------------------- guards

_ID_NAME = re.compile(
    r"(^|[_\s-])(id|ids|code_id|case|survivor_code|ma_ho_so|identifier)($|[_\s-])"
    r"|^id_|_id$|^case_?id$",
    re.IGNORECASE,
)
_DATE_NAME = re.compile(r"(^|_)dates?($|_)", re.IGNORECASE)
CASE_ID_RE = re.compile(r"GBV-[A-Z]{1,6}-\d{4}-\d{3,}")


def guard_no_identifiers(df: pd.DataFrame) -> pd.DataFrame:
    """Raise :class:`DisclosureError` if ``df`` could identify a person; else return ``df``.

    Refused: a column (or index level) named like an identifier (``case_id``, ``*_id``,
    ``id``), a column named like a raw date (``incident_date``, ``report_date``), a datetime
    column, or any cell that looks like a case id (``GBV-<unit>-<year>-<nnnn>``).
    """
    names = [str(c) for c in df.columns] + [str(n) for n in df.index.names if n is not None]
    for nme in names:
        if _ID_NAME.search(nme):
            raise DisclosureError(f"identifier-like column {nme!r} cannot be shown in a report")
        if _DATE_NAME.search(nme):
            raise DisclosureError(f"raw date column {nme!r} cannot be shown in a report")
    for c in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[c]):
            raise DisclosureError(f"datetime column {c!r} cannot be shown in a report")
    for c in df.columns:
        s = df[c]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            if s.astype(str).str.contains(CASE_ID_RE, na=False).any():
                raise DisclosureError(f"column {c!r} holds case identifiers")
    if df.index.dtype == object or pd.api.types.is_string_dtype(df.index):
        if pd.Series(df.index.astype(str)).str.contains(CASE_ID_RE).any():
            raise DisclosureError("table index holds case identifiers")
    return df


_TABLE_RE = re.compile(r"<table\b.*?</table>", re.IGNORECASE | re.DOTALL)
_CELL_RE = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.IGNORECASE | re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_INT_RE = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})*$|^\d+$")


def scan_html_for_disclosure(html_text: str, k: int = DEFAULT_K) -> list[dict]:
    """Scan rendered report HTML for disclosure risks.

    Inputs: HTML text, threshold ``k``. Output: list of findings, each a dict with ``kind``
    (``'case_id'`` or ``'small_count'``), ``text`` and ``where`` (table number for counts).
    A small count is a table cell whose whole text is an integer in 1 … k−1 (so percentages,
    rates with decimals, years and labels such as ``0–3`` are not counts). An empty list
    means the page passed.
    """
    findings = []
    for m in CASE_ID_RE.finditer(html_text):
        findings.append({"kind": "case_id", "text": m.group(0), "where": m.start()})
    for t_no, tm in enumerate(_TABLE_RE.finditer(html_text)):
        for cm in _CELL_RE.finditer(tm.group(0)):
            txt = _html.unescape(_TAG_RE.sub("", cm.group(1))).strip()
            if _INT_RE.match(txt):
                v = int(re.sub(r"[.,\s]", "", txt))
                if 0 < v < k:
                    findings.append({"kind": "small_count", "text": txt, "where": f"table {t_no}"})
    return findings
