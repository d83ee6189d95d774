# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lint install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Generate, import and allocate the area-sized synthetic dataset on the embedded default.
demo: $(STAMP)
	$(BIN)/rjsched demo

## Lint, types, then the whole default test run (SQLite and PostgreSQL, real Redis/Celery/SMTP, Chromium).
test: $(STAMP)
	scripts/test-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

## The slow benchmarks (not part of `make test`).
bench: $(STAMP)
	$(BIN)/rjsched bench

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
