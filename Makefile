# One entry point each: `make demo` (synthetic data, processed data, the latest half year's
# reports), `make test` (the full suite, as CI runs it), `make check` (the fast tests),
# `make lint`, `make format`. Each creates the virtual environment when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test check check-oldest lint format lab bench clean docs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name bibanalyse --display-name bibanalyse
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/bibanalyse init-key
	$(BIN)/bibanalyse demo
	$(BIN)/bibanalyse ingest
	$(BIN)/bibanalyse run

test: $(STAMP)
	$(BIN)/python -m pytest -n 2

# The edit-test loop: everything but the tests marked slow (browser, Jupyter server,
# benchmark, end-to-end report runs); under a minute.
check: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow"

# The fast tests on the oldest versions pyproject.toml allows, in a virtual environment of
# their own: the lower bounds are versions the code is tested on (about 5 minutes).
OLDEST := $(VENV)/oldest
check-oldest:
	@test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -c 'import re, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  print(*(re.sub(r"\s*>=\s*", "==", r) for r in p["dependencies"] + p["optional-dependencies"]["dev"]), sep="\n")' \
	  > $(OLDEST)/lower-bounds.txt
	$(OLDEST)/bin/python -m pip install --quiet -c $(OLDEST)/lower-bounds.txt -e '.[dev]'
	$(OLDEST)/bin/python -m pytest -n 2 -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# JupyterLab on the notebooks with the project's kernel; each notebook runs top to bottom
# with its defaults against the data folder of the settings (bibanalyse.toml).
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

# Speed and scale of the ingest and the period run: prints a table with the targets and
# records it in benchmarks/RESULTS.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --markdown benchmarks/RESULTS.md

# The Dutch documentation of the indicators, made from their definitions.
docs: $(STAMP)
	$(BIN)/python -m bibanalyse.indicators.documentation > docs/indicatoren.md

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf data/processed data/snapshots data/raw/* reports/*
