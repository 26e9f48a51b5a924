"""HTML export: offline template, table of contents, provenance, atomic writes, index."""

from __future__ import annotations

import datetime as dt
import os
import subprocess

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from me_utils.render import export, index


def _nb():
    code = new_code_cell("secret_source_code = 1", execution_count=1)
    code.outputs = [
        new_output("display_data", data={"text/markdown": "# Tiêu đề chính\n\n## Mục A"}),
        new_output(
            "display_data",
            data={
                "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
            },
        ),
    ]
    return new_notebook(cells=[new_markdown_cell("## Mục B\n\n### Mục B.1\n\n## Mục A"), code])


def _prov(**kw):
    base = dict(
        manifest_hash="ab" * 32,
        version="9.9.9",
        git="abc1234+dirty",
        parameters={"unit": "SL", "period_start": 2021},
        run_seconds=12.34,
        run_at=dt.datetime(2025, 11, 3, 7, 5, tzinfo=dt.UTC),
    )
    base.update(kw)
    return export.Provenance(**base)


def test_render_offline_with_toc_footer_banner():
    page = export.render_html(_nb(), title="Báo cáo thử", lang="vi", provenance=_prov(), illustrative=True)
    assert export.external_references(page) == []
    for needle in ("require.js", "mathjax", "MathJax", "mermaid", "cdn", "unpkg"):
        assert needle not in page.split("<body")[0], needle
    assert '<html lang="vi">' in page and "<title>Báo cáo thử</title>" in page
    assert "secret_source_code" not in page
    # TOC: in document order, nested under the h2s, the repeated "Mục A" gets a unique id.
    toc = page.split('<nav class="me-toc"')[1].split("</nav>")[0]
    assert toc.count("<li") == 5  # Mục B, Mục B.1, Mục A, Tiêu đề chính, Mục A
    assert toc.index("Mục B") < toc.index("Mục B.1") < toc.index("Tiêu đề chính")
    assert 'href="#M%E1%BB%A5c-A-2"' in toc and 'id="M%E1%BB%A5c-A-2"' in page
    footer = page.split('<footer class="me-provenance">')[1]
    assert "ab" * 32 in footer and "9.9.9" in footer and "abc1234 (có thay đổi chưa lưu)" in footer
    assert "Thông tin kỹ thuật" in footer and "Đơn vị: Tỉnh Sơn La; Giai đoạn: 2021" in footer
    assert "unit=" not in footer and "period_start" not in footer
    assert "12,3 giây" in footer and "03/11/2025 07:05 UTC" in footer
    assert "Dữ liệu minh họa / Illustrative data" in page.split("<main>")[0]
    assert "@media print" in page and ".me-illustrative" in page


def test_render_english_without_banner_or_data():
    page = export.render_html(
        _nb(), title="Test", lang="en", provenance=_prov(manifest_hash=None, git=None), illustrative=False
    )
    assert '<html lang="en">' in page
    assert "Illustrative data" not in page
    footer = page.split('<footer class="me-provenance">')[1]
    assert "none (no processed data)" in footer and "<dd>unknown</dd>" in footer and "12.3 s" in footer


def test_external_references_detects_network_loads():
    assert export.external_references('<script src="https://cdn.x/y.js"></script>')
    assert export.external_references("<link rel=stylesheet href=http://x/y.css>")
    assert export.external_references('<img alt="" src="//x/y.png">')
    assert export.external_references("<style>@import 'https://fonts.x/css';</style>")
    assert export.external_references("<style>a{background:url(http://x/y.png)}</style>")
    assert export.external_references('<a href="https://vbpl.vn/x">nguồn</a>') == []
    assert export.external_references('<img src="data:image/png;base64,AAA">') == []


