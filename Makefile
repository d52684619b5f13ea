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

.PHONY: help install generate check-raw dbt-build docs build test lint format clean

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

dbt-build: install ## dbt build (seeds, models, tests) on the demo world, publish if green
	$(PYTHON_BIN)/omnichannel build

docs: install ## Generate the lineage docs (target/index.html and target/static_index.html)
	$(DBT) docs generate $(DBT_FLAGS) --static

build: install generate check-raw dbt-build docs ## Install, generate, check, build and document the warehouse

lint: install ## ruff + sqlfluff (dbt templater)
	@mkdir -p data/build
	$(PYTHON_BIN)/ruff check src tests/python tools
	$(PYTHON_BIN)/ruff format --check src tests/python tools
	$(PYTHON_BIN)/sqlfluff lint models macros --processes 2

format: install ## Format Python and SQL
	$(PYTHON_BIN)/ruff format src tests/python tools
	$(PYTHON_BIN)/ruff check --fix src tests/python tools

test: install lint ## The whole suite: lint, then pytest (builds the fixture world once)
	$(PYTHON_BIN)/pytest

BENCH_SCALES ?= 1,3,10
BENCH_REPEATS ?= 3

.PHONY: bench
bench: install ## Benchmark at scales 1,3,10 (~30-40 min, not CI): docs/benchmarks.md, its plot, bench/results.json
	$(PYTHON_BIN)/omnichannel bench --scales $(BENCH_SCALES) --repeats $(BENCH_REPEATS)

clean: ## Remove built artefacts (keeps generated raw data)
	rm -rf target logs data/build data/published data/test .pytest_cache
