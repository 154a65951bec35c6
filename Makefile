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
TEST_SESSION_TIMEOUT ?= 2700
# The pinned versions the suite is green with: `make lock` regenerates them from pyproject.toml.
LOCK      := requirements.txt requirements-dev.txt

.PHONY: venv provision lock lock-check run run-multi test unit chaos lint audit bench clean

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
LOCK_DIR  ?= .
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
             --custom-compile-command "make lock" pyproject.toml
lock: | $(BIN)/python
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(UV_COMPILE) -o $(LOCK_DIR)/requirements.txt
	$(UV_COMPILE) --all-extras -o $(LOCK_DIR)/requirements-dev.txt

# Fails when pyproject.toml asks for something the committed lock does not pin.
lock-check: | $(BIN)/python
	@tmp=$$(mktemp -d) && cp $(LOCK) $$tmp/ \
	  && $(MAKE) --no-print-directory -s lock LOCK_DIR=$$tmp >/dev/null \
	  && for f in $(LOCK); do cmp -s $$f $$tmp/$$f \
	     || { echo "error: $$f is stale: run 'make lock' and commit it" >&2; rm -rf $$tmp; exit 1; }; done; \
	  rm -rf $$tmp

run: venv
	$(BIN)/python scripts/run.py

# Three linked centers (city 350500, county 350521, township 350521100): see README.md.
run-multi: venv
	$(BIN)/python scripts/run_multi.py

test: provision venv
	timeout --kill-after=30 $(TEST_SESSION_TIMEOUT) $(BIN)/pytest -q $(PYTEST_ARGS)

# Faults under load (tests/chaos): SIGKILLed services, crash windows, outages, poison messages.
# CHAOS_CASES cases go through the crash test; each test prints its figures.
CHAOS_CASES ?= 2000
CHAOS_SESSION_TIMEOUT ?= 3600
chaos: provision venv
	ONEWINDOW_CHAOS=1 CHAOS_CASES=$(CHAOS_CASES) timeout --kill-after=30 $(CHAOS_SESSION_TIMEOUT) \
	  $(BIN)/pytest -q -s tests/chaos $(PYTEST_ARGS)

unit: venv
	$(BIN)/pytest -m unit -q $(PYTEST_ARGS)

lint: venv lock-check audit
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python scripts/validate_deploy.py

# Known vulnerabilities of the locked pins, from PyPI's advisory data (scripts/audit_pins.py).
audit: | $(BIN)/python
	$(BIN)/python scripts/audit_pins.py

# The `bench` extra (eventsourcing, psycopg-binary, profilers) is in requirements-dev.txt only.
bench: venv
	$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache *.egg-info build dist
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
