# Two commands for a new developer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DEV := DJANGO_SETTINGS_MODULE=marketplace.settings.dev
DEMO_SUPPLIERS ?= 300

.PHONY: screenshots run test install install-test migrate reference demo serve assets messages es-start es-stop e2e bench bench-quick relevance load faults clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-base: $(VENV)/bin/python requirements/base.lock pyproject.toml
	$(PIP) install --quiet -r requirements/base.lock
	$(PIP) install --quiet --no-deps --no-build-isolation -e . 2>/dev/null || $(PIP) install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed-base requirements/test.lock
	$(PIP) install --quiet -r requirements/test.lock
	touch $@

install: $(VENV)/.installed-base
install-test: $(VENV)/.installed-test

migrate: install
	$(DEV) $(PY) manage.py migrate --noinput -v0

reference: migrate
	$(DEV) $(PY) manage.py load_reference_data

demo: reference
	$(DEV) $(PY) manage.py load_demo --if-empty --suppliers $(DEMO_SUPPLIERS)

## make run: install, migrate SQLite, load reference data and a small demo, serve on :8000 with the task worker.
run: demo
	@bash tools/run.sh

## make test: install test dependencies and run the whole suite (SQLite unless DATABASE_URL is set).
test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

e2e: install-test
	$(PY) -m pytest -m e2e $(PYTEST_ARGS)

## Front-end assets: fetched from the npm registry and copied into marketplace/static/vendor (committed).
assets:
	npm ci --no-audit --no-fund
	node tools/copy-assets.mjs

## English catalog (French is the source language): extract, then compile (needs gettext).
messages: install
	$(DEV) $(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

## README screenshots (docs/screenshots/*.png) from the demo data, with Debian's Chromium.
screenshots: demo install-test
	$(DEV) $(PY) tools/screenshots.py

es-start:
	bash tools/elasticsearch/es.sh start

es-stop:
	bash tools/elasticsearch/es.sh stop

## Benchmarks (never part of make test): bench/results/<date>.json and the table in docs/PERFORMANCE.md.
## PostgreSQL too with BENCH_DATABASE_URL=postgres://…; Elasticsearch too with ELASTICSEARCH_URL=http://…
$(VENV)/.installed-bench: $(VENV)/.installed-base pyproject.toml
	$(PIP) install --quiet "gunicorn>=23" "pyinstrument>=5" "locust>=2.30"
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) -m bench.run --sizes 10000,100000

bench-quick: $(VENV)/.installed-bench
	$(PY) -m bench.run --sizes 10000

## Search relevance (nDCG@10, recall@20 of bench/relevance/queries.json) on a 2,000-supplier demo; docs/SEARCH.md « Relevance set ».
relevance: install
	$(PY) bench/relevance.py --markdown

## make load: locust scenario (browse, search, download, login, quotes in the last minute before a
## deadline) against gunicorn on loopback; report in bench/load/results/, summary in docs/SECURITY.md.
$(VENV)/.installed-load: $(VENV)/.installed-base requirements/load.lock
	$(PIP) install --quiet -r requirements/load.lock
	touch $@

load: $(VENV)/.installed-load
	$(PY) -m bench.load.run $(LOAD_ARGS)

## make faults: fault tests and restore drill (docs/OPERATIONS.md), then the ClamAV scanning tests
## with Debian's clamd when installed (apt-get install clamav-daemon). Not part of make test.
faults: install-test
	FAULTS=1 $(PY) -m pytest -m faults $(PYTEST_ARGS)
	$(PY) -m pytest -m clamav $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
