"""GBV report sections on the illustrative data: every rendered table passes the disclosure
scan (no case id, no count 1..k-1), every suppressed table passes the recovery audit, and the
executed notebook's HTML passes the same scan (slow)."""

import html as _html
import re

import pandas as pd
import pytest

from me_utils.analysis import disclosure
from me_utils.core import fmt
from me_utils.demo import generate as demo
from me_utils.reports import gbv_funnels, gbv_report
from me_utils.reports import notebook as nbmod


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("gbvroot")
    (root / "sdc_cache").mkdir()
    tables = demo.build_tables(demo.DEFAULT_SEED)
    for rel, key in (
        ("gbv/register.csv", "register"),
        ("population/population.csv", "population"),
        ("trafficking/returnees.csv", "returnees"),
    ):
        p = root / "raw" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(demo._csv_bytes(tables[key]))
    return root


def render(monkeypatch, data_root, unit, lang, k=5):
    """Run every section outside a kernel; collect what would be displayed as HTML."""
    parts = []

    def capture(obj):
        if hasattr(obj, "_repr_html_") and obj._repr_html_() is not None:
            parts.append(obj._repr_html_())
        elif hasattr(obj, "_repr_markdown_") and obj._repr_markdown_() is not None:
            parts.append("<p>" + _html.escape(obj._repr_markdown_()) + "</p>")
        elif hasattr(obj, "data"):
            parts.append("<p>" + _html.escape(str(obj.data)) + "</p>")

    monkeypatch.setenv("ME_SDC_CACHE", str(data_root / "sdc_cache"))
    monkeypatch.setattr(nbmod, "_display", capture)

    from me_utils.core import style

    # Charts reach the page as PNG with alt text: the alt text is scanned like the rest.
    monkeypatch.setattr(style, "show_png", lambda data, alt: parts.append(f'<img alt="{_html.escape(alt)}"/>'))
    ctx = nbmod.start(gbv_report.TITLE_VI, gbv_report.TITLE_EN, unit=unit, lang=lang, data_root=str(data_root))
    rep = gbv_report.load_report_data(ctx, suppression_threshold=k)
    gbv_report.section_scope(rep)
    ser = gbv_report.section_indicators(rep)
    gbv_report.section_trends(rep, ser)
    gbv_report.section_cases(rep)
    gbv_report.section_rates(rep)
    gbv_report.section_breakdowns(rep)
    gbv_report.section_funnels(rep)
    gbv_report.section_trafficking(rep)
    log = gbv_report.section_appendix(rep)
    return "\n".join(parts), rep, log


@pytest.mark.parametrize("unit,lang", [("SL", "vi"), ("SC", "en"), ("QN", "vi")])
def test_rendered_sections_pass_disclosure_scan(monkeypatch, data_root, unit, lang):
    html, rep, log = render(monkeypatch, data_root, unit, lang)
    assert "<table" in html
    assert disclosure.scan_html_for_disclosure(html, rep.k) == []
    assert not re.search(r"\d{4}-\d{2}-\d{2}", html)  # no raw dates anywhere
    assert rep.tables and all(st.audit is None or st.audit["protected"].all() for st in rep.tables)
    assert len(log) == len(rep.tables)


def test_all_reports_together_cannot_recover_a_hidden_cell(monkeypatch, data_root):
    """The attacker reads the province report and every district report: together they publish
    every shown cell and margin of each cube. An LP over the whole cube must fail to pin any
    hidden cell (checked on the type cube and the M3.C2a cube; the rest use the same code)."""
    _, rep, _ = render(monkeypatch, data_root, "SL", "vi")
    for key in ("incident_type", "M3.C2a"):
        aud = disclosure.audit_cube(rep.cubes[key])
        assert len(aud) and aud["protected"].all(), key
    # the same cube is used by a district report: identical pattern
    _, rep2, _ = render(monkeypatch, data_root, "QN", "en")
    assert (rep2.cubes["incident_type"].hidden == rep.cubes["incident_type"].hidden).all()


def test_small_district_actually_hides_cells(monkeypatch, data_root):
    html, rep, _ = render(monkeypatch, data_root, "SC", "vi")
    assert sum(st.n_hidden for st in rep.tables) > 0
    assert ">x<" in html


