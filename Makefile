# Hémicycle — the usual targets. `make run` and `make test` set everything up themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
# The French catalogue, compiled by Babel (pure Python: GNU gettext's msgfmt is not needed).
CATALOGUE := locale/fr/LC_MESSAGES/django

.DEFAULT_GOAL := help
.PHONY: help install messages run worker beat migrate seed test lint format bench check-python clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hémicycle needs Python >= 3.11 (set PYTHON=...)")'

$(STAMP): pyproject.toml | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(NPM_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "npm not found: front-end packages not installed (browser tests will be skipped)."; \
	fi

install: $(STAMP) $(NPM_STAMP) ## Create the virtualenv, install Python and front-end packages

$(CATALOGUE).mo: $(CATALOGUE).po $(STAMP)
	$(VENV)/bin/pybabel compile --domain=django --directory=locale --locale=fr

messages: $(CATALOGUE).mo ## Compile the French catalogue (locale/fr: plurals of 0 and 1)

migrate: install messages ## Apply database migrations
	$(MANAGE) migrate --no-input

seed: migrate ## Load the course content and the demo accounts (idempotent)
	$(MANAGE) seed_content
	$(MANAGE) seed_demo

run: seed ## Set everything up and serve http://127.0.0.1:8000/ (SQLite, demo content)
	@echo ""
	@echo "Hémicycle : http://127.0.0.1:8000/   administration : http://127.0.0.1:8000/admin/"
	@echo ""
	$(MANAGE) runserver 127.0.0.1:8000

worker: install ## Start a Celery worker with the beat scheduler (needs REDIS_URL)
	$(VENV)/bin/celery -A config worker --beat --loglevel=INFO

test: install messages ## Set everything up and run the whole suite (HEMICYCLE_STRICT=1 forbids skips)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run
	$(VENV)/bin/pytest

lint: install ## Lint with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install ## Format with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install messages ## Print the hot paths beside their bare floors, lesson page and dashboard timings, xAPI statements/s, ballots/s, national roll-up, secret reset with 50,000 sessions (DATABASE_URL: PostgreSQL; served as deployed, by granian)
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m tests.bench.ratios
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m tests.bench.lesson_page
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m tests.bench.dashboard
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m tests.bench.xapi
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m tests.bench.ballots
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m tests.bench.national
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m tests.bench.session_reset

clean: ## Remove the virtualenv, node_modules and the SQLite database
	rm -rf $(VENV) node_modules db.sqlite3
