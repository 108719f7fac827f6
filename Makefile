# Online Lives: the commands people and CI run.
#   make serve   install into .venv and serve the course on http://127.0.0.1:8866
#   make test    install what the tests need (Chromium, axe-core, PostgreSQL) and run the whole suite
#   make test-fast  lint and the tests that start no browser and no server (a few minutes)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
CONSTRAINTS := requirements/constraints.txt
PORT   ?= 8866

.PHONY: serve chromium install install-test browser-deps store-deps test test-fast lint format benchmark clean

serve: install chromium
	$(BIN)/online-lives serve --port $(PORT)

chromium:
	@bash deploy/install-chromium.sh

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS)
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c $(CONSTRAINTS) -e .
	touch $@

install-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml $(CONSTRAINTS)
	$(PIP) install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $@

browser-deps:
	bash tests/browser/install-deps.sh

store-deps:
	bash tests/install-deps.sh

test: install-test browser-deps store-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

test-fast: install-test store-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "not browser and not slow" -q

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

benchmark: install-test browser-deps
	$(BIN)/python benchmarks/page_speed.py

clean:
	rm -rf $(VENV) tests/browser/node_modules .pytest_cache
