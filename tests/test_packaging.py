"""The project keeps its promises about packaging and committed notebooks."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _bound(req: str) -> str | None:
    m = re.search(r">=\s*([0-9][^, ;]*)", req)
    return m.group(1) if m else None


def test_environment_yml_matches_pyproject():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = py["project"]["dependencies"] + py["project"]["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    conda_map = {_name(d): _bound(d) for d in conda if _name(d) not in ("python", "pip")}
    py_map = {_name(d): _bound(d) for d in wanted}
    assert conda_map == py_map, (
        f"only in environment.yml: {sorted(set(conda_map) - set(py_map))}; "
        f"only in pyproject.toml: {sorted(set(py_map) - set(conda_map))}; "
        f"different bounds: {sorted(k for k in py_map if k in conda_map and py_map[k] != conda_map[k])}"
    )
    assert "python=3.11" in env["dependencies"]
    assert "conda-forge" in env["channels"]


def test_required_packages_are_dependencies():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())
    names = {_name(d) for d in py["project"]["dependencies"]}
    for required in (
        "jupyterlab",
        "pandas",
        "statsmodels",
        "seaborn",
        "papermill",
        "nbconvert",
        "ipykernel",
        "pyyaml",
        "openpyxl",
    ):
        assert required in names
    assert py["project"]["scripts"]["me"] == "me_utils.cli:main"


def test_notebooks_are_committed_without_outputs():
    nbs = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert nbs, "no notebooks found"
    for p in nbs:
        nb = json.loads(p.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], f"{p.name} holds outputs"
                assert cell.get("execution_count") is None, f"{p.name} holds execution counts"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme and "make report" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_me_command_skips_the_slow_iri_checker_and_still_validates_notebooks():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from me_utils import cli\n"
        "cli.main(['--help'])\n"
        "import jsonschema, nbformat, papermill\n"
        "nb = nbformat.read('notebooks/20_gbv.ipynb', as_version=4)\n"
        "nbformat.validate(nb)\n"
        "bad = nbformat.from_dict(nb)\n"
        "bad.cells[0]['source'] = 5\n"
        "try:\n"
        "    nbformat.validate(bad)\n"
        "except nbformat.ValidationError:\n"
        "    print('refused')\n"
        "checker = jsonschema.FormatChecker()\n"
        "print(sys.modules['rfc3987_syntax'] is None, 'iri' in checker.checkers, 'date' in checker.checkers)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    # Notebook validation still refuses a bad notebook; only the iri checkers (unused by
    # nbformat's schemas, which have no "format" keyword) are left out.
    # The `me` entry point itself marks the checker absent (its usage text comes first).
    assert out.split()[-4:] == ["refused", "True", "False", "True"]

    def format_keywords(node) -> list:
        # "format" as a JSON-schema keyword has a string value; as a property name (raw cells'
        # metadata.format) it holds a sub-schema.
        if isinstance(node, dict):
            own = [node["format"]] if isinstance(node.get("format"), str) else []
            return own + [f for v in node.values() for f in format_keywords(v)]
        if isinstance(node, list):
            return [f for v in node for f in format_keywords(v)]
        return []

    schemas = sorted((Path(__import__("nbformat").__file__).parent / "v4").glob("*.json"))
    assert schemas and not any(format_keywords(json.loads(p.read_text())) for p in schemas)
