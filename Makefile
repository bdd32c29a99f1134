# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest options, e.g. `make test PYTEST_ARGS="-n 2 -m 'not browser'"` (as .ci/run does).
PYTEST_ARGS ?=

.PHONY: run test setup install lint typecheck benchmark

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[test]"
	touch $@

# axe-core for the browser tests' accessibility check (package.json, package-lock.json).
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata wilayah_kota_jambi indicators competition_2020
	$(PY) manage.py seed_demo

run: setup
	@echo "Portal BANTAR: http://$(HOST):$(PORT)/  (berhenti: Ctrl+C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with the django-stubs plugin; what it checks is set in pyproject.toml ([tool.mypy]).
typecheck: install
	$(VENV)/bin/mypy
