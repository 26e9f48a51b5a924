"""Funnel limits against exact binomial quantiles (scipy) and the FunnelPlotR chi-square form."""

import math

import numpy as np
import pytest
from scipy import stats

from me_utils.analysis import funnel


def test_binomial_limits_columns_and_hand_case():
    # Bin(1, 0.5): lower p=0.025 -> r=0, alpha=(0.5-0.025)/0.5=0.95 -> -0.95 clipped to 0;
    # upper p=0.975 -> r=1, alpha=(1-0.975)/0.5=0.05 -> 0.95.
    df = funnel.binomial_limits(0.5, 1)
    assert list(df.columns) == ["n", "lower_95", "upper_95", "lower_998", "upper_998"]
    assert df.loc[0, "lower_95"] == 0.0
    assert df.loc[0, "upper_95"] == pytest.approx(0.95)


@pytest.mark.parametrize("p0", [0.1, 0.3, 0.5, 0.85])
@pytest.mark.parametrize("n", [5, 20, 57, 400])
def test_binomial_limits_vs_scipy_quantiles(p0, n):
    df = funnel.binomial_limits(p0, [n])
    for level, tag in [(0.95, "95"), (0.998, "998")]:
        for p, col in [((1 - level) / 2, f"lower_{tag}"), ((1 + level) / 2, f"upper_{tag}")]:
            # independent: loop over r to find the smallest r with F(r) >= p
            r = next(k for k in range(n + 1) if stats.binom.cdf(k, n, p0) >= p)
            f_r = stats.binom.cdf(r, n, p0)
            f_r1 = stats.binom.cdf(r - 1, n, p0) if r > 0 else 0.0
            expected = (r - (f_r - p) / (f_r - f_r1)) / n
            assert df.loc[0, col] == pytest.approx(min(max(expected, 0), 1), abs=1e-12)
            # the limit lies between the neighbouring exact quantiles
            q = stats.binom.ppf(p, n, p0)
            assert (q - 1) / n - 1e-12 <= df.loc[0, col] <= q / n + 1e-12


def test_binomial_limits_approach_normal_for_large_n():
    n, p0 = 20000, 0.3
    df = funnel.binomial_limits(p0, n)
    se = math.sqrt(p0 * (1 - p0) / n)
    assert df.loc[0, "upper_998"] == pytest.approx(p0 + 3.090232 * se, abs=3e-4)
    assert df.loc[0, "lower_95"] == pytest.approx(p0 - 1.959964 * se, abs=3e-4)


def test_binomial_limits_reject_bad_input():
    with pytest.raises(ValueError):
        funnel.binomial_limits(0.3, [0, 5])
    with pytest.raises(ValueError):
        funnel.binomial_limits(1.3, [5])


def test_poisson_limits_hand_value_e1():
    # chi2 with 2 df: ppf(q) = -2 ln(1-q) -> lower95 = -ln(0.975) at E=1, theta0=1
    df = funnel.poisson_limits(1.0, 1.0)
    assert df.loc[0, "lower_95"] == pytest.approx(-math.log(0.975), rel=1e-10)
    # upper: chi2(4 df) 97.5% quantile = 11.143287 -> /2 = 5.5716
    assert df.loc[0, "upper_95"] == pytest.approx(11.143287 / 2, rel=1e-6)


@pytest.mark.parametrize("theta0", [1.0, 4.5e-4])
def test_poisson_limits_vs_funnelplotr_formula(theta0):
    e = np.array([0.5, 3.0, 12.0, 150.0])
    df = funnel.poisson_limits(theta0, e)
    # FunnelPlotR: theta * qchisq(0.975, 2E, lower.tail=FALSE)/2/E etc. (isf = upper tail)
    assert np.allclose(df["lower_95"], theta0 * stats.chi2.isf(0.975, 2 * e) / 2 / e)
    assert np.allclose(df["upper_95"], theta0 * stats.chi2.isf(0.025, 2 * (e + 1)) / 2 / e)
    assert np.allclose(df["lower_998"], theta0 * stats.chi2.isf(0.999, 2 * e) / 2 / e)
    assert np.allclose(df["upper_998"], theta0 * stats.chi2.isf(0.001, 2 * (e + 1)) / 2 / e)