def test_size_budget_refuses_and_writes_nothing(tmp_path):
    out = tmp_path / "r.html"
    with pytest.raises(export.ReportTooLarge, match="exceeds the report budget"):
        export.export_html(_nb(), out, title="t", lang="vi", provenance=_prov(), illustrative=False, max_bytes=10_000)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_interrupted_write_keeps_old_report_and_leaves_no_partial(tmp_path, monkeypatch):
    out = tmp_path / "vi" / "SL" / "r.html"
    export.export_html(_nb(), out, title="t", lang="vi", provenance=_prov(), illustrative=False)
    old = out.read_bytes()

    def boom(fd):
        raise KeyboardInterrupt  # an interrupt in the middle of writing the new page

    monkeypatch.setattr(export.os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        export.export_html(_nb(), out, title="t2", lang="vi", provenance=_prov(run_seconds=1.0), illustrative=True)
    assert out.read_bytes() == old
    assert sorted(p.name for p in out.parent.iterdir()) == ["r.html"]


def test_git_revision(tmp_path):
    assert export.git_revision(tmp_path) is None
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@x",
    }
    run = lambda *a: subprocess.run(["git", "-C", str(tmp_path), *a], check=True, capture_output=True, env=env)  # noqa: E731
    run("init", "-q")
    (tmp_path / "f.txt").write_text("1")
    run("add", "f.txt")
    run("commit", "-q", "-m", "x")
    short = subprocess.run(
        ["git", "-C", str(tmp_path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert export.git_revision(tmp_path) == short
    (tmp_path / "untracked.txt").write_text("u")  # untracked files do not make it dirty
    assert export.git_revision(tmp_path) == short
    (tmp_path / "f.txt").write_text("2")
    assert export.git_revision(tmp_path) == short + "+dirty"


def test_template_is_package_data():
    t = export.template_dir() / "me_report"
    assert (t / "conf.json").exists() and (t / "index.html.j2").exists()
    body = (t / "index.html.j2").read_text(encoding="utf-8")
    for block in ("html_head_js_requirejs", "html_head_js_mathjax", "html_head_js_mermaidjs"):
        assert "{%- block " + block + " -%}{%- endblock " + block + " -%}" in body


def test_index_lists_reports_and_failures():
    state = {
        "runs": {
            "vi/SL/10_a": {
                "lang": "vi",
                "unit": "SL",
                "stem": "10_a",
                "status": "ok",
                "seconds": 3.25,
                "html": "vi/SL/10_a.html",
                "pdf": None,
                "error": None,
            },
            "vi/MC/10_a": {
                "lang": "vi",
                "unit": "MC",
                "stem": "10_a",
                "status": "failed",
                "seconds": 1.0,
                "html": None,
                "pdf": None,
                "error": {"stage": "execute", "cell": 4, "ename": "KeyError", "evalue": "'M3.C1'", "source": "show(x)"},
            },
            "en/SL/10_a": {
                "lang": "en",
                "unit": "SL",
                "stem": "10_a",
                "status": "ok",
                "seconds": 2.0,
                "html": "en/SL/10_a.html",
                "pdf": "en/SL/10_a.pdf",
                "error": None,
            },
        },
        "last_run": {"vi": {"illustrative": True, "runs": 2, "failed": 1, "wall_seconds": 4.5}},
    }
    page = index.render_index(state)
    assert page.index('<section lang="vi">') < page.index('<section lang="en">')
    assert '<a href="vi/SL/10_a.html">Xem</a>' in page and '<a href="en/SL/10_a.pdf">PDF</a>' in page
    assert "3,2 giây" in page  # 3.25 s to 1 decimal, round-half-even: 3,2
    assert "ô mã số 4" in page and "KeyError: &#39;M3.C1&#39;" in page and "show(x)" in page
    assert "Dữ liệu minh họa" in page
    assert export.external_references(page) == [] and "<script" not in page


def test_index_error_shows_first_line_only_and_links_workbook(tmp_path):
    # A pandas-style message whose later lines quote data rows: only the first line may show.
    secret = "0  Lò Thị X  Mường La  2"
    state = {
        "runs": {
            "vi/SL/40_review": {
                "lang": "vi",
                "unit": "SL",
                "stem": "40_review",
                "status": "ok",
                "seconds": 1.0,
                "html": "vi/SL/40_review.html",
                "pdf": None,
                "error": None,
            },
            "vi/MC/40_review": {
                "lang": "vi",
                "unit": "MC",
                "stem": "40_review",
                "status": "failed",
                "seconds": 1.0,
                "html": None,
                "pdf": None,
                "error": {
                    "stage": "execute",
                    "cell": 2,
                    "ename": "ValueError",
                    "evalue": "bad rows:\n" + secret + "\n1  more",
                    "source": "",
                },
            },
        },
        "last_run": {},
    }
    (tmp_path / "vi" / "SL").mkdir(parents=True)
    (tmp_path / "vi" / "SL" / "scorecard.xlsx").write_bytes(b"x")
    page = index.render_index(state, reports_dir=tmp_path)
    assert "ValueError: bad rows:</code>" in page
    assert secret not in page and "Lò Thị X" not in page
    # only the unit whose folder holds the workbook gets the link
    assert page.count('href="vi/SL/scorecard.xlsx"') == 1 and "vi/MC/scorecard.xlsx" not in page
    assert "scorecard.xlsx" not in index.render_index(state)  # no folder given: nothing to check


def test_index_and_footer_escape_unit_names_and_messages():
    # A unit code the reference does not know is shown as given: markup in it, in a notebook
    # title or in an error message must reach the page as text, never as tags.
    from bs4 import BeautifulSoup

    from me_utils.reference.units import load_units

    evil = "<script>alert(1)</script> & Co"
    title = 'Tổng kết <b>"A & B"</b>'
    state = {
        "runs": {
            "vi/X/10_a": {
                "lang": "vi",
                "unit": evil,
                "stem": "10_a",
                "status": "failed",
                "seconds": 1.0,
                "html": None,
                "pdf": None,
                "error": {"stage": "execute", "cell": 1, "ename": "E", "evalue": "<img src=x> & y", "source": "<i>"},
            },
            "vi/SL/10_a": {
                "lang": "vi",
                "unit": "SL",
                "stem": "10_a",
                "status": "ok",
                "seconds": 1.0,
                "html": 'vi/SL/10_a.html?"><script>',
                "pdf": None,
                "error": None,
            },
        },
        "last_run": {"vi": {"illustrative": True, "runs": 2, "failed": 1, "wall_seconds": 1.0, "git": "<b>"}},
    }

    class NB:
        stem, title_vi, title_en = "10_a", title, "A"

    page = index.render_index(state, [NB()])
    assert "<script" not in page and "<img" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None
    row_heads = [th.get_text() for th in soup.find_all("th", scope="row")]
    assert evil in row_heads and load_units().name("SL", "vi") + " (SL)" in row_heads
    assert [th.get_text() for th in soup.find_all("th", scope="col")] == [title]
    assert soup.find("a", string="Xem")["href"] == 'vi/SL/10_a.html?"><script>'
    assert soup.find("code").get_text() == "E: <img src=x> & y" and soup.find("pre").get_text() == "<i>"
    # The stylesheet is inlined as CSS, not escaped (quotes in font names stay quotes).
    assert '"DejaVu Sans"' in soup.find("style").get_text() and "&#34;" not in page.split("</style>")[0]

    footer = export.footer_html(_prov(parameters={"unit": evil, "note": "a & <b>"}), "vi")
    assert "<script" not in footer and "<b>" not in footer
    fsoup = BeautifulSoup(footer, "html.parser")
    dd = dict(zip([dt.get_text() for dt in fsoup.find_all("dt")], [d.get_text() for d in fsoup.find_all("dd")]))
    assert dd["Thông số chạy báo cáo"] == f"Đơn vị: {evil}; Thông số khác: note = a & <b>"


def test_banner_is_one_escaped_fragment_in_both_languages():
    from bs4 import BeautifulSoup

    for lang, first in (("vi", "Dữ liệu minh họa / Illustrative data"), ("en", "Illustrative data / Dữ liệu minh họa")):
        div = BeautifulSoup(export.banner_html(lang), "html.parser").find("div", class_="me-illustrative")
        assert div.get_text().startswith("⚠ " + first + " — ")
        assert div["role"] == "note" and div.span.get_text().endswith("thật." if lang == "vi" else "are real.")
