# The two commands of README's Quick start, and what they need. Everything the project
# needs is installed here, into .venv, from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## Run the app on the embedded SQLite database with demo data at http://127.0.0.1:5000
demo: $(STAMP)
	$(BIN)/tracker init
	$(BIN)/tracker demo --if-empty
	$(BIN)/tracker serve --host 127.0.0.1 --port 5000

## Run the whole test suite, on SQLite and on PostgreSQL (127.0.0.1:5432)
test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard workflows tracker notifications tests bench)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/metrics.py
