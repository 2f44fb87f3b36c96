# Isoloir — the README's commands. Everything is installed into .venv from the lock.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# manage.py and wsgi.py default to the production settings (which need their secrets):
# every development target names its settings.
LOCAL := DJANGO_SETTINGS_MODULE=voting_portal.settings.local
TEST_SETTINGS := DJANGO_SETTINGS_MODULE=voting_portal.settings.test
MANAGE := $(LOCAL) $(PY) manage.py
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.txt pyproject.toml | sha256sum | cut -c1-16)

.PHONY: demo test install lint migrations-check lock clean bench-cast bench-import bench-letters js js-check bench-js mutation

$(STAMP): requirements/dev.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

## make demo: set up, migrate SQLite, load the demo election and serve it on :8000,
## with one background worker (imports, letters, the calendar's jobs) whose log is var/demo-worker.log,
## and lifecycle_tick every 30 s (opening, closing, freeze caught up) whose log is var/demo-lifecycle.log
demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo
	@echo "Isoloir tourne sur http://127.0.0.1:8000/ — Ctrl-C pour arrêter."
	@mkdir -p var; $(MANAGE) db_worker --no-reload > var/demo-worker.log 2>&1 & worker=$$!; \
	$(MANAGE) lifecycle_tick --loop 30 > var/demo-lifecycle.log 2>&1 & tick=$$!; \
	trap 'kill $$worker $$tick 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000 --noreload

## make test: set up and run the whole suite (SQLite; PostgreSQL when DATABASE_URL says so)
test: install
	$(TEST_SETTINGS) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

migrations-check: install
	$(TEST_SETTINGS) $(PY) manage.py makemigrations --check --dry-run

## make bench-cast: concurrent JE VOTE on gunicorn + local PostgreSQL and Redis (bench/README.md)
bench-cast: install
	$(LOCAL) $(PY) bench/cast.py $(BENCH_ARGS)

## make bench-import: voter imports of 50,000 and 500,000 lines on local PostgreSQL (bench/README.md)
bench-import: install
	$(LOCAL) $(PY) bench/import_voters.py $(BENCH_ARGS)

## make bench-letters: credential letters, pages per second, on local PostgreSQL (bench/README.md)
bench-letters: install
	$(LOCAL) $(PY) bench/letters.py $(BENCH_ARGS)

## make js: rebuild static/js/isoloir-crypto.js from frontend/ (Node >= 20.19, npm; the bundle is committed)
js:
	cd frontend && npm ci --no-audit --no-fund && npm run build

## make js-check: the committed bundle is exactly what the lockfile rebuilds (CI)
js-check: js
	git diff --exit-code --stat -- static/js/isoloir-crypto.js

## make bench-js: a 14-option ballot encrypted in Chromium (bench/README.md)
bench-js: install
	$(PY) bench/encrypt.py $(BENCH_ARGS)

## make mutation: mutmut over the modules that hold the rules, each mutant against the tests of its
## app; prints the score, the survivors, the machine and the duration (tests/MUTATION.md; not in CI)
mutation: install
	$(TEST_SETTINGS) $(PY) tests/mutation/run.py $(MUTATION_ARGS)

# The lock files, regenerated from pyproject.toml (needs uv in the venv: .venv/bin/pip install uv).
lock:
	$(VENV)/bin/uv pip compile -q pyproject.toml --python-version 3.11 --generate-hashes -o requirements/base.txt
	$(VENV)/bin/uv pip compile -q pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements/dev.txt

clean:
	rm -rf $(VENV) frontend/node_modules var db.sqlite3 .pytest_cache .ruff_cache mutants
