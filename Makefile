# Footprint: the two commands are `make demo` and `make test`; the rest are their parts.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VENDOR := footprint/core/static/vendor
DEMO_DB := var/demo.sqlite3
DEMO_ENV := DJANGO_DEBUG=true DATABASE_URL=sqlite:///$(CURDIR)/$(DEMO_DB)
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-not-for-production
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint format bench serve worker install assets migrate pytest pytest-postgres clean

## demo: install everything, build assets, migrate, load the demo footprint and serve it
demo: install assets
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

## test: lint, type-check, layering contracts, then the whole suite on SQLite and PostgreSQL
test: install assets lint pytest pytest-postgres

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
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

pytest: install assets
	$(TEST_ENV) $(BIN)/pytest

## PostgreSQL: a throwaway cluster started for the run, whenever the server programs exist
pytest-postgres: install assets
	$(TEST_ENV) bash scripts/with-postgres.sh $(BIN)/pytest

bench: install
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(TEST_ENV) bash scripts/run-benchmarks.sh $(BIN)/python

serve: install assets
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/gunicorn footprint.config.wsgi --bind $(HOST):$(PORT) --workers 2

worker: install
	FOOTPRINT_TASKS=database $(BIN)/python manage.py db_worker --no-reload

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
