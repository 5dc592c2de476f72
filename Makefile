# The two commands of README's Quick start, and what they need. Everything the project
# needs is installed here, into .venv, from pyproject.toml at the versions of constraints.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo test test-another-day lint bench lock messages

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
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

## The whole suite again with the application's clock on another day (a leap day, years ahead):
## a test that leans on today's real date instead of stating the date it needs fails here
test-another-day: $(STAMP)
	TRACKER_TODAY=2028-02-29 $(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check $(wildcard workflows tracker notifications tests bench)
	$(BIN)/mypy

## Every benchmark of README's Performance section (PostgreSQL at 127.0.0.1:5432; long: about an hour)
bench: $(STAMP)
	command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk
	$(BIN)/python bench/metrics.py
	$(BIN)/python bench/transition.py
	rm -f bench-transition.db && $(BIN)/python bench/transition.py --database-url sqlite:///bench-transition.db && rm -f bench-transition.db*
	$(BIN)/python bench/http_load.py
	$(BIN)/python bench/lists.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/provinces.py

## Re-pin constraints.txt: the newest versions pyproject.toml allows, resolved in a fresh venv
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e ".[test]"
	{ echo "# Every package the project installs, pinned: make install and CI install with -c constraints.txt."; \
	  echo "# Regenerate after changing dependencies in pyproject.toml: make lock"; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable; } > constraints.txt
	rm -rf .lock-venv
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"

## Re-read the pages' messages into tracker/translations/vi (then translate the new ones).
## The .mo files are compiled by the app when it starts (tracker/web/i18n.py), never committed.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _n --no-location --sort-output -o tracker/translations/messages.pot .
	$(BIN)/pybabel update -i tracker/translations/messages.pot -d tracker/translations -l vi --no-fuzzy-matching