def test_threshold_parameter_is_used(monkeypatch, data_root):
    html, rep, _ = render(monkeypatch, data_root, "SL", "vi", k=11)
    assert disclosure.scan_html_for_disclosure(html, 11) == []
    assert all(st.k == 11 for st in rep.tables)
    assert all(c.k == 11 for c in rep.cubes.values())


def test_scan_detects_a_leak_in_real_page(monkeypatch, data_root):
    html, rep, _ = render(monkeypatch, data_root, "SL", "vi")
    leaked = html.replace(">x<", ">3<", 1)
    assert any(f["kind"] == "small_count" for f in disclosure.scan_html_for_disclosure(leaked, 5))


def test_funnel_units_in_name_order(monkeypatch, data_root):
    _, rep, _ = render(monkeypatch, data_root, "SL", "en")
    fd = gbv_report.funnel_data(rep)
    for key in ("prop", "rate"):
        tab = fd[key][0]
        assert list(tab["unit"]) == sorted(tab["unit"], key=str.casefold)


@pytest.mark.slow
def test_executed_notebook_html_passes_scan(data_root, tmp_path):
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    from me_utils.core import paths

    out = tmp_path / "out.ipynb"
    pm.execute_notebook(
        str(paths.project_root() / "notebooks" / "20_gbv.ipynb"),
        str(out),
        parameters={"data_root": str(data_root), "unit": "SC"},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(paths.project_root()),
    )
    nb = nbformat.read(out, as_version=4)
    html, _ = HTMLExporter(exclude_input=True).from_notebook_node(nb)
    assert "M3.C2a" in html and ">x<" in html
    assert disclosure.scan_html_for_disclosure(html, 5) == []


def test_od_sentence_uses_decimal_comma_in_vietnamese():
    od = {"phi": 2.351, "tau2": 0.0123456, "overdispersed": True}
    assert "(φ = 2,35, τ² = 0,0123)" in gbv_funnels.od_sentence(od, "vi")
    assert "(φ = 2.35, τ² = 0.0123)" in gbv_funnels.od_sentence(od, "en")
    assert "(φ = 0,80)" in gbv_funnels.od_sentence({"phi": 0.8, "tau2": 0.0, "overdispersed": False}, "vi")


def test_funnel_display_marks_outer_limit_position_in_report_language():
    tab = pd.DataFrame(
        {
            "unit": ["A", "B"],
            "value": [10.0, 50.0],
            "lower_95": [5.0, 20.0],
            "upper_95": [15.0, 40.0],
            "lower_998": [2.0, 15.0],
            "upper_998": [18.0, 45.0],
            "position_95": ["within", "above"],
            "position_998": ["within", "above"],
        }
    )
    od = {"overdispersed": False}
    vi = gbv_report.funnel_display(tab, od, [], "vi", "Tỷ lệ")
    assert list(vi["Giới hạn 95%"]) == ["5,0–15,0%", "20,0–40,0%"]
    assert vi["Vị trí"].iloc[1].endswith(" (99,8%)")
    en = gbv_report.funnel_display(tab, od, ["A"], "en", "Share")
    assert en["Share"].iloc[0] == gbv_report.D.HIDDEN_MARK and en["Position"].iloc[1].endswith(" (99.8%)")


def test_scope_sentence_says_the_register_is_the_provinces(monkeypatch, data_root):
    # A district page must not present the province's register total as its own (issue 17).
    html_sl, rep_sl, _ = render(monkeypatch, data_root, "SL", "vi")
    html_qn, _, _ = render(monkeypatch, data_root, "QN", "vi")
    total = fmt.fmt_number(rep_sl.consent.total, 0, "vi")
    assert f"Sổ đăng ký có {total} vụ việc." in html_sl and "toàn tỉnh có" not in html_sl
    assert f"Sổ đăng ký toàn tỉnh có {total} vụ việc." in html_qn
    html_en, _, _ = render(monkeypatch, data_root, "QN", "en")
    assert f"The province-wide register holds {fmt.fmt_number(rep_sl.consent.total, 0, 'en')} incidents." in html_en
