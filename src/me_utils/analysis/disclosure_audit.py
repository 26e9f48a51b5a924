"""The attacker's view of a suppressed table or cube: the margin equations, exact bounds of
every hidden cell by max-flow (2-D tables) or linear programming (``scipy.optimize.linprog``,
HiGHS) over connected groups of hidden cells, and the quick box test used before the LP on
cubes. Works on flat arrays (values, hidden/unknown masks); the table and cube types use it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from scipy.sparse import csr_matrix


def margin_equations(nr: int, nc: int, row_totals: bool, col_totals: bool) -> list[np.ndarray]:
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


def components(unknown_idx: np.ndarray, eqs: list[np.ndarray]) -> list[list[int]]:
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


def flow_audit(vals, hidden, unknown, nr, nc, min_width, exact=True, known_ok=()) -> pd.DataFrame:
    """Exact bounds of every hidden cell by max-flow (same answer as the LP, much faster).

    A 2-D table with row, column and grand totals is a circulation: nodes R_i (rows), C_j
    (columns), S and T; cell (i, j) is an arc R_i→C_j, row total S→R_i, column total C_j→T,
    grand total T→S. Published arcs are fixed; an unknown arc with value x and lower bound
    lb can grow without limit and shrink by x − lb. The largest increase of arc u→v is the
    max flow v→u in that residual graph without the arc; the largest decrease is the max flow
    u→v, capped by x − lb. Row/column constraints are totally unimodular, so these integer
    bounds equal the LP bounds of :func:`audit_arrays` (tests check that they agree).
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


def component_system(comp, eqs, vals, hidden, lb_hidden):
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


def audit_arrays(vals, hidden, unknown, interior, eqs, min_width) -> pd.DataFrame:
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
    for comp in components(unknown_idx, eqs):
        pos, a, b, bounds = component_system(comp, eqs, vals, hidden, lb_hidden)
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


def cube_equations(shape: tuple) -> list[np.ndarray]:
    """Every line of an N-D table with margins: along each axis, for each position of the
    others (margins included), the interior cells sum to the margin cell (listed last)."""
    flat = np.arange(int(np.prod(shape))).reshape(shape)
    eqs = []
    for ax in range(len(shape)):
        moved = np.moveaxis(flat, ax, -1).reshape(-1, shape[ax])
        eqs.extend(row for row in moved)
    return eqs


def box_protected(hid: np.ndarray, slack: np.ndarray, cell: tuple) -> bool:
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


def lp_protected(vals, hidden, unknown, eqs, comp_of, comps, cells, min_width, probes: int = 8) -> dict:
    """For each cell in ``cells``: True when its LP feasible interval is ≥ ``min_width`` wide.
    One LP (max) usually settles it, since the true value is feasible."""
    lb_hidden = 0.0 if (hidden & (vals == 0)).any() else 1.0
    out = {}
    built = {}
    probed: set = set()
    for c in cells:
        root = comp_of[c]
        if root not in built:
            built[root] = component_system(comps[root], eqs, vals, hidden, lb_hidden)
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
