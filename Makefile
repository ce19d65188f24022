# Casebook. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEMO_PASSWORD ?= $(or $(CASEBOOK_DEMO_PASSWORD),casebook-demo-2026)

.DEFAULT_GOAL := help
.PHONY: help install install-test run test test-fast lint format check services-up services-down bench ocr \
	serve-production worker scheduler restore-drill bench-load bench-faults assets assets-check

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel
	$(PIP) install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed ## Create .venv and install Casebook

install-test: $(VENV)/.installed-test ## Install Casebook with its test tools

ocr: ## Install Tesseract's English data (Debian) for OCR of burned-in text, where missing
	@bash scripts/install_ocr.sh

run: install ocr ## Migrate, seed the demo and serve http://127.0.0.1:8000 with a task worker and the scheduler
	$(PY) manage.py migrate --noinput
	CASEBOOK_DEMO_PASSWORD='$(DEMO_PASSWORD)' $(PY) manage.py seed_demo
	@echo "Demo logins (password: $(DEMO_PASSWORD)): demo-editor, demo-clinician (verified), demo-pending, demo-moderator"
	$(PY) manage.py resume_uploads --minutes 0
	@trap 'kill $$worker $$scheduler 2>/dev/null' EXIT; \
	$(PY) manage.py db_worker --queue-name default & worker=$$!; \
	$(PY) manage.py run_periodic_jobs & scheduler=$$!; \
	$(PY) manage.py runserver 127.0.0.1:8000

serve-production: install ## Production settings from the environment: collectstatic, then gunicorn
	DJANGO_SETTINGS_MODULE=cms.settings.production $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_SETTINGS_MODULE=cms.settings.production $(VENV)/bin/gunicorn -c gunicorn.conf.py

worker: install ## One task worker: RQ when TASKS_REDIS_URL is set, else the database queue
	@if [ -n "$$TASKS_REDIS_URL" ]; then \
	  exec $(PY) manage.py rqworker --job-class django_tasks_rq.Job --with-scheduler default; \
	else exec $(PY) manage.py db_worker --queue-name default; fi

scheduler: install ## Enqueue the periodic jobs when due (run one or more)
	$(PY) manage.py run_periodic_jobs

test: install-test ocr ## Start the services the suite needs, run every test, stop the services
	PY=$(PY) bash scripts/run_tests.sh

test-fast: install-test ocr ## Only the fast tests that need no service
	$(PY) -m pytest -q -m "not postgres and not elasticsearch and not s3 and not browser and not slow"

lint: install-test ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-test ## Apply ruff's fixes and formatting
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install ## Django system checks, deploy checks under production settings, migrations
	$(PY) manage.py check
	DJANGO_SETTINGS_MODULE=cms.settings.production SECRET_KEY=check-deploy-$$RANDOM$$RANDOM-not-a-real-secret-0123456789abcdef ALLOWED_HOSTS=casebook.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

services-up: install ## Start PostgreSQL, Elasticsearch, OpenSearch and S3 on loopback
	$(PY) scripts/services.py up

services-down: ## Stop the services started by services-up
	$(PY) scripts/services.py down

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

assets: node_modules/.package-lock.json ## Build the vendored front-end files into cms/static/vendor (needs Node; committed)
	node frontend/build.mjs

assets-check: ## Fail when the committed front-end build differs from `npm ci && make assets`
	npm ci --no-audit --no-fund
	node frontend/build.mjs
	@changes="$$(git status --porcelain -- cms/static/vendor)"; if [ -n "$$changes" ]; then \
		echo "$$changes"; echo "cms/static/vendor differs from a fresh build: run make assets and commit it" >&2; exit 1; fi

bench: install-test ## Run the benchmarks (prints tables)
	$(PY) benchmarks/pages.py

restore-drill: install ## Back up the database and media, restore into scratch copies, check them
	@set -e; dir=$$(mktemp -d -t casebook-backup-XXXXXX); trap 'rm -rf "$$dir"' EXIT; \
	$(PY) manage.py backup_casebook "$$dir/backup" && $(PY) manage.py restore_drill "$$dir/backup"

bench-load: install-test ## The whole stack under load (benchmarks/load.py; ~30 min, needs root)
	$(PIP) install -q -e '.[bench]'
	$(PY) -m benchmarks.load

bench-faults: install-test ## Faults under load (benchmarks/faults.py; run after bench-load)
	$(PIP) install -q -e '.[bench]'
	$(PY) -m benchmarks.faults
