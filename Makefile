# The two commands: `make demo` runs the hub, `make test` checks it. Both set up what they need.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HUB := $(VENV)/bin/hub
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
DURATION ?=

.PHONY: help test demo lint typecheck pytest bench prereqs jars clean kafka-up kafka-down

help:
	@echo "make demo    run the hub on a local Kafka broker (DURATION=60 for a bounded run)"
	@echo "make test    lint, type-check and run every test against a real broker"
	@echo "make bench   run the benchmarks (results in docs/benchmarks.md)"

prereqs:
	@deploy/local/prereqs.sh java mvn postgres prometheus kcat systemd-analyze

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

jars: prereqs $(STAMP)
	@$(HUB) kafka fetch >/dev/null

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: jars
	$(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

demo: jars
	$(HUB) demo $(if $(DURATION),--duration $(DURATION),)

bench: jars
	$(PY) -m bench

kafka-up: jars
	$(HUB) kafka up

kafka-down: $(STAMP)
	$(HUB) kafka down

clean:
	-$(HUB) kafka down --purge
	rm -rf $(VENV) .cache .mypy_cache .ruff_cache .pytest_cache
