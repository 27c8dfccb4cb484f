# Lantern: `make run` serves a demo on http://127.0.0.1:8000, `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# translation catalogues: the install compiles them (setup.py); `messages` recompiles edited ones
CATALOGUES := $(wildcard src/lantern/*/locale/*/LC_MESSAGES/*.po)

.PHONY: run test lint bench browser-test clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml setup.py $(CATALOGUES) | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml setup.py $(CATALOGUES) | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

messages: $(VENV)/.installed
	$(BIN)/python -m lantern.core.catalogues

run: $(VENV)/.installed messages
	$(BIN)/lantern migrate --noinput
	$(BIN)/lantern seed_demo --if-empty
	$(BIN)/lantern serve --no-migrate

lint: $(VENV)/.installed-dev messages
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

browser-test: $(VENV)/.installed-dev messages
	LANTERN_REQUIRE_BROWSER=1 $(BIN)/pytest -m browser

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/contacts.py
	$(BIN)/python bench/directory.py --services 20000 --queries 100
	$(BIN)/python bench/directory_import.py --services 10000
	$(BIN)/python bench/intake.py --messages 2000 --synchronous both
	$(BIN)/python bench/intake.py --messages 2000 --kill
	$(BIN)/python bench/routing.py
	$(BIN)/python bench/cases.py
	$(BIN)/python bench/stats.py --data-dir var/bench-stats

clean:
	rm -rf $(VENV) var/test-*
