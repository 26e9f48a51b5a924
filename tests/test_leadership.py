"""Leadership module: real figures, Wilson intervals, term logic, funnel limits, input errors.

Every expected value is worked out independently of the code under test: Wilson bounds by the
closed formula (and as roots of the score equation, hard-coded to 4 decimals), the Newcombe
hybrid interval by hand from those bounds, the score test by the pooled-variance formula,
Fisher's test by summing hypergeometric probabilities, funnel limits from scipy's binomial
quantiles.
"""
from __future__ import annotations

import hashlib
import math
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from me_utils import leadership as L

Z = stats.norm.ppf(0.975)


def wilson(x, n, z=Z):
    # Wilson (1927) closed form, written out here so the test does not trust me_utils.intervals.
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


# ----------------------------------------------------------------------------- reference figures

# Son La 2021–2026 (indicators-and-targets.md §7.4) and national NA XV (§8); Wilson bounds are
# the roots of (p̂ − p)² = z²p(1 − p)/n, solved separately with numpy and rounded to 4 decimals.
REAL = {
    "SL_HDND_PROVINCE_2021": (23, 65, 35.38, 0.2488, 0.4752),
    "SL_HDND_DISTRICT_2021": (152, 405, 37.53, 0.3295, 0.4234),
    "SL_HDND_COMMUNE_2021": (1898, 4590, 41.35, 0.3993, 0.4278),
    "SL_NA_2021": (1, 7, 14.29, 0.0257, 0.5131),
}


@pytest.fixture(scope="module")
def reference():
    return L.load_reference()


def test_reference_file_holds_the_real_figures_with_sources(reference):
    ref = reference.set_index("figure_id")
    for fid, (x, n, pct, _, _) in REAL.items():
        row = ref.loc[fid]
        assert (row["women"], row["total"]) == (x, n)
        assert row["share_pct"] == pct and round(100 * x / n, 2) == pct
        assert row["verification"] == "VERIFIED"
        assert row["source_url"].startswith("http") and row["source_title"]
        assert row["term"] == "2021-2026"
    assert ref.loc["VN_NA_XV", "share_pct"] == 30.26
    assert ref.loc["VN_NA_XIV", "share_pct"] == 26.7 and ref.loc["VN_NA_XIV", "term"] == "2016-2021"
    assert (reference["source_url"].str.len() > 0).all()


def test_reference_wilson_intervals_match_closed_form_to_4_decimals(reference):
    shares = L.reference_council_shares(reference).set_index("figure_id")
    for fid, (x, n, _, lo4, hi4) in REAL.items():
        lo, hi = wilson(x, n)
        assert round(lo, 4) == lo4 and round(hi, 4) == hi4  # formula agrees with the roots
        got_lo, got_hi = shares.loc[fid, "ci_low"] / 100, shares.loc[fid, "ci_high"] / 100
        assert round(got_lo, 4) == lo4 and round(got_hi, 4) == hi4
        assert math.isclose(got_lo, lo, abs_tol=1e-10) and math.isclose(got_hi, hi, abs_tol=1e-10)
    # A published share without counts gets no interval rather than an invented one.
    assert math.isnan(shares.loc["VN_NA_XIV", "ci_low"])


def test_reference_file_rejects_a_share_that_disagrees_with_counts(tmp_path, reference):
    bad = pd.read_csv(L.paths.reference_dir() / L.REFERENCE_FILE, dtype=str, keep_default_na=False)
    bad.loc[0, "share_pct"] = "36.38"
    p = tmp_path / "ref.csv"
    bad.to_csv(p, index=False)
    with pytest.raises(L.LeadershipDataError) as e:
        L.load_reference(p)
    msg = str(e.value)
    assert "ref.csv" in msg and "row 2" in msg and "share_pct" in msg and "35.38" in msg


