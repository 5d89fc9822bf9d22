# Navigator: `make run` starts the app, `make test` runs every check. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: system-packages-run help venv run test lint format check-migrations pytest system-packages catalogues messages bench-languages bench bench-screen bench-admin bench-queue bench-intake bench-api bench-facts bench-trials bench-rescreen bench-digest bench-messages bench-logs bench-summaries clean

help:
	@echo "make run    - install, migrate, seed demo data, start web + worker + beat"
	@echo "make test   - install, ruff, makemigrations --check, full pytest suite"
	@echo "make lint | format | bench | bench-screen | bench-admin | bench-queue | bench-intake | bench-api | bench-facts | bench-trials | bench-rescreen | bench-digest | bench-summaries | bench-languages | bench-uploads | bench-messages | messages | catalogues | clean"

# Re-install only when a requirements file changes (the stamp is older than them).
$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) scripts/check_python.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create a virtualenv: apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

run: $(STAMP) system-packages-run catalogues
	$(PY) scripts/run_dev.py

# ruff, then the architecture contracts in pyproject.toml ([tool.importlinter]).
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m bandit -c pyproject.toml -q -r navigator screening --severity-level medium
	$(VENV)/bin/lint-imports --cache-dir var/import-linter

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# The message catalogues: the .po files (committed, edited by people) compiled to the .mo files
# Django reads (never committed), again whenever a .po file changes. Needs GNU gettext's msgfmt
# (scripts/ensure_system_packages.sh). Production runs the same: `make catalogues`.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
catalogues: $(CATALOGUES)

locale/%.mo: locale/%.po | system-packages-run
	msgfmt --check-format -o $@ $<

# After changing strings in the code: the .po files gain the new ones (then translate them).
messages: $(STAMP) system-packages-run
	$(PY) manage.py makemessages -l es -l zh_Hans --add-location=file --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=docs

check-migrations: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

# Debian packages (Chromium for the browser tests, Tesseract, Pango, fonts): installed as root,
# otherwise the exact command is printed. `run` needs fewer than `test`.
system-packages:
	@bash scripts/ensure_system_packages.sh test

system-packages-run:
	@bash scripts/ensure_system_packages.sh run

# The whole suite, wrapped in an embedded Redis unless REDIS_URL is set.
pytest: $(STAMP) system-packages catalogues
	$(PY) -m navigator.embedded_redis -- $(PY) -m pytest $(PYTEST_ARGS)

test: lint check-migrations pytest

bench: $(STAMP)
	$(PY) bench/rules.py $(BENCH_ARGS)

# manage.py screen on 20,000 random cases: JSON in, compact JSON out (goal <= 100 us per case).
bench-screen: $(STAMP)
	$(PY) bench/screen.py $(BENCH_ARGS)

# The coordinators' queue over 100,000 synthetic cases (var/bench/, or DATABASE_URL).
bench-admin: $(STAMP)
	$(PY) bench/admin.py $(BENCH_ARGS)

# The redacting log filter: microseconds it adds per log record, by kind of record.
bench-logs: $(STAMP)
	$(PY) bench/logs.py $(BENCH_ARGS)

# The coordinators' daily digest over 5,000 open cases (a fresh SQLite file unless DATABASE_URL).
bench-digest: $(STAMP)
	$(PY) bench/digest.py $(BENCH_ARGS)

# A case summary PDF: ten products, a dozen criteria each (goal <= 1 s).
bench-summaries: $(STAMP) catalogues
	$(PY) bench/summaries.py $(BENCH_ARGS)

# The screening queue on a real Redis (embedded unless REDIS_URL) and a prefork worker.
# The intake's step, upload and submit times (its own SQLite under var/bench/).
bench-intake: $(STAMP)
	$(PY) -m navigator.embedded_redis -- $(PY) bench/intake.py $(BENCH_ARGS)

# Reading facts from the report fixtures: time per page (text PDFs, OCR), memory, precision and
# recall per field. BENCH_ARGS="--scans 5" reads fewer scans.
bench-facts: $(STAMP) system-packages-run
	$(PY) bench/facts.py $(BENCH_ARGS)

bench-queue: $(STAMP)
	$(PY) -m navigator.embedded_redis -- $(PY) bench/queue.py $(BENCH_ARGS)

# The API's case submission (JSON, FHIR) and stateless screening against the form's submit
# (its own SQLite under var/bench/, or DATABASE_URL with your own database name).
bench-api: $(STAMP)
	$(PY) -m navigator.embedded_redis -- $(PY) bench/api.py $(BENCH_ARGS)

# Trial matching: one profile against 2,000 synthetic trials, then 100,000 open cases re-matched
# on 2 processes (its own SQLite under var/bench/, or DATABASE_URL). Smaller: BENCH_ARGS.
bench-trials: $(STAMP)
	$(PY) bench/trials.py $(BENCH_ARGS)

# The bulk re-screen of 100,000 open cases after a rules change on a worker of 2 processes
# (its own SQLite under var/bench/, or DATABASE_URL with your own database). Smaller: BENCH_ARGS.
bench-rescreen: $(STAMP)
	$(PY) -m navigator.embedded_redis -- $(PY) bench/rescreen.py $(BENCH_ARGS)

# Each intake step's POST and the status page's GET in English, Spanish and Chinese (its own
# SQLite under var/bench/): p50/p95 per language against English.
# One upload's check by kind of file (photo, screenshot, PDFs, a PDF cleaned of scripts).
bench-uploads: $(STAMP)
	$(PY) bench/uploads.py $(BENCH_ARGS)

bench-languages: $(STAMP) catalogues
	$(PY) -m navigator.embedded_redis -- $(PY) bench/languages.py $(BENCH_ARGS)

bench-messages: $(STAMP) catalogues
	$(PY) -m navigator.embedded_redis -- $(PY) bench/messages.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
	rm -f $(CATALOGUES)
