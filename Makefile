# Umed: two commands. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
STAMP := $(VENV)/.installed

.PHONY: run test install catalogs migrate demo lint bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

catalogs: $(STAMP)
	$(BIN)/flask --app wsgi i18n compile > /dev/null

migrate: catalogs
	$(BIN)/flask --app wsgi db upgrade

run: migrate
	@LMS_KIOSK_ANY_BROWSER=1 $(BIN)/python -m lms.serve --port $(PORT)

test: catalogs
	@bash .ci/browser-deps
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check lms tests bench

bench: $(STAMP)
	$(BIN)/python bench/import_300.py
	@echo "More benchmarks (see README): bench/seed.py, bench/dashboard.py, bench/load.py, bench/durability.py"

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis
