# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest options, e.g. `make test PYTEST_ARGS="-n 2 -m 'not browser'"` (as .ci/run does).
PYTEST_ARGS ?=

.PHONY: run test setup install lint typecheck benchmark messages compilemessages

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
	$(PY) manage.py loaddata_once wilayah_kota_jambi indicators competition_2020
	$(PY) manage.py seed_demo

# The translations: `make messages` refreshes the English catalogues from the source (Python and
# templates: locale/en/LC_MESSAGES/django.po; scripts: djangojs.po), keeping what is translated;
# then translate the new entries (README, "Languages"). compilemessages turns them into the .mo
# files Django reads (GNU gettext's msgfmt; not committed, see .gitignore).
MESSAGES_IGNORE := --ignore=node_modules --ignore=.venv --ignore=build --ignore=staticfiles \
	--ignore=media --ignore=backups --ignore=tests --ignore=benchmarks
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --locale=en --domain=django --no-obsolete $(MESSAGES_IGNORE)
	$(PY) manage.py makemessages --locale=en --domain=djangojs --no-obsolete $(MESSAGES_IGNORE)

compilemessages: $(VENV)/.installed
	$(PY) manage.py compilemessages $(MESSAGES_IGNORE)

run: setup compilemessages
	@echo "Portal BANTAR: http://$(HOST):$(PORT)/  (berhenti: Ctrl+C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install compilemessages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with the django-stubs plugin; what it checks is set in pyproject.toml ([tool.mypy]).
typecheck: install
	$(VENV)/bin/mypy