def test_reference_file_requires_a_source(tmp_path):
    bad = pd.read_csv(L.paths.reference_dir() / L.REFERENCE_FILE, dtype=str, keep_default_na=False)
    bad.loc[2, "source_url"] = ""
    p = tmp_path / "ref.csv"
    bad.to_csv(p, index=False)
    with pytest.raises(L.LeadershipDataError, match=r"row 4, column source_url"):
        L.load_reference(p)


# ----------------------------------------------------------------------------- councils


def write(tmp_path, name, frame):
    p = tmp_path / name
    frame.to_csv(p, index=False)
    return p


def councils_frame():
    # Two terms; provincial council plus two districts at district and commune level.
    rows = [
        ("2016-2021", "province", "SL", 60, 16, 10),
        ("2021-2026", "province", "SL", 65, 23, 15),
        ("2016-2021", "district", "QN", 30, 9, 6),
        ("2021-2026", "district", "QN", 35, 12, 8),
        ("2016-2021", "district", "SC", 30, 6, 5),
        ("2021-2026", "district", "SC", 30, 11, 9),
        ("2016-2021", "commune", "QN", 300, 100, 70),
        ("2021-2026", "commune", "QN", 310, 130, 90),
        ("2016-2021", "commune", "SC", 250, 80, 70),
        ("2021-2026", "commune", "SC", 260, 100, 85),
    ]
    df = pd.DataFrame(rows, columns=["term", "level", "unit_code", "seats", "women", "ethnic_minority_women"])
    df["data_status"] = "illustrative"
    return df


@pytest.fixture()
def councils(tmp_path):
    return L.read_councils(write(tmp_path, "councils.csv", councils_frame()))


def test_council_shares_pool_districts_for_the_province(councils):
    s = L.council_shares(councils, "SL").set_index(["level", "term"])
    r = s.loc[("district", "2021-2026")]
    assert (r["seats"], r["women"], r["ethnic_minority_women"]) == (65, 23, 17)
    assert math.isclose(r["share_pct"], 100 * 23 / 65)
    lo, hi = wilson(23, 65)
    assert math.isclose(r["ci_low"], 100 * lo) and math.isclose(r["ci_high"], 100 * hi)
    elo, ehi = wilson(17, 65)
    assert math.isclose(r["em_share_pct"], 100 * 17 / 65) and math.isclose(r["em_ci_low"], 100 * elo)
    assert math.isclose(r["em_ci_high"], 100 * ehi)
    assert math.isclose(r["em_of_women_pct"], 100 * 17 / 23)
    assert s.loc[("commune", "2016-2021"), "women"] == 180
    assert list(s.index.get_level_values(0).unique()) == ["province", "district", "commune"]


def test_council_shares_for_one_district_exclude_the_provincial_council(councils):
    s = L.council_shares(councils, "SC")
    assert set(s["level"]) == {"district", "commune"}
    assert s.set_index(["level", "term"]).loc[("district", "2021-2026"), "women"] == 11


# ----------------------------------------------------------------------------- term logic


def test_a_within_term_yearly_series_gets_no_trend():
    yearly = pd.DataFrame({"year": [2021, 2022, 2023, 2024, 2025], "women": [23, 23, 24, 24, 25],
                           "seats": [65, 65, 65, 64, 65]})
    ans = L.council_trend(yearly)
    assert isinstance(ans, L.NotApplicable) and ans.applicable is False
    assert "2021–2026" in ans.text("vi") and "Không áp dụng" in ans.text("vi")
    assert "Not applicable" in ans.text("en") and "Compare terms" in ans.text("en")


