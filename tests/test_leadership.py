"""Leadership module: real figures, shares of complete counts, term logic, funnel limits, input
errors.

Council seats, key leaders and the planning pool are complete enumerations: no frame carries
an interval, and a term change is the observed difference. Every expected value is worked out
by hand (counts and shares written out below) or, for the funnel's reference band, from
scipy's binomial quantiles.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from me_utils.analysis import leadership as L

#: Interval or test columns that a frame of complete counts must never carry.
INTERVAL_COLUMNS = {
    "ci_low",
    "ci_high",
    "em_ci_low",
    "em_ci_high",
    "trained_ci_low",
    "trained_ci_high",
    "ci_low_pp",
    "ci_high_pp",
    "z",
    "p_value",
    "p_exact",
    "p_reported",
    "small_counts",
}


def no_interval_columns(frame):
    return not (INTERVAL_COLUMNS & set(frame.columns))


# ----------------------------------------------------------------------------- reference figures

# Son La 2021–2026 (indicators-and-targets.md §7.4) and national NA XV (§8): women, seats, share.
REAL = {
    "SL_HDND_PROVINCE_2021": (23, 65, 35.38),
    "SL_HDND_DISTRICT_2021": (152, 405, 37.53),
    "SL_HDND_COMMUNE_2021": (1898, 4590, 41.35),
    "SL_NA_2021": (1, 7, 14.29),
}


@pytest.fixture(scope="module")
def reference():
    return L.load_reference()


def test_reference_file_holds_the_real_figures_with_sources(reference):
    ref = reference.set_index("figure_id")
    for fid, (x, n, pct) in REAL.items():
        row = ref.loc[fid]
        assert (row["women"], row["total"]) == (x, n)
        assert row["share_pct"] == pct and round(100 * x / n, 2) == pct
        assert row["verification"] == "VERIFIED"
        assert row["source_url"].startswith("http") and row["source_title"]
        assert row["term"] == "2021-2026"
    assert ref.loc["VN_NA_XV", "share_pct"] == 30.26
    assert ref.loc["VN_NA_XIV", "share_pct"] == 26.7 and ref.loc["VN_NA_XIV", "term"] == "2016-2021"
    assert (reference["source_url"].str.len() > 0).all()


def test_reference_council_shares_are_counts_without_intervals(reference):
    shares = L.reference_council_shares(reference)
    assert no_interval_columns(shares)  # published seat counts are complete: nothing to estimate
    s = shares.set_index("figure_id")
    for fid, (x, n, pct) in REAL.items():
        assert (s.loc[fid, "women"], s.loc[fid, "total"], s.loc[fid, "share_pct"]) == (x, n, pct)
    # A published share without counts keeps its share and no invented count.
    assert math.isnan(s.loc["VN_NA_XIV", "women"]) and s.loc["VN_NA_XIV", "share_pct"] == 26.7


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
    # 23/65 = 35.3846…%; 17/65 = 26.1538…%; 17/23 = 73.9130…% (long division).
    assert round(r["share_pct"], 4) == 35.3846
    assert round(r["em_share_pct"], 4) == 26.1538 and round(r["em_of_women_pct"], 4) == 73.9130
    assert no_interval_columns(s)
    assert s.loc[("commune", "2016-2021"), "women"] == 180
    assert list(s.index.get_level_values(0).unique()) == ["province", "district", "commune"]


def test_council_shares_for_one_district_exclude_the_provincial_council(councils):
    s = L.council_shares(councils, "SC")
    assert set(s["level"]) == {"district", "commune"}
    assert s.set_index(["level", "term"]).loc[("district", "2021-2026"), "women"] == 11


# ----------------------------------------------------------------------------- term logic


def test_a_within_term_yearly_series_gets_no_trend():
    yearly = pd.DataFrame(
        {"year": [2021, 2022, 2023, 2024, 2025], "women": [23, 23, 24, 24, 25], "seats": [65, 65, 65, 64, 65]}
    )
    ans = L.council_trend(yearly)
    assert isinstance(ans, L.NotApplicable) and ans.applicable is False
    assert "2021–2026" in ans.text("vi") and "Không áp dụng" in ans.text("vi")
    assert "Not applicable" in ans.text("en") and "Compare terms" in ans.text("en")


def test_trend_for_a_term_indicator_refuses_without_calling_the_fitter(monkeypatch):
    from me_utils.analysis import trends

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


@pytest.mark.parametrize(
    "x0,n0,x1,n1,dw,ds,p0,p1,dpp",
    [
        # Hand-computed: 15/56 = 26.7857%, 23/65 = 35.3846%, difference 8.5989 points.
        (15, 56, 23, 65, 8, 9, 26.7857, 35.3846, 8.5989),
        # 1898/4590 = 41.350763%, 1700/4600 = 36.956522%: +198 women, −10 seats, +4.394241 points.
        (1700, 4600, 1898, 4590, 198, -10, 36.9565, 41.3508, 4.3942),
        # Fewer women on fewer seats and a lower share: 12/40 = 30% → 9/35 = 25.7143%.
        (12, 40, 9, 35, -3, -5, 30.0, 25.7143, -4.2857),
    ],
)
def test_change_between_terms_is_the_observed_difference(x0, n0, x1, n1, dw, ds, p0, p1, dpp):
    ch = L.compare_terms(x0, n0, x1, n1, "2016-2021", "2021-2026")
    assert (ch.women_from, ch.seats_from, ch.women_to, ch.seats_to) == (x0, n0, x1, n1)
    assert (ch.women_change, ch.seats_change) == (dw, ds)
    assert round(ch.share_from_pct, 4) == p0 and round(ch.share_to_pct, 4) == p1
    assert round(ch.diff_pp, 4) == dpp
    # A complete count carries no interval, test statistic or p-value.
    assert not {"ci_low_pp", "ci_high_pp", "z", "p_value", "p_exact", "p_reported"} & set(dir(ch))


def test_the_provincial_council_change_reads_as_in_the_issue():
    # Issue 13: 15 → 23 women on the provincial council is +8 women, 26,8% → 35,4%, +8,6 points.
    ch = L.compare_terms(15, 56, 23, 65)
    assert L.fmt_change(ch.women_change, 0, "vi") == "+8"
    assert L.fmt.fmt_pct(ch.share_from_pct, 1, "vi") == "26,8%" and L.fmt.fmt_pct(ch.share_to_pct, 1, "vi") == "35,4%"
    assert L.fmt_change(ch.diff_pp, 1, "vi") == "+8,6" and L.fmt_change(ch.diff_pp, 1, "en") == "+8.6"
    assert L.fmt_change(-3, 0, "vi") == "−3" and L.fmt_change(0.04, 1, "vi") == "0,0"
    with pytest.raises(ValueError):
        L.compare_terms(5, 0, 3, 10)
    with pytest.raises(ValueError):
        L.compare_terms(12, 10, 3, 10)


def test_term_changes_compare_consecutive_terms_only(councils):
    shares = L.council_shares(councils, "SL")
    tc = L.term_changes(shares)
    assert list(tc["level"]) == ["province", "district", "commune"]
    assert set(zip(tc["term_from"], tc["term_to"])) == {("2016-2021", "2021-2026")}
    assert no_interval_columns(tc)
    r = tc.set_index("level").loc["commune"]
    # Communes pooled: 100+80 = 180 of 300+250 = 550 seats → 130+100 = 230 of 310+260 = 570.
    assert (r["women_from"], r["seats_from"], r["women_to"], r["seats_to"]) == (180, 550, 230, 570)
    assert (r["women_change"], r["seats_change"]) == (50, 20)
    # 230/570 = 40.3509%, 180/550 = 32.7273%: +7.6236 points.
    assert round(r["diff_pp"], 4) == 7.6236
    one_term = L.term_changes(shares[shares["term"] == "2021-2026"])
    assert one_term.empty


def test_enumeration_note_is_the_status_models_reason():
    from me_utils.analysis import status

    assert L.enumeration_note("vi") == status.REASONS["enumeration"][0]
    assert L.enumeration_note("en") == status.REASONS["enumeration"][1]
    # The method note says it once, through the same text, and no longer describes any test.
    for lang in ("vi", "en"):
        note = " ".join(L.ASSUMPTIONS[lang])
        assert note.count(L.enumeration_note(lang)) == 1
        assert "Newcombe" not in note and "Fisher" not in note and "Wilson" not in note
    assert all(L.status.is_enumeration(type("I", (), {"code": c})) for c in ("M1.C1", "L.1", "L.2", "L.3"))


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
    from me_utils.analysis.funnel import binomial_limits

    p0 = 152 / 405
    lim = binomial_limits(p0, [35]).iloc[0]
    for tail, col in ((0.025, "lower_95"), (0.975, "upper_95")):
        rq = stats.binom.ppf(tail, 35, p0)
        assert rq - 1 <= lim[col] * 35 <= rq


# ----------------------------------------------------------------------------- yearly indicators


def test_key_leader_and_pool_shares_are_plain_shares(tmp_path):
    kl = pd.DataFrame(
        {
            "year": [2021, 2021, 2022, 2022],
            "unit_code": ["SL", "QN", "SL", "QN"],
            "agencies": [20, 10, 20, 10],
            "agencies_with_woman_key_leader": [9, 3, 11, 4],
            "data_status": "illustrative",
        }
    )
    k = L.read_key_leaders(write(tmp_path, "key_leaders.csv", kl))
    s = L.key_leader_shares(k, "SL").set_index("year")
    assert (s.loc[2022, "with_woman"], s.loc[2022, "agencies"]) == (15, 30)
    assert s.loc[2022, "share_pct"] == 50.0 and no_interval_columns(s)
    assert L.key_leader_shares(k, "QN").set_index("year").loc[2021, "share_pct"] == 30.0

    pool = pd.DataFrame(
        {
            "year": [2024, 2025],
            "unit_code": ["SL", "SL"],
            "pool_size": [200, 210],
            "women_in_pool": [70, 84],
            "women_trained": [50, 70],
            "data_status": "illustrative",
        }
    )
    pp = L.planning_pool_shares(L.read_planning_pool(write(tmp_path, "planning_pool.csv", pool)))
    r = pp.set_index("year").loc[2025]
    # 84/210 = 40%; 70/84 = 83.3333…%.
    assert math.isclose(r["share_pct"], 40.0) and round(r["trained_share_pct"], 4) == 83.3333
    assert no_interval_columns(pp)


def test_targets_are_the_programme_targets():
    assert (L.indicator_targets("M1.C1").target_2025, L.indicator_targets("M1.C1").target_2030) == (60.0, 75.0)
    assert (L.indicator_targets("L.2").target_2025, L.indicator_targets("L.2").target_2030) == (40.0, 50.0)
    assert (L.indicator_targets("L.3").target_2025, L.indicator_targets("L.3").target_2030) == (75.0, 90.0)


def test_target_gaps_status():
    t = L.Targets("L.2", 40.0, 50.0, "test", True, "")
    shares = pd.DataFrame({"year": [2024, 2025], "share_pct": [38.0, 42.0]})
    g = L.target_gaps(shares, t).set_index("target_year")
    assert g.loc[2025, "status"] == "met" and math.isclose(g.loc[2025, "gap_pp"], 2.0)
    # A complete count below the target is below it: no interval can "cover" the target.
    assert g.loc[2030, "status"] == "below" and math.isclose(g.loc[2030, "gap_pp"], -8.0)
    # 84/210 is 40% exactly in arithmetic but 40.00000000000001 or 39.99999999999999 in floating
    # point: the tolerance only absorbs that, while 49.9 against 50 stays below.
    edge = pd.DataFrame({"year": [2025], "share_pct": [40.0 - 1e-12]})
    assert L.target_gaps(edge, t).set_index("target_year").loc[2025, "status"] == "met"
    near = pd.DataFrame({"year": [2025], "share_pct": [49.9]})
    assert L.target_gaps(near, t).set_index("target_year").loc[2030, "status"] == "below"
    empty = L.target_gaps(shares.iloc[0:0], t)
    assert list(empty["status"]) == ["no_data", "no_data"]


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "mutate,row,col,words",
    [
        (lambda d: d.assign(women=d["women"].where(d.index != 3, 99)), 5, "women", "exceeds seats"),
        (lambda d: d.assign(term=d["term"].where(d.index != 0, "2021-2025")), 2, "term", "five years"),
        (lambda d: d.assign(unit_code=d["unit_code"].where(d.index != 4, "XX")), 6, "unit_code", "unknown unit"),
        (lambda d: d.assign(seats=d["seats"].astype(str).where(d.index != 6, "ba trăm")), 8, "seats", "not a number"),
        (lambda d: d.assign(level=d["level"].where(d.index != 2, "ward")), 4, "level", "not one of"),
        (lambda d: d.assign(seats=d["seats"].astype(str).where(d.index != 5, "inf")), 7, "seats", "not a finite count"),
        (
            lambda d: d.assign(ethnic_minority_women=d["ethnic_minority_women"].where(d.index != 1, 40)),
            3,
            "ethnic_minority_women",
            "exceeds women",
        ),
    ],
)
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
    from me_utils.demo import generate as demo

    data_root = tmp_path / "demo"
    assert demo.cli(["--out", str(data_root)]) == 0
    c = L.load_leadership(data_root).councils
    s = L.council_shares(c, "SL", terms=["2021-2026"]).set_index("level")
    ref = reference.set_index("figure_id")
    for level, fid in (
        ("province", "SL_HDND_PROVINCE_2021"),
        ("district", "SL_HDND_DISTRICT_2021"),
        ("commune", "SL_HDND_COMMUNE_2021"),
    ):
        assert (s.loc[level, "women"], s.loc[level, "seats"]) == (ref.loc[fid, "women"], ref.loc[fid, "total"])
    np.testing.assert_allclose(s["share_pct"].round(2).to_numpy(), [35.38, 37.53, 41.35])


def test_yearly_series_prefers_submitted_figures_and_reports_disagreement(tmp_path):
    kl = pd.DataFrame(
        {
            "year": [2023, 2024, 2024],
            "unit_code": ["SL", "SL", "QN"],
            "agencies": [20, 20, 10],
            "agencies_with_woman_key_leader": [9, 11, 4],
            "data_status": "illustrative",
        }
    )
    data = L.LeadershipData(None, L.read_key_leaders(write(tmp_path, "key_leaders.csv", kl)), None, {}, True)
    obs = pd.DataFrame(
        {
            "indicator_code": ["M1.C1", "M1.C1", "M1.C1", "L.2"],
            "unit_code": ["SL", "SL", "SL", "SL"],
            "year": [2023, 2024, 2024, 2024],
            "period": ["FY", "FY", "H1", "FY"],
            "sex": "T",
            "numerator": [9.0, 16.0, 1.0, 5.0],
            "denominator": [20.0, 30.0, 2.0, 9.0],
        }
    )
    ys = L.yearly_series("key_leaders", data, obs, "SL")
    assert ys.source == "observations" and ys.code == "M1.C1"
    assert list(ys.frame["numerator"]) == [9.0, 16.0]  # the H1 row is not an annual figure
    assert list(ys.frame["share_pct"].round(4)) == [45.0, 53.3333] and no_interval_columns(ys.frame)
    # 2024: submitted 16/30 vs detail table 11+4 = 15/30.
    assert ys.discrepancies[["year", "numerator", "detail_numerator"]].values.tolist() == [[2024, 16.0, 15.0]]
    # Without observations the detail table (province = sum of rows) is used.
    fallback = L.yearly_series("key_leaders", data, None, "SL")
    assert fallback.source == "key_leaders.csv" and list(fallback.frame["numerator"]) == [9.0, 15.0]
    assert fallback.unit_rows.to_dict() == {2023: 1, 2024: 2}


def test_2026_term_has_commune_totals_for_the_province_and_no_district_level(tmp_path):
    later = pd.DataFrame(
        [("2026-2031", "province", "SL", 60, 24, 18), ("2026-2031", "commune", "SL", 2000, 900, 700)],
        columns=["term", "level", "unit_code", "seats", "women", "ethnic_minority_women"],
    )
    frame = pd.concat([councils_frame(), later.assign(data_status="illustrative")], ignore_index=True)
    c = L.read_councils(write(tmp_path, "councils.csv", frame))
    tc = L.term_changes(L.council_shares(c, "SL")).set_index(["level", "term_to"])
    # Commune level compares 2021-2026 (pooled districts, 230/570) with 2026-2031 (900/2000).
    r = tc.loc[("commune", "2026-2031")]
    # 900/2000 = 45% against 230/570 = 40.3509%: +670 women, +4.6491 points.
    assert (r["women_change"], r["seats_change"]) == (670, 1430) and round(r["diff_pp"], 4) == 4.6491
    assert ("district", "2026-2031") not in tc.index
    # A district's own report never gets the province-wide 2026 commune total.
    assert "2026-2031" not in set(L.council_shares(c, "QN")["term"])
    bad = pd.concat(
        [
            frame,
            pd.DataFrame(
                [
                    {
                        "term": "2026-2031",
                        "level": "district",
                        "unit_code": "QN",
                        "seats": 30,
                        "women": 10,
                        "ethnic_minority_women": 5,
                        "data_status": "x",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    with pytest.raises(L.LeadershipDataError, match=r"row 14, column level: no district People's Councils"):
        L.read_councils(write(tmp_path, "councils_bad.csv", bad))
