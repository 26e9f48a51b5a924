"""Disclosure control: suppression, LP recovery audit, derived values, guards, HTML scan."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from me_utils.analysis import disclosure as d


def tbl(rows):
    a = np.array(rows)
    return pd.DataFrame(a, index=[f"r{i}" for i in range(a.shape[0])], columns=[f"c{j}" for j in range(a.shape[1])])


def test_primary_only_is_recoverable_and_audit_detects_it():
    # One small cell, no complementary suppression: row total minus the rest gives it back.
    t = tbl([[3, 10, 12], [8, 9, 15], [20, 11, 30]])
    p = d.primary_only(t)
    aud = d.audit(p)
    assert len(aud) == 1
    assert aud.loc[0, "lower"] == aud.loc[0, "upper"] == 3
    assert not aud.loc[0, "protected"]


def test_suppress_hand_example():
    t = tbl([[3, 10, 12], [8, 9, 15], [20, 2, 30]])
    s = d.suppress(t, k=5)
    r = s.reason
    assert r.loc["r0", "c0"] == "primary" and r.loc["r2", "c1"] == "primary"
    # complements: smallest non-zero published cells that close each line: r0/c1 (10), r2/c0 (20)
    assert r.loc["r0", "c1"] == "complementary" and r.loc["r2", "c0"] == "complementary"
    assert s.n_hidden == 4 and s.audit["protected"].all()
    # true values lie inside the audit bounds; the 2x2 cycle moves together by ±t
    a = d.audit(s).set_index(["row", "column"])
    assert a.loc[("r0", "c0"), "lower"] <= 3 <= a.loc[("r0", "c0"), "upper"]
    shown = s.display("vi")
    assert shown.loc["r0", "c0"] == "x" and shown.loc["Tổng", "Tổng"] == "109"
    assert d.scan_html_for_disclosure(shown.to_html()) == []


def test_zero_is_not_sensitive_and_threshold_configurable():
    t = tbl([[0, 10], [7, 9]])
    assert d.suppress(t, k=5).n_hidden == 0
    s = d.suppress(t, k=8)  # now 7 is small
    assert s.reason.loc["r1", "c0"] == "primary" and s.audit["protected"].all()


def test_all_ones_cycle_needs_more_than_four_cells():
    # a 2x2 block of ones: with hidden cells >= 1 known to the attacker, the cycle is rigid,
    # so the audit must force extra suppression.
    t = tbl([[1, 1, 20], [1, 1, 30], [25, 40, 50]])
    s = d.suppress(t)
    assert s.audit["protected"].all()
    assert s.n_hidden > 4


def test_one_way_table_single_small_cell():
    t = pd.DataFrame({"n": [12, 3, 40]}, index=["a", "b", "c"])
    s = d.suppress(t, row_totals=False)
    assert s.reason.loc["b", "n"] == "primary"
    assert s.reason.loc["a", "n"] == "complementary"  # smallest other cell
    assert "Tổng" not in s.display().columns  # row totals not published
    assert s.audit["protected"].all()


def test_hide_derived():
    vals = pd.DataFrame({"c0": [50.0, 20.0], "c1": [10.0, 5.0]}, index=["r0", "r1"])
    num = pd.DataFrame({"c0": [True, False], "c1": [False, False]}, index=["r0", "r1"])
    den = pd.DataFrame({"c0": [False, False], "c1": [False, True]}, index=["r0", "r1"])
    out = d.hide_derived(vals, num, den)
    assert out.isna().to_numpy().tolist() == [[True, False], [False, True]]


def test_show_count():
    assert d.show_count(3) == "dưới 5" and d.show_count(3, lang="en") == "fewer than 5"
    assert d.show_count(0) == "0" and d.show_count(1234) == "1.234"


def test_guard_refuses_identifiers_and_dates():
    with pytest.raises(d.DisclosureError):
        d.guard_no_identifiers(pd.DataFrame({"case_id": ["x"], "n": [5]}))
    with pytest.raises(d.DisclosureError):
        d.guard_no_identifiers(pd.DataFrame({"survivor_id": ["x"]}))
    with pytest.raises(d.DisclosureError):
        d.guard_no_identifiers(pd.DataFrame({"report_date": ["2023-01-01"]}))
    with pytest.raises(d.DisclosureError):
        d.guard_no_identifiers(pd.DataFrame({"when": pd.to_datetime(["2023-01-01"])}))
    with pytest.raises(d.DisclosureError):
        d.guard_no_identifiers(pd.DataFrame({"note": ["see GBV-MC-2023-0001"]}))
    # A case id anywhere in a column (after missing cells, in the last row) or in the index.
    with pytest.raises(d.DisclosureError, match="note"):
        d.guard_no_identifiers(pd.DataFrame({"note": [None, float("nan"), "a", "GBV-SC-2024-017"]}))
    with pytest.raises(d.DisclosureError, match="index"):
        d.guard_no_identifiers(pd.DataFrame({"n": [5, 6]}, index=["Mộc Châu", "GBV-QN-2021-0042"]))
    # Cells are searched one by one: ids split across two cells are not one id.
    split = pd.DataFrame({"a": ["GBV-MC-", "2023-0001"]})
    assert d.guard_no_identifiers(split) is split
    ok = pd.DataFrame({"unit_code": ["MC"], "Số vụ": ["12"], "Khoảng thời gian (ngày)": ["0–3"]})
    assert d.guard_no_identifiers(ok) is ok


def test_scan_html_finds_case_ids_and_small_counts_only_in_tables():
    html = """<p>Năm 2023 có 3 báo cáo</p>
    <table><thead><tr><th>Huyện</th><th>Số vụ</th><th>Tỷ lệ</th></tr></thead>
    <tbody><tr><td>Mộc Châu</td><td>4</td><td>3,5%</td></tr>
    <tr><td>Yên Châu</td><td><b>12</b></td><td>1,2</td></tr>
    <tr><td>Năm</td><td>2023</td><td>0–3</td></tr>
    <tr><td>Phù Yên</td><td>x</td><td>1.234</td></tr></tbody></table>
    <div>GBV-MC-2023-0007</div>"""
    f = d.scan_html_for_disclosure(html, k=5)
    kinds = sorted((x["kind"], x["text"]) for x in f)
    assert kinds == [("case_id", "GBV-MC-2023-0007"), ("small_count", "4")]
    assert (
        d.scan_html_for_disclosure(html.replace("<td>4</td>", "<td>x</td>").replace("GBV-MC-2023-0007", ""), k=5) == []
    )


def test_suppression_log_has_no_small_bare_numbers():
    s = d.suppress(tbl([[3, 10, 12], [8, 9, 15], [20, 2, 30]]), name="Bảng 1")
    log = d.suppression_log([s], lang="vi")
    assert log.iloc[0]["Ô ẩn sơ cấp"] == "2 ô"
    assert "r0 × c0 (sơ cấp)" in log.iloc[0]["Các ô bị ẩn"]
    assert d.scan_html_for_disclosure(log.to_html()) == []


def test_bad_counts_rejected():
    with pytest.raises(ValueError):
        d.suppress(tbl([[1.5, 2]]))
    with pytest.raises(ValueError):
        d.suppress(tbl([[-1, 2]]))


counts = st.integers(min_value=0, max_value=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=counts), st.integers(2, 6))
def test_property_no_hidden_cell_recoverable_after_suppression(a, k):
    t = tbl(a.tolist())
    s = d.suppress(t, k=k)
    # every primary cell is hidden, zeros never primary
    small = (a > 0) & (a < k)
    assert (s.reason.iloc[:-1, :-1].to_numpy() == "primary").tolist() == small.tolist()
    # re-audit from scratch (independent of the loop inside suppress). Row/column margin
    # constraints are totally unimodular, so the LP bounds are also the integer bounds.
    aud = d.audit(s)
    assert len(aud) == s.n_hidden
    if len(aud):
        assert aud["protected"].all()
        # the true value always lies within the attacker's bounds
        for r in aud.itertuples():
            v = s.counts.loc[r.row, r.column]
            assert r.lower - 1e-6 <= v <= r.upper + 1e-6
    # no table rendered from it shows a small count
    assert [f for f in d.scan_html_for_disclosure(s.display().to_html(), k) if f["kind"] == "small_count"] == []


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.int64, st.tuples(st.integers(2, 5), st.integers(2, 5)), elements=st.integers(5, 30)),
    st.integers(0, 24),
    st.integers(1, 4),
)
def test_property_single_primary_cell_without_complement_is_detected(a, pos, small):
    a = a.copy()
    i, j = divmod(pos % a.size, a.shape[1])
    a[i, j] = small
    p = d.primary_only(tbl(a.tolist()))
    aud = d.audit(p)
    assert len(aud) == 1 and not aud.loc[0, "protected"]
    assert aud.loc[0, "lower"] == pytest.approx(small) and aud.loc[0, "upper"] == pytest.approx(small)


@settings(max_examples=40, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 5), st.integers(1, 5)), elements=counts))
def test_property_maxflow_bounds_equal_lp_bounds(a):
    s = d.suppress(tbl(a.tolist()), k=5, exact_bounds=True)
    lp = d.audit(s)
    assert len(lp) == len(s.audit)
    if len(lp):
        assert np.allclose(s.audit["lower"].to_numpy(dtype=float), lp["lower"].to_numpy(dtype=float))
        up_f, up_l = s.audit["upper"].to_numpy(dtype=float), lp["upper"].to_numpy(dtype=float)
        assert np.array_equal(np.isinf(up_f), np.isinf(up_l))
        assert np.allclose(up_f[~np.isinf(up_f)], up_l[~np.isinf(up_l)])
        assert (s.audit["protected"].to_numpy() == lp["protected"].to_numpy()).all()


def test_protect_proportion_hides_small_numerator_complement_or_denominator():
    m = d.protect_proportion([3, 48, 30, 0, 3, 0], [40, 50, 60, 20, 4, 0])
    assert m["hide_numerator"].tolist() == [True, True, False, False, True, False]
    assert m["hide_denominator"].tolist() == [False, False, False, False, True, False]
    assert m["hide_value"].tolist() == [True, True, False, False, True, True]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays(np.int64, st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 3)), elements=st.integers(0, 9)))
def test_property_cube_no_hidden_cell_recoverable_from_all_margins(a):
    labels = [list(range(n)) for n in a.shape]
    cube = d.suppress_cube(a, labels, ("u", "c", "y"), k=5)
    full_primary = (cube.counts > 0) & (cube.counts < 5)
    assert (cube.hidden | ~full_primary).all()  # every small count, margins included, is hidden
    aud = d.audit_cube(cube)  # independent LP over every cell and margin of the cube
    assert len(aud) == int(cube.hidden.sum())
    if len(aud):
        assert aud["protected"].all()


def test_cube_single_primary_without_complement_is_recoverable():
    a = np.full((3, 2, 2), 10)
    a[1, 0, 1] = 2
    cube = d.suppress_cube(a, [[0, 1, 2], [0, 1], [0, 1]], ("u", "c", "y"), k=5)
    # undo the complementary cells: the audit must then catch the lone primary cell
    cube.hidden = cube.reason == "primary"
    aud = d.audit_cube(cube)
    small = aud[aud["cell"] == (1, 0, 1)]
    assert not small["protected"].iloc[0]
    assert small["lower"].iloc[0] == small["upper"].iloc[0] == 2


def test_cube_slices_share_one_pattern_and_forced_plane():
    rng = np.random.default_rng(3)
    a = rng.poisson(4, size=(5, 3, 3))
    plane = d.suppress_cube(a.sum(axis=1), [list(range(5)), list(range(3))], ("u", "y"), k=5)
    forced = np.zeros((6, 4, 4), dtype=bool)
    frozen = np.zeros((6, 4, 4), dtype=bool)
    forced[:, -1, :] = plane.hidden
    frozen[:, -1, :] = ~plane.hidden
    cube = d.suppress_cube(
        a, [list(range(5)), list(range(3)), list(range(3))], ("u", "c", "y"), k=5, forced=forced, frozen=frozen
    )
    assert (cube.hidden[:, -1, :] == plane.hidden).all()  # the shared plane is identical
    assert d.audit_cube(cube)["protected"].all()
    st_ = cube.table("c", "y", {"u": 2})
    assert st_.counts.shape == (4, 4) and st_.audit["protected"].all()
    assert (st_.hidden.to_numpy() == cube.hidden[2]).all()


def test_cube_cache_reuses_pattern(tmp_path):
    a = np.array([[[3, 9], [8, 7]], [[6, 6], [2, 12]]])
    c1 = d.suppress_cube(a, [[0, 1], [0, 1], [0, 1]], ("u", "c", "y"), cache_dir=str(tmp_path))
    files = list(tmp_path.glob("*.npz"))
    assert len(files) == 1 and list(tmp_path.iterdir()) == files  # no temporary file left behind
    c2 = d.suppress_cube(a, [[0, 1], [0, 1], [0, 1]], ("u", "c", "y"), cache_dir=str(tmp_path))
    assert (c1.hidden == c2.hidden).all() and (c1.reason == c2.reason).all()
    raw = np.load(files[0])
    assert set(raw.files) == {"hidden", "reason", "ok", "rounds"}  # a pattern, never a count
