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

.PHONY: venv run test unit lint bench clean

venv: $(STAMP)

# Re-install only when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python >= 3.11 not found (set PYTHON=...)" >&2; exit 1; }
	@test -x $(BIN)/python || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: venv
	$(BIN)/python scripts/run.py

test: venv
	$(BIN)/pytest -q $(PYTEST_ARGS)

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
