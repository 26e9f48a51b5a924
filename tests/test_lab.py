"""`make lab`: JupyterLab opens in the git-ignored scratch/ folder, and a report notebook executed
and saved in place leaves no outputs on disk nor in what git would commit."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "lab" / "jupyter_server_config.py"
REPORT = "notebooks/00_overview.ipynb"
PY = sys.executable


def _outputs(nb: dict) -> tuple[int, list]:
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    return sum(len(c.get("outputs", [])) for c in code), [c.get("execution_count") for c in code]


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict:
    """The overview report notebook executed in place, as a kernel in JupyterLab would leave it
    (outputs, execution counts, timing metadata), as a JSON dict."""
    from nbclient import NotebookClient

    nb = nbformat.read(REPO / REPORT, as_version=4)
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=300,
        record_timing=True,
        resources={"metadata": {"path": str(tmp_path_factory.mktemp("run"))}},
    ).execute()
    d = json.loads(nbformat.writes(nb))
    n, counts = _outputs(d)
    assert n >= 5 and all(isinstance(c, int) for c in counts)  # a real executed notebook
    return d


def _config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()


def _manager(root: Path):
    from jupyter_server.services.contents.filemanager import FileContentsManager

    return FileContentsManager(config=_config(), root_dir=str(root))


def test_config_opens_lab_in_git_ignored_scratch():
    cfg = _config()
    assert Path(cfg.ServerApp.root_dir) == REPO
    assert cfg.ServerApp.default_url == "/lab/tree/scratch"
    ignored = subprocess.run(["git", "check-ignore", "-q", "scratch/analysis.ipynb"], cwd=REPO, check=False)
    assert ignored.returncode == 0
    kept = subprocess.run(["git", "check-ignore", "-q", "scratch/README.md"], cwd=REPO, check=False)
    assert kept.returncode == 1
    for nb in ("notebooks/10_targets_scorecard.ipynb", "notebooks/explore/explore_indicators.ipynb"):
        assert subprocess.run(["git", "check-ignore", "-q", nb], cwd=REPO, check=False).returncode == 1


def test_make_lab_uses_the_config_and_the_git_filter():
    out = subprocess.run(["make", "-n", "lab"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "lab/setup_lab.py" in out
    assert "jupyter lab --config=lab/jupyter_server_config.py" in out
    assert "--notebook-dir=notebooks" not in out


def test_save_through_the_contents_manager_strips_report_notebooks(tmp_path, executed):
    cm = _manager(tmp_path)
    for folder in ("notebooks", "notebooks/explore", "scratch", "elsewhere"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    for path in (REPORT, "notebooks/explore/mine.ipynb", "elsewhere/copy.ipynb"):
        cm.save({"type": "notebook", "format": "json", "content": json.loads(json.dumps(executed))}, path)
        on_disk = json.loads((tmp_path / path).read_text(encoding="utf-8"))
        n, counts = _outputs(on_disk)
        assert n == 0 and set(counts) == {None}, path
        assert not any("execution" in c["metadata"] for c in on_disk["cells"]), path
        # Only outputs went: the cells themselves are the executed notebook's.
        assert [c["source"] for c in on_disk["cells"]] == [c["source"] for c in executed["cells"]]
    # Positive control: scratch/ keeps what the analyst ran.
    cm.save({"type": "notebook", "format": "json", "content": json.loads(json.dumps(executed))}, "scratch/run.ipynb")
    assert _outputs(json.loads((tmp_path / "scratch/run.ipynb").read_text(encoding="utf-8")))[0] > 0


def test_only_scratch_keeps_outputs():
    import runpy

    from traitlets.config import Config

    keeps = runpy.run_path(str(CONFIG), init_globals={"get_config": Config})["keeps_outputs"]
    assert keeps("scratch/a.ipynb") and keeps("/scratch/sub/a.ipynb")
    assert not keeps("scratch/../notebooks/20_gbv.ipynb") and not keeps("notebooks/scratch/a.ipynb")
    assert not keeps("20_gbv.ipynb") and not keeps("")


def test_a_failing_strip_refuses_the_save(tmp_path):
    from tornado.web import HTTPError

    cm = _manager(tmp_path)
    (tmp_path / "notebooks").mkdir()
    bad = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": 7}
    with pytest.raises(HTTPError):
        cm.save({"type": "notebook", "format": "json", "content": bad}, "notebooks/bad.ipynb")
    assert not (tmp_path / "notebooks" / "bad.ipynb").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_running_lab_server_saves_report_notebooks_without_outputs(tmp_path, executed):
    """The real server with the config, saving as the JupyterLab front end does (PUT
    /api/contents): the report notebook on disk has no outputs, the scratch copy keeps them."""
    root = tmp_path / "repo"
    (root / "notebooks").mkdir(parents=True)
    (root / "scratch").mkdir()
    port, token = _free_port(), "analyst11-test-token"
    jupyter = Path(PY).parent / "jupyter"
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 (closed in finally, after the server)
    proc = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            f"--config={CONFIG}",
            f"--ServerApp.root_dir={root}",
            f"--port={port}",
            "--no-browser",
            f"--IdentityProvider.token={token}",
            "--ServerApp.ip=127.0.0.1",
            "--allow-root",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start: " + (tmp_path / "server.log").read_text()[-2000:])

        def put(path):
            body = json.dumps({"type": "notebook", "format": "json", "content": executed}).encode()
            req = urllib.request.Request(
                f"{base}/api/contents/{path}?token={token}",
                data=body,
                method="PUT",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(req, timeout=30) as r:
                assert r.status in (200, 201)

        put(REPORT)
        put("scratch/mine.ipynb")
        n, counts = _outputs(json.loads((root / REPORT).read_text(encoding="utf-8")))
        assert n == 0 and set(counts) == {None}
        assert _outputs(json.loads((root / "scratch/mine.ipynb").read_text(encoding="utf-8")))[0] > 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check)


def test_git_commits_no_outputs_after_setup_lab(tmp_path, executed):
    """A temporary clone-like repository with the project's .gitattributes and setup script:
    after `lab/setup_lab.py`, an executed report notebook saved in place stages with no
    outputs — identical to the committed clean notebook — and scratch/ is never staged."""
    repo = tmp_path / "clone"
    (repo / "notebooks").mkdir(parents=True)
    (repo / "lab").mkdir()
    for rel in (".gitattributes", ".gitignore", "lab/setup_lab.py", REPORT):
        shutil.copy(REPO / rel, repo / rel)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "t@example.org")
    _git(repo, "config", "user.name", "t")
    out = subprocess.run([PY, "lab/setup_lab.py"], cwd=repo, capture_output=True, text=True, check=True)
    assert (repo / "scratch").is_dir(), out.stdout
    assert "--keep-id" in _git(repo, "config", "filter.nbstripout.clean").stdout
    assert (repo / ".gitattributes").read_text() == (REPO / ".gitattributes").read_text()  # nothing appended
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "clean")
    (repo / REPORT).write_text(json.dumps(executed, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (repo / "scratch" / "mine.ipynb").write_text(json.dumps(executed), encoding="utf-8")
    _git(repo, "add", "-A")
    staged = json.loads(_git(repo, "show", f":{REPORT}").stdout)
    n, counts = _outputs(staged)
    assert n == 0 and set(counts) == {None}
    committed = json.loads(_git(repo, "show", f"HEAD:{REPORT}").stdout)
    assert staged["cells"] == committed["cells"]  # running it changed nothing git would commit in the cells
    assert "scratch/mine.ipynb" not in _git(repo, "ls-files").stdout
    # Negative control: without the filter the outputs would have been staged.
    _git(repo, "config", "--unset", "filter.nbstripout.clean")
    _git(repo, "config", "--unset", "filter.nbstripout.required")
    (repo / REPORT).write_text(json.dumps(executed, indent=1, ensure_ascii=False) + "\n ", encoding="utf-8")
    _git(repo, "add", REPORT)
    assert _outputs(json.loads(_git(repo, "show", f":{REPORT}").stdout))[0] > 0