def test_trend_for_a_term_indicator_refuses_without_calling_the_fitter(monkeypatch):
    from me_utils import trends

    def boom(*a, **k):  # pragma: no cover - must not run
        raise AssertionError("a trend was fitted for a term indicator")

    obs = pd.DataFrame({"year": [2021, 2022, 2023], "numerator": [23, 24, 25], "denominator": [65, 65, 65]})
    with monkeypatch.context() as m:
        m.setattr(trends, "choose_and_fit", boom)
        ans = L.trend_or_refusal(obs, periodicity="term")
    assert isinstance(ans, L.NotApplicable) and not ans.applicable
    # A yearly indicator does get a fitted binomial trend; its slope has the sign of the data.
    fit = L.trend_or_refusal(obs, periodicity="annual")
    assert "binomial" in fit.model and fit.params[1] > 0
    one_year = L.trend_or_refusal(obs.head(1), periodicity="annual")
    assert isinstance(one_year, L.NotApplicable) and "at least 2 years" in one_year.text("en")


def test_term_of_year_puts_election_years_in_the_new_term():
    assert L.term_of_year(2021) == "2021-2026" and L.term_of_year(2020) == "2016-2021"
    assert L.term_of_year(2026) == "2026-2031" and L.term_of_year(2025) == "2021-2026"
    with pytest.raises(ValueError):
        L.parse_term("2021-2025")


def newcombe_by_hand(x1, n1, x0, n0):
    p1, p0 = x1 / n1, x0 / n0
    l1, u1 = wilson(x1, n1)
    l0, u0 = wilson(x0, n0)
    d = p1 - p0
    return d - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)


def fisher_two_sided_by_hand(x1, n1, x0, n0):
    # Sum the hypergeometric probabilities of tables no more likely than the observed one.
    m, total = x1 + x0, n1 + n0
    lo, hi = max(0, m - n0), min(m, n1)
    probs = {k: math.comb(n1, k) * math.comb(n0, m - k) / math.comb(total, m) for k in range(lo, hi + 1)}
    obs = probs[x1]
    return sum(p for p in probs.values() if p <= obs * (1 + 1e-7))


@pytest.mark.parametrize("x0,n0,x1,n1", [(16, 60, 23, 65), (1700, 4600, 1898, 4590), (140, 410, 152, 405), (0, 7, 1, 7)])
def test_change_between_terms_matches_hand_computation(x0, n0, x1, n1):
    ch = L.compare_terms(x0, n0, x1, n1, "2016-2021", "2021-2026")
    lo, hi = newcombe_by_hand(x1, n1, x0, n0)
    assert math.isclose(ch.diff_pp, 100 * (x1 / n1 - x0 / n0), abs_tol=1e-9)
    assert math.isclose(ch.ci_low_pp, 100 * lo, abs_tol=1e-7) and math.isclose(ch.ci_high_pp, 100 * hi, abs_tol=1e-7)
    pooled = (x1 + x0) / (n1 + n0)
    z = (x1 / n1 - x0 / n0) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    assert math.isclose(ch.z, z, rel_tol=1e-9)
    assert math.isclose(ch.p_value, 2 * stats.norm.sf(abs(z)), rel_tol=1e-9)
    assert math.isclose(ch.p_exact, fisher_two_sided_by_hand(x1, n1, x0, n0), rel_tol=1e-6)


def test_newcombe_known_value_for_the_provincial_council():
    # 23/65 vs a hypothetical 16/60: hand computation gives −7.49 to +24.15 points.
    ch = L.compare_terms(16, 60, 23, 65)
    assert round(ch.ci_low_pp, 2) == -7.49 and round(ch.ci_high_pp, 2) == 24.15
    assert ch.small_counts is False
    tiny = L.compare_terms(0, 7, 1, 7)  # expected cells below 5: the exact p-value is the one shown
    assert tiny.small_counts and tiny.p_reported == tiny.p_exact


def test_term_changes_compare_consecutive_terms_only(councils):
    shares = L.council_shares(councils, "SL")
    tc = L.term_changes(shares)
    assert list(tc["level"]) == ["province", "district", "commune"]
    assert set(zip(tc["term_from"], tc["term_to"])) == {("2016-2021", "2021-2026")}
    r = tc.set_index("level").loc["commune"]
    lo, hi = newcombe_by_hand(230, 570, 180, 550)
    assert math.isclose(r["ci_low_pp"], 100 * lo, abs_tol=1e-7) and math.isclose(r["ci_high_pp"], 100 * hi, abs_tol=1e-7)
    one_term = L.term_changes(shares[shares["term"] == "2021-2026"])
    assert one_term.empty


