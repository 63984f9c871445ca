# Two commands do all the set-up (see README):
#   make demo   -> create .venv, install evisynth, run the main job on the bundled example
#   make test   -> create .venv, install evisynth with test extras, run ruff, mypy, the layer contracts,
#                  the API-reference build (warnings are errors) and the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: venv install dev demo test lint docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[excel,plots,records,docx]"

dev: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"

demo: install
	$(BIN)/evisynth demo

lint: dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

docs: dev
	$(BIN)/mkdocs build --strict --quiet

test: dev lint docs
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build dist .pytest_cache
