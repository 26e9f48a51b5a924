"""Notebook start-up: data root resolution."""
from __future__ import annotations


def test_notebook_falls_back_to_demo_data_only_when_no_data_root_is_given(tmp_path, monkeypatch):
    import json

    from me_utils import notebook

    import shutil

    from me_utils import paths

    root = tmp_path / "proj"
    (root / "data" / "demo" / "processed").mkdir(parents=True)
    shutil.copytree(paths.reference_dir(), root / "data" / "reference")
    (root / "data" / "demo" / "processed" / "manifest.json").write_text(json.dumps({"illustrative": True}))
    monkeypatch.setenv("ME_PROJECT_ROOT", str(root))
    ctx = notebook.start("t", "t", data_root="")
    assert ctx.data_root == root / "data" / "demo" and ctx.illustrative
    explicit = notebook.start("t", "t", data_root=str(root / "data"))
    assert explicit.data_root == root / "data" and not explicit.illustrative