# ----------------------------------------------------------------------------- funnel


def test_funnel_limits_against_exact_binomial_quantiles(councils):
    table, od = L.council_funnel(councils, "2021-2026", "district")
    p0 = (12 + 11) / (35 + 30)  # pooled provincial share of district seats
    assert math.isclose(od["theta0"], p0)
    assert list(table["unit"]) == ["QN", "SC"]  # ordered by unit, not by value
    for _, r in table.iterrows():
        n = int(r["denominator"])
        for tail, col in ((0.025, "lower_95"), (0.975, "upper_95"), (0.001, "lower_998"), (0.999, "upper_998")):
            rq = stats.binom.ppf(tail, n, p0)  # smallest r with F(r) ≥ tail
            count_limit = r[col] / 100 * n
            assert rq - 1 - 1e-9 <= count_limit <= rq + 1e-9
            f_r, f_r1 = stats.binom.cdf(rq, n, p0), stats.binom.cdf(rq - 1, n, p0)
            alpha = (f_r - tail) / (f_r - f_r1)
            assert math.isclose(count_limit, rq - alpha, abs_tol=1e-9)


def test_funnel_at_the_real_provincial_share():
    # Limits at p0 = 152/405 for a council of 35 seats, from scipy's binomial quantiles.
    from me_utils.funnel import binomial_limits

    p0 = 152 / 405
    lim = binomial_limits(p0, [35]).iloc[0]
    for tail, col in ((0.025, "lower_95"), (0.975, "upper_95")):
        rq = stats.binom.ppf(tail, 35, p0)
        assert rq - 1 <= lim[col] * 35 <= rq


# ----------------------------------------------------------------------------- yearly indicators


def test_key_leader_and_pool_shares_with_wilson(tmp_path):
    kl = pd.DataFrame({"year": [2021, 2021, 2022, 2022], "unit_code": ["SL", "QN", "SL", "QN"],
                       "agencies": [20, 10, 20, 10], "agencies_with_woman_key_leader": [9, 3, 11, 4],
                       "data_status": "illustrative"})
    k = L.read_key_leaders(write(tmp_path, "key_leaders.csv", kl))
    s = L.key_leader_shares(k, "SL").set_index("year")
    assert (s.loc[2022, "with_woman"], s.loc[2022, "agencies"]) == (15, 30)
    lo, hi = wilson(15, 30)
    assert math.isclose(s.loc[2022, "ci_low"], 100 * lo) and math.isclose(s.loc[2022, "ci_high"], 100 * hi)
    assert L.key_leader_shares(k, "QN").set_index("year").loc[2021, "share_pct"] == 30.0

    pool = pd.DataFrame({"year": [2024, 2025], "unit_code": ["SL", "SL"], "pool_size": [200, 210],
                         "women_in_pool": [70, 84], "women_trained": [50, 70], "data_status": "illustrative"})
    pp = L.planning_pool_shares(L.read_planning_pool(write(tmp_path, "planning_pool.csv", pool)))
    r = pp.set_index("year").loc[2025]
    assert math.isclose(r["share_pct"], 40.0) and math.isclose(r["trained_share_pct"], 100 * 70 / 84)
    tlo, thi = wilson(70, 84)
    assert math.isclose(r["trained_ci_low"], 100 * tlo) and math.isclose(r["trained_ci_high"], 100 * thi)


def test_targets_are_the_programme_targets():
    assert (L.indicator_targets("M1.C1").target_2025, L.indicator_targets("M1.C1").target_2030) == (60.0, 75.0)
    assert (L.indicator_targets("L.2").target_2025, L.indicator_targets("L.2").target_2030) == (40.0, 50.0)
    assert (L.indicator_targets("L.3").target_2025, L.indicator_targets("L.3").target_2030) == (75.0, 90.0)


