# Footprint: the two commands are `make demo` and `make test`; the rest are their parts.
SHELL := /bin/bash
# The interpreter that makes the virtual environment: any Python from 3.11 up (scripts/find-python.sh).
PYTHON ?= $(shell bash scripts/find-python.sh 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
VENDOR := footprint/core/static/vendor
DEMO_DB := var/demo.sqlite3
DEMO_ENV := DJANGO_DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB)
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-not-for-production
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint format bench load serve worker install assets migrate pytest pytest-postgres clean

## demo: install everything, build assets, migrate, load the demo footprint and serve it with
## a background worker beside the server
demo: install assets
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(DEMO_ENV) FOOTPRINT_SITE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py load_demo
	$(DEMO_ENV) bash scripts/serve-demo.sh $(BIN)/python $(HOST) $(PORT)

## test: lint, type-check, layering contracts, then the whole suite on SQLite and PostgreSQL
test: install assets lint pytest pytest-postgres

install: $(VENV)/.installed
	@echo "Python: $$($(BIN)/python --version) in $(VENV)"
$(VENV)/.installed: pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
	  if [ -z "$(PYTHON)" ]; then bash scripts/find-python.sh; exit 1; fi; \
	  echo "Making $(VENV) with $$($(PYTHON) --version) from $(PYTHON)"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask]"
	touch $@

assets: $(VENDOR)/.built
$(VENDOR)/.built: package.json package-lock.json scripts/build-assets.sh
	npm ci --no-audit --no-fund --loglevel=error
	bash scripts/build-assets.sh $(VENDOR)
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## the SQLite pass measures branch coverage and fails below the floor in pyproject.toml
pytest: install assets
	$(TEST_ENV) $(BIN)/pytest --cov --cov-report=term

## PostgreSQL: a throwaway cluster started for the run, whenever the server programs exist
pytest-postgres: install assets
	$(TEST_ENV) bash scripts/with-postgres.sh $(BIN)/pytest

bench: install
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,bench]"
	$(TEST_ENV) bash scripts/run-benchmarks.sh $(BIN)/python

## load: 50 people at once for two minutes against gunicorn and a throwaway PostgreSQL with the
## demo loaded (benchmarks/load.py); prints response times and checks every vote was counted
load: install assets
	$(TEST_ENV) bash scripts/with-postgres.sh $(BIN)/python benchmarks/load.py

serve: install assets
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/gunicorn footprint.config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --keep-alive 30

worker: install
	FOOTPRINT_TASKS=database $(BIN)/python manage.py db_worker --no-reload

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
