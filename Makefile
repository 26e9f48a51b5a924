# Gender-equality M&E workbench — the README's commands.
#   make report   set up, generate the illustrative demo data, build it, render every report
#   make test     set up (incl. headless Chromium) and run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
ME := $(VENV)/bin/me
STAMP := $(VENV)/.installed
DEMO_ROOT := data/demo
SEED ?= 20250506
LANG_REPORT ?= vi
JOBS ?=

.PHONY: setup lock browser demo build report test lab bench clean help

help:
	@echo "make report | make test | make setup | make lab | make demo | make bench | make clean"

# Idempotent: reinstalls only when pyproject.toml or the lock changes. Every package comes from
# requirements.lock (exact versions, sha256 hashes checked), so a run set up next year computes
# what this one did; the workbench itself is installed editable without resolving anything.
# The ipykernel wheel ships the venv's own python3 kernelspec, so notebooks run on this venv
# without touching global Jupyter. `make lock` regenerates the lock (see README).
LOCK := requirements.lock

setup: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

lock:
	$(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras --extra test \
	  --no-emit-index-url --no-emit-find-links --resolver=backtracking -o $(LOCK) pyproject.toml requirements-lock.in

# Headless Chromium for the real-browser tests and PDF export, and poppler-utils (pdftotext,
# pdftoppm) for the printed-PDF tests: Debian packages, installed only where missing.
browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; } || { \
	  echo "Installing Debian's chromium and poppler-utils (headless browser, PDF text for tests)"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium fonts-dejavu-core poppler-utils >/dev/null; }

demo: setup
	$(ME) demo --out $(DEMO_ROOT) --seed $(SEED)

build: demo
	$(ME) build --root $(DEMO_ROOT)

# Both phases: the 2021–2025 review (reports/) and the 2026–2030 monitoring on the 75 communes
# (reports/2026-2030/); each index links the other.
report: build
	$(ME) report --data-root $(DEMO_ROOT) --lang $(LANG_REPORT) $(if $(JOBS),--jobs $(JOBS),)
	$(ME) report --data-root $(DEMO_ROOT) --lang $(LANG_REPORT) --period 2026-2030 $(if $(JOBS),--jobs $(JOBS),)

# Lint and format check first (ruff, configured in pyproject.toml), then every test.
test: setup browser
	$(VENV)/bin/ruff check src tests benchmarks lab
	$(VENV)/bin/ruff format --check src tests benchmarks lab
	$(PY) -m pytest -q -n 2 --dist loadfile

# JupyterLab for analysts, at the repository root, opening in scratch/ (git-ignored: your
# notebooks keep their outputs there). Notebooks saved anywhere else lose their outputs on save
# (lab/jupyter_server_config.py) and in what git commits (nbstripout filter, lab/setup_lab.py).
lab: build
	$(PY) lab/setup_lab.py
	$(VENV)/bin/jupyter lab --config=lab/jupyter_server_config.py $(if $(filter 0,$(shell id -u)),--allow-root,)

bench: setup
	$(PY) benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(DEMO_ROOT) reports/*.html reports/*/ data/processed/*.csv data/processed/*.json
