"""Notebook start-up: data root resolution."""

from __future__ import annotations


def test_notebook_falls_back_to_demo_data_only_when_no_data_root_is_given(tmp_path, monkeypatch):
    import json
    import shutil

    from me_utils.core import paths
    from me_utils.reports import notebook

    root = tmp_path / "proj"
    (root / "data" / "demo" / "processed").mkdir(parents=True)
    shutil.copytree(paths.reference_dir(), root / "data" / "reference")
    (root / "data" / "demo" / "processed" / "manifest.json").write_text(json.dumps({"illustrative": True}))
    monkeypatch.setenv("ME_PROJECT_ROOT", str(root))
    ctx = notebook.start("t", "t", data_root="")
    assert ctx.data_root == root / "data" / "demo" and ctx.illustrative
    explicit = notebook.start("t", "t", data_root=str(root / "data"))
    assert explicit.data_root == root / "data" and not explicit.illustrative


def test_start_refuses_bad_parameters():
    import pytest

    from me_utils.reports import notebook

    with pytest.raises(ValueError, match="unknown unit code"):
        notebook.start("t", "t", unit="XX")
    with pytest.raises(ValueError, match="lang"):
        notebook.start("t", "t", lang="fr")
    with pytest.raises(ValueError, match="after period_end"):
        notebook.start("t", "t", period_start=2025, period_end=2021)