def test_winsorise_clamps_to_quantiles():
    z = np.arange(11, dtype=float)  # quantiles 0.1 and 0.9 (type 7) are 1 and 9
    assert list(funnel.winsorise(z, 0.1)) == [1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9]


def test_overdispersion_none_when_all_on_target():
    od = funnel.overdispersion([25, 50, 75], [100, 200, 300], kind="proportion")
    assert od["theta0"] == pytest.approx(0.25)
    assert od["phi"] == pytest.approx(0.0)
    assert od["tau2"] == 0.0 and not od["overdispersed"]


def test_overdispersion_hand_computed_two_units():
    # Units 10/100 and 40/100: pooled 0.25; target asin(sqrt(.25)) = pi/6; s = 1/20.
    # z1 = (asin(sqrt(.1)) - pi/6)*20, z2 = (asin(sqrt(.4)) - pi/6)*20. With 2 units the
    # 10%/90% winsorisation pulls both towards each other (type-7 quantiles).
    z1 = (math.asin(math.sqrt(0.1)) - math.pi / 6) * 20
    z2 = (math.asin(math.sqrt(0.4)) - math.pi / 6) * 20
    lo, hi = z1 + 0.1 * (z2 - z1), z1 + 0.9 * (z2 - z1)
    phi = (lo**2 + hi**2) / 2
    w = 400.0
    tau2 = (2 * phi - 1) / (2 * w - 2 * w**2 / (2 * w))
    od = funnel.overdispersion([10, 40], [100, 100], kind="proportion")
    assert od["phi"] == pytest.approx(phi)
    assert od["overdispersed"]
    assert od["tau2"] == pytest.approx(tau2)


def test_overdispersion_detected_on_beta_binomial_not_on_binomial():
    rng = np.random.default_rng(1)
    n = np.full(40, 400)
    p = rng.beta(6, 14, size=40)  # mean 0.3, large between-unit spread
    od_bb = funnel.overdispersion(rng.binomial(n, p), n)
    assert od_bb["overdispersed"] and od_bb["phi"] > 3 and od_bb["tau2"] > 0
    od_b = funnel.overdispersion(rng.binomial(n, 0.3), n)
    assert od_b["phi"] < 2


def test_adjusted_limits_wider_with_tau2_and_equal_normal_on_asin_scale_without():
    d = np.array([50.0, 200.0])
    a0 = funnel.adjusted_limits("proportion", 0.3, d, 0.0)
    t = math.asin(math.sqrt(0.3))
    assert a0.loc[0, "upper_95"] == pytest.approx(math.sin(t + 1.959964 / (2 * math.sqrt(50))) ** 2, rel=1e-6)
    a1 = funnel.adjusted_limits("proportion", 0.3, d, 0.01)
    assert (a1["upper_95"] > a0["upper_95"]).all() and (a1["lower_95"] < a0["lower_95"]).all()
    r = funnel.adjusted_limits("rate", 2e-4, [1e5], 0.0)
    # sqrt scale: E=20, s=1/(2*sqrt(20)); upper = theta0*(1+z*s)^2
    s = 1 / (2 * math.sqrt(20))
    assert r.loc[0, "upper_95"] == pytest.approx(2e-4 * (1 + 1.959964 * s) ** 2, rel=1e-6)


def test_funnel_table_orders_by_name_and_flags_positions():
    units = ["Yên Châu", "Bắc Yên", "Mộc Châu", "Sốp Cộp"]
    num = [90, 40, 45, 2]
    den = [100, 100, 100, 100]
    tab, od = funnel.funnel_table(units, num, den, kind="proportion", theta0=0.45)
    assert list(tab["unit"]) == sorted(units, key=str.casefold)
    pos = dict(zip(tab["unit"], tab["position_998"]))
    assert pos["Mộc Châu"] == "within"
    # theta0 fixed at 0.45; Yên Châu 0.90 is far above the exact 99.8% limit unless overdispersed
    lim = funnel.binomial_limits(0.45, 100)
    if not od["overdispersed"]:
        assert pos["Yên Châu"] == ("above" if 0.9 > lim.loc[0, "upper_998"] else "within")
    assert pos["Sốp Cộp"] in {"below", "within"}