def test_target_gaps_status():
    t = L.Targets("L.2", 40.0, 50.0, "test", True, "")
    shares = pd.DataFrame({"year": [2024, 2025], "share_pct": [38.0, 42.0], "ci_low": [33.0, 37.0],
                           "ci_high": [43.0, 51.0]})
    g = L.target_gaps(shares, t).set_index("target_year")
    assert g.loc[2025, "status"] == "met" and math.isclose(g.loc[2025, "gap_pp"], 2.0)
    assert g.loc[2030, "status"] == "ci_covers" and math.isclose(g.loc[2030, "gap_pp"], -8.0)
    low = shares.assign(ci_high=[45.0, 46.0])
    assert L.target_gaps(low, t).set_index("target_year").loc[2030, "status"] == "below"


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("mutate,row,col,words", [
    (lambda d: d.assign(women=d["women"].where(d.index != 3, 99)), 5, "women", "exceeds seats"),
    (lambda d: d.assign(term=d["term"].where(d.index != 0, "2021-2025")), 2, "term", "five years"),
    (lambda d: d.assign(unit_code=d["unit_code"].where(d.index != 4, "XX")), 6, "unit_code", "unknown unit"),
    (lambda d: d.assign(seats=d["seats"].astype(str).where(d.index != 6, "ba trăm")), 8, "seats", "not a number"),
    (lambda d: d.assign(level=d["level"].where(d.index != 2, "ward")), 4, "level", "not one of"),
    (lambda d: d.assign(seats=d["seats"].astype(str).where(d.index != 5, "inf")), 7, "seats", "not a finite count"),
    (lambda d: d.assign(ethnic_minority_women=d["ethnic_minority_women"].where(d.index != 1, 40)), 3,
     "ethnic_minority_women", "exceeds women"),
])
def test_bad_council_rows_are_named_and_raw_is_untouched(tmp_path, mutate, row, col, words):
    p = write(tmp_path, "councils.csv", mutate(councils_frame()))
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    with pytest.raises(L.LeadershipDataError) as e:
        L.read_councils(p)
    msg = str(e.value)
    assert "councils.csv" in msg and f"row {row}" in msg and f"column {col}" in msg and words in msg
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before


def test_missing_column_is_reported(tmp_path):
    p = write(tmp_path, "key_leaders.csv", pd.DataFrame({"year": [2021], "unit_code": ["SL"], "agencies": [3]}))
    with pytest.raises(L.LeadershipDataError, match="missing column.*agencies_with_woman_key_leader"):
        L.read_key_leaders(p)


def test_load_leadership_prefers_processed_and_flags_illustrative(tmp_path):
    raw = tmp_path / "raw" / "leadership"
    raw.mkdir(parents=True)
    councils_frame().to_csv(raw / "councils.csv", index=False)
    data = L.load_leadership(tmp_path)
    assert data.files["councils"] == raw / "councils.csv" and data.illustrative
    assert data.key_leaders is None
    proc = tmp_path / "processed" / "leadership"
    proc.mkdir(parents=True)
    councils_frame().assign(data_status="real").to_csv(proc / "councils.csv", index=False)
    data = L.load_leadership(tmp_path)
    assert data.files["councils"] == proc / "councils.csv" and not data.illustrative


def test_demo_2021_totals_equal_the_reference(reference, tmp_path):
    from me_utils import demo

    data_root = tmp_path / "demo"
    assert demo.cli(["--out", str(data_root)]) == 0
    c = L.load_leadership(data_root).councils
    s = L.council_shares(c, "SL", terms=["2021-2026"]).set_index("level")
    ref = reference.set_index("figure_id")
    for level, fid in (("province", "SL_HDND_PROVINCE_2021"), ("district", "SL_HDND_DISTRICT_2021"),
                       ("commune", "SL_HDND_COMMUNE_2021")):
        assert (s.loc[level, "women"], s.loc[level, "seats"]) == (ref.loc[fid, "women"], ref.loc[fid, "total"])
    np.testing.assert_allclose(s["share_pct"].round(2).to_numpy(), [35.38, 37.53, 41.35])


