# Everything runs from a virtual environment in .venv, made on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DATA ?=
HOST ?= 127.0.0.1:8000

.PHONY: venv migrate demo test lint import-data clean

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

migrate: venv
	$(BIN)/python manage.py migrate --noinput

## make demo [DATA=../shared/data/craigslistbargain]: demo data (+ the real dataset) served on http://$(HOST)
demo: migrate
	$(BIN)/python manage.py load_demo
	@if [ -n "$(DATA)" ]; then $(BIN)/python manage.py import_craigslistbargain "$(DATA)"; fi
	@echo "Serving on http://$(HOST)  (Ctrl+C to stop)"
	$(BIN)/python manage.py runserver $(HOST)

## make test: the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check .

import-data: migrate
	$(BIN)/python manage.py import_craigslistbargain "$(DATA)"

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache staticfiles
