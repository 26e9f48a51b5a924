"""Linked tables: an N-dimensional count cube (district × category × year) with every margin,
suppressed and audited once (:func:`suppress_cube`, :func:`audit_cube`) so that every report
shows 2-D slices (:meth:`SuppressedCube.slice2d`) of one pattern. Suppression patterns (never
counts) may be cached on disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.analysis.disclosure_audit import audit_arrays, box_protected, components, cube_equations, lp_protected
from me_utils.analysis.disclosure_table import DEFAULT_K, SuppressedTable
from me_utils.core.atomic import atomic_path


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
    if arr.ndim > 1 and 1 in arr.shape:
        # e.g. a phase with one year of data so far: along a length-one axis the margin *is*
        # the cell, so the axis only adds copies that would be treated as more published cells
        return _squeezed(arr, labels, dims, k, min_width, total_label, max_rounds, forced, frozen, cache_dir)
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
    eqs = cube_equations(shape)
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
        for comp in components(hid, eqs):
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
                if interior[c] and box_protected(h_in, s_in, np.unravel_index(c, shape)):
                    res[c] = True
        rest = [c for c in todo if c not in res]
        res.update(lp_protected(vals, hidden, hidden, eqs, comp_of, comps, rest, min_width))
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


def _squeezed(arr, labels, dims, k, min_width, total_label, max_rounds, forced, frozen, cache_dir) -> SuppressedCube:
    """:func:`suppress_cube` of a table with axes of length one: suppressed without them
    (same equations: each dropped cell equals its margin), the pattern copied to cell and margin."""
    one = [ax for ax in range(arr.ndim) if arr.shape[ax] == 1]
    keep = [ax for ax in range(arr.ndim) if ax not in one]
    full = arr
    for ax in range(arr.ndim):
        full = np.concatenate([full, full.sum(axis=ax, keepdims=True)], axis=ax)
    labs = [list(lab) + [total_label] for lab in labels]
    if not keep:  # a single cell: the primary rule alone
        h = np.full(full.shape, bool(0 < arr.ravel()[0] < k))
        cells = np.arange(full.size)[h.ravel()]
        return SuppressedCube(
            dims=tuple(dims),
            labels=labs,
            counts=full.astype(np.int64),
            hidden=h,
            reason=np.where(h, "primary", "").astype(object),
            k=k,
            audit=pd.DataFrame({"cell": cells, "protected": True}),
            iterations=0,
        )
    take = tuple(0 if ax in one else slice(None) for ax in range(arr.ndim))
    sub = suppress_cube(
        arr[take],
        [labels[ax] for ax in keep],
        tuple(dims[ax] for ax in keep),
        k=k,
        min_width=min_width,
        total_label=total_label,
        max_rounds=max_rounds,
        forced=None if forced is None else np.asarray(forced)[take],
        frozen=None if frozen is None else np.asarray(frozen)[take],
        cache_dir=cache_dir,
    )
    hidden, reason = sub.hidden, sub.reason
    for ax in one:
        hidden = np.repeat(np.expand_dims(hidden, ax), 2, axis=ax)
        reason = np.repeat(np.expand_dims(reason, ax), 2, axis=ax)
    ok = []
    if sub.audit is not None and len(sub.audit):
        for c in sub.audit["cell"].to_numpy(dtype=np.int64):
            pos = list(np.unravel_index(int(c), sub.counts.shape))
            for ax in one:
                pos.insert(ax, 0)
            for copy in range(2 ** len(one)):  # the cell and its margin copies
                p = list(pos)
                for i, ax in enumerate(one):
                    p[ax] = (copy >> i) & 1
                ok.append(int(np.ravel_multi_index(tuple(p), full.shape)))
    return SuppressedCube(
        dims=tuple(dims),
        labels=labs,
        counts=full.astype(np.int64),
        hidden=hidden,
        reason=reason,
        k=k,
        audit=pd.DataFrame({"cell": sorted(ok), "protected": True}),
        iterations=sub.iterations,
    )


def audit_cube(cube: SuppressedCube, min_width: float = 1.0) -> pd.DataFrame:
    """Independent attacker on a whole cube: LP min and max of every hidden cell given every
    shown cell and margin (non-negativity; ≥ 1 when no zero is hidden). Output: DataFrame
    ``cell`` (tuple of labels), ``reason``, ``lower``, ``upper``, ``width``, ``protected``."""
    vals = cube.counts.ravel().astype(float)
    hidden = cube.hidden.ravel()
    eqs = cube_equations(cube.counts.shape)
    interior = np.zeros(vals.size, dtype=bool)
    aud = audit_arrays(vals, hidden, hidden, interior, eqs, min_width)
    shape = cube.counts.shape
    aud.insert(
        0, "cell", [tuple(cube.labels[ax][i] for ax, i in enumerate(np.unravel_index(c, shape))) for c in aud.index]
    )
    aud.insert(1, "reason", [cube.reason.ravel()[c] for c in aud.index])
    return aud.reset_index(drop=True)
