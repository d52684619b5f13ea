# The two commands a newcomer runs: `make build`, then `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# uv if it is on PATH, else the copy `make install` puts in this Python with pip.
UV ?= $(shell command -v uv 2>/dev/null || echo "python3 -m uv")
PYTHON_BIN := .venv/bin
DBT := $(PYTHON_BIN)/dbt
DBT_FLAGS := --profiles-dir .

SCALE ?= 1
DAYS ?= 365
START ?= 2025-01-01
SEED ?= 42

export OMNICHANNEL_RAW_ROOT ?= data/raw
# mf (MetricFlow) reads the dbt profile from here.
export DBT_PROFILES_DIR ?= $(CURDIR)

DASHBOARD_PORT ?= 8501
# Debian's chromium for the headless docs and dashboard tests (never `playwright install`).
CHROMIUM ?= /usr/bin/chromium
# make spark: the world built on Spark and compared with DuckDB (fixture, or demo = data/raw)
SPARK_WORLD ?= fixture
SPARK_FLAGS ?=
# apt-get needs root: sudo when make does not run as root
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install generate check-raw dbt-build docs build test lint format clean chromium \
	validate-semantic dashboard spark java

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

install: ## Install the locked environment into .venv (installs uv with pip when missing)
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode --quiet

generate: install ## Generate the demo world (scale $(SCALE), $(DAYS) days) unless it is already there
	$(PYTHON_BIN)/omnichannel generate --scale $(SCALE) --days $(DAYS) --start $(START) --seed $(SEED) \
	  --out data/raw --truth data/truth --skip-if-current

check-raw: install ## Landing checks (Great Expectations) on the raw extracts
	$(PYTHON_BIN)/omnichannel check-raw --raw data/raw

dbt-build: install ## Landing checks, dbt build, mart audit; publish if all green
	$(PYTHON_BIN)/omnichannel build

docs: install ## Generate the lineage docs (target/index.html and target/static_index.html)
	$(DBT) docs generate $(DBT_FLAGS) --static

build: install generate dbt-build docs ## Install, generate, build (landing checks, dbt, mart audit, publish), document

lint: install ## ruff + sqlfluff (dbt templater)
	@mkdir -p data/build
	$(PYTHON_BIN)/ruff check src tests/python tools dashboard
	$(PYTHON_BIN)/ruff format --check src tests/python tools dashboard
	$(PYTHON_BIN)/sqlfluff lint models macros --processes 2

format: install ## Format Python and SQL
	$(PYTHON_BIN)/ruff format src tests/python tools dashboard
	$(PYTHON_BIN)/ruff check --fix src tests/python tools dashboard

test: install lint validate-semantic chromium ## The whole suite: lint, mf validate-configs, then pytest (builds the fixture world once)
	CHROMIUM=$(CHROMIUM) $(PYTHON_BIN)/pytest

validate-semantic: install ## MetricFlow: validate the semantic models, metrics and saved queries
	@mkdir -p data/build
	$(DBT) parse $(DBT_FLAGS) --quiet
	$(PYTHON_BIN)/mf validate-configs --skip-dw

chromium: ## Install Debian's chromium (headless browser tests) when it is missing
	@[ -x $(CHROMIUM) ] || command -v chromium >/dev/null 2>&1 || \
	  ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium)

dashboard: install ## Serve the dashboard on http://localhost:$(DASHBOARD_PORT) (reads data/published)
	$(PYTHON_BIN)/streamlit run dashboard/app.py --server.address localhost \
	  --server.port $(DASHBOARD_PORT) --server.headless true --browser.gatherUsageStats false \
	  --client.toolbarMode viewer

java: ## Java 17 for Spark, from Debian's packages when no java is on PATH
	@command -v java >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openjdk-17-jre-headless; }
	@java -version 2>&1 | head -1

spark: java ## Build the fixture world (SPARK_WORLD=demo: data/raw) on Spark, compare every model with DuckDB
	@if [ "$(SPARK_WORLD)" = demo ]; then $(MAKE) --no-print-directory generate; fi
	@command -v uv >/dev/null 2>&1 || python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --frozen --compile-bytecode --quiet --group spark
	$(PYTHON_BIN)/omnichannel compare-engines --world $(SPARK_WORLD) $(SPARK_FLAGS)

BENCH_SCALES ?= 1,3,10
BENCH_REPEATS ?= 3

.PHONY: bench
bench: install ## Benchmark at scales 1,3,10 (~30-40 min, not CI): docs/benchmarks.md, its plot, bench/results.json
	$(PYTHON_BIN)/omnichannel bench --scales $(BENCH_SCALES) --repeats $(BENCH_REPEATS)

clean: ## Remove built artefacts (keeps generated raw data)
	rm -rf target logs data/build data/published data/test .pytest_cache
