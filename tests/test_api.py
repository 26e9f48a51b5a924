"""The analysts' API (me_utils.api) on the demo data: numbers read back against the processed
observations and independent computations (statsmodels, closed-form growth rates)."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

SEED = 20250506
K = 5


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    from me_utils.build import pipeline as build
    from me_utils.demo import generate as demo
    from me_utils.evidence import base as evidence

    r = tmp_path_factory.mktemp("api") / "demo"
    demo.generate(r, SEED)
    build.run_build(r)
    evidence.build_evidence(r)  # as `me build` does
    return r


@pytest.fixture(scope="module")
def obs(root):
    # Read the contract file directly (not through the package) as the independent reference.
    return pd.read_csv(root / "processed" / "observations.csv")


def _wilson(x, n, z=1.959963984540054):
    p = x / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (c - h) * 100, (c + h) * 100


def test_series_equals_the_processed_observations(root, obs):
    from me_utils import api

    s = api.series("M1.C1", "MC", data_root=root)
    ref = obs[(obs.indicator_code == "M1.C1") & (obs.unit_code == "MC") & (obs.sex == "T") & (obs.period == "FY")]
    ref = ref.sort_values("year")
    assert list(s.columns) == ["year", "value", "numerator", "denominator", "ci_low", "ci_high", "suppressed"]
    assert s["year"].tolist() == ref["year"].tolist() and len(s) >= 4
    np.testing.assert_allclose(s["value"], ref["value"])
    np.testing.assert_allclose(s["numerator"], ref["numerator"])
    np.testing.assert_allclose(s["denominator"], ref["denominator"])
    for r in s.itertuples():
        lo, hi = _wilson(r.numerator, r.denominator)
        assert r.ci_low == pytest.approx(lo, abs=1e-9) and r.ci_high == pytest.approx(hi, abs=1e-9)
    assert not s["suppressed"].any()
    assert s["value"].dtype == "float64" and s["year"].dtype == "int64"
    assert s.attrs["unit_code"] == "MC" and s.attrs["kind"] == "proportion" and s.attrs["illustrative"]


@pytest.mark.parametrize("text", ["sc", "SC", "Sốp Cộp", "sop cop", "SỐP CỘP", "huyện Sốp Cộp", " Sop  Cop "])
def test_unit_lookup_by_code_or_name_any_case_and_diacritics(root, text):
    from me_utils import api

    assert api.unit_code(text) == "SC"
    ref = api.series("M1.C1", "SC", data_root=root)
    pd.testing.assert_frame_equal(api.series("m1.c1", text, data_root=root), ref)


def test_unknown_unit_or_indicator_is_a_bilingual_error_not_a_traceback(root):
    from me_utils import api

    with pytest.raises(api.ApiError, match=r"Không có đơn vị 'Hà Nội'.*Unknown unit 'Hà Nội'.*SC \(Sốp Cộp\)"):
        api.series("M1.C1", "Hà Nội", data_root=root)
    with pytest.raises(api.ApiError, match=r"Unknown indicator 'X.9'"):
        api.series("X.9", "SL", data_root=root)
    with pytest.raises(api.ApiError, match="No processed data"):
        api.series("M1.C1", "SL", data_root=root.parent / "nothing-here")


def test_gbv_figures_pass_the_disclosure_gate(root, obs):
    """No shown GBV-derived figure rests on a count 1–4 (numerator, denominator or complement);
    hidden figures have no value, counts or interval; a series with a hidden figure has no
    status, trend or probability in the scorecard."""
    from me_utils import api

    f = api.figures(root)
    g = f[f["gbv_derived"]]
    assert {"M3.C2a", "M3.C2b", "M3.C3", "G.1", "G.2", "DV.4", "DV.5"} <= set(g["indicator_code"])
    assert not f.loc[~f["gbv_derived"], "suppressed"].any()
    raw = obs.set_index(["indicator_code", "unit_code", "year", "period", "sex"])
    small = lambda x: (x > 0) & (x < K)
    n_primary = 0
    for r in g.itertuples():
        o = raw.loc[(r.indicator_code, r.unit_code, r.year, r.period, r.sex)]
        num, den = float(o["numerator"]), float(o["denominator"])
        if small(num) or small(den) or small(den - num):
            n_primary += 1
            assert r.suppressed
        if r.suppressed:
            assert math.isnan(r.value) and math.isnan(r.ci_low) and math.isnan(r.ci_high) and math.isnan(r.numerator)
        else:
            assert not (small(r.numerator) or small(r.denominator) or small(r.denominator - r.numerator))
            assert r.value == pytest.approx(float(o["value"]))
    assert n_primary > 20  # the demo has small district counts: the gate is exercised
    fy = g[(g["sex"] == "T") & (g["period"] == "FY") & g["year"].between(2021, 2025)]
    hidden = fy[fy["suppressed"]][["indicator_code", "unit_code"]].drop_duplicates()
    assert len(hidden) > 5
    n_withheld = 0
    for unit, grp in hidden.groupby("unit_code"):
        card = api.scorecard(unit, data_root=root).set_index("indicator_code")
        for code in grp["indicator_code"]:
            r = card.loc[code]
            ser = fy[(fy["indicator_code"] == code) & (fy["unit_code"] == unit)]
            n_hid, n_shown = int(ser["suppressed"].sum()), int((~ser["suppressed"]).sum())
            if n_hid / len(ser) > 0.5 or n_shown < 3:  # mostly hidden: the whole row is withheld
                n_withheld += 1
                assert r["suppressed"] and r["status_headline"] == "suppressed"
                assert all(
                    math.isnan(r[c]) for c in ("latest_value", "ci_low", "ci_high", "prob_reach_2025", "proj_2025")
                )
            else:  # the trend rests on the shown years only; a latest value is a shown figure
                assert r["n_points"] == n_shown
                if np.isfinite(r["latest_value"]):
                    shown = ser[(ser["year"] == r["latest_year"]) & ~ser["suppressed"]]
                    assert len(shown) and shown["value"].iloc[0] == pytest.approx(r["latest_value"])
    assert n_withheld > 5


def test_scorecard_is_numeric_and_hides_nothing_the_gate_hides(root):
    from me_utils import api
    from me_utils.analysis.assess import STATUS_LABELS

    for unit in ("SL", "SC", "Mộc Châu"):
        s = api.scorecard(unit, data_root=root)
        assert s["indicator_code"].tolist() == api.indicators()["code"].tolist()
        for c in ("latest_value", "ci_low", "ci_high", "target_2025", "prob_reach_2025", "prob_reach_2030"):
            assert s[c].dtype == "float64", c
        for c in ("status_unsd", "status_statcan", "status_escap", "status_headline"):
            assert set(s[c]) <= set(STATUS_LABELS) | {"suppressed"}, c  # codes, never "78,0% (…)" text
        p = s[["prob_reach_2025", "prob_reach_2030"]].to_numpy()
        assert np.all((p[np.isfinite(p)] >= 0) & (p[np.isfinite(p)] <= 1))
        code = api.unit_code(unit)
        from me_utils.evidence import base as evidence

        stored = evidence.load_evidence(root).assessments
        card_enum = dict(
            zip(
                stored.loc[stored.unit_code == code, "indicator_code"],
                stored.loc[stored.unit_code == code, "enumeration"].astype(bool),
            )
        )
        for r in s[(s["n_points"] > 0) & ~s["suppressed"]].itertuples():
            ser = api.series(r.indicator_code, code, data_root=root)
            ser = ser[~ser.suppressed]
            last = ser[(ser.year == r.latest_year)].iloc[-1]
            assert last.value == pytest.approx(r.latest_value)
            if not card_enum.get(r.indicator_code, False):  # complete counts carry no interval in the scorecard
                assert (r.ci_low, r.ci_high) == (
                    pytest.approx(last.ci_low, nan_ok=True),
                    pytest.approx(last.ci_high, nan_ok=True),
                )
            if r.gbv_derived and np.isfinite(r.ci_low):
                assert last.numerator >= K or last.numerator == 0
                assert last.denominator - last.numerator >= K or last.denominator == last.numerator
            assert r.n_points == ser.year.between(2021, 2025).sum()


def test_compare_reads_the_same_figures_as_series(root):
    from me_utils import api

    c = api.compare("M1.C1", data_root=root)
    with_fig = api.figures(root).query("indicator_code == 'M1.C1' and sex == 'T' and period == 'FY'")
    assert c["unit_code"].tolist()[0] == "SL" and set(c["unit_code"]) == set(with_fig["unit_code"])
    year = int(c["year"].iloc[0])
    shown_years = api.figures(root).query("indicator_code == 'M1.C1' and sex == 'T' and period == 'FY'")["year"]
    assert year == shown_years.max()
    for r in c.itertuples():
        s = api.series("M1.C1", r.unit_code, data_root=root)
        row = s[s.year == year]
        if len(row):
            assert r.value == pytest.approx(float(row["value"].iloc[0]))
        else:
            assert math.isnan(r.value)
    sc = api.scorecard("QN", data_root=root).set_index("indicator_code")
    assert c.set_index("unit_code").loc["QN", "status_headline"] == sc.loc["M1.C1", "status_headline"]
    two = api.compare("G.1", units=["sop cop", "SL"], year=2023, data_root=root)
    assert two["unit_code"].tolist() == ["SC", "SL"] and (two["year"] == 2023).all()


def test_explain_residuals_equal_observed_minus_fitted(root):
    """Residuals are observed − fitted with the stored trend (the curve table, read
    independently); for a linear trend (M3.C1, SL) the fit is refitted with statsmodels OLS."""
    import statsmodels.api as sm

    from me_utils import api
    from me_utils.evidence import base as evidence

    ev = evidence.load_evidence(root)
    e = api.explain("M2.C1", "SL", data_root=root)
    s = api.series("M2.C1", "SL", data_root=root).query("2021 <= year <= 2025")
    cur = ev.curves.query("indicator_code == 'M2.C1' and unit_code == 'SL' and sex == 'T'").set_index("year")
    fitted = cur.loc[s["year"], "fit"].to_numpy()
    np.testing.assert_allclose(e.fit["observed"], s["value"])
    np.testing.assert_allclose(e.fit["fitted"], fitted, rtol=1e-9)
    np.testing.assert_allclose(e.fit["residual"], s["value"].to_numpy() - fitted, atol=1e-9)
    # Pearson residuals: (k/n·100 − fitted) / sd of a share with denominator n, by hand.
    p = fitted / 100
    by_hand = (s.numerator / s.denominator - p) / np.sqrt(p * (1 - p) / s.denominator)
    np.testing.assert_allclose(e.fit["pearson_residual"], by_hand, rtol=1e-9)

    o = api.explain("M3.C1", "SL", data_root=root)
    assert o.summary["model"] == "ols"
    s = api.series("M3.C1", "SL", data_root=root).query("2021 <= year <= 2025")
    ols = sm.OLS(s["value"].to_numpy(), sm.add_constant(s["year"].to_numpy(float))).fit()
    np.testing.assert_allclose(o.fit["fitted"], ols.fittedvalues, atol=1e-9)
    np.testing.assert_allclose(o.fit["residual"], ols.resid, atol=1e-9)
    np.testing.assert_allclose(o.fit["pearson_residual"], ols.resid / math.sqrt(ols.scale), atol=1e-9)


def test_explain_overdispersed_series_reports_dispersion(root):
    from me_utils import api

    e = api.explain("M2.C1", "SL", data_root=root, lang="en")
    assert e.summary["model"] == "quasi_binomial_glm" and e.summary["dispersion"] > 1
    phi = f"{e.summary['dispersion']:.2f}"
    assert any(f"φ = {phi}" in w and "Pearson" in w for w in e.why)


def test_explain_methods_metrics_and_sentences(root):
    """UNSD r and StatCan R recomputed from the series by hand; reasons are sentences."""
    from me_utils import api

    e = api.explain("M2.C1", "SL", data_root=root, lang="en")
    s = api.series("M2.C1", "SL", data_root=root).query("2021 <= year <= 2025")
    by, vb, ly, vl = s.year.iloc[0], s.value.iloc[0], s.year.iloc[-1], s.value.iloc[-1]
    target, ty = e.summary["target"], int(e.summary["target_year"])
    g = (vl / vb) ** (1 / (ly - by)) - 1
    r = (vl * (1 + g) ** (ty - ly) - vb) / (target - vb)
    gT = (target / vb) ** (1 / (ty - by)) - 1
    m = e.methods.set_index("method")
    assert m.loc["unsd", "metric"] == pytest.approx(r) and m.loc["unsd", "cagr"] == pytest.approx(g)
    assert m.loc["statcan", "metric"] == pytest.approx(g / abs(gT))
    assert m.loc["unsd", "headline"] and not m.loc["escap", "headline"]
    assert f"r = (projected − base)/(target − base) = {r:.2f}" in m.loc["unsd", "reason"]
    sc = api.scorecard("SL", data_root=root).set_index("indicator_code").loc["M2.C1"]
    for meth in ("unsd", "statcan", "escap"):
        assert m.loc[meth, "status"] == sc[f"status_{meth}"]
    for w in e.why + m["reason"].tolist():
        assert not re.search(r"\b[a-z0-9]+_[a-z0-9_]+\b", w), w  # no note codes such as half_year_ignored


def test_explain_statuses_match_the_scorecard_for_every_indicator(root):
    from me_utils import api
    from me_utils.evidence import base as evidence

    a = evidence.load_evidence(root).assessments
    stored = a[a["period_start"] == 2021].set_index(["unit_code", "indicator_code"])
    for unit in ("SL", "SC"):
        sc = api.scorecard(unit, data_root=root)
        for r in sc.itertuples():
            e = api.explain(r.indicator_code, unit, data_root=root)
            d = stored.loc[(unit, r.indicator_code)]
            m = e.methods.set_index("method")["metric"]
            if not r.suppressed:
                for meth, col in (("unsd", "unsd_r"), ("statcan", "statcan_R"), ("escap", "escap_G")):
                    assert m[meth] == pytest.approx(d[col], nan_ok=True), (unit, r.indicator_code, meth)
                assert e.summary["model"] == r.model
                # the model refitted for explain() is the evidence base's (same shown figures, same pool)
                assert e.summary["pearson_ratio"] == pytest.approx(d["pearson_ratio"], rel=1e-9, nan_ok=True)
            assert e.summary["status_headline"] == r.status_headline
            assert e.summary["summary_category"] == r.summary_category
            assert e.summary["n_points"] == r.n_points
            assert e.summary["prob_reach_2025"] == pytest.approx(r.prob_reach_2025, nan_ok=True)
            for w in e.why:
                first = next(ch for ch in w if ch.isalnum())
                assert (first.isdigit() or first.isupper()) and w.endswith("."), w


def test_explain_says_why_with_observed_2025_and_notes(root):
    from me_utils import api

    e = api.explain("M2.C1", "SL", data_root=root, lang="vi")
    sc = api.scorecard("SL", data_root=root).set_index("indicator_code").loc["M2.C1"]
    assert sc["result_2025"] in ("achieved", "not_achieved")
    text = "\n".join(e.why)
    assert "Kết quả năm 2025" in text
    assert "mục tiêu 2030" in text or "2030" in text
    assert "target_2025_missed" not in text and "assessed_against_2030" not in text
    en = api.explain("M2.C1", "SL", data_root=root, lang="en")
    assert "2025 is observed, so the trend is assessed against the 2030 target." in en.why
    assert "The 2025 target was not met." in en.why
    w = api.explain("G.1", "SC", data_root=root, lang="en")
    assert str(w).startswith("**G.1 — SC**: " + api.status_label("suppressed", "en"))


def test_gbv_explain_of_a_withheld_series_shows_nothing_of_it(root):
    from me_utils import api

    s = api.series("G.1", "SC", data_root=root)
    hidden = s[s.suppressed].year.tolist()
    assert hidden
    e = api.explain("G.1", "sop cop", data_root=root, lang="en")
    assert e.summary["status_headline"] == "suppressed" and e.fit.empty
    assert tuple(e.summary.index) == api.SUMMARY_KEYS
    assert e.projection[["fit", "pred_low", "pred_high", "prob_reach"]].isna().all().all()
    assert set(e.methods["status"]) == {"suppressed"} and e.methods["metric"].isna().all()
    text = " ".join(e.why)
    assert "disclosure control withholds it" in text and "me.explain('G.1', 'SL')" in text
    for v in s["numerator"].dropna().tolist() + s["denominator"].dropna().tolist():
        assert f" {int(v)} " not in f" {text} "  # no count of the unit in the sentences
    p = api.explain("G.1", "SL", data_root=root, lang="en")
    assert p.summary["status_headline"] != "suppressed" and len(p.fit) >= 2
    assert tuple(p.summary.index) == api.SUMMARY_KEYS


def test_plot_series_draws_shown_points_and_targets(root):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from me_utils import api

    ax = api.plot_series("M1.C1", "mộc châu", data_root=root)
    s = api.series("M1.C1", "MC", data_root=root)
    pts = [ln for ln in ax.get_lines() if ln.get_marker() == "o"]
    assert len(pts) == 1 and list(pts[0].get_xdata()) == s["year"].tolist()
    np.testing.assert_allclose(pts[0].get_ydata(), s["value"])
    diamonds = {float(ln.get_xdata()[0]): float(ln.get_ydata()[0]) for ln in ax.get_lines() if ln.get_marker() == "D"}
    assert diamonds == {2025.0: 60.0, 2030.0: 75.0}
    assert "Mộc Châu" in ax.get_title(loc="left") and ax.get_title(loc="left").startswith("M1.C1 — ")
    plt.close("all")
    _, own = plt.subplots()
    assert api.plot_series("G.1", "SC", ax=own, data_root=root) is own
    txt = " ".join(t.get_text() for t in own.texts)
    assert "Năm bị ẩn" in txt and "Dữ liệu minh họa" in txt
    plt.close("all")


def test_plot_series_leaves_the_backend_alone(root):
    code = (
        "import me_utils.core.style\n"  # whatever importing the package does, set the backend after it
        "import matplotlib; matplotlib.use('svg'); import matplotlib.pyplot as plt\n"
        "import me_utils.api as me\n"
        f"me.plot_series('M1.C1', 'SL', data_root={str(root)!r})\n"
        "print(matplotlib.get_backend())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "svg"


def test_demo_fallback_outside_notebook_start(root, tmp_path, monkeypatch, capsys):
    """data_root=None with no real build: the demo data, with a one-line illustrative notice."""
    from me_utils import api
    from me_utils.core import paths
    from me_utils.reports import notebook

    proj = tmp_path / "proj"
    shutil.copytree(paths.reference_dir(), proj / "data" / "reference")
    shutil.copytree(root, proj / "data" / "demo")
    monkeypatch.setenv("ME_PROJECT_ROOT", str(proj))
    got, fallback = notebook.data_root_or_demo(None, build_demo=None, notice=False)
    assert got == proj / "data" / "demo" and fallback
    s = api.series("M1.C1", "SL")
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "Dữ liệu minh họa" in out and "Illustrative data" in out
    pd.testing.assert_frame_equal(s, api.series("M1.C1", "SL", data_root=root))
    api.scorecard()
    assert capsys.readouterr().out == ""  # said once per session, not on every call
    # A real build wins over the demo data.
    shutil.copytree(root / "processed", proj / "data" / "processed")
    assert notebook.data_root_or_demo(None)[0] == proj / "data"
