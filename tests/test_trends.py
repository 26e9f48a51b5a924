"""Trend models: intervals, GLM fits against statsmodels' formula API, predictive distributions
against simulation, OLS prediction intervals against statsmodels, edge cases."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from me_utils.analysis import intervals, trends

YEARS = np.arange(2020, 2026)


# ---------------------------------------------------------------- intervals (known answers)
def test_wilson_known_answer_and_scipy():
    lo, hi = intervals.wilson_ci(7, 50)
    assert lo == pytest.approx(0.0695, abs=5e-5)
    assert hi == pytest.approx(0.2619, abs=5e-5)
    ci = stats.binomtest(7, 50).proportion_ci(confidence_level=0.95, method="wilson")
    assert lo == pytest.approx(ci.low, rel=1e-9) and hi == pytest.approx(ci.high, rel=1e-9)
    # Hand formula: (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)
    z, n, p = stats.norm.ppf(0.975), 50, 7 / 50
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (lo, hi) == pytest.approx((c - h, c + h), rel=1e-9)


def test_garwood_known_answers():
    assert intervals.garwood_ci(0) == pytest.approx((0.0, 3.689), abs=5e-4)
    lo, hi = intervals.garwood_ci(5)
    assert lo == pytest.approx(1.6235, abs=5e-4) and hi == pytest.approx(11.6683, abs=5e-4)
    assert lo == pytest.approx(stats.chi2.ppf(0.025, 10) / 2) and hi == pytest.approx(stats.chi2.ppf(0.975, 12) / 2)


# ---------------------------------------------------------------- ESCAP weights / WLS
def test_escap_weights_and_weighted_slope_match_reference_example():
    t = np.array([2021, 2022, 2023, 2024])
    w = trends.escap_weights(t, 2025)
    assert w == pytest.approx([1, 4 / 3, 2, 4])
    line = trends.wls_line(t, [20, 21, 23, 24], w)
    assert line["slope"] == pytest.approx(1.379, abs=5e-4)
    # Independent: statsmodels WLS with the same weights
    res = sm.WLS([20, 21, 23, 24], sm.add_constant(t.astype(float)), weights=w).fit()
    assert line["slope"] == pytest.approx(res.params[1], rel=1e-10)


def test_escap_weights_move_target_year_when_observed():
    w = trends.escap_weights([2021, 2025], 2025)
    assert np.all(np.isfinite(w)) and w == pytest.approx([1.0, 5.0])


# ---------------------------------------------------------------- binomial GLM
NUM = np.array([7, 10, 11, 15, 16, 22])
DEN = np.array([50, 60, 55, 70, 65, 80])


@pytest.mark.parametrize("engine", ["numpy", "statsmodels"])
def test_binomial_glm_matches_formula_api(engine):
    f = trends.fit_binomial(YEARS, NUM, DEN, 100, engine=engine)
    df = pd.DataFrame({"x": NUM, "f": DEN - NUM, "yc": YEARS - YEARS.mean()})
    ref = smf.glm("x + f ~ yc", df, family=sm.families.Binomial()).fit()
    assert f.model == "binomial_glm"
    assert f.params == pytest.approx(ref.params.to_numpy(), rel=1e-7)
    assert f.cov == pytest.approx(ref.cov_params().to_numpy(), rel=1e-6)
    assert f.pearson_ratio == pytest.approx(ref.pearson_chi2 / ref.df_resid, rel=1e-6)
    pred = f.predict([2030])
    eta = ref.params["Intercept"] + ref.params["yc"] * (2030 - YEARS.mean())
    assert pred["fit"].iloc[0] == pytest.approx(100 / (1 + math.exp(-eta)), rel=1e-7)


def test_binomial_predictive_matches_simulation():
    f = trends.fit_binomial(YEARS, NUM, DEN, 100)
    # ρ̂ floors at 0 here; the linear predictor is Student t with the 4 residual df (issue 13:
    # the dispersion's uncertainty is carried), simulated independently below
    assert f.rho == 0 and f.t_df == 4
    rng = np.random.default_rng(12345)
    eta, se = f._eta(2030)
    p = 1 / (1 + np.exp(-(eta + se * rng.standard_t(4, 400_000))))
    sims = rng.binomial(80, p) / 80 * 100  # future denominator = latest (80)
    assert f.prob_reach(2030, 40, "increase") == pytest.approx((sims >= 40).mean(), abs=0.005)
    assert f.prob_reach(2030, 40, "decrease") == pytest.approx((sims <= 40).mean(), abs=0.005)
    pr = f.predict([2030]).iloc[0]
    q_lo, q_hi = np.quantile(sims, [0.025, 0.975])
    assert abs(pr["pred_low"] - q_lo) <= 100 / 80 + 1e-9  # within one count of the simulated quantile
    assert abs(pr["pred_high"] - q_hi) <= 100 / 80 + 1e-9


def test_overdispersed_binomial_uses_quasi_scale():
    num = np.array([5, 40, 8, 45, 12, 50])
    den = np.full(6, 100)
    f = trends.fit_binomial(YEARS, num, den, 100)
    df = pd.DataFrame({"x": num, "f": den - num, "yc": YEARS - YEARS.mean()})
    ref = smf.glm("x + f ~ yc", df, family=sm.families.Binomial()).fit()
    phi = ref.pearson_chi2 / ref.df_resid  # quasi-binomial dispersion (McCullagh & Nelder)
    assert f.model == "quasi_binomial_glm"
    assert f.dispersion == pytest.approx(phi, rel=1e-6)
    assert f.cov == pytest.approx(ref.cov_params().to_numpy() * phi, rel=1e-4)  # statsmodels stops at 1e-8 deviance


# ---------------------------------------------------------------- Poisson GLM
COUNTS = np.array([12, 15, 9, 20, 25, 22])
EXPO = np.array([1.00e5, 1.01e5, 1.02e5, 1.03e5, 1.04e5, 1.05e5])


@pytest.mark.parametrize("engine", ["numpy", "statsmodels"])
def test_poisson_glm_with_offset_matches_formula_api(engine):
    # α fixed at 0 (a pooled estimate of 0): the plain Poisson GLM of statsmodels
    f = trends.fit_poisson(
        YEARS, COUNTS, EXPO, 100_000, engine=engine, dispersion=trends.Dispersion("poisson", 0.0, 40)
    )
    df = pd.DataFrame({"y": COUNTS, "yc": YEARS - YEARS.mean(), "le": np.log(EXPO)})
    ref = smf.glm("y ~ yc", df, family=sm.families.Poisson(), offset=df["le"]).fit()
    assert f.model == "poisson_glm" and f.t_df == 40
    assert f.params == pytest.approx(ref.params.to_numpy(), rel=1e-7)
    assert f.cov == pytest.approx(ref.cov_params().to_numpy(), rel=1e-6)
    assert f.pearson_ratio == pytest.approx(ref.pearson_chi2 / ref.df_resid, rel=1e-6)
    fit2030 = f.predict([2030])["fit"].iloc[0]
    assert fit2030 == pytest.approx(math.exp(ref.params["Intercept"] + ref.params["yc"] * (2030 - YEARS.mean())) * 1e5)


def test_poisson_predictive_matches_simulation():
    f = trends.fit_poisson(YEARS, COUNTS, EXPO, 100_000, dispersion=trends.Dispersion("poisson", 0.0, 30))
    rng = np.random.default_rng(7)
    eta, se = f._eta(2030)
    mu = np.exp(eta + se * rng.standard_t(30, 400_000)) * EXPO[-1]
    sims = rng.poisson(mu) / EXPO[-1] * 1e5
    assert f.prob_reach(2030, 30, "increase") == pytest.approx((sims >= 30).mean(), abs=0.005)
    assert f.prob_reach(2030, 30, "decrease") == pytest.approx((sims <= 30).mean(), abs=0.005)


def test_overdispersed_counts_moment_alpha_sandwich_and_negbin():
    c = np.array([12, 30, 9, 40, 25, 50])
    q = trends.fit_poisson(YEARS, c, EXPO, 100_000, overdispersion="quasi")
    df = pd.DataFrame({"y": c, "yc": YEARS - YEARS.mean(), "le": np.log(EXPO)})
    ref = smf.glm("y ~ yc", df, family=sm.families.Poisson(), offset=df["le"]).fit()
    # α by the method of moments, from statsmodels' Pearson residuals and leverages
    mu, r = ref.fittedvalues.to_numpy(), ref.resid_pearson.to_numpy()
    h = ref.get_influence().hat_matrix_diag
    alpha = max(0.0, np.sum(r**2 - (1 - h)) / np.sum((1 - h) * mu))
    assert q.model == "quasi_poisson_glm" and q.alpha == pytest.approx(alpha, rel=1e-6)
    # sandwich covariance A⁻¹ (Xᵀ diag(μ(1 + αμ)) X) A⁻¹, by hand
    X = np.column_stack([np.ones(6), YEARS - YEARS.mean()])
    ainv = np.linalg.inv(X.T @ (mu[:, None] * X))
    sand = ainv @ (X.T @ ((mu * (1 + alpha * mu))[:, None] * X)) @ ainv
    assert q.cov == pytest.approx(sand, rel=1e-6)
    assert q.t_df == 4  # six points, two parameters
    nb = trends.fit_poisson(YEARS, c, EXPO, 100_000, overdispersion="negbin")
    assert nb.model == "negbin_glm" and nb.alpha > 0
    # Simulation check of the predictive: t(4) linear predictor, NB2 future count
    rng = np.random.default_rng(3)
    eta, se = q._eta(2027)
    m = np.exp(eta + se * rng.standard_t(4, 300_000)) * EXPO[-1]
    size = 1 / alpha
    sims = rng.negative_binomial(size, size / (size + m)) / EXPO[-1] * 1e5
    assert q.prob_reach(2027, 40, "increase") == pytest.approx((sims >= 40).mean(), abs=0.006)
    pr = nb.predict([2025, 2030])
    assert np.all(np.isfinite(pr.to_numpy()))


# ---------------------------------------------------------------- linear models
def test_ols_prediction_interval_matches_statsmodels():
    y = np.array([1.9, 1.85, 1.8, 1.82, 1.75, 1.7])
    f = trends.fit_linear(YEARS, y, kind="ratio")
    res = sm.OLS(y, sm.add_constant(YEARS.astype(float))).fit()
    sf = res.get_prediction(np.array([[1.0, 2030.0]])).summary_frame(alpha=0.05)
    pr = f.predict([2030]).iloc[0]
    assert pr["fit"] == pytest.approx(sf["mean"].iloc[0], rel=1e-9)
    assert pr["fit_low"] == pytest.approx(sf["mean_ci_lower"].iloc[0], rel=1e-9)
    assert pr["pred_low"] == pytest.approx(sf["obs_ci_lower"].iloc[0], rel=1e-9)
    assert pr["pred_high"] == pytest.approx(sf["obs_ci_upper"].iloc[0], rel=1e-9)
    # P(Y ≤ 1.4) from the same t predictive distribution
    se = (sf["obs_ci_upper"].iloc[0] - sf["mean"].iloc[0]) / stats.t.ppf(0.975, 4)
    expect = stats.t.cdf((1.4 - sf["mean"].iloc[0]) / se, 4)
    assert f.prob_reach(2030, 1.4, "decrease") == pytest.approx(expect, rel=1e-7)
    assert f.prob_reach(2030, 1.4, "increase") == pytest.approx(1 - expect, rel=1e-7)


def test_wls_escap_model_uses_time_weights():
    y = np.array([20, 21, 23, 24.0])
    t = np.array([2021, 2022, 2023, 2024])
    f = trends.fit_linear(t, y, kind="proportion", scale=100, model="wls_escap", weight_target_year=2025)
    assert f.predict([2025])["fit"].iloc[0] == pytest.approx(25.448, abs=5e-4)


def test_two_points_linear_gives_line_without_interval():
    f = trends.fit_linear([2021, 2024], [20, 24])
    pr = f.predict([2025]).iloc[0]
    assert pr["fit"] == pytest.approx(24 + 4 / 3)
    assert math.isnan(pr["pred_low"]) and math.isnan(f.prob_reach(2025, 30, "increase"))


def test_one_point_is_insufficient():
    with pytest.raises(trends.InsufficientData):
        trends.fit_linear([2024], [20])
    with pytest.raises(trends.InsufficientData):
        trends.fit_binomial([2024, 2024], [1, 2], [10, 10])


def test_all_zero_series_fit_without_log_of_zero():
    with np.errstate(divide="raise"):
        f = trends.fit_binomial(YEARS, np.zeros(6), np.full(6, 40), 100)
        g = trends.fit_poisson(YEARS, np.zeros(6), np.full(6, 1000.0), 100_000)
    for m in (f, g):
        pr = m.predict([2025, 2030])
        assert np.all(np.isfinite(pr[["fit", "pred_low", "pred_high"]].to_numpy()))
        assert any("½" in n for n in m.notes)
    assert 0 <= f.prob_reach(2030, 5, "increase") <= 1


def test_choose_and_fit_rules():
    assert trends.choose_and_fit(
        YEARS, NUM / DEN * 100, kind="proportion", scale=100, numerators=NUM, denominators=DEN
    ).model.endswith("binomial_glm")
    assert trends.choose_and_fit(
        YEARS, COUNTS / EXPO * 1e5, kind="rate", scale=1e5, numerators=COUNTS, denominators=EXPO
    ).model.endswith("poisson_glm")
    # a missing numerator in one year → levels model
    num = NUM.astype(float).copy()
    num[2] = np.nan
    assert (
        trends.choose_and_fit(
            YEARS, NUM / DEN * 100, kind="proportion", scale=100, numerators=num, denominators=DEN
        ).model
        == "ols"
    )
    assert trends.choose_and_fit(YEARS, [1, 2, 2, 3, 4, 3], kind="count", scale=1).model.endswith("poisson_glm")
    assert (
        trends.choose_and_fit(
            YEARS, [1.9, 1.8, 1.8, 1.7, 1.7, 1.6], kind="ratio", scale=1, level_model="wls_escap"
        ).model
        == "wls_escap"
    )


def test_proportion_levels_are_clipped_to_bounds():
    f = trends.fit_linear([2021, 2022, 2023, 2024], [85, 92, 96, 99.5], kind="proportion", scale=100)
    pr = f.predict([2030]).iloc[0]
    assert pr["fit"] <= 100 and pr["pred_high"] <= 100


def test_quasi_separation_falls_back_to_corrected_fit():
    """0 % for three years then 100 %: the MLE slope is infinite; the fit must still answer."""
    f = trends.fit_binomial([2021, 2022, 2023, 2024], [0, 0, 0, 5], [5, 5, 5, 5], 100)
    assert any("separation" in n for n in f.notes)
    pr = f.predict([2025, 2030])
    assert np.all(np.isfinite(pr[["fit", "pred_low", "pred_high"]].to_numpy()))
    g = trends.fit_poisson([2021, 2022, 2023, 2024], [0, 0, 0, 9], [100.0] * 4, 100)
    assert np.isfinite(g.predict([2030])["fit"].iloc[0])


def test_quasi_binomial_predictive_is_beta_binomial_with_quasi_variance():
    num = np.array([5, 40, 8, 45, 12, 50])
    den = np.full(6, 100)
    f = trends.fit_binomial(YEARS, num, den, 100)
    phi, n = f.dispersion, 100
    rho = (phi - 1) / (n - 1)
    rng = np.random.default_rng(11)
    eta, se = f._eta(2027)
    p = 1 / (1 + np.exp(-(eta + se * rng.standard_normal(300_000))))
    c = 1 / rho - 1
    sims = rng.binomial(n, rng.beta(p * c, (1 - p) * c)) / n * 100
    assert f.prob_reach(2027, 50, "increase") == pytest.approx((sims >= 50).mean(), abs=0.006)
    pr = f.predict([2027]).iloc[0]
    lo, hi = np.quantile(sims, [0.025, 0.975])
    assert abs(pr["pred_low"] - lo) <= 1.0 + 1e-9 and abs(pr["pred_high"] - hi) <= 1.0 + 1e-9
    # Its variance at a fixed p is φ·n·p(1−p): the beta-binomial identity, checked with scipy
    from scipy import stats as st

    assert st.betabinom(n, 0.3 * c, 0.7 * c).var() == pytest.approx(phi * n * 0.3 * 0.7, rel=1e-9)
