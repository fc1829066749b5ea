# 社工站管理平台 — the two commands a newcomer needs: `make run` and `make test`.
# The newest Python 3.11-3.13 that runs here (Django 5.2 supports them all): PYTHON=... overrides.
PYTHON ?= $(shell for v in 3.13 3.12 3.11; do python$$v -c 'import sys' >/dev/null 2>&1 && { echo python$$v; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK=1
TEST_WORKERS ?= 2

.PHONY: run test install lint messages bench restore-drill check-deploy clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

run: install
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "Serving on http://127.0.0.1:8000  (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000 --noreload

test: install
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) --dist loadfile --ignore=tests/browser --ignore=tests/integration
	$(VENV)/bin/pytest -q tests/browser
	# A real Celery worker against Redis and the PostgreSQL test database (skipped on SQLite or
	# without Redis; .ci/run has both).
	$(VENV)/bin/pytest -q -n 0 tests/integration

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v0

# Regenerate the translation catalogues after changing user-facing strings: each app keeps its
# own (docs/development.md, "Strings"); run at the top level, makemessages would gather every
# app's strings into locale/ instead. The base templates' top-level locale/ is edited by hand.
messages: install
	for app in $$(ls -d */locale | cut -d/ -f1); do \
	  (cd $$app && ../$(VENV)/bin/django-admin makemessages -l zh_Hans && ../$(VENV)/bin/django-admin compilemessages) \
	  || exit 1; done
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

# Back up the demo county with pg_dump, restore it into a fresh PostgreSQL database and compare
# row counts, sequences and the 2023 figures (docs/operations.md). Needs PostgreSQL (PGHOST…).
restore-drill: install
	bash deploy/restore-drill.sh

# Production settings must pass Django's deployment checklist (deploy/production.env.example).
check-deploy: install
	set -a && . deploy/production.env.example && set +a && VAR_DIR=$$(mktemp -d) \
	  $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules staticfiles var

# PERFORMANCE.md's benchmark: loads the scale into PostgreSQL database portal_bench once
# (BENCH_DATABASE_URL overrides it), measures every target and writes bench/results/.
SCALE ?= city
bench: $(VENV)/.installed
	$(PY) bench/run.py --scale $(SCALE)
