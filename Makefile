# The two commands of README's Quick start, and what they need. Everything the project
# needs is installed here, into .venv, from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test lint bench messages

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

## Re-read the pages' messages into tracker/translations/vi (then translate the new ones).
## The .mo files are compiled by the app when it starts (tracker/web/i18n.py), never committed.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _n --no-location --sort-output -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations -l vi --no-fuzzy-matching
