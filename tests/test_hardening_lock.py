"""Issue 16, reproducible environment: requirements.lock pins every dependency of
pyproject.toml and environment.yml at an exact version within its bound, with hashes, and the
venv `make setup` builds from it holds exactly the lock."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"


def read_lock(path: Path = LOCK) -> dict[str, tuple[Version, list[str]]]:
    """``{canonical name: (version, [sha256 hashes])}`` of a pip-compile lock file."""
    pins: dict[str, tuple[Version, list[str]]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", line)
        if m:
            current = canonicalize_name(m.group(1))
            assert current not in pins, f"{current} pinned twice"
            pins[current] = (Version(m.group(2)), [])
            continue
        h = re.search(r"--hash=sha256:([0-9a-f]{64})", line)
        if h and current:
            pins[current][1].append(h.group(1))
        elif line.strip() and not line.startswith((" ", "#")):
            raise AssertionError(f"unexpected lock line (not an exact pin): {line!r}")
    return pins


def _pyproject_requirements() -> list[Requirement]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(meta["dependencies"])
    for extra in meta.get("optional-dependencies", {}).values():
        reqs.extend(extra)
    return [Requirement(r) for r in reqs]


def _conda_requirements() -> list[Requirement]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out = []
    for dep in env["dependencies"]:
        if not isinstance(dep, str):
            continue  # the pip: section (-e .)
        name = re.split(r"[<>=! ]", dep, maxsplit=1)[0]
        if name in ("python", "pip"):
            continue
        out.append(Requirement(dep.replace(" ", "")))
    return out


def test_lock_pins_exact_versions_with_hashes():
    pins = read_lock()
    assert len(pins) > 50
    for name, (version, hashes) in pins.items():
        assert hashes, f"{name}=={version} has no hash"


@pytest.mark.parametrize("source", ["pyproject.toml", "environment.yml"])
def test_every_declared_dependency_is_pinned_within_its_bound(source):
    pins = read_lock()
    reqs = _pyproject_requirements() if source == "pyproject.toml" else _conda_requirements()
    assert reqs
    for req in reqs:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} ({source}) is not in requirements.lock: run `make lock`"
        version = pins[name][0]
        assert req.specifier.contains(version, prereleases=True), (
            f"{req.name}: lock pins {version}, outside {req.specifier} ({source}): run `make lock`"
        )


def test_lock_input_files_are_named_in_the_lock_header():
    head = LOCK.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "--generate-hashes" in head and "pyproject.toml requirements-lock.in" in head
    assert "--find-links" not in LOCK.read_text(encoding="utf-8")  # no machine-specific source
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "--require-hashes --no-deps -r $(LOCK)" in make and "pip install --quiet --no-deps -e ." in make


def _in_make_setup_venv() -> bool:
    venv = ROOT / ".venv"
    return Path(sys.prefix).resolve() == venv.resolve() and (venv / ".installed").exists()


@pytest.mark.skipif(not _in_make_setup_venv(), reason="runs in the venv that `make setup` built")
def test_pip_freeze_of_the_setup_venv_equals_the_lock():
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--all", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    got = {}
    for line in frozen:
        m = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)$", line)
        assert m, f"not an exact version in pip freeze: {line!r}"
        got[canonicalize_name(m.group(1))] = Version(m.group(2))
    want = {name: version for name, (version, _) in read_lock().items()}
    assert got == want
