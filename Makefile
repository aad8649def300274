# TradeHub developer commands. The two that matter:
#   make run    set everything up and serve the site on http://127.0.0.1:5000 (SQLite + embedded search)
#   make test   set everything up and run the whole suite (SQLite and PostgreSQL, embedded and OpenSearch)
# Each step is idempotent: rerunning only redoes what changed.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app tradehub
PYTEST_ARGS ?=
DEMO_SUPPLIERS ?= 300
HOST ?= 127.0.0.1
PORT ?= 5000
SEARCH_NODE_PORT ?= 9250
PGTEST_PORT ?= 55432
# Redis for the shared rate-limit test (scripts/redis), like PostgreSQL a throwaway server.
REDIS_TEST_PORT ?= 56379
# The test/trial cluster (make search-cluster, the failover test): its own HTTP ports
# SEARCH_CLUSTER_PORT.. and transport ports SEARCH_CLUSTER_TRANSPORT_PORT.., apart from the node.
SEARCH_CLUSTER_PORT ?= 9260
SEARCH_CLUSTER_TRANSPORT_PORT ?= 9360
SEARCH_CLUSTER_NODES ?= 3
export SEARCH_NODE_PORT PGTEST_PORT REDIS_TEST_PORT

.PHONY: run setup test test-fast test-sqlite test-postgres test-failover lint wheel-check search-node search-cluster search-cluster-stop system-packages \
        services-up services-down assets db seed bench relevance clean catalogues translations

## Set-up -----------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

tradehub/static/govuk/govuk-frontend.min.css: node_modules/.package-lock.json scripts/build-assets package.json
	scripts/build-assets

assets: tradehub/static/govuk/govuk-frontend.min.css

# Compiled message catalogues (.mo) are built from the committed .po files, never committed.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard tradehub/translations/*/LC_MESSAGES/messages.po))
%.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile -i $< -o $@
catalogues: $(CATALOGUES)

