# Entry points. Everything sets itself up from nothing: a .venv is created and the
# package installed (with test dependencies) the first time, and again when pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ANALYSIS := $(BIN)/analysis

# Pass options to `analysis run`, e.g. make reports ARGS="--municipality Roskilde"
ARGS ?=

.PHONY: help install test demo build reports note committee lab bench coverage fetch clean-outputs

help:
	@echo "make reports   set up, make demo data if there is no data, build, run every report"
	@echo "make test      set up and run the test suite"
	@echo "make note      write the status-note draft (statusnotat_<period>.docx) for the committee"
	@echo "make committee the committee's documents in one command: every report as HTML and PDF, and the status-note draft"
	@echo "make demo      write the synthetic demo dataset to data/raw/demo"
	@echo "make build     rebuild data/processed from data/raw"
	@echo "make fetch     fetch real data (needs JOBINDSATS_API_TOKEN and internet)"
	@echo "make lab       start JupyterLab with the project's kernel"
	@echo "make bench     measure the batch runner"
	@echo "make coverage  simulate how often the effect intervals cover the truth (several spells per person)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# Bytecode for the package, as pip writes it for installed packages (an editable install has none, and with
	@# PYTHONDONTWRITEBYTECODE set every kernel would compile the analysis modules again).
	$(BIN)/python -m compileall -q src
	@touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(ANALYSIS) demo

build: $(STAMP)
	$(ANALYSIS) build

reports: $(STAMP)
	@if [ ! -d data/raw/jobindsats ] && [ ! -d data/raw/demo/jobindsats ]; then $(ANALYSIS) demo; fi
	$(ANALYSIS) build
	$(ANALYSIS) run $(ARGS)

# The status-note draft (Word) for the committee, from the same data and period as `make reports`
note: $(STAMP)
	@if [ ! -d data/raw/jobindsats ] && [ ! -d data/raw/demo/jobindsats ]; then $(ANALYSIS) demo; fi
	$(ANALYSIS) build
	$(ANALYSIS) note $(ARGS)

# The committee's documents in one command (ARGS: --municipality, --period, --source, --out apply to both)
committee: $(STAMP)
	@if [ ! -d data/raw/jobindsats ] && [ ! -d data/raw/demo/jobindsats ]; then $(ANALYSIS) demo; fi
	$(ANALYSIS) build
	$(ANALYSIS) run --pdf $(ARGS)
	$(ANALYSIS) note $(ARGS)

fetch: $(STAMP)
	$(ANALYSIS) fetch $(ARGS)
	$(ANALYSIS) build

lab: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,lab]'
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	@if [ ! -d data/raw/demo/jobindsats ]; then $(ANALYSIS) demo; fi
	$(ANALYSIS) build --source demo
	$(BIN)/python -m analysis.tools.timing $(ARGS)

# Options after ARGS, e.g. make coverage ARGS="--reps 1000 --persons 300 --spells 4"
coverage: $(STAMP)
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BIN)/python -m analysis.tools.coverage_check $(ARGS)