def test_yearly_series_prefers_submitted_figures_and_reports_disagreement(tmp_path):
    kl = pd.DataFrame({"year": [2023, 2024, 2024], "unit_code": ["SL", "SL", "QN"], "agencies": [20, 20, 10],
                       "agencies_with_woman_key_leader": [9, 11, 4], "data_status": "illustrative"})
    data = L.LeadershipData(None, L.read_key_leaders(write(tmp_path, "key_leaders.csv", kl)), None, {}, True)
    obs = pd.DataFrame({"indicator_code": ["M1.C1", "M1.C1", "M1.C1", "L.2"], "unit_code": ["SL", "SL", "SL", "SL"],
                        "year": [2023, 2024, 2024, 2024], "period": ["FY", "FY", "H1", "FY"], "sex": "T",
                        "numerator": [9.0, 16.0, 1.0, 5.0], "denominator": [20.0, 30.0, 2.0, 9.0]})
    ys = L.yearly_series("key_leaders", data, obs, "SL")
    assert ys.source == "observations" and ys.code == "M1.C1"
    assert list(ys.frame["numerator"]) == [9.0, 16.0]  # the H1 row is not an annual figure
    lo, hi = wilson(16, 30)
    assert math.isclose(ys.frame["ci_low"].iloc[1], 100 * lo) and math.isclose(ys.frame["ci_high"].iloc[1], 100 * hi)
    # 2024: submitted 16/30 vs detail table 11+4 = 15/30.
    assert ys.discrepancies[["year", "numerator", "detail_numerator"]].values.tolist() == [[2024, 16.0, 15.0]]
    # Without observations the detail table (province = sum of rows) is used.
    fallback = L.yearly_series("key_leaders", data, None, "SL")
    assert fallback.source == "key_leaders.csv" and list(fallback.frame["numerator"]) == [9.0, 15.0]
    assert fallback.unit_rows.to_dict() == {2023: 1, 2024: 2}


def test_2026_term_has_commune_totals_for_the_province_and_no_district_level(tmp_path):
    later = pd.DataFrame([("2026-2031", "province", "SL", 60, 24, 18), ("2026-2031", "commune", "SL", 2000, 900, 700)],
                         columns=["term", "level", "unit_code", "seats", "women", "ethnic_minority_women"])
    frame = pd.concat([councils_frame(), later.assign(data_status="illustrative")], ignore_index=True)
    c = L.read_councils(write(tmp_path, "councils.csv", frame))
    tc = L.term_changes(L.council_shares(c, "SL")).set_index(["level", "term_to"])
    # Commune level compares 2021-2026 (pooled districts, 230/570) with 2026-2031 (900/2000).
    r = tc.loc[("commune", "2026-2031")]
    lo, hi = newcombe_by_hand(900, 2000, 230, 570)
    assert math.isclose(r["ci_low_pp"], 100 * lo, abs_tol=1e-7) and math.isclose(r["ci_high_pp"], 100 * hi, abs_tol=1e-7)
    assert ("district", "2026-2031") not in tc.index
    # A district's own report never gets the province-wide 2026 commune total.
    assert "2026-2031" not in set(L.council_shares(c, "QN")["term"])
    bad = pd.concat([frame, pd.DataFrame([{"term": "2026-2031", "level": "district", "unit_code": "QN", "seats": 30,
                                           "women": 10, "ethnic_minority_women": 5, "data_status": "x"}])],
                    ignore_index=True)
    with pytest.raises(L.LeadershipDataError, match=r"row 14, column level: no district People's Councils"):
        L.read_councils(write(tmp_path, "councils_bad.csv", bad))
