# onewindow: the Makefile is the interface (CI calls these targets too).

VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
# The first python3 >= 3.11 on PATH; override with `make PYTHON=/path/to/python3.12`.
PYTHON    ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
               command -v $$p >/dev/null 2>&1 \
               && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 \
               && { echo $$p; break; }; done)
PYTEST_ARGS ?=
# The whole run is stopped after this many seconds (each test has its own limit in pyproject.toml).
TEST_SESSION_TIMEOUT ?= 1500
# The pinned versions the suite is green with: `make lock` regenerates them from pyproject.toml.
LOCK      := requirements.txt requirements-dev.txt

.PHONY: venv provision lock run test unit lint bench clean

venv: $(STAMP)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "error: Python >= 3.11 not found (set PYTHON=...)" >&2; exit 1; }
	@echo "creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)

# Re-install only when the lock or pyproject.toml is newer than the stamp.
$(STAMP): requirements-dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# PostgreSQL, Chromium and its font for the tests: installs what is missing (scripts/provision.sh).
provision:
	@bash scripts/provision.sh

# requirements.txt: production (the Dockerfile); requirements-dev.txt: every extra (tests, make run).
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	    pyproject.toml -o requirements.txt
	$(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	    --all-extras pyproject.toml -o requirements-dev.txt

run: venv
	$(BIN)/python scripts/run.py

test: provision venv
	timeout --kill-after=30 $(TEST_SESSION_TIMEOUT) $(BIN)/pytest -q $(PYTEST_ARGS)

unit: venv
	$(BIN)/pytest -m unit -q $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache *.egg-info build dist
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