def test_plot_funnel_returns_figure():
    tab, od = funnel.funnel_table(["A", "B", "C"], [5, 10, 30], [10, 30, 50], per=100)
    fig = funnel.plot_funnel(tab, od, per=100, hidden_units=["A"], lang="en")
    pts = fig.axes[0].collections[0].get_offsets()
    assert sorted(map(tuple, pts.tolist())) == [(30.0, pytest.approx(100 / 3)), (50.0, 60.0)]  # A hidden
    assert any(t.get_text().endswith("not drawn (small counts hidden): A") for t in fig.axes[0].texts)
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_funnel_table_positions_against_hand_computed_adjusted_limits():
    # theta0 fixed at 0.5, n = 100 each; values 0.5, 0.5, 0.75.
    # asin scale: target asin(sqrt(.5)) = pi/4, s = 1/20; z = 0, 0, (asin(sqrt(.75)) - pi/4) * 20.
    z3 = (math.asin(math.sqrt(0.75)) - math.pi / 4) * 20
    zw = [0.0, 0.0, 0.8 * z3]  # type-7 90% quantile of (0, 0, z3) is 0.8 * z3
    phi = sum(v * v for v in zw) / 3
    w = 400.0
    tau2 = (3 * phi - 2) / (3 * w - 3 * w**2 / (3 * w))
    half = 3.090232 * math.sqrt(1 / 400 + tau2)
    upper_998 = math.sin(math.pi / 4 + half) ** 2
    tab, od = funnel.funnel_table(["C", "A", "B"], [75, 50, 50], [100, 100, 100], theta0=0.5)
    assert od["overdispersed"] and od["tau2"] == pytest.approx(tau2)
    assert list(tab["unit"]) == ["A", "B", "C"]
    row = tab.set_index("unit").loc["C"]
    assert row["adj_upper_998"] == pytest.approx(upper_998, rel=1e-5)
    assert row["position_998"] == ("above" if 0.75 > upper_998 else "within")
    assert tab.set_index("unit").loc["A", "position_95"] == "within"


def test_dispersion_note_uses_report_language_separators():
    od = {"phi": 1.23456, "tau2": 0.000123456}
    # phi to 2 decimals; tau2 to 4 significant digits = 7 decimals
    assert funnel.dispersion_note(od, "vi") == "φ = 1,23; τ² = 0,0001235"
    assert funnel.dispersion_note(od, "en") == "φ = 1.23; τ² = 0.0001235"
    assert funnel.dispersion_note({"phi": 0.5, "tau2": 0.0}, "vi") == "φ = 0,50; τ² = 0"


def test_plot_funnel_vietnamese_footnote_and_legend_use_decimal_comma():
    import matplotlib.pyplot as plt

    tab, od = funnel.funnel_table(["C", "A", "B"], [75, 50, 50], [100, 100, 100], theta0=0.5)
    fig = funnel.plot_funnel(tab, od, lang="vi")
    texts = [t.get_text() for t in fig.axes[0].texts]
    note = [t for t in texts if t.startswith("φ")]
    assert note and note[0].startswith("φ = " + f"{od['phi']:.2f}".replace(".", ","))
    assert "." not in note[0]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Giới hạn chính xác 99,8%" in legend and "Giới hạn chính xác 95%" in legend
    plt.close(fig)


def test_fmt_tau2_significant_digits():
    assert funnel.fmt_tau2(0.0123456, "vi", sig=3) == "0,0123"
    assert funnel.fmt_tau2(12.345, "en", sig=3) == "12.3"
    assert funnel.fmt_tau2(1234.7, "vi", sig=3) == "1.235"  # no digits lost left of the comma