# The languages with a catalogue (English is the source language); tradehub/i18n.py lists the same.
LOCALES := fr de es pt zh_Hans ja ar
# Extract every translatable string and merge it into each language's .po (then translate them).
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k ngettext:1,2 --sort-output --no-location \
	  --no-wrap --omit-header -o tradehub/translations/messages.pot .
	@for locale in $(LOCALES); do \
	  if [ -f tradehub/translations/$$locale/LC_MESSAGES/messages.po ]; then \
	    $(BIN)/pybabel update -i tradehub/translations/messages.pot -d tradehub/translations -l $$locale \
	      --no-wrap --ignore-obsolete --no-fuzzy-matching; \
	  else \
	    $(BIN)/pybabel init -i tradehub/translations/messages.pot -d tradehub/translations -l $$locale --no-wrap; \
	  fi; \
	done
	@# No creation dates in committed catalogues: they changed on every run and made merges conflict.
	sed -i '/^"POT-Creation-Date: /d' tradehub/translations/messages.pot tradehub/translations/*/LC_MESSAGES/messages.po
	$(MAKE) --no-print-directory catalogues

setup: $(VENV)/.installed assets catalogues

db: setup
	$(FLASK) db upgrade

seed: db
	$(FLASK) marketplaces load
	$(FLASK) demo seed --suppliers $(DEMO_SUPPLIERS)
	$(FLASK) search sync

## Run --------------------------------------------------------------------------------------

run: seed
	$(FLASK) run --host $(HOST) --port $(PORT)

## Tests ------------------------------------------------------------------------------------

# Debian packages the tests drive for real: Chromium (browser tests), PostgreSQL, curl.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

search-node:
	scripts/search-node run

# N OpenSearch nodes on loopback as one cluster, in the background; stop with
# `make search-cluster-stop`.
search-cluster:
	SEARCH_NODE_PORT=$(SEARCH_CLUSTER_PORT) SEARCH_NODE_TRANSPORT_PORT=$(SEARCH_CLUSTER_TRANSPORT_PORT) \
	  scripts/search-node cluster start $(SEARCH_CLUSTER_NODES)

search-cluster-stop:
	SEARCH_NODE_PORT=$(SEARCH_CLUSTER_PORT) SEARCH_NODE_TRANSPORT_PORT=$(SEARCH_CLUSTER_TRANSPORT_PORT) \
	  scripts/search-node cluster stop

services-up: system-packages
	scripts/search-node start
	scripts/postgres start >/dev/null
	scripts/redis start >/dev/null

services-down:
	-scripts/search-node stop
	-scripts/postgres stop
	-scripts/redis stop

# Whole suite, both databases, both search backends. Services are stopped afterwards even
# when a run fails; pytest's "no tests collected" (exit 5) counts as a failure here.
test: setup services-up
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=$$?; \
	$(MAKE) --no-print-directory test-postgres || status=$$?; \
	$(MAKE) --no-print-directory test-failover || status=$$?; \
	$(MAKE) --no-print-directory services-down; \
	exit $$status

TEST_REDIS_URL = redis://127.0.0.1:$(REDIS_TEST_PORT)/0

# pytest exits 5 when it collected nothing: say so and fail, since the suite is never empty.
PYTEST_RUN = $(BIN)/pytest -n 2 $(PYTEST_ARGS) $(PYTEST_EXTRA); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

test-sqlite: setup
	@echo "== Test suite on SQLite (search: embedded and OpenSearch) =="
	ELASTICSEARCH_URL=http://127.0.0.1:$(SEARCH_NODE_PORT) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PYTEST_RUN)

# The search contract suite never touches the database, so the PostgreSQL leg skips it.
test-postgres: PYTEST_EXTRA = --ignore=tests/search_contract --ignore=tests/relevance
test-postgres: setup
	@echo "== Test suite on PostgreSQL (search: embedded and OpenSearch) =="
	ELASTICSEARCH_URL=http://127.0.0.1:$(SEARCH_NODE_PORT) TEST_REDIS_URL=$(TEST_REDIS_URL) \
	TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$(PGTEST_PORT)/tradehub_test \
	$(PYTEST_RUN)

# tests/failover on its own 3-node cluster (ports SEARCH_CLUSTER_PORT.., never the shared node's):
# a node, then the master, is killed under search and save load. The cluster is always stopped.
test-failover: setup
	@echo "== Failover: a 3-node OpenSearch cluster loses a node, then its master =="
	@export SEARCH_NODE_PORT=$(SEARCH_CLUSTER_PORT) SEARCH_NODE_TRANSPORT_PORT=$(SEARCH_CLUSTER_TRANSPORT_PORT); \
	scripts/search-node cluster start 3 || { scripts/search-node cluster stop; exit 1; }; \
	p=$(SEARCH_CLUSTER_PORT); \
	FAILOVER_ELASTICSEARCH_URL=http://127.0.0.1:$$p,http://127.0.0.1:$$((p + 1)),http://127.0.0.1:$$((p + 2)) \
	  $(BIN)/pytest -p no:randomly -s -q --timeout 900 tests/failover $(PYTEST_ARGS); rc=$$?; \
	scripts/search-node cluster stop; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests: failing"; exit 1; fi; exit $$rc

# Quick loop while coding: SQLite and the embedded backend only, no services.
test-fast: setup
	$(BIN)/pytest -n 2 -m "not browser" $(PYTEST_ARGS)

# Style, formatting and the import-layers contract (setup.cfg [importlinter]): CI runs it first.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# A wheel built from the tree installs into a clean venv, migrates and serves pages on its own.
wheel-check: assets catalogues
	PYTHON=$(PYTHON) scripts/wheel-check

bench: setup
	$(BIN)/python bench/search_bench.py

# Search relevance on the judged set (tests/relevance/), per backend; OpenSearch when it runs.
relevance: setup
	ELASTICSEARCH_URL=$${ELASTICSEARCH_URL-http://127.0.0.1:$(SEARCH_NODE_PORT)} \
	$(BIN)/python -m tests.relevance.report $(RELEVANCE_ARGS)

clean:
	rm -rf $(VENV) node_modules tradehub/static/govuk instance .pytest_cache .ruff_cache
