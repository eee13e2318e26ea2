# Workbench: `make help` lists the targets. `make demo` and `make test` build the environment themselves.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export NUMBA_CACHE_DIR := $(CURDIR)/$(VENV)/numba_cache
DEMO_POSTS ?= 100000
DB ?= data/workbench.duckdb

.DEFAULT_GOAL := help
.PHONY: help env demo test test-fast lab bench schema-doc clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# Warm numba's on-disk cache once so later `import umap` takes seconds, not half a minute.
	$(BIN)/python -m workbench.warmup
	@touch $(STAMP)

env: $(STAMP) ## create .venv and install the workbench with its dependencies

demo: $(STAMP) ## generate the synthetic corpus, ingest it, analyse it and write an HTML report
	$(BIN)/workbench demo --posts $(DEMO_POSTS) --db $(DB)

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

test-fast: $(STAMP) ## run the tests that take seconds
	$(BIN)/python -m pytest -q -m "not slow"

lab: $(STAMP) ## start JupyterLab on localhost (token authentication) on the notebooks, reading $(DB)
	@test -f $(DB) || echo "note: $(DB) does not exist yet; run 'make demo' or 'workbench ingest ... --db $(DB)' first"
	@# WORKBENCH_HOME lets the notebooks' relative db_path (data/workbench.duckdb) resolve from notebooks/
	WORKBENCH_HOME=$(CURDIR) $(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --no-browser --notebook-dir=notebooks

bench: $(STAMP) ## run the main benchmarks (tens of minutes; BENCHMARKS.md lists every command)
	$(BIN)/python bench/bench_ingest.py --rows 1000000
	$(BIN)/python bench/bench_synth.py --posts 100000 1000000
	$(BIN)/python bench/bench_coordination_toolkit.py --posts 200000
	$(BIN)/python bench/bench_coordination_real.py
	$(BIN)/python bench/bench_forensics.py synth --posts 100000 --seed 2 --scenario default
	$(BIN)/python bench/bench_text_weibo.py

schema-doc: $(STAMP) ## regenerate docs/schema.md from workbench/schema.py
	$(BIN)/python -m workbench.schema > docs/schema.md

clean: ## remove the environment, data and reports
	rm -rf $(VENV) data/*.duckdb data/interim data/processed reports/2*
